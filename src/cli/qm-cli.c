/* qm-cli.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * quartermaster-cli: the headless face of the engines. Every command
 * parses its own options (so each has --help), does its work through
 * src/core and src/sync, and maps errors to the exit statuses users
 * script against: 0 done, 1 partly failed (what succeeded is kept),
 * 2 bad usage, 3 bad data or a refused operation.
 */

#define G_LOG_DOMAIN "qm-cli"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <signal.h>

#include "qm-cli.h"
#include "qm-endpoint-url.h"
#include "qm-money.h"
#include "qm-push.h"
#include "qm-error.h"
#include "qm-report.h"
#include "qm-store.h"
#include "qm-store-allocation.h"
#include "qm-store-ledger.h"
#include "qm-store-procurement.h"
#include "qm-sync.h"
#include "qm-token.h"

enum {
  EXIT_OK = 0,
  EXIT_PARTIAL = 1,
  EXIT_USAGE = 2,
  EXIT_REFUSED = 3,
};

typedef struct
{
  char *db_path;
} Globals;

typedef int (*CommandFunc) (Globals *globals,
                            int      argc,
                            char   **argv);

typedef struct
{
  const char  *name;
  const char  *sub;
  CommandFunc  func;
  const char  *summary;
} Command;

static const char *prgname = "quartermaster-cli";

static int
fail (int         status,
      const char *message)
{
  g_printerr ("%s: %s\n", prgname, message);
  return status;
}

static int
exit_status_for_error (const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    return EXIT_USAGE;

  if (error->domain == QM_ERROR)
    {
      switch (error->code)
        {
        case QM_ERROR_INVALID_INPUT:
          return EXIT_USAGE;
        case QM_ERROR_BAD_DATA:
        case QM_ERROR_NOT_FOUND:
        case QM_ERROR_EXISTS:
        case QM_ERROR_NEWER_VERSION:
        case QM_ERROR_NOT_A_CACHE:
        case QM_ERROR_CONFLICT:
        case QM_ERROR_REFUSED:
          return EXIT_REFUSED;
        default:
          return EXIT_PARTIAL;
        }
    }

  return EXIT_PARTIAL;
}

static int
fail_with_error (const GError *error)
{
  g_autofree char *one_line = g_strdup (error->message);

  /* One line per error, whatever the message holds. */
  g_strdelimit (one_line, "\r\n", ' ');
  return fail (exit_status_for_error (error), one_line);
}

static char *
resolve_db_path (Globals *globals,
                 GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;

  if (globals->db_path != NULL)
    return g_strdup (globals->db_path);

  path = qm_store_default_path ();
  folder = g_path_get_dirname (path);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, QM_ERROR, QM_ERROR_READ_ONLY,
                   _("Cannot create the folder for the cache “%s”: %s; pick a file with --db"),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&path);
}

static QmStore *
open_store (Globals *globals,
            GError **error)
{
  g_autofree char *path = resolve_db_path (globals, error);

  if (path == NULL)
    return NULL;

  return qm_store_open (path, error);
}

/* Runs the main loop until *done is set; Ctrl+C cancels @cancellable. */
static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

static void
wait_for (gboolean     *done,
          GCancellable *cancellable)
{
  guint sigint = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
  guint sigterm = g_unix_signal_add (SIGTERM, on_interrupt, cancellable);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (sigint);
  g_source_remove (sigterm);
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

/* Parses a command's options; --help prints and exits 0, bad usage exits 2. */
static gboolean
parse_options (const char   *usage,
               const char   *summary,
               GOptionEntry *entries,
               Globals      *globals,
               int          *argc,
               char       ***argv,
               int          *out_status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;
  GOptionEntry common[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &globals->db_path,
      N_("The cache file (default: the desktop app's own)"), N_("FILE") },
    { NULL }
  };

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_autofree char *message = g_strdup_printf (_("%s (see --help)"), error->message);

      *out_status = fail (EXIT_USAGE, message);
      return FALSE;
    }

  return TRUE;
}

static int
usage_error (const char *message)
{
  g_autofree char *text = g_strdup_printf (_("%s (see --help)"), message);

  return fail (EXIT_USAGE, text);
}

static GOutputStream *
open_output (const char    *path,
             GFile        **out_file,
             GError       **error)
{
  if (path == NULL || strcmp (path, "-") == 0)
    {
      *out_file = NULL;
      return g_unix_output_stream_new (STDOUT_FILENO, FALSE);
    }

  *out_file = g_file_new_for_commandline_arg (path);
  /* Written to a temporary file and moved into place on close, so a
   * failed export never leaves a half file where a good one was. */
  return G_OUTPUT_STREAM (g_file_replace (*out_file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                          NULL, error));
}

