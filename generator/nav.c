/* nav.c — menu, breadcrumbs and subnav from the content tree, and the
 * words around them in each language (see gen_nav.h).
 *
 * Every list is rendered once into one shared buffer; for each entry we
 * remember where ` aria-current="page"` would go, so a page's copy is one
 * or two memcpy's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gen_fm.h"
#include "gen_nav.h"
#include "gen_url.h"

/* Words of the navigation per language: wording lives in one place. */
static const struct lang_text {
	const char *root;      /* URL of the language's start page */
	const char *home;      /* first breadcrumb */
	const char *crumbs;    /* aria-label of the breadcrumbs */
	const char *subnav;    /* aria-label of the subnav */
} texts[FM_LANG__MAX] = {
	[FM_LANG_SV] = { "/", "Startsida", "Du är här", "I det här avsnittet" },
	[FM_LANG_EN] = { "/en/", "Home page", "You are here", "In this section" },
};

/* The layout's words, {{ui.NAME}} (gen_nav.h: nav_ui): one row per word,
 * the languages side by side. Links to pages that exist only in Swedish
 * keep English words on English pages and say "(in Swedish)", and the
 * layout gives them hreflang="sv": a screen reader reads the words in the
 * page's voice and does not announce hreflang, so the words must tell. */
static const struct ui_word {
	const char *name;
	const char *text[FM_LANG__MAX];
} ui_words[] = {
	{ "ui.skip", { "Gå direkt till innehållet", "Skip to content" } },
	{ "ui.menu", { "Huvudmeny", "Main menu" } },
	{ "ui.phone", { "Telefon", "Phone" } },
	{ "ui.email", { "E-post", "Email" } },
	{ "ui.hours", { "Telefontid", "Phone hours" } },
	{ "ui.eservice", { "Svara oss i e-tjänsten",
	    "Answer us in the e-service (in Swedish)" } },
	{ "ui.about", { "Om webbplatsen", "About this website" } },
	{ "ui.contact", { "Kontakt", "Contact us (in Swedish)" } },
	{ "ui.a11y", { "Tillgänglighet på webbplatsen",
	    "Accessibility of this website (in Swedish)" } },
	{ "ui.privacy", { "Så hanterar vi personuppgifter",
	    "How we handle personal data" } },
	{ "ui.privacy_url", { "/personuppgifter/", "/en/personal-data/" } },
	/* the link to the other language, in that language */
	{ "ui.other", { "In English", "På svenska" } },
};
#define NWORDS (sizeof ui_words / sizeof ui_words[0])
/* ... and from texts[]: ui.home (this language's start page),
 * ui.other_url and ui.other_lang (the other language's). */
#define NUI (NWORDS + 3)

static const char current_attr[] = " aria-current=\"page\"";

struct item {
	int    page;
	size_t ins;       /* offset in html where current_attr goes */
};

struct list {
	size_t off, len;  /* the list's HTML in nav.html */
	size_t first, n;  /* its entries in nav.items */
};

struct nav {
	const struct page *pages;
	size_t             n;
	int               *parent;     /* nearest ancestor page or -1 */
	int               *kids;       /* children, grouped by parent, sorted;
	                                * only with subnavs (else unused) */
	size_t            *kid_start;  /* per page: its children in kids[] */
	size_t            *kid_n;
	size_t            *kid_pos;    /* per page: its place among siblings */
	int                roots[FM_LANG__MAX];
	buf                html;
	struct item       *items;
	size_t             nitems, capitems;
	struct list        menu[FM_LANG__MAX];
	struct list       *subnav;     /* per page; NULL if not wanted */
	struct tmpl_var    ui[FM_LANG__MAX][NUI];
};

/* Sort key of a letter: case folded, å ä ö after z; *len bytes used. */
static int
collate_key(const unsigned char *s, size_t *len)
{
	*len = 1;
	if (s[0] >= 'A' && s[0] <= 'Z')
		return s[0] - 'A' + 'a';
	if (s[0] == 0xc3 && s[1] != '\0') {
		*len = 2;
		switch (s[1]) {
		case 0xa5: case 0x85: return 'z' + 1;   /* å Å */
		case 0xa4: case 0x84: return 'z' + 2;   /* ä Ä */
		case 0xb6: case 0x96: return 'z' + 3;   /* ö Ö */
		default: return 0x100 + s[1];
		}
	}
	return s[0] < 0x80 ? s[0] : 0x100 + s[0];
}

