/* qm-allocation.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-allocation"

#include "config.h"

#include <math.h>
#include <string.h>

#include "qm-allocation.h"
#include "qm-error.h"

/* Scratch arrays on the stack up to this many shares; more go to the heap. */
#define STACK_SHARES 64

static const char * const scope_names[] = {
  "default", "category", "sku",
};

/* The rule used when no rule matches a SKU. */
static const QmAllocRule builtin_rule = {
  .scope = QM_ALLOC_SCOPE_DEFAULT,
  .key = NULL,
  .mode = QM_ALLOCATION_SHARED,
  .weights = NULL,
  .oversell_percent = NULL,
  .buffer_units = 0,
  .buffer_percent = 0,
  .window_days = 1,
  .min_share_permille = 0,
};

const char *
qm_alloc_scope_to_string (QmAllocScope scope)
{
  g_return_val_if_fail ((guint) scope < G_N_ELEMENTS (scope_names), NULL);

  return scope_names[scope];
}

gboolean
qm_alloc_scope_from_string (const char   *text,
                            QmAllocScope *out_scope)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (scope_names); i++)
    {
      if (strcmp (text, scope_names[i]) == 0)
        {
          if (out_scope != NULL)
            *out_scope = (QmAllocScope) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Exact floor (a * b / d) and its remainder, for a * b up to 2^128.   */

#if defined(__SIZEOF_INT128__) && !defined(QM_ALLOC_NO_INT128)

static inline guint64
mul_div (guint64  a,
         guint64  b,
         guint64  d,
         guint64 *out_rem)
{
  unsigned __int128 p;
  guint64 p64;

  /* 64-bit division is several times faster: use it when it can. */
  if (!g_uint64_checked_mul (&p64, a, b))
    {
      p = (unsigned __int128) a * b;
      *out_rem = (guint64) (p % d);
      return (guint64) (p / d);
    }

  *out_rem = p64 % d;
  return p64 / d;
}

#else

/* Portable version: 64 x 64 -> 128 bit product, then shift-and-subtract
 * long division. The quotient must fit in 64 bits (it does here: it is at
 * most the number of units). */
static guint64
mul_div (guint64  a,
         guint64  b,
         guint64  d,
         guint64 *out_rem)
{
  guint64 a_lo = a & 0xffffffffu, a_hi = a >> 32;
  guint64 b_lo = b & 0xffffffffu, b_hi = b >> 32;
  guint64 ll = a_lo * b_lo;
  guint64 lh = a_lo * b_hi;
  guint64 hl = a_hi * b_lo;
  guint64 hh = a_hi * b_hi;
  guint64 mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
  guint64 lo = (ll & 0xffffffffu) | (mid << 32);
  guint64 hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  guint64 q = 0;
  guint64 r = 0;

  if (hi == 0)
    {
      *out_rem = lo % d;
      return lo / d;
    }

  for (int bit = 127; bit >= 0; bit--)
    {
      guint64 top = r >> 63;
      guint64 next = bit >= 64 ? (hi >> (bit - 64)) & 1 : (lo >> bit) & 1;

      r = (r << 1) | next;
      if (top || r >= d)
        {
          r -= d;
          if (bit < 64)
            q |= G_GUINT64_CONSTANT (1) << bit;
        }
    }

  *out_rem = r;
  return q;
}

#endif

/* ------------------------------------------------------------------ */
/* Largest remainder                                                   */

typedef struct
{
  const gint64  *weights;
  const guint   *rank;
  const guint64 *rem;
} ShareOrder;

/* Larger remainder first, then larger weight, then smaller rank (the
 * bytewise order of the ids). */
static inline int
share_cmp (const ShareOrder *o,
           guint             a,
           guint             b)
{
  if (o->rem[a] != o->rem[b])
    return o->rem[a] > o->rem[b] ? -1 : 1;
  if (o->weights[a] != o->weights[b])
    return o->weights[a] > o->weights[b] ? -1 : 1;
  if (o->rank[a] != o->rank[b])
    return o->rank[a] < o->rank[b] ? -1 : 1;
  return (a > b) - (a < b);
}

static int
share_cmp_qsort (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return share_cmp (user_data, *(const guint *) a, *(const guint *) b);
}

/*
 * The engine's Hamilton: weights[n] (each >= 0, sum fits), rank[n] a
 * permutation giving the id order, units >= 0. Writes out[n]. idx and rem
 * are scratch arrays of n elements. Returns FALSE (and all zeros) when
 * units > 0 but every weight is zero.
 */
static gboolean
apportion (const gint64 *weights,
           const guint  *rank,
           guint         n,
           gint64        units,
           gint64       *out,
           guint        *idx,
           guint64      *rem)
{
  guint64 total = 0;
  gint64 given = 0;
  gint64 left;
  guint n_left = 0;
  ShareOrder order = { weights, rank, rem };

  for (guint i = 0; i < n; i++)
    total += (guint64) weights[i];

  if (units == 0 || total == 0)
    {
      memset (out, 0, sizeof (gint64) * n);
      return units == 0;
    }

  for (guint i = 0; i < n; i++)
    {
      out[i] = (gint64) mul_div ((guint64) weights[i], (guint64) units, total, &rem[i]);
      given += out[i];
      /* Only shares with a fraction can win a unit left over. */
      if (rem[i] != 0)
        idx[n_left++] = i;
    }

  left = units - given;
  g_assert (left >= 0 && (guint64) left <= n_left);

  if (left == 0)
    return TRUE;

  if (n_left <= 32)
    {
      /* Insertion sort: a handful of shares is the common case. */
      for (guint i = 1; i < n_left; i++)
        {
          guint v = idx[i];
          guint j = i;

          while (j > 0 && share_cmp (&order, v, idx[j - 1]) < 0)
            {
              idx[j] = idx[j - 1];
              j--;
            }
          idx[j] = v;
        }
    }
  else
    {
      g_qsort_with_data (idx, (int) n_left, sizeof (guint), share_cmp_qsort, &order);
    }

  for (gint64 k = 0; k < left; k++)
    out[idx[k]]++;

  return TRUE;
}

typedef struct
{
  const char * const *ids;
} IdOrder;

static int
id_cmp_qsort (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const IdOrder *o = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  int c = strcmp (o->ids[ia], o->ids[ib]);

  if (c != 0)
    return c;
  return (ia > ib) - (ia < ib);
}

/* rank[i] = position of ids[i] in bytewise order (index order for equal
 * ids, or for all when ids is NULL). order is scratch of n elements. */
static void
rank_ids (const char * const *ids,
          guint               n,
          guint              *order,
          guint              *rank)
{
  IdOrder o = { ids };

  for (guint i = 0; i < n; i++)
    order[i] = i;
  if (ids != NULL && n > 1)
    g_qsort_with_data (order, (int) n, sizeof (guint), id_cmp_qsort, &o);
  for (guint i = 0; i < n; i++)
    rank[order[i]] = i;
}

/**
 * qm_apportion_largest_remainder:
 * @weights: (array length=n): the weights, each zero or more
 * @ids: (array length=n) (nullable): the ids that break ties bytewise, or
 *   %NULL to break them by index
 * @n: the number of shares
 * @units: the whole units to split, zero or more
 * @out: (array length=n) (out caller-allocates): the units of each share
 *
 * Splits @units whole units over @n shares in proportion to @weights by
 * the largest remainder (Hamilton) method: every share first gets the
 * floor of its exact quota @units × weight / total; the units left over
 * go one each to the shares with the largest remainders, ties to the
 * larger weight, then to the bytewise smaller id. The arithmetic is exact
 * integer arithmetic.
 *
 * Returns: %TRUE when all @units were given out; %FALSE (and all zeros)
 *   when @units is not zero but every weight is, or on bad arguments
 */
gboolean
qm_apportion_largest_remainder (const gint64       *weights,
                                const char * const *ids,
                                guint               n,
                                gint64              units,
                                gint64             *out)
{
  guint stack_idx[STACK_SHARES];
  guint stack_rank[STACK_SHARES];
  guint64 stack_rem[STACK_SHARES];
  g_autofree guint *heap_idx = NULL;
  g_autofree guint *heap_rank = NULL;
  g_autofree guint64 *heap_rem = NULL;
  guint *idx = stack_idx;
  guint *rank = stack_rank;
  guint64 *rem = stack_rem;
  guint64 total = 0;

  g_return_val_if_fail (n == 0 || weights != NULL, FALSE);
  g_return_val_if_fail (n == 0 || out != NULL, FALSE);
  g_return_val_if_fail (units >= 0, FALSE);

  if (n == 0)
    return units == 0;

  for (guint i = 0; i < n; i++)
    {
      g_return_val_if_fail (weights[i] >= 0, FALSE);
      g_return_val_if_fail (ids == NULL || ids[i] != NULL, FALSE);
      if (!g_uint64_checked_add (&total, total, (guint64) weights[i]) ||
          total > (guint64) G_MAXINT64)
        {
          g_critical ("%s: the weights add up to more than %" G_GINT64_FORMAT,
                      G_STRFUNC, G_MAXINT64);
          memset (out, 0, sizeof (gint64) * n);
          return FALSE;
        }
    }

  if (n > STACK_SHARES)
    {
      idx = heap_idx = g_new (guint, n);
      rank = heap_rank = g_new (guint, n);
      rem = heap_rem = g_new (guint64, n);
    }

  rank_ids (ids, n, idx, rank);

  return apportion (weights, rank, n, units, out, idx, rem);
}

/* ------------------------------------------------------------------ */
/* Input checks                                                        */

static gboolean
check_quantity (gint64       value,
                const char  *what,
                guint        i,
                GError     **error)
{
  if (value >= 0 && value <= QM_ALLOC_QUANTITY_MAX)
    return TRUE;

  g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
               "The %s %u is %" G_GINT64_FORMAT "; it must be between 0 and "
               "%" G_GINT64_FORMAT ".",
               what, i, value, QM_ALLOC_QUANTITY_MAX);
  return FALSE;
}

static gboolean
check_unique_ids (const char     *what,
                  const char   *(*get_id) (gconstpointer, guint),
                  gconstpointer   items,
                  guint           n,
                  GError        **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      const char *id = get_id (items, i);

      if (id == NULL)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "The %s at index %u has no id.", what, i);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) id))
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "Two %ss have the id “%s”; ids must be unique.", what, id);
          return FALSE;
        }
    }

  return TRUE;
}

