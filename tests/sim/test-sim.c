/* test-sim.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim-test"

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "qm-sim-json.h"
#include "qm-sim-server.h"
#include "qm-sim-world.h"

/* ---- fixture: two warehouses served in-process ------------------------- */

typedef struct
{
  QmSimWorld  *world;
  QmSimServer *east;
  QmSimServer *south;
  SoupSession *session;
} Fixture;

static void
small_config (QmSimWorldConfig *config)
{
  qm_sim_world_config_init (config);
  config->seed = 42;
  config->n_skus = 60;
  config->n_days = 20;
  config->movements_per_day = 60;
}

static QmSimWorld *
make_world (const QmSimWorldConfig *config,
            const char * const     *regions)
{
  QmSimWorld *world = qm_sim_world_new (config);

  for (guint i = 0; regions[i] != NULL; i++)
    g_assert_nonnull (qm_sim_world_add_warehouse (world, NULL, regions[i], NULL));
  qm_sim_world_generate (world);
  return world;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const char * const regions[] = { "east", "south", NULL };
  QmSimWorldConfig config;
  g_autoptr(GError) error = NULL;

  small_config (&config);
  f->world = make_world (&config, regions);
  qm_sim_world_set_order_delay (f->world, -1);

  f->east = qm_sim_server_new (f->world, qm_sim_world_get_warehouse (f->world, 0), "demo-token");
  f->south = qm_sim_server_new (f->world, qm_sim_world_get_warehouse (f->world, 1), "demo-token");
  qm_sim_server_listen (f->east, 0, &error);
  g_assert_no_error (error);
  qm_sim_server_listen (f->south, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qm_sim_server_get_port (f->east), >, 0);

  f->session = soup_session_new_with_options ("timeout", 60, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_session_abort (f->session);
  g_clear_object (&f->session);
  g_assert_finalize_object (f->east);
  g_assert_finalize_object (f->south);
  /* let libsoup drop what it still holds of finished connections */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->world);
}

/* ---- a small HTTP client --------------------------------------------- */

typedef struct
{
  gboolean            done;
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
  GError             *error;
} Reply;

static void
reply_free (Reply *r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_clear_error (&r->error);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Reply *r = user_data;

  r->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);
  r->done = TRUE;
}

static Reply *
fetch_full (Fixture     *f,
            QmSimServer *server,
            const char  *method,
            const char  *path,
            const char  *token,
            const char  *idempotency_key,
            const char  *body)
{
  g_autofree char *base = qm_sim_server_get_url (server);
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  Reply *r = g_new0 (Reply, 1);

  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);

  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return r;
}

static Reply *
get (Fixture     *f,
     QmSimServer *server,
     const char  *path)
{
  return fetch_full (f, server, "GET", path, "demo-token", NULL, NULL);
}

static Reply *
control (Fixture     *f,
         QmSimServer *server,
         const char  *what,
         const char  *body)
{
  g_autofree char *path = g_strconcat ("control/", what, NULL);
  Reply *r = fetch_full (f, server, "POST", path, "demo-token", NULL, body);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  return r;
}

static void
control_void (Fixture     *f,
              QmSimServer *server,
              const char  *what,
              const char  *body)
{
  reply_free (control (f, server, what, body));
}

static JsonNode *
parse (Reply *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *data;
  gsize len;

  g_assert_no_error (r->error);
  g_assert_nonnull (r->body);
  data = g_bytes_get_data (r->body, &len);
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
get_json (Fixture     *f,
          QmSimServer *server,
          const char  *path)
{
  g_autoptr(Reply) r = get (f, server, path);

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, 200);
  return parse (r);
}

static const char *
body_text (Reply *r)
{
  /* GBytes from libsoup is not NUL-terminated: keep a copy on the reply */
  gsize len;
  const char *data = g_bytes_get_data (r->body, &len);
  GBytes *copy;
  char *text = g_malloc (len + 1);

  memcpy (text, data, len);
  text[len] = '\0';
  copy = g_bytes_new_take (text, len);
  g_bytes_unref (r->body);
  r->body = copy;
  return text;
}

/* ---- folding ------------------------------------------------------------ */

static char *
stock_key (const char *sku,
           const char *status)
{
  return g_strconcat (sku, "\n", status, NULL);
}

/* Folds movements into @stock (key → gint64*), asserting it never goes
 * below zero. */
static void
fold_movement (GHashTable *stock,
               const char *sku,
               const char *from,
               const char *to,
               gint64      quantity)
{
  if (from != NULL)
    {
      g_autofree char *key = stock_key (sku, from);
      gint64 *v = g_hash_table_lookup (stock, key);

      g_assert_nonnull (v);
      *v -= quantity;
      g_assert_cmpint (*v, >=, 0);
      if (*v == 0)
        g_hash_table_remove (stock, key);
    }
  if (to != NULL)
    {
      char *key = stock_key (sku, to);
      gint64 *v = g_hash_table_lookup (stock, key);

      if (v == NULL)
        {
          v = g_new0 (gint64, 1);
          g_hash_table_insert (stock, key, v);
        }
      else
        g_free (key);
      *v += quantity;
    }
}

static GHashTable *
stock_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Walks v1/movements with @limit and returns every movement in order. */
static GPtrArray *
walk_movements (Fixture     *f,
                QmSimServer *server,
                guint        limit)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  gint64 after = 0;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("v1/movements?after_seq=%" G_GINT64_FORMAT "&limit=%u", after, limit);
      g_autoptr(JsonNode) root = get_json (f, server, path);
      JsonObject *obj = json_node_get_object (root);
      JsonArray *mv = json_object_get_array_member (obj, "movements");
      guint n = json_array_get_length (mv);

      g_assert_cmpuint (n, <=, limit);
      for (guint i = 0; i < n; i++)
        {
          JsonObject *m = json_array_get_object_element (mv, i);
          gint64 seq = json_object_get_int_member (m, "seq");

          g_assert_cmpint (seq, >, after);
          after = seq;
          g_ptr_array_add (all, json_node_ref (json_array_get_element (mv, i)));
        }
      if (n == 0 || after == json_object_get_int_member (obj, "last_seq"))
        break;
    }

  return all;
}

/* Walks v1/stock; returns the rows and the walk's as_of_seq. */
static GPtrArray *
walk_stock (Fixture     *f,
            QmSimServer *server,
            guint        page_size,
            gint64      *as_of_seq)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *token = NULL;
  gint64 as_of = -1;

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonNode) root = NULL;
      JsonObject *obj;
      JsonArray *items;
      JsonNode *next;

      if (token != NULL)
        path = g_strdup_printf ("v1/stock?page_size=%u&page_token=%s", page_size, token);
      else
        path = g_strdup_printf ("v1/stock?page_size=%u", page_size);
      root = get_json (f, server, path);
      obj = json_node_get_object (root);
      items = json_object_get_array_member (obj, "items");
      g_assert_cmpuint (json_array_get_length (items), <=, page_size);

      if (as_of < 0)
        as_of = json_object_get_int_member (obj, "as_of_seq");
      g_assert_cmpint (json_object_get_int_member (obj, "as_of_seq"), ==, as_of);

      for (guint i = 0; i < json_array_get_length (items); i++)
        g_ptr_array_add (rows, json_node_ref (json_array_get_element (items, i)));

      g_clear_pointer (&token, g_free);
      next = json_object_get_member (obj, "next_page_token");
      g_assert_nonnull (next);
      if (!JSON_NODE_HOLDS_NULL (next))
        token = g_uri_escape_string (json_node_get_string (next), NULL, FALSE);
    }
  while (token != NULL);

  if (as_of_seq)
    *as_of_seq = as_of;
  return rows;
}

