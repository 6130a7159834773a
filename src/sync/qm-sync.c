/* qm-sync.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pulls warehouses into the cache. HTTP runs asynchronously on the main
 * context through one SoupSession; each answer is checked, parsed and
 * written in a worker thread that holds the pull's own SQLite connection,
 * so the main loop never waits on JSON or SQL.
 *
 * One pull, in order: v1/warehouse; v1/products (a paged walk);
 * v1/movements from the stored cursor (each page committed with the new
 * cursor in one transaction); the v1/stock walk (staged, swapped in when
 * the walk completes); movements again up to the snapshot's seq; then the
 * ledger fold is reconciled with the snapshot. A failed step leaves what
 * was committed before it, and the next sync continues from there.
 *
 * libsoup's own timeout is per read, so every request also has an overall
 * deadline. Network errors, 5xx, 429, slow and cut-off answers are retried
 * with exponential backoff and jitter, honouring Retry-After.
 */

#define G_LOG_DOMAIN "qm-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "qm-endpoint-url.h"
#include "qm-error.h"
#include "qm-store.h"
#include "qm-sync.h"
#include "qm-sync-private.h"
#include "qm-token.h"

#define DEFAULT_PAGE_SIZE    1000
#define DEFAULT_TIMEOUT_MS   30000
#define DEFAULT_BACKOFF_MS   500
#define DEFAULT_ATTEMPTS     4
#define DEFAULT_BATCH_ROWS   10000
#define MAX_RETRY_AFTER_S    60
#define MAX_WALK_RESTARTS    3
#define MAX_PARALLEL         4
#define READ_CHUNK           (64 * 1024)
#define MAX_WARNINGS         1000

/* One writer at a time in this process (SQLite allows one anyway): pulls
 * parse in parallel and queue here for the write, instead of spinning in
 * SQLite's busy handler while another pull commits a large batch. */
static GMutex write_lock;

static inline gboolean
write_unlock (gboolean ok)
{
  g_mutex_unlock (&write_lock);
  return ok;
}

#define WRITE(call) (g_mutex_lock (&write_lock), write_unlock (call))

typedef enum
{
  PHASE_PREPARE,
  PHASE_INFO,
  PHASE_PRODUCTS,
  PHASE_MOVEMENTS,
  PHASE_STOCK,
  PHASE_RECONCILE,
  PHASE_RECORD_ERROR,
  PHASE_DONE,
} Phase;

static const char * const phase_names[] = {
  "prepare", "warehouse", "products", "movements", "stock", "reconcile", "record", "done",
};

struct _QmSync
{
  GObject      parent_instance;

  char        *db_path;
  SoupSession *session;
  guint        page_size;
  guint        timeout_ms;
  guint        backoff_ms;
  guint        attempts;
  guint        batch_rows;
  guint        n_running;
};

G_DEFINE_FINAL_TYPE (QmSync, qm_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

enum {
  PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct _Run Run;

typedef struct
{
  QmSync          *sync;
  Run             *run;          /* NULL for a probe */
  GTask           *probe_task;   /* the probe's task, else NULL */
  GCancellable    *cancellable;  /* the caller's */

  char            *warehouse_id;
  char            *base_url;
  char            *token_file;
  char            *token;
  QmStore         *store;        /* used from worker threads only, one at a time */

  Phase            phase;
  Phase            next_phase;
  char            *page_token;
  guint            walk_restarts;
  gint64           cursor;
  gint64           remote_last_seq;
  gint64           target_seq;
  gint64           as_of_seq;
  gboolean         stock_done;
  GPtrArray       *pending;      /* QmMovementPage fetched but not committed yet */
  gsize            pending_rows;

  /* the request in flight */
  guint            attempt;
  SoupMessage     *msg;
  GCancellable    *attempt_cancellable;
  gulong           cancel_handler;
  guint            deadline_id;
  gboolean         deadline_hit;
  GByteArray      *body;
  GBytes          *bytes;
  guint            status;
  guint            retry_after_s;
  guint            backoff_id;

  /* what the worker says about its step */
  GError          *step_error;
  gboolean         step_retryable;

  QmSyncResult    *result;
  QmWarehouseInfo *info;
  gint64           started_us;
} Pull;

struct _Run
{
  QmSync    *sync;
  GTask     *task;
  GQueue     waiting;      /* Pull* */
  guint      active;
  GPtrArray *results;      /* QmSyncResult* */
};

static void pull_fetch        (Pull *pull);
static void pull_run_worker   (Pull *pull);
static void pull_fail         (Pull *pull,
                               GError *error);
static void pull_finish       (Pull *pull);
static void pull_retry_or_fail (Pull     *pull,
                                GError   *error,
                                gboolean  retryable,
                                guint     retry_after);

/* ------------------------------------------------------------------------ */

void
qm_sync_result_free (QmSyncResult *result)
{
  if (result == NULL)
    return;

  g_free (result->warehouse_id);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_clear_error (&result->error);
  g_free (result);
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 parsed;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &parsed, NULL))
    return fallback;

  return (guint) parsed;
}

static void
qm_sync_finalize (GObject *object)
{
  QmSync *self = (QmSync *)object;

  g_clear_object (&self->session);
  g_free (self->db_path);

  G_OBJECT_CLASS (qm_sync_parent_class)->finalize (object);
}

