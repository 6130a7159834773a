/* qm-report.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-csv.h"
#include "qm-store.h"

G_BEGIN_DECLS

typedef enum
{
  QM_REPORT_FORMAT_CSV,
  QM_REPORT_FORMAT_JSON,
  QM_REPORT_FORMAT_TABLE,
} QmReportFormat;

gboolean qm_report_format_from_string (const char      *text,
                                       QmReportFormat  *out_format);
gboolean qm_report_day_range          (const char      *from_day,
                                       const char      *to_day,
                                       const char      *time_zone,
                                       char           **out_from_at,
                                       char           **out_to_at,
                                       GError         **error);
gboolean qm_report_write_stock        (QmStore         *store,
                                       QmReportFormat   format,
                                       QmCsvFlags       flags,
                                       GOutputStream   *stream,
                                       GCancellable    *cancellable,
                                       GError         **error);
gboolean qm_report_write_audit        (QmStore         *store,
                                       const char      *from_at,
                                       const char      *to_at,
                                       QmReportFormat   format,
                                       QmCsvFlags       flags,
                                       GOutputStream   *stream,
                                       GCancellable    *cancellable,
                                       GError         **error);

G_END_DECLS
