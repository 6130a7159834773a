/* bench-allocation.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: times a full recompute of synthetic data (100,000 SKUs x
 * 10 channels x 20 warehouses by default) and prints the figures.
 *
 *   bench-allocation [N_SKUS [N_CHANNELS [N_WAREHOUSES [MODE]]]]
 *
 * MODE is an allocation mode name, or "mixed" (the default): a default
 * ratio rule, a performance rule for one category in five, a region rule
 * for another, and a shared rule for every hundredth SKU, with locks,
 * pre-sale quotas and 30 days of sales.
 */

#define G_LOG_DOMAIN "bench-allocation"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "qm-allocation.h"

#define NOW G_GINT64_CONSTANT (1767225600)   /* 2026-01-01 00:00:00 UTC */

static guint
arg_uint (int          argc,
          char       **argv,
          int          i,
          guint        fallback)
{
  return argc > i ? (guint) g_ascii_strtoull (argv[i], NULL, 10) : fallback;
}

int
main (int   argc,
      char *argv[])
{
  guint n_skus = arg_uint (argc, argv, 1, 100000);
  guint n_ch = arg_uint (argc, argv, 2, 10);
  guint n_wh = arg_uint (argc, argv, 3, 20);
  const char *mode_name = argc > 4 ? argv[4] : "mixed";
  static const char * const region_names[] = { "north", "south", "east", "west", NULL };
  static const char * const categories[] = { "c0", "c1", "c2", "c3", "c4" };
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree QmAllocChannel *channels = NULL;
  g_autofree QmAllocWarehouse *warehouses = NULL;
  g_autofree QmAllocSku *skus = NULL;
  g_autofree gint64 *qualified = NULL;
  g_autofree gint64 *weights = NULL;
  g_autofree gint64 *oversell = NULL;
  g_autofree QmAllocLock *locks = NULL;
  g_autofree QmAllocPresale *presales = NULL;
  g_autofree QmAllocSale *sales = NULL;
  g_autoptr(GArray) rules = g_array_new (FALSE, TRUE, sizeof (QmAllocRule));
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GError) error = NULL;
  QmAllocInput in = { 0 };
  QmAllocRule rule = { 0 };
  guint n_locks, n_presales, n_sales;
  gint64 best = G_MAXINT64;
  gint64 best_sqlite = G_MAXINT64;
  gint64 best_reused = G_MAXINT64;
  gint64 total_sellable = 0;

  if (n_skus == 0 || n_ch == 0 || n_wh == 0)
    {
      g_printerr ("usage: %s [N_SKUS [N_CHANNELS [N_WAREHOUSES [MODE]]]]\n", argv[0]);
      return EXIT_FAILURE;
    }

  channels = g_new0 (QmAllocChannel, n_ch);
  for (guint c = 0; c < n_ch; c++)
    {
      char *id = g_strdup_printf ("channel-%02u", c);

      g_ptr_array_add (strings, id);
      channels[c].id = id;
      channels[c].active = TRUE;
      channels[c].regions = &region_names[c % 4];   /* serves 1 to 4 regions */
    }

  warehouses = g_new0 (QmAllocWarehouse, n_wh);
  for (guint w = 0; w < n_wh; w++)
    {
      char *id = g_strdup_printf ("wh-%02u", w);

      g_ptr_array_add (strings, id);
      warehouses[w].id = id;
      warehouses[w].region = region_names[w % 4];
    }

  skus = g_new0 (QmAllocSku, n_skus);
  qualified = g_new0 (gint64, (gsize) n_skus * n_wh);
  for (guint s = 0; s < n_skus; s++)
    {
      char *id = g_strdup_printf ("SKU-%07u", s);

      g_ptr_array_add (strings, id);
      skus[s].sku = id;
      skus[s].category = categories[s % 5];
      skus[s].open_po_quantity = g_rand_int_range (rand, 0, 200);
      for (guint w = 0; w < n_wh; w++)
        qualified[(gsize) s * n_wh + w] = g_rand_int_range (rand, 0, 4) == 0
                                          ? 0 : g_rand_int_range (rand, 0, 500);
    }

  weights = g_new0 (gint64, n_ch);
  oversell = g_new0 (gint64, n_ch);
  for (guint c = 0; c < n_ch; c++)
    {
      weights[c] = 1 + c * 3;
      oversell[c] = c % 3 == 0 ? 5 : 0;
    }

  rule.scope = QM_ALLOC_SCOPE_DEFAULT;
  rule.weights = weights;
  rule.oversell_percent = oversell;
  rule.buffer_percent = 5;
  rule.window_days = 28;
  rule.min_share_permille = 50;
  if (strcmp (mode_name, "mixed") == 0)
    {
      rule.mode = QM_ALLOCATION_RATIO;
      g_array_append_val (rules, rule);
      rule.scope = QM_ALLOC_SCOPE_CATEGORY;
      rule.key = "c1";
      rule.mode = QM_ALLOCATION_PERFORMANCE;
      g_array_append_val (rules, rule);
      rule.key = "c2";
      rule.mode = QM_ALLOCATION_REGION;
      g_array_append_val (rules, rule);
      rule.scope = QM_ALLOC_SCOPE_SKU;
      rule.mode = QM_ALLOCATION_SHARED;
      for (guint s = 0; s < n_skus; s += 100)
        {
          rule.key = skus[s].sku;
          g_array_append_val (rules, rule);
        }
    }
  else if (qm_allocation_mode_from_string (mode_name, &rule.mode))
    {
      g_array_append_val (rules, rule);
    }
  else
    {
      g_printerr ("unknown mode “%s”\n", mode_name);
      return EXIT_FAILURE;
    }

  n_locks = n_skus / 10;
  locks = g_new0 (QmAllocLock, MAX (n_locks, 1));
  for (guint i = 0; i < n_locks; i++)
    {
      locks[i].channel = (guint) g_rand_int_range (rand, 0, (gint32) n_ch);
      locks[i].sku = (guint) g_rand_int_range (rand, 0, (gint32) n_skus);
      locks[i].quantity = g_rand_int_range (rand, 1, 300);
      locks[i].starts_at = NOW - g_rand_int_range (rand, -5, 10) * QM_ALLOC_SECONDS_PER_DAY;
      locks[i].ends_at = locks[i].starts_at + 14 * QM_ALLOC_SECONDS_PER_DAY;
    }

  n_presales = n_skus / 20;
  presales = g_new0 (QmAllocPresale, MAX (n_presales, 1));
  for (guint i = 0; i < n_presales; i++)
    {
      presales[i].channel = (guint) g_rand_int_range (rand, 0, (gint32) n_ch);
      presales[i].sku = (guint) g_rand_int_range (rand, 0, (gint32) n_skus);
      presales[i].quantity = g_rand_int_range (rand, 1, 100);
    }

  /* One record per SKU, channel and day for a sixth of the pairs over 30
   * days: about as many rows as daily sales totals would be. */
  n_sales = n_skus * 5;
  sales = g_new0 (QmAllocSale, MAX (n_sales, 1));
  for (guint i = 0; i < n_sales; i++)
    {
      sales[i].channel = (guint) g_rand_int_range (rand, 0, (gint32) n_ch);
      sales[i].sku = (guint) g_rand_int_range (rand, 0, (gint32) n_skus);
      sales[i].at = NOW - g_rand_int_range (rand, 0, 30) * QM_ALLOC_SECONDS_PER_DAY - 1;
      sales[i].quantity = g_rand_int_range (rand, 1, 20);
    }

  in.channels = channels;
  in.n_channels = n_ch;
  in.warehouses = warehouses;
  in.n_warehouses = n_wh;
  in.skus = skus;
  in.n_skus = n_skus;
  in.qualified = qualified;
  in.rules = (const QmAllocRule *) (gpointer) rules->data;
  in.n_rules = rules->len;
  in.locks = locks;
  in.n_locks = n_locks;
  in.presales = presales;
  in.n_presales = n_presales;
  in.sales = sales;
  in.n_sales = n_sales;
  in.now = NOW;

  /* Fresh results: what a one-off computation (the CLI) pays, page
   * faults of the new output included. */
  for (guint run = 0; run < 5; run++)
    {
      g_autoptr(QmAllocResult) result = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;

      result = qm_allocation_compute (&in, &error);
      elapsed = g_get_monotonic_time () - start;
      if (result == NULL)
        {
          g_printerr ("allocation failed: %s\n", error->message);
          return EXIT_FAILURE;
        }
      best = MIN (best, elapsed);

      if (run == 0)
        for (gsize i = 0; i < (gsize) n_skus * n_ch; i++)
          total_sellable += result->rows[i].sellable;
    }

  /* One result recomputed in place: what a preview that recomputes on
   * every change pays. */
  {
    g_autoptr(QmAllocResult) result = qm_allocation_compute (&in, &error);

    g_assert (result != NULL);
    for (guint run = 0; run < 5; run++)
      {
        gint64 start = g_get_monotonic_time ();

        if (!qm_allocation_recompute (&in, result, &error))
          {
            g_printerr ("allocation failed: %s\n", error->message);
            return EXIT_FAILURE;
          }
        best_reused = MIN (best_reused, g_get_monotonic_time () - start);
      }
  }

  /* Beside it: SQLite only reading the same qualified stock rows, from a
   * table of the cache's shape. */
  {
    g_autofree char *dir = g_dir_make_tmp ("qm-bench-alloc-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "stock.db", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    gint64 rows = 0;

    sqlite3_open (path, &db);
    sqlite3_exec (db, "CREATE TABLE stock (warehouse_id TEXT NOT NULL, sku TEXT NOT NULL, "
                      "status TEXT NOT NULL, quantity INTEGER NOT NULL, as_of_seq INTEGER NOT NULL, "
                      "PRIMARY KEY (warehouse_id, sku, status)) WITHOUT ROWID; BEGIN;",
                  NULL, NULL, NULL);
    sqlite3_prepare_v2 (db, "INSERT INTO stock VALUES (?, ?, 'qualified', ?, 1)", -1, &stmt, NULL);
    for (guint sk = 0; sk < n_skus; sk++)
      for (guint w = 0; w < n_wh; w++)
        {
          gint64 q = in.qualified[(gsize) sk * n_wh + w];

          if (q <= 0)
            continue;
          sqlite3_reset (stmt);
          sqlite3_bind_text (stmt, 1, in.warehouses[w].id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, in.skus[sk].sku, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 3, q);
          sqlite3_step (stmt);
        }
    sqlite3_finalize (stmt);
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);

    for (guint run = 0; run < 3; run++)
      {
        gint64 start = g_get_monotonic_time ();

        rows = 0;
        sqlite3_prepare_v2 (db, "SELECT warehouse_id, sku, quantity FROM stock "
                                "WHERE status = 'qualified'", -1, &stmt, NULL);
        while (sqlite3_step (stmt) == SQLITE_ROW)
          rows += sqlite3_column_int64 (stmt, 2) > 0;
        sqlite3_finalize (stmt);
        best_sqlite = MIN (best_sqlite, g_get_monotonic_time () - start);
      }
    sqlite3_close (db);
    g_unlink (path);
    g_rmdir (dir);

    g_print ("sqlite: reading the same %" G_GINT64_FORMAT " qualified stock rows takes %.3f s; "
             "best of 3\n", rows, (double) best_sqlite / 1e6);
  }

  g_print ("allocation: %u SKUs x %u channels x %u warehouses in %.3f s "
           "(%.3f s into a reused result); best of 5\n",
           n_skus, n_ch, n_wh, (double) best / 1e6, (double) best_reused / 1e6);
  g_print ("  mode %s, %u rules, %u locks, %u pre-sale quotas, %u sales records, "
           "%" G_GINT64_FORMAT " units sellable\n",
           mode_name, in.n_rules, n_locks, n_presales, n_sales, total_sellable);

  return EXIT_SUCCESS;
}
