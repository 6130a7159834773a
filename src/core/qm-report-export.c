/* qm-report-export.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The finance reports as the window asks for them: which report, for
 * which days, turned into instants, writer calls, manifest parameters and
 * file names exactly as `quartermaster-cli report` does, so that an export
 * from the window and one from the command line are the same bytes with
 * the same manifest. An export is written to a hidden temporary file
 * beside its target and renamed into place only once complete, so a
 * cancelled or failed export never leaves half a file under the name a
 * person chose.
 */

#define G_LOG_DOMAIN "qm-report"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "qm-error.h"
#include "qm-report-export.h"
#include "qm-store-ledger.h"

/* The setting and default `quartermaster-cli report` reads. */
#define TIME_ZONE_KEY     "company_timezone"
#define TIME_ZONE_DEFAULT "UTC"

static const char * const kind_names[] = {
  [QM_REPORT_KIND_LEDGER] = "ledger",
  [QM_REPORT_KIND_VALUATION] = "valuation",
  [QM_REPORT_KIND_SUMMARY] = "summary",
  [QM_REPORT_KIND_RECONCILIATION] = "reconciliation",
  [QM_REPORT_KIND_AUDIT] = "audit",
};

/**
 * qm_report_kind_to_string:
 *
 * Returns: the report's name in the command line and in manifests
 */
const char *
qm_report_kind_to_string (QmReportKind kind)
{
  g_return_val_if_fail (kind <= QM_REPORT_KIND_LAST, NULL);

  return kind_names[kind];
}

gboolean
qm_report_kind_from_string (const char   *text,
                            QmReportKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (text, kind_names[i]) == 0)
        {
          *out_kind = (QmReportKind) i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * qm_report_kind_has_period:
 *
 * Returns: whether the report covers a period, from a first to a last day
 */
gboolean
qm_report_kind_has_period (QmReportKind kind)
{
  return kind == QM_REPORT_KIND_LEDGER || kind == QM_REPORT_KIND_AUDIT;
}

/**
 * qm_report_kind_has_day:
 *
 * Returns: whether the report values stock at the end of one day
 */
gboolean
qm_report_kind_has_day (QmReportKind kind)
{
  return kind == QM_REPORT_KIND_VALUATION || kind == QM_REPORT_KIND_SUMMARY;
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */

/**
 * qm_report_request_new:
 * @kind: which report
 * @from_day: (nullable): first day, YYYY-MM-DD (ledger, audit)
 * @to_day: (nullable): last day, inclusive (ledger, audit)
 * @at_day: (nullable): the day at whose end stock is valued (valuation, summary)
 *
 * Days a report does not take are dropped.
 *
 * Returns: (transfer full): a new request
 */
QmReportRequest *
qm_report_request_new (QmReportKind  kind,
                       const char   *from_day,
                       const char   *to_day,
                       const char   *at_day)
{
  QmReportRequest *self;

  g_return_val_if_fail (kind <= QM_REPORT_KIND_LAST, NULL);

  self = g_new0 (QmReportRequest, 1);
  self->kind = kind;
  if (qm_report_kind_has_period (kind))
    {
      self->from_day = g_strdup (from_day);
      self->to_day = g_strdup (to_day);
    }
  if (qm_report_kind_has_day (kind))
    self->at_day = g_strdup (at_day);

  return self;
}

QmReportRequest *
qm_report_request_copy (const QmReportRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return qm_report_request_new (self->kind, self->from_day, self->to_day, self->at_day);
}

void
qm_report_request_free (QmReportRequest *self)
{
  if (self == NULL)
    return;

  g_free (self->from_day);
  g_free (self->to_day);
  g_free (self->at_day);
  g_free (self);
}

gboolean
qm_report_request_equal (const QmReportRequest *a,
                         const QmReportRequest *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return a->kind == b->kind &&
         g_strcmp0 (a->from_day, b->from_day) == 0 &&
         g_strcmp0 (a->to_day, b->to_day) == 0 &&
         g_strcmp0 (a->at_day, b->at_day) == 0;
}

static gboolean
parse_day (const char *text,
           GDate      *out_date)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  if (y < 1 || !g_date_valid_dmy (d, m, y))
    return FALSE;

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, d, m, y);
  return TRUE;
}

