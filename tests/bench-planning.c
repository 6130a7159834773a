/* bench-planning.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: times plan generation on synthetic data (50,000 SKUs x 20
 * warehouses with 1,000,000 movements over the 56-day window by default)
 * and prints the figures.
 *
 *   bench-planning [N_SKUS [N_WAREHOUSES [N_MOVEMENTS [--no-sqlite]]]]
 *
 * 1. In memory: the movements are fed to the demand accumulator, then
 *    the plan is generated (best of three).
 * 2. Side by side with SQLite: the same movements are written to a
 *    temporary cache file with the shape of the store's movement table,
 *    and three things are timed (best of three, warm page cache):
 *    - a plain scan of the movements (every row stepped, columns read);
 *    - SQLite grouping them by warehouse, SKU, kind and day;
 *    - the whole pipeline a store could run, two ways: that grouped query,
 *      or a plain scan of the sales and returns that leaves the grouping
 *      to the accumulator; then ids mapped to indexes, the accumulator and
 *      the plan.
 */

#define G_LOG_DOMAIN "bench-planning"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "qm-planning.h"

#define TODAY  G_GINT64_CONSTANT (20454)   /* 2026-01-01 */
#define WINDOW 56

typedef struct
{
  guint          sku;
  guint          warehouse;
  gint64         day;
  QmMovementKind kind;
  gint64         quantity;
} Movement;

typedef struct
{
  guint             n_skus;
  guint             n_wh;
  GPtrArray        *strings;
  QmPlanWarehouse  *warehouses;
  QmPlanSku        *skus;
  QmPlanCell       *cells;
  Movement         *movements;
  guint             n_movements;
  GHashTable       *wh_index;    /* id -> index + 1 */
  GHashTable       *sku_index;
} Data;

static const char * const kind_names[QM_N_MOVEMENT_KINDS] = {
  "opening_balance", "purchase_inbound", "inspection", "status_change", "sales_outbound",
  "customer_return", "transfer_out", "transfer_in", "supplier_return", "adjustment",
};

static guint
arg_uint (int    argc,
          char **argv,
          int    i,
          guint  fallback)
{
  return argc > i && g_ascii_isdigit (argv[i][0])
         ? (guint) g_ascii_strtoull (argv[i], NULL, 10) : fallback;
}

static void
synthesize (Data  *data,
            guint  n_movements)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  gsize n_cells = (gsize) data->n_skus * data->n_wh;

  data->strings = g_ptr_array_new_with_free_func (g_free);
  data->wh_index = g_hash_table_new (g_str_hash, g_str_equal);
  data->sku_index = g_hash_table_new (g_str_hash, g_str_equal);
  data->warehouses = g_new0 (QmPlanWarehouse, data->n_wh);
  data->skus = g_new0 (QmPlanSku, data->n_skus);
  data->cells = g_new0 (QmPlanCell, n_cells);
  data->movements = g_new (Movement, n_movements);
  data->n_movements = n_movements;

  for (guint w = 0; w < data->n_wh; w++)
    {
      char *id = g_strdup_printf ("wh-%02u", w);

      g_ptr_array_add (data->strings, id);
      g_hash_table_insert (data->wh_index, id, GUINT_TO_POINTER (w + 1));
      data->warehouses[w].id = id;
      data->warehouses[w].lead_time_days = 7 + (int) (w % 4) * 3;
      data->warehouses[w].review_period_days = 7;
    }
  for (guint s = 0; s < data->n_skus; s++)
    {
      char *id = g_strdup_printf ("SKU-%06u", s);

      g_ptr_array_add (data->strings, id);
      g_hash_table_insert (data->sku_index, id, GUINT_TO_POINTER (s + 1));
      data->skus[s].sku = id;
      data->skus[s].pack_size = s % 3 == 0 ? 12 : s % 3 == 1 ? 6 : 1;
      data->skus[s].unit_cost_e4 = g_rand_int_range (rand, 1000, 5000000);
      data->skus[s].lead_time_days = s % 10 == 0 ? 21 : 0;
    }
  for (gsize c = 0; c < n_cells; c++)
    {
      data->cells[c].qualified = g_rand_int_range (rand, 0, 40);
      data->cells[c].pending_inspection = g_rand_int_range (rand, 0, 3);
      data->cells[c].on_order = g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 0, 20);
      data->cells[c].other_units = g_rand_int_range (rand, 0, 2);
    }
  /* Half the warehouses have a capacity just above their stock, so
   * the capacity rule has work to do. */
  for (guint w = 0; w < data->n_wh; w += 2)
    {
      gint64 stock = 0;

      for (guint s = 0; s < data->n_skus; s++)
        {
          const QmPlanCell *cell = &data->cells[(gsize) s * data->n_wh + w];

          stock += cell->qualified + cell->pending_inspection + cell->other_units
                   + cell->on_order;
        }
      data->warehouses[w].capacity_units = stock + stock / 200;
    }

  /* 85 % sales, 7 % returns, the rest purchases and transfers; a popular
   * SKU in every 50 gets ten times the sales. */
  for (guint i = 0; i < n_movements; i++)
    {
      Movement *m = &data->movements[i];
      guint r = (guint) g_rand_int_range (rand, 0, 100);

      m->sku = (guint) g_rand_int_range (rand, 0, (gint32) data->n_skus);
      if (g_rand_int_range (rand, 0, 4) == 0)
        m->sku = m->sku / 50 * 50;
      m->warehouse = (guint) g_rand_int_range (rand, 0, (gint32) data->n_wh);
      m->day = TODAY - g_rand_int_range (rand, 1, WINDOW + 1);
      m->kind = r < 85 ? QM_MOVEMENT_SALES_OUTBOUND
                : r < 92 ? QM_MOVEMENT_CUSTOMER_RETURN
                : r < 97 ? QM_MOVEMENT_PURCHASE_INBOUND
                : QM_MOVEMENT_TRANSFER_OUT;
      m->quantity = g_rand_int_range (rand, 1, 6);
    }
}

