/* qm-store.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "qm-types.h"

G_BEGIN_DECLS

#define QM_TYPE_STORE (qm_store_get_type ())

G_DECLARE_FINAL_TYPE (QmStore, qm_store, QM, STORE, GObject)

/* A warehouse endpoint as head office knows it. No secret is ever kept here. */
typedef struct
{
  char     *id;
  char     *url;
  char     *name;
  char     *region;
  gboolean  has_location;
  double    latitude;
  double    longitude;
  gint64    capacity_units;
  char     *currency;
  gboolean  allow_insecure;
  char     *token_file;
  char     *added_at;
} QmWarehouse;

QmWarehouse *qm_warehouse_new  (void);
QmWarehouse *qm_warehouse_copy (const QmWarehouse *self);
void         qm_warehouse_free (QmWarehouse       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmWarehouse, qm_warehouse_free)

typedef struct
{
  const char *sku;
  const char *name;
  const char *category;
  const char *unit;
  gint64      pack_size;
} QmProduct;

/* One ledger movement, every field of the protocol. Strings may be NULL
 * where the protocol allows null. A movement with a quarantine_reason is
 * kept but left out of every balance. */
typedef struct
{
  gint64      seq;
  const char *id;
  const char *at;
  const char *kind;
  const char *sku;
  gint64      quantity;
  const char *from_status;
  const char *to_status;
  gboolean    has_unit_cost;
  gint64      unit_cost;
  const char *reference;
  const char *counterparty;
  const char *channel;
  const char *reason;
  const char *quarantine_reason;
} QmMovement;

typedef struct
{
  const char *sku;
  const char *status;
  gint64      quantity;
} QmStockItem;

typedef struct
{
  char   *warehouse_id;
  gint64  cursor_seq;
  gint64  remote_last_seq;   /* -1 when never seen */
  gint64  snapshot_seq;      /* -1 when no snapshot yet */
  char   *last_attempt_at;
  char   *last_success_at;
  char   *last_error;
  gint64  reconciled_seq;    /* -1 when never reconciled */
  gint64  discrepancies;     /* (sku, status) pairs where fold and snapshot differ */
  gint64  negative_folds;    /* movements after which the fold went below zero */
} QmSyncState;

void qm_sync_state_clear (QmSyncState *self);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QmSyncState, qm_sync_state_clear)

typedef struct
{
  char   *warehouse_id;
  char   *status;
  gint64  quantity;
  gint64  skus;
} QmStockTotal;

typedef struct
{
  char     *id;
  char     *name;
  char     *kind;
  char    **regions;
  gboolean  active;
} QmChannel;

QmChannel *qm_channel_new  (void);
void       qm_channel_free (QmChannel *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmChannel, qm_channel_free)

typedef struct
{
  gint64      seq;
  const char *at;
  const char *user;
  const char *action;
  const char *object;
  const char *before;
  const char *after;
  const char *entry_hash;
} QmAuditEntry;

/* Return FALSE to stop the walk early. */
typedef gboolean (*QmStockRowFunc)  (const char *warehouse_id,
                                     const char *sku,
                                     const char *status,
                                     gint64      quantity,
                                     gpointer    user_data);
typedef gboolean (*QmAuditRowFunc)  (const QmAuditEntry *entry,
                                     gpointer            user_data);

QmStore      *qm_store_open                    (const char          *path,
                                                GError             **error);
const char   *qm_store_get_path                (QmStore             *self);
guint         qm_store_get_schema_version      (QmStore             *self);
char         *qm_store_default_path            (void);
void          qm_store_limit_size              (QmStore             *self,
                                                gint64               max_pages);

/* warehouses */
gboolean      qm_store_add_warehouse           (QmStore             *self,
                                                const QmWarehouse   *warehouse,
                                                const char          *user,
                                                GError             **error);
gboolean      qm_store_update_warehouse_info   (QmStore             *self,
                                                const QmWarehouse   *warehouse,
                                                GError             **error);
gboolean      qm_store_update_warehouse_endpoint (QmStore           *self,
                                                const char          *id,
                                                const char          *url,
                                                gboolean             allow_insecure,
                                                const char          *user,
                                                GError             **error);
gboolean      qm_store_remove_warehouse        (QmStore             *self,
                                                const char          *id,
                                                const char          *user,
                                                GError             **error);
