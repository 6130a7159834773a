/* qm-store-allocation.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's allocation part: planners' rules in and out (every change
 * audited with the rule before and after), and the engine's whole input
 * read in one go, so qm_allocation_compute() stays a pure function.
 */

#define G_LOG_DOMAIN "qm-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-store-allocation.h"
#include "qm-store-procurement.h"
#include "qm-store-private.h"

void
qm_allocation_data_free (QmAllocationData *data)
{
  if (data == NULL)
    return;

  g_string_chunk_free (data->strings);
  g_array_unref (data->channels);
  g_ptr_array_unref (data->region_lists);
  g_array_unref (data->warehouses);
  g_array_unref (data->skus);
  g_array_unref (data->qualified);
  g_array_unref (data->rules);
  g_ptr_array_unref (data->rule_arrays);
  g_array_unref (data->locks);
  g_array_unref (data->presales);
  g_array_unref (data->sales);
  g_free (data);
}

static const char *
rule_object (QmAllocScope  scope,
             const char   *key,
             char        **out_owned)
{
  if (scope == QM_ALLOC_SCOPE_DEFAULT)
    return "default";

  *out_owned = g_strdup_printf ("%s:%s", qm_alloc_scope_to_string (scope), key);
  return *out_owned;
}

static gint64
find_rule (QmStore      *self,
           QmAllocScope  scope,
           const char   *key,
           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    qm_store_prepare (self, "SELECT id FROM allocation_rule WHERE scope = ? AND scope_key = ?",
                      error);
  int rc;

  if (stmt == NULL)
    return -2;

  sqlite3_bind_text (stmt, 1, qm_alloc_scope_to_string (scope), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, scope == QM_ALLOC_SCOPE_DEFAULT ? "" : key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return -1;

  qm_store_set_error (self, rc, _("Could not read the allocation rules"), error);
  return -2;
}

static gboolean
add_channel_map (QmStore     *self,
                 JsonBuilder *builder,
                 const char  *member,
                 const char  *sql,
                 gint64       rule_id,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = qm_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, rule_id);
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_set_member_name (builder, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
    }
  json_builder_end_object (builder);

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the allocation rules"), error);

  return TRUE;
}

/**
 * qm_store_get_allocation_rule_json:
 *
 * Returns: (transfer full) (nullable): the rule as JSON (as the audit trail
 *   records it), or %NULL when there is none (with @error unset)
 */
char *
qm_store_get_allocation_rule_json (QmStore      *self,
                                   QmAllocScope  scope,
                                   const char   *key,
                                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  gint64 id;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  id = find_rule (self, scope, key, error);
  if (id < 0)
    return NULL;

  stmt = qm_store_prepare (self,
                           "SELECT scope, scope_key, mode, buffer_units, buffer_percent, "
                           "  window_days, min_share_permille FROM allocation_rule WHERE id = ?",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      qm_store_set_error (self, SQLITE_ERROR, _("Could not read the allocation rules"), error);
      return NULL;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 2));
  json_builder_set_member_name (builder, "buffer_units");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
  json_builder_set_member_name (builder, "buffer_percent");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 4));
  json_builder_set_member_name (builder, "window_days");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 5));
  json_builder_set_member_name (builder, "min_share_permille");
  json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 6));

  if (!add_channel_map (self, builder, "weights",
                        "SELECT channel_id, weight FROM allocation_weight WHERE rule_id = ? "
                        "ORDER BY channel_id", id, error) ||
      !add_channel_map (self, builder, "oversell_percent",
                        "SELECT channel_id, percent FROM allocation_oversell WHERE rule_id = ? "
                        "ORDER BY channel_id", id, error))
    return NULL;

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
insert_channel_values (QmStore            *self,
                       const char         *sql,
                       gint64              rule_id,
                       const char * const *channels,
                       const gint64       *values,
                       GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (channels == NULL)
    return TRUE;

  stmt = qm_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; channels[i] != NULL; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, rule_id);
      sqlite3_bind_text (stmt, 2, channels[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, values[i]);
      rc = sqlite3_step (stmt);
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       _("No sales channel “%s” (or it is named twice); see “channel list”"),
                       channels[i]);
          return FALSE;
        }
      if (rc != SQLITE_DONE)
        return qm_store_set_error (self, rc, _("Could not save the allocation rule"), error);
    }

  return TRUE;
}

