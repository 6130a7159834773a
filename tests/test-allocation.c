/* test-allocation.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The allocation engine and order routing, table by table. Every expected
 * number is worked out by hand in the comment above it: "q" is an exact
 * quota, "fl" the floors, "left" the units left over after the floors.
 */

#define G_LOG_DOMAIN "test-allocation"

#include "config.h"

#include <math.h>
#include <string.h>

#include "qm-allocation.h"
#include "qm-error.h"

/* ------------------------------------------------------------------ */
/* Largest remainder on its own                                        */

typedef struct
{
  const char   *path;
  gint64        units;
  guint         n;
  gint64        weights[8];
  const char   *ids[8];      /* all NULL: ties by index */
  gint64        expected[8];
  gboolean      ok;
} ApportionCase;

static const ApportionCase apportion_cases[] = {
  /* The Alabama paradox (weights as in the usual textbook example, total
   * 10000). 323 units: q = 183.141, 124.355, 13.566, 1.938; fl = 183, 124,
   * 13, 1 (321), left 2 -> .938 (D) and .566 (C): 183, 124, 14, 2. */
  { "/allocation/alabama-paradox/323", 323, 4, { 5670, 3850, 420, 60 },
    { "A", "B", "C", "D" }, { 183, 124, 14, 2 }, TRUE },
  /* One more unit, 324: q = 183.708, 124.740, 13.608, 1.944; fl = 183, 124,
   * 13, 1 (321), left 3 -> .944 (D), .740 (B), .708 (A): 184, 125, 13, 2.
   * C loses a unit although the house grew: the paradox. */
  { "/allocation/alabama-paradox/324", 324, 4, { 5670, 3850, 420, 60 },
    { "A", "B", "C", "D" }, { 184, 125, 13, 2 }, TRUE },
  /* Tannenbaum's "Republic of Parador", 250 seats for 12,500,000 people:
   * standard divisor 50,000, q = 32.92, 138.72, 3.08, 41.82, 13.70, 19.76;
   * fl = 32, 138, 3, 41, 13, 19 (246), left 4 -> .92 (Azucar), .82
   * (Diamante), .76 (Felicidad), .72 (Bahia); .70 and .08 get nothing. */
  { "/allocation/apportion/parador", 250, 6,
    { 1646000, 6936000, 154000, 2091000, 685000, 988000 },
    { "Azucar", "Bahia", "Cafe", "Diamante", "Esmeralda", "Felicidad" },
    { 33, 139, 3, 42, 13, 20 }, TRUE },
  /* New-states paradox, before: weights 50 and 10 over 9 units: q = 7.5,
   * 1.5; fl = 7, 1, left 1; the remainders tie at .5, so the larger weight
   * (A) wins: 8, 1. */
  { "/allocation/apportion/new-states/before", 9, 2, { 50, 10 }, { "A", "B" },
    { 8, 1 }, TRUE },
  /* ... after: C (14) joins with its fair share, 14 * 9 / 60 = 2.1 -> 2
   * more units, 11 in all, total 74: q = 550/74 = 7.432, 110/74 = 1.486,
   * 154/74 = 2.081; fl = 7, 1, 2 (10), left 1 -> .486 (B): 7, 2, 2. A
   * loses a unit to B though neither changed. */
  { "/allocation/apportion/new-states/after", 11, 3, { 50, 10, 14 }, { "A", "B", "C" },
    { 7, 2, 2 }, TRUE },
  /* 10 units 1:1:1 (the help page's example): q = 3.333 each, fl 3 each,
   * left 1; remainders and weights tie, so the smallest id: a. */
  { "/allocation/apportion/equal-thirds", 10, 3, { 1, 1, 1 }, { "a", "b", "c" },
    { 4, 3, 3 }, TRUE },
  /* Same, ids in another order: the unit follows the smallest id ("a"),
   * not the first position. */
  { "/allocation/apportion/tie-smaller-id", 10, 3, { 1, 1, 1 }, { "c", "a", "b" },
    { 3, 4, 3 }, TRUE },
  /* Bytewise, not by locale: "Zed" (0x5A) sorts before "app" (0x61). */
  { "/allocation/apportion/tie-bytewise", 1, 2, { 1, 1 }, { "app", "Zed" },
    { 0, 1 }, TRUE },
  /* 2 units over 1 and 3: q = .5, 1.5; fl = 0, 1, left 1; remainders tie
   * at .5, the larger weight (3) wins: 0, 2. */
  { "/allocation/apportion/tie-larger-weight", 2, 2, { 1, 3 }, { "a", "b" },
    { 0, 2 }, TRUE },
  /* No ids: ties go by index. */
  { "/allocation/apportion/tie-no-ids", 2, 3, { 1, 1, 1 }, { NULL },
    { 1, 1, 0 }, TRUE },
  /* Exact quotas: 12 over 1, 2, 3 -> 2, 4, 6, nothing left. */
  { "/allocation/apportion/exact", 12, 3, { 1, 2, 3 }, { "a", "b", "c" },
    { 2, 4, 6 }, TRUE },
  /* A zero weight gets nothing even with units to spare: 5 over 0, 1 ->
   * 0, 5. */
  { "/allocation/apportion/zero-weight", 5, 2, { 0, 1 }, { "a", "b" },
    { 0, 5 }, TRUE },
  /* No units: all zero, and that is a success. */
  { "/allocation/apportion/no-units", 0, 2, { 3, 4 }, { "a", "b" },
    { 0, 0 }, TRUE },
  /* Units but every weight zero: nothing can be given, FALSE. */
  { "/allocation/apportion/all-weights-zero", 7, 2, { 0, 0 }, { "a", "b" },
    { 0, 0 }, FALSE },
  /* Products beyond 64 bits: weights 3e17 each (sum 9e17) over 1e15
   * units: each product is 3e32. q = 333333333333333.33 each; fl sum to
   * 999999999999999, left 1 -> tie -> smallest id a. */
  { "/allocation/apportion/huge", G_GINT64_CONSTANT (1000000000000000), 3,
    { G_GINT64_CONSTANT (300000000000000000), G_GINT64_CONSTANT (300000000000000000),
      G_GINT64_CONSTANT (300000000000000000) },
    { "a", "b", "c" },
    { G_GINT64_CONSTANT (333333333333334), G_GINT64_CONSTANT (333333333333333),
      G_GINT64_CONSTANT (333333333333333) }, TRUE },
};

static void
test_apportion_case (gconstpointer data)
{
  const ApportionCase *c = data;
  gint64 out[8];
  gboolean ok;

  memset (out, 0x55, sizeof out);
  ok = qm_apportion_largest_remainder (c->weights, c->ids[0] != NULL ? c->ids : NULL,
                                       c->n, c->units, out);
  g_assert_cmpint (ok, ==, c->ok);
  for (guint i = 0; i < c->n; i++)
    g_assert_cmpint (out[i], ==, c->expected[i]);
}

/* Hamilton's method satisfies quota: every share is the floor or the
 * ceiling of its exact quota, and the shares add up to the units. Checked
 * on random weights, many shares (past the stack scratch), big numbers. */
static void
test_apportion_quota_property (void)
{
  for (guint round = 0; round < 2000; round++)
    {
      guint n = (guint) g_test_rand_int_range (1, round % 10 == 0 ? 200 : 20);
      g_autofree gint64 *w = g_new (gint64, n);
      g_autofree gint64 *out = g_new (gint64, n);
      gint64 total = 0, units, given = 0;

      for (guint i = 0; i < n; i++)
        {
          w[i] = round % 3 == 0 ? g_test_rand_int_range (0, 4)
                                : g_test_rand_int_range (0, G_MAXINT32);
          total += w[i];
        }
      units = g_test_rand_int_range (0, 100000);
      if (total == 0)
        w[0] = total = 1;

      g_assert_true (qm_apportion_largest_remainder (w, NULL, n, units, out));
      for (guint i = 0; i < n; i++)
        {
          /* floor (units * w / total) <= out <= that + 1 */
          gint64 fl = units * w[i] / total;   /* < 2^17 * 2^31: no overflow */

          g_assert_cmpint (out[i], >=, fl);
          g_assert_cmpint (out[i], <=, fl + 1);
          given += out[i];
        }
      g_assert_cmpint (given, ==, units);
    }
}

/* ------------------------------------------------------------------ */
/* The engine, table-driven                                            */

#define MAX_WH 4
#define NOW    G_GINT64_CONSTANT (1000000000)   /* 2001-09-09 01:46:40 UTC */
#define DAY    QM_ALLOC_SECONDS_PER_DAY

typedef struct
{
  const char *id;
  const char *regions;      /* space-separated, NULL = none */
  gboolean    inactive;
} ChanSpec;

typedef struct
{
  const char *id;
  const char *region;
} WhSpec;

typedef struct
{
  const char *sku;
  const char *category;
  gint64      open_po;
  gint64      pool;         /* expected */
  gint64      qty[MAX_WH];  /* qualified, per warehouse */
} SkuSpec;

typedef struct
{
  const char *scope;        /* "default", "category", "sku" */
  const char *key;
  const char *mode;
  const char *weights;      /* "app=5 web=3"; unlisted channels 0; NULL = equal */
  const char *oversell;     /* "web=10" */
  gint64      buffer_units;
  int         buffer_percent;
  int         window_days;
  int         min_share_permille;
} RuleSpec;

