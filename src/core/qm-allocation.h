/* qm-allocation.h
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
 * The allocation engine: what each sales channel may sell of each SKU.
 *
 * A pure function of plain arrays: the caller (store, CLI, tests) reads
 * channels, warehouses, stock, rules, locks, quotas and sales, hands them
 * in, and gets one row per SKU and channel back. No SQL, no I/O, no
 * clock: "now" is an input. Channels, warehouses and SKUs are referred to
 * by their index in the input arrays.
 *
 * The rules, in the order the engine applies them to one SKU:
 *
 * 1. Rule. A SKU rule for the SKU, else a rule for its category (SKUs
 *    with no category skip this step), else the default rule, else the
 *    built-in default: shared, no buffer, no oversell.
 *
 * 2. Pool. qualified = the SKU's qualified stock summed over all
 *    warehouses. buffer = buffer_units + ceil (qualified * buffer_percent
 *    / 100): both parts apply when both are set, and the percent part is
 *    rounded up so the buffer is never smaller than asked. pool =
 *    max (0, qualified - buffer).
 *
 * 3. Promotional locks. A lock is active when starts_at <= now < ends_at
 *    and its channel is active. Active locks of one channel on one SKU add
 *    up. If their total fits in the pool, every channel gets its locked
 *    quantity as promotional; if not, the pool is apportioned over the
 *    channels by largest remainder with their locked quantities as
 *    weights (so nobody gets more than it locked). Locks are served from
 *    the whole pool in every mode, region included. What is left is the
 *    regular pool.
 *
 * 4. Regular. Only active channels take part; inactive channels get
 *    zeros everywhere.
 *    - shared: every active channel's regular is the whole regular pool.
 *    - ratio: the regular pool is apportioned by largest remainder over
 *      the rule's weights. A rule with no weights (weights == NULL) means
 *      equal weights; a weight of 0 means nothing; if every active
 *      channel's weight is 0 nobody gets regular stock.
 *    - region: the regular pool is first spread over the warehouses by
 *      largest remainder in proportion to their qualified stock (so the
 *      buffer and the locks come proportionally out of every warehouse),
 *      then each warehouse's share is apportioned over the active
 *      channels serving that warehouse's region, by the rule's weights
 *      (as in ratio). A warehouse with an empty region, or whose region
 *      no active channel serves, gives its share to nobody; a channel
 *      serving no region gets no regular stock.
 *    - performance: weights are the units each active channel sold of
 *      the SKU in the window now - window_days * 86400 <= at < now. With
 *      min_share_permille m, every active channel gets at least m/1000 of
 *      the weight: channels under it are raised to exactly m/1000 and the
 *      rest share what remains in proportion to their sales (repeated
 *      until no channel is under). If nobody sold anything, or
 *      n * m >= 1000, weights are equal.
 *
 * 5. Pre-sale. The active channels' quotas for the SKU; if they add up
 *    to more than the SKU's open purchase-order quantity, that quantity
 *    is apportioned over them by largest remainder with the quotas as
 *    weights. No open orders, no pre-sale. Pre-sale does not draw on the
 *    pool: it sells stock that is still on order.
 *
 * 6. Oversell = floor (regular * oversell_percent / 100) for the channel,
 *    and sellable = regular + promotional + pre_sale + oversell.
 *
 * Outside shared, the sum of regular + promotional over all channels never
 * exceeds the pool.
 *
 * Largest remainder (Hamilton): each share gets the floor of its exact
 * quota units * w / W; the units left go one each to the largest
 * remainders, ties to the larger weight, then to the bytewise smaller id
 * (channel id, or warehouse id when spreading over warehouses).
 *
 * Quantities, weights and percentages are never negative and never above
 * QM_ALLOC_QUANTITY_MAX; a SKU's qualified stock over all warehouses must
 * not be above it either.
 */

#define QM_ALLOC_QUANTITY_MAX        G_GINT64_CONSTANT (1000000000000000)  /* 10^15 */
#define QM_ALLOC_OVERSELL_PERCENT_MAX 10000
#define QM_ALLOC_SECONDS_PER_DAY     G_GINT64_CONSTANT (86400)

/**
 * QmAllocScope:
 * @QM_ALLOC_SCOPE_DEFAULT: applies to every SKU
 * @QM_ALLOC_SCOPE_CATEGORY: applies to the SKUs of one category
 * @QM_ALLOC_SCOPE_SKU: applies to one SKU
 *
 * What an allocation rule applies to; the most specific rule wins.
 */
typedef enum
{
  QM_ALLOC_SCOPE_DEFAULT,
  QM_ALLOC_SCOPE_CATEGORY,
  QM_ALLOC_SCOPE_SKU,
} QmAllocScope;

typedef struct
{
  const char         *id;       /* unique; breaks ties bytewise */
  const char * const *regions;  /* NULL-terminated; NULL = serves no region */
  gboolean            active;
} QmAllocChannel;

typedef struct
{
  const char *id;               /* unique; breaks ties bytewise */
  const char *region;           /* NULL or "" = no region */
  gboolean    has_location;     /* latitude and longitude are set */
  double      latitude;         /* degrees, -90 to 90 */
  double      longitude;        /* degrees, -180 to 180 */
} QmAllocWarehouse;

typedef struct
{
  const char *sku;
  const char *category;         /* NULL or "" = none */
  gint64      open_po_quantity; /* units on open purchase orders */
} QmAllocSku;

