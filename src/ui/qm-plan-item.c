/* qm-plan-item.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One line of a procurement plan as an object, made only for the rows on
 * screen: a reference to the table and an index, nothing copied.
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include "qm-plan-item.h"

struct _QmPlanItem
{
  GObject      parent_instance;

  QmPlanTable *table;
  guint        index;
};

G_DEFINE_FINAL_TYPE (QmPlanItem, qm_plan_item, G_TYPE_OBJECT)

/**
 * qm_plan_item_new:
 * @table: a plan's lines
 * @index: a line of @table
 *
 * Returns: (transfer full): a new row object
 */
QmPlanItem *
qm_plan_item_new (QmPlanTable *table,
                 guint        index)
{
  QmPlanItem *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (index < qm_plan_table_get_n_lines (table), NULL);

  self = g_object_new (QM_TYPE_PLAN_ITEM, NULL);
  self->table = qm_plan_table_ref (table);
  self->index = index;

  return self;
}

guint
qm_plan_item_get_index (QmPlanItem *self)
{
  g_return_val_if_fail (QM_IS_PLAN_ITEM (self), 0);

  return self->index;
}

const QmPlanLine *
qm_plan_item_get_line (QmPlanItem *self)
{
  g_return_val_if_fail (QM_IS_PLAN_ITEM (self), NULL);

  return qm_plan_table_get_line (self->table, self->index);
}

static void
qm_plan_item_finalize (GObject *object)
{
  QmPlanItem *self = (QmPlanItem *)object;

  g_clear_pointer (&self->table, qm_plan_table_unref);

  G_OBJECT_CLASS (qm_plan_item_parent_class)->finalize (object);
}

static void
qm_plan_item_class_init (QmPlanItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qm_plan_item_finalize;
}

static void
qm_plan_item_init (QmPlanItem *self)
{
}
