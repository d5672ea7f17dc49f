/* wfile.h — the one safe writer for files that hold keys or personal data
 * (key files, letters, their mailing lists; later archives).
 *
 * A file is written unnamed (O_TMPFILE, or a temporary name beside it
 * where the file system has none), flushed to disk, and only then linked
 * under its name — never over an existing file, never through a symlink —
 * and the directory entry flushed too: an interrupted or failed write (a
 * crash, Ctrl-C, a full disk) leaves no file under the name, and a key or
 * a mailing list that was reported written survives a power cut. The mode
 * is the one asked for (the umask may only narrow it). Functions return
 * 0, or -1 with errno set (EEXIST: the name is taken). */
#ifndef KAA_WFILE_H
#define KAA_WFILE_H

#include <stddef.h>
#include <sys/types.h>

struct wfile {
	int   fd;
	char *path;    /* the name it gets, owned */
	char *tmp;     /* its temporary name, or NULL (unnamed), owned */
};

/* Starts a new file that will be named path, with mode. EEXIST at once if
 * the name is taken. */
int  wfile_create(struct wfile *w, const char *path, mode_t mode);
/* Writes all n bytes (retrying short writes). */
int  wfile_write(struct wfile *w, const void *p, size_t n);
/* fsync, the name (EEXIST if it was taken meanwhile: nothing is
 * replaced), close, fsync of the directory. On failure no file is left
 * under the name. Either way w is released. */
int  wfile_commit(struct wfile *w);
/* Drops the file; releases w. Safe after a failed create. */
void wfile_abort(struct wfile *w);
/* create + write + commit in one. */
int  wfile_put(const char *path, mode_t mode, const void *p, size_t n);
/* Makes a private directory (mode 0700). An existing one is accepted only
 * if it is a directory of ours that no one else may enter (errno EPERM
 * otherwise). */
int  wfile_private_dir(const char *path);

#endif
