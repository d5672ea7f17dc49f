/* pnr.c — Swedish personnummer and samordningsnummer (see pnr.h).
 *
 * Rules (Skatteverket, as summarised in ../shared/domain.md and checked
 * against the personnummer.dev conformance data):
 *  - the check digit is Luhn over YYMMDDNNN as written (a samordningsnummer's
 *    day keeps its +60);
 *  - birth number 000 is never assigned, so it is rejected (PNR_EFORMAT);
 *  - a samordningsnummer may leave the month (00) or the day (60) unknown
 *    when the birth date is not fully known, and its date need not exist
 *    (see check_birth); a personnummer's date must be a calendar date. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "pnr.h"

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

int
pnr_date_valid(struct pnr_date d)
{
	return d.year >= 1 && d.year <= 9999 && d.month >= 1 &&
	    d.month <= 12 && d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

/* Compares field by field, so an unknown (0) month or day sorts as the
 * earliest possible date. */
int
pnr_date_cmp(struct pnr_date a, struct pnr_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

struct pnr_date
pnr_today(void)
{
	struct pnr_date d = { 1970, 1, 1 };
	struct tm tm;
	time_t t = time(NULL);

	if (localtime_r(&t, &tm) != NULL) {
		d.year = tm.tm_year + 1900;
		d.month = tm.tm_mon + 1;
		d.day = tm.tm_mday;
	}
	return d;
}

static int
digit(const char *p)
{
	return *p - '0';
}

static int
two(const char *p)
{
	return digit(p) * 10 + digit(p + 1);
}

/* Luhn over the 10 digits YYMMDDNNNC: weights 2,1,2,… on the first nine. */
static int
luhn_ok(const char *ten)
{
	int i, v, sum = 0;

	for (i = 0; i < 9; i++) {
		v = digit(ten + i) * (i % 2 == 0 ? 2 : 1);
		sum += v / 10 + v % 10;
	}
	return (10 - sum % 10) % 10 == digit(ten + 9);
}

/* Splits the trimmed input into its digits and separator. Accepts 10 or 12
 * digits, optionally with '-' or '+' before the last four. Returns the
 * number of date digits (6 or 8) or an error as a negative enum value. */
static int
split(const char *s, size_t n, char *dig, char *sep)
{
	size_t i, nd = 0, ndate;
	int letters = 0, other = 0;

	for (i = 0; i < n; i++) {
		if (isalpha((unsigned char)s[i]))
			letters = 1;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '+')
			other = 1;
	}
	/* Only something shaped like an identifier with a letter in it is
	 * called an interim number; other text is simply malformed. */
	if (letters)
		return -(!other && n >= 10 && n <= 13 ? PNR_ELETTER : PNR_EFORMAT);
	if (other || (n != 10 && n != 11 && n != 12 && n != 13))
		return -PNR_EFORMAT;
	ndate = n == 10 || n == 11 ? 6 : 8;
	*sep = 0;
	if (n == 11 || n == 13) {
		*sep = s[ndate];
		if (*sep != '-' && *sep != '+')
			return -PNR_EFORMAT;
	}
	for (i = 0; i < n; i++) {
		if (i == ndate && *sep)
			continue;
		if (!isdigit((unsigned char)s[i]))
			return -PNR_EFORMAT;
		dig[nd++] = s[i];
	}
	dig[nd] = '\0';
	return (int)ndate;
}

/* Year for a two-digit year: the latest century that does not put the birth
 * date after today; '+' (100 or older) goes one century further back. */
static int
full_year(int yy, int month, int day, char sep, struct pnr_date today)
{
	struct pnr_date d;

	d.year = today.year - today.year % 100 + yy;
	d.month = month;
	d.day = day;
	if (pnr_date_cmp(d, today) > 0)
		d.year -= 100;
	if (sep == '+')
		d.year -= 100;
	return d.year;
}

/* Checks the birth date. For a samordningsnummer only the ranges are
 * checked (month 00-12, day 00-31, written 60-91): the birth date may be
 * unknown in part, and Skatteverket's own test samordningsnummer include
 * days such as 30 February and 31 April. */
