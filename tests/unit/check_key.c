/* check_key.c — keypair files, passphrases and sealing. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "key.h"
#include "testutil.h"

static const char pass[] = "correct horse battery";

/* Makes a keypair in dir; returns the secret key, fills pk. */
static struct key_secret *make_pair(const char *dir, struct key_public *pk)
{
	struct key_secret *sk;
	char *sp = testdir_path(dir, "k.secret"), *pp = testdir_path(dir, "k.pub");

	ck_assert_int_eq(key_generate(&sk), KEY_OK);
	key_public_of(sk, pk);
	ck_assert_int_eq(key_secret_save(sp, sk, pass, strlen(pass), KEY_KDF_INTERACTIVE), KEY_OK);
	ck_assert_int_eq(key_public_save(pp, pk), KEY_OK);
	free(sp);
	free(pp);
	return sk;
}

START_TEST(roundtrip)
{
	char *dir = testdir_make(), *sp, *pp;
	struct key_public pk, pk2;
	struct key_secret *sk, *sk2;
	unsigned char *ct;
	char *m;
	size_t ctlen, mlen;
	struct stat st;

	ck_assert_int_eq(sodium_init() >= 0, 1);
	sk = make_pair(dir, &pk);
	sp = testdir_path(dir, "k.secret");
	pp = testdir_path(dir, "k.pub");
	ck_assert_int_eq(stat(sp, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(key_public_load(pp, &pk2), KEY_OK);
	ck_assert_mem_eq(pk.pk, pk2.pk, sizeof(pk.pk));
	ck_assert_str_eq(pk.id, pk2.id);
	ck_assert_int_eq(strlen(pk.id), KEY_ID_HEX);
	ck_assert_int_eq(key_secret_load(sp, pass, strlen(pass), &sk2), KEY_OK);
	ck_assert_int_eq(key_seal(&pk2, (const unsigned char *)"hej å", 6, &ct, &ctlen), KEY_OK);
	ck_assert_int_eq(key_open(sk2, ct, ctlen, &m, &mlen), KEY_OK);
	ck_assert_uint_eq(mlen, 6);
	ck_assert_str_eq(m, "hej å");
	key_plain_free(m);
	ct[ctlen - 1] ^= 1;   /* tampered */
	ck_assert_int_eq(key_open(sk2, ct, ctlen, &m, &mlen), KEY_ECRYPTO);
	ck_assert_int_eq(key_open(sk2, ct, 10, &m, &mlen), KEY_ECRYPTO);
	free(ct);
	key_secret_free(sk);
	key_secret_free(sk2);
	free(sp);
	free(pp);
	testdir_remove(dir);
}
END_TEST

START_TEST(wrong_passphrase_and_overwrite)
{
	char *dir = testdir_make(), *sp, *pp;
	struct key_public pk;
	struct key_secret *sk, *sk2;

	ck_assert_int_eq(sodium_init() >= 0, 1);
	sk = make_pair(dir, &pk);
	sp = testdir_path(dir, "k.secret");
	pp = testdir_path(dir, "k.pub");
	ck_assert_int_eq(key_secret_load(sp, "wrong", 5, &sk2), KEY_EPASS);
	ck_assert_ptr_null(sk2);
	ck_assert_int_eq(key_secret_save(sp, sk, pass, strlen(pass), KEY_KDF_INTERACTIVE), KEY_EEXIST);
	ck_assert_int_eq(key_public_save(pp, &pk), KEY_EEXIST);
	ck_assert_int_eq(key_public_load("/nonexistent/k.pub", &pk), KEY_EOPEN);
	/* a secret key file is not a public key file, and vice versa */
	ck_assert_int_eq(key_public_load(sp, &pk), KEY_EFORMAT);
	ck_assert_int_eq(key_secret_load(pp, pass, strlen(pass), &sk2), KEY_EFORMAT);
	key_secret_free(sk);
	free(sp);
	free(pp);
	testdir_remove(dir);
}
END_TEST

/* Damaged public key files are refused, not silently used. */
static const char *const bad_public[] = {
	"",
	"[kaa-public-key]\nversion = 1\n",
	"[kaa-public-key]\nversion = 2\nid = 0011223344556677\npublic = "
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	"[kaa-public-key]\nversion = 1\nid = 0011223344556677\npublic = "
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
	"[kaa-public-key]\nversion = 1\nid = x\npublic = zz\n",
	"[other]\nversion = 1\n",
};

START_TEST(damaged_public)
{
	char *dir = testdir_make(), *pp = testdir_path(dir, "bad.pub");
	struct key_public pk;
	FILE *f = fopen(pp, "w");

	fputs(bad_public[_i], f);
	fclose(f);
	ck_assert_int_eq(key_public_load(pp, &pk), KEY_EFORMAT);
	free(pp);
	testdir_remove(dir);
}
END_TEST

/* --- envelopes: several recipients ------------------------------------ */

/* n fresh keypairs; ks gets their public halves. */
static void make_set(struct key_secret **sk, size_t n, struct key_set *ks)
{
	size_t i;

	ck_assert_int_ge(sodium_init(), 0);
	memset(ks, 0, sizeof(*ks));
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(key_generate(&sk[i]), KEY_OK);
		key_public_of(sk[i], &ks->k[i]);
	}
	ks->n = n;
}

static void free_set(struct key_secret **sk, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		key_secret_free(sk[i]);
}

static const unsigned char ad[] = "kaa-inbox v2\0ABCD-EFGH-JKMN\0sysselsattning";
static const char msg[] = "{\"namn\":\"Unikt Testnamn\",\"ort\":\"Åre\"}";

static const struct { size_t n, mlen; } sizes[] = {
	{ 1, sizeof(msg) - 1 }, { 2, sizeof(msg) - 1 },
	{ KEY_MAX_RECIPIENTS, sizeof(msg) - 1 }, { 2, 0 },
};

/* Every recipient opens it, as the same bytes; someone else is told it is
 * not for them; the layout is the documented one. */
START_TEST(envelope_recipients)
{
	struct key_secret *sk[KEY_MAX_RECIPIENTS], *other;
	struct key_set ks;
	unsigned char *ct;
	size_t n = sizes[_i].n, mlen = sizes[_i].mlen, ctlen, got, i;
	char *m;

	make_set(sk, n, &ks);
	ck_assert_int_eq(key_generate(&other), KEY_OK);
	ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad), (const unsigned char *)msg,
	    mlen, &ct, &ctlen), KEY_OK);
	ck_assert_uint_eq(ctlen, 2 + 88 * n + 24 + mlen + 16);
	ck_assert_int_eq(ct[0], KEY_ENVELOPE_VERSION);
	ck_assert_uint_eq(ct[1], n);
	for (i = 0; i < n; i++) {
		char hex[KEY_ID_HEX + 1];

		sodium_bin2hex(hex, sizeof(hex), ct + 2 + 88 * i, 8);
		ck_assert_str_eq(hex, ks.k[i].id);
		ck_assert_int_eq(key_envelope_open(sk[i], ad, sizeof(ad), ct, ctlen, &m, &got), KEY_OK);
		ck_assert_uint_eq(got, mlen);
		ck_assert_mem_eq(m, msg, mlen);
		ck_assert_int_eq(m[mlen], '\0');
		key_plain_free(m);
	}
	ck_assert_int_eq(key_envelope_open(other, ad, sizeof(ad), ct, ctlen, &m, &got), KEY_ENOTFORME);
	ck_assert_ptr_null(m);
	/* no plaintext in what is stored */
	for (i = 0; mlen > 0 && i + 8 <= ctlen; i++)
		ck_assert(memcmp(ct + i, "Testnamn", 8) != 0);
	free(ct);
	key_secret_free(other);
	free_set(sk, n);
}
END_TEST