static const char *
channel_id_at (gconstpointer items,
               guint         i)
{
  return ((const QmAllocChannel *) items)[i].id;
}

static const char *
warehouse_id_at (gconstpointer items,
                 guint         i)
{
  return ((const QmAllocWarehouse *) items)[i].id;
}

static gboolean
check_rule (const QmAllocInput  *in,
            guint                i,
            GError             **error)
{
  const QmAllocRule *r = &in->rules[i];
  guint64 weight_total = 0;

  if ((guint) r->scope > QM_ALLOC_SCOPE_SKU)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Rule %u has an unknown scope %d.", i, (int) r->scope);
      return FALSE;
    }
  if ((guint) r->mode > QM_ALLOCATION_PERFORMANCE)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Rule %u has an unknown mode %d.", i, (int) r->mode);
      return FALSE;
    }
  if (r->scope != QM_ALLOC_SCOPE_DEFAULT && (r->key == NULL || r->key[0] == '\0'))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Rule %u is a %s rule without a %s; name one.",
                   i, scope_names[r->scope], scope_names[r->scope]);
      return FALSE;
    }
  if (!check_quantity (r->buffer_units, "buffer of rule", i, error))
    return FALSE;
  if (r->buffer_percent < 0 || r->buffer_percent > 100)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Rule %u has a buffer of %d%%; a percentage buffer must be between 0 and 100.",
                   i, r->buffer_percent);
      return FALSE;
    }
  if (r->mode == QM_ALLOCATION_PERFORMANCE && r->window_days < 1)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Rule %u looks at sales over %d days; the window must be at least one day.",
                   i, r->window_days);
      return FALSE;
    }
  if (r->mode == QM_ALLOCATION_PERFORMANCE &&
      (r->min_share_permille < 0 || r->min_share_permille > 1000))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Rule %u has a minimum share of %d‰; it must be between 0 and 1000.",
                   i, r->min_share_permille);
      return FALSE;
    }

  for (guint c = 0; c < in->n_channels; c++)
    {
      if (r->weights != NULL)
        {
          if (!check_quantity (r->weights[c], "weight of a channel in rule", i, error))
            return FALSE;
          weight_total += (guint64) r->weights[c];
          if (weight_total > (guint64) QM_ALLOC_QUANTITY_MAX)
            {
              g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           "The weights of rule %u add up to more than %" G_GINT64_FORMAT
                           "; use smaller weights.", i, QM_ALLOC_QUANTITY_MAX);
              return FALSE;
            }
        }
      if (r->oversell_percent != NULL &&
          (r->oversell_percent[c] < 0 ||
           r->oversell_percent[c] > QM_ALLOC_OVERSELL_PERCENT_MAX))
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "Rule %u lets channel “%s” oversell %" G_GINT64_FORMAT "%%; "
                       "it must be between 0 and %d.",
                       i, in->channels[c].id, r->oversell_percent[c],
                       QM_ALLOC_OVERSELL_PERCENT_MAX);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_ref (guint                channel,
           guint                sku,
           const char          *what,
           guint                i,
           const QmAllocInput  *in,
           GError             **error)
{
  if (channel < in->n_channels && sku < in->n_skus)
    return TRUE;

  g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
               "The %s %u names channel %u and SKU %u, but there are %u channels "
               "and %u SKUs.", what, i, channel, sku, in->n_channels, in->n_skus);
  return FALSE;
}

