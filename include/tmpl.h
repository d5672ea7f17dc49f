/* tmpl.h — a small template renderer shared by kaa-gen and kaa-fcgi.
 *
 * Syntax:  {{name}}    the value, HTML-escaped (the default)
 *          {{{name}}}  the value as is — only for HTML we produced ourselves
 *                      (rendered Markdown, menus, forms)
 * Names are [A-Za-z0-9_.-]+, surrounded by optional spaces. There are no
 * conditionals or loops: repeated structures (menus, form fields) are built
 * in C from tables, where they can be escaped and tested.
 * An unknown name is an error, never silently empty. A "{{" that does not
 * open a well-formed placeholder is a syntax error (content has no need for
 * literal double braces, and a typo should fail the build, not ship). */
#ifndef KAA_TMPL_H
#define KAA_TMPL_H

#include <stddef.h>
#include "buf.h"

enum tmpl_err {
	TMPL_OK = 0,
	TMPL_EUNKNOWN,   /* placeholder names no variable */
	TMPL_ESYNTAX,    /* unterminated or malformed placeholder */
	TMPL_ENOMEM
};

struct tmpl_var {
	const char *name;
	const char *value;
};

/* A scope is an array of variables plus an optional outer scope searched
 * next; inner scopes shadow outer ones. Nothing is copied: the caller keeps
 * names and values alive for the duration of a render. */
struct tmpl_scope {
	const struct tmpl_var   *vars;
	size_t                   n;
	const struct tmpl_scope *outer;
};

/* Where an error happened (1-based line of the template) and the offending
 * name, NUL-terminated and truncated to fit. */
struct tmpl_errinfo {
	int  line;
	char name[64];
};

/* Renders tpl (len bytes) into out, appending. Returns enum tmpl_err; on
 * error *ei (if not NULL) says where, and out holds a partial result. */
int tmpl_render(buf *out, const char *tpl, size_t len,
    const struct tmpl_scope *scope, struct tmpl_errinfo *ei);

/* Looks a name up through the scope chain; NULL if absent. */
const char *tmpl_lookup(const struct tmpl_scope *scope, const char *name,
    size_t namelen);

const char *tmpl_strerror(int err);

#endif
