/* inbox.c — sealed submissions in SQLite. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "inbox.h"

struct inbox {
	sqlite3      *db;
	sqlite3_stmt *insert;
	int           busy_ms;
	long long     busy_since;
	char         *path;
	dev_t         dev;         /* identity of the file opened */
	ino_t         ino;  /* when the current wait for the lock began */
};

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS submission ("
	" id       INTEGER PRIMARY KEY,"
	" ref      TEXT NOT NULL UNIQUE,"
	" kind     TEXT NOT NULL,"
	" received TEXT NOT NULL,"
	" key_id   TEXT NOT NULL,"
	" sealed   BLOB NOT NULL,"
	" acked    TEXT"           /* set by the coordinator tool, later */
	");";

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return INBOX_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return INBOX_EBUSY;
	case SQLITE_FULL:
		return INBOX_EFULL;
	case SQLITE_NOMEM:
		return INBOX_ENOMEM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return INBOX_ESCHEMA;
	case SQLITE_CANTOPEN:
		return INBOX_EOPEN;
	default:
		return INBOX_EIO;
	}
}

/* SQLite's own busy handler backs off up to 100 ms a try, which makes the
 * tail long under contention. Commits here take well under a millisecond, so
 * retry often, with a little jitter so waiting writers do not move in step,
 * until busy_ms have passed since the first try. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int busy_wait(void *arg, int count)
{
	struct inbox *ib = arg;
	struct timespec ts;

	if (count == 0)
		ib->busy_since = now_ms();
	else if (now_ms() - ib->busy_since >= ib->busy_ms)
		return 0;
	ts.tv_sec = 0;
	ts.tv_nsec = (count < 20 ? 100000L : 1000000L) +
	    (long)randombytes_uniform(200000);
	nanosleep(&ts, NULL);
	return 1;
}

static int exec(inbox *ib, const char *sql)
{
	return map_rc(sqlite3_exec(ib->db, sql, NULL, NULL, NULL));
}

/* Runs a statement that answers one integer row, e.g. a PRAGMA. */
static int query_int(inbox *ib, const char *sql, int *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(ib->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return map_rc(rc);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? INBOX_OK : map_rc(rc);
}

static int user_version(inbox *ib, int *v)
{
	return query_int(ib, "PRAGMA user_version", v);
}

/* journal_mode answers with the mode in force, not an error: check it. */
static int require_wal(inbox *ib)
{
	sqlite3_stmt *st;
	const char *mode;
	int rc = sqlite3_prepare_v2(ib->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return map_rc(rc);
	rc = sqlite3_step(st);
	mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	rc = rc != SQLITE_ROW ? map_rc(rc) :
	    (mode != NULL && strcmp(mode, "wal") == 0) ? INBOX_OK : INBOX_EIO;
	sqlite3_finalize(st);
	return rc;
}

/* Creates the schema in a fresh file, or checks the version of an old one. */
static int setup_schema(inbox *ib, int create)
{
	int rc, v, app, tables;

	if ((rc = user_version(ib, &v)) != INBOX_OK ||
	    (rc = query_int(ib, "PRAGMA application_id", &app)) != INBOX_OK)
		return rc;
	if (v == INBOX_SCHEMA_VERSION && app == INBOX_APPLICATION_ID)
		return INBOX_OK;
	if (v != 0 || app != 0 || !create)
		return INBOX_ESCHEMA;
	if ((rc = exec(ib, "BEGIN IMMEDIATE")) != INBOX_OK)
		return rc;
	/* Only an empty file becomes an inbox, never someone else's database. */
	if ((rc = user_version(ib, &v)) == INBOX_OK &&
	    (rc = query_int(ib, "SELECT count(*) FROM sqlite_master", &tables)) == INBOX_OK) {
		if (v != 0 || tables != 0)
			rc = INBOX_ESCHEMA;
		else if ((rc = exec(ib, schema_sql)) == INBOX_OK &&
		    (rc = exec(ib, "PRAGMA user_version = 1")) == INBOX_OK)
			rc = exec(ib, "PRAGMA application_id = 1262567729");  /* INBOX_APPLICATION_ID */
	}
	if (rc != INBOX_OK) {
		exec(ib, "ROLLBACK");
		return rc;
	}
	return exec(ib, "COMMIT");
}

int inbox_open(const char *path, int flags, int busy_ms, inbox **out)
{
	int oflags = (flags & INBOX_READONLY) ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | ((flags & INBOX_CREATE) ? SQLITE_OPEN_CREATE : 0);
	struct stat st;
	inbox *ib;
	int rc;

	*out = NULL;
	if ((ib = calloc(1, sizeof(*ib))) == NULL)
		return INBOX_ENOMEM;
	ib->busy_ms = busy_ms > 0 ? busy_ms : 5000;
	rc = sqlite3_open_v2(path, &ib->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		inbox_close(ib);
		return rc == SQLITE_CANTOPEN ? INBOX_EOPEN : map_rc(rc);
	}
	sqlite3_busy_handler(ib->db, busy_wait, ib);
	rc = INBOX_OK;
	if (!(flags & INBOX_READONLY))
		rc = require_wal(ib);
	if (rc == INBOX_OK)
		rc = exec(ib, "PRAGMA synchronous=FULL");
	if (rc == INBOX_OK)
		rc = setup_schema(ib, flags & INBOX_CREATE);
	if (rc == INBOX_OK && (ib->path = strdup(path)) == NULL)
		rc = INBOX_ENOMEM;
	if (rc == INBOX_OK && stat(path, &st) == 0) {
		ib->dev = st.st_dev;
		ib->ino = st.st_ino;
	}
	if (rc != INBOX_OK) {
		inbox_close(ib);
		return rc;
	}
	*out = ib;
	return INBOX_OK;
}

int inbox_is_current(const inbox *ib)
{
	struct stat st;

	return stat(ib->path, &st) == 0 && st.st_dev == ib->dev &&
	    st.st_ino == ib->ino;
}

void inbox_close(inbox *ib)
{
	if (ib == NULL)
		return;
	sqlite3_finalize(ib->insert);
	sqlite3_close(ib->db);
	free(ib->path);
	free(ib);
}

static void new_ref(char ref[INBOX_REF_LEN + 1])
{
	int i, o = 0;

	for (i = 0; i < 12; i++) {
		if (i > 0 && i % 4 == 0)
			ref[o++] = '-';
		ref[o++] = crockford[randombytes_uniform(32)];
	}
	ref[o] = '\0';
}

static void utc_now(char *s, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One attempt: insert within BEGIN IMMEDIATE ... COMMIT. */
static int insert_once(inbox *ib, const char *ref, const char *kind,
    const char *received, const char *key_id, const unsigned char *ct,
    size_t ctlen)
{
	sqlite3_stmt *st = ib->insert;
	int rc;

	if ((rc = exec(ib, "BEGIN IMMEDIATE")) != INBOX_OK)
		return rc;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, received, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, ct, (int)ctlen, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		exec(ib, "ROLLBACK");
		return (rc & 0xff) == SQLITE_CONSTRAINT ? -1 : map_rc(rc);
	}
	if ((rc = exec(ib, "COMMIT")) != INBOX_OK)
		exec(ib, "ROLLBACK");
	return rc;
}

int inbox_append(inbox *ib, const struct key_public *pk, const char *kind,
    const char *plain, size_t len, char ref[INBOX_REF_LEN + 1])
{
	char received[32];
	unsigned char *ct;
	size_t ctlen;
	int rc, tries;

	if (strlen(kind) >= sizeof(((struct inbox_entry *)0)->kind) || len > 1 << 20)
		return INBOX_EARG;
	if (ib->insert == NULL) {
		rc = sqlite3_prepare_v2(ib->db, "INSERT INTO submission"
		    "(ref, kind, received, key_id, sealed) VALUES (?,?,?,?,?)",
		    -1, &ib->insert, NULL);
		if (rc != SQLITE_OK)
			return map_rc(rc);
	}
	if (key_seal(pk, (const unsigned char *)plain, len, &ct, &ctlen) != KEY_OK)
		return INBOX_ECRYPTO;
	utc_now(received, sizeof(received));
	/* A reference collision (60 random bits) is next to impossible; retry
	 * a few times rather than fail a youth's submission on it. */
	for (tries = 0, rc = -1; rc == -1 && tries < 5; tries++) {
		new_ref(ref);
		rc = insert_once(ib, ref, kind, received, pk->id, ct, ctlen);
	}
	free(ct);
	return rc == -1 ? INBOX_EIO : rc;
}

static void fill_entry(sqlite3_stmt *st, struct inbox_entry *e)
{
	const char *s;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
#define COPY(field, col) \
	s = (const char *)sqlite3_column_text(st, col); \
	snprintf(e->field, sizeof(e->field), "%s", s ? s : "");
	COPY(ref, 1)
	COPY(kind, 2)
	COPY(received, 3)
	COPY(key_id, 4)
#undef COPY
	e->acked = sqlite3_column_type(st, 5) != SQLITE_NULL;
}

int inbox_list(inbox *ib, int (*fn)(const struct inbox_entry *, void *),
    void *arg)
{
	struct inbox_entry e;
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(ib->db, "SELECT id, ref, kind, received, key_id,"
	    " acked FROM submission ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill_entry(st, &e);
		if (fn(&e, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return map_rc(rc);
}

int inbox_get(inbox *ib, const char *ref, struct inbox_entry *out)
{
	char canon[INBOX_REF_LEN + 1];
	sqlite3_stmt *st;
	const void *blob;
	int rc, n;

	memset(out, 0, sizeof(*out));
	if (inbox_ref_parse(ref, canon) != 0)
		return INBOX_EARG;
	rc = sqlite3_prepare_v2(ib->db, "SELECT id, ref, kind, received, key_id,"
	    " acked, sealed FROM submission WHERE ref = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		fill_entry(st, out);
		blob = sqlite3_column_blob(st, 6);
		n = sqlite3_column_bytes(st, 6);
		if (n <= 0)
			rc = INBOX_EIO;   /* damaged: a sealed box is never empty */
		else if ((out->sealed = malloc((size_t)n)) == NULL)
			rc = INBOX_ENOMEM;
		else {
			memcpy(out->sealed, blob, (size_t)n);
			out->sealed_len = (size_t)n;
			rc = INBOX_OK;
		}
	} else
		rc = rc == SQLITE_DONE ? INBOX_ENOTFOUND : map_rc(rc);
	sqlite3_finalize(st);
	return rc;
}

int inbox_exists(inbox *ib, const char *ref)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(ib->db, "SELECT 1 FROM submission WHERE ref = ?",
	    -1, &st, NULL);

	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? INBOX_OK : rc == SQLITE_DONE ? INBOX_ENOTFOUND : map_rc(rc);
}

void inbox_entry_clear(struct inbox_entry *e)
{
	if (e == NULL)
		return;
	free(e->sealed);
	memset(e, 0, sizeof(*e));
}

int inbox_ref_parse(const char *in, char out[INBOX_REF_LEN + 1])
{
	int n = 0, o = 0;
	const char *p, *hit;
	char c;

	for (p = in; *p != '\0'; p++) {
		c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if ((hit = strchr(crockford, c)) == NULL || c == '\0' || n == 12)
			return -1;
		if (n > 0 && n % 4 == 0)
			out[o++] = '-';
		out[o++] = c;
		n++;
	}
	out[o] = '\0';
	return n == 12 ? 0 : -1;
}

const char *inbox_strerror(int err)
{
	static const char *const msg[] = {
		[INBOX_OK] = "no error",
		[INBOX_EOPEN] = "cannot open the inbox file",
		[INBOX_ESCHEMA] = "not an inbox, or made by a newer version",
		[INBOX_EBUSY] = "the inbox is locked (busy)",
		[INBOX_EFULL] = "the disk or database is full",
		[INBOX_EIO] = "database error",
		[INBOX_ENOMEM] = "out of memory",
		[INBOX_ENOTFOUND] = "no submission with that reference",
		[INBOX_ECRYPTO] = "sealing failed",
		[INBOX_EARG] = "bad argument",
	};

	if (err < 0 || (size_t)err >= sizeof(msg) / sizeof(msg[0]))
		return "unknown error";
	return msg[err];
}
