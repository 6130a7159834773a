/* qm-report.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reports as users receive them: the same bytes whether the window, the
 * command line or a test asks. Rows stream from the store to the output;
 * only the human-readable table is held in memory to align its columns.
 */

#define G_LOG_DOMAIN "qm-report"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-json.h"
#include "qm-money.h"
#include "qm-report.h"
#include "qm-store-allocation.h"
#include "qm-store-ledger.h"
#include "qm-store-procurement.h"

#define FLUSH_SIZE (64 * 1024)

/* ------------------------------------------------------------------------ */
/* Plain output (JSON and tables)                                           */

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  GString       *buffer;
  GError        *error;
  guint64        rows;
} Output;

static void
output_init (Output        *out,
             GOutputStream *stream,
             GCancellable  *cancellable)
{
  out->stream = stream;
  out->cancellable = cancellable;
  out->buffer = g_string_sized_new (FLUSH_SIZE + 1024);
  out->error = NULL;
  out->rows = 0;
}

static gboolean
output_flush (Output *out)
{
  if (out->error != NULL)
    return FALSE;

  if (out->buffer->len > 0 &&
      !g_output_stream_write_all (out->stream, out->buffer->str, out->buffer->len,
                                  NULL, out->cancellable, &out->error))
    return FALSE;

  g_string_truncate (out->buffer, 0);
  return TRUE;
}

static gboolean
output_maybe_flush (Output *out)
{
  if (out->buffer->len >= FLUSH_SIZE)
    return output_flush (out);

  return out->error == NULL;
}

static gboolean
output_finish (Output  *out,
               GError **error)
{
  gboolean ok = output_flush (out) &&
                g_output_stream_flush (out->stream, out->cancellable, &out->error);

  g_string_free (out->buffer, TRUE);
  out->buffer = NULL;

  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&out->error));
      return FALSE;
    }

  return TRUE;
}

static void
output_clear (Output *out)
{
  if (out->buffer != NULL)
    g_string_free (out->buffer, TRUE);
  g_clear_error (&out->error);
}

static void
append_json_string (GString    *buffer,
                    const char *text)
{
  if (text == NULL)
    {
      g_string_append (buffer, "null");
      return;
    }

  g_string_append_c (buffer, '"');
  for (const unsigned char *p = (const unsigned char *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (buffer, "\\\"");
          break;
        case '\\':
          g_string_append (buffer, "\\\\");
          break;
        case '\n':
          g_string_append (buffer, "\\n");
          break;
        case '\r':
          g_string_append (buffer, "\\r");
          break;
        case '\t':
          g_string_append (buffer, "\\t");
          break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (buffer, "\\u%04x", *p);
          else
            g_string_append_c (buffer, (char) *p);
        }
    }
  g_string_append_c (buffer, '"');
}

static void
json_begin_row (Output *out)
{
  g_string_append (out->buffer, out->rows == 0 ? "[\n  {" : ",\n  {");
  out->rows++;
}

static void
json_member_string (Output     *out,
                    gboolean    first,
                    const char *name,
                    const char *value)
{
  if (!first)
    g_string_append (out->buffer, ", ");
  append_json_string (out->buffer, name);
  g_string_append (out->buffer, ": ");
  append_json_string (out->buffer, value);
}

static void
json_member_int (Output     *out,
                 gboolean    first,
                 const char *name,
                 gint64      value)
{
  if (!first)
    g_string_append (out->buffer, ", ");
  append_json_string (out->buffer, name);
  g_string_append_printf (out->buffer, ": %" G_GINT64_FORMAT, value);
}

static void
json_end (Output *out)
{
  g_string_append (out->buffer, out->rows == 0 ? "[]\n" : "\n]\n");
}

/* ------------------------------------------------------------------------ */
/* Formats and dates                                                        */

gboolean
qm_report_format_from_string (const char     *text,
                              QmReportFormat *out_format)
{
  static const struct { const char *name; QmReportFormat format; } formats[] = {
    { "csv", QM_REPORT_FORMAT_CSV },
    { "json", QM_REPORT_FORMAT_JSON },
    { "table", QM_REPORT_FORMAT_TABLE },
  };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (formats); i++)
    {
      if (strcmp (text, formats[i].name) == 0)
        {
          *out_format = formats[i].format;
          return TRUE;
        }
    }

  return FALSE;
}

static GDateTime *
parse_day (const char *day,
           GTimeZone  *tz,
           GError    **error)
{
  int y, m, d;
  char tail;

  if (day == NULL || strlen (day) != 10 ||
      sscanf (day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      day[4] != '-' || day[7] != '-' ||
      !g_ascii_isdigit (day[0]) || !g_ascii_isdigit (day[5]) || !g_ascii_isdigit (day[8]) ||
      !g_date_valid_dmy (d, m, y))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is not a date; write days as YYYY-MM-DD, e.g. 2026-11-27"),
                   day ? day : "");
      return NULL;
    }

  return g_date_time_new (tz, y, m, d, 0, 0, 0);
}

/**
 * qm_report_day_range:
 * @from_day: (nullable): first day, YYYY-MM-DD, inclusive
 * @to_day: (nullable): last day, YYYY-MM-DD, inclusive
 * @time_zone: the company time zone (an IANA name or “UTC”)
 * @out_from_at: (out): the first instant as RFC 3339 UTC, or %NULL
 * @out_to_at: (out): the instant after the last day, or %NULL
 * @error: return location for a #GError
 *
 * Turns whole days in the company time zone into a half-open range of
 * UTC instants, as the stored timestamps are.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_day_range (const char  *from_day,
                     const char  *to_day,
                     const char  *time_zone,
                     char       **out_from_at,
                     char       **out_to_at,
                     GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;

  *out_from_at = NULL;
  *out_to_at = NULL;

  tz = g_time_zone_new_identifier (time_zone != NULL ? time_zone : "UTC");
  if (tz == NULL)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The company time zone “%s” is unknown; set an IANA name such as "
                     "Asia/Shanghai"), time_zone);
      return FALSE;
    }

  if (from_day != NULL && (from = parse_day (from_day, tz, error)) == NULL)
    return FALSE;
  if (to_day != NULL)
    {
      g_autoptr(GDateTime) last = parse_day (to_day, tz, error);

      if (last == NULL)
        return FALSE;
      to = g_date_time_add_days (last, 1);
    }

  if (from != NULL && to != NULL && g_date_time_compare (from, to) >= 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The period ends (%s) before it starts (%s); swap --from and --to"),
                   to_day, from_day);
      return FALSE;
    }

  if (from != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (from);
      *out_from_at = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }
  if (to != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (to);
      *out_to_at = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Aligned tables, for people at a terminal                                 */

