/* test-valuation.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The moving weighted average with figures checked by hand, the
 * incremental fold against a full rebuild, the stock ledger, period close
 * with late postings, and the export manifest.
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "qm-error.h"
#include "qm-money.h"
#include "qm-report.h"
#include "qm-store.h"
#include "qm-store-ledger.h"
#include "qm-valuation.h"

/* ------------------------------------------------------------------------ */
/* The engine alone, table-driven                                           */

typedef struct
{
  const char *kind;
  const char *from_status;
  const char *to_status;
  gint64      quantity;
  const char *cost;             /* NULL: none */
  gint64      want_quantity;
  const char *want_average;     /* 4 digits */
} Step;

typedef struct
{
  const char *name;
  const Step *steps;
  const char *want_value;       /* 2 digits, after the last step */
} Case;

/* A textbook moving average (periodic purchases and one sale):
 *   buy 100 @ 10.00           avg 10.0000
 *   buy 200 @ 11.00           (100 x 10 + 200 x 11) / 300 = 3200 / 300 = 10.666666.. -> 10.6667
 *   sell 150                  avg stays 10.6667, 150 left
 *   buy  50 @ 12.00           (150 x 10.6667 + 50 x 12) / 200 = 2200.005 / 200
 *                             = 11.000025 -> 11.0000
 * value 200 x 11.0000 = 2200.00 */
static const Step textbook[] = {
  { "purchase_inbound", NULL, "pending_inspection", 100, "10.00", 100, "10.0000" },
  { "inspection", "pending_inspection", "qualified", 100, NULL, 100, "10.0000" },
  { "purchase_inbound", NULL, "qualified", 200, "11.00", 300, "10.6667" },
  { "sales_outbound", "qualified", NULL, 150, NULL, 150, "10.6667" },
  { "purchase_inbound", NULL, "qualified", 50, "12.00", 200, "11.0000" },
  { NULL }
};

/* Rounding at each receipt matters:
 *   buy 3 @ 1.0000            avg 1.0000
 *   buy 3 @ 1.0001            6.0003 / 6 = 1.00005, a tie: half to even -> 1.0000
 *   buy 6 @ 1.0001            (6 x 1.0000 + 6.0006) / 12 = 1.00005 -> 1.0000
 * Carried exactly and rounded once at the end the average would be
 * (6 x 1.00005 + 6.0006) / 12 = 1.000075 -> 1.0001, and rounding half up
 * at each receipt would give 1.0001 then (6.0006 + 6.0006) / 12 = 1.0001. */
static const Step rounding[] = {
  { "opening_balance", NULL, "qualified", 3, "1.0000", 3, "1.0000" },
  { "purchase_inbound", NULL, "qualified", 3, "1.0001", 6, "1.0000" },
  { "purchase_inbound", NULL, "qualified", 6, "1.0001", 12, "1.0000" },
  { NULL }
};

/* Receipts without a cost come in at the current average; issues never
 * move it; status changes move nothing:
 *   buy 10 @ 6.00              avg 6.0000
 *   buy  4 @ 5.00              (60 + 20) / 14 = 5.7142857.. -> 5.7143
 *   customer return 1          15 @ 5.7143
 *   gain adjustment 2          17 @ 5.7143
 *   loss adjustment 3          14 @ 5.7143
 *   supplier return 1          13 @ 5.7143
 *   status change 5            13 @ 5.7143
 * value 13 x 5.7143 = 74.2859 -> 74.29 */
static const Step at_average[] = {
  { "purchase_inbound", NULL, "qualified", 10, "6.00", 10, "6.0000" },
  { "purchase_inbound", NULL, "qualified", 4, "5.00", 14, "5.7143" },
  { "customer_return", NULL, "defective", 1, NULL, 15, "5.7143" },
  { "adjustment", NULL, "qualified", 2, NULL, 17, "5.7143" },
  { "adjustment", "qualified", NULL, 3, NULL, 14, "5.7143" },
  { "supplier_return", "defective", NULL, 1, NULL, 13, "5.7143" },
  { "status_change", "qualified", "defective", 5, NULL, 13, "5.7143" },
  { NULL }
};

/* Over-issue, then a receipt: with nothing held the cost becomes the
 * average (-2 + 5 = 3 @ 3.00, value 9.00). A return before any receipt
 * comes in at zero. */
