/* qm-procurement-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Procurement plans: choose one (newest first), generate a new one in a
 * worker with its progress and a Cancel, read a plan as a large table
 * (QmPlanModel: filtering and sorting in a worker) with every line's
 * suggestion explained in words, change a draft's approved quantities
 * with a reason, approve, and push the orders to the warehouses with the
 * state of each order afterwards. Every read and write goes through the
 * store in a GTask worker with its own QmStore; the push through QmSync.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "qm-application.h"
#include "qm-error.h"
#include "qm-plan-dialogs.h"
#include "qm-plan-explain.h"
#include "qm-plan-model.h"
#include "qm-plan-item.h"
#include "qm-procurement-page.h"
#include "qm-push.h"
#include "qm-store.h"
#include "qm-store-procurement.h"
#include "qm-sync.h"
#include "qm-window.h"

typedef struct
{
  QmProcurementPage *page;     /* unowned */
  QmPlanSort         sort;
  gboolean           numeric;
  char              *title;
} ColumnInfo;

typedef enum
{
  WORK_NONE,
  WORK_GENERATE,
  WORK_PUSH,
} WorkKind;

/* Shared between a generating worker and the main thread. */
typedef struct
{
  int permille;                /* atomic */
} Progress;

struct _QmProcurementPage
{
  AdwBin              parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  GtkSpinner         *loading_spinner;
  AdwStatusPage      *empty_page;
  GtkButton          *empty_generate_button;
  GtkWidget          *empty_progress_box;
  GtkProgressBar     *empty_progress_bar;
  GtkLabel           *empty_progress_label;
  GtkDropDown        *plan_dropdown;
  GtkStringList      *plan_list;
  GtkLabel           *status_label;
  GtkLabel           *summary_label;
  GtkButton          *generate_button;
  GtkButton          *approve_button;
  GtkButton          *push_button;
  GtkRevealer        *progress_revealer;
  GtkLabel           *progress_label;
  GtkProgressBar     *progress_bar;
  GtkRevealer        *orders_revealer;
  GtkListBox         *orders_list;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *warehouse_dropdown;
  GtkStringList      *warehouse_list;
  GtkDropDown        *show_dropdown;
  GtkSpinner         *busy_spinner;
  GtkLabel           *count_label;
  GtkStack           *content_stack;
  AdwStatusPage      *no_match_page;
  GtkColumnView      *column_view;
  GtkColumnViewColumn *capped_column;
  GtkColumnViewColumn *order_column;
  GtkLabel           *explain_title;
  GtkLabel           *explain_label;
  GtkButton          *edit_button;

  QmPlanModel        *model;
  GtkSingleSelection *selection;
  GCancellable       *cancellable;       /* the page's: cancelled when it goes */
  GCancellable       *work_cancellable;  /* of the generation or push running */
  WorkKind            work;
  Progress           *progress;          /* of the generation running */
  guint               progress_id;
  guint               load_serial;
  guint               writing;
  QmSync             *sync;

  GPtrArray          *plans;             /* of QmPlanInfo, newest first */
  GPtrArray          *warehouses;        /* of QmWarehouse */
  GPtrArray          *filter_ids;        /* warehouse ids, in the filter's order */
  gint64              plan_id;           /* the plan shown, 0 for none */
  QmPlanExplainParams params;            /* its settings */

  /* The line selected, by key, to find it again after a reload. */
  char               *selected_warehouse;
  char               *selected_sku;
  QmPlanLineKind      selected_kind;

  /* Which column the view sorts by: see read_sort(). */
  const ColumnInfo   *probe;
  GObject            *probe_a;
  GObject            *probe_b;

  gboolean            loaded_once;
  gboolean            updating;
};

G_DEFINE_FINAL_TYPE (QmProcurementPage, qm_procurement_page, ADW_TYPE_BIN)

static void load_plan (QmProcurementPage *self,
                       gint64             plan_id,
                       gboolean           in_place);

GtkWidget *
qm_procurement_page_new (void)
{
  return g_object_new (QM_TYPE_PROCUREMENT_PAGE, NULL);
}

static const char *
get_db_path (void)
{
  GApplication *app = g_application_get_default ();

  if (QM_IS_APPLICATION (app))
    return qm_application_get_db_path (QM_APPLICATION (app));

  return NULL;
}

static void
show_toast (QmProcurementPage *self,
            const char        *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwToast *toast;

  if (!QM_IS_WINDOW (root))
    return;

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 8);
  qm_window_add_toast (QM_WINDOW (root), toast);
}

static GtkWindow *
get_window (QmProcurementPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static const QmPlanInfo *
current_plan (QmProcurementPage *self)
{
  for (guint i = 0; self->plans != NULL && i < self->plans->len; i++)
    {
      const QmPlanInfo *info = g_ptr_array_index (self->plans, i);

      if (info->id == self->plan_id)
        return info;
    }

  return NULL;
}

static const char *
warehouse_name (QmProcurementPage *self,
                const char        *id)
{
  for (guint i = 0; id != NULL && self->warehouses != NULL && i < self->warehouses->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (self->warehouses, i);

      if (g_strcmp0 (wh->id, id) == 0)
        return wh->name != NULL && *wh->name != '\0' ? wh->name : wh->id;
    }

  return id;
}

static const char *
status_title (QmPlanStatus status)
{
  switch (status)
    {
    case QM_PLAN_STATUS_DRAFT:
      return _("Draft");
    case QM_PLAN_STATUS_APPROVED:
      return _("Approved");
    case QM_PLAN_STATUS_PUSHED:
      return _("Pushed");
    default:
      return "";
    }
}

static char *
format_time (const char *iso8601)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso8601 == NULL)
    return g_strdup ("");

  then = g_date_time_new_from_iso8601 (iso8601, utc);
  if (then == NULL)
    return g_strdup (iso8601);

  local = g_date_time_to_local (then);
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%e %b %Y, %H:%M"));
}

static char *
format_int (gint64 value)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                    */

static void
column_info_free (gpointer data)
{
  ColumnInfo *info = data;

  g_free (info->title);
  g_free (info);
}

static void select_index (QmProcurementPage *self,
                          guint              index);

static void
on_sku_button_clicked_cb (GtkButton         *button,
                          QmProcurementPage *self)
{
  gpointer index = g_object_get_data (G_OBJECT (button), "qm-line-index");

  if (index != NULL)
    select_index (self, GPOINTER_TO_UINT (index) - 1);
}

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

  if (info->sort == QM_PLAN_SORT_SKU)
    {
      /* The SKU explains its line: a flat button, so that the line can be
       * picked from the keyboard and the accessibility tree too. */
      GtkWidget *button = gtk_button_new ();

      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_halign (button, GTK_ALIGN_FILL);
      gtk_widget_set_tooltip_text (button, _("Explain this line"));
      g_signal_connect_object (button, "clicked",
                               G_CALLBACK (on_sku_button_clicked_cb), info->page, 0);
      gtk_list_item_set_child (list_item, button);
      return;
    }

  gtk_list_item_set_child (list_item, label);
}

