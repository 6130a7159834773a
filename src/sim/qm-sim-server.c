/* qm-sim-server.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "qm-sim-json.h"
#include "qm-sim-server.h"

/*
 * One warehouse endpoint: a SoupServer on a loopback port answering the
 * warehouse API (v1/...) and the test control API (control/...), with the
 * faults asked for. Nothing here blocks the main loop: slow, trickled,
 * dropped and huge answers pause the message and feed it from timers or
 * from the "wrote-chunk" signal.
 */

#define DEFAULT_PAGE_SIZE   1000
#define MAX_PAGE_SIZE       10000
#define MAX_REQUEST_BODY    (1024 * 1024)
#define MAX_REQUEST_DEPTH   64
#define MAX_ORDER_LINES     10000
#define STREAM_CHUNK        (64 * 1024)
#define FILLER_RECORD       1024     /* divides STREAM_CHUNK */

typedef enum
{
  STREAM_NONE,
  STREAM_TRICKLE,
  STREAM_DROP,
  STREAM_OVERSIZED,
} StreamMode;

typedef struct
{
  QmSimServer       *self;          /* unowned: the server frees its requests */
  SoupServerMessage *msg;
  char              *path;          /* relative to the base URL */
  GHashTable        *query;
  gboolean           paused;
  guint              timeout_id;
  gulong             finished_id;
  gulong             wrote_chunk_id;

  StreamMode         mode;
  GBytes            *body;          /* trickle and drop: what to send */
  gsize              offset;
  guint              interval_ms;
  gsize              filler_left;   /* oversized: padding bytes still to send */
  char              *tail;          /* oversized: the real answer after the padding */
} Request;

typedef struct
{
  char     *endpoint;
  JsonNode *request;
  char     *response;
} Idempotent;

struct _QmSimServer
{
  GObject         parent_instance;

  QmSimWorld     *world;
  QmSimWarehouse *warehouse;
  SoupServer     *soup;
  char           *token;
  char           *secret;
  guint           generation;
  guint           page_token_ttl;
  gboolean        verbose;
  gboolean        https;
  guint           port;

  GPtrArray      *faults;           /* QmSimFault */
  GHashTable     *idempotency;      /* key → Idempotent */
  GList          *requests;         /* Request still in flight */
};

G_DEFINE_FINAL_TYPE (QmSimServer, qm_sim_server, G_TYPE_OBJECT)

static void
idempotent_free (gpointer data)
{
  Idempotent *entry = data;

  g_free (entry->endpoint);
  json_node_unref (entry->request);
  g_free (entry->response);
  g_free (entry);
}

static void
request_free (Request *req)
{
  g_clear_handle_id (&req->timeout_id, g_source_remove);
  g_clear_signal_handler (&req->finished_id, req->msg);
  g_clear_signal_handler (&req->wrote_chunk_id, req->msg);
  req->self->requests = g_list_remove (req->self->requests, req);
  g_clear_object (&req->msg);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->tail);
  g_free (req->path);
  g_free (req);
}

static void
append_slice (SoupMessageBody *body,
              GBytes          *bytes,
              gsize            offset,
              gsize            length)
{
  g_autoptr(GBytes) slice = g_bytes_new_from_bytes (bytes, offset, length);

  soup_message_body_append_bytes (body, slice);
}

static void
on_message_finished_cb (SoupServerMessage *msg,
                        Request           *req)
{
  request_free (req);
}

/* Keeps @req alive until libsoup is done with its message. */
static void
request_track (Request *req)
{
  if (req->finished_id != 0)
    return;

  req->finished_id = g_signal_connect (req->msg, "finished",
                                       G_CALLBACK (on_message_finished_cb), req);
  req->self->requests = g_list_prepend (req->self->requests, req);
}

static void
qm_sim_server_dispose (GObject *object)
{
  QmSimServer *self = (QmSimServer *) object;

  while (self->requests != NULL)
    request_free (self->requests->data);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->warehouse);
  g_clear_object (&self->world);

  G_OBJECT_CLASS (qm_sim_server_parent_class)->dispose (object);
}

static void
qm_sim_server_finalize (GObject *object)
{
  QmSimServer *self = (QmSimServer *) object;

  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->idempotency, g_hash_table_unref);
  g_free (self->token);
  g_free (self->secret);

  G_OBJECT_CLASS (qm_sim_server_parent_class)->finalize (object);
}

static void
qm_sim_server_class_init (QmSimServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qm_sim_server_dispose;
  object_class->finalize = qm_sim_server_finalize;
}

static void
qm_sim_server_init (QmSimServer *self)
{
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_sim_fault_free);
  self->idempotency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, idempotent_free);
  self->page_token_ttl = 900;
  self->secret = g_strdup_printf ("%08x%08x%08x%08x",
                                  g_random_int (), g_random_int (), g_random_int (), g_random_int ());
}

/* ---- answers ------------------------------------------------------------ */

static const char *
status_phrase (guint status)
{
  /* libsoup 3.2 has no phrase for 429 */
  if (status == 429)
    return "Too Many Requests";
  return soup_status_get_phrase (status);
}

static void
respond (Request    *req,
         guint       status,
         const char *content_type,
         char       *body)
{
  soup_server_message_set_status (req->msg, status, status_phrase (status));
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_TAKE, body, strlen (body));
  if (req->paused)
    {
      req->paused = FALSE;
      soup_server_message_unpause (req->msg);
    }
}

static void
respond_problem (Request    *req,
                 guint       status,
                 const char *slug,
                 const char *detail)
{
  respond (req, status, "application/problem+json",
           qm_sim_problem_json (status, slug, status_phrase (status), detail));
}

/* ---- faults -------------------------------------------------------------- */

typedef enum
{
  CATEGORY_LATENCY,
  CATEGORY_WRONG_TOKEN,
  CATEGORY_RESTART,
  CATEGORY_ANSWER,
} Category;

static Category
fault_category (QmSimFaultKind kind)
{
  switch (kind)
    {
    case QM_SIM_FAULT_LATENCY:
      return CATEGORY_LATENCY;
    case QM_SIM_FAULT_WRONG_TOKEN:
      return CATEGORY_WRONG_TOKEN;
    case QM_SIM_FAULT_RESTART:
      return CATEGORY_RESTART;
    default:
      return CATEGORY_ANSWER;
    }
}

