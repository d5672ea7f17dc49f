/* archive.c — the coordinator's archive of pulled records (archive.h). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "i18n.h"

struct archive {
	sqlite3 *db;
};

/* migrations[v] takes a file from version v to v + 1, in one transaction.
 * A step that has shipped is never changed; a new one is added at the end. */
static const char *const migrations[] = {
	/* 0 → 1: the first schema, in a fresh empty file only */
	"CREATE TABLE record ("
	" id           INTEGER PRIMARY KEY,"
	" municipality TEXT NOT NULL,"
	" ref          TEXT NOT NULL,"
	" kind         TEXT NOT NULL,"
	" received     TEXT NOT NULL,"
	" key_id       TEXT NOT NULL,"
	" format       INTEGER NOT NULL,"
	" sealed       BLOB NOT NULL,"
	" pulled       TEXT NOT NULL,"
	" status       INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 2),"
	" status_by    TEXT,"
	" status_at    TEXT,"
	" UNIQUE (municipality, ref)"
	");"
	"CREATE INDEX record_received ON record (received);"
	"PRAGMA application_id = 1262567745;",   /* ARCHIVE_APPLICATION_ID */
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == ARCHIVE_SCHEMA_VERSION,
    "one migration step per schema version");
_Static_assert(ARCHIVE_APPLICATION_ID == 1262567745, "the id in the first step");
_Static_assert(ARCHIVE_NSTATUS == 3, "the CHECK in the first step");

/* The columns of `record` in each version, as check_schema reads them. */
static const char *const columns[] = {
	[1] = "id INTEGER,municipality TEXT,ref TEXT,kind TEXT,received TEXT,"
	      "key_id TEXT,format INTEGER,sealed BLOB,pulled TEXT,status INTEGER,"
	      "status_by TEXT,status_at TEXT",
};
_Static_assert(sizeof(columns) / sizeof(columns[0]) == ARCHIVE_SCHEMA_VERSION + 1,
    "the columns of every schema version");

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return ARCHIVE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ARCHIVE_EBUSY;
	case SQLITE_FULL:
		return ARCHIVE_EFULL;
	case SQLITE_NOMEM:
		return ARCHIVE_ENOMEM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return ARCHIVE_EFOREIGN;
	case SQLITE_CANTOPEN:
		return ARCHIVE_EOPEN;
	default:
		return ARCHIVE_EIO;
	}
}

static int exec(archive *a, const char *sql)
{
	return map_rc(sqlite3_exec(a->db, sql, NULL, NULL, NULL));
}

static int query_int(archive *a, const char *sql, int *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(a->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return map_rc(rc);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ARCHIVE_OK : map_rc(rc);
}

/* What the file is: ARCHIVE_OK if ours of a version we know (or empty,
 * when *v is 0), else why not. */
static int identify(archive *a, int *v)
{
	int rc, app, tables;

	if ((rc = query_int(a, "PRAGMA user_version", v)) != ARCHIVE_OK ||
	    (rc = query_int(a, "PRAGMA application_id", &app)) != ARCHIVE_OK ||
	    (rc = query_int(a, "SELECT count(*) FROM sqlite_master", &tables)) != ARCHIVE_OK)
		return rc;
	if (*v == 0 && app == 0)
		return tables == 0 ? ARCHIVE_OK : ARCHIVE_EFOREIGN;
	if (app != ARCHIVE_APPLICATION_ID || *v <= 0)
		return ARCHIVE_EFOREIGN;
	return *v > ARCHIVE_SCHEMA_VERSION ? ARCHIVE_ENEWER : ARCHIVE_OK;
}

/* The step from version `from`, in one transaction, unless another
 * process did it while we waited. */
static int migrate_step(archive *a, int from)
{
	char sql[64];
	int rc, v;

	if ((rc = exec(a, "BEGIN IMMEDIATE")) != ARCHIVE_OK)
		return rc;
	if ((rc = identify(a, &v)) == ARCHIVE_OK && v == from) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", from + 1);
		if ((rc = exec(a, migrations[from])) == ARCHIVE_OK)
			rc = exec(a, sql);
	}
	if (rc != ARCHIVE_OK) {
		exec(a, "ROLLBACK");
		return rc;
	}
	return exec(a, "COMMIT");
}

