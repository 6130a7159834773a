/* qm-sim-warehouse.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <string.h>

#include "qm-sim-warehouse.h"

/*
 * One simulated site: its identity, which SKUs it lists, its movement
 * ledger (a compact array ordered by seq) and the running stock that is
 * the fold of that ledger. Stock snapshots "as of" an older seq are
 * folded on demand and a few are cached for walks in progress.
 */

#define N_CACHED_SNAPSHOTS 8

struct _QmSimWarehouse
{
  GObject       parent_instance;

  char         *id;
  char         *name;
  char         *region;
  double        lat;
  double        lon;
  gint64        capacity_units;

  QmSimCatalog *catalog;
  guint8       *listed;
  guint32      *listed_sorted;   /* lazily built */
  guint         n_listed_sorted;

  GArray       *ledger;          /* QmSimMovement, by seq */
  GStringChunk *strings;
  gint64       *stock;           /* n_skus × QM_SIM_N_STATUSES */
  gint64        total_units;
  gint64        peak_units;
  gint64        last_seq;
  gint64        last_at;
  guint         epoch;

  GHashTable   *snapshots;       /* gint64* as_of_seq → GArray of QmSimStockRow */
  GQueue        snapshot_order;  /* gint64* keys, oldest first */
};

G_DEFINE_FINAL_TYPE (QmSimWarehouse, qm_sim_warehouse, G_TYPE_OBJECT)

static void
qm_sim_warehouse_finalize (GObject *object)
{
  QmSimWarehouse *self = (QmSimWarehouse *) object;

  g_queue_clear (&self->snapshot_order);
  g_clear_pointer (&self->snapshots, g_hash_table_unref);
  g_clear_pointer (&self->ledger, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->stock, g_free);
  g_clear_pointer (&self->listed, g_free);
  g_clear_pointer (&self->listed_sorted, g_free);
  g_clear_pointer (&self->catalog, qm_sim_catalog_unref);
  g_free (self->id);
  g_free (self->name);
  g_free (self->region);

  G_OBJECT_CLASS (qm_sim_warehouse_parent_class)->finalize (object);
}

static void
qm_sim_warehouse_class_init (QmSimWarehouseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qm_sim_warehouse_finalize;
}

static void
qm_sim_warehouse_init (QmSimWarehouse *self)
{
  self->ledger = g_array_new (FALSE, FALSE, sizeof (QmSimMovement));
  self->strings = g_string_chunk_new (4096);
  self->snapshots = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           (GDestroyNotify) g_array_unref);
  g_queue_init (&self->snapshot_order);
}

QmSimWarehouse *
qm_sim_warehouse_new (const char   *id,
                      const char   *name,
                      const char   *region,
                      double        lat,
                      double        lon,
                      QmSimCatalog *catalog)
{
  QmSimWarehouse *self;
  guint n;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (catalog != NULL, NULL);

  self = g_object_new (QM_SIM_TYPE_WAREHOUSE, NULL);
  self->id = g_strdup (id);
  self->name = g_strdup (name ? name : id);
  self->region = g_strdup (region ? region : "");
  self->lat = lat;
  self->lon = lon;
  self->capacity_units = 10000;
  self->catalog = qm_sim_catalog_ref (catalog);

  n = qm_sim_catalog_get_n_products (catalog);
  self->listed = g_malloc0 (MAX (n, 1));
  self->stock = g_new0 (gint64, (gsize) MAX (n, 1) * QM_SIM_N_STATUSES);

  return self;
}

const char *
qm_sim_warehouse_get_id (QmSimWarehouse *self)
{
  g_return_val_if_fail (QM_SIM_IS_WAREHOUSE (self), NULL);
  return self->id;
}

const char *
qm_sim_warehouse_get_name (QmSimWarehouse *self)
{
  g_return_val_if_fail (QM_SIM_IS_WAREHOUSE (self), NULL);
  return self->name;
}

const char *
qm_sim_warehouse_get_region (QmSimWarehouse *self)
{
  g_return_val_if_fail (QM_SIM_IS_WAREHOUSE (self), NULL);
  return self->region;
}

const char *
qm_sim_warehouse_get_currency (QmSimWarehouse *self)
{
  return "CNY";
}

double
qm_sim_warehouse_get_lat (QmSimWarehouse *self)
{
  return self->lat;
}

double
qm_sim_warehouse_get_lon (QmSimWarehouse *self)
{
  return self->lon;
}

gint64
qm_sim_warehouse_get_capacity_units (QmSimWarehouse *self)
{
  return self->capacity_units;
}

void
qm_sim_warehouse_set_capacity_units (QmSimWarehouse *self,
                                     gint64          capacity)
{
  g_return_if_fail (QM_SIM_IS_WAREHOUSE (self));
  self->capacity_units = capacity;
}

QmSimCatalog *
qm_sim_warehouse_get_catalog (QmSimWarehouse *self)
{
  return self->catalog;
}

