/* test-store-procurement.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Procurement plans in the store, on a small cache whose every number is
 * worked out by hand in the comments. Today is 2026-03-11 and the demand
 * window is the 4 days before it (03-07 to 03-10); the service level is
 * 95 % (z = 1.6448536269514715).
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <sqlite3.h>

#include "qm-error.h"
#include "qm-report.h"
#include "qm-store-allocation.h"
#include "qm-store-procurement.h"

typedef struct
{
  char    *dir;
  char    *path;
  QmStore *store;
} Fixture;

#define Z95 1.6448536269514715

static void
add_warehouse (QmStore    *store,
               const char *id,
               gint64      capacity)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:1/%s/", id);
  QmWarehouse wh = { (char *) id, url };

  wh.capacity_units = capacity;
  qm_store_add_warehouse (store, &wh, NULL, &error);
  g_assert_no_error (error);
  qm_store_update_warehouse_info (store, &wh, &error);
  g_assert_no_error (error);
}

typedef struct
{
  const char *at;
  const char *kind;
  const char *sku;
  gint64      quantity;
  const char *reference;
} Mv;

static void
add_movements (QmStore    *store,
               const char *warehouse_id,
               const Mv   *mv,
               gsize       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree QmMovement *rows = g_new0 (QmMovement, n);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gint64 cursor = qm_store_count_movements (store, warehouse_id, &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    {
      char *id = g_strdup_printf ("%s-%" G_GINT64_FORMAT, warehouse_id, cursor + 1 + (gint64) i);

      g_ptr_array_add (ids, id);
      rows[i].seq = cursor + 1 + (gint64) i;
      rows[i].id = id;
      rows[i].at = mv[i].at;
      rows[i].kind = mv[i].kind;
      rows[i].sku = mv[i].sku;
      rows[i].quantity = mv[i].quantity;
      rows[i].reference = mv[i].reference;
      if (g_str_equal (mv[i].kind, "sales_outbound"))
        {
          rows[i].from_status = "qualified";
          rows[i].channel = "app";
        }
      else if (g_str_equal (mv[i].kind, "customer_return"))
        {
          rows[i].to_status = "pending_inspection";
          rows[i].channel = "app";
        }
      else
        {
          rows[i].to_status = "qualified";
          rows[i].has_unit_cost = TRUE;
          rows[i].unit_cost = 25000;
        }
    }

  qm_store_insert_movements (store, warehouse_id, rows, n, cursor + (gint64) n, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const QmProduct a_products[] = {
    { "MUG", "Mug", "kitchen", "each", 6 },
    { "BOX", "Box", "storage", "each", 1 },
  };
  static const QmStockItem a_stock[] = {
    { "MUG", "qualified", 10 },
    { "MUG", "pending_inspection", 2 },
    { "BOX", "qualified", 5 },
    { "PAN", "qualified", 3 },
    { "NEW", "qualified", 1 },
  };
  static const Mv a_moves[] = {
    /* MUG: 4, 6, 2, 8 sold on the window's days; an old opening balance */
    { "2026-01-01T08:00:00Z", "opening_balance", "MUG", 12, NULL },
    { "2026-03-07T10:00:00Z", "sales_outbound", "MUG", 4, NULL },
    { "2026-03-08T10:00:00Z", "sales_outbound", "MUG", 5, NULL },
    { "2026-03-08T11:00:00.250Z", "sales_outbound", "MUG", 1, NULL },
    { "2026-03-09T10:00:00Z", "sales_outbound", "MUG", 2, NULL },
    { "2026-03-10T23:59:59Z", "sales_outbound", "MUG", 8, NULL },
    { "2026-03-11T01:00:00Z", "sales_outbound", "MUG", 100, NULL },   /* today: not counted */
    { "2026-03-06T23:59:59Z", "sales_outbound", "MUG", 100, NULL },   /* before the window */
    /* PAN: more came back than was sold */
    { "2026-01-01T08:00:00Z", "opening_balance", "PAN", 5, NULL },
    { "2026-03-08T10:00:00Z", "sales_outbound", "PAN", 3, NULL },
    { "2026-03-09T10:00:00Z", "customer_return", "PAN", 5, NULL },
    /* NEW: first seen today */
    { "2026-03-11T08:00:00Z", "opening_balance", "NEW", 1, NULL },
    /* NEWER: first seen on 03-09, 6 sold on each of its 2 days */
    { "2026-03-09T08:00:00Z", "opening_balance", "NEWER", 12, NULL },
    { "2026-03-09T10:00:00Z", "sales_outbound", "NEWER", 6, NULL },
    { "2026-03-10T10:00:00Z", "sales_outbound", "NEWER", 6, NULL },
    /* BOX: 10 a day */
    { "2026-01-01T08:00:00Z", "opening_balance", "BOX", 45, NULL },
    { "2026-03-07T10:00:00Z", "sales_outbound", "BOX", 10, NULL },
    { "2026-03-08T10:00:00Z", "sales_outbound", "BOX", 10, NULL },
    { "2026-03-09T10:00:00Z", "sales_outbound", "BOX", 10, NULL },
    { "2026-03-10T10:00:00Z", "sales_outbound", "BOX", 10, NULL },
    /* LAMP: 1 a day, none in stock */
    { "2026-01-01T08:00:00Z", "opening_balance", "LAMP", 4, NULL },
    { "2026-03-07T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
    { "2026-03-08T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
    { "2026-03-09T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
    { "2026-03-10T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
  };
  static const QmStockItem b_stock[] = {
    { "CUP", "qualified", 10 },
    { "JAR", "qualified", 12 },
    { "JAR", "defective", 5 },
  };
  static const Mv b_moves[] = {
    { "2026-01-01T08:00:00Z", "opening_balance", "CUP", 18, NULL },
    { "2026-01-01T08:00:00Z", "opening_balance", "JAR", 25, NULL },
    { "2026-03-07T10:00:00Z", "sales_outbound", "CUP", 2, NULL },
    { "2026-03-08T10:00:00Z", "sales_outbound", "CUP", 2, NULL },
    { "2026-03-09T10:00:00Z", "sales_outbound", "CUP", 2, NULL },
    { "2026-03-10T10:00:00Z", "sales_outbound", "CUP", 2, NULL },
    { "2026-03-07T10:00:00Z", "sales_outbound", "JAR", 2, NULL },
    { "2026-03-08T10:00:00Z", "sales_outbound", "JAR", 2, NULL },
    { "2026-03-09T10:00:00Z", "sales_outbound", "JAR", 2, NULL },
    { "2026-03-10T10:00:00Z", "sales_outbound", "JAR", 2, NULL },
  };
  static const QmStockItem c_stock[] = {
    { "LAMP", "qualified", 100 },
  };
  static const Mv c_moves[] = {
    { "2026-01-01T08:00:00Z", "opening_balance", "LAMP", 104, NULL },
    { "2026-03-07T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
    { "2026-03-08T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
    { "2026-03-09T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
    { "2026-03-10T10:00:00Z", "sales_outbound", "LAMP", 1, NULL },
  };

  fixture->dir = g_dir_make_tmp ("qm-proc-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);

  add_warehouse (fixture->store, "WH-A", 0);
  add_warehouse (fixture->store, "WH-B", 60);
  add_warehouse (fixture->store, "WH-C", 0);

  qm_store_upsert_products (fixture->store, "WH-A", a_products, G_N_ELEMENTS (a_products), &error);
  g_assert_no_error (error);
  add_movements (fixture->store, "WH-A", a_moves, G_N_ELEMENTS (a_moves));
  add_movements (fixture->store, "WH-B", b_moves, G_N_ELEMENTS (b_moves));
  add_movements (fixture->store, "WH-C", c_moves, G_N_ELEMENTS (c_moves));
  qm_store_replace_snapshot (fixture->store, "WH-A", G_N_ELEMENTS (a_moves), a_stock,
                             G_N_ELEMENTS (a_stock), &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-B", G_N_ELEMENTS (b_moves), b_stock,
                             G_N_ELEMENTS (b_stock), &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-C", G_N_ELEMENTS (c_moves), c_stock,
                             G_N_ELEMENTS (c_stock), &error);
  g_assert_no_error (error);

  /* WH-A: lead time 2 days, review every 2 days; B and C keep 7 and 7. */
  g_assert_true (qm_store_set_warehouse_planning (fixture->store, "WH-A", 2, 2, "planner",
                                                  &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_finalize_object (fixture->store);
  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
options_for_test (QmPlanOptions *options)
{
  qm_plan_options_init (options);
  options->today_day = qm_plan_day_from_date (2026, 3, 11);
  options->params.window_days = 4;
  options->params.transfer_days_of_cover = 30;
}

static gint64
generate (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  QmPlanOptions options;
  gint64 id;

  options_for_test (&options);
  id = qm_store_plan_generate (fixture->store, &options, "planner", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static const QmPlanLine *
find_line (GPtrArray      *lines,
           const char     *warehouse_id,
           const char     *sku,
           QmPlanLineKind  kind)
{
  for (guint i = 0; i < lines->len; i++)
    {
      const QmPlanLine *line = g_ptr_array_index (lines, i);

      if (g_str_equal (line->warehouse_id, warehouse_id) && g_str_equal (line->sku, sku) &&
          line->kind == kind)
        return line;
    }

  return NULL;
}

/* Runs one SQL query on a connection of its own and returns the first
 * column of every row joined by "|". */
static char *
raw_query (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, '|');
      g_string_append (out, (const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (out, FALSE);
}

static void
collect_open (const char *sku,
              gint64      quantity,
              gpointer    user_data)
{
  g_hash_table_insert (user_data, g_strdup (sku), GSIZE_TO_POINTER ((gsize) quantity));
}

static void
test_generate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QmPlanInfo) info = NULL;
  g_autofree char *audit = NULL;
  const QmPlanLine *line;
  gint64 id = generate (fixture);

  lines = qm_store_plan_get_lines (fixture->store, id, &error);
  g_assert_no_error (error);

  /* Lines in warehouse, SKU, kind order; only cells with a suggestion:
   * not PAN (returns exceed sales: no demand), not NEW (first seen today:
   * no history), not LAMP at WH-C (the donor), nothing at WH-C at all. */
  {
    g_autoptr(GString) keys = g_string_new (NULL);

    for (guint i = 0; i < lines->len; i++)
      {
        const QmPlanLine *l = g_ptr_array_index (lines, i);
        g_string_append_printf (keys, "%s/%s/%s ", l->warehouse_id, l->sku,
                                qm_plan_line_kind_to_string (l->kind));
      }
    g_assert_cmpstr (keys->str, ==,
                     "WH-A/BOX/purchase WH-A/LAMP/purchase WH-A/LAMP/transfer "
                     "WH-A/MUG/purchase WH-A/NEWER/purchase WH-B/CUP/purchase "
                     "WH-B/JAR/purchase ");
  }

  /* MUG at WH-A: d = (4 + 6 + 2 + 8) / 4 = 5 (today's 100 and the 100 of
   * 03-06 are outside the window); deviations -1, 1, -3, 3: sample
   * variance 20 / 3, sd = 2.5820. L = R = 2.
   *   SS  = z * sd * sqrt (2) = 6.0062
   *   ROP = 5 * 2 + SS = 16.0062
   *   S   = 5 * 4 + z * sd * sqrt (4) = 28.4940 -> 29 units
   * position = 10 qualified + 2 pending = 12: need 17, in packs of 6: 18. */
  line = find_line (lines, "WH-A", "MUG", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpstr (line->name, ==, "Mug");
  g_assert_cmpfloat_with_epsilon (line->avg_daily_demand, 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (line->demand_sd, sqrt (20.0 / 3.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (line->safety_stock, 6.006156235170057, 1e-9);
  g_assert_cmpfloat_with_epsilon (line->reorder_point, 16.006156235170057, 1e-9);
  g_assert_cmpfloat_with_epsilon (line->order_up_to, 28.493987605509222, 1e-9);
  g_assert_cmpint (line->lead_time_days, ==, 2);
  g_assert_cmpint (line->review_period_days, ==, 2);
  g_assert_cmpint (line->on_hand, ==, 12);
  g_assert_cmpint (line->qualified, ==, 10);
  g_assert_cmpint (line->on_order, ==, 0);
  g_assert_cmpint (line->pack_size, ==, 6);
  g_assert_cmpfloat_with_epsilon (line->days_of_cover, 2.0, 1e-12);
  g_assert_cmpint (line->suggested_uncapped, ==, 18);
  g_assert_cmpint (line->suggested_quantity, ==, 18);
  g_assert_cmpint (line->approved_quantity, ==, 18);
  g_assert_false (line->capacity_capped);
  g_assert_true (line->flags & QM_PLAN_FLAG_BELOW_REORDER_POINT);
  g_assert_null (line->edit_reason);
  g_assert_cmpint (line->order_state, ==, QM_ORDER_STATE_NONE);

  /* NEWER: first seen 03-09, so its 12 units are over 2 days: d = 6 (not
   * 12 / 4 = 3). S = 6 * 4 = 24; nothing in stock: 24. */
  line = find_line (lines, "WH-A", "NEWER", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpfloat_with_epsilon (line->avg_daily_demand, 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (line->demand_sd, 0.0, 1e-12);
  g_assert_true (line->flags & QM_PLAN_FLAG_SHORT_HISTORY);
  g_assert_cmpint (line->suggested_quantity, ==, 24);

  /* BOX: d = 10, sd = 0: S = 40; 5 qualified: 35. */
  line = find_line (lines, "WH-A", "BOX", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpint (line->suggested_quantity, ==, 35);

  /* WH-B holds 10 CUP + 12 JAR + 5 defective JAR = 27 of 60: room 33.
   * CUP and JAR both d = 2, L = R = 7: S = 28. CUP needs 18 (5 days of
   * cover), JAR 16 (6 days). Fewest days first: CUP keeps 18, JAR is cut
   * to 33 - 18 = 15 and marked. */
  line = find_line (lines, "WH-B", "CUP", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpint (line->suggested_quantity, ==, 18);
  g_assert_false (line->capacity_capped);
  g_assert_cmpint (line->lead_time_days, ==, 7);
  line = find_line (lines, "WH-B", "JAR", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpint (line->on_hand, ==, 17);
  g_assert_cmpint (line->suggested_uncapped, ==, 16);
  g_assert_cmpint (line->suggested_quantity, ==, 15);
  g_assert_true (line->capacity_capped);

  /* LAMP: WH-A sells 1 a day with none in stock: ROP 2, S 4, needs 4.
   * WH-C has 100 days of cover (above 30) and is above its S of 14: it
   * sends the 4; WH-A buys none. */
  line = find_line (lines, "WH-A", "LAMP", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpint (line->suggested_quantity, ==, 0);
  g_assert_cmpint (line->suggested_uncapped, ==, 0);
  line = find_line (lines, "WH-A", "LAMP", QM_PLAN_LINE_TRANSFER);
  g_assert_nonnull (line);
  g_assert_cmpstr (line->from_warehouse_id, ==, "WH-C");
  g_assert_cmpint (line->suggested_quantity, ==, 4);
  g_assert_true (line->flags & QM_PLAN_FLAG_TRANSFER_IN);

  info = qm_store_plan_get (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, QM_PLAN_STATUS_DRAFT);
  g_assert_cmpuint (info->n_lines, ==, 7);
  g_assert_cmpint (info->suggested_total, ==, 35 + 0 + 4 + 18 + 24 + 18 + 15);
  g_assert_cmpint (info->approved_total, ==, info->suggested_total);
  g_assert_cmpuint (info->n_capped, ==, 1);
  g_assert_cmpstr (info->created_by, ==, "planner");
  g_assert_null (info->pushed_by);
  g_assert_cmpstr (info->parameters, ==,
                   "{\"today\":\"2026-03-11\",\"time_zone\":\"UTC\",\"window_days\":4,"
                   "\"service_level\":0.95,\"z\":1.6448536269514724,\"eoq\":false,"
                   "\"transfer_days_of_cover\":30}");

  audit = raw_query (fixture->path, "SELECT action || ' ' || object FROM audit "
                                    "WHERE action LIKE 'plan%' ORDER BY seq");
  g_assert_cmpstr (audit, ==, "planning.warehouse WH-A|plan.generate plan:1");

  /* the exact figures are stored, the v2 integer columns rounded up */
  {
    g_autofree char *raw = raw_query (fixture->path,
                                      "SELECT safety_stock || ',' || reorder_point || ',' || "
                                      "demand_sd FROM procurement_line WHERE sku = 'MUG'");
    g_assert_cmpstr (raw, ==, "7,17,3");
  }
}

static void
test_no_warehouse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qm-proc-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autoptr(QmStore) store = qm_store_open (path, &error);
  QmPlanOptions options;

  g_assert_no_error (error);
  qm_plan_options_init (&options);
  g_assert_cmpint (qm_store_plan_generate (store, &options, NULL, NULL, NULL, NULL, &error), ==, 0);
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  options.params.service_level = 1.0;
  g_assert_cmpint (qm_store_plan_generate (store, &options, NULL, NULL, NULL, NULL, &error), ==, 0);
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  qm_plan_options_init (&options);
  options.time_zone = "Nowhere/Atlantis";
  g_assert_cmpint (qm_store_plan_generate (store, &options, NULL, NULL, NULL, NULL, &error), ==, 0);
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);

  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_settings (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *audit = NULL;
  const QmPlanLine *line;
  gint64 id;

  g_assert_false (qm_store_set_warehouse_planning (fixture->store, "WH-A", -1, 2, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (qm_store_set_warehouse_planning (fixture->store, "WH-X", 1, 2, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qm_store_set_sku_planning (fixture->store, "BOX", 3661, 0, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* BOX gets a lead time of 4 everywhere (review stays the warehouse's 2):
   * S = 10 * 6 = 60; 5 qualified: 55. */
  g_assert_true (qm_store_set_sku_planning (fixture->store, "BOX", 4, 0, "planner", &error));
  g_assert_no_error (error);
  id = generate (fixture);
  lines = qm_store_plan_get_lines (fixture->store, id, &error);
  g_assert_no_error (error);
  line = find_line (lines, "WH-A", "BOX", QM_PLAN_LINE_PURCHASE);
  g_assert_cmpint (line->lead_time_days, ==, 4);
  g_assert_cmpint (line->review_period_days, ==, 2);
  g_assert_cmpint (line->suggested_quantity, ==, 55);

  /* 0 and 0 removes the override */
  g_assert_true (qm_store_set_sku_planning (fixture->store, "BOX", 0, 0, "planner", &error));
  g_assert_no_error (error);
  audit = raw_query (fixture->path, "SELECT action || ' ' || object || ' ' || "
                                    "COALESCE (before, '-') || ' ' || COALESCE (after, '-') "
                                    "FROM audit WHERE action LIKE 'planning.%' ORDER BY seq");
  g_assert_cmpstr (audit, ==,
                   "planning.warehouse WH-A {\"lead_time_days\":7,\"review_period_days\":7} "
                   "{\"lead_time_days\":2,\"review_period_days\":2}|"
                   "planning.sku sku:BOX - {\"lead_time_days\":4,\"review_period_days\":0}|"
                   "planning.sku sku:BOX {\"lead_time_days\":4,\"review_period_days\":0} -");
}

static void
test_edit_approve_push (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(QmPlanInfo) info = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *keys = NULL;
  const QmPlanLine *line;
  const QmPlanOrder *order;
  gint64 id = generate (fixture);
  gint64 entries = 0, bad = -1, entries_extra = 0;

  /* a reason is required; quantities are whole and not negative */
  g_assert_false (qm_store_plan_set_quantity (fixture->store, id, "WH-A", "BOX",
                                              QM_PLAN_LINE_PURCHASE, 20, "  ", "planner", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (qm_store_plan_set_quantity (fixture->store, id, "WH-A", "BOX",
                                              QM_PLAN_LINE_PURCHASE, -1, "less", "planner", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (qm_store_plan_set_quantity (fixture->store, id, "WH-C", "BOX",
                                              QM_PLAN_LINE_PURCHASE, 1, "more", "planner", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (qm_store_plan_set_quantity (fixture->store, id + 1, "WH-A", "BOX",
                                              QM_PLAN_LINE_PURCHASE, 1, "more", "planner", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (qm_store_plan_set_quantity (fixture->store, id, "WH-A", "BOX",
                                             QM_PLAN_LINE_PURCHASE, 20, " Promotion ends ",
                                             "planner", &error));
  g_assert_no_error (error);
  audit = raw_query (fixture->path, "SELECT user || ' ' || object || ' ' || before || ' ' || "
                                    "after FROM audit WHERE action = 'plan.line.edit'");
  g_assert_cmpstr (audit, ==,
                   "planner plan:1/WH-A/BOX/purchase "
                   "{\"suggested_quantity\":35,\"approved_quantity\":35,\"reason\":null} "
                   "{\"suggested_quantity\":35,\"approved_quantity\":20,"
                   "\"reason\":\"Promotion ends\"}");

  /* JAR is not pushed at all */
  g_assert_true (qm_store_plan_set_quantity (fixture->store, id, "WH-B", "JAR",
                                             QM_PLAN_LINE_PURCHASE, 0, "Discontinued",
                                             "planner", &error));
  g_assert_no_error (error);

  /* not pushable before approval */
  g_assert_null (qm_store_plan_prepare_push (fixture->store, id, "planner", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_REFUSED);
  g_clear_error (&error);

  g_assert_true (qm_store_plan_approve (fixture->store, id, "boss", &error));
  g_assert_no_error (error);
  g_assert_false (qm_store_plan_approve (fixture->store, id, "boss", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (qm_store_plan_set_quantity (fixture->store, id, "WH-A", "BOX",
                                              QM_PLAN_LINE_PURCHASE, 21, "later", "planner",
                                              &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_REFUSED);
  g_clear_error (&error);

  info = qm_store_plan_get (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->status, ==, QM_PLAN_STATUS_APPROVED);
  g_assert_cmpstr (info->approved_by, ==, "boss");
  g_assert_cmpuint (info->n_edited, ==, 2);
  g_assert_cmpint (info->approved_total, ==, 20 + 0 + 4 + 18 + 24 + 18 + 0);

  /* Orders: a purchase at WH-A (BOX, MUG, NEWER; LAMP's purchase is 0),
   * one at WH-B (CUP), the LAMP transfer POSTed to WH-C for WH-A. */
  orders = qm_store_plan_prepare_push (fixture->store, id, "planner", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 3);

  /* the keys are committed: another connection sees them already */
  keys = raw_query (fixture->path, "SELECT idempotency_key FROM procurement_order ORDER BY "
                                   "warehouse_id, kind, to_warehouse_id");
  {
    g_autofree char *expected = g_strjoin ("|",
                                           ((QmPlanOrder *) orders->pdata[0])->idempotency_key,
                                           ((QmPlanOrder *) orders->pdata[1])->idempotency_key,
                                           ((QmPlanOrder *) orders->pdata[2])->idempotency_key,
                                           NULL);
    g_assert_cmpstr (keys, ==, expected);
  }

  order = g_ptr_array_index (orders, 0);
  g_assert_cmpstr (order->warehouse_id, ==, "WH-A");
  g_assert_cmpint (order->kind, ==, QM_PLAN_LINE_PURCHASE);
  g_assert_null (order->to_warehouse_id);
  g_assert_cmpint (order->state, ==, QM_ORDER_STATE_PENDING);
  g_assert_true (g_uuid_string_is_valid (order->idempotency_key));
  /* the cost is the warehouse's moving average, folded up to now: every
   * receipt of this cache came in at 2.5000 */
  g_assert_cmpstr (order->body, ==,
                   "{\"reference\":\"PLAN-1-WH-A\",\"requested_by\":\"planner\",\"lines\":["
                   "{\"sku\":\"BOX\",\"quantity\":20,\"expected_unit_cost\":\"2.5000\"},"
                   "{\"sku\":\"MUG\",\"quantity\":18,\"expected_unit_cost\":\"2.5000\"},"
                   "{\"sku\":\"NEWER\",\"quantity\":24,\"expected_unit_cost\":\"2.5000\"}]}");
  order = g_ptr_array_index (orders, 1);
  g_assert_cmpstr (order->warehouse_id, ==, "WH-B");
  g_assert_cmpstr (order->body, ==,
                   "{\"reference\":\"PLAN-1-WH-B\",\"requested_by\":\"planner\",\"lines\":["
                   "{\"sku\":\"CUP\",\"quantity\":18,\"expected_unit_cost\":\"2.5000\"}]}");
  order = g_ptr_array_index (orders, 2);
  g_assert_cmpstr (order->warehouse_id, ==, "WH-C");
  g_assert_cmpint (order->kind, ==, QM_PLAN_LINE_TRANSFER);
  g_assert_cmpstr (order->to_warehouse_id, ==, "WH-A");
  g_assert_cmpstr (order->body, ==,
                   "{\"reference\":\"PLAN-1-WH-C-TO-WH-A\",\"requested_by\":\"planner\","
                   "\"to_warehouse\":\"WH-A\",\"lines\":["
                   "{\"sku\":\"LAMP\",\"quantity\":4,\"expected_unit_cost\":\"2.5000\"}]}");

  /* a second push gets the same orders, keys and bodies */
  again = qm_store_plan_prepare_push (fixture->store, id, "someone else", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const QmPlanOrder *a = g_ptr_array_index (orders, i);
      const QmPlanOrder *b = g_ptr_array_index (again, i);

      g_assert_cmpstr (a->idempotency_key, ==, b->idempotency_key);
      g_assert_cmpstr (a->body, ==, b->body);
    }

  /* answers */
  order = g_ptr_array_index (orders, 0);
  g_assert_true (qm_store_plan_record_push (fixture->store, order->idempotency_key,
                                            QM_ORDER_STATE_ACCEPTED, "PO-A-1", NULL, &error));
  g_assert_no_error (error);
  order = g_ptr_array_index (orders, 1);
  g_assert_true (qm_store_plan_record_push (fixture->store, order->idempotency_key,
                                            QM_ORDER_STATE_REJECTED, NULL,
                                            "lines[0]: sku \"CUP\" is not a product", &error));
  g_assert_no_error (error);
  order = g_ptr_array_index (orders, 2);
  g_assert_true (qm_store_plan_record_push (fixture->store, order->idempotency_key,
                                            QM_ORDER_STATE_PENDING, NULL, "Network error: reset",
                                            &error));
  g_assert_no_error (error);
  g_clear_pointer (&info, qm_plan_info_free);
  info = qm_store_plan_get (fixture->store, id, &error);
  g_assert_cmpint (info->status, ==, QM_PLAN_STATUS_APPROVED);
  g_assert_cmpuint (info->n_rejected, ==, 1);

  g_assert_false (qm_store_plan_record_push (fixture->store, "no-such-key",
                                             QM_ORDER_STATE_ACCEPTED, "X", NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (qm_store_plan_record_push (fixture->store, order->idempotency_key,
                                            QM_ORDER_STATE_ACCEPTED, "TR-C-1", NULL, &error));
  g_assert_no_error (error);
  /* an accepted order stays accepted */
  order = g_ptr_array_index (orders, 0);
  g_assert_true (qm_store_plan_record_push (fixture->store, order->idempotency_key,
                                            QM_ORDER_STATE_PENDING, NULL, "late failure", &error));
  g_assert_no_error (error);

  g_clear_pointer (&info, qm_plan_info_free);
  info = qm_store_plan_get (fixture->store, id, &error);
  g_assert_cmpint (info->status, ==, QM_PLAN_STATUS_PUSHED);
  g_assert_cmpstr (info->pushed_by, ==, "planner");
  g_assert_nonnull (info->pushed_at);

  lines = qm_store_plan_get_lines (fixture->store, id, &error);
  g_assert_no_error (error);
  line = find_line (lines, "WH-A", "MUG", QM_PLAN_LINE_PURCHASE);
  g_assert_cmpint (line->order_state, ==, QM_ORDER_STATE_ACCEPTED);
  g_assert_cmpstr (line->order_id, ==, "PO-A-1");
  line = find_line (lines, "WH-B", "CUP", QM_PLAN_LINE_PURCHASE);
  g_assert_cmpint (line->order_state, ==, QM_ORDER_STATE_REJECTED);
  g_assert_cmpstr (line->order_error, ==, "lines[0]: sku \"CUP\" is not a product");
  line = find_line (lines, "WH-B", "JAR", QM_PLAN_LINE_PURCHASE);
  g_assert_cmpint (line->order_state, ==, QM_ORDER_STATE_NONE);
  line = find_line (lines, "WH-A", "LAMP", QM_PLAN_LINE_TRANSFER);
  g_assert_cmpint (line->order_state, ==, QM_ORDER_STATE_ACCEPTED);
  g_assert_cmpstr (line->order_id, ==, "TR-C-1");
  line = find_line (lines, "WH-A", "BOX", QM_PLAN_LINE_PURCHASE);
  g_assert_cmpstr (line->edit_reason, ==, "Promotion ends");
  g_assert_cmpint (line->approved_quantity, ==, 20);

  g_free (audit);
  audit = raw_query (fixture->path, "SELECT action || ' ' || user || ' ' || after FROM audit "
                                    "WHERE action IN ('plan.approve', 'plan.push') ORDER BY seq");
  g_assert_cmpstr (audit, ==,
                   "plan.approve boss {\"status\":\"approved\",\"lines\":7,\"suggested_total\":114,"
                   "\"approved_total\":84,\"edited_lines\":2}|"
                   "plan.push planner {\"status\":\"pushed\",\"accepted_orders\":2,"
                   "\"rejected_orders\":1}");

  /* What is on order now: WH-A's purchase PO-A-1 (BOX 20, MUG 18, NEWER
   * 24), of which 5 BOX have arrived, and the 4 LAMP coming from WH-C.
   * A new plan: BOX position 5 + 15 = 20, needs 20; MUG 12 + 18 = 30 is
   * above its S of 29: no line; NEWER 0 + 24 = S: no line; LAMP 0 + 4 =
   * S: no line. The rejected CUP order is not on order: CUP still 18. */
  {
    static const Mv arrival[] = {
      { "2026-03-11T09:00:00Z", "purchase_inbound", "BOX", 5, "PO-A-1" },
      { "2026-03-11T09:00:00Z", "purchase_inbound", "BOX", 7, "PO-OTHER" },
    };
    g_autoptr(GPtrArray) lines2 = NULL;
    gint64 id2;

    add_movements (fixture->store, "WH-A", arrival, G_N_ELEMENTS (arrival));
    id2 = generate (fixture);
    lines2 = qm_store_plan_get_lines (fixture->store, id2, &error);
    g_assert_no_error (error);
    line = find_line (lines2, "WH-A", "BOX", QM_PLAN_LINE_PURCHASE);
    g_assert_cmpint (line->on_order, ==, 15);
    g_assert_cmpint (line->suggested_quantity, ==, 20);
    g_assert_null (find_line (lines2, "WH-A", "MUG", QM_PLAN_LINE_PURCHASE));
    g_assert_null (find_line (lines2, "WH-A", "NEWER", QM_PLAN_LINE_PURCHASE));
    g_assert_null (find_line (lines2, "WH-A", "LAMP", QM_PLAN_LINE_PURCHASE));
    g_assert_null (find_line (lines2, "WH-A", "LAMP", QM_PLAN_LINE_TRANSFER));
    line = find_line (lines2, "WH-B", "CUP", QM_PLAN_LINE_PURCHASE);
    g_assert_cmpint (line->on_order, ==, 0);
    g_assert_cmpint (line->suggested_quantity, ==, 18);

    /* Open purchase orders, which cap pre-sale: PO-A-1 less what came in
     * with its reference (BOX 20 - 5); the transfer of LAMP brings no new
     * stock and the rejected CUP order is not open. */
    {
      g_autoptr(GHashTable) open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(QmAllocationData) alloc = NULL;
      guint seen = 0;

      g_assert_true (qm_store_foreach_open_purchase (fixture->store, collect_open, open, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_hash_table_size (open), ==, 3);
      g_assert_cmpint (GPOINTER_TO_SIZE (g_hash_table_lookup (open, "BOX")), ==, 15);
      g_assert_cmpint (GPOINTER_TO_SIZE (g_hash_table_lookup (open, "MUG")), ==, 18);
      g_assert_cmpint (GPOINTER_TO_SIZE (g_hash_table_lookup (open, "NEWER")), ==, 24);

      alloc = qm_store_load_allocation (fixture->store, g_get_real_time () / G_USEC_PER_SEC,
                                       &error);
      g_assert_no_error (error);
      for (guint i = 0; i < alloc->skus->len; i++)
        {
          const QmAllocSku *sku = &g_array_index (alloc->skus, QmAllocSku, i);
          gint64 expected = GPOINTER_TO_SIZE (g_hash_table_lookup (open, sku->sku));

          g_assert_cmpint (sku->open_po_quantity, ==, expected);
          seen += g_str_equal (sku->sku, "BOX") || g_str_equal (sku->sku, "MUG");
        }
      /* NEWER only ever moved: no stock, no listing, nothing to allocate */
      g_assert_cmpuint (seen, ==, 2);
    }
  }

  /* a plan whose every approved quantity is 0 has nothing to send: it is
   * pushed as soon as it is pushed */
  {
    g_autoptr(GPtrArray) lines3 = NULL;
    g_autoptr(GPtrArray) none = NULL;
    g_autoptr(QmPlanInfo) info3 = NULL;
    gint64 id3 = generate (fixture);

    lines3 = qm_store_plan_get_lines (fixture->store, id3, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < lines3->len; i++)
      {
        const QmPlanLine *l = g_ptr_array_index (lines3, i);

        g_assert_true (qm_store_plan_set_quantity (fixture->store, id3, l->warehouse_id, l->sku,
                                                   l->kind, 0, "Not this week", "planner",
                                                   &error));
        g_assert_no_error (error);
      }
    g_assert_true (qm_store_plan_approve (fixture->store, id3, "boss", &error));
    none = qm_store_plan_prepare_push (fixture->store, id3, "planner", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
    info3 = qm_store_plan_get (fixture->store, id3, &error);
    g_assert_cmpint (info3->status, ==, QM_PLAN_STATUS_PUSHED);
    g_assert_cmpint (info3->approved_total, ==, 0);
    entries_extra = 3 + lines3->len;  /* generate, the edits, approve, push */
  }

  /* plans newest first */
  {
    g_autoptr(GPtrArray) plans = qm_store_plan_list (fixture->store, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (plans->len, ==, 3);
    g_assert_cmpint (((QmPlanInfo *) plans->pdata[0])->id, ==, 3);
    g_assert_cmpint (((QmPlanInfo *) plans->pdata[2])->status, ==, QM_PLAN_STATUS_PUSHED);
  }

  /* removing an endpoint keeps the plans that involved it */
  g_assert_true (qm_store_remove_warehouse (fixture->store, "WH-B", "admin", &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) kept = qm_store_plan_get_lines (fixture->store, id, &error);

    g_assert_no_error (error);
    line = find_line (kept, "WH-B", "CUP", QM_PLAN_LINE_PURCHASE);
    g_assert_nonnull (line);
    g_assert_cmpint (line->order_state, ==, QM_ORDER_STATE_REJECTED);
    entries_extra++;
  }

  g_assert_true (qm_store_audit_verify (fixture->store, &entries, &bad, &error));
  g_assert_no_error (error);
  /* 3 endpoint.add, planning.warehouse, 2 plan.generate, 2 plan.line.edit,
   * plan.approve, plan.push */
  g_assert_cmpint (entries, ==, 10 + entries_extra);
}

/* Runs quartermaster-cli on the fixture's cache; returns its exit status. */
static int
run_cli (Fixture     *fixture,
         const char  *args,
         char       **out_stdout,
         char       **out_stderr)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) words = NULL;
  const char *cli = g_getenv ("QM_CLI");
  int wait_status = 0;

  g_assert_nonnull (cli);
  g_assert_true (g_shell_parse_argv (args, NULL, &words, &error));
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, fixture->path);
  for (guint i = 0; words[i] != NULL; i++)
    g_ptr_array_add (argv, words[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out_stdout,
                out_stderr, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

/* The plan CSV of the contract, byte for byte, and the CLI around it. */
static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *csv_path = g_build_filename (fixture->dir, "plan.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *manifest_path = g_strconcat (csv_path, ".manifest.json", NULL);
  g_autofree char *show_args = g_strdup_printf ("plan show 1 --output %s", csv_path);

  g_assert_cmpint (run_cli (fixture, "plan show", &out, &err), ==, 3);
  g_assert_true (g_str_has_suffix (err, "There is no plan yet; make one with “plan generate”\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, "plan generate --today 2026-3-11", &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan generate --service-level 100", &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan generate --eoq", &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, "plan generate --today 2026-03-11 --window 4 "
                                     "--service-level 95 --transfer-days 30", &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "1\nPlan 1 (draft): 7 lines, 114 units suggested, 1 cut by capacity\n");
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* One row per warehouse and SKU: LAMP's purchase (0) and transfer (4)
   * together. MUG's safety stock 6.006156 and reorder point 16.006156
   * are rounded to 2 digits. */
  g_assert_cmpint (run_cli (fixture, "plan show --format csv", &out, &err), ==, 0);
  g_assert_cmpstr (out, ==,
                   "plan_id,warehouse_id,sku,on_hand,on_order,avg_daily_demand,safety_stock,"
                   "reorder_point,suggested_quantity,approved_quantity,capacity_capped\r\n"
                   "1,WH-A,BOX,5,0,10.0000,0.00,20.00,35,35,0\r\n"
                   "1,WH-A,LAMP,0,0,1.0000,0.00,2.00,4,4,0\r\n"
                   "1,WH-A,MUG,12,0,5.0000,6.01,16.01,18,18,0\r\n"
                   "1,WH-A,NEWER,0,0,6.0000,0.00,12.00,24,24,0\r\n"
                   "1,WH-B,CUP,10,0,2.0000,0.00,14.00,18,18,0\r\n"
                   "1,WH-B,JAR,17,0,2.0000,0.00,14.00,15,15,1\r\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* edits need a reason; approved quantities show */
  g_assert_cmpint (run_cli (fixture, "plan edit 1 --warehouse WH-A --sku BOX --quantity 20",
                            &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan edit 1 --warehouse WH-A --sku LAMP --transfer "
                                     "--quantity 2 --reason 'Half by truck'", &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan edit 1 --warehouse WH-A --sku NOPE --quantity 2 "
                                     "--reason x", &out, &err), ==, 3);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan approve 1", &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan approve 1", &out, &err), ==, 3);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan edit 1 --warehouse WH-A --sku BOX --quantity 20 "
                                     "--reason late", &out, &err), ==, 3);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, show_args, &out, &err), ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (strstr (csv, "\r\n1,WH-A,LAMP,0,0,1.0000,0.00,2.00,4,2,0\r\n") != NULL);
  g_assert_true (g_file_test (manifest_path, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, "plan show 1 --format json", &out, &err), ==, 0);
  g_assert_true (strstr (out, "\"sku\": \"MUG\", \"on_hand\": 12, \"on_order\": 0, "
                              "\"avg_daily_demand\": 5.0000, \"safety_stock\": 6.01") != NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, "plan show 7", &out, &err), ==, 3);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "plan show x", &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* planning settings: what is not given stays */
  g_assert_cmpint (run_cli (fixture, "planning set --warehouse WH-B --lead-time 3", &out, &err),
                   ==, 0);
  g_assert_cmpstr (out, ==, "WH-B: lead time 3 days, review period 7 days\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "planning set --sku CUP --review -1", &out, &err), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, "planning set --warehouse WH-Z --review 1", &out, &err),
                   ==, 3);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, "audit verify", &out, &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_unlink (manifest_path);
  g_unlink (csv_path);
}

/* The plan CSV's decimals: fixed digits, half up, a point in every locale. */
static void
test_format_fixed (void)
{
  static const struct { double value; guint digits; const char *text; } cases[] = {
    { 6.006156235170057, 2, "6.01" },
    { 16.006156235170057, 2, "16.01" },
    { 5.0, 4, "5.0000" },
    { 0.125, 2, "0.13" },       /* exactly half: up */
    { 0.124999, 2, "0.12" },
    { 2.5, 0, "3" },
    { 0.00005, 4, "0.0001" },
    { 1234567.891, 2, "1234567.89" },
    { 0.0, 2, "0.00" },
    { -1.0, 2, "0.00" },        /* never negative */
    { INFINITY, 2, "0.00" },
    { NAN, 4, "0.0000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = qm_report_format_fixed (cases[i].value, cases[i].digits);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* An accepted transfer that has not left yet is promised stock: the source
 * no longer counts it. WH-C sends 90 of its 100 LAMPs to WH-A; the next
 * plan sees 10 at WH-C (S = 1 * 14 = 14: it needs 4) until the goods
 * leave. */
static void
test_committed_transfer (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  const QmPlanLine *line;
  const QmPlanOrder *transfer = NULL;
  gint64 id = generate (fixture);

  g_assert_true (qm_store_plan_set_quantity (fixture->store, id, "WH-A", "LAMP",
                                             QM_PLAN_LINE_TRANSFER, 90, "Clear WH-C",
                                             "planner", &error));
  g_assert_no_error (error);
  g_assert_true (qm_store_plan_approve (fixture->store, id, "boss", &error));
  orders = qm_store_plan_prepare_push (fixture->store, id, "planner", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < orders->len; i++)
    if (((QmPlanOrder *) orders->pdata[i])->kind == QM_PLAN_LINE_TRANSFER)
      transfer = orders->pdata[i];
  g_assert_nonnull (transfer);
  g_assert_true (qm_store_plan_record_push (fixture->store, transfer->idempotency_key,
                                            QM_ORDER_STATE_ACCEPTED, "TR-C-9", NULL, &error));
  g_assert_no_error (error);

  lines = qm_store_plan_get_lines (fixture->store, generate (fixture), &error);
  g_assert_no_error (error);
  line = find_line (lines, "WH-C", "LAMP", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpint (line->qualified, ==, 10);
  g_assert_cmpint (line->on_hand, ==, 10);
  g_assert_cmpint (line->suggested_quantity, ==, 4);
  line = find_line (lines, "WH-A", "LAMP", QM_PLAN_LINE_PURCHASE);
  g_assert_null (line);   /* 90 on order */
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* 88 have left (and WH-C's snapshot says so): 2 still promised, 10 held */
  {
    static const Mv shipped[] = {
      { "2026-03-11T09:00:00Z", "transfer_out", "LAMP", 88, "TR-C-9" },
    };
    static const QmStockItem c_stock[] = { { "LAMP", "qualified", 12 } };

    add_movements (fixture->store, "WH-C", shipped, G_N_ELEMENTS (shipped));
    qm_store_replace_snapshot (fixture->store, "WH-C", 6, c_stock, 1, &error);
    g_assert_no_error (error);
  }
  lines = qm_store_plan_get_lines (fixture->store, generate (fixture), &error);
  g_assert_no_error (error);
  line = find_line (lines, "WH-C", "LAMP", QM_PLAN_LINE_PURCHASE);
  g_assert_nonnull (line);
  g_assert_cmpint (line->qualified, ==, 10);
  g_assert_cmpint (line->suggested_quantity, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/procurement/generate", test_generate);
  ADD ("/procurement/settings", test_settings);
  ADD ("/procurement/edit-approve-push", test_edit_approve_push);
  ADD ("/procurement/cli", test_cli);
  ADD ("/procurement/committed-transfer", test_committed_transfer);
  g_test_add_func ("/procurement/no-warehouse", test_no_warehouse);
  g_test_add_func ("/procurement/format-fixed", test_format_fixed);
#undef ADD

  return g_test_run ();
}
