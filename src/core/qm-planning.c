/* qm-planning.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-planning"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include <glib/gi18n-lib.h>

#include "qm-error.h"
#include "qm-planning.h"

/* ------------------------------------------------------------------ */
/* Big arrays                                                           */

#define HUGE_PAGE_SIZE ((gsize) 2 << 20)

/* A zeroed array of n elements of size bytes, freed with g_free(). A
 * plan of a million cells is a few hundred megabytes written once; on
 * Linux, transparent huge pages (where the system allows them on request)
 * save most of the page faults of touching it, which otherwise cost more
 * than the planning itself. */
static gpointer
alloc_zeroed (gsize n,
              gsize size)
{
  gsize bytes;
  gpointer mem = NULL;

  if (!g_size_checked_mul (&bytes, MAX (n, 1), size))
    g_error ("%s: overflow allocating %" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT " bytes",
             G_STRLOC, n, size);

#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= 2 * HUGE_PAGE_SIZE)
    {
      bytes = (bytes + HUGE_PAGE_SIZE - 1) / HUGE_PAGE_SIZE * HUGE_PAGE_SIZE;
      if (posix_memalign (&mem, HUGE_PAGE_SIZE, bytes) != 0)
        g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, bytes);
      madvise (mem, bytes, MADV_HUGEPAGE);
      memset (mem, 0, bytes);
      return mem;
    }
#endif

  return g_malloc0 (bytes);
}

/* ------------------------------------------------------------------ */
/* The inverse of the standard normal distribution                      */

/* Acklam's rational approximation (relative error below 1.15e-9) for the
 * lower half, then one step of Halley's method on Phi (x) - p computed
 * with erfc(), which brings it to the precision of the double. */
static const double acklam_a[] = {
  -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
  1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
};
static const double acklam_b[] = {
  -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
  6.680131188771972e+01, -1.328068155288572e+01,
};
static const double acklam_c[] = {
  -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
  -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
};
static const double acklam_d[] = {
  7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
  3.754408661907416e+00,
};

#define ACKLAM_P_LOW 0.02425

/* For 0 < p <= 0.5: x <= 0 with Phi (x) = p. */
static double
inverse_normal_lower (double p)
{
  double x, e, u;

  if (p < ACKLAM_P_LOW)
    {
      double q = sqrt (-2.0 * log (p));

      x = (((((acklam_c[0] * q + acklam_c[1]) * q + acklam_c[2]) * q + acklam_c[3]) * q
            + acklam_c[4]) * q + acklam_c[5])
          / ((((acklam_d[0] * q + acklam_d[1]) * q + acklam_d[2]) * q + acklam_d[3]) * q + 1.0);
    }
  else
    {
      double q = p - 0.5;
      double r = q * q;

      x = (((((acklam_a[0] * r + acklam_a[1]) * r + acklam_a[2]) * r + acklam_a[3]) * r
            + acklam_a[4]) * r + acklam_a[5]) * q
          / (((((acklam_b[0] * r + acklam_b[1]) * r + acklam_b[2]) * r + acklam_b[3]) * r
              + acklam_b[4]) * r + 1.0);
    }

  /* Halley: Phi (x) - p in the lower tail is accurate through erfc. */
  e = 0.5 * erfc (-x / G_SQRT2) - p;
  u = e * sqrt (2.0 * G_PI) * exp (x * x / 2.0);
  x = x - u / (1.0 + x * u / 2.0);

  return x;
}

/**
 * qm_plan_inverse_normal:
 * @p: a probability, 0 < @p < 1
 *
 * The quantile of the standard normal distribution: the z with
 * Phi (z) = @p, to about 1e-15. The upper half is computed as the mirror
 * of the lower one (1 - @p is exact there), so both tails keep their
 * precision.
 *
 * Returns: z, or NaN when @p is not strictly between 0 and 1
 */
double
qm_plan_inverse_normal (double p)
{
  if (!(p > 0.0 && p < 1.0))
    return NAN;
  if (p == 0.5)
    return 0.0;
  if (p < 0.5)
    return inverse_normal_lower (p);
  return -inverse_normal_lower (1.0 - p);
}

/**
 * qm_plan_eoq:
 * @annual_demand: D, units a year
 * @ordering_cost: K, money per order
 * @holding_cost: h, money per unit per year (holding rate × unit cost)
 *
 * The economic order quantity sqrt (2 D K / h) (Harris–Wilson).
 *
 * Returns: the EOQ in units, 0 when there is no demand or no ordering
 *   cost, or NaN when @holding_cost is not positive or an input is negative
 */
double
qm_plan_eoq (double annual_demand,
             double ordering_cost,
             double holding_cost)
{
  if (!(annual_demand >= 0.0 && ordering_cost >= 0.0 && holding_cost > 0.0))
    return NAN;

  return sqrt (2.0 * annual_demand * ordering_cost / holding_cost);
}

/**
 * qm_plan_levels:
 * @d: average daily demand, units
 * @sd: standard deviation of the daily demand
 * @z: the service level's normal quantile
 * @lead_time_days: L
 * @review_period_days: R
 * @out_safety_stock: (out) (optional): z sd sqrt (L)
 * @out_reorder_point: (out) (optional): d L + safety stock
 * @out_order_up_to: (out) (optional): d (R + L) + z sd sqrt (R + L)
 *
 * The three stock levels of a cell, exactly (no rounding).
 */
