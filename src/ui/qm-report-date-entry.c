/* qm-report-date-entry.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A day for a report: an entry that takes YYYY-MM-DD, as the command line
 * does, beside a button that opens a calendar. Typing stays possible (and
 * is what the accessibility tests do); the calendar fills the entry in.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "qm-report-date-entry.h"

struct _QmReportDateEntry
{
  GtkWidget      parent_instance;

  GtkEntry      *entry;
  GtkMenuButton *button;
  GtkPopover    *popover;
  GtkCalendar   *calendar;

  char          *label;
  int            shown_year;   /* the month the calendar shows */
  int            shown_month;
  gboolean       syncing;
};

G_DEFINE_FINAL_TYPE (QmReportDateEntry, qm_report_date_entry, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_TEXT,
  N_PROPS
};

enum {
  CHANGED,
  ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GtkWidget *
qm_report_date_entry_new (void)
{
  return g_object_new (QM_TYPE_REPORT_DATE_ENTRY, NULL);
}

/* YYYY-MM-DD, a day that exists. */
static GDateTime *
parse_day (const char *text)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return NULL;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return NULL;

  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  if (y < 1 || !g_date_valid_dmy (d, m, y))
    return NULL;

  return g_date_time_new_local (y, m, d, 12, 0, 0);
}

const char *
qm_report_date_entry_get_text (QmReportDateEntry *self)
{
  g_return_val_if_fail (QM_IS_REPORT_DATE_ENTRY (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

void
qm_report_date_entry_set_text (QmReportDateEntry *self,
                               const char        *text)
{
  g_return_if_fail (QM_IS_REPORT_DATE_ENTRY (self));

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text != NULL ? text : "");
}

/**
 * qm_report_date_entry_is_valid:
 *
 * Returns: whether the entry holds a day written YYYY-MM-DD
 */
gboolean
qm_report_date_entry_is_valid (QmReportDateEntry *self)
{
  g_autoptr(GDateTime) day = NULL;

  g_return_val_if_fail (QM_IS_REPORT_DATE_ENTRY (self), FALSE);

  day = parse_day (qm_report_date_entry_get_text (self));
  return day != NULL;
}

/**
 * qm_report_date_entry_set_error:
 * @message: (nullable): what is wrong with the day, or %NULL when nothing
 *
 * Marks the entry as invalid (red, and so for assistive technologies),
 * with @message as its description.
 */
void
qm_report_date_entry_set_error (QmReportDateEntry *self,
                                const char        *message)
{
  g_return_if_fail (QM_IS_REPORT_DATE_ENTRY (self));

  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_STATE_INVALID);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _("A day written YYYY-MM-DD"),
                                      -1);
    }
}

static void
set_label (QmReportDateEntry *self,
           const char        *label)
{
  g_autofree char *choose = NULL;

  if (g_strcmp0 (self->label, label) == 0)
    return;

  g_free (self->label);
  self->label = g_strdup (label);

  /* Translators: %s names a day, such as “First day” */
  choose = g_strdup_printf (_("Choose %s in a Calendar"), label != NULL ? label : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : "",
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, choose,
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), choose);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

static void
on_entry_changed_cb (QmReportDateEntry *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_entry_activate_cb (QmReportDateEntry *self)
{
  g_signal_emit (self, signals[ACTIVATE], 0);
}

static void
remember_shown_month (QmReportDateEntry *self)
{
  g_autoptr(GDateTime) shown = gtk_calendar_get_date (self->calendar);

  self->shown_year = g_date_time_get_year (shown);
  self->shown_month = g_date_time_get_month (shown);
}

/* The calendar opens on the entry's day, or today. */
static void
on_popover_show_cb (QmReportDateEntry *self)
{
  g_autoptr(GDateTime) day = parse_day (qm_report_date_entry_get_text (self));

  if (day == NULL)
    day = g_date_time_new_now_local ();

  self->syncing = TRUE;
  gtk_calendar_select_day (self->calendar, day);
  self->syncing = FALSE;
  remember_shown_month (self);
}

/* A day clicked in the month shown fills the entry in; moving to another
 * month (which selects a day there too) only shows that month. */
static void
on_day_selected_cb (QmReportDateEntry *self)
{
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *text = NULL;

  if (self->syncing)
    return;

  day = gtk_calendar_get_date (self->calendar);
  if (g_date_time_get_year (day) != self->shown_year ||
      g_date_time_get_month (day) != self->shown_month)
    {
      remember_shown_month (self);
      return;
    }

  text = g_date_time_format (day, "%Y-%m-%d");
  qm_report_date_entry_set_text (self, text);
  gtk_popover_popdown (self->popover);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static gboolean
qm_report_date_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (QM_REPORT_DATE_ENTRY (widget)->entry));
}

static void
qm_report_date_entry_dispose (GObject *object)
{
  QmReportDateEntry *self = QM_REPORT_DATE_ENTRY (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (qm_report_date_entry_parent_class)->dispose (object);
}

static void
qm_report_date_entry_finalize (GObject *object)
{
  QmReportDateEntry *self = QM_REPORT_DATE_ENTRY (object);

  g_free (self->label);

  G_OBJECT_CLASS (qm_report_date_entry_parent_class)->finalize (object);
}

static void
qm_report_date_entry_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  QmReportDateEntry *self = QM_REPORT_DATE_ENTRY (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_TEXT:
      g_value_set_string (value, qm_report_date_entry_get_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_report_date_entry_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  QmReportDateEntry *self = QM_REPORT_DATE_ENTRY (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      set_label (self, g_value_get_string (value));
      break;
    case PROP_TEXT:
      qm_report_date_entry_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_report_date_entry_class_init (QmReportDateEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qm_report_date_entry_dispose;
  object_class->finalize = qm_report_date_entry_finalize;
  object_class->get_property = qm_report_date_entry_get_property;
  object_class->set_property = qm_report_date_entry_set_property;
  widget_class->grab_focus = qm_report_date_entry_grab_focus;

  /**
   * QmReportDateEntry:label:
   *
   * What the day is, for people using assistive technologies: “First day”.
   */
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QmReportDateEntry:text:
   *
   * The day as written, YYYY-MM-DD when valid.
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "box");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
qm_report_date_entry_init (QmReportDateEntry *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "linked");

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 11);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->entry), 11);
  gtk_entry_set_max_length (self->entry, 10);
  /* Translators: the format of a day in the date entries; keep it as is */
  gtk_entry_set_placeholder_text (self->entry, _("YYYY-MM-DD"));
  gtk_widget_add_css_class (GTK_WIDGET (self->entry), "numeric");
  gtk_widget_set_parent (GTK_WIDGET (self->entry), GTK_WIDGET (self));
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_entry_changed_cb), self);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_entry_activate_cb), self);

  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  g_signal_connect_swapped (self->calendar, "day-selected", G_CALLBACK (on_day_selected_cb), self);

  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, GTK_WIDGET (self->calendar));
  g_signal_connect_swapped (self->popover, "show", G_CALLBACK (on_popover_show_cb), self);

  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->button, "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (self->button, GTK_WIDGET (self->popover));
  gtk_widget_set_parent (GTK_WIDGET (self->button), GTK_WIDGET (self));

  qm_report_date_entry_set_error (self, NULL);
}
