/* out.c — printing what the web host wrote, harmlessly (cli_out.h). */
#define _XOPEN_SOURCE 700   /* strptime */
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli_out.h"
#include "utf8.h"
#include "form.h"
#include "inbox.h"
#include "key.h"

/* The code point at p, NUL-terminated, and its length (utf8.h). */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
	return utf8_decode(p, strnlen((const char *)p, 4), cp);
}

int cli_put_clean(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;
	int cols = 0;

	while (*p != '\0') {
		if ((n = utf8_next(p, &cp)) == 0) {
			cols += fprintf(f, "\\x{%02X}", *p);
			n = 1;
		} else if (cp == '\n') {
			fputs("\n  ", f);
			cols = 2;
		} else if (utf8_is_control(cp))
			cols += fprintf(f, "\\u{%04lX}", (unsigned long)cp);
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
	uint32_t cp;
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
			cols += fprintf(f, "\\u%04lx", (unsigned long)cp);
		else   /* a surrogate pair */
			cols += fprintf(f, "\\u%04lx\\u%04lx",
			    (unsigned long)(0xd800 + ((cp - 0x10000) >> 10)),
			    (unsigned long)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
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
