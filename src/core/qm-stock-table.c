/* qm-stock-table.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Stock page's data without GTK: one compact row per SKU with its
 * strings interned once, quantities per warehouse and status in one flat
 * array, and every sort key reduced to an integer when the table is
 * sealed, so that a query (filter then sort) is a scan and one qsort of
 * integer pairs. Queries run in worker threads on a sealed table.
 */

#define G_LOG_DOMAIN "qm-stock-table"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "qm-stock-table.h"
#include "qm-store-stock.h"
#include "qm-store.h"

#define NO_CATEGORY G_MAXUINT32
#define CANCEL_CHECK_EVERY 65536

typedef struct
{
  const char *sku;
  const char *name;
  const char *folded;      /* casefolded "sku\x1fname\x1fcategory", for search */
  guint32     category;    /* index into categories, or NO_CATEGORY */
  guint32     name_rank;   /* position in the rows sorted by collated name */
  gint64      quantity[QM_N_STOCK_STATUSES];
  gint64      total;
} Row;

typedef struct
{
  const char *name;
  const char *category;    /* NULL without one */
} Product;

struct _QmStockTable
{
  gatomicrefcount  ref_count;
  gboolean         sealed;

  GStringChunk    *strings;
  GPtrArray       *warehouse_ids;     /* (element-type utf8) in strings */
  GPtrArray       *warehouse_names;
  GPtrArray       *categories;        /* sorted by collation once sealed */

  GArray          *rows;              /* Row, sorted bytewise by SKU once sealed */
  GArray          *cells;             /* gint64 [row][warehouse][status] */

  /* Only while building. */
  GHashTable      *sku_rows;          /* sku -> row + 1 */
  GHashTable      *products;          /* sku -> Product */
  GHashTable      *category_index;    /* category -> index + 1 */
  const char      *last_sku;          /* the row added to last, in strings */
  guint            last_row;
};

G_DEFINE_BOXED_TYPE (QmStockTable, qm_stock_table, qm_stock_table_ref, qm_stock_table_unref)

QmStockTable *
qm_stock_table_new (void)
{
  QmStockTable *self = g_new0 (QmStockTable, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->strings = g_string_chunk_new (64 * 1024);
  self->warehouse_ids = g_ptr_array_new ();
  self->warehouse_names = g_ptr_array_new ();
  self->categories = g_ptr_array_new ();
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  self->cells = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->sku_rows = g_hash_table_new (g_str_hash, g_str_equal);
  self->products = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->category_index = g_hash_table_new (g_str_hash, g_str_equal);

  return self;
}

QmStockTable *
qm_stock_table_ref (QmStockTable *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
clear_build_state (QmStockTable *self)
{
  g_clear_pointer (&self->sku_rows, g_hash_table_unref);
  g_clear_pointer (&self->products, g_hash_table_unref);
  g_clear_pointer (&self->category_index, g_hash_table_unref);
}

void
qm_stock_table_unref (QmStockTable *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  clear_build_state (self);
  g_ptr_array_unref (self->warehouse_ids);
  g_ptr_array_unref (self->warehouse_names);
  g_ptr_array_unref (self->categories);
  g_array_unref (self->rows);
  g_array_unref (self->cells);
  g_string_chunk_free (self->strings);
  g_free (self);
}

/**
 * qm_stock_table_add_warehouse:
 * @name: (nullable): the name people know it by, or %NULL to use @id
 *
 * Adds a warehouse column. Every warehouse is added before any stock.
 *
 * Returns: the warehouse's index
 */
guint
qm_stock_table_add_warehouse (QmStockTable *self,
                              const char   *id,
                              const char   *name)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (!self->sealed, 0);
  g_return_val_if_fail (id != NULL, 0);
  g_return_val_if_fail (self->rows->len == 0, 0);

  g_ptr_array_add (self->warehouse_ids, g_string_chunk_insert (self->strings, id));
  g_ptr_array_add (self->warehouse_names,
                   g_string_chunk_insert (self->strings,
                                          name != NULL && *name != '\0' ? name : id));

  return self->warehouse_ids->len - 1;
}

static guint32
intern_category (QmStockTable *self,
                 const char   *category)
{
  gpointer value;
  char *copy;

  if (category == NULL || *category == '\0')
    return NO_CATEGORY;

  value = g_hash_table_lookup (self->category_index, category);
  if (value != NULL)
    return GPOINTER_TO_UINT (value) - 1;

  copy = g_string_chunk_insert (self->strings, category);
  g_ptr_array_add (self->categories, copy);
  g_hash_table_insert (self->category_index, copy, GUINT_TO_POINTER (self->categories->len));

  return self->categories->len - 1;
}

/**
 * qm_stock_table_add_product:
 *
 * Gives a SKU its name and category. The first call for a SKU wins: call
 * it in the order of the warehouses' ids.
 */
void
qm_stock_table_add_product (QmStockTable *self,
                            const char   *sku,
                            const char   *name,
                            const char   *category)
{
  Product *product;
  char *key;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->sealed);
  g_return_if_fail (sku != NULL);

  if (g_hash_table_contains (self->products, sku))
    return;

  key = g_string_chunk_insert (self->strings, sku);
  product = g_new (Product, 1);
  product->name = g_string_chunk_insert (self->strings, name != NULL ? name : "");
  product->category = category != NULL && *category != '\0'
                      ? g_string_chunk_insert (self->strings, category) : NULL;
  g_hash_table_insert (self->products, key, product);
}