static void
qm_sync_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  QmSync *self = QM_SYNC (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->n_running > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_sync_class_init (QmSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qm_sync_finalize;
  object_class->get_property = qm_sync_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QmSync::progress:
   * @warehouse_id: the endpoint
   * @phase: what it is doing ("warehouse", "products", "movements", "stock",
   *   "reconcile", "done")
   * @fraction: how far the whole pull is, 0 to 1
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_DOUBLE);
}

static void
qm_sync_init (QmSync *self)
{
  self->page_size = env_uint ("QM_SYNC_PAGE_SIZE", DEFAULT_PAGE_SIZE);
  self->timeout_ms = env_uint ("QM_SYNC_TIMEOUT_MS", DEFAULT_TIMEOUT_MS);
  self->backoff_ms = env_uint ("QM_SYNC_BACKOFF_MS", DEFAULT_BACKOFF_MS);
  self->attempts = env_uint ("QM_SYNC_ATTEMPTS", DEFAULT_ATTEMPTS);
  self->batch_rows = env_uint ("QM_SYNC_BATCH_ROWS", DEFAULT_BATCH_ROWS);

  self->session = soup_session_new_with_options ("user-agent", "Quartermaster/" PACKAGE_VERSION,
                                                 "max-conns", 16,
                                                 "max-conns-per-host", 2,
                                                 NULL);

  /* A CA the session should trust besides the system's (a company CA). */
  if (g_getenv ("QM_CA_FILE") != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) db = g_tls_file_database_new (g_getenv ("QM_CA_FILE"), &error);

      if (db != NULL)
        soup_session_set_tls_database (self->session, db);
      else
        g_warning ("Cannot load QM_CA_FILE: %s", error->message);
    }
}

/**
 * qm_sync_new:
 * @db_path: the cache every pull writes to
 *
 * Returns: (transfer full): a new #QmSync
 */
QmSync *
qm_sync_new (const char *db_path)
{
  QmSync *self;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (QM_TYPE_SYNC, NULL);
  self->db_path = g_strdup (db_path);

  return self;
}

void
qm_sync_set_page_size (QmSync *self,
                       guint   page_size)
{
  g_return_if_fail (QM_IS_SYNC (self));
  g_return_if_fail (page_size >= 1 && page_size <= 10000);

  self->page_size = page_size;
}