static QmPlanResult *
plan (Data                    *data,
      const QmPlanDemandStats *stats)
{
  QmPlanInput in = { 0 };
  g_autoptr(GError) error = NULL;
  QmPlanResult *result;

  in.warehouses = data->warehouses;
  in.n_warehouses = data->n_wh;
  in.skus = data->skus;
  in.n_skus = data->n_skus;
  in.cells = data->cells;
  in.demand = stats;
  qm_plan_params_init (&in.params);
  in.params.transfer_days_of_cover = 60;

  result = qm_plan_generate (&in, &error);
  if (result == NULL)
    g_error ("plan: %s", error->message);
  return result;
}

static double
bench_memory (Data           *data,
              QmPlanResult  **out_result)
{
  double best = G_MAXDOUBLE;

  for (int round = 0; round < 3; round++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(QmPlanDemand) demand = qm_plan_demand_new (data->n_skus, data->n_wh, TODAY,
                                                           WINDOW);
      g_autofree QmPlanDemandStats *stats = NULL;
      QmPlanResult *result;
      gint64 t1, t2;

      for (guint i = 0; i < data->n_movements; i++)
        {
          const Movement *m = &data->movements[i];

          qm_plan_demand_add (demand, m->sku, m->warehouse, m->day, m->kind, m->quantity);
        }
      stats = qm_plan_demand_finish (demand, NULL);
      t1 = g_get_monotonic_time ();
      result = plan (data, stats);
      t2 = g_get_monotonic_time ();

      g_print ("  round %d: accumulate %.3f s, plan %.3f s\n", round + 1,
               (t1 - t0) / 1e6, (t2 - t1) / 1e6);
      best = MIN (best, (t2 - t0) / 1e6);
      if (*out_result != NULL)
        qm_plan_result_free (*out_result);
      *out_result = result;
    }

  return best;
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("sqlite: %s", msg);
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
write_movements (Data    *data,
                 sqlite3 *db)
{
  sqlite3_stmt *stmt;
  g_autofree gint64 *seq = g_new0 (gint64, data->n_wh);
  gint64 t0 = g_get_monotonic_time ();

  /* The store's movement table and indexes (qm-schema.c), without the
   * foreign key to a warehouse table this file does not have. */
  exec_or_die (db,
               "PRAGMA journal_mode = WAL;"
               "CREATE TABLE movement ("
               "  warehouse_id TEXT NOT NULL, seq INTEGER NOT NULL CHECK (seq > 0),"
               "  id TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL,"
               "  sku TEXT NOT NULL, quantity INTEGER NOT NULL, from_status TEXT,"
               "  to_status TEXT, unit_cost INTEGER, reference TEXT, counterparty TEXT,"
               "  channel TEXT, reason TEXT, quarantine_reason TEXT,"
               "  PRIMARY KEY (warehouse_id, seq)) WITHOUT ROWID;"
               "BEGIN;");
  stmt = prepare_or_die (db,
                         "INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity,"
                         " from_status, to_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (guint i = 0; i < data->n_movements; i++)
    {
      const Movement *m = &data->movements[i];
      char id[32], at[32];
      GDate date;
      int sec = (int) (i % 86400);

      g_date_clear (&date, 1);
      g_date_set_julian (&date, (guint32) (m->day + 719163));
      g_snprintf (id, sizeof id, "m-%u", i);
      g_snprintf (at, sizeof at, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                  g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date),
                  sec / 3600, sec / 60 % 60, sec % 60);
      sqlite3_bind_text (stmt, 1, data->warehouses[m->warehouse].id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, ++seq[m->warehouse]);
      sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, kind_names[m->kind], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, data->skus[m->sku].sku, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, m->quantity);
      sqlite3_bind_text (stmt, 8, m->kind == QM_MOVEMENT_CUSTOMER_RETURN ? NULL : "qualified",
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, m->kind == QM_MOVEMENT_CUSTOMER_RETURN ? "qualified" : NULL,
                         -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("sqlite: %s", sqlite3_errmsg (db));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  exec_or_die (db,
               "COMMIT;"
               "CREATE INDEX movement_by_sku ON movement (sku, warehouse_id);"
               "CREATE INDEX movement_by_warehouse_sku ON movement (warehouse_id, sku, seq);"
               "ANALYZE;");
  g_print ("  wrote %u movements in %.3f s\n", data->n_movements,
           (g_get_monotonic_time () - t0) / 1e6);
}

static const char grouped_sql[] =
  "SELECT warehouse_id, sku, kind, substr (at, 1, 10), SUM (quantity) FROM movement "
  "GROUP BY warehouse_id, sku, kind, substr (at, 1, 10)";

/* Letting the accumulator do the grouping instead. */
static const char streamed_sql[] =
  "SELECT warehouse_id, sku, kind, at, quantity FROM movement "
  "WHERE kind IN ('sales_outbound', 'customer_return')";

/* Steps through every row of sql, reading its columns; returns seconds. */
static double
time_query (sqlite3    *db,
            const char *sql,
            gint64     *out_rows)
{
  sqlite3_stmt *stmt = prepare_or_die (db, sql);
  gint64 t0 = g_get_monotonic_time ();
  gint64 rows = 0, sum = 0;
  int n_cols = sqlite3_column_count (stmt);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < n_cols; c++)
        sum += sqlite3_column_bytes (stmt, c);
      rows++;
    }
  sqlite3_finalize (stmt);
  *out_rows = rows + (sum < 0);
  return (g_get_monotonic_time () - t0) / 1e6;
}

