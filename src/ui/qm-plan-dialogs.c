/* qm-plan-dialogs.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Procurement page's two questions: how to generate a plan (service
 * level, demand window, transfers, economic order quantities) and what a
 * line's approved quantity should be, and why.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "qm-plan-dialogs.h"

static GtkWidget *
new_spin (const char *accessible_name,
          double      lower,
          double      upper,
          double      step,
          guint       digits,
          double      value)
{
  GtkAdjustment *adjustment = gtk_adjustment_new (value, lower, upper, step, step * 10, 0);
  GtkWidget *spin = gtk_spin_button_new (adjustment, step, digits);

  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name,
                                  -1);
  return spin;
}

static GtkWidget *
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle,
         GtkWidget  *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  /* Named by the row's title alone, described by its subtitle (an
   * activatable widget would be labelled by both). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (suffix),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  if (GTK_IS_SWITCH (suffix))
    adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), suffix);
  gtk_list_box_append (list, row);

  return row;
}

/* ------------------------------------------------------------------------ */
/* Generate                                                                 */

static void
on_eoq_switch_active_cb (GtkSwitch  *eoq_switch,
                         GParamSpec *pspec,
                         GtkWidget  *dialog)
{
  gboolean active = gtk_switch_get_active (eoq_switch);

  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (dialog), "ordering-cost-row"), active);
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (dialog), "holding-rate-row"), active);
}

/**
 * qm_plan_generate_dialog_new:
 * @defaults: what the fields start with
 *
 * Returns: (transfer floating): a dialog with the responses “cancel”
 *   and “generate”; read the choice with
 *   qm_plan_generate_dialog_get_options()
 */
GtkWidget *
qm_plan_generate_dialog_new (GtkWindow           *parent,
                             const QmPlanOptions *defaults)
{
  GtkWidget *dialog;
  GtkWidget *list;
  GtkWidget *spin;
  GtkWidget *eoq_switch;
  GtkWidget *row;

  g_return_val_if_fail (defaults != NULL, NULL);

  dialog = adw_message_dialog_new (parent, _("Generate Procurement Plan"),
                                   _("The plan is worked out from the synced stock and the "
                                     "sales over the demand window, within each warehouse’s "
                                     "capacity. It starts as a draft you can change and "
                                     "approve."));
  gtk_window_set_title (GTK_WINDOW (dialog), _("Generate Procurement Plan"));

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  spin = new_spin (_("Service level"), 50.0, 99.9, 0.5, 1,
                   CLAMP (defaults->params.service_level * 100.0, 50.0, 99.9));
  add_row (GTK_LIST_BOX (list), _("Service level"),
           _("How often stock should last until the next delivery, in percent"), spin);
  g_object_set_data (G_OBJECT (dialog), "service-level", spin);

  spin = new_spin (_("Demand window"), 1, QM_PLAN_MAX_DAYS, 1, 0,
                   CLAMP (defaults->params.window_days, 1, QM_PLAN_MAX_DAYS));
  add_row (GTK_LIST_BOX (list), _("Demand window"),
           _("Days of past sales that demand is measured over"), spin);
  g_object_set_data (G_OBJECT (dialog), "window-days", spin);

  spin = new_spin (_("Transfers between warehouses"), 0, QM_PLAN_MAX_DAYS, 1, 0,
                   CLAMP (defaults->params.transfer_days_of_cover, 0, QM_PLAN_MAX_DAYS));
  add_row (GTK_LIST_BOX (list), _("Transfers between warehouses"),
           _("Move stock from a warehouse with more than this many days of cover to one "
             "that runs short; 0 buys everything instead"), spin);
  g_object_set_data (G_OBJECT (dialog), "transfer-days", spin);

  eoq_switch = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (eoq_switch), defaults->params.eoq);
  gtk_widget_set_valign (eoq_switch, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (eoq_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Economic order quantities"),
                                  -1);
  add_row (GTK_LIST_BOX (list), _("Economic order quantities"),
           _("Order in batches that balance ordering and holding costs"), eoq_switch);
  g_object_set_data (G_OBJECT (dialog), "eoq", eoq_switch);

  spin = new_spin (_("Ordering cost"), 0, 1e9, 1, 2,
                   defaults->params.ordering_cost_e4 / 10000.0);
  row = add_row (GTK_LIST_BOX (list), _("Ordering cost"),
                 _("Cost of placing one order, in the warehouses’ currency"), spin);
  g_object_set_data (G_OBJECT (dialog), "ordering-cost", spin);
  g_object_set_data (G_OBJECT (dialog), "ordering-cost-row", row);

  spin = new_spin (_("Holding cost"), 0, 1000, 0.5, 1,
                   defaults->params.holding_rate * 100.0);
  row = add_row (GTK_LIST_BOX (list), _("Holding cost"),
                 _("Cost of keeping a unit in stock for a year, in percent of its unit cost"),
                 spin);
  g_object_set_data (G_OBJECT (dialog), "holding-rate", spin);
  g_object_set_data (G_OBJECT (dialog), "holding-rate-row", row);

  g_signal_connect_object (eoq_switch, "notify::active",
                           G_CALLBACK (on_eoq_switch_active_cb), dialog, 0);
  on_eoq_switch_active_cb (GTK_SWITCH (eoq_switch), NULL, dialog);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "generate", _("_Generate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "generate",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "generate");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  return dialog;
}

static double
spin_value (AdwMessageDialog *dialog,
            const char       *key)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), key);

  g_return_val_if_fail (GTK_IS_SPIN_BUTTON (spin), 0);

  /* Take what was typed even if Enter was not pressed. */
  gtk_spin_button_update (spin);
  return gtk_spin_button_get_value (spin);
}

