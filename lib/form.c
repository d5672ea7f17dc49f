/* form.c — the table-driven form engine. */
#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "utf8.h"

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
	[FM_DATE_FORMAT] = "Skriv datumet så här: ÅÅÅÅ-MM-DD, till exempel "
	    "2026-08-17.",
	[FM_DATE_INVALID] = "Datumet finns inte. Kontrollera månad och dag.",
	[FM_DATE_RANGE] = "Datumet verkar inte stämma.",
	[FM_INT] = "Skriv ett heltal med siffror, till exempel 12.",
	[FM_INT_RANGE] = "Talet är för stort eller för litet.",
	[FM_AGE] = "Formuläret gäller inte för den här åldern.",
};

void form_data_init(struct form_data *d, const struct form_spec *spec)
{
	memset(d, 0, sizeof(*d));
	d->spec = spec;
}

static void wipe_free_str(char *s)
{
	if (s != NULL)   /* personal data: wipe before free */
		sodium_memzero(s, strlen(s));
	free(s);
}

void form_data_free(struct form_data *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < FORM_MAX_FIELDS; i++)
		wipe_free_str(d->value[i]);
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

static int named(const struct form_spec *s, const char *name)
{
	return name != NULL ? form_field_index(s, name, strlen(name)) : -1;
}

/* Calls fn for each of a check box field's values (joined with LF in d),
 * or once for any other value; stops at the first nonzero return. */
static int each_item(const char *v, int (*fn)(const char *, size_t, void *),
    void *arg)
{
	const char *nl;
	int rc;

	for (;;) {
		nl = strchr(v, '\n');
		if ((rc = fn(v, nl ? (size_t)(nl - v) : strlen(v), arg)) != 0)
			return rc;
		if (nl == NULL)
			return 0;
		v = nl + 1;
	}
}

static int item_is(const char *item, size_t n, void *want)
{
	return strlen(want) == n && memcmp(item, want, n) == 0;
}

/* Whether field j's value is want (or, for check boxes, includes it). */
static int has_value(const struct form_data *d, int j, const char *want)
{
	return j >= 0 && d->value[j] != NULL &&
	    each_item(d->value[j], item_is, (void *)want);
}

static int condition_met(const struct form_data *d, const struct form_field *f,
    int j)
{
	const char *const *v;

	if (f->if_value != NULL && has_value(d, j, f->if_value))
		return 1;
	for (v = f->if_values; v != NULL && *v != NULL; v++)
		if (has_value(d, j, *v))
			return 1;
	return 0;
}

int form_relevant(const struct form_data *d, size_t i)
{
	const struct form_field *f;
	size_t depth;
	int j;

	/* A field applies when its condition holds and the field the
	 * condition names applies too. Tables only name earlier fields (a
	 * unit test walks them); the bound guards against a loop anyway. */
	for (depth = 0; depth < FORM_MAX_FIELDS && i < d->spec->nfields; depth++) {
		f = &d->spec->fields[i];
		if (f->if_field == NULL)
			return 1;
		if ((j = named(d->spec, f->if_field)) < 0 || !condition_met(d, f, j))
			return 0;
		i = (size_t)j;
	}
	return 0;
}

/* --- dates ---------------------------------------------------------------- */

/* Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
static long days_from_civil(struct pnr_date d)
{
	long y = d.year - (d.month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;

	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static struct pnr_date civil_from_days(long z)
{
	long era, doe, yoe, doy, mp;
	struct pnr_date d;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

static int digits(const char *s, size_t n)
{
	return strspn(s, "0123456789") >= n;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* ÅÅÅÅ-MM-DD or ÅÅÅÅMMDD: FM_NONE, FM_DATE_FORMAT or FM_DATE_INVALID. */
static int parse_date(const char *s, struct pnr_date *out)
{
	size_t n = strlen(s);
	int dash = n == 10;

	if (!(n == 8 || (dash && s[4] == '-' && s[7] == '-')) ||
	    !digits(s, 4) || !digits(s + 4 + dash, 2) || !digits(s + 6 + 2 * dash, 2))
		return FM_DATE_FORMAT;
	out->year = two(s) * 100 + two(s + 2);
	out->month = two(s + 4 + dash);
	out->day = two(s + 6 + 2 * dash);
	return pnr_date_valid(*out) ? FM_NONE : FM_DATE_INVALID;
}

