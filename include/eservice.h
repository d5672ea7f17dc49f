/* eservice.h — the e-service pages, independent of FastCGI.
 *
 * es_handle() turns one request into one response. It never aborts on bad
 * input or a failing database: it answers 4xx/5xx and returns. The FastCGI
 * glue (fcgi/main.c) only moves bytes, so everything here is unit-tested
 * without a web server. */
#ifndef KAA_ESERVICE_H
#define KAA_ESERVICE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "conf.h"
#include "form.h"
#include "inbox.h"
#include "key.h"
#include "pnr.h"
#include "region.h"

/* How a sealed submission reaches its inbox. Without one, es_handle stores
 * each submission itself, in a transaction of its own. kaa-fcgi's workers
 * hand them to its writer process (writer.h), which commits them in
 * groups: send(ctx, site, row, &token) hands the row over without waiting
 * for the commit (site is the municipality's index in es_service.sites;
 * returns an inbox_err), and the answer, when it comes, goes to
 * es_finish. */
struct es_commit {
	int  (*send)(void *ctx, size_t site, const struct inbox_row *row,
	    uint64_t *token);
	void  *ctx;
};

/* A sealed submission waiting for its commit (es_finish). */
struct es_pending;

/* One municipality served by this process. */
struct es_site {
	struct conf      *conf;
	struct key_set    keys;      /* its coordinators' public keys */
	char             *shell;     /* page layout from kaa-gen (tmpl text) */
	size_t            shell_len;
	inbox            *ib;        /* opened on first use, per process */
	int               busy_ms;   /* inbox lock wait; 0 = default */
	size_t            index;     /* in es_service.sites */
	const struct es_commit *commit;  /* NULL: store here */
};

struct es_request {
	const char *method;          /* "GET", "POST", ... */
	const char *path;            /* without the query string */
	const char *query;           /* may be NULL */
	const char *content_type;    /* may be NULL */
	const char *body;            /* POST body, may be NULL */
	size_t      body_len;
	int         body_error;      /* enum es_body: the body could not be read */
	struct pnr_date today;
	/* where the browser says the request comes from (NULL if absent):
	 * a POST from another site is refused (see es_cross_site) */
	const char *host;            /* Host (nginx passes it without the port) */
	const char *port;            /* the port the request came to */
	const char *origin;          /* Origin */
	const char *fetch_site;      /* Sec-Fetch-Site */
};

struct es_response {
	int         status;
	const char *allow;           /* Allow header for 405, or NULL */
	int         retry_after;     /* seconds, for 503; 0 = none */
	char        location[1024];  /* for 303, or "" */
	buf         body;            /* text/html; charset=utf-8 */
	/* Not NULL: no answer yet. The submission was handed over (es_commit)
	 * under token; es_finish gives its answer. */
	struct es_pending *pending;
	uint64_t    token;
};

enum es_body {
	ES_BODY_OK = 0,
	ES_BODY_TOO_LARGE,           /* over FORM_BODY_MAX: 413 */
	ES_BODY_BROKEN               /* bad CONTENT_LENGTH or cut short: 400 */
};

enum es_err { ES_OK = 0, ES_EOPEN, ES_EKEY, ES_ESHELL, ES_ENOMEM, ES_ECONF };

#define ES_MAX_SITES   64
#define ES_MAX_REGIONS 8
#define ES_MAX_FORMS   2

/* Forms served under one path: the youth form under each municipality's
 * eservice.base, the school form under its region's base (or, for a
 * municipality in no region, under its own). host's page shell and
 * contact details show the pages; a submission goes to one of to[] (the
 * form's route field chooses, when there are several). */
struct es_mount {
	const char             *base;
	struct es_site         *host;
	struct es_site         *to[ES_MAX_SITES];
	size_t                  nto;
	const struct form_spec *forms[ES_MAX_FORMS];
	size_t                  nforms;
	struct form_spec       *owned;      /* the school form for to[] */
	struct form_choice     *choices;    /* its municipality choices */
	const char             *name;       /* the region's, or NULL */
};

/* Everything one kaa-fcgi serves. */
struct es_service {
	struct es_site  sites[ES_MAX_SITES];
	size_t          nsites;
	struct region  *regions[ES_MAX_REGIONS];
	size_t          nregions;
	struct es_mount mounts[ES_MAX_SITES + ES_MAX_REGIONS];
	size_t          nmounts;
};

/* Why loading failed: the file and what is wrong with it. */
struct es_loaderr {
	char file[512];
	char msg[256];
};

/* Loads a municipality: its conf (taken over: freed by es_site_free), its
 * public key and its page shell, which is test-rendered so that a shell with
 * an unknown placeholder fails here, at start-up, not on every request.
 * On error *what names the file that failed. */
int es_site_load(struct es_site *s, struct conf *conf, const char **what);
void es_site_free(struct es_site *s);

/* Loads the configuration files given to kaa-fcgi: each a municipality or a
 * region (region.h), whose municipalities are loaded with it. Every
 * municipality needs its keys and page shell, and its inbox is made (or
 * checked) here, before any worker runs; a municipality's
 * eservice.school must be where its school form is served. Returns 0, or
 * -1 with *err saying what is wrong (svc is then freed). */
int es_service_load(struct es_service *svc, char *const *paths, size_t n,
    int busy_ms, struct es_loaderr *err);
void es_service_free(struct es_service *svc);

/* From now on submissions are stored through c (which must outlive svc). */
void es_service_set_commit(struct es_service *svc, const struct es_commit *c);

/* Answers req. resp->body must be initialised (it is reset first) and
 * resp->pending NULL. Returns nothing: every outcome is a response, or,
 * with an es_commit, a submission pending (resp->pending). */
void es_handle(struct es_service *svc, const struct es_request *req,
    struct es_response *resp);

/* The answer rc (an inbox_err) to resp's pending submission: 303 to the
 * receipt once it is stored, 503 with the form as typed if not (also for
 * INBOX_EBUSY: no answer in time). A taken reference is sealed anew and
 * handed over again: resp is then still pending, under a new token. Uses
 * nothing of the request, which may be gone. */
void es_finish(struct es_response *resp, int rc);

/* 1 if a browser says the request comes from another site: Sec-Fetch-Site
 * other than same-origin or none (typed or bookmarked), or an Origin whose
 * host is not the Host asked for, or whose port (the scheme's if none) is
 * not the port the request came to ("null" included). A request with
 * neither (not a browser, or an old one) is not refused for it. */
int es_cross_site(const struct es_request *req);

const char *es_strerror(int err);

#endif
