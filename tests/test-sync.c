/* test-sync.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync client against quartermaster-sim on free loopback ports, with
 * every fault of the API contract switched on in turn.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <sqlite3.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>

#include "qm-error.h"
#include "qm-protocol.h"
#include "qm-store.h"
#include "qm-sync.h"
#include "qm-token.h"

#define PAGE_SIZE 100

typedef struct
{
  char          *dir;
  char          *db_path;
  char          *token_file;
  char          *token;
  GSubprocess   *sim;
  char          *east_url;
  char          *south_url;
  SoupSession   *session;
  GStringChunk  *strings;
  char          *ca_file;
} Fixture;

static void
openssl (const char *dir,
         const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strdup_printf ("sh -c 'cd \"%s\" && openssl %s'", dir, command);
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_command_line_sync (line, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", command, err);
}

/* A throw-away certificate authority and a server certificate for 127.0.0.1. */
static char *
make_certificates (Fixture *fixture)
{
  g_autofree char *ext = g_build_filename (fixture->dir, "ext.cnf", NULL);

  g_assert_true (g_file_set_contents (ext, "subjectAltName=IP:127.0.0.1\n", -1, NULL));
  openssl (fixture->dir, "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
                         "-days 2 -subj /CN=Quartermaster-Test-CA");
  openssl (fixture->dir, "req -new -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr "
                         "-subj /CN=127.0.0.1");
  openssl (fixture->dir, "x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                         "-out srv.pem -days 2 -extfile ext.cnf");

  fixture->ca_file = g_build_filename (fixture->dir, "ca.pem", NULL);
  return g_strdup_printf ("--tls-cert %s/srv.pem --tls-key %s/srv.key", fixture->dir, fixture->dir);
}

/* The simulator dies with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_sim (Fixture    *fixture,
           const char *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sim_path = g_build_filename (g_getenv ("QM_BUILD_DIR"), "src", "sim",
                                                "quartermaster-sim", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, sim_path);
  g_ptr_array_add (argv, (char *) "--warehouses=east,south");
  g_ptr_array_add (argv, (char *) "--skus=150");
  g_ptr_array_add (argv, (char *) "--days=20");
  g_ptr_array_add (argv, (char *) "--movements-per-day=40");
  g_ptr_array_add (argv, (char *) "--seed=7");
  g_ptr_array_add (argv, (char *) "--export-token");
  g_ptr_array_add (argv, fixture->token_file);
  if (extra != NULL)
    {
      g_auto(GStrv) words = g_strsplit (extra, " ", -1);

      for (guint i = 0; words[i] != NULL; i++)
        g_ptr_array_add (argv, g_string_chunk_insert (fixture->strings, words[i]));
    }
  g_ptr_array_add (argv, NULL);

  {
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    fixture->sim = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                 &error);
  }
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->sim));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_auto(GStrv) parts = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      parts = g_strsplit (line, " ", 3);
      if (g_str_equal (parts[0], "WH-EAST"))
        fixture->east_url = g_strdup (parts[1]);
      else if (g_str_equal (parts[0], "WH-SOUTH"))
        fixture->south_url = g_strdup (parts[1]);
    }
  g_assert_nonnull (fixture->east_url);
  g_assert_nonnull (fixture->south_url);

  g_assert_true (g_file_get_contents (fixture->token_file, &fixture->token, NULL, NULL));
  g_strchomp (fixture->token);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  QmWarehouse wh = { 0 };

  fixture->dir = g_dir_make_tmp ("qm-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->token_file = g_build_filename (fixture->dir, "token", NULL);
  fixture->session = soup_session_new ();
  fixture->strings = g_string_chunk_new (256);

  if (g_strcmp0 (data, "TLS") == 0)
    {
      g_autofree char *extra = make_certificates (fixture);
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (fixture->ca_file, &error);

      g_assert_no_error (error);
      soup_session_set_tls_database (fixture->session, db);
      start_sim (fixture, extra);
    }
  else
    {
      start_sim (fixture, data);
    }

  store = qm_store_open (fixture->db_path, &error);
  g_assert_no_error (error);

  wh.token_file = fixture->token_file;
  wh.id = (char *) "WH-EAST";
  wh.url = fixture->east_url;
  qm_store_add_warehouse (store, &wh, "tester", &error);
  g_assert_no_error (error);
  wh.id = (char *) "WH-SOUTH";
  wh.url = fixture->south_url;
  qm_store_add_warehouse (store, &wh, "tester", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_subprocess_send_signal (fixture->sim, SIGTERM);
  g_subprocess_wait (fixture->sim, NULL, NULL);
  g_clear_object (&fixture->sim);
  g_clear_object (&fixture->session);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);

  g_free (fixture->east_url);
  g_free (fixture->south_url);
  g_free (fixture->ca_file);
  g_string_chunk_free (fixture->strings);
  g_free (fixture->token);
  g_free (fixture->token_file);
  g_free (fixture->db_path);
  g_free (fixture->dir);
}

/* ------------------------------------------------------------------------ */
/* Talking to the simulator directly                                        */

static GBytes *
http (Fixture    *fixture,
      const char *method,
      const char *base_url,
      const char *path,
      const char *json_body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", fixture->token);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  GBytes *body;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), <, 300);

  return body;
}

static void
set_fault (Fixture    *fixture,
           const char *json)
{
  g_autoptr(GBytes) answer = http (fixture, "POST", fixture->east_url, "control/fault", json);
}

static void
clear_faults (Fixture *fixture)
{
  g_autoptr(GBytes) answer = http (fixture, "POST", fixture->east_url, "control/clear", "{}");
}

/* The simulator's own truth: its stock snapshot, and its whole ledger. */
typedef struct
{
  GString *stock;       /* "sku|status|qty\n" sorted */
  gint64   as_of_seq;
  gint64   n_movements;
  GArray  *seqs;        /* gint64 */
} Truth;

static void
truth_clear (Truth *truth)
{
  if (truth->stock != NULL)
    g_string_free (truth->stock, TRUE);
  g_clear_pointer (&truth->seqs, g_array_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Truth, truth_clear)

static void
read_truth (Fixture    *fixture,
            const char *base_url,
            Truth      *truth)
{
  g_autofree char *token = NULL;
  gint64 after = 0;

  truth->stock = g_string_new (NULL);
  truth->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));

  do
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autoptr(QmStockPage) page = NULL;

      if (token != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
          path = g_strdup_printf ("v1/stock?page_size=10000&page_token=%s", escaped);
        }
      else
        path = g_strdup ("v1/stock?page_size=10000");

      body = http (fixture, "GET", base_url, path, NULL);
      page = qm_protocol_parse_stock (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                      &error);
      g_assert_no_error (error);
      truth->as_of_seq = page->as_of_seq;
      for (guint i = 0; i < page->items->len; i++)
        {
          QmStockItem *item = &g_array_index (page->items, QmStockItem, i);
          g_string_append_printf (truth->stock, "%s|%s|%" G_GINT64_FORMAT "\n",
                                  item->sku, item->status, item->quantity);
        }
      g_free (token);
      token = g_strdup (page->next_page_token);
    }
  while (token != NULL);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("v1/movements?after_seq=%" G_GINT64_FORMAT
                                               "&limit=10000", after);
      g_autoptr(GBytes) body = http (fixture, "GET", base_url, path, NULL);
      g_autoptr(QmMovementPage) page = NULL;

      page = qm_protocol_parse_movements (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                          after, &error);
      g_assert_no_error (error);
      if (page->movements->len == 0)
        break;
      for (guint i = 0; i < page->movements->len; i++)
        g_array_append_val (truth->seqs, g_array_index (page->movements, QmMovement, i).seq);
      truth->n_movements += page->movements->len;
      after = g_array_index (page->movements, QmMovement, page->movements->len - 1).seq;
      if (after >= page->last_seq)
        break;
    }
}

