/* qm-report-model.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-report-preview.h"

G_BEGIN_DECLS

#define QM_TYPE_REPORT_ROW (qm_report_row_get_type ())

G_DECLARE_FINAL_TYPE (QmReportRow, qm_report_row, QM, REPORT_ROW, GObject)

const char *qm_report_row_get_cell (QmReportRow *self,
                                    guint        column);

#define QM_TYPE_REPORT_MODEL (qm_report_model_get_type ())

G_DECLARE_FINAL_TYPE (QmReportModel, qm_report_model, QM, REPORT_MODEL, GObject)

QmReportModel   *qm_report_model_new         (void);
QmReportPreview *qm_report_model_get_preview (QmReportModel   *self);
void             qm_report_model_set_preview (QmReportModel   *self,
                                              QmReportPreview *preview);

G_END_DECLS
