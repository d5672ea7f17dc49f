/* check_gen_nav.c — unit tests for kaa-gen's menu, breadcrumbs and subnav,
 * and the layout's words per language (gen_nav.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "gen_fm.h"
#include "gen_nav.h"
#include "gen_urlset.h"
#include "testutil.h"

/* index: url, title, order (0 = none), lang */
static const struct {
	const char *url, *title;
	long        order;
	int         lang;
} fixture[] = {
	/* 0 */ { "/", "Start", 0, FM_LANG_SV },
	/* 1 */ { "/unga/", "För unga", 1, FM_LANG_SV },
	/* 2 */ { "/unga/stod/", "Stöd", 2, FM_LANG_SV },
	/* 3 */ { "/unga/arbete/", "Arbete", 1, FM_LANG_SV },
	/* 4 */ { "/unga/ovrigt/", "Övrigt", 0, FM_LANG_SV },
	/* 5 */ { "/unga/annat/", "Annat", 0, FM_LANG_SV },
	/* 6 */ { "/skolor/", "Skolor & <huvudmän>", 2, FM_LANG_SV },
	/* 7 */ { "/kontakt/", "Kontakt", 0, FM_LANG_SV },   /* no order */
	/* 8 */ { "/404.html", "Sidan finns inte", 9, FM_LANG_SV },
	/* 9 */ { "/en/", "In English", 5, FM_LANG_EN },
	/* 10 */ { "/en/youth/", "Young people", 1, FM_LANG_EN },
	/* 11 */ { "/unga/djup/sida/", "Djup", 0, FM_LANG_SV }, /* gap */
	/* 12 */ { "/a/", "A (ordered, same order as B)", 3, FM_LANG_SV },
	/* 13 */ { "/b/", "Ä", 3, FM_LANG_SV },
};
#define NPAGES (sizeof fixture / sizeof fixture[0])

static struct page pages[NPAGES];
static struct urlset *urls;
static struct nav *nv;

static void
setup(void)
{
	size_t i;

	urls = urlset_new(NPAGES);
	for (i = 0; i < NPAGES; i++) {
		memset(&pages[i], 0, sizeof pages[i]);
		pages[i].url = (char *)fixture[i].url;
		pages[i].title = (char *)fixture[i].title;
		pages[i].order = fixture[i].order;
		pages[i].has_order = fixture[i].order != 0;
		pages[i].lang = fixture[i].lang;
		ck_assert_int_eq(urlset_add(urls, pages[i].url, (int)i, NULL), 0);
	}
	nv = nav_new(pages, NPAGES, urls, 1);
	ck_assert_ptr_nonnull(nv);
}

static void
teardown(void)
{
	nav_free(nv);
	urlset_free(urls);
}

static char *
render(int (*fn)(const struct nav *, int, buf *), int cur)
{
	buf b = BUF_INIT;

	ck_assert_int_eq(fn(nv, cur, &b), 0);
	buf_puts(&b, "");
	return buf_detach(&b);
}

static char *
menu(int cur, int lang)
{
	buf b = BUF_INIT;

	ck_assert_int_eq(nav_menu(nv, cur, lang, &b), 0);
	buf_puts(&b, "");
	return buf_detach(&b);
}

#define MENU_SV_HEAD "<ul class=\"menu\">\n<li><a href=\"/unga/\""
#define MENU_SV_TAIL \
	"<li><a href=\"/skolor/\">Skolor &amp; &lt;huvudmän&gt;</a></li>\n" \
	"<li><a href=\"/a/\">A (ordered, same order as B)</a></li>\n" \
	"<li><a href=\"/b/\">Ä</a></li>\n</ul>"

START_TEST(test_menu)
{
	char *m;

	/* top-level pages with an order, by order then title; no /kontakt/
	 * (no order), no /404.html, no /en/ (another language) */
	m = menu(2, FM_LANG_SV);
	ck_assert_str_eq(m, MENU_SV_HEAD " aria-current=\"page\">För unga"
	    "</a></li>\n" MENU_SV_TAIL);
	free(m);
	m = menu(-1, FM_LANG_SV);
	ck_assert_str_eq(m, MENU_SV_HEAD ">För unga</a></li>\n" MENU_SV_TAIL);
	free(m);
	m = menu(7, FM_LANG_SV);      /* a page not in the menu */
	ck_assert_str_eq(m, MENU_SV_HEAD ">För unga</a></li>\n" MENU_SV_TAIL);
	free(m);
	m = menu(10, FM_LANG_EN);
	ck_assert_str_eq(m, "<ul class=\"menu\">\n<li><a href=\"/en/youth/\" "
	    "aria-current=\"page\">Young people</a></li>\n</ul>");
	free(m);
	m = menu(9, 42);              /* out of range: Swedish */
	ck_assert_ptr_nonnull(strstr(m, "/unga/"));
	free(m);
}
END_TEST

