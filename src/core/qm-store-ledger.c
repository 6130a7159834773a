/* qm-store-ledger.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Valuation and the stock ledger, as SQL walks feeding the engine in
 * qm-valuation.c. See qm-store-ledger.h for the rules on time and late
 * postings, qm-valuation.h for the average.
 *
 * The incremental fold keeps, per warehouse, how far it folded
 * (valuation_cursor) and per warehouse and SKU the quantity and average
 * (valuation_state); a sync then folds only what is new. It also keeps
 * the average each transfer carried (valuation_transfer), which the
 * reports read back, so a report's fold and the incremental one use the
 * same costs. A transfer_in whose transfer_out is in the cache but not yet
 * folded waits for it; one whose transfer_out is not in the cache comes in
 * at the current average, and if that transfer_out arrives later, the whole
 * valuation is rebuilt so that the result never depends on the order in
 * which warehouses were synced. A rebuild folds everything from scratch
 * with the same code, so it equals the incremental result.
 */

#define G_LOG_DOMAIN "qm-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-money.h"
#include "qm-store-ledger.h"
#include "qm-store-private.h"
#include "qm-valuation.h"

void
qm_period_close_free (QmPeriodClose *self)
{
  if (self == NULL)
    return;

  g_free (self->month);
  g_free (self->starts_at);
  g_free (self->ends_at);
  g_free (self->closed_at);
  g_free (self->closed_by);
  g_free (self->ledger_sha256);
  g_free (self->valuation_sha256);
  g_free (self);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

static gboolean
step_done (QmStore      *self,
           sqlite3_stmt *stmt,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not save the valuation"), error);

  sqlite3_reset (stmt);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The incremental fold                                                     */

typedef struct
{
  QmValuationState state;
  gint64           last_seq;
  gboolean         dirty;
} FoldState;

typedef struct
{
  char       *id;
  gint64      folded_seq;
  gint64      folded_count;
  GHashTable *states;     /* sku → FoldState */
  gboolean    done;
} FoldWarehouse;

static void
fold_warehouse_free (gpointer data)
{
  FoldWarehouse *wh = data;

  g_free (wh->id);
  g_hash_table_unref (wh->states);
  g_free (wh);
}

typedef struct
{
  QmStore      *store;
  GPtrArray    *warehouses;     /* of FoldWarehouse, sorted by id */
  GHashTable   *pending_out;    /* "S\x1fD\x1fR\x1fsku" → count of unfolded transfer_outs */
  sqlite3_stmt *walk;
  sqlite3_stmt *find_out;
  sqlite3_stmt *find_fallback;
  sqlite3_stmt *put_transfer;
  sqlite3_stmt *get_state;
  sqlite3_stmt *put_state;
  guint         n_states;       /* held in the warehouses' states, all together */
  gboolean      spilled;        /* some states went back to valuation_state */
  gboolean      rebuilding;
  gboolean      force_fallback;
  gboolean      needs_rebuild;
} Fold;

static char *
transfer_key (const char *source,
              const char *destination,
              const char *reference,
              const char *sku)
{
  return g_strconcat (source, "\x1f", destination, "\x1f", reference, "\x1f", sku, NULL);
}

static void
fold_clear (Fold *fold)
{
  g_clear_pointer (&fold->warehouses, g_ptr_array_unref);
  g_clear_pointer (&fold->pending_out, g_hash_table_unref);
  g_clear_pointer (&fold->walk, sqlite3_finalize);
  g_clear_pointer (&fold->find_out, sqlite3_finalize);
  g_clear_pointer (&fold->find_fallback, sqlite3_finalize);
  g_clear_pointer (&fold->put_transfer, sqlite3_finalize);
  g_clear_pointer (&fold->get_state, sqlite3_finalize);
  g_clear_pointer (&fold->put_state, sqlite3_finalize);
}

/* How many SKUs' states a fold holds at most before it writes them back
 * to valuation_state (inside its transaction) and forgets them: memory
 * stays bounded however many SKUs move, e.g. in the first fold of a
 * million-SKU ledger. */
#define FOLD_STATE_LIMIT 16384

/* Only the SKUs that move are read, so memory follows the new movements,
 * not the size of the catalogue; and at most FOLD_STATE_LIMIT of them. A
 * rebuild starts from an empty valuation_state, so it only reads back
 * what it spilled itself. */
static FoldState *
fold_state_for (Fold          *fold,
                FoldWarehouse *wh,
                const char    *sku)
{
  FoldState *state = g_hash_table_lookup (wh->states, sku);

  if (state == NULL)
    {
      state = g_new0 (FoldState, 1);
      if (!fold->rebuilding || fold->spilled)
        {
          sqlite3_reset (fold->get_state);
          bind_text (fold->get_state, 1, wh->id);
          bind_text (fold->get_state, 2, sku);
          if (sqlite3_step (fold->get_state) == SQLITE_ROW)
            {
              state->state.quantity = sqlite3_column_int64 (fold->get_state, 0);
              state->state.average_e4 = sqlite3_column_int64 (fold->get_state, 1);
              state->last_seq = sqlite3_column_int64 (fold->get_state, 2);
            }
          sqlite3_reset (fold->get_state);
        }
      g_hash_table_insert (wh->states, g_strdup (sku), state);
      fold->n_states++;
    }

  return state;
}

/* Writes the changed states back to valuation_state; with @forget, drops
 * every state held (they are read back on their next movement). */
static gboolean
fold_write_states (Fold     *fold,
                   gboolean  forget,
                   GError  **error)
{
  QmStore *self = fold->store;

  for (guint i = 0; i < fold->warehouses->len; i++)
    {
      FoldWarehouse *wh = g_ptr_array_index (fold->warehouses, i);
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, wh->states);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          FoldState *state = value;

          if (!state->dirty)
            continue;

          bind_text (fold->put_state, 1, wh->id);
          bind_text (fold->put_state, 2, key);
          sqlite3_bind_int64 (fold->put_state, 3, state->state.quantity);
          sqlite3_bind_int64 (fold->put_state, 4, state->state.average_e4);
          sqlite3_bind_int64 (fold->put_state, 5, state->last_seq);
          if (!step_done (self, fold->put_state, error))
            return FALSE;
          state->dirty = FALSE;
        }

      if (forget)
        g_hash_table_remove_all (wh->states);
    }

  if (forget)
    {
      fold->n_states = 0;
      fold->spilled = TRUE;
    }

  return TRUE;
}