static void
assert_rows_sorted (GPtrArray *rows)
{
  for (guint i = 1; i < rows->len; i++)
    {
      JsonObject *a = json_node_get_object (rows->pdata[i - 1]);
      JsonObject *b = json_node_get_object (rows->pdata[i]);
      int c = strcmp (json_object_get_string_member (a, "sku"), json_object_get_string_member (b, "sku"));

      if (c == 0)
        c = strcmp (json_object_get_string_member (a, "status"), json_object_get_string_member (b, "status"));
      /* strictly increasing: sorted and without duplicates */
      g_assert_cmpint (c, <, 0);
    }
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (rows->pdata[i]), "quantity"), >, 0);
}

/* ---- generator tests ---------------------------------------------------- */

static gboolean
same_ledger (QmSimWarehouse *a,
             QmSimWarehouse *b)
{
  gsize na, nb;
  const QmSimMovement *ma = qm_sim_warehouse_get_movements (a, &na);
  const QmSimMovement *mb = qm_sim_warehouse_get_movements (b, &nb);

  if (na != nb)
    return FALSE;
  for (gsize i = 0; i < na; i++)
    if (ma[i].seq != mb[i].seq || ma[i].at != mb[i].at || ma[i].quantity != mb[i].quantity ||
        ma[i].unit_cost != mb[i].unit_cost || ma[i].sku != mb[i].sku || ma[i].kind != mb[i].kind ||
        ma[i].from_status != mb[i].from_status || ma[i].to_status != mb[i].to_status ||
        ma[i].channel != mb[i].channel || ma[i].reason != mb[i].reason ||
        g_strcmp0 (ma[i].reference, mb[i].reference) != 0 ||
        g_strcmp0 (ma[i].counterparty, mb[i].counterparty) != 0)
      return FALSE;
  return TRUE;
}

static void
test_generator_deterministic (void)
{
  static const char * const regions[] = { "east", "south", "west", "central", NULL };
  QmSimWorldConfig config;
  g_autoptr(QmSimWorld) a = NULL;
  g_autoptr(QmSimWorld) b = NULL;
  g_autoptr(QmSimWorld) c = NULL;

  small_config (&config);
  a = make_world (&config, regions);
  b = make_world (&config, regions);
  config.seed = 43;
  c = make_world (&config, regions);

  for (guint i = 0; i < 4; i++)
    {
      g_assert_true (same_ledger (qm_sim_world_get_warehouse (a, i), qm_sim_world_get_warehouse (b, i)));
      g_assert_false (same_ledger (qm_sim_world_get_warehouse (a, i), qm_sim_world_get_warehouse (c, i)));
      g_assert_cmpint (qm_sim_warehouse_get_capacity_units (qm_sim_world_get_warehouse (a, i)), ==,
                       qm_sim_warehouse_get_capacity_units (qm_sim_world_get_warehouse (b, i)));
    }

  /* live continuation is deterministic too */
  qm_sim_world_advance (a, qm_sim_world_get_warehouse (a, 0), 500);
  qm_sim_world_advance (b, qm_sim_world_get_warehouse (b, 0), 500);
  g_assert_true (same_ledger (qm_sim_world_get_warehouse (a, 0), qm_sim_world_get_warehouse (b, 0)));
}

static void
test_generator_output_deterministic (Fixture       *f,
                                     gconstpointer  data)
{
  static const char * const regions[] = { "east", "south", NULL };
  QmSimWorldConfig config;
  g_autoptr(QmSimWorld) twin = NULL;
  g_autoptr(QmSimServer) twin_east = NULL;
  g_autoptr(Reply) r1 = NULL;
  g_autoptr(Reply) r2 = NULL;
  const char *paths[] = { "v1/warehouse", "v1/products?page_size=10000", "v1/stock?page_size=10000",
                          "v1/movements?limit=10000" };

  small_config (&config);
  twin = make_world (&config, regions);
  twin_east = qm_sim_server_new (twin, qm_sim_world_get_warehouse (twin, 0), "demo-token");
  g_assert_true (qm_sim_server_listen (twin_east, 0, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(Reply) a = get (f, f->east, paths[i]);
      g_autoptr(Reply) b = get (f, twin_east, paths[i]);

      g_assert_cmpuint (a->status, ==, 200);
      g_assert_true (g_bytes_equal (a->body, b->body));
    }

  /* a fixed date: the history ends on the end date, before "now" */
  r1 = get (f, f->east, "v1/movements?limit=10000");
  {
    g_autoptr(JsonNode) root = parse (r1);
    JsonArray *mv = json_object_get_array_member (json_node_get_object (root), "movements");
    JsonObject *first = json_array_get_object_element (mv, 0);
    JsonObject *last = json_array_get_object_element (mv, json_array_get_length (mv) - 1);

    g_assert_cmpstr (json_object_get_string_member (first, "at"), ==, "2026-11-08T00:00:00Z");
    g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "opening_balance");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (last, "at"), "2026-11-27T"));
    g_assert_cmpint (strcmp (json_object_get_string_member (last, "at"), "2026-11-27T16:00:00Z"), <, 0);
  }
  g_clear_object (&twin_east);
}

/* Every movement has the fields its kind requires (contract table). */
static void
assert_movement_shape (JsonObject *m)
{
  const char *kind = json_object_get_string_member (m, "kind");
  const char *from = json_object_get_string_member_with_default (m, "from_status", NULL);
  const char *to = json_object_get_string_member_with_default (m, "to_status", NULL);
  const char *cost = json_object_get_string_member_with_default (m, "unit_cost", NULL);
  const char *ref = json_object_get_string_member_with_default (m, "reference", NULL);
  const char *cp = json_object_get_string_member_with_default (m, "counterparty", NULL);
  const char *channel = json_object_get_string_member_with_default (m, "channel", NULL);
  const char *reason = json_object_get_string_member_with_default (m, "reason", NULL);
  gint64 q = json_object_get_int_member (m, "quantity");
  gint64 money;

  g_assert_cmpint (q, >, 0);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (m, "at"), "Z"));
  if (cost != NULL)
    {
      g_assert_true (qm_sim_parse_money (cost, &money));
      g_assert_cmpuint (strlen (strchr (cost, '.')), ==, 5);   /* exactly 4 decimals */
    }

  if (g_str_equal (kind, "opening_balance"))
    g_assert_true (from == NULL && to != NULL && cost != NULL);
  else if (g_str_equal (kind, "purchase_inbound"))
    g_assert_true (from == NULL && cost != NULL && ref != NULL &&
                   (g_strcmp0 (to, "pending_inspection") == 0 || g_strcmp0 (to, "qualified") == 0));
  else if (g_str_equal (kind, "inspection"))
    g_assert_true (g_strcmp0 (from, "pending_inspection") == 0 &&
                   (g_strcmp0 (to, "qualified") == 0 || g_strcmp0 (to, "defective") == 0));
  else if (g_str_equal (kind, "status_change"))
    g_assert_true (from != NULL && to != NULL && g_strcmp0 (from, to) != 0 && reason != NULL);
  else if (g_str_equal (kind, "sales_outbound"))
    g_assert_true (g_strcmp0 (from, "qualified") == 0 && to == NULL && channel != NULL);
  else if (g_str_equal (kind, "customer_return"))
    g_assert_true (from == NULL && channel != NULL &&
                   (g_strcmp0 (to, "pending_inspection") == 0 || g_strcmp0 (to, "defective") == 0));
  else if (g_str_equal (kind, "transfer_out"))
    g_assert_true (g_strcmp0 (from, "qualified") == 0 && to == NULL && cp != NULL && ref != NULL);
  else if (g_str_equal (kind, "transfer_in"))
    g_assert_true (from == NULL && cp != NULL && ref != NULL &&
                   (g_strcmp0 (to, "qualified") == 0 || g_strcmp0 (to, "pending_inspection") == 0));
  else if (g_str_equal (kind, "supplier_return"))
    g_assert_true (from != NULL && g_strcmp0 (from, "pending_inspection") != 0 && to == NULL && ref != NULL);
  else if (g_str_equal (kind, "adjustment"))
    g_assert_true ((from == NULL) != (to == NULL) && reason != NULL);
  else
    g_assert_not_reached ();
}

