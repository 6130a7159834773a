/* qm-allocation-page.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How much of each SKU every sales channel may sell. The planner edits one
 * rule (its scope, mode, weights, buffer and oversell) and sees, before
 * applying it, what it would change per channel: the engine runs twice in
 * a worker on the cache's allocation input, once as stored and once with
 * the edited rule in place. Below: promotional locks, pre-sale quotas and
 * which warehouse would ship an order.
 *
 * Everything read or written goes through src/core in GTask workers, each
 * with its own QmStore. The page reads the cache again every time it is
 * shown, so channels added meanwhile (with the CLI, say) appear.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-allocation.h"
#include "qm-allocation-channel-row.h"
#include "qm-allocation-page.h"
#include "qm-application.h"
#include "qm-store-allocation.h"
#include "qm-store-promotions.h"
#include "qm-window.h"

#define PREVIEW_DELAY_MS 250

/* ------------------------------------------------------------------------ */
/* What the workers read: immutable once loaded, shared by reference        */

typedef struct
{
  QmAllocationData *data;        /* NULL when there is no cache yet */
  GPtrArray        *channels;    /* QmChannel, in data->input.channels order */
  GPtrArray        *locks;       /* QmPromotionalLock */
  GPtrArray        *quotas;      /* QmPresaleQuota */
  GHashTable       *skus;        /* SKU → index + 1 */
  GHashTable       *categories;  /* set of category names */
} Snapshot;

static void
snapshot_clear (gpointer data)
{
  Snapshot *snapshot = data;

  g_clear_pointer (&snapshot->data, qm_allocation_data_free);
  g_clear_pointer (&snapshot->channels, g_ptr_array_unref);
  g_clear_pointer (&snapshot->locks, g_ptr_array_unref);
  g_clear_pointer (&snapshot->quotas, g_ptr_array_unref);
  g_clear_pointer (&snapshot->skus, g_hash_table_unref);
  g_clear_pointer (&snapshot->categories, g_hash_table_unref);
}

static void
snapshot_unref (Snapshot *snapshot)
{
  g_atomic_rc_box_release_full (snapshot, snapshot_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_unref)

/* The rule as edited, with one weight and one allowance per channel. */
typedef struct
{
  QmAllocScope      scope;
  char             *key;
  QmAllocationMode  mode;
  guint             n_channels;
  char            **channel_ids;
  gint64           *weights;
  gint64           *oversell;
  gint64            buffer_units;
  int               buffer_percent;
  int               window_days;
  int               min_share_permille;
} EditedRule;

static void
edited_rule_free (EditedRule *rule)
{
  g_free (rule->key);
  g_strfreev (rule->channel_ids);
  g_free (rule->weights);
  g_free (rule->oversell);
  g_free (rule);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditedRule, edited_rule_free)

static gboolean
mode_is_weighted (QmAllocationMode mode)
{
  return mode == QM_ALLOCATION_RATIO || mode == QM_ALLOCATION_REGION;
}

struct _QmAllocationPage
{
  AdwBin             parent_instance;

  /* Template widgets */
  GtkStack          *stack;
  AdwStatusPage     *empty_page;
  GtkToggleButton   *scope_default_button;
  GtkToggleButton   *scope_category_button;
  GtkToggleButton   *scope_sku_button;
  AdwEntryRow       *key_row;
  AdwActionRow      *mode_row;
  GtkToggleButton   *mode_shared_button;
  GtkToggleButton   *mode_ratio_button;
  GtkToggleButton   *mode_region_button;
  GtkToggleButton   *mode_performance_button;
  GtkSpinButton     *buffer_spin;
  GtkAdjustment     *buffer_adjustment;
  GtkDropDown       *buffer_unit_dropdown;
  AdwActionRow      *window_row;
  GtkSpinButton     *window_spin;
  AdwActionRow      *min_share_row;
  GtkSpinButton     *min_share_spin;
  AdwPreferencesGroup *channels_group;
  GtkButton         *undo_button;
  GtkButton         *apply_button;
  AdwPreferencesGroup *preview_group;
  GtkSpinner        *preview_spinner;
  GtkLabel          *preview_summary_label;
  AdwComboRow       *region_row;
  GtkStringList     *region_list;
  AdwEntryRow       *route_sku_row;
  GtkSpinButton     *route_quantity_spin;
  AdwActionRow      *route_result_row;
  AdwPreferencesGroup *locks_group;
  AdwComboRow       *lock_channel_row;
  GtkStringList     *lock_channel_list;
  AdwEntryRow       *lock_sku_row;
  GtkSpinButton     *lock_quantity_spin;
  AdwEntryRow       *lock_starts_row;
  AdwEntryRow       *lock_ends_row;
  AdwPreferencesGroup *quotas_group;
  AdwComboRow       *quota_channel_row;
  GtkStringList     *quota_channel_list;
  AdwEntryRow       *quota_sku_row;
  GtkSpinButton     *quota_quantity_spin;

  Snapshot          *snapshot;
  GPtrArray         *channel_rows;   /* QmAllocationChannelRow, snapshot channel order */
  GPtrArray         *preview_rows;   /* rows added to preview_group */
  GPtrArray         *lock_rows;
  GPtrArray         *quota_rows;
  char             **region_values;  /* what each region_list item means */

  GCancellable      *cancellable;    /* cancelled on dispose */
  guint              load_serial;
  guint              preview_serial;
  guint              preview_source;
  guint              writing;
  gboolean           updating;       /* filling widgets from code */
  gboolean           dates_set;
};

G_DEFINE_FINAL_TYPE (QmAllocationPage, qm_allocation_page, ADW_TYPE_BIN)

static void schedule_preview (QmAllocationPage *self);
static void update_route     (QmAllocationPage *self);

GtkWidget *
qm_allocation_page_new (void)
{
  return g_object_new (QM_TYPE_ALLOCATION_PAGE, NULL);
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
show_toast (QmAllocationPage *self,
            const char       *text,
            gboolean          with_undo);

/* ------------------------------------------------------------------------ */
/* Reading the editor                                                       */

static QmAllocScope
get_scope (QmAllocationPage *self)
{
  if (gtk_toggle_button_get_active (self->scope_sku_button))
    return QM_ALLOC_SCOPE_SKU;
  if (gtk_toggle_button_get_active (self->scope_category_button))
    return QM_ALLOC_SCOPE_CATEGORY;
  return QM_ALLOC_SCOPE_DEFAULT;
}

static QmAllocationMode
get_mode (QmAllocationPage *self)
{
  if (gtk_toggle_button_get_active (self->mode_ratio_button))
    return QM_ALLOCATION_RATIO;
  if (gtk_toggle_button_get_active (self->mode_region_button))
    return QM_ALLOCATION_REGION;
  if (gtk_toggle_button_get_active (self->mode_performance_button))
    return QM_ALLOCATION_PERFORMANCE;
  return QM_ALLOCATION_SHARED;
}

static void
set_mode (QmAllocationPage *self,
          QmAllocationMode  mode)
{
  GtkToggleButton *button;

  switch (mode)
    {
    case QM_ALLOCATION_RATIO:
      button = self->mode_ratio_button;
      break;
    case QM_ALLOCATION_REGION:
      button = self->mode_region_button;
      break;
    case QM_ALLOCATION_PERFORMANCE:
      button = self->mode_performance_button;
      break;
    case QM_ALLOCATION_SHARED:
    default:
      button = self->mode_shared_button;
      break;
    }

  gtk_toggle_button_set_active (button, TRUE);
}

static char *
get_key (QmAllocationPage *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_row))));
}

