/* cmark-floor.c — the floor under any cmark-based generator: how long
 * libcmark alone takes to parse and render the benchmark corpus, with the
 * files already in memory, nothing written, on as many threads as kaa-gen
 * uses. It calls kaa-gen's own page_markdown (cmark with kaa-gen's memory
 * pool, no placeholders, no link check), so the gap between this and
 * kaa-gen is exactly everything else kaa-gen does: reading, front matter,
 * links, navigation, the layout and writing.
 *
 *   build/bench/cmark-floor [-j N] [-r RUNS] < list-of-files
 *
 * Prints the median wall time of RUNS passes over all files (after one
 * warm-up pass), and the CPU time of the whole process. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "gen_fm.h"
#include "gen_page.h"

struct file {
	char  *text;     /* the whole file */
	size_t body, len;    /* the body after the front matter */
};

static struct file *files;
static size_t nfiles;
static _Alignas(64) atomic_size_t next;

struct worker {
	_Alignas(64) pthread_t th;   /* a cache line each: see kaa-gen's */
	struct page_pool *pool;
	buf               tmp, html;
	size_t            out;       /* bytes of HTML, so no work is skipped */
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	size_t i;

	while ((i = atomic_fetch_add(&next, 1)) < nfiles) {
		buf_reset(&w->html);
		if (page_markdown(files[i].text + files[i].body, files[i].len,
		    NULL, w->pool, &w->tmp, &w->html, NULL, NULL, NULL) != PAGE_OK)
			abort();
		w->out += w->html.len;
	}
	return NULL;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double
one_pass(struct worker *w, int nw)
{
	double t0 = now();
	int k;

	atomic_store(&next, 0);
	for (k = 1; k < nw; k++)
		if (pthread_create(&w[k].th, NULL, work, &w[k]) != 0)
			abort();
	work(&w[0]);
	for (k = 1; k < nw; k++)
		pthread_join(w[k].th, NULL);
	return now() - t0;
}

static double
cpu(const struct rusage *r)
{
	return (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
	    (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
load(void)
{
	char path[4096];
	struct fm fm;
	struct fm_errinfo ei;
	buf b = BUF_INIT;
	size_t cap = 0;

	while (fgets(path, sizeof path, stdin) != NULL) {
		path[strcspn(path, "\n")] = '\0';
		if (buf_read_file(&b, path) < 0 ||
		    fm_parse(b.data, b.len, &fm, &ei) != FM_OK) {
			fprintf(stderr, "cmark-floor: %s: cannot read\n", path);
			return -1;
		}
		if (nfiles == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((files = realloc(files, cap * sizeof *files)) == NULL)
				return -1;
		}
		files[nfiles].body = fm.body_off;
		files[nfiles].len = b.len - fm.body_off;
		files[nfiles].text = buf_detach(&b);
		fm_free(&fm);
		nfiles++;
	}
	return nfiles > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct worker w[64];
	double t[101];
	struct rusage r0, r1;
	size_t out = 0;
	int c, k, nw = (int)sysconf(_SC_NPROCESSORS_ONLN), runs = 10;

	while ((c = getopt(argc, argv, "j:r:")) != -1)
		if (c == 'j')
			nw = atoi(optarg);
		else if (c == 'r')
			runs = atoi(optarg);
		else
			return 2;
	if (nw < 1 || nw > 64 || runs < 1 || runs > 100 || load() < 0)
		return 2;
	memset(w, 0, sizeof w);
	for (k = 0; k < nw; k++)
		if ((w[k].pool = page_pool_new()) == NULL)
			return 1;
	one_pass(w, nw);             /* warm-up */
	getrusage(RUSAGE_SELF, &r0);
	for (k = 0; k < runs; k++)
		t[k] = one_pass(w, nw);
	qsort(t, (size_t)runs, sizeof t[0], cmp_double);
	for (k = 0; k < nw; k++)
		out += w[k].out;
	getrusage(RUSAGE_SELF, &r1);
	printf("cmark-floor: %zu files, %d threads, %d runs: median %.3f s, "
	    "min %.3f s; cpu per pass %.3f s; %zu bytes of HTML per pass\n",
	    nfiles, nw, runs, t[runs / 2], t[0],
	    (cpu(&r1) - cpu(&r0)) / runs, out / (size_t)(runs + 1));
	return 0;
}
