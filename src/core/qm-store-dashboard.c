/* qm-store-dashboard.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The figures of the dashboard: totals from the summary table, the value
 * of stock at moving-average cost folded from the ledger, stock-outs,
 * overstock from recent sales, and the trend of units on hand.
 */

#define G_LOG_DOMAIN "qm-store"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "qm-error.h"
#include "qm-money.h"
#include "qm-planning.h"
#include "qm-store-dashboard.h"
#include "qm-store-private.h"

void
qm_dashboard_warehouse_free (QmDashboardWarehouse *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->name);
  g_free (self->region);
  g_free (self->currency);
  qm_sync_state_clear (&self->sync);
  g_free (self);
}

void
qm_dashboard_free (QmDashboard *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->warehouses, g_ptr_array_unref);
  g_clear_pointer (&self->trend, g_array_unref);
  g_free (self->newest_movement_at);
  g_free (self->plan_created_at);
  g_free (self->trend_last_day);
  g_free (self);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/* ------------------------------------------------------------------------ */
/* Value at moving-average cost                                             */

typedef struct
{
  gint64 quantity;   /* by the ledger, every status */
  gint64 avg_e4;
} CostState;

/* Folds one warehouse's ledger into a moving average per SKU. */
static GHashTable *
fold_costs (QmStore    *self,
            const char *warehouse_id,
            GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) costs = NULL;
  int rc;

  stmt = qm_store_prepare (self,
                           "SELECT sku, kind, quantity, from_status IS NOT NULL, "
                           "  to_status IS NOT NULL, unit_cost "
                           "FROM movement WHERE warehouse_id = ? AND quarantine_reason IS NULL "
                           "ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, warehouse_id);
  costs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *sku = (const char *) sqlite3_column_text (stmt, 0);
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      gint64 quantity = sqlite3_column_int64 (stmt, 2);
      gboolean leaves = sqlite3_column_int (stmt, 3) != 0;
      gboolean enters = sqlite3_column_int (stmt, 4) != 0;
      gboolean has_cost = sqlite3_column_type (stmt, 5) != SQLITE_NULL;
      CostState *state;

      if (sku == NULL || kind == NULL || enters == leaves)
        continue;   /* a status change moves nothing in or out */

      state = g_hash_table_lookup (costs, sku);
      if (state == NULL)
        {
          state = g_new0 (CostState, 1);
          g_hash_table_insert (costs, g_strdup (sku), state);
        }

      if (leaves)
        {
          /* Every issue leaves the average as it is. */
          state->quantity -= quantity;
          continue;
        }

      if (has_cost && quantity > 0 &&
          (strcmp (kind, "opening_balance") == 0 || strcmp (kind, "purchase_inbound") == 0))
        {
          /* Units the ledger says are below zero carry no cost: the
           * receipt then sets the average on its own. */
          gint64 before = MAX (state->quantity, 0);
          gint64 avg;

          if (!qm_money_moving_average (before, state->avg_e4, quantity,
                                        sqlite3_column_int64 (stmt, 5), &avg, error))
            {
              g_prefix_error (error, _("Cannot value %s in warehouse %s: "), sku, warehouse_id);
              return NULL;
            }
          state->avg_e4 = avg;
        }

      /* A receipt without a cost comes in at the current average. */
      state->quantity += quantity;
    }

  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the ledger"), error);
      return NULL;
    }

  return g_steal_pointer (&costs);
}

static gboolean
value_warehouse (QmStore    *self,
                 const char *warehouse_id,
                 gint64     *inout_value_e4,
                 GError    **error)
{
  g_autoptr(GHashTable) costs = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  costs = fold_costs (self, warehouse_id, error);
  if (costs == NULL)
    return FALSE;

  stmt = qm_store_prepare (self,
                           "SELECT sku, SUM(quantity) FROM stock WHERE warehouse_id = ? "
                           "GROUP BY sku", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, warehouse_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *sku = (const char *) sqlite3_column_text (stmt, 0);
      const CostState *state = g_hash_table_lookup (costs, sku);
      gint64 value;

      /* On hand but never received in the cached ledger: no known cost. */
      if (state == NULL || state->avg_e4 == 0)
        continue;

      if (!qm_money_mul_qty (state->avg_e4, sqlite3_column_int64 (stmt, 1), &value, error) ||
          __builtin_add_overflow (*inout_value_e4, value, inout_value_e4))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                         _("The value of the stock in warehouse %s is too large to add up"),
                         warehouse_id);
          return FALSE;
        }
    }

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the stock"), error);

  return TRUE;
}

