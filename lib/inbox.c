/* inbox.c — sealed submissions in SQLite. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "i18n.h"
#include "inbox.h"

struct inbox {
	sqlite3      *db;
	sqlite3_stmt *insert;
	int           busy_ms;
	long long     busy_since;  /* when the current wait for the lock began */
	char         *path;
	dev_t         dev;         /* identity of the file opened */
	ino_t         ino;
	int           version;     /* the open file's schema version */
};

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The schema's history: migrations[v] takes a file from version v to v + 1,
 * in one transaction. A step that has shipped is never changed; a new one is
 * added at the end. */
static const char *const migrations[] = {
	/* 0 → 1: the first schema, in a fresh empty file only */
	"CREATE TABLE submission ("
	" id       INTEGER PRIMARY KEY,"
	" ref      TEXT NOT NULL UNIQUE,"
	" kind     TEXT NOT NULL,"
	" received TEXT NOT NULL,"
	" key_id   TEXT NOT NULL,"
	" sealed   BLOB NOT NULL,"
	" acked    TEXT"           /* set by the coordinator tool, later */
	");"
	"PRAGMA application_id = 1262567729;",   /* INBOX_APPLICATION_ID */
	/* 1 → 2: several coordinators; the rows so far are format 1 */
	"ALTER TABLE submission ADD COLUMN format INTEGER NOT NULL DEFAULT 1;",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == INBOX_SCHEMA_VERSION,
    "one migration step per schema version");
_Static_assert(INBOX_APPLICATION_ID == 1262567729, "the id in the first step");

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
	case SQLITE_TOOBIG:
		return INBOX_ETOOBIG;
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

/* Runs the migration step from version `from` in one transaction, unless
 * another process did it while we waited for the lock. */
static int migrate_step(inbox *ib, int from)
{
	char sql[64];
	int rc, v, app, tables = 0;

	if ((rc = exec(ib, "BEGIN IMMEDIATE")) != INBOX_OK)
		return rc;
	if ((rc = user_version(ib, &v)) == INBOX_OK &&
	    (rc = query_int(ib, "PRAGMA application_id", &app)) == INBOX_OK &&
	    (rc = query_int(ib, "SELECT count(*) FROM sqlite_master", &tables)) == INBOX_OK) {
		/* Only an empty file becomes an inbox, never someone else's
		 * database; and a newer file is never touched. */
		if (v > INBOX_SCHEMA_VERSION || (from == 0 && v == 0 && tables != 0) ||
		    (v > 0 && app != INBOX_APPLICATION_ID))
			rc = INBOX_ESCHEMA;
		else if (v == from) {
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", from + 1);
			if ((rc = exec(ib, migrations[from])) == INBOX_OK)
				rc = exec(ib, sql);
		}
	}
	if (rc != INBOX_OK) {
		exec(ib, "ROLLBACK");
		return rc;
	}
	return exec(ib, "COMMIT");
}

/* Checks the file's version and, opened for writing, brings it up to date
 * (with INBOX_CREATE, from an empty file). */
static int setup_schema(inbox *ib, int flags)
{
	int rc, v, app;

	if ((rc = user_version(ib, &v)) != INBOX_OK ||
	    (rc = query_int(ib, "PRAGMA application_id", &app)) != INBOX_OK)
		return rc;
	/* An empty file becomes an inbox only when one is to be created; any
	 * other file must be ours, of a version this program knows. */
	if (v == 0 && app == 0) {
		if (!(flags & INBOX_CREATE) || (flags & INBOX_READONLY))
			return INBOX_ESCHEMA;
	} else if (app != INBOX_APPLICATION_ID || v <= 0 || v > INBOX_SCHEMA_VERSION)
		return INBOX_ESCHEMA;
	ib->version = v;
	if (flags & INBOX_READONLY)
		return INBOX_OK;
	for (; v < INBOX_SCHEMA_VERSION; v++)
		if ((rc = migrate_step(ib, v)) != INBOX_OK)
			return rc;
	ib->version = INBOX_SCHEMA_VERSION;
	return INBOX_OK;
}