typedef struct
{
  const char *channel;
  const char *sku;
  gint64      quantity;
  gint64      starts_at;
  gint64      ends_at;
} LockSpec;

typedef struct
{
  const char *channel;
  const char *sku;
  gint64      quantity;
} PresaleSpec;

typedef struct
{
  const char *channel;
  const char *sku;
  gint64      at;
  gint64      quantity;
} SaleSpec;

typedef struct
{
  const char *sku;
  const char *channel;
  gint64      regular;
  gint64      promotional;
  gint64      pre_sale;
  gint64      oversell;
  gint64      sellable;
} RowSpec;

typedef struct
{
  const char        *path;
  const ChanSpec    *channels;
  const WhSpec      *warehouses;
  const SkuSpec     *skus;
  const RuleSpec    *rules;
  const LockSpec    *locks;
  const PresaleSpec *presales;
  const SaleSpec    *sales;
  const RowSpec     *rows;        /* rows not listed must be all zero */
} AllocCase;

#define END { NULL }

/* app and web serve the north, mkt the south, web both. */
static const ChanSpec app_mkt_web[] = {
  { "app", "north" }, { "mkt", "south" }, { "web", "north south" }, END,
};
static const ChanSpec app_web[] = {
  { "app", "north" }, { "web", "north south" }, END,
};
static const WhSpec one_wh[] = { { "wh-1", "north" }, END };
static const WhSpec two_wh[] = { { "wh-n", "north" }, { "wh-s", "south" }, END };

/* Region: ops serves no region; wh-x has none. */
static const ChanSpec region_channels[] = {
  { "app", "north" }, { "mkt", "south" }, { "ops", NULL }, { "web", "north south" }, END,
};
static const WhSpec region_wh[] = {
  { "wh-n", "north" }, { "wh-s", "south" }, { "wh-x", "" }, END,
};