void
qm_sync_set_timeout (QmSync *self,
                     guint   timeout_ms)
{
  g_return_if_fail (QM_IS_SYNC (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

/**
 * qm_sync_set_batch_rows:
 * @batch_rows: commit movements once this many are fetched (whole pages)
 *
 * Fewer, larger transactions are much faster (secondary indexes); a crash
 * loses at most the uncommitted pages, which the next sync fetches again.
 */
void
qm_sync_set_batch_rows (QmSync *self,
                        guint   batch_rows)
{
  g_return_if_fail (QM_IS_SYNC (self));
  g_return_if_fail (batch_rows >= 1);

  self->batch_rows = batch_rows;
}

void
qm_sync_set_backoff (QmSync *self,
                     guint   base_ms,
                     guint   attempts)
{
  g_return_if_fail (QM_IS_SYNC (self));
  g_return_if_fail (attempts >= 1);

  self->backoff_ms = base_ms;
  self->attempts = attempts;
}

const char *
qm_sync_get_db_path (QmSync *self)
{
  g_return_val_if_fail (QM_IS_SYNC (self), NULL);

  return self->db_path;
}

guint
qm_sync_get_timeout_ms (QmSync *self)
{
  g_return_val_if_fail (QM_IS_SYNC (self), 0);

  return self->timeout_ms;
}

guint
qm_sync_get_backoff_ms (QmSync *self)
{
  g_return_val_if_fail (QM_IS_SYNC (self), 0);

  return self->backoff_ms;
}

guint
qm_sync_get_attempts (QmSync *self)
{
  g_return_val_if_fail (QM_IS_SYNC (self), 0);

  return self->attempts;
}

gboolean
qm_sync_get_running (QmSync *self)
{
  g_return_val_if_fail (QM_IS_SYNC (self), FALSE);

  return self->n_running > 0;
}

static void
set_running (QmSync *self,
             int     delta)
{
  gboolean was = self->n_running > 0;

  self->n_running += delta;
  if (was != (self->n_running > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* ------------------------------------------------------------------------ */
/* Pulls                                                                    */

static Pull *
pull_new (QmSync       *sync,
          GCancellable *cancellable)
{
  Pull *pull = g_new0 (Pull, 1);

  pull->sync = g_object_ref (sync);
  pull->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  pull->target_seq = -1;
  pull->as_of_seq = -1;
  pull->remote_last_seq = -1;
  pull->started_us = g_get_monotonic_time ();
  pull->result = g_new0 (QmSyncResult, 1);
  pull->result->warnings = g_ptr_array_new_with_free_func (g_free);
  pull->result->snapshot_seq = -1;
  pull->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_movement_page_free);

  return pull;
}

static void
pull_free (Pull *pull)
{
  g_assert (pull->msg == NULL);
  g_assert (pull->backoff_id == 0);
  g_assert (pull->deadline_id == 0);

  g_clear_object (&pull->store);
  g_clear_object (&pull->cancellable);
  g_clear_object (&pull->sync);
  g_free (pull->warehouse_id);
  g_free (pull->base_url);
  g_free (pull->token_file);
  if (pull->token != NULL)
    {
      memset (pull->token, 0, strlen (pull->token));
      g_free (pull->token);
    }
  g_free (pull->page_token);
  g_clear_pointer (&pull->pending, g_ptr_array_unref);
  g_clear_pointer (&pull->body, g_byte_array_unref);
  g_clear_pointer (&pull->bytes, g_bytes_unref);
  g_clear_error (&pull->step_error);
  qm_sync_result_free (pull->result);
  qm_warehouse_info_free (pull->info);
  g_free (pull);
}

static const char *
pull_name (Pull *pull)
{
  return pull->warehouse_id != NULL ? pull->warehouse_id : pull->base_url;
}

static void
pull_progress (Pull *pull)
{
  double fraction;

  switch (pull->phase)
    {
    case PHASE_PREPARE:
    case PHASE_INFO:
      fraction = 0.02;
      break;
    case PHASE_PRODUCTS:
      fraction = 0.05;
      break;
    case PHASE_MOVEMENTS:
      if (pull->remote_last_seq > 0 && !pull->stock_done)
        fraction = 0.1 + 0.6 * CLAMP ((double) pull->cursor / pull->remote_last_seq, 0.0, 1.0);
      else
        fraction = pull->stock_done ? 0.95 : 0.1;
      break;
    case PHASE_STOCK:
      fraction = 0.8;
      break;
    case PHASE_RECONCILE:
      fraction = 0.97;
      break;
    case PHASE_RECORD_ERROR:
    case PHASE_DONE:
    default:
      fraction = 1.0;
      break;
    }

  if (pull->warehouse_id != NULL)
    g_signal_emit (pull->sync, signals[PROGRESS], 0, pull->warehouse_id,
                   phase_names[pull->phase], fraction);
}

/* ------------------------------------------------------------------------ */
/* Worker steps: everything that parses or touches SQLite                   */

static gboolean
worker_prepare (Pull          *pull,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(QmWarehouse) wh = NULL;
  g_auto(QmSyncState) state = { 0 };
  g_autoptr(GError) keyring_error = NULL;

  if (pull->run != NULL)
    {
      pull->store = qm_store_open (pull->sync->db_path, error);
      if (pull->store == NULL)
        return FALSE;

      wh = qm_store_get_warehouse (pull->store, pull->warehouse_id, error);
      if (wh == NULL)
        return FALSE;

      g_free (pull->base_url);
      pull->base_url = qm_endpoint_url_check (wh->url, wh->allow_insecure, error);
      if (pull->base_url == NULL)
        return FALSE;

      g_free (pull->token_file);
      pull->token_file = g_strdup (wh->token_file);

      if (!qm_store_get_sync_state (pull->store, pull->warehouse_id, &state, error))
        return FALSE;
      pull->cursor = state.cursor_seq;
    }

  if (pull->token != NULL)
    return TRUE;   /* given by the caller (a probe of a token not stored yet) */

  if (pull->token_file != NULL)
    pull->token = qm_token_read_file (pull->token_file, error);
  else
    pull->token = qm_token_lookup_keyring (pull->base_url, cancellable, &keyring_error);

  if (pull->token_file != NULL && pull->token == NULL)
    return FALSE;

  return TRUE;
}

static gboolean
worker_info (Pull    *pull,
             GError **error)
{
  g_autoptr(QmWarehouseInfo) info = NULL;
  gsize len;
  const char *data = g_bytes_get_data (pull->bytes, &len);

  info = qm_protocol_parse_warehouse (data, len, error);
  if (info == NULL)
    {
      pull->step_retryable = TRUE;
      return FALSE;
    }

  if (pull->run == NULL)
    {
      pull->info = g_steal_pointer (&info);
      pull->next_phase = PHASE_DONE;
      return TRUE;
    }

  if (g_strcmp0 (info->warehouse->id, pull->warehouse_id) != 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_CONFLICT,
                   _("The endpoint now says it is warehouse “%s”, not “%s”; check the URL, "
                     "or remove and add the endpoint again"),
                   info->warehouse->id, pull->warehouse_id);
      return FALSE;
    }

  if (info->last_seq < pull->cursor)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_CONFLICT,
                   _("The warehouse reports its newest movement as %" G_GINT64_FORMAT " but "
                     "Quartermaster already holds movements up to %" G_GINT64_FORMAT "; the "
                     "warehouse may have been restored from a backup. Nothing was deleted; ask "
                     "the warehouse to check its ledger"),
                   info->last_seq, pull->cursor);
      return FALSE;
    }

  pull->remote_last_seq = info->last_seq;
  if (!WRITE (qm_store_update_warehouse_info (pull->store, info->warehouse, error)))
    return FALSE;

  pull->next_phase = PHASE_PRODUCTS;
  return TRUE;
}

static gboolean
worker_products (Pull    *pull,
                 GError **error)
{
  g_autoptr(QmProductPage) page = NULL;
  gsize len;
  const char *data = g_bytes_get_data (pull->bytes, &len);

  page = qm_protocol_parse_products (data, len, error);
  if (page == NULL)
    {
      pull->step_retryable = TRUE;
      return FALSE;
    }

  if (!WRITE (qm_store_upsert_products (pull->store, pull->warehouse_id,
                                 (const QmProduct *) page->products->data, page->products->len,
                                 error)))
    return FALSE;

  g_free (pull->page_token);
  pull->page_token = g_steal_pointer (&page->next_page_token);
  pull->next_phase = pull->page_token != NULL ? PHASE_PRODUCTS : PHASE_MOVEMENTS;
  return TRUE;
}

/* Commits the pages fetched since the last commit, in one transaction with
 * the cursor after the last of them. A failure before this drops them
 * (they are fetched again next time); nothing half is ever stored. */
static gboolean
flush_pending (Pull    *pull,
               GError **error)
{
  g_autoptr(GArray) rows = NULL;
  gsize inserted = 0;

  if (pull->pending->len == 0)
    return TRUE;

  rows = g_array_sized_new (FALSE, FALSE, sizeof (QmMovement), pull->pending_rows);
  for (guint i = 0; i < pull->pending->len; i++)
    {
      QmMovementPage *page = g_ptr_array_index (pull->pending, i);

      g_array_append_vals (rows, page->movements->data, page->movements->len);
    }

  if (!WRITE (qm_store_insert_movements (pull->store, pull->warehouse_id,
                                  (const QmMovement *) rows->data, rows->len, pull->cursor,
                                  &inserted, error)))
    return FALSE;

  pull->result->new_movements += inserted;
  g_ptr_array_set_size (pull->pending, 0);
  pull->pending_rows = 0;
  return TRUE;
}

static gboolean
worker_movements (Pull    *pull,
                  GError **error)
{
  g_autoptr(QmMovementPage) page = NULL;
  gsize len;
  const char *data = g_bytes_get_data (pull->bytes, &len);
  gint64 new_cursor = pull->cursor;
  gboolean complete;

  page = qm_protocol_parse_movements (data, len, pull->cursor, error);
  if (page == NULL)
    {
      pull->step_retryable = TRUE;
      return FALSE;
    }

  if (page->last_seq < pull->cursor)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_CONFLICT,
                   _("The warehouse reports its newest movement as %" G_GINT64_FORMAT " but "
                     "Quartermaster already holds movements up to %" G_GINT64_FORMAT "; the "
                     "warehouse may have been restored from a backup. Nothing was deleted; ask "
                     "the warehouse to check its ledger"),
                   page->last_seq, pull->cursor);
      return FALSE;
    }

  if (page->movements->len > 0)
    new_cursor = g_array_index (page->movements, QmMovement, page->movements->len - 1).seq;

  pull->cursor = new_cursor;
  pull->remote_last_seq = MAX (pull->remote_last_seq, page->last_seq);

  if (page->n_quarantined > 0)
    {
      for (guint i = 0; i < page->movements->len; i++)
        {
          const QmMovement *m = &g_array_index (page->movements, QmMovement, i);

          if (m->quarantine_reason == NULL)
            continue;

          pull->result->quarantined++;
          if (pull->result->warnings->len < MAX_WARNINGS)
            g_ptr_array_add (pull->result->warnings,
                             g_strdup_printf (_("%s movement %" G_GINT64_FORMAT " (%s) quarantined: "
                                                "%s; it is kept but left out of every balance"),
                                              pull->warehouse_id, m->seq, m->kind,
                                              m->quarantine_reason));
        }
    }

  complete = page->movements->len == 0 || new_cursor >= page->last_seq;
  if (pull->target_seq >= 0 && pull->cursor >= pull->target_seq)
    complete = TRUE;

  /* Whole pages are committed together, with the cursor after the last. */
  pull->pending_rows += page->movements->len;
  g_ptr_array_add (pull->pending, g_steal_pointer (&page));
  if ((complete || pull->pending_rows >= pull->sync->batch_rows) &&
      !flush_pending (pull, error))
    return FALSE;

  if (!complete)
    pull->next_phase = PHASE_MOVEMENTS;
  else if (!pull->stock_done)
    pull->next_phase = PHASE_STOCK;
  else if (pull->cursor < pull->as_of_seq)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The warehouse's stock snapshot is as of movement %" G_GINT64_FORMAT " but "
                     "its ledger ends at %" G_GINT64_FORMAT "; the two do not belong together"),
                   pull->as_of_seq, pull->cursor);
      return FALSE;
    }
  else
    pull->next_phase = PHASE_RECONCILE;

  return TRUE;
}