static gboolean
check_input (const QmAllocInput  *in,
             GError             **error)
{
  guint64 lock_total = 0, presale_total = 0, sales_total = 0;

  if ((in->n_channels > 0 && in->channels == NULL) ||
      (in->n_warehouses > 0 && in->warehouses == NULL) ||
      (in->n_skus > 0 && in->skus == NULL) ||
      (in->n_skus > 0 && in->n_warehouses > 0 && in->qualified == NULL) ||
      (in->n_rules > 0 && in->rules == NULL) ||
      (in->n_locks > 0 && in->locks == NULL) ||
      (in->n_presales > 0 && in->presales == NULL) ||
      (in->n_sales > 0 && in->sales == NULL))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "An allocation input array is missing.");
      return FALSE;
    }

  if ((guint64) in->n_skus * MAX (in->n_channels, in->n_warehouses) > G_MAXUINT32)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "%u SKUs by %u channels and %u warehouses is too many at once; "
                   "allocate in smaller batches of SKUs.",
                   in->n_skus, in->n_channels, in->n_warehouses);
      return FALSE;
    }

  if (!check_unique_ids ("channel", channel_id_at, in->channels, in->n_channels, error) ||
      !check_unique_ids ("warehouse", warehouse_id_at, in->warehouses, in->n_warehouses,
                         error))
    return FALSE;

  for (guint s = 0; s < in->n_skus; s++)
    {
      if (in->skus[s].sku == NULL)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "The SKU at index %u has no name.", s);
          return FALSE;
        }
      if (!check_quantity (in->skus[s].open_po_quantity, "open purchase-order quantity of SKU",
                           s, error))
        return FALSE;
    }

  for (guint i = 0; i < in->n_rules; i++)
    if (!check_rule (in, i, error))
      return FALSE;

  for (guint i = 0; i < in->n_locks; i++)
    {
      const QmAllocLock *l = &in->locks[i];

      if (!check_ref (l->channel, l->sku, "promotional lock", i, in, error) ||
          !check_quantity (l->quantity, "quantity of promotional lock", i, error))
        return FALSE;
      lock_total += (guint64) l->quantity;
    }

  for (guint i = 0; i < in->n_presales; i++)
    {
      const QmAllocPresale *p = &in->presales[i];

      if (!check_ref (p->channel, p->sku, "pre-sale quota", i, in, error) ||
          !check_quantity (p->quantity, "quantity of pre-sale quota", i, error))
        return FALSE;
      presale_total += (guint64) p->quantity;
    }

  for (guint i = 0; i < in->n_sales; i++)
    {
      const QmAllocSale *a = &in->sales[i];

      if (!check_ref (a->channel, a->sku, "sale", i, in, error) ||
          !check_quantity (a->quantity, "quantity of sale", i, error))
        return FALSE;
      sales_total += (guint64) a->quantity;
    }

  if (lock_total > (guint64) QM_ALLOC_QUANTITY_MAX ||
      presale_total > (guint64) QM_ALLOC_QUANTITY_MAX ||
      sales_total > (guint64) QM_ALLOC_QUANTITY_MAX)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "The promotional locks, pre-sale quotas or sales add up to more than "
                   "%" G_GINT64_FORMAT " units.", QM_ALLOC_QUANTITY_MAX);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Precomputation                                                      */

/* A compressed list of item indices per SKU: the items of SKU s are
 * items[start[s] .. start[s + 1]). */
typedef struct
{
  guint *start;
  guint *items;
} Buckets;

