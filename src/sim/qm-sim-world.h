/* qm-sim-world.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "qm-sim-catalog.h"
#include "qm-sim-warehouse.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 seed;
  guint   n_skus;
  guint   n_days;
  guint   movements_per_day;
  gint64  end_date;            /* midnight UTC of the last simulated day */
} QmSimWorldConfig;

typedef enum
{
  QM_SIM_ORDER_PURCHASE,
  QM_SIM_ORDER_TRANSFER,
} QmSimOrderKind;

typedef struct
{
  guint32 sku;
  gint64  quantity;
  gint64  unit_cost;           /* ten-thousandths, -1 when not given */
} QmSimOrderLine;

#define QM_SIM_TYPE_WORLD (qm_sim_world_get_type ())

G_DECLARE_FINAL_TYPE (QmSimWorld, qm_sim_world, QM_SIM, WORLD, GObject)

void            qm_sim_world_config_init          (QmSimWorldConfig       *config);
gboolean        qm_sim_world_lookup_region        (const char             *region,
                                                   const char            **id,
                                                   const char            **name,
                                                   double                 *lat,
                                                   double                 *lon);
QmSimWorld     *qm_sim_world_new                  (const QmSimWorldConfig *config);
QmSimWarehouse *qm_sim_world_add_warehouse        (QmSimWorld             *self,
                                                   const char             *id,
                                                   const char             *region,
                                                   GError                **error);
void            qm_sim_world_generate             (QmSimWorld             *self);
QmSimCatalog   *qm_sim_world_get_catalog          (QmSimWorld             *self);
guint           qm_sim_world_get_n_warehouses     (QmSimWorld             *self);
QmSimWarehouse *qm_sim_world_get_warehouse        (QmSimWorld             *self,
                                                   guint                   index);
QmSimWarehouse *qm_sim_world_lookup_warehouse     (QmSimWorld             *self,
                                                   const char             *id);
gint64          qm_sim_world_get_now              (QmSimWorld             *self);
guint           qm_sim_world_advance              (QmSimWorld             *self,
                                                   QmSimWarehouse         *warehouse,
                                                   guint                   n_movements);
char           *qm_sim_world_submit_order         (QmSimWorld             *self,
                                                   QmSimWarehouse         *warehouse,
                                                   QmSimOrderKind          kind,
                                                   const char             *to_warehouse,
                                                   const QmSimOrderLine   *lines,
                                                   guint                   n_lines);
guint           qm_sim_world_deliver              (QmSimWorld             *self,
                                                   QmSimWarehouse         *warehouse);
guint           qm_sim_world_get_n_pending_orders (QmSimWorld             *self,
                                                   QmSimWarehouse         *warehouse);
void            qm_sim_world_set_order_delay      (QmSimWorld             *self,
                                                   int                     seconds);
void            qm_sim_world_set_live_rate        (QmSimWorld             *self,
                                                   double                  per_second);

G_END_DECLS
