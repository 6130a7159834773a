/* qm-schema.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 'QMC1': set in every cache so a foreign SQLite file is told apart */
#define QM_SCHEMA_APPLICATION_ID 0x514d4331

/* The schema version this build writes; migrations[i] brings version i to i + 1. */
#define QM_SCHEMA_VERSION 6

const char *qm_schema_get_migration (guint to_version);

G_END_DECLS