/**
 * qm_stock_table_add_stock:
 *
 * Adds @quantity units of @sku in @status at a warehouse. Rows for the
 * same SKU, warehouse and status add up.
 *
 * Returns: %FALSE if @warehouse or @status is out of range
 */
/* The row of @sku, added if new; consecutive calls for one SKU skip the hash. */
static guint
row_for_sku (QmStockTable *self,
             const char   *sku)
{
  gpointer value;
  Row new_row = { 0 };

  if (self->last_sku != NULL && strcmp (self->last_sku, sku) == 0)
    return self->last_row;

  value = g_hash_table_lookup (self->sku_rows, sku);
  if (value != NULL)
    {
      self->last_row = GPOINTER_TO_UINT (value) - 1;
      self->last_sku = g_array_index (self->rows, Row, self->last_row).sku;
      return self->last_row;
    }

  new_row.sku = g_string_chunk_insert (self->strings, sku);
  new_row.category = NO_CATEGORY;
  g_array_append_val (self->rows, new_row);
  g_array_set_size (self->cells,
                    (gsize) self->rows->len * self->warehouse_ids->len * QM_N_STOCK_STATUSES);
  g_hash_table_insert (self->sku_rows, (char *) new_row.sku, GUINT_TO_POINTER (self->rows->len));

  self->last_row = self->rows->len - 1;
  self->last_sku = new_row.sku;
  return self->last_row;
}

gboolean
qm_stock_table_add_stock (QmStockTable  *self,
                          guint          warehouse,
                          const char    *sku,
                          QmStockStatus  status,
                          gint64         quantity)
{
  gint64 quantities[QM_N_STOCK_STATUSES] = { 0 };

  g_return_val_if_fail ((guint) status < QM_N_STOCK_STATUSES, FALSE);

  quantities[status] = quantity;
  return qm_stock_table_add_stock_row (self, warehouse, sku, quantities);
}

/**
 * qm_stock_table_add_stock_row:
 * @quantities: (array fixed-size=4): units per status, in #QmStockStatus order
 *
 * Adds a SKU's stock at a warehouse, every status at once.
 *
 * Returns: %FALSE if @warehouse is out of range
 */
gboolean
qm_stock_table_add_stock_row (QmStockTable *self,
                              guint         warehouse,
                              const char   *sku,
                              const gint64 *quantities)
{
  guint n_wh;
  guint row_index;
  gint64 *cells;
  Row *row;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->sealed, FALSE);
  g_return_val_if_fail (sku != NULL, FALSE);

  n_wh = self->warehouse_ids->len;
  if (warehouse >= n_wh)
    return FALSE;

  row_index = row_for_sku (self, sku);
  row = &g_array_index (self->rows, Row, row_index);
  cells = &g_array_index (self->cells, gint64,
                          ((gsize) row_index * n_wh + warehouse) * QM_N_STOCK_STATUSES);

  for (guint st = 0; st < QM_N_STOCK_STATUSES; st++)
    {
      row->quantity[st] += quantities[st];
      row->total += quantities[st];
      cells[st] += quantities[st];
    }

  return TRUE;
}

