/* letters.c — kaa-gen letters: who gets which letter, and the two output
 * files (see gen_letters.h). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "buf.h"
#include "conf.h"
#include "gen_cfg.h"
#include "gen_letter.h"
#include "gen_letters.h"
#include "gen_pdf.h"
#include "gen_roster.h"
#include "wfile.h"

static const struct kind {
	const char *name;       /* --kind; CONTENT/letters/NAME.md */
	int         window;     /* chosen by the 20th birthday in from..to */
	const char *guardian;   /* template for a guardian of a youth under
	                         * 18, or NULL */
} kinds[] = {
	{ "20ar",           1, NULL },
	{ "forsta-kontakt", 0, "forsta-kontakt-vardnadshavare" },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* The envelope window when the configuration gives none, in mm from the
 * sheet's top left: see [letters] in conf/exempelkommun.ini for where the
 * figures come from. */
static const struct setting {
	const char *name;
	double      def;
} window_settings[] = {
	{ "letters.window_left_mm",   20.0 },
	{ "letters.window_top_mm",    45.0 },
	{ "letters.window_width_mm",  90.0 },
	{ "letters.window_height_mm", 35.0 },
};

static const char *const months[12] = {
	"januari", "februari", "mars", "april", "maj", "juni", "juli",
	"augusti", "september", "oktober", "november", "december"
};

/* The letter's placeholders, in this order. */
enum { P_NAMN, P_FORNAMN, P_U_FORNAMN, P_U_EFTERNAMN, P_U_NAMN, P_DATUM,
    P_SLUT, P__MAX };
static const char *const pnames[P__MAX] = {
	"mottagare.namn", "mottagare.fornamn", "ungdom.fornamn",
	"ungdom.efternamn", "ungdom.namn", "brev.datum", "brev.slutdatum",
};

struct run {
	const struct letters_opts *o;
	const struct kind *kind;
	struct conf       *conf;
	struct diag       *d;
	struct letters_stats *st;
	struct letter_tmpl youth, guardian;
	int                have_guardian;
	struct pdf        *pdf;
	buf                csv;
	buf                path, tmp, post;
	char               datum[16];
	const char        *sender[3];
	size_t             nsender;
	char              *dateline;
	/* per letter */
	buf                val[P__MAX];
	struct tmpl_var    vars[P__MAX];
	struct tmpl_scope  scope;
	buf               *markup;
	const char       **mptr;
	size_t             nmarkup;
};

int
letters_parse_date(const char *s, struct pnr_date *out)
{
	char *end;
	long y, m, dd;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = strtol(s, &end, 10);
	if (end != s + 4)
		return -1;
	m = strtol(s + 5, &end, 10);
	if (end != s + 7)
		return -1;
	dd = strtol(s + 8, &end, 10);
	if (end != s + 10)
		return -1;
	out->year = (int)y;
	out->month = (int)m;
	out->day = (int)dd;
	return pnr_date_valid(*out) ? 0 : -1;
}

static const struct kind *
find_kind(const char *name)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* --- options and the output directory --------------------------------- */

static int
check_opts(struct run *r)
{
	const struct letters_opts *o = r->o;

	if ((r->kind = find_kind(o->kind)) == NULL) {
		diag_add(r->d, -1, o->kind, 0, "unknown letter kind (kinds: "
		    "20ar, forsta-kontakt)");
		return -1;
	}
	if (r->kind->window && (o->from.year == 0 || o->to.year == 0)) {
		diag_add(r->d, -1, o->kind, 0, "needs --from and --to (the "
		    "window of 20th birthdays)");
		return -1;
	}
	if (!r->kind->window && (o->from.year != 0 || o->to.year != 0)) {
		diag_add(r->d, -1, o->kind, 0, "takes no --from or --to");
		return -1;
	}
	if (r->kind->window && pnr_date_cmp(o->from, o->to) > 0) {
		diag_add(r->d, -1, o->kind, 0, "--from is after --to");
		return -1;
	}
	return 0;
}

/* The real path of p, or of its parent joined with its last part if p does
 * not exist yet; malloc'd. */
static char *
resolve(const char *p)
{
	char *r = realpath(p, NULL), *dir, *slash, *parent;
	buf b = BUF_INIT;

	if (r != NULL || errno != ENOENT)
		return r;
	if ((dir = strdup(p)) == NULL)
		return NULL;
	while ((slash = strrchr(dir, '/')) != NULL && slash[1] == '\0' &&
	    slash != dir)
		*slash = '\0';
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';   /* dir is now the parent; the name follows */
	parent = realpath(slash == NULL ? "." : slash == dir ? "/" : dir, NULL);
	if (parent != NULL) {
		buf_puts(&b, parent);
		if (b.len == 0 || b.data[b.len - 1] != '/')
			buf_putc(&b, '/');
		buf_puts(&b, slash == NULL ? dir : slash + 1);
		r = buf_detach(&b);
	}
	free(parent);
	free(dir);
	return r;
}

/* Letters hold personal data: never where the web server publishes. */
static int
inside_site(struct run *r)
{
	char *out = resolve(r->o->out_dir), *site;
	size_t n;
	int in = 0;

	if (out == NULL) {
		diag_add(r->d, -1, r->o->out_dir, 0, "cannot resolve: %s",
		    strerror(errno));
		return -1;
	}
	if (r->conf->site_output != NULL &&
	    (site = resolve(r->conf->site_output)) != NULL) {
		n = strlen(site);
		in = strncmp(out, site, n) == 0 &&
		    (out[n] == '/' || out[n] == '\0' || strcmp(site, "/") == 0);
		free(site);
	}
	free(out);
	if (in)
		diag_add(r->d, -1, r->o->out_dir, 0, "is inside the public site "
		    "(site.output): letters hold personal data; choose another "
		    "--out");
	return in ? -1 : 0;
}

static int
make_out_dir(struct run *r)
{
	if (inside_site(r) < 0)
		return -1;
	if (wfile_private_dir(r->o->out_dir) < 0) {
		diag_add(r->d, -1, r->o->out_dir, 0, "%s",
		    errno == EPERM ? "exists and is not a private directory of "
		    "ours (mode 0700): choose a new --out" : strerror(errno));
		return -1;
	}
	return 0;
}

static const char *
out_path(struct run *r, const char *name)
{
	buf_reset(&r->path);
	buf_puts(&r->path, r->o->out_dir);
	buf_putc(&r->path, '/');
	buf_puts(&r->path, name);
	return r->path.oom ? "" : r->path.data;
}

/* --- templates ---------------------------------------------------------- */

static int
load_tmpl(struct run *r, const char *name, int recipient,
    struct letter_tmpl *t)
{
	struct tmpl_var names[P__MAX];
	struct tmpl_scope sc = { names, 0, &r->conf->scope };
	size_t i;
	buf path = BUF_INIT;
	int rc;

	for (i = 0; i < P__MAX; i++)
		if (i != P_FORNAMN || recipient == FM_RCPT_YOUTH) {
			names[sc.n].name = pnames[i];
			names[sc.n++].value = "";
		}
	buf_printf(&path, "%s/%s/%s.md", r->o->content_dir, LETTER_DIR, name);
	if (path.oom) {
		buf_free(&path);
		return -1;
	}
	rc = letter_load(path.data, &sc, t, r->d);
	if (rc == 0 && strcmp(t->fm.kind, name) != 0) {
		diag_add(r->d, -1, path.data, 0, "kind \"%s\" is not the "
		    "file's name", t->fm.kind);
		rc = -1;
	}
	if (rc == 0 && t->fm.recipient != recipient) {
		diag_add(r->d, -1, path.data, 0, "recipient must be %s",
		    recipient == FM_RCPT_YOUTH ? "youth" : "guardian");
		rc = -1;
	}
	buf_free(&path);
	return rc;
}

static int
load_tmpls(struct run *r)
{
	int rc = load_tmpl(r, r->kind->name, FM_RCPT_YOUTH, &r->youth);

	if (r->kind->guardian != NULL) {
		if (load_tmpl(r, r->kind->guardian, FM_RCPT_GUARDIAN,
		    &r->guardian) < 0)
			rc = -1;
		else
			r->have_guardian = 1;
	}
	return rc;
}

/* --- one letter --------------------------------------------------------- */

static void
long_date(buf *b, struct pnr_date d)
{
	buf_reset(b);
	buf_printf(b, "%d %s %d", d.day, months[d.month - 1], d.year);
}

/* The placeholders of one letter. */
static void
set_values(struct run *r, const struct roster_row *row, int guardian)
{
	size_t i;

	for (i = 0; i < P__MAX; i++)
		buf_reset(&r->val[i]);
	buf_puts(&r->val[P_NAMN], guardian ? row->guardian.name :
	    row->youth.name);
	buf_puts(&r->val[P_FORNAMN], row->first_name);
	buf_puts(&r->val[P_U_FORNAMN], row->first_name);
	buf_puts(&r->val[P_U_EFTERNAMN], row->last_name);
	buf_puts(&r->val[P_U_NAMN], row->youth.name);
	buf_puts(&r->val[P_DATUM], r->datum);
	long_date(&r->val[P_SLUT], pnr_twentieth(&row->pnr));
	for (i = 0; i < P__MAX; i++) {
		r->vars[i].name = pnames[i];
		r->vars[i].value = r->val[i].data != NULL ? r->val[i].data : "";
	}
	r->scope.vars = r->vars;
	r->scope.n = P__MAX;
	r->scope.outer = &r->conf->scope;
}

/* "12345" is printed "123 45", as the postal service writes it. */
static void
postal_line(buf *b, const struct roster_addr *a)
{
	size_t n = strlen(a->postcode);

	buf_reset(b);
	if (n == 5)
		buf_printf(b, "%.3s %s", a->postcode, a->postcode + 3);
	else
		buf_puts(b, a->postcode);
	buf_printf(b, " %s", a->city);
}

static int
fill_markup(struct run *r, const struct letter_tmpl *t)
{
	size_t i;

	if (t->n + 1 > r->nmarkup) {
		buf *m = realloc(r->markup, (t->n + 1) * sizeof *m);
		const char **p;

		if (m == NULL)
			return -1;
		r->markup = m;
		for (i = r->nmarkup; i < t->n + 1; i++)
			buf_init(&r->markup[i]);
		r->nmarkup = t->n + 1;
		if ((p = realloc(r->mptr, r->nmarkup * sizeof *p)) == NULL)
			return -1;
		r->mptr = p;
	}
	for (i = 0; i <= t->n; i++) {
		if (letter_markup(&r->markup[i], i < t->n ? t->blocks[i].markup :
		    t->subject, &r->scope) != TMPL_OK || r->markup[i].oom)
			return -1;
		r->mptr[i] = r->markup[i].data != NULL ? r->markup[i].data : "";
	}
	return 0;
}

static void
csv_field(buf *b, const char *s, int last)
{
	size_t n = strlen(s), need = 2 * n + 2;

	if (buf_grow(b, need + 1) == 0) {
		b->len += csv_write(b->data + b->len, need, s, n);
		b->data[b->len] = '\0';
	}
	buf_puts(b, last ? "\r\n" : ";");
}

static void
csv_row(struct run *r, const struct roster_row *row, const char *kind,
    int guardian, int first, int pages)
{
	char pnr[16], n1[16], n2[16];

	snprintf(pnr, sizeof pnr, "%.8s-%.4s", row->pnr.digits,
	    row->pnr.digits + 8);
	snprintf(n1, sizeof n1, "%d", first);
	snprintf(n2, sizeof n2, "%d", pages);
	csv_field(&r->csv, pnr, 0);
	csv_field(&r->csv, guardian ? row->guardian.name : row->youth.name, 0);
	csv_field(&r->csv, kind, 0);
	csv_field(&r->csv, guardian ? "vardnadshavare" : "ungdom", 0);
	csv_field(&r->csv, r->datum, 0);
	csv_field(&r->csv, n1, 0);
	csv_field(&r->csv, n2, 1);
}

/* Prints one letter. 0, 1 if the row's address did not fit (reported),
 * -1 on a fatal error (reported). */
static int
letter(struct run *r, const struct roster_row *row, int guardian)
{
	const struct letter_tmpl *t = guardian ? &r->guardian : &r->youth;
	const struct roster_addr *a = guardian ? &row->guardian : &row->youth;
	const char *addr[4];
	struct pdf_letter pl;
	size_t na = 0;
	int first, pages, rc;

	set_values(r, row, guardian);
	if (fill_markup(r, t) < 0) {
		diag_add(r->d, -1, r->o->roster_path, 0, "out of memory");
		return -1;
	}
	addr[na++] = a->name;
	buf_reset(&r->tmp);
	if (a->co != NULL) {
		buf_printf(&r->tmp, "c/o %s", a->co);
		addr[na++] = r->tmp.data;
	}
	addr[na++] = a->street;
	postal_line(&r->post, a);
	addr[na++] = r->post.data;
	pl = (struct pdf_letter){ r->sender, r->nsender, r->dateline, addr, na,
	    r->mptr[t->n], t->blocks, r->mptr, t->n, "Sida %d av %d" };
	rc = pdf_letter(r->pdf, &pl, &first, &pages);
	if (rc == PDF_ENOFIT) {
		diag_add(r->d, 0, r->o->roster_path, (int)row->line, "%s%s",
		    guardian ? "guardian: " : "", pdf_strerror(rc));
		r->st->bad++;
		return 1;
	}
	if (rc != PDF_OK) {
		diag_add(r->d, -1, out_path(r, "brev.pdf"), 0, "%s%s%s",
		    pdf_strerror(rc), rc == PDF_EWRITE ? ": " : "",
		    rc == PDF_EWRITE ? strerror(errno) : "");
		return -1;
	}
	csv_row(r, row, t->fm.kind, guardian, first, pages);
	if (guardian)
		r->st->guardian++;
	else
		r->st->youth++;
	return 0;
}

/* --- the run ------------------------------------------------------------ */

static int
wanted(struct run *r, const struct roster_row *row)
{
	struct pnr_date t = pnr_twentieth(&row->pnr);

	if (r->kind->window && (pnr_date_cmp(t, r->o->from) < 0 ||
	    pnr_date_cmp(t, r->o->to) > 0)) {
		r->st->outside++;
		return 0;
	}
	if (pnr_date_cmp(t, r->o->date) <= 0) {
		diag_add(r->d, 0, r->o->roster_path, (int)row->line, "20 or "
		    "older on the letter's date: no letter");
		r->st->bad++;
		return 0;
	}
	return 1;
}

static int
open_pdf(struct run *r)
{
	const struct setting *s;
	double v[4];
	struct pdf_geom g;
	struct pdf_meta m;
	const char *x;
	char *end;
	size_t i;
	int rc;

	for (i = 0; i < 4; i++) {
		s = &window_settings[i];
		v[i] = s->def;
		if ((x = conf_get(r->conf, s->name)) != NULL) {
			v[i] = strtod(x, &end);
			if (end == x || *end != '\0' || !isfinite(v[i]) ||
			    v[i] < 0) {
				diag_add(r->d, -1, r->o->conf_path, 0, "%s: not a "
				    "number of millimetres", s->name);
				return -1;
			}
		}
	}
	g = (struct pdf_geom){ v[0], v[1], v[2], v[3] };
	buf_reset(&r->tmp);
	buf_printf(&r->tmp, "%s, %s", conf_get(r->conf, "office.name") ?
	    conf_get(r->conf, "office.name") : "", r->conf->name);
	m = (struct pdf_meta){ strchr(r->youth.fm.subject, '{') == NULL ?
	    r->youth.fm.subject : r->youth.fm.kind, r->tmp.data, r->datum };
	rc = pdf_open(&r->pdf, out_path(r, "brev.pdf"), &g, &m);
	if (rc != PDF_OK) {
		diag_add(r->d, -1, rc == PDF_EGEOM ? r->o->conf_path :
		    out_path(r, "brev.pdf"), 0, "%s%s%s", pdf_strerror(rc),
		    rc == PDF_EWRITE ? ": " : "",
		    rc == PDF_EWRITE ? strerror(errno) : "");
		return -1;
	}
	return 0;
}

static void
setup_head(struct run *r)
{
	static const char *const keys[] = { "office.name", "office.address" };
	size_t i;
	const char *v;

	r->sender[r->nsender++] = r->conf->name;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if ((v = conf_get(r->conf, keys[i])) != NULL && *v != '\0')
			r->sender[r->nsender++] = v;
	snprintf(r->datum, sizeof r->datum, "%04d-%02d-%02d",
	    r->o->date.year, r->o->date.month, r->o->date.day);
	buf_reset(&r->tmp);
	buf_printf(&r->tmp, "Datum: %s", r->datum);
	r->dateline = buf_detach(&r->tmp);
}

/* Every row's letters, in the roster's order; the bad rows reported. */
static int
print_all(struct run *r, const struct roster *ro)
{
	const struct roster_row *row;
	size_t i;

	for (i = 0; i < ro->nbad; i++) {
		diag_add(r->d, 0, r->o->roster_path, (int)ro->bad[i].line, "%s",
		    ro->bad[i].reason);
		r->st->bad++;
	}
	for (i = 0; i < ro->n; i++) {
		row = &ro->rows[i];
		if (!wanted(r, row))
			continue;
		if (letter(r, row, 0) < 0)
			return -1;
		if (r->have_guardian && row->guardian.name != NULL &&
		    pnr_age(&row->pnr, r->o->date) < 18 &&
		    letter(r, row, 1) < 0)
			return -1;
	}
	return 0;
}

static int
write_outputs(struct run *r, const struct roster *ro)
{
	const char *csvpath;
	int rc;

	if (open_pdf(r) < 0)
		return -1;
	buf_puts(&r->csv, "personnummer;namn;brev;mottagare;datum;"
	    "forsta_sida;sidor\r\n");
	if (print_all(r, ro) < 0) {
		pdf_discard(r->pdf);
		return -1;
	}
	if (r->st->youth + r->st->guardian == 0) {
		pdf_discard(r->pdf);   /* a PDF without pages is no document */
		return 0;
	}
	r->st->pages = pdf_pages(r->pdf);
	if ((rc = pdf_close(r->pdf)) != PDF_OK) {
		diag_add(r->d, -1, out_path(r, "brev.pdf"), 0, "%s: %s",
		    pdf_strerror(rc), strerror(errno));
		return -1;
	}
	csvpath = out_path(r, "utskick.csv");
	if (r->csv.oom || wfile_put(csvpath, 0600, r->csv.data, r->csv.len)) {
		diag_add(r->d, -1, csvpath, 0, "cannot write: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
run_free(struct run *r)
{
	size_t i;

	letter_free(&r->youth);
	letter_free(&r->guardian);
	for (i = 0; i < r->nmarkup; i++)
		buf_free(&r->markup[i]);
	free(r->markup);
	free(r->mptr);
	for (i = 0; i < P__MAX; i++)
		buf_free(&r->val[i]);
	buf_free(&r->csv);
	buf_free(&r->path);
	buf_free(&r->tmp);
	buf_free(&r->post);
	free(r->dateline);
	conf_free(r->conf);
}

static int
load_roster(struct run *r, struct roster *ro)
{
	struct roster_errinfo ei;
	int rc = roster_load(r->o->roster_path, r->o->date, ro, &ei);

	if (rc == ROSTER_OK)
		return 0;
	if (rc == ROSTER_ECOLUMN || rc == ROSTER_EDUPCOL)
		diag_add(r->d, -1, r->o->roster_path, (int)ei.line, "%s: \"%s\"",
		    roster_strerror(rc), ei.column);
	else
		diag_add(r->d, -1, r->o->roster_path, (int)ei.line, "%s%s%s",
		    roster_strerror(rc), rc == ROSTER_EOPEN ? ": " : "",
		    rc == ROSTER_EOPEN ? strerror(errno) : "");
	return -1;
}

int
letters_make(const struct letters_opts *o, struct letters_stats *st,
    struct diag *d)
{
	struct run r;
	struct roster ro;
	int rc = LETTERS_FATAL;

	memset(&r, 0, sizeof r);
	memset(st, 0, sizeof *st);
	memset(&ro, 0, sizeof ro);
	r.o = o;
	r.d = d;
	r.st = st;
	if (check_opts(&r) == 0 && cfg_load(o->conf_path, &r.conf, d) == 0 &&
	    load_tmpls(&r) == 0 && load_roster(&r, &ro) == 0 &&
	    make_out_dir(&r) == 0) {
		st->rows = ro.n;
		setup_head(&r);
		if (write_outputs(&r, &ro) == 0)
			rc = st->bad > 0 ? LETTERS_BADROWS : LETTERS_OK;
	}
	roster_free(&ro);
	run_free(&r);
	return rc;
}
