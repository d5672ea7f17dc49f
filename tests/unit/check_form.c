/* check_form.c — the form engine, the youth form's and the school form's
 * tables, and a walk over every table. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "testutil.h"

static const struct pnr_date today = { 2026, 11, 24 };

/* 200812122398 is one of Skatteverket's test personnummer (17 years old on
 * the fixed test date). */
#define VALID "namn=Test+Testsson&personnummer=081212-2398&telefon=070-123+45+67" \
	"&epost=&gymnasium=avbrott&sysselsattning=arbetssokande&utbildning=" \
	"&annat=&kontakt=sms&meddelande=Hej%0D%0Ap%C3%A5+dig"

static const char *value(const struct form_data *d, const char *name)
{
	int i = form_field_index(d->spec, name, strlen(name));

	ck_assert_int_ge(i, 0);
	return d->value[i];
}

static int error_of(const struct form_data *d, const char *name)
{
	return d->error[form_field_index(d->spec, name, strlen(name))];
}

/* What trimming cuts off a typed value is wiped, not left past its NUL. */
START_TEST(trimmed_bytes_wiped)
{
	static const char body[] = "namn=%20%20Anna+Testsson%20%09%20%0D%0A&kontakt=nej";
	struct form_data d;
	const char *v;
	int i;

	ck_assert_int_eq(form_parse(&form_youth, body, strlen(body), &d), FORM_OK);
	i = form_field_index(&form_youth, "namn", 4);
	ck_assert_int_ge(i, 0);
	v = d.value[i];
	ck_assert_str_eq(v, "Anna Testsson");
	/* the decoded value was 19 bytes and its NUL: all after the kept
	 * 13 are zero */
	for (size_t k = strlen(v); k <= 19; k++)
		ck_assert_int_eq(v[k], 0);
	form_data_free(&d);
}
END_TEST

START_TEST(valid_form)
{
	struct form_data d;

	ck_assert_int_eq(form_parse(&form_youth, VALID, strlen(VALID), &d), FORM_OK);
	ck_assert_int_eq(form_validate(&d, today), 0);
	ck_assert_str_eq(value(&d, "namn"), "Test Testsson");
	ck_assert_str_eq(value(&d, "meddelande"), "Hej\npå dig");   /* CRLF -> LF */
	ck_assert_int_eq(d.has_pnr, 1);
	ck_assert_str_eq(d.pnr.digits, "200812122398");
	form_data_free(&d);
}
END_TEST

/* Bodies a browser would never send from our form: rejected outright. */
static const struct { const char *body; int rc; } bad_bodies[] = {
	{ "namn=a&namn=b", FORM_EREPEAT },
	{ "nope=1", FORM_EUNKNOWN },
	{ "namn=%zz", FORM_EENCODING },
	{ "namn=%4", FORM_EENCODING },
	{ "namn=a%00b", FORM_EENCODING },
	{ "namn=%C3%28", FORM_EENCODING },        /* invalid UTF-8 */
	{ "namn=%ED%A0%80", FORM_EENCODING },     /* surrogate */
	{ "namn=%C0%AF", FORM_EENCODING },        /* overlong */
	{ "na%00mn=x", FORM_EENCODING },
};

START_TEST(bad_body)
{
	struct form_data d;
	const char *b = bad_bodies[_i].body;

	ck_assert_int_eq(form_parse(&form_youth, b, strlen(b), &d), bad_bodies[_i].rc);
	form_data_free(&d);
}
END_TEST

START_TEST(too_big)
{
	char *b = malloc(FORM_BODY_MAX + 2);
	struct form_data d;

	memset(b, 'a', FORM_BODY_MAX + 1);
	b[FORM_BODY_MAX + 1] = '\0';
	ck_assert_int_eq(form_parse(&form_youth, b, FORM_BODY_MAX + 1, &d), FORM_ETOOBIG);
	form_data_free(&d);
	free(b);
}
END_TEST

/* One field changed from VALID at a time, and the message it must give. */
static const struct { const char *field, *val; int msg; } bad_fields[] = {
	{ "namn", "", FM_REQUIRED },
	{ "namn", "%20%20", FM_REQUIRED },
	{ "namn", "a%01b", FM_CONTROL },
	{ "namn", "a%C2%9Bb", FM_CONTROL },        /* C1: CSI */
	{ "namn", "a%E2%80%AEb", FM_CONTROL },     /* right-to-left override */
	{ "namn", "a%E2%81%A6b", FM_CONTROL },     /* left-to-right isolate */
	{ "namn", "%C3%85sa+%C3%96berg", FM_NONE },  /* å, ö are fine */
	{ "personnummer", "", FM_REQUIRED },
	{ "personnummer", "081212-2399", FM_PNR_CHECK },
	{ "personnummer", "081312-2398", FM_PNR_DATE },
	{ "personnummer", "12345", FM_PNR_FORMAT },
	{ "personnummer", "000101-T220", FM_PNR_LETTER },
	{ "telefon", "12ab", FM_TEL },
	{ "telefon", "123", FM_TEL },
	{ "epost", "x@", FM_EMAIL },
	{ "epost", "a%20b@c.se", FM_EMAIL },
	{ "gymnasium", "", FM_REQUIRED },
	{ "gymnasium", "kanske", FM_CHOICE },
	{ "gymnasium", "vet_inte", FM_NONE },        /* "Jag vet inte" is an answer */
	{ "gymnasium", "anpassad_bevis", FM_NONE },
	{ "sysselsattning", "utbildning", FM_NONE },  /* checked below */
	{ "kontakt", "", FM_REQUIRED },
};

static char *with(const char *field, const char *val)
{
	char *out = malloc(4096), *p;
	const char *s = VALID, *amp;
	size_t flen = strlen(field);

	p = out;
	while (*s) {
		amp = strchr(s, '&');
		if (amp == NULL)
			amp = s + strlen(s);
		if ((size_t)(amp - s) > flen && strncmp(s, field, flen) == 0 && s[flen] == '=')
			p += sprintf(p, "%s=%s", field, val);
		else {
			memcpy(p, s, (size_t)(amp - s));
			p += amp - s;
		}
		if (*amp == '&')
			*p++ = '&';
		s = *amp ? amp + 1 : amp;
	}
	*p = '\0';
	return out;
}

START_TEST(bad_field)
{
	struct form_data d;
	char *b = with(bad_fields[_i].field, bad_fields[_i].val);

	ck_assert_int_eq(form_parse(&form_youth, b, strlen(b), &d), FORM_OK);
	form_validate(&d, today);
	if (strcmp(bad_fields[_i].field, "sysselsattning") == 0)
		/* "other education" makes "which education" required */
		ck_assert_int_eq(error_of(&d, "utbildning"), FM_REQUIRED);
	else {
		ck_assert_int_eq(error_of(&d, bad_fields[_i].field), bad_fields[_i].msg);
		ck_assert_int_eq(d.nerrors, bad_fields[_i].msg == FM_NONE ? 0 : 1);
	}
	form_data_free(&d);
	free(b);
}
END_TEST

START_TEST(phone_or_email)
{
	struct form_data d;
	char *b = with("telefon", "");

	form_parse(&form_youth, b, strlen(b), &d);
	ck_assert_int_eq(form_validate(&d, today), 1);
	ck_assert_int_eq(error_of(&d, "telefon"), FM_ANYOF);
	ck_assert_ptr_nonnull(strstr(form_error_text(&d, 2), "e-postadress"));
	form_data_free(&d);
	free(b);
}
END_TEST

START_TEST(too_long)
{
	struct form_data d;
	char body[8000] = "meddelande=";
	int i;

	for (i = 0; i < 1001; i++)
		strcat(body, "%C3%A5");   /* 1001 characters, 2002 bytes */
	form_parse(&form_youth, body, strlen(body), &d);
	form_validate(&d, today);
	ck_assert_int_eq(error_of(&d, "meddelande"), FM_TOO_LONG);
	form_data_free(&d);
}
END_TEST

