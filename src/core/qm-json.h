/* qm-json.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed reads of an object's member that never warn. json-glib's own
 * json_object_get_*_member_with_default() raise a critical when the member
 * holds an object, an array or null; anything read from a file or the
 * network goes through these instead.
 */
const char *qm_json_string_member (JsonObject *object,
                                   const char *name);
const char *qm_json_string_member_or (JsonObject *object,
                                      const char *name,
                                      const char *fallback);
gboolean    qm_json_int_member    (JsonObject *object,
                                   const char *name,
                                   gint64     *out_value);
gint64      qm_json_int_member_or (JsonObject *object,
                                   const char *name,
                                   gint64      fallback);

G_END_DECLS
