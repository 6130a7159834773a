/* qm-reports-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finance's page: pick a report and its days, look at it, export it. The
 * preview is the report's own CSV, written by the same engine the command
 * line uses into a temporary file in a GTask worker with its own store
 * and shown through a compact model (QmReportModel), so what is on screen
 * is what an export writes. An export runs in another worker: it writes
 * beside the chosen file, renames into place when complete and writes the
 * manifest, exactly as `quartermaster-cli report … --output FILE`.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-application.h"
#include "qm-error.h"
#include "qm-report-date-entry.h"
#include "qm-report-export.h"
#include "qm-report-model.h"
#include "qm-reports-page.h"
#include "qm-store.h"

/* Typing in a date entry rebuilds the preview once this long has passed
 * without another key. */
#define TYPING_DELAY_MS 400
#define PROGRESS_INTERVAL_MS 150

typedef struct
{
  char         *db_path;
  QmReportRequest *request;     /* NULL: only check the cache */
  QmReportPreview *preview;     /* being written */
} PreviewJob;

typedef struct
{
  QmReportPreview *preview;     /* NULL when only checked */
  char            *fingerprint;
  guint            n_warehouses;
} PreviewResult;

typedef struct
{
  char            *db_path;
  QmReportRequest *request;
  char            *path;
  gboolean         bom;
  gsize            bytes;       /* written so far, atomic */
  QmReportDigest   digest;
} ExportJob;

struct _QmReportsPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  GtkToggleButton     *ledger_button;
  GtkToggleButton     *valuation_button;
  GtkToggleButton     *summary_button;
  GtkToggleButton     *reconciliation_button;
  GtkToggleButton     *audit_button;
  GtkLabel            *description_label;
  GtkButton           *export_button;
  GtkWidget           *period_box;
  QmReportDateEntry   *from_entry;
  QmReportDateEntry   *to_entry;
  GtkWidget           *day_box;
  QmReportDateEntry   *day_entry;
  GtkWidget           *no_day_label;
  GtkSwitch           *bom_switch;
  GtkSpinner          *busy_spinner;
  GtkLabel            *count_label;
  GtkLabel            *error_label;
  GtkStack            *content_stack;
  GtkColumnView       *column_view;
  GtkSpinner          *loading_spinner;
  GtkLabel            *loading_label;
  AdwStatusPage       *no_rows_status;
  AdwStatusPage       *problem_status;
  GtkButton           *problem_button;
  GtkActionBar        *export_bar;
  GtkLabel            *export_label;
  GtkProgressBar      *export_progress;

  QmReportModel       *model;
  GtkNoSelection      *selection;
  char               **column_ids;

  QmReportKind         kind;
  QmReportRequest     *request;       /* of the preview shown or being built */
  char                *fingerprint;   /* of the cache the preview was built from */
  QmReportPreview     *building;      /* the preview being written, for its progress */
  gboolean             preview_ready;
  gboolean             has_warehouses;
  gboolean             checked_once;
  GCancellable        *preview_cancellable;
  GCancellable        *check_cancellable;
  guint                typing_id;
  guint                progress_id;

  GtkFileChooserNative *chooser;
  QmReportRequest     *chooser_request;
  char                *last_folder;
  GCancellable        *export_cancellable;
  ExportJob           *export_job;    /* owned by its task, while it runs */
  guint64              export_total;  /* bytes expected, 0 when unknown */
  guint                export_progress_id;
};

G_DEFINE_FINAL_TYPE (QmReportsPage, qm_reports_page, ADW_TYPE_BIN)

GtkWidget *
qm_reports_page_new (void)
{
  return g_object_new (QM_TYPE_REPORTS_PAGE, NULL);
}

static void start_preview (QmReportsPage *self,
                           gboolean       force);

static const char *
get_db_path (void)
{
  GApplication *app = g_application_get_default ();

  if (QM_IS_APPLICATION (app))
    return qm_application_get_db_path (QM_APPLICATION (app));

  return NULL;
}

static void
preview_job_free (PreviewJob *job)
{
  g_free (job->db_path);
  qm_report_request_free (job->request);
  g_clear_pointer (&job->preview, qm_report_preview_unref);
  g_free (job);
}

static void
preview_result_free (PreviewResult *result)
{
  g_clear_pointer (&result->preview, qm_report_preview_unref);
  g_free (result->fingerprint);
  g_free (result);
}

static void
export_job_free (ExportJob *job)
{
  g_free (job->db_path);
  qm_report_request_free (job->request);
  g_free (job->path);
  g_free (job);
}

