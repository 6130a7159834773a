/* qm-store-ledger.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The finance side of the store: the incremental valuation fold, the
 * stock ledger and valuation walks that reports stream, and period close.
 *
 * Time: a period is a half-open range of UTC instants [from_at, to_at)
 * (qm_report_day_range() makes one from whole days in the company time
 * zone). Opening figures fold every movement before from_at, closing
 * figures every movement before to_at, each in seq order; received and
 * issued add up the units in between, so opening + received - issued =
 * closing holds exactly for quantities.
 *
 * Late postings: once a month is closed, a movement that arrives later
 * (its seq is past the warehouse's watermark at the close) but is dated
 * inside a closed month counts as if dated at the end of the last month
 * closed before it arrived, i.e. at the start of the first period that was
 * open then. It shows as received or issued there; closed figures never
 * change, and a closed month's reports are read back from the figures
 * stored at the close.
 */

#pragma once

#include <glib.h>

#include "qm-store.h"

G_BEGIN_DECLS

/* The folded state of one warehouse and SKU. */
typedef struct
{
  const char *warehouse_id;
  const char *sku;
  gint64      quantity;
  gint64      average_e4;
  gint64      last_seq;
} QmValuationRow;

/* One row of a stock ledger (or, with only the closing side, of a
 * valuation). Values are exact (quantity × average); round when writing. */
typedef struct
{
  const char *warehouse_id;
  const char *sku;
  const char *name;
  const char *category;
  const char *currency;
  gint64      opening_quantity;
  gint64      received_quantity;
  gint64      issued_quantity;
  gint64      closing_quantity;
  gint64      opening_average_e4;
  gint64      closing_average_e4;
  gint64      opening_value_e4;
  gint64      closing_value_e4;
} QmLedgerRow;

/* Where a warehouse's ledger fold and its snapshot disagree. */
typedef struct
{
  const char *warehouse_id;
  const char *sku;
  const char *status;
  gint64      ledger_quantity;
  gint64      snapshot_quantity;
} QmReconciliationRow;

typedef struct
{
  char *month;        /* YYYY-MM */
  char *starts_at;
  char *ends_at;
  char *closed_at;
  char *closed_by;
  char *ledger_sha256;
  char *valuation_sha256;
} QmPeriodClose;

void qm_period_close_free (QmPeriodClose *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmPeriodClose, qm_period_close_free)

typedef gboolean (*QmValuationRowFunc) (const QmValuationRow *row,
                                        gpointer              user_data);
typedef gboolean (*QmLedgerRowFunc)    (const QmLedgerRow    *row,
                                        gpointer              user_data);
typedef gboolean (*QmReconciliationRowFunc) (const QmReconciliationRow *row,
                                             gpointer                   user_data);

/* Called inside the close's transaction, once the month's figures are
 * stored, to hash them as the reports write them. */
typedef gboolean (*QmPeriodHashFunc)   (QmStore              *store,
                                        const char           *month,
                                        char                **out_ledger_sha256,
                                        char                **out_valuation_sha256,
                                        gpointer              user_data,
                                        GError              **error);

gboolean       qm_store_valuation_update        (QmStore             *self,
                                                 gboolean            *out_rebuilt,
                                                 GError             **error);
gboolean       qm_store_valuation_rebuild       (QmStore             *self,
                                                 GError             **error);
gboolean       qm_store_foreach_valuation_state (QmStore             *self,
                                                 QmValuationRowFunc   func,
                                                 gpointer             user_data,
                                                 GError             **error);

gboolean       qm_store_get_sku_value           (QmStore             *self,
                                                 const char          *sku,
                                                 gint64              *out_value_e4,
                                                 char               **out_currency,
                                                 GError             **error);
gboolean       qm_store_foreach_ledger          (QmStore             *self,
                                                 const char          *from_at,
                                                 const char          *to_at,
                                                 QmLedgerRowFunc      func,
                                                 gpointer             user_data,
                                                 GError             **error);
gboolean       qm_store_foreach_valuation       (QmStore             *self,
                                                 const char          *at,
                                                 QmLedgerRowFunc      func,
                                                 gpointer             user_data,
                                                 GError             **error);
gboolean       qm_store_foreach_reconciliation  (QmStore             *self,
                                                 QmReconciliationRowFunc func,
                                                 gpointer             user_data,
                                                 GError             **error);

gboolean       qm_store_close_period            (QmStore             *self,
                                                 const char          *month,
                                                 const char          *starts_at,
                                                 const char          *ends_at,
                                                 const char          *user,
                                                 QmPeriodHashFunc     hash_func,
                                                 gpointer             user_data,
                                                 GError             **error);
GPtrArray     *qm_store_list_closed_periods     (QmStore             *self,
                                                 GError             **error);
gboolean       qm_store_get_audit_head          (QmStore             *self,
                                                 gint64              *out_seq,
                                                 char               **out_hash,
                                                 GError             **error);

G_END_DECLS
