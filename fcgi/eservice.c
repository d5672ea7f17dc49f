/* eservice.c — routes, pages and the submission path of the e-service. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

	memset(s, 0, sizeof(*s));
	s->conf = conf;
	if (key_public_load(conf->public_key_path, &s->pk) != KEY_OK) {
		*what = conf->public_key_path;
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
	case ES_EKEY: return "cannot read the public key (run kaa-inbox keygen)";
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

/* For someone 20 or older: the municipality's duty has ended; say where to
 * turn. Nothing is stored, since the municipality has no duty (or right)
 * to record them. */
static void over20_page(struct es_site *s, struct es_response *r,
    const char *path)
{
	buf b = BUF_INIT;

	buf_puts(&b, "<div class=\"notice\"><p>Du har fyllt 20 år. Då ska "
	    "kommunen inte längre följa upp vad du gör. Vi har inte sparat "
	    "något av det du skrev.</p></div>\n"
	    "<p>Du kan ändå få hjälp. Här kan du vända dig:</p>\n<ul>\n"
	    "<li><strong>Vuxenutbildningen (Komvux)</strong> om du vill läsa in "
	    "gymnasiet. Prata med en studie- och yrkesvägledare där.</li>\n"
	    "<li><strong>Arbetsförmedlingen</strong> om du söker arbete: "
	    "<a href=\"https://arbetsformedlingen.se\">arbetsformedlingen.se</a>.</li>\n"
	    "<li><strong>Folkhögskola</strong> är ett annat sätt att studera: "
	    "<a href=\"https://www.folkhogskola.nu\">folkhogskola.nu</a>.</li>\n"
	    "</ul>\n<p>Vill du fråga oss något?</p>\n");
	office_contact(&b, s);
	page(s, r, 200, "Vårt stöd gäller tills du fyller 20", path, &b);
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

static int open_inbox(struct es_site *s);

/* What happens next: the text the form's spec gives for the answer the
 * redirect carried (untrusted, so only a known choice picks a text; the
 * web host cannot read the sealed record to look it up). */
static const char *receipt_next(const char *query)
{
	static const char neutral[] = "Vi läser dina svar. Om vi behöver "
	    "veta något mer, hör vi av oss.";
	const struct form_spec *spec;
	char kind[32], value[32];

	if (query_value(query, "form", kind, sizeof(kind)) != 0 ||
	    (spec = form_find(kind)) == NULL)
		return neutral;
	if (spec->receipt_field == NULL ||
	    query_value(query, spec->receipt_field, value, sizeof(value)) != 0)
		return form_receipt_text(spec, NULL);
	return form_receipt_text(spec, value);
}

/* Thanks only for what was really stored: the reference must be in the
 * inbox (its metadata is in clear; the content stays sealed). */
static void receipt_page(struct es_site *s, struct es_response *r,
    const char *query, const char *path)
{
	char ref[INBOX_REF_LEN + 1], raw[64];
	buf b = BUF_INIT;
	int rc;

	if (query_value(query, "ref", raw, sizeof(raw)) != 0 ||
	    inbox_ref_parse(raw, ref) != 0 ||
	    (rc = open_inbox(s)) != INBOX_OK ||
	    (rc = inbox_exists(s->ib, ref)) == INBOX_ENOTFOUND) {
		simple_page(s, r, 404, "Kvittot finns inte", path,
		    "<p>Vi hittar inget svar med det referensnumret.</p>\n");
		return;
	}
	if (rc != INBOX_OK) {
		simple_page(s, r, 503, "Försök igen", path,
		    "<p>Kvittot kan inte visas just nu. Försök igen om en stund.</p>\n");
		r->retry_after = 30;
		return;
	}
	buf_puts(&b, "<p>Tack! Vi har tagit emot dina svar.</p>\n"
	    "<div class=\"receipt\"><p>Ditt referensnummer är</p><p class=\"ref\">");
	buf_puts_html(&b, ref);
	buf_puts(&b, "</p></div>\n<h2>Det här händer nu</h2>\n<p class=\"next\">");
	buf_puts_html(&b, receipt_next(query));
	buf_puts(&b, "</p>\n<p>Spara referensnumret om du vill fråga oss om "
	    "det du skickade.</p>\n");
	office_contact(&b, s);
	page(s, r, 200, "Tack för dina svar", path, &b);
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

/* Opens the inbox on first use, and again if the file at the configured
 * path is no longer the one open (moved or replaced): writing on into a
 * moved file would put submissions where nobody looks. */
static int open_inbox(struct es_site *s)
{
	if (s->ib != NULL && !inbox_is_current(s->ib)) {
		inbox_close(s->ib);
		s->ib = NULL;
	}
	if (s->ib == NULL)
		return inbox_open(s->conf->inbox_path, INBOX_CREATE, s->busy_ms, &s->ib);
	return INBOX_OK;
}

/* Stores the record; returns an inbox_err. */
static int store(struct es_site *s, const struct form_data *d, char *ref)
{
	char *json;
	int rc;

	if ((rc = open_inbox(s)) != INBOX_OK)
		return rc;
	if ((json = form_to_json(d, s->conf->id)) == NULL)
		return INBOX_ENOMEM;
	rc = inbox_append(s->ib, &s->pk, d->spec->kind, json, strlen(json), ref);
	sodium_memzero(json, strlen(json));
	free(json);
	if (rc == INBOX_EIO || rc == INBOX_ESCHEMA || rc == INBOX_EOPEN) {
		inbox_close(s->ib);   /* start afresh next time */
		s->ib = NULL;
	}
	return rc;
}

static void submit(struct es_site *s, const struct es_request *req,
    struct es_response *r, const struct form_spec *spec, const char *path)
{
	struct form_data d;
	char ref[INBOX_REF_LEN + 1];
	int rc;

	if (!content_type_ok(req->content_type)) {
		simple_page(s, r, 415, "Formuläret kunde inte läsas", path,
		    "<p>Formuläret skickades i ett format vi inte kan läsa.</p>\n");
		return;
	}
	if (req->body_error == ES_BODY_BROKEN) {
		simple_page(s, r, 400, "Formuläret kom inte fram helt", path,
		    "<p>Bara en del av formuläret kom fram, så vi har inte sparat "
		    "något. Gå tillbaka och tryck på Skicka igen.</p>\n");
		return;
	}
	if (req->body_error == ES_BODY_TOO_LARGE || req->body_len > FORM_BODY_MAX) {
		simple_page(s, r, 413, "Formuläret är för stort", path,
		    "<p>Du har skrivit mer än formuläret kan ta emot. Korta "
		    "texten och försök igen.</p>\n");
		return;
	}
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
	if (form_validate(&d, req->today) > 0)
		form_page(s, r, 422, &d, NULL, path);
	else if (d.has_pnr && pnr_age(&d.pnr, req->today) >= 20)
		over20_page(s, r, path);
	else if ((rc = store(s, &d, ref)) != INBOX_OK) {
		form_page(s, r, 503, &d, busy_notice, path);
		r->retry_after = 30;
	} else {
		/* The answer that picks the receipt's text travels in the
		 * address: the web host cannot read the sealed record back.
		 * Only a value from the form's own choices is put there. */
		const char *next = form_receipt_value(&d);

		r->status = 303;
		snprintf(r->location, sizeof(r->location),
		    "%s/kvitto?ref=%s&form=%s%s%s%s%s", s->conf->eservice_base,
		    ref, spec->kind, next ? "&" : "",
		    next ? spec->receipt_field : "", next ? "=" : "",
		    next ? next : "");
		buf_reset(&r->body);
	}
	form_data_free(&d);
}

/* --- routing ---------------------------------------------------------------- */

static struct es_site *find_site(struct es_site *sites, size_t n,
    const char *path, const char **rest)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = strlen(sites[i].conf->eservice_base);
		if (strncmp(path, sites[i].conf->eservice_base, len) == 0 &&
		    path[len] == '/') {
			*rest = path + len + 1;
			return &sites[i];
		}
	}
	return NULL;
}

