/* cmd_pull.c — kaa-inbox pull: the web host's inbox into the archive.
 *
 * The rows travel sealed: 'kaa-inbox export-sealed' on the web host (over
 * ssh, or in a child process for a local inbox) writes the stream of
 * cli.h; every row of it is checked and imported in one transaction; only
 * once that is committed (on disk) are the rows acknowledged with
 * 'kaa-inbox ack', which removes them from the inbox. Neither side needs a
 * secret key. Whatever goes wrong before the acknowledgement leaves every
 * row on the web host, and importing is idempotent, so pulling again
 * loses and duplicates nothing. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cli_out.h"

/* Where the inbox is: a local path, or a path on host over ssh. */
struct source {
	const char *path;
	char        user[33];
	char        host[254];   /* "" for a local inbox */
	char        port[6];
};

/* Copies len bytes of s into dst if they are 1..size-1 of chars and do not
 * start with '-' (ssh would take that for an option). */
static int take_part(char *dst, size_t size, const char *s, size_t len,
    const char *chars)
{
	if (len == 0 || len >= size || s[0] == '-' || strspn(s, chars) < len)
		return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

#define HOST_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"

/* ssh://[user@]host[:port]/path, else a local path. */
static int parse_source(const char *s, struct source *src)
{
	const char *auth, *slash, *at, *colon;
	long port;

	memset(src, 0, sizeof(*src));
	if (strncmp(s, "ssh://", 6) != 0) {
		src->path = s;
		return *s != '\0' ? 0 : -1;
	}
	auth = s + 6;
	if ((slash = strchr(auth, '/')) == NULL || slash[1] == '\0')
		return -1;
	src->path = slash;
	at = memchr(auth, '@', (size_t)(slash - auth));
	if (at != NULL) {
		if (take_part(src->user, sizeof(src->user), auth, (size_t)(at - auth),
		    HOST_CHARS "_") != 0)
			return -1;
		auth = at + 1;
	}
	colon = memchr(auth, ':', (size_t)(slash - auth));
	if (colon != NULL) {
		if (take_part(src->port, sizeof(src->port), colon + 1,
		    (size_t)(slash - colon - 1), "0123456789") != 0 ||
		    (port = strtol(src->port, NULL, 10)) < 1 || port > 65535)
			return -1;
	} else
		colon = slash;
	return take_part(src->host, sizeof(src->host), auth, (size_t)(colon - auth),
	    HOST_CHARS);
}

/* --- the remote side ---------------------------------------------------------- */

/* s in single quotes for the remote shell (ssh hands the command to it):
 * each ' as '\''. Appended to the malloc'd *out; -1 if memory ran out. */
static int append_quoted(char **out, const char *s)
{
	size_t have = *out ? strlen(*out) : 0, n = 3;
	const char *p;
	char *q;

	for (p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	if ((q = realloc(*out, have + n + 1)) == NULL)
		return -1;
	*out = q;
	q += have;
	if (have > 0)
		*q++ = ' ';
	*q++ = '\'';
	for (p = s; *p; p++)
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else
			*q++ = *p;
	*q++ = '\'';
	*q = '\0';
	return 0;
}

/* ssh's argv for running `kaa-inbox VERB --inbox PATH` on the host:
 * BatchMode (never a prompt), KAA_SSH's words, each --ssh-option, port,
 * user, host, then the command, quoted. *words (KAA_SSH's copy) and
 * *cmd are the caller's to free, also on failure. NULL if memory ran out
 * or there are too many options. */
static char **ssh_argv(const struct cli_opts *o, const struct source *src,
    const char *verb, char **words, char **cmd)
{
	enum { MAX = 64 };
	char **av = calloc(MAX + 1, sizeof(*av)), *w;
	const char *env = getenv("KAA_SSH");
	int n = 0, i;

	*cmd = NULL;
	*words = env != NULL ? strdup(env) : NULL;
	if (av == NULL || (env != NULL && *words == NULL))
		goto fail;
	av[n++] = "ssh";
	av[n++] = "-o";
	av[n++] = "BatchMode=yes";
	for (w = *words ? strtok(*words, " \t") : NULL; w != NULL && n < MAX - 20;
	    w = strtok(NULL, " \t"))
		av[n++] = w;
	for (i = 0; i < o->nssh_opts; i++) {
		av[n++] = "-o";
		av[n++] = (char *)o->ssh_opts[i];
	}
	if (src->port[0]) {
		av[n++] = "-p";
		av[n++] = (char *)src->port;
	}
	if (src->user[0]) {
		av[n++] = "-l";
		av[n++] = (char *)src->user;
	}
	av[n++] = "--";
	av[n++] = (char *)src->host;
	if (append_quoted(cmd, o->remote_cmd ? o->remote_cmd : CLI_NAME) != 0 ||
	    append_quoted(cmd, verb) != 0 || append_quoted(cmd, "--inbox") != 0 ||
	    append_quoted(cmd, src->path) != 0)
		goto fail;
	av[n] = *cmd;
	return av;
fail:
	free(av);
	return NULL;
}

/* --- child processes ---------------------------------------------------------- */

/* A child: its stdin from in (or /dev/null for -1), stdout to out, stderr
 * to err (our own for -1), then argv exec'd, or for argv NULL the local
 * export of o's inbox run in the child. */
static pid_t spawn(char *const argv[], const struct cli_opts *o, int in,
    int out, int err)
{
	struct cli_opts local;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || (err >= 0 && dup2(err, 2) < 0))
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	if (argv != NULL) {
		execvp(argv[0], argv);
		fprintf(stderr, _("kaa-inbox: pull: cannot run %s: %s\n"), argv[0],
		    strerror(errno));
		_exit(127);
	}
	local = *o;
	local.nargs = 0;
	fflush(stdout);
	_exit(cli_cmd_export_sealed.run(&local) | (fflush(stdout) != 0));
}

/* The child's exit status: its code, or 128 + the signal that ended it. */
static int wait_for(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 255;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* What ssh and the web host wrote on stderr (held in f), on ours: one line, at
 * most 2,000 bytes, escaped (it may be hostile). */
static void relay_stderr(FILE *f)
{
	char text[2001];
	size_t n;

	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	text[n] = '\0';
	if (n == 0)
		return;
	fputs(_("kaa-inbox: pull: from ssh: "), stderr);
	cli_put_json(stderr, text);
	putc('\n', stderr);
}

/* --- importing ---------------------------------------------------------------- */

struct pull {
	archive    *a;
	const char *municipality;
	char      (*refs)[INBOX_REF_LEN + 1];   /* the rows the archive has */
	size_t      nrefs, cap;
	long        added, had, bad;
	struct cli_progress progress;   /* rows received, on a terminal */
};

static int keep_ref(struct pull *p, const char *ref)
{
	void *q;

	if (p->nrefs == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		if ((q = realloc(p->refs, p->cap * sizeof(*p->refs))) == NULL)
			return -1;
		p->refs = q;
	}
	memcpy(p->refs[p->nrefs++], ref, INBOX_REF_LEN + 1);
	return 0;
}

static void report_bad(struct pull *p, const struct cli_stream *s,
    const char *why)
{
	cli_progress_hide(&p->progress);
	fprintf(stderr, _("kaa-inbox: pull: row %ld of the stream: %s: skipped "
	    "(it stays on the web host)\n"), s->rows, why);
}

/* Reads the stream from in into the archive (inside the caller's
 * transaction). The last item read (CLI_STREAM_END if whole), or -1 after
 * saying why on stderr if the archive failed. */
static int import(struct pull *p, FILE *in)
{
	struct cli_stream s;
	struct inbox_entry e;
	const char *why;
	int item, added, rc = ARCHIVE_OK;

	cli_stream_init(&s, in);
	/* TRANSLATORS: the rows read so far; on a terminal. */
	cli_progress_start(&p->progress, _("pull: %s records received"), -1);
	while ((item = cli_stream_next(&s, &e, &why)) == CLI_STREAM_ROW ||
	    item == CLI_STREAM_BAD) {
		cli_progress_step(&p->progress);
		if (item == CLI_STREAM_BAD) {
			p->bad++;
			report_bad(p, &s, why);
			continue;
		}
		rc = archive_import(p->a, p->municipality, &e, &added);
		if (rc == ARCHIVE_OK && keep_ref(p, e.ref) != 0)
			rc = ARCHIVE_ENOMEM;
		inbox_entry_clear(&e);
		if (rc != ARCHIVE_OK)
			break;
		*(added ? &p->added : &p->had) += 1;
	}
	cli_stream_free(&s);
	cli_progress_end(&p->progress);
	if (rc != ARCHIVE_OK) {
		fprintf(stderr, _("kaa-inbox: pull: the archive: %s: nothing was "
		    "imported or acknowledged\n"), _(archive_strerror(rc)));
		return -1;
	}
	return item;
}

/* --- the two steps ------------------------------------------------------------ */

/* Export on the source into the archive, committed. 0, or the exit status
 * after saying why. */
static int fetch(const struct cli_opts *o, const struct source *src,
    struct pull *p)
{
	char **av = NULL, *words = NULL, *cmd = NULL;
	FILE *in = NULL, *err = src->host[0] ? tmpfile() : NULL;
	struct cli_opts local = *o;
	int fds[2] = { -1, -1 }, item = -1, status;
	pid_t pid = -1;

	if ((src->host[0] && (err == NULL ||
	    (av = ssh_argv(o, src, "export-sealed", &words, &cmd)) == NULL)) ||
	    pipe(fds) != 0 ||
	    (local.inbox = src->path,
	    pid = spawn(av, &local, -1, fds[1], err ? fileno(err) : -1)) < 0) {
		fprintf(stderr, _("kaa-inbox: pull: cannot start the export: %s\n"),
		    strerror(errno));
		status = -1;
	} else {
		close(fds[1]);
		fds[1] = -1;
		if ((in = fdopen(fds[0], "r")) != NULL) {
			fds[0] = -1;
			if (archive_begin(p->a) == ARCHIVE_OK)
				item = import(p, in);
			fclose(in);   /* a child still writing gets EPIPE */
		}
		status = wait_for(pid);
	}
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(av);
	free(words);
	free(cmd);
	if (err != NULL) {
		relay_stderr(err);
		fclose(err);
	}
	/* Exit 1 with the END line: rows it could not send stay there. */
	if (item == CLI_STREAM_END && (status == 0 || status == 1) &&
	    archive_commit(p->a) == ARCHIVE_OK)
		return 0;
	archive_rollback(p->a);
	if (item == -1 && status != -1)
		return 1;   /* said */
	if (item == CLI_STREAM_EHEADER && status == 0)
		fputs(_("kaa-inbox: pull: the web host sent no sealed stream (is its "
		    "kaa-inbox too old or too new?): nothing was imported or "
		    "acknowledged\n"), stderr);
	else if (status != -1)
		fprintf(stderr, src->host[0] ?
		    _("kaa-inbox: pull: the export over ssh was cut off or failed "
		    "before the whole inbox was read (exit status %d): nothing was "
		    "imported or acknowledged; pull again\n") :
		    _("kaa-inbox: pull: the export failed before the whole inbox was "
		    "read (exit status %d): nothing was imported or acknowledged; "
		    "pull again\n"), status);
	return 1;
}

/* Acknowledges p's rows on the source: they are removed there. 0, or the
 * exit status after saying why. */
static int acknowledge(const struct cli_opts *o, const struct source *src,
    struct pull *p, size_t *removed)
{
	char **av, *words = NULL, *cmd = NULL, line[64];
	FILE *err = NULL, *out = NULL, *to = NULL;
	size_t i, asked;
	int fds[2] = { -1, -1 }, status = -1;
	inbox *ib;
	pid_t pid;

	*removed = 0;
	if (p->nrefs == 0)
		return 0;
	if (!src->host[0]) {   /* in-process: the same as 'ack' */
		char **refs = malloc(p->nrefs * sizeof(*refs));

		if (refs == NULL)
			return 1;
		for (i = 0; i < p->nrefs; i++)
			refs[i] = p->refs[i];
		if ((status = inbox_open(src->path, 0, 0, &ib)) == INBOX_OK) {
			status = inbox_remove(ib, (const char *const *)refs, p->nrefs, removed);
			inbox_close(ib);
		}
		free(refs);
		if (status != INBOX_OK)
			fprintf(stderr, _("kaa-inbox: pull: %s: %s: the rows are in the "
			    "archive but still in the inbox (the next pull removes "
			    "them)\n"), src->path, _(inbox_strerror(status)));
		return status != INBOX_OK;
	}
	if ((err = tmpfile()) != NULL && (out = tmpfile()) != NULL &&
	    (av = ssh_argv(o, src, "ack", &words, &cmd)) != NULL) {
		if (pipe(fds) == 0 &&
		    (pid = spawn(av, o, fds[0], fileno(out), fileno(err))) > 0) {
			close(fds[0]);
			if ((to = fdopen(fds[1], "w")) != NULL) {
				for (i = 0; i < p->nrefs; i++)
					fprintf(to, "%s\n", p->refs[i]);
				fclose(to);
			} else
				close(fds[1]);
			status = wait_for(pid);
		}
		free(av);
	}
	free(words);
	free(cmd);
	if (out != NULL) {
		rewind(out);
		if (status == 0 && (fgets(line, sizeof(line), out) == NULL ||
		    sscanf(line, "removed %zu of %zu", removed, &asked) != 2))
			status = 1;
		fclose(out);
	}
	if (err != NULL) {
		relay_stderr(err);
		fclose(err);
	}
	if (status != 0)
		fprintf(stderr, _("kaa-inbox: pull: the acknowledgement over ssh failed "
		    "(exit status %d): the rows are in the archive but still on the "
		    "web host (the next pull removes them)\n"), status);
	return status != 0;
}

static int run(struct cli_opts *o)
{
	struct pull p = { 0 };
	struct source src;
	size_t removed = 0;
	int rc;

	if (o->nargs != 1) {
		fputs(_("kaa-inbox: pull needs one SOURCE: an inbox file or "
		    "ssh://[user@]host[:port]/path/to/inbox.sqlite\n"), stderr);
		return 2;
	}
	if (parse_source(o->args[0], &src) != 0) {
		fputs(_("kaa-inbox: pull: not an inbox path or "
		    "ssh://[user@]host[:port]/path: "), stderr);
		cli_put_json(stderr, o->args[0]);
		putc('\n', stderr);
		return 2;
	}
	if ((p.municipality = cli_municipality(o)) == NULL) {
		fputs(_("kaa-inbox: pull: say which municipality the inbox is: -c CONF "
		    "or --municipality ID\n"), stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);   /* a cut connection is an error to report */
	if ((rc = cli_open_archive(o, ARCHIVE_CREATE, &p.a)) != 0)
		return rc;
	if ((rc = fetch(o, &src, &p)) == 0)
		rc = acknowledge(o, &src, &p, &removed);
	archive_close(p.a);
	free(p.refs);
	if (rc == 0 || p.nrefs > 0)
		printf(_("%ld new, %ld already in the archive, %ld rejected; %zu removed "
		    "from the inbox\n"), p.added, p.had, p.bad, removed);
	return rc != 0 || p.bad > 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_archive, &cli_opt_municipality,
	&cli_opt_ssh_option, &cli_opt_remote_command, NULL,
};

const struct cli_command cli_cmd_pull = {
	.name = "pull",
	.synopsis = "(-c CONF | --municipality ID) [--archive FILE] SOURCE",
	.summary = N_("move the web host's inbox, still sealed, into your archive"),
	.about =
	N_("Copy every submission of the inbox SOURCE, still sealed, into your\n"
	"archive, then remove them from the inbox. SOURCE is the inbox file, or\n"
	"ssh://[user@]host[:port]/path/to/inbox.sqlite on the web host: there\n"
	"ssh (BatchMode: keys, no password prompt) runs 'kaa-inbox export-sealed'\n"
	"and, once the archive has the rows on disk, 'kaa-inbox ack'. Neither\n"
	"needs a secret key. If anything fails before that, every row stays in\n"
	"the inbox; pulling again loses and duplicates nothing. A row that is\n"
	"not what the e-service writes is reported, skipped and left there.\n"
	"Extra ssh options: the words of KAA_SSH, then each --ssh-option.\n"
	"Prints: N new, M already in the archive, K rejected; R removed.\n"
	"\n"
	"Exit status: 0 every row pulled and removed; 1 something failed or a\n"
	"row was rejected (said on stderr; what was not acknowledged is still\n"
	"in the inbox); 2 usage."),
	.options = options,
	.max_args = 1,
	.run = run,
};
