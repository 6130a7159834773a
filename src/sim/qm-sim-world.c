/* qm-sim-world.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <string.h>

#include "qm-error.h"
#include "qm-sim-rng.h"
#include "qm-sim-world.h"

/*
 * The simulated company: one catalogue, some warehouses and the generator
 * that writes their ledgers. History is generated day by day, all sites
 * interleaved, so that a transfer out of one site arrives at another a few
 * days later. After that the same generator keeps going for live mode and
 * /control/advance, and delivers the orders posted to the sites.
 *
 * Every decision draws from the site's own deterministic stream, and every
 * movement is checked against the site's stock before it is written, so
 * the fold of a ledger never goes below zero.
 */

#define SECONDS_PER_DAY   86400
#define SALE_SHARE        620    /* per mille of random events */
#define MEAN_SALE_SIZE    2.5
#define REORDER_DAYS      13.0
#define TARGET_DAYS       40.0

enum
{
  FLAG_PO_OPEN    = 1 << 0,
  FLAG_INSPECTION = 1 << 1,
  FLAG_RTV        = 1 << 2,
};

typedef enum
{
  SCHED_PO_ARRIVAL,
  SCHED_TRANSFER_IN,
  SCHED_INSPECTION,
  SCHED_DEFECT,
  SCHED_RTV,
} SchedType;

typedef struct
{
  gint64     due;
  guint64    order;
  SchedType  type;
  guint32    sku;
  gint64     quantity;
  gint64     cost;
  int        status;
  char      *reference;
  char      *counterparty;
} Sched;

typedef struct
{
  QmSimOrderKind kind;
  char          *id;
  char          *to_warehouse;
  GArray        *lines;   /* QmSimOrderLine */
} Order;

typedef struct
{
  QmSimWorld     *world;       /* unowned */
  QmSimWarehouse *warehouse;
  QmSimRng        rng;
  char           *code;        /* "EAST" for WH-EAST: used in references */

  guint32        *popular;     /* listed SKUs, most popular first */
  guint64        *cumulative;  /* cumulative Zipf weights over popular[] */
  guint           n_popular;

  double         *demand;      /* expected units a day, per catalogue index */
  gint64         *cost;        /* current unit cost, per catalogue index */
  gint64         *on_order;
  guint8         *flags;

  GSequence      *schedule;    /* Sched, by (due, order) */
  guint64         n_scheduled;
  guint           n_po;
  guint           n_transfers;
  guint           n_rtv;

  GPtrArray      *orders;      /* Order, waiting for delivery */
  guint           order_timer;
  double          live_credit;
} Site;

struct _QmSimWorld
{
  GObject           parent_instance;

  QmSimWorldConfig  config;
  QmSimCatalog     *catalog;
  GPtrArray        *sites;     /* Site */
  gboolean          generated;
  int               order_delay;
  double            live_rate;
  guint             live_timer;
  gint64            live_last;
};

G_DEFINE_FINAL_TYPE (QmSimWorld, qm_sim_world, G_TYPE_OBJECT)

static const struct {
  const char *region;
  const char *id;
  const char *name;
  double      lat;
  double      lon;
} regions[] = {
  { "east", "WH-EAST", "East Regional DC (Shanghai)", 31.23, 121.47 },
  { "south", "WH-SOUTH", "South Regional DC (Guangzhou)", 23.13, 113.26 },
  { "west", "WH-WEST", "West Regional DC (Chengdu)", 30.57, 104.07 },
  { "central", "WH-CENTRAL", "Central Regional DC (Wuhan)", 30.59, 114.31 },
  { "north", "WH-NORTH", "North Regional DC (Beijing)", 39.90, 116.40 },
  { "northeast", "WH-NORTHEAST", "Northeast Regional DC (Shenyang)", 41.80, 123.43 },
};

/* Sales volume by weekday (Sunday first), per mille. */
static const guint weekday_factor[7] = { 1130, 880, 900, 940, 980, 1060, 1190 };

static void
sched_free (gpointer data)
{
  Sched *s = data;

  g_free (s->reference);
  g_free (s->counterparty);
  g_free (s);
}

static void
order_free (gpointer data)
{
  Order *o = data;

  g_free (o->id);
  g_free (o->to_warehouse);
  g_array_unref (o->lines);
  g_free (o);
}

static void
site_free (gpointer data)
{
  Site *site = data;

  g_clear_handle_id (&site->order_timer, g_source_remove);
  g_clear_object (&site->warehouse);
  g_clear_pointer (&site->schedule, g_sequence_free);
  g_clear_pointer (&site->orders, g_ptr_array_unref);
  g_free (site->code);
  g_free (site->popular);
  g_free (site->cumulative);
  g_free (site->demand);
  g_free (site->cost);
  g_free (site->on_order);
  g_free (site->flags);
  g_free (site);
}

static void
qm_sim_world_dispose (GObject *object)
{
  QmSimWorld *self = (QmSimWorld *) object;

  g_clear_handle_id (&self->live_timer, g_source_remove);
  if (self->sites != NULL)
    g_ptr_array_set_size (self->sites, 0);

  G_OBJECT_CLASS (qm_sim_world_parent_class)->dispose (object);
}

static void
qm_sim_world_finalize (GObject *object)
{
  QmSimWorld *self = (QmSimWorld *) object;

  g_clear_pointer (&self->sites, g_ptr_array_unref);
  g_clear_pointer (&self->catalog, qm_sim_catalog_unref);

  G_OBJECT_CLASS (qm_sim_world_parent_class)->finalize (object);
}

static void
qm_sim_world_class_init (QmSimWorldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qm_sim_world_dispose;
  object_class->finalize = qm_sim_world_finalize;
}

