/* qm-store.c
 *
 * Copyright 2026 The Quartermaster developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cache: the only code in Quartermaster that runs SQL. One QmStore is
 * one SQLite connection; a worker thread opens its own.
 */

#define G_LOG_DOMAIN "qm-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "qm-error.h"
#include "qm-schema.h"
#include "qm-sqlite-private.h"
#include "qm-store.h"
#include "qm-store-private.h"

#define AUDIT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct _QmStore
{
  GObject  parent_instance;

  sqlite3 *db;
  char    *path;
  guint    schema_version;
};

G_DEFINE_FINAL_TYPE (QmStore, qm_store, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------ */
/* Plain structs                                                            */

QmWarehouse *
qm_warehouse_new (void)
{
  return g_new0 (QmWarehouse, 1);
}

QmWarehouse *
qm_warehouse_copy (const QmWarehouse *self)
{
  QmWarehouse *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (QmWarehouse, 1);
  *copy = *self;
  copy->id = g_strdup (self->id);
  copy->url = g_strdup (self->url);
  copy->name = g_strdup (self->name);
  copy->region = g_strdup (self->region);
  copy->currency = g_strdup (self->currency);
  copy->token_file = g_strdup (self->token_file);
  copy->added_at = g_strdup (self->added_at);

  return copy;
}

void
qm_warehouse_free (QmWarehouse *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->url);
  g_free (self->name);
  g_free (self->region);
  g_free (self->currency);
  g_free (self->token_file);
  g_free (self->added_at);
  g_free (self);
}

QmChannel *
qm_channel_new (void)
{
  QmChannel *self = g_new0 (QmChannel, 1);

  self->active = TRUE;
  return self;
}

void
qm_channel_free (QmChannel *self)
{
  if (self == NULL)
    return;

  g_free (self->id);
  g_free (self->name);
  g_free (self->kind);
  g_strfreev (self->regions);
  g_free (self);
}

void
qm_sync_state_clear (QmSyncState *self)
{
  g_clear_pointer (&self->warehouse_id, g_free);
  g_clear_pointer (&self->last_attempt_at, g_free);
  g_clear_pointer (&self->last_success_at, g_free);
  g_clear_pointer (&self->last_error, g_free);
}

static void
stock_total_clear (gpointer data)
{
  QmStockTotal *total = data;

  g_free (total->warehouse_id);
  g_free (total->status);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

static int
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return QM_ERROR_FULL;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return QM_ERROR_READ_ONLY;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return QM_ERROR_NOT_A_CACHE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return QM_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return QM_ERROR_BAD_DATA;
    case SQLITE_IOERR:
      return QM_ERROR_IO;
    default:
      return QM_ERROR_FAILED;
    }
}

static const char *
hint_for_code (int code)
{
  switch (code)
    {
    case QM_ERROR_FULL:
      return _("The disk or the cache's size limit is full; nothing was changed. Free some space and try again.");
    case QM_ERROR_READ_ONLY:
      return _("Check that the file and its folder are writable, or pick another file with --db.");
    case QM_ERROR_NOT_A_CACHE:
      return _("The file is damaged or not a Quartermaster cache; move it aside or pick another file with --db.");
    case QM_ERROR_BUSY:
      return _("Another program holds the cache; close it and try again.");
    default:
      return NULL;
    }
}

static gboolean
set_sqlite_error (GError    **error,
                  sqlite3    *db,
                  int         rc,
                  const char *what)
{
  int code = error_code_for_sqlite (rc);
  const char *hint = hint_for_code (code);
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if (hint != NULL)
    g_set_error (error, QM_ERROR, code, "%s: %s. %s", what, detail, hint);
  else
    g_set_error (error, QM_ERROR, code, "%s: %s", what, detail);

  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

static gboolean
exec (QmStore    *self,
      const char *sql,
      const char *what,
      GError    **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_sqlite_error (error, self->db, rc, what);

  return TRUE;
}

static sqlite3_stmt *
prepare (QmStore    *self,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, _("Could not read the cache"));
      return NULL;
    }

  return stmt;
}

static gboolean
begin (QmStore *self,
       GError **error)
{
  return exec (self, "BEGIN IMMEDIATE", _("Could not start writing to the cache"), error);
}

static gboolean
commit (QmStore *self,
        GError **error)
{
  int rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, _("Could not save to the cache"));
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static void
rollback (QmStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           index)
{
  const unsigned char *text = sqlite3_column_text (stmt, index);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static void
replace_str (char       **slot,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

static char *
now_utc (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
json_is_valid (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;

  if (text == NULL)
    return TRUE;

  parser = json_parser_new_immutable ();
  return json_parser_load_from_data (parser, text, -1, NULL);
}

static char *
json_object_string (const char *first_key,
                    ...) G_GNUC_NULL_TERMINATED;

/* Builds a JSON object from key/value string pairs (a NULL value is null). */
static char *
json_object_string (const char *first_key,
                    ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_key);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      json_builder_set_member_name (builder, key);
      if (value == NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, value);
    }
  va_end (args);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

static void
qm_store_finalize (GObject *object)
{
  QmStore *self = (QmStore *)object;

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (qm_store_parent_class)->finalize (object);
}

static void
qm_store_class_init (QmStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qm_store_finalize;
}

static void
qm_store_init (QmStore *self)
{
}

/**
 * qm_store_default_path:
 *
 * Returns: (transfer full): the cache the desktop app uses by default
 */
char *
qm_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "quartermaster", "cache.db", NULL);
}

static gboolean
read_pragma_int (sqlite3    *db,
                 const char *sql,
                 gint64     *out_value,
                 const char *path,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      g_autofree char *what = g_strdup_printf (_("Cannot open the cache “%s”"), path);
      return set_sqlite_error (error, db, rc, what);
    }

  *out_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/*
 * Looks at the file without writing to it: is it ours, and can this build
 * read it? Only when it is fit does qm_store_open() switch on WAL and
 * migrate, so a refused file is left byte for byte as it was.
 */
static gboolean
check_file (sqlite3    *db,
            const char *path,
            guint      *out_version,
            GError    **error)
{
  gint64 application_id = 0;
  gint64 version = 0;
  gint64 n_objects = 0;

  if (!read_pragma_int (db, "PRAGMA application_id", &application_id, path, error) ||
      !read_pragma_int (db, "PRAGMA user_version", &version, path, error) ||
      !read_pragma_int (db, "SELECT count(*) FROM sqlite_master", &n_objects, path, error))
    return FALSE;

  if (application_id == 0 && version == 0 && n_objects == 0)
    {
      *out_version = 0;
      return TRUE;
    }

  if (application_id != QM_SCHEMA_APPLICATION_ID)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_A_CACHE,
                   _("“%s” is an SQLite database of another program, not a Quartermaster cache; "
                     "pick another file with --db"),
                   path);
      return FALSE;
    }

  if (version > QM_SCHEMA_VERSION)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NEWER_VERSION,
                   _("“%s” was written by a newer Quartermaster (cache version %u; this version "
                     "reads up to %u); it was not changed. Update Quartermaster to open it"),
                   path, (guint) version, (guint) QM_SCHEMA_VERSION);
      return FALSE;
    }

  *out_version = (guint) version;
  return TRUE;
}

