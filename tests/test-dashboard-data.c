/* test-dashboard-data.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dashboard's figures on a small ledger whose every number is worked
 * out by hand in the comments.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "qm-error.h"
#include "qm-store.h"
#include "qm-store-dashboard.h"
#include "qm-store-procurement.h"

typedef struct
{
  char    *dir;
  char    *path;
  QmStore *store;
} Fixture;

/* WH-EAST
 *  SKU-A  opening 100 @ 10.0000            q 100  avg 10.0000
 *         purchase 50 @ 13.0000 (pending)   q 150  avg (1000+650)/150 = 11.0000
 *         inspection 50 pending→qualified   q 150
 *         sale 30 (11-10)                   q 120  avg 11.0000
 *         customer return 3 (defective)     q 123  avg 11.0000 (no cost: current avg)
 *         purchase 7 @ 12.3457              q 130  avg (123×110000 + 7×123457)/130
 *                                                  = 14394199/130 = 110724.6077… → 11.0725
 *  SKU-B  opening 1 @ 0.0001, purchase 1 @ 0.0004 → avg (1 + 4)/2 = 2.5 e-4, half to even: 0.0002
 *  a quarantined purchase of 1000 SKU-A that counts nowhere
 * WH-SOUTH
 *  SKU-A  opening 20 @ 20.0000; sales 4 (10-22), 1 (10-23T12:00, on the window's edge), 14 (11-20)
 *  SKU-C  opening 10 defective @ 5.0000, returned to the supplier (11-17)
 *  SKU-D  5 pending inspection in the snapshot, never in the ledger
 *  SKU-E  listed as a product, never stocked
 */
static const QmMovement east_ledger[] = {
  { 1, "e1", "2026-10-01T08:00:00Z", "opening_balance", "SKU-A", 100, NULL, "qualified",
    TRUE, 100000, NULL, NULL, NULL, NULL, NULL },
  { 2, "e2", "2026-10-01T09:00:00Z", "opening_balance", "SKU-B", 1, NULL, "qualified",
    TRUE, 1, NULL, NULL, NULL, NULL, NULL },
  { 3, "e3", "2026-10-20T09:00:00Z", "purchase_inbound", "SKU-A", 50, NULL, "pending_inspection",
    TRUE, 130000, "PO-1", NULL, NULL, NULL, NULL },
  { 4, "e4", "2026-10-21T09:00:00Z", "inspection", "SKU-A", 50, "pending_inspection", "qualified",
    FALSE, 0, NULL, NULL, NULL, NULL, NULL },
  { 5, "e5", "2026-11-10T10:00:00Z", "sales_outbound", "SKU-A", 30, "qualified", NULL,
    FALSE, 0, NULL, NULL, "own-app", NULL, NULL },
  { 6, "e6", "2026-11-12T10:00:00Z", "customer_return", "SKU-A", 3, NULL, "defective",
    FALSE, 0, NULL, NULL, "own-app", NULL, NULL },
  { 7, "e7", "2026-11-15T10:00:00Z", "purchase_inbound", "SKU-A", 7, NULL, "qualified",
    TRUE, 123457, "PO-2", NULL, NULL, NULL, NULL },
  { 8, "e8", "2026-11-18T08:00:00Z", "purchase_inbound", "SKU-B", 1, NULL, "qualified",
    TRUE, 4, "PO-3", NULL, NULL, NULL, NULL },
  { 9, "e9", "2026-11-19T08:00:00Z", "purchase_inbound", "SKU-A", 1000, NULL, "qualified",
    TRUE, 10000, "PO-4", NULL, NULL, NULL, "unit_cost out of range" },
};

static const QmMovement south_ledger[] = {
  { 1, "s1", "2026-10-05T08:00:00Z", "opening_balance", "SKU-A", 20, NULL, "qualified",
    TRUE, 200000, NULL, NULL, NULL, NULL, NULL },
  { 2, "s2", "2026-10-05T08:00:00Z", "opening_balance", "SKU-C", 10, NULL, "defective",
    TRUE, 50000, NULL, NULL, NULL, NULL, NULL },
  { 3, "s3", "2026-10-22T00:00:00Z", "sales_outbound", "SKU-A", 4, "qualified", NULL,
    FALSE, 0, NULL, NULL, "pc-web", NULL, NULL },
  { 4, "s4", "2026-10-23T12:00:00Z", "sales_outbound", "SKU-A", 1, "qualified", NULL,
    FALSE, 0, NULL, NULL, "pc-web", NULL, NULL },
  { 5, "s5", "2026-11-17T08:00:00Z", "supplier_return", "SKU-C", 10, "defective", NULL,
    FALSE, 0, "RMA-1", NULL, NULL, NULL, NULL },
  { 6, "s6", "2026-11-20T12:00:00Z", "sales_outbound", "SKU-A", 14, "qualified", NULL,
    FALSE, 0, NULL, NULL, "pc-web", NULL, NULL },
};

static const QmStockItem east_stock[] = {
  { "SKU-A", "defective", 3 },
  { "SKU-A", "qualified", 127 },
  { "SKU-B", "qualified", 2 },
};

