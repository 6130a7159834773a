/* qm-sku-detail.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SKU up close: its units per warehouse and status (from the table
 * the Stock page shows, so both agree), its days of cover and its ledger
 * newest first, 50 movements at a time, read by key in a GTask worker
 * with its own store.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-sku-detail.h"
#include "qm-money.h"
#include "qm-store-ledger.h"
#include "qm-store-stock.h"
#include "qm-store.h"

#define PAGE_SIZE 50
#define COVER_DAYS 28

struct _QmSkuDetail
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwWindowTitle  *window_title;
  GtkLabel        *category_label;
  AdwActionRow    *cover_row;
  GtkLabel        *cover_label;
  GtkLabel        *value_label;
  GtkGrid         *quantities_grid;
  GtkListBox      *movements_list;
  GtkButton       *show_more_button;

  char            *db_path;
  char            *sku;
  QmStockTable    *table;
  guint            row;
  QmSkuMovement    last;          /* key of the last movement shown */
  gboolean         have_last;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (QmSkuDetail, qm_sku_detail, ADW_TYPE_WINDOW)

typedef struct
{
  char          *db_path;
  char          *sku;
  QmSkuMovement  before;
  gboolean       has_before;
} PageRequest;

typedef struct
{
  GArray   *movements;
  gboolean  has_more;
  gboolean  has_summary;
  char     *window_end;    /* newest movement time, or NULL */
  gint64    sales;
  gboolean  has_value;
  gint64    value_e4;
  char     *currency;      /* NULL when warehouses differ */
} PageResult;

static void
page_request_free (PageRequest *request)
{
  g_free (request->db_path);
  g_free (request->sku);
  qm_sku_movement_clear (&request->before);
  g_free (request);
}

static void
page_result_free (PageResult *result)
{
  g_clear_pointer (&result->movements, g_array_unref);
  g_free (result->window_end);
  g_free (result->currency);
  g_free (result);
}

static void
copy_key (QmSkuMovement       *dest,
          const QmSkuMovement *src)
{
  qm_sku_movement_clear (dest);
  dest->warehouse_id = g_strdup (src->warehouse_id);
  dest->at = g_strdup (src->at);
  dest->seq = src->seq;
}

static char *
format_quantity (gint64 quantity)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, quantity);
}

static const char *
status_label (const char *status)
{
  QmStockStatus st;

  if (status == NULL || !qm_stock_status_from_string (status, &st))
    return status;

  switch (st)
    {
    case QM_STOCK_STATUS_QUALIFIED: return _("qualified");
    case QM_STOCK_STATUS_PENDING_INSPECTION: return _("pending inspection");
    case QM_STOCK_STATUS_DEFECTIVE: return _("defective");
    case QM_STOCK_STATUS_SUPPLIER_RETURN: return _("supplier return");
    case QM_N_STOCK_STATUSES:
    default: return status;
    }
}

static const char *
kind_label (const char *kind)
{
  QmMovementKind k;

  if (kind == NULL || !qm_movement_kind_from_string (kind, &k))
    return kind;

  switch (k)
    {
    case QM_MOVEMENT_OPENING_BALANCE: return _("Opening balance");
    case QM_MOVEMENT_PURCHASE_INBOUND: return _("Purchase received");
    case QM_MOVEMENT_INSPECTION: return _("Inspection");
    case QM_MOVEMENT_STATUS_CHANGE: return _("Status change");
    case QM_MOVEMENT_SALES_OUTBOUND: return _("Sale");
    case QM_MOVEMENT_CUSTOMER_RETURN: return _("Customer return");
    case QM_MOVEMENT_TRANSFER_OUT: return _("Transfer out");
    case QM_MOVEMENT_TRANSFER_IN: return _("Transfer in");
    case QM_MOVEMENT_SUPPLIER_RETURN: return _("Returned to supplier");
    case QM_MOVEMENT_ADJUSTMENT: return _("Adjustment");
    case QM_N_MOVEMENT_KINDS:
    default: return kind;
    }
}

/* ------------------------------------------------------------------------ */
/* Worker                                                                   */