static gboolean
fault_applies (const QmSimFault *fault,
               Request          *req)
{
  const char *method = soup_server_message_get_method (req->msg);

  switch (fault->kind)
    {
    case QM_SIM_FAULT_EXPIRED_TOKEN:
      return (g_str_equal (req->path, "v1/stock") || g_str_equal (req->path, "v1/products")) &&
             req->query != NULL && g_hash_table_contains (req->query, "page_token");
    case QM_SIM_FAULT_UNKNOWN_KIND:
    case QM_SIM_FAULT_INVALID_SKU:
      return g_str_equal (req->path, "v1/movements");
    case QM_SIM_FAULT_WRONG_TYPES:
      return method == SOUP_METHOD_GET;
    default:
      return TRUE;
    }
}

/* Picks the first fault of @category that affects this request, counts it
 * and returns a copy of it (the original may be used up).
 */
static QmSimFault *
take_fault (QmSimServer *self,
            Request     *req,
            Category     category)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      QmSimFault *fault = g_ptr_array_index (self->faults, i);
      QmSimFault *copy;

      if (fault_category (fault->kind) != category ||
          !qm_sim_fault_matches_path (fault, req->path) ||
          !fault_applies (fault, req))
        continue;

      if (fault->after > 0)
        {
          fault->after--;
          continue;
        }

      copy = qm_sim_fault_copy (fault);
      if (fault->count > 0 && --fault->count == 0)
        g_ptr_array_remove_index (self->faults, i);
      return copy;
    }

  return NULL;
}

/* ---- page tokens ------------------------------------------------------- */

typedef struct
{
  char   *walk;
  guint   generation;
  guint   epoch;
  gint64  as_of_seq;
  gint64  issued;
  guint   status;
  char   *sku;
} PageToken;

static void
page_token_clear (PageToken *token)
{
  g_free (token->walk);
  g_free (token->sku);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PageToken, page_token_clear)

static char *
token_mac (QmSimServer *self,
           const char  *payload)
{
  g_autofree char *hmac = g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                                     (const guchar *) self->secret, strlen (self->secret),
                                                     payload, -1);
  return g_strndup (hmac, 20);
}

static char *
page_token_encode (QmSimServer *self,
                   const char  *walk,
                   gint64       as_of_seq,
                   guint        status,
                   const char  *sku)
{
  g_autofree char *payload = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *mac = NULL;

  payload = g_strdup_printf ("%s|%u|%u|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%u|%s",
                             walk, self->generation, qm_sim_warehouse_get_epoch (self->warehouse),
                             as_of_seq, g_get_monotonic_time (), status, sku);
  b64 = g_base64_encode ((const guchar *) payload, strlen (payload));
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  g_strdelimit (b64, "=", '\0');
  mac = token_mac (self, payload);

  return g_strconcat (b64, ".", mac, NULL);
}

typedef enum
{
  TOKEN_OK,
  TOKEN_INVALID,
  TOKEN_EXPIRED,
} TokenResult;

static TokenResult
page_token_decode (QmSimServer *self,
                   const char  *text,
                   const char  *walk,
                   PageToken   *token)
{
  const char *dot = strrchr (text, '.');
  g_autofree char *b64 = NULL;
  g_autofree guchar *raw = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *mac = NULL;
  g_auto(GStrv) fields = NULL;
  gsize len, b64_len;
  guint64 v;

  if (dot == NULL || dot == text || strlen (text) > 4096)
    return TOKEN_INVALID;

  b64_len = dot - text;
  b64 = g_malloc0 (b64_len + 4);
  memcpy (b64, text, b64_len);
  while (b64_len % 4 != 0)
    b64[b64_len++] = '=';
  g_strdelimit (b64, "-", '+');
  g_strdelimit (b64, "_", '/');
  raw = g_base64_decode (b64, &len);
  payload = g_strndup ((const char *) raw, len);

  mac = token_mac (self, payload);
  if (!g_str_equal (mac, dot + 1))
    return TOKEN_INVALID;

  fields = g_strsplit (payload, "|", 7);
  if (g_strv_length (fields) != 7 || !g_str_equal (fields[0], walk))
    return TOKEN_INVALID;

  token->walk = g_strdup (fields[0]);
  token->generation = (guint) g_ascii_strtoull (fields[1], NULL, 10);
  token->epoch = (guint) g_ascii_strtoull (fields[2], NULL, 10);
  token->as_of_seq = g_ascii_strtoll (fields[3], NULL, 10);
  token->issued = g_ascii_strtoll (fields[4], NULL, 10);
  if (!g_ascii_string_to_unsigned (fields[5], 10, 0, QM_SIM_N_STATUSES, &v, NULL))
    return TOKEN_INVALID;
  token->status = (guint) v;
  token->sku = g_strdup (fields[6]);

  if (token->generation != self->generation ||
      token->epoch != qm_sim_warehouse_get_epoch (self->warehouse) ||
      token->as_of_seq > qm_sim_warehouse_get_last_seq (self->warehouse) ||
      g_get_monotonic_time () - token->issued > (gint64) self->page_token_ttl * G_USEC_PER_SEC)
    return TOKEN_EXPIRED;

  return TOKEN_OK;
}

/* ---- query parameters -------------------------------------------------- */