static void
test_generator_fold (Fixture       *f,
                     gconstpointer  data)
{
  QmSimServer *servers[] = { f->east, f->south };

  for (guint s = 0; s < G_N_ELEMENTS (servers); s++)
    {
      g_autoptr(GPtrArray) movements = walk_movements (f, servers[s], 333);
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GHashTable) stock = stock_table_new ();
      g_autoptr(GHashTable) kinds = g_hash_table_new (g_str_hash, g_str_equal);
      const char *prev_at = "";
      gint64 as_of = 0;

      for (guint i = 0; i < movements->len; i++)
        {
          JsonObject *m = json_node_get_object (movements->pdata[i]);
          const char *at = json_object_get_string_member (m, "at");

          assert_movement_shape (m);
          g_assert_cmpint (strcmp (prev_at, at), <, 0);   /* timestamps increase with seq */
          prev_at = at;
          g_hash_table_add (kinds, (gpointer) json_object_get_string_member (m, "kind"));
          fold_movement (stock, json_object_get_string_member (m, "sku"),
                         json_object_get_string_member_with_default (m, "from_status", NULL),
                         json_object_get_string_member_with_default (m, "to_status", NULL),
                         json_object_get_int_member (m, "quantity"));
        }

      /* the history uses every kind (transfers need two sites: we have them) */
      g_assert_cmpuint (g_hash_table_size (kinds), ==, QM_SIM_N_KINDS);

      rows = walk_stock (f, servers[s], 1000, &as_of);
      g_assert_cmpint (as_of, ==, json_object_get_int_member (json_node_get_object (movements->pdata[movements->len - 1]), "seq"));
      assert_rows_sorted (rows);
      g_assert_cmpuint (rows->len, ==, g_hash_table_size (stock));
      for (guint i = 0; i < rows->len; i++)
        {
          JsonObject *row = json_node_get_object (rows->pdata[i]);
          g_autofree char *key = stock_key (json_object_get_string_member (row, "sku"),
                                            json_object_get_string_member (row, "status"));
          gint64 *v = g_hash_table_lookup (stock, key);

          g_assert_nonnull (v);
          g_assert_cmpint (*v, ==, json_object_get_int_member (row, "quantity"));
        }
    }
}

static void
test_generator_transfers_pair (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) east = walk_movements (f, f->east, 10000);
  g_autoptr(GPtrArray) south = walk_movements (f, f->south, 10000);
  g_autoptr(GHashTable) outs = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_in = 0;

  for (guint i = 0; i < east->len; i++)
    {
      JsonObject *m = json_node_get_object (east->pdata[i]);

      if (g_str_equal (json_object_get_string_member (m, "kind"), "transfer_out"))
        g_hash_table_insert (outs, (gpointer) json_object_get_string_member (m, "reference"), m);
    }

  for (guint i = 0; i < south->len; i++)
    {
      JsonObject *in = json_node_get_object (south->pdata[i]);
      JsonObject *out;

      if (!g_str_equal (json_object_get_string_member (in, "kind"), "transfer_in") ||
          !g_str_equal (json_object_get_string_member (in, "counterparty"), "WH-EAST"))
        continue;

      out = g_hash_table_lookup (outs, json_object_get_string_member (in, "reference"));
      g_assert_nonnull (out);
      g_assert_cmpstr (json_object_get_string_member (out, "counterparty"), ==, "WH-SOUTH");
      g_assert_cmpstr (json_object_get_string_member (out, "sku"), ==, json_object_get_string_member (in, "sku"));
      g_assert_cmpint (json_object_get_int_member (out, "quantity"), ==, json_object_get_int_member (in, "quantity"));
      g_assert_cmpint (strcmp (json_object_get_string_member (out, "at"), json_object_get_string_member (in, "at")), <, 0);
      n_in++;
    }
  g_assert_cmpuint (n_in, >, 0);
}

static void
test_generator_catalog (void)
{
  g_autoptr(QmSimCatalog) catalog = qm_sim_catalog_new (1, 40);
  const guint32 *sorted = qm_sim_catalog_get_sorted (catalog);
  int tasse = qm_sim_catalog_lookup (catalog, "SKU-00003");
  gboolean newline = FALSE, leading_eq = FALSE, comma_quote = FALSE;

  g_assert_cmpint (tasse, ==, 2);
  g_assert_cmpstr (qm_sim_catalog_get_product (catalog, tasse)->name, ==, "Tasse 350 ml – weiß");
  g_assert_cmpint (qm_sim_catalog_lookup (catalog, "no such sku"), ==, -1);

  for (guint i = 0; i < 40; i++)
    {
      const QmSimProduct *p = qm_sim_catalog_get_product (catalog, i);

      newline |= strchr (p->name, '\n') != NULL;
      leading_eq |= p->name[0] == '=';
      comma_quote |= strchr (p->name, ',') != NULL && strchr (p->name, '"') != NULL;
    }
  g_assert_true (newline && leading_eq && comma_quote);

  /* bytewise: upper-case ASCII < lower-case < non-ASCII; "MUG-Ø350" < "SKU-…" */
  for (guint i = 1; i < 40; i++)
    g_assert_cmpint (strcmp (qm_sim_catalog_get_product (catalog, sorted[i - 1])->sku,
                             qm_sim_catalog_get_product (catalog, sorted[i])->sku), <, 0);
  g_assert_cmpstr (qm_sim_catalog_get_product (catalog, sorted[0])->sku, ==, "MUG-Ø350");
  g_assert_cmpstr (qm_sim_catalog_get_product (catalog, sorted[39])->sku, ==, "sku-legacy-0029");
}

static void
test_generator_hand_checked (void)
{
  static const struct {
    const char *text;
    gboolean    ok;
    gint64      value;
  } money[] = {
    { "12.5000", TRUE, 125000 },
    { "12.5", TRUE, 125000 },
    { "0.0001", TRUE, 1 },
    { "7", TRUE, 70000 },
    { "12.50001", FALSE, 0 },
    { "-1.00", FALSE, 0 },
    { "1e3", FALSE, 0 },
    { " 1.0", FALSE, 0 },
    { "1.", FALSE, 0 },
    { ".5", FALSE, 0 },
    { "", FALSE, 0 },
  };
  g_autofree char *m1 = qm_sim_format_money (125000);
  g_autofree char *m2 = qm_sim_format_money (1);
  g_autofree char *m3 = qm_sim_format_money (-25);
  g_autofree char *t1 = qm_sim_format_timestamp (G_GINT64_CONSTANT (1795737600));
  g_autofree char *t2 = qm_sim_format_timestamp (G_GINT64_CONSTANT (951825600));   /* leap day */
  g_autoptr(GString) s = g_string_new (NULL);
  gint64 date;

  for (guint i = 0; i < G_N_ELEMENTS (money); i++)
    {
      gint64 v = 0;

      g_assert_cmpint (qm_sim_parse_money (money[i].text, &v), ==, money[i].ok);
      if (money[i].ok)
        g_assert_cmpint (v, ==, money[i].value);
    }
  g_assert_cmpstr (m1, ==, "12.5000");
  g_assert_cmpstr (m2, ==, "0.0001");
  g_assert_cmpstr (m3, ==, "-0.0025");
  g_assert_cmpstr (t1, ==, "2026-11-27T00:00:00Z");
  g_assert_cmpstr (t2, ==, "2000-02-29T12:00:00Z");
  g_assert_true (qm_sim_parse_date ("2026-11-27", &date));
  g_assert_cmpint (date, ==, G_GINT64_CONSTANT (1795737600));
  g_assert_false (qm_sim_parse_date ("2026-13-01", &date));
  g_assert_false (qm_sim_parse_date ("2026-11-27x", &date));

  qm_sim_json_append_string (s, "a\"b\\c\nd\001é");
  g_assert_cmpstr (s->str, ==, "\"a\\\"b\\\\c\\nd\\u0001é\"");
  g_assert_cmpuint (qm_sim_json_max_depth ("[{\"a\":\"[[[[\"}]", 14), ==, 2);
}

/* A purchase order of 120 and a transfer of 7 change the fold by exactly
 * those numbers. */
