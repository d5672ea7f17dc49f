/* gen_page.h — one content page: what kaa-gen keeps of it between its two
 * passes, and the Markdown-to-HTML step. */
#ifndef KAA_GEN_PAGE_H
#define KAA_GEN_PAGE_H

#include <stddef.h>
#include "buf.h"
#include "tmpl.h"

/* Per-page metadata: only this is kept for all pages, never their HTML.
 * url and out come from the file name. title, order and lang come from the
 * front matter: for pages the navigation shows (nav = 1) it is read in pass
 * 1, before any page is rendered; for the others (nav = 0) in pass 2, when
 * the page itself is rendered, so their files are read only once. */
struct page {
	char *src;        /* path relative to the content directory, owned */
	char *url;        /* "/a/b/", owned; NULL if the file name is bad */
	char *out;        /* output path relative to the output dir, owned */
	char *title;      /* owned; NULL until read, or if it was bad */
	long  order;
	int   has_order;
	int   lang;       /* enum fm_lang */
	int   nav;        /* shown in menus, breadcrumbs or subnavs */
	int   bad;        /* name or front matter failed: not rendered */
	int   special;    /* 1 + its index among kaa-gen's special pages
	                   * (404, 413, ...; site.c); 0: an ordinary page */
};

/* Frees the strings of p. */
void page_free(struct page *p);

enum page_err {
	PAGE_OK = 0,
	PAGE_EUNKNOWN,  /* a placeholder names no variable: see *ei */
	PAGE_ESYNTAX,   /* a malformed "{{": see *ei */
	PAGE_ENOMEM
};

/* A memory pool for cmark, one per thread: allocation is a pointer bump,
 * and all of a page's memory is released at once when the next page
 * starts, instead of thousands of malloc/free calls per page. Like cmark's
 * own allocator it aborts if the system runs out of memory. */
struct page_pool;

/* NULL if out of memory. Free with page_pool_free (NULL-safe). */
struct page_pool *page_pool_new(void);
void page_pool_free(struct page_pool *pool);

/* Called for each link and image in a body: url as written, line within
 * the body (1-based). */
typedef void page_link_fn(void *arg, const char *url, int line,
    int is_image);

/* Renders a Markdown body (len bytes): first its {{placeholders}} from
 * scope (into tmp, reset first), then CommonMark with raw HTML dropped
 * (cmark's safe default), appending the HTML to html. cmark allocates
 * from pool (reset first), or with malloc if pool is NULL. Calls link (if not
 * NULL) for every link and image. Returns enum page_err; on PAGE_EUNKNOWN
 * and PAGE_ESYNTAX *ei holds the body line and the name or text, and link
 * has still been called for the links that contain no placeholder. */
int page_markdown(const char *body, size_t len,
    const struct tmpl_scope *scope, struct page_pool *pool, buf *tmp,
    buf *html, page_link_fn *link, void *arg, struct tmpl_errinfo *ei);

/* Called for each failing placeholder: err is TMPL_EUNKNOWN or
 * TMPL_ESYNTAX, line is 1-based within the text, name as in
 * tmpl_errinfo. */
typedef void page_tmpl_fn(void *arg, int err, int line, const char *name);

/* tmpl_render stops at the first error; this finds all of them, so one
 * build reports every bad placeholder of a page or layout. Calls fn for
 * each, in order, and returns how many there were. scratch is reused. */
int page_placeholder_errors(const char *text, size_t len,
    const struct tmpl_scope *scope, buf *scratch, page_tmpl_fn *fn,
    void *arg);

#endif