/* The file may come from a compromised web host (kaa-inbox reads it on the
 * coordinator's machine): its schema is not trusted. DEFENSIVE forbids
 * writable_schema tricks and shadow-table writes; trusted_schema=OFF keeps
 * functions with side effects out of the schema; views and triggers are
 * never run (our schema has none); no value may be larger than any
 * submission's ciphertext (a bigger one is SQLITE_TOOBIG, not a huge
 * allocation). */
static int harden(inbox *ib)
{
	static const int off[] = { SQLITE_DBCONFIG_TRUSTED_SCHEMA,
	    SQLITE_DBCONFIG_ENABLE_VIEW, SQLITE_DBCONFIG_ENABLE_TRIGGER };
	size_t i;

	if (sqlite3_db_config(ib->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK)
		return INBOX_EIO;
	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (sqlite3_db_config(ib->db, off[i], 0, NULL) != SQLITE_OK)
			return INBOX_EIO;
	sqlite3_limit(ib->db, SQLITE_LIMIT_LENGTH, INBOX_ROW_MAX);
	return exec(ib, "PRAGMA trusted_schema=OFF");
}

/* The columns of `submission` in each schema version, in order, with their
 * declared types: "name type,name type,...". */
static const char *const columns[] = {
	[1] = "id INTEGER,ref TEXT,kind TEXT,received TEXT,key_id TEXT,sealed BLOB,acked TEXT",
	[2] = "id INTEGER,ref TEXT,kind TEXT,received TEXT,key_id TEXT,sealed BLOB,acked TEXT,"
	      "format INTEGER",
};
_Static_assert(sizeof(columns) / sizeof(columns[0]) == INBOX_SCHEMA_VERSION + 1,
    "the columns of every schema version");

/* Before any row is trusted: `submission` is an ordinary table (not a view,
 * which could run a query that never ends, nor a virtual table) with
 * exactly the columns of the file's version, none of them generated or
 * hidden, and the file has no view or trigger at all. */
static int check_schema(inbox *ib)
{
	sqlite3_stmt *st;
	int rc, ok;

	rc = sqlite3_prepare_v2(ib->db, "SELECT"
	    " (SELECT count(*) FROM sqlite_master WHERE type IN ('view', 'trigger')) = 0"
	    " AND (SELECT type FROM sqlite_master WHERE name = 'submission') = 'table'"
	    " AND (SELECT type FROM pragma_table_list WHERE schema = 'main'"
	    "      AND name = 'submission') = 'table'"
	    " AND (SELECT group_concat(name || ' ' || type, ',') FROM"
	    "      (SELECT name, type FROM pragma_table_xinfo('submission')"
	    "       WHERE hidden = 0 ORDER BY cid)) = ?"
	    " AND (SELECT count(*) FROM pragma_table_xinfo('submission')"
	    "      WHERE hidden != 0) = 0", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, columns[ib->version], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	ok = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return map_rc(rc);
	return ok ? INBOX_OK : INBOX_EALTERED;
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
	rc = harden(ib);
	if (rc == INBOX_OK && !(flags & INBOX_READONLY))
		rc = require_wal(ib);
	if (rc == INBOX_OK)
		rc = exec(ib, "PRAGMA synchronous=FULL");
	/* A writer appends and looks rows up by reference: a small page
	 * cache (64 KiB) does; kaa-fcgi's writer stays small. */
	if (rc == INBOX_OK && !(flags & INBOX_READONLY))
		rc = exec(ib, "PRAGMA cache_size=-64");
	if (rc == INBOX_OK)
		rc = setup_schema(ib, flags);
	if (rc == INBOX_OK)
		rc = check_schema(ib);
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

void inbox_set_busy(inbox *ib, int busy_ms)
{
	ib->busy_ms = busy_ms > 0 ? busy_ms : 5000;
}

static int is_current(const inbox *ib)
{
	struct stat st;

	return stat(ib->path, &st) == 0 && st.st_dev == ib->dev &&
	    st.st_ino == ib->ino;
}

int inbox_keep_open(inbox **ib, const char *path, int flags, int busy_ms)
{
	if (*ib != NULL && !is_current(*ib)) {
		inbox_close(*ib);
		*ib = NULL;
	}
	return *ib != NULL ? INBOX_OK : inbox_open(path, flags, busy_ms, ib);
}

void inbox_keep_after(inbox **ib, int rc)
{
	if (rc == INBOX_EIO || rc == INBOX_ESCHEMA || rc == INBOX_EOPEN) {
		inbox_close(*ib);
		*ib = NULL;
	}
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

/* 60 random bits, 5 to a character: one draw from the system's generator
 * (each draw is a system call). */
static void new_ref(char ref[INBOX_REF_LEN + 1])
{
	uint64_t bits;
	int i, o = 0;

	randombytes_buf(&bits, sizeof(bits));
	for (i = 0; i < 12; i++, bits >>= 5) {
		if (i > 0 && i % 4 == 0)
			ref[o++] = '-';
		ref[o++] = crockford[bits & 31];
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

/* The envelope's associated data for a row (inbox.h): each part ends in a
 * NUL. Returns its length. */
#define AD_TAG "kaa-inbox v2"
#define AD_MAX (sizeof(AD_TAG) + INBOX_REF_LEN + 1 + \
	sizeof(((struct inbox_entry *)0)->kind) + \
	sizeof(((struct inbox_entry *)0)->received))

static size_t row_ad(char ad[AD_MAX], const char *ref, const char *kind,
    const char *received)
{
	const char *const part[] = { AD_TAG, ref, kind, received };
	size_t i, n, len = 0;

	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		n = strnlen(part[i], AD_MAX - len - 1);
		memcpy(ad + len, part[i], n);
		ad[len + n] = '\0';
		len += n + 1;
	}
	return len;
}

/* The recipients' ids joined with ','. */
static void join_ids(const struct key_set *ks, char ids[INBOX_KEY_IDS_LEN + 1])
{
	size_t i, o = 0;

	for (i = 0; i < ks->n; i++) {
		if (i > 0)
			ids[o++] = ',';
		memcpy(ids + o, ks->k[i].id, KEY_ID_HEX);
		o += KEY_ID_HEX;
	}
	ids[o] = '\0';
}

int inbox_seal(const struct key_set *ks, const char *kind, const char *plain,
    size_t len, struct inbox_row *row)
{
	char ad[AD_MAX];

	memset(row, 0, sizeof(*row));
	if (strlen(kind) >= sizeof(row->kind) || len > 1 << 20 || ks->n == 0 ||
	    ks->n > KEY_MAX_RECIPIENTS)
		return INBOX_EARG;
	new_ref(row->ref);
	memcpy(row->kind, kind, strlen(kind) + 1);
	utc_now(row->received, sizeof(row->received));
	join_ids(ks, row->key_id);
	if (key_envelope_seal(ks, (const unsigned char *)ad,
	    row_ad(ad, row->ref, row->kind, row->received),
	    (const unsigned char *)plain, len, &row->sealed, &row->sealed_len) != KEY_OK)
		return INBOX_ECRYPTO;
	return INBOX_OK;
}

void inbox_row_clear(struct inbox_row *row)
{
	free(row->sealed);
	memset(row, 0, sizeof(*row));
}

/* One row within the open transaction: INBOX_ETAKEN if its reference is
 * taken (the statement alone is undone; the transaction goes on). */
static int insert_row(inbox *ib, const struct inbox_row *r)
{
	sqlite3_stmt *st = ib->insert;
	int rc;

	sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->received, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, r->sealed, (int)r->sealed_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, INBOX_FORMAT_ENVELOPE);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return INBOX_OK;
	/* only the reference's UNIQUE: another constraint is not fixed by a
	 * new reference */
	return sqlite3_extended_errcode(ib->db) == SQLITE_CONSTRAINT_UNIQUE ?
	    INBOX_ETAKEN : map_rc(rc);
}

int inbox_insert(inbox *ib, const struct inbox_row *const *rows, size_t n,
    int *rc)
{
	size_t i;
	int err;

	if (ib->insert == NULL) {
		err = sqlite3_prepare_v2(ib->db, "INSERT INTO submission"
		    "(ref, kind, received, key_id, sealed, format)"
		    " VALUES (?,?,?,?,?,?)", -1, &ib->insert, NULL);
		if (err != SQLITE_OK)
			return map_rc(err);
	}
	if ((err = exec(ib, "BEGIN IMMEDIATE")) != INBOX_OK)
		return err;
	for (i = 0; i < n; i++) {
		rc[i] = insert_row(ib, rows[i]);
		if (rc[i] != INBOX_OK && rc[i] != INBOX_ETAKEN) {
			exec(ib, "ROLLBACK");
			return rc[i];
		}
	}
	if ((err = exec(ib, "COMMIT")) != INBOX_OK)
		exec(ib, "ROLLBACK");
	return err;
}

int inbox_append(inbox *ib, const struct key_set *ks, const char *kind,
    const char *plain, size_t len, char ref[INBOX_REF_LEN + 1])
{
	struct inbox_row row;
	const struct inbox_row *rows[1] = { &row };
	int rc = INBOX_OK, one = INBOX_ETAKEN, tries;

	for (tries = 0; one == INBOX_ETAKEN && tries < INBOX_SEAL_TRIES; tries++) {
		if ((rc = inbox_seal(ks, kind, plain, len, &row)) == INBOX_OK &&
		    (rc = inbox_insert(ib, rows, 1, &one)) == INBOX_OK && one == INBOX_OK)
			memcpy(ref, row.ref, sizeof(row.ref));
		inbox_row_clear(&row);
		if (rc != INBOX_OK)
			return rc;
	}
	return one;
}

int inbox_entry_open(const struct inbox_entry *e, const struct key_secret *sk,
    char **m, size_t *mlen)
{
	struct key_public mine;
	char ad[AD_MAX];
	int rc;

	*m = NULL;
	switch (e->format) {
	case INBOX_FORMAT_SEALED:
		rc = key_open(sk, e->sealed, e->sealed_len, m, mlen);
		key_public_of(sk, &mine);
		/* Say "not yours" only when it is not, never for a damaged one. */
		return rc == KEY_ECRYPTO && strcmp(e->key_id, mine.id) != 0 ?
		    KEY_ENOTFORME : rc;
	case INBOX_FORMAT_ENVELOPE:
		return key_envelope_open(sk, (const unsigned char *)ad,
		    row_ad(ad, e->ref, e->kind, e->received), e->sealed,
		    e->sealed_len, m, mlen);
	default:
		return KEY_EFORMAT;
	}
}

int inbox_entry_open_buf(const struct inbox_entry *e,
    const struct key_secret *sk, struct key_plain_buf *b)
{
	char ad[AD_MAX], *m;
	size_t mlen;
	int rc;

	if (e->format == INBOX_FORMAT_ENVELOPE)
		return key_envelope_open_buf(sk, (const unsigned char *)ad,
		    row_ad(ad, e->ref, e->kind, e->received), e->sealed,
		    e->sealed_len, b);
	/* the older format is rare: opened on its own, then copied */
	if ((rc = inbox_entry_open(e, sk, &m, &mlen)) != KEY_OK)
		return rc;
	if ((rc = key_plain_buf_reserve(b, mlen)) == KEY_OK) {
		memcpy(b->p, m, mlen);
		b->len = b->len > mlen ? b->len : mlen;
		key_plain_buf_set_len(b, mlen);
	}
	key_plain_free(m);
	return rc;
}

int inbox_entry_reseal(const struct inbox_entry *e, const char *plain,
    size_t len, const struct key_set *ks, unsigned char **ct, size_t *ctlen,
    char ids[INBOX_KEY_IDS_LEN + 1])
{
	char ad[AD_MAX];

	*ct = NULL;
	if (ks->n == 0 || ks->n > KEY_MAX_RECIPIENTS)
		return KEY_ECOUNT;
	join_ids(ks, ids);
	return key_envelope_seal(ks, (const unsigned char *)ad,
	    row_ad(ad, e->ref, e->kind, e->received),
	    (const unsigned char *)plain, len, ct, ctlen);
}

/* The columns fill_entry reads, in its order. A version 1 file has no
 * format column: all its rows are format 1. */
static const char *entry_columns(const inbox *ib)
{
	return ib->version >= 2 ? "id, ref, kind, received, key_id, acked, format" :
	    "id, ref, kind, received, key_id, acked, 1";
}

static int prepare(inbox *ib, const char *fmt, sqlite3_stmt **st)
{
	char sql[160];

	snprintf(sql, sizeof(sql), fmt, entry_columns(ib));
	return sqlite3_prepare_v2(ib->db, sql, -1, st, NULL);
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
	e->format = sqlite3_column_int(st, 6);
}

int inbox_list(inbox *ib, int (*fn)(const struct inbox_entry *, void *),
    void *arg)
{
	struct inbox_entry e;
	sqlite3_stmt *st;
	int rc;

	rc = prepare(ib, "SELECT %s FROM submission ORDER BY id", &st);
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

/* Copies the sealed data in column col into e. */
static int copy_sealed(sqlite3_stmt *st, int col, struct inbox_entry *e)
{
	const void *blob = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);

	if (n <= 0)
		return INBOX_EIO;   /* damaged: a sealed box is never empty */
	if ((e->sealed = malloc((size_t)n)) == NULL)
		return INBOX_ENOMEM;
	memcpy(e->sealed, blob, (size_t)n);
	e->sealed_len = (size_t)n;
	return INBOX_OK;
}

/* One entry by reference; with the sealed data if sealed is set. */
static int find(inbox *ib, const char *ref, struct inbox_entry *out,
    int sealed)
{
	char canon[INBOX_REF_LEN + 1];
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (inbox_ref_parse(ref, canon) != 0)
		return INBOX_EARG;
	rc = prepare(ib, sealed ? "SELECT %s, sealed FROM submission WHERE ref = ?" :
	    "SELECT %s FROM submission WHERE ref = ?", &st);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		fill_entry(st, out);
		rc = sealed ? copy_sealed(st, 7, out) : INBOX_OK;
	} else
		rc = rc == SQLITE_DONE ? INBOX_ENOTFOUND : map_rc(rc);
	sqlite3_finalize(st);
	if (rc != INBOX_OK)
		inbox_entry_clear(out);
	return rc;
}

int inbox_get(inbox *ib, const char *ref, struct inbox_entry *out)
{
	return find(ib, ref, out, 1);
}

int inbox_lookup(inbox *ib, const char *ref, struct inbox_entry *meta)
{
	return find(ib, ref, meta, 0);
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

/* Deletes one entry by canonical reference; *removed counts it. */
static int remove_one(inbox *ib, sqlite3_stmt *st, const char *ref,
    size_t *removed)
{
	char canon[INBOX_REF_LEN + 1];
	int rc;

	if (inbox_ref_parse(ref, canon) != 0 || strcmp(canon, ref) != 0)
		return INBOX_EARG;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return map_rc(rc);
	*removed += (size_t)sqlite3_changes(ib->db);
	return INBOX_OK;
}

int inbox_remove(inbox *ib, const char *const *refs, size_t n, size_t *removed)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	*removed = 0;
	if ((rc = exec(ib, "PRAGMA secure_delete=ON")) != INBOX_OK)
		return rc;
	rc = sqlite3_prepare_v2(ib->db, "DELETE FROM submission WHERE ref = ?",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	if ((rc = exec(ib, "BEGIN IMMEDIATE")) == INBOX_OK) {
		for (i = 0; i < n && rc == INBOX_OK; i++)
			rc = remove_one(ib, st, refs[i], removed);
		if (rc == INBOX_OK)
			rc = exec(ib, "COMMIT");
		if (rc != INBOX_OK) {
			exec(ib, "ROLLBACK");
			*removed = 0;
		}
	}
	sqlite3_finalize(st);
	return rc;
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
		[INBOX_OK] = N_("no error"),
		[INBOX_EOPEN] = N_("cannot open the inbox file"),
		[INBOX_ESCHEMA] = N_("not an inbox, or made by a newer version"),
		[INBOX_EBUSY] = N_("the inbox is locked (busy)"),
		[INBOX_EFULL] = N_("the disk or database is full"),
		[INBOX_EIO] = N_("database error"),
		[INBOX_ENOMEM] = N_("out of memory"),
		[INBOX_ENOTFOUND] = N_("no submission with that reference"),
		[INBOX_ECRYPTO] = N_("sealing failed"),
		[INBOX_EARG] = N_("bad argument"),
		[INBOX_EALTERED] = N_("the inbox file's structure was altered (a view, "
		    "a trigger or other columns than an inbox has): it is not read"),
		[INBOX_ETOOBIG] = N_("a row is larger than any submission can be: "
		    "the inbox file was altered"),
		[INBOX_ETAKEN] = N_("the reference is taken"),
	};

	if (err < 0 || (size_t)err >= sizeof(msg) / sizeof(msg[0]))
		return N_("unknown error");
	return msg[err];
}
