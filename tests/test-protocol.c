/* test-protocol.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qm-error.h"
#include "qm-protocol.h"

static void
test_check_body (void)
{
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new (NULL);

  g_assert_true (qm_protocol_check_body ("{\"a\": [[1]]}", 12, 100, 3, &error));
  g_assert_no_error (error);

  /* brackets inside strings do not count, escaped quotes do not end them */
  g_assert_true (qm_protocol_check_body ("{\"a\": \"[[[[\\\"[[[[\"}", 19, 100, 1, &error));
  g_assert_no_error (error);

  /* \u escapes: a surrogate pair and other code units pass; a lone
   * surrogate, a high one followed by anything but a low one, \u0000 and
   * short hex do not. */
  {
    static const char * const good[] = {
      "{\"a\": \"\\ud83d\\ude00\"}",
      "{\"a\": \"\\u00e9\\u20AC\\uffff\"}",
      "{\"a\": \"\\\\ud800\"}",
    };
    static const char * const bad[] = {
      "{\"a\": \"\\ud800\"}",
      "{\"a\": \"\\udc00\"}",
      "{\"a\": \"x\\ud800\\u009f\"}",
      "{\"a\": \"\\ud800\\ud800\"}",
      "{\"a\": \"\\u0000\"}",
      "{\"a\": \"\\u12\"}",
      "{\"a\": \"\\ud83d",
    };

    for (guint i = 0; i < G_N_ELEMENTS (good); i++)
      {
        g_assert_true (qm_protocol_check_body (good[i], strlen (good[i]), 100, 3, &error));
        g_assert_no_error (error);
      }
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_test_message ("%s", bad[i]);
        g_assert_false (qm_protocol_check_body (bad[i], strlen (bad[i]), 100, 3, &error));
        g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
        g_clear_error (&error);
      }
  }

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_false (qm_protocol_check_body (deep->str, deep->len, 1 << 20, 64, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_clear_error (&error);

  g_assert_false (qm_protocol_check_body (deep->str, deep->len, 1000, 64, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_assert_nonnull (strstr (error->message, "more than"));
  g_string_free (deep, TRUE);
}

static void
test_warehouse (void)
{
  static const char good[] =
    "{\"protocol\": 1, \"id\": \"WH-EAST\", \"name\": \"East Regional DC\", \"region\": \"east\","
    " \"location\": {\"lat\": 31.23, \"lon\": 121}, \"capacity_units\": 500000,"
    " \"currency\": \"CNY\", \"last_seq\": 1842, \"extra\": [1, 2]}";
  static const char * const bad[] = {
    "{\"protocol\": 2, \"id\": \"WH\", \"name\": \"\", \"region\": \"\", \"capacity_units\": 1,"
    " \"currency\": \"CNY\", \"last_seq\": 0}",
    "{\"protocol\": 1, \"id\": \"WH\", \"name\": \"\", \"region\": \"\", \"capacity_units\": \"1\","
    " \"currency\": \"CNY\", \"last_seq\": 0}",
    "{\"protocol\": 1, \"id\": \"\", \"name\": \"\", \"region\": \"\", \"capacity_units\": 1,"
    " \"currency\": \"CNY\", \"last_seq\": 0}",
    "{\"protocol\": 1, \"id\": \"WH\", \"name\": \"\", \"region\": \"\", \"capacity_units\": 1,"
    " \"currency\": \"CNY\", \"last_seq\": 1.5}",
    "[1, 2, 3]",
    "{\"protocol\": 1, \"id\": \"WH\"",
    "",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QmWarehouseInfo) info = qm_protocol_parse_warehouse (good, strlen (good), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (info->warehouse->id, ==, "WH-EAST");
  g_assert_cmpint (info->last_seq, ==, 1842);
  g_assert_cmpint (info->warehouse->capacity_units, ==, 500000);
  g_assert_true (info->warehouse->has_location);
  g_assert_cmpfloat_with_epsilon (info->warehouse->longitude, 121.0, 1e-9);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(QmWarehouseInfo) none = qm_protocol_parse_warehouse (bad[i], strlen (bad[i]),
                                                                     &bad_error);
      g_assert_null (none);
      g_assert_error (bad_error, QM_ERROR, QM_ERROR_BAD_DATA);
    }
}

static void
test_stock (void)
{
  static const char good[] =
    "{\"as_of_seq\": 10, \"items\": ["
    "{\"sku\": \"A\", \"status\": \"defective\", \"quantity\": 2},"
    "{\"sku\": \"A\", \"status\": \"qualified\", \"quantity\": 40},"
    "{\"sku\": \"B\", \"status\": \"qualified\", \"quantity\": 1}],"
    " \"next_page_token\": \"t1\"}";
  static const char * const bad[] = {
    /* out of order */
    "{\"as_of_seq\": 1, \"items\": [{\"sku\": \"B\", \"status\": \"qualified\", \"quantity\": 1},"
    "{\"sku\": \"A\", \"status\": \"qualified\", \"quantity\": 1}], \"next_page_token\": null}",
    /* unknown status */
    "{\"as_of_seq\": 1, \"items\": [{\"sku\": \"A\", \"status\": \"lost\", \"quantity\": 1}],"
    " \"next_page_token\": null}",
    /* zero quantity */
    "{\"as_of_seq\": 1, \"items\": [{\"sku\": \"A\", \"status\": \"qualified\", \"quantity\": 0}],"
    " \"next_page_token\": null}",
    /* missing token member */
    "{\"as_of_seq\": 1, \"items\": []}",
    /* quantity as a string */
    "{\"as_of_seq\": 1, \"items\": [{\"sku\": \"A\", \"status\": \"qualified\", \"quantity\": \"1\"}],"
    " \"next_page_token\": null}",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStockPage) page = qm_protocol_parse_stock (good, strlen (good), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 3);
  g_assert_cmpint (page->as_of_seq, ==, 10);
  g_assert_cmpstr (page->next_page_token, ==, "t1");
  g_assert_cmpint (g_array_index (page->items, QmStockItem, 1).quantity, ==, 40);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(QmStockPage) none = qm_protocol_parse_stock (bad[i], strlen (bad[i]), &bad_error);

      g_assert_null (none);
      g_assert_error (bad_error, QM_ERROR, QM_ERROR_BAD_DATA);
    }
}

#define MV(seq, kind, from, to, extra) \
  "{\"seq\": " #seq ", \"id\": \"mv-" #seq "\", \"at\": \"2026-11-27T08:00:00Z\", \"kind\": \"" \
  kind "\", \"sku\": \"SKU-1\", \"quantity\": 5, \"from_status\": " from ", \"to_status\": " to \
  ", \"unit_cost\": null, \"reference\": null, \"counterparty\": null, \"channel\": null, " \
  "\"reason\": null" extra "}"

static void
test_movement_checks (void)
{
  static const struct {
    const char *kind, *from, *to;
    gboolean    cost;
    const char *reference, *counterparty, *channel, *reason;
    gboolean    ok;
  } cases[] = {
    { "opening_balance", NULL, "qualified", TRUE, NULL, NULL, NULL, NULL, TRUE },
    { "opening_balance", NULL, "qualified", FALSE, NULL, NULL, NULL, NULL, FALSE },
    { "purchase_inbound", NULL, "pending_inspection", TRUE, "PO-1", NULL, NULL, NULL, TRUE },
    { "purchase_inbound", NULL, "defective", TRUE, "PO-1", NULL, NULL, NULL, FALSE },
    { "purchase_inbound", NULL, "qualified", TRUE, NULL, NULL, NULL, NULL, FALSE },
    { "inspection", "pending_inspection", "defective", FALSE, NULL, NULL, NULL, NULL, TRUE },
    { "inspection", "qualified", "defective", FALSE, NULL, NULL, NULL, NULL, FALSE },
    { "status_change", "qualified", "defective", FALSE, NULL, NULL, NULL, "damaged", TRUE },
    { "status_change", "qualified", "qualified", FALSE, NULL, NULL, NULL, "none", FALSE },
    { "status_change", "qualified", "defective", FALSE, NULL, NULL, NULL, NULL, FALSE },
    { "sales_outbound", "qualified", NULL, FALSE, NULL, NULL, "own-app", NULL, TRUE },
    { "sales_outbound", "defective", NULL, FALSE, NULL, NULL, "own-app", NULL, FALSE },
    { "sales_outbound", "qualified", NULL, FALSE, NULL, NULL, NULL, NULL, FALSE },
    { "customer_return", NULL, "defective", FALSE, NULL, NULL, "own-app", NULL, TRUE },
    { "customer_return", NULL, "qualified", FALSE, NULL, NULL, "own-app", NULL, FALSE },
    { "transfer_out", "qualified", NULL, FALSE, "TR-1", "WH-S", NULL, NULL, TRUE },
    { "transfer_out", "qualified", NULL, FALSE, "TR-1", NULL, NULL, NULL, FALSE },
    { "transfer_in", NULL, "pending_inspection", FALSE, "TR-1", "WH-E", NULL, NULL, TRUE },
    { "transfer_in", NULL, "defective", FALSE, "TR-1", "WH-E", NULL, NULL, FALSE },
    { "supplier_return", "supplier_return", NULL, FALSE, "RMA-1", NULL, NULL, NULL, TRUE },
    { "supplier_return", "pending_inspection", NULL, FALSE, "RMA-1", NULL, NULL, NULL, FALSE },
    { "adjustment", NULL, "qualified", FALSE, NULL, NULL, NULL, "count", TRUE },
    { "adjustment", "qualified", NULL, FALSE, NULL, NULL, NULL, "count", TRUE },
    { "adjustment", "qualified", "defective", FALSE, NULL, NULL, NULL, "count", FALSE },
    { "adjustment", NULL, "qualified", FALSE, NULL, NULL, NULL, NULL, FALSE },
    { "teleport", NULL, "qualified", FALSE, NULL, NULL, NULL, NULL, FALSE },
    { "opening_balance", NULL, "lost", TRUE, NULL, NULL, NULL, NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      QmMovement m = { 1, "mv-1", "2026-11-27T08:00:00Z", cases[i].kind, "SKU-1", 5,
                       cases[i].from, cases[i].to, cases[i].cost, 125000, cases[i].reference,
                       cases[i].counterparty, cases[i].channel, cases[i].reason, NULL };
      g_autofree char *reason = qm_protocol_check_movement (&m);

      g_test_message ("case %u: %s %s", i, cases[i].kind, reason ? reason : "ok");
      g_assert_cmpint (reason == NULL, ==, cases[i].ok);
    }

  {
    QmMovement m = { 1, "mv-1", "2026-11-27 08:00", "opening_balance", "SKU-1", 5, NULL,
                     "qualified", TRUE, 1, NULL, NULL, NULL, NULL, NULL };
    g_autofree char *reason = qm_protocol_check_movement (&m);
    g_assert_nonnull (reason);
  }
  {
    QmMovement m = { 1, "mv-1", "2026-11-27T08:00:00Z", "opening_balance", "SKU-1",
                     G_GINT64_CONSTANT (1000000000001), NULL, "qualified", TRUE, 1, NULL, NULL,
                     NULL, NULL, NULL };
    g_autofree char *reason = qm_protocol_check_movement (&m);
    g_assert_nonnull (reason);
  }
}

static void
test_movements_page (void)
{
  static const char page_text[] =
    "{\"movements\": ["
    MV (3, "opening_balance", "null", "\"qualified\"", ", \"unit_cost\": \"12.5000\"") ","
    MV (5, "teleport", "null", "\"qualified\"", "") ","
    MV (6, "opening_balance", "null", "\"qualified\"", ", \"unit_cost\": \"12.50001\"")
    "], \"last_seq\": 9}";
  static const char backwards[] =
    "{\"movements\": ["
    MV (5, "inspection", "\"pending_inspection\"", "\"qualified\"", "") ","
    MV (4, "inspection", "\"pending_inspection\"", "\"qualified\"", "")
    "], \"last_seq\": 9}";
  static const char wrong_type[] =
    "{\"movements\": [{\"seq\": \"3\"}], \"last_seq\": 9}";
  g_autoptr(GError) error = NULL;
  g_autoptr(QmMovementPage) page = NULL;
  const QmMovement *m;

  page = qm_protocol_parse_movements (page_text, strlen (page_text), 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->movements->len, ==, 3);
  g_assert_cmpuint (page->n_quarantined, ==, 2);
  g_assert_cmpint (page->last_seq, ==, 9);

  m = &g_array_index (page->movements, QmMovement, 0);
  g_assert_null (m->quarantine_reason);
  g_assert_true (m->has_unit_cost);
  g_assert_cmpint (m->unit_cost, ==, 125000);
  g_assert_null (m->from_status);

  m = &g_array_index (page->movements, QmMovement, 1);
  g_assert_nonnull (strstr (m->quarantine_reason, "teleport"));
  m = &g_array_index (page->movements, QmMovement, 2);
  g_assert_nonnull (strstr (m->quarantine_reason, "unit_cost"));

  /* a seq not after the cursor, seqs going backwards, wrong JSON types: the page is refused */
  g_clear_pointer (&page, qm_movement_page_free);
  page = qm_protocol_parse_movements (page_text, strlen (page_text), 3, &error);
  g_assert_null (page);
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_clear_error (&error);

  page = qm_protocol_parse_movements (backwards, strlen (backwards), 0, &error);
  g_assert_null (page);
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_clear_error (&error);

  page = qm_protocol_parse_movements (wrong_type, strlen (wrong_type), 0, &error);
  g_assert_null (page);
  g_assert_error (error, QM_ERROR, QM_ERROR_BAD_DATA);
  g_assert_nonnull (strstr (error->message, "“seq”"));
}

static void
test_problem_detail (void)
{
  static const char problem[] =
    "{\"type\": \"about:blank\", \"title\": \"Service Unavailable\", \"status\": 503,"
    " \"detail\": \"The WMS is being backed up\"}";
  g_autofree char *text = qm_protocol_problem_detail (problem, strlen (problem));
  g_autofree char *none = qm_protocol_problem_detail ("<html>", 6);

  static const char wrong_types[] =
    "{\"title\": {\"text\": \"x\"}, \"status\": 503, \"detail\": \"Backing up\"}";
  g_autofree char *typed = qm_protocol_problem_detail (wrong_types, strlen (wrong_types));
  static const char surrogate[] =
    "{\"title\": \"Too\\ud800 Many\", \"status\": 429, \"detail\": \"Slow down\"}";
  g_autofree char *valid = qm_protocol_problem_detail (surrogate, strlen (surrogate));

  g_assert_cmpstr (text, ==, "Service Unavailable: The WMS is being backed up");
  g_assert_null (none);
  /* A title that is not a string is left out, without a warning. */
  g_assert_cmpstr (typed, ==, "Backing up");
  /* A lone surrogate escape is refused with the whole body. */
  g_assert_null (valid);
}

/* Inputs the fuzzer once broke the decoder with: now each is refused, cleanly. */
static void
test_fuzz_regressions (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fuzz", "crashes", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;
      g_autoptr(GError) e1 = NULL;
      g_autoptr(GError) e2 = NULL;
      g_autoptr(GError) e3 = NULL;
      g_autoptr(GError) e4 = NULL;
      g_autoptr(QmWarehouseInfo) info = NULL;
      g_autoptr(QmProductPage) products = NULL;
      g_autoptr(QmStockPage) stock = NULL;
      g_autoptr(QmMovementPage) movements = NULL;
      g_autofree char *problem = NULL;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_test_message ("%s", name);
      info = qm_protocol_parse_warehouse (data, len, &e1);
      products = qm_protocol_parse_products (data, len, &e2);
      stock = qm_protocol_parse_stock (data, len, &e3);
      movements = qm_protocol_parse_movements (data, len, 0, &e4);
      problem = qm_protocol_problem_detail (data, len);
      g_assert_true (problem == NULL || g_utf8_validate (problem, -1, NULL));
      g_assert_null (info);
      g_assert_null (products);
      g_assert_null (stock);
      g_assert_null (movements);
      g_assert_true (g_utf8_validate (e1->message, -1, NULL));
      g_assert_true (g_utf8_validate (e2->message, -1, NULL));
      n++;
    }

  g_assert_cmpuint (n, >=, 6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/check-body", test_check_body);
  g_test_add_func ("/protocol/warehouse", test_warehouse);
  g_test_add_func ("/protocol/stock", test_stock);
  g_test_add_func ("/protocol/movement-checks", test_movement_checks);
  g_test_add_func ("/protocol/movements-page", test_movements_page);
  g_test_add_func ("/protocol/problem-detail", test_problem_detail);
  g_test_add_func ("/protocol/fuzz-regressions", test_fuzz_regressions);

  return g_test_run ();
}
