/* gen_letters.h — kaa-gen letters: the roster, a letter kind, one PDF.
 *
 *   kaa-gen letters -c CONF --kind KIND --roster FILE --out DIR
 *                   [--from DATE --to DATE] [--date DATE] [-i CONTENT]
 *
 * Kinds (a table in letters.c; templates in CONTENT/letters/):
 *   20ar            youths whose 20th birthday (pnr_twentieth) falls in
 *                   from..to, inclusive; from and to are required
 *   forsta-kontakt  every valid row; also a guardian's letter
 *                   (forsta-kontakt-vardnadshavare) for each youth under 18
 *                   on the letter's date whose row names a guardian with
 *                   an address
 * A youth already 20 on the letter's date gets no letter (the row is
 * reported). DIR is made 0700 (an existing one must be ours and 0700) and
 * may not lie inside the site's output directory; it gets brev.pdf and
 * utskick.csv (one row per letter: personnummer, name, kind, recipient,
 * date, first page, pages; `;`-separated, CRLF), both 0600 and new. No
 * letter prints a personnummer. Placeholders: mottagare.namn,
 * mottagare.fornamn (youth letters only), ungdom.fornamn, ungdom.efternamn,
 * ungdom.namn, brev.datum (YYYY-MM-DD), brev.slutdatum (the 20th birthday,
 * "12 mars 2027"), and the configuration's section.key. */
#ifndef KAA_GEN_LETTERS_H
#define KAA_GEN_LETTERS_H

#include <stddef.h>
#include "gen_diag.h"
#include "pnr.h"

struct letters_opts {
	const char     *conf_path;
	const char     *content_dir;   /* default "content" */
	const char     *kind;
	const char     *roster_path;
	const char     *out_dir;
	struct pnr_date from, to;      /* year 0: not given */
	struct pnr_date date;          /* the letter's date */
};

struct letters_stats {
	size_t youth, guardian;   /* letters made */
	int    pages;
	size_t rows, bad;         /* valid roster rows; rows (or guardians)
	                           * reported */
	size_t outside;           /* valid rows outside the window */
};

enum letters_result {
	LETTERS_OK = 0,      /* every row fine (perhaps no letter at all) */
	LETTERS_BADROWS = 1, /* letters made, but some rows reported */
	LETTERS_FATAL = 2    /* nothing made: see the diagnostics */
};

/* Makes the letters. Each problem goes to d: a roster row as
 * "ROSTER:LINE: reason" (never the row's data), others as usual. Returns
 * enum letters_result. */
int letters_make(const struct letters_opts *o, struct letters_stats *st,
    struct diag *d);

/* Parses "YYYY-MM-DD" (a real date). 0 or -1. */
int letters_parse_date(const char *s, struct pnr_date *out);

#endif