static gboolean
migrate (QmStore *self,
         guint    from_version,
         GError **error)
{
  for (guint v = from_version + 1; v <= QM_SCHEMA_VERSION; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", v);
      g_autofree char *what = g_strdup_printf (_("Could not upgrade the cache to version %u"), v);

      if (!begin (self, error))
        return FALSE;

      if (!exec (self, qm_schema_get_migration (v), what, error) ||
          !exec (self, set_version, what, error))
        {
          rollback (self);
          return FALSE;
        }

      if (!commit (self, error))
        return FALSE;

      g_debug ("Migrated %s to schema version %u", self->path, v);
    }

  self->schema_version = QM_SCHEMA_VERSION;
  return TRUE;
}

/**
 * qm_store_open:
 * @path: the cache file; created when missing
 * @error: return location for a #GError
 *
 * Opens (or creates) a cache and brings its schema up to date. A file
 * that is not a cache, is damaged, or was written by a newer version is
 * refused and left untouched.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
QmStore *
qm_store_open (const char *path,
               GError    **error)
{
  g_autoptr(QmStore) self = NULL;
  g_autoptr(sqlite3) db = NULL;
  gboolean exists;
  guint version = 0;
  int flags;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  exists = g_file_test (path, G_FILE_TEST_EXISTS);
  if (exists && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is a folder; name a cache file with --db"), path);
      return NULL;
    }

  flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (!exists)
    flags |= SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = NULL;

      if (exists)
        what = g_strdup_printf (_("Cannot open the cache “%s”"), path);
      else
        what = g_strdup_printf (_("Cannot create the cache “%s”"), path);

      set_sqlite_error (error, db, rc, what);
      return NULL;
    }

  sqlite3_busy_timeout (db, 30000);
  sqlite3_extended_result_codes (db, 1);

  if (!check_file (db, path, &version, error))
    return NULL;

  self = g_object_new (QM_TYPE_STORE, NULL);
  self->db = g_steal_pointer (&db);
  self->path = g_strdup (path);
  self->schema_version = version;

  {
    g_autoptr(sqlite3_stmt) stmt = NULL;
    g_autofree char *what = g_strdup_printf (_("Cannot write to the cache “%s”"), path);
    const char *mode = NULL;

    rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      mode = (const char *) sqlite3_column_text (stmt, 0);

    if (mode == NULL || g_ascii_strcasecmp (mode, "wal") != 0)
      {
        if (rc == SQLITE_ROW)
          rc = SQLITE_READONLY;
        set_sqlite_error (error, self->db, rc, what);
        return NULL;
      }
  }

  /* 16 MiB of page cache per connection: index pages stay in memory through
   * a long sync, and a few parallel pulls stay well under 100 MiB. */
  if (!exec (self, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                   "PRAGMA cache_size = -16384;",
             _("Cannot configure the cache"), error))
    return NULL;

  if (!migrate (self, version, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
qm_store_get_path (QmStore *self)
{
  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  return self->path;
}

guint
qm_store_get_schema_version (QmStore *self)
{
  g_return_val_if_fail (QM_IS_STORE (self), 0);

  return self->schema_version;
}

/**
 * qm_store_limit_size:
 * @self: a #QmStore
 * @max_pages: the most pages the cache file may grow to
 *
 * Caps the size of the cache for this connection. A write that would go
 * past it fails with %QM_ERROR_FULL and changes nothing, exactly as a
 * full disk would.
 */
void
qm_store_limit_size (QmStore *self,
                     gint64   max_pages)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (QM_IS_STORE (self));
  g_return_if_fail (max_pages > 0);

  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_pages);
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Audit trail                                                              */

static void
checksum_field (GChecksum  *checksum,
                const char *text)
{
  /* Length-prefixed so no two different entries share a canonical form. */
  if (text == NULL)
    {
      g_checksum_update (checksum, (const guchar *) "-;", 2);
    }
  else
    {
      char prefix[32];
      gsize len = strlen (text);

      g_snprintf (prefix, sizeof prefix, "%" G_GSIZE_FORMAT ":", len);
      g_checksum_update (checksum, (const guchar *) prefix, -1);
      g_checksum_update (checksum, (const guchar *) text, len);
      g_checksum_update (checksum, (const guchar *) ";", 1);
    }
}

/**
 * qm_audit_compute_hash:
 * @previous_hash: the previous entry's hash (64 zeros for the first entry)
 * @entry: the entry
 *
 * entry_hash = SHA-256 (previous_hash ‖ canonical entry), where the canonical
 * entry is seq, at, user, action, object, before and after, each written as
 * `LENGTH:BYTES;` (a null field as `-;`).
 *
 * Returns: (transfer full): the lowercase hex digest
 */
char *
qm_audit_compute_hash (const char         *previous_hash,
                       const QmAuditEntry *entry)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char seq[32];

  g_return_val_if_fail (previous_hash != NULL, NULL);
  g_return_val_if_fail (entry != NULL, NULL);

  g_snprintf (seq, sizeof seq, "%" G_GINT64_FORMAT, entry->seq);
  g_checksum_update (checksum, (const guchar *) previous_hash, -1);
  checksum_field (checksum, seq);
  checksum_field (checksum, entry->at);
  checksum_field (checksum, entry->user);
  checksum_field (checksum, entry->action);
  checksum_field (checksum, entry->object);
  checksum_field (checksum, entry->before);
  checksum_field (checksum, entry->after);

  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
get_meta (QmStore    *self,
          const char *key,
          char      **out_value,
          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT value FROM meta WHERE key = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_value = column_dup (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out_value = NULL;
  else
    return set_sqlite_error (error, self->db, rc, _("Could not read the cache"));

  return TRUE;
}

static gboolean
set_meta (QmStore    *self,
          const char *key,
          const char *value,
          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    prepare (self, "INSERT INTO meta (key, value) VALUES (?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not save to the cache"));

  return TRUE;
}

/* Appends inside the caller's transaction. */
static gboolean
audit_append_locked (QmStore    *self,
                     const char *user,
                     const char *action,
                     const char *object,
                     const char *before_json,
                     const char *after_json,
                     GError    **error)
{
  g_autoptr(sqlite3_stmt) last = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *previous_hash = NULL;
  g_autofree char *previous_at = NULL;
  g_autofree char *at = NULL;
  g_autofree char *hash = NULL;
  QmAuditEntry entry = { 0 };
  int rc;

  if (!json_is_valid (before_json) || !json_is_valid (after_json))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   "Audit entry for “%s” carries invalid JSON", action);
      return FALSE;
    }

  last = prepare (self, "SELECT seq, at, entry_hash FROM audit ORDER BY seq DESC LIMIT 1", error);
  if (last == NULL)
    return FALSE;

  rc = sqlite3_step (last);
  if (rc == SQLITE_ROW)
    {
      entry.seq = sqlite3_column_int64 (last, 0) + 1;
      previous_at = column_dup (last, 1);
      previous_hash = column_dup (last, 2);
    }
  else if (rc == SQLITE_DONE)
    {
      entry.seq = 1;
      previous_hash = g_strdup (AUDIT_GENESIS_HASH);
    }
  else
    {
      return set_sqlite_error (error, self->db, rc, _("Could not read the audit trail"));
    }

  /* The trail never goes back in time, even if the clock does. */
  at = now_utc ();
  if (previous_at != NULL && strcmp (at, previous_at) < 0)
    replace_str (&at, previous_at);

  entry.at = at;
  entry.user = user;
  entry.action = action;
  entry.object = object;
  entry.before = before_json;
  entry.after = after_json;
  hash = qm_audit_compute_hash (previous_hash, &entry);

  insert = prepare (self,
                    "INSERT INTO audit (seq, at, user, action, object, before, after, entry_hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;

  sqlite3_bind_int64 (insert, 1, entry.seq);
  bind_text (insert, 2, at);
  bind_text (insert, 3, user);
  bind_text (insert, 4, action);
  bind_text (insert, 5, object);
  bind_text (insert, 6, before_json);
  bind_text (insert, 7, after_json);
  bind_text (insert, 8, hash);

  rc = sqlite3_step (insert);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not write the audit trail"));

  {
    g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, entry.seq);

    return set_meta (self, "audit_head_seq", count, error) &&
           set_meta (self, "audit_head_hash", hash, error);
  }
}