static gboolean
buffer_in_percent (QmAllocationPage *self)
{
  return gtk_drop_down_get_selected (self->buffer_unit_dropdown) == 1;
}

static EditedRule *
read_rule (QmAllocationPage *self)
{
  EditedRule *rule = g_new0 (EditedRule, 1);
  guint n = self->channel_rows->len;
  gint64 buffer = (gint64) gtk_spin_button_get_value (self->buffer_spin);

  rule->scope = get_scope (self);
  rule->key = rule->scope == QM_ALLOC_SCOPE_DEFAULT ? NULL : get_key (self);
  rule->mode = get_mode (self);
  rule->n_channels = n;
  rule->channel_ids = g_new0 (char *, n + 1);
  rule->weights = g_new0 (gint64, MAX (n, 1));
  rule->oversell = g_new0 (gint64, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      QmAllocationChannelRow *row = g_ptr_array_index (self->channel_rows, i);

      rule->channel_ids[i] = g_strdup (qm_allocation_channel_row_get_channel_id (row));
      rule->weights[i] = qm_allocation_channel_row_get_weight (row);
      rule->oversell[i] = qm_allocation_channel_row_get_oversell (row);
    }
  if (buffer_in_percent (self))
    rule->buffer_percent = (int) CLAMP (buffer, 0, 100);
  else
    rule->buffer_units = buffer;
  rule->window_days = (int) gtk_spin_button_get_value (self->window_spin);
  rule->min_share_permille = (int) gtk_spin_button_get_value (self->min_share_spin) * 10;

  return rule;
}

/* The rule as the engine takes it; points into @rule. */
static QmAllocRule
engine_rule (const EditedRule *rule)
{
  QmAllocRule r = { 0 };

  r.scope = rule->scope;
  r.key = rule->key;
  r.mode = rule->mode;
  r.weights = mode_is_weighted (rule->mode) ? rule->weights : NULL;
  r.oversell_percent = rule->oversell;
  r.buffer_units = rule->buffer_units;
  r.buffer_percent = rule->buffer_percent;
  r.window_days = rule->window_days;
  r.min_share_permille = rule->min_share_permille;

  return r;
}

/* ------------------------------------------------------------------------ */
/* Shares and visibility                                                    */

static void
update_shares (QmAllocationPage *self)
{
  gboolean weighted = mode_is_weighted (get_mode (self));
  gint64 total = 0;

  for (guint i = 0; i < self->channel_rows->len; i++)
    total += qm_allocation_channel_row_get_weight (g_ptr_array_index (self->channel_rows, i));

  for (guint i = 0; i < self->channel_rows->len; i++)
    {
      QmAllocationChannelRow *row = g_ptr_array_index (self->channel_rows, i);
      g_autofree char *text = NULL;

      qm_allocation_channel_row_set_weighted (row, weighted);
      if (!weighted)
        text = g_strdup ("—");
      else if (total == 0)
        text = g_strdup (_("0%"));
      else
        /* Translators: a channel's share of the stock, e.g. "60%" */
        text = g_strdup_printf (_("%.0f%%"),
                                100.0 * (double) qm_allocation_channel_row_get_weight (row) /
                                (double) total);
      qm_allocation_channel_row_set_share (row, text);
    }
}

static void
update_mode_widgets (QmAllocationPage *self)
{
  QmAllocationMode mode = get_mode (self);
  const char *explanation;

  switch (mode)
    {
    case QM_ALLOCATION_RATIO:
      explanation = _("The pool is split by the weights below");
      break;
    case QM_ALLOCATION_REGION:
      explanation = _("Each warehouse’s stock goes to the channels serving its region, by weight");
      break;
    case QM_ALLOCATION_PERFORMANCE:
      explanation = _("The pool is split by each channel’s recent sales");
      break;
    case QM_ALLOCATION_SHARED:
    default:
      explanation = _("Every channel may sell the whole pool");
      break;
    }

  adw_action_row_set_subtitle (self->mode_row, explanation);
  gtk_widget_set_visible (GTK_WIDGET (self->window_row), mode == QM_ALLOCATION_PERFORMANCE);
  gtk_widget_set_visible (GTK_WIDGET (self->min_share_row), mode == QM_ALLOCATION_PERFORMANCE);
  update_shares (self);
}

static void
update_apply_sensitivity (QmAllocationPage *self)
{
  g_autofree char *key = get_key (self);
  gboolean has_key = get_scope (self) == QM_ALLOC_SCOPE_DEFAULT || *key != '\0';

  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button),
                            self->writing == 0 && has_key && self->channel_rows->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->undo_button), self->writing == 0);
}

