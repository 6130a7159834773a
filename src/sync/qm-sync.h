/* qm-sync.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-protocol.h"

G_BEGIN_DECLS

#define QM_TYPE_SYNC (qm_sync_get_type ())

G_DECLARE_FINAL_TYPE (QmSync, qm_sync, QM, SYNC, GObject)

/* The outcome of one endpoint's pull. */
typedef struct
{
  char      *warehouse_id;
  gint64     new_movements;
  gint64     quarantined;
  gint64     snapshot_rows;
  gint64     snapshot_seq;
  gint64     discrepancies;
  gint64     negative_folds;
  gint64     elapsed_ms;
  GPtrArray *warnings;     /* of char*: quarantined movements, one line each */
  GError    *error;        /* NULL when the endpoint synced */
} QmSyncResult;

void qm_sync_result_free (QmSyncResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmSyncResult, qm_sync_result_free)

QmSync          *qm_sync_new               (const char           *db_path);
void             qm_sync_set_page_size     (QmSync               *self,
                                            guint                 page_size);
void             qm_sync_set_timeout       (QmSync               *self,
                                            guint                 timeout_ms);
void             qm_sync_set_batch_rows    (QmSync               *self,
                                            guint                 batch_rows);
void             qm_sync_set_backoff       (QmSync               *self,
                                            guint                 base_ms,
                                            guint                 attempts);
gboolean         qm_sync_get_running       (QmSync               *self);
void             qm_sync_run_async         (QmSync               *self,
                                            const char * const   *warehouse_ids,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray       *qm_sync_run_finish        (QmSync               *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void             qm_sync_probe_async       (QmSync               *self,
                                            const char           *base_url,
                                            const char           *token_file,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
void             qm_sync_probe_with_token_async (QmSync               *self,
                                                 const char           *base_url,
                                                 const char           *token,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
QmWarehouseInfo *qm_sync_probe_finish      (QmSync               *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
