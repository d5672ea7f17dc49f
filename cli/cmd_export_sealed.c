/* cmd_export_sealed.c — kaa-inbox export-sealed: the inbox's sealed rows as a
 * stream (cli.h) on stdout, for `kaa-inbox pull` on the coordinator's
 * machine. Runs on the web host and needs no secret key. */
#include <stdio.h>

#include "cli.h"
#include "cli_out.h"

struct export {
	inbox *ib;
	long   rows;     /* sent */
	long   skipped;
	int    failed;   /* stdout failed: stop */
};

/* Says on stderr that the row with id could not be sent, and why. */
static void skipped(struct export *x, const struct inbox_entry *meta,
    const char *why)
{
	fprintf(stderr, _("kaa-inbox: export-sealed: row %lld (reference "), meta->id);
	cli_put_meta(stderr, meta->ref, cli_valid_ref);
	fprintf(stderr, _("): %s: not sent, left in the inbox\n"), why);
	x->skipped++;
}

static int put_entry(const struct inbox_entry *meta, void *arg)
{
	struct export *x = arg;
	struct inbox_entry e;
	int rc;

	/* Fetched by its reference: only one of the canonical form names
	 * exactly this row. */
	if (!cli_valid_ref(meta->ref)) {
		skipped(x, meta, _("its reference is not of the form XXXX-XXXX-XXXX"));
		return 0;
	}
	if ((rc = inbox_get(x->ib, meta->ref, &e)) != INBOX_OK) {
		skipped(x, meta, _(inbox_strerror(rc)));
		return 0;
	}
	if (e.id != meta->id)
		skipped(x, meta, _("its reference is not unique"));
	else if (cli_stream_put(stdout, &e) == 0)
		x->rows++;
	else if (ferror(stdout))
		x->failed = 1;
	else
		skipped(x, meta, _("a value is not UTF-8"));
	inbox_entry_clear(&e);
	return x->failed;
}

/* The whole listing is one SELECT: its read transaction holds one snapshot
 * of the inbox, WAL included, until the last row is sent; the lookups of
 * the sealed data inside it read the same snapshot. */
static int run(struct cli_opts *o)
{
	struct export x = { 0 };
	int rc;

	if ((rc = cli_open_inbox(o, &x.ib)) != 0)
		return rc;
	if (cli_stream_put_header(stdout) != 0)
		x.failed = 1;
	else
		rc = inbox_list(x.ib, put_entry, &x);
	inbox_close(x.ib);
	if (rc != INBOX_OK) {
		fprintf(stderr, CLI_NAME ": export-sealed: %s\n", _(inbox_strerror(rc)));
		return 1;   /* no END line: the reader knows it is incomplete */
	}
	if (x.failed || cli_stream_put_end(stdout, x.rows) != 0) {
		fputs(_("kaa-inbox: export-sealed: cannot write to stdout\n"), stderr);
		return 1;
	}
	return x.skipped > 0 ? 1 : 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_inbox, NULL,
};

const struct cli_command cli_cmd_export_sealed = {
	.name = "export-sealed",
	.synopsis = "(-c CONF | --inbox FILE)",
	.summary = N_("on the web host: write the inbox's sealed rows for pull"),
	.about =
	N_("Write every row of the inbox, still sealed, to stdout as a stream for\n"
	"'kaa-inbox pull' (the format is in include/cli.h: a version line,\n"
	"one JSON object a row with the sealed data in base64, an END line with\n"
	"the count). The inbox is read in one read transaction and not changed;\n"
	"no secret key is needed. 'pull' runs this on the web host over ssh.\n"
	"\n"
	"Exit status: 0 every row sent; 1 a row could not be sent (said on\n"
	"stderr; the others were) or the inbox could not be read; 2 usage."),
	.options = options,
	.max_args = 0,
	.run = run,
};