static void put_date(buf *b, struct pnr_date d)
{
	buf_printf(b, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static struct pnr_date date_add(struct pnr_date d, int days)
{
	return civil_from_days(days_from_civil(d) + days);
}

/* --- numbers -------------------------------------------------------------- */

/* An optional '-' and 1 to 9 digits: FM_NONE with *out set, or FM_INT. */
static int parse_int(const char *s, long *out)
{
	const char *p = s + (*s == '-');
	size_t n = strlen(p);

	if (n == 0 || n > 9 || !digits(p, n))
		return FM_INT;
	*out = strtol(s, NULL, 10);
	return FM_NONE;
}

/* --- the field kinds --------------------------------------------------------- */

size_t form_control_at(const char *s)
{
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)s, strnlen(s, 4), &cp);

	return n > 0 && cp != 0 && utf8_is_control(cp) ? n : 0;
}

static int valid_any(struct form_data *d, size_t i, const char *v)
{
	(void)d, (void)i, (void)v;
	return FM_NONE;
}

static int valid_email(struct form_data *d, size_t i, const char *s)
{
	const char *at = strchr(s, '@');

	(void)d, (void)i;
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strpbrk(s, " ,;<>()[]\\\"") != NULL)
		return FM_EMAIL;
	at++;
	if (strchr(at, '.') == NULL || at[0] == '.' ||
	    at[strlen(at) - 1] == '.' || strstr(at, "..") != NULL)
		return FM_EMAIL;
	return FM_NONE;
}

static int valid_tel(struct form_data *d, size_t i, const char *s)
{
	size_t n = 0;

	(void)d, (void)i;
	if (strspn(s, "+0123456789 -()") != strlen(s))
		return FM_TEL;
	for (; *s != '\0'; s++)
		n += *s >= '0' && *s <= '9';
	return n >= 7 && n <= 15 ? FM_NONE : FM_TEL;
}

static int valid_pnr(struct form_data *d, size_t i, const char *s)
{
	static const int map[] = {
		[PNR_OK] = FM_NONE, [PNR_EEMPTY] = FM_REQUIRED,
		[PNR_EFORMAT] = FM_PNR_FORMAT, [PNR_ELETTER] = FM_PNR_LETTER,
		[PNR_EDATE] = FM_PNR_DATE, [PNR_ECHECK] = FM_PNR_CHECK,
		[PNR_EFUTURE] = FM_PNR_FUTURE,
	};
	int rc = pnr_parse(s, strlen(s), d->today, &d->pnr);

	(void)i;
	if (rc < 0 || (size_t)rc >= sizeof(map) / sizeof(map[0]))
		return FM_PNR_FORMAT;
	d->has_pnr = rc == PNR_OK;
	return map[rc];
}

static int valid_radio(struct form_data *d, size_t i, const char *v)
{
	return form_choice_label(&d->spec->fields[i], v) ? FM_NONE : FM_CHOICE;
}

struct items {
	const struct form_field *f;
	const char *all;
};

/* A known choice, not given before in the same list. */
static int bad_item(const char *item, size_t n, void *arg)
{
	const struct items *it = arg;
	const char *p;
	size_t k;

	for (k = 0; k < it->f->nchoices; k++)
		if (item_is(item, n, (void *)it->f->choices[k].value))
			break;
	if (k == it->f->nchoices)
		return 1;
	for (p = it->all; p < item; p += strcspn(p, "\n") + 1)
		if (strcspn(p, "\n") == n && memcmp(p, item, n) == 0)
			return 1;
	return 0;
}

static int valid_checkbox(struct form_data *d, size_t i, const char *v)
{
	struct items it = { &d->spec->fields[i], v };

	return each_item(v, bad_item, &it) ? FM_CHOICE : FM_NONE;
}

static int valid_date(struct form_data *d, size_t i, const char *v)
{
	const struct form_field *f = &d->spec->fields[i];
	struct pnr_date date;
	long days;
	int rc = parse_date(v, &date);

	if (rc != FM_NONE)
		return rc;
	days = days_from_civil(date) - days_from_civil(d->today);
	return days >= f->min && days <= f->max ? FM_NONE : FM_DATE_RANGE;
}

static int valid_int(struct form_data *d, size_t i, const char *v)
{
	const struct form_field *f = &d->spec->fields[i];
	long n;

	if (parse_int(v, &n) != FM_NONE)
		return FM_INT;
	return n >= f->min && n <= f->max ? FM_NONE : FM_INT_RANGE;
}