/* ------------------------------------------------------------------------ */
/* The cache's side                                                         */

typedef struct
{
  const char *warehouse_id;
  GString    *out;
} Collect;

static gboolean
collect_cb (const char *warehouse_id,
            const char *sku,
            const char *status,
            gint64      quantity,
            gpointer    user_data)
{
  Collect *collect = user_data;

  if (g_strcmp0 (warehouse_id, collect->warehouse_id) == 0)
    g_string_append_printf (collect->out, "%s|%s|%" G_GINT64_FORMAT "\n", sku, status, quantity);
  return TRUE;
}

static char *
cached_stock (QmStore    *store,
              const char *warehouse_id)
{
  g_autoptr(GError) error = NULL;
  Collect collect = { warehouse_id, g_string_new (NULL) };

  qm_store_foreach_stock (store, collect_cb, &collect, &error);
  g_assert_no_error (error);
  return g_string_free (collect.out, FALSE);
}

static char *
cached_fold (QmStore    *store,
             const char *warehouse_id,
             gint64      as_of_seq)
{
  g_autoptr(GError) error = NULL;
  Collect collect = { warehouse_id, g_string_new (NULL) };

  qm_store_foreach_fold (store, warehouse_id, as_of_seq, collect_cb, &collect, &error);
  g_assert_no_error (error);
  return g_string_free (collect.out, FALSE);
}

