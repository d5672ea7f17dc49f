/* pass.c — passphrase input: descriptor, environment or terminal. */
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"
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

/* Ctrl-C (or a TERM) while echo is off must not leave the terminal silent,
 * nor Ctrl-Z (or a background read or write, TTIN/TTOU) leave the shell
 * without echo: catch them, let the read fail, turn echo back on, then
 * act on the signal. */
static const int tty_signals[] = {
	SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU,
};
#define NSIGNALS (sizeof(tty_signals) / sizeof(tty_signals[0]))

static int stops(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* The prompt, then one line read from the terminal fd with echo off; the
 * terminal's modes are put back before returning. */
static int read_quiet(int fd, const char *prompt, char *p, size_t cap,
    size_t *len)
{
	struct termios old, quiet;
	int rc = PASS_EREAD;

	if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) != 0)
		return PASS_EREAD;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0) {   /* never read it echoed */
		rc = read_line(fd, p, cap, len);
		tcsetattr(fd, TCSAFLUSH, &old);
		if (write(fd, "\n", 1) < 0)
			rc = PASS_EREAD;
	}
	return rc;
}

static int from_tty(const char *prompt, char *p, size_t cap, size_t *len)
{
	struct sigaction sa, old_sa[NSIGNALS];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), rc;
	size_t i;

	if (fd < 0)
		return PASS_ENONE;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;   /* no SA_RESTART: the read returns */
	sigemptyset(&sa.sa_mask);
	for (;;) {
		caught = 0;
		for (i = 0; i < NSIGNALS; i++)
			sigaction(tty_signals[i], &sa, &old_sa[i]);
		rc = read_quiet(fd, prompt, p, cap, len);
		for (i = 0; i < NSIGNALS; i++)
			sigaction(tty_signals[i], &old_sa[i], NULL);
		if (caught == 0)
			break;
		if (rc != PASS_OK || !stops(caught))
			sodium_memzero(p, cap);
		/* The signal's own action now, with echo on: end, or stop
		 * until fg (SIGCONT) returns here. */
		raise(caught);
		if (!stops(caught)) {
			rc = PASS_EREAD;
			break;
		}
		if (rc == PASS_OK)
			break;
		/* Continued: ask again, echo off again. What was typed before
		 * the stop was flushed by the terminal. */
	}
	close(fd);
	return rc;
}

/* The passphrase from KAA_PASSPHRASE into p, and the variable removed so
 * that nothing started later inherits it. PASS_ENONE if it is not set. */
static int from_env(int flags, char *p, size_t *len)
{
	const char *env = getenv("KAA_PASSPHRASE");
	int rc = PASS_ENONE;

	if (env != NULL && *env != '\0' && strlen(env) < PASS_MAX) {
		if ((flags & PASS_NO_ENV) == 0) {
			*len = strlen(env);
			memcpy(p, env, *len + 1);
		}
		rc = (flags & PASS_NO_ENV) ? PASS_EENV : PASS_OK;
	}
	unsetenv("KAA_PASSPHRASE");
	return rc;
}

int pass_read(int fd, const char *prompt, int flags, char **out, size_t *len)
{
	char *p, *again;
	size_t n2;
	int rc;

	*out = NULL;
	if ((p = sodium_malloc(PASS_MAX)) == NULL)
		return PASS_ENOMEM;
	rc = from_env(flags, p, len);
	if (fd >= 0)
		rc = read_line(fd, p, PASS_MAX, len);
	else if (rc == PASS_ENONE) {
		rc = from_tty(prompt, p, PASS_MAX, len);
		if (rc == PASS_OK && (flags & PASS_CONFIRM)) {
			if ((again = sodium_malloc(PASS_MAX)) == NULL)
				rc = PASS_ENOMEM;
			else {
				rc = from_tty(_("Repeat the passphrase: "), again, PASS_MAX, &n2);
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
	case PASS_OK: return _("no error");
	case PASS_ENONE: return _("no passphrase given (no terminal, no "
	    "--passphrase-fd, no KAA_PASSPHRASE)");
	case PASS_EREAD: return _("cannot read the passphrase");
	case PASS_EMISMATCH: return _("the passphrases differ");
	case PASS_EENV: return _("KAA_PASSPHRASE is for demo and test keys "
	    "(--kdf interactive): type a real key's passphrase at the terminal, "
	    "or give it with --passphrase-fd");
	default: return _("out of memory");
	}
}