void
qm_plan_levels (double  d,
                double  sd,
                double  z,
                int     lead_time_days,
                int     review_period_days,
                double *out_safety_stock,
                double *out_reorder_point,
                double *out_order_up_to)
{
  double l = lead_time_days;
  double rl = (double) lead_time_days + review_period_days;
  double ss = z * sd * sqrt (l);

  if (out_safety_stock != NULL)
    *out_safety_stock = ss;
  if (out_reorder_point != NULL)
    *out_reorder_point = d * l + ss;
  if (out_order_up_to != NULL)
    *out_order_up_to = d * rl + z * sd * sqrt (rl);
}

/**
 * qm_plan_round_up_to_pack:
 * @quantity: units, zero or more
 * @pack_size: units per pack; 0 or 1 mean single units
 *
 * Returns: the smallest multiple of @pack_size that is at least @quantity
 *   (101 in packs of 12 is 108)
 */
gint64
qm_plan_round_up_to_pack (gint64 quantity,
                          gint64 pack_size)
{
  g_return_val_if_fail (quantity >= 0 && quantity <= QM_PLAN_QUANTITY_MAX, 0);
  g_return_val_if_fail (pack_size >= 0 && pack_size <= QM_PLAN_QUANTITY_MAX, 0);

  if (pack_size <= 1)
    return quantity;
  return (quantity + pack_size - 1) / pack_size * pack_size;
}

/* ------------------------------------------------------------------ */
/* Days                                                                 */

/**
 * qm_plan_day_from_date:
 * @year: the year (proleptic Gregorian)
 * @month: 1 to 12
 * @day: 1 to 31
 *
 * Returns: the day number: days since 1970-01-01 (which is day 0)
 */