static gboolean
check_day (const char  *text,
           const char  *what,
           GDate       *out_date,
           GError     **error)
{
  if (text == NULL || *text == '\0')
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   /* Translators: %s is “the first day”, “the last day” or “the day” */
                   _("Enter %s as YYYY-MM-DD, e.g. 2026-10-31"), what);
      return FALSE;
    }

  if (!parse_day (text, out_date))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is not a date; write days as YYYY-MM-DD, e.g. 2026-10-31"), text);
      return FALSE;
    }

  return TRUE;
}

/**
 * qm_report_request_validate:
 * @error: return location for a #GError
 *
 * Checks that the request has the days its report takes, written
 * YYYY-MM-DD, and that a period does not end before it starts.
 *
 * Returns: %TRUE when valid; %FALSE with %QM_ERROR_INVALID_INPUT saying
 *   what to change
 */
gboolean
qm_report_request_validate (const QmReportRequest  *self,
                            GError                **error)
{
  GDate from, to, at;

  g_return_val_if_fail (self != NULL, FALSE);

  if (qm_report_kind_has_period (self->kind))
    {
      if (!check_day (self->from_day, _("the first day"), &from, error) ||
          !check_day (self->to_day, _("the last day"), &to, error))
        return FALSE;

      if (g_date_compare (&from, &to) > 0)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       _("The period ends on %s, before it starts on %s; swap the two days"),
                       self->to_day, self->from_day);
          return FALSE;
        }
    }

  if (qm_report_kind_has_day (self->kind) && !check_day (self->at_day, _("the day"), &at, error))
    return FALSE;

  return TRUE;
}

/**
 * qm_report_request_suggest_file_name:
 * @today: (nullable): today, YYYY-MM-DD, for a report without days
 *
 * Returns: (transfer full): a file name such as
 *   ledger-2026-10-01-2026-10-31.csv or valuation-2026-10-31.csv
 */
char *
qm_report_request_suggest_file_name (const QmReportRequest *self,
                                     const char            *today)
{
  const char *name;

  g_return_val_if_fail (self != NULL, NULL);

  name = qm_report_kind_to_string (self->kind);

  if (qm_report_kind_has_period (self->kind) && self->from_day != NULL && self->to_day != NULL)
    return g_strdup_printf ("%s-%s-%s.csv", name, self->from_day, self->to_day);
  if (qm_report_kind_has_day (self->kind) && self->at_day != NULL)
    return g_strdup_printf ("%s-%s.csv", name, self->at_day);
  if (today != NULL)
    return g_strdup_printf ("%s-%s.csv", name, today);

  return g_strdup_printf ("%s.csv", name);
}

/**
 * qm_report_request_manifest_parameters:
 * @time_zone: the company time zone the days were read in
 * @bom: whether the file starts with a byte order mark
 *
 * The parameters `quartermaster-cli report` puts in the manifest for the
 * same report: name, value, name, value, …
 *
 * Returns: (transfer full): a %NULL-terminated array
 */
char **
qm_report_request_manifest_parameters (const QmReportRequest *self,
                                       const char            *time_zone,
                                       gboolean               bom)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (time_zone != NULL, NULL);

  switch (self->kind)
    {
    case QM_REPORT_KIND_LEDGER:
    case QM_REPORT_KIND_AUDIT:
      g_strv_builder_add_many (builder,
                               "from", self->from_day != NULL ? self->from_day : "",
                               "to", self->to_day != NULL ? self->to_day : "",
                               "time_zone", time_zone, NULL);
      break;
    case QM_REPORT_KIND_VALUATION:
    case QM_REPORT_KIND_SUMMARY:
      g_strv_builder_add_many (builder, "at", self->at_day != NULL ? self->at_day : "",
                               "time_zone", time_zone, NULL);
      break;
    case QM_REPORT_KIND_RECONCILIATION:
    default:
      break;
    }
  g_strv_builder_add_many (builder, "bom", bom ? "true" : "false", NULL);

  return g_strv_builder_end (builder);
}

