/* qm-stock-table.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-types.h"

G_BEGIN_DECLS

/* The consolidated stock of every SKU, in compact arrays: one row per SKU
 * (sorted bytewise by SKU), its quantity per status, and its quantity per
 * warehouse and status. A sealed table is immutable and may be read from
 * any thread; queries produce permutations of row indexes. */
typedef struct _QmStockTable QmStockTable;

typedef enum
{
  QM_STOCK_SORT_SKU,
  QM_STOCK_SORT_NAME,
  QM_STOCK_SORT_CATEGORY,
  QM_STOCK_SORT_STATUS,      /* sort_index is a QmStockStatus */
  QM_STOCK_SORT_TOTAL,
  QM_STOCK_SORT_WAREHOUSE,   /* sort_index is a warehouse index */
} QmStockSort;

typedef struct
{
  const char  *search;        /* case-insensitive substring of SKU, name or category; NULL or "" for all */
  int          warehouse;     /* warehouse index, or -1 for all */
  int          category;      /* category index, or -1 for all */
  int          status;        /* QmStockStatus with units > 0, or -1 for all */
  gboolean     out_of_stock;  /* only SKUs without qualified units */
  QmStockSort  sort;
  guint        sort_index;
  gboolean     descending;
} QmStockQuery;

#define QM_STOCK_QUERY_INIT { NULL, -1, -1, -1, FALSE, QM_STOCK_SORT_SKU, 0, FALSE }

GType          qm_stock_table_get_type          (void) G_GNUC_CONST;

QmStockTable  *qm_stock_table_new               (void);
QmStockTable  *qm_stock_table_ref               (QmStockTable       *self);
void           qm_stock_table_unref             (QmStockTable       *self);

guint          qm_stock_table_add_warehouse     (QmStockTable       *self,
                                                 const char         *id,
                                                 const char         *name);
void           qm_stock_table_add_product       (QmStockTable       *self,
                                                 const char         *sku,
                                                 const char         *name,
                                                 const char         *category);
gboolean       qm_stock_table_add_stock_row     (QmStockTable       *self,
                                                 guint               warehouse,
                                                 const char         *sku,
                                                 const gint64       *quantities);
gboolean       qm_stock_table_add_stock         (QmStockTable       *self,
                                                 guint               warehouse,
                                                 const char         *sku,
                                                 QmStockStatus       status,
                                                 gint64              quantity);
void           qm_stock_table_seal              (QmStockTable       *self);

QmStockTable  *qm_stock_table_load              (QmStore            *store,
                                                 GCancellable       *cancellable,
                                                 GError            **error);

guint          qm_stock_table_get_n_rows        (QmStockTable       *self);
guint          qm_stock_table_get_n_warehouses  (QmStockTable       *self);
const char    *qm_stock_table_get_warehouse_id  (QmStockTable       *self,
                                                 guint               warehouse);
const char    *qm_stock_table_get_warehouse_name (QmStockTable      *self,
                                                 guint               warehouse);
guint          qm_stock_table_get_n_categories  (QmStockTable       *self);
const char    *qm_stock_table_get_category_name (QmStockTable       *self,
                                                 guint               category);
int            qm_stock_table_find_sku          (QmStockTable       *self,
                                                 const char         *sku);

const char    *qm_stock_table_get_sku           (QmStockTable       *self,
                                                 guint               row);
const char    *qm_stock_table_get_name          (QmStockTable       *self,
                                                 guint               row);
const char    *qm_stock_table_get_category      (QmStockTable       *self,
                                                 guint               row);
gint64         qm_stock_table_get_quantity      (QmStockTable       *self,
                                                 guint               row,
                                                 QmStockStatus       status);
gint64         qm_stock_table_get_total         (QmStockTable       *self,
                                                 guint               row);
gint64         qm_stock_table_get_cell          (QmStockTable       *self,
                                                 guint               row,
                                                 guint               warehouse,
                                                 QmStockStatus       status);
gint64         qm_stock_table_get_warehouse_total (QmStockTable     *self,
                                                 guint               row,
                                                 guint               warehouse);

guint32       *qm_stock_table_query             (QmStockTable       *self,
                                                 const QmStockQuery *query,
                                                 GCancellable       *cancellable,
                                                 guint              *out_n_rows);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmStockTable, qm_stock_table_unref)

G_END_DECLS
