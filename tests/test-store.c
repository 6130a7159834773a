/* test-store.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "qm-error.h"
#include "qm-schema.h"
#include "qm-store.h"

typedef struct
{
  char    *dir;
  char    *path;
  QmStore *store;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("qm-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

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

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->store != NULL)
    g_assert_finalize_object (fixture->store);
  remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Runs SQL straight on the file, as a tamperer (or an older version) would. */
static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;
  int rc;

  rc = sqlite3_open (path, &db);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("SQL failed: %s\n%s", message, sql);
  sqlite3_close (db);
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
add_warehouse (QmStore    *store,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  QmWarehouse wh = { 0 };

  wh.id = (char *) id;
  wh.url = (char *) "http://127.0.0.1:9/";
  qm_store_add_warehouse (store, &wh, "tester", &error);
  g_assert_no_error (error);
}

/* Stock rows as "WH|SKU|STATUS|QTY" lines, in the store's order. */
static gboolean
collect_stock_cb (const char *warehouse_id,
                  const char *sku,
                  const char *status,
                  gint64      quantity,
                  gpointer    user_data)
{
  g_string_append_printf (user_data, "%s|%s|%s|%" G_GINT64_FORMAT "\n",
                          warehouse_id ? warehouse_id : "*", sku, status, quantity);
  return TRUE;
}

static char *
stock_dump (QmStore *store)
{
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);

  qm_store_foreach_stock (store, collect_stock_cb, out, &error);
  g_assert_no_error (error);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */

static void
test_open_new (Fixture       *fixture,
               gconstpointer  data)
{
  g_assert_cmpuint (qm_store_get_schema_version (fixture->store), ==, QM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (fixture->path, "PRAGMA user_version"), ==, QM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (fixture->path, "PRAGMA application_id"), ==, QM_SCHEMA_APPLICATION_ID);
  /* WAL is a property of the file; it stays on for every later connection */
  g_assert_cmpint (raw_int (fixture->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
                   ==, 1);
}

static void
test_open_reopen (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) again = NULL;
  g_autoptr(GPtrArray) list = NULL;

  add_warehouse (fixture->store, "WH-EAST");
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

  again = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);
  list = qm_store_list_warehouses (again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
}

/* A file as each older release wrote it (frozen fixtures in tests/data/). */
static void
test_migrate_fixture (gconstpointer data)
{
  guint version = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qm-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autofree char *name = g_strdup_printf ("cache-v%u.sql", version);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *sql = NULL;
  g_autofree char *dump = NULL;
  g_autoptr(GArray) totals = NULL;
  g_auto(QmSyncState) state = { 0 };
  const QmStockTotal *total;

  g_assert_true (g_file_get_contents (fixture, &sql, NULL, NULL));
  raw_exec (path, sql);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, version);

  store = qm_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qm_store_get_schema_version (store), ==, QM_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, QM_SCHEMA_VERSION);

  /* everything the old version stored is still there */
  dump = stock_dump (store);
  g_assert_cmpstr (dump, ==,
                   "WH-EAST|SKU-00001|defective|2\n"
                   "WH-EAST|SKU-00001|qualified|40\n");
  g_assert_cmpint (qm_store_count_movements (store, "WH-EAST", &error), ==, 3);
  qm_store_get_sync_state (store, "WH-EAST", &state, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state.cursor_seq, ==, 3);
  g_assert_cmpint (state.snapshot_seq, ==, 3);

  /* and what version 2 added was filled from it */
  totals = qm_store_get_stock_totals (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (totals->len, ==, 2);
  total = &g_array_index (totals, QmStockTotal, 1);
  g_assert_cmpstr (total->warehouse_id, ==, "WH-EAST");
  g_assert_cmpstr (total->status, ==, "qualified");
  g_assert_cmpint (total->quantity, ==, 40);

  /* the upgraded file takes new work */
  add_warehouse (store, "WH-WEST");
  g_clear_object (&store);
  remove_tree (dir);
}

