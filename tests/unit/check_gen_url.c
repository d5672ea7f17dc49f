/* check_gen_url.c — unit tests for kaa-gen's URL mapping, link resolution
 * (gen_url.h) and the URL set (gen_urlset.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_url.h"
#include "gen_urlset.h"
#include "testutil.h"

static const struct map_case {
	const char *src;
	int         rc;
	const char *url;
	const char *out;
} map_cases[] = {
	{ "index.md", URL_OK, "/", "index.html" },
	{ "_index.md", URL_OK, "/", "index.html" },
	{ "a/index.md", URL_OK, "/a/", "a/index.html" },
	{ "a/_index.md", URL_OK, "/a/", "a/index.html" },
	{ "a/b.md", URL_OK, "/a/b/", "a/b/index.html" },
	{ "kontakt.md", URL_OK, "/kontakt/", "kontakt/index.html" },
	{ "a/b/c-d_e.md", URL_OK, "/a/b/c-d_e/", "a/b/c-d_e/index.html" },
	/* the special pages (404.md ...) are kaa-gen's site.c's to map */
	{ "404.md", URL_OK, "/404/", "404/index.html" },
	{ "a/404.md", URL_OK, "/a/404/", "a/404/index.html" },
	{ "en/youth/index.md", URL_OK, "/en/youth/", "en/youth/index.html" },
	{ "v1.2.md", URL_OK, "/v1.2/", "v1.2/index.html" },
	{ "a/b.txt", URL_ENAME, NULL, NULL },
	{ ".md", URL_ENAME, NULL, NULL },
	{ "a/.md", URL_ENAME, NULL, NULL },
	{ "å.md", URL_ENAME, NULL, NULL },
	{ "a b.md", URL_ENAME, NULL, NULL },
	{ "för unga/x.md", URL_ENAME, NULL, NULL },
	{ "a//b.md", URL_ENAME, NULL, NULL },
	{ ".hidden/x.md", URL_ENAME, NULL, NULL },
	{ "a/\"x\".md", URL_ENAME, NULL, NULL },
};

START_TEST(test_map)
{
	const struct map_case *c = &map_cases[_i];
	char *url = (char *)1, *out = (char *)1;

	ck_assert_int_eq(url_from_source(c->src, &url, &out), c->rc);
	if (c->rc != URL_OK) {
		ck_assert_ptr_null(url);
		ck_assert_ptr_null(out);
		return;
	}
	ck_assert_str_eq(url, c->url);
	ck_assert_str_eq(out, c->out);
	free(url);
	free(out);
}
END_TEST

static const struct resolve_case {
	const char *base;
	const char *href;
	int         kind;
	const char *path;
} resolve_cases[] = {
	{ "/a/b/", "/x/", URL_INTERNAL, "/x/" },
	{ "/a/b/", "/x/#frag", URL_INTERNAL, "/x/" },
	{ "/a/b/", "/x/?q=1#f", URL_INTERNAL, "/x/" },
	{ "/a/b/", "c/", URL_INTERNAL, "/a/b/c/" },
	{ "/a/b/", "./c/", URL_INTERNAL, "/a/b/c/" },
	{ "/a/b/", "../c/", URL_INTERNAL, "/a/c/" },
	{ "/a/b/", "../../", URL_INTERNAL, "/" },
	{ "/a/b/", "..", URL_INTERNAL, "/a/" },
	{ "/a/b/", ".", URL_INTERNAL, "/a/b/" },
	{ "/a/b/", "../../..", URL_EABOVE, NULL },
	{ "/", "../x/", URL_EABOVE, NULL },
	{ "/", "unga/", URL_INTERNAL, "/unga/" },
	{ "/404.html", "unga/", URL_INTERNAL, "/unga/" },
	{ "/a/b/", "/x/../y/./z", URL_INTERNAL, "/y/z" },
	{ "/a/b/", "/assets/css/site.css", URL_INTERNAL,
	  "/assets/css/site.css" },
	{ "/a/b/", "/a//b/", URL_INTERNAL, "/a//b/" },
	{ "/a/b/", "/", URL_INTERNAL, "/" },
	{ "/a/b/", "", URL_SAMEPAGE, NULL },
	{ "/a/b/", "#top", URL_SAMEPAGE, NULL },
	{ "/a/b/", "?x=1", URL_SAMEPAGE, NULL },
	{ "/a/b/", "https://example.org/x", URL_EXTERNAL, NULL },
	{ "/a/b/", "HTTP://example.org/", URL_EXTERNAL, NULL },
	{ "/a/b/", "mailto:kaa@exempelkommun.example", URL_EXTERNAL, NULL },
	{ "/a/b/", "tel:+46846500410", URL_EXTERNAL, NULL },
	{ "/a/b/", "//cdn.example.org/x.js", URL_EXTERNAL, NULL },
	{ "/a/b/", "c:d/", URL_EXTERNAL, NULL },
	{ "/a/b/", "1x:y/", URL_INTERNAL, "/a/b/1x:y/" },
	{ "/a/b/", "x/y:z", URL_INTERNAL, "/a/b/x/y:z" },
};

