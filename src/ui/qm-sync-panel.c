/* qm-sync-panel.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How fresh each warehouse's data is, and the controls to fetch it again:
 * one row per warehouse (last successful sync, lag, reconciliation, last
 * error with a Retry button), Sync Now with its progress and Cancel, and
 * the automatic sync every auto-sync-minutes while the window is open.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-store-dashboard.h"
#include "qm-sync.h"
#include "qm-sync-panel.h"
#include "qm-window.h"

struct _QmSyncPanel
{
  GtkWidget       parent_instance;

  GSettings      *settings;
  QmSync         *sync;
  GCancellable   *cancellable;     /* of the sync running, else NULL */
  GPtrArray      *warehouses;      /* of QmDashboardWarehouse */
  GPtrArray      *rows;            /* of Row, as shown */
  GHashTable     *progress;        /* warehouse id → fraction of the run */
  guint           n_syncing;
  gboolean        manual;          /* the run was asked for (not automatic) */
  guint           minute_id;
  guint           auto_sync_id;

  /* Template widgets */
  GtkWidget      *box;
  GtkLabel       *status_label;
  GtkButton      *sync_button;
  GtkButton      *cancel_button;
  GtkProgressBar *progress_bar;
  GtkListBox     *list_box;
};

G_DEFINE_FINAL_TYPE (QmSyncPanel, qm_sync_panel, GTK_TYPE_WIDGET)

enum {
  SYNCED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The labels of a row that change as time passes. */
typedef struct
{
  const QmDashboardWarehouse *warehouse;   /* owned by the panel's array */
  GtkLabel                   *last_sync_label;
  GtkLabel                   *age_label;   /* NULL unless the last sync failed */
} Row;

/**
 * qm_sync_panel_format_age:
 * @iso8601: (nullable): an RFC 3339 time
 * @now: the time to count from
 *
 * Returns: (transfer full): how long ago @iso8601 was, as “3 min ago”, or
 *   “never” when it is %NULL
 */
char *
qm_sync_panel_format_age (const char *iso8601,
                          GDateTime  *now)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) then = NULL;
  GTimeSpan span;
  gint64 n;

  if (iso8601 == NULL)
    return g_strdup (_("never"));

  then = g_date_time_new_from_iso8601 (iso8601, utc);
  if (then == NULL)
    return g_strdup (_("at an unknown time"));

  span = g_date_time_difference (now, then);
  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_("just now"));

  if (span < G_TIME_SPAN_HOUR)
    {
      n = span / G_TIME_SPAN_MINUTE;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " min ago",
                                           "%" G_GINT64_FORMAT " min ago", n), n);
    }

  if (span < G_TIME_SPAN_DAY)
    {
      n = span / G_TIME_SPAN_HOUR;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " h ago",
                                           "%" G_GINT64_FORMAT " h ago", n), n);
    }

  n = span / G_TIME_SPAN_DAY;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " day ago",
                                       "%" G_GINT64_FORMAT " days ago", n), n);
}

static const QmDashboardWarehouse *
find_warehouse (QmSyncPanel *self,
                const char  *id)
{
  for (guint i = 0; self->warehouses != NULL && i < self->warehouses->len; i++)
    {
      const QmDashboardWarehouse *wh = g_ptr_array_index (self->warehouses, i);

      if (g_strcmp0 (wh->id, id) == 0)
        return wh;
    }

  return NULL;
}

