/* utf8.c — strict UTF-8 and the control set (see utf8.h). */
#include "utf8.h"

size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const struct {
		unsigned char lo, hi, mask;
		size_t        len;
		uint32_t      min;
	} leads[] = {
		{ 0x00, 0x7f, 0x7f, 1, 0 },
		{ 0xc2, 0xdf, 0x1f, 2, 0x80 },
		{ 0xe0, 0xef, 0x0f, 3, 0x800 },
		{ 0xf0, 0xf4, 0x07, 4, 0x10000 },
	};
	size_t i, k;
	uint32_t c;

	if (n == 0)
		return 0;
	for (i = 0; i < sizeof leads / sizeof leads[0]; i++)
		if (s[0] >= leads[i].lo && s[0] <= leads[i].hi)
			break;
	if (i == sizeof leads / sizeof leads[0] || n < leads[i].len)
		return 0;
	c = s[0] & leads[i].mask;
	for (k = 1; k < leads[i].len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3fu);
	}
	if (c < leads[i].min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return leads[i].len;
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {   /* the common case */
			i++;
			continue;
		}
		if ((k = utf8_decode(p + i, n - i, &cp)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

int
utf8_is_control(uint32_t cp)
{
	static const struct { uint32_t lo, hi; } set[] = {
		{ 0x00, 0x1f }, { 0x7f, 0x9f }, { 0x061c, 0x061c },
		{ 0x200e, 0x200f }, { 0x2028, 0x202e }, { 0x2066, 0x2069 },
		{ 0xfeff, 0xfeff },
	};
	size_t i;

	for (i = 0; i < sizeof set / sizeof set[0]; i++)
		if (cp >= set[i].lo && cp <= set[i].hi)
			return 1;
	return 0;
}
