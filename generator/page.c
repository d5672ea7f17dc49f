/* page.c — Markdown body to HTML with cmark (see gen_page.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "gen_page.h"

void
page_free(struct page *p)
{
	if (p == NULL)
		return;
	free(p->src);
	free(p->url);
	free(p->out);
	free(p->title);
	memset(p, 0, sizeof *p);
}

/* --- the pool ------------------------------------------------------------
 * Blocks are chained; each allocation has a 16-byte header holding its
 * size, so realloc can copy and the newest allocation can grow in place
 * (cmark's string buffers grow that way). free() only takes back the
 * newest allocation. On reset, a pool that needed several blocks is
 * replaced by one block as large as all of them, so after a few pages one
 * block serves every page. */
#define POOL_HDR   16
#define POOL_BLOCK (256 * 1024)

struct pool_block {
	struct pool_block *next;
	size_t             size, used;
	_Alignas(16) unsigned char data[];
};

/* Written on every allocation, so each thread's pool has a cache line of
 * its own: two pools side by side in one line made every allocation a
 * transfer between CPUs and two threads slower than one. */
struct page_pool {
	_Alignas(64) struct pool_block *head;  /* the block being filled;
	                                        * older ones follow */
	unsigned char     *last;    /* newest allocation (after its header) */
};

/* cmark's allocator has no context argument, so the pool in use is
 * per thread. */
static _Thread_local struct page_pool *cur_pool;

static void *
oom(void)
{
	fprintf(stderr, "kaa-gen: out of memory\n");
	abort();
}

static struct pool_block *
block_new(size_t size, struct pool_block *next)
{
	struct pool_block *b = malloc(sizeof *b + size);

	if (b == NULL)
		return oom();
	b->next = next;
	b->size = size;
	b->used = 0;
	return b;
}

struct page_pool *
page_pool_new(void)
{
	struct page_pool *p = aligned_alloc(_Alignof(struct page_pool),
	    sizeof *p);

	if (p == NULL)
		return NULL;
	p->last = NULL;
	if ((p->head = malloc(sizeof *p->head + POOL_BLOCK)) == NULL) {
		free(p);
		return NULL;
	}
	p->head->next = NULL;
	p->head->size = POOL_BLOCK;
	p->head->used = 0;
	return p;
}

void
page_pool_free(struct page_pool *p)
{
	struct pool_block *b, *next;

	if (p == NULL)
		return;
	for (b = p->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(p);
}

static void
pool_reset(struct page_pool *p)
{
	struct pool_block *b, *next;
	size_t total = 0;

	if (p->head->next != NULL) {
		for (b = p->head; b != NULL; b = next) {
			next = b->next;
			total += b->size;
			free(b);
		}
		p->head = block_new(total, NULL);
	}
	p->head->used = 0;
	p->last = NULL;
}

/* Sizes beyond half the address space are refused, so no sum of a size
 * and a header or an offset can wrap around. */
static size_t
round16(size_t n)
{
	if (n > SIZE_MAX / 2)
		oom();
	return (n + 15) & ~(size_t)15;
}

/* Carves need bytes (header included) from block b. */
static void *
carve(struct page_pool *p, struct pool_block *b, size_t need)
{
	unsigned char *q = b->data + b->used + POOL_HDR;
	size_t n = need - POOL_HDR;

	memcpy(q - POOL_HDR, &n, sizeof n);
	b->used += need;
	p->last = q;
	return q;
}

/* Out of line, so the common path stays a few instructions: cmark makes
 * hundreds of allocations per page. */
static __attribute__((noinline)) void *
pool_alloc_block(struct page_pool *p, size_t need)
{
	p->head = block_new(need > POOL_BLOCK ? need : POOL_BLOCK, p->head);
	return carve(p, p->head, need);
}

static void *
pool_alloc(size_t n)
{
	struct page_pool *p = cur_pool;
	struct pool_block *b = p->head;
	size_t need = round16(n) + POOL_HDR;

	if (b->size - b->used < need)
		return pool_alloc_block(p, need);
	return carve(p, b, need);
}

static void *
pool_calloc(size_t nmemb, size_t size)
{
	void *q;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return oom();
	q = pool_alloc(nmemb * size);
	memset(q, 0, nmemb * size);
	return q;
}

static void *
pool_realloc(void *old, size_t n)
{
	struct page_pool *p = cur_pool;
	struct pool_block *b = p->head;
	size_t have;
	void *q;

	if (old == NULL)
		return pool_alloc(n);
	memcpy(&have, (unsigned char *)old - POOL_HDR, sizeof have);
	n = round16(n);
	if (old == p->last && (size_t)((unsigned char *)old - b->data) + n <=
	    b->size) {
		/* the newest allocation: grow or shrink in place */
		b->used = (size_t)((unsigned char *)old - b->data) + n;
		memcpy((unsigned char *)old - POOL_HDR, &n, sizeof n);
		return old;
	}
	if (n <= have)
		return old;
	q = pool_alloc(n);
	memcpy(q, old, have);
	return q;
}

static void
pool_free(void *q)
{
	struct page_pool *p = cur_pool;

	if (q != NULL && q == p->last) {
		p->head->used = (size_t)((unsigned char *)q - p->head->data) -
		    POOL_HDR;
		p->last = NULL;
	}
}

static cmark_mem pool_mem = { pool_calloc, pool_realloc, pool_free };

/* --- rendering ---------------------------------------------------------- */

/* Walks the tree for links and images. cmark gives inline nodes their own
 * start line, so a link in the middle of a paragraph is reported on the
 * line where it is. */
static void
walk_links(cmark_node *doc, page_link_fn *link, void *arg)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *n;
	int type;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		n = cmark_iter_get_node(it);
		type = cmark_node_get_type(n);
		if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE)
			link(arg, cmark_node_get_url(n),
			    cmark_node_get_start_line(n),
			    type == CMARK_NODE_IMAGE);
	}
	cmark_iter_free(it);
}

