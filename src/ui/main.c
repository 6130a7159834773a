/* main.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n.h>

#include "qm-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(QmApplication) app = NULL;

  /* GLib 2.74's slice allocator contends between the sync's worker threads
   * (json-glib allocates every node from it); plain malloc is much faster
   * (build-aux/bench-sync.sh). GLib reads G_SLICE before main() runs, so
   * set it and start again, once. */
  if (g_getenv ("G_SLICE") == NULL)
    {
      g_setenv ("G_SLICE", "always-malloc", TRUE);
      execv ("/proc/self/exe", argv);
    }

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = qm_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
