/* qm-report-date-entry.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define QM_TYPE_REPORT_DATE_ENTRY (qm_report_date_entry_get_type ())

G_DECLARE_FINAL_TYPE (QmReportDateEntry, qm_report_date_entry, QM, REPORT_DATE_ENTRY, GtkWidget)

GtkWidget  *qm_report_date_entry_new       (void);
const char *qm_report_date_entry_get_text  (QmReportDateEntry *self);
void        qm_report_date_entry_set_text  (QmReportDateEntry *self,
                                            const char        *text);
void        qm_report_date_entry_set_error (QmReportDateEntry *self,
                                            const char        *message);
gboolean    qm_report_date_entry_is_valid  (QmReportDateEntry *self);

G_END_DECLS