/* ------------------------------------------------------------------------ */
/* Words                                                                    */

static const char *
kind_title (QmReportKind kind)
{
  switch (kind)
    {
    case QM_REPORT_KIND_LEDGER:
      return _("Stock Ledger");
    case QM_REPORT_KIND_VALUATION:
      return _("Valuation");
    case QM_REPORT_KIND_SUMMARY:
      return _("Summary");
    case QM_REPORT_KIND_RECONCILIATION:
      return _("Reconciliation");
    case QM_REPORT_KIND_AUDIT:
    default:
      return _("Audit Trail");
    }
}

static const char *
kind_description (QmReportKind kind)
{
  switch (kind)
    {
    case QM_REPORT_KIND_LEDGER:
      return _("Opening, received, issued and closing quantities and values per warehouse and "
               "SKU, for whole days in the company time zone.");
    case QM_REPORT_KIND_VALUATION:
      return _("Quantity, moving average unit cost and value per warehouse and SKU at the end "
               "of the day.");
    case QM_REPORT_KIND_SUMMARY:
      return _("Quantity and value by warehouse and category at the end of the day, with each "
               "one’s share of the total value in its currency.");
    case QM_REPORT_KIND_RECONCILIATION:
      return _("Where a warehouse’s movements and its stock snapshot disagree, as of its last "
               "sync.");
    case QM_REPORT_KIND_AUDIT:
    default:
      return _("Who changed what, and when, in the period. Each entry is chained to the one "
               "before by its hash.");
    }
}

static void
no_rows_words (QmReportKind   kind,
               const char   **title,
               const char   **description)
{
  switch (kind)
    {
    case QM_REPORT_KIND_LEDGER:
      *title = _("No Movements in This Period");
      *description = _("No warehouse held or moved stock between these days. Choose another "
                       "period.");
      break;
    case QM_REPORT_KIND_VALUATION:
    case QM_REPORT_KIND_SUMMARY:
      *title = _("No Stock at the End of This Day");
      *description = _("No warehouse held stock then. Choose a later day.");
      break;
    case QM_REPORT_KIND_RECONCILIATION:
      *title = _("Everything Reconciles");
      *description = _("At its last sync, every warehouse’s movements added up to its stock "
                       "snapshot.");
      break;
    case QM_REPORT_KIND_AUDIT:
    default:
      *title = _("No Changes in This Period");
      *description = _("Nobody changed a rule, a plan, a setting or an endpoint between these "
                       "days. Choose another period.");
      break;
    }
}

typedef struct
{
  const char *id;
  const char *title;
  gboolean    numeric;
  int         width;      /* 0: share what is left */
} ColumnSpec;

static ColumnSpec
column_spec (const char *id)
{
  static const ColumnSpec specs[] = {
    { "warehouse_id", N_("Warehouse"), FALSE, 120 },
    { "sku", N_("SKU"), FALSE, 130 },
    { "name", N_("Name"), FALSE, 0 },
    { "category", N_("Category"), FALSE, 110 },
    { "status", N_("Status"), FALSE, 150 },
    { "opening_quantity", N_("Opening Qty"), TRUE, 105 },
    { "received_quantity", N_("Received"), TRUE, 90 },
    { "issued_quantity", N_("Issued"), TRUE, 90 },
    { "closing_quantity", N_("Closing Qty"), TRUE, 100 },
    { "opening_value", N_("Opening Value"), TRUE, 120 },
    { "closing_value", N_("Closing Value"), TRUE, 120 },
    { "currency", N_("Currency"), FALSE, 80 },
    { "quantity", N_("Quantity"), TRUE, 100 },
    { "unit_cost", N_("Unit Cost"), TRUE, 110 },
    { "value", N_("Value"), TRUE, 130 },
    { "share_percent", N_("Share %"), TRUE, 90 },
    { "ledger_quantity", N_("Ledger Qty"), TRUE, 110 },
    { "snapshot_quantity", N_("Snapshot Qty"), TRUE, 120 },
    { "difference", N_("Difference"), TRUE, 100 },
    { "at", N_("When"), FALSE, 170 },
    { "user", N_("User"), FALSE, 100 },
    { "action", N_("Action"), FALSE, 140 },
    { "object", N_("Object"), FALSE, 130 },
    { "before", N_("Before"), FALSE, 0 },
    { "after", N_("After"), FALSE, 0 },
    { "entry_hash", N_("Entry Hash"), FALSE, 160 },
  };
  ColumnSpec unknown = { id, NULL, FALSE, 120 };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      if (g_strcmp0 (specs[i].id, id) == 0)
        {
          ColumnSpec spec = specs[i];

          spec.title = _(specs[i].title);
          return spec;
        }
    }

  /* A column added to the report later shows under its file name. */
  unknown.title = id;
  return unknown;
}