static void
qm_sim_world_init (QmSimWorld *self)
{
  self->sites = g_ptr_array_new_with_free_func (site_free);
  self->order_delay = 3;
}

void
qm_sim_world_config_init (QmSimWorldConfig *config)
{
  g_return_if_fail (config != NULL);

  config->seed = 1;
  config->n_skus = 200;
  config->n_days = 90;
  config->movements_per_day = 150;
  config->end_date = G_GINT64_CONSTANT (1795737600);   /* 2026-11-27T00:00:00Z */
}

/**
 * qm_sim_world_lookup_region:
 *
 * Looks up a known region ("east", "south", ...) and gives its default
 * warehouse id, name and location.
 */
gboolean
qm_sim_world_lookup_region (const char  *region,
                            const char **id,
                            const char **name,
                            double      *lat,
                            double      *lon)
{
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    if (g_ascii_strcasecmp (region, regions[i].region) == 0)
      {
        if (id)
          *id = regions[i].id;
        if (name)
          *name = regions[i].name;
        if (lat)
          *lat = regions[i].lat;
        if (lon)
          *lon = regions[i].lon;
        return TRUE;
      }

  return FALSE;
}

QmSimWorld *
qm_sim_world_new (const QmSimWorldConfig *config)
{
  QmSimWorld *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (QM_SIM_TYPE_WORLD, NULL);
  self->config = *config;
  self->config.n_days = MAX (self->config.n_days, 1);
  self->catalog = qm_sim_catalog_new (config->seed, config->n_skus);

  return self;
}

/**
 * qm_sim_world_add_warehouse:
 * @self: a world that has not generated its history yet
 * @id: (nullable): the warehouse id; %NULL for the region's default
 * @region: the region; a known one gives the name and location
 *
 * Returns: (transfer none): the new warehouse, or %NULL with @error set
 */
QmSimWarehouse *
qm_sim_world_add_warehouse (QmSimWorld  *self,
                            const char  *id,
                            const char  *region,
                            GError     **error)
{
  const char *default_id = NULL;
  const char *name = NULL;
  double lat = 34.75, lon = 113.62;   /* Zhengzhou, for unknown regions */
  g_autofree char *fallback_name = NULL;
  g_autofree char *fallback_id = NULL;
  Site *site;

  g_return_val_if_fail (QM_SIM_IS_WORLD (self), NULL);
  g_return_val_if_fail (!self->generated, NULL);
  g_return_val_if_fail (region != NULL, NULL);

  if (!qm_sim_world_lookup_region (region, &default_id, &name, &lat, &lon))
    {
      g_autofree char *up = g_ascii_strup (region, -1);

      fallback_name = g_strdup_printf ("%s Regional DC", region);
      fallback_id = g_strdup_printf ("WH-%s", up);
      name = fallback_name;
      default_id = fallback_id;
    }
  if (id == NULL)
    id = default_id;

  if (*id == '\0' || strlen (id) > 64 || strchr (id, ' ') != NULL)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "“%s” is not a usable warehouse id: use 1 to 64 characters without spaces", id);
      return NULL;
    }
  if (qm_sim_world_lookup_warehouse (self, id) != NULL)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_EXISTS,
                   "Warehouse “%s” is given twice", id);
      return NULL;
    }

  site = g_new0 (Site, 1);
  site->world = self;
  site->warehouse = qm_sim_warehouse_new (id, name, region, lat, lon, self->catalog);
  site->code = g_str_has_prefix (id, "WH-") ? g_strdup (id + 3) : g_strdup (id);
  site->schedule = g_sequence_new (sched_free);
  site->orders = g_ptr_array_new_with_free_func (order_free);
  qm_sim_rng_init (&site->rng, self->config.seed, id);
  g_ptr_array_add (self->sites, site);

  return site->warehouse;
}

static Site *
find_site (QmSimWorld     *self,
           QmSimWarehouse *warehouse)
{
  for (guint i = 0; i < self->sites->len; i++)
    {
      Site *site = g_ptr_array_index (self->sites, i);

      if (site->warehouse == warehouse)
        return site;
    }
  return NULL;
}

static Site *
find_site_by_id (QmSimWorld *self,
                 const char *id)
{
  for (guint i = 0; i < self->sites->len; i++)
    {
      Site *site = g_ptr_array_index (self->sites, i);

      if (g_strcmp0 (qm_sim_warehouse_get_id (site->warehouse), id) == 0)
        return site;
    }
  return NULL;
}

QmSimCatalog *
qm_sim_world_get_catalog (QmSimWorld *self)
{
  return self->catalog;
}

guint
qm_sim_world_get_n_warehouses (QmSimWorld *self)
{
  return self->sites->len;
}

QmSimWarehouse *
qm_sim_world_get_warehouse (QmSimWorld *self,
                            guint       index)
{
  g_return_val_if_fail (index < self->sites->len, NULL);

  return ((Site *) g_ptr_array_index (self->sites, index))->warehouse;
}

QmSimWarehouse *
qm_sim_world_lookup_warehouse (QmSimWorld *self,
                               const char *id)
{
  Site *site = find_site_by_id (self, id);

  return site ? site->warehouse : NULL;
}

/* The simulated "now": the end of the last simulated business day. */
gint64
qm_sim_world_get_now (QmSimWorld *self)
{
  return self->config.end_date + 16 * 3600;
}

/* ---- scheduling ------------------------------------------------------ */

static int
compare_sched (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const Sched *sa = a;
  const Sched *sb = b;

  if (sa->due != sb->due)
    return sa->due < sb->due ? -1 : 1;
  return sa->order < sb->order ? -1 : (sa->order > sb->order);
}