static gboolean
worker_stock (Pull    *pull,
              GError **error)
{
  g_autoptr(QmStockPage) page = NULL;
  gsize len;
  const char *data = g_bytes_get_data (pull->bytes, &len);
  gboolean first = pull->page_token == NULL;

  page = qm_protocol_parse_stock (data, len, error);
  if (page == NULL)
    {
      pull->step_retryable = TRUE;
      return FALSE;
    }

  if (first)
    {
      if (!WRITE (qm_store_snapshot_begin (pull->store, pull->warehouse_id, error)))
        return FALSE;
      pull->as_of_seq = page->as_of_seq;
      pull->result->snapshot_rows = 0;
    }
  else if (page->as_of_seq != pull->as_of_seq)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The warehouse changed the stock snapshot during one walk (as of %"
                     G_GINT64_FORMAT ", then %" G_GINT64_FORMAT ")"),
                   pull->as_of_seq, page->as_of_seq);
      return FALSE;
    }

  if (!WRITE (qm_store_snapshot_add (pull->store, pull->warehouse_id,
                              (const QmStockItem *) page->items->data, page->items->len, error)))
    return FALSE;

  pull->result->snapshot_rows += page->items->len;

  g_free (pull->page_token);
  pull->page_token = g_steal_pointer (&page->next_page_token);
  if (pull->page_token != NULL)
    {
      pull->next_phase = PHASE_STOCK;
      return TRUE;
    }

  if (!WRITE (qm_store_snapshot_commit (pull->store, pull->warehouse_id, pull->as_of_seq, error)))
    return FALSE;

  pull->stock_done = TRUE;
  pull->result->snapshot_seq = pull->as_of_seq;

  if (pull->cursor < pull->as_of_seq)
    {
      pull->target_seq = pull->as_of_seq;
      pull->next_phase = PHASE_MOVEMENTS;
    }
  else
    {
      pull->next_phase = PHASE_RECONCILE;
    }

  return TRUE;
}

