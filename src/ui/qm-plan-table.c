/* qm-plan-table.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lines of a plan, immutable once made, and the one query the page
 * asks of them (filter, then sort), run in a worker thread by
 * QmPlanModel.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <math.h>
#include <string.h>

#include "qm-plan-table.h"

struct _QmPlanTable
{
  GPtrArray  *lines;     /* of QmPlanLine, owned */
  char      **folded;    /* per line: "sku\nname", case-folded */
  char      **name_keys; /* per line: the name's collation key */
};

/**
 * qm_plan_table_new:
 * @lines: (transfer full) (element-type QmPlanLine): the plan's lines
 *
 * Returns: (transfer full): a table over @lines; it must not change
 *   afterwards
 */
QmPlanTable *
qm_plan_table_new (GPtrArray *lines)
{
  QmPlanTable *self;

  g_return_val_if_fail (lines != NULL, NULL);

  self = g_atomic_rc_box_new0 (QmPlanTable);
  self->lines = lines;
  self->folded = g_new0 (char *, lines->len + 1);
  self->name_keys = g_new0 (char *, lines->len + 1);

  for (guint i = 0; i < lines->len; i++)
    {
      const QmPlanLine *line = g_ptr_array_index (lines, i);
      g_autofree char *joined = g_strconcat (line->sku ? line->sku : "", "\n",
                                             line->name ? line->name : "", NULL);

      self->folded[i] = g_utf8_casefold (joined, -1);
      /* Worked out once: collating while sorting is ten times slower. */
      self->name_keys[i] = g_utf8_collate_key (line->name ? line->name : "", -1);
    }

  return self;
}

QmPlanTable *
qm_plan_table_ref (QmPlanTable *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
qm_plan_table_clear (gpointer data)
{
  QmPlanTable *self = data;

  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->folded, g_strfreev);
  g_clear_pointer (&self->name_keys, g_strfreev);
}

void
qm_plan_table_unref (QmPlanTable *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, qm_plan_table_clear);
}

guint
qm_plan_table_get_n_lines (QmPlanTable *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->lines->len;
}

const QmPlanLine *
qm_plan_table_get_line (QmPlanTable *self,
                        guint        index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->lines->len, NULL);

  return g_ptr_array_index (self->lines, index);
}

static int
compare_keys (const QmPlanLine *a,
              const char       *warehouse_id,
              const char       *sku,
              QmPlanLineKind    kind)
{
  int c = strcmp (a->warehouse_id, warehouse_id);

  if (c == 0)
    c = strcmp (a->sku, sku);
  if (c == 0)
    c = (int) a->kind - (int) kind;

  return c;
}

/**
 * qm_plan_table_find_line:
 *
 * Returns: the index of the line, or -1
 */
int
qm_plan_table_find_line (QmPlanTable    *self,
                         const char     *warehouse_id,
                         const char     *sku,
                         QmPlanLineKind  kind)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (warehouse_id != NULL && sku != NULL, -1);

  /* The store gives the lines sorted by warehouse, SKU and kind; do not
   * count on it though: a linear pass is quick enough for a selection. */
  for (guint i = 0; i < self->lines->len; i++)
    if (compare_keys (g_ptr_array_index (self->lines, i), warehouse_id, sku, kind) == 0)
      return (int) i;

  return -1;
}

/**
 * qm_plan_table_same_keys:
 *
 * Returns: whether both tables hold the same lines (warehouse, SKU and
 *   kind) in the same order, so that an index means the same line in both
 */
gboolean
qm_plan_table_same_keys (QmPlanTable *self,
                         QmPlanTable *other)
{
  g_return_val_if_fail (self != NULL && other != NULL, FALSE);

  if (self->lines->len != other->lines->len)
    return FALSE;

  for (guint i = 0; i < self->lines->len; i++)
    {
      const QmPlanLine *b = g_ptr_array_index (other->lines, i);

      if (compare_keys (g_ptr_array_index (self->lines, i), b->warehouse_id, b->sku, b->kind) != 0)
        return FALSE;
    }

  return TRUE;
}

/**
 * qm_plan_table_line_changed:
 *
 * Returns: whether the line at @index differs in what a planner can
 *   change (approved quantity, reason, order state) between the tables,
 *   which must have the same keys
 */
gboolean
qm_plan_table_line_changed (QmPlanTable *self,
                            QmPlanTable *other,
                            guint        index)
{
  const QmPlanLine *a, *b;

  g_return_val_if_fail (self != NULL && other != NULL, TRUE);
  g_return_val_if_fail (index < self->lines->len && index < other->lines->len, TRUE);

  a = g_ptr_array_index (self->lines, index);
  b = g_ptr_array_index (other->lines, index);

  return a->approved_quantity != b->approved_quantity ||
         a->suggested_quantity != b->suggested_quantity ||
         a->order_state != b->order_state ||
         g_strcmp0 (a->edit_reason, b->edit_reason) != 0 ||
         g_strcmp0 (a->order_id, b->order_id) != 0 ||
         g_strcmp0 (a->order_error, b->order_error) != 0;
}

/* ------------------------------------------------------------------------ */
/* The query                                                                */