static Sched *
schedule (Site      *site,
          SchedType  type,
          gint64     due,
          guint      sku)
{
  Sched *s = g_new0 (Sched, 1);

  s->type = type;
  s->due = due;
  s->sku = sku;
  s->order = site->n_scheduled++;
  s->status = QM_SIM_STATUS_NONE;
  s->cost = -1;
  /* inserted after the caller filled it: see commit_sched() */
  return s;
}

static void
commit_sched (Site  *site,
              Sched *s)
{
  g_sequence_insert_sorted (site->schedule, s, compare_sched, NULL);
}

static gint64
stock (Site *site,
       guint sku,
       int   status)
{
  return qm_sim_warehouse_get_stock (site->warehouse, sku, status);
}

static gboolean
emit (Site       *site,
      gint64      at,
      QmSimKind   kind,
      guint       sku,
      gint64      quantity,
      int         from_status,
      int         to_status,
      gint64      unit_cost,
      const char *reference,
      const char *counterparty,
      int         channel,
      int         reason)
{
  QmSimMovement mv = { 0 };
  guint gap = 0;

  if (quantity <= 0)
    return FALSE;
  if (from_status >= 0 && stock (site, sku, from_status) < quantity)
    return FALSE;

  mv.at = at;
  mv.kind = kind;
  mv.sku = sku;
  mv.quantity = quantity;
  mv.from_status = from_status;
  mv.to_status = to_status;
  mv.unit_cost = unit_cost;
  mv.reference = reference;
  mv.counterparty = counterparty;
  mv.channel = channel;
  mv.reason = reason;

  /* seq gaps are allowed by the contract: make a few */
  if (qm_sim_rng_chance (&site->rng, 8))
    gap = (guint) qm_sim_rng_range (&site->rng, 1, 3);

  return qm_sim_warehouse_append (site->warehouse, &mv, gap) > 0;
}

static void
schedule_inspection (Site   *site,
                     guint   sku,
                     gint64  at)
{
  Sched *s;

  if (site->flags[sku] & FLAG_INSPECTION)
    return;

  site->flags[sku] |= FLAG_INSPECTION;
  s = schedule (site, SCHED_INSPECTION, at + qm_sim_rng_range (&site->rng, 6 * 3600, 2 * SECONDS_PER_DAY), sku);
  commit_sched (site, s);
}

static gint64
pack_size (Site *site,
           guint sku)
{
  return MAX (qm_sim_catalog_get_product (site->world->catalog, sku)->pack_size, 1);
}

static gint64
reorder_point (Site *site,
               guint sku)
{
  return (gint64) (site->demand[sku] * REORDER_DAYS + 0.999);
}

static gint64
target_level (Site *site,
              guint sku)
{
  return (gint64) (site->demand[sku] * TARGET_DAYS + 0.999) + pack_size (site, sku);
}

static gint64
drift_cost (Site *site,
            guint sku)
{
  gint64 c = site->cost[sku];

  c += c * qm_sim_rng_range (&site->rng, -25, 35) / 1000;
  /* keep it near the catalogue price over a long simulation */
  c = CLAMP (c, qm_sim_catalog_get_product (site->world->catalog, sku)->base_cost / 2,
             qm_sim_catalog_get_product (site->world->catalog, sku)->base_cost * 2);
  site->cost[sku] = MAX (c, 100);
  return site->cost[sku];
}

static char *
next_reference (Site       *site,
                const char *prefix,
                guint      *counter)
{
  return g_strdup_printf ("%s-%s-%06u", prefix, site->code, ++*counter);
}

static void
maybe_reorder (Site   *site,
               guint   sku,
               gint64  at)
{
  gint64 position, qty, pack;
  Sched *s;

  if (site->flags[sku] & FLAG_PO_OPEN)
    return;

  position = stock (site, sku, QM_SIM_STATUS_QUALIFIED)
             + stock (site, sku, QM_SIM_STATUS_PENDING_INSPECTION)
             + site->on_order[sku];
  if (position > reorder_point (site, sku))
    return;

  pack = pack_size (site, sku);
  qty = target_level (site, sku) - position;
  qty = MAX ((qty + pack - 1) / pack * pack, pack);

  s = schedule (site, SCHED_PO_ARRIVAL,
                at + qm_sim_rng_range (&site->rng, 2 * SECONDS_PER_DAY, 6 * SECONDS_PER_DAY + 43200),
                sku);
  s->quantity = qty;
  s->cost = drift_cost (site, sku);
  s->status = qm_sim_rng_chance (&site->rng, 750) ? QM_SIM_STATUS_PENDING_INSPECTION : QM_SIM_STATUS_QUALIFIED;
  s->reference = next_reference (site, "PO", &site->n_po);
  commit_sched (site, s);

  site->on_order[sku] += qty;
  site->flags[sku] |= FLAG_PO_OPEN;
}

