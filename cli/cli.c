/* cli.c — what kaa-inbox's commands share (cli.h): the options, their
 * parsing and usage, the configuration and the inbox. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wfile.h"

#include "cli.h"
#include "cli_out.h"
#include "pass.h"

/* --- the catalogue of options ---------------------------------------------- */

static int set_config(struct cli_opts *o, const char *v) { o->conf = v; return 0; }
static int set_inbox(struct cli_opts *o, const char *v) { o->inbox = v; return 0; }
static int set_public(struct cli_opts *o, const char *v) { o->public_key = v; return 0; }
static int set_secret(struct cli_opts *o, const char *v) { o->secret_key = v; return 0; }
static int set_json(struct cli_opts *o, const char *v) { (void)v; o->json = 1; return 0; }

static int set_pass_fd(struct cli_opts *o, const char *v)
{
	char *end;
	long fd = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || fd < 0 || fd > 1024)
		return -1;
	o->pass_fd = (int)fd;
	return 0;
}

static int set_kdf(struct cli_opts *o, const char *v)
{
	static const struct { const char *name; enum key_kdf kdf; } kdfs[] = {
		{ "moderate", KEY_KDF_MODERATE }, { "interactive", KEY_KDF_INTERACTIVE },
	};
	size_t i;

	for (i = 0; i < sizeof(kdfs) / sizeof(kdfs[0]); i++)
		if (strcmp(v, kdfs[i].name) == 0) {
			o->kdf = kdfs[i].kdf;
			return 0;
		}
	return -1;
}

static int set_archive(struct cli_opts *o, const char *v)
{
	o->archive = v;
	o->archive_given = 1;
	return 0;
}
static int set_remote(struct cli_opts *o, const char *v) { o->remote_cmd = v; return 0; }

static int set_municipality(struct cli_opts *o, const char *v)
{
	size_t n = strlen(v);

	o->municipality = v;
	return n > 0 && n <= ARCHIVE_MUNICIPALITY_LEN &&
	    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") == n ? 0 : -1;
}

/* ssh's -o takes OPTION=VALUE or "OPTION VALUE"; nothing that starts
 * like another of its options. */
static int set_ssh_option(struct cli_opts *o, const char *v)
{
	if (o->nssh_opts == CLI_MAX_SSH_OPTS || *v == '\0' || *v == '-')
		return -1;
	o->ssh_opts[o->nssh_opts++] = v;
	return 0;
}

static int set_kind(struct cli_opts *o, const char *v)
{
	o->kind = v;
	return cli_valid_kind(v) ? 0 : -1;
}

static int set_status(struct cli_opts *o, const char *v)
{
	return (o->status = archive_status_parse(v)) < 0 ? -1 : 0;
}

/* A date YYYY-MM-DD that exists. */
static int valid_date(const char *v)
{
	char t[32];

	return strlen(v) == 10 &&
	    snprintf(t, sizeof(t), "%sT00:00:00Z", v) < (int)sizeof(t) &&
	    cli_valid_time(t);
}

static int set_from(struct cli_opts *o, const char *v)
{
	o->from = v;
	return valid_date(v) ? 0 : -1;
}

static int set_to(struct cli_opts *o, const char *v)
{
	o->to = v;
	return valid_date(v) ? 0 : -1;
}

/* A name for the status: printable, no control character (it is printed
 * back in list). */
static int set_who(struct cli_opts *o, const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return -1;
	o->who = v;
	return *v != '\0' && strlen(v) <= ARCHIVE_WHO_LEN ? 0 : -1;
}

/* A duration in days: "365d". */
static int set_older_than(struct cli_opts *o, const char *v)
{
	char *end;
	long d;

	errno = 0;
	d = strtol(v, &end, 10);
	if (errno != 0 || end == v || strcmp(end, "d") != 0 || d < 1 || d > 36500)
		return -1;
	o->older_than = d;
	return 0;
}

