/* kaa-fcgi — the e-service behind nginx.
 *
 *   kaa-fcgi -s SOCKET [-w WORKERS] [-p PIDFILE] [-b BUSY_MS] CONF...
 *
 * A master process opens the unix socket and forks WORKERS processes that
 * each accept requests on it (prefork: a crash loses the requests that
 * worker holds, not the service, and the master starts a new worker).
 * Workers validate and seal; one writer process, also the master's child,
 * stores what they seal in group commits (writer.h). A worker holds up to
 * WORKER_SLOTS requests: while submissions wait for their commit it serves
 * the next ones. Each CONF is a
 * municipality or a region of municipalities (see eservice.h: the youth
 * form under each municipality's eservice.base, the school form under its
 * region's base); requests are routed by path.
 * Logs go to stderr, one line per request, without personal data: method,
 * path (no query string), status, time. */
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "eservice.h"
#include "form.h"
#include "utf8.h"
#include "writer.h"

#define MAX_CONFS   64
#define MAX_WORKERS 64

static volatile sig_atomic_t stopping;   /* the master's */
static pid_t master_pid;
static pid_t self_pid;                   /* a worker's, for its log lines */
/* The socket came from systemd (socket activation): it outlives us, so we
 * never shut, remove or chmod it. */
static int inherited;
/* The sockets to the writer; the master keeps every end (writer.h). */
static struct wr_link link_;

struct options {
	const char *socket;
	const char *pidfile;
	int         workers;
	int         busy_ms;
	int         timeout;
	mode_t      socket_mode;
	char      **confs;
	int         nconfs;
};

static void usage(FILE *f)
{
	fputs("usage: kaa-fcgi [-s SOCKET] [-w WORKERS] [-p PIDFILE] [-b BUSY_MS] "
	    "[-m MODE] [-t SECONDS] CONF...\n"
	    "  -s SOCKET   unix socket to listen on (nginx fastcgi_pass); without\n"
	    "              it, the one socket systemd passes (LISTEN_FDS=1)\n"
	    "  -w WORKERS  worker processes (default 6), each holding up to 8\n"
	    "              requests while their commits are under way\n"
	    "  -p PIDFILE  write the master's pid here\n"
	    "  -b BUSY_MS  how long a write waits for the inbox lock (default 5000)\n"
	    "  -m MODE     socket permissions, octal (default 0660: give nginx's\n"
	    "              user the socket's group)\n"
	    "  -t SECONDS  a client must send its request within this time (default 10)\n"
	    "  CONF        a municipality's configuration, or a region's (it names\n"
	    "              its municipalities; they share one school form)\n", f);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->workers = 6;
	o->timeout = 10;
	o->busy_ms = 5000;      /* as inbox.h's default */
	o->socket_mode = 0660;
	while ((c = getopt(argc, argv, "s:w:p:b:m:t:h")) != -1) {
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'w': o->workers = atoi(optarg); break;
		case 'b': o->busy_ms = atoi(optarg); break;
		case 'm': o->socket_mode = (mode_t)strtol(optarg, NULL, 8) & 0777; break;
		case 't': o->timeout = atoi(optarg); break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	o->confs = argv + optind;
	o->nconfs = argc - optind;
	if (o->nconfs < 1 || o->nconfs > MAX_CONFS ||
	    o->workers < 1 || o->workers > MAX_WORKERS || o->busy_ms < 0 ||
	    o->busy_ms > 60000 || o->timeout < 1 || o->timeout > 3600)
		return -1;
	return 0;
}

/* The configurations by absolute paths: the paths inside them are resolved
 * against their directory, and a relative inbox path would be opened
 * against the working directory, which a confined process cannot even ask
 * for (getcwd). The copies live as long as the process. */
static void absolute_confs(struct options *o)
{
	char *abs;
	int i;

	for (i = 0; i < o->nconfs; i++)
		if ((abs = realpath(o->confs[i], NULL)) != NULL)
			o->confs[i] = abs;
}

static int load_service(const struct options *o, struct es_service *svc)
{
	struct es_loaderr err;

	if (es_service_load(svc, o->confs, (size_t)o->nconfs, o->busy_ms,
	    &err) == 0)
		return 0;
	fprintf(stderr, "kaa-fcgi: %s: %s\n", err.file, err.msg);
	return -1;
}

/* --- one request ------------------------------------------------------------ */

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* Reads the whole body. Returns its length; -1 if it is longer than limit
 * (answer 413 without reading it); -2 if CONTENT_LENGTH is malformed or the
 * body ended early, e.g. the client stalled past the timeout (answer 400:
 * a cut-off form must never be stored as if it were whole). *used: how
 * many bytes of dst were written. */
static long read_body(FCGX_Request *rq, char *dst, size_t limit, size_t *used)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", rq->envp);
	char *end;
	long want = 0;
	int n, got = 0;

	if (cl != NULL && *cl != '\0') {
		errno = 0;
		want = strtol(cl, &end, 10);
		if (errno != 0 || *end != '\0' || want < 0)
			return -2;
	}
	if ((size_t)want > limit)
		return -1;
	while (got < want && (n = FCGX_GetStr(dst + got, (int)want - got, rq->in)) > 0)
		got += n;
	*used = (size_t)got;
	return got == want ? got : -2;
}