/* The value as stored and sent on: the personnummer as 12 digits, a date
 * as ÅÅÅÅ-MM-DD, a number without leading zeros; others as typed. Only
 * for a valid value. tmp holds what is made here. */
static const char *canon(const struct form_data *d, size_t i, char tmp[16])
{
	const char *v = d->value[i];
	struct pnr_date date;
	long n;

	switch (d->spec->fields[i].type) {
	case FORM_PNR:
		return d->has_pnr ? d->pnr.digits : v;
	case FORM_DATE:
		if (parse_date(v, &date) != FM_NONE)
			return v;
		snprintf(tmp, 16, "%04d-%02d-%02d", date.year, date.month, date.day);
		return tmp;
	case FORM_INT:
		if (parse_int(v, &n) != FM_NONE)
			return v;
		snprintf(tmp, 16, "%ld", n);
		return tmp;
	default:
		return v;
	}
}

static json_t *json_text(const struct form_data *d, size_t i)
{
	char tmp[16];

	return json_string(canon(d, i, tmp));
}

static json_t *json_int(const struct form_data *d, size_t i)
{
	long n = 0;

	parse_int(d->value[i], &n);
	return json_integer(n);
}

static int add_item(const char *item, size_t n, void *arr)
{
	return json_array_append_new(arr, json_stringn(item, n)) != 0;
}

static json_t *json_list(const struct form_data *d, size_t i)
{
	json_t *a = json_array();

	if (a != NULL && each_item(d->value[i], add_item, a) != 0) {
		json_decref(a);
		a = NULL;
	}
	return a;
}

static void render_input(buf *b, const struct form_data *d, size_t i);
static void render_choices(buf *b, const struct form_data *d, size_t i);

/* One entry per kind: how it is checked, shown and stored. */
static const struct form_kind {
	const char *input;      /* <input type>, or NULL: a <textarea> */
	const char *inputmode;  /* or NULL */
	const char *cls;        /* extra class for the input, or NULL */
	int multiline;          /* LF allowed in the value */
	int (*valid)(struct form_data *d, size_t i, const char *v);
	void (*render)(buf *b, const struct form_data *d, size_t i);
	json_t *(*json)(const struct form_data *d, size_t i);
} kinds[FORM__TYPES] = {
	[FORM_TEXT] = { "text", NULL, NULL, 0, valid_any, render_input, json_text },
	[FORM_EMAIL] = { "email", NULL, NULL, 0, valid_email, render_input, json_text },
	[FORM_TEL] = { "tel", NULL, NULL, 0, valid_tel, render_input, json_text },
	[FORM_PNR] = { "text", "numeric", NULL, 0, valid_pnr, render_input, json_text },
	[FORM_RADIO] = { "radio", NULL, NULL, 0, valid_radio, render_choices, json_text },
	[FORM_TEXTAREA] = { NULL, NULL, NULL, 1, valid_any, render_input, json_text },
	/* type="text": a browser's date input cannot show a wrong date again */
	[FORM_DATE] = { "text", NULL, "input--date", 0, valid_date, render_input, json_text },
	[FORM_INT] = { "text", "numeric", "input--int", 0, valid_int, render_input, json_int },
	[FORM_CHECKBOX] = { "checkbox", NULL, NULL, 1, valid_checkbox, render_choices, json_list },
};

static const struct form_kind *kind_of(const struct form_field *f)
{
	return &kinds[(unsigned)f->type < FORM__TYPES ? f->type : FORM_TEXT];
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
			sodium_memzero(d, o);
			free(d);
			return FORM_EENCODING;
		}
		if (d[o - 1] == '\0') {
			sodium_memzero(d, o);
			free(d);
			return FORM_EENCODING;
		}
	}
	d[o] = '\0';
	*out = d;
	*outlen = o;
	return FORM_OK;
}

/* Trims white space at both ends and turns CRLF and CR into LF, in place;
 * the bytes freed at the end are wiped (typed text, not to linger past the
 * NUL). */
static void tidy(char *s)
{
	size_t i, o = 0, n, len = strlen(s);
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
	sodium_memzero(s + o, len + 1 - o);
}

