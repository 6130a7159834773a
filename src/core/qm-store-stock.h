/* qm-store-stock.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qm-store.h"

G_BEGIN_DECLS

/* Return FALSE to stop the walk early. */
typedef gboolean (*QmProductRowFunc) (const char *warehouse_id,
                                      const char *sku,
                                      const char *name,
                                      const char *category,
                                      gpointer    user_data);

/* One movement of a SKU's ledger, as the SKU detail lists it. */
typedef struct
{
  char     *warehouse_id;
  gint64    seq;
  char     *at;
  char     *kind;
  gint64    quantity;
  char     *from_status;
  char     *to_status;
  gboolean  has_unit_cost;
  gint64    unit_cost;
  char     *reference;
  char     *quarantine_reason;
} QmSkuMovement;

void      qm_sku_movement_clear          (QmSkuMovement       *self);

/* One SKU at one warehouse, the quantity of each status (QmStockStatus order). */
typedef gboolean (*QmStockSkuFunc) (const char   *sku,
                                    const char   *warehouse_id,
                                    const gint64 *quantities,
                                    gpointer      user_data);

gboolean  qm_store_foreach_stock_sku     (QmStore             *self,
                                          QmStockSkuFunc       func,
                                          gpointer             user_data,
                                          GError             **error);
gboolean  qm_store_foreach_product       (QmStore             *self,
                                          QmProductRowFunc     func,
                                          gpointer             user_data,
                                          GError             **error);
GArray   *qm_store_list_sku_movements    (QmStore             *self,
                                          const char          *sku,
                                          const QmSkuMovement *before,
                                          guint                limit,
                                          GError             **error);
char     *qm_store_get_ledger_end_at     (QmStore             *self,
                                          GError             **error);
gboolean  qm_store_sum_sku_movements     (QmStore             *self,
                                          const char          *sku,
                                          const char          *kind,
                                          const char          *from_at,
                                          const char          *to_at,
                                          gint64              *out_quantity,
                                          GError             **error);

G_END_DECLS
