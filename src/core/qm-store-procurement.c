/* qm-store-procurement.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's procurement part: the planning engine's input read from the
 * cache, the plans it produced, the planner's edits and approvals (each
 * audited) and the orders pushed to the warehouses.
 *
 * Generating a plan reads, in one transaction:
 *  - the warehouses (capacity, lead time, review period) and the per-SKU
 *    overrides;
 *  - every product listing (pack size per warehouse and SKU) and the stock
 *    summary per SKU and warehouse (stock_sku): together they make the set
 *    of SKUs planned (a SKU neither listed nor held anywhere is not);
 *  - what is on order: the approved quantities of orders a warehouse
 *    ACCEPTED, less the purchase_inbound (purchases) or transfer_in
 *    (transfers) movements at the receiving warehouse whose reference is
 *    the warehouse's order id, per order line and never below 0; and what
 *    accepted transfers have still to take out of their source (approved
 *    less its transfer_out movements with that reference), which no longer
 *    counts as the source's qualified stock;
 *  - the raw movements, streamed once in the table's own order into the
 *    demand accumulator (sales_outbound and customer_return) while noting
 *    each cell's first day (its earliest movement of any kind): no GROUP BY,
 *    no allocation per row. Quarantined movements are left out, as from
 *    every balance.
 *
 * A plan stores lines only for the cells with a suggestion before the
 * capacity cut (suggested_uncapped > 0): a purchase line (even when the cut
 * or a transfer brought it to 0, so the cut stays visible) and, where the
 * engine proposes one, a transfer line from the donor warehouse. The two
 * lines share the cell's explanation (demand, levels, stock); their
 * suggested quantities add up to the cell's.
 */

#define G_LOG_DOMAIN "qm-store"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-store-private.h"
#include "qm-store-ledger.h"
#include "qm-store-procurement.h"

#define PROGRESS_EVERY 65536

/* ------------------------------------------------------------------------ */
/* Small things                                                             */

void
qm_plan_info_free (QmPlanInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->created_at);
  g_free (info->created_by);
  g_free (info->approved_at);
  g_free (info->approved_by);
  g_free (info->pushed_at);
  g_free (info->pushed_by);
  g_free (info->parameters);
  g_free (info);
}

void
qm_plan_line_free (QmPlanLine *line)
{
  if (line == NULL)
    return;

  g_free (line->warehouse_id);
  g_free (line->sku);
  g_free (line->name);
  g_free (line->from_warehouse_id);
  g_free (line->edit_reason);
  g_free (line->order_id);
  g_free (line->order_error);
  g_free (line);
}

void
qm_plan_order_free (QmPlanOrder *order)
{
  if (order == NULL)
    return;

  g_free (order->warehouse_id);
  g_free (order->to_warehouse_id);
  g_free (order->idempotency_key);
  g_free (order->body);
  g_free (order->order_id);
  g_free (order->error);
  g_free (order);
}

static const char * const status_names[] = { "draft", "approved", "pushed" };
static const char * const kind_names[] = { "purchase", "transfer" };
static const char * const state_names[] = { "none", "pending", "accepted", "rejected" };

const char *
qm_plan_status_to_string (QmPlanStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

const char *
qm_plan_line_kind_to_string (QmPlanLineKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

const char *
qm_order_state_to_string (QmOrderState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

static guint
index_of_name (const char * const *names,
               guint               n_names,
               const char         *text)
{
  if (text != NULL)
    for (guint i = 0; i < n_names; i++)
      if (strcmp (names[i], text) == 0)
        return i;

  return 0;
}

/**
 * qm_plan_options_init:
 * @options: (out caller-allocates): the options to fill
 *
 * The defaults: a 56-day window, 95 % service level, order-up-to (not EOQ),
 * no transfers, today in UTC.
 */
void
qm_plan_options_init (QmPlanOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  qm_plan_params_init (&options->params);
}

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return g_strdup (text);
}

static char *
builder_to_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_member_int (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static char *
day_to_text (gint64 day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) (day + 719163));
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

static gboolean
step_done (QmStore      *self,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, what, error);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Planning settings                                                        */

static gboolean
check_days (int          days,
            const char  *what,
            GError     **error)
{
  if (days < 0 || days > QM_PLAN_MAX_DAYS)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The %s must be from 0 to %d days; you gave %d"), what,
                   QM_PLAN_MAX_DAYS, days);
      return FALSE;
    }

  return TRUE;
}

static char *
days_json (gboolean exists,
           int      lead_time_days,
           int      review_period_days)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (!exists)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_member_int (builder, "lead_time_days", lead_time_days);
  add_member_int (builder, "review_period_days", review_period_days);
  json_builder_end_object (builder);
  return builder_to_json (builder);
}

/* Reads (lead, review) of one row; returns 1 found, 0 none, -1 error. */
static int
read_days (QmStore     *self,
           const char  *sql,
           const char  *key,
           int         *out_lead,
           int         *out_review,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = qm_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_lead = sqlite3_column_int (stmt, 0);
      *out_review = sqlite3_column_int (stmt, 1);
      return 1;
    }
  if (rc == SQLITE_DONE)
    return 0;

  qm_store_set_error (self, rc, _("Could not read the planning settings"), error);
  return -1;
}

/**
 * qm_store_set_warehouse_planning:
 * @lead_time_days: days from order to receipt, 0 to 3660
 * @review_period_days: days between two plans, 0 to 3660
 *
 * Audited as planning.warehouse with the settings before and after.
 */