static gboolean
int_param (Request    *req,
           const char *name,
           gint64      default_value,
           gint64      min,
           gint64      max,
           gint64     *value)
{
  const char *text = req->query ? g_hash_table_lookup (req->query, name) : NULL;
  g_autofree char *detail = NULL;
  gint64 v;

  if (text == NULL)
    {
      *value = default_value;
      return TRUE;
    }

  if (g_ascii_string_to_signed (text, 10, min, max, &v, NULL))
    {
      *value = v;
      return TRUE;
    }

  detail = g_strdup_printf ("%s must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                            name, min, max);
  respond_problem (req, SOUP_STATUS_BAD_REQUEST, "invalid-parameter", detail);
  return FALSE;
}

typedef struct
{
  gboolean wrong_types;
  gboolean unknown_kind;
  gboolean invalid_sku;
} Render;

static void
append_int (GString  *out,
            gint64    value,
            gboolean  as_string)
{
  g_string_append_printf (out, as_string ? "\"%" G_GINT64_FORMAT "\"" : "%" G_GINT64_FORMAT, value);
}

static char *
answer_warehouse (QmSimServer  *self,
                  const Render *render)
{
  QmSimWarehouse *wh = self->warehouse;
  GString *out = g_string_new ("{\"protocol\":1,\"id\":");
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (lat, sizeof lat, "%.2f", qm_sim_warehouse_get_lat (wh));
  g_ascii_formatd (lon, sizeof lon, "%.2f", qm_sim_warehouse_get_lon (wh));

  qm_sim_json_append_string (out, qm_sim_warehouse_get_id (wh));
  g_string_append (out, ",\"name\":");
  qm_sim_json_append_string (out, qm_sim_warehouse_get_name (wh));
  g_string_append (out, ",\"region\":");
  qm_sim_json_append_string (out, qm_sim_warehouse_get_region (wh));
  if (render->wrong_types)
    g_string_append_printf (out, ",\"location\":{\"lat\":\"%s\",\"lon\":\"%s\"}", lat, lon);
  else
    g_string_append_printf (out, ",\"location\":{\"lat\":%s,\"lon\":%s}", lat, lon);
  g_string_append (out, ",\"capacity_units\":");
  append_int (out, qm_sim_warehouse_get_capacity_units (wh), render->wrong_types);
  g_string_append (out, ",\"currency\":");
  qm_sim_json_append_string (out, qm_sim_warehouse_get_currency (wh));
  g_string_append (out, ",\"last_seq\":");
  append_int (out, qm_sim_warehouse_get_last_seq (wh), render->wrong_types);
  g_string_append (out, "}");

  return g_string_free (out, FALSE);
}

static gboolean
walk_start (Request     *req,
            const char  *walk,
            gint64      *page_size,
            PageToken   *token,
            gboolean    *have_token)
{
  QmSimServer *self = req->self;
  const char *text;

  if (!int_param (req, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, page_size))
    return FALSE;

  text = req->query ? g_hash_table_lookup (req->query, "page_token") : NULL;
  *have_token = text != NULL && *text != '\0';
  if (!*have_token)
    return TRUE;

  switch (page_token_decode (self, text, walk, token))
    {
    case TOKEN_OK:
      return TRUE;
    case TOKEN_EXPIRED:
      respond_problem (req, SOUP_STATUS_GONE, "page-token-expired",
                       "The page token has expired; start the walk again without a page_token");
      return FALSE;
    case TOKEN_INVALID:
    default:
      respond_problem (req, SOUP_STATUS_BAD_REQUEST, "invalid-page-token",
                       "The page_token was not issued by this endpoint for this walk");
      return FALSE;
    }
}

static char *
answer_products (Request      *req,
                 const Render *render,
                 guint        *status)
{
  QmSimServer *self = req->self;
  QmSimCatalog *catalog = qm_sim_warehouse_get_catalog (self->warehouse);
  g_auto(PageToken) token = { 0 };
  const guint32 *listed;
  gboolean have_token;
  gint64 page_size;
  guint n_listed, start = 0, end;
  GString *out;

  if (!walk_start (req, "products", &page_size, &token, &have_token))
    return NULL;

  listed = qm_sim_warehouse_get_listed_sorted (self->warehouse, &n_listed);
  if (have_token)
    {
      guint lo = 0, hi = n_listed;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (strcmp (qm_sim_catalog_get_product (catalog, listed[mid])->sku, token.sku) <= 0)
            lo = mid + 1;
          else
            hi = mid;
        }
      start = lo;
    }
  end = (guint) MIN ((gint64) start + page_size, (gint64) n_listed);

  out = g_string_new ("{\"items\":[");
  for (guint i = start; i < end; i++)
    {
      const QmSimProduct *p = qm_sim_catalog_get_product (catalog, listed[i]);

      if (i > start)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"sku\":");
      qm_sim_json_append_string (out, p->sku);
      g_string_append (out, ",\"name\":");
      qm_sim_json_append_string (out, p->name);
      g_string_append (out, ",\"category\":");
      qm_sim_json_append_string (out, p->category);
      g_string_append (out, ",\"unit\":");
      qm_sim_json_append_string (out, p->unit);
      g_string_append (out, ",\"pack_size\":");
      append_int (out, p->pack_size, render->wrong_types);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"next_page_token\":");
  if (end < n_listed)
    {
      g_autofree char *next = page_token_encode (self, "products", 0, 0,
                                                 qm_sim_catalog_get_product (catalog, listed[end - 1])->sku);
      qm_sim_json_append_string (out, next);
    }
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');

  *status = SOUP_STATUS_OK;
  return g_string_free (out, FALSE);
}

static int
compare_row_key (QmSimCatalog        *catalog,
                 const QmSimStockRow *row,
                 const char          *sku,
                 guint                status)
{
  int c = strcmp (qm_sim_catalog_get_product (catalog, row->sku)->sku, sku);

  if (c != 0)
    return c;
  return row->status < status ? -1 : (row->status > status);
}

static char *
answer_stock (Request      *req,
              const Render *render,
              guint        *status)
{
  QmSimServer *self = req->self;
  QmSimCatalog *catalog = qm_sim_warehouse_get_catalog (self->warehouse);
  g_auto(PageToken) token = { 0 };
  g_autoptr(GArray) rows = NULL;
  const QmSimStockRow *row;
  gboolean have_token;
  gint64 page_size, as_of_seq;
  guint start = 0, end;
  GString *out;

  if (!walk_start (req, "stock", &page_size, &token, &have_token))
    return NULL;

  as_of_seq = have_token ? token.as_of_seq : qm_sim_warehouse_get_last_seq (self->warehouse);
  rows = qm_sim_warehouse_snapshot (self->warehouse, as_of_seq);
  if (rows == NULL)
    {
      respond_problem (req, SOUP_STATUS_GONE, "page-token-expired",
                       "The snapshot of this walk is gone; start the walk again");
      return NULL;
    }
  row = (const QmSimStockRow *) (gpointer) rows->data;

  if (have_token)
    {
      guint lo = 0, hi = rows->len;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (compare_row_key (catalog, &row[mid], token.sku, token.status) <= 0)
            lo = mid + 1;
          else
            hi = mid;
        }
      start = lo;
    }
  end = (guint) MIN ((gint64) start + page_size, (gint64) rows->len);

  out = g_string_new ("{\"as_of_seq\":");
  append_int (out, as_of_seq, render->wrong_types);
  g_string_append (out, ",\"items\":[");
  for (guint i = start; i < end; i++)
    {
      if (i > start)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"sku\":");
      qm_sim_json_append_string (out, qm_sim_catalog_get_product (catalog, row[i].sku)->sku);
      g_string_append (out, ",\"status\":");
      qm_sim_json_append_string (out, qm_sim_status_to_string (row[i].status));
      g_string_append (out, ",\"quantity\":");
      append_int (out, row[i].quantity, render->wrong_types);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "],\"next_page_token\":");
  if (end < rows->len)
    {
      g_autofree char *next = page_token_encode (self, "stock", as_of_seq, row[end - 1].status,
                                                 qm_sim_catalog_get_product (catalog, row[end - 1].sku)->sku);
      qm_sim_json_append_string (out, next);
    }
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');

  *status = SOUP_STATUS_OK;
  return g_string_free (out, FALSE);
}

