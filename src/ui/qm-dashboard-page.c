/* qm-dashboard-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The morning view: key figures, stock by warehouse against capacity, the
 * trend of units on hand, and how fresh each warehouse's data is. The
 * figures are read by a worker thread with its own connection to the
 * cache (qm_store_get_dashboard()); nothing here runs SQL.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "qm-application.h"
#include "qm-chart.h"
#include "qm-dashboard-page.h"
#include "qm-money.h"
#include "qm-store-dashboard.h"
#include "qm-sync-panel.h"

#define TREND_DAYS 90

typedef enum
{
  TILE_UNITS,
  TILE_VALUE,
  TILE_OUT_OF_STOCK,
  TILE_BELOW_REORDER,
  TILE_OVERSTOCK,
  TILE_STALE,
  N_TILES
} Tile;

static const char * const tile_titles[N_TILES] = {
  N_("Units on hand"),
  N_("Stock value"),
  N_("SKUs out of stock"),
  N_("SKUs below reorder point"),
  N_("Overstock SKUs"),
  N_("Stale warehouses"),
};

struct _QmDashboardPage
{
  AdwBin              parent_instance;

  GSettings          *settings;
  char               *db_path;
  GCancellable       *cancellable;
  gboolean            loading;
  gboolean            reload_pending;
  QmDashboard        *dashboard;
  GSimpleActionGroup *actions;
  GtkLabel           *tile_values[N_TILES];
  guint               minute_id;

  /* Template widgets */
  GtkStack           *stack;
  AdwStatusPage      *error_page;
  GtkWidget          *offline_box;
  GtkLabel           *offline_label;
  GtkFlowBox         *tiles_box;
  QmChart            *stock_chart;
  QmChart            *trend_chart;
  QmSyncPanel        *sync_panel;
};

G_DEFINE_FINAL_TYPE (QmDashboardPage, qm_dashboard_page, ADW_TYPE_BIN)

static void qm_dashboard_page_reload (QmDashboardPage *self);

GtkWidget *
qm_dashboard_page_new (void)
{
  return g_object_new (QM_TYPE_DASHBOARD_PAGE, NULL);
}

/* ------------------------------------------------------------------------ */
/* Tiles                                                                    */

static char *
format_count (gint64 value)
{
  /* The ' flag groups digits as the locale does. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

/* From the plain "1234567.89" to the locale's "1,234,567.89". */
static char *
group_money (const char *plain)
{
  const char *point = strchr (plain, '.');
  const char *digits = plain[0] == '-' ? plain + 1 : plain;
  g_autofree char *whole = NULL;
  gint64 units;

  units = g_ascii_strtoll (digits, NULL, 10);
  whole = format_count (units);

  return g_strdup_printf ("%s%s%s%s",
                          plain[0] == '-' ? "-" : "",
                          whole,
                          point != NULL ? localeconv ()->decimal_point : "",
                          point != NULL ? point + 1 : "");
}

static void
set_tile (QmDashboardPage *self,
          Tile             tile,
          const char      *shown,
          const char      *plain,
          const char      *tooltip)
{
  GtkLabel *label = self->tile_values[tile];
  g_autofree char *name = NULL;

  gtk_label_set_label (label, shown);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);

  /* Translators: a figure's name and its value, e.g. "Units on hand: 1234" */
  name = g_strdup_printf (_("%s: %s"), _(tile_titles[tile]), plain);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                  -1);
}

static void
set_count_tile (QmDashboardPage *self,
                Tile             tile,
                gint64           value,
                const char      *tooltip)
{
  g_autofree char *shown = format_count (value);
  g_autofree char *plain = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  set_tile (self, tile, shown, plain, tooltip);
}

static GtkWidget *
create_tile (QmDashboardPage *self,
             Tile             tile)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (_(tile_titles[tile]));
  GtkWidget *value = gtk_label_new ("—");

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "qm-tile");

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 12);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_widget_add_css_class (title, "caption-heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(tile_titles[tile]),
                                  -1);

  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_selectable (GTK_LABEL (value), FALSE);
  gtk_widget_add_css_class (value, "title-2");
  gtk_widget_add_css_class (value, "numeric");

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), value);
  self->tile_values[tile] = GTK_LABEL (value);

  return box;
}

