/* gen_fm.h — front matter of a kaa-gen content page.
 *
 * A page starts with a line "---", then `key: value` lines, then another
 * "---" line; the Markdown body follows. Values are plain strings, strings
 * in "double" (with \" \\ \n \t escapes) or 'single' quotes ('' is a quote),
 * or integers. Blank lines and lines starting with '#' are ignored; an
 * unquoted value ends at " #" (a YAML comment). This is the small subset of
 * YAML that Hugo-style front matter uses; anything else is an error, so a
 * typo fails the build instead of being silently ignored.
 *
 * A page's keys (FM_PAGE): title and description (both required,
 * non-empty), order (integer, menu order; weight is an alias as in Hugo),
 * audience (unga, vardnadshavare, skolor, alla) and lang (sv, en).
 * A letter template's keys (FM_LETTER, content/letters/): kind, subject and
 * recipient (youth, guardian), all required. */
#ifndef KAA_GEN_FM_H
#define KAA_GEN_FM_H

#include <stddef.h>

enum fm_lang { FM_LANG_SV = 0, FM_LANG_EN, FM_LANG__MAX };

enum fm_audience {
	FM_AUD_NONE = 0,      /* not given */
	FM_AUD_UNGA,
	FM_AUD_VARDNADSHAVARE,
	FM_AUD_SKOLOR,
	FM_AUD_ALLA,
	FM_AUD__MAX
};

enum fm_recipient { FM_RCPT_YOUTH = 0, FM_RCPT_GUARDIAN, FM_RCPT__MAX };
enum fm_schema { FM_PAGE, FM_LETTER };

struct fm {
	char  *title;        /* owned, never NULL after FM_OK */
	char  *description;  /* owned, never NULL after FM_OK */
	long   order;        /* valid if has_order */
	int    has_order;
	int    audience;     /* enum fm_audience */
	int    lang;         /* enum fm_lang; FM_LANG_SV unless has_lang */
	int    has_lang;
	char  *kind;         /* letters: owned */
	char  *subject;      /* letters: owned */
	int    recipient;    /* letters: enum fm_recipient */
	size_t body_off;     /* byte offset of the Markdown body */
	int    body_line;    /* 1-based line of the body's first line */
};

enum fm_err {
	FM_OK = 0,
	FM_ENOSTART,        /* first line is not "---" */
	FM_EUNTERMINATED,   /* no closing "---" line */
	FM_ESYNTAX,         /* a line is not `key: value` */
	FM_EUNKNOWN,        /* unknown key (ei->key) */
	FM_EDUP,            /* key given twice (order and weight count as one) */
	FM_EINT,            /* value is not an integer in range */
	FM_EVALUE,          /* value not allowed for this key, or empty */
	FM_EQUOTE,          /* bad quoting or escape */
	FM_EMISSING,        /* required key missing (ei->key) */
	FM_ENOMEM
};

struct fm_errinfo {
	int  line;          /* 1-based line in the source */
	char key[32];       /* the key concerned, "" if none */
};

/* Parses the front matter at the start of src (len bytes, need not be
 * NUL-terminated; a UTF-8 BOM and CR LF line ends are accepted). Returns enum
 * fm_err. On FM_OK *out holds owned strings (release with fm_free); on error
 * *out is left empty and *ei (if not NULL) says where. */
int fm_parse(const char *src, size_t len, struct fm *out,
    struct fm_errinfo *ei);
/* The same for either kind of file. */
int fm_parse_as(enum fm_schema schema, const char *src, size_t len,
    struct fm *out, struct fm_errinfo *ei);

/* Frees the strings of f and zeroes it. NULL-safe. */
void fm_free(struct fm *f);

const char *fm_strerror(int err);

/* "sv", "en"; "audience" names; "" for FM_AUD_NONE or out of range. */
const char *fm_lang_name(int lang);
const char *fm_audience_name(int audience);

#endif