static gboolean
check_spec (const QmAllocationRuleSpec *spec,
            GError                    **error)
{
  if (spec->scope != QM_ALLOC_SCOPE_DEFAULT && (spec->key == NULL || *spec->key == '\0'))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("A %s rule needs the %s it applies to"),
                   qm_alloc_scope_to_string (spec->scope), qm_alloc_scope_to_string (spec->scope));
      return FALSE;
    }
  if (spec->buffer_units < 0 || spec->buffer_percent < 0 || spec->buffer_percent > 100)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("A safety buffer is 0 or more units, or 0 to 100 percent"));
      return FALSE;
    }
  if (spec->window_days < 1 || spec->min_share_permille < 0 || spec->min_share_permille > 1000)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The sales window is 1 day or more and the minimum share 0 to 100%%"));
      return FALSE;
    }
  for (guint i = 0; spec->weight_channels != NULL && spec->weight_channels[i] != NULL; i++)
    if (spec->weights[i] < 0 || spec->weights[i] > QM_ALLOC_QUANTITY_MAX)
      {
        g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                     _("The weight of channel “%s” must be 0 or more"), spec->weight_channels[i]);
        return FALSE;
      }
  for (guint i = 0; spec->oversell_channels != NULL && spec->oversell_channels[i] != NULL; i++)
    if (spec->oversell_percent[i] < 0 || spec->oversell_percent[i] > QM_ALLOC_OVERSELL_PERCENT_MAX)
      {
        g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                     _("The oversell allowance of channel “%s” must be 0 to %d percent"),
                     spec->oversell_channels[i], QM_ALLOC_OVERSELL_PERCENT_MAX);
        return FALSE;
      }

  return TRUE;
}

/**
 * qm_store_set_allocation_rule:
 *
 * Stores (or replaces) the rule of one scope, in one transaction with an
 * audit entry holding the rule before and after.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_set_allocation_rule (QmStore                    *self,
                              const QmAllocationRuleSpec *spec,
                              const char                 *user,
                              GError                    **error)
{
  g_autoptr(sqlite3_stmt) upsert = NULL;
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *object_owned = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  const char *key;
  gint64 id;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!check_spec (spec, error))
    return FALSE;

  key = spec->scope == QM_ALLOC_SCOPE_DEFAULT ? "" : spec->key;

  if (!qm_store_begin (self, error))
    return FALSE;

  before = qm_store_get_allocation_rule_json (self, spec->scope, key, error);
  if (before == NULL && error != NULL && *error != NULL)
    goto fail;

  upsert = qm_store_prepare (self,
                             "INSERT INTO allocation_rule (scope, scope_key, mode, buffer_units, "
                             "  buffer_percent, window_days, min_share_permille, updated_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                             "ON CONFLICT (scope, scope_key) DO UPDATE SET mode = ?3, "
                             "  buffer_units = ?4, buffer_percent = ?5, window_days = ?6, "
                             "  min_share_permille = ?7, updated_at = ?8", error);
  if (upsert == NULL)
    goto fail;

  sqlite3_bind_text (upsert, 1, qm_alloc_scope_to_string (spec->scope), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (upsert, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (upsert, 3, qm_allocation_mode_to_string (spec->mode), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (upsert, 4, spec->buffer_units);
  sqlite3_bind_int (upsert, 5, spec->buffer_percent);
  sqlite3_bind_int (upsert, 6, spec->window_days);
  sqlite3_bind_int (upsert, 7, spec->min_share_permille);
  sqlite3_bind_text (upsert, 8, now_text, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (upsert);
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not save the allocation rule"), error);
      goto fail;
    }

  id = find_rule (self, spec->scope, key, error);
  if (id < 0)
    goto fail;

  clear = qm_store_prepare (self,
                            "DELETE FROM allocation_weight WHERE rule_id = ?1", error);
  if (clear == NULL)
    goto fail;
  sqlite3_bind_int64 (clear, 1, id);
  if ((rc = sqlite3_step (clear)) != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not save the allocation rule"), error);
      goto fail;
    }
  g_clear_pointer (&clear, sqlite3_finalize);
  clear = qm_store_prepare (self, "DELETE FROM allocation_oversell WHERE rule_id = ?1", error);
  if (clear == NULL)
    goto fail;
  sqlite3_bind_int64 (clear, 1, id);
  if ((rc = sqlite3_step (clear)) != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not save the allocation rule"), error);
      goto fail;
    }

  if (!insert_channel_values (self,
                              "INSERT INTO allocation_weight (rule_id, channel_id, weight) "
                              "VALUES (?, ?, ?)", id, spec->weight_channels, spec->weights,
                              error) ||
      !insert_channel_values (self,
                              "INSERT INTO allocation_oversell (rule_id, channel_id, percent) "
                              "VALUES (?, ?, ?)", id, spec->oversell_channels,
                              spec->oversell_percent, error))
    goto fail;

  after = qm_store_get_allocation_rule_json (self, spec->scope, key, error);
  if (after == NULL)
    goto fail;

  if (!qm_store_audit_append_locked (self, user, "allocation.set",
                                     rule_object (spec->scope, key, &object_owned),
                                     before, after, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* The engine's input                                                       */

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) dt = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static int
index_of (GHashTable *map,
          const char *key)
{
  gpointer value;

  if (key == NULL || !g_hash_table_lookup_extended (map, key, NULL, &value))
    return -1;

  return GPOINTER_TO_INT (value);
}

