/* qm-plan-model.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Procurement page's list: a GListModel over a QmPlanTable and a
 * permutation of its lines. Filtering and sorting run in a GTask worker
 * and the new permutation replaces the old one with a single
 * items-changed. Row objects are made on demand for the rows on screen,
 * with a small cache so that asking twice gives the same object.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-plan-model.h"
#include "qm-plan-item.h"

#define ROW_CACHE_SIZE 256

/* More changed lines than this are announced as one change of them all. */
#define MAX_SINGLE_CHANGES 512

struct _QmPlanModel
{
  GObject       parent_instance;

  QmPlanTable  *table;
  QmPlanTable  *pending_table;  /* of the query running, if any */
  guint32      *rows;           /* positions -> table lines */
  guint         n_rows;

  QmPlanQuery   query;          /* search and warehouse_id owned */
  GCancellable *cancellable;    /* of the query running, if any */

  QmPlanItem    *cache[ROW_CACHE_SIZE];
  guint         cache_position[ROW_CACHE_SIZE];
};

static void qm_plan_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QmPlanModel, qm_plan_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      qm_plan_model_list_model_init))

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  QmPlanTable *table;
  QmPlanQuery  query;
} QueryData;

typedef struct
{
  guint32 *rows;
  guint    n_rows;
} QueryResult;

static void
query_copy_strings (QmPlanQuery *query)
{
  query->search = g_strdup (query->search);
  query->warehouse_id = g_strdup (query->warehouse_id);
}

static void
query_free_strings (QmPlanQuery *query)
{
  g_clear_pointer ((char **) &query->search, g_free);
  g_clear_pointer ((char **) &query->warehouse_id, g_free);
}

static void
query_data_free (QueryData *data)
{
  g_clear_pointer (&data->table, qm_plan_table_unref);
  query_free_strings (&data->query);
  g_free (data);
}

static void
query_result_free (QueryResult *result)
{
  g_free (result->rows);
  g_free (result);
}

static void
clear_cache (QmPlanModel *self)
{
  for (guint i = 0; i < ROW_CACHE_SIZE; i++)
    g_clear_object (&self->cache[i]);
}

/* GListModel */

static GType
qm_plan_model_get_item_type (GListModel *model)
{
  return QM_TYPE_PLAN_ITEM;
}

static guint
qm_plan_model_get_n_items (GListModel *model)
{
  return QM_PLAN_MODEL (model)->n_rows;
}

static gpointer
qm_plan_model_get_item (GListModel *model,
                        guint       position)
{
  QmPlanModel *self = QM_PLAN_MODEL (model);
  guint slot;

  if (position >= self->n_rows)
    return NULL;

  slot = position % ROW_CACHE_SIZE;
  if (self->cache[slot] == NULL || self->cache_position[slot] != position)
    {
      g_clear_object (&self->cache[slot]);
      self->cache[slot] = qm_plan_item_new (self->table, self->rows[position]);
      self->cache_position[slot] = position;
    }

  return g_object_ref (self->cache[slot]);
}

static void
qm_plan_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = qm_plan_model_get_item_type;
  iface->get_n_items = qm_plan_model_get_n_items;
  iface->get_item = qm_plan_model_get_item;
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

  result->rows = qm_plan_table_query (data->table, &data->query, cancellable, &result->n_rows);
  if (result->rows == NULL)
    {
      query_result_free (result);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) query_result_free);
}

static void
swap_rows (QmPlanModel *self,
           QmPlanTable *table,
           guint32     *rows,
           guint        n_rows)
{
  guint removed = self->n_rows;

  clear_cache (self);
  g_free (self->rows);
  self->rows = rows;
  self->n_rows = n_rows;
  if (table != self->table)
    {
      g_clear_pointer (&self->table, qm_plan_table_unref);
      self->table = table != NULL ? qm_plan_table_ref (table) : NULL;
    }

  if (removed > 0 || n_rows > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, n_rows);
}

static void
query_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  QmPlanModel *self = QM_PLAN_MODEL (source_object);
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
  g_clear_pointer (&self->pending_table, qm_plan_table_unref);
  swap_rows (self, data->table, g_steal_pointer (&res->rows), res->n_rows);
  query_result_free (res);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