static int set_format(struct cli_opts *o, const char *v)
{
	o->format = strcmp(v, "csv") == 0 ? CLI_EXPORT_CSV :
	    strcmp(v, "json") == 0 ? CLI_EXPORT_JSON : 0;
	return o->format != 0 ? 0 : -1;
}
static int set_out(struct cli_opts *o, const char *v) { o->out = v; return 0; }
static int set_free_text(struct cli_opts *o, const char *v) { (void)v; o->free_text = 1; return 0; }
static int set_new_secret(struct cli_opts *o, const char *v) { o->new_secret = v; return 0; }
static int set_new_public(struct cli_opts *o, const char *v) { o->new_public = v; return 0; }
static int set_keys(struct cli_opts *o, const char *v) { o->keys = v; return 0; }

const struct cli_option cli_opt_config = { "config", 'c', "FILE",
	N_("municipality configuration (gives the inbox, and\n"
	"keygen's public key file if it lists only one)"), set_config };
const struct cli_option cli_opt_inbox = { "inbox", 'i', "FILE",
	N_("the inbox SQLite file"), set_inbox };
const struct cli_option cli_opt_public = { "public", 'p', "FILE",
	N_("public key file"), set_public };
const struct cli_option cli_opt_secret = { "secret", 's', "FILE",
	N_("secret key file"), set_secret };
const struct cli_option cli_opt_passphrase_fd = { "passphrase-fd", 0, "N",
	N_("read the passphrase from file descriptor N"), set_pass_fd };
const struct cli_option cli_opt_json = { "json", 0, NULL,
	N_("print the decrypted record as JSON, with the\n"
	"form's labels in field_labels and value_labels"), set_json };
const struct cli_option cli_opt_kdf = { "kdf", 0, "interactive",
	N_("cheaper passphrase hashing (tests and demos only)"), set_kdf };

const struct cli_option cli_opt_archive = { "archive", 'a', "FILE",
	N_("the coordinator's archive (default: the configuration's\n"
	"[archive] path, else ~/.local/share/kaa/ID.archive)"), set_archive };
const struct cli_option cli_opt_municipality = { "municipality", 'm', "ID",
	N_("the municipality (default: the configuration's id)"), set_municipality };
const struct cli_option cli_opt_ssh_option = { "ssh-option", 'o', "OPT",
	N_("an option for ssh (-o OPT), e.g. Port=2222; may be\n"
	"repeated (also: words in the environment variable\n"
	"KAA_SSH, before these)"), set_ssh_option };
const struct cli_option cli_opt_remote_command = { "remote-command", 0, "PATH",
	N_("kaa-inbox on the web host (default: kaa-inbox)"), set_remote };
const struct cli_option cli_opt_kind = { "kind", 'k', "KIND",
	N_("only this form kind (sysselsattning, skolanmalan)"), set_kind };
const struct cli_option cli_opt_status = { "status", 0, "STATUS",
	N_("only records with this status: new, in-progress, done"), set_status };
const struct cli_option cli_opt_from = { "from", 0, "DATE",
	N_("only records received on or after DATE (YYYY-MM-DD)"), set_from };
const struct cli_option cli_opt_to = { "to", 0, "DATE",
	N_("only records received on or before DATE (YYYY-MM-DD)"), set_to };
const struct cli_option cli_opt_who = { "who", 'w', "NAME",
	N_("who sets it (default: the user's login name)"), set_who };
const struct cli_option cli_opt_older_than = { "older-than", 0, "DAYS",
	N_("e.g. 365d (default: the configuration's\n"
	"inbox.retention_days)"), set_older_than };

const struct cli_option cli_opt_format = { "format", 'f', "FORMAT",
	N_("csv (for a spreadsheet) or json"), set_format };
const struct cli_option cli_opt_out = { "out", 0, "FILE",
	N_("write to this new file (mode 0600; never over\n"
	"an existing one), not to standard output"), set_out };
const struct cli_option cli_opt_with_free_text = { "with-free-text", 0, NULL,
	N_("also the free-text fields (messages, other)"), set_free_text };
