/* qm-error.h
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QM_ERROR (qm_error_quark ())

/**
 * QmError:
 * @QM_ERROR_FAILED: something went wrong that fits no other code
 * @QM_ERROR_INVALID_INPUT: the caller (or the user) gave bad input
 * @QM_ERROR_BAD_DATA: stored or received data is inconsistent or corrupt
 * @QM_ERROR_IO: reading or writing a file or stream failed
 * @QM_ERROR_NOT_FOUND: the named object does not exist
 * @QM_ERROR_EXISTS: the object already exists
 * @QM_ERROR_NEWER_VERSION: the cache was written by a newer Quartermaster
 * @QM_ERROR_NOT_A_CACHE: the file is not a Quartermaster cache
 * @QM_ERROR_READ_ONLY: the cache's location cannot be written
 * @QM_ERROR_FULL: the disk (or the size limit of the cache) is full
 * @QM_ERROR_BUSY: another program holds the cache locked
 * @QM_ERROR_CONFLICT: data contradicts what is stored (an immutable row changed)
 * @QM_ERROR_REFUSED: the operation is not allowed (insecure URL, open token file, …)
 *
 * Error codes of the %QM_ERROR domain. Callers map them to exit
 * statuses and to messages; the message itself always says what was
 * wrong and what the user can do about it.
 */
typedef enum
{
  QM_ERROR_FAILED,
  QM_ERROR_INVALID_INPUT,
  QM_ERROR_BAD_DATA,
  QM_ERROR_IO,
  QM_ERROR_NOT_FOUND,
  QM_ERROR_EXISTS,
  QM_ERROR_NEWER_VERSION,
  QM_ERROR_NOT_A_CACHE,
  QM_ERROR_READ_ONLY,
  QM_ERROR_FULL,
  QM_ERROR_BUSY,
  QM_ERROR_CONFLICT,
  QM_ERROR_REFUSED,
} QmError;

GQuark qm_error_quark (void);

G_END_DECLS
