/* urlset.c — open-addressing hash map of strings (see gen_urlset.h).
 *
 * A lookup per link makes this hot: slots are 16 bytes and the keys are
 * copied into one contiguous array, so a lookup touches two cache lines
 * that are likely cached rather than a pointer into a scattered heap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gen_urlset.h"

struct slot {
	uint32_t hash;
	uint32_t len;
	uint32_t off;       /* key at keys.data + off */
	int32_t  value;     /* -1: empty */
};

struct urlset {
	struct slot *slots;
	size_t       cap;   /* power of two, kept at most half full */
	size_t       n;
	buf          keys;
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

static struct slot *
slots_new(size_t cap)
{
	struct slot *v = malloc(cap * sizeof *v);
	size_t i;

	if (v != NULL)
		for (i = 0; i < cap; i++)
			v[i].value = -1;
	return v;
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
	if ((s->slots = slots_new(cap)) == NULL) {
		free(s);
		return NULL;
	}
	s->cap = cap;
	buf_init(&s->keys);
	return s;
}

void
urlset_free(struct urlset *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	buf_free(&s->keys);
	free(s);
}

static struct slot *
find(struct slot *slots, size_t cap, const char *keys, const char *key,
    size_t n, uint32_t h)
{
	size_t i = h & (cap - 1);

	while (slots[i].value >= 0 && !(slots[i].hash == h &&
	    slots[i].len == n && memcmp(keys + slots[i].off, key, n) == 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int
grow(struct urlset *s)
{
	size_t cap = s->cap * 2, i;
	struct slot *slots = slots_new(cap), *sl;

	if (slots == NULL)
		return -1;
	for (i = 0; i < s->cap; i++) {
		if (s->slots[i].value < 0)
			continue;
		sl = &slots[s->slots[i].hash & (cap - 1)];
		while (sl->value >= 0)
			sl = sl + 1 == slots + cap ? slots : sl + 1;
		*sl = s->slots[i];
	}
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

	if (v < 0 || n > UINT32_MAX || s->keys.len > UINT32_MAX - n - 1)
		return -1;
	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return -1;
	sl = find(s->slots, s->cap, s->keys.data, key, n, h);
	if (sl->value >= 0) {
		if (old != NULL)
			*old = sl->value;
		return 1;
	}
	sl->off = (uint32_t)s->keys.len;
	if (buf_put(&s->keys, key, n + 1) < 0)
		return -1;
	sl->hash = h;
	sl->len = (uint32_t)n;
	sl->value = v;
	s->n++;
	return 0;
}

int
urlset_get(const struct urlset *s, const char *key, size_t n)
{
	return find(s->slots, s->cap, s->keys.data, key, n, hash(key, n))->value;
}
