/* conf.h — one municipality's configuration, read by all three programs.
 *
 * One INI file per municipality (parsed with inih), e.g. conf/exempelkommun.ini:
 *
 *   [municipality]  id (a-z0-9-, used in paths), name
 *   [office]        name, phone, email, address, hours   (the KAA office)
 *   [eservice]      base   URL path prefix of kaa-fcgi for this municipality,
 *                          e.g. /e-tjanst/exempelkommun
 *                   layout the page shell kaa-gen writes and kaa-fcgi reads
 *   [site]          url (public base URL), output (directory kaa-gen writes)
 *   [keys]          public_key   one or more files written by `kaa-inbox
 *                                keygen`, separated by commas (one per
 *                                coordinator; spaces around them ignored)
 *   [inbox]         path (SQLite file), retention_days
 *
 * Relative paths are resolved against the directory of the INI file, so a
 * configuration works from any working directory.
 * Every key/value is also available as a template variable "section.key"
 * (e.g. {{office.phone}}), so content can use any of them. */
#ifndef KAA_CONF_H
#define KAA_CONF_H

#include <stddef.h>
#include "key.h"
#include "tmpl.h"

#define CONF_MAX_VARS 64
#define CONF_MAX_KEYS KEY_MAX_RECIPIENTS

struct conf {
	char *file;                 /* path as given */
	/* Frequently used values; pointers into vars[], never NULL after load. */
	const char *id;
	const char *name;
	const char *eservice_base;
	const char *layout_path;    /* resolved */
	const char *public_key_path;/* resolved; the first of public_key_paths */
	/* keys.public_key: each file resolved, owned by the conf; n >= 1. */
	const char *public_key_paths[CONF_MAX_KEYS];
	size_t      npublic_keys;
	const char *inbox_path;     /* resolved */
	const char *site_output;    /* resolved */
	long        retention_days;
	char       *resolved[3];    /* owned storage behind the paths above */
	/* All settings as "section.key" = value, owned by the conf. */
	struct tmpl_var vars[CONF_MAX_VARS];
	size_t          nvars;
	struct tmpl_scope scope;    /* { vars, nvars, NULL } for templates */
};

enum conf_err {
	CONF_OK = 0,
	CONF_EOPEN,      /* cannot read the file */
	CONF_ESYNTAX,    /* INI syntax error at ei->line */
	CONF_EMISSING,   /* a required setting is missing: ei->key */
	CONF_EVALUE,     /* a setting has a bad value: ei->key */
	CONF_EDUP,       /* a setting given twice: ei->key */
	CONF_ETOOMANY,   /* more than CONF_MAX_VARS settings */
	CONF_ENOMEM,
	CONF_ELONG       /* line ei->line is over CONF_MAX_LINE bytes */
};

/* libinih reads lines into a fixed buffer (200 bytes with the ending) and
 * splits longer ones, which it then reports as a syntax error further down
 * or, if the rest starts with a space, takes as a continuation: we check
 * first. Bytes, not characters: å, ä and ö take two. */
#define CONF_MAX_LINE 199

struct conf_errinfo {
	int  line;
	char key[64];    /* "section.key" */
};

/* Loads path into a new conf. Required: municipality.id (a-z0-9-),
 * municipality.name, eservice.base (absolute path, no trailing slash),
 * eservice.layout, keys.public_key (1 to CONF_MAX_KEYS files, none empty;
 * else CONF_EVALUE), inbox.path. site.output is optional here
 * (kaa-gen requires it). The new conf is stored in *out; free it with
 * conf_free. Returns enum
 * conf_err; on error *ei (if not NULL) names the line or setting. */
int conf_load(const char *path, struct conf **out, struct conf_errinfo *ei);
void conf_free(struct conf *c);

/* Value of "section.key" or NULL. */
const char *conf_get(const struct conf *c, const char *name);

const char *conf_strerror(int err);
/* value (vlen bytes, a path) against the directory of the INI file file,
 * unless it is absolute; malloc'd, NULL if out of memory. */
char *conf_resolve(const char *file, const char *value, size_t vlen);

#endif
