/* gen_out.h — kaa-gen's file output (input: buf_read_file).
 *
 * Output files are written only when their bytes change, so an unchanged
 * page keeps its mtime (rsync and browsers' caches see nothing new), and
 * through a temporary file and rename(2), so a reader (nginx) never sees a
 * half-written page. All functions return -1 with errno set on failure. */
#ifndef KAA_GEN_OUT_H
#define KAA_GEN_OUT_H

#include <stddef.h>
#include "buf.h"

enum out_status {
	OUT_ENOTREG = -2,    /* path exists and is not a regular file (or is
	                      * a symlink): never replaced */
	OUT_ERR = -1,
	OUT_UNCHANGED = 0,   /* the file already held these bytes */
	OUT_WRITTEN = 1
};

/* Creates directory path and any missing parents (mode 0777 & umask).
 * 0 or -1. */
int out_mkdirs(const char *path);

/* Makes the file at path hold data (n bytes): does nothing if it already
 * does, else writes "path.tmp" and renames it over path. Missing parent
 * directories are created. scratch is reused for reading the old file.
 * Returns enum out_status. */
int out_write(const char *path, const void *data, size_t n, buf *scratch);

#endif
