/* qm-sim-types.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Stock statuses, numbered in the bytewise order of their names so that
 * sorting by index sorts like memcmp() on the JSON strings.
 */
typedef enum
{
  QM_SIM_STATUS_DEFECTIVE,
  QM_SIM_STATUS_PENDING_INSPECTION,
  QM_SIM_STATUS_QUALIFIED,
  QM_SIM_STATUS_SUPPLIER_RETURN,
  QM_SIM_N_STATUSES,
} QmSimStatus;

#define QM_SIM_STATUS_NONE (-1)

typedef enum
{
  QM_SIM_KIND_OPENING_BALANCE,
  QM_SIM_KIND_PURCHASE_INBOUND,
  QM_SIM_KIND_INSPECTION,
  QM_SIM_KIND_STATUS_CHANGE,
  QM_SIM_KIND_SALES_OUTBOUND,
  QM_SIM_KIND_CUSTOMER_RETURN,
  QM_SIM_KIND_TRANSFER_OUT,
  QM_SIM_KIND_TRANSFER_IN,
  QM_SIM_KIND_SUPPLIER_RETURN,
  QM_SIM_KIND_ADJUSTMENT,
  QM_SIM_N_KINDS,
} QmSimKind;

/* Quantities above this are refused (contract: 0 < q <= 1e12). */
#define QM_SIM_MAX_QUANTITY G_GINT64_CONSTANT (1000000000000)

/**
 * QmSimMovement:
 *
 * One ledger entry, kept compact: strings point into the owning
 * warehouse's string chunk, statuses/channels/reasons are small indices
 * (-1 when the field is null).
 */
typedef struct
{
  gint64      seq;
  gint64      at;            /* seconds since the Unix epoch, UTC */
  gint64      quantity;
  gint64      unit_cost;     /* ten-thousandths, -1 when null */
  const char *reference;     /* NULL when null */
  const char *counterparty;  /* NULL when null */
  guint32     sku;           /* index into the catalog */
  guint8      kind;          /* QmSimKind */
  gint8       from_status;
  gint8       to_status;
  gint8       channel;
  gint8       reason;
} QmSimMovement;

const char *qm_sim_status_to_string  (int         status);
int         qm_sim_status_from_string (const char *str);
const char *qm_sim_kind_to_string    (int         kind);
guint       qm_sim_n_channels        (void);
const char *qm_sim_channel_to_string (int         channel);
guint       qm_sim_channel_weight    (int         channel);
guint       qm_sim_n_reasons         (void);
const char *qm_sim_reason_to_string  (int         reason);

/* Indices into the reason table (see qm-sim-types.c). */
enum
{
  QM_SIM_REASON_STOCK_COUNT,
  QM_SIM_REASON_DAMAGE,
  QM_SIM_REASON_EXPIRED,
  QM_SIM_REASON_SHRINKAGE,
  QM_SIM_REASON_FOUND_IN_COUNT,
  QM_SIM_REASON_DAMAGED_IN_STORAGE,
  QM_SIM_REASON_STAGED_FOR_RETURN,
  QM_SIM_N_REASONS,
};

G_END_DECLS
