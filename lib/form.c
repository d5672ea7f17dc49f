/* form.c — the table-driven form engine. */
#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

/* Every message a user can see beside a field, in one place. */
static const char *const messages[FM__MAX] = {
	[FM_NONE] = "",
	[FM_REQUIRED] = "Fyll i det här.",
	[FM_TOO_LONG] = "Texten är för lång.",
	[FM_CONTROL] = "Texten innehåller tecken som inte går att använda.",
	[FM_EMAIL] = "Skriv e-postadressen så här: namn@exempel.se",
	[FM_TEL] = "Skriv telefonnumret med siffror, till exempel 070-123 45 67.",
	[FM_CHOICE] = "Välj ett av alternativen.",
	[FM_PNR_FORMAT] = "Skriv personnumret med 10 eller 12 siffror, "
	    "till exempel ÅÅMMDD-NNNN.",
	[FM_PNR_LETTER] = "Ett nummer med bokstäver, till exempel ett "
	    "reservnummer, går inte att använda här. Ring oss i stället.",
	[FM_PNR_DATE] = "Personnumret innehåller ett datum som inte finns. "
	    "Kontrollera siffrorna.",
	[FM_PNR_CHECK] = "Personnumret stämmer inte. Kontrollera siffrorna.",
	[FM_PNR_FUTURE] = "Personnumret har ett födelsedatum som inte har "
	    "hänt ännu. Kontrollera siffrorna.",
	[FM_ANYOF] = "Fyll i minst ett av fälten.",
};

void form_data_init(struct form_data *d, const struct form_spec *spec)
{
	memset(d, 0, sizeof(*d));
	d->spec = spec;
}

void form_data_free(struct form_data *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < FORM_MAX_FIELDS; i++) {
		if (d->value[i] != NULL)   /* personal data: wipe before free */
			sodium_memzero(d->value[i], strlen(d->value[i]));
		free(d->value[i]);
	}
	sodium_memzero(&d->pnr, sizeof(d->pnr));
	form_data_init(d, d->spec);
}

int form_field_index(const struct form_spec *spec, const char *name,
    size_t len)
{
	size_t i;

	for (i = 0; i < spec->nfields; i++)
		if (strlen(spec->fields[i].name) == len &&
		    memcmp(spec->fields[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

const char *form_choice_label(const struct form_field *f, const char *value)
{
	size_t i;

	for (i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i].value, value) == 0)
			return f->choices[i].label;
	return NULL;
}

const char *form_receipt_value(const struct form_data *d)
{
	const struct form_spec *s = d->spec;
	int i;

	if (s->receipt_field == NULL ||
	    (i = form_field_index(s, s->receipt_field, strlen(s->receipt_field))) < 0 ||
	    d->value[i] == NULL ||
	    form_choice_label(&s->fields[i], d->value[i]) == NULL)
		return NULL;
	return d->value[i];
}

const char *form_receipt_text(const struct form_spec *spec, const char *value)
{
	size_t i;

	for (i = 0; value != NULL && i < spec->nreceipts; i++)
		if (strcmp(spec->receipts[i].value, value) == 0)
			return spec->receipts[i].text;
	return spec->receipt_default;
}

/* --- parsing ------------------------------------------------------------ */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) ('+' is space, %XX a byte) into a new string; *out NULL
 * and FORM_EENCODING on a bad escape or a NUL byte. */
static int url_decode(const char *s, size_t n, char **out, size_t *outlen)
{
	char *d = malloc(n + 1);
	size_t i, o = 0;
	int hi, lo;

	*out = NULL;
	if (d == NULL)
		return FORM_ENOMEM;
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			d[o++] = ' ';
		else if (s[i] != '%')
			d[o++] = s[i];
		else if (i + 2 < n &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			d[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			free(d);
			return FORM_EENCODING;
		}
		if (d[o - 1] == '\0') {
			free(d);
			return FORM_EENCODING;
		}
	}
	d[o] = '\0';
	*out = d;
	*outlen = o;
	return FORM_OK;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) { len = 2; cp = s[i] & 0x1f; }
		else if ((s[i] & 0xf0) == 0xe0) { len = 3; cp = s[i] & 0x0f; }
		else if ((s[i] & 0xf8) == 0xf0) { len = 4; cp = s[i] & 0x07; }
		else return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* Trims white space at both ends and turns CRLF and CR into LF, in place. */
static void tidy(char *s)
{
	size_t i, o = 0, n;
	char *start = s;

	while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
		start++;
	n = strlen(start);
	while (n > 0 && strchr(" \t\r\n", start[n - 1]) != NULL)
		n--;
	for (i = 0; i < n; i++) {
		if (start[i] == '\r') {
			s[o++] = '\n';
			if (i + 1 < n && start[i + 1] == '\n')
				i++;
		} else
			s[o++] = start[i];
	}
	s[o] = '\0';
}

static int parse_pair(struct form_data *d, const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	size_t klen = eq ? (size_t)(eq - p) : n, vlen;
	char *key, *val;
	size_t keylen;
	int rc, i;

	if ((rc = url_decode(p, klen, &key, &keylen)) != FORM_OK)
		return rc;
	i = form_field_index(d->spec, key, keylen);
	free(key);
	if (i < 0)
		return FORM_EUNKNOWN;
	if (d->value[i] != NULL)
		return FORM_EREPEAT;
	rc = eq ? url_decode(eq + 1, n - klen - 1, &val, &vlen) :
	    url_decode("", 0, &val, &vlen);
	if (rc != FORM_OK)
		return rc;
	if (!utf8_valid((const unsigned char *)val, vlen)) {
		free(val);
		return FORM_EENCODING;
	}
	tidy(val);
	d->value[i] = val;
	return FORM_OK;
}

int form_parse(const struct form_spec *spec, const char *body, size_t len,
    struct form_data *d)
{
	const char *p = body, *end = body + len, *amp;
	int rc;

	form_data_init(d, spec);
	if (len > FORM_BODY_MAX)
		return FORM_ETOOBIG;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp > p && (rc = parse_pair(d, p, (size_t)(amp - p))) != FORM_OK)
			return rc;
		p = amp + 1;
	}
	return FORM_OK;
}

