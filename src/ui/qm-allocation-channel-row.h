/* qm-allocation-channel-row.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_ALLOCATION_CHANNEL_ROW (qm_allocation_channel_row_get_type ())

G_DECLARE_FINAL_TYPE (QmAllocationChannelRow, qm_allocation_channel_row, QM, ALLOCATION_CHANNEL_ROW, AdwActionRow)

GtkWidget  *qm_allocation_channel_row_new            (const char             *channel_id,
                                                      const char             *channel_name,
                                                      const char             *subtitle);
const char *qm_allocation_channel_row_get_channel_id (QmAllocationChannelRow *self);
gint64      qm_allocation_channel_row_get_weight     (QmAllocationChannelRow *self);
void        qm_allocation_channel_row_set_weight     (QmAllocationChannelRow *self,
                                                      gint64                  weight);
gint64      qm_allocation_channel_row_get_oversell   (QmAllocationChannelRow *self);
void        qm_allocation_channel_row_set_oversell   (QmAllocationChannelRow *self,
                                                      gint64                  percent);
void        qm_allocation_channel_row_set_share      (QmAllocationChannelRow *self,
                                                      const char             *text);
void        qm_allocation_channel_row_set_weighted   (QmAllocationChannelRow *self,
                                                      gboolean                weighted);

G_END_DECLS
