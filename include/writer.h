/* writer.h — kaa-fcgi's group commit.
 *
 * Workers validate and seal (in parallel); one writer process stores. Each
 * worker hands its sealed rows (inbox.h) to the writer over a socket of its
 * own and, while their answers are on the way, takes further requests. The
 * writer keeps one thread (a lane) per inbox: a lane takes every row that
 * has arrived for its inbox, stores them in one transaction with one
 * durable commit, and only then answers each worker. Rows that arrive
 * during a commit go into the next one, so a burst shares its fsyncs and a
 * quiet service commits each row at once: nothing waits for a timer. A
 * slow disk holds up its own lane only.
 *
 * Failures: a submission waits at most the wait time (kaa-fcgi -b) for its
 * answer, then its worker answers 503 with the form as typed. A writer that
 * dies loses only its uncommitted transaction (SQLite rolls it back), and
 * the rows in it were never answered; kaa-fcgi's master starts a new
 * writer, which takes the rows still waiting in the sockets. A row whose
 * worker has given up is not stored, so that the 503 the person saw stays
 * true (a row committed just as its worker gave up is stored but was not
 * acknowledged: never the other way round). */
#ifndef KAA_WRITER_H
#define KAA_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "inbox.h"

#define WR_MAX_SLOTS 64        /* workers */
#define WR_BATCH_MAX 256       /* rows in one transaction */

/* The sockets between the workers and the writer: fd[i][0] is worker
 * slot i's end, fd[i][1] the writer's. The master holds both ends of
 * every slot, so a new worker or writer takes over where one died. */
struct wr_link {
	int n;
	int fd[WR_MAX_SLOTS][2];
	int slot;                  /* in a worker: its slot; else -1 */
	int wait_ms;               /* how long a worker waits for its commit */
};

/* One inbox the writer stores into: the site's index is its lane. */
struct wr_target {
	const char *path;
	int         busy_ms;
};

/* Makes n slots. Returns 0, or -1 with errno set. */
int wr_link_open(struct wr_link *l, int n, int wait_ms);
void wr_link_close(struct wr_link *l);

/* In a forked worker: keep only slot's end. In the writer (slot -1): keep
 * only the writer's ends. */
void wr_link_keep(struct wr_link *l, int slot);

/* The writer process's work: serves until SIGTERM, SIGINT or SIGHUP (which
 * the caller keeps blocked), then stores what has arrived and returns 0;
 * 1 if it cannot start. */
int wr_serve(struct wr_link *l, const struct wr_target *t, size_t n);

/* In a worker (ctx is the wr_link): hands row, for inbox number site, to
 * the writer without waiting; its answer comes later (wr_answer) with
 * *token. Returns an inbox_err: INBOX_OK once sent, INBOX_EBUSY if the
 * writer's socket takes no more. The writer stores a row only until
 * wr_now_ms() + wait_ms as of this call: the worker gives up then. */
int wr_send(void *ctx, size_t site, const struct inbox_row *row,
    uint64_t *token);

/* In a worker: takes one answer waiting on its socket (poll wr_fd). 1 with
 * the question's *token and *rc (an inbox_err: INBOX_OK once the row is
 * durable, INBOX_ETAKEN if its reference is taken: seal anew), 0 if none
 * waits. An answer whose token the worker no longer waits for is one it
 * gave up on (503): drop it. */
int wr_answer(const struct wr_link *l, uint64_t *token, int *rc);

/* CLOCK_MONOTONIC in ms, the writer's clock for deadlines. */
long long wr_now_ms(void);

/* A worker's end of its slot, to poll for answers. */
int wr_fd(const struct wr_link *l);

#endif