gint64
qm_plan_day_from_date (int year,
                       int month,
                       int day)
{
  /* Howard Hinnant's days_from_civil. */
  gint64 y = (gint64) year - (month <= 2);
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

/**
 * qm_plan_parse_day:
 * @text: "YYYY-MM-DD", optionally followed by "T" or a space and a time
 *   (as the ledger's timestamps are)
 * @out_day: (out): the day number
 *
 * Returns: %TRUE if @text starts with a valid date
 */
gboolean
qm_plan_parse_day (const char *text,
                   gint64     *out_day)
{
  int v[3] = { 0, 0, 0 };
  static const int widths[3] = { 4, 2, 2 };
  const char *p = text;

  if (text == NULL)
    return FALSE;

  for (int f = 0; f < 3; f++)
    {
      for (int i = 0; i < widths[f]; i++, p++)
        {
          if (!g_ascii_isdigit (*p))
            return FALSE;
          v[f] = v[f] * 10 + (*p - '0');
        }
      if (f < 2 && *p++ != '-')
        return FALSE;
    }

  if (*p != '\0' && *p != 'T' && *p != ' ')
    return FALSE;
  if (v[0] < 1 || !g_date_valid_dmy ((GDateDay) v[2], (GDateMonth) v[1], (GDateYear) v[0]))
    return FALSE;

  if (out_day != NULL)
    *out_day = qm_plan_day_from_date (v[0], v[1], v[2]);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Demand accumulator                                                   */

typedef struct
{
  guint32 cell;
  gint32  day;      /* index in the window, 0 = oldest */
  gint64  quantity; /* + sold, - returned */
} DemandEvent;

struct _QmPlanDemand
{
  guint   n_skus;
  guint   n_warehouses;
  gsize   n_cells;
  gint64  today;
  int     window_days;
  GArray *events;     /* DemandEvent */
  gint64 *first_day;  /* n_cells, or NULL until a day is noted; G_MAXINT64 = none */
};

/**
 * qm_plan_demand_new:
 * @n_skus: the SKUs of the plan
 * @n_warehouses: its warehouses
 * @today: the day number of today (qm_plan_day_from_date())
 * @window_days: the window, 1 to %QM_PLAN_MAX_DAYS days before today
 *
 * Starts adding up the daily net demand of every cell. Feed it the
 * movements (in any order) with qm_plan_demand_add(), then call
 * qm_plan_demand_finish().
 *
 * Returns: (transfer full): a new accumulator, or %NULL if the sizes are
 *   out of range
 */
QmPlanDemand *
qm_plan_demand_new (guint  n_skus,
                    guint  n_warehouses,
                    gint64 today,
                    int    window_days)
{
  QmPlanDemand *demand;

  g_return_val_if_fail (window_days >= 1 && window_days <= QM_PLAN_MAX_DAYS, NULL);
  g_return_val_if_fail ((guint64) n_skus * n_warehouses <= G_MAXUINT32, NULL);

  demand = g_new0 (QmPlanDemand, 1);
  demand->n_skus = n_skus;
  demand->n_warehouses = n_warehouses;
  demand->n_cells = (gsize) n_skus * n_warehouses;
  demand->today = today;
  demand->window_days = window_days;
  demand->events = g_array_new (FALSE, FALSE, sizeof (DemandEvent));

  return demand;
}

/**
 * qm_plan_demand_add:
 * @demand: the accumulator
 * @sku: SKU index
 * @warehouse: warehouse index
 * @day: the movement's day number
 * @kind: the movement's kind
 * @quantity: its quantity (positive, as in the ledger); a per-day sum of
 *   several movements of the same kind is fine too
 *
 * Counts a movement: a sales_outbound adds @quantity to the cell's demand
 * on @day, a customer_return takes it off. Other kinds, and days outside
 * the window, are ignored.
 *
 * Returns: %TRUE if the movement was counted
 */
gboolean
qm_plan_demand_add (QmPlanDemand   *demand,
                    guint           sku,
                    guint           warehouse,
                    gint64          day,
                    QmMovementKind  kind,
                    gint64          quantity)
{
  DemandEvent ev;
  gint64 index;

  g_return_val_if_fail (demand != NULL, FALSE);
  g_return_val_if_fail (sku < demand->n_skus && warehouse < demand->n_warehouses, FALSE);
  g_return_val_if_fail (quantity >= 0 && quantity <= QM_PLAN_QUANTITY_MAX, FALSE);

  if (kind != QM_MOVEMENT_SALES_OUTBOUND && kind != QM_MOVEMENT_CUSTOMER_RETURN)
    return FALSE;

  index = day - (demand->today - demand->window_days);
  if (index < 0 || index >= demand->window_days || quantity == 0)
    return FALSE;

  ev.cell = (guint32) ((gsize) sku * demand->n_warehouses + warehouse);
  ev.day = (gint32) index;
  ev.quantity = kind == QM_MOVEMENT_SALES_OUTBOUND ? quantity : -quantity;
  g_array_append_val (demand->events, ev);

  return TRUE;
}

/**
 * qm_plan_demand_note_first_day:
 * @demand: the accumulator
 * @sku: SKU index
 * @warehouse: warehouse index
 * @day: the day number of the cell's first movement of any kind
 *
 * Tells the accumulator when a cell was first seen, so that a SKU that
 * is younger than the window has its demand averaged over the days it
 * existed, and a SKU first seen today has no history at all. Cells that
 * are never noted are taken to be older than the window. The earliest
 * of several notes counts.
 */
void
qm_plan_demand_note_first_day (QmPlanDemand *demand,
                               guint         sku,
                               guint         warehouse,
                               gint64        day)
{
  gsize cell;

  g_return_if_fail (demand != NULL);
  g_return_if_fail (sku < demand->n_skus && warehouse < demand->n_warehouses);

  if (demand->first_day == NULL)
    {
      demand->first_day = g_new (gint64, MAX (demand->n_cells, 1));
      for (gsize i = 0; i < demand->n_cells; i++)
        demand->first_day[i] = G_MAXINT64;
    }

  cell = (gsize) sku * demand->n_warehouses + warehouse;
  demand->first_day[cell] = MIN (demand->first_day[cell], day);
}

typedef struct
{
  gint32 day;
  gint64 quantity;
} DayQuantity;

static int
day_quantity_cmp (gconstpointer a,
                  gconstpointer b)
{
  const DayQuantity *x = a;
  const DayQuantity *y = b;

  return (x->day > y->day) - (x->day < y->day);
}

/**
 * qm_plan_demand_finish:
 * @demand: the accumulator
 * @error: return location for an error
 *
 * Works out every cell's demand statistics (see the rules in
 * qm-planning.h). The accumulator can be freed afterwards.
 *
 * Returns: (transfer full): n_skus × n_warehouses statistics, at
 *   [sku * n_warehouses + warehouse], to free with g_free(); or %NULL if a
 *   sum is beyond %QM_PLAN_QUANTITY_MAX
 */
QmPlanDemandStats *
qm_plan_demand_finish (QmPlanDemand  *demand,
                       GError       **error)
{
  g_autofree QmPlanDemandStats *stats = NULL;
  g_autofree gsize *start = NULL;
  g_autofree DayQuantity *sorted = NULL;
  const DemandEvent *events;
  gsize n_events;

  g_return_val_if_fail (demand != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  events = (const DemandEvent *) (gpointer) demand->events->data;
  n_events = demand->events->len;
  stats = alloc_zeroed (demand->n_cells, sizeof (QmPlanDemandStats));
  start = alloc_zeroed (demand->n_cells + 1, sizeof (gsize));
  sorted = alloc_zeroed (n_events, sizeof (DayQuantity));

  /* Counting sort of the events by cell. */
  for (gsize i = 0; i < n_events; i++)
    start[events[i].cell + 1]++;
  for (gsize c = 0; c < demand->n_cells; c++)
    start[c + 1] += start[c];
  {
    g_autofree gsize *fill = alloc_zeroed (demand->n_cells + 1, sizeof (gsize));

    memcpy (fill, start, sizeof (gsize) * (demand->n_cells + 1));

    for (gsize i = 0; i < n_events; i++)
      {
        DayQuantity *dq = &sorted[fill[events[i].cell]++];

        dq->day = events[i].day;
        dq->quantity = events[i].quantity;
      }
  }

  for (gsize c = 0; c < demand->n_cells; c++)
    {
      DayQuantity *ev = sorted + start[c];
      gsize n = start[c + 1] - start[c];
      QmPlanDemandStats *st = &stats[c];
      gint64 first = G_MININT64;   /* not noted: older than the window */
      gint64 sum = 0;
      gint64 history;
      double mean, ss = 0.0;
      gsize n_days = 0;

      if (demand->first_day != NULL && demand->first_day[c] != G_MAXINT64)
        first = demand->first_day[c];

      if (n > 1)
        {
          if (n <= 16)
            {
              for (gsize i = 1; i < n; i++)
                {
                  DayQuantity v = ev[i];
                  gsize j = i;

                  while (j > 0 && ev[j - 1].day > v.day)
                    {
                      ev[j] = ev[j - 1];
                      j--;
                    }
                  ev[j] = v;
                }
            }
          else
            {
              qsort (ev, n, sizeof (DayQuantity), day_quantity_cmp);
            }
        }

      /* Merge each day's events in place: ev[0 .. n_days) are the days. */
      for (gsize i = 0; i < n; i++)
        {
          if (n_days > 0 && ev[n_days - 1].day == ev[i].day)
            {
              if (__builtin_add_overflow (ev[n_days - 1].quantity, ev[i].quantity,
                                          &ev[n_days - 1].quantity))
                goto overflow;
            }
          else
            {
              ev[n_days++] = ev[i];
            }
        }
      for (gsize i = 0; i < n_days; i++)
        {
          if (__builtin_add_overflow (sum, ev[i].quantity, &sum))
            goto overflow;
        }
      if (sum > QM_PLAN_QUANTITY_MAX || sum < -QM_PLAN_QUANTITY_MAX)
        goto overflow;

      if (n_days > 0 && first != G_MININT64)
        first = MIN (first, demand->today - demand->window_days + ev[0].day);
      history = first == G_MININT64 ? demand->window_days
                                    : CLAMP (demand->today - first, 0, demand->window_days);

      st->net_units = sum;
      st->history_days = (int) history;
      if (history == 0 || sum <= 0)
        continue;

      /* Two passes around the mean: the days with demand, then the days
       * without any, which are all 0. */
      mean = (double) sum / (double) history;
      for (gsize i = 0; i < n_days; i++)
        {
          double dev = (double) ev[i].quantity - mean;

          ss += dev * dev;
        }
      ss += (double) ((gsize) history - n_days) * mean * mean;

      st->avg_daily = mean;
      st->sd_daily = history > 1 ? sqrt (ss / (double) (history - 1)) : 0.0;
    }

  return g_steal_pointer (&stats);

overflow:
  g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
               _("The demand of a SKU in a warehouse adds up to more than %" G_GINT64_FORMAT
                 " units; check the quantities of its sales and returns."),
               QM_PLAN_QUANTITY_MAX);
  return NULL;
}

/**
 * qm_plan_demand_free:
 * @demand: (nullable): an accumulator
 */
void
qm_plan_demand_free (QmPlanDemand *demand)
{
  if (demand == NULL)
    return;

  g_array_unref (demand->events);
  g_free (demand->first_day);
  g_free (demand);
}

/* ------------------------------------------------------------------ */
/* The plan                                                             */

static const char * const flag_names[QM_PLAN_N_FLAGS] = {
  "capacity_capped",
  "no_demand",
  "returns_exceed_sales",
  "no_history",
  "short_history",
  "below_reorder_point",
  "eoq",
  "no_eoq",
  "transfer_in",
  "transfer_out",
};

/**
 * qm_plan_flag_to_string:
 * @flag: one flag
 *
 * Returns: the flag's stable keyword ("capacity_capped", …), for files and
 *   logs, or %NULL if @flag is not exactly one known flag
 */
const char *
qm_plan_flag_to_string (QmPlanFlags flag)
{
  for (guint i = 0; i < QM_PLAN_N_FLAGS; i++)
    {
      if ((guint) flag == 1u << i)
        return flag_names[i];
    }

  return NULL;
}

/**
 * qm_plan_params_init:
 * @params: (out caller-allocates): parameters to fill
 *
 * The defaults: a 56-day window, 95 % service level, order-up-to (no
 * EOQ), a 25 % holding rate for when EOQ mode is switched on, and
 * transfers from warehouses with more than 90 days of cover.
 */
void
qm_plan_params_init (QmPlanParams *params)
{
  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  params->window_days = QM_PLAN_DEFAULT_WINDOW;
  params->service_level = QM_PLAN_DEFAULT_SERVICE;
  params->eoq = FALSE;
  params->ordering_cost_e4 = 0;
  params->holding_rate = 0.25;
  params->transfer_days_of_cover = 90.0;
}

/**
 * qm_plan_result_free:
 * @result: (nullable): a plan
 */
void
qm_plan_result_free (QmPlanResult *result)
{
  if (result == NULL)
    return;

  g_free (result->rows);
  g_free (result->warehouses);
  g_free (result);
}

static gboolean
check_quantity (gint64       value,
                const char  *what,
                const char  *sku,
                const char  *warehouse,
                GError     **error)
{
  if (value >= 0 && value <= QM_PLAN_QUANTITY_MAX)
    return TRUE;

  g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
               /* Translators: the first %s is a quantity's name, like "on order" */
               _("The %s quantity of %s in %s is %" G_GINT64_FORMAT "; it must be between 0 "
                 "and %" G_GINT64_FORMAT "."),
               _(what), sku, warehouse, value, QM_PLAN_QUANTITY_MAX);
  return FALSE;
}

static gboolean
check_days (int          value,
            const char  *what,
            const char  *id,
            GError     **error)
{
  if (value >= 0 && value <= QM_PLAN_MAX_DAYS)
    return TRUE;

  g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
               /* Translators: the first %s is "lead time" or "review period" */
               _("The %s of %s is %d days; it must be between 0 and %d days."),
               _(what), id, value, QM_PLAN_MAX_DAYS);
  return FALSE;
}