START_TEST(test_breadcrumbs)
{
	char *b;

	b = render(nav_breadcrumbs, 0);
	ck_assert_str_eq(b, "");
	free(b);
	b = render(nav_breadcrumbs, 9);
	ck_assert_str_eq(b, "");
	free(b);
	b = render(nav_breadcrumbs, -1);
	ck_assert_str_eq(b, "");
	free(b);
	b = render(nav_breadcrumbs, 2);
	ck_assert_str_eq(b, "<nav class=\"breadcrumbs\" aria-label=\"Du är "
	    "här\">\n<ol>\n<li><a href=\"/\">Startsida</a></li>\n"
	    "<li><a href=\"/unga/\">För unga</a></li>\n"
	    "<li aria-current=\"page\">Stöd</li>\n</ol>\n</nav>");
	free(b);
	/* /unga/djup/ is not a page: skipped */
	b = render(nav_breadcrumbs, 11);
	ck_assert_str_eq(b, "<nav class=\"breadcrumbs\" aria-label=\"Du är "
	    "här\">\n<ol>\n<li><a href=\"/\">Startsida</a></li>\n"
	    "<li><a href=\"/unga/\">För unga</a></li>\n"
	    "<li aria-current=\"page\">Djup</li>\n</ol>\n</nav>");
	free(b);
	b = render(nav_breadcrumbs, 10);
	ck_assert_str_eq(b, "<nav class=\"breadcrumbs\" aria-label=\"You are "
	    "here\">\n<ol>\n<li><a href=\"/en/\">Home page</a></li>\n"
	    "<li aria-current=\"page\">Young people</li>\n</ol>\n</nav>");
	free(b);
	b = render(nav_breadcrumbs, 6);
	ck_assert_ptr_nonnull(strstr(b, "<li aria-current=\"page\">Skolor "
	    "&amp; &lt;huvudmän&gt;</li>"));
	free(b);
}
END_TEST

#define SUBNAV_UNGA(a, b, c, d, e) \
	"<nav class=\"subnav\" aria-label=\"I det här avsnittet\">\n<ul>\n" \
	"<li><a href=\"/unga/arbete/\"" a ">Arbete</a></li>\n" \
	"<li><a href=\"/unga/stod/\"" b ">Stöd</a></li>\n" \
	"<li><a href=\"/unga/annat/\"" c ">Annat</a></li>\n" \
	"<li><a href=\"/unga/djup/sida/\"" d ">Djup</a></li>\n" \
	"<li><a href=\"/unga/ovrigt/\"" e ">Övrigt</a></li>\n" \
	"</ul>\n</nav>"
#define CUR " aria-current=\"page\""

START_TEST(test_subnav)
{
	char *s;

	/* the section page lists its children: ordered ones first, then by
	 * title with Ö after Ä after Å after Z */
	s = render(nav_subnav, 1);
	ck_assert_str_eq(s, SUBNAV_UNGA("", "", "", "", ""));
	free(s);
	s = render(nav_subnav, 2);
	ck_assert_str_eq(s, SUBNAV_UNGA("", CUR, "", "", ""));
	free(s);
	s = render(nav_subnav, 11);   /* parent is the nearest page up */
	ck_assert_str_eq(s, SUBNAV_UNGA("", "", "", CUR, ""));
	free(s);
	s = render(nav_subnav, 4);
	ck_assert_str_eq(s, SUBNAV_UNGA("", "", "", "", CUR));
	free(s);
	/* top level: the menu's job */
	s = render(nav_subnav, 7);
	ck_assert_str_eq(s, "");
	free(s);
	s = render(nav_subnav, 0);
	ck_assert_str_eq(s, "");
	free(s);
	s = render(nav_subnav, 10);
	ck_assert_str_eq(s, "");
	free(s);
	s = render(nav_subnav, -1);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_no_subnav_wanted)
{
	struct nav *n2 = nav_new(pages, NPAGES, urls, 0);
	buf b = BUF_INIT;

	ck_assert_ptr_nonnull(n2);
	ck_assert_int_eq(nav_subnav(n2, 2, &b), 0);
	ck_assert_uint_eq(b.len, 0);
	nav_free(n2);
	buf_free(&b);
}
END_TEST

/* The layout's words: a layout renders in the page's language. */
static char *
ui_render(const struct nav *n, int lang, const char *tpl)
{
	struct tmpl_scope sc = { 0 };
	buf b = BUF_INIT;

	sc.vars = nav_ui(n, lang, &sc.n);
	ck_assert_int_eq(tmpl_render(&b, tpl, strlen(tpl), &sc, NULL),
	    TMPL_OK);
	buf_puts(&b, "");
	return buf_detach(&b);
}

