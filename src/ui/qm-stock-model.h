/* qm-stock-model.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-stock-table.h"

G_BEGIN_DECLS

#define QM_TYPE_STOCK_MODEL (qm_stock_model_get_type ())

G_DECLARE_FINAL_TYPE (QmStockModel, qm_stock_model, QM, STOCK_MODEL, GObject)

QmStockModel *qm_stock_model_new       (void);
QmStockTable *qm_stock_model_get_table (QmStockModel       *self);
void          qm_stock_model_set_table (QmStockModel       *self,
                                        QmStockTable       *table);
void          qm_stock_model_set_query (QmStockModel       *self,
                                        const QmStockQuery *query);
gboolean      qm_stock_model_get_busy  (QmStockModel       *self);
guint         qm_stock_model_get_row   (QmStockModel       *self,
                                        guint               position);

G_END_DECLS
