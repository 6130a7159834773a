/* qm-sim-fault.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <string.h>

#include "qm-error.h"
#include "qm-sim-fault.h"
#include "qm-sim-json.h"

static const struct {
  const char *name;
  const char *alias;
  gint64      default_value;
  gboolean    numeric;
} fault_info[QM_SIM_N_FAULTS] = {
  [QM_SIM_FAULT_LATENCY] = { "latency", NULL, 2000, TRUE },
  [QM_SIM_FAULT_DROP] = { "drop", NULL, -1, TRUE },
  [QM_SIM_FAULT_TRUNCATE] = { "truncate", "truncated", 0, FALSE },
  [QM_SIM_FAULT_MALFORMED] = { "malformed", NULL, 0, FALSE },
  [QM_SIM_FAULT_WRONG_TYPES] = { "wrong-types", NULL, 0, FALSE },
  [QM_SIM_FAULT_UNKNOWN_KIND] = { "unknown-kind", NULL, 0, FALSE },
  [QM_SIM_FAULT_INVALID_SKU] = { "invalid-sku", NULL, 0, FALSE },
  [QM_SIM_FAULT_DEEP_NESTING] = { "deep-nesting", "deep", 100000, TRUE },
  [QM_SIM_FAULT_OVERSIZED] = { "oversized", "huge", 64 * 1024 * 1024, TRUE },
  [QM_SIM_FAULT_TRICKLE] = { "trickle", NULL, 2000, TRUE },
  [QM_SIM_FAULT_HTTP_500] = { "500", "http-500", 0, FALSE },
  [QM_SIM_FAULT_HTTP_503] = { "503", "http-503", 2, TRUE },
  [QM_SIM_FAULT_HTTP_429] = { "429", "http-429", 2, TRUE },
  [QM_SIM_FAULT_EXPIRED_TOKEN] = { "expired-token", "410", 0, FALSE },
  [QM_SIM_FAULT_RESTART] = { "restart", NULL, 100, TRUE },
  [QM_SIM_FAULT_WRONG_TOKEN] = { "wrong-token", NULL, 0, FALSE },
};

const char *
qm_sim_fault_kind_to_string (QmSimFaultKind kind)
{
  g_return_val_if_fail (kind < QM_SIM_N_FAULTS, NULL);
  return fault_info[kind].name;
}

gboolean
qm_sim_fault_kind_from_string (const char     *str,
                               QmSimFaultKind *kind)
{
  for (guint i = 0; i < QM_SIM_N_FAULTS; i++)
    if (g_strcmp0 (str, fault_info[i].name) == 0 ||
        (fault_info[i].alias != NULL && g_strcmp0 (str, fault_info[i].alias) == 0))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

/**
 * qm_sim_fault_new:
 * @kind: what goes wrong
 * @param: (nullable): the fault's parameter, see #QmSimFaultKind
 *
 * Returns: (transfer full): a fault affecting every request until cleared
 */
QmSimFault *
qm_sim_fault_new (QmSimFaultKind   kind,
                  const char      *param,
                  GError         **error)
{
  g_autoptr(QmSimFault) fault = NULL;

  g_return_val_if_fail (kind < QM_SIM_N_FAULTS, NULL);

  fault = g_new0 (QmSimFault, 1);
  fault->kind = kind;
  fault->value = fault_info[kind].default_value;
  fault->count = kind == QM_SIM_FAULT_RESTART ? 1 : 0;

  if (param != NULL && *param != '\0')
    {
      fault->param = g_strdup (param);

      if (fault_info[kind].numeric)
        {
          guint64 v;

          if (!g_ascii_string_to_unsigned (param, 10, 0, G_MAXINT64, &v, NULL))
            {
              g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                           "Fault “%s” takes a whole number, not “%s”",
                           fault_info[kind].name, param);
              return NULL;
            }
          fault->value = (gint64) v;
        }
      else if (kind != QM_SIM_FAULT_WRONG_TOKEN)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "Fault “%s” takes no parameter", fault_info[kind].name);
          return NULL;
        }
    }

  if (kind == QM_SIM_FAULT_WRONG_TOKEN && fault->param == NULL)
    fault->param = g_strdup ("rotated-token");

  return g_steal_pointer (&fault);
}

/**
 * qm_sim_fault_parse:
 * @spec: `KIND[:PARAM][,count=N][,after=N][,path=P]`, e.g.
 *   `503:5,count=2,path=v1/stock`
 *
 * Returns: (transfer full): the fault, or %NULL with @error set
 */
