/* qm-error.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qm-error.h"

G_DEFINE_QUARK (qm-error-quark, qm_error)
