/* check_confine.c — the seccomp filters of kaa-fcgi's workers and writer:
 * what they still may do, what they may not. Each test confines a forked
 * child (a filter cannot be removed). Skipped under valgrind, which cannot
 * run filtered code (tests/run-unit.sh sets KAA_VALGRIND). */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "confine.h"
#include "testutil.h"

/* Runs fn in a child confined to role; its wait status. */
static int in_child(enum confine_role role, int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(confine(role) != 0 ? 99 : fn());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static int skip(void)
{
	return getenv("KAA_VALGRIND") != NULL || !confine_enabled();
}

/* What a worker does: memory, files, its socket pair, time. */
static int allowed_work(void)
{
	char *p = malloc(1 << 20);
	int fd = open("/dev/null", 0);

	return p != NULL && fd >= 0 && usleep(1000) == 0 && getpid() > 0 &&
	    close(fd) == 0 ? 0 : 1;
}

/* A new network socket: refused with EPERM. */
static int new_socket(void)
{
	return socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM ? 0 : 1;
}

/* A new process: refused. */
static int new_process(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid < 0 && errno == EPERM ? 0 : 1;
}

/* Running a program ends the process (SIGSYS). */
static int run_program(void)
{
	char *const argv[] = { "/bin/true", NULL };

	execv("/bin/true", argv);
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int new_thread(void)
{
	static int mark;
	pthread_t t;
	void *r = NULL;

	return pthread_create(&t, NULL, thread_fn, &mark) == 0 &&
	    pthread_join(t, &r) == 0 && r == &mark ? 0 : 1;
}

START_TEST(worker_may_work)
{
	int st;

	if (skip())
		return;
	st = in_child(CONFINE_WORKER, allowed_work);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

START_TEST(no_new_sockets)
{
	int st;

	if (skip())
		return;
	st = in_child(CONFINE_WORKER, new_socket);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(CONFINE_WRITER, new_socket);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

START_TEST(no_new_processes)
{
	int st;

	if (skip())
		return;
	st = in_child(CONFINE_WORKER, new_process);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(CONFINE_WRITER, new_process);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

START_TEST(exec_kills)
{
	int st;

	if (skip())
		return;
	st = in_child(CONFINE_WORKER, run_program);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}
END_TEST

START_TEST(writer_threads)
{
	int st;

	if (skip())
		return;
	st = in_child(CONFINE_WRITER, new_thread);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* a worker has no threads */
	st = in_child(CONFINE_WORKER, new_thread);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
}
END_TEST

/* As kaa-fcgi's master does: the filters built once in the parent; a
 * child then only installs its own, and it holds as before. */
START_TEST(prepared_by_the_parent)
{
	int st;

	if (skip())
		return;
	ck_assert_int_eq(confine_prepare(), 0);
	ck_assert_int_eq(confine_prepare(), 0);    /* again: nothing to do */
	st = in_child(CONFINE_WORKER, allowed_work);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(CONFINE_WORKER, new_socket);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(CONFINE_WORKER, run_program);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(CONFINE_WRITER, new_thread);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(CONFINE_WRITER, new_process);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("confine");
	TCase *tc = tcase_create("confine");

	tcase_add_test(tc, worker_may_work);
	tcase_add_test(tc, no_new_sockets);
	tcase_add_test(tc, no_new_processes);
	tcase_add_test(tc, exec_kills);
	tcase_add_test(tc, writer_threads);
	tcase_add_test(tc, prepared_by_the_parent);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
