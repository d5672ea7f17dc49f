/* check_inbox.c — the sealed SQLite inbox. */
#include <check.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inbox.h"
#include "testutil.h"

static struct key_secret *sk;
static struct key_public pk;
static char *dir, *db;

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(key_generate(&sk), KEY_OK);
	key_public_of(sk, &pk);
	dir = testdir_make();
	db = testdir_path(dir, "inbox.sqlite");
}

static void teardown(void)
{
	key_secret_free(sk);
	free(db);
	testdir_remove(dir);
}

static const char record[] =
	"{\"namn\":\"Unikt Testnamn\",\"personnummer\":\"200812122398\"}";

START_TEST(append_and_read_back)
{
	char ref[INBOX_REF_LEN + 1], lower[INBOX_REF_LEN + 1], *m;
	struct inbox_entry e;
	inbox *ib;
	size_t mlen, i;

	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &pk, "sysselsattning", record,
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
	ck_assert_str_eq(e.key_id, pk.id);
	ck_assert_int_eq(strlen(e.received), 20);
	ck_assert_int_eq(key_open(sk, e.sealed, e.sealed_len, &m, &mlen), KEY_OK);
	ck_assert_str_eq(m, record);
	key_plain_free(m);
	inbox_entry_clear(&e);
	ck_assert_int_eq(inbox_get(ib, "AAAA-AAAA-AAAA", &e), INBOX_ENOTFOUND);
	ck_assert_int_eq(inbox_exists(ib, ref), INBOX_OK);
	ck_assert_int_eq(inbox_exists(ib, "AAAA-AAAA-AAAA"), INBOX_ENOTFOUND);
	ck_assert_int_eq(inbox_is_current(ib), 1);
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
	ck_assert_int_eq(inbox_append(ib, &pk, "sysselsattning", record,
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
				bad |= inbox_append(ib, &pk, "sysselsattning", record,
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
	ck_assert_int_eq(inbox_append(ib, &pk, "sysselsattning", record,
	    strlen(record), ref), INBOX_EBUSY);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	/* and works again once the lock is gone */
	ck_assert_int_eq(inbox_append(ib, &pk, "sysselsattning", record,
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
	tcase_add_loop_test(tc, ref_parse, 0, sizeof(refs) / sizeof(refs[0]));
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
