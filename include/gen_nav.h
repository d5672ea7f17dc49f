/* gen_nav.h — navigation built from the content tree: the main menu,
 * breadcrumbs and the in-section list ("subnav"); and the layout's words
 * (skip link, labels, footer links) in each language.
 *
 * The tree comes from URLs: a page's parent is its nearest ancestor URL
 * that is a page. Siblings are sorted by order (pages without one last),
 * then title (Swedish alphabet: å ä ö after z), then URL.
 * Language roots are "/" (sv) and "/en/" (en).
 * Menus (one per language) and subnavs (one per section) are built once by
 * nav_new; per page only the aria-current mark is placed, so the cost per
 * page does not grow with the number of pages. */
#ifndef KAA_GEN_NAV_H
#define KAA_GEN_NAV_H

#include <stddef.h>
#include "buf.h"
#include "gen_page.h"
#include "gen_urlset.h"
#include "tmpl.h"

struct nav;

/* Builds the tree and menus for pages[0..n) (urls maps each page's URL to
 * its index). Subnavs are prepared only if want_subnav: a site with large
 * sections need not pay for them when its layout does not use them.
 * pages must outlive the nav. Returns NULL if out of memory. */
struct nav *nav_new(const struct page *pages, size_t n,
    const struct urlset *urls, int want_subnav);
void nav_free(struct nav *nv);   /* NULL-safe */

/* Each appends HTML to out and returns 0, or -1 if out of memory. cur is a
 * page index, or -1 for "no current page" (the e-service shell).
 *
 * nav_menu: <ul class="menu"> of the top-level pages of lang that have an
 * order, aria-current="page" on the one that is cur or contains it; ""
 * if there are none. */
int nav_menu(const struct nav *nv, int cur, int lang, buf *out);

/* <nav class="breadcrumbs"> from the language's start page down to cur;
 * "" on a start page or for cur -1. */
int nav_breadcrumbs(const struct nav *nv, int cur, buf *out);

/* <nav class="subnav"> listing the pages of cur's section (cur's children
 * if it has any, else its siblings); "" at the top level, for cur -1, or if
 * nav_new was not asked for subnavs. */
int nav_subnav(const struct nav *nv, int cur, buf *out);

/* The layout's words in lang (sv if out of range) as *n template
 * variables "ui.NAME": ui.skip (skip link), ui.menu (the main menu's
 * label), ui.phone, ui.email, ui.hours, ui.eservice, ui.about (the footer
 * links' label), ui.contact, ui.a11y, ui.privacy (links to pages that are
 * only in Swedish), ui.home (lang's start page), and the link to the other
 * language: ui.other (its name, in it), ui.other_url, ui.other_lang. The
 * wording lives in nav.c with the navigation's own. Valid as long as nv. */
const struct tmpl_var *nav_ui(const struct nav *nv, int lang, size_t *n);

/* Does lang have a start page ("/", "/en/")? */
int nav_has_lang(const struct nav *nv, int lang);

/* Is url a language's start page, or a page directly below one (where the
 * menu comes from)? */
int nav_top_level(const char *url);

/* Compares titles in Swedish alphabetical order (for tests). */
int nav_collate(const char *a, const char *b);

#endif
