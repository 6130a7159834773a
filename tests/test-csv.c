/* test-csv.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-csv"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "qm-csv.h"
#include "qm-error.h"

#define BOM "\xEF\xBB\xBF"

/* One text field, and what the writer must put in the file for it. */
typedef struct
{
  const char *path;
  const char *text;
  const char *field;
} TextCase;

static const TextCase text_cases[] = {
  { "/csv/plain/ascii",            "hello",          "hello" },
  { "/csv/plain/spaces",           "  padded  ",     "  padded  " },
  { "/csv/plain/apostrophe",       "'quoted",        "'quoted" },
  { "/csv/plain/inner-formula",    "a=b+c-d@e",      "a=b+c-d@e" },
  { "/csv/plain/empty",            "",               "" },
  { "/csv/plain/null",             NULL,             "" },
  { "/csv/quote/comma",            "a,b",            "\"a,b\"" },
  { "/csv/quote/quote",            "say \"hi\"",     "\"say \"\"hi\"\"\"" },
  { "/csv/quote/lone-quote",       "\"",             "\"\"\"\"" },
  { "/csv/quote/two-quotes",       "\"\"",           "\"\"\"\"\"\"" },
  { "/csv/quote/cr",               "a\rb",           "\"a\rb\"" },
  { "/csv/quote/lf",               "a\nb",           "\"a\nb\"" },
  { "/csv/quote/crlf",             "a\r\nb",         "\"a\r\nb\"" },
  { "/csv/quote/trailing-cr",      "a\r",            "\"a\r\"" },
  { "/csv/quote/leading-lf",       "\nx",            "\"\nx\"" },
  { "/csv/guard/equals",           "=SUM(A1:A9)",    "'=SUM(A1:A9)" },
  { "/csv/guard/plus",             "+31 20 555",     "'+31 20 555" },
  { "/csv/guard/minus",            "-5",             "'-5" },
  { "/csv/guard/at",               "@cmd",           "'@cmd" },
  { "/csv/guard/tab",              "\tx",            "'\tx" },
  { "/csv/guard/cr",               "\rx",            "\"'\rx\"" },
  { "/csv/guard/lone-equals",      "=",              "'=" },
  { "/csv/guard/quoted-comma",     "=1,2",           "\"'=1,2\"" },
  { "/csv/guard/quoted-quote",     "=\"x\"",         "\"'=\"\"x\"\"\"" },
  { "/csv/guard/hyperlink",        "=HYPERLINK(\"http://e.test\",\"go\")",
                                   "\"'=HYPERLINK(\"\"http://e.test\"\",\"\"go\"\")\"" },
  { "/csv/guard/minus-newline",    "-\n1",           "\"'-\n1\"" },
  { "/csv/utf8/non-ascii",         "Äpfel 苹果 🍎",  "Äpfel 苹果 🍎" },
  { "/csv/utf8/non-ascii-comma",   "Äpfel, 苹果",    "\"Äpfel, 苹果\"" },
  { "/csv/utf8/leading-non-ascii", "＝1",            "＝1" },
};

typedef struct
{
  GOutputStream *stream;
  QmCsvWriter   *writer;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  QmCsvFlags flags = GPOINTER_TO_UINT (user_data);

  fixture->stream = g_memory_output_stream_new_resizable ();
  fixture->writer = qm_csv_writer_new (fixture->stream, flags);
}

static void
fixture_set_up_plain (Fixture       *fixture,
                      gconstpointer  user_data)
{
  fixture_set_up (fixture, GUINT_TO_POINTER (QM_CSV_FLAGS_NONE));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->writer, qm_csv_writer_free);
  g_assert_finalize_object (fixture->stream);
}

/* Closes the writer and returns everything written, nul-terminated. */
static char *
close_and_steal (Fixture *fixture)
{
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (fixture->stream);
  g_autoptr(GError) error = NULL;
  gsize size;

  g_assert_true (qm_csv_writer_close (fixture->writer, NULL, &error));
  g_assert_no_error (error);

  size = g_memory_output_stream_get_data_size (memory);
  if (size == 0)
    return g_strdup ("");

  return g_strndup (g_memory_output_stream_get_data (memory), size);
}

