/* fuzz_archive.c — a hostile archive file (lib/archive.c), as kaa-inbox
 * list, show and export read one: opened read-only, every record walked
 * with its sealed data (with and without a filter), each got by its
 * reference (from any municipality and from its own) and opened with the
 * fuzz key (key_target.h). The bytes are written to a private scratch
 * file (0600, in a 0700 directory, as archive_open requires); the seed is
 * an archive `kaa-inbox pull` made.
 *
 * Checked, beyond the sanitizers: a read-only open never changes the file;
 * records walked have NUL-terminated strings and a status with a name. */
#include <stdint.h>

#include "archive.h"
#include "key_target.h"

#define MAX_ROWS 16

struct rows {
	char   ref[MAX_ROWS][INBOX_REF_LEN + 1];
	char   municipality[MAX_ROWS][ARCHIVE_MUNICIPALITY_LEN + 1];
	size_t n;
};

static int one(const struct archive_record *a, void *arg)
{
	struct rows *r = arg;

	FUZZ_CHECK(memchr(a->entry.ref, '\0', sizeof(a->entry.ref)) != NULL &&
	    memchr(a->entry.kind, '\0', sizeof(a->entry.kind)) != NULL &&
	    memchr(a->municipality, '\0', sizeof(a->municipality)) != NULL &&
	    memchr(a->status_by, '\0', sizeof(a->status_by)) != NULL,
	    "strings end");
	/* A status outside 0..2 (a file changed behind kaa-inbox's back: the
	 * CHECK constraint stops its own writes) is passed on as it is;
	 * every reader names it through archive_status_name, which says "?". */
	FUZZ_CHECK(archive_status_name(a->status) != NULL, "a status name");
	if (a->entry.sealed != NULL)
		fuzz_open_entry(&a->entry);
	memcpy(r->ref[r->n], a->entry.ref, sizeof(r->ref[0]));
	memcpy(r->municipality[r->n], a->municipality, sizeof(r->municipality[0]));
	return ++r->n == MAX_ROWS;
}

static void read_records(archive *a)
{
	struct archive_filter f = { "sysselsattning", "exempelkommun",
	    "2026-01-01", "2026-12-31", ARCHIVE_NEW };
	struct archive_record rec;
	struct rows r = { .n = 0 }, filtered = { .n = 0 };
	size_t i;

	(void)archive_each(a, NULL, ARCHIVE_WITH_SEALED, one, &r);
	(void)archive_each(a, &f, 0, one, &filtered);
	for (i = 0; i < r.n; i++) {
		if (archive_get(a, NULL, r.ref[i], &rec) == ARCHIVE_OK) {
			fuzz_open_entry(&rec.entry);
			archive_record_clear(&rec);
		}
		if (archive_get(a, r.municipality[i], r.ref[i], &rec) == ARCHIVE_OK)
			archive_record_clear(&rec);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300];
	archive *a;
	int rc;

	fuzz_write_file("x.archive", data, size, path);
	rc = archive_open(path, ARCHIVE_READONLY, &a);
	FUZZ_CHECK(archive_strerror(rc) != NULL, "archive_strerror");
	if (rc == ARCHIVE_OK) {
		read_records(a);
		archive_close(a);
	}
	fuzz_check_unchanged(path, data, size);
	fuzz_remove_db(path);
	return 0;
}
