/* qm-csv.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-csv"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "qm-csv.h"
#include "qm-error.h"
#include "qm-money.h"

/* The buffer goes to the stream once a finished row takes it past this. */
#define FLUSH_THRESHOLD (64 * 1024)

#define UTF8_BOM "\xEF\xBB\xBF"

/**
 * QmCsvWriter:
 *
 * Writes RFC 4180 CSV, as every export promises: comma separated, CRLF
 * line ends, UTF-8 (optionally after a byte order mark), a field holding
 * a comma, a quote, a CR or an LF enclosed in quotes with its quotes
 * doubled. Text fields get the formula-injection guard first (a leading
 * `'` when they start with `=`, `+`, `-`, `@`, tab or CR); number fields
 * (qm_csv_writer_add_int64(), qm_csv_writer_add_money(),
 * qm_csv_writer_add_number()) never do.
 *
 * Rows are built in a buffer of about 64 KiB and written to the stream
 * when a finished row fills it and on qm_csv_writer_close(). A SHA-256 of
 * every byte written, the BOM included, is kept for the audit trail.
 *
 * The stream stays the caller's: qm_csv_writer_close() flushes it but
 * does not close it, so a caller writing through g_file_replace() decides
 * itself whether to commit (close) or abandon (cancel) the file.
 *
 * A writer is not thread-safe; use it from one thread at a time.
 */
struct _QmCsvWriter
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  GString       *buffer;
  GChecksum     *checksum;
  char          *sha256;
  GError        *write_error;

  gsize          row_start;
  guint          n_fields;
  guint          n_columns;
  guint64        rows;

  guint          closed : 1;
};

static inline gboolean
needs_guard (char first)
{
  return first == '=' || first == '+' || first == '-' || first == '@' ||
         first == '\t' || first == '\r';
}

static inline gboolean
needs_quotes (const char *text,
              gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == ',' || c == '"' || c == '\r' || c == '\n')
        return TRUE;
    }

  return FALSE;
}

/* Only what the number columns promise: -?[0-9]+(\.[0-9]+)? */
static gboolean
is_plain_number (const char *number)
{
  const char *p = number;

  if (*p == '-')
    p++;

  if (!g_ascii_isdigit (*p))
    return FALSE;

  while (g_ascii_isdigit (*p))
    p++;

  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return *p == '\0';
}

/* A bug in the caller, not in the data: shout, but still hand back an
 * error so that a caller that prints error->message does not crash.
 */
G_GNUC_PRINTF (2, 3)
static gboolean
set_programmer_error (GError     **error,
                      const char  *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_critical ("%s", message);
  g_set_error_literal (error, QM_ERROR, QM_ERROR_FAILED, message);
  return FALSE;
}

static void
begin_field (QmCsvWriter *self)
{
  if (self->n_fields > 0)
    g_string_append_c (self->buffer, ',');
  self->n_fields++;
}

static void
append_text_field (QmCsvWriter *self,
                   const char  *text,
                   gsize        length)
{
  gboolean quote = needs_quotes (text, length);
  const char *end = text + length;

  begin_field (self);

  if (quote)
    g_string_append_c (self->buffer, '"');

  /* The guard comes first and is itself inside the quotes: the cell's
   * value is then the guarded text.
   */
  if (length > 0 && needs_guard (text[0]))
    g_string_append_c (self->buffer, '\'');

  if (!quote)
    {
      g_string_append_len (self->buffer, text, length);
      return;
    }

  while (text < end)
    {
      const char *q = memchr (text, '"', end - text);

      if (q == NULL)
        {
          g_string_append_len (self->buffer, text, end - text);
          break;
        }

      g_string_append_len (self->buffer, text, q + 1 - text);
      g_string_append_c (self->buffer, '"');
      text = q + 1;
    }

  g_string_append_c (self->buffer, '"');
}

