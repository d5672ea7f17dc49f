/* letter.c — letter templates: front matter and cmark tree to markup
 * blocks (see gen_letter.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "gen_letter.h"
#include "gen_page.h"

/* What the walk over one template collects. */
struct build {
	struct letter_tmpl *t;
	size_t              cap;
	buf                 m;        /* the block's markup so far */
	int                 indent;
	int                 oom;
};

static void
put_text(buf *b, const char *s)
{
	buf_puts_html(b, s != NULL ? s : "");
}

/* The address a link prints: without mailto: or tel:. */
static const char *
shown_url(const char *url)
{
	if (strncmp(url, "mailto:", 7) == 0)
		return url + 7;
	if (strncmp(url, "tel:", 4) == 0)
		return url + 4;
	return url;
}

static void inlines(buf *b, cmark_node *n);

/* The link's text as plain text, to compare with its address. */
static void
plain_text(buf *b, cmark_node *n)
{
	cmark_node *c;

	for (c = cmark_node_first_child(n); c != NULL; c = cmark_node_next(c))
		if (cmark_node_get_type(c) == CMARK_NODE_TEXT ||
		    cmark_node_get_type(c) == CMARK_NODE_CODE)
			buf_puts(b, cmark_node_get_literal(c));
		else
			plain_text(b, c);
}

static void
link(buf *b, cmark_node *n)
{
	const char *url = cmark_node_get_url(n), *shown;
	buf text = BUF_INIT;

	inlines(b, n);
	if (url == NULL || *url == '\0')
		return;
	shown = shown_url(url);
	plain_text(&text, n);
	if (text.len == 0 || strcmp(text.data, shown) != 0) {
		buf_puts(b, " (");
		put_text(b, shown);
		buf_putc(b, ')');
	}
	if (text.oom)
		b->oom = 1;
	buf_free(&text);
}

/* Markup for the inline children of n. */
static void
inlines(buf *b, cmark_node *n)
{
	static const char *const open[] = {
		[CMARK_NODE_EMPH] = "<i>", [CMARK_NODE_STRONG] = "<b>" };
	static const char *const close[] = {
		[CMARK_NODE_EMPH] = "</i>", [CMARK_NODE_STRONG] = "</b>" };
	cmark_node *c;
	cmark_node_type ty;

	for (c = cmark_node_first_child(n); c != NULL; c = cmark_node_next(c))
		switch ((ty = cmark_node_get_type(c))) {
		case CMARK_NODE_TEXT:
			put_text(b, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_CODE:
			buf_puts(b, "<tt>");
			put_text(b, cmark_node_get_literal(c));
			buf_puts(b, "</tt>");
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_putc(b, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, '\n');
			break;
		case CMARK_NODE_EMPH:
		case CMARK_NODE_STRONG:
			buf_puts(b, open[ty]);
			inlines(b, c);
			buf_puts(b, close[ty]);
			break;
		case CMARK_NODE_LINK:
			link(b, c);
			break;
		case CMARK_NODE_IMAGE:   /* paper has no images: the alt text */
			inlines(b, c);
			break;
		default:                 /* raw HTML: the source comments */
			break;
		}
}

/* Adds a block whose markup is in bl->m; a pending bullet goes on it. */
static void
add_block(struct build *bl, enum letter_style style, int tight,
    char **bullet)
{
	struct letter_tmpl *t = bl->t;
	struct letter_block *b;

	if (bl->m.oom) {
		bl->oom = 1;
		return;
	}
	if (t->n == bl->cap) {
		size_t cap = bl->cap ? bl->cap * 2 : 32;

		if ((b = realloc(t->blocks, cap * sizeof *b)) == NULL) {
			bl->oom = 1;
			return;
		}
		t->blocks = b;
		bl->cap = cap;
	}
	b = &t->blocks[t->n];
	b->style = style;
	b->indent = bl->indent;
	b->tight = tight;
	b->bullet = *bullet;
	*bullet = NULL;
	if ((b->markup = buf_detach(&bl->m)) == NULL) {
		free(b->bullet);
		bl->oom = 1;
		return;
	}
	t->n++;
}

static void blocks(struct build *bl, cmark_node *n, int tight, char **bullet);

static void
list(struct build *bl, cmark_node *n)
{
	cmark_node *item;
	int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
	int num = cmark_node_get_list_start(n);
	int tight = cmark_node_get_list_tight(n);
	char *bullet;
	buf b = BUF_INIT;

	bl->indent++;
	for (item = cmark_node_first_child(n); item != NULL;
	    item = cmark_node_next(item), num++) {
		buf_reset(&b);
		if (ordered)
			buf_printf(&b, "%d.", num);
		else
			buf_puts(&b, "\xe2\x80\xa2");   /* • */
		if ((bullet = buf_detach(&b)) == NULL) {
			bl->oom = 1;
			break;
		}
		blocks(bl, item, tight, &bullet);
		free(bullet);   /* an empty item */
	}
	buf_free(&b);
	bl->indent--;
}

static void
blocks(struct build *bl, cmark_node *n, int tight, char **bullet)
{
	static const enum letter_style heading[] = {
		LS_H1, LS_H1, LS_H2, LS_H3, LS_H3, LS_H3, LS_H3 };
	cmark_node *c;

	for (c = cmark_node_first_child(n); c != NULL && !bl->oom;
	    c = cmark_node_next(c))
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_PARAGRAPH:
			buf_reset(&bl->m);
			inlines(&bl->m, c);
			add_block(bl, LS_BODY, tight, bullet);
			break;
		case CMARK_NODE_HEADING:
			buf_reset(&bl->m);
			inlines(&bl->m, c);
			add_block(bl, heading[cmark_node_get_heading_level(c)],
			    0, bullet);
			break;
		case CMARK_NODE_CODE_BLOCK:
			buf_reset(&bl->m);
			put_text(&bl->m, cmark_node_get_literal(c));
			while (bl->m.len > 0 && bl->m.data[bl->m.len - 1] == '\n')
				bl->m.data[--bl->m.len] = '\0';
			add_block(bl, LS_CODE, tight, bullet);
			break;
		case CMARK_NODE_LIST:
			list(bl, c);
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			bl->indent++;
			blocks(bl, c, 0, bullet);
			bl->indent--;
			break;
		default:   /* raw HTML (source comments), thematic breaks */
			break;
		}
}

