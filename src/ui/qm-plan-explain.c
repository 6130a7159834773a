/* qm-plan-explain.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plan line's suggestion told in words, step by step, with its own
 * numbers: demand, service level, safety stock, reorder point,
 * order-up-to level, position, packs, the capacity cut and transfers
 * (the rules are those of qm-planning.h).
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "qm-json.h"
#include "qm-plan-explain.h"

static gboolean
double_member (JsonObject *object,
               const char *name,
               double     *out_value)
{
  JsonNode *node = json_object_get_member (object, name);

  /* Only numbers: anything else is missing (no GLib critical). */
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out_value = json_node_get_double (node);
  else if (json_node_get_value_type (node) == G_TYPE_INT64)
    *out_value = (double) json_node_get_int (node);
  else
    return FALSE;

  return isfinite (*out_value);
}

/**
 * qm_plan_explain_parse_params:
 * @json: (nullable): a plan's parameters as the store keeps them
 * @params: (out): what could be read; @params->known is %FALSE when the
 *   service level or the window is missing
 */
void
qm_plan_explain_parse_params (const char          *json,
                              QmPlanExplainParams *params)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  JsonNode *node;
  double window = 0;
  gint64 cost = 0;

  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
  if (json == NULL || *json == '\0')
    return;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return;

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  object = json_node_get_object (node);

  if (!double_member (object, "service_level", &params->service_level) ||
      !double_member (object, "window_days", &window) ||
      !double_member (object, "z", &params->z))
    return;

  params->window_days = (int) window;
  node = json_object_get_member (object, "eoq");
  params->eoq = node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
                json_node_get_boolean (node);
  if (qm_json_int_member (object, "ordering_cost_e4", &cost))
    params->ordering_cost_e4 = cost;
  double_member (object, "holding_rate", &params->holding_rate);
  double_member (object, "transfer_days_of_cover", &params->transfer_days_of_cover);
  params->known = TRUE;
}

/**
 * qm_plan_explain_params:
 *
 * Returns: (transfer full): the settings of a plan in a sentence, or
 *   %NULL when they are not known
 */
char *
qm_plan_explain_params (const QmPlanExplainParams *params)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (params == NULL || !params->known)
    return NULL;

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                             "This plan was made for a %.1f %% service level "
                                             "(z = %.3f), from demand over %d day",
                                             "This plan was made for a %.1f %% service level "
                                             "(z = %.3f), from demand over %d days",
                                             params->window_days),
                          100.0 * params->service_level, params->z, params->window_days);
  if (params->eoq)
    g_string_append_printf (text, _(", in economic order quantities (ordering cost %.2f, "
                                    "holding cost %.1f %% a year)"),
                            params->ordering_cost_e4 / 10000.0, 100.0 * params->holding_rate);
  if (params->transfer_days_of_cover > 0)
    {
      g_autofree char *days = qm_plan_format_units (params->transfer_days_of_cover);

      g_string_append_printf (text, _(", with transfers from warehouses above %s days of cover"),
                              days);
    }
  else
    {
      g_string_append (text, _(", without transfers between warehouses"));
    }
  g_string_append_c (text, '.');

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * qm_plan_format_units:
 *
 * Returns: (transfer full): @units with two decimals, or as a whole
 *   number when it is one
 */
char *
qm_plan_format_units (double units)
{
  if (isinf (units))
    return g_strdup ("∞");

  if (fabs (units - round (units)) < 0.005)
    return g_strdup_printf ("%'.0f", round (units));

  return g_strdup_printf ("%'.2f", units);
}

/**
 * qm_plan_explain_kind:
 *
 * Returns: (transfer full): “Purchase” or “Transfer from WH-EAST”
 */
char *
qm_plan_explain_kind (const QmPlanLine *line)
{
  g_return_val_if_fail (line != NULL, NULL);

  if (line->kind == QM_PLAN_LINE_TRANSFER)
    /* Translators: %s is the warehouse the units come from */
    return g_strdup_printf (_("Transfer from %s"),
                            line->from_warehouse_id ? line->from_warehouse_id : "?");

  return g_strdup (_("Purchase"));
}

/**
 * qm_plan_explain_order_state:
 *
 * Returns: (transfer full): where the line's order stands, in a few words
 */