static const AllocCase alloc_cases[] = {
  /* No rule at all: the built-in default is shared, so every channel sees
   * the whole pool of 40. */
  { "/allocation/default/no-rule-is-shared", app_mkt_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 40, { 40 } }, END },
    NULL, NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 40, 0, 0, 0, 40 },
      { "A-1", "mkt", 40, 0, 0, 0, 40 },
      { "A-1", "web", 40, 0, 0, 0, 40 },
      END } },

  /* Shared with oversell: web may oversell 10% of its regular 40 = 4,
   * mkt 33% of 40 = 13.2 -> 13 (rounded down). */
  { "/allocation/shared/oversell", app_mkt_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 40, { 40 } }, END },
    (const RuleSpec[]) { { "default", NULL, "shared", NULL, "web=10 mkt=33" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 40, 0, 0, 0, 40 },
      { "A-1", "mkt", 40, 0, 0, 13, 53 },
      { "A-1", "web", 40, 0, 0, 4, 44 },
      END } },

  /* Shared with a lock: web's 6 locked units come off the pool first
   * (20 - 6 = 14); every channel sees those 14 as regular, web also has
   * its 6 promotional. */
  { "/allocation/shared/locks", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 20, { 20 } }, END },
    (const RuleSpec[]) { { "default", NULL, "shared" }, END },
    (const LockSpec[]) { { "web", "A-1", 6, NOW - DAY, NOW + DAY }, END },
    NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 14, 0, 0, 0, 14 },
      { "A-1", "web", 14, 6, 0, 0, 20 },
      END } },

  /* Ratio 1:1:1 over 10: q = 3.333 each, fl 3, left 1; all tie, smallest
   * id app: 4, 3, 3. */
  { "/allocation/ratio/largest-remainder", app_mkt_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 10, { 10 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", "app=1 mkt=1 web=1" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 4, 0, 0, 0, 4 },
      { "A-1", "mkt", 3, 0, 0, 0, 3 },
      { "A-1", "web", 3, 0, 0, 0, 3 },
      END } },

  /* Ratio 5:2:3 over both warehouses (10 north + 7 south = 17; app serves
   * only the north but draws on both outside region mode): q = 8.5, 3.4,
   * 5.1; fl 8, 3, 5 (16), left 1 -> .5 (app): 9, 3, 5. */
  { "/allocation/ratio/all-warehouses", app_mkt_web, two_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 17, { 10, 7 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", "app=5 mkt=2 web=3" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 9, 0, 0, 0, 9 },
      { "A-1", "mkt", 3, 0, 0, 0, 3 },
      { "A-1", "web", 5, 0, 0, 0, 5 },
      END } },

  /* Ratio 1:3 over 2: q = .5, 1.5; fl 0, 1, left 1; remainders tie, the
   * larger weight (web) wins: 0, 2. */
  { "/allocation/ratio/tie-larger-weight", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 2, { 2 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", "app=1 web=3" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "web", 2, 0, 0, 0, 2 },
      END } },

  /* Channels given as web, app; equal weights over 3: q = 1.5 each, fl 1,
   * left 1, full tie -> bytewise smaller id app: app 2, web 1. */
  { "/allocation/ratio/tie-smaller-id",
    (const ChanSpec[]) { { "web" }, { "app" }, END }, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 3, { 3 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", "web=1 app=1" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 2, 0, 0, 0, 2 },
      { "A-1", "web", 1, 0, 0, 0, 1 },
      END } },

  /* A rule with no weights means equal weights: A-1's 9 over app, mkt,
   * web -> 3 each. A weight of 0, or no weight in a rule that lists
   * some, means nothing: mkt (not in B-1's rule "app=1 web=1") gets none
   * of B-1's 6 -> 3, 0, 3. */
  { "/allocation/ratio/weights", app_mkt_web, one_wh,
    (const SkuSpec[]) {
      { "A-1", NULL, 0, 9, { 9 } },
      { "B-1", NULL, 0, 6, { 6 } },
      END },
    (const RuleSpec[]) {
      { "default", NULL, "ratio", NULL },
      { "sku", "B-1", "ratio", "app=1 web=1" },
      END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 3, 0, 0, 0, 3 },
      { "A-1", "mkt", 3, 0, 0, 0, 3 },
      { "A-1", "web", 3, 0, 0, 0, 3 },
      { "B-1", "app", 3, 0, 0, 0, 3 },
      { "B-1", "web", 3, 0, 0, 0, 3 },
      END } },

  /* All weights zero: nobody gets regular stock; the pool stays unsold. */
  { "/allocation/ratio/all-weights-zero", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 5, { 5 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", "app=0 web=0" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) { END } },

  /* Precedence. default ratio app=1 web=1 (mkt 0); category toys ratio
   * app=3 web=1; SKU T-2 shared. Each SKU has 8 units.
   * G-1 (garden, no garden rule) -> default: 4, 0, 4.
   * N-1 (no category)           -> default: 4, 0, 4.
   * T-1 (toys)                  -> category: q = 6, 2 -> 6, 0, 2.
   * T-2 (toys, own rule)        -> SKU rule shared: 8 each. */
  { "/allocation/scope/precedence", app_mkt_web, one_wh,
    (const SkuSpec[]) {
      { "G-1", "garden", 0, 8, { 8 } },
      { "N-1", NULL, 0, 8, { 8 } },
      { "T-1", "toys", 0, 8, { 8 } },
      { "T-2", "toys", 0, 8, { 8 } },
      END },
    (const RuleSpec[]) {
      { "sku", "T-2", "shared" },
      { "category", "toys", "ratio", "app=3 web=1" },
      { "default", NULL, "ratio", "app=1 web=1" },
      END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "G-1", "app", 4, 0, 0, 0, 4 },
      { "G-1", "web", 4, 0, 0, 0, 4 },
      { "N-1", "app", 4, 0, 0, 0, 4 },
      { "N-1", "web", 4, 0, 0, 0, 4 },
      { "T-1", "app", 6, 0, 0, 0, 6 },
      { "T-1", "web", 2, 0, 0, 0, 2 },
      { "T-2", "app", 8, 0, 0, 0, 8 },
      { "T-2", "mkt", 8, 0, 0, 0, 8 },
      { "T-2", "web", 8, 0, 0, 0, 8 },
      END } },

  /* Buffer of 5 units: 12 - 5 = 7, equal weights: q 3.5 each -> fl 3, 3,
   * left 1, full tie -> app: 4, 3. */
  { "/allocation/buffer/units", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 7, { 12 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL, NULL, 5 }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 4, 0, 0, 0, 4 },
      { "A-1", "web", 3, 0, 0, 0, 3 },
      END } },

  /* Buffer of 10%, rounded up: A-1 25 -> 2.5 -> 3 held, pool 22 -> 11,
   * 11. B-1 7 -> 0.7 -> 1 held, pool 6 -> 3, 3. C-1 has nothing. */
  { "/allocation/buffer/percent", app_web, one_wh,
    (const SkuSpec[]) {
      { "A-1", NULL, 0, 22, { 25 } },
      { "B-1", NULL, 0, 6, { 7 } },
      { "C-1", NULL, 0, 0, { 0 } },
      END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL, NULL, 0, 10 }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 11, 0, 0, 0, 11 },
      { "A-1", "web", 11, 0, 0, 0, 11 },
      { "B-1", "app", 3, 0, 0, 0, 3 },
      { "B-1", "web", 3, 0, 0, 0, 3 },
      END } },

  /* Units and percent together: 2 + ceil (30 * 10%) = 2 + 3 = 5 held,
   * pool 25, shared: 25 each. */
  { "/allocation/buffer/both", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 25, { 30 } }, END },
    (const RuleSpec[]) { { "default", NULL, "shared", NULL, NULL, 2, 10 }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 25, 0, 0, 0, 25 },
      { "A-1", "web", 25, 0, 0, 0, 25 },
      END } },

  /* A buffer of 50 on 30 units: the pool is 0, never negative, even in
   * shared mode and with a lock. */
  { "/allocation/buffer/larger-than-stock", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 0, { 30 } }, END },
    (const RuleSpec[]) { { "default", NULL, "shared", NULL, "app=50", 50 }, END },
    (const LockSpec[]) { { "web", "A-1", 4, NOW, NOW + 1 }, END },
    NULL, NULL,
    (const RowSpec[]) { END } },

  /* Locks are served first. Pool 20, ratio 1:1. web's lock of 6 is active
   * (starts now, inclusive); app's lock of 100 ended now (exclusive) and
   * another of 100 starts in a second: both ignored. Regular pool 14 ->
   * 7, 7. Sum 7 + 7 + 6 = 20 = pool. */
  { "/allocation/locks/served-first", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 20, { 20 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL }, END },
    (const LockSpec[]) {
      { "web", "A-1", 6, NOW, NOW + 7 * DAY },
      { "app", "A-1", 100, NOW - 7 * DAY, NOW },
      { "app", "A-1", 100, NOW + 1, NOW + 7 * DAY },
      END },
    NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 7, 0, 0, 0, 7 },
      { "A-1", "web", 7, 6, 0, 0, 13 },
      END } },

  /* Locks larger than the pool. Pool 10; app locked 8 + 4 = 12 (two
   * locks add up), web 4, mkt (inactive) 50, ignored. 16 > 10: apportion
   * 10 over 12 and 4: q = 7.5, 2.5; fl 7, 2, left 1; remainders tie, the
   * larger lock (app) wins: 8, 2. Nothing left for regular. */
  { "/allocation/locks/larger-than-pool",
    (const ChanSpec[]) { { "app" }, { "mkt", NULL, TRUE }, { "web" }, END }, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 10, { 10 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL }, END },
    (const LockSpec[]) {
      { "app", "A-1", 8, NOW - DAY, NOW + DAY },
      { "web", "A-1", 4, NOW - DAY, NOW + DAY },
      { "mkt", "A-1", 50, NOW - DAY, NOW + DAY },
      { "app", "A-1", 4, NOW - DAY, NOW + DAY },
      END },
    NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 0, 8, 0, 0, 8 },
      { "A-1", "web", 0, 2, 0, 0, 2 },
      END } },

  /* Pre-sale capped by open orders. A-1: quotas app 30, web 10 = 40 > 20
   * open: apportion 20 over 30, 10 -> q 15, 5 exactly. B-1: quota 5 of
   * 100 open -> 5. Pre-sale does not touch the pool (ratio 1:1 of 4 ->
   * 2, 2 for A-1; B-1 has no stock). */
  { "/allocation/presale/capped", app_web, one_wh,
    (const SkuSpec[]) {
      { "A-1", NULL, 20, 4, { 4 } },
      { "B-1", NULL, 100, 0, { 0 } },
      END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL }, END },
    NULL,
    (const PresaleSpec[]) {
      { "app", "A-1", 30 }, { "web", "A-1", 10 }, { "web", "B-1", 5 }, END },
    NULL,
    (const RowSpec[]) {
      { "A-1", "app", 2, 0, 15, 0, 17 },
      { "A-1", "web", 2, 0, 5, 0, 7 },
      { "B-1", "web", 0, 0, 5, 0, 5 },
      END } },

  /* Pre-sale without open orders: no pre-sale at all. Quotas 7 + 3 = 10
   * > 0 -> apportion 0 units -> 0, 0. */
  { "/allocation/presale/no-open-orders", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 0, { 0 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL }, END },
    NULL,
    (const PresaleSpec[]) { { "app", "A-1", 7 }, { "web", "A-1", 3 }, END },
    NULL,
    (const RowSpec[]) { END } },

  /* Pre-sale quotas 7 and 8 (15) over 10 open: q = 4.667, 5.333; fl 4, 5,
   * left 1 -> .667 (app): 5, 5. */
  { "/allocation/presale/fair-share", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 10, 0, { 0 } }, END },
    NULL, NULL,
    (const PresaleSpec[]) { { "app", "A-1", 7 }, { "web", "A-1", 8 }, END },
    NULL,
    (const RowSpec[]) {
      { "A-1", "app", 0, 0, 5, 0, 5 },
      { "A-1", "web", 0, 0, 5, 0, 5 },
      END } },

  /* No stock anywhere, every mode: all zero, locks and oversell included;
   * only pre-sale (from open orders) can be sold: P-1 has 10 open, app's
   * quota 4 -> 4. */
  { "/allocation/no-stock", app_mkt_web, two_wh,
    (const SkuSpec[]) {
      { "R-1", "r", 0, 0, { 0, 0 } },
      { "G-1", "g", 0, 0, { 0, 0 } },
      { "F-1", "f", 0, 0, { 0, 0 } },
      { "P-1", "p", 10, 0, { 0, 0 } },
      END },
    (const RuleSpec[]) {
      { "category", "r", "ratio", "app=1", "app=100" },
      { "category", "g", "region", NULL },
      { "category", "f", "performance", NULL, NULL, 0, 0, 7, 100 },
      { "default", NULL, "shared", NULL, "app=100" },
      END },
    (const LockSpec[]) { { "web", "R-1", 3, NOW - 1, NOW + 1 }, END },
    (const PresaleSpec[]) { { "app", "P-1", 4 }, END },
    (const SaleSpec[]) { { "app", "F-1", NOW - DAY, 9 }, END },
    (const RowSpec[]) {
      { "P-1", "app", 0, 0, 4, 0, 4 },
      END } },

  /* One channel takes everything: ratio weight 7 over 13 -> 13; oversell
   * 15% of 13 = 1.95 -> 1. */
  { "/allocation/one-channel", (const ChanSpec[]) { { "app" }, END }, two_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 13, { 6, 7 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", "app=7", "app=15" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 13, 0, 0, 1, 14 },
      END } },

  /* Inactive channels get zeros, and their weight, lock, quota and
   * oversell do not count: 9 over app, web (equal) -> 4.5 each -> 5, 4. */
  { "/allocation/inactive-channel",
    (const ChanSpec[]) { { "app" }, { "mkt", NULL, TRUE }, { "web" }, END }, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 10, 9, { 9 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL, "mkt=100" }, END },
    (const LockSpec[]) { { "mkt", "A-1", 5, NOW - 1, NOW + 1 }, END },
    (const PresaleSpec[]) { { "mkt", "A-1", 5 }, END },
    NULL,
    (const RowSpec[]) {
      { "A-1", "app", 5, 0, 0, 0, 5 },
      { "A-1", "web", 4, 0, 0, 0, 4 },
      END } },

  /* Oversell is a percent of regular only, rounded down. Pool 25, web
   * locks 5 -> regular 20 -> 10, 10. app 10% of 10 = 1; web 55% of 10 =
   * 5.5 -> 5. */
  { "/allocation/oversell", app_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 25, { 25 } }, END },
    (const RuleSpec[]) { { "default", NULL, "ratio", NULL, "app=10 web=55" }, END },
    (const LockSpec[]) { { "web", "A-1", 5, NOW - 1, NOW + 1 }, END },
    NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 10, 0, 0, 1, 11 },
      { "A-1", "web", 10, 5, 0, 5, 20 },
      END } },

  /* Region, weights app 1, mkt 1, ops 5, web 2; stock wh-n 10, wh-s 6,
   * wh-x (no region) 4; pool 20. Spread 20 over the warehouses by stock:
   * exactly 10, 6, 4.
   * wh-n (north: app, web): q = 3.333, 6.667; fl 3, 6, left 1 -> web:
   *   3, 7.
   * wh-s (south: mkt, web): q = 2, 4 exactly.
   * wh-x: nobody serves it. ops serves no region: 0.
   * app 3, mkt 2, web 11; 16 of 20 allocated. */
  { "/allocation/region", region_channels, region_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 20, { 10, 6, 4 } }, END },
    (const RuleSpec[]) { { "default", NULL, "region", "app=1 mkt=1 ops=5 web=2" }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 3, 0, 0, 0, 3 },
      { "A-1", "mkt", 2, 0, 0, 0, 2 },
      { "A-1", "web", 11, 0, 0, 0, 11 },
      END } },

  /* Region with a 25% buffer: ceil (5) = 5 held, pool 15. Spread over
   * 10, 6, 4 (of 20): q = 7.5, 4.5, 3; fl 7, 4, 3, left 1; wh-n and wh-s
   * tie at .5, the larger stock (wh-n) wins: 8, 4, 3.
   * wh-n 8 over app 1, web 2: q = 2.667, 5.333; fl 2, 5, left 1 -> app.
   *   3, 5.
   * wh-s 4 over mkt 1, web 2: q = 1.333, 2.667; fl 1, 2, left 1 -> web.
   *   1, 3.
   * app 3, mkt 1, web 8. */
  { "/allocation/region/buffer", region_channels, region_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 15, { 10, 6, 4 } }, END },
    (const RuleSpec[]) {
      { "default", NULL, "region", "app=1 mkt=1 ops=5 web=2", NULL, 0, 25 }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 3, 0, 0, 0, 3 },
      { "A-1", "mkt", 1, 0, 0, 0, 1 },
      { "A-1", "web", 8, 0, 0, 0, 8 },
      END } },

  /* Region with a lock: ops (no region) locks 2, served from the whole
   * pool. Regular pool 18 over 10, 6, 4: q = 9, 5.4, 3.6; fl 9, 5, 3,
   * left 1 -> .6 (wh-x): 9, 5, 4.
   * wh-n 9 over app 1, web 2: 3, 6 exactly.
   * wh-s 5 over mkt 1, web 2: q = 1.667, 3.333; fl 1, 3, left 1 -> mkt.
   *   2, 3.
   * app 3, mkt 2, web 9, ops promotional 2. */
  { "/allocation/region/locks", region_channels, region_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 20, { 10, 6, 4 } }, END },
    (const RuleSpec[]) { { "default", NULL, "region", "app=1 mkt=1 ops=5 web=2" }, END },
    (const LockSpec[]) { { "ops", "A-1", 2, NOW - 1, NOW + 1 }, END },
    NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 3, 0, 0, 0, 3 },
      { "A-1", "mkt", 2, 0, 0, 0, 2 },
      { "A-1", "ops", 0, 2, 0, 0, 2 },
      { "A-1", "web", 9, 0, 0, 0, 9 },
      END } },

  /* Region without weights: equal. wh-n 5 over app, web: 2.5 each -> tie
   * -> app: 3, 2. wh-s 5 over mkt, web -> tie -> mkt: 3, 2. */
  { "/allocation/region/equal", region_channels, region_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 10, { 5, 5, 0 } }, END },
    (const RuleSpec[]) { { "default", NULL, "region", NULL }, END },
    NULL, NULL, NULL,
    (const RowSpec[]) {
      { "A-1", "app", 3, 0, 0, 0, 3 },
      { "A-1", "mkt", 3, 0, 0, 0, 3 },
      { "A-1", "web", 4, 0, 0, 0, 4 },
      END } },

  /* Performance over a 7-day window [NOW - 7 days, NOW): app sold 60
   * (plus 500 eight days ago, outside), mkt 10 exactly 7 days ago
   * (inside), web 30 (plus 1000 at NOW, outside). Weights 60, 10, 30
   * over 7: q = 4.2, .7, 2.1; fl 4, 0, 2, left 1 -> .7 (mkt): 4, 1, 2. */
  { "/allocation/performance/by-sales", app_mkt_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 7, { 7 } }, END },
    (const RuleSpec[]) { { "default", NULL, "performance", NULL, NULL, 0, 0, 7, 0 }, END },
    NULL, NULL,
    (const SaleSpec[]) {
      { "app", "A-1", NOW - DAY, 40 },
      { "app", "A-1", NOW - 1, 20 },
      { "app", "A-1", NOW - 8 * DAY, 500 },
      { "mkt", "A-1", NOW - 7 * DAY, 10 },
      { "web", "A-1", NOW - 3 * DAY, 30 },
      { "web", "A-1", NOW, 1000 },
      END },
    (const RowSpec[]) {
      { "A-1", "app", 4, 0, 0, 0, 4 },
      { "A-1", "mkt", 1, 0, 0, 0, 1 },
      { "A-1", "web", 2, 0, 0, 0, 2 },
      END } },

  /* Minimum share 10% (100 permille). A-1: app sold 90, web 10, the new
   * mkt 0. mkt (0%) is under 10%: lifted to 10%, which leaves 90% for the
   * others by sales, and web's part of that is 10/100 * 90% = 9%: under,
   * so web is lifted too (test: (1000 - 100) * 10 = 9000 < 100 * 100).
   * app keeps the remaining 80% ((1000 - 200) * 90 = 72000 >= 100 * 90).
   * Weights 72000, 9000, 9000 over 100 -> 80, 10, 10.
   * B-1: app 60, web 40, mkt 0. mkt raised to 10%; web: 900 * 40 = 36000
   * >= 100 * 100, stays. Weights app 900*60 = 54000, mkt 100*100 = 10000,
   * web 900*40 = 36000 (total 100000) over 50: 27, 5, 18 exactly. */
  { "/allocation/performance/min-share", app_mkt_web, one_wh,
    (const SkuSpec[]) {
      { "A-1", NULL, 0, 100, { 100 } },
      { "B-1", NULL, 0, 50, { 50 } },
      END },
    (const RuleSpec[]) { { "default", NULL, "performance", NULL, NULL, 0, 0, 28, 100 }, END },
    NULL, NULL,
    (const SaleSpec[]) {
      { "app", "A-1", NOW - DAY, 90 },
      { "web", "A-1", NOW - DAY, 10 },
      { "app", "B-1", NOW - DAY, 60 },
      { "web", "B-1", NOW - DAY, 40 },
      END },
    (const RowSpec[]) {
      { "A-1", "app", 80, 0, 0, 0, 80 },
      { "A-1", "mkt", 10, 0, 0, 0, 10 },
      { "A-1", "web", 10, 0, 0, 0, 10 },
      { "B-1", "app", 27, 0, 0, 0, 27 },
      { "B-1", "mkt", 5, 0, 0, 0, 5 },
      { "B-1", "web", 18, 0, 0, 0, 18 },
      END } },

  /* Without a minimum share a channel that sold nothing gets nothing:
   * app 3, web 1, mkt 0 over 8 -> 6, 0, 2. */
  { "/allocation/performance/no-min-share", app_mkt_web, one_wh,
    (const SkuSpec[]) { { "A-1", NULL, 0, 8, { 8 } }, END },
    (const RuleSpec[]) { { "default", NULL, "performance", NULL, NULL, 0, 0, 28, 0 }, END },
    NULL, NULL,
    (const SaleSpec[]) { { "app", "A-1", NOW - DAY, 3 }, { "web", "A-1", NOW - DAY, 1 }, END },
    (const RowSpec[]) {
      { "A-1", "app", 6, 0, 0, 0, 6 },
      { "A-1", "web", 2, 0, 0, 0, 2 },
      END } },

  /* No sales in the window: equal weights, 10 -> 4, 3, 3 (tie to app).
   * B-1: minimum shares that cannot all be met (3 * 400‰ > 1000‰):
   * equal weights too, 10 -> 4, 3, 3, whatever was sold. */
  { "/allocation/performance/no-sales", app_mkt_web, one_wh,
    (const SkuSpec[]) {
      { "A-1", "a", 0, 10, { 10 } },
      { "B-1", "b", 0, 10, { 10 } },
      END },
    (const RuleSpec[]) {
      { "category", "a", "performance", NULL, NULL, 0, 0, 1, 0 },
      { "category", "b", "performance", NULL, NULL, 0, 0, 1, 400 },
      END },
    NULL, NULL,
    (const SaleSpec[]) {
      { "app", "A-1", NOW - 2 * DAY, 50 },
      { "web", "B-1", NOW - 60, 50 },
      END },
    (const RowSpec[]) {
      { "A-1", "app", 4, 0, 0, 0, 4 },
      { "A-1", "mkt", 3, 0, 0, 0, 3 },
      { "A-1", "web", 3, 0, 0, 0, 3 },
      { "B-1", "app", 4, 0, 0, 0, 4 },
      { "B-1", "mkt", 3, 0, 0, 0, 3 },
      { "B-1", "web", 3, 0, 0, 0, 3 },
      END } },
};

