/* writer.c — group commit: the writer process and the workers' side of it
 * (see writer.h for the design). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "writer.h"

/* A sealed record is a form's JSON (the body is at most 16 KiB) plus its
 * envelope: far below this, and a message this size fits a socket's
 * default buffer. */
#define WR_SEALED_MAX (128 << 10)

/* What a worker sends, followed by the sealed bytes. */
struct wr_req {
	uint64_t  token;                 /* matches the answer to the question */
	long long deadline;              /* CLOCK_MONOTONIC ms: the worker gives up */
	uint32_t  site;
	uint32_t  sealed_len;
	char      ref[INBOX_REF_LEN + 1];
	char      kind[32];
	char      received[32];
	char      key_id[INBOX_KEY_IDS_LEN + 1];
};

struct wr_reply {
	uint64_t token;
	int32_t  rc;                     /* an inbox_err */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- the link --------------------------------------------------------------- */

int wr_link_open(struct wr_link *l, int n, int wait_ms)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->slot = -1;
	l->wait_ms = wait_ms > 0 ? wait_ms : 5000;
	if (n < 1 || n > WR_MAX_SLOTS) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* SEQPACKET: one message is one row or one answer, whole */
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, l->fd[i]) != 0) {
			wr_link_close(l);
			return -1;
		}
		l->n = i + 1;
	}
	return 0;
}

void wr_link_close(struct wr_link *l)
{
	int i, e;

	for (i = 0; i < l->n; i++)
		for (e = 0; e < 2; e++)
			if (l->fd[i][e] >= 0)
				close(l->fd[i][e]);
	l->n = 0;
}

void wr_link_keep(struct wr_link *l, int slot)
{
	int i;

	for (i = 0; i < l->n; i++) {
		if (i != slot) {
			close(l->fd[i][0]);
			l->fd[i][0] = -1;
		}
		if (slot >= 0) {
			close(l->fd[i][1]);
			l->fd[i][1] = -1;
		}
	}
	l->slot = slot;
}

/* --- the worker's side ------------------------------------------------------ */

/* Tokens tell apart the answers to this worker's questions, several of
 * which may wait at once, and those meant for a question its slot asked
 * before: a random start (a worker that died in this slot counted from its
 * own), then one more each question, without a draw from the system's
 * generator per submission. */
static uint64_t next_token(void)
{
	static uint64_t next;

	if (next == 0)
		randombytes_buf(&next, sizeof(next));
	return next++;
}

int wr_fd(const struct wr_link *l)
{
	return l->fd[l->slot][0];
}

long long wr_now_ms(void)
{
	return now_ms();
}

int wr_send(void *ctx, size_t site, const struct inbox_row *row,
    uint64_t *token)
{
	struct wr_link *l = ctx;
	struct wr_req q;
	struct iovec iov[2];
	struct msghdr m;

	if (row->sealed_len > WR_SEALED_MAX)
		return INBOX_ETOOBIG;
	memset(&q, 0, sizeof(q));
	q.token = next_token();
	q.deadline = now_ms() + l->wait_ms;
	q.site = (uint32_t)site;
	q.sealed_len = (uint32_t)row->sealed_len;
	memcpy(q.ref, row->ref, sizeof(q.ref));
	memcpy(q.kind, row->kind, sizeof(q.kind));
	memcpy(q.received, row->received, sizeof(q.received));
	memcpy(q.key_id, row->key_id, sizeof(q.key_id));
	iov[0] = (struct iovec){ &q, sizeof(q) };
	iov[1] = (struct iovec){ row->sealed, row->sealed_len };
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	/* never waits: a socket this full means a writer that does not
	 * read, and the form is better answered 503 at once */
	if (sendmsg(wr_fd(l), &m, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof(q) + row->sealed_len))
		return INBOX_EBUSY;
	*token = q.token;
	return INBOX_OK;
}

int wr_answer(const struct wr_link *l, uint64_t *token, int *rc)
{
	struct wr_reply a;
	ssize_t n;

	while ((n = recv(wr_fd(l), &a, sizeof(a), MSG_DONTWAIT)) >= 0)
		if (n == (ssize_t)sizeof(a)) {
			*token = a.token;
			*rc = a.rc;
			return 1;
		}
	return 0;
}

/* --- the writer ------------------------------------------------------------- */

struct job {
	struct job      *next;
	int              fd;             /* where the answer goes */
	uint64_t         token;
	long long        deadline;
	int              rc;
	struct inbox_row row;
};

/* One inbox's queue and the thread that commits it. */
struct lane {
	pthread_mutex_t         mu;
	pthread_cond_t          cv;
	struct job             *head;
	struct job            **tail;
	int                     stop;
	const struct wr_target *t;
	inbox                  *ib;
	pthread_t               th;
	int                     started;   /* th runs: to be joined */
};