static void
buckets_clear (Buckets *b)
{
  g_clear_pointer (&b->start, g_free);
  g_clear_pointer (&b->items, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Buckets, buckets_clear)

/* sku_of (items, i) gives the SKU of item i, or G_MAXUINT to leave it out. */
static void
buckets_build (Buckets       *b,
               guint          n_skus,
               gconstpointer  items,
               guint          n_items,
               guint        (*sku_of) (gconstpointer, guint, gconstpointer),
               gconstpointer  user_data)
{
  g_autofree guint *fill = NULL;

  b->start = g_new0 (guint, n_skus + 1);
  b->items = g_new (guint, MAX (n_items, 1));

  for (guint i = 0; i < n_items; i++)
    {
      guint s = sku_of (items, i, user_data);

      if (s != G_MAXUINT)
        b->start[s + 1]++;
    }
  for (guint s = 0; s < n_skus; s++)
    b->start[s + 1] += b->start[s];

  fill = g_memdup2 (b->start, sizeof (guint) * (n_skus + 1));
  for (guint i = 0; i < n_items; i++)
    {
      guint s = sku_of (items, i, user_data);

      if (s != G_MAXUINT)
        b->items[fill[s]++] = i;
    }
}

static guint
lock_sku (gconstpointer items,
          guint         i,
          gconstpointer user_data)
{
  const QmAllocLock *l = &((const QmAllocLock *) items)[i];
  const QmAllocInput *in = user_data;

  if (!in->channels[l->channel].active || l->quantity == 0 ||
      !(l->starts_at <= in->now && in->now < l->ends_at))
    return G_MAXUINT;
  return l->sku;
}

static guint
presale_sku (gconstpointer items,
             guint         i,
             gconstpointer user_data)
{
  const QmAllocPresale *p = &((const QmAllocPresale *) items)[i];
  const QmAllocInput *in = user_data;

  if (!in->channels[p->channel].active || p->quantity == 0)
    return G_MAXUINT;
  return p->sku;
}

static guint
sale_sku (gconstpointer items,
          guint         i,
          gconstpointer user_data)
{
  const QmAllocSale *a = &((const QmAllocSale *) items)[i];
  const QmAllocInput *in = user_data;

  /* The window depends on the SKU's rule; it is checked later. */
  if (!in->channels[a->channel].active || a->quantity == 0 || a->at >= in->now)
    return G_MAXUINT;
  return a->sku;
}

static gboolean
serves_region (const QmAllocChannel *channel,
               const char           *region)
{
  if (region == NULL || region[0] == '\0' || channel->regions == NULL)
    return FALSE;

  for (guint i = 0; channel->regions[i] != NULL; i++)
    if (strcmp (channel->regions[i], region) == 0)
      return TRUE;

  return FALSE;
}

/* Everything the per-SKU loop needs, computed once. */
typedef struct
{
  const QmAllocInput *in;

  /* Active channels, in input order. */
  guint    n_active;
  guint   *active;         /* channel index of each active channel */
  guint   *active_rank;    /* their id order among all channels */

  /* Warehouse id order, and the active channels serving each warehouse:
   * serving[serving_start[w] .. serving_start[w + 1]) are positions in
   * active[]. */
  guint   *wh_rank;
  guint   *serving_start;
  guint   *serving;

  int     *rule_of_sku;    /* rule index, or -1 for the built-in rule */

  Buckets  locks;
  Buckets  presales;
  Buckets  sales;

  /* Scratch for one SKU, sized for max (n_channels, n_warehouses). */
  gint64  *w;
  gint64  *out;
  guint   *rank;
  guint   *idx;
  guint64 *rem;
  gint64  *reg;            /* by active position */
  gint64  *promo;          /* by active position */
  gint64  *pre;            /* by active position */
  gint64  *sold;           /* by active position */
  gint64  *wh_share;       /* by warehouse */
  gboolean *raised;        /* by active position */
  guint   *pos_of_channel; /* channel index -> active position, or G_MAXUINT */
} Engine;

static void
engine_clear (Engine *e)
{
  g_clear_pointer (&e->active, g_free);
  g_clear_pointer (&e->active_rank, g_free);
  g_clear_pointer (&e->wh_rank, g_free);
  g_clear_pointer (&e->serving_start, g_free);
  g_clear_pointer (&e->serving, g_free);
  g_clear_pointer (&e->rule_of_sku, g_free);
  buckets_clear (&e->locks);
  buckets_clear (&e->presales);
  buckets_clear (&e->sales);
  g_clear_pointer (&e->w, g_free);
  g_clear_pointer (&e->out, g_free);
  g_clear_pointer (&e->rank, g_free);
  g_clear_pointer (&e->idx, g_free);
  g_clear_pointer (&e->rem, g_free);
  g_clear_pointer (&e->reg, g_free);
  g_clear_pointer (&e->promo, g_free);
  g_clear_pointer (&e->pre, g_free);
  g_clear_pointer (&e->sold, g_free);
  g_clear_pointer (&e->wh_share, g_free);
  g_clear_pointer (&e->raised, g_free);
  g_clear_pointer (&e->pos_of_channel, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Engine, engine_clear)

static gboolean
engine_resolve_rules (Engine  *e,
                      GError **error)
{
  const QmAllocInput *in = e->in;
  g_autoptr(GHashTable) by_sku = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_category = g_hash_table_new (g_str_hash, g_str_equal);
  int default_rule = -1;

  for (guint i = 0; i < in->n_rules; i++)
    {
      const QmAllocRule *r = &in->rules[i];
      GHashTable *table = r->scope == QM_ALLOC_SCOPE_SKU ? by_sku : by_category;
      gboolean dup;

      if (r->scope == QM_ALLOC_SCOPE_DEFAULT)
        {
          dup = default_rule >= 0;
          default_rule = (int) i;
        }
      else
        {
          dup = g_hash_table_contains (table, r->key);
          g_hash_table_insert (table, (gpointer) r->key, GINT_TO_POINTER ((int) i + 1));
        }

      if (dup)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "There are two %s rules%s%s%s; keep one.",
                       scope_names[r->scope],
                       r->scope == QM_ALLOC_SCOPE_DEFAULT ? "" : " for “",
                       r->scope == QM_ALLOC_SCOPE_DEFAULT ? "" : r->key,
                       r->scope == QM_ALLOC_SCOPE_DEFAULT ? "" : "”");
          return FALSE;
        }
    }

  e->rule_of_sku = g_new (int, MAX (in->n_skus, 1));
  for (guint s = 0; s < in->n_skus; s++)
    {
      const QmAllocSku *sku = &in->skus[s];
      int found = GPOINTER_TO_INT (g_hash_table_lookup (by_sku, sku->sku));

      if (found == 0 && sku->category != NULL && sku->category[0] != '\0')
        found = GPOINTER_TO_INT (g_hash_table_lookup (by_category, sku->category));

      e->rule_of_sku[s] = found != 0 ? found - 1 : default_rule;
    }

  return TRUE;
}