/* Fills the editor with the stored rule of the chosen scope, if any. */
static void
prefill_from_stored_rule (QmAllocationPage *self)
{
  const QmAllocInput *input;
  QmAllocScope scope = get_scope (self);
  g_autofree char *key = get_key (self);
  const QmAllocRule *rule = NULL;

  if (self->snapshot == NULL || self->snapshot->data == NULL)
    return;

  input = &self->snapshot->data->input;
  for (guint i = 0; i < input->n_rules; i++)
    if (input->rules[i].scope == scope &&
        (scope == QM_ALLOC_SCOPE_DEFAULT || g_strcmp0 (input->rules[i].key, key) == 0))
      rule = &input->rules[i];

  if (rule == NULL)
    return;

  self->updating = TRUE;
  set_mode (self, rule->mode);
  for (guint i = 0; i < self->channel_rows->len && i < input->n_channels; i++)
    {
      QmAllocationChannelRow *row = g_ptr_array_index (self->channel_rows, i);

      qm_allocation_channel_row_set_weight (row, rule->weights != NULL ? rule->weights[i] : 1);
      qm_allocation_channel_row_set_oversell (row, rule->oversell_percent != NULL
                                                   ? rule->oversell_percent[i] : 0);
    }
  gtk_drop_down_set_selected (self->buffer_unit_dropdown, rule->buffer_percent > 0 ? 1 : 0);
  gtk_spin_button_set_value (self->buffer_spin,
                             (double) (rule->buffer_percent > 0 ? rule->buffer_percent
                                                                : rule->buffer_units));
  gtk_spin_button_set_value (self->window_spin, rule->window_days);
  gtk_spin_button_set_value (self->min_share_spin, rule->min_share_permille / 10);
  self->updating = FALSE;

  update_mode_widgets (self);
}

static void
on_rule_changed_cb (QmAllocationPage *self)
{
  if (self->updating)
    return;

  update_shares (self);
  schedule_preview (self);
}

static void
on_channel_row_changed_cb (QmAllocationChannelRow *row,
                           QmAllocationPage       *self)
{
  on_rule_changed_cb (self);
}

static void
on_buffer_unit_changed_cb (QmAllocationPage *self)
{
  gtk_adjustment_set_upper (self->buffer_adjustment,
                            buffer_in_percent (self) ? 100 : 1000000000);
  on_rule_changed_cb (self);
}

static void
on_scope_button_toggled_cb (QmAllocationPage *self,
                            GtkToggleButton  *button)
{
  QmAllocScope scope;

  if (!gtk_toggle_button_get_active (button))
    return;

  scope = get_scope (self);
  gtk_widget_set_visible (GTK_WIDGET (self->key_row), scope != QM_ALLOC_SCOPE_DEFAULT);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row),
                                 scope == QM_ALLOC_SCOPE_CATEGORY ? _("Category") : _("SKU"));
  prefill_from_stored_rule (self);
  update_apply_sensitivity (self);
  schedule_preview (self);
}

static void
on_key_row_changed_cb (QmAllocationPage *self)
{
  prefill_from_stored_rule (self);
  update_apply_sensitivity (self);
  schedule_preview (self);
}

static void
on_mode_button_toggled_cb (QmAllocationPage *self,
                           GtkToggleButton  *button)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  update_mode_widgets (self);
  if (!self->updating)
    schedule_preview (self);
}

/* ------------------------------------------------------------------------ */
/* Preview                                                                  */

typedef struct
{
  Snapshot   *snapshot;
  EditedRule *rule;
} PreviewData;

static void
preview_data_free (PreviewData *data)
{
  snapshot_unref (data->snapshot);
  edited_rule_free (data->rule);
  g_free (data);
}

typedef struct
{
  guint   n_channels;
  gint64 *moved;          /* units of regular stock moved, per channel */
  guint  *emptied;        /* SKUs the channel could sell and no longer can */
  guint   changed_skus;
  int     sku;            /* the rule's SKU, or -1 */
  gint64 *old_sellable;   /* of that SKU, per channel */
  gint64 *new_sellable;
} PreviewResult;

static void
preview_result_free (PreviewResult *result)
{
  g_free (result->moved);
  g_free (result->emptied);
  g_free (result->old_sellable);
  g_free (result->new_sellable);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PreviewResult, preview_result_free)

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PreviewData *data = task_data;
  const QmAllocInput *input = &data->snapshot->data->input;
  QmAllocInput edited = *input;
  QmAllocRule rule = engine_rule (data->rule);
  g_autoptr(GArray) rules = g_array_new (FALSE, FALSE, sizeof (QmAllocRule));
  g_autoptr(QmAllocResult) before = NULL;
  g_autoptr(QmAllocResult) after = NULL;
  g_autoptr(PreviewResult) result = g_new0 (PreviewResult, 1);
  gboolean replaced = FALSE;
  GError *error = NULL;
  guint nc = input->n_channels;

  g_assert (data->rule->n_channels == nc);

  for (guint i = 0; i < input->n_rules; i++)
    {
      const QmAllocRule *stored = &input->rules[i];

      if (stored->scope == rule.scope &&
          (rule.scope == QM_ALLOC_SCOPE_DEFAULT || g_strcmp0 (stored->key, rule.key) == 0))
        {
          g_array_append_val (rules, rule);
          replaced = TRUE;
        }
      else
        g_array_append_val (rules, *stored);
    }
  if (!replaced)
    g_array_append_val (rules, rule);

  edited.rules = (const QmAllocRule *) rules->data;
  edited.n_rules = rules->len;

  before = qm_allocation_compute (input, &error);
  if (before == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  after = qm_allocation_compute (&edited, &error);
  if (after == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  result->n_channels = nc;
  result->moved = g_new0 (gint64, MAX (nc, 1));
  result->emptied = g_new0 (guint, MAX (nc, 1));
  result->sku = -1;

  for (guint s = 0; s < input->n_skus; s++)
    {
      gboolean changed = FALSE;

      for (guint c = 0; c < nc; c++)
        {
          const QmAllocRow *old_row = &before->rows[s * nc + c];
          const QmAllocRow *new_row = &after->rows[s * nc + c];

          result->moved[c] += ABS (new_row->regular - old_row->regular);
          if (old_row->sellable > 0 && new_row->sellable == 0)
            result->emptied[c]++;
          if (old_row->sellable != new_row->sellable || old_row->regular != new_row->regular)
            changed = TRUE;
        }
      if (changed)
        result->changed_skus++;
    }

  if (rule.scope == QM_ALLOC_SCOPE_SKU)
    for (guint s = 0; s < input->n_skus; s++)
      if (g_strcmp0 (input->skus[s].sku, rule.key) == 0)
        {
          result->sku = (int) s;
          result->old_sellable = g_new0 (gint64, MAX (nc, 1));
          result->new_sellable = g_new0 (gint64, MAX (nc, 1));
          for (guint c = 0; c < nc; c++)
            {
              result->old_sellable[c] = before->rows[s * nc + c].sellable;
              result->new_sellable[c] = after->rows[s * nc + c].sellable;
            }
          break;
        }

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) preview_result_free);
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static const char *
channel_name (QmAllocationPage *self,
              const char       *channel_id)
{
  for (guint i = 0; self->snapshot != NULL && i < self->snapshot->channels->len; i++)
    {
      QmChannel *channel = g_ptr_array_index (self->snapshot->channels, i);

      if (g_strcmp0 (channel->id, channel_id) == 0)
        return channel->name != NULL && *channel->name != '\0' ? channel->name : channel->id;
    }

  return channel_id;
}

