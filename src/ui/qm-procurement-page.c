/* qm-procurement-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-procurement-page.h"

struct _QmProcurementPage
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (QmProcurementPage, qm_procurement_page, ADW_TYPE_BIN)

GtkWidget *
qm_procurement_page_new (void)
{
  return g_object_new (QM_TYPE_PROCUREMENT_PAGE, NULL);
}

static void
qm_procurement_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_PROCUREMENT_PAGE);

  G_OBJECT_CLASS (qm_procurement_page_parent_class)->dispose (object);
}

static void
qm_procurement_page_class_init (QmProcurementPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_procurement_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-procurement-page.ui");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_procurement_page_init (QmProcurementPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