typedef struct
{
  const char * const *ids;
  gsize               stride;  /* bytes between two ids */
} IdArray;

static inline const char *
id_at (const IdArray *a,
       guint          i)
{
  return *(const char * const *) (gconstpointer) ((const guint8 *) a->ids + a->stride * i);
}

static int
id_cmp (gconstpointer a,
        gconstpointer b,
        gpointer      user_data)
{
  return strcmp (id_at (user_data, *(const guint *) a), id_at (user_data, *(const guint *) b));
}

/* rank[i] = position of item i's id in bytewise order; fails on a
 * missing or repeated id. */
static gboolean
rank_ids (gconstpointer   first_id,
          gsize           stride,
          guint           n,
          const char     *what,
          guint          *rank,
          GError        **error)
{
  IdArray a = { first_id, stride };
  g_autofree guint *order = g_new (guint, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      if (id_at (&a, i) == NULL || *id_at (&a, i) == '\0')
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       /* Translators: %s is "warehouse" or "SKU" */
                       _("The %s at index %u has no id."), what, i);
          return FALSE;
        }
      order[i] = i;
    }
  g_qsort_with_data (order, (int) n, sizeof (guint), id_cmp, &a);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && strcmp (id_at (&a, order[i - 1]), id_at (&a, order[i])) == 0)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       /* Translators: the first %s is "warehouse" or "SKU" */
                       _("Two %ss have the id “%s”; ids must be unique."),
                       what, id_at (&a, order[i]));
          return FALSE;
        }
      rank[order[i]] = i;
    }

  return TRUE;
}

