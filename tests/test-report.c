/* test-report.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reports and quartermaster-cli, as a user runs it: exact bytes out,
 * exit statuses, one-line errors.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <glib/gstdio.h>

#include "qm-error.h"
#include "qm-report.h"
#include "qm-store.h"
#include "qm-store-ledger.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("qm-report-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

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
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs quartermaster-cli --db PATH ARGS... */
static void
run_cli (Run        *run,
         const char *db,
         ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *cli = g_getenv ("QM_CLI");
  int wait_status = 0;
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  if (db != NULL)
    {
      g_ptr_array_add (argv, (char *) "--db");
      g_ptr_array_add (argv, (char *) db);
    }
  va_start (args, db);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static void
seed_stock (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (path, &error);
  QmWarehouse east = { (char *) "WH-EAST", (char *) "http://127.0.0.1:1/" };
  QmWarehouse central = { (char *) "WH-CENTRAL", (char *) "http://127.0.0.1:2/" };
  static const QmStockItem east_items[] = {
    { "sku-lower", "qualified", 3 },
    { "SKU-10", "qualified", 10 },
    { "SKU-9", "qualified", 9 },
    { "=HYPERLINK(\"x\")", "defective", 1 },
    { "Äpfel, rot", "qualified", 12 },
    { "SKU-10", "defective", 2 },
  };
  static const QmStockItem central_items[] = {
    { "SKU-9", "supplier_return", 4 },
    { "SKU-9", "pending_inspection", 5 },
  };

  g_assert_no_error (error);
  qm_store_add_warehouse (store, &east, "tester", &error);
  g_assert_no_error (error);
  qm_store_add_warehouse (store, &central, "tester", &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (store, "WH-EAST", 50, east_items, G_N_ELEMENTS (east_items), &error);
  g_assert_no_error (error);
  qm_store_replace_snapshot (store, "WH-CENTRAL", 8, central_items,
                             G_N_ELEMENTS (central_items), &error);
  g_assert_no_error (error);
}

/* Sorted bytewise by warehouse, SKU, status; compared before the guard. */
static const char expected_stock_csv[] =
  "warehouse_id,sku,status,quantity\r\n"
  "WH-CENTRAL,SKU-9,pending_inspection,5\r\n"
  "WH-CENTRAL,SKU-9,supplier_return,4\r\n"
  "WH-EAST,\"'=HYPERLINK(\"\"x\"\")\",defective,1\r\n"
  "WH-EAST,SKU-10,defective,2\r\n"
  "WH-EAST,SKU-10,qualified,10\r\n"
  "WH-EAST,SKU-9,qualified,9\r\n"
  "WH-EAST,sku-lower,qualified,3\r\n"
  "WH-EAST,\"Äpfel, rot\",qualified,12\r\n";

static void
test_cli_stock_csv (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  seed_stock (fixture->path);
  run_cli (&run, fixture->path, "stock", "--format", "csv", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected_stock_csv);
}

static void
test_cli_stock_csv_output_bom (Fixture       *fixture,
                               gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *out_path = g_build_filename (fixture->dir, "stock.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = g_strconcat ("\xef\xbb\xbf", expected_stock_csv, NULL);

  seed_stock (fixture->path);
  run_cli (&run, fixture->path, "stock", "--format", "csv", "--bom", "--output", out_path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_file_get_contents (out_path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

static void
test_cli_stock_json (Fixture       *fixture,
                     gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  seed_stock (fixture->path);
  run_cli (&run, fixture->path, "stock", "--format", "json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out,
    "[\n  {\"warehouse_id\": \"WH-CENTRAL\", \"sku\": \"SKU-9\", \"status\": "
    "\"pending_inspection\", \"quantity\": 5},\n"));
  /* JSON carries text as it is: no formula guard */
  g_assert_nonnull (strstr (run.out, "\"sku\": \"=HYPERLINK(\\\"x\\\")\""));
  g_assert_true (g_str_has_suffix (run.out, "\"quantity\": 12}\n]\n"));
}

static void
test_cli_stock_table (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_auto(GStrv) lines = NULL;

  seed_stock (fixture->path);
  run_cli (&run, fixture->path, "stock", NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10);
  g_assert_cmpstr (lines[0], ==, "warehouse_id  sku              status              quantity");
  g_assert_cmpstr (lines[1], ==, "WH-CENTRAL    SKU-9            pending_inspection         5");
  g_assert_cmpstr (lines[8], ==, "WH-EAST       Äpfel, rot       qualified                 12");
}

static void
test_cli_stock_empty (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, fixture->path, "stock", "--format", "csv", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "warehouse_id,sku,status,quantity\r\n");
}

static void
test_cli_endpoints_and_channels (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *token = g_build_filename (fixture->dir, "token", NULL);
  g_autofree char *open_token = g_build_filename (fixture->dir, "open-token", NULL);

  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "endpoint", "add", "http://127.0.0.1:8001", "--id", "WH-EAST",
             NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    g_assert_true (g_file_set_contents (token, "secret\n", -1, NULL));
    g_chmod (token, 0600);
    run_cli (&run, fixture->path, "endpoint", "add", "https://wms.south.example.com/qm",
             "--id", "WH-SOUTH", "--token-file", token, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "endpoint", "list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "WH-EAST\thttp://127.0.0.1:8001/\t"));
    g_assert_nonnull (strstr (run.out, "\nWH-SOUTH\thttps://wms.south.example.com/qm/\t"));
    /* the token itself is never shown nor stored */
    g_assert_null (strstr (run.out, "secret"));
  }
  {
    g_auto(Run) run = { 0 };
    g_assert_true (g_file_set_contents (open_token, "secret\n", -1, NULL));
    g_chmod (open_token, 0644);
    run_cli (&run, fixture->path, "endpoint", "add", "https://wms.west.example.com/",
             "--id", "WH-WEST", "--token-file", open_token, NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "chmod 600"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "endpoint", "add", "http://wms.west.example.com/",
             "--id", "WH-WEST", NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "https"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "endpoint", "add", "http://wms.west.example.com/",
             "--id", "WH-WEST", "--allow-insecure", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "endpoint", "add", "http://127.0.0.1:8001", "--id", "WH-EAST",
             NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "already"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "endpoint", "remove", "WH-NOPE", NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "WH-NOPE"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "endpoint", "remove", "WH-WEST", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "channel", "add", "tmall", "--name", "Tmall flagship",
             "--regions", "east, south", "--kind", "marketplace", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "channel", "add", "app", "--name", "Own app", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "channel", "add", "web", "--name", "Web", "--kind", "fax", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "channel", "list", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==,
                     "app\tOwn app\tother\t-\tactive\n"
                     "tmall\tTmall flagship\tmarketplace\teast,south\tactive\n");
  }
  {
    g_auto(Run) run = { 0 };
    g_auto(GStrv) lines = NULL;

    run_cli (&run, fixture->path, "report", "audit", NULL);
    g_assert_cmpint (run.status, ==, 0);
    lines = g_strsplit (run.out, "\r\n", -1);
    /* header, 4 endpoint adds/removes that succeeded, 2 channels, and the final empty piece */
    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 4 + 2 + 1);
    g_assert_cmpstr (lines[0], ==, "at,user,action,object,before,after,entry_hash");
    g_assert_nonnull (strstr (lines[4], ",endpoint.remove,WH-WEST,"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "audit", "verify", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "Audit trail intact: 6 entries\n");
  }
}

static void
test_cli_audit_verify_tampered (Fixture       *fixture,
                                gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  sqlite3 *db = NULL;

  for (guint i = 0; i < 4; i++)
    {
      g_auto(Run) add = { 0 };
      g_autofree char *id = g_strdup_printf ("ch-%u", i);

      run_cli (&add, fixture->path, "channel", "add", id, "--name", "Channel", NULL);
      g_assert_cmpint (add.status, ==, 0);
    }

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE audit SET user = 'mallory' WHERE seq = 3",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  run_cli (&run, fixture->path, "audit", "verify", NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_str_has_prefix (run.err, "quartermaster-cli: Audit trail broken at entry 3 "));
  /* one line */
  g_assert_cmpint (strchr (run.err, '\n') - run.err, ==, strlen (run.err) - 1);
}

static void
test_cli_allocation (Fixture       *fixture,
                     gconstpointer  data)
{
  seed_stock (fixture->path);

  {
    g_auto(Run) a = { 0 };
    g_auto(Run) b = { 0 };
    run_cli (&a, fixture->path, "channel", "add", "app", "--name", "Own app", NULL);
    run_cli (&b, fixture->path, "channel", "add", "web", "--name", "PC web", NULL);
    g_assert_cmpint (a.status + b.status, ==, 0);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "allocation", "set", "--sku", "SKU-10", "--mode", "ratio",
             "--weight", "app=60", "--weight", "web=40", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    /* 10 qualified units of SKU-10 (the 2 defective are not for sale): 6 and 4 */
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "allocation", "show", "--sku", "SKU-10", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==,
                     "sku,channel,regular,promotional,pre_sale,oversell,sellable\r\n"
                     "SKU-10,app,6,0,0,0,6\r\n"
                     "SKU-10,web,4,0,0,0,4\r\n");
  }
  {
    /* no rule of its own: the default shares the whole pool with every channel */
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "allocation", "show", "--sku", "SKU-9", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==,
                     "sku,channel,regular,promotional,pre_sale,oversell,sellable\r\n"
                     "SKU-9,app,9,0,0,0,9\r\n"
                     "SKU-9,web,9,0,0,0,9\r\n");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "report", "audit", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, ",allocation.set,sku:SKU-10,,"));
    g_assert_nonnull (strstr (run.out, "\"\"app\"\":60,\"\"web\"\":40"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "allocation", "set", "--sku", "SKU-10", "--mode", "ratio",
             "--weight", "fax=1", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "fax"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "allocation", "set", "--mode", "ratio", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    /* SKU-9: 9 qualified at WH-EAST, none at WH-CENTRAL */
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "route", "--region", "east", "--sku", "SKU-9",
             "--quantity", "5", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "WH-EAST ships 5\n");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "route", "--region", "east", "--sku", "SKU-9",
             "--quantity", "12", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "WH-EAST ships 9\nshortfall 3\n");
  }
}

