/* record_target.h — a decrypted record as kaa-inbox reads it, for
 * fuzz_show.c and fuzz_export.c.
 *
 * The input is the record's plaintext: what the web host sealed, which
 * may be anything if the web host is the attacker. The targets call the
 * command's own functions on it from the point where the record has been
 * opened (opening sealed data is fuzzed by fuzz_envelope.c, fuzz_inbox.c
 * and fuzz_archive.c; sealing each input here would spend nine tenths of
 * the time in X25519). What the command prints goes to memory (stdout and
 * stderr are swapped for the call) and is checked there: it must be
 * harmless on a terminal or in a spreadsheet. */
#define _GNU_SOURCE   /* open_memstream, memmem */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "form.h"
#include "inbox.h"
#include "key.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(sodium_init() >= 0, "sodium_init");
	form_json_wipe_on_free();   /* as kaa-inbox's main() does */
	return 0;
}

/* The kind of the row: the record's own "form" when it could be a kind
 * (the web host writes both, so a forger makes them agree), else the
 * youth form's. */
static void rec_kind(const uint8_t *data, size_t size, char kind[32])
{
	json_t *rec = json_loadb((const char *)data, size, 0, NULL);
	const char *form = json_string_value(json_object_get(rec, "form"));

	snprintf(kind, 32, "%s", form != NULL && strlen(form) < 32 &&
	    strlen(form) > 0 ? form : "sysselsattning");
	json_decref(rec);
}

/* e: the metadata of the row that held the record (kaa-fcgi's form). */
static void rec_entry(const uint8_t *data, size_t size, struct inbox_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = 1;
	snprintf(e->ref, sizeof(e->ref), "K7Q2-9MXA-3FTB");
	rec_kind(data, size, e->kind);
	snprintf(e->received, sizeof(e->received), "2026-11-24T12:00:00Z");
	snprintf(e->key_id, sizeof(e->key_id), "a7219422b353eca8");
	e->format = INBOX_FORMAT_ENVELOPE;
}

/* Output captured from a call: stdout and stderr go to memory. */
struct rec_capture {
	FILE  *saved_out, *saved_err;
	char  *out, *err;
	size_t out_len, err_len;
};

static void rec_capture_start(struct rec_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->saved_out = stdout;
	c->saved_err = stderr;
	stdout = open_memstream(&c->out, &c->out_len);
	stderr = open_memstream(&c->err, &c->err_len);
	FUZZ_CHECK(stdout != NULL && stderr != NULL, "open_memstream");
}

static void rec_capture_end(struct rec_capture *c)
{
	fclose(stdout);
	fclose(stderr);
	stdout = c->saved_out;
	stderr = c->saved_err;
}

static void rec_capture_free(struct rec_capture *c)
{
	free(c->out);
	free(c->err);
}

/* s (n bytes) is printable ASCII and line feeds only: what kaa-inbox's
 * JSON output promises (cli_json_put). */
static int rec_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '\n' && (s[i] < 0x20 || s[i] > 0x7e))
			return 0;
	return 1;
}