static gboolean
validate_params (const QmPlanParams  *p,
                 GError             **error)
{
  if (!(p->service_level > 0.0 && p->service_level < 1.0))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The service level %g is out of range; it must be more than 0 %% "
                     "and less than 100 %%, such as 0.95 for 95 %%."),
                   p->service_level);
      return FALSE;
    }
  if (p->window_days < 1 || p->window_days > QM_PLAN_MAX_DAYS)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The demand window is %d days; it must be between 1 and %d days."),
                   p->window_days, QM_PLAN_MAX_DAYS);
      return FALSE;
    }
  if (p->ordering_cost_e4 < 0 || p->ordering_cost_e4 > QM_PLAN_QUANTITY_MAX)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The ordering cost must not be negative."));
      return FALSE;
    }
  if (!(p->holding_rate >= 0.0 && p->holding_rate <= 1000.0))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The holding cost rate %g is out of range; give it as a fraction of "
                     "the unit cost a year, such as 0.25 for 25 %%."),
                   p->holding_rate);
      return FALSE;
    }
  if (!(p->transfer_days_of_cover >= 0.0 && p->transfer_days_of_cover < 1e9))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The days of cover that allow a transfer must be 0 (no transfers) "
                     "or more."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_input (const QmPlanInput  *in,
                GError            **error)
{
  if (!validate_params (&in->params, error))
    return FALSE;

  for (guint w = 0; w < in->n_warehouses; w++)
    {
      const QmPlanWarehouse *wh = &in->warehouses[w];
      const char *id = wh->id != NULL ? wh->id : "?";

      if (!check_days (wh->lead_time_days, N_("lead time"), id, error) ||
          !check_days (wh->review_period_days, N_("review period"), id, error))
        return FALSE;
      if (wh->capacity_units < 0 || wh->capacity_units > QM_PLAN_QUANTITY_MAX ||
          wh->units_on_hand < 0 || wh->units_on_hand > QM_PLAN_QUANTITY_MAX)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       _("The capacity or the units on hand of warehouse %s are out of "
                         "range; they must be between 0 and %" G_GINT64_FORMAT "."),
                       id, QM_PLAN_QUANTITY_MAX);
          return FALSE;
        }
    }

  for (guint s = 0; s < in->n_skus; s++)
    {
      const QmPlanSku *sk = &in->skus[s];
      const char *id = sk->sku != NULL ? sk->sku : "?";

      if (!check_days (sk->lead_time_days, N_("lead time"), id, error) ||
          !check_days (sk->review_period_days, N_("review period"), id, error))
        return FALSE;
      if (sk->pack_size < 0 || sk->pack_size > QM_PLAN_QUANTITY_MAX ||
          sk->unit_cost_e4 < 0 || sk->unit_cost_e4 > QM_PLAN_QUANTITY_MAX)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       _("The pack size or the unit cost of %s is out of range; neither "
                         "may be negative."), id);
          return FALSE;
        }

      for (guint w = 0; w < in->n_warehouses; w++)
        {
          gsize c = (gsize) s * in->n_warehouses + w;
          const QmPlanCell *cell = &in->cells[c];
          const QmPlanDemandStats *st = &in->demand[c];
          const char *wid = in->warehouses[w].id != NULL ? in->warehouses[w].id : "?";

          if (!check_quantity (cell->qualified, N_("qualified"), id, wid, error) ||
              !check_quantity (cell->pending_inspection, N_("pending inspection"), id, wid,
                               error) ||
              !check_quantity (cell->on_order, N_("on order"), id, wid, error) ||
              !check_quantity (cell->other_units, N_("other"), id, wid, error) ||
              !check_quantity (cell->pack_size, N_("pack size"), id, wid, error))
            return FALSE;
          if (!(st->avg_daily >= 0.0 && st->avg_daily <= 1e12 &&
                st->sd_daily >= 0.0 && st->sd_daily <= 1e12 &&
                st->history_days >= 0 && st->history_days <= QM_PLAN_MAX_DAYS))
            {
              g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("The demand figures of %s in %s are out of range."), id, wid);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* Whole units, rounded up; a hair above an integer (floating-point dust)
 * stays that integer. */
static gboolean
ceil_units (double  x,
            gint64 *out)
{
  double c;

  if (!(x > 0.0))
    {
      *out = 0;
      return TRUE;
    }
  c = ceil (x - 1e-9 * MAX (1.0, x));
  if (!(c <= (double) QM_PLAN_QUANTITY_MAX))
    return FALSE;
  *out = (gint64) c;
  return TRUE;
}

typedef struct
{
  const QmPlanRow *rows;
  const guint     *rank;     /* of the SKU (capacity) or warehouse (transfers) */
  gboolean         by_sku;
  gboolean         descending;
} CellOrder;

/* Days of cover ascending (or descending), then the bytewise smaller id. */
static int
cell_cmp (gconstpointer a,
          gconstpointer b,
          gpointer      user_data)
{
  const CellOrder *o = user_data;
  const QmPlanRow *x = &o->rows[*(const gsize *) a];
  const QmPlanRow *y = &o->rows[*(const gsize *) b];
  guint rx, ry;

  if (x->days_of_cover != y->days_of_cover)
    {
      int c = x->days_of_cover < y->days_of_cover ? -1 : 1;

      return o->descending ? -c : c;
    }
  rx = o->rank[o->by_sku ? x->sku : x->warehouse];
  ry = o->rank[o->by_sku ? y->sku : y->warehouse];
  return (rx > ry) - (rx < ry);
}

static gboolean
plan_cell (const QmPlanInput  *in,
           double              z,
           guint               s,
           guint               w,
           QmPlanRow          *row,
           GError            **error)
{
  const QmPlanParams *p = &in->params;
  const QmPlanSku *sk = &in->skus[s];
  const QmPlanWarehouse *wh = &in->warehouses[w];
  gsize c = (gsize) s * in->n_warehouses + w;
  const QmPlanCell *cell = &in->cells[c];
  const QmPlanDemandStats *st = &in->demand[c];
  double d = st->avg_daily;
  double sd = st->sd_daily;
  gint64 need = 0;

  row->sku = s;
  row->warehouse = w;
  row->flags = 0;
  row->transfer_from = -1;
  row->pack_size = cell->pack_size > 0 ? cell->pack_size : MAX (sk->pack_size, 1);
  row->lead_time_days = sk->lead_time_days > 0 ? sk->lead_time_days : wh->lead_time_days;
  row->review_period_days = sk->review_period_days > 0 ? sk->review_period_days
                                                       : wh->review_period_days;

  if (st->history_days == 0)
    row->flags |= QM_PLAN_FLAG_NO_HISTORY;
  else if (st->history_days < p->window_days)
    row->flags |= QM_PLAN_FLAG_SHORT_HISTORY;
  if (st->history_days == 0 || d <= 0.0)
    {
      d = 0.0;
      sd = 0.0;
      row->flags |= QM_PLAN_FLAG_NO_DEMAND;
      if (st->net_units < 0)
        row->flags |= QM_PLAN_FLAG_RETURNS_EXCEED_SALES;
    }

  row->avg_daily_demand = d;
  row->demand_sd = sd;
  qm_plan_levels (d, sd, z, row->lead_time_days, row->review_period_days,
                  &row->safety_stock, &row->reorder_point, &row->order_up_to);
  row->eoq = 0.0;

  if (!ceil_units (row->safety_stock, &row->safety_stock_units) ||
      !ceil_units (row->reorder_point, &row->reorder_point_units) ||
      !ceil_units (row->order_up_to, &row->order_up_to_units))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The stock levels of %s in %s come to more than %" G_GINT64_FORMAT
                     " units; check its demand, lead time and review period."),
                   sk->sku, wh->id, QM_PLAN_QUANTITY_MAX);
      return FALSE;
    }

  row->on_hand = cell->qualified + cell->pending_inspection + cell->other_units;
  row->on_order = cell->on_order;
  row->position = cell->qualified + cell->pending_inspection + cell->on_order;
  row->days_of_cover = d > 0.0 ? (double) cell->qualified / d : INFINITY;
  row->turnover = d <= 0.0 ? 0.0
                  : cell->qualified > 0 ? QM_PLAN_DAYS_PER_YEAR * d / (double) cell->qualified
                  : INFINITY;

  if (d > 0.0)
    {
      double h = p->holding_rate * (double) sk->unit_cost_e4 / 10000.0;

      if (row->position < row->reorder_point_units)
        row->flags |= QM_PLAN_FLAG_BELOW_REORDER_POINT;

      if (p->eoq && h > 0.0)
        {
          gint64 q;

          row->flags |= QM_PLAN_FLAG_EOQ;
          row->eoq = qm_plan_eoq (QM_PLAN_DAYS_PER_YEAR * d,
                                  (double) p->ordering_cost_e4 / 10000.0, h);
          if (!ceil_units (row->eoq, &q))
            {
              g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           _("The economic order quantity of %s in %s is beyond %"
                             G_GINT64_FORMAT " units; check the ordering cost and the "
                             "holding cost rate."),
                           sk->sku, wh->id, QM_PLAN_QUANTITY_MAX);
              return FALSE;
            }
          q = MAX (q, 1);
          if (row->position < row->reorder_point_units)
            {
              gint64 gap = row->reorder_point_units - row->position;

              need = (gap + q - 1) / q * q;
            }
        }
      else
        {
          if (p->eoq)
            row->flags |= QM_PLAN_FLAG_NO_EOQ;
          need = MAX (0, row->order_up_to_units - row->position);
        }
    }

  if (need > QM_PLAN_QUANTITY_MAX)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The suggestion for %s in %s comes to more than %" G_GINT64_FORMAT
                     " units."),
                   sk->sku, wh->id, QM_PLAN_QUANTITY_MAX);
      return FALSE;
    }

  row->suggested_uncapped = qm_plan_round_up_to_pack (need, row->pack_size);
  row->suggested = row->suggested_uncapped;
  row->purchase = row->suggested;
  row->transfer_in = 0;
  row->transfer_out = 0;

  return TRUE;
}