/**
 * qm_store_get_inventory_value:
 * @out_value_e4: (out): the value in ten-thousandths of the currency unit
 *
 * Values the stock on hand (the snapshots, every status) at the moving
 * weighted average cost of each warehouse and SKU, folded from the cached
 * ledger: a receipt with a cost (opening balance, purchase inbound) sets
 * avg = (q × avg + q_in × cost) / (q + q_in), rounded half to even to 4
 * decimals; other receipts come in at the current average; issues leave
 * it. Quarantined movements are left out. Reads the whole ledger once.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_get_inventory_value (QmStore *self,
                              gint64  *out_value_e4,
                              GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  gint64 value = 0;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_value_e4 != NULL, FALSE);

  stmt = qm_store_prepare (self, "SELECT id FROM warehouse ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;

  ids = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the warehouses"), error);

  for (guint i = 0; i < ids->len; i++)
    if (!value_warehouse (self, g_ptr_array_index (ids, i), &value, error))
      return FALSE;

  *out_value_e4 = value;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Stock-outs and overstock                                                 */

/**
 * qm_store_count_out_of_stock:
 * @out_skus: (out) (optional): how many SKUs are known at all
 *
 * Counts the SKUs known to the cache (listed by a warehouse or stocked)
 * that have no qualified unit in any warehouse.
 *
 * Returns: the count, or -1 with @error set
 */
gint64
qm_store_count_out_of_stock (QmStore *self,
                             gint64  *out_skus,
                             GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), -1);

  stmt = qm_store_prepare (self,
                           "SELECT (SELECT count(*) FROM "
                           "          (SELECT sku FROM product UNION SELECT sku FROM stock)), "
                           "       (SELECT count(DISTINCT sku) FROM stock "
                           "          WHERE status = 'qualified')", error);
  if (stmt == NULL)
    return -1;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the stock"), error);
      return -1;
    }

  if (out_skus != NULL)
    *out_skus = sqlite3_column_int64 (stmt, 0);

  return sqlite3_column_int64 (stmt, 0) - sqlite3_column_int64 (stmt, 1);
}

/**
 * qm_store_count_below_reorder:
 * @out_plan_id: (out) (optional): the latest plan's id, 0 without one
 * @out_created_at: (out) (optional) (transfer full): when it was made
 *
 * Counts the SKUs whose position (qualified + pending inspection + on
 * order) was below the reorder point in at least one warehouse when the
 * latest procurement plan was generated (QM_PLAN_FLAG_BELOW_REORDER_POINT).
 *
 * Returns: the count; -1 without any plan (@error unset) or on an error
 *   (@error set)
 */
gint64
qm_store_count_below_reorder (QmStore  *self,
                              gint64   *out_plan_id,
                              char    **out_created_at,
                              GError  **error)
{
  g_autoptr(sqlite3_stmt) plan = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  gint64 plan_id;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), -1);

  if (out_plan_id != NULL)
    *out_plan_id = 0;
  if (out_created_at != NULL)
    *out_created_at = NULL;

  plan = qm_store_prepare (self,
                           "SELECT id, created_at FROM procurement_plan "
                           "ORDER BY id DESC LIMIT 1", error);
  if (plan == NULL)
    return -1;

  rc = sqlite3_step (plan);
  if (rc == SQLITE_DONE)
    return -1;
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the procurement plans"), error);
      return -1;
    }
  plan_id = sqlite3_column_int64 (plan, 0);

  count = qm_store_prepare (self,
                            "SELECT count(DISTINCT sku) FROM procurement_line "
                            "WHERE plan_id = ?1 AND (flags & ?2) != 0", error);
  if (count == NULL)
    return -1;
  sqlite3_bind_int64 (count, 1, plan_id);
  sqlite3_bind_int64 (count, 2, QM_PLAN_FLAG_BELOW_REORDER_POINT);
  rc = sqlite3_step (count);
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the procurement plans"), error);
      return -1;
    }

  if (out_plan_id != NULL)
    *out_plan_id = plan_id;
  if (out_created_at != NULL)
    *out_created_at = g_strdup ((const char *) sqlite3_column_text (plan, 1));

  return sqlite3_column_int64 (count, 0);
}

