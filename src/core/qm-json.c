/* qm-json.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-json"

#include "config.h"

#include "qm-json.h"

static JsonNode *
value_member (JsonObject *object,
              const char *name)
{
  JsonNode *node;

  if (object == NULL || name == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  return node;
}

/**
 * qm_json_string_member:
 *
 * Returns: (nullable): the member's string, or %NULL when it is missing or
 *   holds anything but a string
 */
const char *
qm_json_string_member (JsonObject *object,
                       const char *name)
{
  JsonNode *node = value_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

const char *
qm_json_string_member_or (JsonObject *object,
                          const char *name,
                          const char *fallback)
{
  const char *value = qm_json_string_member (object, name);

  return value != NULL ? value : fallback;
}

/**
 * qm_json_int_member:
 *
 * Returns: %TRUE and the member's integer in @out_value when it holds an
 *   integer; %FALSE for anything else (a double, a string, an object…)
 */
gboolean
qm_json_int_member (JsonObject *object,
                    const char *name,
                    gint64     *out_value)
{
  JsonNode *node = value_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  if (out_value != NULL)
    *out_value = json_node_get_int (node);

  return TRUE;
}

gint64
qm_json_int_member_or (JsonObject *object,
                       const char *name,
                       gint64      fallback)
{
  gint64 value;

  return qm_json_int_member (object, name, &value) ? value : fallback;
}