static void
append_movement (GString             *out,
                 QmSimCatalog        *catalog,
                 const QmSimMovement *mv,
                 const Render        *render,
                 gboolean             odd_one)
{
  g_string_append (out, "{\"seq\":");
  append_int (out, mv->seq, render->wrong_types);
  g_string_append_printf (out, ",\"id\":\"mv-%" G_GINT64_FORMAT "\",\"at\":", mv->seq);
  qm_sim_json_append_timestamp (out, mv->at);
  g_string_append (out, ",\"kind\":");
  qm_sim_json_append_string (out, odd_one && render->unknown_kind ? "teleport" : qm_sim_kind_to_string (mv->kind));
  g_string_append (out, ",\"sku\":");
  qm_sim_json_append_string (out, odd_one && render->invalid_sku ? "SKU-\001BAD" : qm_sim_catalog_get_product (catalog, mv->sku)->sku);
  g_string_append (out, ",\"quantity\":");
  append_int (out, mv->quantity, render->wrong_types);
  g_string_append (out, ",\"from_status\":");
  qm_sim_json_append_string (out, qm_sim_status_to_string (mv->from_status));
  g_string_append (out, ",\"to_status\":");
  qm_sim_json_append_string (out, qm_sim_status_to_string (mv->to_status));
  g_string_append (out, ",\"unit_cost\":");
  if (mv->unit_cost >= 0)
    qm_sim_json_append_money (out, mv->unit_cost);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"reference\":");
  qm_sim_json_append_string (out, mv->reference);
  g_string_append (out, ",\"counterparty\":");
  qm_sim_json_append_string (out, mv->counterparty);
  g_string_append (out, ",\"channel\":");
  qm_sim_json_append_string (out, qm_sim_channel_to_string (mv->channel));
  g_string_append (out, ",\"reason\":");
  qm_sim_json_append_string (out, qm_sim_reason_to_string (mv->reason));
  g_string_append_c (out, '}');
}

static char *
answer_movements (Request      *req,
                  const Render *render,
                  guint        *status)
{
  QmSimServer *self = req->self;
  QmSimCatalog *catalog = qm_sim_warehouse_get_catalog (self->warehouse);
  const QmSimMovement *mv;
  gint64 after_seq, limit;
  gsize n, start, end;
  GString *out;

  if (!int_param (req, "after_seq", 0, 0, G_MAXINT64, &after_seq) ||
      !int_param (req, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, &limit))
    return NULL;

  mv = qm_sim_warehouse_get_movements (self->warehouse, &n);
  start = qm_sim_warehouse_find_after (self->warehouse, after_seq);
  end = MIN (start + (gsize) limit, n);

  out = g_string_sized_new (64 + (end - start) * 300);
  g_string_append (out, "{\"movements\":[");
  for (gsize i = start; i < end; i++)
    {
      if (i > start)
        g_string_append_c (out, ',');
      append_movement (out, catalog, &mv[i], render, i == start + (end - start) / 2);
    }
  g_string_append (out, "],\"last_seq\":");
  append_int (out, qm_sim_warehouse_get_last_seq (self->warehouse), render->wrong_types);
  g_string_append_c (out, '}');

  *status = SOUP_STATUS_OK;
  return g_string_free (out, FALSE);
}

/* ---- orders ------------------------------------------------------------- */

static JsonNode *
parse_body (Request *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize len;

  data = g_bytes_get_data (bytes, &len);
  if (len > MAX_REQUEST_BODY)
    {
      respond_problem (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body-too-large",
                       "The request body is larger than 1 MiB");
      return NULL;
    }
  if (len == 0 || qm_sim_json_max_depth (data, len) > MAX_REQUEST_DEPTH ||
      !g_utf8_validate (data, len, NULL))
    {
      respond_problem (req, SOUP_STATUS_BAD_REQUEST, "malformed-json",
                       "The request body must be UTF-8 JSON nested at most 64 levels deep");
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      g_autofree char *detail = g_strdup_printf ("The request body is not JSON: %s", error->message);

      respond_problem (req, SOUP_STATUS_BAD_REQUEST, "malformed-json", detail);
      return NULL;
    }

  return json_node_ref (json_parser_get_root (parser));
}

static gboolean
has_control_chars (const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
        return TRUE;
    }
  return FALSE;
}

static const char *
optional_string (JsonObject *obj,
                 const char *member,
                 gboolean   *ok)
{
  JsonNode *node = json_object_get_member (obj, member);

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *ok = FALSE;
      return NULL;
    }
  return json_node_get_string (node);
}