static gboolean
run_sched (Site   *site,
           Sched  *s,
           gint64  at)
{
  gint64 q, d;

  switch (s->type)
    {
    case SCHED_PO_ARRIVAL:
      site->on_order[s->sku] -= s->quantity;
      site->flags[s->sku] &= ~FLAG_PO_OPEN;
      if (!emit (site, at, QM_SIM_KIND_PURCHASE_INBOUND, s->sku, s->quantity,
                 QM_SIM_STATUS_NONE, s->status, s->cost, s->reference, NULL, -1, -1))
        return FALSE;
      if (s->status == QM_SIM_STATUS_PENDING_INSPECTION)
        schedule_inspection (site, s->sku, at);
      return TRUE;

    case SCHED_TRANSFER_IN:
      if (!emit (site, at, QM_SIM_KIND_TRANSFER_IN, s->sku, s->quantity,
                 QM_SIM_STATUS_NONE, s->status, -1, s->reference, s->counterparty, -1, -1))
        return FALSE;
      if (s->status == QM_SIM_STATUS_PENDING_INSPECTION)
        schedule_inspection (site, s->sku, at);
      return TRUE;

    case SCHED_INSPECTION:
      site->flags[s->sku] &= ~FLAG_INSPECTION;
      q = stock (site, s->sku, QM_SIM_STATUS_PENDING_INSPECTION);
      if (q == 0)
        return FALSE;
      d = q * qm_sim_rng_range (&site->rng, 0, 60) / 1000;
      if (d == 0 && qm_sim_rng_chance (&site->rng, 50))
        d = 1;
      if (q - d > 0)
        {
          if (d > 0)
            {
              Sched *defect = schedule (site, SCHED_DEFECT, at, s->sku);

              defect->quantity = d;
              commit_sched (site, defect);
            }
          return emit (site, at, QM_SIM_KIND_INSPECTION, s->sku, q - d,
                       QM_SIM_STATUS_PENDING_INSPECTION, QM_SIM_STATUS_QUALIFIED, -1, NULL, NULL, -1, -1);
        }
      return emit (site, at, QM_SIM_KIND_INSPECTION, s->sku, d,
                   QM_SIM_STATUS_PENDING_INSPECTION, QM_SIM_STATUS_DEFECTIVE, -1, NULL, NULL, -1, -1);

    case SCHED_DEFECT:
      q = MIN (s->quantity, stock (site, s->sku, QM_SIM_STATUS_PENDING_INSPECTION));
      return emit (site, at, QM_SIM_KIND_INSPECTION, s->sku, q,
                   QM_SIM_STATUS_PENDING_INSPECTION, QM_SIM_STATUS_DEFECTIVE, -1, NULL, NULL, -1, -1);

    case SCHED_RTV:
      {
        g_autofree char *ref = NULL;

        site->flags[s->sku] &= ~FLAG_RTV;
        q = stock (site, s->sku, QM_SIM_STATUS_SUPPLIER_RETURN);
        if (q == 0)
          return FALSE;
        ref = next_reference (site, "RTV", &site->n_rtv);
        return emit (site, at, QM_SIM_KIND_SUPPLIER_RETURN, s->sku, q,
                     QM_SIM_STATUS_SUPPLIER_RETURN, QM_SIM_STATUS_NONE, -1, ref, NULL, -1, -1);
      }

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

static gboolean
run_due (Site   *site,
         gint64  at)
{
  while (!g_sequence_is_empty (site->schedule))
    {
      GSequenceIter *first = g_sequence_get_begin_iter (site->schedule);
      Sched *s = g_sequence_get (first);
      gboolean ok;

      if (s->due > at)
        return FALSE;

      ok = run_sched (site, s, at);
      g_sequence_remove (first);
      if (ok)
        return TRUE;
    }

  return FALSE;
}

/* ---- random events --------------------------------------------------- */

static guint
pick_popular (Site *site)
{
  guint64 r = qm_sim_rng_next (&site->rng) % site->cumulative[site->n_popular - 1];
  guint lo = 0, hi = site->n_popular - 1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (site->cumulative[mid] > r)
        hi = mid;
      else
        lo = mid + 1;
    }

  return site->popular[lo];
}

static guint
pick_any (Site *site)
{
  return site->popular[qm_sim_rng_range (&site->rng, 0, site->n_popular - 1)];
}

static int
pick_channel (Site *site)
{
  guint total = 0, r;
  guint n = qm_sim_n_channels ();

  for (guint i = 0; i < n; i++)
    total += qm_sim_channel_weight (i);
  r = (guint) qm_sim_rng_range (&site->rng, 0, total - 1);
  for (guint i = 0; i < n; i++)
    {
      if (r < qm_sim_channel_weight (i))
        return (int) i;
      r -= qm_sim_channel_weight (i);
    }
  return 0;
}

static gint64
sale_size (Site *site)
{
  guint r = (guint) qm_sim_rng_range (&site->rng, 0, 999);

  if (r < 620)
    return 1;
  if (r < 820)
    return 2;
  if (r < 900)
    return 3;
  if (r < 980)
    return qm_sim_rng_range (&site->rng, 4, 10);
  return qm_sim_rng_range (&site->rng, 11, 60);
}

static gboolean
event_sale (Site   *site,
            gint64  at)
{
  guint sku = pick_popular (site);
  gint64 q = stock (site, sku, QM_SIM_STATUS_QUALIFIED);
  gint64 want = sale_size (site);
  gboolean ok;

  if (q == 0)
    {
      maybe_reorder (site, sku, at);
      return FALSE;
    }

  ok = emit (site, at, QM_SIM_KIND_SALES_OUTBOUND, sku, MIN (want, q),
             QM_SIM_STATUS_QUALIFIED, QM_SIM_STATUS_NONE, -1, NULL, NULL, pick_channel (site), -1);
  maybe_reorder (site, sku, at);
  return ok;
}

static gboolean
event_customer_return (Site   *site,
                       gint64  at)
{
  guint sku = pick_popular (site);
  gint64 q = qm_sim_rng_chance (&site->rng, 850) ? 1 : 2;
  int to = qm_sim_rng_chance (&site->rng, 650) ? QM_SIM_STATUS_PENDING_INSPECTION : QM_SIM_STATUS_DEFECTIVE;

  if (!emit (site, at, QM_SIM_KIND_CUSTOMER_RETURN, sku, q,
             QM_SIM_STATUS_NONE, to, -1, NULL, NULL, pick_channel (site), -1))
    return FALSE;
  if (to == QM_SIM_STATUS_PENDING_INSPECTION)
    schedule_inspection (site, sku, at);
  return TRUE;
}

static gboolean
event_transfer (Site   *site,
                gint64  at)
{
  QmSimWorld *self = site->world;
  guint sku = pick_popular (site);
  gint64 q = stock (site, sku, QM_SIM_STATUS_QUALIFIED);
  g_autofree char *ref = NULL;
  Site *dest;
  Sched *s;
  guint n_sites = self->sites->len;
  gint64 qty;

  if (n_sites < 2 || q < MAX (10, target_level (site, sku) * 6 / 5))
    return FALSE;

  dest = g_ptr_array_index (self->sites, qm_sim_rng_range (&site->rng, 0, n_sites - 1));
  if (dest == site || !qm_sim_warehouse_is_listed (dest->warehouse, sku))
    return FALSE;

  qty = MAX (q * qm_sim_rng_range (&site->rng, 10, 30) / 100, 1);
  ref = next_reference (site, "TR", &site->n_transfers);
  if (!emit (site, at, QM_SIM_KIND_TRANSFER_OUT, sku, qty, QM_SIM_STATUS_QUALIFIED, QM_SIM_STATUS_NONE,
             -1, ref, qm_sim_warehouse_get_id (dest->warehouse), -1, -1))
    return FALSE;

  s = schedule (dest, SCHED_TRANSFER_IN,
                at + qm_sim_rng_range (&site->rng, SECONDS_PER_DAY, 3 * SECONDS_PER_DAY),
                sku);
  s->quantity = qty;
  s->status = qm_sim_rng_chance (&site->rng, 850) ? QM_SIM_STATUS_QUALIFIED : QM_SIM_STATUS_PENDING_INSPECTION;
  s->reference = g_steal_pointer (&ref);
  s->counterparty = g_strdup (qm_sim_warehouse_get_id (site->warehouse));
  commit_sched (dest, s);

  return TRUE;
}

static gboolean
event_adjustment (Site   *site,
                  gint64  at)
{
  guint sku = pick_any (site);
  gint64 q = stock (site, sku, QM_SIM_STATUS_QUALIFIED);

  if (q > 0 && qm_sim_rng_chance (&site->rng, 600))
    {
      static const int loss_reasons[] = {
        QM_SIM_REASON_STOCK_COUNT, QM_SIM_REASON_DAMAGE, QM_SIM_REASON_EXPIRED, QM_SIM_REASON_SHRINKAGE,
      };
      int reason = loss_reasons[qm_sim_rng_range (&site->rng, 0, G_N_ELEMENTS (loss_reasons) - 1)];
      gboolean ok;

      ok = emit (site, at, QM_SIM_KIND_ADJUSTMENT, sku, qm_sim_rng_range (&site->rng, 1, MIN (3, q)),
                 QM_SIM_STATUS_QUALIFIED, QM_SIM_STATUS_NONE, -1, NULL, NULL, -1, reason);
      maybe_reorder (site, sku, at);
      return ok;
    }

  return emit (site, at, QM_SIM_KIND_ADJUSTMENT, sku, qm_sim_rng_range (&site->rng, 1, 3),
               QM_SIM_STATUS_NONE, QM_SIM_STATUS_QUALIFIED, -1, NULL, NULL, -1,
               qm_sim_rng_chance (&site->rng, 500) ? QM_SIM_REASON_STOCK_COUNT : QM_SIM_REASON_FOUND_IN_COUNT);
}

static gboolean
event_damage (Site   *site,
              gint64  at)
{
  guint sku = pick_popular (site);
  gint64 q = stock (site, sku, QM_SIM_STATUS_QUALIFIED);

  if (q == 0)
    return FALSE;

  return emit (site, at, QM_SIM_KIND_STATUS_CHANGE, sku, qm_sim_rng_range (&site->rng, 1, MIN (2, q)),
               QM_SIM_STATUS_QUALIFIED, QM_SIM_STATUS_DEFECTIVE, -1, NULL, NULL, -1,
               QM_SIM_REASON_DAMAGED_IN_STORAGE);
}

static gint64
find_with_stock (Site   *site,
                 int     status,
                 guint  *sku)
{
  for (guint tries = 0; tries < 12; tries++)
    {
      guint candidate = pick_any (site);
      gint64 q = stock (site, candidate, status);

      if (q > 0)
        {
          *sku = candidate;
          return q;
        }
    }
  return 0;
}

static gboolean
event_stage_return (Site   *site,
                    gint64  at)
{
  guint sku = 0;
  gint64 q = find_with_stock (site, QM_SIM_STATUS_DEFECTIVE, &sku);

  if (q == 0)
    return FALSE;
  if (!emit (site, at, QM_SIM_KIND_STATUS_CHANGE, sku, q,
             QM_SIM_STATUS_DEFECTIVE, QM_SIM_STATUS_SUPPLIER_RETURN, -1, NULL, NULL, -1,
             QM_SIM_REASON_STAGED_FOR_RETURN))
    return FALSE;

  if (!(site->flags[sku] & FLAG_RTV))
    {
      Sched *s = schedule (site, SCHED_RTV,
                           at + qm_sim_rng_range (&site->rng, 2 * SECONDS_PER_DAY, 7 * SECONDS_PER_DAY),
                           sku);

      site->flags[sku] |= FLAG_RTV;
      commit_sched (site, s);
    }
  return TRUE;
}

static gboolean
event_return_overstock (Site   *site,
                        gint64  at)
{
  for (guint tries = 0; tries < 6; tries++)
    {
      guint sku = pick_any (site);
      gint64 q = stock (site, sku, QM_SIM_STATUS_QUALIFIED);

      if (q > 4 * target_level (site, sku))
        {
          g_autofree char *ref = next_reference (site, "RTV", &site->n_rtv);

          return emit (site, at, QM_SIM_KIND_SUPPLIER_RETURN, sku, q / 4,
                       QM_SIM_STATUS_QUALIFIED, QM_SIM_STATUS_NONE, -1, ref, NULL, -1, -1);
        }
    }
  return FALSE;
}

static gboolean
event_return_defective (Site   *site,
                        gint64  at)
{
  guint sku = 0;
  gint64 q = find_with_stock (site, QM_SIM_STATUS_DEFECTIVE, &sku);
  g_autofree char *ref = NULL;

  if (q == 0)
    return FALSE;
  ref = next_reference (site, "RTV", &site->n_rtv);
  return emit (site, at, QM_SIM_KIND_SUPPLIER_RETURN, sku, q,
               QM_SIM_STATUS_DEFECTIVE, QM_SIM_STATUS_NONE, -1, ref, NULL, -1, -1);
}

static gboolean
event_emergency_purchase (Site   *site,
                          gint64  at)
{
  guint sku = pick_popular (site);
  g_autofree char *ref = next_reference (site, "PO", &site->n_po);

  return emit (site, at, QM_SIM_KIND_PURCHASE_INBOUND, sku,
               pack_size (site, sku) * qm_sim_rng_range (&site->rng, 1, 5),
               QM_SIM_STATUS_NONE, QM_SIM_STATUS_QUALIFIED, drift_cost (site, sku), ref, NULL, -1, -1);
}

/* Writes exactly one movement at (or just after) @at; only a site that
 * lists nothing writes none.
 */
static gboolean
step (Site   *site,
      gint64  at)
{
  at = MAX (at, qm_sim_warehouse_get_last_at (site->warehouse) + 1);

  if (site->n_popular == 0)
    return FALSE;

  if (run_due (site, at))
    return TRUE;

  for (guint tries = 0; tries < 12; tries++)
    {
      guint r = (guint) qm_sim_rng_range (&site->rng, 0, 999);
      gboolean ok;

      if (r < SALE_SHARE)
        ok = event_sale (site, at);
      else if (r < 680)
        ok = event_customer_return (site, at);
      else if (r < 715)
        ok = event_transfer (site, at);
      else if (r < 745)
        ok = event_adjustment (site, at);
      else if (r < 760)
        ok = event_damage (site, at);
      else if (r < 775)
        ok = event_stage_return (site, at);
      else if (r < 785)
        ok = event_return_overstock (site, at);
      else if (r < 790)
        ok = event_return_defective (site, at);
      else
        ok = event_sale (site, at);

      if (ok)
        return TRUE;
    }

  return event_emergency_purchase (site, at);
}

/* ---- history ----------------------------------------------------------- */

static int
compare_u64 (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  guint64 x = *(const guint64 *) a;
  guint64 y = *(const guint64 *) b;

  return x < y ? -1 : (x > y);
}

static void
site_prepare (Site *site)
{
  QmSimWorld *self = site->world;
  guint n = qm_sim_catalog_get_n_products (self->catalog);
  g_autofree guint64 *keys = g_new (guint64, MAX (n, 1));
  guint64 total = 0;

  site->demand = g_new0 (double, MAX (n, 1));
  site->cost = g_new0 (gint64, MAX (n, 1));
  site->on_order = g_new0 (gint64, MAX (n, 1));
  site->flags = g_new0 (guint8, MAX (n, 1));
  site->popular = g_new (guint32, MAX (n, 1));
  site->cumulative = g_new (guint64, MAX (n, 1));
  site->n_popular = 0;

  /* each site lists most SKUs; the first ones (the awkward names) always */
  for (guint i = 0; i < n; i++)
    {
      gboolean listed = i < 32 || qm_sim_rng_chance (&site->rng, 930);

      qm_sim_warehouse_set_listed (site->warehouse, i, listed);
      site->cost[i] = qm_sim_catalog_get_product (self->catalog, i)->base_cost;
    }

  /* regional taste: the catalogue's rank plus some noise */
  for (guint i = 0; i < n; i++)
    {
      guint rank = qm_sim_catalog_get_product (self->catalog, i)->rank;

      keys[i] = ((guint64) rank + (guint64) qm_sim_rng_range (&site->rng, 0, n / 8 + 1)) << 32 | i;
    }
  g_qsort_with_data (keys, n, sizeof (guint64), compare_u64, NULL);
  for (guint i = 0; i < n; i++)
    {
      guint sku = (guint) (keys[i] & 0xffffffff);

      if (qm_sim_warehouse_is_listed (site->warehouse, sku))
        site->popular[site->n_popular++] = sku;
    }

  /* Zipf-like popularity: weight 1/(position + 3) */
  for (guint p = 0; p < site->n_popular; p++)
    {
      total += G_GUINT64_CONSTANT (1000000000000) / (p + 3);
      site->cumulative[p] = total;
    }
  for (guint p = 0; p < site->n_popular; p++)
    {
      double share = (double) (G_GUINT64_CONSTANT (1000000000000) / (p + 3)) / (double) total;

      /* about 83% of random events are sales */
      site->demand[site->popular[p]] = self->config.movements_per_day * 0.83 * share * MEAN_SALE_SIZE;
    }
}

static void
site_open (Site   *site,
           gint64  day_start)
{
  QmSimWorld *self = site->world;
  guint n = qm_sim_catalog_get_n_products (self->catalog);
  gint64 at = day_start;

  for (guint sku = 0; sku < n; sku++)
    {
      gint64 pack, qty;

      if (!qm_sim_warehouse_is_listed (site->warehouse, sku))
        continue;
      if (qm_sim_rng_chance (&site->rng, 40))
        continue;   /* listed but never stocked yet */

      pack = pack_size (site, sku);
      if (qm_sim_rng_chance (&site->rng, 60))
        qty = (gint64) (site->demand[sku] * qm_sim_rng_range (&site->rng, 150, 400)) + pack * qm_sim_rng_range (&site->rng, 2, 10);
      else
        qty = (gint64) (site->demand[sku] * qm_sim_rng_range (&site->rng, 20, 70)) + qm_sim_rng_range (&site->rng, 0, pack);
      emit (site, at++, QM_SIM_KIND_OPENING_BALANCE, sku, qty, QM_SIM_STATUS_NONE, QM_SIM_STATUS_QUALIFIED,
            site->cost[sku], NULL, NULL, -1, -1);

      if (qm_sim_rng_chance (&site->rng, 30))
        emit (site, at++, QM_SIM_KIND_OPENING_BALANCE, sku, qm_sim_rng_range (&site->rng, 1, 5),
              QM_SIM_STATUS_NONE, QM_SIM_STATUS_DEFECTIVE, site->cost[sku], NULL, NULL, -1, -1);
      if (qm_sim_rng_chance (&site->rng, 40))
        {
          if (emit (site, at++, QM_SIM_KIND_OPENING_BALANCE, sku, qm_sim_rng_range (&site->rng, 1, 2 * pack),
                    QM_SIM_STATUS_NONE, QM_SIM_STATUS_PENDING_INSPECTION, site->cost[sku], NULL, NULL, -1, -1))
            schedule_inspection (site, sku, at);
        }
    }
}

static guint
day_volume (QmSimWorld *self,
            gint64      day_start)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (day_start);
  guint64 factor = weekday_factor[g_date_time_get_day_of_week (dt) % 7];
  int month = g_date_time_get_month (dt);
  int day = g_date_time_get_day_of_month (dt);

  /* the big shopping days */
  if (month == 11 && day == 11)
    factor *= 3;
  else if ((month == 11 && (day == 10 || day == 12)) || (month == 6 && day == 18))
    factor = factor * 8 / 5;

  return (guint) ((guint64) self->config.movements_per_day * factor / 1011);
}