static void
test_cli_usage (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const commands[][2] = {
    { "endpoint", "add" }, { "endpoint", "list" }, { "endpoint", "remove" },
    { "stock", NULL }, { "channel", "add" }, { "channel", "list" },
    { "report", "audit" }, { "audit", "verify" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(Run) run = { 0 };

      if (commands[i][1] != NULL)
        run_cli (&run, fixture->path, commands[i][0], commands[i][1], "--help", NULL);
      else
        run_cli (&run, fixture->path, commands[i][0], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_str_has_prefix (run.out, "Usage:"));
    }

  {
    g_auto(Run) run = { 0 };
    run_cli (&run, NULL, "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "audit verify"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "frobnicate", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (run.err, ==, "quartermaster-cli: Unknown command “frobnicate” (see --help)\n");
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "stock", "--format", "xml", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "stock", "--no-such-option", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, fixture->path, "report", "audit", "--from", "2026-02-30", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "YYYY-MM-DD"));
  }
}

static void
test_cli_refuses_bad_files (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *newer = g_build_filename (fixture->dir, "newer.db", NULL);
  g_autofree char *text = g_build_filename (fixture->dir, "notes.txt", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA application_id = 1364017969; PRAGMA user_version = 7; "
                    "CREATE TABLE t (x);", NULL, NULL, NULL);
  sqlite3_close (db);
  g_assert_true (g_file_set_contents (text, "shopping list: milk, eggs, flour\n", -1, NULL));

  {
    g_auto(Run) run = { 0 };
    run_cli (&run, newer, "stock", NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "newer Quartermaster (cache version 7"));
  }
  {
    g_auto(Run) run = { 0 };
    run_cli (&run, text, "stock", NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "not a Quartermaster cache"));
  }
}