/* A check box's next value joins the ones before it, with LF between. */
static int add_value(struct form_data *d, int i, char *val)
{
	char *both;
	size_t a;

	if (d->value[i] == NULL) {
		d->value[i] = val;
		return FORM_OK;
	}
	if (d->spec->fields[i].type != FORM_CHECKBOX) {
		wipe_free_str(val);
		return FORM_EREPEAT;
	}
	a = strlen(d->value[i]);
	if ((both = malloc(a + strlen(val) + 2)) == NULL) {
		wipe_free_str(val);
		return FORM_ENOMEM;
	}
	memcpy(both, d->value[i], a);
	both[a] = '\n';
	strcpy(both + a + 1, val);
	wipe_free_str(val);
	wipe_free_str(d->value[i]);
	d->value[i] = both;
	return FORM_OK;
}

/* Decodes one name=value pair of d's spec into *val (malloc'd, tidied);
 * returns the field's index, or -1 with the error in *rc. The spec's trap
 * is no field: it only marks d when filled in (-1, *rc FORM_OK). */
static int decode_pair(struct form_data *d, const char *p, size_t n,
    char **val, int *rc)
{
	const struct form_spec *s = d->spec;
	const char *eq = memchr(p, '=', n);
	size_t klen = eq ? (size_t)(eq - p) : n, vlen, keylen;
	char *key;
	int i, trap;

	*val = NULL;
	if ((*rc = url_decode(p, klen, &key, &keylen)) != FORM_OK)
		return -1;
	i = form_field_index(s, key, keylen);
	trap = i < 0 && s->trap != NULL && strlen(s->trap) == keylen &&
	    memcmp(key, s->trap, keylen) == 0;
	free(key);
	if (i < 0 && !trap) {
		*rc = FORM_EUNKNOWN;
		return -1;
	}
	*rc = eq ? url_decode(eq + 1, n - klen - 1, val, &vlen) :
	    url_decode("", 0, val, &vlen);
	if (*rc != FORM_OK)
		return -1;
	if (trap || !utf8_valid(*val, vlen)) {
		d->trapped |= trap && vlen > 0;
		wipe_free_str(*val);
		*val = NULL;
		*rc = trap ? FORM_OK : FORM_EENCODING;
		return -1;
	}
	tidy(*val);
	return i;
}

static int parse_pair(struct form_data *d, const char *p, size_t n)
{
	char *val;
	int rc, i = decode_pair(d, p, n, &val, &rc);

	if (i < 0)
		return rc;
	/* Our check boxes' values are single words; a line break inside one
	 * would pass for several. */
	if (d->spec->fields[i].type == FORM_CHECKBOX && strchr(val, '\n') != NULL) {
		free(val);
		return FORM_EENCODING;
	}
	return add_value(d, i, val);
}

/* Calls fn for each non-empty pair of s[0..len) between '&'s; stop: return
 * the first error, else go on past it. */
static int each_pair(const char *s, size_t len,
    int (*fn)(struct form_data *, const char *, size_t), struct form_data *d,
    int stop)
{
	const char *p = s, *end = s + len, *amp;
	int rc;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp > p && (rc = fn(d, p, (size_t)(amp - p))) != FORM_OK && stop)
			return rc;
		p = amp + 1;
	}
	return FORM_OK;
}

int form_parse(const struct form_spec *spec, const char *body, size_t len,
    struct form_data *d)
{
	form_data_init(d, spec);
	if (len > FORM_BODY_MAX)
		return FORM_ETOOBIG;
	return each_pair(body, len, parse_pair, d, 1);
}