/* Each stanza is a sealed box that key_open (crypto_box_seal_open) opens
 * on its own, to the same file key; the stanzas share one ephemeral key. */
START_TEST(envelope_stanzas_are_sealed_boxes)
{
	struct key_secret *sk[3];
	struct key_set ks;
	unsigned char *ct, fk0[32];
	size_t ctlen, got, i;
	char *fk;

	make_set(sk, 3, &ks);
	ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad), (const unsigned char *)msg,
	    sizeof(msg) - 1, &ct, &ctlen), KEY_OK);
	for (i = 0; i < 3; i++) {
		const unsigned char *box = ct + 2 + 88 * i + 8;

		ck_assert_int_eq(key_open(sk[i], box, 80, &fk, &got), KEY_OK);
		ck_assert_uint_eq(got, 32);
		if (i == 0)
			memcpy(fk0, fk, 32);
		ck_assert_mem_eq(fk, fk0, 32);
		key_plain_free(fk);
		ck_assert_mem_eq(box, ct + 2 + 8, 32);   /* the ephemeral key */
		/* not another recipient's box */
		ck_assert_int_ne(key_open(sk[(i + 1) % 3], box, 80, &fk, &got), KEY_OK);
	}
	free(ct);
	free_set(sk, 3);
}
END_TEST

