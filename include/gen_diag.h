/* gen_diag.h — build errors collected as "FILE:LINE: message" lines.
 *
 * kaa-gen reports every error, not just the first, so errors are collected
 * here and printed by main(). Each has a sort key (the page's index) so
 * that output is in a stable order however the work was split on threads. */
#ifndef KAA_GEN_DIAG_H
#define KAA_GEN_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct diag_item {
	long   key;     /* sort key: page index, or -1 for site-wide errors */
	int    line;    /* then by line */
	size_t seq;     /* order of addition, for a stable sort */
	char  *msg;     /* "file:line: message", owned */
};

struct diag {
	struct diag_item *v;
	size_t            n, cap;
	size_t            seq;
	int               oom;   /* sticky: a message was lost */
};

#define DIAG_INIT { NULL, 0, 0, 0, 0 }

/* Adds "file:line: message" ("file: message" if line <= 0). Returns 0, or
 * -1 if out of memory (d->oom is set). */
int diag_add(struct diag *d, long key, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The same with a va_list. */
int diag_vadd(struct diag *d, long key, const char *file, int line,
    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Adds a template error (enum tmpl_err, name as in tmpl_errinfo) in the
 * words every kaa-gen command uses: "unknown placeholder {{x}}", ... */
int diag_tmpl(struct diag *d, long key, const char *file, int line, int err,
    const char *name);
/* Moves the items of src to dst; src is left empty. Returns 0 or -1. */
int diag_move(struct diag *dst, struct diag *src);

/* Sorts by key, line, then order of addition; prints one line each. */
void diag_print(struct diag *d, FILE *f);

/* Frees the messages; d is left empty. NULL-safe. */
void diag_free(struct diag *d);

#endif
