/* fuzz_inbox.c — a hostile inbox file (lib/inbox.c), as kaa-inbox reads
 * one: opened read-only, every row listed, each got with its sealed data,
 * looked up, and opened with the fuzz key (key_target.h). The bytes are
 * written to a private scratch file first; the seeds are inboxes kaa-fcgi's
 * own inbox_append wrote.
 *
 * Checked, beyond the sanitizers: a read-only open never changes the file;
 * rows listed are got and looked up the same. */
#include <stdint.h>

#include "inbox.h"
#include "key_target.h"

#define MAX_ROWS 16

struct rows {
	char   ref[MAX_ROWS][INBOX_REF_LEN + 1];
	size_t n;
};

static int one(const struct inbox_entry *e, void *arg)
{
	struct rows *r = arg;

	FUZZ_CHECK(memchr(e->ref, '\0', sizeof(e->ref)) != NULL &&
	    memchr(e->kind, '\0', sizeof(e->kind)) != NULL &&
	    memchr(e->received, '\0', sizeof(e->received)) != NULL &&
	    memchr(e->key_id, '\0', sizeof(e->key_id)) != NULL, "strings end");
	FUZZ_CHECK(e->sealed == NULL, "a list has no sealed data");
	memcpy(r->ref[r->n], e->ref, sizeof(r->ref[0]));
	return ++r->n == MAX_ROWS;
}

static void read_rows(inbox *ib)
{
	struct inbox_entry e, meta;
	struct rows r = { .n = 0 };
	size_t i;
	int rc;

	(void)inbox_list(ib, one, &r);
	for (i = 0; i < r.n; i++) {
		rc = inbox_get(ib, r.ref[i], &e);
		FUZZ_CHECK(inbox_strerror(rc) != NULL, "inbox_strerror");
		if (rc == INBOX_OK) {
			FUZZ_CHECK(e.sealed_len <= INBOX_ROW_MAX, "no value over the limit");
			fuzz_open_entry(&e);
			inbox_entry_clear(&e);
		}
		if (inbox_lookup(ib, r.ref[i], &meta) == INBOX_OK)
			FUZZ_CHECK(meta.sealed == NULL, "a lookup has no sealed data");
		(void)inbox_exists(ib, r.ref[i]);
	}
	(void)inbox_exists(ib, "0000-0000-0000");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300];
	inbox *ib;

	fuzz_write_file("inbox.sqlite", data, size, path);
	if (inbox_open(path, INBOX_READONLY, 50, &ib) == INBOX_OK) {
		read_rows(ib);
		inbox_close(ib);
	}
	fuzz_check_unchanged(path, data, size);
	fuzz_remove_db(path);
	return 0;
}