/**
 * qm_report_request_write:
 * @store: the cache
 * @flags: CSV flags
 * @stream: where to write the CSV
 * @out_digest: (out) (optional): rows and SHA-256 of the CSV, when the
 *   report's writer keeps them
 * @out_has_digest: (out) (optional): whether @out_digest was filled in
 *   (the audit trail's writer keeps no digest: hash the file afterwards,
 *   with qm_report_digest_file(), as the command line does)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the report as CSV, its days read in the company time zone set
 * in @store, as `quartermaster-cli report` would. The stream is flushed,
 * not closed.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_request_write (const QmReportRequest  *self,
                         QmStore                *store,
                         QmCsvFlags              flags,
                         GOutputStream          *stream,
                         QmReportDigest         *out_digest,
                         gboolean               *out_has_digest,
                         GCancellable           *cancellable,
                         GError                **error)
{
  g_autofree char *tz = NULL;
  g_autofree char *from_at = NULL;
  g_autofree char *to_at = NULL;
  QmReportDigest digest = { 0 };
  gboolean has_digest = TRUE;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (out_has_digest != NULL)
    *out_has_digest = FALSE;

  if (!qm_report_request_validate (self, error))
    return FALSE;

  tz = qm_store_get_setting (store, TIME_ZONE_KEY, TIME_ZONE_DEFAULT);

  switch (self->kind)
    {
    case QM_REPORT_KIND_LEDGER:
      ok = qm_report_day_range (self->from_day, self->to_day, tz, &from_at, &to_at, error) &&
           qm_report_write_ledger (store, from_at, to_at, QM_REPORT_FORMAT_CSV, flags, stream,
                                   &digest, cancellable, error);
      break;
    case QM_REPORT_KIND_VALUATION:
      ok = qm_report_day_range (self->at_day, self->at_day, tz, &from_at, &to_at, error) &&
           qm_report_write_valuation (store, to_at, QM_REPORT_FORMAT_CSV, flags, stream,
                                      &digest, cancellable, error);
      break;
    case QM_REPORT_KIND_SUMMARY:
      ok = qm_report_day_range (self->at_day, self->at_day, tz, &from_at, &to_at, error) &&
           qm_report_write_summary (store, to_at, QM_REPORT_FORMAT_CSV, flags, stream,
                                    &digest, cancellable, error);
      break;
    case QM_REPORT_KIND_RECONCILIATION:
      ok = qm_report_write_reconciliation (store, QM_REPORT_FORMAT_CSV, flags, stream, &digest,
                                           cancellable, error);
      break;
    case QM_REPORT_KIND_AUDIT:
      has_digest = FALSE;
      ok = qm_report_day_range (self->from_day, self->to_day, tz, &from_at, &to_at, error) &&
           qm_report_write_audit (store, from_at, to_at, QM_REPORT_FORMAT_CSV, flags, stream,
                                  cancellable, error);
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  if (!ok)
    return FALSE;

  if (out_digest != NULL)
    *out_digest = digest;
  if (out_has_digest != NULL)
    *out_has_digest = has_digest;

  return TRUE;
}

/**
 * qm_report_request_preview:
 * @store: the cache
 * @preview: (transfer none): a new preview (qm_report_preview_new())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the report into @preview, without a byte order mark, and seals it.
 *
 * Returns: (transfer none) (nullable): @preview, or %NULL on error
 */
QmReportPreview *
qm_report_request_preview (const QmReportRequest  *self,
                           QmStore                *store,
                           QmReportPreview        *preview,
                           GCancellable           *cancellable,
                           GError                **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (preview != NULL, NULL);

  if (!qm_report_request_write (self, store, QM_CSV_FLAGS_NONE,
                                qm_report_preview_get_stream (preview), NULL, NULL,
                                cancellable, error) ||
      !qm_report_preview_seal (preview, error))
    return NULL;

  return preview;
}