/* Validates an order body. On failure answers 422 and returns NULL. */
static GArray *
validate_order (Request        *req,
                JsonNode       *root,
                QmSimOrderKind  kind,
                const char    **to_warehouse)
{
  QmSimServer *self = req->self;
  QmSimCatalog *catalog = qm_sim_warehouse_get_catalog (self->warehouse);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (QmSimOrderLine));
  g_autofree char *detail = NULL;
  JsonObject *obj;
  JsonNode *lines_node;
  JsonArray *array;
  gboolean ok;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-order", "The body must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (root);

  optional_string (obj, "reference", &ok);
  if (!ok)
    {
      respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-order", "reference must be a string");
      return NULL;
    }
  optional_string (obj, "requested_by", &ok);
  if (!ok)
    {
      respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-order", "requested_by must be a string");
      return NULL;
    }

  if (kind == QM_SIM_ORDER_TRANSFER)
    {
      const char *to = optional_string (obj, "to_warehouse", &ok);

      if (!ok || to == NULL || *to == '\0' || g_utf8_strlen (to, -1) > 64 || has_control_chars (to))
        {
          respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-order",
                           "to_warehouse must name the destination warehouse (1 to 64 characters)");
          return NULL;
        }
      if (g_str_equal (to, qm_sim_warehouse_get_id (self->warehouse)))
        {
          respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-order",
                           "to_warehouse is this warehouse; a transfer needs another destination");
          return NULL;
        }
      *to_warehouse = to;
    }

  lines_node = json_object_get_member (obj, "lines");
  if (lines_node == NULL || !JSON_NODE_HOLDS_ARRAY (lines_node) ||
      json_array_get_length (json_node_get_array (lines_node)) == 0 ||
      json_array_get_length (json_node_get_array (lines_node)) > MAX_ORDER_LINES)
    {
      respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-order",
                       "lines must be an array of 1 to 10000 lines");
      return NULL;
    }
  array = json_node_get_array (lines_node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *line_node = json_array_get_element (array, i);
      QmSimOrderLine line = { 0, 0, -1 };
      JsonObject *line_obj;
      JsonNode *qty;
      const char *sku, *cost;
      int index;

      if (!JSON_NODE_HOLDS_OBJECT (line_node))
        {
          detail = g_strdup_printf ("lines[%u] must be an object", i);
          goto invalid;
        }
      line_obj = json_node_get_object (line_node);

      sku = optional_string (line_obj, "sku", &ok);
      if (!ok || sku == NULL)
        {
          detail = g_strdup_printf ("lines[%u]: sku must be a string", i);
          goto invalid;
        }
      index = qm_sim_catalog_lookup (catalog, sku);
      if (index < 0 || !qm_sim_warehouse_is_listed (self->warehouse, index))
        {
          detail = g_strdup_printf ("lines[%u]: sku \"%s\" is not a product of this warehouse", i, sku);
          goto invalid;
        }
      line.sku = index;

      qty = json_object_get_member (line_obj, "quantity");
      if (qty == NULL || !JSON_NODE_HOLDS_VALUE (qty) || json_node_get_value_type (qty) != G_TYPE_INT64 ||
          json_node_get_int (qty) < 1 || json_node_get_int (qty) > QM_SIM_MAX_QUANTITY)
        {
          detail = g_strdup_printf ("lines[%u]: quantity must be a JSON integer from 1 to 1000000000000", i);
          goto invalid;
        }
      line.quantity = json_node_get_int (qty);

      cost = optional_string (line_obj, "expected_unit_cost", &ok);
      if (!ok || (cost == NULL && kind == QM_SIM_ORDER_PURCHASE) ||
          (cost != NULL && !qm_sim_parse_money (cost, &line.unit_cost)))
        {
          detail = g_strdup_printf ("lines[%u]: expected_unit_cost must be a string holding a decimal "
                                    "with at most 4 fractional digits, e.g. \"12.5000\"", i);
          goto invalid;
        }

      g_array_append_val (lines, line);
    }

  return g_steal_pointer (&lines);

invalid:
  respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-order-line", detail);
  return NULL;
}

static char *
answer_order (Request        *req,
              QmSimOrderKind  kind,
              guint          *status)
{
  QmSimServer *self = req->self;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autofree char *id = NULL;
  const char *to_warehouse = NULL;
  Idempotent *entry;
  GString *out;

  if (key == NULL || *key == '\0' || strlen (key) > 200)
    {
      respond_problem (req, SOUP_STATUS_BAD_REQUEST, "idempotency-key-missing",
                       "Send an Idempotency-Key header (a UUID) with every order");
      return NULL;
    }

  root = parse_body (req);
  if (root == NULL)
    return NULL;

  entry = g_hash_table_lookup (self->idempotency, key);
  if (entry != NULL)
    {
      if (!g_str_equal (entry->endpoint, req->path) || !json_node_equal (entry->request, root))
        {
          respond_problem (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                           "This Idempotency-Key was already used with another request body");
          return NULL;
        }
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Idempotent-Replayed", "true");
      *status = SOUP_STATUS_CREATED;
      return g_strdup (entry->response);
    }

  lines = validate_order (req, root, kind, &to_warehouse);
  if (lines == NULL)
    return NULL;

  id = qm_sim_world_submit_order (self->world, self->warehouse, kind, to_warehouse,
                                  (const QmSimOrderLine *) (gpointer) lines->data, lines->len);

  out = g_string_new ("{\"id\":");
  qm_sim_json_append_string (out, id);
  g_string_append (out, ",\"status\":\"accepted\"}");

  entry = g_new0 (Idempotent, 1);
  entry->endpoint = g_strdup (req->path);
  entry->request = json_node_ref (root);
  entry->response = g_strdup (out->str);
  g_hash_table_insert (self->idempotency, g_strdup (key), entry);

  *status = SOUP_STATUS_CREATED;
  return g_string_free (out, FALSE);
}

/* Computes the normal answer. Returns NULL when it already answered (an
 * error).
 */
static char *
answer (Request      *req,
        const Render *render,
        guint        *status)
{
  const char *method = soup_server_message_get_method (req->msg);
  gboolean is_get = method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
  gboolean is_post = method == SOUP_METHOD_POST;
  const char *allow = NULL;

  if (g_str_equal (req->path, "v1/warehouse"))
    {
      if (is_get)
        {
          *status = SOUP_STATUS_OK;
          return answer_warehouse (req->self, render);
        }
      allow = "GET";
    }
  else if (g_str_equal (req->path, "v1/products"))
    {
      if (is_get)
        return answer_products (req, render, status);
      allow = "GET";
    }
  else if (g_str_equal (req->path, "v1/stock"))
    {
      if (is_get)
        return answer_stock (req, render, status);
      allow = "GET";
    }
  else if (g_str_equal (req->path, "v1/movements"))
    {
      if (is_get)
        return answer_movements (req, render, status);
      allow = "GET";
    }
  else if (g_str_equal (req->path, "v1/purchase-orders"))
    {
      if (is_post)
        return answer_order (req, QM_SIM_ORDER_PURCHASE, status);
      allow = "POST";
    }
  else if (g_str_equal (req->path, "v1/transfers"))
    {
      if (is_post)
        return answer_order (req, QM_SIM_ORDER_TRANSFER, status);
      allow = "POST";
    }
  else
    {
      respond_problem (req, SOUP_STATUS_NOT_FOUND, "not-found", "No such endpoint in API version 1");
      return NULL;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Allow", allow);
  respond_problem (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                   "This endpoint does not answer that method");
  return NULL;
}

/* ---- streamed answers ---------------------------------------------------- */

static gboolean
on_trickle_timeout_cb (gpointer user_data)
{
  Request *req = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  gsize len = g_bytes_get_size (req->body);

  req->timeout_id = 0;
  if (req->offset < len)
    {
      append_slice (body, req->body, req->offset, 1);
      req->offset++;
    }
  if (req->offset >= len)
    soup_message_body_complete (body);
  else
    req->timeout_id = g_timeout_add (req->interval_ms, on_trickle_timeout_cb, req);

  soup_server_message_unpause (req->msg);
  return G_SOURCE_REMOVE;
}

static void
on_drop_wrote_chunk_cb (SoupServerMessage *msg,
                        Request           *req)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  gsize len = g_bytes_get_size (req->body);

  g_clear_signal_handler (&req->wrote_chunk_id, msg);

  /* Close under libsoup's feet, then give it the rest so that it tries to
   * write, fails and finishes the message. */
  if (socket != NULL)
    g_socket_close (socket, NULL);
  append_slice (soup_server_message_get_response_body (msg), req->body, req->offset, len - req->offset);
  soup_message_body_complete (soup_server_message_get_response_body (msg));
  soup_server_message_unpause (msg);
}