/* Every schema version this build can still meet is upgraded in one go. */
static void
test_migrate_every_version (void)
{
  for (guint from = 1; from < QM_SCHEMA_VERSION; from++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QmStore) store = NULL;
      g_autofree char *dir = g_dir_make_tmp ("qm-store-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "old.db", NULL);
      g_autoptr(GString) sql = g_string_new ("BEGIN;\n");

      for (guint v = 1; v <= from; v++)
        g_string_append (sql, qm_schema_get_migration (v));
      g_string_append_printf (sql, "PRAGMA user_version = %u;\n", from);
      g_string_append (sql,
                       "INSERT INTO warehouse (id, url, added_at) "
                       "VALUES ('WH-OLD', 'http://127.0.0.1:1/', '2026-01-01T00:00:00Z');\n"
                       "COMMIT;\n");
      raw_exec (path, sql->str);

      store = qm_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (qm_store_get_schema_version (store), ==, QM_SCHEMA_VERSION);
      {
        g_autoptr(QmWarehouse) wh = qm_store_get_warehouse (store, "WH-OLD", &error);
        g_assert_no_error (error);
        g_assert_cmpstr (wh->url, ==, "http://127.0.0.1:1/");
      }
      g_clear_object (&store);
      remove_tree (dir);
    }
}