/* --- validation ----------------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

size_t form_control_at(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p < 0x20 || *p == 0x7f)
		return *p == '\0' ? 0 : 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
	    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
		return 3;
	return 0;
}

static int has_control(const char *s, int allow_newline)
{
	for (; *s != '\0'; s++)
		if (form_control_at(s) > 0 &&
		    !(allow_newline && (*s == '\n' || *s == '\t')))
			return 1;
	return 0;
}

static int check_email(const char *s)
{
	const char *at = strchr(s, '@');

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strpbrk(s, " ,;<>()[]\\\"") != NULL)
		return FM_EMAIL;
	at++;
	if (strchr(at, '.') == NULL || at[0] == '.' ||
	    at[strlen(at) - 1] == '.' || strstr(at, "..") != NULL)
		return FM_EMAIL;
	return FM_NONE;
}

static int check_tel(const char *s)
{
	size_t digits = 0;

	if (strspn(s, "+0123456789 -()") != strlen(s))
		return FM_TEL;
	for (; *s != '\0'; s++)
		digits += *s >= '0' && *s <= '9';
	return digits >= 7 && digits <= 15 ? FM_NONE : FM_TEL;
}

static int check_pnr(struct form_data *d, const char *s, struct pnr_date today)
{
	static const int map[] = {
		[PNR_OK] = FM_NONE, [PNR_EEMPTY] = FM_REQUIRED,
		[PNR_EFORMAT] = FM_PNR_FORMAT, [PNR_ELETTER] = FM_PNR_LETTER,
		[PNR_EDATE] = FM_PNR_DATE, [PNR_ECHECK] = FM_PNR_CHECK,
		[PNR_EFUTURE] = FM_PNR_FUTURE,
	};
	int rc = pnr_parse(s, strlen(s), today, &d->pnr);

	if (rc < 0 || (size_t)rc >= sizeof(map) / sizeof(map[0]))
		return FM_PNR_FORMAT;
	d->has_pnr = rc == PNR_OK;
	return map[rc];
}

static int is_required(const struct form_data *d, const struct form_field *f)
{
	int j;

	if (f->if_field == NULL)
		return f->required;
	j = form_field_index(d->spec, f->if_field, strlen(f->if_field));
	return j >= 0 && d->value[j] != NULL && strcmp(d->value[j], f->if_value) == 0;
}

static int check_field(struct form_data *d, size_t i, struct pnr_date today)
{
	const struct form_field *f = &d->spec->fields[i];
	const char *v = d->value[i];

	if (v == NULL || *v == '\0')
		return is_required(d, f) ? FM_REQUIRED : FM_NONE;
	if (f->maxlen > 0 && utf8_chars(v) > f->maxlen)
		return FM_TOO_LONG;
	if (has_control(v, f->type == FORM_TEXTAREA))
		return FM_CONTROL;
	switch (f->type) {
	case FORM_EMAIL:
		return check_email(v);
	case FORM_TEL:
		return check_tel(v);
	case FORM_PNR:
		return check_pnr(d, v, today);
	case FORM_RADIO:
		return form_choice_label(f, v) ? FM_NONE : FM_CHOICE;
	default:
		return FM_NONE;
	}
}

static int filled(const struct form_data *d, const char *name)
{
	int j = form_field_index(d->spec, name, strlen(name));

	return j >= 0 && d->value[j] != NULL && d->value[j][0] != '\0';
}

int form_validate(struct form_data *d, struct pnr_date today)
{
	const struct form_spec *s = d->spec;
	size_t i;
	int j;

	d->nerrors = 0;
	d->has_pnr = 0;
	for (i = 0; i < s->nfields; i++) {
		d->error[i] = check_field(d, i, today);
		d->anyof_error[i] = 0;
	}
	for (i = 0; i < s->nanyof; i++) {
		if (filled(d, s->anyof[i].a) || filled(d, s->anyof[i].b))
			continue;
		j = form_field_index(s, s->anyof[i].a, strlen(s->anyof[i].a));
		if (j >= 0 && d->error[j] == FM_NONE) {
			d->error[j] = FM_ANYOF;
			d->anyof_error[j] = (int)i + 1;
		}
	}
	for (i = 0; i < s->nfields; i++)
		d->nerrors += d->error[i] != FM_NONE;
	return d->nerrors;
}

const char *form_error_text(const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	int e = d->error[i];

	if (e == FM_REQUIRED && f->need_msg != NULL)
		return f->need_msg;
	if (e == FM_ANYOF && d->anyof_error[i] > 0)
		return d->spec->anyof[d->anyof_error[i] - 1].msg;
	if (e < 0 || e >= FM__MAX)
		return messages[FM_REQUIRED];
	return messages[e];
}

/* --- rendering ------------------------------------------------------------ */

