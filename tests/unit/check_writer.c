/* check_writer.c — group commit: the writer process and the workers' side. */
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inbox.h"
#include "testutil.h"
#include "writer.h"

/* how long a worker waits: long enough for valgrind; short where the
 * test is that the wait ends */
#define WAIT_MS 10000
#define SHORT_WAIT_MS 300

static struct key_secret *sk;
static struct key_set ks;
static char *dir, *db;
static struct wr_link link_;
static struct wr_target target;
static pid_t writer_pid;   /* a test's writer, ended in teardown if alive */

static const char record[] = "{\"namn\":\"Unikt Testnamn\"}";

static void setup(void)
{
	sigset_t stop;

	ck_assert_int_ge(sodium_init(), 0);
	memset(&ks, 0, sizeof(ks));
	ck_assert_int_eq(key_generate(&sk), KEY_OK);
	key_public_of(sk, &ks.k[0]);
	ks.n = 1;
	dir = testdir_make();
	db = testdir_path(dir, "inbox.sqlite");
	target = (struct wr_target){ db, 1000 };
	ck_assert_int_eq(wr_link_open(&link_, 2, WAIT_MS), 0);
	/* as in kaa-fcgi's master: the writer is born with them blocked */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, NULL);
}

static void teardown(void)
{
	if (writer_pid > 0) {
		kill(writer_pid, SIGKILL);
		waitpid(writer_pid, NULL, 0);
		writer_pid = 0;
	}
	wr_link_close(&link_);
	key_secret_free(sk);
	free(db);
	testdir_remove(dir);
}

static pid_t start_writer(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		wr_link_keep(&link_, -1);
		_exit(wr_serve(&link_, &target, 1));
	}
	writer_pid = pid;
	return pid;
}

/* SIGTERM: the writer stores what it has and ends with 0. */
static void stop_writer(pid_t pid)
{
	int status;

	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	writer_pid = 0;
}

/* As a worker does: hands row over and waits for its answer, at most the
 * link's wait; other answers (to questions given up on) are dropped. */
static int commit_row(int slot, const struct inbox_row *row)
{
	long long deadline = wr_now_ms() + link_.wait_ms;
	uint64_t token, got;
	struct pollfd p;
	int rc, left;

	link_.slot = slot;
	if ((rc = wr_send(&link_, 0, row, &token)) != INBOX_OK)
		return rc;
	p = (struct pollfd){ wr_fd(&link_), POLLIN, 0 };
	while ((left = (int)(deadline - wr_now_ms())) > 0 && poll(&p, 1, left) >= 0)
		while (wr_answer(&link_, &got, &rc))
			if (got == token)
				return rc;
	return INBOX_EBUSY;
}

/* Seals the record and has slot's writer store it. No ck_assert: it runs in
 * forked workers too (under CK_FORK=no a failed assertion there would run
 * the rest of the suite in the child). */
static int commit(int slot, char ref[INBOX_REF_LEN + 1])
{
	struct inbox_row row;
	int rc;

	if ((rc = inbox_seal(&ks, "sysselsattning", record, strlen(record),
	    &row)) != INBOX_OK)
		return rc;
	rc = commit_row(slot, &row);
	if (ref != NULL)
		memcpy(ref, row.ref, sizeof(row.ref));
	inbox_row_clear(&row);
	return rc;
}

static int count_one(const struct inbox_entry *e, void *arg)
{
	(void)e;
	++*(long long *)arg;
	return 0;
}

static long long count_rows(void)
{
	inbox *ib;
	long long n = 0;

	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_list(ib, count_one, &n), INBOX_OK);
	inbox_close(ib);
	return n;
}