static glong
display_width (const char *text)
{
  return g_utf8_strlen (text, -1);
}

static void
append_padded (GString    *buffer,
               const char *text,
               glong       width,
               gboolean    right)
{
  glong pad = width - display_width (text);

  if (right)
    for (glong i = 0; i < pad; i++)
      g_string_append_c (buffer, ' ');

  /* Show line breaks and tabs as spaces so a row stays one line. */
  for (const char *p = text; *p != '\0'; p++)
    g_string_append_c (buffer, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p);

  if (!right)
    for (glong i = 0; i < pad; i++)
      g_string_append_c (buffer, ' ');
}

static void
append_table_row (GString            *buffer,
                  const char * const *cells,
                  guint               n_columns,
                  const glong        *widths,
                  const gboolean     *right_aligned)
{
  for (guint c = 0; c < n_columns; c++)
    {
      gboolean last = c + 1 == n_columns;

      append_padded (buffer, cells[c], !last || right_aligned[c] ? widths[c] : 0,
                     right_aligned[c]);
      g_string_append (buffer, last ? "\n" : "  ");
    }
}

static void
write_table (GString            *buffer,
             const char * const *columns,
             guint               n_columns,
             const gboolean     *right_aligned,
             GPtrArray          *cells)
{
  g_autofree glong *widths = g_new0 (glong, n_columns);

  for (guint c = 0; c < n_columns; c++)
    widths[c] = display_width (columns[c]);
  for (guint i = 0; i < cells->len; i++)
    widths[i % n_columns] = MAX (widths[i % n_columns],
                                 display_width (g_ptr_array_index (cells, i)));

  append_table_row (buffer, columns, n_columns, widths, right_aligned);
  for (guint r = 0; r + n_columns <= cells->len; r += n_columns)
    append_table_row (buffer, (const char * const *) &cells->pdata[r], n_columns, widths,
                      right_aligned);
}

/* ------------------------------------------------------------------------ */
/* A sink: one row at a time, in any of the formats                         */

typedef struct
{
  QmReportFormat       format;
  const char * const  *columns;
  const gboolean      *right_aligned;
  guint                n_columns;
  guint                column;
  QmCsvWriter         *csv;
  GPtrArray           *table;
  Output               out;
  GCancellable        *cancellable;
  GError              *error;
} Sink;

static gboolean
sink_init (Sink               *sink,
           QmReportFormat      format,
           QmCsvFlags          flags,
           const char * const *columns,
           const gboolean     *right_aligned,
           GOutputStream      *stream,
           GCancellable       *cancellable,
           GError            **error)
{
  memset (sink, 0, sizeof *sink);
  sink->format = format;
  sink->columns = columns;
  sink->right_aligned = right_aligned;
  sink->n_columns = g_strv_length ((char **) columns);
  sink->cancellable = cancellable;
  output_init (&sink->out, stream, cancellable);

  if (format == QM_REPORT_FORMAT_CSV)
    {
      sink->csv = qm_csv_writer_new (stream, flags);
      return qm_csv_writer_add_header (sink->csv, columns, error);
    }

  if (format == QM_REPORT_FORMAT_TABLE)
    sink->table = g_ptr_array_new_with_free_func (g_free);

  return TRUE;
}

static void
sink_clear (Sink *sink)
{
  g_clear_pointer (&sink->csv, qm_csv_writer_free);
  g_clear_pointer (&sink->table, g_ptr_array_unref);
  g_clear_error (&sink->error);
  output_clear (&sink->out);
}

static gboolean
sink_begin_row (Sink *sink)
{
  if (g_cancellable_set_error_if_cancelled (sink->cancellable, &sink->error))
    return FALSE;

  sink->column = 0;
  if (sink->format == QM_REPORT_FORMAT_JSON)
    json_begin_row (&sink->out);

  return TRUE;
}

static void
sink_text (Sink       *sink,
           const char *value)
{
  const char *name = sink->columns[sink->column];
  gboolean first = sink->column == 0;

  sink->column++;
  if (sink->error != NULL)
    return;

  switch (sink->format)
    {
    case QM_REPORT_FORMAT_CSV:
      qm_csv_writer_add_text (sink->csv, value, &sink->error);
      break;
    case QM_REPORT_FORMAT_TABLE:
      g_ptr_array_add (sink->table, g_strdup (value != NULL ? value : ""));
      break;
    case QM_REPORT_FORMAT_JSON:
    default:
      json_member_string (&sink->out, first, name, value);
      break;
    }
}

static void
sink_int64 (Sink   *sink,
            gint64  value)
{
  const char *name = sink->columns[sink->column];
  gboolean first = sink->column == 0;

  sink->column++;
  if (sink->error != NULL)
    return;

  switch (sink->format)
    {
    case QM_REPORT_FORMAT_CSV:
      qm_csv_writer_add_int64 (sink->csv, value);
      break;
    case QM_REPORT_FORMAT_TABLE:
      g_ptr_array_add (sink->table, g_strdup_printf ("%" G_GINT64_FORMAT, value));
      break;
    case QM_REPORT_FORMAT_JSON:
    default:
      json_member_int (&sink->out, first, name, value);
      break;
    }
}