/* The id of the element an error links to: the input, or a radio group's
 * first choice. */
static void field_anchor(buf *b, const struct form_field *f)
{
	buf_printf(b, "f-%s%s", f->name, f->type == FORM_RADIO ? "-1" : "");
}

static void render_summary(buf *b, const struct form_data *d)
{
	size_t i;

	if (d->nerrors == 0)
		return;
	buf_puts(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
	    "id=\"felsammanfattning\">\n<h2>");
	if (d->nerrors == 1)
		buf_puts(b, "Det finns ett fel i formuläret");
	else
		buf_printf(b, "Det finns %d fel i formuläret", d->nerrors);
	buf_puts(b, "</h2>\n<ul>\n");
	for (i = 0; i < d->spec->nfields; i++) {
		if (d->error[i] == FM_NONE)
			continue;
		buf_puts(b, "<li><a href=\"#");
		field_anchor(b, &d->spec->fields[i]);
		buf_puts(b, "\">");
		buf_puts_html(b, form_error_text(d, i));
		buf_puts(b, "</a></li>\n");
	}
	buf_puts(b, "</ul>\n</div>\n");
}

/* Hint, error message and aria-describedby ids, shared by every kind. */
static void render_help(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];

	if (f->hint != NULL) {
		buf_printf(b, "<p class=\"hint\" id=\"f-%s-hint\">", f->name);
		buf_puts_html(b, f->hint);
		buf_puts(b, "</p>\n");
	}
	if (d->error[i] != FM_NONE) {
		buf_printf(b, "<p class=\"field-error\" id=\"f-%s-error\">"
		    "<span class=\"visually-hidden\">Fel: </span>", f->name);
		buf_puts_html(b, form_error_text(d, i));
		if (d->error[i] == FM_TOO_LONG)
			buf_printf(b, " Skriv högst %zu tecken.", f->maxlen);
		buf_puts(b, "</p>\n");
	}
}

static void render_describedby(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	int err = d->error[i] != FM_NONE;

	if (f->hint == NULL && !err && f->note == NULL)
		return;
	buf_puts(b, " aria-describedby=\"");
	if (f->hint != NULL)
		buf_printf(b, "f-%s-hint ", f->name);
	if (err)
		buf_printf(b, "f-%s-error ", f->name);
	if (f->note != NULL)
		buf_printf(b, "f-%s-note ", f->name);
	if (!b->oom && b->len > 0)
		b->data[b->len - 1] = '"';   /* replaces the trailing space */
}

/* The rule of spec that field name is the first (which 'a') or second
 * ('b') of, or NULL. */
