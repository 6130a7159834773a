/* qm-sim-catalog.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <string.h>

#include "qm-sim-catalog.h"
#include "qm-sim-rng.h"

/*
 * The SKU catalogue shared by every warehouse of one simulation: a few
 * hand-written products with awkward names (the ones a CSV export or a
 * spreadsheet trips over) and many generated ones.
 */

struct _QmSimCatalog
{
  GArray     *products;   /* QmSimProduct */
  guint32    *sorted;     /* product indices in bytewise SKU order */
  GHashTable *by_sku;     /* sku → index + 1 */
};

typedef struct
{
  const char *sku;
  const char *name;
  const char *category;
  const char *unit;
  gint64      pack_size;
  gint64      base_cost;
} SpecialProduct;

/* Placed at fixed catalogue positions (when the catalogue is big enough). */
static const struct {
  guint          position;
  SpecialProduct product;
} specials[] = {
  { 2, { NULL, "Tasse 350 ml – weiß", "kitchen", "each", 12, 189000 } },
  { 5, { NULL, "USB-C cable 2 m, braided, \"pro\" edition", "electronics", "each", 20, 259000 } },
  { 8, { NULL, "=SUM(A1:A9) desk planner", "stationery", "each", 10, 152000 } },
  { 11, { NULL, "Gift set\nlimited edition", "gifts", "box", 6, 880000 } },
  { 14, { NULL, "保温杯 500 ml", "kitchen", "each", 24, 459000 } },
  { 17, { NULL, "+86 phone stand", "electronics", "each", 50, 99000 } },
  { 20, { NULL, "Travel pouch", "bags, cases & \"sleeves\"", "each", 25, 129000 } },
  { 23, { NULL, "-20% clearance bundle", "@outlet", "box", 1, 350000 } },
  { 26, { "MUG-Ø350", "Enamel mug Ø 350 ml", "outdoor", "each", 12, 215000 } },
  { 29, { "sku-legacy-0029", "Legacy notebook (lower-case SKU)", "stationery", "each", 5, 65000 } },
};

static const struct {
  const char *category;
  const char *unit;
  const char *nouns[6];
  const char *sizes[4];
  gint64      cost_lo;
  gint64      cost_hi;
} families[] = {
  { "kitchen", "each", { "mug", "cutting board", "chef knife", "saucepan", "spatula", "storage jar" },
    { "350 ml", "40 cm", "20 cm", "1.5 l" }, 50000, 2500000 },
  { "home", "each", { "cushion cover", "throw blanket", "photo frame", "table lamp", "vase", "door mat" },
    { "45 x 45 cm", "130 x 170 cm", "A4", "60 cm" }, 80000, 3200000 },
  { "stationery", "each", { "notebook", "gel pen", "desk organiser", "sticky notes", "ruler", "stapler" },
    { "A5", "0.5 mm", "3 tier", "76 x 76 mm" }, 15000, 600000 },
  { "electronics", "each", { "power bank", "earbuds", "USB hub", "smart plug", "charging cable", "mouse" },
    { "10000 mAh", "4 port", "1 m", "wireless" }, 150000, 9000000 },
  { "bath", "each", { "towel", "soap dispenser", "bath mat", "toothbrush holder", "shower curtain", "laundry basket" },
    { "70 x 140 cm", "300 ml", "50 x 80 cm", "180 cm" }, 40000, 1800000 },
  { "outdoor", "each", { "water bottle", "camping chair", "picnic blanket", "head torch", "cool box", "tent peg set" },
    { "750 ml", "folding", "150 x 200 cm", "24 l" }, 60000, 4500000 },
  { "toys", "box", { "building blocks", "puzzle", "plush bear", "kite", "card game", "stacking rings" },
    { "500 pcs", "1000 pcs", "30 cm", "family" }, 50000, 2400000 },
  { "pantry", "pack", { "green tea", "jasmine rice", "chilli oil", "dried mushrooms", "rice noodles", "oolong tea" },
    { "250 g", "5 kg", "500 ml", "1 kg" }, 20000, 800000 },
};

static const char * const adjectives[] = {
  "Ceramic", "Bamboo", "Classic", "Compact", "Premium", "Recycled", "Matte", "Nordic",
  "Everyday", "Heavy-duty", "Slim", "Organic",
};

static const gint64 pack_sizes[] = { 1, 4, 6, 10, 12, 24, 48 };

static void
product_clear (gpointer data)
{
  QmSimProduct *p = data;

  g_free (p->sku);
  g_free (p->name);
  g_free (p->category);
  g_free (p->unit);
}

static int
compare_sku_indices (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  GArray *products = user_data;
  const QmSimProduct *pa = &g_array_index (products, QmSimProduct, *(const guint32 *) a);
  const QmSimProduct *pb = &g_array_index (products, QmSimProduct, *(const guint32 *) b);

  /* strcmp compares as unsigned char: bytewise on UTF-8 */
  return strcmp (pa->sku, pb->sku);
}