static gboolean
close_output (GOutputStream *stream,
              gboolean       success,
              GError       **error)
{
  if (G_IS_FILE_OUTPUT_STREAM (stream) && !success)
    {
      /* Cancelling the close drops the temporary file, leaving any old one. */
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();

      g_cancellable_cancel (cancellable);
      g_output_stream_close (stream, cancellable, NULL);
      return FALSE;
    }

  return g_output_stream_close (stream, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* endpoint                                                                 */

static int
cmd_endpoint_add (Globals *globals,
                  int      argc,
                  char   **argv)
{
  g_autofree char *token_file = NULL;
  g_autofree char *id = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(QmWarehouseInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  QmWarehouse wh = { 0 };
  gboolean allow_insecure = FALSE;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      N_("File holding the endpoint's bearer token (mode 0600)"), N_("FILE") },
    { "allow-insecure", 0, 0, G_OPTION_ARG_NONE, &allow_insecure,
      N_("Allow plain http to a host other than this machine"), NULL },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id,
      N_("Store under this warehouse id without contacting the endpoint (offline set-up)"),
      N_("ID") },
    { NULL }
  };

  if (!parse_options (_("URL"), _("Add a warehouse endpoint."), entries, globals,
                      &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("endpoint add needs exactly one URL"));

  base_url = qm_endpoint_url_check (argv[1], allow_insecure, &error);
  if (base_url == NULL)
    return fail_with_error (error);

  if (token_file != NULL && !qm_token_check_file (token_file, &error))
    return fail_with_error (error);

  db_path = resolve_db_path (globals, &error);
  if (db_path == NULL)
    return fail_with_error (error);

  /* Refuse a file we cannot use before contacting anything. */
  store = qm_store_open (db_path, &error);
  if (store == NULL)
    return fail_with_error (error);

  if (id == NULL)
    {
      g_autoptr(QmSync) sync = qm_sync_new (db_path);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      Waiter waiter = { 0 };

      qm_sync_probe_async (sync, base_url, token_file, cancellable, on_async_done, &waiter);
      wait_for (&waiter.done, cancellable);
      info = qm_sync_probe_finish (sync, waiter.result, &error);
      g_clear_object (&waiter.result);
      if (info == NULL)
        {
          g_prefix_error (&error, _("Could not ask %s what it is: "), base_url);
          return fail_with_error (error);
        }

      wh = *info->warehouse;
    }
  else
    {
      wh.id = id;
    }

  wh.url = base_url;
  wh.allow_insecure = allow_insecure;
  wh.token_file = token_file;

  if (!qm_store_add_warehouse (store, &wh, NULL, &error))
    return fail_with_error (error);

  if (info != NULL)
    g_print (_("Added warehouse %s (%s, region %s) at %s\n"),
             wh.id, wh.name, wh.region, base_url);
  else
    g_print (_("Added warehouse %s at %s\n"), wh.id, base_url);

  return EXIT_OK;
}

static int
cmd_endpoint_list (Globals *globals,
                   int      argc,
                   char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;

  if (!parse_options (NULL, _("List the warehouse endpoints."), NULL, globals,
                      &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("endpoint list takes no arguments"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  list = qm_store_list_warehouses (store, &error);
  if (list == NULL)
    return fail_with_error (error);

  if (list->len == 0)
    {
      g_printerr (_("No warehouse endpoints yet; add one with “endpoint add URL”.\n"));
      return EXIT_OK;
    }

  for (guint i = 0; i < list->len; i++)
    {
      QmWarehouse *wh = g_ptr_array_index (list, i);
      g_auto(QmSyncState) state = { 0 };
      const char *last = NULL;

      if (qm_store_get_sync_state (store, wh->id, &state, NULL))
        last = state.last_success_at;

      g_print ("%s\t%s\t%s\t%s%s\t%s\n",
               wh->id, wh->url,
               *wh->name ? wh->name : "-",
               *wh->region ? wh->region : "-",
               wh->allow_insecure ? _(" (insecure allowed)") : "",
               last != NULL ? last : _("never synced"));
    }

  return EXIT_OK;
}

static int
cmd_endpoint_remove (Globals *globals,
                     int      argc,
                     char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;

  if (!parse_options (_("ID"),
                      _("Remove a warehouse endpoint and everything cached from it."),
                      NULL, globals, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("endpoint remove needs exactly one warehouse id"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  if (!qm_store_remove_warehouse (store, argv[1], NULL, &error))
    return fail_with_error (error);

  g_print (_("Removed warehouse %s\n"), argv[1]);
  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* sync                                                                     */

static int
cmd_sync (Globals *globals,
          int      argc,
          char   **argv)
{
  g_autoptr(QmSync) sync = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(QmStore) store = NULL;
  Waiter waiter = { 0 };
  int status = EXIT_OK;
  guint failed = 0;

  if (!parse_options (_("[ID…]"),
                      _("Pull products, movements and a stock snapshot from each endpoint "
                        "(all by default)."),
                      NULL, globals, &argc, &argv, &status))
    return status;

  db_path = resolve_db_path (globals, &error);
  if (db_path == NULL)
    return fail_with_error (error);

  /* Open (and migrate) once up front, so a bad file fails before any network work. */
  store = qm_store_open (db_path, &error);
  if (store == NULL)
    return fail_with_error (error);
  g_clear_object (&store);

  sync = qm_sync_new (db_path);
  qm_sync_run_async (sync, argc > 1 ? (const char * const *) &argv[1] : NULL, cancellable,
                     on_async_done, &waiter);
  wait_for (&waiter.done, cancellable);
  results = qm_sync_run_finish (sync, waiter.result, &error);
  g_clear_object (&waiter.result);
  if (results == NULL)
    return fail_with_error (error);

  if (results->len == 0)
    g_printerr (_("No warehouse endpoints yet; add one with “endpoint add URL”.\n"));

  for (guint i = 0; i < results->len; i++)
    {
      QmSyncResult *r = g_ptr_array_index (results, i);

      for (guint w = 0; w < r->warnings->len; w++)
        g_printerr (_("%s: warning: %s\n"), prgname, (char *) g_ptr_array_index (r->warnings, w));

      if (r->error != NULL)
        {
          g_autofree char *message = g_strdup (r->error->message);

          g_strdelimit (message, "\r\n", ' ');
          g_print (_("%s: failed after %.1f s: %s\n"), r->warehouse_id,
                   r->elapsed_ms / 1000.0, message);
          g_printerr ("%s: %s: %s\n", prgname, r->warehouse_id, message);
          failed++;
        }
      else
        {
          g_print (_("%s: %" G_GINT64_FORMAT " new movements, %" G_GINT64_FORMAT " snapshot rows "
                     "(as of %" G_GINT64_FORMAT "), %" G_GINT64_FORMAT " discrepancies, %"
                     G_GINT64_FORMAT " quarantined, %.1f s\n"),
                   r->warehouse_id, r->new_movements, r->snapshot_rows, r->snapshot_seq,
                   r->discrepancies, r->quarantined, r->elapsed_ms / 1000.0);
        }
    }

  return failed > 0 ? EXIT_PARTIAL : EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* stock, reports                                                           */

static int
parse_format (const char     *text,
              gboolean        allow_table,
              QmReportFormat *out_format)
{
  if (!qm_report_format_from_string (text, out_format) ||
      (!allow_table && *out_format == QM_REPORT_FORMAT_TABLE))
    {
      g_autofree char *message =
        g_strdup_printf (allow_table ? _("Unknown format “%s”; use csv, json or table")
                                     : _("Unknown format “%s”; use csv or json"),
                         text);
      return usage_error (message);
    }

  return EXIT_OK;
}

static int
cmd_stock (Globals *globals,
           int      argc,
           char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  QmReportFormat format = QM_REPORT_FORMAT_TABLE;
  gboolean bom = FALSE;
  int status = EXIT_OK;
  gboolean ok;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name,
      N_("csv, json or table (default table)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE instead of standard output"), N_("FILE") },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom,
      N_("Start a CSV file with a byte order mark (for Excel)"), NULL },
    { NULL }
  };

  if (!parse_options (NULL, _("On-hand stock per warehouse, SKU and status."), entries, globals,
                      &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("stock takes no arguments"));

  if (format_name != NULL && (status = parse_format (format_name, TRUE, &format)) != EXIT_OK)
    return status;

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  out = open_output (output, &file, &error);
  if (out == NULL)
    return fail_with_error (error);

  ok = qm_report_write_stock (store, format, bom ? QM_CSV_FLAGS_BOM : QM_CSV_FLAGS_NONE,
                              out, NULL, &error);
  if (!close_output (out, ok, ok ? &error : NULL) || !ok)
    return fail_with_error (error);

  return EXIT_OK;
}

static int
cmd_report_audit (Globals *globals,
                  int      argc,
                  char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *from_day = NULL;
  g_autofree char *to_day = NULL;
  g_autofree char *from_at = NULL;
  g_autofree char *to_at = NULL;
  g_autofree char *tz = NULL;
  QmReportFormat format = QM_REPORT_FORMAT_CSV;
  gboolean bom = FALSE;
  int status = EXIT_OK;
  gboolean ok;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_day,
      N_("First day, YYYY-MM-DD (default: the first entry)"), N_("DAY") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_day,
      N_("Last day, YYYY-MM-DD, inclusive (default: the newest entry)"), N_("DAY") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name,
      N_("csv or json (default csv)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE instead of standard output"), N_("FILE") },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom,
      N_("Start a CSV file with a byte order mark (for Excel)"), NULL },
    { NULL }
  };

  if (!parse_options (NULL, _("Who changed what, when: the audit trail for a period."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("report audit takes no arguments"));

  if (format_name != NULL && (status = parse_format (format_name, FALSE, &format)) != EXIT_OK)
    return status;

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  tz = qm_store_get_setting (store, "company_timezone", "UTC");
  if (!qm_report_day_range (from_day, to_day, tz, &from_at, &to_at, &error))
    return fail_with_error (error);

  out = open_output (output, &file, &error);
  if (out == NULL)
    return fail_with_error (error);

  ok = qm_report_write_audit (store, from_at, to_at, format,
                              bom ? QM_CSV_FLAGS_BOM : QM_CSV_FLAGS_NONE, out, NULL, &error);
  if (!close_output (out, ok, ok ? &error : NULL) || !ok)
    return fail_with_error (error);

  /* A manifest beside a CSV file, as for every report. */
  if (file != NULL && format == QM_REPORT_FORMAT_CSV)
    {
      g_autofree char *path = g_file_get_path (file);
      QmReportDigest digest = { 0 };
      const char * const parameters[] = {
        "from", from_day != NULL ? from_day : "", "to", to_day != NULL ? to_day : "",
        "time_zone", tz, "bom", bom ? "true" : "false", NULL,
      };

      if (!qm_report_digest_file (path, &digest, &error) ||
          !qm_report_write_manifest (store, path, "audit", parameters, &digest, &error))
        return fail_with_error (error);
    }

  return EXIT_OK;
}

/* The options every finance report shares. */
typedef struct
{
  char     *format_name;
  char     *output;
  gboolean  bom;
} ReportOptions;

static void
report_options_clear (ReportOptions *options)
{
  g_clear_pointer (&options->format_name, g_free);
  g_clear_pointer (&options->output, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReportOptions, report_options_clear)

typedef gboolean (*ReportWriteFunc) (QmStore         *store,
                                     QmReportFormat   format,
                                     QmCsvFlags       flags,
                                     GOutputStream   *stream,
                                     QmReportDigest  *out_digest,
                                     gpointer         user_data,
                                     GError         **error);

/* Writes a report to --output (or stdout) and, for a CSV file, its
 * manifest beside it. */
static int
run_report (QmStore            *store,
            ReportOptions      *options,
            const char         *report,
            const char * const *parameters,
            ReportWriteFunc     write,
            gpointer            user_data)
{
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  QmReportFormat format = QM_REPORT_FORMAT_CSV;
  QmReportDigest digest = { 0 };
  int status;
  gboolean ok;

  if (options->format_name != NULL &&
      (status = parse_format (options->format_name, FALSE, &format)) != EXIT_OK)
    return status;

  out = open_output (options->output, &file, &error);
  if (out == NULL)
    return fail_with_error (error);

  ok = write (store, format, options->bom ? QM_CSV_FLAGS_BOM : QM_CSV_FLAGS_NONE, out, &digest,
              user_data, &error);
  if (!close_output (out, ok, ok ? &error : NULL) || !ok)
    return fail_with_error (error);

  if (file == NULL || format != QM_REPORT_FORMAT_CSV)
    return EXIT_OK;

  for (guint i = 0; parameters != NULL && parameters[i] != NULL; i++)
    g_ptr_array_add (params, (char *) parameters[i]);
  g_ptr_array_add (params, (char *) "bom");
  g_ptr_array_add (params, (char *) (options->bom ? "true" : "false"));
  g_ptr_array_add (params, NULL);

  {
    g_autofree char *path = g_file_get_path (file);

    if (!qm_report_write_manifest (store, path, report, (const char * const *) params->pdata,
                                   &digest, &error))
      return fail_with_error (error);
  }

  return EXIT_OK;
}

#define REPORT_OPTION_ENTRIES(options)                                              \
    { "format", 0, 0, G_OPTION_ARG_STRING, &(options).format_name,                  \
      N_("csv or json (default csv)"), N_("FORMAT") },                              \
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &(options).output,                   \
      N_("Write to FILE (and its manifest to FILE.manifest.json) instead of "       \
         "standard output"), N_("FILE") },                                          \
    { "bom", 0, 0, G_OPTION_ARG_NONE, &(options).bom,                               \
      N_("Start a CSV file with a byte order mark (for Excel)"), NULL }

typedef struct
{
  const char *from_at;
  const char *to_at;
} Period;

static gboolean
write_ledger (QmStore         *store,
              QmReportFormat   format,
              QmCsvFlags       flags,
              GOutputStream   *stream,
              QmReportDigest  *out_digest,
              gpointer         user_data,
              GError         **error)
{
  Period *period = user_data;

  return qm_report_write_ledger (store, period->from_at, period->to_at, format, flags, stream,
                                 out_digest, NULL, error);
}

static gboolean
write_valuation (QmStore         *store,
                 QmReportFormat   format,
                 QmCsvFlags       flags,
                 GOutputStream   *stream,
                 QmReportDigest  *out_digest,
                 gpointer         user_data,
                 GError         **error)
{
  Period *period = user_data;

  return qm_report_write_valuation (store, period->to_at, format, flags, stream, out_digest,
                                    NULL, error);
}

static gboolean
write_summary (QmStore         *store,
               QmReportFormat   format,
               QmCsvFlags       flags,
               GOutputStream   *stream,
               QmReportDigest  *out_digest,
               gpointer         user_data,
               GError         **error)
{
  Period *period = user_data;

  return qm_report_write_summary (store, period->to_at, format, flags, stream, out_digest,
                                  NULL, error);
}

static gboolean
write_reconciliation (QmStore         *store,
                      QmReportFormat   format,
                      QmCsvFlags       flags,
                      GOutputStream   *stream,
                      QmReportDigest  *out_digest,
                      gpointer         user_data,
                      GError         **error)
{
  return qm_report_write_reconciliation (store, format, flags, stream, out_digest, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* allocation                                                               */

/* Parses CH=N pairs; N a whole number from 0 to @max. */
static gboolean
parse_channel_values (char       **pairs,
                      const char  *option,
                      gint64       max,
                      GPtrArray   *out_channels,
                      GArray      *out_values,
                      GError     **error)
{
  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      guint64 value;

      if (eq == NULL || eq == pairs[i] ||
          !g_ascii_string_to_unsigned (eq + 1, 10, 0, (guint64) max, &value, NULL))
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       _("--%s wants CHANNEL=NUMBER (a whole number from 0 to %" G_GINT64_FORMAT
                         "), not “%s”"), option, max, pairs[i]);
          return FALSE;
        }

      g_ptr_array_add (out_channels, g_strndup (pairs[i], eq - pairs[i]));
      {
        gint64 v = (gint64) value;
        g_array_append_val (out_values, v);
      }
    }

  g_ptr_array_add (out_channels, NULL);
  return TRUE;
}

static int
cmd_allocation_set (Globals *globals,
                    int      argc,
                    char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *category = NULL;
  g_autofree char *sku = NULL;
  g_autofree char *mode_name = NULL;
  g_autofree char *buffer = NULL;
  g_auto(GStrv) weight_pairs = NULL;
  g_auto(GStrv) oversell_pairs = NULL;
  g_autoptr(GPtrArray) weight_channels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) weights = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) oversell_channels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) oversell = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *after = NULL;
  gboolean is_default = FALSE;
  int window_days = 28;
  int min_share = 0;
  int status = EXIT_OK;
  QmAllocationRuleSpec spec = { 0 };
  GOptionEntry entries[] = {
    { "default", 0, 0, G_OPTION_ARG_NONE, &is_default,
      N_("The rule for every SKU without a more specific one"), NULL },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("The rule for one product category"), N_("CATEGORY") },
    { "sku", 0, 0, G_OPTION_ARG_STRING, &sku, N_("The rule for one SKU"), N_("SKU") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode_name,
      N_("shared, ratio, region or performance"), N_("MODE") },
    { "weight", 0, 0, G_OPTION_ARG_STRING_ARRAY, &weight_pairs,
      N_("A channel's weight (repeat for each channel; unlisted channels get none)"),
      N_("CHANNEL=WEIGHT") },
    { "buffer", 0, 0, G_OPTION_ARG_STRING, &buffer,
      N_("Safety buffer held back from every channel: units, or a percentage such as 10%"),
      N_("N") },
    { "oversell", 0, 0, G_OPTION_ARG_STRING_ARRAY, &oversell_pairs,
      N_("A channel may sell this percentage of its regular stock beyond it"),
      N_("CHANNEL=PERCENT") },
    { "window-days", 0, 0, G_OPTION_ARG_INT, &window_days,
      N_("Performance mode: days of sales that set the weights (default 28)"), N_("DAYS") },
    { "min-share", 0, 0, G_OPTION_ARG_INT, &min_share,
      N_("Performance mode: the least share, in percent, of any active channel"), N_("PERCENT") },
    { NULL }
  };

  if (!parse_options (NULL, _("Set how a scope's stock is allocated to the sales channels."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("allocation set takes no arguments"));
  if ((is_default ? 1 : 0) + (category != NULL ? 1 : 0) + (sku != NULL ? 1 : 0) != 1)
    return usage_error (_("allocation set needs exactly one of --default, --category C, --sku S"));
  if (mode_name == NULL || !qm_allocation_mode_from_string (mode_name, &spec.mode))
    return usage_error (_("allocation set needs --mode shared, ratio, region or performance"));
  if (min_share < 0 || min_share > 100)
    return usage_error (_("--min-share is a percentage from 0 to 100"));

  if (buffer != NULL)
    {
      gsize len = strlen (buffer);
      guint64 value;
      gboolean percent = len > 0 && buffer[len - 1] == '%';
      g_autofree char *digits = g_strndup (buffer, percent ? len - 1 : len);

      if (!g_ascii_string_to_unsigned (digits, 10, 0, percent ? 100 : QM_ALLOC_QUANTITY_MAX,
                                       &value, NULL))
        return usage_error (_("--buffer wants a number of units, or a percentage such as 10%"));
      if (percent)
        spec.buffer_percent = (int) value;
      else
        spec.buffer_units = (gint64) value;
    }

  if (!parse_channel_values (weight_pairs, "weight", QM_ALLOC_QUANTITY_MAX, weight_channels,
                             weights, &error) ||
      !parse_channel_values (oversell_pairs, "oversell", QM_ALLOC_OVERSELL_PERCENT_MAX,
                             oversell_channels, oversell, &error))
    return fail_with_error (error);

  spec.scope = is_default ? QM_ALLOC_SCOPE_DEFAULT
               : category != NULL ? QM_ALLOC_SCOPE_CATEGORY : QM_ALLOC_SCOPE_SKU;
  spec.key = category != NULL ? category : sku;
  spec.weight_channels = weights->len > 0 ? (const char * const *) weight_channels->pdata : NULL;
  spec.weights = (const gint64 *) weights->data;
  spec.oversell_channels = oversell->len > 0 ? (const char * const *) oversell_channels->pdata
                                             : NULL;
  spec.oversell_percent = (const gint64 *) oversell->data;
  spec.window_days = window_days;
  spec.min_share_permille = min_share * 10;

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  if (!qm_store_set_allocation_rule (store, &spec, NULL, &error))
    return fail_with_error (error);

  after = qm_store_get_allocation_rule_json (store, spec.scope, spec.key, NULL);
  g_print (_("Allocation rule set: %s\n"), after ? after : "");
  return EXIT_OK;
}

typedef struct
{
  gint64      now;
  const char *sku;
} AllocationShow;

static gboolean
write_allocation (QmStore         *store,
                  QmReportFormat   format,
                  QmCsvFlags       flags,
                  GOutputStream   *stream,
                  QmReportDigest  *out_digest,
                  gpointer         user_data,
                  GError         **error)
{
  AllocationShow *show = user_data;

  return qm_report_write_allocation (store, show->now, show->sku, format, flags, stream,
                                     out_digest, NULL, error);
}

static int
cmd_allocation_show (Globals *globals,
                     int      argc,
                     char   **argv)
{
  g_auto(ReportOptions) options = { 0 };
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sku = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  AllocationShow show;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "sku", 0, 0, G_OPTION_ARG_STRING, &sku, N_("Only this SKU"), N_("SKU") },
    REPORT_OPTION_ENTRIES (options),
    { NULL }
  };

  if (!parse_options (NULL, _("What each sales channel may sell of each SKU, now."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("allocation show takes no arguments"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  show.now = g_date_time_to_unix (now);
  show.sku = sku;
  return run_report (store, &options, "allocation", NULL, write_allocation, &show);
}

static int
cmd_route (Globals *globals,
           int      argc,
           char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QmAllocationData) data = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *region = NULL;
  g_autofree char *sku = NULL;
  g_autofree QmRouteLeg *legs = NULL;
  g_autofree gint64 *qualified = NULL;
  gint64 quantity = 0;
  gint64 shortfall = 0;
  int sku_index = -1;
  guint n_legs;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "region", 0, 0, G_OPTION_ARG_STRING, &region, N_("Where the order ships to"), N_("REGION") },
    { "sku", 0, 0, G_OPTION_ARG_STRING, &sku, N_("What is ordered"), N_("SKU") },
    { "quantity", 0, 0, G_OPTION_ARG_INT64, &quantity, N_("How many units"), N_("N") },
    { NULL }
  };

  if (!parse_options (NULL,
                      _("Which warehouse ships an order: the nearest with enough qualified stock, "
                        "else a split over the next nearest, else the shortfall."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("route takes no arguments"));
  if (region == NULL || sku == NULL || quantity <= 0)
    return usage_error (_("route needs --region R, --sku S and --quantity N (more than 0)"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  data = qm_store_load_allocation (store, g_date_time_to_unix (now), &error);
  if (data == NULL)
    return fail_with_error (error);

  for (guint i = 0; i < data->input.n_skus; i++)
    if (g_strcmp0 (data->input.skus[i].sku, sku) == 0)
      sku_index = (int) i;

  if (data->input.n_warehouses == 0)
    return fail (EXIT_REFUSED, _("No warehouses yet; add one with “endpoint add URL”"));

  qualified = g_new0 (gint64, data->input.n_warehouses);
  if (sku_index >= 0)
    memcpy (qualified, &data->input.qualified[(gsize) sku_index * data->input.n_warehouses],
            sizeof (gint64) * data->input.n_warehouses);

  legs = g_new0 (QmRouteLeg, data->input.n_warehouses);
  n_legs = qm_route_order (data->input.warehouses, data->input.n_warehouses, qualified, region,
                           quantity, legs, &shortfall);

  for (guint i = 0; i < n_legs; i++)
    g_print (_("%s ships %" G_GINT64_FORMAT "\n"),
             data->input.warehouses[legs[i].warehouse].id, legs[i].quantity);
  if (shortfall > 0)
    g_print (_("shortfall %" G_GINT64_FORMAT "\n"), shortfall);

  return EXIT_OK;
}

static int
cmd_report_ledger (Globals *globals,
                   int      argc,
                   char   **argv)
{
  g_auto(ReportOptions) options = { 0 };
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from_day = NULL;
  g_autofree char *to_day = NULL;
  g_autofree char *from_at = NULL;
  g_autofree char *to_at = NULL;
  g_autofree char *tz = NULL;
  Period period;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_day,
      N_("First day of the period, YYYY-MM-DD"), N_("DAY") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_day,
      N_("Last day of the period, YYYY-MM-DD, inclusive"), N_("DAY") },
    REPORT_OPTION_ENTRIES (options),
    { NULL }
  };

  if (!parse_options (NULL,
                      _("Stock ledger for a period: opening, received, issued and closing "
                        "quantities and values per warehouse and SKU."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("report ledger takes no arguments"));
  if (from_day == NULL || to_day == NULL)
    return usage_error (_("report ledger needs --from and --to"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  tz = qm_store_get_setting (store, "company_timezone", "UTC");
  if (!qm_report_day_range (from_day, to_day, tz, &from_at, &to_at, &error))
    return fail_with_error (error);

  period.from_at = from_at;
  period.to_at = to_at;
  {
    const char * const parameters[] = { "from", from_day, "to", to_day, "time_zone", tz, NULL };

    return run_report (store, &options, "ledger", parameters, write_ledger, &period);
  }
}

/* report valuation and report summary: both value stock at the end of a day. */
static int
report_at_day (Globals         *globals,
               int              argc,
               char           **argv,
               const char      *report,
               const char      *summary,
               ReportWriteFunc  write)
{
  g_auto(ReportOptions) options = { 0 };
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *day = NULL;
  g_autofree char *from_at = NULL;
  g_autofree char *to_at = NULL;
  g_autofree char *tz = NULL;
  Period period;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &day,
      N_("Value stock at the end of this day, YYYY-MM-DD"), N_("DAY") },
    REPORT_OPTION_ENTRIES (options),
    { NULL }
  };

  if (!parse_options (NULL, summary, entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    {
      g_autofree char *message = g_strdup_printf (_("report %s takes no arguments"), report);
      return usage_error (message);
    }
  if (day == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("report %s needs --at"), report);
      return usage_error (message);
    }

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  tz = qm_store_get_setting (store, "company_timezone", "UTC");
  if (!qm_report_day_range (day, day, tz, &from_at, &to_at, &error))
    return fail_with_error (error);

  period.from_at = from_at;
  period.to_at = to_at;
  {
    const char * const parameters[] = { "at", day, "time_zone", tz, NULL };

    return run_report (store, &options, report, parameters, write, &period);
  }
}

static int
cmd_report_valuation (Globals *globals,
                      int      argc,
                      char   **argv)
{
  return report_at_day (globals, argc, argv, "valuation",
                        _("Inventory value at the end of a day, per warehouse and SKU, at "
                          "moving weighted average cost."),
                        write_valuation);
}

static int
cmd_report_summary (Globals *globals,
                    int      argc,
                    char   **argv)
{
  return report_at_day (globals, argc, argv, "summary",
                        _("Inventory quantity, value and share by warehouse and category at "
                          "the end of a day."),
                        write_summary);
}

static int
cmd_report_reconciliation (Globals *globals,
                           int      argc,
                           char   **argv)
{
  g_auto(ReportOptions) options = { 0 };
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    REPORT_OPTION_ENTRIES (options),
    { NULL }
  };

  if (!parse_options (NULL,
                      _("Where each warehouse's movements and its stock snapshot disagree, as "
                        "of its last sync."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("report reconciliation takes no arguments"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  return run_report (store, &options, "reconciliation", NULL, write_reconciliation, NULL);
}

static int
cmd_report_verify (Globals *globals,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GError) error = NULL;
  QmReportDigest digest = { 0 };
  int status = EXIT_OK;

  if (!parse_options (_("FILE"),
                      _("Check an exported CSV against the manifest beside it "
                        "(FILE.manifest.json): same SHA-256, same number of rows."),
                      NULL, globals, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("report verify needs exactly one FILE"));

  if (!qm_report_verify (argv[1], &digest, &error))
    return fail_with_error (error);

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "%s matches its manifest: %" G_GUINT64_FORMAT " row, SHA-256 %s\n",
                        "%s matches its manifest: %" G_GUINT64_FORMAT " rows, SHA-256 %s\n",
                        digest.rows),
           argv[1], digest.rows, digest.sha256);
  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* period                                                                   */

static int
cmd_period_close (Globals *globals,
                  int      argc,
                  char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) closed = NULL;
  g_autofree char *tz = NULL;
  int status = EXIT_OK;

  if (!parse_options (_("YYYY-MM"),
                      _("Close a month: store its ledger and closing valuation with their "
                        "hashes. Its reports never change afterwards; movements that arrive "
                        "later dated inside it count in the first open month."),
                      NULL, globals, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("period close needs exactly one month, YYYY-MM"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  tz = qm_store_get_setting (store, "company_timezone", "UTC");
  if (!qm_report_close_period (store, argv[1], tz, NULL, &error))
    return fail_with_error (error);

  closed = qm_store_list_closed_periods (store, &error);
  if (closed == NULL)
    return fail_with_error (error);

  for (guint i = 0; i < closed->len; i++)
    {
      const QmPeriodClose *close = g_ptr_array_index (closed, i);

      if (strcmp (close->month, argv[1]) == 0)
        g_print (_("Closed %s: ledger SHA-256 %s, valuation SHA-256 %s\n"),
                 close->month, close->ledger_sha256, close->valuation_sha256);
    }

  return EXIT_OK;
}

static int
cmd_period_list (Globals *globals,
                 int      argc,
                 char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) closed = NULL;
  int status = EXIT_OK;

  if (!parse_options (NULL, _("List the closed months."), NULL, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("period list takes no arguments"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  closed = qm_store_list_closed_periods (store, &error);
  if (closed == NULL)
    return fail_with_error (error);

  if (closed->len == 0)
    g_printerr (_("No month is closed yet; close one with “period close YYYY-MM”.\n"));

  for (guint i = 0; i < closed->len; i++)
    {
      const QmPeriodClose *close = g_ptr_array_index (closed, i);

      g_print ("%s\t%s\t%s\t%s\t%s\n", close->month, close->closed_at, close->closed_by,
               close->ledger_sha256, close->valuation_sha256);
    }

  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* channel                                                                  */

static int
cmd_channel_add (Globals *globals,
                 int      argc,
                 char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *regions = NULL;
  g_autofree char *kind = NULL;
  g_auto(GStrv) region_list = NULL;
  QmChannel channel = { 0 };
  int status = EXIT_OK;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The channel's name as people know it"), N_("NAME") },
    { "regions", 0, 0, G_OPTION_ARG_STRING, &regions,
      N_("Comma-separated regions the channel serves"), N_("R1,R2") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("own_app, pc_web, mini_program, marketplace or other (default other)"), N_("KIND") },
    { NULL }
  };

  if (!parse_options (_("ID"), _("Add a sales channel."), entries, globals,
                      &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("channel add needs exactly one channel id"));
  if (name == NULL)
    return usage_error (_("channel add needs --name"));

  if (regions != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) parts = g_strsplit (regions, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (*parts[i] == '\0')
            return usage_error (_("--regions holds an empty region name"));
          g_strv_builder_add (builder, parts[i]);
        }
      region_list = g_strv_builder_end (builder);
    }

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  channel.id = argv[1];
  channel.name = name;
  channel.kind = kind;
  channel.regions = region_list;
  channel.active = TRUE;

  if (!qm_store_add_channel (store, &channel, NULL, &error))
    return fail_with_error (error);

  g_print (_("Added channel %s\n"), argv[1]);
  return EXIT_OK;
}

static int
cmd_channel_list (Globals *globals,
                  int      argc,
                  char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_OK;

  if (!parse_options (NULL, _("List the sales channels."), NULL, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("channel list takes no arguments"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  list = qm_store_list_channels (store, &error);
  if (list == NULL)
    return fail_with_error (error);

  if (list->len == 0)
    g_printerr (_("No sales channels yet; add one with “channel add ID --name NAME”.\n"));

  for (guint i = 0; i < list->len; i++)
    {
      QmChannel *ch = g_ptr_array_index (list, i);
      g_autofree char *regions = g_strjoinv (",", ch->regions);

      g_print ("%s\t%s\t%s\t%s\t%s\n", ch->id, ch->name, ch->kind,
               *regions ? regions : "-", ch->active ? _("active") : _("inactive"));
    }

  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* audit                                                                    */

static int
cmd_audit_verify (Globals *globals,
                  int      argc,
                  char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 entries = 0;
  int status = EXIT_OK;

  if (!parse_options (NULL, _("Check the audit trail's hash chain."), NULL, globals,
                      &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("audit verify takes no arguments"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  if (!qm_store_audit_verify (store, &entries, NULL, &error))
    return fail_with_error (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Audit trail intact: %" G_GINT64_FORMAT " entry\n",
                        "Audit trail intact: %" G_GINT64_FORMAT " entries\n", entries),
           entries);
  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* plan, planning                                                           */

static gboolean
parse_plan_id (const char *text,
               gint64     *out_id)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;

  *out_id = (gint64) value;
  return TRUE;
}

static int
bad_plan_id (const char *text)
{
  g_autofree char *message =
    g_strdup_printf (_("“%s” is not a plan number; plan show lists the latest"), text);

  return usage_error (message);
}

static gboolean
parse_days_option (const char *text,
                   const char *option,
                   int         min_days,
                   int        *out_days,
                   int        *out_status)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, (guint64) min_days, QM_PLAN_MAX_DAYS, &value, NULL))
    {
      g_autofree char *message =
        g_strdup_printf (_("%s takes a whole number of days from %d to %d, not “%s”"), option,
                         min_days, QM_PLAN_MAX_DAYS, text);

      *out_status = usage_error (message);
      return FALSE;
    }

  *out_days = (int) value;
  return TRUE;
}

static gboolean
parse_plain_double (const char *text,
                    double     *out_value)
{
  char *end = NULL;
  double value;

  if (text == NULL || *text == '\0' || g_ascii_isspace (*text))
    return FALSE;

  value = g_ascii_strtod (text, &end);
  if (end == NULL || *end != '\0' || !isfinite (value))
    return FALSE;

  *out_value = value;
  return TRUE;
}

static int
cmd_plan_generate (Globals *globals,
                   int      argc,
                   char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QmPlanInfo) info = NULL;
  g_autofree char *today = NULL;
  g_autofree char *window = NULL;
  g_autofree char *service = NULL;
  g_autofree char *ordering_cost = NULL;
  g_autofree char *holding_rate = NULL;
  g_autofree char *transfer_days = NULL;
  g_autofree char *tz = NULL;
  gboolean eoq = FALSE;
  QmPlanOptions options;
  int status = EXIT_OK;
  gint64 id;
  GOptionEntry entries[] = {
    { "today", 0, 0, G_OPTION_ARG_STRING, &today,
      N_("Plan as of this day, YYYY-MM-DD (default: today); demand is measured over the days "
         "before it"), N_("DAY") },
    { "window", 0, 0, G_OPTION_ARG_STRING, &window,
      N_("Days of sales and returns to measure demand over (default 56)"), N_("DAYS") },
    { "service-level", 0, 0, G_OPTION_ARG_STRING, &service,
      N_("Chance of not running out during a lead time, as 0.95 or 95 (default 95 %)"),
      N_("LEVEL") },
    { "eoq", 0, 0, G_OPTION_ARG_NONE, &eoq,
      N_("Order economic order quantities once below the reorder point, instead of up to the "
         "order-up-to level"), NULL },
    { "ordering-cost", 0, 0, G_OPTION_ARG_STRING, &ordering_cost,
      N_("With --eoq: the cost of placing one order, e.g. 8.00"), N_("AMOUNT") },
    { "holding-rate", 0, 0, G_OPTION_ARG_STRING, &holding_rate,
      N_("With --eoq: yearly holding cost as a fraction of the unit cost, e.g. 0.25"),
      N_("RATE") },
    { "transfer-days", 0, 0, G_OPTION_ARG_STRING, &transfer_days,
      N_("Propose a transfer from a warehouse with more than this many days of cover to one "
         "below its reorder point (default 90; 0: no transfers)"), N_("DAYS") },
    { NULL }
  };

  if (!parse_options (NULL, _("Generate a draft procurement plan from the cache: demand from the "
                              "ledger, stock from the snapshot, what is already on order."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("plan generate takes no arguments"));

  qm_plan_options_init (&options);

  if (today != NULL && (strlen (today) != 10 || !qm_plan_parse_day (today, &options.today_day)))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a day; write it as YYYY-MM-DD"), today);
      return usage_error (message);
    }

  if (window != NULL &&
      !parse_days_option (window, "--window", 1, &options.params.window_days, &status))
    return status;

  if (service != NULL)
    {
      double level = 0;

      if (!parse_plain_double (service, &level) || level <= 0.0 || level >= 100.0)
        {
          g_autofree char *message =
            g_strdup_printf (_("--service-level takes a level between 0 and 1 (0.95) or a "
                               "percentage below 100 (95), not “%s”"), service);
          return usage_error (message);
        }
      options.params.service_level = level >= 1.0 ? level / 100.0 : level;
    }

  if ((ordering_cost != NULL || holding_rate != NULL) && !eoq)
    return usage_error (_("--ordering-cost and --holding-rate go with --eoq"));

  if (eoq)
    {
      options.params.eoq = TRUE;
      if (ordering_cost == NULL || holding_rate == NULL)
        return usage_error (_("--eoq needs --ordering-cost and --holding-rate"));
      if (!qm_money_parse (ordering_cost, &options.params.ordering_cost_e4, NULL) ||
          options.params.ordering_cost_e4 < 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("--ordering-cost takes an amount of 0 or more, e.g. 8.00, not "
                               "“%s”"), ordering_cost);
          return usage_error (message);
        }
      if (!parse_plain_double (holding_rate, &options.params.holding_rate) ||
          options.params.holding_rate <= 0.0)
        {
          g_autofree char *message =
            g_strdup_printf (_("--holding-rate takes a fraction above 0, e.g. 0.25 for 25 %% a "
                               "year, not “%s”"), holding_rate);
          return usage_error (message);
        }
    }

  if (transfer_days != NULL &&
      (!parse_plain_double (transfer_days, &options.params.transfer_days_of_cover) ||
       options.params.transfer_days_of_cover < 0.0))
    {
      g_autofree char *message =
        g_strdup_printf (_("--transfer-days takes a number of days, 0 or more, not “%s”"),
                         transfer_days);
      return usage_error (message);
    }

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  tz = qm_store_get_setting (store, "company_timezone", "UTC");
  options.time_zone = tz;

  id = qm_store_plan_generate (store, &options, NULL, NULL, NULL, NULL, &error);
  if (id == 0)
    return fail_with_error (error);

  info = qm_store_plan_get (store, id, &error);
  if (info == NULL)
    return fail_with_error (error);

  g_print ("%" G_GINT64_FORMAT "\n", id);
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Plan %" G_GINT64_FORMAT " (draft): %u line, %" G_GINT64_FORMAT
                        " units suggested, %u cut by capacity\n",
                        "Plan %" G_GINT64_FORMAT " (draft): %u lines, %" G_GINT64_FORMAT
                        " units suggested, %u cut by capacity\n", info->n_lines),
           id, info->n_lines, info->suggested_total, info->n_capped);
  return EXIT_OK;
}

/* "A, B, C" for the SKUs of an order. */
static char *
order_skus (GPtrArray         *lines,
            const QmPlanOrder *order)
{
  g_autoptr(GString) skus = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    {
      const QmPlanLine *line = g_ptr_array_index (lines, i);
      const char *endpoint = line->kind == QM_PLAN_LINE_TRANSFER ? line->from_warehouse_id
                                                                 : line->warehouse_id;

      if (line->kind != order->kind || line->approved_quantity <= 0 ||
          g_strcmp0 (endpoint, order->warehouse_id) != 0 ||
          (order->kind == QM_PLAN_LINE_TRANSFER &&
           g_strcmp0 (line->warehouse_id, order->to_warehouse_id) != 0))
        continue;

      if (skus->len > 0)
        g_string_append (skus, ", ");
      g_string_append (skus, line->sku);
    }

  return g_string_free (g_steal_pointer (&skus), FALSE);
}

static char *
order_name (const QmPlanOrder *order)
{
  if (order->kind == QM_PLAN_LINE_TRANSFER)
    return g_strdup_printf (_("transfer from %s to %s"), order->warehouse_id,
                            order->to_warehouse_id);

  return g_strdup_printf (_("purchase order at %s"), order->warehouse_id);
}

/* One stderr line per order that was refused or has no answer yet. */
static guint
report_unanswered_orders (QmStore *store,
                          gint64   plan_id,
                          guint   *out_pending)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = qm_store_plan_get_orders (store, plan_id, &error);
  g_autoptr(GPtrArray) lines = NULL;
  guint rejected = 0;

  *out_pending = 0;
  if (orders == NULL)
    return 0;
  lines = qm_store_plan_get_lines (store, plan_id, &error);
  if (lines == NULL)
    return 0;

  for (guint i = 0; i < orders->len; i++)
    {
      const QmPlanOrder *order = g_ptr_array_index (orders, i);
      g_autofree char *name = order_name (order);
      g_autofree char *skus = order_skus (lines, order);
      g_autofree char *reason = g_strdup (order->error != NULL ? order->error : "");

      g_strdelimit (reason, "\r\n", ' ');
      if (order->state == QM_ORDER_STATE_REJECTED)
        {
          g_printerr (_("%s: plan %" G_GINT64_FORMAT ": %s rejected (SKUs %s): %s\n"), prgname,
                      plan_id, name, skus, reason);
          rejected++;
        }
      else if (order->state == QM_ORDER_STATE_PENDING)
        {
          g_printerr (_("%s: plan %" G_GINT64_FORMAT ": %s has no answer yet (SKUs %s)%s%s; "
                        "push again to resend it with the same key\n"), prgname, plan_id, name,
                      skus, *reason ? ": " : "", reason);
          (*out_pending)++;
        }
    }

  return rejected;
}

typedef struct
{
  gint64 plan_id;
} PlanShow;

static gboolean
write_plan (QmStore         *store,
            QmReportFormat   format,
            QmCsvFlags       flags,
            GOutputStream   *stream,
            QmReportDigest  *out_digest,
            gpointer         user_data,
            GError         **error)
{
  PlanShow *show = user_data;

  return qm_report_write_plan (store, show->plan_id, format, flags, stream, out_digest, NULL,
                               error);
}

static int
cmd_plan_show (Globals *globals,
               int      argc,
               char   **argv)
{
  g_auto(ReportOptions) options = { 0 };
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QmPlanInfo) info = NULL;
  g_autofree char *id_text = NULL;
  PlanShow show = { 0 };
  QmReportFormat format = QM_REPORT_FORMAT_CSV;
  int status = EXIT_OK;
  guint pending = 0;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &options.format_name,
      N_("csv, json or table (default csv)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options.output,
      N_("Write to FILE (and a CSV's manifest to FILE.manifest.json) instead of standard "
         "output"), N_("FILE") },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &options.bom,
      N_("Start a CSV file with a byte order mark (for Excel)"), NULL },
    { NULL }
  };

  if (!parse_options (_("[ID]"),
                      _("A procurement plan (the latest by default), one row per warehouse and "
                        "SKU. Orders a warehouse refused or that have no answer yet are listed "
                        "on standard error."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc > 2)
    return usage_error (_("plan show takes at most one plan number"));
  if (argc == 2 && !parse_plan_id (argv[1], &show.plan_id))
    return bad_plan_id (argv[1]);
  if (options.format_name != NULL &&
      (status = parse_format (options.format_name, TRUE, &format)) != EXIT_OK)
    return status;

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  if (show.plan_id == 0)
    {
      show.plan_id = qm_store_plan_get_latest (store, &error);
      if (show.plan_id == 0)
        {
          if (error != NULL)
            return fail_with_error (error);
          return fail (EXIT_REFUSED, _("There is no plan yet; make one with “plan generate”"));
        }
    }

  info = qm_store_plan_get (store, show.plan_id, &error);
  if (info == NULL)
    return fail_with_error (error);

  if (format == QM_REPORT_FORMAT_TABLE && (options.output == NULL || g_str_equal (options.output, "-")))
    {
      g_print (_("Plan %" G_GINT64_FORMAT ", %s, made by %s at %s"), info->id,
               qm_plan_status_to_string (info->status), info->created_by, info->created_at);
      if (info->approved_by != NULL)
        g_print (_("; approved by %s at %s"), info->approved_by, info->approved_at);
      g_print ("\n\n");
    }

  /* run_report knows csv and json; a table goes the same way. */
  if (format == QM_REPORT_FORMAT_TABLE)
    {
      g_autoptr(GOutputStream) out = NULL;
      g_autoptr(GFile) file = NULL;
      gboolean ok;

      out = open_output (options.output, &file, &error);
      if (out == NULL)
        return fail_with_error (error);
      ok = qm_report_write_plan (store, show.plan_id, format, QM_CSV_FLAGS_NONE, out, NULL, NULL,
                                 &error);
      if (!close_output (out, ok, ok ? &error : NULL) || !ok)
        return fail_with_error (error);
    }
  else
    {
      g_autofree char *plan_text = g_strdup_printf ("%" G_GINT64_FORMAT, show.plan_id);
      const char * const parameters[] = { "plan_id", plan_text, NULL };

      status = run_report (store, &options, "plan", parameters, write_plan, &show);
      if (status != EXIT_OK)
        return status;
    }

  report_unanswered_orders (store, show.plan_id, &pending);
  return EXIT_OK;
}

static int
cmd_plan_approve (Globals *globals,
                  int      argc,
                  char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QmPlanInfo) info = NULL;
  int status = EXIT_OK;
  gint64 id;

  if (!parse_options (_("ID"), _("Approve a draft plan: its approved quantities are frozen and "
                                 "it can be pushed."),
                      NULL, globals, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("plan approve takes one plan number"));
  if (!parse_plan_id (argv[1], &id))
    return bad_plan_id (argv[1]);

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  if (!qm_store_plan_approve (store, id, NULL, &error))
    return fail_with_error (error);

  info = qm_store_plan_get (store, id, &error);
  if (info == NULL)
    return fail_with_error (error);

  g_print (_("Plan %" G_GINT64_FORMAT " approved: %" G_GINT64_FORMAT " units in %u lines\n"),
           id, info->approved_total, info->n_lines);
  return EXIT_OK;
}

static int
cmd_plan_edit (Globals *globals,
               int      argc,
               char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warehouse = NULL;
  g_autofree char *sku = NULL;
  g_autofree char *quantity_text = NULL;
  g_autofree char *reason = NULL;
  gboolean transfer = FALSE;
  int status = EXIT_OK;
  guint64 quantity;
  gint64 id;
  GOptionEntry entries[] = {
    { "warehouse", 0, 0, G_OPTION_ARG_STRING, &warehouse,
      N_("The warehouse the line is for (the receiving one for a transfer)"), N_("ID") },
    { "sku", 0, 0, G_OPTION_ARG_STRING, &sku, N_("The line's SKU"), N_("SKU") },
    { "transfer", 0, 0, G_OPTION_ARG_NONE, &transfer,
      N_("Edit the line's transfer, not its purchase"), NULL },
    { "quantity", 0, 0, G_OPTION_ARG_STRING, &quantity_text,
      N_("The approved quantity, a whole number (0 leaves the line out)"), N_("N") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason,
      N_("Why the quantity changes (required; kept in the audit trail)"), N_("TEXT") },
    { NULL }
  };

  if (!parse_options (_("ID"), _("Change the approved quantity of one line of a draft plan."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("plan edit takes one plan number"));
  if (!parse_plan_id (argv[1], &id))
    return bad_plan_id (argv[1]);
  if (warehouse == NULL || sku == NULL || quantity_text == NULL)
    return usage_error (_("plan edit needs --warehouse, --sku and --quantity"));
  if (reason == NULL || *g_strstrip (reason) == '\0')
    return usage_error (_("plan edit needs --reason: say why the quantity changes"));
  if (!g_ascii_string_to_unsigned (quantity_text, 10, 0, QM_PLAN_QUANTITY_MAX, &quantity, NULL))
    {
      g_autofree char *message =
        g_strdup_printf (_("--quantity takes a whole number, 0 or more, not “%s”"), quantity_text);
      return usage_error (message);
    }

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  if (!qm_store_plan_set_quantity (store, id, warehouse, sku,
                                   transfer ? QM_PLAN_LINE_TRANSFER : QM_PLAN_LINE_PURCHASE,
                                   (gint64) quantity, reason, NULL, &error))
    return fail_with_error (error);

  g_print (_("Plan %" G_GINT64_FORMAT ": %s at %s set to %" G_GUINT64_FORMAT "\n"), id, sku,
           warehouse, quantity);
  return EXIT_OK;
}

static int
cmd_plan_push (Globals *globals,
               int      argc,
               char   **argv)
{
  g_autoptr(QmSync) sync = NULL;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  Waiter waiter = { 0 };
  guint accepted = 0, rejected = 0, pending = 0;
  int status = EXIT_OK;
  gboolean ok;
  gint64 id;

  if (!parse_options (_("ID"),
                      _("Send an approved plan's purchase orders and transfers to the "
                        "warehouses. Each order carries a key stored before it is sent, so "
                        "pushing again never orders twice. Exit status 1 when an order was "
                        "refused or got no answer (one line each on standard error)."),
                      NULL, globals, &argc, &argv, &status))
    return status;

  if (argc != 2)
    return usage_error (_("plan push takes one plan number"));
  if (!parse_plan_id (argv[1], &id))
    return bad_plan_id (argv[1]);

  db_path = resolve_db_path (globals, &error);
  if (db_path == NULL)
    return fail_with_error (error);
  store = qm_store_open (db_path, &error);
  if (store == NULL)
    return fail_with_error (error);

  sync = qm_sync_new (db_path);
  qm_sync_push_plan_async (sync, id, NULL, cancellable, on_async_done, &waiter);
  wait_for (&waiter.done, cancellable);
  ok = qm_sync_push_plan_finish (sync, waiter.result, &accepted, &rejected, &error);
  g_clear_object (&waiter.result);

  if (!ok && !g_error_matches (error, QM_ERROR, QM_ERROR_IO))
    return fail_with_error (error);

  report_unanswered_orders (store, id, &pending);
  g_print (_("Plan %" G_GINT64_FORMAT ": %u orders accepted, %u rejected, %u without an "
             "answer\n"), id, accepted, rejected, pending);

  return rejected > 0 || pending > 0 || !ok ? EXIT_PARTIAL : EXIT_OK;
}

static int
cmd_planning_set (Globals *globals,
                  int      argc,
                  char   **argv)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warehouse = NULL;
  g_autofree char *sku = NULL;
  g_autofree char *lead_text = NULL;
  g_autofree char *review_text = NULL;
  int status = EXIT_OK;
  int lead = 0, review = 0;
  GOptionEntry entries[] = {
    { "warehouse", 0, 0, G_OPTION_ARG_STRING, &warehouse,
      N_("Set a warehouse's lead time and review period"), N_("ID") },
    { "sku", 0, 0, G_OPTION_ARG_STRING, &sku,
      N_("Set a SKU's own, for every warehouse (0 = the warehouse's)"), N_("SKU") },
    { "lead-time", 0, 0, G_OPTION_ARG_STRING, &lead_text,
      N_("Days from ordering to receiving"), N_("DAYS") },
    { "review", 0, 0, G_OPTION_ARG_STRING, &review_text,
      N_("Days between two plans"), N_("DAYS") },
    { NULL }
  };

  if (!parse_options (NULL, _("Set the lead time and review period procurement plans use, per "
                              "warehouse (7 and 7 days at first), or per SKU (both 0 removes a "
                              "SKU's own)."),
                      entries, globals, &argc, &argv, &status))
    return status;

  if (argc != 1)
    return usage_error (_("planning set takes no arguments"));
  if ((warehouse == NULL) == (sku == NULL))
    return usage_error (_("planning set needs either --warehouse or --sku"));
  if (lead_text == NULL && review_text == NULL)
    return usage_error (_("planning set needs --lead-time, --review or both"));

  store = open_store (globals, &error);
  if (store == NULL)
    return fail_with_error (error);

  /* What is not given stays as it is. */
  if (warehouse != NULL
      ? !qm_store_get_warehouse_planning (store, warehouse, &lead, &review, &error)
      : !qm_store_get_sku_planning (store, sku, &lead, &review, &error))
    return fail_with_error (error);

  if (lead_text != NULL && !parse_days_option (lead_text, "--lead-time", 0, &lead, &status))
    return status;
  if (review_text != NULL && !parse_days_option (review_text, "--review", 0, &review, &status))
    return status;

  if (warehouse != NULL
      ? !qm_store_set_warehouse_planning (store, warehouse, lead, review, NULL, &error)
      : !qm_store_set_sku_planning (store, sku, lead, review, NULL, &error))
    return fail_with_error (error);

  g_print (_("%s: lead time %d days, review period %d days\n"),
           warehouse != NULL ? warehouse : sku, lead, review);
  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */

static const Command commands[] = {
  { "endpoint", "add", cmd_endpoint_add, N_("Add a warehouse endpoint") },
  { "endpoint", "list", cmd_endpoint_list, N_("List the warehouse endpoints") },
  { "endpoint", "remove", cmd_endpoint_remove, N_("Remove a warehouse endpoint") },
  { "sync", NULL, cmd_sync, N_("Pull every endpoint (or those named) into the cache") },
  { "stock", NULL, cmd_stock, N_("On-hand stock per warehouse, SKU and status") },
  { "channel", "add", cmd_channel_add, N_("Add a sales channel") },
  { "channel", "list", cmd_channel_list, N_("List the sales channels") },
  { "report", "ledger", cmd_report_ledger, N_("Export the stock ledger for a period") },
  { "report", "valuation", cmd_report_valuation, N_("Export inventory value at the end of a day") },
  { "report", "summary", cmd_report_summary,
    N_("Export inventory by warehouse and category at the end of a day") },
  { "report", "reconciliation", cmd_report_reconciliation,
    N_("Export where ledger and snapshot disagree") },
  { "allocation", "set", cmd_allocation_set, N_("Set a channel allocation rule") },
  { "allocation", "show", cmd_allocation_show, N_("What each channel may sell, per SKU") },
  { "route", NULL, cmd_route, N_("Which warehouse ships an order to a region") },
  { "plan", "generate", cmd_plan_generate, N_("Generate a draft procurement plan") },
  { "plan", "show", cmd_plan_show, N_("Show or export a procurement plan") },
  { "plan", "edit", cmd_plan_edit, N_("Change an approved quantity of a draft plan") },
  { "plan", "approve", cmd_plan_approve, N_("Approve a draft plan") },
  { "plan", "push", cmd_plan_push, N_("Send an approved plan's orders to the warehouses") },
  { "planning", "set", cmd_planning_set, N_("Set lead time and review period") },
  { "report", "audit", cmd_report_audit, N_("Export the audit trail for a period") },
  { "report", "verify", cmd_report_verify, N_("Check an exported CSV against its manifest") },
  { "period", "close", cmd_period_close, N_("Close a month; its reports are frozen") },
  { "period", "list", cmd_period_list, N_("List the closed months") },
  { "audit", "verify", cmd_audit_verify, N_("Check the audit trail's hash chain") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: quartermaster-cli [--db FILE] COMMAND [OPTIONS…]"));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = g_strjoin (" ", commands[i].name, commands[i].sub, NULL);

      fprintf (out, "  %-18s %s\n", name, _(commands[i].summary));
    }
  fprintf (out, "\n%s\n", _("Run “quartermaster-cli COMMAND --help” for a command's options."));
  fprintf (out, "%s\n", _("Exit status: 0 done, 1 partly failed, 2 bad usage, "
                          "3 bad data or refused."));
}

/**
 * qm_cli_run:
 * @argc: argument count
 * @argv: (array length=argc): arguments, program name first
 *
 * Returns: the process exit status
 */
int
qm_cli_run (int    argc,
            char **argv)
{
  Globals globals = { 0 };
  int i = 1;
  int status;

  /* Global options come before the command. */
  while (i < argc && argv[i][0] == '-')
    {
      if (strcmp (argv[i], "--db") == 0 && i + 1 < argc)
        {
          g_free (globals.db_path);
          globals.db_path = g_strdup (argv[i + 1]);
          i += 2;
        }
      else if (g_str_has_prefix (argv[i], "--db="))
        {
          g_free (globals.db_path);
          globals.db_path = g_strdup (argv[i] + strlen ("--db="));
          i++;
        }
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          print_usage (stdout);
          g_free (globals.db_path);
          return EXIT_OK;
        }
      else if (strcmp (argv[i], "--version") == 0)
        {
          g_print ("quartermaster-cli %s\n", PACKAGE_VERSION);
          g_free (globals.db_path);
          return EXIT_OK;
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Unknown option “%s”"), argv[i]);

          g_free (globals.db_path);
          return usage_error (message);
        }
    }

  if (i >= argc)
    {
      print_usage (stderr);
      g_free (globals.db_path);
      return EXIT_USAGE;
    }

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      const Command *cmd = &commands[c];
      g_autofree char *name = NULL;
      g_autofree char **sub_argv = NULL;
      int sub_argc;
      int first;

      if (strcmp (argv[i], cmd->name) != 0)
        continue;

      if (cmd->sub != NULL && (i + 1 >= argc || strcmp (argv[i + 1], cmd->sub) != 0))
        continue;

      first = cmd->sub != NULL ? i + 2 : i + 1;
      name = g_strjoin (" ", prgname, cmd->name, cmd->sub, NULL);

      /* The command sees its own argv: its name, then its arguments. */
      sub_argc = argc - first + 1;
      sub_argv = g_new0 (char *, sub_argc + 1);
      sub_argv[0] = name;
      for (int a = first; a < argc; a++)
        sub_argv[a - first + 1] = argv[a];

      g_set_prgname (name);
      status = cmd->func (&globals, sub_argc, sub_argv);
      g_set_prgname (prgname);
      g_free (globals.db_path);
      return status;
    }

  {
    g_autofree char *message = NULL;

    if (i + 1 < argc && argv[i + 1][0] != '-')
      message = g_strdup_printf (_("Unknown command “%s %s”"), argv[i], argv[i + 1]);
    else
      message = g_strdup_printf (_("Unknown command “%s”"), argv[i]);

    g_free (globals.db_path);
    return usage_error (message);
  }
}
