/* test-planning.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The procurement planning engine, table by table. Every expected number
 * is worked out by hand in the comment above it: d is the average daily
 * demand, sd its standard deviation, L the lead time, R the review
 * period, z = 1.6448536 (95 %), position = qualified + pending + on order.
 */

#define G_LOG_DOMAIN "test-planning"

#include "config.h"

#include <math.h>
#include <string.h>

#include "qm-error.h"
#include "qm-planning.h"

/* ------------------------------------------------------------------ */
/* The inverse normal                                                   */

typedef struct
{
  const char *path;
  double      p;
  double      z;      /* reference quantile (Wichura's AS 241) */
} QuantileCase;

static const QuantileCase quantile_cases[] = {
  { "/planning/inverse-normal/0.95", 0.95, 1.6448536269514722 },
  { "/planning/inverse-normal/0.99", 0.99, 2.3263478740408408 },
  { "/planning/inverse-normal/0.5", 0.5, 0.0 },
  { "/planning/inverse-normal/0.975", 0.975, 1.959963984540054 },
  { "/planning/inverse-normal/0.05", 0.05, -1.6448536269514722 },
  { "/planning/inverse-normal/0.8", 0.8, 0.8416212335729143 },
  { "/planning/inverse-normal/0.3", 0.3, -0.5244005127080407 },
  /* Either side of Acklam's break point between the centre and the tails. */
  { "/planning/inverse-normal/0.02425", 0.02425, -1.9729610513118845 },
  { "/planning/inverse-normal/0.97575", 0.97575, 1.9729610513118847 },
  { "/planning/inverse-normal/0.001", 0.001, -3.090232306167813 },
  { "/planning/inverse-normal/0.999999", 0.999999, 4.753424308817089 },
  { "/planning/inverse-normal/1e-10", 1e-10, -6.361340902404056 },
  { "/planning/inverse-normal/0.5000001", 0.5000001, 2.506628273311649e-07 },
};

static void
test_quantile_case (gconstpointer data)
{
  const QuantileCase *c = data;
  double z = qm_plan_inverse_normal (c->p);

  /* The issue asks for 1e-9; the refined approximation does far better. */
  g_assert_cmpfloat_with_epsilon (z, c->z, 1e-9);
  g_assert_cmpfloat (fabs (z - c->z), <=, 1e-13 * MAX (1.0, fabs (c->z)));
}

/* Phi (z (p)) = p, and z (1 - p) = -z (p), on random p. */
static void
test_quantile_round_trip (void)
{
  for (guint i = 0; i < 10000; i++)
    {
      double p = g_test_rand_double_range (1e-12, 1.0 - 1e-12);
      double z = qm_plan_inverse_normal (p);
      double back = 0.5 * erfc (-z / G_SQRT2);

      g_assert_cmpfloat (fabs (back - p), <=, 1e-14 * MAX (p, 1e-3));
      if (p >= 0.5)
        g_assert_cmpfloat (qm_plan_inverse_normal (1.0 - p), ==, -z);
    }
}

static void
test_quantile_invalid (void)
{
  g_assert_true (isnan (qm_plan_inverse_normal (0.0)));
  g_assert_true (isnan (qm_plan_inverse_normal (1.0)));
  g_assert_true (isnan (qm_plan_inverse_normal (-0.5)));
  g_assert_true (isnan (qm_plan_inverse_normal (1.5)));
  g_assert_true (isnan (qm_plan_inverse_normal (NAN)));
}

/* ------------------------------------------------------------------ */
/* Textbook figures                                                     */

/* EOQ with D = 1300 a year, K = 8 an order, h = 0.225 a unit a year:
 * sqrt (2 * 1300 * 8 / 0.225) = sqrt (92444.44) = 304.05. */
static void
test_eoq_textbook (void)
{
  g_assert_cmpfloat_with_epsilon (qm_plan_eoq (1300.0, 8.0, 0.225), 304.05, 0.01);
  g_assert_cmpfloat (qm_plan_eoq (0.0, 8.0, 0.225), ==, 0.0);
  g_assert_true (isnan (qm_plan_eoq (1300.0, 8.0, 0.0)));
  g_assert_true (isnan (qm_plan_eoq (-1.0, 8.0, 0.225)));
}

/* d = 30 a day, sd = 5, L = 10 days, 95 %: SS = 1.6449 * 5 * sqrt (10) =
 * 26.007, ROP = 300 + 26.007 = 326.0. With R = 7: S = 30 * 17 + 1.6449 *
 * 5 * sqrt (17) = 510 + 33.910 = 543.91. */
static void
test_levels_textbook (void)
{
  double z = qm_plan_inverse_normal (0.95);
  double ss, rop, s;

  qm_plan_levels (30.0, 5.0, z, 10, 7, &ss, &rop, &s);
  g_assert_cmpfloat_with_epsilon (ss, 26.007, 0.001);
  g_assert_cmpfloat_with_epsilon (rop, 326.0, 0.1);
  g_assert_cmpfloat_with_epsilon (s, 543.910, 0.001);

  /* No review period: S is the reorder point. */
  qm_plan_levels (30.0, 5.0, z, 10, 0, NULL, &rop, &s);
  g_assert_cmpfloat (s, ==, rop);
}

typedef struct
{
  gint64 quantity;
  gint64 pack;
  gint64 expected;
} PackCase;

