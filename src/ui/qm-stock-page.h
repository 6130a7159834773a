/* qm-stock-page.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_STOCK_PAGE (qm_stock_page_get_type ())

G_DECLARE_FINAL_TYPE (QmStockPage, qm_stock_page, QM, STOCK_PAGE, AdwBin)

GtkWidget *qm_stock_page_new    (void);
void       qm_stock_page_reload (QmStockPage *self);

G_END_DECLS
