/* check_pnr.c — unit tests for personnummer parsing (pnr.h).
 *
 * Only Skatteverket's test personnummer (../shared/data/testpersonnummer.txt),
 * the personnummer.dev conformance data and numbers derived from them by
 * breaking the check digit or the date are used: never invented numbers. */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pnr.h"
#include "testutil.h"

/* A fixed "today" so the tests do not depend on the clock. */
static const struct pnr_date TODAY = { 2026, 11, 24 };

/* ---- parsing: valid ------------------------------------------------------ */

static const struct valid_case {
	const char     *in;
	struct pnr_date today;    /* year 0: TODAY */
	const char     *digits;
	struct pnr_date birth;
	int             coord;
} valid_cases[] = {
	{ "200501012397", {0,0,0}, "200501012397", { 2005, 1, 1 }, 0 },
	{ "20050101-2397", {0,0,0}, "200501012397", { 2005, 1, 1 }, 0 },
	{ "20050101+2397", {0,0,0}, "200501012397", { 2005, 1, 1 }, 0 },
	{ "050101-2397", {0,0,0}, "200501012397", { 2005, 1, 1 }, 0 },
	{ "0501012397", {0,0,0}, "200501012397", { 2005, 1, 1 }, 0 },
	{ "  200707082384\n", {0,0,0}, "200707082384", { 2007, 7, 8 }, 0 },
	{ "\t070708-2384 \r\n", {0,0,0}, "200707082384", { 2007, 7, 8 }, 0 },
	{ "200812312387", {0,0,0}, "200812312387", { 2008, 12, 31 }, 0 },
	{ "201001012382", {0,0,0}, "201001012382", { 2010, 1, 1 }, 0 },
	{ "191212121212", {0,0,0}, "191212121212", { 1912, 12, 12 }, 0 },
	{ "19121212+1212", {0,0,0}, "191212121212", { 1912, 12, 12 }, 0 },
	{ "121212+1212", {0,0,0}, "191212121212", { 1912, 12, 12 }, 0 },
	/* Without '+' the latest century not in the future wins. */
	{ "121212-1212", {0,0,0}, "201212121212", { 2012, 12, 12 }, 0 },
	{ "1212121212", {0,0,0}, "201212121212", { 2012, 12, 12 }, 0 },
	/* Century edges: born today is not in the future. */
	{ "050101-2397", { 2005, 1, 1 }, "200501012397", { 2005, 1, 1 }, 0 },
	{ "050101-2397", { 2004, 12, 31 }, "190501012397", { 1905, 1, 1 }, 0 },
	{ "050101+2397", {0,0,0}, "190501012397", { 1905, 1, 1 }, 0 },
	{ "050101+2397", { 2004, 12, 31 }, "180501012397", { 1805, 1, 1 }, 0 },
	/* Leap days. */
	{ "200002292399", {0,0,0}, "200002292399", { 2000, 2, 29 }, 0 },
	{ "000229-2399", {0,0,0}, "200002292399", { 2000, 2, 29 }, 0 },
	{ "189602299803", {0,0,0}, "189602299803", { 1896, 2, 29 }, 0 },
	{ "960229+9803", {0,0,0}, "189602299803", { 1896, 2, 29 }, 0 },
	/* Samordningsnummer (day + 60). */
	{ "701063-2391", {0,0,0}, "197010632391", { 1970, 10, 3 }, 1 },
	{ "197302889931", {0,0,0}, "197302889931", { 1973, 2, 28 }, 1 },
	{ "730288-9931", {0,0,0}, "197302889931", { 1973, 2, 28 }, 1 },
	{ "202107919967", {0,0,0}, "202107919967", { 2021, 7, 31 }, 1 },
	{ "2107919967", {0,0,0}, "202107919967", { 2021, 7, 31 }, 1 },
	{ "210791-9967", { 2021, 7, 30 }, "192107919967", { 1921, 7, 31 }, 1 },
	/* Samordningsnummer with an unknown day (60) or month (00). */
	{ "191711602399", {0,0,0}, "191711602399", { 1917, 11, 0 }, 1 },
	{ "191500722390", {0,0,0}, "191500722390", { 1915, 0, 12 }, 1 },
	/* ... or a day past the month's end (Skatteverket test numbers). */
	{ "193002902397", {0,0,0}, "193002902397", { 1930, 2, 30 }, 1 },
	{ "195102892386", {0,0,0}, "195102892386", { 1951, 2, 29 }, 1 },
	{ "192004912388", {0,0,0}, "192004912388", { 1920, 4, 31 }, 1 },
};

