/* cmd_list.c — kaa-inbox list: the inbox's submissions, one a line. */
#include <stdio.h>

#include "cli.h"
#include "cli_out.h"

/* A column: the text, then spaces to width plus two. valid is NULL for
 * our own words. */
static void print_cell(const char *v, int (*valid)(const char *), int width)
{
	int n = valid != NULL ? cli_put_meta(stdout, v, valid) :
	    cli_put_clean(stdout, v);

	printf("%*s", n < width ? width - n + 2 : 2, "");
}

/* Everything but the status came from the web host: each is printed as it
 * is only in the form kaa-fcgi writes (cli_out.h). */
static int print_entry(const struct inbox_entry *e, void *arg)
{
	int *count = arg;

	if ((*count)++ == 0) {
		print_cell("REFERENS", NULL, 14);
		print_cell("FORMULÄR", NULL, 16);
		print_cell("MOTTAGET (UTC)", NULL, 20);
		print_cell("STATUS", NULL, 9);
		puts("NYCKLAR");
	}
	print_cell(e->ref, cli_valid_ref, 14);
	print_cell(e->kind, cli_valid_kind, 16);
	print_cell(e->received, cli_valid_time, 20);
	print_cell(e->acked ? "kvitterad" : "ny", NULL, 9);
	cli_put_meta(stdout, e->key_id, cli_valid_key_ids);
	putchar('\n');
	return 0;
}

static int run(struct cli_opts *o)
{
	inbox *ib;
	int rc, count = 0;

	if ((rc = cli_open_inbox(o, &ib)) != 0)
		return rc;
	rc = inbox_list(ib, print_entry, &count);
	inbox_close(ib);
	if (rc != INBOX_OK) {
		fflush(stdout);
		fprintf(stderr, CLI_NAME ": list: %s\n", inbox_strerror(rc));
		return 1;
	}
	if (count == 0)
		puts("Inkorgen är tom.");
	return 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_inbox, NULL,
};

const struct cli_command cli_cmd_list = {
	.name = "list",
	.synopsis = "(-c CONF | --inbox FILE)",
	.summary = "list submissions: reference, form, received, status, keys",
	.about =
	"List the inbox's submissions: reference, form, time received (UTC),\n"
	"status and the ids of the keys each is sealed to. Nothing is decrypted\n"
	"and the inbox is not changed. A value that is not of the form the\n"
	"e-service writes is shown in quotes, escaped.",
	.options = options,
	.max_args = 0,
	.run = run,
};
