/* gen_pdf.h — letters typeset with Pango and written as one PDF by cairo.
 *
 * A4 portrait. Each letter starts on a new page: the sender's block at
 * the top left, the date at the top right, the recipient's block inside
 * the envelope window (its area comes from the configuration, in mm from
 * the page's top left corner) and nothing else there, then the subject
 * and the body below the window, broken over as many pages as it needs
 * ("Sida 1 av 2" at the foot when more than one). Text is real text in
 * embedded (subset) fonts, so it can be selected and searched; the
 * document's title, author, creator and date are set.
 *
 * The PDF is streamed through the safe writer (wfile.h, mode 0600): it
 * appears whole or not at all. Laid-out blocks are cached by their markup:
 * most of a letter is the same for every recipient. */
#ifndef KAA_GEN_PDF_H
#define KAA_GEN_PDF_H

#include <stddef.h>
#include "gen_letter.h"

struct pdf_geom {
	double win_left, win_top, win_width, win_height;   /* mm */
};

struct pdf_meta {
	const char *title;
	const char *author;
	const char *date;      /* YYYY-MM-DD: the creation date written */
};

struct pdf_letter {
	const char *const        *sender;   /* plain lines; the first bold */
	size_t                    nsender;
	const char               *date;     /* plain, e.g. "Datum: 2026-12-02" */
	const char *const        *addr;     /* plain lines, in the window */
	size_t                    naddr;
	const char               *subject;  /* markup */
	const struct letter_block *blocks;  /* style, indent, bullet */
	const char *const        *markup;   /* each block's markup, filled */
	size_t                    nblocks;
	const char               *page_fmt; /* "Sida %d av %d" */
};

enum pdf_err {
	PDF_OK = 0,
	PDF_EWRITE,    /* the file: errno tells */
	PDF_ENOFIT,    /* the address does not fit the window: this letter
	                * was not printed, the document goes on */
	PDF_EGEOM,     /* the window overlaps the sender's block or the date,
	                * or leaves the page */
	PDF_EMARKUP,   /* a block's markup is not valid (a bug, or bad text) */
	PDF_ECAIRO,
	PDF_ENOMEM
};

struct pdf;

/* Creates path (exclusively, 0600) and starts the document. */
int pdf_open(struct pdf **out, const char *path, const struct pdf_geom *g,
    const struct pdf_meta *m);
/* Adds one letter. *first_page is its first page (1-based) and *pages its
 * page count. */
int pdf_letter(struct pdf *p, const struct pdf_letter *l, int *first_page,
    int *pages);
/* Pages so far. */
int pdf_pages(const struct pdf *p);
/* Finishes and commits the file; frees p. */
int pdf_close(struct pdf *p);
/* Removes the file; frees p. NULL-safe. */
void pdf_discard(struct pdf *p);
const char *pdf_strerror(int err);

#endif
