/* qm-sim-fault.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  QM_SIM_FAULT_LATENCY,        /* param: milliseconds before answering */
  QM_SIM_FAULT_DROP,           /* param: bytes sent before the connection is closed (-1: half) */
  QM_SIM_FAULT_TRUNCATE,       /* a complete HTTP answer holding half the JSON */
  QM_SIM_FAULT_MALFORMED,      /* a complete answer whose JSON does not parse */
  QM_SIM_FAULT_WRONG_TYPES,    /* quantities, seqs, sizes as strings */
  QM_SIM_FAULT_UNKNOWN_KIND,   /* one movement of a page has an unknown kind */
  QM_SIM_FAULT_INVALID_SKU,    /* one movement of a page has a sku with a control character */
  QM_SIM_FAULT_DEEP_NESTING,   /* param: nesting depth of the body */
  QM_SIM_FAULT_OVERSIZED,      /* param: bytes of valid JSON, streamed */
  QM_SIM_FAULT_TRICKLE,        /* param: milliseconds between single bytes */
  QM_SIM_FAULT_HTTP_500,
  QM_SIM_FAULT_HTTP_503,       /* param: Retry-After seconds */
  QM_SIM_FAULT_HTTP_429,       /* param: Retry-After seconds */
  QM_SIM_FAULT_EXPIRED_TOKEN,  /* 410 for a request carrying a page token */
  QM_SIM_FAULT_RESTART,        /* param: newest movements the site forgets */
  QM_SIM_FAULT_WRONG_TOKEN,    /* param: the token the site expects instead */
  QM_SIM_N_FAULTS,
} QmSimFaultKind;

typedef struct
{
  QmSimFaultKind  kind;
  char           *param;   /* as given, or NULL for the default */
  gint64          value;   /* param as a number (or its default) */
  guint           count;   /* requests left to affect; 0 = until cleared */
  guint           after;   /* matching requests to let through first */
  char           *path;    /* endpoint prefix such as "v1/stock", or NULL for all */
} QmSimFault;

QmSimFault *qm_sim_fault_new            (QmSimFaultKind    kind,
                                         const char       *param,
                                         GError          **error);
QmSimFault *qm_sim_fault_parse          (const char       *spec,
                                         GError          **error);
QmSimFault *qm_sim_fault_copy           (const QmSimFault *fault);
void        qm_sim_fault_free           (QmSimFault       *fault);
void        qm_sim_fault_set_path       (QmSimFault       *fault,
                                         const char       *path);
const char *qm_sim_fault_kind_to_string (QmSimFaultKind    kind);
gboolean    qm_sim_fault_kind_from_string (const char     *str,
                                         QmSimFaultKind   *kind);
gboolean    qm_sim_fault_matches_path   (const QmSimFault *fault,
                                         const char       *path);
void        qm_sim_fault_append_json    (const QmSimFault *fault,
                                         GString          *out);
const char *qm_sim_fault_get_help       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QmSimFault, qm_sim_fault_free)

G_END_DECLS
