/* check_gen_fm.c — unit tests for kaa-gen's front matter parser (gen_fm.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gen_fm.h"
#include "testutil.h"

static const struct fm_case {
	const char *in;
	int         rc;
	int         line;        /* error line, or body line on FM_OK */
	const char *key;         /* error key; on FM_OK the title */
	const char *desc;        /* on FM_OK */
	long        order;       /* -999: no order */
	int         audience;
	int         lang;        /* -1: not given */
} cases[] = {
	/* valid */
	{ "---\ntitle: T\ndescription: D\n---\nbody", FM_OK, 5, "T", "D",
	  -999, FM_AUD_NONE, -1 },
	{ "---\ntitle: \"Q \\\"x\\\" \\\\ y\"\ndescription: 'it''s'\n---\n",
	  FM_OK, 5, "Q \"x\" \\ y", "it's", -999, 0, -1 },
	{ "---\r\ntitle: T\r\ndescription: D\r\norder: 3\r\n---\r\n", FM_OK, 6,
	  "T", "D", 3, 0, -1 },
	{ "\xef\xbb\xbf---\ntitle: T\ndescription: D\n---\n", FM_OK, 5, "T",
	  "D", -999, 0, -1 },
	{ "---\ntitle: T\n\n# a comment\ndescription: D # trailing\nweight: -7\n"
	  "audience: skolor\nlang: en\n---\n", FM_OK, 10, "T", "D", -7,
	  FM_AUD_SKOLOR, FM_LANG_EN },
	{ "---\ntitle: C# and #tags\ndescription: \"D\" # c\naudience: "
	  "\"unga\"\n---\n", FM_OK, 6, "C# and", "D", -999, FM_AUD_UNGA,
	  -1 },
	{ "---\ntitle:   spaced   \ndescription:\tD\t\n---   \nx", FM_OK, 5,
	  "spaced", "D", -999, 0, -1 },
	{ "---\ntitle: Åäö – \"fina\"\ndescription: x: y\norder: 0\n---", FM_OK,
	  6, "Åäö – \"fina\"", "x: y", 0, 0, -1 },
	{ "---\ntitle: T\ndescription: D\naudience: alla\nlang: sv\n---\n",
	  FM_OK, 7, "T", "D", -999, FM_AUD_ALLA, FM_LANG_SV },
	/* invalid */
	{ "", FM_ENOSTART, 1, "", NULL, 0, 0, 0 },
	{ "# Title\n", FM_ENOSTART, 1, "", NULL, 0, 0, 0 },
	{ "+++\ntitle = \"T\"\n+++\n", FM_ENOSTART, 1, "", NULL, 0, 0, 0 },
	{ "---\ntitle: T\ndescription: D\n", FM_EUNTERMINATED, 1, "", NULL, 0,
	  0, 0 },
	{ "---\ntitle: T\ncolour: blue\n---\n", FM_EUNKNOWN, 3, "colour",
	  NULL, 0, 0, 0 },
	{ "---\nTitle: T\n---\n", FM_EUNKNOWN, 2, "Title", NULL, 0, 0, 0 },
	{ "---\ntitle T\n---\n", FM_ESYNTAX, 2, "title", NULL, 0, 0, 0 },
	{ "---\ntitle:T\n---\n", FM_ESYNTAX, 2, "title", NULL, 0, 0, 0 },
	{ "---\n- item\n---\n", FM_ESYNTAX, 2, "", NULL, 0, 0, 0 },
	{ "---\ntitle: T\n  nested: x\n---\n", FM_ESYNTAX, 3, "", NULL, 0, 0,
	  0 },
	{ "---\ntitle: T\ntitle: U\n---\n", FM_EDUP, 3, "title", NULL, 0, 0,
	  0 },
	{ "---\norder: 1\nweight: 2\n---\n", FM_EDUP, 3, "weight", NULL, 0, 0,
	  0 },
	{ "---\ntitle: T\ndescription: D\norder: x1\n---\n", FM_EINT, 4,
	  "order", NULL, 0, 0, 0 },
	{ "---\ntitle: T\ndescription: D\norder: 1.5\n---\n", FM_EINT, 4,
	  "order", NULL, 0, 0, 0 },
	{ "---\ntitle: T\ndescription: D\nweight: \"3\"\n---\n", FM_EINT, 4,
	  "weight", NULL, 0, 0, 0 },
	{ "---\ntitle: T\ndescription: D\norder: 99999999999\n---\n", FM_EINT,
	  4, "order", NULL, 0, 0, 0 },
	{ "---\ntitle: T\ndescription: D\norder:\n---\n", FM_EINT, 4, "order",
	  NULL, 0, 0, 0 },
	{ "---\ntitle: T\ndescription: D\naudience: vuxna\n---\n", FM_EVALUE,
	  4, "audience", NULL, 0, 0, 0 },
	{ "---\ntitle: T\ndescription: D\nlang: de\n---\n", FM_EVALUE, 4,
	  "lang", NULL, 0, 0, 0 },
	{ "---\ntitle:\ndescription: D\n---\n", FM_EVALUE, 2, "title", NULL, 0,
	  0, 0 },
	{ "---\ntitle: \"\"\ndescription: D\n---\n", FM_EVALUE, 2, "title",
	  NULL, 0, 0, 0 },
	{ "---\ntitle: \"open\ndescription: D\n---\n", FM_EQUOTE, 2, "title",
	  NULL, 0, 0, 0 },
	{ "---\ntitle: \"a\" b\n---\n", FM_EQUOTE, 2, "title", NULL, 0, 0, 0 },
	{ "---\ntitle: \"a\\q\"\n---\n", FM_EQUOTE, 2, "title", NULL, 0, 0, 0 },
	{ "---\ntitle: T\n---\n", FM_EMISSING, 1, "description", NULL, 0, 0,
	  0 },
	{ "---\ndescription: D\n---\n", FM_EMISSING, 1, "title", NULL, 0, 0,
	  0 },
	{ "---\n---\n", FM_EMISSING, 1, "title", NULL, 0, 0, 0 },
};

