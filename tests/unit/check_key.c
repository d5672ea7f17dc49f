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

int main(void)
{
	Suite *s = suite_create("key");
	TCase *tc = tcase_create("key");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, wrong_passphrase_and_overwrite);
	tcase_add_loop_test(tc, damaged_public, 0, sizeof(bad_public) / sizeof(bad_public[0]));
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