static const struct form_anyof *anyof_of(const struct form_spec *s,
    const char *name, char which)
{
	size_t k;

	for (k = 0; k < s->nanyof; k++)
		if (strcmp(which == 'a' ? s->anyof[k].a : s->anyof[k].b, name) == 0)
			return &s->anyof[k];
	return NULL;
}

static void render_label_text(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];

	buf_puts_html(b, f->label);
	if (!f->required && f->if_field == NULL &&
	    anyof_of(d->spec, f->name, 'a') == NULL &&
	    anyof_of(d->spec, f->name, 'b') == NULL)
		buf_puts(b, " <span class=\"optional\">(frivilligt)</span>");
}

static void render_radio(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	const char *v = d->value[i];
	size_t k;

	buf_printf(b, "<fieldset class=\"field%s\"",
	    d->error[i] ? " field--error" : "");
	render_describedby(b, d, i);
	buf_puts(b, ">\n<legend>");
	render_label_text(b, d, i);
	buf_puts(b, "</legend>\n");
	render_help(b, d, i);
	for (k = 0; k < f->nchoices; k++) {
		buf_printf(b, "<div class=\"choice\"><input type=\"radio\" "
		    "id=\"f-%s-%zu\" name=\"%s\" value=\"", f->name, k + 1, f->name);
		buf_puts_html(b, f->choices[k].value);
		buf_puts(b, "\"");
		if (f->choices[k].hint != NULL)
			buf_printf(b, " aria-describedby=\"f-%s-%zu-hint\"", f->name, k + 1);
		if (v != NULL && strcmp(v, f->choices[k].value) == 0)
			buf_puts(b, " checked");
		buf_printf(b, "><label for=\"f-%s-%zu\">", f->name, k + 1);
		buf_puts_html(b, f->choices[k].label);
		buf_puts(b, "</label></div>\n");
		/* After the choice, not inside it: the choice is one flex row. */
		if (f->choices[k].hint != NULL) {
			buf_printf(b, "<p class=\"hint choice-hint\" id=\"f-%s-%zu-hint\">",
			    f->name, k + 1);
			buf_puts_html(b, f->choices[k].hint);
			buf_puts(b, "</p>\n");
		}
	}
	buf_puts(b, "</fieldset>\n");
}

static const char *input_type(enum form_type t)
{
	switch (t) {
	case FORM_EMAIL:
		return "email";
	case FORM_TEL:
		return "tel";
	default:
		return "text";
	}
}

static void render_input(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	const char *v = d->value[i] ? d->value[i] : "";

	buf_printf(b, "<div class=\"field%s\">\n<label for=\"f-%s\">",
	    d->error[i] ? " field--error" : "", f->name);
	render_label_text(b, d, i);
	buf_puts(b, "</label>\n");
	render_help(b, d, i);
	if (f->type == FORM_TEXTAREA)
		buf_printf(b, "<textarea class=\"input\" id=\"f-%s\" name=\"%s\" "
		    "rows=\"5\"", f->name, f->name);
	else
		buf_printf(b, "<input class=\"input\" id=\"f-%s\" name=\"%s\" "
		    "type=\"%s\"%s", f->name, f->name, input_type(f->type),
		    f->type == FORM_PNR ? " inputmode=\"numeric\"" : "");
	if (f->autocomplete != NULL)
		buf_printf(b, " autocomplete=\"%s\"", f->autocomplete);
	else if (f->type != FORM_TEXTAREA)
		buf_puts(b, " autocomplete=\"off\"");
	render_describedby(b, d, i);
	if (d->error[i])
		buf_puts(b, " aria-invalid=\"true\"");
	if (f->type == FORM_TEXTAREA) {
		buf_puts(b, ">");
		buf_puts_html(b, v);
		buf_puts(b, "</textarea>\n");
	} else {
		buf_puts(b, " value=\"");
		buf_puts_html(b, v);
		buf_puts(b, "\">\n");
	}
	if (f->note != NULL) {
		buf_printf(b, "<p class=\"note\" id=\"f-%s-note\">", f->name);
		buf_puts_html(b, f->note);
		buf_puts(b, "</p>\n");
	}
	buf_puts(b, "</div>\n");
}

/* A pair of which one must be filled in is one group: the legend asks the
 * question, the hint says that one of the two is enough. */
static void group_open(buf *out, const struct form_spec *s, size_t i)
{
	const struct form_anyof *g = anyof_of(s, s->fields[i].name, 'a');

	if (g == NULL || g->legend == NULL)
		return;
	buf_printf(out, "<fieldset class=\"field field-group\"%s%s%s>\n<legend>",
	    g->hint ? " aria-describedby=\"g-" : "", g->hint ? g->a : "",
	    g->hint ? "-hint\"" : "");
	buf_puts_html(out, g->legend);
	buf_puts(out, "</legend>\n");
	if (g->hint != NULL) {
		buf_printf(out, "<p class=\"hint\" id=\"g-%s-hint\">", g->a);
		buf_puts_html(out, g->hint);
		buf_puts(out, "</p>\n");
	}
}