const struct cli_option cli_opt_new_secret = { "new-secret", 0, "FILE",
	N_("the new secret key file (written; never over an\n"
	"existing one)"), set_new_secret };
const struct cli_option cli_opt_new_public = { "new-public", 0, "FILE",
	N_("the new public key file (written; never over an\n"
	"existing one)"), set_new_public };
const struct cli_option cli_opt_keys = { "keys", 0, "FILES",
	N_("the municipality's public key files, by ','\n"
	"(default: the configuration's keys.public_key)"), set_keys };

/* --help: every command takes it, so it is not in their lists. */
static const struct cli_option opt_help = { "help", 'h', NULL, N_("this text"), NULL };

/* --- usage ------------------------------------------------------------------ */

enum { HELP_COLUMN = 25 };

/* One option's lines: its names padded to HELP_COLUMN, then its help, each
 * further line of it indented to the same column. */
static void option_usage(const struct cli_option *opt, FILE *f)
{
	const char *h = _(opt->help), *nl;
	int n;

	n = opt->letter ? fprintf(f, "  -%c, --%s", opt->letter, opt->name) :
	    fprintf(f, "      --%s", opt->name);
	if (opt->arg != NULL)
		n += fprintf(f, " %s", opt->arg);
	for (; (nl = strchr(h, '\n')) != NULL; h = nl + 1, n = 0)
		fprintf(f, "%*s%.*s\n", n < HELP_COLUMN ? HELP_COLUMN - n : 1, "",
		    (int)(nl - h), h);
	fprintf(f, "%*s%s\n", n < HELP_COLUMN ? HELP_COLUMN - n : 1, "", h);
}

void cli_usage(const struct cli_command *c, FILE *f)
{
	const struct cli_option *const *opt;

	fprintf(f, _("usage: kaa-inbox %s %s\n\n%s\n\noptions:\n"), c->name,
	    c->synopsis, _(c->about));
	for (opt = c->options; *opt != NULL; opt++)
		option_usage(*opt, f);
	option_usage(&opt_help, f);
}

/* --- parsing ---------------------------------------------------------------- */

/* getopt_long's val for an option without a short name: LONG_ONLY + its
 * index in the command's list. */
enum { LONG_ONLY = 256 };

/* The command's option that getopt_long answered val for. */
static const struct cli_option *option_of(const struct cli_command *c, int val)
{
	const struct cli_option *const *opt;

	if (val >= LONG_ONLY)
		return c->options[val - LONG_ONLY];
	for (opt = c->options; *opt != NULL; opt++)
		if ((*opt)->letter == val)
			return *opt;
	return &opt_help;
}

/* getopt_long's tables for c's options and --help: *lo and *so are
 * malloc'd (the caller frees them), NULL if memory ran out. */
static void getopt_tables(const struct cli_command *c, struct option **lo,
    char **so)
{
	const struct cli_option *opt;
	size_t i, n = 0;
	char *s;

	while (c->options[n] != NULL)
		n++;
	*lo = calloc(n + 2, sizeof(**lo));
	*so = s = malloc(3 * n + 3);
	if (*lo == NULL || s == NULL)
		return;
	*s++ = ':';   /* a missing value answers ':', not '?' */
	for (i = 0; i < n; i++) {
		opt = c->options[i];
		(*lo)[i] = (struct option){ opt->name, opt->arg ? required_argument :
		    no_argument, NULL, opt->letter ? opt->letter : LONG_ONLY + (int)i };
		if (opt->letter) {
			*s++ = opt->letter;
			if (opt->arg)
				*s++ = ':';
		}
	}
	(*lo)[n] = (struct option){ opt_help.name, no_argument, NULL, opt_help.letter };
	*s++ = opt_help.letter;
	*s = '\0';
}

/* Names what was wrong on stderr (what: an N_() text, the option or the
 * argument follows it), with where to read more; returns 2. */
