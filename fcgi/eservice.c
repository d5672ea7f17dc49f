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

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(f) || b.oom || b.len == 0) {
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

int es_site_load(struct es_site *s, struct conf *conf, const char **what)
{
	memset(s, 0, sizeof(*s));
	s->conf = conf;
	if (key_public_load(conf->public_key_path, &s->pk) != KEY_OK) {
		*what = conf->public_key_path;
		return ES_EKEY;
	}
	if ((s->shell = read_file(conf->layout_path, &s->shell_len)) == NULL) {
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
	struct tmpl_var v[6];
	struct tmpl_scope scope;

	buf_puts(&crumbs, "<nav class=\"breadcrumbs\" aria-label=\"Du är här\">"
	    "<ol><li><a href=\"/\">Start</a></li><li aria-current=\"page\">");
	buf_puts_html(&crumbs, title);
	buf_puts(&crumbs, "</li></ol></nav>");
	v[0] = (struct tmpl_var){ "page.title", title };
	v[1] = (struct tmpl_var){ "page.description", title };
	v[2] = (struct tmpl_var){ "page.url", path };
	v[3] = (struct tmpl_var){ "page.body", body->data ? body->data : "" };
	v[4] = (struct tmpl_var){ "page.breadcrumbs", crumbs.data ? crumbs.data : "" };
	v[5] = (struct tmpl_var){ "page.subnav", "" };
	scope = (struct tmpl_scope){ v, 6, &s->conf->scope };
	buf_reset(&r->body);
	r->status = status;
	if (tmpl_render(&r->body, s->shell, s->shell_len, &scope, NULL) != TMPL_OK) {
		/* The shell was checked at start-up, so this is out of memory. */
		buf_reset(&r->body);
		r->status = 500;
		buf_puts(&r->body, "<!DOCTYPE html><title>Fel</title><p>Något gick fel.");
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

/* For someone 20 or older: KAA has ended; say where to turn. Nothing is
 * stored, since the municipality has no duty (or right) to record them. */
static void over20_page(struct es_site *s, struct es_response *r,
    const char *path)
{
	buf b = BUF_INIT;

	buf_puts(&b, "<div class=\"notice\"><p>Du har fyllt 20 år. Då gäller inte "
	    "längre det kommunala aktivitetsansvaret, och vi har inte sparat något "
	    "av det du skrev.</p></div>\n"
	    "<p>Du kan ändå få hjälp. Här kan du vända dig:</p>\n<ul>\n"
	    "<li><strong>Vuxenutbildningen (Komvux)</strong> om du vill läsa in "
	    "gymnasiet. Prata med en studie- och yrkesvägledare där.</li>\n"
	    "<li><strong>Arbetsförmedlingen</strong> om du söker arbete: "
	    "<a href=\"https://arbetsformedlingen.se\">arbetsformedlingen.se</a>.</li>\n"
	    "<li><strong>Folkhögskola</strong> är ett annat sätt att studera: "
	    "<a href=\"https://www.folkhogskola.nu\">folkhogskola.nu</a>.</li>\n"
	    "</ul>\n<p>Vill du fråga oss något?</p>\n");
	office_contact(&b, s);
	page(s, r, 200, "Aktivitetsansvaret gäller tills du fyller 20", path, &b);
	buf_free(&b);
}

static void receipt_page(struct es_site *s, struct es_response *r,
    const char *query, const char *path)
{
	char ref[INBOX_REF_LEN + 1], raw[64];
	const char *p = query ? strstr(query, "ref=") : NULL;
	size_t n;
	buf b = BUF_INIT;

	if (p == NULL || (p != query && p[-1] != '&'))
		p = NULL;
	else {
		p += 4;
		n = strcspn(p, "&");
		if (n >= sizeof(raw))
			p = NULL;
		else {
			memcpy(raw, p, n);
			raw[n] = '\0';
		}
	}
	if (p == NULL || inbox_ref_parse(raw, ref) != 0) {
		simple_page(s, r, 404, "Kvittot finns inte", path,
		    "<p>Adressen innehåller inget giltigt referensnummer.</p>\n");
		return;
	}
	buf_puts(&b, "<p>Tack! Vi har tagit emot dina svar.</p>\n"
	    "<div class=\"receipt\"><p>Ditt referensnummer är</p><p class=\"ref\">");
	buf_puts_html(&b, ref);
	buf_puts(&b, "</p></div>\n<p>Spara numret om du vill fråga oss om det "
	    "du skickade. Om du bad oss kontakta dig, hör vi av oss inom en "
	    "vecka.</p>\n");
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

/* Stores the record; returns an inbox_err. */
static int store(struct es_site *s, const struct form_data *d, char *ref)
{
	char *json;
	int rc;

	if (s->ib == NULL &&
	    (rc = inbox_open(s->conf->inbox_path, INBOX_CREATE, s->busy_ms,
	    &s->ib)) != INBOX_OK)
		return rc;
	if ((json = form_to_json(d, s->conf->id)) == NULL)
		return INBOX_ENOMEM;
	rc = inbox_append(s->ib, &s->pk, d->spec->kind, json, strlen(json), ref);
	sodium_memzero(json, strlen(json));
	free(json);
	if (rc == INBOX_EIO || rc == INBOX_ESCHEMA || rc == INBOX_EOPEN) {
		/* Start afresh next time: the file may have been replaced. */
		inbox_close(s->ib);
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
	if (req->body_len > FORM_BODY_MAX) {
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
		r->status = 303;
		snprintf(r->location, sizeof(r->location), "%s/kvitto?ref=%s",
		    s->conf->eservice_base, ref);
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
