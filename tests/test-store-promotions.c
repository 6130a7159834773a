/* test-store-promotions.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "qm-error.h"
#include "qm-store-allocation.h"
#include "qm-store-promotions.h"

typedef struct
{
  char    *dir;
  char    *path;
  QmStore *store;
} Fixture;

/* 2026-05-03T00:00:00Z: inside the locks of these tests. */
#define NOW G_GINT64_CONSTANT (1777766400)

static void
add_channel (QmStore    *store,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  QmChannel ch = { (char *) id, (char *) id, (char *) "own_app", NULL, TRUE };

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
    { "MUG", "qualified", 70 },
    { "PAN", "qualified", 9 },
  };
  static const QmStockItem south_stock[] = {
    { "MUG", "qualified", 30 },
  };

  fixture->dir = g_dir_make_tmp ("qm-promo-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);

  qm_store_add_warehouse (fixture->store, &east, NULL, &error);
  g_assert_no_error (error);
  qm_store_add_warehouse (fixture->store, &south, NULL, &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 10, east_stock, 2, &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-SOUTH", 4, south_stock, 1, &error);
  g_assert_no_error (error);

  add_channel (fixture->store, "app");
  add_channel (fixture->store, "web");
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

typedef struct
{
  GPtrArray *lines;     /* "action object before after" */
} AuditLines;

static gboolean
collect_audit_cb (const QmAuditEntry *entry,
                  gpointer            user_data)
{
  GPtrArray *lines = user_data;

  g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %s", entry->action, entry->object,
                                           entry->before ? entry->before : "-",
                                           entry->after ? entry->after : "-"));
  return TRUE;
}

