/* qm-token.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  qm_token_check_file     (const char    *path,
                                   GError       **error);
char     *qm_token_read_file      (const char    *path,
                                   GError       **error);
char     *qm_token_lookup_keyring (const char    *url,
                                   GCancellable  *cancellable,
                                   GError       **error);
gboolean  qm_token_store_keyring  (const char    *url,
                                   const char    *token,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
