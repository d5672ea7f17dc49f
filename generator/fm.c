/* fm.c — front matter parser (see gen_fm.h).
 *
 * Keys are described by a table; the same table says which are required,
 * which keys share a slot (weight is order) and how each value is read. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gen_fm.h"

enum slot { S_TITLE, S_DESC, S_ORDER, S_AUDIENCE, S_LANG, S_KIND, S_SUBJECT,
    S_RECIPIENT, S__MAX };
enum kind { K_STR, K_INT, K_ENUM };

static const char *const lang_names[FM_LANG__MAX] = { "sv", "en" };
static const char *const audience_names[FM_AUD__MAX] = {
	"", "unga", "vardnadshavare", "skolor", "alla"
};
static const char *const recipient_names[FM_RCPT__MAX] = {
	"youth", "guardian"
};

/* off: where a K_STR value goes, or the K_ENUM index (+ base). */
static const struct key_spec {
	const char        *name;
	enum slot          slot;
	enum kind          kind;
	const char *const *names;   /* K_ENUM: allowed values */
	int                nnames;
	int                required;
	size_t             off;
	int                base;     /* K_ENUM: index + base is stored */
} page_keys[] = {
	{ "title",       S_TITLE,    K_STR,  NULL, 0, 1,
	  offsetof(struct fm, title), 0 },
	{ "description", S_DESC,     K_STR,  NULL, 0, 1,
	  offsetof(struct fm, description), 0 },
	{ "order",       S_ORDER,    K_INT,  NULL, 0, 0,
	  offsetof(struct fm, order), 0 },
	{ "weight",      S_ORDER,    K_INT,  NULL, 0, 0,
	  offsetof(struct fm, order), 0 },
	{ "audience",    S_AUDIENCE, K_ENUM, audience_names + 1,
	  FM_AUD__MAX - 1, 0, offsetof(struct fm, audience), 1 },
	{ "lang",        S_LANG,     K_ENUM, lang_names, FM_LANG__MAX, 0,
	  offsetof(struct fm, lang), 0 },
}, letter_keys[] = {
	{ "kind",        S_KIND,     K_STR,  NULL, 0, 1,
	  offsetof(struct fm, kind), 0 },
	{ "subject",     S_SUBJECT,  K_STR,  NULL, 0, 1,
	  offsetof(struct fm, subject), 0 },
	{ "recipient",   S_RECIPIENT, K_ENUM, recipient_names, FM_RCPT__MAX, 1,
	  offsetof(struct fm, recipient), 0 },
};

static const struct schema {
	const struct key_spec *keys;
	size_t                 n;
} schemas[] = {
	[FM_PAGE]   = { page_keys, sizeof page_keys / sizeof page_keys[0] },
	[FM_LETTER] = { letter_keys,
	                sizeof letter_keys / sizeof letter_keys[0] },
};

static int
fail(struct fm_errinfo *ei, int err, int line, const char *key, size_t n)
{
	if (ei != NULL) {
		ei->line = line;
		if (n >= sizeof ei->key)
			n = sizeof ei->key - 1;
		memcpy(ei->key, key, n);
		ei->key[n] = '\0';
	}
	return err;
}

/* One line [p, *next): returns its end without "\r\n" / "\n". */
static const char *
line_end(const char *p, const char *e, const char **next)
{
	const char *q = memchr(p, '\n', (size_t)(e - p));

	if (q == NULL) {
		*next = e;
		q = e;
	} else
		*next = q + 1;
	if (q > p && q[-1] == '\r')
		q--;
	return q;
}

static int
is_fence(const char *p, const char *q)
{
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	return q - p == 3 && memcmp(p, "---", 3) == 0;
}

/* Reads a double- or single-quoted scalar starting at *p (the quote) into
 * out. Only spaces or a comment may follow it. */
