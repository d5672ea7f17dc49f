/* form.h — e-service forms as tables: parse, validate, render, serialise.
 *
 * One static table per form (see lib/forms.c) drives everything: parsing the
 * urlencoded body, validation, re-rendering the form with what the user
 * typed and a Swedish message beside each bad field, and the JSON record
 * that is sealed into the inbox. User-facing wording lives in the tables and
 * in one message table in form.c. */
#ifndef KAA_FORM_H
#define KAA_FORM_H

#include <stddef.h>
#include "buf.h"
#include "pnr.h"

#define FORM_MAX_FIELDS 24
#define FORM_BODY_MAX   16384   /* nginx caps the body at the same size */

enum form_type {
	FORM_TEXT,
	FORM_EMAIL,
	FORM_TEL,
	FORM_PNR,
	FORM_RADIO,
	FORM_TEXTAREA
};

struct form_choice {
	const char *value;   /* stored in the record */
	const char *label;   /* shown to the user */
	const char *hint;    /* explains a word in the label, or NULL */
};

struct form_field {
	const char *name;          /* form name and JSON key: [a-z_]+ */
	const char *label;
	const char *hint;          /* shown under the label, or NULL */
	const char *note;          /* shown after the input, or NULL */
	const char *section;       /* if set, an <h2> starts here */
	enum form_type type;
	int         required;
	size_t      maxlen;        /* in characters */
	const struct form_choice *choices;   /* FORM_RADIO */
	size_t      nchoices;
	const char *autocomplete;  /* HTML autocomplete token, or NULL */
	const char *need_msg;      /* message when required and empty */
	/* Required only when field if_field has the value if_value. */
	const char *if_field;
	const char *if_value;
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

struct form_spec {
	const char *kind;          /* record kind and URL segment */
	const char *title;
	const char *intro;         /* plain text above the form, or NULL */
	const char *submit;        /* button text */
	const struct form_field *fields;
	size_t      nfields;
	const struct form_anyof *anyof;
	size_t      nanyof;
	/* The receipt: the choice field whose value picks the text, the text
	 * per value, and a neutral text for anything else. */
	const char *receipt_field;
	const struct form_receipt *receipts;
	size_t      nreceipts;
	const char *receipt_default;
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
	FM__MAX
};

/* What the user sent, and what is wrong with it. Owns its strings. */
struct form_data {
	const struct form_spec *spec;
	char  *value[FORM_MAX_FIELDS];   /* NULL: not sent; trimmed, LF newlines */
	int    error[FORM_MAX_FIELDS];   /* enum form_msg */
	int    anyof_error[FORM_MAX_FIELDS]; /* index into spec->anyof + 1, or 0 */
	int    nerrors;
	struct pnr pnr;                  /* valid after form_validate when a
	                                    FORM_PNR field had no error */
	int    has_pnr;
};

/* Errors that mean the request was not sent by our form: answer 400. */
enum form_err {
	FORM_OK = 0,
	FORM_EUNKNOWN,    /* a field the form does not have */
	FORM_EREPEAT,     /* a field sent twice */
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

/* Checks every field and rule; fills d->error and returns d->nerrors. */
int form_validate(struct form_data *d, struct pnr_date today);

/* Renders the error summary (if any errors) and the form, posting to action.
 * Returns 0, or -1 if memory ran out. */
int form_render(buf *out, const struct form_data *d, const char *action);

/* The record as JSON text (malloc'd, caller frees), with the personnummer
 * normalised to 12 digits and only the fields that were filled in. NULL if
 * memory ran out. */
char *form_to_json(const struct form_data *d, const char *municipality);

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

/* The value of spec's receipt field in d if it is one of that field's
 * choices, else NULL. Points into d. */
const char *form_receipt_value(const struct form_data *d);

/* The receipt text of spec for value (from the query of the receipt's
 * address, so untrusted): the text for a known choice, the neutral text
 * for anything else, NULL included. Never NULL. */
const char *form_receipt_text(const struct form_spec *spec, const char *value);

/* The Swedish message for d's error on field i (never NULL when there is
 * one); "" if none. */
const char *form_error_text(const struct form_data *d, size_t i);

const char *form_strerror(int err);

/* The forms this system knows (lib/forms.c). */
extern const struct form_spec form_youth;
/* The form with this kind, or NULL. */
const struct form_spec *form_find(const char *kind);

#endif