char *
qm_plan_explain_order_state (const QmPlanLine *line)
{
  g_return_val_if_fail (line != NULL, NULL);

  switch (line->order_state)
    {
    case QM_ORDER_STATE_NONE:
      return g_strdup (_("Not sent"));
    case QM_ORDER_STATE_PENDING:
      return g_strdup (_("Waiting for an answer"));
    case QM_ORDER_STATE_ACCEPTED:
      if (line->order_id != NULL)
        /* Translators: %s is the warehouse's order id, e.g. PO-77 */
        return g_strdup_printf (_("Accepted as %s"), line->order_id);
      return g_strdup (_("Accepted"));
    case QM_ORDER_STATE_REJECTED:
      return g_strdup (_("Rejected"));
    default:
      return g_strdup ("");
    }
}

/* The normal distribution's cumulative probability. */
static double
normal_cdf (double z)
{
  return 0.5 * erfc (-z / G_SQRT2);
}

/* The plan keeps its levels but not its service level: z is read back
 * from the safety stock (or the order-up-to level) where the demand
 * varies; without variation z plays no part. */
static gboolean
recover_z (const QmPlanLine *line,
           double           *out_z)
{
  int rl = line->review_period_days + line->lead_time_days;

  if (line->demand_sd <= 0)
    return FALSE;

  if (line->lead_time_days > 0)
    {
      *out_z = line->safety_stock / (line->demand_sd * sqrt (line->lead_time_days));
      return TRUE;
    }

  if (rl > 0)
    {
      *out_z = (line->order_up_to - line->avg_daily_demand * rl) /
               (line->demand_sd * sqrt (rl));
      return TRUE;
    }

  return FALSE;
}

static void
paragraph (GString    *text,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
paragraph (GString    *text,
           const char *format,
           ...)
{
  va_list args;

  if (text->len > 0)
    g_string_append_c (text, '\n');

  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);
}

/**
 * qm_plan_explain_line:
 * @line: a plan line
 * @params: (nullable): the plan's settings, if known
 * @warehouse_name: (nullable): the name of the line's warehouse
 * @from_name: (nullable): the name of a transfer's source
 *
 * Returns: (transfer full): how the line's suggestion came about, as
 *   paragraphs of plain text
 */
