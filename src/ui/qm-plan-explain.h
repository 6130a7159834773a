/* qm-plan-explain.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "qm-store-procurement.h"

G_BEGIN_DECLS

/* The settings a plan was generated with, as far as the cache says. */
typedef struct
{
  gboolean known;
  int      window_days;
  double   service_level;     /* 0..1 */
  double   z;
  gboolean eoq;
  gint64   ordering_cost_e4;
  double   holding_rate;      /* a year, fraction of the unit cost */
  double   transfer_days_of_cover;
} QmPlanExplainParams;

void  qm_plan_explain_parse_params (const char          *json,
                                    QmPlanExplainParams *params);
char *qm_plan_explain_params       (const QmPlanExplainParams *params);
char *qm_plan_explain_line         (const QmPlanLine          *line,
                                    const QmPlanExplainParams *params,
                                    const char                *warehouse_name,
                                    const char                *from_name);
char *qm_plan_explain_kind         (const QmPlanLine *line);
char *qm_plan_explain_order_state  (const QmPlanLine *line);
char *qm_plan_format_units         (double            units);

G_END_DECLS