static const char *
user_or_default (const char *user)
{
  return user != NULL && *user != '\0' ? user : g_get_user_name ();
}

/**
 * qm_store_audit_append:
 * @self: a #QmStore
 * @user: (nullable): who acted; the login name when %NULL
 * @action: what was done, e.g. `channel.add`
 * @object: what it was done to
 * @before_json: (nullable): the object before, as JSON
 * @after_json: (nullable): the object after, as JSON
 * @error: return location for a #GError
 *
 * Appends one entry to the hash-chained audit trail.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_audit_append (QmStore    *self,
                       const char *user,
                       const char *action,
                       const char *object,
                       const char *before_json,
                       const char *after_json,
                       GError    **error)
{
  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;

  if (!audit_append_locked (self, user_or_default (user), action, object,
                            before_json, after_json, error))
    {
      rollback (self);
      return FALSE;
    }

  return commit (self, error);
}

/**
 * qm_store_audit_verify:
 * @self: a #QmStore
 * @out_entries: (out) (optional): how many entries were checked
 * @out_bad_seq: (out) (optional): the first bad entry, or 0
 * @error: return location for a #GError
 *
 * Walks the chain from the first entry. An edited entry, a deleted one
 * (in the middle or at the end) and reordered entries all break it.
 *
 * Returns: %TRUE when the chain is whole; %FALSE with %QM_ERROR_BAD_DATA
 *   naming the first bad entry, or another error if the cache can't be read
 */
gboolean
qm_store_audit_verify (QmStore *self,
                       gint64  *out_entries,
                       gint64  *out_bad_seq,
                       GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *previous_hash = g_strdup (AUDIT_GENESIS_HASH);
  g_autofree char *head_seq = NULL;
  g_autofree char *head_hash = NULL;
  gint64 expected = 1;
  gint64 bad = 0;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);

  if (out_entries != NULL)
    *out_entries = 0;
  if (out_bad_seq != NULL)
    *out_bad_seq = 0;

  stmt = prepare (self,
                  "SELECT seq, at, user, action, object, before, after, entry_hash "
                  "FROM audit ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmAuditEntry entry;
      g_autofree char *hash = NULL;

      entry.seq = sqlite3_column_int64 (stmt, 0);
      entry.at = (const char *) sqlite3_column_text (stmt, 1);
      entry.user = (const char *) sqlite3_column_text (stmt, 2);
      entry.action = (const char *) sqlite3_column_text (stmt, 3);
      entry.object = (const char *) sqlite3_column_text (stmt, 4);
      entry.before = (const char *) sqlite3_column_text (stmt, 5);
      entry.after = (const char *) sqlite3_column_text (stmt, 6);
      entry.entry_hash = (const char *) sqlite3_column_text (stmt, 7);

      if (entry.seq != expected)
        {
          bad = expected;
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Audit trail broken at entry %" G_GINT64_FORMAT ": the entry is missing "
                         "(deleted); the trail after it cannot be trusted"),
                       expected);
          break;
        }

      hash = qm_audit_compute_hash (previous_hash, &entry);
      if (entry.entry_hash == NULL || strcmp (hash, entry.entry_hash) != 0)
        {
          bad = entry.seq;
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Audit trail broken at entry %" G_GINT64_FORMAT " (%s, %s): its content "
                         "does not match its hash; it was edited, or entries were reordered or "
                         "removed before it"),
                       entry.seq, entry.at ? entry.at : "?", entry.action ? entry.action : "?");
          break;
        }

      replace_str (&previous_hash, hash);
      expected++;
    }

  if (bad == 0 && rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not read the audit trail"));

  if (bad == 0)
    {
      if (!get_meta (self, "audit_head_seq", &head_seq, error) ||
          !get_meta (self, "audit_head_hash", &head_hash, error))
        return FALSE;

      if (head_seq != NULL && g_ascii_strtoll (head_seq, NULL, 10) != expected - 1)
        {
          bad = expected;
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Audit trail broken at entry %" G_GINT64_FORMAT ": the trail should "
                         "hold %s entries but ends after %" G_GINT64_FORMAT "; the newest were "
                         "deleted"),
                       expected, head_seq, expected - 1);
        }
      else if (head_hash != NULL && strcmp (head_hash, previous_hash) != 0)
        {
          bad = expected - 1;
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Audit trail broken at entry %" G_GINT64_FORMAT ": the newest entry "
                         "does not match the recorded head of the trail"),
                       expected - 1);
        }
    }

  if (out_entries != NULL)
    *out_entries = expected - 1;
  if (out_bad_seq != NULL)
    *out_bad_seq = bad;

  return bad == 0;
}

/**
 * qm_store_foreach_audit:
 * @self: a #QmStore
 * @from_at: (nullable): first instant (RFC 3339 UTC, inclusive)
 * @to_at: (nullable): end instant (RFC 3339 UTC, exclusive)
 * @func: called for each entry in chain order
 * @user_data: data for @func
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_audit (QmStore       *self,
                        const char    *from_at,
                        const char    *to_at,
                        QmAuditRowFunc func,
                        gpointer       user_data,
                        GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = prepare (self,
                  "SELECT seq, at, user, action, object, before, after, entry_hash FROM audit "
                  "WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, from_at);
  bind_text (stmt, 2, to_at);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmAuditEntry entry;

      entry.seq = sqlite3_column_int64 (stmt, 0);
      entry.at = (const char *) sqlite3_column_text (stmt, 1);
      entry.user = (const char *) sqlite3_column_text (stmt, 2);
      entry.action = (const char *) sqlite3_column_text (stmt, 3);
      entry.object = (const char *) sqlite3_column_text (stmt, 4);
      entry.before = (const char *) sqlite3_column_text (stmt, 5);
      entry.after = (const char *) sqlite3_column_text (stmt, 6);
      entry.entry_hash = (const char *) sqlite3_column_text (stmt, 7);

      if (!func (&entry, user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not read the audit trail"));

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Warehouses                                                               */

static char *
warehouse_to_json (const QmWarehouse *wh)
{
  return json_object_string ("id", wh->id,
                             "url", wh->url,
                             "allow_insecure", wh->allow_insecure ? "true" : "false",
                             "token_file", wh->token_file,
                             NULL);
}

static gboolean
warehouse_id_is_valid (const char *id)
{
  return qm_sku_is_valid (id);
}

/**
 * qm_store_add_warehouse:
 * @self: a #QmStore
 * @warehouse: the endpoint; at least id and url
 * @user: (nullable): who added it
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success; %QM_ERROR_EXISTS if the id is taken
 */
