/* qm-plan-dialogs.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qm-store-procurement.h"

G_BEGIN_DECLS

GtkWidget *qm_plan_generate_dialog_new          (GtkWindow           *parent,
                                                 const QmPlanOptions *defaults);
void       qm_plan_generate_dialog_get_options  (AdwMessageDialog    *dialog,
                                                 QmPlanOptions       *options);

GtkWidget *qm_plan_edit_dialog_new              (GtkWindow           *parent,
                                                 const QmPlanLine    *line);
gint64     qm_plan_edit_dialog_get_quantity     (AdwMessageDialog    *dialog);
char      *qm_plan_edit_dialog_get_reason       (AdwMessageDialog    *dialog);

G_END_DECLS
