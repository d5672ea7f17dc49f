/* pdf.c — letters through Pango into a cairo PDF (see gen_pdf.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "buf.h"
#include "gen_pdf.h"
#include "wfile.h"

#define MM          (72.0 / 25.4)            /* points per millimetre */
#define PAGE_W      (210.0 * MM)             /* A4 */
#define PAGE_H      (297.0 * MM)
#define MARGIN_L    (20.0 * MM)
#define MARGIN_R    (20.0 * MM)
#define TEXT_W      (PAGE_W - MARGIN_L - MARGIN_R)
#define HEAD_TOP    (15.0 * MM)              /* sender and date */
#define NEXT_TOP    (20.0 * MM)              /* body on later pages */
#define BODY_BOTTOM (PAGE_H - 22.0 * MM)
#define FOOT_Y      (PAGE_H - 14.0 * MM)
#define GAP_WINDOW  (12.0 * MM)              /* window to subject */
#define INDENT      (6.0 * MM)               /* per list level */
/* The address keeps clear of the window's edges: a letter moves a few
 * millimetres in its envelope. */
#define WIN_INSET   (4.0 * MM)
#define CACHE_MAX   4096
/* cairo writes in small pieces: gather them into writes of this size. */
#define WBUF        (256 * 1024)

#define FAMILY "DejaVu Sans"

/* The letter's block styles, then the page's own: sender, date, footer. */
enum { ST_HEAD = LS__MAX, ST__MAX };
static const struct style {
	const char *font;
	double      before, after;     /* mm */
	int         keep;              /* keep with the next block */
} styles[ST__MAX] = {
	[LS_BODY] = { FAMILY " 11",         0.0, 2.8, 0 },
	[LS_H1]   = { FAMILY " Bold 15",    3.0, 3.0, 1 },
	[LS_H2]   = { FAMILY " Bold 12.5",  3.0, 1.8, 1 },
	[LS_H3]   = { FAMILY " Bold 11",    2.0, 1.2, 1 },
	[LS_CODE] = { "DejaVu Sans Mono 9.5", 0.0, 2.8, 0 },
	[ST_HEAD] = { FAMILY " 9",          0.0, 0.0, 0 },
};
#define TIGHT_AFTER 1.0   /* mm after an item of a tight list */
static const double addr_sizes[] = { 11, 10, 9, 8 };   /* points */
#define NADDR_SIZES (sizeof addr_sizes / sizeof addr_sizes[0])

struct pdf {
	struct wfile          w;
	int                   werr;       /* errno of a failed write */
	cairo_surface_t      *surface;
	cairo_t              *cr;
	PangoFontMap         *fontmap;    /* ours, not the process-wide one:
	                                   * its caches go when we do */
	PangoContext         *ctx;
	PangoFontDescription *fonts[ST__MAX];
	PangoFontDescription *addr;
	GHashTable           *cache;      /* key -> PangoLayout */
	buf                   key, tmp, out;
	struct pdf_geom       g;          /* in points */
	int                   pages;
};

/* A laid-out block in the cache. A block met a second time is recorded
 * once and painted from the recording from then on: cairo writes it into
 * the PDF once, as a form XObject, and each later letter only refers to
 * it. Nearly all of a letter is the same for every recipient, so this
 * saves most of the work and size. */
struct block {
	PangoLayout     *layout;
	cairo_surface_t *rec;     /* NULL until the second use */
	int              uses;
};

/* One block's place in a letter. */
struct placed {
	struct block *blk, *bullet;
	double       x, h, before, after;
	int          keep, page;
	double       y;
};

static int
flush(struct pdf *p)
{
	if (p->out.len > 0 && wfile_write(&p->w, p->out.data, p->out.len)) {
		p->werr = errno;
		return -1;
	}
	buf_reset(&p->out);
	return 0;
}

