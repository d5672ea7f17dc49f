/* eservice.c — routes, pages and the submission path of the e-service. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "eservice.h"
#include "form.h"
#include "tmpl.h"

/* --- loading ------------------------------------------------------------ */

/* The page variables every e-service page sets (see page()). */
static const char *const page_vars[] = {
	"page.title", "page.description", "page.url", "page.body",
	"page.breadcrumbs", "page.subnav",
};
#define NPAGE_VARS (sizeof(page_vars) / sizeof(page_vars[0]))

static void fill_page_vars(struct tmpl_var *v, const char *const values[])
{
	size_t i;

	for (i = 0; i < NPAGE_VARS; i++)
		v[i] = (struct tmpl_var){ page_vars[i], values[i] };
}

/* Renders the shell once with placeholder values. */
static int shell_check(const struct es_site *s)
{
	static const char *const x[NPAGE_VARS] = { "x", "x", "x", "x", "x", "x" };
	struct tmpl_var v[NPAGE_VARS];
	struct tmpl_scope scope;
	buf out = BUF_INIT;
	int rc;

	fill_page_vars(v, x);
	scope = (struct tmpl_scope){ v, NPAGE_VARS, &s->conf->scope };
	rc = tmpl_render(&out, s->shell, s->shell_len, &scope, NULL);
	buf_free(&out);
	return rc == TMPL_OK ? 0 : -1;
}

int es_site_load(struct es_site *s, struct conf *conf, const char **what)
{
	buf shell = BUF_INIT;

	size_t bad = 0;

	memset(s, 0, sizeof(*s));
	s->conf = conf;
	if (key_set_load(&s->keys, conf->public_key_paths, conf->npublic_keys,
	    &bad) != KEY_OK) {
		*what = conf->public_key_paths[bad < conf->npublic_keys ? bad : 0];
		return ES_EKEY;
	}
	if (buf_read_file(&shell, conf->layout_path) == 0 && shell.len > 0) {
		s->shell_len = shell.len;
		s->shell = buf_detach(&shell);
	}
	buf_free(&shell);
	if (s->shell == NULL || shell_check(s) != 0) {
		*what = conf->layout_path;
		return ES_ESHELL;
	}
	return ES_OK;
}

void es_site_free(struct es_site *s)
{
	if (s == NULL)
		return;
	inbox_close(s->ib);
	conf_free(s->conf);
	free(s->shell);
	memset(s, 0, sizeof(*s));
}

const char *es_strerror(int err)
{
	switch (err) {
	case ES_OK: return "no error";
	case ES_EOPEN: return "cannot open";
	case ES_EKEY: return "cannot read a coordinator's public key, or one is "
	    "listed twice (run kaa-inbox keygen)";
	case ES_ECONF: return "the configuration does not hold together";
	case ES_ESHELL: return "cannot read the page shell (run kaa-gen site)";
	default: return "out of memory";
	}
}

/* --- pages ---------------------------------------------------------------- */

/* Renders body into the site's page shell as the whole response. */
static void page(struct es_site *s, struct es_response *r, int status,
    const char *title, const char *path, const buf *body)
{
	buf crumbs = BUF_INIT;
	const char *values[NPAGE_VARS];
	struct tmpl_var v[NPAGE_VARS];
	struct tmpl_scope scope;
	int rc = TMPL_ENOMEM;

	buf_puts(&crumbs, "<nav class=\"breadcrumbs\" aria-label=\"Du är här\">"
	    "<ol><li><a href=\"/\">Startsida</a></li><li aria-current=\"page\">");
	buf_puts_html(&crumbs, title);
	buf_puts(&crumbs, "</li></ol></nav>");
	buf_reset(&r->body);
	r->status = status;
	if (!crumbs.oom && !body->oom) {
		values[0] = title;
		values[1] = title;
		values[2] = path;
		values[3] = body->data ? body->data : "";
		values[4] = crumbs.data;
		values[5] = "";
		fill_page_vars(v, values);
		scope = (struct tmpl_scope){ v, NPAGE_VARS, &s->conf->scope };
		rc = tmpl_render(&r->body, s->shell, s->shell_len, &scope, NULL);
	}
	if (rc != TMPL_OK || r->body.oom) {
		/* The shell was checked at start-up: this is out of memory. Never
		 * send half a page. */
		buf_reset(&r->body);
		r->status = 503;
		r->retry_after = 30;
		buf_puts(&r->body, "<!DOCTYPE html><html lang=\"sv\"><title>Försök "
		    "igen</title><p>Något gick fel hos oss. Försök igen om en stund.</html>");
	}
	buf_free(&crumbs);
}