/* Money: a plain decimal in CSV and tables, a string with the same digits in JSON. */
static void
sink_money (Sink   *sink,
            gint64  e4,
            guint   digits)
{
  const char *name = sink->columns[sink->column];
  gboolean first = sink->column == 0;

  sink->column++;
  if (sink->error != NULL)
    return;

  switch (sink->format)
    {
    case QM_REPORT_FORMAT_CSV:
      qm_csv_writer_add_money (sink->csv, e4, digits);
      break;
    case QM_REPORT_FORMAT_TABLE:
      g_ptr_array_add (sink->table, qm_money_format (e4, digits));
      break;
    case QM_REPORT_FORMAT_JSON:
    default:
      {
        g_autofree char *text = qm_money_format (e4, digits);

        json_member_string (&sink->out, first, name, text);
      }
      break;
    }
}

static gboolean
sink_end_row (Sink *sink)
{
  g_assert (sink->column == sink->n_columns);

  if (sink->error != NULL)
    return FALSE;

  switch (sink->format)
    {
    case QM_REPORT_FORMAT_CSV:
      return qm_csv_writer_end_row (sink->csv, &sink->error);
    case QM_REPORT_FORMAT_TABLE:
      return TRUE;
    case QM_REPORT_FORMAT_JSON:
    default:
      g_string_append_c (sink->out.buffer, '}');
      if (!output_maybe_flush (&sink->out))
        {
          sink->error = g_steal_pointer (&sink->out.error);
          return FALSE;
        }
      return TRUE;
    }
}

/* Ends the report; @walked is what the store's walk returned. A CSV's
 * digest goes to @digest when not %NULL. */
static gboolean
sink_finish_digest (Sink           *sink,
                    gboolean        walked,
                    QmReportDigest *digest,
                    GError        **error)
{
  gboolean ok = FALSE;

  if (!walked)
    goto out;

  if (sink->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&sink->error));
      goto out;
    }

  switch (sink->format)
    {
    case QM_REPORT_FORMAT_CSV:
      ok = qm_csv_writer_close (sink->csv, sink->cancellable, error);
      if (ok && digest != NULL)
        {
          digest->rows = qm_csv_writer_get_rows (sink->csv);
          g_strlcpy (digest->sha256, qm_csv_writer_get_sha256 (sink->csv),
                     sizeof digest->sha256);
        }
      break;
    case QM_REPORT_FORMAT_TABLE:
      write_table (sink->out.buffer, sink->columns, sink->n_columns, sink->right_aligned,
                   sink->table);
      ok = output_finish (&sink->out, error);
      break;
    case QM_REPORT_FORMAT_JSON:
    default:
      json_end (&sink->out);
      ok = output_finish (&sink->out, error);
      break;
    }

out:
  sink_clear (sink);
  return ok;
}