typedef struct
{
  char    *key;
  guint32  index;
} CollateItem;

static int
compare_collate_items (const void *a,
                       const void *b)
{
  const CollateItem *ia = a;
  const CollateItem *ib = b;
  int cmp = strcmp (ia->key, ib->key);

  if (cmp != 0)
    return cmp;
  return ia->index < ib->index ? -1 : (ia->index > ib->index);
}

static int
compare_rows_by_sku (const void *a,
                     const void *b)
{
  return strcmp (((const Row *) a)->sku, ((const Row *) b)->sku);
}

/**
 * qm_stock_table_seal:
 *
 * Ends building: sorts the rows by SKU, gives them their names and
 * categories, and computes the sort keys. The table is read-only after.
 */
void
qm_stock_table_seal (QmStockTable *self)
{
  guint n_rows;
  guint n_wh;
  guint n_cat;
  g_autofree guint32 *order = NULL;
  g_autofree guint32 *category_rank = NULL;
  g_autofree CollateItem *items = NULL;
  GArray *cells;
  GPtrArray *categories;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->sealed);

  n_rows = self->rows->len;
  n_wh = self->warehouse_ids->len;

  /* Rows by SKU, bytewise; the cells follow their rows. Remember where
   * each row came from through its (still unique) total slot. */
  order = g_new (guint32, MAX (n_rows, 1));
  for (guint i = 0; i < n_rows; i++)
    g_array_index (self->rows, Row, i).name_rank = i;
  if (n_rows > 1)
    qsort (self->rows->data, n_rows, sizeof (Row), compare_rows_by_sku);
  for (guint i = 0; i < n_rows; i++)
    order[i] = g_array_index (self->rows, Row, i).name_rank;

  cells = g_array_sized_new (FALSE, TRUE, sizeof (gint64), (guint) ((gsize) n_rows * n_wh * QM_N_STOCK_STATUSES));
  g_array_set_size (cells, (guint) ((gsize) n_rows * n_wh * QM_N_STOCK_STATUSES));
  for (guint i = 0; i < n_rows; i++)
    {
      gsize stride = (gsize) n_wh * QM_N_STOCK_STATUSES;

      if (stride > 0)
        memcpy (&g_array_index (cells, gint64, i * stride),
                &g_array_index (self->cells, gint64, (gsize) order[i] * stride),
                stride * sizeof (gint64));
    }
  g_array_unref (self->cells);
  self->cells = cells;

  /* The categories of the SKUs listed, in collation order, ignoring case. */
  for (guint i = 0; i < n_rows; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      Product *product = g_hash_table_lookup (self->products, row->sku);

      row->name = product != NULL ? product->name : "";
      row->category = product != NULL ? intern_category (self, product->category) : NO_CATEGORY;
    }
  n_cat = self->categories->len;
  items = g_new0 (CollateItem, MAX (MAX (n_cat, n_rows), 1));
  for (guint i = 0; i < n_cat; i++)
    {
      g_autofree char *folded = g_utf8_casefold (g_ptr_array_index (self->categories, i), -1);

      items[i].key = g_utf8_collate_key (folded, -1);
      items[i].index = i;
    }
  if (n_cat > 1)
    qsort (items, n_cat, sizeof (CollateItem), compare_collate_items);
  category_rank = g_new (guint32, MAX (n_cat, 1));
  categories = g_ptr_array_sized_new (n_cat);
  for (guint i = 0; i < n_cat; i++)
    {
      category_rank[items[i].index] = i;
      g_ptr_array_add (categories, g_ptr_array_index (self->categories, items[i].index));
      g_free (items[i].key);
    }
  g_ptr_array_unref (self->categories);
  self->categories = categories;

  /* Names, categories and the search text of every row. */
  for (guint i = 0; i < n_rows; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      g_autofree char *text = NULL;
      g_autofree char *folded = NULL;

      if (row->category != NO_CATEGORY)
        row->category = category_rank[row->category];
      text = g_strconcat (row->sku, "\x1f", row->name, "\x1f",
                          row->category != NO_CATEGORY
                          ? (const char *) g_ptr_array_index (self->categories, row->category) : "",
                          NULL);
      folded = g_utf8_casefold (text, -1);
      row->folded = g_string_chunk_insert (self->strings, folded);
    }

  /* Name ranks: collated name ignoring case, ties by SKU (the row index). */
  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *folded = g_utf8_casefold (g_array_index (self->rows, Row, i).name, -1);

      items[i].key = g_utf8_collate_key (folded, -1);
      items[i].index = i;
    }
  if (n_rows > 1)
    qsort (items, n_rows, sizeof (CollateItem), compare_collate_items);
  for (guint i = 0; i < n_rows; i++)
    {
      g_array_index (self->rows, Row, items[i].index).name_rank = i;
      g_free (items[i].key);
    }

  clear_build_state (self);
  self->sealed = TRUE;
}

