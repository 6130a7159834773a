/* qm-plan-model.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-plan-table.h"

G_BEGIN_DECLS

#define QM_TYPE_PLAN_MODEL (qm_plan_model_get_type ())

G_DECLARE_FINAL_TYPE (QmPlanModel, qm_plan_model, QM, PLAN_MODEL, GObject)

QmPlanModel *qm_plan_model_new          (void);
QmPlanTable *qm_plan_model_get_table    (QmPlanModel       *self);
void         qm_plan_model_set_table    (QmPlanModel       *self,
                                         QmPlanTable       *table);
void         qm_plan_model_update_table (QmPlanModel       *self,
                                         QmPlanTable       *table);
void         qm_plan_model_set_query    (QmPlanModel       *self,
                                         const QmPlanQuery *query);
gboolean     qm_plan_model_get_busy     (QmPlanModel       *self);
guint        qm_plan_model_get_index    (QmPlanModel       *self,
                                         guint              position);
guint        qm_plan_model_find_index   (QmPlanModel       *self,
                                         guint              index);

G_END_DECLS
