/* gen_urlset.h — a hash map from URL path to an integer, for kaa-gen's link
 * check and page lookups: O(1) per link instead of a scan of all pages.
 *
 * Keys are copied into the set. It is filled first and then only read, so
 * readers on several threads need no locking. */
#ifndef KAA_GEN_URLSET_H
#define KAA_GEN_URLSET_H

#include <stddef.h>

struct urlset;

/* A set sized for about hint keys (it grows as needed). NULL if out of
 * memory. Free with urlset_free. */
struct urlset *urlset_new(size_t hint);
void urlset_free(struct urlset *s);   /* NULL-safe */

/* Adds a copy of key with value v (v >= 0). Returns 0 if added, 1 if the
 * key was already there (then *old, if not NULL, gets its value and nothing
 * changes), -1 if out of memory or v < 0. */
int urlset_add(struct urlset *s, const char *key, int v, int *old);

/* The value of the n-byte key, or -1 if absent. */
int urlset_get(const struct urlset *s, const char *key, size_t n);

#endif
