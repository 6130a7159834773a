/* qm-push.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pushes a procurement plan's orders to the warehouses (see qm-push.h).
 *
 * The whole push runs in one worker thread with its own cache connection
 * and its own SoupSession (used from that thread only, with libsoup's
 * synchronous API), so the main loop never waits. Orders go one after the
 * other: a push is a handful of requests. The cache holds every order's
 * key and body before the first byte is sent (qm_store_plan_prepare_push()
 * commits them), and each answer is committed as soon as it arrives, so a
 * crash at any point leaves orders that are either answered or pending
 * with their key: the next push resends exactly the same request, and the
 * warehouse answers it from its idempotency record instead of booking it
 * again.
 */

#define G_LOG_DOMAIN "qm-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "qm-endpoint-url.h"
#include "qm-error.h"
#include "qm-json.h"
#include "qm-protocol.h"
#include "qm-push.h"
#include "qm-store-procurement.h"
#include "qm-sync-private.h"
#include "qm-token.h"

#define MAX_RETRY_AFTER_S 60
#define MAX_ANSWER        (1024 * 1024)

typedef struct
{
  char   *db_path;
  gint64  plan_id;
  char   *user;
  guint   timeout_ms;
  guint   backoff_ms;
  guint   attempts;

  /* results, read by finish */
  guint   accepted;
  guint   rejected;
} Push;

static void
push_free (Push *push)
{
  g_free (push->db_path);
  g_free (push->user);
  g_free (push);
}

/* Where an order goes and with what token. */
typedef struct
{
  char *warehouse_id;
  char *base_url;
  char *token;
} Endpoint;

static void
endpoint_free (Endpoint *endpoint)
{
  g_free (endpoint->warehouse_id);
  g_free (endpoint->base_url);
  if (endpoint->token != NULL)
    {
      memset (endpoint->token, 0, strlen (endpoint->token));
      g_free (endpoint->token);
    }
  g_free (endpoint);
}

static Endpoint *
endpoint_load (QmStore       *store,
               const char    *warehouse_id,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(QmWarehouse) wh = qm_store_get_warehouse (store, warehouse_id, error);
  g_autoptr(GError) keyring_error = NULL;
  Endpoint *endpoint;
  char *base_url;

  if (wh == NULL)
    return NULL;

  base_url = qm_endpoint_url_check (wh->url, wh->allow_insecure, error);
  if (base_url == NULL)
    return NULL;

  endpoint = g_new0 (Endpoint, 1);
  endpoint->warehouse_id = g_strdup (warehouse_id);
  endpoint->base_url = base_url;

  if (wh->token_file != NULL)
    {
      endpoint->token = qm_token_read_file (wh->token_file, error);
      if (endpoint->token == NULL)
        {
          endpoint_free (endpoint);
          return NULL;
        }
    }
  else
    {
      /* No token anywhere: send without one and let the warehouse say. */
      endpoint->token = qm_token_lookup_keyring (base_url, cancellable, &keyring_error);
    }

  return endpoint;
}

static SoupSession *
session_new (guint timeout_ms)
{
  SoupSession *session =
    soup_session_new_with_options ("user-agent", "Quartermaster/" PACKAGE_VERSION,
                                   "timeout", MAX (1u, (timeout_ms + 999) / 1000),
                                   "idle-timeout", 30,
                                   NULL);

  /* A CA the session should trust besides the system's, as for pulls. */
  if (g_getenv ("QM_CA_FILE") != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (g_getenv ("QM_CA_FILE"), &error);

      if (db != NULL)
        soup_session_set_tls_database (session, db);
      else
        g_warning ("Cannot load QM_CA_FILE: %s", error->message);
    }

  return session;
}

typedef enum
{
  OUTCOME_ACCEPTED,
  OUTCOME_REJECTED,
  OUTCOME_RETRY,    /* no answer that counts: send again with the same key */
  OUTCOME_FAILED,   /* an answer that does not reject the order but that
                     * retrying will not fix (token refused, wrong URL) */
} Outcome;

static guint
retry_after_seconds (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  guint64 seconds;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, 86400, &seconds, NULL))
    return 0;

  return (guint) seconds;
}