static void
test_text_case (Fixture       *fixture,
                gconstpointer  user_data)
{
  const TextCase *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *output = NULL;

  /* The field between two others, so separators are checked too. */
  g_assert_true (qm_csv_writer_add_text (fixture->writer, "L", &error));
  g_assert_true (qm_csv_writer_add_text (fixture->writer, c->text, &error));
  g_assert_true (qm_csv_writer_add_text (fixture->writer, "R", &error));
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  expected = g_strdup_printf ("L,%s,R\r\n", c->field);
  g_assert_cmpstr (output, ==, expected);
  g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, 1);
}

static void
test_guard_text (void)
{
  struct { const char *text; const char *guarded; } cases[] = {
    { "",       "" },
    { "abc",    "abc" },
    { "=1+2",   "'=1+2" },
    { "+1",     "'+1" },
    { "-1",     "'-1" },
    { "@x",     "'@x" },
    { "\tx",    "'\tx" },
    { "\rx",    "'\rx" },
    { "\nx",    "\nx" },
    { " =1",    " =1" },
    { "'=1",    "'=1" },
    { "a,b",    "a,b" },      /* guarded, not quoted */
    { "=a,\"b\"", "'=a,\"b\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *guarded = qm_csv_guard_text (cases[i].text);

      g_assert_cmpstr (guarded, ==, cases[i].guarded);
    }
}

static void
test_single_empty_field (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  /* A lone empty field must not turn into a blank line. */
  g_assert_true (qm_csv_writer_add_text (fixture->writer, "", &error));
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_true (qm_csv_writer_add_text (fixture->writer, NULL, &error));
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_true (qm_csv_writer_add_text (fixture->writer, "x", &error));
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==, "\"\"\r\n\"\"\r\nx\r\n");
  g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, 3);
}

static void
test_empty_fields (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  g_assert_true (qm_csv_writer_add_text (fixture->writer, "", &error));
  g_assert_true (qm_csv_writer_add_text (fixture->writer, NULL, &error));
  g_assert_true (qm_csv_writer_add_text_len (fixture->writer, NULL, 0, &error));
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==, ",,\r\n");
}

static void
test_numbers (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  qm_csv_writer_add_int64 (fixture->writer, -5);
  qm_csv_writer_add_int64 (fixture->writer, 0);
  qm_csv_writer_add_int64 (fixture->writer, G_MININT64);
  qm_csv_writer_add_money (fixture->writer, -12345, 2);
  qm_csv_writer_add_money (fixture->writer, 123750, 4);
  qm_csv_writer_add_money (fixture->writer, 12345000, 2);
  qm_csv_writer_add_money (fixture->writer, -40, 2);
  qm_csv_writer_add_money (fixture->writer, 25000, 0);
  qm_csv_writer_add_number (fixture->writer, "-12.5");
  qm_csv_writer_add_number (fixture->writer, "3");
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==,
                   "-5,0,-9223372036854775808,-1.23,12.3750,1234.50,0.00,2,-12.5,3\r\n");
}