/* The cache holds exactly the warehouse: the same snapshot, a ledger whose
 * fold gives it, and every movement once. */
static void
assert_converged (Fixture    *fixture,
                  const char *warehouse_id,
                  const char *base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
  g_auto(Truth) truth = { 0 };
  g_auto(QmSyncState) state = { 0 };
  g_autofree char *stock = NULL;
  g_autofree char *fold = NULL;

  g_assert_no_error (error);
  read_truth (fixture, base_url, &truth);

  stock = cached_stock (store, warehouse_id);
  g_assert_cmpstr (stock, ==, truth.stock->str);

  qm_store_get_sync_state (store, warehouse_id, &state, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state.snapshot_seq, ==, truth.as_of_seq);
  fold = cached_fold (store, warehouse_id, truth.as_of_seq);
  g_assert_cmpstr (fold, ==, truth.stock->str);
  g_assert_cmpint (state.discrepancies, ==, 0);
  g_assert_cmpint (state.negative_folds, ==, 0);

  g_assert_cmpint (qm_store_count_movements (store, warehouse_id, NULL), ==, truth.n_movements);
  g_assert_cmpint (state.cursor_seq, ==,
                   g_array_index (truth.seqs, gint64, truth.seqs->len - 1));
}

/* After a failure: what was there before, plus whole pages, never a part. */
static void
assert_prefix (Fixture    *fixture,
               const char *warehouse_id,
               const char *base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
  g_auto(Truth) truth = { 0 };
  g_auto(QmSyncState) state = { 0 };
  gint64 expected = 0;

  g_assert_no_error (error);
  read_truth (fixture, base_url, &truth);
  qm_store_get_sync_state (store, warehouse_id, &state, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < truth.seqs->len; i++)
    if (g_array_index (truth.seqs, gint64, i) <= state.cursor_seq)
      expected++;

  g_assert_cmpint (qm_store_count_movements (store, warehouse_id, NULL), ==, expected);
  g_assert_nonnull (state.last_error);
}

/* Like assert_prefix(), for a pull that may also have been killed before
 * recording any error: the movements are exactly those up to the cursor. */
static void
assert_prefix_or_fresh (Fixture    *fixture,
                        const char *warehouse_id,
                        const char *base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
  g_auto(Truth) truth = { 0 };
  g_auto(QmSyncState) state = { 0 };
  gint64 expected = 0;

  g_assert_no_error (error);
  read_truth (fixture, base_url, &truth);
  qm_store_get_sync_state (store, warehouse_id, &state, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < truth.seqs->len; i++)
    if (g_array_index (truth.seqs, gint64, i) <= state.cursor_seq)
      expected++;

  g_assert_cmpint (qm_store_count_movements (store, warehouse_id, NULL), ==, expected);
}

typedef struct
{
  gboolean   done;
  GPtrArray *results;
  GError    *error;
} Wait;

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->results = qm_sync_run_finish (QM_SYNC (source), result, &wait->error);
  wait->done = TRUE;
}