/* Rule 4: cut the suggestions of warehouse w to fit its capacity.
 * cells_on_hand, on_order and total are its cells' sums (saturated);
 * idx is scratch of n_skus elements. */
static void
apply_capacity (const QmPlanInput     *in,
                const guint           *sku_rank,
                guint                  w,
                gint64                 cells_on_hand,
                gint64                 on_order,
                gint64                 total,
                QmPlanRow             *rows,
                QmPlanWarehouseResult *wr,
                gsize                 *idx)
{
  const QmPlanWarehouse *wh = &in->warehouses[w];
  gint64 left;
  gsize n = 0;
  CellOrder order = { rows, sku_rank, TRUE, FALSE };

  if (__builtin_add_overflow (MAX (wh->units_on_hand, cells_on_hand), on_order, &wr->used_units))
    wr->used_units = G_MAXINT64;
  wr->suggested_uncapped = total;
  wr->suggested = total;
  wr->n_capped = 0;

  if (wh->capacity_units == 0)
    {
      wr->room_units = G_MAXINT64;
      return;
    }

  wr->room_units = wh->capacity_units - MIN (wr->used_units, QM_PLAN_QUANTITY_MAX + 1);
  if (total <= wr->room_units)
    return;

  for (guint s = 0; s < in->n_skus; s++)
    {
      gsize c = (gsize) s * in->n_warehouses + w;

      if (rows[c].suggested > 0)
        idx[n++] = c;
    }
  g_qsort_with_data (idx, (int) n, sizeof (gsize), cell_cmp, &order);

  left = MAX (wr->room_units, 0);
  total = 0;
  for (gsize i = 0; i < n; i++)
    {
      QmPlanRow *r = &rows[idx[i]];

      if (r->suggested <= left && wr->n_capped == 0)
        {
          left -= r->suggested;
        }
      else
        {
          r->suggested = wr->n_capped == 0 ? left / r->pack_size * r->pack_size : 0;
          r->flags |= QM_PLAN_FLAG_CAPACITY_CAPPED;
          left -= r->suggested;
          wr->n_capped++;
        }
      r->purchase = r->suggested;
      total += r->suggested;
    }
  wr->suggested = total;
}

