/* check_form.c — the form engine with the youth form's table. */
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

static Suite *suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc = tcase_create("form");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, valid_form);
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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return testutil_run(suite());
}