/* The built input of a case, and what it owns. */
typedef struct
{
  QmAllocInput       in;
  GPtrArray         *owned;
  GPtrArray         *strvs;
  GArray            *channels;
  GArray            *warehouses;
  GArray            *skus;
  GArray            *qualified;
  GArray            *rules;
  GArray            *locks;
  GArray            *presales;
  GArray            *sales;
} Built;

static void
built_clear (Built *b)
{
  g_clear_pointer (&b->owned, g_ptr_array_unref);
  g_clear_pointer (&b->strvs, g_ptr_array_unref);
  g_clear_pointer (&b->channels, g_array_unref);
  g_clear_pointer (&b->warehouses, g_array_unref);
  g_clear_pointer (&b->skus, g_array_unref);
  g_clear_pointer (&b->qualified, g_array_unref);
  g_clear_pointer (&b->rules, g_array_unref);
  g_clear_pointer (&b->locks, g_array_unref);
  g_clear_pointer (&b->presales, g_array_unref);
  g_clear_pointer (&b->sales, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Built, built_clear)

static guint
channel_index (const Built *b,
               const char  *id)
{
  for (guint i = 0; i < b->channels->len; i++)
    if (strcmp (g_array_index (b->channels, QmAllocChannel, i).id, id) == 0)
      return i;
  g_error ("no channel %s", id);
}

static guint
sku_index (const Built *b,
           const char  *sku)
{
  for (guint i = 0; i < b->skus->len; i++)
    if (strcmp (g_array_index (b->skus, QmAllocSku, i).sku, sku) == 0)
      return i;
  g_error ("no SKU %s", sku);
}

/* "app=5 web=3" -> per-channel array; NULL -> NULL. */
static const gint64 *
parse_channel_values (Built      *b,
                      const char *spec)
{
  g_auto(GStrv) parts = NULL;
  gint64 *values;

  if (spec == NULL)
    return NULL;

  values = g_new0 (gint64, MAX (b->channels->len, 1));
  g_ptr_array_add (b->owned, values);
  parts = g_strsplit (spec, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (parts[i], "=", 2);

      g_assert_nonnull (kv[1]);
      values[channel_index (b, kv[0])] = g_ascii_strtoll (kv[1], NULL, 10);
    }

  return values;
}

static void
build_case (Built           *b,
            const AllocCase *c)
{
  guint n_wh = 0;

  memset (b, 0, sizeof *b);
  b->owned = g_ptr_array_new_with_free_func (g_free);
  b->strvs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  b->channels = g_array_new (FALSE, TRUE, sizeof (QmAllocChannel));
  b->warehouses = g_array_new (FALSE, TRUE, sizeof (QmAllocWarehouse));
  b->skus = g_array_new (FALSE, TRUE, sizeof (QmAllocSku));
  b->qualified = g_array_new (FALSE, TRUE, sizeof (gint64));
  b->rules = g_array_new (FALSE, TRUE, sizeof (QmAllocRule));
  b->locks = g_array_new (FALSE, TRUE, sizeof (QmAllocLock));
  b->presales = g_array_new (FALSE, TRUE, sizeof (QmAllocPresale));
  b->sales = g_array_new (FALSE, TRUE, sizeof (QmAllocSale));

  for (const ChanSpec *s = c->channels; s->id != NULL; s++)
    {
      QmAllocChannel ch = { s->id, NULL, !s->inactive };

      if (s->regions != NULL)
        {
          char **regions = g_strsplit (s->regions, " ", -1);

          g_ptr_array_add (b->strvs, regions);
          ch.regions = (const char * const *) regions;
        }
      g_array_append_val (b->channels, ch);
    }

  for (const WhSpec *s = c->warehouses; s->id != NULL; s++)
    {
      QmAllocWarehouse wh = { s->id, s->region, FALSE, 0, 0 };

      g_array_append_val (b->warehouses, wh);
      n_wh++;
    }

  for (const SkuSpec *s = c->skus; s->sku != NULL; s++)
    {
      QmAllocSku sku = { s->sku, s->category, s->open_po };

      g_array_append_val (b->skus, sku);
      g_array_append_vals (b->qualified, s->qty, n_wh);
    }

  for (const RuleSpec *s = c->rules; s != NULL && s->scope != NULL; s++)
    {
      QmAllocRule r = { 0 };

      g_assert_true (qm_alloc_scope_from_string (s->scope, &r.scope));
      g_assert_true (qm_allocation_mode_from_string (s->mode, &r.mode));
      r.key = s->key;
      r.weights = parse_channel_values (b, s->weights);
      r.oversell_percent = parse_channel_values (b, s->oversell);
      r.buffer_units = s->buffer_units;
      r.buffer_percent = s->buffer_percent;
      r.window_days = s->window_days;
      r.min_share_permille = s->min_share_permille;
      g_array_append_val (b->rules, r);
    }

  for (const LockSpec *s = c->locks; s != NULL && s->channel != NULL; s++)
    {
      QmAllocLock l = { channel_index (b, s->channel), sku_index (b, s->sku),
                        s->quantity, s->starts_at, s->ends_at };

      g_array_append_val (b->locks, l);
    }

  for (const PresaleSpec *s = c->presales; s != NULL && s->channel != NULL; s++)
    {
      QmAllocPresale p = { channel_index (b, s->channel), sku_index (b, s->sku), s->quantity };

      g_array_append_val (b->presales, p);
    }

  for (const SaleSpec *s = c->sales; s != NULL && s->channel != NULL; s++)
    {
      QmAllocSale a = { channel_index (b, s->channel), sku_index (b, s->sku),
                        s->at, s->quantity };

      g_array_append_val (b->sales, a);
    }

  b->in.channels = (const QmAllocChannel *) (gpointer) b->channels->data;
  b->in.n_channels = b->channels->len;
  b->in.warehouses = (const QmAllocWarehouse *) (gpointer) b->warehouses->data;
  b->in.n_warehouses = b->warehouses->len;
  b->in.skus = (const QmAllocSku *) (gpointer) b->skus->data;
  b->in.n_skus = b->skus->len;
  b->in.qualified = (const gint64 *) (gpointer) b->qualified->data;
  b->in.rules = (const QmAllocRule *) (gpointer) b->rules->data;
  b->in.n_rules = b->rules->len;
  b->in.locks = (const QmAllocLock *) (gpointer) b->locks->data;
  b->in.n_locks = b->locks->len;
  b->in.presales = (const QmAllocPresale *) (gpointer) b->presales->data;
  b->in.n_presales = b->presales->len;
  b->in.sales = (const QmAllocSale *) (gpointer) b->sales->data;
  b->in.n_sales = b->sales->len;
  b->in.now = NOW;
}

/* What must hold for any input, whatever the rules. */
static void
check_invariants (const QmAllocInput  *in,
                  const QmAllocResult *r)
{
  g_assert_cmpuint (r->n_skus, ==, in->n_skus);
  g_assert_cmpuint (r->n_channels, ==, in->n_channels);

  for (guint s = 0; s < in->n_skus; s++)
    {
      const QmAllocSkuResult *sr = &r->skus[s];
      gint64 qualified = 0, taken = 0, promo = 0, pre = 0;

      for (guint w = 0; w < in->n_warehouses; w++)
        qualified += in->qualified[s * in->n_warehouses + w];
      g_assert_cmpint (sr->qualified, ==, qualified);
      g_assert_cmpint (sr->pool, >=, 0);
      g_assert_cmpint (sr->pool + sr->buffer, ==, qualified);

      for (guint c = 0; c < in->n_channels; c++)
        {
          const QmAllocRow *row = &r->rows[s * in->n_channels + c];
          const QmAllocRule *rule = sr->rule >= 0 ? &in->rules[sr->rule] : NULL;
          gint64 pct = rule != NULL && rule->oversell_percent != NULL
                       ? rule->oversell_percent[c] : 0;

          g_assert_cmpuint (row->sku, ==, s);
          g_assert_cmpuint (row->channel, ==, c);
          g_assert_cmpint (row->regular, >=, 0);
          g_assert_cmpint (row->promotional, >=, 0);
          g_assert_cmpint (row->pre_sale, >=, 0);
          g_assert_cmpint (row->oversell, ==, row->regular * pct / 100);
          g_assert_cmpint (row->sellable, ==,
                           row->regular + row->promotional + row->pre_sale + row->oversell);
          if (!in->channels[c].active)
            g_assert_cmpint (row->sellable, ==, 0);
          if (sr->mode == QM_ALLOCATION_SHARED && in->channels[c].active)
            g_assert_cmpint (row->regular, ==, sr->pool - sr->promotional);

          taken += row->regular + row->promotional;
          promo += row->promotional;
          pre += row->pre_sale;
        }

      g_assert_cmpint (promo, ==, sr->promotional);
      g_assert_cmpint (promo, <=, sr->pool);
      g_assert_cmpint (pre, <=, in->skus[s].open_po_quantity);
      /* Outside shared, the channels never get more than the pool. */
      if (sr->mode != QM_ALLOCATION_SHARED)
        {
          g_assert_cmpint (taken, <=, sr->pool);
          g_assert_cmpint (taken, ==, sr->regular + sr->promotional);
        }
    }
}

static void
test_alloc_case (gconstpointer data)
{
  const AllocCase *c = data;
  g_auto(Built) b;
  g_autoptr(QmAllocResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *listed = NULL;

  build_case (&b, c);
  r = qm_allocation_compute (&b.in, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);

  check_invariants (&b.in, r);

  for (const SkuSpec *s = c->skus; s->sku != NULL; s++)
    g_assert_cmpint (r->skus[sku_index (&b, s->sku)].pool, ==, s->pool);

  listed = g_new0 (gboolean, b.in.n_skus * b.in.n_channels + 1);
  for (const RowSpec *e = c->rows; e->sku != NULL; e++)
    {
      guint s = sku_index (&b, e->sku);
      guint ch = channel_index (&b, e->channel);
      const QmAllocRow *row = &r->rows[s * b.in.n_channels + ch];

      if (g_test_verbose ())
        g_test_message ("%s %s: %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                        " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, e->sku, e->channel,
                        row->regular, row->promotional, row->pre_sale, row->oversell,
                        row->sellable);
      g_assert_cmpint (row->regular, ==, e->regular);
      g_assert_cmpint (row->promotional, ==, e->promotional);
      g_assert_cmpint (row->pre_sale, ==, e->pre_sale);
      g_assert_cmpint (row->oversell, ==, e->oversell);
      g_assert_cmpint (row->sellable, ==, e->sellable);
      listed[s * b.in.n_channels + ch] = TRUE;
    }

  for (guint i = 0; i < b.in.n_skus * b.in.n_channels; i++)
    if (!listed[i])
      g_assert_cmpint (r->rows[i].sellable, ==, 0);
}

/* The rule each SKU used, as reported back. */
static void
test_scope_reported (void)
{
  g_auto(Built) b;
  g_autoptr(QmAllocResult) r = NULL;
  g_autoptr(GError) error = NULL;
  const AllocCase *c = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (alloc_cases); i++)
    if (strcmp (alloc_cases[i].path, "/allocation/scope/precedence") == 0)
      c = &alloc_cases[i];
  g_assert_nonnull (c);

  build_case (&b, c);
  r = qm_allocation_compute (&b.in, &error);
  g_assert_no_error (error);

  /* Rules: 0 = sku T-2, 1 = category toys, 2 = default. */
  g_assert_cmpint (r->skus[sku_index (&b, "G-1")].rule, ==, 2);
  g_assert_cmpint (r->skus[sku_index (&b, "N-1")].rule, ==, 2);
  g_assert_cmpint (r->skus[sku_index (&b, "T-1")].rule, ==, 1);
  g_assert_cmpint (r->skus[sku_index (&b, "T-2")].rule, ==, 0);
  g_assert_cmpint (r->skus[sku_index (&b, "T-2")].mode, ==, QM_ALLOCATION_SHARED);
  g_assert_cmpint (r->skus[sku_index (&b, "T-1")].mode, ==, QM_ALLOCATION_RATIO);

  /* Without the default rule, G-1 falls back to the built-in rule. */
  b.in.n_rules = 2;
  g_clear_pointer (&r, qm_alloc_result_free);
  r = qm_allocation_compute (&b.in, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->skus[sku_index (&b, "G-1")].rule, ==, -1);
  g_assert_cmpint (r->skus[sku_index (&b, "G-1")].mode, ==, QM_ALLOCATION_SHARED);
  g_assert_cmpint (r->rows[sku_index (&b, "G-1") * 3].regular, ==, 8);
}

/* 50 channels, given in reverse id order (ch49 ... ch00), equal weights,
 * 1234 units: q = 24.68 each; fl 24 each = 1200, left 34; every remainder
 * and weight ties, so the 34 smallest ids, ch00 to ch33, get 25 and ch34
 * to ch49 get 24. 34 * 25 + 16 * 24 = 850 + 384 = 1234. */
static void
test_fifty_channels (void)
{
  QmAllocChannel channels[50];
  char ids[50][8];
  QmAllocWarehouse wh = { "wh-1", "north", FALSE, 0, 0 };
  QmAllocSku sku = { "A-1", NULL, 0 };
  gint64 qualified = 1234;
  QmAllocRule rule = { QM_ALLOC_SCOPE_DEFAULT, NULL, QM_ALLOCATION_RATIO };
  QmAllocInput in = { 0 };
  g_autoptr(QmAllocResult) r = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 50; i++)
    {
      g_snprintf (ids[i], sizeof ids[i], "ch%02u", 49 - i);
      channels[i].id = ids[i];
      channels[i].regions = NULL;
      channels[i].active = TRUE;
    }

  in.channels = channels;
  in.n_channels = 50;
  in.warehouses = &wh;
  in.n_warehouses = 1;
  in.skus = &sku;
  in.n_skus = 1;
  in.qualified = &qualified;
  in.rules = &rule;
  in.n_rules = 1;
  in.now = NOW;

  r = qm_allocation_compute (&in, &error);
  g_assert_no_error (error);
  check_invariants (&in, r);

  for (guint i = 0; i < 50; i++)
    {
      guint number = 49 - i;

      g_assert_cmpint (r->rows[i].regular, ==, number <= 33 ? 25 : 24);
    }

  /* The same with weights 1 .. 50 (channel chNN weighs NN + 1), total
   * 1275, over 1275 units: every quota is exact, chNN gets NN + 1. */
  {
    gint64 weights[50];

    for (guint i = 0; i < 50; i++)
      weights[i] = 49 - i + 1;
    rule.weights = weights;
    qualified = 1275;
    g_clear_pointer (&r, qm_alloc_result_free);
    r = qm_allocation_compute (&in, &error);
    g_assert_no_error (error);
    check_invariants (&in, r);
    for (guint i = 0; i < 50; i++)
      g_assert_cmpint (r->rows[i].regular, ==, 49 - i + 1);
  }
}