gboolean
qm_store_set_warehouse_planning (QmStore     *self,
                                 const char  *warehouse_id,
                                 int          lead_time_days,
                                 int          review_period_days,
                                 const char  *user,
                                 GError     **error)
{
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  int old_lead = 0, old_review = 0, found;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);

  if (!check_days (lead_time_days, _("lead time"), error) ||
      !check_days (review_period_days, _("review period"), error))
    return FALSE;

  if (!qm_store_begin (self, error))
    return FALSE;

  found = read_days (self, "SELECT lead_time_days, review_period_days FROM warehouse WHERE id = ?",
                     warehouse_id, &old_lead, &old_review, error);
  if (found < 0)
    goto fail;
  if (found == 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("There is no warehouse “%s”; see endpoint list for the ids"), warehouse_id);
      goto fail;
    }

  update = qm_store_prepare (self, "UPDATE warehouse SET lead_time_days = ?, "
                                   "review_period_days = ? WHERE id = ?", error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_int (update, 1, lead_time_days);
  sqlite3_bind_int (update, 2, review_period_days);
  sqlite3_bind_text (update, 3, warehouse_id, -1, SQLITE_TRANSIENT);
  if (!step_done (self, update, _("Could not save the planning settings"), error))
    goto fail;

  before = days_json (TRUE, old_lead, old_review);
  after = days_json (TRUE, lead_time_days, review_period_days);
  if (!qm_store_audit_append_locked (self, user, "planning.warehouse", warehouse_id,
                                     before, after, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/**
 * qm_store_set_sku_planning:
 * @lead_time_days: the SKU's lead time everywhere; 0 = each warehouse's
 * @review_period_days: likewise
 *
 * Both 0 removes the override. Audited as planning.sku.
 */
gboolean
qm_store_set_sku_planning (QmStore     *self,
                           const char  *sku,
                           int          lead_time_days,
                           int          review_period_days,
                           const char  *user,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *object = NULL;
  int old_lead = 0, old_review = 0, found;
  gboolean remove;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (sku != NULL, FALSE);

  if (!qm_sku_is_valid (sku))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is not a SKU (1 to 64 characters, no control characters)"), sku);
      return FALSE;
    }
  if (!check_days (lead_time_days, _("lead time"), error) ||
      !check_days (review_period_days, _("review period"), error))
    return FALSE;

  remove = lead_time_days == 0 && review_period_days == 0;

  if (!qm_store_begin (self, error))
    return FALSE;

  found = read_days (self, "SELECT lead_time_days, review_period_days FROM planning_sku "
                           "WHERE sku = ?", sku, &old_lead, &old_review, error);
  if (found < 0)
    goto fail;

  if (remove)
    stmt = qm_store_prepare (self, "DELETE FROM planning_sku WHERE sku = ?3", error);
  else
    stmt = qm_store_prepare (self, "INSERT INTO planning_sku (sku, lead_time_days, "
                                   "  review_period_days) VALUES (?3, ?1, ?2) "
                                   "ON CONFLICT (sku) DO UPDATE SET lead_time_days = ?1, "
                                   "  review_period_days = ?2", error);
  if (stmt == NULL)
    goto fail;
  if (!remove)
    {
      sqlite3_bind_int (stmt, 1, lead_time_days);
      sqlite3_bind_int (stmt, 2, review_period_days);
    }
  sqlite3_bind_text (stmt, 3, sku, -1, SQLITE_TRANSIENT);
  if (!step_done (self, stmt, _("Could not save the planning settings"), error))
    goto fail;

  before = days_json (found == 1, old_lead, old_review);
  after = days_json (!remove, lead_time_days, review_period_days);
  object = g_strdup_printf ("sku:%s", sku);
  if (!qm_store_audit_append_locked (self, user, "planning.sku", object, before, after, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/**
 * qm_store_get_warehouse_planning:
 *
 * Returns: %TRUE with the warehouse's settings, or %FALSE with @error
 */
gboolean
qm_store_get_warehouse_planning (QmStore     *self,
                                 const char  *warehouse_id,
                                 int         *out_lead_time_days,
                                 int         *out_review_period_days,
                                 GError     **error)
{
  int found;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);

  found = read_days (self, "SELECT lead_time_days, review_period_days FROM warehouse WHERE id = ?",
                     warehouse_id, out_lead_time_days, out_review_period_days, error);
  if (found == 0)
    g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                 _("There is no warehouse “%s”; see endpoint list for the ids"), warehouse_id);

  return found == 1;
}

/**
 * qm_store_get_sku_planning:
 *
 * Returns: %TRUE with the SKU's override (0 and 0 without one), or %FALSE
 *   with @error
 */
gboolean
qm_store_get_sku_planning (QmStore     *self,
                           const char  *sku,
                           int         *out_lead_time_days,
                           int         *out_review_period_days,
                           GError     **error)
{
  int found;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (sku != NULL, FALSE);

  *out_lead_time_days = 0;
  *out_review_period_days = 0;
  found = read_days (self, "SELECT lead_time_days, review_period_days FROM planning_sku "
                           "WHERE sku = ?", sku, out_lead_time_days, out_review_period_days, error);

  return found >= 0;
}

/* ------------------------------------------------------------------------ */
/* Generating a plan: the engine's input                                    */

/* SKU -> index, open addressing on (bytes, length): the movement scan
 * looks up every row's SKU straight from SQLite's buffer, without a copy. */
typedef struct
{
  const char *key;   /* NUL-terminated, in Input.strings */
  guint32     hash;
  guint32     index; /* index + 1; 0 = empty */
} SkuSlot;

typedef struct
{
  SkuSlot *slots;
  gsize    mask;
} SkuMap;

typedef struct
{
  GStringChunk    *strings;
  GArray          *warehouses;   /* QmPlanWarehouse */
  GHashTable      *wh_index;     /* id -> index + 1 */
  GArray          *skus;         /* QmPlanSku */
  GArray          *sku_lengths;  /* guint32 */
  GArray          *sku_hashes;   /* guint32 */
  SkuMap           sku_map;
  GArray          *cells;        /* QmPlanCell, n_skus * n_wh */
  GArray          *first_day;    /* gint32 per cell: its earliest movement in
                                  * or after the window */
  GArray          *old;          /* guint64 words: a bit per cell moved before
                                  * the window (then first_day does not matter) */
  guint            n_wh;
  GTimeZone       *tz;           /* NULL = UTC */
} Input;

#define NO_DAY G_MAXINT32

static void
input_clear (Input *in)
{
  g_clear_pointer (&in->strings, g_string_chunk_free);
  g_clear_pointer (&in->warehouses, g_array_unref);
  g_clear_pointer (&in->wh_index, g_hash_table_unref);
  g_clear_pointer (&in->skus, g_array_unref);
  g_clear_pointer (&in->sku_lengths, g_array_unref);
  g_clear_pointer (&in->sku_hashes, g_array_unref);
  g_clear_pointer (&in->sku_map.slots, g_free);
  g_clear_pointer (&in->cells, g_array_unref);
  g_clear_pointer (&in->first_day, g_array_unref);
  g_clear_pointer (&in->old, g_array_unref);
  g_clear_pointer (&in->tz, g_time_zone_unref);
}

static inline int
wh_lookup (Input      *in,
           const char *id)
{
  gpointer value = id != NULL ? g_hash_table_lookup (in->wh_index, id) : NULL;

  return value != NULL ? GPOINTER_TO_INT (value) - 1 : -1;
}

static inline guint32
bytes_hash (const char *data,
            gsize       len)
{
  guint32 h = 2166136261u;   /* FNV-1a */

  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar) data[i]) * 16777619u;

  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  return h;
}

static inline int
sku_lookup_len (Input      *in,
                const char *sku,
                gsize       len,
                guint32     hash)
{
  const SkuSlot *slots = in->sku_map.slots;
  gsize i;

  if (slots == NULL)
    return -1;

  /* A hit costs the slot and the key: nothing else is touched. */
  for (i = hash & in->sku_map.mask; slots[i].index != 0; i = (i + 1) & in->sku_map.mask)
    if (slots[i].hash == hash && strncmp (slots[i].key, sku, len) == 0 &&
        slots[i].key[len] == '\0')
      return (int) slots[i].index - 1;

  return -1;
}

static inline int
sku_lookup (Input      *in,
            const char *sku)
{
  gsize len;

  if (sku == NULL)
    return -1;
  len = strlen (sku);
  return sku_lookup_len (in, sku, len, bytes_hash (sku, len));
}

static void
sku_map_place (Input   *in,
               guint32  index)
{
  guint32 hash = g_array_index (in->sku_hashes, guint32, index);
  gsize i = hash & in->sku_map.mask;

  while (in->sku_map.slots[i].index != 0)
    i = (i + 1) & in->sku_map.mask;
  in->sku_map.slots[i].key = g_array_index (in->skus, QmPlanSku, index).sku;
  in->sku_map.slots[i].hash = hash;
  in->sku_map.slots[i].index = index + 1;
}

/* The SKU's index, adding it (and its row of cells) if new. */
static int
sku_intern_len (Input      *in,
                const char *sku,
                gsize       len)
{
  guint32 hash, index32, length32;
  QmPlanSku entry = { 0 };
  int index;
  gsize old_cells;

  if (sku == NULL)
    return -1;
  hash = bytes_hash (sku, len);
  index = sku_lookup_len (in, sku, len, hash);
  if (index >= 0)
    return index;

  entry.sku = g_string_chunk_insert_len (in->strings, sku, (gssize) len);
  entry.pack_size = 1;
  index32 = in->skus->len;
  length32 = (guint32) len;
  g_array_append_val (in->skus, entry);
  g_array_append_val (in->sku_lengths, length32);
  g_array_append_val (in->sku_hashes, hash);

  /* at most half full */
  if (in->sku_map.slots == NULL || (gsize) in->skus->len * 2 > in->sku_map.mask + 1)
    {
      gsize size = in->sku_map.slots == NULL ? 1024 : (in->sku_map.mask + 1) * 2;

      g_free (in->sku_map.slots);
      in->sku_map.slots = g_new0 (SkuSlot, size);
      in->sku_map.mask = size - 1;
      for (guint32 i = 0; i < in->skus->len; i++)
        sku_map_place (in, i);
    }
  else
    sku_map_place (in, index32);

  old_cells = (gsize) index32 * in->n_wh;
  if (in->cells != NULL)
    g_array_set_size (in->cells, old_cells + in->n_wh);
  g_array_set_size (in->first_day, old_cells + in->n_wh);
  for (gsize c = old_cells; c < old_cells + in->n_wh; c++)
    g_array_index (in->first_day, gint32, c) = NO_DAY;
  g_array_set_size (in->old, (old_cells + in->n_wh + 63) / 64);   /* new words are zeroed */

  return (int) index32;
}

static int
sku_intern (Input      *in,
            const char *sku)
{
  return sku != NULL ? sku_intern_len (in, sku, strlen (sku)) : -1;
}

static inline QmPlanCell *
cell_at (Input *in,
         int    sku,
         int    wh)
{
  return &g_array_index (in->cells, QmPlanCell, (gsize) sku * in->n_wh + (gsize) wh);
}

static gboolean
read_warehouses (QmStore  *self,
                 Input    *in,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    qm_store_prepare (self, "SELECT id, capacity_units, lead_time_days, review_period_days "
                            "FROM warehouse ORDER BY id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmPlanWarehouse wh = { 0 };

      wh.id = g_string_chunk_insert (in->strings, (const char *) sqlite3_column_text (stmt, 0));
      wh.capacity_units = sqlite3_column_int64 (stmt, 1);
      wh.lead_time_days = CLAMP (sqlite3_column_int (stmt, 2), 0, QM_PLAN_MAX_DAYS);
      wh.review_period_days = CLAMP (sqlite3_column_int (stmt, 3), 0, QM_PLAN_MAX_DAYS);
      g_hash_table_insert (in->wh_index, (gpointer) wh.id,
                           GINT_TO_POINTER (in->warehouses->len + 1));
      g_array_append_val (in->warehouses, wh);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the warehouses"), error);

  in->n_wh = in->warehouses->len;
  if (in->n_wh == 0)
    {
      g_set_error_literal (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                           _("There is no warehouse to plan for; add an endpoint and sync it "
                             "first"));
      return FALSE;
    }

  return TRUE;
}

/* The SKUs planned are those held somewhere (stock_sku), on order or
 * moved (the movement scan adds them); a SKU only listed, with neither
 * stock nor history, has nothing to plan. Pack sizes come from the
 * listings. */
static gboolean
read_products_and_stock (QmStore  *self,
                         Input    *in,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stock =
    qm_store_prepare (self, "SELECT sku, warehouse_id, defective, pending_inspection, "
                            "  qualified, supplier_return FROM stock_sku", error);
  g_autoptr(sqlite3_stmt) products = NULL;
  int rc, w = -1, s = -1;

  if (stock == NULL)
    return FALSE;

  /* Rows come by SKU: look it up on change only. */
  while ((rc = sqlite3_step (stock)) == SQLITE_ROW)
    {
      const char *sku = (const char *) sqlite3_column_text (stock, 0);
      gsize len = (gsize) sqlite3_column_bytes (stock, 0);
      QmPlanCell *cell;

      if (sku == NULL)
        continue;
      if (s < 0 || g_array_index (in->sku_lengths, guint32, s) != len ||
          memcmp (g_array_index (in->skus, QmPlanSku, s).sku, sku, len) != 0)
        s = sku_intern_len (in, sku, len);

      /* Within a SKU the warehouses come in id order, as they are indexed:
       * try the next one before looking it up. */
      {
        const char *wh_id = (const char *) sqlite3_column_text (stock, 1);
        int next = w + 1 < (int) in->n_wh ? w + 1 : 0;

        if (wh_id != NULL &&
            strcmp (wh_id, g_array_index (in->warehouses, QmPlanWarehouse, next).id) == 0)
          w = next;
        else
          w = wh_lookup (in, wh_id);
      }
      if (w < 0)
        continue;
      cell = cell_at (in, s, w);
      cell->other_units = MAX (0, sqlite3_column_int64 (stock, 2)) +
                          MAX (0, sqlite3_column_int64 (stock, 5));
      cell->pending_inspection = MAX (0, sqlite3_column_int64 (stock, 3));
      cell->qualified = MAX (0, sqlite3_column_int64 (stock, 4));
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the stock"), error);

  products = qm_store_prepare (self, "SELECT warehouse_id, sku, pack_size FROM product "
                                     "WHERE pack_size > 1", error);
  if (products == NULL)
    return FALSE;

  w = -1;
  s = -1;
  while ((rc = sqlite3_step (products)) == SQLITE_ROW)
    {
      const char *wh_id = (const char *) sqlite3_column_text (products, 0);

      if (w < 0 || wh_id == NULL ||
          strcmp (wh_id, g_array_index (in->warehouses, QmPlanWarehouse, w).id) != 0)
        {
          w = wh_lookup (in, wh_id);
          s = -1;
        }
      if (w < 0)
        continue;
      /* Within a warehouse the SKUs come sorted, and the SKUs met in the
       * stock were indexed in that order: try the next few first. */
      {
        const char *sku = (const char *) sqlite3_column_text (products, 1);
        gsize len = (gsize) sqlite3_column_bytes (products, 1);
        int found = -1;

        for (int k = s + 1; sku != NULL && k >= 0 && k <= s + 3 && k < (int) in->skus->len; k++)
          if (g_array_index (in->sku_lengths, guint32, k) == len &&
              memcmp (g_array_index (in->skus, QmPlanSku, k).sku, sku, len) == 0)
            {
              found = k;
              break;
            }
        s = found >= 0 ? found : sku_intern_len (in, sku, len);
      }
      if (s >= 0)
        cell_at (in, s, w)->pack_size = sqlite3_column_int64 (products, 2);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the products"), error);

  return TRUE;
}

static gboolean
read_overrides (QmStore  *self,
                Input    *in,
                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    qm_store_prepare (self, "SELECT sku, lead_time_days, review_period_days FROM planning_sku",
                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int s = sku_lookup (in, (const char *) sqlite3_column_text (stmt, 0));
      QmPlanSku *sku;

      if (s < 0)
        continue;
      sku = &g_array_index (in->skus, QmPlanSku, s);
      sku->lead_time_days = CLAMP (sqlite3_column_int (stmt, 1), 0, QM_PLAN_MAX_DAYS);
      sku->review_period_days = CLAMP (sqlite3_column_int (stmt, 2), 0, QM_PLAN_MAX_DAYS);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the planning settings"), error);

  return TRUE;
}

/* What accepted orders still have to deliver, per order line. */
#define ON_ORDER_SQL \
  "SELECT l.warehouse_id, l.sku, l.approved_quantity - COALESCE (" \
  "    (SELECT SUM (m.quantity) FROM movement m" \
  "     WHERE m.warehouse_id = l.warehouse_id AND m.sku = l.sku" \
  "       AND m.kind = CASE o.kind WHEN 'purchase' THEN 'purchase_inbound' ELSE 'transfer_in' END" \
  "       AND m.reference = o.order_id AND m.quarantine_reason IS NULL), 0) " \
  "FROM procurement_order o JOIN procurement_line l" \
  "  ON l.plan_id = o.plan_id AND l.kind = o.kind" \
  "  AND ((o.kind = 'purchase' AND l.warehouse_id = o.warehouse_id)" \
  "    OR (o.kind = 'transfer' AND l.from_warehouse_id = o.warehouse_id" \
  "        AND l.warehouse_id = o.to_warehouse_id)) " \
  "WHERE o.state = 'accepted' AND o.order_id IS NOT NULL AND l.approved_quantity > 0"

static const char on_order_sql[] = ON_ORDER_SQL;

/* The same, purchase orders only (a transfer brings no new stock). */
static const char open_purchase_sql[] = ON_ORDER_SQL " AND o.kind = 'purchase'";

/* What accepted transfers still have to take out of their source: that
 * stock is promised and no longer counts as the source's. */
static const char committed_out_sql[] =
  "SELECT o.warehouse_id, l.sku, l.approved_quantity - COALESCE ("
  "    (SELECT SUM (m.quantity) FROM movement m"
  "     WHERE m.warehouse_id = o.warehouse_id AND m.sku = l.sku AND m.kind = 'transfer_out'"
  "       AND m.reference = o.order_id AND m.quarantine_reason IS NULL), 0) "
  "FROM procurement_order o JOIN procurement_line l"
  "  ON l.plan_id = o.plan_id AND l.kind = 'transfer' AND l.from_warehouse_id = o.warehouse_id"
  "  AND l.warehouse_id = o.to_warehouse_id "
  "WHERE o.kind = 'transfer' AND o.state = 'accepted' AND o.order_id IS NOT NULL"
  "  AND l.approved_quantity > 0";

static gboolean
read_committed_out (QmStore  *self,
                    Input    *in,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = qm_store_prepare (self, committed_out_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int w = wh_lookup (in, (const char *) sqlite3_column_text (stmt, 0));
      gint64 open = sqlite3_column_int64 (stmt, 2);
      QmPlanCell *cell;
      int s;

      if (w < 0 || open <= 0)
        continue;
      s = sku_intern (in, (const char *) sqlite3_column_text (stmt, 1));
      if (s < 0)
        continue;
      cell = cell_at (in, s, w);
      cell->qualified = MAX (0, cell->qualified - open);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read what is on order"), error);

  return TRUE;
}

static gboolean
read_on_order (QmStore  *self,
               Input    *in,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = qm_store_prepare (self, on_order_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int w = wh_lookup (in, (const char *) sqlite3_column_text (stmt, 0));
      gint64 open = sqlite3_column_int64 (stmt, 2);
      int s;

      if (w < 0 || open <= 0)
        continue;
      s = sku_intern (in, (const char *) sqlite3_column_text (stmt, 1));
      cell_at (in, s, w)->on_order = MIN (cell_at (in, s, w)->on_order + open,
                                          QM_PLAN_QUANTITY_MAX);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read what is on order"), error);

  return TRUE;
}

static gboolean
read_unit_costs (QmStore  *self,
                 Input    *in,
                 GError  **error)
{
  /* Per SKU: the moving averages of the warehouses weighted by the units
   * they hold (the plain mean where none holds any). */
  g_autoptr(sqlite3_stmt) stmt =
    qm_store_prepare (self, "SELECT sku, CASE WHEN SUM (MAX (quantity, 0)) > 0 "
                            "  THEN CAST (ROUND (SUM (MAX (quantity, 0) * average_e4 * 1.0) / "
                            "    SUM (MAX (quantity, 0))) AS INTEGER) "
                            "  ELSE CAST (ROUND (AVG (average_e4)) AS INTEGER) END "
                            "FROM valuation_state GROUP BY sku", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int s = sku_lookup (in, (const char *) sqlite3_column_text (stmt, 0));

      if (s >= 0)
        g_array_index (in->skus, QmPlanSku, s).unit_cost_e4 = MAX (0, sqlite3_column_int64 (stmt, 1));
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the unit costs"), error);

  return TRUE;
}

static inline int
digits (const char *p,
        int         n)
{
  int v = 0;

  for (int i = 0; i < n; i++)
    {
      if (p[i] < '0' || p[i] > '9')
        return -1;
      v = v * 10 + (p[i] - '0');
    }

  return v;
}

/* The day of an RFC 3339 UTC timestamp ("2026-01-02T03:04:05Z", maybe with
 * a fraction) in @tz (NULL = UTC), without allocating. */
static gboolean
movement_day (const char *at,
              GTimeZone  *tz,
              gint64     *out_day)
{
  int y, mo, d, h, mi, s;
  gint64 day, secs;
  gint interval;

  if (at == NULL || strlen (at) < 19 || at[4] != '-' || at[7] != '-' ||
      (at[10] != 'T' && at[10] != 't' && at[10] != ' ') || at[13] != ':' || at[16] != ':')
    return FALSE;

  y = digits (at, 4);
  mo = digits (at + 5, 2);
  d = digits (at + 8, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31)
    return FALSE;
  day = qm_plan_day_from_date (y, mo, d);
  if (tz == NULL)
    {
      *out_day = day;
      return TRUE;
    }

  h = digits (at + 11, 2);
  mi = digits (at + 14, 2);
  s = digits (at + 17, 2);
  if (h < 0 || mi < 0 || s < 0)
    return FALSE;

  secs = day * 86400 + h * 3600 + mi * 60 + s;
  interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, secs);
  if (interval >= 0)
    secs += g_time_zone_get_offset (tz, interval);
  *out_day = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  return TRUE;
}

/* A sale or return in the window, kept until every SKU is known. */
typedef struct
{
  guint32 cell;
  gint32  day;
  gint64  quantity;   /* + sold, - returned */
} WindowEvent;

/* The movement scan: it has its own SKU map (it may run in a thread of
 * its own while the stock is read), merged into the plan's afterwards. */
typedef struct
{
  Input          loc;         /* warehouses shared (read only), SKUs its own */
  GArray        *events;      /* WindowEvent, cells of loc */
  gint64         today;
  int            window_days;
  char          *path;        /* the cache, for a connection of its own */
  GCancellable  *cancellable;
  GError        *error;
  gboolean       not_started; /* the thread could not open the cache */
} Scan;

static void
scan_clear (Scan *scan)
{
  /* the warehouses, their index and the time zone belong to the plan's Input */
  scan->loc.warehouses = NULL;
  scan->loc.wh_index = NULL;
  scan->loc.tz = NULL;
  input_clear (&scan->loc);
  g_clear_pointer (&scan->events, g_array_unref);
  g_clear_pointer (&scan->path, g_free);
  g_clear_error (&scan->error);
}

/* Streams the movements once, in the table's own order: each cell's first
 * day (or that it moved before the window), and the sales and returns of
 * the window. No allocation per row. */
static gboolean
scan_movements (Scan    *scan,
                sqlite3 *db)
{
  Input *in = &scan->loc;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 today = scan->today, first = scan->today - scan->window_days, done = 0;
  int rc, w = -1;

  rc = sqlite3_prepare_v2 (db, "SELECT warehouse_id, sku, at, kind, quantity FROM movement "
                               "WHERE quarantine_reason IS NULL", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto failed;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *wh_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *sku = (const char *) sqlite3_column_text (stmt, 1);
      const char *kind;
      gint32 *first_day;
      WindowEvent ev;
      gint64 day;
      gsize cell, len;
      int s;

      if (G_UNLIKELY (++done % PROGRESS_EVERY == 0) &&
          g_cancellable_set_error_if_cancelled (scan->cancellable, &scan->error))
        return FALSE;

      /* Rows come in warehouse order: look the warehouse up on change. */
      if (G_UNLIKELY (w < 0 || wh_id == NULL ||
                      strcmp (wh_id, g_array_index (in->warehouses, QmPlanWarehouse, w).id) != 0))
        {
          w = wh_lookup (in, wh_id);
          if (w < 0)
            continue;
        }

      if (sku == NULL ||
          !movement_day ((const char *) sqlite3_column_text (stmt, 2), in->tz, &day) ||
          day < G_MININT32 / 2 || day > G_MAXINT32 / 2)
        continue;

      len = (gsize) sqlite3_column_bytes (stmt, 1);
      s = sku_lookup_len (in, sku, len, bytes_hash (sku, len));
      if (G_UNLIKELY (s < 0))
        s = sku_intern_len (in, sku, len);

      cell = (gsize) s * in->n_wh + (gsize) w;

      /* Most of a long ledger is older than the window: a bit in a small
       * array (that stays in the CPU's cache) says so. */
      if (day < first)
        {
          ((guint64 *) (gpointer) in->old->data)[cell / 64] |= G_GUINT64_CONSTANT (1) << (cell % 64);
          continue;
        }

      first_day = &g_array_index (in->first_day, gint32, cell);
      if (day < *first_day)
        *first_day = (gint32) day;

      if (day >= today)
        continue;

      kind = (const char *) sqlite3_column_text (stmt, 3);
      if (kind == NULL)
        continue;
      if (kind[0] == 's' && strcmp (kind, "sales_outbound") == 0)
        ev.quantity = CLAMP (sqlite3_column_int64 (stmt, 4), 0, QM_PLAN_QUANTITY_MAX);
      else if (kind[0] == 'c' && strcmp (kind, "customer_return") == 0)
        ev.quantity = -CLAMP (sqlite3_column_int64 (stmt, 4), 0, QM_PLAN_QUANTITY_MAX);
      else
        continue;

      ev.cell = (guint32) MIN (cell, G_MAXUINT32);
      ev.day = (gint32) day;
      g_array_append_val (scan->events, ev);
    }
  if (rc == SQLITE_DONE)
    return TRUE;

failed:
  g_set_error (&scan->error, QM_ERROR, rc == SQLITE_BUSY ? QM_ERROR_BUSY : QM_ERROR_FAILED,
               _("Could not read the movements: %s"), sqlite3_errstr (rc));
  return FALSE;
}

/* In a thread of its own, on a read-only connection of its own. The plan's
 * transaction holds the write lock, so nothing can be committed between
 * its first read and this one: both see the same state of the cache. */
static gpointer
scan_thread (gpointer data)
{
  Scan *scan = data;
  g_autoptr(sqlite3) db = NULL;
  int rc;

  rc = sqlite3_open_v2 (scan->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 30000);
      rc = sqlite3_exec (db, "PRAGMA cache_size = -16384; BEGIN", NULL, NULL, NULL);
    }
  if (rc != SQLITE_OK)
    {
      /* the plan's own connection scans instead */
      g_debug ("plan: no second connection (%s); scanning the ledger after the stock",
               sqlite3_errstr (rc));
      scan->not_started = TRUE;
      return NULL;
    }

  scan_movements (scan, db);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  return NULL;
}

static void
scan_init (Scan         *scan,
           Input        *in,
           gint64        today,
           int           window_days,
           GCancellable *cancellable)
{
  memset (scan, 0, sizeof *scan);
  scan->loc.strings = g_string_chunk_new (64 * 1024);
  scan->loc.warehouses = in->warehouses;
  scan->loc.wh_index = in->wh_index;
  scan->loc.skus = g_array_new (FALSE, TRUE, sizeof (QmPlanSku));
  scan->loc.sku_lengths = g_array_new (FALSE, FALSE, sizeof (guint32));
  scan->loc.sku_hashes = g_array_new (FALSE, FALSE, sizeof (guint32));
  scan->loc.first_day = g_array_new (FALSE, FALSE, sizeof (gint32));
  scan->loc.old = g_array_new (FALSE, TRUE, sizeof (guint64));
  scan->loc.n_wh = in->n_wh;
  scan->loc.tz = in->tz;
  scan->events = g_array_sized_new (FALSE, FALSE, sizeof (WindowEvent), 65536);
  scan->today = today;
  scan->window_days = window_days;
  scan->cancellable = cancellable;
}

/* The scan's SKUs into the plan's, then its findings into the accumulator. */
static QmPlanDemand *
merge_scan (Input    *in,
            Scan     *scan,
            GError  **error)
{
  Input *loc = &scan->loc;
  g_autofree guint32 *to_plan = g_new (guint32, MAX (loc->skus->len, 1));
  g_autoptr(QmPlanDemand) demand = NULL;

  for (guint ls = 0; ls < loc->skus->len; ls++)
    to_plan[ls] = (guint32) sku_intern_len (in, g_array_index (loc->skus, QmPlanSku, ls).sku,
                                            g_array_index (loc->sku_lengths, guint32, ls));

  if ((guint64) in->skus->len * in->n_wh > G_MAXUINT32 ||
      (demand = qm_plan_demand_new (in->skus->len, in->n_wh, scan->today,
                                    scan->window_days)) == NULL)
    {
      g_set_error_literal (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("Too many SKUs and warehouses to plan in one go"));
      return NULL;
    }

  for (guint i = 0; i < scan->events->len; i++)
    {
      const WindowEvent *ev = &g_array_index (scan->events, WindowEvent, i);

      qm_plan_demand_add (demand, to_plan[ev->cell / in->n_wh], ev->cell % in->n_wh, ev->day,
                          ev->quantity >= 0 ? QM_MOVEMENT_SALES_OUTBOUND
                                            : QM_MOVEMENT_CUSTOMER_RETURN,
                          ev->quantity >= 0 ? ev->quantity : -ev->quantity);
    }

  /* A cell seen before the window has a full history, as if never noted. */
  for (gsize i = 0; i < loc->first_day->len; i++)
    {
      gint32 day = g_array_index (loc->first_day, gint32, i);
      gboolean older = (g_array_index (loc->old, guint64, i / 64) >> (i % 64)) & 1;

      if (day != NO_DAY && !older)
        qm_plan_demand_note_first_day (demand, to_plan[i / in->n_wh], (guint) (i % in->n_wh),
                                       day);
    }

  return g_steal_pointer (&demand);
}

static gboolean
check_options (const QmPlanOptions  *options,
               GTimeZone           **out_tz,
               gint64               *out_today,
               GError              **error)
{
  const QmPlanParams *p = &options->params;

  if (p->window_days < 1 || p->window_days > QM_PLAN_MAX_DAYS)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The demand window must be from 1 to %d days; you gave %d"),
                   QM_PLAN_MAX_DAYS, p->window_days);
      return FALSE;
    }
  if (!(p->service_level > 0.0 && p->service_level < 1.0))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The service level must be between 0 and 1 (0.95 is 95 %%); you gave %g"),
                   p->service_level);
      return FALSE;
    }
  if (p->eoq && (p->ordering_cost_e4 < 0 || !(p->holding_rate > 0.0) || !isfinite (p->holding_rate)))
    {
      g_set_error_literal (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("EOQ mode needs an ordering cost of 0 or more and a holding rate "
                             "above 0 (0.25 is 25 % of the unit cost a year)"));
      return FALSE;
    }
  if (!(p->transfer_days_of_cover >= 0.0) || !isfinite (p->transfer_days_of_cover))
    {
      g_set_error_literal (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("The days of cover above which a warehouse gives units away must "
                             "be 0 (no transfers) or more"));
      return FALSE;
    }

  *out_tz = NULL;
  if (options->time_zone != NULL && *options->time_zone != '\0' &&
      g_strcmp0 (options->time_zone, "UTC") != 0)
    {
      *out_tz = g_time_zone_new_identifier (options->time_zone);
      if (*out_tz == NULL)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       _("The time zone “%s” is unknown; use an IANA name such as "
                         "Asia/Shanghai"), options->time_zone);
          return FALSE;
        }
    }

  *out_today = options->today_day;
  if (*out_today == 0)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) now = g_date_time_new_now (*out_tz != NULL ? *out_tz : utc);

      *out_today = qm_plan_day_from_date (g_date_time_get_year (now),
                                          g_date_time_get_month (now),
                                          g_date_time_get_day_of_month (now));
    }

  return TRUE;
}