/* A refused file is left byte for byte as it was. */
static void
assert_refused_untouched (const char *path,
                          int         code,
                          const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = file_checksum (path);
  g_autofree char *after = NULL;
  QmStore *store;

  store = qm_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, QM_ERROR, code);
  g_assert_nonnull (strstr (error->message, message_part));

  after = file_checksum (path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_open_newer_version (void)
{
  g_autofree char *dir = g_dir_make_tmp ("qm-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "newer.db", NULL);

  raw_exec (path,
            "PRAGMA application_id = 1364017969; PRAGMA user_version = 99;"
            "CREATE TABLE future (x); INSERT INTO future VALUES (1);");
  assert_refused_untouched (path, QM_ERROR_NEWER_VERSION, "version 99");
  remove_tree (dir);
}

static void
test_open_foreign (void)
{
  g_autofree char *dir = g_dir_make_tmp ("qm-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "foreign.db", NULL);

  raw_exec (path, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ann');");
  assert_refused_untouched (path, QM_ERROR_NOT_A_CACHE, "another program");
  remove_tree (dir);
}

static void
test_open_corrupt (void)
{
  g_autofree char *dir = g_dir_make_tmp ("qm-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "corrupt.db", NULL);
  char garbage[8192];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (path, garbage, sizeof garbage, NULL));
  assert_refused_untouched (path, QM_ERROR_NOT_A_CACHE, "not a Quartermaster cache");

  /* a real cache whose header was damaged */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *good = g_build_filename (dir, "damaged.db", NULL);
    g_autofree char *contents = NULL;
    gsize len;
    QmStore *store = qm_store_open (good, &error);

    g_assert_no_error (error);
    add_warehouse (store, "WH-EAST");
    g_object_unref (store);
    g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
    memset (contents, 'X', 16);
    g_assert_true (g_file_set_contents (good, contents, len, NULL));
    assert_refused_untouched (good, QM_ERROR_NOT_A_CACHE, "--db");
  }

  remove_tree (dir);
}

static void
test_open_read_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qm-store-XXXXXX", NULL);
  g_autofree char *locked = g_build_filename (dir, "locked", NULL);
  g_autofree char *path = NULL;
  QmStore *store;

  /* root writes anywhere on disk, but nobody can create files in /proc */
  if (geteuid () == 0)
    {
      path = g_strdup ("/proc/qm-test-cache.db");
    }
  else
    {
      g_assert_cmpint (g_mkdir (locked, 0500), ==, 0);
      path = g_build_filename (locked, "cache.db", NULL);
    }

  store = qm_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, QM_ERROR, QM_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "--db"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_chmod (locked, 0700);
  remove_tree (dir);
}

static void
test_open_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qm-store-XXXXXX", NULL);

  g_assert_null (qm_store_open (dir, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */

static const QmMovement page_one[] = {
  { 1, "mv-1", "2026-11-01T08:00:00Z", "opening_balance", "SKU-A", 100, NULL, "qualified",
    TRUE, 125000, NULL, NULL, NULL, NULL, NULL },
  { 2, "mv-2", "2026-11-01T09:00:00Z", "sales_outbound", "SKU-A", 5, "qualified", NULL,
    FALSE, 0, NULL, NULL, "own-app", NULL, NULL },
  { 4, "mv-4", "2026-11-01T10:00:00Z", "teleport", "SKU-A", 1, "qualified", NULL,
    FALSE, 0, NULL, NULL, NULL, NULL, "unknown kind “teleport”" },
};

static void
test_movements_idempotent (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(QmSyncState) state = { 0 };
  gsize inserted = 99;

  add_warehouse (fixture->store, "WH-EAST");

  qm_store_insert_movements (fixture->store, "WH-EAST", page_one, G_N_ELEMENTS (page_one), 4,
                             &inserted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inserted, ==, 3);

  /* the same page again, e.g. after a crash before the answer was seen */
  qm_store_insert_movements (fixture->store, "WH-EAST", page_one, G_N_ELEMENTS (page_one), 4,
                             &inserted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inserted, ==, 0);
  g_assert_cmpint (qm_store_count_movements (fixture->store, NULL, &error), ==, 3);

  /* overlapping page: one old, one new */
  {
    QmMovement overlap[2] = { page_one[2], page_one[2] };

    overlap[1].seq = 7;
    overlap[1].id = "mv-7";
    qm_store_insert_movements (fixture->store, "WH-EAST", overlap, 2, 7, &inserted, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (inserted, ==, 1);
  }

  qm_store_get_sync_state (fixture->store, "WH-EAST", &state, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state.cursor_seq, ==, 7);
  g_assert_cmpint (raw_int (fixture->path,
                            "SELECT count(*) FROM movement WHERE quarantine_reason IS NOT NULL"),
                   ==, 2);
  g_assert_cmpint (raw_int (fixture->path,
                            "SELECT unit_cost FROM movement WHERE seq = 1"), ==, 125000);
}

static void
test_movements_conflict (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(QmSyncState) state = { 0 };
  QmMovement changed[2];

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_insert_movements (fixture->store, "WH-EAST", page_one, 2, 2, NULL, &error);
  g_assert_no_error (error);

  /* a new movement, then seq 2 with another quantity: the whole page is refused */
  changed[0] = page_one[0];
  changed[0].seq = 10;
  changed[0].id = "mv-10";
  changed[1] = page_one[1];
  changed[1].quantity = 6;
  g_assert_false (qm_store_insert_movements (fixture->store, "WH-EAST", changed, 2, 10, NULL,
                                             &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_CONFLICT);
  g_assert_cmpint (qm_store_count_movements (fixture->store, NULL, NULL), ==, 2);
  qm_store_get_sync_state (fixture->store, "WH-EAST", &state, NULL);
  g_assert_cmpint (state.cursor_seq, ==, 2);
}

static void
test_movements_unknown_warehouse (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (qm_store_insert_movements (fixture->store, "WH-NOPE", page_one, 1, 1, NULL,
                                             &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
}

/* ------------------------------------------------------------------------ */

static const QmStockItem east_v1[] = {
  { "SKU-B", "qualified", 7 },
  { "SKU-A", "qualified", 40 },
  { "SKU-A", "defective", 2 },
};

static void
test_snapshot_replace (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dump = NULL;
  g_autoptr(GArray) totals = NULL;
  static const QmStockItem south[] = { { "SKU-A", "pending_inspection", 5 } };
  static const QmStockItem east_v2[] = { { "SKU-C", "supplier_return", 1 } };

  add_warehouse (fixture->store, "WH-SOUTH");
  add_warehouse (fixture->store, "WH-EAST");

  qm_store_replace_snapshot (fixture->store, "WH-EAST", 10, east_v1, 3, &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (fixture->store, "WH-SOUTH", 3, south, 1, &error);
  g_assert_no_error (error);

  dump = stock_dump (fixture->store);
  g_assert_cmpstr (dump, ==,
                   "WH-EAST|SKU-A|defective|2\n"
                   "WH-EAST|SKU-A|qualified|40\n"
                   "WH-EAST|SKU-B|qualified|7\n"
                   "WH-SOUTH|SKU-A|pending_inspection|5\n");

  totals = qm_store_get_stock_totals (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (totals->len, ==, 3);
  g_assert_cmpstr (g_array_index (totals, QmStockTotal, 1).status, ==, "qualified");
  g_assert_cmpint (g_array_index (totals, QmStockTotal, 1).quantity, ==, 47);
  g_assert_cmpint (g_array_index (totals, QmStockTotal, 1).skus, ==, 2);

  /* a replace swaps the whole warehouse; the other is untouched */
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 11, east_v2, 1, &error);
  g_assert_no_error (error);
  g_free (dump);
  dump = stock_dump (fixture->store);
  g_assert_cmpstr (dump, ==,
                   "WH-EAST|SKU-C|supplier_return|1\n"
                   "WH-SOUTH|SKU-A|pending_inspection|5\n");
  g_assert_cmpint (raw_int (fixture->path,
                            "SELECT as_of_seq FROM stock WHERE warehouse_id = 'WH-EAST'"), ==, 11);
}

static void
test_snapshot_consolidated (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);
  g_autofree char *dump = NULL;
  static const QmStockItem south[] = {
    { "SKU-A", "qualified", 5 },
    { "SKU-Z", "qualified", 1 },
  };

  add_warehouse (fixture->store, "WH-EAST");
  add_warehouse (fixture->store, "WH-SOUTH");
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 10, east_v1, 3, &error);
  qm_store_replace_snapshot (fixture->store, "WH-SOUTH", 2, south, 2, &error);
  g_assert_no_error (error);

  qm_store_foreach_consolidated (fixture->store, collect_stock_cb, out, &error);
  g_assert_no_error (error);
  dump = g_string_free (out, FALSE);
  g_assert_cmpstr (dump, ==,
                   "*|SKU-A|defective|2\n"
                   "*|SKU-A|qualified|45\n"
                   "*|SKU-B|qualified|7\n"
                   "*|SKU-Z|qualified|1\n");
}

/* A walk that fails on its second page leaves the old snapshot. */
static void
test_snapshot_fails_half_way (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  static const QmStockItem page1[] = { { "SKU-X", "qualified", 1 } };
  static const QmStockItem page2[] = {
    { "SKU-Y", "qualified", 3 },
    { "SKU-Y", "qualified", 4 },   /* listed twice: the walk is bad */
  };
  static const QmStockItem bad_status[] = { { "SKU-Y", "stolen", 3 } };

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 10, east_v1, 3, &error);
  g_assert_no_error (error);
  before = stock_dump (fixture->store);

  g_assert_true (qm_store_snapshot_begin (fixture->store, "WH-EAST", &error));
  g_assert_true (qm_store_snapshot_add (fixture->store, "WH-EAST", page1, 1, &error));
  g_assert_false (qm_store_snapshot_add (fixture->store, "WH-EAST", page2, 2, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_clear_error (&error);
  g_assert_false (qm_store_snapshot_add (fixture->store, "WH-EAST", bad_status, 1, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_clear_error (&error);

  after = stock_dump (fixture->store);
  g_assert_cmpstr (before, ==, after);

  /* and a new walk starts clean: the staged page of the failed one is dropped */
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 12, page2, 1, &error);
  g_assert_no_error (error);
  g_free (after);
  after = stock_dump (fixture->store);
  g_assert_cmpstr (after, ==, "WH-EAST|SKU-Y|qualified|3\n");
}

/* The disk fills up while the snapshot is swapped in: nothing changes. */
static void
test_snapshot_disk_full (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GArray) big = g_array_new (FALSE, FALSE, sizeof (QmStockItem));
  g_autoptr(GPtrArray) skus = g_ptr_array_new_with_free_func (g_free);
  gint64 pages;

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 10, east_v1, 3, &error);
  g_assert_no_error (error);
  before = stock_dump (fixture->store);

  for (guint i = 0; i < 5000; i++)
    {
      QmStockItem item = { NULL, "qualified", i + 1 };
      char *sku = g_strdup_printf ("SKU-%06u-with-a-long-name-to-fill-pages", i);

      g_ptr_array_add (skus, sku);
      item.sku = sku;
      g_array_append_val (big, item);
    }

  /* the staged walk fits, but copying it into place does not */
  g_assert_true (qm_store_snapshot_begin (fixture->store, "WH-EAST", &error));
  g_assert_true (qm_store_snapshot_add (fixture->store, "WH-EAST",
                                        (QmStockItem *) big->data, big->len, &error));
  g_assert_no_error (error);
  pages = raw_int (fixture->path, "PRAGMA page_count");
  pages = MAX (pages, raw_int (fixture->path, "SELECT 1"));
  qm_store_limit_size (fixture->store, pages + 2);

  g_assert_false (qm_store_snapshot_commit (fixture->store, "WH-EAST", 20, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "nothing was changed"));
  g_clear_error (&error);

  after = stock_dump (fixture->store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_movements_disk_full (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) page = g_array_new (FALSE, FALSE, sizeof (QmMovement));
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_auto(QmSyncState) state = { 0 };

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_insert_movements (fixture->store, "WH-EAST", page_one, 2, 2, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 10000; i++)
    {
      QmMovement m = page_one[0];
      char *id = g_strdup_printf ("movement-%u-with-a-long-identifier-to-fill-pages", i);

      g_ptr_array_add (ids, id);
      m.seq = 100 + i;
      m.id = id;
      g_array_append_val (page, m);
    }

  qm_store_limit_size (fixture->store, raw_int (fixture->path, "PRAGMA page_count") + 3);
  g_assert_false (qm_store_insert_movements (fixture->store, "WH-EAST",
                                             (QmMovement *) page->data, page->len, 10099,
                                             NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_FULL);

  g_assert_cmpint (qm_store_count_movements (fixture->store, NULL, NULL), ==, 2);
  qm_store_get_sync_state (fixture->store, "WH-EAST", &state, NULL);
  g_assert_cmpint (state.cursor_seq, ==, 2);
}

/* ------------------------------------------------------------------------ */

static void
append_entries (QmStore *store,
                guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *object = g_strdup_printf ("SKU-%u", i);
      g_autofree char *after = g_strdup_printf ("{\"ratio\": %u}", i);

      qm_store_audit_append (store, "planner", "allocation.set", object, NULL, after, &error);
      g_assert_no_error (error);
    }
}

static void
assert_broken_at (Fixture *fixture,
                  gint64   expected_seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  g_autofree char *needle = g_strdup_printf ("entry %" G_GINT64_FORMAT, expected_seq);
  gint64 bad = -1;

  store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_false (qm_store_audit_verify (store, NULL, &bad, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_assert_cmpint (bad, ==, expected_seq);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_audit_intact (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 entries = 0, bad = -1;

  g_assert_true (qm_store_audit_verify (fixture->store, &entries, &bad, &error));
  g_assert_cmpint (entries, ==, 0);

  add_warehouse (fixture->store, "WH-EAST");
  append_entries (fixture->store, 5);
  g_assert_true (qm_store_audit_verify (fixture->store, &entries, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (entries, ==, 6);
  g_assert_cmpint (bad, ==, 0);
}

static void
test_audit_hash_known (void)
{
  /* Checked by hand: printf '%s' "$genesis" '1:1;20:2026-11-27T08:00:00Z;3:ann;11:channel.add;'\
   *   '7:own-app;-;2:{};' | sha256sum */
  QmAuditEntry entry = { 1, "2026-11-27T08:00:00Z", "ann", "channel.add", "own-app", NULL, "{}", NULL };
  g_autofree char *hash =
    qm_audit_compute_hash ("0000000000000000000000000000000000000000000000000000000000000000",
                           &entry);
  g_autofree char *expected = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *canonical =
    "0000000000000000000000000000000000000000000000000000000000000000"
    "1:1;20:2026-11-27T08:00:00Z;3:ann;11:channel.add;7:own-app;-;2:{};";

  g_checksum_update (checksum, (const guchar *) canonical, -1);
  expected = g_strdup (g_checksum_get_string (checksum));
  g_assert_cmpstr (hash, ==, expected);
  g_assert_cmpstr (hash, ==, "090e9fc62529991e2b6ba26504e916d41afff211a4db87633471f38506b53335");
}

static void
test_audit_tamper_edit (Fixture       *fixture,
                        gconstpointer  data)
{
  append_entries (fixture->store, 5);
  g_clear_object (&fixture->store);
  raw_exec (fixture->path, "UPDATE audit SET after = '{\"ratio\": 60}' WHERE seq = 3");
  assert_broken_at (fixture, 3);
}

static void
test_audit_tamper_delete (Fixture       *fixture,
                          gconstpointer  data)
{
  append_entries (fixture->store, 5);
  g_clear_object (&fixture->store);
  raw_exec (fixture->path, "DELETE FROM audit WHERE seq = 2");
  assert_broken_at (fixture, 2);
}

static void
test_audit_tamper_delete_renumbered (Fixture       *fixture,
                                     gconstpointer  data)
{
  append_entries (fixture->store, 5);
  g_clear_object (&fixture->store);
  /* a careful tamperer closes the gap */
  raw_exec (fixture->path,
            "DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = seq - 1 WHERE seq > 2");
  assert_broken_at (fixture, 2);
}

static void
test_audit_tamper_delete_last (Fixture       *fixture,
                               gconstpointer  data)
{
  append_entries (fixture->store, 5);
  g_clear_object (&fixture->store);
  raw_exec (fixture->path, "DELETE FROM audit WHERE seq = 5");
  assert_broken_at (fixture, 5);
}

static void
test_audit_tamper_reorder (Fixture       *fixture,
                           gconstpointer  data)
{
  append_entries (fixture->store, 5);
  g_clear_object (&fixture->store);
  raw_exec (fixture->path,
            "UPDATE audit SET seq = -1 WHERE seq = 3;"
            "UPDATE audit SET seq = 3 WHERE seq = 4;"
            "UPDATE audit SET seq = 4 WHERE seq = -1;");
  assert_broken_at (fixture, 3);
}

static void
test_audit_actions_logged (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QmChannel channel = { (char *) "own-app", (char *) "Own app", (char *) "own_app", NULL, TRUE };

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_add_channel (fixture->store, &channel, "ann", &error);
  g_assert_no_error (error);
  qm_store_set_setting (fixture->store, "company_timezone", "Asia/Shanghai", "ann", &error);
  g_assert_no_error (error);
  qm_store_remove_warehouse (fixture->store, "WH-EAST", "bob", &error);
  g_assert_no_error (error);

  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM audit"), ==, 4);
  g_assert_cmpint (raw_int (fixture->path,
                            "SELECT count(*) FROM audit WHERE action = 'endpoint.remove' "
                            "AND user = 'bob' AND before LIKE '%WH-EAST%' AND after IS NULL"),
                   ==, 1);
  g_assert_true (qm_store_audit_verify (fixture->store, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------ */

static void
test_warehouse_duplicate_and_remove (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  QmWarehouse wh = { 0 };

  add_warehouse (fixture->store, "WH-EAST");
  wh.id = (char *) "WH-EAST";
  wh.url = (char *) "http://127.0.0.1:2/";
  g_assert_false (qm_store_add_warehouse (fixture->store, &wh, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_EXISTS);
  g_clear_error (&error);

  qm_store_insert_movements (fixture->store, "WH-EAST", page_one, 2, 2, NULL, &error);
  qm_store_replace_snapshot (fixture->store, "WH-EAST", 2, east_v1, 3, &error);
  g_assert_no_error (error);

  qm_store_remove_warehouse (fixture->store, "WH-EAST", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qm_store_count_movements (fixture->store, NULL, NULL), ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM stock"), ==, 0);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM stock_total"), ==, 0);

  g_assert_false (qm_store_remove_warehouse (fixture->store, "WH-EAST", NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
}

static void
test_warehouse_move (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmWarehouse) wh = NULL;

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_insert_movements (fixture->store, "WH-EAST", page_one, 2, 2, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (qm_store_update_warehouse_endpoint (fixture->store, "WH-EAST",
                                                     "https://wms.east.example.com/qm/", FALSE,
                                                     "ann", &error));
  g_assert_no_error (error);

  wh = qm_store_get_warehouse (fixture->store, "WH-EAST", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wh->url, ==, "https://wms.east.example.com/qm/");
  /* what was cached from it stays */
  g_assert_cmpint (qm_store_count_movements (fixture->store, "WH-EAST", NULL), ==, 2);
  g_assert_cmpint (raw_int (fixture->path,
                            "SELECT count(*) FROM audit WHERE action = 'endpoint.edit' "
                            "AND user = 'ann' AND before LIKE '%127.0.0.1:9%' "
                            "AND after LIKE '%wms.east.example.com%'"), ==, 1);
  g_assert_true (qm_store_audit_verify (fixture->store, NULL, NULL, &error));

  g_assert_false (qm_store_update_warehouse_endpoint (fixture->store, "WH-NOPE",
                                                      "https://x.example.com/", FALSE, NULL,
                                                      &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_NOT_FOUND);
}

static void
test_products_upsert (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const QmProduct v1[] = {
    { "SKU-A", "Mug, \"large\"", "kitchen", "each", 12 },
    { "SKU-B", "=SUM(A1)", "tools", "each", 1 },
  };
  static const QmProduct v2[] = { { "SKU-A", "Mug 350 ml", "kitchen", "each", 6 } };
  static const QmProduct bad[] = { { "SKU\n1", "Bad", "x", "each", 1 } };

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_upsert_products (fixture->store, "WH-EAST", v1, 2, &error);
  g_assert_no_error (error);
  qm_store_upsert_products (fixture->store, "WH-EAST", v2, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (fixture->path, "SELECT count(*) FROM product"), ==, 2);
  g_assert_cmpint (raw_int (fixture->path,
                            "SELECT pack_size FROM product WHERE sku = 'SKU-A'"), ==, 6);

  g_assert_false (qm_store_upsert_products (fixture->store, "WH-EAST", bad, 1, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
}

static void
test_sync_state (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(QmSyncState) state = { 0 };

  add_warehouse (fixture->store, "WH-EAST");
  qm_store_record_sync_result (fixture->store, "WH-EAST", 40, NULL, &error);
  g_assert_no_error (error);
  qm_store_record_sync_result (fixture->store, "WH-EAST", -1, "503 Service Unavailable", &error);
  g_assert_no_error (error);

  qm_store_get_sync_state (fixture->store, "WH-EAST", &state, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state.remote_last_seq, ==, 40);
  g_assert_cmpint (state.snapshot_seq, ==, -1);
  g_assert_nonnull (state.last_success_at);
  g_assert_cmpstr (state.last_error, ==, "503 Service Unavailable");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/open/new", test_open_new);
  ADD ("/store/open/reopen", test_open_reopen);
  g_test_add_func ("/store/open/newer-version", test_open_newer_version);
  g_test_add_func ("/store/open/foreign", test_open_foreign);
  g_test_add_func ("/store/open/corrupt", test_open_corrupt);
  g_test_add_func ("/store/open/read-only", test_open_read_only);
  g_test_add_func ("/store/open/directory", test_open_directory);
  for (guint v = 1; v < QM_SCHEMA_VERSION; v++)
    {
      g_autofree char *path = g_strdup_printf ("/store/migrate/from-v%u-file", v);
      g_test_add_data_func (path, GUINT_TO_POINTER (v), test_migrate_fixture);
    }
  g_test_add_func ("/store/migrate/every-version", test_migrate_every_version);
  ADD ("/store/warehouse/duplicate-and-remove", test_warehouse_duplicate_and_remove);
  ADD ("/store/warehouse/move", test_warehouse_move);
  ADD ("/store/products/upsert", test_products_upsert);
  ADD ("/store/movements/idempotent", test_movements_idempotent);
  ADD ("/store/movements/conflict", test_movements_conflict);
  ADD ("/store/movements/unknown-warehouse", test_movements_unknown_warehouse);
  ADD ("/store/movements/disk-full", test_movements_disk_full);
  ADD ("/store/snapshot/replace", test_snapshot_replace);
  ADD ("/store/snapshot/consolidated", test_snapshot_consolidated);
  ADD ("/store/snapshot/fails-half-way", test_snapshot_fails_half_way);
  ADD ("/store/snapshot/disk-full", test_snapshot_disk_full);
  ADD ("/store/sync-state", test_sync_state);
  g_test_add_func ("/store/audit/hash-known", test_audit_hash_known);
  ADD ("/store/audit/intact", test_audit_intact);
  ADD ("/store/audit/actions-logged", test_audit_actions_logged);
  ADD ("/store/audit/tamper-edit", test_audit_tamper_edit);
  ADD ("/store/audit/tamper-delete", test_audit_tamper_delete);
  ADD ("/store/audit/tamper-delete-renumbered", test_audit_tamper_delete_renumbered);
  ADD ("/store/audit/tamper-delete-last", test_audit_tamper_delete_last);
  ADD ("/store/audit/tamper-reorder", test_audit_tamper_reorder);

#undef ADD

  return g_test_run ();
}