static char *
order_id_from (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root;
  const char *id;

  if (data == NULL || len == 0 || len > MAX_ANSWER ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  id = qm_json_string_member (json_node_get_object (root), "id");
  if (id == NULL || *id == '\0' || strlen (id) > 200 || !g_utf8_validate (id, -1, NULL))
    return NULL;

  return g_strdup (id);
}

/* One attempt at one order. */
static Outcome
send_once (SoupSession        *session,
           const Endpoint     *endpoint,
           const QmPlanOrder  *order,
           guint               timeout_ms,
           GCancellable       *cancellable,
           char              **out_order_id,
           char              **out_error,
           guint              *out_retry_after)
{
  const char *path = order->kind == QM_PLAN_LINE_TRANSFER ? "v1/transfers" : "v1/purchase-orders";
  g_autofree char *url = qm_endpoint_url_resolve (endpoint->base_url, path);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  SoupMessageHeaders *headers;
  guint status;

  *out_retry_after = 0;

  msg = url != NULL ? soup_message_new (SOUP_METHOD_POST, url) : NULL;
  if (msg == NULL)
    {
      *out_error = g_strdup_printf (_("Cannot build a request for %s"), url ? url : path);
      return OUTCOME_FAILED;
    }

  headers = soup_message_get_request_headers (msg);
  if (endpoint->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", endpoint->token);

      soup_message_headers_replace (headers, "Authorization", auth);
      memset (auth, 0, strlen (auth));
    }
  soup_message_headers_replace (headers, "Accept", "application/json");
  soup_message_headers_replace (headers, "Idempotency-Key", order->idempotency_key);
  request = g_bytes_new (order->body, strlen (order->body));
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  /* The key makes the request safe to repeat. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);

  g_debug ("%s: POST %s (key %s)", endpoint->warehouse_id, url, order->idempotency_key);
  answer = soup_session_send_and_read (session, msg, cancellable, &error);
  if (answer == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          *out_error = g_strdup (_("The push was cancelled before the warehouse answered"));
          return OUTCOME_FAILED;
        }
      if (error->domain == G_TLS_ERROR)
        {
          *out_error = g_strdup_printf (_("The endpoint's TLS certificate is not trusted (%s); if "
                                          "the warehouse uses a company certificate authority, "
                                          "set QM_CA_FILE to its PEM file"), error->message);
          return OUTCOME_FAILED;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        *out_error = g_strdup_printf (_("No answer within %u s"), MAX (1u, timeout_ms / 1000));
      else
        *out_error = g_strdup_printf (_("Network error: %s"), error->message);
      return OUTCOME_RETRY;
    }

  status = soup_message_get_status (msg);
  {
    gsize len = 0;
    const char *data = g_bytes_get_data (answer, &len);

    if (data != NULL && len > 0 && len <= MAX_ANSWER)
      detail = qm_protocol_problem_detail (data, len);
  }

  if (status == SOUP_STATUS_CREATED || status == SOUP_STATUS_OK)
    {
      *out_order_id = order_id_from (answer);
      if (*out_order_id != NULL)
        return OUTCOME_ACCEPTED;

      /* Accepted, but we cannot tell under which id: ask again (the same
       * key gets the same answer). */
      *out_error = g_strdup_printf (_("The warehouse answered HTTP %u without an order id"),
                                    status);
      return OUTCOME_RETRY;
    }

  if (status == 429 || status == SOUP_STATUS_REQUEST_TIMEOUT || (status >= 500 && status <= 599))
    {
      *out_retry_after = retry_after_seconds (msg);
      *out_error = g_strdup_printf (_("The warehouse failed to answer (HTTP %u)%s%s"), status,
                                    detail ? ": " : "", detail ? detail : "");
      if (*out_retry_after > MAX_RETRY_AFTER_S)
        return OUTCOME_FAILED;
      return OUTCOME_RETRY;
    }

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      *out_error = g_strdup_printf (_("The warehouse refused the token (HTTP %u); check the "
                                      "token file or the keyring entry for %s, then push again"),
                                    status, endpoint->base_url);
      return OUTCOME_FAILED;
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_METHOD_NOT_ALLOWED:
      *out_error = g_strdup_printf (_("The endpoint does not take orders at %s (HTTP %u); check "
                                      "its URL"), path, status);
      return OUTCOME_FAILED;
    default:
      break;
    }

  if (status >= 400 && status <= 499)
    {
      *out_error = detail != NULL ? g_steal_pointer (&detail)
                                  : g_strdup_printf (_("Refused with HTTP %u"), status);
      return OUTCOME_REJECTED;
    }

  *out_error = g_strdup_printf (_("Unexpected answer HTTP %u%s%s"), status,
                                detail ? ": " : "", detail ? detail : "");
  return OUTCOME_RETRY;
}

/* Sleeps, waking early when cancelled. */
static void
wait_ms (guint         ms,
         GCancellable *cancellable)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!g_cancellable_is_cancelled (cancellable))
    {
      gint64 left = until - g_get_monotonic_time ();

      if (left <= 0)
        break;
      g_usleep ((gulong) MIN (left, 50000));
    }
}