/* The re-shown form keeps what was typed, escaped, and points at errors. */
START_TEST(render_keeps_input)
{
	const char *b = "namn=%3Cscript%3E%22x&personnummer=081212-2399&kontakt=sms";
	struct form_data d;
	buf out = BUF_INIT;

	form_parse(&form_youth, b, strlen(b), &d);
	ck_assert_int_gt(form_validate(&d, today), 0);
	ck_assert_int_eq(form_render(&out, &d, "/e-tjanst/x/sysselsattning"), 0);
	ck_assert_ptr_null(strstr(out.data, "<script>"));
	ck_assert_ptr_nonnull(strstr(out.data, "value=\"&lt;script&gt;&quot;x\""));
	ck_assert_ptr_nonnull(strstr(out.data, "value=\"081212-2399\""));
	ck_assert_ptr_nonnull(strstr(out.data, "id=\"f-kontakt-2\" name=\"kontakt\" value=\"sms\" checked"));
	ck_assert_ptr_nonnull(strstr(out.data, "class=\"error-summary\""));
	ck_assert_ptr_nonnull(strstr(out.data, "<a href=\"#f-personnummer\">Personnumret stämmer inte."));
	ck_assert_ptr_nonnull(strstr(out.data, "<a href=\"#f-gymnasium-1\">"));
	ck_assert_ptr_nonnull(strstr(out.data, "aria-invalid=\"true\""));
	ck_assert_ptr_nonnull(strstr(out.data, "id=\"f-personnummer-error\""));
	buf_free(&out);
	form_data_free(&d);
}
END_TEST

START_TEST(render_empty)
{
	struct form_data d;
	buf out = BUF_INIT;

	form_data_init(&d, &form_youth);
	form_render(&out, &d, "/x");
	ck_assert_ptr_null(strstr(out.data, "error-summary"));
	ck_assert_ptr_null(strstr(out.data, "aria-invalid"));
	ck_assert_ptr_nonnull(strstr(out.data, "<label for=\"f-namn\">För- och efternamn</label>"));
	ck_assert_ptr_nonnull(strstr(out.data, "Skriv inte om hälsa"));
	/* phone and e-mail: one group that says one of them is enough;
	 * neither is marked optional, the free-text message is */
	ck_assert_ptr_nonnull(strstr(out.data, "<fieldset class=\"field field-group\" "
	    "aria-describedby=\"g-telefon-hint\">\n<legend>Hur kan vi nå dig?</legend>\n"
	    "<p class=\"hint\" id=\"g-telefon-hint\">Fyll i mobilnummer eller e-post. "
	    "Ett av dem räcker"));
	ck_assert_ptr_nonnull(strstr(out.data, "<label for=\"f-telefon\">Mobilnummer</label>"));
	ck_assert_ptr_nonnull(strstr(out.data, "<label for=\"f-epost\">E-postadress</label>"));
	ck_assert_ptr_nonnull(strstr(out.data, "Meddelande till oss <span class=\"optional\">(frivilligt)</span>"));
	ck_assert_ptr_eq(strstr(strstr(out.data, "<form"), "(frivilligt)"),
	    strstr(strstr(out.data, "Meddelande till oss"), "(frivilligt)"));   /* the only field marked so */
	/* the group closes after the e-mail field, before the next section */
	ck_assert_ptr_nonnull(strstr(out.data, "autocomplete=\"email\" value=\"\">\n</div>\n</fieldset>\n<h2>Gymnasiet</h2>"));
	/* words a 17-year-old may not know are explained beside the answer */
	ck_assert_ptr_nonnull(strstr(out.data, "value=\"studiebevis\" aria-describedby=\"f-gymnasium-5-hint\">"));
	ck_assert_ptr_nonnull(strstr(out.data, "<p class=\"hint choice-hint\" id=\"f-gymnasium-5-hint\">Ett studiebevis visar"));
	ck_assert_ptr_nonnull(strstr(out.data, "<label for=\"f-gymnasium-9\">Jag vet inte</label>"));
	ck_assert_ptr_null(strstr(out.data, "aktivitetsansvar"));
	buf_free(&out);
}
END_TEST

/* The receipt's next step: only a value from the contact choices picks a
 * text; anything else gets the neutral one. */
START_TEST(receipt_texts)
{
	struct form_data d;
	char *b;
	const char *neutral = form_youth.receipt_default;

	form_parse(&form_youth, VALID, strlen(VALID), &d);
	ck_assert_int_eq(form_validate(&d, today), 0);
	ck_assert_str_eq(form_receipt_value(&d), "sms");
	form_data_free(&d);
	b = with("kontakt", "namn");
	form_parse(&form_youth, b, strlen(b), &d);
	ck_assert_ptr_null(form_receipt_value(&d));
	form_data_free(&d);
	free(b);

	ck_assert_ptr_nonnull(neutral);
	ck_assert_ptr_nonnull(strstr(form_receipt_text(&form_youth, "nej"), "frågar vi igen"));
	ck_assert_ptr_nonnull(strstr(form_receipt_text(&form_youth, "telefon"), "ringer"));
	ck_assert_str_eq(form_receipt_text(&form_youth, "bogus"), neutral);
	ck_assert_str_eq(form_receipt_text(&form_youth, ""), neutral);
	ck_assert_str_eq(form_receipt_text(&form_youth, NULL), neutral);
}
END_TEST

/* Every contact choice has its own receipt text, so none falls back to
 * the neutral one by a typo in the table. */
START_TEST(receipt_per_choice)
{
	int k = form_field_index(&form_youth, "kontakt", 7);
	const struct form_field *f = &form_youth.fields[k];
	size_t i;

	ck_assert_int_ge(k, 0);
	ck_assert_uint_eq(form_youth.nreceipts, f->nchoices);
	for (i = 0; i < f->nchoices; i++)
		ck_assert_str_ne(form_receipt_text(&form_youth, f->choices[i].value),
		    form_youth.receipt_default);
}
END_TEST

/* _i = 1: with jansson wiping what it frees, as kaa-fcgi and kaa-inbox
 * run it; form_to_json's text is still freed with free(). */
START_TEST(json_record)
{
	struct form_data d;
	json_t *j, *f;
	char *text, *dumped;

	if (_i)
		form_json_wipe_on_free();
	form_parse(&form_youth, VALID, strlen(VALID), &d);
	ck_assert_int_eq(form_validate(&d, today), 0);
	text = form_to_json(&d, "exempelkommun");
	ck_assert_ptr_nonnull(text);
	j = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "form")), "sysselsattning");
	ck_assert_str_eq(json_string_value(json_object_get(j, "municipality")), "exempelkommun");
	f = json_object_get(j, "fields");
	ck_assert_str_eq(json_string_value(json_object_get(f, "personnummer")), "200812122398");
	ck_assert_str_eq(json_string_value(json_object_get(f, "meddelande")), "Hej\npå dig");
	ck_assert_ptr_null(json_object_get(f, "epost"));   /* empty: left out */
	dumped = json_dumps(j, JSON_COMPACT);
	ck_assert_ptr_nonnull(strstr(dumped, "200812122398"));
	form_json_free(dumped);
	form_json_free(NULL);
	json_decref(j);
	free(text);
	form_data_free(&d);
	json_set_alloc_funcs(malloc, free);
}
END_TEST

/* The one rule for control characters, shared with kaa-inbox's printing. */
static const struct { const char *s; size_t n; } controls[] = {
	{ "a", 0 }, { "\xc3\xa5", 0 }, { "", 0 }, { "\n", 1 }, { "\x1b[2J", 1 },
	{ "\x7f", 1 }, { "\xc2\x9b", 2 }, { "\xc2\xa0", 0 },
	{ "\xe2\x80\xae", 3 }, { "\xe2\x81\xa6", 3 }, { "\xe2\x80\x94", 0 },
};

START_TEST(control_at)
{
	ck_assert_uint_eq(form_control_at(controls[_i].s), controls[_i].n);
}
END_TEST

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct form_data *run(const struct form_spec *s, const char *body,
    struct form_data *d)
{
	ck_assert_int_eq(form_parse(s, body, strlen(body), d), FORM_OK);
	form_validate(d, today);
	return d;
}

/* The record's fields object (caller frees root). */
static json_t *record(const struct form_data *d, json_t **root)
{
	char *text = form_to_json(d, "exempelkommun");

	ck_assert_ptr_nonnull(text);
	*root = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(*root);
	return json_object_get(*root, "fields");
}

/* --- the field kinds, on a small table of their own --------------------- */

#define CH(v, l) { .value = (v), .label = (l) }
static const struct form_choice abc[] = { CH("a", "A"), CH("b", "B"), CH("c", "C") };
static const struct form_choice xyz[] = { CH("x", "X"), CH("y", "Y"), CH("z", "Z") };
static const struct form_choice yes[] = { CH("ja", "Ja"), CH("nej", "Nej") };
static const char *const xy[] = { "x", "y", NULL };