static void
test_generator_orders_exact (void)
{
  static const char * const regions[] = { "east", "south", NULL };
  QmSimWorldConfig config;
  g_autoptr(QmSimWorld) world = NULL;
  QmSimWarehouse *east, *south;
  QmSimOrderLine line;
  g_autofree char *po = NULL;
  g_autofree char *tr = NULL;
  gint64 q0, p0, s0, seq0;
  int sku;
  gsize n;
  const QmSimMovement *mv;

  small_config (&config);
  world = make_world (&config, regions);
  qm_sim_world_set_order_delay (world, -1);
  east = qm_sim_world_get_warehouse (world, 0);
  south = qm_sim_world_get_warehouse (world, 1);
  sku = qm_sim_catalog_lookup (qm_sim_world_get_catalog (world), "SKU-00001");

  q0 = qm_sim_warehouse_get_stock (east, sku, QM_SIM_STATUS_QUALIFIED);
  p0 = qm_sim_warehouse_get_stock (east, sku, QM_SIM_STATUS_PENDING_INSPECTION);
  s0 = qm_sim_warehouse_get_stock (south, sku, QM_SIM_STATUS_QUALIFIED);
  seq0 = qm_sim_warehouse_get_last_seq (east);

  line = (QmSimOrderLine) { sku, 120, 125000 };
  po = qm_sim_world_submit_order (world, east, QM_SIM_ORDER_PURCHASE, NULL, &line, 1);
  g_assert_true (g_str_has_prefix (po, "PO-EAST-"));
  g_assert_cmpuint (qm_sim_world_get_n_pending_orders (world, east), ==, 1);
  g_assert_cmpint (qm_sim_warehouse_get_last_seq (east), ==, seq0);

  g_assert_cmpuint (qm_sim_world_deliver (world, east), ==, 1);
  g_assert_cmpint (qm_sim_warehouse_get_stock (east, sku, QM_SIM_STATUS_PENDING_INSPECTION), ==, p0 + 120);
  mv = qm_sim_warehouse_get_movements (east, &n);
  g_assert_cmpint (mv[n - 1].kind, ==, QM_SIM_KIND_PURCHASE_INBOUND);
  g_assert_cmpint (mv[n - 1].quantity, ==, 120);
  g_assert_cmpint (mv[n - 1].unit_cost, ==, 125000);
  g_assert_cmpstr (mv[n - 1].reference, ==, po);

  line = (QmSimOrderLine) { sku, 7, -1 };
  q0 = qm_sim_warehouse_get_stock (east, sku, QM_SIM_STATUS_QUALIFIED);
  g_assert_cmpint (q0, >=, 7);
  tr = qm_sim_world_submit_order (world, east, QM_SIM_ORDER_TRANSFER, "WH-SOUTH", &line, 1);
  g_assert_cmpuint (qm_sim_world_deliver (world, east), ==, 1);
  g_assert_cmpint (qm_sim_warehouse_get_stock (east, sku, QM_SIM_STATUS_QUALIFIED), ==, q0 - 7);
  g_assert_cmpint (qm_sim_warehouse_get_stock (south, sku, QM_SIM_STATUS_QUALIFIED), ==, s0 + 7);
  mv = qm_sim_warehouse_get_movements (south, &n);
  g_assert_cmpint (mv[n - 1].kind, ==, QM_SIM_KIND_TRANSFER_IN);
  g_assert_cmpstr (mv[n - 1].reference, ==, tr);
  g_assert_cmpstr (mv[n - 1].counterparty, ==, "WH-EAST");
}

static void
test_generator_large (void)
{
  static const char * const regions[] = { "east", "south", "west", "central", NULL };
  QmSimWorldConfig config;
  g_autoptr(QmSimWorld) world = NULL;

  qm_sim_world_config_init (&config);
  config.n_skus = 2000;
  config.n_days = 365;
  config.movements_per_day = 200;
  world = make_world (&config, regions);

  for (guint i = 0; i < 4; i++)
    {
      QmSimWarehouse *wh = qm_sim_world_get_warehouse (world, i);
      gsize n;

      qm_sim_warehouse_get_movements (wh, &n);
      g_test_message ("%s: %" G_GSIZE_FORMAT " movements, %" G_GINT64_FORMAT " units, capacity %" G_GINT64_FORMAT,
                      qm_sim_warehouse_get_id (wh), n, qm_sim_warehouse_get_total_units (wh),
                      qm_sim_warehouse_get_capacity_units (wh));
      g_assert_cmpuint (n, >, 365 * 200 * 9 / 10);
      g_assert_cmpint (qm_sim_warehouse_get_capacity_units (wh), >, qm_sim_warehouse_get_peak_units (wh));
    }
}

/* ---- HTTP tests ---------------------------------------------------------- */

static void
assert_problem (Reply *r,
                guint  status)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;

  g_assert_no_error (r->error);
  g_assert_cmpuint (r->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "application/problem+json");
  root = parse (r);
  g_assert_nonnull (root);
  obj = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (obj, "status"), ==, status);
  g_assert_nonnull (json_object_get_string_member (obj, "type"));
  g_assert_nonnull (json_object_get_string_member (obj, "title"));
  g_assert_nonnull (json_object_get_string_member (obj, "detail"));
}

static void
test_http_auth (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Reply) none = fetch_full (f, f->east, "GET", "v1/warehouse", NULL, NULL, NULL);
  g_autoptr(Reply) wrong = fetch_full (f, f->east, "GET", "v1/stock", "demo-tokenX", NULL, NULL);
  g_autoptr(Reply) prefix = fetch_full (f, f->east, "GET", "v1/stock", "demo-toke", NULL, NULL);
  g_autoptr(Reply) control_wrong = fetch_full (f, f->east, "POST", "control/clear", "nope", NULL, NULL);
  g_autoptr(Reply) ok = get (f, f->east, "v1/warehouse");
  g_autoptr(Reply) missing = get (f, f->east, "v1/nothing");
  g_autoptr(Reply) method = fetch_full (f, f->east, "POST", "v1/stock", "demo-token", NULL, "{}");

  assert_problem (none, 401);
  assert_problem (wrong, 401);
  assert_problem (prefix, 401);
  assert_problem (control_wrong, 401);
  assert_problem (missing, 404);
  assert_problem (method, 405);
  g_assert_cmpuint (ok->status, ==, 200);
}

static void
test_http_warehouse (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) root = get_json (f, f->east, "v1/warehouse");
  JsonObject *obj = json_node_get_object (root);
  JsonObject *location = json_object_get_object_member (obj, "location");
  QmSimWarehouse *wh = qm_sim_server_get_warehouse (f->east);

  g_assert_cmpint (json_object_get_int_member (obj, "protocol"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==, "WH-EAST");
  g_assert_cmpstr (json_object_get_string_member (obj, "region"), ==, "east");
  g_assert_cmpstr (json_object_get_string_member (obj, "currency"), ==, "CNY");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (location, "lat"), 31.23, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (location, "lon"), 121.47, 1e-9);
  g_assert_cmpint (json_object_get_int_member (obj, "last_seq"), ==, qm_sim_warehouse_get_last_seq (wh));
  g_assert_cmpint (json_object_get_int_member (obj, "capacity_units"), >, qm_sim_warehouse_get_total_units (wh));
}