static GPtrArray *
run_sync (Fixture *fixture)
{
  g_autoptr(QmSync) sync = qm_sync_new (fixture->db_path);
  Wait wait = { 0 };

  qm_sync_set_page_size (sync, PAGE_SIZE);
  qm_sync_set_batch_rows (sync, PAGE_SIZE);
  qm_sync_set_timeout (sync, 1500);
  qm_sync_set_backoff (sync, 20, 3);

  qm_sync_run_async (sync, NULL, NULL, on_synced, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (wait.error);
  g_assert_false (qm_sync_get_running (sync));
  g_assert_cmpuint (wait.results->len, ==, 2);
  g_assert_cmpstr (((QmSyncResult *) g_ptr_array_index (wait.results, 0))->warehouse_id, ==,
                   "WH-EAST");
  return wait.results;
}

static QmSyncResult *
east (GPtrArray *results)
{
  return g_ptr_array_index (results, 0);
}

static QmSyncResult *
south (GPtrArray *results)
{
  return g_ptr_array_index (results, 1);
}

/* ------------------------------------------------------------------------ */

static void
test_clean_sync (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) results = run_sync (fixture);
  g_autoptr(GPtrArray) again = NULL;

  g_assert_no_error (east (results)->error);
  g_assert_no_error (south (results)->error);
  g_assert_cmpint (east (results)->new_movements, >, 5 * PAGE_SIZE);
  g_assert_cmpint (east (results)->quarantined, ==, 0);
  assert_converged (fixture, "WH-EAST", fixture->east_url);
  assert_converged (fixture, "WH-SOUTH", fixture->south_url);

  /* nothing new: a second sync fetches nothing twice */
  again = run_sync (fixture);
  g_assert_no_error (east (again)->error);
  g_assert_cmpint (east (again)->new_movements, ==, 0);
  assert_converged (fixture, "WH-EAST", fixture->east_url);
}

static void
test_new_movements (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) first = run_sync (fixture);
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GBytes) answer = NULL;

  g_assert_no_error (east (first)->error);
  answer = http (fixture, "POST", fixture->east_url, "control/advance", "{\"movements\": 250}");
  second = run_sync (fixture);
  g_assert_no_error (east (second)->error);
  g_assert_cmpint (east (second)->new_movements, ==, 250);
  g_assert_cmpint (south (second)->new_movements, ==, 0);
  assert_converged (fixture, "WH-EAST", fixture->east_url);
}

typedef struct
{
  const char *name;
  const char *fault;          /* the control API's JSON */
  const char *error_part;     /* NULL: the sync must succeed */
} FaultCase;

static const FaultCase fault_cases[] = {
  /* faults that persist: the endpoint fails, clearly; the others sync */
  { "latency", "{\"fault\": \"latency\", \"param\": 4000, \"path\": \"v1/movements\", \"after\": 2}",
    "No complete answer" },
  { "drop", "{\"fault\": \"drop\", \"path\": \"v1/movements\", \"after\": 2}", "" },
  { "truncate", "{\"fault\": \"truncate\", \"path\": \"v1/movements\", \"after\": 2}",
    "not valid JSON" },
  { "malformed", "{\"fault\": \"malformed\", \"path\": \"v1/movements\", \"after\": 2}",
    "not valid JSON" },
  { "wrong-types", "{\"fault\": \"wrong-types\", \"path\": \"v1/movements\", \"after\": 2}",
    "malformed answer" },
  { "deep-nesting", "{\"fault\": \"deep-nesting\", \"path\": \"v1/movements\", \"after\": 2}",
    "nests deeper" },
  { "oversized", "{\"fault\": \"oversized\", \"path\": \"v1/movements\", \"after\": 2}",
    "larger than" },
  { "trickle", "{\"fault\": \"trickle\", \"param\": 2000, \"path\": \"v1/movements\", \"after\": 2}",
    "No complete answer" },
  { "500", "{\"fault\": \"500\", \"path\": \"v1/movements\", \"after\": 2}", "HTTP 500" },
  { "503", "{\"fault\": \"503\", \"param\": 1, \"path\": \"v1/movements\", \"after\": 2}",
    "HTTP 503" },
  { "429", "{\"fault\": \"429\", \"param\": 1, \"path\": \"v1/movements\", \"after\": 2}",
    "HTTP 429" },
  { "expired-token", "{\"fault\": \"expired-token\", \"path\": \"v1/stock\"}", "HTTP 410" },
  { "wrong-token", "{\"fault\": \"wrong-token\"}", "refused the token" },
  /* one-off faults: retried, and the sync succeeds */
  { "latency-once", "{\"fault\": \"latency\", \"param\": 4000, \"count\": 1, \"path\": \"v1/movements\"}",
    NULL },
  { "drop-once", "{\"fault\": \"drop\", \"count\": 1, \"path\": \"v1/movements\"}", NULL },
  { "truncate-once", "{\"fault\": \"truncate\", \"count\": 1, \"path\": \"v1/movements\"}", NULL },
  { "trickle-once", "{\"fault\": \"trickle\", \"param\": 2000, \"count\": 1, \"path\": \"v1/stock\"}",
    NULL },
  { "500-once", "{\"fault\": \"500\", \"count\": 2, \"path\": \"v1/products\"}", NULL },
  { "503-once", "{\"fault\": \"503\", \"param\": 1, \"count\": 1, \"path\": \"v1/movements\"}", NULL },
  { "429-once", "{\"fault\": \"429\", \"param\": 1, \"count\": 1, \"path\": \"v1/warehouse\"}", NULL },
  { "expired-token-once", "{\"fault\": \"expired-token\", \"count\": 1, \"path\": \"v1/stock\"}",
    NULL },
};

