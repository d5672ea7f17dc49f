/* tmpl.c — one-pass template renderer (see tmpl.h).
 *
 * The template is scanned once; plain text between placeholders is copied in
 * runs, and nothing is allocated besides the growth of the output buffer. */
#include <string.h>

#include "tmpl.h"

static int
is_name_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The first variable called name in the innermost scope that has one. A
 * variable whose value is NULL is found but yields NULL, so the render
 * reports it as unknown rather than printing nothing. */
const char *
tmpl_lookup(const struct tmpl_scope *scope, const char *name, size_t namelen)
{
	const struct tmpl_scope *s;
	size_t i;

	for (s = scope; s != NULL; s = s->outer)
		for (i = 0; i < s->n; i++) {
			const char *vn = s->vars[i].name;

			if (vn != NULL && strncmp(vn, name, namelen) == 0 &&
			    vn[namelen] == '\0')
				return s->vars[i].value;
		}
	return NULL;
}

static size_t
count_lines(const char *p, size_t n)
{
	size_t lines = 0;
	const char *e = p + n, *q;

	while ((q = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		lines++;
		p = q + 1;
	}
	return lines;
}

/* Records where an error happened: the line of at in the template that
 * starts at tpl (counted only now, as errors are rare); name is copied up
 * to a newline and truncated to fit. */
static int
fail(struct tmpl_errinfo *ei, int err, const char *tpl, const char *at,
    const char *name, size_t n)
{
	size_t i, line;

	if (ei == NULL)
		return err;
	line = 1 + count_lines(tpl, (size_t)(at - tpl));
	ei->line = line > 0x7fffffff ? 0x7fffffff : (int)line;
	if (n >= sizeof ei->name)
		n = sizeof ei->name - 1;
	for (i = 0; i < n && name[i] != '\n'; i++)
		ei->name[i] = name[i];
	ei->name[i] = '\0';
	return err;
}

/* Parses the placeholder starting at p ("{{" already seen at p[0..1]) and
 * renders it. On success *end points just past it. */
static int
placeholder(buf *out, const char *tpl, const char *p, const char *e,
    const struct tmpl_scope *scope, struct tmpl_errinfo *ei, const char **end)
{
	const char *q, *name, *v;
	size_t namelen, nbrace, i;
	int raw;

	raw = e - p >= 3 && p[2] == '{';
	nbrace = raw ? 3 : 2;
	q = p + nbrace;
	while (q < e && is_space(*q))
		q++;
	name = q;
	while (q < e && is_name_char((unsigned char)*q))
		q++;
	namelen = (size_t)(q - name);
	while (q < e && is_space(*q))
		q++;
	if (namelen == 0 || (size_t)(e - q) < nbrace)
		return fail(ei, TMPL_ESYNTAX, tpl, p, p + nbrace,
		    (size_t)(e - p) - nbrace);
	for (i = 0; i < nbrace; i++)
		if (q[i] != '}')
			return fail(ei, TMPL_ESYNTAX, tpl, p, p + nbrace,
			    (size_t)(e - p) - nbrace);
	if ((v = tmpl_lookup(scope, name, namelen)) == NULL)
		return fail(ei, TMPL_EUNKNOWN, tpl, p, name, namelen);
	if ((raw ? buf_puts(out, v) : buf_puts_html(out, v)) < 0)
		return fail(ei, TMPL_ENOMEM, tpl, p, name, namelen);
	*end = q + nbrace;
	return TMPL_OK;
}

int
tmpl_render(buf *out, const char *tpl, size_t len,
    const struct tmpl_scope *scope, struct tmpl_errinfo *ei)
{
	const char *p = tpl, *e = tpl + len, *q;
	int rc;

	while (p < e) {
		/* Find the next "{{"; single braces are plain text. */
		q = p;
		while ((q = memchr(q, '{', (size_t)(e - q))) != NULL &&
		    (e - q < 2 || q[1] != '{'))
			q++;
		if (q == NULL)
			q = e;
		if (buf_put(out, p, (size_t)(q - p)) < 0)
			return fail(ei, TMPL_ENOMEM, tpl, q, "", 0);
		if (q == e)
			break;
		rc = placeholder(out, tpl, q, e, scope, ei, &p);
		if (rc != TMPL_OK)
			return rc;
	}
	if (out->oom)
		return fail(ei, TMPL_ENOMEM, tpl, e, "", 0);
	if (ei != NULL) {
		ei->line = 0;
		ei->name[0] = '\0';
	}
	return TMPL_OK;
}

const char *
tmpl_strerror(int err)
{
	switch (err) {
	case TMPL_OK:       return "success";
	case TMPL_EUNKNOWN: return "unknown placeholder name";
	case TMPL_ESYNTAX:  return "malformed or unterminated placeholder";
	case TMPL_ENOMEM:   return "out of memory";
	default:            return "unknown template error";
	}
}
