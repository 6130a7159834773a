/* qm-sim-warehouse.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "qm-sim-catalog.h"
#include "qm-sim-types.h"

G_BEGIN_DECLS

typedef struct
{
  guint32 sku;
  guint32 status;
  gint64  quantity;
} QmSimStockRow;

#define QM_SIM_TYPE_WAREHOUSE (qm_sim_warehouse_get_type ())

G_DECLARE_FINAL_TYPE (QmSimWarehouse, qm_sim_warehouse, QM_SIM, WAREHOUSE, GObject)

QmSimWarehouse      *qm_sim_warehouse_new                (const char      *id,
                                                          const char      *name,
                                                          const char      *region,
                                                          double           lat,
                                                          double           lon,
                                                          QmSimCatalog    *catalog);
const char          *qm_sim_warehouse_get_id             (QmSimWarehouse  *self);
const char          *qm_sim_warehouse_get_name           (QmSimWarehouse  *self);
const char          *qm_sim_warehouse_get_region         (QmSimWarehouse  *self);
const char          *qm_sim_warehouse_get_currency       (QmSimWarehouse  *self);
double               qm_sim_warehouse_get_lat            (QmSimWarehouse  *self);
double               qm_sim_warehouse_get_lon            (QmSimWarehouse  *self);
gint64               qm_sim_warehouse_get_capacity_units (QmSimWarehouse  *self);
void                 qm_sim_warehouse_set_capacity_units (QmSimWarehouse  *self,
                                                          gint64           capacity);
QmSimCatalog        *qm_sim_warehouse_get_catalog        (QmSimWarehouse  *self);
gboolean             qm_sim_warehouse_is_listed          (QmSimWarehouse  *self,
                                                          guint            sku);
void                 qm_sim_warehouse_set_listed         (QmSimWarehouse  *self,
                                                          guint            sku,
                                                          gboolean         listed);
const guint32       *qm_sim_warehouse_get_listed_sorted  (QmSimWarehouse  *self,
                                                          guint           *n_listed);
gint64               qm_sim_warehouse_append             (QmSimWarehouse  *self,
                                                          const QmSimMovement *movement,
                                                          guint            gap);
gint64               qm_sim_warehouse_get_stock          (QmSimWarehouse  *self,
                                                          guint            sku,
                                                          int              status);
gint64               qm_sim_warehouse_get_last_seq       (QmSimWarehouse  *self);
gint64               qm_sim_warehouse_get_last_at        (QmSimWarehouse  *self);
gint64               qm_sim_warehouse_get_total_units    (QmSimWarehouse  *self);
gint64               qm_sim_warehouse_get_peak_units     (QmSimWarehouse  *self);
const QmSimMovement *qm_sim_warehouse_get_movements      (QmSimWarehouse  *self,
                                                          gsize           *n_movements);
gsize                qm_sim_warehouse_find_after         (QmSimWarehouse  *self,
                                                          gint64           after_seq);
void                 qm_sim_warehouse_forget             (QmSimWarehouse  *self,
                                                          gsize            n_movements);
guint                qm_sim_warehouse_get_epoch          (QmSimWarehouse  *self);
GArray              *qm_sim_warehouse_snapshot           (QmSimWarehouse  *self,
                                                          gint64           as_of_seq);

G_END_DECLS