static gboolean
worker_reconcile (Pull    *pull,
                  GError **error)
{
  if (!WRITE (qm_store_reconcile (pull->store, pull->warehouse_id, pull->as_of_seq,
                           &pull->result->discrepancies, &pull->result->negative_folds, error)))
    return FALSE;

  if (!qm_store_record_sync_result (pull->store, pull->warehouse_id, pull->remote_last_seq,
                                    NULL, error))
    return FALSE;

  pull->next_phase = PHASE_DONE;
  return TRUE;
}

static gboolean
worker_record_error (Pull    *pull,
                     GError **error)
{
  pull->next_phase = PHASE_DONE;

  if (pull->store == NULL || pull->warehouse_id == NULL)
    return TRUE;

  /* Best effort: the endpoint's error is what the user needs to see. */
  qm_store_record_sync_result (pull->store, pull->warehouse_id, -1,
                               pull->result->error->message, NULL);
  return TRUE;
}

static void
pull_worker_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Pull *pull = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  pull->step_retryable = FALSE;

  switch (pull->phase)
    {
    case PHASE_PREPARE:
      ok = worker_prepare (pull, cancellable, &error);
      pull->next_phase = PHASE_INFO;
      break;
    case PHASE_INFO:
      ok = worker_info (pull, &error);
      break;
    case PHASE_PRODUCTS:
      ok = worker_products (pull, &error);
      break;
    case PHASE_MOVEMENTS:
      ok = worker_movements (pull, &error);
      break;
    case PHASE_STOCK:
      ok = worker_stock (pull, &error);
      break;
    case PHASE_RECONCILE:
      ok = worker_reconcile (pull, &error);
      break;
    case PHASE_RECORD_ERROR:
      ok = worker_record_error (pull, &error);
      break;
    case PHASE_DONE:
    default:
      g_assert_not_reached ();
    }

  g_assert (ok == (error == NULL));
  pull->step_error = error;
  g_task_return_boolean (task, TRUE);
}

static gboolean
error_is_cancel (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
on_worker_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Pull *pull = user_data;
  GError *error = g_steal_pointer (&pull->step_error);

  g_clear_pointer (&pull->bytes, g_bytes_unref);

  if (pull->phase == PHASE_RECORD_ERROR)
    {
      g_clear_error (&error);
      pull_finish (pull);
      return;
    }

  if (error != NULL)
    {
      pull_retry_or_fail (pull, error, pull->step_retryable, 0);
      return;
    }

  pull->phase = pull->next_phase;
  pull->attempt = 1;
  pull_progress (pull);

  switch (pull->phase)
    {
    case PHASE_INFO:
    case PHASE_PRODUCTS:
    case PHASE_MOVEMENTS:
    case PHASE_STOCK:
      pull_fetch (pull);
      break;
    case PHASE_RECONCILE:
      pull_run_worker (pull);
      break;
    case PHASE_DONE:
      pull_finish (pull);
      break;
    case PHASE_PREPARE:
    case PHASE_RECORD_ERROR:
    default:
      g_assert_not_reached ();
    }
}

static void
pull_run_worker (Pull *pull)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_worker_done, pull);

  g_task_set_source_tag (task, pull_run_worker);
  g_task_set_task_data (task, pull, NULL);
  g_task_run_in_thread (task, pull_worker_thread);
}

/* ------------------------------------------------------------------------ */
/* HTTP                                                                     */

static char *
pull_url (Pull *pull)
{
  g_autofree char *path = NULL;
  guint size = pull->sync->page_size;

  switch (pull->phase)
    {
    case PHASE_INFO:
      path = g_strdup ("v1/warehouse");
      break;
    case PHASE_PRODUCTS:
    case PHASE_STOCK:
      {
        const char *what = pull->phase == PHASE_STOCK ? "v1/stock" : "v1/products";

        if (pull->page_token != NULL)
          {
            g_autofree char *escaped = g_uri_escape_string (pull->page_token, NULL, FALSE);
            path = g_strdup_printf ("%s?page_size=%u&page_token=%s", what, size, escaped);
          }
        else
          {
            path = g_strdup_printf ("%s?page_size=%u", what, size);
          }
      }
      break;
    case PHASE_MOVEMENTS:
      path = g_strdup_printf ("v1/movements?after_seq=%" G_GINT64_FORMAT "&limit=%u",
                              pull->cursor, size);
      break;
    case PHASE_PREPARE:
    case PHASE_RECONCILE:
    case PHASE_RECORD_ERROR:
    case PHASE_DONE:
    default:
      g_assert_not_reached ();
    }

  return qm_endpoint_url_resolve (pull->base_url, path);
}

static void
request_cleanup (Pull *pull)
{
  g_clear_handle_id (&pull->deadline_id, g_source_remove);
  if (pull->cancel_handler != 0)
    {
      g_cancellable_disconnect (pull->cancellable, pull->cancel_handler);
      pull->cancel_handler = 0;
    }
  g_clear_object (&pull->attempt_cancellable);
  g_clear_object (&pull->msg);
  g_clear_pointer (&pull->body, g_byte_array_unref);
}

