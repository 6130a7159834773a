/* qm-sim-json.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Money is a gint64 of ten-thousandths of the currency unit. */
#define QM_SIM_MONEY_SCALE 10000

void      qm_sim_json_append_string    (GString    *out,
                                        const char *str);
void      qm_sim_json_append_money     (GString    *out,
                                        gint64      value);
void      qm_sim_json_append_timestamp (GString    *out,
                                        gint64      unix_seconds);
char     *qm_sim_format_money          (gint64      value);
char     *qm_sim_format_timestamp      (gint64      unix_seconds);
gboolean  qm_sim_parse_money           (const char *str,
                                        gint64     *value);
gboolean  qm_sim_parse_date            (const char *str,
                                        gint64     *unix_seconds);
guint     qm_sim_json_max_depth        (const char *data,
                                        gsize       length);
char     *qm_sim_problem_json          (guint       status,
                                        const char *slug,
                                        const char *title,
                                        const char *detail);

G_END_DECLS
