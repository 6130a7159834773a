/* qm-report-preview.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _QmReportPreview QmReportPreview;

QmReportPreview *qm_report_preview_new           (GError              **error);
QmReportPreview *qm_report_preview_ref           (QmReportPreview      *self);
void             qm_report_preview_unref         (QmReportPreview      *self);

GOutputStream   *qm_report_preview_get_stream    (QmReportPreview      *self);
guint64          qm_report_preview_get_progress  (QmReportPreview      *self);
gboolean         qm_report_preview_seal          (QmReportPreview      *self,
                                                  GError              **error);

guint64          qm_report_preview_get_n_rows    (QmReportPreview      *self);
guint64          qm_report_preview_get_size      (QmReportPreview      *self);
guint            qm_report_preview_get_n_columns (QmReportPreview      *self);
const char      *qm_report_preview_get_column    (QmReportPreview      *self,
                                                  guint                 column);
char           **qm_report_preview_get_row       (QmReportPreview      *self,
                                                  guint64               row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmReportPreview, qm_report_preview_unref)

G_END_DECLS
