/* qm-allocation-page.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_ALLOCATION_PAGE (qm_allocation_page_get_type ())

G_DECLARE_FINAL_TYPE (QmAllocationPage, qm_allocation_page, QM, ALLOCATION_PAGE, AdwBin)

GtkWidget *qm_allocation_page_new    (void);
void       qm_allocation_page_reload (QmAllocationPage *self);

G_END_DECLS