/**
 * qm_plan_generate_dialog_get_options:
 * @options: (inout): filled with the dialog's choices; other fields stay
 */
void
qm_plan_generate_dialog_get_options (AdwMessageDialog *dialog,
                                     QmPlanOptions    *options)
{
  g_return_if_fail (ADW_IS_MESSAGE_DIALOG (dialog));
  g_return_if_fail (options != NULL);

  /* The percentages have one decimal: keep the fraction exact to it. */
  options->params.service_level = round (spin_value (dialog, "service-level") * 10.0) / 1000.0;
  options->params.window_days = (int) spin_value (dialog, "window-days");
  options->params.transfer_days_of_cover = spin_value (dialog, "transfer-days");
  options->params.eoq = gtk_switch_get_active (g_object_get_data (G_OBJECT (dialog), "eoq"));
  /* Money in ten-thousandths, from a field of two decimals. */
  options->params.ordering_cost_e4 = (gint64) llround (spin_value (dialog, "ordering-cost") * 100.0) * 100;
  options->params.holding_rate = round (spin_value (dialog, "holding-rate") * 10.0) / 1000.0;
}

/* ------------------------------------------------------------------------ */
/* Edit                                                                     */

static void
on_reason_changed_cb (GtkEditable      *entry,
                      AdwMessageDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "save", *reason != '\0');
}

/**
 * qm_plan_edit_dialog_new:
 * @line: the line to change
 *
 * Returns: (transfer floating): a dialog with the responses “cancel”
 *   and “save”; “save” is enabled only once a reason is written
 */
GtkWidget *
qm_plan_edit_dialog_new (GtkWindow        *parent,
                         const QmPlanLine *line)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *spin;
  GtkWidget *entry;

  g_return_val_if_fail (line != NULL, NULL);

  if (line->kind == QM_PLAN_LINE_TRANSFER)
    /* Translators: SKU, destination warehouse, source warehouse, units */
    body = g_strdup_printf (_("%s to %s, transferred from %s. Suggested: %'" G_GINT64_FORMAT
                              " units. The reason is kept in the audit trail."),
                            line->sku, line->warehouse_id,
                            line->from_warehouse_id ? line->from_warehouse_id : "?",
                            line->suggested_quantity);
  else
    /* Translators: SKU, warehouse, units */
    body = g_strdup_printf (_("%s for %s. Suggested: %'" G_GINT64_FORMAT " units. The reason "
                              "is kept in the audit trail."),
                            line->sku, line->warehouse_id, line->suggested_quantity);

  dialog = adw_message_dialog_new (parent, _("Change Approved Quantity"), body);
  gtk_window_set_title (GTK_WINDOW (dialog), _("Change Approved Quantity"));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  label = gtk_label_new_with_mnemonic (_("_Approved quantity"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  spin = new_spin (_("Approved quantity"), 0, 1e9,
                   1, 0, (double) line->approved_quantity);
  if (line->pack_size > 1)
    gtk_adjustment_set_page_increment (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (spin)),
                                       (double) line->pack_size);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), spin);
  gtk_box_append (GTK_BOX (box), spin);

  label = gtk_label_new_with_mnemonic (_("_Reason"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Why, e.g. “supplier minimum order”"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"),
                                  GTK_ACCESSIBLE_PROPERTY_REQUIRED, TRUE,
                                  -1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_box_append (GTK_BOX (box), entry);

  g_object_set_data (G_OBJECT (dialog), "quantity", spin);
  g_object_set_data (G_OBJECT (dialog), "reason", entry);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_signal_connect_object (entry, "changed", G_CALLBACK (on_reason_changed_cb), dialog, 0);

  gtk_widget_grab_focus (spin);

  return dialog;
}

gint64
qm_plan_edit_dialog_get_quantity (AdwMessageDialog *dialog)
{
  g_return_val_if_fail (ADW_IS_MESSAGE_DIALOG (dialog), 0);

  return (gint64) llround (spin_value (dialog, "quantity"));
}

/**
 * qm_plan_edit_dialog_get_reason:
 *
 * Returns: (transfer full): the reason, without surrounding spaces
 */
char *
qm_plan_edit_dialog_get_reason (AdwMessageDialog *dialog)
{
  GtkEditable *entry;

  g_return_val_if_fail (ADW_IS_MESSAGE_DIALOG (dialog), NULL);

  entry = g_object_get_data (G_OBJECT (dialog), "reason");
  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}
