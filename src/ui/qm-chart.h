/* qm-chart.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qm-types.h"

G_BEGIN_DECLS

/**
 * QmChartMode:
 * @QM_CHART_MODE_BARS: stacked bars of stock by status per warehouse,
 *   each against a marker of its capacity
 * @QM_CHART_MODE_TREND: a line of units on hand at the end of each day
 */
typedef enum
{
  QM_CHART_MODE_BARS,
  QM_CHART_MODE_TREND,
} QmChartMode;

#define QM_TYPE_CHART_MODE (qm_chart_mode_get_type ())
GType qm_chart_mode_get_type (void) G_GNUC_CONST;

#define QM_TYPE_CHART (qm_chart_get_type ())

G_DECLARE_FINAL_TYPE (QmChart, qm_chart, QM, CHART, GtkWidget)

GtkWidget   *qm_chart_new        (QmChartMode   mode);
QmChartMode  qm_chart_get_mode   (QmChart      *self);
void         qm_chart_set_mode   (QmChart      *self,
                                  QmChartMode   mode);
void         qm_chart_clear_bars (QmChart      *self);
void         qm_chart_add_bar    (QmChart      *self,
                                  const char   *label,
                                  const char   *title,
                                  const gint64 *quantity,
                                  gint64        capacity);
void         qm_chart_set_trend  (QmChart      *self,
                                  const gint64 *values,
                                  guint         n_values,
                                  const char   *last_day);

G_END_DECLS