/* ------------------------------------------------------------------------ */
/* Exports                                                                  */

/* Passes writes on and counts the bytes, for a progress bar in another
 * thread. */
#define QM_TYPE_COUNTING_STREAM (qm_counting_stream_get_type ())
G_DECLARE_FINAL_TYPE (QmCountingStream, qm_counting_stream, QM, COUNTING_STREAM,
                      GFilterOutputStream)

struct _QmCountingStream
{
  GFilterOutputStream  parent_instance;

  gsize               *counter;   /* gpointer-sized, updated atomically */
};

G_DEFINE_FINAL_TYPE (QmCountingStream, qm_counting_stream, G_TYPE_FILTER_OUTPUT_STREAM)

static gssize
qm_counting_stream_write_fn (GOutputStream  *stream,
                             const void     *buffer,
                             gsize           count,
                             GCancellable   *cancellable,
                             GError        **error)
{
  QmCountingStream *self = QM_COUNTING_STREAM (stream);
  gssize n;

  n = G_OUTPUT_STREAM_CLASS (qm_counting_stream_parent_class)->write_fn (stream, buffer, count,
                                                                         cancellable, error);
  if (n > 0 && self->counter != NULL)
    g_atomic_pointer_add (self->counter, n);

  return n;
}

static void
qm_counting_stream_class_init (QmCountingStreamClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = qm_counting_stream_write_fn;
}

static void
qm_counting_stream_init (QmCountingStream *self)
{
}

/* A hidden file beside @target that did not exist before. */
static GFileOutputStream *
create_temporary (GFile   *target,
                  GFile  **out_file,
                  GError **error)
{
  g_autoptr(GFile) dir = g_file_get_parent (target);
  g_autofree char *base = g_file_get_basename (target);

  for (guint attempt = 0; ; attempt++)
    {
      g_autofree char *name = g_strdup_printf (".%s.%08x.part", base, g_random_int ());
      g_autoptr(GFile) file = g_file_get_child (dir, name);
      g_autoptr(GError) local_error = NULL;
      GFileOutputStream *out;

      out = g_file_create (file, G_FILE_CREATE_NONE, NULL, &local_error);
      if (out != NULL)
        {
          *out_file = g_steal_pointer (&file);
          return out;
        }

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS) || attempt >= 16)
        {
          g_autofree char *where = g_file_get_parse_name (dir);

          g_set_error (error, QM_ERROR, QM_ERROR_IO,
                       _("Cannot write in the folder “%s”: %s; choose a folder you can write "
                         "to"), where, local_error->message);
          return NULL;
        }
    }
}