static int
quoted(const char *p, const char *e, buf *out)
{
	char q = *p++;
	const char *run;

	for (;;) {
		/* plain characters go over in one piece */
		for (run = p; p < e && *p != q && !(q == '"' && *p == '\\'); p++)
			;
		buf_put(out, run, (size_t)(p - run));
		if (p == e)
			return FM_EQUOTE;
		if (*p == q) {
			if (q == '\'' && p + 1 < e && p[1] == '\'') {
				buf_putc(out, '\'');
				p += 2;
				continue;
			}
			p++;
			break;
		}
		if (q == '"' && *p == '\\') {
			if (++p == e)
				return FM_EQUOTE;
			switch (*p) {
			case '"': case '\\': case '/': buf_putc(out, *p); break;
			case 'n': buf_putc(out, '\n'); break;
			case 't': buf_putc(out, '\t'); break;
			default: return FM_EQUOTE;
			}
			p++;
			continue;
		}
	}
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if (p < e && *p != '#')
		return FM_EQUOTE;
	return out->oom ? FM_ENOMEM : FM_OK;
}

/* An unquoted scalar: up to a " #" comment, trailing blanks removed. */
static int
plain(const char *p, const char *e, buf *out)
{
	const char *q;

	for (q = p; q < e; q++)
		if (*q == '#' && q > p && (q[-1] == ' ' || q[-1] == '\t'))
			break;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	return buf_put(out, p, (size_t)(q - p)) < 0 ? FM_ENOMEM : FM_OK;
}

static int
parse_int(const char *s, long *v)
{
	char *end;

	if (*s == '\0' || !(*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')))
		return FM_EINT;
	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v < INT_MIN || *v > INT_MAX)
		return FM_EINT;
	return FM_OK;
}

/* Stores the value (already unquoted in val) for key k into f. */
static int
store(const struct key_spec *k, buf *val, int was_quoted, struct fm *f)
{
	char *slot = (char *)f + k->off;
	int i;

	switch (k->kind) {
	case K_STR:
		if (val->len == 0)
			return FM_EVALUE;
		if (memchr(val->data, '\0', val->len) != NULL)
			return FM_EVALUE;
		if ((*(char **)slot = buf_detach(val)) == NULL)
			return FM_ENOMEM;
		return FM_OK;
	case K_INT:
		if (was_quoted || val->len == 0)
			return FM_EINT;
		f->has_order = 1;
		return parse_int(val->data, (long *)slot);
	case K_ENUM:
		for (i = 0; i < k->nnames; i++)
			if (val->len > 0 && strcmp(val->data, k->names[i]) == 0)
				break;
		if (i == k->nnames)
			return FM_EVALUE;
		*(int *)slot = i + k->base;
		if (k->slot == S_LANG)
			f->has_lang = 1;
		return FM_OK;
	}
	return FM_EVALUE;
}

/* Parses one `key: value` line [p, q). */
static int
key_line(const struct schema *sc, const char *p, const char *q, int line,
    struct fm *f, int seen[S__MAX], buf *val, struct fm_errinfo *ei)
{
	const char *k = p, *v;
	const struct key_spec *spec = NULL;
	size_t klen, i;
	int rc;

	while (p < q && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '_'))
		p++;
	klen = (size_t)(p - k);
	if (klen == 0 || p == q || *p != ':' ||
	    (p + 1 < q && p[1] != ' ' && p[1] != '\t'))
		return fail(ei, FM_ESYNTAX, line, k, klen);
	for (i = 0; i < sc->n; i++)
		if (strlen(sc->keys[i].name) == klen &&
		    memcmp(sc->keys[i].name, k, klen) == 0)
			spec = &sc->keys[i];
	if (spec == NULL)
		return fail(ei, FM_EUNKNOWN, line, k, klen);
	if (seen[spec->slot])
		return fail(ei, FM_EDUP, line, k, klen);
	seen[spec->slot] = 1;
	for (v = p + 1; v < q && (*v == ' ' || *v == '\t'); v++)
		;
	buf_reset(val);
	if (v < q && (*v == '"' || *v == '\''))
		rc = quoted(v, q, val);
	else
		rc = plain(v, q, val);
	if (rc == FM_OK) {
		if (buf_putc(val, '\0') < 0)   /* room for the terminator */
			rc = FM_ENOMEM;
		else
			val->len--;
	}
	if (rc == FM_OK)
		rc = store(spec, val, v < q && (*v == '"' || *v == '\''), f);
	return rc == FM_OK ? FM_OK : fail(ei, rc, line, k, klen);
}

