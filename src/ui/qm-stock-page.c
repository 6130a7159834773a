/* qm-stock-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every SKU consolidated over the warehouses, with its units per status
 * and per warehouse. The cache is read in a GTask worker with its own
 * store into a compact table; searching, filtering and sorting run in
 * workers too (QmStockModel), so the list stays smooth at a million rows.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-application.h"
#include "qm-sku-detail.h"
#include "qm-stock-model.h"
#include "qm-stock-page.h"
#include "qm-stock-row.h"
#include "qm-store.h"

typedef struct
{
  QmStockPage *page;       /* unowned */
  QmStockSort  sort;
  guint        index;
  gboolean     numeric;
  char        *title;
} ColumnInfo;

struct _QmStockPage
{
  AdwBin              parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  AdwStatusPage      *empty_page;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *warehouse_dropdown;
  GtkStringList      *warehouse_list;
  GtkDropDown        *category_dropdown;
  GtkStringList      *category_list;
  GtkDropDown        *status_dropdown;
  GtkToggleButton    *out_of_stock_button;
  GtkSpinner         *busy_spinner;
  GtkLabel           *count_label;
  GtkStack           *content_stack;
  GtkColumnView      *column_view;

  QmStockModel       *model;
  GtkSingleSelection *selection;
  GCancellable       *load_cancellable;
  GPtrArray          *warehouse_columns;   /* GtkColumnViewColumn */
  char              **warehouse_ids;
  QmStockTable       *table;               /* the last one loaded */

  /* Which column the view sorts by: see read_sort(). */
  const ColumnInfo   *probe;
  GObject            *probe_a;
  GObject            *probe_b;

  gboolean            loaded_once;
  gboolean            updating_filters;
};

G_DEFINE_FINAL_TYPE (QmStockPage, qm_stock_page, ADW_TYPE_BIN)

static const QmStockStatus status_columns[] = {
  QM_STOCK_STATUS_QUALIFIED,
  QM_STOCK_STATUS_PENDING_INSPECTION,
  QM_STOCK_STATUS_DEFECTIVE,
  QM_STOCK_STATUS_SUPPLIER_RETURN,
};

GtkWidget *
qm_stock_page_new (void)
{
  return g_object_new (QM_TYPE_STOCK_PAGE, NULL);
}

static void
column_info_free (gpointer data)
{
  ColumnInfo *info = data;

  g_free (info->title);
  g_free (info);
}

static char *
format_quantity (gint64 quantity)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, quantity);
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                    */

static void
on_sku_button_clicked_cb (GtkButton   *button,
                          QmStockPage *self);

static void
on_cell_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  ColumnInfo               *info)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (info->numeric)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, info->title,
                                  -1);

  if (info->sort == QM_STOCK_SORT_SKU)
    {
      /* The SKU opens its detail: a flat button, so that it can be
       * clicked (or activated from the accessibility tree) too. */
      GtkWidget *button = gtk_button_new ();

      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "sku-button");
      gtk_widget_set_halign (button, GTK_ALIGN_FILL);
      gtk_widget_set_tooltip_text (button, _("Show the SKU’s details"));
      g_signal_connect_object (button, "clicked",
                               G_CALLBACK (on_sku_button_clicked_cb), info->page, 0);
      gtk_list_item_set_child (list_item, button);
      return;
    }

  gtk_list_item_set_child (list_item, label);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ColumnInfo               *info)
{
  QmStockRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  GtkLabel *label;
  g_autofree char *text = NULL;
  gint64 quantity = 0;

  if (GTK_IS_BUTTON (child))
    {
      g_autofree char *name = g_strdup_printf (_("Show details of %s"), qm_stock_row_get_sku (row));

      label = GTK_LABEL (gtk_button_get_child (GTK_BUTTON (child)));
      g_object_set_data_full (G_OBJECT (child), "qm-sku",
                              g_strdup (qm_stock_row_get_sku (row)), g_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
    }
  else
    {
      label = GTK_LABEL (child);
    }

  switch (info->sort)
    {
    case QM_STOCK_SORT_SKU:
      gtk_label_set_text (label, qm_stock_row_get_sku (row));
      return;
    case QM_STOCK_SORT_NAME:
      gtk_label_set_text (label, qm_stock_row_get_name (row));
      return;
    case QM_STOCK_SORT_CATEGORY:
      gtk_label_set_text (label, qm_stock_row_get_category (row));
      return;
    case QM_STOCK_SORT_STATUS:
      quantity = qm_stock_row_get_quantity (row, info->index);
      break;
    case QM_STOCK_SORT_TOTAL:
      quantity = qm_stock_row_get_total (row);
      break;
    case QM_STOCK_SORT_WAREHOUSE:
      quantity = qm_stock_row_get_warehouse_total (row, info->index);
      break;
    default:
      g_assert_not_reached ();
    }

  text = format_quantity (quantity);
  gtk_label_set_text (label, text);
  if (quantity == 0)
    gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
}

static int
probe_sort_cb (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  ColumnInfo *info = user_data;

  /* Called only from read_sort(): say which column was asked first. */
  info->page->probe = info;
  return -1;
}

static GtkColumnViewColumn *
add_column (QmStockPage *self,
            const char  *title,
            QmStockSort  sort,
            guint        index,
            gboolean     numeric,
            int          fixed_width)
{
  ColumnInfo *info = g_new0 (ColumnInfo, 1);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = NULL;
  GtkColumnViewColumn *column;

  info->page = self;
  info->sort = sort;
  info->index = index;
  info->numeric = numeric;
  info->title = g_strdup (title);
  g_object_set_data_full (G_OBJECT (factory), "qm-column-info", info, column_info_free);
  g_signal_connect (factory, "setup", G_CALLBACK (on_cell_setup_cb), info);
  g_signal_connect (factory, "bind", G_CALLBACK (on_cell_bind_cb), info);

  column = gtk_column_view_column_new (title, factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (probe_sort_cb, info, NULL));
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  else
    gtk_column_view_column_set_expand (column, TRUE);

  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);

  return column;
}