/* Appends s to a log line with every byte of what is not plain text as
 * \xNN: invalid UTF-8, and the characters forms refuse (utf8.h: C0, C1,
 * bidi controls...), since nginx decodes %0A in paths and a request must
 * not forge or hide log lines; the backslash too, so that an escape in the
 * log is always ours. */
static void log_safe(buf *line, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len, i;
	uint32_t cp;

	while (n > 0) {
		len = utf8_decode(p, n, &cp);
		if (len > 0 && !utf8_is_control(cp) && cp != '\\')
			buf_put(line, p, len);
		else
			for (i = 0, len = len > 0 ? len : 1; i < len; i++)
				buf_printf(line, "\\x%02x", p[i]);
		p += len;
		n -= len;
	}
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* One line a request, written at once (stderr is unbuffered): method,
 * path, status, time; never the query string or the body. */
static void log_request(const struct es_request *req, int status,
    const struct timespec *t0)
{
	buf line = BUF_INIT;

	buf_printf(&line, "kaa-fcgi[%d]: ", (int)self_pid);
	log_safe(&line, req->method ? req->method : "-");
	buf_putc(&line, ' ');
	log_safe(&line, req->path ? req->path : "-");
	buf_printf(&line, " %d %.1fms\n", status, elapsed_ms(t0));
	if (!line.oom)
		fwrite(line.data, 1, line.len, stderr);
	buf_free(&line);
}

/* --- processes ---------------------------------------------------------------- */

static void on_master_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The master's handlers; once supervise runs, only inside sigsuspend. */
static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* A client that stalls must not hold a worker: reads on the connection
 * time out, the body comes up short, and the request is answered 400. */
static void set_timeout(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* The signals that stop us. Workers keep them blocked: a handler would
 * interrupt libfcgi between accept() and the request's first bytes, and
 * libfcgi then drops the connection (nginx answers 502). A worker instead
 * looks for a pending stop between requests, and the master wakes workers
 * waiting in accept() by shutting the listening socket. */
static const int stop_sigs[] = { SIGTERM, SIGINT, SIGHUP };
#define NSTOP ((int)(sizeof(stop_sigs) / sizeof(stop_sigs[0])))

static void stop_signals(sigset_t *set)
{
	int i;

	sigemptyset(set);
	for (i = 0; i < NSTOP; i++)
		sigaddset(set, stop_sigs[i]);
}

static int stop_pending(void)
{
	sigset_t pending;
	int i;

	if (sigpending(&pending) != 0)
		return 1;
	for (i = 0; i < NSTOP; i++)
		if (sigismember(&pending, stop_sigs[i]) == 1)
			return 1;
	return 0;
}

/* The next connection, with its read and write timeouts set before any of
 * its bytes is read: -1 with errno EAGAIN (the listening socket's tick, to
 * look for a stop) or another error. */
static int next_connection(int sock, int timeout)
{
	int fd = accept(sock, NULL, NULL);

	if (fd >= 0)
		set_timeout(fd, timeout);
	return fd;
}

/* Reads the request on the connection fd into rq. libfcgi reads the
 * request's first records inside FCGX_Accept_r, where a client sending
 * only part of a record would hold the worker forever if libfcgi accepted
 * the connection itself: so we accept (next_connection), hand libfcgi the
 * connection as one kept open from before, and give it a listening socket
 * it cannot accept on (not_listening), so that after a broken request it
 * returns to us at once instead of accepting without our timeouts. */
static int read_request(FCGX_Request *rq, int fd)
{
	rq->ipcFd = fd;
	rq->keepConnection = 1;
	rq->detached = 1;      /* see finish_request */
	if (FCGX_Accept_r(rq) < 0)
		return -1;     /* cut short, stalled or not FastCGI: closed */
	return 0;
}

/* Ends the request and closes its connection at once. libfcgi would
 * otherwise shut the connection and read from it for as long as bytes keep
 * coming, 2 s at a time: a client trickling a byte a second would hold the
 * worker for ever. A detached request's connection is simply closed (and
 * libfcgi clears the mark, so it is set before each close). */
static void finish_request(FCGX_Request *rq)
{
	rq->detached = 1;
	FCGX_Finish_r(rq);
}

/* What a worker holds: a connection whose request has not come yet, or a
 * submission waiting for its commit (while the worker serves others). */
enum slot_state { SLOT_FREE, SLOT_READING, SLOT_PENDING };

struct slot {
	enum slot_state    state;
	int                fd;          /* SLOT_READING: the connection */
	long long          deadline;    /* when to give up: close, or 503 */
	FCGX_Request       rq;
	struct es_request  req;
	struct es_response resp;
	struct timespec    t0;
};

/* The requests a worker holds at once. */
#define WORKER_SLOTS 8

static struct slot slots[WORKER_SLOTS];
static int ep = -1;                 /* the worker's epoll */
/* The body of the request being read: one at a time, and wiped as soon as
 * it is handled (what a pending submission needs, it holds itself). */
static char *body;                  /* FORM_BODY_MAX + 1 */

/* epoll's tags: the writer's answers, the listening socket, else slot
 * TAG_SLOT + i's connection */
enum { TAG_ANSWERS, TAG_LISTENER, TAG_SLOT };

static int watch(int fd, uint32_t events, uint32_t tag)
{
	struct epoll_event ev = { events, { .u32 = tag } };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Writes the slot's response, logs it, and ends the request. */
static void respond(struct slot *sl)
{
	struct es_response *resp = &sl->resp;
	FCGX_Request *rq = &sl->rq;
	buf head = BUF_INIT;

	buf_printf(&head, "Status: %d %s\r\n", resp->status, reason(resp->status));
	if (resp->status == 303)
		buf_printf(&head, "Location: %s\r\n", resp->location);
	if (resp->allow != NULL)
		buf_printf(&head, "Allow: %s\r\n", resp->allow);
	if (resp->retry_after > 0)
		buf_printf(&head, "Retry-After: %d\r\n", resp->retry_after);
	buf_printf(&head, "Content-Type: text/html; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\nContent-Length: %zu\r\n\r\n", resp->body.len);
	if (head.oom)
		FCGX_PutS("Status: 500 Internal Server Error\r\n\r\n", rq->out);
	else
		FCGX_PutStr(head.data, (int)head.len, rq->out);
	if (!head.oom && resp->body.len > 0 &&
	    strcmp(sl->req.method ? sl->req.method : "", "HEAD") != 0)
		FCGX_PutStr(resp->body.data, (int)resp->body.len, rq->out);
	buf_free(&head);
	log_request(&sl->req, resp->status, &sl->t0);
	/* The page may show what the youth typed: it does not linger. */
	if (resp->body.data != NULL)
		sodium_memzero(resp->body.data, resp->body.cap);
	finish_request(rq);
	sl->state = SLOT_FREE;
}

/* Reads the request now waiting on the slot's connection and answers it,
 * or, for a submission, hands it to the writer: the slot then waits for
 * the commit (at most the link's wait). */
static void serve(struct slot *sl, struct es_service *svc)
{
	struct es_request *req = &sl->req;
	FCGX_Request *rq = &sl->rq;
	size_t used = 0;
	long len;

	sl->state = SLOT_FREE;
	if (read_request(rq, sl->fd) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &sl->t0);
	memset(req, 0, sizeof(*req));
	req->method = FCGX_GetParam("REQUEST_METHOD", rq->envp);
	req->path = FCGX_GetParam("DOCUMENT_URI", rq->envp);
	req->query = FCGX_GetParam("QUERY_STRING", rq->envp);
	req->content_type = FCGX_GetParam("CONTENT_TYPE", rq->envp);
	req->host = FCGX_GetParam("HTTP_HOST", rq->envp);
	req->port = FCGX_GetParam("SERVER_PORT", rq->envp);
	req->origin = FCGX_GetParam("HTTP_ORIGIN", rq->envp);
	req->fetch_site = FCGX_GetParam("HTTP_SEC_FETCH_SITE", rq->envp);
	req->today = pnr_today();
	len = read_body(rq, body, FORM_BODY_MAX, &used);
	req->body = body;
	req->body_len = len >= 0 ? (size_t)len : 0;
	req->body_error = len == -1 ? ES_BODY_TOO_LARGE : len == -2 ? ES_BODY_BROKEN : 0;
	es_handle(svc, req, &sl->resp);
	/* What the youth typed does not linger in this process (the rest of
	 * the buffer was never written: left untouched, it takes no memory). */
	sodium_memzero(body, used + 1);
	req->body = NULL;
	req->body_len = 0;
	if (sl->resp.pending == NULL) {
		respond(sl);
		return;
	}
	sl->state = SLOT_PENDING;
	sl->deadline = wr_now_ms() + link_.wait_ms;
}

/* The writer's answer rc for the slot's submission. */
static void complete(struct slot *sl, int rc)
{
	es_finish(&sl->resp, rc);
	if (sl->resp.pending == NULL)
		respond(sl);
	else             /* sealed anew under another reference: sent again */
		sl->deadline = wr_now_ms() + link_.wait_ms;
}

/* Every answer that has come. One whose token no slot waits for is for a
 * submission already answered 503, or asked by a worker before us. */
static void take_answers(void)
{
	uint64_t token;
	int rc, i;

	while (wr_answer(&link_, &token, &rc))
		for (i = 0; i < WORKER_SLOTS; i++)
			if (slots[i].state == SLOT_PENDING &&
			    slots[i].resp.token == token) {
				complete(&slots[i], rc);
				break;
			}
}

/* Bytes wait on the connection (they may have come in time while this
 * worker was reading another request). */
static int has_bytes(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
}

/* Past its deadline, a connection whose request has not come is closed
 * (libfcgi would have given up on it too) and a submission without an
 * answer is answered 503 with the form as typed. Returns the ms until the
 * next deadline, at most a second (the stop check). */
static int expire(void)
{
	long long now = wr_now_ms(), next = now + 1000;
	struct slot *sl;

	for (sl = slots; sl < slots + WORKER_SLOTS; sl++) {
		if (sl->state == SLOT_FREE)
			continue;
		if (sl->deadline > now) {
			next = sl->deadline < next ? sl->deadline : next;
		} else if (sl->state == SLOT_PENDING) {
			complete(sl, INBOX_EBUSY);
		} else if (!has_bytes(sl->fd)) {
			close(sl->fd);       /* also leaves the epoll */
			sl->state = SLOT_FREE;
		}
	}
	return (int)(next - now);
}

static struct slot *free_slot(void)
{
	struct slot *sl;

	for (sl = slots; sl < slots + WORKER_SLOTS; sl++)
		if (sl->state == SLOT_FREE)
			return sl;
	return NULL;
}

static int held(void)
{
	int i, n = 0;

	for (i = 0; i < WORKER_SLOTS; i++)
		n += slots[i].state != SLOT_FREE;
	return n;
}

/* Takes one connection, if one waits, into a free slot: its request is
 * read once its bytes are there (nginx sends it whole), not waited for.
 * Returns 1 when the worker is to take no more: the listening socket is
 * shut (its queue served) and a stop is pending, or accept keeps failing. */
static int take_connection(int sock, int timeout, int *failures)
{
	struct slot *sl = free_slot();
	int fd = next_connection(sock, timeout);

	if (fd < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
		    errno == ECONNABORTED)
			return 0;
		if (stop_pending())
			return 1;
		/* e.g. out of file descriptors: do not spin; after many
		 * failures let the master start a fresh worker. */
		fprintf(stderr, "kaa-fcgi[%d]: accept failed\n", (int)self_pid);
		usleep(100000);
		return ++*failures > 100;
	}
	*failures = 0;
	/* one event: once its request is read, a pending connection has no
	 * more to say (closing it later leaves the epoll) */
	if (watch(fd, EPOLLIN | EPOLLONESHOT, TAG_SLOT + (uint32_t)(sl - slots)) != 0) {
		close(fd);
		return 0;
	}
	sl->fd = fd;
	sl->state = SLOT_READING;
	sl->deadline = wr_now_ms() + 1000LL * timeout;
	return 0;
}

static int worker_setup(struct es_service *svc, int slot, int *not_listening)
{
	static const struct rlimit no_core = { 0, 0 };
	static struct es_commit commit = { wr_send, &link_ };
	sigset_t mask;
	int i;

	/* Workers hold submissions in memory: no core dumps, no ptrace by
	 * other processes of the same user. */
	prctl(PR_SET_DUMPABLE, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	/* If the master is killed outright, nobody is left to stop us. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != master_pid)
		return -1;
	self_pid = getpid();
	/* its own end of the link to the writer, which stores for it */
	wr_link_keep(&link_, slot);
	es_service_set_commit(svc, &commit);
	stop_signals(&mask);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if ((body = malloc(FORM_BODY_MAX + 1)) == NULL ||
	    (*not_listening = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    (ep = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    watch(wr_fd(&link_), EPOLLIN, TAG_ANSWERS) != 0)
		return -1;
	for (i = 0; i < WORKER_SLOTS; i++) {
		buf_init(&slots[i].resp.body);
		if (FCGX_InitRequest(&slots[i].rq, *not_listening, 0) != 0)
			return -1;
	}
	return 0;
}

/* Watches the listening socket while the worker has a free slot and takes
 * connections. Of the workers waiting for one, only one wakes for it
 * (EPOLLEXCLUSIVE, which cannot be changed, only removed and added). */
static void listen_if(int sock, int want, int *watching)
{
	if (want == *watching)
		return;
	if (want ? watch(sock, EPOLLIN | EPOLLEXCLUSIVE, TAG_LISTENER) == 0 :
	    epoll_ctl(ep, EPOLL_CTL_DEL, sock, NULL) == 0)
		*watching = want;
}

/* A worker stops after the requests it holds, counting from the moment
 * accept() returned: a youth's submission is never cut off halfway, not
 * even one whose first bytes are still on their way. */
static int worker(int sock, struct es_service *svc, int timeout, int slot)
{
	struct epoll_event ev[WORKER_SLOTS + 2];
	int i, n, wait, not_listening = -1, failures = 0, done = 0, watching = 0;
	int trimmed = 1;

	if (worker_setup(svc, slot, &not_listening) != 0)
		return 1;
	/* From here on a worker reads what the internet sends: only the
	 * system calls it needs (confine.h). */
	if (confine(CONFINE_WORKER) != 0) {
		fprintf(stderr, "kaa-fcgi: a worker cannot confine itself (seccomp)\n");
		return 1;
	}
	/* No stop check before accept() on our own socket: once the master
	 * has shut it, accept() still hands out the connections nginx has
	 * queued (their requests already sent) and only then fails. systemd's
	 * socket is not shut: the connections queued there wait for the next
	 * start, and a worker looks for a stop at least each second. */
	for (;;) {
		wait = expire();
		if (inherited && stop_pending())
			done = 1;
		if (done && held() == 0)
			break;
		listen_if(sock, !done && free_slot() != NULL, &watching);
		if ((n = epoll_wait(ep, ev, WORKER_SLOTS + 2, wait)) < 0 && errno != EINTR)
			break;
		/* A second without a request: give back what the busy time
		 * took (a burst holds many requests' buffers at once). */
		if (n == 0 && held() == 0 && !trimmed) {
			malloc_trim(0);
			trimmed = 1;
		} else if (n > 0) {
			trimmed = 0;
		}
		for (i = 0; i < n; i++) {
			if (ev[i].data.u32 == TAG_ANSWERS)
				take_answers();
			else if (ev[i].data.u32 >= TAG_SLOT &&
			    slots[ev[i].data.u32 - TAG_SLOT].state == SLOT_READING)
				serve(&slots[ev[i].data.u32 - TAG_SLOT], svc);
		}
		/* connections last: a slot a request just freed can take one */
		for (i = 0; i < n; i++)
			if (ev[i].data.u32 == TAG_LISTENER && !done && free_slot())
				done = take_connection(sock, timeout, &failures);
	}
	for (i = 0; i < WORKER_SLOTS; i++)
		buf_free(&slots[i].resp.body);
	free(body);
	close(not_listening);
	close(ep);
	return stop_pending() ? 0 : 1;
}

/* The writer: every municipality's inbox is a lane of its own. */
static int writer(int sock, const struct es_service *svc)
{
	struct wr_target t[ES_MAX_SITES];
	size_t i;

	prctl(PR_SET_NAME, "kaa-writer");
	/* one malloc arena for the receiving thread and the lanes: a lane's
	 * own arena would only add memory (the lanes allocate little) */
	mallopt(M_ARENA_MAX, 1);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != master_pid)
		return 1;
	close(sock);
	wr_link_keep(&link_, -1);
	for (i = 0; i < svc->nsites; i++)
		t[i] = (struct wr_target){ svc->sites[i].conf->inbox_path,
		    svc->sites[i].busy_ms };
	if (confine(CONFINE_WRITER) != 0) {
		fprintf(stderr, "kaa-fcgi: the writer cannot confine itself (seccomp)\n");
		return 1;
	}
	return wr_serve(&link_, t, svc->nsites);
}

/* A worker for slot (0 ..), or with slot -1 the writer. The master keeps
 * the stop signals blocked (see supervise), so each is born with them
 * blocked. */
static pid_t spawn(int sock, struct es_service *svc, int timeout, int slot)
{
	pid_t pid;

	master_pid = getpid();
	if ((pid = fork()) == 0)
		_exit(slot < 0 ? writer(sock, svc) : worker(sock, svc, timeout, slot));
	if (pid < 0)
		fprintf(stderr, "kaa-fcgi: cannot start %s: %s\n",
		    slot < 0 ? "the writer" : "a worker", strerror(errno));
	return pid;
}

static void write_pidfile(const char *path)
{
	char text[32];
	int fd, len;

	if (path == NULL)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "kaa-fcgi: %s: cannot write the pid file\n", path);
		return;
	}
	len = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (write(fd, text, (size_t)len) != len)
		fprintf(stderr, "kaa-fcgi: %s: cannot write the pid file\n", path);
	close(fd);
}

/* Forgets a worker that has ended, so no signal can reach another
 * process that later gets its pid. Its slot, or -1 if not ours. */
static int forget(pid_t *pids, int nw, pid_t pid)
{
	int i;

	for (i = 0; i < nw; i++)
		if (pids[i] == pid) {
			pids[i] = 0;
			return i;
		}
	return -1;
}

/* Waits for the processes in pids to finish what they are doing, at most
 * seconds; then ends the rest. */
static void reap(pid_t *pids, int n, int seconds)
{
	int i, left, status, ticks = seconds * 20;

	for (;;) {
		/* by pid: waiting for the workers must not reap the writer */
		for (i = 0, left = 0; i < n; i++) {
			if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i])
				pids[i] = 0;
			left += pids[i] > 0;
		}
		if (left == 0 || ticks-- <= 0)
			break;
		usleep(50000);
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
			pids[i] = 0;
		}
}

