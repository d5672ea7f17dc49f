/* site.c — kaa-gen's site build: two passes over the content tree, on
 * several threads (see gen_site.h).
 *
 * Memory stays proportional to the number of pages, not their size: pass 1
 * keeps a few strings per page, pass 2 renders one page at a time per
 * thread into buffers that are reused for the next page. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "gen_cfg.h"
#include "gen_fm.h"
#include "gen_letter.h"
#include "gen_nav.h"
#include "gen_out.h"
#include "gen_page.h"
#include "gen_site.h"
#include "gen_url.h"
#include "gen_urlset.h"
#include "tmpl.h"

/* Front matter is short: pass 1 reads this much and reads the whole file
 * only if the closing "---" is not within it. */
#define PREFIX_READ 1024
/* Pages handed to a thread at a time. */
#define CHUNK 16
#define MAX_JOBS 16

/* Pages the site always has, outside the sitemap and the menus: the 404
 * page, and the pages nginx shows for the errors it answers itself
 * (site/nginx.conf.in and deploy/nginx-tls.conf.in, error_page), in place
 * of its English defaults. Each comes from content/NAME.md if there is
 * one, else from the Swedish text here. nginx's own 400 (a request it
 * cannot read; also its 405, 501 and 505), 413, 414 and 429 come before
 * kaa-fcgi sees anything, so nothing was stored; 401 and 403 are the
 * school form closed to all but the schools' accounts or networks (the
 * deploy example); on 502 or 504 kaa-fcgi may have stored the form (a
 * worker that died after the commit), so 50x says "not sure". nginx sends
 * no 408: on a timeout it closes the connection. The built-in texts use
 * no setting, so any configuration can build them; several point at the
 * contact details our layout's footer shows (a site whose layout has none
 * gives its own content/NAME.md). The browser keeps what was typed for
 * the back button, except the personnummer (autocomplete="off"): the
 * texts say exactly that, and tests/browser/form.test.mjs checks it. */
#define BACK_KEEPS "Gå tillbaka till formuläret med webbläsarens " \
    "bakåtknapp. Där finns det du skrev kvar, utom personnumret."
#define CONTACT_IN_FOOTER "Telefonnummer och e-post finns längst ner på sidan."
static const struct special {
	const char *src;     /* in content/, e.g. "404.md" */
	const char *url;     /* "/404.html"; the file is url + 1 */
	const char *title, *desc, *md;
} special_pages[] = {
	{ "400.md", "/400.html", "Vi kunde inte läsa det du skickade",
	  "Vi kunde inte läsa det som din webbläsare skickade. Försök igen.",
	  "Vi kunde inte läsa det som din webbläsare skickade till oss. "
	  "Därför kan vi inte visa sidan. Skickade du ett formulär? Då har "
	  "vi inte fått något av det du skrev.\n"
	  "\n"
	  "## Så gör du\n"
	  "\n"
	  "- Skickade du ett formulär? " BACK_KEEPS " Skriv ditt "
	  "personnummer igen och skicka formuläret.\n"
	  "- Går det ändå inte? Pröva en annan webbläsare. Du kan också "
	  "ringa eller mejla oss. " CONTACT_IN_FOOTER "\n" },
	{ "401.md", "/401.html", "Du behöver logga in",
	  "Sidan är bara för skolor. Logga in med skolans konto.",
	  "Den här sidan är bara för skolor. Varje skola har ett eget konto. "
	  "Du har inte loggat in, eller så stämde inte användarnamnet eller "
	  "lösenordet.\n"
	  "\n"
	  "## Så gör du\n"
	  "\n"
	  "1. Ladda om sidan.\n"
	  "2. Skriv skolans användarnamn och lösenord när webbläsaren frågar "
	  "efter dem.\n"
	  "3. Har skolan inget konto? Har ni glömt lösenordet? Ring eller "
	  "mejla oss. " CONTACT_IN_FOOTER "\n" },
	{ "403.md", "/403.html", "Sidan går inte att öppna härifrån",
	  "Sidan går bara att öppna från vissa nätverk, till exempel "
	  "skolornas.",
	  "Den här sidan går inte att öppna härifrån. Skolanmälan går till "
	  "exempel bara att använda från skolornas egna nätverk.\n"
	  "\n"
	  "## Så gör du\n"
	  "\n"
	  "- Arbetar du på en skola? Öppna sidan från en dator i skolans "
	  "nätverk.\n"
	  "- Vill du berätta vad du gör just nu? [Gå till startsidan](/). "
	  "Där finns e-tjänsten för dig.\n"
	  "- Har du frågor? Ring eller mejla oss. " CONTACT_IN_FOOTER "\n" },
	{ "404.md", "/404.html", "Sidan finns inte",
	  "Sidan du söker finns inte.",
	  "Sidan du söker finns inte. Den kan ha flyttats eller tagits bort.\n"
	  "\n"
	  "[Gå till startsidan](/)\n" },
	{ "413.md", "/413.html", "För mycket text",
	  "Det du skrev i formuläret var för långt. Gör texten kortare och "
	  "skicka igen.",
	  "Det du skrev i formuläret var för långt. Därför kunde vi inte ta "
	  "emot det. Vi har inte fått något av det du skrev.\n"
	  "\n"
	  "## Så gör du\n"
	  "\n"
	  "1. " BACK_KEEPS "\n"
	  "2. Gör texten kortare, till exempel ditt meddelande.\n"
	  "3. Skriv ditt personnummer igen och skicka formuläret.\n" },
	{ "414.md", "/414.html", "Adressen är för lång",
	  "Adressen till sidan är för lång. Kontrollera adressen.",
	  "Adressen till sidan är för lång. Därför kan vi inte visa sidan. "
	  "Adressen är det som står i webbläsarens adressfält.\n"
	  "\n"
	  "## Så gör du\n"
	  "\n"
	  "- Kontrollera adressen. Kanske kopierade du den från ett mejl "
	  "eller ett sms och fick med för mycket.\n"
	  "- Eller [gå till startsidan](/) och leta dig fram därifrån.\n" },
	{ "429.md", "/429.html", "För många försök",
	  "Vi har fått för många svar på kort tid. Vänta en stund och "
	  "försök igen.",
	  "Vi har fått för många svar på kort tid från din uppkoppling. "
	  "Därför kunde vi inte ta emot ditt svar just nu. Vi har inte fått "
	  "något av det du skrev.\n"
	  "\n"
	  "## Så gör du\n"
	  "\n"
	  "1. Vänta en stund.\n"
	  "2. " BACK_KEEPS "\n"
	  "3. Skriv ditt personnummer igen och skicka formuläret.\n" },
	{ "50x.md", "/50x.html", "E-tjänsten fungerar inte just nu",
	  "Det är ett fel i e-tjänsten. Försök igen om en stund.",
	  "Det är ett fel hos oss, inte hos dig. Försök igen om en stund.\n"
	  "\n"
	  "Skickade du formuläret? Då är det inte säkert att vi fick det. "
	  BACK_KEEPS " Skriv ditt personnummer igen och skicka formuläret om "
	  "en stund.\n"
	  "\n"
	  "Du kan också ringa eller mejla oss. " CONTACT_IN_FOOTER "\n" },
};
#define NSPECIAL (sizeof special_pages / sizeof special_pages[0])

