/* check_gen_shell.c — the e-service page shell kaa-gen writes (gen_site.h):
 * configuration values and menu titles in it stay text when kaa-fcgi
 * fills in the shell, whatever template syntax they hold. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "conf.h"
#include "gen_diag.h"
#include "gen_site.h"
#include "tmpl.h"
#include "testutil.h"

/* Office settings that are template syntax, next to placeholders of the
 * layout ("{" then "{{page.url}}" would make "{{{page.url}}"), escaped
 * ({{office.name}}) and raw ({{{office.address}}}); a value that already
 * holds an HTML reference, which must stay as typed. */
static const char conf_ini[] =
    "[municipality]\n"
    "id = testkommun\n"
    "name = Test{kommun\n"
    "[office]\n"
    "name    = <b>{{{page.body}}}</b>\n"
    "address = {{page.title}}{\n"
    "email   = x&#123;y}}\n"
    "[eservice]\n"
    "base   = /e-tjanst/testkommun\n"
    "youth  = /e-tjanst/testkommun/sysselsattning\n"
    "layout = shell.html\n"
    "[site]\n"
    "url    = https://www.testkommun.example\n"
    "output = out\n"
    "[keys]\n"
    "public_key = test.pub\n"
    "[inbox]\n"
    "path = inbox.sqlite\n";

static const char layout[] =
    "<title>{{page.title}} – {{municipality.name}}</title>\n"
    "<nav>{{{site.menu}}}</nav>\n"
    "{{{page.breadcrumbs}}}\n"
    "<main><h1>{{page.title}}</h1>\n"
    "{{{page.body}}}</main>\n"
    "{{{page.subnav}}}\n"
    "<footer><p>{{office.name}}</p>"
    "<p>{{{office.address}}}{{page.url}}</p>"
    "<p>{{office.email}}</p></footer>\n";

static void
put_file(const char *dir, const char *name, const char *text)
{
	char *p = testdir_path(dir, name);
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	free(p);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* Builds the site in a fresh directory; the shell's text in *shell. */
static char *
build(buf *shell)
{
	char *dir = testdir_make(), *p, *q;
	struct site_opts o = { 0 };
	struct site_stats st;
	struct diag d = DIAG_INIT;

	ck_assert_ptr_nonnull(dir);
	p = testdir_path(dir, "content");
	q = testdir_path(dir, "site");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(mkdir(q, 0700), 0);
	free(p);
	free(q);
	put_file(dir, "conf.ini", conf_ini);
	put_file(dir, "site/layout.html", layout);
	put_file(dir, "content/index.md",
	    "---\ntitle: Start\ndescription: Startsidan.\n---\nHej.\n");
	put_file(dir, "content/om.md", "---\ntitle: \"Om {{{page.body}}}\"\n"
	    "description: En sida.\norder: 1\n---\nHej.\n");
	o.conf_path = p = testdir_path(dir, "conf.ini");
	o.content_dir = q = testdir_path(dir, "content");
	o.layout_dir = testdir_path(dir, "site");
	o.jobs = 1;
	if (site_build(&o, &st, &d) != 0)
		diag_print(&d, stderr);
	ck_assert_int_eq((int)d.n, 0);
	diag_free(&d);
	free(p);
	free(q);
	free((char *)o.layout_dir);
	p = testdir_path(dir, "shell.html");
	ck_assert_int_eq(buf_read_file(shell, p), 0);
	free(p);
	return dir;
}

START_TEST(test_values_are_text)
{
	buf shell = BUF_INIT;
	char *dir = build(&shell);

	/* The browser shows the settings as typed... */
	ck_assert_ptr_nonnull(strstr(shell.data,
	    "<footer><p>&lt;b&gt;&#123;&#123;&#123;page.body}}}&lt;/b&gt;</p>"
	    "<p>&#123;&#123;page.title}}&#123;{{page.url}}</p>"
	    "<p>x&amp;#123;y}}</p></footer>"));
	ck_assert_ptr_nonnull(strstr(shell.data, "Test&#123;kommun</title>"));
	ck_assert_ptr_nonnull(strstr(shell.data,
	    "<a href=\"/om/\">Om &#123;&#123;&#123;page.body}}}</a>"));
	/* ...and the page's own placeholders are still there, once each. */
	ck_assert_uint_eq(count(shell.data, "{{{page.body}}}"), 1);
	ck_assert_uint_eq(count(shell.data, "{{page.title}}"), 2);
	ck_assert_uint_eq(count(shell.data, "{{page.url}}"), 1);
	buf_free(&shell);
	testdir_remove(dir);
}
END_TEST

/* kaa-fcgi's rendering (fcgi/eservice.c: the page's values, then the
 * configuration): the typed form goes into <main> only. */
START_TEST(test_kaa_fcgi_fills_only_the_page)
{
	static const struct tmpl_var page[] = {
		{ "page.title", "TITEL" }, { "page.description", "BESKRIVNING" },
		{ "page.url", "/ADRESS" }, { "page.body", "<form>FORMULÄR</form>" },
		{ "page.breadcrumbs", "" }, { "page.subnav", "" },
	};
	struct tmpl_scope scope = { page, sizeof page / sizeof page[0], NULL };
	struct conf *conf = NULL;
	buf shell = BUF_INIT, out = BUF_INIT;
	char *dir = build(&shell), *p = testdir_path(dir, "conf.ini");

	ck_assert_int_eq(conf_load(p, &conf, NULL), CONF_OK);
	scope.outer = &conf->scope;
	ck_assert_int_eq(tmpl_render(&out, shell.data, shell.len, &scope, NULL),
	    TMPL_OK);
	buf_puts(&out, "");
	ck_assert_uint_eq(count(out.data, "FORMULÄR"), 1);
	ck_assert_ptr_nonnull(strstr(out.data,
	    "<main><h1>TITEL</h1>\n<form>FORMULÄR</form></main>"));
	ck_assert_ptr_nonnull(strstr(out.data,
	    "<footer><p>&lt;b&gt;&#123;&#123;&#123;page.body}}}&lt;/b&gt;</p>"
	    "<p>&#123;&#123;page.title}}&#123;/ADRESS</p>"));
	ck_assert_uint_eq(count(out.data, "TITEL"), 2);
	conf_free(conf);
	free(p);
	buf_free(&out);
	buf_free(&shell);
	testdir_remove(dir);
}
END_TEST

static Suite *
shell_suite(void)
{
	Suite *s = suite_create("gen_shell");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_values_are_text);
	tcase_add_test(tc, test_kaa_fcgi_fills_only_the_page);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(shell_suite());
}
