/* qm-sim-json.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "qm-sim-json.h"

/* Appends @str as a JSON string (or null). UTF-8 passes through; control
 * characters, quotes and backslashes are escaped.
 */
void
qm_sim_json_append_string (GString    *out,
                           const char *str)
{
  if (str == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) str; *p; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

char *
qm_sim_format_money (gint64 value)
{
  guint64 magnitude = value < 0 ? (guint64) -(value + 1) + 1 : (guint64) value;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%04u",
                          value < 0 ? "-" : "",
                          magnitude / QM_SIM_MONEY_SCALE,
                          (guint) (magnitude % QM_SIM_MONEY_SCALE));
}

void
qm_sim_json_append_money (GString *out,
                          gint64   value)
{
  g_autofree char *str = qm_sim_format_money (value);

  g_string_append_c (out, '"');
  g_string_append (out, str);
  g_string_append_c (out, '"');
}

/* Howard Hinnant's days-to-civil, valid for the proleptic Gregorian
 * calendar; avoids a GDateTime allocation per movement.
 */
static void
civil_from_days (gint64  z,
                 gint64 *year,
                 guint  *month,
                 guint  *day)
{
  gint64 era, y;
  guint doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

char *
qm_sim_format_timestamp (gint64 unix_seconds)
{
  gint64 days = unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
  gint64 secs = unix_seconds - days * 86400;
  gint64 year;
  guint month, day;

  civil_from_days (days, &year, &month, &day);
  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02uT%02u:%02u:%02uZ",
                          year, month, day,
                          (guint) (secs / 3600), (guint) (secs / 60 % 60), (guint) (secs % 60));
}

void
qm_sim_json_append_timestamp (GString *out,
                              gint64   unix_seconds)
{
  g_autofree char *str = qm_sim_format_timestamp (unix_seconds);

  g_string_append_c (out, '"');
  g_string_append (out, str);
  g_string_append_c (out, '"');
}

/**
 * qm_sim_parse_money:
 * @str: a decimal such as "12.5" or "12.5000"
 * @value: (out): ten-thousandths
 *
 * Accepts a non-negative decimal with at most 4 fractional digits and at
 * most 12 integer digits; nothing else (no sign, exponent or spaces).
 */
gboolean
qm_sim_parse_money (const char *str,
                    gint64     *value)
{
  gint64 whole = 0;
  gint64 frac = 0;
  guint n_int = 0;
  guint n_frac = 0;
  const char *p = str;

  if (str == NULL)
    return FALSE;

  for (; g_ascii_isdigit (*p); p++)
    {
      if (++n_int > 12)
        return FALSE;
      whole = whole * 10 + (*p - '0');
    }
  if (n_int == 0)
    return FALSE;

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          if (++n_frac > 4)
            return FALSE;
          frac = frac * 10 + (*p - '0');
        }
      if (n_frac == 0)
        return FALSE;
    }
  if (*p != '\0')
    return FALSE;

  for (guint i = n_frac; i < 4; i++)
    frac *= 10;

  *value = whole * QM_SIM_MONEY_SCALE + frac;
  return TRUE;
}

/* Parses YYYY-MM-DD as midnight UTC. */
gboolean
qm_sim_parse_date (const char *str,
                   gint64     *unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d;
  char tail;

  if (str == NULL || sscanf (str, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (strlen (str) != 10)
    return FALSE;

  dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
  if (dt == NULL)
    return FALSE;

  *unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

/* The deepest nesting of arrays and objects in @data, not counting
 * brackets inside strings. Cheap enough to run before any parser.
 */
guint
qm_sim_json_max_depth (const char *data,
                       gsize       length)
{
  guint depth = 0;
  guint max = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max)
            max = depth;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }

  return max;
}

/* An RFC 9457 problem document. */
char *
qm_sim_problem_json (guint       status,
                     const char *slug,
                     const char *title,
                     const char *detail)
{
  GString *out = g_string_new ("{\"type\":");
  g_autofree char *type = g_strconcat ("urn:quartermaster:problem:", slug, NULL);

  qm_sim_json_append_string (out, type);
  g_string_append (out, ",\"title\":");
  qm_sim_json_append_string (out, title);
  g_string_append_printf (out, ",\"status\":%u,\"detail\":", status);
  qm_sim_json_append_string (out, detail);
  g_string_append (out, "}");

  return g_string_free (out, FALSE);
}
