/* qm-stock-row.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "qm-stock-table.h"

G_BEGIN_DECLS

#define QM_TYPE_STOCK_ROW (qm_stock_row_get_type ())

G_DECLARE_FINAL_TYPE (QmStockRow, qm_stock_row, QM, STOCK_ROW, GObject)

QmStockRow   *qm_stock_row_new                 (QmStockTable  *table,
                                                guint          row);
QmStockTable *qm_stock_row_get_table           (QmStockRow    *self);
guint         qm_stock_row_get_row             (QmStockRow    *self);
const char   *qm_stock_row_get_sku             (QmStockRow    *self);
const char   *qm_stock_row_get_name            (QmStockRow    *self);
const char   *qm_stock_row_get_category        (QmStockRow    *self);
gint64        qm_stock_row_get_quantity        (QmStockRow    *self,
                                                QmStockStatus  status);
gint64        qm_stock_row_get_total           (QmStockRow    *self);
gint64        qm_stock_row_get_warehouse_total (QmStockRow    *self,
                                                guint          warehouse);

G_END_DECLS