gboolean
qm_store_add_warehouse (QmStore           *self,
                        const QmWarehouse *warehouse,
                        const char        *user,
                        GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) state = NULL;
  g_autofree char *after = NULL;
  g_autofree char *now = now_utc ();
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse != NULL, FALSE);

  if (!warehouse_id_is_valid (warehouse->id))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("A warehouse id must be 1 to 64 characters with no control characters"));
      return FALSE;
    }
  if (warehouse->url == NULL || *warehouse->url == '\0')
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("Warehouse “%s” needs the URL of its endpoint"), warehouse->id);
      return FALSE;
    }

  if (!begin (self, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO warehouse (id, url, name, region, latitude, longitude, "
                  "  capacity_units, currency, allow_insecure, token_file, added_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;

  bind_text (stmt, 1, warehouse->id);
  bind_text (stmt, 2, warehouse->url);
  bind_text (stmt, 3, warehouse->name ? warehouse->name : "");
  bind_text (stmt, 4, warehouse->region ? warehouse->region : "");
  if (warehouse->has_location)
    {
      sqlite3_bind_double (stmt, 5, warehouse->latitude);
      sqlite3_bind_double (stmt, 6, warehouse->longitude);
    }
  sqlite3_bind_int64 (stmt, 7, MAX (warehouse->capacity_units, 0));
  bind_text (stmt, 8, warehouse->currency ? warehouse->currency : "");
  sqlite3_bind_int (stmt, 9, warehouse->allow_insecure ? 1 : 0);
  bind_text (stmt, 10, warehouse->token_file);
  bind_text (stmt, 11, now);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_EXISTS,
                   _("Warehouse “%s” is already set up; remove it first to add it again"),
                   warehouse->id);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not save the warehouse"));
      goto fail;
    }

  state = prepare (self, "INSERT INTO sync_state (warehouse_id) VALUES (?)", error);
  if (state == NULL)
    goto fail;
  bind_text (state, 1, warehouse->id);
  rc = sqlite3_step (state);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not save the warehouse"));
      goto fail;
    }

  after = warehouse_to_json (warehouse);
  if (!audit_append_locked (self, user_or_default (user), "endpoint.add", warehouse->id,
                            NULL, after, error))
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * qm_store_update_warehouse_info:
 * @self: a #QmStore
 * @warehouse: what the endpoint says of itself (name, region, location,
 *   capacity, currency); url, token and flags are left as they are
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_update_warehouse_info (QmStore           *self,
                                const QmWarehouse *warehouse,
                                GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse != NULL && warehouse->id != NULL, FALSE);

  stmt = prepare (self,
                  "UPDATE warehouse SET name = ?, region = ?, latitude = ?, longitude = ?, "
                  "  capacity_units = ?, currency = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, warehouse->name ? warehouse->name : "");
  bind_text (stmt, 2, warehouse->region ? warehouse->region : "");
  if (warehouse->has_location)
    {
      sqlite3_bind_double (stmt, 3, warehouse->latitude);
      sqlite3_bind_double (stmt, 4, warehouse->longitude);
    }
  sqlite3_bind_int64 (stmt, 5, MAX (warehouse->capacity_units, 0));
  bind_text (stmt, 6, warehouse->currency ? warehouse->currency : "");
  bind_text (stmt, 7, warehouse->id);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not save the warehouse"));

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No warehouse “%s” is set up"), warehouse->id);
      return FALSE;
    }

  return TRUE;
}

static QmWarehouse *
warehouse_from_row (sqlite3_stmt *stmt)
{
  QmWarehouse *wh = qm_warehouse_new ();

  wh->id = column_dup (stmt, 0);
  wh->url = column_dup (stmt, 1);
  wh->name = column_dup (stmt, 2);
  wh->region = column_dup (stmt, 3);
  wh->has_location = sqlite3_column_type (stmt, 4) != SQLITE_NULL &&
                     sqlite3_column_type (stmt, 5) != SQLITE_NULL;
  wh->latitude = sqlite3_column_double (stmt, 4);
  wh->longitude = sqlite3_column_double (stmt, 5);
  wh->capacity_units = sqlite3_column_int64 (stmt, 6);
  wh->currency = column_dup (stmt, 7);
  wh->allow_insecure = sqlite3_column_int (stmt, 8) != 0;
  wh->token_file = column_dup (stmt, 9);
  wh->added_at = column_dup (stmt, 10);

  return wh;
}

#define WAREHOUSE_COLUMNS \
  "id, url, name, region, latitude, longitude, capacity_units, currency, " \
  "allow_insecure, token_file, added_at"

/**
 * qm_store_list_warehouses:
 *
 * Returns: (transfer full) (element-type QmWarehouse): the endpoints by id
 */
GPtrArray *
qm_store_list_warehouses (QmStore *self,
                          GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT " WAREHOUSE_COLUMNS " FROM warehouse ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_warehouse_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, warehouse_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not read the warehouses"));
      return NULL;
    }

  return g_steal_pointer (&list);
}

/**
 * qm_store_get_warehouse:
 *
 * Returns: (transfer full): the endpoint, or %NULL with %QM_ERROR_NOT_FOUND
 */
QmWarehouse *
qm_store_get_warehouse (QmStore    *self,
                        const char *id,
                        GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = prepare (self, "SELECT " WAREHOUSE_COLUMNS " FROM warehouse WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return warehouse_from_row (stmt);

  if (rc == SQLITE_DONE)
    g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                 _("No warehouse “%s” is set up; see “endpoint list”"), id);
  else
    set_sqlite_error (error, self->db, rc, _("Could not read the warehouses"));

  return NULL;
}

/**
 * qm_store_update_warehouse_endpoint:
 * @url: the endpoint's (checked) base URL
 * @allow_insecure: whether plain http to another host is allowed
 *
 * Changes where a warehouse is reached, keeping everything cached from it,
 * with an audit entry holding the endpoint before and after.
 *
 * Returns: %TRUE on success; %QM_ERROR_NOT_FOUND if there is no such endpoint
 */