static gboolean
sink_finish (Sink     *sink,
             gboolean  walked,
             GError  **error)
{
  return sink_finish_digest (sink, walked, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* Stock                                                                    */

static const char * const stock_columns[] = { "warehouse_id", "sku", "status", "quantity", NULL };
static const gboolean stock_right[] = { FALSE, FALSE, FALSE, TRUE };

static gboolean
stock_row_cb (const char *warehouse_id,
              const char *sku,
              const char *status,
              gint64      quantity,
              gpointer    user_data)
{
  Sink *sink = user_data;

  if (!sink_begin_row (sink))
    return FALSE;

  sink_text (sink, warehouse_id);
  sink_text (sink, sku);
  sink_text (sink, status);
  sink_int64 (sink, quantity);
  return sink_end_row (sink);
}

/**
 * qm_report_write_stock:
 * @store: the cache
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags (a BOM for Excel)
 * @stream: where to write
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * On-hand stock per warehouse, SKU and status, sorted bytewise by those
 * three: columns `warehouse_id,sku,status,quantity`.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_stock (QmStore        *store,
                       QmReportFormat  format,
                       QmCsvFlags      flags,
                       GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (!sink_init (&sink, format, flags, stock_columns, stock_right, stream, cancellable, error))
    {
      sink_clear (&sink);
      return FALSE;
    }

  return sink_finish (&sink, qm_store_foreach_stock (store, stock_row_cb, &sink, error), error);
}

/* ------------------------------------------------------------------------ */
/* Audit                                                                    */

static const char * const audit_columns[] = {
  "at", "user", "action", "object", "before", "after", "entry_hash", NULL,
};
static const gboolean audit_right[] = { FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE };

static gboolean
audit_row_cb (const QmAuditEntry *entry,
              gpointer            user_data)
{
  Sink *sink = user_data;

  if (!sink_begin_row (sink))
    return FALSE;

  sink_text (sink, entry->at);
  sink_text (sink, entry->user);
  sink_text (sink, entry->action);
  sink_text (sink, entry->object);
  sink_text (sink, entry->before);
  sink_text (sink, entry->after);
  sink_text (sink, entry->entry_hash);
  return sink_end_row (sink);
}

/**
 * qm_report_write_audit:
 * @store: the cache
 * @from_at: (nullable): first instant, RFC 3339 UTC (see qm_report_day_range())
 * @to_at: (nullable): end instant, exclusive
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags
 * @stream: where to write
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The audit trail in chain order (which is also time order: the trail
 * never goes back in time), columns `at,user,action,object,before,after,entry_hash`.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_audit (QmStore        *store,
                       const char     *from_at,
                       const char     *to_at,
                       QmReportFormat  format,
                       QmCsvFlags      flags,
                       GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (!sink_init (&sink, format, flags, audit_columns, audit_right, stream, cancellable, error))
    {
      sink_clear (&sink);
      return FALSE;
    }

  return sink_finish (&sink,
                      qm_store_foreach_audit (store, from_at, to_at, audit_row_cb, &sink, error),
                      error);
}

/* ------------------------------------------------------------------------ */
/* Stock ledger                                                             */

static const char * const ledger_columns[] = {
  "warehouse_id", "sku", "name", "category", "opening_quantity", "received_quantity",
  "issued_quantity", "closing_quantity", "opening_value", "closing_value", "currency", NULL,
};
static const gboolean ledger_right[] = {
  FALSE, FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, FALSE,
};

static gboolean
ledger_row_cb (const QmLedgerRow *row,
               gpointer           user_data)
{
  Sink *sink = user_data;

  if (!sink_begin_row (sink))
    return FALSE;

  sink_text (sink, row->warehouse_id);
  sink_text (sink, row->sku);
  sink_text (sink, row->name);
  sink_text (sink, row->category);
  sink_int64 (sink, row->opening_quantity);
  sink_int64 (sink, row->received_quantity);
  sink_int64 (sink, row->issued_quantity);
  sink_int64 (sink, row->closing_quantity);
  sink_money (sink, row->opening_value_e4, 2);
  sink_money (sink, row->closing_value_e4, 2);
  sink_text (sink, row->currency);
  return sink_end_row (sink);
}

/**
 * qm_report_write_ledger:
 * @store: the cache
 * @from_at: start of the period, RFC 3339 UTC (see qm_report_day_range())
 * @to_at: end of the period, exclusive
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags
 * @stream: where to write
 * @out_digest: (out) (optional): rows and SHA-256 of a CSV
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The stock ledger of a period, one row per warehouse and SKU with any
 * quantity not zero, sorted bytewise: columns `warehouse_id,sku,name,
 * category,opening_quantity,received_quantity,issued_quantity,
 * closing_quantity,opening_value,closing_value,currency`. The opening value
 * is the opening quantity times the average at the period's first
 * instant; the closing value likewise at its end; both rounded half to
 * even to 2 digits. Late postings into closed months count in the first
 * open period (see qm-store-ledger.h).
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_ledger (QmStore         *store,
                        const char      *from_at,
                        const char      *to_at,
                        QmReportFormat   format,
                        QmCsvFlags       flags,
                        GOutputStream   *stream,
                        QmReportDigest  *out_digest,
                        GCancellable    *cancellable,
                        GError         **error)
{
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (from_at != NULL && to_at != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (!sink_init (&sink, format, flags, ledger_columns, ledger_right, stream, cancellable, error))
    {
      sink_clear (&sink);
      return FALSE;
    }

  return sink_finish_digest (&sink,
                             qm_store_foreach_ledger (store, from_at, to_at, ledger_row_cb,
                                                      &sink, error),
                             out_digest, error);
}

/* ------------------------------------------------------------------------ */
/* Valuation                                                                */

static const char * const valuation_columns[] = {
  "warehouse_id", "sku", "name", "category", "quantity", "unit_cost", "value", "currency", NULL,
};
static const gboolean valuation_right[] = {
  FALSE, FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, FALSE,
};

static gboolean
valuation_row_cb (const QmLedgerRow *row,
                  gpointer           user_data)
{
  Sink *sink = user_data;

  if (!sink_begin_row (sink))
    return FALSE;

  sink_text (sink, row->warehouse_id);
  sink_text (sink, row->sku);
  sink_text (sink, row->name);
  sink_text (sink, row->category);
  sink_int64 (sink, row->closing_quantity);
  sink_money (sink, row->closing_average_e4, 4);
  sink_money (sink, row->closing_value_e4, 2);
  sink_text (sink, row->currency);
  return sink_end_row (sink);
}

/**
 * qm_report_write_valuation:
 * @store: the cache
 * @at: the instant to value at, RFC 3339 UTC: the end of a day is the
 *   @out_to_at of qm_report_day_range() for that day
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags
 * @stream: where to write
 * @out_digest: (out) (optional): rows and SHA-256 of a CSV
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Inventory value per warehouse and SKU whose quantity is not zero:
 * columns `warehouse_id,sku,name,category,quantity,unit_cost,value,currency`.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_valuation (QmStore         *store,
                           const char      *at,
                           QmReportFormat   format,
                           QmCsvFlags       flags,
                           GOutputStream   *stream,
                           QmReportDigest  *out_digest,
                           GCancellable    *cancellable,
                           GError         **error)
{
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (at != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (!sink_init (&sink, format, flags, valuation_columns, valuation_right, stream, cancellable,
                  error))
    {
      sink_clear (&sink);
      return FALSE;
    }

  return sink_finish_digest (&sink,
                             qm_store_foreach_valuation (store, at, valuation_row_cb, &sink, error),
                             out_digest, error);
}

/* ------------------------------------------------------------------------ */
/* Consolidated summary by warehouse and category                           */

static const char * const summary_columns[] = {
  "warehouse_id", "category", "quantity", "value", "currency", "share_percent", NULL,
};
static const gboolean summary_right[] = { FALSE, FALSE, TRUE, TRUE, FALSE, TRUE };

typedef struct
{
  char   *warehouse_id;
  char   *category;
  char   *currency;
  gint64  quantity;
  gint64  value_e4;
} SummaryRow;

typedef struct
{
  GHashTable *rows;     /* "warehouse\x1fcategory" → SummaryRow */
  GHashTable *totals;   /* currency → gint64 value */
  GError     *error;
} Summary;

static void
summary_row_free (gpointer data)
{
  SummaryRow *row = data;

  g_free (row->warehouse_id);
  g_free (row->category);
  g_free (row->currency);
  g_free (row);
}

static gboolean
summary_row_cb (const QmLedgerRow *row,
                gpointer           user_data)
{
  Summary *summary = user_data;
  g_autofree char *key = g_strconcat (row->warehouse_id, "\x1f", row->category, NULL);
  SummaryRow *sum = g_hash_table_lookup (summary->rows, key);
  gint64 *total = g_hash_table_lookup (summary->totals, row->currency);
  /* The rounded values, so the summary adds up to the valuation's column. */
  gint64 value = qm_money_round_e4 (row->closing_value_e4, 2);

  if (sum == NULL)
    {
      sum = g_new0 (SummaryRow, 1);
      sum->warehouse_id = g_strdup (row->warehouse_id);
      sum->category = g_strdup (row->category);
      sum->currency = g_strdup (row->currency);
      g_hash_table_insert (summary->rows, g_steal_pointer (&key), sum);
    }
  if (total == NULL)
    {
      total = g_new0 (gint64, 1);
      g_hash_table_insert (summary->totals, g_strdup (row->currency), total);
    }

  if (__builtin_add_overflow (sum->quantity, row->closing_quantity, &sum->quantity) ||
      __builtin_add_overflow (sum->value_e4, value, &sum->value_e4) ||
      __builtin_add_overflow (*total, value, total))
    {
      g_set_error_literal (&summary->error, QM_ERROR, QM_ERROR_BAD_DATA,
                           _("The inventory value is too large to add up; check the quantities "
                             "and costs the warehouses reported"));
      return FALSE;
    }

  return TRUE;
}

static int
summary_row_compare (gconstpointer a,
                     gconstpointer b)
{
  const SummaryRow *x = *(const SummaryRow * const *) a;
  const SummaryRow *y = *(const SummaryRow * const *) b;
  int c = strcmp (x->warehouse_id, y->warehouse_id);

  return c != 0 ? c : strcmp (x->category, y->category);
}

/* value / total as a percentage in ten-thousandths, rounded half to even
 * to 2 digits. */
static gint64
share_percent_e4 (gint64 value,
                  gint64 total)
{
  if (total <= 0)
    return 0;

#ifdef __SIZEOF_INT128__
  {
    __int128 numerator = (__int128) value * 10000;
    __int128 quotient = numerator / total;
    __int128 remainder = numerator % total;

    if (remainder < 0)
      {
        remainder += total;
        quotient--;
      }
    if (remainder * 2 > total || (remainder * 2 == total && (quotient & 1) != 0))
      quotient++;
    return (gint64) quotient * 100;
  }
#else
  return qm_money_div_round_half_even (value, total / 10000) * 100;
#endif
}

/**
 * qm_report_write_summary:
 * @store: the cache
 * @at: the instant to value at (see qm_report_write_valuation())
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags
 * @stream: where to write
 * @out_digest: (out) (optional): rows and SHA-256 of a CSV
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Inventory by warehouse and category: columns `warehouse_id,category,
 * quantity,value,currency,share_percent`. The value is the sum of the
 * valuation report's (rounded) values; the share is that value's part of
 * every warehouse's value in the same currency, in percent with 2 digits.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_summary (QmStore         *store,
                         const char      *at,
                         QmReportFormat   format,
                         QmCsvFlags       flags,
                         GOutputStream   *stream,
                         QmReportDigest  *out_digest,
                         GCancellable    *cancellable,
                         GError         **error)
{
  Summary summary = { 0 };
  g_autoptr(GPtrArray) sorted = NULL;
  gboolean walked;
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (at != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  summary.rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, summary_row_free);
  summary.totals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  walked = qm_store_foreach_valuation (store, at, summary_row_cb, &summary, error);
  if (walked && summary.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&summary.error));
      walked = FALSE;
    }
  g_clear_error (&summary.error);

  sorted = g_ptr_array_sized_new (g_hash_table_size (summary.rows));
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, summary.rows);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      g_ptr_array_add (sorted, value);
  }
  g_ptr_array_sort (sorted, summary_row_compare);

  if (walked && sink_init (&sink, format, flags, summary_columns, summary_right, stream,
                           cancellable, error))
    {
      for (guint i = 0; i < sorted->len; i++)
        {
          const SummaryRow *row = g_ptr_array_index (sorted, i);
          const gint64 *total = g_hash_table_lookup (summary.totals, row->currency);

          if (!sink_begin_row (&sink))
            break;
          sink_text (&sink, row->warehouse_id);
          sink_text (&sink, row->category);
          sink_int64 (&sink, row->quantity);
          sink_money (&sink, row->value_e4, 2);
          sink_text (&sink, row->currency);
          sink_money (&sink, share_percent_e4 (row->value_e4, *total), 2);
          if (!sink_end_row (&sink))
            break;
        }
      walked = sink_finish_digest (&sink, TRUE, out_digest, error);
    }
  else if (walked)
    {
      sink_clear (&sink);
      walked = FALSE;
    }

  g_ptr_array_set_size (sorted, 0);
  g_hash_table_unref (summary.rows);
  g_hash_table_unref (summary.totals);
  return walked;
}

/* ------------------------------------------------------------------------ */
/* Reconciliation                                                           */

static const char * const reconciliation_columns[] = {
  "warehouse_id", "sku", "status", "ledger_quantity", "snapshot_quantity", "difference", NULL,
};
static const gboolean reconciliation_right[] = { FALSE, FALSE, FALSE, TRUE, TRUE, TRUE };

static gboolean
reconciliation_row_cb (const QmReconciliationRow *row,
                       gpointer                   user_data)
{
  Sink *sink = user_data;

  if (!sink_begin_row (sink))
    return FALSE;

  sink_text (sink, row->warehouse_id);
  sink_text (sink, row->sku);
  sink_text (sink, row->status);
  sink_int64 (sink, row->ledger_quantity);
  sink_int64 (sink, row->snapshot_quantity);
  sink_int64 (sink, row->ledger_quantity - row->snapshot_quantity);
  return sink_end_row (sink);
}

/**
 * qm_report_write_reconciliation:
 * @store: the cache
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags
 * @stream: where to write
 * @out_digest: (out) (optional): rows and SHA-256 of a CSV
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Where each warehouse's ledger fold and its snapshot differed at its last
 * sync: columns `warehouse_id,sku,status,ledger_quantity,snapshot_quantity,
 * difference`, where difference = ledger_quantity - snapshot_quantity.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_reconciliation (QmStore         *store,
                                QmReportFormat   format,
                                QmCsvFlags       flags,
                                GOutputStream   *stream,
                                QmReportDigest  *out_digest,
                                GCancellable    *cancellable,
                                GError         **error)
{
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (!sink_init (&sink, format, flags, reconciliation_columns, reconciliation_right, stream,
                  cancellable, error))
    {
      sink_clear (&sink);
      return FALSE;
    }

  return sink_finish_digest (&sink,
                             qm_store_foreach_reconciliation (store, reconciliation_row_cb, &sink,
                                                              error),
                             out_digest, error);
}

/* ------------------------------------------------------------------------ */
/* Allocation                                                               */

static const char * const allocation_columns[] = {
  "sku", "channel", "regular", "promotional", "pre_sale", "oversell", "sellable", NULL,
};
static const gboolean allocation_right[] = { FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE };

/**
 * qm_report_write_allocation:
 * @store: the cache
 * @now: Unix seconds the rules are evaluated at (locks, sales windows)
 * @sku: (nullable): only this SKU
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags
 * @stream: where to write
 * @out_digest: (out) (optional): rows and SHA-256 of a CSV
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * What each active channel may sell of each SKU, from the allocation
 * engine: columns `sku,channel,regular,promotional,pre_sale,oversell,
 * sellable`, sorted bytewise by SKU and channel.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_allocation (QmStore         *store,
                            gint64           now,
                            const char      *sku,
                            QmReportFormat   format,
                            QmCsvFlags       flags,
                            GOutputStream   *stream,
                            QmReportDigest  *out_digest,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(QmAllocationData) data = NULL;
  g_autoptr(QmAllocResult) result = NULL;
  gboolean found = sku == NULL;
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  data = qm_store_load_allocation (store, now, error);
  if (data == NULL)
    return FALSE;

  result = qm_allocation_compute (&data->input, error);
  if (result == NULL)
    return FALSE;

  for (guint s = 0; !found && s < data->input.n_skus; s++)
    found = g_strcmp0 (data->input.skus[s].sku, sku) == 0;
  if (!found)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No SKU “%s” is in stock or listed by any warehouse"), sku);
      return FALSE;
    }

  if (!sink_init (&sink, format, flags, allocation_columns, allocation_right, stream,
                  cancellable, error))
    {
      sink_clear (&sink);
      return FALSE;
    }

  /* SKUs and channels come from the store sorted bytewise already. */
  for (guint s = 0; s < data->input.n_skus; s++)
    {
      if (sku != NULL && g_strcmp0 (data->input.skus[s].sku, sku) != 0)
        continue;

      for (guint c = 0; c < data->input.n_channels; c++)
        {
          const QmAllocRow *row = &result->rows[s * result->n_channels + c];

          if (!data->input.channels[c].active)
            continue;
          if (!sink_begin_row (&sink))
            return sink_finish_digest (&sink, TRUE, out_digest, error);

          sink_text (&sink, data->input.skus[s].sku);
          sink_text (&sink, data->input.channels[c].id);
          sink_int64 (&sink, row->regular);
          sink_int64 (&sink, row->promotional);
          sink_int64 (&sink, row->pre_sale);
          sink_int64 (&sink, row->oversell);
          sink_int64 (&sink, row->sellable);
          if (!sink_end_row (&sink))
            return sink_finish_digest (&sink, TRUE, out_digest, error);
        }
    }

  return sink_finish_digest (&sink, TRUE, out_digest, error);
}

/* ------------------------------------------------------------------------ */
/* Months and period close                                                  */

/**
 * qm_report_month_range:
 * @month: YYYY-MM
 * @time_zone: the company time zone
 * @out_from_at: (out): the month's first instant, RFC 3339 UTC
 * @out_to_at: (out): the instant after its last day
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %QM_ERROR_INVALID_INPUT for a bad month
 */
gboolean
qm_report_month_range (const char  *month,
                       const char  *time_zone,
                       char       **out_from_at,
                       char       **out_to_at,
                       GError     **error)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  int y = 0, m = 0;
  char tail;

  *out_from_at = NULL;
  *out_to_at = NULL;

  if (month == NULL || strlen (month) != 7 || month[4] != '-' ||
      !g_ascii_isdigit (month[0]) || !g_ascii_isdigit (month[5]) ||
      sscanf (month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 1)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is not a month; write it as YYYY-MM, e.g. 2026-10"),
                   month ? month : "");
      return FALSE;
    }

  first = g_strdup_printf ("%04d-%02d-01", y, m);
  last = g_strdup_printf ("%04d-%02d-%02d", y, m, g_date_get_days_in_month (m, y));
  return qm_report_day_range (first, last, time_zone, out_from_at, out_to_at, error);
}