static void
add_fixed_columns (QmStockPage *self)
{
  add_column (self, _("SKU"), QM_STOCK_SORT_SKU, 0, FALSE, 130);
  add_column (self, _("Name"), QM_STOCK_SORT_NAME, 0, FALSE, 220);
  add_column (self, _("Category"), QM_STOCK_SORT_CATEGORY, 0, FALSE, 110);
  add_column (self, _("Qualified"), QM_STOCK_SORT_STATUS, QM_STOCK_STATUS_QUALIFIED, TRUE, 90);
  add_column (self, _("Pending Inspection"), QM_STOCK_SORT_STATUS,
              QM_STOCK_STATUS_PENDING_INSPECTION, TRUE, 140);
  add_column (self, _("Defective"), QM_STOCK_SORT_STATUS, QM_STOCK_STATUS_DEFECTIVE, TRUE, 90);
  add_column (self, _("Supplier Return"), QM_STOCK_SORT_STATUS,
              QM_STOCK_STATUS_SUPPLIER_RETURN, TRUE, 125);
  add_column (self, _("Total"), QM_STOCK_SORT_TOTAL, 0, TRUE, 90);
}

static void
update_warehouse_columns (QmStockPage  *self,
                          QmStockTable *table)
{
  guint n = qm_stock_table_get_n_warehouses (table);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, qm_stock_table_get_warehouse_id (table, i));
  ids = g_strv_builder_end (builder);

  if (self->warehouse_ids != NULL && g_strv_equal ((const char * const *) ids,
                                                   (const char * const *) self->warehouse_ids))
    return;

  for (guint i = 0; i < self->warehouse_columns->len; i++)
    gtk_column_view_remove_column (self->column_view,
                                   g_ptr_array_index (self->warehouse_columns, i));
  g_ptr_array_set_size (self->warehouse_columns, 0);

  for (guint i = 0; i < n; i++)
    {
      GtkColumnViewColumn *column;

      /* Ids are short ("WH-EAST"); the filter lists the full names. */
      column = add_column (self, qm_stock_table_get_warehouse_id (table, i),
                           QM_STOCK_SORT_WAREHOUSE, i, TRUE, 105);
      g_ptr_array_add (self->warehouse_columns, g_object_ref (column));
    }

  g_strfreev (self->warehouse_ids);
  self->warehouse_ids = g_steal_pointer (&ids);
}

/* ------------------------------------------------------------------------ */
/* The query                                                                */

/* GTK 4.8 has no public way to ask a GtkColumnViewSorter which column it
 * sorts by; it compares with each sorted column's sorter in turn (swapping
 * the items when descending). So compare two probe items: the first
 * column's probe sorter records itself, and the result gives the order. */
static void
read_sort (QmStockPage  *self,
           QmStockQuery *query)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GtkOrdering order;

  self->probe = NULL;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);

  if (self->probe == NULL || order == GTK_ORDERING_EQUAL)
    return;

  query->sort = self->probe->sort;
  query->sort_index = self->probe->index;
  query->descending = order == GTK_ORDERING_LARGER;
  self->probe = NULL;
}

