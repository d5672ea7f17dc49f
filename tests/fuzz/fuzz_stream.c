/* fuzz_stream.c — the sealed stream kaa-inbox pull reads from the web host
 * (cli/stream.c: what `kaa-inbox export-sealed` wrote there, or whatever a
 * compromised host sends instead).
 *
 * Checked, beyond the sanitizers, what cli.h promises pull: a row handed
 * on has exactly the form kaa-fcgi writes (reference, kind, time, key ids,
 * format) and sealed data of a size a record can have; a bad row says
 * why; the stream ends in one of the documented ways, and END only with
 * the right count and nothing after it. */
#define _GNU_SOURCE   /* fmemopen */
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "cli_out.h"
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli_stream s;
	struct inbox_entry e;
	const char *why;
	long rows = 0;
	FILE *in;
	int item;

	if (size == 0 || (in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	cli_stream_init(&s, in);
	do {
		item = cli_stream_next(&s, &e, &why);
		FUZZ_CHECK(item >= CLI_STREAM_ROW && item <= CLI_STREAM_ENOMEM,
		    "a known item");
		if (item == CLI_STREAM_ROW) {
			FUZZ_CHECK(cli_valid_ref(e.ref) && cli_valid_kind(e.kind) &&
			    cli_valid_time(e.received) && cli_valid_key_ids(e.key_id),
			    "a row's metadata has kaa-fcgi's form");
			FUZZ_CHECK((e.format == INBOX_FORMAT_SEALED ||
			    e.format == INBOX_FORMAT_ENVELOPE) && e.sealed != NULL &&
			    e.sealed_len > 0 && e.sealed_len <= INBOX_ROW_MAX,
			    "a row's sealed data");
			inbox_entry_clear(&e);
		} else if (item == CLI_STREAM_BAD)
			FUZZ_CHECK(why != NULL && e.sealed == NULL, "a bad row says why");
		if (item == CLI_STREAM_ROW || item == CLI_STREAM_BAD)
			rows++;
		FUZZ_CHECK(s.rows == rows, "rows counted");
	} while (item == CLI_STREAM_ROW || item == CLI_STREAM_BAD);
	if (item == CLI_STREAM_END)
		FUZZ_CHECK(size >= 6 && memcmp(data + size - 1, "\n", 1) == 0 &&
		    memcmp(data, "KAA-SEALED 1\n", 13) == 0, "END only at the end");
	cli_stream_free(&s);
	fclose(in);
	return 0;
}