static void
set_style (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

static void
on_cell_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 ColumnInfo               *info)
{
  QmPlanItem *row = gtk_list_item_get_item (list_item);
  const QmPlanLine *line = qm_plan_item_get_line (row);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  GtkLabel *label;
  g_autofree char *text = NULL;
  gboolean dim = FALSE;

  if (GTK_IS_BUTTON (child))
    {
      g_autofree char *name = NULL;

      label = GTK_LABEL (gtk_button_get_child (GTK_BUTTON (child)));
      if (line->kind == QM_PLAN_LINE_TRANSFER)
        /* Translators: SKU, warehouse, source warehouse */
        name = g_strdup_printf (_("Explain %s in %s, transfer from %s"),
                                line->sku, line->warehouse_id,
                                line->from_warehouse_id ? line->from_warehouse_id : "?");
      else
        /* Translators: SKU, warehouse */
        name = g_strdup_printf (_("Explain %s in %s"), line->sku, line->warehouse_id);
      g_object_set_data (G_OBJECT (child), "qm-line-index",
                         GUINT_TO_POINTER (qm_plan_item_get_index (row) + 1));
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                      -1);
    }
  else
    {
      label = GTK_LABEL (child);
    }

  set_style (GTK_WIDGET (label), "accent", FALSE);
  set_style (GTK_WIDGET (label), "warning", FALSE);
  set_style (GTK_WIDGET (label), "error", FALSE);
  set_style (GTK_WIDGET (label), "success", FALSE);

  switch (info->sort)
    {
    case QM_PLAN_SORT_WAREHOUSE:
      text = g_strdup (line->warehouse_id);
      break;
    case QM_PLAN_SORT_SKU:
      text = g_strdup (line->sku);
      break;
    case QM_PLAN_SORT_NAME:
      text = g_strdup (line->name ? line->name : "");
      break;
    case QM_PLAN_SORT_KIND:
      if (line->kind == QM_PLAN_LINE_TRANSFER)
        {
          /* Translators: a transfer's source warehouse, in a narrow column */
          text = g_strdup_printf (_("From %s"),
                                  line->from_warehouse_id ? line->from_warehouse_id : "?");
        }
      else
        text = qm_plan_explain_kind (line);
      dim = line->kind == QM_PLAN_LINE_PURCHASE;
      break;
    case QM_PLAN_SORT_ON_HAND:
      text = format_int (line->on_hand);
      dim = line->on_hand == 0;
      break;
    case QM_PLAN_SORT_ON_ORDER:
      text = format_int (line->on_order);
      dim = line->on_order == 0;
      break;
    case QM_PLAN_SORT_DEMAND:
      text = g_strdup_printf ("%'.2f", line->avg_daily_demand);
      dim = line->avg_daily_demand == 0;
      break;
    case QM_PLAN_SORT_DEVIATION:
      text = g_strdup_printf ("%'.2f", line->demand_sd);
      dim = line->demand_sd == 0;
      break;
    case QM_PLAN_SORT_LEAD_TIME:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days",
                                           line->lead_time_days),
                              line->lead_time_days);
      break;
    case QM_PLAN_SORT_SAFETY_STOCK:
      text = g_strdup_printf ("%'.1f", line->safety_stock);
      dim = line->safety_stock == 0;
      break;
    case QM_PLAN_SORT_REORDER_POINT:
      text = g_strdup_printf ("%'.1f", line->reorder_point);
      dim = line->reorder_point == 0;
      break;
    case QM_PLAN_SORT_SUGGESTED:
      text = format_int (line->suggested_quantity);
      dim = line->suggested_quantity == 0;
      break;
    case QM_PLAN_SORT_APPROVED:
      text = format_int (line->approved_quantity);
      dim = line->approved_quantity == 0 && line->edit_reason == NULL;
      set_style (GTK_WIDGET (label), "accent", line->edit_reason != NULL);
      break;
    case QM_PLAN_SORT_CAPPED:
      text = g_strdup (line->capacity_capped ? _("Capped") : "");
      set_style (GTK_WIDGET (label), "warning", line->capacity_capped);
      break;
    case QM_PLAN_SORT_ORDER_STATE:
      switch (line->order_state)
        {
        case QM_ORDER_STATE_NONE:
          text = g_strdup ("");
          break;
        case QM_ORDER_STATE_PENDING:
          text = g_strdup (_("Unanswered"));
          set_style (GTK_WIDGET (label), "warning", TRUE);
          break;
        case QM_ORDER_STATE_ACCEPTED:
          /* The order's id is in the orders list and the explanation. */
          text = g_strdup (_("Accepted"));
          set_style (GTK_WIDGET (label), "success", TRUE);
          break;
        case QM_ORDER_STATE_REJECTED:
          text = g_strdup (_("Rejected"));
          set_style (GTK_WIDGET (label), "error", TRUE);
          break;
        default:
          text = g_strdup ("");
        }
      break;
    case QM_PLAN_SORT_NONE:
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (label, text);
  set_style (GTK_WIDGET (label), "dim-label", dim);
  /* No tooltips: one would replace the cell's accessible description
   * (the column's title). The explanation below the list says it all in
   * full, the name too. */
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
add_column (QmProcurementPage *self,
            const char        *title,
            QmPlanSort         sort,
            gboolean           numeric,
            int                fixed_width)
{
  ColumnInfo *info = g_new0 (ColumnInfo, 1);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkSorter) sorter = NULL;
  GtkColumnViewColumn *column;

  info->page = self;
  info->sort = sort;
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
add_columns (QmProcurementPage *self)
{
  /* Wide enough for the title and the longest usual value at 1400 pixels
   * wide; the name takes what is left. */
  add_column (self, _("Warehouse"), QM_PLAN_SORT_WAREHOUSE, FALSE, 100);
  add_column (self, _("SKU"), QM_PLAN_SORT_SKU, FALSE, 124);
  add_column (self, _("Name"), QM_PLAN_SORT_NAME, FALSE, 0);
  add_column (self, _("Kind"), QM_PLAN_SORT_KIND, FALSE, 118);
  add_column (self, _("On Hand"), QM_PLAN_SORT_ON_HAND, TRUE, 74);
  add_column (self, _("On Order"), QM_PLAN_SORT_ON_ORDER, TRUE, 78);
  add_column (self, _("Demand/Day"), QM_PLAN_SORT_DEMAND, TRUE, 96);
  add_column (self, _("Deviation"), QM_PLAN_SORT_DEVIATION, TRUE, 82);
  add_column (self, _("Lead Time"), QM_PLAN_SORT_LEAD_TIME, TRUE, 82);
  add_column (self, _("Safety Stock"), QM_PLAN_SORT_SAFETY_STOCK, TRUE, 98);
  add_column (self, _("Reorder Point"), QM_PLAN_SORT_REORDER_POINT, TRUE, 108);
  add_column (self, _("Suggested"), QM_PLAN_SORT_SUGGESTED, TRUE, 88);
  add_column (self, _("Approved"), QM_PLAN_SORT_APPROVED, TRUE, 84);
  /* Shown only when they have something to say: see update_plan_header(). */
  self->capped_column = g_object_ref (add_column (self, _("Capped"), QM_PLAN_SORT_CAPPED,
                                                  FALSE, 70));
  self->order_column = g_object_ref (add_column (self, _("Order"), QM_PLAN_SORT_ORDER_STATE,
                                                 FALSE, 96));
}

/* ------------------------------------------------------------------------ */
/* The query                                                                */

/* GTK 4.8 has no public way to ask a GtkColumnViewSorter which column it
 * sorts by; it compares with each sorted column's sorter in turn (swapping
 * the items when descending). So compare two probe items: the first
 * column's probe sorter records itself, and the result gives the order. */
static void
read_sort (QmProcurementPage *self,
           QmPlanQuery       *query)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GtkOrdering order;

  self->probe = NULL;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);

  if (self->probe == NULL || order == GTK_ORDERING_EQUAL)
    return;

  query->sort = self->probe->sort;
  query->descending = order == GTK_ORDERING_LARGER;
  self->probe = NULL;
}

static void
apply_query (QmProcurementPage *self)
{
  QmPlanQuery query = QM_PLAN_QUERY_INIT;
  guint selected;

  if (self->updating)
    return;

  query.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  selected = gtk_drop_down_get_selected (self->warehouse_dropdown);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->filter_ids->len)
    query.warehouse_id = g_ptr_array_index (self->filter_ids, selected - 1);

  selected = gtk_drop_down_get_selected (self->show_dropdown);
  if (selected != GTK_INVALID_LIST_POSITION && selected <= QM_PLAN_SHOW_NOT_ACCEPTED)
    query.show = (QmPlanShow) selected;

  read_sort (self, &query);
  qm_plan_model_set_query (self->model, &query);
}

static void
on_filter_changed_cb (QmProcurementPage *self)
{
  apply_query (self);
}

static void
on_sorter_changed_cb (GtkSorter         *sorter,
                      GtkSorterChange    change,
                      QmProcurementPage *self)
{
  apply_query (self);
}

