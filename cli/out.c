/* out.c — printing what the web host wrote, harmlessly (cli_out.h). */
#define _XOPEN_SOURCE 700   /* strptime */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli_out.h"
#include "form.h"
#include "inbox.h"
#include "key.h"

/* The code point at p and its length in bytes; 0 if p does not start a
 * valid UTF-8 sequence (a stray continuation byte, a sequence cut short,
 * overlong, a surrogate or beyond U+10FFFF). */
static size_t utf8_next(const unsigned char *p, unsigned long *cp)
{
	static const struct {
		unsigned char mask, lead;
		size_t        n;
		unsigned long min;
	} form[] = {
		{ 0x80, 0x00, 1, 0 }, { 0xe0, 0xc0, 2, 0x80 },
		{ 0xf0, 0xe0, 3, 0x800 }, { 0xf8, 0xf0, 4, 0x10000 },
	};
	unsigned long c;
	size_t i, k;

	for (i = 0; i < sizeof(form) / sizeof(form[0]); i++)
		if ((p[0] & form[i].mask) == form[i].lead)
			break;
	if (i == sizeof(form) / sizeof(form[0]))
		return 0;
	c = p[0] & (~form[i].mask & 0xffu);
	for (k = 1; k < form[i].n; k++) {
		if ((p[k] & 0xc0) != 0x80)   /* also stops at the NUL */
			return 0;
		c = c << 6 | (p[k] & 0x3fu);
	}
	if (c < form[i].min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return form[i].n;
}

/* Characters that act on a terminal or change how text around them reads:
 * C0, DEL and C1; the Arabic letter mark; LRM and RLM; the line and
 * paragraph separators with the bidi embeddings and overrides; the bidi
 * isolates. */
static const struct { unsigned long lo, hi; } hidden[] = {
	{ 0x00, 0x1f }, { 0x7f, 0x9f }, { 0x061c, 0x061c }, { 0x200e, 0x200f },
	{ 0x2028, 0x202e }, { 0x2066, 0x2069 },
};

static int is_hidden(unsigned long cp)
{
	size_t i;

	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (cp >= hidden[i].lo && cp <= hidden[i].hi)
			return 1;
	return 0;
}

int cli_put_clean(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t n;
	int cols = 0;

	while (*p != '\0') {
		if ((n = utf8_next(p, &cp)) == 0) {
			cols += fprintf(f, "\\x{%02X}", *p);
			n = 1;
		} else if (cp == '\n') {
			fputs("\n  ", f);
			cols = 2;
		} else if (is_hidden(cp))
			cols += fprintf(f, "\\u{%04lX}", cp);
		else {
			fwrite(p, 1, n, f);
			cols++;
		}
		p += n;
	}
	return cols;
}

int cli_put_json(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t n;
	int cols = 2;

	putc('"', f);
	for (; *p != '\0'; p += n) {
		if ((n = utf8_next(p, &cp)) == 0) {
			cp = 0xfffd;   /* the replacement character */
			n = 1;
		}
		if (cp == '"' || cp == '\\') {
			fprintf(f, "\\%c", (int)cp);
			cols += 2;
		} else if (cp >= 0x20 && cp < 0x7f) {
			putc((int)cp, f);
			cols++;
		} else if (cp < 0x10000)
			cols += fprintf(f, "\\u%04lx", cp);
		else   /* a surrogate pair */
			cols += fprintf(f, "\\u%04lx\\u%04lx", 0xd800 + ((cp - 0x10000) >> 10),
			    0xdc00 + ((cp - 0x10000) & 0x3ff));
	}
	putc('"', f);
	return cols;
}

int cli_put_meta(FILE *f, const char *s, int (*valid)(const char *))
{
	if (!valid(s))
		return cli_put_json(f, s);
	fputs(s, f);
	return (int)strlen(s);
}

int cli_valid_ref(const char *s)
{
	char canon[INBOX_REF_LEN + 1];

	return inbox_ref_parse(s, canon) == 0 && strcmp(canon, s) == 0;
}

int cli_valid_kind(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_");

	return n > 0 && n < 32 && s[n] == '\0';
}

/* The shape (digits where 'd' is) and then a real calendar time: the
 * fields survive a round trip through timegm, so 2026-02-30 does not. */
int cli_valid_time(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm tm, again;
	time_t t;
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return 0;
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) != s + sizeof(shape) - 1)
		return 0;
	again = tm;
	if ((t = timegm(&again)) == (time_t)-1)
		return 0;
	return again.tm_year == tm.tm_year && again.tm_mon == tm.tm_mon &&
	    again.tm_mday == tm.tm_mday && again.tm_hour == tm.tm_hour &&
	    again.tm_min == tm.tm_min && again.tm_sec == tm.tm_sec;
}

int cli_valid_key_ids(const char *s)
{
	size_t n;
	int ids = 0;

	for (;;) {
		n = strspn(s, "0123456789abcdef");
		if (n != KEY_ID_HEX || ++ids > KEY_MAX_RECIPIENTS)
			return 0;
		s += n;
		if (*s == '\0')
			return 1;
		if (*s++ != ',')
			return 0;
	}
}

int cli_json_put(FILE *f, const json_t *obj, size_t flags)
{
	const char *c;
	char *text;
	int rc = 0;

	text = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII | flags);
	if (text == NULL)
		return -1;
	for (c = text; *c != '\0' && rc != EOF; c++)
		rc = *c == 0x7f ? fputs("\\u007f", f) : fputc(*c, f);
	form_json_free(text);
	return rc == EOF ? -1 : 0;
}