/**
 * qm_store_get_newest_movement_at:
 *
 * Returns: (transfer full) (nullable): the time of the newest movement
 *   in the cache (quarantined ones aside), or %NULL when there is none
 *   (@error tells the two cases apart)
 */
char *
qm_store_get_newest_movement_at (QmStore *self,
                                 GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const unsigned char *text;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = qm_store_prepare (self,
                           "SELECT max(at) FROM movement WHERE quarantine_reason IS NULL",
                           error);
  if (stmt == NULL)
    return NULL;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the movements"), error);
      return NULL;
    }

  text = sqlite3_column_text (stmt, 0);
  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/**
 * qm_store_count_overstock:
 * @overstock_days: days of cover above which a SKU counts as overstock
 *
 * Days of cover of a SKU = its qualified units over all warehouses ÷ its
 * average daily sales_outbound over the 28 days before the newest movement
 * in the cache (at in (newest − 28 days, newest]). A SKU with qualified
 * units and no sales in that window has unlimited cover and counts.
 *
 * Returns: how many SKUs have more days of cover than @overstock_days,
 *   or -1 with @error set
 */
gint64
qm_store_count_overstock (QmStore *self,
                          guint    overstock_days,
                          GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) newest = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *newest_at = NULL;
  g_autofree char *start_at = NULL;
  g_autoptr(GError) local_error = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), -1);

  newest_at = qm_store_get_newest_movement_at (self, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }

  if (newest_at != NULL)
    {
      newest = g_date_time_new_from_iso8601 (newest_at, utc);
      if (newest == NULL)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("The newest movement has an unreadable time “%s”; sync again to "
                         "replace the cache’s copy"), newest_at);
          return -1;
        }
      start = g_date_time_add_days (newest, -QM_DASHBOARD_SALES_WINDOW_DAYS);
      start_at = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");
    }

  /* Compared as text: every time in the cache is RFC 3339 in UTC. */
  stmt = qm_store_prepare (self,
                           "WITH sales AS ("
                           "  SELECT sku, SUM(quantity) AS sold FROM movement "
                           "  WHERE kind = 'sales_outbound' AND quarantine_reason IS NULL "
                           "    AND at > ?1 AND at <= ?2 GROUP BY sku), "
                           "qualified AS ("
                           "  SELECT sku, SUM(quantity) AS units FROM stock "
                           "  WHERE status = 'qualified' GROUP BY sku) "
                           "SELECT count(*) FROM qualified LEFT JOIN sales USING (sku) "
                           "WHERE qualified.units * ?3 > ?4 * COALESCE(sales.sold, 0)",
                           error);
  if (stmt == NULL)
    return -1;

  bind_text (stmt, 1, start_at != NULL ? start_at : "");
  bind_text (stmt, 2, newest_at != NULL ? newest_at : "");
  sqlite3_bind_int64 (stmt, 3, QM_DASHBOARD_SALES_WINDOW_DAYS);
  sqlite3_bind_int64 (stmt, 4, overstock_days);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the sales"), error);
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

/* ------------------------------------------------------------------------ */
/* Trend                                                                    */

static gboolean
parse_day (const char *text,
           GDate      *out_date)
{
  int year, month, day;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d", &year, &month, &day) != 3)
    return FALSE;
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, day, month, year);
  return TRUE;
}

