/* cmd_list.c — kaa-inbox list: the inbox's submissions, or the archive's
 * records, one a line. */
#include <stdio.h>
#include <unistd.h>

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
		print_cell(_("REFERENCE"), NULL, 14);
		print_cell(_("FORM"), NULL, 16);
		print_cell(_("RECEIVED (UTC)"), NULL, 20);
		print_cell(_("STATUS"), NULL, 12);
		puts(_("KEYS"));
	}
	print_cell(e->ref, cli_valid_ref, 14);
	print_cell(e->kind, cli_valid_kind, 16);
	print_cell(e->received, cli_valid_time, 20);
	print_cell(e->acked ? _("acknowledged") : _("new"), NULL, 12);
	cli_put_meta(stdout, e->key_id, cli_valid_key_ids);
	putchar('\n');
	return 0;
}

/* --- the archive --------------------------------------------------------------- */

/* A column of the archive's table: its heading (N_), its width on a terminal,
 * its value in r and the form that value must have (NULL: our own words,
 * or a name the coordinator typed). */
struct column {
	const char *heading;
	int         width;
	const char *(*value)(const struct archive_record *r);
	int        (*valid)(const char *);
};

static const char *c_ref(const struct archive_record *r) { return r->entry.ref; }
static const char *c_mun(const struct archive_record *r) { return r->municipality; }
static const char *c_kind(const struct archive_record *r) { return r->entry.kind; }
static const char *c_received(const struct archive_record *r) { return r->entry.received; }
static const char *c_status(const struct archive_record *r) { return archive_status_name(r->status); }
static const char *c_by(const struct archive_record *r) { return r->status_by; }
static const char *c_at(const struct archive_record *r) { return r->status_at; }

static const struct column columns[] = {
	{ N_("REFERENCE"), 14, c_ref, cli_valid_ref },
	{ N_("MUNICIPALITY"), 14, c_mun, NULL },
	{ N_("FORM"), 16, c_kind, cli_valid_kind },
	{ N_("RECEIVED (UTC)"), 20, c_received, cli_valid_time },
	{ N_("STATUS"), 11, c_status, NULL },
	{ N_("CHANGED BY"), 16, c_by, NULL },
	{ N_("CHANGED (UTC)"), 0, c_at, NULL },
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

struct listing {
	int rows;
	int tsv;   /* stdout is no terminal: tab-separated, for other programs */
};

/* One line: the headings (r NULL) or r's values, aligned, or separated by
 * tabs. */
static void print_line(const struct listing *l, const struct archive_record *r)
{
	const char *v;
	size_t i;
	int n;

	for (i = 0; i < NCOLUMNS; i++) {
		v = r == NULL ? _(columns[i].heading) : columns[i].value(r);
		n = r != NULL && columns[i].valid != NULL ?
		    cli_put_meta(stdout, v, columns[i].valid) : cli_put_clean(stdout, v);
		if (i + 1 == NCOLUMNS)
			break;
		if (l->tsv)
			putchar('\t');
		else
			printf("%*s", n < columns[i].width ? columns[i].width - n + 2 : 2, "");
	}
	putchar('\n');
}

static int print_record(const struct archive_record *r, void *arg)
{
	struct listing *l = arg;

	if (l->rows++ == 0)
		print_line(l, NULL);
	print_line(l, r);
	return 0;
}

static int list_archive(const struct cli_opts *o)
{
	struct archive_filter f = { o->kind, o->municipality, o->from, o->to, o->status };
	struct listing l = { 0, !isatty(STDOUT_FILENO) };
	archive *a;
	int rc;

	if ((rc = cli_open_archive(o, ARCHIVE_READONLY, &a)) != 0)
		return rc;
	rc = archive_each(a, &f, 0, print_record, &l);
	archive_close(a);
	if (rc != ARCHIVE_OK) {
		fflush(stdout);
		fprintf(stderr, CLI_NAME ": list: %s\n", _(archive_strerror(rc)));
		return 1;
	}
	if (l.rows == 0 && !l.tsv)
		puts(_("No records."));
	return 0;
}

static int run(struct cli_opts *o)
{
	inbox *ib;
	int rc, count = 0;

	if (o->archive_given)
		return list_archive(o);
	if (o->kind || o->from || o->to || o->status >= 0 || o->municipality) {
		fputs(_("kaa-inbox: list: the filters are for the archive: give "
		    "--archive FILE\n"), stderr);
		return 2;
	}
	if ((rc = cli_open_inbox(o, &ib)) != 0)
		return rc;
	rc = inbox_list(ib, print_entry, &count);
	inbox_close(ib);
	if (rc != INBOX_OK) {
		fflush(stdout);
		fprintf(stderr, CLI_NAME ": list: %s\n", _(inbox_strerror(rc)));
		return 1;
	}
	if (count == 0)
		puts(_("The inbox is empty."));
	return 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_inbox, &cli_opt_archive, &cli_opt_kind,
	&cli_opt_status, &cli_opt_from, &cli_opt_to, &cli_opt_municipality, NULL,
};

const struct cli_command cli_cmd_list = {
	.name = "list",
	.synopsis = "(-c CONF | --inbox FILE) | --archive FILE [--kind KIND]\n"
	"       [--status STATUS] [--from DATE] [--to DATE] [--municipality ID]",
	.summary = N_("list the inbox's submissions, or the archive's records"),
	.about =
	N_("List the inbox's submissions: reference, form, time received (UTC),\n"
	"status and the ids of the keys each is sealed to. Nothing is decrypted\n"
	"and the inbox is not changed. A value that is not of the form the\n"
	"e-service writes is shown in quotes, escaped.\n"
	"\n"
	"With --archive, list the archive's records instead (see 'pull'), oldest\n"
	"received first: reference, municipality, form, received (UTC), status,\n"
	"who set it and when; only those the filters select. On a terminal the\n"
	"columns are aligned; into a pipe or file they are separated by tabs,\n"
	"under one line of headings (nothing at all if no record is selected)."),
	.options = options,
	.max_args = 0,
	.run = run,
};