/* What a store would do: a query giving warehouse, SKU, kind, day (or
 * timestamp) and quantity, ids mapped to indexes, the accumulator and the
 * plan. */
static double
time_pipeline (Data       *data,
               sqlite3    *db,
               const char *sql,
               guint      *out_rows)
{
  sqlite3_stmt *stmt = prepare_or_die (db, sql);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(QmPlanDemand) demand = qm_plan_demand_new (data->n_skus, data->n_wh, TODAY, WINDOW);
  g_autofree QmPlanDemandStats *stats = NULL;
  g_autoptr(QmPlanResult) result = NULL;
  const char *last_wh = NULL, *last_sku = NULL;
  guint w = 0, s = 0;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *wh_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *sku = (const char *) sqlite3_column_text (stmt, 1);
      const char *kind = (const char *) sqlite3_column_text (stmt, 2);
      const char *day_text = (const char *) sqlite3_column_text (stmt, 3);
      QmMovementKind k;
      gint64 day;

      if (strcmp (kind, "sales_outbound") == 0)
        k = QM_MOVEMENT_SALES_OUTBOUND;
      else if (strcmp (kind, "customer_return") == 0)
        k = QM_MOVEMENT_CUSTOMER_RETURN;
      else
        continue;

      /* Rows come grouped by warehouse and SKU: look ids up on change. */
      if (last_wh == NULL || strcmp (wh_id, last_wh) != 0)
        w = GPOINTER_TO_UINT (g_hash_table_lookup (data->wh_index, wh_id)) - 1;
      if (last_sku == NULL || strcmp (sku, last_sku) != 0)
        s = GPOINTER_TO_UINT (g_hash_table_lookup (data->sku_index, sku)) - 1;
      last_wh = data->warehouses[w].id;
      last_sku = data->skus[s].sku;

      if (qm_plan_parse_day (day_text, &day))
        qm_plan_demand_add (demand, s, w, day, k, sqlite3_column_int64 (stmt, 4));
    }
  sqlite3_finalize (stmt);
  stats = qm_plan_demand_finish (demand, NULL);
  result = plan (data, stats);
  *out_rows = result->n_skus * result->n_warehouses;

  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
