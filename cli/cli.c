/* cli.c — what kaa-inbox's commands share (cli.h): the options, their
 * parsing and usage, the configuration and the inbox. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"

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

const struct cli_option cli_opt_config = { "config", 'c', "FILE",
	"municipality configuration (gives the inbox, and\n"
	"keygen's public key file if it lists only one)", set_config };
const struct cli_option cli_opt_inbox = { "inbox", 'i', "FILE",
	"the inbox SQLite file", set_inbox };
const struct cli_option cli_opt_public = { "public", 'p', "FILE",
	"public key file", set_public };
const struct cli_option cli_opt_secret = { "secret", 's', "FILE",
	"secret key file", set_secret };
const struct cli_option cli_opt_passphrase_fd = { "passphrase-fd", 0, "N",
	"read the passphrase from file descriptor N", set_pass_fd };
const struct cli_option cli_opt_json = { "json", 0, NULL,
	"print the decrypted record as JSON, with the\n"
	"form's labels in field_labels and value_labels", set_json };
const struct cli_option cli_opt_kdf = { "kdf", 0, "interactive",
	"cheaper passphrase hashing (tests and demos only)", set_kdf };

/* --help: every command takes it, so it is not in their lists. */
static const struct cli_option opt_help = { "help", 'h', NULL, "this text", NULL };

/* --- usage ------------------------------------------------------------------ */

enum { HELP_COLUMN = 25 };

/* One option's lines: its names padded to HELP_COLUMN, then its help, each
 * further line of it indented to the same column. */
static void option_usage(const struct cli_option *opt, FILE *f)
{
	const char *h = opt->help, *nl;
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

	fprintf(f, "usage: " CLI_NAME " %s %s\n\n%s\n\noptions:\n", c->name,
	    c->synopsis, c->about);
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

/* Names what was wrong on stderr, with where to read more; returns 2. */
static int bad_usage(const struct cli_command *c, const char *what,
    const char *name, const char *value)
{
	fprintf(stderr, CLI_NAME " %s: %s ", c->name, what);
	cli_put_clean(stderr, name);
	if (value != NULL) {
		fputs(": ", stderr);
		cli_put_json(stderr, value);
	}
	fprintf(stderr, " (see '" CLI_NAME " help %s')\n", c->name);
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
			    "no value is taken by" : "unknown option",
			    wrong_option(c, argv, name, sizeof(name)), NULL);
		if (ch == ':')
			return bad_usage(c, "a value is missing for",
			    wrong_option(c, argv, name, sizeof(name)), NULL);
		if ((opt = option_of(c, ch)) == &opt_help) {
			cli_usage(c, stdout);
			return 1;
		}
		if (opt->set(o, optarg) != 0) {
			snprintf(name, sizeof(name), "--%s", opt->name);
			return bad_usage(c, "bad value for", name, optarg);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs > c->max_args)
		return bad_usage(c, "unexpected argument", o->args[c->max_args], NULL);
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
	o->kdf = KEY_KDF_MODERATE;
	getopt_tables(c, &lo, &so);
	if (lo == NULL || so == NULL) {
		fputs(CLI_NAME ": out of memory\n", stderr);
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
	int rc;

	*confp = NULL;
	if (o->conf == NULL)
		return 0;
	if ((rc = conf_load(o->conf, confp, &ei)) != CONF_OK) {
		fprintf(stderr, CLI_NAME ": %s:%d: %s%s%s\n", o->conf, ei.line,
		    conf_strerror(rc), ei.key[0] ? ": " : "", ei.key);
		return -1;
	}
	o->config = *confp;
	if (o->inbox == NULL)
		o->inbox = (*confp)->inbox_path;
	if (o->public_key == NULL && (*confp)->npublic_keys == 1)
		o->public_key = (*confp)->public_key_path;
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
		return 1;
	rc = c->run(&o);
	conf_free(conf);
	return rc;
}

int cli_open_inbox(const struct cli_opts *o, inbox **ib)
{
	int rc;

	if (o->inbox == NULL) {
		fputs(CLI_NAME ": say which inbox: -c CONF or --inbox FILE\n", stderr);
		return 2;
	}
	if ((rc = inbox_open(o->inbox, INBOX_READONLY, 0, ib)) != INBOX_OK) {
		fprintf(stderr, CLI_NAME ": %s: %s\n", o->inbox, inbox_strerror(rc));
		return 1;
	}
	return 0;
}