static void
engine_init (Engine             *e,
             const QmAllocInput *in)
{
  guint n_scratch = MAX (MAX (in->n_channels, in->n_warehouses), 1);
  g_autofree guint *all_rank = g_new (guint, MAX (in->n_channels, 1));
  g_autofree const char **ids = g_new (const char *, MAX (in->n_channels, in->n_warehouses) + 1);
  guint n_serving = 0;

  memset (e, 0, sizeof *e);
  e->in = in;

  e->w = g_new (gint64, n_scratch);
  e->out = g_new (gint64, n_scratch);
  e->rank = g_new (guint, n_scratch);
  e->idx = g_new (guint, n_scratch);
  e->rem = g_new (guint64, n_scratch);
  e->reg = g_new (gint64, n_scratch);
  e->promo = g_new (gint64, n_scratch);
  e->pre = g_new (gint64, n_scratch);
  e->sold = g_new (gint64, n_scratch);
  e->wh_share = g_new (gint64, n_scratch);
  e->raised = g_new (gboolean, n_scratch);
  e->pos_of_channel = g_new (guint, n_scratch);

  /* Sort the channels by id once; the loop compares ranks, not strings. */
  for (guint c = 0; c < in->n_channels; c++)
    ids[c] = in->channels[c].id;
  rank_ids (ids, in->n_channels, e->idx, all_rank);

  e->active = g_new (guint, MAX (in->n_channels, 1));
  e->active_rank = g_new (guint, MAX (in->n_channels, 1));
  for (guint c = 0; c < in->n_channels; c++)
    {
      e->pos_of_channel[c] = G_MAXUINT;
      if (in->channels[c].active)
        {
          e->pos_of_channel[c] = e->n_active;
          e->active[e->n_active] = c;
          e->active_rank[e->n_active] = all_rank[c];
          e->n_active++;
        }
    }

  for (guint w = 0; w < in->n_warehouses; w++)
    ids[w] = in->warehouses[w].id;
  e->wh_rank = g_new (guint, MAX (in->n_warehouses, 1));
  rank_ids (ids, in->n_warehouses, e->idx, e->wh_rank);

  e->serving_start = g_new0 (guint, in->n_warehouses + 1);
  e->serving = g_new (guint, MAX ((gsize) in->n_warehouses * e->n_active, 1));
  for (guint w = 0; w < in->n_warehouses; w++)
    {
      e->serving_start[w] = n_serving;
      for (guint a = 0; a < e->n_active; a++)
        if (serves_region (&in->channels[e->active[a]], in->warehouses[w].region))
          e->serving[n_serving++] = a;
    }
  e->serving_start[in->n_warehouses] = n_serving;

  buckets_build (&e->locks, in->n_skus, in->locks, in->n_locks, lock_sku, in);
  buckets_build (&e->presales, in->n_skus, in->presales, in->n_presales, presale_sku, in);
  buckets_build (&e->sales, in->n_skus, in->sales, in->n_sales, sale_sku, in);
}

/* ------------------------------------------------------------------ */
/* One SKU                                                             */

/* The rule's weight for active position a: 1 each when it has none. */
static inline gint64
rule_weight (const Engine      *e,
             const QmAllocRule *rule,
             guint              a)
{
  return rule->weights != NULL ? rule->weights[e->active[a]] : 1;
}

/* Apportion units over all active channels with e->w[] as weights, adding
 * the result to dest[]. */
static void
apportion_active (Engine *e,
                  gint64  units,
                  gint64 *dest)
{
  apportion (e->w, e->active_rank, e->n_active, units, e->out, e->idx, e->rem);
  for (guint a = 0; a < e->n_active; a++)
    dest[a] += e->out[a];
}

/* Performance weights, into e->w[], from e->sold[]. */
static void
performance_weights (Engine            *e,
                     const QmAllocRule *rule)
{
  guint n = e->n_active;
  gint64 m = rule->min_share_permille;
  gint64 total = 0;
  gint64 rest;
  gint64 k = 0;
  gboolean changed = TRUE;
  gboolean *raised = e->raised;

  for (guint a = 0; a < n; a++)
    total += e->sold[a];

  if (total == 0 || (gint64) n * m >= 1000)
    {
      for (guint a = 0; a < n; a++)
        e->w[a] = 1;
      return;
    }

  /* Raise every channel under m/1000 to exactly m/1000; the others share
   * 1000 - k*m permille in proportion to their sales. Raising one lowers
   * the others' shares, so repeat until nobody is under. With n*m < 1000
   * the best seller is never raised, so rest stays above zero. */
  for (guint a = 0; a < n; a++)
    raised[a] = FALSE;
  rest = total;
  while (changed)
    {
      changed = FALSE;
      for (guint a = 0; a < n; a++)
        {
          if (!raised[a] && (1000 - k * m) * e->sold[a] < m * rest)
            {
              raised[a] = TRUE;
              k++;
              rest -= e->sold[a];
              changed = TRUE;
            }
        }
    }

  g_assert (rest > 0);

  /* Integer weights whose total is 1000 * rest: a raised channel's share
   * is m*rest / (1000*rest) = m/1000 exactly. */
  for (guint a = 0; a < n; a++)
    e->w[a] = raised[a] ? m * rest : (1000 - k * m) * e->sold[a];
}

