/* fuzz-protocol.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A libFuzzer target for the warehouse protocol decoder. Every input is
 * handed to each of the decoders as an answer body, the way the sync
 * client would after a GET. Besides the sanitizers, it checks the few
 * promises the decoders make to their callers: a NULL result comes with
 * an error, a result comes without one, and a decoded page holds only
 * what the protocol allows (sorted stock rows, increasing seqs, text
 * that is UTF-8, ...).
 *
 * The decoders run on one worker thread with a small stack (QM_FUZZ_STACK_KB,
 * default 64): a body that slips past the depth check and reaches
 * json-glib's unbounded recursion then overflows within the fuzzer's
 * input size, where the real client would need a body of a few hundred
 * kilobytes on its 8 MB stack.
 *
 * QM_FUZZ_SKIP=utf8,strict turns off the UTF-8 checks or the "only one
 * strict JSON object is accepted" check, to look past a known finding.
 *
 * Build and run with build-aux/fuzz.sh.
 */

#define G_LOG_DOMAIN "fuzz-protocol"

#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qm-error.h"
#include "qm-protocol.h"

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A promise broken: report it as a crash so libFuzzer keeps the input. */
#define EXPECT(cond) \
  G_STMT_START { \
    if (G_UNLIKELY (!(cond))) \
      { \
        g_printerr ("fuzz-protocol: %s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
        abort (); \
      } \
  } G_STMT_END

static gboolean check_utf8 = TRUE;
static gboolean check_strict = TRUE;
static size_t stack_size = 64 * 1024;

/* Text handed to the store, the window or a log must be UTF-8. */
static gboolean
is_text (const char *text)
{
  return text == NULL || !check_utf8 || g_utf8_validate (text, -1, NULL);
}

/* What a decoder accepts must be one JSON object and nothing else, in
 * plain JSON: no single quotes or comments (json-glib takes both, and
 * the depth check before it does not), no second value after the
 * first (json-glib takes that too and leaks the first tree). */
static gboolean
is_one_object (const char *data,
               gsize       len)
{
  gboolean in_string = FALSE;
  gboolean started = FALSE;
  gboolean ended = FALSE;
  guint depth = 0;

  if (!check_strict)
    return TRUE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];
      gboolean space = c == ' ' || c == '\t' || c == '\n' || c == '\r';

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (ended || !started)
        {
          if (space)
            continue;
          if (ended || c != '{')
            return FALSE;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          started = TRUE;
          depth++;
          break;
        case '}':
        case ']':
          if (depth == 0)
            return FALSE;
          if (--depth == 0)
            ended = TRUE;
          break;
        case '\'':
        case '/':
        case '#':
          return FALSE;
        default:
          break;
        }
    }

  return ended;
}

static void
check_outcome (gconstpointer result,
               GError       *error)
{
  if (result == NULL)
    {
      EXPECT (error != NULL);
      EXPECT (error->domain == QM_ERROR);
      EXPECT (error->message != NULL);
      EXPECT (is_text (error->message));
    }
  else
    {
      EXPECT (error == NULL);
    }
}

static void
fuzz_warehouse (const char *data,
                gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmWarehouseInfo) info = qm_protocol_parse_warehouse (data, len, &error);

  check_outcome (info, error);
  if (info == NULL)
    return;
  EXPECT (is_one_object (data, len));

  EXPECT (info->warehouse != NULL);
  EXPECT (info->protocol == QM_PROTOCOL_VERSION);
  EXPECT (info->last_seq >= 0);
  EXPECT (info->warehouse->capacity_units >= 0);
  EXPECT (qm_sku_is_valid (info->warehouse->id));
  EXPECT (info->warehouse->name != NULL && is_text (info->warehouse->name));
  EXPECT (info->warehouse->region != NULL && is_text (info->warehouse->region));
  EXPECT (info->warehouse->currency != NULL && is_text (info->warehouse->currency));
}

static void
fuzz_products (const char *data,
               gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmProductPage) page = qm_protocol_parse_products (data, len, &error);

  check_outcome (page, error);
  if (page == NULL)
    return;
  EXPECT (is_one_object (data, len));

  EXPECT (page->products != NULL);
  EXPECT (page->next_page_token == NULL || *page->next_page_token != '\0');
  EXPECT (is_text (page->next_page_token));

  for (guint i = 0; i < page->products->len; i++)
    {
      const QmProduct *p = &g_array_index (page->products, QmProduct, i);

      EXPECT (qm_sku_is_valid (p->sku));
      EXPECT (p->pack_size >= 1);
      EXPECT (is_text (p->name));
      EXPECT (is_text (p->category));
      EXPECT (is_text (p->unit));
    }
}

static void
fuzz_stock (const char *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmStockPage) page = qm_protocol_parse_stock (data, len, &error);

  check_outcome (page, error);
  if (page == NULL)
    return;
  EXPECT (is_one_object (data, len));

  EXPECT (page->items != NULL);
  EXPECT (page->next_page_token == NULL || *page->next_page_token != '\0');
  EXPECT (is_text (page->next_page_token));

  for (guint i = 0; i < page->items->len; i++)
    {
      const QmStockItem *s = &g_array_index (page->items, QmStockItem, i);

      EXPECT (qm_sku_is_valid (s->sku));
      EXPECT (qm_stock_status_from_string (s->status, NULL));
      EXPECT (s->quantity > 0 && s->quantity <= QM_PROTOCOL_MAX_QUANTITY);

      if (i > 0)
        {
          const QmStockItem *prev = &g_array_index (page->items, QmStockItem, i - 1);
          int cmp = strcmp (prev->sku, s->sku);

          EXPECT (cmp < 0 || (cmp == 0 && strcmp (prev->status, s->status) < 0));
        }
    }
}

