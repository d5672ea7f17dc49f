/* region.c — a region's INI file (see region.h). */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "region.h"

struct state {
	struct region       *r;
	int                  err;
	struct conf_errinfo *ei;
	int                  in_region;
};

/* Keeps the first error: inih reads on after one. */
static int
fail(struct state *st, int err, const char *key)
{
	if (st->err != CONF_OK)
		return 0;
	st->err = err;
	if (st->ei != NULL)
		snprintf(st->ei->key, sizeof st->ei->key, "region.%.50s", key);
	return 0;
}

/* "a.ini, b.ini" into r->munis. */
static int
list(struct state *st, const char *v)
{
	const char *e;
	size_t n;

	for (;;) {
		while (*v == ' ' || *v == '\t')
			v++;
		e = strchr(v, ',');
		n = e ? (size_t)(e - v) : strlen(v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n == 0 || st->r->n == REGION_MAX_MUNICIPALITIES)
			return fail(st, CONF_EVALUE, "municipalities");
		if ((st->r->munis[st->r->n] = conf_resolve(st->r->file, v, n)) == NULL)
			return fail(st, CONF_ENOMEM, "municipalities");
		st->r->n++;
		if (e == NULL)
			return 1;
		v = e + 1;
	}
}

static int
setting(void *user, const char *section, const char *name, const char *value)
{
	static const char *const keys[] = { "id", "name", "base" };
	struct state *st = user;
	char **slot[] = { &st->r->id, &st->r->name, &st->r->base };
	size_t i;

	if (strcmp(section, "region") != 0)
		return fail(st, CONF_EVALUE, section);
	if (strcmp(name, "municipalities") == 0)
		return st->r->n > 0 ? fail(st, CONF_EDUP, name) : list(st, value);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(name, keys[i]) == 0) {
			if (*slot[i] != NULL)
				return fail(st, CONF_EDUP, name);
			if ((*slot[i] = strdup(value)) == NULL)
				return fail(st, CONF_ENOMEM, name);
			return 1;
		}
	return fail(st, CONF_EVALUE, name);
}

static int
valid(const struct region *r, struct state *st)
{
	const char *p;
	size_t n;

	if (r->id == NULL || *r->id == '\0')
		return fail(st, CONF_EMISSING, "id");
	for (p = r->id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return fail(st, CONF_EVALUE, "id");
	if (r->name == NULL || *r->name == '\0')
		return fail(st, CONF_EMISSING, "name");
	if (r->base == NULL)
		return fail(st, CONF_EMISSING, "base");
	n = strlen(r->base);
	if (n < 2 || r->base[0] != '/' || r->base[n - 1] == '/' ||
	    strpbrk(r->base, "?#% \t\"'<>") != NULL)
		return fail(st, CONF_EVALUE, "base");
	if (r->n == 0)
		return fail(st, CONF_EMISSING, "municipalities");
	return 1;
}

int
region_is(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL)
		found = strncmp(line, "[region]", 8) == 0;
	fclose(f);
	return found;
}

int
region_load(const char *path, struct region **out, struct conf_errinfo *ei)
{
	struct state st = { NULL, CONF_OK, ei, 0 };
	int rc;

	*out = NULL;
	if (ei != NULL)
		memset(ei, 0, sizeof *ei);
	if ((st.r = calloc(1, sizeof *st.r)) == NULL ||
	    (st.r->file = strdup(path)) == NULL) {
		free(st.r);
		return CONF_ENOMEM;
	}
	rc = ini_parse(path, setting, &st);
	if (rc < 0)
		st.err = CONF_EOPEN;
	else if (rc > 0) {   /* a line inih could not read, or one we refused */
		if (ei != NULL)
			ei->line = rc;
		if (st.err == CONF_OK)
			st.err = CONF_ESYNTAX;
	}
	if (st.err == CONF_OK)
		valid(st.r, &st);
	if (st.err != CONF_OK) {
		region_free(st.r);
		return st.err;
	}
	*out = st.r;
	return CONF_OK;
}

void
region_free(struct region *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		free(r->munis[i]);
	free(r->id);
	free(r->name);
	free(r->base);
	free(r->file);
	free(r);
}