static void
finish_row (QmCsvWriter *self)
{
  /* A row of one empty field would be a blank line, which readers skip
   * or read as no fields at all; "" keeps it a row of one empty cell.
   */
  if (self->n_fields == 1 && self->buffer->len == self->row_start)
    g_string_append (self->buffer, "\"\"");

  g_string_append (self->buffer, "\r\n");
  self->row_start = self->buffer->len;
  self->n_fields = 0;
}

static void
abandon_row (QmCsvWriter *self)
{
  g_string_truncate (self->buffer, self->row_start);
  self->n_fields = 0;
}

static gboolean
replay_write_error (QmCsvWriter  *self,
                    GError      **error)
{
  g_assert (self->write_error != NULL);

  g_propagate_error (error, g_error_copy (self->write_error));
  return FALSE;
}

/* Cancellation stays G_IO_ERROR_CANCELLED so callers can stay quiet
 * about it; every other stream failure becomes QM_ERROR_IO.
 */
static gboolean
record_write_error (QmCsvWriter  *self,
                    GError       *stream_error,
                    GError      **error)
{
  if (g_error_matches (stream_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->write_error = g_error_copy (stream_error);
  else
    self->write_error = g_error_new (QM_ERROR, QM_ERROR_IO,
                                     _("Could not write the CSV file: %s. Check that "
                                       "the disk has room and the place can be written "
                                       "to, then export again"),
                                     stream_error->message);

  g_string_truncate (self->buffer, 0);
  self->row_start = 0;
  self->n_fields = 0;

  return replay_write_error (self, error);
}

static gboolean
flush_buffer (QmCsvWriter   *self,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_assert (self->n_fields == 0);

  if (self->write_error != NULL)
    return replay_write_error (self, error);

  if (self->buffer->len == 0)
    return TRUE;

  /* Not every stream looks at its cancellable (memory streams do not). */
  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    return record_write_error (self, local_error, error);

  g_checksum_update (self->checksum, (const guchar *) self->buffer->str,
                     self->buffer->len);

  if (!g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len,
                                  NULL, cancellable, &local_error))
    return record_write_error (self, local_error, error);

  g_string_truncate (self->buffer, 0);
  self->row_start = 0;

  return TRUE;
}

/**
 * qm_csv_guard_text:
 * @text: a text field's value
 *
 * Applies the formula-injection guard: a text starting with `=`, `+`,
 * `-`, `@`, tab or CR gets a leading `'`, so that a spreadsheet shows it
 * as text instead of evaluating it. The result is not quoted.
 *
 * Returns: (transfer full): the guarded text
 */
char *
qm_csv_guard_text (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (needs_guard (text[0]))
    return g_strconcat ("'", text, NULL);

  return g_strdup (text);
}

/**
 * qm_csv_writer_new:
 * @stream: where to write; the writer keeps a reference
 * @flags: #QmCsvFlags
 *
 * Returns: (transfer full): a new writer; free with qm_csv_writer_free()
 */
QmCsvWriter *
qm_csv_writer_new (GOutputStream *stream,
                   QmCsvFlags     flags)
{
  QmCsvWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);
  g_return_val_if_fail ((flags & ~QM_CSV_FLAGS_BOM) == 0, NULL);

  self = g_new0 (QmCsvWriter, 1);
  self->stream = g_object_ref (stream);
  self->buffer = g_string_sized_new (FLUSH_THRESHOLD + 4096);
  self->checksum = g_checksum_new (G_CHECKSUM_SHA256);

  if (flags & QM_CSV_FLAGS_BOM)
    g_string_append (self->buffer, UTF8_BOM);
  self->row_start = self->buffer->len;

  return self;
}

/**
 * qm_csv_writer_set_cancellable:
 * @self: a #QmCsvWriter
 * @cancellable: (nullable): a #GCancellable
 *
 * Sets the cancellable used when qm_csv_writer_end_row() writes a full
 * buffer to the stream, so that a long export can be stopped.
 */
void
qm_csv_writer_set_cancellable (QmCsvWriter  *self,
                               GCancellable *cancellable)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_set_object (&self->cancellable, cancellable);
}