/* ------------------------------------------------------------------------ */
/* The explanation                                                          */

static const QmPlanLine *
selected_line (QmProcurementPage *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  QmPlanTable *table = qm_plan_model_get_table (self->model);
  guint index;

  if (table == NULL || position == GTK_INVALID_LIST_POSITION)
    return NULL;

  index = qm_plan_model_get_index (self->model, position);
  if (index == G_MAXUINT)
    return NULL;

  return qm_plan_table_get_line (table, index);
}

static void
update_actions (QmProcurementPage *self)
{
  const QmPlanInfo *plan = current_plan (self);
  gboolean idle = self->work == WORK_NONE;
  gboolean draft = plan != NULL && plan->status == QM_PLAN_STATUS_DRAFT;
  gboolean approved = plan != NULL && plan->status == QM_PLAN_STATUS_APPROVED;

  gtk_widget_set_sensitive (GTK_WIDGET (self->generate_button), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->empty_generate_button), idle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->plan_dropdown), idle);

  gtk_widget_set_visible (GTK_WIDGET (self->approve_button), draft);
  gtk_widget_set_sensitive (GTK_WIDGET (self->approve_button), idle && self->writing == 0);
  set_style (GTK_WIDGET (self->approve_button), "suggested-action", draft);

  gtk_widget_set_visible (GTK_WIDGET (self->push_button), plan != NULL && !draft);
  gtk_widget_set_sensitive (GTK_WIDGET (self->push_button), idle && approved);
  set_style (GTK_WIDGET (self->push_button), "suggested-action", approved);

  gtk_widget_set_sensitive (GTK_WIDGET (self->edit_button),
                            idle && draft && self->writing == 0 && selected_line (self) != NULL);
  if (plan != NULL && !draft)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->edit_button),
                                 _("Only a draft plan can be changed; generate a new plan to "
                                   "plan again"));
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->edit_button),
                                 _("Set another quantity for this line, with the reason for it"));
}

static void
update_explanation (QmProcurementPage *self)
{
  const QmPlanLine *line = selected_line (self);
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *kind = NULL;

  update_actions (self);

  if (line == NULL)
    {
      g_autofree char *settings = qm_plan_explain_params (&self->params);
      g_autofree char *hint = NULL;

      gtk_label_set_text (self->explain_title,
                          _("Select a line to see how its suggestion came about"));

      hint = g_strconcat (_("Every number of a line comes from the synced sales and stock: "
                            "demand, its deviation, lead time, safety stock, reorder point, "
                            "the order-up-to level, pack sizes and the warehouse’s capacity."),
                          settings != NULL ? "\n" : NULL, settings, NULL);
      gtk_label_set_text (self->explain_label, hint);
      set_style (GTK_WIDGET (self->explain_label), "dim-label", TRUE);
      return;
    }

  if (line->kind == QM_PLAN_LINE_TRANSFER)
    /* Translators: %s is the warehouse a transfer comes from */
    kind = g_strdup_printf (_("Transfer from %s"),
                            line->from_warehouse_id ? warehouse_name (self, line->from_warehouse_id)
                                                    : "?");
  else
    kind = qm_plan_explain_kind (line);
  if (line->name != NULL && *line->name != '\0')
    /* Translators: SKU, its name, warehouse, “Purchase” or “Transfer from …” */
    title = g_strdup_printf (_("%s “%s” in %s: %s"), line->sku, line->name,
                             warehouse_name (self, line->warehouse_id), kind);
  else
    /* Translators: SKU, warehouse, “Purchase” or “Transfer from …” */
    title = g_strdup_printf (_("%s in %s: %s"), line->sku,
                             warehouse_name (self, line->warehouse_id), kind);

  text = qm_plan_explain_line (line, &self->params, warehouse_name (self, line->warehouse_id),
                               warehouse_name (self, line->from_warehouse_id));

  gtk_label_set_text (self->explain_title, title);
  gtk_label_set_text (self->explain_label, text);
  set_style (GTK_WIDGET (self->explain_label), "dim-label", FALSE);
}

static void
remember_selection (QmProcurementPage *self)
{
  const QmPlanLine *line = selected_line (self);

  if (line == NULL)
    return;

  g_free (self->selected_warehouse);
  g_free (self->selected_sku);
  self->selected_warehouse = g_strdup (line->warehouse_id);
  self->selected_sku = g_strdup (line->sku);
  self->selected_kind = line->kind;
}

static void
forget_selection (QmProcurementPage *self)
{
  g_clear_pointer (&self->selected_warehouse, g_free);
  g_clear_pointer (&self->selected_sku, g_free);
}

static void
on_selection_changed_cb (QmProcurementPage *self)
{
  if (!self->updating)
    remember_selection (self);
  update_explanation (self);
}

static void
select_index (QmProcurementPage *self,
              guint              index)
{
  guint position = qm_plan_model_find_index (self->model, index);

  if (position == G_MAXUINT)
    return;

  gtk_single_selection_set_selected (self->selection, position);
  remember_selection (self);
  update_explanation (self);
}

/* After the rows changed: select the line that was selected, if shown. */
static void
restore_selection (QmProcurementPage *self)
{
  QmPlanTable *table = qm_plan_model_get_table (self->model);
  const QmPlanLine *line = selected_line (self);
  int index;
  guint position;

  if (table == NULL || self->selected_sku == NULL)
    return;

  if (line != NULL && g_strcmp0 (line->sku, self->selected_sku) == 0 &&
      g_strcmp0 (line->warehouse_id, self->selected_warehouse) == 0 &&
      line->kind == self->selected_kind)
    return;

  index = qm_plan_table_find_line (table, self->selected_warehouse, self->selected_sku,
                                   self->selected_kind);
  position = index >= 0 ? qm_plan_model_find_index (self->model, (guint) index) : G_MAXUINT;

  self->updating = TRUE;
  gtk_single_selection_set_selected (self->selection,
                                     position != G_MAXUINT ? position : GTK_INVALID_LIST_POSITION);
  self->updating = FALSE;
}

/* ------------------------------------------------------------------------ */
/* The list's state                                                         */

static void
update_count (QmProcurementPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  gboolean busy = qm_plan_model_get_busy (self->model);
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u line", "%u lines", n), n);
  gtk_label_set_text (self->count_label, text);

  gtk_spinner_set_spinning (self->busy_spinner, busy);

  if (n == 0 && !busy)
    {
      QmPlanTable *table = qm_plan_model_get_table (self->model);

      if (table != NULL && qm_plan_table_get_n_lines (table) == 0)
        {
          adw_status_page_set_icon_name (self->no_match_page, "emblem-ok-symbolic");
          adw_status_page_set_title (self->no_match_page, _("Nothing to Order"));
          adw_status_page_set_description (self->no_match_page,
                                           _("Every warehouse holds enough for its demand with "
                                             "this plan’s settings. Generate a plan again after "
                                             "the next sync, or with a higher service level."));
        }
      else
        {
          adw_status_page_set_icon_name (self->no_match_page, "edit-find-symbolic");
          adw_status_page_set_title (self->no_match_page, _("No Line Matches"));
          adw_status_page_set_description (self->no_match_page,
                                           _("Try another SKU or name, or set the filters back "
                                             "to all warehouses and all lines."));
        }
      gtk_stack_set_visible_child_name (self->content_stack, "no-match");
    }
  else if (n > 0)
    gtk_stack_set_visible_child_name (self->content_stack, "list");
}

static void
on_model_items_changed_cb (GListModel        *model,
                           guint              position,
                           guint              removed,
                           guint              added,
                           QmProcurementPage *self)
{
  update_count (self);
  restore_selection (self);
  update_explanation (self);
}

static void
on_model_busy_changed_cb (QmProcurementPage *self)
{
  update_count (self);
}

/* ------------------------------------------------------------------------ */
/* Plans, totals and orders                                                 */