static void
update_times (QmSyncPanel *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  guint stale_after = g_settings_get_uint (self->settings, "stale-after-minutes");

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      const QmDashboardWarehouse *wh = row->warehouse;
      g_autofree char *age = qm_sync_panel_format_age (wh->sync.last_success_at, now);
      g_autofree char *text = NULL;

      if (qm_dashboard_warehouse_is_stale (wh, now, stale_after))
        /* Translators: %s is “3 min ago”, “2 h ago” or “never” */
        text = g_strdup_printf (_("Last synced %s (stale)"), age);
      else
        text = g_strdup_printf (_("Last synced %s"), age);
      gtk_label_set_label (row->last_sync_label, text);

      if (row->age_label != NULL)
        {
          g_autofree char *shown = NULL;

          if (wh->sync.last_success_at != NULL)
            /* Translators: %s is “3 min ago”, “2 h ago” */
            shown = g_strdup_printf (_("Showing the data cached %s"), age);
          else
            shown = g_strdup (_("No data from this warehouse yet"));
          gtk_label_set_label (row->age_label, shown);
        }
    }
}

static gboolean
on_minute_cb (gpointer user_data)
{
  update_times (QM_SYNC_PANEL (user_data));
  return G_SOURCE_CONTINUE;
}

static void
on_retry_button_clicked_cb (GtkButton   *button,
                            QmSyncPanel *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "warehouse-id");

  qm_sync_panel_sync (self, id);
}

static GtkLabel *
add_label (GtkBox     *box,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);

  return GTK_LABEL (label);
}

static GtkWidget *
create_row (QmSyncPanel                *self,
            const QmDashboardWarehouse *wh)
{
  GtkWidget *list_row = gtk_list_box_row_new ();
  GtkBox *box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 4));
  GtkBox *title_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
  GtkBox *facts = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18));
  GtkLabel *state;
  Row *row = g_new0 (Row, 1);
  g_autofree char *where = NULL;
  g_autofree char *lag = NULL;
  g_autofree char *reconciled = NULL;
  g_autofree char *row_name = NULL;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (list_row), FALSE);
  gtk_widget_set_margin_top (GTK_WIDGET (box), 10);
  gtk_widget_set_margin_bottom (GTK_WIDGET (box), 10);
  gtk_widget_set_margin_start (GTK_WIDGET (box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (box), 12);

  /* Name, id and region, and the reconciliation state at the end. */
  add_label (title_box, wh->name, "heading");
  if (wh->region != NULL && *wh->region != '\0')
    /* Translators: a warehouse id and its region */
    where = g_strdup_printf (_("%s · region %s"), wh->id, wh->region);
  else
    where = g_strdup (wh->id);
  gtk_widget_set_hexpand (GTK_WIDGET (add_label (title_box, where, "dim-label")), TRUE);

  if (wh->sync.reconciled_seq < 0)
    reconciled = g_strdup (_("not reconciled yet"));
  else if (wh->sync.discrepancies == 0)
    reconciled = g_strdup (_("reconciled"));
  else
    reconciled = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%" G_GINT64_FORMAT " discrepancy",
                                               "%" G_GINT64_FORMAT " discrepancies",
                                               wh->sync.discrepancies),
                                  wh->sync.discrepancies);
  state = add_label (title_box, reconciled,
                     wh->sync.reconciled_seq < 0 ? "dim-label"
                     : wh->sync.discrepancies > 0 ? "warning" : "success");
  gtk_widget_set_tooltip_text (GTK_WIDGET (state),
                               _("Whether the warehouse’s ledger, folded, gives its stock count"));
  gtk_box_append (box, GTK_WIDGET (title_box));

  /* Last success and lag. */
  row->warehouse = wh;
  row->last_sync_label = add_label (facts, "", NULL);
  if (wh->sync.remote_last_seq < 0)
    lag = g_strdup (_("Lag not known yet"));
  else
    lag = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Lag: %" G_GINT64_FORMAT " movement",
                                        "Lag: %" G_GINT64_FORMAT " movements",
                                        MAX (wh->sync.remote_last_seq - wh->sync.cursor_seq, 0)),
                           MAX (wh->sync.remote_last_seq - wh->sync.cursor_seq, 0));
  gtk_widget_set_tooltip_text (GTK_WIDGET (add_label (facts, lag, "dim-label")),
                               _("Movements the warehouse had at the last sync that are not "
                                 "in the cache yet"));
  gtk_box_append (box, GTK_WIDGET (facts));

  /* The last error, what is shown instead, and Retry. */
  if (wh->sync.last_error != NULL)
    {
      GtkBox *error_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12));
      GtkBox *text_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 2));
      GtkWidget *retry = gtk_button_new ();
      GtkWidget *retry_label = gtk_label_new_with_mnemonic (_("_Retry"));
      g_autofree char *retry_tooltip = g_strdup_printf (_("Sync %s again"), wh->name);
      g_autofree char *error_text = g_strdup_printf (_("Last sync failed: %s"),
                                                     wh->sync.last_error);

      gtk_widget_set_hexpand (GTK_WIDGET (text_box), TRUE);
      add_label (text_box, error_text, "error");
      row->age_label = add_label (text_box, "", "dim-label");
      gtk_box_append (error_box, GTK_WIDGET (text_box));

      /* A label child and an accessible label rather than the button's
       * label: GTK 4.8 would name it “_Retry Retry”. */
      gtk_button_set_child (GTK_BUTTON (retry), retry_label);
      gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (retry, retry_tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (retry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Retry"),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, retry_tooltip,
                                      -1);
      g_object_set_data_full (G_OBJECT (retry), "warehouse-id", g_strdup (wh->id), g_free);
      g_signal_connect (retry, "clicked", G_CALLBACK (on_retry_button_clicked_cb), self);
      gtk_widget_set_sensitive (retry, self->cancellable == NULL);
      gtk_box_append (error_box, retry);

      gtk_box_append (box, GTK_WIDGET (error_box));
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), GTK_WIDGET (box));
  row_name = g_strdup_printf ("%s (%s)", wh->name, wh->id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, row_name,
                                  -1);
  g_ptr_array_add (self->rows, row);

  return list_row;
}