static struct pnr_date
case_today(struct pnr_date d)
{
	return d.year == 0 ? TODAY : d;
}

START_TEST(test_valid)
{
	const struct valid_case *c = &valid_cases[_i];
	struct pnr p;
	int rc;

	memset(&p, 0x55, sizeof p);
	rc = pnr_parse(c->in, strlen(c->in), case_today(c->today), &p);
	ck_assert_msg(rc == PNR_OK, "\"%s\": %s", c->in, pnr_strerror(rc));
	ck_assert_str_eq(p.digits, c->digits);
	ck_assert_int_eq(p.birth.year, c->birth.year);
	ck_assert_int_eq(p.birth.month, c->birth.month);
	ck_assert_int_eq(p.birth.day, c->birth.day);
	ck_assert_int_eq(p.coordination, c->coord);
}
END_TEST

/* ---- parsing: invalid ---------------------------------------------------- */

static const struct invalid_case {
	const char     *in;
	size_t          len;      /* 0: strlen(in) */
	struct pnr_date today;    /* year 0: TODAY */
	int             rc;
} invalid_cases[] = {
	{ "", 0, {0,0,0}, PNR_EEMPTY },
	{ "   \t\r\n", 0, {0,0,0}, PNR_EEMPTY },
	{ "20050101239", 0, {0,0,0}, PNR_EFORMAT },
	{ "2005010123970", 0, {0,0,0}, PNR_EFORMAT },
	{ "050101239", 0, {0,0,0}, PNR_EFORMAT },
	{ "050101-239", 0, {0,0,0}, PNR_EFORMAT },
	{ "050101 2397", 0, {0,0,0}, PNR_EFORMAT },
	{ "050101/2397", 0, {0,0,0}, PNR_EFORMAT },
	{ "05010-12397", 0, {0,0,0}, PNR_EFORMAT },
	{ "2005-0101-2397", 0, {0,0,0}, PNR_EFORMAT },
	{ "20050101--2397", 0, {0,0,0}, PNR_EFORMAT },
	{ "2005010-12397", 0, {0,0,0}, PNR_EFORMAT },
	{ "+0501012397", 0, {0,0,0}, PNR_EFORMAT },
	{ "0501012397-", 0, {0,0,0}, PNR_EFORMAT },
	{ "050101\xe2\x80\x93" "2397", 0, {0,0,0}, PNR_EFORMAT },
	{ "0501012397\0", 11, {0,0,0}, PNR_EFORMAT },
	{ "05 01 01 2397", 0, {0,0,0}, PNR_EFORMAT },
	{ "ingen", 0, {0,0,0}, PNR_EFORMAT },
	{ "19090527 1474", 0, {0,0,0}, PNR_EFORMAT },
	/* Birth number 000 is never assigned (conformance list.json). */
	{ "201509160006", 0, {0,0,0}, PNR_EFORMAT },
	{ "150916-0006", 0, {0,0,0}, PNR_EFORMAT },
	/* Letters: interim and reserve numbers. */
	{ "000101-T220", 0, {0,0,0}, PNR_ELETTER },
	{ "20000101T220", 0, {0,0,0}, PNR_ELETTER },
	{ " 000101R220 ", 0, {0,0,0}, PNR_ELETTER },
	{ "20000101-e221", 0, {0,0,0}, PNR_ELETTER },
	/* Wrong check digit. */
	{ "200501012398", 0, {0,0,0}, PNR_ECHECK },
	{ "050101-2390", 0, {0,0,0}, PNR_ECHECK },
	{ "191212121213", 0, {0,0,0}, PNR_ECHECK },
	{ "701063-2392", 0, {0,0,0}, PNR_ECHECK },
	/* No such date. */
	{ "200513012397", 0, {0,0,0}, PNR_EDATE },
	{ "200500012397", 0, {0,0,0}, PNR_EDATE },
	{ "200501002397", 0, {0,0,0}, PNR_EDATE },
	{ "200504312397", 0, {0,0,0}, PNR_EDATE },
	{ "190002292397", 0, {0,0,0}, PNR_EDATE },  /* 1900 not leap */
	{ "010229-2397", 0, {0,0,0}, PNR_EDATE },   /* 2001 not leap */
	{ "000229+2399", 0, {0,0,0}, PNR_EDATE },   /* 1900 not leap */
	{ "000001012397", 0, {0,0,0}, PNR_EDATE },  /* year 0 */
	{ "200501322397", 0, {0,0,0}, PNR_EDATE },  /* day 32..59 */
	{ "200501592397", 0, {0,0,0}, PNR_EDATE },
	{ "200501922397", 0, {0,0,0}, PNR_EDATE },  /* day 92 */
	{ "200501992397", 0, {0,0,0}, PNR_EDATE },
	{ "200513612397", 0, {0,0,0}, PNR_EDATE },  /* month 13, + 60 */
	{ "200513602397", 0, {0,0,0}, PNR_EDATE },
	/* A samordningsnummer's date is checked for range only, so these
	 * reach the check digit (see allCoords.json: 19300290...). */
	{ "197302899931", 0, {0,0,0}, PNR_ECHECK },  /* 29+60 Feb 1973 */
	{ "200504912397", 0, {0,0,0}, PNR_ECHECK },  /* 31 Apr + 60 */
	/* Born after today (12-digit forms only can be). */
	{ "201001012382", 0, { 2009, 12, 31 }, PNR_EFUTURE },
	{ "20100101-2382", 0, { 2009, 12, 31 }, PNR_EFUTURE },
	{ "202107919967", 0, { 2021, 7, 30 }, PNR_EFUTURE },
};