static void
test_fault (Fixture       *fixture,
            gconstpointer  data)
{
  const FaultCase *fault = NULL;
  const char *name = strrchr (g_test_get_path (), '/') + 1;
  g_autoptr(GPtrArray) faulted = NULL;
  g_autoptr(GPtrArray) healed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    if (g_str_equal (fault_cases[i].name, name))
      fault = &fault_cases[i];
  g_assert_nonnull (fault);

  set_fault (fixture, fault->fault);
  faulted = run_sync (fixture);

  /* the healthy warehouse syncs whatever happens to the other */
  g_assert_no_error (south (faulted)->error);
  assert_converged (fixture, "WH-SOUTH", fixture->south_url);

  if (fault->error_part == NULL)
    {
      g_assert_no_error (east (faulted)->error);
      assert_converged (fixture, "WH-EAST", fixture->east_url);
      return;
    }

  g_assert_nonnull (east (faulted)->error);
  g_test_message ("WH-EAST: %s", east (faulted)->error->message);
  g_assert_nonnull (strstr (east (faulted)->error->message, fault->error_part));
  clear_faults (fixture);
  assert_prefix (fixture, "WH-EAST", fixture->east_url);

  /* without the fault, the next sync converges: nothing missing, nothing twice */
  healed = run_sync (fixture);
  g_assert_no_error (east (healed)->error);
  assert_converged (fixture, "WH-EAST", fixture->east_url);
}

/* Unknown values are kept aside, reported, and left out of balances. */
static void
test_quarantine (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *kind = data;
  g_autofree char *json = g_strdup_printf ("{\"fault\": \"%s\", \"count\": 1, "
                                           "\"path\": \"v1/movements\", \"after\": 1}", kind);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  g_auto(Truth) truth = { 0 };
  g_auto(QmSyncState) state = { 0 };
  QmSyncResult *r;

  set_fault (fixture, json);
  results = run_sync (fixture);
  r = east (results);

  g_assert_no_error (r->error);
  g_assert_cmpint (r->quarantined, ==, 1);
  g_assert_cmpuint (r->warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (r->warnings, 0), "WH-EAST movement "));
  g_assert_nonnull (strstr (g_ptr_array_index (r->warnings, 0), "quarantined"));

  /* every movement is there once, the odd one kept aside */
  store = qm_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
  read_truth (fixture, fixture->east_url, &truth);
  g_assert_cmpint (qm_store_count_movements (store, "WH-EAST", NULL), ==, truth.n_movements);
  g_assert_cmpint (qm_store_count_quarantined (store, "WH-EAST", NULL), ==, 1);

  /* left out of the balance, so the fold and the snapshot disagree, and that is reported */
  qm_store_get_sync_state (store, "WH-EAST", &state, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state.discrepancies, >=, 1);
  g_assert_cmpint (r->discrepancies, ==, state.discrepancies);
}