static char *
format_rows (guint64 rows)
{
  g_autofree char *number = g_strdup_printf ("%'" G_GUINT64_FORMAT, rows);

  /* Translators: %s is a number of rows, with thousands separators */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                       (gulong) MIN (rows, G_MAXULONG)), number);
}

static char *
today_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* ------------------------------------------------------------------------ */
/* The columns                                                              */

typedef struct
{
  guint    index;
  gboolean numeric;
  char    *title;
} CellInfo;

static void
cell_info_free (gpointer data)
{
  CellInfo *info = data;

  g_free (info->title);
  g_free (info);
}

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  CellInfo                 *info)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), info->numeric ? 1.0 : 0.0);
  if (info->numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, info->title,
                                  -1);
  gtk_list_item_set_child (list_item, label);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 CellInfo                 *info)
{
  QmReportRow *row = gtk_list_item_get_item (list_item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  const char *text = qm_report_row_get_cell (row, info->index);

  gtk_label_set_text (label, text);
  /* Long texts (names, the audit's before and after) in full on hover. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (label),
                               !info->numeric && g_utf8_strlen (text, -1) > 24 ? text : NULL);
}

static void
set_columns (QmReportsPage   *self,
             QmReportPreview *preview)
{
  guint n = qm_report_preview_get_n_columns (preview);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  GListModel *columns;
  gboolean any_expands = FALSE;

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, qm_report_preview_get_column (preview, i));
  ids = g_strv_builder_end (builder);

  if (self->column_ids != NULL &&
      g_strv_equal ((const char * const *) ids, (const char * const *) self->column_ids))
    return;

  columns = gtk_column_view_get_columns (self->column_view);
  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }

  for (guint i = 0; i < n; i++)
    if (column_spec (ids[i]).width == 0)
      any_expands = TRUE;

  for (guint i = 0; i < n; i++)
    {
      ColumnSpec spec = column_spec (ids[i]);
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      CellInfo *info = g_new0 (CellInfo, 1);
      g_autoptr(GtkColumnViewColumn) column = NULL;

      info->index = i;
      info->numeric = spec.numeric;
      info->title = g_strdup (spec.title);
      g_object_set_data_full (G_OBJECT (factory), "qm-cell-info", info, cell_info_free);
      g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup_cb), info);
      g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind_cb), info);

      column = gtk_column_view_column_new (spec.title, factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      /* Fixed widths, and the text columns take what is left; in a
       * report without one, every column takes its part. */
      if (spec.width > 0)
        gtk_column_view_column_set_fixed_width (column, spec.width);
      gtk_column_view_column_set_expand (column, spec.width == 0 || !any_expands);
      gtk_column_view_append_column (self->column_view, column);
    }

  g_strfreev (self->column_ids);
  self->column_ids = g_steal_pointer (&ids);
}

/* ------------------------------------------------------------------------ */
/* The request                                                              */

static QmReportKind
chosen_kind (QmReportsPage *self)
{
  if (gtk_toggle_button_get_active (self->valuation_button))
    return QM_REPORT_KIND_VALUATION;
  if (gtk_toggle_button_get_active (self->summary_button))
    return QM_REPORT_KIND_SUMMARY;
  if (gtk_toggle_button_get_active (self->reconciliation_button))
    return QM_REPORT_KIND_RECONCILIATION;
  if (gtk_toggle_button_get_active (self->audit_button))
    return QM_REPORT_KIND_AUDIT;

  return QM_REPORT_KIND_LEDGER;
}

/* The request the controls describe, or %NULL with the problem shown
 * under them (and on the entries). */
