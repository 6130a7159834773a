/* qm-sim-server.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qm-sim-fault.h"
#include "qm-sim-warehouse.h"
#include "qm-sim-world.h"

G_BEGIN_DECLS

#define QM_SIM_TYPE_SERVER (qm_sim_server_get_type ())

G_DECLARE_FINAL_TYPE (QmSimServer, qm_sim_server, QM_SIM, SERVER, GObject)

QmSimServer    *qm_sim_server_new                (QmSimWorld     *world,
                                                  QmSimWarehouse *warehouse,
                                                  const char     *token);
gboolean        qm_sim_server_listen             (QmSimServer    *self,
                                                  guint           port,
                                                  GError        **error);
guint           qm_sim_server_get_port           (QmSimServer    *self);
char           *qm_sim_server_get_url            (QmSimServer    *self);
QmSimWarehouse *qm_sim_server_get_warehouse      (QmSimServer    *self);
void            qm_sim_server_set_page_token_ttl (QmSimServer    *self,
                                                  guint           seconds);
void            qm_sim_server_set_verbose        (QmSimServer    *self,
                                                  gboolean        verbose);
void            qm_sim_server_set_tls_certificate (QmSimServer    *self,
                                                   GTlsCertificate *certificate);
void            qm_sim_server_add_fault          (QmSimServer    *self,
                                                  QmSimFault     *fault);
gboolean        qm_sim_server_add_fault_spec     (QmSimServer    *self,
                                                  const char     *spec,
                                                  GError        **error);
void            qm_sim_server_clear_faults       (QmSimServer    *self);
guint           qm_sim_server_get_n_faults       (QmSimServer    *self);

G_END_DECLS
