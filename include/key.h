/* key.h — the municipality's keypair: files, passphrase protection, sealing.
 *
 * The web host holds only the public key: it can seal submissions but never
 * open them. The secret key lives on the coordinator's machine, in a file
 * encrypted with a passphrase (Argon2id via crypto_pwhash, then
 * crypto_secretbox). Both files are INI text (parsed with inih):
 *
 *   [kaa-public-key]              [kaa-secret-key]
 *   version = 1                   version = 1
 *   id = <16 hex>                 id, public = <64 hex>, kdf = argon2id13,
 *   public = <64 hex>             opslimit, memlimit, salt, nonce, box (hex)
 *
 * The key id is the first 8 bytes of BLAKE2b(public key), in hex: stored with
 * every submission so the reader knows which keys sealed it.
 *
 * A municipality may list several coordinators' public keys (a key_set).
 * A record is then sealed once, as an envelope (the pattern of the age file
 * format): the record is encrypted with a fresh 32-byte file key using
 * XChaCha20-Poly1305-IETF, and the file key is sealed with crypto_box_seal
 * to each recipient (all stanzas of an envelope share one ephemeral key;
 * each is still exactly a sealed box, opened with crypto_box_seal_open).
 * Any one recipient's secret key opens it. Layout:
 *
 *   offset  size  what
 *   0       1     version, KEY_ENVELOPE_VERSION (1)
 *   1       1     n, the number of recipients, 1..KEY_MAX_RECIPIENTS
 *   2       88×n  per recipient: key id (the 8 raw bytes behind the hex id)
 *                 and crypto_box_seal(file key) (32 + 48 bytes)
 *   2+88n   24    the AEAD nonce (random)
 *   26+88n  m+16  the AEAD ciphertext of the m-byte record, with its tag
 *
 * The header is bytes 0 .. 2+88n. The AEAD's associated data is the header
 * followed by the caller's ad: recipients cannot be added, removed or
 * swapped, nor the record moved to other metadata, without opening failing.
 * The header comes first because it is self-delimiting (its length follows
 * from n), so header ‖ ad is never ambiguous.
 * Secret keys and opened plaintext live in sodium_malloc'd memory (guarded,
 * locked, wiped on free). Call sodium_init() before anything here. */
#ifndef KAA_KEY_H
#define KAA_KEY_H

#include <stddef.h>

#define KEY_PUBLIC_BYTES 32
#define KEY_ID_HEX       16
#define KEY_MAX_RECIPIENTS 8
#define KEY_ENVELOPE_VERSION 1

struct key_public {
	unsigned char pk[KEY_PUBLIC_BYTES];
	char          id[KEY_ID_HEX + 1];
};

/* The public keys a municipality seals to: k[0 .. n-1], no key twice. */
struct key_set {
	struct key_public k[KEY_MAX_RECIPIENTS];
	size_t            n;
};

struct key_secret;   /* opaque: lives in sodium_malloc'd memory */

enum key_err {
	KEY_OK = 0,
	KEY_EOPEN,      /* cannot open/read the file */
	KEY_EFORMAT,    /* not a key file of ours, or damaged */
	KEY_EPASS,      /* wrong passphrase (or tampered file) */
	KEY_EEXIST,     /* refusing to overwrite an existing file */
	KEY_EWRITE,     /* cannot write the file */
	KEY_ENOMEM,
	KEY_ECRYPTO,    /* sealing or opening failed (wrong key, damaged data) */
	KEY_EDUP,       /* the same key listed twice in a key set */
	KEY_ECOUNT,     /* no key, or more than KEY_MAX_RECIPIENTS */
	KEY_ENOTFORME   /* the envelope is not sealed to this secret key */
};

/* Cost of the passphrase hash. MODERATE for real keys; INTERACTIVE for
 * tests and demos, where speed matters more than resistance to guessing. */
enum key_kdf { KEY_KDF_MODERATE, KEY_KDF_INTERACTIVE };

