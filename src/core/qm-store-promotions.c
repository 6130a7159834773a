/* qm-store-promotions.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's sales-layer extras: promotional locks and pre-sale quotas
 * (each change in one transaction with its audit entry), and undoing the
 * last allocation rule change.
 *
 * Undo works as a stack over the audit trail: walking it from the newest
 * entry, every "allocation.undo" cancels the nearest older "allocation.set"
 * not cancelled yet, so repeated undos step back one change at a time and
 * an undone change is never undone twice. The change's "before" JSON is
 * written back (weights and allowances of channels removed since are
 * dropped), or the rule is deleted when there was none before; the undo is
 * audited with the rule as it was and as it is now.
 */

#define G_LOG_DOMAIN "qm-store"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qm-allocation.h"
#include "qm-error.h"
#include "qm-json.h"
#include "qm-store-allocation.h"
#include "qm-store-promotions.h"
#include "qm-store-private.h"

#define TIME_FORMAT "%Y-%m-%dT%H:%M:%SZ"

void
qm_promotional_lock_free (QmPromotionalLock *lock)
{
  if (lock == NULL)
    return;

  g_free (lock->channel_id);
  g_free (lock->sku);
  g_free (lock->starts_at);
  g_free (lock->ends_at);
  g_free (lock);
}

void
qm_presale_quota_free (QmPresaleQuota *quota)
{
  if (quota == NULL)
    return;

  g_free (quota->channel_id);
  g_free (quota->sku);
  g_free (quota);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
check_quantity (gint64   quantity,
                GError **error)
{
  if (quantity <= 0 || quantity > QM_ALLOC_QUANTITY_MAX)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("A quantity is a whole number of units, 1 or more"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_channel_and_sku (const char  *channel_id,
                       const char  *sku,
                       GError     **error)
{
  if (channel_id == NULL || *channel_id == '\0')
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT, _("Choose a sales channel"));
      return FALSE;
    }
  if (!qm_sku_is_valid (sku))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("A SKU is 1 to 64 characters without control characters"));
      return FALSE;
    }

  return TRUE;
}

/* A statement step that names the missing channel on a foreign key error. */
static gboolean
step_write (QmStore      *self,
            sqlite3_stmt *stmt,
            const char   *channel_id,
            const char   *what,
            GError      **error)
{
  int rc = sqlite3_step (stmt);

  if ((rc & 0xff) == SQLITE_CONSTRAINT && channel_id != NULL)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No sales channel “%s”; see “channel list”"), channel_id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, what, error);

  return TRUE;
}

static char *
to_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
lock_json (gint64      id,
           const char *channel_id,
           const char *sku,
           gint64      quantity,
           const char *starts_at,
           const char *ends_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "channel");
  json_builder_add_string_value (builder, channel_id);
  json_builder_set_member_name (builder, "sku");
  json_builder_add_string_value (builder, sku);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, quantity);
  json_builder_set_member_name (builder, "starts_at");
  json_builder_add_string_value (builder, starts_at);
  json_builder_set_member_name (builder, "ends_at");
  json_builder_add_string_value (builder, ends_at);
  json_builder_end_object (builder);

  return to_json (builder);
}

static char *
quota_json (const char *channel_id,
            const char *sku,
            gint64      quantity)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "channel");
  json_builder_add_string_value (builder, channel_id);
  json_builder_set_member_name (builder, "sku");
  json_builder_add_string_value (builder, sku);
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, quantity);
  json_builder_end_object (builder);

  return to_json (builder);
}

/* RFC 3339 in, normalised to UTC seconds out. */
static GDateTime *
parse_instant (const char  *text,
               const char  *which,
               GError     **error)
{
  GDateTime *dt = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (dt == NULL)
    g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                 _("The %s time “%s” is not an RFC 3339 time such as 2026-05-01T00:00:00Z"),
                 which, text != NULL ? text : "");

  return dt;
}

/* ------------------------------------------------------------------------ */
/* Promotional locks                                                        */

