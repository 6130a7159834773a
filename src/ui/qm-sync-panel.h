/* qm-sync-panel.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_SYNC_PANEL (qm_sync_panel_get_type ())

G_DECLARE_FINAL_TYPE (QmSyncPanel, qm_sync_panel, QM, SYNC_PANEL, GtkWidget)

GtkWidget *qm_sync_panel_new            (void);
void       qm_sync_panel_set_db_path    (QmSyncPanel *self,
                                         const char  *db_path);
void       qm_sync_panel_set_warehouses (QmSyncPanel *self,
                                         GPtrArray   *warehouses);
gboolean   qm_sync_panel_get_running    (QmSyncPanel *self);
void       qm_sync_panel_sync           (QmSyncPanel *self,
                                         const char  *warehouse_id);
char      *qm_sync_panel_format_age     (const char  *iso8601,
                                         GDateTime   *now);

G_END_DECLS