gboolean
qm_sim_warehouse_is_listed (QmSimWarehouse *self,
                            guint           sku)
{
  g_return_val_if_fail (sku < qm_sim_catalog_get_n_products (self->catalog), FALSE);
  return self->listed[sku] != 0;
}

void
qm_sim_warehouse_set_listed (QmSimWarehouse *self,
                             guint           sku,
                             gboolean        listed)
{
  g_return_if_fail (sku < qm_sim_catalog_get_n_products (self->catalog));

  self->listed[sku] = listed ? 1 : 0;
  g_clear_pointer (&self->listed_sorted, g_free);
}

/* The listed SKUs' catalogue indices in bytewise SKU order. */
const guint32 *
qm_sim_warehouse_get_listed_sorted (QmSimWarehouse *self,
                                    guint          *n_listed)
{
  if (self->listed_sorted == NULL)
    {
      const guint32 *sorted = qm_sim_catalog_get_sorted (self->catalog);
      guint n = qm_sim_catalog_get_n_products (self->catalog);

      self->listed_sorted = g_new (guint32, MAX (n, 1));
      self->n_listed_sorted = 0;
      for (guint i = 0; i < n; i++)
        if (self->listed[sorted[i]])
          self->listed_sorted[self->n_listed_sorted++] = sorted[i];
    }

  *n_listed = self->n_listed_sorted;
  return self->listed_sorted;
}

static gboolean
apply (gint64              *stock,
       const QmSimMovement *mv,
       gint64              *total)
{
  gint64 *row = &stock[(gsize) mv->sku * QM_SIM_N_STATUSES];

  if (mv->from_status >= 0)
    {
      if (row[mv->from_status] < mv->quantity)
        return FALSE;
      row[mv->from_status] -= mv->quantity;
      *total -= mv->quantity;
    }
  if (mv->to_status >= 0)
    {
      row[mv->to_status] += mv->quantity;
      *total += mv->quantity;
    }

  return TRUE;
}

/**
 * qm_sim_warehouse_append:
 * @self: a warehouse
 * @movement: the movement; its seq is ignored, its strings are copied
 * @gap: how many seq numbers to skip before this one (0 for none)
 *
 * Appends a movement to the ledger and folds it into the stock. A movement
 * that would take stock below zero is a programming error and is refused.
 *
 * Returns: the new movement's seq, or 0 if it was refused
 */
gint64
qm_sim_warehouse_append (QmSimWarehouse      *self,
                         const QmSimMovement *movement,
                         guint                gap)
{
  QmSimMovement mv = *movement;

  g_return_val_if_fail (QM_SIM_IS_WAREHOUSE (self), 0);
  g_return_val_if_fail (movement->sku < qm_sim_catalog_get_n_products (self->catalog), 0);
  g_return_val_if_fail (movement->quantity > 0 && movement->quantity <= QM_SIM_MAX_QUANTITY, 0);

  if (!apply (self->stock, &mv, &self->total_units))
    {
      g_critical ("%s: %s of %" G_GINT64_FORMAT " would take stock below zero",
                  self->id, qm_sim_kind_to_string (mv.kind), mv.quantity);
      return 0;
    }

  mv.seq = self->last_seq + 1 + gap;
  mv.at = MAX (mv.at, self->last_at);
  if (mv.reference != NULL)
    mv.reference = g_string_chunk_insert_const (self->strings, mv.reference);
  if (mv.counterparty != NULL)
    mv.counterparty = g_string_chunk_insert_const (self->strings, mv.counterparty);

  g_array_append_val (self->ledger, mv);
  self->last_seq = mv.seq;
  self->last_at = mv.at;
  self->peak_units = MAX (self->peak_units, self->total_units);

  return mv.seq;
}

gint64
qm_sim_warehouse_get_stock (QmSimWarehouse *self,
                            guint           sku,
                            int             status)
{
  g_return_val_if_fail (status >= 0 && status < QM_SIM_N_STATUSES, 0);
  g_return_val_if_fail (sku < qm_sim_catalog_get_n_products (self->catalog), 0);

  return self->stock[(gsize) sku * QM_SIM_N_STATUSES + status];
}

gint64
qm_sim_warehouse_get_last_seq (QmSimWarehouse *self)
{
  return self->last_seq;
}

gint64
qm_sim_warehouse_get_last_at (QmSimWarehouse *self)
{
  return self->last_at;
}

gint64
qm_sim_warehouse_get_total_units (QmSimWarehouse *self)
{
  return self->total_units;
}

gint64
qm_sim_warehouse_get_peak_units (QmSimWarehouse *self)
{
  return self->peak_units;
}

const QmSimMovement *
qm_sim_warehouse_get_movements (QmSimWarehouse *self,
                                gsize          *n_movements)
{
  *n_movements = self->ledger->len;
  return (const QmSimMovement *) (gpointer) self->ledger->data;
}

