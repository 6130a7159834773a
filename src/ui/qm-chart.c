/* qm-chart.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small chart drawn with cairo: stacked bars of stock by status per
 * warehouse against each warehouse's capacity, or the daily trend of
 * units on hand. It explains itself in its accessible description and,
 * for the bar or day under the pointer, in a tooltip.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "qm-chart.h"

#define LEGEND_SWATCH 10.0
#define LEGEND_GAP    16.0
#define AXIS_GAP       6.0
#define PAD            8.0
#define Y_TICKS        4

G_DEFINE_ENUM_TYPE (QmChartMode, qm_chart_mode,
  G_DEFINE_ENUM_VALUE (QM_CHART_MODE_BARS, "bars"),
  G_DEFINE_ENUM_VALUE (QM_CHART_MODE_TREND, "trend"))

typedef struct
{
  char   *label;
  char   *title;
  gint64  quantity[QM_N_STOCK_STATUSES];
  gint64  capacity;
} Bar;

struct _QmChart
{
  GtkWidget    parent_instance;

  QmChartMode  mode;
  GArray      *bars;     /* of Bar */
  GArray      *trend;    /* of gint64 */
  GDate        last_day;
};

G_DEFINE_FINAL_TYPE (QmChart, qm_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Bottom to top in a bar. */
static const QmStockStatus stack_order[] = {
  QM_STOCK_STATUS_QUALIFIED,
  QM_STOCK_STATUS_PENDING_INSPECTION,
  QM_STOCK_STATUS_DEFECTIVE,
  QM_STOCK_STATUS_SUPPLIER_RETURN,
};

typedef struct
{
  double x, y, width, height;   /* the plot area */
  double y_max;
  double y_step;
  double legend_height;
} Layout;

static void
bar_clear (gpointer data)
{
  Bar *bar = data;

  g_free (bar->label);
  g_free (bar->title);
}

static const char *
status_label (QmStockStatus status)
{
  switch (status)
    {
    case QM_STOCK_STATUS_QUALIFIED:
      return _("Qualified");
    case QM_STOCK_STATUS_PENDING_INSPECTION:
      return _("Pending inspection");
    case QM_STOCK_STATUS_DEFECTIVE:
      return _("Defective");
    case QM_STOCK_STATUS_SUPPLIER_RETURN:
      return _("Supplier return");
    case QM_N_STOCK_STATUSES:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

/* Colours of the libadwaita palette: a darker shade on a light background,
 * a lighter one on a dark background. */
static void
status_color (QmStockStatus  status,
              gboolean       dark,
              GdkRGBA       *out_color)
{
  const char *spec;

  switch (status)
    {
    case QM_STOCK_STATUS_QUALIFIED:
      spec = dark ? "#33d17a" : "#26a269";   /* green 3 / green 5 */
      break;
    case QM_STOCK_STATUS_PENDING_INSPECTION:
      spec = dark ? "#f6d32d" : "#e5a50a";   /* yellow 3 / yellow 5 */
      break;
    case QM_STOCK_STATUS_DEFECTIVE:
      spec = dark ? "#ed333b" : "#c01c28";   /* red 2 / red 4 */
      break;
    case QM_STOCK_STATUS_SUPPLIER_RETURN:
    case QM_N_STOCK_STATUSES:
    default:
      spec = dark ? "#c061cb" : "#813d9c";   /* purple 2 / purple 4 */
      break;
    }

  gdk_rgba_parse (out_color, spec);
}

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
foreground_color (QmChart *self,
                  GdkRGBA *out_color)
{
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), out_color);
G_GNUC_END_IGNORE_DEPRECATIONS
}

static char *
format_count (gint64 value)
{
  /* The ' flag groups digits as the locale does. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

static gint64
bar_total (const Bar *bar)
{
  gint64 total = 0;

  for (guint i = 0; i < QM_N_STOCK_STATUSES; i++)
    total += bar->quantity[i];

  return total;
}

static gboolean
has_data (QmChart *self)
{
  if (self->mode == QM_CHART_MODE_BARS)
    return self->bars->len > 0;

  return self->trend->len > 0 && g_date_valid (&self->last_day);
}

static GDate
day_of_point (QmChart *self,
              guint    index)
{
  GDate date = self->last_day;

  g_date_subtract_days (&date, self->trend->len - 1 - index);
  return date;
}

static char *
format_day (const GDate *date,
            const char  *format)
{
  char buffer[64];

  if (g_date_strftime (buffer, sizeof buffer, format, date) == 0)
    return g_strdup ("");

  return g_strdup (buffer);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                     */

static PangoLayout *
small_layout (QmChart    *self,
              const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  return layout;
}

static void
text_size (QmChart    *self,
           const char *text,
           double     *out_width,
           double     *out_height)
{
  g_autoptr(PangoLayout) layout = small_layout (self, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (out_width != NULL)
    *out_width = w;
  if (out_height != NULL)
    *out_height = h;
}

/* Draws @text with its top-left corner at (x, y), or centred on x when
 * @max_width > 0 (ellipsized to it). */
static void
show_text (QmChart    *self,
           cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      max_width)
{
  g_autoptr(PangoLayout) layout = small_layout (self, text);

  if (max_width > 0)
    {
      double widget_width = gtk_widget_get_width (GTK_WIDGET (self));
      int w, h;

      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &w, &h);
      /* Centred, but never past either edge of the widget. */
      x = CLAMP (x - w / 2.0, 0, MAX (widget_width - w, 0));
    }

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* ------------------------------------------------------------------------ */
/* Layout                                                                   */

static double
nice_step (double max)
{
  double raw = max / Y_TICKS;
  double magnitude;
  double n;

  if (raw <= 1)
    return 1;

  magnitude = pow (10, floor (log10 (raw)));
  n = raw / magnitude;
  if (n <= 1)
    n = 1;
  else if (n <= 2)
    n = 2;
  else if (n <= 5)
    n = 5;
  else
    n = 10;

  return n * magnitude;
}

static double
legend_item_width (QmChart    *self,
                   const char *text)
{
  double w;

  text_size (self, text, &w, NULL);
  return LEGEND_SWATCH + 4 + w + LEGEND_GAP;
}

static guint
legend_items (QmChart     *self,
              const char **out_items)
{
  if (self->mode == QM_CHART_MODE_TREND)
    {
      out_items[0] = _("Units on hand at the end of the day");
      return 1;
    }

  for (guint i = 0; i < G_N_ELEMENTS (stack_order); i++)
    out_items[i] = status_label (stack_order[i]);
  out_items[G_N_ELEMENTS (stack_order)] = _("Capacity");
  return G_N_ELEMENTS (stack_order) + 1;
}

static void
compute_layout (QmChart *self,
                double   width,
                double   height,
                Layout  *out)
{
  const char *items[8];
  guint n_items = legend_items (self, items);
  double line_height;
  double x = 0;
  double max = 0;
  double label_width = 0;
  guint rows = 1;
  g_autofree char *max_label = NULL;

  text_size (self, "0", NULL, &line_height);

  /* Legend rows, wrapped to the width. */
  for (guint i = 0; i < n_items; i++)
    {
      double w = legend_item_width (self, items[i]);

      if (x > 0 && x + w > width - 2 * PAD)
        {
          rows++;
          x = 0;
        }
      x += w;
    }
  out->legend_height = rows * (line_height + 2);

  if (self->mode == QM_CHART_MODE_BARS)
    {
      for (guint i = 0; i < self->bars->len; i++)
        {
          const Bar *bar = &g_array_index (self->bars, Bar, i);

          max = MAX (max, (double) bar_total (bar));
          max = MAX (max, (double) bar->capacity);
        }
    }
  else
    {
      for (guint i = 0; i < self->trend->len; i++)
        max = MAX (max, (double) g_array_index (self->trend, gint64, i));
    }

  out->y_step = nice_step (MAX (max, 1) * 1.05);
  out->y_max = ceil (MAX (max, 1) * 1.05 / out->y_step) * out->y_step;

  max_label = format_count ((gint64) out->y_max);
  text_size (self, max_label, &label_width, NULL);

  out->x = PAD + label_width + AXIS_GAP;
  out->y = PAD + out->legend_height + PAD;
  out->width = MAX (width - out->x - 2 * PAD, 1);
  out->height = MAX (height - out->y - line_height - AXIS_GAP - PAD, 1);
}

static double
y_of (const Layout *layout,
      double        value)
{
  return layout->y + layout->height - value / layout->y_max * layout->height;
}

static void
bar_geometry (QmChart      *self,
              const Layout *layout,
              guint         index,
              double       *out_slot_x,
              double       *out_slot_width,
              double       *out_bar_x,
              double       *out_bar_width)
{
  double slot = layout->width / self->bars->len;
  double bar_width = MIN (slot * 0.55, 96);

  *out_slot_x = layout->x + slot * index;
  *out_slot_width = slot;
  *out_bar_x = *out_slot_x + (slot - bar_width) / 2;
  *out_bar_width = bar_width;
}

static double
x_of_point (QmChart      *self,
            const Layout *layout,
            guint         index)
{
  if (self->trend->len < 2)
    return layout->x + layout->width / 2;

  return layout->x + layout->width * index / (self->trend->len - 1);
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                  */

static void
draw_legend (QmChart       *self,
             cairo_t       *cr,
             double         width,
             const GdkRGBA *fg)
{
  const char *items[8];
  guint n_items = legend_items (self, items);
  double line_height;
  double x = PAD;
  double y = PAD;
  gboolean dark = is_dark ();

  text_size (self, "0", NULL, &line_height);

  for (guint i = 0; i < n_items; i++)
    {
      double w = legend_item_width (self, items[i]);
      double swatch_y = y + (line_height - LEGEND_SWATCH) / 2;

      if (x > PAD && x + w > width - PAD)
        {
          x = PAD;
          y += line_height + 2;
          swatch_y = y + (line_height - LEGEND_SWATCH) / 2;
        }

      if (self->mode == QM_CHART_MODE_TREND)
        {
          GdkRGBA line;

          gdk_rgba_parse (&line, dark ? "#62a0ea" : "#1c71d8");
          gdk_cairo_set_source_rgba (cr, &line);
          cairo_set_line_width (cr, 2);
          cairo_move_to (cr, x, swatch_y + LEGEND_SWATCH / 2);
          cairo_line_to (cr, x + LEGEND_SWATCH, swatch_y + LEGEND_SWATCH / 2);
          cairo_stroke (cr);
        }
      else if (i < G_N_ELEMENTS (stack_order))
        {
          GdkRGBA color;

          status_color (stack_order[i], dark, &color);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, x, swatch_y, LEGEND_SWATCH, LEGEND_SWATCH);
          cairo_fill (cr);
        }
      else
        {
          static const double dash[] = { 3, 2 };

          gdk_cairo_set_source_rgba (cr, fg);
          cairo_set_line_width (cr, 2);
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
          cairo_move_to (cr, x, swatch_y + LEGEND_SWATCH / 2);
          cairo_line_to (cr, x + LEGEND_SWATCH, swatch_y + LEGEND_SWATCH / 2);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }

      gdk_cairo_set_source_rgba (cr, fg);
      show_text (self, cr, items[i], x + LEGEND_SWATCH + 4, y, 0);
      x += w;
    }
}

static void
draw_y_axis (QmChart       *self,
             cairo_t       *cr,
             const Layout  *layout,
             const GdkRGBA *fg)
{
  double line_height;

  text_size (self, "0", NULL, &line_height);

  for (double v = 0; v <= layout->y_max + 0.5; v += layout->y_step)
    {
      g_autofree char *label = format_count ((gint64) v);
      double y = round (y_of (layout, v)) + 0.5;
      double w;

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, v == 0 ? 0.5 : 0.12);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, layout->x, y);
      cairo_line_to (cr, layout->x + layout->width, y);
      cairo_stroke (cr);

      text_size (self, label, &w, NULL);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
      show_text (self, cr, label, layout->x - AXIS_GAP - w, y - line_height / 2, 0);
    }
}

static void
draw_bars (QmChart       *self,
           cairo_t       *cr,
           const Layout  *layout,
           const GdkRGBA *fg)
{
  static const double dash[] = { 4, 3 };
  gboolean dark = is_dark ();

  for (guint i = 0; i < self->bars->len; i++)
    {
      const Bar *bar = &g_array_index (self->bars, Bar, i);
      double slot_x, slot_width, x, w;
      double base = 0;

      bar_geometry (self, layout, i, &slot_x, &slot_width, &x, &w);

      for (guint s = 0; s < G_N_ELEMENTS (stack_order); s++)
        {
          gint64 q = bar->quantity[stack_order[s]];
          GdkRGBA color;
          double top, bottom;

          if (q <= 0)
            continue;

          status_color (stack_order[s], dark, &color);
          gdk_cairo_set_source_rgba (cr, &color);
          bottom = y_of (layout, base);
          top = y_of (layout, base + q);
          cairo_rectangle (cr, x, top, w, bottom - top);
          cairo_fill (cr);
          base += q;
        }

      if (bar->capacity > 0)
        {
          double y = round (y_of (layout, bar->capacity)) + 0.5;

          gdk_cairo_set_source_rgba (cr, fg);
          cairo_set_line_width (cr, 2);
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
          cairo_move_to (cr, x - 6, y);
          cairo_line_to (cr, x + w + 6, y);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
        }

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
      show_text (self, cr, bar->label, slot_x + slot_width / 2,
                 layout->y + layout->height + AXIS_GAP, slot_width - 4);
    }
}

static void
draw_trend (QmChart       *self,
            cairo_t       *cr,
            const Layout  *layout,
            const GdkRGBA *fg)
{
  GdkRGBA line;
  double label_width;
  guint every;

  gdk_rgba_parse (&line, is_dark () ? "#62a0ea" : "#1c71d8");

  /* The area under the line, then the line. */
  cairo_move_to (cr, x_of_point (self, layout, 0), y_of (layout, 0));
  for (guint i = 0; i < self->trend->len; i++)
    cairo_line_to (cr, x_of_point (self, layout, i),
                   y_of (layout, g_array_index (self->trend, gint64, i)));
  cairo_line_to (cr, x_of_point (self, layout, self->trend->len - 1), y_of (layout, 0));
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, line.red, line.green, line.blue, 0.18);
  cairo_fill (cr);

  for (guint i = 0; i < self->trend->len; i++)
    {
      double x = x_of_point (self, layout, i);
      double y = y_of (layout, g_array_index (self->trend, gint64, i));

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  gdk_cairo_set_source_rgba (cr, &line);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);

  /* Date ticks, as many as fit, counted back from the last day. */
  text_size (self, "Sep 30", &label_width, NULL);
  every = 1;
  while (every < self->trend->len &&
         layout->width * every / MAX (self->trend->len - 1, 1) < label_width * 1.8)
    every = every < 7 ? every + 1 : every + 7;

  for (guint k = 0; k < self->trend->len; k += every)
    {
      guint i = self->trend->len - 1 - k;
      GDate date = day_of_point (self, i);
      g_autofree char *label = format_day (&date, "%b %e");
      double x = x_of_point (self, layout, i);

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.5);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, round (x) + 0.5, layout->y + layout->height);
      cairo_line_to (cr, round (x) + 0.5, layout->y + layout->height + 3);
      cairo_stroke (cr);

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
      show_text (self, cr, label, x, layout->y + layout->height + AXIS_GAP,
                 label_width * 1.6);
    }
}

