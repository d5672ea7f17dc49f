/* gen_letter.h — a letter template (content/letters/KIND.md), parsed once
 * for any number of recipients.
 *
 * A template is front matter (kind, subject, recipient; see gen_fm.h) and
 * a CommonMark body. The body is parsed by cmark into blocks (headings,
 * paragraphs, list items, quotes); each block becomes Pango markup in
 * which the {{placeholders}} are still text. Per recipient, letter_markup
 * fills them in, escaped, after parsing: a recipient's name is never read
 * as Markdown. Emphasis becomes <i>, strong <b>, code <tt>; a link prints
 * its text and then its address in brackets (once, when they are the
 * same; mailto: and tel: without the scheme); raw HTML (the source
 * comments) is dropped. */
#ifndef KAA_GEN_LETTER_H
#define KAA_GEN_LETTER_H

#include <stddef.h>
#include "buf.h"
#include "gen_diag.h"
#include "gen_fm.h"
#include "tmpl.h"

/* Under the content directory; the site build never publishes it. */
#define LETTER_DIR "letters"

enum letter_style { LS_BODY, LS_H1, LS_H2, LS_H3, LS_CODE, LS__MAX };

struct letter_block {
	enum letter_style style;
	int   indent;     /* list and quote depth */
	int   tight;      /* an item of a tight list: little space after */
	char *bullet;     /* "•", "3." on an item's first block; else NULL */
	char *markup;     /* Pango markup with {{placeholders}} */
};

struct letter_tmpl {
	struct fm            fm;       /* kind, subject, recipient */
	char                *subject;  /* markup of fm.subject, placeholders
	                                * left in */
	struct letter_block *blocks;
	size_t               n;
};

/* Reads path into *t. names holds every placeholder a letter of this
 * recipient may use (their values do not matter). Every problem (bad
 * front matter, unknown or malformed placeholder) is added to d as
 * "FILE:LINE: message". Returns 0, or -1 (*t left empty). */
int letter_load(const char *path, const struct tmpl_scope *names,
    struct letter_tmpl *t, struct diag *d);
void letter_free(struct letter_tmpl *t);

/* Fills in one markup template for a recipient (out is reset first).
 * Returns enum tmpl_err. */
int letter_markup(buf *out, const char *markup,
    const struct tmpl_scope *scope);

#endif