/* An envelope made as before (a crypto_box_seal of its own per stanza)
 * still opens: records stored by an older kaa-fcgi. */
START_TEST(envelope_older_stanzas_open)
{
	struct key_secret *sk[2];
	struct key_set ks;
	unsigned char fk[32], ct[2 + 2 * 88 + 24 + sizeof(msg) - 1 + 16], aad[2 + 2 * 88 + sizeof(ad)];
	size_t i, got, hlen = 2 + 2 * 88;
	char *m;

	make_set(sk, 2, &ks);
	crypto_aead_xchacha20poly1305_ietf_keygen(fk);
	ct[0] = KEY_ENVELOPE_VERSION;
	ct[1] = 2;
	for (i = 0; i < 2; i++) {
		crypto_generichash(ct + 2 + 88 * i, 8, ks.k[i].pk, 32, NULL, 0);
		ck_assert_int_eq(crypto_box_seal(ct + 2 + 88 * i + 8, fk, 32, ks.k[i].pk), 0);
	}
	randombytes_buf(ct + hlen, 24);
	memcpy(aad, ct, hlen);
	memcpy(aad + hlen, ad, sizeof(ad));
	ck_assert_int_eq(crypto_aead_xchacha20poly1305_ietf_encrypt(ct + hlen + 24, NULL,
	    (const unsigned char *)msg, sizeof(msg) - 1, aad, sizeof(aad), NULL, ct + hlen, fk), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(key_envelope_open(sk[i], ad, sizeof(ad), ct, sizeof(ct), &m, &got), KEY_OK);
		ck_assert_uint_eq(got, sizeof(msg) - 1);
		ck_assert_mem_eq(m, msg, got);
		key_plain_free(m);
	}
	free_set(sk, 2);
}
END_TEST

/* Changed bytes: at (from the end if negative) is XORed with x. want is
 * what recipient 0 of two gets. */
static const struct {
	const char *what;
	long        at;
	int         x;
	int         want;
} tampered[] = {
	{ "version", 0, 0x03, KEY_EFORMAT },
	{ "count 2 to 0", 1, 0x02, KEY_EFORMAT },
	{ "count 2 to 1 (a recipient dropped)", 1, 0x03, KEY_ECRYPTO },
	{ "count 2 to 3", 1, 0x01, KEY_ECRYPTO },
	{ "count 2 to 10", 1, 0x08, KEY_EFORMAT },
	{ "recipient 0's key id", 2, 0x01, KEY_ENOTFORME },
	{ "recipient 0's sealed file key", 2 + 8 + 5, 0x01, KEY_ECRYPTO },
	{ "recipient 1's key id", 2 + 88, 0x01, KEY_ECRYPTO },
	{ "recipient 1's sealed file key", 2 + 88 + 40, 0x80, KEY_ECRYPTO },
	{ "nonce", 2 + 2 * 88 + 3, 0x01, KEY_ECRYPTO },
	{ "ciphertext", 2 + 2 * 88 + 24 + 2, 0x01, KEY_ECRYPTO },
	{ "tag", -1, 0x01, KEY_ECRYPTO },
};

START_TEST(envelope_tampered)
{
	struct key_secret *sk[2];
	struct key_set ks;
	unsigned char *ct;
	size_t ctlen, got;
	char *m;

	make_set(sk, 2, &ks);
	ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad), (const unsigned char *)msg,
	    strlen(msg), &ct, &ctlen), KEY_OK);
	ct[tampered[_i].at < 0 ? (long)ctlen + tampered[_i].at : tampered[_i].at] ^=
	    (unsigned char)tampered[_i].x;
	ck_assert_msg(key_envelope_open(sk[0], ad, sizeof(ad), ct, ctlen, &m, &got) ==
	    tampered[_i].want, "%s", tampered[_i].what);
	ck_assert_ptr_null(m);
	/* the other recipient cannot open it either */
	ck_assert_int_ne(key_envelope_open(sk[1], ad, sizeof(ad), ct, ctlen, &m, &got), KEY_OK);
	ck_assert_ptr_null(m);
	free(ct);
	free_set(sk, 2);
}
END_TEST