/* ------------------------------------------------------------------------ */
/* Loading from the store                                                   */

typedef struct
{
  QmStockTable *table;
  GCancellable *cancellable;
  GHashTable   *warehouses;     /* id -> index + 1 */
  const char   *last_id;        /* owned by warehouses */
  guint         last_index;
  guint64       n;
  gboolean      cancelled;
} LoadState;

static gboolean
load_product_cb (const char *warehouse_id,
                 const char *sku,
                 const char *name,
                 const char *category,
                 gpointer    user_data)
{
  LoadState *state = user_data;

  if (++state->n % CANCEL_CHECK_EVERY == 0 && g_cancellable_is_cancelled (state->cancellable))
    {
      state->cancelled = TRUE;
      return FALSE;
    }

  qm_stock_table_add_product (state->table, sku, name, category);
  return TRUE;
}


static gboolean
load_stock_sku_cb (const char   *sku,
                   const char   *warehouse_id,
                   const gint64 *quantities,
                   gpointer      user_data)
{
  LoadState *state = user_data;
  gpointer value;

  if (++state->n % CANCEL_CHECK_EVERY == 0 && g_cancellable_is_cancelled (state->cancellable))
    {
      state->cancelled = TRUE;
      return FALSE;
    }

  if (g_hash_table_lookup_extended (state->warehouses, warehouse_id, NULL, &value))
    qm_stock_table_add_stock_row (state->table, GPOINTER_TO_UINT (value) - 1, sku, quantities);

  return TRUE;
}


/**
 * qm_stock_table_load:
 *
 * Reads the warehouses, products and stock of @store into a new sealed
 * table. Blocks: call it in a worker thread with the thread's own store.
 *
 * Returns: (transfer full): the table, or %NULL with @error set
 */
QmStockTable *
qm_stock_table_load (QmStore       *store,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(QmStockTable) table = NULL;
  g_autoptr(GPtrArray) warehouses = NULL;
  g_autoptr(GHashTable) index = NULL;
  LoadState state = { 0 };

  g_return_val_if_fail (QM_IS_STORE (store), NULL);

  warehouses = qm_store_list_warehouses (store, error);
  if (warehouses == NULL)
    return NULL;

  table = qm_stock_table_new ();
  index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < warehouses->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (warehouses, i);
      guint w = qm_stock_table_add_warehouse (table, wh->id, wh->name);

      g_hash_table_insert (index, g_strdup (wh->id), GUINT_TO_POINTER (w + 1));
    }

  state.table = table;
  state.cancellable = cancellable;
  state.warehouses = index;

  if (!qm_store_foreach_product (store, load_product_cb, &state, error))
    return NULL;
  if (!state.cancelled && !qm_store_foreach_stock_sku (store, load_stock_sku_cb, &state, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  qm_stock_table_seal (table);

  return g_steal_pointer (&table);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */

#define ROW(self, i) (&g_array_index ((self)->rows, Row, (i)))

guint
qm_stock_table_get_n_rows (QmStockTable *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->rows->len;
}

guint
qm_stock_table_get_n_warehouses (QmStockTable *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->warehouse_ids->len;
}

const char *
qm_stock_table_get_warehouse_id (QmStockTable *self,
                                 guint         warehouse)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (warehouse < self->warehouse_ids->len, NULL);

  return g_ptr_array_index (self->warehouse_ids, warehouse);
}

const char *
qm_stock_table_get_warehouse_name (QmStockTable *self,
                                   guint         warehouse)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (warehouse < self->warehouse_names->len, NULL);

  return g_ptr_array_index (self->warehouse_names, warehouse);
}