static int
check_birth(struct pnr_date b, int coordination)
{
	if (b.year < 1 || b.year > 9999)
		return PNR_EDATE;
	if (coordination)
		return b.month >= 0 && b.month <= 12 && b.day >= 0 &&
		    b.day <= 31 ? PNR_OK : PNR_EDATE;
	return pnr_date_valid(b) ? PNR_OK : PNR_EDATE;
}

int
pnr_parse(const char *s, size_t len, struct pnr_date today, struct pnr *out)
{
	char dig[13], sep;
	const char *ten;
	struct pnr_date b;
	int ndate, coord, rc;

	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return PNR_EEMPTY;
	if ((ndate = split(s, len, dig, &sep)) < 0)
		return -ndate;
	ten = dig + (ndate - 6);
	b.month = two(ten + 2);
	b.day = two(ten + 4);
	coord = 0;
	if (b.day >= 60 && b.day <= 91) {
		/* Day 60 alone is a samordningsnummer with an unknown day. */
		coord = 1;
		b.day -= 60;
	}
	if (ndate == 8)
		b.year = two(dig) * 100 + two(ten);
	else
		b.year = full_year(two(ten), b.month, b.day, sep, today);
	if ((rc = check_birth(b, coord)) != PNR_OK)
		return rc;
	if (ten[6] == '0' && ten[7] == '0' && ten[8] == '0')
		return PNR_EFORMAT;
	if (!luhn_ok(ten))
		return PNR_ECHECK;
	if (pnr_date_cmp(b, today) > 0)
		return PNR_EFUTURE;
	out->digits[0] = (char)('0' + b.year / 1000);
	out->digits[1] = (char)('0' + b.year / 100 % 10);
	memcpy(out->digits + 2, ten, 10);
	out->digits[12] = '\0';
	out->birth = b;
	out->coordination = coord;
	return PNR_OK;
}

/* The birth date used for counting age. An unknown month or day (possible
 * only in a samordningsnummer) is taken as the latest it could be, so the
 * person counts as no older than they may be and KAA, which ends at 20, does
 * not end early. A day past the month's end (30 February in a
 * samordningsnummer) becomes the month's last day. */
static struct pnr_date
effective_birth(const struct pnr *p)
{
	struct pnr_date b = p->birth;
	int last;

	if (b.month < 1 || b.month > 12)
		b.month = 12;
	last = days_in_month(b.year, b.month);
	if (b.day < 1 || b.day > last)
		b.day = last;
	return b;
}

/* The birthday in year y. 29 February falls on 1 March in years without
 * it: no legal source settles this, and Swedish practice for reaching legal
 * age (e.g. turning 18) counts such a person as having their birthday on
 * 1 March, so we follow that for age and for the 20th birthday alike. */
static struct pnr_date
birthday_in(struct pnr_date b, int y)
{
	struct pnr_date d = { y, b.month, b.day };

	if (b.month == 2 && b.day == 29 && !is_leap(y)) {
		d.month = 3;
		d.day = 1;
	}
	return d;
}

int
pnr_age(const struct pnr *p, struct pnr_date on)
{
	struct pnr_date b = effective_birth(p);
	int age;

	if (pnr_date_cmp(on, b) < 0)
		return -1;
	age = on.year - b.year;
	if (pnr_date_cmp(on, birthday_in(b, on.year)) < 0)
		age--;
	return age;
}

struct pnr_date
pnr_twentieth(const struct pnr *p)
{
	struct pnr_date b = effective_birth(p);

	return birthday_in(b, b.year + 20);
}

const char *
pnr_strerror(int err)
{
	switch (err) {
	case PNR_OK:      return "valid";
	case PNR_EEMPTY:  return "empty";
	case PNR_EFORMAT: return "malformed number";
	case PNR_ELETTER: return "contains letters (interim or reserve number)";
	case PNR_EDATE:   return "no such date";
	case PNR_ECHECK:  return "wrong check digit";
	case PNR_EFUTURE: return "birth date in the future";
	default:          return "unknown personnummer error";
	}
}
