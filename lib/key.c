/* key.c — keypair files, passphrase protection and sealing (libsodium). */
#include <errno.h>
#include <ini.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "key.h"
#include "wfile.h"

struct key_secret {
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sk[crypto_box_SECRETKEYBYTES];
};

/* Fields read from either key file; hex strings are decoded after parsing. */
struct key_file {
	const char   *section;
	int           version;
	char          id[KEY_ID_HEX + 1];
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	int           have_pk;
	unsigned long long opslimit;
	size_t        memlimit;
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	unsigned char box[crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES];
	int           have_salt, have_nonce, have_box, have_kdf, bad;
};

/* The envelope (see key.h): a recipient's stanza is its raw key id and the
 * sealed file key. */
#define ID_BYTES     (KEY_ID_HEX / 2)
#define FILE_KEY     crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define STANZA_BYTES (ID_BYTES + crypto_box_SEALBYTES + FILE_KEY)
#define NONCE_BYTES  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES    crypto_aead_xchacha20poly1305_ietf_ABYTES
#define HEADER_BYTES(n) (2 + STANZA_BYTES * (size_t)(n))
#define STANZA_AT(i)    HEADER_BYTES(i)   /* stanza i follows i stanzas */

_Static_assert(KEY_MAX_RECIPIENTS <= 255, "the count is one byte");
_Static_assert(STANZA_BYTES == 88 && NONCE_BYTES == 24 && TAG_BYTES == 16,
    "the layout documented in key.h");

static void raw_id(const unsigned char pk[KEY_PUBLIC_BYTES],
    unsigned char id[ID_BYTES])
{
	crypto_generichash(id, ID_BYTES, pk, KEY_PUBLIC_BYTES, NULL, 0);
}

void key_id(const unsigned char pk[KEY_PUBLIC_BYTES], char *id)
{
	unsigned char h[ID_BYTES];

	raw_id(pk, h);
	sodium_bin2hex(id, KEY_ID_HEX + 1, h, sizeof(h));
}

int key_generate(struct key_secret **out)
{
	struct key_secret *k = sodium_malloc(sizeof(*k));

	*out = NULL;
	if (k == NULL)
		return KEY_ENOMEM;
	crypto_box_keypair(k->pk, k->sk);
	*out = k;
	return KEY_OK;
}

void key_secret_free(struct key_secret *sk)
{
	sodium_free(sk);   /* wipes; NULL-safe */
}

void key_public_of(const struct key_secret *sk, struct key_public *out)
{
	memcpy(out->pk, sk->pk, sizeof(out->pk));
	key_id(out->pk, out->id);
}

/* Decodes exactly n bytes of hex; 0 on success. */
static int unhex(unsigned char *bin, size_t n, const char *hex)
{
	size_t got;

	if (strlen(hex) != 2 * n)
		return -1;
	if (sodium_hex2bin(bin, n, hex, 2 * n, NULL, &got, NULL) != 0 || got != n)
		return -1;
	return 0;
}

static int parse_num(const char *s, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return (errno != 0 || end == s || *end != '\0') ? -1 : 0;
}

static int on_key_setting(void *user, const char *section, const char *name,
    const char *value)
{
	struct key_file *f = user;
	unsigned long long n;

	if (strcmp(section, f->section) != 0) {
		f->bad = 1;
		return 0;
	}
	if (strcmp(name, "version") == 0)
		f->version = atoi(value);
	else if (strcmp(name, "id") == 0)
		snprintf(f->id, sizeof(f->id), "%s", value);
	else if (strcmp(name, "public") == 0)
		f->have_pk = unhex(f->pk, sizeof(f->pk), value) == 0;
	else if (strcmp(name, "kdf") == 0)
		f->have_kdf = strcmp(value, "argon2id13") == 0;
	else if (strcmp(name, "opslimit") == 0) {
		if (parse_num(value, &n) != 0)
			f->bad = 1;
		f->opslimit = n;
	} else if (strcmp(name, "memlimit") == 0) {
		if (parse_num(value, &n) != 0 || n > SIZE_MAX)
			f->bad = 1;
		f->memlimit = (size_t)n;
	} else if (strcmp(name, "salt") == 0)
		f->have_salt = unhex(f->salt, sizeof(f->salt), value) == 0;
	else if (strcmp(name, "nonce") == 0)
		f->have_nonce = unhex(f->nonce, sizeof(f->nonce), value) == 0;
	else if (strcmp(name, "box") == 0)
		f->have_box = unhex(f->box, sizeof(f->box), value) == 0;
	else
		f->bad = 1;
	return f->bad ? 0 : 1;
}

