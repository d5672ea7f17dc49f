/* eservice.h — the e-service pages, independent of FastCGI.
 *
 * es_handle() turns one request into one response. It never aborts on bad
 * input or a failing database: it answers 4xx/5xx and returns. The FastCGI
 * glue (fcgi/main.c) only moves bytes, so everything here is unit-tested
 * without a web server. */
#ifndef KAA_ESERVICE_H
#define KAA_ESERVICE_H

#include <stddef.h>
#include "buf.h"
#include "conf.h"
#include "inbox.h"
#include "key.h"
#include "pnr.h"

/* One municipality served by this process. */
struct es_site {
	struct conf      *conf;
	struct key_public pk;
	char             *shell;     /* page layout from kaa-gen (tmpl text) */
	size_t            shell_len;
	inbox            *ib;        /* opened on first use, per process */
	int               busy_ms;   /* inbox lock wait; 0 = default */
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
};

struct es_response {
	int         status;
	const char *allow;           /* Allow header for 405, or NULL */
	int         retry_after;     /* seconds, for 503; 0 = none */
	char        location[256];   /* for 303, or "" */
	buf         body;            /* text/html; charset=utf-8 */
};

enum es_body {
	ES_BODY_OK = 0,
	ES_BODY_TOO_LARGE,           /* over FORM_BODY_MAX: 413 */
	ES_BODY_BROKEN               /* bad CONTENT_LENGTH or cut short: 400 */
};

enum es_err { ES_OK = 0, ES_EOPEN, ES_EKEY, ES_ESHELL, ES_ENOMEM };

/* Loads a municipality: its conf (taken over: freed by es_site_free), its
 * public key and its page shell, which is test-rendered so that a shell with
 * an unknown placeholder fails here, at start-up, not on every request.
 * On error *what names the file that failed. */
int es_site_load(struct es_site *s, struct conf *conf, const char **what);
void es_site_free(struct es_site *s);

/* Answers req for one of the n sites. resp->body must be initialised (it is
 * reset first). Returns nothing: every outcome is a response. */
void es_handle(struct es_site *sites, size_t n, const struct es_request *req,
    struct es_response *resp);

const char *es_strerror(int err);

#endif