static gboolean
fold_load (Fold    *fold,
           GError **error)
{
  QmStore *self = fold->store;
  g_autoptr(sqlite3_stmt) list = NULL;
  g_autoptr(sqlite3_stmt) cursor = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(sqlite3_stmt) outs = NULL;
  int rc;

  list = qm_store_prepare (self, "SELECT id FROM warehouse ORDER BY id", error);
  cursor = qm_store_prepare (self,
                             "SELECT folded_seq, folded_count FROM valuation_cursor "
                             "WHERE warehouse_id = ?", error);
  count = qm_store_prepare (self,
                            "SELECT count(*) FROM movement WHERE warehouse_id = ? AND seq <= ? "
                            "AND quarantine_reason IS NULL", error);
  outs = qm_store_prepare (self,
                           "SELECT counterparty, reference, sku FROM movement "
                           "WHERE warehouse_id = ? AND seq > ? AND kind = 'transfer_out' "
                           "AND quarantine_reason IS NULL AND counterparty IS NOT NULL "
                           "AND reference IS NOT NULL", error);
  if (list == NULL || cursor == NULL || count == NULL || outs == NULL)
    return FALSE;

  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      FoldWarehouse *wh = g_new0 (FoldWarehouse, 1);

      wh->id = g_strdup (column_text (list, 0));
      wh->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (fold->warehouses, wh);
    }
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the valuation"), error);

  for (guint i = 0; i < fold->warehouses->len && !fold->rebuilding; i++)
    {
      FoldWarehouse *wh = g_ptr_array_index (fold->warehouses, i);

      sqlite3_reset (cursor);
      bind_text (cursor, 1, wh->id);
      if (sqlite3_step (cursor) == SQLITE_ROW)
        {
          wh->folded_seq = sqlite3_column_int64 (cursor, 0);
          wh->folded_count = sqlite3_column_int64 (cursor, 1);
        }

      /* A movement stored below what was folded (an older seq sent late)
       * would be missed: fold everything again. */
      sqlite3_reset (count);
      bind_text (count, 1, wh->id);
      sqlite3_bind_int64 (count, 2, wh->folded_seq);
      if ((rc = sqlite3_step (count)) != SQLITE_ROW)
        return qm_store_set_error (self, rc, _("Could not read the valuation"), error);
      if (sqlite3_column_int64 (count, 0) != wh->folded_count)
        {
          g_debug ("Ledger of %s changed below its folded seq; rebuilding the valuation", wh->id);
          fold->needs_rebuild = TRUE;
          return TRUE;
        }

    }

  for (guint i = 0; i < fold->warehouses->len; i++)
    {
      FoldWarehouse *wh = g_ptr_array_index (fold->warehouses, i);

      sqlite3_reset (outs);
      bind_text (outs, 1, wh->id);
      sqlite3_bind_int64 (outs, 2, wh->folded_seq);
      while ((rc = sqlite3_step (outs)) == SQLITE_ROW)
        {
          char *key = transfer_key (wh->id, column_text (outs, 0), column_text (outs, 1),
                                    column_text (outs, 2));
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fold->pending_out, key));

          g_hash_table_replace (fold->pending_out, key, GUINT_TO_POINTER (n + 1));
        }
      if (rc != SQLITE_DONE)
        return qm_store_set_error (self, rc, _("Could not read the valuation"), error);
    }

  return TRUE;
}

/* Folds @wh's new movements until the end, or until a transfer_in must
 * wait for its transfer_out. Sets *out_progress when anything was folded. */