/**
 * qm_store_add_promotional_lock:
 * @self: a #QmStore
 * @channel_id: the channel the units are held for
 * @sku: the SKU
 * @quantity: units, 1 or more
 * @starts_at: RFC 3339 time the lock starts (inclusive)
 * @ends_at: RFC 3339 time it ends (exclusive), after @starts_at
 * @user: (nullable): who acted; the login name when %NULL
 * @out_id: (out) (optional): the new lock's id
 * @error: return location for a #GError
 *
 * Adds a lock, audited as "promotion.add" on "lock:ID". Times are stored
 * in UTC.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_add_promotional_lock (QmStore    *self,
                               const char *channel_id,
                               const char *sku,
                               gint64      quantity,
                               const char *starts_at,
                               const char *ends_at,
                               const char *user,
                               gint64     *out_id,
                               GError    **error)
{
  g_autoptr(GDateTime) starts = NULL;
  g_autoptr(GDateTime) ends = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *starts_text = NULL;
  g_autofree char *ends_text = NULL;
  g_autofree char *after = NULL;
  g_autofree char *object = NULL;
  gint64 id;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  if (!check_channel_and_sku (channel_id, sku, error) || !check_quantity (quantity, error))
    return FALSE;
  if ((starts = parse_instant (starts_at, _("start"), error)) == NULL ||
      (ends = parse_instant (ends_at, _("end"), error)) == NULL)
    return FALSE;
  if (g_date_time_compare (ends, starts) <= 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("A promotional lock must end after it starts"));
      return FALSE;
    }

  {
    g_autoptr(GDateTime) starts_utc = g_date_time_to_utc (starts);
    g_autoptr(GDateTime) ends_utc = g_date_time_to_utc (ends);

    starts_text = g_date_time_format (starts_utc, TIME_FORMAT);
    ends_text = g_date_time_format (ends_utc, TIME_FORMAT);
  }

  if (!qm_store_begin (self, error))
    return FALSE;

  stmt = qm_store_prepare (self,
                           "INSERT INTO promotional_lock (channel_id, sku, quantity, starts_at, "
                           "  ends_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, channel_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sku, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, quantity);
  sqlite3_bind_text (stmt, 4, starts_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, ends_text, -1, SQLITE_TRANSIENT);
  if (!step_write (self, stmt, channel_id, _("Could not save the promotional lock"), error))
    goto fail;

  id = sqlite3_last_insert_rowid (qm_store_get_db (self));
  after = lock_json (id, channel_id, sku, quantity, starts_text, ends_text);
  object = g_strdup_printf ("lock:%" G_GINT64_FORMAT, id);
  if (!qm_store_audit_append_locked (self, user, "promotion.add", object, NULL, after, error))
    goto fail;

  if (!qm_store_commit (self, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = id;
  return TRUE;

fail:
  qm_store_rollback (self);
  return FALSE;
}

/**
 * qm_store_list_promotional_locks:
 *
 * Returns: (transfer full) (element-type QmPromotionalLock): every lock,
 *   active or not, by channel, SKU, start and id; %NULL on error
 */
GPtrArray *
qm_store_list_promotional_locks (QmStore *self,
                                 GError **error)
{
  g_autoptr(GPtrArray) locks = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = qm_store_prepare (self,
                           "SELECT id, channel_id, sku, quantity, starts_at, ends_at "
                           "FROM promotional_lock ORDER BY channel_id, sku, starts_at, id",
                           error);
  if (stmt == NULL)
    return NULL;

  locks = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_promotional_lock_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmPromotionalLock *lock = g_new0 (QmPromotionalLock, 1);

      lock->id = sqlite3_column_int64 (stmt, 0);
      lock->channel_id = dup_column (stmt, 1);
      lock->sku = dup_column (stmt, 2);
      lock->quantity = sqlite3_column_int64 (stmt, 3);
      lock->starts_at = dup_column (stmt, 4);
      lock->ends_at = dup_column (stmt, 5);
      g_ptr_array_add (locks, lock);
    }
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the promotional locks"), error);
      return NULL;
    }

  return g_steal_pointer (&locks);
}

/**
 * qm_store_remove_promotional_lock:
 *
 * Removes a lock, audited as "promotion.remove" with the lock as before.
 *
 * Returns: %TRUE on success; %QM_ERROR_NOT_FOUND when there is no such lock
 */