static gboolean
line_matches (QmPlanTable       *self,
              guint              index,
              const QmPlanQuery *query,
              const char        *folded_search)
{
  const QmPlanLine *line = g_ptr_array_index (self->lines, index);

  if (query->warehouse_id != NULL && strcmp (line->warehouse_id, query->warehouse_id) != 0)
    return FALSE;

  switch (query->show)
    {
    case QM_PLAN_SHOW_ALL:
      break;
    case QM_PLAN_SHOW_TO_ORDER:
      if (line->suggested_quantity <= 0 && line->approved_quantity <= 0)
        return FALSE;
      break;
    case QM_PLAN_SHOW_CAPPED:
      if (!line->capacity_capped)
        return FALSE;
      break;
    case QM_PLAN_SHOW_EDITED:
      if (line->edit_reason == NULL)
        return FALSE;
      break;
    case QM_PLAN_SHOW_TRANSFERS:
      if (line->kind != QM_PLAN_LINE_TRANSFER)
        return FALSE;
      break;
    case QM_PLAN_SHOW_NOT_ACCEPTED:
      if (line->order_state != QM_ORDER_STATE_REJECTED &&
          line->order_state != QM_ORDER_STATE_PENDING)
        return FALSE;
      break;
    default:
      g_assert_not_reached ();
    }

  if (folded_search != NULL && strstr (self->folded[index], folded_search) == NULL)
    return FALSE;

  return TRUE;
}

typedef struct
{
  QmPlanTable *table;
  QmPlanSort   sort;
  gboolean     descending;
} SortContext;

static int
compare_doubles (double a,
                 double b)
{
  /* Days of cover and the like may be infinite; nothing here is NaN. */
  return (a > b) - (a < b);
}

static int
compare_int64 (gint64 a,
               gint64 b)
{
  return (a > b) - (a < b);
}

static int
compare_lines (gconstpointer pa,
               gconstpointer pb,
               gpointer      user_data)
{
  const SortContext *ctx = user_data;
  guint32 ia = *(const guint32 *) pa;
  guint32 ib = *(const guint32 *) pb;
  const QmPlanLine *a = g_ptr_array_index (ctx->table->lines, ia);
  const QmPlanLine *b = g_ptr_array_index (ctx->table->lines, ib);
  int c = 0;

  switch (ctx->sort)
    {
    case QM_PLAN_SORT_NONE:
      break;
    case QM_PLAN_SORT_WAREHOUSE:
      c = strcmp (a->warehouse_id, b->warehouse_id);
      break;
    case QM_PLAN_SORT_SKU:
      c = strcmp (a->sku, b->sku);
      break;
    case QM_PLAN_SORT_NAME:
      c = strcmp (ctx->table->name_keys[ia], ctx->table->name_keys[ib]);
      break;
    case QM_PLAN_SORT_KIND:
      c = (int) a->kind - (int) b->kind;
      if (c == 0)
        c = g_strcmp0 (a->from_warehouse_id, b->from_warehouse_id);
      break;
    case QM_PLAN_SORT_ON_HAND:
      c = compare_int64 (a->on_hand, b->on_hand);
      break;
    case QM_PLAN_SORT_ON_ORDER:
      c = compare_int64 (a->on_order, b->on_order);
      break;
    case QM_PLAN_SORT_DEMAND:
      c = compare_doubles (a->avg_daily_demand, b->avg_daily_demand);
      break;
    case QM_PLAN_SORT_DEVIATION:
      c = compare_doubles (a->demand_sd, b->demand_sd);
      break;
    case QM_PLAN_SORT_LEAD_TIME:
      c = a->lead_time_days - b->lead_time_days;
      break;
    case QM_PLAN_SORT_SAFETY_STOCK:
      c = compare_doubles (a->safety_stock, b->safety_stock);
      break;
    case QM_PLAN_SORT_REORDER_POINT:
      c = compare_doubles (a->reorder_point, b->reorder_point);
      break;
    case QM_PLAN_SORT_SUGGESTED:
      c = compare_int64 (a->suggested_quantity, b->suggested_quantity);
      break;
    case QM_PLAN_SORT_APPROVED:
      c = compare_int64 (a->approved_quantity, b->approved_quantity);
      break;
    case QM_PLAN_SORT_CAPPED:
      c = (int) !!a->capacity_capped - (int) !!b->capacity_capped;
      break;
    case QM_PLAN_SORT_ORDER_STATE:
      c = (int) a->order_state - (int) b->order_state;
      break;
    default:
      g_assert_not_reached ();
    }

  if (ctx->descending)
    c = -c;

  /* Equal lines keep the plan's order, whichever the direction. */
  if (c == 0)
    c = (ia > ib) - (ia < ib);

  return c;
}

/**
 * qm_plan_table_query:
 * @out_n_rows: (out): how many lines match
 *
 * Filters and sorts; may run in any thread.
 *
 * Returns: (transfer full) (nullable): the matching line indices in
 *   order, or %NULL when @cancellable was cancelled
 */
guint32 *
qm_plan_table_query (QmPlanTable       *self,
                     const QmPlanQuery *query,
                     GCancellable      *cancellable,
                     guint             *out_n_rows)
{
  g_autofree guint32 *rows = NULL;
  g_autofree char *folded_search = NULL;
  guint n = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (out_n_rows != NULL, NULL);

  *out_n_rows = 0;

  if (query->search != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (query->search));

      if (*stripped != '\0')
        folded_search = g_utf8_casefold (stripped, -1);
    }

  rows = g_new (guint32, MAX (self->lines->len, 1));
  for (guint i = 0; i < self->lines->len; i++)
    {
      if ((i & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
        return NULL;

      if (line_matches (self, i, query, folded_search))
        rows[n++] = i;
    }

  if (g_cancellable_is_cancelled (cancellable))
    return NULL;

  if (query->sort != QM_PLAN_SORT_NONE || query->descending)
    {
      SortContext ctx = { self, query->sort, query->descending };

      g_qsort_with_data (rows, n, sizeof (guint32), compare_lines, &ctx);
    }

  *out_n_rows = n;
  return g_steal_pointer (&rows);
}
