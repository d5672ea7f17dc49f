/* fuzz_fm.c — front matter (generator/fm.c) on any file, read both as a
 * page and as a letter template.
 *
 * Checked, beyond the sanitizers: on success the required values are
 * there and not empty, the body starts inside the file on a line after
 * the front matter, and the enums are in range; on error nothing is left
 * owned, the line is in the file and the key is a NUL-terminated string. */
#include <stdint.h>

#include "common.h"
#include "gen_fm.h"

static void check(enum fm_schema schema, const char *src, size_t size)
{
	struct fm f;
	struct fm_errinfo ei;
	size_t lines = 1, i;
	int rc;

	memset(&ei, 0x5a, sizeof(ei));
	rc = fm_parse_as(schema, src, size, &f, &ei);
	FUZZ_CHECK(fm_strerror(rc) != NULL, "fm_strerror");
	for (i = 0; i < size; i++)
		lines += src[i] == '\n';
	if (rc != FM_OK) {
		FUZZ_CHECK(f.title == NULL && f.description == NULL &&
		    f.kind == NULL && f.subject == NULL, "nothing owned on error");
		FUZZ_CHECK(memchr(ei.key, '\0', sizeof(ei.key)) != NULL, "key ends");
		FUZZ_CHECK(ei.line >= 0 && (size_t)ei.line <= lines + 1,
		    "the error's line is in the file");
		return;
	}
	FUZZ_CHECK(f.body_off <= size, "the body is in the file");
	FUZZ_CHECK(f.body_line >= 2 && (size_t)f.body_line <= lines + 1,
	    "the body's line");
	FUZZ_CHECK(f.lang >= 0 && f.lang < FM_LANG__MAX && fm_lang_name(f.lang),
	    "lang in range");
	FUZZ_CHECK(f.audience >= 0 && f.audience < FM_AUD__MAX &&
	    fm_audience_name(f.audience), "audience in range");
	if (schema == FM_PAGE)
		FUZZ_CHECK(f.title != NULL && f.title[0] != '\0' &&
		    f.description != NULL && f.description[0] != '\0',
		    "a page's title and description");
	else
		FUZZ_CHECK(f.kind != NULL && f.subject != NULL &&
		    f.recipient >= 0 && f.recipient < FM_RCPT__MAX,
		    "a letter's kind, subject and recipient");
	fm_free(&f);
	FUZZ_CHECK(f.title == NULL && f.kind == NULL, "fm_free empties");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(FM_PAGE, (const char *)data, size);
	check(FM_LETTER, (const char *)data, size);
	return 0;
}