/* Random inputs in every mode: only the invariants are checked. */
static void
test_random_invariants (void)
{
  for (guint round = 0; round < 200; round++)
    {
      guint n_ch = (guint) g_test_rand_int_range (1, 13);
      guint n_wh = (guint) g_test_rand_int_range (1, 6);
      guint n_sku = 40;
      guint n_rules = 6;
      g_autofree QmAllocChannel *ch = g_new0 (QmAllocChannel, n_ch);
      g_autofree QmAllocWarehouse *wh = g_new0 (QmAllocWarehouse, n_wh);
      g_autofree QmAllocSku *skus = g_new0 (QmAllocSku, n_sku);
      g_autofree gint64 *qualified = g_new0 (gint64, n_sku * n_wh);
      g_autofree QmAllocRule *rules = g_new0 (QmAllocRule, n_rules);
      g_autofree gint64 *weights = g_new0 (gint64, n_rules * n_ch);
      g_autofree gint64 *oversell = g_new0 (gint64, n_rules * n_ch);
      g_autofree QmAllocLock *locks = g_new0 (QmAllocLock, 60);
      g_autofree QmAllocPresale *presales = g_new0 (QmAllocPresale, 30);
      g_autofree QmAllocSale *sales = g_new0 (QmAllocSale, 300);
      g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
      static const char * const regions_a[] = { "r0", NULL };
      static const char * const regions_b[] = { "r1", "r2", NULL };
      static const char * const categories[] = { "c0", "c1", "c2" };
      QmAllocInput in = { 0 };
      g_autoptr(QmAllocResult) r = NULL;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < n_ch; i++)
        {
          char *id = g_strdup_printf ("ch-%u", g_test_rand_int_range (0, 1000) * 16 + i);

          g_ptr_array_add (strings, id);
          ch[i].id = id;
          ch[i].active = g_test_rand_int_range (0, 5) != 0;
          ch[i].regions = i % 3 == 0 ? regions_a : i % 3 == 1 ? regions_b : NULL;
        }
      for (guint i = 0; i < n_wh; i++)
        {
          char *id = g_strdup_printf ("wh-%u", i);

          g_ptr_array_add (strings, id);
          wh[i].id = id;
          wh[i].region = i % 4 == 0 ? "r0" : i % 4 == 1 ? "r1" : i % 4 == 2 ? "r2" : "";
        }
      for (guint s = 0; s < n_sku; s++)
        {
          char *id = g_strdup_printf ("S-%u", s);

          g_ptr_array_add (strings, id);
          skus[s].sku = id;
          skus[s].category = categories[s % 3];
          skus[s].open_po_quantity = g_test_rand_int_range (0, 3) == 0 ? 0
                                     : g_test_rand_int_range (0, 50);
          for (guint w = 0; w < n_wh; w++)
            qualified[s * n_wh + w] = g_test_rand_int_range (0, 4) == 0 ? 0
                                      : g_test_rand_int_range (0, 300);
        }
      for (guint i = 0; i < n_rules; i++)
        {
          QmAllocRule *rule = &rules[i];

          rule->scope = i == 0 ? QM_ALLOC_SCOPE_DEFAULT
                        : i <= 3 ? QM_ALLOC_SCOPE_CATEGORY : QM_ALLOC_SCOPE_SKU;
          rule->key = i == 0 ? NULL : i <= 3 ? categories[i - 1] : skus[i].sku;
          rule->mode = (QmAllocationMode) g_test_rand_int_range (0, 4);
          for (guint c = 0; c < n_ch; c++)
            {
              weights[i * n_ch + c] = g_test_rand_int_range (0, 10);
              oversell[i * n_ch + c] = g_test_rand_int_range (0, 3) == 0
                                       ? g_test_rand_int_range (0, 200) : 0;
            }
          rule->weights = g_test_rand_bit () ? &weights[i * n_ch] : NULL;
          rule->oversell_percent = &oversell[i * n_ch];
          rule->buffer_units = g_test_rand_int_range (0, 3) == 0
                               ? g_test_rand_int_range (0, 100) : 0;
          rule->buffer_percent = g_test_rand_int_range (0, 3) == 0
                                 ? g_test_rand_int_range (0, 101) : 0;
          rule->window_days = g_test_rand_int_range (1, 30);
          rule->min_share_permille = g_test_rand_int_range (0, 400);
        }
      for (guint i = 0; i < 60; i++)
        {
          locks[i].channel = (guint) g_test_rand_int_range (0, (gint32) n_ch);
          locks[i].sku = (guint) g_test_rand_int_range (0, (gint32) n_sku);
          locks[i].quantity = g_test_rand_int_range (1, 400);
          locks[i].starts_at = NOW - g_test_rand_int_range (-5, 10) * DAY;
          locks[i].ends_at = locks[i].starts_at + g_test_rand_int_range (0, 10) * DAY;
        }
      for (guint i = 0; i < 30; i++)
        {
          presales[i].channel = (guint) g_test_rand_int_range (0, (gint32) n_ch);
          presales[i].sku = (guint) g_test_rand_int_range (0, (gint32) n_sku);
          presales[i].quantity = g_test_rand_int_range (1, 60);
        }
      for (guint i = 0; i < 300; i++)
        {
          sales[i].channel = (guint) g_test_rand_int_range (0, (gint32) n_ch);
          sales[i].sku = (guint) g_test_rand_int_range (0, (gint32) n_sku);
          sales[i].quantity = g_test_rand_int_range (0, 40);
          sales[i].at = NOW - g_test_rand_int_range (-2 * 86400, 40 * 86400);
        }

      in.channels = ch;
      in.n_channels = n_ch;
      in.warehouses = wh;
      in.n_warehouses = n_wh;
      in.skus = skus;
      in.n_skus = n_sku;
      in.qualified = qualified;
      in.rules = rules;
      in.n_rules = n_rules;
      in.locks = locks;
      in.n_locks = 60;
      in.presales = presales;
      in.n_presales = 30;
      in.sales = sales;
      in.n_sales = 300;
      in.now = NOW;

      r = qm_allocation_compute (&in, &error);
      g_assert_no_error (error);
      check_invariants (&in, r);

      /* Ratio with some weight and performance with an active channel
       * give out the whole pool. */
      for (guint s = 0; s < n_sku; s++)
        {
          const QmAllocSkuResult *sr = &r->skus[s];
          gboolean any_active = FALSE;

          for (guint c = 0; c < n_ch; c++)
            any_active |= ch[c].active;
          if (sr->mode == QM_ALLOCATION_PERFORMANCE && any_active)
            g_assert_cmpint (sr->regular + sr->promotional, ==, sr->pool);
        }
    }
}