/* The figures that change with the clock: stale warehouses and the age of
 * cached data from warehouses whose last sync failed. */
static void
update_time_dependent (QmDashboardPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GString) offline = g_string_new (NULL);
  g_autofree char *stale_tooltip = NULL;
  guint stale_after;
  guint stale;

  if (self->dashboard == NULL || self->dashboard->warehouses->len == 0)
    return;

  stale_after = g_settings_get_uint (self->settings, "stale-after-minutes");
  stale = qm_dashboard_count_stale (self->dashboard, now, stale_after);
  stale_tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Warehouses never synced, or not synced "
                                                "successfully in the last %u minute",
                                                "Warehouses never synced, or not synced "
                                                "successfully in the last %u minutes",
                                                stale_after),
                                   stale_after);
  set_count_tile (self, TILE_STALE, stale, stale_tooltip);
  if (stale > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->tile_values[TILE_STALE]), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->tile_values[TILE_STALE]), "warning");

  for (guint i = 0; i < self->dashboard->warehouses->len; i++)
    {
      const QmDashboardWarehouse *wh = g_ptr_array_index (self->dashboard->warehouses, i);
      g_autofree char *age = NULL;

      if (wh->sync.last_error == NULL)
        continue;

      if (offline->len > 0)
        g_string_append_c (offline, '\n');

      if (wh->sync.last_success_at == NULL)
        {
          g_string_append_printf (offline,
                                  _("%s could not be reached and has never synced: "
                                    "its stock is missing from these figures."),
                                  wh->name);
          continue;
        }

      age = qm_sync_panel_format_age (wh->sync.last_success_at, now);
      g_string_append_printf (offline,
                              /* Translators: a warehouse name, then “2 h ago” */
                              _("%s could not be reached at the last sync: showing its "
                                "data from %s."),
                              wh->name, age);
    }

  gtk_label_set_label (self->offline_label, offline->str);
  gtk_widget_set_visible (self->offline_box, offline->len > 0);
}

