/* kaa-fcgi — the e-service behind nginx.
 *
 *   kaa-fcgi -s SOCKET [-w WORKERS] [-p PIDFILE] [-b BUSY_MS] CONF...
 *
 * A master process opens the unix socket and forks WORKERS processes that
 * each accept requests on it (prefork: a crash loses one request, not the
 * service, and the master starts a new worker). Each CONF is one
 * municipality; requests are routed by its eservice.base path.
 * Logs go to stderr, one line per request, without personal data: method,
 * path (no query string), status, time. */
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "eservice.h"
#include "form.h"

#define MAX_SITES   64
#define MAX_WORKERS 64

static volatile sig_atomic_t stopping;
static volatile sig_atomic_t in_request;

struct options {
	const char *socket;
	const char *pidfile;
	int         workers;
	int         busy_ms;
	char      **confs;
	int         nconfs;
};

static void usage(FILE *f)
{
	fputs("usage: kaa-fcgi -s SOCKET [-w WORKERS] [-p PIDFILE] [-b BUSY_MS] "
	    "CONF...\n"
	    "  -s SOCKET   unix socket to listen on (nginx fastcgi_pass)\n"
	    "  -w WORKERS  worker processes (default 4)\n"
	    "  -p PIDFILE  write the master's pid here\n"
	    "  -b BUSY_MS  how long a write waits for the inbox lock (default 5000)\n"
	    "  CONF        one municipality configuration per file\n", f);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->workers = 4;
	while ((c = getopt(argc, argv, "s:w:p:b:h")) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'w': o->workers = atoi(optarg); break;
		case 'b': o->busy_ms = atoi(optarg); break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	o->confs = argv + optind;
	o->nconfs = argc - optind;
	if (o->socket == NULL || o->nconfs < 1 || o->nconfs > MAX_SITES ||
	    o->workers < 1 || o->workers > MAX_WORKERS || o->busy_ms < 0)
		return -1;
	return 0;
}

static int load_sites(const struct options *o, struct es_site *sites)
{
	struct conf_errinfo ei;
	struct conf *c;
	const char *what = NULL;
	int i, rc;

	for (i = 0; i < o->nconfs; i++) {
		rc = conf_load(o->confs[i], &c, &ei);
		if (rc != CONF_OK) {
			fprintf(stderr, "kaa-fcgi: %s:%d: %s%s%s\n", o->confs[i],
			    ei.line, conf_strerror(rc), ei.key[0] ? ": " : "", ei.key);
			return -1;
		}
		if ((rc = es_site_load(&sites[i], c, &what)) != ES_OK) {
			fprintf(stderr, "kaa-fcgi: %s: %s (%s)\n", o->confs[i],
			    es_strerror(rc), what);
			es_site_free(&sites[i]);
			return -1;
		}
		sites[i].busy_ms = o->busy_ms;
	}
	return 0;
}

/* --- one request ------------------------------------------------------------ */

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* Reads the body up to the limit; returns its length, or -1 if it is longer
 * than limit (the caller answers 413 without reading the rest). */
static long read_body(FCGX_Request *rq, char *dst, size_t limit)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", rq->envp);
	long want = cl ? strtol(cl, NULL, 10) : 0;
	int n, got = 0;

	if (want < 0 || (size_t)want > limit)
		return -1;
	while (got < want && (n = FCGX_GetStr(dst + got, (int)want - got, rq->in)) > 0)
		got += n;
	return got;
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void serve(FCGX_Request *rq, struct es_site *sites, size_t n,
    struct es_response *resp, char *body)
{
	struct es_request req;
	struct timespec t0;
	char head[512];
	long len;
	int hlen;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&req, 0, sizeof(req));
	req.method = FCGX_GetParam("REQUEST_METHOD", rq->envp);
	req.path = FCGX_GetParam("DOCUMENT_URI", rq->envp);
	req.query = FCGX_GetParam("QUERY_STRING", rq->envp);
	req.content_type = FCGX_GetParam("CONTENT_TYPE", rq->envp);
	req.today = pnr_today();
	len = read_body(rq, body, FORM_BODY_MAX_READ);
	req.body = body;
	req.body_len = len < 0 ? FORM_BODY_MAX_READ + 1 : (size_t)len;
	es_handle(sites, n, &req, resp);

	/* libfcgi's own printf lacks C99 length modifiers: format here. */
	hlen = snprintf(head, sizeof(head), "Status: %d %s\r\n", resp->status,
	    reason(resp->status));
	if (resp->status == 303)
		hlen += snprintf(head + hlen, sizeof(head) - (size_t)hlen,
		    "Location: %s\r\n", resp->location);
	if (resp->allow != NULL)
		hlen += snprintf(head + hlen, sizeof(head) - (size_t)hlen,
		    "Allow: %s\r\n", resp->allow);
	if (resp->retry_after > 0)
		hlen += snprintf(head + hlen, sizeof(head) - (size_t)hlen,
		    "Retry-After: %d\r\n", resp->retry_after);
	hlen += snprintf(head + hlen, sizeof(head) - (size_t)hlen,
	    "Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
	    "Content-Length: %zu\r\n\r\n", resp->body.len);
	FCGX_PutStr(head, hlen, rq->out);
	if (resp->body.len > 0 && strcmp(req.method ? req.method : "", "HEAD") != 0)
		FCGX_PutStr(resp->body.data, (int)resp->body.len, rq->out);
	fprintf(stderr, "kaa-fcgi[%d]: %s %s %d %.1fms\n", (int)getpid(),
	    req.method ? req.method : "-", req.path ? req.path : "-",
	    resp->status, elapsed_ms(&t0));
}

