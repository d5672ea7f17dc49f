/* cmd_stats.c — kaa-inbox stats: counts over the archive's records, for
 * the municipality's follow-up: per form, occupation (the youth form's
 * sysselsattning), school notice reason (anledning), month received and
 * municipality. The records are opened with the coordinator's key; what
 * they hold came from the web host and is printed escaped. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"
#include "form.h"

/* What is counted: a name (the JSON member) and the heading. The first
 * three come from the row's metadata, the others from the opened record's
 * field of that name. */
static const struct dim { const char *name, *heading; } dims[] = {
	{ "form", N_("Form") },
	{ "month", N_("Month (received, UTC)") },
	{ "municipality", N_("Municipality") },
	{ "sysselsattning", N_("Occupation (the youth form)") },
	{ "anledning", N_("Reason (the schools' notice)") },
};
#define NDIMS (sizeof(dims) / sizeof(dims[0]))
#define FIRST_FIELD 3

/* A value longer than this is counted as "(annat)": a label, not a text. */
enum { VALUE_MAX = 64 };

struct stats {
	const struct key_secret *sk;
	struct key_plain_buf plain;   /* one for all records: see key.h */
	json_t *counts[NDIMS];
	long    records, unopened;
	int     nomem;
};

static void bump(struct stats *st, size_t d, const char *value)
{
	json_t *n;

	if (value == NULL)
		return;
	if (strlen(value) > VALUE_MAX)
		value = "(annat)";
	n = json_object_get(st->counts[d], value);
	st->nomem |= json_object_set_new(st->counts[d], value,
	    json_integer(n != NULL ? json_integer_value(n) + 1 : 1));
}

/* The opened record's value(s) of each field counted. */
static void count_fields(struct stats *st, json_t *rec)
{
	json_t *fields = json_object_get(rec, "fields"), *v, *item;
	size_t d, i;

	for (d = FIRST_FIELD; d < NDIMS; d++) {
		v = json_object_get(fields, dims[d].name);
		if (json_is_array(v))
			json_array_foreach(v, i, item)
				bump(st, d, json_string_value(item));
		else
			bump(st, d, json_string_value(v));
	}
}

static int count_record(const struct archive_record *r, void *arg)
{
	struct stats *st = arg;
	char month[8];
	json_t *rec;
	int rc;

	st->records++;
	snprintf(month, sizeof(month), "%.7s", r->entry.received);
	bump(st, 0, r->entry.kind);
	bump(st, 1, month);
	bump(st, 2, r->municipality);
	if ((rc = inbox_entry_open_buf(&r->entry, st->sk, &st->plain)) != KEY_OK) {
		st->unopened++;
		fputs(CLI_NAME ": ", stderr);
		cli_put_meta(stderr, r->entry.ref, cli_valid_ref);
		fprintf(stderr, _(": %s: not counted by its fields\n"),
		    rc == KEY_ENOTFORME ? _("not sealed to your key") :
		    _(key_strerror(rc)));
		return 0;
	}
	rec = json_loadb(st->plain.p, st->plain.len, 0, NULL);
	key_plain_buf_set_len(&st->plain, 0);
	count_fields(st, rec);
	json_decref(rec);
	return 0;
}

static void print_table(const struct stats *st)
{
	const char *value;
	json_t *n;
	size_t d;
	int w;

	if (st->unopened > 0)
		printf(_("Records: %ld (%ld could not be opened with your key)\n"),
		    st->records, st->unopened);
	else
		printf(_("Records: %ld\n"), st->records);
	for (d = 0; d < NDIMS; d++) {
		printf("\n%s\n", _(dims[d].heading));
		if (json_object_size(st->counts[d]) == 0)
			puts("  -");
		json_object_foreach(st->counts[d], value, n) {
			fputs("  ", stdout);
			w = cli_put_clean(stdout, value);
			printf("%*s%6lld\n", w < 32 ? 32 - w : 1, "",
			    (long long)json_integer_value(n));
		}
	}
}

/* The counts as one JSON object, printable ASCII only (cli_json_put). */
static int print_json(const struct stats *st)
{
	json_t *all = json_pack("{s:I,s:I}", "records", (json_int_t)st->records,
	    "not_opened", (json_int_t)st->unopened);
	size_t d;
	int bad = all == NULL;

	for (d = 0; d < NDIMS && !bad; d++)
		bad |= json_object_set(all, dims[d].name, st->counts[d]);
	bad = bad || cli_json_put(stdout, all, JSON_SORT_KEYS) != 0;
	json_decref(all);
	if (bad)
		return 1;
	putchar('\n');
	return 0;
}

static int run(struct cli_opts *o)
{
	struct archive_filter f = { o->kind, o->municipality, o->from, o->to, o->status };
	struct key_secret *sk = NULL;
	struct stats st = { 0 };
	archive *a = NULL;
	size_t d;
	int rc;

	if (o->secret_key == NULL) {
		fputs(_("kaa-inbox: stats needs --secret FILE\n"), stderr);
		return 2;
	}
	if ((rc = cli_open_archive(o, ARCHIVE_READONLY, &a)) != 0 ||
	    (rc = cli_load_key(o, &sk)) != 0) {
		archive_close(a);
		return rc;
	}
	st.sk = sk;
	for (d = 0; d < NDIMS; d++)
		st.nomem |= (st.counts[d] = json_object()) == NULL;
	rc = st.nomem ? ARCHIVE_ENOMEM :
	    archive_each(a, &f, ARCHIVE_WITH_SEALED, count_record, &st);
	archive_close(a);
	key_secret_free(sk);
	key_plain_buf_free(&st.plain);
	if (rc != ARCHIVE_OK || st.nomem)
		fprintf(stderr, CLI_NAME ": stats: %s\n",
		    _(archive_strerror(rc != ARCHIVE_OK ? rc : ARCHIVE_ENOMEM)));
	else if (o->json)
		rc = print_json(&st);
	else
		print_table(&st);
	for (d = 0; d < NDIMS; d++)
		json_decref(st.counts[d]);
	return rc != ARCHIVE_OK || st.nomem || st.unopened > 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_archive, &cli_opt_secret, &cli_opt_passphrase_fd,
	&cli_opt_json, &cli_opt_kind, &cli_opt_status, &cli_opt_from, &cli_opt_to,
	&cli_opt_municipality, NULL,
};

const struct cli_command cli_cmd_stats = {
	.name = "stats",
	.synopsis = "(-c CONF | --archive FILE) --secret FILE [--json] [filters]",
	.summary = N_("count the archive's records: form, occupation, reason, month"),
	.about =
	N_("Count the archive's records (those the filters of 'list --archive'\n"
	"select) per form, month received, municipality, and, opened with your\n"
	"key, per occupation (the youth form's sysselsattning) and reason (the\n"
	"school notice's anledning). Values are the forms' own (e.g. arbete).\n"
	"--json prints one object: records, not_opened, and for each of form,\n"
	"month, municipality, sysselsattning and anledning an object of value\n"
	"to count. A record your key does not open is named on stderr and\n"
	"counted only by its metadata.\n"
	"\n"
	"Exit status: 0 every record counted; 1 a record did not open (the\n"
	"others are counted) or the archive or key could not be read; 2 usage."),
	.options = options,
	.max_args = 0,
	.run = run,
};
