/* check_inbox.c — the sealed SQLite inbox. */
#include <check.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inbox.h"
#include "testutil.h"

/* Three coordinators (ks), and someone who is not one. */
enum { NKEYS = 3 };
static struct key_secret *sk[NKEYS], *outsider;
static struct key_set ks;
static char *dir, *db;

static void setup(void)
{
	size_t i;

	ck_assert_int_ge(sodium_init(), 0);
	memset(&ks, 0, sizeof(ks));
	for (i = 0; i < NKEYS; i++) {
		ck_assert_int_eq(key_generate(&sk[i]), KEY_OK);
		key_public_of(sk[i], &ks.k[i]);
	}
	ks.n = NKEYS;
	ck_assert_int_eq(key_generate(&outsider), KEY_OK);
	dir = testdir_make();
	db = testdir_path(dir, "inbox.sqlite");
}

static void teardown(void)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		key_secret_free(sk[i]);
	key_secret_free(outsider);
	free(db);
	testdir_remove(dir);
}

static const char record[] =
	"{\"namn\":\"Unikt Testnamn\",\"personnummer\":\"200812122398\"}";

/* Opens e with key k and checks it is the record. */
static void opens(const struct inbox_entry *e, const struct key_secret *k)
{
	char *m;
	size_t mlen;

	ck_assert_int_eq(inbox_entry_open(e, k, &m, &mlen), KEY_OK);
	ck_assert_uint_eq(mlen, strlen(record));
	ck_assert_str_eq(m, record);
	key_plain_free(m);
}

START_TEST(append_and_read_back)
{
	char ref[INBOX_REF_LEN + 1], lower[INBOX_REF_LEN + 1], *m, ids[64];
	struct inbox_entry e, meta;
	inbox *ib, *same;
	size_t mlen, i;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref), INBOX_OK);
	ck_assert_int_eq(strlen(ref), INBOX_REF_LEN);
	ck_assert_int_eq(inbox_ref_parse(ref, lower), 0);
	ck_assert_str_eq(lower, ref);
	/* typed in lower case without dashes it is still found */
	for (i = 0; ref[i]; i++)
		lower[i] = (char)(ref[i] >= 'A' && ref[i] <= 'Z' ? ref[i] + 32 : ref[i]);
	lower[i] = '\0';
	ck_assert_int_eq(inbox_get(ib, lower, &e), INBOX_OK);
	ck_assert_str_eq(e.ref, ref);
	ck_assert_str_eq(e.kind, "sysselsattning");
	snprintf(ids, sizeof(ids), "%s,%s,%s", ks.k[0].id, ks.k[1].id, ks.k[2].id);
	ck_assert_str_eq(e.key_id, ids);
	ck_assert_int_eq(e.format, INBOX_FORMAT_ENVELOPE);
	ck_assert_int_eq(strlen(e.received), 20);
	for (i = 0; i < NKEYS; i++)
		opens(&e, sk[i]);
	ck_assert_int_eq(inbox_entry_open(&e, outsider, &m, &mlen), KEY_ENOTFORME);
	ck_assert_ptr_null(m);
	/* the metadata alone, for the receipt page */
	ck_assert_int_eq(inbox_lookup(ib, lower, &meta), INBOX_OK);
	ck_assert_str_eq(meta.ref, ref);
	ck_assert_str_eq(meta.received, e.received);
	ck_assert_str_eq(meta.kind, "sysselsattning");
	ck_assert_int_eq(meta.format, INBOX_FORMAT_ENVELOPE);
	ck_assert_ptr_null(meta.sealed);
	ck_assert_int_eq(inbox_lookup(ib, "AAAA-AAAA-AAAA", &meta), INBOX_ENOTFOUND);
	ck_assert_int_eq(inbox_lookup(ib, "nonsense", &meta), INBOX_EARG);
	inbox_entry_clear(&e);
	ck_assert_int_eq(inbox_get(ib, "AAAA-AAAA-AAAA", &e), INBOX_ENOTFOUND);
	ck_assert_int_eq(inbox_exists(ib, ref), INBOX_OK);
	ck_assert_int_eq(inbox_exists(ib, "AAAA-AAAA-AAAA"), INBOX_ENOTFOUND);
	/* the file is still the one open: kept, not opened again */
	same = ib;
	ck_assert_int_eq(inbox_keep_open(&same, db, 0, 0), INBOX_OK);
	ck_assert_ptr_eq(same, ib);
	ck_assert_int_eq(inbox_get(ib, "nonsense", &e), INBOX_EARG);
	inbox_close(ib);
}
END_TEST