static void
on_oversized_wrote_chunk_cb (SoupServerMessage *msg,
                             Request           *req)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (req->filler_left > 0)
    {
      /* whole records of exactly FILLER_RECORD bytes: ,"xxx…x" */
      gsize n = MIN (req->filler_left, STREAM_CHUNK);
      char *chunk = g_malloc (n);

      for (gsize r = 0; r < n; r += FILLER_RECORD)
        {
          chunk[r] = ',';
          chunk[r + 1] = '"';
          memset (chunk + r + 2, 'x', FILLER_RECORD - 3);
          chunk[r + FILLER_RECORD - 1] = '"';
        }
      req->filler_left -= n;
      soup_message_body_append_take (body, (guchar *) chunk, n);
    }
  else if (req->tail != NULL)
    {
      char *tail = g_steal_pointer (&req->tail);

      soup_message_body_append_take (body, (guchar *) tail, strlen (tail));
      soup_message_body_complete (body);
      g_clear_signal_handler (&req->wrote_chunk_id, msg);
    }
  soup_server_message_unpause (msg);
}

static void
start_stream (Request    *req,
              StreamMode  mode,
              guint       status,
              char       *text,
              gint64      param)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  gsize len = strlen (text);

  request_track (req);
  req->mode = mode;
  soup_server_message_set_status (req->msg, status, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  soup_message_body_set_accumulate (body, FALSE);

  switch (mode)
    {
    case STREAM_TRICKLE:
      req->body = g_bytes_new_take (text, len);
      req->interval_ms = (guint) CLAMP (param, 1, 3600000);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      req->timeout_id = g_timeout_add (req->interval_ms, on_trickle_timeout_cb, req);
      /* libsoup pauses the message by itself while the body is empty */
      break;

    case STREAM_DROP:
      req->body = g_bytes_new_take (text, len);
      req->offset = param >= 0 ? (gsize) MIN ((guint64) param, len) : len / 2;
      soup_message_headers_set_content_length (headers, len);
      if (req->offset > 0)
        {
          append_slice (body, req->body, 0, req->offset);
          req->wrote_chunk_id = g_signal_connect (req->msg, "wrote-chunk",
                                                  G_CALLBACK (on_drop_wrote_chunk_cb), req);
        }
      else
        {
          /* nothing at all: close as soon as the headers are out */
          req->wrote_chunk_id = g_signal_connect (req->msg, "wrote-headers",
                                                  G_CALLBACK (on_drop_wrote_chunk_cb), req);
        }
      break;

    case STREAM_OVERSIZED:
      {
        static const char prefix[] = "{\"padding\":[\"x\"";
        gsize want = (gsize) MAX (param, 0);
        gsize fixed = strlen (prefix) + 2 + len;   /* "]," before the real members */
        gsize filler = want > fixed ? want - fixed : 0;

        filler -= filler % FILLER_RECORD;
        req->filler_left = filler;
        req->tail = g_strconcat ("],", text + 1, NULL);   /* the answer without its '{' */
        g_free (text);
        soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
        soup_message_body_append (body, SOUP_MEMORY_COPY, prefix, strlen (prefix));
        req->wrote_chunk_id = g_signal_connect (req->msg, "wrote-chunk",
                                                G_CALLBACK (on_oversized_wrote_chunk_cb), req);
      }
      break;

    case STREAM_NONE:
    default:
      g_assert_not_reached ();
    }

  if (req->paused)
    {
      req->paused = FALSE;
      soup_server_message_unpause (req->msg);
    }
}

/* ---- the request pipeline ----------------------------------------------- */

static gboolean
check_token (SoupServerMessage *msg,
             const char        *expected)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  const char *given;
  gsize a, b;
  guint diff = 0;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return FALSE;
  given = auth + 7;

  /* constant time in the token's length */
  a = strlen (given);
  b = strlen (expected);
  diff = a != b;
  for (gsize i = 0; i < b; i++)
    diff |= (guchar) expected[i] ^ (guchar) (i < a ? given[i] : 0);
  return diff == 0;
}

static void
respond_unauthorized (Request *req)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "WWW-Authenticate", "Bearer realm=\"quartermaster\"");
  respond_problem (req, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                   "Send the endpoint's token as “Authorization: Bearer <token>”");
}

static void
run_request (Request *req)
{
  QmSimServer *self = req->self;
  g_autoptr(QmSimFault) wrong_token = NULL;
  g_autoptr(QmSimFault) restart = NULL;
  g_autoptr(QmSimFault) fault = NULL;
  Render render = { FALSE, FALSE, FALSE };
  g_autofree char *text = NULL;
  guint status = 0;

  wrong_token = take_fault (self, req, CATEGORY_WRONG_TOKEN);
  if (!check_token (req->msg, wrong_token ? wrong_token->param : self->token))
    {
      respond_unauthorized (req);
      return;
    }

  restart = take_fault (self, req, CATEGORY_RESTART);
  if (restart != NULL)
    qm_sim_warehouse_forget (self->warehouse, (gsize) restart->value);

  fault = take_fault (self, req, CATEGORY_ANSWER);
  if (fault != NULL)
    {
      g_autofree char *retry = g_strdup_printf ("%" G_GINT64_FORMAT, fault->value);
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

      switch (fault->kind)
        {
        case QM_SIM_FAULT_HTTP_500:
          respond_problem (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal-error",
                           "The warehouse system failed (simulated)");
          return;
        case QM_SIM_FAULT_HTTP_503:
          soup_message_headers_replace (headers, "Retry-After", retry);
          respond_problem (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                           "The warehouse system is down for maintenance (simulated)");
          return;
        case QM_SIM_FAULT_HTTP_429:
          soup_message_headers_replace (headers, "Retry-After", retry);
          respond_problem (req, 429, "rate-limited",
                           "Too many requests; wait for Retry-After seconds (simulated)");
          return;
        case QM_SIM_FAULT_EXPIRED_TOKEN:
          respond_problem (req, SOUP_STATUS_GONE, "page-token-expired",
                           "The page token has expired; start the walk again without a page_token");
          return;
        case QM_SIM_FAULT_WRONG_TYPES:
          render.wrong_types = TRUE;
          break;
        case QM_SIM_FAULT_UNKNOWN_KIND:
          render.unknown_kind = TRUE;
          break;
        case QM_SIM_FAULT_INVALID_SKU:
          render.invalid_sku = TRUE;
          break;
        default:
          break;
        }
    }

  text = answer (req, &render, &status);
  if (text == NULL)
    return;

  switch (fault ? fault->kind : QM_SIM_N_FAULTS)
    {
    case QM_SIM_FAULT_TRUNCATE:
      text[strlen (text) / 2] = '\0';
      break;
    case QM_SIM_FAULT_MALFORMED:
      {
        char *colon = strchr (text, ':');

        /* {"id"="WH-EAST",... : a syntax error on the first member */
        if (colon != NULL)
          *colon = '=';
      }
      break;
    case QM_SIM_FAULT_DEEP_NESTING:
      {
        gsize depth = (gsize) CLAMP (fault->value, 1, 100000000);

        g_free (text);
        text = g_malloc (2 * depth + 1);
        memset (text, '[', depth);
        memset (text + depth, ']', depth);
        text[2 * depth] = '\0';
      }
      break;
    case QM_SIM_FAULT_TRICKLE:
      start_stream (req, STREAM_TRICKLE, status, g_steal_pointer (&text), fault->value);
      return;
    case QM_SIM_FAULT_DROP:
      start_stream (req, STREAM_DROP, status, g_steal_pointer (&text), fault->value);
      return;
    case QM_SIM_FAULT_OVERSIZED:
      start_stream (req, STREAM_OVERSIZED, status, g_steal_pointer (&text), fault->value);
      return;
    default:
      break;
    }

  respond (req, status, "application/json", g_steal_pointer (&text));
}

