/* testutil.h — helpers shared by the unit tests (header-only): a fresh
 * temporary directory per test, and running a suite. */
#ifndef KAA_TESTUTIL_H
#define KAA_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *testdir_make(void)
{
	char tmpl[] = "/tmp/kaa-unit.XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static inline void testdir_remove(char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

/* dir + "/" + name, malloc'd: the caller frees it. */
static inline char *testdir_path(const char *dir, const char *name)
{
	size_t n;
	char *p;

	if (dir == NULL || name == NULL)
		abort();
	n = strlen(dir) + strlen(name) + 2;
	if ((p = malloc(n)) == NULL)
		abort();
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Runs the suite (forked, as Check does by default) and gives main's exit
 * status: 0 only if every test passed. */
static inline int testutil_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);   /* CK_VERBOSITY, default normal */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

#endif
