/* cli.h — what kaa-inbox's commands share.
 *
 * Each command is one file, cli/cmd_NAME.c, that defines one struct
 * cli_command: its name, its usage (synopsis, summary, description) and
 * the options it takes, all in one place, and the function that runs it.
 * cli/main.c lists the commands in one table. A new command is that file
 * plus one row (and its declaration below).
 *
 * Options come from one catalogue (cli_opt_*), so an option is spelled,
 * parsed and explained the same way in every command that takes it; a
 * command refuses any option it does not list. Its usage text is built
 * from its struct alone, so `kaa-inbox help show` and `kaa-inbox show
 * --help` print the same. */
#ifndef KAA_CLI_H
#define KAA_CLI_H

#include <stdio.h>

#include "conf.h"
#include "inbox.h"
#include "key.h"

#define CLI_NAME "kaa-inbox"

/* The values of the options given, for the command to use. */
struct cli_opts {
	const char        *conf;        /* -c: the file */
	const struct conf *config;      /* loaded from it, or NULL */
	const char        *inbox;       /* --inbox, else the configuration's */
	const char        *public_key;  /* --public, else the configuration's one */
	const char        *secret_key;
	int                pass_fd;     /* --passphrase-fd, or -1 */
	int                json;
	enum key_kdf       kdf;
	char             **args;        /* the operands after the options */
	int                nargs;
};

/* One option of the catalogue. */
struct cli_option {
	const char *name;     /* the long name, without "--" */
	char        letter;   /* the short name, or 0 */
	const char *arg;      /* what its value is called ("FILE"), NULL for none */
	const char *help;     /* what it does: lines of the usage */
	/* Sets it in o from its value (NULL for none): -1 if the value is bad. */
	int       (*set)(struct cli_opts *o, const char *value);
};

extern const struct cli_option cli_opt_config, cli_opt_inbox,
    cli_opt_public, cli_opt_secret, cli_opt_passphrase_fd, cli_opt_json,
    cli_opt_kdf;

struct cli_command {
	const char *name;
	const char *synopsis;   /* what follows "kaa-inbox NAME " */
	const char *summary;    /* one line, for the list of commands */
	const char *about;      /* the command's description, lines of text */
	const struct cli_option *const *options;   /* NULL-terminated */
	int         max_args;   /* how many operands it takes at most */
	int       (*run)(struct cli_opts *o);      /* returns the exit status */
};

/* The commands, one file each. */
extern const struct cli_command cli_cmd_keygen, cli_cmd_list, cli_cmd_show;

/* The command's usage: synopsis, description, its options and --help. */
void cli_usage(const struct cli_command *c, FILE *f);

/* Runs c with its arguments (argv[0] is the command's name): parses them
 * (--help prints the usage, exit 0; an option c does not take, a bad value
 * or a missing one is named on stderr, exit 2), loads the configuration
 * -c names, and calls c->run. Returns the exit status. */
int cli_run(const struct cli_command *c, int argc, char **argv);

/* Opens the inbox o names, read-only (reading never changes the file).
 * 0, or the exit status after saying why on stderr. */
int cli_open_inbox(const struct cli_opts *o, inbox **ib);

#endif