guint
qm_stock_table_get_n_categories (QmStockTable *self)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (self->sealed, 0);

  return self->categories->len;
}

const char *
qm_stock_table_get_category_name (QmStockTable *self,
                                  guint         category)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (category < self->categories->len, NULL);

  return g_ptr_array_index (self->categories, category);
}

/**
 * qm_stock_table_find_sku:
 *
 * Returns: the row of @sku in a sealed table, or -1
 */
int
qm_stock_table_find_sku (QmStockTable *self,
                         const char   *sku)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (self->sealed, -1);
  g_return_val_if_fail (sku != NULL, -1);

  hi = self->rows->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = strcmp (ROW (self, mid)->sku, sku);

      if (cmp == 0)
        return (int) mid;
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return -1;
}

const char *
qm_stock_table_get_sku (QmStockTable *self,
                        guint         row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);

  return ROW (self, row)->sku;
}

const char *
qm_stock_table_get_name (QmStockTable *self,
                         guint         row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);

  return ROW (self, row)->name != NULL ? ROW (self, row)->name : "";
}

const char *
qm_stock_table_get_category (QmStockTable *self,
                             guint         row)
{
  guint32 category;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);

  category = ROW (self, row)->category;
  return category != NO_CATEGORY ? g_ptr_array_index (self->categories, category) : "";
}

gint64
qm_stock_table_get_quantity (QmStockTable  *self,
                             guint          row,
                             QmStockStatus  status)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->rows->len, 0);
  g_return_val_if_fail ((guint) status < QM_N_STOCK_STATUSES, 0);

  return ROW (self, row)->quantity[status];
}

gint64
qm_stock_table_get_total (QmStockTable *self,
                          guint         row)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->rows->len, 0);

  return ROW (self, row)->total;
}

static inline const gint64 *
cells_of (QmStockTable *self,
          guint         row,
          guint         warehouse)
{
  return &g_array_index (self->cells, gint64,
                         ((gsize) row * self->warehouse_ids->len + warehouse) * QM_N_STOCK_STATUSES);
}

gint64
qm_stock_table_get_cell (QmStockTable  *self,
                         guint          row,
                         guint          warehouse,
                         QmStockStatus  status)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->rows->len, 0);
  g_return_val_if_fail (warehouse < self->warehouse_ids->len, 0);
  g_return_val_if_fail ((guint) status < QM_N_STOCK_STATUSES, 0);

  return cells_of (self, row, warehouse)[status];
}

static inline gint64
warehouse_total (QmStockTable *self,
                 guint         row,
                 guint         warehouse)
{
  const gint64 *c = cells_of (self, row, warehouse);
  gint64 sum = 0;

  for (guint s = 0; s < QM_N_STOCK_STATUSES; s++)
    sum += c[s];

  return sum;
}

gint64
qm_stock_table_get_warehouse_total (QmStockTable *self,
                                    guint         row,
                                    guint         warehouse)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->rows->len, 0);
  g_return_val_if_fail (warehouse < self->warehouse_ids->len, 0);

  return warehouse_total (self, row, warehouse);
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */

typedef struct
{
  gint64  key;
  guint32 row;
} SortItem;

static int
compare_ascending (const void *a,
                   const void *b)
{
  const SortItem *ia = a;
  const SortItem *ib = b;

  if (ia->key != ib->key)
    return ia->key < ib->key ? -1 : 1;
  return ia->row < ib->row ? -1 : (ia->row > ib->row);
}