/**
 * qm_sim_world_generate:
 * @self: a world with its warehouses added
 *
 * Writes every warehouse's history: opening balances on the first day,
 * then each day's movements, ending on the configured end date. Sizes each
 * site's capacity well above the most stock it ever held.
 */
void
qm_sim_world_generate (QmSimWorld *self)
{
  guint days = self->config.n_days;

  g_return_if_fail (QM_SIM_IS_WORLD (self));
  g_return_if_fail (!self->generated);

  self->generated = TRUE;

  for (guint i = 0; i < self->sites->len; i++)
    site_prepare (g_ptr_array_index (self->sites, i));

  for (guint d = 0; d < days; d++)
    {
      gint64 day_start = self->config.end_date - (gint64) (days - 1 - d) * SECONDS_PER_DAY;
      guint n = day_volume (self, day_start);

      for (guint i = 0; i < self->sites->len; i++)
        {
          Site *site = g_ptr_array_index (self->sites, i);
          gint64 span = 15 * 3600;
          gint64 slot = n > 0 ? MAX (span / n, 1) : 1;

          if (d == 0)
            site_open (site, day_start);

          for (guint k = 0; k < n; k++)
            step (site, day_start + 1800 + (gint64) k * span / MAX (n, 1)
                        + qm_sim_rng_range (&site->rng, 0, slot - 1));
        }
    }

  for (guint i = 0; i < self->sites->len; i++)
    {
      Site *site = g_ptr_array_index (self->sites, i);
      gint64 peak = qm_sim_warehouse_get_peak_units (site->warehouse);
      gint64 capacity = (peak * 3 / 2 + 9999) / 10000 * 10000;

      qm_sim_warehouse_set_capacity_units (site->warehouse, MAX (capacity, 10000));
    }
}