static void
test_number_refused (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const char * const bad[] = { "=1", "1,5", "", "-", "1.", "+1", "1e3", " 1" };
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  /* Not a number: a programming error, and nothing is written. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_expect_message ("qm-csv", G_LOG_LEVEL_CRITICAL, "*is_plain_number*");
      qm_csv_writer_add_number (fixture->writer, bad[i]);
      g_test_assert_expected_messages ();
    }

  qm_csv_writer_add_number (fixture->writer, "7");
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==, "7\r\n");
}

static void
test_bom (Fixture       *fixture,
          gconstpointer  user_data)
{
  const char * const columns[] = { "sku", "quantity", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  g_assert_true (qm_csv_writer_add_header (fixture->writer, columns, &error));
  g_assert_true (qm_csv_writer_add_text (fixture->writer, "Äpfel", &error));
  qm_csv_writer_add_int64 (fixture->writer, 3);
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==, BOM "sku,quantity\r\nÄpfel,3\r\n");
}

static void
test_no_bom_empty (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *output = close_and_steal (fixture);

  g_assert_cmpstr (output, ==, "");
  g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, 0);
  /* SHA-256 of nothing at all */
  g_assert_cmpstr (qm_csv_writer_get_sha256 (fixture->writer), ==,
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
test_header (Fixture       *fixture,
             gconstpointer  user_data)
{
  const char * const columns[] = { "warehouse_id", "sku", "status", "quantity", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  g_assert_true (qm_csv_writer_add_header (fixture->writer, columns, &error));
  g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (qm_csv_writer_add_text (fixture->writer, "WH-1", &error));
      g_assert_true (qm_csv_writer_add_text (fixture->writer, "-SKU", &error));
      g_assert_true (qm_csv_writer_add_text (fixture->writer, "qualified", &error));
      qm_csv_writer_add_int64 (fixture->writer, -(gint64) i);
      g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, 2);
  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==,
                   "warehouse_id,sku,status,quantity\r\n"
                   "WH-1,'-SKU,qualified,0\r\n"
                   "WH-1,'-SKU,qualified,-1\r\n");
}

static void
test_header_misuse (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const char * const columns[] = { "a", "b", NULL };
  const char * const bad_columns[] = { "a", "\xff", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  /* A header that is not UTF-8 writes nothing. */
  g_assert_false (qm_csv_writer_add_header (fixture->writer, bad_columns, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (qm_csv_writer_add_header (fixture->writer, columns, &error));
  g_assert_no_error (error);

  /* Twice is a programming error. */
  g_test_expect_message ("qm-csv", G_LOG_LEVEL_CRITICAL, "*header*first row*");
  g_assert_false (qm_csv_writer_add_header (fixture->writer, columns, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, QM_ERROR, QM_ERROR_FAILED);
  g_clear_error (&error);

  /* So is a row that does not match the header; it is dropped. */
  g_assert_true (qm_csv_writer_add_text (fixture->writer, "only one", &error));
  g_test_expect_message ("qm-csv", G_LOG_LEVEL_CRITICAL, "*1 fields but the header has 2*");
  g_assert_false (qm_csv_writer_end_row (fixture->writer, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, QM_ERROR, QM_ERROR_FAILED);
  g_clear_error (&error);

  /* And a row without fields. */
  g_test_expect_message ("qm-csv", G_LOG_LEVEL_CRITICAL, "*at least one field*");
  g_assert_false (qm_csv_writer_end_row (fixture->writer, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, QM_ERROR, QM_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (qm_csv_writer_add_text (fixture->writer, "1", &error));
  g_assert_true (qm_csv_writer_add_text (fixture->writer, "2", &error));
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==, "a,b\r\n1,2\r\n");
  g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, 1);
}

static void
test_close_mid_row (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qm_csv_writer_add_text (fixture->writer, "dangling", &error));
  g_test_expect_message ("qm-csv", G_LOG_LEVEL_CRITICAL, "*middle of a row*");
  g_assert_false (qm_csv_writer_close (fixture->writer, NULL, &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, QM_ERROR, QM_ERROR_FAILED);
  g_assert_null (qm_csv_writer_get_sha256 (fixture->writer));
}

static void
test_row_count (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char * const columns[] = { "n", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  g_assert_true (qm_csv_writer_add_header (fixture->writer, columns, &error));
  for (gint64 i = 0; i < 1000; i++)
    {
      qm_csv_writer_add_int64 (fixture->writer, i);
      g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
      g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, i + 1);
    }
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  g_assert_true (g_str_has_prefix (output, "n\r\n0\r\n1\r\n"));
  g_assert_true (g_str_has_suffix (output, "\r\n998\r\n999\r\n"));
}

/* Enough rows to pass the 64 KiB buffer several times. */
static void
write_many_rows (QmCsvWriter *writer,
                 guint        n_rows)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *text = g_strdup_printf ("=row %u, \"Äpfel 苹果 🍎\"", i);

      qm_csv_writer_add_int64 (writer, i);
      g_assert_true (qm_csv_writer_add_text (writer, text, &error));
      qm_csv_writer_add_money (writer, (gint64) i * 12345, 2);
      g_assert_true (qm_csv_writer_end_row (writer, &error));
      g_assert_no_error (error);
    }
}

static void
test_sha256 (Fixture       *fixture,
             gconstpointer  user_data)
{
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (fixture->stream);
  const char * const columns[] = { "n", "text", "value", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  gsize written_before_close;

  g_assert_true (qm_csv_writer_add_header (fixture->writer, columns, &error));
  write_many_rows (fixture->writer, 5000);

  /* The buffer went to the stream before close, more than once. */
  written_before_close = g_memory_output_stream_get_data_size (memory);
  g_assert_cmpuint (written_before_close, >=, 2 * 64 * 1024);

  g_assert_true (qm_csv_writer_close (fixture->writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (memory), >, written_before_close);

  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                          g_memory_output_stream_get_data (memory),
                                          g_memory_output_stream_get_data_size (memory));
  g_assert_cmpstr (qm_csv_writer_get_sha256 (fixture->writer), ==, expected);
  g_assert_cmpuint (qm_csv_writer_get_rows (fixture->writer), ==, 5000);

  if (GPOINTER_TO_UINT (user_data) & QM_CSV_FLAGS_BOM)
    g_assert_cmpmem (g_memory_output_stream_get_data (memory), 3, BOM, 3);
}

static void
test_invalid_utf8 (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char * const bad[] = {
    "\xff",
    "abc\xc3",             /* truncated sequence */
    "\xc0\x80",            /* overlong NUL */
    "\xed\xa0\x80",        /* UTF-16 surrogate */
    "=\xfe",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  g_assert_true (qm_csv_writer_add_text (fixture->writer, "ok", &error));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (qm_csv_writer_add_text (fixture->writer, bad[i], &error));
      g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "UTF-8"));
      g_clear_error (&error);
    }

  /* A NUL inside the given length is refused too. */
  g_assert_false (qm_csv_writer_add_text_len (fixture->writer, "a\0b", 3, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "NUL"));
  g_clear_error (&error);

  /* Refused fields add nothing; a length stops before the rest. */
  g_assert_true (qm_csv_writer_add_text_len (fixture->writer, "a,bcd", 3, &error));
  g_assert_true (qm_csv_writer_end_row (fixture->writer, &error));
  g_assert_no_error (error);

  output = close_and_steal (fixture);
  g_assert_cmpstr (output, ==, "ok,\"a,b\"\r\n");
}

static void
test_write_error (void)
{
  static char storage[32];
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(QmCsvWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  /* A fixed-size memory stream genuinely refuses to grow (ENOSPC). */
  stream = g_memory_output_stream_new (storage, sizeof storage, NULL, NULL);
  writer = qm_csv_writer_new (stream, QM_CSV_FLAGS_NONE);

  for (guint i = 0; i < 10; i++)
    {
      g_assert_true (qm_csv_writer_add_text (writer, "0123456789", &error));
      g_assert_true (qm_csv_writer_end_row (writer, &error));
      g_assert_no_error (error);
    }

  g_assert_false (qm_csv_writer_close (writer, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_IO);
  g_assert_null (qm_csv_writer_get_sha256 (writer));
}

static void
test_write_error_mid_export (void)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(QmCsvWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (1000, 'x');
  g_autofree char *first_message = NULL;
  gboolean ok = TRUE;
  guint i;

  /* A stream closed under the writer: the first flush fails in end_row. */
  stream = g_memory_output_stream_new_resizable ();
  writer = qm_csv_writer_new (stream, QM_CSV_FLAGS_BOM);
  g_assert_true (g_output_stream_close (stream, NULL, NULL));

  for (i = 0; i < 200 && ok; i++)
    {
      g_assert_true (qm_csv_writer_add_text (writer, big, &error));
      ok = qm_csv_writer_end_row (writer, &error);
    }

  g_assert_false (ok);
  g_assert_cmpuint (i, >, 60);
  g_assert_error (error, QM_ERROR, QM_ERROR_IO);
  first_message = g_strdup (error->message);
  g_clear_error (&error);

  /* Later calls report the same failure. */
  g_assert_true (qm_csv_writer_add_text (writer, big, &error));
  g_assert_false (qm_csv_writer_end_row (writer, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_IO);
  g_assert_cmpstr (error->message, ==, first_message);
  g_clear_error (&error);

  g_assert_false (qm_csv_writer_close (writer, NULL, &error));
  g_assert_error (error, QM_ERROR, QM_ERROR_IO);
  g_assert_null (qm_csv_writer_get_sha256 (writer));
}

static void
test_cancelled (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(QmCsvWriter) writer = qm_csv_writer_new (stream, QM_CSV_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (1000, 'x');
  gboolean ok = TRUE;

  qm_csv_writer_set_cancellable (writer, cancellable);
  g_cancellable_cancel (cancellable);

  for (guint i = 0; i < 200 && ok; i++)
    {
      g_assert_true (qm_csv_writer_add_text (writer, big, &error));
      ok = qm_csv_writer_end_row (writer, &error);
    }

  g_assert_false (ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)),
                    ==, 0);
}

static void
test_free_unclosed (void)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  QmCsvWriter *writer = qm_csv_writer_new (stream, QM_CSV_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  /* Freeing without closing discards the buffer and drops the stream. */
  g_assert_true (qm_csv_writer_add_text (writer, "x", &error));
  g_assert_true (qm_csv_writer_end_row (writer, &error));
  qm_csv_writer_free (writer);
  qm_csv_writer_free (NULL);

  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)),
                    ==, 0);
  g_assert_finalize_object (g_steal_pointer (&stream));
}

/* A strict RFC 4180 reader for the round trip below: fails the test on
 * anything the RFC does not allow (a bare CR or LF or a quote in an
 * unquoted field, text after a closing quote, a missing final CRLF).
 */
static GPtrArray *
parse_rfc4180 (const char *data,
               gsize       length)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  const char *p = data;
  const char *end = data + length;

  while (p < end)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (rows, row);

      for (;;)
        {
          GString *field = g_string_new (NULL);

          if (p < end && *p == '"')
            {
              for (p++;; p++)
                {
                  g_assert_true (p < end);
                  if (*p == '"' && p + 1 < end && p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      p++;
                    }
                  else if (*p == '"')
                    {
                      p++;
                      break;
                    }
                  else
                    g_string_append_c (field, *p);
                }
            }
          else
            {
              for (; p < end && *p != ',' && *p != '\r'; p++)
                {
                  g_assert_cmpint (*p, !=, '"');
                  g_assert_cmpint (*p, !=, '\n');
                  g_string_append_c (field, *p);
                }
            }

          g_ptr_array_add (row, g_string_free (field, FALSE));

          g_assert_true (p < end);
          if (*p == ',')
            {
              p++;
              continue;
            }

          g_assert_true (p + 1 < end && p[0] == '\r' && p[1] == '\n');
          p += 2;
          break;
        }
    }

  return g_steal_pointer (&rows);
}

