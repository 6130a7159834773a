/* qm-reports-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-reports-page.h"

struct _QmReportsPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QmReportsPage, qm_reports_page, ADW_TYPE_BIN)

GtkWidget *
qm_reports_page_new (void)
{
  return g_object_new (QM_TYPE_REPORTS_PAGE, NULL);
}

static void
qm_reports_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_REPORTS_PAGE);

  G_OBJECT_CLASS (qm_reports_page_parent_class)->dispose (object);
}

static void
qm_reports_page_class_init (QmReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_reports_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-reports-page.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_reports_page_init (QmReportsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
