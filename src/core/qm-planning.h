/* qm-planning.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "qm-types.h"

G_BEGIN_DECLS

/*
 * The procurement planning engine: how much of each SKU each warehouse
 * should buy (or receive from another warehouse).
 *
 * Pure functions of plain arrays, like the allocation engine: no SQL, no
 * I/O, no clock ("today" is an input). Warehouses and SKUs are referred to
 * by their index in the input arrays; a cell is one (SKU, warehouse) pair,
 * stored at [sku * n_warehouses + warehouse].
 *
 * Days are whole days counted from 1970-01-01 (day 0), in whatever time
 * zone the caller cut them in; qm_plan_day_from_date() converts.
 *
 * 1. Demand (QmPlanDemand). Over a window of window_days whole days that
 *    ends yesterday (today - window_days <= day < today; today is still
 *    running and is left out), the daily net demand of a cell is the units
 *    of its sales_outbound movements less those of its customer_return
 *    movements on that day; days without movements count as 0.
 *    - The history of a cell is min (window_days, today - first day) where
 *      the first day is the earliest of the day noted with
 *      qm_plan_demand_note_first_day() and the first day with demand in
 *      the window; a cell with nothing noted has a full window. A history
 *      of 0 days (first seen today) is a new SKU without history: the
 *      engine has no demand to plan from and suggests nothing
 *      (QM_PLAN_FLAG_NO_HISTORY).
 *    - d = the sum of the daily net demand over the history / the history
 *      days. A sum of zero or less (more returns than sales) makes
 *      d = 0 and sd = 0: the cell has no demand to protect
 *      (QM_PLAN_FLAG_NO_DEMAND, and QM_PLAN_FLAG_RETURNS_EXCEED_SALES when
 *      the sum is negative).
 *    - sd = the SAMPLE standard deviation (divided by n - 1) of the daily
 *      net demand over the history days: the window is a sample of a
 *      demand process whose spread we estimate, and Bessel's correction
 *      keeps the variance unbiased (over 56 days it is 0.9 % above the
 *      population figure, on the safe side). A history of one day gives
 *      sd = 0. It is computed in two passes around the mean, so a steady
 *      demand gives exactly 0.
 *
 * 2. Levels, per cell. L = the SKU's lead time if set, else the
 *    warehouse's; R likewise for the review period (days). z is the
 *    service level's quantile of the standard normal distribution
 *    (qm_plan_inverse_normal(), exact to about 1e-15).
 *      SS  = z * sd * sqrt (L)                      safety stock
 *      ROP = d * L + SS                             reorder point
 *      S   = d * (R + L) + z * sd * sqrt (R + L)    order-up-to level
 *    They are computed in double precision and reported both exactly and
 *    as whole units rounded UP (a target never below what was computed).
 *    With d = 0 they are all 0.
 *
 * 3. Suggestion. position = qualified + pending_inspection + on_order.
 *    - Order-up-to (default): need = max (0, S_units - position).
 *    - EOQ mode: EOQ = sqrt (2 * D * K / h) with D = 365 * d units a
 *      year, K = the ordering cost and h = holding_rate * unit cost (money
 *      per unit per year); Q = EOQ rounded up to whole units. While
 *      position >= ROP_units nothing is ordered; below it, need = the
 *      smallest multiple of Q that brings the position to at least
 *      ROP_units. A SKU with no unit cost (h = 0) falls back to
 *      order-up-to (QM_PLAN_FLAG_NO_EOQ).
 *    need is then rounded up to a whole number of packs: the suggestion
 *    before capacity (suggested_uncapped).
 *
 * 4. Capacity, per warehouse with capacity_units > 0 (0 = no limit).
 *    used = max (units_on_hand, the cells' qualified + pending_inspection
 *    + other_units) + the cells' on_order: what the warehouse will hold
 *    once everything already ordered has arrived. room = capacity - used.
 *    If the suggestions add up to more than room, the cells with a
 *    suggestion are taken in order of fewest days of cover first (ties:
 *    bytewise smaller SKU): each keeps its whole suggestion while it fits
 *    in what is left of room; the first that does not fit is cut to what
 *    is left, rounded DOWN to its pack size, and every later one gets 0.
 *    Every cut cell (even if cut to 0) is marked QM_PLAN_FLAG_CAPACITY_CAPPED.
 *    So the units after receipt never exceed capacity_units (a warehouse
 *    already over it gets nothing).
 *
 * 5. Transfers (when transfer_days_of_cover > 0). For each SKU, a cell
 *    whose position is below its ROP (needy) and that still has a
 *    suggestion may take units from a donor cell of the same SKU: one whose
 *    days of cover exceed transfer_days_of_cover and whose position is
 *    above its own order-up-to level. A donor can give
 *    min (qualified, position - S_units), less what it already gave.
 *    Needy cells are served in order of fewest days of cover first (ties:
 *    bytewise smaller warehouse id). Each takes from ONE donor: donors are
 *    tried in order of most days of cover (ties: bytewise smaller id),
 *    and the first that can give the whole suggestion gives it; if none
 *    can, the one that can give the most (the earlier of equals) does.
 *    A donor gives min (what it can still give, the suggestion) rounded
 *    down to the needy cell's pack size, so both parts stay whole packs.
 *    The transfer replaces that part of the purchase (purchase = suggested
 *    - transfer_in); the units arriving are the same, so capacity still
 *    holds. One donor per line keeps one transfer line per warehouse and
 *    SKU in a plan (procurement_line's key).
 *
 * days of cover = qualified / d (INFINITY when d = 0);
 * turnover = 365 * d / qualified, times a year (INFINITY when qualified
 * is 0 and d > 0, 0 when d = 0).
 *
 * Quantities are never negative and never above QM_PLAN_QUANTITY_MAX.
 */