static void
test_roundtrip_random (void)
{
  /* Pieces that exercise quoting and the guard, ASCII or not. */
  static const char * const pieces[] = {
    "a", "Z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "=", "+", "-", "@", "\t", "'",
    "Ä", "苹", "🍎", "\xc2\xa0", "\xe2\x80\xa8",
  };
  const guint n_rows = 300;
  const guint n_cols = 4;
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(QmCsvWriter) writer = qm_csv_writer_new (stream, QM_CSV_FLAGS_NONE);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM (stream);

  for (guint r = 0; r < n_rows; r++)
    {
      for (guint c = 0; c < n_cols; c++)
        {
          g_autoptr(GString) text = g_string_new (NULL);
          guint n_pieces = g_test_rand_int_range (0, 6);

          for (guint k = 0; k < n_pieces; k++)
            g_string_append (text, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);

          g_assert_true (qm_csv_writer_add_text (writer, text->str, &error));
          g_assert_no_error (error);
          g_ptr_array_add (expected, qm_csv_guard_text (text->str));
        }
      g_assert_true (qm_csv_writer_end_row (writer, &error));
      g_assert_no_error (error);
    }

  g_assert_true (qm_csv_writer_close (writer, NULL, &error));
  g_assert_no_error (error);

  rows = parse_rfc4180 (g_memory_output_stream_get_data (memory),
                        g_memory_output_stream_get_data_size (memory));
  g_assert_cmpuint (rows->len, ==, n_rows);

  for (guint r = 0; r < n_rows; r++)
    {
      GPtrArray *row = g_ptr_array_index (rows, r);

      g_assert_cmpuint (row->len, ==, n_cols);
      for (guint c = 0; c < n_cols; c++)
        g_assert_cmpstr (g_ptr_array_index (row, c), ==,
                         g_ptr_array_index (expected, r * n_cols + c));
    }
}

