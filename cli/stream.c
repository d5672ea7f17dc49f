/* stream.c — the sealed stream from export-sealed to pull (cli.h). */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"

#define HEADER "KAA-SEALED 1"

int cli_stream_put_header(FILE *f)
{
	return fputs(HEADER "\n", f) < 0 ? -1 : 0;
}

int cli_stream_put_end(FILE *f, long rows)
{
	return fprintf(f, "END %ld\n", rows) < 0 || fflush(f) != 0 ? -1 : 0;
}

int cli_stream_put(FILE *f, const struct inbox_entry *e)
{
	size_t n = sodium_base64_ENCODED_LEN(e->sealed_len,
	    sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(n);
	json_t *row = NULL;
	int rc = -1;

	if (b64 != NULL) {
		sodium_bin2base64(b64, n, e->sealed, e->sealed_len,
		    sodium_base64_VARIANT_ORIGINAL);
		/* json_pack fails on a string that is not UTF-8: such a row
		 * is not ours to send. */
		row = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s}", "ref", e->ref,
		    "kind", e->kind, "received", e->received, "key_id", e->key_id,
		    "format", e->format, "sealed", b64);
	}
	if (row != NULL && json_dumpf(row, f, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_PRESERVE_ORDER) == 0 && putc('\n', f) != EOF)
		rc = 0;
	json_decref(row);
	free(b64);
	return rc;
}

void cli_stream_init(struct cli_stream *s, FILE *in)
{
	memset(s, 0, sizeof(*s));
	s->in = in;
}

void cli_stream_free(struct cli_stream *s)
{
	free(s->line);
	s->line = NULL;
}

/* Reads one line (without its newline) into s->line, at most
 * CLI_STREAM_LINE_MAX bytes. 1 for a line, 0 at the end of the input
 * (also for a last line without newline: the stream was cut), -1 for a
 * line too long (the rest of it is skipped). */
static int read_line(struct cli_stream *s)
{
	size_t n = 0;
	int c, too_long = 0;

	if (s->line == NULL && (s->line = malloc(CLI_STREAM_LINE_MAX + 1)) == NULL)
		return -2;
	while ((c = getc(s->in)) != EOF && c != '\n') {
		if (n < CLI_STREAM_LINE_MAX)
			s->line[n++] = (char)c;
		else
			too_long = 1;
	}
	s->line[n] = '\0';
	s->len = n;
	if (c == EOF)
		return 0;
	s->lineno++;
	return too_long ? -1 : 1;
}

/* The row's sealed data from its base64 into e (malloc'd). */
static const char *decode_sealed(const char *b64, struct inbox_entry *e)
{
	size_t len = strlen(b64), max = len / 4 * 3 + 3, n;
	const char *end;

	if (len == 0 || max > INBOX_ROW_MAX + 3)
		return _("the sealed data is empty or too large");
	if ((e->sealed = malloc(max)) == NULL)
		return _("out of memory");
	if (sodium_base642bin(e->sealed, max, b64, len, NULL, &n, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || end != b64 + len ||
	    n == 0 || n > INBOX_ROW_MAX)
		return _("the sealed data is not base64 of a sealed record");
	e->sealed_len = n;
	return NULL;
}

/* Copies string member name of row into dst (size bytes) if valid says it
 * has the form kaa-fcgi writes; else returns why not (why: an N_() text). */
static const char *take(json_t *row, const char *name, int (*valid)(const char *),
    char *dst, size_t size, const char *why)
{
	const char *v = json_string_value(json_object_get(row, name));

	if (v == NULL || strlen(v) >= size || !valid(v))
		return _(why);
	memcpy(dst, v, strlen(v) + 1);
	return NULL;
}

/* One row's line into e, every field checked; NULL, or why it is bad. */
static const char *parse_row(const char *line, size_t len, struct inbox_entry *e)
{
	json_error_t err;
	json_t *row = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err), *fmt;
	const char *why;

	memset(e, 0, sizeof(*e));
	if (row == NULL || !json_is_object(row))
		why = _("not a row of the stream (JSON object)");
	else if (json_object_size(row) != 6)
		why = _("the row has other fields than a sealed record has");
	else if ((why = take(row, "ref", cli_valid_ref, e->ref, sizeof(e->ref),
	    N_("the reference is not of the form XXXX-XXXX-XXXX"))) != NULL ||
	    (why = take(row, "kind", cli_valid_kind, e->kind, sizeof(e->kind),
	    N_("the form kind is not [a-z_]+"))) != NULL ||
	    (why = take(row, "received", cli_valid_time, e->received,
	    sizeof(e->received), N_("the received time is not a real UTC time"))) != NULL ||
	    (why = take(row, "key_id", cli_valid_key_ids, e->key_id,
	    sizeof(e->key_id), N_("the key ids are not 1 to 8 ids of 16 hex digits"))) != NULL)
		;
	else if (!json_is_integer(fmt = json_object_get(row, "format")) ||
	    (json_integer_value(fmt) != INBOX_FORMAT_SEALED &&
	    json_integer_value(fmt) != INBOX_FORMAT_ENVELOPE))
		why = _("the format is neither 1 nor 2");
	else {
		e->format = (int)json_integer_value(fmt);
		why = !json_is_string(json_object_get(row, "sealed")) ?
		    _("the sealed data is missing") :
		    decode_sealed(json_string_value(json_object_get(row, "sealed")), e);
	}
	json_decref(row);
	if (why != NULL)
		inbox_entry_clear(e);
	return why;
}

/* 1 if the line read is text exactly: a NUL byte in it (which C's string
 * functions would stop at) does not end it early. */
static int line_is(const struct cli_stream *s, const char *text)
{
	return s->len == strlen(text) && memcmp(s->line, text, s->len) == 0;
}

/* The end line: "END n" with n the rows sent, then nothing. */
static int at_end(struct cli_stream *s)
{
	char tail[2];
	char *end;
	long n;

	if (strncmp(s->line, "END ", 4) != 0)
		return 0;
	n = strtol(s->line + 4, &end, 10);
	return end == s->line + s->len && end != s->line + 4 && n == s->rows &&
	    fread(tail, 1, 1, s->in) == 0;
}

int cli_stream_next(struct cli_stream *s, struct inbox_entry *e, const char **why)
{
	int r = read_line(s);

	memset(e, 0, sizeof(*e));
	*why = NULL;
	if (r == -2)
		return CLI_STREAM_ENOMEM;
	if (r == 0)
		return s->lineno == 0 ? CLI_STREAM_EHEADER : CLI_STREAM_CUT;
	if (s->lineno == 1)
		return r == 1 && line_is(s, HEADER) ?
		    cli_stream_next(s, e, why) : CLI_STREAM_EHEADER;
	if (r == 1 && strncmp(s->line, "END", 3) == 0)
		return at_end(s) ? CLI_STREAM_END : CLI_STREAM_CUT;
	s->rows++;
	if (r == -1) {
		*why = _("the row is longer than any sealed record can be");
		return CLI_STREAM_BAD;
	}
	*why = parse_row(s->line, s->len, e);
	return *why == NULL ? CLI_STREAM_ROW : CLI_STREAM_BAD;
}
