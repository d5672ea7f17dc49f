/* buf.h — growable byte buffer with HTML escaping.
 *
 * A buf owns its memory. Every put function returns 0 on success and -1 if
 * memory ran out; after a failure the buffer is marked (b->oom) and further
 * puts are no-ops returning -1, so callers may check once at the end.
 * data is always NUL-terminated when len > 0 or after any successful put. */
#ifndef KAA_BUF_H
#define KAA_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char  *data;
	size_t len;
	size_t cap;
	int    oom;   /* sticky: set when an allocation failed */
} buf;

#define BUF_INIT { NULL, 0, 0, 0 }

void  buf_init(buf *b);
/* Frees the memory; b is left empty and reusable. NULL-safe. */
void  buf_free(buf *b);
/* Empties the buffer but keeps its memory (and clears oom). */
void  buf_reset(buf *b);
/* Makes room for n more bytes. */
int   buf_grow(buf *b, size_t n);
int   buf_put(buf *b, const void *p, size_t n);
int   buf_puts(buf *b, const char *s);
int   buf_putc(buf *b, int c);
int   buf_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int   buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Appends s (n bytes) with & < > " ' escaped for HTML text and attributes. */
int   buf_put_html(buf *b, const char *s, size_t n);
int   buf_puts_html(buf *b, const char *s);
/* Replaces b's contents with the whole file at path (NUL-terminated).
 * 0, or -1 with errno set. */
int   buf_read_file(buf *b, const char *path);
/* Returns the data (caller frees with free()) and empties b; "" for an
 * empty buffer. Returns NULL only if memory ran out (now or in an earlier
 * put): then the partial data is freed and b is empty too. */
char *buf_detach(buf *b);

#endif
