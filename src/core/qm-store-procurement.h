/* qm-store-procurement.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-planning.h"
#include "qm-store.h"

G_BEGIN_DECLS

/*
 * Procurement plans in the cache: what the planning engine (qm-planning.h)
 * is fed from the ledger and the stock snapshot, the plans it produced, the
 * planner's edits and approvals (each audited) and the state of each order
 * pushed to a warehouse.
 *
 * A plan moves draft -> approved -> pushed. Only a draft's approved
 * quantities can be edited; approving freezes them. Pushing groups the
 * approved lines into orders (one purchase order per warehouse, one
 * transfer per source and destination warehouse); each order gets its
 * Idempotency-Key stored in the cache BEFORE it is sent, so sending it
 * again after a crash or a lost answer never creates a second order.
 */

typedef enum
{
  QM_PLAN_STATUS_DRAFT,
  QM_PLAN_STATUS_APPROVED,
  QM_PLAN_STATUS_PUSHED,
} QmPlanStatus;

typedef enum
{
  QM_PLAN_LINE_PURCHASE,
  QM_PLAN_LINE_TRANSFER,
} QmPlanLineKind;

typedef enum
{
  QM_ORDER_STATE_NONE,      /* not yet prepared for sending */
  QM_ORDER_STATE_PENDING,   /* key stored; sent or about to be, no answer yet */
  QM_ORDER_STATE_ACCEPTED,  /* the warehouse answered 201 with an order id */
  QM_ORDER_STATE_REJECTED,  /* the warehouse refused it (4xx): see the error */
} QmOrderState;

/* How to generate a plan. qm_plan_options_init() fills the defaults. */
typedef struct
{
  QmPlanParams params;        /* window 56 days, service 0.95, order-up-to */
  gint64       today_day;     /* qm_plan_day_from_date(); 0 = today (UTC) */
  const char  *time_zone;     /* NULL = UTC: where days are cut */
} QmPlanOptions;

typedef struct
{
  gint64        id;
  char         *created_at;
  char         *created_by;
  QmPlanStatus  status;
  char         *approved_at;  /* NULL while a draft */
  char         *approved_by;
  guint         n_lines;
  gint64        suggested_total;
  gint64        approved_total;
  guint         n_capped;
  guint         n_edited;     /* lines whose approved quantity was changed */
  guint         n_rejected;   /* orders a warehouse refused */
  /* added with the implementation: */
  char         *pushed_at;    /* NULL until every order has its answer */
  char         *pushed_by;    /* who first pushed it; NULL before */
  char         *parameters;   /* JSON: today, time_zone, window_days,
                               * service_level, z, eoq, transfer_days_of_cover… */
} QmPlanInfo;

/* One line of a plan: a (warehouse, SKU, kind) with every number that
 * explains its suggestion. */
typedef struct
{
  gint64          plan_id;
  char           *warehouse_id;
  char           *sku;
  char           *name;               /* as the warehouse lists it, or "" */
  QmPlanLineKind  kind;
  char           *from_warehouse_id;  /* transfers: the source; else NULL */
  gint64          on_hand;            /* qualified + pending inspection + other */
  gint64          qualified;
  gint64          on_order;
  double          avg_daily_demand;   /* d */
  double          demand_sd;          /* sd */
  int             lead_time_days;     /* L */
  int             review_period_days; /* R */
  double          safety_stock;       /* exact (the CSV rounds, see the help) */
  double          reorder_point;
  double          order_up_to;
  double          days_of_cover;      /* INFINITY without demand */
  gint64          pack_size;
  gint64          suggested_uncapped; /* before the capacity cut */
  gint64          suggested_quantity;
  gint64          approved_quantity;  /* = suggested until edited */
  gboolean        capacity_capped;
  guint           flags;              /* QmPlanFlags */
  char           *edit_reason;        /* NULL unless edited */
  QmOrderState    order_state;
  char           *order_id;           /* the warehouse's id once accepted */
  char           *order_error;        /* why it was rejected / last failure */
} QmPlanLine;

/* One order of a pushed (or pushing) plan, as qm_store_plan_prepare_push()
 * gives it: where it goes, its key and its JSON body. */
typedef struct
{
  gint64          plan_id;
  char           *warehouse_id;       /* the endpoint it is POSTed to */
  QmPlanLineKind  kind;               /* purchase-orders or transfers */
  char           *to_warehouse_id;    /* transfers: the destination */
  char           *idempotency_key;    /* a UUID, stored before sending */
  char           *body;               /* the JSON body, the same on every retry */
  QmOrderState    state;
  char           *order_id;
  char           *error;
} QmPlanOrder;

void        qm_plan_info_free   (QmPlanInfo  *info);
void        qm_plan_line_free   (QmPlanLine  *line);
void        qm_plan_order_free  (QmPlanOrder *order);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPlanInfo, qm_plan_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPlanLine, qm_plan_line_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPlanOrder, qm_plan_order_free)

const char *qm_plan_status_to_string  (QmPlanStatus    status);   /* "draft" ... */
const char *qm_plan_line_kind_to_string (QmPlanLineKind kind);    /* "purchase", "transfer" */
const char *qm_order_state_to_string  (QmOrderState    state);