static gboolean
read_summary (QmStore     *store,
              const char  *sku,
              PageResult  *result,
              GError     **error)
{
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autofree char *from_at = NULL;
  GError *local_error = NULL;

  result->has_summary = TRUE;

  /* the value at moving-average cost, as the valuation report has it */
  if (!qm_store_get_sku_value (store, sku, &result->value_e4, &result->currency, error))
    return FALSE;
  result->has_value = TRUE;

  result->window_end = qm_store_get_ledger_end_at (store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (result->window_end == NULL)
    return TRUE;

  end = g_date_time_new_from_iso8601 (result->window_end, NULL);
  if (end == NULL)
    return TRUE;
  start = g_date_time_add_days (end, -COVER_DAYS);
  from_at = g_date_time_format (start, "%Y-%m-%dT%H:%M:%SZ");

  return qm_store_sum_sku_movements (store, sku, "sales_outbound", from_at,
                                     result->window_end, &result->sales, error);
}

static void
page_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PageRequest *request = task_data;
  g_autoptr(QmStore) store = NULL;
  PageResult *result;
  GError *error = NULL;

  store = qm_store_open (request->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  result = g_new0 (PageResult, 1);
  result->movements = qm_store_list_sku_movements (store, request->sku,
                                                   request->has_before ? &request->before : NULL,
                                                   PAGE_SIZE + 1, &error);
  if (result->movements == NULL)
    {
      page_result_free (result);
      g_task_return_error (task, error);
      return;
    }

  if (result->movements->len > PAGE_SIZE)
    {
      result->has_more = TRUE;
      g_array_set_size (result->movements, PAGE_SIZE);
    }

  if (!request->has_before && !read_summary (store, request->sku, result, &error))
    {
      page_result_free (result);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) page_result_free);
}

/* ------------------------------------------------------------------------ */
/* Showing                                                                  */

static void
show_value (QmSkuDetail *self,
            PageResult  *result)
{
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;

  if (!result->has_value)
    return;

  amount = qm_money_format (result->value_e4, 2);
  if (result->currency != NULL && *result->currency != '\0')
    text = g_strdup_printf ("%s %s", result->currency, amount);
  else
    text = g_strdup_printf (_("%s (mixed currencies)"), amount);

  gtk_label_set_text (self->value_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->value_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->value_label), "numeric");
}

static void
show_cover (QmSkuDetail *self,
            PageResult  *result)
{
  gint64 qualified = qm_stock_table_get_quantity (self->table, self->row, QM_STOCK_STATUS_QUALIFIED);
  g_autofree char *text = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *end_day = NULL;

  show_value (self, result);

  if (result->window_end != NULL)
    end_day = g_strndup (result->window_end, 10);

  if (result->window_end == NULL || result->sales <= 0)
    {
      gtk_label_set_text (self->cover_label, _("No sales in 28 days"));
    }
  else
    {
      /* qualified ÷ (sales ÷ 28), in whole days, rounded down */
      gint64 days = qualified * COVER_DAYS / result->sales;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " day",
                                           "%" G_GINT64_FORMAT " days", days), days);
      gtk_label_set_text (self->cover_label, text);
    }

  if (end_day != NULL)
    subtitle = g_strdup_printf (_("Qualified units ÷ average daily sales in the 28 days to %s"), end_day);
  else
    subtitle = g_strdup (_("Qualified units ÷ average daily sales in the last 28 days"));
  adw_action_row_set_subtitle (self->cover_row, subtitle);
}

