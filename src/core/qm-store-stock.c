/* qm-store-stock.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's queries behind the Stock page and the SKU detail: product
 * names, a SKU's ledger paged by key (newest first), and sums of a SKU's
 * movements over a period.
 */

#define G_LOG_DOMAIN "qm-store"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-store-private.h"
#include "qm-store-stock.h"

static char *
column_dup (sqlite3_stmt *stmt,
            int           index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

void
qm_sku_movement_clear (QmSkuMovement *self)
{
  g_clear_pointer (&self->warehouse_id, g_free);
  g_clear_pointer (&self->at, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->from_status, g_free);
  g_clear_pointer (&self->to_status, g_free);
  g_clear_pointer (&self->reference, g_free);
  g_clear_pointer (&self->quarantine_reason, g_free);
}

/**
 * qm_store_foreach_product:
 *
 * Calls @func for every product every warehouse lists, sorted bytewise by
 * warehouse and SKU (the primary key's order: no sort step).
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_product (QmStore          *self,
                          QmProductRowFunc  func,
                          gpointer          user_data,
                          GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = qm_store_prepare (self,
                           "SELECT warehouse_id, sku, name, category FROM product "
                           "ORDER BY warehouse_id, sku", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!func ((const char *) sqlite3_column_text (stmt, 0),
                 (const char *) sqlite3_column_text (stmt, 1),
                 (const char *) sqlite3_column_text (stmt, 2),
                 (const char *) sqlite3_column_text (stmt, 3),
                 user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the products"), error);

  return TRUE;
}

/**
 * qm_store_foreach_stock_sku:
 *
 * Calls @func for every SKU and warehouse holding stock, with the four
 * status quantities at once, sorted bytewise by SKU then warehouse (the
 * summary's key order: no sort step). The summary is rebuilt for a
 * warehouse whenever its snapshot is replaced.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_stock_sku (QmStore        *self,
                            QmStockSkuFunc  func,
                            gpointer        user_data,
                            GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = qm_store_prepare (self,
                           "SELECT sku, warehouse_id, defective, pending_inspection, qualified, "
                           "  supplier_return FROM stock_sku ORDER BY sku, warehouse_id", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 quantities[QM_N_STOCK_STATUSES];

      for (guint i = 0; i < QM_N_STOCK_STATUSES; i++)
        quantities[i] = sqlite3_column_int64 (stmt, 2 + i);

      if (!func ((const char *) sqlite3_column_text (stmt, 0),
                 (const char *) sqlite3_column_text (stmt, 1),
                 quantities, user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return qm_store_set_error (self, rc, _("Could not read the stock"), error);

  return TRUE;
}

/**
 * qm_store_list_sku_movements:
 * @before: (nullable): the last movement of the previous page, or %NULL
 *   for the newest
 * @limit: how many movements at most
 *
 * A page of the ledger of @sku over every warehouse, newest first (by
 * time, then warehouse and sequence, descending). The next page starts
 * after the key of the last movement returned: no OFFSET.
 *
 * Returns: (transfer full) (element-type QmSkuMovement): the movements
 */
GArray *
qm_store_list_sku_movements (QmStore             *self,
                             const char          *sku,
                             const QmSkuMovement *before,
                             guint                limit,
                             GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) movements = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);
  g_return_val_if_fail (sku != NULL, NULL);

  stmt = qm_store_prepare (self,
                           "SELECT warehouse_id, seq, at, kind, quantity, from_status, to_status, "
                           "unit_cost, reference, quarantine_reason FROM movement "
                           "WHERE sku = ?1 AND (?2 IS NULL OR (at, warehouse_id, seq) < (?2, ?3, ?4)) "
                           "ORDER BY at DESC, warehouse_id DESC, seq DESC LIMIT ?5", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_TRANSIENT);
  if (before != NULL)
    {
      sqlite3_bind_text (stmt, 2, before->at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, before->warehouse_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, before->seq);
    }
  sqlite3_bind_int64 (stmt, 5, limit);

  movements = g_array_new (FALSE, TRUE, sizeof (QmSkuMovement));
  g_array_set_clear_func (movements, (GDestroyNotify) qm_sku_movement_clear);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmSkuMovement m = { 0 };

      m.warehouse_id = column_dup (stmt, 0);
      m.seq = sqlite3_column_int64 (stmt, 1);
      m.at = column_dup (stmt, 2);
      m.kind = column_dup (stmt, 3);
      m.quantity = sqlite3_column_int64 (stmt, 4);
      m.from_status = column_dup (stmt, 5);
      m.to_status = column_dup (stmt, 6);
      m.has_unit_cost = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
      m.unit_cost = sqlite3_column_int64 (stmt, 7);
      m.reference = column_dup (stmt, 8);
      m.quarantine_reason = column_dup (stmt, 9);
      g_array_append_val (movements, m);
    }

  if (rc != SQLITE_DONE)
    {
      qm_store_set_error (self, rc, _("Could not read the movements"), error);
      return NULL;
    }

  return g_steal_pointer (&movements);
}

/**
 * qm_store_get_ledger_end_at:
 *
 * The time of the newest movement in the cache (the last one of each
 * warehouse's ledger, by sequence), found through the primary key.
 *
 * Returns: (transfer full) (nullable): the time, or %NULL (without an
 *   error) when the cache holds no movement
 */
char *
qm_store_get_ledger_end_at (QmStore *self,
                                 GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = qm_store_prepare (self,
                           "SELECT MAX((SELECT m.at FROM movement m WHERE m.warehouse_id = w.id "
                           "ORDER BY m.seq DESC LIMIT 1)) FROM warehouse w", error);
  if (stmt == NULL)
    return NULL;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return column_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    qm_store_set_error (self, rc, _("Could not read the movements"), error);

  return NULL;
}

/**
 * qm_store_sum_sku_movements:
 * @kind: a movement kind, as the protocol names it
 * @from_at: the period's start (excluded)
 * @to_at: the period's end (included)
 *
 * Sums the quantity of the movements of @sku of @kind in a period, over
 * every warehouse, leaving out quarantined movements.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_sum_sku_movements (QmStore    *self,
                            const char *sku,
                            const char *kind,
                            const char *from_at,
                            const char *to_at,
                            gint64     *out_quantity,
                            GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (sku != NULL, FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (from_at != NULL, FALSE);
  g_return_val_if_fail (to_at != NULL, FALSE);
  g_return_val_if_fail (out_quantity != NULL, FALSE);

  stmt = qm_store_prepare (self,
                           "SELECT COALESCE(SUM(quantity), 0) FROM movement "
                           "WHERE sku = ?1 AND kind = ?2 AND at > ?3 AND at <= ?4 "
                           "AND quarantine_reason IS NULL", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, from_at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, to_at, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return qm_store_set_error (self, rc, _("Could not read the movements"), error);

  *out_quantity = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}