static void
build_query (QmStockPage  *self,
             QmStockQuery *query)
{
  guint selected;

  query->search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  selected = gtk_drop_down_get_selected (self->warehouse_dropdown);
  query->warehouse = selected == GTK_INVALID_LIST_POSITION || selected == 0 ? -1 : (int) selected - 1;

  selected = gtk_drop_down_get_selected (self->category_dropdown);
  query->category = selected == GTK_INVALID_LIST_POSITION || selected == 0 ? -1 : (int) selected - 1;

  selected = gtk_drop_down_get_selected (self->status_dropdown);
  if (selected >= 1 && selected <= G_N_ELEMENTS (status_columns))
    query->status = status_columns[selected - 1];
  else
    query->status = -1;

  query->out_of_stock = gtk_toggle_button_get_active (self->out_of_stock_button);

  read_sort (self, query);
}

static void
apply_query (QmStockPage *self)
{
  QmStockQuery query = QM_STOCK_QUERY_INIT;

  if (self->updating_filters)
    return;

  build_query (self, &query);
  qm_stock_model_set_query (self->model, &query);
}

static void
on_search_entry_search_changed_cb (QmStockPage *self)
{
  apply_query (self);
}

static void
on_filter_changed_cb (QmStockPage *self)
{
  apply_query (self);
}

static void
on_sorter_changed_cb (GtkSorter       *sorter,
                      GtkSorterChange  change,
                      QmStockPage     *self)
{
  apply_query (self);
}

static void
update_state (QmStockPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  gboolean busy = qm_stock_model_get_busy (self->model);
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u SKU", "%u SKUs", n), n);
  gtk_label_set_text (self->count_label, text);

  gtk_spinner_set_spinning (self->busy_spinner, busy);

  if (n == 0 && !busy)
    gtk_stack_set_visible_child_name (self->content_stack, "no-match");
  else if (n > 0)
    gtk_stack_set_visible_child_name (self->content_stack, "list");
}

static void
on_model_items_changed_cb (GListModel  *model,
                           guint        position,
                           guint        removed,
                           guint        added,
                           QmStockPage *self)
{
  update_state (self);
}

static void
on_model_busy_changed_cb (QmStockPage *self)
{
  update_state (self);
}

/* Refills a dropdown's list, keeping the chosen item if it is still there. */
static void
refill_list (GtkDropDown   *dropdown,
             GtkStringList *list,
             const char    *all_label,
             GPtrArray     *items)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  g_autofree char *previous = NULL;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_autoptr(GPtrArray) strings = g_ptr_array_new ();
  guint new_selected = 0;

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected < n_old)
    previous = g_strdup (gtk_string_list_get_string (list, selected));

  g_ptr_array_add (strings, (gpointer) all_label);
  for (guint i = 0; i < items->len; i++)
    {
      g_ptr_array_add (strings, g_ptr_array_index (items, i));
      if (previous != NULL && g_strcmp0 (previous, g_ptr_array_index (items, i)) == 0)
        new_selected = i + 1;
    }
  g_ptr_array_add (strings, NULL);

  gtk_string_list_splice (list, 0, n_old, (const char * const *) strings->pdata);
  gtk_drop_down_set_selected (dropdown, new_selected);
}

static void
update_filters (QmStockPage  *self,
                QmStockTable *table)
{
  g_autoptr(GPtrArray) warehouses = g_ptr_array_new ();
  g_autoptr(GPtrArray) categories = g_ptr_array_new ();

  for (guint i = 0; i < qm_stock_table_get_n_warehouses (table); i++)
    g_ptr_array_add (warehouses, (gpointer) qm_stock_table_get_warehouse_name (table, i));
  for (guint i = 0; i < qm_stock_table_get_n_categories (table); i++)
    g_ptr_array_add (categories, (gpointer) qm_stock_table_get_category_name (table, i));

  self->updating_filters = TRUE;
  refill_list (self->warehouse_dropdown, self->warehouse_list, _("All warehouses"), warehouses);
  refill_list (self->category_dropdown, self->category_list, _("All categories"), categories);
  update_warehouse_columns (self, table);
  self->updating_filters = FALSE;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

static const char *
get_db_path (void)
{
  GApplication *app = g_application_get_default ();

  if (QM_IS_APPLICATION (app))
    return qm_application_get_db_path (QM_APPLICATION (app));

  return NULL;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(QmStockTable) table = NULL;
  GError *error = NULL;

  /* No cache yet is no stock; opening it would create it. */
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      table = qm_stock_table_new ();
      qm_stock_table_seal (table);
      g_task_return_pointer (task, g_steal_pointer (&table), (GDestroyNotify) qm_stock_table_unref);
      return;
    }

  store = qm_store_open (path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  table = qm_stock_table_load (store, cancellable, &error);
  if (table == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&table), (GDestroyNotify) qm_stock_table_unref);
}

