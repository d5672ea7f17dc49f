/* check_conf.c — municipality configuration files. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "testutil.h"

#define HEAD "[municipality]\nid = testkommun\nname = Testkommun\n" \
	"[eservice]\nbase = /e-tjanst/testkommun\nlayout = shell.html\n"
#define INBOX "[inbox]\npath = var/inbox.sqlite\n"
#define NOKEYS HEAD INBOX
#define BASE HEAD "[keys]\npublic_key = /abs/k.pub\n" INBOX

#define X10 "xxxxxxxxxx"
#define X190 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 \
	X10 X10 X10 X10

static const struct {
	const char *text;
	int         rc;
	const char *key;    /* expected ei.key on error */
} cases[] = {
	{ BASE, CONF_OK, NULL },
	{ BASE "retention_days = 30\n", CONF_OK, NULL },
	{ BASE "retention_days = 0\n", CONF_EVALUE, "inbox.retention_days" },
	{ BASE "retention_days = 12x\n", CONF_EVALUE, "inbox.retention_days" },
	{ BASE "[municipality]\nid = again\n", CONF_EDUP, "municipality.id" },
	{ "[municipality]\nname = X\n", CONF_EMISSING, "municipality.id" },
	{ "[municipality]\nid = Bad Id\nname = X\n[eservice]\nbase = /e\nlayout = l\n"
	  "[keys]\npublic_key = k\n[inbox]\npath = p\n", CONF_EVALUE, "municipality.id" },
	{ "[municipality]\nid = ok\nname = X\n[eservice]\nbase = /e/\nlayout = l\n"
	  "[keys]\npublic_key = k\n[inbox]\npath = p\n", CONF_EVALUE, "eservice.base" },
	{ "[municipality\nid = x\n", CONF_ESYNTAX, NULL },
	/* 199 characters fit; 200 would be split by libinih */
	{ BASE "[office]\nhours = " X190 "1\n", CONF_OK, NULL },
	{ BASE "[office]\nhours = " X190 "1\r\n", CONF_OK, NULL },
	{ BASE "[office]\nhours = " X190 "12\n", CONF_ELONG, NULL },
};

START_TEST(load_cases)
{
	char *dir = testdir_make(), *path = testdir_path(dir, "k.ini");
	struct conf_errinfo ei;
	struct conf *c;
	FILE *f = fopen(path, "w");
	int rc;

	fputs(cases[_i].text, f);
	fclose(f);
	rc = conf_load(path, &c, &ei);
	ck_assert_int_eq(rc, cases[_i].rc);
	if (cases[_i].key != NULL)
		ck_assert_str_eq(ei.key, cases[_i].key);
	if (rc == CONF_ESYNTAX)
		ck_assert_int_eq(ei.line, 1);
	if (rc == CONF_ELONG)
		ck_assert_int_eq(ei.line, 12);
	if (rc == CONF_OK) {
		char *want = testdir_path(dir, "var/inbox.sqlite");

		ck_assert_str_eq(c->id, "testkommun");
		ck_assert_str_eq(c->inbox_path, want);         /* relative to the file */
		ck_assert_str_eq(c->public_key_path, "/abs/k.pub");  /* absolute kept */
		ck_assert_uint_eq(c->npublic_keys, 1);
		ck_assert_ptr_null(c->site_output);
		ck_assert_str_eq(tmpl_lookup(&c->scope, "municipality.name", 17), "Testkommun");
		free(want);
		conf_free(c);
	} else
		ck_assert_ptr_null(c);
	free(path);
	testdir_remove(dir);
}
END_TEST

/* The shipped example configurations load. */
/* keys.public_key: each expected path is absolute, or relative to the
 * configuration's directory. */
static const struct {
	const char *value;
	const char *want[CONF_MAX_KEYS + 1];   /* NULL-terminated; NULL: error */
} keys[] = {
	{ "/abs/k.pub", { "/abs/k.pub" } },
	{ "k.pub", { "k.pub" } },
	{ "a.pub ,  /abs/b.pub,\tkeys/c.pub  ", { "a.pub", "/abs/b.pub", "keys/c.pub" } },
	{ "1,2,3,4,5,6,7,8", { "1", "2", "3", "4", "5", "6", "7", "8" } },
	{ "1,2,3,4,5,6,7,8,9", { NULL } },
	{ "a.pub,,b.pub", { NULL } },
	{ "a.pub,", { NULL } },
	{ " , ", { NULL } },
};

START_TEST(public_keys)
{
	char *dir = testdir_make(), *path = testdir_path(dir, "k.ini"), *want;
	struct conf_errinfo ei;
	struct conf *c;
	FILE *f = fopen(path, "w");
	size_t i;

	fprintf(f, NOKEYS "[keys]\npublic_key = %s\n", keys[_i].value);
	fclose(f);
	if (keys[_i].want[0] == NULL) {
		ck_assert_int_eq(conf_load(path, &c, &ei), CONF_EVALUE);
		ck_assert_str_eq(ei.key, "keys.public_key");
		ck_assert_ptr_null(c);
	} else {
		ck_assert_int_eq(conf_load(path, &c, &ei), CONF_OK);
		for (i = 0; keys[_i].want[i] != NULL; i++) {
			want = keys[_i].want[i][0] == '/' ? strdup(keys[_i].want[i]) :
			    testdir_path(dir, keys[_i].want[i]);
			ck_assert_str_eq(c->public_key_paths[i], want);
			free(want);
		}
		ck_assert_uint_eq(c->npublic_keys, i);
		ck_assert_ptr_eq(c->public_key_path, c->public_key_paths[0]);
		conf_free(c);
	}
	free(path);
	testdir_remove(dir);
}
END_TEST

START_TEST(shipped_examples)
{
	static const char *const files[] = { "conf/exempelkommun.ini", "conf/provstad.ini" };
	struct conf *c;
	size_t i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(conf_load(files[i], &c, NULL), CONF_OK);
		ck_assert_ptr_nonnull(conf_get(c, "office.phone"));
		ck_assert_ptr_nonnull(c->site_output);
		conf_free(c);
	}
	ck_assert_int_eq(conf_load("conf/nonexistent.ini", &c, NULL), CONF_EOPEN);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, load_cases, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, public_keys, 0, sizeof(keys) / sizeof(keys[0]));
	tcase_add_test(tc, shipped_examples);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