static void
rebuild_rows (QmSyncPanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; self->warehouses != NULL && i < self->warehouses->len; i++)
    gtk_list_box_append (self->list_box,
                         create_row (self, g_ptr_array_index (self->warehouses, i)));

  update_times (self);
}

/**
 * qm_sync_panel_set_warehouses:
 * @warehouses: (element-type QmDashboardWarehouse): what to show
 *
 * Shows the warehouses' sync state (the panel keeps a reference).
 */
void
qm_sync_panel_set_warehouses (QmSyncPanel *self,
                              GPtrArray   *warehouses)
{
  g_return_if_fail (QM_IS_SYNC_PANEL (self));

  if (warehouses != NULL)
    g_ptr_array_ref (warehouses);
  g_clear_pointer (&self->warehouses, g_ptr_array_unref);
  self->warehouses = warehouses;

  rebuild_rows (self);
}

/* ------------------------------------------------------------------------ */
/* Running a sync                                                           */

static void
set_running (QmSyncPanel *self,
             gboolean     running)
{
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), !running);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    gtk_widget_set_sensitive (row, !running);
}

static void
on_sync_progress_cb (QmSync      *sync,
                     const char  *warehouse_id,
                     const char  *phase,
                     double       fraction,
                     QmSyncPanel *self)
{
  GHashTableIter iter;
  gpointer value;
  double sum = 0;
  g_autofree char *text = NULL;

  if (self->cancellable == NULL || !g_hash_table_contains (self->progress, warehouse_id))
    return;

  g_hash_table_insert (self->progress, g_strdup (warehouse_id),
                       g_memdup2 (&fraction, sizeof fraction));

  g_hash_table_iter_init (&iter, self->progress);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sum += *(double *) value;

  fraction = self->n_syncing > 0 ? sum / self->n_syncing : 0;
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
  /* Translators: %d is a percentage */
  text = g_strdup_printf (_("Syncing… %d %%"), (int) (CLAMP (fraction, 0, 1) * 100));
  gtk_label_set_label (self->status_label, text);
}