void        qm_plan_options_init      (QmPlanOptions  *options);

/* Planning settings. 0 days for a SKU removes its override. Audited. */
gboolean    qm_store_set_warehouse_planning (QmStore      *self,
                                             const char   *warehouse_id,
                                             int           lead_time_days,
                                             int           review_period_days,
                                             const char   *user,
                                             GError      **error);
gboolean    qm_store_set_sku_planning       (QmStore      *self,
                                             const char   *sku,
                                             int           lead_time_days,
                                             int           review_period_days,
                                             const char   *user,
                                             GError      **error);

/* Generates a draft plan from the cache (demand from the ledger, stock from
 * the snapshot, on order = accepted orders not yet received). Audited
 * (plan.generate). @progress, if set, is called now and then with a
 * fraction 0..1 from the calling thread. Returns the new plan's id, or 0
 * with @error set (QM_ERROR_NOT_FOUND when there is no warehouse). */
typedef void (*QmPlanProgressFunc) (double fraction, gpointer user_data);

gint64      qm_store_plan_generate    (QmStore             *self,
                                       const QmPlanOptions *options,
                                       const char          *user,
                                       QmPlanProgressFunc   progress,
                                       gpointer             progress_data,
                                       GCancellable        *cancellable,
                                       GError             **error);

/* Every plan, newest first. (element-type QmPlanInfo) */
GPtrArray  *qm_store_plan_list        (QmStore             *self,
                                       GError             **error);
QmPlanInfo *qm_store_plan_get         (QmStore             *self,
                                       gint64               plan_id,
                                       GError             **error);
/* The plan's lines sorted by warehouse id, then SKU, then kind (bytewise).
 * (element-type QmPlanLine) */
GPtrArray  *qm_store_plan_get_lines   (QmStore             *self,
                                       gint64               plan_id,
                                       GError             **error);

/* Sets a draft line's approved quantity; @reason must say why (not empty).
 * Audited (plan.line.edit, before and after). QM_ERROR_REFUSED if the plan
 * is not a draft, QM_ERROR_INVALID_INPUT for a negative quantity or an
 * empty reason, QM_ERROR_NOT_FOUND for no such line. */
gboolean    qm_store_plan_set_quantity (QmStore            *self,
                                        gint64              plan_id,
                                        const char         *warehouse_id,
                                        const char         *sku,
                                        QmPlanLineKind      kind,
                                        gint64              quantity,
                                        const char         *reason,
                                        const char         *user,
                                        GError            **error);

/* draft -> approved. Audited (plan.approve). QM_ERROR_REFUSED otherwise. */
gboolean    qm_store_plan_approve     (QmStore             *self,
                                       gint64               plan_id,
                                       const char          *user,
                                       GError             **error);

/* For pushing (src/sync does the HTTP): groups an approved plan's lines
 * with an approved quantity > 0 into orders, gives each order without one
 * its Idempotency-Key and body, and commits that BEFORE returning, so the
 * caller may send them. Orders already accepted are returned too (state
 * ACCEPTED; not to be sent again). (element-type QmPlanOrder) */
GPtrArray  *qm_store_plan_prepare_push (QmStore            *self,
                                        gint64              plan_id,
                                        const char         *user,
                                        GError            **error);
/* Records a warehouse's answer to one order: ACCEPTED with its order id,
 * REJECTED with the problem's detail, or PENDING with the error of a send
 * that got no answer (it will be sent again with the same key). When every
 * order is accepted or rejected the plan becomes pushed (audited
 * plan.push). */
gboolean    qm_store_plan_record_push  (QmStore            *self,
                                        const char         *idempotency_key,
                                        QmOrderState        state,
                                        const char         *order_id,
                                        const char         *error_text,
                                        GError            **error);

/* Added with the implementation (not in the first header). */

/* A warehouse's lead time and review period (QM_ERROR_NOT_FOUND for no such
 * warehouse); a SKU's override (0 and 0 when it has none). */
gboolean    qm_store_get_warehouse_planning (QmStore      *self,
                                             const char   *warehouse_id,
                                             int          *out_lead_time_days,
                                             int          *out_review_period_days,
                                             GError      **error);
gboolean    qm_store_get_sku_planning       (QmStore      *self,
                                             const char   *sku,
                                             int          *out_lead_time_days,
                                             int          *out_review_period_days,
                                             GError      **error);

/* The orders of a plan as they stand, without preparing anything (empty
 * before the first push). Sorted by warehouse, kind and destination.
 * (element-type QmPlanOrder) */
GPtrArray  *qm_store_plan_get_orders  (QmStore             *self,
                                       gint64               plan_id,
                                       GError             **error);

/* The newest plan's id, 0 when there is none (with @error unset). */
gint64      qm_store_plan_get_latest  (QmStore             *self,
                                       GError             **error);

typedef void (*QmOpenPurchaseFunc) (const char *sku,
                                    gint64      quantity,
                                    gpointer    user_data);

gboolean    qm_store_foreach_open_purchase (QmStore            *self,
                                            QmOpenPurchaseFunc  func,
                                            gpointer            user_data,
                                            GError            **error);

G_END_DECLS