bench_sqlite (Data   *data,
              double  memory_s)
{
  g_autofree char *dir = g_dir_make_tmp ("bench-planning-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  sqlite3 *db = NULL;
  double scan = G_MAXDOUBLE, grouped = G_MAXDOUBLE, pipeline = G_MAXDOUBLE;
  double streamed = G_MAXDOUBLE;
  gint64 scan_rows = 0, grouped_rows = 0;
  guint plan_rows = 0;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    g_error ("sqlite: cannot open %s", path);
  write_movements (data, db);

  for (int round = 0; round < 3; round++)
    {
      scan = MIN (scan, time_query (db, "SELECT warehouse_id, sku, kind, at, quantity "
                                        "FROM movement", &scan_rows));
      grouped = MIN (grouped, time_query (db, grouped_sql, &grouped_rows));
      pipeline = MIN (pipeline, time_pipeline (data, db, grouped_sql, &plan_rows));
      streamed = MIN (streamed, time_pipeline (data, db, streamed_sql, &plan_rows));
    }
  sqlite3_close (db);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);

  g_print ("sqlite: scan of %" G_GINT64_FORMAT " movements in %.3f s\n", scan_rows, scan);
  g_print ("sqlite: grouped by warehouse, sku, kind, day: %" G_GINT64_FORMAT " rows in %.3f s\n",
           grouped_rows, grouped);
  g_print ("pipeline (grouped query + accumulate + plan): %u rows in %.3f s\n",
           plan_rows, pipeline);
  g_print ("pipeline (plain scan + accumulate + plan): %u rows in %.3f s\n",
           plan_rows, streamed);
  g_print ("ratio: in-memory plan / sqlite scan = %.2f; streamed pipeline / sqlite scan = %.2f; "
           "grouped pipeline / grouped query = %.2f\n",
           memory_s / scan, streamed / scan, pipeline / grouped);
}

int
main (int   argc,
      char *argv[])
{
  Data data = { 0 };
  QmPlanResult *result = NULL;
  gboolean with_sqlite = TRUE;
  guint n_movements;
  guint n_capped = 0, n_suggested = 0;
  double memory_s;
  gint64 t0;

  data.n_skus = arg_uint (argc, argv, 1, 50000);
  data.n_wh = arg_uint (argc, argv, 2, 20);
  n_movements = arg_uint (argc, argv, 3, 1000000);
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--no-sqlite") == 0)
      with_sqlite = FALSE;

  if (data.n_skus == 0 || data.n_wh == 0)
    {
      g_printerr ("usage: %s [N_SKUS [N_WAREHOUSES [N_MOVEMENTS [--no-sqlite]]]]\n", argv[0]);
      return EXIT_FAILURE;
    }

  t0 = g_get_monotonic_time ();
  synthesize (&data, n_movements);
  g_print ("planning: %u SKUs x %u warehouses, %u movements (synthesized in %.3f s)\n",
           data.n_skus, data.n_wh, n_movements, (g_get_monotonic_time () - t0) / 1e6);

  memory_s = bench_memory (&data, &result);
  for (gsize i = 0; i < (gsize) result->n_skus * result->n_warehouses; i++)
    {
      n_suggested += result->rows[i].suggested > 0;
      n_capped += (result->rows[i].flags & QM_PLAN_FLAG_CAPACITY_CAPPED) != 0;
    }
  g_print ("planning: %u rows in %.3f s (%u with a suggestion, %u capped, %u transfers)\n",
           result->n_skus * result->n_warehouses, memory_s, n_suggested, n_capped,
           result->n_transfers);
  qm_plan_result_free (result);

  if (with_sqlite)
    bench_sqlite (&data, memory_s);

  g_hash_table_unref (data.wh_index);
  g_hash_table_unref (data.sku_index);
  g_free (data.warehouses);
  g_free (data.skus);
  g_free (data.cells);
  g_free (data.movements);
  g_ptr_array_unref (data.strings);

  return EXIT_SUCCESS;
}