static void on_child(int sig)
{
	(void)sig;      /* only to wake sigsuspend */
}

/* Keeps the writer and o->workers workers alive until told to stop, then
 * stops them: the workers first, so that the writer still commits what
 * they are waiting for. The stop signals and SIGCHLD stay blocked except
 * inside sigsuspend, so a stop cannot slip in between the check and the
 * wait. */
static void supervise(const struct options *o, int sock,
    struct es_service *svc)
{
	pid_t pids[MAX_WORKERS], wpid, pid;
	sigset_t block, wait_mask;
	time_t wborn;
	int i, born, status;

	stop_signals(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	set_handler(SIGCHLD, on_child);
	wborn = time(NULL);
	wpid = spawn(sock, svc, o->timeout, -1);
	for (i = 0; i < o->workers; i++)
		pids[i] = spawn(sock, svc, o->timeout, i);
	while (!stopping) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == wpid) {
				fprintf(stderr, "kaa-fcgi: the writer %d ended (status %d); "
				    "starting a new one\n", (int)pid, status);
				wpid = 0;
			} else if (forget(pids, o->workers, pid) >= 0)
				fprintf(stderr, "kaa-fcgi: worker %d ended (status "
				    "%d); starting a new one\n", (int)pid, status);
		}
		/* a new writer takes the rows still waiting in the sockets; one
		 * that keeps dying is restarted once a second */
		if (wpid <= 0) {
			if (time(NULL) - wborn < 1)
				sleep(1);
			wborn = time(NULL);
			wpid = spawn(sock, svc, o->timeout, -1);
		}
		/* no fork storm if workers keep dying: a second between
		 * rounds of new ones */
		for (i = 0, born = 0; i < o->workers; i++)
			if (pids[i] <= 0) {
				if (born++ == 0)
					sleep(1);
				pids[i] = spawn(sock, svc, o->timeout, i);
			}
		if (wpid > 0)
			sigsuspend(&wait_mask);
	}
	/* Signal first, then shut the socket: a worker woken in accept()
	 * then finds the stop pending. New connections are refused; those
	 * already queued are still served. */
	for (i = 0; i < o->workers; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	if (!inherited)
		shutdown(sock, SHUT_RD);
	/* a request may take: a timeout for its first bytes, a read and a
	 * write timeout each, and the wait for its commit */
	reap(pids, o->workers, 3 * o->timeout + o->busy_ms / 1000 + 1);
	/* then the writer commits what is left, within its lock wait */
	if (wpid > 0) {
		kill(wpid, SIGTERM);
		reap(&wpid, 1, o->busy_ms / 1000 + 2);
	}
}