typedef struct
{
  const char *starts_at;
  const char *ends_at;
} CloseRange;

static gboolean
close_hash_cb (QmStore     *store,
               const char  *month,
               char       **out_ledger_sha256,
               char       **out_valuation_sha256,
               gpointer     user_data,
               GError     **error)
{
  CloseRange *range = user_data;
  g_autoptr(GOutputStream) ledger = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) valuation = g_memory_output_stream_new_resizable ();
  QmReportDigest digest = { 0 };

  if (!qm_report_write_ledger (store, range->starts_at, range->ends_at, QM_REPORT_FORMAT_CSV,
                               QM_CSV_FLAGS_NONE, ledger, &digest, NULL, error))
    return FALSE;
  *out_ledger_sha256 = g_strdup (digest.sha256);

  if (!qm_report_write_valuation (store, range->ends_at, QM_REPORT_FORMAT_CSV, QM_CSV_FLAGS_NONE,
                                  valuation, &digest, NULL, error))
    return FALSE;
  *out_valuation_sha256 = g_strdup (digest.sha256);

  return TRUE;
}

/**
 * qm_report_close_period:
 * @store: the cache
 * @month: YYYY-MM
 * @time_zone: the company time zone
 * @user: (nullable): who closes it
 * @error: return location for a #GError
 *
 * Closes a month: its ledger and closing valuation are stored with the
 * SHA-256 of their CSV (without a BOM), and from then on its reports are
 * read back from them, so they re-export byte for byte the same. Audited.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_close_period (QmStore     *store,
                        const char  *month,
                        const char  *time_zone,
                        const char  *user,
                        GError     **error)
{
  g_autofree char *from_at = NULL;
  g_autofree char *to_at = NULL;
  CloseRange range;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);

  if (!qm_report_month_range (month, time_zone, &from_at, &to_at, error))
    return FALSE;

  range.starts_at = from_at;
  range.ends_at = to_at;
  return qm_store_close_period (store, month, from_at, to_at, user, close_hash_cb, &range, error);
}

/* ------------------------------------------------------------------------ */
/* Manifests                                                                */