static void
show_preview_message (QmAllocationPage *self,
                      const char       *message)
{
  clear_rows (self->preview_group, self->preview_rows);
  gtk_label_set_text (self->preview_summary_label, message);
}

static void
preview_done_cb (GObject      *source_object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  QmAllocationPage *self = QM_ALLOCATION_PAGE (source_object);
  guint serial = GPOINTER_TO_UINT (user_data);
  g_autoptr(PreviewResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 total = 0;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (g_cancellable_is_cancelled (self->cancellable) || serial != self->preview_serial)
    return;

  gtk_spinner_set_spinning (self->preview_spinner, FALSE);

  if (result == NULL)
    {
      show_preview_message (self, error->message);
      return;
    }

  clear_rows (self->preview_group, self->preview_rows);
  for (guint c = 0; c < result->n_channels && self->snapshot != NULL; c++)
    {
      QmChannel *channel = g_ptr_array_index (self->snapshot->channels, c);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     channel_name (self, channel->id));
      if (result->sku >= 0)
        {
          gint64 old_value = result->old_sellable[c];
          gint64 new_value = result->new_sellable[c];

          if (old_value == new_value)
            subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "May sell %" G_GINT64_FORMAT " unit, as now",
                                                     "May sell %" G_GINT64_FORMAT " units, as now",
                                                     (gulong) CLAMP (new_value, 0, G_MAXLONG)),
                                        new_value);
          else
            /* Translators: units a channel may sell, now → after the change */
            subtitle = g_strdup_printf (_("May sell %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT
                                          " units"), old_value, new_value);
        }
      else if (result->moved[c] == 0 && result->emptied[c] == 0)
        subtitle = g_strdup (_("No change"));
      else
        {
          g_autofree char *moved = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                 "%" G_GINT64_FORMAT " unit moves",
                                                                 "%" G_GINT64_FORMAT " units move",
                                                                 (gulong) CLAMP (result->moved[c], 0, G_MAXLONG)),
                                                    result->moved[c]);
          if (result->emptied[c] > 0)
            /* Translators: "12 units move; 3 SKUs run out" */
            subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%s; %u SKU runs out",
                                                     "%s; %u SKUs run out",
                                                     result->emptied[c]),
                                        moved, result->emptied[c]);
          else
            subtitle = g_steal_pointer (&moved);
        }
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (result->emptied[c] > 0)
        gtk_widget_add_css_class (row, "warning");
      total += result->moved[c];
      adw_preferences_group_add (self->preview_group, row);
      g_ptr_array_add (self->preview_rows, row);
    }

  if (result->changed_skus == 0)
    gtk_label_set_text (self->preview_summary_label,
                        _("Applying this rule changes nothing: it is what the channels have now."));
  else
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u SKU changes; %" G_GINT64_FORMAT " units move between channels in all.",
                                      "%u SKUs change; %" G_GINT64_FORMAT " units move between channels in all.",
                                      result->changed_skus),
                         result->changed_skus, total);
      gtk_label_set_text (self->preview_summary_label, text);
    }
}

static gboolean
run_preview_cb (gpointer user_data)
{
  QmAllocationPage *self = user_data;
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  PreviewData *data;
  QmAllocScope scope;

  self->preview_source = 0;

  if (self->snapshot == NULL || self->snapshot->data == NULL || self->channel_rows->len == 0)
    return G_SOURCE_REMOVE;

  scope = get_scope (self);
  key = get_key (self);
  if (scope != QM_ALLOC_SCOPE_DEFAULT && *key == '\0')
    {
      self->preview_serial++;
      gtk_spinner_set_spinning (self->preview_spinner, FALSE);
      show_preview_message (self, scope == QM_ALLOC_SCOPE_SKU
                                  ? _("Enter the SKU the rule is for.")
                                  : _("Enter the category the rule is for."));
      return G_SOURCE_REMOVE;
    }
  if (scope == QM_ALLOC_SCOPE_SKU && !g_hash_table_contains (self->snapshot->skus, key))
    {
      g_autofree char *text = g_strdup_printf (_("No SKU “%s” in the stock: the rule will wait for it."), key);

      self->preview_serial++;
      gtk_spinner_set_spinning (self->preview_spinner, FALSE);
      show_preview_message (self, text);
      return G_SOURCE_REMOVE;
    }
  if (scope == QM_ALLOC_SCOPE_CATEGORY && !g_hash_table_contains (self->snapshot->categories, key))
    {
      g_autofree char *text = g_strdup_printf (_("No category “%s” in the stock: the rule will wait for it."), key);

      self->preview_serial++;
      gtk_spinner_set_spinning (self->preview_spinner, FALSE);
      show_preview_message (self, text);
      return G_SOURCE_REMOVE;
    }

  data = g_new0 (PreviewData, 1);
  data->snapshot = g_atomic_rc_box_acquire (self->snapshot);
  data->rule = read_rule (self);

  gtk_spinner_set_spinning (self->preview_spinner, TRUE);
  task = g_task_new (self, self->cancellable, preview_done_cb,
                     GUINT_TO_POINTER (++self->preview_serial));
  g_task_set_source_tag (task, run_preview_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) preview_data_free);
  g_task_run_in_thread (task, preview_thread);

  return G_SOURCE_REMOVE;
}