int
nav_collate(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	size_t lp, lq;
	int kp, kq;

	while (*p != '\0' && *q != '\0') {
		kp = collate_key(p, &lp);
		kq = collate_key(q, &lq);
		if (kp != kq)
			return kp < kq ? -1 : 1;
		p += lp;
		q += lq;
	}
	if (*p != *q)
		return *p == '\0' ? -1 : 1;
	return strcmp(a, b);
}

int
nav_top_level(const char *url)
{
	size_t plen = url_parent_len(url), rl;
	int l;

	for (l = 0; l < FM_LANG__MAX; l++) {
		rl = strlen(texts[l].root);
		if (strcmp(url, texts[l].root) == 0 ||
		    (plen == rl && strncmp(url, texts[l].root, rl) == 0))
			return 1;
	}
	return 0;
}

static const char *
title_of(const struct page *p)
{
	return p->title != NULL ? p->title : p->url;
}

struct sortkey {
	int                idx;
	int                parent;
	const struct page *p;
};

static int
cmp_pages(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;
	int c;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->p->has_order != y->p->has_order)
		return x->p->has_order ? -1 : 1;
	if (x->p->has_order && x->p->order != y->p->order)
		return x->p->order < y->p->order ? -1 : 1;
	if ((c = nav_collate(title_of(x->p), title_of(y->p))) != 0)
		return c;
	return strcmp(x->p->url, y->p->url);
}

static int
is_root(const struct nav *nv, int i)
{
	int l;

	for (l = 0; l < FM_LANG__MAX; l++)
		if (i >= 0 && nv->roots[l] == i)
			return 1;
	return 0;
}

/* Renders a <ul> of pages idx[0..n) into nv->html. */
static int
build_list(struct nav *nv, struct list *l, const char *head,
    const int *idx, size_t n, const char *tail)
{
	const struct page *p;
	struct item *it;
	size_t k;

	memset(l, 0, sizeof *l);
	if (n == 0)
		return 0;
	if (nv->nitems + n > nv->capitems) {
		size_t cap = nv->capitems ? nv->capitems : 64;

		while (cap < nv->nitems + n)
			cap *= 2;
		if ((it = realloc(nv->items, cap * sizeof *it)) == NULL)
			return -1;
		nv->items = it;
		nv->capitems = cap;
	}
	l->off = nv->html.len;
	l->first = nv->nitems;
	l->n = n;
	buf_puts(&nv->html, head);
	for (k = 0; k < n; k++) {
		p = &nv->pages[idx[k]];
		buf_puts(&nv->html, "<li><a href=\"");
		buf_puts_html(&nv->html, p->url);
		buf_putc(&nv->html, '"');
		nv->items[nv->nitems].page = idx[k];
		nv->items[nv->nitems].ins = nv->html.len;
		nv->nitems++;
		buf_putc(&nv->html, '>');
		buf_puts_html(&nv->html, title_of(p));
		buf_puts(&nv->html, "</a></li>\n");
	}
	buf_puts(&nv->html, tail);
	l->len = nv->html.len - l->off;
	return nv->html.oom ? -1 : 0;
}

/* Parents and children of every page; the children are sorted only if
 * sorted is set (subnavs list them; breadcrumbs need only parents). */
static int
build_tree(struct nav *nv, const struct urlset *urls, int sorted)
{
	struct sortkey *keys;
	size_t i, k, m = 0, plen;
	int par;

	if ((keys = malloc((nv->n + 1) * sizeof *keys)) == NULL)
		return -1;
	for (i = 0; i < nv->n; i++) {
		const char *u = nv->pages[i].url;

		par = -1;
		if (u == NULL) {        /* a bad file name: not in the tree */
			nv->parent[i] = -1;
			continue;
		}
		for (plen = url_parent_len(u); plen > 0 && par < 0;
		    plen = url_parent_len_n(u, plen))
			par = urlset_get(urls, u, plen);
		nv->parent[i] = par;
		if (par >= 0) {
			keys[m].idx = (int)i;
			keys[m].parent = par;
			keys[m].p = &nv->pages[i];
			m++;
		}
	}
	if (sorted)
		qsort(keys, m, sizeof *keys, cmp_pages);
	for (k = 0; k < m; k++) {
		par = keys[k].parent;
		if (nv->kid_n[par] == 0)
			nv->kid_start[par] = k;
		nv->kid_pos[keys[k].idx] = nv->kid_n[par]++;
		nv->kids[k] = keys[k].idx;
	}
	free(keys);
	return 0;
}