static void
fuzz_movements (const char *data,
                gsize       len,
                gint64      after_seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QmMovementPage) page = qm_protocol_parse_movements (data, len, after_seq, &error);
  gint64 previous = after_seq;
  guint n_quarantined = 0;

  check_outcome (page, error);
  if (page == NULL)
    return;
  EXPECT (is_one_object (data, len));

  EXPECT (page->movements != NULL);

  for (guint i = 0; i < page->movements->len; i++)
    {
      const QmMovement *m = &g_array_index (page->movements, QmMovement, i);

      EXPECT (m->seq > previous);
      previous = m->seq;

      EXPECT (m->id != NULL && m->at != NULL && m->kind != NULL && m->sku != NULL);
      EXPECT (is_text (m->id) && is_text (m->at) && is_text (m->kind) && is_text (m->sku));
      EXPECT (is_text (m->from_status) && is_text (m->to_status));
      EXPECT (is_text (m->reference) && is_text (m->counterparty));
      EXPECT (is_text (m->channel) && is_text (m->reason));

      if (m->quarantine_reason != NULL)
        {
          EXPECT (is_text (m->quarantine_reason));
          n_quarantined++;
        }
      else
        {
          g_autofree char *again = qm_protocol_check_movement (m);

          /* A movement let through must pass the same check again. */
          EXPECT (again == NULL);
          EXPECT (qm_sku_is_valid (m->sku));
          EXPECT (m->quantity > 0 && m->quantity <= QM_PROTOCOL_MAX_QUANTITY);
          EXPECT (!m->has_unit_cost || m->unit_cost >= 0);
        }
    }

  EXPECT (n_quarantined == page->n_quarantined);
  EXPECT (page->last_seq >= previous);
}

static void
fuzz_problem (const char *data,
              gsize       len)
{
  g_autofree char *detail = qm_protocol_problem_detail (data, len);

  EXPECT (is_text (detail));
}

typedef struct
{
  const char *body;
  gsize       len;
  gint64      after_seq;
} Input;

/* One long-lived worker, so that GLib's per-thread data is set up once
 * and not mistaken for a leak of the input that started a thread. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static const Input *pending;
static gboolean finished;

static void *
worker (void *data)
{
  (void) data;

  for (;;)
    {
      const Input *input;

      pthread_mutex_lock (&lock);
      while (pending == NULL)
        pthread_cond_wait (&cond, &lock);
      input = pending;
      pthread_mutex_unlock (&lock);

      fuzz_warehouse (input->body, input->len);
      fuzz_products (input->body, input->len);
      fuzz_stock (input->body, input->len);
      fuzz_movements (input->body, input->len, input->after_seq);
      fuzz_problem (input->body, input->len);

      pthread_mutex_lock (&lock);
      pending = NULL;
      finished = TRUE;
      pthread_cond_broadcast (&cond);
      pthread_mutex_unlock (&lock);
    }

  return NULL;
}

static void
start_worker (void)
{
  static gboolean started;
  pthread_attr_t attr;
  pthread_t thread;

  if (started)
    return;

  EXPECT (pthread_attr_init (&attr) == 0);
  EXPECT (pthread_attr_setstacksize (&attr, stack_size) == 0);
  EXPECT (pthread_create (&thread, &attr, worker, NULL) == 0);
  pthread_attr_destroy (&attr);
  started = TRUE;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  const char *skip = g_getenv ("QM_FUZZ_SKIP");
  const char *stack_kb = g_getenv ("QM_FUZZ_STACK_KB");

  (void) argc;
  (void) argv;

  if (skip != NULL && strstr (skip, "utf8") != NULL)
    check_utf8 = FALSE;
  if (skip != NULL && strstr (skip, "strict") != NULL)
    check_strict = FALSE;
  if (stack_kb != NULL && g_ascii_strtoull (stack_kb, NULL, 10) >= 64)
    stack_size = (size_t) g_ascii_strtoull (stack_kb, NULL, 10) * 1024;

  /* Let ASan see every block GLib hands out. */
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_setenv ("G_DEBUG", "gc-friendly", TRUE);

  /* A critical or a warning means a decoder misused GLib or GError. */
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* A copy of exactly @size bytes, not NUL-terminated, so that ASan
   * catches a decoder reading past the body. */
  char *body = g_malloc (MAX (size, 1));
  Input input = { body, size, 0 };

  if (size > 0)
    memcpy (body, data, size);

  /* The cursor the page was asked after: vary it a little with the
   * input so that the "seq must increase" paths are reached too. */
  if (size > 0)
    input.after_seq = (gint64) (data[size - 1] % 4) - 1;

  start_worker ();

  pthread_mutex_lock (&lock);
  finished = FALSE;
  pending = &input;
  pthread_cond_broadcast (&cond);
  while (!finished)
    pthread_cond_wait (&cond, &lock);
  pthread_mutex_unlock (&lock);

  g_free (body);

  return 0;
}