START_TEST(test_invalid)
{
	const struct invalid_case *c = &invalid_cases[_i];
	struct pnr p, untouched;
	size_t len = c->len ? c->len : strlen(c->in);
	int rc;

	memset(&p, 0x55, sizeof p);
	untouched = p;
	rc = pnr_parse(c->in, len, case_today(c->today), &p);
	ck_assert_msg(rc == c->rc, "case %d \"%s\": %d (%s), want %d (%s)",
	    _i, c->in, rc, pnr_strerror(rc), c->rc, pnr_strerror(c->rc));
	ck_assert_int_eq(memcmp(&p, &untouched, sizeof p), 0);
}
END_TEST

/* The input is bounded by len, not by a NUL. */
START_TEST(test_len_bounds)
{
	struct pnr p;

	ck_assert_int_eq(pnr_parse("200501012397XYZ", 12, TODAY, &p), PNR_OK);
	ck_assert_str_eq(p.digits, "200501012397");
	ck_assert_int_eq(pnr_parse("2005010123970", 12, TODAY, &p), PNR_OK);
	ck_assert_int_eq(pnr_parse("200501012397", 11, TODAY, &p),
	    PNR_EFORMAT);
	ck_assert_int_eq(pnr_parse("x", 0, TODAY, &p), PNR_EEMPTY);
}
END_TEST

/* ---- age and the 20th birthday ------------------------------------------- */