/* The warehouse forgets its newest movements: an error, and nothing deleted. */
static void
test_restart_lower_seq (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) first = run_sync (fixture);
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  gint64 before;

  g_assert_no_error (east (first)->error);
  store = qm_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
  before = qm_store_count_movements (store, "WH-EAST", NULL);

  answer = http (fixture, "POST", fixture->east_url, "control/restart", "{\"forget\": 30}");
  second = run_sync (fixture);
  g_assert_nonnull (east (second)->error);
  g_assert_error (east (second)->error, QM_ERROR, QM_ERROR_CONFLICT);
  g_assert_nonnull (strstr (east (second)->error->message, "Nothing was deleted"));
  g_assert_no_error (south (second)->error);
  g_assert_cmpint (qm_store_count_movements (store, "WH-EAST", NULL), ==, before);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QmSync) sync = qm_sync_new (fixture->db_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait wait = { 0 };

  set_fault (fixture, "{\"fault\": \"latency\", \"param\": 10000}");
  qm_sync_run_async (sync, NULL, cancellable, on_synced, &wait);
  g_assert_true (qm_sync_get_running (sync));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_cancellable_cancel (cancellable);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (wait.error);
  g_assert_error (east (wait.results)->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_ptr_array_unref (wait.results);
  g_assert_false (qm_sync_get_running (sync));
}

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

static void
run_cli (CliRun             *run,
         const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int wait_status = 0;

  g_ptr_array_add (argv, (char *) g_getenv ("QM_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

/* quartermaster-cli endpoint add asks the endpoint; sync prints one line each. */
static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *other_db = g_build_filename (fixture->dir, "other.db", NULL);

  {
    g_auto(CliRun) run = { 0 };
    const char * const args[] = { "--db", other_db, "endpoint", "add", fixture->south_url,
                                  "--token-file", fixture->token_file, NULL };

    run_cli (&run, args);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "Added warehouse WH-SOUTH (South Regional DC"));
  }
  {
    g_auto(CliRun) run = { 0 };
    const char * const args[] = { "--db", other_db, "endpoint", "add", fixture->east_url,
                                  "--token-file", "/nonexistent/token", NULL };

    run_cli (&run, args);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "token file"));
  }

  set_fault (fixture, "{\"fault\": \"500\"}");
  {
    g_auto(CliRun) run = { 0 };
    g_auto(GStrv) lines = NULL;
    const char * const args[] = { "--db", fixture->db_path, "sync", NULL };

    run_cli (&run, args);
    g_assert_cmpint (run.status, ==, 1);
    lines = g_strsplit (run.out, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_true (g_str_has_prefix (lines[0], "WH-EAST: failed after "));
    g_assert_nonnull (strstr (lines[0], "HTTP 500"));
    g_assert_true (g_str_has_prefix (lines[1], "WH-SOUTH: "));
    g_assert_nonnull (strstr (lines[1], " new movements, "));
    g_assert_nonnull (strstr (lines[1], " 0 discrepancies"));
    g_assert_nonnull (strstr (run.err, "quartermaster-cli: WH-EAST: The endpoint failed (HTTP 500)"));
  }
  clear_faults (fixture);
  {
    g_auto(CliRun) run = { 0 };
    const char * const args[] = { "--db", fixture->db_path, "sync", "WH-EAST", NULL };

    run_cli (&run, args);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.out, "WH-EAST: "));
    g_assert_null (strstr (run.out, "WH-SOUTH"));
  }
  {
    g_auto(CliRun) run = { 0 };
    const char * const args[] = { "--db", fixture->db_path, "sync", "WH-NOPE", NULL };

    run_cli (&run, args);
    g_assert_cmpint (run.status, ==, 3);
    g_assert_nonnull (strstr (run.err, "WH-NOPE"));
  }
  assert_converged (fixture, "WH-EAST", fixture->east_url);
}

/* With no token file, the token comes from the keyring (a file-backed one here). */
static void
test_keyring_token (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
  g_autoptr(GPtrArray) without = NULL;
  g_autoptr(GPtrArray) with = NULL;
  QmWarehouse wh = { 0 };

  g_assert_no_error (error);
  qm_store_remove_warehouse (store, "WH-EAST", "tester", &error);
  g_assert_no_error (error);
  wh.id = (char *) "WH-EAST";
  wh.url = fixture->east_url;
  qm_store_add_warehouse (store, &wh, "tester", &error);
  g_assert_no_error (error);

  /* nothing in the keyring yet: the endpoint refuses us, clearly */
  without = run_sync (fixture);
  g_assert_error (east (without)->error, QM_ERROR, QM_ERROR_REFUSED);
  g_assert_nonnull (strstr (east (without)->error->message, "keyring"));

  g_assert_true (qm_token_store_keyring (fixture->east_url, fixture->token, NULL, &error));
  g_assert_no_error (error);
  with = run_sync (fixture);
  g_assert_no_error (east (with)->error);
  assert_converged (fixture, "WH-EAST", fixture->east_url);
}

