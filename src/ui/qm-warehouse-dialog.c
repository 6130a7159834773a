/* qm-warehouse-dialog.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Adds a warehouse endpoint, or edits one: its URL and token, whether an
 * insecure connection is allowed, and a test that asks the endpoint what
 * it is. The token goes to the keyring and the endpoint to the cache from
 * a worker thread; the probe runs on the main loop through QmSync.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "qm-endpoint-url.h"
#include "qm-store.h"
#include "qm-sync.h"
#include "qm-token.h"
#include "qm-warehouse-dialog.h"

struct _QmWarehouseDialog
{
  AdwWindow        parent_instance;

  char            *db_path;
  QmWarehouse     *existing;       /* when editing, else NULL */
  QmSync          *sync;
  GCancellable    *cancellable;    /* of the probe or save running, else NULL */
  QmWarehouseInfo *info;           /* what the endpoint said, for the current input */
  char            *base_url;       /* the checked URL @info is for */
  gboolean         save_after_probe;

  /* Template widgets */
  GtkButton       *save_button;
  AdwPreferencesGroup *endpoint_group;
  AdwEntryRow     *url_row;
  AdwEntryRow     *token_row;
  GtkSwitch       *insecure_switch;
  GtkWidget       *insecure_row;
  GtkButton       *test_button;
  GtkSpinner      *spinner;
  GtkLabel        *result_label;
};

G_DEFINE_FINAL_TYPE (QmWarehouseDialog, qm_warehouse_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_result (QmWarehouseDialog *self,
             const char        *text,
             gboolean           is_error)
{
  gtk_label_set_label (self->result_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), text != NULL && *text != '\0');

  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "success");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "error");
    }
}

static void
set_busy (QmWarehouseDialog *self,
          gboolean           busy)
{
  gboolean has_url = *gtk_editable_get_text (GTK_EDITABLE (self->url_row)) != '\0';

  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), !busy && has_url);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !busy && has_url);
}

static void
on_input_changed_cb (QmWarehouseDialog *self)
{
  /* What the endpoint said no longer answers for what is typed. */
  g_clear_pointer (&self->info, qm_warehouse_info_free);
  g_clear_pointer (&self->base_url, g_free);
  show_result (self, NULL, FALSE);
  set_busy (self, self->cancellable != NULL);
}

static const char *
typed_token (QmWarehouseDialog *self)
{
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));

  return *token != '\0' ? token : NULL;
}

/* ------------------------------------------------------------------------ */
/* Saving                                                                   */

typedef struct
{
  char        *db_path;
  char        *base_url;
  char        *token;
  char        *existing_id;   /* when editing */
  char        *existing_url;
  QmWarehouse *warehouse;     /* what to store */
} SaveData;

