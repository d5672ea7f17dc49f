/* out.c — write files only when they change (see gen_out.h). */
#define _GNU_SOURCE     /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen_out.h"

int
out_mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);
	char *p;

	if (n == 0 || n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	memcpy(tmp, path, n + 1);
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

enum { DIFFERENT, SAME, MISSING, NOTREG };

/* Does the file at path hold exactly data? NOTREG: path is something other
 * than a regular file, which we must never replace (a configuration
 * pointing at /dev/null or a directory is a mistake). */
static int
same_contents(const char *path, const void *data, size_t n, buf *scratch)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? MISSING : DIFFERENT;
	if (!S_ISREG(st.st_mode))
		return NOTREG;
	if ((size_t)st.st_size != n || buf_read_file(scratch, path) < 0)
		return DIFFERENT;
	return scratch->len == n && memcmp(scratch->data, data, n) == 0 ?
	    SAME : DIFFERENT;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
parent_dir(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL || slash == path)
		return -1;
	n = (size_t)(slash - path);
	if (n >= size)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/* A new file as an unnamed inode (O_TMPFILE) that is linked into place
 * when complete: as atomic as a temporary file and rename, with one
 * directory update instead of three. -1 if the file system cannot. */
static int
write_new(const char *dir, const char *path, const void *data, size_t n)
{
	char proc[64];
	int fd;

	if ((fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666)) < 0)
		return -1;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (write_all(fd, data, n) < 0 ||
	    linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* A file in a directory this call has just made. The directory did not
 * exist a moment ago, so neither did any page under it, and a plain create
 * is enough: no reader can have been served an older version to be torn
 * from. (This skips the unnamed inode and the link through /proc, a fifth
 * of the kernel time of a build from scratch.) -1 with errno set; EEXIST
 * means someone else got there first and the caller falls back. */
static int
write_fresh(const char *path, const void *data, size_t n)
{
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, n) < 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == 0)
		return 0;
	saved = errno;
fail:
	unlink(path);
	errno = saved;
	return -1;
}

int
out_write(const char *path, const void *data, size_t n, buf *scratch)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	int fd, saved, have;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return OUT_ERR;
	}
	/* The directory first: one we have just made is empty, so in a build
	 * from scratch there is nothing to compare with (one call per page
	 * instead of a failing stat and open). */
	dir[0] = '\0';
	if (parent_dir(path, dir, sizeof dir) == 0 && (mkdir(dir, 0777) == 0 ||
	    (errno == ENOENT && out_mkdirs(dir) == 0))) {
		if (write_fresh(path, data, n) == 0)
			return OUT_WRITTEN;
		if (errno != EEXIST)
			return OUT_ERR;
	}
	have = same_contents(path, data, n, scratch);
	switch (have) {
	case SAME:
		return OUT_UNCHANGED;
	case NOTREG:
		return OUT_ENOTREG;
	case MISSING:
		if (dir[0] != '\0' && write_new(dir, path, data, n) == 0)
			return OUT_WRITTEN;
		break;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return OUT_ERR;
	if (write_all(fd, data, n) < 0) {
		saved = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		goto fail;
	}
	return OUT_WRITTEN;
fail:
	unlink(tmp);
	errno = saved;
	return OUT_ERR;
}