#define UI_TPL "<a href=\"#innehall\">{{ui.skip}}</a>|" \
	"<nav aria-label=\"{{ui.menu}}\">|<a href=\"{{ui.home}}\">|" \
	"<a href=\"{{ui.other_url}}\" lang=\"{{ui.other_lang}}\" " \
	"hreflang=\"{{ui.other_lang}}\">{{ui.other}}</a>|" \
	"<a href=\"/tillganglighet/\" hreflang=\"sv\">{{ui.a11y}}</a>"

START_TEST(test_ui_words)
{
	const struct tmpl_var *sv, *en;
	size_t nsv, nen, k;
	char *r;

	r = ui_render(nv, FM_LANG_SV, UI_TPL);
	ck_assert_str_eq(r, "<a href=\"#innehall\">Gå direkt till innehållet"
	    "</a>|<nav aria-label=\"Huvudmeny\">|<a href=\"/\">|"
	    "<a href=\"/en/\" lang=\"en\" hreflang=\"en\">In English</a>|"
	    "<a href=\"/tillganglighet/\" hreflang=\"sv\">Tillgänglighet på "
	    "webbplatsen</a>");
	free(r);
	r = ui_render(nv, FM_LANG_EN, UI_TPL);
	ck_assert_str_eq(r, "<a href=\"#innehall\">Skip to content</a>|"
	    "<nav aria-label=\"Main menu\">|<a href=\"/en/\">|"
	    "<a href=\"/\" lang=\"sv\" hreflang=\"sv\">På svenska</a>|"
	    "<a href=\"/tillganglighet/\" hreflang=\"sv\">Accessibility of "
	    "this website (in Swedish)</a>");
	free(r);
	r = ui_render(nv, 42, "{{ui.skip}}");   /* out of range: Swedish */
	ck_assert_str_eq(r, "Gå direkt till innehållet");
	free(r);

	/* Every word in both languages, in the same order, translated. */
	sv = nav_ui(nv, FM_LANG_SV, &nsv);
	en = nav_ui(nv, FM_LANG_EN, &nen);
	ck_assert_uint_eq(nsv, nen);
	ck_assert_uint_ge(nsv, 14);
	for (k = 0; k < nsv; k++) {
		ck_assert_str_eq(sv[k].name, en[k].name);
		ck_assert_int_eq(strncmp(sv[k].name, "ui.", 3), 0);
		ck_assert_ptr_nonnull(sv[k].value);
		ck_assert_ptr_nonnull(en[k].value);
		ck_assert_msg(*sv[k].value != '\0' && strcmp(sv[k].value,
		    en[k].value) != 0, "%s: same in both languages", sv[k].name);
	}
}
END_TEST

START_TEST(test_has_lang)
{
	struct urlset *u2 = urlset_new(4);
	struct nav *n2;

	ck_assert_int_eq(nav_has_lang(nv, FM_LANG_SV), 1);
	ck_assert_int_eq(nav_has_lang(nv, FM_LANG_EN), 1);
	ck_assert_int_eq(nav_has_lang(nv, 42), 0);
	/* pages 0..8 are Swedish only: no /en/ */
	ck_assert_int_eq(urlset_add(u2, pages[0].url, 0, NULL), 0);
	n2 = nav_new(pages, 1, u2, 0);
	ck_assert_ptr_nonnull(n2);
	ck_assert_int_eq(nav_has_lang(n2, FM_LANG_SV), 1);
	ck_assert_int_eq(nav_has_lang(n2, FM_LANG_EN), 0);
	nav_free(n2);
	urlset_free(u2);
}
END_TEST

static const struct collate_case {
	const char *a, *b;
	int         sign;
} collate_cases[] = {
	{ "a", "b", -1 },
	{ "B", "a", 1 },
	{ "apa", "Apa", 1 },        /* equal when folded: bytes decide */
	{ "z", "å", -1 },
	{ "å", "ä", -1 },
	{ "ä", "ö", -1 },
	{ "Ö", "å", 1 },
	{ "Övrigt", "Arbete", 1 },
	{ "ab", "abc", -1 },
	{ "1", "a", -1 },
	{ "a b", "ab", -1 },
	{ "x", "x", 0 },
};

START_TEST(test_collate)
{
	const struct collate_case *c = &collate_cases[_i];
	int r = nav_collate(c->a, c->b);

	ck_assert_int_eq((r > 0) - (r < 0), c->sign);
	r = nav_collate(c->b, c->a);
	ck_assert_int_eq((r > 0) - (r < 0), -c->sign);
}
END_TEST

static Suite *
nav_suite(void)
{
	Suite *s = suite_create("gen_nav");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_menu);
	tcase_add_test(tc, test_breadcrumbs);
	tcase_add_test(tc, test_subnav);
	tcase_add_test(tc, test_no_subnav_wanted);
	tcase_add_test(tc, test_ui_words);
	tcase_add_test(tc, test_has_lang);
	tcase_add_loop_test(tc, test_collate, 0,
	    (int)(sizeof collate_cases / sizeof collate_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(nav_suite());
}
