/* qm-allocation-channel-row.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sales channel in the allocation rule editor: its weight, with the
 * share of the whole that weight gives it, and its oversell allowance.
 * Emits "changed" when either number changes.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-allocation.h"
#include "qm-allocation-channel-row.h"

struct _QmAllocationChannelRow
{
  AdwActionRow    parent_instance;

  char           *channel_id;
  GtkSpinButton  *weight_spin;
  GtkLabel       *share_label;
  GtkSpinButton  *oversell_spin;
};

G_DEFINE_FINAL_TYPE (QmAllocationChannelRow, qm_allocation_channel_row, ADW_TYPE_ACTION_ROW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_spin_value_changed_cb (GtkSpinButton          *spin,
                          QmAllocationChannelRow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static GtkSpinButton *
add_spin (QmAllocationChannelRow *self,
          double                  upper,
          const char             *caption,
          const char             *accessible_name,
          const char             *tooltip)
{
  GtkWidget *label = gtk_label_new (caption);
  GtkWidget *spin = gtk_spin_button_new_with_range (0, upper, 1);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), label);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 0);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (spin, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name,
                                  -1);
  g_signal_connect_object (spin, "value-changed",
                           G_CALLBACK (on_spin_value_changed_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), spin);

  return GTK_SPIN_BUTTON (spin);
}

/**
 * qm_allocation_channel_row_new:
 * @channel_id: the channel's id
 * @channel_name: its name, as people say it
 * @subtitle: (nullable): a line under the name
 *
 * Returns: (transfer floating): a new row, weight 1 and no oversell
 */
GtkWidget *
qm_allocation_channel_row_new (const char *channel_id,
                               const char *channel_name,
                               const char *subtitle)
{
  QmAllocationChannelRow *self;
  g_autofree char *weight_name = NULL;
  g_autofree char *oversell_name = NULL;
  g_autofree char *share_name = NULL;

  g_return_val_if_fail (channel_id != NULL, NULL);
  g_return_val_if_fail (channel_name != NULL, NULL);

  self = g_object_new (QM_TYPE_ALLOCATION_CHANNEL_ROW,
                       "title", channel_name,
                       "subtitle", subtitle,
                       NULL);
  self->channel_id = g_strdup (channel_id);

  weight_name = g_strdup_printf (_("Weight for %s"), channel_name);
  share_name = g_strdup_printf (_("Share of %s"), channel_name);
  oversell_name = g_strdup_printf (_("Oversell percent for %s"), channel_name);

  self->weight_spin = add_spin (self, 1000000, _("Weight"), weight_name,
                                _("The channel’s share is its weight over the sum of all weights"));
  gtk_spin_button_set_value (self->weight_spin, 1);

  self->share_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_width_chars (self->share_label, 5);
  gtk_label_set_xalign (self->share_label, 1.0);
  gtk_widget_add_css_class (GTK_WIDGET (self->share_label), "numeric");
  gtk_widget_set_valign (GTK_WIDGET (self->share_label), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->share_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, share_name,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->share_label));

  self->oversell_spin = add_spin (self, QM_ALLOC_OVERSELL_PERCENT_MAX, _("Oversell %"),
                                  oversell_name,
                                  _("The channel may sell this percentage of its regular stock beyond it"));

  return GTK_WIDGET (self);
}

const char *
qm_allocation_channel_row_get_channel_id (QmAllocationChannelRow *self)
{
  g_return_val_if_fail (QM_IS_ALLOCATION_CHANNEL_ROW (self), NULL);

  return self->channel_id;
}

gint64
qm_allocation_channel_row_get_weight (QmAllocationChannelRow *self)
{
  g_return_val_if_fail (QM_IS_ALLOCATION_CHANNEL_ROW (self), 0);

  return (gint64) gtk_spin_button_get_value (self->weight_spin);
}

void
qm_allocation_channel_row_set_weight (QmAllocationChannelRow *self,
                                      gint64                  weight)
{
  g_return_if_fail (QM_IS_ALLOCATION_CHANNEL_ROW (self));

  gtk_spin_button_set_value (self->weight_spin, (double) weight);
}

gint64
qm_allocation_channel_row_get_oversell (QmAllocationChannelRow *self)
{
  g_return_val_if_fail (QM_IS_ALLOCATION_CHANNEL_ROW (self), 0);

  return (gint64) gtk_spin_button_get_value (self->oversell_spin);
}

void
qm_allocation_channel_row_set_oversell (QmAllocationChannelRow *self,
                                        gint64                  percent)
{
  g_return_if_fail (QM_IS_ALLOCATION_CHANNEL_ROW (self));

  gtk_spin_button_set_value (self->oversell_spin, (double) percent);
}

void
qm_allocation_channel_row_set_share (QmAllocationChannelRow *self,
                                     const char             *text)
{
  g_return_if_fail (QM_IS_ALLOCATION_CHANNEL_ROW (self));

  gtk_label_set_text (self->share_label, text);
}

/* Weights only count in ratio and region modes. */
void
qm_allocation_channel_row_set_weighted (QmAllocationChannelRow *self,
                                        gboolean                weighted)
{
  g_return_if_fail (QM_IS_ALLOCATION_CHANNEL_ROW (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->weight_spin), weighted);
  gtk_widget_set_sensitive (GTK_WIDGET (self->share_label), weighted);
}

static void
qm_allocation_channel_row_finalize (GObject *object)
{
  QmAllocationChannelRow *self = (QmAllocationChannelRow *) object;

  g_free (self->channel_id);

  G_OBJECT_CLASS (qm_allocation_channel_row_parent_class)->finalize (object);
}

static void
qm_allocation_channel_row_class_init (QmAllocationChannelRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qm_allocation_channel_row_finalize;

  /**
   * QmAllocationChannelRow::changed:
   *
   * The weight or the oversell allowance changed.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
qm_allocation_channel_row_init (QmAllocationChannelRow *self)
{
}