static int bad_usage(const struct cli_command *c, const char *what,
    const char *name, const char *value)
{
	fprintf(stderr, CLI_NAME " %s: %s ", c->name, _(what));
	cli_put_clean(stderr, name);
	if (value != NULL) {
		fputs(": ", stderr);
		cli_put_json(stderr, value);
	}
	/* TRANSLATORS: ends a message about a wrong option; the command's name. */
	fprintf(stderr, _(" (see 'kaa-inbox help %s')\n"), c->name);
	return 2;
}

/* The spelling of the option getopt_long found wrong: a short one as -X;
 * a long one (unknown, ambiguous, given a value it does not take, or
 * without the value it needs) as given, up to any '='. getopt_long sets
 * optopt to 0 for an unknown long option, else to the option's val. */
static const char *wrong_option(const struct cli_command *c, char **argv,
    char out[], size_t size)
{
	const char *arg = argv[optind - 1];
	int ours = optopt >= LONG_ONLY || optopt == opt_help.letter ||
	    option_of(c, optopt) != &opt_help;

	if (optopt != 0 && optopt < LONG_ONLY && (!ours || strncmp(arg, "--", 2) != 0))
		snprintf(out, size, "-%c", optopt);
	else
		snprintf(out, size, "%.*s", (int)strcspn(arg, "="), arg);
	return out;
}

/* Fills o from argv with getopt_long's tables lo and so. 0 to run, 1 if
 * the usage was asked for (and printed), else the exit status after saying
 * what was wrong. */
static int parse_with(const struct cli_command *c, int argc, char **argv,
    const struct option *lo, const char *so, struct cli_opts *o)
{
	const struct cli_option *opt;
	char name[64];
	int ch;

	opterr = 0;   /* the messages are ours */
	optind = 0;   /* glibc: start afresh (unit tests parse many times) */
	while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (ch == '?')
			return bad_usage(c, optopt != 0 && strncmp(argv[optind - 1], "--", 2) == 0 ?
			    N_("no value is taken by") : N_("unknown option"),
			    wrong_option(c, argv, name, sizeof(name)), NULL);
		if (ch == ':')
			return bad_usage(c, N_("a value is missing for"),
			    wrong_option(c, argv, name, sizeof(name)), NULL);
		if ((opt = option_of(c, ch)) == &opt_help) {
			cli_usage(c, stdout);
			return 1;
		}
		if (opt->set(o, optarg) != 0) {
			snprintf(name, sizeof(name), "--%s", opt->name);
			return bad_usage(c, N_("bad value for"), name, optarg);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs > c->max_args)
		return bad_usage(c, N_("unexpected argument"), o->args[c->max_args], NULL);
	return 0;
}

static int parse(const struct cli_command *c, int argc, char **argv,
    struct cli_opts *o)
{
	struct option *lo;
	char *so;
	int rc;

	memset(o, 0, sizeof(*o));
	o->pass_fd = -1;
	o->status = -1;
	o->kdf = KEY_KDF_MODERATE;
	getopt_tables(c, &lo, &so);
	if (lo == NULL || so == NULL) {
		fputs(_("kaa-inbox: out of memory\n"), stderr);
		rc = 1;
	} else
		rc = parse_with(c, argc, argv, lo, so, o);
	free(lo);
	free(so);
	return rc;
}

/* --- the configuration and the inbox ----------------------------------------- */

/* Loads -c's configuration into *confp: it gives the inbox and, if it lists
 * one public key, that key, unless given. The strings live as long as
 * *confp. */
static int use_conf(struct cli_opts *o, struct conf **confp)
{
	struct conf_errinfo ei;
	const char *v;
	int rc;

	*confp = NULL;
	if (o->conf == NULL)
		return 0;
	if ((rc = conf_load(o->conf, confp, &ei)) != CONF_OK) {
		fprintf(stderr, CLI_NAME ": %s:%d: %s%s%s\n", o->conf, ei.line,
		    _(conf_strerror(rc)), ei.key[0] ? ": " : "", ei.key);
		return -1;
	}
	o->config = *confp;
	if (o->inbox == NULL)
		o->inbox = (*confp)->inbox_path;
	if (o->public_key == NULL && (*confp)->npublic_keys == 1)
		o->public_key = (*confp)->public_key_path;
	if (o->archive == NULL && (v = conf_get(*confp, "archive.path")) != NULL &&
	    *v != '\0') {
		if ((o->owned = conf_resolve(o->conf, v, strlen(v))) == NULL)
			return -1;
		o->archive = o->owned;
	}
	return 0;
}