static gboolean
on_deadline (gpointer user_data)
{
  Pull *pull = user_data;

  pull->deadline_id = 0;
  pull->deadline_hit = TRUE;
  g_cancellable_cancel (pull->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static void
on_parent_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GCancellable *attempt = user_data;

  g_cancellable_cancel (attempt);
}

/* Why an attempt failed, as the user should read it. */
static GError *
request_error (Pull         *pull,
               const GError *transport_error,
               gboolean     *out_retryable)
{
  g_autofree char *detail = NULL;
  guint status = pull->status;

  *out_retryable = FALSE;

  if (transport_error != NULL)
    {
      if (pull->deadline_hit)
        {
          *out_retryable = TRUE;
          return g_error_new (QM_ERROR, QM_ERROR_IO,
                              _("No complete answer within %u s (the endpoint is too slow or "
                                "stalled)"), pull->sync->timeout_ms / 1000);
        }
      if (error_is_cancel (transport_error))
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sync was cancelled"));

      if (transport_error->domain == QM_ERROR)
        return g_error_copy (transport_error);

      if (transport_error->domain == G_TLS_ERROR)
        return g_error_new (QM_ERROR, QM_ERROR_REFUSED,
                            _("The endpoint's TLS certificate is not trusted (%s); nothing was "
                              "sent. If the warehouse uses a company certificate authority, set "
                              "QM_CA_FILE to its PEM file"), transport_error->message);

      *out_retryable = TRUE;
      return g_error_new (QM_ERROR, QM_ERROR_IO, _("Network error: %s"), transport_error->message);
    }

  if (pull->body != NULL)
    detail = qm_protocol_problem_detail ((const char *) pull->body->data, pull->body->len);

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      return g_error_new (QM_ERROR, QM_ERROR_REFUSED,
                          _("The endpoint refused the token (HTTP %u); check the token file or "
                            "the keyring entry for %s"), status, pull->base_url);
    case SOUP_STATUS_NOT_FOUND:
      return g_error_new (QM_ERROR, QM_ERROR_REFUSED,
                          _("The endpoint has no such resource (HTTP 404); check that %s is the "
                            "base URL of a warehouse API"), pull->base_url);
    case 429: /* Too Many Requests */
      *out_retryable = TRUE;
      return g_error_new (QM_ERROR, QM_ERROR_IO,
                          _("The endpoint is rate limiting Quartermaster (HTTP 429)%s%s"),
                          detail ? ": " : "", detail ? detail : "");
    default:
      if (status >= 500 && status <= 599)
        {
          *out_retryable = TRUE;
          return g_error_new (QM_ERROR, QM_ERROR_IO, _("The endpoint failed (HTTP %u)%s%s"),
                              status, detail ? ": " : "", detail ? detail : "");
        }
      return g_error_new (QM_ERROR, QM_ERROR_BAD_DATA,
                          _("The endpoint answered HTTP %u%s%s"),
                          status, detail ? ": " : "", detail ? detail : "");
    }
}

static gboolean
on_backoff_done (gpointer user_data)
{
  Pull *pull = user_data;

  pull->backoff_id = 0;
  pull_fetch (pull);

  return G_SOURCE_REMOVE;
}

/* Tries the request again after a backoff, or ends the pull with @error. */
static void
pull_retry_or_fail (Pull     *pull,
                    GError   *error,
                    gboolean  retryable,
                    guint     retry_after)
{
  if (retryable && pull->attempt < pull->sync->attempts &&
      !g_cancellable_is_cancelled (pull->cancellable))
    {
      guint delay = pull->sync->backoff_ms << MIN (pull->attempt - 1, 10);

      /* Jitter on the upper half, so pulls that failed together spread out. */
      delay = delay / 2 + g_random_int_range (0, (int) (delay / 2) + 1);
      delay = MAX (delay, retry_after * 1000);

      g_debug ("%s: %s; attempt %u of %u in %u ms", pull_name (pull), error->message,
               pull->attempt + 1, pull->sync->attempts, delay);
      g_clear_error (&error);
      pull->attempt++;
      pull->backoff_id = g_timeout_add (delay, on_backoff_done, pull);
      return;
    }

  pull_fail (pull, error);
}

static void
request_failed (Pull         *pull,
                const GError *transport_error)
{
  gboolean retryable = FALSE;
  GError *error = request_error (pull, transport_error, &retryable);
  guint retry_after = pull->retry_after_s;

  request_cleanup (pull);

  if (retryable && retry_after > MAX_RETRY_AFTER_S)
    {
      g_prefix_error (&error, _("Asked to come back in %u s, longer than Quartermaster waits: "),
                      retry_after);
      retryable = FALSE;
    }

  pull_retry_or_fail (pull, error, retryable, retry_after);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pull *pull = user_data;
  GInputStream *stream = G_INPUT_STREAM (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (stream, result, &error);
  if (chunk == NULL)
    {
      g_input_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      request_failed (pull, error);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (pull->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));

      if (pull->body->len > QM_PROTOCOL_MAX_BODY)
        {
          g_autoptr(GError) too_big =
            g_error_new (QM_ERROR, QM_ERROR_BAD_DATA,
                         _("The answer is larger than %d MiB, more than Quartermaster accepts; "
                           "ask the warehouse to send smaller pages"),
                         QM_PROTOCOL_MAX_BODY / (1024 * 1024));

          g_cancellable_cancel (pull->attempt_cancellable);
          g_input_stream_close (stream, NULL, NULL);
          g_object_unref (stream);
          request_failed (pull, too_big);
          return;
        }

      g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                       pull->attempt_cancellable, on_body_read, pull);
      return;
    }

  /* The whole body is here. */
  g_input_stream_close (stream, NULL, NULL);
  g_object_unref (stream);

  if (pull->status == SOUP_STATUS_OK)
    {
      pull->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&pull->body));
      request_cleanup (pull);
      pull_run_worker (pull);
      return;
    }

  if (pull->status == SOUP_STATUS_GONE &&
      (pull->phase == PHASE_PRODUCTS || pull->phase == PHASE_STOCK) &&
      pull->page_token != NULL && pull->walk_restarts < MAX_WALK_RESTARTS)
    {
      /* The page token expired: start that walk again from its first page. */
      g_debug ("%s: page token expired; restarting the %s walk", pull_name (pull),
               phase_names[pull->phase]);
      request_cleanup (pull);
      pull->walk_restarts++;
      g_clear_pointer (&pull->page_token, g_free);
      pull->attempt = 1;
      pull_fetch (pull);
      return;
    }

  request_failed (pull, NULL);
}