/* JSON text of a string (escaped as JSON requires). */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *quoted = NULL;

  json_node_set_string (node, text);
  json_generator_set_root (generator, node);
  quoted = json_generator_to_data (generator, NULL);
  g_string_append (out, quoted);
}

/* Numbers in their shortest exact form ("0.95", not "0.94999999999999996"),
 * so the record reads as the planner gave it. */
static void
append_json_double (GString *out,
                    double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    value = 0.0;

  /* the fewest significant digits that read back as the same double */
  for (int digits = 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
}

static char *
parameters_json (const QmPlanOptions *options,
                 gint64               today,
                 double               z)
{
  g_autoptr(GString) out = g_string_new ("{\"today\":");
  g_autofree char *today_text = day_to_text (today);
  const QmPlanParams *p = &options->params;

  append_json_string (out, today_text);
  g_string_append (out, ",\"time_zone\":");
  append_json_string (out, options->time_zone != NULL && *options->time_zone
                           ? options->time_zone : "UTC");
  g_string_append_printf (out, ",\"window_days\":%d,\"service_level\":", p->window_days);
  append_json_double (out, p->service_level);
  g_string_append (out, ",\"z\":");
  append_json_double (out, z);
  g_string_append_printf (out, ",\"eoq\":%s", p->eoq ? "true" : "false");
  if (p->eoq)
    {
      g_string_append_printf (out, ",\"ordering_cost_e4\":%" G_GINT64_FORMAT ",\"holding_rate\":",
                              p->ordering_cost_e4);
      append_json_double (out, p->holding_rate);
    }
  g_string_append (out, ",\"transfer_days_of_cover\":");
  append_json_double (out, p->transfer_days_of_cover);
  g_string_append_c (out, '}');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char insert_line_sql[] =
  "INSERT INTO procurement_line (plan_id, warehouse_id, sku, kind, from_warehouse_id, on_hand,"
  "  on_order, avg_daily_demand, demand_sd, safety_stock, reorder_point, suggested_quantity,"
  "  approved_quantity, capacity_capped, qualified, avg_daily_demand_exact, demand_sd_exact,"
  "  safety_stock_exact, reorder_point_exact, order_up_to_exact, days_of_cover,"
  "  lead_time_days, review_period_days, pack_size, suggested_uncapped, flags) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?14, ?15, ?16, ?17,"
  "  ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";

static gint64
units_up (double value)
{
  if (!(value > 0.0))
    return 0;
  if (value >= (double) QM_PLAN_QUANTITY_MAX)
    return QM_PLAN_QUANTITY_MAX;
  return (gint64) ceil (value);
}

static gboolean
insert_line (QmStore         *self,
             sqlite3_stmt    *stmt,
             gint64           plan_id,
             const Input     *in,
             const QmPlanRow *row,
             QmPlanLineKind   kind,
             GError         **error)
{
  const QmPlanWarehouse *wh = &g_array_index (in->warehouses, QmPlanWarehouse, row->warehouse);
  const QmPlanSku *sku = &g_array_index (in->skus, QmPlanSku, row->sku);
  const QmPlanCell *cell = &g_array_index (in->cells, QmPlanCell,
                                           (gsize) row->sku * in->n_wh + row->warehouse);
  gboolean transfer = kind == QM_PLAN_LINE_TRANSFER;
  gint64 suggested = transfer ? row->transfer_in : row->purchase;
  gint64 uncapped = transfer ? row->transfer_in : MAX (0, row->suggested_uncapped - row->transfer_in);
  gboolean capped = !transfer && (row->flags & QM_PLAN_FLAG_CAPACITY_CAPPED) != 0;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  sqlite3_bind_int64 (stmt, 1, plan_id);
  sqlite3_bind_text (stmt, 2, wh->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sku->sku, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, kind_names[kind], -1, SQLITE_STATIC);
  if (transfer)
    sqlite3_bind_text (stmt, 5, g_array_index (in->warehouses, QmPlanWarehouse,
                                               row->transfer_from).id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, row->on_hand);
  sqlite3_bind_int64 (stmt, 7, row->on_order);
  sqlite3_bind_int64 (stmt, 8, units_up (row->avg_daily_demand));
  sqlite3_bind_int64 (stmt, 9, units_up (row->demand_sd));
  sqlite3_bind_int64 (stmt, 10, row->safety_stock_units);
  sqlite3_bind_int64 (stmt, 11, row->reorder_point_units);
  sqlite3_bind_int64 (stmt, 12, suggested);
  sqlite3_bind_int (stmt, 13, capped);
  sqlite3_bind_int64 (stmt, 14, cell->qualified);
  sqlite3_bind_double (stmt, 15, row->avg_daily_demand);
  sqlite3_bind_double (stmt, 16, row->demand_sd);
  sqlite3_bind_double (stmt, 17, row->safety_stock);
  sqlite3_bind_double (stmt, 18, row->reorder_point);
  sqlite3_bind_double (stmt, 19, row->order_up_to);
  if (isfinite (row->days_of_cover))
    sqlite3_bind_double (stmt, 20, row->days_of_cover);
  sqlite3_bind_int (stmt, 21, row->lead_time_days);
  sqlite3_bind_int (stmt, 22, row->review_period_days);
  sqlite3_bind_int64 (stmt, 23, MAX (1, row->pack_size));
  sqlite3_bind_int64 (stmt, 24, uncapped);
  sqlite3_bind_int64 (stmt, 25, row->flags);

  return step_done (self, stmt, _("Could not save the plan"), error);
}

typedef struct
{
  guint32 warehouse;
  guint32 rank;      /* the SKU's place in bytewise order */
  guint32 row;
} LineKey;

static gint
compare_line_keys (gconstpointer a,
                   gconstpointer b)
{
  const LineKey *x = a, *y = b;

  if (x->warehouse != y->warehouse)
    return x->warehouse < y->warehouse ? -1 : 1;
  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static gint
compare_sku_index (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  GArray *skus = user_data;

  return strcmp (g_array_index (skus, QmPlanSku, *(const guint *) a).sku,
                 g_array_index (skus, QmPlanSku, *(const guint *) b).sku);
}

/**
 * qm_store_plan_generate:
 *
 * See the header. Everything is read and the plan written in one
 * transaction, so the plan is of one consistent state of the cache.
 *
 * Returns: the new plan's id, or 0 with @error set
 */
gint64
qm_store_plan_generate (QmStore             *self,
                        const QmPlanOptions *options,
                        const char          *user,
                        QmPlanProgressFunc   progress,
                        gpointer             progress_data,
                        GCancellable        *cancellable,
                        GError             **error)
{
  QmPlanOptions defaults;
  Input in = { 0 };
  g_autoptr(QmPlanDemand) demand = NULL;
  g_autofree QmPlanDemandStats *stats = NULL;
  g_autoptr(QmPlanResult) result = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *parameters = NULL;
  g_autofree char *created_at = now_text ();
  g_autofree char *after = NULL;
  g_autofree char *object = NULL;
  QmPlanInput input = { 0 };
  gint64 today = 0, plan_id = 0, suggested_total = 0, t0;
  Scan scan = { 0 };
  GThread *scan_worker = NULL;
  gboolean scan_started = FALSE;
  gboolean ok;
  guint n_lines = 0, n_capped = 0, n_transfers = 0;
  g_autofree guint *order = NULL;
  g_autofree guint *rank = NULL;
  g_autoptr(GArray) keys = NULL;

  g_return_val_if_fail (QM_IS_STORE (self), 0);

  if (options == NULL)
    {
      qm_plan_options_init (&defaults);
      options = &defaults;
    }

  if (!check_options (options, &in.tz, &today, error))
    return 0;

  in.strings = g_string_chunk_new (64 * 1024);
  in.warehouses = g_array_new (FALSE, TRUE, sizeof (QmPlanWarehouse));
  in.wh_index = g_hash_table_new (g_str_hash, g_str_equal);
  in.skus = g_array_new (FALSE, TRUE, sizeof (QmPlanSku));
  in.sku_lengths = g_array_new (FALSE, FALSE, sizeof (guint32));
  in.sku_hashes = g_array_new (FALSE, FALSE, sizeof (guint32));
  in.cells = g_array_new (FALSE, TRUE, sizeof (QmPlanCell));
  in.first_day = g_array_new (FALSE, FALSE, sizeof (gint32));
  in.old = g_array_new (FALSE, TRUE, sizeof (guint64));

  if (progress != NULL)
    progress (0.0, progress_data);

  /* EOQ needs unit costs: the moving averages, folded up to now. */
  if (options->params.eoq && !qm_store_valuation_update (self, NULL, error))
    goto out;

  if (!qm_store_begin (self, error))
    goto out;

  t0 = g_get_monotonic_time ();
  if (!read_warehouses (self, &in, error))
    goto fail;

  /* The ledger is scanned in a second thread while this one reads the
   * stock, listings and orders (a cache without a file name, or a thread
   * that cannot start, scans here after them). */
  scan_init (&scan, &in, today, options->params.window_days, cancellable);
  {
    const char *path = sqlite3_db_filename (qm_store_get_db (self), "main");

    if (path != NULL && *path != '\0')
      {
        scan.path = g_strdup (path);
        scan_worker = g_thread_try_new ("qm-plan-scan", scan_thread, &scan, NULL);
        scan_started = scan_worker != NULL;
      }
  }

  ok = read_products_and_stock (self, &in, error) &&
       read_on_order (self, &in, error) &&
       read_committed_out (self, &in, error);
  g_debug ("plan: products and stock of %u SKUs read in %.3f s", in.skus->len,
           (g_get_monotonic_time () - t0) / 1e6);

  if (scan_worker != NULL)
    g_thread_join (g_steal_pointer (&scan_worker));
  if (ok && (scan.path == NULL || scan.not_started || !scan_started))
    scan_movements (&scan, qm_store_get_db (self));
  if (!ok)
    goto fail;
  if (scan.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scan.error));
      goto fail;
    }
  g_debug ("plan: movements read in %.3f s (both)", (g_get_monotonic_time () - t0) / 1e6);
  t0 = g_get_monotonic_time ();

  if (progress != NULL)
    progress (0.1, progress_data);

  if (progress != NULL)
    progress (0.6, progress_data);

  demand = merge_scan (&in, &scan, error);
  if (demand == NULL)
    goto fail;

  if (!read_overrides (self, &in, error) ||
      (options->params.eoq && !read_unit_costs (self, &in, error)))
    goto fail;

  stats = qm_plan_demand_finish (demand, error);
  if (stats == NULL && in.cells->len > 0)
    goto fail;

  input.warehouses = (const QmPlanWarehouse *) (gpointer) in.warehouses->data;
  input.n_warehouses = in.n_wh;
  input.skus = (const QmPlanSku *) (gpointer) in.skus->data;
  input.n_skus = in.skus->len;
  input.cells = (const QmPlanCell *) (gpointer) in.cells->data;
  input.demand = stats;
  input.params = options->params;
  result = qm_plan_generate (&input, error);
  if (result == NULL)
    goto fail;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;
  if (progress != NULL)
    progress (0.85, progress_data);

  g_debug ("plan: computed in %.3f s", (g_get_monotonic_time () - t0) / 1e6);
  t0 = g_get_monotonic_time ();

  parameters = parameters_json (options, today, result->z);
  stmt = qm_store_prepare (self, "INSERT INTO procurement_plan (created_at, created_by, status, "
                                 "  parameters) VALUES (?, ?, 'draft', ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, user != NULL && *user ? user : g_get_user_name (), -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, parameters, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, _("Could not save the plan"), error))
    goto fail;
  plan_id = sqlite3_last_insert_rowid (qm_store_get_db (self));
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = qm_store_prepare (self, insert_line_sql, error);
  if (stmt == NULL)
    goto fail;

  /* In the table's key order (warehouse, then SKU bytewise), so every
   * insert appends: the rows with a suggestion, found in one sequential
   * pass, sorted by warehouse and the SKU's bytewise rank. */
  order = g_new (guint, MAX (in.skus->len, 1));
  for (guint i = 0; i < in.skus->len; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) in.skus->len, sizeof (guint), compare_sku_index, in.skus);
  rank = g_new (guint, MAX (in.skus->len, 1));
  for (guint i = 0; i < in.skus->len; i++)
    rank[order[i]] = i;

  keys = g_array_new (FALSE, FALSE, sizeof (LineKey));
  for (gsize i = 0; i < (gsize) result->n_skus * result->n_warehouses; i++)
    if (result->rows[i].suggested_uncapped > 0)
      {
        LineKey key = { result->rows[i].warehouse, rank[result->rows[i].sku], (guint32) i };
        g_array_append_val (keys, key);
      }
  g_array_sort (keys, compare_line_keys);

  for (guint k = 0; k < keys->len; k++)
    {
      const QmPlanRow *row = &result->rows[g_array_index (keys, LineKey, k).row];

      if (!insert_line (self, stmt, plan_id, &in, row, QM_PLAN_LINE_PURCHASE, error))
        goto fail;
      n_lines++;
      n_capped += (row->flags & QM_PLAN_FLAG_CAPACITY_CAPPED) != 0;
      suggested_total += row->suggested;

      if (row->transfer_in > 0 && row->transfer_from >= 0)
        {
          if (!insert_line (self, stmt, plan_id, &in, row, QM_PLAN_LINE_TRANSFER, error))
            goto fail;
          n_lines++;
          n_transfers++;
        }
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  after = g_strdup_printf ("{\"plan_id\":%" G_GINT64_FORMAT ",\"lines\":%u,\"transfers\":%u,"
                           "\"suggested_total\":%" G_GINT64_FORMAT ",\"capacity_capped\":%u,"
                           "\"parameters\":%s}",
                           plan_id, n_lines, n_transfers, suggested_total, n_capped, parameters);
  object = g_strdup_printf ("plan:%" G_GINT64_FORMAT, plan_id);
  if (!qm_store_audit_append_locked (self, user, "plan.generate", object, NULL, after, error))
    goto fail;

  if (!qm_store_commit (self, error))
    {
      plan_id = 0;
      goto out;
    }
  g_debug ("plan: %u lines written in %.3f s", n_lines, (g_get_monotonic_time () - t0) / 1e6);

  if (progress != NULL)
    progress (1.0, progress_data);
  goto out;

fail:
  plan_id = 0;
  qm_store_rollback (self);
out:
  if (scan_worker != NULL)
    g_thread_join (scan_worker);
  scan_clear (&scan);
  input_clear (&in);
  return plan_id;
}

/* ------------------------------------------------------------------------ */
/* Reading plans                                                            */

static const char plan_info_sql[] =
  "SELECT p.id, p.created_at, p.created_by, p.status, p.approved_at, p.approved_by,"
  "  (SELECT count(*) FROM procurement_line l WHERE l.plan_id = p.id),"
  "  (SELECT COALESCE (SUM (suggested_quantity), 0) FROM procurement_line l WHERE l.plan_id = p.id),"
  "  (SELECT COALESCE (SUM (approved_quantity), 0) FROM procurement_line l WHERE l.plan_id = p.id),"
  "  (SELECT count(*) FROM procurement_line l WHERE l.plan_id = p.id AND l.capacity_capped),"
  "  (SELECT count(*) FROM procurement_line l WHERE l.plan_id = p.id AND l.edit_reason IS NOT NULL),"
  "  (SELECT count(*) FROM procurement_order o WHERE o.plan_id = p.id AND o.state = 'rejected'),"
  "  p.pushed_at, p.pushed_by, p.parameters "
  "FROM procurement_plan p ";

static QmPlanInfo *
info_from_row (sqlite3_stmt *stmt)
{
  QmPlanInfo *info = g_new0 (QmPlanInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->created_at = column_dup (stmt, 1);
  info->created_by = column_dup (stmt, 2);
  info->status = index_of_name (status_names, G_N_ELEMENTS (status_names),
                                (const char *) sqlite3_column_text (stmt, 3));
  info->approved_at = column_dup (stmt, 4);
  info->approved_by = column_dup (stmt, 5);
  info->n_lines = (guint) sqlite3_column_int64 (stmt, 6);
  info->suggested_total = sqlite3_column_int64 (stmt, 7);
  info->approved_total = sqlite3_column_int64 (stmt, 8);
  info->n_capped = (guint) sqlite3_column_int64 (stmt, 9);
  info->n_edited = (guint) sqlite3_column_int64 (stmt, 10);
  info->n_rejected = (guint) sqlite3_column_int64 (stmt, 11);
  info->pushed_at = column_dup (stmt, 12);
  info->pushed_by = column_dup (stmt, 13);
  info->parameters = column_dup (stmt, 14);

  return info;
}

/**
 * qm_store_plan_list:
 *
 * Returns: (transfer container) (element-type QmPlanInfo): every plan,
 *   newest first, or %NULL with @error set
 */
GPtrArray *
qm_store_plan_list (QmStore  *self,
                    GError  **error)
{
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_plan_info_free);
  g_autofree char *sql = g_strconcat (plan_info_sql, "ORDER BY p.id DESC", NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = qm_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (plans, info_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the plans"), error);
      return NULL;
    }

  return g_steal_pointer (&plans);
}

/**
 * qm_store_plan_get:
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 *   (QM_ERROR_NOT_FOUND when there is no such plan)
 */
QmPlanInfo *
qm_store_plan_get (QmStore  *self,
                   gint64    plan_id,
                   GError  **error)
{
  g_autofree char *sql = g_strconcat (plan_info_sql, "WHERE p.id = ?", NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = qm_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, plan_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return info_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                 _("There is no plan %" G_GINT64_FORMAT "; plan show lists the latest"), plan_id);
  else
    qm_store_set_error (self, rc, _("Could not read the plans"), error);

  return NULL;
}

/* A line's order: same plan and kind, POSTed to the line's warehouse
 * (purchase) or its source (transfer), for the destination. */
#define ORDER_OF_LINE \
  "o.plan_id = l.plan_id AND o.kind = l.kind" \
  "  AND o.warehouse_id = CASE l.kind WHEN 'purchase' THEN l.warehouse_id" \
  "                       ELSE l.from_warehouse_id END" \
  "  AND o.to_warehouse_id = CASE l.kind WHEN 'purchase' THEN '' ELSE l.warehouse_id END"

/**
 * qm_store_plan_get_lines:
 *
 * Returns: (transfer container) (element-type QmPlanLine): the plan's
 *   lines sorted by warehouse id, SKU and kind, or %NULL with @error set
 */
GPtrArray *
qm_store_plan_get_lines (QmStore  *self,
                         gint64    plan_id,
                         GError  **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_plan_line_free);
  g_autoptr(QmPlanInfo) info = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  info = qm_store_plan_get (self, plan_id, error);
  if (info == NULL)
    return NULL;

  stmt = qm_store_prepare (self,
                           "SELECT l.warehouse_id, l.sku, COALESCE (pr.name, ''), l.kind,"
                           "  l.from_warehouse_id, l.on_hand, l.qualified, l.on_order,"
                           "  l.avg_daily_demand_exact, l.demand_sd_exact, l.lead_time_days,"
                           "  l.review_period_days, l.safety_stock_exact, l.reorder_point_exact,"
                           "  l.order_up_to_exact, l.days_of_cover, l.pack_size,"
                           "  l.suggested_uncapped, l.suggested_quantity,"
                           "  COALESCE (l.approved_quantity, l.suggested_quantity),"
                           "  l.capacity_capped, l.flags, l.edit_reason,"
                           "  o.state, o.order_id, o.error "
                           "FROM procurement_line l"
                           "  LEFT JOIN product pr ON pr.warehouse_id = l.warehouse_id"
                           "    AND pr.sku = l.sku"
                           "  LEFT JOIN procurement_order o ON " ORDER_OF_LINE
                           "    AND COALESCE (l.approved_quantity, l.suggested_quantity) > 0 "
                           "WHERE l.plan_id = ? "
                           "ORDER BY l.warehouse_id, l.sku, l.kind", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, plan_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmPlanLine *line = g_new0 (QmPlanLine, 1);
      const char *state = (const char *) sqlite3_column_text (stmt, 23);

      line->plan_id = plan_id;
      line->warehouse_id = column_dup (stmt, 0);
      line->sku = column_dup (stmt, 1);
      line->name = column_dup (stmt, 2);
      line->kind = index_of_name (kind_names, G_N_ELEMENTS (kind_names),
                                  (const char *) sqlite3_column_text (stmt, 3));
      line->from_warehouse_id = column_dup (stmt, 4);
      line->on_hand = sqlite3_column_int64 (stmt, 5);
      line->qualified = sqlite3_column_int64 (stmt, 6);
      line->on_order = sqlite3_column_int64 (stmt, 7);
      line->avg_daily_demand = sqlite3_column_double (stmt, 8);
      line->demand_sd = sqlite3_column_double (stmt, 9);
      line->lead_time_days = sqlite3_column_int (stmt, 10);
      line->review_period_days = sqlite3_column_int (stmt, 11);
      line->safety_stock = sqlite3_column_double (stmt, 12);
      line->reorder_point = sqlite3_column_double (stmt, 13);
      line->order_up_to = sqlite3_column_double (stmt, 14);
      line->days_of_cover = sqlite3_column_type (stmt, 15) == SQLITE_NULL
                            ? INFINITY : sqlite3_column_double (stmt, 15);
      line->pack_size = sqlite3_column_int64 (stmt, 16);
      line->suggested_uncapped = sqlite3_column_int64 (stmt, 17);
      line->suggested_quantity = sqlite3_column_int64 (stmt, 18);
      line->approved_quantity = sqlite3_column_int64 (stmt, 19);
      line->capacity_capped = sqlite3_column_int (stmt, 20) != 0;
      line->flags = (guint) sqlite3_column_int64 (stmt, 21);
      line->edit_reason = column_dup (stmt, 22);
      line->order_state = state == NULL ? QM_ORDER_STATE_NONE
                          : index_of_name (state_names, G_N_ELEMENTS (state_names), state);
      line->order_id = column_dup (stmt, 24);
      line->order_error = column_dup (stmt, 25);
      g_ptr_array_add (lines, line);
    }
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the plan"), error);
      return NULL;
    }

  return g_steal_pointer (&lines);
}

/* ------------------------------------------------------------------------ */
/* Edits and approval                                                       */

/* Returns the plan's status, or -1 with @error set. */
static int
plan_status (QmStore  *self,
             gint64    plan_id,
             GError  **error)
{
  g_autoptr(QmPlanInfo) info = qm_store_plan_get (self, plan_id, error);

  return info != NULL ? (int) info->status : -1;
}

/**
 * qm_store_plan_set_quantity:
 *
 * See the header. The audit entry (plan.line.edit, object
 * "plan:ID/WAREHOUSE/SKU/KIND") holds the approved quantity and reason
 * before and after.
 */
gboolean
qm_store_plan_set_quantity (QmStore         *self,
                            gint64           plan_id,
                            const char      *warehouse_id,
                            const char      *sku,
                            QmPlanLineKind   kind,
                            gint64           quantity,
                            const char      *reason,
                            const char      *user,
                            GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) before = NULL;
  g_autoptr(JsonBuilder) after = NULL;
  g_autofree char *before_json = NULL;
  g_autofree char *after_json = NULL;
  g_autofree char *object = NULL;
  g_autofree char *reason_clean = NULL;
  g_autofree char *old_reason = NULL;
  gint64 old_quantity, suggested;
  int rc, status;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL && sku != NULL, FALSE);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), FALSE);

  if (quantity < 0 || quantity > QM_PLAN_QUANTITY_MAX)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The approved quantity must be a whole number from 0 to %" G_GINT64_FORMAT),
                   QM_PLAN_QUANTITY_MAX);
      return FALSE;
    }

  reason_clean = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*reason_clean == '\0')
    {
      g_set_error_literal (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("Say why the quantity changes: a reason is required for every edit"));
      return FALSE;
    }
  if (!g_utf8_validate (reason_clean, -1, NULL))
    {
      g_set_error_literal (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("The reason is not valid UTF-8 text"));
      return FALSE;
    }

  if (!qm_store_begin (self, error))
    return FALSE;

  status = plan_status (self, plan_id, error);
  if (status < 0)
    goto fail;
  if (status != QM_PLAN_STATUS_DRAFT)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                   _("Plan %" G_GINT64_FORMAT " is %s; only a draft plan can be edited "
                     "(generate a new plan to change it)"),
                   plan_id, qm_plan_status_to_string (status));
      goto fail;
    }

  stmt = qm_store_prepare (self, "SELECT COALESCE (approved_quantity, suggested_quantity),"
                                 "  suggested_quantity, edit_reason FROM procurement_line "
                                 "WHERE plan_id = ? AND warehouse_id = ? AND sku = ? AND kind = ?",
                           error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, plan_id);
  sqlite3_bind_text (stmt, 2, warehouse_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, sku, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, kind_names[kind], -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("Plan %" G_GINT64_FORMAT " has no %s line for SKU “%s” at warehouse “%s”; "
                     "plan show lists its lines"),
                   plan_id, kind_names[kind], sku, warehouse_id);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the plan"), error);
      goto fail;
    }
  old_quantity = sqlite3_column_int64 (stmt, 0);
  suggested = sqlite3_column_int64 (stmt, 1);
  old_reason = column_dup (stmt, 2);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = qm_store_prepare (self, "UPDATE procurement_line SET approved_quantity = ?5, "
                                 "  edit_reason = ?6 "
                                 "WHERE plan_id = ?1 AND warehouse_id = ?2 AND sku = ?3 "
                                 "  AND kind = ?4", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, plan_id);
  sqlite3_bind_text (stmt, 2, warehouse_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, sku, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, kind_names[kind], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, quantity);
  sqlite3_bind_text (stmt, 6, reason_clean, -1, SQLITE_STATIC);
  if (!step_done (self, stmt, _("Could not save the plan"), error))
    goto fail;

  before = json_builder_new ();
  json_builder_begin_object (before);
  add_member_int (before, "suggested_quantity", suggested);
  add_member_int (before, "approved_quantity", old_quantity);
  add_member_string (before, "reason", old_reason);
  json_builder_end_object (before);
  before_json = builder_to_json (before);

  after = json_builder_new ();
  json_builder_begin_object (after);
  add_member_int (after, "suggested_quantity", suggested);
  add_member_int (after, "approved_quantity", quantity);
  add_member_string (after, "reason", reason_clean);
  json_builder_end_object (after);
  after_json = builder_to_json (after);

  object = g_strdup_printf ("plan:%" G_GINT64_FORMAT "/%s/%s/%s", plan_id, warehouse_id, sku,
                            kind_names[kind]);
  if (!qm_store_audit_append_locked (self, user, "plan.line.edit", object, before_json,
                                     after_json, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/**
 * qm_store_plan_approve:
 *
 * See the header.
 */
gboolean
qm_store_plan_approve (QmStore     *self,
                       gint64       plan_id,
                       const char  *user,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(QmPlanInfo) info = NULL;
  g_autoptr(JsonBuilder) after = NULL;
  g_autofree char *after_json = NULL;
  g_autofree char *object = NULL;
  g_autofree char *at = now_text ();
  const char *who = user != NULL && *user ? user : g_get_user_name ();
  int status;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  if (!qm_store_begin (self, error))
    return FALSE;

  status = plan_status (self, plan_id, error);
  if (status < 0)
    goto fail;
  if (status != QM_PLAN_STATUS_DRAFT)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                   _("Plan %" G_GINT64_FORMAT " is %s; only a draft plan can be approved"),
                   plan_id, qm_plan_status_to_string (status));
      goto fail;
    }

  stmt = qm_store_prepare (self, "UPDATE procurement_plan SET status = 'approved', "
                                 "  approved_at = ?, approved_by = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, who, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, plan_id);
  if (!step_done (self, stmt, _("Could not save the plan"), error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* Freeze the approved quantities (NULL meant "as suggested"). */
  stmt = qm_store_prepare (self, "UPDATE procurement_line SET approved_quantity = "
                                 "  suggested_quantity WHERE plan_id = ? "
                                 "  AND approved_quantity IS NULL", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, plan_id);
  if (!step_done (self, stmt, _("Could not save the plan"), error))
    goto fail;

  info = qm_store_plan_get (self, plan_id, error);
  if (info == NULL)
    goto fail;

  after = json_builder_new ();
  json_builder_begin_object (after);
  add_member_string (after, "status", "approved");
  add_member_int (after, "lines", info->n_lines);
  add_member_int (after, "suggested_total", info->suggested_total);
  add_member_int (after, "approved_total", info->approved_total);
  add_member_int (after, "edited_lines", info->n_edited);
  json_builder_end_object (after);
  after_json = builder_to_json (after);
  object = g_strdup_printf ("plan:%" G_GINT64_FORMAT, plan_id);
  if (!qm_store_audit_append_locked (self, user, "plan.approve", object, "{\"status\":\"draft\"}",
                                     after_json, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Pushing                                                                  */

static char *
money_e4_text (gint64 e4)
{
  gint64 whole = e4 / 10000;
  gint64 frac = e4 % 10000;

  if (e4 < 0)
    return g_strdup ("0.0000");
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%04" G_GINT64_FORMAT, whole, frac);
}

typedef struct
{
  char           *warehouse_id;
  QmPlanLineKind  kind;
  char           *to_warehouse_id;  /* "" for purchases */
  JsonBuilder    *lines;
} NewOrder;

static void
new_order_free (NewOrder *order)
{
  g_free (order->warehouse_id);
  g_free (order->to_warehouse_id);
  g_clear_object (&order->lines);
  g_free (order);
}

static GPtrArray *
read_orders (QmStore  *self,
             gint64    plan_id,
             GError  **error)
{
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_plan_order_free);
  g_autoptr(sqlite3_stmt) stmt =
    qm_store_prepare (self, "SELECT warehouse_id, kind, to_warehouse_id, idempotency_key, body,"
                            "  state, order_id, error FROM procurement_order WHERE plan_id = ? "
                            "ORDER BY warehouse_id, kind, to_warehouse_id", error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, plan_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmPlanOrder *order = g_new0 (QmPlanOrder, 1);
      const char *to = (const char *) sqlite3_column_text (stmt, 2);

      order->plan_id = plan_id;
      order->warehouse_id = column_dup (stmt, 0);
      order->kind = index_of_name (kind_names, G_N_ELEMENTS (kind_names),
                                   (const char *) sqlite3_column_text (stmt, 1));
      order->to_warehouse_id = to != NULL && *to != '\0' ? g_strdup (to) : NULL;
      order->idempotency_key = column_dup (stmt, 3);
      order->body = column_dup (stmt, 4);
      order->state = index_of_name (state_names, G_N_ELEMENTS (state_names),
                                    (const char *) sqlite3_column_text (stmt, 5));
      order->order_id = column_dup (stmt, 6);
      order->error = column_dup (stmt, 7);
      g_ptr_array_add (orders, order);
    }
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the plan's orders"), error);
      return NULL;
    }

  return g_steal_pointer (&orders);
}

static gboolean maybe_finish_push (QmStore  *self,
                                   gint64    plan_id,
                                   GError  **error);

/**
 * qm_store_plan_get_orders:
 *
 * Returns: (transfer container) (element-type QmPlanOrder): the plan's
 *   orders, or %NULL with @error (QM_ERROR_NOT_FOUND for no such plan)
 */
GPtrArray *
qm_store_plan_get_orders (QmStore  *self,
                          gint64    plan_id,
                          GError  **error)
{
  g_autoptr(QmPlanInfo) info = NULL;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  info = qm_store_plan_get (self, plan_id, error);
  if (info == NULL)
    return NULL;

  return read_orders (self, plan_id, error);
}

/**
 * qm_store_plan_get_latest:
 *
 * Returns: the newest plan's id; 0 when there is none or on error
 */
gint64
qm_store_plan_get_latest (QmStore  *self,
                          GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), 0);

  stmt = qm_store_prepare (self, "SELECT COALESCE (MAX (id), 0) FROM procurement_plan", error);
  if (stmt == NULL)
    return 0;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the plans"), error);
      return 0;
    }

  return sqlite3_column_int64 (stmt, 0);
}

/**
 * qm_store_plan_prepare_push:
 *
 * See the header. Orders that exist already keep their key and body (so a
 * second push sends exactly the same request). The user is recorded as the
 * plan's pusher (the plan.push audit entry names them).
 *
 * Returns: (transfer container) (element-type QmPlanOrder): the plan's
 *   orders sorted by warehouse, kind and destination, or %NULL with @error
 */
GPtrArray *
qm_store_plan_prepare_push (QmStore     *self,
                            gint64       plan_id,
                            const char  *user,
                            GError     **error)
{
  g_autoptr(QmPlanInfo) info = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(GPtrArray) new_orders = g_ptr_array_new_with_free_func ((GDestroyNotify) new_order_free);
  g_autoptr(GPtrArray) orders = NULL;
  g_autofree char *at = now_text ();
  const char *who = user != NULL && *user ? user : g_get_user_name ();
  NewOrder *current = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  /* The costs sent are the current moving averages: fold what is new. */
  if (!qm_store_valuation_update (self, NULL, error))
    return NULL;

  if (!qm_store_begin (self, error))
    return NULL;

  info = qm_store_plan_get (self, plan_id, error);
  if (info == NULL)
    goto fail;
  if (info->status == QM_PLAN_STATUS_DRAFT)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                   _("Plan %" G_GINT64_FORMAT " is a draft; approve it before pushing it"),
                   plan_id);
      goto fail;
    }

  /* Lines with an approved quantity and no order yet, grouped. The cost is
   * the moving average of the warehouse the goods leave (a transfer) or
   * arrive at (a purchase). */
  stmt = qm_store_prepare (self,
                           "SELECT CASE l.kind WHEN 'purchase' THEN l.warehouse_id"
                           "         ELSE l.from_warehouse_id END AS endpoint, l.kind,"
                           "  CASE l.kind WHEN 'purchase' THEN '' ELSE l.warehouse_id END AS dest,"
                           "  l.sku, l.approved_quantity, v.average_e4 "
                           "FROM procurement_line l"
                           "  LEFT JOIN valuation_state v ON v.sku = l.sku AND v.warehouse_id ="
                           "    CASE l.kind WHEN 'purchase' THEN l.warehouse_id"
                           "    ELSE l.from_warehouse_id END "
                           "WHERE l.plan_id = ?1 AND l.approved_quantity > 0"
                           "  AND NOT EXISTS (SELECT 1 FROM procurement_order o WHERE "
                           ORDER_OF_LINE ") "
                           "ORDER BY endpoint, l.kind, dest, l.sku", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, plan_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *endpoint = (const char *) sqlite3_column_text (stmt, 0);
      QmPlanLineKind kind = index_of_name (kind_names, G_N_ELEMENTS (kind_names),
                                           (const char *) sqlite3_column_text (stmt, 1));
      const char *dest = (const char *) sqlite3_column_text (stmt, 2);
      g_autofree char *cost = money_e4_text (sqlite3_column_type (stmt, 5) == SQLITE_NULL
                                             ? 0 : sqlite3_column_int64 (stmt, 5));

      if (endpoint == NULL || dest == NULL)
        continue;

      if (current == NULL || current->kind != kind || strcmp (current->warehouse_id, endpoint) != 0 ||
          strcmp (current->to_warehouse_id, dest) != 0)
        {
          current = g_new0 (NewOrder, 1);
          current->warehouse_id = g_strdup (endpoint);
          current->kind = kind;
          current->to_warehouse_id = g_strdup (dest);
          current->lines = json_builder_new ();
          json_builder_begin_array (current->lines);
          g_ptr_array_add (new_orders, current);
        }

      json_builder_begin_object (current->lines);
      add_member_string (current->lines, "sku", (const char *) sqlite3_column_text (stmt, 3));
      add_member_int (current->lines, "quantity", sqlite3_column_int64 (stmt, 4));
      add_member_string (current->lines, "expected_unit_cost", cost);
      json_builder_end_object (current->lines);
    }
  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the plan"), error);
      goto fail;
    }

  insert = qm_store_prepare (self, "INSERT INTO procurement_order (plan_id, warehouse_id, kind,"
                                   "  to_warehouse_id, idempotency_key, body, state, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)", error);
  if (insert == NULL)
    goto fail;

  for (guint i = 0; i < new_orders->len; i++)
    {
      NewOrder *order = g_ptr_array_index (new_orders, i);
      g_autoptr(JsonBuilder) body = json_builder_new ();
      g_autofree char *reference = NULL;
      g_autofree char *body_json = NULL;
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr(JsonNode) lines_node = NULL;

      json_builder_end_array (order->lines);
      lines_node = json_builder_get_root (order->lines);

      if (order->kind == QM_PLAN_LINE_PURCHASE)
        reference = g_strdup_printf ("PLAN-%" G_GINT64_FORMAT "-%s", plan_id, order->warehouse_id);
      else
        reference = g_strdup_printf ("PLAN-%" G_GINT64_FORMAT "-%s-TO-%s", plan_id,
                                     order->warehouse_id, order->to_warehouse_id);

      json_builder_begin_object (body);
      add_member_string (body, "reference", reference);
      add_member_string (body, "requested_by", who);
      if (order->kind == QM_PLAN_LINE_TRANSFER)
        add_member_string (body, "to_warehouse", order->to_warehouse_id);
      json_builder_set_member_name (body, "lines");
      json_builder_add_value (body, g_steal_pointer (&lines_node));
      json_builder_end_object (body);
      body_json = builder_to_json (body);

      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, plan_id);
      sqlite3_bind_text (insert, 2, order->warehouse_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, kind_names[order->kind], -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 4, order->to_warehouse_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 5, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 6, body_json, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 7, at, -1, SQLITE_STATIC);
      if (!step_done (self, insert, _("Could not save the plan's orders"), error))
        goto fail;
    }

  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = qm_store_prepare (self, "UPDATE procurement_plan SET pushed_by = ? "
                                 "WHERE id = ? AND pushed_by IS NULL", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, who, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, plan_id);
  if (!step_done (self, stmt, _("Could not save the plan"), error))
    goto fail;

  /* A plan with nothing to order is pushed at once. */
  if (!maybe_finish_push (self, plan_id, error))
    goto fail;

  orders = read_orders (self, plan_id, error);
  if (orders == NULL)
    goto fail;

  /* The keys are on disk before anyone sends anything. */
  if (!qm_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&orders);