/* The audit entries after the two channels were added. */
static GPtrArray *
audit_lines (QmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  gint64 entries = 0;

  qm_store_foreach_audit (store, NULL, NULL, collect_audit_cb, lines, &error);
  g_assert_no_error (error);
  g_assert_true (qm_store_audit_verify (store, &entries, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (entries, ==, lines->len);

  /* drop the setup's entries (endpoint and channel adds) */
  while (lines->len > 0 &&
         !g_str_has_prefix (g_ptr_array_index (lines, 0), "promotion.") &&
         !g_str_has_prefix (g_ptr_array_index (lines, 0), "presale.") &&
         !g_str_has_prefix (g_ptr_array_index (lines, 0), "allocation."))
    g_ptr_array_remove_index (lines, 0);

  return g_steal_pointer (&lines);
}

static void
test_locks (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) locks = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QmAllocationData) input = NULL;
  g_autoptr(QmAllocResult) result = NULL;
  QmPromotionalLock *lock;
  gint64 id = 0;
  gint64 id2 = 0;

  /* +02:00 is stored as UTC */
  g_assert_true (qm_store_add_promotional_lock (fixture->store, "app", "MUG", 10,
                                                "2026-05-01T02:00:00+02:00",
                                                "2026-05-08T00:00:00Z", "ann", &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  /* not active yet at NOW */
  g_assert_true (qm_store_add_promotional_lock (fixture->store, "web", "MUG", 4,
                                                "2026-06-01T00:00:00Z",
                                                "2026-06-02T00:00:00Z", "ann", &id2, &error));
  g_assert_no_error (error);

  locks = qm_store_list_promotional_locks (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (locks->len, ==, 2);
  lock = g_ptr_array_index (locks, 0);
  g_assert_cmpint (lock->id, ==, id);
  g_assert_cmpstr (lock->channel_id, ==, "app");
  g_assert_cmpstr (lock->sku, ==, "MUG");
  g_assert_cmpint (lock->quantity, ==, 10);
  g_assert_cmpstr (lock->starts_at, ==, "2026-05-01T00:00:00Z");
  g_assert_cmpstr (lock->ends_at, ==, "2026-05-08T00:00:00Z");

  /* the engine sees the active lock: 100 mugs, 10 promotional for app,
   * 90 left in the shared pool for both */
  input = qm_store_load_allocation (fixture->store, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (input->input.n_locks, ==, 2);
  result = qm_allocation_compute (&input->input, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (input->input.skus[0].sku, ==, "MUG");
  g_assert_cmpint (result->rows[0].promotional, ==, 10);
  g_assert_cmpint (result->rows[0].regular, ==, 90);
  g_assert_cmpint (result->rows[1].promotional, ==, 0);
  g_assert_cmpint (result->rows[1].regular, ==, 90);

  g_assert_true (qm_store_remove_promotional_lock (fixture->store, id, "bob", &error));
  g_assert_no_error (error);
  g_assert_false (qm_store_remove_promotional_lock (fixture->store, id, "bob", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_pointer (&locks, g_ptr_array_unref);
  locks = qm_store_list_promotional_locks (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (locks->len, ==, 1);
  g_assert_cmpint (((QmPromotionalLock *) g_ptr_array_index (locks, 0))->id, ==, id2);

  lines = audit_lines (fixture->store);
  g_assert_cmpuint (lines->len, ==, 3);
  {
    g_autofree char *add = g_strdup_printf ("promotion.add lock:%" G_GINT64_FORMAT " - "
                                            "{\"id\":%" G_GINT64_FORMAT ",\"channel\":\"app\","
                                            "\"sku\":\"MUG\",\"quantity\":10,"
                                            "\"starts_at\":\"2026-05-01T00:00:00Z\","
                                            "\"ends_at\":\"2026-05-08T00:00:00Z\"}", id, id);
    g_autofree char *removed = g_strdup_printf ("promotion.remove lock:%" G_GINT64_FORMAT " "
                                                "{\"id\":%" G_GINT64_FORMAT ",\"channel\":\"app\","
                                                "\"sku\":\"MUG\",\"quantity\":10,"
                                                "\"starts_at\":\"2026-05-01T00:00:00Z\","
                                                "\"ends_at\":\"2026-05-08T00:00:00Z\"} -", id, id);

    g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, add);
    g_assert_cmpstr (g_ptr_array_index (lines, 2), ==, removed);
  }
}

static void
test_locks_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) locks = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  const char *start = "2026-05-01T00:00:00Z";
  const char *end = "2026-05-08T00:00:00Z";

  g_assert_false (qm_store_add_promotional_lock (fixture->store, "app", "MUG", 0, start, end,
                                                 NULL, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (qm_store_add_promotional_lock (fixture->store, "nope", "MUG", 1, start, end,
                                                 NULL, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);
  g_assert_false (qm_store_add_promotional_lock (fixture->store, "app", "MUG", 1, end, start,
                                                 NULL, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (qm_store_add_promotional_lock (fixture->store, "app", "MUG", 1, "May 1st", end,
                                                 NULL, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (qm_store_add_promotional_lock (fixture->store, "app", "", 1, start, end,
                                                 NULL, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* nothing written, nothing audited */
  locks = qm_store_list_promotional_locks (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (locks->len, ==, 0);
  lines = audit_lines (fixture->store);
  g_assert_cmpuint (lines->len, ==, 0);
}

static void
test_presale (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) quotas = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  QmPresaleQuota *quota;

  g_assert_true (qm_store_set_presale_quota (fixture->store, "web", "PAN", 5, "ann", &error));
  g_assert_no_error (error);
  g_assert_true (qm_store_set_presale_quota (fixture->store, "app", "PAN", 2, "ann", &error));
  g_assert_no_error (error);
  g_assert_true (qm_store_set_presale_quota (fixture->store, "web", "PAN", 7, "ann", &error));
  g_assert_no_error (error);
  g_assert_false (qm_store_set_presale_quota (fixture->store, "web", "PAN", -1, "ann", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (qm_store_set_presale_quota (fixture->store, "shop", "PAN", 1, "ann", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  quotas = qm_store_list_presale_quotas (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quotas->len, ==, 2);
  quota = g_ptr_array_index (quotas, 0);
  g_assert_cmpstr (quota->channel_id, ==, "app");
  g_assert_cmpint (quota->quantity, ==, 2);
  quota = g_ptr_array_index (quotas, 1);
  g_assert_cmpstr (quota->channel_id, ==, "web");
  g_assert_cmpstr (quota->sku, ==, "PAN");
  g_assert_cmpint (quota->quantity, ==, 7);

  g_assert_true (qm_store_remove_presale_quota (fixture->store, "app", "PAN", "bob", &error));
  g_assert_no_error (error);
  g_assert_false (qm_store_remove_presale_quota (fixture->store, "app", "PAN", "bob", &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_pointer (&quotas, g_ptr_array_unref);
  quotas = qm_store_list_presale_quotas (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quotas->len, ==, 1);

  lines = audit_lines (fixture->store);
  g_assert_cmpuint (lines->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==,
                   "presale.set presale:web/PAN - {\"channel\":\"web\",\"sku\":\"PAN\",\"quantity\":5}");
  g_assert_cmpstr (g_ptr_array_index (lines, 2), ==,
                   "presale.set presale:web/PAN {\"channel\":\"web\",\"sku\":\"PAN\",\"quantity\":5} "
                   "{\"channel\":\"web\",\"sku\":\"PAN\",\"quantity\":7}");
  g_assert_cmpstr (g_ptr_array_index (lines, 3), ==,
                   "presale.remove presale:app/PAN {\"channel\":\"app\",\"sku\":\"PAN\",\"quantity\":2} -");
}

static void
set_ratio (QmStore      *store,
           QmAllocScope  scope,
           const char   *key,
           gint64        app,
           gint64        web,
           gint64        web_oversell)
{
  g_autoptr(GError) error = NULL;
  const char * const channels[] = { "app", "web", NULL };
  const char * const oversell_channels[] = { "web", NULL };
  gint64 weights[] = { app, web };
  gint64 oversell[] = { web_oversell };
  QmAllocationRuleSpec spec = { 0 };

  spec.scope = scope;
  spec.key = key;
  spec.mode = QM_ALLOCATION_RATIO;
  spec.weight_channels = channels;
  spec.weights = weights;
  spec.oversell_channels = web_oversell > 0 ? oversell_channels : NULL;
  spec.oversell_percent = oversell;
  spec.buffer_units = 2;
  spec.window_days = 28;
  g_assert_true (qm_store_set_allocation_rule (store, &spec, "ann", &error));
  g_assert_no_error (error);
}

static char *
rule_json (QmStore      *store,
           QmAllocScope  scope,
           const char   *key)
{
  g_autoptr(GError) error = NULL;
  char *json = qm_store_get_allocation_rule_json (store, scope, key, &error);

  g_assert_no_error (error);
  return json;
}

static void
undo (QmStore    *store,
      const char *expected_object)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *object = NULL;

  g_assert_true (qm_store_undo_last_allocation (store, "bob", &object, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (object, ==, expected_object);
}

static void
test_undo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(QmAllocationData) input = NULL;
  g_autoptr(QmAllocResult) result = NULL;
  g_autofree char *first = NULL;
  g_autofree char *json = NULL;
  g_autofree char *last = NULL;

  set_ratio (fixture->store, QM_ALLOC_SCOPE_SKU, "MUG", 60, 40, 10);
  first = rule_json (fixture->store, QM_ALLOC_SCOPE_SKU, "MUG");
  set_ratio (fixture->store, QM_ALLOC_SCOPE_SKU, "MUG", 70, 30, 0);

  /* back to 60/40 with web's 10% oversell */
  undo (fixture->store, "sku:MUG");
  json = rule_json (fixture->store, QM_ALLOC_SCOPE_SKU, "MUG");
  g_assert_cmpstr (json, ==, first);
  g_assert_cmpstr (json, ==,
                   "{\"scope\":\"sku\",\"key\":\"MUG\",\"mode\":\"ratio\",\"buffer_units\":2,"
                   "\"buffer_percent\":0,\"window_days\":28,\"min_share_permille\":0,"
                   "\"weights\":{\"app\":60,\"web\":40},\"oversell_percent\":{\"web\":10}}");

  /* 100 mugs less a buffer of 2: 98 by 60:40 = 58.8 / 39.2 → 59 / 39;
   * web oversells floor (39 * 10%) = 3 */
  input = qm_store_load_allocation (fixture->store, NOW, &error);
  g_assert_no_error (error);
  result = qm_allocation_compute (&input->input, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->rows[0].regular, ==, 59);
  g_assert_cmpint (result->rows[1].regular, ==, 39);
  g_assert_cmpint (result->rows[1].oversell, ==, 3);
  g_assert_cmpint (result->rows[1].sellable, ==, 42);

  /* then the rule did not exist */
  undo (fixture->store, "sku:MUG");
  g_assert_null (rule_json (fixture->store, QM_ALLOC_SCOPE_SKU, "MUG"));

  g_assert_false (qm_store_undo_last_allocation (fixture->store, "bob", NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  lines = audit_lines (fixture->store);
  g_assert_cmpuint (lines->len, ==, 4);
  last = g_strdup_printf ("allocation.undo sku:MUG %s -", first);
  g_assert_cmpstr (g_ptr_array_index (lines, 3), ==, last);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (lines, 2), "allocation.undo sku:MUG {"));
}

/* Undos pair with the newest change not undone yet, like a stack. */
static void
test_undo_stack (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  set_ratio (fixture->store, QM_ALLOC_SCOPE_DEFAULT, NULL, 1, 1, 0);
  set_ratio (fixture->store, QM_ALLOC_SCOPE_SKU, "MUG", 3, 1, 0);
  undo (fixture->store, "sku:MUG");
  set_ratio (fixture->store, QM_ALLOC_SCOPE_CATEGORY, "kitchen", 1, 2, 0);
  undo (fixture->store, "category:kitchen");

  /* the default is the only change left */
  json = rule_json (fixture->store, QM_ALLOC_SCOPE_DEFAULT, NULL);
  g_assert_nonnull (json);
  g_assert_null (rule_json (fixture->store, QM_ALLOC_SCOPE_SKU, "MUG"));
  g_assert_null (rule_json (fixture->store, QM_ALLOC_SCOPE_CATEGORY, "kitchen"));
  undo (fixture->store, "default");
  g_assert_null (rule_json (fixture->store, QM_ALLOC_SCOPE_DEFAULT, NULL));

  g_assert_false (qm_store_undo_last_allocation (fixture->store, NULL, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store-promotions/locks", Fixture, NULL, fixture_setup, test_locks,
              fixture_teardown);
  g_test_add ("/store-promotions/locks-refused", Fixture, NULL, fixture_setup,
              test_locks_refused, fixture_teardown);
  g_test_add ("/store-promotions/presale", Fixture, NULL, fixture_setup, test_presale,
              fixture_teardown);
  g_test_add ("/store-promotions/undo", Fixture, NULL, fixture_setup, test_undo,
              fixture_teardown);
  g_test_add ("/store-promotions/undo-stack", Fixture, NULL, fixture_setup, test_undo_stack,
              fixture_teardown);

  return g_test_run ();
}
