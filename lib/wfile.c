/* wfile.c — a file written unnamed, flushed, then linked under its name
 * (never over an existing one), and its directory flushed (see wfile.h). */
#define _GNU_SOURCE      /* O_TMPFILE and mkostemp: Linux's */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wfile.h"

/* Flushes the directory that holds path: the new name is data too. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd, rc, e;

	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

static void
release(struct wfile *w)
{
	free(w->path);
	free(w->tmp);
	w->path = w->tmp = NULL;
	w->fd = -1;
}

/* The directory part of path ("." if none). */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* An unnamed file in path's directory (O_TMPFILE), or where the file
 * system has none, a new file under a temporary name beside it: either
 * way the file gets its real name only when it is whole. */
static int
open_unnamed(struct wfile *w, mode_t mode)
{
	char *dir = dir_of(w->path);
	size_t n;

	if (dir == NULL)
		return -1;
	w->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	free(dir);
	if (w->fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
	    errno != EINVAL))
		return w->fd >= 0 ? 0 : -1;
	n = strlen(w->path) + sizeof ".new.XXXXXX";
	if ((w->tmp = malloc(n)) == NULL)
		return -1;
	snprintf(w->tmp, n, "%s.new.XXXXXX", w->path);
	if ((w->fd = mkostemp(w->tmp, O_CLOEXEC)) < 0 ||
	    fchmod(w->fd, mode) != 0) {
		if (w->fd >= 0) {
			close(w->fd);
			unlink(w->tmp);
		}
		free(w->tmp);
		w->tmp = NULL;
		return -1;
	}
	return 0;
}

int
wfile_create(struct wfile *w, const char *path, mode_t mode)
{
	struct stat st;
	int e;

	w->fd = -1;
	w->tmp = NULL;
	/* refuse now rather than after the whole file is written */
	if (lstat(path, &st) == 0) {
		errno = EEXIST;
		w->path = NULL;
		return -1;
	}
	if ((w->path = strdup(path)) == NULL)
		return -1;
	if (open_unnamed(w, mode) != 0) {
		e = errno;
		release(w);
		errno = e;
		return -1;
	}
	return 0;
}

/* Gives the whole file its name; never replaces one (EEXIST). */
static int
name_it(struct wfile *w)
{
	char proc[64];

	if (w->tmp != NULL) {
		if (link(w->tmp, w->path) != 0)
			return -1;
		unlink(w->tmp);
		free(w->tmp);
		w->tmp = NULL;
		return 0;
	}
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", w->fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, w->path, AT_SYMLINK_FOLLOW);
}

int
wfile_write(struct wfile *w, const void *p, size_t n)
{
	const char *c = p;
	ssize_t k;

	while (n > 0) {
		k = write(w->fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

int
wfile_commit(struct wfile *w)
{
	int e;

	if (fsync(w->fd) != 0 || name_it(w) != 0) {
		e = errno;
		wfile_abort(w);
		errno = e;
		return -1;
	}
	if (close(w->fd) != 0) {
		e = errno;
		w->fd = -1;
		unlink(w->path);
		wfile_abort(w);
		errno = e;
		return -1;
	}
	w->fd = -1;
	if (sync_dir(w->path) != 0) {
		e = errno;
		unlink(w->path);
		wfile_abort(w);
		errno = e;
		return -1;
	}
	release(w);
	return 0;
}

void
wfile_abort(struct wfile *w)
{
	int e = errno;

	if (w->fd >= 0)
		close(w->fd);      /* an unnamed file goes with it */
	if (w->tmp != NULL)
		unlink(w->tmp);
	release(w);
	errno = e;
}

int
wfile_put(const char *path, mode_t mode, const void *p, size_t n)
{
	struct wfile w;
	int e;

	if (wfile_create(&w, path, mode) != 0)
		return -1;
	if (wfile_write(&w, p, n) != 0) {
		e = errno;
		wfile_abort(&w);
		errno = e;
		return -1;
	}
	return wfile_commit(&w);
}

int
wfile_private_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return sync_dir(path);
	if (errno != EEXIST)
		return -1;
	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