gboolean
qm_store_update_warehouse_endpoint (QmStore    *self,
                                    const char *id,
                                    const char *url,
                                    gboolean    allow_insecure,
                                    const char *user,
                                    GError    **error)
{
  g_autoptr(QmWarehouse) before = NULL;
  g_autoptr(QmWarehouse) after = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *before_json = NULL;
  g_autofree char *after_json = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (url != NULL && *url != '\0', FALSE);

  if (!begin (self, error))
    return FALSE;

  before = qm_store_get_warehouse (self, id, error);
  if (before == NULL)
    goto fail;

  stmt = prepare (self, "UPDATE warehouse SET url = ?, allow_insecure = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  bind_text (stmt, 1, url);
  sqlite3_bind_int (stmt, 2, allow_insecure ? 1 : 0);
  bind_text (stmt, 3, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not save the warehouse"));
      goto fail;
    }

  after = qm_warehouse_copy (before);
  g_free (after->url);
  after->url = g_strdup (url);
  after->allow_insecure = allow_insecure;
  before_json = warehouse_to_json (before);
  after_json = warehouse_to_json (after);
  if (!audit_append_locked (self, user_or_default (user), "endpoint.edit", id,
                            before_json, after_json, error))
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * qm_store_remove_warehouse:
 *
 * Removes an endpoint and everything cached from it, in one transaction,
 * with an audit entry.
 *
 * Returns: %TRUE on success; %QM_ERROR_NOT_FOUND if there is no such endpoint
 */
gboolean
qm_store_remove_warehouse (QmStore    *self,
                           const char *id,
                           const char *user,
                           GError    **error)
{
  g_autoptr(QmWarehouse) wh = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *before = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;

  wh = qm_store_get_warehouse (self, id, error);
  if (wh == NULL)
    goto fail;

  stmt = prepare (self, "DELETE FROM warehouse WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;

  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not remove the warehouse"));
      goto fail;
    }

  before = warehouse_to_json (wh);
  if (!audit_append_locked (self, user_or_default (user), "endpoint.remove", id,
                            before, NULL, error))
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Physical layer                                                           */

static gboolean
require_warehouse (QmStore    *self,
                   const char *warehouse_id,
                   GError    **error)
{
  g_autoptr(QmWarehouse) wh = qm_store_get_warehouse (self, warehouse_id, error);

  return wh != NULL;
}

/**
 * qm_store_upsert_products:
 *
 * Stores what a warehouse lists in v1/products, in one transaction. A
 * product the warehouse no longer lists keeps its last name.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_upsert_products (QmStore         *self,
                          const char      *warehouse_id,
                          const QmProduct *products,
                          gsize            n_products,
                          GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);
  g_return_val_if_fail (products != NULL || n_products == 0, FALSE);

  for (gsize i = 0; i < n_products; i++)
    {
      if (!qm_sku_is_valid (products[i].sku))
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Warehouse “%s” listed a product with an invalid SKU (item %" G_GSIZE_FORMAT
                         "); nothing of that page was stored"),
                       warehouse_id, i + 1);
          return FALSE;
        }
    }

  if (!begin (self, error))
    return FALSE;

  if (!require_warehouse (self, warehouse_id, error))
    goto fail;

  stmt = prepare (self,
                  "INSERT INTO product (warehouse_id, sku, name, category, unit, pack_size) "
                  "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (warehouse_id, sku) DO UPDATE SET "
                  "name = excluded.name, category = excluded.category, unit = excluded.unit, "
                  "pack_size = excluded.pack_size", error);
  if (stmt == NULL)
    goto fail;

  for (gsize i = 0; i < n_products; i++)
    {
      const QmProduct *p = &products[i];
      int rc;

      sqlite3_reset (stmt);
      bind_text (stmt, 1, warehouse_id);
      bind_text (stmt, 2, p->sku);
      bind_text (stmt, 3, p->name ? p->name : "");
      bind_text (stmt, 4, p->category ? p->category : "");
      bind_text (stmt, 5, p->unit ? p->unit : "");
      sqlite3_bind_int64 (stmt, 6, MAX (p->pack_size, 1));

      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("Could not save the products"));
          goto fail;
        }
    }

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

static gboolean
same_or_null (const char *a,
              const char *b)
{
  return g_strcmp0 (a, b) == 0;
}

static gboolean
movement_matches_row (const QmMovement *m,
                      sqlite3_stmt     *row)
{
  return same_or_null (m->id, (const char *) sqlite3_column_text (row, 0)) &&
         same_or_null (m->kind, (const char *) sqlite3_column_text (row, 1)) &&
         same_or_null (m->sku, (const char *) sqlite3_column_text (row, 2)) &&
         m->quantity == sqlite3_column_int64 (row, 3) &&
         same_or_null (m->at, (const char *) sqlite3_column_text (row, 4));
}

/**
 * qm_store_insert_movements:
 * @self: a #QmStore
 * @warehouse_id: the warehouse the page came from
 * @movements: (array length=n_movements): one page of the ledger
 * @n_movements: how many
 * @new_cursor: the sync cursor to store with the page, or -1 to leave it
 * @out_inserted: (out) (optional): how many were new
 * @error: return location for a #GError
 *
 * Stores a page of movements and the new cursor in one transaction. A
 * movement already stored (same warehouse and seq, same content) changes
 * nothing; one whose content differs is a %QM_ERROR_CONFLICT and the whole
 * page is refused, because movements never change.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_insert_movements (QmStore          *self,
                           const char       *warehouse_id,
                           const QmMovement *movements,
                           gsize             n_movements,
                           gint64            new_cursor,
                           gsize            *out_inserted,
                           GError          **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) existing = NULL;
  g_autoptr(sqlite3_stmt) cursor = NULL;
  gsize inserted = 0;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);
  g_return_val_if_fail (movements != NULL || n_movements == 0, FALSE);

  if (out_inserted != NULL)
    *out_inserted = 0;

  for (gsize i = 0; i < n_movements; i++)
    {
      const QmMovement *m = &movements[i];

      if (m->seq <= 0 || m->id == NULL || m->at == NULL || m->kind == NULL || m->sku == NULL)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Warehouse “%s” sent movement %" G_GINT64_FORMAT " without its seq, id, "
                         "time, kind or SKU; nothing of that page was stored"),
                       warehouse_id, m->seq);
          return FALSE;
        }
    }

  if (!begin (self, error))
    return FALSE;

  if (!require_warehouse (self, warehouse_id, error))
    goto fail;

  insert = prepare (self,
                    "INSERT INTO movement (warehouse_id, seq, id, at, kind, sku, quantity, "
                    "  from_status, to_status, unit_cost, reference, counterparty, channel, "
                    "  reason, quarantine_reason) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (warehouse_id, seq) DO NOTHING", error);
  existing = prepare (self,
                      "SELECT id, kind, sku, quantity, at FROM movement "
                      "WHERE warehouse_id = ? AND seq = ?", error);
  if (insert == NULL || existing == NULL)
    goto fail;

  for (gsize i = 0; i < n_movements; i++)
    {
      const QmMovement *m = &movements[i];
      int rc;

      sqlite3_reset (insert);
      bind_text (insert, 1, warehouse_id);
      sqlite3_bind_int64 (insert, 2, m->seq);
      bind_text (insert, 3, m->id);
      bind_text (insert, 4, m->at);
      bind_text (insert, 5, m->kind);
      bind_text (insert, 6, m->sku);
      sqlite3_bind_int64 (insert, 7, m->quantity);
      bind_text (insert, 8, m->from_status);
      bind_text (insert, 9, m->to_status);
      if (m->has_unit_cost)
        sqlite3_bind_int64 (insert, 10, m->unit_cost);
      else
        sqlite3_bind_null (insert, 10);
      bind_text (insert, 11, m->reference);
      bind_text (insert, 12, m->counterparty);
      bind_text (insert, 13, m->channel);
      bind_text (insert, 14, m->reason);
      bind_text (insert, 15, m->quarantine_reason);

      rc = sqlite3_step (insert);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("Could not save the movements"));
          goto fail;
        }

      if (sqlite3_changes (self->db) == 1)
        {
          inserted++;
          continue;
        }

      sqlite3_reset (existing);
      bind_text (existing, 1, warehouse_id);
      sqlite3_bind_int64 (existing, 2, m->seq);
      rc = sqlite3_step (existing);
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (error, self->db, rc, _("Could not read the movements"));
          goto fail;
        }

      if (!movement_matches_row (m, existing))
        {
          g_set_error (error, QM_ERROR, QM_ERROR_CONFLICT,
                       _("Warehouse “%s” sent movement %" G_GINT64_FORMAT " again with other "
                         "content; movements never change, so the page was refused. Ask the "
                         "warehouse to check its ledger"),
                       warehouse_id, m->seq);
          goto fail;
        }
    }

  if (new_cursor >= 0)
    {
      int rc;

      cursor = prepare (self,
                        "UPDATE sync_state SET cursor_seq = MAX(cursor_seq, ?) "
                        "WHERE warehouse_id = ?", error);
      if (cursor == NULL)
        goto fail;

      sqlite3_bind_int64 (cursor, 1, new_cursor);
      bind_text (cursor, 2, warehouse_id);
      rc = sqlite3_step (cursor);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("Could not save the sync cursor"));
          goto fail;
        }
    }

  if (!commit (self, error))
    return FALSE;

  if (out_inserted != NULL)
    *out_inserted = inserted;

  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * qm_store_snapshot_begin:
 *
 * Starts a new stock snapshot walk for a warehouse, dropping any staged
 * pages of an earlier walk that never completed. The current snapshot is
 * untouched until qm_store_snapshot_commit().
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_snapshot_begin (QmStore    *self,
                         const char *warehouse_id,
                         GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);

  if (!require_warehouse (self, warehouse_id, error))
    return FALSE;

  stmt = prepare (self, "DELETE FROM stock_staging WHERE warehouse_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, warehouse_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not start the stock snapshot"));

  return TRUE;
}

/**
 * qm_store_snapshot_add:
 *
 * Stages one page of a snapshot walk, in one transaction.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_snapshot_add (QmStore           *self,
                       const char        *warehouse_id,
                       const QmStockItem *items,
                       gsize              n_items,
                       GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);
  g_return_val_if_fail (items != NULL || n_items == 0, FALSE);

  for (gsize i = 0; i < n_items; i++)
    {
      if (!qm_sku_is_valid (items[i].sku) ||
          !qm_stock_status_from_string (items[i].status, NULL) ||
          items[i].quantity <= 0)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Warehouse “%s” sent a stock row with an invalid SKU, status or "
                         "quantity (item %" G_GSIZE_FORMAT " of the page); the snapshot was not "
                         "changed"),
                       warehouse_id, i + 1);
          return FALSE;
        }
    }

  if (!begin (self, error))
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO stock_staging (warehouse_id, sku, status, quantity) "
                  "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;

  for (gsize i = 0; i < n_items; i++)
    {
      int rc;

      sqlite3_reset (stmt);
      bind_text (stmt, 1, warehouse_id);
      bind_text (stmt, 2, items[i].sku);
      bind_text (stmt, 3, items[i].status);
      sqlite3_bind_int64 (stmt, 4, items[i].quantity);

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        {
          g_set_error (error, QM_ERROR, QM_ERROR_BAD_DATA,
                       _("Warehouse “%s” listed %s / %s twice in one stock snapshot; the "
                         "snapshot was not changed"),
                       warehouse_id, items[i].sku, items[i].status);
          goto fail;
        }
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("Could not save the stock snapshot"));
          goto fail;
        }
    }

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * qm_store_snapshot_commit:
 *
 * Replaces the warehouse's stock with the staged walk, as of @as_of_seq,
 * in one transaction, and updates the stock summary.
 *
 * Returns: %TRUE on success; on failure the old snapshot is kept
 */
gboolean
qm_store_snapshot_commit (QmStore    *self,
                          const char *warehouse_id,
                          gint64      as_of_seq,
                          GError    **error)
{
  static const char * const steps[] = {
    "DELETE FROM stock WHERE warehouse_id = ?1",
    "INSERT INTO stock (warehouse_id, sku, status, quantity, as_of_seq) "
    "  SELECT warehouse_id, sku, status, quantity, ?2 FROM stock_staging WHERE warehouse_id = ?1",
    "DELETE FROM stock_total WHERE warehouse_id = ?1",
    "INSERT INTO stock_total (warehouse_id, status, quantity, skus) "
    "  SELECT warehouse_id, status, SUM(quantity), COUNT(*) FROM stock "
    "  WHERE warehouse_id = ?1 GROUP BY status",
    "DELETE FROM stock_sku WHERE warehouse_id = ?1",
    "INSERT INTO stock_sku (sku, warehouse_id, defective, pending_inspection, qualified, "
    "  supplier_return) "
    "  SELECT sku, warehouse_id, "
    "    SUM(CASE status WHEN 'defective' THEN quantity ELSE 0 END), "
    "    SUM(CASE status WHEN 'pending_inspection' THEN quantity ELSE 0 END), "
    "    SUM(CASE status WHEN 'qualified' THEN quantity ELSE 0 END), "
    "    SUM(CASE status WHEN 'supplier_return' THEN quantity ELSE 0 END) "
    "  FROM stock WHERE warehouse_id = ?1 GROUP BY sku",
    "DELETE FROM stock_staging WHERE warehouse_id = ?1",
    "UPDATE sync_state SET snapshot_seq = ?2 WHERE warehouse_id = ?1",
  };

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;

  if (!require_warehouse (self, warehouse_id, error))
    goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = prepare (self, steps[i], error);
      int rc;

      if (stmt == NULL)
        goto fail;

      bind_text (stmt, 1, warehouse_id);
      if (sqlite3_bind_parameter_count (stmt) >= 2)
        sqlite3_bind_int64 (stmt, 2, as_of_seq);

      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("Could not replace the stock snapshot"));
          goto fail;
        }
    }

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * qm_store_replace_snapshot:
 *
 * Replaces a warehouse's whole stock snapshot with @items at once; either
 * all of it lands or the old snapshot stays.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_replace_snapshot (QmStore           *self,
                           const char        *warehouse_id,
                           gint64             as_of_seq,
                           const QmStockItem *items,
                           gsize              n_items,
                           GError           **error)
{
  return qm_store_snapshot_begin (self, warehouse_id, error) &&
         qm_store_snapshot_add (self, warehouse_id, items, n_items, error) &&
         qm_store_snapshot_commit (self, warehouse_id, as_of_seq, error);
}

gboolean
qm_store_get_sync_state (QmStore     *self,
                         const char  *warehouse_id,
                         QmSyncState *out_state,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);
  g_return_val_if_fail (out_state != NULL, FALSE);

  stmt = prepare (self,
                  "SELECT cursor_seq, remote_last_seq, snapshot_seq, last_attempt_at, "
                  "  last_success_at, last_error, reconciled_seq, discrepancies, negative_folds "
                  "FROM sync_state WHERE warehouse_id = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, warehouse_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_NOT_FOUND,
                   _("No warehouse “%s” is set up; see “endpoint list”"), warehouse_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return set_sqlite_error (error, self->db, rc, _("Could not read the sync state"));

  out_state->warehouse_id = g_strdup (warehouse_id);
  out_state->cursor_seq = sqlite3_column_int64 (stmt, 0);
  out_state->remote_last_seq = sqlite3_column_type (stmt, 1) == SQLITE_NULL
                               ? -1 : sqlite3_column_int64 (stmt, 1);
  out_state->snapshot_seq = sqlite3_column_type (stmt, 2) == SQLITE_NULL
                            ? -1 : sqlite3_column_int64 (stmt, 2);
  out_state->last_attempt_at = column_dup (stmt, 3);
  out_state->last_success_at = column_dup (stmt, 4);
  out_state->last_error = column_dup (stmt, 5);
  out_state->reconciled_seq = sqlite3_column_type (stmt, 6) == SQLITE_NULL
                              ? -1 : sqlite3_column_int64 (stmt, 6);
  out_state->discrepancies = sqlite3_column_int64 (stmt, 7);
  out_state->negative_folds = sqlite3_column_int64 (stmt, 8);

  return TRUE;
}

/**
 * qm_store_record_sync_result:
 * @error_message: (nullable): %NULL for a successful sync
 *
 * Records the end of a sync attempt of one endpoint.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_record_sync_result (QmStore    *self,
                             const char *warehouse_id,
                             gint64      remote_last_seq,
                             const char *error_message,
                             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = now_utc ();
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);

  stmt = prepare (self,
                  "UPDATE sync_state SET last_attempt_at = ?2, "
                  "  last_success_at = CASE WHEN ?3 IS NULL THEN ?2 ELSE last_success_at END, "
                  "  last_error = ?3, "
                  "  remote_last_seq = CASE WHEN ?4 >= 0 THEN ?4 ELSE remote_last_seq END "
                  "WHERE warehouse_id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, warehouse_id);
  bind_text (stmt, 2, now);
  bind_text (stmt, 3, error_message);
  sqlite3_bind_int64 (stmt, 4, remote_last_seq);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not save the sync state"));

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Ledger fold and reconciliation                                           */

/* Every movement's effect as (sku, status, delta, seq); quarantined ones
 * are left out of every balance. */
#define LEDGER_DELTAS \
  "deltas AS (" \
  "  SELECT sku, to_status AS status, quantity AS delta, seq FROM movement " \
  "  WHERE warehouse_id = ?1 AND seq <= ?2 AND quarantine_reason IS NULL " \
  "    AND to_status IS NOT NULL " \
  "  UNION ALL " \
  "  SELECT sku, from_status, -quantity, seq FROM movement " \
  "  WHERE warehouse_id = ?1 AND seq <= ?2 AND quarantine_reason IS NULL " \
  "    AND from_status IS NOT NULL)"

/**
 * qm_store_foreach_fold:
 * @as_of_seq: fold movements up to and including this seq
 *
 * Folds the cached ledger of one warehouse from empty stock and calls
 * @func for every (sku, status) whose balance is not zero, sorted.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_fold (QmStore       *self,
                       const char    *warehouse_id,
                       gint64         as_of_seq,
                       QmStockRowFunc func,
                       gpointer       user_data,
                       GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  stmt = prepare (self,
                  "WITH " LEDGER_DELTAS " "
                  "SELECT sku, status, SUM(delta) AS q FROM deltas GROUP BY sku, status "
                  "HAVING q != 0 ORDER BY sku, status", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, warehouse_id);
  sqlite3_bind_int64 (stmt, 2, as_of_seq);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!func (warehouse_id,
                 (const char *) sqlite3_column_text (stmt, 0),
                 (const char *) sqlite3_column_text (stmt, 1),
                 sqlite3_column_int64 (stmt, 2),
                 user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not fold the ledger"));

  return TRUE;
}

/**
 * qm_store_reconcile:
 * @as_of_seq: the seq the warehouse's snapshot is as of
 * @out_discrepancies: (out) (optional): (sku, status) pairs that differ
 * @out_negative_folds: (out) (optional): movements after which a balance
 *   went below zero
 *
 * Compares the fold of the cached ledger with the stored snapshot and
 * keeps the differences; neither side is changed.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_reconcile (QmStore    *self,
                    const char *warehouse_id,
                    gint64      as_of_seq,
                    gint64     *out_discrepancies,
                    gint64     *out_negative_folds,
                    GError    **error)
{
  static const char * const steps[] = {
    "DELETE FROM reconciliation WHERE warehouse_id = ?1",
    "WITH " LEDGER_DELTAS ", "
    "fold AS (SELECT sku, status, SUM(delta) AS q FROM deltas GROUP BY sku, status) "
    "INSERT INTO reconciliation (warehouse_id, sku, status, ledger_quantity, snapshot_quantity) "
    "SELECT ?1, sku, status, SUM(l), SUM(s) FROM ("
    "  SELECT sku, status, q AS l, 0 AS s FROM fold "
    "  UNION ALL "
    "  SELECT sku, status, 0, quantity FROM stock WHERE warehouse_id = ?1) "
    "GROUP BY sku, status HAVING SUM(l) != SUM(s)",
    "WITH " LEDGER_DELTAS ", "
    "running AS (SELECT SUM(delta) OVER (PARTITION BY sku, status ORDER BY seq "
    "                                    ROWS UNBOUNDED PRECEDING) AS balance FROM deltas) "
    "UPDATE sync_state SET reconciled_seq = ?2, "
    "  discrepancies = (SELECT count(*) FROM reconciliation WHERE warehouse_id = ?1), "
    "  negative_folds = (SELECT count(*) FROM running WHERE balance < 0) "
    "WHERE warehouse_id = ?1",
  };
  g_auto(QmSyncState) state = { 0 };

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (warehouse_id != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = prepare (self, steps[i], error);
      int rc;

      if (stmt == NULL)
        goto fail;

      bind_text (stmt, 1, warehouse_id);
      if (sqlite3_bind_parameter_count (stmt) >= 2)
        sqlite3_bind_int64 (stmt, 2, as_of_seq);

      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("Could not reconcile the ledger"));
          goto fail;
        }
    }

  if (!commit (self, error))
    return FALSE;

  if (!qm_store_get_sync_state (self, warehouse_id, &state, error))
    return FALSE;

  if (out_discrepancies != NULL)
    *out_discrepancies = state.discrepancies;
  if (out_negative_folds != NULL)
    *out_negative_folds = state.negative_folds;

  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * qm_store_count_quarantined:
 * @warehouse_id: (nullable): one warehouse, or all
 *
 * Returns: how many movements are quarantined, or -1 with @error set
 */
gint64
qm_store_count_quarantined (QmStore    *self,
                            const char *warehouse_id,
                            GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), -1);

  stmt = prepare (self,
                  "SELECT count(*) FROM movement WHERE quarantine_reason IS NOT NULL "
                  "AND (?1 IS NULL OR warehouse_id = ?1)", error);
  if (stmt == NULL)
    return -1;

  bind_text (stmt, 1, warehouse_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc, _("Could not read the movements"));
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */

static gboolean
foreach_stock_query (QmStore       *self,
                     const char    *sql,
                     gboolean       has_warehouse,
                     QmStockRowFunc func,
                     gpointer       user_data,
                     GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int col = has_warehouse ? 1 : 0;
      const char *warehouse_id = has_warehouse ? (const char *) sqlite3_column_text (stmt, 0) : NULL;

      if (!func (warehouse_id,
                 (const char *) sqlite3_column_text (stmt, col),
                 (const char *) sqlite3_column_text (stmt, col + 1),
                 sqlite3_column_int64 (stmt, col + 2),
                 user_data))
        return TRUE;
    }

  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, _("Could not read the stock"));

  return TRUE;
}

/**
 * qm_store_foreach_stock:
 *
 * Calls @func for every stock row, sorted bytewise by warehouse, SKU and
 * status. Rows stream from SQLite; memory does not grow with the cache.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_stock (QmStore       *self,
                        QmStockRowFunc func,
                        gpointer       user_data,
                        GError       **error)
{
  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return foreach_stock_query (self,
                              "SELECT warehouse_id, sku, status, quantity FROM stock "
                              "ORDER BY warehouse_id, sku, status",
                              TRUE, func, user_data, error);
}

/**
 * qm_store_foreach_consolidated:
 *
 * Calls @func for every SKU and status with the quantity summed over all
 * warehouses (the warehouse id passed is %NULL), sorted by SKU and status.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_foreach_consolidated (QmStore       *self,
                               QmStockRowFunc func,
                               gpointer       user_data,
                               GError       **error)
{
  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return foreach_stock_query (self,
                              "SELECT sku, status, SUM(quantity) FROM stock "
                              "GROUP BY sku, status ORDER BY sku, status",
                              FALSE, func, user_data, error);
}

/**
 * qm_store_get_stock_totals:
 *
 * Units and SKUs per warehouse and status, from the summary kept up to
 * date by every snapshot replace (no scan of the stock rows).
 *
 * Returns: (transfer full) (element-type QmStockTotal): the totals
 */