/* One thread's share of the pages, [next, end). Each thread works through
 * its own share first, then helps with the others': pages come sorted by
 * path, so the threads mostly write in different directories and do not
 * wait on each other's locks on them (on ext4 a creation holds its
 * directory's lock for long). A cache line each: all threads write them. */
struct share {
	_Alignas(64) atomic_size_t next;
	size_t end;
};

struct site {
	const struct site_opts *o;
	struct conf   *conf;
	const char    *outdir;
	char          *site_url;     /* site.url without a trailing '/' */
	buf            layout_file;  /* layout_dir/layout.html */
	buf            layout;
	buf            shell;        /* the rendered e-service shell */
	struct page   *pages;
	size_t         n, cap;
	int            builtin0;     /* the built-in special pages come last,
	                              * from this index on; -1: none */
	char         **assets;       /* URL paths "/assets/...", owned */
	size_t         nassets, capassets;
	struct urlset *urls;
	struct nav    *nav;
	int            want_subnav;  /* the layout uses page.subnav */
	int            check_only;   /* errors already: check, write nothing */
	struct diag   *d;
	struct share   shares[MAX_JOBS];
	int            nshares;
};

struct worker;
typedef void work_fn(struct worker *w, size_t i);

/* One thread's state. Buffers are reused from page to page. Each worker
 * starts a cache line of its own: they are written page after page, and
 * neighbours sharing a line would pass it back and forth between CPUs. */
struct worker {
	_Alignas(64)
	struct site *s;
	pthread_t    th;
	int          id;          /* its own share: s->shares[id] */
	int          started;
	work_fn     *fn;
	buf          src, tmp, html, page, menu, crumbs, subnav;
	buf          file, path, tmp2, scratch;
	struct diag  diag;
	struct page_pool *pool;      /* cmark's memory, pass 2 */
	size_t       pages, written, unchanged;
	/* the page in pass 2, for the link callback */
	size_t       cur;
	const char  *cur_file;
	int          line0;
	int          errors;
};

static const char *
cstr(buf *b)
{
	buf_puts(b, "");        /* makes data non-NULL */
	return b->data != NULL ? b->data : "";
}

static const char *
join(buf *b, const char *dir, const char *rel)
{
	buf_reset(b);
	buf_puts(b, dir);
	if (b->len > 0 && b->data[b->len - 1] != '/')
		buf_putc(b, '/');
	buf_puts(b, rel);
	return cstr(b);
}

/* An error in page i: recorded, and the page is not written. */
static void werr(struct worker *w, size_t i, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
werr(struct worker *w, size_t i, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(&w->diag, (long)i, file, line, fmt, ap);
	va_end(ap);
	w->errors++;
}

/* The special page src names, or NULL. */
static const struct special *
special_by_src(const char *src)
{
	size_t k;

	for (k = 0; k < NSPECIAL; k++)
		if (strcmp(src, special_pages[k].src) == 0)
			return &special_pages[k];
	return NULL;
}

/* The special page p is (marked by scan), or NULL. */
static const struct special *
special_of(const struct page *p)
{
	return p->special > 0 ? &special_pages[p->special - 1] : NULL;
}

/* The built-in special page i is, or NULL for a page from content/. */
static const struct special *
builtin_of(const struct site *s, size_t i)
{
	if (s->builtin0 < 0 || i < (size_t)s->builtin0)
		return NULL;
	return special_of(&s->pages[i]);
}

/* --- walking directories ------------------------------------------------- */

typedef int walk_cb(struct site *s, const char *rel);

/* Calls cb for each regular file under path (a buf holding the directory),
 * with its path relative to the first rootlen+1 bytes. Hidden files are
 * skipped. Returns 0, or -1 with path naming what failed. */
static int
walk(struct site *s, buf *path, size_t rootlen, walk_cb *cb)
{
	struct dirent *de;
	struct stat st;
	size_t base = path->len;
	DIR *dir;
	int isdir, isreg, rc = 0, saved;

	if ((dir = opendir(path->data)) == NULL)
		return -1;
	while (rc == 0 && (errno = 0, de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path->len = base;
		buf_putc(path, '/');
		buf_puts(path, de->d_name);
		if (path->oom) {
			errno = ENOMEM;
			rc = -1;
			break;
		}
		isdir = de->d_type == DT_DIR;
		isreg = de->d_type == DT_REG;
		if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
			if (stat(path->data, &st) < 0) {
				rc = -1;
				break;
			}
			isdir = S_ISDIR(st.st_mode);
			isreg = S_ISREG(st.st_mode);
		}
		if (isdir)
			rc = walk(s, path, rootlen, cb);
		else if (isreg && cb(s, path->data + rootlen + 1) < 0) {
			errno = ENOMEM;
			rc = -1;
		}
	}
	if (rc == 0 && errno != 0)
		rc = -1;
	saved = errno;
	closedir(dir);
	if (rc == 0) {
		path->len = base;
		path->data[base] = '\0';
	}
	errno = saved;
	return rc;
}

static int
add_page(struct site *s, const char *rel)
{
	struct page *p;
	size_t n = strlen(rel);

	if (n < 3 || strcmp(rel + n - 3, ".md") != 0)
		return 0;       /* not content; e.g. an editor's notes */
	if (strncmp(rel, LETTER_DIR "/", sizeof LETTER_DIR) == 0)
		return 0;       /* letter templates are never published */
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;

		if ((p = realloc(s->pages, cap * sizeof *p)) == NULL)
			return -1;
		s->pages = p;
		s->cap = cap;
	}
	p = &s->pages[s->n];
	memset(p, 0, sizeof *p);
	if ((p->src = strdup(rel)) == NULL)
		return -1;
	s->n++;
	return 0;
}