START_TEST(test_fm_table)
{
	const struct fm_case *c = &cases[_i];
	struct fm_errinfo ei;
	struct fm f;
	int rc;

	rc = fm_parse(c->in, strlen(c->in), &f, &ei);
	ck_assert_msg(rc == c->rc, "case %d: rc %d (%s), want %d", _i, rc,
	    fm_strerror(rc), c->rc);
	if (rc != FM_OK) {
		ck_assert_int_eq(ei.line, c->line);
		ck_assert_str_eq(ei.key, c->key);
		ck_assert_ptr_null(f.title);
		ck_assert_ptr_null(f.description);
		return;
	}
	ck_assert_str_eq(f.title, c->key);
	ck_assert_str_eq(f.description, c->desc);
	ck_assert_int_eq(f.body_line, c->line);
	ck_assert_int_eq(f.has_order, c->order != -999);
	if (c->order != -999)
		ck_assert_int_eq(f.order, c->order);
	ck_assert_int_eq(f.audience, c->audience);
	ck_assert_int_eq(f.has_lang, c->lang != -1);
	if (c->lang != -1)
		ck_assert_int_eq(f.lang, c->lang);
	fm_free(&f);
}
END_TEST

START_TEST(test_fm_body_offset)
{
	const char *src = "---\ntitle: T\ndescription: D\n---\n\nHello {{x}}\n";
	struct fm f;

	ck_assert_int_eq(fm_parse(src, strlen(src), &f, NULL), FM_OK);
	ck_assert_str_eq(src + f.body_off, "\nHello {{x}}\n");
	ck_assert_int_eq(f.body_line, 5);
	fm_free(&f);
	fm_free(&f);            /* idempotent */
	fm_free(NULL);
}
END_TEST

START_TEST(test_fm_not_terminated_string)
{
	/* len bounds the parse: nothing past it is read. An unquoted value
	 * ends at " #", as in YAML (see the table). */
	const char src[] = "---\ntitle: T\ndescription: D\n---\nBODY";
	struct fm f;

	ck_assert_int_eq(fm_parse(src, 28, &f, NULL), FM_EUNTERMINATED);
	ck_assert_int_eq(fm_parse(src, 20, &f, NULL), FM_ESYNTAX);
	ck_assert_int_eq(fm_parse(src, 33, &f, NULL), FM_OK);
	ck_assert_uint_eq(f.body_off, 32);
	fm_free(&f);
}
END_TEST

START_TEST(test_fm_names)
{
	ck_assert_str_eq(fm_lang_name(FM_LANG_SV), "sv");
	ck_assert_str_eq(fm_lang_name(FM_LANG_EN), "en");
	ck_assert_str_eq(fm_lang_name(99), "");
	ck_assert_str_eq(fm_audience_name(FM_AUD_VARDNADSHAVARE),
	    "vardnadshavare");
	ck_assert_str_eq(fm_audience_name(FM_AUD_NONE), "");
	ck_assert_str_eq(fm_strerror(12345), "unknown front matter error");
}
END_TEST

static Suite *
fm_suite(void)
{
	Suite *s = suite_create("gen_fm");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_fm_table, 0,
	    (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_fm_body_offset);
	tcase_add_test(tc, test_fm_not_terminated_string);
	tcase_add_test(tc, test_fm_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(fm_suite());
}