char *
qm_plan_explain_line (const QmPlanLine          *line,
                      const QmPlanExplainParams *params,
                      const char                *warehouse_name,
                      const char                *from_name)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *d = NULL, *sd = NULL, *ss = NULL, *rop = NULL, *s = NULL;
  g_autofree char *cover = NULL;
  guint flags;
  double z = 0;
  gboolean have_z;
  gint64 s_units;
  gint64 pack;

  g_return_val_if_fail (line != NULL, NULL);

  flags = line->flags;
  if (warehouse_name == NULL || *warehouse_name == '\0')
    warehouse_name = line->warehouse_id;
  if (from_name == NULL || *from_name == '\0')
    from_name = line->from_warehouse_id != NULL ? line->from_warehouse_id : "?";

  d = qm_plan_format_units (line->avg_daily_demand);
  sd = qm_plan_format_units (line->demand_sd);
  ss = qm_plan_format_units (line->safety_stock);
  rop = qm_plan_format_units (line->reorder_point);
  s = qm_plan_format_units (line->order_up_to);
  s_units = (gint64) ceil (line->order_up_to - 1e-9);
  pack = line->pack_size > 1 ? line->pack_size : 1;

  /* 1. Demand */
  if (flags & QM_PLAN_FLAG_NO_HISTORY)
    paragraph (text, _("Demand: this SKU was first seen in %s today, so there are no sales "
                       "to plan from yet and nothing is suggested. It will be planned once it "
                       "has a sales history."),
               warehouse_name);
  else if (flags & QM_PLAN_FLAG_RETURNS_EXCEED_SALES)
    paragraph (text, _("Demand: customers returned more units than were sold over the demand "
                       "window, so the net demand counts as 0 a day (d = 0, sd = 0): there is "
                       "no demand to protect and the levels below are all 0."));
  else if (flags & QM_PLAN_FLAG_NO_DEMAND)
    paragraph (text, _("Demand: nothing was sold, net of customer returns, over the demand "
                       "window (d = 0, sd = 0), so the levels below are all 0."));
  else if (params != NULL && params->known)
    paragraph (text, g_dngettext (GETTEXT_PACKAGE,
                                  "Demand: over the last %d day, sales less customer returns "
                                  "averaged d = %s units a day, with a standard deviation of "
                                  "sd = %s units a day from one day to the next.",
                                  "Demand: over the last %d days, sales less customer returns "
                                  "averaged d = %s units a day, with a standard deviation of "
                                  "sd = %s units a day from one day to the next.",
                                  params->window_days),
               params->window_days, d, sd);
  else
    paragraph (text, _("Demand: over the demand window, sales less customer returns averaged "
                       "d = %s units a day, with a standard deviation of sd = %s units a day "
                       "from one day to the next."),
               d, sd);

  if (flags & QM_PLAN_FLAG_SHORT_HISTORY)
    paragraph (text, _("The SKU has been sold here for fewer days than the window, so the "
                       "average is taken over the days it existed."));

  /* 2. Times and service level */
  paragraph (text, _("Lead time L = %d days (from ordering to having the goods); review "
                     "period R = %d days (until the next plan)."),
             line->lead_time_days, line->review_period_days);

  if (params != NULL && params->known)
    {
      z = params->z;
      have_z = line->demand_sd > 0;
    }
  else
    {
      have_z = recover_z (line, &z);
    }
  if (have_z)
    paragraph (text, _("Service level %.1f %%: the chance that stock lasts until the next "
                       "delivery. It gives z = %.3f, the standard normal quantile."),
               params != NULL && params->known ? 100.0 * params->service_level
                                               : 100.0 * normal_cdf (z), z);
  else if (line->avg_daily_demand > 0)
    paragraph (text, _("The demand did not vary from day to day (sd = 0), so no safety stock "
                       "is needed whatever the service level."));

  /* 3. Levels */
  if (line->avg_daily_demand > 0)
    {
      if (have_z)
        {
          g_autofree char *zs = g_strdup_printf ("%.3f", z);

          paragraph (text, _("Safety stock SS = z × sd × √L = %s × %s × √%d = %s units: "
                             "the cushion against late deliveries and busy days."),
                     zs, sd, line->lead_time_days, ss);
          paragraph (text, _("Reorder point ROP = d × L + SS = %s × %d + %s = %s units: "
                             "below this an order is due."),
                     d, line->lead_time_days, ss, rop);
          paragraph (text, _("Order-up-to level S = d × (R + L) + z × sd × √(R + L) = "
                             "%s × %d + %s × %s × √%d = %s, rounded up to %'" G_GINT64_FORMAT
                             " units: what the warehouse should have after an order arrives."),
                     d, line->review_period_days + line->lead_time_days, zs, sd,
                     line->review_period_days + line->lead_time_days, s, s_units);
        }
      else
        {
          paragraph (text, _("Safety stock SS = 0. Reorder point ROP = d × L = %s × %d = %s "
                             "units: below this an order is due."),
                     d, line->lead_time_days, rop);
          paragraph (text, _("Order-up-to level S = d × (R + L) = %s × %d = %s, rounded up to "
                             "%'" G_GINT64_FORMAT " units."),
                     d, line->review_period_days + line->lead_time_days, s, s_units);
        }
    }

  /* 4. Position */
  if (line->on_hand == line->qualified)
    paragraph (text, _("Position = qualified + pending inspection + on order = %'" G_GINT64_FORMAT
                       " + 0 + %'" G_GINT64_FORMAT " = %'" G_GINT64_FORMAT " units."),
               line->qualified, line->on_order, line->qualified + line->on_order);
  else
    paragraph (text, _("Position = qualified + pending inspection + on order. The warehouse "
                       "holds %'" G_GINT64_FORMAT " units, %'" G_GINT64_FORMAT " of them "
                       "qualified; the other %'" G_GINT64_FORMAT " are pending inspection "
                       "(which counts) or defective or going back to the supplier (which do "
                       "not). With %'" G_GINT64_FORMAT " on order, the position is between "
                       "%'" G_GINT64_FORMAT " and %'" G_GINT64_FORMAT " units."),
               line->on_hand, line->qualified, line->on_hand - line->qualified, line->on_order,
               line->qualified + line->on_order, line->on_hand + line->on_order);

  if (flags & QM_PLAN_FLAG_BELOW_REORDER_POINT)
    paragraph (text, _("The position is below the reorder point, so an order is due now."));

  /* 5. The suggestion */
  if (line->kind == QM_PLAN_LINE_TRANSFER)
    {
      g_autofree char *limit = params != NULL && params->known
                               ? qm_plan_format_units (params->transfer_days_of_cover)
                               : g_strdup (_("the plan’s limit"));

      paragraph (text, _("Transfer: %s holds more of this SKU than it needs (more than %s "
                         "days of cover, and a position above its own order-up-to level), "
                         "while %s is below its reorder point. So "
                         "%'" G_GINT64_FORMAT " units are to come from %s instead of being "
                         "bought, in whole packs; the purchase line of this SKU covers the "
                         "rest."),
                 from_name, limit, warehouse_name, line->suggested_quantity, from_name);
    }
  else
    {
      if (flags & QM_PLAN_FLAG_NO_EOQ)
        paragraph (text, _("Economic order quantities were asked for, but this SKU has no unit "
                           "cost to work out a holding cost from, so the order-up-to rule "
                           "was used."));

      if (flags & QM_PLAN_FLAG_EOQ)
        paragraph (text, _("Economic order quantity: while the position is at or above the "
                           "reorder point nothing is ordered; below it the suggestion is the "
                           "smallest multiple of the EOQ (√(2 × yearly demand × ordering cost "
                           "÷ holding cost)) that brings the position back to the reorder "
                           "point."));
      else if (line->suggested_uncapped > 0 && line->on_hand == line->qualified)
        paragraph (text, _("Order up to S: the need is S less the position, never below 0: "
                           "%'" G_GINT64_FORMAT " − %'" G_GINT64_FORMAT " = %'" G_GINT64_FORMAT
                           "."),
                   s_units, line->qualified + line->on_order,
                   MAX (0, s_units - (line->qualified + line->on_order)));
      else if (line->suggested_uncapped > 0)
        paragraph (text, _("Order up to S: the need is S less the position, never below 0."));
      else if (line->avg_daily_demand > 0)
        paragraph (text, _("The position already reaches the order-up-to level: nothing needs "
                           "to be bought."));

      if (pack > 1)
        paragraph (text, _("Packs of %'" G_GINT64_FORMAT " units: the need is rounded up to "
                           "whole packs, %'" G_GINT64_FORMAT " units before the capacity "
                           "check."),
                   pack, line->suggested_uncapped);
      else if (line->suggested_uncapped > 0)
        paragraph (text, _("Before the capacity check: %'" G_GINT64_FORMAT " units."),
                   line->suggested_uncapped);

      if (flags & QM_PLAN_FLAG_TRANSFER_IN)
        paragraph (text, _("Part of the need comes from another warehouse: see this SKU’s "
                           "transfer line. This purchase line is what is left to buy."));
    }

  if (flags & QM_PLAN_FLAG_TRANSFER_OUT)
    paragraph (text, _("%s has more than it needs of this SKU and gives some of it to other "
                       "warehouses (see their transfer lines)."),
               warehouse_name);

  /* 6. Capacity */
  if (line->capacity_capped)
    paragraph (text, _("Capacity cut: with everything on order received, %s would have held "
                       "more than its capacity. Lines are served in order of fewest days of "
                       "cover first, and this one was cut from %'" G_GINT64_FORMAT " to "
                       "%'" G_GINT64_FORMAT " units (down to whole packs)."),
               warehouse_name, line->suggested_uncapped, line->suggested_quantity);

  paragraph (text, _("Suggested: %'" G_GINT64_FORMAT " units."), line->suggested_quantity);

  cover = qm_plan_format_units (line->days_of_cover);
  if (isinf (line->days_of_cover))
    paragraph (text, _("Days of cover: without demand, the qualified stock lasts indefinitely."));
  else
    paragraph (text, _("Days of cover: qualified stock ÷ d = %s days."), cover);

  /* 7. The planner */
  if (line->edit_reason != NULL)
    paragraph (text, _("Approved quantity changed to %'" G_GINT64_FORMAT " (suggested "
                       "%'" G_GINT64_FORMAT "). Reason given: “%s”."),
               line->approved_quantity, line->suggested_quantity, line->edit_reason);

  switch (line->order_state)
    {
    case QM_ORDER_STATE_ACCEPTED:
      if (line->order_id != NULL)
        paragraph (text, _("The warehouse accepted the order as %s."), line->order_id);
      else
        paragraph (text, _("The warehouse accepted the order."));
      break;
    case QM_ORDER_STATE_REJECTED:
      paragraph (text, _("The warehouse rejected the order: %s"),
                 line->order_error ? line->order_error : _("it gave no reason."));
      break;
    case QM_ORDER_STATE_PENDING:
      if (line->order_error != NULL)
        paragraph (text, _("The order was sent but no answer came back (%s). Push again: it "
                           "is sent with the same key, so the warehouse will not create it "
                           "twice."),
                   line->order_error);
      else
        paragraph (text, _("The order is being sent."));
      break;
    case QM_ORDER_STATE_NONE:
    default:
      break;
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