static void
on_plan_list_setup_cb (GtkSignalListItemFactory *factory,
                       GtkListItem              *list_item,
                       gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_list_item_set_child (list_item, box);
}

static char *
plan_details (const QmPlanInfo *info)
{
  g_autofree char *created = format_time (info->created_at);
  g_autofree char *suggested = format_int (info->suggested_total);
  g_autofree char *approved = format_int (info->approved_total);

  g_autofree char *details = NULL;

  /* Translators: creation time, user, lines, units suggested, units approved */
  details = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Made %s by %s · %u line · %s units suggested, "
                                          "%s approved",
                                          "Made %s by %s · %u lines · %s units suggested, "
                                          "%s approved",
                                          info->n_lines),
                             created, info->created_by ? info->created_by : "?",
                             info->n_lines, suggested, approved);
  if (info->approved_at != NULL)
    {
      g_autofree char *when = format_time (info->approved_at);

      /* Translators: the plan's details, then when and by whom it was approved */
      return g_strdup_printf (_("%s · approved %s by %s"), details, when,
                              info->approved_by ? info->approved_by : "?");
    }

  return g_steal_pointer (&details);
}

static void
on_plan_list_bind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      QmProcurementPage        *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  guint position = gtk_list_item_get_position (list_item);
  const QmPlanInfo *info;
  g_autofree char *details = NULL;

  if (self->plans == NULL || position >= self->plans->len)
    return;

  info = g_ptr_array_index (self->plans, position);
  details = plan_details (info);
  gtk_label_set_text (GTK_LABEL (title),
                      gtk_string_list_get_string (self->plan_list, position));
  gtk_label_set_text (GTK_LABEL (subtitle), details);
}

/* Adds or takes out one of the last two columns (capped, then order).
 * GTK 4.8 leaves a hidden column's width unused rather than giving it to
 * the column that expands, so they are taken out instead of hidden. */
static void
show_column (QmProcurementPage   *self,
             GtkColumnViewColumn *column,
             gboolean             shown)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  gboolean present = FALSE;
  guint n = g_list_model_get_n_items (columns);

  for (guint i = 0; i < n && !present; i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);

      present = c == column;
    }

  if (present == shown)
    return;

  if (!shown)
    {
      gtk_column_view_remove_column (self->column_view, column);
      return;
    }

  if (column == self->capped_column)
    {
      /* Before the order column if that one is there. */
      g_autoptr(GtkColumnViewColumn) last = n > 0 ? g_list_model_get_item (columns, n - 1) : NULL;

      gtk_column_view_insert_column (self->column_view, last == self->order_column ? n - 1 : n,
                                     column);
    }
  else
    {
      gtk_column_view_append_column (self->column_view, column);
    }
}

static void
update_plan_header (QmProcurementPage *self)
{
  const QmPlanInfo *plan = current_plan (self);
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *suggested = NULL;
  g_autofree char *approved = NULL;

  set_style (GTK_WIDGET (self->status_label), "accent", FALSE);
  set_style (GTK_WIDGET (self->status_label), "success", FALSE);
  set_style (GTK_WIDGET (self->status_label), "warning", FALSE);

  qm_plan_explain_parse_params (plan != NULL ? plan->parameters : NULL, &self->params);

  if (plan == NULL)
    {
      gtk_label_set_text (self->status_label, "");
      gtk_label_set_text (self->summary_label, "");
      update_actions (self);
      return;
    }

  show_column (self, self->capped_column, plan->n_capped > 0);
  show_column (self, self->order_column, plan->status != QM_PLAN_STATUS_DRAFT);

  gtk_label_set_text (self->status_label, status_title (plan->status));
  set_style (GTK_WIDGET (self->status_label),
             plan->status == QM_PLAN_STATUS_DRAFT ? "accent" :
             plan->status == QM_PLAN_STATUS_APPROVED ? "warning" : "success", TRUE);

  suggested = format_int (plan->suggested_total);
  approved = format_int (plan->approved_total);
  g_string_append_printf (summary,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%u line · %s units suggested · %s approved",
                                       "%u lines · %s units suggested · %s approved",
                                       plan->n_lines),
                          plan->n_lines, suggested, approved);
  if (plan->n_capped > 0)
    {
      g_string_append (summary, " · ");
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u capped", "%u capped",
                                                    plan->n_capped),
                              plan->n_capped);
    }
  if (plan->n_edited > 0)
    {
      g_string_append (summary, " · ");
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u edited", "%u edited",
                                                    plan->n_edited),
                              plan->n_edited);
    }
  gtk_label_set_text (self->summary_label, summary->str);

  /* A tooltip would replace the labels' accessible descriptions: the
   * approval goes in the totals' text. */
  if (plan->status != QM_PLAN_STATUS_DRAFT && plan->approved_at != NULL)
    {
      g_string_append (summary, " · ");
      /* Translators: who approved a plan (the time is in the plan list) */
      g_string_append_printf (summary, _("approved by %s"),
                              plan->approved_by ? plan->approved_by : "?");
      gtk_label_set_text (self->summary_label, summary->str);
    }

  update_actions (self);
}

typedef struct
{
  char           *warehouse_id;     /* where the order goes */
  QmPlanLineKind  kind;
  char           *to_warehouse_id;  /* transfers */
  QmOrderState    state;
  char           *order_id;
  char           *error;
  guint           n_lines;
  gint64          units;
} OrderGroup;

static void
order_group_free (OrderGroup *group)
{
  g_free (group->warehouse_id);
  g_free (group->to_warehouse_id);
  g_free (group->order_id);
  g_free (group->error);
  g_free (group);
}

/* What needs the planner's eye comes first. */
static int
state_rank (QmOrderState state)
{
  switch (state)
    {
    case QM_ORDER_STATE_REJECTED:
      return 0;
    case QM_ORDER_STATE_PENDING:
      return 1;
    case QM_ORDER_STATE_NONE:
      return 2;
    case QM_ORDER_STATE_ACCEPTED:
    default:
      return 3;
    }
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const OrderGroup *ga = *(const OrderGroup * const *) a;
  const OrderGroup *gb = *(const OrderGroup * const *) b;
  int c = state_rank (ga->state) - state_rank (gb->state);

  if (c == 0)
    c = g_strcmp0 (ga->warehouse_id, gb->warehouse_id);

  if (c == 0)
    c = (int) ga->kind - (int) gb->kind;
  if (c == 0)
    c = g_strcmp0 (ga->to_warehouse_id, gb->to_warehouse_id);
  return c;
}

static void push_plan (QmProcurementPage *self);

static void
on_retry_clicked_cb (QmProcurementPage *self)
{
  push_plan (self);
}