static void
test_pack_rounding (void)
{
  static const PackCase cases[] = {
    { 101, 12, 108 }, { 108, 12, 108 }, { 0, 12, 0 }, { 1, 12, 12 },
    { 101, 1, 101 }, { 101, 0, 101 }, { 7, 100, 100 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (qm_plan_round_up_to_pack (cases[i].quantity, cases[i].pack), ==,
                     cases[i].expected);
}

/* ------------------------------------------------------------------ */
/* Days                                                                 */

static void
test_days (void)
{
  gint64 day = -1;

  g_assert_cmpint (qm_plan_day_from_date (1970, 1, 1), ==, 0);
  g_assert_cmpint (qm_plan_day_from_date (2026, 1, 1), ==, 20454);
  g_assert_cmpint (qm_plan_day_from_date (1900, 3, 1), ==, -25508);

  g_assert_true (qm_plan_parse_day ("2026-01-01", &day));
  g_assert_cmpint (day, ==, 20454);
  g_assert_true (qm_plan_parse_day ("2024-02-29T23:59:59Z", &day));
  g_assert_cmpint (day, ==, 19782);
  g_assert_true (qm_plan_parse_day ("2024-02-29 08:00", &day));
  g_assert_cmpint (day, ==, 19782);

  g_assert_false (qm_plan_parse_day ("2023-02-29", &day));
  g_assert_false (qm_plan_parse_day ("2026-1-01", &day));
  g_assert_false (qm_plan_parse_day ("2026-13-01", &day));
  g_assert_false (qm_plan_parse_day ("2026-01-01x", &day));
  g_assert_false (qm_plan_parse_day ("0000-01-01", &day));
  g_assert_false (qm_plan_parse_day ("", &day));
  g_assert_false (qm_plan_parse_day (NULL, &day));
}

/* ------------------------------------------------------------------ */
/* The demand accumulator                                               */

#define TODAY G_GINT64_CONSTANT (20454)   /* 2026-01-01 */
#define SALE  QM_MOVEMENT_SALES_OUTBOUND
#define RET   QM_MOVEMENT_CUSTOMER_RETURN

typedef struct
{
  gint64         days_ago;   /* 1 = yesterday */
  QmMovementKind kind;
  gint64         quantity;
  gboolean       counted;
} EventSpec;

typedef struct
{
  const char      *path;
  int              window;
  gint64           first_seen_days_ago;  /* 0 = not noted, -1 = today */
  const EventSpec *events;
  double           avg;
  double           sd;
  gint64           net;
  int              history;
} DemandCase;

#define EV_END { 0, 0, 0, FALSE }

static const DemandCase demand_cases[] = {
  /* 4 days of 6, 4, 4, 2: d = 16 / 4 = 4; deviations 2, 0, 0, -2; sample
   * variance 8 / 3, sd = 1.6329932. */
  { "/planning/demand/sample-sd", 4, 0,
    (const EventSpec[]) {
      { 4, SALE, 6, TRUE }, { 3, SALE, 4, TRUE }, { 2, SALE, 4, TRUE }, { 1, SALE, 2, TRUE },
      EV_END },
    4.0, 1.632993161855452, 16, 4 },
  /* Days without movements count as 0: 10 units on one day of 5, d = 2;
   * squares 8^2 + 4 * 2^2 = 80; variance 80 / 4 = 20, sd = 4.4721360. */
  { "/planning/demand/zero-days", 5, 0,
    (const EventSpec[]) { { 3, SALE, 10, TRUE }, EV_END },
    2.0, 4.47213595499958, 10, 5 },
  /* Movements on the same day add up, returns take off: day 1: 7 + 5 - 2
   * = 10, day 2: 10 -> d = 10, sd = 0 exactly. */
  { "/planning/demand/same-day", 2, 0,
    (const EventSpec[]) {
      { 1, SALE, 7, TRUE }, { 1, RET, 2, TRUE }, { 2, SALE, 10, TRUE }, { 1, SALE, 5, TRUE },
      EV_END },
    10.0, 0.0, 20, 2 },
  /* The window is today - 3 .. yesterday: 3 days ago counts, 4 days ago
   * and today do not; nor do other kinds. 9 / 3 = 3; 9, 0, 0 -> sd =
   * sqrt ((36 + 9 + 9) / 2) = sqrt (27) = 5.1961524. */
  { "/planning/demand/window-bounds", 3, 0,
    (const EventSpec[]) {
      { 3, SALE, 9, TRUE }, { 4, SALE, 100, FALSE }, { 0, SALE, 100, FALSE },
      { 2, QM_MOVEMENT_PURCHASE_INBOUND, 50, FALSE }, { 1, QM_MOVEMENT_TRANSFER_OUT, 50, FALSE },
      EV_END },
    3.0, 5.196152422706632, 9, 3 },
  /* More returns than sales: net -5, d = 0 and sd = 0. */
  { "/planning/demand/returns-exceed-sales", 56, 0,
    (const EventSpec[]) { { 10, SALE, 10, TRUE }, { 5, RET, 15, TRUE }, EV_END },
    0.0, 0.0, -5, 56 },
  /* Nothing at all: no demand over the full window. */
  { "/planning/demand/none", 56, 0, (const EventSpec[]) { EV_END }, 0.0, 0.0, 0, 56 },
  /* First seen 10 days ago: 100 units over 10 days, d = 10, not 100/56.
   * 50 on each of 2 days: sd = sqrt ((2 * 40^2 + 8 * 10^2) / 9) =
   * sqrt (4000 / 9) = 21.081851. */
  { "/planning/demand/short-history", 56, 10,
    (const EventSpec[]) { { 9, SALE, 50, TRUE }, { 2, SALE, 50, TRUE }, EV_END },
    10.0, 21.08185106778920, 100, 10 },
  /* A sale earlier than the noted first day wins: first seen 2 days ago,
   * but sold 4 days ago -> 4 days of history, d = 8 / 4 = 2. */
  { "/planning/demand/sale-before-first-seen", 56, 2,
    (const EventSpec[]) { { 4, SALE, 4, TRUE }, { 1, SALE, 4, TRUE }, EV_END },
    2.0, 2.309401076758503, 8, 4 },
  /* A new SKU, first seen today: no history. */
  { "/planning/demand/new-sku", 56, -1, (const EventSpec[]) { EV_END }, 0.0, 0.0, 0, 0 },
};

static void
test_demand_case (gconstpointer data)
{
  const DemandCase *c = data;
  g_autoptr(QmPlanDemand) demand = qm_plan_demand_new (2, 2, TODAY, c->window);
  g_autofree QmPlanDemandStats *stats = NULL;
  g_autoptr(GError) error = NULL;

  /* Noise in the other cells must not leak into cell (1, 0). */
  qm_plan_demand_add (demand, 0, 0, TODAY - 1, SALE, 1000);
  qm_plan_demand_add (demand, 1, 1, TODAY - 1, SALE, 1000);
  for (const EventSpec *e = c->events; e->quantity != 0; e++)
    g_assert_cmpint (qm_plan_demand_add (demand, 1, 0, TODAY - e->days_ago, e->kind,
                                         e->quantity), ==, e->counted);
  if (c->first_seen_days_ago != 0)
    qm_plan_demand_note_first_day (demand, 1, 0,
                                   TODAY - MAX (c->first_seen_days_ago, 0));

  stats = qm_plan_demand_finish (demand, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (stats[2].avg_daily, c->avg, 1e-12);
  g_assert_cmpfloat_with_epsilon (stats[2].sd_daily, c->sd, 1e-12);
  g_assert_cmpint (stats[2].net_units, ==, c->net);
  g_assert_cmpint (stats[2].history_days, ==, c->history);
  /* Untouched neighbour (0, 1): no demand, full window unless noted. */
  g_assert_cmpfloat (stats[1].avg_daily, ==, 0.0);
  g_assert_cmpint (stats[1].history_days, ==, c->window);
}

/* A steady 30 a day over 56 days, in many small movements in a random
 * order (past the insertion sort): d = 30, sd exactly 0. */
static void
test_demand_steady (void)
{
  g_autoptr(QmPlanDemand) demand = qm_plan_demand_new (1, 1, TODAY, 56);
  g_autofree QmPlanDemandStats *stats = NULL;
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gint64 d = 1; d <= 56; d++)
    for (int k = 0; k < 3; k++)
      g_array_append_val (days, d);
  for (guint i = days->len; i > 1; i--)
    {
      guint j = (guint) g_test_rand_int_range (0, (gint32) i);
      gint64 t = g_array_index (days, gint64, i - 1);

      g_array_index (days, gint64, i - 1) = g_array_index (days, gint64, j);
      g_array_index (days, gint64, j) = t;
    }
  for (guint i = 0; i < days->len; i++)
    g_assert_true (qm_plan_demand_add (demand, 0, 0, TODAY - g_array_index (days, gint64, i),
                                       SALE, 10));

  stats = qm_plan_demand_finish (demand, NULL);
  g_assert_nonnull (stats);
  g_assert_cmpfloat (stats[0].avg_daily, ==, 30.0);
  g_assert_cmpfloat (stats[0].sd_daily, ==, 0.0);
}

static void
test_demand_overflow (void)
{
  g_autoptr(QmPlanDemand) demand = qm_plan_demand_new (1, 1, TODAY, 56);
  g_autoptr(GError) error = NULL;
  QmPlanDemandStats *stats;

  for (int i = 0; i < 20; i++)
    qm_plan_demand_add (demand, 0, 0, TODAY - 1 - i % 3, SALE, QM_PLAN_QUANTITY_MAX);
  stats = qm_plan_demand_finish (demand, &error);
  g_assert_null (stats);
  g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
}

/* ------------------------------------------------------------------ */
/* The engine, table-driven                                             */

#define MAX_CELLS 8

typedef struct
{
  const char *id;
  gint64      capacity;
  gint64      units_on_hand;
  int         lead;
  int         review;
} WhSpec;

typedef struct
{
  const char *sku;
  gint64      pack;
  gint64      unit_cost_e4;
  int         lead;
  int         review;
} SkuSpec;

typedef struct
{
  const char *sku;
  const char *wh;
  gint64      qualified;
  gint64      pending;
  gint64      on_order;
  gint64      other;
  gint64      pack;
  double      avg;
  double      sd;
  int         history;   /* 0 is written as -1 here; 0 means 56 */
  gint64      net;
} CellSpec;

typedef struct
{
  const char *sku;
  const char *wh;
  gint64      ss;        /* units */
  gint64      rop;
  gint64      s;
  gint64      uncapped;
  gint64      suggested;
  gint64      purchase;
  gint64      transfer_in;
  const char *from;      /* NULL = none */
  gint64      transfer_out;
  guint       flags;     /* exactly these flags */
} RowSpec;

typedef struct
{
  const char    *path;
  const WhSpec  *warehouses;
  const SkuSpec *skus;
  const CellSpec *cells;    /* cells not listed are all zero, no demand */
  gboolean       eoq;
  gint64         ordering_cost_e4;
  double         holding_rate;
  double         transfer_days;  /* -1 = the default (90) */
  const RowSpec *rows;      /* rows not listed are checked to suggest nothing */
} PlanCase;

#define END { NULL }

#define F_CAP   QM_PLAN_FLAG_CAPACITY_CAPPED
#define F_NODEM QM_PLAN_FLAG_NO_DEMAND
#define F_RET   QM_PLAN_FLAG_RETURNS_EXCEED_SALES
#define F_NOHIS QM_PLAN_FLAG_NO_HISTORY
#define F_SHORT QM_PLAN_FLAG_SHORT_HISTORY
#define F_BELOW QM_PLAN_FLAG_BELOW_REORDER_POINT
#define F_EOQ   QM_PLAN_FLAG_EOQ
#define F_NOEOQ QM_PLAN_FLAG_NO_EOQ
#define F_IN    QM_PLAN_FLAG_TRANSFER_IN
#define F_OUT   QM_PLAN_FLAG_TRANSFER_OUT

static const WhSpec wh_l10_r7[] = { { "wh-1", 0, 0, 10, 7 }, END };

static const PlanCase plan_cases[] = {
  /* The textbook reorder point through the engine: d = 30, sd = 5, L = 10,
   * R = 7. SS = 26.007 -> 27; ROP = 326.007 -> 327; S = 543.91 -> 544.
   * position = 100 + 20 + 50 = 170 < 327: below; 544 - 170 = 374. */
  { "/planning/engine/textbook", wh_l10_r7,
    (const SkuSpec[]) { { "A" }, END },
    (const CellSpec[]) { { "A", "wh-1", 100, 20, 50, 0, 0, 30.0, 5.0 }, END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) { { "A", "wh-1", 27, 327, 544, 374, 374, 374, 0, NULL, 0, F_BELOW }, END } },

  /* Pack rounding: d = 1, sd = 0, L = 1, R = 100: S = 101, nothing on
   * hand: 101 -> packs of 12 -> 108. B's warehouse pack of 10 beats its
   * SKU pack of 12: 110. C: packs of 12 but only 96 needed: 96. */
  { "/planning/engine/pack-rounding", (const WhSpec[]) { { "wh-1", 0, 0, 1, 100 }, END },
    (const SkuSpec[]) { { "A", 12 }, { "B", 12 }, { "C", 12 }, END },
    (const CellSpec[]) {
      { "A", "wh-1", 0, 0, 0, 0, 0, 1.0, 0.0 },
      { "B", "wh-1", 0, 0, 0, 0, 10, 1.0, 0.0 },
      { "C", "wh-1", 5, 0, 0, 0, 0, 1.0, 0.0 },
      END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) {
      { "A", "wh-1", 0, 1, 101, 108, 108, 108, 0, NULL, 0, F_BELOW },
      { "B", "wh-1", 0, 1, 101, 110, 110, 110, 0, NULL, 0, F_BELOW },
      { "C", "wh-1", 0, 1, 101, 96, 96, 96, 0, NULL, 0, 0 },
      END } },

  /* No demand: every level 0, nothing suggested even with nothing on
   * hand. New SKU: no history; its figures are ignored (d would be 9),
   * suggestion 0. More returns than sales: d clamped to 0, flagged. */
  { "/planning/engine/no-demand", wh_l10_r7,
    (const SkuSpec[]) { { "none" }, { "new" }, { "returns" }, END },
    (const CellSpec[]) {
      { "none", "wh-1", 0, 0, 0, 0, 0, 0.0, 0.0 },
      { "new", "wh-1", 0, 0, 0, 0, 0, 9.0, 2.0, -1 },
      { "returns", "wh-1", 3, 0, 0, 0, 0, 0.0, 0.0, 0, -5 },
      END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) {
      { "none", "wh-1", 0, 0, 0, 0, 0, 0, 0, NULL, 0, F_NODEM },
      { "new", "wh-1", 0, 0, 0, 0, 0, 0, 0, NULL, 0, F_NODEM | F_NOHIS },
      { "returns", "wh-1", 0, 0, 0, 0, 0, 0, 0, NULL, 0, F_NODEM | F_RET },
      END } },

  /* Short history is only a flag: d = 10, sd = 0 over 10 days, L = 10,
   * R = 7: ROP 100, S 170, nothing on hand: 170. */
  { "/planning/engine/short-history", wh_l10_r7,
    (const SkuSpec[]) { { "A" }, END },
    (const CellSpec[]) { { "A", "wh-1", 0, 0, 0, 0, 0, 10.0, 0.0, 10, 100 }, END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) { { "A", "wh-1", 0, 100, 170, 170, 170, 170, 0, NULL, 0, F_BELOW | F_SHORT },
                        END } },

  /* Lead time and review period overrides: warehouse L = 10, R = 7, d = 2,
   * sd = 0. A (none): ROP 20, S 34. B (L = 20): ROP 40, S 54. C (R = 3):
   * ROP 20, S 26. D (both): ROP 40, S 46. On hand 30 each. */
  { "/planning/engine/overrides", wh_l10_r7,
    (const SkuSpec[]) {
      { "A" }, { "B", 0, 0, 20 }, { "C", 0, 0, 0, 3 }, { "D", 0, 0, 20, 3 }, END },
    (const CellSpec[]) {
      { "A", "wh-1", 30, 0, 0, 0, 0, 2.0, 0.0 },
      { "B", "wh-1", 30, 0, 0, 0, 0, 2.0, 0.0 },
      { "C", "wh-1", 30, 0, 0, 0, 0, 2.0, 0.0 },
      { "D", "wh-1", 30, 0, 0, 0, 0, 2.0, 0.0 },
      END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) {
      { "A", "wh-1", 0, 20, 34, 4, 4, 4, 0, NULL, 0, 0 },
      { "B", "wh-1", 0, 40, 54, 24, 24, 24, 0, NULL, 0, F_BELOW },
      { "C", "wh-1", 0, 20, 26, 0, 0, 0, 0, NULL, 0, 0 },
      { "D", "wh-1", 0, 40, 46, 16, 16, 16, 0, NULL, 0, F_BELOW },
      END } },

  /* Capacity. Warehouse of 700; L = 10, R = 20, d = 10, sd = 0: S = 300
   * for all three SKUs. On hand 10 + 40 other (A), 50 (B), 100 (C): used
   * 200, room 500. Uncapped: A 290, B 250 -> packs of 40 -> 280, C 200:
   * 770 > 500. Days of cover: A 1, B 5, C 10. A keeps 290 (left 210); B is
   * cut to 210 rounded down to packs of 40 = 200 (left 10); C gets 0.
   * After receipt: 200 + 290 + 200 = 690 <= 700. */
  { "/planning/capacity/fewest-days-first", (const WhSpec[]) { { "wh-1", 700, 0, 10, 20 }, END },
    (const SkuSpec[]) { { "C" }, { "A" }, { "B", 40 }, END },
    (const CellSpec[]) {
      { "A", "wh-1", 10, 0, 0, 40, 0, 10.0, 0.0 },
      { "B", "wh-1", 50, 0, 0, 0, 0, 10.0, 0.0 },
      { "C", "wh-1", 100, 0, 0, 0, 0, 10.0, 0.0 },
      END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) {
      { "A", "wh-1", 0, 100, 300, 290, 290, 290, 0, NULL, 0, F_BELOW },
      { "B", "wh-1", 0, 100, 300, 280, 200, 200, 0, NULL, 0, F_BELOW | F_CAP },
      { "C", "wh-1", 0, 100, 300, 200, 0, 0, 0, NULL, 0, F_CAP },
      END } },

  /* On order counts as used: same as above but C has 100 on order (its
   * uncapped suggestion drops to 100) and the warehouse reports 300 units
   * on hand in all (more than the cells: other SKUs). used = 300 + 100 =
   * 400, room 300. A 290 fits (left 10); B cut to 10 -> packs of 40 -> 0;
   * C 0. Both cut, B to nothing. */
  { "/planning/capacity/on-order-and-reported-total",
    (const WhSpec[]) { { "wh-1", 700, 300, 10, 20 }, END },
    (const SkuSpec[]) { { "A" }, { "B", 40 }, { "C" }, END },
    (const CellSpec[]) {
      { "A", "wh-1", 10, 0, 0, 40, 0, 10.0, 0.0 },
      { "B", "wh-1", 50, 0, 0, 0, 0, 10.0, 0.0 },
      { "C", "wh-1", 100, 0, 100, 0, 0, 10.0, 0.0 },
      END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) {
      { "A", "wh-1", 0, 100, 300, 290, 290, 290, 0, NULL, 0, F_BELOW },
      { "B", "wh-1", 0, 100, 300, 280, 0, 0, 0, NULL, 0, F_BELOW | F_CAP },
      { "C", "wh-1", 0, 100, 300, 100, 0, 0, 0, NULL, 0, F_CAP },
      END } },

  /* Ties in days of cover go to the bytewise smaller SKU: "B-2" < "b-1"
   * (0x42 < 0x62). Capacity 100, nothing on hand, both want 60 (d = 2,
   * L = 10, R = 20): B-2 keeps 60, b-1 is cut to 40. */
  { "/planning/capacity/tie-bytewise", (const WhSpec[]) { { "wh-1", 100, 0, 10, 20 }, END },
    (const SkuSpec[]) { { "b-1" }, { "B-2" }, END },
    (const CellSpec[]) {
      { "b-1", "wh-1", 0, 0, 0, 0, 0, 2.0, 0.0 },
      { "B-2", "wh-1", 0, 0, 0, 0, 0, 2.0, 0.0 },
      END },
    FALSE, 0, 0, -1,
    (const RowSpec[]) {
      { "B-2", "wh-1", 0, 20, 60, 60, 60, 60, 0, NULL, 0, F_BELOW },
      { "b-1", "wh-1", 0, 20, 60, 60, 40, 40, 0, NULL, 0, F_BELOW | F_CAP },
      END } },

  /* Already over capacity (150 in a warehouse of 100): nothing comes in.
   * A second warehouse without a limit (capacity 0) gets it all. */
  { "/planning/capacity/already-full",
    (const WhSpec[]) { { "full", 100, 150, 10, 20 }, { "free", 0, 150, 10, 20 }, END },
    (const SkuSpec[]) { { "A" }, END },
    (const CellSpec[]) {
      { "A", "full", 0, 0, 0, 0, 0, 2.0, 0.0 },
      { "A", "free", 0, 0, 0, 0, 0, 2.0, 0.0 },
      END },
    FALSE, 0, 0, 0,
    (const RowSpec[]) {
      { "A", "full", 0, 20, 60, 60, 0, 0, 0, NULL, 0, F_BELOW | F_CAP },
      { "A", "free", 0, 20, 60, 60, 60, 60, 0, NULL, 0, F_BELOW },
      END } },

  /* Transfer instead of purchase. L = 5, R = 5, sd = 0.
   * need-a: d = 10, 0 on hand: ROP 50, S 100, cover 0 -> wants 100.
   * need-d: d = 10, 10 on hand: ROP 50, S 100, cover 1 -> wants 90.
   * rich-b: d = 0.1, 130 on hand: S = 1, cover 1300 days, can give
   *   min (130, 129) = 129.
   * rich-c: d = 1, 200 on hand: S = 10, cover 200 days, can give 190.
   * ok-e: d = 10, 100 on hand: S 100, cover 10 days: neither.
   * Needy by fewest days: need-a then need-d; donors by most days: rich-b
   * then rich-c. need-a: rich-b covers all 100 (left 29). need-d: rich-b
   * can give only 29, rich-c all 90 -> rich-c gives 90. */
  { "/planning/transfer/instead-of-purchase",
    (const WhSpec[]) {
      { "need-d", 0, 0, 5, 5 }, { "rich-c", 0, 0, 5, 5 }, { "need-a", 0, 0, 5, 5 },
      { "rich-b", 0, 0, 5, 5 }, { "ok-e", 0, 0, 5, 5 }, END },
    (const SkuSpec[]) { { "X" }, END },
    (const CellSpec[]) {
      { "X", "need-a", 0, 0, 0, 0, 0, 10.0, 0.0 },
      { "X", "need-d", 10, 0, 0, 0, 0, 10.0, 0.0 },
      { "X", "rich-b", 130, 0, 0, 0, 0, 0.1, 0.0 },
      { "X", "rich-c", 200, 0, 0, 0, 0, 1.0, 0.0 },
      { "X", "ok-e", 100, 0, 0, 0, 0, 10.0, 0.0 },
      END },
    FALSE, 0, 0, 90,
    (const RowSpec[]) {
      { "X", "need-a", 0, 50, 100, 100, 100, 0, 100, "rich-b", 0, F_BELOW | F_IN },
      { "X", "need-d", 0, 50, 100, 90, 90, 0, 90, "rich-c", 0, F_BELOW | F_IN },
      { "X", "rich-b", 0, 1, 1, 0, 0, 0, 0, NULL, 100, F_OUT },
      { "X", "rich-c", 0, 5, 10, 0, 0, 0, 0, NULL, 90, F_OUT },
      { "X", "ok-e", 0, 50, 100, 0, 0, 0, 0, NULL, 0, 0 },
      END } },

  /* Partial transfer in whole packs: need wants 100 in packs of 12 -> 108;
   * the only donor (no demand: infinite cover, S = 0) has 50 -> 48 (4
   * packs), the rest, 60, is bought. */
  { "/planning/transfer/partial-packs",
    (const WhSpec[]) { { "need", 0, 0, 5, 5 }, { "dead", 0, 0, 5, 5 }, END },
    (const SkuSpec[]) { { "X", 12 }, END },
    (const CellSpec[]) {
      { "X", "need", 0, 0, 0, 0, 0, 10.0, 0.0 },
      { "X", "dead", 50, 0, 0, 0, 0, 0.0, 0.0 },
      END },
    FALSE, 0, 0, 90,
    (const RowSpec[]) {
      { "X", "need", 0, 50, 100, 108, 108, 60, 48, "dead", 0, F_BELOW | F_IN },
      { "X", "dead", 0, 0, 0, 0, 0, 0, 0, NULL, 48, F_NODEM | F_OUT },
      END } },

  /* Transfers switched off (threshold 0): the same case buys all. */
  { "/planning/transfer/off",
    (const WhSpec[]) { { "need", 0, 0, 5, 5 }, { "dead", 0, 0, 5, 5 }, END },
    (const SkuSpec[]) { { "X", 12 }, END },
    (const CellSpec[]) {
      { "X", "need", 0, 0, 0, 0, 0, 10.0, 0.0 },
      { "X", "dead", 50, 0, 0, 0, 0, 0.0, 0.0 },
      END },
    FALSE, 0, 0, 0,
    (const RowSpec[]) {
      { "X", "need", 0, 50, 100, 108, 108, 108, 0, NULL, 0, F_BELOW },
      { "X", "dead", 0, 0, 0, 0, 0, 0, 0, NULL, 0, F_NODEM },
      END } },

  /* Only a needy cell below its ROP takes transfers: "low" (d = 10, 60
   * on hand: ROP 50, S 100) wants 40 but is not below its ROP. */
  { "/planning/transfer/only-below-reorder-point",
    (const WhSpec[]) { { "low", 0, 0, 5, 5 }, { "dead", 0, 0, 5, 5 }, END },
    (const SkuSpec[]) { { "X" }, END },
    (const CellSpec[]) {
      { "X", "low", 60, 0, 0, 0, 0, 10.0, 0.0 },
      { "X", "dead", 50, 0, 0, 0, 0, 0.0, 0.0 },
      END },
    FALSE, 0, 0, 90,
    (const RowSpec[]) {
      { "X", "low", 0, 50, 100, 40, 40, 40, 0, NULL, 0, 0 },
      { "X", "dead", 0, 0, 0, 0, 0, 0, 0, NULL, 0, F_NODEM },
      END } },

  /* EOQ mode, the textbook figure: D = 1300 a year (d = 1300 / 365 =
   * 3.5616), K = 8.0000, unit cost 1.0000 at a holding rate of 0.225 -> h
   * = 0.225, EOQ = 304.05 -> Q = 305. L = 10, R = 7, sd = 0: ROP =
   * 35.616 -> 36; S = 60.55 -> 61.
   * E0: position 0 < 36: one Q, 305.
   * E35: position 35 < 36: 305.
   * E36: position 36, at the ROP: nothing.
   * BIG: position 0, ROP of d = 1000 -> 10000: ceil (10000 / Q') Q' with
   *   Q' = ceil (sqrt (2 * 365000 * 8 / 0.225)) = ceil (5094.66) = 5095:
   *   2 * 5095 = 10190.
   * FREE: no unit cost, no holding cost: order-up-to, 61. */
  { "/planning/eoq/mode", wh_l10_r7,
    (const SkuSpec[]) {
      { "E0", 0, 10000 }, { "E35", 0, 10000 }, { "E36", 0, 10000 }, { "BIG", 0, 10000 },
      { "FREE", 0, 0 }, END },
    (const CellSpec[]) {
      { "E0", "wh-1", 0, 0, 0, 0, 0, 1300.0 / 365.0, 0.0 },
      { "E35", "wh-1", 20, 5, 10, 0, 0, 1300.0 / 365.0, 0.0 },
      { "E36", "wh-1", 36, 0, 0, 0, 0, 1300.0 / 365.0, 0.0 },
      { "BIG", "wh-1", 0, 0, 0, 0, 0, 1000.0, 0.0 },
      { "FREE", "wh-1", 0, 0, 0, 0, 0, 1300.0 / 365.0, 0.0 },
      END },
    TRUE, 80000, 0.225, 0,
    (const RowSpec[]) {
      { "E0", "wh-1", 0, 36, 61, 305, 305, 305, 0, NULL, 0, F_BELOW | F_EOQ },
      { "E35", "wh-1", 0, 36, 61, 305, 305, 305, 0, NULL, 0, F_BELOW | F_EOQ },
      { "E36", "wh-1", 0, 36, 61, 0, 0, 0, 0, NULL, 0, F_EOQ },
      { "BIG", "wh-1", 0, 10000, 17000, 10190, 10190, 10190, 0, NULL, 0, F_BELOW | F_EOQ },
      { "FREE", "wh-1", 0, 36, 61, 61, 61, 61, 0, NULL, 0, F_BELOW | F_NOEOQ },
      END } },
};

static int
find_id (const char * const *ids,
         guint               n,
         const char         *id)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (ids[i], id) == 0)
      return (int) i;
  g_assert_not_reached ();
}

