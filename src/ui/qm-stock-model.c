/* qm-stock-model.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Stock page's list: a GListModel over a QmStockTable and a
 * permutation of its rows. Filtering and sorting run in a GTask worker
 * (qm_stock_table_query) and the new permutation replaces the old one
 * with a single items-changed, so no sort or filter ever runs on the main
 * thread. Row objects are made on demand, for the rows on screen, with a
 * small cache so that asking twice gives the same object.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-stock-model.h"
#include "qm-stock-row.h"

#define ROW_CACHE_SIZE 256

struct _QmStockModel
{
  GObject        parent_instance;

  QmStockTable  *table;
  QmStockTable  *pending_table; /* of the query running, if any */
  guint32       *rows;          /* positions -> table rows */
  guint          n_rows;

  QmStockQuery   query;         /* query.search owned */
  GCancellable  *cancellable;   /* of the query running, if any */

  QmStockRow    *cache[ROW_CACHE_SIZE];
  guint          cache_position[ROW_CACHE_SIZE];
};

static void qm_stock_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QmStockModel, qm_stock_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      qm_stock_model_list_model_init))

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  QmStockTable *table;
  QmStockQuery  query;
} QueryData;

typedef struct
{
  guint32 *rows;
  guint    n_rows;
} QueryResult;

static void
query_data_free (QueryData *data)
{
  g_clear_pointer (&data->table, qm_stock_table_unref);
  g_free ((char *) data->query.search);
  g_free (data);
}

static void
query_result_free (QueryResult *result)
{
  g_free (result->rows);
  g_free (result);
}

static void
clear_cache (QmStockModel *self)
{
  for (guint i = 0; i < ROW_CACHE_SIZE; i++)
    g_clear_object (&self->cache[i]);
}

/* GListModel */

static GType
qm_stock_model_get_item_type (GListModel *model)
{
  return QM_TYPE_STOCK_ROW;
}

static guint
qm_stock_model_get_n_items (GListModel *model)
{
  return QM_STOCK_MODEL (model)->n_rows;
}

static gpointer
qm_stock_model_get_item (GListModel *model,
                         guint       position)
{
  QmStockModel *self = QM_STOCK_MODEL (model);
  guint slot;

  if (position >= self->n_rows)
    return NULL;

  slot = position % ROW_CACHE_SIZE;
  if (self->cache[slot] == NULL || self->cache_position[slot] != position)
    {
      g_clear_object (&self->cache[slot]);
      self->cache[slot] = qm_stock_row_new (self->table, self->rows[position]);
      self->cache_position[slot] = position;
    }

  return g_object_ref (self->cache[slot]);
}

static void
qm_stock_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = qm_stock_model_get_item_type;
  iface->get_n_items = qm_stock_model_get_n_items;
  iface->get_item = qm_stock_model_get_item;
}

/* Queries */

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QueryData *data = task_data;
  QueryResult *result = g_new0 (QueryResult, 1);

  result->rows = qm_stock_table_query (data->table, &data->query, cancellable, &result->n_rows);
  if (result->rows == NULL)
    {
      query_result_free (result);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) query_result_free);
}

static void
swap_rows (QmStockModel *self,
           QmStockTable *table,
           guint32      *rows,
           guint         n_rows)
{
  guint removed = self->n_rows;

  clear_cache (self);
  g_free (self->rows);
  self->rows = rows;
  self->n_rows = n_rows;
  if (table != self->table)
    {
      g_clear_pointer (&self->table, qm_stock_table_unref);
      self->table = table != NULL ? qm_stock_table_ref (table) : NULL;
    }

  if (removed > 0 || n_rows > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, n_rows);
}

static void
query_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  QmStockModel *self = QM_STOCK_MODEL (source_object);
  GTask *task = G_TASK (result);
  QueryData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  QueryResult *res;

  res = g_task_propagate_pointer (task, &error);
  if (res == NULL)
    return;   /* cancelled: a newer query is on its way */

  if (g_task_get_cancellable (task) != self->cancellable)
    {
      query_result_free (res);
      return;
    }

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_table, qm_stock_table_unref);
  swap_rows (self, data->table, g_steal_pointer (&res->rows), res->n_rows);
  query_result_free (res);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
