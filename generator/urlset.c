/* urlset.c — open-addressing hash map of strings (see gen_urlset.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gen_urlset.h"

struct slot {
	const char *key;     /* NULL: empty */
	size_t      len;
	uint32_t    hash;
	int         value;
};

struct urlset {
	struct slot *slots;
	size_t       cap;    /* power of two, kept at most half full */
	size_t       n;
};

static uint32_t
hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

struct urlset *
urlset_new(size_t hint)
{
	struct urlset *s = calloc(1, sizeof *s);
	size_t cap = 16;

	if (s == NULL)
		return NULL;
	while (cap < hint * 2 && cap < SIZE_MAX / 4)
		cap *= 2;
	if ((s->slots = calloc(cap, sizeof *s->slots)) == NULL) {
		free(s);
		return NULL;
	}
	s->cap = cap;
	return s;
}

void
urlset_free(struct urlset *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s);
}

static struct slot *
find(struct slot *slots, size_t cap, const char *key, size_t n, uint32_t h)
{
	size_t i = h & (cap - 1);

	while (slots[i].key != NULL && !(slots[i].hash == h &&
	    slots[i].len == n && memcmp(slots[i].key, key, n) == 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int
grow(struct urlset *s)
{
	size_t cap = s->cap * 2, i;
	struct slot *slots = calloc(cap, sizeof *slots);

	if (slots == NULL)
		return -1;
	for (i = 0; i < s->cap; i++)
		if (s->slots[i].key != NULL)
			*find(slots, cap, s->slots[i].key, s->slots[i].len,
			    s->slots[i].hash) = s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int
urlset_add(struct urlset *s, const char *key, int v, int *old)
{
	size_t n = strlen(key);
	uint32_t h = hash(key, n);
	struct slot *sl;

	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return -1;
	sl = find(s->slots, s->cap, key, n, h);
	if (sl->key != NULL) {
		if (old != NULL)
			*old = sl->value;
		return 1;
	}
	sl->key = key;
	sl->len = n;
	sl->hash = h;
	sl->value = v;
	s->n++;
	return 0;
}

int
urlset_get(const struct urlset *s, const char *key, size_t n)
{
	const struct slot *sl = find(s->slots, s->cap, key, n, hash(key, n));

	return sl->key != NULL ? sl->value : -1;
}
