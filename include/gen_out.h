/* gen_out.h — kaa-gen's file output (input: buf_read_file).
 *
 * Output files are written only when their bytes change, so an unchanged
 * page keeps its mtime (rsync and browsers' caches see nothing new). A
 * file that is replaced, or added to an existing directory, appears whole
 * (an unnamed file linked in, or a temporary file renamed), so a reader
 * (nginx) never sees half a page. A file in a directory that out_write has
 * just made is written in place: nothing could have been served from there
 * before. All functions return -1 with errno set on failure. */
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
 * does, else writes it as above. Missing parent directories are created.
 * scratch is reused for reading the old file. Returns enum out_status. */
int out_write(const char *path, const void *data, size_t n, buf *scratch);

#endif
