/* qm-protocol.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoding of warehouse API bodies. Nothing here touches the network or
 * the cache: bytes in, checked plain structs out. A body that breaks the
 * protocol's shape (wrong types, missing members, seq going backwards) is
 * refused whole; a single movement whose values are unknown or invalid
 * (a new kind, a bad SKU, a missing cost) is kept but quarantined.
 */

#define G_LOG_DOMAIN "qm-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-json.h"
#include "qm-money.h"
#include "qm-protocol.h"

void
qm_warehouse_info_free (QmWarehouseInfo *info)
{
  if (info == NULL)
    return;

  qm_warehouse_free (info->warehouse);
  g_free (info);
}

void
qm_product_page_free (QmProductPage *page)
{
  if (page == NULL)
    return;

  g_string_chunk_free (page->strings);
  g_array_unref (page->products);
  g_free (page->next_page_token);
  g_free (page);
}

void
qm_stock_page_free (QmStockPage *page)
{
  if (page == NULL)
    return;

  g_string_chunk_free (page->strings);
  g_array_unref (page->items);
  g_free (page->next_page_token);
  g_free (page);
}

void
qm_movement_page_free (QmMovementPage *page)
{
  if (page == NULL)
    return;

  g_string_chunk_free (page->strings);
  g_array_unref (page->movements);
  g_free (page);
}

/* The value of the four hex digits at @data[@at], or -1. */
static int
hex4 (const char *data,
      gsize       len,
      gsize       at)
{
  int value = 0;

  if (at + 4 > len)
    return -1;

  for (gsize k = at; k < at + 4; k++)
    {
      int digit = g_ascii_xdigit_value (data[k]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/**
 * qm_protocol_check_body:
 * @data: the body
 * @len: its length
 * @max_size: the largest body accepted
 * @max_depth: the deepest nesting of arrays and objects accepted
 * @error: return location for a #GError
 *
 * A cheap scan before any JSON parser sees the body: json-glib 1.6 has no
 * nesting limit (a deep body overflows its stack) and builds the whole
 * tree in memory (about ten times the body).
 *
 * Returns: %TRUE if the body may be parsed
 */
gboolean
qm_protocol_check_body (const char *data,
                        gsize       len,
                        gsize       max_size,
                        guint       max_depth,
                        GError    **error)
{
  gboolean in_string = FALSE;
  gboolean started = FALSE;
  gboolean ended = FALSE;
  gboolean object_root = FALSE;
  guint depth = 0;

  if (len > max_size)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The answer is %" G_GSIZE_FORMAT " bytes, more than the %" G_GSIZE_FORMAT
                     " accepted; ask the warehouse to send smaller pages"), len, max_size);
      return FALSE;
    }

  /* Strict JSON only: json-glib also takes 'single-quoted' strings, comments
   * and several top-level values, which would hide nesting from this scan. */
  for (gsize i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) data[i];

      if (in_string)
        {
          if (c == '\\')
            {
              if (i + 1 < len && data[i + 1] == 'u')
                {
                  int unit = hex4 (data, len, i + 2);

                  /* \u0000 would cut a C string short after parsing; a
                   * surrogate must come as a high + low pair: json-glib
                   * turns a lone one into bytes that are not UTF-8 and,
                   * after some, leaks its scanner's string. */
                  if (unit <= 0 || (unit >= 0xDC00 && unit <= 0xDFFF))
                    goto bad_shape;
                  if (unit >= 0xD800 && unit <= 0xDBFF)
                    {
                      int low;

                      if (i + 7 >= len || data[i + 6] != '\\' || data[i + 7] != 'u')
                        goto bad_shape;
                      low = hex4 (data, len, i + 8);
                      if (low < 0xDC00 || low > 0xDFFF)
                        goto bad_shape;
                      i += 6;
                    }
                  i += 5;
                }
              else
                i++;
            }
          else if (c == '"')
            in_string = FALSE;
          else if (c < 0x20)
            goto bad_shape;
          continue;
        }

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        continue;

      if (ended)
        goto bad_shape;
      if (!started)
        {
          if (c != '{' && c != '[')
            goto bad_shape;
          object_root = c == '{';
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          started = TRUE;
          if (++depth > max_depth)
            {
              g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                           _("The answer nests deeper than %u levels; it is not a valid "
                             "warehouse answer"), max_depth);
              return FALSE;
            }
          break;
        case ']':
        case '}':
          if (depth == 0)
            goto bad_shape;
          if (--depth == 0)
            ended = TRUE;
          break;
        case ':': case ',': case '-': case '+': case '.':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
        case 'e': case 'E': case 't': case 'r': case 'u':
        case 'f': case 'a': case 'l': case 's': case 'n':
          break;
        default:
          goto bad_shape;
        }
    }

  if (!started || !ended || in_string || !object_root)
    goto bad_shape;

  return TRUE;

