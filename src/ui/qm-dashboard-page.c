/* qm-dashboard-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-dashboard-page.h"

struct _QmDashboardPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QmDashboardPage, qm_dashboard_page, ADW_TYPE_BIN)

GtkWidget *
qm_dashboard_page_new (void)
{
  return g_object_new (QM_TYPE_DASHBOARD_PAGE, NULL);
}

static void
qm_dashboard_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_DASHBOARD_PAGE);

  G_OBJECT_CLASS (qm_dashboard_page_parent_class)->dispose (object);
}

static void
qm_dashboard_page_class_init (QmDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_dashboard_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-dashboard-page.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_dashboard_page_init (QmDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