static void
schedule_preview (QmAllocationPage *self)
{
  if (self->updating)
    return;

  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, run_preview_cb, self);
}

/* ------------------------------------------------------------------------ */
/* Writes: apply, undo, locks and quotas                                    */

typedef enum
{
  OP_APPLY,
  OP_UNDO,
  OP_ADD_LOCK,
  OP_REMOVE_LOCK,
  OP_SET_QUOTA,
  OP_REMOVE_QUOTA,
} OpKind;

typedef struct
{
  OpKind      kind;
  char       *db_path;
  EditedRule *rule;
  gint64      id;
  char       *channel_id;
  char       *sku;
  gint64      quantity;
  char       *starts_at;
  char       *ends_at;
} WriteOp;

static void
write_op_free (WriteOp *op)
{
  g_free (op->db_path);
  g_clear_pointer (&op->rule, edited_rule_free);
  g_free (op->channel_id);
  g_free (op->sku);
  g_free (op->starts_at);
  g_free (op->ends_at);
  g_free (op);
}

static gboolean
apply_rule (QmStore           *store,
            const EditedRule  *rule,
            GError           **error)
{
  g_autoptr(GPtrArray) oversell_channels = g_ptr_array_new ();
  g_autoptr(GArray) oversell = g_array_new (FALSE, FALSE, sizeof (gint64));
  QmAllocationRuleSpec spec = { 0 };

  for (guint i = 0; i < rule->n_channels; i++)
    if (rule->oversell[i] > 0)
      {
        g_ptr_array_add (oversell_channels, rule->channel_ids[i]);
        g_array_append_val (oversell, rule->oversell[i]);
      }
  g_ptr_array_add (oversell_channels, NULL);

  spec.scope = rule->scope;
  spec.key = rule->key;
  spec.mode = rule->mode;
  /* As the CLI: weights only where the mode uses them. */
  spec.weight_channels = mode_is_weighted (rule->mode)
                         ? (const char * const *) rule->channel_ids : NULL;
  spec.weights = rule->weights;
  spec.oversell_channels = oversell->len > 0
                           ? (const char * const *) oversell_channels->pdata : NULL;
  spec.oversell_percent = (const gint64 *) oversell->data;
  spec.buffer_units = rule->buffer_units;
  spec.buffer_percent = rule->buffer_percent;
  spec.window_days = rule->window_days;
  spec.min_share_permille = rule->min_share_permille;

  return qm_store_set_allocation_rule (store, &spec, NULL, error);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteOp *op = task_data;
  g_autoptr(QmStore) store = NULL;
  g_autofree char *object = NULL;
  GError *error = NULL;
  gboolean ok = FALSE;
  char *message = NULL;

  store = qm_store_open (op->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  switch (op->kind)
    {
    case OP_APPLY:
      ok = apply_rule (store, op->rule, &error);
      message = g_strdup (_("Allocation rule applied"));
      break;
    case OP_UNDO:
      ok = qm_store_undo_last_allocation (store, NULL, &object, &error);
      /* Translators: %s names the rule: "default", "sku:MUG-01", "category:kitchen" */
      message = g_strdup_printf (_("Allocation change undone (%s)"), object ? object : "");
      break;
    case OP_ADD_LOCK:
      ok = qm_store_add_promotional_lock (store, op->channel_id, op->sku, op->quantity,
                                          op->starts_at, op->ends_at, NULL, NULL, &error);
      message = g_strdup (_("Promotional lock added"));
      break;
    case OP_REMOVE_LOCK:
      ok = qm_store_remove_promotional_lock (store, op->id, NULL, &error);
      message = g_strdup (_("Promotional lock removed"));
      break;
    case OP_SET_QUOTA:
      ok = qm_store_set_presale_quota (store, op->channel_id, op->sku, op->quantity, NULL, &error);
      message = g_strdup (_("Pre-sale quota set"));
      break;
    case OP_REMOVE_QUOTA:
      ok = qm_store_remove_presale_quota (store, op->channel_id, op->sku, NULL, &error);
      message = g_strdup (_("Pre-sale quota removed"));
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      g_free (message);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, message, g_free);
}

static void
write_done_cb (GObject      *source_object,
               GAsyncResult *res,
               gpointer      user_data)
{
  QmAllocationPage *self = QM_ALLOCATION_PAGE (source_object);
  WriteOp *op = g_task_get_task_data (G_TASK (res));
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  message = g_task_propagate_pointer (G_TASK (res), &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->writing--;
  update_apply_sensitivity (self);

  if (message == NULL)
    {
      show_toast (self, error->message, FALSE);
      return;
    }

  if (op->kind == OP_ADD_LOCK)
    gtk_editable_set_text (GTK_EDITABLE (self->lock_sku_row), "");
  else if (op->kind == OP_SET_QUOTA)
    gtk_editable_set_text (GTK_EDITABLE (self->quota_sku_row), "");

  show_toast (self, message, op->kind == OP_APPLY);
  qm_allocation_page_reload (self);
}

static void
run_write (QmAllocationPage *self,
           WriteOp          *op)
{
  g_autoptr(GTask) task = NULL;

  op->db_path = g_strdup (get_db_path ());
  if (op->db_path == NULL)
    {
      write_op_free (op);
      return;
    }

  self->writing++;
  update_apply_sensitivity (self);

  /* Writes finish even when the page goes away; only the answer is dropped. */
  task = g_task_new (self, NULL, write_done_cb, NULL);
  g_task_set_source_tag (task, run_write);
  g_task_set_task_data (task, op, (GDestroyNotify) write_op_free);
  g_task_run_in_thread (task, write_thread);
}

static void
undo_last_change (QmAllocationPage *self)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->kind = OP_UNDO;
  run_write (self, op);
}

static void
on_toast_button_clicked_cb (AdwToast         *toast,
                            QmAllocationPage *self)
{
  undo_last_change (self);
}

static void
show_toast (QmAllocationPage *self,
            const char       *text,
            gboolean          with_undo)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwToast *toast;

  if (!QM_IS_WINDOW (root))
    return;

  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, with_undo ? 10 : 5);
  if (with_undo)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_object (toast, "button-clicked",
                               G_CALLBACK (on_toast_button_clicked_cb), self, 0);
    }
  qm_window_add_toast (QM_WINDOW (root), toast);
}