/* Bad input is refused with QM_ERROR_INVALID_INPUT, never a crash. */
typedef enum
{
  BREAK_DUPLICATE_CHANNEL,
  BREAK_DUPLICATE_WAREHOUSE,
  BREAK_DUPLICATE_DEFAULT_RULE,
  BREAK_DUPLICATE_CATEGORY_RULE,
  BREAK_CATEGORY_RULE_WITHOUT_KEY,
  BREAK_NEGATIVE_STOCK,
  BREAK_HUGE_STOCK,
  BREAK_BUFFER_PERCENT,
  BREAK_NEGATIVE_BUFFER,
  BREAK_NEGATIVE_WEIGHT,
  BREAK_OVERSELL_PERCENT,
  BREAK_WINDOW,
  BREAK_MIN_SHARE,
  BREAK_LOCK_CHANNEL,
  BREAK_PRESALE_SKU,
  BREAK_NEGATIVE_SALE,
  BREAK_MODE,
  N_BREAKS,
} Break;

static void
test_invalid_input (void)
{
  for (guint what = 0; what < N_BREAKS; what++)
    {
      QmAllocChannel channels[2] = { { "app", NULL, TRUE }, { "web", NULL, TRUE } };
      QmAllocWarehouse wh[2] = { { "wh-1", "north", FALSE, 0, 0 },
                                 { "wh-2", "south", FALSE, 0, 0 } };
      QmAllocSku skus[1] = { { "A-1", "toys", 10 } };
      gint64 qualified[2] = { 5, 5 };
      gint64 weights[2] = { 1, 1 };
      gint64 oversell[2] = { 0, 0 };
      QmAllocRule rules[2] = {
        { QM_ALLOC_SCOPE_DEFAULT, NULL, QM_ALLOCATION_PERFORMANCE, weights, oversell,
          0, 0, 7, 0 },
        { QM_ALLOC_SCOPE_CATEGORY, "toys", QM_ALLOCATION_RATIO, weights, oversell,
          0, 0, 7, 0 },
      };
      QmAllocLock lock = { 0, 0, 3, NOW - 1, NOW + 1 };
      QmAllocPresale presale = { 1, 0, 3 };
      QmAllocSale sale = { 1, 0, NOW - 1, 3 };
      QmAllocInput in = { channels, 2, wh, 2, skus, 1, qualified, rules, 2,
                          &lock, 1, &presale, 1, &sale, 1, NOW };
      g_autoptr(QmAllocResult) r = NULL;
      g_autoptr(GError) error = NULL;

      switch ((Break) what)
        {
        case BREAK_DUPLICATE_CHANNEL: channels[1].id = "app"; break;
        case BREAK_DUPLICATE_WAREHOUSE: wh[1].id = "wh-1"; break;
        case BREAK_DUPLICATE_DEFAULT_RULE: rules[1].scope = QM_ALLOC_SCOPE_DEFAULT; break;
        case BREAK_DUPLICATE_CATEGORY_RULE: rules[0].scope = QM_ALLOC_SCOPE_CATEGORY;
                                            rules[0].key = "toys"; break;
        case BREAK_CATEGORY_RULE_WITHOUT_KEY: rules[1].key = ""; break;
        case BREAK_NEGATIVE_STOCK: qualified[1] = -1; break;
        case BREAK_HUGE_STOCK: qualified[0] = qualified[1] = QM_ALLOC_QUANTITY_MAX; break;
        case BREAK_BUFFER_PERCENT: rules[1].buffer_percent = 101; break;
        case BREAK_NEGATIVE_BUFFER: rules[1].buffer_units = -1; break;
        case BREAK_NEGATIVE_WEIGHT: weights[1] = -2; break;
        case BREAK_OVERSELL_PERCENT: oversell[0] = QM_ALLOC_OVERSELL_PERCENT_MAX + 1; break;
        case BREAK_WINDOW: rules[0].window_days = 0; break;
        case BREAK_MIN_SHARE: rules[0].min_share_permille = 1001; break;
        case BREAK_LOCK_CHANNEL: lock.channel = 2; break;
        case BREAK_PRESALE_SKU: presale.sku = 1; break;
        case BREAK_NEGATIVE_SALE: sale.quantity = -4; break;
        case BREAK_MODE: rules[1].mode = (QmAllocationMode) 9; break;
        case N_BREAKS:
        default: g_assert_not_reached ();
        }

      r = qm_allocation_compute (&in, &error);
      g_assert_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT);
      g_assert_null (r);
      g_assert_nonnull (error->message);
      g_test_message ("break %u: %s", what, error->message);
    }
}