static GtkWidget *
order_row (QmProcurementPage *self,
           const OrderGroup  *group)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *units = format_int (group->units);
  g_autofree char *amount = NULL;
  const char *name = warehouse_name (self, group->warehouse_id);

  if (group->kind == QM_PLAN_LINE_TRANSFER)
    /* Translators: source warehouse, destination warehouse */
    title = g_strdup_printf (_("%s: transfer to %s"), name,
                             warehouse_name (self, group->to_warehouse_id));
  else
    /* Translators: a warehouse */
    title = g_strdup_printf (_("%s: purchase order"), name);

  amount = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u line, %s units",
                                         "%u lines, %s units", group->n_lines),
                            group->n_lines, units);

  switch (group->state)
    {
    case QM_ORDER_STATE_ACCEPTED:
      /* Translators: the warehouse's order id, then lines and units */
      subtitle = g_strdup_printf (_("Accepted as %s · %s"),
                                  group->order_id ? group->order_id : "?", amount);
      break;
    case QM_ORDER_STATE_REJECTED:
      /* Translators: the warehouse's reason, then lines and units */
      subtitle = g_strdup_printf (_("Rejected: %s · %s"),
                                  group->error ? group->error : _("no reason given"), amount);
      break;
    case QM_ORDER_STATE_PENDING:
      if (group->error != NULL)
        /* Translators: why no answer came, then lines and units */
        subtitle = g_strdup_printf (_("No answer yet (%s) · %s. Retry sends it again with the "
                                      "same key: it cannot be created twice."),
                                    group->error, amount);
      else
        subtitle = g_strdup_printf (_("Waiting for an answer · %s"), amount);
      break;
    case QM_ORDER_STATE_NONE:
    default:
      subtitle = g_strdup_printf (_("Not sent yet · %s"), amount);
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

  {
    GtkWidget *icon = gtk_image_new_from_icon_name (
      group->state == QM_ORDER_STATE_ACCEPTED ? "emblem-ok-symbolic" :
      group->state == QM_ORDER_STATE_REJECTED ? "dialog-error-symbolic" :
      "content-loading-symbolic");

    set_style (icon, group->state == QM_ORDER_STATE_ACCEPTED ? "success" :
                     group->state == QM_ORDER_STATE_REJECTED ? "error" : "warning", TRUE);
    gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    group->state == QM_ORDER_STATE_ACCEPTED ? _("Accepted") :
                                    group->state == QM_ORDER_STATE_REJECTED ? _("Rejected") :
                                    _("Unanswered"),
                                    -1);
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  }

  if (group->state == QM_ORDER_STATE_PENDING || group->state == QM_ORDER_STATE_NONE)
    {
      /* The text as a child label: a button's label property would be
       * read out with its accessible name. */
      GtkWidget *retry = gtk_button_new ();
      g_autofree char *retry_name = g_strdup_printf (_("Retry sending to %s"), name);

      gtk_button_set_child (GTK_BUTTON (retry), gtk_label_new_with_mnemonic (_("_Retry")));

      gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (retry, _("Send the orders without an answer again"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (retry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, retry_name,
                                      -1);
      gtk_widget_set_sensitive (retry, self->work == WORK_NONE);
      g_signal_connect_object (retry, "clicked", G_CALLBACK (on_retry_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), retry);
    }

  return row;
}

static void
update_orders (QmProcurementPage *self)
{
  QmPlanTable *table = qm_plan_model_get_table (self->model);
  const QmPlanInfo *plan = current_plan (self);
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GPtrArray) sorted = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->orders_list))) != NULL)
    gtk_list_box_remove (self->orders_list, child);

  if (table == NULL || plan == NULL || plan->status == QM_PLAN_STATUS_DRAFT)
    {
      gtk_revealer_set_reveal_child (self->orders_revealer, FALSE);
      return;
    }

  groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sorted = g_ptr_array_new_with_free_func ((GDestroyNotify) order_group_free);

  for (guint i = 0; i < qm_plan_table_get_n_lines (table); i++)
    {
      const QmPlanLine *line = qm_plan_table_get_line (table, i);
      const char *endpoint;
      const char *to;
      g_autofree char *key = NULL;
      OrderGroup *group;

      if (line->order_state == QM_ORDER_STATE_NONE)
        continue;

      /* A transfer is asked of the warehouse the units come from. */
      endpoint = line->kind == QM_PLAN_LINE_TRANSFER ? line->from_warehouse_id : line->warehouse_id;
      if (endpoint == NULL)
        endpoint = "?";
      to = line->kind == QM_PLAN_LINE_TRANSFER ? line->warehouse_id : NULL;
      key = g_strdup_printf ("%s\n%d\n%s", endpoint, (int) line->kind, to ? to : "");

      group = g_hash_table_lookup (groups, key);
      if (group == NULL)
        {
          group = g_new0 (OrderGroup, 1);
          group->warehouse_id = g_strdup (endpoint);
          group->kind = line->kind;
          group->to_warehouse_id = g_strdup (to);
          group->state = line->order_state;
          group->order_id = g_strdup (line->order_id);
          group->error = g_strdup (line->order_error);
          g_hash_table_insert (groups, g_steal_pointer (&key), group);
          g_ptr_array_add (sorted, group);
        }
      group->n_lines++;
      group->units += line->approved_quantity;
    }

  g_ptr_array_sort (sorted, compare_groups);
  for (guint i = 0; i < sorted->len; i++)
    gtk_list_box_append (self->orders_list, order_row (self, g_ptr_array_index (sorted, i)));

  gtk_revealer_set_reveal_child (self->orders_revealer, sorted->len > 0);
}

/* Refills the warehouse filter, keeping the chosen warehouse if still there. */
static void
update_warehouse_filter (QmProcurementPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->warehouse_dropdown);
  g_autofree char *previous = NULL;
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->warehouse_list));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint new_selected = 0;

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->filter_ids->len)
    previous = g_strdup (g_ptr_array_index (self->filter_ids, selected - 1));

  g_ptr_array_set_size (self->filter_ids, 0);
  g_ptr_array_add (names, (gpointer) _("All warehouses"));
  for (guint i = 0; self->warehouses != NULL && i < self->warehouses->len; i++)
    {
      const QmWarehouse *wh = g_ptr_array_index (self->warehouses, i);

      g_ptr_array_add (self->filter_ids, g_strdup (wh->id));
      g_ptr_array_add (names, (gpointer) (wh->name && *wh->name ? wh->name : wh->id));
      if (g_strcmp0 (previous, wh->id) == 0)
        new_selected = i + 1;
    }
  g_ptr_array_add (names, NULL);

  gtk_string_list_splice (self->warehouse_list, 0, n_old, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->warehouse_dropdown, new_selected);
}

static void
update_plan_list (QmProcurementPage *self)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->plan_list));
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;

  for (guint i = 0; i < self->plans->len; i++)
    {
      const QmPlanInfo *info = g_ptr_array_index (self->plans, i);
      g_autofree char *created = format_time (info->created_at);

      /* Translators: plan number, status, creation time */
      g_ptr_array_add (strings, g_strdup_printf (_("Plan %" G_GINT64_FORMAT " · %s · %s"),
                                                 info->id, status_title (info->status),
                                                 created));
      if (info->id == self->plan_id)
        selected = i;
    }
  g_ptr_array_add (strings, NULL);

  gtk_string_list_splice (self->plan_list, 0, n_old, (const char * const *) strings->pdata);
  gtk_drop_down_set_selected (self->plan_dropdown, selected);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

typedef struct
{
  char        *db_path;
  gint64       started;      /* monotonic µs, for the debug log */
  gint64       plan_id;      /* 0 = the newest */
  QmPlanTable *old_table;    /* the lines shown, to compare with */
  gint64       old_plan_id;
} LoadData;

typedef struct
{
  GPtrArray   *warehouses;
  GPtrArray   *plans;
  gint64       plan_id;
  QmPlanTable *table;
  gboolean     same_keys;
} Snapshot;

static void
load_data_free (LoadData *data)
{
  g_free (data->db_path);
  g_clear_pointer (&data->old_table, qm_plan_table_unref);
  g_free (data);
}