/* Makes a new keypair. *out is freed with key_secret_free. */
int key_generate(struct key_secret **out);
void key_secret_free(struct key_secret *sk);
/* The public half of a secret key. */
void key_public_of(const struct key_secret *sk, struct key_public *out);

int key_public_load(const char *path, struct key_public *out);
/* Writes a new public key file (mode 0644); never overwrites. */
int key_public_save(const char *path, const struct key_public *pk);

/* Writes a new secret key file (mode 0600), encrypted with the passphrase;
 * never overwrites. */
int key_secret_save(const char *path, const struct key_secret *sk,
    const char *pass, size_t passlen, enum key_kdf kdf);
/* Reads and decrypts a secret key file; *out freed with key_secret_free. */
int key_secret_load(const char *path, const char *pass, size_t passlen,
    struct key_secret **out);

/* Seals m to pk (crypto_box_seal). *ct is malloc'd, caller frees. */
int key_seal(const struct key_public *pk, const unsigned char *m,
    size_t mlen, unsigned char **ct, size_t *ctlen);
/* Opens a sealed box. *m is sodium_malloc'd and NUL-terminated (not counted
 * in *mlen); free it with key_plain_free. */
int key_open(const struct key_secret *sk, const unsigned char *ct,
    size_t ctlen, char **m, size_t *mlen);
void key_plain_free(char *m);

/* Loads the n public key files paths[0 .. n-1] into *ks. On error returns
 * the key_err and sets *bad to the index of the file that failed (for
 * KEY_EDUP the second of the two; for KEY_ECOUNT 0), so the caller can name
 * it. */
int key_set_load(struct key_set *ks, const char *const *paths, size_t n,
    size_t *bad);

/* Seals m to every key of ks as an envelope (format above), with ad (may be
 * NULL when adlen is 0) bound as associated data. *ct is malloc'd, caller
 * frees. */
int key_envelope_seal(const struct key_set *ks, const unsigned char *ad,
    size_t adlen, const unsigned char *m, size_t mlen, unsigned char **ct,
    size_t *ctlen);
/* Opens an envelope with sk and the same ad it was sealed with. *m as for
 * key_open. KEY_ENOTFORME if sk is not among the recipients; KEY_ECRYPTO if
 * the data, its header or ad do not match (tampered, truncated, other
 * metadata); KEY_EFORMAT if it is no envelope of a version we know. */
int key_envelope_open(const struct key_secret *sk, const unsigned char *ad,
    size_t adlen, const unsigned char *ct, size_t ctlen, char **m,
    size_t *mlen);

/* A buffer for opened records, reused from record to record: guarded,
 * locked memory is costly to map (about ten system calls each), so a tool
 * that opens thousands keeps one. p is sodium_malloc'd and NUL-terminated
 * after each open; every byte past len is zero (what a longer record left
 * behind is wiped). Start it
 * zeroed ({ 0 }); free with key_plain_buf_free. */
struct key_plain_buf {
	char  *p;
	size_t cap, len;
};
/* key_envelope_open into b: b->p holds the plaintext, b->len its length. */
int key_envelope_open_buf(const struct key_secret *sk,
    const unsigned char *ad, size_t adlen, const unsigned char *ct,
    size_t ctlen, struct key_plain_buf *b);
/* Makes room for n bytes and the NUL (old contents wiped and lost). 0, or
 * KEY_ENOMEM. */
int key_plain_buf_reserve(struct key_plain_buf *b, size_t n);
/* Sets b's length to n (n < cap), wiping what lay past it. */
void key_plain_buf_set_len(struct key_plain_buf *b, size_t n);
void key_plain_buf_free(struct key_plain_buf *b);

/* Hex id of a public key into id[KEY_ID_HEX + 1]. */
void key_id(const unsigned char pk[KEY_PUBLIC_BYTES], char *id);

const char *key_strerror(int err);

#endif
