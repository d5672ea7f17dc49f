/* pass.h — reading a passphrase without it ever being on the command line.
 *
 * Sources, first match wins: the file descriptor given (scripts:
 * --passphrase-fd N), the environment variable KAA_PASSPHRASE (demos and
 * tests), else the terminal (/dev/tty) with echo off. KAA_PASSPHRASE is
 * removed from the environment at the first pass_read, so no program
 * started later inherits it. */
#ifndef KAA_PASS_H
#define KAA_PASS_H

#include <stddef.h>

#define PASS_MAX 1024

enum pass_err {
	PASS_OK = 0, PASS_ENONE, PASS_EREAD, PASS_ENOMEM, PASS_EMISMATCH,
	PASS_EENV    /* KAA_PASSPHRASE set where PASS_NO_ENV refuses it */
};

enum pass_flags {
	PASS_CONFIRM = 1,   /* at a terminal, ask twice and compare */
	PASS_NO_ENV  = 2    /* refuse KAA_PASSPHRASE (a real key's passphrase) */
};

/* Reads a passphrase into *out (sodium_malloc'd, NUL-terminated; free with
 * pass_free) and its length into *len. fd < 0 means no descriptor was
 * given. flags: enum pass_flags. At the terminal, Ctrl-C puts the
 * terminal back before the program ends, and Ctrl-Z before it stops; after
 * fg the prompt is shown again with echo off (as readpassphrase(3)). */
int pass_read(int fd, const char *prompt, int flags, char **out, size_t *len);
void pass_free(char *p);
const char *pass_strerror(int err);

#endif
