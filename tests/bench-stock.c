/* bench-stock.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Stock page costs on a big cache: 50,000 SKUs in 20 warehouses
 * with 4 statuses each (4M stock rows), written through the store into a
 * temporary file. Times the load into the compact table (what the window
 * does before its first frame, minus GTK), a search and sorts, prints the
 * peak RSS, and the sqlite3 tool doing the consolidated aggregate on the
 * same file for comparison. Prints figures; asserts nothing on time.
 *
 *   bench-stock [N_SKUS [N_WAREHOUSES]]
 */

#include "config.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "qm-stock-table.h"
#include "qm-store.h"

static const char * const statuses[] = {
  "defective", "pending_inspection", "qualified", "supplier_return",
};

static const char * const categories[] = {
  "kitchen", "outdoor", "stationery", "electronics", "home", "pantry", "gifts",
};

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static long
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

static void
fill_cache (QmStore *store,
            guint    n_skus,
            guint    n_warehouses)
{
  g_autoptr(GError) error = NULL;
  g_autofree QmStockItem *items = g_new (QmStockItem, (gsize) n_skus * G_N_ELEMENTS (statuses));
  g_autofree QmProduct *products = g_new0 (QmProduct, n_skus);
  g_autoptr(GPtrArray) skus = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint s = 0; s < n_skus; s++)
    {
      g_ptr_array_add (skus, g_strdup_printf ("SKU-%06u", s + 1));
      g_ptr_array_add (names, g_strdup_printf ("Product %u, model %c%u", s + 1,
                                               'A' + (char) (s % 26), (s * 7919) % 1000));
    }

  for (guint w = 0; w < n_warehouses; w++)
    {
      g_autoptr(QmWarehouse) wh = qm_warehouse_new ();
      gsize n = 0;

      wh->id = g_strdup_printf ("WH-%02u", w + 1);
      wh->url = g_strdup_printf ("http://127.0.0.1:%u/", 9000 + w);
      wh->name = g_strdup_printf ("Warehouse %u", w + 1);
      if (!qm_store_add_warehouse (store, wh, "bench", &error))
        g_error ("%s", error->message);

      for (guint s = 0; s < n_skus; s++)
        {
          products[s].sku = g_ptr_array_index (skus, s);
          products[s].name = g_ptr_array_index (names, s);
          products[s].category = categories[s % G_N_ELEMENTS (categories)];
          products[s].unit = "pcs";
          products[s].pack_size = 1;
        }
      if (!qm_store_upsert_products (store, wh->id, products, n_skus, &error))
        g_error ("%s", error->message);

      for (guint s = 0; s < n_skus; s++)
        for (guint st = 0; st < G_N_ELEMENTS (statuses); st++)
          {
            items[n].sku = g_ptr_array_index (skus, s);
            items[n].status = statuses[st];
            items[n].quantity = 1 + (gint64) ((s * 31u + w * 17u + st * 7u) % 500u);
            n++;
          }
      if (!qm_store_replace_snapshot (store, wh->id, 1, items, n, &error))
        g_error ("%s", error->message);
    }
}

static double
time_query (QmStockTable       *table,
            const QmStockQuery *query,
            guint              *out_n)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree guint32 *rows = qm_stock_table_query (table, query, NULL, out_n);

  g_assert (rows != NULL);
  return elapsed_ms (start);
}

int
main (int   argc,
      char *argv[])
{
  guint n_skus = argc > 1 ? (guint) atoi (argv[1]) : 50000;
  guint n_warehouses = argc > 2 ? (guint) atoi (argv[2]) : 20;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql_out = NULL;
  g_autoptr(QmStockTable) table = NULL;
  QmStockQuery query = QM_STOCK_QUERY_INIT;
  const char *sqlite_argv[4];
  gint64 start;
  double load_ms, first_ms, search_ms, sort_total_ms, sort_name_ms, sqlite_ms;
  guint n = 0;
  int status = 0;

  dir = g_dir_make_tmp ("qm-bench-stock-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "cache.db", NULL);

  g_print ("# %u SKUs x %u warehouses x 4 statuses = %u stock rows\n",
           n_skus, n_warehouses, n_skus * n_warehouses * 4);

  {
    g_autoptr(QmStore) store = qm_store_open (path, &error);

    g_assert_no_error (error);
    start = g_get_monotonic_time ();
    fill_cache (store, n_skus, n_warehouses);
    g_print ("fill cache through the store: %.0f ms\n", elapsed_ms (start));
  }

  /* What the window does before its first frame: open, load, first query. */
  start = g_get_monotonic_time ();
  {
    g_autoptr(QmStore) store = qm_store_open (path, &error);

    g_assert_no_error (error);
    table = qm_stock_table_load (store, NULL, &error);
    g_assert_no_error (error);
  }
  load_ms = elapsed_ms (start);
  first_ms = time_query (table, &query, &n);
  g_print ("load into the compact table: %.0f ms (%u SKUs)\n", load_ms, qm_stock_table_get_n_rows (table));
  g_print ("first frame (load + first query): %.0f ms (target < 1000)\n", load_ms + first_ms);

  query.search = "model q12";
  search_ms = time_query (table, &query, &n);
  g_print ("search \"%s\": %.1f ms, %u rows (target < 100)\n", query.search, search_ms, n);

  query.search = NULL;
  query.sort = QM_STOCK_SORT_TOTAL;
  query.descending = TRUE;
  sort_total_ms = time_query (table, &query, &n);
  g_print ("sort by total, descending: %.1f ms, %u rows (target < 100)\n", sort_total_ms, n);

  query.sort = QM_STOCK_SORT_NAME;
  query.descending = FALSE;
  sort_name_ms = time_query (table, &query, &n);
  g_print ("sort by name: %.1f ms\n", sort_name_ms);

  query.sort = QM_STOCK_SORT_WAREHOUSE;
  query.sort_index = n_warehouses - 1;
  query.out_of_stock = FALSE;
  query.warehouse = 0;
  g_print ("filter by warehouse, sort by another warehouse: %.1f ms\n", time_query (table, &query, &n));

  g_print ("peak RSS: %ld MB (target < 400)\n", peak_rss_mb ());

  sqlite_argv[0] = "sqlite3";
  sqlite_argv[1] = path;
  sqlite_argv[2] = "SELECT sku, status, SUM(quantity) FROM stock GROUP BY sku, status";
  sqlite_argv[3] = NULL;
  start = g_get_monotonic_time ();
  if (g_spawn_sync (NULL, (char **) sqlite_argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &sql_out, NULL, &status, &error))
    {
      sqlite_ms = elapsed_ms (start);
      g_print ("sqlite3 tool, consolidated aggregate: %.0f ms (%s)\n", sqlite_ms,
               status == 0 ? "ok" : "failed");
    }
  else
    {
      g_print ("sqlite3 tool: not run (%s)\n", error->message);
      g_clear_error (&error);
    }

  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (path);
    g_rmdir (dir);
  }

  return 0;
}
