/* qm-protocol.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "qm-store.h"

G_BEGIN_DECLS

/* Bodies larger or deeper than this are refused before they are parsed. */
#define QM_PROTOCOL_MAX_BODY   (32 * 1024 * 1024)
#define QM_PROTOCOL_MAX_DEPTH  64
#define QM_PROTOCOL_VERSION    1
#define QM_PROTOCOL_MAX_QUANTITY G_GINT64_CONSTANT (1000000000000)

typedef struct
{
  QmWarehouse *warehouse;
  gint64       protocol;
  gint64       last_seq;
} QmWarehouseInfo;

typedef struct
{
  GStringChunk *strings;
  GArray       *products;     /* QmProduct, strings in @strings */
  char         *next_page_token;
} QmProductPage;

typedef struct
{
  GStringChunk *strings;
  GArray       *items;        /* QmStockItem */
  gint64        as_of_seq;
  char         *next_page_token;
} QmStockPage;

typedef struct
{
  GStringChunk *strings;
  GArray       *movements;    /* QmMovement; quarantined ones carry a reason */
  gint64        last_seq;
  guint         n_quarantined;
} QmMovementPage;

void              qm_warehouse_info_free     (QmWarehouseInfo *info);
void              qm_product_page_free       (QmProductPage   *page);
void              qm_stock_page_free         (QmStockPage     *page);
void              qm_movement_page_free      (QmMovementPage  *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmWarehouseInfo, qm_warehouse_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmProductPage, qm_product_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmStockPage, qm_stock_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmMovementPage, qm_movement_page_free)

gboolean          qm_protocol_check_body     (const char      *data,
                                              gsize            len,
                                              gsize            max_size,
                                              guint            max_depth,
                                              GError         **error);
QmWarehouseInfo  *qm_protocol_parse_warehouse (const char     *data,
                                              gsize            len,
                                              GError         **error);
QmProductPage    *qm_protocol_parse_products (const char      *data,
                                              gsize            len,
                                              GError         **error);
QmStockPage      *qm_protocol_parse_stock    (const char      *data,
                                              gsize            len,
                                              GError         **error);
QmMovementPage   *qm_protocol_parse_movements (const char     *data,
                                              gsize            len,
                                              gint64           after_seq,
                                              GError         **error);
char             *qm_protocol_check_movement (const QmMovement *movement);
char             *qm_protocol_problem_detail (const char      *data,
                                              gsize            len);

G_END_DECLS
