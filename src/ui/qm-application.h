/* qm-application.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QM_TYPE_APPLICATION (qm_application_get_type ())

G_DECLARE_FINAL_TYPE (QmApplication, qm_application, QM, APPLICATION, AdwApplication)

QmApplication *qm_application_new         (const char        *application_id,
                                           GApplicationFlags  flags);
const char    *qm_application_get_db_path (QmApplication     *self);
void           qm_application_set_db_path (QmApplication     *self,
                                           const char        *db_path);

G_END_DECLS