static void answer_free(struct job *j)
{
	struct wr_reply a;

	memset(&a, 0, sizeof(a));    /* no stack bytes in the padding */
	a.token = j->token;
	a.rc = j->rc;
	/* never blocks: a slot whose worker is gone may be full */
	send(j->fd, &a, sizeof(a), MSG_DONTWAIT | MSG_NOSIGNAL);
	inbox_row_clear(&j->row);
	free(j);
}

/* Everything queued (up to a batch), or NULL once stopped and empty. */
static struct job *lane_take(struct lane *ln)
{
	struct job *list, *j;
	int n = 1;

	pthread_mutex_lock(&ln->mu);
	while (ln->head == NULL && !ln->stop)
		pthread_cond_wait(&ln->cv, &ln->mu);
	list = ln->head;
	for (j = list; j != NULL && j->next != NULL && n < WR_BATCH_MAX; j = j->next)
		n++;
	if (j != NULL) {
		ln->head = j->next;
		j->next = NULL;
		if (ln->head == NULL)
			ln->tail = &ln->head;
	}
	pthread_mutex_unlock(&ln->mu);
	return list;
}

static int lane_open(struct lane *ln)
{
	return inbox_keep_open(&ln->ib, ln->t->path, INBOX_CREATE, ln->t->busy_ms);
}
/* 1 if the inbox's file system has too little room left for this batch:
 * it is refused (503, the form kept) before SQLite starts writing, rather
 * than failing half-way with the disk full. Kept free: a twentieth of the
 * file system, at most 64 MiB, and four times the batch (its rows go to
 * the WAL, then into the table and the index). */
static int nearly_full(const char *path, size_t batch_bytes)
{
	struct statvfs fs;
	unsigned long long avail, keep;

	if (statvfs(path, &fs) != 0)
		return 0;          /* no file yet, or no answer: SQLite will say */
	avail = (unsigned long long)fs.f_bavail * fs.f_frsize;
	keep = (unsigned long long)fs.f_blocks * fs.f_frsize / 20;
	if (keep > 64ULL << 20)
		keep = 64ULL << 20;
	return avail < keep + 4ULL * batch_bytes;
}

/* Stores the batch's rows in one commit, then answers each worker. A row
 * whose worker has already given up is left out. */
static void lane_commit(struct lane *ln, struct job *list)
{
	const struct inbox_row *rows[WR_BATCH_MAX];
	struct job *live[WR_BATCH_MAX], *j, *next;
	int rc[WR_BATCH_MAX], err = INBOX_OK;
	long long now = now_ms(), first = 0;
	size_t i, n = 0, bytes = 0;

	for (j = list; j != NULL; j = j->next) {
		j->rc = INBOX_EBUSY;
		if (j->deadline > now) {
			live[n] = j;
			rows[n++] = &j->row;
			bytes += j->row.sealed_len;
			if (first == 0 || j->deadline < first)
				first = j->deadline;
		}
	}
	if (n > 0 && nearly_full(ln->t->path, bytes))
		err = INBOX_EFULL;
	else if (n > 0 && (err = lane_open(ln)) == INBOX_OK) {
		/* wait for the lock no longer than the first worker waits
		 * for us: a batch is not committed after its workers have
		 * answered 503 (a margin for the INSERTs and the fsync) */
		inbox_set_busy(ln->ib, first - now > 100 ? (int)(first - now - 50) : 50);
		err = inbox_insert(ln->ib, rows, n, rc);
	}
	inbox_keep_after(&ln->ib, err);
	for (i = 0; i < n; i++)
		live[i]->rc = err == INBOX_OK ? rc[i] : err;
	for (j = list; j != NULL; j = next) {
		next = j->next;
		answer_free(j);
	}
}

static void *lane_main(void *arg)
{
	struct lane *ln = arg;
	struct job *batch;

	/* open now, not at the first row: receipts read the inbox beside us
	 * (its WAL index must be there) */
	lane_open(ln);
	while ((batch = lane_take(ln)) != NULL)
		lane_commit(ln, batch);
	inbox_close(ln->ib);
	ln->ib = NULL;
	return NULL;
}

static void lane_push(struct lane *ln, struct job *j)
{
	pthread_mutex_lock(&ln->mu);
	*ln->tail = j;
	ln->tail = &j->next;
	pthread_cond_signal(&ln->cv);
	pthread_mutex_unlock(&ln->mu);
}

/* Reads one waiting message from a worker's socket into a job. 1 if one was
 * taken (a malformed one is dropped), 0 if none is waiting. */
