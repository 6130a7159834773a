/* qm-preferences-window.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-application.h"
#include "qm-preferences-window.h"
#include "qm-store.h"
#include "qm-warehouse-dialog.h"

struct _QmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  char                 *db_path;
  GCancellable         *cancellable;
  GPtrArray            *warehouses;     /* of QmWarehouse, as listed */
  GPtrArray            *rows;           /* the rows in warehouses_group */

  /* Template widgets */
  GtkSpinButton        *auto_sync_spin;
  GtkSpinButton        *stale_after_spin;
  GtkSpinButton        *overstock_spin;
  AdwPreferencesGroup  *warehouses_group;
};

G_DEFINE_FINAL_TYPE (QmPreferencesWindow, qm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

QmPreferencesWindow *
qm_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (QM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}

/* ------------------------------------------------------------------------ */
/* Warehouses                                                               */

static void load_warehouses (QmPreferencesWindow *self);

static void
add_toast (QmPreferencesWindow *self,
           const char          *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 10);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* Tells the main window's dashboard that the warehouses changed. */
static void
warehouses_changed (QmPreferencesWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  load_warehouses (self);
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "dashboard.reload", NULL);
}

static void
on_dialog_saved_cb (QmWarehouseDialog   *dialog,
                    const char          *id,
                    QmPreferencesWindow *self)
{
  g_autofree char *text = g_strdup_printf (_("Saved warehouse %s; sync it from the Dashboard"),
                                           id);

  add_toast (self, text);
  warehouses_changed (self);
}

static void
open_dialog (QmPreferencesWindow *self,
             const QmWarehouse   *warehouse)
{
  QmWarehouseDialog *dialog;

  if (self->db_path == NULL)
    return;

  dialog = qm_warehouse_dialog_new (GTK_WINDOW (self), self->db_path, warehouse);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_dialog_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_add_button_clicked_cb (QmPreferencesWindow *self)
{
  open_dialog (self, NULL);
}

static const QmWarehouse *
warehouse_of_button (QmPreferencesWindow *self,
                     GtkWidget           *button)
{
  const char *id = g_object_get_data (G_OBJECT (button), "warehouse-id");

  for (guint i = 0; self->warehouses != NULL && i < self->warehouses->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (self->warehouses, i);

      if (g_strcmp0 (wh->id, id) == 0)
        return wh;
    }

  return NULL;
}

static void
on_edit_button_clicked_cb (GtkButton           *button,
                           QmPreferencesWindow *self)
{
  const QmWarehouse *wh = warehouse_of_button (self, GTK_WIDGET (button));

  if (wh != NULL)
    open_dialog (self, wh);
}

static void
remove_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char * const *args = task_data;   /* db path, id */
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = qm_store_open (args[0], &error);
  if (store == NULL || !qm_store_remove_warehouse (store, args[1], NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_remove_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  QmPreferencesWindow *self = QM_PREFERENCES_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      text = g_strdup_printf (_("Could not remove the warehouse: %s"), error->message);
      add_toast (self, text);
      return;
    }

  warehouses_changed (self);
}

static void
on_remove_response_cb (AdwMessageDialog    *dialog,
                       const char          *response,
                       QmPreferencesWindow *self)
{
  g_autoptr(GTask) task = NULL;
  char **args;

  if (g_strcmp0 (response, "remove") != 0)
    return;

  args = g_new0 (char *, 3);
  args[0] = g_strdup (self->db_path);
  args[1] = g_strdup (g_object_get_data (G_OBJECT (dialog), "warehouse-id"));

  task = g_task_new (self, self->cancellable, on_remove_done_cb, NULL);
  g_task_set_source_tag (task, on_remove_response_cb);
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, remove_thread);
}