static void
regular_region (Engine            *e,
                const QmAllocRule *rule,
                guint              s,
                gint64             units)
{
  const QmAllocInput *in = e->in;
  const gint64 *q = in->qualified + (gsize) s * in->n_warehouses;

  /* Spread the regular pool over the warehouses by their stock. */
  apportion (q, e->wh_rank, in->n_warehouses, units, e->wh_share, e->idx, e->rem);

  for (guint wh = 0; wh < in->n_warehouses; wh++)
    {
      guint first = e->serving_start[wh];
      guint n = e->serving_start[wh + 1] - first;

      if (e->wh_share[wh] == 0 || n == 0)
        continue;

      for (guint j = 0; j < n; j++)
        {
          guint a = e->serving[first + j];

          e->w[j] = rule_weight (e, rule, a);
          e->rank[j] = e->active_rank[a];
        }
      apportion (e->w, e->rank, n, e->wh_share[wh], e->out, e->idx, e->rem);
      for (guint j = 0; j < n; j++)
        e->reg[e->serving[first + j]] += e->out[j];
    }
}

static inline gint64
percent_floor (gint64 value,
               gint64 percent)
{
  /* floor (value * percent / 100) without overflowing. */
  return (value / 100) * percent + (value % 100) * percent / 100;
}

static gboolean
allocate_sku (Engine         *e,
              guint           s,
              QmAllocResult  *result,
              GError        **error)
{
  const QmAllocInput *in = e->in;
  int rule_index = e->rule_of_sku[s];
  const QmAllocRule *rule = rule_index >= 0 ? &in->rules[rule_index] : &builtin_rule;
  QmAllocSkuResult *sr = &result->skus[s];
  QmAllocRow *rows = result->rows + (gsize) s * in->n_channels;
  const gint64 *q = in->qualified + (gsize) s * in->n_warehouses;
  gint64 qualified = 0;
  gint64 buffer;
  gint64 pool;
  gint64 locked = 0;
  gint64 served;
  gint64 regular_pool;
  gint64 quotas = 0;
  gint64 open_po = in->skus[s].open_po_quantity;
  guint n = e->n_active;

  /* Pool. */
  for (guint wh = 0; wh < in->n_warehouses; wh++)
    {
      if (q[wh] < 0 || q[wh] > QM_ALLOC_QUANTITY_MAX)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "Warehouse “%s” reports %" G_GINT64_FORMAT " qualified units of “%s”; "
                       "a quantity must be between 0 and %" G_GINT64_FORMAT ".",
                       in->warehouses[wh].id, q[wh], in->skus[s].sku, QM_ALLOC_QUANTITY_MAX);
          return FALSE;
        }
      qualified += q[wh];
    }
  if (qualified > QM_ALLOC_QUANTITY_MAX)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "“%s” has %" G_GINT64_FORMAT " qualified units over all warehouses, more "
                   "than the %" G_GINT64_FORMAT " the engine handles.",
                   in->skus[s].sku, qualified, QM_ALLOC_QUANTITY_MAX);
      return FALSE;
    }

  buffer = rule->buffer_units + (qualified * rule->buffer_percent + 99) / 100;
  pool = MAX (qualified - buffer, 0);

  sr->rule = rule_index;
  sr->mode = rule->mode;
  sr->qualified = qualified;
  sr->buffer = qualified - pool;
  sr->pool = pool;

  for (guint a = 0; a < n; a++)
    {
      e->reg[a] = 0;
      e->promo[a] = 0;
      e->pre[a] = 0;
      e->sold[a] = 0;
    }

  /* Promotional locks, served first; scaled down when the pool is short. */
  for (guint i = e->locks.start[s]; i < e->locks.start[s + 1]; i++)
    {
      const QmAllocLock *l = &in->locks[e->locks.items[i]];

      e->promo[e->pos_of_channel[l->channel]] += l->quantity;
      locked += l->quantity;
    }
  if (locked > pool)
    {
      for (guint a = 0; a < n; a++)
        {
          e->w[a] = e->promo[a];
          e->promo[a] = 0;
        }
      apportion_active (e, pool, e->promo);
    }
  served = MIN (locked, pool);
  regular_pool = pool - served;
  sr->promotional = served;

  /* Regular. */
  switch (rule->mode)
    {
    case QM_ALLOCATION_SHARED:
      for (guint a = 0; a < n; a++)
        e->reg[a] = regular_pool;
      break;

    case QM_ALLOCATION_RATIO:
      for (guint a = 0; a < n; a++)
        e->w[a] = rule_weight (e, rule, a);
      apportion_active (e, regular_pool, e->reg);
      break;

    case QM_ALLOCATION_REGION:
      regular_region (e, rule, s, regular_pool);
      break;

    case QM_ALLOCATION_PERFORMANCE:
      {
        gint64 from = in->now - (gint64) rule->window_days * QM_ALLOC_SECONDS_PER_DAY;

        for (guint i = e->sales.start[s]; i < e->sales.start[s + 1]; i++)
          {
            const QmAllocSale *a = &in->sales[e->sales.items[i]];

            if (a->at >= from)
              e->sold[e->pos_of_channel[a->channel]] += a->quantity;
          }
        performance_weights (e, rule);
        apportion_active (e, regular_pool, e->reg);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  /* Pre-sale, capped by the open purchase orders. */
  for (guint i = e->presales.start[s]; i < e->presales.start[s + 1]; i++)
    {
      const QmAllocPresale *p = &in->presales[e->presales.items[i]];

      e->pre[e->pos_of_channel[p->channel]] += p->quantity;
      quotas += p->quantity;
    }
  if (quotas > open_po)
    {
      for (guint a = 0; a < n; a++)
        {
          e->w[a] = e->pre[a];
          e->pre[a] = 0;
        }
      apportion_active (e, open_po, e->pre);
    }

  /* Rows, each written once: zeros for inactive channels. */
  sr->regular = 0;
  for (guint c = 0; c < in->n_channels; c++)
    {
      QmAllocRow *row = &rows[c];
      guint a = e->pos_of_channel[c];
      gint64 pct;

      row->sku = s;
      row->channel = c;
      if (a == G_MAXUINT)
        {
          row->regular = row->promotional = row->pre_sale = row->oversell = row->sellable = 0;
          continue;
        }

      pct = rule->oversell_percent != NULL ? rule->oversell_percent[c] : 0;
      row->regular = e->reg[a];
      row->promotional = e->promo[a];
      row->pre_sale = e->pre[a];
      row->oversell = percent_floor (e->reg[a], pct);
      row->sellable = row->regular + row->promotional + row->pre_sale + row->oversell;
      if (rule->mode != QM_ALLOCATION_SHARED)
        sr->regular += e->reg[a];
    }
  if (rule->mode == QM_ALLOCATION_SHARED)
    sr->regular = regular_pool;

  return TRUE;
}

static gboolean
compute_into (const QmAllocInput  *input,
              QmAllocResult       *result,
              GError             **error)
{
  g_auto(Engine) engine = { 0 };

  if (!check_input (input, error))
    return FALSE;

  engine_init (&engine, input);
  if (!engine_resolve_rules (&engine, error))
    return FALSE;

  if (result->rows == NULL ||
      (gsize) result->n_skus * result->n_channels != (gsize) input->n_skus * input->n_channels)
    {
      g_free (result->rows);
      result->rows = g_new (QmAllocRow, MAX ((gsize) input->n_skus * input->n_channels, 1));
    }
  if (result->skus == NULL || result->n_skus != input->n_skus)
    {
      g_free (result->skus);
      result->skus = g_new (QmAllocSkuResult, MAX (input->n_skus, 1));
    }
  result->n_skus = input->n_skus;
  result->n_channels = input->n_channels;

  for (guint s = 0; s < input->n_skus; s++)
    if (!allocate_sku (&engine, s, result, error))
      return FALSE;

  return TRUE;
}

/**
 * qm_allocation_compute:
 * @input: channels, warehouses, stock, rules, locks, quotas, sales and now
 * @error: return location for a #GError
 *
 * Computes what every channel may sell of every SKU; see qm-allocation.h
 * for the rules. A pure function of @input.
 *
 * Returns: (transfer full): the result, with one row per SKU and channel,
 *   or %NULL with @error set (%QM_ERROR_INVALID_INPUT) when @input is
 *   inconsistent
 */
QmAllocResult *
qm_allocation_compute (const QmAllocInput  *input,
                       GError             **error)
{
  g_autoptr(QmAllocResult) result = NULL;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = g_new0 (QmAllocResult, 1);
  if (!compute_into (input, result, error))
    return NULL;

  return g_steal_pointer (&result);
}

/**
 * qm_allocation_recompute:
 * @input: as for qm_allocation_compute()
 * @result: a result from an earlier computation, overwritten
 * @error: return location for a #GError
 *
 * Like qm_allocation_compute(), but reuses the memory of @result (when the
 * sizes allow), which saves the page faults of a fresh result: the thing
 * to call while a planner tries rule changes in the preview. On error the
 * contents of @result are unspecified (but it can still be freed or
 * reused).
 *
 * Returns: %TRUE on success
 */
gboolean
qm_allocation_recompute (const QmAllocInput  *input,
                         QmAllocResult       *result,
                         GError             **error)
{
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return compute_into (input, result, error);
}

void
qm_alloc_result_free (QmAllocResult *result)
{
  if (result == NULL)
    return;

  g_free (result->rows);
  g_free (result->skus);
  g_free (result);
}

/* ------------------------------------------------------------------ */
/* Routing                                                             */

#define EARTH_RADIUS_KM 6371.0088   /* mean radius (IUGG) */

static inline double
radians (double degrees)
{
  return degrees * (G_PI / 180.0);
}

/**
 * qm_haversine_km:
 *
 * Returns: the great-circle distance in kilometres between two points
 *   given in degrees, on a sphere of the Earth's mean radius
 */
double
qm_haversine_km (double lat1,
                 double lon1,
                 double lat2,
                 double lon2)
{
  double dlat = radians (lat2 - lat1);
  double dlon = radians (lon2 - lon1);
  double a = sin (dlat / 2) * sin (dlat / 2) +
             cos (radians (lat1)) * cos (radians (lat2)) * sin (dlon / 2) * sin (dlon / 2);

  return 2 * EARTH_RADIUS_KM * asin (MIN (1.0, sqrt (a)));
}

static gboolean
in_region (const QmAllocWarehouse *w,
           const char             *region)
{
  return w->region != NULL && region != NULL && w->region[0] != '\0' &&
         strcmp (w->region, region) == 0;
}

/**
 * qm_region_reference_point:
 * @warehouses: (array length=n_warehouses): all warehouses
 * @n_warehouses: their number
 * @region: a region
 * @out_latitude: (out): the reference latitude, in degrees
 * @out_longitude: (out): the reference longitude, in degrees
 *
 * A region's reference point is the centre (the normalised mean of the
 * unit vectors, so it works across the date line) of the region's
 * warehouses that have a location. If that mean is the Earth's centre
 * (warehouses at antipodes), it is the located warehouse of the region
 * with the bytewise smallest id.
 *
 * Returns: %FALSE when no warehouse of @region has a location
 */
gboolean
qm_region_reference_point (const QmAllocWarehouse *warehouses,
                           guint                   n_warehouses,
                           const char             *region,
                           double                 *out_latitude,
                           double                 *out_longitude)
{
  double x = 0, y = 0, z = 0;
  const QmAllocWarehouse *first = NULL;
  double norm;

  g_return_val_if_fail (n_warehouses == 0 || warehouses != NULL, FALSE);
  g_return_val_if_fail (out_latitude != NULL && out_longitude != NULL, FALSE);

  for (guint i = 0; i < n_warehouses; i++)
    {
      const QmAllocWarehouse *w = &warehouses[i];
      double lat, lon;

      if (!w->has_location || !in_region (w, region))
        continue;

      lat = radians (w->latitude);
      lon = radians (w->longitude);
      x += cos (lat) * cos (lon);
      y += cos (lat) * sin (lon);
      z += sin (lat);
      if (first == NULL || strcmp (w->id, first->id) < 0)
        first = w;
    }

  if (first == NULL)
    return FALSE;

  norm = sqrt (x * x + y * y + z * z);
  if (norm < 1e-9)
    {
      *out_latitude = first->latitude;
      *out_longitude = first->longitude;
      return TRUE;
    }

  *out_latitude = asin (z / norm) * (180.0 / G_PI);
  *out_longitude = atan2 (y, x) * (180.0 / G_PI);
  return TRUE;
}

typedef struct
{
  const QmAllocWarehouse *warehouses;
  const double           *distance;   /* < 0: no location */
} RouteOrder;

static int
route_cmp (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  const RouteOrder *o = user_data;
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;
  double da = o->distance[ia];
  double db = o->distance[ib];
  int c;

  /* Located warehouses first, nearest first. */
  if ((da < 0) != (db < 0))
    return da < 0 ? 1 : -1;
  if (da != db)
    return da < db ? -1 : 1;

  c = strcmp (o->warehouses[ia].id, o->warehouses[ib].id);
  if (c != 0)
    return c;
  return (ia > ib) - (ia < ib);
}

/**
 * qm_route_rank_warehouses:
 * @warehouses: (array length=n_warehouses): all warehouses
 * @n_warehouses: their number
 * @region: the region the order ships to
 * @out_order: (array length=n_warehouses) (out caller-allocates): indices
 *   of all warehouses, nearest first
 *
 * Orders every warehouse (of any region) by great-circle distance from
 * @region's reference point (see qm_region_reference_point()); equal
 * distances by bytewise id. Warehouses without a location come last, by
 * id. When the region has no reference point every warehouse is ordered
 * by id.
 */
void
qm_route_rank_warehouses (const QmAllocWarehouse *warehouses,
                          guint                   n_warehouses,
                          const char             *region,
                          guint                  *out_order)
{
  g_autofree double *distance = NULL;
  RouteOrder o;
  double lat, lon;
  gboolean has_ref;

  g_return_if_fail (n_warehouses == 0 || (warehouses != NULL && out_order != NULL));

  if (n_warehouses == 0)
    return;

  distance = g_new (double, n_warehouses);
  has_ref = qm_region_reference_point (warehouses, n_warehouses, region, &lat, &lon);

  for (guint i = 0; i < n_warehouses; i++)
    {
      const QmAllocWarehouse *w = &warehouses[i];

      out_order[i] = i;
      distance[i] = -1;
      if (has_ref && w->has_location)
        distance[i] = qm_haversine_km (lat, lon, w->latitude, w->longitude);
    }

  o.warehouses = warehouses;
  o.distance = distance;
  g_qsort_with_data (out_order, (int) n_warehouses, sizeof (guint), route_cmp, &o);
}

/**
 * qm_route_order:
 * @warehouses: (array length=n_warehouses): all warehouses
 * @n_warehouses: their number
 * @qualified: (array length=n_warehouses): qualified stock of the SKU in
 *   each warehouse (negative counts as none)
 * @region: the region the order ships to
 * @quantity: units ordered, zero or more
 * @out_legs: (array length=n_warehouses) (out caller-allocates): the
 *   shipments, in order
 * @out_shortfall: (out) (optional): units no warehouse can ship
 *
 * Which warehouse ships? With the warehouses ranked by
 * qm_route_rank_warehouses(): the nearest one holding the whole quantity
 * ships it all; if none does, the nearest ones ship what they hold, in
 * order, until the quantity is covered; what they cannot cover together is
 * the shortfall. Warehouses with no stock get no leg.
 *
 * Returns: the number of legs written to @out_legs
 */
guint
qm_route_order (const QmAllocWarehouse *warehouses,
                guint                   n_warehouses,
                const gint64           *qualified,
                const char             *region,
                gint64                  quantity,
                QmRouteLeg             *out_legs,
                gint64                 *out_shortfall)
{
  g_autofree guint *order = NULL;
  gint64 left = quantity;
  guint n_legs = 0;

  g_return_val_if_fail (n_warehouses == 0 ||
                        (warehouses != NULL && qualified != NULL && out_legs != NULL), 0);
  g_return_val_if_fail (quantity >= 0, 0);

  if (out_shortfall != NULL)
    *out_shortfall = quantity;

  if (n_warehouses == 0 || quantity == 0)
    return 0;

  order = g_new (guint, n_warehouses);
  qm_route_rank_warehouses (warehouses, n_warehouses, region, order);

  for (guint i = 0; i < n_warehouses; i++)
    {
      if (qualified[order[i]] >= quantity)
        {
          out_legs[0].warehouse = order[i];
          out_legs[0].quantity = quantity;
          if (out_shortfall != NULL)
            *out_shortfall = 0;
          return 1;
        }
    }

  for (guint i = 0; i < n_warehouses && left > 0; i++)
    {
      gint64 have = qualified[order[i]];

      if (have <= 0)
        continue;

      out_legs[n_legs].warehouse = order[i];
      out_legs[n_legs].quantity = MIN (have, left);
      left -= out_legs[n_legs].quantity;
      n_legs++;
    }

  if (out_shortfall != NULL)
    *out_shortfall = left;
  return n_legs;
}