int form_render(buf *out, const struct form_data *d, const char *action)
{
	const struct form_spec *s = d->spec;
	const struct form_anyof *g;
	size_t i;

	render_summary(out, d);
	if (s->intro != NULL) {
		buf_puts(out, "<p class=\"intro\">");
		buf_puts_html(out, s->intro);
		buf_puts(out, "</p>\n");
	}
	buf_puts(out, "<form class=\"eform\" method=\"post\" action=\"");
	buf_puts_html(out, action);
	buf_puts(out, "\" novalidate>\n");
	for (i = 0; i < s->nfields; i++) {
		if (s->fields[i].section != NULL) {
			buf_puts(out, "<h2>");
			buf_puts_html(out, s->fields[i].section);
			buf_puts(out, "</h2>\n");
		}
		group_open(out, s, i);
		if (s->fields[i].type == FORM_RADIO)
			render_radio(out, d, i);
		else
			render_input(out, d, i);
		g = anyof_of(s, s->fields[i].name, 'b');
		if (g != NULL && g->legend != NULL)
			buf_puts(out, "</fieldset>\n");
	}
	buf_puts(out, "<button type=\"submit\" class=\"button\">");
	buf_puts_html(out, s->submit);
	buf_puts(out, "</button>\n</form>\n");
	return out->oom ? -1 : 0;
}

/* --- the sealed record ------------------------------------------------------ */

char *form_to_json(const struct form_data *d, const char *municipality)
{
	const struct form_spec *s = d->spec;
	json_t *root, *fields;
	const char *v;
	char *text, *dumped;
	size_t i;
	int bad = 0;

	root = json_object();
	fields = json_object();
	if (root == NULL || fields == NULL) {
		json_decref(root);
		json_decref(fields);
		return NULL;
	}
	bad |= json_object_set_new(root, "schema", json_integer(1));
	bad |= json_object_set_new(root, "form", json_string(s->kind));
	bad |= json_object_set_new(root, "municipality", json_string(municipality));
	for (i = 0; i < s->nfields; i++) {
		v = d->value[i];
		if (v == NULL || *v == '\0')
			continue;
		if (s->fields[i].type == FORM_PNR && d->has_pnr)
			v = d->pnr.digits;
		bad |= json_object_set_new(fields, s->fields[i].name, json_string(v));
	}
	bad |= json_object_set_new(root, "fields", fields);
	dumped = bad ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	/* a plain malloc'd copy, so the caller frees it as documented */
	text = dumped != NULL ? strdup(dumped) : NULL;
	form_json_free(dumped);
	return text;
}

const char *form_strerror(int err)
{
	static const char *const msg[] = {
		[FORM_OK] = "no error",
		[FORM_EUNKNOWN] = "unknown field",
		[FORM_EREPEAT] = "field sent twice",
		[FORM_EENCODING] = "bad encoding",
		[FORM_ETOOBIG] = "too large",
		[FORM_ENOMEM] = "out of memory",
	};

	if (err < 0 || (size_t)err >= sizeof(msg) / sizeof(msg[0]))
		return "unknown error";
	return msg[err];
}

/* Each block carries its size in front, so free knows how much to wipe. */
#define WIPE_HDR 16
_Static_assert(WIPE_HDR >= _Alignof(max_align_t) && WIPE_HDR >= sizeof(size_t),
    "jansson's blocks must stay aligned after the size header");

static void *wipe_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - WIPE_HDR || (p = malloc(n + WIPE_HDR)) == NULL)
		return NULL;
	memcpy(p, &n, sizeof(n));
	return p + WIPE_HDR;
}

static void wipe_free(void *q)
{
	unsigned char *p = q;
	size_t n;

	if (p == NULL)
		return;
	p -= WIPE_HDR;
	memcpy(&n, p, sizeof(n));
	sodium_memzero(p, n + WIPE_HDR);
	free(p);
}

void form_json_wipe_on_free(void)
{
	json_set_alloc_funcs(wipe_malloc, wipe_free);
}

void form_json_free(char *text)
{
	json_malloc_t m;
	json_free_t f;

	if (text == NULL)
		return;
	sodium_memzero(text, strlen(text));
	json_get_alloc_funcs(&m, &f);
	f(text);
}
