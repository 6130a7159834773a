/* test-stock-model.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Stock page's sorting and filtering, on the GTK-free table under its
 * list model, with a small hand-made table and hand-checked orders.
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "qm-stock-table.h"

/* Two warehouses, five SKUs:
 *
 *   row sku      name          category  WH-A (q p d s)   WH-B (q p d s)   total
 *   0   SKU-001  Banana        Fruit     10 . 2 .          5 . . .         17
 *   1   SKU-002  Cherry cola   Drinks    .  7 . .          . . . 3         10
 *   2   SKU-003  apple juice   Drinks    .  . . .         10 . . .         10
 *   3   SKU-004  Éclair        Bakery    .  . 1 .          . . . .          1
 *   4   SKU-005  (no product)  (none)    .  . . .         17 . . .         17
 *
 * Categories sorted: Bakery = 0, Drinks = 1, Fruit = 2.
 */
static QmStockTable *
make_table (void)
{
  QmStockTable *table = qm_stock_table_new ();
  guint a = qm_stock_table_add_warehouse (table, "WH-A", "Alpha");
  guint b = qm_stock_table_add_warehouse (table, "WH-B", NULL);

  /* Products in warehouse order: the first warehouse's name wins. */
  qm_stock_table_add_product (table, "SKU-003", "apple juice", "Drinks");
  qm_stock_table_add_product (table, "SKU-001", "Banana", "Fruit");
  qm_stock_table_add_product (table, "SKU-002", "Cherry cola", "Drinks");
  qm_stock_table_add_product (table, "SKU-004", "Éclair", "Bakery");
  qm_stock_table_add_product (table, "SKU-001", "Plantain", "Vegetables");
  qm_stock_table_add_product (table, "SKU-999", "Listed, never stocked", "Ghosts");

  /* Added out of SKU order on purpose. */
  g_assert_true (qm_stock_table_add_stock (table, b, "SKU-005", QM_STOCK_STATUS_QUALIFIED, 17));
  g_assert_true (qm_stock_table_add_stock (table, a, "SKU-001", QM_STOCK_STATUS_QUALIFIED, 6));
  g_assert_true (qm_stock_table_add_stock (table, a, "SKU-001", QM_STOCK_STATUS_QUALIFIED, 4));
  g_assert_true (qm_stock_table_add_stock (table, a, "SKU-001", QM_STOCK_STATUS_DEFECTIVE, 2));
  g_assert_true (qm_stock_table_add_stock (table, b, "SKU-001", QM_STOCK_STATUS_QUALIFIED, 5));
  g_assert_true (qm_stock_table_add_stock (table, a, "SKU-002", QM_STOCK_STATUS_PENDING_INSPECTION, 7));
  g_assert_true (qm_stock_table_add_stock (table, b, "SKU-002", QM_STOCK_STATUS_SUPPLIER_RETURN, 3));
  g_assert_true (qm_stock_table_add_stock (table, b, "SKU-003", QM_STOCK_STATUS_QUALIFIED, 10));
  g_assert_true (qm_stock_table_add_stock (table, a, "SKU-004", QM_STOCK_STATUS_DEFECTIVE, 1));
  g_assert_false (qm_stock_table_add_stock (table, 7, "SKU-004", QM_STOCK_STATUS_DEFECTIVE, 1));

  qm_stock_table_seal (table);

  return table;
}

/* "1,3,5" for rows SKU-001, SKU-003, SKU-005. */
static char *
run_query (QmStockTable       *table,
           const QmStockQuery *query)
{
  g_autofree guint32 *rows = NULL;
  GString *out = g_string_new (NULL);
  guint n = G_MAXUINT;

  rows = qm_stock_table_query (table, query, NULL, &n);
  g_assert_nonnull (rows);
  g_assert_cmpuint (n, <=, qm_stock_table_get_n_rows (table));

  for (guint i = 0; i < n; i++)
    {
      const char *sku = qm_stock_table_get_sku (table, rows[i]);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, sku + strlen ("SKU-00"));
    }

  return g_string_free (out, FALSE);
}

