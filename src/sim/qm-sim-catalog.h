/* qm-sim-catalog.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *sku;
  char   *name;
  char   *category;
  char   *unit;
  gint64  pack_size;
  gint64  base_cost;   /* ten-thousandths */
  guint   rank;        /* popularity rank, 0 = best seller */
} QmSimProduct;

typedef struct _QmSimCatalog QmSimCatalog;

QmSimCatalog       *qm_sim_catalog_new          (guint64       seed,
                                                 guint         n_skus);
QmSimCatalog       *qm_sim_catalog_ref          (QmSimCatalog *self);
void                qm_sim_catalog_unref        (QmSimCatalog *self);
guint               qm_sim_catalog_get_n_products (QmSimCatalog *self);
const QmSimProduct *qm_sim_catalog_get_product  (QmSimCatalog *self,
                                                 guint         index);
int                 qm_sim_catalog_lookup       (QmSimCatalog *self,
                                                 const char   *sku);
const guint32      *qm_sim_catalog_get_sorted   (QmSimCatalog *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmSimCatalog, qm_sim_catalog_unref)

G_END_DECLS
