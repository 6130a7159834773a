/* qm-plan-item.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "qm-plan-table.h"

G_BEGIN_DECLS

#define QM_TYPE_PLAN_ITEM (qm_plan_item_get_type ())

G_DECLARE_FINAL_TYPE (QmPlanItem, qm_plan_item, QM, PLAN_ITEM, GObject)

QmPlanItem        *qm_plan_item_new       (QmPlanTable *table,
                                         guint        index);
guint             qm_plan_item_get_index (QmPlanItem   *self);
const QmPlanLine *qm_plan_item_get_line  (QmPlanItem   *self);

G_END_DECLS