static const Step negative[] = {
  { "customer_return", NULL, "defective", 1, NULL, 1, "0.0000" },
  { "sales_outbound", "qualified", NULL, 3, NULL, -2, "0.0000" },
  { "purchase_inbound", NULL, "qualified", 5, "3.00", 3, "3.0000" },
  { NULL }
};

/* Values round half to even, once, when written: 30 x 0.0005 = 0.0150, a
 * tie between 0.01 and 0.02 -> the even cent, 0.02. */
static const Step value_tie[] = {
  { "opening_balance", NULL, "qualified", 30, "0.0005", 30, "0.0005" },
  { NULL }
};

static const Case cases[] = {
  { "textbook", textbook, "2200.00" },
  { "rounding-each-receipt", rounding, "12.00" },
  { "at-average", at_average, "74.29" },
  { "negative", negative, "9.00" },
  { "value-tie", value_tie, "0.02" },
};

static void
test_engine (gconstpointer data)
{
  const Case *c = data;
  QmValuationState state = { 0 };
  g_autofree char *value = NULL;
  gint64 value_e4 = 0;

  for (const Step *s = c->steps; s->kind != NULL; s++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *average = NULL;
      gint64 cost = 0;
      QmValuationEffect effect = qm_valuation_effect (s->kind, s->from_status, s->to_status);

      if (s->cost != NULL)
        g_assert_true (qm_money_parse (s->cost, &cost, NULL));
      g_assert_true (qm_valuation_apply (&state, effect, s->quantity, s->cost != NULL, cost,
                                         &error));
      g_assert_no_error (error);
      average = qm_money_format (state.average_e4, 4);
      g_assert_cmpint (state.quantity, ==, s->want_quantity);
      g_assert_cmpstr (average, ==, s->want_average);
    }

  g_assert_true (qm_valuation_value (&state, &value_e4, NULL));
  value = qm_money_format (value_e4, 2);
  g_assert_cmpstr (value, ==, c->want_value);
}

static void
test_effects (void)
{
  g_assert_cmpint (qm_valuation_effect ("opening_balance", NULL, "qualified"), ==,
                   QM_VALUATION_RECEIPT_AT_COST);
  g_assert_cmpint (qm_valuation_effect ("inspection", "pending_inspection", "qualified"), ==,
                   QM_VALUATION_NONE);
  g_assert_cmpint (qm_valuation_effect ("adjustment", NULL, "qualified"), ==,
                   QM_VALUATION_RECEIPT_AT_AVERAGE);
  g_assert_cmpint (qm_valuation_effect ("adjustment", "defective", NULL), ==, QM_VALUATION_ISSUE);
  g_assert_cmpint (qm_valuation_effect ("transfer_in", NULL, "qualified"), ==,
                   QM_VALUATION_TRANSFER_IN);
  g_assert_cmpint (qm_valuation_effect ("transfer_out", "qualified", NULL), ==,
                   QM_VALUATION_TRANSFER_OUT);
  g_assert_cmpint (qm_valuation_effect ("teleport", NULL, "qualified"), ==, QM_VALUATION_NONE);
  g_assert_true (qm_valuation_is_receipt (QM_VALUATION_TRANSFER_IN));
  g_assert_true (qm_valuation_is_issue (QM_VALUATION_TRANSFER_OUT));
  g_assert_false (qm_valuation_is_issue (QM_VALUATION_NONE));
}