QmSimFault *
qm_sim_fault_parse (const char  *spec,
                    GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, ",", -1);
  g_autoptr(QmSimFault) fault = NULL;
  g_autofree char *name = NULL;
  const char *colon;
  QmSimFaultKind kind;

  if (parts[0] == NULL || *parts[0] == '\0')
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT, "Empty fault");
      return NULL;
    }

  colon = strchr (parts[0], ':');
  name = colon ? g_strndup (parts[0], colon - parts[0]) : g_strdup (parts[0]);
  if (!qm_sim_fault_kind_from_string (name, &kind))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Unknown fault “%s”; see --help-faults", name);
      return NULL;
    }

  fault = qm_sim_fault_new (kind, colon ? colon + 1 : NULL, error);
  if (fault == NULL)
    return NULL;

  for (guint i = 1; parts[i] != NULL; i++)
    {
      guint64 v;

      if (g_str_has_prefix (parts[i], "path="))
        {
          qm_sim_fault_set_path (fault, parts[i] + 5);
        }
      else if (g_str_has_prefix (parts[i], "count=") &&
               g_ascii_string_to_unsigned (parts[i] + 6, 10, 0, G_MAXUINT, &v, NULL))
        {
          fault->count = (guint) v;
        }
      else if (g_str_has_prefix (parts[i], "after=") &&
               g_ascii_string_to_unsigned (parts[i] + 6, 10, 0, G_MAXUINT, &v, NULL))
        {
          fault->after = (guint) v;
        }
      else
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       "Cannot read “%s” in fault “%s”: use count=N, after=N or path=P",
                       parts[i], spec);
          return NULL;
        }
    }

  return g_steal_pointer (&fault);
}

QmSimFault *
qm_sim_fault_copy (const QmSimFault *fault)
{
  QmSimFault *copy = g_memdup2 (fault, sizeof *fault);

  copy->param = g_strdup (fault->param);
  copy->path = g_strdup (fault->path);
  return copy;
}

void
qm_sim_fault_free (QmSimFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->param);
  g_free (fault->path);
  g_free (fault);
}

void
qm_sim_fault_set_path (QmSimFault *fault,
                       const char *path)
{
  while (path != NULL && *path == '/')
    path++;
  g_free (fault->path);
  fault->path = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
}

/* @path is relative to the base URL, without a leading slash. */
gboolean
qm_sim_fault_matches_path (const QmSimFault *fault,
                           const char       *path)
{
  return fault->path == NULL || g_str_has_prefix (path, fault->path);
}

void
qm_sim_fault_append_json (const QmSimFault *fault,
                          GString          *out)
{
  g_string_append (out, "{\"fault\":");
  qm_sim_json_append_string (out, fault_info[fault->kind].name);
  g_string_append (out, ",\"param\":");
  if (fault->kind == QM_SIM_FAULT_WRONG_TOKEN)
    g_string_append (out, "\"(hidden)\"");
  else if (fault_info[fault->kind].numeric)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, fault->value);
  else
    g_string_append (out, "null");
  g_string_append_printf (out, ",\"count\":%u,\"after\":%u,\"path\":", fault->count, fault->after);
  qm_sim_json_append_string (out, fault->path);
  g_string_append (out, "}");
}

const char *
qm_sim_fault_get_help (void)
{
  return
    "Faults (--fault WH-ID=SPEC, or POST /control/fault):\n"
    "  SPEC is KIND[:PARAM][,count=N][,after=N][,path=PREFIX]\n"
    "    count=N   affect N requests, then go away (0, the default: until cleared;\n"
    "              restart defaults to 1)\n"
    "    after=N   let N matching requests through first\n"
    "    path=P    only requests whose path starts with P (e.g. v1/stock)\n"
    "  latency:MS        answer after MS milliseconds (default 2000)\n"
    "  drop[:BYTES]      send BYTES of the body (default half), then close the connection\n"
    "  truncate          a complete HTTP answer holding only the first half of the JSON\n"
    "  malformed         a complete answer whose JSON does not parse\n"
    "  wrong-types       quantities, seqs and sizes as JSON strings\n"
    "  unknown-kind      one movement of a v1/movements page has kind \"teleport\"\n"
    "  invalid-sku       one movement of a v1/movements page has a sku with a control character\n"
    "  deep-nesting[:N]  a body of N nested arrays (default 100000)\n"
    "  oversized[:BYTES] valid JSON of BYTES bytes, streamed (default 64 MiB)\n"
    "  trickle[:MS]      send the body one byte every MS milliseconds (default 2000)\n"
    "  500               Internal Server Error\n"
    "  503[:SECONDS]     Service Unavailable with Retry-After (default 2)\n"
    "  429[:SECONDS]     Too Many Requests with Retry-After (default 2)\n"
    "  expired-token     410 Gone for a request carrying a page_token\n"
    "  restart[:N]       the site forgets its newest N movements (default 100); last_seq drops\n"
    "  wrong-token[:TOK] the site expects another token (default \"rotated-token\")\n";
}