/* Other metadata, recipients in another order, cut short or lengthened:
 * never opens, never reads out of bounds. */
START_TEST(envelope_bound)
{
	static const unsigned char other_ad[] = "kaa-inbox v2\0ABCD-EFGH-JKMN\0skolanmalan";
	struct key_secret *sk[3];
	struct key_set ks;
	unsigned char *ct, *cut, stanza[88];
	size_t ctlen, got, len;
	char *m;

	make_set(sk, 3, &ks);
	ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad), (const unsigned char *)msg,
	    strlen(msg), &ct, &ctlen), KEY_OK);
	ck_assert_int_eq(key_envelope_open(sk[0], other_ad, sizeof(other_ad), ct, ctlen, &m, &got), KEY_ECRYPTO);
	ck_assert_int_eq(key_envelope_open(sk[0], ad, sizeof(ad) - 1, ct, ctlen, &m, &got), KEY_ECRYPTO);
	ck_assert_int_eq(key_envelope_open(sk[0], NULL, 0, ct, ctlen, &m, &got), KEY_ECRYPTO);
	/* each length short of the whole, in its own exactly-sized block */
	for (len = 0; len < ctlen; len++) {
		cut = malloc(len + 1);
		memcpy(cut, ct, len);
		ck_assert_int_ne(key_envelope_open(sk[1], ad, sizeof(ad), cut, len, &m, &got), KEY_OK);
		ck_assert_ptr_null(m);
		free(cut);
	}
	cut = malloc(ctlen + 1);
	memcpy(cut, ct, ctlen);
	cut[ctlen] = 0;
	ck_assert_int_eq(key_envelope_open(sk[1], ad, sizeof(ad), cut, ctlen + 1, &m, &got), KEY_ECRYPTO);
	free(cut);
	/* recipients 0 and 2 swap places */
	memcpy(stanza, ct + 2, 88);
	memcpy(ct + 2, ct + 2 + 2 * 88, 88);
	memcpy(ct + 2 + 2 * 88, stanza, 88);
	ck_assert_int_eq(key_envelope_open(sk[0], ad, sizeof(ad), ct, ctlen, &m, &got), KEY_ECRYPTO);
	ck_assert_int_eq(key_envelope_open(sk[2], ad, sizeof(ad), ct, ctlen, &m, &got), KEY_ECRYPTO);
	free(ct);
	free_set(sk, 3);
}
END_TEST

START_TEST(envelope_bad_sets)
{
	struct key_secret *sk[1];
	struct key_set ks;
	unsigned char *ct;
	size_t ctlen;

	make_set(sk, 1, &ks);
	ks.n = 0;
	ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad), (const unsigned char *)msg,
	    strlen(msg), &ct, &ctlen), KEY_ECOUNT);
	ck_assert_ptr_null(ct);
	ks.n = KEY_MAX_RECIPIENTS + 1;
	ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad), (const unsigned char *)msg,
	    strlen(msg), &ct, &ctlen), KEY_ECOUNT);
	free_set(sk, 1);
}
END_TEST

/* --- key sets from files ------------------------------------------------ */

/* Names stand for files the test makes: a, b, c, d are different public
 * keys, s a secret key file, x not a key file, m missing. */
static const struct {
	const char *files;
	int         want;
	size_t      bad;
} sets[] = {
	{ "a", KEY_OK, 0 },
	{ "abc", KEY_OK, 0 },
	{ "abcd", KEY_OK, 0 },
	{ "", KEY_ECOUNT, 0 },
	{ "abcdabcda", KEY_ECOUNT, 0 },
	{ "amb", KEY_EOPEN, 1 },
	{ "abx", KEY_EFORMAT, 2 },
	{ "sab", KEY_EFORMAT, 0 },
	{ "aba", KEY_EDUP, 2 },
	{ "abcb", KEY_EDUP, 3 },
};