static const struct age_case {
	const char     *in;       /* NULL: use birth below directly */
	struct pnr_date birth;
	struct pnr_date on;
	int             age;
	struct pnr_date twentieth;
} age_cases[] = {
	/* Day before, on and after the birthday. */
	{ "200501012397", {0,0,0}, { 2024, 12, 31 }, 19, { 2025, 1, 1 } },
	{ "200501012397", {0,0,0}, { 2025, 1, 1 }, 20, { 2025, 1, 1 } },
	{ "200501012397", {0,0,0}, { 2025, 1, 2 }, 20, { 2025, 1, 1 } },
	{ "200501012397", {0,0,0}, { 2005, 1, 1 }, 0, { 2025, 1, 1 } },
	{ "200501012397", {0,0,0}, { 2004, 12, 31 }, -1, { 2025, 1, 1 } },
	{ "200707082384", {0,0,0}, { 2026, 11, 24 }, 19, { 2027, 7, 8 } },
	{ "200707082384", {0,0,0}, { 2027, 7, 7 }, 19, { 2027, 7, 8 } },
	{ "200707082384", {0,0,0}, { 2027, 7, 8 }, 20, { 2027, 7, 8 } },
	{ "200812312387", {0,0,0}, { 2028, 12, 30 }, 19, { 2028, 12, 31 } },
	{ "200812312387", {0,0,0}, { 2028, 12, 31 }, 20, { 2028, 12, 31 } },
	{ "191212121212", {0,0,0}, { 2026, 11, 24 }, 113, { 1932, 12, 12 } },
	/* Born 29 Feb in a leap year: 1 Mar in years without 29 Feb. */
	{ "200002292399", {0,0,0}, { 2001, 2, 28 }, 0, { 2020, 2, 29 } },
	{ "200002292399", {0,0,0}, { 2001, 3, 1 }, 1, { 2020, 2, 29 } },
	{ "200002292399", {0,0,0}, { 2004, 2, 28 }, 3, { 2020, 2, 29 } },
	{ "200002292399", {0,0,0}, { 2004, 2, 29 }, 4, { 2020, 2, 29 } },
	{ "200002292399", {0,0,0}, { 2019, 2, 28 }, 18, { 2020, 2, 29 } },
	{ "200002292399", {0,0,0}, { 2019, 3, 1 }, 19, { 2020, 2, 29 } },
	{ "200002292399", {0,0,0}, { 2020, 2, 28 }, 19, { 2020, 2, 29 } },
	{ "200002292399", {0,0,0}, { 2020, 2, 29 }, 20, { 2020, 2, 29 } },
	{ "189602299803", {0,0,0}, { 1900, 2, 28 }, 3, { 1916, 2, 29 } },
	{ "189602299803", {0,0,0}, { 1900, 3, 1 }, 4, { 1916, 2, 29 } },
	/* A 20th birthday in a year without 29 Feb (2100, 1900) happens only
	 * to someone born 29 Feb 2080 or 1880: no test number exists, so the
	 * date is given directly. */
	{ NULL, { 2080, 2, 29 }, { 2100, 2, 28 }, 19, { 2100, 3, 1 } },
	{ NULL, { 2080, 2, 29 }, { 2100, 3, 1 }, 20, { 2100, 3, 1 } },
	{ NULL, { 1880, 2, 29 }, { 1900, 2, 28 }, 19, { 1900, 3, 1 } },
	/* Samordningsnummer: the real birth date counts. */
	{ "202107919967", {0,0,0}, { 2041, 7, 30 }, 19, { 2041, 7, 31 } },
	{ "202107919967", {0,0,0}, { 2041, 7, 31 }, 20, { 2041, 7, 31 } },
	{ "701063-2391", {0,0,0}, { 1990, 10, 2 }, 19, { 1990, 10, 3 } },
	{ "701063-2391", {0,0,0}, { 1990, 10, 3 }, 20, { 1990, 10, 3 } },
	{ "197302889931", {0,0,0}, { 1993, 2, 28 }, 20, { 1993, 2, 28 } },
	/* Unknown day or month: the latest possible date. */
	{ "191711602399", {0,0,0}, { 1937, 11, 29 }, 19, { 1937, 11, 30 } },
	{ "191711602399", {0,0,0}, { 1937, 11, 30 }, 20, { 1937, 11, 30 } },
	{ "191500722390", {0,0,0}, { 1935, 12, 11 }, 19, { 1935, 12, 12 } },
	{ "191500722390", {0,0,0}, { 1935, 12, 12 }, 20, { 1935, 12, 12 } },
	/* A day past the month's end counts as its last day. */
	{ "193002902397", {0,0,0}, { 1950, 2, 27 }, 19, { 1950, 2, 28 } },
	{ "193002902397", {0,0,0}, { 1950, 2, 28 }, 20, { 1950, 2, 28 } },
	{ "192004912388", {0,0,0}, { 1940, 4, 30 }, 20, { 1940, 4, 30 } },
	{ "195102892386", {0,0,0}, { 1971, 2, 28 }, 20, { 1971, 2, 28 } },
	{ "195102892386", {0,0,0}, { 1952, 2, 28 }, 1, { 1971, 2, 28 } },
};