GPtrArray    *qm_store_list_warehouses         (QmStore             *self,
                                                GError             **error);
QmWarehouse  *qm_store_get_warehouse           (QmStore             *self,
                                                const char          *id,
                                                GError             **error);

/* physical layer, written by sync */
gboolean      qm_store_upsert_products         (QmStore             *self,
                                                const char          *warehouse_id,
                                                const QmProduct     *products,
                                                gsize                n_products,
                                                GError             **error);
gboolean      qm_store_insert_movements        (QmStore             *self,
                                                const char          *warehouse_id,
                                                const QmMovement    *movements,
                                                gsize                n_movements,
                                                gint64               new_cursor,
                                                gsize               *out_inserted,
                                                GError             **error);
gboolean      qm_store_snapshot_begin          (QmStore             *self,
                                                const char          *warehouse_id,
                                                GError             **error);
gboolean      qm_store_snapshot_add            (QmStore             *self,
                                                const char          *warehouse_id,
                                                const QmStockItem   *items,
                                                gsize                n_items,
                                                GError             **error);
gboolean      qm_store_snapshot_commit         (QmStore             *self,
                                                const char          *warehouse_id,
                                                gint64               as_of_seq,
                                                GError             **error);
gboolean      qm_store_replace_snapshot        (QmStore             *self,
                                                const char          *warehouse_id,
                                                gint64               as_of_seq,
                                                const QmStockItem   *items,
                                                gsize                n_items,
                                                GError             **error);
gboolean      qm_store_get_sync_state          (QmStore             *self,
                                                const char          *warehouse_id,
                                                QmSyncState         *out_state,
                                                GError             **error);
gboolean      qm_store_record_sync_result      (QmStore             *self,
                                                const char          *warehouse_id,
                                                gint64               remote_last_seq,
                                                const char          *error_message,
                                                GError             **error);

gboolean      qm_store_reconcile               (QmStore             *self,
                                                const char          *warehouse_id,
                                                gint64               as_of_seq,
                                                gint64              *out_discrepancies,
                                                gint64              *out_negative_folds,
                                                GError             **error);
gboolean      qm_store_foreach_fold            (QmStore             *self,
                                                const char          *warehouse_id,
                                                gint64               as_of_seq,
                                                QmStockRowFunc       func,
                                                gpointer             user_data,
                                                GError             **error);
gint64        qm_store_count_quarantined       (QmStore             *self,
                                                const char          *warehouse_id,
                                                GError             **error);

/* queries */
gboolean      qm_store_foreach_stock           (QmStore             *self,
                                                QmStockRowFunc       func,
                                                gpointer             user_data,
                                                GError             **error);
gboolean      qm_store_foreach_consolidated    (QmStore             *self,
                                                QmStockRowFunc       func,
                                                gpointer             user_data,
                                                GError             **error);
GArray       *qm_store_get_stock_totals        (QmStore             *self,
                                                GError             **error);
gint64        qm_store_count_movements         (QmStore             *self,
                                                const char          *warehouse_id,
                                                GError             **error);

/* channels */
gboolean      qm_store_add_channel             (QmStore             *self,
                                                const QmChannel     *channel,
                                                const char          *user,
                                                GError             **error);
GPtrArray    *qm_store_list_channels           (QmStore             *self,
                                                GError             **error);

/* settings */
char         *qm_store_get_setting             (QmStore             *self,
                                                const char          *key,
                                                const char          *default_value);
gboolean      qm_store_set_setting             (QmStore             *self,
                                                const char          *key,
                                                const char          *value,
                                                const char          *user,
                                                GError             **error);

/* audit trail */
gboolean      qm_store_audit_append            (QmStore             *self,
                                                const char          *user,
                                                const char          *action,
                                                const char          *object,
                                                const char          *before_json,
                                                const char          *after_json,
                                                GError             **error);
gboolean      qm_store_audit_verify            (QmStore             *self,
                                                gint64              *out_entries,
                                                gint64              *out_bad_seq,
                                                GError             **error);
gboolean      qm_store_foreach_audit           (QmStore             *self,
                                                const char          *from_at,
                                                const char          *to_at,
                                                QmAuditRowFunc       func,
                                                gpointer             user_data,
                                                GError             **error);
char         *qm_audit_compute_hash            (const char          *previous_hash,
                                                const QmAuditEntry  *entry);

G_END_DECLS
