/* qm-csv.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _QmCsvWriter QmCsvWriter;

/**
 * QmCsvFlags:
 * @QM_CSV_FLAGS_NONE: plain UTF-8
 * @QM_CSV_FLAGS_BOM: start the output with a UTF-8 byte order mark (for Excel)
 */
typedef enum
{
  QM_CSV_FLAGS_NONE = 0,
  QM_CSV_FLAGS_BOM  = 1 << 0,
} QmCsvFlags;

QmCsvWriter *qm_csv_writer_new             (GOutputStream       *stream,
                                            QmCsvFlags           flags);
void         qm_csv_writer_set_cancellable (QmCsvWriter         *self,
                                            GCancellable        *cancellable);
gboolean     qm_csv_writer_add_text        (QmCsvWriter         *self,
                                            const char          *text,
                                            GError             **error);
gboolean     qm_csv_writer_add_text_len    (QmCsvWriter         *self,
                                            const char          *text,
                                            gssize               length,
                                            GError             **error);
void         qm_csv_writer_add_int64       (QmCsvWriter         *self,
                                            gint64               value);
void         qm_csv_writer_add_money       (QmCsvWriter         *self,
                                            gint64               e4,
                                            guint                digits);
void         qm_csv_writer_add_number      (QmCsvWriter         *self,
                                            const char          *number);
gboolean     qm_csv_writer_add_header      (QmCsvWriter         *self,
                                            const char * const  *columns,
                                            GError             **error);
gboolean     qm_csv_writer_end_row         (QmCsvWriter         *self,
                                            GError             **error);
gboolean     qm_csv_writer_close           (QmCsvWriter         *self,
                                            GCancellable        *cancellable,
                                            GError             **error);
guint64      qm_csv_writer_get_rows        (QmCsvWriter         *self);
const char  *qm_csv_writer_get_sha256      (QmCsvWriter         *self);
void         qm_csv_writer_free            (QmCsvWriter         *self);

char        *qm_csv_guard_text             (const char          *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmCsvWriter, qm_csv_writer_free)

G_END_DECLS