fail:
  qm_store_rollback (self);
  return NULL;
}

/* When every order has its answer, the plan is pushed (audited). */
static gboolean
maybe_finish_push (QmStore  *self,
                   gint64    plan_id,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) after = NULL;
  g_autofree char *after_json = NULL;
  g_autofree char *object = NULL;
  g_autofree char *who = NULL;
  g_autofree char *at = now_text ();
  gint64 pending = 0, accepted = 0, rejected = 0;
  int rc;

  stmt = qm_store_prepare (self, "SELECT SUM (state = 'pending'), SUM (state = 'accepted'),"
                                 "  SUM (state = 'rejected'), (SELECT pushed_by FROM"
                                 "  procurement_plan WHERE id = ?1 AND status = 'approved') "
                                 "FROM procurement_order WHERE plan_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, plan_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return qm_store_set_error (self, rc, _("Could not read the plan's orders"), error);
  /* SUM over no orders is NULL, read as 0 */
  pending = sqlite3_column_int64 (stmt, 0);
  accepted = sqlite3_column_int64 (stmt, 1);
  rejected = sqlite3_column_int64 (stmt, 2);
  if (sqlite3_column_type (stmt, 3) == SQLITE_NULL || pending > 0)
    return TRUE;   /* not approved (already pushed), or answers still missing */
  who = column_dup (stmt, 3);
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = qm_store_prepare (self, "UPDATE procurement_plan SET status = 'pushed', pushed_at = ? "
                                 "WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, at, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, plan_id);
  if (!step_done (self, stmt, _("Could not save the plan"), error))
    return FALSE;

  after = json_builder_new ();
  json_builder_begin_object (after);
  add_member_string (after, "status", "pushed");
  add_member_int (after, "accepted_orders", accepted);
  add_member_int (after, "rejected_orders", rejected);
  json_builder_end_object (after);
  after_json = builder_to_json (after);
  object = g_strdup_printf ("plan:%" G_GINT64_FORMAT, plan_id);

  return qm_store_audit_append_locked (self, who, "plan.push", object, "{\"status\":\"approved\"}",
                                       after_json, error);
}

/**
 * qm_store_plan_record_push:
 *
 * See the header. An order already accepted stays accepted (a late
 * failure of a resend does not undo it).
 */
gboolean
qm_store_plan_record_push (QmStore       *self,
                           const char    *idempotency_key,
                           QmOrderState   state,
                           const char    *order_id,
                           const char    *error_text,
                           GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *at = now_text ();
  gint64 plan_id;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (idempotency_key != NULL, FALSE);
  g_return_val_if_fail (state == QM_ORDER_STATE_PENDING || state == QM_ORDER_STATE_ACCEPTED ||
                        state == QM_ORDER_STATE_REJECTED, FALSE);

  if (state == QM_ORDER_STATE_ACCEPTED && (order_id == NULL || *order_id == '\0'))
    {
      g_set_error_literal (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("An accepted order needs the warehouse's order id"));
      return FALSE;
    }

  if (!qm_store_begin (self, error))
    return FALSE;

  stmt = qm_store_prepare (self, "SELECT plan_id, state FROM procurement_order "
                                 "WHERE idempotency_key = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, idempotency_key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No order has the Idempotency-Key “%s”"), idempotency_key);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      qm_store_set_error (self, rc, _("Could not read the plan's orders"), error);
      goto fail;
    }
  plan_id = sqlite3_column_int64 (stmt, 0);
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "accepted") == 0)
    {
      qm_store_rollback (self);
      return TRUE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = qm_store_prepare (self, "UPDATE procurement_order SET state = ?, order_id = ?, "
                                 "  error = ?, answered_at = ? WHERE idempotency_key = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, state_names[state], -1, SQLITE_STATIC);
  if (state == QM_ORDER_STATE_ACCEPTED)
    sqlite3_bind_text (stmt, 2, order_id, -1, SQLITE_TRANSIENT);
  if (state != QM_ORDER_STATE_ACCEPTED && error_text != NULL)
    sqlite3_bind_text (stmt, 3, error_text, -1, SQLITE_TRANSIENT);
  if (state != QM_ORDER_STATE_PENDING)
    sqlite3_bind_text (stmt, 4, at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, idempotency_key, -1, SQLITE_TRANSIENT);
  if (!step_done (self, stmt, _("Could not save the plan's orders"), error))
    goto fail;

  if (!maybe_finish_push (self, plan_id, error))
    goto fail;

  return qm_store_commit (self, error);

fail:
  qm_store_rollback (self);
  return FALSE;
}

/**
 * qm_store_foreach_open_purchase:
 * @func: called with each SKU and the units its accepted purchase orders
 *   still have to deliver (summed over warehouses, > 0 only), in no order
 *
 * What is on open purchase orders: approved quantities of orders a
 * warehouse accepted, less the purchase_inbound movements there with the
 * order's id as reference (never below 0 per order line). Pre-sale quotas
 * are capped by it.
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
qm_store_foreach_open_purchase (QmStore             *self,
                                QmOpenPurchaseFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) totals = NULL;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = qm_store_prepare (self, open_purchase_sql, error);
  if (stmt == NULL)
    return FALSE;

  totals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *sku = (const char *) sqlite3_column_text (stmt, 1);
      gint64 open = sqlite3_column_int64 (stmt, 2);
      gint64 *total;

      if (open <= 0 || sku == NULL)
        continue;
      total = g_hash_table_lookup (totals, sku);
      if (total == NULL)
        {
          total = g_new0 (gint64, 1);
          g_hash_table_insert (totals, g_strdup (sku), total);
        }
      *total = MIN (*total + open, QM_PLAN_QUANTITY_MAX);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read what is on order"), error);

  g_hash_table_iter_init (&iter, totals);
  while (g_hash_table_iter_next (&iter, &key, &value))
    func (key, *(gint64 *) value, user_data);

  return TRUE;
}