static GtkWidget *
make_movement_row (const QmSkuMovement *m)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *escaped_title = NULL;
  g_autofree char *escaped_subtitle = NULL;
  GString *detail = g_string_new (m->warehouse_id);
  const char *sign = "";

  when = g_strndup (m->at, 16);
  if (strlen (when) > 10 && when[10] == 'T')
    when[10] = ' ';
  title = g_strdup_printf ("%s · %s", when, kind_label (m->kind));

  if (m->from_status != NULL && m->to_status != NULL)
    g_string_append_printf (detail, " · %s → %s", status_label (m->from_status),
                            status_label (m->to_status));
  else if (m->from_status != NULL)
    g_string_append_printf (detail, " · %s %s", _("from"), status_label (m->from_status));
  else if (m->to_status != NULL)
    g_string_append_printf (detail, " · %s %s", _("into"), status_label (m->to_status));
  if (m->reference != NULL)
    g_string_append_printf (detail, " · %s", m->reference);
  if (m->quarantine_reason != NULL)
    g_string_append_printf (detail, " · %s", _("quarantined, not counted"));
  subtitle = g_string_free (detail, FALSE);

  escaped_title = g_markup_escape_text (title, -1);
  escaped_subtitle = g_markup_escape_text (subtitle, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped_subtitle);

  if (m->from_status == NULL && m->to_status != NULL)
    sign = "+";
  else if (m->from_status != NULL && m->to_status == NULL)
    sign = "−";
  quantity = g_strdup_printf ("%s%'" G_GINT64_FORMAT, sign, m->quantity);
  label = gtk_label_new (quantity);
  gtk_widget_add_css_class (label, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Units moved"),
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

static void request_page (QmSkuDetail *self);

static void
page_done_cb (GObject      *source_object,
              GAsyncResult *res,
              gpointer      user_data)
{
  QmSkuDetail *self = QM_SKU_DETAIL (source_object);
  g_autoptr(GError) error = NULL;
  PageResult *result;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL)
    {
      GtkWidget *row;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Could not read the movements of %s: %s", self->sku, error->message);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Could not read the movements"));
      {
        g_autofree char *escaped = g_markup_escape_text (error->message, -1);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
      }
      gtk_list_box_append (self->movements_list, row);
      gtk_label_set_text (self->cover_label, _("Unknown"));
      return;
    }

  if (result->has_summary)
    show_cover (self, result);

  for (guint i = 0; i < result->movements->len; i++)
    gtk_list_box_append (self->movements_list,
                         make_movement_row (&g_array_index (result->movements, QmSkuMovement, i)));

  if (result->movements->len > 0)
    {
      copy_key (&self->last, &g_array_index (result->movements, QmSkuMovement,
                                             result->movements->len - 1));
      self->have_last = TRUE;
    }
  else if (!self->have_last)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No movements in the cache"));
      gtk_list_box_append (self->movements_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->show_more_button), result->has_more);
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_more_button), TRUE);

  page_result_free (result);
}

static void
request_page (QmSkuDetail *self)
{
  g_autoptr(GTask) task = NULL;
  PageRequest *request;

  if (self->db_path == NULL)
    return;

  request = g_new0 (PageRequest, 1);
  request->db_path = g_strdup (self->db_path);
  request->sku = g_strdup (self->sku);
  if (self->have_last)
    {
      copy_key (&request->before, &self->last);
      request->has_before = TRUE;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->show_more_button), FALSE);

  task = g_task_new (self, self->cancellable, page_done_cb, NULL);
  g_task_set_source_tag (task, request_page);
  g_task_set_task_data (task, request, (GDestroyNotify) page_request_free);
  g_task_run_in_thread (task, page_thread);
}

static void
on_show_more_button_clicked_cb (QmSkuDetail *self)
{
  request_page (self);
}

static GtkWidget *
grid_label (const char *text,
            gboolean    numeric,
            gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (heading)
    gtk_widget_add_css_class (label, "heading");

  return label;
}

static void
attach_quantity (QmSkuDetail *self,
                 gint64       quantity,
                 const char  *warehouse,
                 const char  *column,
                 int          x,
                 int          y,
                 gboolean     heading)
{
  g_autofree char *text = format_quantity (quantity);
  g_autofree char *description = NULL;
  GtkWidget *label = grid_label (text, TRUE, heading);

  /* Translators: the accessible description of a quantity: a warehouse
   * and a column, e.g. "WH-EAST, Qualified" */
  description = g_strdup_printf (_("%s, %s"), warehouse, column);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  if (quantity == 0)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_grid_attach (self->quantities_grid, label, x, y, 1, 1);
}

