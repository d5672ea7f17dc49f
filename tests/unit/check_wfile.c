/* check_wfile.c — the safe writer (wfile.h): a file appears whole, with its
 * mode, or not at all, and never replaces another. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "wfile.h"
#include "testutil.h"

static char *dir, *path;

static void setup(void)
{
	dir = testdir_make();
	ck_assert_ptr_nonnull(dir);
	path = testdir_path(dir, "f");
}

static void teardown(void)
{
	free(path);
	testdir_remove(dir);
}

/* Names in dir besides "." and "..": nothing half-written lies about. */
static int entries(void)
{
	buf cmd = BUF_INIT;
	FILE *p;
	int n = -1;

	buf_printf(&cmd, "ls -A '%s' | wc -l", dir);
	if ((p = popen(cmd.data, "r")) != NULL) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	buf_free(&cmd);
	return n;
}

START_TEST(put_whole_with_mode)
{
	buf b = BUF_INIT;
	struct stat st;

	ck_assert_int_eq(wfile_put(path, 0600, "secret\n", 7), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(buf_read_file(&b, path), 0);
	ck_assert_str_eq(b.data, "secret\n");
	ck_assert_int_eq(entries(), 1);
	buf_free(&b);
}
END_TEST

START_TEST(never_replaces)
{
	buf b = BUF_INIT;
	struct wfile w;

	ck_assert_int_eq(wfile_put(path, 0600, "first", 5), 0);
	errno = 0;
	ck_assert_int_eq(wfile_put(path, 0600, "second", 6), -1);
	ck_assert_int_eq(errno, EEXIST);
	/* taken while the file was being written: still not replaced */
	unlink(path);
	ck_assert_int_eq(wfile_create(&w, path, 0600), 0);
	ck_assert_int_eq(wfile_write(&w, "late", 4), 0);
	ck_assert_int_eq(wfile_put(path, 0600, "first", 5), 0);
	errno = 0;
	ck_assert_int_eq(wfile_commit(&w), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(buf_read_file(&b, path), 0);
	ck_assert_str_eq(b.data, "first");
	ck_assert_int_eq(entries(), 1);
	buf_free(&b);
}
END_TEST

START_TEST(no_symlink_followed)
{
	char *target = testdir_path(dir, "target");

	ck_assert_int_eq(symlink(target, path), 0);
	errno = 0;
	ck_assert_int_eq(wfile_put(path, 0600, "x", 1), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_ne(access(target, F_OK), 0);
	free(target);
}
END_TEST

/* Written but not committed, aborted, or the writer killed: no file. */
START_TEST(unfinished_leaves_nothing)
{
	struct wfile w;
	pid_t pid;
	int status;

	ck_assert_int_eq(wfile_create(&w, path, 0600), 0);
	ck_assert_int_eq(wfile_write(&w, "half", 4), 0);
	ck_assert_int_ne(access(path, F_OK), 0);
	wfile_abort(&w);
	ck_assert_int_eq(entries(), 0);
	if ((pid = fork()) == 0) {
		if (wfile_create(&w, path, 0600) == 0 &&
		    wfile_write(&w, "half", 4) == 0)
			_exit(0);        /* dies before commit */
		_exit(1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(entries(), 0);
}
END_TEST

START_TEST(private_dir)
{
	char *d = testdir_path(dir, "d");
	struct stat st;

	ck_assert_int_eq(wfile_private_dir(d), 0);
	ck_assert_int_eq(stat(d, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(wfile_private_dir(d), 0);   /* ours, 0700: fine */
	ck_assert_int_eq(chmod(d, 0750), 0);
	errno = 0;
	ck_assert_int_eq(wfile_private_dir(d), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(wfile_put(path, 0600, "x", 1), 0);
	errno = 0;
	ck_assert_int_eq(wfile_private_dir(path), -1);   /* a file is there */
	ck_assert_int_eq(errno, ENOTDIR);
	free(d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wfile");
	TCase *tc = tcase_create("wfile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, put_whole_with_mode);
	tcase_add_test(tc, never_replaces);
	tcase_add_test(tc, no_symlink_followed);
	tcase_add_test(tc, unfinished_leaves_nothing);
	tcase_add_test(tc, private_dir);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
