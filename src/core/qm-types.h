/* qm-types.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _QmStore QmStore;

/**
 * QmStockStatus:
 *
 * The status of a unit of physical stock in a warehouse. The order is
 * the bytewise order of the names, as the protocol sorts them.
 */
typedef enum
{
  QM_STOCK_STATUS_DEFECTIVE,
  QM_STOCK_STATUS_PENDING_INSPECTION,
  QM_STOCK_STATUS_QUALIFIED,
  QM_STOCK_STATUS_SUPPLIER_RETURN,
  QM_N_STOCK_STATUSES,
} QmStockStatus;

/**
 * QmMovementKind:
 *
 * The kinds of movement a warehouse ledger may hold.
 */
typedef enum
{
  QM_MOVEMENT_OPENING_BALANCE,
  QM_MOVEMENT_PURCHASE_INBOUND,
  QM_MOVEMENT_INSPECTION,
  QM_MOVEMENT_STATUS_CHANGE,
  QM_MOVEMENT_SALES_OUTBOUND,
  QM_MOVEMENT_CUSTOMER_RETURN,
  QM_MOVEMENT_TRANSFER_OUT,
  QM_MOVEMENT_TRANSFER_IN,
  QM_MOVEMENT_SUPPLIER_RETURN,
  QM_MOVEMENT_ADJUSTMENT,
  QM_N_MOVEMENT_KINDS,
} QmMovementKind;

/**
 * QmAllocationMode:
 *
 * How an allocation rule turns a pool of stock into channel stock.
 */
typedef enum
{
  QM_ALLOCATION_SHARED,
  QM_ALLOCATION_RATIO,
  QM_ALLOCATION_REGION,
  QM_ALLOCATION_PERFORMANCE,
} QmAllocationMode;

/**
 * QmSalesSegment:
 *
 * The parts a channel's sellable quantity of a SKU is made of.
 */
typedef enum
{
  QM_SALES_SEGMENT_REGULAR,
  QM_SALES_SEGMENT_PROMOTIONAL,
  QM_SALES_SEGMENT_PRE_SALE,
  QM_SALES_SEGMENT_OVERSELL,
} QmSalesSegment;

/**
 * QmChannelKind:
 *
 * What kind of sales channel a channel is.
 */
typedef enum
{
  QM_CHANNEL_KIND_OWN_APP,
  QM_CHANNEL_KIND_PC_WEB,
  QM_CHANNEL_KIND_MINI_PROGRAM,
  QM_CHANNEL_KIND_MARKETPLACE,
  QM_CHANNEL_KIND_OTHER,
} QmChannelKind;

const char *qm_stock_status_to_string      (QmStockStatus    status);
gboolean    qm_stock_status_from_string    (const char      *text,
                                            QmStockStatus   *out_status);
const char *qm_movement_kind_to_string     (QmMovementKind   kind);
gboolean    qm_movement_kind_from_string   (const char      *text,
                                            QmMovementKind  *out_kind);
const char *qm_allocation_mode_to_string   (QmAllocationMode mode);
gboolean    qm_allocation_mode_from_string (const char      *text,
                                            QmAllocationMode *out_mode);
const char *qm_channel_kind_to_string      (QmChannelKind    kind);
gboolean    qm_channel_kind_from_string    (const char      *text,
                                            QmChannelKind   *out_kind);

gboolean    qm_sku_is_valid                (const char      *sku);

G_END_DECLS
