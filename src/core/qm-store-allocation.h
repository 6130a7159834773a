/* qm-store-allocation.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qm-allocation.h"
#include "qm-store.h"

G_BEGIN_DECLS

/* A rule as a planner states it: weights and oversell by channel id. */
typedef struct
{
  QmAllocScope       scope;
  const char        *key;              /* category or SKU; NULL for default */
  QmAllocationMode   mode;
  const char * const *weight_channels; /* NULL-terminated, or NULL = equal weights */
  const gint64      *weights;
  const char * const *oversell_channels;
  const gint64      *oversell_percent;
  gint64             buffer_units;
  int                buffer_percent;
  int                window_days;
  int                min_share_permille;
} QmAllocationRuleSpec;

/* Everything the engine needs, owned. input points into the rest. */
typedef struct
{
  QmAllocInput  input;
  GStringChunk *strings;
  GArray       *channels;      /* QmAllocChannel */
  GPtrArray    *region_lists;  /* char** per channel */
  GArray       *warehouses;    /* QmAllocWarehouse */
  GArray       *skus;          /* QmAllocSku */
  GArray       *qualified;     /* gint64 */
  GArray       *rules;         /* QmAllocRule */
  GPtrArray    *rule_arrays;   /* gint64* weights / oversell per rule */
  GArray       *locks;         /* QmAllocLock */
  GArray       *presales;      /* QmAllocPresale */
  GArray       *sales;         /* QmAllocSale */
} QmAllocationData;

void              qm_allocation_data_free        (QmAllocationData           *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmAllocationData, qm_allocation_data_free)

gboolean          qm_store_set_allocation_rule   (QmStore                    *self,
                                                  const QmAllocationRuleSpec *spec,
                                                  const char                 *user,
                                                  GError                    **error);
char             *qm_store_get_allocation_rule_json (QmStore                 *self,
                                                  QmAllocScope                scope,
                                                  const char                 *key,
                                                  GError                    **error);
QmAllocationData *qm_store_load_allocation       (QmStore                    *self,
                                                  gint64                      now,
                                                  GError                    **error);

G_END_DECLS
