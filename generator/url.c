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

/* a + b + c as one new string; NULL if out of memory. */
static char *
cat3(const char *a, size_t an, const char *b, size_t bn, const char *c)
{
	size_t cn = strlen(c);
	char *s = malloc(an + bn + cn + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, an);
	memcpy(s + an, b, bn);
	memcpy(s + an + bn, c, cn + 1);
	return s;
}

int
url_from_source(const char *rel, char **url, char **out)
{
	const char *p, *slash, *base;
	size_t n = strlen(rel), stem, keep;
	int is_index;

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
	is_index = (stem == 5 && memcmp(base, "index", 5) == 0) ||
	    (stem == 6 && memcmp(base, "_index", 6) == 0);
	/* "a/b.md" -> "/a/b/" and "a/b/index.html"; an index page stands
	 * for its directory: "a/index.md" -> "/a/" */
	keep = is_index ? (size_t)(base - rel) : stem + (size_t)(base - rel);
	*url = cat3("/", 1, rel, keep, is_index ? "" : "/");
	*out = cat3(rel, keep, "", 0, is_index ? "index.html" : "/index.html");
	if (*url == NULL || *out == NULL) {
		free(*url);
		free(*out);
		*url = *out = NULL;
		return URL_ENOMEM;
	}
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
