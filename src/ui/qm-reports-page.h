/* qm-reports-page.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_REPORTS_PAGE (qm_reports_page_get_type ())

G_DECLARE_FINAL_TYPE (QmReportsPage, qm_reports_page, QM, REPORTS_PAGE, AdwBin)

GtkWidget *qm_reports_page_new (void);

G_END_DECLS