gboolean
qm_store_remove_promotional_lock (QmStore    *self,
                                  gint64      id,
                                  const char *user,
                                  GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *before = NULL;
  g_autofree char *object = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  if (!qm_store_begin (self, error))
    return FALSE;

  stmt = qm_store_prepare (self,
                           "SELECT channel_id, sku, quantity, starts_at, ends_at "
                           "FROM promotional_lock WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No promotional lock %" G_GINT64_FORMAT), id);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the promotional locks"), error);
      goto fail;
    }
  before = lock_json (id, (const char *) sqlite3_column_text (stmt, 0),
                      (const char *) sqlite3_column_text (stmt, 1),
                      sqlite3_column_int64 (stmt, 2),
                      (const char *) sqlite3_column_text (stmt, 3),
                      (const char *) sqlite3_column_text (stmt, 4));
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = qm_store_prepare (self, "DELETE FROM promotional_lock WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!step_write (self, stmt, NULL, _("Could not remove the promotional lock"), error))
    goto fail;

  object = g_strdup_printf ("lock:%" G_GINT64_FORMAT, id);
  if (!qm_store_audit_append_locked (self, user, "promotion.remove", object, before, NULL, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Pre-sale quotas                                                          */

static gboolean
read_quota (QmStore     *self,
            const char  *channel_id,
            const char  *sku,
            gint64      *out_quantity,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    qm_store_prepare (self, "SELECT quantity FROM presale_quota WHERE channel_id = ? AND sku = ?",
                      error);
  int rc;

  *out_quantity = -1;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, channel_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sku, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_quantity = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the pre-sale quotas"), error);

  return TRUE;
}

static char *
quota_object (const char *channel_id,
              const char *sku)
{
  return g_strdup_printf ("presale:%s/%s", channel_id, sku);
}

/**
 * qm_store_set_presale_quota:
 *
 * Adds or replaces a channel's pre-sale quota of a SKU, audited as
 * "presale.set" on "presale:CHANNEL/SKU" with the quota before and after.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_set_presale_quota (QmStore    *self,
                            const char *channel_id,
                            const char *sku,
                            gint64      quantity,
                            const char *user,
                            GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *object = NULL;
  gint64 old_quantity;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  if (!check_channel_and_sku (channel_id, sku, error) || !check_quantity (quantity, error))
    return FALSE;

  if (!qm_store_begin (self, error))
    return FALSE;

  if (!read_quota (self, channel_id, sku, &old_quantity, error))
    goto fail;
  if (old_quantity >= 0)
    before = quota_json (channel_id, sku, old_quantity);

  stmt = qm_store_prepare (self,
                           "INSERT INTO presale_quota (channel_id, sku, quantity) VALUES (?1, ?2, ?3) "
                           "ON CONFLICT (channel_id, sku) DO UPDATE SET quantity = ?3", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, channel_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sku, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, quantity);
  if (!step_write (self, stmt, channel_id, _("Could not save the pre-sale quota"), error))
    goto fail;

  after = quota_json (channel_id, sku, quantity);
  object = quota_object (channel_id, sku);
  if (!qm_store_audit_append_locked (self, user, "presale.set", object, before, after, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/**
 * qm_store_list_presale_quotas:
 *
 * Returns: (transfer full) (element-type QmPresaleQuota): every quota by
 *   channel and SKU; %NULL on error
 */
GPtrArray *
qm_store_list_presale_quotas (QmStore *self,
                              GError **error)
{
  g_autoptr(GPtrArray) quotas = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = qm_store_prepare (self,
                           "SELECT channel_id, sku, quantity FROM presale_quota "
                           "ORDER BY channel_id, sku", error);
  if (stmt == NULL)
    return NULL;

  quotas = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_presale_quota_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmPresaleQuota *quota = g_new0 (QmPresaleQuota, 1);

      quota->channel_id = dup_column (stmt, 0);
      quota->sku = dup_column (stmt, 1);
      quota->quantity = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (quotas, quota);
    }
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the pre-sale quotas"), error);
      return NULL;
    }

  return g_steal_pointer (&quotas);
}

/**
 * qm_store_remove_presale_quota:
 *
 * Removes a quota, audited as "presale.remove".
 *
 * Returns: %TRUE on success; %QM_ERROR_NOT_FOUND when there is no such quota
 */
gboolean
qm_store_remove_presale_quota (QmStore    *self,
                               const char *channel_id,
                               const char *sku,
                               const char *user,
                               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *before = NULL;
  g_autofree char *object = NULL;
  gint64 old_quantity;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (channel_id != NULL && sku != NULL, FALSE);

  if (!qm_store_begin (self, error))
    return FALSE;

  if (!read_quota (self, channel_id, sku, &old_quantity, error))
    goto fail;
  if (old_quantity < 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No pre-sale quota of “%s” for channel “%s”"), sku, channel_id);
      goto fail;
    }
  before = quota_json (channel_id, sku, old_quantity);

  stmt = qm_store_prepare (self, "DELETE FROM presale_quota WHERE channel_id = ? AND sku = ?",
                           error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, channel_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sku, -1, SQLITE_TRANSIENT);
  if (!step_write (self, stmt, NULL, _("Could not remove the pre-sale quota"), error))
    goto fail;

  object = quota_object (channel_id, sku);
  if (!qm_store_audit_append_locked (self, user, "presale.remove", object, before, NULL, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Undo                                                                     */

static JsonObject *
parse_rule (const char  *json,
            JsonParser  *parser,
            GError     **error)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The audit trail holds an allocation rule that cannot be read"));
      return NULL;
    }

  return json_node_get_object (root);
}

static gboolean
run_rule_sql (QmStore     *self,
              const char  *sql,
              const char  *scope,
              const char  *key,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = qm_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);

  return step_write (self, stmt, NULL, _("Could not restore the allocation rule"), error);
}

static gboolean
restore_channel_values (QmStore     *self,
                        const char  *sql,
                        const char  *scope,
                        const char  *key,
                        JsonObject  *values,
                        GError     **error)
{
  g_autoptr(GList) members = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (values == NULL)
    return TRUE;

  stmt = qm_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  members = json_object_get_members (values);
  for (GList *l = members; l != NULL; l = l->next)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, l->data, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, qm_json_int_member_or (values, l->data, 0));
      if (!step_write (self, stmt, NULL, _("Could not restore the allocation rule"), error))
        return FALSE;
    }

  return TRUE;
}