bad_shape:
  g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
               _("The warehouse sent an answer that is not valid JSON (one object, strict "
                 "syntax); it may have been cut off"));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Typed access to members                                                  */

typedef struct
{
  const char *what;     /* e.g. "movement 1843" */
  GError    **error;
} Ctx;

static gboolean
bad_type (Ctx        *ctx,
          const char *member,
          const char *expected)
{
  g_set_error (ctx->error, QM_ERROR, QM_ERROR_BAD_DATA,
               _("The warehouse sent a malformed answer: “%s” of %s should be %s"),
               member, ctx->what, expected);
  return FALSE;
}

static JsonObject *
parse_object (const char  *data,
              gsize        len,
              JsonParser **out_parser,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!qm_protocol_check_body (data, len, QM_PROTOCOL_MAX_BODY, QM_PROTOCOL_MAX_DEPTH, error))
    return NULL;

  if (!g_utf8_validate (data, len, NULL))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The warehouse sent an answer that is not UTF-8 text"));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The warehouse sent an answer that is not valid JSON (%s); it may have "
                     "been cut off"), detail);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The warehouse sent a malformed answer: expected a JSON object"));
      return NULL;
    }

  *out_parser = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

/* An integer member; absent or null is an error unless @optional. */
static gboolean
get_int (Ctx        *ctx,
         JsonObject *object,
         const char *member,
         gboolean    optional,
         gboolean   *out_present,
         gint64     *out_value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (out_present != NULL)
    *out_present = FALSE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional ? TRUE : bad_type (ctx, member, _("an integer"));

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad_type (ctx, member, _("an integer"));

  *out_value = json_node_get_int (node);
  if (out_present != NULL)
    *out_present = TRUE;

  return TRUE;
}

static gboolean
get_double (Ctx        *ctx,
            JsonObject *object,
            const char *member,
            double     *out_value)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return bad_type (ctx, member, _("a number"));

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out_value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out_value = json_node_get_double (node);
  else
    return bad_type (ctx, member, _("a number"));

  return TRUE;
}

/* A string member, or null when @nullable; the result points into the tree. */
static gboolean
get_string (Ctx         *ctx,
            JsonObject  *object,
            const char  *member,
            gboolean     nullable,
            const char **out_value)
{
  JsonNode *node = json_object_get_member (object, member);

  *out_value = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return nullable ? TRUE : bad_type (ctx, member, _("a string"));

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad_type (ctx, member, nullable ? _("a string or null") : _("a string"));

  *out_value = json_node_get_string (node);

  /* json-glib turns a lone surrogate escape into bytes that are not UTF-8. */
  if (!g_utf8_validate (*out_value, -1, NULL))
    return bad_type (ctx, member, _("valid text"));

  return TRUE;
}

static JsonArray *
get_array (Ctx        *ctx,
           JsonObject *object,
           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      bad_type (ctx, member, _("an array"));
      return NULL;
    }

  return json_node_get_array (node);
}

static JsonObject *
get_item (Ctx       *ctx,
          JsonArray *array,
          guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (ctx->error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The warehouse sent a malformed answer: item %u of %s is not an object"),
                   index + 1, ctx->what);
      return NULL;
    }

  return json_node_get_object (node);
}

static char *
chunk_dup (GStringChunk *chunk,
           const char   *text)
{
  return text != NULL ? g_string_chunk_insert_const (chunk, text) : NULL;
}

/* ------------------------------------------------------------------------ */
/* v1/warehouse                                                             */

/**
 * qm_protocol_parse_warehouse:
 *
 * Returns: (transfer full): what the endpoint says of itself, or %NULL
 */