int cli_run(const struct cli_command *c, int argc, char **argv)
{
	struct conf *conf;
	struct cli_opts o;
	int rc;

	if ((rc = parse(c, argc, argv, &o)) != 0)
		return rc == 1 ? 0 : rc;
	if (use_conf(&o, &conf) != 0)
		rc = 1;
	else
		rc = c->run(&o);
	free(o.owned);
	conf_free(conf);
	return rc;
}

int cli_open_inbox(const struct cli_opts *o, inbox **ib)
{
	int rc;

	if (o->inbox == NULL) {
		fputs(_("kaa-inbox: say which inbox: -c CONF or --inbox FILE\n"), stderr);
		return 2;
	}
	if ((rc = inbox_open(o->inbox, INBOX_READONLY, 0, ib)) != INBOX_OK) {
		fprintf(stderr, CLI_NAME ": %s: %s\n", o->inbox, _(inbox_strerror(rc)));
		return 1;
	}
	return 0;
}

const char *cli_municipality(const struct cli_opts *o)
{
	return o->municipality != NULL ? o->municipality :
	    o->config != NULL ? o->config->id : NULL;
}

/* mkdir -p of path's directories with mode 0700 (existing ones are left
 * as they are), the last one private (wfile_private_dir). */
static int make_dirs(char *path)
{
	char *slash = strrchr(path, '/'), *p;
	int rc;

	if (slash == NULL || slash == path)
		return 0;
	*slash = '\0';
	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		rc = mkdir(path, 0700) != 0 && errno != EEXIST;
		*p = '/';
		if (rc)
			break;
	}
	rc = wfile_private_dir(path);
	*slash = '/';
	return rc;
}

int cli_open_archive(const struct cli_opts *o, int flags, archive **a)
{
	const char *id = cli_municipality(o), *home = getenv("HOME");
	char def[4096];
	const char *path = o->archive;
	int rc;

	if (path == NULL) {
		if (id == NULL || home == NULL || *home != '/') {
			fputs(_("kaa-inbox: say which archive: --archive FILE, or -c CONF "
			    "(its [archive] path, else ~/.local/share/kaa/ID.archive)\n"),
			    stderr);
			return 2;
		}
		if (snprintf(def, sizeof(def), "%s/.local/share/kaa/%s.archive", home,
		    id) >= (int)sizeof(def)) {
			fputs(_("kaa-inbox: $HOME is too long\n"), stderr);
			return 1;
		}
		if ((flags & ARCHIVE_CREATE) && make_dirs(def) != 0) {
			fprintf(stderr, _("kaa-inbox: %s: cannot make a private directory "
			    "for the archive: %s\n"), def, strerror(errno));
			return 1;
		}
		path = def;
	}
	if ((rc = archive_open(path, flags, a)) != ARCHIVE_OK) {
		fprintf(stderr, CLI_NAME ": %s: %s\n", path, _(archive_strerror(rc)));
		return 1;
	}
	return 0;
}

int cli_load_key(const struct cli_opts *o, struct key_secret **sk)
{
	char *pass;
	size_t len;
	int rc;

	if ((rc = pass_read(o->pass_fd, _("Passphrase: "), 0, &pass, &len)) != PASS_OK) {
		fprintf(stderr, CLI_NAME ": %s\n", pass_strerror(rc));
		return 1;
	}
	rc = key_secret_load(o->secret_key, pass, len, sk);
	pass_free(pass);
	if (rc != KEY_OK) {
		fprintf(stderr, CLI_NAME ": %s: %s\n", o->secret_key,
		    _(key_strerror(rc)));
		return 1;
	}
	return 0;
}