/**
 * qm_csv_writer_add_text_len:
 * @self: a #QmCsvWriter
 * @text: (nullable): the field's value; %NULL writes an empty field
 * @length: length of @text in bytes, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Adds a text field to the current row, guarded against formula
 * injection and then quoted if needed. Text that is not valid UTF-8, or
 * holds a NUL byte within @length, is refused and nothing is added; the
 * row is then incomplete and the export should be abandoned.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_INVALID_INPUT otherwise
 */
gboolean
qm_csv_writer_add_text_len (QmCsvWriter  *self,
                            const char   *text,
                            gssize        length,
                            GError      **error)
{
  const char *end = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->closed, FALSE);
  g_return_val_if_fail (text != NULL || length <= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text == NULL)
    text = "";

  if (length < 0)
    length = strlen (text);

  if (!g_utf8_validate (text, length, &end))
    {
      if (*end == '\0')
        g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                     _("A text for the CSV file holds a NUL byte at byte %"
                       G_GSIZE_FORMAT "; the stored data is damaged"),
                     (gsize) (end - text));
      else
        g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                     _("A text for the CSV file is not valid UTF-8 at byte %"
                       G_GSIZE_FORMAT "; the stored data may use another encoding"),
                     (gsize) (end - text));
      return FALSE;
    }

  append_text_field (self, text, length);
  return TRUE;
}

/**
 * qm_csv_writer_add_text:
 * @self: a #QmCsvWriter
 * @text: (nullable): the field's value; %NULL writes an empty field
 * @error: return location for a #GError
 *
 * Like qm_csv_writer_add_text_len() for a nul-terminated @text.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_INVALID_INPUT if @text
 *   is not valid UTF-8
 */
gboolean
qm_csv_writer_add_text (QmCsvWriter  *self,
                        const char   *text,
                        GError      **error)
{
  return qm_csv_writer_add_text_len (self, text, -1, error);
}

/**
 * qm_csv_writer_add_int64:
 * @self: a #QmCsvWriter
 * @value: a quantity
 *
 * Adds an integer field, never guarded: -5 is written as `-5`.
 */
void
qm_csv_writer_add_int64 (QmCsvWriter *self,
                         gint64       value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->closed);

  begin_field (self);
  g_string_append_printf (self->buffer, "%" G_GINT64_FORMAT, value);
}

/**
 * qm_csv_writer_add_money:
 * @self: a #QmCsvWriter
 * @e4: an amount in ten-thousandths
 * @digits: fractional digits, 0 to 4 (2 for values, 4 for unit costs)
 *
 * Adds an amount formatted by qm_money_format() (rounded half to even),
 * never guarded.
 */
void
qm_csv_writer_add_money (QmCsvWriter *self,
                         gint64       e4,
                         guint        digits)
{
  g_autofree char *text = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->closed);
  g_return_if_fail (digits <= QM_MONEY_MAX_DIGITS);

  text = qm_money_format (e4, digits);
  begin_field (self);
  g_string_append (self->buffer, text);
}

/**
 * qm_csv_writer_add_number:
 * @self: a #QmCsvWriter
 * @number: an already formatted plain decimal, like "-12.5" or "3"
 *
 * Adds a number field as it is, never guarded. @number must be an
 * optional '-', digits and optionally a '.' and more digits; anything
 * else is a programming error and nothing is added.
 */
void
qm_csv_writer_add_number (QmCsvWriter *self,
                          const char  *number)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->closed);
  g_return_if_fail (number != NULL);
  g_return_if_fail (is_plain_number (number));

  begin_field (self);
  g_string_append (self->buffer, number);
}

/**
 * qm_csv_writer_add_header:
 * @self: a #QmCsvWriter
 * @columns: (array zero-terminated=1): the column names
 * @error: return location for a #GError
 *
 * Writes the header row. It must come first, at most once; every data
 * row must then have as many fields as the header has columns. The
 * header is not counted by qm_csv_writer_get_rows().
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_INVALID_INPUT if a
 *   name is not valid UTF-8 (nothing is written then)
 */