/* ------------------------------------------------------------------------ */
/* Through the store                                                        */

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
  QmWarehouse a = { (char *) "WH-A", (char *) "http://127.0.0.1:1/" };
  QmWarehouse b = { (char *) "WH-B", (char *) "http://127.0.0.1:2/" };
  static const QmProduct products[] = {
    { "SKU-1", "=SUM(A1), \"quoted\"", "tools", "each", 1 },
    { "SKU-2", "Mug", "kitchen", "each", 1 },
  };

  fixture->dir = g_dir_make_tmp ("qm-valuation-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = qm_store_open (fixture->path, &error);
  g_assert_no_error (error);

  a.currency = (char *) "CNY";
  b.currency = (char *) "CNY";
  qm_store_add_warehouse (fixture->store, &a, "tester", &error);
  g_assert_no_error (error);
  qm_store_add_warehouse (fixture->store, &b, "tester", &error);
  g_assert_no_error (error);
  qm_store_upsert_products (fixture->store, "WH-A", products, G_N_ELEMENTS (products), &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->store);
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

#define MV(seq, at, kind, sku, qty, from, to, cost, ref, cp) \
  { seq, "mv-" #seq, at, kind, sku, qty, from, to, cost >= 0, cost, ref, cp, NULL, NULL, NULL }

/* WH-A buys 10 @ 5 and sends 4 to WH-B, then buys 10 @ 8:
 *   A: (6 x 5 + 10 x 8) / 16 = 6.875 -> 6.8750
 * WH-B buys 10 @ 6 and takes the 4 in at A's average when they left, 5.0000:
 *   B: (10 x 6 + 4 x 5) / 14 = 5.714285.. -> 5.7143; then sells 2 (on 2026-01-20).
 * A transfer from an unknown warehouse comes in at B's own average. */
static const QmMovement movements_a[] = {
  MV (1, "2026-01-02T08:00:00Z", "purchase_inbound", "SKU-1", 10, NULL, "qualified", 50000, "PO-1", NULL),
  MV (2, "2026-01-05T08:00:00Z", "transfer_out", "SKU-1", 4, "qualified", NULL, -1, "TR-1", "WH-B"),
  MV (3, "2026-02-03T08:00:00Z", "purchase_inbound", "SKU-1", 10, NULL, "qualified", 80000, "PO-2", NULL),
};
static const QmMovement movements_b[] = {
  MV (7, "2026-01-03T08:00:00Z", "purchase_inbound", "SKU-1", 10, NULL, "qualified", 60000, "PO-9", NULL),
  MV (8, "2026-01-06T08:00:00Z", "transfer_in", "SKU-1", 4, NULL, "qualified", -1, "TR-1", "WH-A"),
  MV (9, "2026-01-20T08:00:00Z", "sales_outbound", "SKU-1", 2, "qualified", NULL, -1, NULL, NULL),
  MV (10, "2026-02-07T08:00:00Z", "transfer_in", "SKU-1", 12, NULL, "qualified", -1, "TR-X", "WH-GONE"),
};

static void
insert (QmStore          *store,
        const char       *warehouse_id,
        const QmMovement *movements,
        gsize             n)
{
  g_autoptr(GError) error = NULL;

  qm_store_insert_movements (store, warehouse_id, movements, n, -1, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
dump_state_cb (const QmValuationRow *row,
               gpointer              user_data)
{
  g_autofree char *average = qm_money_format (row->average_e4, 4);

  g_string_append_printf (user_data, "%s|%s|%" G_GINT64_FORMAT "|%s|%" G_GINT64_FORMAT "\n",
                          row->warehouse_id, row->sku, row->quantity, average, row->last_seq);
  return TRUE;
}

static char *
dump_state (QmStore *store)
{
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);

  qm_store_foreach_valuation_state (store, dump_state_cb, out, &error);
  g_assert_no_error (error);
  return g_string_free (out, FALSE);
}

static char *
report (QmStore    *store,
        const char *what,
        const char *from_day,
        const char *to_day,
        QmReportFormat format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autofree char *from_at = NULL;
  g_autofree char *to_at = NULL;
  gboolean ok;

  qm_report_day_range (from_day, to_day, "UTC", &from_at, &to_at, &error);
  g_assert_no_error (error);

  if (strcmp (what, "ledger") == 0)
    ok = qm_report_write_ledger (store, from_at, to_at, format, QM_CSV_FLAGS_NONE, out, NULL,
                                 NULL, &error);
  else if (strcmp (what, "summary") == 0)
    ok = qm_report_write_summary (store, to_at, format, QM_CSV_FLAGS_NONE, out, NULL, NULL,
                                  &error);
  else
    ok = qm_report_write_valuation (store, to_at, format, QM_CSV_FLAGS_NONE, out, NULL, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static const char want_state[] =
  "WH-A|SKU-1|16|6.8750|3\n"
  "WH-B|SKU-1|24|5.7143|10\n";

/* B is synced before A: its transfer_in first comes in at its own average;
 * when A's transfer_out arrives the valuation is rebuilt, and in any case
 * equals a rebuild from scratch. */
static void
test_incremental_equals_rebuild (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *incremental = NULL;
  g_autofree char *rebuilt = NULL;
  g_autofree char *first = NULL;
  gboolean was_rebuilt = TRUE;

  insert (fixture->store, "WH-B", movements_b, 2);
  qm_store_valuation_update (fixture->store, &was_rebuilt, &error);
  g_assert_no_error (error);
  g_assert_false (was_rebuilt);
  first = dump_state (fixture->store);
  /* no sender known yet: 14 @ 6.0000 */
  g_assert_cmpstr (first, ==, "WH-B|SKU-1|14|6.0000|8\n");

  insert (fixture->store, "WH-A", movements_a, G_N_ELEMENTS (movements_a));
  qm_store_valuation_update (fixture->store, &was_rebuilt, &error);
  g_assert_no_error (error);
  g_assert_true (was_rebuilt);

  insert (fixture->store, "WH-B", movements_b + 2, G_N_ELEMENTS (movements_b) - 2);
  qm_store_valuation_update (fixture->store, &was_rebuilt, &error);
  g_assert_no_error (error);
  g_assert_false (was_rebuilt);
  incremental = dump_state (fixture->store);
  /* B: 14 - 2 + 12 (at its own 5.7143, the sender being unknown) = 24 */
  g_assert_cmpstr (incremental, ==, want_state);

  qm_store_valuation_rebuild (fixture->store, &error);
  g_assert_no_error (error);
  rebuilt = dump_state (fixture->store);
  g_assert_cmpstr (rebuilt, ==, incremental);
}

/* A transfer_in cached before its transfer_out is folded waits for it. */
static void
test_transfer_waits (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  insert (fixture->store, "WH-A", movements_a, G_N_ELEMENTS (movements_a));
  insert (fixture->store, "WH-B", movements_b, G_N_ELEMENTS (movements_b));
  qm_store_valuation_update (fixture->store, NULL, &error);
  g_assert_no_error (error);
  state = dump_state (fixture->store);
  g_assert_cmpstr (state, ==, want_state);
}

static const char want_ledger_jan[] =
  "warehouse_id,sku,name,category,opening_quantity,received_quantity,issued_quantity,"
  "closing_quantity,opening_value,closing_value,currency\r\n"
  "WH-A,SKU-1,\"'=SUM(A1), \"\"quoted\"\"\",tools,0,10,4,6,0.00,30.00,CNY\r\n"
  "WH-B,SKU-1,,,0,14,2,12,0.00,68.57,CNY\r\n";

/* February: A's purchase; B's unknown transfer. Opening = January's closing. */
static const char want_ledger_feb[] =
  "warehouse_id,sku,name,category,opening_quantity,received_quantity,issued_quantity,"
  "closing_quantity,opening_value,closing_value,currency\r\n"
  "WH-A,SKU-1,\"'=SUM(A1), \"\"quoted\"\"\",tools,6,10,0,16,30.00,110.00,CNY\r\n"
  "WH-B,SKU-1,,,12,12,0,24,68.57,137.14,CNY\r\n";

static void
test_ledger (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *jan = NULL;
  g_autofree char *feb = NULL;
  g_autofree char *value_jan5 = NULL;
  g_autofree char *value_jan = NULL;
  g_autofree char *json = NULL;
  g_autofree char *summary = NULL;

  insert (fixture->store, "WH-A", movements_a, G_N_ELEMENTS (movements_a));
  insert (fixture->store, "WH-B", movements_b, G_N_ELEMENTS (movements_b));

  jan = report (fixture->store, "ledger", "2026-01-01", "2026-01-31", QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (jan, ==, want_ledger_jan);
  feb = report (fixture->store, "ledger", "2026-02-01", "2026-02-28", QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (feb, ==, want_ledger_feb);

  /* The value at the end of a past day: on 5 January B held 10 @ 6.0000 and A 6 @ 5.0000. */
  value_jan5 = report (fixture->store, "valuation", NULL, "2026-01-05", QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (value_jan5, ==,
                   "warehouse_id,sku,name,category,quantity,unit_cost,value,currency\r\n"
                   "WH-A,SKU-1,\"'=SUM(A1), \"\"quoted\"\"\",tools,6,5.0000,30.00,CNY\r\n"
                   "WH-B,SKU-1,,,10,6.0000,60.00,CNY\r\n");
  value_jan = report (fixture->store, "valuation", NULL, "2026-01-31", QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (value_jan, ==,
                   "warehouse_id,sku,name,category,quantity,unit_cost,value,currency\r\n"
                   "WH-A,SKU-1,\"'=SUM(A1), \"\"quoted\"\"\",tools,6,5.0000,30.00,CNY\r\n"
                   "WH-B,SKU-1,,,12,5.7143,68.57,CNY\r\n");

  /* JSON: same names, quantities as numbers, money as strings with the CSV's digits */
  json = report (fixture->store, "valuation", NULL, "2026-01-31", QM_REPORT_FORMAT_JSON);
  g_assert_nonnull (strstr (json, "\"quantity\": 12, \"unit_cost\": \"5.7143\", "
                                  "\"value\": \"68.57\""));
  g_assert_nonnull (strstr (json, "\"name\": \"=SUM(A1), \\\"quoted\\\"\""));

  /* 30.00 of 98.57 is 30.4352..%, 68.57 is 69.5648..% */
  summary = report (fixture->store, "summary", NULL, "2026-01-31", QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (summary, ==,
                   "warehouse_id,category,quantity,value,currency,share_percent\r\n"
                   "WH-A,tools,6,30.00,CNY,30.44\r\n"
                   "WH-B,,12,68.57,CNY,69.56\r\n");
}

/* Closing January freezes its reports; a movement dated in January that
 * arrives afterwards is a late posting in February. */
static void
test_period_close_late (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jan = NULL;
  g_autofree char *jan_again = NULL;
  g_autofree char *value_jan = NULL;
  g_autofree char *value_jan_again = NULL;
  g_autofree char *feb = NULL;
  g_autofree char *q1 = NULL;
  g_autoptr(GPtrArray) closed = NULL;
  gint64 entries = 0;
  static const QmMovement late[] = {
    MV (4, "2026-01-15T08:00:00Z", "purchase_inbound", "SKU-1", 6, NULL, "qualified", 20000, "PO-3", NULL),
  };

  insert (fixture->store, "WH-A", movements_a, G_N_ELEMENTS (movements_a));
  insert (fixture->store, "WH-B", movements_b, G_N_ELEMENTS (movements_b));

  jan = report (fixture->store, "ledger", "2026-01-01", "2026-01-31", QM_REPORT_FORMAT_CSV);
  value_jan = report (fixture->store, "valuation", NULL, "2026-01-31", QM_REPORT_FORMAT_CSV);

  qm_report_close_period (fixture->store, "2026-01", "UTC", "finance", &error);
  g_assert_no_error (error);
  qm_report_close_period (fixture->store, "2026-01", "UTC", "finance", &error);
  g_assert_error (error, QM_ERROR, QM_ERROR_EXISTS);
  g_clear_error (&error);
  qm_report_close_period (fixture->store, "2026-03", "UTC", "finance", &error);
  g_assert_error (error, QM_ERROR, QM_ERROR_REFUSED);   /* February first */
  g_clear_error (&error);
  qm_report_close_period (fixture->store, "2099-01", "UTC", "finance", &error);
  g_assert_error (error, QM_ERROR, QM_ERROR_REFUSED);   /* not over */
  g_clear_error (&error);

  closed = qm_store_list_closed_periods (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (closed->len, ==, 1);
  g_assert_cmpstr (((QmPeriodClose *) closed->pdata[0])->closed_by, ==, "finance");
  g_assert_cmpuint (strlen (((QmPeriodClose *) closed->pdata[0])->valuation_sha256), ==, 64);
  {
    /* the stored hash is the hash of the bytes a re-export writes */
    g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, value_jan, -1);
    g_assert_cmpstr (((QmPeriodClose *) closed->pdata[0])->valuation_sha256, ==, sha);
  }

  /* the late posting: A buys 6 @ 2.00 "on 15 January", after the close */
  insert (fixture->store, "WH-A", late, G_N_ELEMENTS (late));

  jan_again = report (fixture->store, "ledger", "2026-01-01", "2026-01-31", QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (jan_again, ==, jan);
  value_jan_again = report (fixture->store, "valuation", NULL, "2026-01-31",
                            QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (value_jan_again, ==, value_jan);

  /* In February's ledger: A received 6 late + 10. In seq order A's average
   * went 5.0000 (10 @ 5), out 4, then 6 @ 2.00 -> (6 x 5 + 6 x 2) / 12 = 3.5000,
   * then 10 @ 8.00 -> (12 x 3.5 + 80) / 22 = 5.545454.. -> 5.5455;
   * closing value 22 x 5.5455 = 122.0010 -> 122.00. */
  feb = report (fixture->store, "ledger", "2026-02-01", "2026-02-28", QM_REPORT_FORMAT_CSV);
  g_assert_cmpstr (feb, ==,
                   "warehouse_id,sku,name,category,opening_quantity,received_quantity,"
                   "issued_quantity,closing_quantity,opening_value,closing_value,currency\r\n"
                   "WH-A,SKU-1,\"'=SUM(A1), \"\"quoted\"\"\",tools,6,16,0,22,30.00,122.00,CNY\r\n"
                   "WH-B,SKU-1,,,12,12,0,24,68.57,137.14,CNY\r\n");

  /* a period that is not exactly a closed month is folded live, late posting included */
  q1 = report (fixture->store, "ledger", "2026-01-01", "2026-03-31", QM_REPORT_FORMAT_CSV);
  g_assert_nonnull (strstr (q1, "tools,0,26,4,22,0.00,122.00,CNY\r\n"));

  qm_store_audit_verify (fixture->store, &entries, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entries, ==, 3);   /* two warehouses added, one close */
}

/* ------------------------------------------------------------------------ */
/* quartermaster-cli: manifest, verify, exit statuses                       */

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

static void
run_cli (Run        *run,
         const char *db,
         ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int wait_status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("QM_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
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
test_cli_manifest (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (fixture->dir, "ledger.csv", NULL);
  g_autofree char *manifest = g_strconcat (csv, ".manifest.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  insert (fixture->store, "WH-A", movements_a, G_N_ELEMENTS (movements_a));
  insert (fixture->store, "WH-B", movements_b, G_N_ELEMENTS (movements_b));
  g_clear_object (&fixture->store);

  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "report", "ledger", "--from", "2026-01-01", "--to",
             "2026-01-31", "--output", csv, NULL);
    g_assert_cmpstr (run.err, ==, "");
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_file_get_contents (csv, &contents, &length, NULL));
    g_assert_cmpstr (contents, ==, want_ledger_jan);
    g_assert_true (g_file_get_contents (manifest, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"report\" : \"ledger\""));
    g_assert_nonnull (strstr (text, "\"rows\" : 2"));
    g_assert_nonnull (strstr (text, "\"audit_head\""));
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "report", "verify", csv, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "matches its manifest: 2 rows"));
  }
  {
    g_auto(Run) run = { 0 };

    /* one digit changed */
    contents[length - 8] = contents[length - 8] == '7' ? '8' : '7';
    g_assert_true (g_file_set_contents (csv, contents, length, NULL));
    run_cli (&run, fixture->path, "report", "verify", csv, NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "SHA-256"));
    g_assert_null (strstr (run.err, "rows"));
  }
  {
    g_auto(Run) run = { 0 };

    /* a row removed */
    g_assert_true (g_file_set_contents (csv, want_ledger_jan,
                                        strstr (want_ledger_jan, "WH-B") - want_ledger_jan,
                                        NULL));
    run_cli (&run, fixture->path, "report", "verify", csv, NULL);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "1 rows, the manifest says 2"));
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "report", "ledger", "--from", "2026-01-31", "--to",
             "2026-01-01", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "report", "valuation", "--at", "2026-01-31", "--format",
             "json", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "\"unit_cost\": \"5.7143\""));
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "period", "close", "2026-01", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Closed 2026-01: ledger SHA-256 "));
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "period", "close", "2026-01", NULL);
    g_assert_cmpint (run.status, ==, 3);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "period", "close", "January", NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, fixture->path, "report", "reconciliation", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==,
                     "warehouse_id,sku,status,ledger_quantity,snapshot_quantity,difference\r\n");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/valuation/engine/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_engine);
    }
  g_test_add_func ("/valuation/engine/effects", test_effects);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/valuation/store/incremental-equals-rebuild", test_incremental_equals_rebuild);
  ADD ("/valuation/store/transfer-waits", test_transfer_waits);
  ADD ("/valuation/report/ledger", test_ledger);
  ADD ("/valuation/period/close-late-posting", test_period_close_late);
  ADD ("/valuation/cli/manifest", test_cli_manifest);
#undef ADD

  return g_test_run ();
}