static const struct form_field t_fields[] = {
	{ .name = "d", .label = "Datum", .type = FORM_DATE, .maxlen = 20,
	  .min = -400, .max = 31, .receipt = 1 },
	{ .name = "n", .label = "Antal", .type = FORM_INT, .maxlen = 20,
	  .min = 1, .max = 300, .receipt = 1 },
	{ .name = "c", .label = "Val", .type = FORM_CHECKBOX, .choices = abc,
	  .nchoices = COUNT(abc), .receipt = 1 },
	{ .name = "k", .label = "Kommun", .type = FORM_RADIO, .dynamic = 1,
	  .receipt = 1 },
	{ .name = "r", .label = "Radio", .type = FORM_RADIO, .choices = xyz,
	  .nchoices = COUNT(xyz), .receipt = 1 },
	{ .name = "w", .label = "Text", .type = FORM_TEXT, .required = 1,
	  .maxlen = 50, .need_msg = "Skriv w.", .if_field = "r", .if_values = xy },
	{ .name = "r_two", .label = "Följdfråga", .type = FORM_RADIO,
	  .choices = yes, .nchoices = COUNT(yes), .if_field = "r",
	  .if_value = "x", .receipt = 1 },
	{ .name = "u", .label = "Om ja", .type = FORM_TEXT, .required = 1,
	  .maxlen = 50, .need_msg = "Skriv u.", .if_field = "r_two",
	  .if_value = "ja" },
	{ .name = "v", .label = "Om B", .type = FORM_TEXT, .required = 1,
	  .maxlen = 50, .need_msg = "Skriv v.", .if_field = "c", .if_value = "b" },
};

static const struct form_spec t_spec = {
	.kind = "t", .title = "T", .submit = "Skicka", .fields = t_fields,
	.nfields = COUNT(t_fields), .route_field = "k",
	.receipt_title = "Tack", .receipt_intro = "Tack.", .receipt_default = "Ok.",
};

static const struct form_choice towns_t[] = {
	{ .value = "one", .label = "Ett" }, { .value = "two", .label = "Två" },
};

static struct form_spec *t_copy(void)
{
	struct form_spec *s = form_spec_with_choices(&t_spec, "k", towns_t,
	    COUNT(towns_t));

	ck_assert_ptr_nonnull(s);
	return s;
}

/* today is 2026-11-24: d may be 2025-10-20 (-400 days) to 2026-12-25 (+31). */
static const struct { const char *body, *field; int msg; } kind_cases[] = {
	{ "d=2026-11-24", "d", FM_NONE },
	{ "d=20261124", "d", FM_NONE },
	{ "d=+2026-11-24+", "d", FM_NONE },              /* trimmed */
	{ "d=2026-02-28", "d", FM_NONE },
	{ "d=2026-02-30", "d", FM_DATE_INVALID },
	{ "d=2025-02-29", "d", FM_DATE_INVALID },        /* not a leap year */
	{ "d=2026-04-31", "d", FM_DATE_INVALID },
	{ "d=2026-13-01", "d", FM_DATE_INVALID },
	{ "d=2026-00-10", "d", FM_DATE_INVALID },
	{ "d=2026-11-00", "d", FM_DATE_INVALID },
	{ "d=2025-10-20", "d", FM_NONE },                /* the first day */
	{ "d=2025-10-19", "d", FM_DATE_RANGE },
	{ "d=2026-12-25", "d", FM_NONE },                /* the last day */
	{ "d=2026-12-26", "d", FM_DATE_RANGE },
	{ "d=1926-11-24", "d", FM_DATE_RANGE },
	{ "d=2126-11-24", "d", FM_DATE_RANGE },
	{ "d=0000-01-01", "d", FM_DATE_INVALID },
	{ "d=9999-12-31", "d", FM_DATE_RANGE },
	{ "d=24%2F11%2F2026", "d", FM_DATE_FORMAT },
	{ "d=2026-1-5", "d", FM_DATE_FORMAT },
	{ "d=26-11-24", "d", FM_DATE_FORMAT },
	{ "d=2026-11-24x", "d", FM_DATE_FORMAT },
	{ "d=2026+11+24", "d", FM_DATE_FORMAT },
	{ "d=2026%2F11%2F24", "d", FM_DATE_FORMAT },
	{ "d=%C3%85%C3%85%C3%85%C3%85-11-24", "d", FM_DATE_FORMAT },
	{ "d=-2026-11-2", "d", FM_DATE_FORMAT },
	{ "d=2026-11-2%01", "d", FM_CONTROL },
	{ "d=2026-11-24-2026-11-24x", "d", FM_TOO_LONG },
	{ "d=", "d", FM_NONE },                          /* optional here */
	{ "n=12", "n", FM_NONE },
	{ "n=1", "n", FM_NONE },
	{ "n=300", "n", FM_NONE },
	{ "n=007", "n", FM_NONE },
	{ "n=0", "n", FM_INT_RANGE },
	{ "n=301", "n", FM_INT_RANGE },
	{ "n=-5", "n", FM_INT_RANGE },
	{ "n=12.5", "n", FM_INT },
	{ "n=tolv", "n", FM_INT },
	{ "n=1e3", "n", FM_INT },
	{ "n=%2B12", "n", FM_INT },
	{ "n=1+2", "n", FM_INT },
	{ "n=-", "n", FM_INT },
	{ "n=9999999999", "n", FM_INT },
	{ "c=a", "c", FM_NONE },
	{ "c=a&c=b&c=c&v=hej", "c", FM_NONE },
	{ "c=c&c=a", "c", FM_NONE },
	{ "c=a&c=q", "c", FM_CHOICE },                   /* unknown value */
	{ "c=a&c=a", "c", FM_CHOICE },                   /* the same twice */
	{ "c=A", "c", FM_CHOICE },
	{ "c=a&c=", "c", FM_CHOICE },
	{ "k=one", "k", FM_NONE },
	{ "k=two", "k", FM_NONE },
	{ "k=three", "k", FM_CHOICE },                   /* not configured */
	{ "k=One", "k", FM_CHOICE },
	{ "r=x&w=hej", "r", FM_NONE },
	{ "r=q", "r", FM_CHOICE },
};