static void
save_data_free (SaveData *data)
{
  if (data->token != NULL)
    {
      memset (data->token, 0, strlen (data->token));
      g_free (data->token);
    }
  g_free (data->db_path);
  g_free (data->base_url);
  g_free (data->existing_id);
  g_free (data->existing_url);
  qm_warehouse_free (data->warehouse);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (data->existing_id != NULL && g_strcmp0 (data->existing_id, data->warehouse->id) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The endpoint says it is warehouse “%s”, not “%s”; check "
                                 "the URL, or remove this warehouse and add the other one"),
                               data->warehouse->id, data->existing_id);
      return;
    }

  store = qm_store_open (data->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->token != NULL &&
      !qm_token_store_keyring (data->base_url, data->token, cancellable, &error))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not keep the token in the keyring (%s); unlock the "
                                 "keyring or, on a computer without one, add the warehouse "
                                 "with “quartermaster-cli endpoint add URL --token-file FILE”"),
                               error->message);
      return;
    }

  /* A moved endpoint keeps its token: the keyring holds it by URL. */
  if (data->existing_id != NULL && data->token == NULL &&
      g_strcmp0 (data->existing_url, data->base_url) != 0)
    {
      g_autofree char *old_token = qm_token_lookup_keyring (data->existing_url, cancellable, NULL);

      if (old_token != NULL &&
          !qm_token_store_keyring (data->base_url, old_token, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  if (data->existing_id != NULL)
    {
      if (!qm_store_update_warehouse_endpoint (store, data->existing_id, data->base_url,
                                               data->warehouse->allow_insecure, NULL, &error) ||
          !qm_store_update_warehouse_info (store, data->warehouse, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else if (!qm_store_add_warehouse (store, data->warehouse, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_strdup (data->warehouse->id), g_free);
}

static void
on_save_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  QmWarehouseDialog *self = QM_WAREHOUSE_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (id == NULL)
    {
      show_result (self, error->message, TRUE);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save (QmWarehouseDialog *self)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_assert (self->info != NULL);

  data = g_new0 (SaveData, 1);
  data->db_path = g_strdup (self->db_path);
  data->base_url = g_strdup (self->base_url);
  data->token = g_strdup (typed_token (self));
  data->warehouse = qm_warehouse_copy (self->info->warehouse);
  g_free (data->warehouse->url);
  data->warehouse->url = g_strdup (self->base_url);
  data->warehouse->allow_insecure = gtk_switch_get_active (self->insecure_switch);
  g_clear_pointer (&data->warehouse->token_file, g_free);
  if (self->existing != NULL)
    {
      data->existing_id = g_strdup (self->existing->id);
      data->existing_url = g_strdup (self->existing->url);
    }

  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  show_result (self, _("Saving…"), FALSE);

  task = g_task_new (self, self->cancellable, on_save_done_cb, NULL);
  g_task_set_source_tag (task, save);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

/* ------------------------------------------------------------------------ */
/* Testing the connection                                                   */

static void
on_probe_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QmWarehouseDialog) self = user_data;
  g_autoptr(QmWarehouseInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean then_save = self->save_after_probe;

  info = qm_sync_probe_finish (QM_SYNC (source), result, &error);
  self->save_after_probe = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (info == NULL)
    {
      text = g_strdup_printf (_("Could not connect: %s"), error->message);
      show_result (self, text, TRUE);
      return;
    }

  text = g_strdup_printf (_("Connected to %s (%s), region %s, with %" G_GINT64_FORMAT
                            " movements in its ledger"),
                          info->warehouse->name, info->warehouse->id,
                          info->warehouse->region != NULL && *info->warehouse->region != '\0'
                          ? info->warehouse->region : _("not given"),
                          MAX (info->last_seq, 0));
  show_result (self, text, FALSE);

  g_clear_pointer (&self->info, qm_warehouse_info_free);
  self->info = g_steal_pointer (&info);

  if (then_save)
    save (self);
}

/* Checks the URL and asks the endpoint what it is; saves afterwards when
 * @then_save. */
static void
probe (QmWarehouseDialog *self,
       gboolean           then_save)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));

  if (self->cancellable != NULL)
    return;

  base_url = qm_endpoint_url_check (url, gtk_switch_get_active (self->insecure_switch), &error);
  if (base_url == NULL)
    {
      show_result (self, error->message, TRUE);
      return;
    }

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  self->save_after_probe = then_save;
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  show_result (self, _("Asking the endpoint which warehouse it is…"), FALSE);

  if (self->existing != NULL && self->existing->token_file != NULL)
    qm_sync_probe_async (self->sync, base_url, self->existing->token_file,
                         self->cancellable, on_probe_done_cb, g_object_ref (self));
  else if (typed_token (self) != NULL || self->existing == NULL)
    qm_sync_probe_with_token_async (self->sync, base_url, typed_token (self),
                                    self->cancellable, on_probe_done_cb, g_object_ref (self));
  else
    qm_sync_probe_async (self->sync, base_url, NULL,
                         self->cancellable, on_probe_done_cb, g_object_ref (self));
}

static void
on_test_button_clicked_cb (QmWarehouseDialog *self)
{
  probe (self, FALSE);
}

static void
on_save_button_clicked_cb (QmWarehouseDialog *self)
{
  if (self->info == NULL)
    probe (self, TRUE);
  else
    save (self);
}

/* ------------------------------------------------------------------------ */

/**
 * qm_warehouse_dialog_new:
 * @parent: (nullable): the window to stay above
 * @db_path: the cache
 * @warehouse: (nullable): the endpoint to edit, or %NULL to add one
 *
 * Returns: (transfer none): a new dialog; it emits #QmWarehouseDialog::saved
 *   before it closes once the endpoint is saved
 */
QmWarehouseDialog *
qm_warehouse_dialog_new (GtkWindow         *parent,
                         const char        *db_path,
                         const QmWarehouse *warehouse)
{
  QmWarehouseDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (QM_TYPE_WAREHOUSE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->db_path = g_strdup (db_path);
  self->sync = qm_sync_new (db_path);

  if (warehouse != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Edit %s"), warehouse->name);

      self->existing = qm_warehouse_copy (warehouse);
      gtk_window_set_title (GTK_WINDOW (self), title);

      /* The URL may change (a moved WMS): saving asks the new address and
       * keeps the cache only if it answers as the same warehouse. */
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), warehouse->url);
      gtk_switch_set_active (self->insecure_switch, warehouse->allow_insecure);

      if (warehouse->token_file != NULL)
        {
          g_autofree char *description =
            g_strdup_printf (_("This warehouse reads its token from the file %s; edit that "
                               "file to change it. To move to a different URL, remove the "
                               "warehouse and add it again."),
                             warehouse->token_file);

          gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), FALSE);
          gtk_editable_set_editable (GTK_EDITABLE (self->url_row), FALSE);
          gtk_widget_set_sensitive (self->insecure_row, FALSE);
          adw_preferences_group_set_description (self->endpoint_group, description);
        }
      else
        {
          adw_preferences_group_set_description (self->endpoint_group,
                                                 _("Type a new token to replace the one in "
                                                   "your keyring, or leave it empty to keep "
                                                   "it. To move to a different URL, remove "
                                                   "the warehouse and add it again."));
        }

      on_input_changed_cb (self);
    }

  return self;
}

static void
qm_warehouse_dialog_dispose (GObject *object)
{
  QmWarehouseDialog *self = (QmWarehouseDialog *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), QM_TYPE_WAREHOUSE_DIALOG);

  g_clear_object (&self->sync);

  G_OBJECT_CLASS (qm_warehouse_dialog_parent_class)->dispose (object);
}

static void
qm_warehouse_dialog_finalize (GObject *object)
{
  QmWarehouseDialog *self = (QmWarehouseDialog *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->info, qm_warehouse_info_free);
  g_clear_pointer (&self->existing, qm_warehouse_free);
  g_free (self->base_url);
  g_free (self->db_path);

  G_OBJECT_CLASS (qm_warehouse_dialog_parent_class)->finalize (object);
}

static void
qm_warehouse_dialog_class_init (QmWarehouseDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_warehouse_dialog_dispose;
  object_class->finalize = qm_warehouse_dialog_finalize;

  /**
   * QmWarehouseDialog::saved:
   * @id: the warehouse's id
   *
   * The endpoint was saved to the cache.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-warehouse-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, endpoint_group);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, insecure_switch);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, insecure_row);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, QmWarehouseDialog, result_label);
  gtk_widget_class_bind_template_callback (widget_class, on_input_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_test_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_button_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qm_warehouse_dialog_init (QmWarehouseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