#define QM_PLAN_QUANTITY_MAX      G_GINT64_CONSTANT (1000000000000000)  /* 10^15 */
#define QM_PLAN_DAYS_PER_YEAR     365
#define QM_PLAN_MAX_DAYS          3660   /* longest window, lead time or review period */
#define QM_PLAN_DEFAULT_WINDOW    56
#define QM_PLAN_DEFAULT_SERVICE   0.95

/**
 * QmPlanFlags:
 * @QM_PLAN_FLAG_NONE: nothing to say
 * @QM_PLAN_FLAG_CAPACITY_CAPPED: the suggestion was cut to fit the warehouse
 * @QM_PLAN_FLAG_NO_DEMAND: no net demand in the window (d = 0)
 * @QM_PLAN_FLAG_RETURNS_EXCEED_SALES: more units came back than were sold
 * @QM_PLAN_FLAG_NO_HISTORY: a new SKU, first seen today: nothing to plan from
 * @QM_PLAN_FLAG_SHORT_HISTORY: demand measured over fewer days than the window
 * @QM_PLAN_FLAG_BELOW_REORDER_POINT: the position is below the reorder point
 * @QM_PLAN_FLAG_EOQ: the suggestion is a multiple of the EOQ
 * @QM_PLAN_FLAG_NO_EOQ: EOQ mode, but no holding cost (no unit cost): order-up-to used
 * @QM_PLAN_FLAG_TRANSFER_IN: part of the suggestion comes from another warehouse
 * @QM_PLAN_FLAG_TRANSFER_OUT: this cell gives units to other warehouses
 *
 * Why a row says what it says; several may be set.
 */
typedef enum
{
  QM_PLAN_FLAG_NONE                 = 0,
  QM_PLAN_FLAG_CAPACITY_CAPPED      = 1 << 0,
  QM_PLAN_FLAG_NO_DEMAND            = 1 << 1,
  QM_PLAN_FLAG_RETURNS_EXCEED_SALES = 1 << 2,
  QM_PLAN_FLAG_NO_HISTORY           = 1 << 3,
  QM_PLAN_FLAG_SHORT_HISTORY        = 1 << 4,
  QM_PLAN_FLAG_BELOW_REORDER_POINT  = 1 << 5,
  QM_PLAN_FLAG_EOQ                  = 1 << 6,
  QM_PLAN_FLAG_NO_EOQ               = 1 << 7,
  QM_PLAN_FLAG_TRANSFER_IN          = 1 << 8,
  QM_PLAN_FLAG_TRANSFER_OUT         = 1 << 9,
} QmPlanFlags;

#define QM_PLAN_N_FLAGS 10

typedef struct
{
  const char *id;                 /* unique; breaks ties bytewise */
  gint64      capacity_units;     /* 0 = no limit */
  gint64      units_on_hand;      /* every SKU and status; 0 = add up the cells */
  int         lead_time_days;     /* 0 to QM_PLAN_MAX_DAYS */
  int         review_period_days; /* 0 to QM_PLAN_MAX_DAYS */
} QmPlanWarehouse;

typedef struct
{
  const char *sku;                /* unique; breaks ties bytewise */
  gint64      pack_size;          /* units per pack; 0 or 1 = single units */
  gint64      unit_cost_e4;       /* money, ten-thousandths (EOQ mode only) */
  int         lead_time_days;     /* override; 0 = the warehouse's */
  int         review_period_days; /* override; 0 = the warehouse's */
} QmPlanSku;

typedef struct
{
  gint64 qualified;
  gint64 pending_inspection;
  gint64 on_order;                /* ordered, not yet received */
  gint64 other_units;             /* defective, supplier_return: capacity only */
  gint64 pack_size;               /* 0 = the SKU's */
} QmPlanCell;

/* What the demand of one cell was over the window. */
typedef struct
{
  double avg_daily;               /* d, units a day, >= 0 */
  double sd_daily;                /* sample standard deviation, >= 0 */
  gint64 net_units;               /* sales - returns over the history */
  int    history_days;            /* days measured; 0 = no history (new SKU) */
} QmPlanDemandStats;