static void
on_apply_button_clicked_cb (QmAllocationPage *self)
{
  WriteOp *op;

  if (self->channel_rows->len == 0)
    return;

  op = g_new0 (WriteOp, 1);
  op->kind = OP_APPLY;
  op->rule = read_rule (self);
  run_write (self, op);
}

static void
on_undo_button_clicked_cb (QmAllocationPage *self)
{
  undo_last_change (self);
}

static const char *
selected_channel_id (QmAllocationPage *self,
                     AdwComboRow      *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->snapshot == NULL || selected >= self->snapshot->channels->len)
    return NULL;

  return ((QmChannel *) g_ptr_array_index (self->snapshot->channels, selected))->id;
}

/* A date alone ("2026-05-01") means its midnight, UTC. */
static char *
instant_from_text (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (strlen (stripped) == 10)
    return g_strdup_printf ("%sT00:00:00Z", stripped);

  return g_steal_pointer (&stripped);
}

static void
on_add_lock_button_clicked_cb (QmAllocationPage *self)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->kind = OP_ADD_LOCK;
  op->channel_id = g_strdup (selected_channel_id (self, self->lock_channel_row));
  op->sku = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->lock_sku_row))));
  op->quantity = (gint64) gtk_spin_button_get_value (self->lock_quantity_spin);
  op->starts_at = instant_from_text (gtk_editable_get_text (GTK_EDITABLE (self->lock_starts_row)));
  op->ends_at = instant_from_text (gtk_editable_get_text (GTK_EDITABLE (self->lock_ends_row)));
  run_write (self, op);
}

static void
on_add_quota_button_clicked_cb (QmAllocationPage *self)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->kind = OP_SET_QUOTA;
  op->channel_id = g_strdup (selected_channel_id (self, self->quota_channel_row));
  op->sku = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->quota_sku_row))));
  op->quantity = (gint64) gtk_spin_button_get_value (self->quota_quantity_spin);
  run_write (self, op);
}

static void
on_remove_lock_clicked_cb (GtkButton        *button,
                           QmAllocationPage *self)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->kind = OP_REMOVE_LOCK;
  op->id = *(gint64 *) g_object_get_data (G_OBJECT (button), "qm-lock-id");
  run_write (self, op);
}

static void
on_remove_quota_clicked_cb (GtkButton        *button,
                            QmAllocationPage *self)
{
  WriteOp *op = g_new0 (WriteOp, 1);

  op->kind = OP_REMOVE_QUOTA;
  op->channel_id = g_strdup (g_object_get_data (G_OBJECT (button), "qm-channel"));
  op->sku = g_strdup (g_object_get_data (G_OBJECT (button), "qm-sku"));
  run_write (self, op);
}

/* ------------------------------------------------------------------------ */
/* Which warehouse ships                                                    */

static void
update_route (QmAllocationPage *self)
{
  const QmAllocInput *input;
  g_autofree char *sku = NULL;
  g_autofree QmRouteLeg *legs = NULL;
  g_autoptr(GString) text = NULL;
  gint64 quantity = (gint64) gtk_spin_button_get_value (self->route_quantity_spin);
  gint64 shortfall = 0;
  guint selected = adw_combo_row_get_selected (self->region_row);
  const char *region = NULL;
  gpointer index;
  guint n_legs;

  if (self->snapshot == NULL || self->snapshot->data == NULL)
    return;

  input = &self->snapshot->data->input;
  sku = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->route_sku_row))));
  if (self->region_values != NULL && selected < g_strv_length (self->region_values))
    region = self->region_values[selected];

  if (*sku == '\0')
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->route_result_row),
                                     _("Enter a SKU"));
      adw_action_row_set_subtitle (self->route_result_row, NULL);
      return;
    }
  if (!g_hash_table_lookup_extended (self->snapshot->skus, sku, NULL, &index))
    {
      g_autofree char *title = g_strdup_printf (_("No SKU “%s” in the stock"), sku);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->route_result_row), title);
      adw_action_row_set_subtitle (self->route_result_row, NULL);
      return;
    }

  legs = g_new0 (QmRouteLeg, MAX (input->n_warehouses, 1));
  n_legs = qm_route_order (input->warehouses, input->n_warehouses,
                           input->qualified + (gsize) (GPOINTER_TO_UINT (index) - 1) * input->n_warehouses,
                           region, quantity, legs, &shortfall);

  text = g_string_new (NULL);
  for (guint i = 0; i < n_legs; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      /* Translators: "WH-EAST ships 5" */
      g_string_append_printf (text, _("%s ships %" G_GINT64_FORMAT),
                              input->warehouses[legs[i].warehouse].id, legs[i].quantity);
    }
  if (n_legs == 0)
    g_string_append (text, _("No warehouse holds qualified stock of it"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->route_result_row), text->str);
  if (shortfall > 0)
    {
      g_autofree char *subtitle = g_strdup_printf (_("Short by %" G_GINT64_FORMAT " units"),
                                                   shortfall);

      adw_action_row_set_subtitle (self->route_result_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->route_result_row, _("The whole order can be shipped"));
}