static void simple_page(struct es_site *s, struct es_response *r, int status,
    const char *title, const char *path, const char *html)
{
	buf b = BUF_INIT;

	buf_puts(&b, html);
	page(s, r, status, title, path, &b);
	buf_free(&b);
}

static void form_page(struct es_site *s, struct es_response *r, int status,
    const struct form_data *d, const char *notice, const char *path)
{
	buf b = BUF_INIT;

	if (notice != NULL)
		buf_puts(&b, notice);
	form_render(&b, d, path);
	page(s, r, status, d->spec->title, path, &b);
	buf_free(&b);
}

/* A configuration value, or "" if the municipality left it out. */
static const char *setting(const struct es_site *s, const char *name)
{
	const char *v = conf_get(s->conf, name);

	return v ? v : "";
}

static void office_contact(buf *b, const struct es_site *s)
{
	buf_puts(b, "<p>Ring oss på <a href=\"");
	buf_puts_html(b, setting(s, "office.phone_href"));
	buf_puts(b, "\">");
	buf_puts_html(b, setting(s, "office.phone"));
	buf_puts(b, "</a> eller skicka e-post till <a href=\"mailto:");
	buf_puts_html(b, setting(s, "office.email"));
	buf_puts(b, "\">");
	buf_puts_html(b, setting(s, "office.email"));
	buf_puts(b, "</a>.</p>\n");
}

/* Too old for the form (its spec's age rule): the spec's page, and where
 * to ask. Nothing is stored, since the municipality has no duty (or
 * right) to record them. */
static void over_age_page(struct es_site *s, struct es_response *r,
    const struct form_spec *spec, const char *path)
{
	buf b = BUF_INIT;

	buf_puts(&b, spec->age_html);
	office_contact(&b, s);
	page(s, r, 200, spec->age_title, path, &b);
	buf_free(&b);
}

/* The value of name in a query string, copied into out (size n); -1 if
 * absent or too long. Values are only compared with our own references,
 * form kinds and choice values, none of which needs %-decoding. */