/**
 * qm_store_get_units_trend:
 * @days: how many days, the last one being the day of the newest movement
 * @out_last_day: (out) (optional) (transfer full) (nullable): that day, as YYYY-MM-DD
 *
 * Folds the ledger of every warehouse (every status, quarantined movements
 * aside) into the units on hand at the end of each of the @days UTC days up
 * to the day of the newest movement.
 *
 * Returns: (transfer full) (element-type gint64): @days balances, oldest
 *   first (empty when the ledger is), or %NULL with @error set
 */
GArray *
qm_store_get_units_trend (QmStore *self,
                          guint    days,
                          char   **out_last_day,
                          GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) per_day = NULL;
  g_autoptr(GArray) trend = NULL;
  g_autoptr(GPtrArray) day_names = NULL;
  GDate first, last, date;
  gint64 balance = 0;
  guint next = 0;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);
  g_return_val_if_fail (days > 0, NULL);

  if (out_last_day != NULL)
    *out_last_day = NULL;

  stmt = qm_store_prepare (self,
                           "SELECT substr(at, 1, 10) AS day, "
                           "  SUM(CASE WHEN to_status IS NOT NULL THEN quantity ELSE 0 END) - "
                           "  SUM(CASE WHEN from_status IS NOT NULL THEN quantity ELSE 0 END) "
                           "FROM movement WHERE quarantine_reason IS NULL "
                           "GROUP BY day ORDER BY day", error);
  if (stmt == NULL)
    return NULL;

  per_day = g_array_new (FALSE, FALSE, sizeof (gint64));
  day_names = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 delta = sqlite3_column_int64 (stmt, 1);

      g_ptr_array_add (day_names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_array_append_val (per_day, delta);
    }
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the movements"), error);
      return NULL;
    }

  trend = g_array_sized_new (FALSE, TRUE, sizeof (gint64), days);
  if (per_day->len == 0)
    return g_steal_pointer (&trend);

  if (!parse_day (g_ptr_array_index (day_names, day_names->len - 1), &last))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The newest movement has an unreadable date “%s”; sync again to "
                     "replace the cache’s copy"),
                   (const char *) g_ptr_array_index (day_names, day_names->len - 1));
      return NULL;
    }
  first = last;
  g_date_subtract_days (&first, days - 1);

  /* Everything before the first day is its opening balance. */
  for (; next < per_day->len; next++)
    {
      if (parse_day (g_ptr_array_index (day_names, next), &date) &&
          g_date_compare (&date, &first) >= 0)
        break;
      balance += g_array_index (per_day, gint64, next);
    }

  date = first;
  for (guint i = 0; i < days; i++)
    {
      GDate row;

      while (next < per_day->len &&
             parse_day (g_ptr_array_index (day_names, next), &row) &&
             g_date_compare (&row, &date) <= 0)
        balance += g_array_index (per_day, gint64, next++);

      g_array_append_val (trend, balance);
      g_date_add_days (&date, 1);
    }

  if (out_last_day != NULL)
    *out_last_day = g_strdup (g_ptr_array_index (day_names, day_names->len - 1));

  return g_steal_pointer (&trend);
}

/* ------------------------------------------------------------------------ */
/* Freshness                                                                */

/**
 * qm_dashboard_warehouse_is_stale:
 * @now: the time to judge by
 * @stale_after_minutes: how old a last successful sync may be
 *
 * Returns: %TRUE when the warehouse never synced, or its last successful
 *   sync is older than @stale_after_minutes before @now
 */
gboolean
qm_dashboard_warehouse_is_stale (const QmDashboardWarehouse *warehouse,
                                 GDateTime                  *now,
                                 guint                       stale_after_minutes)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) last = NULL;

  g_return_val_if_fail (warehouse != NULL, TRUE);
  g_return_val_if_fail (now != NULL, TRUE);

  if (warehouse->sync.last_success_at == NULL)
    return TRUE;

  last = g_date_time_new_from_iso8601 (warehouse->sync.last_success_at, utc);
  if (last == NULL)
    return TRUE;

  return g_date_time_difference (now, last) > (GTimeSpan) stale_after_minutes * G_TIME_SPAN_MINUTE;
}

