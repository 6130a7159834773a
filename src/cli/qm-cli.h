/* qm-cli.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int qm_cli_run (int    argc,
                char **argv);

G_END_DECLS