QmWarehouseInfo *
qm_protocol_parse_warehouse (const char *data,
                             gsize       len,
                             GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(QmWarehouseInfo) info = g_new0 (QmWarehouseInfo, 1);
  Ctx ctx = { "v1/warehouse", error };
  JsonObject *root;
  JsonNode *location;
  const char *id, *name, *region, *currency;

  root = parse_object (data, len, &parser, error);
  if (root == NULL)
    return NULL;

  info->warehouse = qm_warehouse_new ();

  if (!get_int (&ctx, root, "protocol", FALSE, NULL, &info->protocol) ||
      !get_string (&ctx, root, "id", FALSE, &id) ||
      !get_string (&ctx, root, "name", FALSE, &name) ||
      !get_string (&ctx, root, "region", FALSE, &region) ||
      !get_string (&ctx, root, "currency", FALSE, &currency) ||
      !get_int (&ctx, root, "capacity_units", FALSE, NULL, &info->warehouse->capacity_units) ||
      !get_int (&ctx, root, "last_seq", FALSE, NULL, &info->last_seq))
    return NULL;

  if (info->protocol != QM_PROTOCOL_VERSION)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The endpoint speaks protocol %" G_GINT64_FORMAT "; this Quartermaster speaks "
                     "protocol %d. Update whichever is older"), info->protocol, QM_PROTOCOL_VERSION);
      return NULL;
    }

  if (!qm_sku_is_valid (id))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The endpoint reports an invalid warehouse id"));
      return NULL;
    }

  if (info->last_seq < 0 || info->warehouse->capacity_units < 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The endpoint reports a negative last_seq or capacity"));
      return NULL;
    }

  location = json_object_get_member (root, "location");
  if (location != NULL && JSON_NODE_HOLDS_OBJECT (location))
    {
      JsonObject *loc = json_node_get_object (location);

      if (!get_double (&ctx, loc, "lat", &info->warehouse->latitude) ||
          !get_double (&ctx, loc, "lon", &info->warehouse->longitude))
        return NULL;
      info->warehouse->has_location = TRUE;
    }
  else if (location != NULL && !JSON_NODE_HOLDS_NULL (location))
    {
      bad_type (&ctx, "location", _("an object"));
      return NULL;
    }

  info->warehouse->id = g_strdup (id);
  info->warehouse->name = g_strdup (name);
  info->warehouse->region = g_strdup (region);
  info->warehouse->currency = g_strdup (currency);

  return g_steal_pointer (&info);
}

/* ------------------------------------------------------------------------ */
/* Paging                                                                   */

static gboolean
get_page_token (Ctx         *ctx,
                JsonObject  *root,
                char       **out_token)
{
  const char *token = NULL;

  if (!json_object_has_member (root, "next_page_token"))
    return bad_type (ctx, "next_page_token", _("a string or null"));

  if (!get_string (ctx, root, "next_page_token", TRUE, &token))
    return FALSE;

  if (token != NULL && *token == '\0')
    return bad_type (ctx, "next_page_token", _("a non-empty string or null"));

  *out_token = g_strdup (token);
  return TRUE;
}

/**
 * qm_protocol_parse_products:
 *
 * Returns: (transfer full): one page of v1/products, or %NULL
 */
QmProductPage *
qm_protocol_parse_products (const char *data,
                            gsize       len,
                            GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(QmProductPage) page = NULL;
  Ctx ctx = { "v1/products", error };
  JsonObject *root;
  JsonArray *items;
  guint n;

  root = parse_object (data, len, &parser, error);
  if (root == NULL)
    return NULL;

  page = g_new0 (QmProductPage, 1);
  page->strings = g_string_chunk_new (4096);
  page->products = g_array_new (FALSE, TRUE, sizeof (QmProduct));

  items = get_array (&ctx, root, "items");
  if (items == NULL || !get_page_token (&ctx, root, &page->next_page_token))
    return NULL;

  n = json_array_get_length (items);
  g_array_set_size (page->products, n);
  for (guint i = 0; i < n; i++)
    {
      QmProduct *p = &g_array_index (page->products, QmProduct, i);
      JsonObject *item = get_item (&ctx, items, i);
      const char *sku, *name, *category, *unit;
      gint64 pack_size = 1;
      gboolean has_pack = FALSE;

      if (item == NULL ||
          !get_string (&ctx, item, "sku", FALSE, &sku) ||
          !get_string (&ctx, item, "name", TRUE, &name) ||
          !get_string (&ctx, item, "category", TRUE, &category) ||
          !get_string (&ctx, item, "unit", TRUE, &unit) ||
          !get_int (&ctx, item, "pack_size", TRUE, &has_pack, &pack_size))
        return NULL;

      if (!qm_sku_is_valid (sku))
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("The warehouse listed a product with an invalid SKU (item %u of "
                         "v1/products)"), i + 1);
          return NULL;
        }

      p->sku = chunk_dup (page->strings, sku);
      p->name = chunk_dup (page->strings, name);
      p->category = chunk_dup (page->strings, category);
      p->unit = chunk_dup (page->strings, unit);
      p->pack_size = has_pack && pack_size >= 1 ? pack_size : 1;
    }

  return g_steal_pointer (&page);
}