static void
snapshot_free (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->warehouses, g_ptr_array_unref);
  g_clear_pointer (&snapshot->plans, g_ptr_array_unref);
  g_clear_pointer (&snapshot->table, qm_plan_table_unref);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(Snapshot) snapshot = g_new0 (Snapshot, 1);
  GError *error = NULL;

  /* No cache yet is no plan; opening it would create it. */
  if (data->db_path == NULL || !g_file_test (data->db_path, G_FILE_TEST_EXISTS))
    {
      snapshot->warehouses = g_ptr_array_new ();
      snapshot->plans = g_ptr_array_new ();
      g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) snapshot_free);
      return;
    }

  store = qm_store_open (data->db_path, &error);
  if (store == NULL ||
      (snapshot->warehouses = qm_store_list_warehouses (store, &error)) == NULL ||
      (snapshot->plans = qm_store_plan_list (store, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (snapshot->plans->len > 0)
    {
      const QmPlanInfo *chosen = g_ptr_array_index (snapshot->plans, 0);
      GPtrArray *lines;

      for (guint i = 0; i < snapshot->plans->len; i++)
        {
          const QmPlanInfo *info = g_ptr_array_index (snapshot->plans, i);

          if (info->id == data->plan_id)
            chosen = info;
        }

      snapshot->plan_id = chosen->id;
      lines = qm_store_plan_get_lines (store, chosen->id, &error);
      if (lines == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      snapshot->table = qm_plan_table_new (lines);

      if (data->old_table != NULL && data->old_plan_id == chosen->id)
        snapshot->same_keys = qm_plan_table_same_keys (data->old_table, snapshot->table);
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) snapshot_free);
}

static void
show_empty (QmProcurementPage *self,
            gboolean           have_warehouses)
{
  adw_status_page_set_title (self->empty_page, _("No Procurement Plan Yet"));
  if (have_warehouses)
    adw_status_page_set_description (self->empty_page,
                                     _("A plan suggests what each warehouse should buy, or "
                                       "receive from another warehouse, worked out from recent "
                                       "demand and each warehouse’s capacity. You can adjust "
                                       "it, approve it and send the orders to the warehouses."));
  else
    adw_status_page_set_description (self->empty_page,
                                     _("Suggested purchase orders will appear here, worked out "
                                       "from recent demand and each warehouse’s capacity, for "
                                       "you to adjust, approve and send to the warehouses. Plans "
                                       "are made from synced stock and sales: add a warehouse "
                                       "endpoint with “quartermaster-cli endpoint add URL” or in "
                                       "Preferences → Warehouses."));

  gtk_widget_set_visible (GTK_WIDGET (self->empty_generate_button),
                          have_warehouses && self->work != WORK_GENERATE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
load_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  QmProcurementPage *self = QM_PROCUREMENT_PAGE (source_object);
  guint serial = GPOINTER_TO_UINT (user_data);
  g_autoptr(Snapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gboolean same_plan;

  snapshot = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (self->cancellable) || serial != self->load_serial)
    return;

  gtk_spinner_set_spinning (self->loading_spinner, FALSE);

  if (snapshot != NULL && snapshot->table != NULL)
    {
      LoadData *data = g_task_get_task_data (G_TASK (result));

      g_debug ("Plan %" G_GINT64_FORMAT ": %u lines read in %.0f ms", snapshot->plan_id,
               qm_plan_table_get_n_lines (snapshot->table),
               (g_get_monotonic_time () - data->started) / 1000.0);
    }

  if (snapshot == NULL)
    {
      g_debug ("Could not read the plans: %s", error->message);
      adw_status_page_set_title (self->empty_page, _("Could Not Read the Plans"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->empty_generate_button), FALSE);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_clear_pointer (&self->warehouses, g_ptr_array_unref);
  self->warehouses = g_ptr_array_ref (snapshot->warehouses);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  self->plans = g_ptr_array_ref (snapshot->plans);

  if (snapshot->table == NULL)
    {
      self->plan_id = 0;
      qm_plan_model_set_table (self->model, NULL);
      show_empty (self, self->warehouses->len > 0);
      update_plan_header (self);
      return;
    }

  same_plan = snapshot->plan_id == self->plan_id;
  if (!same_plan)
    forget_selection (self);
  self->plan_id = snapshot->plan_id;

  self->updating = TRUE;
  update_plan_list (self);
  update_warehouse_filter (self);
  self->updating = FALSE;

  if (same_plan && snapshot->same_keys)
    {
      qm_plan_model_update_table (self->model, snapshot->table);
    }
  else
    {
      qm_plan_model_set_table (self->model, snapshot->table);
      apply_query (self);
    }

  update_plan_header (self);
  update_orders (self);
  update_explanation (self);
  gtk_stack_set_visible_child_name (self->stack, "plan");
}

/* Reads the plans again and shows @plan_id (0: the one shown, else the
 * newest). @in_place keeps the rows where they are when only figures of
 * the same lines changed. */
static void
load_plan (QmProcurementPage *self,
           gint64             plan_id,
           gboolean           in_place)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data = g_new0 (LoadData, 1);
  QmPlanTable *table = qm_plan_model_get_table (self->model);

  if (!self->loaded_once)
    gtk_spinner_set_spinning (self->loading_spinner, TRUE);
  self->loaded_once = TRUE;

  data->db_path = g_strdup (get_db_path ());
  data->started = g_get_monotonic_time ();
  data->plan_id = plan_id != 0 ? plan_id : self->plan_id;
  if (in_place && table != NULL)
    {
      data->old_table = qm_plan_table_ref (table);
      data->old_plan_id = self->plan_id;
    }

  task = g_task_new (self, self->cancellable, load_done_cb,
                     GUINT_TO_POINTER (++self->load_serial));
  g_task_set_source_tag (task, load_plan);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * qm_procurement_page_reload:
 * @self: a #QmProcurementPage
 *
 * Reads the plans from the cache again, in a worker thread, keeping the
 * plan shown, its filters, sort and selected line.
 */
void
qm_procurement_page_reload (QmProcurementPage *self)
{
  g_return_if_fail (QM_IS_PROCUREMENT_PAGE (self));

  load_plan (self, 0, TRUE);
}

static void
on_plan_dropdown_selected_cb (QmProcurementPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->plan_dropdown);
  const QmPlanInfo *info;

  if (self->updating || self->plans == NULL || selected >= self->plans->len)
    return;

  info = g_ptr_array_index (self->plans, selected);
  if (info->id != self->plan_id)
    load_plan (self, info->id, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Progress of long work                                                    */

static void
set_work (QmProcurementPage *self,
          WorkKind           work)
{
  gboolean empty = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;

  self->work = work;

  gtk_revealer_set_reveal_child (self->progress_revealer, work != WORK_NONE && !empty);
  gtk_widget_set_visible (self->empty_progress_box, work == WORK_GENERATE && empty);
  if (empty)
    gtk_widget_set_visible (GTK_WIDGET (self->empty_generate_button),
                            work == WORK_NONE && self->warehouses != NULL &&
                            self->warehouses->len > 0);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_fraction (self->empty_progress_bar, 0);

  update_actions (self);
  update_orders (self);
}

static void
set_progress_text (QmProcurementPage *self,
                   const char        *text)
{
  gtk_label_set_text (self->progress_label, text);
  gtk_label_set_text (self->empty_progress_label, text);
}

static gboolean
on_progress_tick_cb (gpointer user_data)
{
  QmProcurementPage *self = user_data;

  if (self->work == WORK_GENERATE && self->progress != NULL)
    {
      int permille = g_atomic_int_get (&self->progress->permille);
      g_autofree char *text = NULL;

      /* Translators: %d is a percentage */
      text = g_strdup_printf (_("Generating the plan… %d %%"), permille / 10);
      set_progress_text (self, text);
      gtk_progress_bar_set_fraction (self->progress_bar, permille / 1000.0);
      gtk_progress_bar_set_fraction (self->empty_progress_bar, permille / 1000.0);
    }
  else if (self->work == WORK_PUSH)
    {
      gtk_progress_bar_pulse (self->progress_bar);
    }

  return G_SOURCE_CONTINUE;
}

static void
start_progress (QmProcurementPage *self,
                WorkKind           work,
                const char        *text)
{
  g_clear_object (&self->work_cancellable);
  self->work_cancellable = g_cancellable_new ();

  set_work (self, work);
  set_progress_text (self, text);
  gtk_progress_bar_set_pulse_step (self->progress_bar, 0.08);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->progress_id = g_timeout_add (120, on_progress_tick_cb, self);
}

static void
stop_progress (QmProcurementPage *self)
{
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_object (&self->work_cancellable);
  g_clear_pointer (&self->progress, g_atomic_rc_box_release);
  set_work (self, WORK_NONE);
}

static void
on_cancel_button_clicked_cb (QmProcurementPage *self)
{
  if (self->work_cancellable != NULL)
    g_cancellable_cancel (self->work_cancellable);
  set_progress_text (self, _("Cancelling…"));
}

/* ------------------------------------------------------------------------ */
/* Generate                                                                 */

typedef struct
{
  char          *db_path;
  QmPlanOptions  options;
  Progress      *progress;
} GenerateData;

static void
generate_data_free (GenerateData *data)
{
  g_free (data->db_path);
  g_clear_pointer (&data->progress, g_atomic_rc_box_release);
  g_free (data);
}

static void
generate_progress_cb (double   fraction,
                      gpointer user_data)
{
  Progress *progress = user_data;

  g_atomic_int_set (&progress->permille, (int) (CLAMP (fraction, 0.0, 1.0) * 1000.0));
}

static void
generate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GenerateData *data = task_data;
  g_autoptr(QmStore) store = NULL;
  GError *error = NULL;
  gint64 plan_id;

  store = qm_store_open (data->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  plan_id = qm_store_plan_generate (store, &data->options, NULL,
                                    generate_progress_cb, data->progress,
                                    cancellable, &error);
  if (plan_id == 0)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_memdup2 (&plan_id, sizeof plan_id), g_free);
}

static void
generate_done_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  QmProcurementPage *self = QM_PROCUREMENT_PAGE (source_object);
  g_autofree gint64 *plan_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  plan_id = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  stop_progress (self);

  if (plan_id == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, _("Plan generation cancelled; no plan was made"));
      else if (g_error_matches (error, QM_ERROR, QM_ERROR_NOT_FOUND))
        {
          message = g_strdup_printf (_("Could not generate a plan: %s. Add a warehouse in "
                                       "Preferences → Warehouses and sync it first."),
                                     error->message);
          show_toast (self, message);
        }
      else
        {
          message = g_strdup_printf (_("Could not generate a plan: %s"), error->message);
          show_toast (self, message);
        }
      return;
    }

  /* Translators: %s is the plan's number */
  message = g_strdup_printf (_("Plan %" G_GINT64_FORMAT " generated as a draft: review it, "
                               "then approve it"), *plan_id);
  show_toast (self, message);
  load_plan (self, *plan_id, FALSE);

  /* The dashboard counts the SKUs below their reorder point in the latest plan. */
  gtk_widget_activate_action (GTK_WIDGET (self), "dashboard.reload", NULL);
}

static void
start_generate (QmProcurementPage *self,
                QmPlanOptions     *options)
{
  g_autoptr(GTask) task = NULL;
  GenerateData *data;
  const char *db_path = get_db_path ();

  if (db_path == NULL || self->work != WORK_NONE)
    return;

  start_progress (self, WORK_GENERATE, _("Generating the plan… 0 %"));
  self->progress = g_atomic_rc_box_new0 (Progress);

  data = g_new0 (GenerateData, 1);
  data->db_path = g_strdup (db_path);
  data->options = *options;
  data->progress = g_atomic_rc_box_acquire (self->progress);

  task = g_task_new (self, self->work_cancellable, generate_done_cb, NULL);
  g_task_set_source_tag (task, start_generate);
  g_task_set_task_data (task, data, (GDestroyNotify) generate_data_free);
  g_task_run_in_thread (task, generate_thread);
}

static void
on_generate_response_cb (AdwMessageDialog  *dialog,
                         const char        *response,
                         QmProcurementPage *self)
{
  QmPlanOptions options;

  if (g_strcmp0 (response, "generate") != 0)
    return;

  qm_plan_options_init (&options);
  qm_plan_generate_dialog_get_options (dialog, &options);
  start_generate (self, &options);
}

static void
on_generate_button_clicked_cb (QmProcurementPage *self)
{
  QmPlanOptions defaults;
  GtkWidget *dialog;

  if (self->work != WORK_NONE)
    return;

  qm_plan_options_init (&defaults);
  dialog = qm_plan_generate_dialog_new (get_window (self), &defaults);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_generate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Edit and approve                                                         */

typedef enum
{
  WRITE_EDIT,
  WRITE_APPROVE,
} WriteKind;

typedef struct
{
  WriteKind       kind;
  char           *db_path;
  gint64          plan_id;
  char           *warehouse_id;
  char           *sku;
  QmPlanLineKind  line_kind;
  gint64          quantity;
  char           *reason;
} WriteOp;

static void
write_op_free (WriteOp *op)
{
  g_free (op->db_path);
  g_free (op->warehouse_id);
  g_free (op->sku);
  g_free (op->reason);
  g_free (op);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteOp *op = task_data;
  g_autoptr(QmStore) store = NULL;
  GError *error = NULL;
  gboolean ok = FALSE;

  store = qm_store_open (op->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  switch (op->kind)
    {
    case WRITE_EDIT:
      ok = qm_store_plan_set_quantity (store, op->plan_id, op->warehouse_id, op->sku,
                                       op->line_kind, op->quantity, op->reason, NULL, &error);
      break;
    case WRITE_APPROVE:
      ok = qm_store_plan_approve (store, op->plan_id, NULL, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
write_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  QmProcurementPage *self = QM_PROCUREMENT_PAGE (source_object);
  WriteOp *op = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->writing--;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (op->kind == WRITE_EDIT && g_error_matches (error, QM_ERROR, QM_ERROR_REFUSED))
        message = g_strdup_printf (_("The quantity was not changed: %s. Only a draft plan "
                                     "can be changed; generate a new plan to plan again."),
                                   error->message);
      else if (op->kind == WRITE_EDIT)
        message = g_strdup_printf (_("The quantity was not changed: %s"), error->message);
      else
        message = g_strdup_printf (_("The plan was not approved: %s"), error->message);
      show_toast (self, message);
      update_actions (self);
      load_plan (self, op->plan_id, TRUE);
      return;
    }

  if (op->kind == WRITE_EDIT)
    /* Translators: SKU, warehouse, quantity */
    message = g_strdup_printf (_("Approved quantity of %s in %s set to %'" G_GINT64_FORMAT),
                               op->sku, op->warehouse_id, op->quantity);
  else
    /* Translators: %s is the plan's number */
    message = g_strdup_printf (_("Plan %" G_GINT64_FORMAT " approved; push it to send the "
                                 "orders to the warehouses"), op->plan_id);
  show_toast (self, message);
  update_actions (self);
  load_plan (self, op->plan_id, TRUE);
}

static void
run_write (QmProcurementPage *self,
           WriteOp           *op)
{
  g_autoptr(GTask) task = NULL;

  op->db_path = g_strdup (get_db_path ());
  if (op->db_path == NULL)
    {
      write_op_free (op);
      return;
    }

  self->writing++;
  update_actions (self);

  /* Writes finish even when the page goes away; only the answer is dropped. */
  task = g_task_new (self, NULL, write_done_cb, NULL);
  g_task_set_source_tag (task, run_write);
  g_task_set_task_data (task, op, (GDestroyNotify) write_op_free);
  g_task_run_in_thread (task, write_thread);
}

static void
on_edit_response_cb (AdwMessageDialog  *dialog,
                     const char        *response,
                     QmProcurementPage *self)
{
  WriteOp *op;

  if (g_strcmp0 (response, "save") != 0)
    return;

  op = g_new0 (WriteOp, 1);
  op->kind = WRITE_EDIT;
  op->plan_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "qm-plan-id"));
  op->warehouse_id = g_strdup (g_object_get_data (G_OBJECT (dialog), "qm-warehouse-id"));
  op->sku = g_strdup (g_object_get_data (G_OBJECT (dialog), "qm-sku"));
  op->line_kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "qm-kind"));
  op->quantity = qm_plan_edit_dialog_get_quantity (dialog);
  op->reason = qm_plan_edit_dialog_get_reason (dialog);

  if (op->reason == NULL || *op->reason == '\0')
    {
      show_toast (self, _("The quantity was not changed: write why it changes in “Reason”"));
      write_op_free (op);
      return;
    }

  run_write (self, op);
}

static void
edit_selected_line (QmProcurementPage *self)
{
  const QmPlanInfo *plan = current_plan (self);
  const QmPlanLine *line = selected_line (self);
  GtkWidget *dialog;

  if (line == NULL || plan == NULL)
    return;

  if (plan->status != QM_PLAN_STATUS_DRAFT)
    {
      show_toast (self, _("This plan is approved and can no longer be changed; generate a new "
                          "plan to plan again"));
      return;
    }

  dialog = qm_plan_edit_dialog_new (get_window (self), line);
  g_object_set_data (G_OBJECT (dialog), "qm-plan-id", GSIZE_TO_POINTER ((gsize) plan->id));
  g_object_set_data_full (G_OBJECT (dialog), "qm-warehouse-id",
                          g_strdup (line->warehouse_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "qm-sku", g_strdup (line->sku), g_free);
  g_object_set_data (G_OBJECT (dialog), "qm-kind", GINT_TO_POINTER (line->kind));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_edit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_edit_button_clicked_cb (QmProcurementPage *self)
{
  edit_selected_line (self);
}

static void
on_column_view_activate_cb (QmProcurementPage *self,
                            guint              position)
{
  gtk_single_selection_set_selected (self->selection, position);
  edit_selected_line (self);
}

static void
on_approve_response_cb (AdwMessageDialog  *dialog,
                        const char        *response,
                        QmProcurementPage *self)
{
  WriteOp *op;

  if (g_strcmp0 (response, "approve") != 0)
    return;

  op = g_new0 (WriteOp, 1);
  op->kind = WRITE_APPROVE;
  op->plan_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "qm-plan-id"));
  run_write (self, op);
}

static void
on_approve_button_clicked_cb (QmProcurementPage *self)
{
  const QmPlanInfo *plan = current_plan (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *approved = NULL;
  GtkWidget *dialog;

  if (plan == NULL || plan->status != QM_PLAN_STATUS_DRAFT)
    return;

  approved = format_int (plan->approved_total);
  /* Translators: %s is the plan's number */
  heading = g_strdup_printf (_("Approve Plan %" G_GINT64_FORMAT "?"), plan->id);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s units on %u line will be frozen as they are: an "
                                       "approved plan cannot be changed. Then push it to send "
                                       "the orders to the warehouses.",
                                       "%s units on %u lines will be frozen as they are: an "
                                       "approved plan cannot be changed. Then push it to send "
                                       "the orders to the warehouses.",
                                       plan->n_lines),
                          approved, plan->n_lines);

  dialog = adw_message_dialog_new (get_window (self), heading, body);
  gtk_window_set_title (GTK_WINDOW (dialog), heading);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "approve", _("_Approve"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "approve",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "qm-plan-id", GSIZE_TO_POINTER ((gsize) plan->id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_approve_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* Push                                                                     */

static void
push_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QmProcurementPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint accepted = 0;
  guint rejected = 0;
  gboolean ok;

  ok = qm_sync_push_plan_finish (QM_SYNC (source_object), result, &accepted, &rejected, &error);
  if (g_cancellable_is_cancelled (self->cancellable) ||
      gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;

  stop_progress (self);

  if (!ok)
    {
      if (g_error_matches (error, QM_ERROR, QM_ERROR_IO))
        /* Some orders are pending: the orders list shows them with Retry. */
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%u order accepted; some got no answer. They "
                                                "are listed with Retry, safe to press once the "
                                                "warehouse is back",
                                                "%u orders accepted; some got no answer. They "
                                                "are listed with Retry, safe to press once the "
                                                "warehouse is back", accepted),
                                   accepted);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup (_("Push cancelled. Orders already sent are kept; push again to "
                              "send the rest, with the same keys, so none is made twice."));
      else
        message = g_strdup_printf (_("Could not push the plan: %s. Orders already sent are "
                                     "kept; push again once the cause is fixed."),
                                   error->message);
    }
  else if (rejected == 0)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Plan pushed: %u order accepted",
                                            "Plan pushed: %u orders accepted", accepted),
                               accepted);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Plan pushed: %u accepted, %u order rejected; the "
                                            "orders list says why",
                                            "Plan pushed: %u accepted, %u orders rejected; the "
                                            "orders list says why", rejected),
                               accepted, rejected);

  show_toast (self, message);
  load_plan (self, self->plan_id, TRUE);
}