static void
test_plan_case (gconstpointer data)
{
  const PlanCase *c = data;
  QmPlanWarehouse wh[MAX_CELLS] = { { 0 } };
  QmPlanSku sk[MAX_CELLS] = { { 0 } };
  QmPlanCell cells[MAX_CELLS * MAX_CELLS] = { { 0 } };
  QmPlanDemandStats demand[MAX_CELLS * MAX_CELLS] = { { 0 } };
  const char *wh_ids[MAX_CELLS] = { 0 };
  const char *sku_ids[MAX_CELLS] = { 0 };
  g_autoptr(QmPlanResult) result = NULL;
  g_autoptr(GError) error = NULL;
  QmPlanInput in = { 0 };
  gboolean seen[MAX_CELLS * MAX_CELLS] = { 0 };
  guint n_wh = 0, n_sku = 0;

  for (; c->warehouses[n_wh].id != NULL; n_wh++)
    {
      wh[n_wh].id = wh_ids[n_wh] = c->warehouses[n_wh].id;
      wh[n_wh].capacity_units = c->warehouses[n_wh].capacity;
      wh[n_wh].units_on_hand = c->warehouses[n_wh].units_on_hand;
      wh[n_wh].lead_time_days = c->warehouses[n_wh].lead;
      wh[n_wh].review_period_days = c->warehouses[n_wh].review;
    }
  for (; c->skus[n_sku].sku != NULL; n_sku++)
    {
      sk[n_sku].sku = sku_ids[n_sku] = c->skus[n_sku].sku;
      sk[n_sku].pack_size = c->skus[n_sku].pack;
      sk[n_sku].unit_cost_e4 = c->skus[n_sku].unit_cost_e4;
      sk[n_sku].lead_time_days = c->skus[n_sku].lead;
      sk[n_sku].review_period_days = c->skus[n_sku].review;
    }
  for (guint i = 0; i < n_sku * n_wh; i++)
    demand[i].history_days = 56;
  for (const CellSpec *cs = c->cells; cs->sku != NULL; cs++)
    {
      guint i = (guint) find_id (sku_ids, n_sku, cs->sku) * n_wh
                + (guint) find_id (wh_ids, n_wh, cs->wh);

      cells[i].qualified = cs->qualified;
      cells[i].pending_inspection = cs->pending;
      cells[i].on_order = cs->on_order;
      cells[i].other_units = cs->other;
      cells[i].pack_size = cs->pack;
      demand[i].avg_daily = cs->avg;
      demand[i].sd_daily = cs->sd;
      demand[i].history_days = cs->history < 0 ? 0 : cs->history == 0 ? 56 : cs->history;
      demand[i].net_units = cs->net;
    }

  in.warehouses = wh;
  in.n_warehouses = n_wh;
  in.skus = sk;
  in.n_skus = n_sku;
  in.cells = cells;
  in.demand = demand;
  qm_plan_params_init (&in.params);
  in.params.eoq = c->eoq;
  in.params.ordering_cost_e4 = c->ordering_cost_e4;
  in.params.holding_rate = c->holding_rate;
  if (c->transfer_days >= 0)
    in.params.transfer_days_of_cover = c->transfer_days;

  result = qm_plan_generate (&in, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpfloat_with_epsilon (result->z, 1.6448536269514722, 1e-13);

  for (const RowSpec *rs = c->rows; rs->sku != NULL; rs++)
    {
      guint i = (guint) find_id (sku_ids, n_sku, rs->sku) * n_wh
                + (guint) find_id (wh_ids, n_wh, rs->wh);
      const QmPlanRow *r = &result->rows[i];

      g_test_message ("%s @ %s", rs->sku, rs->wh);
      seen[i] = TRUE;
      g_assert_cmpint (r->safety_stock_units, ==, rs->ss);
      g_assert_cmpint (r->reorder_point_units, ==, rs->rop);
      g_assert_cmpint (r->order_up_to_units, ==, rs->s);
      g_assert_cmpint (r->suggested_uncapped, ==, rs->uncapped);
      g_assert_cmpint (r->suggested, ==, rs->suggested);
      g_assert_cmpint (r->purchase, ==, rs->purchase);
      g_assert_cmpint (r->transfer_in, ==, rs->transfer_in);
      g_assert_cmpint (r->transfer_from, ==,
                       rs->from != NULL ? find_id (wh_ids, n_wh, rs->from) : -1);
      g_assert_cmpint (r->transfer_out, ==, rs->transfer_out);
      g_assert_cmphex (r->flags, ==, rs->flags);
    }

  for (guint i = 0; i < n_sku * n_wh; i++)
    {
      const QmPlanRow *r = &result->rows[i];

      g_assert_cmpuint (r->sku, ==, i / n_wh);
      g_assert_cmpuint (r->warehouse, ==, i % n_wh);
      g_assert_cmpint (r->purchase + r->transfer_in, ==, r->suggested);
      if (!seen[i])
        g_assert_cmpint (r->suggested, ==, 0);
    }

  /* Capacity holds wherever there is a limit and room. */
  for (guint w = 0; w < n_wh; w++)
    {
      const QmPlanWarehouseResult *wr = &result->warehouses[w];

      if (wh[w].capacity_units > 0 && wr->used_units <= wh[w].capacity_units)
        g_assert_cmpint (wr->used_units + wr->suggested, <=, wh[w].capacity_units);
    }
}

/* The exact (unrounded) figures and the explaining numbers of one row. */
static void
test_plan_row_figures (void)
{
  QmPlanWarehouse wh = { "wh-1", 0, 0, 10, 7 };
  QmPlanSku sk = { "A", 1, 0, 0, 0 };
  QmPlanCell cell = { 150, 20, 50, 7, 0 };
  QmPlanDemandStats st = { 30.0, 5.0, 1680, 56 };
  QmPlanInput in = { &wh, 1, &sk, 1, &cell, &st };
  g_autoptr(QmPlanResult) result = NULL;
  const QmPlanRow *r;

  qm_plan_params_init (&in.params);
  result = qm_plan_generate (&in, NULL);
  g_assert_nonnull (result);
  r = &result->rows[0];

  g_assert_cmpfloat_with_epsilon (r->reorder_point, 326.0, 0.1);
  g_assert_cmpfloat_with_epsilon (r->safety_stock, 26.007, 0.001);
  g_assert_cmpfloat_with_epsilon (r->order_up_to, 543.910, 0.001);
  g_assert_cmpfloat (r->avg_daily_demand, ==, 30.0);
  g_assert_cmpfloat (r->demand_sd, ==, 5.0);
  g_assert_cmpint (r->lead_time_days, ==, 10);
  g_assert_cmpint (r->review_period_days, ==, 7);
  g_assert_cmpint (r->pack_size, ==, 1);
  /* on hand = 150 + 20 + 7, position = 150 + 20 + 50 */
  g_assert_cmpint (r->on_hand, ==, 177);
  g_assert_cmpint (r->on_order, ==, 50);
  g_assert_cmpint (r->position, ==, 220);
  /* cover 150 / 30 = 5 days; turnover 365 * 30 / 150 = 73 a year */
  g_assert_cmpfloat_with_epsilon (r->days_of_cover, 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->turnover, 73.0, 1e-12);
  g_assert_cmpint (r->suggested, ==, 544 - 220);
  g_assert_cmpfloat (r->eoq, ==, 0.0);
  g_assert_cmpint (result->warehouses[0].used_units, ==, 177 + 50);
  g_assert_cmpint (result->warehouses[0].room_units, ==, G_MAXINT64);

  /* No demand: infinite cover, no turnover. */
  st.avg_daily = 0.0;
  qm_plan_result_free (g_steal_pointer (&result));
  result = qm_plan_generate (&in, NULL);
  g_assert_true (isinf (result->rows[0].days_of_cover));
  g_assert_cmpfloat (result->rows[0].turnover, ==, 0.0);

  /* Demand, nothing qualified: no cover, infinite turnover. */
  st.avg_daily = 30.0;
  cell.qualified = 0;
  qm_plan_result_free (g_steal_pointer (&result));
  result = qm_plan_generate (&in, NULL);
  g_assert_cmpfloat (result->rows[0].days_of_cover, ==, 0.0);
  g_assert_true (isinf (result->rows[0].turnover));

  /* 99 %: z = 2.3263; SS = 2.3263 * 5 * sqrt (10) = 36.78. */
  in.params.service_level = 0.99;
  qm_plan_result_free (g_steal_pointer (&result));
  result = qm_plan_generate (&in, NULL);
  g_assert_cmpfloat_with_epsilon (result->rows[0].safety_stock, 36.782, 0.001);
}

/* From ledger movements to a plan: the accumulator feeding the engine. */
static void
test_plan_from_movements (void)
{
  QmPlanWarehouse wh = { "wh-1", 0, 0, 10, 7 };
  QmPlanSku sk[] = { { "new" }, { "returns" }, { "steady", 10 } };
  QmPlanCell cells[3] = { { 0 } };
  g_autoptr(QmPlanDemand) demand = qm_plan_demand_new (3, 1, TODAY, 56);
  g_autofree QmPlanDemandStats *stats = NULL;
  g_autoptr(QmPlanResult) result = NULL;
  QmPlanInput in = { &wh, 1, sk, 3, cells, NULL };

  /* new: first seen today, its only movement was a purchase. */
  qm_plan_demand_note_first_day (demand, 0, 0, TODAY);
  g_assert_false (qm_plan_demand_add (demand, 0, 0, TODAY, QM_MOVEMENT_PURCHASE_INBOUND, 10));
  /* returns: 4 sold, 9 returned. */
  qm_plan_demand_add (demand, 1, 0, TODAY - 30, SALE, 4);
  qm_plan_demand_add (demand, 1, 0, TODAY - 3, RET, 9);
  /* steady: 2 a day for 56 days -> d = 2, sd = 0; ROP 20, S 34 -> 40. */
  for (gint64 d = 1; d <= 56; d++)
    qm_plan_demand_add (demand, 2, 0, TODAY - d, SALE, 2);

  stats = qm_plan_demand_finish (demand, NULL);
  in.demand = stats;
  qm_plan_params_init (&in.params);
  result = qm_plan_generate (&in, NULL);
  g_assert_nonnull (result);

  g_assert_cmphex (result->rows[0].flags, ==, F_NODEM | F_NOHIS);
  g_assert_cmpint (result->rows[0].suggested, ==, 0);
  g_assert_cmphex (result->rows[1].flags, ==, F_NODEM | F_RET);
  g_assert_cmpint (result->rows[1].suggested, ==, 0);
  g_assert_cmpfloat (result->rows[1].avg_daily_demand, ==, 0.0);
  g_assert_cmpint (result->rows[2].reorder_point_units, ==, 20);
  g_assert_cmpint (result->rows[2].order_up_to_units, ==, 34);
  g_assert_cmpint (result->rows[2].suggested, ==, 40);
}

static void
test_plan_empty (void)
{
  QmPlanInput in = { 0 };
  g_autoptr(QmPlanResult) result = NULL;

  qm_plan_params_init (&in.params);
  result = qm_plan_generate (&in, NULL);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->n_skus, ==, 0);
  g_assert_cmpuint (result->n_transfers, ==, 0);
}