/* The file holds no plaintext of what was sent. */
START_TEST(no_plaintext_on_disk)
{
	char ref[INBOX_REF_LEN + 1], *cmd;
	inbox *ib;
	int rc;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref), INBOX_OK);
	inbox_close(ib);
	cmd = malloc(strlen(dir) * 2 + 128);
	sprintf(cmd, "cat '%s'/inbox.sqlite* | grep -a -q -e 'Testnamn' -e '200812122398' -e '0812122398'", dir);
	rc = system(cmd);
	free(cmd);
	ck_assert_int_ne(WEXITSTATUS(rc), 0);   /* grep found nothing */
}
END_TEST

static int count_entry(const struct inbox_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

/* Several processes append at once; every write lands. */
START_TEST(concurrent_writers)
{
	enum { PROCS = 6, EACH = 40 };
	char ref[INBOX_REF_LEN + 1];
	inbox *ib;
	int p, status, count = 0;
	pid_t pids[PROCS];

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	inbox_close(ib);
	for (p = 0; p < PROCS; p++) {
		if ((pids[p] = fork()) == 0) {
			int i, bad = 0;

			if (inbox_open(db, INBOX_CREATE, 0, &ib) != INBOX_OK)
				_exit(2);
			for (i = 0; i < EACH; i++)
				bad |= inbox_append(ib, &ks, "sysselsattning", record,
				    strlen(record), ref) != INBOX_OK;
			inbox_close(ib);
			_exit(bad);
		}
	}
	for (p = 0; p < PROCS; p++) {
		ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	ck_assert_int_eq(inbox_open(db, 0, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_list(ib, count_entry, &count), INBOX_OK);
	ck_assert_int_eq(count, PROCS * EACH);
	inbox_close(ib);
}
END_TEST

/* A lock held longer than the busy timeout gives INBOX_EBUSY, quickly. */
START_TEST(busy_gives_up)
{
	char ref[INBOX_REF_LEN + 1];
	sqlite3 *other;
	inbox *ib;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 100, &ib), INBOX_OK);
	ck_assert_int_eq(sqlite3_open(db, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref), INBOX_EBUSY);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	/* and works again once the lock is gone */
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref), INBOX_OK);
	inbox_close(ib);
}
END_TEST

START_TEST(schema_checks)
{
	sqlite3 *raw;
	inbox *ib;
	char *other = testdir_path(dir, "other.sqlite");

	ck_assert_int_eq(inbox_open(db, 0, 0, &ib), INBOX_EOPEN);   /* no CREATE */
	ck_assert_int_eq(sqlite3_open(other, &raw), SQLITE_OK);
	sqlite3_exec(raw, "PRAGMA user_version = 7", NULL, NULL, NULL);
	sqlite3_close(raw);
	ck_assert_int_eq(inbox_open(other, INBOX_CREATE, 0, &ib), INBOX_ESCHEMA);
	/* someone else's database is never turned into an inbox */
	ck_assert_int_eq(sqlite3_open(other, &raw), SQLITE_OK);
	sqlite3_exec(raw, "PRAGMA user_version = 0; CREATE TABLE theirs(x)", NULL, NULL, NULL);
	sqlite3_close(raw);
	ck_assert_int_eq(inbox_open(other, INBOX_CREATE, 0, &ib), INBOX_ESCHEMA);
	free(other);
}
END_TEST

