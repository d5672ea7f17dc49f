/* form_target.h — one form's path through kaa-fcgi, for fuzz_form_*.c.
 *
 * The input is a request body as nginx hands it over. It goes the way
 * eservice.c's submit() takes it: form_parse; then form_validate, the
 * route, the age rule, the page shown again (form_render), the record that
 * would be sealed (form_to_json) and the receipt's address and summary.
 * The same bytes are also read as a receipt address's query (untrusted).
 *
 * Checked, beyond the sanitizers: a record stored (no errors) has exactly
 * the form it promises in form.h — only relevant fields of the form, a
 * choice among the choices, a 12-digit personnummer, a date ÅÅÅÅ-MM-DD, a
 * number in its range, text within its length and without control
 * characters (a text area's line feeds and tabs aside) — and no page shown
 * echoes markup it was sent. */
#define _GNU_SOURCE   /* strcasestr */
#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "common.h"
#include "form.h"
#include "pnr.h"

/* kaa-fcgi's fixed clock for the run: the unit tests' day. */
static const struct pnr_date fuzz_today = { 2026, 11, 24 };

static size_t utf8_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int is_choice(const struct form_field *f, const char *v)
{
	return v != NULL && form_choice_label(f, v) != NULL;
}

static int is_date(const char *s)
{
	struct pnr_date d;
	char tail;

	return s != NULL && strlen(s) == 10 &&
	    sscanf(s, "%4d-%2d-%2d%c", &d.year, &d.month, &d.day, &tail) == 3 &&
	    s[4] == '-' && s[7] == '-' && pnr_date_valid(d);
}

static int digits12(const char *s)
{
	return s != NULL && strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

/* A stored text: within maxlen characters, no control character but the
 * text area's line feeds and tabs. */
static int text_ok(const struct form_field *f, const char *s)
{
	size_t i, n;

	if (s == NULL || *s == '\0' || (f->maxlen > 0 && utf8_count(s) > f->maxlen))
		return 0;
	for (i = 0; s[i] != '\0'; i += n > 0 ? n : 1) {
		n = fuzz_control_at(s + i);
		if (n > 0 && !(f->type == FORM_TEXTAREA &&
		    (s[i] == '\n' || s[i] == '\t')))
			return 0;
	}
	return 1;
}

/* Whether field name is one of an "at least one of two" pair. */
static int in_anyof(const struct form_spec *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nanyof; i++)
		if (strcmp(s->anyof[i].a, name) == 0 || strcmp(s->anyof[i].b, name) == 0)
			return 1;
	return 0;
}

static int value_ok(const struct form_field *f, json_t *v)
{
	json_t *item;
	size_t i;

	switch (f->type) {
	case FORM_RADIO:
		return is_choice(f, json_string_value(v));
	case FORM_CHECKBOX:
		if (!json_is_array(v) || json_array_size(v) == 0)
			return 0;
		json_array_foreach(v, i, item)
			if (!is_choice(f, json_string_value(item)))
				return 0;
		return 1;
	case FORM_PNR:
		return digits12(json_string_value(v));
	case FORM_DATE:
		return is_date(json_string_value(v));
	case FORM_INT:
		return json_is_integer(v) && json_integer_value(v) >= f->min &&
		    json_integer_value(v) <= f->max;
	default:
		return text_ok(f, json_string_value(v));
	}
}

/* The record of d (validated without errors) as form.h promises it. */
static void check_record(const struct form_data *d, const char *text)
{
	const struct form_spec *s = d->spec;
	json_t *rec, *fields, *v;
	const char *name;
	int i;

	FUZZ_CHECK(text != NULL, "form_to_json");
	rec = json_loads(text, 0, NULL);
	FUZZ_CHECK(rec != NULL, "the record is JSON");
	FUZZ_CHECK(json_object_size(rec) == 4 &&
	    json_integer_value(json_object_get(rec, "schema")) == 1 &&
	    strcmp(json_string_value(json_object_get(rec, "form")), s->kind) == 0,
	    "the record's header");
	fields = json_object_get(rec, "fields");
	FUZZ_CHECK(json_is_object(fields), "fields is an object");
	json_object_foreach(fields, name, v) {
		i = form_field_index(s, name, strlen(name));
		FUZZ_CHECK(i >= 0, "a field the form has");
		FUZZ_CHECK(form_relevant(d, (size_t)i), "a relevant field");
		FUZZ_CHECK(value_ok(&s->fields[i], v), "a value of its field's form");
	}
	for (i = 0; i < (int)s->nfields; i++)
		FUZZ_CHECK(!s->fields[i].required || !form_relevant(d, (size_t)i) ||
		    json_object_get(fields, s->fields[i].name) != NULL ||
		    in_anyof(s, s->fields[i].name), "a required field is stored");
	json_decref(rec);
}

/* Tags our pages never contain: one in the output came from the input. */
static void check_no_markup(const buf *page)
{
	static const char *const tags[] = { "<script", "<img", "<svg", "<iframe",
	    "<object", "<style", "<form action" };
	size_t i;

	if (page->len == 0)
		return;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		FUZZ_CHECK(strcasestr(page->data, tags[i]) == NULL,
		    "markup from the input is escaped");
}

/* The receipt's summary from a query (untrusted), as the receipt page
 * builds it. */
static void summary(const struct form_spec *spec, const char *query)
{
	buf out = BUF_INIT;

	FUZZ_CHECK(form_receipt_summary_on(spec, query, fuzz_today, &out) == 0,
	    "form_receipt_summary_on");
	check_no_markup(&out);
	buf_free(&out);
}

/* The whole of submit() after the request's checks, on body. */
static void fuzz_form(const struct form_spec *spec, const uint8_t *data,
    size_t size)
{
	struct form_data d;
	buf page = BUF_INIT, q = BUF_INIT;
	char *json, *query;

	if (size > FORM_BODY_MAX)   /* kaa-fcgi answers 413 before parsing */
		return;
	if (form_parse(spec, (const char *)data, size, &d) == FORM_OK) {
		form_validate(&d, fuzz_today);
		(void)form_route(&d);
		(void)form_over_age(&d, fuzz_today);
		FUZZ_CHECK(form_render(&page, &d, "/e/exempelkommun/form") == 0,
		    "form_render");
		check_no_markup(&page);
		if (d.nerrors == 0) {
			json = form_to_json(&d, "exempelkommun");
			check_record(&d, json);
			free(json);   /* plain malloc'd (form.h) */
			buf_printf(&q, "ref=ABCD-EFGH-JKMN&form=%s", spec->kind);
			FUZZ_CHECK(form_receipt_query(&d, &q) == 0, "receipt query");
			summary(spec, q.data);
			(void)form_receipt_text(spec, form_receipt_value(&d));
		}
	}
	form_data_free(&d);
	buf_free(&page);
	buf_free(&q);
	/* The same bytes as a receipt address's query. */
	if ((query = malloc(size + 1)) != NULL) {
		memcpy(query, data, size);
		query[size] = '\0';
		summary(spec, query);
		(void)form_receipt_text(spec, query);
		free(query);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(sodium_init() >= 0, "sodium_init");
	form_json_wipe_on_free();
	return 0;
}
