/* check_buf.c — unit tests for the growable buffer (buf.h). */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "testutil.h"

static const struct html_case {
	const char *in;
	const char *out;
} html_cases[] = {
	{ "", "" },
	{ "plain text", "plain text" },
	{ "&", "&amp;" },
	{ "<", "&lt;" },
	{ ">", "&gt;" },
	{ "\"", "&quot;" },
	{ "'", "&#39;" },
	{ "<script>alert('x')</script>",
	  "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
	{ "a & b && c", "a &amp; b &amp;&amp; c" },
	{ "&amp;", "&amp;amp;" },
	{ "\" onmouseover=\"x", "&quot; onmouseover=&quot;x" },
	{ "Åsa & Örjan – «ok»", "Åsa &amp; Örjan – «ok»" },
	{ "<<>>", "&lt;&lt;&gt;&gt;" },
	{ "end&", "end&amp;" },
};

START_TEST(test_html)
{
	const struct html_case *c = &html_cases[_i];
	buf b = BUF_INIT;

	ck_assert_int_eq(buf_puts_html(&b, c->in), 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, c->out);
	ck_assert_uint_eq(b.len, strlen(c->out));
	buf_free(&b);
}
END_TEST

START_TEST(test_html_len)
{
	buf b = BUF_INIT;

	/* Only n bytes are read; an embedded NUL is copied through. */
	ck_assert_int_eq(buf_put_html(&b, "<a\0>zzz", 4), 0);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_int_eq(memcmp(b.data, "&lt;a\0&gt;", 11), 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_put_basics)
{
	buf b;
	size_t i;

	buf_init(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_int_eq(buf_put(&b, "", 0), 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(b.data, "");
	ck_assert_int_eq(buf_puts(&b, "ab"), 0);
	ck_assert_int_eq(buf_putc(&b, 'c'), 0);
	ck_assert_int_eq(buf_put(&b, "d\0e", 3), 0);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_int_eq(memcmp(b.data, "abcd\0e", 7), 0);
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(buf_putc(&b, 'a' + (int)(i % 26)), 0);
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_uint_ge(b.cap, b.len + 1);
	ck_assert_int_eq(b.data[99999], 'a' + 99999 % 26);
	ck_assert_int_eq(b.data[100000], '\0');
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);			/* twice is fine */
	buf_free(NULL);
}
END_TEST

/* printf: small appends, then one larger than any capacity so far. */
START_TEST(test_printf_growth)
{
	buf b = BUF_INIT;
	char want[64];
	char *big;
	size_t i, off = 0;

	for (i = 0; i < 5000; i++) {
		int n = snprintf(want, sizeof want, "%zu:%s;", i, "x");

		ck_assert_int_eq(buf_printf(&b, "%zu:%s;", i, "x"), 0);
		ck_assert_int_eq(memcmp(b.data + off, want, (size_t)n), 0);
		off += (size_t)n;
		ck_assert_uint_eq(b.len, off);
	}
	big = malloc(200001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'q', 200000);
	big[200000] = '\0';
	ck_assert_int_eq(buf_printf(&b, "[%s]%d", big, 7), 0);
	ck_assert_uint_eq(b.len, off + 200003);
	ck_assert_int_eq(b.data[off], '[');
	ck_assert_int_eq(b.data[off + 200001], ']');
	ck_assert_str_eq(b.data + off + 200002, "7");
	ck_assert_int_eq(buf_printf(&b, "%s", ""), 0);
	ck_assert_uint_eq(b.len, off + 200003);
	free(big);
	buf_free(&b);
}
END_TEST

START_TEST(test_detach)
{
	buf b = BUF_INIT;
	char *s;

	/* An empty buffer detaches as "", never NULL. */
	s = buf_detach(&b);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	free(s);

	ck_assert_int_eq(buf_printf(&b, "%s-%d", "kaa", 20), 0);
	s = buf_detach(&b);
	ck_assert_str_eq(s, "kaa-20");
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	/* b is reusable after detaching. */
	ck_assert_int_eq(buf_puts(&b, "again"), 0);
	ck_assert_str_eq(b.data, "again");
	free(s);
	buf_free(&b);
}
END_TEST

/* Out of memory is simulated by asking for more than size_t can hold: the
 * overflow guard must refuse, mark oom, and make later puts no-ops. */
START_TEST(test_oom_sticky)
{
	buf b = BUF_INIT;

	ck_assert_int_eq(buf_puts(&b, "keep"), 0);
	ck_assert_int_eq(buf_grow(&b, SIZE_MAX), -1);
	ck_assert_int_eq(b.oom, 1);
	ck_assert_int_eq(buf_grow(&b, SIZE_MAX - b.len), -1);
	ck_assert_int_eq(buf_puts(&b, "x"), -1);
	ck_assert_int_eq(buf_putc(&b, 'x'), -1);
	ck_assert_int_eq(buf_printf(&b, "%d", 1), -1);
	ck_assert_int_eq(buf_puts_html(&b, "<"), -1);
	ck_assert_str_eq(b.data, "keep");
	ck_assert_ptr_null(buf_detach(&b));
	ck_assert_ptr_null(b.data);	/* detach freed it */
	ck_assert_int_eq(b.oom, 0);

	ck_assert_int_eq(buf_puts(&b, "a"), 0);
	ck_assert_int_eq(buf_grow(&b, PTRDIFF_MAX), -1);
	buf_reset(&b);			/* clears oom, keeps memory */
	ck_assert_int_eq(b.oom, 0);
	ck_assert_int_eq(buf_puts(&b, "b"), 0);
	ck_assert_str_eq(b.data, "b");
	buf_free(&b);
}
END_TEST

START_TEST(test_grow_reserves)
{
	buf b = BUF_INIT;
	char *p;

	ck_assert_int_eq(buf_grow(&b, 1000), 0);
	ck_assert_uint_ge(b.cap, 1001);
	p = b.data;
	ck_assert_int_eq(buf_put(&b, "0123456789", 10), 0);
	ck_assert_ptr_eq(b.data, p);	/* no realloc within reserve */
	buf_free(&b);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_html, 0,
	    (int)(sizeof html_cases / sizeof html_cases[0]));
	tcase_add_test(tc, test_html_len);
	tcase_add_test(tc, test_put_basics);
	tcase_add_test(tc, test_printf_growth);
	tcase_add_test(tc, test_detach);
	tcase_add_test(tc, test_oom_sticky);
	tcase_add_test(tc, test_grow_reserves);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(buf_suite());
}