typedef struct
{
  int      window_days;           /* 1 to QM_PLAN_MAX_DAYS (for the flags only) */
  double   service_level;         /* 0 < level < 1 */
  gboolean eoq;                   /* EOQ mode instead of order-up-to */
  gint64   ordering_cost_e4;      /* K: money per order, ten-thousandths */
  double   holding_rate;          /* a year, fraction of unit cost: 0.25 = 25 % */
  double   transfer_days_of_cover;/* donors above this; 0 = no transfers */
} QmPlanParams;

typedef struct
{
  const QmPlanWarehouse   *warehouses;
  guint                    n_warehouses;
  const QmPlanSku         *skus;
  guint                    n_skus;
  const QmPlanCell        *cells;     /* n_skus * n_warehouses */
  const QmPlanDemandStats *demand;    /* n_skus * n_warehouses */
  QmPlanParams             params;
} QmPlanInput;

typedef struct
{
  guint  sku;
  guint  warehouse;
  guint  flags;                   /* QmPlanFlags */
  int    lead_time_days;          /* L */
  int    review_period_days;      /* R */
  int    transfer_from;           /* warehouse index, or -1 */
  gint64 pack_size;
  double avg_daily_demand;        /* d */
  double demand_sd;               /* sd */
  double days_of_cover;           /* qualified / d; INFINITY when d = 0 */
  double turnover;                /* 365 d / qualified a year */
  double safety_stock;            /* exact */
  double reorder_point;
  double order_up_to;
  double eoq;                     /* EOQ mode: units, else 0 */
  gint64 safety_stock_units;      /* rounded up */
  gint64 reorder_point_units;
  gint64 order_up_to_units;
  gint64 on_hand;                 /* qualified + pending + other */
  gint64 on_order;
  gint64 position;                /* qualified + pending + on_order */
  gint64 suggested_uncapped;      /* packs, before capacity */
  gint64 suggested;               /* after capacity: purchase + transfer_in */
  gint64 purchase;                /* to buy */
  gint64 transfer_in;             /* from transfer_from */
  gint64 transfer_out;            /* given to other warehouses */
} QmPlanRow;

typedef struct
{
  gint64 used_units;              /* on hand + on order (see rule 4) */
  gint64 room_units;              /* capacity - used, or G_MAXINT64 without a limit */
  gint64 suggested_uncapped;
  gint64 suggested;
  guint  n_capped;
} QmPlanWarehouseResult;

typedef struct
{
  guint                  n_skus;
  guint                  n_warehouses;
  double                 z;
  QmPlanRow             *rows;        /* n_skus * n_warehouses */
  QmPlanWarehouseResult *warehouses;  /* n_warehouses */
  guint                  n_transfers;
} QmPlanResult;

/* Math */
double         qm_plan_inverse_normal        (double                   p);
double         qm_plan_eoq                   (double                   annual_demand,
                                              double                   ordering_cost,
                                              double                   holding_cost);
void           qm_plan_levels                (double                   d,
                                              double                   sd,
                                              double                   z,
                                              int                      lead_time_days,
                                              int                      review_period_days,
                                              double                  *out_safety_stock,
                                              double                  *out_reorder_point,
                                              double                  *out_order_up_to);
gint64         qm_plan_round_up_to_pack      (gint64                   quantity,
                                              gint64                   pack_size);

/* Days */
gint64         qm_plan_day_from_date         (int                      year,
                                              int                      month,
                                              int                      day);
gboolean       qm_plan_parse_day             (const char              *text,
                                              gint64                  *out_day);

/* Demand accumulator */
typedef struct _QmPlanDemand QmPlanDemand;

QmPlanDemand  *qm_plan_demand_new            (guint                    n_skus,
                                              guint                    n_warehouses,
                                              gint64                   today,
                                              int                      window_days);
gboolean       qm_plan_demand_add            (QmPlanDemand            *demand,
                                              guint                    sku,
                                              guint                    warehouse,
                                              gint64                   day,
                                              QmMovementKind           kind,
                                              gint64                   quantity);
void           qm_plan_demand_note_first_day (QmPlanDemand            *demand,
                                              guint                    sku,
                                              guint                    warehouse,
                                              gint64                   day);
QmPlanDemandStats *qm_plan_demand_finish     (QmPlanDemand            *demand,
                                              GError                 **error);
void           qm_plan_demand_free           (QmPlanDemand            *demand);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPlanDemand, qm_plan_demand_free)

/* The plan */
void           qm_plan_params_init           (QmPlanParams            *params);
const char    *qm_plan_flag_to_string        (QmPlanFlags              flag);
QmPlanResult  *qm_plan_generate              (const QmPlanInput       *input,
                                              GError                 **error);
void           qm_plan_result_free           (QmPlanResult            *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPlanResult, qm_plan_result_free)

G_END_DECLS
