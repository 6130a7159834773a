/* qm-procurement-page.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_PROCUREMENT_PAGE (qm_procurement_page_get_type ())

G_DECLARE_FINAL_TYPE (QmProcurementPage, qm_procurement_page, QM, PROCUREMENT_PAGE, AdwBin)

GtkWidget *qm_procurement_page_new    (void);
void       qm_procurement_page_reload (QmProcurementPage *self);

G_END_DECLS