run_query (QmPlanModel *self,
           QmPlanTable *table)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;
  gboolean was_busy = self->cancellable != NULL;

  if (table != NULL)
    qm_plan_table_ref (table);
  g_clear_pointer (&self->pending_table, qm_plan_table_unref);
  self->pending_table = table;

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }

  if (table == NULL)
    {
      swap_rows (self, NULL, NULL, 0);
      if (was_busy)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      return;
    }

  self->cancellable = g_cancellable_new ();

  data = g_new0 (QueryData, 1);
  data->table = qm_plan_table_ref (table);
  data->query = self->query;
  query_copy_strings (&data->query);

  task = g_task_new (self, self->cancellable, query_done_cb, NULL);
  g_task_set_source_tag (task, run_query);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);

  if (!was_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

QmPlanModel *
qm_plan_model_new (void)
{
  return g_object_new (QM_TYPE_PLAN_MODEL, NULL);
}

/**
 * qm_plan_model_get_table:
 *
 * Returns: (transfer none) (nullable): the table the rows shown come from
 */
QmPlanTable *
qm_plan_model_get_table (QmPlanModel *self)
{
  g_return_val_if_fail (QM_IS_PLAN_MODEL (self), NULL);

  return self->table;
}

/**
 * qm_plan_model_set_table:
 * @table: (nullable): a plan's lines
 *
 * Shows @table through the current query. The rows change once the
 * query has run in a worker thread; until then the old rows stay.
 */
void
qm_plan_model_set_table (QmPlanModel *self,
                         QmPlanTable *table)
{
  g_return_if_fail (QM_IS_PLAN_MODEL (self));

  run_query (self, table);
}

/**
 * qm_plan_model_update_table:
 * @table: the same plan's lines read again: the same lines in the same
 *   order (see qm_plan_table_same_keys()), some of them changed
 *
 * Shows the new figures in place: the rows keep their order and
 * position (and so the view its scroll and selection), and only the
 * lines that changed are announced.
 */
void
qm_plan_model_update_table (QmPlanModel *self,
                            QmPlanTable *table)
{
  g_autoptr(QmPlanTable) old = NULL;
  g_autoptr(GArray) changed = NULL;

  g_return_if_fail (QM_IS_PLAN_MODEL (self));
  g_return_if_fail (table != NULL);

  if (self->table == NULL || self->pending_table != NULL ||
      qm_plan_table_get_n_lines (self->table) != qm_plan_table_get_n_lines (table))
    {
      run_query (self, table);
      return;
    }

  changed = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint position = 0; position < self->n_rows; position++)
    if (qm_plan_table_line_changed (self->table, table, self->rows[position]))
      g_array_append_val (changed, position);

  old = g_steal_pointer (&self->table);
  self->table = qm_plan_table_ref (table);
  clear_cache (self);

  if (changed->len > MAX_SINGLE_CHANGES)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, self->n_rows, self->n_rows);
      return;
    }

  for (guint i = 0; i < changed->len; i++)
    {
      guint position = g_array_index (changed, guint, i);

      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
    }
}

/**
 * qm_plan_model_set_query:
 *
 * Filters and sorts the rows again, in a worker thread.
 */
void
qm_plan_model_set_query (QmPlanModel       *self,
                         const QmPlanQuery *query)
{
  g_return_if_fail (QM_IS_PLAN_MODEL (self));
  g_return_if_fail (query != NULL);

  query_free_strings (&self->query);
  self->query = *query;
  query_copy_strings (&self->query);

  run_query (self, self->pending_table != NULL ? self->pending_table : self->table);
}

/**
 * qm_plan_model_get_busy:
 *
 * Returns: whether a query is running
 */
gboolean
qm_plan_model_get_busy (QmPlanModel *self)
{
  g_return_val_if_fail (QM_IS_PLAN_MODEL (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * qm_plan_model_get_index:
 *
 * Returns: the table line at @position, or %G_MAXUINT
 */
guint
qm_plan_model_get_index (QmPlanModel *self,
                         guint        position)
{
  g_return_val_if_fail (QM_IS_PLAN_MODEL (self), G_MAXUINT);

  return position < self->n_rows ? self->rows[position] : G_MAXUINT;
}

/**
 * qm_plan_model_find_index:
 *
 * Returns: the position that shows table line @index, or
 *   %GTK_INVALID_LIST_POSITION (%G_MAXUINT) when it is filtered out
 */
guint
qm_plan_model_find_index (QmPlanModel *self,
                          guint        index)
{
  g_return_val_if_fail (QM_IS_PLAN_MODEL (self), G_MAXUINT);

  for (guint position = 0; position < self->n_rows; position++)
    if (self->rows[position] == index)
      return position;

  return G_MAXUINT;
}

static void
qm_plan_model_dispose (GObject *object)
{
  QmPlanModel *self = (QmPlanModel *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_table, qm_plan_table_unref);
  clear_cache (self);

  G_OBJECT_CLASS (qm_plan_model_parent_class)->dispose (object);
}

static void
qm_plan_model_finalize (GObject *object)
{
  QmPlanModel *self = (QmPlanModel *)object;

  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->table, qm_plan_table_unref);
  query_free_strings (&self->query);

  G_OBJECT_CLASS (qm_plan_model_parent_class)->finalize (object);
}

static void
qm_plan_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QmPlanModel *self = QM_PLAN_MODEL (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, qm_plan_model_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_plan_model_class_init (QmPlanModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qm_plan_model_dispose;
  object_class->finalize = qm_plan_model_finalize;
  object_class->get_property = qm_plan_model_get_property;

  /**
   * QmPlanModel:busy:
   *
   * Whether a filter or sort is running in a worker thread.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qm_plan_model_init (QmPlanModel *self)
{
  QmPlanQuery query = QM_PLAN_QUERY_INIT;

  self->query = query;
}
