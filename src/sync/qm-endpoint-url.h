/* qm-endpoint-url.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  qm_endpoint_url_is_loopback_host (const char  *host);
char     *qm_endpoint_url_check            (const char  *url,
                                            gboolean     allow_insecure,
                                            GError     **error);
char     *qm_endpoint_url_resolve          (const char  *base_url,
                                            const char  *path);

G_END_DECLS
