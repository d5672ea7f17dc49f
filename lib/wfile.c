/* wfile.c — exclusive create, full write, fsync of file and directory
 * (see wfile.h). */
#include <errno.h>
#include <fcntl.h>
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
	w->path = NULL;
	w->fd = -1;
}

int
wfile_create(struct wfile *w, const char *path, mode_t mode)
{
	w->fd = -1;
	if ((w->path = strdup(path)) == NULL)
		return -1;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (w->fd < 0) {
		int e = errno;

		release(w);
		errno = e;
		return -1;
	}
	return 0;
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

	if (fsync(w->fd) != 0) {
		e = errno;
		wfile_abort(w);
		errno = e;
		return -1;
	}
	if (close(w->fd) != 0) {
		e = errno;
		w->fd = -1;
		wfile_abort(w);
		errno = e;
		return -1;
	}
	w->fd = -1;
	if (sync_dir(w->path) != 0) {
		e = errno;
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
		close(w->fd);
	if (w->path != NULL)
		unlink(w->path);
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
