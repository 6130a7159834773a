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

/* What an exported CSV holds: its data rows and the SHA-256 of its bytes. */
typedef struct
{
  guint64 rows;
  char    sha256[65];
} QmReportDigest;

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

gboolean qm_report_write_allocation     (QmStore               *store,
                                         gint64                 now,
                                         const char            *sku,
                                         QmReportFormat         format,
                                         QmCsvFlags             flags,
                                         GOutputStream         *stream,
                                         QmReportDigest        *out_digest,
                                         GCancellable          *cancellable,
                                         GError               **error);
gboolean qm_report_write_ledger         (QmStore               *store,
                                         const char            *from_at,
                                         const char            *to_at,
                                         QmReportFormat         format,
                                         QmCsvFlags             flags,
                                         GOutputStream         *stream,
                                         QmReportDigest        *out_digest,
                                         GCancellable          *cancellable,
                                         GError               **error);
gboolean qm_report_write_valuation      (QmStore               *store,
                                         const char            *at,
                                         QmReportFormat         format,
                                         QmCsvFlags             flags,
                                         GOutputStream         *stream,
                                         QmReportDigest        *out_digest,
                                         GCancellable          *cancellable,
                                         GError               **error);
gboolean qm_report_write_summary        (QmStore               *store,
                                         const char            *at,
                                         QmReportFormat         format,
                                         QmCsvFlags             flags,
                                         GOutputStream         *stream,
                                         QmReportDigest        *out_digest,
                                         GCancellable          *cancellable,
                                         GError               **error);
gboolean qm_report_write_reconciliation (QmStore               *store,
                                         QmReportFormat         format,
                                         QmCsvFlags             flags,
                                         GOutputStream         *stream,
                                         QmReportDigest        *out_digest,
                                         GCancellable          *cancellable,
                                         GError               **error);

gboolean qm_report_month_range          (const char            *month,
                                         const char            *time_zone,
                                         char                 **out_from_at,
                                         char                 **out_to_at,
                                         GError               **error);
gboolean qm_report_close_period         (QmStore               *store,
                                         const char            *month,
                                         const char            *time_zone,
                                         const char            *user,
                                         GError               **error);

char    *qm_report_manifest_path        (const char            *csv_path);
gboolean qm_report_digest_file          (const char            *path,
                                         QmReportDigest        *out_digest,
                                         GError               **error);
gboolean qm_report_write_manifest       (QmStore               *store,
                                         const char            *csv_path,
                                         const char            *report,
                                         const char * const    *parameters,
                                         const QmReportDigest  *digest,
                                         GError               **error);
gboolean qm_report_verify               (const char            *csv_path,
                                         QmReportDigest        *out_digest,
                                         GError               **error);

/* Procurement plans (see qm-store-procurement.h) */
char    *qm_report_format_fixed         (double                 value,
                                         guint                  digits);
gboolean qm_report_write_plan           (QmStore               *store,
                                         gint64                 plan_id,
                                         QmReportFormat         format,
                                         QmCsvFlags             flags,
                                         GOutputStream         *stream,
                                         QmReportDigest        *out_digest,
                                         GCancellable          *cancellable,
                                         GError               **error);

G_END_DECLS