static guint
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  guint64 seconds;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, 86400, &seconds, NULL))
    return 0;

  return (guint) seconds;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pull *pull = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *stream;
  goffset length;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      request_failed (pull, error);
      return;
    }

  pull->status = soup_message_get_status (pull->msg);
  pull->retry_after_s = parse_retry_after (pull->msg);
  pull->body = g_byte_array_new ();

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (pull->msg));
  if (length > QM_PROTOCOL_MAX_BODY)
    {
      g_autoptr(GError) too_big =
        g_error_new (QM_ERROR, QM_ERROR_BAD_DATA,
                     _("The answer is larger than %d MiB, more than Quartermaster accepts; ask "
                       "the warehouse to send smaller pages"),
                     QM_PROTOCOL_MAX_BODY / (1024 * 1024));

      g_cancellable_cancel (pull->attempt_cancellable);
      g_input_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      request_failed (pull, too_big);
      return;
    }

  g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   pull->attempt_cancellable, on_body_read, pull);
}

static void
pull_fetch (Pull *pull)
{
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;

  if (g_cancellable_is_cancelled (pull->cancellable))
    {
      pull_fail (pull, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                            _("Sync was cancelled")));
      return;
    }

  url = pull_url (pull);
  pull->msg = soup_message_new (SOUP_METHOD_GET, url);
  if (pull->msg == NULL)
    {
      pull_fail (pull, g_error_new (QM_ERROR, QM_ERROR_INVALID_INPUT,
                                    _("Cannot build a request for %s"), url));
      return;
    }

  if (pull->token != NULL)
    {
      auth = g_strdup_printf ("Bearer %s", pull->token);
      soup_message_headers_replace (soup_message_get_request_headers (pull->msg),
                                    "Authorization", auth);
      memset (auth, 0, strlen (auth));
    }
  soup_message_headers_replace (soup_message_get_request_headers (pull->msg),
                                "Accept", "application/json");

  pull->deadline_hit = FALSE;
  pull->status = 0;
  pull->retry_after_s = 0;
  pull->attempt_cancellable = g_cancellable_new ();
  if (pull->cancellable != NULL)
    pull->cancel_handler = g_cancellable_connect (pull->cancellable,
                                                  G_CALLBACK (on_parent_cancelled),
                                                  pull->attempt_cancellable, NULL);
  pull->deadline_id = g_timeout_add (pull->sync->timeout_ms, on_deadline, pull);

  g_debug ("%s: GET %s (attempt %u)", pull_name (pull), url, pull->attempt);
  soup_session_send_async (pull->sync->session, pull->msg, G_PRIORITY_DEFAULT,
                           pull->attempt_cancellable, on_sent, pull);
}

/* ------------------------------------------------------------------------ */
/* Ends                                                                     */

static void
run_next (Run *run);

static void
pull_fail (Pull   *pull,
           GError *error)
{
  request_cleanup (pull);

  g_clear_error (&pull->result->error);
  pull->result->error = error;

  /* Whatever whole pages were committed stay; the error is recorded. */
  pull->phase = PHASE_RECORD_ERROR;
  pull_run_worker (pull);
}

static void
pull_finish (Pull *pull)
{
  Run *run = pull->run;

  pull->phase = PHASE_DONE;
  pull->result->elapsed_ms = (g_get_monotonic_time () - pull->started_us) / 1000;
  pull->result->warehouse_id = g_strdup (pull->warehouse_id);
  pull_progress (pull);

  if (run == NULL)
    {
      GTask *task = g_steal_pointer (&pull->probe_task);

      if (pull->result->error != NULL)
        g_task_return_error (task, g_steal_pointer (&pull->result->error));
      else
        g_task_return_pointer (task, g_steal_pointer (&pull->info),
                               (GDestroyNotify) qm_warehouse_info_free);

      set_running (pull->sync, -1);
      pull_free (pull);
      g_object_unref (task);
      return;
    }

  g_ptr_array_add (run->results, g_steal_pointer (&pull->result));
  pull_free (pull);
  run->active--;
  run_next (run);
}

static void
pull_start (Pull *pull)
{
  pull->phase = PHASE_PREPARE;
  pull->attempt = 1;
  pull_progress (pull);
  pull_run_worker (pull);
}

static int
compare_results (gconstpointer a,
                 gconstpointer b)
{
  const QmSyncResult *ra = *(QmSyncResult * const *) a;
  const QmSyncResult *rb = *(QmSyncResult * const *) b;

  return g_strcmp0 (ra->warehouse_id, rb->warehouse_id);
}