/* Recomputing into an old result gives what a fresh computation gives,
 * whether the sizes match or not. */
static void
test_recompute (void)
{
  g_autoptr(QmAllocResult) r = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (alloc_cases); i++)
    {
      g_auto(Built) b;
      g_autoptr(QmAllocResult) fresh = NULL;

      build_case (&b, &alloc_cases[i]);
      fresh = qm_allocation_compute (&b.in, &error);
      g_assert_no_error (error);
      if (r == NULL)
        r = qm_allocation_compute (&b.in, &error);
      g_assert_true (qm_allocation_recompute (&b.in, r, &error));
      g_assert_no_error (error);

      g_assert_cmpuint (r->n_skus, ==, fresh->n_skus);
      g_assert_cmpuint (r->n_channels, ==, fresh->n_channels);
      g_assert_cmpmem (r->rows, sizeof (QmAllocRow) * r->n_skus * r->n_channels,
                       fresh->rows, sizeof (QmAllocRow) * fresh->n_skus * fresh->n_channels);
      g_assert_cmpmem (r->skus, sizeof (QmAllocSkuResult) * r->n_skus,
                       fresh->skus, sizeof (QmAllocSkuResult) * fresh->n_skus);
    }
}

/* An empty input is fine: nothing in, nothing out. */
static void
test_empty (void)
{
  QmAllocInput in = { 0 };
  g_autoptr(QmAllocResult) r = NULL;
  g_autoptr(GError) error = NULL;

  r = qm_allocation_compute (&in, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpuint (r->n_skus, ==, 0);
  g_assert_cmpuint (r->n_channels, ==, 0);
}

static void
test_scope_strings (void)
{
  QmAllocScope scope;

  g_assert_cmpstr (qm_alloc_scope_to_string (QM_ALLOC_SCOPE_DEFAULT), ==, "default");
  g_assert_cmpstr (qm_alloc_scope_to_string (QM_ALLOC_SCOPE_CATEGORY), ==, "category");
  g_assert_cmpstr (qm_alloc_scope_to_string (QM_ALLOC_SCOPE_SKU), ==, "sku");
  g_assert_true (qm_alloc_scope_from_string ("sku", &scope));
  g_assert_cmpint (scope, ==, QM_ALLOC_SCOPE_SKU);
  g_assert_false (qm_alloc_scope_from_string ("SKU", &scope));
  g_assert_false (qm_alloc_scope_from_string (NULL, &scope));
}

/* ------------------------------------------------------------------ */
/* Routing                                                             */

/* Four German cities; great-circle distances from Berlin, worked out with
 * the haversine formula (R = 6371.0088 km): Hamburg 255 km, Cologne
 * 477 km, Munich 504 km. So from the east (whose only located warehouse
 * is Berlin) the order is ber, ham, cgn, muc. */
static const QmAllocWarehouse cities[] = {
  { "wh-muc", "south", TRUE, 48.1372, 11.5756 },
  { "wh-cgn", "west", TRUE, 50.9375, 6.9603 },
  { "wh-ham", "north", TRUE, 53.5511, 9.9937 },
  { "wh-ber", "east", TRUE, 52.5200, 13.4050 },
};

enum { MUC, CGN, HAM, BER };

typedef struct
{
  const char *path;
  const char *region;
  gint64      stock[4];      /* muc, cgn, ham, ber */
  gint64      quantity;
  guint       n_legs;
  guint       legs[4][2];    /* warehouse, quantity */
  gint64      shortfall;
} RouteCase;

static const RouteCase route_cases[] = {
  /* The nearest warehouse holds it all: Berlin ships 5. */
  { "/routing/single-warehouse", "east", { 9, 9, 9, 10 }, 5, 1, { { BER, 5 } }, 0 },
  /* Berlin has 2; the next nearest holding 5 is Hamburg: one shipment from
   * Hamburg beats a split. */
  { "/routing/nearest-with-enough", "east", { 9, 9, 10, 2 }, 5, 1, { { HAM, 5 } }, 0 },
  /* Nobody has 12 alone (largest is Munich's 10): split nearest first,
   * Berlin 3, Hamburg 2, Cologne 4, Munich the last 3. */
  { "/routing/split", "east", { 10, 4, 2, 3 }, 12, 4,
    { { BER, 3 }, { HAM, 2 }, { CGN, 4 }, { MUC, 3 } }, 0 },
  /* Split from the south: Munich is the reference; Munich-Cologne 456 km,
   * Munich-Hamburg 612 km, Munich-Berlin 504 km, so muc, cgn, ber, ham.
   * 8 wanted, nobody has 8: Munich 5, Cologne 0 (no leg), Berlin 2,
   * Hamburg 1. */
  { "/routing/split-skips-empty", "south", { 5, 0, 6, 2 }, 8, 3,
    { { MUC, 5 }, { BER, 2 }, { HAM, 1 } }, 0 },
  /* 10 wanted, 6 in all: everything ships, 4 short. */
  { "/routing/shortfall", "east", { 1, 0, 2, 3 }, 10, 3,
    { { BER, 3 }, { HAM, 2 }, { MUC, 1 } }, 4 },
  /* No stock anywhere: no legs, all short. */
  { "/routing/no-stock", "west", { 0, 0, 0, 0 }, 3, 0, { { 0 } }, 3 },
  /* Nothing ordered: nothing ships, nothing short. */
  { "/routing/nothing-ordered", "west", { 1, 1, 1, 1 }, 0, 0, { { 0 } }, 0 },
};

static void
test_route_case (gconstpointer data)
{
  const RouteCase *c = data;
  QmRouteLeg legs[4];
  gint64 shortfall = -1;
  guint n;

  n = qm_route_order (cities, 4, c->stock, c->region, c->quantity, legs, &shortfall);
  g_assert_cmpuint (n, ==, c->n_legs);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (legs[i].warehouse, ==, c->legs[i][0]);
      g_assert_cmpint (legs[i].quantity, ==, c->legs[i][1]);
    }
  g_assert_cmpint (shortfall, ==, c->shortfall);
}