static void
test_table_contents (void)
{
  g_autoptr(QmStockTable) table = make_table ();

  g_assert_cmpuint (qm_stock_table_get_n_rows (table), ==, 5);
  g_assert_cmpuint (qm_stock_table_get_n_warehouses (table), ==, 2);
  g_assert_cmpstr (qm_stock_table_get_warehouse_id (table, 0), ==, "WH-A");
  g_assert_cmpstr (qm_stock_table_get_warehouse_name (table, 0), ==, "Alpha");
  g_assert_cmpstr (qm_stock_table_get_warehouse_name (table, 1), ==, "WH-B");

  /* Only categories of the SKUs listed, sorted. */
  g_assert_cmpuint (qm_stock_table_get_n_categories (table), ==, 3);
  g_assert_cmpstr (qm_stock_table_get_category_name (table, 0), ==, "Bakery");
  g_assert_cmpstr (qm_stock_table_get_category_name (table, 1), ==, "Drinks");
  g_assert_cmpstr (qm_stock_table_get_category_name (table, 2), ==, "Fruit");

  g_assert_cmpint (qm_stock_table_find_sku (table, "SKU-001"), ==, 0);
  g_assert_cmpint (qm_stock_table_find_sku (table, "SKU-005"), ==, 4);
  g_assert_cmpint (qm_stock_table_find_sku (table, "SKU-999"), ==, -1);
  g_assert_cmpint (qm_stock_table_find_sku (table, "SKU-000"), ==, -1);

  g_assert_cmpstr (qm_stock_table_get_name (table, 0), ==, "Banana");
  g_assert_cmpstr (qm_stock_table_get_category (table, 0), ==, "Fruit");
  g_assert_cmpstr (qm_stock_table_get_name (table, 4), ==, "");
  g_assert_cmpstr (qm_stock_table_get_category (table, 4), ==, "");

  g_assert_cmpint (qm_stock_table_get_quantity (table, 0, QM_STOCK_STATUS_QUALIFIED), ==, 15);
  g_assert_cmpint (qm_stock_table_get_quantity (table, 0, QM_STOCK_STATUS_DEFECTIVE), ==, 2);
  g_assert_cmpint (qm_stock_table_get_total (table, 0), ==, 17);
  g_assert_cmpint (qm_stock_table_get_cell (table, 0, 0, QM_STOCK_STATUS_QUALIFIED), ==, 10);
  g_assert_cmpint (qm_stock_table_get_cell (table, 0, 1, QM_STOCK_STATUS_QUALIFIED), ==, 5);
  g_assert_cmpint (qm_stock_table_get_warehouse_total (table, 0, 0), ==, 12);
  g_assert_cmpint (qm_stock_table_get_warehouse_total (table, 1, 1), ==, 3);
  g_assert_cmpint (qm_stock_table_get_warehouse_total (table, 4, 0), ==, 0);
}

typedef struct
{
  const char  *name;
  QmStockSort  sort;
  guint        sort_index;
  const char  *ascending;
  const char  *descending;
} SortCase;

static const SortCase sort_cases[] = {
  { "sku", QM_STOCK_SORT_SKU, 0, "1,2,3,4,5", "5,4,3,2,1" },
  /* Case-insensitive; the SKU without a name first. */
  { "name", QM_STOCK_SORT_NAME, 0, "5,3,1,2,4", "4,2,1,3,5" },
  /* Without a category first; Drinks ties by SKU both ways. */
  { "category", QM_STOCK_SORT_CATEGORY, 0, "5,4,2,3,1", "1,2,3,4,5" },
  { "qualified", QM_STOCK_SORT_STATUS, QM_STOCK_STATUS_QUALIFIED, "2,4,3,1,5", "5,1,3,2,4" },
  { "pending", QM_STOCK_SORT_STATUS, QM_STOCK_STATUS_PENDING_INSPECTION, "1,3,4,5,2", "2,1,3,4,5" },
  { "defective", QM_STOCK_SORT_STATUS, QM_STOCK_STATUS_DEFECTIVE, "2,3,5,4,1", "1,4,2,3,5" },
  { "supplier-return", QM_STOCK_SORT_STATUS, QM_STOCK_STATUS_SUPPLIER_RETURN, "1,3,4,5,2", "2,1,3,4,5" },
  { "total", QM_STOCK_SORT_TOTAL, 0, "4,2,3,1,5", "1,5,2,3,4" },
  { "warehouse-a", QM_STOCK_SORT_WAREHOUSE, 0, "3,5,4,2,1", "1,2,4,3,5" },
  { "warehouse-b", QM_STOCK_SORT_WAREHOUSE, 1, "4,2,1,3,5", "5,3,1,2,4" },
};

static void
test_sort (gconstpointer data)
{
  const SortCase *c = data;
  g_autoptr(QmStockTable) table = make_table ();
  QmStockQuery query = QM_STOCK_QUERY_INIT;
  g_autofree char *up = NULL;
  g_autofree char *down = NULL;

  query.sort = c->sort;
  query.sort_index = c->sort_index;
  up = run_query (table, &query);
  g_assert_cmpstr (up, ==, c->ascending);

  query.descending = TRUE;
  down = run_query (table, &query);
  g_assert_cmpstr (down, ==, c->descending);
}

typedef struct
{
  const char *name;
  const char *search;
  int         warehouse;
  int         category;
  int         status;
  gboolean    out_of_stock;
  const char *expected;
} FilterCase;