static int setup_schema(archive *a, int flags)
{
	int rc, v;

	if ((rc = identify(a, &v)) != ARCHIVE_OK)
		return rc;
	if (v == 0 && (!(flags & ARCHIVE_CREATE) || (flags & ARCHIVE_READONLY)))
		return ARCHIVE_EFOREIGN;   /* an empty file is no archive yet */
	if (flags & ARCHIVE_READONLY)
		return ARCHIVE_OK;
	for (; v < ARCHIVE_SCHEMA_VERSION; v++)
		if ((rc = migrate_step(a, v)) != ARCHIVE_OK)
			return rc;
	return ARCHIVE_OK;
}

/* As inbox.c: no schema trick, view or trigger runs; values are bounded. */
static int harden(archive *a)
{
	static const int off[] = { SQLITE_DBCONFIG_TRUSTED_SCHEMA,
	    SQLITE_DBCONFIG_ENABLE_VIEW, SQLITE_DBCONFIG_ENABLE_TRIGGER };
	size_t i;

	if (sqlite3_db_config(a->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK)
		return ARCHIVE_EIO;
	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (sqlite3_db_config(a->db, off[i], 0, NULL) != SQLITE_OK)
			return ARCHIVE_EIO;
	sqlite3_limit(a->db, SQLITE_LIMIT_LENGTH, INBOX_ROW_MAX);
	return exec(a, "PRAGMA trusted_schema=OFF");
}

/* `record` is an ordinary table with exactly our columns; no view or
 * trigger anywhere. */
static int check_schema(archive *a)
{
	sqlite3_stmt *st;
	int rc, ok;

	rc = sqlite3_prepare_v2(a->db, "SELECT"
	    " (SELECT count(*) FROM sqlite_master WHERE type IN ('view', 'trigger')) = 0"
	    " AND (SELECT type FROM sqlite_master WHERE name = 'record') = 'table'"
	    " AND (SELECT group_concat(name || ' ' || type, ',') FROM"
	    "      (SELECT name, type FROM pragma_table_xinfo('record') ORDER BY cid)) = ?",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, columns[ARCHIVE_SCHEMA_VERSION], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	ok = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return map_rc(rc);
	return ok ? ARCHIVE_OK : ARCHIVE_EALTERED;
}

/* The directory holding path: ours and closed to others. */
static int private_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? strdup(".") :
	    strndup(path, slash == path ? 1 : (size_t)(slash - path));
	struct stat st;
	int rc;

	if (dir == NULL)
		return ARCHIVE_ENOMEM;
	rc = stat(dir, &st) != 0 ? ARCHIVE_EOPEN :
	    (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) ?
	    ARCHIVE_EPERM : ARCHIVE_OK;
	free(dir);
	return rc;
}

/* The file, made empty with mode 0600 if it is missing and may be
 * created (SQLite would make it 0644, and its -wal and -shm files take
 * the main file's mode); an existing one must be a regular file of ours
 * that others cannot read. */
static int private_file(const char *path, int flags)
{
	struct stat st;
	int fd, rc;

	if ((rc = private_dir_of(path)) != ARCHIVE_OK)
		return rc;
	if ((flags & ARCHIVE_CREATE) && !(flags & ARCHIVE_READONLY)) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			rc = fsync(fd);
			close(fd);
			return rc == 0 ? ARCHIVE_OK : ARCHIVE_EOPEN;
		}
		if (errno != EEXIST)
			return ARCHIVE_EOPEN;
	}
	if (lstat(path, &st) != 0)
		return ARCHIVE_EOPEN;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return ARCHIVE_EPERM;
	return ARCHIVE_OK;
}