/**
 * qm_report_manifest_path:
 * @csv_path: an exported file
 *
 * Returns: (transfer full): the path of its manifest, FILE.manifest.json
 */
char *
qm_report_manifest_path (const char *csv_path)
{
  g_return_val_if_fail (csv_path != NULL, NULL);

  return g_strconcat (csv_path, ".manifest.json", NULL);
}

/**
 * qm_report_digest_file:
 * @path: a CSV file
 * @out_digest: (out): its data rows (records after the header, a quoted
 *   line break not ending one) and the SHA-256 of all its bytes
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %QM_ERROR_IO if it cannot be read
 */
gboolean
qm_report_digest_file (const char      *path,
                       QmReportDigest  *out_digest,
                       GError         **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) local_error = NULL;
  g_autofree guchar *buffer = g_malloc (FLUSH_SIZE);
  gboolean quoted = FALSE;
  gboolean in_record = FALSE;
  guint64 records = 0;
  gssize n;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out_digest != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);
  in = g_file_read (file, NULL, &local_error);
  if (in == NULL)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   local_error->message);
      return FALSE;
    }

  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, FLUSH_SIZE, NULL,
                                   &local_error)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      for (gssize i = 0; i < n; i++)
        {
          if (buffer[i] == '"')
            quoted = !quoted;
          if (!quoted && buffer[i] == '\n')
            {
              records++;
              in_record = FALSE;
            }
          else if (buffer[i] != '\r')
            {
              in_record = TRUE;
            }
        }
    }
  if (n < 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   local_error->message);
      return FALSE;
    }

  /* A last record without a line end still counts; the header does not. */
  if (in_record)
    records++;
  out_digest->rows = records > 0 ? records - 1 : 0;
  g_strlcpy (out_digest->sha256, g_checksum_get_string (checksum), sizeof out_digest->sha256);
  return TRUE;
}