/* --- validation ----------------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int has_control(const char *s, int allow_newline)
{
	for (; *s != '\0'; s++)
		if (form_control_at(s) > 0 &&
		    !(allow_newline && (*s == '\n' || *s == '\t')))
			return 1;
	return 0;
}

static int check_field(struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	const char *v = d->value[i];

	if (!form_relevant(d, i))
		return FM_NONE;
	if (v == NULL || *v == '\0')
		return f->required ? FM_REQUIRED : FM_NONE;
	if (f->maxlen > 0 && utf8_chars(v) > f->maxlen)
		return FM_TOO_LONG;
	if (has_control(v, kind_of(f)->multiline))
		return FM_CONTROL;
	return kind_of(f)->valid(d, i, v);
}

static int filled(const struct form_data *d, const char *name)
{
	int j = named(d->spec, name);

	return j >= 0 && d->value[j] != NULL && d->value[j][0] != '\0';
}

static int pnr_field(const struct form_spec *s)
{
	size_t i;

	for (i = 0; i < s->nfields; i++)
		if (s->fields[i].type == FORM_PNR)
			return (int)i;
	return -1;
}

int form_over_age(const struct form_data *d, struct pnr_date today)
{
	return d->spec->max_age > 0 && d->has_pnr &&
	    pnr_age(&d->pnr, today) >= d->spec->max_age;
}

int form_validate(struct form_data *d, struct pnr_date today)
{
	const struct form_spec *s = d->spec;
	size_t i;
	int j;

	d->nerrors = 0;
	d->has_pnr = 0;
	d->today = today;
	for (i = 0; i < s->nfields; i++) {
		d->error[i] = check_field(d, i);
		d->anyof_error[i] = 0;
	}
	for (i = 0; i < s->nanyof; i++) {
		if (filled(d, s->anyof[i].a) || filled(d, s->anyof[i].b))
			continue;
		j = named(s, s->anyof[i].a);
		if (j >= 0 && d->error[j] == FM_NONE) {
			d->error[j] = FM_ANYOF;
			d->anyof_error[j] = (int)i + 1;
		}
	}
	if (s->age_policy == FORM_AGE_FIELD && form_over_age(d, today) &&
	    (j = pnr_field(s)) >= 0 && d->error[j] == FM_NONE)
		d->error[j] = FM_AGE;
	for (i = 0; i < s->nfields; i++)
		d->nerrors += d->error[i] != FM_NONE;
	return d->nerrors;
}

const char *form_route(const struct form_data *d)
{
	int j = named(d->spec, d->spec->route_field);

	if (j < 0 || d->value[j] == NULL || d->error[j] != FM_NONE ||
	    !form_relevant(d, (size_t)j) ||
	    form_choice_label(&d->spec->fields[j], d->value[j]) == NULL)
		return NULL;
	return d->value[j];
}

const char *form_error_text(const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	int e = d->error[i];

	if (e == FM_REQUIRED && f->need_msg != NULL)
		return f->need_msg;
	if (e == FM_ANYOF && d->anyof_error[i] > 0)
		return d->spec->anyof[d->anyof_error[i] - 1].msg;
	if (e == FM_AGE && d->spec->age_msg != NULL)
		return d->spec->age_msg;
	if (e < 0 || e >= FM__MAX)
		return messages[FM_REQUIRED];
	return messages[e];
}

/* The message, escaped, with the limit a length or range error needs. */
static void put_error(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];

	buf_puts_html(b, form_error_text(d, i));
	switch (d->error[i]) {
	case FM_TOO_LONG:
		buf_printf(b, " Skriv högst %zu tecken.", f->maxlen);
		break;
	case FM_DATE_RANGE:
		buf_puts(b, " Skriv ett datum från ");
		put_date(b, date_add(d->today, f->min));
		buf_puts(b, " till ");
		put_date(b, date_add(d->today, f->max));
		buf_puts(b, ".");
		break;
	case FM_INT_RANGE:
		buf_printf(b, " Skriv ett tal från %d till %d.", f->min, f->max);
		break;
	default:
		break;
	}
}

/* --- receipts ------------------------------------------------------------- */