/**
 * qm_protocol_parse_stock:
 *
 * Returns: (transfer full): one page of a v1/stock walk, or %NULL
 */
QmStockPage *
qm_protocol_parse_stock (const char *data,
                         gsize       len,
                         GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(QmStockPage) page = NULL;
  Ctx ctx = { "v1/stock", error };
  JsonObject *root;
  JsonArray *items;
  guint n;

  root = parse_object (data, len, &parser, error);
  if (root == NULL)
    return NULL;

  page = g_new0 (QmStockPage, 1);
  page->strings = g_string_chunk_new (4096);
  page->items = g_array_new (FALSE, TRUE, sizeof (QmStockItem));

  items = get_array (&ctx, root, "items");
  if (items == NULL ||
      !get_int (&ctx, root, "as_of_seq", FALSE, NULL, &page->as_of_seq) ||
      !get_page_token (&ctx, root, &page->next_page_token))
    return NULL;

  n = json_array_get_length (items);
  g_array_set_size (page->items, n);
  for (guint i = 0; i < n; i++)
    {
      QmStockItem *s = &g_array_index (page->items, QmStockItem, i);
      JsonObject *item = get_item (&ctx, items, i);
      const char *sku, *status;

      if (item == NULL ||
          !get_string (&ctx, item, "sku", FALSE, &sku) ||
          !get_string (&ctx, item, "status", FALSE, &status) ||
          !get_int (&ctx, item, "quantity", FALSE, NULL, &s->quantity))
        return NULL;

      if (!qm_sku_is_valid (sku) || !qm_stock_status_from_string (status, NULL) ||
          s->quantity <= 0 || s->quantity > QM_PROTOCOL_MAX_QUANTITY)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("The warehouse sent a stock row with an invalid SKU, status or "
                         "quantity (item %u of v1/stock)"), i + 1);
          return NULL;
        }

      /* Rows come sorted bytewise by (sku, status), each pair once. */
      if (i > 0)
        {
          const QmStockItem *prev = &g_array_index (page->items, QmStockItem, i - 1);
          int cmp = strcmp (prev->sku, sku);

          if (cmp > 0 || (cmp == 0 && strcmp (prev->status, status) >= 0))
            {
              g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                           _("The warehouse sent stock rows out of order or twice (item %u of "
                             "v1/stock)"), i + 1);
              return NULL;
            }
        }

      s->sku = chunk_dup (page->strings, sku);
      s->status = chunk_dup (page->strings, status);
    }

  return g_steal_pointer (&page);
}

/* ------------------------------------------------------------------------ */
/* v1/movements                                                             */

static gboolean
status_in (const char *status,
           const char *a,
           const char *b,
           const char *c)
{
  return status != NULL &&
         ((a && strcmp (status, a) == 0) || (b && strcmp (status, b) == 0) ||
          (c && strcmp (status, c) == 0));
}

/**
 * qm_protocol_check_movement:
 * @movement: a decoded movement
 *
 * Checks one movement against the protocol's table of kinds.
 *
 * Returns: (transfer full) (nullable): why the movement must be
 *   quarantined, or %NULL if it is fine
 */
