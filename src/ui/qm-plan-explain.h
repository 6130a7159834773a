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

char *qm_plan_explain_line         (const QmPlanLine *line,
                                    const char       *warehouse_name,
                                    const char       *from_name);
char *qm_plan_explain_kind         (const QmPlanLine *line);
char *qm_plan_explain_order_state  (const QmPlanLine *line);
char *qm_plan_format_units         (double            units);

G_END_DECLS
