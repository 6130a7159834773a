/* qm-sku-detail.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qm-stock-table.h"

G_BEGIN_DECLS

#define QM_TYPE_SKU_DETAIL (qm_sku_detail_get_type ())

G_DECLARE_FINAL_TYPE (QmSkuDetail, qm_sku_detail, QM, SKU_DETAIL, AdwWindow)

GtkWidget *qm_sku_detail_new (GtkWindow    *parent,
                              const char   *db_path,
                              QmStockTable *table,
                              guint         row);

G_END_DECLS
