/* fuzz_envelope.c — a sealed record as kaa-inbox opens it (lib/inbox.c,
 * lib/key.c): the envelope (format 2, bound to its row's metadata) and
 * the older crypto_box_seal (format 1), from bytes the web host stored.
 *
 * The metadata is that of the first seed's row, so the seeds open and
 * their mutations reach every step: the header's recipient count, the
 * recipients, the nonce, the AEAD. Checked, beyond the sanitizers: both
 * ways of opening agree, and the plaintext is as key.h promises it. */
#include <stdint.h>

#include "inbox.h"
#include "key_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inbox_entry e = {
		.id = 1, .ref = "NM5A-JEP3-SVQK", .kind = "sysselsattning",
		.received = "2026-12-02T03:00:57Z", .key_id = "a7219422b353eca8",
		.format = INBOX_FORMAT_ENVELOPE,
		.sealed = (unsigned char *)data, .sealed_len = size,
	};

	fuzz_open_entry(&e);
	e.format = INBOX_FORMAT_SEALED;
	fuzz_open_entry(&e);
	e.format = 3;
	fuzz_open_entry(&e);
	return 0;
}