int
fm_parse(const char *src, size_t len, struct fm *out, struct fm_errinfo *ei)
{
	return fm_parse_as(FM_PAGE, src, len, out, ei);
}

int
fm_parse_as(enum fm_schema schema, const char *src, size_t len,
    struct fm *out, struct fm_errinfo *ei)
{
	const struct schema *sc = &schemas[schema];
	const char *p = src, *e = src + len, *q, *k, *next;
	int seen[S__MAX] = { 0 };
	int line = 1, rc = FM_OK;
	buf val = BUF_INIT;
	size_t i;

	memset(out, 0, sizeof *out);
	if (ei != NULL)
		memset(ei, 0, sizeof *ei);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	q = line_end(p, e, &next);
	if (!is_fence(p, q))
		return fail(ei, FM_ENOSTART, 1, "", 0);
	for (p = next; ; p = next) {
		line++;
		if (p == e) {
			rc = fail(ei, FM_EUNTERMINATED, 1, "", 0);
			break;
		}
		q = line_end(p, e, &next);
		if (is_fence(p, q))
			break;
		k = p;
		while (k < q && (*k == ' ' || *k == '\t'))
			k++;
		if (k == q || *k == '#')
			continue;
		if (k != p) {   /* nested YAML is not supported */
			rc = fail(ei, FM_ESYNTAX, line, "", 0);
			break;
		}
		rc = key_line(sc, p, q, line, out, seen, &val, ei);
		if (rc != FM_OK)
			break;
	}
	buf_free(&val);
	for (i = 0; rc == FM_OK && i < sc->n; i++)
		if (sc->keys[i].required && !seen[sc->keys[i].slot])
			rc = fail(ei, FM_EMISSING, 1, sc->keys[i].name,
			    strlen(sc->keys[i].name));
	if (rc != FM_OK) {
		fm_free(out);
		return rc;
	}
	out->body_off = (size_t)(next - src);
	out->body_line = line + 1;
	return FM_OK;
}

void
fm_free(struct fm *f)
{
	if (f == NULL)
		return;
	free(f->title);
	free(f->description);
	free(f->kind);
	free(f->subject);
	memset(f, 0, sizeof *f);
}

const char *
fm_strerror(int err)
{
	static const char *const msg[] = {
		[FM_OK] = "no error",
		[FM_ENOSTART] = "no front matter: the first line must be \"---\"",
		[FM_EUNTERMINATED] = "front matter is not closed by a \"---\" line",
		[FM_ESYNTAX] = "front matter line is not \"key: value\"",
		[FM_EUNKNOWN] = "unknown front matter key",
		[FM_EDUP] = "front matter key given twice",
		[FM_EINT] = "not an integer",
		[FM_EVALUE] = "value empty or not allowed",
		[FM_EQUOTE] = "bad quoting",
		[FM_EMISSING] = "required front matter key missing",
		[FM_ENOMEM] = "out of memory",
	};

	if (err < 0 || (size_t)err >= sizeof msg / sizeof msg[0])
		return "unknown front matter error";
	return msg[err];
}

const char *
fm_lang_name(int lang)
{
	return lang >= 0 && lang < FM_LANG__MAX ? lang_names[lang] : "";
}

const char *
fm_audience_name(int audience)
{
	return audience >= 0 && audience < FM_AUD__MAX ?
	    audience_names[audience] : "";
}
