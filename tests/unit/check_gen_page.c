/* check_gen_page.c — unit tests for kaa-gen's Markdown step (gen_page.h),
 * its error list (gen_diag.h) and its file writing (gen_out.h). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen_diag.h"
#include "gen_out.h"
#include "gen_page.h"
#include "testutil.h"

static const struct tmpl_var vars[] = {
	{ "office.phone", "08-465 004 10" },
	{ "eservice.youth", "/e-tjanst/x/sysselsattning" },
	{ "office.name", "KAA & co" },
};
static const struct tmpl_scope scope = { vars, 3, NULL };

struct seen {
	char url[16][64];
	int  line[16];
	int  image[16];
	int  n;
};

static void
collect(void *arg, const char *url, int line, int is_image)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, 16);
	snprintf(s->url[s->n], sizeof s->url[0], "%s", url);
	s->line[s->n] = line;
	s->image[s->n] = is_image;
	s->n++;
}

static const char doc[] =
    "# Rubrik\n"
    "\n"
    "Ring {{office.phone}} eller [svara]({{eservice.youth}}).\n"
    "Text med *betoning* och\n"
    "en [länk](/unga/ \"titel\") mitt i stycket.\n"
    "\n"
    "- ![bild](/assets/a.png)\n"
    "- [ref][r]\n"
    "\n"
    "<script>alert(1)</script>\n"
    "\n"
    "{{office.name}}\n"
    "\n"
    "[r]: ../x/\n";

START_TEST(test_markdown)
{
	struct page_pool *pool = _i ? page_pool_new() : NULL;
	struct tmpl_errinfo ei;
	struct seen s = { .n = 0 };
	buf tmp = BUF_INIT, html = BUF_INIT;
	int round;

	/* twice, so the pool's reset is exercised */
	for (round = 0; round < 2; round++) {
		s.n = 0;
		buf_reset(&html);
		ck_assert_int_eq(page_markdown(doc, strlen(doc), &scope, pool,
		    &tmp, &html, collect, &s, &ei), PAGE_OK);
		ck_assert_str_eq(html.data,
		    "<h1>Rubrik</h1>\n"
		    "<p>Ring 08-465 004 10 eller <a href=\"/e-tjanst/x/"
		    "sysselsattning\">svara</a>.\n"
		    "Text med <em>betoning</em> och\n"
		    "en <a href=\"/unga/\" title=\"titel\">länk</a> mitt i "
		    "stycket.</p>\n"
		    "<ul>\n"
		    "<li><img src=\"/assets/a.png\" alt=\"bild\" /></li>\n"
		    "<li><a href=\"../x/\">ref</a></li>\n"
		    "</ul>\n"
		    "<!-- raw HTML omitted -->\n"
		    "<p>KAA &amp; co</p>\n");
		ck_assert_int_eq(s.n, 4);
		ck_assert_str_eq(s.url[0], "/e-tjanst/x/sysselsattning");
		ck_assert_int_eq(s.line[0], 3);
		ck_assert_str_eq(s.url[1], "/unga/");
		ck_assert_int_eq(s.line[1], 5);
		ck_assert_str_eq(s.url[2], "/assets/a.png");
		ck_assert_int_eq(s.line[2], 7);
		ck_assert_int_eq(s.image[2], 1);
		ck_assert_str_eq(s.url[3], "../x/");
		ck_assert_int_eq(s.line[3], 8);
		ck_assert_int_eq(s.image[3], 0);
	}
	buf_free(&tmp);
	buf_free(&html);
	page_pool_free(pool);
}
END_TEST