gboolean
qm_csv_writer_add_header (QmCsvWriter         *self,
                          const char * const  *columns,
                          GError             **error)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->closed, FALSE);
  g_return_val_if_fail (columns != NULL && columns[0] != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->rows > 0 || self->n_fields > 0 || self->n_columns > 0)
    return set_programmer_error (error, "The header of a CSV file must be its first row");

  for (; columns[n] != NULL; n++)
    {
      if (!qm_csv_writer_add_text (self, columns[n], error))
        {
          abandon_row (self);
          return FALSE;
        }
    }

  finish_row (self);
  self->n_columns = n;

  return TRUE;
}

/**
 * qm_csv_writer_end_row:
 * @self: a #QmCsvWriter
 * @error: return location for a #GError
 *
 * Ends the current data row with CRLF, and writes the buffer to the
 * stream once it holds about 64 KiB. After a failed write every later
 * call fails again with the same error.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_IO if the stream
 *   failed (or %G_IO_ERROR_CANCELLED if the writer's cancellable fired)
 */
gboolean
qm_csv_writer_end_row (QmCsvWriter  *self,
                       GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->write_error != NULL)
    {
      abandon_row (self);
      return replay_write_error (self, error);
    }

  if (self->n_fields == 0)
    return set_programmer_error (error, "A CSV row must have at least one field");

  if (self->n_columns > 0 && self->n_fields != self->n_columns)
    {
      guint n_fields = self->n_fields;

      abandon_row (self);
      return set_programmer_error (error, "A CSV row has %u fields but the header has %u",
                                   n_fields, self->n_columns);
    }

  finish_row (self);
  self->rows++;

  if (self->buffer->len >= FLUSH_THRESHOLD)
    return flush_buffer (self, self->cancellable, error);

  return TRUE;
}

/**
 * qm_csv_writer_close:
 * @self: a #QmCsvWriter
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes what is buffered and flushes the stream; the stream itself is
 * left open for the caller to close. Afterwards nothing more can be added
 * and, if it succeeded, qm_csv_writer_get_sha256() is valid.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_IO if the stream
 *   failed (now or earlier), %G_IO_ERROR_CANCELLED if cancelled
 */
gboolean
qm_csv_writer_close (QmCsvWriter   *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->closed, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->closed = TRUE;

  /* After a failed write, report that rather than a half-built row. */
  if (self->write_error != NULL)
    {
      abandon_row (self);
      return replay_write_error (self, error);
    }

  if (self->n_fields > 0)
    {
      abandon_row (self);
      return set_programmer_error (error, "A CSV writer was closed in the middle of a row");
    }

  if (!flush_buffer (self, cancellable, error))
    return FALSE;

  if (!g_output_stream_flush (self->stream, cancellable, &local_error))
    return record_write_error (self, local_error, error);

  self->sha256 = g_strdup (g_checksum_get_string (self->checksum));

  return TRUE;
}

/**
 * qm_csv_writer_get_rows:
 * @self: a #QmCsvWriter
 *
 * Returns: the number of data rows ended so far, the header excluded
 */
guint64
qm_csv_writer_get_rows (QmCsvWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->rows;
}

/**
 * qm_csv_writer_get_sha256:
 * @self: a #QmCsvWriter
 *
 * Returns: (nullable): the lowercase hex SHA-256 of every byte written,
 *   the BOM included, once qm_csv_writer_close() succeeded; %NULL if it
 *   failed
 */
const char *
qm_csv_writer_get_sha256 (QmCsvWriter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->closed, NULL);

  return self->sha256;
}

/**
 * qm_csv_writer_free:
 * @self: (nullable): a #QmCsvWriter
 *
 * Frees the writer and drops its reference on the stream. Anything
 * still buffered (if qm_csv_writer_close() was not called) is discarded.
 */
void
qm_csv_writer_free (QmCsvWriter *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  g_string_free (self->buffer, TRUE);
  g_checksum_free (self->checksum);
  g_free (self->sha256);
  g_clear_error (&self->write_error);
  g_free (self);
}
