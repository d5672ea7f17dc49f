/* utf8.h — strict UTF-8, and the one set of characters that hide text or
 * act on a terminal. Forms refuse them, the roster refuses them, kaa-inbox
 * escapes them: one decoder and one set for all three. */
#ifndef KAA_UTF8_H
#define KAA_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The code point at s (n bytes available) and its length in bytes; 0 if s
 * does not start a valid sequence: a stray continuation byte, one cut
 * short, overlong, a surrogate or beyond U+10FFFF. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* 1 if s (n bytes) is strict UTF-8 throughout. */
int utf8_valid(const char *s, size_t n);

/* C0 (newline and tab included), DEL and C1; the Arabic letter mark, LRM
 * and RLM; the line and paragraph separators with the bidi embeddings and
 * overrides; the bidi isolates; the BOM. Nothing a name, an address or a
 * message needs, and each can make text show other than it is or act on a
 * terminal. */
int utf8_is_control(uint32_t cp);

#endif