/* journal_mode answers with the mode in force: check it is WAL. */
static int require_wal(archive *a)
{
	sqlite3_stmt *st;
	const char *mode;
	int rc = sqlite3_prepare_v2(a->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return map_rc(rc);
	rc = sqlite3_step(st);
	mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	rc = rc != SQLITE_ROW ? map_rc(rc) :
	    (mode != NULL && strcmp(mode, "wal") == 0) ? ARCHIVE_OK : ARCHIVE_EIO;
	sqlite3_finalize(st);
	return rc;
}

int archive_open(const char *path, int flags, archive **out)
{
	int oflags = (flags & ARCHIVE_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE;
	archive *a;
	int rc;

	*out = NULL;
	if ((rc = private_file(path, flags)) != ARCHIVE_OK)
		return rc;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return ARCHIVE_ENOMEM;
	rc = sqlite3_open_v2(path, &a->db, oflags | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK)
		rc = rc == SQLITE_CANTOPEN ? ARCHIVE_EOPEN : map_rc(rc);
	else {
		sqlite3_busy_timeout(a->db, 5000);
		rc = harden(a);
	}
	if (rc == ARCHIVE_OK && !(flags & ARCHIVE_READONLY)) {
		/* The file type first: journal_mode on a foreign or damaged
		 * file would be an error of its own. */
		int v;

		if ((rc = identify(a, &v)) == ARCHIVE_OK &&
		    (rc = require_wal(a)) == ARCHIVE_OK)
			rc = exec(a, "PRAGMA secure_delete=ON");
	}
	if (rc == ARCHIVE_OK)
		rc = exec(a, "PRAGMA synchronous=FULL");
	if (rc == ARCHIVE_OK)
		rc = setup_schema(a, flags);
	if (rc == ARCHIVE_OK)
		rc = check_schema(a);
	if (rc != ARCHIVE_OK) {
		archive_close(a);
		return rc;
	}
	*out = a;
	return ARCHIVE_OK;
}

void archive_close(archive *a)
{
	if (a == NULL)
		return;
	sqlite3_close(a->db);
	free(a);
}

int archive_begin(archive *a)
{
	return exec(a, "BEGIN IMMEDIATE");
}

int archive_commit(archive *a)
{
	int rc = exec(a, "COMMIT");

	if (rc != ARCHIVE_OK)
		archive_rollback(a);
	return rc;
}

void archive_rollback(archive *a)
{
	if (!sqlite3_get_autocommit(a->db))
		exec(a, "ROLLBACK");
}

static void utc_now(char s[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Runs a prepared write to its end: ARCHIVE_OK or why not. */
static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ARCHIVE_OK : map_rc(rc);
}

int archive_import(archive *a, const char *municipality,
    const struct inbox_entry *e, int *added)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	*added = 0;
	if (e->sealed == NULL || e->sealed_len == 0 || e->sealed_len > INBOX_ROW_MAX ||
	    strlen(municipality) > ARCHIVE_MUNICIPALITY_LEN)
		return ARCHIVE_EARG;
	rc = sqlite3_prepare_v2(a->db, "INSERT INTO record (municipality, ref, kind,"
	    " received, key_id, format, sealed, pulled) VALUES (?,?,?,?,?,?,?,?)"
	    " ON CONFLICT (municipality, ref) DO NOTHING", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	utc_now(now);
	sqlite3_bind_text(st, 1, municipality, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->received, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, e->format);
	sqlite3_bind_blob(st, 7, e->sealed, (int)e->sealed_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	if ((rc = step_done(st)) == ARCHIVE_OK)
		*added = sqlite3_changes(a->db) == 1;
	return rc;
}

#define RECORD_COLUMNS "id, municipality, ref, kind, received, key_id, format," \
	" pulled, status, status_by, status_at, sealed"

static void fill(sqlite3_stmt *st, struct archive_record *r, int with_sealed)
{
	const char *s;

	memset(r, 0, sizeof(*r));
	r->entry.id = sqlite3_column_int64(st, 0);
#define COPY(field, col) \
	s = (const char *)sqlite3_column_text(st, col); \
	snprintf(field, sizeof(field), "%s", s ? s : "");
	COPY(r->municipality, 1)
	COPY(r->entry.ref, 2)
	COPY(r->entry.kind, 3)
	COPY(r->entry.received, 4)
	COPY(r->entry.key_id, 5)
	COPY(r->pulled, 7)
	COPY(r->status_by, 9)
	COPY(r->status_at, 10)
#undef COPY
	r->entry.format = sqlite3_column_int(st, 6);
	r->status = sqlite3_column_int(st, 8);
	if (with_sealed) {
		/* const: the caller of archive_each only reads it */
		r->entry.sealed = (unsigned char *)sqlite3_column_blob(st, 11);
		r->entry.sealed_len = (size_t)sqlite3_column_bytes(st, 11);
	}
}

int archive_each(archive *a, const struct archive_filter *f, int flags,
    int (*fn)(const struct archive_record *r, void *arg), void *arg)
{
	static const struct archive_filter any = { .status = -1 };
	struct archive_record r;
	sqlite3_stmt *st;
	int rc;

	if (f == NULL)
		f = &any;
	rc = sqlite3_prepare_v2(a->db, "SELECT " RECORD_COLUMNS " FROM record WHERE"
	    " (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR municipality = ?2)"
	    " AND (?3 IS NULL OR substr(received, 1, 10) >= ?3)"
	    " AND (?4 IS NULL OR substr(received, 1, 10) <= ?4)"
	    " AND (?5 < 0 OR status = ?5) ORDER BY received, id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, f->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->municipality, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->to, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, f->status);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(st, &r, flags & ARCHIVE_WITH_SEALED);
		if (fn(&r, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return map_rc(rc);
}

/* Prepares sql (with ?1 the canonical reference and ?2 the municipality or
 * NULL) for ref. ARCHIVE_EARG if ref cannot be a reference. */
static int prepare_ref(archive *a, const char *sql, const char *municipality,
    const char *ref, char canon[INBOX_REF_LEN + 1], sqlite3_stmt **st)
{
	int rc;

	if (inbox_ref_parse(ref, canon) != 0)
		return ARCHIVE_EARG;
	if ((rc = sqlite3_prepare_v2(a->db, sql, -1, st, NULL)) != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(*st, 1, canon, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 2, municipality, -1, SQLITE_STATIC);
	return ARCHIVE_OK;
}

int archive_get(archive *a, const char *municipality, const char *ref,
    struct archive_record *out)
{
	char canon[INBOX_REF_LEN + 1];
	const void *blob;
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = prepare_ref(a, "SELECT " RECORD_COLUMNS " FROM record"
	    " WHERE ref = ?1 AND (?2 IS NULL OR municipality = ?2) LIMIT 2",
	    municipality, ref, canon, &st)) != ARCHIVE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? ARCHIVE_ENOTFOUND : map_rc(rc);
	}
	fill(st, out, 0);
	blob = sqlite3_column_blob(st, 11);
	out->entry.sealed_len = (size_t)sqlite3_column_bytes(st, 11);
	if (out->entry.sealed_len == 0 ||
	    (out->entry.sealed = malloc(out->entry.sealed_len)) == NULL)
		rc = out->entry.sealed_len == 0 ? ARCHIVE_EIO : ARCHIVE_ENOMEM;
	else {
		memcpy(out->entry.sealed, blob, out->entry.sealed_len);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_ROW ? ARCHIVE_EAMBIGUOUS : map_rc(rc);
	}
	sqlite3_finalize(st);
	if (rc != ARCHIVE_OK)
		archive_record_clear(out);
	return rc;
}

void archive_record_clear(struct archive_record *r)
{
	if (r == NULL)
		return;
	free(r->entry.sealed);
	memset(r, 0, sizeof(*r));
}

int archive_set_status(archive *a, const char *municipality, const char *ref,
    int status, const char *who)
{
	struct archive_record r;
	sqlite3_stmt *st;
	char now[32];
	int rc;

	if (status < 0 || status >= ARCHIVE_NSTATUS || who == NULL ||
	    strlen(who) > ARCHIVE_WHO_LEN)
		return ARCHIVE_EARG;
	/* The one record it names, or why there is none. */
	if ((rc = archive_get(a, municipality, ref, &r)) != ARCHIVE_OK)
		return rc;
	rc = sqlite3_prepare_v2(a->db, "UPDATE record SET status = ?, status_by = ?,"
	    " status_at = ? WHERE id = ?", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		utc_now(now);
		sqlite3_bind_int(st, 1, status);
		sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, r.entry.id);
		rc = step_done(st);
	} else
		rc = map_rc(rc);
	archive_record_clear(&r);
	return rc;
}

int archive_replace_sealed(archive *a, long long id, const char *key_id,
    int format, const unsigned char *sealed, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if (sealed == NULL || len == 0 || len > INBOX_ROW_MAX ||
	    strlen(key_id) > INBOX_KEY_IDS_LEN)
		return ARCHIVE_EARG;
	rc = sqlite3_prepare_v2(a->db, "UPDATE record SET key_id = ?, format = ?,"
	    " sealed = ? WHERE id = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, format);
	sqlite3_bind_blob(st, 3, sealed, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	if ((rc = step_done(st)) == ARCHIVE_OK && sqlite3_changes(a->db) != 1)
		rc = ARCHIVE_ENOTFOUND;
	return rc;
}

/* wal_checkpoint answers busy (1) or not (0), and page counts. */
int archive_checkpoint(archive *a)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(a->db, "PRAGMA wal_checkpoint(TRUNCATE)", -1,
	    &st, NULL);

	if (rc != SQLITE_OK)
		return map_rc(rc);
	rc = sqlite3_step(st);
	rc = rc != SQLITE_ROW ? map_rc(rc) :
	    sqlite3_column_int(st, 0) != 0 ? ARCHIVE_EBUSY : ARCHIVE_OK;
	sqlite3_finalize(st);
	return rc;
}

int archive_purge(archive *a, const char *before, long *count)
{
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	rc = sqlite3_prepare_v2(a->db, "DELETE FROM record WHERE received < ?",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	if ((rc = step_done(st)) == ARCHIVE_OK)
		*count = sqlite3_changes(a->db);
	return rc;
}

static const char *const status_names[ARCHIVE_NSTATUS] = {
	[ARCHIVE_NEW] = "new", [ARCHIVE_IN_PROGRESS] = "in-progress",
	[ARCHIVE_DONE] = "done",
};

const char *archive_status_name(int status)
{
	return status >= 0 && status < ARCHIVE_NSTATUS ? status_names[status] : "?";
}

int archive_status_parse(const char *s)
{
	int i;

	for (i = 0; i < ARCHIVE_NSTATUS; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

const char *archive_strerror(int err)
{
	static const char *const msg[] = {
		[ARCHIVE_OK] = N_("no error"),
		[ARCHIVE_EOPEN] = N_("cannot open the archive file"),
		[ARCHIVE_EPERM] = N_("the archive or its directory is open to other "
		    "users: it must be mode 0600 in a directory of mode 0700, yours"),
		[ARCHIVE_EFOREIGN] = N_("not a KAA archive (another program's SQLite "
		    "file, or damaged): it is not touched"),
		[ARCHIVE_ENEWER] = N_("made by a newer version of kaa-inbox: update "
		    "kaa-inbox to use it (the file is not touched)"),
		[ARCHIVE_EALTERED] = N_("the archive's structure was altered (a view, "
		    "a trigger or other columns): it is not read"),
		[ARCHIVE_EBUSY] = N_("the archive is locked by another program (busy)"),
		[ARCHIVE_EFULL] = N_("the disk is full"),
		[ARCHIVE_EIO] = N_("database error"),
		[ARCHIVE_ENOMEM] = N_("out of memory"),
		[ARCHIVE_ENOTFOUND] = N_("no record with that reference in the archive"),
		[ARCHIVE_EAMBIGUOUS] = N_("that reference is in the archive for several "
		    "municipalities: name one with --municipality"),
		[ARCHIVE_EARG] = N_("bad argument"),
	};

	if (err < 0 || (size_t)err >= sizeof(msg) / sizeof(msg[0]))
		return N_("unknown error");
	return msg[err];
}
