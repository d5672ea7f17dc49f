/* form.h — e-service forms as tables: parse, validate, render, serialise.
 *
 * One static table per form (see lib/forms.c) drives everything: parsing the
 * urlencoded body, validation, re-rendering the form with what the user
 * typed and a Swedish message beside each bad field, the JSON record that
 * is sealed into the inbox, and the receipt. Each field kind (enum
 * form_type) is one entry in a table of functions in form.c: validate,
 * render, serialise. The form's own policies — the age rule, how the
 * recipient municipality is chosen, the receipt's words — are in its
 * form_spec, not in the handler. User-facing wording lives in the tables and
 * in one message table in form.c. */
#ifndef KAA_FORM_H
#define KAA_FORM_H

#include <stddef.h>
#include "buf.h"
#include "pnr.h"

struct json_t;   /* jansson's json_t */

#define FORM_MAX_FIELDS 32
#define FORM_BODY_MAX   16384   /* nginx caps the body at the same size */

enum form_type {
	FORM_TEXT,
	FORM_EMAIL,
	FORM_TEL,
	FORM_PNR,
	FORM_RADIO,
	FORM_TEXTAREA,
	FORM_DATE,       /* ÅÅÅÅ-MM-DD (or ÅÅÅÅMMDD); min..max days from today */
	FORM_INT,        /* a whole number in min..max */
	FORM_CHECKBOX,   /* none, one or several of the choices */
	FORM__TYPES
};

struct form_choice {
	const char *value;   /* stored in the record: [a-z0-9_]+ */
	const char *label;   /* shown to the user */
	const char *hint;    /* explains a word in the label, or NULL */
	/* Consecutive choices with the same group are shown in a fieldset of
	 * their own with this legend (e.g. what the law requires and what
	 * the region's routine asks for); NULL: no group. */
	const char *group;
	/* Dynamic choices only: shown in the spec's notice as
	 * "label: extra" (a municipality's KAA phone number), or NULL. */
	const char *extra;
};

struct form_field {
	const char *name;          /* form name and JSON key: [a-z_]+ */
	const char *label;
	const char *hint;          /* shown under the label, or NULL */
	const char *note;          /* shown after the input, or NULL */
	const char *section;       /* if set, an <h2> starts here */
	enum form_type type;
	/* Must be filled in — when relevant (see if_field). */
	int         required;
	size_t      maxlen;        /* in characters */
	const struct form_choice *choices;   /* FORM_RADIO, FORM_CHECKBOX */
	size_t      nchoices;
	/* 1: the choices are given at start-up (form_spec_with_choices);
	 * the static table has none. */
	int         dynamic;
	/* FORM_INT: the bounds. FORM_DATE: the plausible range in days
	 * relative to the day of validation (e.g. -400 and 31). */
	int         min, max;
	const char *autocomplete;  /* HTML autocomplete token, or NULL */
	const char *need_msg;      /* message when required and empty */
	/* Relevant only when field if_field (earlier in the table) has the
	 * value if_value or one of if_values (NULL-terminated). A field that
	 * is not relevant is neither checked nor stored. */
	const char *if_field;
	const char *if_value;
	const char *const *if_values;
	/* 1: the value is echoed on the receipt. Only fields without
	 * personal data: choices, dates, numbers. */
	int         receipt;
};

/* At least one of two fields must be filled in (e.g. phone or e-mail).
 * a and b follow each other in the table; they are shown as one group
 * with its own legend and hint, and neither is marked optional, since
 * one of them is not. */
struct form_anyof {
	const char *a, *b;
	const char *msg;
	const char *legend;
	const char *hint;
};

/* What happens next, told on the receipt for one value of the form's
 * receipt field (see form_spec). */
struct form_receipt {
	const char *value;
	const char *text;
};

enum form_age_policy {
	FORM_AGE_PAGE,    /* over max_age: the caller shows age_title/age_html
	                     and stores nothing; form_validate does not flag it */
	FORM_AGE_FIELD    /* over max_age: form_validate flags the personnummer
	                     field with age_msg, so the form is shown again */
};