static void
on_remove_button_clicked_cb (GtkButton           *button,
                             QmPreferencesWindow *self)
{
  const QmWarehouse *wh = warehouse_of_button (self, GTK_WIDGET (button));
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (wh == NULL)
    return;

  heading = g_strdup_printf (_("Remove %s?"), wh->name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Its cached stock, movements and sync state are deleted "
                                     "from this computer, and the removal is written to the "
                                     "audit trail. The warehouse itself is not changed: you "
                                     "can add it again and sync."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "warehouse-id", g_strdup (wh->id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
row_button (QmPreferencesWindow *self,
            const QmWarehouse   *wh,
            const char          *icon_name,
            const char          *tooltip,
            const char          *accessible_name,
            GCallback            callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "warehouse-id", g_strdup (wh->id), g_free);
  g_signal_connect (button, "clicked", callback, self);

  return button;
}

static void
show_warehouses (QmPreferencesWindow *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->warehouses_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  if (self->warehouses == NULL || self->warehouses->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No warehouses yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Add one with “Add Warehouse…”, then sync it from the "
                                     "Dashboard"));
      adw_preferences_group_add (self->warehouses_group, row);
      g_ptr_array_add (self->rows, row);
      return;
    }

  for (guint i = 0; i < self->warehouses->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (self->warehouses, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = NULL;
      g_autofree char *edit_name = g_strdup_printf (_("Edit %s"), wh->name);
      g_autofree char *remove_name = g_strdup_printf (_("Remove %s"), wh->name);

      if (wh->region != NULL && *wh->region != '\0')
        /* Translators: warehouse id, region and endpoint URL */
        subtitle = g_strdup_printf (_("%s · region %s · %s"), wh->id, wh->region, wh->url);
      else
        subtitle = g_strdup_printf ("%s · %s", wh->id, wh->url);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     wh->name != NULL && *wh->name != '\0' ? wh->name : wh->id);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (self, wh, "document-edit-symbolic", _("Edit"),
                                             edit_name,
                                             G_CALLBACK (on_edit_button_clicked_cb)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (self, wh, "user-trash-symbolic", _("Remove"),
                                             remove_name,
                                             G_CALLBACK (on_remove_button_clicked_cb)));
      adw_preferences_group_add (self->warehouses_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = NULL;

  store = qm_store_open (task_data, &error);
  if (store != NULL)
    list = qm_store_list_warehouses (store, &error);

  if (list == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_list_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  QmPreferencesWindow *self = QM_PREFERENCES_WINDOW (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  list = g_task_propagate_pointer (G_TASK (result), &error);
  if (list == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      text = g_strdup_printf (_("Could not list the warehouses: %s"), error->message);
      add_toast (self, text);
      return;
    }

  g_clear_pointer (&self->warehouses, g_ptr_array_unref);
  self->warehouses = list;
  show_warehouses (self);
}

static void
load_warehouses (QmPreferencesWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->db_path == NULL)
    return;

  task = g_task_new (self, self->cancellable, on_list_done_cb, NULL);
  g_task_set_source_tag (task, load_warehouses);
  g_task_set_task_data (task, g_strdup (self->db_path), g_free);
  g_task_run_in_thread (task, list_thread);
}

/* ------------------------------------------------------------------------ */

static void
qm_preferences_window_dispose (GObject *object)
{
  QmPreferencesWindow *self = (QmPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), QM_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->warehouses, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (qm_preferences_window_parent_class)->dispose (object);
}

static void
qm_preferences_window_finalize (GObject *object)
{
  QmPreferencesWindow *self = (QmPreferencesWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (qm_preferences_window_parent_class)->finalize (object);
}

static void
qm_preferences_window_class_init (QmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_preferences_window_dispose;
  object_class->finalize = qm_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QmPreferencesWindow, auto_sync_spin);
  gtk_widget_class_bind_template_child (widget_class, QmPreferencesWindow, stale_after_spin);
  gtk_widget_class_bind_template_child (widget_class, QmPreferencesWindow, overstock_spin);
  gtk_widget_class_bind_template_child (widget_class, QmPreferencesWindow, warehouses_group);
  gtk_widget_class_bind_template_callback (widget_class, on_add_button_clicked_cb);
}

static void
qm_preferences_window_init (QmPreferencesWindow *self)
{
  GApplication *app = g_application_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();

  /* The adjustments in the template carry the same ranges as the keys. */
  g_settings_bind (self->settings, "auto-sync-minutes",
                   self->auto_sync_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "stale-after-minutes",
                   self->stale_after_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "overstock-days",
                   self->overstock_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);

  if (QM_IS_APPLICATION (app))
    self->db_path = g_strdup (qm_application_get_db_path (QM_APPLICATION (app)));
  load_warehouses (self);
}
