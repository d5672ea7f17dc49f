/* pass.h — reading a passphrase without it ever being on the command line.
 *
 * Sources, first match wins: the file descriptor given (scripts:
 * --passphrase-fd N), the environment variable KAA_PASSPHRASE (demos and
 * tests), else the terminal (/dev/tty) with echo off. */
#ifndef KAA_PASS_H
#define KAA_PASS_H

#include <stddef.h>

#define PASS_MAX 1024

enum pass_err { PASS_OK = 0, PASS_ENONE, PASS_EREAD, PASS_ENOMEM, PASS_EMISMATCH };

/* Reads a passphrase into *out (sodium_malloc'd, NUL-terminated; free with
 * pass_free) and its length into *len. fd < 0 means no descriptor was given.
 * With confirm set and a terminal, asks twice and compares. */
int pass_read(int fd, const char *prompt, int confirm, char **out, size_t *len);
void pass_free(char *p);
const char *pass_strerror(int err);

#endif
