/* qm-dashboard-page.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_DASHBOARD_PAGE (qm_dashboard_page_get_type ())

G_DECLARE_FINAL_TYPE (QmDashboardPage, qm_dashboard_page, QM, DASHBOARD_PAGE, AdwBin)

GtkWidget *qm_dashboard_page_new (void);

G_END_DECLS