/* A file in the first schema, as the program before several coordinators
 * wrote it: one row sealed with crypto_box_seal to key 0. */
static void make_v1(const char *path, char ref[INBOX_REF_LEN + 1])
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	unsigned char *ct;
	size_t ctlen;

	strcpy(ref, "V1V1-0000-0001");
	ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "PRAGMA journal_mode=WAL;"
	    "CREATE TABLE submission (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE,"
	    " kind TEXT NOT NULL, received TEXT NOT NULL, key_id TEXT NOT NULL,"
	    " sealed BLOB NOT NULL, acked TEXT);"
	    "PRAGMA user_version = 1; PRAGMA application_id = 1262567729;",
	    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(key_seal(&ks.k[0], (const unsigned char *)record,
	    strlen(record), &ct, &ctlen), KEY_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(raw, "INSERT INTO submission"
	    "(ref, kind, received, key_id, sealed) VALUES (?, 'sysselsattning',"
	    " '2026-11-24T12:00:00Z', ?, ?)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ks.k[0].id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, ct, (int)ctlen, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	free(ct);
}

static int raw_int(const char *path, const char *sql)
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	int v;

	ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	return v;
}

/* Checks the old row in ib: format 1, opens with key 0 only. */
static void old_row_opens(inbox *ib, const char *ref)
{
	struct inbox_entry e;
	char *m;
	size_t mlen;

	ck_assert_int_eq(inbox_get(ib, ref, &e), INBOX_OK);
	ck_assert_int_eq(e.format, INBOX_FORMAT_SEALED);
	ck_assert_str_eq(e.key_id, ks.k[0].id);
	ck_assert_str_eq(e.received, "2026-11-24T12:00:00Z");
	opens(&e, sk[0]);
	ck_assert_int_eq(inbox_entry_open(&e, sk[1], &m, &mlen), KEY_ENOTFORME);
	inbox_entry_clear(&e);
}

/* Read-only, an old file is read as it is and left as it is. */
START_TEST(v1_read_only)
{
	char ref[INBOX_REF_LEN + 1], ref2[INBOX_REF_LEN + 1];
	struct inbox_entry meta;
	inbox *ib;
	int count = 0;

	make_v1(db, ref);
	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	old_row_opens(ib, ref);
	ck_assert_int_eq(inbox_lookup(ib, ref, &meta), INBOX_OK);
	ck_assert_int_eq(meta.format, INBOX_FORMAT_SEALED);
	ck_assert_int_eq(inbox_list(ib, count_entry, &count), INBOX_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_ne(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref2), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(raw_int(db, "PRAGMA user_version"), 1);
}
END_TEST

/* Opened for writing, an old file is migrated; its rows still open and new
 * rows are envelopes. */
START_TEST(v1_migrated)
{
	char ref[INBOX_REF_LEN + 1], ref2[INBOX_REF_LEN + 1];
	struct inbox_entry e;
	inbox *ib;
	int count = 0;
	size_t i;

	make_v1(db, ref);
	ck_assert_int_eq(inbox_open(db, 0, 0, &ib), INBOX_OK);
	ck_assert_int_eq(raw_int(db, "PRAGMA user_version"), INBOX_SCHEMA_VERSION);
	old_row_opens(ib, ref);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref2), INBOX_OK);
	inbox_close(ib);
	/* and again, read-only, as kaa-inbox opens it */
	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	old_row_opens(ib, ref);
	ck_assert_int_eq(inbox_get(ib, ref2, &e), INBOX_OK);
	ck_assert_int_eq(e.format, INBOX_FORMAT_ENVELOPE);
	for (i = 0; i < NKEYS; i++)
		opens(&e, sk[i]);
	inbox_entry_clear(&e);
	ck_assert_int_eq(inbox_list(ib, count_entry, &count), INBOX_OK);
	ck_assert_int_eq(count, 2);
	inbox_close(ib);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM submission WHERE format = 1"), 1);
}
END_TEST