static int method_is(const struct es_request *req, const char *m)
{
	return req->method != NULL && strcmp(req->method, m) == 0;
}

void es_handle(struct es_site *sites, size_t n, const struct es_request *req,
    struct es_response *r)
{
	const struct form_spec *spec;
	struct es_site *s;
	struct form_data d;
	const char *rest = NULL;

	buf_reset(&r->body);
	r->status = 200;
	r->allow = NULL;
	r->retry_after = 0;
	r->location[0] = '\0';
	if (req->path == NULL || (s = find_site(sites, n, req->path, &rest)) == NULL) {
		r->status = 404;
		buf_puts(&r->body, "<!DOCTYPE html><html lang=\"sv\"><title>Sidan "
		    "finns inte</title><h1>Sidan finns inte</h1></html>\n");
		return;
	}
	if (strcmp(rest, "kvitto") == 0) {
		if (!method_is(req, "GET") && !method_is(req, "HEAD")) {
			r->allow = "GET, HEAD";
			simple_page(s, r, 405, "Fel metod", req->path, "<p>Sidan går bara att läsa.</p>\n");
			return;
		}
		receipt_page(s, r, req->query, req->path);
		return;
	}
	if ((spec = form_find(rest)) == NULL) {
		simple_page(s, r, 404, "Sidan finns inte", req->path,
		    "<p>Det finns ingen e-tjänst på den här adressen. Börja från "
		    "<a href=\"/\">startsidan</a>.</p>\n");
		return;
	}
	if (method_is(req, "POST")) {
		submit(s, req, r, spec, req->path);
	} else if (method_is(req, "GET") || method_is(req, "HEAD")) {
		form_data_init(&d, spec);
		form_page(s, r, 200, &d, NULL, req->path);
	} else {
		r->allow = "GET, HEAD, POST";
		simple_page(s, r, 405, "Fel metod", req->path,
		    "<p>Den här metoden går inte att använda här.</p>\n");
	}
}