/* Rule 5 for SKU s. needy and donors are scratch of n_warehouses. */
static guint
apply_transfers (const QmPlanInput *in,
                 const guint       *wh_rank,
                 guint              s,
                 QmPlanRow         *rows,
                 gsize             *needy,
                 gsize             *donors,
                 gint64            *can_give)
{
  gsize n_needy = 0, n_donors = 0;
  guint n_transfers = 0;
  double threshold = in->params.transfer_days_of_cover;
  CellOrder by_need = { rows, wh_rank, FALSE, FALSE };
  CellOrder by_cover = { rows, wh_rank, FALSE, TRUE };

  for (guint w = 0; w < in->n_warehouses; w++)
    {
      gsize c = (gsize) s * in->n_warehouses + w;
      const QmPlanRow *r = &rows[c];

      if ((r->flags & QM_PLAN_FLAG_BELOW_REORDER_POINT) && r->suggested > 0)
        needy[n_needy++] = c;
      else if (r->days_of_cover > threshold && r->position > r->order_up_to_units &&
               in->cells[c].qualified > 0)
        donors[n_donors++] = c;
    }
  if (n_needy == 0 || n_donors == 0)
    return 0;

  g_qsort_with_data (needy, (int) n_needy, sizeof (gsize), cell_cmp, &by_need);
  g_qsort_with_data (donors, (int) n_donors, sizeof (gsize), cell_cmp, &by_cover);
  for (gsize j = 0; j < n_donors; j++)
    {
      const QmPlanRow *r = &rows[donors[j]];

      can_give[j] = MIN (in->cells[donors[j]].qualified, r->position - r->order_up_to_units);
    }

  for (gsize i = 0; i < n_needy; i++)
    {
      QmPlanRow *r = &rows[needy[i]];
      QmPlanRow *dr;
      gsize best = 0;
      gint64 best_t = 0;

      /* The first donor that can cover the whole suggestion, else the
       * one that can give the most (the first of equals). */
      for (gsize j = 0; j < n_donors; j++)
        {
          gint64 t = MIN (can_give[j], r->suggested) / r->pack_size * r->pack_size;

          if (t > best_t)
            {
              best = j;
              best_t = t;
              if (t == r->suggested)
                break;
            }
        }
      if (best_t == 0)
        continue;

      dr = &rows[donors[best]];
      r->transfer_in = best_t;
      r->transfer_from = (int) dr->warehouse;
      r->purchase = r->suggested - best_t;
      r->flags |= QM_PLAN_FLAG_TRANSFER_IN;
      dr->transfer_out += best_t;
      dr->flags |= QM_PLAN_FLAG_TRANSFER_OUT;
      can_give[best] -= best_t;
      n_transfers++;
    }

  return n_transfers;
}

