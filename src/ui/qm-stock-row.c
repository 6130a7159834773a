/* qm-stock-row.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SKU of the Stock page as an object, made only for the rows on
 * screen: a reference to the table and a row index, nothing copied.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-stock-row.h"

struct _QmStockRow
{
  GObject       parent_instance;

  QmStockTable *table;
  guint         row;
};

G_DEFINE_FINAL_TYPE (QmStockRow, qm_stock_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SKU,
  PROP_NAME,
  PROP_CATEGORY,
  PROP_TOTAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * qm_stock_row_new:
 * @table: a sealed table
 * @row: a row of @table
 *
 * Returns: (transfer full): a new row object
 */
QmStockRow *
qm_stock_row_new (QmStockTable *table,
                  guint         row)
{
  QmStockRow *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (row < qm_stock_table_get_n_rows (table), NULL);

  self = g_object_new (QM_TYPE_STOCK_ROW, NULL);
  self->table = qm_stock_table_ref (table);
  self->row = row;

  return self;
}

QmStockTable *
qm_stock_row_get_table (QmStockRow *self)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), NULL);

  return self->table;
}

guint
qm_stock_row_get_row (QmStockRow *self)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), 0);

  return self->row;
}

const char *
qm_stock_row_get_sku (QmStockRow *self)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), NULL);

  return qm_stock_table_get_sku (self->table, self->row);
}

const char *
qm_stock_row_get_name (QmStockRow *self)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), NULL);

  return qm_stock_table_get_name (self->table, self->row);
}

const char *
qm_stock_row_get_category (QmStockRow *self)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), NULL);

  return qm_stock_table_get_category (self->table, self->row);
}

gint64
qm_stock_row_get_quantity (QmStockRow    *self,
                           QmStockStatus  status)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), 0);

  return qm_stock_table_get_quantity (self->table, self->row, status);
}

gint64
qm_stock_row_get_total (QmStockRow *self)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), 0);

  return qm_stock_table_get_total (self->table, self->row);
}

gint64
qm_stock_row_get_warehouse_total (QmStockRow *self,
                                  guint       warehouse)
{
  g_return_val_if_fail (QM_IS_STOCK_ROW (self), 0);

  return qm_stock_table_get_warehouse_total (self->table, self->row, warehouse);
}

static void
qm_stock_row_finalize (GObject *object)
{
  QmStockRow *self = (QmStockRow *)object;

  g_clear_pointer (&self->table, qm_stock_table_unref);

  G_OBJECT_CLASS (qm_stock_row_parent_class)->finalize (object);
}

static void
qm_stock_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  QmStockRow *self = QM_STOCK_ROW (object);

  switch (prop_id)
    {
    case PROP_SKU:
      g_value_set_string (value, self->table ? qm_stock_row_get_sku (self) : NULL);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->table ? qm_stock_row_get_name (self) : NULL);
      break;

    case PROP_CATEGORY:
      g_value_set_string (value, self->table ? qm_stock_row_get_category (self) : NULL);
      break;

    case PROP_TOTAL:
      g_value_set_int64 (value, self->table ? qm_stock_row_get_total (self) : 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_stock_row_class_init (QmStockRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qm_stock_row_finalize;
  object_class->get_property = qm_stock_row_get_property;

  properties[PROP_SKU] =
    g_param_spec_string ("sku", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOTAL] =
    g_param_spec_int64 ("total", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qm_stock_row_init (QmStockRow *self)
{
}
