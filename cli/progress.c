/* progress.c — how far pull, export or rekey is, on a terminal
 * (cli_out.h). */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_out.h"

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_init(struct cli_progress *p, FILE *f, double (*now)(void),
    const char *fmt, long total)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->now = now;
	p->fmt = fmt;
	p->total = total;
	if (f != NULL)
		p->next = now() + CLI_PROGRESS_DELAY;
}

void cli_progress_start(struct cli_progress *p, const char *fmt, long total)
{
	cli_progress_init(p, isatty(STDERR_FILENO) ? stderr : NULL, monotonic, fmt,
	    total);
}

static int count_record(const struct archive_record *r, void *total)
{
	(void)r;
	++*(long *)total;
	return 0;
}

void cli_progress_count(struct cli_progress *p, archive *a,
    const struct archive_filter *f)
{
	p->total = 0;
	if (p->f != NULL && archive_each(a, f, 0, count_record, &p->total) != ARCHIVE_OK)
		p->f = NULL;
}

char *cli_progress_number(long n, char buf[CLI_PROGRESS_NUM])
{
	char digits[CLI_PROGRESS_NUM];
	int len = snprintf(digits, sizeof(digits), "%ld", n), i, o = 0;

	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ' ';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* The line from its start: the count, padded with spaces over what is
 * left of a longer one (a byte is at least a column). */
static void show(struct cli_progress *p)
{
	char done[CLI_PROGRESS_NUM], total[CLI_PROGRESS_NUM];
	int n;

	putc('\r', p->f);
	n = fprintf(p->f, p->fmt, cli_progress_number(p->done, done),
	    p->total >= 0 ? cli_progress_number(p->total, total) : "");
	if (n >= 0 && n < p->len)
		fprintf(p->f, "%*s", p->len - n, "");
	else if (n > p->len)
		p->len = n;
	p->shown = 1;
	fflush(p->f);
}

void cli_progress_step(struct cli_progress *p)
{
	double t;

	p->done++;
	if (p->f == NULL || (t = p->now()) < p->next)
		return;
	show(p);
	p->next = t + CLI_PROGRESS_EVERY;
}

void cli_progress_hide(struct cli_progress *p)
{
	if (p->f == NULL || p->len == 0)
		return;
	fprintf(p->f, "\r%*s\r", p->len, "");
	fflush(p->f);
	p->len = 0;
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->f == NULL || !p->shown)
		return;
	show(p);
	putc('\n', p->f);
	fflush(p->f);
	p->f = NULL;   /* ended: nothing more */
}