/* --write-fixture: the cases the read-back check feeds to other readers. */

static const struct { const char *id; const char *text; } fixture_rows[] = {
  { "plain",          "plain text" },
  { "comma",          "a,b" },
  { "quote",          "say \"hi\"" },
  { "lone-quote",     "\"" },
  { "cr",             "a\rb" },
  { "lf",             "a\nb" },
  { "crlf",           "a\r\nb" },
  { "trailing-cr",    "ends in CR\r" },
  { "trailing-lf",    "ends in LF\n" },
  { "only-crlf",      "\r\n" },
  { "equals",         "=SUM(A1:A9)" },
  { "plus",           "+1" },
  { "minus",          "-5" },
  { "at",             "@cmd" },
  { "tab",            "\tindented" },
  { "leading-cr",     "\rx" },
  { "guard-quoted",   "=HYPERLINK(\"http://e.test\",\"go\")" },
  { "non-ascii",      "Äpfel 苹果 🍎" },
  { "spaces",         "  padded  " },
  { "apostrophe",     "'already" },
  { "empty",          "" },
  { "null",           NULL },
};

static gboolean
write_fixture (const char  *path,
               GError     **error)
{
  const char * const columns[] = { "id", "text", NULL };
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *json_path = g_strconcat (path, ".expected.json", NULL);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(QmCsvWriter) writer = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (stream == NULL)
    return FALSE;

  writer = qm_csv_writer_new (G_OUTPUT_STREAM (stream), QM_CSV_FLAGS_NONE);
  if (!qm_csv_writer_add_header (writer, columns, error))
    return FALSE;

  json_builder_begin_array (builder);

  for (guint i = 0; i < G_N_ELEMENTS (fixture_rows); i++)
    {
      g_autofree char *guarded = qm_csv_guard_text (fixture_rows[i].text ?
                                                    fixture_rows[i].text : "");

      if (!qm_csv_writer_add_text (writer, fixture_rows[i].id, error) ||
          !qm_csv_writer_add_text (writer, fixture_rows[i].text, error) ||
          !qm_csv_writer_end_row (writer, error))
        return FALSE;

      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, fixture_rows[i].id);
      json_builder_add_string_value (builder, guarded);
      json_builder_end_array (builder);
    }

  json_builder_end_array (builder);

  if (!qm_csv_writer_close (writer, NULL, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, error))
    return FALSE;

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);

  return json_generator_to_file (generator, json_path, error);
}