#define STEP_ROWS(stmt, rc) while (((rc) = sqlite3_step (stmt)) == SQLITE_ROW)

typedef struct
{
  QmAllocationData *data;
  GHashTable       *sku_index;
} OpenPurchaseData;

static void
set_open_purchase (const char *sku,
                   gint64      quantity,
                   gpointer    user_data)
{
  OpenPurchaseData *open = user_data;
  int s = index_of (open->sku_index, sku);

  if (s >= 0)
    g_array_index (open->data->skus, QmAllocSku, s).open_po_quantity = quantity;
}

/**
 * qm_store_load_allocation:
 * @now: Unix seconds; locks are active when starts_at <= now < ends_at, and
 *   performance rules look at the sales of the days before it
 *
 * Reads channels, warehouses, every SKU with its qualified stock per
 * warehouse, the rules, locks, pre-sale quotas and the sales the
 * performance rules need, and each SKU's open purchase-order quantity
 * (qm_store_foreach_open_purchase()).
 *
 * Returns: (transfer full): the engine's input, or %NULL
 */
QmAllocationData *
qm_store_load_allocation (QmStore *self,
                          gint64   now,
                          GError **error)
{
  g_autoptr(QmAllocationData) data = g_new0 (QmAllocationData, 1);
  g_autoptr(GHashTable) channel_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) warehouse_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) sku_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) warehouses = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int max_window = 0;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  data->strings = g_string_chunk_new (64 * 1024);
  data->channels = g_array_new (FALSE, TRUE, sizeof (QmAllocChannel));
  data->region_lists = g_ptr_array_new_with_free_func (g_free);
  data->warehouses = g_array_new (FALSE, TRUE, sizeof (QmAllocWarehouse));
  data->skus = g_array_new (FALSE, TRUE, sizeof (QmAllocSku));
  data->qualified = g_array_new (FALSE, TRUE, sizeof (gint64));
  data->rules = g_array_new (FALSE, TRUE, sizeof (QmAllocRule));
  data->rule_arrays = g_ptr_array_new_with_free_func (g_free);
  data->locks = g_array_new (FALSE, TRUE, sizeof (QmAllocLock));
  data->presales = g_array_new (FALSE, TRUE, sizeof (QmAllocPresale));
  data->sales = g_array_new (FALSE, TRUE, sizeof (QmAllocSale));

  /* channels, with the regions each serves */
  {
    g_autoptr(GPtrArray) channels = qm_store_list_channels (self, error);

    if (channels == NULL)
      return NULL;

    for (guint i = 0; i < channels->len; i++)
      {
        QmChannel *ch = g_ptr_array_index (channels, i);
        QmAllocChannel c = { 0 };
        guint n = g_strv_length (ch->regions);
        char **regions = g_new0 (char *, n + 1);

        for (guint r = 0; r < n; r++)
          regions[r] = g_string_chunk_insert_const (data->strings, ch->regions[r]);
        g_ptr_array_add (data->region_lists, regions);

        c.id = g_string_chunk_insert_const (data->strings, ch->id);
        c.regions = (const char * const *) regions;
        c.active = ch->active;
        g_hash_table_insert (channel_index, (char *) c.id, GINT_TO_POINTER (i));
        g_array_append_val (data->channels, c);
      }
  }

  warehouses = qm_store_list_warehouses (self, error);
  if (warehouses == NULL)
    return NULL;

  for (guint i = 0; i < warehouses->len; i++)
    {
      QmWarehouse *wh = g_ptr_array_index (warehouses, i);
      QmAllocWarehouse w = { 0 };

      w.id = g_string_chunk_insert_const (data->strings, wh->id);
      w.region = g_string_chunk_insert_const (data->strings, wh->region ? wh->region : "");
      w.has_location = wh->has_location;
      w.latitude = wh->latitude;
      w.longitude = wh->longitude;
      g_hash_table_insert (warehouse_index, (char *) w.id, GINT_TO_POINTER (i));
      g_array_append_val (data->warehouses, w);
    }

  /* every SKU known from stock or products, its category from the first
   * warehouse (by id) that lists it */
  stmt = qm_store_prepare (self,
                           "SELECT s.sku, (SELECT p.category FROM product p WHERE p.sku = s.sku "
                           "               ORDER BY p.warehouse_id LIMIT 1) "
                           "FROM (SELECT sku FROM stock UNION SELECT sku FROM product) s "
                           "ORDER BY s.sku", error);
  if (stmt == NULL)
    return NULL;
  STEP_ROWS (stmt, rc)
    {
      QmAllocSku s = { 0 };
      const char *category = (const char *) sqlite3_column_text (stmt, 1);

      s.sku = g_string_chunk_insert_const (data->strings,
                                           (const char *) sqlite3_column_text (stmt, 0));
      s.category = category ? g_string_chunk_insert_const (data->strings, category) : NULL;
      g_hash_table_insert (sku_index, (char *) s.sku, GINT_TO_POINTER (data->skus->len));
      g_array_append_val (data->skus, s);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the stock"), error), NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);

  g_array_set_size (data->qualified, data->skus->len * MAX (data->warehouses->len, 1));
  stmt = qm_store_prepare (self,
                           "SELECT warehouse_id, sku, quantity FROM stock WHERE status = 'qualified'",
                           error);
  if (stmt == NULL)
    return NULL;
  STEP_ROWS (stmt, rc)
    {
      int w = index_of (warehouse_index, (const char *) sqlite3_column_text (stmt, 0));
      int s = index_of (sku_index, (const char *) sqlite3_column_text (stmt, 1));

      if (w >= 0 && s >= 0)
        g_array_index (data->qualified, gint64, (gsize) s * data->warehouses->len + w) =
          sqlite3_column_int64 (stmt, 2);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the stock"), error), NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* rules, each with its weights and oversell allowances by channel index */
  stmt = qm_store_prepare (self,
                           "SELECT id, scope, scope_key, mode, buffer_units, buffer_percent, "
                           "  window_days, min_share_permille, "
                           "  (SELECT count(*) FROM allocation_weight w WHERE w.rule_id = r.id) "
                           "FROM allocation_rule r ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  STEP_ROWS (stmt, rc)
    {
      QmAllocRule rule = { 0 };
      gint64 rule_id = sqlite3_column_int64 (stmt, 0);
      guint n = data->channels->len;
      gint64 *weights = NULL;
      gint64 *oversell = g_new0 (gint64, MAX (n, 1));
      g_autoptr(sqlite3_stmt) values = NULL;
      int vrc;

      qm_alloc_scope_from_string ((const char *) sqlite3_column_text (stmt, 1), &rule.scope);
      rule.key = g_string_chunk_insert_const (data->strings,
                                              (const char *) sqlite3_column_text (stmt, 2));
      qm_allocation_mode_from_string ((const char *) sqlite3_column_text (stmt, 3), &rule.mode);
      rule.buffer_units = sqlite3_column_int64 (stmt, 4);
      rule.buffer_percent = sqlite3_column_int (stmt, 5);
      rule.window_days = sqlite3_column_int (stmt, 6);
      rule.min_share_permille = sqlite3_column_int (stmt, 7);

      if (sqlite3_column_int64 (stmt, 8) > 0)
        {
          weights = g_new0 (gint64, MAX (n, 1));
          values = qm_store_prepare (self,
                                     "SELECT channel_id, weight FROM allocation_weight "
                                     "WHERE rule_id = ?", error);
          if (values == NULL)
            {
              g_free (weights);
              g_free (oversell);
              return NULL;
            }
          sqlite3_bind_int64 (values, 1, rule_id);
          STEP_ROWS (values, vrc)
            {
              int c = index_of (channel_index, (const char *) sqlite3_column_text (values, 0));
              if (c >= 0)
                weights[c] = sqlite3_column_int64 (values, 1);
            }
          g_clear_pointer (&values, sqlite3_finalize);
          g_ptr_array_add (data->rule_arrays, weights);
        }

      values = qm_store_prepare (self,
                                 "SELECT channel_id, percent FROM allocation_oversell "
                                 "WHERE rule_id = ?", error);
      if (values == NULL)
        {
          g_free (oversell);
          return NULL;
        }
      sqlite3_bind_int64 (values, 1, rule_id);
      STEP_ROWS (values, vrc)
        {
          int c = index_of (channel_index, (const char *) sqlite3_column_text (values, 0));
          if (c >= 0)
            oversell[c] = sqlite3_column_int64 (values, 1);
        }
      g_ptr_array_add (data->rule_arrays, oversell);

      rule.weights = weights;
      rule.oversell_percent = oversell;
      if (rule.mode == QM_ALLOCATION_PERFORMANCE)
        max_window = MAX (max_window, rule.window_days);
      g_array_append_val (data->rules, rule);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the allocation rules"), error), NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* promotional locks and pre-sale quotas */
  stmt = qm_store_prepare (self,
                           "SELECT channel_id, sku, quantity, starts_at, ends_at FROM promotional_lock",
                           error);
  if (stmt == NULL)
    return NULL;
  STEP_ROWS (stmt, rc)
    {
      int c = index_of (channel_index, (const char *) sqlite3_column_text (stmt, 0));
      int s = index_of (sku_index, (const char *) sqlite3_column_text (stmt, 1));
      QmAllocLock lock = { 0 };

      if (c < 0 || s < 0)
        continue;
      lock.channel = c;
      lock.sku = s;
      lock.quantity = sqlite3_column_int64 (stmt, 2);
      lock.starts_at = parse_time ((const char *) sqlite3_column_text (stmt, 3));
      lock.ends_at = parse_time ((const char *) sqlite3_column_text (stmt, 4));
      g_array_append_val (data->locks, lock);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the promotional locks"), error), NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = qm_store_prepare (self, "SELECT channel_id, sku, quantity FROM presale_quota", error);
  if (stmt == NULL)
    return NULL;
  STEP_ROWS (stmt, rc)
    {
      int c = index_of (channel_index, (const char *) sqlite3_column_text (stmt, 0));
      int s = index_of (sku_index, (const char *) sqlite3_column_text (stmt, 1));
      QmAllocPresale presale = { 0 };

      if (c < 0 || s < 0)
        continue;
      presale.channel = c;
      presale.sku = s;
      presale.quantity = sqlite3_column_int64 (stmt, 2);
      g_array_append_val (data->presales, presale);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the pre-sale quotas"), error), NULL;
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* what accepted purchase orders still have to deliver caps pre-sale */
  {
    OpenPurchaseData open = { data, sku_index };

    if (!qm_store_foreach_open_purchase (self, set_open_purchase, &open, error))
      return NULL;
  }

  /* the sales performance rules look at, summed per channel, SKU and day */
  if (max_window > 0)
    {
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (now);
      g_autoptr(GDateTime) start = g_date_time_add_days (end, -max_window);
      g_autofree char *from = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *to = g_date_time_format (end, "%Y-%m-%dT%H:%M:%SZ");

      stmt = qm_store_prepare (self,
                               "SELECT channel, sku, substr(at, 1, 10) AS day, SUM(quantity) "
                               "FROM movement WHERE kind = 'sales_outbound' "
                               "  AND quarantine_reason IS NULL AND at >= ? AND at < ? "
                               "GROUP BY channel, sku, day", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, to, -1, SQLITE_TRANSIENT);
      STEP_ROWS (stmt, rc)
        {
          int c = index_of (channel_index, (const char *) sqlite3_column_text (stmt, 0));
          int s = index_of (sku_index, (const char *) sqlite3_column_text (stmt, 1));
          g_autofree char *day_start = NULL;
          QmAllocSale sale = { 0 };

          if (c < 0 || s < 0)
            continue;
          /* a day's sales count at its first second that lies in the window */
          day_start = g_strdup_printf ("%sT00:00:00Z", (const char *) sqlite3_column_text (stmt, 2));
          sale.channel = c;
          sale.sku = s;
          sale.at = MAX (parse_time (day_start), g_date_time_to_unix (start));
          sale.quantity = sqlite3_column_int64 (stmt, 3);
          g_array_append_val (data->sales, sale);
        }
      if (rc != SQLITE_DONE)
        return qm_store_set_error (self, rc, _("Could not read the sales"), error), NULL;
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  data->input.channels = (const QmAllocChannel *) data->channels->data;
  data->input.n_channels = data->channels->len;
  data->input.warehouses = (const QmAllocWarehouse *) data->warehouses->data;
  data->input.n_warehouses = data->warehouses->len;
  data->input.skus = (const QmAllocSku *) data->skus->data;
  data->input.n_skus = data->skus->len;
  data->input.qualified = (const gint64 *) data->qualified->data;
  data->input.rules = (const QmAllocRule *) data->rules->data;
  data->input.n_rules = data->rules->len;
  data->input.locks = (const QmAllocLock *) data->locks->data;
  data->input.n_locks = data->locks->len;
  data->input.presales = (const QmAllocPresale *) data->presales->data;
  data->input.n_presales = data->presales->len;
  data->input.sales = (const QmAllocSale *) data->sales->data;
  data->input.n_sales = data->sales->len;
  data->input.now = now;

  return g_steal_pointer (&data);
}
