/* qm-store-private.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the store's own files (qm-store-*.c) only: the store is split by
 * subject, and these are the pieces every part shares. Nothing outside
 * src/core/qm-store*.c includes this header; nothing else runs SQL.
 */

#pragma once

#include "qm-sqlite-private.h"
#include "qm-store.h"

G_BEGIN_DECLS

sqlite3      *qm_store_get_db      (QmStore     *self);
sqlite3_stmt *qm_store_prepare     (QmStore     *self,
                                    const char  *sql,
                                    GError     **error);
gboolean      qm_store_set_error   (QmStore     *self,
                                    int          rc,
                                    const char  *what,
                                    GError     **error);
gboolean      qm_store_begin       (QmStore     *self,
                                    GError     **error);
gboolean      qm_store_commit      (QmStore     *self,
                                    GError     **error);
void          qm_store_rollback    (QmStore     *self);
gboolean      qm_store_audit_append_locked (QmStore    *self,
                                            const char *user,
                                            const char *action,
                                            const char *object,
                                            const char *before_json,
                                            const char *after_json,
                                            GError    **error);

G_END_DECLS