static void
add_toast (QmSyncPanel *self,
           const char  *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwToast *toast;

  if (!QM_IS_WINDOW (root))
    return;

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 10);
  qm_window_add_toast (QM_WINDOW (root), toast);
}

static void
on_sync_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(QmSyncPanel) self = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  const QmSyncResult *first_failed = NULL;
  gboolean cancelled;
  guint failed = 0;

  results = qm_sync_run_finish (QM_SYNC (source), result, &error);
  cancelled = self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->progress);

  /* The panel may be on its way out with the window. */
  if (gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;

  set_running (self, FALSE);

  if (results == NULL)
    {
      status = g_strdup_printf (_("Sync could not start: %s"), error->message);
      gtk_label_set_label (self->status_label, status);
      if (self->manual)
        add_toast (self, status);
      g_signal_emit (self, signals[SYNCED], 0);
      return;
    }

  for (guint i = 0; i < results->len; i++)
    {
      const QmSyncResult *r = g_ptr_array_index (results, i);

      if (r->error != NULL && !g_error_matches (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          failed++;
          if (first_failed == NULL)
            first_failed = r;
        }
    }

  if (cancelled)
    status = g_strdup (_("Sync cancelled; what was fetched before is kept"));
  else if (failed == 0)
    status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Sync finished: %u warehouse synced",
                                           "Sync finished: %u warehouses synced",
                                           results->len),
                              results->len);
  else
    status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Sync finished: %u of %u warehouses synced, "
                                           "%u failed",
                                           "Sync finished: %u of %u warehouses synced, "
                                           "%u failed",
                                           failed),
                              results->len - failed, results->len, failed);
  gtk_label_set_label (self->status_label, status);

  if (!cancelled && failed > 0 && self->manual)
    {
      const QmDashboardWarehouse *wh = find_warehouse (self, first_failed->warehouse_id);
      g_autofree char *toast = NULL;

      if (failed == 1)
        /* Translators: a warehouse name and why its sync failed */
        toast = g_strdup_printf (_("Could not sync %s: %s. The dashboard shows its cached data; "
                                   "press Retry in its row once the cause is fixed."),
                                 wh != NULL ? wh->name : first_failed->warehouse_id,
                                 first_failed->error->message);
      else
        toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u warehouse could not be synced; its row "
                                              "below says why. Press Retry once it is fixed.",
                                              "%u warehouses could not be synced; their rows "
                                              "below say why. Press Retry once it is fixed.",
                                              failed),
                                 failed);
      add_toast (self, toast);
    }

  g_signal_emit (self, signals[SYNCED], 0);
}

/**
 * qm_sync_panel_sync:
 * @warehouse_id: (nullable): one warehouse, or %NULL for every one
 *
 * Starts a sync unless one is running; the panel shows its progress and
 * emits #QmSyncPanel::synced when it ends.
 */