/* ---- live mode and orders -------------------------------------------------- */

static gint64
next_live_at (Site *site)
{
  return qm_sim_warehouse_get_last_at (site->warehouse) + qm_sim_rng_range (&site->rng, 5, 90);
}

/**
 * qm_sim_world_advance:
 * @self: a world
 * @warehouse: one of its warehouses
 * @n_movements: how many movements to add
 *
 * Continues @warehouse's history by exactly @n_movements movements, each
 * a few seconds to a minute after the previous one.
 *
 * Returns: the number of movements written
 */
guint
qm_sim_world_advance (QmSimWorld     *self,
                      QmSimWarehouse *warehouse,
                      guint           n_movements)
{
  Site *site;
  guint written = 0;

  g_return_val_if_fail (QM_SIM_IS_WORLD (self), 0);
  g_return_val_if_fail (self->generated, 0);

  site = find_site (self, warehouse);
  g_return_val_if_fail (site != NULL, 0);

  for (guint i = 0; i < n_movements; i++)
    if (step (site, next_live_at (site)))
      written++;

  return written;
}

static gboolean
on_order_timer_cb (gpointer user_data)
{
  Site *site = user_data;

  site->order_timer = 0;
  qm_sim_world_deliver (site->world, site->warehouse);
  return G_SOURCE_REMOVE;
}

