/* seal-floor.c — the floor for bench/inbox-bench.sh: the bare libsodium
 * cost of opening the archive's envelopes (include/key.h), with nothing
 * of kaa-inbox around it: no SQLite, no JSON, no output.
 *
 *   KAA_PASSPHRASE=... seal-floor SECRET_KEY ROWS [PASSES]
 *
 * ROWS is the archive's rows, one a line, as sqlite3 prints
 * "SELECT ref, kind, received, format, hex(sealed)" with '|' between.
 * Everything is read and decoded into memory first, and each row's
 * associated data (the header, then "kaa-inbox v2" NUL ref NUL kind NUL
 * received NUL, as lib/inbox.c binds it) is built then. A timed pass opens
 * every record with the secret key: per record one crypto_box_seal_open
 * of the 80-byte stanza for this key and one XChaCha20-Poly1305 decryption
 * of the body, into one buffer. The key file's Argon2id derivation is
 * timed on its own (a fixed cost per run, not per record).
 *
 * Prints "name value" lines: records, plain_bytes, kdf_s, then for the
 * PASSES (default 7) passes the median and best seconds of the whole open
 * (floor_*), of the crypto_box_seal_open alone (seal_open_*) and of the
 * AEAD alone (aead_*). One thread, as kaa-inbox export. Exits 1 if any
 * record does not open. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ID_BYTES   8
#define FILE_KEY   crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define STANZA     (ID_BYTES + crypto_box_SEALBYTES + FILE_KEY)
#define NONCE      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG        crypto_aead_xchacha20poly1305_ietf_ABYTES
#define AD_TAG     "kaa-inbox v2"
#define MAX_PASSES 99

struct row {
	unsigned char *ct, *aad;
	size_t ctlen, aadlen, hlen;
	unsigned char fk[FILE_KEY];   /* for the AEAD-only passes */
};

struct rows {
	struct row *r;
	size_t n, cap, maxplain, plain;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stderr, "seal-floor: %s\n", what);
	return 1;
}

/* --- the secret key file ------------------------------------------------ */

static int unhex(unsigned char *bin, size_t n, const char *hex)
{
	size_t got;

	return strlen(hex) == 2 * n &&
	    sodium_hex2bin(bin, n, hex, 2 * n, NULL, &got, NULL) == 0 && got == n ?
	    0 : -1;
}

/* The key file's "name = value" lines (key.h); pk and sk out. *kdf_s is
 * how long crypto_pwhash took. */
