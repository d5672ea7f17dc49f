/* cmd_purge.c — kaa-inbox purge: deletes the archive's records older than
 * the retention period (the municipality's decision on deletion). */
#include <stdio.h>
#include <time.h>

#include "cli.h"

static int run(struct cli_opts *o)
{
	long days = o->older_than ? o->older_than :
	    o->config != NULL ? o->config->retention_days : 0, count;
	time_t cut;
	struct tm tm;
	char before[32];
	archive *a;
	int rc;

	if (days <= 0) {
		fputs(_("kaa-inbox: purge needs --older-than DAYS (e.g. 365d) or -c "
		    "CONF (its inbox.retention_days)\n"), stderr);
		return 2;
	}
	cut = time(NULL) - (time_t)days * 86400;
	gmtime_r(&cut, &tm);
	strftime(before, sizeof(before), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((rc = cli_open_archive(o, 0, &a)) != 0)
		return rc;
	rc = archive_purge(a, before, &count);
	archive_close(a);
	if (rc != ARCHIVE_OK) {
		fprintf(stderr, _("kaa-inbox: purge: %s: nothing was deleted\n"),
		    _(archive_strerror(rc)));
		return 1;
	}
	printf(_("%ld deleted (received before %s: older than %ld days)\n"), count,
	    before, days);
	return 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_archive, &cli_opt_older_than, NULL,
};

const struct cli_command cli_cmd_purge = {
	.name = "purge",
	.synopsis = "(-c CONF | --archive FILE) [--older-than DAYS]",
	.summary = N_("delete the archive's records older than the retention period"),
	.about =
	N_("Delete from the archive every record received more than DAYS days ago\n"
	"(--older-than 365d; default: the configuration's inbox.retention_days,\n"
	"the municipality's decision on deletion), overwriting them on disk, in\n"
	"one transaction. Prints how many were deleted.\n"
	"\n"
	"Exit status: 0 done (also when nothing was old enough); 1 the archive\n"
	"could not be changed (nothing was deleted); 2 usage."),
	.options = options,
	.max_args = 0,
	.run = run,
};
