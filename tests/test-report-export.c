/* test-report-export.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the Reports page runs: the preview index over a report's CSV and
 * the export, which must write the same bytes and manifest as
 * quartermaster-cli for the same report and days.
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-report-export.h"
#include "qm-report-preview.h"
#include "qm-store.h"

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */

static void
test_kinds (void)
{
  for (QmReportKind kind = 0; kind <= QM_REPORT_KIND_LAST; kind++)
    {
      QmReportKind back = QM_REPORT_KIND_LAST + 1;

      g_assert_true (qm_report_kind_from_string (qm_report_kind_to_string (kind), &back));
      g_assert_cmpint (back, ==, kind);
    }
  g_assert_cmpstr (qm_report_kind_to_string (QM_REPORT_KIND_LEDGER), ==, "ledger");
  g_assert_cmpstr (qm_report_kind_to_string (QM_REPORT_KIND_SUMMARY), ==, "summary");
  g_assert_false (qm_report_kind_from_string ("stock", &(QmReportKind) { 0 }));
  g_assert_true (qm_report_kind_has_period (QM_REPORT_KIND_AUDIT));
  g_assert_false (qm_report_kind_has_period (QM_REPORT_KIND_VALUATION));
  g_assert_true (qm_report_kind_has_day (QM_REPORT_KIND_SUMMARY));
  g_assert_false (qm_report_kind_has_day (QM_REPORT_KIND_RECONCILIATION));
}