void
qm_sync_panel_sync (QmSyncPanel *self,
                    const char  *warehouse_id)
{
  const char *ids[2] = { warehouse_id, NULL };

  g_return_if_fail (QM_IS_SYNC_PANEL (self));

  if (self->sync == NULL || self->cancellable != NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->manual = TRUE;

  g_hash_table_remove_all (self->progress);
  for (guint i = 0; self->warehouses != NULL && i < self->warehouses->len; i++)
    {
      const QmDashboardWarehouse *wh = g_ptr_array_index (self->warehouses, i);
      double zero = 0;

      if (warehouse_id == NULL || g_strcmp0 (wh->id, warehouse_id) == 0)
        g_hash_table_insert (self->progress, g_strdup (wh->id), g_memdup2 (&zero, sizeof zero));
    }
  self->n_syncing = g_hash_table_size (self->progress);

  set_running (self, TRUE);
  gtk_label_set_label (self->status_label, _("Syncing… 0 %"));

  qm_sync_run_async (self->sync,
                     warehouse_id != NULL ? ids : NULL,
                     self->cancellable,
                     on_sync_done_cb,
                     g_object_ref (self));
}

gboolean
qm_sync_panel_get_running (QmSyncPanel *self)
{
  g_return_val_if_fail (QM_IS_SYNC_PANEL (self), FALSE);

  return self->cancellable != NULL;
}

static void
on_sync_button_clicked_cb (QmSyncPanel *self)
{
  qm_sync_panel_sync (self, NULL);
}

static void
on_cancel_button_clicked_cb (QmSyncPanel *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* ------------------------------------------------------------------------ */
/* Automatic sync                                                           */

static gboolean
on_auto_sync_cb (gpointer user_data)
{
  QmSyncPanel *self = user_data;

  if (self->cancellable == NULL && self->warehouses != NULL && self->warehouses->len > 0)
    {
      qm_sync_panel_sync (self, NULL);
      self->manual = FALSE;   /* its errors show in the rows, without a toast each time */
    }

  return G_SOURCE_CONTINUE;
}

static void
on_auto_sync_changed_cb (QmSyncPanel *self)
{
  guint minutes = g_settings_get_uint (self->settings, "auto-sync-minutes");

  g_clear_handle_id (&self->auto_sync_id, g_source_remove);
  if (minutes > 0 && self->sync != NULL)
    self->auto_sync_id = g_timeout_add_seconds (minutes * 60, on_auto_sync_cb, self);
}

void
qm_sync_panel_set_db_path (QmSyncPanel *self,
                           const char  *db_path)
{
  g_return_if_fail (QM_IS_SYNC_PANEL (self));
  g_return_if_fail (db_path != NULL);

  if (self->sync != NULL)
    return;

  self->sync = qm_sync_new (db_path);
  g_signal_connect_object (self->sync, "progress",
                           G_CALLBACK (on_sync_progress_cb), self, 0);
  on_auto_sync_changed_cb (self);
}

GtkWidget *
qm_sync_panel_new (void)
{
  return g_object_new (QM_TYPE_SYNC_PANEL, NULL);
}

static void
qm_sync_panel_dispose (GObject *object)
{
  QmSyncPanel *self = (QmSyncPanel *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->minute_id, g_source_remove);
  g_clear_handle_id (&self->auto_sync_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), QM_TYPE_SYNC_PANEL);

  g_clear_object (&self->settings);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->warehouses, g_ptr_array_unref);

  G_OBJECT_CLASS (qm_sync_panel_parent_class)->dispose (object);
}

static void
qm_sync_panel_finalize (GObject *object)
{
  QmSyncPanel *self = (QmSyncPanel *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->progress, g_hash_table_unref);

  G_OBJECT_CLASS (qm_sync_panel_parent_class)->finalize (object);
}

static void
qm_sync_panel_class_init (QmSyncPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_sync_panel_dispose;
  object_class->finalize = qm_sync_panel_finalize;

  /**
   * QmSyncPanel::synced:
   *
   * A sync ended (finished, failed or was cancelled): the cache may have
   * changed.
   */
  signals[SYNCED] =
    g_signal_new ("synced",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-sync-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, QmSyncPanel, box);
  gtk_widget_class_bind_template_child (widget_class, QmSyncPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, QmSyncPanel, sync_button);
  gtk_widget_class_bind_template_child (widget_class, QmSyncPanel, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, QmSyncPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QmSyncPanel, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_sync_panel_init (QmSyncPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new_with_free_func (g_free);
  self->progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->settings = g_settings_new (APP_ID);

  g_signal_connect_object (self->settings, "changed::auto-sync-minutes",
                           G_CALLBACK (on_auto_sync_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::stale-after-minutes",
                           G_CALLBACK (update_times), self, G_CONNECT_SWAPPED);

  self->minute_id = g_timeout_add_seconds (60, on_minute_cb, self);
}
