/* test-store-allocation.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "qm-error.h"
#include "qm-store-allocation.h"

typedef struct
{
  char    *dir;
  char    *path;
  QmStore *store;
} Fixture;

static void
add_channel (QmStore    *store,
             const char *id,
             const char *regions)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = regions ? g_strsplit (regions, ",", -1) : NULL;
  QmChannel ch = { (char *) id, (char *) id, (char *) "own_app", list, TRUE };

  qm_store_add_channel (store, &ch, "tester", &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QmWarehouse east = { (char *) "WH-EAST", (char *) "http://127.0.0.1:1/" };
  QmWarehouse south = { (char *) "WH-SOUTH", (char *) "http://127.0.0.1:2/" };
  static const QmStockItem east_stock[] = {
    { "MUG", "defective", 3 },
    { "MUG", "qualified", 70 },
    { "PAN", "qualified", 9 },
  };
  static const QmStockItem south_stock[] = {
    { "MUG", "qualified", 30 },
  };
  static const QmProduct products[] = {
    { "MUG", "Mug", "kitchen", "each", 6 },
    { "PAN", "Pan", "kitchen", "each", 1 },
  };

  fixture->dir = g_dir_make_tmp ("qm-alloc-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);

  east.region = (char *) "east";
  south.region = (char *) "south";
  qm_store_add_warehouse (fixture->store, &east, NULL, &error);
  g_assert_no_error (error);
  qm_store_add_warehouse (fixture->store, &south, NULL, &error);
  g_assert_no_error (error);
  qm_store_update_warehouse_info (fixture->store, &east, &error);
  g_assert_no_error (error);
  qm_store_update_warehouse_info (fixture->store, &south, &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 10, east_stock, 3, &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-SOUTH", 4, south_stock, 1, &error);
  g_assert_no_error (error);
  qm_store_upsert_products (fixture->store, "WH-EAST", products, 2, &error);
  g_assert_no_error (error);

  add_channel (fixture->store, "app", "east");
  add_channel (fixture->store, "web", "east,south");
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

static const QmAllocRow *
row (QmAllocResult *result,
     guint          sku,
     guint          channel)
{
  return &result->rows[sku * result->n_channels + channel];
}

/* 60/40 on MUG: 100 qualified units over both warehouses → 60 and 40. */
static void
test_ratio_rule (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmAllocationData) input = NULL;
  g_autoptr(QmAllocResult) result = NULL;
  const char * const channels[] = { "app", "web", NULL };
  const gint64 weights[] = { 60, 40 };
  QmAllocationRuleSpec spec = { 0 };

  spec.scope = QM_ALLOC_SCOPE_SKU;
  spec.key = "MUG";
  spec.mode = QM_ALLOCATION_RATIO;
  spec.weight_channels = channels;
  spec.weights = weights;
  spec.window_days = 28;
  g_assert_true (qm_store_set_allocation_rule (fixture->store, &spec, "planner", &error));
  g_assert_no_error (error);

  input = qm_store_load_allocation (fixture->store, 1790000000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (input->input.n_skus, ==, 2);
  g_assert_cmpstr (input->input.skus[0].sku, ==, "MUG");
  g_assert_cmpstr (input->input.skus[0].category, ==, "kitchen");
  g_assert_cmpuint (input->input.n_channels, ==, 2);
  /* qualified only: the 3 defective mugs are not for sale */
  g_assert_cmpint (input->input.qualified[0 * 2 + 0], ==, 70);
  g_assert_cmpint (input->input.qualified[0 * 2 + 1], ==, 30);

  result = qm_allocation_compute (&input->input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row (result, 0, 0)->regular, ==, 60);
  g_assert_cmpint (row (result, 0, 1)->regular, ==, 40);
  /* PAN has no rule of its own: the built-in default shares the whole pool */
  g_assert_cmpint (row (result, 1, 0)->regular, ==, 9);
  g_assert_cmpint (row (result, 1, 1)->regular, ==, 9);
}

static void
test_rule_audited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const channels[] = { "app", "web", NULL };
  const gint64 first[] = { 50, 50 };
  const gint64 second[] = { 60, 40 };
  const char * const oversell_channels[] = { "web", NULL };
  const gint64 oversell[] = { 10 };
  QmAllocationRuleSpec spec = { 0 };
  g_autofree char *json = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  spec.scope = QM_ALLOC_SCOPE_DEFAULT;
  spec.mode = QM_ALLOCATION_RATIO;
  spec.weight_channels = channels;
  spec.weights = first;
  spec.window_days = 28;
  qm_store_set_allocation_rule (fixture->store, &spec, "ann", &error);
  g_assert_no_error (error);

  spec.weights = second;
  spec.oversell_channels = oversell_channels;
  spec.oversell_percent = oversell;
  spec.buffer_units = 5;
  qm_store_set_allocation_rule (fixture->store, &spec, "bob", &error);
  g_assert_no_error (error);

  json = qm_store_get_allocation_rule_json (fixture->store, QM_ALLOC_SCOPE_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==,
                   "{\"scope\":\"default\",\"key\":\"\",\"mode\":\"ratio\",\"buffer_units\":5,"
                   "\"buffer_percent\":0,\"window_days\":28,\"min_share_permille\":0,"
                   "\"weights\":{\"app\":60,\"web\":40},\"oversell_percent\":{\"web\":10}}");

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT user, object, before, after FROM audit "
                                           "WHERE action = 'allocation.set' ORDER BY seq DESC",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "bob");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "default");
  g_assert_nonnull (strstr ((const char *) sqlite3_column_text (stmt, 2), "\"app\":50"));
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==, json);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_true (qm_store_audit_verify (fixture->store, NULL, NULL, &error));
}

static void
test_rule_refused (Fixture       *fixture,
                   gconstpointer  data)
{
  const char * const unknown[] = { "app", "fax", NULL };
  const gint64 weights[] = { 1, 1 };
  const gint64 negative[] = { 1, -1 };
  const char * const channels[] = { "app", "web", NULL };
  QmAllocationRuleSpec spec = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  spec.scope = QM_ALLOC_SCOPE_CATEGORY;
  spec.key = "kitchen";
  spec.mode = QM_ALLOCATION_RATIO;
  spec.window_days = 28;
  spec.weight_channels = unknown;
  spec.weights = weights;
  g_assert_false (qm_store_set_allocation_rule (fixture->store, &spec, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "fax"));
  g_clear_error (&error);

  /* nothing of the refused rule was kept */
  json = qm_store_get_allocation_rule_json (fixture->store, QM_ALLOC_SCOPE_CATEGORY, "kitchen",
                                            &error);
  g_assert_no_error (error);
  g_assert_null (json);

  spec.weight_channels = channels;
  spec.weights = negative;
  g_assert_false (qm_store_set_allocation_rule (fixture->store, &spec, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  spec.weights = weights;
  spec.key = NULL;
  g_assert_false (qm_store_set_allocation_rule (fixture->store, &spec, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store-allocation/ratio-rule", Fixture, NULL, fixture_setup, test_ratio_rule,
              fixture_teardown);
  g_test_add ("/store-allocation/rule-audited", Fixture, NULL, fixture_setup, test_rule_audited,
              fixture_teardown);
  g_test_add ("/store-allocation/rule-refused", Fixture, NULL, fixture_setup, test_rule_refused,
              fixture_teardown);

  return g_test_run ();
}
