/* qm-report-export.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-csv.h"
#include "qm-report.h"
#include "qm-report-preview.h"
#include "qm-store.h"

G_BEGIN_DECLS

typedef enum
{
  QM_REPORT_KIND_LEDGER,
  QM_REPORT_KIND_VALUATION,
  QM_REPORT_KIND_SUMMARY,
  QM_REPORT_KIND_RECONCILIATION,
  QM_REPORT_KIND_AUDIT,
} QmReportKind;

#define QM_REPORT_KIND_LAST QM_REPORT_KIND_AUDIT

/* Which report, for which days (YYYY-MM-DD in the company time zone). */
typedef struct
{
  QmReportKind  kind;
  char         *from_day;   /* ledger, audit: the first day */
  char         *to_day;     /* ledger, audit: the last day, inclusive */
  char         *at_day;     /* valuation, summary: the day whose end values */
} QmReportRequest;

const char      *qm_report_kind_to_string             (QmReportKind            kind);
gboolean         qm_report_kind_from_string           (const char             *text,
                                                       QmReportKind           *out_kind);
gboolean         qm_report_kind_has_period            (QmReportKind            kind);
gboolean         qm_report_kind_has_day               (QmReportKind            kind);

QmReportRequest *qm_report_request_new                (QmReportKind            kind,
                                                       const char             *from_day,
                                                       const char             *to_day,
                                                       const char             *at_day);
QmReportRequest *qm_report_request_copy               (const QmReportRequest  *self);
void             qm_report_request_free               (QmReportRequest        *self);
gboolean         qm_report_request_equal              (const QmReportRequest  *a,
                                                       const QmReportRequest  *b);
gboolean         qm_report_request_validate           (const QmReportRequest  *self,
                                                       GError                **error);
char            *qm_report_request_suggest_file_name  (const QmReportRequest  *self,
                                                       const char             *today);
char           **qm_report_request_manifest_parameters (const QmReportRequest *self,
                                                       const char             *time_zone,
                                                       gboolean                bom);
gboolean         qm_report_request_write              (const QmReportRequest  *self,
                                                       QmStore                *store,
                                                       QmCsvFlags              flags,
                                                       GOutputStream          *stream,
                                                       QmReportDigest         *out_digest,
                                                       gboolean               *out_has_digest,
                                                       GCancellable           *cancellable,
                                                       GError                **error);
QmReportPreview *qm_report_request_preview            (const QmReportRequest  *self,
                                                       QmStore                *store,
                                                       QmReportPreview        *preview,
                                                       GCancellable           *cancellable,
                                                       GError                **error);
gboolean         qm_report_request_export             (const QmReportRequest  *self,
                                                       QmStore                *store,
                                                       const char             *path,
                                                       QmCsvFlags              flags,
                                                       gsize                  *bytes_written,
                                                       QmReportDigest         *out_digest,
                                                       GCancellable           *cancellable,
                                                       GError                **error);

char            *qm_report_data_fingerprint           (QmStore                *store,
                                                       guint                  *out_n_warehouses,
                                                       GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmReportRequest, qm_report_request_free)

G_END_DECLS
