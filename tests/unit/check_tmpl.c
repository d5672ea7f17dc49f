/* check_tmpl.c — unit tests for the template renderer (tmpl.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"
#include "testutil.h"

static const struct tmpl_var outer_vars[] = {
	{ "site.name", "Exempelkommun" },
	{ "title", "Outer" },
	{ "x", "<b>&'\"" },
	{ "a_b-c.9", "ok" },
	{ "empty", "" },
	{ "nullval", NULL },
};
static const struct tmpl_scope outer = {
	outer_vars, sizeof outer_vars / sizeof outer_vars[0], NULL
};
static const struct tmpl_var inner_vars[] = {
	{ "title", "Inner & co" },
	{ "body", "<p>Hej</p>" },
};
static const struct tmpl_scope inner = {
	inner_vars, sizeof inner_vars / sizeof inner_vars[0], &outer
};

static const struct render_case {
	const char *tpl;
	int         rc;
	const char *out;    /* whole output (partial on error) */
	int         line;   /* error line, 0 on success */
	const char *name;   /* error name, NULL: not checked */
} render_cases[] = {
	/* plain text and lone braces */
	{ "", TMPL_OK, "", 0, NULL },
	{ "plain <b>text</b>", TMPL_OK, "plain <b>text</b>", 0, NULL },
	{ "a { b } c", TMPL_OK, "a { b } c", 0, NULL },
	{ "{x}", TMPL_OK, "{x}", 0, NULL },
	{ "}}", TMPL_OK, "}}", 0, NULL },
	{ "{", TMPL_OK, "{", 0, NULL },
	{ "end {", TMPL_OK, "end {", 0, NULL },
	{ "{ {title}}", TMPL_OK, "{ {title}}", 0, NULL },
	{ "css{color:red}", TMPL_OK, "css{color:red}", 0, NULL },
	/* escaping, raw, scope chain and shadowing */
	{ "{{x}}", TMPL_OK, "&lt;b&gt;&amp;&#39;&quot;", 0, NULL },
	{ "{{{x}}}", TMPL_OK, "<b>&'\"", 0, NULL },
	{ "{{title}}", TMPL_OK, "Inner &amp; co", 0, NULL },
	{ "{{{title}}}", TMPL_OK, "Inner & co", 0, NULL },
	{ "{{site.name}}", TMPL_OK, "Exempelkommun", 0, NULL },
	{ "{{{body}}}", TMPL_OK, "<p>Hej</p>", 0, NULL },
	{ "{{body}}", TMPL_OK, "&lt;p&gt;Hej&lt;/p&gt;", 0, NULL },
	{ "{{a_b-c.9}}", TMPL_OK, "ok", 0, NULL },
	{ "[{{empty}}]", TMPL_OK, "[]", 0, NULL },
	{ "{{x}}}", TMPL_OK, "&lt;b&gt;&amp;&#39;&quot;}", 0, NULL },
	{ "{{title}}{{title}}", TMPL_OK, "Inner &amp; coInner &amp; co", 0,
	  NULL },
	/* spaces inside braces */
	{ "{{ title }}", TMPL_OK, "Inner &amp; co", 0, NULL },
	{ "{{   site.name}}", TMPL_OK, "Exempelkommun", 0, NULL },
	{ "{{site.name   }}", TMPL_OK, "Exempelkommun", 0, NULL },
	{ "{{{ x }}}", TMPL_OK, "<b>&'\"", 0, NULL },
	{ "{{\ttitle\t}}", TMPL_OK, "Inner &amp; co", 0, NULL },
	{ "<h1>{{ site.name }}</h1>\n<main>{{{ body }}}</main>\n", TMPL_OK,
	  "<h1>Exempelkommun</h1>\n<main><p>Hej</p></main>\n", 0, NULL },
	/* unknown names, with the line they are on */
	{ "{{nope}}", TMPL_EUNKNOWN, "", 1, "nope" },
	{ "abc{{ nope }}def", TMPL_EUNKNOWN, "abc", 1, "nope" },
	{ "l1\nl2\n{{{ missing.key }}}", TMPL_EUNKNOWN, "l1\nl2\n", 3,
	  "missing.key" },
	{ "{{title}}\n\n\n\n{{Title}}", TMPL_EUNKNOWN,
	  "Inner &amp; co\n\n\n\n", 5, "Title" },
	{ "{{nullval}}", TMPL_EUNKNOWN, "", 1, "nullval" },
	{ "{{site}}", TMPL_EUNKNOWN, "", 1, "site" },
	{ "{{site.nam}}", TMPL_EUNKNOWN, "", 1, "site.nam" },
	{ "{{site.names}}", TMPL_EUNKNOWN, "", 1, "site.names" },
	/* malformed or unterminated */
	{ "{{", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{{", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{ }}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{{}}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{title", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{title}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{title }", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{{title}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{a b}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{title!}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{ti tle}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{{{title}}}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{#if x}}", TMPL_ESYNTAX, "", 1, NULL },
	{ "{{ti\ntle}}", TMPL_ESYNTAX, "", 1, "ti" },
	{ "ok\n{{ title }\nmore", TMPL_ESYNTAX, "ok\n", 2, NULL },
	{ "a\n\nb {{ x", TMPL_ESYNTAX, "a\n\nb ", 3, " x" },
	{ "{{ title }}\n{{", TMPL_ESYNTAX, "Inner &amp; co\n", 2, "" },
	{ "{{titlé}}", TMPL_ESYNTAX, "", 1, NULL },
};

START_TEST(test_render)
{
	const struct render_case *c = &render_cases[_i];
	struct tmpl_errinfo ei;
	buf out = BUF_INIT;
	int rc;

	memset(&ei, 0x55, sizeof ei);
	rc = tmpl_render(&out, c->tpl, strlen(c->tpl), &inner, &ei);
	ck_assert_msg(rc == c->rc, "case %d \"%s\": rc %d (%s), want %d",
	    _i, c->tpl, rc, tmpl_strerror(rc), c->rc);
	ck_assert_str_eq(out.data ? out.data : "", c->out);
	ck_assert_int_eq(ei.line, c->line);
	if (c->rc == TMPL_OK)
		ck_assert_str_eq(ei.name, "");
	if (c->name != NULL)
		ck_assert_str_eq(ei.name, c->name);
	ck_assert_uint_lt(strlen(ei.name), sizeof ei.name);
	buf_free(&out);
}
END_TEST

/* Rendering appends; a NULL errinfo is allowed; len bounds the input. */
START_TEST(test_render_api)
{
	buf out = BUF_INIT;
	const char tpl[] = "{{title}}|{{x}}";

	buf_puts(&out, "pre:");
	ck_assert_int_eq(tmpl_render(&out, tpl, 9, &outer, NULL), TMPL_OK);
	ck_assert_str_eq(out.data, "pre:Outer");
	/* Cut mid-placeholder: the length, not the NUL, ends the template. */
	ck_assert_int_eq(tmpl_render(&out, tpl, 13, &outer, NULL),
	    TMPL_ESYNTAX);
	ck_assert_int_eq(tmpl_render(&out, "{{title}}", 9, NULL, NULL),
	    TMPL_EUNKNOWN);
	buf_free(&out);
}
END_TEST

START_TEST(test_lookup)
{
	ck_assert_str_eq(tmpl_lookup(&inner, "title", 5), "Inner & co");
	ck_assert_str_eq(tmpl_lookup(&outer, "title", 5), "Outer");
	ck_assert_str_eq(tmpl_lookup(&inner, "site.name", 9), "Exempelkommun");
	ck_assert_str_eq(tmpl_lookup(&inner, "titlexyz", 5), "Inner & co");
	ck_assert_ptr_null(tmpl_lookup(&inner, "tit", 3));
	ck_assert_ptr_null(tmpl_lookup(&inner, "nope", 4));
	ck_assert_ptr_null(tmpl_lookup(NULL, "title", 5));
	ck_assert_ptr_null(tmpl_lookup(&inner, "nullval", 7));
}
END_TEST

/* An unknown name longer than errinfo.name is truncated, NUL-terminated. */
START_TEST(test_long_name)
{
	struct tmpl_errinfo ei;
	buf tpl = BUF_INIT, out = BUF_INIT;
	int i;

	buf_puts(&tpl, "{{");
	for (i = 0; i < 200; i++)
		buf_putc(&tpl, 'n');
	buf_puts(&tpl, "}}");
	ck_assert_int_eq(tmpl_render(&out, tpl.data, tpl.len, &inner, &ei),
	    TMPL_EUNKNOWN);
	ck_assert_uint_eq(strlen(ei.name), sizeof ei.name - 1);
	ck_assert_int_eq(ei.name[0], 'n');
	buf_free(&tpl);
	buf_free(&out);
}
END_TEST

/* A large template: text, placeholders and lone braces on many lines; the
 * output is compared with one built independently, then an unknown name is
 * put on the last line and its line number checked. */
START_TEST(test_long_input)
{
	enum { LINES = 50000 };
	buf tpl = BUF_INIT, want = BUF_INIT, out = BUF_INIT;
	struct tmpl_errinfo ei;
	int i;

	for (i = 0; i < LINES; i++) {
		buf_printf(&tpl, "%d { } {{ title }} {{{x}}} }}\n", i);
		buf_printf(&want, "%d { } Inner &amp; co <b>&'\" }}\n", i);
	}
	ck_assert_int_eq(tpl.oom | want.oom, 0);
	ck_assert_int_eq(tmpl_render(&out, tpl.data, tpl.len, &inner, &ei),
	    TMPL_OK);
	ck_assert_uint_eq(out.len, want.len);
	ck_assert_int_eq(memcmp(out.data, want.data, want.len), 0);

	buf_puts(&tpl, "last {{ absent }}");
	buf_reset(&out);
	ck_assert_int_eq(tmpl_render(&out, tpl.data, tpl.len, &inner, &ei),
	    TMPL_EUNKNOWN);
	ck_assert_int_eq(ei.line, LINES + 1);
	ck_assert_str_eq(ei.name, "absent");
	buf_free(&tpl);
	buf_free(&want);
	buf_free(&out);
}
END_TEST

/* Pathological inputs must stay linear (the tcase timeout catches it). */
START_TEST(test_pathological)
{
	enum { N = 1 << 21 };
	char *s = malloc(N);
	buf out = BUF_INIT;
	struct tmpl_errinfo ei;

	ck_assert_ptr_nonnull(s);
	memset(s, '}', N);
	ck_assert_int_eq(tmpl_render(&out, s, N, &inner, &ei), TMPL_OK);
	ck_assert_uint_eq(out.len, N);
	buf_reset(&out);
	memset(s, '{', N);
	ck_assert_int_eq(tmpl_render(&out, s, N, &inner, &ei), TMPL_ESYNTAX);
	ck_assert_int_eq(ei.line, 1);
	buf_reset(&out);
	memset(s, ' ', N);
	s[0] = s[1] = '{';
	ck_assert_int_eq(tmpl_render(&out, s, N, &inner, &ei), TMPL_ESYNTAX);
	buf_reset(&out);
	memset(s, 'a', N);
	s[0] = s[1] = '{';
	ck_assert_int_eq(tmpl_render(&out, s, N, &inner, &ei), TMPL_ESYNTAX);
	buf_reset(&out);
	for (int i = 0; i < N; i++)
		s[i] = i % 2 ? '\n' : '{';
	ck_assert_int_eq(tmpl_render(&out, s, N, &inner, &ei), TMPL_OK);
	ck_assert_uint_eq(out.len, N);
	free(s);
	buf_free(&out);
}
END_TEST

START_TEST(test_strerror)
{
	int e;

	for (e = TMPL_OK; e <= TMPL_ENOMEM; e++)
		ck_assert_ptr_nonnull(tmpl_strerror(e));
	ck_assert_str_ne(tmpl_strerror(TMPL_EUNKNOWN),
	    tmpl_strerror(TMPL_ESYNTAX));
	ck_assert_ptr_nonnull(tmpl_strerror(-1));
	ck_assert_ptr_nonnull(tmpl_strerror(999));
}
END_TEST

static Suite *
tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("render");
	TCase *tl = tcase_create("long");

	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_render, 0,
	    (int)(sizeof render_cases / sizeof render_cases[0]));
	tcase_add_test(tc, test_render_api);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_long_name);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	/* Generous enough for valgrind, tight enough to catch quadratic
	 * behaviour on megabyte inputs. */
	tcase_set_timeout(tl, 60);
	tcase_add_test(tl, test_long_input);
	tcase_add_test(tl, test_pathological);
	suite_add_tcase(s, tl);
	return s;
}

int
main(void)
{
	return testutil_run(tmpl_suite());
}