static void
fill_quantities (QmSkuDetail *self)
{
  static const QmStockStatus statuses[] = {
    QM_STOCK_STATUS_QUALIFIED,
    QM_STOCK_STATUS_PENDING_INSPECTION,
    QM_STOCK_STATUS_DEFECTIVE,
    QM_STOCK_STATUS_SUPPLIER_RETURN,
  };
  const char *titles[] = {
    _("Qualified"),
    _("Pending Inspection"),
    _("Defective"),
    _("Supplier Return"),
    _("Total"),
  };
  guint n_wh = qm_stock_table_get_n_warehouses (self->table);
  int y = 1;

  gtk_grid_attach (self->quantities_grid, grid_label (_("Warehouse"), FALSE, TRUE), 0, 0, 1, 1);
  for (guint c = 0; c < G_N_ELEMENTS (titles); c++)
    gtk_grid_attach (self->quantities_grid, grid_label (titles[c], TRUE, TRUE), (int) c + 1, 0, 1, 1);

  for (guint w = 0; w < n_wh; w++, y++)
    {
      const char *id = qm_stock_table_get_warehouse_id (self->table, w);
      const char *name = qm_stock_table_get_warehouse_name (self->table, w);
      g_autofree char *shown = NULL;

      if (g_strcmp0 (id, name) != 0)
        shown = g_strdup_printf ("%s (%s)", name, id);
      else
        shown = g_strdup (id);
      gtk_grid_attach (self->quantities_grid, grid_label (shown, FALSE, FALSE), 0, y, 1, 1);

      for (guint c = 0; c < G_N_ELEMENTS (statuses); c++)
        attach_quantity (self, qm_stock_table_get_cell (self->table, self->row, w, statuses[c]),
                         id, titles[c], (int) c + 1, y, FALSE);
      attach_quantity (self, qm_stock_table_get_warehouse_total (self->table, self->row, w),
                       id, titles[G_N_ELEMENTS (statuses)], G_N_ELEMENTS (statuses) + 1, y, FALSE);
    }

  gtk_grid_attach (self->quantities_grid, grid_label (_("All warehouses"), FALSE, TRUE), 0, y, 1, 1);
  for (guint c = 0; c < G_N_ELEMENTS (statuses); c++)
    attach_quantity (self, qm_stock_table_get_quantity (self->table, self->row, statuses[c]),
                     _("All warehouses"), titles[c], (int) c + 1, y, TRUE);
  attach_quantity (self, qm_stock_table_get_total (self->table, self->row),
                   _("All warehouses"), titles[G_N_ELEMENTS (statuses)],
                   G_N_ELEMENTS (statuses) + 1, y, TRUE);
}

/**
 * qm_sku_detail_new:
 * @parent: (nullable): the window to stay above
 * @db_path: (nullable): the cache, for the movements
 * @table: the table the row comes from
 * @row: the SKU's row in @table
 *
 * Returns: (transfer full): a new window showing the SKU
 */
GtkWidget *
qm_sku_detail_new (GtkWindow    *parent,
                   const char   *db_path,
                   QmStockTable *table,
                   guint         row)
{
  QmSkuDetail *self;
  g_autofree char *title = NULL;
  const char *category;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (row < qm_stock_table_get_n_rows (table), NULL);

  self = g_object_new (QM_TYPE_SKU_DETAIL,
                       "transient-for", parent,
                       NULL);
  self->db_path = g_strdup (db_path);
  self->table = qm_stock_table_ref (table);
  self->row = row;
  self->sku = g_strdup (qm_stock_table_get_sku (table, row));

  title = g_strdup_printf (_("Details of %s"), self->sku);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, self->sku);
  adw_window_title_set_subtitle (self->window_title, qm_stock_table_get_name (table, row));

  category = qm_stock_table_get_category (table, row);
  gtk_label_set_text (self->category_label, *category != '\0' ? category : _("None"));

  fill_quantities (self);
  request_page (self);

  return GTK_WIDGET (self);
}

static void
qm_sku_detail_dispose (GObject *object)
{
  QmSkuDetail *self = (QmSkuDetail *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_SKU_DETAIL);

  G_OBJECT_CLASS (qm_sku_detail_parent_class)->dispose (object);
}

static void
qm_sku_detail_finalize (GObject *object)
{
  QmSkuDetail *self = (QmSkuDetail *)object;

  g_clear_pointer (&self->table, qm_stock_table_unref);
  g_free (self->db_path);
  g_free (self->sku);
  qm_sku_movement_clear (&self->last);

  G_OBJECT_CLASS (qm_sku_detail_parent_class)->finalize (object);
}

static void
qm_sku_detail_class_init (QmSkuDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_sku_detail_dispose;
  object_class->finalize = qm_sku_detail_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-sku-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, window_title);
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, category_label);
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, cover_row);
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, cover_label);
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, value_label);
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, quantities_grid);
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, movements_list);
  gtk_widget_class_bind_template_child (widget_class, QmSkuDetail, show_more_button);
  gtk_widget_class_bind_template_callback (widget_class, on_show_more_button_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qm_sku_detail_init (QmSkuDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}