GArray *
qm_store_get_stock_totals (QmStore *self,
                           GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) totals = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT warehouse_id, status, quantity, skus FROM stock_total "
                  "ORDER BY warehouse_id, status", error);
  if (stmt == NULL)
    return NULL;

  totals = g_array_new (FALSE, TRUE, sizeof (QmStockTotal));
  g_array_set_clear_func (totals, stock_total_clear);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmStockTotal total;

      total.warehouse_id = column_dup (stmt, 0);
      total.status = column_dup (stmt, 1);
      total.quantity = sqlite3_column_int64 (stmt, 2);
      total.skus = sqlite3_column_int64 (stmt, 3);
      g_array_append_val (totals, total);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not read the stock totals"));
      return NULL;
    }

  return g_steal_pointer (&totals);
}

/**
 * qm_store_count_movements:
 * @warehouse_id: (nullable): one warehouse, or all when %NULL
 *
 * Returns: how many movements are cached, or -1 with @error set
 */
gint64
qm_store_count_movements (QmStore    *self,
                          const char *warehouse_id,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), -1);

  stmt = prepare (self, "SELECT count(*) FROM movement WHERE ?1 IS NULL OR warehouse_id = ?1",
                  error);
  if (stmt == NULL)
    return -1;

  bind_text (stmt, 1, warehouse_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc, _("Could not read the movements"));
      return -1;
    }

  return sqlite3_column_int64 (stmt, 0);
}