/* Writes @rule (as qm_store_get_allocation_rule_json() gives it) back. */
static gboolean
restore_rule (QmStore     *self,
              const char  *scope,
              const char  *key,
              JsonObject  *rule,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format (now, TIME_FORMAT);
  const char *mode = qm_json_string_member_or (rule, "mode", "shared");
  QmAllocationMode parsed_mode;

  if (!qm_allocation_mode_from_string (mode, &parsed_mode))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The audit trail holds an allocation rule that cannot be read"));
      return FALSE;
    }

  stmt = qm_store_prepare (self,
                           "INSERT INTO allocation_rule (scope, scope_key, mode, buffer_units, "
                           "  buffer_percent, window_days, min_share_permille, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                           "ON CONFLICT (scope, scope_key) DO UPDATE SET mode = ?3, "
                           "  buffer_units = ?4, buffer_percent = ?5, window_days = ?6, "
                           "  min_share_permille = ?7, updated_at = ?8", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, mode, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, qm_json_int_member_or (rule, "buffer_units", 0));
  sqlite3_bind_int64 (stmt, 5, qm_json_int_member_or (rule, "buffer_percent", 0));
  sqlite3_bind_int64 (stmt, 6, qm_json_int_member_or (rule, "window_days", 28));
  sqlite3_bind_int64 (stmt, 7, qm_json_int_member_or (rule, "min_share_permille", 0));
  sqlite3_bind_text (stmt, 8, now_text, -1, SQLITE_TRANSIENT);
  if (!step_write (self, stmt, NULL, _("Could not restore the allocation rule"), error))
    return FALSE;

  if (!run_rule_sql (self,
                     "DELETE FROM allocation_weight WHERE rule_id = "
                     "(SELECT id FROM allocation_rule WHERE scope = ?1 AND scope_key = ?2)",
                     scope, key, error) ||
      !run_rule_sql (self,
                     "DELETE FROM allocation_oversell WHERE rule_id = "
                     "(SELECT id FROM allocation_rule WHERE scope = ?1 AND scope_key = ?2)",
                     scope, key, error))
    return FALSE;

  /* Only channels that still exist come back. */
  return restore_channel_values (self,
                                 "INSERT INTO allocation_weight (rule_id, channel_id, weight) "
                                 "SELECT r.id, c.id, ?4 FROM allocation_rule r, channel c "
                                 "WHERE r.scope = ?1 AND r.scope_key = ?2 AND c.id = ?3",
                                 scope, key,
                                 json_object_get_object_member (rule, "weights"), error) &&
         restore_channel_values (self,
                                 "INSERT INTO allocation_oversell (rule_id, channel_id, percent) "
                                 "SELECT r.id, c.id, ?4 FROM allocation_rule r, channel c "
                                 "WHERE r.scope = ?1 AND r.scope_key = ?2 AND c.id = ?3",
                                 scope, key,
                                 json_object_get_object_member (rule, "oversell_percent"), error);
}

