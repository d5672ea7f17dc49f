/* conf.c — municipality configuration from an INI file (inih). */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "i18n.h"

/* Settings whose value is a path, resolved against the file's directory
 * (keys.public_key, a list of paths, has its own code). */
static const char *const path_keys[] = {
	"eservice.layout", "inbox.path", "site.output",
};
#define NPATHS (sizeof(path_keys) / sizeof(path_keys[0]))
_Static_assert(NPATHS == sizeof(((struct conf *)0)->resolved) / sizeof(char *),
    "one owned string per path setting");

static const char *const required[] = {
	"municipality.id", "municipality.name", "eservice.base",
	"eservice.layout", "keys.public_key", "inbox.path",
};

struct parse_state {
	struct conf         *c;
	int                  err;
	struct conf_errinfo *ei;
};

static void set_key(struct conf_errinfo *ei, const char *key)
{
	if (ei != NULL)
		snprintf(ei->key, sizeof(ei->key), "%.63s", key);
}

static int on_setting(void *user, const char *section, const char *name,
    const char *value)
{
	struct parse_state *ps = user;
	struct conf *c = ps->c;
	char key[128];
	char *k, *v;

	if (ps->err != CONF_OK)
		return 0;
	snprintf(key, sizeof(key), "%s.%s", section, name);
	if (conf_get(c, key) != NULL) {
		ps->err = CONF_EDUP;
		set_key(ps->ei, key);
		return 0;
	}
	if (c->nvars == CONF_MAX_VARS) {
		ps->err = CONF_ETOOMANY;
		return 0;
	}
	k = strdup(key);
	v = strdup(value);
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		ps->err = CONF_ENOMEM;
		return 0;
	}
	c->vars[c->nvars].name = k;
	c->vars[c->nvars].value = v;
	c->nvars++;
	return 1;
}

/* Joins dir and a relative value of vlen bytes; absolute values are copied
 * as they are. */
char *conf_resolve(const char *file, const char *value, size_t vlen)
{
	const char *slash = strrchr(file, '/');
	size_t dlen = slash == NULL || value[0] == '/' ? 0 :
	    (size_t)(slash - file) + 1;
	char *p;

	if ((p = malloc(dlen + vlen + 1)) == NULL)
		return NULL;
	memcpy(p, file, dlen);
	memcpy(p + dlen, value, vlen);
	p[dlen + vlen] = '\0';
	return p;
}

static int valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static int valid_base(const char *s)
{
	size_t n = strlen(s);

	return n > 1 && s[0] == '/' && s[n - 1] != '/' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_/") == n;
}

/* Splits keys.public_key at commas, trims the spaces around each path and
 * resolves it. */
static int key_paths(struct conf *c, struct conf_errinfo *ei)
{
	const char *p = conf_get(c, "keys.public_key"), *end;
	size_t len;

	for (;;) {
		p += strspn(p, " \t");
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || c->npublic_keys == CONF_MAX_KEYS) {
			set_key(ei, "keys.public_key");
			return CONF_EVALUE;
		}
		c->public_key_paths[c->npublic_keys] = conf_resolve(c->file, p, len);
		if (c->public_key_paths[c->npublic_keys] == NULL)
			return CONF_ENOMEM;
		c->npublic_keys++;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	c->public_key_path = c->public_key_paths[0];
	return CONF_OK;
}

/* Checks required settings and values, resolves paths, fills shortcuts. */
static int finish(struct conf *c, struct conf_errinfo *ei)
{
	const char *r;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (conf_get(c, required[i]) == NULL || *conf_get(c, required[i]) == '\0') {
			set_key(ei, required[i]);
			return CONF_EMISSING;
		}
	c->id = conf_get(c, "municipality.id");
	c->name = conf_get(c, "municipality.name");
	c->eservice_base = conf_get(c, "eservice.base");
	if (!valid_id(c->id)) {
		set_key(ei, "municipality.id");
		return CONF_EVALUE;
	}
	if (!valid_base(c->eservice_base)) {
		set_key(ei, "eservice.base");
		return CONF_EVALUE;
	}
	c->retention_days = 365;
	if ((r = conf_get(c, "inbox.retention_days")) != NULL) {
		errno = 0;
		c->retention_days = strtol(r, &end, 10);
		if (errno != 0 || end == r || *end != '\0' ||
		    c->retention_days < 1 || c->retention_days > 36500) {
			set_key(ei, "inbox.retention_days");
			return CONF_EVALUE;
		}
	}
	for (i = 0; i < NPATHS; i++) {
		if ((r = conf_get(c, path_keys[i])) == NULL)
			continue;
		if ((c->resolved[i] = conf_resolve(c->file, r, strlen(r))) == NULL)
			return CONF_ENOMEM;
	}
	c->layout_path = c->resolved[0];
	c->inbox_path = c->resolved[1];
	c->site_output = c->resolved[2];
	return key_paths(c, ei);
}

