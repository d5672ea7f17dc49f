/* cli_out.h — printing what the web host wrote, harmlessly; and the
 * progress line of a long command (below).
 *
 * Everything kaa-inbox reads from an inbox file came from the web host,
 * which may be compromised: the row's metadata (reference, kind, received
 * time, key ids) and, once opened, the record's values. Printed raw, an
 * escape sequence could set the terminal's title, clear the screen or
 * rewrite what was shown before; a bidi override could disguise text.
 * So metadata is printed as it is only when it has exactly the form
 * kaa-fcgi writes (cli_valid_*), else as an ASCII-only JSON string; and
 * free text goes through cli_put_clean. */
#ifndef KAA_CLI_OUT_H
#define KAA_CLI_OUT_H

#include <stdio.h>

#include "archive.h"

/* Writes s for a person to read. Shown as \u{XXXX}: C0 controls, DEL, C1
 * controls (U+0080..U+009F), bidi embeddings, overrides, isolates and
 * marks, and the line and paragraph separators; each byte that is not
 * part of valid UTF-8 as \x{HH}. A newline is kept, followed by two spaces
 * so a value cannot start a line of its own. Returns the number of columns
 * printed (a character counts one). */
int cli_put_clean(FILE *f, const char *s);

/* Writes s as a JSON string of printable ASCII only: quotes, backslash,
 * every control character, DEL and everything beyond ASCII escaped as
 * \uXXXX (invalid UTF-8 as \ufffd). Returns the columns printed. */
int cli_put_json(FILE *f, const char *s);

/* Writes s as it is if valid(s), else as cli_put_json does. Returns the
 * columns printed. */
int cli_put_meta(FILE *f, const char *s, int (*valid)(const char *));

/* The forms of an inbox row's metadata (1 if s has it, else 0). */
int cli_valid_ref(const char *s);      /* XXXX-XXXX-XXXX, canonical */
int cli_valid_kind(const char *s);     /* [a-z_]+, shorter than 32 */
int cli_valid_time(const char *s);     /* 2026-11-24T12:00:00Z, a real time */
int cli_valid_key_ids(const char *s);  /* 1..8 ids of 16 hex digits, by ',' */

/* --- how far a long command is, on a terminal -------------------------------
 *
 * pull, export and rekey show their count on stderr when it is a terminal:
 * one line, rewritten in place ("\r"), first after CLI_PROGRESS_DELAY
 * seconds (a quick run shows nothing), then at most every
 * CLI_PROGRESS_EVERY seconds, ended with its last count and a newline. In
 * a pipe or a log nothing is written, so scripts see no change. Numbers
 * are grouped by threes ("10 000"). A zeroed struct shows nothing. */
#define CLI_PROGRESS_DELAY 0.5
#define CLI_PROGRESS_EVERY 0.1
#define CLI_PROGRESS_NUM   32   /* room for a long, grouped */

struct cli_progress {
	FILE       *f;           /* the terminal, or NULL: nothing is shown */
	double    (*now)(void);  /* seconds, on a clock that only goes forward */
	const char *fmt;         /* translated: %s the count, %s the total */
	long        done, total; /* total < 0: not known (fmt has one %s) */
	double      next;        /* the earliest time the line is written again */
	int         len;         /* bytes of the line on the terminal, 0: none */
	int         shown;       /* the line was written (end writes it last) */
};

/* Starts p on stderr if it is a terminal (else p shows nothing), with the
 * system's monotonic clock. fmt: e.g. _("export: %s of %s records"). */
void cli_progress_start(struct cli_progress *p, const char *fmt, long total);
/* The same on f (NULL: nowhere) with the clock now: the unit tests'. */
void cli_progress_init(struct cli_progress *p, FILE *f, double (*now)(void),
    const char *fmt, long total);
/* As p's total, the number of a's records f selects; counted only if p
 * is shown somewhere, and if counting fails p shows nothing. */
void cli_progress_count(struct cli_progress *p, archive *a,
    const struct archive_filter *f);
/* One more done: the line is written again if it is time. */
void cli_progress_step(struct cli_progress *p);
/* Takes the line off the terminal before another message is written
 * there; the next step that is due shows it again. */
void cli_progress_hide(struct cli_progress *p);
/* The last count and a newline, if the line was shown. */
void cli_progress_end(struct cli_progress *p);
/* n >= 0 in decimal, its digits in groups of three by a space. */
char *cli_progress_number(long n, char buf[CLI_PROGRESS_NUM]);

/* obj (a JSON value) as compact JSON of printable ASCII only: jansson
 * escapes C0 and, with ENSURE_ASCII, all beyond ASCII; DEL, which it leaves,
 * is escaped here. flags: more of jansson's (JSON_PRESERVE_ORDER, ...).
 * -1 if f failed or memory ran out. */
struct json_t;
int cli_json_put(FILE *f, const struct json_t *obj, size_t flags);

#endif
