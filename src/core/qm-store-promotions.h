/* qm-store-promotions.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qm-store.h"

G_BEGIN_DECLS

/* Units of a SKU held for one channel's promotion, from starts_at
 * (inclusive) to ends_at (exclusive), both RFC 3339 UTC. */
typedef struct
{
  gint64  id;
  char   *channel_id;
  char   *sku;
  gint64  quantity;
  char   *starts_at;
  char   *ends_at;
} QmPromotionalLock;

/* What a channel may sell of a SKU that is still on order. */
typedef struct
{
  char   *channel_id;
  char   *sku;
  gint64  quantity;
} QmPresaleQuota;

void       qm_promotional_lock_free          (QmPromotionalLock  *lock);
void       qm_presale_quota_free             (QmPresaleQuota     *quota);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPromotionalLock, qm_promotional_lock_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPresaleQuota, qm_presale_quota_free)

gboolean   qm_store_add_promotional_lock     (QmStore            *self,
                                              const char         *channel_id,
                                              const char         *sku,
                                              gint64              quantity,
                                              const char         *starts_at,
                                              const char         *ends_at,
                                              const char         *user,
                                              gint64             *out_id,
                                              GError            **error);
GPtrArray *qm_store_list_promotional_locks   (QmStore            *self,
                                              GError            **error);
gboolean   qm_store_remove_promotional_lock  (QmStore            *self,
                                              gint64              id,
                                              const char         *user,
                                              GError            **error);

gboolean   qm_store_set_presale_quota        (QmStore            *self,
                                              const char         *channel_id,
                                              const char         *sku,
                                              gint64              quantity,
                                              const char         *user,
                                              GError            **error);
GPtrArray *qm_store_list_presale_quotas      (QmStore            *self,
                                              GError            **error);
gboolean   qm_store_remove_presale_quota     (QmStore            *self,
                                              const char         *channel_id,
                                              const char         *sku,
                                              const char         *user,
                                              GError            **error);

gboolean   qm_store_undo_last_allocation     (QmStore            *self,
                                              const char         *user,
                                              char              **out_object,
                                              GError            **error);

G_END_DECLS