static void
qm_chart_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  QmChart *self = QM_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  Layout layout;
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  foreground_color (self, &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  compute_layout (self, width, height, &layout);
  draw_legend (self, cr, width, &fg);

  if (!has_data (self))
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      show_text (self, cr, _("No data yet"), layout.x + layout.width / 2,
                 layout.y + layout.height / 2, layout.width);
      cairo_destroy (cr);
      return;
    }

  draw_y_axis (self, cr, &layout, &fg);

  if (self->mode == QM_CHART_MODE_BARS)
    draw_bars (self, cr, &layout, &fg);
  else
    draw_trend (self, cr, &layout, &fg);

  cairo_destroy (cr);
}

/* ------------------------------------------------------------------------ */
/* Tooltip and accessible description                                       */

static char *
describe_bar (const Bar *bar,
              gboolean   markup)
{
  GString *text = g_string_new (NULL);
  g_autofree char *total = format_count (bar_total (bar));

  if (markup)
    {
      g_autofree char *escaped = g_markup_escape_text (bar->title, -1);

      g_string_append_printf (text, "<b>%s</b>\n", escaped);
    }
  else
    {
      g_string_append_printf (text, "%s: ", bar->title);
    }

  for (guint s = 0; s < G_N_ELEMENTS (stack_order); s++)
    {
      g_autofree char *q = format_count (bar->quantity[stack_order[s]]);

      g_string_append_printf (text, markup ? "%s: %s\n" : "%s %s, ",
                              status_label (stack_order[s]), q);
    }

  if (bar->capacity > 0)
    {
      g_autofree char *capacity = format_count (bar->capacity);
      int percent = (int) ((double) bar_total (bar) * 100 / bar->capacity + 0.5);

      g_string_append_printf (text,
                              /* Translators: units in all, of the warehouse's capacity */
                              _("%s in all of %s capacity (%d%% used)"),
                              total, capacity, percent);
    }
  else
    {
      g_string_append_printf (text, _("%s in all, capacity not known"), total);
    }

  return g_string_free (text, FALSE);
}