/**
 * qm_plan_generate:
 * @input: warehouses, SKUs, cells, demand and parameters
 * @error: return location for an error
 *
 * Generates a procurement plan by the rules in qm-planning.h: one row for
 * every cell, with every figure the suggestion was worked out from.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 *   (%QM_ERROR_INVALID_INPUT) if the input is out of range
 */
QmPlanResult *
qm_plan_generate (const QmPlanInput  *input,
                  GError            **error)
{
  g_autoptr(QmPlanResult) result = NULL;
  g_autofree guint *sku_rank = NULL;
  g_autofree guint *wh_rank = NULL;
  g_autofree gsize *idx = NULL;
  g_autofree gint64 *can_give = NULL;
  g_autofree gint64 *sums = NULL;
  gsize n_cells;
  double z;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (input->n_warehouses == 0 || input->warehouses != NULL, NULL);
  g_return_val_if_fail (input->n_skus == 0 || input->skus != NULL, NULL);
  g_return_val_if_fail ((guint64) input->n_skus * input->n_warehouses <= G_MAXUINT32, NULL);
  g_return_val_if_fail (input->n_skus <= G_MAXINT && input->n_warehouses <= G_MAXINT, NULL);

  n_cells = (gsize) input->n_skus * input->n_warehouses;
  g_return_val_if_fail (n_cells == 0 || (input->cells != NULL && input->demand != NULL), NULL);

  if (!validate_input (input, error))
    return NULL;

  sku_rank = g_new (guint, MAX (input->n_skus, 1));
  wh_rank = g_new (guint, MAX (input->n_warehouses, 1));
  if (!rank_ids (input->skus != NULL ? &input->skus[0].sku : NULL, sizeof (QmPlanSku),
                 input->n_skus, _("SKU"), sku_rank, error) ||
      !rank_ids (input->warehouses != NULL ? &input->warehouses[0].id : NULL,
                 sizeof (QmPlanWarehouse), input->n_warehouses, _("warehouse"), wh_rank,
                 error))
    return NULL;

  z = qm_plan_inverse_normal (input->params.service_level);

  result = g_new0 (QmPlanResult, 1);
  result->n_skus = input->n_skus;
  result->n_warehouses = input->n_warehouses;
  result->z = z;
  result->rows = alloc_zeroed (n_cells, sizeof (QmPlanRow));
  result->warehouses = g_new0 (QmPlanWarehouseResult, MAX (input->n_warehouses, 1));

  /* Per warehouse: the cells' on hand, on order and suggestions, summed
   * as the cells are planned (every term is at most 10^15 and there may
   * be 2^32 SKUs: the sums saturate rather than overflow). */
  sums = g_new0 (gint64, 3 * (gsize) MAX (input->n_warehouses, 1));
  for (guint s = 0; s < input->n_skus; s++)
    for (guint w = 0; w < input->n_warehouses; w++)
      {
        QmPlanRow *r = &result->rows[(gsize) s * input->n_warehouses + w];
        gint64 *sum = &sums[3 * w];

        if (!plan_cell (input, z, s, w, r, error))
          return NULL;
        if (__builtin_add_overflow (sum[0], r->on_hand, &sum[0]))
          sum[0] = G_MAXINT64;
        if (__builtin_add_overflow (sum[1], r->on_order, &sum[1]))
          sum[1] = G_MAXINT64;
        if (__builtin_add_overflow (sum[2], r->suggested_uncapped, &sum[2]))
          sum[2] = G_MAXINT64;
      }

  idx = g_new (gsize, MAX (MAX (input->n_skus, input->n_warehouses * 2), 1));
  for (guint w = 0; w < input->n_warehouses; w++)
    apply_capacity (input, sku_rank, w, sums[3 * w], sums[3 * w + 1], sums[3 * w + 2],
                    result->rows, &result->warehouses[w], idx);

  if (input->params.transfer_days_of_cover > 0.0 && input->n_warehouses > 1)
    {
      can_give = g_new (gint64, input->n_warehouses);
      for (guint s = 0; s < input->n_skus; s++)
        result->n_transfers += apply_transfers (input, wh_rank, s, result->rows, idx,
                                                idx + input->n_warehouses, can_give);
    }

  return g_steal_pointer (&result);
}