struct form_spec {
	const char *kind;          /* record kind and URL segment */
	const char *title;
	const char *intro;         /* plain text above the form, or NULL */
	/* Plain text in a box above the form, followed by a list of the
	 * route field's choices that have an extra ("label: extra"); NULL:
	 * none. */
	const char *notice;
	const char *submit;        /* button text */
	const struct form_field *fields;
	size_t      nfields;
	const struct form_anyof *anyof;
	size_t      nanyof;
	/* The age rule: 0, or the age (from the personnummer) from which the
	 * form does not apply, and what is done then. */
	int         max_age;
	enum form_age_policy age_policy;
	const char *age_title;     /* FORM_AGE_PAGE: the page's title */
	const char *age_html;      /* FORM_AGE_PAGE: the page's body (our HTML) */
	const char *age_msg;       /* FORM_AGE_FIELD: the message */
	/* The field whose value names the recipient municipality (a dynamic
	 * choice), or NULL: the municipality whose address the form is on. */
	const char *route_field;
	/* The receipt: its title and first paragraph (every form has them),
	 * the choice field whose value picks the "what happens next"
	 * text, the text per value, and a neutral text for anything else. */
	const char *receipt_title;
	const char *receipt_intro;
	const char *receipt_field;
	const struct form_receipt *receipts;
	size_t      nreceipts;
	const char *receipt_default;
	/* A trap for bots (a honeypot), or NULL: a text input of this name
	 * that people never see or reach (hidden, out of the tab order, with
	 * a label saying to leave it empty) and programs that fill in every
	 * field do. Not a field: never validated or stored; a body with it
	 * filled in is marked (form_data.trapped). */
	const char *trap;
};

/* Messages shown beside fields; the Swedish text is in form.c. */
enum form_msg {
	FM_NONE = 0,
	FM_REQUIRED,     /* the field's need_msg */
	FM_TOO_LONG,
	FM_CONTROL,
	FM_EMAIL,
	FM_TEL,
	FM_CHOICE,
	FM_PNR_FORMAT,
	FM_PNR_LETTER,
	FM_PNR_DATE,
	FM_PNR_CHECK,
	FM_PNR_FUTURE,
	FM_ANYOF,        /* the form_anyof's msg */
	FM_DATE_FORMAT,
	FM_DATE_INVALID, /* no such day, e.g. 2026-02-30 */
	FM_DATE_RANGE,   /* outside the field's plausible range */
	FM_INT,
	FM_INT_RANGE,
	FM_AGE,          /* the spec's age_msg */
	FM__MAX
};

/* What the user sent, and what is wrong with it. Owns its strings. */
struct form_data {
	const struct form_spec *spec;
	/* NULL: not sent; trimmed, LF newlines. A checkbox's values are
	 * joined with LF, in the order sent. */
	char  *value[FORM_MAX_FIELDS];
	int    error[FORM_MAX_FIELDS];   /* enum form_msg */
	int    anyof_error[FORM_MAX_FIELDS]; /* index into spec->anyof + 1, or 0 */
	int    nerrors;
	struct pnr pnr;                  /* valid after form_validate when a
	                                    FORM_PNR field had no error */
	int    has_pnr;
	struct pnr_date today;           /* of the last form_validate */
	int    trapped;                  /* the spec's trap was filled in */
};

/* Errors that mean the request was not sent by our form: answer 400. */
enum form_err {
	FORM_OK = 0,
	FORM_EUNKNOWN,    /* a field the form does not have */
	FORM_EREPEAT,     /* a field sent twice (check boxes may repeat) */
	FORM_EENCODING,   /* bad %-escape, invalid UTF-8 or a NUL byte */
	FORM_ETOOBIG,     /* body or a value over the hard limits */
	FORM_ENOMEM
};

/* Empty form data for spec (nothing sent, no errors). */
void form_data_init(struct form_data *d, const struct form_spec *spec);
void form_data_free(struct form_data *d);

/* Parses an application/x-www-form-urlencoded body into d (initialised by
 * this call). On error d holds what was parsed so far; free it either way. */
int form_parse(const struct form_spec *spec, const char *body, size_t len,
    struct form_data *d);

/* Checks every relevant field and rule, and the spec's age rule when it is
 * FORM_AGE_FIELD; fills d->error and returns d->nerrors. */
int form_validate(struct form_data *d, struct pnr_date today);

/* Whether field i applies, given the values in d (its if_field condition,
 * and that field's own). */
int form_relevant(const struct form_data *d, size_t i);

/* 1 when the spec has an age rule and d's valid personnummer (after
 * form_validate) shows someone max_age or older on today. */
int form_over_age(const struct form_data *d, struct pnr_date today);

/* The validated value of the spec's route field (a municipality id), or
 * NULL: no route field, or no valid value. Points into d. */
