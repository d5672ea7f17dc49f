/* buf.c — growable byte buffer with HTML escaping (see buf.h). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

void
buf_init(buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = 0;
}

/* A buffer may have held what someone typed (the e-service renders forms
 * with their values): what it frees is wiped first, here and when it
 * grows. explicit_bzero, not memset, which the compiler may drop before a
 * free. */
void
buf_free(buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	free(b->data);
	buf_init(b);
}

void
buf_reset(buf *b)
{
	b->len = 0;
	b->oom = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Room for n more bytes plus the terminating NUL. Grows by doubling so a
 * long series of small puts stays linear. No object may exceed PTRDIFF_MAX
 * (pointer differences into it would overflow), which also keeps len + n + 1
 * from wrapping around. */
int
buf_grow(buf *b, size_t n)
{
	const size_t max = PTRDIFF_MAX;
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (b->len >= max || n > max - 1 - b->len)
		goto fail;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > max / 2 ? max : cap * 2;
	/* not realloc: it would leave the old copy behind unwiped */
	if ((p = malloc(cap)) == NULL)
		goto fail;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);   /* len < cap: with its NUL */
		explicit_bzero(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->oom = 1;
	return -1;
}

int
buf_put(buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

int
buf_putc(buf *b, int c)
{
	char ch = (char)c;

	return buf_put(b, &ch, 1);
}

int
buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	size_t room;
	int n;

	if (buf_grow(b, 0) < 0)
		return -1;
	room = b->cap - b->len;
	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->data[b->len] = '\0';
		return -1;	/* encoding error, not memory: oom stays clear */
	}
	if ((size_t)n >= room) {
		if (buf_grow(b, (size_t)n) < 0) {
			b->data[b->len] = '\0';
			return -1;
		}
		va_copy(cp, ap);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
		va_end(cp);
		if (n < 0) {
			b->data[b->len] = '\0';
			return -1;
		}
	}
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

static const char *
html_entity(char c)
{
	switch (c) {
	case '&':  return "&amp;";
	case '<':  return "&lt;";
	case '>':  return "&gt;";
	case '"':  return "&quot;";
	case '\'': return "&#39;";
	default:   return NULL;
	}
}

/* Copies runs of harmless bytes in one put rather than byte by byte. */
int
buf_put_html(buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	const char *ent;

	if (b->oom)
		return -1;
	for (i = 0; i < n; i++) {
		if ((ent = html_entity(s[i])) == NULL)
			continue;
		if (buf_put(b, s + start, i - start) < 0 ||
		    buf_puts(b, ent) < 0)
			return -1;
		start = i + 1;
	}
	return buf_put(b, s + start, n - start);
}

int
buf_puts_html(buf *b, const char *s)
{
	return buf_put_html(b, s, strlen(s));
}

char *
buf_detach(buf *b)
{
	char *p;

	if (b->oom) {
		buf_free(b);
		return NULL;
	}
	if (b->data == NULL && buf_grow(b, 0) < 0) {
		buf_free(b);
		return NULL;
	}
	b->data[b->len] = '\0';
	p = b->data;
	buf_init(b);
	return p;
}

/* Read in one call where the size is known: the generator reads every
 * content file through here. */
int
buf_read_file(buf *b, const char *path)
{
	struct stat st;
	ssize_t r;
	int fd, saved;

	buf_reset(b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	/* Room for the whole file plus one byte, so EOF is seen at once. */
	if (buf_grow(b, (size_t)st.st_size + 1) < 0) {
		errno = ENOMEM;
		goto fail;
	}
	for (;;) {
		/* A regular file is read in one call: stop at its size rather
		 * than spend another read on seeing EOF. */
		if (S_ISREG(st.st_mode) && st.st_size > 0 &&
		    b->len == (size_t)st.st_size)
			break;
		if (b->cap - b->len < 2 && buf_grow(b, 4096) < 0) {
			errno = ENOMEM;
			goto fail;
		}
		r = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		b->len += (size_t)r;
	}
	b->data[b->len] = '\0';
	close(fd);
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