static void
test_http_stock_paging (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) whole = walk_stock (f, f->east, 10000, NULL);
  static const guint sizes[] = { 1, 3, 7, 64 };
  g_autoptr(Reply) big = get (f, f->east, "v1/stock?page_size=10001");
  g_autoptr(Reply) zero = get (f, f->east, "v1/stock?page_size=0");
  g_autoptr(Reply) junk = get (f, f->east, "v1/stock?page_size=12abc");
  g_autoptr(Reply) forged = get (f, f->east, "v1/stock?page_token=c3RvY2s.0000");
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(GPtrArray) after = NULL;
  const char *token;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) second = NULL;

  assert_problem (big, 400);
  assert_problem (zero, 400);
  assert_problem (junk, 400);
  assert_problem (forged, 400);
  assert_rows_sorted (whole);
  g_assert_cmpuint (whole->len, >, 60);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(GPtrArray) rows = walk_stock (f, f->east, sizes[s], NULL);

      g_assert_cmpuint (rows->len, ==, whole->len);
      for (guint i = 0; i < rows->len; i++)
        g_assert_true (json_node_equal (rows->pdata[i], whole->pdata[i]));
    }

  /* a walk is a snapshot: movements written mid-walk do not show */
  first = get_json (f, f->east, "v1/stock?page_size=5");
  token = json_object_get_string_member (json_node_get_object (first), "next_page_token");
  escaped = g_uri_escape_string (token, NULL, FALSE);
  g_clear_pointer (&after, g_ptr_array_unref);
  control_void (f, f->east, "advance", "{\"movements\": 300}");
  path = g_strdup_printf ("v1/stock?page_size=10000&page_token=%s", escaped);
  second = get_json (f, f->east, path);
  {
    JsonObject *a = json_node_get_object (first);
    JsonObject *b = json_node_get_object (second);
    JsonArray *items = json_object_get_array_member (b, "items");

    g_assert_cmpint (json_object_get_int_member (a, "as_of_seq"), ==, json_object_get_int_member (b, "as_of_seq"));
    g_assert_cmpuint (5 + json_array_get_length (items), ==, whole->len);
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_true (json_node_equal (json_array_get_element (items, i), whole->pdata[5 + i]));
  }
  after = walk_stock (f, f->east, 10000, NULL);
  g_assert_cmpuint (after->len, >, 0);
}

static void
test_http_products_paging (Fixture       *f,
                           gconstpointer  data)
{
  QmSimWarehouse *wh = qm_sim_server_get_warehouse (f->east);
  guint n_listed;
  static const guint sizes[] = { 1, 4, 10000 };

  qm_sim_warehouse_get_listed_sorted (wh, &n_listed);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *token = NULL;
      g_autoptr(GPtrArray) skus = g_ptr_array_new_with_free_func (g_free);

      do
        {
          g_autofree char *path = token
            ? g_strdup_printf ("v1/products?page_size=%u&page_token=%s", sizes[s], token)
            : g_strdup_printf ("v1/products?page_size=%u", sizes[s]);
          g_autoptr(JsonNode) root = get_json (f, f->east, path);
          JsonObject *obj = json_node_get_object (root);
          JsonArray *items = json_object_get_array_member (obj, "items");
          JsonNode *next = json_object_get_member (obj, "next_page_token");

          for (guint i = 0; i < json_array_get_length (items); i++)
            {
              JsonObject *p = json_array_get_object_element (items, i);

              g_assert_cmpint (json_object_get_int_member (p, "pack_size"), >, 0);
              g_assert_nonnull (json_object_get_string_member (p, "name"));
              g_ptr_array_add (skus, g_strdup (json_object_get_string_member (p, "sku")));
            }
          g_clear_pointer (&token, g_free);
          if (!JSON_NODE_HOLDS_NULL (next))
            token = g_uri_escape_string (json_node_get_string (next), NULL, FALSE);
        }
      while (token != NULL);

      g_assert_cmpuint (skus->len, ==, n_listed);
      for (guint i = 1; i < skus->len; i++)
        g_assert_cmpint (strcmp (skus->pdata[i - 1], skus->pdata[i]), <, 0);
    }

  /* the awkward names come through intact */
  {
    g_autoptr(JsonNode) root = get_json (f, f->east, "v1/products?page_size=10000");
    JsonArray *items = json_object_get_array_member (json_node_get_object (root), "items");
    gboolean seen_newline = FALSE, seen_tasse = FALSE;

    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        const char *name = json_object_get_string_member (json_array_get_object_element (items, i), "name");

        seen_newline |= g_str_equal (name, "Gift set\nlimited edition");
        seen_tasse |= g_str_equal (name, "Tasse 350 ml – weiß");
      }
    g_assert_true (seen_newline && seen_tasse);
  }
}

static void
test_http_movements_paging (Fixture       *f,
                            gconstpointer  data)
{
  QmSimWarehouse *wh = qm_sim_server_get_warehouse (f->east);
  g_autoptr(GPtrArray) all = walk_movements (f, f->east, 10000);
  g_autoptr(GPtrArray) small = walk_movements (f, f->east, 17);
  g_autoptr(Reply) big = get (f, f->east, "v1/movements?limit=10001");
  g_autoptr(Reply) zero = get (f, f->east, "v1/movements?limit=0");
  g_autoptr(Reply) negative = get (f, f->east, "v1/movements?after_seq=-1");
  g_autoptr(JsonNode) page = get_json (f, f->east, "v1/movements");
  g_autofree char *past = g_strdup_printf ("v1/movements?after_seq=%" G_GINT64_FORMAT,
                                           qm_sim_warehouse_get_last_seq (wh));
  g_autoptr(JsonNode) empty = get_json (f, f->east, past);
  gsize n;

  qm_sim_warehouse_get_movements (wh, &n);
  assert_problem (big, 400);
  assert_problem (zero, 400);
  assert_problem (negative, 400);
  g_assert_cmpuint (all->len, ==, n);
  g_assert_cmpuint (small->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_true (json_node_equal (all->pdata[i], small->pdata[i]));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (page), "movements")),
                    ==, MIN (n, 1000));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (empty), "movements")),
                    ==, 0);
}

static GPtrArray *
movements_with_reference (Fixture     *f,
                          QmSimServer *server,
                          const char  *reference)
{
  g_autoptr(GPtrArray) all = walk_movements (f, server, 10000);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (all->pdata[i]), "reference", NULL),
                   reference) == 0)
      g_ptr_array_add (found, json_node_ref (all->pdata[i]));
  return found;
}

static void
test_http_orders (Fixture       *f,
                  gconstpointer  data)
{
  QmSimWarehouse *east = qm_sim_server_get_warehouse (f->east);
  const char *body = "{\"reference\": \"PLAN-2026-11-27-001\", \"requested_by\": \"planner\", "
                     "\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 120, \"expected_unit_cost\": \"12.5000\"}]}";
  /* equal as JSON: other member order and spacing */
  const char *same = "{\"lines\":[{\"expected_unit_cost\":\"12.5000\",\"quantity\":120,\"sku\":\"SKU-00001\"}],"
                     "\"requested_by\":\"planner\",\"reference\":\"PLAN-2026-11-27-001\"}";
  const char *other = "{\"reference\": \"PLAN-2026-11-27-001\", \"requested_by\": \"planner\", "
                      "\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 121, \"expected_unit_cost\": \"12.5000\"}]}";
  g_autoptr(Reply) no_key = fetch_full (f, f->east, "POST", "v1/purchase-orders", "demo-token", NULL, body);
  g_autoptr(Reply) first = fetch_full (f, f->east, "POST", "v1/purchase-orders", "demo-token", "key-1", body);
  g_autoptr(Reply) again = fetch_full (f, f->east, "POST", "v1/purchase-orders", "demo-token", "key-1", same);
  g_autoptr(Reply) changed = fetch_full (f, f->east, "POST", "v1/purchase-orders", "demo-token", "key-1", other);
  g_autoptr(Reply) cross = fetch_full (f, f->east, "POST", "v1/transfers", "demo-token", "key-1", body);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *id;
  JsonObject *mv;

  assert_problem (no_key, 400);
  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (again->status, ==, 201);
  assert_problem (changed, 422);
  assert_problem (cross, 422);

  a = parse (first);
  b = parse (again);
  g_assert_true (json_node_equal (a, b));
  id = json_object_get_string_member (json_node_get_object (a), "id");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (a), "status"), ==, "accepted");
  g_assert_true (g_str_has_prefix (id, "PO-EAST-"));
  g_assert_cmpuint (qm_sim_world_get_n_pending_orders (f->world, east), ==, 1);

  control_void (f, f->east, "deliver", NULL);
  g_assert_cmpuint (qm_sim_world_get_n_pending_orders (f->world, east), ==, 0);
  found = movements_with_reference (f, f->east, id);
  g_assert_cmpuint (found->len, ==, 1);
  mv = json_node_get_object (found->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (mv, "kind"), ==, "purchase_inbound");
  g_assert_cmpstr (json_object_get_string_member (mv, "sku"), ==, "SKU-00001");
  g_assert_cmpint (json_object_get_int_member (mv, "quantity"), ==, 120);
  g_assert_cmpstr (json_object_get_string_member (mv, "unit_cost"), ==, "12.5000");
  g_assert_cmpstr (json_object_get_string_member (mv, "to_status"), ==, "pending_inspection");

  /* replaying after delivery still creates nothing */
  {
    g_autoptr(Reply) late = fetch_full (f, f->east, "POST", "v1/purchase-orders", "demo-token", "key-1", body);
    g_autoptr(GPtrArray) still = NULL;

    g_assert_cmpuint (late->status, ==, 201);
    control_void (f, f->east, "deliver", NULL);
    still = movements_with_reference (f, f->east, id);
    g_assert_cmpuint (still->len, ==, 1);
  }
}