/* ------------------------------------------------------------------ */
/* Invalid input                                                        */

typedef enum
{
  BAD_SERVICE_ZERO,
  BAD_SERVICE_ONE,
  BAD_SERVICE_ABOVE,
  BAD_SERVICE_NEGATIVE,
  BAD_SERVICE_NAN,
  BAD_WINDOW,
  BAD_HOLDING_RATE,
  BAD_ORDERING_COST,
  BAD_TRANSFER_DAYS,
  BAD_LEAD_TIME,
  BAD_SKU_REVIEW,
  BAD_CAPACITY,
  BAD_QUALIFIED,
  BAD_ON_ORDER,
  BAD_PACK,
  BAD_AVG_NAN,
  BAD_SD_NEGATIVE,
  BAD_DUPLICATE_SKU,
  BAD_DUPLICATE_WAREHOUSE,
  BAD_MISSING_ID,
  BAD_HUGE_DEMAND,
  N_BAD,
} Bad;

static void
test_invalid_input (void)
{
  for (int b = 0; b < N_BAD; b++)
    {
      QmPlanWarehouse wh[2] = { { "wh-1", 0, 0, 10, 7 }, { "wh-2", 0, 0, 10, 7 } };
      QmPlanSku sk[2] = { { "A" }, { "B" } };
      QmPlanCell cells[4] = { { 0 } };
      QmPlanDemandStats st[4] = { { 1.0, 0.0, 56, 56 }, { 1.0, 0.0, 56, 56 },
                                  { 1.0, 0.0, 56, 56 }, { 1.0, 0.0, 56, 56 } };
      QmPlanInput in = { wh, 2, sk, 2, cells, st };
      g_autoptr(GError) error = NULL;
      QmPlanResult *result;

      qm_plan_params_init (&in.params);
      switch ((Bad) b)
        {
        case BAD_SERVICE_ZERO: in.params.service_level = 0.0; break;
        case BAD_SERVICE_ONE: in.params.service_level = 1.0; break;
        case BAD_SERVICE_ABOVE: in.params.service_level = 95.0; break;
        case BAD_SERVICE_NEGATIVE: in.params.service_level = -0.95; break;
        case BAD_SERVICE_NAN: in.params.service_level = NAN; break;
        case BAD_WINDOW: in.params.window_days = 0; break;
        case BAD_HOLDING_RATE: in.params.holding_rate = -0.1; break;
        case BAD_ORDERING_COST: in.params.ordering_cost_e4 = -1; break;
        case BAD_TRANSFER_DAYS: in.params.transfer_days_of_cover = -5; break;
        case BAD_LEAD_TIME: wh[1].lead_time_days = -1; break;
        case BAD_SKU_REVIEW: sk[1].review_period_days = QM_PLAN_MAX_DAYS + 1; break;
        case BAD_CAPACITY: wh[0].capacity_units = -1; break;
        case BAD_QUALIFIED: cells[3].qualified = -1; break;
        case BAD_ON_ORDER: cells[2].on_order = QM_PLAN_QUANTITY_MAX + 1; break;
        case BAD_PACK: sk[0].pack_size = -12; break;
        case BAD_AVG_NAN: st[1].avg_daily = NAN; break;
        case BAD_SD_NEGATIVE: st[1].sd_daily = -1.0; break;
        case BAD_DUPLICATE_SKU: sk[1].sku = "A"; break;
        case BAD_DUPLICATE_WAREHOUSE: wh[0].id = "wh-2"; break;
        case BAD_MISSING_ID: sk[0].sku = ""; break;
        case BAD_HUGE_DEMAND:
          st[0].avg_daily = 1e12;
          wh[0].lead_time_days = QM_PLAN_MAX_DAYS;
          break;
        case N_BAD:
        default:
          g_assert_not_reached ();
        }

      result = qm_plan_generate (&in, &error);
      g_test_message ("case %d: %s", b, error != NULL ? error->message : "(no error)");
      g_assert_null (result);
      g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
    }
}