static gboolean
on_latency_done_cb (gpointer user_data)
{
  Request *req = user_data;

  req->timeout_id = 0;
  run_request (req);
  /* unless it streams, the message is answered: drop it once it is sent */
  return G_SOURCE_REMOVE;
}

/* ---- control API --------------------------------------------------------- */

static void
append_faults (QmSimServer *self,
               GString     *out)
{
  g_string_append (out, "\"faults\":[");
  for (guint i = 0; i < self->faults->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      qm_sim_fault_append_json (g_ptr_array_index (self->faults, i), out);
    }
  g_string_append_c (out, ']');
}

static gint64
member_int (JsonObject *obj,
            const char *name,
            gint64      default_value)
{
  JsonNode *node = obj ? json_object_get_member (obj, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return default_value;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  return default_value;
}

static void
control_fault (Request    *req,
               JsonObject *obj)
{
  QmSimServer *self = req->self;
  JsonNode *param_node = json_object_get_member (obj, "param");
  const char *name = json_object_get_string_member_with_default (obj, "fault", NULL);
  const char *path = json_object_get_string_member_with_default (obj, "path", NULL);
  g_autofree char *param = NULL;
  g_autofree char *spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QmSimFault) fault = NULL;
  GString *out;

  if (name == NULL)
    {
      respond_problem (req, SOUP_STATUS_BAD_REQUEST, "invalid-control", "Give the fault's name in \"fault\"");
      return;
    }

  if (param_node != NULL && JSON_NODE_HOLDS_VALUE (param_node))
    {
      if (json_node_get_value_type (param_node) == G_TYPE_INT64)
        param = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (param_node));
      else if (json_node_get_value_type (param_node) == G_TYPE_STRING)
        param = g_strdup (json_node_get_string (param_node));
    }

  spec = param != NULL && strchr (name, ':') == NULL ? g_strconcat (name, ":", param, NULL) : g_strdup (name);
  fault = qm_sim_fault_parse (spec, &error);
  if (fault == NULL)
    {
      respond_problem (req, SOUP_STATUS_BAD_REQUEST, "invalid-control", error->message);
      return;
    }
  if (json_object_has_member (obj, "count"))
    fault->count = (guint) CLAMP (member_int (obj, "count", 0), 0, G_MAXUINT);
  fault->after = (guint) CLAMP (member_int (obj, "after", 0), 0, G_MAXUINT);
  qm_sim_fault_set_path (fault, path);
  if (fault->kind == QM_SIM_FAULT_RESTART && fault->count == 0)
    fault->count = 1;

  qm_sim_server_add_fault (self, g_steal_pointer (&fault));

  out = g_string_new ("{");
  append_faults (self, out);
  g_string_append_c (out, '}');
  respond (req, SOUP_STATUS_OK, "application/json", g_string_free (out, FALSE));
}