static gboolean
qm_chart_query_tooltip (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard_tooltip,
                        GtkTooltip *tooltip)
{
  QmChart *self = QM_CHART (widget);
  Layout layout;

  if (!has_data (self))
    return FALSE;

  compute_layout (self, gtk_widget_get_width (widget), gtk_widget_get_height (widget), &layout);

  if (self->mode == QM_CHART_MODE_BARS)
    {
      for (guint i = 0; i < self->bars->len; i++)
        {
          double slot_x, slot_width, bar_x, bar_width;

          bar_geometry (self, &layout, i, &slot_x, &slot_width, &bar_x, &bar_width);
          if (keyboard_tooltip || (x >= slot_x && x < slot_x + slot_width))
            {
              g_autofree char *markup =
                describe_bar (&g_array_index (self->bars, Bar, i), TRUE);

              gtk_tooltip_set_markup (tooltip, markup);
              return TRUE;
            }
        }
      return FALSE;
    }
  else
    {
      double fraction = (x - layout.x) / layout.width;
      guint i;
      GDate date;
      g_autofree char *day = NULL;
      g_autofree char *units = NULL;
      g_autofree char *text = NULL;

      if (x < layout.x - PAD || x > layout.x + layout.width + PAD)
        return FALSE;

      i = (guint) CLAMP (round (fraction * (self->trend->len - 1)), 0, self->trend->len - 1);
      if (keyboard_tooltip)
        i = self->trend->len - 1;

      date = day_of_point (self, i);
      day = format_day (&date, "%x");
      units = format_count (g_array_index (self->trend, gint64, i));
      /* Translators: a date and the units on hand at its end */
      text = g_strdup_printf (_("%s: %s units on hand"), day, units);
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
}

static void
update_description (QmChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (!has_data (self))
    {
      g_string_append (text, _("No data yet"));
    }
  else if (self->mode == QM_CHART_MODE_BARS)
    {
      g_string_append (text, _("Stock by status against capacity, per warehouse. "));
      for (guint i = 0; i < self->bars->len; i++)
        {
          g_autofree char *bar = describe_bar (&g_array_index (self->bars, Bar, i), FALSE);

          g_string_append (text, bar);
          g_string_append (text, i + 1 < self->bars->len ? "; " : ".");
        }
    }
  else
    {
      gint64 lowest = G_MAXINT64, highest = G_MININT64;
      GDate first = day_of_point (self, 0);
      g_autofree char *first_day = format_day (&first, "%x");
      g_autofree char *last_day = format_day (&self->last_day, "%x");
      g_autofree char *from = format_count (g_array_index (self->trend, gint64, 0));
      g_autofree char *to = NULL;
      g_autofree char *low = NULL;
      g_autofree char *high = NULL;

      for (guint i = 0; i < self->trend->len; i++)
        {
          lowest = MIN (lowest, g_array_index (self->trend, gint64, i));
          highest = MAX (highest, g_array_index (self->trend, gint64, i));
        }
      to = format_count (g_array_index (self->trend, gint64, self->trend->len - 1));
      low = format_count (lowest);
      high = format_count (highest);

      g_string_append_printf (text,
                              _("Units on hand at the end of each day from %s to %s, "
                                "all warehouses: from %s to %s; lowest %s, highest %s."),
                              first_day, last_day, from, to, low, high);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
}

static void
data_changed (QmChart *self)
{
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------ */
/* GtkWidget                                                                */

static void
qm_chart_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 300;
      *natural = 480;
    }
  else
    {
      *minimum = 220;
      *natural = 280;
    }
}

static void
on_dark_changed_cb (QmChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

QmChartMode
qm_chart_get_mode (QmChart *self)
{
  g_return_val_if_fail (QM_IS_CHART (self), QM_CHART_MODE_BARS);

  return self->mode;
}

void
qm_chart_set_mode (QmChart     *self,
                   QmChartMode  mode)
{
  g_return_if_fail (QM_IS_CHART (self));

  if (self->mode == mode)
    return;

  self->mode = mode;
  data_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/**
 * qm_chart_clear_bars:
 *
 * Removes every bar (before adding them again with qm_chart_add_bar()).
 */
void
qm_chart_clear_bars (QmChart *self)
{
  g_return_if_fail (QM_IS_CHART (self));

  g_array_set_size (self->bars, 0);
  data_changed (self);
}

/**
 * qm_chart_add_bar:
 * @label: the short name under the bar
 * @title: the full name, for the tooltip and the description
 * @quantity: (array fixed-size=4): units by #QmStockStatus
 * @capacity: the capacity marker, or 0 for none
 */
void
qm_chart_add_bar (QmChart      *self,
                  const char   *label,
                  const char   *title,
                  const gint64 *quantity,
                  gint64        capacity)
{
  Bar bar = { 0 };

  g_return_if_fail (QM_IS_CHART (self));
  g_return_if_fail (label != NULL);
  g_return_if_fail (quantity != NULL);

  bar.label = g_strdup (label);
  bar.title = g_strdup (title != NULL ? title : label);
  memcpy (bar.quantity, quantity, sizeof bar.quantity);
  bar.capacity = capacity;
  g_array_append_val (self->bars, bar);
  data_changed (self);
}

/**
 * qm_chart_set_trend:
 * @values: (array length=n_values): units at the end of each day, oldest first
 * @last_day: (nullable): the day of the last value, YYYY-MM-DD
 */
void
qm_chart_set_trend (QmChart      *self,
                    const gint64 *values,
                    guint         n_values,
                    const char   *last_day)
{
  int year, month, day;

  g_return_if_fail (QM_IS_CHART (self));
  g_return_if_fail (values != NULL || n_values == 0);

  g_array_set_size (self->trend, 0);
  g_date_clear (&self->last_day, 1);

  if (last_day != NULL && sscanf (last_day, "%4d-%2d-%2d", &year, &month, &day) == 3 &&
      g_date_valid_dmy (day, month, year))
    {
      g_date_set_dmy (&self->last_day, day, month, year);
      g_array_append_vals (self->trend, values, n_values);
    }

  data_changed (self);
}

GtkWidget *
qm_chart_new (QmChartMode mode)
{
  return g_object_new (QM_TYPE_CHART, "mode", mode, NULL);
}

static void
qm_chart_finalize (GObject *object)
{
  QmChart *self = (QmChart *)object;

  g_clear_pointer (&self->bars, g_array_unref);
  g_clear_pointer (&self->trend, g_array_unref);

  G_OBJECT_CLASS (qm_chart_parent_class)->finalize (object);
}

static void
qm_chart_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  QmChart *self = QM_CHART (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_chart_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  QmChart *self = QM_CHART (object);

  switch (prop_id)
    {
    case PROP_MODE:
      qm_chart_set_mode (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_chart_class_init (QmChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qm_chart_finalize;
  object_class->get_property = qm_chart_get_property;
  object_class->set_property = qm_chart_set_property;

  widget_class->snapshot = qm_chart_snapshot;
  widget_class->measure = qm_chart_measure;
  widget_class->query_tooltip = qm_chart_query_tooltip;

  /**
   * QmChart:mode:
   *
   * What the chart draws: bars of stock by warehouse, or the trend.
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       QM_TYPE_CHART_MODE,
                       QM_CHART_MODE_BARS,
                       (G_PARAM_READWRITE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qmchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
qm_chart_init (QmChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, bar_clear);
  self->trend = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_date_clear (&self->last_day, 1);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed_cb), self, G_CONNECT_SWAPPED);

  update_description (self);
}