static QmReportRequest *
read_request (QmReportsPage *self)
{
  g_autoptr(QmReportRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  const char *from = qm_report_date_entry_get_text (self->from_entry);
  const char *to = qm_report_date_entry_get_text (self->to_entry);
  const char *day = qm_report_date_entry_get_text (self->day_entry);
  gboolean has_period = qm_report_kind_has_period (self->kind);
  gboolean has_day = qm_report_kind_has_day (self->kind);
  gboolean from_ok = qm_report_date_entry_is_valid (self->from_entry);
  gboolean to_ok = qm_report_date_entry_is_valid (self->to_entry);
  gboolean day_ok = qm_report_date_entry_is_valid (self->day_entry);

  request = qm_report_request_new (self->kind, from, to, day);

  if (qm_report_request_validate (request, &error))
    {
      qm_report_date_entry_set_error (self->from_entry, NULL);
      qm_report_date_entry_set_error (self->to_entry, NULL);
      qm_report_date_entry_set_error (self->day_entry, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
      return g_steal_pointer (&request);
    }

  /* Mark what is wrong: the unreadable days, or both when in the wrong order. */
  qm_report_date_entry_set_error (self->from_entry,
                                  has_period && (!from_ok || to_ok) ? error->message : NULL);
  qm_report_date_entry_set_error (self->to_entry,
                                  has_period && (!to_ok || from_ok) ? error->message : NULL);
  qm_report_date_entry_set_error (self->day_entry, has_day && !day_ok ? error->message : NULL);
  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  return NULL;
}

static void
update_export_button (QmReportsPage *self)
{
  g_autoptr(QmReportRequest) request = qm_report_request_new (self->kind,
    qm_report_date_entry_get_text (self->from_entry),
    qm_report_date_entry_get_text (self->to_entry),
    qm_report_date_entry_get_text (self->day_entry));

  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button),
                            self->has_warehouses && self->export_cancellable == NULL &&
                            qm_report_request_validate (request, NULL));
}

/* ------------------------------------------------------------------------ */
/* The preview                                                              */

static void
stop_progress (QmReportsPage *self)
{
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_pointer (&self->building, qm_report_preview_unref);
  gtk_spinner_set_spinning (self->busy_spinner, FALSE);
  gtk_spinner_set_spinning (self->loading_spinner, FALSE);
}

static gboolean
progress_cb (gpointer user_data)
{
  QmReportsPage *self = QM_REPORTS_PAGE (user_data);
  g_autofree char *rows = NULL;
  g_autofree char *text = NULL;

  if (self->building == NULL)
    return G_SOURCE_CONTINUE;

  rows = g_strdup_printf ("%'" G_GUINT64_FORMAT, qm_report_preview_get_progress (self->building));
  /* Translators: %s is a number of rows, with thousands separators */
  text = g_strdup_printf (_("%s rows so far"), rows);
  gtk_label_set_text (self->loading_label, text);
  return G_SOURCE_CONTINUE;
}

static void
show_problem (QmReportsPage *self,
              const char    *title,
              const char    *description,
              const char    *button)
{
  adw_status_page_set_title (self->problem_status, title);
  adw_status_page_set_description (self->problem_status, description);
  gtk_button_set_label (self->problem_button, button);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_button), button != NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "problem");
}

static void
show_preview (QmReportsPage   *self,
              QmReportPreview *preview)
{
  guint64 rows = qm_report_preview_get_n_rows (preview);
  g_autofree char *count = format_rows (rows);

  set_columns (self, preview);
  qm_report_model_set_preview (self->model, preview);
  gtk_label_set_text (self->count_label, count);
  self->preview_ready = TRUE;

  if (rows == 0)
    {
      const char *title, *description;

      no_rows_words (self->request->kind, &title, &description);
      adw_status_page_set_title (self->no_rows_status, title);
      adw_status_page_set_description (self->no_rows_status, description);
      gtk_stack_set_visible_child_name (self->content_stack, "no-rows");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->content_stack, "preview");
    }
}

static void
set_has_warehouses (QmReportsPage *self,
                    gboolean       has_warehouses)
{
  self->has_warehouses = has_warehouses;
  gtk_stack_set_visible_child_name (self->stack, has_warehouses ? "reports" : "empty");
  update_export_button (self);
}

/* Runs in a worker: reads the cache's fingerprint and, when asked, writes
 * the report into a preview. */
