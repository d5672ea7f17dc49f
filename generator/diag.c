/* diag.c — collected build errors (see gen_diag.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gen_diag.h"
#include "tmpl.h"

static int
push(struct diag *d, long key, int line, char *msg)
{
	struct diag_item *v;
	size_t cap;

	if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 16;
		if ((v = realloc(d->v, cap * sizeof *v)) == NULL) {
			free(msg);
			d->oom = 1;
			return -1;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n].key = key;
	d->v[d->n].line = line;
	d->v[d->n].seq = d->seq++;
	d->v[d->n].msg = msg;
	d->n++;
	return 0;
}

int
diag_vadd(struct diag *d, long key, const char *file, int line,
    const char *fmt, va_list ap)
{
	buf b = BUF_INIT;
	char *msg;

	if (line > 0)
		buf_printf(&b, "%s:%d: ", file, line);
	else
		buf_printf(&b, "%s: ", file);
	buf_vprintf(&b, fmt, ap);
	if ((msg = buf_detach(&b)) == NULL) {
		d->oom = 1;
		return -1;
	}
	return push(d, key, line, msg);
}

int
diag_add(struct diag *d, long key, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = diag_vadd(d, key, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

int
diag_move(struct diag *dst, struct diag *src)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < src->n; i++)
		if (push(dst, src->v[i].key, src->v[i].line, src->v[i].msg) < 0)
			rc = -1;
	dst->oom |= src->oom;
	free(src->v);
	memset(src, 0, sizeof *src);
	return rc;
}

static int
cmp(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
diag_print(struct diag *d, FILE *f)
{
	size_t i;

	if (d->n > 1)
		qsort(d->v, d->n, sizeof *d->v, cmp);
	for (i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->v[i].msg);
	if (d->oom)
		fprintf(f, "kaa-gen: out of memory: some errors were not "
		    "recorded\n");
}

void
diag_free(struct diag *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	memset(d, 0, sizeof *d);
}

int
diag_tmpl(struct diag *d, long key, const char *file, int line, int err,
    const char *name)
{
	if (err == TMPL_EUNKNOWN)
		return diag_add(d, key, file, line, "unknown placeholder {{%s}}",
		    name);
	if (err == TMPL_ESYNTAX)
		return diag_add(d, key, file, line, "malformed placeholder "
		    "\"{{%s\"", name);
	return diag_add(d, key, file, line, "%s", tmpl_strerror(err));
}