/* Adds the template errors of the body (lines counted from line0). */
struct errs {
	struct diag *d;
	const char  *file;
	int          line0;
};

static void
body_error(void *arg, int err, int line, const char *name)
{
	struct errs *e = arg;

	diag_tmpl(e->d, -1, e->file, e->line0 + line - 1, err, name);
}

static int
parse(struct letter_tmpl *t, const char *path, const char *body, size_t len,
    struct diag *d)
{
	struct build bl = { t, 0, BUF_INIT, 0, 0 };
	cmark_node *doc;
	char *none = NULL;

	if ((doc = cmark_parse_document(body, len, CMARK_OPT_DEFAULT)) == NULL)
		bl.oom = 1;
	else {
		blocks(&bl, doc, 0, &none);
		cmark_node_free(doc);
	}
	buf_puts_html(&bl.m, t->fm.subject);
	if (!bl.oom && (t->subject = buf_detach(&bl.m)) == NULL)
		bl.oom = 1;
	buf_free(&bl.m);
	if (bl.oom) {
		diag_add(d, -1, path, 0, "out of memory");
		return -1;
	}
	return 0;
}

int
letter_load(const char *path, const struct tmpl_scope *names,
    struct letter_tmpl *t, struct diag *d)
{
	struct fm_errinfo fei;
	buf src = BUF_INIT, scratch = BUF_INIT;
	struct errs e = { d, path, 0 }, subj = { d, path, 0 };
	int rc, bad;

	memset(t, 0, sizeof *t);
	if (buf_read_file(&src, path) < 0) {
		diag_add(d, -1, path, 0, "cannot read: %s", strerror(errno));
		buf_free(&src);
		return -1;
	}
	rc = fm_parse_as(FM_LETTER, src.data, src.len, &t->fm, &fei);
	if (rc != FM_OK) {
		diag_add(d, -1, path, fei.line, "%s%s%s", fm_strerror(rc),
		    fei.key[0] ? ": " : "", fei.key);
		buf_free(&src);
		return -1;
	}
	e.line0 = t->fm.body_line;
	bad = page_placeholder_errors(src.data + t->fm.body_off,
	    src.len - t->fm.body_off, names, &scratch, body_error, &e);
	/* the subject's line is not kept: its errors name the file only */
	bad += page_placeholder_errors(t->fm.subject, strlen(t->fm.subject),
	    names, &scratch, body_error, &subj);
	if (bad == 0)
		bad = parse(t, path, src.data + t->fm.body_off,
		    src.len - t->fm.body_off, d) < 0;
	buf_free(&scratch);
	buf_free(&src);
	if (bad) {
		letter_free(t);
		return -1;
	}
	return 0;
}

void
letter_free(struct letter_tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->blocks[i].bullet);
		free(t->blocks[i].markup);
	}
	free(t->blocks);
	free(t->subject);
	fm_free(&t->fm);
	memset(t, 0, sizeof *t);
}

int
letter_markup(buf *out, const char *markup, const struct tmpl_scope *scope)
{
	buf_reset(out);
	return tmpl_render(out, markup, strlen(markup), scope, NULL);
}