int
main (int   argc,
      char *argv[])
{
  const gconstpointer no_bom = GUINT_TO_POINTER (QM_CSV_FLAGS_NONE);
  const gconstpointer with_bom = GUINT_TO_POINTER (QM_CSV_FLAGS_BOM);

  if (argc == 3 && g_str_equal (argv[1], "--write-fixture"))
    {
      g_autoptr(GError) error = NULL;

      if (!write_fixture (argv[2], &error))
        {
          g_printerr ("test-csv: %s\n", error->message);
          return 1;
        }
      return 0;
    }

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (text_cases); i++)
    g_test_add (text_cases[i].path, Fixture, &text_cases[i],
                fixture_set_up_plain, test_text_case, fixture_tear_down);

  g_test_add_func ("/csv/guard/function", test_guard_text);
  g_test_add ("/csv/empty/single-field", Fixture, no_bom,
              fixture_set_up, test_single_empty_field, fixture_tear_down);
  g_test_add ("/csv/empty/fields", Fixture, no_bom,
              fixture_set_up, test_empty_fields, fixture_tear_down);
  g_test_add ("/csv/number/never-guarded", Fixture, no_bom,
              fixture_set_up, test_numbers, fixture_tear_down);
  g_test_add ("/csv/number/refused", Fixture, no_bom,
              fixture_set_up, test_number_refused, fixture_tear_down);
  g_test_add ("/csv/bom/header", Fixture, with_bom,
              fixture_set_up, test_bom, fixture_tear_down);
  g_test_add ("/csv/bom/none-when-empty", Fixture, no_bom,
              fixture_set_up, test_no_bom_empty, fixture_tear_down);
  g_test_add ("/csv/header/rows", Fixture, no_bom,
              fixture_set_up, test_header, fixture_tear_down);
  g_test_add ("/csv/header/misuse", Fixture, no_bom,
              fixture_set_up, test_header_misuse, fixture_tear_down);
  g_test_add ("/csv/close/mid-row", Fixture, no_bom,
              fixture_set_up, test_close_mid_row, fixture_tear_down);
  g_test_add ("/csv/rows/count", Fixture, no_bom,
              fixture_set_up, test_row_count, fixture_tear_down);
  g_test_add ("/csv/sha256/plain", Fixture, no_bom,
              fixture_set_up, test_sha256, fixture_tear_down);
  g_test_add ("/csv/sha256/bom", Fixture, with_bom,
              fixture_set_up, test_sha256, fixture_tear_down);
  g_test_add ("/csv/utf8/invalid", Fixture, no_bom,
              fixture_set_up, test_invalid_utf8, fixture_tear_down);
  g_test_add_func ("/csv/roundtrip/random", test_roundtrip_random);
  g_test_add_func ("/csv/error/no-space", test_write_error);
  g_test_add_func ("/csv/error/closed-stream", test_write_error_mid_export);
  g_test_add_func ("/csv/error/cancelled", test_cancelled);
  g_test_add_func ("/csv/free/unclosed", test_free_unclosed);

  return g_test_run ();
}