START_TEST(test_age)
{
	const struct age_case *c = &age_cases[_i];
	struct pnr p;
	struct pnr_date t;

	memset(&p, 0, sizeof p);
	if (c->in != NULL)
		ck_assert_int_eq(pnr_parse(c->in, strlen(c->in), TODAY, &p),
		    PNR_OK);
	else
		p.birth = c->birth;
	ck_assert_msg(pnr_age(&p, c->on) == c->age,
	    "case %d: age %d on %d-%02d-%02d, want %d", _i,
	    pnr_age(&p, c->on), c->on.year, c->on.month, c->on.day, c->age);
	t = pnr_twentieth(&p);
	ck_assert_msg(pnr_date_cmp(t, c->twentieth) == 0,
	    "case %d: 20th birthday %d-%02d-%02d, want %d-%02d-%02d", _i,
	    t.year, t.month, t.day, c->twentieth.year, c->twentieth.month,
	    c->twentieth.day);
	/* Turning 20 on the 20th birthday, and not the day before. */
	ck_assert_int_eq(pnr_age(&p, t), 20);
}
END_TEST

/* ---- dates ---------------------------------------------------------------- */

static const struct date_case {
	struct pnr_date d;
	int             valid;
} date_cases[] = {
	{ { 2000, 2, 29 }, 1 }, { { 1900, 2, 29 }, 0 }, { { 2004, 2, 29 }, 1 },
	{ { 2100, 2, 29 }, 0 }, { { 2023, 2, 28 }, 1 }, { { 2023, 2, 29 }, 0 },
	{ { 2024, 4, 30 }, 1 }, { { 2024, 4, 31 }, 0 }, { { 2024, 12, 31 }, 1 },
	{ { 2024, 13, 1 }, 0 }, { { 2024, 0, 1 }, 0 }, { { 2024, 1, 0 }, 0 },
	{ { 2024, 1, 32 }, 0 }, { { 1, 1, 1 }, 1 }, { { 0, 1, 1 }, 0 },
	{ { 9999, 12, 31 }, 1 }, { { 10000, 1, 1 }, 0 }, { { -5, 1, 1 }, 0 },
	{ { 2024, -1, 1 }, 0 }, { { 2024, 6, -1 }, 0 },
};

START_TEST(test_date_valid)
{
	const struct date_case *c = &date_cases[_i];

	ck_assert_int_eq(pnr_date_valid(c->d), c->valid);
}
END_TEST

START_TEST(test_date_cmp)
{
	struct pnr_date a = { 2026, 11, 24 }, b = a;

	ck_assert_int_eq(pnr_date_cmp(a, b), 0);
	b.day = 25;
	ck_assert_int_lt(pnr_date_cmp(a, b), 0);
	ck_assert_int_gt(pnr_date_cmp(b, a), 0);
	b = a, b.month = 12, b.day = 1;
	ck_assert_int_lt(pnr_date_cmp(a, b), 0);
	b = a, b.year = 2027, b.month = 1, b.day = 1;
	ck_assert_int_lt(pnr_date_cmp(a, b), 0);
	b = a, b.year = 2025, b.month = 12, b.day = 31;
	ck_assert_int_gt(pnr_date_cmp(a, b), 0);
}
END_TEST

START_TEST(test_today)
{
	struct pnr_date t = pnr_today();

	ck_assert(pnr_date_valid(t));
	ck_assert_int_ge(t.year, 2024);
}
END_TEST

START_TEST(test_strerror)
{
	int e;

	for (e = PNR_OK; e <= PNR_EFUTURE; e++) {
		ck_assert_ptr_nonnull(pnr_strerror(e));
		ck_assert_uint_gt(strlen(pnr_strerror(e)), 0);
	}
	ck_assert_str_ne(pnr_strerror(PNR_ECHECK), pnr_strerror(PNR_EDATE));
	ck_assert_ptr_nonnull(pnr_strerror(-1));
	ck_assert_ptr_nonnull(pnr_strerror(100));
}
END_TEST

/* ---- conformance data from ../shared ------------------------------------- */

static const char *
shared_dir(void)
{
	const char *d = getenv("KAA_SHARED");

	return d != NULL && *d != '\0' ? d : "../shared";
}