static int read_key_file(const char *path, struct key_file *f)
{
	int rc = ini_parse(path, on_key_setting, f);
	char id[KEY_ID_HEX + 1];

	if (rc == -1)
		return KEY_EOPEN;
	if (rc != 0 || f->bad || f->version != 1 || !f->have_pk)
		return KEY_EFORMAT;
	key_id(f->pk, id);
	if (strcmp(id, f->id) != 0)   /* catches a damaged public key */
		return KEY_EFORMAT;
	return KEY_OK;
}

int key_public_load(const char *path, struct key_public *out)
{
	struct key_file f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.section = "kaa-public-key";
	if ((rc = read_key_file(path, &f)) != KEY_OK)
		return rc;
	memcpy(out->pk, f.pk, sizeof(out->pk));
	memcpy(out->id, f.id, sizeof(out->id));
	return KEY_OK;
}

/* Key files go through the one safe writer: a key that is lost in a crash
 * loses every submission sealed to it. */
static int write_new(const char *path, mode_t mode, const char *text)
{
	if (wfile_put(path, mode, text, strlen(text)) == 0)
		return KEY_OK;
	return errno == EEXIST ? KEY_EEXIST : KEY_EWRITE;
}

int key_public_save(const char *path, const struct key_public *pk)
{
	char hex[2 * KEY_PUBLIC_BYTES + 1], text[256];

	sodium_bin2hex(hex, sizeof(hex), pk->pk, sizeof(pk->pk));
	snprintf(text, sizeof(text),
	    "; KAA public key: seals submissions. Safe to copy to the web host.\n"
	    "[kaa-public-key]\nversion = 1\nid = %s\npublic = %s\n", pk->id, hex);
	return write_new(path, 0644, text);
}

