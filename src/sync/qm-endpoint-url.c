/* qm-endpoint-url.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which endpoint URLs the client will talk to: https anywhere, plain http
 * only to this machine unless the user allowed it for that endpoint.
 */

#define G_LOG_DOMAIN "qm-sync"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "qm-endpoint-url.h"
#include "qm-error.h"

/**
 * qm_endpoint_url_is_loopback_host:
 * @host: a host name or address literal (IPv6 with or without brackets)
 *
 * Returns: whether @host is 127.0.0.0/8, ::1 or “localhost”
 */
gboolean
qm_endpoint_url_is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  len = strlen (host);
  if (host[0] == '[' && len > 2 && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * qm_endpoint_url_check:
 * @url: what the user typed
 * @allow_insecure: whether plain http to another host is allowed
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the base URL, ending in “/”, or %NULL with
 *   %QM_ERROR_INVALID_INPUT (not a URL) or %QM_ERROR_REFUSED (insecure)
 */
char *
qm_endpoint_url_check (const char *url,
                       gboolean    allow_insecure,
                       GError    **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;
  const char *scheme;
  const char *host;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is not a URL; give the endpoint's base URL, such as "
                     "https://wms.example.com/qm/"), url);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if ((g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0) ||
      host == NULL || *host == '\0')
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is not an http or https URL with a host; give the endpoint's base "
                     "URL, such as https://wms.example.com/qm/"), url);
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” carries a query, fragment or user name; give only the endpoint's "
                     "base URL (the token goes in a token file or the keyring)"), url);
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0 &&
      !allow_insecure && !qm_endpoint_url_is_loopback_host (host))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                   _("Refusing plain http to %s: the token and the stock data would cross the "
                     "network unencrypted. Use https, or allow insecure for this endpoint if "
                     "you accept that"), host);
      return NULL;
    }

  text = g_uri_to_string (uri);
  if (!g_str_has_suffix (text, "/"))
    {
      char *with_slash = g_strconcat (text, "/", NULL);

      g_free (text);
      text = with_slash;
    }

  return g_steal_pointer (&text);
}

/**
 * qm_endpoint_url_resolve:
 * @base_url: a base URL from qm_endpoint_url_check()
 * @path: a relative path such as “v1/warehouse”
 *
 * Returns: (transfer full): the absolute URL
 */
char *
qm_endpoint_url_resolve (const char *base_url,
                         const char *path)
{
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  return g_uri_resolve_relative (base_url, path, G_URI_FLAGS_NONE, NULL);
}
