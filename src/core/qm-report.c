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

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "qm-error.h"
#include "qm-report.h"

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

/* Ends the report; @walked is what the store's walk returned. */
static gboolean
sink_finish (Sink     *sink,
             gboolean  walked,
             GError  **error)
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