static int receive_one(int fd, struct lane *lanes, size_t nlanes)
{
	struct wr_req q;
	struct job *j;
	struct iovec iov[2];
	struct msghdr m;
	ssize_t len = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	size_t body;

	if (len <= 0) {
		/* 0: an empty message (dropped) or the end: nobody holds the
		 * slot's other end any more (the poll loop then stops) */
		if (len == 0)
			recv(fd, &q, 0, MSG_DONTWAIT);
		return 0;
	}
	body = (size_t)len > sizeof(q) ? (size_t)len - sizeof(q) : 0;
	j = calloc(1, sizeof(*j));
	if (j == NULL || (size_t)len < sizeof(q) || body > WR_SEALED_MAX ||
	    (j->row.sealed = malloc(body > 0 ? body : 1)) == NULL) {
		recv(fd, &q, 0, MSG_DONTWAIT);      /* drop it: its worker's wait runs out */
		free(j);
		return 1;
	}
	iov[0] = (struct iovec){ &q, sizeof(q) };
	iov[1] = (struct iovec){ j->row.sealed, body };
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	if (recvmsg(fd, &m, MSG_DONTWAIT) != len || q.site >= nlanes ||
	    q.sealed_len != body) {
		inbox_row_clear(&j->row);
		free(j);
		return 1;
	}
	j->fd = fd;
	j->token = q.token;
	j->deadline = q.deadline;
	j->row.sealed_len = body;
#define COPY_STR(f) (memcpy(j->row.f, q.f, sizeof(q.f)), j->row.f[sizeof(q.f) - 1] = '\0')
	COPY_STR(ref);
	COPY_STR(kind);
	COPY_STR(received);
	COPY_STR(key_id);
#undef COPY_STR
	lane_push(&lanes[q.site], j);
	return 1;
}

static void receive_all(int fd, struct lane *lanes, size_t nlanes)
{
	while (receive_one(fd, lanes, nlanes))
		;
}

static int lanes_start(struct lane *lanes, const struct wr_target *t, size_t n)
{
	pthread_attr_t attr;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		pthread_mutex_init(&lanes[i].mu, NULL);
		pthread_cond_init(&lanes[i].cv, NULL);
		lanes[i].tail = &lanes[i].head;
		lanes[i].t = &t[i];
	}
	pthread_attr_init(&attr);
	/* an INSERT and a COMMIT need little stack; keep the memory small */
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (i = 0; i < n && rc == 0; i++)
		lanes[i].started = (rc = pthread_create(&lanes[i].th, &attr,
		    lane_main, &lanes[i])) == 0;
	pthread_attr_destroy(&attr);
	return rc == 0 ? 0 : -1;
}

/* Lets every lane commit what it holds, then ends it. */
static void lanes_stop(struct lane *lanes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lanes[i].started) {
			pthread_mutex_lock(&lanes[i].mu);
			lanes[i].stop = 1;
			pthread_cond_signal(&lanes[i].cv);
			pthread_mutex_unlock(&lanes[i].mu);
			pthread_join(lanes[i].th, NULL);
		}
		pthread_mutex_destroy(&lanes[i].mu);
		pthread_cond_destroy(&lanes[i].cv);
	}
}

/* The signals that stop the writer, as a descriptor to poll. */
static int stop_fd(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGHUP);
	return signalfd(-1, &s, SFD_CLOEXEC);
}

int wr_serve(struct wr_link *l, const struct wr_target *t, size_t n)
{
	struct pollfd p[WR_MAX_SLOTS + 1];
	struct lane *lanes = calloc(n, sizeof(*lanes));
	int i, open_slots = l->n, sfd = stop_fd(), ok = lanes != NULL && sfd >= 0;

	if (ok && lanes_start(lanes, t, n) != 0)
		ok = 0;
	for (i = 0; i < l->n; i++)
		p[i] = (struct pollfd){ .fd = l->fd[i][1], .events = POLLIN };
	p[l->n] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	while (ok && open_slots > 0 && !(p[l->n].revents & POLLIN)) {
		if (poll(p, (nfds_t)l->n + 1, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < l->n; i++) {
			if (p[i].revents & POLLIN)
				receive_all(p[i].fd, lanes, n);
			/* the master and the slot's worker are gone: poll
			 * ignores a negative fd */
			if (p[i].revents & (POLLHUP | POLLERR)) {
				p[i].fd = -1;
				open_slots--;
			}
		}
	}
	/* stopping: the workers have finished; store what they sent */
	for (i = 0; ok && i < l->n; i++)
		if (p[i].fd >= 0)
			receive_all(p[i].fd, lanes, n);
	if (lanes != NULL)
		lanes_stop(lanes, n);
	free(lanes);
	if (sfd >= 0)
		close(sfd);
	return ok ? 0 : 1;
}
