/* url.c — content path to URL, and link resolution (see gen_url.h). */
#include <stdlib.h>
#include <string.h>

#include "gen_url.h"

static int
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' ||
		    s[i] == '.'))
			return 0;
	return 1;
}

int
url_from_source(const char *rel, char **url, char **out)
{
	const char *p, *slash, *base;
	size_t n = strlen(rel), dirlen, stem;
	buf u = BUF_INIT, o = BUF_INIT;

	*url = *out = NULL;
	if (n < 4 || strcmp(rel + n - 3, ".md") != 0)
		return URL_ENAME;
	for (p = rel; (slash = strchr(p, '/')) != NULL; p = slash + 1)
		if (!name_ok(p, (size_t)(slash - p)))
			return URL_ENAME;
	base = p;
	stem = (size_t)(rel + n - 3 - base);
	if (!name_ok(base, stem))
		return URL_ENAME;
	dirlen = (size_t)(base - rel);          /* "a/" or "" */
	if (dirlen == 0 && stem == 3 && memcmp(base, "404", 3) == 0) {
		buf_puts(&u, "/404.html");
		buf_puts(&o, "404.html");
	} else {
		buf_putc(&u, '/');
		buf_put(&u, rel, dirlen);
		buf_put(&o, rel, dirlen);
		if (!((stem == 5 && memcmp(base, "index", 5) == 0) ||
		    (stem == 6 && memcmp(base, "_index", 6) == 0))) {
			buf_put(&u, base, stem);
			buf_putc(&u, '/');
			buf_put(&o, base, stem);
			buf_putc(&o, '/');
		}
		buf_puts(&o, "index.html");
	}
	if (u.oom || o.oom) {
		buf_free(&u);
		buf_free(&o);
		return URL_ENOMEM;
	}
	*url = buf_detach(&u);
	*out = buf_detach(&o);
	return URL_OK;
}

static int
has_scheme(const char *s)
{
	const char *p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

/* Appends path (n bytes, no leading '/') to out, which ends in '/',
 * applying "." and "..". Returns -1 if ".." climbs above the root. */
static int
append_segments(buf *out, const char *path, size_t n)
{
	const char *p = path, *e = path + n, *s;
	size_t len;
	int slash;

	while (p < e) {
		s = memchr(p, '/', (size_t)(e - p));
		len = s == NULL ? (size_t)(e - p) : (size_t)(s - p);
		slash = s != NULL;
		if (len == 1 && p[0] == '.') {
			/* stays in the directory */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (out->len <= 1)
				return -1;
			out->len--;                 /* the trailing '/' */
			while (out->len > 0 && out->data[out->len - 1] != '/')
				out->len--;
			out->data[out->len] = '\0';
		} else {
			buf_put(out, p, len);
			if (slash)
				buf_putc(out, '/');
		}
		p = slash ? s + 1 : e;
	}
	return 0;
}

int
url_resolve(const char *base, const char *href, buf *out)
{
	size_t n = strcspn(href, "#?");
	const char *slash;

	buf_reset(out);
	if (n == 0)
		return URL_SAMEPAGE;
	if (has_scheme(href) || (href[0] == '/' && href[1] == '/'))
		return URL_EXTERNAL;
	buf_putc(out, '/');
	if (href[0] == '/') {
		href++;
		n--;
	} else if ((slash = strrchr(base, '/')) != NULL && slash > base)
		buf_put(out, base + 1, (size_t)(slash - base));
	if (append_segments(out, href, n) < 0) {
		buf_reset(out);
		return URL_EABOVE;
	}
	return URL_INTERNAL;
}

size_t
url_parent_len_n(const char *url, size_t n)
{
	if (n <= 1)
		return 0;
	if (url[n - 1] == '/')
		n--;
	while (n > 0 && url[n - 1] != '/')
		n--;
	return n;
}

size_t
url_parent_len(const char *url)
{
	return url_parent_len_n(url, strlen(url));
}

const char *
url_strerror(int err)
{
	switch (err) {
	case URL_OK:     return "no error";
	case URL_ENAME:  return "file and directory names may use only "
	    "a-z, A-Z, 0-9, '-', '_' and '.'";
	case URL_ENOMEM: return "out of memory";
	default:         return "unknown URL error";
	}
}