/* https is verified: an unknown authority is refused, a trusted one works. */
static void
test_tls (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) trusted = NULL;

  g_assert_true (g_str_has_prefix (fixture->east_url, "https://127.0.0.1:"));

  g_unsetenv ("QM_CA_FILE");
  refused = run_sync (fixture);
  g_assert_error (east (refused)->error, QM_ERROR, QM_ERROR_REFUSED);
  g_assert_nonnull (strstr (east (refused)->error->message, "not trusted"));
  g_assert_error (south (refused)->error, QM_ERROR, QM_ERROR_REFUSED);

  g_setenv ("QM_CA_FILE", fixture->ca_file, TRUE);
  trusted = run_sync (fixture);
  g_unsetenv ("QM_CA_FILE");
  g_assert_no_error (east (trusted)->error);
  g_assert_no_error (south (trusted)->error);
  assert_converged (fixture, "WH-EAST", fixture->east_url);
}

static gboolean
raw_integrity_ok (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  ok = g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return ok;
}

/* The CLI is killed (SIGKILL) at random moments of a large sync; after
 * each kill the cache is whole, and the restarts converge exactly. */
static void
test_sigkill (Fixture       *fixture,
              gconstpointer  data)
{
  const char *cli = g_getenv ("QM_CLI");
  guint kills = 0;

  g_assert_nonnull (cli);

  for (guint round = 0; round < 40 && kills < 20; round++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                   G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(GError) error = NULL;
      guint delay_ms = g_test_rand_int_range (30, 400);

      g_subprocess_launcher_setenv (launcher, "QM_SYNC_PAGE_SIZE", "20", TRUE);
      g_subprocess_launcher_setenv (launcher, "QM_SYNC_BATCH_ROWS", "60", TRUE);
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      child = g_subprocess_launcher_spawn (launcher, &error, cli, "--db", fixture->db_path,
                                           "sync", NULL);
      g_assert_no_error (error);

      g_usleep (delay_ms * 1000);
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, NULL);
      if (g_subprocess_get_if_signaled (child))
        kills++;

      /* whatever moment it died at, the cache opens and holds whole pages only */
      g_assert_true (raw_integrity_ok (fixture->db_path));
      assert_prefix_or_fresh (fixture, "WH-EAST", fixture->east_url);
      assert_prefix_or_fresh (fixture, "WH-SOUTH", fixture->south_url);
    }

  g_test_message ("killed the CLI %u times", kills);
  g_assert_cmpuint (kills, >=, 20);

  {
    g_autoptr(GPtrArray) results = run_sync (fixture);

    g_assert_no_error (east (results)->error);
    g_assert_no_error (south (results)->error);
    assert_converged (fixture, "WH-EAST", fixture->east_url);
    assert_converged (fixture, "WH-SOUTH", fixture->south_url);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring = g_build_filename (g_get_tmp_dir (), "qm-test-keyring-XXXXXX", NULL);
  int status;

  g_test_init (&argc, &argv, NULL);

  /* libsecret's file backend: no keyring daemon in a test run */
  {
    int fd = g_mkstemp (keyring);

    g_assert_cmpint (fd, >=, 0);
    close (fd);
    g_unlink (keyring);
    g_setenv ("SECRET_BACKEND", "file", TRUE);
    g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
    g_setenv ("SECRET_FILE_TEST_PASSWORD", "test-only-password", TRUE);
  }

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/sync/clean", test_clean_sync, NULL);
  ADD ("/sync/new-movements", test_new_movements, NULL);
  ADD ("/sync/restart-lower-seq", test_restart_lower_seq, NULL);
  ADD ("/sync/cancel", test_cancel, NULL);
  ADD ("/sync/tls", test_tls, "TLS");
  ADD ("/sync/keyring-token", test_keyring_token, NULL);
  ADD ("/sync/cli", test_cli, NULL);
  ADD ("/sync/sigkill", test_sigkill, "--movements-per-day=2000");
  ADD ("/sync/quarantine/unknown-kind", test_quarantine, "unknown-kind");
  ADD ("/sync/quarantine/invalid-sku", test_quarantine, "invalid-sku");
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/fault/%s", fault_cases[i].name);
      ADD (path, test_fault, NULL);
    }

#undef ADD

  status = g_test_run ();
  g_unlink (keyring);
  return status;
}