guint
qm_dashboard_count_stale (const QmDashboard *self,
                          GDateTime         *now,
                          guint              stale_after_minutes)
{
  guint stale = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->warehouses->len; i++)
    if (qm_dashboard_warehouse_is_stale (g_ptr_array_index (self->warehouses, i),
                                         now, stale_after_minutes))
      stale++;

  return stale;
}

/* ------------------------------------------------------------------------ */
/* All of it                                                                */

static gboolean
load_warehouses (QmStore     *self,
                 QmDashboard *dashboard,
                 GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) totals = NULL;

  list = qm_store_list_warehouses (self, error);
  if (list == NULL)
    return FALSE;

  totals = qm_store_get_stock_totals (self, error);
  if (totals == NULL)
    return FALSE;

  for (guint i = 0; i < list->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (list, i);
      g_autoptr(QmDashboardWarehouse) row = g_new0 (QmDashboardWarehouse, 1);

      row->id = g_strdup (wh->id);
      row->name = g_strdup (wh->name != NULL && *wh->name != '\0' ? wh->name : wh->id);
      row->region = g_strdup (wh->region);
      row->currency = g_strdup (wh->currency);
      row->capacity_units = wh->capacity_units;

      if (!qm_store_get_sync_state (self, wh->id, &row->sync, error))
        return FALSE;

      for (guint j = 0; j < totals->len; j++)
        {
          const QmStockTotal *total = &g_array_index (totals, QmStockTotal, j);
          QmStockStatus status;

          if (g_strcmp0 (total->warehouse_id, wh->id) != 0 ||
              !qm_stock_status_from_string (total->status, &status))
            continue;

          row->quantity[status] += total->quantity;
          dashboard->units_on_hand += total->quantity;
        }

      g_ptr_array_add (dashboard->warehouses, g_steal_pointer (&row));
    }

  return TRUE;
}

/**
 * qm_store_get_dashboard:
 * @overstock_days: see qm_store_count_overstock()
 * @trend_days: see qm_store_get_units_trend()
 *
 * Reads every figure of the dashboard. Folds the whole ledger: call it
 * from a worker thread with a connection of its own.
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
QmDashboard *
qm_store_get_dashboard (QmStore *self,
                        guint    overstock_days,
                        guint    trend_days,
                        GError **error)
{
  g_autoptr(QmDashboard) dashboard = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);
  g_return_val_if_fail (trend_days > 0, NULL);

  dashboard = g_new0 (QmDashboard, 1);
  dashboard->warehouses =
    g_ptr_array_new_with_free_func ((GDestroyNotify) qm_dashboard_warehouse_free);

  /* One read transaction, so every figure comes from the same state even
   * while a sync writes (a read transaction: WAL lets the writer go on). */
  rc = sqlite3_exec (qm_store_get_db (self), "BEGIN DEFERRED", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      qm_store_set_error (self, rc, _("Could not read the cache"), error);
      return NULL;
    }

  ok = load_warehouses (self, dashboard, &local_error) &&
       qm_store_get_inventory_value (self, &dashboard->value_e4, &local_error) &&
       (dashboard->out_of_stock = qm_store_count_out_of_stock (self, &dashboard->skus,
                                                               &local_error)) >= 0 &&
       (dashboard->overstock = qm_store_count_overstock (self, overstock_days,
                                                         &local_error)) >= 0;
  if (ok)
    {
      dashboard->below_reorder = qm_store_count_below_reorder (self, &dashboard->plan_id,
                                                               &dashboard->plan_created_at,
                                                               &local_error);
      ok = local_error == NULL;
    }
  if (ok)
    {
      dashboard->newest_movement_at = qm_store_get_newest_movement_at (self, &local_error);
      ok = local_error == NULL;
    }
  if (ok)
    {
      dashboard->trend = qm_store_get_units_trend (self, trend_days,
                                                   &dashboard->trend_last_day, &local_error);
      ok = dashboard->trend != NULL;
    }

  qm_store_rollback (self);

  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&dashboard);
}