static gboolean
fold_warehouse (Fold          *fold,
                FoldWarehouse *wh,
                gboolean      *out_progress,
                GError       **error)
{
  QmStore *self = fold->store;
  sqlite3_stmt *walk = fold->walk;
  int rc;

  sqlite3_reset (walk);
  bind_text (walk, 1, wh->id);
  sqlite3_bind_int64 (walk, 2, wh->folded_seq);

  while ((rc = sqlite3_step (walk)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (walk, 0);
      const char *kind = column_text (walk, 1);
      const char *sku = column_text (walk, 2);
      gint64 quantity = sqlite3_column_int64 (walk, 3);
      const char *from_status = column_text (walk, 4);
      const char *to_status = column_text (walk, 5);
      gboolean has_cost = sqlite3_column_type (walk, 6) != SQLITE_NULL;
      gint64 cost = sqlite3_column_int64 (walk, 6);
      const char *reference = column_text (walk, 7);
      const char *counterparty = column_text (walk, 8);
      QmValuationEffect effect = qm_valuation_effect (kind, from_status, to_status);
      gboolean is_transfer = reference != NULL && counterparty != NULL;
      FoldState *state;

      if (effect == QM_VALUATION_TRANSFER_IN && is_transfer)
        {
          g_autofree char *key = transfer_key (counterparty, wh->id, reference, sku);

          sqlite3_reset (fold->find_out);
          bind_text (fold->find_out, 1, counterparty);
          bind_text (fold->find_out, 2, wh->id);
          bind_text (fold->find_out, 3, reference);
          bind_text (fold->find_out, 4, sku);
          rc = sqlite3_step (fold->find_out);
          if (rc == SQLITE_ROW)
            {
              has_cost = TRUE;
              cost = sqlite3_column_int64 (fold->find_out, 0);
            }
          else if (rc != SQLITE_DONE)
            {
              return qm_store_set_error (self, rc, _("Could not read the valuation"), error);
            }
          else if (g_hash_table_contains (fold->pending_out, key) && !fold->force_fallback)
            {
              /* The sender's transfer_out is cached but not folded yet: wait. */
              sqlite3_reset (walk);
              return TRUE;
            }
          else
            {
              has_cost = FALSE;
              fold->force_fallback = FALSE;
            }
          sqlite3_reset (fold->find_out);

          bind_text (fold->put_transfer, 1, wh->id);
          sqlite3_bind_int64 (fold->put_transfer, 2, seq);
          bind_text (fold->put_transfer, 3, "transfer_in");
          bind_text (fold->put_transfer, 4, counterparty);
          bind_text (fold->put_transfer, 5, reference);
          bind_text (fold->put_transfer, 6, sku);
          if (has_cost)
            sqlite3_bind_int64 (fold->put_transfer, 7, cost);
          else
            sqlite3_bind_null (fold->put_transfer, 7);
          if (!step_done (self, fold->put_transfer, error))
            return FALSE;
        }
      else if (effect == QM_VALUATION_TRANSFER_IN)
        {
          has_cost = FALSE;
        }

      state = fold_state_for (fold, wh, sku);

      if (effect == QM_VALUATION_TRANSFER_OUT && is_transfer)
        {
          g_autofree char *key = transfer_key (wh->id, counterparty, reference, sku);
          guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fold->pending_out, key));

          if (n > 1)
            g_hash_table_replace (fold->pending_out, g_steal_pointer (&key), GUINT_TO_POINTER (n - 1));
          else
            g_hash_table_remove (fold->pending_out, key);

          bind_text (fold->put_transfer, 1, wh->id);
          sqlite3_bind_int64 (fold->put_transfer, 2, seq);
          bind_text (fold->put_transfer, 3, "transfer_out");
          bind_text (fold->put_transfer, 4, counterparty);
          bind_text (fold->put_transfer, 5, reference);
          bind_text (fold->put_transfer, 6, sku);
          sqlite3_bind_int64 (fold->put_transfer, 7, state->state.average_e4);
          if (!step_done (self, fold->put_transfer, error))
            return FALSE;

          /* The receiver already took this transfer in at its own average:
           * its figures depend on sync order, so fold everything again. */
          if (!fold->rebuilding)
            {
              sqlite3_reset (fold->find_fallback);
              bind_text (fold->find_fallback, 1, counterparty);
              bind_text (fold->find_fallback, 2, wh->id);
              bind_text (fold->find_fallback, 3, reference);
              bind_text (fold->find_fallback, 4, sku);
              rc = sqlite3_step (fold->find_fallback);
              if (rc == SQLITE_ROW)
                fold->needs_rebuild = TRUE;
              else if (rc != SQLITE_DONE)
                return qm_store_set_error (self, rc, _("Could not read the valuation"), error);
              sqlite3_reset (fold->find_fallback);
            }
        }

      if (effect == QM_VALUATION_RECEIPT_AT_AVERAGE)
        has_cost = FALSE;

      if (!qm_valuation_apply (&state->state, effect, quantity, has_cost, cost, error))
        {
          g_prefix_error (error, _("Warehouse “%s”, movement %" G_GINT64_FORMAT ": "),
                          wh->id, seq);
          sqlite3_reset (walk);
          return FALSE;
        }

      state->last_seq = seq;
      state->dirty = TRUE;
      wh->folded_seq = seq;
      wh->folded_count++;
      *out_progress = TRUE;

      if (fold->n_states >= FOLD_STATE_LIMIT && !fold_write_states (fold, TRUE, error))
        {
          sqlite3_reset (walk);
          return FALSE;
        }
    }

  sqlite3_reset (walk);
  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the movements"), error);

  wh->done = TRUE;
  return TRUE;
}

