/* qm-report-preview.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A report as the window previews it: the very CSV an export would
 * write, kept in an unlinked temporary file and mapped into memory, with
 * the offset of every 64th record. A row is found by jumping to the
 * nearest indexed record and stepping over at most 63 records, and is
 * only cut into cells when asked for, so a preview of millions of rows
 * costs a few bytes per row in memory and the preview cannot differ from
 * the file a person exports.
 */

#define G_LOG_DOMAIN "qm-report"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "qm-error.h"
#include "qm-report-preview.h"

/* Records between two indexed offsets. */
#define BLOCK 64

#define UTF8_BOM "\xEF\xBB\xBF"

/* ------------------------------------------------------------------------ */
/* The stream the report is written into                                    */

#define QM_TYPE_PREVIEW_STREAM (qm_preview_stream_get_type ())
G_DECLARE_FINAL_TYPE (QmPreviewStream, qm_preview_stream, QM, PREVIEW_STREAM, GOutputStream)

struct _QmPreviewStream
{
  GOutputStream  parent_instance;

  int            fd;          /* owned by the preview */
  guint64        offset;      /* bytes written */
  guint64        records;     /* line ends seen outside quotes */
  gboolean       quoted;
  gboolean       in_record;   /* bytes seen since the last line end */
  GArray        *blocks;      /* guint64: where record k * BLOCK starts */

  GMutex         lock;        /* guards progress */
  guint64        progress;    /* records, read from other threads */
};

G_DEFINE_FINAL_TYPE (QmPreviewStream, qm_preview_stream, G_TYPE_OUTPUT_STREAM)

static void
index_bytes (QmPreviewStream *self,
             const char      *bytes,
             gsize            count)
{
  for (gsize i = 0; i < count; i++)
    {
      char c = bytes[i];

      if (c == '"')
        self->quoted = !self->quoted;

      if (c == '\n' && !self->quoted)
        {
          self->records++;
          self->in_record = FALSE;
          if (self->records % BLOCK == 0)
            {
              guint64 start = self->offset + i + 1;

              g_array_append_val (self->blocks, start);
            }
        }
      else if (c != '\r')
        {
          self->in_record = TRUE;
        }
    }

  self->offset += count;

  g_mutex_lock (&self->lock);
  self->progress = self->records;
  g_mutex_unlock (&self->lock);
}

static gssize
qm_preview_stream_write_fn (GOutputStream  *stream,
                            const void     *buffer,
                            gsize           count,
                            GCancellable   *cancellable,
                            GError        **error)
{
  QmPreviewStream *self = QM_PREVIEW_STREAM (stream);
  const char *bytes = buffer;
  gsize done = 0;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  while (done < count)
    {
      gssize n = write (self->fd, bytes + done, count - done);

      if (n < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;

          g_set_error (error, QM_ERROR, QM_ERROR_IO,
                       _("Cannot write the preview to a temporary file: %s; free some space "
                         "in the temporary folder"), g_strerror (saved));
          return -1;
        }
      done += (gsize) n;
    }

  index_bytes (self, bytes, count);
  return (gssize) count;
}

static void
qm_preview_stream_finalize (GObject *object)
{
  QmPreviewStream *self = QM_PREVIEW_STREAM (object);

  g_array_unref (self->blocks);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (qm_preview_stream_parent_class)->finalize (object);
}

static void
qm_preview_stream_class_init (QmPreviewStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = qm_preview_stream_finalize;
  stream_class->write_fn = qm_preview_stream_write_fn;
}

static void
qm_preview_stream_init (QmPreviewStream *self)
{
  guint64 zero = 0;

  self->fd = -1;
  self->blocks = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_array_append_val (self->blocks, zero);
  g_mutex_init (&self->lock);
}

/* ------------------------------------------------------------------------ */
/* The preview                                                              */

struct _QmReportPreview
{
  gatomicrefcount  ref_count;

  int              fd;
  QmPreviewStream *stream;

  /* Once sealed */
  gboolean         sealed;
  GMappedFile     *map;
  const char      *data;
  gsize            size;
  gsize            body;        /* where the header starts (after a BOM) */
  guint64          n_records;   /* the header included */
  char           **columns;
  guint            n_columns;
};

/**
 * qm_report_preview_new:
 * @error: return location for a #GError
 *
 * Makes an empty preview backed by a temporary file that is already
 * unlinked, so it vanishes with the preview (or the process). Write a
 * report's CSV into qm_report_preview_get_stream(), from one thread, then
 * call qm_report_preview_seal().
 *
 * Returns: (transfer full) (nullable): a new preview, or %NULL with
 *   %QM_ERROR_IO when no temporary file can be made
 */
QmReportPreview *
qm_report_preview_new (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  QmReportPreview *self;
  int fd;

  fd = g_file_open_tmp ("quartermaster-preview-XXXXXX.csv", &name, &local_error);
  if (fd < 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_IO,
                   _("Cannot make a temporary file for the preview: %s"), local_error->message);
      return NULL;
    }
  g_unlink (name);

  self = g_new0 (QmReportPreview, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->fd = fd;
  self->stream = g_object_new (QM_TYPE_PREVIEW_STREAM, NULL);
  self->stream->fd = fd;

  return self;
}

