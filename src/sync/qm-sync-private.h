/* qm-sync-private.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For src/sync only: what other parts of the sync layer (pushing plans,
 * qm-push.c) read of a QmSync's settings, so they use the same cache,
 * timeouts and retries as the pulls.
 */

#pragma once

#include "qm-sync.h"

G_BEGIN_DECLS

const char *qm_sync_get_db_path    (QmSync *self);
guint       qm_sync_get_timeout_ms (QmSync *self);
guint       qm_sync_get_backoff_ms (QmSync *self);
guint       qm_sync_get_attempts   (QmSync *self);

G_END_DECLS