/* Top-level pages of each language that have an order. */
static int
build_menus(struct nav *nv)
{
	struct sortkey *keys;
	int *idx;
	size_t i, m, rl;
	int l, rc = 0;

	keys = malloc((nv->n + 1) * sizeof *keys);
	idx = malloc((nv->n + 1) * sizeof *idx);
	if (keys == NULL || idx == NULL)
		rc = -1;
	for (l = 0; rc == 0 && l < FM_LANG__MAX; l++) {
		rl = strlen(texts[l].root);
		for (i = 0, m = 0; i < nv->n; i++) {
			const struct page *p = &nv->pages[i];
			size_t ul = p->url != NULL ? strlen(p->url) : 0;

			if (!p->has_order || p->lang != l || ul <= rl ||
			    p->url[ul - 1] != '/' ||
			    strncmp(p->url, texts[l].root, rl) != 0 ||
			    url_parent_len(p->url) != rl)
				continue;
			keys[m].idx = (int)i;
			keys[m].parent = 0;
			keys[m].p = p;
			m++;
		}
		qsort(keys, m, sizeof *keys, cmp_pages);
		for (i = 0; i < m; i++)
			idx[i] = keys[i].idx;
		rc = build_list(nv, &nv->menu[l], "<ul class=\"menu\">\n", idx,
		    m, "</ul>");
	}
	free(keys);
	free(idx);
	return rc;
}

static int
build_subnavs(struct nav *nv)
{
	buf head = BUF_INIT;
	size_t i;
	int rc = 0;

	if ((nv->subnav = calloc(nv->n + 1, sizeof *nv->subnav)) == NULL)
		return -1;
	for (i = 0; rc == 0 && i < nv->n; i++) {
		if (nv->kid_n[i] == 0 || is_root(nv, (int)i))
			continue;
		buf_reset(&head);
		buf_puts(&head, "<nav class=\"subnav\" aria-label=\"");
		buf_puts(&head, texts[nv->pages[i].lang].subnav);
		buf_puts(&head, "\">\n<ul>\n");
		if (head.oom)
			rc = -1;
		else
			rc = build_list(nv, &nv->subnav[i], head.data,
			    nv->kids + nv->kid_start[i], nv->kid_n[i],
			    "</ul>\n</nav>");
	}
	buf_free(&head);
	return rc;
}

/* The words and other_lang are written for exactly two languages. */
_Static_assert(FM_LANG__MAX == 2, "ui_words and other_lang want two languages");

/* The other language of two. */
static int
other_lang(int l)
{
	return l == FM_LANG_SV ? FM_LANG_EN : FM_LANG_SV;
}

static void
build_ui(struct nav *nv)
{
	size_t k;
	int l;

	for (l = 0; l < FM_LANG__MAX; l++) {
		struct tmpl_var *v = nv->ui[l];

		for (k = 0; k < NWORDS; k++) {
			v[k].name = ui_words[k].name;
			v[k].value = ui_words[k].text[l];
		}
		v[k++] = (struct tmpl_var){ "ui.home", texts[l].root };
		v[k++] = (struct tmpl_var){ "ui.other_url",
		    texts[other_lang(l)].root };
		v[k] = (struct tmpl_var){ "ui.other_lang",
		    fm_lang_name(other_lang(l)) };
	}
}

const struct tmpl_var *
nav_ui(const struct nav *nv, int lang, size_t *n)
{
	if (lang < 0 || lang >= FM_LANG__MAX)
		lang = FM_LANG_SV;
	*n = NUI;
	return nv->ui[lang];
}

int
nav_has_lang(const struct nav *nv, int lang)
{
	return lang >= 0 && lang < FM_LANG__MAX && nv->roots[lang] >= 0;
}