/**
 * qm_sim_world_submit_order:
 * @self: a world
 * @warehouse: the warehouse the order was posted to
 * @kind: purchase order or transfer
 * @to_warehouse: (nullable): a transfer's destination
 * @lines: (array length=n_lines): the validated lines
 *
 * Accepts an order. Its goods show up later, on the next live tick, a
 * control call or after the order delay, as movements whose reference is
 * the returned id.
 *
 * Returns: (transfer full): the order id ("PO-EAST-000123")
 */
char *
qm_sim_world_submit_order (QmSimWorld           *self,
                           QmSimWarehouse       *warehouse,
                           QmSimOrderKind        kind,
                           const char           *to_warehouse,
                           const QmSimOrderLine *lines,
                           guint                 n_lines)
{
  Site *site;
  Order *order;

  g_return_val_if_fail (QM_SIM_IS_WORLD (self), NULL);

  site = find_site (self, warehouse);
  g_return_val_if_fail (site != NULL, NULL);

  order = g_new0 (Order, 1);
  order->kind = kind;
  order->id = kind == QM_SIM_ORDER_PURCHASE
              ? next_reference (site, "PO", &site->n_po)
              : next_reference (site, "TR", &site->n_transfers);
  order->to_warehouse = g_strdup (to_warehouse);
  order->lines = g_array_sized_new (FALSE, FALSE, sizeof (QmSimOrderLine), n_lines);
  g_array_append_vals (order->lines, lines, n_lines);
  g_ptr_array_add (site->orders, order);

  if (self->order_delay >= 0 && site->order_timer == 0)
    site->order_timer = g_timeout_add_seconds (self->order_delay, on_order_timer_cb, site);

  return g_strdup (order->id);
}