int key_secret_save(const char *path, const struct key_secret *sk,
    const char *pass, size_t passlen, enum key_kdf kdf)
{
	unsigned long long ops = kdf == KEY_KDF_MODERATE ?
	    crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = kdf == KEY_KDF_MODERATE ?
	    crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	unsigned char box[crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES];
	unsigned char *wrap;
	char h_pk[2 * sizeof(sk->pk) + 1], h_salt[2 * sizeof(salt) + 1];
	char h_nonce[2 * sizeof(nonce) + 1], h_box[2 * sizeof(box) + 1];
	char id[KEY_ID_HEX + 1], text[1024];
	int rc;

	if ((wrap = sodium_malloc(crypto_secretbox_KEYBYTES)) == NULL)
		return KEY_ENOMEM;
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	if (crypto_pwhash(wrap, crypto_secretbox_KEYBYTES, pass, passlen, salt,
	    ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(wrap);
		return KEY_ENOMEM;   /* the only documented failure */
	}
	crypto_secretbox_easy(box, sk->sk, sizeof(sk->sk), nonce, wrap);
	sodium_free(wrap);
	key_id(sk->pk, id);
	sodium_bin2hex(h_pk, sizeof(h_pk), sk->pk, sizeof(sk->pk));
	sodium_bin2hex(h_salt, sizeof(h_salt), salt, sizeof(salt));
	sodium_bin2hex(h_nonce, sizeof(h_nonce), nonce, sizeof(nonce));
	sodium_bin2hex(h_box, sizeof(h_box), box, sizeof(box));
	snprintf(text, sizeof(text),
	    "; KAA secret key, encrypted with a passphrase. Never put it on the web host.\n"
	    "[kaa-secret-key]\nversion = 1\nid = %s\npublic = %s\nkdf = argon2id13\n"
	    "opslimit = %llu\nmemlimit = %zu\nsalt = %s\nnonce = %s\nbox = %s\n",
	    id, h_pk, ops, mem, h_salt, h_nonce, h_box);
	rc = write_new(path, 0600, text);
	sodium_memzero(text, sizeof(text));
	return rc;
}

int key_secret_load(const char *path, const char *pass, size_t passlen,
    struct key_secret **out)
{
	struct key_file f;
	struct key_secret *k;
	unsigned char *wrap, check[crypto_box_PUBLICKEYBYTES];
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	f.section = "kaa-secret-key";
	if ((rc = read_key_file(path, &f)) != KEY_OK)
		return rc;
	if (!f.have_kdf || !f.have_salt || !f.have_nonce || !f.have_box ||
	    f.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
	    f.opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
	    f.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
	    f.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE)
		return KEY_EFORMAT;
	wrap = sodium_malloc(crypto_secretbox_KEYBYTES);
	k = sodium_malloc(sizeof(*k));
	if (wrap == NULL || k == NULL) {
		sodium_free(wrap);
		sodium_free(k);
		return KEY_ENOMEM;
	}
	rc = KEY_OK;
	if (crypto_pwhash(wrap, crypto_secretbox_KEYBYTES, pass, passlen, f.salt,
	    f.opslimit, f.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		rc = KEY_ENOMEM;
	else if (crypto_secretbox_open_easy(k->sk, f.box, sizeof(f.box), f.nonce,
	    wrap) != 0)
		rc = KEY_EPASS;
	else if (crypto_scalarmult_base(check, k->sk) != 0 ||
	    sodium_memcmp(check, f.pk, sizeof(check)) != 0)
		rc = KEY_EFORMAT;   /* secret does not match the public half */
	sodium_free(wrap);
	if (rc != KEY_OK) {
		sodium_free(k);
		return rc;
	}
	memcpy(k->pk, f.pk, sizeof(k->pk));
	*out = k;
	return KEY_OK;
}

int key_seal(const struct key_public *pk, const unsigned char *m,
    size_t mlen, unsigned char **ct, size_t *ctlen)
{
	*ct = NULL;
	if (mlen > SIZE_MAX - crypto_box_SEALBYTES)
		return KEY_ENOMEM;
	if ((*ct = malloc(mlen + crypto_box_SEALBYTES)) == NULL)
		return KEY_ENOMEM;
	if (crypto_box_seal(*ct, m, mlen, pk->pk) != 0) {
		free(*ct);
		*ct = NULL;
		return KEY_ECRYPTO;
	}
	*ctlen = mlen + crypto_box_SEALBYTES;
	return KEY_OK;
}

int key_open(const struct key_secret *sk, const unsigned char *ct,
    size_t ctlen, char **m, size_t *mlen)
{
	size_t n;

	*m = NULL;
	if (ctlen < crypto_box_SEALBYTES)
		return KEY_ECRYPTO;
	n = ctlen - crypto_box_SEALBYTES;
	if ((*m = sodium_malloc(n + 1)) == NULL)
		return KEY_ENOMEM;
	if (crypto_box_seal_open((unsigned char *)*m, ct, ctlen, sk->pk,
	    sk->sk) != 0) {
		sodium_free(*m);
		*m = NULL;
		return KEY_ECRYPTO;
	}
	(*m)[n] = '\0';
	*mlen = n;
	return KEY_OK;
}

void key_plain_free(char *m)
{
	sodium_free(m);
}

int key_set_load(struct key_set *ks, const char *const *paths, size_t n,
    size_t *bad)
{
	size_t i, j;
	int rc;

	memset(ks, 0, sizeof(*ks));
	*bad = 0;
	if (n == 0 || n > KEY_MAX_RECIPIENTS)
		return KEY_ECOUNT;
	for (i = 0; i < n; i++) {
		*bad = i;
		if ((rc = key_public_load(paths[i], &ks->k[i])) != KEY_OK)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(ks->k[j].id, ks->k[i].id) == 0)
				return KEY_EDUP;
	}
	ks->n = n;
	return KEY_OK;
}

/* The AEAD's associated data: the envelope's header, then the caller's ad.
 * malloc'd; NULL if memory ran out. */
static unsigned char *join_ad(const unsigned char *hdr, size_t hlen,
    const unsigned char *ad, size_t adlen)
{
	unsigned char *p;

	if (adlen > SIZE_MAX - hlen || (p = malloc(hlen + adlen)) == NULL)
		return NULL;
	memcpy(p, hdr, hlen);
	if (adlen > 0)
		memcpy(p + hlen, ad, adlen);
	return p;
}

/* Writes into out exactly what crypto_box_seal(fk, pk) writes, but with
 * the ephemeral keypair given: epk, then crypto_box_easy under the nonce
 * BLAKE2b-192(epk || pk) (libsodium's sealed-box construction), so
 * crypto_box_seal_open opens it. */
static int seal_with(unsigned char *out, const unsigned char fk[FILE_KEY],
    const unsigned char epk[crypto_box_PUBLICKEYBYTES],
    const unsigned char esk[crypto_box_SECRETKEYBYTES],
    const unsigned char pk[KEY_PUBLIC_BYTES])
{
	unsigned char nonce[crypto_box_NONCEBYTES];
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof(nonce));
	crypto_generichash_update(&st, epk, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_update(&st, pk, KEY_PUBLIC_BYTES);
	crypto_generichash_final(&st, nonce, sizeof(nonce));
	memcpy(out, epk, crypto_box_PUBLICKEYBYTES);
	return crypto_box_easy(out + crypto_box_PUBLICKEYBYTES, fk, FILE_KEY,
	    nonce, pk, esk) == 0 ? KEY_OK : KEY_ECRYPTO;
}

/* Writes the header for ks and file key fk into out. One ephemeral keypair
 * serves every stanza of the envelope: each recipient's box key is still
 * its own (DH of the ephemeral secret with its public key, its own nonce),
 * and a key generation per extra recipient is saved — the X25519 sealing
 * costs are most of a submission's CPU. Reusing a sender's randomness
 * across recipients this way is the studied multi-recipient case
 * (Bellare, Boldyreva, Staddon 2003); the ephemeral secret is wiped at
 * once, as crypto_box_seal wipes its own. */
static int put_header(unsigned char *out, const struct key_set *ks,
    const unsigned char fk[FILE_KEY])
{
	unsigned char epk[crypto_box_PUBLICKEYBYTES], esk[crypto_box_SECRETKEYBYTES];
	unsigned char *p;
	size_t i;
	int rc = KEY_OK;

	out[0] = KEY_ENVELOPE_VERSION;
	out[1] = (unsigned char)ks->n;
	crypto_box_keypair(epk, esk);
	for (i = 0; i < ks->n && rc == KEY_OK; i++) {
		p = out + STANZA_AT(i);
		raw_id(ks->k[i].pk, p);
		rc = seal_with(p + ID_BYTES, fk, epk, esk, ks->k[i].pk);
	}
	sodium_memzero(esk, sizeof(esk));
	return rc;
}

int key_envelope_seal(const struct key_set *ks, const unsigned char *ad,
    size_t adlen, const unsigned char *m, size_t mlen, unsigned char **ct,
    size_t *ctlen)
{
	unsigned char fk[FILE_KEY], *out, *aad = NULL;
	size_t hlen;
	int rc;

	*ct = NULL;
	if (ks->n == 0 || ks->n > KEY_MAX_RECIPIENTS)
		return KEY_ECOUNT;
	hlen = HEADER_BYTES(ks->n);
	if (mlen > SIZE_MAX - hlen - NONCE_BYTES - TAG_BYTES ||
	    mlen > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
		return KEY_ENOMEM;
	if ((out = malloc(hlen + NONCE_BYTES + mlen + TAG_BYTES)) == NULL)
		return KEY_ENOMEM;
	crypto_aead_xchacha20poly1305_ietf_keygen(fk);
	randombytes_buf(out + hlen, NONCE_BYTES);
	rc = put_header(out, ks, fk);
	if (rc == KEY_OK && (aad = join_ad(out, hlen, ad, adlen)) == NULL)
		rc = KEY_ENOMEM;
	if (rc == KEY_OK && crypto_aead_xchacha20poly1305_ietf_encrypt(
	    out + hlen + NONCE_BYTES, NULL, m, mlen, aad, hlen + adlen, NULL,
	    out + hlen, fk) != 0)
		rc = KEY_ECRYPTO;
	sodium_memzero(fk, sizeof(fk));
	free(aad);
	if (rc != KEY_OK) {
		free(out);
		return rc;
	}
	*ct = out;
	*ctlen = hlen + NONCE_BYTES + mlen + TAG_BYTES;
	return KEY_OK;
}

/* Opens the file key from the stanza for sk: KEY_ENOTFORME if there is
 * none; KEY_ECRYPTO if the stanza(s) with sk's id do not open. */
static int open_file_key(const struct key_secret *sk, const unsigned char *ct,
    size_t n, unsigned char fk[FILE_KEY])
{
	unsigned char id[ID_BYTES];
	const unsigned char *p;
	int rc = KEY_ENOTFORME;
	size_t i;

	raw_id(sk->pk, id);
	for (i = 0; i < n; i++) {
		p = ct + STANZA_AT(i);
		if (memcmp(p, id, ID_BYTES) != 0)
			continue;
		if (crypto_box_seal_open(fk, p + ID_BYTES,
		    crypto_box_SEALBYTES + FILE_KEY, sk->pk, sk->sk) == 0)
			return KEY_OK;
		rc = KEY_ECRYPTO;
	}
	return rc;
}

int key_plain_buf_reserve(struct key_plain_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (n + 1 <= b->cap)
		return KEY_OK;
	cap = b->cap * 2 > n + 1 ? b->cap * 2 : n + 1;
	if ((p = sodium_malloc(cap)) == NULL)
		return KEY_ENOMEM;
	sodium_memzero(p, cap);   /* all past len is zero, always */
	sodium_free(b->p);        /* wipes */
	b->p = p;
	b->cap = cap;
	b->len = 0;
	return KEY_OK;
}

void key_plain_buf_set_len(struct key_plain_buf *b, size_t n)
{
	if (b->len > n)
		sodium_memzero(b->p + n, b->len - n);
	b->p[n] = '\0';
	b->len = n;
}

void key_plain_buf_free(struct key_plain_buf *b)
{
	sodium_free(b->p);
	memset(b, 0, sizeof(*b));
}

int key_envelope_open_buf(const struct key_secret *sk,
    const unsigned char *ad, size_t adlen, const unsigned char *ct,
    size_t ctlen, struct key_plain_buf *b)
{
	unsigned char fk[FILE_KEY], *aad;
	size_t hlen, n;
	int rc;

	if (ctlen < 2 || ct[0] != KEY_ENVELOPE_VERSION || ct[1] == 0 ||
	    ct[1] > KEY_MAX_RECIPIENTS)
		return KEY_EFORMAT;
	hlen = HEADER_BYTES(ct[1]);
	if (ctlen < hlen + NONCE_BYTES + TAG_BYTES)
		return KEY_ECRYPTO;   /* truncated */
	n = ctlen - hlen - NONCE_BYTES - TAG_BYTES;
	if ((rc = open_file_key(sk, ct, ct[1], fk)) != KEY_OK)
		return rc;
	aad = join_ad(ct, hlen, ad, adlen);
	if (aad == NULL || key_plain_buf_reserve(b, n) != KEY_OK)
		rc = KEY_ENOMEM;
	else if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)b->p,
	    NULL, NULL, ct + hlen + NONCE_BYTES, n + TAG_BYTES, aad,
	    hlen + adlen, ct + hlen, fk) != 0)
		rc = KEY_ECRYPTO;
	sodium_memzero(fk, sizeof(fk));
	free(aad);
	if (rc == KEY_OK)
		key_plain_buf_set_len(b, n);
	else if (b->p != NULL)
		key_plain_buf_set_len(b, 0);   /* nothing half-opened stays */
	return rc;
}

