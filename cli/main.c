/* kaa-inbox — the coordinator's tool: keys, and reading the sealed inbox.
 *
 * Runs on the coordinator's machine, where the secret key is. This file is
 * only the table of commands and the help; each command is its own file
 * (cli/cmd_*.c, see cli.h). */
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"
#include "form.h"
#include "i18n.h"

static const struct cli_command *const commands[] = {
	&cli_cmd_keygen,
	&cli_cmd_list,
	&cli_cmd_show,
	&cli_cmd_pull,
	&cli_cmd_status,
	&cli_cmd_purge,
	&cli_cmd_stats,
	&cli_cmd_export,
	&cli_cmd_rekey,
	&cli_cmd_export_sealed,
	&cli_cmd_ack,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_command *find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i]->name) == 0)
			return commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, _("usage: %s COMMAND [options]\n\ncommands:\n"), CLI_NAME);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-15s%s\n", commands[i]->name, _(commands[i]->summary));
	fputs(_("\n"
	    "kaa-inbox help COMMAND, or kaa-inbox COMMAND --help, shows a\n"
	    "command's options.\n"
	    "\n"
	    "The passphrase is read from --passphrase-fd, else from the environment\n"
	    "variable KAA_PASSPHRASE (demo and test keys), else from the terminal\n"
	    "without echo. It is never taken from the command line.\n"), f);
}

/* kaa-inbox help [COMMAND] */
static int help(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 3) {
		usage(stdout);
		return 0;
	}
	if (argc > 3 || (c = find(argv[2])) == NULL) {
		/* TRANSLATORS: the command's name follows. */
		fputs(_("kaa-inbox: help: no such command: "), stderr);
		cli_put_clean(stderr, argv[2]);
		fputs("\n\n", stderr);
		usage(stderr);
		return 2;
	}
	cli_usage(c, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cli_command *c;

	/* The messages in the user's language; numbers stay as C writes them. */
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(I18N_DOMAIN, LOCALEDIR);
	textdomain(I18N_DOMAIN);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return help(argc, argv);
	if ((c = find(argv[1])) == NULL) {
		/* TRANSLATORS: the word typed follows. */
		fputs(_("kaa-inbox: unknown command: "), stderr);
		cli_put_clean(stderr, argv[1]);
		fputs("\n\n", stderr);
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fputs(_("kaa-inbox: libsodium failed to start\n"), stderr);
		return 1;
	}
	form_json_wipe_on_free();
	return cli_run(c, argc - 1, argv + 1);
}