/* --- processes ---------------------------------------------------------------- */

/* A worker stops at once between requests, or after finishing the one it is
 * in: a youth's submission is never cut off halfway. */
static void on_worker_term(int sig)
{
	(void)sig;
	if (!in_request)
		_exit(0);
	stopping = 1;
}

static void on_master_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int worker(int sock, struct es_site *sites, size_t n)
{
	FCGX_Request rq;
	struct es_response resp;
	char *body = malloc(FORM_BODY_MAX_READ + 1);

	set_handler(SIGTERM, on_worker_term);
	set_handler(SIGINT, on_worker_term);
	if (body == NULL || FCGX_InitRequest(&rq, sock, 0) != 0)
		return 1;
	buf_init(&resp.body);
	while (!stopping) {
		if (FCGX_Accept_r(&rq) < 0) {
			if (stopping)
				break;
			continue;
		}
		in_request = 1;
		serve(&rq, sites, n, &resp, body);
		FCGX_Finish_r(&rq);
		in_request = 0;
	}
	buf_free(&resp.body);
	free(body);
	return 0;
}

static pid_t spawn(int sock, struct es_site *sites, size_t n)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(worker(sock, sites, n));
	return pid;
}

static void write_pidfile(const char *path)
{
	FILE *f;

	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

/* Keeps o->workers workers alive until told to stop, then stops them. */
static void supervise(const struct options *o, int sock, struct es_site *sites,
    size_t n)
{
	pid_t pids[MAX_WORKERS], pid;
	int i, status;

	for (i = 0; i < o->workers; i++)
		pids[i] = spawn(sock, sites, n);
	while (!stopping) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		for (i = 0; i < o->workers && !stopping; i++)
			if (pids[i] == pid) {
				fprintf(stderr, "kaa-fcgi: worker %d ended (status %d); "
				    "starting a new one\n", (int)pid, status);
				sleep(1);   /* no fork storm if workers die at once */
				pids[i] = spawn(sock, sites, n);
			}
	}
	for (i = 0; i < o->workers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct es_site sites[MAX_SITES];
	struct options o;
	int sock, i;

	if (parse_args(argc, argv, &o) != 0) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fputs("kaa-fcgi: libsodium failed to start\n", stderr);
		return 1;
	}
	memset(sites, 0, sizeof(sites));
	if (load_sites(&o, sites) != 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	set_handler(SIGTERM, on_master_term);
	set_handler(SIGINT, on_master_term);
	FCGX_Init();
	unlink(o.socket);
	if ((sock = FCGX_OpenSocket(o.socket, 128)) < 0) {
		fprintf(stderr, "kaa-fcgi: %s: cannot listen on this socket\n", o.socket);
		return 1;
	}
	/* nginx's workers may run as another user; the socket's directory is
	 * what limits who can reach it. */
	chmod(o.socket, 0666);
	write_pidfile(o.pidfile);
	fprintf(stderr, "kaa-fcgi: listening on %s with %d workers for %d "
	    "municipalit%s\n", o.socket, o.workers, o.nconfs,
	    o.nconfs == 1 ? "y" : "ies");
	supervise(&o, sock, sites, (size_t)o.nconfs);
	unlink(o.socket);
	if (o.pidfile != NULL)
		unlink(o.pidfile);
	for (i = 0; i < o.nconfs; i++)
		es_site_free(&sites[i]);
	return 0;
}