static void
run_next (Run *run)
{
  while (run->active < MAX_PARALLEL && !g_queue_is_empty (&run->waiting))
    {
      run->active++;
      pull_start (g_queue_pop_head (&run->waiting));
    }

  if (run->active == 0 && g_queue_is_empty (&run->waiting))
    {
      GTask *task = run->task;

      g_ptr_array_sort (run->results, compare_results);
      g_task_return_pointer (task, g_steal_pointer (&run->results),
                             (GDestroyNotify) g_ptr_array_unref);
      set_running (run->sync, -1);
      g_object_unref (task);
    }
}

static void
run_free (Run *run)
{
  g_clear_pointer (&run->results, g_ptr_array_unref);
  g_free (run);
}

/**
 * qm_sync_run_async:
 * @self: a #QmSync
 * @warehouse_ids: (nullable) (array zero-terminated=1): endpoints to pull,
 *   or %NULL for every endpoint
 * @cancellable: (nullable): cancels every pull
 * @callback: called when all pulls have ended
 * @user_data: data for @callback
 *
 * Pulls the endpoints concurrently (a few at a time). Each endpoint ends on
 * its own: one that fails does not stop the others.
 */
void
qm_sync_run_async (QmSync              *self,
                   const char * const  *warehouse_ids,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(QmStore) store = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  Run *run;

  g_return_if_fail (QM_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qm_sync_run_async);
  /* A cancelled run still reports each endpoint (cancelled ones with that error). */
  g_task_set_check_cancellable (task, FALSE);

  /* Which endpoints: a short read on the main thread, before any pull starts. */
  store = qm_store_open (self->db_path, &error);
  if (store != NULL)
    all = qm_store_list_warehouses (store, &error);
  if (all == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run = g_new0 (Run, 1);
  run->sync = self;
  run->results = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_sync_result_free);
  g_queue_init (&run->waiting);

  if (warehouse_ids != NULL)
    {
      for (guint i = 0; warehouse_ids[i] != NULL; i++)
        {
          gboolean known = FALSE;

          for (guint j = 0; j < all->len && !known; j++)
            known = g_strcmp0 (((QmWarehouse *) g_ptr_array_index (all, j))->id,
                               warehouse_ids[i]) == 0;

          if (!known)
            {
              g_task_return_new_error (task, QM_ERROR, QM_ERROR_NOT_FOUND,
                                       _("No warehouse “%s” is set up; see “endpoint list”"),
                                       warehouse_ids[i]);
              run_free (run);
              return;
            }
        }
    }

  for (guint i = 0; i < all->len; i++)
    {
      QmWarehouse *wh = g_ptr_array_index (all, i);
      Pull *pull;

      if (warehouse_ids != NULL && !g_strv_contains (warehouse_ids, wh->id))
        continue;

      pull = pull_new (self, cancellable);
      pull->run = run;
      pull->warehouse_id = g_strdup (wh->id);
      g_queue_push_tail (&run->waiting, pull);
    }

  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  run->task = g_steal_pointer (&task);
  set_running (self, +1);
  run_next (run);
}

/**
 * qm_sync_run_finish:
 *
 * Returns: (transfer full) (element-type QmSyncResult): one result per
 *   endpoint, sorted by warehouse id; %NULL only when no pull could start
 */
GPtrArray *
qm_sync_run_finish (QmSync        *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (QM_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qm_sync_probe_async:
 * @self: a #QmSync
 * @base_url: a checked base URL (see qm_endpoint_url_check())
 * @token_file: (nullable): the token file, or %NULL to use the keyring
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the endpoint's own description
 * @user_data: data for @callback
 *
 * Asks an endpoint what it is (v1/warehouse), with the same retries as a
 * sync, without writing anything.
 */
void
qm_sync_probe_async (QmSync              *self,
                     const char          *base_url,
                     const char          *token_file,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  Pull *pull;

  g_return_if_fail (QM_IS_SYNC (self));
  g_return_if_fail (base_url != NULL);

  pull = pull_new (self, cancellable);
  pull->probe_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (pull->probe_task, qm_sync_probe_async);
  pull->base_url = g_strdup (base_url);
  pull->token_file = g_strdup (token_file);

  set_running (self, +1);
  pull_start (pull);
}

/**
 * qm_sync_probe_with_token_async:
 * @self: a #QmSync
 * @base_url: a checked base URL (see qm_endpoint_url_check())
 * @token: (nullable): the bearer token to send, or %NULL to send none
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the endpoint's own description
 * @user_data: data for @callback
 *
 * Like qm_sync_probe_async(), with a token that is neither in a file nor
 * in the keyring yet (one typed in a dialog, say). Finish it with
 * qm_sync_probe_finish().
 */
void
qm_sync_probe_with_token_async (QmSync              *self,
                                const char          *base_url,
                                const char          *token,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Pull *pull;

  g_return_if_fail (QM_IS_SYNC (self));
  g_return_if_fail (base_url != NULL);

  pull = pull_new (self, cancellable);
  pull->probe_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (pull->probe_task, qm_sync_probe_async);
  pull->base_url = g_strdup (base_url);
  pull->token = g_strdup (token != NULL && *token != '\0' ? token : NULL);

  set_running (self, +1);
  pull_start (pull);
}

/**
 * qm_sync_probe_finish:
 *
 * Returns: (transfer full): what the endpoint says of itself, or %NULL
 */
QmWarehouseInfo *
qm_sync_probe_finish (QmSync        *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (QM_IS_SYNC (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