static const QmStockItem south_stock[] = {
  { "SKU-A", "qualified", 1 },
  { "SKU-D", "pending_inspection", 5 },
};

static const QmProduct south_products[] = {
  { "SKU-A", "Anvil", "tools", "piece", 1 },
  { "SKU-C", "Crate", "storage", "piece", 1 },
  { "SKU-E", "Easel", "art", "piece", 1 },
};

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
add_warehouse (QmStore    *store,
               const char *id,
               const char *name,
               gint64      capacity)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:1/%s/", id);
  QmWarehouse wh = { 0 };

  wh.id = (char *) id;
  wh.url = url;
  wh.name = (char *) name;
  wh.region = (char *) "test";
  wh.capacity_units = capacity;
  qm_store_add_warehouse (store, &wh, "tester", &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean with_ledger = GPOINTER_TO_INT (data);

  fixture->dir = g_dir_make_tmp ("qm-dashboard-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);

  if (!with_ledger)
    return;

  add_warehouse (fixture->store, "WH-EAST", "East", 1000);
  add_warehouse (fixture->store, "WH-SOUTH", "South", 500);

  qm_store_insert_movements (fixture->store, "WH-EAST", east_ledger,
                             G_N_ELEMENTS (east_ledger), 9, NULL, &error);
  g_assert_no_error (error);
  qm_store_insert_movements (fixture->store, "WH-SOUTH", south_ledger,
                             G_N_ELEMENTS (south_ledger), 6, NULL, &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 9, east_stock,
                             G_N_ELEMENTS (east_stock), &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-SOUTH", 6, south_stock,
                             G_N_ELEMENTS (south_stock), &error);
  g_assert_no_error (error);
  qm_store_upsert_products (fixture->store, "WH-SOUTH", south_products,
                            G_N_ELEMENTS (south_products), &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
test_value_moving_average (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 value = -1;

  /* east A 130 × 11.0725 = 1439.4250; east B 2 × 0.0002 = 0.0004;
   * south A 1 × 20.0000; south D has no known cost. */
  qm_store_get_inventory_value (fixture->store, &value, &error);
  g_assert_no_error (error);
  g_assert_cmpint (value, ==, 14394250 + 4 + 200000);
}

static void
test_out_of_stock (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 skus = -1;

  /* Known: A, B (stocked), C, E (listed), D (stocked, not qualified);
   * no qualified unit of C, D or E anywhere. */
  g_assert_cmpint (qm_store_count_out_of_stock (fixture->store, &skus, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpint (skus, ==, 5);
}

static void
test_overstock (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *newest = NULL;

  newest = qm_store_get_newest_movement_at (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (newest, ==, "2026-11-20T12:00:00Z");

  /* The window is (10-23T12:00, 11-20T12:00]: A sold 30 + 14 = 44 (not the
   * 4 before it, nor the 1 on its edge); A has 127 + 1 = 128 qualified:
   * 128 × 28 / 44 = 81.45 days of cover. B has 2 qualified and no sales:
   * unlimited cover. */
  g_assert_cmpint (qm_store_count_overstock (fixture->store, 120, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (qm_store_count_overstock (fixture->store, 82, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (qm_store_count_overstock (fixture->store, 81, &error), ==, 2);
  g_assert_no_error (error);
}

static void
test_trend (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) trend = NULL;
  g_autofree char *last_day = NULL;
  /* End of 11-15: east A 130, east B 1, south A 20 − 4 − 1 = 15, south C 10
   * = 156; 11-17 C −10; 11-18 B +1; 11-19 only the quarantined purchase;
   * 11-20 A −14. */
  static const gint64 expected[] = { 156, 146, 147, 147, 133 };

  trend = qm_store_get_units_trend (fixture->store, 5, &last_day, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (last_day, ==, "2026-11-20");
  g_assert_cmpmem (trend->data, trend->len * sizeof (gint64), expected, sizeof expected);
  g_clear_pointer (&trend, g_array_unref);

  /* Reaching back before the first movement starts from nothing. */
  trend = qm_store_get_units_trend (fixture->store, 90, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trend->len, ==, 90);
  g_assert_cmpint (g_array_index (trend, gint64, 0), ==, 0);
  /* 10-01 is day 40 of 90 ending 11-20: 100 + 1 opened that day. */
  g_assert_cmpint (g_array_index (trend, gint64, 38), ==, 0);
  g_assert_cmpint (g_array_index (trend, gint64, 39), ==, 101);
  g_assert_cmpint (g_array_index (trend, gint64, 89), ==, 133);
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmDashboard) dashboard = NULL;

  dashboard = qm_store_get_dashboard (fixture->store, 120, 90, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dashboard->warehouses->len, ==, 0);
  g_assert_cmpint (dashboard->units_on_hand, ==, 0);
  g_assert_cmpint (dashboard->value_e4, ==, 0);
  g_assert_cmpint (dashboard->out_of_stock, ==, 0);
  g_assert_cmpint (dashboard->overstock, ==, 0);
  g_assert_null (dashboard->newest_movement_at);
  g_assert_null (dashboard->trend_last_day);
  g_assert_cmpuint (dashboard->trend->len, ==, 0);
  g_assert_cmpint (dashboard->below_reorder, ==, -1);
  g_assert_cmpint (dashboard->plan_id, ==, 0);
}

/* Planned on 2026-11-21 (56-day window, 95 %, 7 days lead time and review):
 *  WH-SOUTH SKU-A: sold 4 + 1 + 14 = 19 over the 47 days since its opening
 *    balance on 10-05, d = 0.404/day; the reorder point is d*7 = 2.8 plus
 *    a safety stock > 0, and only 1 unit is qualified: below it.
 *  WH-EAST SKU-A: 30 sold less 3 returned over 51 days, d = 0.53/day, sd
 *    about 4.3, ROP about 3.7 + 1.645*4.3*sqrt(7) = 22 against 127: fine.
 *  SKU-B, SKU-C, SKU-D, SKU-E: no sales, no reorder point to fall below.
 * So one SKU is below its reorder point somewhere. */
static void
test_below_reorder (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmDashboard) before = NULL;
  g_autoptr(QmDashboard) after = NULL;
  QmPlanOptions options;
  gint64 plan_id;

  before = qm_store_get_dashboard (fixture->store, 120, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (before->below_reorder, ==, -1);

  qm_plan_options_init (&options);
  options.today_day = qm_plan_day_from_date (2026, 11, 21);
  plan_id = qm_store_plan_generate (fixture->store, &options, "tester", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (plan_id, >, 0);

  after = qm_store_get_dashboard (fixture->store, 120, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->below_reorder, ==, 1);
  g_assert_cmpint (after->plan_id, ==, plan_id);
  g_assert_nonnull (after->plan_created_at);
}

static void
test_dashboard (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmDashboard) dashboard = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
  const QmDashboardWarehouse *east;
  const QmDashboardWarehouse *south;

  qm_store_record_sync_result (fixture->store, "WH-EAST", 12, NULL, &error);
  g_assert_no_error (error);
  qm_store_record_sync_result (fixture->store, "WH-SOUTH", -1, "HTTP 503", &error);
  g_assert_no_error (error);

  dashboard = qm_store_get_dashboard (fixture->store, 120, 5, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (dashboard->warehouses->len, ==, 2);
  east = g_ptr_array_index (dashboard->warehouses, 0);
  south = g_ptr_array_index (dashboard->warehouses, 1);
  g_assert_cmpstr (east->id, ==, "WH-EAST");
  g_assert_cmpstr (east->name, ==, "East");
  g_assert_cmpint (east->capacity_units, ==, 1000);
  g_assert_cmpint (east->quantity[QM_STOCK_STATUS_QUALIFIED], ==, 129);
  g_assert_cmpint (east->quantity[QM_STOCK_STATUS_DEFECTIVE], ==, 3);
  g_assert_cmpint (east->quantity[QM_STOCK_STATUS_PENDING_INSPECTION], ==, 0);
  g_assert_cmpint (east->sync.cursor_seq, ==, 9);
  g_assert_cmpint (east->sync.remote_last_seq, ==, 12);
  g_assert_cmpstr (south->id, ==, "WH-SOUTH");
  g_assert_cmpint (south->quantity[QM_STOCK_STATUS_PENDING_INSPECTION], ==, 5);
  g_assert_cmpstr (south->sync.last_error, ==, "HTTP 503");

  g_assert_cmpint (dashboard->units_on_hand, ==, 138);
  g_assert_cmpint (dashboard->value_e4, ==, 14594254);
  g_assert_cmpint (dashboard->skus, ==, 5);
  g_assert_cmpint (dashboard->out_of_stock, ==, 3);
  g_assert_cmpint (dashboard->overstock, ==, 1);
  g_assert_cmpstr (dashboard->newest_movement_at, ==, "2026-11-20T12:00:00Z");
  g_assert_cmpstr (dashboard->trend_last_day, ==, "2026-11-20");
  g_assert_cmpuint (dashboard->trend->len, ==, 5);

  /* South never synced successfully; east did just now. */
  g_assert_cmpuint (qm_dashboard_count_stale (dashboard, now, 60), ==, 1);
  g_assert_false (qm_dashboard_warehouse_is_stale (east, now, 60));
  g_assert_true (qm_dashboard_warehouse_is_stale (south, now, 60));
  g_assert_cmpuint (qm_dashboard_count_stale (dashboard, later, 60), ==, 2);
  g_assert_cmpuint (qm_dashboard_count_stale (dashboard, later, 180), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, ledger, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (ledger), fixture_setup, func, fixture_teardown)

  ADD ("/dashboard/value/moving-average", TRUE, test_value_moving_average);
  ADD ("/dashboard/out-of-stock", TRUE, test_out_of_stock);
  ADD ("/dashboard/overstock/window", TRUE, test_overstock);
  ADD ("/dashboard/trend/daily-balance", TRUE, test_trend);
  ADD ("/dashboard/all/empty-cache", FALSE, test_empty);
  ADD ("/dashboard/all/figures", TRUE, test_dashboard);
  ADD ("/dashboard/below-reorder/latest-plan", TRUE, test_below_reorder);

#undef ADD

  return g_test_run ();
}