static gboolean
on_minute_cb (gpointer user_data)
{
  update_time_dependent (QM_DASHBOARD_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
show_dashboard (QmDashboardPage *self)
{
  const QmDashboard *d = self->dashboard;
  const char *currency = NULL;
  gboolean one_currency = TRUE;
  g_autofree char *plain_value = NULL;
  g_autofree char *shown_value = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *out_tooltip = NULL;
  g_autofree char *over_tooltip = NULL;
  g_autofree char *plan_number = g_strdup_printf ("%" G_GINT64_FORMAT, d->plan_id);
  guint overstock_days = g_settings_get_uint (self->settings, "overstock-days");

  if (d->warehouses->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      qm_sync_panel_set_warehouses (self->sync_panel, NULL);
      return;
    }

  /* Units and stock-outs. */
  set_count_tile (self, TILE_UNITS, d->units_on_hand,
                  _("Units in every status (qualified, pending inspection, defective, "
                    "supplier return) in all warehouses, as of each one’s last stock count"));

  for (guint i = 0; i < d->warehouses->len; i++)
    {
      const QmDashboardWarehouse *wh = g_ptr_array_index (d->warehouses, i);

      if (wh->currency == NULL || *wh->currency == '\0')
        continue;
      if (currency == NULL)
        currency = wh->currency;
      else if (g_strcmp0 (currency, wh->currency) != 0)
        one_currency = FALSE;
    }

  plain_value = qm_money_format (d->value_e4, 2);
  grouped = group_money (plain_value);
  if (currency != NULL && one_currency)
    /* Translators: a currency code and an amount, e.g. "CNY 1,234.50" */
    shown_value = g_strdup_printf (_("%s %s"), currency, grouped);
  else
    shown_value = g_strdup (grouped);
  set_tile (self, TILE_VALUE, shown_value, plain_value,
            one_currency
            ? _("Units on hand valued at each warehouse’s moving weighted average cost "
                "of the SKU, from the receipts in the cached ledger")
            : _("Units on hand valued at each warehouse’s moving weighted average cost; "
                "the warehouses report in different currencies, added up as they are"));

  out_tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "SKUs with no qualified unit in any warehouse, "
                                              "of %" G_GINT64_FORMAT " SKU known",
                                              "SKUs with no qualified unit in any warehouse, "
                                              "of %" G_GINT64_FORMAT " SKUs known",
                                              d->skus),
                                 d->skus);
  set_count_tile (self, TILE_OUT_OF_STOCK, d->out_of_stock, out_tooltip);

  if (d->below_reorder < 0)
    set_tile (self, TILE_BELOW_REORDER, "—", _("no procurement plan yet"),
              _("Generate a plan on the Procurement page to see which SKUs are below "
                "their reorder point"));
  else
    {
      g_autofree char *reorder_tooltip =
        /* Translators: %s is the plan's number, the second when it was generated */
        g_strdup_printf (_("SKUs whose qualified, pending and ordered units were below the "
                           "reorder point in at least one warehouse, in plan %s of %s"),
                         plan_number, d->plan_created_at != NULL ? d->plan_created_at : "");
      set_count_tile (self, TILE_BELOW_REORDER, d->below_reorder, reorder_tooltip);
    }

  over_tooltip = g_strdup_printf (_("SKUs whose qualified stock would last more than %u days "
                                    "at their average daily sales over the %d days up to the "
                                    "newest movement (SKUs with stock and no sales count too)"),
                                  overstock_days, QM_DASHBOARD_SALES_WINDOW_DAYS);
  set_count_tile (self, TILE_OVERSTOCK, d->overstock, over_tooltip);

  /* Charts. */
  qm_chart_clear_bars (self->stock_chart);
  for (guint i = 0; i < d->warehouses->len; i++)
    {
      const QmDashboardWarehouse *wh = g_ptr_array_index (d->warehouses, i);

      qm_chart_add_bar (self->stock_chart, wh->id, wh->name, wh->quantity, wh->capacity_units);
    }
  qm_chart_set_trend (self->trend_chart,
                      (const gint64 *) d->trend->data, d->trend->len, d->trend_last_day);

  qm_sync_panel_set_warehouses (self->sync_panel, d->warehouses);
  update_time_dependent (self);

  gtk_stack_set_visible_child_name (self->stack, "dashboard");
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

typedef struct
{
  char  *db_path;
  guint  overstock_days;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->db_path);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  QmDashboard *dashboard;
  gint64 started = g_get_monotonic_time ();

  store = qm_store_open (data->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  dashboard = qm_store_get_dashboard (store, data->overstock_days, TREND_DAYS, &error);
  if (dashboard == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Dashboard figures read in %.0f ms",
           (g_get_monotonic_time () - started) / 1000.0);
  g_task_return_pointer (task, dashboard, (GDestroyNotify) qm_dashboard_free);
}

static void
on_load_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  QmDashboardPage *self = QM_DASHBOARD_PAGE (source);
  g_autoptr(GError) error = NULL;
  QmDashboard *dashboard;

  dashboard = g_task_propagate_pointer (G_TASK (result), &error);
  self->loading = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (dashboard == NULL)
    {
      g_autofree char *description =
        g_strdup_printf (_("%s\n\nThe cache is at %s. Close other programs using it, or "
                           "start Quartermaster with --db FILE to use another one."),
                         error->message, self->db_path);

      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else
    {
      g_clear_pointer (&self->dashboard, qm_dashboard_free);
      self->dashboard = dashboard;
      show_dashboard (self);
    }

  if (self->reload_pending)
    {
      self->reload_pending = FALSE;
      qm_dashboard_page_reload (self);
    }
}

static void
qm_dashboard_page_reload (QmDashboardPage *self)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  if (self->db_path == NULL)
    return;

  if (self->loading)
    {
      self->reload_pending = TRUE;
      return;
    }

  data = g_new0 (LoadData, 1);
  data->db_path = g_strdup (self->db_path);
  data->overstock_days = g_settings_get_uint (self->settings, "overstock-days");

  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, on_load_done_cb, NULL);
  g_task_set_source_tag (task, qm_dashboard_page_reload);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