/* ------------------------------------------------------------------------ */

static void
test_day_range (void)
{
  static const struct {
    const char *from, *to, *tz, *from_at, *to_at;
  } cases[] = {
    { "2026-11-27", "2026-11-27", "UTC", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z" },
    { "2026-11-01", "2026-11-30", "Asia/Shanghai", "2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z" },
    { "2024-02-28", "2024-02-29", "UTC", "2024-02-28T00:00:00Z", "2024-03-01T00:00:00Z" },
    { "2026-12-31", "2026-12-31", "UTC", "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z" },
    { NULL, "2026-11-27", "UTC", NULL, "2026-11-28T00:00:00Z" },
    { "2026-11-27", NULL, "UTC", "2026-11-27T00:00:00Z", NULL },
    /* the DST switch in New York: that day has 23 hours */
    { "2026-03-08", "2026-03-08", "America/New_York", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z" },
  };
  static const struct {
    const char *from, *to, *tz;
    int code;
  } bad[] = {
    { "2026-13-01", NULL, "UTC", QM_ERROR_INVALID_INPUT },
    { "2026-02-29", NULL, "UTC", QM_ERROR_INVALID_INPUT },
    { "26-11-27", NULL, "UTC", QM_ERROR_INVALID_INPUT },
    { "2026-11-27x", NULL, "UTC", QM_ERROR_INVALID_INPUT },
    { "2026-11-28", "2026-11-27", "UTC", QM_ERROR_INVALID_INPUT },
    { "2026-11-27", NULL, "Mars/Olympus_Mons", QM_ERROR_BAD_DATA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *from_at = NULL;
      g_autofree char *to_at = NULL;

      g_assert_true (qm_report_day_range (cases[i].from, cases[i].to, cases[i].tz,
                                          &from_at, &to_at, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (from_at, ==, cases[i].from_at);
      g_assert_cmpstr (to_at, ==, cases[i].to_at);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *from_at = NULL;
      g_autofree char *to_at = NULL;

      g_assert_false (qm_report_day_range (bad[i].from, bad[i].to, bad[i].tz,
                                           &from_at, &to_at, &error));
      g_assert_error (error, QM_ERROR, bad[i].code);
    }
}

static void
test_report_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  seed_stock (fixture->path);
  store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  g_assert_false (qm_report_write_stock (store, QM_REPORT_FORMAT_JSON, QM_CSV_FLAGS_NONE, out,
                                         cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* More SKUs move than the valuation fold holds at once (it writes states
 * back and forgets them past a bound, so memory stays flat): every SKU's
 * stored average must still fold both of its receipts, in the incremental
 * fold and in a rebuild, and the ledger (which folds on its own, streaming)
 * must be the same bytes either way. */
#define MANY_SKUS 40000

typedef struct
{
  const gint64 *averages;   /* index: SKU number */
  guint         rows;
} StateCheck;

static gboolean
check_state_cb (const QmValuationRow *row,
                gpointer              user_data)
{
  StateCheck *check = user_data;
  gint64 k = g_ascii_strtoll (row->sku + strlen ("SKU-"), NULL, 10);

  g_assert_cmpstr (row->warehouse_id, ==, "WH-EAST");
  g_assert_cmpint (k, >=, 1);
  g_assert_cmpint (k, <=, MANY_SKUS);
  g_assert_cmpint (row->quantity, ==, 40 - (1 + k % 7));
  g_assert_cmpint (row->average_e4, ==, check->averages[k]);
  g_assert_cmpint (row->last_seq, ==, 2 * MANY_SKUS + k);
  check->rows++;
  return TRUE;
}

static void
check_states (QmStore      *store,
              const gint64 *averages)
{
  g_autoptr(GError) error = NULL;
  StateCheck check = { averages, 0 };

  g_assert_true (qm_store_foreach_valuation_state (store, check_state_cb, &check, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (check.rows, ==, MANY_SKUS);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* numerator / denominator, rounded half to even (both positive). */
static gint64
div_half_even (gint64 numerator,
               gint64 denominator)
{
  gint64 q = numerator / denominator;
  gint64 r2 = 2 * (numerator % denominator);

  if (r2 > denominator || (r2 == denominator && q % 2 != 0))
    q++;
  return q;
}

static char *
write_ledger (QmStore    *store,
              const char *from_at,
              const char *to_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  QmReportDigest digest = { 0 };

  g_assert_true (qm_report_write_ledger (store, from_at, to_at, QM_REPORT_FORMAT_CSV,
                                         QM_CSV_FLAGS_NONE, out, &digest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (digest.rows, ==, MANY_SKUS);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_ledger_many_skus (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GString) expected = g_string_new (
    "warehouse_id,sku,name,category,opening_quantity,received_quantity,issued_quantity,"
    "closing_quantity,opening_value,closing_value,currency\r\n");
  g_autofree char *sql = NULL;
  g_autofree char *first = NULL;
  g_autofree char *rebuilt = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) want = NULL;
  g_autofree gint64 *averages = g_new0 (gint64, MANY_SKUS + 1);
  QmWarehouse east = { (char *) "WH-EAST", (char *) "http://127.0.0.1:1/" };
  sqlite3 *db = NULL;

  store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);
  qm_store_add_warehouse (store, &east, "tester", &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  exec_sql (db, "UPDATE warehouse SET currency = 'EUR'");
  /* January: 10 units of each SKU at 1.0000 + i/10000, in SKU order. */
  sql = g_strdup_printf (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, to_status, unit_cost) "
    "SELECT 'WH-EAST', i, 'a' || i, '2026-01-02T08:00:00Z', 'purchase_inbound', "
    "  printf('SKU-%%06d', i), 10, 'qualified', 10000 + i FROM n", MANY_SKUS);
  exec_sql (db, sql);

  /* Folded now (incrementally, past the bound), then the rest arrives. */
  g_assert_true (qm_store_valuation_update (store, NULL, &error));
  g_assert_no_error (error);

  g_free (sql);
  sql = g_strdup_printf (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, to_status, unit_cost) "
    "SELECT 'WH-EAST', %d + i, 'b' || i, '2026-01-20T08:00:00Z', 'purchase_inbound', "
    "  printf('SKU-%%06d', %d + 1 - i), 30, 'qualified', 20000 + 3 * i FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
    "INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, from_status) "
    "SELECT 'WH-EAST', %d + i, 'c' || i, '2026-02-10T08:00:00Z', 'sales_outbound', "
    "  printf('SKU-%%06d', i), 1 + i %% 7, 'qualified' FROM n;",
    MANY_SKUS, MANY_SKUS, MANY_SKUS, MANY_SKUS, 2 * MANY_SKUS);
  exec_sql (db, sql);
  sqlite3_close (db);

  /* By hand: the second receipt of SKU k is row i = N + 1 - k, at cost
   * 2.0000 + 3i/10000; avg = (10 c1 + 30 c2) / 40 at 4 digits, half to
   * even; values are quantity x avg at 2 digits, half to even. */
  for (gint64 k = 1; k <= MANY_SKUS; k++)
    {
      gint64 i = MANY_SKUS + 1 - k;
      gint64 average = div_half_even (10 * (10000 + k) + 30 * (20000 + 3 * i), 40);
      gint64 issued = 1 + k % 7;
      gint64 opening_value = div_half_even (40 * average, 100);
      gint64 closing_value = div_half_even ((40 - issued) * average, 100);

      averages[k] = average;
      g_string_append_printf (expected,
                              "WH-EAST,SKU-%06" G_GINT64_MODIFIER "d,,,40,0,%" G_GINT64_FORMAT
                              ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ".%02" G_GINT64_MODIFIER
                              "d,%" G_GINT64_FORMAT ".%02" G_GINT64_MODIFIER "d,EUR\r\n",
                              k, issued, 40 - issued, opening_value / 100, opening_value % 100,
                              closing_value / 100, closing_value % 100);
    }

  first = write_ledger (store, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z");
  lines = g_strsplit (first, "\n", -1);
  want = g_strsplit (expected->str, "\n", -1);
  for (guint i = 0; want[i] != NULL && lines[i] != NULL; i++)
    g_assert_cmpstr (lines[i], ==, want[i]);
  g_assert_cmpuint (g_strv_length (lines), ==, g_strv_length (want));
  check_states (store, averages);

  g_assert_true (qm_store_valuation_rebuild (store, &error));
  g_assert_no_error (error);
  check_states (store, averages);
  rebuilt = write_ledger (store, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z");
  g_assert_true (strcmp (first, rebuilt) == 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/report/day-range", test_day_range);
  ADD ("/report/cancelled", test_report_cancelled);
  ADD ("/report/ledger/many-skus", test_ledger_many_skus);
  ADD ("/cli/stock/csv", test_cli_stock_csv);
  ADD ("/cli/stock/csv-output-bom", test_cli_stock_csv_output_bom);
  ADD ("/cli/stock/json", test_cli_stock_json);
  ADD ("/cli/stock/table", test_cli_stock_table);
  ADD ("/cli/stock/empty", test_cli_stock_empty);
  ADD ("/cli/endpoints-and-channels", test_cli_endpoints_and_channels);
  ADD ("/cli/audit-verify-tampered", test_cli_audit_verify_tampered);
  ADD ("/cli/usage", test_cli_usage);
  ADD ("/cli/allocation", test_cli_allocation);
  ADD ("/cli/refuses-bad-files", test_cli_refuses_bad_files);

#undef ADD

  return g_test_run ();
}