static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PreviewJob *job = task_data;
  g_autoptr(QmStore) store = NULL;
  PreviewResult *result = g_new0 (PreviewResult, 1);
  GError *error = NULL;
  gint64 started = g_get_monotonic_time ();

  /* No cache yet is no warehouse; opening it would create it. */
  if (job->db_path == NULL || !g_file_test (job->db_path, G_FILE_TEST_EXISTS))
    {
      result->fingerprint = g_strdup ("");
      g_task_return_pointer (task, result, (GDestroyNotify) preview_result_free);
      return;
    }

  store = qm_store_open (job->db_path, &error);
  if (store == NULL ||
      (result->fingerprint = qm_report_data_fingerprint (store, &result->n_warehouses,
                                                         &error)) == NULL)
    {
      preview_result_free (result);
      g_task_return_error (task, error);
      return;
    }

  if (job->request == NULL || result->n_warehouses == 0)
    {
      g_task_return_pointer (task, result, (GDestroyNotify) preview_result_free);
      return;
    }

  if (qm_report_request_preview (job->request, store, job->preview, cancellable, &error) == NULL)
    {
      preview_result_free (result);
      g_task_return_error (task, error);
      return;
    }

  g_debug ("Preview of the %s report: %" G_GUINT64_FORMAT " rows in %.2f s",
           qm_report_kind_to_string (job->request->kind),
           qm_report_preview_get_n_rows (job->preview),
           (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  result->preview = qm_report_preview_ref (job->preview);
  g_task_return_pointer (task, result, (GDestroyNotify) preview_result_free);
}

static void
preview_done_cb (GObject      *source_object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  QmReportsPage *self = QM_REPORTS_PAGE (source_object);
  GTask *task = G_TASK (res);
  PreviewResult *result;
  g_autoptr(GError) error = NULL;

  result = g_task_propagate_pointer (task, &error);
  if (g_task_get_cancellable (task) != self->preview_cancellable)
    {
      /* A newer preview replaced this one, or it was cancelled. */
      g_clear_pointer (&result, preview_result_free);
      return;
    }

  g_clear_object (&self->preview_cancellable);
  stop_progress (self);
  self->checked_once = TRUE;

  if (result == NULL)
    {
      g_autofree char *description =
        g_strdup_printf (_("%s. Check that the cache can be read, then try again."),
                         error->message);

      g_debug ("Could not build the report: %s", error->message);
      gtk_label_set_text (self->count_label, "");
      show_problem (self, _("Could Not Build the Report"), description, _("Try Again"));
      return;
    }

  g_free (self->fingerprint);
  self->fingerprint = g_steal_pointer (&result->fingerprint);
  set_has_warehouses (self, result->n_warehouses > 0);
  if (result->preview != NULL)
    show_preview (self, result->preview);

  preview_result_free (result);
}

/* Builds the preview of what the controls describe, unless it is already
 * shown or being built (or @force). */
static void
start_preview (QmReportsPage *self,
               gboolean       force)
{
  g_autoptr(QmReportRequest) request = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  PreviewJob *job;

  g_clear_handle_id (&self->typing_id, g_source_remove);
  update_export_button (self);

  request = read_request (self);
  if (request == NULL)
    {
      /* Nothing to show until the days are right: say so, keep the rest. */
      if (self->preview_cancellable != NULL)
        g_cancellable_cancel (self->preview_cancellable);
      g_clear_object (&self->preview_cancellable);
      stop_progress (self);
      g_clear_pointer (&self->request, qm_report_request_free);
      self->preview_ready = FALSE;
      qm_report_model_set_preview (self->model, NULL);
      gtk_label_set_text (self->count_label, "");
      show_problem (self, _("Check the Days"),
                    _("The report is shown once the days above are right."), NULL);
      return;
    }

  if (!force && qm_report_request_equal (request, self->request) &&
      (self->preview_ready || self->preview_cancellable != NULL))
    return;

  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  stop_progress (self);

  job = g_new0 (PreviewJob, 1);
  job->db_path = g_strdup (get_db_path ());
  job->request = qm_report_request_copy (request);
  job->preview = qm_report_preview_new (&error);
  if (job->preview == NULL)
    {
      preview_job_free (job);
      show_problem (self, _("Could Not Build the Report"), error->message, _("Try Again"));
      return;
    }

  g_clear_pointer (&self->request, qm_report_request_free);
  self->request = g_steal_pointer (&request);
  self->preview_ready = FALSE;
  self->building = qm_report_preview_ref (job->preview);
  self->preview_cancellable = g_cancellable_new ();

  qm_report_model_set_preview (self->model, NULL);
  gtk_label_set_text (self->count_label, "");
  gtk_label_set_text (self->loading_label, "");
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  gtk_spinner_set_spinning (self->busy_spinner, TRUE);
  gtk_spinner_set_spinning (self->loading_spinner, TRUE);
  self->progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_cb, self);

  task = g_task_new (self, self->preview_cancellable, preview_done_cb, NULL);
  g_task_set_source_tag (task, start_preview);
  g_task_set_task_data (task, job, (GDestroyNotify) preview_job_free);
  g_task_run_in_thread (task, preview_thread);
}

