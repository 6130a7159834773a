/* qm-money.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Money is a gint64 count of ten-thousandths of the currency unit:
 * 12.5 is 125000, 0.0001 is 1. Never a double.
 */
#define QM_MONEY_SCALE      G_GINT64_CONSTANT (10000)
#define QM_MONEY_MAX_DIGITS 4

gboolean qm_money_parse                (const char  *text,
                                        gint64      *out_e4,
                                        GError     **error);
char    *qm_money_format               (gint64       e4,
                                        guint        digits);
gint64   qm_money_round_e4             (gint64       e4,
                                        guint        digits);
gboolean qm_money_mul_qty              (gint64       unit_e4,
                                        gint64       quantity,
                                        gint64      *out_e4,
                                        GError     **error);
gint64   qm_money_div_round_half_even  (gint64       numerator,
                                        gint64       denominator);
gboolean qm_money_moving_average       (gint64       qty_before,
                                        gint64       avg_before_e4,
                                        gint64       qty_in,
                                        gint64       cost_in_e4,
                                        gint64      *out_avg_e4,
                                        GError     **error);

G_END_DECLS
