/* qm-sim-rng.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * QmSimRng:
 *
 * A small deterministic generator (xoshiro256**, seeded by splitmix64), so
 * that the simulator's data depends only on its seed and this code, not on
 * the C library or GLib version.
 */
typedef struct
{
  guint64 s[4];
} QmSimRng;

void    qm_sim_rng_init      (QmSimRng   *rng,
                              guint64     seed,
                              const char *stream);
guint64 qm_sim_rng_next      (QmSimRng   *rng);
gint64  qm_sim_rng_range     (QmSimRng   *rng,
                              gint64      lo,
                              gint64      hi);
gboolean qm_sim_rng_chance   (QmSimRng   *rng,
                              guint       per_mille);
double  qm_sim_rng_double    (QmSimRng   *rng);

G_END_DECLS