/* The entry with this reference is there and opens as the record. */
static int stored(const char *ref)
{
	struct inbox_entry e;
	inbox *ib;
	char *m = NULL;
	size_t mlen;
	int ok;

	ck_assert_int_eq(inbox_open(db, INBOX_READONLY, 0, &ib), INBOX_OK);
	ok = inbox_get(ib, ref, &e) == INBOX_OK;
	if (ok) {
		ok = inbox_entry_open(&e, sk, &m, &mlen) == KEY_OK &&
		    mlen == strlen(record) && memcmp(m, record, mlen) == 0;
		key_plain_free(m);
		inbox_entry_clear(&e);
	}
	inbox_close(ib);
	return ok;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum { PER_WORKER = 40 };

/* Two workers at once, each on its slot: every row is answered OK only
 * once it is stored, and every one opens. */
START_TEST(workers_commit)
{
	char refs[2][PER_WORKER][INBOX_REF_LEN + 1];
	pid_t writer = start_writer(), w[2];
	int i, k, status, fds[2][2];

	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(pipe(fds[k]), 0);
		ck_assert_int_ge(w[k] = fork(), 0);
		if (w[k] == 0) {
			int bad = 0;

			for (i = 0; i < PER_WORKER; i++)
				bad |= commit(k, refs[k][i]) != INBOX_OK;
			bad |= write(fds[k][1], refs[k], sizeof(refs[k])) != sizeof(refs[k]);
			_exit(bad);
		}
		close(fds[k][1]);
	}
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(read(fds[k][0], refs[k], sizeof(refs[k])),
		    (ssize_t)sizeof(refs[k]));
		close(fds[k][0]);
		ck_assert_int_eq(waitpid(w[k], &status, 0), w[k]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* answered: stored already, before the writer stops */
	for (k = 0; k < 2; k++)
		for (i = 0; i < PER_WORKER; i++)
			ck_assert_msg(stored(refs[k][i]), "%s not stored", refs[k][i]);
	stop_writer(writer);
	ck_assert_int_eq(count_rows(), 2 * PER_WORKER);
}
END_TEST

/* A worker hands over several rows before any answer comes (it serves
 * other requests meanwhile): each answer names its row by token, and all
 * are stored. */
START_TEST(several_in_flight)
{
	struct inbox_row row[3];
	uint64_t token[3], got;
	struct pollfd p;
	int i, rc, answered = 0, seen[3] = { 0 };
	long long deadline;
	pid_t writer = start_writer();

	link_.slot = 0;
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(inbox_seal(&ks, "sysselsattning", record,
		    strlen(record), &row[i]), INBOX_OK);
		ck_assert_int_eq(wr_send(&link_, 0, &row[i], &token[i]), INBOX_OK);
	}
	ck_assert(token[0] != token[1] && token[1] != token[2]);
	p = (struct pollfd){ wr_fd(&link_), POLLIN, 0 };
	deadline = wr_now_ms() + WAIT_MS;
	while (answered < 3 && wr_now_ms() < deadline) {
		ck_assert_int_ge(poll(&p, 1, 1000), 0);
		while (wr_answer(&link_, &got, &rc))
			for (i = 0; i < 3; i++)
				if (got == token[i] && !seen[i]) {
					ck_assert_int_eq(rc, INBOX_OK);
					seen[i] = 1;
					answered++;
				}
	}
	ck_assert_int_eq(answered, 3);
	stop_writer(writer);
	for (i = 0; i < 3; i++) {
		ck_assert(stored(row[i].ref));
		inbox_row_clear(&row[i]);
	}
	ck_assert_int_eq(count_rows(), 3);
}
END_TEST

/* No writer: the worker's wait ends at its limit, never hangs. */
START_TEST(no_writer_busy)
{
	long long t0 = now_ms(), took;

	link_.wait_ms = SHORT_WAIT_MS;
	ck_assert_int_eq(commit(0, NULL), INBOX_EBUSY);
	took = now_ms() - t0;
	ck_assert_int_ge(took, SHORT_WAIT_MS - 5);
	ck_assert_int_lt(took, SHORT_WAIT_MS + 1000);
}
END_TEST

/* A row whose worker gave up (503) is not stored by a writer that starts
 * later, and its stale answer is not taken for the next row's. */
START_TEST(late_row_dropped)
{
	char late[INBOX_REF_LEN + 1], next[INBOX_REF_LEN + 1];
	pid_t writer;

	link_.wait_ms = SHORT_WAIT_MS;
	ck_assert_int_eq(commit(0, late), INBOX_EBUSY);
	link_.wait_ms = WAIT_MS;
	writer = start_writer();
	ck_assert_int_eq(commit(0, next), INBOX_OK);
	stop_writer(writer);
	ck_assert(stored(next));
	ck_assert(!stored(late));
	ck_assert_int_eq(count_rows(), 1);
}
END_TEST

/* A row under a reference that is taken comes back INBOX_ETAKEN. */
START_TEST(taken_reference)
{
	struct inbox_row row;
	char ref[INBOX_REF_LEN + 1];
	pid_t writer = start_writer();

	ck_assert_int_eq(commit(1, ref), INBOX_OK);
	ck_assert_int_eq(inbox_seal(&ks, "sysselsattning", record,
	    strlen(record), &row), INBOX_OK);
	memcpy(row.ref, ref, sizeof(row.ref));
	ck_assert_int_eq(commit_row(1, &row), INBOX_ETAKEN);
	inbox_row_clear(&row);
	stop_writer(writer);
	ck_assert_int_eq(count_rows(), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("writer");
	TCase *tc = tcase_create("writer");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, workers_commit);
	tcase_add_test(tc, no_writer_busy);
	tcase_add_test(tc, late_row_dropped);
	tcase_add_test(tc, several_in_flight);
	tcase_add_test(tc, taken_reference);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
