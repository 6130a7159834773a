/* qm-store-dashboard.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "qm-store.h"

G_BEGIN_DECLS

/* Days of sales the overstock figure averages over. */
#define QM_DASHBOARD_SALES_WINDOW_DAYS 28

/* One warehouse as the dashboard shows it. */
typedef struct
{
  char        *id;
  char        *name;
  char        *region;
  char        *currency;
  gint64       capacity_units;
  gint64       quantity[QM_N_STOCK_STATUSES];   /* by QmStockStatus */
  QmSyncState  sync;
} QmDashboardWarehouse;

void qm_dashboard_warehouse_free (QmDashboardWarehouse *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmDashboardWarehouse, qm_dashboard_warehouse_free)

/* Everything the dashboard shows, read in one go from one connection. */
typedef struct
{
  GPtrArray *warehouses;          /* of QmDashboardWarehouse, sorted by id */
  gint64     units_on_hand;       /* every status, every warehouse */
  gint64     value_e4;            /* at moving-average cost */
  gint64     skus;                /* SKUs known (listed or stocked) */
  gint64     out_of_stock;        /* SKUs with no qualified unit anywhere */
  gint64     overstock;           /* SKUs with more days of cover than asked */
  gint64     below_reorder;       /* SKUs below their reorder point in the
                                   * latest plan somewhere; -1 without a plan */
  gint64     plan_id;             /* that plan, or 0 */
  char      *plan_created_at;     /* nullable */
  char      *newest_movement_at;  /* nullable */
  char      *trend_last_day;      /* YYYY-MM-DD of the trend's last point, nullable */
  GArray    *trend;               /* gint64 units at the end of each day, oldest first */
} QmDashboard;

void qm_dashboard_free (QmDashboard *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmDashboard, qm_dashboard_free)

QmDashboard *qm_store_get_dashboard          (QmStore                    *self,
                                              guint                       overstock_days,
                                              guint                       trend_days,
                                              GError                    **error);
gboolean     qm_store_get_inventory_value    (QmStore                    *self,
                                              gint64                     *out_value_e4,
                                              GError                    **error);
gint64       qm_store_count_below_reorder    (QmStore                    *self,
                                              gint64                     *out_plan_id,
                                              char                      **out_created_at,
                                              GError                    **error);
gint64       qm_store_count_out_of_stock     (QmStore                    *self,
                                              gint64                     *out_skus,
                                              GError                    **error);
gint64       qm_store_count_overstock        (QmStore                    *self,
                                              guint                       overstock_days,
                                              GError                    **error);
char        *qm_store_get_newest_movement_at (QmStore                    *self,
                                              GError                    **error);
GArray      *qm_store_get_units_trend        (QmStore                    *self,
                                              guint                       days,
                                              char                      **out_last_day,
                                              GError                    **error);
gboolean     qm_dashboard_warehouse_is_stale (const QmDashboardWarehouse *warehouse,
                                              GDateTime                  *now,
                                              guint                       stale_after_minutes);
guint        qm_dashboard_count_stale        (const QmDashboard          *self,
                                              GDateTime                  *now,
                                              guint                       stale_after_minutes);

G_END_DECLS
