/* qm-types.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qm-types.h"

static const char * const stock_status_names[] = {
  "defective", "pending_inspection", "qualified", "supplier_return",
};

static const char * const movement_kind_names[] = {
  "opening_balance", "purchase_inbound", "inspection", "status_change", "sales_outbound",
  "customer_return", "transfer_out", "transfer_in", "supplier_return", "adjustment",
};

static const char * const allocation_mode_names[] = {
  "shared", "ratio", "region", "performance",
};

static const char * const channel_kind_names[] = {
  "own_app", "pc_web", "mini_program", "marketplace", "other",
};

static gboolean
lookup (const char * const *names,
        guint               n_names,
        const char         *text,
        guint              *out_index)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (strcmp (names[i], text) == 0)
        {
          *out_index = i;
          return TRUE;
        }
    }

  return FALSE;
}

#define DEFINE_ENUM_STRINGS(Type, prefix, names)                            \
  const char *                                                              \
  prefix##_to_string (Type value)                                           \
  {                                                                         \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (names), NULL);     \
    return names[value];                                                    \
  }                                                                         \
                                                                            \
  gboolean                                                                  \
  prefix##_from_string (const char *text,                                   \
                        Type       *out_value)                              \
  {                                                                         \
    guint i;                                                                \
    if (!lookup (names, G_N_ELEMENTS (names), text, &i))                    \
      return FALSE;                                                         \
    if (out_value != NULL)                                                  \
      *out_value = (Type) i;                                                \
    return TRUE;                                                            \
  }

DEFINE_ENUM_STRINGS (QmStockStatus, qm_stock_status, stock_status_names)
DEFINE_ENUM_STRINGS (QmMovementKind, qm_movement_kind, movement_kind_names)
DEFINE_ENUM_STRINGS (QmAllocationMode, qm_allocation_mode, allocation_mode_names)
DEFINE_ENUM_STRINGS (QmChannelKind, qm_channel_kind, channel_kind_names)

/**
 * qm_sku_is_valid:
 * @sku: a candidate SKU
 *
 * A SKU is 1 to 64 Unicode code points of valid UTF-8 holding no control
 * character (U+0000–U+001F, U+007F–U+009F).
 *
 * Returns: whether @sku is a valid SKU
 */
gboolean
qm_sku_is_valid (const char *sku)
{
  glong n = 0;

  if (sku == NULL || *sku == '\0')
    return FALSE;

  if (!g_utf8_validate (sku, -1, NULL))
    return FALSE;

  for (const char *p = sku; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c <= 0x1f || (c >= 0x7f && c <= 0x9f))
        return FALSE;
      if (++n > 64)
        return FALSE;
    }

  return TRUE;
}