/**
 * qm_report_write_manifest:
 * @store: the cache the report came from
 * @csv_path: the exported file
 * @report: the report's name (ledger, valuation, …)
 * @parameters: (array zero-terminated=1): name, value, name, value, …, %NULL
 * @digest: the file's rows and SHA-256
 * @error: return location for a #GError
 *
 * Writes FILE.manifest.json beside the export: the report and its
 * parameters, when it was exported, each warehouse's sync state, the row
 * count and SHA-256 of the file, and the head of the audit trail.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_manifest (QmStore               *store,
                          const char            *csv_path,
                          const char            *report,
                          const char * const    *parameters,
                          const QmReportDigest  *digest,
                          GError               **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) warehouses = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *manifest_path = qm_report_manifest_path (csv_path);
  g_autofree char *basename = g_path_get_basename (csv_path);
  g_autofree char *head_hash = NULL;
  g_autofree char *text = NULL;
  gint64 head_seq = 0;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (csv_path != NULL && report != NULL && digest != NULL, FALSE);

  warehouses = qm_store_list_warehouses (store, error);
  if (warehouses == NULL || !qm_store_get_audit_head (store, &head_seq, &head_hash, error))
    return FALSE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "report");
  json_builder_add_string_value (builder, report);
  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  for (guint i = 0; parameters != NULL && parameters[i] != NULL && parameters[i + 1] != NULL;
       i += 2)
    {
      json_builder_set_member_name (builder, parameters[i]);
      json_builder_add_string_value (builder, parameters[i + 1]);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "exported_at");
  json_builder_add_string_value (builder, now_at);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, basename);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64) digest->rows);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, digest->sha256);

  json_builder_set_member_name (builder, "warehouses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < warehouses->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (warehouses, i);
      g_auto(QmSyncState) state = { 0 };

      if (!qm_store_get_sync_state (store, wh->id, &state, error))
        return FALSE;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, wh->id);
      json_builder_set_member_name (builder, "cursor_seq");
      json_builder_add_int_value (builder, state.cursor_seq);
      json_builder_set_member_name (builder, "snapshot_seq");
      if (state.snapshot_seq >= 0)
        json_builder_add_int_value (builder, state.snapshot_seq);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "last_success_at");
      if (state.last_success_at != NULL)
        json_builder_add_string_value (builder, state.last_success_at);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "last_error");
      if (state.last_error != NULL)
        json_builder_add_string_value (builder, state.last_error);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "discrepancies");
      json_builder_add_int_value (builder, state.discrepancies);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "audit_head");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, head_seq);
  json_builder_set_member_name (builder, "entry_hash");
  if (head_hash != NULL)
    json_builder_add_string_value (builder, head_hash);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  if (!g_file_set_contents (manifest_path, text, -1, NULL))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_IO,
                   _("Cannot write the manifest “%s”; check the folder can be written"),
                   manifest_path);
      return FALSE;
    }

  return TRUE;
}

/**
 * qm_report_verify:
 * @csv_path: an exported file with its FILE.manifest.json beside it
 * @out_digest: (out) (optional): the file's digest as recomputed
 * @error: return location for a #GError
 *
 * Recomputes the file's SHA-256 and row count and compares them with its
 * manifest.
 *
 * Returns: %TRUE when both match; %FALSE with %QM_ERROR_BAD_DATA naming
 *   what differs, or %QM_ERROR_NOT_FOUND / %QM_ERROR_IO
 */
