/* qm-window.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qm-application.h"

G_BEGIN_DECLS

#define QM_TYPE_WINDOW (qm_window_get_type ())

G_DECLARE_FINAL_TYPE (QmWindow, qm_window, QM, WINDOW, AdwApplicationWindow)

QmWindow   *qm_window_new          (QmApplication *application);
void        qm_window_add_toast    (QmWindow      *self,
                                    AdwToast      *toast);
const char *qm_window_get_page     (QmWindow      *self);
void        qm_window_set_page     (QmWindow      *self,
                                    const char    *page_name);

G_END_DECLS
