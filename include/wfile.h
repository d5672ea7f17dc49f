/* wfile.h — the one safe writer for files that hold keys or personal data
 * (key files, letters, their mailing lists; later archives).
 *
 * A file is created exclusively (never overwriting, never through a
 * symlink) with the mode asked for (the umask may only narrow it), written,
 * then flushed to disk together with its directory entry: a key or a
 * mailing list lost in a crash is worse than a slower write. A file that
 * could not be written whole is removed. Functions return 0, or -1 with
 * errno set (EEXIST: the file exists). */
#ifndef KAA_WFILE_H
#define KAA_WFILE_H

#include <stddef.h>
#include <sys/types.h>

struct wfile {
	int   fd;
	char *path;    /* owned copy, for the directory sync and removal */
};

/* Creates path (O_EXCL | O_NOFOLLOW) with mode. */
int  wfile_create(struct wfile *w, const char *path, mode_t mode);
/* Writes all n bytes (retrying short writes). */
int  wfile_write(struct wfile *w, const void *p, size_t n);
/* fsync, close, fsync of the directory. On failure the file is removed.
 * Either way w is released. */
int  wfile_commit(struct wfile *w);
/* Closes and removes the file; releases w. NULL-safe after a failed
 * create. */
void wfile_abort(struct wfile *w);
/* create + write + commit in one. */
int  wfile_put(const char *path, mode_t mode, const void *p, size_t n);
/* Makes a private directory (mode 0700). An existing one is accepted only
 * if it is a directory of ours that no one else may enter (errno EPERM
 * otherwise). */
int  wfile_private_dir(const char *path);

#endif
