/* cli_out.h — printing what the web host wrote, harmlessly.
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

#endif