/**
 * qm_store_undo_last_allocation:
 * @self: a #QmStore
 * @user: (nullable): who acted; the login name when %NULL
 * @out_object: (out) (optional) (transfer full): the rule put back, as the
 *   audit trail names it ("default", "category:C", "sku:S")
 * @error: return location for a #GError
 *
 * Undoes the newest "allocation.set" not undone yet (see the top of this
 * file), in one transaction with an "allocation.undo" audit entry.
 *
 * Returns: %TRUE on success; %QM_ERROR_NOT_FOUND when there is nothing to undo
 */
gboolean
qm_store_undo_last_allocation (QmStore     *self,
                               const char  *user,
                               char       **out_object,
                               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonParser) after_parser = json_parser_new ();
  g_autoptr(JsonParser) before_parser = json_parser_new ();
  g_autofree char *object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *current = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *key = NULL;
  JsonObject *rule;
  QmAllocScope parsed_scope;
  guint pending = 0;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  if (!qm_store_begin (self, error))
    return FALSE;

  stmt = qm_store_prepare (self,
                           "SELECT action, object, before, after FROM audit "
                           "WHERE action IN ('allocation.set', 'allocation.undo') "
                           "ORDER BY seq DESC", error);
  if (stmt == NULL)
    goto fail;
  while (!found && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "allocation.undo"))
        pending++;
      else if (pending > 0)
        pending--;
      else
        {
          found = TRUE;
          object = dup_column (stmt, 1);
          before = dup_column (stmt, 2);
          after = dup_column (stmt, 3);
        }
    }
  if (!found && rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the audit trail"), error);
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!found)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("There is no allocation change to undo"));
      goto fail;
    }

  /* The rule's scope and key, from what the change wrote. */
  rule = after != NULL ? parse_rule (after, after_parser, error) : NULL;
  if (rule == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                     _("The audit trail holds an allocation rule that cannot be read"));
      goto fail;
    }
  scope = g_strdup (qm_json_string_member_or (rule, "scope", ""));
  key = g_strdup (qm_json_string_member_or (rule, "key", ""));
  if (!qm_alloc_scope_from_string (scope, &parsed_scope))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The audit trail holds an allocation rule that cannot be read"));
      goto fail;
    }

  current = qm_store_get_allocation_rule_json (self, parsed_scope, key, error);
  if (current == NULL && error != NULL && *error != NULL)
    goto fail;

  if (before == NULL || g_str_equal (before, "null"))
    {
      if (!run_rule_sql (self, "DELETE FROM allocation_rule WHERE scope = ?1 AND scope_key = ?2",
                         scope, key, error))
        goto fail;
    }
  else
    {
      JsonObject *old_rule = parse_rule (before, before_parser, error);

      if (old_rule == NULL || !restore_rule (self, scope, key, old_rule, error))
        goto fail;
    }

  restored = qm_store_get_allocation_rule_json (self, parsed_scope, key, error);
  if (restored == NULL && error != NULL && *error != NULL)
    goto fail;

  if (!qm_store_audit_append_locked (self, user, "allocation.undo", object, current, restored,
                                     error))
    goto fail;

  if (!qm_store_commit (self, error))
    return FALSE;

  if (out_object != NULL)
    *out_object = g_steal_pointer (&object);
  return TRUE;

fail:
  qm_store_rollback (self);
  return FALSE;
}
