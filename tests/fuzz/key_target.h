/* key_target.h — the fuzz key, for the targets that open sealed data.
 *
 * keys/fuzz.secret is a key made for these tests alone with `kaa-inbox
 * keygen --kdf interactive` (passphrase below): it sealed the seed inbox,
 * archive, stream and envelopes, so that mutations of them reach the
 * opening code, not only the parsing before it. FUZZ_DIR (set by run.sh)
 * is tests/fuzz. */
#include <sodium.h>

#include "common.h"
#include "key.h"

#define FUZZ_PASSPHRASE "fuzz-only-key"

static struct key_secret *fuzz_sk;

static void fuzz_free_key(void)
{
	key_secret_free(fuzz_sk);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(sodium_init() >= 0, "sodium_init");
	FUZZ_CHECK(key_secret_load(FUZZ_DIR "/keys/fuzz.secret", FUZZ_PASSPHRASE,
	    strlen(FUZZ_PASSPHRASE), &fuzz_sk) == KEY_OK, "the fuzz key loads");
	atexit(fuzz_free_key);
	return 0;
}

/* Opens e with the fuzz key; the plaintext, if any, is checked as key.h
 * promises it (NUL-terminated, nothing but zeros past its length in a
 * reused buffer) and dropped. */
static void fuzz_open_entry(const struct inbox_entry *e)
{
	static struct key_plain_buf b;
	char *m;
	size_t mlen, i;
	int rc = inbox_entry_open(e, fuzz_sk, &m, &mlen);

	FUZZ_CHECK(key_strerror(rc) != NULL, "key_strerror");
	if (rc == KEY_OK) {
		FUZZ_CHECK(m[mlen] == '\0', "plaintext ends in NUL");
		key_plain_free(m);
	}
	if (inbox_entry_open_buf(e, fuzz_sk, &b) == KEY_OK) {
		FUZZ_CHECK(rc == KEY_OK && b.len == mlen && b.len < b.cap,
		    "both ways of opening agree");
		for (i = b.len; i < b.cap; i++)
			FUZZ_CHECK(b.p[i] == '\0', "nothing past the plaintext");
	} else
		FUZZ_CHECK(rc != KEY_OK, "both ways of opening agree");
}