/* Our own socket (-s), or systemd's: fd 3 when LISTEN_PID is us and
 * LISTEN_FDS is 1. Non-blocking: every idle worker's poll() wakes for a
 * new connection, and those that do not get it go back to their own
 * requests instead of waiting in accept(). */
static int listen_socket(const struct options *o)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int sock;

	if (o->socket == NULL) {
		if (pid == NULL || fds == NULL || atol(pid) != (long)getpid() ||
		    strcmp(fds, "1") != 0) {
			fputs("kaa-fcgi: no -s SOCKET, and systemd passed no socket "
			    "(LISTEN_FDS=1)\n", stderr);
			return -1;
		}
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		inherited = 1;
		sock = 3;
		fcntl(sock, F_SETFD, FD_CLOEXEC);
	} else {
		unlink(o->socket);
		if ((sock = FCGX_OpenSocket(o->socket, 128)) < 0) {
			fprintf(stderr, "kaa-fcgi: %s: cannot listen on this socket\n",
			    o->socket);
			return -1;
		}
		/* Whoever can connect can submit, bypassing nginx's limits:
		 * only nginx's user should be able to (-m; see README). */
		chmod(o->socket, o->socket_mode);
	}
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	return sock;
}

int main(int argc, char **argv)
{
	/* static: large, and alive as long as the process */
	static struct es_service svc;
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
	form_json_wipe_on_free();
	/* The inboxes (made at load) and their WAL files: not for other users
	 * to read. */
	umask(027);
	absolute_confs(&o);
	if (load_service(&o, &svc) != 0)
		return 1;
	if (wr_link_open(&link_, o.workers, o.busy_ms) != 0) {
		fprintf(stderr, "kaa-fcgi: cannot make the writer's sockets: %s\n",
		    strerror(errno));
		return 1;
	}
	/* the filters built here, once: each new worker only installs its own */
	if (confine_prepare() != 0) {
		fprintf(stderr, "kaa-fcgi: cannot build the seccomp filters\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < NSTOP; i++)
		set_handler(stop_sigs[i], on_master_term);
	FCGX_Init();
	if ((sock = listen_socket(&o)) < 0)
		return 1;
	write_pidfile(o.pidfile);
	fprintf(stderr, "kaa-fcgi: listening on %s with %d workers for %zu "
	    "municipalit%s in %zu region%s\n", inherited ? "systemd's socket" :
	    o.socket, o.workers, svc.nsites,
	    svc.nsites == 1 ? "y" : "ies", svc.nregions,
	    svc.nregions == 1 ? "" : "s");
	supervise(&o, sock, &svc);
	wr_link_close(&link_);
	if (!inherited)
		unlink(o.socket);
	if (o.pidfile != NULL)
		unlink(o.pidfile);
	es_service_free(&svc);
	return 0;
}
