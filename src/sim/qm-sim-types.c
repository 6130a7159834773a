/* qm-sim-types.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <string.h>

#include "qm-sim-types.h"

static const char * const status_names[QM_SIM_N_STATUSES] = {
  "defective",
  "pending_inspection",
  "qualified",
  "supplier_return",
};

static const char * const kind_names[QM_SIM_N_KINDS] = {
  "opening_balance",
  "purchase_inbound",
  "inspection",
  "status_change",
  "sales_outbound",
  "customer_return",
  "transfer_out",
  "transfer_in",
  "supplier_return",
  "adjustment",
};

static const struct {
  const char *id;
  guint       weight;
} channels[] = {
  { "own-app", 30 },
  { "pc-web", 14 },
  { "mini-program", 24 },
  { "marketplace-tmall", 19 },
  { "marketplace-jd", 13 },
};

static const char * const reason_names[QM_SIM_N_REASONS] = {
  "stock count",
  "damage",
  "expired",
  "shrinkage",
  "found in stock count",
  "damaged in storage",
  "staged for supplier return",
};

const char *
qm_sim_status_to_string (int status)
{
  if (status < 0 || status >= QM_SIM_N_STATUSES)
    return NULL;
  return status_names[status];
}

int
qm_sim_status_from_string (const char *str)
{
  for (int i = 0; i < QM_SIM_N_STATUSES; i++)
    if (g_strcmp0 (str, status_names[i]) == 0)
      return i;
  return QM_SIM_STATUS_NONE;
}

const char *
qm_sim_kind_to_string (int kind)
{
  if (kind < 0 || kind >= QM_SIM_N_KINDS)
    return NULL;
  return kind_names[kind];
}

guint
qm_sim_n_channels (void)
{
  return G_N_ELEMENTS (channels);
}

const char *
qm_sim_channel_to_string (int channel)
{
  if (channel < 0 || channel >= (int) G_N_ELEMENTS (channels))
    return NULL;
  return channels[channel].id;
}

guint
qm_sim_channel_weight (int channel)
{
  if (channel < 0 || channel >= (int) G_N_ELEMENTS (channels))
    return 0;
  return channels[channel].weight;
}

guint
qm_sim_n_reasons (void)
{
  return QM_SIM_N_REASONS;
}

const char *
qm_sim_reason_to_string (int reason)
{
  if (reason < 0 || reason >= QM_SIM_N_REASONS)
    return NULL;
  return reason_names[reason];
}
