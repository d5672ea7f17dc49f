/* gen_url.h — kaa-gen's URLs: where a content file is published, and what a
 * link on a page points at.
 *
 * Pages get "pretty" directory URLs:
 *   index.md, _index.md     -> /            out: index.html
 *   a/index.md, a/_index.md -> /a/          out: a/index.html
 *   a/b.md                  -> /a/b/        out: a/b/index.html
 * (The special pages, 404.md and the error pages, are mapped by site.c.)
 * File and directory names may use only A-Z a-z 0-9 - _ . so that URLs need
 * no escaping. */
#ifndef KAA_GEN_URL_H
#define KAA_GEN_URL_H

#include <stddef.h>
#include "buf.h"

enum url_err {
	URL_OK = 0,
	URL_ENAME,      /* not a .md file, or a name with other characters */
	URL_ENOMEM
};

/* Maps rel, a path relative to the content directory ("a/b.md"), to the
 * page's URL and its output path relative to the output directory. Returns
 * enum url_err; on URL_OK *url and *out are malloc'd (caller frees). */
int url_from_source(const char *rel, char **url, char **out);

enum url_kind {
	URL_EXTERNAL,   /* has a scheme ("https:", "mailto:") or starts "//" */
	URL_SAMEPAGE,   /* "", "#frag" or "?query": this page */
	URL_INTERNAL,   /* a path on this site, written to out */
	URL_EABOVE      /* a relative "../" that climbs above the root */
};

/* Resolves href, found on the page whose URL is base, to an absolute path on
 * this site: relative links against base's directory (base "/a/b/" is the
 * directory /a/b/), "." and ".." removed, "#fragment" and "?query" dropped.
 * Empty segments ("//") are kept so that they fail the link check. Returns
 * enum url_kind; for URL_INTERNAL out (reset first) holds the path. */
int url_resolve(const char *base, const char *href, buf *out);

/* Length of the parent of url: "/a/b/" and "/a/b.html" -> 3 ("/a/"),
 * "/a/" -> 1 ("/"), "/" -> 0 (none). */
size_t url_parent_len(const char *url);

/* The same for the first n bytes of url. */
size_t url_parent_len_n(const char *url, size_t n);

const char *url_strerror(int err);

#endif
