/* check_region.c — a region's INI file (region.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "region.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = testdir_make();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	testdir_remove(dir);
}

static char *write_ini(const char *text)
{
	char *p = testdir_path(dir, "region.ini");
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return p;
}

#define HEAD "[region]\nid = vast\nname = Västregionen\nbase = /e-tjanst/vast\n"

static const struct region_case {
	const char *ini;
	int         rc;
	const char *key;     /* ei.key on error */
	size_t      n;       /* municipalities on success */
} cases[] = {
	{ HEAD "municipalities = a.ini\n", CONF_OK, "", 1 },
	{ HEAD "municipalities =  a.ini ,b.ini,  /abs/c.ini \n", CONF_OK, "", 3 },
	{ "; comment\n" HEAD "municipalities = a.ini, b.ini\n", CONF_OK, "", 2 },
	{ HEAD, CONF_EMISSING, "region.municipalities", 0 },
	{ HEAD "municipalities = a.ini,,b.ini\n", CONF_EVALUE,
	  "region.municipalities", 0 },
	{ HEAD "municipalities = a.ini,\n", CONF_EVALUE,
	  "region.municipalities", 0 },
	{ HEAD "municipalities = a.ini\nmunicipalities = b.ini\n", CONF_EDUP,
	  "region.municipalities", 0 },
	{ "[region]\nname = N\nbase = /b\nmunicipalities = a.ini\n",
	  CONF_EMISSING, "region.id", 0 },
	{ "[region]\nid = Väst\nname = N\nbase = /b\nmunicipalities = a.ini\n",
	  CONF_EVALUE, "region.id", 0 },
	{ "[region]\nid = v\nname = N\nbase = b\nmunicipalities = a.ini\n",
	  CONF_EVALUE, "region.base", 0 },
	{ "[region]\nid = v\nname = N\nbase = /b/\nmunicipalities = a.ini\n",
	  CONF_EVALUE, "region.base", 0 },
	{ "[region]\nid = v\nname = N\nbase = /b?x\nmunicipalities = a.ini\n",
	  CONF_EVALUE, "region.base", 0 },
	{ "[region]\nid = v\nbase = /b\nmunicipalities = a.ini\n",
	  CONF_EMISSING, "region.name", 0 },
	{ HEAD "municipalities = a.ini\ncolour = blue\n", CONF_EVALUE,
	  "region.colour", 0 },
	{ HEAD "colour = blue\nshape = round\n", CONF_EVALUE,   /* the first */
	  "region.colour", 0 },
	{ HEAD "municipalities = a.ini\n[other]\nx = 1\n", CONF_EVALUE,
	  "region.other", 0 },
	{ HEAD "name = Again\nmunicipalities = a.ini\n", CONF_EDUP,
	  "region.name", 0 },
	{ HEAD "a line without an equals sign\n", CONF_ESYNTAX, "", 0 },
};

START_TEST(test_load)
{
	const struct region_case *c = &cases[_i];
	struct conf_errinfo ei;
	struct region *r = NULL;
	char *p = write_ini(c->ini), *want;
	int rc = region_load(p, &r, &ei);

	ck_assert_msg(rc == c->rc, "case %d: rc %d, want %d (%s)", _i, rc,
	    c->rc, ei.key);
	if (rc == CONF_OK) {
		ck_assert_uint_eq(r->n, c->n);
		ck_assert_str_eq(r->id, "vast");
		ck_assert_str_eq(r->name, "Västregionen");
		ck_assert_str_eq(r->base, "/e-tjanst/vast");
		/* relative to the region file's directory */
		want = testdir_path(dir, "a.ini");
		ck_assert_str_eq(r->munis[0], want);
		free(want);
		if (c->n == 3)
			ck_assert_str_eq(r->munis[2], "/abs/c.ini");
		region_free(r);
	} else {
		ck_assert_ptr_null(r);
		ck_assert_str_eq(ei.key, c->key);
	}
	free(p);
}
END_TEST

START_TEST(test_is_region)
{
	char *p = write_ini(HEAD "municipalities = a.ini\n");
	char *q = testdir_path(dir, "none.ini");
	struct region *r;

	ck_assert_int_eq(region_is(p), 1);
	ck_assert_int_eq(region_is(q), 0);
	ck_assert_int_eq(region_load(q, &r, NULL), CONF_EOPEN);
	free(p);
	p = write_ini("[municipality]\nid = x\n");
	ck_assert_int_eq(region_is(p), 0);
	free(p);
	free(q);
}
END_TEST

START_TEST(test_too_many)
{
	buf b = BUF_INIT;
	struct conf_errinfo ei;
	struct region *r;
	char *p;
	int i;

	buf_puts(&b, HEAD "municipalities = m0.ini");
	for (i = 1; i <= REGION_MAX_MUNICIPALITIES; i++)
		buf_printf(&b, ",m%d.ini", i);
	buf_putc(&b, '\n');
	p = write_ini(b.data);
	ck_assert_int_eq(region_load(p, &r, &ei), CONF_EVALUE);
	ck_assert_str_eq(ei.key, "region.municipalities");
	buf_free(&b);
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("region");
	TCase *tc = tcase_create("region");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_load, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, test_is_region);
	tcase_add_test(tc, test_too_many);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