static int query_value(const char *q, const char *name, char *out, size_t n)
{
	size_t nlen = strlen(name), vlen;
	const char *amp;

	while (q != NULL && *q != '\0') {
		amp = strchr(q, '&');
		vlen = amp ? (size_t)(amp - q) : strlen(q);
		if (vlen > nlen && strncmp(q, name, nlen) == 0 && q[nlen] == '=') {
			vlen -= nlen + 1;
			if (vlen >= n)
				return -1;
			memcpy(out, q + nlen + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
		q = amp ? amp + 1 : NULL;
	}
	return -1;
}

static int open_inbox(struct es_site *s, int flags);

/* The form named by the receipt's address, among those served here. */
static const struct form_spec *mount_form(const struct es_mount *m,
    const char *kind)
{
	size_t i;

	for (i = 0; i < m->nforms; i++)
		if (strcmp(m->forms[i]->kind, kind) == 0)
			return m->forms[i];
	return NULL;
}

/* The municipality a submission went to: named in the address when the
 * form serves several (untrusted: it must be one of them). */
static struct es_site *mount_to(const struct es_mount *m, const char *id)
{
	size_t i;

	if (m->nto == 1 && id == NULL)
		return m->to[0];
	for (i = 0; id != NULL && i < m->nto; i++)
		if (strcmp(m->to[i]->conf->id, id) == 0)
			return m->to[i];
	return NULL;
}

/* "2026-11-24T12:00:00Z" as local time, "24 november 2026 kl. 13.00". */
static void received_at(buf *b, const char *utc)
{
	static const char *const month[12] = { "januari", "februari", "mars",
	    "april", "maj", "juni", "juli", "augusti", "september", "oktober",
	    "november", "december" };
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
		buf_puts_html(b, utc);
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	localtime_r(&t, &tm);
	buf_printf(b, "%d %s %d kl. %02d.%02d", tm.tm_mday, month[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* The day of "2026-11-24T12:00:00Z" (today if it cannot be read). */
static struct pnr_date received_day(const char *utc)
{
	struct pnr_date d;

	if (sscanf(utc, "%4d-%2d-%2d", &d.year, &d.month, &d.day) != 3 ||
	    !pnr_date_valid(d))
		return pnr_today();
	return d;
}

/* The youth form's receipt: what happens next for the contact choice. */
static void youth_receipt(buf *b, const struct form_spec *spec,
    const char *query, const char *ref)
{
	char value[32];

	buf_puts(b, "<p>Tack! Vi har tagit emot dina svar.</p>\n"
	    "<div class=\"receipt\"><p>Ditt referensnummer är</p><p class=\"ref\">");
	buf_puts_html(b, ref);
	buf_puts(b, "</p></div>\n<h2>Det här händer nu</h2>\n<p class=\"next\">");
	buf_puts_html(b, form_receipt_text(spec, spec->receipt_field != NULL &&
	    query_value(query, spec->receipt_field, value, sizeof(value)) == 0 ?
	    value : NULL));
	buf_puts(b, "</p>\n<p>Spara referensnumret om du vill fråga oss om "
	    "det du skickade.</p>\n");
}

/* A notice's receipt, for the school's records: reference, time, the
 * municipality, and what was reported without the pupil's data. */
static void notice_receipt(buf *b, const struct form_spec *spec,
    const char *query, const char *ref, const struct es_site *to,
    const struct inbox_entry *meta)
{
	buf_puts(b, "<div class=\"receipt\"><p>Referensnummer</p><p class=\"ref\">");
	buf_puts_html(b, ref);
	buf_puts(b, "</p></div>\n<dl class=\"receipt-summary\">\n<dt>Mottagen</dt><dd>");
	received_at(b, meta->received);
	buf_puts(b, "</dd>\n<dt>Skickad till</dt><dd>");
	buf_puts_html(b, to->conf->name);
	buf_puts(b, ", kommunala aktivitetsansvaret</dd>\n</dl>\n");
	if (spec->receipt_intro != NULL) {
		buf_puts(b, "<p>");
		buf_puts_html(b, spec->receipt_intro);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "<h2>Det här anmälde du</h2>\n");
	/* dates were checked against the day the notice came, not today */
	form_receipt_summary_on(spec, query, received_day(meta->received), b);
	buf_puts(b, "<p class=\"no-print\">Skriv ut sidan eller spara den som PDF "
	    "med webbläsarens utskrift (Ctrl+P). Elevens namn och personnummer "
	    "står inte på kvittot.</p>\n");
}

/* Thanks only for what was really stored: the reference must be in the
 * inbox it names (its metadata is in clear; the content stays sealed). */
static void receipt_page(const struct es_mount *m, struct es_response *r,
    const char *query, const char *path)
{
	char ref[INBOX_REF_LEN + 1], raw[64], id[64];
	const struct form_spec *spec = NULL;
	struct inbox_entry meta;
	struct es_site *to = NULL;
	buf b = BUF_INIT;
	int rc = INBOX_ENOTFOUND;

	/* the form is the one the stored row names (its metadata), so the
	 * address cannot show one form's receipt for another's row */
	memset(&meta, 0, sizeof(meta));
	if (query_value(query, "ref", raw, sizeof(raw)) == 0 &&
	    inbox_ref_parse(raw, ref) == 0 &&
	    (to = mount_to(m, query_value(query, "kommun", id, sizeof(id)) == 0 ?
	    id : NULL)) != NULL &&
	    (rc = open_inbox(to, INBOX_READONLY)) == INBOX_OK &&
	    (rc = inbox_lookup(to->ib, ref, &meta)) == INBOX_OK &&
	    (spec = mount_form(m, meta.kind)) == NULL)
		rc = INBOX_ENOTFOUND;
	/* the address names the municipality twice (kommun, and the form's
	 * route field in the summary): both must be the inbox it is in */
	if (rc == INBOX_OK && spec->route_field != NULL &&
	    query_value(query, spec->route_field, id, sizeof(id)) == 0 &&
	    strcmp(id, to->conf->id) != 0)
		rc = INBOX_ENOTFOUND;
	if (rc == INBOX_ENOTFOUND || to == NULL) {
		simple_page(m->host, r, 404, "Kvittot finns inte", path,
		    "<p>Vi hittar inget svar med det referensnumret.</p>\n");
		return;
	}
	if (rc != INBOX_OK) {
		simple_page(m->host, r, 503, "Försök igen", path,
		    "<p>Kvittot kan inte visas just nu. Försök igen om en stund.</p>\n");
		r->retry_after = 30;
		return;
	}
	if (spec->route_field == NULL)
		youth_receipt(&b, spec, query, ref);
	else
		notice_receipt(&b, spec, query, ref, to, &meta);
	office_contact(&b, to);
	page(m->host, r, 200, spec->receipt_title, path, &b);
	buf_free(&b);
}

/* --- submission ----------------------------------------------------------- */

static const char busy_notice[] =
	"<div class=\"notice\" role=\"alert\"><p><strong>Vi kunde inte ta emot "
	"dina svar just nu.</strong> Det är ett fel hos oss. Det du skrev finns "
	"kvar nedan. Vänta en stund och tryck på Skicka igen.</p></div>\n";

static int content_type_ok(const char *ct)
{
	static const char want[] = "application/x-www-form-urlencoded";

	return ct != NULL && strncasecmp(ct, want, sizeof(want) - 1) == 0 &&
	    (ct[sizeof(want) - 1] == '\0' || ct[sizeof(want) - 1] == ';');
}

/* The site's inbox, kept open (inbox_keep_open). Only a writer (flags
 * INBOX_CREATE) makes a missing file: a receipt looked up in a new empty
 * file would say "no such receipt" for one that exists. Receipts read
 * (INBOX_READONLY). */
static int open_inbox(struct es_site *s, int flags)
{
	return inbox_keep_open(&s->ib, s->conf->inbox_path, flags, s->busy_ms);
}

/* Stores the record in the inbox of the municipality it is for, sealed to
 * that municipality's coordinators, in this process; returns an
 * inbox_err. */
static int store(struct es_site *s, const struct form_data *d,
    char ref[INBOX_REF_LEN + 1])
{
	char *json;
	int rc;

	if ((json = form_to_json(d, s->conf->id)) == NULL)
		return INBOX_ENOMEM;
	if ((rc = open_inbox(s, INBOX_CREATE)) == INBOX_OK) {
		rc = inbox_append(s->ib, &s->keys, d->spec->kind, json,
		    strlen(json), ref);
		inbox_keep_after(&s->ib, rc);
	}
	sodium_memzero(json, strlen(json));
	free(json);
	return rc;
}

/* 303 to the receipt. What the receipt shows travels in the address (the
 * web host cannot read the sealed record back): the municipality and the
 * values the form marks for the receipt, never the person's data. */
static void to_receipt(const struct es_mount *m, const struct es_site *to,
    const struct form_data *d, const char *ref, struct es_response *r)
{
	const char *next = form_receipt_value(d);
	buf q = BUF_INIT;

	buf_printf(&q, "%s/kvitto?ref=%s&form=%s", m->base, ref, d->spec->kind);
	if (m->nto > 1)
		buf_printf(&q, "&kommun=%s", to->conf->id);
	if (next != NULL)
		buf_printf(&q, "&%s=%s", d->spec->receipt_field, next);
	form_receipt_query(d, &q);
	r->status = 303;
	if (q.oom || q.len >= sizeof(r->location))   /* the summary is a
	                                             * courtesy: keep the rest */
		snprintf(r->location, sizeof(r->location), "%s/kvitto?ref=%s&form=%s"
		    "%s%s", m->base, ref, d->spec->kind, m->nto > 1 ? "&kommun=" : "",
		    m->nto > 1 ? to->conf->id : "");
	else
		memcpy(r->location, q.data, q.len + 1);
	buf_free(&q);
	buf_reset(&r->body);
}

/* The form again, as typed, with the notice that nothing was stored. */
static void busy_page(struct es_site *s, struct es_response *r,
    const struct form_data *d, const char *path)
{
	form_page(s, r, 503, d, busy_notice, path);
	r->retry_after = 30;
}

/* A submission handed to the writer: what its answer needs. Owns d, path
 * and the record's JSON (kept to seal anew under another reference). */
struct es_pending {
	const struct es_mount *m;
	struct es_site        *to;
	struct form_data       d;
	char                  *path;
	char                  *json;
	int                    tries;
	char                   ref[INBOX_REF_LEN + 1];
};

static void pending_free(struct es_pending *p)
{
	if (p->json != NULL) {
		sodium_memzero(p->json, strlen(p->json));
		free(p->json);
	}
	form_data_free(&p->d);
	free(p->path);
	free(p);
}

/* Seals the record under a new reference and hands it over. */
static int pending_send(struct es_pending *p, struct es_response *r)
{
	struct inbox_row row;
	int rc;

	p->tries++;
	if ((rc = inbox_seal(&p->to->keys, p->d.spec->kind, p->json,
	    strlen(p->json), &row)) == INBOX_OK &&
	    (rc = p->to->commit->send(p->to->commit->ctx, p->to->index, &row,
	    &r->token)) == INBOX_OK)
		memcpy(p->ref, row.ref, sizeof(p->ref));
	inbox_row_clear(&row);
	return rc;
}

void es_finish(struct es_response *r, int rc)
{
	struct es_pending *p = r->pending;

	if (rc == INBOX_ETAKEN && p->tries < INBOX_SEAL_TRIES &&
	    (rc = pending_send(p, r)) == INBOX_OK)
		return;
	if (rc == INBOX_OK)
		to_receipt(p->m, p->to, &p->d, p->ref, r);
	else
		busy_page(p->m->host, r, &p->d, p->path);
	r->pending = NULL;
	pending_free(p);
}

/* Hands the record for to to the writer (es_commit); takes d over. The
 * response stays pending, or is the 503 if it cannot be handed over. */
static void hand_over(const struct es_mount *m, struct es_site *to,
    struct form_data *d, const char *path, struct es_response *r)
{
	struct es_pending *p = calloc(1, sizeof(*p));
	int rc;

	if (p == NULL || (p->path = strdup(path)) == NULL ||
	    (p->json = form_to_json(d, to->conf->id)) == NULL) {
		busy_page(m->host, r, d, path);
		form_data_free(d);
		if (p != NULL)
			pending_free(p);    /* its d is still empty */
		return;
	}
	p->m = m;
	p->to = to;
	p->d = *d;
	r->pending = p;
	if ((rc = pending_send(p, r)) != INBOX_OK)
		es_finish(r, rc);
}

/* A request the form cannot read: a page that says so, nothing stored. */
static int bad_request(struct es_site *s, const struct es_request *req,
    struct es_response *r, const char *path)
{
	if (!content_type_ok(req->content_type)) {
		simple_page(s, r, 415, "Formuläret kunde inte läsas", path,
		    "<p>Formuläret skickades i ett format vi inte kan läsa.</p>\n");
		return 1;
	}
	if (req->body_error == ES_BODY_BROKEN) {
		simple_page(s, r, 400, "Formuläret kom inte fram helt", path,
		    "<p>Bara en del av formuläret kom fram, så vi har inte sparat "
		    "något. Gå tillbaka och tryck på Skicka igen.</p>\n");
		return 1;
	}
	if (req->body_error == ES_BODY_TOO_LARGE || req->body_len > FORM_BODY_MAX) {
		simple_page(s, r, 413, "Formuläret är för stort", path,
		    "<p>Du har skrivit mer än formuläret kan ta emot. Korta "
		    "texten och försök igen.</p>\n");
		return 1;
	}
	return 0;
}

/* What a bot that filled in the trap sees: the receipt's title and first
 * words, without a reference (nothing was stored to refer to). */
static void trap_page(struct es_site *s, struct es_response *r,
    const struct form_spec *spec, const char *path)
{
	buf b = BUF_INIT;

	buf_puts(&b, "<p>");
	buf_puts_html(&b, spec->receipt_intro);
	buf_puts(&b, "</p>\n");
	page(s, r, 200, spec->receipt_title, path, &b);
	buf_free(&b);
}

/* The length of the host at the start of s (an IPv6 address in brackets
 * whole); s + that length is then "" or ":port". */
static size_t host_len(const char *s)
{
	const char *end = *s == '[' ? strchr(s, ']') : NULL;

	return end != NULL ? (size_t)(end - s + 1) : strcspn(s, ":");
}

int es_cross_site(const struct es_request *req)
{
	const char *h, *port;
	size_t n;

	if (req->fetch_site != NULL)
		return strcmp(req->fetch_site, "same-origin") != 0 &&
		    strcmp(req->fetch_site, "none") != 0;
	if (req->origin == NULL)
		return 0;
	if ((h = strstr(req->origin, "://")) == NULL || req->host == NULL)
		return 1;
	h += 3;
	n = host_len(h);
	if (n != host_len(req->host) || strncasecmp(h, req->host, n) != 0)
		return 1;
	port = h[n] == ':' ? h + n + 1 :
	    strncmp(req->origin, "https://", 8) == 0 ? "443" : "80";
	return req->port != NULL && strcmp(port, req->port) != 0;
}

static void submit(const struct es_mount *m, const struct es_request *req,
    struct es_response *r, const struct form_spec *spec, const char *path)
{
	struct es_site *s = m->host, *to;
	struct form_data d;
	char ref[INBOX_REF_LEN + 1];
	int rc;

	/* Another site's page cannot post a youth's answers here (CSRF): the
	 * form is on our own pages. */
	if (es_cross_site(req)) {
		simple_page(s, r, 403, "Formuläret kom från en annan webbplats", path,
		    "<p>Formuläret skickades från en annan webbplats än vår, så vi "
		    "har inte sparat något. Fyll i formuläret här på vår "
		    "webbplats i stället.</p>\n");
		return;
	}
	if (bad_request(s, req, r, path))
		return;
	rc = form_parse(spec, req->body ? req->body : "", req->body_len, &d);
	if (rc != FORM_OK) {
		form_data_free(&d);
		simple_page(s, r, rc == FORM_ENOMEM ? 503 : 400,
		    "Formuläret kunde inte läsas", path,
		    "<p>Det som skickades kom inte från vårt formulär, eller "
		    "skadades på vägen. Gå tillbaka och försök igen.</p>\n");
		r->retry_after = rc == FORM_ENOMEM ? 30 : 0;
		return;
	}
	/* A bot filled in the trap: it gets what looks like a receipt, and
	 * nothing is stored. */
	if (d.trapped) {
		form_data_free(&d);
		trap_page(s, r, spec, path);
		return;
	}
	to = mount_to(m, spec->route_field != NULL ? form_route(&d) : NULL);
	if (form_validate(&d, req->today) > 0 || to == NULL)
		form_page(s, r, 422, &d, NULL, path);
	else if (spec->age_policy == FORM_AGE_PAGE &&
	    form_over_age(&d, req->today))
		over_age_page(s, r, spec, path);
	else if (to->commit != NULL) {
		hand_over(m, to, &d, path, r);
		return;
	} else if ((rc = store(to, &d, ref)) != INBOX_OK)
		busy_page(s, r, &d, path);
	else
		to_receipt(m, to, &d, ref, r);
	form_data_free(&d);
}

/* --- loading what the process serves --------------------------------------- */

static int load_err(struct es_loaderr *err, const char *file,
    const char *fmt, const char *a, const char *b)
{
	snprintf(err->file, sizeof(err->file), "%s", file);
	snprintf(err->msg, sizeof(err->msg), fmt, a, b);
	return -1;
}

/* The municipality configured in path, loaded once however often named. */
static struct es_site *add_site(struct es_service *svc, const char *path,
    int busy_ms, struct es_loaderr *err)
{
	struct conf_errinfo ei;
	struct conf *c;
	const char *what = NULL;
	char line[16];
	inbox *ib;
	size_t i;
	int rc;

	if ((rc = conf_load(path, &c, &ei)) != CONF_OK) {
		snprintf(line, sizeof(line), "%d", ei.line);
		load_err(err, path, ei.key[0] ? "line %s: %s" : "line %s%s", line,
		    ei.key[0] ? ei.key : "");
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) -
		    strlen(err->msg), ": %s", conf_strerror(rc));
		return NULL;
	}
	for (i = 0; i < svc->nsites; i++)
		if (strcmp(svc->sites[i].conf->id, c->id) == 0) {
			conf_free(c);
			return &svc->sites[i];
		}
	if (svc->nsites == ES_MAX_SITES) {
		conf_free(c);
		load_err(err, path, "more than %s municipalities%s", "64", "");
		return NULL;
	}
	if ((rc = es_site_load(&svc->sites[svc->nsites], c, &what)) != ES_OK) {
		load_err(err, path, "%s (%s)", es_strerror(rc), what ? what : "");
		es_site_free(&svc->sites[svc->nsites]);
		return NULL;
	}
	svc->sites[svc->nsites].busy_ms = busy_ms;
	svc->sites[svc->nsites].index = svc->nsites;
	/* Made (or checked) once, before any worker runs: workers racing to
	 * create a new inbox's schema answered valid submissions 503. */
	if ((rc = inbox_open(c->inbox_path, INBOX_CREATE, busy_ms, &ib)) !=
	    INBOX_OK) {
		load_err(err, c->inbox_path, "%s%s", inbox_strerror(rc), "");
		es_site_free(&svc->sites[svc->nsites]);
		return NULL;
	}
	inbox_close(ib);
	return &svc->sites[svc->nsites++];
}

/* The school form for these municipalities: they are its choices, each
 * with its KAA office's phone (for pupils who must not be reported here). */
static int school_form(struct es_mount *m)
{
	size_t i;

	if ((m->choices = calloc(m->nto, sizeof(*m->choices))) == NULL)
		return -1;
	for (i = 0; i < m->nto; i++) {
		m->choices[i].value = m->to[i]->conf->id;
		m->choices[i].label = m->to[i]->conf->name;
		m->choices[i].extra = setting(m->to[i], "office.phone");
	}
	m->owned = form_spec_with_choices(&form_school, form_school.route_field,
	    m->choices, m->nto);
	if (m->owned == NULL)
		return -1;
	m->forms[m->nforms++] = m->owned;
	return 0;
}

static struct es_mount *add_mount(struct es_service *svc, const char *base,
    struct es_site *host)
{
	struct es_mount *m = &svc->mounts[svc->nmounts++];

	memset(m, 0, sizeof(*m));
	m->base = base;
	m->host = host;
	return m;
}

/* The site's school form is where its eservice.school says, if it says. */
static int school_where(const struct es_site *s, const char *base,
    struct es_loaderr *err)
{
	const char *want = conf_get(s->conf, "eservice.school");
	size_t n = strlen(base);

	if (want == NULL || (strncmp(want, base, n) == 0 && want[n] == '/' &&
	    strcmp(want + n + 1, form_school.kind) == 0))
		return 0;
	return load_err(err, s->conf->file, "eservice.school is %s, but this "
	    "municipality's school form is at %s/skolanmalan", want, base);
}

static int region_mount(struct es_service *svc, struct region *rg,
    struct es_site **members, struct es_loaderr *err)
{
	struct es_mount *m;
	size_t i, j;

	for (i = 0; i < svc->nmounts; i++)
		if (strcmp(svc->mounts[i].base, rg->base) == 0)
			return load_err(err, rg->file, "base %s is already served%s",
			    rg->base, "");
	m = add_mount(svc, rg->base, members[0]);
	m->name = rg->name;
	for (i = 0; i < rg->n; i++) {
		if (school_where(members[i], rg->base, err) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (members[j] == members[i])
				return load_err(err, rg->file, "%s is listed twice in "
				    "municipalities%s", members[i]->conf->id, "");
		m->to[m->nto++] = members[i];
	}
	if (school_form(m) < 0)
		return load_err(err, rg->file, "out of memory%s%s", "", "");
	return 0;
}

static int load_region(struct es_service *svc, const char *path,
    int busy_ms, struct es_loaderr *err)
{
	struct es_site *members[REGION_MAX_MUNICIPALITIES];
	struct conf_errinfo ei;
	struct region *rg;
	char line[16];
	size_t i;
	int rc;

	if (svc->nregions == ES_MAX_REGIONS)
		return load_err(err, path, "more than %s regions%s", "8", "");
	if ((rc = region_load(path, &rg, &ei)) != CONF_OK) {
		snprintf(line, sizeof(line), "%d", ei.line);
		load_err(err, path, "line %s: %s", line, ei.key);
		snprintf(err->msg + strlen(err->msg), sizeof(err->msg) -
		    strlen(err->msg), ": %s", conf_strerror(rc));
		return -1;
	}
	svc->regions[svc->nregions++] = rg;
	for (i = 0; i < rg->n; i++)
		if ((members[i] = add_site(svc, rg->munis[i], busy_ms, err)) == NULL)
			return -1;
	return region_mount(svc, rg, members, err);
}

/* A municipality in a region gets its youth form here; one in none also
 * its own school form. */
static int site_mounts(struct es_service *svc, struct es_loaderr *err)
{
	struct es_mount *m;
	struct es_site *s;
	size_t i, j, k, nregion = svc->nmounts;
	int member;

	for (i = 0; i < svc->nsites; i++) {
		s = &svc->sites[i];
		for (j = 0; j < svc->nmounts; j++)
			if (strcmp(svc->mounts[j].base, s->conf->eservice_base) == 0)
				return load_err(err, s->conf->file, "eservice.base %s is "
				    "already served%s", s->conf->eservice_base, "");
		m = add_mount(svc, s->conf->eservice_base, s);
		m->to[m->nto++] = s;
		m->forms[m->nforms++] = &form_youth;
		for (member = 0, j = 0; j < nregion; j++)
			for (k = 0; k < svc->mounts[j].nto; k++)
				member |= svc->mounts[j].to[k] == s;
		if (!member && (school_where(s, m->base, err) < 0 ||
		    school_form(m) < 0))
			return -1;
	}
	return 0;
}

int es_service_load(struct es_service *svc, char *const *paths, size_t n,
    int busy_ms, struct es_loaderr *err)
{
	size_t i;
	int rc = 0;

	memset(svc, 0, sizeof(*svc));
	for (i = 0; rc == 0 && i < n; i++)
		if (region_is(paths[i]))
			rc = load_region(svc, paths[i], busy_ms, err);
	for (i = 0; rc == 0 && i < n; i++)
		if (!region_is(paths[i]) && add_site(svc, paths[i], busy_ms, err) == NULL)
			rc = -1;
	if (rc == 0)
		rc = site_mounts(svc, err);
	if (rc != 0)
		es_service_free(svc);
	return rc;
}

void es_service_free(struct es_service *svc)
{
	size_t i;

	for (i = 0; i < svc->nmounts; i++) {
		form_spec_free(svc->mounts[i].owned);
		free(svc->mounts[i].choices);
	}
	for (i = 0; i < svc->nsites; i++)
		es_site_free(&svc->sites[i]);
	for (i = 0; i < svc->nregions; i++)
		region_free(svc->regions[i]);
	memset(svc, 0, sizeof(*svc));
}

void es_service_set_commit(struct es_service *svc, const struct es_commit *c)
{
	size_t i;

	for (i = 0; i < svc->nsites; i++)
		svc->sites[i].commit = c;
}

/* --- routing ---------------------------------------------------------------- */

/* The mount whose base is the longest prefix of path. */
static struct es_mount *find_mount(struct es_service *svc, const char *path,
    const char **rest)
{
	struct es_mount *best = NULL;
	size_t i, len, blen = 0;

	for (i = 0; i < svc->nmounts; i++) {
		len = strlen(svc->mounts[i].base);
		if (len > blen && strncmp(path, svc->mounts[i].base, len) == 0 &&
		    path[len] == '/') {
			best = &svc->mounts[i];
			blen = len;
		}
	}
	if (best != NULL)
		*rest = path + blen + 1;
	return best;
}

static int method_is(const struct es_request *req, const char *m)
{
	return req->method != NULL && strcmp(req->method, m) == 0;
}

void es_handle(struct es_service *svc, const struct es_request *req,
    struct es_response *r)
{
	const struct form_spec *spec;
	struct es_mount *m;
	struct form_data d;
	const char *rest = NULL;

	buf_reset(&r->body);
	r->status = 200;
	r->allow = NULL;
	r->retry_after = 0;
	r->location[0] = '\0';
	if (req->path == NULL || (m = find_mount(svc, req->path, &rest)) == NULL) {
		r->status = 404;
		buf_puts(&r->body, "<!DOCTYPE html><html lang=\"sv\"><title>Sidan "
		    "finns inte</title><h1>Sidan finns inte</h1></html>\n");
		return;
	}
	if (strcmp(rest, "kvitto") == 0) {
		if (!method_is(req, "GET") && !method_is(req, "HEAD")) {
			r->allow = "GET, HEAD";
			simple_page(m->host, r, 405, "Fel metod", req->path,
			    "<p>Sidan går bara att läsa.</p>\n");
			return;
		}
		receipt_page(m, r, req->query, req->path);
		return;
	}
	if ((spec = mount_form(m, rest)) == NULL) {
		simple_page(m->host, r, 404, "Sidan finns inte", req->path,
		    "<p>Det finns ingen e-tjänst på den här adressen. Börja från "
		    "<a href=\"/\">startsidan</a>.</p>\n");
		return;
	}
	if (method_is(req, "POST")) {
		submit(m, req, r, spec, req->path);
	} else if (method_is(req, "GET") || method_is(req, "HEAD")) {
		form_data_init(&d, spec);
		form_page(m->host, r, 200, &d, NULL, req->path);
	} else {
		r->allow = "GET, HEAD, POST";
		simple_page(m->host, r, 405, "Fel metod", req->path,
		    "<p>Den här metoden går inte att använda här.</p>\n");
	}
}