START_TEST(test_markdown_big)
{
	/* More than one pool block, then reuse of the merged block. */
	struct page_pool *pool = page_pool_new();
	buf src = BUF_INIT, tmp = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	int i;

	for (i = 0; i < 20000; i++)
		buf_printf(&src, "- item *%d* [l](/p/%d/)\n", i, i);
	ck_assert_int_eq(page_markdown(src.data, src.len, &scope, NULL, &tmp,
	    &a, NULL, NULL, NULL), PAGE_OK);
	for (i = 0; i < 2; i++) {
		buf_reset(&b);
		ck_assert_int_eq(page_markdown(src.data, src.len, &scope, pool,
		    &tmp, &b, NULL, NULL, NULL), PAGE_OK);
		ck_assert_uint_eq(a.len, b.len);
		ck_assert_int_eq(memcmp(a.data, b.data, a.len), 0);
	}
	page_pool_free(pool);
	page_pool_free(NULL);
	buf_free(&src);
	buf_free(&tmp);
	buf_free(&a);
	buf_free(&b);
}
END_TEST

START_TEST(test_markdown_placeholder_errors)
{
	static const char unknown[] =
	    "Rad 1 [a](/a/)\n\nRad 3 {{office.fax}} [b]({{eservice.youth}})\n";
	static const char syntax[] = "x\n{{ oops\n";
	struct page_pool *pool = page_pool_new();
	struct tmpl_errinfo ei;
	struct seen s = { .n = 0 };
	buf tmp = BUF_INIT, html = BUF_INIT;

	ck_assert_int_eq(page_markdown(unknown, strlen(unknown), &scope, pool,
	    &tmp, &html, collect, &s, &ei), PAGE_EUNKNOWN);
	ck_assert_int_eq(ei.line, 3);
	ck_assert_str_eq(ei.name, "office.fax");
	/* links are still checked, except those with placeholders */
	ck_assert_int_eq(s.n, 1);
	ck_assert_str_eq(s.url[0], "/a/");
	ck_assert_int_eq(page_markdown(syntax, strlen(syntax), &scope, pool,
	    &tmp, &html, NULL, NULL, &ei), PAGE_ESYNTAX);
	ck_assert_int_eq(ei.line, 2);
	page_pool_free(pool);
	buf_free(&tmp);
	buf_free(&html);
}
END_TEST

struct terr {
	int  err[8], line[8];
	char name[8][64];
	int  n;
};

static void
collect_terr(void *arg, int err, int line, const char *name)
{
	struct terr *t = arg;

	ck_assert_int_lt(t->n, 8);
	t->err[t->n] = err;
	t->line[t->n] = line;
	snprintf(t->name[t->n], sizeof t->name[0], "%s", name);
	t->n++;
}

START_TEST(test_placeholder_errors)
{
	static const char text[] =
	    "ok {{office.phone}} {{a}}\n"
	    "\n"
	    "{{{office.name}}} {{ b }} {{{c}}}\n"
	    "{{ x y }} and {{d\n"
	    "{{office.phone}}\n";
	struct terr t = { .n = 0 };
	buf scratch = BUF_INIT;

	ck_assert_int_eq(page_placeholder_errors(text, strlen(text), &scope,
	    &scratch, collect_terr, &t), 5);
	ck_assert_int_eq(t.err[0], TMPL_EUNKNOWN);
	ck_assert_int_eq(t.line[0], 1);
	ck_assert_str_eq(t.name[0], "a");
	ck_assert_int_eq(t.line[1], 3);
	ck_assert_str_eq(t.name[1], "b");
	ck_assert_int_eq(t.line[2], 3);
	ck_assert_str_eq(t.name[2], "c");
	ck_assert_int_eq(t.err[3], TMPL_ESYNTAX);
	ck_assert_int_eq(t.line[3], 4);
	ck_assert_int_eq(t.err[4], TMPL_ESYNTAX);
	ck_assert_int_eq(t.line[4], 4);
	ck_assert_str_eq(t.name[4], "d");
	t.n = 0;
	ck_assert_int_eq(page_placeholder_errors("fine {{office.name}}", 20,
	    &scope, &scratch, collect_terr, &t), 0);
	buf_free(&scratch);
}
END_TEST

