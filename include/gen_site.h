/* gen_site.h — build a municipality's web site from Markdown (kaa-gen site).
 *
 * Pass 1 maps every Markdown file under the content directory to its URL
 * (the URL set for the link check) and reads the front matter of the pages
 * the navigation shows (title, order, language), to build menus,
 * breadcrumbs and subnavs once. Pass 2 reads and renders each page
 * (front matter, placeholders, CommonMark, links checked, layout) and
 * writes it if its bytes changed. Both passes run on `jobs` threads; only
 * per-page metadata is held for all pages, never their HTML. Then
 * sitemap.xml, robots.txt, the assets and the e-service shell (the layout
 * with the page's own placeholders left in, for kaa-fcgi) are written.
 * The special pages 400, 401, 403, 404, 413, 414, 429 and 50x.html (for
 * nginx's error_page) are always built: from content/NAME.md if it exists,
 * else from a built-in Swedish text; they are not in the sitemap. In the
 * shell, a "{" from the configuration or a menu title is written "&#123;",
 * so kaa-fcgi never reads a value as a placeholder. The layout
 * gets the page's values (page.*), its words in the page's language (ui.*,
 * see nav_ui) and the configuration.
 *
 * Build errors (bad front matter, unknown placeholder, broken internal link
 * in a page or in the layout, two files with one URL) are all collected,
 * each as "FILE:LINE: message". A page with an error is not written; when
 * there is any error, the site-wide files are not written either. Stale
 * files of pages that no longer exist are not removed. */
#ifndef KAA_GEN_SITE_H
#define KAA_GEN_SITE_H

#include <stddef.h>
#include "gen_diag.h"

struct site_opts {
	const char *conf_path;    /* municipality INI */
	const char *content_dir;  /* Markdown tree, e.g. "content" */
	const char *layout_dir;   /* layout.html and assets/, e.g. "site" */
	const char *output_dir;   /* NULL: the conf's site.output */
	int         jobs;         /* threads; 0: one per CPU */
};

struct site_stats {
	size_t pages;       /* pages rendered */
	size_t written;     /* files written (pages, assets, sitemap, shell) */
	size_t unchanged;   /* files that already held the same bytes */
};

/* Builds the site. Returns 0 on success, -1 if there were errors; each
 * error is added to d. *st is filled in either case. */
int site_build(const struct site_opts *o, struct site_stats *st,
    struct diag *d);

#endif