char *
qm_protocol_check_movement (const QmMovement *m)
{
  QmMovementKind kind;
  const char *from = m->from_status;
  const char *to = m->to_status;
  g_autoptr(GDateTime) at = NULL;

  if (!qm_movement_kind_from_string (m->kind, &kind))
    return g_strdup_printf (_("unknown kind “%s”"), m->kind);

  if (!qm_sku_is_valid (m->sku))
    return g_strdup (_("invalid SKU"));

  if (m->quantity <= 0 || m->quantity > QM_PROTOCOL_MAX_QUANTITY)
    return g_strdup_printf (_("quantity %" G_GINT64_FORMAT " out of range"), m->quantity);

  at = g_date_time_new_from_iso8601 (m->at, NULL);
  if (at == NULL || !g_str_has_suffix (m->at, "Z"))
    return g_strdup (_("time is not RFC 3339 UTC"));

  if ((from != NULL && !qm_stock_status_from_string (from, NULL)) ||
      (to != NULL && !qm_stock_status_from_string (to, NULL)))
    return g_strdup_printf (_("unknown status “%s”"),
                            from != NULL && !qm_stock_status_from_string (from, NULL) ? from : to);

#define REQUIRE(cond, what) \
  G_STMT_START { if (!(cond)) return g_strdup_printf (_("%s without %s"), m->kind, what); } G_STMT_END

  switch (kind)
    {
    case QM_MOVEMENT_OPENING_BALANCE:
      REQUIRE (from == NULL && to != NULL, _("exactly a to_status"));
      REQUIRE (m->has_unit_cost, "unit_cost");
      break;
    case QM_MOVEMENT_PURCHASE_INBOUND:
      REQUIRE (from == NULL && status_in (to, "pending_inspection", "qualified", NULL),
               _("to_status pending_inspection or qualified"));
      REQUIRE (m->has_unit_cost, "unit_cost");
      REQUIRE (m->reference != NULL, "reference");
      break;
    case QM_MOVEMENT_INSPECTION:
      REQUIRE (status_in (from, "pending_inspection", NULL, NULL) &&
               status_in (to, "qualified", "defective", NULL),
               _("from pending_inspection to qualified or defective"));
      break;
    case QM_MOVEMENT_STATUS_CHANGE:
      REQUIRE (from != NULL && to != NULL && strcmp (from, to) != 0, _("two different statuses"));
      REQUIRE (m->reason != NULL, "reason");
      break;
    case QM_MOVEMENT_SALES_OUTBOUND:
      REQUIRE (status_in (from, "qualified", NULL, NULL) && to == NULL,
               _("from_status qualified only"));
      REQUIRE (m->channel != NULL, "channel");
      break;
    case QM_MOVEMENT_CUSTOMER_RETURN:
      REQUIRE (from == NULL && status_in (to, "pending_inspection", "defective", NULL),
               _("to_status pending_inspection or defective"));
      REQUIRE (m->channel != NULL, "channel");
      break;
    case QM_MOVEMENT_TRANSFER_OUT:
      REQUIRE (status_in (from, "qualified", NULL, NULL) && to == NULL,
               _("from_status qualified only"));
      REQUIRE (m->counterparty != NULL, "counterparty");
      REQUIRE (m->reference != NULL, "reference");
      break;
    case QM_MOVEMENT_TRANSFER_IN:
      REQUIRE (from == NULL && status_in (to, "qualified", "pending_inspection", NULL),
               _("to_status qualified or pending_inspection"));
      REQUIRE (m->counterparty != NULL, "counterparty");
      REQUIRE (m->reference != NULL, "reference");
      break;
    case QM_MOVEMENT_SUPPLIER_RETURN:
      REQUIRE (status_in (from, "supplier_return", "defective", "qualified") && to == NULL,
               _("from_status supplier_return, defective or qualified only"));
      REQUIRE (m->reference != NULL, "reference");
      break;
    case QM_MOVEMENT_ADJUSTMENT:
      REQUIRE ((from == NULL) != (to == NULL), _("exactly one status"));
      REQUIRE (m->reason != NULL, "reason");
      break;
    case QM_N_MOVEMENT_KINDS:
    default:
      g_assert_not_reached ();
    }

#undef REQUIRE

  return NULL;
}

/**
 * qm_protocol_parse_movements:
 * @after_seq: the cursor the page was asked after
 *
 * Returns: (transfer full): one page of v1/movements, or %NULL
 */