static cairo_status_t
write_cb(void *arg, const unsigned char *data, unsigned int len)
{
	struct pdf *p = arg;

	if (buf_put(&p->out, data, len) < 0) {
		p->werr = ENOMEM;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	if (p->out.len >= WBUF && flush(p) < 0)
		return CAIRO_STATUS_WRITE_ERROR;
	return CAIRO_STATUS_SUCCESS;
}

static int
make_fonts(struct pdf *p)
{
	size_t i;

	for (i = 0; i < ST__MAX; i++)
		if ((p->fonts[i] = pango_font_description_from_string(
		    styles[i].font)) == NULL)
			return -1;
	p->addr = pango_font_description_from_string(FAMILY);
	return p->addr != NULL ? 0 : -1;
}

static void
set_meta(cairo_surface_t *s, const struct pdf_meta *m)
{
	char date[32];

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, m->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR,
	    m->author);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	    "kaa-gen");
	/* the letter's date, not the clock: the same input makes the same
	 * file */
	snprintf(date, sizeof date, "%.10sT00:00:00", m->date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    date);
}

static void
block_free(void *v)
{
	struct block *b = v;

	g_object_unref(b->layout);
	if (b->rec != NULL)
		cairo_surface_destroy(b->rec);
	free(b);
}

static int
start(struct pdf *p, const struct pdf_meta *m)
{
	cairo_font_options_t *fo;

	p->surface = cairo_pdf_surface_create_for_stream(write_cb, p, PAGE_W,
	    PAGE_H);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS)
		return PDF_ECAIRO;
	set_meta(p->surface, m);
	p->cr = cairo_create(p->surface);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		return PDF_ECAIRO;
	if ((p->fontmap = pango_cairo_font_map_new()) == NULL)
		return PDF_ENOMEM;
	p->ctx = pango_font_map_create_context(p->fontmap);
	pango_cairo_update_context(p->cr, p->ctx);
	/* a PDF's unit is the point: sizes as given (Pango assumes 96 dpi) */
	pango_cairo_context_set_resolution(p->ctx, 72.0);
	/* unhinted metrics: the same line breaks at any resolution */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p->ctx, fo);
	cairo_font_options_destroy(fo);
	p->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    block_free);
	if (p->ctx == NULL || p->cache == NULL || make_fonts(p) < 0)
		return PDF_ENOMEM;
	return PDF_OK;
}

static void
release(struct pdf *p)
{
	size_t i;

	if (p->cache != NULL)
		g_hash_table_destroy(p->cache);
	for (i = 0; i < ST__MAX; i++)
		if (p->fonts[i] != NULL)
			pango_font_description_free(p->fonts[i]);
	if (p->addr != NULL)
		pango_font_description_free(p->addr);
	if (p->ctx != NULL)
		g_object_unref(p->ctx);
	if (p->fontmap != NULL)
		g_object_unref(p->fontmap);
	if (p->cr != NULL)
		cairo_destroy(p->cr);
	if (p->surface != NULL)
		cairo_surface_destroy(p->surface);
	buf_free(&p->key);
	buf_free(&p->tmp);
	buf_free(&p->out);
	free(p);
}

int
pdf_open(struct pdf **out, const char *path, const struct pdf_geom *g,
    const struct pdf_meta *m)
{
	struct pdf *p;
	int rc;

	*out = NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return PDF_ENOMEM;
	p->g.win_left = g->win_left * MM;
	p->g.win_top = g->win_top * MM;
	p->g.win_width = g->win_width * MM;
	p->g.win_height = g->win_height * MM;
	if (p->g.win_width <= 2 * WIN_INSET || p->g.win_height <= 2 * WIN_INSET ||
	    p->g.win_left < 0 || p->g.win_top < 0 ||
	    p->g.win_left + p->g.win_width > PAGE_W ||
	    p->g.win_top + p->g.win_height + GAP_WINDOW > BODY_BOTTOM / 2) {
		free(p);
		return PDF_EGEOM;
	}
	if (wfile_create(&p->w, path, 0600) != 0) {
		free(p);
		return PDF_EWRITE;
	}
	if ((rc = start(p, m)) != PDF_OK) {
		wfile_abort(&p->w);
		release(p);
		return rc;
	}
	*out = p;
	return PDF_OK;
}

