/* bench-store-planning.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: times qm_store_plan_generate() on a cache file of 50,000
 * SKUs x 20 warehouses (every warehouse lists and holds every SKU) with
 * 1,000,000 movements of history, beside SQLite's own time to scan those
 * movements (the columns the plan reads, and a plain count and sum), in
 * one run, each the best of three with a warm page cache.
 *
 *   bench-store-planning [N_SKUS [N_WAREHOUSES [N_MOVEMENTS]]]
 *
 * Filling the cache takes a minute; BENCH_CACHE=FILE keeps it (and reuses
 * it when it exists). G_MESSAGES_DEBUG=qm-store prints the time of each
 * phase of the plan (stock and listings, movements, engine, lines). Time
 * it in an optimized build (-Dbuildtype=release): the default debug build
 * is -O0.
 */

#define G_LOG_DOMAIN "bench-store-planning"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "qm-store-procurement.h"

#define HISTORY_DAYS 120

static guint
arg_uint (int    argc,
          char **argv,
          int    index,
          guint  fallback)
{
  guint64 value;

  if (argc <= index || !g_ascii_string_to_unsigned (argv[index], 10, 1, G_MAXUINT32, &value, NULL))
    return fallback;
  return (guint) value;
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("sqlite: %s", message);
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("sqlite: %s", sqlite3_errmsg (db));
  return stmt;
}

static void
step_or_die (sqlite3      *db,
             sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("sqlite: %s", sqlite3_errmsg (db));
  sqlite3_reset (stmt);
}

/* Fills the cache: warehouses, products, stock (both tables the store
 * keeps), and the movements, through SQL for speed but in the store's own
 * schema (created by qm_store_open()). */
