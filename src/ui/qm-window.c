/* qm-window.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-allocation-page.h"
#include "qm-dashboard-page.h"
#include "qm-procurement-page.h"
#include "qm-reports-page.h"
#include "qm-stock-page.h"
#include "qm-window.h"

struct _QmWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *primary_menu_button;
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  AdwViewSwitcherBar   *switcher_bar;
  QmDashboardPage      *dashboard_page;
  QmStockPage          *stock_page;
  QmAllocationPage     *allocation_page;
  QmProcurementPage    *procurement_page;
  QmReportsPage        *reports_page;
};

G_DEFINE_FINAL_TYPE (QmWindow, qm_window, ADW_TYPE_APPLICATION_WINDOW)

/* The pages in the order of their Alt+number shortcuts. */
static const char * const page_names[] = {
  "dashboard",
  "stock",
  "allocation",
  "procurement",
  "reports",
};

QmWindow *
qm_window_new (QmApplication *application)
{
  g_return_val_if_fail (QM_IS_APPLICATION (application), NULL);

  return g_object_new (QM_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * qm_window_add_toast:
 * @self: a #QmWindow
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast over the pages of the window.
 */
void
qm_window_add_toast (QmWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (QM_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
qm_window_get_page (QmWindow *self)
{
  g_return_val_if_fail (QM_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

void
qm_window_set_page (QmWindow   *self,
                    const char *page_name)
{
  g_return_if_fail (QM_IS_WINDOW (self));
  g_return_if_fail (page_name != NULL);

  if (adw_view_stack_get_child_by_name (self->stack, page_name) == NULL)
    {
      g_debug ("No page named “%s”", page_name);
      return;
    }

  adw_view_stack_set_visible_child_name (self->stack, page_name);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  QmWindow *self = QM_WINDOW (widget);

  qm_window_set_page (self, g_variant_get_string (parameter, NULL));
}

static void
qm_window_dispose (GObject *object)
{
  QmWindow *self = (QmWindow *)object;

  /* Unbind before the stack empties itself, or its last page would be
   * saved as the page shown last. */
  if (self->stack != NULL)
    g_settings_unbind (self->stack, "visible-child-name");

  gtk_widget_dispose_template (GTK_WIDGET (self), QM_TYPE_WINDOW);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qm_window_parent_class)->dispose (object);
}

static void
qm_window_class_init (QmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_window_dispose;

  g_type_ensure (QM_TYPE_DASHBOARD_PAGE);
  g_type_ensure (QM_TYPE_STOCK_PAGE);
  g_type_ensure (QM_TYPE_ALLOCATION_PAGE);
  g_type_ensure (QM_TYPE_PROCUREMENT_PAGE);
  g_type_ensure (QM_TYPE_REPORTS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QmWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, stock_page);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, allocation_page);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, procurement_page);
  gtk_widget_class_bind_template_child (widget_class, QmWindow, reports_page);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);

  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    gtk_widget_class_add_binding_action (widget_class,
                                         GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page",
                                         "s", page_names[i]);
}

static void
qm_window_init (QmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  /* The bottom switcher takes over when the window is too narrow for the
   * one in the header bar. */
  g_object_bind_property (self->switcher_title, "title-visible",
                          self->switcher_bar, "reveal",
                          G_BINDING_SYNC_CREATE);

  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "window-width",
                   self, "default-width",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height",
                   self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized",
                   self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "last-page",
                   self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);
}