static void
deliver_order (Site  *site,
               Order *order)
{
  for (guint i = 0; i < order->lines->len; i++)
    {
      const QmSimOrderLine *line = &g_array_index (order->lines, QmSimOrderLine, i);
      gint64 at = qm_sim_warehouse_get_last_at (site->warehouse) + 1;

      if (order->kind == QM_SIM_ORDER_PURCHASE)
        {
          gint64 cost = line->unit_cost >= 0 ? line->unit_cost : site->cost[line->sku];

          if (emit (site, at, QM_SIM_KIND_PURCHASE_INBOUND, line->sku, line->quantity,
                    QM_SIM_STATUS_NONE, QM_SIM_STATUS_PENDING_INSPECTION, cost, order->id, NULL, -1, -1))
            schedule_inspection (site, line->sku, at);
        }
      else
        {
          gint64 qty = MIN (line->quantity, stock (site, line->sku, QM_SIM_STATUS_QUALIFIED));
          Site *dest = find_site_by_id (site->world, order->to_warehouse);

          /* ships what is there; a line with nothing on hand ships nothing */
          if (!emit (site, at, QM_SIM_KIND_TRANSFER_OUT, line->sku, qty, QM_SIM_STATUS_QUALIFIED,
                     QM_SIM_STATUS_NONE, -1, order->id, order->to_warehouse, -1, -1))
            continue;

          if (dest != NULL)
            emit (dest, MAX (at, qm_sim_warehouse_get_last_at (dest->warehouse) + 1),
                  QM_SIM_KIND_TRANSFER_IN, line->sku, qty, QM_SIM_STATUS_NONE, QM_SIM_STATUS_QUALIFIED,
                  -1, order->id, qm_sim_warehouse_get_id (site->warehouse), -1, -1);
        }
    }
}

/**
 * qm_sim_world_deliver:
 *
 * Delivers every order waiting at @warehouse now.
 *
 * Returns: how many orders were delivered
 */
guint
qm_sim_world_deliver (QmSimWorld     *self,
                      QmSimWarehouse *warehouse)
{
  Site *site;
  guint n;

  g_return_val_if_fail (QM_SIM_IS_WORLD (self), 0);

  site = find_site (self, warehouse);
  g_return_val_if_fail (site != NULL, 0);

  g_clear_handle_id (&site->order_timer, g_source_remove);
  n = site->orders->len;
  for (guint i = 0; i < n; i++)
    deliver_order (site, g_ptr_array_index (site->orders, i));
  g_ptr_array_set_size (site->orders, 0);

  return n;
}

guint
qm_sim_world_get_n_pending_orders (QmSimWorld     *self,
                                   QmSimWarehouse *warehouse)
{
  Site *site = find_site (self, warehouse);

  g_return_val_if_fail (site != NULL, 0);
  return site->orders->len;
}

/**
 * qm_sim_world_set_order_delay:
 * @seconds: delay before a posted order is delivered; negative to
 *   deliver only on a live tick or a control call
 */
void
qm_sim_world_set_order_delay (QmSimWorld *self,
                              int         seconds)
{
  g_return_if_fail (QM_SIM_IS_WORLD (self));
  self->order_delay = seconds;
}

static gboolean
on_live_tick_cb (gpointer user_data)
{
  QmSimWorld *self = user_data;
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - self->live_last) / (double) G_USEC_PER_SEC;

  self->live_last = now;
  for (guint i = 0; i < self->sites->len; i++)
    {
      Site *site = g_ptr_array_index (self->sites, i);
      guint n;

      site->live_credit += self->live_rate * elapsed;
      n = (guint) site->live_credit;
      site->live_credit -= n;

      if (site->orders->len > 0)
        qm_sim_world_deliver (self, site->warehouse);
      qm_sim_world_advance (self, site->warehouse, n);
    }

  return G_SOURCE_CONTINUE;
}

/**
 * qm_sim_world_set_live_rate:
 * @per_second: movements a second for each warehouse; 0 to stop
 *
 * Keeps writing movements while the main loop runs.
 */
void
qm_sim_world_set_live_rate (QmSimWorld *self,
                            double      per_second)
{
  g_return_if_fail (QM_SIM_IS_WORLD (self));

  g_clear_handle_id (&self->live_timer, g_source_remove);
  self->live_rate = MAX (per_second, 0.0);
  if (self->live_rate > 0)
    {
      self->live_last = g_get_monotonic_time ();
      self->live_timer = g_timeout_add (200, on_live_tick_cb, self);
    }
}