/**
 * qm_report_request_export:
 * @store: the cache (opened in the calling thread)
 * @path: the file to write; an existing one is replaced
 * @flags: CSV flags (%QM_CSV_FLAGS_BOM for Excel)
 * @bytes_written: (optional): a counter the bytes written so far are
 *   added to atomically (read it with g_atomic_pointer_get())
 * @out_digest: (out) (optional): the file's rows and SHA-256
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes the report to @path and its manifest to @path.manifest.json,
 * with the same bytes and manifest parameters as `quartermaster-cli report
 * … --output @path`. The CSV goes to a hidden temporary file in the same
 * folder first and is renamed to @path once complete: on error or
 * cancellation the temporary file is removed and @path left as it was.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_report_request_export (const QmReportRequest  *self,
                          QmStore                *store,
                          const char             *path,
                          QmCsvFlags              flags,
                          gsize                  *bytes_written,
                          QmReportDigest         *out_digest,
                          GCancellable           *cancellable,
                          GError                **error)
{
  g_autoptr(GFile) target = NULL;
  g_autoptr(GFile) temporary = NULL;
  g_autoptr(GFileOutputStream) file_out = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *tz = NULL;
  g_auto(GStrv) parameters = NULL;
  QmReportDigest digest = { 0 };
  gboolean has_digest = FALSE;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (QM_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!qm_report_request_validate (self, error))
    return FALSE;

  target = g_file_new_for_path (path);
  file_out = create_temporary (target, &temporary, error);
  if (file_out == NULL)
    return FALSE;

  out = g_object_new (QM_TYPE_COUNTING_STREAM, "base-stream", file_out,
                      "close-base-stream", TRUE, NULL);
  QM_COUNTING_STREAM (out)->counter = bytes_written;

  ok = qm_report_request_write (self, store, flags, out, &digest, &has_digest, cancellable,
                                &local_error);
  /* Close even when cancelled, so the file is complete or gone. */
  if (!g_output_stream_close (out, NULL, ok ? &local_error : NULL))
    ok = FALSE;
  if (ok && g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    ok = FALSE;
  if (ok && !g_file_move (temporary, target, G_FILE_COPY_OVERWRITE |
                          G_FILE_COPY_NO_FALLBACK_FOR_MOVE, NULL, NULL, NULL, &local_error))
    {
      g_autoptr(GError) move_error = g_steal_pointer (&local_error);

      g_set_error (&local_error, QM_ERROR, QM_ERROR_IO,
                   _("Cannot save “%s”: %s; choose another name or folder"), path,
                   move_error->message);
      ok = FALSE;
    }

  if (!ok)
    {
      g_file_delete (temporary, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!has_digest && !qm_report_digest_file (path, &digest, error))
    return FALSE;

  tz = qm_store_get_setting (store, TIME_ZONE_KEY, TIME_ZONE_DEFAULT);
  parameters = qm_report_request_manifest_parameters (self, tz, (flags & QM_CSV_FLAGS_BOM) != 0);
  if (!qm_report_write_manifest (store, path, qm_report_kind_to_string (self->kind),
                                 (const char * const *) parameters, &digest, error))
    return FALSE;

  if (out_digest != NULL)
    *out_digest = digest;

  return TRUE;
}

/* ------------------------------------------------------------------------ */

/**
 * qm_report_data_fingerprint:
 * @store: the cache
 * @out_n_warehouses: (out) (optional): how many warehouses there are
 * @error: return location for a #GError
 *
 * A short text that changes whenever a report could: a sync of any
 * warehouse, a new audit entry (settings, rules, closed periods) or a
 * change of the company time zone. Cheap: no movement is read.
 *
 * Returns: (transfer full) (nullable): the fingerprint, or %NULL on error
 */
char *
qm_report_data_fingerprint (QmStore  *store,
                            guint    *out_n_warehouses,
                            GError  **error)
{
  g_autoptr(GPtrArray) warehouses = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *tz = NULL;
  g_autofree char *head_hash = NULL;
  gint64 head_seq = 0;

  g_return_val_if_fail (QM_IS_STORE (store), NULL);

  warehouses = qm_store_list_warehouses (store, error);
  if (warehouses == NULL || !qm_store_get_audit_head (store, &head_seq, &head_hash, error))
    return NULL;

  tz = qm_store_get_setting (store, TIME_ZONE_KEY, TIME_ZONE_DEFAULT);
  g_string_append_printf (text, "%s|%" G_GINT64_FORMAT ":%s", tz, head_seq,
                          head_hash != NULL ? head_hash : "");

  for (guint i = 0; i < warehouses->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (warehouses, i);
      g_auto(QmSyncState) state = { 0 };

      if (!qm_store_get_sync_state (store, wh->id, &state, error))
        return NULL;

      g_string_append_printf (text, "|%s:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%"
                              G_GINT64_FORMAT ":%s", wh->id, state.cursor_seq,
                              state.snapshot_seq, state.reconciled_seq,
                              state.last_success_at != NULL ? state.last_success_at : "");
    }

  if (out_n_warehouses != NULL)
    *out_n_warehouses = warehouses->len;

  return g_string_free (g_steal_pointer (&text), FALSE);
}
