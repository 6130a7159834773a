/* qm-valuation.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The moving weighted average, one movement at a time. See
 * qm-valuation.h for the rules and why.
 */

#define G_LOG_DOMAIN "qm-valuation"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "qm-error.h"
#include "qm-money.h"
#include "qm-valuation.h"

/**
 * qm_valuation_effect:
 * @kind: the movement's kind, as the protocol names it
 * @from_status: (nullable): the status the units leave
 * @to_status: (nullable): the status the units enter
 *
 * Says what a movement does to the quantity and the average. An
 * adjustment is a gain when it only sets @to_status and a loss when it
 * only sets @from_status.
 *
 * Returns: the effect; %QM_VALUATION_NONE for unknown kinds
 */
QmValuationEffect
qm_valuation_effect (const char *kind,
                     const char *from_status,
                     const char *to_status)
{
  g_return_val_if_fail (kind != NULL, QM_VALUATION_NONE);

  if (strcmp (kind, "opening_balance") == 0 || strcmp (kind, "purchase_inbound") == 0)
    return QM_VALUATION_RECEIPT_AT_COST;
  if (strcmp (kind, "customer_return") == 0)
    return QM_VALUATION_RECEIPT_AT_AVERAGE;
  if (strcmp (kind, "transfer_in") == 0)
    return QM_VALUATION_TRANSFER_IN;
  if (strcmp (kind, "transfer_out") == 0)
    return QM_VALUATION_TRANSFER_OUT;
  if (strcmp (kind, "sales_outbound") == 0 || strcmp (kind, "supplier_return") == 0)
    return QM_VALUATION_ISSUE;
  if (strcmp (kind, "adjustment") == 0)
    {
      if (from_status == NULL && to_status != NULL)
        return QM_VALUATION_RECEIPT_AT_AVERAGE;
      if (from_status != NULL && to_status == NULL)
        return QM_VALUATION_ISSUE;
    }

  /* inspection, status_change, and anything this version does not know */
  return QM_VALUATION_NONE;
}

/**
 * qm_valuation_is_receipt:
 * @effect: a #QmValuationEffect
 *
 * Returns: %TRUE if units of this effect count as received in the ledger
 */
gboolean
qm_valuation_is_receipt (QmValuationEffect effect)
{
  return effect == QM_VALUATION_RECEIPT_AT_COST ||
         effect == QM_VALUATION_RECEIPT_AT_AVERAGE ||
         effect == QM_VALUATION_TRANSFER_IN;
}

/**
 * qm_valuation_is_issue:
 * @effect: a #QmValuationEffect
 *
 * Returns: %TRUE if units of this effect count as issued in the ledger
 */
gboolean
qm_valuation_is_issue (QmValuationEffect effect)
{
  return effect == QM_VALUATION_TRANSFER_OUT || effect == QM_VALUATION_ISSUE;
}

static gboolean
set_quantity_error (GError **error)
{
  g_set_error_literal (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("A stock quantity is too large to compute; check the quantities "
                         "the warehouse reported"));
  return FALSE;
}

/**
 * qm_valuation_receive:
 * @state: the SKU's state in one warehouse
 * @quantity: units received (positive)
 * @has_cost: whether the receipt carries a unit cost
 * @cost_e4: that cost, in ten-thousandths
 * @error: return location for a #GError
 *
 * A receipt with a cost moves the average (half to even at 4 digits); one
 * without comes in at the current average, which therefore stays. When
 * the quantity held before is zero or negative, a cost becomes the
 * average as it is.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_BAD_DATA on overflow
 */
gboolean
qm_valuation_receive (QmValuationState  *state,
                      gint64             quantity,
                      gboolean           has_cost,
                      gint64             cost_e4,
                      GError           **error)
{
  gint64 total;
  gint64 average;

  g_return_val_if_fail (state != NULL, FALSE);

  average = state->average_e4;
  if (__builtin_add_overflow (state->quantity, quantity, &total))
    return set_quantity_error (error);

  if (has_cost)
    {
      if (state->quantity <= 0)
        average = cost_e4;
      else if (!qm_money_moving_average (state->quantity, state->average_e4, quantity,
                                         cost_e4, &average, error))
        return FALSE;
    }

  state->quantity = total;
  state->average_e4 = average;
  return TRUE;
}

/**
 * qm_valuation_issue:
 * @state: the SKU's state in one warehouse
 * @quantity: units issued (positive)
 * @error: return location for a #GError
 *
 * Units leave at the average, which stays.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_BAD_DATA on overflow
 */
gboolean
qm_valuation_issue (QmValuationState  *state,
                    gint64             quantity,
                    GError           **error)
{
  gint64 total;

  g_return_val_if_fail (state != NULL, FALSE);

  if (__builtin_sub_overflow (state->quantity, quantity, &total))
    return set_quantity_error (error);

  state->quantity = total;
  return TRUE;
}

/**
 * qm_valuation_apply:
 * @state: the SKU's state in one warehouse
 * @effect: what the movement does
 * @quantity: the movement's quantity
 * @has_cost: whether a cost applies: the movement's own for
 *   %QM_VALUATION_RECEIPT_AT_COST, the sender's average for a
 *   %QM_VALUATION_TRANSFER_IN whose transfer_out is known
 * @cost_e4: that cost
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qm_valuation_apply (QmValuationState  *state,
                    QmValuationEffect  effect,
                    gint64             quantity,
                    gboolean           has_cost,
                    gint64             cost_e4,
                    GError           **error)
{
  g_return_val_if_fail (state != NULL, FALSE);

  switch (effect)
    {
    case QM_VALUATION_RECEIPT_AT_COST:
    case QM_VALUATION_TRANSFER_IN:
      return qm_valuation_receive (state, quantity, has_cost, cost_e4, error);
    case QM_VALUATION_RECEIPT_AT_AVERAGE:
      return qm_valuation_receive (state, quantity, FALSE, 0, error);
    case QM_VALUATION_TRANSFER_OUT:
    case QM_VALUATION_ISSUE:
      return qm_valuation_issue (state, quantity, error);
    case QM_VALUATION_NONE:
    default:
      return TRUE;
    }
}

/**
 * qm_valuation_value:
 * @state: a state
 * @out_value_e4: (out): quantity × average, exact, in ten-thousandths
 * @error: return location for a #GError
 *
 * Round with qm_money_format (value, 2) when writing.
 *
 * Returns: %TRUE on success; %FALSE with %QM_ERROR_BAD_DATA on overflow
 */
gboolean
qm_valuation_value (const QmValuationState  *state,
                    gint64                  *out_value_e4,
                    GError                 **error)
{
  g_return_val_if_fail (state != NULL, FALSE);
  g_return_val_if_fail (out_value_e4 != NULL, FALSE);

  return qm_money_mul_qty (state->average_e4, state->quantity, out_value_e4, error);
}