static int load_secret(const char *path, const char *pass,
    unsigned char pk[crypto_box_PUBLICKEYBYTES],
    unsigned char sk[crypto_box_SECRETKEYBYTES], double *kdf_s)
{
	unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
	unsigned char box[crypto_secretbox_MACBYTES + crypto_box_SECRETKEYBYTES];
	unsigned char wrap[crypto_secretbox_KEYBYTES];
	unsigned long long ops = 0;
	size_t mem = 0;
	int have = 0;
	char line[512], name[32], value[256];
	FILE *f = fopen(path, "r");
	double t;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%31s = %255s", name, value) != 2)
			continue;
		if (strcmp(name, "public") == 0)
			have |= (unhex(pk, crypto_box_PUBLICKEYBYTES, value) == 0) << 0;
		else if (strcmp(name, "salt") == 0)
			have |= (unhex(salt, sizeof(salt), value) == 0) << 1;
		else if (strcmp(name, "nonce") == 0)
			have |= (unhex(nonce, sizeof(nonce), value) == 0) << 2;
		else if (strcmp(name, "box") == 0)
			have |= (unhex(box, sizeof(box), value) == 0) << 3;
		else if (strcmp(name, "opslimit") == 0)
			have |= (sscanf(value, "%llu", &ops) == 1) << 4;
		else if (strcmp(name, "memlimit") == 0)
			have |= (sscanf(value, "%zu", &mem) == 1) << 5;
	}
	fclose(f);
	if (have != 0x3f)
		return -1;
	t = now();
	if (crypto_pwhash(wrap, sizeof(wrap), pass, strlen(pass), salt, ops, mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	*kdf_s = now() - t;
	return crypto_secretbox_open_easy(sk, box, sizeof(box), nonce, wrap);
}

/* --- the rows ------------------------------------------------------------- */

/* One line "ref|kind|received|format|hex" into r. */
static int parse_row(char *line, struct row *r, size_t *plain)
{
	char *part[5], *p = line, ad[128];
	size_t i, adlen = 0, hexlen;

	for (i = 0; i < 5; i++) {
		part[i] = p;
		if (i < 4 && (p = strchr(p, '|')) == NULL)
			return -1;
		if (i < 4)
			*p++ = '\0';
	}
	part[4][strcspn(part[4], "\r\n")] = '\0';
	if (strcmp(part[3], "2") != 0)
		return -1;   /* only envelopes */
	hexlen = strlen(part[4]);
	r->ctlen = hexlen / 2;
	if ((r->ct = malloc(r->ctlen)) == NULL ||
	    sodium_hex2bin(r->ct, r->ctlen, part[4], hexlen, NULL, NULL, NULL) != 0 ||
	    r->ctlen < 2 || r->ct[1] == 0)
		return -1;
	r->hlen = 2 + STANZA * (size_t)r->ct[1];
	if (r->ctlen < r->hlen + NONCE + TAG)
		return -1;
	*plain = r->ctlen - r->hlen - NONCE - TAG;
	{
		const char *const ads[] = { AD_TAG, part[0], part[1], part[2] };

		for (i = 0; i < 4; i++) {
			size_t n = strlen(ads[i]);

			if (adlen + n + 1 > sizeof(ad))
				return -1;
			memcpy(ad + adlen, ads[i], n + 1);
			adlen += n + 1;
		}
	}
	r->aadlen = r->hlen + adlen;
	if ((r->aad = malloc(r->aadlen)) == NULL)
		return -1;
	memcpy(r->aad, r->ct, r->hlen);
	memcpy(r->aad + r->hlen, ad, adlen);
	return 0;
}

static int read_rows(const char *path, struct rows *rs)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, plain;
	void *q;
	int rc = 0;

	if (f == NULL)
		return -1;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		if (rs->n == rs->cap) {
			rs->cap = rs->cap ? 2 * rs->cap : 1024;
			if ((q = realloc(rs->r, rs->cap * sizeof(*rs->r))) == NULL) {
				rc = -1;
				break;
			}
			rs->r = q;
		}
		memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
		if ((rc = parse_row(line, &rs->r[rs->n], &plain)) == 0) {
			rs->n++;
			rs->plain += plain;
			if (plain > rs->maxplain)
				rs->maxplain = plain;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

/* --- the passes ------------------------------------------------------------ */

struct keys {
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	unsigned char id[ID_BYTES];
};

/* The file key of r from the stanza for k (key.c's open_file_key). */
static int open_stanza(const struct keys *k, const struct row *r,
    unsigned char fk[FILE_KEY])
{
	const unsigned char *p;
	size_t i;

	for (i = 0; i < r->ct[1]; i++) {
		p = r->ct + 2 + STANZA * i;
		if (memcmp(p, k->id, ID_BYTES) == 0 &&
		    crypto_box_seal_open(fk, p + ID_BYTES, crypto_box_SEALBYTES + FILE_KEY,
		    k->pk, k->sk) == 0)
			return 0;
	}
	return -1;
}

static int open_body(const struct row *r, const unsigned char fk[FILE_KEY],
    unsigned char *out)
{
	return crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL,
	    r->ct + r->hlen + NONCE, r->ctlen - r->hlen - NONCE, r->aad, r->aadlen,
	    r->ct + r->hlen, fk);
}

enum mode { WHOLE, SEAL_ONLY, AEAD_ONLY };

/* One pass over every row; its seconds, or -1 if a record did not open. */
static double pass(const struct keys *k, struct rows *rs, enum mode m,
    unsigned char *out)
{
	unsigned char fk[FILE_KEY];
	size_t i;
	int bad = 0;
	double t = now();

	for (i = 0; i < rs->n; i++) {
		struct row *r = &rs->r[i];

		if (m == AEAD_ONLY)
			bad |= open_body(r, r->fk, out);
		else if ((bad |= open_stanza(k, r, m == SEAL_ONLY ? r->fk : fk)) == 0 &&
		    m == WHOLE)
			bad |= open_body(r, fk, out);
	}
	t = now() - t;
	sodium_memzero(fk, sizeof(fk));
	return bad ? -1 : t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Runs n passes of mode m; prints NAME_median_s and NAME_best_s. */
static int timed(const char *name, const struct keys *k, struct rows *rs,
    enum mode m, int n, unsigned char *out)
{
	double t[MAX_PASSES];
	int i;

	for (i = 0; i < n; i++)
		if ((t[i] = pass(k, rs, m, out)) < 0)
			return -1;
	qsort(t, (size_t)n, sizeof(t[0]), cmp_double);
	printf("%s_median_s %.6f\n%s_best_s %.6f\n", name, t[n / 2], name, t[0]);
	return 0;
}

int main(int argc, char **argv)
{
	static struct keys k;
	struct rows rs = { 0 };
	const char *pass_env = getenv("KAA_PASSPHRASE");
	int passes = argc > 3 ? atoi(argv[3]) : 7, rc;
	unsigned char *out;
	double kdf_s = 0;
	size_t i;

	if (argc < 3 || argc > 4 || passes < 1 || passes > MAX_PASSES) {
		fputs("usage: KAA_PASSPHRASE=... seal-floor SECRET_KEY ROWS [PASSES]\n", stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return die("cannot initialise libsodium");
	if (pass_env == NULL)
		return die("KAA_PASSPHRASE is not set");
	if (load_secret(argv[1], pass_env, k.pk, k.sk, &kdf_s) != 0)
		return die("cannot read or open the secret key (file or passphrase)");
	crypto_generichash(k.id, ID_BYTES, k.pk, sizeof(k.pk), NULL, 0);
	if (read_rows(argv[2], &rs) != 0 || rs.n == 0)
		return die("cannot read the rows (format 2 envelopes only)");
	if ((out = malloc(rs.maxplain + 1)) == NULL)
		return die("out of memory");
	printf("records %zu\nplain_bytes %zu\nkdf_s %.6f\n", rs.n, rs.plain, kdf_s);
	/* One untimed pass warms the caches, checks every record and keeps
	 * the file keys for the AEAD-only passes. */
	rc = pass(&k, &rs, SEAL_ONLY, out) < 0 ||
	    timed("floor", &k, &rs, WHOLE, passes, out) != 0 ||
	    timed("seal_open", &k, &rs, SEAL_ONLY, passes, out) != 0 ||
	    timed("aead", &k, &rs, AEAD_ONLY, passes, out) != 0;
	for (i = 0; i < rs.n; i++) {
		free(rs.r[i].ct);
		free(rs.r[i].aad);
	}
	sodium_memzero(&k, sizeof(k));
	free(rs.r);
	free(out);
	return rc ? die("a record did not open with this key") : 0;
}