const char *form_receipt_value(const struct form_data *d)
{
	const struct form_spec *s = d->spec;
	int i = named(s, s->receipt_field);

	if (i < 0 || d->value[i] == NULL ||
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

/* Percent-encodes all but [A-Za-z0-9_.-]; a check box's LF becomes ','. */
static void put_urlenc(buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			buf_putc(b, ',');
		else if (strchr("_.-", *s) != NULL ||
		    (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			buf_putc(b, *s);
		else
			buf_printf(b, "%%%02X", (unsigned char)*s);
	}
}

int form_receipt_query(const struct form_data *d, buf *out)
{
	const struct form_spec *s = d->spec;
	char tmp[16];
	size_t i;

	for (i = 0; i < s->nfields; i++) {
		if (!s->fields[i].receipt || d->value[i] == NULL ||
		    d->value[i][0] == '\0' || d->error[i] != FM_NONE ||
		    !form_relevant(d, i))
			continue;
		buf_putc(out, '&');
		put_urlenc(out, s->fields[i].name);
		buf_putc(out, '=');
		put_urlenc(out, canon(d, i, tmp));
	}
	return out->oom ? -1 : 0;
}

/* One pair of the receipt's query: only a receipt field, once. Errors are
 * not the caller's to see: an untrusted pair is just left out. */
static int summary_pair(struct form_data *d, const char *p, size_t n)
{
	char *val, *c;
	int rc, i = decode_pair(d, p, n, &val, &rc);

	if (i < 0)
		return rc;
	if (!d->spec->fields[i].receipt || d->value[i] != NULL) {
		free(val);
		return FORM_OK;
	}
	if (d->spec->fields[i].type == FORM_CHECKBOX)
		for (c = val; (c = strchr(c, ',')) != NULL; c++)
			*c = '\n';
	d->value[i] = val;
	return FORM_OK;
}

struct labels {
	buf *b;
	const struct form_field *f;
	int n;
};

static int put_label(const char *item, size_t n, void *arg)
{
	struct labels *l = arg;
	size_t k;

	for (k = 0; k < l->f->nchoices; k++)
		if (item_is(item, n, (void *)l->f->choices[k].value)) {
			if (l->n++ > 0)
				buf_puts(l->b, ", ");
			buf_puts_html(l->b, l->f->choices[k].label);
		}
	return 0;
}

/* A valid value for a person: a choice's label, or the canonical text. */
static void put_value_text(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	struct labels l = { b, f, 0 };
	char tmp[16];

	if (f->type == FORM_RADIO || f->type == FORM_CHECKBOX)
		each_item(d->value[i], put_label, &l);
	else
		buf_puts_html(b, canon(d, i, tmp));
}

int form_receipt_summary_on(const struct form_spec *spec, const char *query,
    struct pnr_date today, buf *out)
{
	struct form_data d;
	size_t i, n = 0;

	form_data_init(&d, spec);
	d.today = today;
	if (query != NULL && strlen(query) <= FORM_BODY_MAX)
		each_pair(query, strlen(query), summary_pair, &d, 0);
	for (i = 0; i < spec->nfields; i++) {
		if (d.value[i] == NULL || d.value[i][0] == '\0' ||
		    !form_relevant(&d, i) || check_field(&d, i) != FM_NONE)
			continue;
		buf_puts(out, n++ == 0 ? "<dl class=\"receipt-summary\">\n<dt>" :
		    "<dt>");
		buf_puts_html(out, spec->fields[i].label);
		buf_puts(out, "</dt><dd>");
		put_value_text(out, &d, i);
		buf_puts(out, "</dd>\n");
	}
	if (n > 0)
		buf_puts(out, "</dl>\n");
	form_data_free(&d);
	return out->oom ? -1 : 0;
}

int form_receipt_summary(const struct form_spec *spec, const char *query,
    buf *out)
{
	return form_receipt_summary_on(spec, query, pnr_today(), out);
}

/* --- dynamic choices -------------------------------------------------------- */

/* A copy is one block: the spec, its fields, then every dynamic field's
 * choices. */
struct spec_copy {
	struct form_spec spec;
	struct form_field fields[];
};
_Static_assert(_Alignof(struct form_choice) <= _Alignof(struct form_field) &&
    offsetof(struct spec_copy, spec) == 0, "the choices follow the fields");

struct form_spec *form_spec_with_choices(const struct form_spec *base,
    const char *field, const struct form_choice *choices, size_t n)
{
	int t = named(base, field);
	struct spec_copy *c;
	struct form_choice *ch;
	size_t i, total = 0, cnt;

	if (t < 0 || !base->fields[t].dynamic || base->nfields > FORM_MAX_FIELDS ||
	    n > 65536)
		return NULL;
	for (i = 0; i < base->nfields; i++)
		if (base->fields[i].dynamic)
			total += (int)i == t ? n : base->fields[i].nchoices;
	if (total > 65536 * FORM_MAX_FIELDS ||
	    (c = malloc(sizeof(*c) + base->nfields * sizeof(c->fields[0]) +
	    total * sizeof(*ch))) == NULL)
		return NULL;
	c->spec = *base;
	memcpy(c->fields, base->fields, base->nfields * sizeof(c->fields[0]));
	c->spec.fields = c->fields;
	ch = (struct form_choice *)(c->fields + base->nfields);
	for (i = 0; i < base->nfields; i++) {
		if (!base->fields[i].dynamic)
			continue;
		cnt = (int)i == t ? n : base->fields[i].nchoices;
		if (cnt > 0)
			memcpy(ch, (int)i == t ? choices : base->fields[i].choices,
			    cnt * sizeof(*ch));
		c->fields[i].choices = ch;
		c->fields[i].nchoices = cnt;
		ch += cnt;
	}
	return &c->spec;
}

void form_spec_free(struct form_spec *s)
{
	free(s);   /* the block starts with the spec */
}

/* --- rendering ------------------------------------------------------------ */

static int is_choice(const struct form_field *f)
{
	return f->type == FORM_RADIO || f->type == FORM_CHECKBOX;
}

/* The id of the element an error links to: the input, or a group's first
 * choice. */
static void field_anchor(buf *b, const struct form_field *f)
{
	buf_printf(b, "f-%s%s", f->name, is_choice(f) ? "-1" : "");
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
		put_error(b, d, i);
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
		put_error(b, d, i);
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

static void render_note(buf *b, const struct form_field *f)
{
	if (f->note == NULL)
		return;
	buf_printf(b, "<p class=\"note\" id=\"f-%s-note\">", f->name);
	buf_puts_html(b, f->note);
	buf_puts(b, "</p>\n");
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
	if (!f->required && anyof_of(d->spec, f->name, 'a') == NULL &&
	    anyof_of(d->spec, f->name, 'b') == NULL)
		buf_puts(b, " <span class=\"optional\">(frivilligt)</span>");
}

static int same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Opens or closes the fieldset of a group of choices before choice k
 * (k == nchoices: after the last). */
static void choice_group(buf *b, const struct form_field *f, size_t k)
{
	const char *prev = k > 0 ? f->choices[k - 1].group : NULL;
	const char *next = k < f->nchoices ? f->choices[k].group : NULL;

	if (same(prev, next))
		return;
	if (prev != NULL)
		buf_puts(b, "</fieldset>\n");
	if (next != NULL) {
		buf_puts(b, "<fieldset class=\"choice-group\">\n<legend>");
		buf_puts_html(b, next);
		buf_puts(b, "</legend>\n");
	}
}

static void render_choices(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	const char *type = kind_of(f)->input;
	size_t k;

	buf_printf(b, "<fieldset class=\"field%s\"",
	    d->error[i] ? " field--error" : "");
	render_describedby(b, d, i);
	buf_puts(b, ">\n<legend>");
	render_label_text(b, d, i);
	buf_puts(b, "</legend>\n");
	render_help(b, d, i);
	for (k = 0; k < f->nchoices; k++) {
		choice_group(b, f, k);
		buf_printf(b, "<div class=\"choice\"><input type=\"%s\" "
		    "id=\"f-%s-%zu\" name=\"%s\" value=\"", type, f->name, k + 1,
		    f->name);
		buf_puts_html(b, f->choices[k].value);
		buf_puts(b, "\"");
		if (f->choices[k].hint != NULL)
			buf_printf(b, " aria-describedby=\"f-%s-%zu-hint\"", f->name, k + 1);
		if (has_value(d, (int)i, f->choices[k].value))
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
	choice_group(b, f, f->nchoices);
	render_note(b, f);
	buf_puts(b, "</fieldset>\n");
}

static void render_input(buf *b, const struct form_data *d, size_t i)
{
	const struct form_field *f = &d->spec->fields[i];
	const struct form_kind *k = kind_of(f);
	const char *v = d->value[i] ? d->value[i] : "";

	buf_printf(b, "<div class=\"field%s\">\n<label for=\"f-%s\">",
	    d->error[i] ? " field--error" : "", f->name);
	render_label_text(b, d, i);
	buf_puts(b, "</label>\n");
	render_help(b, d, i);
	if (k->input == NULL)
		buf_printf(b, "<textarea class=\"input\" id=\"f-%s\" name=\"%s\" "
		    "rows=\"5\"", f->name, f->name);
	else
		buf_printf(b, "<input class=\"input%s%s\" id=\"f-%s\" name=\"%s\" "
		    "type=\"%s\"%s%s%s", k->cls ? " " : "", k->cls ? k->cls : "",
		    f->name, f->name, k->input,
		    k->inputmode ? " inputmode=\"" : "",
		    k->inputmode ? k->inputmode : "", k->inputmode ? "\"" : "");
	if (f->autocomplete != NULL)
		buf_printf(b, " autocomplete=\"%s\"", f->autocomplete);
	else if (k->input != NULL)
		buf_puts(b, " autocomplete=\"off\"");
	render_describedby(b, d, i);
	if (d->error[i])
		buf_puts(b, " aria-invalid=\"true\"");
	if (k->input == NULL) {
		buf_puts(b, ">");
		buf_puts_html(b, v);
		buf_puts(b, "</textarea>\n");
	} else {
		buf_puts(b, " value=\"");
		buf_puts_html(b, v);
		buf_puts(b, "\">\n");
	}
	render_note(b, f);
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

/* The spec's notice, and "label: extra" for each choice of the route
 * field that has one (each municipality's phone number). */
/* The trap for bots (form_spec.trap): moved off screen by the style sheet,
 * hidden from screen readers, out of the tab order, never filled in again;
 * without styles a person reads that it is to be left empty. */
static void render_trap(buf *out, const struct form_spec *s)
{
	if (s->trap == NULL)
		return;
	buf_puts(out, "<div class=\"eform__trap\" aria-hidden=\"true\">"
	    "<label for=\"f-");
	buf_puts_html(out, s->trap);
	buf_puts(out, "\">Lämna det här fältet tomt</label><input type=\"text\" "
	    "id=\"f-");
	buf_puts_html(out, s->trap);
	buf_puts(out, "\" name=\"");
	buf_puts_html(out, s->trap);
	buf_puts(out, "\" value=\"\" tabindex=\"-1\" autocomplete=\"off\"></div>\n");
}

static void render_notice(buf *out, const struct form_spec *s)
{
	int j = named(s, s->route_field);
	const struct form_field *f = j >= 0 ? &s->fields[j] : NULL;
	size_t k, n = 0;

	if (s->notice == NULL)
		return;
	buf_puts(out, "<div class=\"notice\"><p>");
	buf_puts_html(out, s->notice);
	buf_puts(out, "</p>\n");
	for (k = 0; f != NULL && k < f->nchoices; k++) {
		if (f->choices[k].extra == NULL)
			continue;
		buf_puts(out, n++ == 0 ? "<ul class=\"phone-list\">\n<li>" : "<li>");
		buf_puts_html(out, f->choices[k].label);
		buf_puts(out, ": ");
		buf_puts_html(out, f->choices[k].extra);
		buf_puts(out, "</li>\n");
	}
	if (n > 0)
		buf_puts(out, "</ul>\n");
	buf_puts(out, "</div>\n");
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
	render_notice(out, s);
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
		kind_of(&s->fields[i])->render(out, d, i);
		g = anyof_of(s, s->fields[i].name, 'b');
		if (g != NULL && g->legend != NULL)
			buf_puts(out, "</fieldset>\n");
	}
	render_trap(out, s);
	buf_puts(out, "<button type=\"submit\" class=\"button\">");
	buf_puts_html(out, s->submit);
	buf_puts(out, "</button>\n</form>\n");
	return out->oom ? -1 : 0;
}

/* --- the sealed record ------------------------------------------------------ */

char *form_to_json(const struct form_data *d, const char *municipality)
{
	const struct form_spec *s = d->spec;
	json_t *root, *fields, *v;
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
	/* Only what applies: förordning (2006:39) lets the municipality keep
	 * only what it needs. */
	for (i = 0; i < s->nfields; i++) {
		if (d->value[i] == NULL || d->value[i][0] == '\0' ||
		    !form_relevant(d, i))
			continue;
		v = kind_of(&s->fields[i])->json(d, i);
		bad |= v == NULL || json_object_set_new(fields, s->fields[i].name, v);
	}
	bad |= json_object_set_new(root, "fields", fields);
	dumped = bad ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	/* a plain malloc'd copy, so the caller frees it as documented */
	text = dumped != NULL ? strdup(dumped) : NULL;
	form_json_free(dumped);
	return text;
}

static void put_choice_text(buf *out, const struct form_field *f, const char *v)
{
	const char *label = is_choice(f) ? form_choice_label(f, v) : NULL;

	buf_puts(out, label ? label : v);
}

int form_json_text(buf *out, const struct form_field *f, const json_t *v)
{
	size_t k;

	if (json_is_string(v))
		put_choice_text(out, f, json_string_value(v));
	else if (json_is_integer(v) && f->type == FORM_INT)
		buf_printf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_array(v) && f->type == FORM_CHECKBOX) {
		for (k = 0; k < json_array_size(v); k++) {
			if (!json_is_string(json_array_get(v, k)))
				return -1;
			if (k > 0)
				buf_puts(out, ", ");
			put_choice_text(out, f, json_string_value(json_array_get(v, k)));
		}
	} else
		return -1;
	return out->oom ? -1 : 0;
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