static void
check_done_cb (GObject      *source_object,
               GAsyncResult *res,
               gpointer      user_data)
{
  QmReportsPage *self = QM_REPORTS_PAGE (source_object);
  GTask *task = G_TASK (res);
  PreviewResult *result;
  g_autoptr(GError) error = NULL;
  gboolean stale;

  result = g_task_propagate_pointer (task, &error);
  if (g_task_get_cancellable (task) != self->check_cancellable)
    {
      g_clear_pointer (&result, preview_result_free);
      return;
    }
  g_clear_object (&self->check_cancellable);

  if (result == NULL)
    {
      /* The preview says what is wrong when it runs into it too. */
      start_preview (self, TRUE);
      return;
    }

  set_has_warehouses (self, result->n_warehouses > 0);
  stale = g_strcmp0 (result->fingerprint, self->fingerprint) != 0;
  preview_result_free (result);

  if (self->has_warehouses)
    start_preview (self, stale || !self->checked_once);
}

/* Asks the cache whether anything a report shows changed since the
 * preview (a sync, a setting), in a worker; rebuilds it if so. */
static void
check_cache (QmReportsPage *self)
{
  g_autoptr(GTask) task = NULL;
  PreviewJob *job;

  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  self->check_cancellable = g_cancellable_new ();

  job = g_new0 (PreviewJob, 1);
  job->db_path = g_strdup (get_db_path ());

  task = g_task_new (self, self->check_cancellable, check_done_cb, NULL);
  g_task_set_source_tag (task, check_cache);
  g_task_set_task_data (task, job, (GDestroyNotify) preview_job_free);
  g_task_run_in_thread (task, preview_thread);
}

