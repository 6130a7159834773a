/* qm-plan-table.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-store-procurement.h"

G_BEGIN_DECLS

/*
 * The lines of one procurement plan as the Procurement page shows them:
 * an immutable, reference-counted array (safe to read from several
 * threads), with what searching needs worked out once when it is made.
 */

typedef struct _QmPlanTable QmPlanTable;

typedef enum
{
  QM_PLAN_SORT_NONE,           /* the plan's order: warehouse, SKU, kind */
  QM_PLAN_SORT_WAREHOUSE,
  QM_PLAN_SORT_SKU,
  QM_PLAN_SORT_NAME,
  QM_PLAN_SORT_KIND,
  QM_PLAN_SORT_ON_HAND,
  QM_PLAN_SORT_ON_ORDER,
  QM_PLAN_SORT_DEMAND,
  QM_PLAN_SORT_DEVIATION,
  QM_PLAN_SORT_LEAD_TIME,
  QM_PLAN_SORT_SAFETY_STOCK,
  QM_PLAN_SORT_REORDER_POINT,
  QM_PLAN_SORT_SUGGESTED,
  QM_PLAN_SORT_APPROVED,
  QM_PLAN_SORT_CAPPED,
  QM_PLAN_SORT_ORDER_STATE,
} QmPlanSort;

typedef enum
{
  QM_PLAN_SHOW_ALL,
  QM_PLAN_SHOW_TO_ORDER,       /* a suggested or approved quantity above 0 */
  QM_PLAN_SHOW_CAPPED,
  QM_PLAN_SHOW_EDITED,
  QM_PLAN_SHOW_TRANSFERS,
  QM_PLAN_SHOW_NOT_ACCEPTED,   /* sent but rejected or still pending */
} QmPlanShow;

typedef struct
{
  const char *search;          /* part of the SKU or name, any case; NULL = all */
  const char *warehouse_id;    /* NULL = every warehouse */
  QmPlanShow  show;
  QmPlanSort  sort;
  gboolean    descending;
} QmPlanQuery;

#define QM_PLAN_QUERY_INIT { NULL, NULL, QM_PLAN_SHOW_ALL, QM_PLAN_SORT_NONE, FALSE }

QmPlanTable      *qm_plan_table_new           (GPtrArray          *lines);
QmPlanTable      *qm_plan_table_ref           (QmPlanTable        *self);
void              qm_plan_table_unref         (QmPlanTable        *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPlanTable, qm_plan_table_unref)

guint             qm_plan_table_get_n_lines   (QmPlanTable        *self);
const QmPlanLine *qm_plan_table_get_line      (QmPlanTable        *self,
                                               guint               index);
int               qm_plan_table_find_line     (QmPlanTable        *self,
                                               const char         *warehouse_id,
                                               const char         *sku,
                                               QmPlanLineKind      kind);
gboolean          qm_plan_table_same_keys     (QmPlanTable        *self,
                                               QmPlanTable        *other);
gboolean          qm_plan_table_line_changed  (QmPlanTable        *self,
                                               QmPlanTable        *other,
                                               guint               index);
guint32          *qm_plan_table_query         (QmPlanTable        *self,
                                               const QmPlanQuery  *query,
                                               GCancellable       *cancellable,
                                               guint              *out_n_rows);

G_END_DECLS