/* Descending by key; ties stay in ascending SKU order. */
static int
compare_descending (const void *a,
                    const void *b)
{
  const SortItem *ia = a;
  const SortItem *ib = b;

  if (ia->key != ib->key)
    return ia->key > ib->key ? -1 : 1;
  return ia->row < ib->row ? -1 : (ia->row > ib->row);
}

static gint64
sort_key (QmStockTable       *self,
          const QmStockQuery *query,
          guint32             i)
{
  const Row *row = ROW (self, i);

  switch (query->sort)
    {
    case QM_STOCK_SORT_SKU:
      return i;
    case QM_STOCK_SORT_NAME:
      return row->name_rank;
    case QM_STOCK_SORT_CATEGORY:
      /* Rows without a category come first. */
      return row->category == NO_CATEGORY ? -1 : (gint64) row->category;
    case QM_STOCK_SORT_STATUS:
      return query->sort_index < QM_N_STOCK_STATUSES ? row->quantity[query->sort_index] : 0;
    case QM_STOCK_SORT_TOTAL:
      return row->total;
    case QM_STOCK_SORT_WAREHOUSE:
      return query->sort_index < self->warehouse_ids->len
             ? warehouse_total (self, i, query->sort_index) : 0;
    default:
      return i;
    }
}

static gboolean
row_matches (QmStockTable       *self,
             const QmStockQuery *query,
             const char         *needle,
             guint32             i)
{
  const Row *row = ROW (self, i);
  const gint64 *quantity = row->quantity;

  if (query->category >= 0 && row->category != (guint32) query->category)
    return FALSE;

  if (query->warehouse >= 0)
    {
      if ((guint) query->warehouse >= self->warehouse_ids->len)
        return FALSE;
      if (warehouse_total (self, i, query->warehouse) == 0)
        return FALSE;
      quantity = cells_of (self, i, query->warehouse);
    }

  if (query->status >= 0 && query->status < QM_N_STOCK_STATUSES && quantity[query->status] <= 0)
    return FALSE;

  if (query->out_of_stock && quantity[QM_STOCK_STATUS_QUALIFIED] > 0)
    return FALSE;

  if (needle != NULL && strstr (row->folded, needle) == NULL)
    return FALSE;

  return TRUE;
}

/**
 * qm_stock_table_query:
 * @out_n_rows: (out): the number of rows that match
 *
 * Filters and sorts a sealed table. Ties are broken by SKU, ascending
 * whichever the direction. Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the matching row indexes in
 *   order, or %NULL if @cancellable was cancelled
 */
guint32 *
qm_stock_table_query (QmStockTable       *self,
                      const QmStockQuery *query,
                      GCancellable       *cancellable,
                      guint              *out_n_rows)
{
  g_autofree char *needle = NULL;
  g_autofree SortItem *items = NULL;
  guint32 *result;
  guint n_rows;
  guint n = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->sealed, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (out_n_rows != NULL, NULL);

  *out_n_rows = 0;

  if (query->search != NULL && *query->search != '\0')
    needle = g_utf8_casefold (query->search, -1);

  n_rows = self->rows->len;
  items = g_new (SortItem, MAX (n_rows, 1));

  for (guint32 i = 0; i < n_rows; i++)
    {
      if (i % CANCEL_CHECK_EVERY == 0 && g_cancellable_is_cancelled (cancellable))
        return NULL;

      if (!row_matches (self, query, needle, i))
        continue;

      items[n].key = sort_key (self, query, i);
      items[n].row = i;
      n++;
    }

  if (g_cancellable_is_cancelled (cancellable))
    return NULL;

  /* Rows are in SKU order already: an ascending SKU sort is free. */
  if (n > 1 && (query->sort != QM_STOCK_SORT_SKU || query->descending))
    qsort (items, n, sizeof (SortItem), query->descending ? compare_descending : compare_ascending);

  result = g_new (guint32, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    result[i] = items[i].row;

  *out_n_rows = n;
  return result;
}
