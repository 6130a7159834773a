/* qm-application.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "quartermaster"

#include "config.h"

#include <glib/gi18n.h>

#include "qm-application.h"
#include "qm-preferences-window.h"
#include "qm-window.h"

#define QM_RESOURCE_BASE_PATH "/io/github/quartermaster/Quartermaster"

struct _QmApplication
{
  AdwApplication  parent_instance;

  char           *db_path;
};

G_DEFINE_FINAL_TYPE (QmApplication, qm_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_DB_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

QmApplication *
qm_application_new (const char        *application_id,
                    GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (QM_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", QM_RESOURCE_BASE_PATH,
                       NULL);
}

const char *
qm_application_get_db_path (QmApplication *self)
{
  g_return_val_if_fail (QM_IS_APPLICATION (self), NULL);

  return self->db_path;
}

void
qm_application_set_db_path (QmApplication *self,
                            const char    *db_path)
{
  g_return_if_fail (QM_IS_APPLICATION (self));
  g_return_if_fail (db_path != NULL);

  if (g_strcmp0 (self->db_path, db_path) == 0)
    return;

  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DB_PATH]);
}

static int
qm_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  QmApplication *self = QM_APPLICATION (app);
  const char *db = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", g_get_prgname (), PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "db", "^&ay", &db) && db != NULL && db[0] != '\0')
    {
      g_autofree char *absolute = g_canonicalize_filename (db, NULL);

      qm_application_set_db_path (self, absolute);
    }

  g_debug ("Local cache: %s", self->db_path);

  /* Go on with the default handling (register, then activate). */
  return -1;
}

static void
qm_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (qm_window_new (QM_APPLICATION (app)));

  gtk_window_present (window);
}

static void
qm_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (qm_application_parent_class)->startup (app);

  g_set_application_name (_("Quartermaster"));
  gtk_window_set_default_icon_name (APP_ID);
}

static void
qm_application_finalize (GObject *object)
{
  QmApplication *self = (QmApplication *)object;

  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (qm_application_parent_class)->finalize (object);
}

static void
qm_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  QmApplication *self = QM_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      g_value_set_string (value, self->db_path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  QmApplication *self = QM_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DB_PATH:
      if (g_value_get_string (value) != NULL)
        qm_application_set_db_path (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qm_application_class_init (QmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = qm_application_finalize;
  object_class->get_property = qm_application_get_property;
  object_class->set_property = qm_application_set_property;

  app_class->activate = qm_application_activate;
  app_class->startup = qm_application_startup;
  app_class->handle_local_options = qm_application_handle_local_options;

  /**
   * QmApplication:db-path:
   *
   * The file of the local cache the window reads from.
   */
  properties[PROP_DB_PATH] =
    g_param_spec_string ("db-path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qm_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  QmApplication *self = user_data;
  GList *windows;

  /* Close the windows first so they save their state. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  while (windows != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (windows->data));
      windows = gtk_application_get_windows (GTK_APPLICATION (self));
    }

  g_application_quit (G_APPLICATION (self));
}

static void
qm_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  QmApplication *self = user_data;
  GtkWindow *parent;
  QmPreferencesWindow *preferences;

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  preferences = qm_preferences_window_new (parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
qm_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  static const char *developers[] = {
    "The Quartermaster developers",
    NULL
  };
  QmApplication *self = user_data;
  GtkWindow *parent;
  GtkWidget *about;

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Quartermaster"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Quartermaster developers"),
                        "developers", developers,
                        "copyright", _("© 2026 The Quartermaster developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/quartermaster/quartermaster",
                        "issue-url", "https://github.com/quartermaster/quartermaster/issues",
                        /* Translators: replace with your names, one name per line */
                        "translator-credits", _("translator-credits"),
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", qm_application_quit_action, NULL, NULL, NULL, { 0 } },
  { "preferences", qm_application_preferences_action, NULL, NULL, NULL, { 0 } },
  { "about", qm_application_about_action, NULL, NULL, NULL, { 0 } },
};

static void
qm_application_init (QmApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  self->db_path = g_build_filename (g_get_user_data_dir (), "quartermaster", "cache.db", NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);

  g_application_add_main_option (G_APPLICATION (self),
                                 "db", 0,
                                 G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_FILENAME,
                                 _("Use FILE as the local cache instead of the default one"),
                                 _("FILE"));
  g_application_add_main_option (G_APPLICATION (self),
                                 "version", 0,
                                 G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE,
                                 _("Show the version and exit"),
                                 NULL);
}