struct nav *
nav_new(const struct page *pages, size_t n, const struct urlset *urls,
    int want_subnav)
{
	struct nav *nv = calloc(1, sizeof *nv);
	int l;

	if (nv == NULL)
		return NULL;
	build_ui(nv);
	nv->pages = pages;
	nv->n = n;
	nv->parent = calloc(n + 1, sizeof *nv->parent);
	nv->kids = calloc(n + 1, sizeof *nv->kids);
	nv->kid_start = calloc(n + 1, sizeof *nv->kid_start);
	nv->kid_n = calloc(n + 1, sizeof *nv->kid_n);
	nv->kid_pos = calloc(n + 1, sizeof *nv->kid_pos);
	if (nv->parent == NULL || nv->kids == NULL || nv->kid_start == NULL ||
	    nv->kid_n == NULL || nv->kid_pos == NULL)
		goto fail;
	for (l = 0; l < FM_LANG__MAX; l++)
		nv->roots[l] = urlset_get(urls, texts[l].root,
		    strlen(texts[l].root));
	if (build_tree(nv, urls, want_subnav) < 0 || build_menus(nv) < 0)
		goto fail;
	if (want_subnav && build_subnavs(nv) < 0)
		goto fail;
	return nv;
fail:
	nav_free(nv);
	return NULL;
}

void
nav_free(struct nav *nv)
{
	if (nv == NULL)
		return;
	free(nv->parent);
	free(nv->kids);
	free(nv->kid_start);
	free(nv->kid_n);
	free(nv->kid_pos);
	free(nv->items);
	free(nv->subnav);
	buf_free(&nv->html);
	free(nv);
}

/* Copies list l, marking the entry at offset ins (SIZE_MAX: none). */
static int
put_list(const struct nav *nv, const struct list *l, size_t ins, buf *out)
{
	const char *h = nv->html.data;

	if (l->len == 0)
		return 0;
	if (ins == SIZE_MAX)
		return buf_put(out, h + l->off, l->len);
	buf_put(out, h + l->off, ins - l->off);
	buf_puts(out, current_attr);
	return buf_put(out, h + ins, l->off + l->len - ins);
}

int
nav_menu(const struct nav *nv, int cur, int lang, buf *out)
{
	const struct list *l;
	const struct item *it;
	size_t k, ins = SIZE_MAX, ul;

	if (lang < 0 || lang >= FM_LANG__MAX)
		lang = FM_LANG_SV;
	l = &nv->menu[lang];
	for (k = 0; cur >= 0 && k < l->n; k++) {
		it = &nv->items[l->first + k];
		ul = strlen(nv->pages[it->page].url);
		if (strncmp(nv->pages[it->page].url, nv->pages[cur].url,
		    ul) == 0) {
			ins = it->ins;
			break;
		}
	}
	return put_list(nv, l, ins, out);
}

int
nav_breadcrumbs(const struct nav *nv, int cur, buf *out)
{
	enum { MAXDEPTH = 64 };
	int chain[MAXDEPTH], depth = 0, a, lang;
	const struct lang_text *t;

	if (cur < 0 || is_root(nv, cur))
		return 0;
	lang = nv->pages[cur].lang;
	t = &texts[lang >= 0 && lang < FM_LANG__MAX ? lang : FM_LANG_SV];
	for (a = nv->parent[cur]; a >= 0 && !is_root(nv, a) && depth < MAXDEPTH;
	    a = nv->parent[a])
		chain[depth++] = a;
	buf_printf(out, "<nav class=\"breadcrumbs\" aria-label=\"%s\">\n<ol>\n"
	    "<li><a href=\"", t->crumbs);
	a = nv->roots[lang];
	buf_puts_html(out, a >= 0 ? nv->pages[a].url : "/");
	buf_printf(out, "\">%s</a></li>\n", t->home);
	while (depth-- > 0) {
		buf_puts(out, "<li><a href=\"");
		buf_puts_html(out, nv->pages[chain[depth]].url);
		buf_puts(out, "\">");
		buf_puts_html(out, title_of(&nv->pages[chain[depth]]));
		buf_puts(out, "</a></li>\n");
	}
	buf_puts(out, "<li aria-current=\"page\">");
	buf_puts_html(out, title_of(&nv->pages[cur]));
	return buf_puts(out, "</li>\n</ol>\n</nav>");
}

int
nav_subnav(const struct nav *nv, int cur, buf *out)
{
	const struct list *l;
	int s;

	if (cur < 0 || nv->subnav == NULL)
		return 0;
	s = nv->kid_n[cur] > 0 ? cur : nv->parent[cur];
	if (s < 0 || is_root(nv, s))
		return 0;
	l = &nv->subnav[s];
	if (s == cur)
		return put_list(nv, l, SIZE_MAX, out);
	return put_list(nv, l, nv->items[l->first + nv->kid_pos[cur]].ins, out);
}