static gboolean
fold_save (Fold    *fold,
           GError **error)
{
  QmStore *self = fold->store;
  g_autoptr(sqlite3_stmt) put_cursor = NULL;

  put_cursor = qm_store_prepare (self,
                                 "INSERT OR REPLACE INTO valuation_cursor "
                                 "(warehouse_id, folded_seq, folded_count) VALUES (?, ?, ?)",
                                 error);
  if (put_cursor == NULL || !fold_write_states (fold, FALSE, error))
    return FALSE;

  for (guint i = 0; i < fold->warehouses->len; i++)
    {
      FoldWarehouse *wh = g_ptr_array_index (fold->warehouses, i);

      bind_text (put_cursor, 1, wh->id);
      sqlite3_bind_int64 (put_cursor, 2, wh->folded_seq);
      sqlite3_bind_int64 (put_cursor, 3, wh->folded_count);
      if (!step_done (self, put_cursor, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
fold_run (QmStore  *self,
          gboolean  rebuild,
          gboolean *out_needs_rebuild,
          GError  **error)
{
  Fold fold = { 0 };
  gboolean ok = FALSE;

  fold.store = self;
  fold.rebuilding = rebuild;
  fold.warehouses = g_ptr_array_new_with_free_func (fold_warehouse_free);
  fold.pending_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!qm_store_begin (self, error))
    goto out;

  if (rebuild)
    {
      static const char * const clear[] = {
        "DELETE FROM valuation_state", "DELETE FROM valuation_cursor",
        "DELETE FROM valuation_transfer",
      };

      for (guint i = 0; i < G_N_ELEMENTS (clear); i++)
        {
          int rc = sqlite3_exec (qm_store_get_db (self), clear[i], NULL, NULL, NULL);

          if (rc != SQLITE_OK)
            {
              qm_store_set_error (self, rc, _("Could not rebuild the valuation"), error);
              goto fail;
            }
        }
    }

  if (!fold_load (&fold, error))
    goto fail;

  if (fold.needs_rebuild)
    {
      qm_store_rollback (self);
      *out_needs_rebuild = TRUE;
      ok = TRUE;
      goto out;
    }

  fold.walk = qm_store_prepare (self,
                                "SELECT seq, kind, sku, quantity, from_status, to_status, unit_cost, "
                                "  reference, counterparty FROM movement "
                                "WHERE warehouse_id = ? AND seq > ? AND quarantine_reason IS NULL "
                                "ORDER BY seq", error);
  fold.find_out = qm_store_prepare (self,
                                    "SELECT average_e4 FROM valuation_transfer "
                                    "WHERE kind = 'transfer_out' AND warehouse_id = ? "
                                    "AND counterparty = ? AND reference = ? AND sku = ? "
                                    "ORDER BY seq LIMIT 1", error);
  fold.find_fallback = qm_store_prepare (self,
                                         "SELECT 1 FROM valuation_transfer "
                                         "WHERE kind = 'transfer_in' AND warehouse_id = ? "
                                         "AND counterparty = ? AND reference = ? AND sku = ? "
                                         "AND average_e4 IS NULL LIMIT 1", error);
  fold.put_transfer = qm_store_prepare (self,
                                        "INSERT OR REPLACE INTO valuation_transfer "
                                        "(warehouse_id, seq, kind, counterparty, reference, sku, "
                                        " average_e4) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  fold.get_state = qm_store_prepare (self,
                                     "SELECT quantity, average_e4, last_seq FROM valuation_state "
                                     "WHERE warehouse_id = ? AND sku = ?", error);
  fold.put_state = qm_store_prepare (self,
                                     "INSERT OR REPLACE INTO valuation_state "
                                     "(warehouse_id, sku, quantity, average_e4, last_seq) "
                                     "VALUES (?, ?, ?, ?, ?)", error);
  if (fold.walk == NULL || fold.find_out == NULL || fold.find_fallback == NULL ||
      fold.put_transfer == NULL || fold.get_state == NULL || fold.put_state == NULL)
    goto fail;

  for (;;)
    {
      gboolean progress = FALSE;
      gboolean all_done = TRUE;

      for (guint i = 0; i < fold.warehouses->len; i++)
        {
          FoldWarehouse *wh = g_ptr_array_index (fold.warehouses, i);

          if (wh->done)
            continue;
          if (!fold_warehouse (&fold, wh, &progress, error))
            goto fail;
          all_done = all_done && wh->done;
        }

      if (all_done)
        break;

      /* Every waiting transfer waits on another (inconsistent ledgers):
       * let the next one in line come in at the current average. */
      if (!progress)
        fold.force_fallback = TRUE;
    }

  if (!fold_save (&fold, error))
    goto fail;

  if (!qm_store_commit (self, error))
    goto out;

  *out_needs_rebuild = fold.needs_rebuild && !rebuild;
  ok = TRUE;
  goto out;

fail:
  qm_store_rollback (self);
out:
  fold_clear (&fold);
  return ok;
}

/**
 * qm_store_valuation_update:
 * @self: a #QmStore
 * @out_rebuilt: (out) (optional): set when a full rebuild was needed
 * @error: return location for a #GError
 *
 * Folds the movements that arrived since the last call into the stored
 * valuation. Inside a transaction that the caller holds, does nothing (the
 * caller updated before starting it).
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_valuation_update (QmStore  *self,
                           gboolean *out_rebuilt,
                           GError  **error)
{
  gboolean needs_rebuild = FALSE;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  if (out_rebuilt != NULL)
    *out_rebuilt = FALSE;

  if (!sqlite3_get_autocommit (qm_store_get_db (self)))
    return TRUE;

  if (!fold_run (self, FALSE, &needs_rebuild, error))
    return FALSE;

  if (!needs_rebuild)
    return TRUE;

  if (out_rebuilt != NULL)
    *out_rebuilt = TRUE;

  return fold_run (self, TRUE, &needs_rebuild, error);
}

/**
 * qm_store_valuation_rebuild:
 * @self: a #QmStore
 * @error: return location for a #GError
 *
 * Drops the stored valuation and folds every movement again.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_valuation_rebuild (QmStore *self,
                            GError **error)
{
  gboolean needs_rebuild = FALSE;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  return fold_run (self, TRUE, &needs_rebuild, error);
}

/**
 * qm_store_foreach_valuation_state:
 * @self: a #QmStore
 * @func: called per warehouse and SKU, sorted bytewise
 * @user_data: data for @func
 * @error: return location for a #GError
 *
 * The folded state as stored (call qm_store_valuation_update() first).
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_valuation_state (QmStore            *self,
                                  QmValuationRowFunc  func,
                                  gpointer            user_data,
                                  GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = qm_store_prepare (self,
                           "SELECT warehouse_id, sku, quantity, average_e4, last_seq "
                           "FROM valuation_state ORDER BY warehouse_id, sku", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmValuationRow row = {
        column_text (stmt, 0), column_text (stmt, 1), sqlite3_column_int64 (stmt, 2),
        sqlite3_column_int64 (stmt, 3), sqlite3_column_int64 (stmt, 4),
      };

      if (!func (&row, user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the valuation"), error);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Closed periods and late postings                                         */

typedef struct
{
  char       *month;
  char       *ends_at;
  GHashTable *watermarks;   /* warehouse id → gint64 seq */
} Close;

static void
close_free (gpointer data)
{
  Close *close = data;

  g_free (close->month);
  g_free (close->ends_at);
  g_hash_table_unref (close->watermarks);
  g_free (close);
}

static GPtrArray *
load_closes (QmStore *self,
             GError **error)
{
  g_autoptr(GPtrArray) closes = g_ptr_array_new_with_free_func (close_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) marks = NULL;
  int rc;

  stmt = qm_store_prepare (self, "SELECT month, ends_at FROM period_close ORDER BY month", error);
  marks = qm_store_prepare (self,
                            "SELECT warehouse_id, seq FROM period_watermark WHERE month = ?",
                            error);
  if (stmt == NULL || marks == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Close *close = g_new0 (Close, 1);

      close->month = g_strdup (column_text (stmt, 0));
      close->ends_at = g_strdup (column_text (stmt, 1));
      close->watermarks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (closes, close);

      sqlite3_reset (marks);
      bind_text (marks, 1, close->month);
      while ((rc = sqlite3_step (marks)) == SQLITE_ROW)
        g_hash_table_insert (close->watermarks, g_strdup (column_text (marks, 0)),
                             g_memdup2 (&(gint64) { sqlite3_column_int64 (marks, 1) },
                                        sizeof (gint64)));
      if (rc != SQLITE_DONE)
        break;
    }

  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the closed periods"), error);
      return NULL;
    }

  return g_steal_pointer (&closes);
}

/* The instant a movement counts at: its own, or, if it arrived after a
 * close but is dated before that close's end, the end of the last month
 * closed before it arrived. */
static const char *
effective_at (GPtrArray  *closes,
              const char *warehouse_id,
              gint64      seq,
              const char *at)
{
  const Close *last = NULL;

  for (guint i = 0; i < closes->len; i++)
    {
      const Close *close = g_ptr_array_index (closes, i);
      const gint64 *mark = g_hash_table_lookup (close->watermarks, warehouse_id);

      if (seq <= (mark != NULL ? *mark : 0))
        break;
      last = close;
    }

  if (last != NULL && strcmp (at, last->ends_at) < 0)
    return last->ends_at;

  return at;
}

/* ------------------------------------------------------------------------ */
/* Ledger walks                                                             */

typedef struct
{
  QmStore      *store;
  sqlite3_stmt *product;
  sqlite3_stmt *currency;
  char         *warehouse_id;
  char         *sku;
  char         *name;
  char         *category;
  char         *currency_code;
  QmValuationState open;
  QmValuationState close;
  gint64        received;
  gint64        issued;
} Group;

static gboolean
group_emit (Group           *group,
            gboolean         valuation_only,
            QmLedgerRowFunc  func,
            gpointer         user_data,
            gboolean        *out_stop,
            GError         **error)
{
  QmLedgerRow row = { 0 };
  int rc;

  if (group->sku == NULL)
    return TRUE;

  if (valuation_only ? group->close.quantity == 0
                     : (group->open.quantity == 0 && group->received == 0 &&
                        group->issued == 0 && group->close.quantity == 0))
    return TRUE;

  sqlite3_reset (group->product);
  bind_text (group->product, 1, group->warehouse_id);
  bind_text (group->product, 2, group->sku);
  rc = sqlite3_step (group->product);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return qm_store_set_error (group->store, rc, _("Could not read the products"), error);

  row.warehouse_id = group->warehouse_id;
  row.sku = group->sku;
  row.name = rc == SQLITE_ROW ? column_text (group->product, 0) : "";
  row.category = rc == SQLITE_ROW ? column_text (group->product, 1) : "";
  row.currency = group->currency_code != NULL ? group->currency_code : "";
  row.opening_quantity = group->open.quantity;
  row.received_quantity = group->received;
  row.issued_quantity = group->issued;
  row.closing_quantity = group->close.quantity;
  row.opening_average_e4 = group->open.average_e4;
  row.closing_average_e4 = group->close.average_e4;

  if (!qm_valuation_value (&group->open, &row.opening_value_e4, error) ||
      !qm_valuation_value (&group->close, &row.closing_value_e4, error))
    return FALSE;

  if (!func (&row, user_data))
    *out_stop = TRUE;

  sqlite3_reset (group->product);
  return TRUE;
}

static gboolean
group_start (Group       *group,
             const char  *warehouse_id,
             const char  *sku,
             GError     **error)
{
  if (g_strcmp0 (group->warehouse_id, warehouse_id) != 0)
    {
      int rc;

      g_free (group->warehouse_id);
      group->warehouse_id = g_strdup (warehouse_id);
      g_clear_pointer (&group->currency_code, g_free);

      sqlite3_reset (group->currency);
      bind_text (group->currency, 1, warehouse_id);
      rc = sqlite3_step (group->currency);
      if (rc == SQLITE_ROW)
        group->currency_code = g_strdup (column_text (group->currency, 0));
      else if (rc != SQLITE_DONE)
        return qm_store_set_error (group->store, rc, _("Could not read the warehouses"), error);
      sqlite3_reset (group->currency);
    }

  g_free (group->sku);
  group->sku = g_strdup (sku);
  memset (&group->open, 0, sizeof group->open);
  memset (&group->close, 0, sizeof group->close);
  group->received = 0;
  group->issued = 0;
  return TRUE;
}

/* The live walk: folds the ledger one warehouse and SKU at a time, in
 * seq order, streaming (memory does not grow with the number of rows). */
static gboolean
walk_live (QmStore         *self,
           const char      *from_at,
           const char      *to_at,
           gboolean         valuation_only,
           QmLedgerRowFunc  func,
           gpointer         user_data,
           GError         **error)
{
  g_autoptr(GPtrArray) closes = NULL;
  g_autoptr(sqlite3_stmt) walk = NULL;
  g_autoptr(sqlite3_stmt) product = NULL;
  g_autoptr(sqlite3_stmt) currency = NULL;
  Group group = { 0 };
  gboolean stop = FALSE;
  gboolean ok = FALSE;
  int rc;

  closes = load_closes (self, error);
  if (closes == NULL)
    return FALSE;

  walk = qm_store_prepare (self,
                           "SELECT m.warehouse_id, m.sku, m.seq, m.at, m.kind, m.quantity, "
                           "  m.from_status, m.to_status, m.unit_cost, t.average_e4 "
                           "FROM movement AS m INDEXED BY movement_by_warehouse_sku "
                           "LEFT JOIN valuation_transfer AS t "
                           "  ON t.warehouse_id = m.warehouse_id AND t.seq = m.seq "
                           "WHERE m.quarantine_reason IS NULL AND m.at < ?1 "
                           "ORDER BY m.warehouse_id, m.sku, m.seq", error);
  product = qm_store_prepare (self,
                              "SELECT name, category FROM product "
                              "WHERE warehouse_id = ? AND sku = ?", error);
  currency = qm_store_prepare (self, "SELECT currency FROM warehouse WHERE id = ?", error);
  if (walk == NULL || product == NULL || currency == NULL)
    return FALSE;

  bind_text (walk, 1, to_at);
  group.store = self;
  group.product = product;
  group.currency = currency;

  while (!stop && (rc = sqlite3_step (walk)) == SQLITE_ROW)
    {
      const char *warehouse_id = column_text (walk, 0);
      const char *sku = column_text (walk, 1);
      gint64 seq = sqlite3_column_int64 (walk, 2);
      const char *at = effective_at (closes, warehouse_id, seq, column_text (walk, 3));
      QmValuationEffect effect = qm_valuation_effect (column_text (walk, 4),
                                                      column_text (walk, 6),
                                                      column_text (walk, 7));
      gint64 quantity = sqlite3_column_int64 (walk, 5);
      gboolean has_cost = FALSE;
      gint64 cost = 0;

      if (group.sku == NULL || strcmp (group.sku, sku) != 0 ||
          strcmp (group.warehouse_id, warehouse_id) != 0)
        {
          if (!group_emit (&group, valuation_only, func, user_data, &stop, error) ||
              !group_start (&group, warehouse_id, sku, error))
            goto out;
          if (stop)
            break;
        }

      if (strcmp (at, to_at) >= 0 || effect == QM_VALUATION_NONE)
        continue;

      if (effect == QM_VALUATION_RECEIPT_AT_COST)
        {
          has_cost = sqlite3_column_type (walk, 8) != SQLITE_NULL;
          cost = sqlite3_column_int64 (walk, 8);
        }
      else if (effect == QM_VALUATION_TRANSFER_IN)
        {
          has_cost = sqlite3_column_type (walk, 9) != SQLITE_NULL;
          cost = sqlite3_column_int64 (walk, 9);
        }

      if (!qm_valuation_apply (&group.close, effect, quantity, has_cost, cost, error))
        goto out;

      if (from_at != NULL && strcmp (at, from_at) < 0)
        {
          if (!qm_valuation_apply (&group.open, effect, quantity, has_cost, cost, error))
            goto out;
        }
      else if (qm_valuation_is_receipt (effect))
        {
          group.received += quantity;
        }
      else if (qm_valuation_is_issue (effect))
        {
          group.issued += quantity;
        }
    }

  if (!stop && rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the movements"), error);
      goto out;
    }

  if (!stop && !group_emit (&group, valuation_only, func, user_data, &stop, error))
    goto out;

  ok = TRUE;

out:
  g_free (group.warehouse_id);
  g_free (group.sku);
  g_free (group.currency_code);
  return ok;
}

static gboolean
find_closed_month (QmStore     *self,
                   const char  *starts_at,
                   const char  *ends_at,
                   char       **out_month,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *out_month = NULL;
  stmt = qm_store_prepare (self,
                           "SELECT month FROM period_close "
                           "WHERE (?1 IS NULL OR starts_at = ?1) AND ends_at = ?2", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, starts_at);
  bind_text (stmt, 2, ends_at);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_month = g_strdup (column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the closed periods"), error);

  return TRUE;
}

static gboolean
walk_stored (QmStore         *self,
             const char      *month,
             gboolean         valuation_only,
             QmLedgerRowFunc  func,
             gpointer         user_data,
             GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (valuation_only)
    stmt = qm_store_prepare (self,
                             "SELECT warehouse_id, sku, name, category, currency, "
                             "  0, 0, 0, quantity, 0, unit_cost_e4, 0, value_e4 "
                             "FROM period_valuation WHERE month = ? ORDER BY warehouse_id, sku",
                             error);
  else
    stmt = qm_store_prepare (self,
                             "SELECT warehouse_id, sku, name, category, currency, "
                             "  opening_quantity, received_quantity, issued_quantity, "
                             "  closing_quantity, 0, 0, opening_value_e4, closing_value_e4 "
                             "FROM period_ledger WHERE month = ? ORDER BY warehouse_id, sku",
                             error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, month);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmLedgerRow row = {
        column_text (stmt, 0), column_text (stmt, 1), column_text (stmt, 2),
        column_text (stmt, 3), column_text (stmt, 4),
        sqlite3_column_int64 (stmt, 5), sqlite3_column_int64 (stmt, 6),
        sqlite3_column_int64 (stmt, 7), sqlite3_column_int64 (stmt, 8),
        sqlite3_column_int64 (stmt, 9), sqlite3_column_int64 (stmt, 10),
        sqlite3_column_int64 (stmt, 11), sqlite3_column_int64 (stmt, 12),
      };

      if (!func (&row, user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the closed periods"), error);

  return TRUE;
}

/**
 * qm_store_foreach_ledger:
 * @self: a #QmStore
 * @from_at: (nullable): start of the period (RFC 3339 UTC, inclusive)
 * @to_at: end of the period (exclusive)
 * @func: called per warehouse and SKU with any quantity not zero, sorted
 *   bytewise by warehouse id, then SKU
 * @user_data: data for @func
 * @error: return location for a #GError
 *
 * The stock ledger of a period. A period that is exactly a closed month
 * comes from the figures stored at its close. Brings the valuation up to
 * date first.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_ledger (QmStore         *self,
                         const char      *from_at,
                         const char      *to_at,
                         QmLedgerRowFunc  func,
                         gpointer         user_data,
                         GError         **error)
{
  g_autofree char *month = NULL;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (to_at != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!qm_store_valuation_update (self, NULL, error))
    return FALSE;

  if (from_at != NULL && !find_closed_month (self, from_at, to_at, &month, error))
    return FALSE;

  if (month != NULL)
    return walk_stored (self, month, FALSE, func, user_data, error);

  return walk_live (self, from_at, to_at, FALSE, func, user_data, error);
}

/**
 * qm_store_foreach_valuation:
 * @self: a #QmStore
 * @at: the instant to value stock at (exclusive: the end of a day)
 * @func: called per warehouse and SKU whose quantity is not zero; only the
 *   closing fields of the row are set
 * @user_data: data for @func
 * @error: return location for a #GError
 *
 * The value of stock at an instant. At the end of a closed month, the
 * figures stored at its close.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_valuation (QmStore         *self,
                            const char      *at,
                            QmLedgerRowFunc  func,
                            gpointer         user_data,
                            GError         **error)
{
  g_autofree char *month = NULL;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (at != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!qm_store_valuation_update (self, NULL, error))
    return FALSE;

  if (!find_closed_month (self, NULL, at, &month, error))
    return FALSE;

  if (month != NULL)
    return walk_stored (self, month, TRUE, func, user_data, error);

  return walk_live (self, NULL, at, TRUE, func, user_data, error);
}

/**
 * qm_store_foreach_reconciliation:
 * @self: a #QmStore
 * @func: called per warehouse, SKU and status where the ledger fold and
 *   the snapshot differ, sorted bytewise
 * @user_data: data for @func
 * @error: return location for a #GError
 *
 * The outcome of each warehouse's last ledger-vs-snapshot check.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_reconciliation (QmStore                 *self,
                                 QmReconciliationRowFunc  func,
                                 gpointer                 user_data,
                                 GError                 **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = qm_store_prepare (self,
                           "SELECT warehouse_id, sku, status, ledger_quantity, snapshot_quantity "
                           "FROM reconciliation WHERE ledger_quantity != snapshot_quantity "
                           "ORDER BY warehouse_id, sku, status", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmReconciliationRow row = {
        column_text (stmt, 0), column_text (stmt, 1), column_text (stmt, 2),
        sqlite3_column_int64 (stmt, 3), sqlite3_column_int64 (stmt, 4),
      };

      if (!func (&row, user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the reconciliation"), error);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Period close                                                             */

typedef struct
{
  QmStore      *store;
  sqlite3_stmt *insert;
  const char   *month;
  gint64        rows;
  GError       *error;
} StoreRows;

static gboolean
store_ledger_row_cb (const QmLedgerRow *row,
                     gpointer           user_data)
{
  StoreRows *rows = user_data;
  sqlite3_stmt *stmt = rows->insert;

  bind_text (stmt, 1, rows->month);
  bind_text (stmt, 2, row->warehouse_id);
  bind_text (stmt, 3, row->sku);
  bind_text (stmt, 4, row->name);
  bind_text (stmt, 5, row->category);
  sqlite3_bind_int64 (stmt, 6, row->opening_quantity);
  sqlite3_bind_int64 (stmt, 7, row->received_quantity);
  sqlite3_bind_int64 (stmt, 8, row->issued_quantity);
  sqlite3_bind_int64 (stmt, 9, row->closing_quantity);
  sqlite3_bind_int64 (stmt, 10, row->opening_value_e4);
  sqlite3_bind_int64 (stmt, 11, row->closing_value_e4);
  bind_text (stmt, 12, row->currency);
  rows->rows++;

  return step_done (rows->store, stmt, &rows->error);
}

static gboolean
store_valuation_row_cb (const QmLedgerRow *row,
                        gpointer           user_data)
{
  StoreRows *rows = user_data;
  sqlite3_stmt *stmt = rows->insert;

  bind_text (stmt, 1, rows->month);
  bind_text (stmt, 2, row->warehouse_id);
  bind_text (stmt, 3, row->sku);
  bind_text (stmt, 4, row->name);
  bind_text (stmt, 5, row->category);
  sqlite3_bind_int64 (stmt, 6, row->closing_quantity);
  sqlite3_bind_int64 (stmt, 7, row->closing_average_e4);
  sqlite3_bind_int64 (stmt, 8, row->closing_value_e4);
  bind_text (stmt, 9, row->currency);
  rows->rows++;

  return step_done (rows->store, stmt, &rows->error);
}

static gboolean
exec_bound (QmStore     *self,
            const char  *sql,
            const char  *a,
            const char  *b,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = qm_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    bind_text (stmt, 2, b);

  return step_done (self, stmt, error);
}

static gboolean
check_close_allowed (QmStore     *self,
                     const char  *month,
                     const char  *starts_at,
                     const char  *ends_at,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) last = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  int rc;

  if (strcmp (ends_at, now_at) > 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                   _("%s has not ended yet (it ends at %s); close a month once it is over"),
                   month, ends_at);
      return FALSE;
    }

  last = qm_store_prepare (self,
                           "SELECT month, ends_at FROM period_close ORDER BY month DESC LIMIT 1",
                           error);
  if (last == NULL)
    return FALSE;

  rc = sqlite3_step (last);
  if (rc == SQLITE_ROW)
    {
      const char *last_month = column_text (last, 0);

      if (strcmp (month, last_month) == 0)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_EXISTS,
                       _("%s is already closed; its reports are frozen"), month);
          return FALSE;
        }
      if (strcmp (month, last_month) < 0)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                       _("%s cannot be closed: %s, a later month, is closed already"),
                       month, last_month);
          return FALSE;
        }
      if (strcmp (starts_at, column_text (last, 1)) != 0)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                       _("%s cannot be closed before the months between it and %s, the last "
                         "closed month; close them in order"),
                       month, last_month);
          return FALSE;
        }
    }
  else if (rc != SQLITE_DONE)
    {
      return qm_store_set_error (self, rc, _("Could not read the closed periods"), error);
    }

  return TRUE;
}