static void
handle_control (Request *req)
{
  QmSimServer *self = req->self;
  const char *what = req->path + strlen ("control/");
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = NULL;
  GString *out;

  if (!check_token (req->msg, self->token))
    {
      respond_unauthorized (req);
      return;
    }

  if (soup_server_message_get_method (req->msg) == SOUP_METHOD_GET && g_str_equal (what, "state"))
    {
      out = g_string_new ("{\"id\":");
      qm_sim_json_append_string (out, qm_sim_warehouse_get_id (self->warehouse));
      g_string_append_printf (out, ",\"last_seq\":%" G_GINT64_FORMAT ",\"pending_orders\":%u,",
                              qm_sim_warehouse_get_last_seq (self->warehouse),
                              qm_sim_world_get_n_pending_orders (self->world, self->warehouse));
      append_faults (self, out);
      g_string_append_c (out, '}');
      respond (req, SOUP_STATUS_OK, "application/json", g_string_free (out, FALSE));
      return;
    }

  if (soup_server_message_get_method (req->msg) != SOUP_METHOD_POST)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Allow", "POST");
      respond_problem (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                       "Control calls are POSTs (except GET control/state)");
      return;
    }

  if (soup_server_message_get_request_body (req->msg)->length > 0)
    {
      root = parse_body (req);
      if (root == NULL)
        return;
      if (!JSON_NODE_HOLDS_OBJECT (root))
        {
          respond_problem (req, SOUP_STATUS_BAD_REQUEST, "invalid-control", "The body must be a JSON object");
          return;
        }
      obj = json_node_get_object (root);
    }

  if (g_str_equal (what, "fault"))
    {
      if (obj == NULL)
        respond_problem (req, SOUP_STATUS_BAD_REQUEST, "invalid-control", "Give the fault as a JSON object");
      else
        control_fault (req, obj);
      return;
    }

  out = g_string_new ("{");
  if (g_str_equal (what, "clear"))
    {
      qm_sim_server_clear_faults (self);
    }
  else if (g_str_equal (what, "advance"))
    {
      gint64 n = member_int (obj, "movements", 1);
      guint delivered = qm_sim_world_deliver (self->world, self->warehouse);

      qm_sim_world_advance (self->world, self->warehouse, (guint) CLAMP (n, 0, 10000000));
      g_string_append_printf (out, "\"delivered_orders\":%u,", delivered);
    }
  else if (g_str_equal (what, "deliver"))
    {
      g_string_append_printf (out, "\"delivered_orders\":%u,",
                              qm_sim_world_deliver (self->world, self->warehouse));
    }
  else if (g_str_equal (what, "expire-tokens"))
    {
      self->generation++;
    }
  else if (g_str_equal (what, "restart"))
    {
      qm_sim_warehouse_forget (self->warehouse, (gsize) CLAMP (member_int (obj, "forget", 100), 0, G_MAXINT64));
    }
  else
    {
      g_string_free (out, TRUE);
      respond_problem (req, SOUP_STATUS_NOT_FOUND, "not-found",
                       "Control calls: fault, clear, advance, deliver, expire-tokens, restart, state");
      return;
    }

  g_string_append_printf (out, "\"last_seq\":%" G_GINT64_FORMAT ",",
                          qm_sim_warehouse_get_last_seq (self->warehouse));
  append_faults (self, out);
  g_string_append_c (out, '}');
  respond (req, SOUP_STATUS_OK, "application/json", g_string_free (out, FALSE));
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  QmSimServer *self = user_data;
  g_autoptr(QmSimFault) latency = NULL;
  Request *req;

  req = g_new0 (Request, 1);
  req->self = self;
  req->msg = g_object_ref (msg);
  while (*path == '/')
    path++;
  req->path = g_strdup (path);
  req->query = query ? g_hash_table_ref (query) : NULL;

  if (self->verbose)
    g_message ("%s: %s /%s", qm_sim_warehouse_get_id (self->warehouse),
               soup_server_message_get_method (msg), req->path);

  if (g_str_has_prefix (req->path, "control/"))
    {
      handle_control (req);
      request_free (req);
      return;
    }

  latency = take_fault (self, req, CATEGORY_LATENCY);
  if (latency != NULL && latency->value > 0)
    {
      request_track (req);
      req->paused = TRUE;
      soup_server_message_pause (msg);
      req->timeout_id = g_timeout_add ((guint) MIN (latency->value, G_MAXUINT), on_latency_done_cb, req);
      return;
    }

  run_request (req);
  if (req->finished_id == 0)
    request_free (req);
}

/* ---- public API -------------------------------------------------------- */

/**
 * qm_sim_server_new:
 * @world: the simulation
 * @warehouse: the warehouse this endpoint serves
 * @token: the bearer token clients must send (also for control calls)
 *
 * Returns: (transfer full): an endpoint; call qm_sim_server_listen()
 */
QmSimServer *
qm_sim_server_new (QmSimWorld     *world,
                   QmSimWarehouse *warehouse,
                   const char     *token)
{
  QmSimServer *self;

  g_return_val_if_fail (QM_SIM_IS_WORLD (world), NULL);
  g_return_val_if_fail (QM_SIM_IS_WAREHOUSE (warehouse), NULL);
  g_return_val_if_fail (token != NULL && *token != '\0', NULL);

  self = g_object_new (QM_SIM_TYPE_SERVER, NULL);
  self->world = g_object_ref (world);
  self->warehouse = g_object_ref (warehouse);
  self->token = g_strdup (token);
  self->soup = soup_server_new ("server-header", "quartermaster-sim/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);

  return self;
}

/**
 * qm_sim_server_listen:
 * @port: a port on 127.0.0.1, or 0 for any free one
 */
gboolean
qm_sim_server_listen (QmSimServer  *self,
                      guint         port,
                      GError      **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  GSList *uris;

  g_return_val_if_fail (QM_SIM_IS_SERVER (self), FALSE);

  address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  if (!soup_server_listen (self->soup, address,
                           self->https ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    self->port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

guint
qm_sim_server_get_port (QmSimServer *self)
{
  g_return_val_if_fail (QM_SIM_IS_SERVER (self), 0);
  return self->port;
}

/**
 * qm_sim_server_set_tls_certificate:
 * @certificate: the certificate (with its key) to serve https with
 *
 * Call before qm_sim_server_listen(); the endpoint then speaks only https.
 */
void
qm_sim_server_set_tls_certificate (QmSimServer     *self,
                                   GTlsCertificate *certificate)
{
  g_return_if_fail (QM_SIM_IS_SERVER (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));

  soup_server_set_tls_certificate (self->soup, certificate);
  self->https = TRUE;
}

/* Returns: (transfer full): the base URL, "http://127.0.0.1:PORT/" (or https) */
char *
qm_sim_server_get_url (QmSimServer *self)
{
  g_return_val_if_fail (QM_SIM_IS_SERVER (self), NULL);
  return g_strdup_printf ("%s://127.0.0.1:%u/", self->https ? "https" : "http", self->port);
}

QmSimWarehouse *
qm_sim_server_get_warehouse (QmSimServer *self)
{
  g_return_val_if_fail (QM_SIM_IS_SERVER (self), NULL);
  return self->warehouse;
}

/* How long a page token stays valid after it was issued. */
void
qm_sim_server_set_page_token_ttl (QmSimServer *self,
                                  guint        seconds)
{
  g_return_if_fail (QM_SIM_IS_SERVER (self));
  self->page_token_ttl = seconds;
}

void
qm_sim_server_set_verbose (QmSimServer *self,
                           gboolean     verbose)
{
  g_return_if_fail (QM_SIM_IS_SERVER (self));
  self->verbose = verbose;
}

/**
 * qm_sim_server_add_fault:
 * @fault: (transfer full): the fault
 */
void
qm_sim_server_add_fault (QmSimServer *self,
                         QmSimFault  *fault)
{
  g_return_if_fail (QM_SIM_IS_SERVER (self));
  g_return_if_fail (fault != NULL);

  g_ptr_array_add (self->faults, fault);
}

gboolean
qm_sim_server_add_fault_spec (QmSimServer  *self,
                              const char   *spec,
                              GError      **error)
{
  QmSimFault *fault = qm_sim_fault_parse (spec, error);

  if (fault == NULL)
    return FALSE;
  qm_sim_server_add_fault (self, fault);
  return TRUE;
}

void
qm_sim_server_clear_faults (QmSimServer *self)
{
  g_return_if_fail (QM_SIM_IS_SERVER (self));
  g_ptr_array_set_size (self->faults, 0);
}

guint
qm_sim_server_get_n_faults (QmSimServer *self)
{
  g_return_val_if_fail (QM_SIM_IS_SERVER (self), 0);
  return self->faults->len;
}