/* The block for markup in a style and width (0: lines are not wrapped),
 * from the cache or new; NULL if the markup is bad. The cache owns it. */
static struct block *
block_for(struct pdf *p, int style, double width, const char *markup)
{
	struct block *b;
	char *key;

	buf_reset(&p->key);
	buf_printf(&p->key, "%d %.2f ", style, width);
	buf_puts(&p->key, markup);
	if (p->key.oom)
		return NULL;
	if ((b = g_hash_table_lookup(p->cache, p->key.data)) != NULL) {
		b->uses++;
		return b;
	}
	if (!pango_parse_markup(markup, -1, 0, NULL, NULL, NULL, NULL))
		return NULL;
	if ((b = calloc(1, sizeof *b)) == NULL ||
	    (key = g_strdup(p->key.data)) == NULL) {
		free(b);
		return NULL;
	}
	b->layout = pango_layout_new(p->ctx);
	b->uses = 1;
	pango_layout_set_font_description(b->layout, p->fonts[style]);
	if (width > 0) {
		pango_layout_set_width(b->layout, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(b->layout, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_markup(b->layout, markup, -1);
	g_hash_table_insert(p->cache, key, b);
	return b;
}

static double
height(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double
width(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

/* Plain lines as one markup text, escaped; the first line bold if asked. */
static const char *
lines_markup(buf *b, const char *const *lines, size_t n, int bold_first)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, '\n');
		if (i == 0 && bold_first)
			buf_puts(b, "<b>");
		buf_puts_html(b, lines[i]);
		if (i == 0 && bold_first)
			buf_puts(b, "</b>");
	}
	return b->oom ? NULL : b->data != NULL ? b->data : "";
}

/* A new uncached layout of plain lines. */
static PangoLayout *
plain_layout(struct pdf *p, PangoFontDescription *f, const char *markup)
{
	PangoLayout *l;

	if (!pango_parse_markup(markup, -1, 0, NULL, NULL, NULL, NULL))
		return NULL;
	l = pango_layout_new(p->ctx);
	pango_layout_set_font_description(l, f);
	pango_layout_set_markup(l, markup, -1);
	return l;
}

/* The recipient's block at the largest size that fits the window. */
static int
address(struct pdf *p, const struct pdf_letter *lt, PangoLayout **out)
{
	const char *m = lines_markup(&p->tmp, lt->addr, lt->naddr, 0);
	PangoLayout *l;
	size_t i;

	*out = NULL;
	if (m == NULL)
		return PDF_ENOMEM;
	if ((l = plain_layout(p, p->addr, m)) == NULL)
		return PDF_EMARKUP;
	for (i = 0; i < NADDR_SIZES; i++) {
		pango_font_description_set_size(p->addr,
		    (int)(addr_sizes[i] * PANGO_SCALE));
		pango_layout_set_font_description(l, p->addr);
		if (width(l) <= p->g.win_width - 2 * WIN_INSET &&
		    height(l) <= p->g.win_height - 2 * WIN_INSET) {
			*out = l;
			return PDF_OK;
		}
	}
	g_object_unref(l);
	return PDF_ENOFIT;
}

static int
overlaps(const struct pdf *p, double x, double y, double w, double h)
{
	return x < p->g.win_left + p->g.win_width && x + w > p->g.win_left &&
	    y < p->g.win_top + p->g.win_height && y + h > p->g.win_top;
}

/* A block of plain lines in the page's own style. */
static struct block *
head_block(struct pdf *p, const char *const *lines, size_t n, int bold)
{
	const char *m = lines_markup(&p->tmp, lines, n, bold);

	return m != NULL ? block_for(p, ST_HEAD, 0, m) : NULL;
}

/* Sender at the top left, date at the top right; neither in the window. */
static int
head(struct pdf *p, const struct pdf_letter *lt, struct block **sender,
    struct block **date)
{
	PangoLayout *s, *d;

	*sender = head_block(p, lt->sender, lt->nsender, 1);
	*date = head_block(p, &lt->date, 1, 0);
	if (*sender == NULL || *date == NULL)
		return PDF_EMARKUP;
	s = (*sender)->layout;
	d = (*date)->layout;
	if (overlaps(p, MARGIN_L, HEAD_TOP, width(s), height(s)) ||
	    overlaps(p, PAGE_W - MARGIN_R - width(d), HEAD_TOP, width(d),
	    height(d)))
		return PDF_EGEOM;
	return PDF_OK;
}

/* Lays the subject and blocks out: v[0] is the subject. */
static int
place(struct pdf *p, const struct pdf_letter *lt, struct placed *v,
    double top)
{
	size_t i, n = lt->nblocks + 1;
	double y = top, need;
	int page = 0;
	const struct letter_block *b;

	for (i = 0; i < n; i++) {
		b = i > 0 ? &lt->blocks[i - 1] : NULL;
		v[i].x = MARGIN_L + (b ? b->indent * INDENT : 0);
		v[i].blk = block_for(p, b ? (int)b->style : LS_H1,
		    TEXT_W - (v[i].x - MARGIN_L), i > 0 ? lt->markup[i - 1] :
		    lt->subject);
		v[i].bullet = NULL;
		if (b != NULL && b->bullet != NULL)
			v[i].bullet = block_for(p, LS_BODY, INDENT, b->bullet);
		if (v[i].blk == NULL || (b && b->bullet && !v[i].bullet))
			return -PDF_EMARKUP;
		v[i].h = height(v[i].blk->layout);
		v[i].before = (b ? styles[b->style].before : 0) * MM;
		v[i].after = (b && b->tight && b->style == LS_BODY ?
		    TIGHT_AFTER : styles[b ? b->style : LS_H1].after) * MM;
		v[i].keep = styles[b ? b->style : LS_H1].keep;
	}
	for (i = 0; i < n; i++) {
		if (y > top || page > 0)
			y += v[i].before;
		need = v[i].h + (v[i].keep && i + 1 < n ? v[i].after +
		    v[i + 1].h : 0);
		if (y + need > BODY_BOTTOM && y > NEXT_TOP) {
			page++;
			y = NEXT_TOP;
		}
		v[i].page = page;
		v[i].y = y;
		y += v[i].h + v[i].after;
	}
	return page + 1;
}

static void
show(struct pdf *p, PangoLayout *l, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* Records a block's drawing, bounded by its ink and logical extents. */
static cairo_surface_t *
record(PangoLayout *l)
{
	PangoRectangle ink, log;
	cairo_rectangle_t r;
	cairo_surface_t *s;
	cairo_t *cr;
	double x0, y0, x1, y1;

	pango_layout_get_pixel_extents(l, &ink, &log);
	x0 = ink.x < log.x ? ink.x : log.x;
	y0 = ink.y < log.y ? ink.y : log.y;
	x1 = ink.x + ink.width > log.x + log.width ? ink.x + ink.width :
	    log.x + log.width;
	y1 = ink.y + ink.height > log.y + log.height ? ink.y + ink.height :
	    log.y + log.height;
	r = (cairo_rectangle_t){ x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2 };
	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &r);
	cr = cairo_create(s);
	pango_cairo_show_layout(cr, l);
	cairo_destroy(cr);
	return s;
}

/* A block met before is painted from its recording. */
static void
show_block(struct pdf *p, struct block *b, double x, double y)
{
	if (b->uses < 2) {
		show(p, b->layout, x, y);
		return;
	}
	if (b->rec == NULL)
		b->rec = record(b->layout);
	cairo_save(p->cr);    /* the source goes back to black text after */
	cairo_set_source_surface(p->cr, b->rec, x, y);
	cairo_paint(p->cr);
	cairo_restore(p->cr);
}

static void
footer(struct pdf *p, const char *fmt, int page, int pages)
{
	char text[64];
	const char *line = text;
	struct block *b;

	snprintf(text, sizeof text, fmt, page, pages);
	if ((b = head_block(p, &line, 1, 0)) != NULL)
		show_block(p, b, (PAGE_W - width(b->layout)) / 2, FOOT_Y);
}

/* The page's own parts of a letter: sender, date, recipient. */
struct fixed {
	struct block *sender, *date;
	PangoLayout  *addr;    /* owned */
};

static void
draw(struct pdf *p, const struct pdf_letter *lt, struct placed *v, int pages,
    const struct fixed *f)
{
	size_t i = 0, n = lt->nblocks + 1;
	int pg;

	for (pg = 0; pg < pages; pg++) {
		if (pg == 0) {
			show_block(p, f->sender, MARGIN_L, HEAD_TOP);
			show_block(p, f->date, PAGE_W - MARGIN_R -
			    width(f->date->layout), HEAD_TOP);
			show(p, f->addr, p->g.win_left + WIN_INSET,
			    p->g.win_top + WIN_INSET);
		}
		for (; i < n && v[i].page == pg; i++) {
			if (v[i].bullet != NULL)
				show_block(p, v[i].bullet, v[i].x - INDENT +
				    1.0 * MM, v[i].y);
			show_block(p, v[i].blk, v[i].x, v[i].y);
		}
		if (pages > 1)
			footer(p, lt->page_fmt, pg + 1, pages);
		cairo_show_page(p->cr);
	}
}

int
pdf_letter(struct pdf *p, const struct pdf_letter *lt, int *first_page,
    int *pages)
{
	struct fixed f = { NULL, NULL, NULL };
	struct placed *v;
	int rc, n;

	/* Blocks met once (a greeting with a name) fill the cache: empty it
	 * between letters, never while a letter holds blocks from it. */
	if (g_hash_table_size(p->cache) >= CACHE_MAX)
		g_hash_table_remove_all(p->cache);
	if ((v = calloc(lt->nblocks + 1, sizeof *v)) == NULL)
		return PDF_ENOMEM;
	rc = head(p, lt, &f.sender, &f.date);
	if (rc == PDF_OK)
		rc = address(p, lt, &f.addr);
	if (rc == PDF_OK) {
		n = place(p, lt, v, p->g.win_top + p->g.win_height + GAP_WINDOW);
		if (n < 0)
			rc = -n;
		else {
			draw(p, lt, v, n, &f);
			*first_page = p->pages + 1;
			*pages = n;
			p->pages += n;
		}
	}
	if (f.addr != NULL)
		g_object_unref(f.addr);
	free(v);
	if (rc == PDF_OK && cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		rc = p->werr ? (errno = p->werr, PDF_EWRITE) : PDF_ECAIRO;
	return rc;
}

int
pdf_pages(const struct pdf *p)
{
	return p->pages;
}

int
pdf_close(struct pdf *p)
{
	int rc = PDF_OK;

	cairo_destroy(p->cr);
	p->cr = NULL;
	cairo_surface_finish(p->surface);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS)
		rc = p->werr ? PDF_EWRITE : PDF_ECAIRO;
	if (rc == PDF_OK && flush(p) < 0)
		rc = PDF_EWRITE;
	if (rc == PDF_OK && wfile_commit(&p->w) != 0)
		rc = PDF_EWRITE;
	else if (rc != PDF_OK)
		wfile_abort(&p->w);
	if (rc == PDF_EWRITE && p->werr)
		errno = p->werr;
	release(p);
	return rc;
}

void
pdf_discard(struct pdf *p)
{
	if (p == NULL)
		return;
	wfile_abort(&p->w);
	release(p);
}

const char *
pdf_strerror(int err)
{
	static const char *const msg[] = {
		[PDF_OK] = "no error",
		[PDF_EWRITE] = "cannot write the PDF",
		[PDF_ENOFIT] = "the address does not fit the envelope window",
		[PDF_EGEOM] = "the envelope window overlaps the sender's block "
		    "or the date, or leaves the page ([letters] window_*_mm)",
		[PDF_EMARKUP] = "text that cannot be typeset (bad markup)",
		[PDF_ECAIRO] = "cairo could not make the PDF",
		[PDF_ENOMEM] = "out of memory",
	};

	if (err < 0 || (size_t)err >= sizeof msg / sizeof msg[0])
		return "unknown PDF error";
	return msg[err];
}
