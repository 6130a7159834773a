/* qm-warehouse-dialog.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qm-store.h"

G_BEGIN_DECLS

#define QM_TYPE_WAREHOUSE_DIALOG (qm_warehouse_dialog_get_type ())

G_DECLARE_FINAL_TYPE (QmWarehouseDialog, qm_warehouse_dialog, QM, WAREHOUSE_DIALOG, AdwWindow)

QmWarehouseDialog *qm_warehouse_dialog_new (GtkWindow         *parent,
                                            const char        *db_path,
                                            const QmWarehouse *warehouse);

G_END_DECLS