/**
 * qm_store_close_period:
 * @self: a #QmStore
 * @month: the month, YYYY-MM
 * @starts_at: its first instant (RFC 3339 UTC)
 * @ends_at: the instant after its last
 * @user: (nullable): who closes it; the login name when %NULL
 * @hash_func: hashes the stored figures as the reports write them
 * @user_data: data for @hash_func
 * @error: return location for a #GError
 *
 * Closes a month: stores each warehouse's watermark (its newest seq), the
 * month's ledger and its closing valuation, their hashes, and an audit
 * entry, in one transaction. Months close in order, once each, and only
 * once they are over.
 *
 * Returns: %TRUE on success; %QM_ERROR_EXISTS or %QM_ERROR_REFUSED if the
 *   month may not be closed
 */
gboolean
qm_store_close_period (QmStore          *self,
                       const char       *month,
                       const char       *starts_at,
                       const char       *ends_at,
                       const char       *user,
                       QmPeriodHashFunc  hash_func,
                       gpointer          user_data,
                       GError          **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *now_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *ledger_sha256 = NULL;
  g_autofree char *valuation_sha256 = NULL;
  g_autofree char *after = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  StoreRows ledger_rows = { 0 };
  StoreRows valuation_rows = { 0 };
  const char *who;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (month != NULL && starts_at != NULL && ends_at != NULL, FALSE);
  g_return_val_if_fail (hash_func != NULL, FALSE);

  who = user != NULL && *user != '\0' ? user : g_get_user_name ();

  if (!qm_store_valuation_update (self, NULL, error))
    return FALSE;

  if (!qm_store_begin (self, error))
    return FALSE;

  if (!check_close_allowed (self, month, starts_at, ends_at, error))
    goto fail;

  insert = qm_store_prepare (self,
                             "INSERT INTO period_close (month, starts_at, ends_at, closed_at, "
                             "  closed_by, ledger_sha256, valuation_sha256) "
                             "VALUES (?, ?, ?, ?, ?, '', '')", error);
  if (insert == NULL)
    goto fail;
  bind_text (insert, 1, month);
  bind_text (insert, 2, starts_at);
  bind_text (insert, 3, ends_at);
  bind_text (insert, 4, now_at);
  bind_text (insert, 5, who);
  if (!step_done (self, insert, error))
    goto fail;
  g_clear_pointer (&insert, sqlite3_finalize);

  if (!exec_bound (self,
                   "INSERT INTO period_watermark (month, warehouse_id, seq) "
                   "SELECT ?1, w.id, COALESCE((SELECT MAX(seq) FROM movement AS m "
                   "                           WHERE m.warehouse_id = w.id), 0) "
                   "FROM warehouse AS w", month, NULL, error))
    goto fail;

  ledger_rows.store = valuation_rows.store = self;
  ledger_rows.month = valuation_rows.month = month;
  ledger_rows.insert = qm_store_prepare (self,
                                         "INSERT INTO period_ledger (month, warehouse_id, sku, "
                                         "  name, category, opening_quantity, received_quantity, "
                                         "  issued_quantity, closing_quantity, opening_value_e4, "
                                         "  closing_value_e4, currency) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (ledger_rows.insert == NULL)
    goto fail;
  if (!walk_live (self, starts_at, ends_at, FALSE, store_ledger_row_cb, &ledger_rows, error))
    goto fail_rows;

  valuation_rows.insert = qm_store_prepare (self,
                                            "INSERT INTO period_valuation (month, warehouse_id, "
                                            "  sku, name, category, quantity, unit_cost_e4, "
                                            "  value_e4, currency) "
                                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (valuation_rows.insert == NULL)
    goto fail_rows;
  if (!walk_live (self, NULL, ends_at, TRUE, store_valuation_row_cb, &valuation_rows, error))
    goto fail_rows;
  if (ledger_rows.error != NULL || valuation_rows.error != NULL)
    {
      g_propagate_error (error, ledger_rows.error != NULL ? g_steal_pointer (&ledger_rows.error)
                                                          : g_steal_pointer (&valuation_rows.error));
      goto fail_rows;
    }

  if (!hash_func (self, month, &ledger_sha256, &valuation_sha256, user_data, error))
    goto fail_rows;

  update = qm_store_prepare (self,
                             "UPDATE period_close SET ledger_sha256 = ?2, valuation_sha256 = ?3 "
                             "WHERE month = ?1", error);
  if (update == NULL)
    goto fail_rows;
  bind_text (update, 1, month);
  bind_text (update, 2, ledger_sha256);
  bind_text (update, 3, valuation_sha256);
  if (!step_done (self, update, error))
    goto fail_rows;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "month");
  json_builder_add_string_value (builder, month);
  json_builder_set_member_name (builder, "starts_at");
  json_builder_add_string_value (builder, starts_at);
  json_builder_set_member_name (builder, "ends_at");
  json_builder_add_string_value (builder, ends_at);
  json_builder_set_member_name (builder, "ledger_rows");
  json_builder_add_int_value (builder, ledger_rows.rows);
  json_builder_set_member_name (builder, "ledger_sha256");
  json_builder_add_string_value (builder, ledger_sha256);
  json_builder_set_member_name (builder, "valuation_rows");
  json_builder_add_int_value (builder, valuation_rows.rows);
  json_builder_set_member_name (builder, "valuation_sha256");
  json_builder_add_string_value (builder, valuation_sha256);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  after = json_to_string (root, FALSE);

  if (!qm_store_audit_append_locked (self, who, "period.close", month, NULL, after, error))
    goto fail_rows;

  g_clear_pointer (&ledger_rows.insert, sqlite3_finalize);
  g_clear_pointer (&valuation_rows.insert, sqlite3_finalize);
  return qm_store_commit (self, error);

fail_rows:
  g_clear_pointer (&ledger_rows.insert, sqlite3_finalize);
  g_clear_pointer (&valuation_rows.insert, sqlite3_finalize);
  g_clear_error (&ledger_rows.error);
  g_clear_error (&valuation_rows.error);
fail:
  qm_store_rollback (self);
  return FALSE;
}

/**
 * qm_store_list_closed_periods:
 * @self: a #QmStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type QmPeriodClose): the closed
 *   months, oldest first, or %NULL with @error set
 */
GPtrArray *
qm_store_list_closed_periods (QmStore *self,
                              GError **error)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = qm_store_prepare (self,
                           "SELECT month, starts_at, ends_at, closed_at, closed_by, ledger_sha256, "
                           "  valuation_sha256 FROM period_close ORDER BY month", error);
  if (stmt == NULL)
    return NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_period_close_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmPeriodClose *close = g_new0 (QmPeriodClose, 1);

      close->month = g_strdup (column_text (stmt, 0));
      close->starts_at = g_strdup (column_text (stmt, 1));
      close->ends_at = g_strdup (column_text (stmt, 2));
      close->closed_at = g_strdup (column_text (stmt, 3));
      close->closed_by = g_strdup (column_text (stmt, 4));
      close->ledger_sha256 = g_strdup (column_text (stmt, 5));
      close->valuation_sha256 = g_strdup (column_text (stmt, 6));
      g_ptr_array_add (list, close);
    }

  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the closed periods"), error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

