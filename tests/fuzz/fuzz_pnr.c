/* fuzz_pnr.c — the personnummer parser (lib/pnr.c) on any bytes, on three
 * days: the unit tests' day, a leap day, and the last day of a century.
 *
 * Checked, beyond the sanitizers: a number accepted is normalised to 12
 * digits that parse again to the same number; its birth date is not after
 * the day; and its age and its 20th birthday agree (20 or older exactly
 * when the 20th birthday has come), which forms and letters both rely on. */
#include <stdint.h>

#include "common.h"
#include "pnr.h"

static const struct pnr_date days[] = {
	{ 2026, 11, 24 }, { 2000, 2, 29 }, { 2099, 12, 31 },
};

static void check(const uint8_t *data, size_t size, struct pnr_date today)
{
	struct pnr p, again;
	int rc = pnr_parse((const char *)data, size, today, &p);

	FUZZ_CHECK(rc >= PNR_OK && rc <= PNR_EFUTURE, "a known result");
	FUZZ_CHECK(pnr_strerror(rc) != NULL, "pnr_strerror");
	if (rc != PNR_OK)
		return;
	FUZZ_CHECK(strlen(p.digits) == 12 && strspn(p.digits, "0123456789") == 12,
	    "12 digits");
	FUZZ_CHECK(pnr_date_cmp(p.birth, today) <= 0, "not born after today");
	FUZZ_CHECK(p.coordination || pnr_date_valid(p.birth), "a real birth date");
	FUZZ_CHECK(pnr_parse(p.digits, 12, today, &again) == PNR_OK &&
	    strcmp(again.digits, p.digits) == 0 &&
	    again.coordination == p.coordination &&
	    pnr_date_cmp(again.birth, p.birth) == 0, "the 12 digits parse again");
	FUZZ_CHECK(pnr_date_valid(pnr_twentieth(&p)), "the 20th birthday is a day");
	FUZZ_CHECK((pnr_age(&p, today) >= 20) ==
	    (pnr_date_cmp(pnr_twentieth(&p), today) <= 0),
	    "age and 20th birthday agree");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		check(data, size, days[i]);
	return 0;
}