static void
push_plan (QmProcurementPage *self)
{
  const QmPlanInfo *plan = current_plan (self);
  const char *db_path = get_db_path ();

  if (plan == NULL || plan->status != QM_PLAN_STATUS_APPROVED || self->work != WORK_NONE ||
      db_path == NULL)
    return;

  if (self->sync == NULL)
    self->sync = qm_sync_new (db_path);

  start_progress (self, WORK_PUSH, _("Sending the orders to the warehouses…"));
  qm_sync_push_plan_async (self->sync, plan->id, NULL, self->work_cancellable,
                           push_done_cb, g_object_ref (self));
}

static void
on_push_button_clicked_cb (QmProcurementPage *self)
{
  push_plan (self);
}

/* ------------------------------------------------------------------------ */

static gboolean
focus_search_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  QmProcurementPage *self = QM_PROCUREMENT_PAGE (widget);

  /* The shortcut is the window's; it is this page's only while shown. */
  if (!gtk_widget_get_mapped (widget) ||
      !gtk_widget_is_visible (GTK_WIDGET (self->search_entry)) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->search_entry)))
    return FALSE;

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

static void
qm_procurement_page_map (GtkWidget *widget)
{
  QmProcurementPage *self = QM_PROCUREMENT_PAGE (widget);

  GTK_WIDGET_CLASS (qm_procurement_page_parent_class)->map (widget);

  /* Every time it is shown: a plan may have been made with the CLI, or
   * warehouses added. The lines stay in place when they did not change. */
  if (self->work == WORK_NONE)
    load_plan (self, 0, self->loaded_once);
}