static void
on_sync_panel_synced_cb (QmDashboardPage *self)
{
  qm_dashboard_page_reload (self);
}

static void
reload_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  qm_dashboard_page_reload (QM_DASHBOARD_PAGE (user_data));
}

static void
sync_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  QmDashboardPage *self = QM_DASHBOARD_PAGE (user_data);

  qm_sync_panel_sync (self->sync_panel, NULL);
}

/* ------------------------------------------------------------------------ */
/* GtkWidget                                                                */

static void
qm_dashboard_page_root (GtkWidget *widget)
{
  QmDashboardPage *self = QM_DASHBOARD_PAGE (widget);
  GApplication *app = g_application_get_default ();

  GTK_WIDGET_CLASS (qm_dashboard_page_parent_class)->root (widget);

  /* The window and its other windows (Preferences) ask for a reload with
   * dashboard.reload after changing the warehouses. */
  gtk_widget_insert_action_group (GTK_WIDGET (gtk_widget_get_root (widget)), "dashboard",
                                  G_ACTION_GROUP (self->actions));

  if (self->db_path == NULL && QM_IS_APPLICATION (app))
    {
      self->db_path = g_strdup (qm_application_get_db_path (QM_APPLICATION (app)));
      qm_sync_panel_set_db_path (self->sync_panel, self->db_path);
      qm_dashboard_page_reload (self);
    }
}

static void
qm_dashboard_page_unroot (GtkWidget *widget)
{
  gtk_widget_insert_action_group (GTK_WIDGET (gtk_widget_get_root (widget)), "dashboard", NULL);

  GTK_WIDGET_CLASS (qm_dashboard_page_parent_class)->unroot (widget);
}

static void
qm_dashboard_page_dispose (GObject *object)
{
  QmDashboardPage *self = (QmDashboardPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->minute_id, g_source_remove);

  /* The stack is both AdwBin's child and a template child: let the bin
   * drop it first, or both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_DASHBOARD_PAGE);

  g_clear_object (&self->settings);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->dashboard, qm_dashboard_free);

  G_OBJECT_CLASS (qm_dashboard_page_parent_class)->dispose (object);
}

static void
qm_dashboard_page_finalize (GObject *object)
{
  QmDashboardPage *self = (QmDashboardPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (qm_dashboard_page_parent_class)->finalize (object);
}

static void
qm_dashboard_page_class_init (QmDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_dashboard_page_dispose;
  object_class->finalize = qm_dashboard_page_finalize;

  widget_class->root = qm_dashboard_page_root;
  widget_class->unroot = qm_dashboard_page_unroot;

  g_type_ensure (QM_TYPE_CHART);
  g_type_ensure (QM_TYPE_SYNC_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, offline_box);
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, offline_label);
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, tiles_box);
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, stock_chart);
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, trend_chart);
  gtk_widget_class_bind_template_child (widget_class, QmDashboardPage, sync_panel);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_panel_synced_cb);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_dashboard_page_init (QmDashboardPage *self)
{
  static const GActionEntry entries[] = {
    { "reload", reload_action, NULL, NULL, NULL, { 0 } },
    { "sync", sync_action, NULL, NULL, NULL, { 0 } },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions),
                                   entries, G_N_ELEMENTS (entries), self);

  for (guint i = 0; i < N_TILES; i++)
    {
      gtk_flow_box_append (self->tiles_box, create_tile (self, i));
      gtk_widget_set_focusable (gtk_widget_get_last_child (GTK_WIDGET (self->tiles_box)), FALSE);
    }

  g_signal_connect_object (self->settings, "changed::overstock-days",
                           G_CALLBACK (qm_dashboard_page_reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::stale-after-minutes",
                           G_CALLBACK (update_time_dependent), self, G_CONNECT_SWAPPED);

  self->minute_id = g_timeout_add_seconds (60, on_minute_cb, self);
}