START_TEST(kinds)
{
	struct form_spec *s = t_copy();
	struct form_data d;
	int i;

	run(s, kind_cases[_i].body, &d);
	i = form_field_index(s, kind_cases[_i].field, strlen(kind_cases[_i].field));
	ck_assert_int_ge(i, 0);
	ck_assert_msg(d.error[i] == kind_cases[_i].msg, "%s: error %d, want %d",
	    kind_cases[_i].body, d.error[i], kind_cases[_i].msg);
	ck_assert_int_eq(d.nerrors, kind_cases[_i].msg != FM_NONE);
	if (d.error[i] != FM_NONE)
		ck_assert_str_ne(form_error_text(&d, (size_t)i), "");
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

/* Bodies our form never sends. */
static const struct { const char *body; int rc; } t_bad_bodies[] = {
	{ "c=a%0Ab", FORM_EENCODING },    /* would pass for two check boxes */
	{ "c=a&c=b%0D", FORM_OK },        /* trimmed: a plain "b" */
	{ "d=x&d=y", FORM_EREPEAT },
	{ "k=one&k=two", FORM_EREPEAT },
	{ "c=a&c=%zz", FORM_EENCODING },
};

START_TEST(kind_bodies)
{
	struct form_data d;
	const char *b = t_bad_bodies[_i].body;

	ck_assert_int_eq(form_parse(&t_spec, b, strlen(b), &d), t_bad_bodies[_i].rc);
	form_data_free(&d);
}
END_TEST

/* Without the configured choices, no value of a dynamic field is valid. */
START_TEST(dynamic_needs_choices)
{
	struct form_data d;

	run(&t_spec, "k=one", &d);
	ck_assert_int_eq(d.error[3], FM_CHOICE);
	ck_assert_ptr_null(form_route(&d));
	form_data_free(&d);
}
END_TEST

/* Dates and numbers are stored in one spelling; check boxes as a list. */
START_TEST(kind_json)
{
	struct form_spec *s = t_copy();
	struct form_data d;
	json_t *root, *f, *c;
	buf b = BUF_INIT;

	run(s, "d=20261102&n=007&c=c&c=a&k=two", &d);
	ck_assert_int_eq(d.nerrors, 0);
	f = record(&d, &root);
	ck_assert_str_eq(json_string_value(json_object_get(f, "d")), "2026-11-02");
	ck_assert(json_is_integer(json_object_get(f, "n")));
	ck_assert_int_eq(json_integer_value(json_object_get(f, "n")), 7);
	c = json_object_get(f, "c");
	ck_assert_uint_eq(json_array_size(c), 2);
	ck_assert_str_eq(json_string_value(json_array_get(c, 0)), "c");
	ck_assert_str_eq(json_string_value(json_array_get(c, 1)), "a");
	ck_assert_str_eq(json_string_value(json_object_get(f, "k")), "two");
	ck_assert_str_eq(form_route(&d), "two");
	/* read back for a person: labels, numbers in decimal */
	ck_assert_int_eq(form_json_text(&b, &s->fields[2], c), 0);
	ck_assert_str_eq(b.data, "C, A");
	buf_reset(&b);
	ck_assert_int_eq(form_json_text(&b, &s->fields[1], json_object_get(f, "n")), 0);
	ck_assert_str_eq(b.data, "7");
	buf_reset(&b);
	ck_assert_int_eq(form_json_text(&b, &s->fields[3], json_object_get(f, "k")), 0);
	ck_assert_str_eq(b.data, "Två");
	/* a type the field never stores */
	ck_assert_int_eq(form_json_text(&b, &s->fields[0], json_object_get(f, "n")), -1);
	ck_assert_int_eq(form_json_text(&b, &s->fields[1], c), -1);
	buf_free(&b);
	json_decref(root);
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

/* "Relevant when": required when it applies; when it does not, neither
 * checked nor stored. stored: 1 in the record, 0 not, -1 not looked at. */
static const struct { const char *body, *field; int msg, stored; } relevance[] = {
	{ "r=x", "w", FM_REQUIRED, -1 },
	{ "r=y", "w", FM_REQUIRED, -1 },                 /* the second value */
	{ "r=x&w=hej", "w", FM_NONE, 1 },
	{ "r=y&w=hej", "w", FM_NONE, 1 },
	{ "r=z", "w", FM_NONE, 0 },
	{ "r=z&w=hej", "w", FM_NONE, 0 },                /* dropped */
	{ "w=hej", "w", FM_NONE, 0 },                    /* nothing chosen */
	{ "r=z&w=%01", "w", FM_NONE, 0 },                /* not even checked */
	{ "r=x&w=hej&r_two=ja", "u", FM_REQUIRED, -1 },
	{ "r=x&w=hej&r_two=ja&u=hej", "u", FM_NONE, 1 },
	{ "r=x&w=hej&r_two=nej&u=hej", "u", FM_NONE, 0 },
	{ "r=z&r_two=ja&u=hej", "u", FM_NONE, 0 },       /* r_two does not apply */
	{ "r=z&r_two=ja&u=hej", "r_two", FM_NONE, 0 },
	{ "c=a&c=b", "v", FM_REQUIRED, -1 },             /* one of the checked */
	{ "c=b&v=hej", "v", FM_NONE, 1 },
	{ "c=a&c=c&v=hej", "v", FM_NONE, 0 },
};

START_TEST(relevant_when)
{
	struct form_data d;
	json_t *root, *f;
	int i;

	run(&t_spec, relevance[_i].body, &d);
	i = form_field_index(&t_spec, relevance[_i].field, strlen(relevance[_i].field));
	ck_assert_msg(d.error[i] == relevance[_i].msg, "%s: error %d",
	    relevance[_i].body, d.error[i]);
	ck_assert_int_eq(d.nerrors, relevance[_i].msg != FM_NONE);
	if (relevance[_i].msg == FM_REQUIRED)
		ck_assert_str_eq(form_error_text(&d, (size_t)i), t_fields[i].need_msg);
	if (relevance[_i].stored >= 0) {
		f = record(&d, &root);
		ck_assert_int_eq(json_object_get(f, relevance[_i].field) != NULL,
		    relevance[_i].stored);
		json_decref(root);
	}
	form_data_free(&d);
}
END_TEST

/* The youth form: "Jag arbetar" keeps neither the education nor the
 * "something else" text, even when the browser sent both. */
START_TEST(youth_drops)
{
	static const struct { const char *occ, *kept, *dropped; } c[] = {
		{ "arbetar", NULL, "utbildning" },
		{ "arbetar", NULL, "annat" },
		{ "utbildning", "utbildning", "annat" },
		{ "annat", "annat", "utbildning" },
	};
	struct form_data d;
	json_t *root, *f;
	char body[512];

	snprintf(body, sizeof(body), "namn=Test+Testsson&personnummer=081212-2398"
	    "&telefon=070-1234567&gymnasium=avbrott&sysselsattning=%s"
	    "&utbildning=Komvux&annat=Tr%%C3%%A4nar&kontakt=sms", c[_i].occ);
	run(&form_youth, body, &d);
	ck_assert_int_eq(d.nerrors, 0);
	f = record(&d, &root);
	ck_assert_ptr_null(json_object_get(f, c[_i].dropped));
	if (c[_i].kept != NULL)
		ck_assert_ptr_nonnull(json_object_get(f, c[_i].kept));
	ck_assert_str_eq(json_string_value(json_object_get(f, "sysselsattning")), c[_i].occ);
	json_decref(root);
	form_data_free(&d);
}
END_TEST

/* Rendering the new kinds: the typed text comes back, check boxes stay
 * checked, and a range error names the range (in the summary too). */
START_TEST(render_kinds)
{
	struct form_spec *s = t_copy();
	struct form_data d;
	buf out = BUF_INIT;
	const char *want = "Datumet verkar inte stämma. Skriv ett datum från "
	    "2025-10-20 till 2026-12-25.";

	run(s, "d=2027-03-01&n=0&c=a&c=c&k=two", &d);
	ck_assert_int_eq(d.nerrors, 2);
	ck_assert_int_eq(form_render(&out, &d, "/x"), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "<input class=\"input input--date\" "
	    "id=\"f-d\" name=\"d\" type=\"text\" autocomplete=\"off\""));
	ck_assert_ptr_nonnull(strstr(out.data, "value=\"2027-03-01\""));
	ck_assert_ptr_nonnull(strstr(out.data, "class=\"input input--int\" id=\"f-n\" "
	    "name=\"n\" type=\"text\" inputmode=\"numeric\""));
	ck_assert_ptr_nonnull(strstr(out.data, "Skriv ett tal från 1 till 300."));
	ck_assert_ptr_nonnull(strstr(out.data, "<a href=\"#f-d\">"));
	ck_assert_ptr_nonnull(strstr(strstr(out.data, "<a href=\"#f-d\">"), want));
	ck_assert_ptr_nonnull(strstr(strstr(out.data, "id=\"f-d-error\""), want));
	ck_assert_ptr_nonnull(strstr(out.data, "<input type=\"checkbox\" id=\"f-c-1\" "
	    "name=\"c\" value=\"a\" checked>"));
	ck_assert_ptr_nonnull(strstr(out.data, "id=\"f-c-2\" name=\"c\" value=\"b\">"));
	ck_assert_ptr_nonnull(strstr(out.data, "id=\"f-c-3\" name=\"c\" value=\"c\" checked>"));
	ck_assert_ptr_nonnull(strstr(out.data, "id=\"f-k-2\" name=\"k\" value=\"two\" checked>"));
	ck_assert_ptr_nonnull(strstr(out.data, "<label for=\"f-k-1\">Ett</label>"));
	buf_free(&out);
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

/* A copy with choices: only for a dynamic field; a copy of a copy stands
 * alone; the static table is untouched. */
START_TEST(spec_copies)
{
	static const struct form_choice more[] = { { .value = "three", .label = "Tre" } };
	struct form_spec *a, *b;
	struct form_data d;

	ck_assert_ptr_null(form_spec_with_choices(&t_spec, "r", towns_t, 2));
	ck_assert_ptr_null(form_spec_with_choices(&t_spec, "nosuch", towns_t, 2));
	ck_assert_ptr_null(form_spec_with_choices(&form_youth, "kontakt", towns_t, 2));
	a = t_copy();
	b = form_spec_with_choices(a, "k", more, 1);
	ck_assert_ptr_nonnull(b);
	form_spec_free(a);
	ck_assert_uint_eq(b->fields[3].nchoices, 1);
	ck_assert_uint_eq(b->fields[4].nchoices, 3);
	run(b, "k=three", &d);
	ck_assert_int_eq(d.nerrors, 0);
	form_data_free(&d);
	run(b, "k=one", &d);
	ck_assert_int_eq(d.nerrors, 1);
	form_data_free(&d);
	form_spec_free(b);
	form_spec_free(NULL);
	ck_assert_uint_eq(t_spec.fields[3].nchoices, 0);
	ck_assert_ptr_null(t_spec.fields[3].choices);
}
END_TEST

/* --- the school form --------------------------------------------------------- */

static const struct form_choice towns[] = {
	{ .value = "exempelkommun", .label = "Exempelkommun", .extra = "08-123 45 67" },
	{ .value = "provstad", .label = "Provstad", .extra = "0123-456 78" },
	{ .value = "nordby", .label = "Nordby" },
};

static struct form_spec *school(void)
{
	struct form_spec *s = form_spec_with_choices(&form_school, "hemkommun",
	    towns, COUNT(towns));

	ck_assert_ptr_nonnull(s);
	return s;
}

#define SCHOOL "huvudman=Friskolan+Test+AB&skola=Testgymnasiet" \
	"&kontakt_namn=Test+L%C3%A4rare&kontakt_epost=larare%40skola.example" \
	"&kontakt_telefon=08-123+45+67&personnummer=200812122398" \
	"&elev_namn=Test+Testsson&program=Ekonomiprogrammet&hemkommun=provstad" \
	"&elev_informerad=ja&vardnadshavare_informerad=nej"

/* The fields that apply to some reasons only, with a valid value each. */
static const struct { const char *name, *pair; } conditional[] = {
	{ "startdatum", "startdatum=2026-08-17" },
	{ "terminsstart", "terminsstart=2026-08-17" },
	{ "slutdatum", "slutdatum=2026-11-02" },
	{ "senast_narvarande", "senast_narvarande=2026-10-01" },
	{ "franvaro_timmar", "franvaro_timmar=12" },
	{ "utredning", "utredning=ja" },
	{ "nytt_program", "nytt_program=Naturvetenskapsprogrammet" },
	{ "atgarder", "atgarder=samtal_elev&atgarder=syv" },
};

/* Each reason and exactly the fields it requires. */
static const struct { const char *reason; const char *own[3]; } reasons[] = {
	{ "borjar", { "startdatum" } },
	{ "slutar", { "slutdatum" } },
	{ "franvaro", { "franvaro_timmar", "utredning" } },
	{ "ej_paborjat", { "terminsstart" } },
	{ "avbrott", { "slutdatum" } },
	{ "borta_manad", { "senast_narvarande" } },
	{ "byter_program", { "nytt_program" } },
	{ "studieplan", { NULL } },
	{ "risk_examen", { NULL } },
	{ "risk_tid", { NULL } },
};

static int own(size_t r, const char *name)
{
	size_t k;

	for (k = 0; reasons[r].own[k] != NULL; k++)
		if (strcmp(reasons[r].own[k], name) == 0)
			return 1;
	return 0;
}

/* SCHOOL, the reason, and the conditional fields: all (skip NULL), or
 * only the reason's own but skip. */
static void school_body(char *out, size_t n, size_t r, int all, const char *skip)
{
	size_t k;

	snprintf(out, n, "%s&anledning=%s", SCHOOL, reasons[r].reason);
	for (k = 0; k < COUNT(conditional); k++)
		if ((all || own(r, conditional[k].name)) &&
		    (skip == NULL || strcmp(skip, conditional[k].name) != 0)) {
			strcat(out, "&");
			strcat(out, conditional[k].pair);
		}
}

START_TEST(school_reasons_cover_choices)
{
	int a = form_field_index(&form_school, "anledning", 9);
	size_t k;

	ck_assert_int_ge(a, 0);
	ck_assert_uint_eq(COUNT(reasons), form_school.fields[a].nchoices);
	for (k = 0; k < COUNT(reasons); k++)
		ck_assert_ptr_nonnull(form_choice_label(&form_school.fields[a],
		    reasons[k].reason));
}
END_TEST

/* Sent with every conditional field filled in, a reason stores only its
 * own (and what the school has done, for all but a start). */
START_TEST(school_reason_stores_its_own)
{
	struct form_spec *s = school();
	struct form_data d;
	json_t *root, *f;
	char body[2048];
	size_t k;
	int want;

	school_body(body, sizeof(body), (size_t)_i, 1, NULL);
	run(s, body, &d);
	ck_assert_msg(d.nerrors == 0, "%s: %d errors", reasons[_i].reason, d.nerrors);
	f = record(&d, &root);
	for (k = 0; k < COUNT(conditional); k++) {
		want = own((size_t)_i, conditional[k].name) ||
		    (strcmp(conditional[k].name, "atgarder") == 0 &&
		    strcmp(reasons[_i].reason, "borjar") != 0);
		ck_assert_msg((json_object_get(f, conditional[k].name) != NULL) == want,
		    "%s: %s %s", reasons[_i].reason, conditional[k].name,
		    want ? "missing" : "stored");
	}
	ck_assert_str_eq(json_string_value(json_object_get(f, "personnummer")), "200812122398");
	ck_assert_str_eq(json_string_value(json_object_get(f, "hemkommun")), "provstad");
	ck_assert_str_eq(form_route(&d), "provstad");
	json_decref(root);
	form_data_free(&d);

	/* its own fields are enough */
	school_body(body, sizeof(body), (size_t)_i, 0, NULL);
	run(s, body, &d);
	ck_assert_msg(d.nerrors == 0, "%s alone: %d errors", reasons[_i].reason, d.nerrors);
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

/* Leaving out any one of a reason's fields gives that field's own
 * Swedish message, and no other error. */
START_TEST(school_reason_requires_its_own)
{
	struct form_spec *s = school();
	struct form_data d;
	char body[2048];
	size_t k;
	int i;

	for (k = 0; reasons[_i].own[k] != NULL; k++) {
		school_body(body, sizeof(body), (size_t)_i, 0, reasons[_i].own[k]);
		run(s, body, &d);
		i = form_field_index(s, reasons[_i].own[k], strlen(reasons[_i].own[k]));
		ck_assert_int_eq(d.nerrors, 1);
		ck_assert_int_eq(d.error[i], FM_REQUIRED);
		ck_assert_ptr_nonnull(s->fields[i].need_msg);
		ck_assert_str_eq(form_error_text(&d, (size_t)i), s->fields[i].need_msg);
		ck_assert_ptr_nonnull(strstr(form_error_text(&d, (size_t)i), "Skriv ") ?
		    form_error_text(&d, (size_t)i) : strstr(form_error_text(&d, (size_t)i), "Välj "));
		form_data_free(&d);
	}
	form_spec_free(s);
}
END_TEST

/* The common fields, one at a time. */
static const struct { const char *field, *val; int msg; } school_fields_bad[] = {
	{ "huvudman", "", FM_REQUIRED },
	{ "skola", "", FM_REQUIRED },
	{ "kontakt_namn", "", FM_REQUIRED },
	{ "kontakt_epost", "", FM_REQUIRED },
	{ "kontakt_epost", "larare", FM_EMAIL },
	{ "kontakt_telefon", "", FM_REQUIRED },
	{ "kontakt_telefon", "ring", FM_TEL },
	{ "personnummer", "", FM_REQUIRED },
	{ "personnummer", "081212-2399", FM_PNR_CHECK },
	{ "personnummer", "200311302384", FM_AGE },      /* 22 years old */
	{ "elev_namn", "", FM_REQUIRED },
	{ "program", "", FM_REQUIRED },
	{ "hemkommun", "", FM_REQUIRED },
	{ "hemkommun", "nosuch", FM_CHOICE },            /* not configured */
	{ "elev_informerad", "", FM_REQUIRED },
	{ "elev_informerad", "kanske", FM_CHOICE },
	{ "vardnadshavare_informerad", "", FM_REQUIRED },
	{ "vardnadshavare_informerad", "myndig", FM_NONE },
};

START_TEST(school_common_fields)
{
	struct form_spec *s = school();
	struct form_data d;
	char body[2048], *p;
	const char *f = school_fields_bad[_i].field;
	int i = form_field_index(s, f, strlen(f));

	/* SCHOOL with the one value replaced, and a reason without fields */
	snprintf(body, sizeof(body), "%s&anledning=risk_tid", SCHOOL);
	p = strstr(body, f);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_ge(i, 0);
	memmove(p, p + strcspn(p, "&") + 1, strlen(p + strcspn(p, "&") + 1) + 1);
	snprintf(body + strlen(body), sizeof(body) - strlen(body), "&%s=%s", f,
	    school_fields_bad[_i].val);
	run(s, body, &d);
	ck_assert_msg(d.error[i] == school_fields_bad[_i].msg, "%s=%s: %d", f,
	    school_fields_bad[_i].val, d.error[i]);
	ck_assert_int_eq(d.nerrors, school_fields_bad[_i].msg != FM_NONE);
	if (school_fields_bad[_i].msg == FM_REQUIRED)
		ck_assert_str_eq(form_error_text(&d, (size_t)i), s->fields[i].need_msg);
	if (strcmp(f, "hemkommun") == 0)
		ck_assert_ptr_null(form_route(&d));
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

/* A bad value in a reason's own field gets the kind's message. */
START_TEST(school_bad_date)
{
	struct form_spec *s = school();
	struct form_data d;
	int i = form_field_index(s, "slutdatum", 9);

	run(s, SCHOOL "&anledning=slutar&slutdatum=2026-02-30", &d);
	ck_assert_int_eq(d.nerrors, 1);
	ck_assert_int_eq(d.error[i], FM_DATE_INVALID);
	form_data_free(&d);
	run(s, SCHOOL "&anledning=franvaro&franvaro_timmar=tolv&utredning=nej", &d);
	ck_assert_int_eq(d.nerrors, 1);
	ck_assert_int_eq(d.error[form_field_index(s, "franvaro_timmar", 15)], FM_INT);
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

/* The age rules: the youth form leaves it to its page (nothing flagged);
 * the school form flags the personnummer and keeps what was typed. */
START_TEST(age_rules)
{
	static const struct pnr_date before = { 2026, 10, 17 }, on = { 2026, 10, 18 };
	struct form_spec *s = school();
	struct form_data d;
	buf out = BUF_INIT;
	char *b = with("personnummer", "200311302384");

	run(&form_youth, b, &d);
	ck_assert_int_eq(d.nerrors, 0);
	ck_assert_int_eq(form_over_age(&d, today), 1);
	ck_assert_ptr_nonnull(strstr(form_youth.age_html, "Du har fyllt 20 år"));
	ck_assert_ptr_nonnull(form_youth.age_title);
	form_data_free(&d);
	run(&form_youth, VALID, &d);
	ck_assert_int_eq(form_over_age(&d, today), 0);
	form_data_free(&d);
	free(b);

	/* 200610182388 turns 20 on 2026-10-18 */
	b = with("personnummer", "200610182388");
	ck_assert_int_eq(form_parse(&form_youth, b, strlen(b), &d), FORM_OK);
	form_validate(&d, before);
	ck_assert_int_eq(form_over_age(&d, before), 0);
	form_validate(&d, on);
	ck_assert_int_eq(form_over_age(&d, on), 1);
	form_data_free(&d);
	free(b);

	run(s, SCHOOL "&anledning=risk_tid", &d);
	ck_assert_int_eq(d.nerrors, 0);
	form_data_free(&d);
	ck_assert_int_eq(form_parse(s, SCHOOL "&anledning=risk_tid",
	    strlen(SCHOOL "&anledning=risk_tid"), &d), FORM_OK);
	free(d.value[5]);
	d.value[5] = strdup("200610182388");
	ck_assert_int_eq(form_validate(&d, before), 0);
	ck_assert_int_eq(form_validate(&d, on), 1);
	ck_assert_int_eq(d.error[5], FM_AGE);
	ck_assert_str_eq(form_error_text(&d, 5), form_school.age_msg);
	ck_assert_ptr_nonnull(strstr(form_school.age_msg, "20 år"));
	form_render(&out, &d, "/x");
	ck_assert_ptr_nonnull(strstr(out.data, "value=\"200610182388\""));
	ck_assert_ptr_nonnull(strstr(out.data, "<a href=\"#f-personnummer\">Eleven har fyllt 20 år."));
	buf_free(&out);
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

START_TEST(school_render)
{
	static const struct form_choice odd[] = {
		{ .value = "x", .label = "<b>Å&", .extra = "\"08\"" },
	};
	struct form_spec *s = school(), *o;
	struct form_data d;
	buf out = BUF_INIT;
	const char *form;

	form_data_init(&d, s);
	ck_assert_int_eq(form_render(&out, &d, "/e-tjanst/x/skolanmalan"), 0);
	form = strstr(out.data, "<form");
	ck_assert_ptr_nonnull(form);
	/* the notice comes before the form, with each number configured */
	ck_assert_ptr_nonnull(strstr(out.data, "skyddade personuppgifter"));
	ck_assert_ptr_nonnull(strstr(out.data, "<li>Exempelkommun: 08-123 45 67</li>"));
	ck_assert_ptr_nonnull(strstr(out.data, "<li>Provstad: 0123-456 78</li>"));
	ck_assert_ptr_null(strstr(out.data, "Nordby:"));
	ck_assert(strstr(out.data, "skyddade personuppgifter") < form);
	/* nothing chosen for the school */
	ck_assert_ptr_null(strstr(out.data, "checked"));
	ck_assert_ptr_nonnull(strstr(out.data, "id=\"f-hemkommun-2\" name=\"hemkommun\" value=\"provstad\">"));
	/* the law and the routine apart, with the source beside the law */
	ck_assert_ptr_nonnull(strstr(out.data, "<fieldset class=\"choice-group\">\n"
	    "<legend>Ska anmälas enligt skollagen (15 kap. 15 §)</legend>\n"
	    "<div class=\"choice\"><input type=\"radio\" id=\"f-anledning-1\""));
	ck_assert_ptr_nonnull(strstr(out.data, "<legend>Ska anmälas enligt regionens rutin</legend>"));
	ck_assert_ptr_nonnull(strstr(out.data, "<legend>Bör anmälas enligt regionens rutin</legend>"));
	ck_assert_ptr_nonnull(strstr(out.data, "(skollagen 15 kap. 15 §)"));
	ck_assert_ptr_nonnull(strstr(out.data, "Skriv inte om elevens hälsa, familj"));
	ck_assert_ptr_nonnull(strstr(out.data, "type=\"checkbox\" id=\"f-atgarder-1\""));
	ck_assert_ptr_nonnull(strstr(out.data, "Vad har skolan gjort? <span class=\"optional\">(frivilligt)</span>"));
	ck_assert_ptr_nonnull(strstr(out.data, "autocomplete=\"work email\""));
	buf_free(&out);

	/* configured words are escaped */
	o = form_spec_with_choices(&form_school, "hemkommun", odd, 1);
	form_data_init(&d, o);
	form_render(&out, &d, "/x");
	ck_assert_ptr_nonnull(strstr(out.data, "<li>&lt;b&gt;Å&amp;: &quot;08&quot;</li>"));
	ck_assert_ptr_null(strstr(out.data, "<b>"));
	buf_free(&out);
	form_spec_free(o);
	form_spec_free(s);
}
END_TEST

/* --- receipts ----------------------------------------------------------------- */

START_TEST(receipt_query)
{
	struct form_spec *s = school();
	struct form_data d;
	buf q = BUF_INIT;
	char body[2048];

	school_body(body, sizeof(body), 2, 1, NULL);    /* franvaro, all sent */
	strcat(body, "&ovrigt=Hej");
	run(s, body, &d);
	ck_assert_int_eq(d.nerrors, 0);
	ck_assert_int_eq(form_receipt_query(&d, &q), 0);
	ck_assert_str_eq(q.data, "&hemkommun=provstad&anledning=franvaro"
	    "&franvaro_timmar=12&utredning=ja&atgarder=samtal_elev,syv"
	    "&elev_informerad=ja&vardnadshavare_informerad=nej");
	form_data_free(&d);
	buf_free(&q);

	/* one spelling: a date without dashes, a number with a leading zero */
	run(s, SCHOOL "&anledning=borjar&startdatum=20260817", &d);
	form_receipt_query(&d, &q);
	ck_assert_ptr_nonnull(strstr(q.data, "&startdatum=2026-08-17&"));
	form_data_free(&d);
	buf_free(&q);

	/* an invalid value is not carried */
	run(s, SCHOOL "&anledning=borjar&startdatum=2026-02-30", &d);
	form_receipt_query(&d, &q);
	ck_assert_ptr_null(strstr(q.data, "startdatum"));
	form_data_free(&d);
	buf_free(&q);

	/* the youth form carries nothing this way (kontakt has its own) */
	run(&form_youth, VALID, &d);
	ck_assert_int_eq(form_receipt_query(&d, &q), 0);
	ck_assert_uint_eq(q.len, 0);
	form_data_free(&d);
	buf_free(&q);
	form_spec_free(s);
}
END_TEST

/* What the school submitted comes back as a summary, without a word of
 * the pupil's personal data. */
START_TEST(receipt_summary_round_trip)
{
	struct form_spec *s = school();
	struct form_data d;
	buf q = BUF_INIT, out = BUF_INIT;
	char body[2048];

	school_body(body, sizeof(body), 2, 1, NULL);
	run(s, body, &d);
	buf_puts(&q, "ref=AAAA-BBBB-CCCC&form=skolanmalan");
	form_receipt_query(&d, &q);
	ck_assert_int_eq(form_receipt_summary_on(s, q.data, today, &out), 0);
	ck_assert_str_eq(out.data, "<dl class=\"receipt-summary\">\n"
	    "<dt>Elevens hemkommun</dt><dd>Provstad</dd>\n"
	    "<dt>Vad anmäler du?</dt><dd>Eleven har betydande frånvaro utan "
	    "giltigt skäl</dd>\n"
	    "<dt>Frånvaro utan giltigt skäl de senaste 30 dagarna, i timmar</dt>"
	    "<dd>12</dd>\n"
	    "<dt>Har skolan börjat utreda frånvaron?</dt><dd>Ja</dd>\n"
	    "<dt>Vad har skolan gjort?</dt><dd>Samtal med eleven, Samtal med "
	    "studie- och yrkesvägledare</dd>\n"
	    "<dt>Vet eleven om att skolan gör den här anmälan?</dt><dd>Ja</dd>\n"
	    "<dt>Vet elevens vårdnadshavare om anmälan?</dt><dd>Nej</dd>\n"
	    "</dl>\n");
	ck_assert_ptr_null(strstr(out.data, "Testsson"));
	ck_assert_ptr_null(strstr(out.data, "2398"));
	buf_free(&out);
	buf_free(&q);
	form_data_free(&d);
	form_spec_free(s);
}
END_TEST

/* The receipt's address is untrusted: anything not valid, not relevant
 * or not a receipt field is left out; want is what must be there (or
 * NULL: nothing at all), bad what must not. */
static const struct { const char *query, *want, *bad; } hostile[] = {
	{ "anledning=%3Cscript%3E", NULL, "script" },
	{ "anledning=franvaro%00", NULL, NULL },
	{ "anledning=%zz&hemkommun=provstad", "<dd>Provstad</dd>", NULL },
	{ "hemkommun=nosuch", NULL, "nosuch" },
	{ "hemkommun=provstad&hemkommun=nordby", "<dd>Provstad</dd>", "Nordby" },
	{ "personnummer=200812122398&elev_namn=Test&huvudman=X&ovrigt=Y", NULL, "2398" },
	{ "anledning=franvaro&franvaro_timmar=99999", "frånvaro utan giltigt skäl</dd>", "99999" },
	{ "anledning=franvaro&franvaro_timmar=%3Cb%3E", "frånvaro utan giltigt skäl</dd>", "<b>" },
	{ "anledning=borjar&startdatum=2026-02-30", "börjat", "2026-02-30" },
	{ "anledning=borjar&startdatum=1999-01-01", "börjat", "1999" },
	{ "anledning=borjar&startdatum=2026-08-17", "<dd>2026-08-17</dd>", NULL },
	{ "anledning=borjar&franvaro_timmar=12", "börjat", "<dd>12</dd>" },  /* not relevant */
	{ "franvaro_timmar=12", NULL, NULL },           /* its condition is missing */
	{ "anledning=slutar&atgarder=samtal_elev,bogus", "slutat", "Samtal" },
	{ "anledning=slutar&atgarder=samtal_elev,samtal_elev", "slutat", "Samtal" },
	{ "anledning=slutar&atgarder=samtal_elev%2Csyv", "Samtal med eleven, Samtal med studie", NULL },
	{ "nosuch=1&&=&anledning", NULL, NULL },
	{ "", NULL, NULL },
};

START_TEST(receipt_summary_hostile)
{
	struct form_spec *s = school();
	buf out = BUF_INIT;

	ck_assert_int_eq(form_receipt_summary_on(s, hostile[_i].query, today, &out), 0);
	if (hostile[_i].want == NULL)
		ck_assert_msg(out.len == 0, "%s: %s", hostile[_i].query, out.data);
	else
		ck_assert_msg(out.data && strstr(out.data, hostile[_i].want),
		    "%s: %s", hostile[_i].query, out.data ? out.data : "");
	if (hostile[_i].bad != NULL && out.data != NULL)
		ck_assert_msg(strstr(out.data, hostile[_i].bad) == NULL, "%s: %s",
		    hostile[_i].query, out.data);
	buf_free(&out);
	form_spec_free(s);
}
END_TEST

START_TEST(receipt_summary_escapes)
{
	static const struct form_choice odd[] = { { .value = "x", .label = "<Ö&\">" } };
	struct form_spec *s = form_spec_with_choices(&form_school, "hemkommun", odd, 1);
	buf out = BUF_INIT;

	ck_assert_int_eq(form_receipt_summary(s, "hemkommun=x", &out), 0);
	ck_assert_str_eq(out.data, "<dl class=\"receipt-summary\">\n<dt>Elevens "
	    "hemkommun</dt><dd>&lt;Ö&amp;&quot;&gt;</dd>\n</dl>\n");
	buf_reset(&out);
	ck_assert_int_eq(form_receipt_summary(s, NULL, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
	form_spec_free(s);
}
END_TEST

/* --- every table, walked ------------------------------------------------------ */

/* The walk returns its first finding as text, so that a test can also
 * show that it finds what is wrong in a bad table. */
static char problem[256];
#define NEED(cond, ...) do { if (!(cond)) { \
	snprintf(problem, sizeof(problem), __VA_ARGS__); return problem; } } while (0)
#define WALK(call) do { const char *p_ = (call); if (p_ != NULL) return p_; } while (0)

static int word(const char *s, const char *extra)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

static int is_choice(const struct form_field *f)
{
	return f->type == FORM_RADIO || f->type == FORM_CHECKBOX;
}

static const char *walk_condition(const struct form_spec *s, size_t i)
{
	const struct form_field *f = &s->fields[i], *g;
	const char *const *v;
	int j, n = 0;

	if (f->if_field == NULL) {
		NEED(f->if_value == NULL && f->if_values == NULL,
		    "%s: a value without if_field", f->name);
		return NULL;
	}
	j = form_field_index(s, f->if_field, strlen(f->if_field));
	NEED(j >= 0 && (size_t)j < i, "%s: if_field %s is not an earlier field",
	    f->name, f->if_field);
	g = &s->fields[j];
	NEED(is_choice(g) && !g->dynamic, "%s: %s has no fixed choices", f->name,
	    g->name);
	if (f->if_value != NULL) {
		NEED(form_choice_label(g, f->if_value) != NULL,
		    "%s: %s is not a choice of %s", f->name, f->if_value, g->name);
		n++;
	}
	for (v = f->if_values; v != NULL && *v != NULL; v++, n++)
		NEED(form_choice_label(g, *v) != NULL, "%s: %s is not a choice of %s",
		    f->name, *v, g->name);
	NEED(n > 0, "%s: a condition without a value", f->name);
	/* the receipt can check relevance only with the condition's value */
	NEED(!f->receipt || g->receipt, "%s: condition %s not on the receipt",
	    f->name, g->name);
	return NULL;
}

static const char *walk_choices(const struct form_field *f)
{
	size_t k, m;

	if (!is_choice(f)) {
		NEED(f->nchoices == 0 && !f->dynamic, "%s: choices on a %d", f->name,
		    f->type);
		return NULL;
	}
	NEED(f->dynamic ? f->nchoices == 0 : f->nchoices > 0, "%s: choices",
	    f->name);
	for (k = 0; k < f->nchoices; k++) {
		NEED(word(f->choices[k].value, "0123456789_"), "%s: value %s",
		    f->name, f->choices[k].value);
		NEED(f->choices[k].label && *f->choices[k].label, "%s: label", f->name);
		for (m = 0; m < k; m++) {
			NEED(strcmp(f->choices[m].value, f->choices[k].value) != 0,
			    "%s: %s twice", f->name, f->choices[k].value);
			/* a group, once closed, does not open again */
			NEED(!(f->choices[k].group != NULL && f->choices[m].group != NULL &&
			    strcmp(f->choices[m].group, f->choices[k].group) == 0 &&
			    (f->choices[k - 1].group == NULL ||
			    strcmp(f->choices[k - 1].group, f->choices[k].group) != 0)),
			    "%s: group of %s split", f->name, f->choices[k].value);
		}
	}
	return NULL;
}

static const char *walk_field(const struct form_spec *s, size_t i)
{
	const struct form_field *f = &s->fields[i];
	size_t k;

	NEED(word(f->name, "_"), "%s: name \"%s\"", s->kind, f->name);
	for (k = 0; k < i; k++)
		NEED(strcmp(s->fields[k].name, f->name) != 0, "%s twice", f->name);
	NEED((unsigned)f->type < FORM__TYPES, "%s: type", f->name);
	NEED(f->label != NULL && *f->label, "%s: label", f->name);
	NEED(!f->required || f->need_msg != NULL, "%s: need_msg", f->name);
	NEED(is_choice(f) || f->maxlen > 0, "%s: maxlen", f->name);
	NEED(f->type != FORM_DATE || f->min < f->max, "%s: date range", f->name);
	NEED(f->type != FORM_INT || f->min <= f->max, "%s: bounds", f->name);
	/* the receipt never shows personal data: only choices, dates, numbers */
	NEED(!f->receipt || is_choice(f) || f->type == FORM_DATE ||
	    f->type == FORM_INT, "%s: may not be on the receipt", f->name);
	WALK(walk_choices(f));
	return walk_condition(s, i);
}

static int choice_field(const struct form_spec *s, const char *name,
    int dynamic)
{
	int j = name ? form_field_index(s, name, strlen(name)) : -1;

	return j >= 0 && s->fields[j].type == FORM_RADIO &&
	    s->fields[j].dynamic == dynamic && s->fields[j].required;
}

static const char *walk_spec(const struct form_spec *s)
{
	size_t i;
	int j;

	NEED(word(s->kind, ""), "kind \"%s\"", s->kind ? s->kind : "");
	NEED(s->title && s->submit && s->receipt_title && s->receipt_intro &&
	    s->receipt_default, "%s: a text is missing", s->kind);
	NEED(s->nfields > 0 && s->nfields <= FORM_MAX_FIELDS,
	    "%s: %zu fields, at most %d", s->kind, s->nfields, FORM_MAX_FIELDS);
	for (i = 0; i < s->nfields; i++)
		WALK(walk_field(s, i));
	for (i = 0; i < s->nanyof; i++) {
		j = form_field_index(s, s->anyof[i].a, strlen(s->anyof[i].a));
		NEED(j >= 0 && form_field_index(s, s->anyof[i].b,
		    strlen(s->anyof[i].b)) == j + 1 && s->anyof[i].msg,
		    "%s: anyof %s", s->kind, s->anyof[i].a);
	}
	NEED(s->receipt_field == NULL || choice_field(s, s->receipt_field, 0),
	    "%s: receipt_field", s->kind);
	j = s->receipt_field ? form_field_index(s, s->receipt_field,
	    strlen(s->receipt_field)) : -1;
	for (i = 0; i < s->nreceipts; i++)
		NEED(j >= 0 && form_choice_label(&s->fields[j], s->receipts[i].value),
		    "%s: receipt %s", s->kind, s->receipts[i].value);
	NEED(s->route_field == NULL || choice_field(s, s->route_field, 1),
	    "%s: route_field", s->kind);
	if (s->max_age > 0) {
		NEED(s->age_policy == FORM_AGE_PAGE ? s->age_title && s->age_html :
		    s->age_msg != NULL, "%s: the age rule's words", s->kind);
		for (i = 0; i < s->nfields && s->fields[i].type != FORM_PNR; i++)
			;
		NEED(i < s->nfields && s->fields[i].required &&
		    s->fields[i].if_field == NULL,
		    "%s: an age rule needs a personnummer", s->kind);
	}
	return NULL;
}

START_TEST(walk_tables)
{
	size_t n, k;
	const struct form_spec *const *all = form_all(&n);
	const struct form_spec *s = all[_i];
	const char *p = walk_spec(s);

	ck_assert_uint_eq(n, 2);
	ck_assert_msg(p == NULL, "%s", p);
	ck_assert_ptr_eq(form_find(s->kind), s);
	for (k = 0; k < (size_t)_i; k++)
		ck_assert_str_ne(all[k]->kind, s->kind);
}
END_TEST

/* The walk finds what is wrong in a table that dangles or overflows. */
static const struct form_field broken_if[] = {
	{ .name = "r", .label = "R", .type = FORM_RADIO, .choices = xyz, .nchoices = 3 },
	{ .name = "w", .label = "W", .type = FORM_TEXT, .maxlen = 5,
	  .if_field = "r", .if_value = "q" },
};
static const struct form_field broken_name[] = {
	{ .name = "w", .label = "W", .type = FORM_TEXT, .maxlen = 5,
	  .if_field = "nosuch", .if_value = "x" },
};
static const struct form_field broken_case[] = {
	{ .name = "Namn", .label = "W", .type = FORM_TEXT, .maxlen = 5 },
};
static const struct form_field broken_receipt[] = {
	{ .name = "namn", .label = "W", .type = FORM_TEXT, .maxlen = 5, .receipt = 1 },
};
static struct form_field many[FORM_MAX_FIELDS + 1];

static const struct { const struct form_field *f; size_t n; const char *found; } broken[] = {
	{ broken_if, 2, "q is not a choice of r" },
	{ broken_name, 1, "if_field nosuch" },
	{ broken_case, 1, "name \"Namn\"" },
	{ broken_receipt, 1, "may not be on the receipt" },
	{ many, FORM_MAX_FIELDS + 1, "at most" },
	{ t_fields, COUNT(t_fields), NULL },             /* a good one */
};

START_TEST(walk_catches)
{
	struct form_spec s = { .kind = "bad", .title = "T", .submit = "S",
	    .receipt_title = "T", .receipt_intro = "I", .receipt_default = "D",
	    .fields = broken[_i].f, .nfields = broken[_i].n };
	const char *p = walk_spec(&s);

	if (broken[_i].found == NULL)
		ck_assert_msg(p == NULL, "%s", p);
	else
		ck_assert_msg(p != NULL && strstr(p, broken[_i].found), "%s",
		    p ? p : "nothing found");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc = tcase_create("form");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, valid_form);
	tcase_add_test(tc, trimmed_bytes_wiped);
	tcase_add_loop_test(tc, bad_body, 0, sizeof(bad_bodies) / sizeof(bad_bodies[0]));
	tcase_add_test(tc, too_big);
	tcase_add_loop_test(tc, bad_field, 0, sizeof(bad_fields) / sizeof(bad_fields[0]));
	tcase_add_test(tc, phone_or_email);
	tcase_add_test(tc, too_long);
	tcase_add_test(tc, render_keeps_input);
	tcase_add_test(tc, render_empty);
	tcase_add_test(tc, receipt_texts);
	tcase_add_test(tc, receipt_per_choice);
	tcase_add_loop_test(tc, json_record, 0, 2);
	tcase_add_loop_test(tc, control_at, 0, sizeof(controls) / sizeof(controls[0]));
	tcase_add_loop_test(tc, kinds, 0, COUNT(kind_cases));
	tcase_add_loop_test(tc, kind_bodies, 0, COUNT(t_bad_bodies));
	tcase_add_test(tc, dynamic_needs_choices);
	tcase_add_test(tc, kind_json);
	tcase_add_loop_test(tc, relevant_when, 0, COUNT(relevance));
	tcase_add_loop_test(tc, youth_drops, 0, 4);
	tcase_add_test(tc, render_kinds);
	tcase_add_test(tc, spec_copies);
	tcase_add_test(tc, school_reasons_cover_choices);
	tcase_add_loop_test(tc, school_reason_stores_its_own, 0, COUNT(reasons));
	tcase_add_loop_test(tc, school_reason_requires_its_own, 0, COUNT(reasons));
	tcase_add_loop_test(tc, school_common_fields, 0, COUNT(school_fields_bad));
	tcase_add_test(tc, school_bad_date);
	tcase_add_test(tc, age_rules);
	tcase_add_test(tc, school_render);
	tcase_add_test(tc, receipt_query);
	tcase_add_test(tc, receipt_summary_round_trip);
	tcase_add_loop_test(tc, receipt_summary_hostile, 0, COUNT(hostile));
	tcase_add_test(tc, receipt_summary_escapes);
	tcase_add_loop_test(tc, walk_tables, 0, 2);
	tcase_add_loop_test(tc, walk_catches, 0, COUNT(broken));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return testutil_run(suite());
}
