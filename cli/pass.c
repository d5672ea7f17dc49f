/* pass.c — passphrase input: descriptor, environment or terminal. */
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pass.h"

/* Reads one line from fd into p (cap bytes incl. NUL), byte by byte so that
 * nothing after the line is consumed. */
static int read_line(int fd, char *p, size_t cap, size_t *len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	while ((r = read(fd, &c, 1)) == 1 && c != '\n') {
		if (n + 1 >= cap)
			return PASS_EREAD;
		p[n++] = c;
	}
	if (r < 0)
		return PASS_EREAD;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	p[n] = '\0';
	*len = n;
	return n > 0 ? PASS_OK : PASS_ENONE;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

/* Ctrl-C (or a TERM) while echo is off must not leave the terminal silent:
 * catch it, let the read fail, turn echo back on, then act on it. */
static const int tty_signals[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
#define NSIGNALS (sizeof(tty_signals) / sizeof(tty_signals[0]))

static int from_tty(const char *prompt, char *p, size_t cap, size_t *len)
{
	struct sigaction sa, old_sa[NSIGNALS];
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), rc = PASS_EREAD;
	size_t i;

	if (fd < 0)
		return PASS_ENONE;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;   /* no SA_RESTART: the read returns */
	sigemptyset(&sa.sa_mask);
	caught = 0;
	for (i = 0; i < NSIGNALS; i++)
		sigaction(tty_signals[i], &sa, &old_sa[i]);
	if (write(fd, prompt, strlen(prompt)) >= 0 && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0) {   /* never read it echoed */
			rc = read_line(fd, p, cap, len);
			tcsetattr(fd, TCSAFLUSH, &old);
			if (write(fd, "\n", 1) < 0)
				rc = PASS_EREAD;
		}
	}
	close(fd);
	for (i = 0; i < NSIGNALS; i++)
		sigaction(tty_signals[i], &old_sa[i], NULL);
	if (caught != 0) {
		sodium_memzero(p, cap);
		raise(caught);
		return PASS_EREAD;
	}
	return rc;
}

int pass_read(int fd, const char *prompt, int confirm, char **out, size_t *len)
{
	const char *env = getenv("KAA_PASSPHRASE");
	char *p, *again;
	size_t n2;
	int rc;

	*out = NULL;
	if ((p = sodium_malloc(PASS_MAX)) == NULL)
		return PASS_ENOMEM;
	if (fd >= 0)
		rc = read_line(fd, p, PASS_MAX, len);
	else if (env != NULL && *env != '\0' && strlen(env) < PASS_MAX) {
		*len = strlen(env);
		memcpy(p, env, *len + 1);
		rc = PASS_OK;
	} else {
		rc = from_tty(prompt, p, PASS_MAX, len);
		if (rc == PASS_OK && confirm) {
			if ((again = sodium_malloc(PASS_MAX)) == NULL)
				rc = PASS_ENOMEM;
			else {
				rc = from_tty("Repeat the passphrase: ", again, PASS_MAX, &n2);
				if (rc == PASS_OK && (n2 != *len || sodium_memcmp(p, again, n2) != 0))
					rc = PASS_EMISMATCH;
				sodium_free(again);
			}
		}
	}
	if (rc != PASS_OK) {
		sodium_free(p);
		return rc;
	}
	*out = p;
	return PASS_OK;
}

void pass_free(char *p)
{
	sodium_free(p);
}

const char *pass_strerror(int err)
{
	switch (err) {
	case PASS_OK: return "no error";
	case PASS_ENONE: return "no passphrase given (no terminal, no "
	    "--passphrase-fd, no KAA_PASSPHRASE)";
	case PASS_EREAD: return "cannot read the passphrase";
	case PASS_EMISMATCH: return "the passphrases differ";
	default: return "out of memory";
	}
}