/* ------------------------------------------------------------------ */
/* Random invariants                                                    */

static void
test_random_invariants (void)
{
  for (guint round = 0; round < 300; round++)
    {
      guint n_wh = (guint) g_test_rand_int_range (1, 6);
      guint n_sku = (guint) g_test_rand_int_range (1, 40);
      g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
      g_autofree QmPlanWarehouse *wh = g_new0 (QmPlanWarehouse, n_wh);
      g_autofree QmPlanSku *sk = g_new0 (QmPlanSku, n_sku);
      g_autofree QmPlanCell *cells = g_new0 (QmPlanCell, n_wh * n_sku);
      g_autofree QmPlanDemandStats *st = g_new0 (QmPlanDemandStats, n_wh * n_sku);
      g_autofree gint64 *given = g_new0 (gint64, n_wh * n_sku);
      g_autoptr(QmPlanResult) result = NULL;
      g_autoptr(GError) error = NULL;
      QmPlanInput in = { wh, n_wh, sk, n_sku, cells, st };

      for (guint w = 0; w < n_wh; w++)
        {
          char *id = g_strdup_printf ("wh-%u", w);

          g_ptr_array_add (strings, id);
          wh[w].id = id;
          wh[w].capacity_units = g_test_rand_bit () ? 0 : g_test_rand_int_range (0, 5000);
          wh[w].lead_time_days = g_test_rand_int_range (0, 30);
          wh[w].review_period_days = g_test_rand_int_range (0, 14);
        }
      for (guint s = 0; s < n_sku; s++)
        {
          char *id = g_strdup_printf ("sku-%u", s);

          g_ptr_array_add (strings, id);
          sk[s].sku = id;
          sk[s].pack_size = g_test_rand_int_range (0, 25);
          sk[s].unit_cost_e4 = g_test_rand_int_range (0, 1000000);
          sk[s].lead_time_days = g_test_rand_bit () ? 0 : g_test_rand_int_range (1, 60);
        }
      for (guint i = 0; i < n_wh * n_sku; i++)
        {
          cells[i].qualified = g_test_rand_int_range (0, 400);
          cells[i].pending_inspection = g_test_rand_int_range (0, 20);
          cells[i].on_order = g_test_rand_int_range (0, 50);
          cells[i].other_units = g_test_rand_int_range (0, 10);
          st[i].avg_daily = g_test_rand_bit () ? 0.0 : g_test_rand_double_range (0, 20);
          st[i].sd_daily = g_test_rand_double_range (0, 8);
          st[i].history_days = g_test_rand_int_range (0, 57);
        }
      qm_plan_params_init (&in.params);
      in.params.service_level = g_test_rand_double_range (0.5, 0.999);
      in.params.eoq = round % 3 == 0;
      in.params.ordering_cost_e4 = g_test_rand_int_range (0, 1000000);
      in.params.transfer_days_of_cover = g_test_rand_int_range (0, 60);

      result = qm_plan_generate (&in, &error);
      g_assert_no_error (error);

      for (guint w = 0; w < n_wh; w++)
        {
          const QmPlanWarehouseResult *wr = &result->warehouses[w];
          gint64 sum = 0;

          for (guint s = 0; s < n_sku; s++)
            sum += result->rows[s * n_wh + w].suggested;
          g_assert_cmpint (sum, ==, wr->suggested);
          if (wh[w].capacity_units > 0)
            g_assert_cmpint (wr->used_units + sum, <=,
                             MAX (wh[w].capacity_units, wr->used_units));
        }

      for (guint i = 0; i < n_wh * n_sku; i++)
        {
          const QmPlanRow *r = &result->rows[i];

          g_assert_cmpint (r->suggested, >=, 0);
          g_assert_cmpint (r->suggested, <=, r->suggested_uncapped);
          g_assert_cmpint (r->suggested % r->pack_size, ==, 0);
          g_assert_cmpint (r->purchase % r->pack_size, ==, 0);
          g_assert_cmpint (r->transfer_in % r->pack_size, ==, 0);
          g_assert_cmpint (r->purchase + r->transfer_in, ==, r->suggested);
          g_assert_cmpint (r->transfer_out, <=, cells[i].qualified);
          g_assert_cmpint (r->reorder_point_units, <=, r->order_up_to_units);
          if (r->suggested < r->suggested_uncapped)
            g_assert_true (r->flags & QM_PLAN_FLAG_CAPACITY_CAPPED);
          if (r->transfer_from >= 0)
            given[(gsize) r->sku * n_wh + (guint) r->transfer_from] += r->transfer_in;
          if (r->avg_daily_demand == 0.0)
            g_assert_cmpint (r->suggested_uncapped, ==, 0);
        }
      for (guint i = 0; i < n_wh * n_sku; i++)
        g_assert_cmpint (given[i], ==, result->rows[i].transfer_out);
    }
}