static void
test_http_order_validation (Fixture       *f,
                            gconstpointer  data)
{
  static const struct {
    const char *body;
    guint       status;
    const char *detail;
  } cases[] = {
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 1, \"expected_unit_cost\": \"1.00\"},"
      " {\"sku\": \"NOPE\", \"quantity\": 1, \"expected_unit_cost\": \"1.00\"}]}", 422, "lines[1]" },
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 0, \"expected_unit_cost\": \"1.00\"}]}", 422, "lines[0]" },
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 1000000000001, \"expected_unit_cost\": \"1.00\"}]}", 422, "lines[0]" },
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": \"5\", \"expected_unit_cost\": \"1.00\"}]}", 422, "quantity" },
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 2.5, \"expected_unit_cost\": \"1.00\"}]}", 422, "quantity" },
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 5, \"expected_unit_cost\": 1.5}]}", 422, "expected_unit_cost" },
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 5, \"expected_unit_cost\": \"1.12345\"}]}", 422, "expected_unit_cost" },
    { "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 5}]}", 422, "expected_unit_cost" },
    { "{\"lines\": []}", 422, "lines" },
    { "[1, 2]", 422, "object" },
    { "{\"lines\": [", 400, "JSON" },
    { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 400, "64" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_strdup_printf ("validation-%u", i);
      g_autoptr(Reply) r = fetch_full (f, f->east, "POST", "v1/purchase-orders", "demo-token", key, cases[i].body);
      g_autoptr(JsonNode) root = NULL;

      assert_problem (r, cases[i].status);
      root = parse (r);
      g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (root), "detail"), cases[i].detail));
    }

  /* transfers need a destination other than here */
  {
    g_autoptr(Reply) self_dest = fetch_full (f, f->east, "POST", "v1/transfers", "demo-token", "t-1",
                                             "{\"to_warehouse\": \"WH-EAST\", \"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 1}]}");
    g_autoptr(Reply) no_dest = fetch_full (f, f->east, "POST", "v1/transfers", "demo-token", "t-2",
                                           "{\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 1}]}");

    assert_problem (self_dest, 422);
    assert_problem (no_dest, 422);
  }
  g_assert_cmpuint (qm_sim_world_get_n_pending_orders (f->world, qm_sim_server_get_warehouse (f->east)), ==, 0);
}

static void
test_http_transfer (Fixture       *f,
                    gconstpointer  data)
{
  QmSimWarehouse *east = qm_sim_server_get_warehouse (f->east);
  int sku = qm_sim_catalog_lookup (qm_sim_world_get_catalog (f->world), "SKU-00001");
  gint64 have = qm_sim_warehouse_get_stock (east, sku, QM_SIM_STATUS_QUALIFIED);
  g_autoptr(Reply) r = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) out = NULL;
  g_autoptr(GPtrArray) in = NULL;
  const char *id;

  g_assert_cmpint (have, >=, 3);
  r = fetch_full (f, f->east, "POST", "v1/transfers", "demo-token", "tr-1",
                  "{\"reference\": \"MOVE-1\", \"to_warehouse\": \"WH-SOUTH\", "
                  "\"lines\": [{\"sku\": \"SKU-00001\", \"quantity\": 3}]}");
  g_assert_cmpuint (r->status, ==, 201);
  root = parse (r);
  id = json_object_get_string_member (json_node_get_object (root), "id");

  control_void (f, f->east, "advance", "{\"movements\": 0}");   /* delivers */
  out = movements_with_reference (f, f->east, id);
  in = movements_with_reference (f, f->south, id);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (in->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (out->pdata[0]), "kind"), ==, "transfer_out");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (out->pdata[0]), "counterparty"), ==, "WH-SOUTH");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (in->pdata[0]), "kind"), ==, "transfer_in");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (in->pdata[0]), "counterparty"), ==, "WH-EAST");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (in->pdata[0]), "quantity"), ==, 3);
  g_assert_cmpint (qm_sim_warehouse_get_stock (east, sku, QM_SIM_STATUS_QUALIFIED), ==, have - 3);
}

/* ---- faults ------------------------------------------------------------ */

static void
add_fault (Fixture    *f,
           const char *json)
{
  control_void (f, f->east, "fault", json);
}

static void
test_fault_status (Fixture       *f,
                   gconstpointer  data)
{
  add_fault (f, "{\"fault\": \"503\", \"param\": 5, \"count\": 1}");
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/warehouse");
    g_autoptr(Reply) next = get (f, f->east, "v1/warehouse");

    assert_problem (r, 503);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "5");
    g_assert_cmpuint (next->status, ==, 200);   /* count 1: used up */
  }

  add_fault (f, "{\"fault\": \"429\", \"count\": 2}");
  {
    g_autoptr(Reply) r1 = get (f, f->east, "v1/stock");
    g_autoptr(Reply) r2 = get (f, f->east, "v1/stock");
    g_autoptr(Reply) r3 = get (f, f->east, "v1/stock");

    assert_problem (r1, 429);
    assert_problem (r2, 429);
    g_assert_cmpstr (soup_message_headers_get_one (r1->headers, "Retry-After"), ==, "2");
    g_assert_cmpuint (r3->status, ==, 200);
  }

  /* path filter, after, and until cleared */
  add_fault (f, "{\"fault\": \"500\", \"path\": \"v1/movements\", \"after\": 1}");
  {
    g_autoptr(Reply) m1 = get (f, f->east, "v1/movements?limit=1");
    g_autoptr(Reply) w = get (f, f->east, "v1/warehouse");
    g_autoptr(Reply) m2 = get (f, f->east, "v1/movements?limit=1");
    g_autoptr(Reply) m3 = get (f, f->east, "v1/movements?limit=1");
    g_autoptr(Reply) m4 = NULL;
    g_autoptr(Reply) other = get (f, f->south, "v1/movements?limit=1");

    g_assert_cmpuint (m1->status, ==, 200);
    g_assert_cmpuint (w->status, ==, 200);
    assert_problem (m2, 500);
    assert_problem (m3, 500);
    g_assert_cmpuint (other->status, ==, 200);   /* faults are per warehouse */
    control_void (f, f->east, "clear", NULL);
    m4 = get (f, f->east, "v1/movements?limit=1");
    g_assert_cmpuint (m4->status, ==, 200);
  }

  /* flags use the same syntax */
  g_assert_true (qm_sim_server_add_fault_spec (f->east, "503:9,count=1,path=v1/stock", NULL));
  g_assert_false (qm_sim_server_add_fault_spec (f->east, "teleport", NULL));
  g_assert_false (qm_sim_server_add_fault_spec (f->east, "latency:soon", NULL));
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/stock");

    assert_problem (r, 503);
    g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "9");
  }
  g_assert_cmpuint (qm_sim_server_get_n_faults (f->east), ==, 0);
}

