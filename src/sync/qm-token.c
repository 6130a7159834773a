/* qm-token.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where endpoint tokens come from: the desktop keyring, or on a host
 * without one, a file only its owner can read. A token is never logged
 * and never stored in the cache or in GSettings.
 */

#define G_LOG_DOMAIN "qm-sync"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "qm-error.h"
#include "qm-token.h"

#define MAX_TOKEN_SIZE 4096

static const SecretSchema token_schema = {
  "io.github.quartermaster.EndpointToken", SECRET_SCHEMA_NONE,
  {
    { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

/**
 * qm_token_check_file:
 * @path: a token file
 * @error: return location for a #GError
 *
 * Refuses a token file that other users can read or that is not a
 * regular file.
 *
 * Returns: %TRUE if the file may be used
 */
gboolean
qm_token_check_file (const char *path,
                     GError    **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("Cannot read the token file “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The token file “%s” is not a regular file"), path);
      return FALSE;
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_REFUSED,
                   _("The token file “%s” can be read by other users; run “chmod 600 %s” and "
                     "try again"), path, path);
      return FALSE;
    }

  if (st.st_size > MAX_TOKEN_SIZE)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The token file “%s” is larger than a token can be; it should hold the "
                     "token alone"), path);
      return FALSE;
    }

  return TRUE;
}

/**
 * qm_token_read_file:
 * @path: a token file
 * @error: return location for a #GError
 *
 * Reads a token file: the token alone, a trailing newline not part of it.
 *
 * Returns: (transfer full): the token, or %NULL
 */
char *
qm_token_read_file (const char *path,
                    GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len = 0;

  if (!qm_token_check_file (path, error))
    return NULL;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("Cannot read the token file “%s”: %s"), path, local_error->message);
      return NULL;
    }

  if (len > 0 && contents[len - 1] == '\n')
    contents[--len] = '\0';
  if (len > 0 && contents[len - 1] == '\r')
    contents[--len] = '\0';

  if (len == 0 || memchr (contents, '\n', len) != NULL || memchr (contents, '\0', len) != NULL ||
      !g_utf8_validate (contents, len, NULL))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("The token file “%s” must hold the token alone, on one line"), path);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

/**
 * qm_token_lookup_keyring:
 * @url: the endpoint's base URL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Looks the endpoint's token up in the keyring. Blocks: call it from a
 * worker thread.
 *
 * Returns: (transfer full) (nullable): the token, or %NULL (with @error
 *   unset when the keyring simply has none)
 */
char *
qm_token_lookup_keyring (const char   *url,
                         GCancellable *cancellable,
                         GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret;

  g_return_val_if_fail (url != NULL, NULL);

  secret = secret_password_lookup_sync (&token_schema, cancellable, &local_error,
                                        "url", url, NULL);
  if (local_error != NULL)
    {
      g_debug ("No keyring available: %s", local_error->message);
      return NULL;
    }

  if (secret == NULL)
    return NULL;

  {
    char *copy = g_strdup (secret);

    secret_password_free (secret);
    return copy;
  }
}

/**
 * qm_token_store_keyring:
 *
 * Stores the endpoint's token in the keyring. Blocks.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_token_store_keyring (const char   *url,
                        const char   *token,
                        GCancellable *cancellable,
                        GError      **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (url != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  label = g_strdup_printf (_("Quartermaster warehouse endpoint %s"), url);
  return secret_password_store_sync (&token_schema, SECRET_COLLECTION_DEFAULT, label, token,
                                     cancellable, error, "url", url, NULL);
}
