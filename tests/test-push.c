/* test-push.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pushing procurement plans to quartermaster-sim: lost answers, a client
 * killed between sending and the answer, a refused order, a warehouse that
 * is briefly unavailable. Whatever happens, each order exists once at the
 * warehouse, and what the warehouse said is kept.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <sqlite3.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-push.h"
#include "qm-store-procurement.h"
#include "qm-sync.h"

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
} Fixture;

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_sim (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sim_path = g_build_filename (g_getenv ("QM_BUILD_DIR"), "src", "sim",
                                                "quartermaster-sim", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Orders are delivered only when asked, so the sim's count of waiting
   * orders is the count of orders it booked. */
  fixture->sim = g_subprocess_launcher_spawn (launcher, &error, sim_path,
                                              "--warehouses=east,south", "--skus=40",
                                              "--days=30", "--movements-per-day=60", "--seed=11",
                                              "--order-delay=-1", "--export-token",
                                              fixture->token_file, NULL);
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

/* How many orders the warehouse booked (none is delivered in these tests),
 * and how many faults it still has to play. */
static gint64
sim_state (Fixture    *fixture,
           const char *base_url,
           guint      *out_faults)
{
  g_autoptr(GBytes) answer = http (fixture, "GET", base_url, "control/state", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *state;
  gsize len;
  const char *data = g_bytes_get_data (answer, &len);

  g_assert_true (json_parser_load_from_data (parser, data, (gssize) len, NULL));
  state = json_node_get_object (json_parser_get_root (parser));
  if (out_faults != NULL)
    *out_faults = json_array_get_length (json_object_get_array_member (state, "faults"));
  return json_object_get_int_member (state, "pending_orders");
}

static gint64
booked_orders (Fixture    *fixture,
               const char *base_url)
{
  return sim_state (fixture, base_url, NULL);
}

/* The fault set on WH-EAST was played (a fault with a count goes away). */
static void
assert_fault_played (Fixture *fixture)
{
  guint faults = 99;

  sim_state (fixture, fixture->east_url, &faults);
  g_assert_cmpuint (faults, ==, 0);
}

typedef struct
{
  gboolean   done;
  GPtrArray *results;
  GError    *error;
  guint      accepted;
  guint      rejected;
  gboolean   ok;
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

static QmSync *
new_sync (Fixture *fixture)
{
  QmSync *sync = qm_sync_new (fixture->db_path);

  qm_sync_set_timeout (sync, 1500);
  qm_sync_set_backoff (sync, 20, 3);
  return sync;
}

/* Syncs both warehouses, plans (lead time 30 days so there is a lot to
 * buy), approves. Returns the plan's id. */
static gint64
sync_and_plan (Fixture *fixture)
{
  g_autoptr(QmSync) sync = new_sync (fixture);
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  QmPlanOptions options;
  Wait wait = { 0 };
  gint64 id;

  qm_sync_run_async (sync, NULL, NULL, on_synced, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  for (guint i = 0; i < wait.results->len; i++)
    g_assert_no_error (((QmSyncResult *) g_ptr_array_index (wait.results, i))->error);
  g_ptr_array_unref (wait.results);

  store = qm_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
  g_assert_true (qm_store_set_warehouse_planning (store, "WH-EAST", 30, 14, "tester", &error));
  g_assert_true (qm_store_set_warehouse_planning (store, "WH-SOUTH", 30, 14, "tester", &error));
  g_assert_no_error (error);

  qm_plan_options_init (&options);
  options.today_day = qm_plan_day_from_date (2026, 11, 28);
  options.params.window_days = 28;
  id = qm_store_plan_generate (store, &options, "planner", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (qm_store_plan_approve (store, id, "boss", &error));
  g_assert_no_error (error);

  return id;
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = qm_sync_push_plan_finish (QM_SYNC (source), result, &wait->accepted,
                                       &wait->rejected, &wait->error);
  wait->done = TRUE;
}

static void
push (Fixture *fixture,
      gint64   plan_id,
      Wait    *wait)
{
  g_autoptr(QmSync) sync = new_sync (fixture);

  memset (wait, 0, sizeof *wait);
  qm_sync_push_plan_async (sync, plan_id, "planner", NULL, on_pushed, wait);
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
}

static GPtrArray *
orders_of (Fixture *fixture,
           gint64   plan_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
  GPtrArray *orders;

  g_assert_no_error (error);
  orders = qm_store_plan_get_orders (store, plan_id, &error);
  g_assert_no_error (error);
  return orders;
}

static const QmPlanOrder *
order_at (GPtrArray  *orders,
          const char *warehouse_id)
{
  for (guint i = 0; i < orders->len; i++)
    {
      const QmPlanOrder *order = g_ptr_array_index (orders, i);

      if (g_str_equal (order->warehouse_id, warehouse_id))
        return order;
    }

  g_assert_not_reached ();
  return NULL;
}

/* How many of the plan's orders go to @warehouse_id (a purchase there,
 * transfers from there), and how many of those are in @state. */
static guint
count_orders (GPtrArray    *orders,
              const char   *warehouse_id,
              int           state)
{
  guint n = 0;

  for (guint i = 0; i < orders->len; i++)
    {
      const QmPlanOrder *order = g_ptr_array_index (orders, i);

      if ((warehouse_id == NULL || g_str_equal (order->warehouse_id, warehouse_id)) &&
          (state < 0 || (int) order->state == state))
        n++;
    }

  return n;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStore) store = NULL;
  QmWarehouse wh = { 0 };

  fixture->dir = g_dir_make_tmp ("qm-push-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->token_file = g_build_filename (fixture->dir, "token", NULL);
  fixture->session = soup_session_new ();
  start_sim (fixture);

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
  g_free (fixture->token);
  g_free (fixture->token_file);
  g_free (fixture->db_path);
  g_free (fixture->dir);
}

/* Runs the CLI to the end; returns its exit status. */
static int
run_cli (Fixture     *fixture,
         const char  *command,
         const char  *sub,
         const char  *arg,
         char       **out_stderr)
{
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("QM_CLI");
  const char *argv[] = { cli, "--db", fixture->db_path, command, sub, arg, NULL };
  int status = 0;

  g_assert_nonnull (cli);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                out_stderr, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* ------------------------------------------------------------------------ */

/* The warehouse books the order, then the connection drops before the
 * answer: the push sends it again with the same key and gets the same
 * order back. */
static void
test_lost_answer (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) orders = NULL;
  gint64 id = sync_and_plan (fixture);
  Wait wait;

  set_fault (fixture, "{\"fault\": \"drop\", \"count\": 1, \"path\": \"v1/purchase-orders\"}");
  push (fixture, id, &wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  assert_fault_played (fixture);
  orders = orders_of (fixture, id);
  g_assert_cmpuint (count_orders (orders, "WH-EAST", -1), >=, 1);
  g_assert_cmpuint (count_orders (orders, "WH-SOUTH", -1), >=, 1);
  g_assert_cmpuint (wait.accepted, ==, orders->len);
  g_assert_cmpuint (wait.rejected, ==, 0);
  g_assert_cmpuint (count_orders (orders, NULL, QM_ORDER_STATE_ACCEPTED), ==, orders->len);

  /* one booking per order, though the first answer was lost */
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==,
                   count_orders (orders, "WH-EAST", -1));
  g_assert_cmpint (booked_orders (fixture, fixture->south_url), ==,
                   count_orders (orders, "WH-SOUTH", -1));

  g_assert_cmpint (order_at (orders, "WH-EAST")->kind, ==, QM_PLAN_LINE_PURCHASE);
  g_assert_true (g_str_has_prefix (order_at (orders, "WH-EAST")->order_id, "PO-"));
  /* costs are the warehouses' moving averages (4 digits) */
  g_assert_nonnull (strstr (order_at (orders, "WH-EAST")->body, "\"expected_unit_cost\":\""));
  g_assert_null (strstr (order_at (orders, "WH-EAST")->body, "\"expected_unit_cost\":\"0.0000\""));

  /* pushing a pushed plan sends nothing */
  push (fixture, id, &wait);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (wait.accepted, ==, orders->len);
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==,
                   count_orders (orders, "WH-EAST", -1));

  /* What was ordered counts as on order: a new plan suggests much less.
   * Once the goods arrive and are synced, it is stock and no longer on
   * order. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
    g_autoptr(QmPlanInfo) first = NULL;
    g_autoptr(QmPlanInfo) second = NULL;
    g_autoptr(QmPlanInfo) third = NULL;
    g_autoptr(GPtrArray) lines = NULL;
    g_autoptr(GBytes) delivered = NULL;
    QmPlanOptions options;
    gint64 id2;

    g_assert_no_error (error);
    first = qm_store_plan_get (store, id, &error);
    qm_plan_options_init (&options);
    options.today_day = qm_plan_day_from_date (2026, 11, 28);
    options.params.window_days = 28;
    id2 = qm_store_plan_generate (store, &options, "planner", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    second = qm_store_plan_get (store, id2, &error);
    g_test_message ("suggested: %" G_GINT64_FORMAT " units, then %" G_GINT64_FORMAT " with "
                    "the orders on order", first->suggested_total, second->suggested_total);
    g_assert_cmpint (second->suggested_total * 4, <, first->suggested_total);

    delivered = http (fixture, "POST", fixture->east_url, "control/deliver", "{}");
    g_clear_pointer (&delivered, g_bytes_unref);
    delivered = http (fixture, "POST", fixture->south_url, "control/deliver", "{}");
    g_clear_object (&store);
    {
      g_autoptr(QmSync) sync = new_sync (fixture);
      Wait synced = { 0 };

      qm_sync_run_async (sync, NULL, NULL, on_synced, &synced);
      while (!synced.done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_no_error (synced.error);
      g_ptr_array_unref (synced.results);
    }
    store = qm_store_open (fixture->db_path, &error);
    g_assert_no_error (error);
    id2 = qm_store_plan_generate (store, &options, "planner", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    third = qm_store_plan_get (store, id2, &error);
    g_assert_cmpint (third->suggested_total * 4, <, first->suggested_total);
    lines = qm_store_plan_get_lines (store, id2, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < lines->len; i++)
      g_assert_cmpint (((QmPlanLine *) g_ptr_array_index (lines, i))->on_order, ==, 0);
  }
}

/* The CLI is killed (SIGKILL) after its request reached the warehouse and
 * before the answer: the next push books nothing new. */
static void
test_crash (Fixture       *fixture,
            gconstpointer  data)
{
  const char *cli = g_getenv ("QM_CLI");
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *err = NULL;
  gint64 id = sync_and_plan (fixture);
  gint64 deadline;

  g_assert_nonnull (cli);
  set_fault (fixture, "{\"fault\": \"latency\", \"param\": 3000, \"count\": 1, "
                      "\"path\": \"v1/purchase-orders\"}");

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_subprocess_launcher_setenv (launcher, "QM_SYNC_TIMEOUT_MS", "20000", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  child = g_subprocess_launcher_spawn (launcher, &error, cli, "--db", fixture->db_path,
                                       "plan", "push", id_text, NULL);
  g_assert_no_error (error);

  /* The keys are in the cache before anything is sent... */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((before == NULL || before->len == 0) && g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&before, g_ptr_array_unref);
      g_usleep (20000);
      before = orders_of (fixture, id);
    }
  g_assert_cmpuint (before->len, >=, 2);
  g_assert_cmpuint (count_orders (before, NULL, QM_ORDER_STATE_PENDING), ==, before->len);

  /* ...then the request reaches the warehouse, which holds it (the latency
   * fault is used up when a request takes it), and the CLI is killed. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      guint faults = 1;

      sim_state (fixture, fixture->east_url, &faults);
      if (faults == 0 || g_get_monotonic_time () > deadline)
        break;
      g_usleep (10 * 1000);
    }
  assert_fault_played (fixture);
  g_subprocess_force_exit (child);
  g_subprocess_wait (child, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (child));

  /* the warehouse books it when its delay is over, with nobody listening */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (booked_orders (fixture, fixture->east_url) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==, 1);
  clear_faults (fixture);

  g_assert_cmpint (run_cli (fixture, "plan", "push", id_text, &err), ==, 0);
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==,
                   count_orders (before, "WH-EAST", -1));
  g_assert_cmpint (booked_orders (fixture, fixture->south_url), ==,
                   count_orders (before, "WH-SOUTH", -1));

  after = orders_of (fixture, id);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    {
      g_assert_cmpstr (((QmPlanOrder *) after->pdata[i])->idempotency_key, ==,
                       ((QmPlanOrder *) before->pdata[i])->idempotency_key);
      g_assert_cmpint (((QmPlanOrder *) after->pdata[i])->state, ==, QM_ORDER_STATE_ACCEPTED);
    }
}

/* A SKU the warehouse does not list: its order is refused, the reason is
 * kept and shown, the other warehouse's order goes through. */
static void
test_rejected (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *err = NULL;
  g_autofree char *show_err = NULL;
  const QmPlanOrder *east;
  gint64 id;
  Wait wait;

  /* Sales of a SKU WH-EAST never listed (as a warehouse that renamed its
   * codes might leave behind), put straight into the cache. */
  {
    g_autoptr(QmSync) sync = new_sync (fixture);
    Wait synced = { 0 };
    sqlite3 *db = NULL;
    char *message = NULL;

    qm_sync_run_async (sync, NULL, NULL, on_synced, &synced);
    while (!synced.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_no_error (synced.error);
    g_ptr_array_unref (synced.results);

    g_assert_cmpint (sqlite3_open (fixture->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    g_assert_cmpint (sqlite3_exec (db,
                                   "INSERT INTO movement (warehouse_id, seq, id, at, kind, sku,"
                                   "  quantity, from_status, channel) VALUES"
                                   " ('WH-EAST', 900000001, 'x1', '2026-11-20T10:00:00Z',"
                                   "  'sales_outbound', 'ZZ-UNLISTED', 30, 'qualified', 'app'),"
                                   " ('WH-EAST', 900000002, 'x2', '2026-11-26T10:00:00Z',"
                                   "  'sales_outbound', 'ZZ-UNLISTED', 50, 'qualified', 'app')",
                                   NULL, NULL, &message), ==, SQLITE_OK);
    sqlite3_close (db);
  }

  id = sync_and_plan (fixture);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  push (fixture, id, &wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  orders = orders_of (fixture, id);
  g_assert_cmpuint (wait.accepted, ==, orders->len - 1);
  g_assert_cmpuint (wait.rejected, ==, 1);
  /* WH-EAST booked its transfers (if any), not the refused purchase */
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==,
                   count_orders (orders, "WH-EAST", -1) - 1);
  g_assert_cmpint (booked_orders (fixture, fixture->south_url), ==,
                   count_orders (orders, "WH-SOUTH", -1));

  east = order_at (orders, "WH-EAST");
  g_assert_cmpint (east->kind, ==, QM_PLAN_LINE_PURCHASE);
  g_assert_cmpint (east->state, ==, QM_ORDER_STATE_REJECTED);
  g_test_message ("rejected: %s", east->error);
  g_assert_nonnull (strstr (east->error, "\"ZZ-UNLISTED\" is not a product of this warehouse"));
  g_assert_cmpint (order_at (orders, "WH-SOUTH")->state, ==, QM_ORDER_STATE_ACCEPTED);

  {
    g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
    g_autoptr(QmPlanInfo) info = NULL;

    g_assert_no_error (error);
    info = qm_store_plan_get (store, id, &error);
    g_assert_cmpint (info->status, ==, QM_PLAN_STATUS_PUSHED);
    g_assert_cmpuint (info->n_rejected, ==, 1);
    lines = qm_store_plan_get_lines (store, id, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < lines->len; i++)
      {
        const QmPlanLine *line = g_ptr_array_index (lines, i);

        if (line->approved_quantity == 0)
          continue;
        g_assert_cmpint (line->order_state, ==,
                         g_str_equal (line->warehouse_id, "WH-EAST") &&
                         line->kind == QM_PLAN_LINE_PURCHASE ? QM_ORDER_STATE_REJECTED
                                                             : QM_ORDER_STATE_ACCEPTED);
      }
  }

  /* The CLI says so, once per refused order, and exits 1; nothing is
   * sent again. */
  g_assert_cmpint (run_cli (fixture, "plan", "push", id_text, &err), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "purchase order at WH-EAST rejected (SKUs "));
  g_assert_nonnull (strstr (err, "ZZ-UNLISTED"));
  g_assert_nonnull (strstr (err, "is not a product of this warehouse"));
  g_assert_null (strstr (err, "at WH-SOUTH"));
  g_assert_null (strstr (err, "transfer"));
  g_assert_cmpint (booked_orders (fixture, fixture->south_url), ==,
                   count_orders (orders, "WH-SOUTH", -1));

  g_assert_cmpint (run_cli (fixture, "plan", "show", id_text, &show_err), ==, 0);
  g_assert_nonnull (strstr (show_err, "purchase order at WH-EAST rejected"));
  g_assert_nonnull (strstr (show_err, "is not a product of this warehouse"));
}

/* 503 once: retried after Retry-After with the same key. Then a warehouse
 * down for good: the order stays pending with the error, and a later push
 * sends it with the same key. */
static void
test_unavailable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  gint64 id = sync_and_plan (fixture);
  g_autofree char *err = NULL;
  g_autofree char *id_text = NULL;
  gint64 east_before;
  Wait wait;

  set_fault (fixture, "{\"fault\": \"503\", \"param\": 1, \"count\": 1, "
                      "\"path\": \"v1/purchase-orders\"}");
  push (fixture, id, &wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  assert_fault_played (fixture);
  first = orders_of (fixture, id);
  g_assert_cmpuint (wait.accepted, ==, first->len);
  east_before = booked_orders (fixture, fixture->east_url);
  g_assert_cmpint (east_before, ==, count_orders (first, "WH-EAST", -1));
  g_clear_pointer (&first, g_ptr_array_unref);

  /* a second plan, pushed while WH-EAST fails every time */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(QmStore) store = qm_store_open (fixture->db_path, &error);
    QmPlanOptions options;

    g_assert_no_error (error);
    qm_plan_options_init (&options);
    options.today_day = qm_plan_day_from_date (2026, 11, 28);
    options.params.window_days = 7;
    options.params.service_level = 0.999;
    id = qm_store_plan_generate (store, &options, "planner", NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (qm_store_plan_approve (store, id, "boss", &error));
    g_assert_no_error (error);
  }

  set_fault (fixture, "{\"fault\": \"500\", \"path\": \"v1/purchase-orders\"}");
  push (fixture, id, &wait);
  g_assert_false (wait.ok);
  g_assert_error (wait.error, QM_ERROR, QM_ERROR_IO);
  g_test_message ("%s", wait.error->message);
  g_clear_error (&wait.error);
  first = orders_of (fixture, id);
  g_assert_cmpint (order_at (first, "WH-EAST")->state, ==, QM_ORDER_STATE_PENDING);
  g_assert_nonnull (strstr (order_at (first, "WH-EAST")->error, "HTTP 500"));
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==,
                   east_before + count_orders (first, "WH-EAST", -1) - 1);

  /* the CLI: exit 1, one line for the order without an answer */
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_assert_cmpint (run_cli (fixture, "plan", "push", id_text, &err), ==, 1);
  g_assert_nonnull (strstr (err, "purchase order at WH-EAST has no answer yet"));

  clear_faults (fixture);
  push (fixture, id, &wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  second = orders_of (fixture, id);
  g_assert_cmpstr (order_at (second, "WH-EAST")->idempotency_key, ==,
                   order_at (first, "WH-EAST")->idempotency_key);
  g_assert_cmpint (order_at (second, "WH-EAST")->state, ==, QM_ORDER_STATE_ACCEPTED);
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==,
                   east_before + count_orders (second, "WH-EAST", -1));
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancelled while the warehouse holds the first request: the push ends
 * at once, the orders wait with their keys, and pushing again books each
 * order once (the held one included). */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(QmSync) sync = new_sync (fixture);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) orders = NULL;
  gint64 id = sync_and_plan (fixture);
  gint64 started, deadline;
  Wait wait = { 0 };

  qm_sync_set_timeout (sync, 20000);
  set_fault (fixture, "{\"fault\": \"latency\", \"param\": 3000, \"count\": 1, "
                      "\"path\": \"v1/purchase-orders\"}");
  started = g_get_monotonic_time ();
  qm_sync_push_plan_async (sync, id, "planner", cancellable, on_pushed, &wait);
  g_timeout_add (500, cancel_later, cancellable);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2500 * 1000);

  orders = orders_of (fixture, id);
  g_assert_cmpuint (orders->len, >=, 2);
  g_assert_cmpuint (count_orders (orders, NULL, QM_ORDER_STATE_PENDING), ==, orders->len);

  /* the warehouse books the held request when its delay is over */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (booked_orders (fixture, fixture->east_url) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==, 1);

  push (fixture, id, &wait);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_assert_cmpuint (wait.accepted, ==, orders->len);
  g_assert_cmpint (booked_orders (fixture, fixture->east_url), ==,
                   count_orders (orders, "WH-EAST", -1));
  g_assert_cmpint (booked_orders (fixture, fixture->south_url), ==,
                   count_orders (orders, "WH-SOUTH", -1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Short timeouts and backoff for every QmSync and CLI this test runs. */
  g_setenv ("QM_SYNC_TIMEOUT_MS", "2000", FALSE);
  g_setenv ("QM_SYNC_BACKOFF_MS", "20", FALSE);
  g_setenv ("QM_SYNC_ATTEMPTS", "3", FALSE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/push/lost-answer", test_lost_answer);
  ADD ("/push/crash", test_crash);
  ADD ("/push/rejected", test_rejected);
  ADD ("/push/unavailable", test_unavailable);
  ADD ("/push/cancel", test_cancel);

#undef ADD

  return g_test_run ();
}