/* A file from a newer program is refused in every mode and left alone. */
/* A newer version, and a negative one (the header's field is signed: -1
 * once indexed the column table out of bounds; found by fuzzing). */
static const int bad_versions[] = { 3, -1, -2147483647 };

START_TEST(newer_refused)
{
	static const int modes[] = { 0, INBOX_CREATE, INBOX_READONLY };
	char sql[64];
	sqlite3 *raw;
	inbox *ib;
	size_t i;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", bad_versions[_i]);
	ck_assert_int_eq(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		ck_assert_int_eq(inbox_open(db, modes[i], 0, &ib), INBOX_ESCHEMA);
		ck_assert_ptr_null(ib);
	}
	ck_assert_int_eq(raw_int(db, "PRAGMA user_version"), bad_versions[_i]);
}
END_TEST

/* Changes to a row's metadata or ciphertext by someone with the file: the
 * row no longer opens (want), for any key. Row 1 is changed; row 2 is
 * another submission. */
static const struct {
	const char *sql;
	int         want;
} changed[] = {
	{ "UPDATE submission SET sealed = (SELECT sealed FROM submission WHERE id = 2)"
	  " WHERE id = 1", KEY_ECRYPTO },
	{ "UPDATE submission SET kind = 'skolanmalan' WHERE id = 1", KEY_ECRYPTO },
	{ "UPDATE submission SET received = '2020-01-01T00:00:00Z' WHERE id = 1", KEY_ECRYPTO },
	{ "UPDATE submission SET ref = 'AAAA-AAAA-AAAA' WHERE id = 1", KEY_ECRYPTO },
	/* the two rows' ciphertexts swapped */
	{ "CREATE TEMP TABLE t AS SELECT id, sealed FROM submission;"
	  "UPDATE submission SET sealed = (SELECT sealed FROM t WHERE t.id = 3 - submission.id)",
	  KEY_ECRYPTO },
	/* the two rows' references swapped */
	{ "CREATE TEMP TABLE t AS SELECT id, ref FROM submission;"
	  "UPDATE submission SET ref = 'x' || id;"
	  "UPDATE submission SET ref = (SELECT ref FROM t WHERE t.id = 3 - submission.id)",
	  KEY_ECRYPTO },
	{ "UPDATE submission SET format = 1 WHERE id = 1", -1 },
	{ "UPDATE submission SET format = 7 WHERE id = 1", KEY_EFORMAT },
};

static int first_ref(const struct inbox_entry *e, void *arg)
{
	if (e->id == 1)
		strcpy(arg, e->ref);
	return 0;
}

START_TEST(metadata_bound)
{
	char ref[INBOX_REF_LEN + 1], *m;
	struct inbox_entry e;
	sqlite3 *raw;
	inbox *ib;
	size_t mlen, i;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record, strlen(record), ref), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record, strlen(record), ref), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, changed[_i].sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	ref[0] = '\0';
	ck_assert_int_eq(inbox_list(ib, first_ref, ref), INBOX_OK);
	ck_assert_int_eq(inbox_get(ib, ref, &e), INBOX_OK);
	for (i = 0; i < NKEYS; i++) {
		int rc = inbox_entry_open(&e, sk[i], &m, &mlen);

		if (changed[_i].want < 0)
			ck_assert_int_ne(rc, KEY_OK);
		else
			ck_assert_int_eq(rc, changed[_i].want);
		ck_assert_ptr_null(m);
	}
	inbox_entry_clear(&e);
	inbox_close(ib);
}
END_TEST

/* A hostile web host changes the file's structure: every mode refuses it
 * with INBOX_EALTERED before reading a row (a view that never ends must
 * not hang the reader). */
