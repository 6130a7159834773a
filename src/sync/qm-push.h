/* qm-push.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-sync.h"

G_BEGIN_DECLS

/*
 * Pushing an approved procurement plan to the warehouses: one purchase
 * order per warehouse (POST v1/purchase-orders) and one transfer per source
 * and destination (POST v1/transfers to the source warehouse), each with
 * the Idempotency-Key the cache stored before anything was sent.
 *
 * A 201 records the order ACCEPTED with the warehouse's id; a refusal (a
 * 4xx other than 401, 403, 404, 405, 408 and 429) records it REJECTED with
 * the problem's detail. Network errors, 5xx, 429 and slow answers are
 * retried with the same key (backoff, Retry-After, the QmSync's attempts);
 * an order that still has no answer stays PENDING with the error, and the
 * next push sends it again with the same key and body, so a warehouse
 * never books it twice. Orders already answered are not sent again.
 */

void     qm_sync_push_plan_async  (QmSync               *self,
                                   gint64                plan_id,
                                   const char           *user,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);

/* Returns %TRUE when every order of the plan has an answer (accepted or
 * rejected); %FALSE with @error when some are still pending (QM_ERROR_IO,
 * the first failure; push again later), or when the push could not start
 * (no such plan, a draft plan: QM_ERROR_REFUSED, a cache error, cancelled).
 * @out_accepted and @out_rejected count the plan's orders in each state
 * and are set whenever the orders could be read, even on %FALSE. */
gboolean qm_sync_push_plan_finish (QmSync               *self,
                                   GAsyncResult         *result,
                                   guint                *out_accepted,
                                   guint                *out_rejected,
                                   GError              **error);

G_END_DECLS