/**
 * qm_sim_catalog_new:
 * @seed: the simulation's seed
 * @n_skus: how many products
 *
 * Returns: (transfer full): a deterministic catalogue for @seed
 */
QmSimCatalog *
qm_sim_catalog_new (guint64 seed,
                    guint   n_skus)
{
  QmSimCatalog *self = g_atomic_rc_box_new0 (QmSimCatalog);
  QmSimRng rng;
  guint32 *ranks;

  qm_sim_rng_init (&rng, seed, "catalog");

  self->products = g_array_sized_new (FALSE, TRUE, sizeof (QmSimProduct), n_skus);
  g_array_set_clear_func (self->products, product_clear);
  self->by_sku = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n_skus; i++)
    {
      QmSimProduct p = { 0 };
      const SpecialProduct *special = NULL;

      for (guint k = 0; k < G_N_ELEMENTS (specials); k++)
        if (specials[k].position == i)
          special = &specials[k].product;

      if (special != NULL)
        {
          p.sku = special->sku ? g_strdup (special->sku) : g_strdup_printf ("SKU-%05u", i + 1);
          p.name = g_strdup (special->name);
          p.category = g_strdup (special->category);
          p.unit = g_strdup (special->unit);
          p.pack_size = special->pack_size;
          p.base_cost = special->base_cost;
        }
      else
        {
          guint f = (guint) qm_sim_rng_range (&rng, 0, G_N_ELEMENTS (families) - 1);
          guint n = (guint) qm_sim_rng_range (&rng, 0, 5);
          guint s = (guint) qm_sim_rng_range (&rng, 0, 3);
          guint a = (guint) qm_sim_rng_range (&rng, 0, G_N_ELEMENTS (adjectives) - 1);
          gint64 cost;

          p.sku = g_strdup_printf ("SKU-%05u", i + 1);
          p.name = g_strdup_printf ("%s %s %s", adjectives[a], families[f].nouns[n], families[f].sizes[s]);
          p.category = g_strdup (families[f].category);
          p.unit = g_strdup (families[f].unit);
          p.pack_size = pack_sizes[qm_sim_rng_range (&rng, 0, G_N_ELEMENTS (pack_sizes) - 1)];
          /* log-uniform-ish: pick a decade, then a value inside it */
          cost = qm_sim_rng_range (&rng, families[f].cost_lo, families[f].cost_hi);
          if (qm_sim_rng_chance (&rng, 600))
            cost = families[f].cost_lo + (cost - families[f].cost_lo) / 5;
          p.base_cost = cost / 100 * 100;   /* whole fen */
        }

      g_array_append_val (self->products, p);
    }

  for (guint i = 0; i < n_skus; i++)
    {
      QmSimProduct *p = &g_array_index (self->products, QmSimProduct, i);

      g_hash_table_insert (self->by_sku, p->sku, GUINT_TO_POINTER (i + 1));
    }

  /* popularity: a shuffled rank per product */
  ranks = g_new (guint32, n_skus);
  for (guint i = 0; i < n_skus; i++)
    ranks[i] = i;
  for (guint i = n_skus; i > 1; i--)
    {
      guint j = (guint) qm_sim_rng_range (&rng, 0, i - 1);
      guint32 t = ranks[i - 1];

      ranks[i - 1] = ranks[j];
      ranks[j] = t;
    }
  for (guint i = 0; i < n_skus; i++)
    g_array_index (self->products, QmSimProduct, i).rank = ranks[i];
  g_free (ranks);

  self->sorted = g_new (guint32, MAX (n_skus, 1));
  for (guint i = 0; i < n_skus; i++)
    self->sorted[i] = i;
  g_qsort_with_data (self->sorted, n_skus, sizeof (guint32), compare_sku_indices, self->products);

  return self;
}

QmSimCatalog *
qm_sim_catalog_ref (QmSimCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
catalog_clear (gpointer data)
{
  QmSimCatalog *self = data;

  g_clear_pointer (&self->by_sku, g_hash_table_unref);
  g_clear_pointer (&self->products, g_array_unref);
  g_clear_pointer (&self->sorted, g_free);
}

void
qm_sim_catalog_unref (QmSimCatalog *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, catalog_clear);
}

guint
qm_sim_catalog_get_n_products (QmSimCatalog *self)
{
  return self->products->len;
}

const QmSimProduct *
qm_sim_catalog_get_product (QmSimCatalog *self,
                            guint         index)
{
  g_return_val_if_fail (index < self->products->len, NULL);

  return &g_array_index (self->products, QmSimProduct, index);
}

/* Returns the index of @sku, or -1. */
int
qm_sim_catalog_lookup (QmSimCatalog *self,
                       const char   *sku)
{
  gpointer v;

  if (sku == NULL)
    return -1;
  v = g_hash_table_lookup (self->by_sku, sku);
  return v ? (int) GPOINTER_TO_UINT (v) - 1 : -1;
}

/* Product indices sorted bytewise by SKU. */
const guint32 *
qm_sim_catalog_get_sorted (QmSimCatalog *self)
{
  return self->sorted;
}
