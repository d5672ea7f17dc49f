/* testdir.h — a fresh temporary directory per test (removed by the caller
 * with testdir_remove). Header-only: shared by the unit tests. */
#ifndef KAA_TESTDIR_H
#define KAA_TESTDIR_H

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

/* dir + "/" + name, in a static buffer per call site's copy. */
static inline char *testdir_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

#endif