static const FilterCase filter_cases[] = {
  { "none", NULL, -1, -1, -1, FALSE, "1,2,3,4,5" },
  { "search-empty", "", -1, -1, -1, FALSE, "1,2,3,4,5" },
  { "search-sku", "sku-00", -1, -1, -1, FALSE, "1,2,3,4,5" },
  { "search-sku-exact", "SKU-003", -1, -1, -1, FALSE, "3" },
  { "search-name-case", "APPLE", -1, -1, -1, FALSE, "3" },
  { "search-name-middle", "cola", -1, -1, -1, FALSE, "2" },
  { "search-unicode-case", "ÉCLAIR", -1, -1, -1, FALSE, "4" },
  { "search-category", "drinks", -1, -1, -1, FALSE, "2,3" },
  { "search-ignored-product", "plantain", -1, -1, -1, FALSE, "" },
  { "search-no-match", "zzz", -1, -1, -1, FALSE, "" },
  { "warehouse-a", NULL, 0, -1, -1, FALSE, "1,2,4" },
  { "warehouse-b", NULL, 1, -1, -1, FALSE, "1,2,3,5" },
  { "warehouse-out-of-range", NULL, 9, -1, -1, FALSE, "" },
  { "category-drinks", NULL, -1, 1, -1, FALSE, "2,3" },
  { "category-bakery", NULL, -1, 0, -1, FALSE, "4" },
  { "status-qualified", NULL, -1, -1, QM_STOCK_STATUS_QUALIFIED, FALSE, "1,3,5" },
  { "status-pending", NULL, -1, -1, QM_STOCK_STATUS_PENDING_INSPECTION, FALSE, "2" },
  { "status-defective", NULL, -1, -1, QM_STOCK_STATUS_DEFECTIVE, FALSE, "1,4" },
  { "status-supplier-return", NULL, -1, -1, QM_STOCK_STATUS_SUPPLIER_RETURN, FALSE, "2" },
  { "out-of-stock", NULL, -1, -1, -1, TRUE, "2,4" },
  /* Within a warehouse, status and out of stock look at that warehouse. */
  { "out-of-stock-in-b", NULL, 1, -1, -1, TRUE, "2" },
  { "out-of-stock-in-a", NULL, 0, -1, -1, TRUE, "2,4" },
  { "qualified-in-a", NULL, 0, -1, QM_STOCK_STATUS_QUALIFIED, FALSE, "1" },
  { "defective-in-b", NULL, 1, -1, QM_STOCK_STATUS_DEFECTIVE, FALSE, "" },
  { "search-and-out-of-stock", "drinks", -1, -1, -1, TRUE, "2" },
  { "category-and-warehouse", NULL, 0, 1, -1, FALSE, "2" },
};

static void
test_filter (gconstpointer data)
{
  const FilterCase *c = data;
  g_autoptr(QmStockTable) table = make_table ();
  QmStockQuery query = QM_STOCK_QUERY_INIT;
  g_autofree char *result = NULL;

  query.search = c->search;
  query.warehouse = c->warehouse;
  query.category = c->category;
  query.status = c->status;
  query.out_of_stock = c->out_of_stock;
  result = run_query (table, &query);
  g_assert_cmpstr (result, ==, c->expected);
}

static void
test_filter_then_sort (void)
{
  g_autoptr(QmStockTable) table = make_table ();
  QmStockQuery query = QM_STOCK_QUERY_INIT;
  g_autofree char *result = NULL;

  query.warehouse = 1;
  query.sort = QM_STOCK_SORT_TOTAL;
  query.descending = TRUE;
  result = run_query (table, &query);
  g_assert_cmpstr (result, ==, "1,5,2,3");
}

static void
test_cancelled (void)
{
  g_autoptr(QmStockTable) table = make_table ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  QmStockQuery query = QM_STOCK_QUERY_INIT;
  guint n = 42;

  g_cancellable_cancel (cancellable);
  g_assert_null (qm_stock_table_query (table, &query, cancellable, &n));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_empty (void)
{
  g_autoptr(QmStockTable) table = qm_stock_table_new ();
  QmStockQuery query = QM_STOCK_QUERY_INIT;
  g_autofree guint32 *rows = NULL;
  guint n = 42;

  qm_stock_table_seal (table);
  query.sort = QM_STOCK_SORT_NAME;
  rows = qm_stock_table_query (table, &query, NULL, &n);
  g_assert_nonnull (rows);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (qm_stock_table_get_n_categories (table), ==, 0);
  g_assert_cmpint (qm_stock_table_find_sku (table, "SKU-001"), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  /* Collation must not depend on the machine's locale. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stock-table/contents", test_table_contents);
  for (gsize i = 0; i < G_N_ELEMENTS (sort_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/stock-table/sort/%s", sort_cases[i].name);

      g_test_add_data_func (path, &sort_cases[i], test_sort);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (filter_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/stock-table/filter/%s", filter_cases[i].name);

      g_test_add_data_func (path, &filter_cases[i], test_filter);
    }
  g_test_add_func ("/stock-table/filter-then-sort", test_filter_then_sort);
  g_test_add_func ("/stock-table/cancelled", test_cancelled);
  g_test_add_func ("/stock-table/empty", test_empty);

  return g_test_run ();
}
