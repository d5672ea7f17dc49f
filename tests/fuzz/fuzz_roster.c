/* fuzz_roster.c — the register's roster CSV (generator/roster.c) on any
 * file, as kaa-gen letters reads it (from a path: the bytes are written
 * to a private scratch file first).
 *
 * Checked, beyond the sanitizers, what gen_roster.h promises the letters:
 * every row has a valid 12-digit personnummer, names and address parts,
 * a postnummer of five digits ("123 45" allowed), UTF-8 text without
 * control characters (a line break only in c/o and street), a guardian
 * either whole or absent; rows and bad rows in file order with their
 * lines; on a fatal error nothing is returned. */
#include <stdint.h>

#include "common.h"
#include "gen_roster.h"

static const struct pnr_date today = { 2026, 11, 22 };

/* A value the letter prints: UTF-8, no control character but '\n' where
 * allowed, at most ROSTER_FIELD_MAX bytes. */
static void text(const char *s, int may_be_null, int newline_ok)
{
	size_t i, n;

	if (s == NULL) {
		FUZZ_CHECK(may_be_null, "a required value");
		return;
	}
	FUZZ_CHECK(utf8_valid(s, strlen(s)), "UTF-8");
	for (i = 0; s[i] != '\0'; i += n > 0 ? n : 1) {
		n = fuzz_control_at(s + i);
		FUZZ_CHECK(n == 0 || (newline_ok && s[i] == '\n'),
		    "no control character");
	}
}

static int postcode_ok(const char *s)
{
	return s != NULL && ((strlen(s) == 5 && strspn(s, "0123456789") == 5) ||
	    (strlen(s) == 6 && strspn(s, "0123456789") == 3 && s[3] == ' ' &&
	    strspn(s + 4, "0123456789") == 2));
}

static void address(const struct roster_addr *a)
{
	text(a->name, 0, 0);
	FUZZ_CHECK(a->name[0] != '\0', "a name");
	text(a->co, 1, 1);
	FUZZ_CHECK(a->co == NULL || a->co[0] != '\0', "c/o NULL when empty");
	text(a->street, 0, 1);
	text(a->city, 0, 0);
	FUZZ_CHECK(a->street[0] != '\0' && a->city[0] != '\0', "street, city");
	FUZZ_CHECK(postcode_ok(a->postcode), "a postnummer");
}

static void check_row(const struct roster_row *r)
{
	struct pnr again;

	FUZZ_CHECK(pnr_parse(r->pnr.digits, strlen(r->pnr.digits), today,
	    &again) == PNR_OK, "a valid personnummer");
	text(r->first_name, 0, 0);
	text(r->last_name, 0, 0);
	FUZZ_CHECK(r->first_name[0] != '\0' && r->last_name[0] != '\0',
	    "first and last name");
	address(&r->youth);
	if (r->guardian.name != NULL)
		address(&r->guardian);
	else
		FUZZ_CHECK(r->guardian.co == NULL && r->guardian.street == NULL &&
		    r->guardian.postcode == NULL && r->guardian.city == NULL,
		    "no half guardian");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster r;
	struct roster_errinfo ei;
	char path[300];
	size_t i;
	int rc;

	fuzz_write_file("roster.csv", data, size, path);
	rc = roster_load(path, today, &r, &ei);
	FUZZ_CHECK(roster_strerror(rc) != NULL, "roster_strerror");
	if (rc != ROSTER_OK) {
		FUZZ_CHECK(r.n == 0 && r.nbad == 0 && r.rows == NULL, "nothing on error");
		FUZZ_CHECK(memchr(ei.column, '\0', sizeof(ei.column)) != NULL,
		    "column ends");
		roster_free(&r);
		unlink(path);
		return 0;
	}
	for (i = 0; i < r.n; i++) {
		check_row(&r.rows[i]);
		FUZZ_CHECK(r.rows[i].line >= 2 &&
		    (i == 0 || r.rows[i].line > r.rows[i - 1].line),
		    "rows in file order, after the header");
	}
	for (i = 0; i < r.nbad; i++)
		FUZZ_CHECK(r.bad[i].line >= 1 && r.bad[i].reason != NULL &&
		    (i == 0 || r.bad[i].line >= r.bad[i - 1].line),
		    "bad rows in file order");
	roster_free(&r);
	FUZZ_CHECK(r.n == 0 && r.rows == NULL, "roster_free empties");
	unlink(path);
	return 0;
}