static void
on_route_changed_cb (QmAllocationPage *self)
{
  if (!self->updating)
    update_route (self);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(Snapshot) snapshot = g_atomic_rc_box_new0 (Snapshot);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GError *error = NULL;

  snapshot->skus = g_hash_table_new (g_str_hash, g_str_equal);
  snapshot->categories = g_hash_table_new (g_str_hash, g_str_equal);

  /* No cache yet is nothing to allocate; opening it would create it. */
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) snapshot_unref);
      return;
    }

  store = qm_store_open (path, &error);
  if (store == NULL ||
      (snapshot->data = qm_store_load_allocation (store, g_date_time_to_unix (now), &error)) == NULL ||
      (snapshot->channels = qm_store_list_channels (store, &error)) == NULL ||
      (snapshot->locks = qm_store_list_promotional_locks (store, &error)) == NULL ||
      (snapshot->quotas = qm_store_list_presale_quotas (store, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < snapshot->data->input.n_skus; i++)
    {
      const QmAllocSku *sku = &snapshot->data->input.skus[i];

      g_hash_table_insert (snapshot->skus, (char *) sku->sku, GUINT_TO_POINTER (i + 1));
      if (sku->category != NULL && *sku->category != '\0')
        g_hash_table_add (snapshot->categories, (char *) sku->category);
    }

  if (snapshot->channels->len != snapshot->data->input.n_channels)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The sales channels changed while they were read; try again"));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) snapshot_unref);
}

static gboolean
channels_match (QmAllocationPage *self,
                Snapshot         *snapshot)
{
  if (self->channel_rows->len != snapshot->channels->len)
    return FALSE;

  for (guint i = 0; i < snapshot->channels->len; i++)
    {
      QmChannel *channel = g_ptr_array_index (snapshot->channels, i);
      QmAllocationChannelRow *row = g_ptr_array_index (self->channel_rows, i);

      if (g_strcmp0 (channel->id, qm_allocation_channel_row_get_channel_id (row)) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
rebuild_channel_rows (QmAllocationPage *self,
                      Snapshot         *snapshot)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  clear_rows (self->channels_group, self->channel_rows);

  for (guint i = 0; i < snapshot->channels->len; i++)
    {
      QmChannel *channel = g_ptr_array_index (snapshot->channels, i);
      const char *name = channel->name != NULL && *channel->name != '\0' ? channel->name
                                                                          : channel->id;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (!channel->active)
        subtitle = g_strdup (_("Inactive: sells nothing"));
      else if (channel->regions != NULL && channel->regions[0] != NULL)
        {
          g_autofree char *regions = g_strjoinv (", ", channel->regions);

          /* Translators: the regions a channel serves, "Serves east, south" */
          subtitle = g_strdup_printf (_("Serves %s"), regions);
        }

      row = qm_allocation_channel_row_new (channel->id, name, subtitle);
      g_signal_connect_object (row, "changed", G_CALLBACK (on_channel_row_changed_cb), self, 0);
      adw_preferences_group_add (self->channels_group, row);
      g_ptr_array_add (self->channel_rows, row);
      g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_add (names, NULL);

  gtk_string_list_splice (self->lock_channel_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->lock_channel_list)),
                          (const char * const *) names->pdata);
  gtk_string_list_splice (self->quota_channel_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->quota_channel_list)),
                          (const char * const *) names->pdata);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
update_regions (QmAllocationPage *self,
                Snapshot         *snapshot)
{
  const QmAllocInput *input = &snapshot->data->input;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) regions = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *previous = NULL;
  guint selected = adw_combo_row_get_selected (self->region_row);
  guint new_selected = 0;

  if (self->region_values != NULL && selected < g_strv_length (self->region_values))
    previous = g_strdup (self->region_values[selected]);

  for (guint i = 0; i < input->n_warehouses; i++)
    {
      const char *region = input->warehouses[i].region;

      if (region != NULL && *region != '\0' && g_hash_table_add (seen, (char *) region))
        g_ptr_array_add (regions, (char *) region);
    }
  g_ptr_array_sort (regions, compare_strings);
  if (regions->len == 0)
    {
      g_ptr_array_add (regions, (char *) "");
      g_ptr_array_add (labels, (char *) _("No regions: warehouses by id"));
    }
  else
    for (guint i = 0; i < regions->len; i++)
      g_ptr_array_add (labels, g_ptr_array_index (regions, i));

  for (guint i = 0; i < regions->len; i++)
    if (g_strcmp0 (previous, g_ptr_array_index (regions, i)) == 0)
      new_selected = i;

  g_ptr_array_add (regions, NULL);
  g_ptr_array_add (labels, NULL);

  g_strfreev (self->region_values);
  self->region_values = g_strdupv ((char **) regions->pdata);

  self->updating = TRUE;
  gtk_string_list_splice (self->region_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->region_list)),
                          (const char * const *) labels->pdata);
  adw_combo_row_set_selected (self->region_row, new_selected);
  self->updating = FALSE;
}

static GtkWidget *
remove_button (const char *accessible_name)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name,
                                  -1);
  return button;
}

static char *
date_of (const char *instant)
{
  /* "2026-05-01T00:00:00Z" → "2026-05-01" */
  return g_strndup (instant, 10);
}

static void
update_locks_and_quotas (QmAllocationPage *self,
                         Snapshot         *snapshot)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  clear_rows (self->locks_group, self->lock_rows);
  clear_rows (self->quotas_group, self->quota_rows);

  for (guint i = 0; i < snapshot->locks->len; i++)
    {
      QmPromotionalLock *lock = g_ptr_array_index (snapshot->locks, i);
      g_autoptr(GDateTime) starts = g_date_time_new_from_iso8601 (lock->starts_at, NULL);
      g_autoptr(GDateTime) ends = g_date_time_new_from_iso8601 (lock->ends_at, NULL);
      gboolean active = starts != NULL && ends != NULL &&
                        g_date_time_to_unix (starts) <= now && now < g_date_time_to_unix (ends);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *name = NULL;
      g_autofree char *from = date_of (lock->starts_at);
      g_autofree char *to = date_of (lock->ends_at);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      /* Translators: "SKU-00001 for Own app" */
      title = g_strdup_printf (_("%s for %s"), lock->sku, channel_name (self, lock->channel_id));
      /* Translators: "10 units, 2026-05-01 to 2026-05-08 (active)" */
      subtitle = g_strdup_printf (active ? _("%" G_GINT64_FORMAT " units, %s to %s (active)")
                                         : _("%" G_GINT64_FORMAT " units, %s to %s"),
                                  lock->quantity, from, to);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      name = g_strdup_printf (_("Remove the lock of %s"), title);
      button = remove_button (name);
      g_object_set_data_full (G_OBJECT (button), "qm-lock-id",
                              g_memdup2 (&lock->id, sizeof lock->id), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_remove_lock_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      adw_preferences_group_add (self->locks_group, row);
      g_ptr_array_add (self->lock_rows, row);
    }

  for (guint i = 0; i < snapshot->quotas->len; i++)
    {
      QmPresaleQuota *quota = g_ptr_array_index (snapshot->quotas, i);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *name = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;

      title = g_strdup_printf (_("%s for %s"), quota->sku, channel_name (self, quota->channel_id));
      subtitle = g_strdup_printf (_("%" G_GINT64_FORMAT " units on pre-sale"), quota->quantity);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      name = g_strdup_printf (_("Remove the pre-sale quota of %s"), title);
      button = remove_button (name);
      g_object_set_data_full (G_OBJECT (button), "qm-channel", g_strdup (quota->channel_id), g_free);
      g_object_set_data_full (G_OBJECT (button), "qm-sku", g_strdup (quota->sku), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_remove_quota_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      adw_preferences_group_add (self->quotas_group, row);
      g_ptr_array_add (self->quota_rows, row);
    }
}

static void
set_default_dates (QmAllocationPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) week = g_date_time_add_days (now, 7);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *next_week = g_date_time_format (week, "%Y-%m-%d");

  if (self->dates_set)
    return;

  self->dates_set = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->lock_starts_row), today);
  gtk_editable_set_text (GTK_EDITABLE (self->lock_ends_row), next_week);
}