static void
fill (const char *path,
      guint       n_skus,
      guint       n_wh,
      guint       n_movements,
      gint64      today)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  g_autofree gint64 *seq = g_new0 (gint64, n_wh);
  sqlite3 *db = NULL;
  sqlite3_stmt *wh, *product, *stock, *stock_sku, *movement;
  gint64 t0 = g_get_monotonic_time ();

  if (sqlite3_open (path, &db) != SQLITE_OK)
    g_error ("sqlite: cannot open %s", path);
  exec_or_die (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN;");

  wh = prepare_or_die (db, "INSERT INTO warehouse (id, url, capacity_units, added_at) "
                           "VALUES (?, ?, ?, '2026-01-01T00:00:00Z')");
  product = prepare_or_die (db, "INSERT INTO product (warehouse_id, sku, name, pack_size) "
                                "VALUES (?, ?, ?, ?)");
  stock = prepare_or_die (db, "INSERT INTO stock (warehouse_id, sku, status, quantity, as_of_seq) "
                              "VALUES (?, ?, ?, ?, 0)");
  stock_sku = prepare_or_die (db, "INSERT INTO stock_sku VALUES (?, ?, ?, ?, ?, 0)");
  movement = prepare_or_die (db, "INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, "
                                 "  quantity, from_status, to_status, channel) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

  for (guint w = 0; w < n_wh; w++)
    {
      char id[16], url[64];

      g_snprintf (id, sizeof id, "WH-%02u", w);
      g_snprintf (url, sizeof url, "http://127.0.0.1:1/%u/", w);
      sqlite3_bind_text (wh, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (wh, 2, url, -1, SQLITE_TRANSIENT);
      /* half the warehouses nearly full, so the capacity rule has work */
      sqlite3_bind_int64 (wh, 3, w % 2 == 0 ? (gint64) n_skus * 21 : 0);
      step_or_die (db, wh);

      for (guint s = 0; s < n_skus; s++)
        {
          char sku[16];
          gint64 qualified = g_rand_int_range (rand, 0, 40);
          gint64 pending = g_rand_int_range (rand, 0, 3);
          gint64 defective = g_rand_int_range (rand, 0, 2);

          g_snprintf (sku, sizeof sku, "SKU-%06u", s);
          sqlite3_bind_text (product, 1, id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (product, 2, sku, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (product, 3, sku, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (product, 4, s % 3 == 0 ? 12 : s % 3 == 1 ? 6 : 1);
          step_or_die (db, product);

          sqlite3_bind_text (stock, 1, id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stock, 2, sku, -1, SQLITE_TRANSIENT);
          if (qualified > 0)
            {
              sqlite3_bind_text (stock, 3, "qualified", -1, SQLITE_STATIC);
              sqlite3_bind_int64 (stock, 4, qualified);
              step_or_die (db, stock);
            }
          if (pending > 0)
            {
              sqlite3_bind_text (stock, 3, "pending_inspection", -1, SQLITE_STATIC);
              sqlite3_bind_int64 (stock, 4, pending);
              step_or_die (db, stock);
            }
          if (defective > 0)
            {
              sqlite3_bind_text (stock, 3, "defective", -1, SQLITE_STATIC);
              sqlite3_bind_int64 (stock, 4, defective);
              step_or_die (db, stock);
            }
          if (qualified + pending + defective > 0)
            {
              sqlite3_bind_text (stock_sku, 1, sku, -1, SQLITE_TRANSIENT);
              sqlite3_bind_text (stock_sku, 2, id, -1, SQLITE_TRANSIENT);
              sqlite3_bind_int64 (stock_sku, 3, defective);
              sqlite3_bind_int64 (stock_sku, 4, pending);
              sqlite3_bind_int64 (stock_sku, 5, qualified);
              step_or_die (db, stock_sku);
            }
        }
    }

  /* 85 % sales, 7 % returns, the rest purchases; a popular SKU in every
   * 50 gets ten times the sales. Spread over HISTORY_DAYS before today,
   * in ledger order per warehouse. */
  for (guint i = 0; i < n_movements; i++)
    {
      guint w = g_rand_int_range (rand, 0, (gint32) n_wh);
      guint s = g_rand_boolean (rand) ? g_rand_int_range (rand, 0, (gint32) (n_skus / 50 + 1)) * 50
                                      : g_rand_int_range (rand, 0, (gint32) n_skus);
      gint64 day = today - HISTORY_DAYS + (gint64) i * HISTORY_DAYS / n_movements;
      int kind_roll = g_rand_int_range (rand, 0, 100);
      const char *kind = kind_roll < 85 ? "sales_outbound" : kind_roll < 92 ? "customer_return"
                                                                            : "purchase_inbound";
      char id[32], at[32], sku[16], wh_id[16];
      GDate date;
      int sec = (int) (i % 86400);

      s = MIN (s, n_skus - 1);
      g_date_clear (&date, 1);
      g_date_set_julian (&date, (guint32) (day + 719163));
      g_snprintf (wh_id, sizeof wh_id, "WH-%02u", w);
      g_snprintf (sku, sizeof sku, "SKU-%06u", s);
      g_snprintf (id, sizeof id, "m-%u", i);
      g_snprintf (at, sizeof at, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                  g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date),
                  sec / 3600, sec / 60 % 60, sec % 60);
      sqlite3_bind_text (movement, 1, wh_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (movement, 2, ++seq[w]);
      sqlite3_bind_text (movement, 3, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (movement, 4, at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (movement, 5, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (movement, 6, sku, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (movement, 7, g_rand_int_range (rand, 1, 6));
      sqlite3_bind_text (movement, 8, kind[0] == 's' ? "qualified" : NULL, -1, SQLITE_STATIC);
      sqlite3_bind_text (movement, 9, kind[0] == 's' ? NULL : "pending_inspection", -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (movement, 10, kind[0] == 'p' ? NULL : "app", -1, SQLITE_STATIC);
      step_or_die (db, movement);
    }

  sqlite3_finalize (wh);
  sqlite3_finalize (product);
  sqlite3_finalize (stock);
  sqlite3_finalize (stock_sku);
  sqlite3_finalize (movement);
  exec_or_die (db, "COMMIT; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
  sqlite3_close (db);

  g_print ("  cache filled in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);
}

/* Steps through every row of sql reading every column; returns seconds. */
static double
time_scan (const char *path,
           const char *sql,
           gint64     *out_rows)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt;
  gint64 t0, rows = 0, sum = 0;
  double elapsed;
  int n_cols;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("sqlite: cannot open %s", path);
  /* the same page cache the store uses */
  exec_or_die (db, "PRAGMA cache_size = -16384");
  stmt = prepare_or_die (db, sql);
  n_cols = sqlite3_column_count (stmt);
  t0 = g_get_monotonic_time ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < n_cols; c++)
        sum += sqlite3_column_bytes (stmt, c);
      rows++;
    }
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  *out_rows = rows + (sum < 0);
  return elapsed;
}

static double
time_generate (const char *path,
               gint64      today,
               guint      *out_lines)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (path, &error);
  g_autoptr(QmPlanInfo) info = NULL;
  QmPlanOptions options;
  gint64 t0, id;
  double elapsed;

  g_assert_no_error (error);
  qm_plan_options_init (&options);
  options.today_day = today;
  options.params.transfer_days_of_cover = 60;

  t0 = g_get_monotonic_time ();
  id = qm_store_plan_generate (store, &options, "bench", NULL, NULL, NULL, &error);
  elapsed = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_no_error (error);

  info = qm_store_plan_get (store, id, &error);
  g_assert_no_error (error);
  *out_lines = info->n_lines;
  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  guint n_skus = arg_uint (argc, argv, 1, 50000);
  guint n_wh = arg_uint (argc, argv, 2, 20);
  guint n_movements = arg_uint (argc, argv, 3, 1000000);
  g_autofree char *dir = g_dir_make_tmp ("bench-store-planning-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  gint64 today = qm_plan_day_from_date (2026, 11, 27);
  double scan = G_MAXDOUBLE, count = G_MAXDOUBLE, generate = G_MAXDOUBLE;
  gint64 scan_rows = 0, count_rows = 0;
  guint lines = 0;

  if (g_getenv ("BENCH_CACHE") != NULL)
    {
      g_free (path);
      path = g_strdup (g_getenv ("BENCH_CACHE"));
    }
  g_print ("store planning: %u SKUs x %u warehouses, %u movements over %d days\n",
           n_skus, n_wh, n_movements, HISTORY_DAYS);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QmStore) store = qm_store_open (path, &error);

      g_assert_no_error (error);
      g_clear_object (&store);
      fill (path, n_skus, n_wh, n_movements, today);
    }

  for (int round = 0; round < 3; round++)
    {
      scan = MIN (scan, time_scan (path, "SELECT warehouse_id, sku, at, kind, quantity "
                                         "FROM movement WHERE quarantine_reason IS NULL",
                                   &scan_rows));
      count = MIN (count, time_scan (path, "SELECT count(*), sum(quantity) FROM movement",
                                     &count_rows));
      generate = MIN (generate, time_generate (path, today, &lines));
    }

  g_print ("sqlite: scan of %" G_GINT64_FORMAT " movements (the columns the plan reads) "
           "in %.3f s\n", scan_rows, scan);
  g_print ("sqlite: SELECT count(*), sum(quantity) FROM movement in %.3f s\n", count);
  g_print ("qm_store_plan_generate: %u lines in %.3f s\n", lines, generate);
  g_print ("ratio: generate / sqlite scan = %.2f; generate / count-and-sum = %.2f\n",
           generate / scan, generate / count);

  if (g_getenv ("BENCH_CACHE") == NULL)
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (path);
  }
  g_rmdir (dir);

  return EXIT_SUCCESS;
}