/* The index of the first movement with seq > @after_seq. */
gsize
qm_sim_warehouse_find_after (QmSimWarehouse *self,
                             gint64          after_seq)
{
  const QmSimMovement *mv = (const QmSimMovement *) (gpointer) self->ledger->data;
  gsize lo = 0;
  gsize hi = self->ledger->len;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (mv[mid].seq <= after_seq)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static void
clear_snapshots (QmSimWarehouse *self)
{
  g_queue_clear (&self->snapshot_order);
  g_hash_table_remove_all (self->snapshots);
}

/**
 * qm_sim_warehouse_forget:
 * @self: a warehouse
 * @n_movements: how many of the newest movements to drop
 *
 * Simulates a site restored from an old backup: the newest movements are
 * gone, `last_seq` goes down and the stock is refolded. Page tokens of
 * walks in progress stop working (the epoch changes).
 */
void
qm_sim_warehouse_forget (QmSimWarehouse *self,
                         gsize           n_movements)
{
  gsize n_skus = qm_sim_catalog_get_n_products (self->catalog);
  const QmSimMovement *mv;

  g_return_if_fail (QM_SIM_IS_WAREHOUSE (self));

  n_movements = MIN (n_movements, self->ledger->len);
  g_array_set_size (self->ledger, self->ledger->len - n_movements);

  memset (self->stock, 0, sizeof (gint64) * MAX (n_skus, 1) * QM_SIM_N_STATUSES);
  self->total_units = 0;
  mv = (const QmSimMovement *) (gpointer) self->ledger->data;
  for (gsize i = 0; i < self->ledger->len; i++)
    {
      gboolean ok = apply (self->stock, &mv[i], &self->total_units);

      g_assert (ok);
    }

  if (self->ledger->len > 0)
    {
      self->last_seq = mv[self->ledger->len - 1].seq;
      self->last_at = mv[self->ledger->len - 1].at;
    }
  else
    {
      self->last_seq = 0;
    }

  self->epoch++;
  clear_snapshots (self);
}

guint
qm_sim_warehouse_get_epoch (QmSimWarehouse *self)
{
  return self->epoch;
}

static GArray *
rows_from_stock (QmSimWarehouse *self,
                 const gint64   *stock)
{
  const guint32 *sorted = qm_sim_catalog_get_sorted (self->catalog);
  guint n = qm_sim_catalog_get_n_products (self->catalog);
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (QmSimStockRow));

  for (guint i = 0; i < n; i++)
    for (guint s = 0; s < QM_SIM_N_STATUSES; s++)
      {
        gint64 q = stock[(gsize) sorted[i] * QM_SIM_N_STATUSES + s];

        if (q != 0)
          {
            QmSimStockRow row = { sorted[i], s, q };

            g_array_append_val (rows, row);
          }
      }

  return rows;
}

/**
 * qm_sim_warehouse_snapshot:
 * @self: a warehouse
 * @as_of_seq: a seq no newer than the last one
 *
 * Returns: (transfer full) (nullable): the non-zero stock rows as of
 *   @as_of_seq, sorted bytewise by (sku, status); %NULL when @as_of_seq
 *   is newer than the ledger
 */
GArray *
qm_sim_warehouse_snapshot (QmSimWarehouse *self,
                           gint64          as_of_seq)
{
  GArray *rows;
  gint64 *key;

  g_return_val_if_fail (QM_SIM_IS_WAREHOUSE (self), NULL);

  if (as_of_seq > self->last_seq || as_of_seq < 0)
    return NULL;

  rows = g_hash_table_lookup (self->snapshots, &as_of_seq);
  if (rows != NULL)
    return g_array_ref (rows);

  if (as_of_seq == self->last_seq)
    {
      rows = rows_from_stock (self, self->stock);
    }
  else
    {
      gsize n_skus = qm_sim_catalog_get_n_products (self->catalog);
      g_autofree gint64 *stock = g_new0 (gint64, MAX (n_skus, 1) * QM_SIM_N_STATUSES);
      const QmSimMovement *mv = (const QmSimMovement *) (gpointer) self->ledger->data;
      gsize end = qm_sim_warehouse_find_after (self, as_of_seq);
      gint64 total = 0;

      for (gsize i = 0; i < end; i++)
        {
          gboolean ok = apply (stock, &mv[i], &total);

          g_assert (ok);
        }
      rows = rows_from_stock (self, stock);
    }

  if (g_queue_get_length (&self->snapshot_order) >= N_CACHED_SNAPSHOTS)
    {
      gint64 *oldest = g_queue_pop_head (&self->snapshot_order);

      g_hash_table_remove (self->snapshots, oldest);
    }

  key = g_new (gint64, 1);
  *key = as_of_seq;
  g_hash_table_insert (self->snapshots, key, g_array_ref (rows));
  g_queue_push_tail (&self->snapshot_order, key);

  return rows;
}