START_TEST(test_diag_order)
{
	struct diag d = DIAG_INIT, t = DIAG_INIT;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	diag_add(&d, 2, "b.md", 9, "late %d", 1);
	diag_add(&t, 1, "a.md", 5, "second");
	diag_add(&t, 1, "a.md", 3, "first");
	diag_add(&t, -1, "conf.ini", 0, "site-wide");
	diag_add(&t, 2, "b.md", 9, "late %d", 2);
	ck_assert_int_eq(diag_move(&d, &t), 0);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_uint_eq(d.n, 5);
	f = open_memstream(&out, &len);
	diag_print(&d, f);
	fclose(f);
	ck_assert_str_eq(out, "conf.ini: site-wide\na.md:3: first\n"
	    "a.md:5: second\nb.md:9: late 1\nb.md:9: late 2\n");
	free(out);
	diag_free(&d);
	diag_free(&t);
	diag_free(NULL);
}
END_TEST

START_TEST(test_out_write)
{
	char *dir = testdir_make();
	buf path = BUF_INIT, scratch = BUF_INIT, rd = BUF_INIT;
	struct stat st1, st2;

	ck_assert_ptr_nonnull(dir);
	buf_printf(&path, "%s/a/b/c/index.html", dir);
	ck_assert_int_eq(out_write(path.data, "hej", 3, &scratch),
	    OUT_WRITTEN);
	ck_assert_int_eq(buf_read_file(&rd, path.data), 0);
	ck_assert_str_eq(rd.data, "hej");
	ck_assert_int_eq(stat(path.data, &st1), 0);
	/* same bytes: not touched (same inode, as rename makes a new one) */
	ck_assert_int_eq(out_write(path.data, "hej", 3, &scratch),
	    OUT_UNCHANGED);
	ck_assert_int_eq(stat(path.data, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	/* same length, other bytes; then other length */
	ck_assert_int_eq(out_write(path.data, "hoj", 3, &scratch),
	    OUT_WRITTEN);
	ck_assert_int_eq(out_write(path.data, "", 0, &scratch), OUT_WRITTEN);
	ck_assert_int_eq(buf_read_file(&rd, path.data), 0);
	ck_assert_uint_eq(rd.len, 0);
	/* no temporary file left behind */
	buf_puts(&path, ".tmp");
	ck_assert_int_eq(access(path.data, F_OK), -1);
	/* a new file beside it: the directory exists, so not written in
	 * place but linked in whole */
	buf_reset(&path);
	buf_printf(&path, "%s/a/b/c/other.html", dir);
	ck_assert_int_eq(out_write(path.data, "ny", 2, &scratch), OUT_WRITTEN);
	ck_assert_int_eq(buf_read_file(&rd, path.data), 0);
	ck_assert_str_eq(rd.data, "ny");
	/* never replaces what is not a regular file */
	buf_reset(&path);
	buf_printf(&path, "%s/a", dir);
	ck_assert_int_eq(out_write(path.data, "x", 1, &scratch), OUT_ENOTREG);
	/* like a conf pointing at /dev/null (a fifo here: a test that
	 * fails must not break the machine) */
	buf_reset(&path);
	buf_printf(&path, "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path.data, 0600), 0);
	ck_assert_int_eq(out_write(path.data, "x", 1, &scratch), OUT_ENOTREG);
	buf_reset(&path);
	buf_printf(&path, "%s/link", dir);
	ck_assert_int_eq(symlink("a/b/c/index.html", path.data), 0);
	ck_assert_int_eq(out_write(path.data, "x", 1, &scratch), OUT_ENOTREG);
	ck_assert_int_eq(buf_read_file(&rd, "/nonexistent/x"), -1);
	ck_assert_int_eq(errno, ENOENT);
	buf_free(&path);
	buf_free(&scratch);
	buf_free(&rd);
	testdir_remove(dir);
}
END_TEST

static Suite *
page_suite(void)
{
	Suite *s = suite_create("gen_page");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_markdown, 0, 2);   /* malloc, pool */
	tcase_add_test(tc, test_markdown_big);
	tcase_add_test(tc, test_markdown_placeholder_errors);
	tcase_add_test(tc, test_placeholder_errors);
	tcase_add_test(tc, test_diag_order);
	tcase_add_test(tc, test_out_write);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(page_suite());
}