static const char *const altered[] = {
	/* a view in place of the table, counting for ever */
	"ALTER TABLE submission RENAME TO real;"
	"CREATE VIEW submission AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
	" SELECT i + 1 FROM n) SELECT i AS id, 'AAAA-AAAA-AAAA' AS ref, 'x' AS kind,"
	" 'x' AS received, 'x' AS key_id, x'00' AS sealed, NULL AS acked,"
	" 2 AS format FROM n",
	"CREATE TRIGGER t AFTER INSERT ON submission BEGIN"
	" DELETE FROM submission; END",
	"CREATE VIEW elsewhere AS SELECT 1",
	"ALTER TABLE submission ADD COLUMN extra TEXT",
	"ALTER TABLE submission DROP COLUMN acked",
	"ALTER TABLE submission RENAME COLUMN kind TO sort",
	"ALTER TABLE submission ADD COLUMN g TEXT GENERATED ALWAYS AS (kind) VIRTUAL",
	/* the right names, a wrong type */
	"DROP TABLE submission; CREATE TABLE submission (id INTEGER PRIMARY KEY,"
	" ref TEXT, kind TEXT, received TEXT, key_id TEXT, sealed TEXT, acked TEXT,"
	" format INTEGER)",
	/* a virtual table of the same name and columns */
	"DROP TABLE submission; CREATE VIRTUAL TABLE submission USING fts5(id, ref,"
	" kind, received, key_id, sealed, acked, format)",
	"DROP TABLE submission",
};

START_TEST(altered_refused)
{
	static const int modes[] = { 0, INBOX_READONLY };
	sqlite3 *raw;
	inbox *ib;
	size_t i;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, altered[_i], NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		ck_assert_int_eq(inbox_open(db, modes[i], 0, &ib), INBOX_EALTERED);
		ck_assert_ptr_null(ib);
	}
	ck_assert_str_eq(inbox_strerror(INBOX_EALTERED), "the inbox file's structure "
	    "was altered (a view, a trigger or other columns than an inbox has): it is not read");
}
END_TEST

/* A value larger than any submission: refused, not read into memory. */
START_TEST(huge_row_refused)
{
	char ref[INBOX_REF_LEN + 1];
	struct inbox_entry e;
	sqlite3 *raw;
	inbox *ib;
	int count = 0;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "INSERT INTO submission"
	    "(ref, kind, received, key_id, sealed, format) VALUES ('AAAA-AAAA-AAAA',"
	    " 'sysselsattning', '2026-11-24T12:00:00Z', 'x', zeroblob(3000000), 2)",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_get(ib, "AAAA-AAAA-AAAA", &e), INBOX_ETOOBIG);
	ck_assert_ptr_null(e.sealed);
	/* the list reads no ciphertext; the row kaa-fcgi wrote still opens */
	ck_assert_int_eq(inbox_list(ib, count_entry, &count), INBOX_OK);
	ck_assert_int_eq(count, 2);
	ck_assert_int_eq(inbox_get(ib, ref, &e), INBOX_OK);
	opens(&e, sk[0]);
	inbox_entry_clear(&e);
	inbox_close(ib);
	/* a huge kind stops the list */
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "UPDATE submission SET kind ="
	    " printf('%.*c', 3000000, 'x') WHERE ref = 'AAAA-AAAA-AAAA'",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_list(ib, count_entry, &count), INBOX_ETOOBIG);
	inbox_close(ib);
}
END_TEST

static const struct { const char *in, *out; } refs[] = {
	{ "ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN" },
	{ "abcdefghjkmn", "ABCD-EFGH-JKMN" },
	{ " abcd efgh jkmn ", "ABCD-EFGH-JKMN" },
	{ "OOOO-IIII-LLLL", "0000-1111-1111" },
	{ "ABCD-EFGH-JKM", NULL },
	{ "ABCD-EFGH-JKMNP", NULL },
	{ "ABCD-EFGH-JKMU", NULL },          /* U is not in Crockford's set */
	{ "", NULL },
	{ "<script>", NULL },
};

START_TEST(ref_parse)
{
	char out[INBOX_REF_LEN + 1];
	int rc = inbox_ref_parse(refs[_i].in, out);

	if (refs[_i].out == NULL)
		ck_assert_int_eq(rc, -1);
	else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, refs[_i].out);
	}
}
END_TEST

