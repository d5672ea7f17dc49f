/* common.h — what the fuzz targets share: a private scratch file for the
 * readers that take a path, and checks of what is printed for a person.
 * Each target is one translation unit that includes this once. A failed
 * check abort()s, which libFuzzer reports as a crash with the input. */
#ifndef KAA_FUZZ_COMMON_H
#define KAA_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utf8.h"

/* Fails the run with what broke (the input is saved by libFuzzer). */
#define FUZZ_CHECK(cond, what) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, \
		    __FILE__, __LINE__); \
		abort(); \
	} \
} while (0)

/* A private directory (0700) for this process's scratch files, made once
 * in $TMPDIR (run.sh gives each target its own in the build directory and
 * removes it after: libFuzzer does not always run atexit handlers). */
static char fuzz_dir[256];

static inline void fuzz_rmdir(void)
{
	if (fuzz_dir[0] != '\0')
		rmdir(fuzz_dir);
}

static inline const char *fuzz_scratch_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/kaa-fuzz.XXXXXX",
	    tmp != NULL && strlen(tmp) < 200 ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(fuzz_dir) != NULL, "mkdtemp");
	atexit(fuzz_rmdir);
	return fuzz_dir;
}

/* Writes data to dir/name (mode 0600, replacing it); the path is in
 * path[300]. */
static inline void fuzz_write_file(const char *name, const uint8_t *data,
    size_t size, char path[300])
{
	FILE *f;

	snprintf(path, 300, "%s/%s", fuzz_scratch_dir(), name);
	unlink(path);
	f = fopen(path, "wbx");
	FUZZ_CHECK(f != NULL, "scratch file");
	FUZZ_CHECK(fchmod(fileno(f), 0600) == 0, "chmod scratch file");
	FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size, "write scratch");
	FUZZ_CHECK(fclose(f) == 0, "close scratch");
}

/* Removes dir/name and SQLite's companions (-wal, -shm, -journal). */
/* The file at path still holds exactly data (size bytes): what a read-only
 * open must leave behind. */
static inline void fuzz_check_unchanged(const char *path, const uint8_t *data,
    size_t size)
{
	uint8_t *after = malloc(size + 1);
	FILE *f;
	size_t n;

	FUZZ_CHECK(after != NULL && (f = fopen(path, "rb")) != NULL, "read back");
	n = fread(after, 1, size + 1, f);
	fclose(f);
	FUZZ_CHECK(n == size && (size == 0 || memcmp(after, data, size) == 0),
	    "a read-only open leaves the file as it was");
	free(after);
}

static inline void fuzz_remove_db(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char p[320];
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

/* The length of the control character (utf8.h's set) that starts s, or 0:
 * form_control_at's rule, from the one shared set. */
static inline size_t fuzz_control_at(const char *s)
{
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)s, strnlen(s, 4), &cp);

	return n > 0 && cp != 0 && utf8_is_control(cp) ? n : 0;
}

/* What kaa-inbox prints for a person (cli_out.h) must be harmless on a
 * terminal: valid UTF-8, and no control character (C0 but newline —
 * also CR when crlf, for CSV rows —, DEL, C1) and no bidi override or
 * isolate, whatever the record held. */
static inline void fuzz_check_clean(const char *s, size_t len, int crlf,
    const char *what)
{
	size_t i = 0, n;

	FUZZ_CHECK(strlen(s) == len, what);
	FUZZ_CHECK(utf8_valid(s, len), what);
	while (i < len) {
		n = fuzz_control_at(s + i);
		FUZZ_CHECK(n == 0 || s[i] == '\n' || (crlf && s[i] == '\r'), what);
		i += n > 0 ? n : 1;
	}
}

#endif