static void
assert_invalid (QmReportRequest *request,
                const char      *message_part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (qm_report_request_validate (request, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
  qm_report_request_free (request);
}

static void
test_validate (void)
{
  g_autoptr(QmReportRequest) ok = NULL;
  g_autoptr(QmReportRequest) day = NULL;
  g_autoptr(QmReportRequest) none = NULL;
  g_autoptr(GError) error = NULL;

  ok = qm_report_request_new (QM_REPORT_KIND_LEDGER, "2026-10-01", "2026-10-01", "ignored");
  g_assert_true (qm_report_request_validate (ok, &error));
  g_assert_no_error (error);
  g_assert_null (ok->at_day);

  day = qm_report_request_new (QM_REPORT_KIND_VALUATION, "x", "y", "2024-02-29");
  g_assert_true (qm_report_request_validate (day, &error));
  g_assert_null (day->from_day);

  none = qm_report_request_new (QM_REPORT_KIND_RECONCILIATION, NULL, NULL, NULL);
  g_assert_true (qm_report_request_validate (none, &error));

  assert_invalid (qm_report_request_new (QM_REPORT_KIND_LEDGER, NULL, "2026-10-01", NULL),
                  "the first day");
  assert_invalid (qm_report_request_new (QM_REPORT_KIND_AUDIT, "2026-10-01", "", NULL),
                  "the last day");
  assert_invalid (qm_report_request_new (QM_REPORT_KIND_LEDGER, "2026-02-30", "2026-03-01", NULL),
                  "“2026-02-30” is not a date");
  assert_invalid (qm_report_request_new (QM_REPORT_KIND_LEDGER, "2026-1-01", "2026-03-01", NULL),
                  "YYYY-MM-DD");
  assert_invalid (qm_report_request_new (QM_REPORT_KIND_LEDGER, "2026-10-31", "2026-10-01", NULL),
                  "swap");
  assert_invalid (qm_report_request_new (QM_REPORT_KIND_SUMMARY, NULL, NULL, "2025-02-29"),
                  "not a date");
  assert_invalid (qm_report_request_new (QM_REPORT_KIND_VALUATION, NULL, NULL, " 2026-10-01"),
                  "not a date");
}

static void
test_file_names_and_parameters (void)
{
  static const struct {
    QmReportKind  kind;
    const char   *from, *to, *at;
    gboolean      bom;
    const char   *file;
    const char   *parameters;
  } cases[] = {
    { QM_REPORT_KIND_LEDGER, "2026-10-01", "2026-10-31", NULL, FALSE,
      "ledger-2026-10-01-2026-10-31.csv",
      "from=2026-10-01 to=2026-10-31 time_zone=Asia/Shanghai bom=false" },
    { QM_REPORT_KIND_AUDIT, "2026-10-01", "2026-10-31", NULL, TRUE,
      "audit-2026-10-01-2026-10-31.csv",
      "from=2026-10-01 to=2026-10-31 time_zone=Asia/Shanghai bom=true" },
    { QM_REPORT_KIND_VALUATION, NULL, NULL, "2026-10-31", FALSE, "valuation-2026-10-31.csv",
      "at=2026-10-31 time_zone=Asia/Shanghai bom=false" },
    { QM_REPORT_KIND_SUMMARY, NULL, NULL, "2026-10-31", TRUE, "summary-2026-10-31.csv",
      "at=2026-10-31 time_zone=Asia/Shanghai bom=true" },
    { QM_REPORT_KIND_RECONCILIATION, NULL, NULL, NULL, FALSE, "reconciliation-2026-11-27.csv",
      "bom=false" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(QmReportRequest) request =
        qm_report_request_new (cases[i].kind, cases[i].from, cases[i].to, cases[i].at);
      g_autofree char *file = qm_report_request_suggest_file_name (request, "2026-11-27");
      g_auto(GStrv) parameters =
        qm_report_request_manifest_parameters (request, "Asia/Shanghai", cases[i].bom);
      g_autoptr(GString) joined = g_string_new (NULL);

      g_assert_cmpstr (file, ==, cases[i].file);
      g_assert_cmpuint (g_strv_length (parameters) % 2, ==, 0);
      for (guint p = 0; parameters[p] != NULL; p += 2)
        g_string_append_printf (joined, "%s%s=%s", p > 0 ? " " : "", parameters[p],
                                parameters[p + 1]);
      g_assert_cmpstr (joined->str, ==, cases[i].parameters);
    }
}

/* ------------------------------------------------------------------------ */
/* The preview index                                                        */

/* Row r's cells: some need quotes, some hold line breaks. */
static char **
synthetic_row (guint r)
{
  char **cells = g_new0 (char *, 4);

  cells[0] = g_strdup_printf ("WH-%u", r % 3);
  switch (r % 5)
    {
    case 0:
      cells[1] = g_strdup_printf ("plain %u", r);
      break;
    case 1:
      cells[1] = g_strdup_printf ("comma, %u", r);
      break;
    case 2:
      cells[1] = g_strdup_printf ("quote \"%u\" and \"\"", r);
      break;
    case 3:
      cells[1] = g_strdup_printf ("two\r\nlines %u\nand a third", r);
      break;
    default:
      cells[1] = g_strdup ("");
      break;
    }
  cells[2] = g_strdup_printf ("%u", r * 7);
  return cells;
}

static void
append_csv_cell (GString    *csv,
                 const char *cell)
{
  if (strpbrk (cell, ",\"\r\n") == NULL)
    {
      g_string_append (csv, cell);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *c = cell; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *c);
    }
  g_string_append_c (csv, '"');
}

static GString *
synthetic_csv (guint     n_rows,
               gboolean  bom)
{
  GString *csv = g_string_new (bom ? "\xEF\xBB\xBF" : "");

  g_string_append (csv, "warehouse_id,\"odd, header\",quantity\r\n");
  for (guint r = 0; r < n_rows; r++)
    {
      g_auto(GStrv) cells = synthetic_row (r);

      for (guint c = 0; cells[c] != NULL; c++)
        {
          if (c > 0)
            g_string_append_c (csv, ',');
          append_csv_cell (csv, cells[c]);
        }
      g_string_append (csv, "\r\n");
    }

  return csv;
}

static void
check_preview (guint    n_rows,
               gboolean bom,
               gsize    chunk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmReportPreview) preview = qm_report_preview_new (&error);
  g_autoptr(GString) csv = synthetic_csv (n_rows, bom);
  GOutputStream *stream;

  g_assert_no_error (error);
  stream = qm_report_preview_get_stream (preview);

  /* In uneven pieces, so that records and quotes straddle writes. */
  for (gsize at = 0; at < csv->len; at += chunk)
    {
      g_output_stream_write_all (stream, csv->str + at, MIN (chunk, csv->len - at), NULL, NULL,
                                 &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (qm_report_preview_get_progress (preview), ==, n_rows);

  g_assert_true (qm_report_preview_seal (preview, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (qm_report_preview_get_n_rows (preview), ==, n_rows);
  g_assert_cmpuint (qm_report_preview_get_size (preview), ==, csv->len);
  g_assert_cmpuint (qm_report_preview_get_n_columns (preview), ==, 3);
  g_assert_cmpstr (qm_report_preview_get_column (preview, 0), ==, "warehouse_id");
  g_assert_cmpstr (qm_report_preview_get_column (preview, 1), ==, "odd, header");
  g_assert_cmpstr (qm_report_preview_get_column (preview, 2), ==, "quantity");
  g_assert_null (qm_report_preview_get_column (preview, 3));

  /* Every row, backwards, so no row is read from where the last one ended. */
  for (guint r = n_rows; r-- > 0;)
    {
      g_auto(GStrv) expected = synthetic_row (r);
      g_auto(GStrv) cells = qm_report_preview_get_row (preview, r);

      g_assert_nonnull (cells);
      g_assert_cmpstrv (cells, expected);
    }
  g_assert_null (qm_report_preview_get_row (preview, n_rows));
  g_assert_null (qm_report_preview_get_row (preview, G_MAXUINT64));
}

static void
test_preview_index (void)
{
  check_preview (0, FALSE, 4096);
  check_preview (1, FALSE, 1);
  check_preview (63, FALSE, 7);
  check_preview (64, TRUE, 64);
  check_preview (65, FALSE, 3);
  check_preview (1000, FALSE, 4093);
  check_preview (1000, TRUE, 1);
}

static void
test_preview_without_line_end (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmReportPreview) preview = qm_report_preview_new (&error);
  static const char csv[] = "a,b\r\n1,2\r\n3,\"x\"";
  g_auto(GStrv) last = NULL;

  g_output_stream_write_all (qm_report_preview_get_stream (preview), csv, strlen (csv), NULL,
                             NULL, &error);
  g_assert_no_error (error);
  g_assert_true (qm_report_preview_seal (preview, &error));
  g_assert_cmpuint (qm_report_preview_get_n_rows (preview), ==, 2);
  last = qm_report_preview_get_row (preview, 1);
  g_assert_cmpstrv (last, ((const char * const[]) { "3", "x", NULL }));
}

static void
test_preview_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmReportPreview) preview = qm_report_preview_new (&error);

  g_assert_true (qm_report_preview_seal (preview, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (qm_report_preview_get_n_rows (preview), ==, 0);
  g_assert_cmpuint (qm_report_preview_get_n_columns (preview), ==, 0);
  g_assert_null (qm_report_preview_get_row (preview, 0));
}

/* ------------------------------------------------------------------------ */
/* Exports against the command line                                         */

typedef struct
{
  char *dir;
  char *db;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

#define MV(seq, id, at, kind, sku, qty, from, to, cost) \
  { seq, id, at, kind, sku, qty, from, to, cost >= 0, cost, NULL, NULL, NULL, NULL, NULL }

/* Two warehouses, 150 SKUs (more than one block of the index), names
 * that need quoting and the formula guard, a snapshot that disagrees. */
static void
seed (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (path, &error);
  const char *warehouses[] = { "WH-EAST", "WH-WEST" };

  g_assert_no_error (error);
  qm_store_set_setting (store, "company_timezone", "Asia/Shanghai", "tester", &error);
  g_assert_no_error (error);

  for (guint w = 0; w < G_N_ELEMENTS (warehouses); w++)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", 1 + w);
      QmWarehouse wh = { (char *) warehouses[w], url };
      g_autoptr(GArray) movements = g_array_new (FALSE, TRUE, sizeof (QmMovement));
      g_autoptr(GArray) products = g_array_new (FALSE, TRUE, sizeof (QmProduct));
      g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (QmStockItem));
      gint64 seq = 0;

      qm_store_add_warehouse (store, &wh, "tester", &error);
      g_assert_no_error (error);

      for (guint s = 0; s < 150; s++)
        {
          char *sku = g_strdup_printf ("SKU-%03u", s);
          char *name = g_strdup_printf (s % 4 == 0 ? "Mug, \"%u\" big" :
                                        s % 4 == 1 ? "=cmd|%u" :
                                        s % 4 == 2 ? "Tasse %u – weiß" : "two\nlines %u", s);
          char *in_at = g_strdup_printf ("2026-10-%02uT%02u:30:00Z", 1 + s % 28, s % 24);
          char *out_at = g_strdup_printf ("2026-11-%02uT%02u:10:00Z", 1 + s % 28, (s * 7) % 24);
          QmProduct product = { sku, name, s % 3 == 0 ? "kitchen" : "outdoor", "pcs", 1 };
          char *in_id = g_strdup_printf ("in-%u", s);
          char *out_id = g_strdup_printf ("out-%u", s);
          QmMovement receive = MV (seq + 1, in_id, in_at, "purchase_inbound", sku, 10 + s + w, NULL,
                                   "qualified", 10000 + 137 * (gint64) s);
          QmMovement issue = MV (seq + 2, out_id, out_at, "sales_outbound", sku, 3 + s % 5, "qualified",
                                 NULL, -1);
          QmStockItem item = { sku, "qualified", (10 + s + w) - (3 + s % 5) + (s % 10 == 0) };

          g_ptr_array_add (strings, sku);
          g_ptr_array_add (strings, name);
          g_ptr_array_add (strings, in_at);
          g_ptr_array_add (strings, out_at);
          g_ptr_array_add (strings, in_id);
          g_ptr_array_add (strings, out_id);
          seq += 2;
          g_array_append_val (products, product);
          g_array_append_val (movements, receive);
          if (s % 6 != 5)
            g_array_append_val (movements, issue);
          else
            item.quantity = 10 + s + w;
          g_array_append_val (items, item);
        }

      qm_store_upsert_products (store, warehouses[w], (QmProduct *) products->data, products->len,
                                &error);
      g_assert_no_error (error);
      qm_store_insert_movements (store, warehouses[w], (QmMovement *) movements->data,
                                 movements->len, seq, NULL, &error);
      g_assert_no_error (error);
      qm_store_replace_snapshot (store, warehouses[w], seq, (QmStockItem *) items->data,
                                 items->len, &error);
      g_assert_no_error (error);
      qm_store_reconcile (store, warehouses[w], seq, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("qm-report-export-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->db = g_build_filename (fixture->dir, "cache.db", NULL);
  seed (fixture->db);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->db);
  g_free (fixture->dir);
}

static void
run_cli (const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait_status = 0;

  g_assert_nonnull (g_getenv ("QM_CLI"));
  g_ptr_array_add (argv, (char *) g_getenv ("QM_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &wait_status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    g_error ("quartermaster-cli failed: %s", err);
}

static JsonObject *
read_manifest (const char  *csv_path,
               JsonParser **out_parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = qm_report_manifest_path (csv_path);
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  *out_parser = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

static char *
member_json (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  return json_to_string (node, FALSE);
}

static void
export_and_compare (Fixture            *fixture,
                    QmReportRequest    *request,
                    gboolean            bom,
                    const char * const *cli_args,
                    guint64             min_rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db, &error);
  g_autofree char *ours = g_build_filename (fixture->dir, "ours.csv", NULL);
  g_autofree char *theirs = g_build_filename (fixture->dir, "theirs.csv", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *our_bytes = NULL;
  g_autofree char *their_bytes = NULL;
  gsize our_len = 0, their_len = 0;
  g_autoptr(JsonParser) our_parser = NULL;
  g_autoptr(JsonParser) their_parser = NULL;
  JsonObject *our_manifest, *their_manifest;
  static const char * const same[] = {
    "report", "parameters", "rows", "sha256", "warehouses", "audit_head",
  };
  QmReportDigest digest = { 0 };
  gsize bytes = 0;

  g_assert_no_error (error);

  g_assert_true (qm_report_request_export (request, store, ours,
                                           bom ? QM_CSV_FLAGS_BOM : QM_CSV_FLAGS_NONE,
                                           &bytes, &digest, NULL, &error));
  g_assert_no_error (error);

  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, fixture->db);
  g_ptr_array_add (argv, (char *) "report");
  for (guint i = 0; cli_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) cli_args[i]);
  g_ptr_array_add (argv, (char *) "--output");
  g_ptr_array_add (argv, theirs);
  if (bom)
    g_ptr_array_add (argv, (char *) "--bom");
  g_ptr_array_add (argv, NULL);
  run_cli ((const char * const *) argv->pdata);

  g_file_get_contents (ours, &our_bytes, &our_len, &error);
  g_assert_no_error (error);
  g_file_get_contents (theirs, &their_bytes, &their_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (our_bytes, our_len, their_bytes, their_len);
  g_assert_cmpuint (bytes, ==, our_len);
  g_assert_cmpuint (digest.rows, >=, min_rows);

  our_manifest = read_manifest (ours, &our_parser);
  their_manifest = read_manifest (theirs, &their_parser);
  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *a = member_json (our_manifest, same[i]);
      g_autofree char *b = member_json (their_manifest, same[i]);

      g_assert_cmpstr (a, ==, b);
    }
  g_assert_cmpstr (json_object_get_string_member (our_manifest, "file"), ==, "ours.csv");
  g_assert_cmpint (json_object_get_int_member (our_manifest, "rows"), ==, (gint64) digest.rows);
  g_assert_cmpstr (json_object_get_string_member (our_manifest, "sha256"), ==, digest.sha256);

  g_assert_true (qm_report_verify (ours, NULL, &error));
  g_assert_no_error (error);

  /* The preview holds the same rows, cut the same way as the file. */
  {
    g_autoptr(QmReportPreview) preview = qm_report_preview_new (&error);

    g_assert_no_error (error);
    g_assert_nonnull (qm_report_request_preview (request, store, preview, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (qm_report_preview_get_n_rows (preview), ==, digest.rows);
    g_assert_cmpuint (qm_report_preview_get_size (preview) + (bom ? 3 : 0), ==, our_len);
  }
}

static void
test_export_same_as_cli (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const ledger[] = { "ledger", "--from", "2026-10-05", "--to", "2026-11-20",
                                         NULL };
  static const char * const valuation[] = { "valuation", "--at", "2026-11-10", NULL };
  static const char * const summary[] = { "summary", "--at", "2026-11-10", NULL };
  static const char * const reconciliation[] = { "reconciliation", NULL };
  static const char * const audit[] = { "audit", "--from", "2026-01-01", "--to", "2030-12-31",
                                        NULL };
  g_autoptr(QmReportRequest) r1 =
    qm_report_request_new (QM_REPORT_KIND_LEDGER, "2026-10-05", "2026-11-20", NULL);
  g_autoptr(QmReportRequest) r2 =
    qm_report_request_new (QM_REPORT_KIND_VALUATION, NULL, NULL, "2026-11-10");
  g_autoptr(QmReportRequest) r3 =
    qm_report_request_new (QM_REPORT_KIND_SUMMARY, NULL, NULL, "2026-11-10");
  g_autoptr(QmReportRequest) r4 =
    qm_report_request_new (QM_REPORT_KIND_RECONCILIATION, NULL, NULL, NULL);
  g_autoptr(QmReportRequest) r5 =
    qm_report_request_new (QM_REPORT_KIND_AUDIT, "2026-01-01", "2030-12-31", NULL);

  /* 2 warehouses x 150 SKUs, all with stock in the period */
  export_and_compare (fixture, r1, FALSE, ledger, 300);
  export_and_compare (fixture, r1, TRUE, ledger, 300);
  export_and_compare (fixture, r2, FALSE, valuation, 250);
  export_and_compare (fixture, r3, TRUE, summary, 4);
  /* every tenth SKU was counted one more in the snapshot */
  export_and_compare (fixture, r4, FALSE, reconciliation, 30);
  export_and_compare (fixture, r5, FALSE, audit, 3);
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_export_cancelled_keeps_old_file (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db, &error);
  g_autofree char *out_dir = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *target = g_build_filename (out_dir, "ledger.csv", NULL);
  g_autofree char *manifest = qm_report_manifest_path (target);
  g_autofree char *contents = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(QmReportRequest) request =
    qm_report_request_new (QM_REPORT_KIND_LEDGER, "2026-10-01", "2026-11-30", NULL);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);
  g_file_set_contents (target, "old", -1, &error);
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  g_assert_false (qm_report_request_export (request, store, target, QM_CSV_FLAGS_NONE, NULL, NULL,
                                            cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The old file untouched, no manifest, no temporary file left. */
  g_file_get_contents (target, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "old");
  g_assert_false (g_file_test (manifest, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (out_dir), ==, 1);

  /* A bad request writes nothing either. */
  {
    g_autoptr(QmReportRequest) bad =
      qm_report_request_new (QM_REPORT_KIND_LEDGER, "2026-11-30", "2026-10-01", NULL);

    g_assert_false (qm_report_request_export (bad, store, target, QM_CSV_FLAGS_NONE, NULL, NULL,
                                              NULL, &error));
    g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_cmpuint (count_entries (out_dir), ==, 1);
  }

  /* Then a real export replaces it, with its manifest. */
  g_assert_true (qm_report_request_export (request, store, target, QM_CSV_FLAGS_NONE, NULL, NULL,
                                           NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (out_dir), ==, 2);
  g_assert_true (qm_report_verify (target, NULL, &error));
  g_assert_no_error (error);
}

static void
test_export_to_missing_folder (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db, &error);
  g_autofree char *target = g_build_filename (fixture->dir, "no-such-folder", "x.csv", NULL);
  g_autoptr(QmReportRequest) request =
    qm_report_request_new (QM_REPORT_KIND_RECONCILIATION, NULL, NULL, NULL);

  g_assert_false (qm_report_request_export (request, store, target, QM_CSV_FLAGS_NONE, NULL, NULL,
                                            NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "choose a folder"));
}

static void
test_fingerprint (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db, &error);
  g_autofree char *before = NULL;
  g_autofree char *again = NULL;
  g_autofree char *after = NULL;
  guint n = 0;

  before = qm_report_data_fingerprint (store, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  again = qm_report_data_fingerprint (store, NULL, &error);
  g_assert_cmpstr (before, ==, again);

  qm_store_set_setting (store, "company_timezone", "UTC", "tester", &error);
  g_assert_no_error (error);
  after = qm_report_data_fingerprint (store, NULL, &error);
  g_assert_cmpstr (before, !=, after);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report-export/kinds", test_kinds);
  g_test_add_func ("/report-export/validate", test_validate);
  g_test_add_func ("/report-export/file-names-and-parameters", test_file_names_and_parameters);
  g_test_add_func ("/report-preview/index", test_preview_index);
  g_test_add_func ("/report-preview/without-line-end", test_preview_without_line_end);
  g_test_add_func ("/report-preview/empty", test_preview_empty);
  g_test_add ("/report-export/same-as-cli", Fixture, NULL, fixture_setup,
              test_export_same_as_cli, fixture_teardown);
  g_test_add ("/report-export/cancelled-keeps-old-file", Fixture, NULL, fixture_setup,
              test_export_cancelled_keeps_old_file, fixture_teardown);
  g_test_add ("/report-export/missing-folder", Fixture, NULL, fixture_setup,
              test_export_to_missing_folder, fixture_teardown);
  g_test_add ("/report-export/fingerprint", Fixture, NULL, fixture_setup,
              test_fingerprint, fixture_teardown);

  return g_test_run ();
}