static void
test_flag_strings (void)
{
  g_assert_cmpstr (qm_plan_flag_to_string (QM_PLAN_FLAG_CAPACITY_CAPPED), ==, "capacity_capped");
  g_assert_cmpstr (qm_plan_flag_to_string (QM_PLAN_FLAG_TRANSFER_OUT), ==, "transfer_out");
  g_assert_null (qm_plan_flag_to_string (QM_PLAN_FLAG_NONE));
  g_assert_null (qm_plan_flag_to_string (QM_PLAN_FLAG_EOQ | QM_PLAN_FLAG_NO_EOQ));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (quantile_cases); i++)
    g_test_add_data_func (quantile_cases[i].path, &quantile_cases[i], test_quantile_case);
  g_test_add_func ("/planning/inverse-normal/round-trip", test_quantile_round_trip);
  g_test_add_func ("/planning/inverse-normal/invalid", test_quantile_invalid);
  g_test_add_func ("/planning/eoq/textbook", test_eoq_textbook);
  g_test_add_func ("/planning/levels/textbook", test_levels_textbook);
  g_test_add_func ("/planning/pack-rounding", test_pack_rounding);
  g_test_add_func ("/planning/days", test_days);
  for (guint i = 0; i < G_N_ELEMENTS (demand_cases); i++)
    g_test_add_data_func (demand_cases[i].path, &demand_cases[i], test_demand_case);
  g_test_add_func ("/planning/demand/steady", test_demand_steady);
  g_test_add_func ("/planning/demand/overflow", test_demand_overflow);
  for (guint i = 0; i < G_N_ELEMENTS (plan_cases); i++)
    g_test_add_data_func (plan_cases[i].path, &plan_cases[i], test_plan_case);
  g_test_add_func ("/planning/engine/row-figures", test_plan_row_figures);
  g_test_add_func ("/planning/engine/from-movements", test_plan_from_movements);
  g_test_add_func ("/planning/engine/empty", test_plan_empty);
  g_test_add_func ("/planning/engine/invalid-input", test_invalid_input);
  g_test_add_func ("/planning/engine/random-invariants", test_random_invariants);
  g_test_add_func ("/planning/flags", test_flag_strings);

  return g_test_run ();
}
