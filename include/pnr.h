/* pnr.h — Swedish personnummer and samordningsnummer.
 *
 * Accepted spellings (surrounding white space ignored):
 *   YYMMDD-NNNC   YYMMDD+NNNC (+: the person is 100 or older)   YYMMDDNNNC
 *   YYYYMMDDNNNC  YYYYMMDD-NNNC  YYYYMMDD+NNNC
 * The 10-digit forms get their century from `today`: the latest century that
 * does not put the birth date in the future, minus 100 more years for '+'.
 * A samordningsnummer has 60 added to the day (61–91, or 60: day unknown).
 * The check digit is Luhn over the 10-digit form YYMMDDNNN.
 * Identifiers with letters (interim / reserve numbers) are rejected with
 * PNR_ELETTER so forms can say why. Birth number 000 is never assigned and
 * is rejected as PNR_EFORMAT.
 * A samordningsnummer may leave the month (00) or day (60) unknown; then
 * birth.month or birth.day is 0. Its date need not exist either
 * (Skatteverket's test samordningsnummer include 30 February + 60). Use
 * pnr_age/pnr_twentieth rather than birth: they take an unknown part as the
 * latest it could be (so KAA, which ends at 20, never ends early) and a day
 * past the month's end as the month's last day. */
#ifndef KAA_PNR_H
#define KAA_PNR_H

#include <stddef.h>

struct pnr_date {
	int year;
	int month;   /* 1–12 */
	int day;     /* 1–31 */
};

struct pnr {
	char            digits[13];   /* normalised: 12 digits + NUL */
	struct pnr_date birth;        /* real birth date (day - 60 undone);
	                                 for a samordningsnummer month/day may
	                                 be 0 (unknown) or past the month's end */
	int             coordination; /* 1 if a samordningsnummer */
};

enum pnr_err {
	PNR_OK = 0,
	PNR_EEMPTY,    /* nothing but white space */
	PNR_EFORMAT,   /* wrong length or characters */
	PNR_ELETTER,   /* contains letters: interim/reserve number */
	PNR_EDATE,     /* no such calendar date */
	PNR_ECHECK,    /* check digit wrong */
	PNR_EFUTURE    /* birth date after today */
};

/* Parses s (len bytes, need not be NUL-terminated). Returns enum pnr_err and
 * fills *out only on PNR_OK. */
int pnr_parse(const char *s, size_t len, struct pnr_date today,
    struct pnr *out);

/* Full years of age on `on` (a person born 29 Feb ages on 1 Mar in
 * non-leap years, see pnr_twentieth); -1 if `on` is before the birth. */
int pnr_age(const struct pnr *p, struct pnr_date on);

/* The date of the 20th birthday. Rule for 29 February: in a year without
 * 29 Feb the birthday is 1 March (as in Swedish practice for legal age). */
struct pnr_date pnr_twentieth(const struct pnr *p);

/* Today in local time. */
struct pnr_date pnr_today(void);

/* <0, 0, >0 like strcmp. */
int pnr_date_cmp(struct pnr_date a, struct pnr_date b);

/* Valid calendar date (Gregorian, year 1–9999)? */
int pnr_date_valid(struct pnr_date d);

const char *pnr_strerror(int err);

#endif
