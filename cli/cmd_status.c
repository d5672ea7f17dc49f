/* cmd_status.c — kaa-inbox status: marks a record of the archive new, in
 * progress or done, with who and when. */
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "cli_out.h"

/* --who, else the user's login name. */
static const char *who(const struct cli_opts *o)
{
	const struct passwd *pw;

	if (o->who != NULL)
		return o->who;
	pw = getpwuid(geteuid());
	return pw != NULL ? pw->pw_name : "?";
}

static int run(struct cli_opts *o)
{
	archive *a;
	int rc, status;

	if (o->nargs != 2 || (status = archive_status_parse(o->args[1])) < 0) {
		fputs(_("kaa-inbox: status needs a reference and new, in-progress or "
		    "done\n"), stderr);
		return 2;
	}
	if ((rc = cli_open_archive(o, 0, &a)) != 0)
		return rc;
	rc = archive_set_status(a, o->municipality, o->args[0], status, who(o));
	archive_close(a);
	if (rc != ARCHIVE_OK) {
		fputs(CLI_NAME ": ", stderr);
		cli_put_clean(stderr, o->args[0]);
		fprintf(stderr, ": %s\n", rc == ARCHIVE_EARG ?
		    _("not a reference XXXX-XXXX-XXXX, or a name too long") :
		    _(archive_strerror(rc)));
		return 1;
	}
	return 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_archive, &cli_opt_municipality, &cli_opt_who,
	NULL,
};

const struct cli_command cli_cmd_status = {
	.name = "status",
	.synopsis = "(-c CONF | --archive FILE) [--who NAME] REF new|in-progress|done",
	.summary = N_("mark a record of the archive new, in progress or done"),
	.about =
	N_("Set the status of the archive's record REF: new, in-progress or done,\n"
	"with who set it (--who, else your login name) and when. 'list\n"
	"--archive' shows them. --municipality picks the record if the\n"
	"reference is in the archive for several municipalities.\n"
	"\n"
	"Exit status: 0 set; 1 no such record, or the archive could not be\n"
	"changed; 2 usage."),
	.options = options,
	.max_args = 2,
	.run = run,
};