START_TEST(test_resolve)
{
	const struct resolve_case *c = &resolve_cases[_i];
	buf b = BUF_INIT;
	int kind;

	kind = url_resolve(c->base, c->href, &b);
	ck_assert_msg(kind == c->kind, "%s on %s: kind %d, want %d", c->href,
	    c->base, kind, c->kind);
	if (c->path != NULL)
		ck_assert_str_eq(b.data, c->path);
	buf_free(&b);
}
END_TEST

START_TEST(test_parent)
{
	ck_assert_uint_eq(url_parent_len("/a/b/"), 3);
	ck_assert_uint_eq(url_parent_len("/a/b.html"), 3);
	ck_assert_uint_eq(url_parent_len("/a/"), 1);
	ck_assert_uint_eq(url_parent_len("/404.html"), 1);
	ck_assert_uint_eq(url_parent_len("/"), 0);
	ck_assert_uint_eq(url_parent_len(""), 0);
	ck_assert_uint_eq(url_parent_len_n("/a/b/c/", 5), 3);
}
END_TEST

START_TEST(test_urlset)
{
	enum { N = 5000 };
	static char keys[N][24];
	struct urlset *s = urlset_new(4);   /* must grow */
	int i, old = -1;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < N; i++) {
		snprintf(keys[i], sizeof keys[i], "/s/sida-%05d/", i);
		ck_assert_int_eq(urlset_add(s, keys[i], i, NULL), 0);
	}
	for (i = 0; i < N; i++)
		ck_assert_int_eq(urlset_get(s, keys[i], strlen(keys[i])), i);
	ck_assert_int_eq(urlset_add(s, "/s/sida-00042/", 7, &old), 1);
	ck_assert_int_eq(old, 42);
	ck_assert_int_eq(urlset_get(s, "/s/sida-00042/", 14), 42);
	/* Lookup by length: a prefix of a key is another key. */
	ck_assert_int_eq(urlset_get(s, "/s/sida-00042/", 13), -1);
	ck_assert_int_eq(urlset_get(s, "/nope/", 6), -1);
	ck_assert_int_eq(urlset_get(s, "", 0), -1);
	urlset_free(s);
	urlset_free(NULL);
}
END_TEST

static Suite *
url_suite(void)
{
	Suite *s = suite_create("gen_url");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_map, 0,
	    (int)(sizeof map_cases / sizeof map_cases[0]));
	tcase_add_loop_test(tc, test_resolve, 0,
	    (int)(sizeof resolve_cases / sizeof resolve_cases[0]));
	tcase_add_test(tc, test_parent);
	tcase_add_test(tc, test_urlset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(url_suite());
}