static gboolean
typing_done_cb (gpointer user_data)
{
  QmReportsPage *self = QM_REPORTS_PAGE (user_data);

  self->typing_id = 0;
  start_preview (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_date_changed_cb (QmReportsPage *self)
{
  g_autoptr(QmReportRequest) request = NULL;

  /* Say at once what is wrong; build the preview once typing stops. */
  request = read_request (self);
  update_export_button (self);
  g_clear_handle_id (&self->typing_id, g_source_remove);
  if (!self->checked_once)
    return;
  self->typing_id = g_timeout_add (TYPING_DELAY_MS, typing_done_cb, self);
}

static void
on_date_activate_cb (QmReportsPage *self)
{
  start_preview (self, FALSE);
}

static void
on_refresh_clicked_cb (QmReportsPage *self)
{
  start_preview (self, TRUE);
}

static void
on_preview_cancel_clicked_cb (QmReportsPage *self)
{
  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  stop_progress (self);
  g_clear_pointer (&self->request, qm_report_request_free);
  show_problem (self, _("Preview Stopped"),
                _("The report was not built. Exporting it still works, and builds it in full."),
                _("Build Preview"));
}

static void
update_kind (QmReportsPage *self)
{
  self->kind = chosen_kind (self);

  gtk_widget_set_visible (self->period_box, qm_report_kind_has_period (self->kind));
  gtk_widget_set_visible (self->day_box, qm_report_kind_has_day (self->kind));
  gtk_widget_set_visible (self->no_day_label,
                          !qm_report_kind_has_period (self->kind) &&
                          !qm_report_kind_has_day (self->kind));
  gtk_label_set_text (self->description_label, kind_description (self->kind));
}

static void
on_kind_toggled_cb (QmReportsPage   *self,
                    GtkToggleButton *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  update_kind (self);
  if (self->checked_once)
    start_preview (self, FALSE);
  else
    read_request (self);
}

/* ------------------------------------------------------------------------ */
/* Export                                                                   */

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(QmStore) store = NULL;
  GError *error = NULL;

  if (job->db_path == NULL || !g_file_test (job->db_path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, QM_ERROR, QM_ERROR_NOT_FOUND,
                               _("The cache is gone; sync the warehouses again"));
      return;
    }

  store = qm_store_open (job->db_path, &error);
  if (store == NULL ||
      !qm_report_request_export (job->request, store, job->path,
                                 job->bom ? QM_CSV_FLAGS_BOM : QM_CSV_FLAGS_NONE,
                                 &job->bytes, &job->digest, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static gboolean
export_progress_cb (gpointer user_data)
{
  QmReportsPage *self = QM_REPORTS_PAGE (user_data);
  gsize bytes;

  if (self->export_job == NULL)
    return G_SOURCE_CONTINUE;

  bytes = (gsize) g_atomic_pointer_get (&self->export_job->bytes);
  if (self->export_total > 0)
    {
      double fraction = MIN (1.0, (double) bytes / (double) self->export_total);
      g_autofree char *text = g_strdup_printf (_("%.0f %%"), fraction * 100.0);

      gtk_progress_bar_set_fraction (self->export_progress, fraction);
      gtk_progress_bar_set_text (self->export_progress, text);
    }
  else
    {
      g_autofree char *size = g_format_size (bytes);

      gtk_progress_bar_pulse (self->export_progress);
      gtk_progress_bar_set_text (self->export_progress, size);
    }

  return G_SOURCE_CONTINUE;
}

static void
on_open_folder_clicked_cb (AdwToast      *toast,
                           QmReportsPage *self)
{
  const char *uri = g_object_get_data (G_OBJECT (toast), "qm-folder-uri");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (uri != NULL)
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
add_toast (QmReportsPage *self,
           AdwToast      *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
export_done_cb (GObject      *source_object,
                GAsyncResult *res,
                gpointer      user_data)
{
  QmReportsPage *self = QM_REPORTS_PAGE (source_object);
  GTask *task = G_TASK (res);
  ExportJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = g_path_get_basename (job->path);
  g_autofree char *escaped = g_markup_escape_text (basename, -1);
  GApplication *app = g_application_get_default ();

  /* Held while the export ran, so that the application waits for a
   * cancelled export to remove its temporary file before it quits. */
  if (app != NULL)
    g_application_release (app);

  /* The page went away meanwhile (its export was cancelled). */
  if (g_task_get_cancellable (task) != self->export_cancellable)
    return;

  g_clear_handle_id (&self->export_progress_id, g_source_remove);
  self->export_job = NULL;
  g_clear_object (&self->export_cancellable);
  gtk_action_bar_set_revealed (self->export_bar, FALSE);
  update_export_button (self);

  if (!g_task_propagate_boolean (task, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *dialog;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text =
            g_strdup_printf (_("Export cancelled; “%s” was not written"), escaped);

          add_toast (self, adw_toast_new (text));
          return;
        }

      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("Export Failed"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  {
    g_autofree char *rows = g_strdup_printf ("%'" G_GUINT64_FORMAT, job->digest.rows);
    g_autofree char *text = NULL;
    g_autoptr(GFile) file = g_file_new_for_path (job->path);
    g_autoptr(GFile) folder = g_file_get_parent (file);
    AdwToast *toast;

    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %s row to %s",
                                         "Exported %s rows to %s",
                                         (gulong) MIN (job->digest.rows, G_MAXULONG)),
                            rows, escaped);
    toast = adw_toast_new (text);
    adw_toast_set_timeout (toast, 10);
    if (folder != NULL)
      {
        g_object_set_data_full (G_OBJECT (toast), "qm-folder-uri", g_file_get_uri (folder),
                                g_free);
        adw_toast_set_button_label (toast, _("_Open Folder"));
        g_signal_connect_object (toast, "button-clicked",
                                 G_CALLBACK (on_open_folder_clicked_cb), self, 0);
      }
    add_toast (self, toast);
  }
}

static void
start_export (QmReportsPage   *self,
              QmReportRequest *request,
              const char      *path)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *text = NULL;
  QmReportPreview *preview = qm_report_model_get_preview (self->model);
  ExportJob *job;

  job = g_new0 (ExportJob, 1);
  job->db_path = g_strdup (get_db_path ());
  job->request = qm_report_request_copy (request);
  job->path = g_strdup (path);
  job->bom = gtk_switch_get_active (self->bom_switch);

  /* The preview of the same report is the file less its byte order mark. */
  self->export_total = 0;
  if (preview != NULL && self->preview_ready && qm_report_request_equal (request, self->request))
    self->export_total = qm_report_preview_get_size (preview) + (job->bom ? 3 : 0);

  self->export_job = job;
  self->export_cancellable = g_cancellable_new ();

  /* Translators: %s is a report (“Stock Ledger”), then a file name */
  text = g_strdup_printf (_("Exporting %s to %s…"), kind_title (request->kind), basename);
  gtk_label_set_text (self->export_label, text);
  gtk_progress_bar_set_fraction (self->export_progress, 0.0);
  gtk_progress_bar_set_text (self->export_progress, NULL);
  gtk_action_bar_set_revealed (self->export_bar, TRUE);
  self->export_progress_id = g_timeout_add (100, export_progress_cb, self);
  update_export_button (self);

  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());

  task = g_task_new (self, self->export_cancellable, export_done_cb, NULL);
  g_task_set_source_tag (task, start_export);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

static void
on_chooser_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        QmReportsPage   *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(QmReportRequest) request = g_steal_pointer (&self->chooser_request);

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);

  if (file == NULL || request == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *message;

      message = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        _("Export Failed"),
                                        _("Reports can only be saved to a folder on this "
                                          "computer; choose another folder."));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (message), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (message));
      return;
    }

  folder = g_file_get_parent (file);
  g_free (self->last_folder);
  self->last_folder = folder != NULL ? g_file_get_path (folder) : NULL;

  start_export (self, request, path);
}

static void
on_export_clicked_cb (QmReportsPage *self)
{
  g_autoptr(QmReportRequest) request = NULL;
  g_autoptr(GtkFileFilter) csv_filter = NULL;
  g_autoptr(GtkFileFilter) all_filter = NULL;
  g_autofree char *today = today_text ();
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->export_cancellable != NULL || self->chooser != NULL)
    return;

  request = read_request (self);
  if (request == NULL)
    return;

  /* Translators: %s is a report, such as “Stock Ledger” */
  title = g_strdup_printf (_("Export %s"), kind_title (request->kind));
  self->chooser = gtk_file_chooser_native_new (title,
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  csv_filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (csv_filter, _("CSV files"));
  gtk_file_filter_add_mime_type (csv_filter, "text/csv");
  gtk_file_filter_add_pattern (csv_filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv_filter);
  all_filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (all_filter, _("All files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all_filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), csv_filter);

  if (self->last_folder != NULL)
    {
      g_autoptr(GFile) folder = g_file_new_for_path (self->last_folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  name = qm_report_request_suggest_file_name (request, today);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);

  self->chooser_request = g_steal_pointer (&request);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_export_cancel_clicked_cb (QmReportsPage *self)
{
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
}

/* ------------------------------------------------------------------------ */

static void
set_default_days (QmReportsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now),
                                                      g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now),
                                                      12, 0, 0);
  g_autoptr(GDateTime) month_start = g_date_time_add_days (today,
                                                           1 - g_date_time_get_day_of_month (today));
  g_autoptr(GDateTime) last_month_end = g_date_time_add_days (month_start, -1);
  g_autoptr(GDateTime) last_month_start = g_date_time_add_months (month_start, -1);
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (today, -1);
  g_autofree char *from = g_date_time_format (last_month_start, "%Y-%m-%d");
  g_autofree char *to = g_date_time_format (last_month_end, "%Y-%m-%d");
  g_autofree char *day = g_date_time_format (yesterday, "%Y-%m-%d");

  /* The last full month for periods, yesterday for a day's values. */
  qm_report_date_entry_set_text (self->from_entry, from);
  qm_report_date_entry_set_text (self->to_entry, to);
  qm_report_date_entry_set_text (self->day_entry, day);
}

static void
qm_reports_page_map (GtkWidget *widget)
{
  QmReportsPage *self = QM_REPORTS_PAGE (widget);

  GTK_WIDGET_CLASS (qm_reports_page_parent_class)->map (widget);

  /* A sync or a new setting may have changed what the reports show. */
  check_cache (self);
}

static void
qm_reports_page_dispose (GObject *object)
{
  QmReportsPage *self = (QmReportsPage *)object;

  g_clear_handle_id (&self->typing_id, g_source_remove);
  g_clear_handle_id (&self->export_progress_id, g_source_remove);
  stop_progress (self);
  if (self->preview_cancellable != NULL)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  if (self->check_cancellable != NULL)
    g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  self->export_job = NULL;

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  /* The template's top widget is also the AdwBin's child: let go of it once. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_REPORTS_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->column_ids, g_strfreev);
  g_clear_pointer (&self->request, qm_report_request_free);
  g_clear_pointer (&self->chooser_request, qm_report_request_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->last_folder, g_free);

  G_OBJECT_CLASS (qm_reports_page_parent_class)->dispose (object);
}

static void
qm_reports_page_class_init (QmReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_reports_page_dispose;
  widget_class->map = qm_reports_page_map;

  g_type_ensure (QM_TYPE_REPORT_DATE_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, ledger_button);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, valuation_button);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, summary_button);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, reconciliation_button);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, audit_button);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, period_box);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, day_box);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, day_entry);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, no_day_label);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, bom_switch);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, loading_label);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, no_rows_status);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, problem_status);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, problem_button);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, export_bar);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, export_label);
  gtk_widget_class_bind_template_child (widget_class, QmReportsPage, export_progress);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_date_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_date_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_cancel_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_reports_page_init (QmReportsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->model = qm_report_model_new ();
  self->selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  set_default_days (self);
  update_kind (self);
  read_request (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  update_export_button (self);
}