static void
qm_procurement_page_dispose (GObject *object)
{
  QmProcurementPage *self = (QmProcurementPage *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->work_cancellable != NULL)
    g_cancellable_cancel (self->work_cancellable);
  g_clear_object (&self->work_cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_pointer (&self->progress, g_atomic_rc_box_release);

  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);

  /* The template's top widget is also the AdwBin's child: let go of it once. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_PROCUREMENT_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->sync);
  g_clear_object (&self->capped_column);
  g_clear_object (&self->order_column);
  g_clear_pointer (&self->plans, g_ptr_array_unref);
  g_clear_pointer (&self->warehouses, g_ptr_array_unref);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);

  G_OBJECT_CLASS (qm_procurement_page_parent_class)->dispose (object);
}

static void
qm_procurement_page_finalize (GObject *object)
{
  QmProcurementPage *self = (QmProcurementPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->filter_ids, g_ptr_array_unref);
  forget_selection (self);

  G_OBJECT_CLASS (qm_procurement_page_parent_class)->finalize (object);
}

static void
qm_procurement_page_class_init (QmProcurementPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_procurement_page_dispose;
  object_class->finalize = qm_procurement_page_finalize;
  widget_class->map = qm_procurement_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-procurement-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, empty_generate_button);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, empty_progress_box);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, empty_progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, empty_progress_label);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, plan_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, plan_list);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, generate_button);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, approve_button);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, push_button);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, orders_revealer);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, orders_list);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, warehouse_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, warehouse_list);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, show_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, no_match_page);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, explain_title);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, explain_label);
  gtk_widget_class_bind_template_child (widget_class, QmProcurementPage, edit_button);
  gtk_widget_class_bind_template_callback (widget_class, on_generate_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_plan_dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_approve_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_push_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_edit_button_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_procurement_page_init (QmProcurementPage *self)
{
  GtkEventController *controller;
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->filter_ids = g_ptr_array_new_with_free_func (g_free);
  self->probe_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_b = g_object_new (G_TYPE_OBJECT, NULL);

  self->model = qm_plan_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_columns (self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_plan_list_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_plan_list_bind_cb), self);
  gtk_drop_down_set_list_factory (self->plan_dropdown, factory);
  g_object_unref (factory);

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
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (on_selection_changed_cb), self);

  self->updating = TRUE;
  gtk_string_list_append (self->warehouse_list, _("All warehouses"));
  gtk_drop_down_set_selected (self->warehouse_dropdown, 0);
  gtk_drop_down_set_selected (self->show_dropdown, 0);
  self->updating = FALSE;

  update_count (self);
  update_explanation (self);
}
