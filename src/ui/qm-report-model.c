/* qm-report-model.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Reports page's preview as a GListModel: one item per data row of a
 * sealed QmReportPreview. Rows are cut into cells only when the list asks
 * for them (the rows on screen), and a small cache makes asking twice
 * give the same object, so a preview of millions of rows costs no more
 * than the preview's index.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-report-model.h"

#define ROW_CACHE_SIZE 256

/* ------------------------------------------------------------------------ */
/* Rows                                                                     */

struct _QmReportRow
{
  GObject   parent_instance;

  char    **cells;
  guint     n_cells;
};

G_DEFINE_FINAL_TYPE (QmReportRow, qm_report_row, G_TYPE_OBJECT)

static QmReportRow *
qm_report_row_new (char **cells)
{
  QmReportRow *self = g_object_new (QM_TYPE_REPORT_ROW, NULL);

  self->cells = cells;
  self->n_cells = cells != NULL ? g_strv_length (cells) : 0;
  return self;
}

/**
 * qm_report_row_get_cell:
 *
 * Returns: (transfer none): the cell as in the CSV file; empty past the
 *   row's last cell
 */
const char *
qm_report_row_get_cell (QmReportRow *self,
                        guint        column)
{
  g_return_val_if_fail (QM_IS_REPORT_ROW (self), "");

  return column < self->n_cells ? self->cells[column] : "";
}

static void
qm_report_row_finalize (GObject *object)
{
  g_strfreev (QM_REPORT_ROW (object)->cells);

  G_OBJECT_CLASS (qm_report_row_parent_class)->finalize (object);
}

static void
qm_report_row_class_init (QmReportRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qm_report_row_finalize;
}

static void
qm_report_row_init (QmReportRow *self)
{
}

/* ------------------------------------------------------------------------ */
/* The model                                                                */

struct _QmReportModel
{
  GObject          parent_instance;

  QmReportPreview *preview;
  guint            n_items;

  QmReportRow     *cache[ROW_CACHE_SIZE];
  guint            cache_position[ROW_CACHE_SIZE];
};

static void qm_report_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QmReportModel, qm_report_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      qm_report_model_list_model_init))

static void
clear_cache (QmReportModel *self)
{
  for (guint i = 0; i < ROW_CACHE_SIZE; i++)
    g_clear_object (&self->cache[i]);
}

static GType
qm_report_model_get_item_type (GListModel *model)
{
  return QM_TYPE_REPORT_ROW;
}

static guint
qm_report_model_get_n_items (GListModel *model)
{
  return QM_REPORT_MODEL (model)->n_items;
}

static gpointer
qm_report_model_get_item (GListModel *model,
                          guint       position)
{
  QmReportModel *self = QM_REPORT_MODEL (model);
  guint slot;

  if (position >= self->n_items)
    return NULL;

  slot = position % ROW_CACHE_SIZE;
  if (self->cache[slot] == NULL || self->cache_position[slot] != position)
    {
      g_clear_object (&self->cache[slot]);
      self->cache[slot] = qm_report_row_new (qm_report_preview_get_row (self->preview, position));
      self->cache_position[slot] = position;
    }

  return g_object_ref (self->cache[slot]);
}

static void
qm_report_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = qm_report_model_get_item_type;
  iface->get_n_items = qm_report_model_get_n_items;
  iface->get_item = qm_report_model_get_item;
}

QmReportModel *
qm_report_model_new (void)
{
  return g_object_new (QM_TYPE_REPORT_MODEL, NULL);
}

/**
 * qm_report_model_get_preview:
 *
 * Returns: (transfer none) (nullable): the preview shown
 */
QmReportPreview *
qm_report_model_get_preview (QmReportModel *self)
{
  g_return_val_if_fail (QM_IS_REPORT_MODEL (self), NULL);

  return self->preview;
}

/**
 * qm_report_model_set_preview:
 * @preview: (nullable): a sealed preview
 *
 * Shows the rows of @preview instead, in one items-changed.
 */
void
qm_report_model_set_preview (QmReportModel   *self,
                             QmReportPreview *preview)
{
  guint removed;
  guint64 rows;

  g_return_if_fail (QM_IS_REPORT_MODEL (self));

  if (preview == self->preview)
    return;

  removed = self->n_items;
  clear_cache (self);
  if (preview != NULL)
    qm_report_preview_ref (preview);
  g_clear_pointer (&self->preview, qm_report_preview_unref);
  self->preview = preview;

  rows = preview != NULL ? qm_report_preview_get_n_rows (preview) : 0;
  self->n_items = (guint) MIN (rows, (guint64) G_MAXUINT);

  if (removed > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_items);
}

static void
qm_report_model_dispose (GObject *object)
{
  QmReportModel *self = QM_REPORT_MODEL (object);

  clear_cache (self);
  g_clear_pointer (&self->preview, qm_report_preview_unref);
  self->n_items = 0;

  G_OBJECT_CLASS (qm_report_model_parent_class)->dispose (object);
}

static void
qm_report_model_class_init (QmReportModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = qm_report_model_dispose;
}

static void
qm_report_model_init (QmReportModel *self)
{
}