static int
add_asset(struct site *s, const char *rel)
{
	buf b = BUF_INIT;
	char **v;

	if (s->nassets == s->capassets) {
		size_t cap = s->capassets ? s->capassets * 2 : 32;

		if ((v = realloc(s->assets, cap * sizeof *v)) == NULL)
			return -1;
		s->assets = v;
		s->capassets = cap;
	}
	buf_puts(&b, "/assets/");
	buf_puts(&b, rel);
	if ((s->assets[s->nassets] = buf_detach(&b)) == NULL)
		return -1;
	s->nassets++;
	return 0;
}

static int
cmp_src(const void *a, const void *b)
{
	const struct page *x = a, *y = b;

	return strcmp(x->src, y->src);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- threads ------------------------------------------------------------- */

static void
work_loop(struct worker *w)
{
	struct site *s = w->s;
	struct share *sh;
	size_t i, start, end;
	int j;

	for (j = 0; j < s->nshares; j++) {
		sh = &s->shares[(w->id + j) % s->nshares];
		while ((start = atomic_fetch_add(&sh->next, CHUNK)) < sh->end) {
			end = start + CHUNK < sh->end ? start + CHUNK : sh->end;
			for (i = start; i < end; i++)
				w->fn(w, i);
		}
	}
}

static void *
thread_main(void *arg)
{
	work_loop(arg);
	return NULL;
}

/* Runs fn over all pages on nw workers; the calling thread is worker 0. */
static void
run_pass(struct site *s, struct worker *w, int nw, work_fn *fn)
{
	int k;

	for (k = 0; k < nw; k++) {
		atomic_store(&s->shares[k].next, s->n * (size_t)k / (size_t)nw);
		s->shares[k].end = s->n * (size_t)(k + 1) / (size_t)nw;
		w[k].fn = fn;
	}
	s->nshares = nw;
	for (k = 1; k < nw; k++)
		w[k].started = pthread_create(&w[k].th, NULL, thread_main,
		    &w[k]) == 0;
	work_loop(&w[0]);
	for (k = 1; k < nw; k++)
		if (w[k].started)
			pthread_join(w[k].th, NULL);
	for (k = 0; k < nw; k++)
		diag_move(s->d, &w[k].diag);
}

static void
worker_free(struct worker *w)
{
	buf *bufs[] = { &w->src, &w->tmp, &w->html, &w->page, &w->menu,
	    &w->crumbs, &w->subnav, &w->file, &w->path, &w->tmp2, &w->scratch };
	size_t k;

	for (k = 0; k < sizeof bufs / sizeof bufs[0]; k++)
		buf_free(bufs[k]);
	diag_free(&w->diag);
	page_pool_free(w->pool);
}

/* --- pass 1: front matter ------------------------------------------------ */

/* Reads at most max bytes of the file into b. */
static int
read_prefix(const char *path, buf *b, size_t max)
{
	ssize_t r;
	int fd, saved;

	buf_reset(b);
	if (buf_grow(b, max) < 0) {
		errno = ENOMEM;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((r = read(fd, b->data + b->len, max - b->len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		b->len += (size_t)r;
		if (b->len == max)
			break;
	}
	b->data[b->len] = '\0';
	close(fd);
	return 0;
}

static void
fm_error(struct worker *w, size_t i, const char *file, int rc,
    const struct fm_errinfo *ei)
{
	const char *k = ei->key;

	switch (rc) {
	case FM_EUNKNOWN:
		werr(w, i, file, ei->line, "unknown front matter key \"%s\" "
		    "(known: title, description, order, weight, audience, "
		    "lang)", k);
		break;
	case FM_EDUP:
		werr(w, i, file, ei->line, "front matter key \"%s\" given "
		    "twice (order and weight are the same key)", k);
		break;
	case FM_EINT:
		werr(w, i, file, ei->line, "%s: not an integer", k);
		break;
	case FM_EVALUE:
		if (strcmp(k, "audience") == 0)
			werr(w, i, file, ei->line, "%s must be one of unga, "
			    "vardnadshavare, skolor, alla", k);
		else if (strcmp(k, "lang") == 0)
			werr(w, i, file, ei->line, "%s must be sv or en", k);
		else
			werr(w, i, file, ei->line, "%s must not be empty", k);
		break;
	case FM_EQUOTE:
		werr(w, i, file, ei->line, "%s: bad quoting (unterminated "
		    "quote, unknown escape or text after the closing quote)",
		    k);
		break;
	case FM_EMISSING:
		werr(w, i, file, ei->line, "front matter lacks \"%s\"", k);
		break;
	default:
		werr(w, i, file, ei->line, "%s", fm_strerror(rc));
		break;
	}
}

/* Takes title, order and language from parsed front matter. */
static void
set_meta(struct page *p, struct fm *fm)
{
	free(p->title);
	p->title = fm->title;
	fm->title = NULL;
	p->order = fm->order;
	p->has_order = fm->has_order;
	p->lang = fm->has_lang ? fm->lang :
	    strncmp(p->src, "en/", 3) == 0 ? FM_LANG_EN : FM_LANG_SV;
}

/* Pass 1: the front matter of a page the navigation shows. */
static void
pass1(struct worker *w, size_t i)
{
	struct site *s = w->s;
	struct page *p = &s->pages[i];
	struct fm_errinfo ei;
	struct fm fm;
	const char *file;
	int rc;

	if (!p->nav || p->bad || builtin_of(s, i) != NULL)
		return;
	file = join(&w->file, s->o->content_dir, p->src);
	if (read_prefix(file, &w->src, PREFIX_READ) < 0) {
		werr(w, i, file, 0, "cannot read: %s", strerror(errno));
		p->bad = 1;
		return;
	}
	rc = fm_parse(w->src.data, w->src.len, &fm, &ei);
	if (rc != FM_OK && w->src.len == PREFIX_READ) {
		/* the front matter may go on past the prefix */
		if (buf_read_file(&w->src, file) < 0) {
			werr(w, i, file, 0, "cannot read: %s", strerror(errno));
			p->bad = 1;
			return;
		}
		rc = fm_parse(w->src.data, w->src.len, &fm, &ei);
	}
	if (rc != FM_OK) {
		fm_error(w, i, file, rc, &ei);
		p->bad = 1;
		return;
	}
	set_meta(p, &fm);
	fm_free(&fm);
}

/* --- pass 2: render ------------------------------------------------------ */

/* Is path (n bytes) something this site serves? Its pages, anything under
 * its e-service's base, and the e-service pages the configuration names
 * (the school form may be the region's: kaa-fcgi checks it is there). */
static int
link_target_ok(const struct site *s, const char *path, size_t n)
{
	static const char *const served[] = { "eservice.youth", "eservice.school" };
	const char *base = s->conf->eservice_base, *v;
	size_t bl = strlen(base), k;
	static const char idx[] = "index.html";
	size_t il = sizeof idx - 1;

	if (urlset_get(s->urls, path, n) >= 0)
		return 1;
	for (k = 0; k < sizeof served / sizeof served[0]; k++)
		if ((v = conf_get(s->conf, served[k])) != NULL &&
		    strlen(v) == n && memcmp(v, path, n) == 0)
			return 1;
	if (n > il && memcmp(path + n - il, idx, il) == 0 &&
	    path[n - il - 1] == '/' &&
	    urlset_get(s->urls, path, n - il) >= 0)
		return 1;
	return n >= bl && memcmp(path, base, bl) == 0 &&
	    (n == bl || path[bl] == '/');
}

static void
check_link(void *arg, const char *href, int line, int is_image)
{
	struct worker *w = arg;
	struct site *s = w->s;
	const char *what = is_image ? "image" : "link";
	int kind, hint, rel;

	kind = url_resolve(s->pages[w->cur].url, href, &w->path);
	line += w->line0 - 1;
	if (kind == URL_EXTERNAL || kind == URL_SAMEPAGE)
		return;
	if (kind == URL_EABOVE) {
		diag_add(&w->diag, (long)w->cur, w->cur_file, line,
		    "%s \"%s\" climbs above the site root", what, href);
		w->errors++;
		return;
	}
	if (link_target_ok(s, w->path.data, w->path.len))
		return;
	/* "/a" for the page "/a/": say so, it is the common slip. */
	buf_reset(&w->tmp2);
	buf_put(&w->tmp2, w->path.data, w->path.len);
	buf_putc(&w->tmp2, '/');
	hint = urlset_get(s->urls, w->tmp2.data, w->tmp2.len) >= 0;
	rel = strcmp(href, w->path.data) != 0;
	diag_add(&w->diag, (long)w->cur, w->cur_file, line,
	    "broken %s \"%s\"%s%s%s%s%s%s", what, href,
	    rel ? " (resolves to " : "", rel ? w->path.data : "",
	    rel ? ")" : "", hint ? "; did you mean \"" : "",
	    hint ? w->tmp2.data : "", hint ? "\"?" : "");
	w->errors++;
}

static void
body_tmpl_error(void *arg, int err, int line, const char *name)
{
	struct worker *w = arg;

	diag_tmpl(&w->diag, (long)w->cur, w->cur_file, w->line0 + line - 1,
	    err, name);
	w->errors++;
}

/* The layout's variables for one page; outer scope: the configuration. */
enum { V_TITLE, V_DESC, V_URL, V_LANG, V_AUDIENCE, V_BODY, V_CRUMBS,
    V_SUBNAV, V_MENU, V__MAX };
static const char *const var_names[V__MAX] = {
	"page.title", "page.description", "page.url", "page.lang",
	"page.audience", "page.body", "page.breadcrumbs", "page.subnav",
	"site.menu",
};

/* The page's values, then the configuration, then the layout's words in
 * the page's language (ui.*; the configuration has none, see load_conf):
 * looking up a configuration value costs nothing more for them. */
struct layout_scope {
	struct tmpl_var   vars[V__MAX];
	struct tmpl_scope scope, conf, ui;
};

static const struct tmpl_scope *
layout_scope(struct site *s, const char *const val[V__MAX], int lang,
    struct layout_scope *ls)
{
	int k;

	for (k = 0; k < V__MAX; k++) {
		ls->vars[k].name = var_names[k];
		ls->vars[k].value = val[k];
	}
	ls->ui.vars = nav_ui(s->nav, lang, &ls->ui.n);
	ls->ui.outer = NULL;
	ls->conf = s->conf->scope;
	ls->conf.outer = &ls->ui;
	ls->scope.vars = ls->vars;
	ls->scope.n = V__MAX;
	ls->scope.outer = &ls->conf;
	return &ls->scope;
}

static int
render_layout(struct site *s, const char *const val[V__MAX], int lang,
    buf *out, struct tmpl_errinfo *ei)
{
	struct layout_scope ls;

	buf_reset(out);
	return tmpl_render(out, s->layout.data, s->layout.len,
	    layout_scope(s, val, lang, &ls), ei);
}

static void
count(struct worker *w, int st, const char *path)
{
	if (st == OUT_WRITTEN)
		w->written++;
	else if (st == OUT_UNCHANGED)
		w->unchanged++;
	else {
		if (st == OUT_ENOTREG)
			diag_add(&w->diag, -1, path, 0, "exists and is not a "
			    "regular file: not replaced");
		else
			diag_add(&w->diag, -1, path, 0, "cannot write: %s",
			    strerror(errno));
		w->errors++;
	}
}

static void
pass2(struct worker *w, size_t i)
{
	struct site *s = w->s;
	struct page *p = &s->pages[i];
	const struct special *sp = builtin_of(s, i);
	struct fm fm = { 0 };
	struct fm_errinfo fei;
	struct tmpl_errinfo tei;
	const char *val[V__MAX], *body, *file;
	size_t blen;
	int rc;

	if (p->bad)
		return;
	w->errors = 0;
	w->cur = i;
	if (sp != NULL) {
		buf_reset(&w->file);
		buf_printf(&w->file, "(built-in %s)", sp->url + 1);
		file = cstr(&w->file);
		body = sp->md;
		blen = strlen(sp->md);
		w->line0 = 1;
	} else {
		file = join(&w->file, s->o->content_dir, p->src);
		if (buf_read_file(&w->src, file) < 0) {
			werr(w, i, file, 0, "cannot read: %s", strerror(errno));
			return;
		}
		if ((rc = fm_parse(w->src.data, w->src.len, &fm, &fei)) != FM_OK) {
			fm_error(w, i, file, rc, &fei);
			return;
		}
		/* Only this thread looks at a page the navigation does not
		 * show, so it may be filled in now; nav pages are shared and
		 * stay as pass 1 read them. */
		if (!p->nav)
			set_meta(p, &fm);
		body = w->src.data + fm.body_off;
		blen = w->src.len - fm.body_off;
		w->line0 = fm.body_line;
	}
	w->cur_file = file;
	buf_reset(&w->html);
	rc = page_markdown(body, blen, &s->conf->scope, w->pool, &w->tmp,
	    &w->html, sp != NULL ? NULL : check_link, w, &tei);
	if (rc == PAGE_EUNKNOWN || rc == PAGE_ESYNTAX)
		page_placeholder_errors(body, blen, &s->conf->scope, &w->tmp,
		    body_tmpl_error, w);
	else if (rc != PAGE_OK)
		werr(w, i, file, 0, "%s", "out of memory");
	if (w->errors > 0)
		goto done;
	buf_reset(&w->menu);
	buf_reset(&w->crumbs);
	buf_reset(&w->subnav);
	nav_menu(s->nav, (int)i, p->lang, &w->menu);
	nav_breadcrumbs(s->nav, (int)i, &w->crumbs);
	nav_subnav(s->nav, (int)i, &w->subnav);
	val[V_TITLE] = p->title;
	val[V_DESC] = sp != NULL ? sp->desc : fm.description;
	val[V_URL] = p->url;
	val[V_LANG] = fm_lang_name(p->lang);
	val[V_AUDIENCE] = fm_audience_name(fm.audience);
	val[V_BODY] = cstr(&w->html);
	val[V_CRUMBS] = cstr(&w->crumbs);
	val[V_SUBNAV] = cstr(&w->subnav);
	val[V_MENU] = cstr(&w->menu);
	if ((rc = render_layout(s, val, p->lang, &w->page, &tei)) != TMPL_OK) {
		/* cannot happen after render_shell, but for memory */
		diag_tmpl(&w->diag, (long)i, s->layout_file.data, tei.line, rc,
		    tei.name);
		w->errors++;
		goto done;
	}
	w->pages++;
	if (!s->check_only) {
		file = join(&w->path, s->outdir, p->out);
		count(w, out_write(file, w->page.data, w->page.len,
		    &w->scratch), file);
	}
done:
	fm_free(&fm);
}

/* --- site-wide files ----------------------------------------------------- */

static int
load_conf(struct site *s)
{
	const char *u;
	size_t n;

	if (cfg_load(s->o->conf_path, &s->conf, s->d) < 0)
		return -1;
	s->outdir = s->o->output_dir != NULL ? s->o->output_dir :
	    s->conf->site_output;
	if (s->outdir == NULL || *s->outdir == '\0') {
		diag_add(s->d, -1, s->o->conf_path, 0, "site.output: not set "
		    "(or give -o DIR)");
		return -1;
	}
	if ((u = conf_get(s->conf, "site.url")) == NULL || *u == '\0') {
		diag_add(s->d, -1, s->o->conf_path, 0, "site.url: not set "
		    "(needed for sitemap.xml)");
		return -1;
	}
	n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		n--;
	if ((s->site_url = strndup(u, n)) == NULL)
		return -1;
	return 0;
}

static int
load_layout(struct site *s)
{
	join(&s->layout_file, s->o->layout_dir, "layout.html");
	if (buf_read_file(&s->layout, s->layout_file.data) < 0) {
		diag_add(s->d, -1, s->layout_file.data, 0, "cannot read: %s",
		    strerror(errno));
		return -1;
	}
	s->want_subnav = strstr(cstr(&s->layout), "page.subnav") != NULL;
	return 0;
}

/* Lists content pages and assets; adds the built-in special pages that
 * content/ does not have, after the others. */
static int
scan(struct site *s)
{
	buf path = BUF_INIT;
	struct stat st;
	const struct special *sp;
	int have[NSPECIAL] = { 0 };
	size_t i, k;
	int rc = 0;

	buf_puts(&path, s->o->content_dir);
	while (path.len > 1 && path.data[path.len - 1] == '/')
		path.data[--path.len] = '\0';
	if (walk(s, &path, path.len, add_page) < 0) {
		diag_add(s->d, -1, cstr(&path), 0, "cannot read: %s",
		    strerror(errno));
		rc = -1;
	}
	join(&path, s->o->layout_dir, "assets");
	if (rc == 0 && stat(path.data, &st) == 0 &&   /* assets are optional */
	    walk(s, &path, path.len, add_asset) < 0) {
		diag_add(s->d, -1, cstr(&path), 0, "cannot read: %s",
		    strerror(errno));
		rc = -1;
	}
	buf_free(&path);
	if (rc < 0)
		return -1;
	if (s->n > 1)           /* qsort(NULL, 0, ...) is undefined */
		qsort(s->pages, s->n, sizeof *s->pages, cmp_src);
	if (s->nassets > 1)
		qsort(s->assets, s->nassets, sizeof *s->assets, cmp_str);
	/* Mark the special pages content/ has, once; add the others. */
	for (i = 0; i < s->n; i++)
		if ((sp = special_by_src(s->pages[i].src)) != NULL)
			have[sp - special_pages] = s->pages[i].special =
			    1 + (int)(sp - special_pages);
	s->builtin0 = -1;
	for (k = 0; k < NSPECIAL; k++) {
		if (have[k])
			continue;
		if (add_page(s, special_pages[k].src) < 0 ||
		    (s->pages[s->n - 1].title =
		    strdup(special_pages[k].title)) == NULL)
			return -1;
		s->pages[s->n - 1].special = 1 + (int)k;
		if (s->builtin0 < 0)
			s->builtin0 = (int)(s->n - 1);
	}
	return 0;
}

static const char *const special_urls[] = {
	"/sitemap.xml", "/robots.txt",
};

/* Which pages the navigation shows, so pass 1 reads their front matter:
 * the start pages, the top level (menu candidates), every page that is
 * some page's nearest ancestor (breadcrumbs), and with subnavs all. */
static void
mark_nav(struct site *s)
{
	size_t i, plen;
	int par;

	for (i = 0; i < s->n; i++) {
		struct page *p = &s->pages[i];

		if (p->url == NULL || p->bad)
			continue;
		if (s->want_subnav || nav_top_level(p->url))
			p->nav = 1;
		plen = url_parent_len(p->url);
		for (par = -1; plen > 0 && par < 0;
		    plen = url_parent_len_n(p->url, plen))
			par = urlset_get(s->urls, p->url, plen);
		if (par >= 0)
			s->pages[par].nav = 1;
	}
}

/* Maps file names to URLs, and fills the URL set: page URLs (value: page
 * index), assets and special files (value n). */
static int
build_urls(struct site *s)
{
	buf b = BUF_INIT, b2 = BUF_INIT;
	size_t i;
	int old, rc = 0;

	if ((s->urls = urlset_new(s->n + s->nassets + 8)) == NULL)
		return -1;
	for (i = 0; i < s->n; i++) {
		struct page *p = &s->pages[i];
		const struct special *sp = special_of(p);

		if (sp != NULL)
			rc = (p->url = strdup(sp->url)) == NULL ||
			    (p->out = strdup(sp->url + 1)) == NULL ?
			    URL_ENOMEM : URL_OK;
		else
			rc = url_from_source(p->src, &p->url, &p->out);
		if (rc != URL_OK) {
			if (rc == URL_ENOMEM)
				break;
			diag_add(s->d, (long)i,
			    join(&b, s->o->content_dir, p->src), 0, "%s",
			    url_strerror(rc));
			p->bad = 1;
			continue;
		}
		rc = urlset_add(s->urls, s->pages[i].url, (int)i, &old);
		if (rc < 0)
			break;
		if (rc == 1) {
			diag_add(s->d, (long)i,
			    join(&b, s->o->content_dir, s->pages[i].src), 0,
			    "makes the same page %s as %s", s->pages[i].url,
			    join(&b2, s->o->content_dir, s->pages[old].src));
			s->pages[i].bad = 1;
		}
	}
	buf_free(&b);
	buf_free(&b2);
	if (rc != 0 && rc != 1)
		return -1;
	if (urlset_get(s->urls, "/", 1) < 0)
		diag_add(s->d, -1, s->o->content_dir, 0, "no start page: "
		    "add index.md or _index.md");
	mark_nav(s);
	for (i = 0; i < s->nassets; i++)
		if (urlset_add(s->urls, s->assets[i], (int)s->n, NULL) < 0)
			return -1;
	for (i = 0; i < sizeof special_urls / sizeof special_urls[0]; i++)
		if (urlset_add(s->urls, special_urls[i], (int)s->n, NULL) < 0)
			return -1;
	return 0;
}

/* Is a link of the layout, as rendered, broken? */
static int
layout_link_broken(struct site *s, const char *href, buf *path)
{
	if (href[0] != '/' || href[1] == '/')
		return 0;
	return url_resolve("/", href, path) == URL_INTERNAL &&
	    !link_target_ok(s, path->data, path->len);
}

/* -1 if the layout's href is fine; FM_LANG__MAX if it is broken; for an
 * href made of the layout's words ({{ui.other_url}}), the language it is
 * broken in, with val holding it there: Swedish (the e-service's) and
 * every language the site has a start page in. Links with other
 * placeholders come from the configuration and are not checked. */
static int
layout_href_broken(struct site *s, const buf *href, buf *val, buf *path)
{
	struct tmpl_scope ui = { 0 };
	int l;

	if (memchr(href->data, '{', href->len) == NULL)
		return layout_link_broken(s, href->data, path) ?
		    FM_LANG__MAX : -1;
	for (l = 0; l < FM_LANG__MAX; l++) {
		if (l != FM_LANG_SV && !nav_has_lang(s->nav, l))
			continue;
		ui.vars = nav_ui(s->nav, l, &ui.n);
		buf_reset(val);
		if (tmpl_render(val, href->data, href->len, &ui, NULL) !=
		    TMPL_OK)
			return -1;
		if (layout_link_broken(s, cstr(val), path))
			return l;
	}
	return -1;
}

/* Checks the layout's own href="..." and src="..." (footer links and the
 * like), once for the whole site. */
static void
check_layout_links(struct site *s)
{
	static const char *const attrs[] = { "href=\"", "src=\"" };
	const char *t = s->layout.data, *e = t + s->layout.len, *p, *q, *v;
	buf path = BUF_INIT, href = BUF_INIT, val = BUF_INIT;
	size_t k;
	int line, l;

	for (k = 0; k < sizeof attrs / sizeof attrs[0]; k++)
		for (p = t; (p = strstr(p, attrs[k])) != NULL; p = q) {
			v = p + strlen(attrs[k]);
			if ((q = memchr(v, '"', (size_t)(e - v))) == NULL)
				break;
			buf_reset(&href);
			buf_put(&href, v, (size_t)(q - v));
			cstr(&href);
			if ((l = layout_href_broken(s, &href, &val, &path)) < 0)
				continue;
			for (line = 1, v = t; v < p; v++)
				line += *v == '\n';
			if (l == FM_LANG__MAX)
				diag_add(s->d, -1, s->layout_file.data, line,
				    "broken link \"%s\"", href.data);
			else
				diag_add(s->d, -1, s->layout_file.data, line,
				    "broken link \"%s\" (\"%s\" on %s pages)",
				    href.data, val.data, fm_lang_name(l));
		}
	buf_free(&path);
	buf_free(&href);
	buf_free(&val);
}

static void
layout_tmpl_error(void *arg, int err, int line, const char *name)
{
	struct site *s = arg;

	diag_tmpl(s->d, -1, s->layout_file.data, line, err, name);
}

/* The shell's page values: placeholders kaa-fcgi fills in. */
static void
shell_values(const char *val[V__MAX], const char *menu)
{
	val[V_TITLE] = "{{page.title}}";
	val[V_DESC] = "{{page.description}}";
	val[V_URL] = "{{page.url}}";
	val[V_LANG] = "sv";
	val[V_AUDIENCE] = "";
	val[V_BODY] = "{{{page.body}}}";
	val[V_CRUMBS] = "{{{page.breadcrumbs}}}";
	val[V_SUBNAV] = "{{{page.subnav}}}";
	val[V_MENU] = menu;
}

/* s with each "{" replaced by sub; malloc'd, NULL if out of memory. */
static char *
brace_sub(const char *s, char sub)
{
	char *c = strdup(s), *p;

	for (p = c; p != NULL && (p = strchr(p, '{')) != NULL; p++)
		*p = sub;
	return c;
}

static void
vars_free(struct tmpl_var *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free((char *)v[i].value);
	free(v);
}

/* A copy of v[0..n) with brace_sub'd values (the names shared). */
static struct tmpl_var *
vars_sub(const struct tmpl_var *v, size_t n, char sub)
{
	struct tmpl_var *c = calloc(n + 1, sizeof *c);
	size_t i;

	for (i = 0; c != NULL && i < n; i++) {
		c[i].name = v[i].name;
		if (v[i].value != NULL &&
		    (c[i].value = brace_sub(v[i].value, sub)) == NULL) {
			vars_free(c, i);
			return NULL;
		}
	}
	return c;
}

/* The shell with every "{" in the configuration, the layout's words and
 * the menu replaced by sub. */
static int
render_shell_sub(struct site *s, const char *menu, char sub, buf *out,
    struct tmpl_errinfo *ei)
{
	const char *val[V__MAX];
	const struct tmpl_var *ui;
	struct layout_scope ls;
	struct tmpl_var *cv, *uv;
	size_t nui;
	char *m;
	int rc = TMPL_ENOMEM;

	ui = nav_ui(s->nav, FM_LANG_SV, &nui);
	cv = vars_sub(s->conf->scope.vars, s->conf->scope.n, sub);
	uv = vars_sub(ui, nui, sub);
	m = brace_sub(menu, sub);
	if (cv != NULL && uv != NULL && m != NULL) {
		shell_values(val, m);
		layout_scope(s, val, FM_LANG_SV, &ls);
		ls.conf.vars = cv;
		ls.ui.vars = uv;
		buf_reset(out);
		rc = tmpl_render(out, s->layout.data, s->layout.len, &ls.scope,
		    ei);
	}
	vars_free(cv, s->conf->scope.n);
	vars_free(uv, nui);
	free(m);
	return rc;
}

/* The layout with the page's own values left as placeholders, for
 * kaa-fcgi to fill in. Rendering it first also checks the layout once,
 * instead of once per page. Every other value in it is text: a "{" from
 * the configuration (or a menu title) is written as HTML's "&#123;",
 * which the browser shows as "{" and kaa-fcgi's tmpl passes as text, so
 * "{{{page.body}}}" in an office setting stays those characters. Where
 * those braces are is found by rendering twice, with 'a' and with 'b' in
 * their place: escaping leaves both alone, so the two differ exactly there,
 * whatever bytes the layout and the values hold. */
static int
render_shell(struct site *s, buf *menu)
{
	const char *val[V__MAX];
	struct tmpl_errinfo tei;
	struct layout_scope ls;
	buf a = BUF_INIT, b = BUF_INIT;
	size_t i;
	int rc;

	buf_reset(menu);
	if (nav_menu(s->nav, -1, FM_LANG_SV, menu) < 0)
		return -1;
	rc = render_shell_sub(s, cstr(menu), 'a', &a, &tei);
	if (rc == TMPL_OK)
		rc = render_shell_sub(s, cstr(menu), 'b', &b, &tei);
	buf_reset(&s->shell);
	for (i = 0; rc == TMPL_OK && i < a.len; i++)
		if (i < b.len && a.data[i] != b.data[i])
			buf_puts(&s->shell, "&#123;");
		else
			buf_putc(&s->shell, a.data[i]);
	if (rc == TMPL_OK && s->shell.oom)
		rc = TMPL_ENOMEM;
	buf_free(&a);
	buf_free(&b);
	if (rc == TMPL_OK)
		return 0;
	if (rc == TMPL_EUNKNOWN || rc == TMPL_ESYNTAX) {
		shell_values(val, cstr(menu));
		page_placeholder_errors(s->layout.data, s->layout.len,
		    layout_scope(s, val, FM_LANG_SV, &ls), &b,
		    layout_tmpl_error, s);
	} else
		diag_tmpl(s->d, -1, s->layout_file.data, 0, rc, "");
	buf_free(&b);
	return -1;
}

static void
write_sitewide(struct site *s, struct worker *w)
{
	const char *path;
	size_t i;

	buf_reset(&w->page);
	buf_puts(&w->page, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (i = 0; i < s->n; i++) {
		const struct page *p = &s->pages[i];

		if (p->bad || p->special)
			continue;
		buf_puts(&w->page, "<url><loc>");
		buf_puts_html(&w->page, s->site_url);
		buf_puts_html(&w->page, p->url);
		buf_puts(&w->page, "</loc></url>\n");
	}
	buf_puts(&w->page, "</urlset>\n");
	path = join(&w->path, s->outdir, "sitemap.xml");
	count(w, w->page.oom ? OUT_ERR : out_write(path, w->page.data,
	    w->page.len, &w->scratch), path);

	buf_reset(&w->page);
	buf_printf(&w->page, "User-agent: *\nAllow: /\n\nSitemap: %s/sitemap.xml\n",
	    s->site_url);
	path = join(&w->path, s->outdir, "robots.txt");
	count(w, out_write(path, w->page.data, w->page.len, &w->scratch), path);

	for (i = 0; i < s->nassets; i++) {
		/* assets[i] is "/assets/REL" */
		const char *src = join(&w->file, s->o->layout_dir,
		    s->assets[i] + 1);

		if (buf_read_file(&w->src, src) < 0) {
			diag_add(s->d, -1, src, 0, "cannot read: %s",
			    strerror(errno));
			continue;
		}
		path = join(&w->path, s->outdir, s->assets[i] + 1);
		count(w, out_write(path, w->src.data, w->src.len, &w->scratch),
		    path);
	}
	count(w, out_write(s->conf->layout_path, s->shell.data, s->shell.len,
	    &w->scratch), s->conf->layout_path);
	diag_move(s->d, &w->diag);
}

static int
jobs(const struct site *s)
{
	long n = s->o->jobs;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (s->n < 64 || n < 1)   /* threads cost more than they save */
		n = 1;
	return n > MAX_JOBS ? MAX_JOBS : (int)n;
}

static void
site_free(struct site *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		page_free(&s->pages[i]);
	free(s->pages);
	for (i = 0; i < s->nassets; i++)
		free(s->assets[i]);
	free(s->assets);
	nav_free(s->nav);
	urlset_free(s->urls);
	buf_free(&s->layout_file);
	buf_free(&s->layout);
	buf_free(&s->shell);
	free(s->site_url);
	conf_free(s->conf);
}

int
site_build(const struct site_opts *o, struct site_stats *st, struct diag *d)
{
	struct worker w[MAX_JOBS];
	struct site s;
	size_t errs0 = d->n;
	int nw = 1, k, rc = -1;

	memset(&s, 0, sizeof s);
	memset(w, 0, sizeof w);
	memset(st, 0, sizeof *st);
	s.o = o;
	s.d = d;
	s.builtin0 = -1;
	if (load_conf(&s) < 0 || load_layout(&s) < 0 || scan(&s) < 0)
		goto out;
	nw = jobs(&s);
	for (k = 0; k < nw; k++) {
		w[k].s = &s;
		w[k].id = k;
		if ((w[k].pool = page_pool_new()) == NULL) {
			diag_add(d, -1, "kaa-gen", 0, "out of memory");
			goto out;
		}
	}
	if (build_urls(&s) < 0) {
		diag_add(d, -1, "kaa-gen", 0, "out of memory");
		goto out;
	}
	run_pass(&s, w, nw, pass1);
	if ((s.nav = nav_new(s.pages, s.n, s.urls, s.want_subnav)) == NULL) {
		diag_add(d, -1, "kaa-gen", 0, "out of memory");
		goto out;
	}
	if (render_shell(&s, &w[0].menu) < 0)
		goto out;
	check_layout_links(&s);
	s.check_only = d->n > errs0;
	run_pass(&s, w, nw, pass2);
	if (d->n == errs0 && !d->oom)
		write_sitewide(&s, &w[0]);
	rc = d->n == errs0 && !d->oom ? 0 : -1;
out:
	for (k = 0; k < nw; k++) {
		st->pages += w[k].pages;
		st->written += w[k].written;
		st->unchanged += w[k].unchanged;
		worker_free(&w[k]);
	}
	if (rc < 0 && d->n == errs0)
		diag_add(d, -1, "kaa-gen", 0, "out of memory");
	site_free(&s);
	return rc;
}