/* Path to a file under the shared directory, or NULL (and a SKIP line) if
 * subdir does not exist: then the calling test passes. */
static char *
shared_path(const char *subdir, const char *file)
{
	static char path[4096];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", shared_dir(), subdir);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("SKIP conformance: %s not found (set KAA_SHARED)\n",
		    path);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/%s/%s", shared_dir(), subdir, file);
	return path;
}

static json_t *
load_json(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	ck_assert_msg(j != NULL, "%s:%d: %s", path, err.line, err.text);
	return j;
}

/* Counts and reports (up to a limit) cases that disagree, so one run shows
 * more than the first. */
static int
mismatch(int *n, const char *fmt, const char *in, int rc)
{
	if ((*n)++ < 20)
		fprintf(stderr, fmt, in, rc, pnr_strerror(rc));
	return 0;
}

/* Parses one spelling and compares with the expected outcome. want_digits
 * is NULL for 10-digit spellings, whose century depends on today. */
static void
check_spelling(const char *in, int valid, int coord, const char *want_digits,
    int *bad)
{
	struct pnr p;
	int rc = pnr_parse(in, strlen(in), TODAY, &p);

	if ((rc == PNR_OK) != valid)
		mismatch(bad, "conformance: \"%s\" gave %d (%s)\n", in, rc);
	else if (rc == PNR_OK && p.coordination != coord)
		mismatch(bad, "conformance: \"%s\" coordination wrong (%d %s)\n",
		    in, rc);
	else if (rc == PNR_OK && want_digits != NULL &&
	    strcmp(p.digits, want_digits) != 0)
		mismatch(bad, "conformance: \"%s\" digits wrong (%d %s)\n", in,
		    rc);
}

START_TEST(test_conf_list)
{
	static const char *const keys[] = {
		"long_format", "short_format", "separated_format",
		"separated_long",
	};
	const char *path = shared_path("conformance/personnummer", "list.json");
	json_t *root, *c;
	size_t i, k;
	int bad = 0, n = 0;

	if (path == NULL)
		return;
	root = load_json(path);
	ck_assert(json_is_array(root));
	json_array_foreach(root, i, c) {
		int valid = json_is_true(json_object_get(c, "valid"));
		const char *type = json_string_value(json_object_get(c, "type"));
		json_t *jint = json_object_get(c, "integer");
		const char *lf = json_string_value(json_object_get(c,
		    "long_format"));
		int coord;
		char ibuf[32];

		ck_assert_ptr_nonnull(type);
		ck_assert_ptr_nonnull(lf);
		coord = strcmp(type, "con") == 0;
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			const char *s = json_string_value(json_object_get(c,
			    keys[k]));

			ck_assert_ptr_nonnull(s);
			check_spelling(s, valid, coord,
			    k == 0 || k == 3 ? lf : NULL, &bad);
			n++;
		}
		ck_assert(json_is_integer(jint));
		snprintf(ibuf, sizeof ibuf, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(jint));
		check_spelling(ibuf, valid, coord, lf, &bad);
		n++;
	}
	json_decref(root);
	ck_assert_int_ge(n, 50);
	ck_assert_msg(bad == 0, "%d of %d list.json spellings mismatch", bad, n);
}
END_TEST

/* structured.json: { type: { "integer"|"string": { "valid"|"invalid":
 * [...] } } }. */
