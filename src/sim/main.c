/* main.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qm-sim"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "qm-sim-server.h"
#include "qm-sim-json.h"
#include "qm-sim-world.h"

typedef struct
{
  char   *id;
  char   *region;
  guint   port;
} SiteSpec;

static void
site_spec_free (gpointer data)
{
  SiteSpec *spec = data;

  g_free (spec->id);
  g_free (spec->region);
  g_free (spec);
}

static gboolean
on_quit_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_site (const char  *text,
            GPtrArray   *specs,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", 3);
  SiteSpec *spec;
  guint64 port = 0;

  if (g_strv_length (parts) < 2 || *parts[0] == '\0' || *parts[1] == '\0' ||
      (parts[2] != NULL && !g_ascii_string_to_unsigned (parts[2], 10, 0, 65535, &port, NULL)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--warehouse wants ID:REGION[:PORT], e.g. WH-EAST:east:8081, not “%s”", text);
      return FALSE;
    }

  spec = g_new0 (SiteSpec, 1);
  spec->id = g_strdup (parts[0]);
  spec->region = g_strdup (parts[1]);
  spec->port = (guint) port;
  g_ptr_array_add (specs, spec);
  return TRUE;
}

static char *
read_token_file (const char  *path,
                 GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  /* the token alone; a trailing newline is not part of it */
  if (len > 0 && contents[len - 1] == '\n')
    contents[--len] = '\0';
  if (len > 0 && contents[len - 1] == '\r')
    contents[--len] = '\0';
  if (len == 0 || strlen (contents) != len || strchr (contents, '\n') != NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s must hold the token alone, on one line", path);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

static gboolean
write_token_file (const char  *path,
                  const char  *token,
                  GError     **error)
{
  g_autofree char *contents = g_strconcat (token, "\n", NULL);

  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func (site_spec_free);
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(QmSimWorld) world = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *warehouses = NULL;
  g_auto(GStrv) sites = NULL;
  g_auto(GStrv) faults = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *export_token = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *end_date = NULL;
  QmSimWorldConfig config;
  gint64 seed = 1, skus = 200, days = 90, per_day = 150;
  int port = 0;
  int order_delay = 3;
  int ttl = 900;
  double live = 0;
  gboolean verbose = FALSE;
  gboolean help_faults = FALSE;
  gboolean version = FALSE;
  const char *token_note;

  GOptionEntry entries[] = {
    { "warehouses", 'w', 0, G_OPTION_ARG_STRING, &warehouses,
      "Regions to serve, comma-separated (east, south, west, central, north, northeast; default east,south,west,central)", "LIST" },
    { "warehouse", 'W', 0, G_OPTION_ARG_STRING_ARRAY, &sites,
      "A warehouse with its own id and port, instead of --warehouses (repeatable)", "ID:REGION[:PORT]" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "Port of the first of --warehouses, the others count up (default 0: free ports)", "PORT" },
    { "token", 't', 0, G_OPTION_ARG_STRING, &token,
      "Bearer token clients must send (default demo-token)", "TOKEN" },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      "Read the token from FILE (the token alone, one line)", "FILE" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      "Serve https with this PEM certificate (needs --tls-key)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      "The PEM private key of --tls-cert", "FILE" },
    { "export-token", 0, 0, G_OPTION_ARG_FILENAME, &export_token,
      "Write the token to FILE (mode 0600) for clients to use", "FILE" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of the generated data (default 1)", "N" },
    { "skus", 0, 0, G_OPTION_ARG_INT64, &skus, "Products in the catalogue (default 200)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT64, &days, "Days of history (default 90)", "N" },
    { "movements-per-day", 0, 0, G_OPTION_ARG_INT64, &per_day,
      "Average movements a day per warehouse (default 150)", "N" },
    { "end-date", 0, 0, G_OPTION_ARG_STRING, &end_date,
      "Last day of the history (default 2026-11-27); its 16:00 UTC is \"now\"", "YYYY-MM-DD" },
    { "live", 0, 0, G_OPTION_ARG_DOUBLE, &live,
      "Keep adding RATE movements a second per warehouse while running", "RATE" },
    { "order-delay", 0, 0, G_OPTION_ARG_INT, &order_delay,
      "Deliver posted orders after SECONDS (default 3; negative: only on a live tick or control call)", "SECONDS" },
    { "page-token-ttl", 0, 0, G_OPTION_ARG_INT, &ttl,
      "Page tokens expire SECONDS after they were issued (default 900)", "SECONDS" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      "Inject a fault at a warehouse (repeatable; ID \"all\" for every one); see --help-faults", "ID=SPEC" },
    { "help-faults", 0, 0, G_OPTION_ARG_NONE, &help_faults, "Describe the faults and the control API", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log every request to stderr (never the token)", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- reference warehouse endpoint for Quartermaster");
  g_option_context_set_summary (context,
    "Serves the Quartermaster warehouse API (version 1) on 127.0.0.1, one port per\n"
    "warehouse, with a deterministic generated history. Prints one line per warehouse\n"
    "once listening: “ID URL key=value…”.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("quartermaster-sim: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("quartermaster-sim %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (help_faults)
    {
      g_print ("%s\n%s", qm_sim_fault_get_help (),
               "Control API (same bearer token; never affected by faults):\n"
               "  POST /control/fault   {\"fault\": \"503\", \"param\": 5, \"count\": 1, \"after\": 0, \"path\": \"v1/stock\"}\n"
               "  POST /control/clear   remove every fault (and a wrong-token)\n"
               "  POST /control/advance {\"movements\": 50}  deliver waiting orders, then add movements\n"
               "  POST /control/deliver deliver waiting orders now\n"
               "  POST /control/expire-tokens  every page token issued so far answers 410\n"
               "  POST /control/restart {\"forget\": 100}  drop the newest movements now\n"
               "  GET  /control/state\n");
      return 0;
    }

  qm_sim_world_config_init (&config);
  if (seed < 0 || skus < 1 || skus > 1000000 || days < 1 || days > 36500 ||
      per_day < 0 || per_day > 10000000 || port < 0 || port > 65535 || live < 0)
    {
      g_printerr ("quartermaster-sim: a number is out of range: see --help\n");
      return 2;
    }
  config.seed = (guint64) seed;
  config.n_skus = (guint) skus;
  config.n_days = (guint) days;
  config.movements_per_day = (guint) per_day;
  if (end_date != NULL && !qm_sim_parse_date (end_date, &config.end_date))
    {
      g_printerr ("quartermaster-sim: --end-date wants YYYY-MM-DD, not “%s”\n", end_date);
      return 2;
    }

  if (token_file != NULL)
    {
      g_clear_pointer (&token, g_free);
      token = read_token_file (token_file, &error);
      if (token == NULL)
        {
          g_printerr ("quartermaster-sim: %s\n", error->message);
          return 2;
        }
    }
  if (token == NULL)
    token = g_strdup ("demo-token");
  if (export_token != NULL && !write_token_file (export_token, token, &error))
    {
      g_printerr ("quartermaster-sim: cannot write the token: %s\n", error->message);
      return 1;
    }
  token_note = export_token ? export_token : token_file;

  if (sites != NULL)
    {
      for (guint i = 0; sites[i] != NULL; i++)
        if (!parse_site (sites[i], specs, &error))
          {
            g_printerr ("quartermaster-sim: %s\n", error->message);
            return 2;
          }
    }
  else
    {
      g_auto(GStrv) regions = g_strsplit (warehouses ? warehouses : "east,south,west,central", ",", -1);

      for (guint i = 0; regions[i] != NULL; i++)
        {
          SiteSpec *spec;

          g_strstrip (regions[i]);
          if (*regions[i] == '\0')
            continue;
          spec = g_new0 (SiteSpec, 1);
          spec->region = g_strdup (regions[i]);
          spec->port = port > 0 ? (guint) port + specs->len : 0;
          g_ptr_array_add (specs, spec);
        }
    }
  if (specs->len == 0)
    {
      g_printerr ("quartermaster-sim: no warehouse to serve\n");
      return 2;
    }

  world = qm_sim_world_new (&config);
  for (guint i = 0; i < specs->len; i++)
    {
      SiteSpec *spec = g_ptr_array_index (specs, i);

      if (qm_sim_world_add_warehouse (world, spec->id, spec->region, &error) == NULL)
        {
          g_printerr ("quartermaster-sim: %s\n", error->message);
          return 2;
        }
    }
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr ("quartermaster-sim: --tls-cert and --tls-key go together\n");
      return 2;
    }
  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr ("quartermaster-sim: %s\n", error->message);
          return 2;
        }
    }

  qm_sim_world_generate (world);
  qm_sim_world_set_order_delay (world, order_delay);

  for (guint i = 0; i < specs->len; i++)
    {
      SiteSpec *spec = g_ptr_array_index (specs, i);
      QmSimWarehouse *wh = qm_sim_world_get_warehouse (world, i);
      QmSimServer *server = qm_sim_server_new (world, wh, token);

      g_ptr_array_add (servers, server);
      qm_sim_server_set_page_token_ttl (server, (guint) MAX (ttl, 0));
      qm_sim_server_set_verbose (server, verbose);
      if (certificate != NULL)
        qm_sim_server_set_tls_certificate (server, certificate);
      if (!qm_sim_server_listen (server, spec->port, &error))
        {
          g_printerr ("quartermaster-sim: %s cannot listen on port %u: %s\n",
                      qm_sim_warehouse_get_id (wh), spec->port, error->message);
          return 1;
        }
    }

  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      const char *eq = strchr (faults[i], '=');
      g_autofree char *target = eq ? g_strndup (faults[i], eq - faults[i]) : NULL;
      gboolean found = FALSE;

      for (guint k = 0; target != NULL && k < servers->len; k++)
        {
          QmSimServer *server = g_ptr_array_index (servers, k);
          QmSimWarehouse *wh = qm_sim_server_get_warehouse (server);

          if (g_str_equal (target, "all") || g_str_equal (target, qm_sim_warehouse_get_id (wh)) ||
              g_ascii_strcasecmp (target, qm_sim_warehouse_get_region (wh)) == 0)
            {
              found = TRUE;
              if (!qm_sim_server_add_fault_spec (server, eq + 1, &error))
                {
                  g_printerr ("quartermaster-sim: %s\n", error->message);
                  return 2;
                }
            }
        }
      if (!found)
        {
          g_printerr ("quartermaster-sim: --fault wants WAREHOUSE-ID=SPEC naming a served warehouse, not “%s”\n",
                      faults[i]);
          return 2;
        }
    }

  for (guint i = 0; i < servers->len; i++)
    {
      QmSimServer *server = g_ptr_array_index (servers, i);
      QmSimWarehouse *wh = qm_sim_server_get_warehouse (server);
      g_autofree char *url = qm_sim_server_get_url (server);

      printf ("%s %s region=%s last_seq=%" G_GINT64_FORMAT "%s%s\n",
              qm_sim_warehouse_get_id (wh), url, qm_sim_warehouse_get_region (wh),
              qm_sim_warehouse_get_last_seq (wh),
              token_note ? " token-file=" : "", token_note ? token_note : "");
    }
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal_cb, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal_cb, loop);
  qm_sim_world_set_live_rate (world, live);

  g_main_loop_run (loop);

  qm_sim_world_set_live_rate (world, 0);
  g_ptr_array_set_size (servers, 0);
  return 0;
}