const char *form_route(const struct form_data *d);

/* Renders the error summary (if any errors), the intro and notice, and the
 * form, posting to action. Returns 0, or -1 if memory ran out. */
int form_render(buf *out, const struct form_data *d, const char *action);

/* The record as JSON text (malloc'd, caller frees), with the personnummer
 * normalised to 12 digits, a date as ÅÅÅÅ-MM-DD, a number as a JSON
 * integer, check boxes as an array of values, and only the fields that
 * were filled in and are relevant. NULL if memory ran out. */
char *form_to_json(const struct form_data *d, const char *municipality);

/* Appends field f's value v from a record (form_to_json) as text for a
 * person: a choice's label (the value itself if unknown), check boxes'
 * labels joined with ", ", a number in decimal. Returns 0, or -1 if v
 * has a type f never stores. The text is not escaped. */
int form_json_text(buf *out, const struct form_field *f,
    const struct json_t *v);

/* Makes jansson wipe every block it frees: the JSON it builds and parses
 * holds a submission's personal data. Process-wide; call once at start,
 * before any JSON value exists (kaa-fcgi and kaa-inbox do). */
void form_json_wipe_on_free(void);

/* Wipes and frees text that jansson allocated (json_dumps). NULL-safe. */
void form_json_free(char *text);

/* Length in bytes of the control character that starts s, or 0 if s does
 * not start with one: C0 (newline and tab included), DEL, C1 (U+0080–U+009F)
 * and the bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 * can disguise text on a screen or act on a terminal. Forms reject them;
 * kaa-inbox escapes them when it prints. s must be NUL-terminated. */
size_t form_control_at(const char *s);

/* Index of the field named name in spec, or -1. */
int form_field_index(const struct form_spec *spec, const char *name,
    size_t len);
/* Label of a choice value of field i, or NULL. */
const char *form_choice_label(const struct form_field *f, const char *value);

/* A malloc'd copy of base (a static spec or another copy) in which the
 * dynamic field named field has the choices[0..n) (copied; their strings
 * are not, and must outlive the copy). NULL if base has no such dynamic
 * field or memory ran out. Free with form_spec_free. */
struct form_spec *form_spec_with_choices(const struct form_spec *base,
    const char *field, const struct form_choice *choices, size_t n);
/* Frees a copy from form_spec_with_choices. NULL-safe. */
void form_spec_free(struct form_spec *s);

/* The value of spec's receipt field in d if it is one of that field's
 * choices, else NULL. Points into d. */
const char *form_receipt_value(const struct form_data *d);

/* The receipt text of spec for value (from the query of the receipt's
 * address, so untrusted): the text for a known choice, the neutral text
 * for anything else, NULL included. Never NULL. */
const char *form_receipt_text(const struct form_spec *spec, const char *value);

/* Appends "&name=value" (URL-encoded) for every relevant field with
 * receipt = 1 that has a valid value, after form_validate (check boxes:
 * one pair, the values joined with ","; a date as ÅÅÅÅ-MM-DD). For the
 * receipt's address. Returns 0, or -1 if memory ran out. */
int form_receipt_query(const struct form_data *d, buf *out);

/* Appends <dl class="receipt-summary"> with label → choice label, date or
 * number for the receipt fields in query (the receipt address's query
 * string: untrusted). Each value is checked again by its field's own
 * validator on today's date, and must be relevant; anything else is left
 * out; all text is escaped. Appends nothing if nothing is left. Returns 0,
 * or -1 if memory ran out. */
int form_receipt_summary(const struct form_spec *spec, const char *query,
    buf *out);
/* The same, with the date to check dates against (for tests). */
int form_receipt_summary_on(const struct form_spec *spec, const char *query,
    struct pnr_date today, buf *out);

/* The Swedish message for d's error on field i (never NULL when there is
 * one); "" if none. Without the bounds a range message adds on the page. */
const char *form_error_text(const struct form_data *d, size_t i);

const char *form_strerror(int err);

/* The forms this system knows (lib/forms.c). */
extern const struct form_spec form_youth;    /* "sysselsattning" */
extern const struct form_spec form_school;   /* "skolanmalan" */
/* The form with this kind, or NULL. */
const struct form_spec *form_find(const char *kind);
/* Every form, for tests that walk the tables; *n gets the count. */
const struct form_spec *const *form_all(size_t *n);

#endif