run_query (QmStockModel *self,
           QmStockTable *table)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;
  gboolean was_busy = self->cancellable != NULL;

  if (table != NULL)
    qm_stock_table_ref (table);
  g_clear_pointer (&self->pending_table, qm_stock_table_unref);
  self->pending_table = table;

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }

  if (table == NULL)
    {
      g_clear_pointer (&self->pending_table, qm_stock_table_unref);
      swap_rows (self, NULL, NULL, 0);
      if (was_busy)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      return;
    }

  self->cancellable = g_cancellable_new ();

  data = g_new0 (QueryData, 1);
  data->table = qm_stock_table_ref (table);
  data->query = self->query;
  data->query.search = g_strdup (self->query.search);

  task = g_task_new (self, self->cancellable, query_done_cb, NULL);
  g_task_set_source_tag (task, run_query);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);

  if (!was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

QmStockModel *
qm_stock_model_new (void)
{
  return g_object_new (QM_TYPE_STOCK_MODEL, NULL);
}

/**
 * qm_stock_model_get_table:
 *
 * Returns: (transfer none) (nullable): the table the rows shown come from
 */
QmStockTable *
qm_stock_model_get_table (QmStockModel *self)
{
  g_return_val_if_fail (QM_IS_STOCK_MODEL (self), NULL);

  return self->table;
}

/**
 * qm_stock_model_set_table:
 * @table: (nullable): a sealed table
 *
 * Shows @table through the current query. The rows change once the
 * query has run in a worker thread; until then the old rows stay.
 */
void
qm_stock_model_set_table (QmStockModel *self,
                          QmStockTable *table)
{
  g_return_if_fail (QM_IS_STOCK_MODEL (self));

  run_query (self, table);
}

/**
 * qm_stock_model_set_query:
 *
 * Filters and sorts the rows again, in a worker thread.
 */
void
qm_stock_model_set_query (QmStockModel       *self,
                          const QmStockQuery *query)
{
  char *search;

  g_return_if_fail (QM_IS_STOCK_MODEL (self));
  g_return_if_fail (query != NULL);

  search = g_strdup (query->search);
  g_free ((char *) self->query.search);
  self->query = *query;
  self->query.search = search;

  run_query (self, self->pending_table != NULL ? self->pending_table : self->table);
}

/**
 * qm_stock_model_get_busy:
 *
 * Returns: whether a query is running
 */
gboolean
qm_stock_model_get_busy (QmStockModel *self)
{
  g_return_val_if_fail (QM_IS_STOCK_MODEL (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * qm_stock_model_get_row:
 *
 * Returns: the table row at @position, or %G_MAXUINT
 */
guint
qm_stock_model_get_row (QmStockModel *self,
                        guint         position)
{
  g_return_val_if_fail (QM_IS_STOCK_MODEL (self), G_MAXUINT);

  return position < self->n_rows ? self->rows[position] : G_MAXUINT;
}

static void
qm_stock_model_dispose (GObject *object)
{
  QmStockModel *self = (QmStockModel *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_table, qm_stock_table_unref);
  clear_cache (self);

  G_OBJECT_CLASS (qm_stock_model_parent_class)->dispose (object);
}

static void
qm_stock_model_finalize (GObject *object)
{
  QmStockModel *self = (QmStockModel *)object;

  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->table, qm_stock_table_unref);
  g_free ((char *) self->query.search);

  G_OBJECT_CLASS (qm_stock_model_parent_class)->finalize (object);
}

static void
qm_stock_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QmStockModel *self = QM_STOCK_MODEL (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, qm_stock_model_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_stock_model_class_init (QmStockModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qm_stock_model_dispose;
  object_class->finalize = qm_stock_model_finalize;
  object_class->get_property = qm_stock_model_get_property;

  /**
   * QmStockModel:busy:
   *
   * Whether a filter or sort is running in a worker thread.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qm_stock_model_init (QmStockModel *self)
{
  QmStockQuery query = QM_STOCK_QUERY_INIT;

  self->query = query;
}