int key_envelope_open(const struct key_secret *sk, const unsigned char *ad,
    size_t adlen, const unsigned char *ct, size_t ctlen, char **m,
    size_t *mlen)
{
	struct key_plain_buf b = { 0 };
	int rc = key_envelope_open_buf(sk, ad, adlen, ct, ctlen, &b);

	if (rc != KEY_OK) {
		key_plain_buf_free(&b);
		*m = NULL;
		return rc;
	}
	*m = b.p;      /* sodium_malloc'd: key_plain_free */
	*mlen = b.len;
	return KEY_OK;
}

/* The number is in the text itself, so that xgettext sees the whole
 * message (kaa-inbox translates it). */
_Static_assert(KEY_MAX_RECIPIENTS == 8, "the number in key_strerror's text");

const char *key_strerror(int err)
{
	static const char *const msg[] = {
		[KEY_OK] = N_("no error"),
		[KEY_EOPEN] = N_("cannot read the key file"),
		[KEY_EFORMAT] = N_("not a valid KAA key file"),
		[KEY_EPASS] = N_("wrong passphrase"),
		[KEY_EEXIST] = N_("file exists; refusing to overwrite"),
		[KEY_EWRITE] = N_("cannot write the key file"),
		[KEY_ENOMEM] = N_("out of memory"),
		[KEY_ECRYPTO] = N_("cannot open the sealed data with this key"),
		[KEY_EDUP] = N_("the same key is listed twice"),
		[KEY_ECOUNT] = N_("no key, or more keys than 8"),
		[KEY_ENOTFORME] = N_("this record is not sealed to your key"),
	};

	if (err < 0 || (size_t)err >= sizeof(msg) / sizeof(msg[0]))
		return N_("unknown error");
	return msg[err];
}