static void
test_route_rank (void)
{
  guint order[4];

  qm_route_rank_warehouses (cities, 4, "east", order);
  g_assert_cmpuint (order[0], ==, BER);
  g_assert_cmpuint (order[1], ==, HAM);
  g_assert_cmpuint (order[2], ==, CGN);
  g_assert_cmpuint (order[3], ==, MUC);

  qm_route_rank_warehouses (cities, 4, "south", order);
  g_assert_cmpuint (order[0], ==, MUC);
  g_assert_cmpuint (order[1], ==, CGN);
  g_assert_cmpuint (order[2], ==, BER);
  g_assert_cmpuint (order[3], ==, HAM);

  /* A region no warehouse is in: no reference point, order by id. */
  qm_route_rank_warehouses (cities, 4, "atlantis", order);
  g_assert_cmpuint (order[0], ==, BER);
  g_assert_cmpuint (order[1], ==, CGN);
  g_assert_cmpuint (order[2], ==, HAM);
  g_assert_cmpuint (order[3], ==, MUC);
}

/* Two warehouses in one place (wh-b given first), the region's reference
 * elsewhere: equal distances go to the smaller id, wh-a. A warehouse
 * without a location comes last. */
static void
test_route_tie (void)
{
  const QmAllocWarehouse whs[] = {
    { "wh-0", "north", FALSE, 0, 0 },
    { "wh-b", "north", TRUE, 53.5511, 9.9937 },
    { "wh-a", "north", TRUE, 53.5511, 9.9937 },
    { "wh-c", "east", TRUE, 52.5200, 13.4050 },
  };
  const gint64 stock[] = { 100, 5, 5, 0 };
  guint order[4];
  QmRouteLeg legs[4];
  gint64 shortfall;
  guint n;

  qm_route_rank_warehouses (whs, 4, "east", order);
  g_assert_cmpuint (order[0], ==, 3);   /* wh-c, the reference itself */
  g_assert_cmpuint (order[1], ==, 2);   /* wh-a */
  g_assert_cmpuint (order[2], ==, 1);   /* wh-b */
  g_assert_cmpuint (order[3], ==, 0);   /* wh-0, no location */

  n = qm_route_order (whs, 4, stock, "east", 3, legs, &shortfall);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (legs[0].warehouse, ==, 2);
  g_assert_cmpint (legs[0].quantity, ==, 3);
  g_assert_cmpint (shortfall, ==, 0);

  /* 107 wanted: nobody holds that much alone (wh-0 has 100), so split
   * in rank order: wh-c has none, wh-a 5, wh-b 5, and wh-0, ranked last
   * for want of a location, the other 97. */
  n = qm_route_order (whs, 4, stock, "east", 107, legs, &shortfall);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (legs[0].warehouse, ==, 2);
  g_assert_cmpint (legs[0].quantity, ==, 5);
  g_assert_cmpuint (legs[1].warehouse, ==, 1);
  g_assert_cmpint (legs[1].quantity, ==, 5);
  g_assert_cmpuint (legs[2].warehouse, ==, 0);
  g_assert_cmpint (legs[2].quantity, ==, 97);
  g_assert_cmpint (shortfall, ==, 0);
}

static void
test_route_reference_point (void)
{
  const QmAllocWarehouse whs[] = {
    { "a", "eq", TRUE, 0, 10 },
    { "b", "eq", TRUE, 0, 20 },
    { "c", "dateline", TRUE, 0, 170 },
    { "d", "dateline", TRUE, 0, -170 },
    { "e", "antipodes", TRUE, 0, 0 },
    { "f", "antipodes", TRUE, 0, 180 },
    { "g", "nowhere", FALSE, 0, 0 },
  };
  double lat, lon;

  /* Two points on the equator at 10 and 20 degrees east: their centre is
   * on the equator at 15 degrees east. */
  g_assert_true (qm_region_reference_point (whs, G_N_ELEMENTS (whs), "eq", &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 15.0, 1e-9);

  /* Across the date line: 170 E and 170 W meet at 180, not at 0 as a
   * plain average of the longitudes would say. */
  g_assert_true (qm_region_reference_point (whs, G_N_ELEMENTS (whs), "dateline", &lat, &lon));
  g_assert_cmpfloat_with_epsilon (lat, 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fabs (lon), 180.0, 1e-9);

  /* Antipodes have no centre: the smaller id, e, is the reference. */
  g_assert_true (qm_region_reference_point (whs, G_N_ELEMENTS (whs), "antipodes", &lat, &lon));
  g_assert_cmpfloat (lat, ==, 0.0);
  g_assert_cmpfloat (lon, ==, 0.0);

  g_assert_false (qm_region_reference_point (whs, G_N_ELEMENTS (whs), "nowhere", &lat, &lon));
  g_assert_false (qm_region_reference_point (whs, G_N_ELEMENTS (whs), "", &lat, &lon));
}

static void
test_haversine (void)
{
  /* One degree of longitude on the equator: 2 * pi * 6371.0088 / 360 =
   * 111.19508 km. A quarter of the way round, pole to equator: 10007.55. */
  g_assert_cmpfloat_with_epsilon (qm_haversine_km (0, 0, 0, 1), 111.19508, 1e-4);
  g_assert_cmpfloat_with_epsilon (qm_haversine_km (90, 0, 0, 0), 10007.557, 1e-3);
  g_assert_cmpfloat (qm_haversine_km (12.5, 45, 12.5, 45), ==, 0.0);
  /* Antipodes: half the way round, 20015.11 km, no NaN. */
  g_assert_cmpfloat_with_epsilon (qm_haversine_km (0, 0, 0, 180), 20015.115, 1e-3);
  /* Berlin to Hamburg and Munich, as the table above says. */
  g_assert_cmpfloat_with_epsilon (qm_haversine_km (52.52, 13.405, 53.5511, 9.9937), 255, 1);
  g_assert_cmpfloat_with_epsilon (qm_haversine_km (52.52, 13.405, 48.1372, 11.5756), 504, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (apportion_cases); i++)
    g_test_add_data_func (apportion_cases[i].path, &apportion_cases[i], test_apportion_case);
  g_test_add_func ("/allocation/apportion/quota-property", test_apportion_quota_property);

  for (guint i = 0; i < G_N_ELEMENTS (alloc_cases); i++)
    g_test_add_data_func (alloc_cases[i].path, &alloc_cases[i], test_alloc_case);
  g_test_add_func ("/allocation/scope/reported", test_scope_reported);
  g_test_add_func ("/allocation/scope/strings", test_scope_strings);
  g_test_add_func ("/allocation/fifty-channels", test_fifty_channels);
  g_test_add_func ("/allocation/empty", test_empty);
  g_test_add_func ("/allocation/recompute", test_recompute);
  g_test_add_func ("/allocation/invalid-input", test_invalid_input);
  g_test_add_func ("/allocation/random-invariants", test_random_invariants);

  for (guint i = 0; i < G_N_ELEMENTS (route_cases); i++)
    g_test_add_data_func (route_cases[i].path, &route_cases[i], test_route_case);
  g_test_add_func ("/routing/rank", test_route_rank);
  g_test_add_func ("/routing/tie", test_route_tie);
  g_test_add_func ("/routing/reference-point", test_route_reference_point);
  g_test_add_func ("/routing/haversine", test_haversine);

  return g_test_run ();
}