gboolean
qm_report_verify (const char      *csv_path,
                  QmReportDigest  *out_digest,
                  GError         **error)
{
  g_autofree char *manifest_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  QmReportDigest digest = { 0 };
  JsonObject *object;
  const char *sha256;
  gint64 rows;

  g_return_val_if_fail (csv_path != NULL, FALSE);

  manifest_path = qm_report_manifest_path (csv_path);
  if (!g_file_test (manifest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No manifest beside “%s” (looked for “%s”); export with --output to get one"),
                   csv_path, manifest_path);
      return FALSE;
    }

  if (!json_parser_load_from_file (parser, manifest_path, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The manifest “%s” is not valid JSON: %s"), manifest_path,
                   local_error != NULL ? local_error->message : _("not an object"));
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  sha256 = qm_json_string_member (object, "sha256");
  rows = qm_json_int_member_or (object, "rows", -1);
  if (sha256 == NULL || rows < 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The manifest “%s” lacks its sha256 or rows"), manifest_path);
      return FALSE;
    }

  if (!qm_report_digest_file (csv_path, &digest, error))
    return FALSE;

  if (out_digest != NULL)
    *out_digest = digest;

  if (g_ascii_strcasecmp (sha256, digest.sha256) != 0)
    g_string_append_printf (problems, _("its SHA-256 is %s, the manifest says %s"),
                            digest.sha256, sha256);
  if ((guint64) rows != digest.rows)
    {
      if (problems->len > 0)
        g_string_append (problems, "; ");
      g_string_append_printf (problems,
                              _("it holds %" G_GUINT64_FORMAT " rows, the manifest says %"
                                G_GINT64_FORMAT),
                              digest.rows, rows);
    }

  if (problems->len > 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("“%s” does not match its manifest: %s; it was changed after export"),
                   csv_path, problems->str);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Procurement plans                                                        */

static const char * const plan_columns[] = {
  "plan_id", "warehouse_id", "sku", "on_hand", "on_order", "avg_daily_demand", "safety_stock",
  "reorder_point", "suggested_quantity", "approved_quantity", "capacity_capped", NULL,
};
static const gboolean plan_right[] = {
  TRUE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE,
};

/**
 * qm_report_format_fixed:
 * @value: a finite number >= 0 (anything else is written as 0)
 * @digits: fractional digits, 0 to 6
 *
 * Formats @value with exactly @digits fractional digits, rounded half up,
 * whatever the locale ("6.01" for 6.006156 and 2 digits).
 *
 * Returns: (transfer full): the text
 */
char *
qm_report_format_fixed (double value,
                        guint  digits)
{
  gint64 scale = 1, scaled;

  g_return_val_if_fail (digits <= 6, NULL);

  for (guint i = 0; i < digits; i++)
    scale *= 10;

  if (!(value >= 0.0) || !isfinite (value) || value * scale >= 9.0e18)
    value = 0.0;
  scaled = (gint64) floor (value * scale + 0.5);

  if (digits == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, scaled);

  return g_strdup_printf ("%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT, scaled / scale,
                          (int) digits, scaled % scale);
}

/* A plain decimal: as it is in CSV and tables, a JSON number in JSON. */
static void
sink_decimal (Sink       *sink,
              const char *text)
{
  const char *name = sink->columns[sink->column];
  gboolean first = sink->column == 0;

  sink->column++;
  if (sink->error != NULL)
    return;

  switch (sink->format)
    {
    case QM_REPORT_FORMAT_CSV:
      qm_csv_writer_add_number (sink->csv, text);
      break;
    case QM_REPORT_FORMAT_TABLE:
      g_ptr_array_add (sink->table, g_strdup (text));
      break;
    case QM_REPORT_FORMAT_JSON:
    default:
      if (!first)
        g_string_append (sink->out.buffer, ", ");
      append_json_string (sink->out.buffer, name);
      g_string_append_printf (sink->out.buffer, ": %s", text);
      break;
    }
}

/**
 * qm_report_write_plan:
 * @store: the cache
 * @plan_id: the plan
 * @format: CSV, JSON or an aligned table
 * @flags: CSV flags
 * @stream: where to write
 * @out_digest: (out) (optional): rows and SHA-256 of a CSV
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * A procurement plan, one row per warehouse and SKU (its purchase and
 * transfer lines together: suggested and approved quantities summed,
 * capacity_capped 1 if either was cut), sorted bytewise by warehouse id
 * and SKU. avg_daily_demand has 4 fractional digits, safety_stock and
 * reorder_point 2 (the exact figures rounded half up).
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_write_plan (QmStore         *store,
                      gint64           plan_id,
                      QmReportFormat   format,
                      QmCsvFlags       flags,
                      GOutputStream   *stream,
                      QmReportDigest  *out_digest,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  Sink sink;

  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  lines = qm_store_plan_get_lines (store, plan_id, error);
  if (lines == NULL)
    return FALSE;

  if (!sink_init (&sink, format, flags, plan_columns, plan_right, stream, cancellable, error))
    {
      sink_clear (&sink);
      return FALSE;
    }

  for (guint i = 0; i < lines->len; )
    {
      const QmPlanLine *first = g_ptr_array_index (lines, i);
      g_autofree char *demand = qm_report_format_fixed (first->avg_daily_demand, 4);
      g_autofree char *safety = qm_report_format_fixed (first->safety_stock, 2);
      g_autofree char *reorder = qm_report_format_fixed (first->reorder_point, 2);
      gint64 suggested = 0, approved = 0;
      gboolean capped = FALSE;
      guint j;

      /* the lines of one warehouse and SKU are next to each other */
      for (j = i; j < lines->len; j++)
        {
          const QmPlanLine *line = g_ptr_array_index (lines, j);

          if (strcmp (line->warehouse_id, first->warehouse_id) != 0 ||
              strcmp (line->sku, first->sku) != 0)
            break;
          suggested += line->suggested_quantity;
          approved += line->approved_quantity;
          capped |= line->capacity_capped;
        }
      i = j;

      if (!sink_begin_row (&sink))
        return sink_finish_digest (&sink, TRUE, out_digest, error);
      sink_int64 (&sink, plan_id);
      sink_text (&sink, first->warehouse_id);
      sink_text (&sink, first->sku);
      sink_int64 (&sink, first->on_hand);
      sink_int64 (&sink, first->on_order);
      sink_decimal (&sink, demand);
      sink_decimal (&sink, safety);
      sink_decimal (&sink, reorder);
      sink_int64 (&sink, suggested);
      sink_int64 (&sink, approved);
      sink_int64 (&sink, capped ? 1 : 0);
      if (!sink_end_row (&sink))
        return sink_finish_digest (&sink, TRUE, out_digest, error);
    }

  return sink_finish_digest (&sink, TRUE, out_digest, error);
}