static void
test_fault_bodies (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Reply) normal = get (f, f->east, "v1/movements?limit=50");

  add_fault (f, "{\"fault\": \"truncate\", \"count\": 1}");
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/movements?limit=50");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r->body), ==, g_bytes_get_size (normal->body) / 2);
    root = parse (r);
    g_assert_null (root);
  }

  add_fault (f, "{\"fault\": \"malformed\", \"count\": 1}");
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/movements?limit=50");
    g_autoptr(JsonNode) root = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r->body), ==, g_bytes_get_size (normal->body));
    root = parse (r);
    g_assert_null (root);
  }

  add_fault (f, "{\"fault\": \"wrong-types\", \"count\": 2}");
  {
    g_autoptr(JsonNode) mv = get_json (f, f->east, "v1/movements?limit=5");
    g_autoptr(JsonNode) wh = get_json (f, f->east, "v1/warehouse");
    JsonObject *m = json_array_get_object_element (json_object_get_array_member (json_node_get_object (mv), "movements"), 0);

    g_assert_cmpint (json_node_get_value_type (json_object_get_member (m, "quantity")), ==, G_TYPE_STRING);
    g_assert_cmpint (json_node_get_value_type (json_object_get_member (json_node_get_object (wh), "last_seq")), ==, G_TYPE_STRING);
  }

  add_fault (f, "{\"fault\": \"unknown-kind\", \"count\": 1}");
  {
    g_autoptr(JsonNode) mv = get_json (f, f->east, "v1/movements?limit=50");
    JsonArray *arr = json_object_get_array_member (json_node_get_object (mv), "movements");
    guint odd = 0;

    g_assert_cmpuint (json_array_get_length (arr), ==, 50);
    for (guint i = 0; i < 50; i++)
      {
        JsonObject *m = json_array_get_object_element (arr, i);

        if (g_str_equal (json_object_get_string_member (m, "kind"), "teleport"))
          odd++;
        else
          assert_movement_shape (m);
      }
    g_assert_cmpuint (odd, ==, 1);
  }

  add_fault (f, "{\"fault\": \"invalid-sku\", \"count\": 1}");
  {
    g_autoptr(JsonNode) mv = get_json (f, f->east, "v1/movements?limit=50");
    JsonArray *arr = json_object_get_array_member (json_node_get_object (mv), "movements");
    guint odd = 0;

    for (guint i = 0; i < 50; i++)
      if (strchr (json_object_get_string_member (json_array_get_object_element (arr, i), "sku"), '\001'))
        odd++;
    g_assert_cmpuint (odd, ==, 1);
  }

  add_fault (f, "{\"fault\": \"deep-nesting\", \"count\": 1}");
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/stock");
    gsize len;
    const char *text;

    g_assert_cmpuint (r->status, ==, 200);
    text = g_bytes_get_data (r->body, &len);
    g_assert_cmpuint (len, ==, 200000);
    g_assert_cmpuint (qm_sim_json_max_depth (text, len), ==, 100000);
  }
}

static void
test_fault_streams (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Reply) normal = get (f, f->east, "v1/warehouse");

  add_fault (f, "{\"fault\": \"trickle\", \"param\": 2, \"count\": 1}");
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/warehouse");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (g_bytes_equal (r->body, normal->body));
  }

  add_fault (f, "{\"fault\": \"drop\", \"count\": 1}");
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/movements?limit=200");

    g_assert_nonnull (r->error);
    g_test_message ("drop: %s", r->error->message);
  }

  add_fault (f, "{\"fault\": \"oversized\", \"param\": 3000000, \"count\": 1}");
  {
    g_autoptr(Reply) r = get (f, f->east, "v1/warehouse");
    g_autoptr(JsonNode) root = NULL;
    JsonObject *obj;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r->body), >, 3000000 - 1024);
    g_assert_cmpuint (g_bytes_get_size (r->body), <=, 3000000);
    root = parse (r);
    g_assert_nonnull (root);
    obj = json_node_get_object (root);
    g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==, "WH-EAST");
    g_assert_true (json_object_has_member (obj, "padding"));
  }

  add_fault (f, "{\"fault\": \"latency\", \"param\": 200, \"count\": 1}");
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(Reply) r = get (f, f->east, "v1/warehouse");

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 190 * 1000);
    g_assert_true (g_bytes_equal (r->body, normal->body));
  }

  /* the server survives a client that gives up mid-trickle */
  add_fault (f, "{\"fault\": \"trickle\", \"param\": 50, \"count\": 1}");
  {
    g_autofree char *base = qm_sim_server_get_url (f->east);
    g_autofree char *url = g_strconcat (base, "v1/warehouse", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Reply r = { 0 };
    g_autoptr(Reply) after = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer demo-token");
    soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, cancellable, on_sent_cb, &r);
    g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
    while (!r.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&r.error);
    g_clear_pointer (&r.body, g_bytes_unref);

    after = get (f, f->east, "v1/warehouse");
    g_assert_cmpuint (after->status, ==, 200);
  }
}

static void
test_fault_oversized_default (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(Reply) r = NULL;
  const char *text;
  gsize len;

  add_fault (f, "{\"fault\": \"oversized\", \"count\": 1, \"path\": \"v1/stock\"}");
  r = get (f, f->east, "v1/stock?page_size=3");
  g_assert_cmpuint (r->status, ==, 200);
  len = g_bytes_get_size (r->body);
  g_assert_cmpuint (len, >, 64 * 1024 * 1024 - 2048);
  g_assert_cmpuint (len, <=, 64 * 1024 * 1024);
  text = body_text (r);
  g_assert_true (g_str_has_prefix (text, "{\"padding\":[\"x\",\"xxxx"));
  g_assert_true (g_str_has_suffix (text, "}"));
  g_assert_cmpuint (qm_sim_json_max_depth (text, len), ==, 3);
}

static void
test_fault_page_tokens (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) first = get_json (f, f->east, "v1/stock?page_size=2");
  g_autofree char *token = g_uri_escape_string (json_object_get_string_member (json_node_get_object (first),
                                                                               "next_page_token"), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("v1/stock?page_size=2&page_token=%s", token);

  add_fault (f, "{\"fault\": \"expired-token\", \"count\": 1}");
  {
    g_autoptr(Reply) fresh = get (f, f->east, "v1/stock?page_size=2");   /* no token: not affected */
    g_autoptr(Reply) gone = get (f, f->east, path);
    g_autoptr(Reply) again = get (f, f->east, path);

    g_assert_cmpuint (fresh->status, ==, 200);
    assert_problem (gone, 410);
    g_assert_cmpuint (again->status, ==, 200);
  }

  control_void (f, f->east, "expire-tokens", NULL);
  {
    g_autoptr(Reply) gone = get (f, f->east, path);

    assert_problem (gone, 410);
  }

  /* a TTL of zero: every token is stale by the time it comes back */
  qm_sim_server_set_page_token_ttl (f->east, 0);
  {
    g_autoptr(JsonNode) page = get_json (f, f->east, "v1/products?page_size=2");
    g_autofree char *t = g_uri_escape_string (json_object_get_string_member (json_node_get_object (page),
                                                                             "next_page_token"), NULL, FALSE);
    g_autofree char *p = g_strdup_printf ("v1/products?page_size=2&page_token=%s", t);
    g_autoptr(Reply) gone = NULL;

    g_usleep (2000);
    gone = get (f, f->east, p);
    assert_problem (gone, 410);
  }
}