static void
load_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  QmStockPage *self = QM_STOCK_PAGE (source_object);
  g_autoptr(QmStockTable) table = NULL;
  g_autoptr(GError) error = NULL;

  table = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  gtk_spinner_set_spinning (self->busy_spinner, qm_stock_model_get_busy (self->model));

  if (table == NULL)
    {
      g_debug ("Could not load the stock: %s", error->message);
      adw_status_page_set_title (self->empty_page, _("Could Not Read the Stock"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_clear_pointer (&self->table, qm_stock_table_unref);
  self->table = qm_stock_table_ref (table);

  if (qm_stock_table_get_n_rows (table) == 0)
    {
      qm_stock_model_set_table (self->model, NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  update_filters (self, table);
  gtk_stack_set_visible_child_name (self->stack, "stock");

  qm_stock_model_set_table (self->model, table);
  apply_query (self);
}

/**
 * qm_stock_page_reload:
 * @self: a #QmStockPage
 *
 * Reads the stock from the cache again, in a worker thread; call it when
 * a sync changed the cache. The search, filters and sort stay.
 */
void
qm_stock_page_reload (QmStockPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QM_IS_STOCK_PAGE (self));

  self->loaded_once = TRUE;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  gtk_spinner_set_spinning (self->busy_spinner, TRUE);

  task = g_task_new (self, self->load_cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, qm_stock_page_reload);
  g_task_set_task_data (task, g_strdup (get_db_path ()), g_free);
  g_task_run_in_thread (task, load_thread);
}

/* ------------------------------------------------------------------------ */
/* Details                                                                  */

static void
show_details (QmStockPage *self,
              const char  *sku)
{
  QmStockTable *table = qm_stock_model_get_table (self->model);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *detail;
  int row;

  if (table == NULL || sku == NULL)
    return;

  row = qm_stock_table_find_sku (table, sku);
  if (row < 0)
    return;

  detail = qm_sku_detail_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                              get_db_path (), table, (guint) row);
  gtk_window_present (GTK_WINDOW (detail));
}

static void
on_sku_button_clicked_cb (GtkButton   *button,
                          QmStockPage *self)
{
  show_details (self, g_object_get_data (G_OBJECT (button), "qm-sku"));
}

static void
on_column_view_activate_cb (QmStockPage *self,
                            guint        position)
{
  QmStockTable *table = qm_stock_model_get_table (self->model);
  guint row = qm_stock_model_get_row (self->model, position);

  if (table != NULL && row != G_MAXUINT)
    show_details (self, qm_stock_table_get_sku (table, row));
}

static gboolean
focus_search_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  QmStockPage *self = QM_STOCK_PAGE (widget);

  /* The shortcut is the window's; it is this page's only while shown. */
  if (!gtk_widget_get_mapped (widget) ||
      !gtk_widget_is_visible (GTK_WIDGET (self->search_entry)))
    return FALSE;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

/* ------------------------------------------------------------------------ */

static void
qm_stock_page_map (GtkWidget *widget)
{
  QmStockPage *self = QM_STOCK_PAGE (widget);

  GTK_WIDGET_CLASS (qm_stock_page_parent_class)->map (widget);

  if (!self->loaded_once)
    qm_stock_page_reload (self);
}

static void
qm_stock_page_dispose (GObject *object)
{
  QmStockPage *self = (QmStockPage *)object;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);

  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);

  /* The template's top widget is also the AdwBin's child: let go of it once. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_STOCK_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_pointer (&self->warehouse_columns, g_ptr_array_unref);
  g_clear_pointer (&self->warehouse_ids, g_strfreev);
  g_clear_pointer (&self->table, qm_stock_table_unref);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);

  G_OBJECT_CLASS (qm_stock_page_parent_class)->dispose (object);
}

static void
qm_stock_page_class_init (QmStockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_stock_page_dispose;
  widget_class->map = qm_stock_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-stock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, warehouse_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, warehouse_list);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, category_list);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, out_of_stock_button);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, QmStockPage, column_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_stock_page_init (QmStockPage *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->warehouse_columns = g_ptr_array_new_with_free_func (g_object_unref);
  self->probe_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_b = g_object_new (G_TYPE_OBJECT, NULL);

  self->model = qm_stock_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_fixed_columns (self);

  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>f"),
                                                          gtk_callback_action_new (focus_search_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect (gtk_column_view_get_sorter (self->column_view), "changed",
                    G_CALLBACK (on_sorter_changed_cb), self);
  g_signal_connect (self->model, "items-changed",
                    G_CALLBACK (on_model_items_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::busy",
                            G_CALLBACK (on_model_busy_changed_cb), self);

  self->updating_filters = TRUE;
  gtk_string_list_append (self->warehouse_list, _("All warehouses"));
  gtk_string_list_append (self->category_list, _("All categories"));
  gtk_drop_down_set_selected (self->warehouse_dropdown, 0);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  self->updating_filters = FALSE;

  update_state (self);
}