START_TEST(set_load)
{
	char *dir = testdir_make(), *path[16], name[8];
	const char *files = sets[_i].files;
	struct key_secret *sk;
	struct key_public pk;
	struct key_set ks;
	size_t i, n = strlen(files), bad = 99;
	FILE *f;

	ck_assert_int_ge(sodium_init(), 0);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "%c.pub", "abcd"[i]);
		path[0] = testdir_path(dir, name);
		ck_assert_int_eq(key_generate(&sk), KEY_OK);
		key_public_of(sk, &pk);
		ck_assert_int_eq(key_public_save(path[0], &pk), KEY_OK);
		if (i == 0) {
			free(path[0]);
			path[0] = testdir_path(dir, "s.pub");
			ck_assert_int_eq(key_secret_save(path[0], sk, pass, strlen(pass),
			    KEY_KDF_INTERACTIVE), KEY_OK);
		}
		key_secret_free(sk);
		free(path[0]);
	}
	path[0] = testdir_path(dir, "x.pub");
	f = fopen(path[0], "w");
	fputs("[kaa-public-key]\nversion = 1\nid = zz\n", f);
	fclose(f);
	free(path[0]);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%c.pub", files[i]);
		path[i] = testdir_path(dir, name);
	}
	ck_assert_int_eq(key_set_load(&ks, (const char *const *)path, n, &bad), sets[_i].want);
	if (sets[_i].want == KEY_OK) {
		ck_assert_uint_eq(ks.n, n);
		ck_assert_int_eq(key_public_load(path[n - 1], &pk), KEY_OK);
		ck_assert_str_eq(ks.k[n - 1].id, pk.id);
	} else {
		ck_assert_uint_eq(bad, sets[_i].bad);
		ck_assert_uint_eq(ks.n, 0);
	}
	for (i = 0; i < n; i++)
		free(path[i]);
	testdir_remove(dir);
}
END_TEST

/* One buffer for many records: each opens whole and NUL-terminated, a
 * shorter one leaves nothing of a longer one behind, a failed one leaves
 * nothing at all. */
START_TEST(envelope_reused_buffer)
{
	static const char *const texts[] = {
		"a long record, longer than the ones after it", "short", "",
		"and a record longer than every one before it, to make it grow",
	};
	struct key_secret *sk[1], *other;
	struct key_plain_buf b = { 0 };
	struct key_set ks;
	unsigned char *ct;
	size_t i, k, ctlen;

	make_set(sk, 1, &ks);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad), (const
		    unsigned char *)texts[i], strlen(texts[i]), &ct, &ctlen), KEY_OK);
		ck_assert_int_eq(key_envelope_open_buf(sk[0], ad, sizeof(ad), ct,
		    ctlen, &b), KEY_OK);
		ck_assert_uint_eq(b.len, strlen(texts[i]));
		ck_assert_str_eq(b.p, texts[i]);
		for (k = b.len; k < b.cap; k++)
			ck_assert_int_eq(b.p[k], 0);
		free(ct);
	}
	ck_assert_int_eq(key_generate(&other), KEY_OK);
	ck_assert_int_eq(key_envelope_seal(&ks, ad, sizeof(ad),
	    (const unsigned char *)"x", 1, &ct, &ctlen), KEY_OK);
	ck_assert_int_eq(key_envelope_open_buf(other, ad, sizeof(ad), ct, ctlen,
	    &b), KEY_ENOTFORME);
	ct[ctlen - 1] ^= 1;
	ck_assert_int_eq(key_envelope_open_buf(sk[0], ad, sizeof(ad), ct, ctlen,
	    &b), KEY_ECRYPTO);
	ck_assert_uint_eq(b.len, 0);
	for (k = 0; k < b.cap; k++)
		ck_assert_int_eq(b.p[k], 0);
	free(ct);
	key_plain_buf_free(&b);
	key_secret_free(other);
	free_set(sk, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("key");
	TCase *tc = tcase_create("key");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, wrong_passphrase_and_overwrite);
	tcase_add_loop_test(tc, damaged_public, 0, sizeof(bad_public) / sizeof(bad_public[0]));
	tcase_add_loop_test(tc, envelope_recipients, 0, sizeof(sizes) / sizeof(sizes[0]));
	tcase_add_loop_test(tc, envelope_tampered, 0, sizeof(tampered) / sizeof(tampered[0]));
	tcase_add_test(tc, envelope_stanzas_are_sealed_boxes);
	tcase_add_test(tc, envelope_older_stanzas_open);
	tcase_add_test(tc, envelope_bound);
	tcase_add_test(tc, envelope_bad_sets);
	tcase_add_test(tc, envelope_reused_buffer);
	tcase_add_loop_test(tc, set_load, 0, sizeof(sets) / sizeof(sets[0]));
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