QmReportPreview *
qm_report_preview_ref (QmReportPreview *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
qm_report_preview_unref (QmReportPreview *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_object (&self->stream);
  g_clear_pointer (&self->map, g_mapped_file_unref);
  g_strfreev (self->columns);
  if (self->fd >= 0)
    g_close (self->fd, NULL);
  g_free (self);
}

/**
 * qm_report_preview_get_stream:
 *
 * Returns: (transfer none): where to write the report, as CSV without a
 *   byte order mark (one is skipped if there)
 */
GOutputStream *
qm_report_preview_get_stream (QmReportPreview *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return G_OUTPUT_STREAM (self->stream);
}

/**
 * qm_report_preview_get_progress:
 *
 * May be called from any thread while the report is written.
 *
 * Returns: the data rows written so far
 */
guint64
qm_report_preview_get_progress (QmReportPreview *self)
{
  guint64 records;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->stream->lock);
  records = self->stream->progress;
  g_mutex_unlock (&self->stream->lock);

  return records > 0 ? records - 1 : 0;
}

/* Where the record after the one at @p starts (or the end). */
static gsize
skip_record (const char *data,
             gsize       size,
             gsize       p)
{
  gboolean quoted = FALSE;

  for (; p < size; p++)
    {
      if (data[p] == '"')
        quoted = !quoted;
      else if (data[p] == '\n' && !quoted)
        return p + 1;
    }

  return size;
}

/* Cuts the record at @p into its cells, RFC 4180. */
static char **
parse_record (const char *data,
              gsize       size,
              gsize       p)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) cell = g_string_new (NULL);

  for (;;)
    {
      g_string_truncate (cell, 0);

      if (p < size && data[p] == '"')
        {
          p++;
          while (p < size)
            {
              if (data[p] == '"')
                {
                  if (p + 1 < size && data[p + 1] == '"')
                    {
                      g_string_append_c (cell, '"');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              g_string_append_c (cell, data[p++]);
            }
          /* Anything between the closing quote and the separator is kept
           * as it is, as most readers do. */
        }

      while (p < size && data[p] != ',' && data[p] != '\n')
        g_string_append_c (cell, data[p++]);

      if (p < size && data[p] == '\n' && cell->len > 0 && cell->str[cell->len - 1] == '\r')
        g_string_truncate (cell, cell->len - 1);
      else if (p >= size && cell->len > 0 && cell->str[cell->len - 1] == '\r')
        g_string_truncate (cell, cell->len - 1);

      g_strv_builder_add (builder, cell->str);

      if (p >= size || data[p] == '\n')
        break;
      p++;   /* the comma */
    }

  return g_strv_builder_end (builder);
}

/**
 * qm_report_preview_seal:
 * @error: return location for a #GError
 *
 * Ends the writing (the stream must not be written to again) and makes
 * the rows readable. Call it from the thread that wrote.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_preview_seal (QmReportPreview  *self,
                        GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->sealed, FALSE);

  if (!g_output_stream_is_closed (G_OUTPUT_STREAM (self->stream)) &&
      !g_output_stream_close (G_OUTPUT_STREAM (self->stream), NULL, error))
    return FALSE;

  self->n_records = self->stream->records + (self->stream->in_record ? 1 : 0);

  if (self->stream->offset > 0)
    {
      self->map = g_mapped_file_new_from_fd (self->fd, FALSE, &local_error);
      if (self->map == NULL)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_IO,
                       _("Cannot read the preview back from its temporary file: %s"),
                       local_error->message);
          return FALSE;
        }
      self->data = g_mapped_file_get_contents (self->map);
      self->size = g_mapped_file_get_length (self->map);
    }

  if (self->size >= 3 && memcmp (self->data, UTF8_BOM, 3) == 0)
    self->body = 3;

  if (self->n_records > 0)
    self->columns = parse_record (self->data, self->size, self->body);
  else
    self->columns = g_new0 (char *, 1);
  self->n_columns = g_strv_length (self->columns);

  self->sealed = TRUE;
  return TRUE;
}

/**
 * qm_report_preview_get_n_rows:
 *
 * Returns: the data rows (records after the header) of a sealed preview
 */
guint64
qm_report_preview_get_n_rows (QmReportPreview *self)
{
  g_return_val_if_fail (self != NULL && self->sealed, 0);

  return self->n_records > 0 ? self->n_records - 1 : 0;
}

/**
 * qm_report_preview_get_size:
 *
 * Returns: the bytes of the CSV
 */
guint64
qm_report_preview_get_size (QmReportPreview *self)
{
  g_return_val_if_fail (self != NULL && self->sealed, 0);

  return self->size;
}

guint
qm_report_preview_get_n_columns (QmReportPreview *self)
{
  g_return_val_if_fail (self != NULL && self->sealed, 0);

  return self->n_columns;
}

/**
 * qm_report_preview_get_column:
 *
 * Returns: (transfer none) (nullable): the header of @column, as in the file
 */
const char *
qm_report_preview_get_column (QmReportPreview *self,
                              guint            column)
{
  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  return column < self->n_columns ? self->columns[column] : NULL;
}

/**
 * qm_report_preview_get_row:
 * @row: a data row, from 0
 *
 * Returns: (transfer full) (nullable): the cells of @row as in the file
 *   (a guarded text keeps its leading apostrophe), or %NULL past the end
 */
char **
qm_report_preview_get_row (QmReportPreview *self,
                           guint64          row)
{
  guint64 record;
  gsize p;

  g_return_val_if_fail (self != NULL && self->sealed, NULL);

  if (row >= qm_report_preview_get_n_rows (self))
    return NULL;

  record = row + 1;
  p = g_array_index (self->stream->blocks, guint64, record / BLOCK);
  if (record / BLOCK == 0)
    p = self->body;
  for (guint64 i = 0; i < record % BLOCK; i++)
    p = skip_record (self->data, self->size, p);

  return parse_record (self->data, self->size, p);
}
