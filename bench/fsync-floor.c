/* fsync-floor.c — how many durable commits a second the disk allows, the
 * least one SQLite commit with synchronous=FULL costs: 4 KiB written, then
 * fdatasync, again and again, for SECS seconds each way:
 *   append   at the end of a growing file (each sync also writes the size);
 *   inplace  over the first 1 MiB of a file written and synced before, the
 *            way a WAL is reused from its start after a checkpoint.
 * bench/eservice-bench.sh runs it in the directory the inboxes are in, so
 * it measures their file system.
 *
 *   fsync-floor FILE [SECS]     (FILE must not exist; it is removed)
 *
 * Prints one line: append_per_s= append_p50_ms= append_p99_ms= and the
 * same for inplace. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define INPLACE_BLOCKS 256
#define MAX_SAMPLES 1000000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Writes and syncs until secs have passed, at the end of the file
 * (inplace 0) or cycling over its first INPLACE_BLOCKS blocks; each
 * sync's time in ms into lat. Returns how many, or -1 on an error. */
static long run(int fd, double secs, int inplace, double *lat)
{
	static char block[BLOCK];
	double t0 = now(), t, t1;
	off_t end = lseek(fd, 0, SEEK_END);
	long n = 0;
	off_t at;

	memset(block, 'k', sizeof(block));
	for (t = t0; t - t0 < secs && n < MAX_SAMPLES; t = t1) {
		at = inplace ? (off_t)(n % INPLACE_BLOCKS) * BLOCK : end + (off_t)n * BLOCK;
		if (pwrite(fd, block, sizeof(block), at) != (ssize_t)sizeof(block) ||
		    fdatasync(fd) != 0)
			return -1;
		t1 = now();
		lat[n++] = (t1 - t) * 1e3;
	}
	return n;
}

/* One way: prints "NAME_per_s=R NAME_p50_ms=A NAME_p99_ms=B". */
static int measure(int fd, const char *name, int inplace, double secs,
    double *lat)
{
	double t0 = now();
	long n = run(fd, secs, inplace, lat);

	t0 = now() - t0;
	if (n <= 0)
		return -1;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("%s_per_s=%.0f %s_p50_ms=%.3f %s_p99_ms=%.3f", name,
	    (double)n / t0, name, lat[n / 2], name, lat[n * 99 / 100]);
	return 0;
}

/* The in-place run writes over data, never into a hole or past the end:
 * the file's first INPLACE_BLOCKS blocks are written and synced first. */
static int fill(int fd)
{
	static char block[BLOCK];
	off_t end = lseek(fd, 0, SEEK_END), at;

	for (at = end; at < (off_t)INPLACE_BLOCKS * BLOCK; at += BLOCK)
		if (pwrite(fd, block, sizeof(block), at) != (ssize_t)sizeof(block))
			return -1;
	return fsync(fd);
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 3.0, *lat;
	int fd, rc;

	if (argc < 2 || argc > 3 || secs <= 0) {
		fprintf(stderr, "usage: fsync-floor FILE [SECS]\n");
		return 2;
	}
	if ((lat = malloc(MAX_SAMPLES * sizeof(*lat))) == NULL ||
	    (fd = open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600)) < 0) {
		perror(argv[1]);
		return 1;
	}
	rc = measure(fd, "append", 0, secs, lat);
	if (rc == 0)
		rc = fill(fd);
	if (rc == 0) {
		putchar(' ');
		rc = measure(fd, "inplace", 1, secs, lat);
	}
	putchar('\n');
	close(fd);
	unlink(argv[1]);
	free(lat);
	if (rc != 0) {
		perror("fsync-floor: write or fdatasync");
		return 1;
	}
	return 0;
}