START_TEST(test_conf_structured)
{
	const char *path = shared_path("conformance/personnummer",
	    "structured.json");
	json_t *root, *bytype, *bykind, *arr, *v;
	const char *type, *kind, *validity;
	size_t i;
	int bad = 0, n = 0;

	if (path == NULL)
		return;
	root = load_json(path);
	json_object_foreach(root, type, bytype)
	json_object_foreach(bytype, kind, bykind)
	json_object_foreach(bykind, validity, arr)
	json_array_foreach(arr, i, v) {
		char ibuf[32];
		const char *s = json_string_value(v);

		if (json_is_integer(v)) {
			snprintf(ibuf, sizeof ibuf, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			s = ibuf;
		}
		ck_assert_msg(s != NULL, "structured.json: bad entry");
		check_spelling(s, strcmp(validity, "valid") == 0,
		    strcmp(type, "con") == 0, NULL, &bad);
		n++;
	}
	(void)kind;
	json_decref(root);
	ck_assert_int_ge(n, 50);
	ck_assert_msg(bad == 0, "%d of %d structured.json cases mismatch", bad,
	    n);
}
END_TEST

START_TEST(test_conf_coords)
{
	const char *path = shared_path("conformance/personnummer",
	    "allCoords.json");
	json_t *root, *v;
	size_t i;
	int bad = 0;

	if (path == NULL)
		return;
	root = load_json(path);
	ck_assert(json_is_array(root));
	json_array_foreach(root, i, v) {
		const char *s = json_string_value(v);

		ck_assert_ptr_nonnull(s);
		check_spelling(s, 1, 1, s, &bad);
	}
	ck_assert_uint_ge(json_array_size(root), 2000);
	ck_assert_msg(bad == 0, "%d of %zu allCoords.json numbers mismatch",
	    bad, json_array_size(root));
	json_decref(root);
}
END_TEST

START_TEST(test_conf_interim)
{
	static const char *const keys[] = {
		"long_format", "short_format", "separated_format",
		"separated_long",
	};
	const char *path = shared_path("conformance/personnummer",
	    "interim.json");
	json_t *root, *c;
	size_t i, k;
	int bad = 0, n = 0;

	if (path == NULL)
		return;
	root = load_json(path);
	ck_assert(json_is_array(root));
	json_array_foreach(root, i, c) {
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			const char *s = json_string_value(json_object_get(c,
			    keys[k]));
			struct pnr p;
			int rc;

			ck_assert_ptr_nonnull(s);
			rc = pnr_parse(s, strlen(s), TODAY, &p);
			if (rc != PNR_ELETTER)
				mismatch(&bad, "interim: \"%s\" gave %d (%s)\n",
				    s, rc);
			n++;
		}
	}
	json_decref(root);
	ck_assert_int_ge(n, 40);
	ck_assert_msg(bad == 0, "%d of %d interim spellings not PNR_ELETTER",
	    bad, n);
}
END_TEST

/* Every Skatteverket test personnummer parses, as written. */
START_TEST(test_testpersonnummer)
{
	const char *path = shared_path("data", "testpersonnummer.txt");
	char line[64];
	FILE *f;
	int bad = 0, n = 0;

	if (path == NULL)
		return;
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		size_t len = strcspn(line, "\r\n");

		line[len] = '\0';
		if (len == 0)
			continue;
		check_spelling(line, 1, 0, line, &bad);
		n++;
	}
	fclose(f);
	ck_assert_int_ge(n, 18000);
	ck_assert_msg(bad == 0, "%d of %d test personnummer rejected", bad, n);
}
END_TEST

static Suite *
pnr_suite(void)
{
	Suite *s = suite_create("pnr");
	TCase *tp = tcase_create("parse");
	TCase *ta = tcase_create("age");
	TCase *tc = tcase_create("conformance");

	tcase_set_timeout(tp, 5);
	tcase_add_loop_test(tp, test_valid, 0,
	    (int)(sizeof valid_cases / sizeof valid_cases[0]));
	tcase_add_loop_test(tp, test_invalid, 0,
	    (int)(sizeof invalid_cases / sizeof invalid_cases[0]));
	tcase_add_test(tp, test_len_bounds);
	tcase_add_test(tp, test_strerror);
	suite_add_tcase(s, tp);

	tcase_set_timeout(ta, 5);
	tcase_add_loop_test(ta, test_age, 0,
	    (int)(sizeof age_cases / sizeof age_cases[0]));
	tcase_add_loop_test(ta, test_date_valid, 0,
	    (int)(sizeof date_cases / sizeof date_cases[0]));
	tcase_add_test(ta, test_date_cmp);
	tcase_add_test(ta, test_today);
	suite_add_tcase(s, ta);

	/* Room for valgrind over ~30,000 parses. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_conf_list);
	tcase_add_test(tc, test_conf_structured);
	tcase_add_test(tc, test_conf_coords);
	tcase_add_test(tc, test_conf_interim);
	tcase_add_test(tc, test_testpersonnummer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(pnr_suite());
}