static void
push_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Push *push = task_data;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GHashTable) endpoints = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_failure = NULL;
  guint pending = 0;

  store = qm_store_open (push->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Keys and bodies are committed here, before anything is sent. */
  orders = qm_store_plan_prepare_push (store, push->plan_id, push->user, &error);
  if (orders == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  session = session_new (push->timeout_ms);
  endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) endpoint_free);

  for (guint i = 0; i < orders->len; i++)
    {
      QmPlanOrder *order = g_ptr_array_index (orders, i);
      g_autofree char *order_id = NULL;
      g_autofree char *failure = NULL;
      Endpoint *endpoint;
      Outcome outcome = OUTCOME_FAILED;

      if (order->state == QM_ORDER_STATE_ACCEPTED)
        {
          push->accepted++;
          continue;
        }
      if (order->state == QM_ORDER_STATE_REJECTED)
        {
          push->rejected++;
          continue;
        }

      endpoint = g_hash_table_lookup (endpoints, order->warehouse_id);
      if (g_cancellable_is_cancelled (cancellable))
        {
          endpoint = NULL;
          failure = g_strdup (_("The push was cancelled before the warehouse answered"));
        }
      else if (endpoint == NULL)
        {
          g_autoptr(GError) load_error = NULL;

          endpoint = endpoint_load (store, order->warehouse_id, cancellable, &load_error);
          if (endpoint != NULL)
            g_hash_table_insert (endpoints, endpoint->warehouse_id, endpoint);
          else
            failure = g_strdup (load_error->message);
        }

      for (guint attempt = 1; endpoint != NULL; attempt++)
        {
          guint retry_after = 0;

          g_clear_pointer (&failure, g_free);
          if (g_cancellable_is_cancelled (cancellable))
            {
              failure = g_strdup (_("The push was cancelled before the warehouse answered"));
              outcome = OUTCOME_FAILED;
              break;
            }

          outcome = send_once (session, endpoint, order, push->timeout_ms, cancellable,
                               &order_id, &failure, &retry_after);
          if (outcome != OUTCOME_RETRY || attempt >= push->attempts)
            break;

          {
            guint delay = push->backoff_ms << MIN (attempt - 1, 10u);

            delay = delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1);
            delay = MAX (delay, retry_after * 1000);
            g_debug ("%s: %s; attempt %u of %u in %u ms", order->warehouse_id, failure,
                     attempt + 1, push->attempts, delay);
            wait_ms (delay, cancellable);
          }
        }

      switch (outcome)
        {
        case OUTCOME_ACCEPTED:
          if (!qm_store_plan_record_push (store, order->idempotency_key, QM_ORDER_STATE_ACCEPTED,
                                          order_id, NULL, &error))
            goto store_failed;
          push->accepted++;
          break;
        case OUTCOME_REJECTED:
          if (!qm_store_plan_record_push (store, order->idempotency_key, QM_ORDER_STATE_REJECTED,
                                          NULL, failure, &error))
            goto store_failed;
          push->rejected++;
          break;
        case OUTCOME_RETRY:
        case OUTCOME_FAILED:
        default:
          if (!qm_store_plan_record_push (store, order->idempotency_key, QM_ORDER_STATE_PENDING,
                                          NULL, failure, &error))
            goto store_failed;
          pending++;
          if (first_failure == NULL)
            first_failure = g_strdup_printf ("%s: %s", order->warehouse_id,
                                             failure ? failure : "");
          break;
        }
    }

  if (pending > 0)
    {
      g_task_return_new_error (task, QM_ERROR, QM_ERROR_IO,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "%u order got no answer (%s); push again to send it "
                                            "again with the same key",
                                            "%u orders got no answer (first: %s); push again to "
                                            "send them again with the same keys", pending),
                               pending, first_failure);
      return;
    }

  g_task_return_boolean (task, TRUE);
  return;

store_failed:
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * qm_sync_push_plan_async:
 * @self: a #QmSync (its cache, timeout and retries are used)
 * @plan_id: an approved (or partly pushed) plan
 * @user: (nullable): who pushes (the login name when %NULL)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the calling thread's main context when done
 * @user_data: for @callback
 *
 * Sends the plan's orders that have no answer yet. See qm-push.h.
 */
void
qm_sync_push_plan_async (QmSync              *self,
                         gint64               plan_id,
                         const char          *user,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Push *push;

  g_return_if_fail (QM_IS_SYNC (self));

  push = g_new0 (Push, 1);
  push->db_path = g_strdup (qm_sync_get_db_path (self));
  push->plan_id = plan_id;
  push->user = g_strdup (user);
  push->timeout_ms = MAX (1u, qm_sync_get_timeout_ms (self));
  push->backoff_ms = qm_sync_get_backoff_ms (self);
  push->attempts = MAX (1u, qm_sync_get_attempts (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qm_sync_push_plan_async);
  g_task_set_task_data (task, push, (GDestroyNotify) push_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, push_thread);
}

/**
 * qm_sync_push_plan_finish:
 * @out_accepted: (out) (optional): orders the warehouses accepted
 * @out_rejected: (out) (optional): orders they refused
 *
 * Returns: %TRUE when every order has an answer. See qm-push.h.
 */
gboolean
qm_sync_push_plan_finish (QmSync        *self,
                          GAsyncResult  *result,
                          guint         *out_accepted,
                          guint         *out_rejected,
                          GError       **error)
{
  Push *push;

  g_return_val_if_fail (QM_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == qm_sync_push_plan_async, FALSE);

  push = g_task_get_task_data (G_TASK (result));
  if (out_accepted != NULL)
    *out_accepted = push->accepted;
  if (out_rejected != NULL)
    *out_rejected = push->rejected;

  return g_task_propagate_boolean (G_TASK (result), error);
}
