/* qm-preferences-window.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-preferences-window.h"

struct _QmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  GtkSpinButton        *auto_sync_spin;
  GtkSpinButton        *stale_after_spin;
  GtkSpinButton        *overstock_spin;
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

static void
qm_preferences_window_dispose (GObject *object)
{
  QmPreferencesWindow *self = (QmPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), QM_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qm_preferences_window_parent_class)->dispose (object);
}

static void
qm_preferences_window_class_init (QmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QmPreferencesWindow, auto_sync_spin);
  gtk_widget_class_bind_template_child (widget_class, QmPreferencesWindow, stale_after_spin);
  gtk_widget_class_bind_template_child (widget_class, QmPreferencesWindow, overstock_spin);
}

static void
qm_preferences_window_init (QmPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

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
}