/**
 * qm_store_get_audit_head:
 * @self: a #QmStore
 * @out_seq: (out): the newest entry's seq, 0 for an empty trail
 * @out_hash: (out) (transfer full): its hash, or %NULL for an empty trail
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_get_audit_head (QmStore  *self,
                         gint64   *out_seq,
                         char    **out_hash,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_seq != NULL && out_hash != NULL, FALSE);

  *out_seq = 0;
  *out_hash = NULL;

  stmt = qm_store_prepare (self, "SELECT seq, entry_hash FROM audit ORDER BY seq DESC LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_seq = sqlite3_column_int64 (stmt, 0);
      *out_hash = g_strdup (column_text (stmt, 1));
    }
  else if (rc != SQLITE_DONE)
    {
      return qm_store_set_error (self, rc, _("Could not read the audit trail"), error);
    }

  return TRUE;
}

/**
 * qm_store_get_sku_value:
 * @sku: a SKU
 * @out_value_e4: (out): its value over every warehouse, in ten-thousandths:
 *   each warehouse's quantity × moving average, rounded half to even to
 *   2 digits as the valuation report writes it, then added up
 * @out_currency: (out) (transfer full) (nullable): the currency, or %NULL
 *   when the warehouses holding it report different ones
 *
 * Folds what is new in the ledger first (qm_store_valuation_update()), so
 * the figure equals the valuation report's as of now.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_get_sku_value (QmStore     *self,
                        const char  *sku,
                        gint64      *out_value_e4,
                        char       **out_currency,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *currency = NULL;
  gboolean mixed = FALSE;
  gint64 total = 0;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (sku != NULL, FALSE);

  if (!qm_store_valuation_update (self, NULL, error))
    return FALSE;

  stmt = qm_store_prepare (self,
                           "SELECT v.quantity, v.average_e4, w.currency FROM valuation_state v "
                           "JOIN warehouse w ON w.id = v.warehouse_id "
                           "WHERE v.sku = ? AND v.quantity != 0", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *cur = (const char *) sqlite3_column_text (stmt, 2);
      gint64 value = 0;

      if (!qm_money_mul_qty (sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 0),
                             &value, error))
        return FALSE;
      total += qm_money_round_e4 (value, 2);

      if (currency == NULL && !mixed)
        currency = g_strdup (cur);
      else if (g_strcmp0 (currency, cur) != 0)
        {
          mixed = TRUE;
          g_clear_pointer (&currency, g_free);
        }
    }

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the valuation"), error);

  *out_value_e4 = total;
  if (out_currency != NULL)
    *out_currency = g_steal_pointer (&currency);

  return TRUE;
}