/* The first line of the file at path longer than CONF_MAX_LINE bytes (not
 * counting its "\n" or "\r\n"), or 0 if none or unreadable (ini_parse then
 * reports that). */
static int long_line(const char *path)
{
	FILE *f = fopen(path, "r");
	int ch, line = 1, found = 0;
	size_t len = 0;

	if (f == NULL)
		return 0;
	while (!found && (ch = getc(f)) != EOF) {
		if (ch == '\n') {
			line++;
			len = 0;
		} else if (++len > CONF_MAX_LINE + 1 ||
		    (len == CONF_MAX_LINE + 1 && ch != '\r'))
			found = line;   /* a "\r" only counts before "\n" */
	}
	fclose(f);
	return found;
}

int conf_load(const char *path, struct conf **out, struct conf_errinfo *ei)
{
	struct parse_state ps;
	struct conf *c;
	int rc;

	*out = NULL;
	if (ei != NULL)
		memset(ei, 0, sizeof(*ei));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CONF_ENOMEM;
	if ((c->file = strdup(path)) == NULL) {
		free(c);
		return CONF_ENOMEM;
	}
	ps.c = c;
	ps.err = CONF_OK;
	ps.ei = ei;
	if ((rc = long_line(path)) > 0) {
		if (ei != NULL)
			ei->line = rc;
		conf_free(c);
		return CONF_ELONG;
	}
	rc = ini_parse(path, on_setting, &ps);
	if (rc == -1)
		ps.err = CONF_EOPEN;
	else if (rc == -2)
		ps.err = CONF_ENOMEM;
	else if (rc > 0 && ps.err == CONF_OK) {
		ps.err = CONF_ESYNTAX;
		if (ei != NULL)
			ei->line = rc;
	} else if (rc > 0 && ei != NULL)
		ei->line = rc;
	if (ps.err == CONF_OK)
		ps.err = finish(c, ei);
	if (ps.err != CONF_OK) {
		conf_free(c);
		return ps.err;
	}
	c->scope.vars = c->vars;
	c->scope.n = c->nvars;
	c->scope.outer = NULL;
	*out = c;
	return CONF_OK;
}

void conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nvars; i++) {
		free((char *)c->vars[i].name);
		free((char *)c->vars[i].value);
	}
	for (i = 0; i < NPATHS; i++)
		free(c->resolved[i]);
	for (i = 0; i < c->npublic_keys; i++)
		free((char *)c->public_key_paths[i]);
	free(c->file);
	free(c);
}

const char *conf_get(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nvars; i++)
		if (strcmp(c->vars[i].name, name) == 0)
			return c->vars[i].value;
	return NULL;
}

/* The number is in the text itself, so that xgettext sees the whole
 * message (kaa-inbox translates it). */
_Static_assert(CONF_MAX_LINE == 199, "the number in conf_strerror's text");

const char *conf_strerror(int err)
{
	static const char *const msg[] = {
		[CONF_OK] = N_("no error"),
		[CONF_EOPEN] = N_("cannot read the file"),
		[CONF_ESYNTAX] = N_("syntax error"),
		[CONF_EMISSING] = N_("required setting missing or empty"),
		[CONF_EVALUE] = N_("bad value"),
		[CONF_EDUP] = N_("setting given twice"),
		[CONF_ETOOMANY] = N_("too many settings"),
		[CONF_ENOMEM] = N_("out of memory"),
		[CONF_ELONG] = N_("line longer than 199 bytes (å, ä and ö count as "
		    "two)"),
	};

	if (err < 0 || (size_t)err >= sizeof(msg) / sizeof(msg[0]))
		return N_("unknown error");
	return msg[err];
}
