/* region.h — a region: municipalities that share one school-notice form.
 *
 * Organisers of upper-secondary schools must notify a pupil's home
 * municipality (skollagen 15 kap. 15 §); a region runs one form that
 * reaches every member municipality. One INI file (parsed with inih):
 *
 *   [region]
 *   id             = a-z0-9- (used in paths)
 *   name           = shown on the form
 *   base           = URL path of the region's e-service, e.g. /e-tjanst/region
 *   municipalities = exempelkommun.ini, provstad.ini, ...
 *
 * The municipalities' configuration files are resolved against the
 * region file's directory; the first one hosts the region's pages (its
 * page shell and footer show them). A file is a region file if it has a
 * [region] section. Errors use conf.h's codes and conf_errinfo. */
#ifndef KAA_REGION_H
#define KAA_REGION_H

#include <stddef.h>
#include "conf.h"

#define REGION_MAX_MUNICIPALITIES 32

struct region {
	char  *file;
	char  *id, *name, *base;
	char  *munis[REGION_MAX_MUNICIPALITIES];   /* resolved paths */
	size_t n;
};

/* 1 if path names a region file, 0 if not (or unreadable). */
int region_is(const char *path);
/* Loads path into a new region (free with region_free). Returns enum
 * conf_err; on error *ei names the line or setting. */
int region_load(const char *path, struct region **out,
    struct conf_errinfo *ei);
void region_free(struct region *r);

#endif