typedef struct
{
  QmAllocScope      scope;
  const char       *key;                /* category or SKU; ignored for default */
  QmAllocationMode  mode;
  const gint64     *weights;            /* n_channels, or NULL = all equal */
  const gint64     *oversell_percent;   /* n_channels, or NULL = none */
  gint64            buffer_units;
  int               buffer_percent;     /* 0 to 100 */
  int               window_days;        /* performance only: 1 or more */
  int               min_share_permille; /* performance only: 0 to 1000 */
} QmAllocRule;

typedef struct
{
  guint  channel;
  guint  sku;
  gint64 quantity;
  gint64 starts_at;             /* Unix seconds, inclusive */
  gint64 ends_at;               /* Unix seconds, exclusive */
} QmAllocLock;

typedef struct
{
  guint  channel;
  guint  sku;
  gint64 quantity;
} QmAllocPresale;

/* Units of a SKU a channel sold (sales_outbound), at a time. Callers may
 * pass one record per movement or one per day; only the sum in the
 * window counts. */
typedef struct
{
  guint  channel;
  guint  sku;
  gint64 at;                    /* Unix seconds */
  gint64 quantity;
} QmAllocSale;

typedef struct
{
  const QmAllocChannel   *channels;
  guint                   n_channels;
  const QmAllocWarehouse *warehouses;
  guint                   n_warehouses;
  const QmAllocSku       *skus;
  guint                   n_skus;
  const gint64           *qualified;    /* n_skus * n_warehouses, [sku * n_warehouses + wh] */
  const QmAllocRule      *rules;
  guint                   n_rules;
  const QmAllocLock      *locks;
  guint                   n_locks;
  const QmAllocPresale   *presales;
  guint                   n_presales;
  const QmAllocSale      *sales;
  guint                   n_sales;
  gint64                  now;          /* Unix seconds */
} QmAllocInput;

typedef struct
{
  guint  sku;
  guint  channel;
  gint64 regular;
  gint64 promotional;
  gint64 pre_sale;
  gint64 oversell;
  gint64 sellable;
} QmAllocRow;

typedef struct
{
  int              rule;          /* index into rules, or -1 for the built-in default */
  QmAllocationMode mode;
  gint64           qualified;     /* over all warehouses */
  gint64           buffer;        /* held back */
  gint64           pool;          /* max (0, qualified - buffer) */
  gint64           promotional;   /* locks served, over all channels */
  gint64           regular;       /* sum over channels (in shared, each sees it all) */
} QmAllocSkuResult;

typedef struct
{
  guint             n_skus;
  guint             n_channels;
  QmAllocRow       *rows;         /* n_skus * n_channels; (s, c) at s * n_channels + c */
  QmAllocSkuResult *skus;         /* n_skus */
} QmAllocResult;

const char    *qm_alloc_scope_to_string         (QmAllocScope             scope);
gboolean       qm_alloc_scope_from_string       (const char              *text,
                                                 QmAllocScope            *out_scope);

gboolean       qm_apportion_largest_remainder   (const gint64            *weights,
                                                 const char * const      *ids,
                                                 guint                    n,
                                                 gint64                   units,
                                                 gint64                  *out);

QmAllocResult *qm_allocation_compute            (const QmAllocInput      *input,
                                                 GError                 **error);
gboolean       qm_allocation_recompute          (const QmAllocInput      *input,
                                                 QmAllocResult           *result,
                                                 GError                 **error);
void           qm_alloc_result_free             (QmAllocResult           *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmAllocResult, qm_alloc_result_free)

/*
 * Routing: which warehouse ships an order for a region.
 *
 * A region's reference point is the centre of its warehouses that have a
 * location (the normalised mean of their unit vectors, which works across
 * the date line); if they cancel out (antipodes), the located warehouse
 * of the region with the smallest id. Every warehouse, of any region, is
 * ranked by great-circle (haversine) distance from that point; equal
 * distances by bytewise id; warehouses without a location last, by id. A
 * region with no located warehouse ranks all warehouses by id.
 *
 * qm_route_order() ships from the first ranked warehouse that holds the
 * whole quantity; if none does, it takes what each holds in rank order
 * (skipping empty ones) until the quantity is covered; what is still
 * missing is the shortfall. out_legs must hold n_warehouses legs.
 */

typedef struct
{
  guint  warehouse;
  gint64 quantity;
} QmRouteLeg;

double         qm_haversine_km                  (double                   lat1,
                                                 double                   lon1,
                                                 double                   lat2,
                                                 double                   lon2);
gboolean       qm_region_reference_point        (const QmAllocWarehouse  *warehouses,
                                                 guint                    n_warehouses,
                                                 const char              *region,
                                                 double                  *out_latitude,
                                                 double                  *out_longitude);
void           qm_route_rank_warehouses         (const QmAllocWarehouse  *warehouses,
                                                 guint                    n_warehouses,
                                                 const char              *region,
                                                 guint                   *out_order);
guint          qm_route_order                   (const QmAllocWarehouse  *warehouses,
                                                 guint                    n_warehouses,
                                                 const gint64            *qualified,
                                                 const char              *region,
                                                 gint64                   quantity,
                                                 QmRouteLeg              *out_legs,
                                                 gint64                  *out_shortfall);

G_END_DECLS
