/* qm-valuation.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Moving weighted average cost, per warehouse and SKU. The engine knows
 * nothing of SQL: the store walks the ledger and feeds movements in seq
 * order; the same functions serve the incremental fold, the full rebuild
 * and the reports, so all three agree by construction.
 *
 * Decisions (also in help/C/valuation.page):
 *
 * - Quarantined movements never count (the store leaves them out).
 * - inspection and status_change move nothing in or out; every unit is
 *   valued whatever its status.
 * - opening_balance and purchase_inbound carry a cost and move the average:
 *   avg = (q_before × avg + q_in × cost) / (q_before + q_in), rounded half
 *   to even to 4 digits at every receipt. When nothing (or less than
 *   nothing, after an over-issue) is held, the receipt's cost becomes the
 *   average.
 * - transfer_in comes in at the sender's average at its matching
 *   transfer_out (same sku, same reference, each naming the other as
 *   counterparty) when the sender's ledger holds it; that is a receipt with
 *   a cost. Otherwise it comes in at the current average, like
 *   customer_return and a gain adjustment: the quantity grows and the
 *   average stays (zero if the SKU never had one).
 * - Issues (sales_outbound, transfer_out, supplier_return, loss adjustment)
 *   never change the average.
 * - A value is quantity × average, kept exact in ten-thousandths and
 *   rounded half to even to 2 digits only when written.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * QmValuationEffect:
 * @QM_VALUATION_NONE: moves nothing in or out (status changes, unknown kinds)
 * @QM_VALUATION_RECEIPT_AT_COST: a receipt carrying its unit cost
 * @QM_VALUATION_RECEIPT_AT_AVERAGE: a receipt at the current average
 * @QM_VALUATION_TRANSFER_IN: a receipt at the sender's average where known
 * @QM_VALUATION_TRANSFER_OUT: an issue whose average the receiver may need
 * @QM_VALUATION_ISSUE: any other issue
 */
typedef enum
{
  QM_VALUATION_NONE,
  QM_VALUATION_RECEIPT_AT_COST,
  QM_VALUATION_RECEIPT_AT_AVERAGE,
  QM_VALUATION_TRANSFER_IN,
  QM_VALUATION_TRANSFER_OUT,
  QM_VALUATION_ISSUE,
} QmValuationEffect;

typedef struct
{
  gint64 quantity;     /* units held, every status */
  gint64 average_e4;   /* moving average cost, ten-thousandths */
} QmValuationState;

QmValuationEffect qm_valuation_effect       (const char             *kind,
                                             const char             *from_status,
                                             const char             *to_status);
gboolean          qm_valuation_is_receipt   (QmValuationEffect       effect);
gboolean          qm_valuation_is_issue     (QmValuationEffect       effect);
gboolean          qm_valuation_receive      (QmValuationState       *state,
                                             gint64                  quantity,
                                             gboolean                has_cost,
                                             gint64                  cost_e4,
                                             GError                **error);
gboolean          qm_valuation_issue        (QmValuationState       *state,
                                             gint64                  quantity,
                                             GError                **error);
gboolean          qm_valuation_apply        (QmValuationState       *state,
                                             QmValuationEffect       effect,
                                             gint64                  quantity,
                                             gboolean                has_cost,
                                             gint64                  cost_e4,
                                             GError                **error);
gboolean          qm_valuation_value        (const QmValuationState *state,
                                             gint64                 *out_value_e4,
                                             GError                **error);

G_END_DECLS