/* ------------------------------------------------------------------------ */
/* Channels                                                                 */

/**
 * qm_store_add_channel:
 *
 * Adds a sales channel and the regions it serves, with an audit entry.
 *
 * Returns: %TRUE on success; %QM_ERROR_EXISTS if the id is taken
 */
gboolean
qm_store_add_channel (QmStore         *self,
                      const QmChannel *channel,
                      const char      *user,
                      GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) region = NULL;
  g_autofree char *regions = NULL;
  g_autofree char *after = NULL;
  const char *kind;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (channel != NULL, FALSE);

  kind = channel->kind != NULL ? channel->kind : "other";

  if (!qm_sku_is_valid (channel->id))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("A channel id must be 1 to 64 characters with no control characters"));
      return FALSE;
    }
  if (channel->name == NULL || *channel->name == '\0')
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("Channel “%s” needs a name"), channel->id);
      return FALSE;
    }
  if (!qm_channel_kind_from_string (kind, NULL))
    {
      g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                   _("“%s” is not a channel kind; use own_app, pc_web, mini_program, "
                     "marketplace or other"), kind);
      return FALSE;
    }
  for (guint i = 0; channel->regions != NULL && channel->regions[i] != NULL; i++)
    {
      if (!qm_sku_is_valid (channel->regions[i]))
        {
          g_set_error (error, QM_ERROR, QM_ERROR_INVALID_INPUT,
                       _("Region names must be 1 to 64 characters with no control characters"));
          return FALSE;
        }
    }

  if (!begin (self, error))
    return FALSE;

  stmt = prepare (self, "INSERT INTO channel (id, name, kind, active) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;

  bind_text (stmt, 1, channel->id);
  bind_text (stmt, 2, channel->name);
  bind_text (stmt, 3, kind);
  sqlite3_bind_int (stmt, 4, channel->active ? 1 : 0);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      g_set_error (error, QM_ERROR, QM_ERROR_EXISTS,
                   _("Channel “%s” already exists"), channel->id);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not save the channel"));
      goto fail;
    }

  region = prepare (self,
                    "INSERT INTO channel_region (channel_id, region) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING", error);
  if (region == NULL)
    goto fail;

  for (guint i = 0; channel->regions != NULL && channel->regions[i] != NULL; i++)
    {
      sqlite3_reset (region);
      bind_text (region, 1, channel->id);
      bind_text (region, 2, channel->regions[i]);
      rc = sqlite3_step (region);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, _("Could not save the channel"));
          goto fail;
        }
    }

  regions = channel->regions != NULL ? g_strjoinv (",", channel->regions) : g_strdup ("");
  after = json_object_string ("id", channel->id, "name", channel->name, "kind", kind,
                              "regions", regions,
                              "active", channel->active ? "true" : "false", NULL);
  if (!audit_append_locked (self, user_or_default (user), "channel.add", channel->id,
                            NULL, after, error))
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * qm_store_list_channels:
 *
 * Returns: (transfer full) (element-type QmChannel): the channels by id
 */
GPtrArray *
qm_store_list_channels (QmStore *self,
                        GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT c.id, c.name, c.kind, c.active, "
                  "  (SELECT group_concat(region, char(31)) FROM "
                  "     (SELECT region FROM channel_region r WHERE r.channel_id = c.id "
                  "      ORDER BY region)) "
                  "FROM channel c ORDER BY c.id", error);
  if (stmt == NULL)
    return NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) qm_channel_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QmChannel *ch = qm_channel_new ();
      const char *regions = (const char *) sqlite3_column_text (stmt, 4);

      ch->id = column_dup (stmt, 0);
      ch->name = column_dup (stmt, 1);
      ch->kind = column_dup (stmt, 2);
      ch->active = sqlite3_column_int (stmt, 3) != 0;
      ch->regions = regions != NULL ? g_strsplit (regions, "\x1f", -1) : g_new0 (char *, 1);
      g_ptr_array_add (list, ch);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not read the channels"));
      return NULL;
    }

  return g_steal_pointer (&list);
}

/* ------------------------------------------------------------------------ */
/* Settings                                                                 */

/**
 * qm_store_get_setting:
 *
 * Returns: (transfer full): the company-wide setting, or a copy of @default_value
 */
char *
qm_store_get_setting (QmStore    *self,
                      const char *key,
                      const char *default_value)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QM_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = prepare (self, "SELECT value FROM setting WHERE key = ?", NULL);
  if (stmt == NULL)
    return g_strdup (default_value);

  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return column_dup (stmt, 0);

  return g_strdup (default_value);
}

/**
 * qm_store_set_setting:
 *
 * Changes a company-wide setting (the company time zone, say), with an
 * audit entry holding the value before and after.
 *
 * Returns: %TRUE on success
 */
gboolean
qm_store_set_setting (QmStore    *self,
                      const char *key,
                      const char *value,
                      const char *user,
                      GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *old = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  int rc;

  g_return_val_if_fail (QM_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;

  old = qm_store_get_setting (self, key, NULL);

  stmt = prepare (self,
                  "INSERT INTO setting (key, value) VALUES (?, ?) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    goto fail;

  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, _("Could not save the setting"));
      goto fail;
    }

  before = old != NULL ? json_object_string ("value", old, NULL) : NULL;
  after = json_object_string ("value", value, NULL);
  if (!audit_append_locked (self, user_or_default (user), "setting.set", key,
                            before, after, error))
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Shared with the store's other files (qm-store-private.h)                 */

sqlite3 *
qm_store_get_db (QmStore *self)
{
  g_return_val_if_fail (QM_IS_STORE (self), NULL);

  return self->db;
}

sqlite3_stmt *
qm_store_prepare (QmStore    *self,
                  const char *sql,
                  GError    **error)
{
  return prepare (self, sql, error);
}

gboolean
qm_store_set_error (QmStore    *self,
                    int         rc,
                    const char *what,
                    GError    **error)
{
  return set_sqlite_error (error, self->db, rc, what);
}

gboolean
qm_store_begin (QmStore *self,
                GError **error)
{
  return begin (self, error);
}

gboolean
qm_store_commit (QmStore *self,
                 GError **error)
{
  return commit (self, error);
}

void
qm_store_rollback (QmStore *self)
{
  rollback (self);
}

gboolean
qm_store_audit_append_locked (QmStore    *self,
                              const char *user,
                              const char *action,
                              const char *object,
                              const char *before_json,
                              const char *after_json,
                              GError    **error)
{
  return audit_append_locked (self, user_or_default (user), action, object,
                              before_json, after_json, error);
}