static void
test_fault_restart (Fixture       *f,
                    gconstpointer  data)
{
  QmSimWarehouse *wh = qm_sim_server_get_warehouse (f->east);
  g_autoptr(JsonNode) before = get_json (f, f->east, "v1/warehouse");
  gint64 last = json_object_get_int_member (json_node_get_object (before), "last_seq");
  g_autoptr(JsonNode) first = get_json (f, f->east, "v1/stock?page_size=2");
  g_autofree char *token = g_uri_escape_string (json_object_get_string_member (json_node_get_object (first),
                                                                               "next_page_token"), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("v1/stock?page_size=2&page_token=%s", token);
  gsize n_before, n_after;
  const QmSimMovement *mv = qm_sim_warehouse_get_movements (wh, &n_before);
  gint64 expected = mv[n_before - 51].seq;

  add_fault (f, "{\"fault\": \"restart\", \"param\": 50}");
  {
    g_autoptr(JsonNode) after = get_json (f, f->east, "v1/warehouse");
    gint64 now_last = json_object_get_int_member (json_node_get_object (after), "last_seq");
    g_autoptr(Reply) gone = get (f, f->east, path);
    g_autoptr(GPtrArray) rows = walk_stock (f, f->east, 100, NULL);
    g_autoptr(GPtrArray) movements = walk_movements (f, f->east, 10000);
    g_autoptr(GHashTable) stock = stock_table_new ();

    g_assert_cmpint (now_last, <, last);
    g_assert_cmpint (now_last, ==, expected);
    qm_sim_warehouse_get_movements (wh, &n_after);
    g_assert_cmpuint (n_after, ==, n_before - 50);
    assert_problem (gone, 410);

    /* still consistent after the restart */
    for (guint i = 0; i < movements->len; i++)
      {
        JsonObject *m = json_node_get_object (movements->pdata[i]);

        fold_movement (stock, json_object_get_string_member (m, "sku"),
                       json_object_get_string_member_with_default (m, "from_status", NULL),
                       json_object_get_string_member_with_default (m, "to_status", NULL),
                       json_object_get_int_member (m, "quantity"));
      }
    g_assert_cmpuint (rows->len, ==, g_hash_table_size (stock));
  }
  g_assert_cmpuint (qm_sim_server_get_n_faults (f->east), ==, 0);   /* fires once */

  /* restart by control call too */
  control_void (f, f->east, "restart", "{\"forget\": 10}");
  qm_sim_warehouse_get_movements (wh, &n_after);
  g_assert_cmpuint (n_after, ==, n_before - 60);
}

static void
test_fault_wrong_token (Fixture       *f,
                        gconstpointer  data)
{
  add_fault (f, "{\"fault\": \"wrong-token\", \"param\": \"new-secret\"}");
  {
    g_autoptr(Reply) old = get (f, f->east, "v1/warehouse");
    g_autoptr(Reply) rotated = fetch_full (f, f->east, "GET", "v1/warehouse", "new-secret", NULL, NULL);
    g_autoptr(Reply) state = fetch_full (f, f->east, "GET", "control/state", "demo-token", NULL, NULL);

    assert_problem (old, 401);
    g_assert_cmpuint (rotated->status, ==, 200);
    g_assert_cmpuint (state->status, ==, 200);
    /* the control API never shows the token */
    g_assert_null (strstr (body_text (state), "new-secret"));
  }
  control_void (f, f->east, "clear", NULL);
  {
    g_autoptr(Reply) back = get (f, f->east, "v1/warehouse");

    g_assert_cmpuint (back->status, ==, 200);
  }
}

static void
test_live (Fixture       *f,
           gconstpointer  data)
{
  QmSimWarehouse *east = qm_sim_server_get_warehouse (f->east);
  gint64 before = qm_sim_warehouse_get_last_seq (east);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  qm_sim_world_set_live_rate (f->world, 200);
  while (qm_sim_warehouse_get_last_seq (east) < before + 20 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  qm_sim_world_set_live_rate (f->world, 0);

  g_assert_cmpint (qm_sim_warehouse_get_last_seq (east), >=, before + 20);

  /* live movements keep the ledger consistent */
  {
    g_autoptr(GPtrArray) movements = walk_movements (f, f->east, 10000);
    g_autoptr(GPtrArray) rows = walk_stock (f, f->east, 10000, NULL);
    g_autoptr(GHashTable) stock = stock_table_new ();

    for (guint i = 0; i < movements->len; i++)
      {
        JsonObject *m = json_node_get_object (movements->pdata[i]);

        fold_movement (stock, json_object_get_string_member (m, "sku"),
                       json_object_get_string_member_with_default (m, "from_status", NULL),
                       json_object_get_string_member_with_default (m, "to_status", NULL),
                       json_object_get_int_member (m, "quantity"));
      }
    g_assert_cmpuint (rows->len, ==, g_hash_table_size (stock));
  }
}

/* ---- the program ---------------------------------------------------------- */

static void
test_program (void)
{
  const char *build = g_getenv ("QM_BUILD_DIR");
  g_autofree char *binary = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *token_path = NULL;
  g_autofree char *token = NULL;

  if (build == NULL)
    {
      g_test_skip ("QM_BUILD_DIR is not set (run through meson test)");
      return;
    }
  binary = g_build_filename (build, "src", "sim", "quartermaster-sim", NULL);
  tmpdir = g_dir_make_tmp ("qm-sim-XXXXXX", &error);
  g_assert_no_error (error);
  token_path = g_build_filename (tmpdir, "token", NULL);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                           binary, "--warehouses", "east,west", "--skus", "30", "--days", "5",
                           "--token", "s3cret", "--export-token", token_path,
                           "--fault", "WH-WEST=503:7", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line1 = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  line2 = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line1);
  g_assert_nonnull (line2);
  g_assert_true (g_str_has_prefix (line1, "WH-EAST http://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (line2, "WH-WEST http://127.0.0.1:"));
  g_assert_nonnull (strstr (line1, "token-file="));

  g_assert_true (g_file_get_contents (token_path, &token, NULL, NULL));
  g_assert_cmpstr (token, ==, "s3cret\n");

  fields = g_strsplit (line1, " ", -1);
  url = g_strconcat (fields[1], "v1/warehouse", NULL);
  session = soup_session_new ();
  msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer s3cret");
  /* the server is another process: the blocking call is fine here */
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "\"WH-EAST\""));

  {
    g_auto(GStrv) west = g_strsplit (line2, " ", -1);
    g_autofree char *wurl = g_strconcat (west[1], "v1/warehouse", NULL);
    g_autoptr(SoupMessage) wmsg = soup_message_new ("GET", wurl);
    g_autoptr(GBytes) wbody = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (wmsg), "Authorization", "Bearer s3cret");
    wbody = soup_session_send_and_read (session, wmsg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (wmsg), ==, 503);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (wmsg), "Retry-After"), ==, "7");
  }

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  g_unlink (token_path);
  g_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/sim/generator/deterministic", test_generator_deterministic);
  g_test_add_func ("/sim/generator/catalog", test_generator_catalog);
  g_test_add_func ("/sim/generator/hand-checked", test_generator_hand_checked);
  g_test_add_func ("/sim/generator/orders-exact", test_generator_orders_exact);
  g_test_add_func ("/sim/generator/large", test_generator_large);
  ADD ("/sim/generator/output-deterministic", test_generator_output_deterministic);
  ADD ("/sim/generator/fold", test_generator_fold);
  ADD ("/sim/generator/transfers-pair", test_generator_transfers_pair);
  ADD ("/sim/http/auth", test_http_auth);
  ADD ("/sim/http/warehouse", test_http_warehouse);
  ADD ("/sim/http/stock-paging", test_http_stock_paging);
  ADD ("/sim/http/products-paging", test_http_products_paging);
  ADD ("/sim/http/movements-paging", test_http_movements_paging);
  ADD ("/sim/http/orders", test_http_orders);
  ADD ("/sim/http/order-validation", test_http_order_validation);
  ADD ("/sim/http/transfer", test_http_transfer);
  ADD ("/sim/fault/status", test_fault_status);
  ADD ("/sim/fault/bodies", test_fault_bodies);
  ADD ("/sim/fault/streams", test_fault_streams);
  ADD ("/sim/fault/oversized-64mib", test_fault_oversized_default);
  ADD ("/sim/fault/page-tokens", test_fault_page_tokens);
  ADD ("/sim/fault/restart", test_fault_restart);
  ADD ("/sim/fault/wrong-token", test_fault_wrong_token);
  ADD ("/sim/live", test_live);
  g_test_add_func ("/sim/program", test_program);

#undef ADD

  return g_test_run ();
}
