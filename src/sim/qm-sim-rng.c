/* qm-sim-rng.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include "qm-sim-rng.h"

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

/**
 * qm_sim_rng_init:
 * @rng: the generator
 * @seed: the user's seed
 * @stream: (nullable): a name that derives an independent stream (a
 *   warehouse id, say) from the same seed
 */
void
qm_sim_rng_init (QmSimRng   *rng,
                 guint64     seed,
                 const char *stream)
{
  guint64 x = seed;

  /* FNV-1a of the stream name, mixed into the seed */
  if (stream != NULL)
    {
      guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

      for (const char *p = stream; *p; p++)
        {
          h ^= (guchar) *p;
          h *= G_GUINT64_CONSTANT (0x100000001b3);
        }
      x ^= h;
    }

  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

guint64
qm_sim_rng_next (QmSimRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

/* A uniform integer in [lo, hi] (inclusive). */
gint64
qm_sim_rng_range (QmSimRng *rng,
                  gint64    lo,
                  gint64    hi)
{
  guint64 span;

  if (hi <= lo)
    return lo;

  span = (guint64) (hi - lo) + 1;
  return lo + (gint64) (qm_sim_rng_next (rng) % span);
}

gboolean
qm_sim_rng_chance (QmSimRng *rng,
                   guint     per_mille)
{
  return qm_sim_rng_next (rng) % 1000 < per_mille;
}

/* A double in [0, 1). */
double
qm_sim_rng_double (QmSimRng *rng)
{
  return (double) (qm_sim_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}