/* One commit for many rows: a taken reference fails that row only; the
 * others are stored and open. */
START_TEST(insert_batch)
{
	struct inbox_row row[3];
	const struct inbox_row *rows[3] = { &row[0], &row[1], &row[2] };
	struct inbox_entry e;
	char ref[INBOX_REF_LEN + 1];
	int rc[3];
	size_t i;
	inbox *ib;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
	    strlen(record), ref), INBOX_OK);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(inbox_seal(&ks, "sysselsattning", record,
		    strlen(record), &row[i]), INBOX_OK);
	/* the middle one's reference is taken: re-seal it under that
	 * reference, as a collision would come */
	memcpy(row[1].ref, ref, sizeof(row[1].ref));
	ck_assert_int_eq(inbox_insert(ib, rows, 3, rc), INBOX_OK);
	ck_assert_int_eq(rc[0], INBOX_OK);
	ck_assert_int_eq(rc[1], INBOX_ETAKEN);
	ck_assert_int_eq(rc[2], INBOX_OK);
	for (i = 0; i < 3; i += 2) {
		ck_assert_int_eq(inbox_get(ib, row[i].ref, &e), INBOX_OK);
		opens(&e, sk[i]);
		inbox_entry_clear(&e);
	}
	for (i = 0; i < 3; i++)
		inbox_row_clear(&row[i]);
	inbox_close(ib);
}
END_TEST

/* A commit that fails half-way (here the file may not grow: writes fail as
 * on a full disk) stores none of its batch, and the file is whole. */
START_TEST(insert_batch_fails_whole)
{
	enum { N = 6 };
	static char big[64 << 10];
	struct inbox_row row[N];
	const struct inbox_row *rows[N];
	struct rlimit small;
	struct stat st;
	int rc[N], status;
	size_t i;
	pid_t pid;
	inbox *ib;

	memset(big, 'x', sizeof(big) - 1);
	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(stat(db, &st), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* in a child: the limit must not outlive the test */
		signal(SIGXFSZ, SIG_IGN);
		small.rlim_cur = small.rlim_max = (rlim_t)st.st_size + (64 << 10);
		int failed = 1;

		if (inbox_open(db, 0, 0, &ib) != INBOX_OK)
			_exit(2);
		for (i = 0; i < N; i++) {
			if (inbox_seal(&ks, "sysselsattning", big, strlen(big), &row[i]) != INBOX_OK)
				_exit(3);
			rows[i] = &row[i];
		}
		setrlimit(RLIMIT_FSIZE, &small);
		failed = inbox_insert(ib, rows, N, rc) != INBOX_OK;
		/* freed: valgrind checks the child's leaks too */
		for (i = 0; i < N; i++)
			inbox_row_clear(&row[i]);
		inbox_close(ib);
		_exit(failed ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(raw_int(db, "SELECT count(*) FROM submission"), 0);
	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	inbox_close(ib);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("inbox");
	TCase *tc = tcase_create("inbox");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, append_and_read_back);
	tcase_add_test(tc, no_plaintext_on_disk);
	tcase_add_test(tc, concurrent_writers);
	tcase_add_test(tc, busy_gives_up);
	tcase_add_test(tc, schema_checks);
	tcase_add_test(tc, v1_read_only);
	tcase_add_test(tc, v1_migrated);
	tcase_add_loop_test(tc, newer_refused, 0,
	    sizeof(bad_versions) / sizeof(bad_versions[0]));
	tcase_add_loop_test(tc, metadata_bound, 0, sizeof(changed) / sizeof(changed[0]));
	tcase_add_loop_test(tc, ref_parse, 0, sizeof(refs) / sizeof(refs[0]));
	tcase_add_loop_test(tc, altered_refused, 0, sizeof(altered) / sizeof(altered[0]));
	tcase_add_test(tc, huge_row_refused);
	tcase_add_test(tc, insert_batch);
	tcase_add_test(tc, insert_batch_fails_whole);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