/* Only reports links without placeholders: used to check the links of a
 * body whose placeholders failed, so one error does not hide others. */
struct raw_links {
	page_link_fn *link;
	void         *arg;
};

static void
raw_link(void *arg, const char *url, int line, int is_image)
{
	struct raw_links *r = arg;

	if (strstr(url, "{{") == NULL)
		r->link(r->arg, url, line, is_image);
}

/* Parses doc with the pool if there is one. */
static cmark_node *
parse(const char *text, size_t len, struct page_pool *pool)
{
	cmark_parser *parser;
	cmark_node *doc;

	if (pool == NULL)
		return cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
	cur_pool = pool;
	pool_reset(pool);
	parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &pool_mem);
	cmark_parser_feed(parser, text, len);
	doc = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	return doc;
}

static const char *next_braces(const char *p, const char *e);

/* Parses Markdown (placeholders already filled), reports its links and
 * appends its HTML to html. */
static int
render_parsed(const char *text, size_t len, struct page_pool *pool, buf *html,
    page_link_fn *link, void *arg)
{
	cmark_node *doc;
	char *out;
	int rc;

	if ((doc = parse(text, len, pool)) == NULL)
		return PAGE_ENOMEM;
	if (link != NULL)
		walk_links(doc, link, arg);
	out = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	rc = out == NULL || buf_puts(html, out) < 0 ? PAGE_ENOMEM : PAGE_OK;
	/* With a pool, the next reset frees the tree and out at once: no
	 * walk over every node to free it. */
	if (pool == NULL) {
		free(out);
		cmark_node_free(doc);
	}
	return rc;
}

int
page_markdown(const char *body, size_t len, const struct tmpl_scope *scope,
    struct page_pool *pool, buf *tmp, buf *html, page_link_fn *link,
    void *arg, struct tmpl_errinfo *ei)
{
	struct raw_links raw = { link, arg };
	cmark_node *doc;
	int rc;

	buf_reset(tmp);
	/* Most pages have no placeholder: parse them where they lie. */
	if (next_braces(body, body + len) == NULL)
		return render_parsed(body, len, pool, html, link, arg);
	rc = tmpl_render(tmp, body, len, scope, ei);
	if (rc == TMPL_EUNKNOWN || rc == TMPL_ESYNTAX) {
		if (link != NULL && (doc = parse(body, len, pool)) != NULL) {
			walk_links(doc, raw_link, &raw);
			if (pool == NULL)
				cmark_node_free(doc);
		}
		return rc == TMPL_EUNKNOWN ? PAGE_EUNKNOWN : PAGE_ESYNTAX;
	}
	if (rc != TMPL_OK)
		return PAGE_ENOMEM;
	return render_parsed(tmp->data ? tmp->data : "", tmp->len, pool, html,
	    link, arg);
}

static int
is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static const char *
next_braces(const char *p, const char *e)
{
	while ((p = memchr(p, '{', (size_t)(e - p))) != NULL && e - p >= 2) {
		if (p[1] == '{')
			return p;
		p++;
	}
	return NULL;
}

/* The "{{" in [p, e) (one line) that tmpl_render failed on: for an unknown
 * name, the placeholder with that name; for a syntax error, the one whose
 * text after the braces is what the error quotes. NULL if none. */
static const char *
find_failing(const char *p, const char *e, int err, const char *name)
{
	size_t n = strlen(name);
	const char *q, *t;

	for (; (q = next_braces(p, e)) != NULL; p = q + 2) {
		t = q + 2;
		if (t < e && *t == '{')
			t++;
		if (err == TMPL_ESYNTAX) {
			if ((size_t)(e - t) >= n && memcmp(t, name, n) == 0)
				return q;
			continue;
		}
		while (t < e && (*t == ' ' || *t == '\t'))
			t++;
		if ((size_t)(e - t) >= n && memcmp(t, name, n) == 0 &&
		    (t + n == e || !is_name_char(t[n])))
			return q;
	}
	return NULL;
}

int
page_placeholder_errors(const char *text, size_t len,
    const struct tmpl_scope *scope, buf *scratch, page_tmpl_fn *fn,
    void *arg)
{
	const char *p = text, *e = text + len, *q, *end, *at;
	struct tmpl_errinfo ei;
	int base = 0, found = 0, l, rc;

	while (p < e) {
		buf_reset(scratch);
		rc = tmpl_render(scratch, p, (size_t)(e - p), scope, &ei);
		if (rc != TMPL_EUNKNOWN && rc != TMPL_ESYNTAX)
			break;
		fn(arg, rc, base + ei.line, ei.name);
		found++;
		/* resume just after the failing "{{" */
		for (q = p, l = 1; l < ei.line && q != NULL; l++)
			if ((q = memchr(q, '\n', (size_t)(e - q))) != NULL)
				q++;
		if (q == NULL)
			break;
		end = memchr(q, '\n', (size_t)(e - q));
		if ((at = find_failing(q, end ? end : e, rc, ei.name)) == NULL)
			break;
		base += ei.line - 1;
		p = at + 2;
	}
	return found;
}