static void
load_done_cb (GObject      *source_object,
              GAsyncResult *res,
              gpointer      user_data)
{
  QmAllocationPage *self = QM_ALLOCATION_PAGE (source_object);
  guint serial = GPOINTER_TO_UINT (user_data);
  g_autoptr(Snapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gboolean rebuilt = FALSE;

  snapshot = g_task_propagate_pointer (G_TASK (res), &error);
  if (g_cancellable_is_cancelled (self->cancellable) || serial != self->load_serial)
    return;

  if (snapshot == NULL)
    {
      g_debug ("Could not read the allocation: %s", error->message);
      adw_status_page_set_title (self->empty_page, _("Could Not Read the Allocation"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_clear_pointer (&self->snapshot, snapshot_unref);
  self->snapshot = g_atomic_rc_box_acquire (snapshot);

  if (snapshot->data == NULL || snapshot->data->input.n_warehouses == 0 ||
      snapshot->data->input.n_skus == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (snapshot->channels->len == 0)
    {
      clear_rows (self->channels_group, self->channel_rows);
      gtk_stack_set_visible_child_name (self->stack, "no-channels");
      return;
    }

  if (!channels_match (self, snapshot))
    {
      rebuild_channel_rows (self, snapshot);
      rebuilt = TRUE;
    }
  update_regions (self, snapshot);
  update_locks_and_quotas (self, snapshot);
  set_default_dates (self);

  if (rebuilt)
    prefill_from_stored_rule (self);
  update_shares (self);
  update_apply_sensitivity (self);
  update_route (self);
  gtk_stack_set_visible_child_name (self->stack, "editor");

  /* The baseline changed (another rule, new stock): preview against it. */
  schedule_preview (self);
}

/**
 * qm_allocation_page_reload:
 * @self: a #QmAllocationPage
 *
 * Reads channels, stock, rules, locks and quotas from the cache again, in
 * a worker thread. The rule being edited stays as it is.
 */
void
qm_allocation_page_reload (QmAllocationPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QM_IS_ALLOCATION_PAGE (self));

  task = g_task_new (self, self->cancellable, load_done_cb,
                     GUINT_TO_POINTER (++self->load_serial));
  g_task_set_source_tag (task, qm_allocation_page_reload);
  g_task_set_task_data (task, g_strdup (get_db_path ()), g_free);
  g_task_run_in_thread (task, load_thread);
}

/* ------------------------------------------------------------------------ */

static void
qm_allocation_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (qm_allocation_page_parent_class)->map (widget);

  /* Every time it is shown: channels may have been added meanwhile. */
  qm_allocation_page_reload (QM_ALLOCATION_PAGE (widget));
}

static void
qm_allocation_page_dispose (GObject *object)
{
  QmAllocationPage *self = (QmAllocationPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->preview_source, g_source_remove);

  /* The bin unparents its child itself: let it go first, then the template. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), QM_TYPE_ALLOCATION_PAGE);

  g_clear_pointer (&self->snapshot, snapshot_unref);
  g_clear_pointer (&self->channel_rows, g_ptr_array_unref);
  g_clear_pointer (&self->preview_rows, g_ptr_array_unref);
  g_clear_pointer (&self->lock_rows, g_ptr_array_unref);
  g_clear_pointer (&self->quota_rows, g_ptr_array_unref);
  g_clear_pointer (&self->region_values, g_strfreev);

  G_OBJECT_CLASS (qm_allocation_page_parent_class)->dispose (object);
}

static void
qm_allocation_page_finalize (GObject *object)
{
  QmAllocationPage *self = (QmAllocationPage *) object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (qm_allocation_page_parent_class)->finalize (object);
}

static void
qm_allocation_page_class_init (QmAllocationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_allocation_page_dispose;
  object_class->finalize = qm_allocation_page_finalize;
  widget_class->map = qm_allocation_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/quartermaster/Quartermaster/qm-allocation-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, scope_default_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, scope_category_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, scope_sku_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, mode_shared_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, mode_ratio_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, mode_region_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, mode_performance_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, buffer_spin);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, buffer_adjustment);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, buffer_unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, window_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, window_spin);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, min_share_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, min_share_spin);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, channels_group);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, undo_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, preview_group);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, preview_summary_label);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, region_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, region_list);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, route_sku_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, route_quantity_spin);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, route_result_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, locks_group);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, lock_channel_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, lock_channel_list);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, lock_sku_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, lock_quantity_spin);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, lock_starts_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, lock_ends_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, quotas_group);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, quota_channel_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, quota_channel_list);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, quota_sku_row);
  gtk_widget_class_bind_template_child (widget_class, QmAllocationPage, quota_quantity_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_scope_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_key_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_rule_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_buffer_unit_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_undo_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_route_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_lock_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_quota_button_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_allocation_page_init (QmAllocationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->channel_rows = g_ptr_array_new ();
  self->preview_rows = g_ptr_array_new ();
  self->lock_rows = g_ptr_array_new ();
  self->quota_rows = g_ptr_array_new ();

  update_mode_widgets (self);
}