QmMovementPage *
qm_protocol_parse_movements (const char *data,
                             gsize       len,
                             gint64      after_seq,
                             GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(QmMovementPage) page = NULL;
  Ctx ctx = { "v1/movements", error };
  JsonObject *root;
  JsonArray *items;
  gint64 previous = after_seq;
  guint n;

  root = parse_object (data, len, &parser, error);
  if (root == NULL)
    return NULL;

  page = g_new0 (QmMovementPage, 1);
  page->strings = g_string_chunk_new (8192);
  page->movements = g_array_new (FALSE, TRUE, sizeof (QmMovement));

  items = get_array (&ctx, root, "movements");
  if (items == NULL || !get_int (&ctx, root, "last_seq", FALSE, NULL, &page->last_seq))
    return NULL;

  n = json_array_get_length (items);
  g_array_set_size (page->movements, n);
  for (guint i = 0; i < n; i++)
    {
      QmMovement *m = &g_array_index (page->movements, QmMovement, i);
      JsonObject *item = get_item (&ctx, items, i);
      const char *id, *at, *kind, *sku, *from, *to, *cost, *reference, *counterparty;
      const char *channel, *reason;
      g_autofree char *what = NULL;
      g_autofree char *quarantine = NULL;

      if (item == NULL || !get_int (&ctx, item, "seq", FALSE, NULL, &m->seq))
        return NULL;

      what = g_strdup_printf (_("movement %" G_GINT64_FORMAT), m->seq);
      ctx.what = what;

      if (!get_string (&ctx, item, "id", FALSE, &id) ||
          !get_string (&ctx, item, "at", FALSE, &at) ||
          !get_string (&ctx, item, "kind", FALSE, &kind) ||
          !get_string (&ctx, item, "sku", FALSE, &sku) ||
          !get_int (&ctx, item, "quantity", FALSE, NULL, &m->quantity) ||
          !get_string (&ctx, item, "from_status", TRUE, &from) ||
          !get_string (&ctx, item, "to_status", TRUE, &to) ||
          !get_string (&ctx, item, "unit_cost", TRUE, &cost) ||
          !get_string (&ctx, item, "reference", TRUE, &reference) ||
          !get_string (&ctx, item, "counterparty", TRUE, &counterparty) ||
          !get_string (&ctx, item, "channel", TRUE, &channel) ||
          !get_string (&ctx, item, "reason", TRUE, &reason))
        return NULL;

      ctx.what = "v1/movements";

      if (m->seq <= previous)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("The warehouse sent movement %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT
                         "; seq must strictly increase"), m->seq, previous);
          return NULL;
        }
      previous = m->seq;

      m->id = chunk_dup (page->strings, id);
      m->at = chunk_dup (page->strings, at);
      m->kind = chunk_dup (page->strings, kind);
      m->sku = chunk_dup (page->strings, sku);
      m->from_status = chunk_dup (page->strings, from);
      m->to_status = chunk_dup (page->strings, to);
      m->reference = chunk_dup (page->strings, reference);
      m->counterparty = chunk_dup (page->strings, counterparty);
      m->channel = chunk_dup (page->strings, channel);
      m->reason = chunk_dup (page->strings, reason);

      if (cost != NULL)
        {
          if (qm_money_parse (cost, &m->unit_cost, NULL) && m->unit_cost >= 0)
            m->has_unit_cost = TRUE;
          else
            quarantine = g_strdup_printf (_("invalid unit_cost “%s”"), cost);
        }

      if (quarantine == NULL)
        quarantine = qm_protocol_check_movement (m);

      if (quarantine != NULL)
        {
          m->quarantine_reason = chunk_dup (page->strings, quarantine);
          page->n_quarantined++;
        }
    }

  if (page->last_seq < previous)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                   _("The warehouse's last_seq %" G_GINT64_FORMAT " is older than movement %"
                     G_GINT64_FORMAT " it sent"), page->last_seq, previous);
      return NULL;
    }

  return g_steal_pointer (&page);
}

/**
 * qm_protocol_problem_detail:
 *
 * Returns: (transfer full) (nullable): “title: detail” of an RFC 9457
 *   problem body, or %NULL if the body is not one
 */
char *
qm_protocol_problem_detail (const char *data,
                            gsize       len)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  const char *title;
  const char *detail;

  if (data == NULL || len == 0 || len > 65536)
    return NULL;

  root = parse_object (data, len, &parser, NULL);
  if (root == NULL)
    return NULL;

  title = qm_json_string_member (root, "title");
  detail = qm_json_string_member (root, "detail");

  /* json-glib turns a lone surrogate escape into bytes that are not UTF-8:
   * such a member is left out like one of the wrong type. */
  if (title != NULL && !g_utf8_validate (title, -1, NULL))
    title = NULL;
  if (detail != NULL && !g_utf8_validate (detail, -1, NULL))
    detail = NULL;

  if (title != NULL && detail != NULL)
    return g_strdup_printf ("%s: %s", title, detail);

  return g_strdup (title != NULL ? title : detail);
}
