/* cmd_export.c — kaa-inbox export: the archive's records, opened with the
 * coordinator's key, as CSV for a spreadsheet or as JSON for a program.
 * (export-sealed, cmd_export_sealed.c, is the web host's side of pull.)
 *
 * What was sealed came from the web host, which may be compromised: a CSV
 * cell never starts a formula and passes no control character on; JSON is
 * printable ASCII only. */
#define _GNU_SOURCE   /* fopencookie: stdio over lib/wfile.c */
#include <csv.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "cli_out.h"
#include "form.h"
#include "wfile.h"

/* Every export's first columns: the archive's metadata. */
static const char *const meta_columns[] = {
	"reference", "form", "received", "municipality", "status",
};
#define NMETA (sizeof(meta_columns) / sizeof(meta_columns[0]))

/* Text fields in which a person writes in their own words (besides the
 * text areas, meddelande and ovrigt): what they study or do, and the
 * programme a pupil changes to. Names, organisations and contact details
 * are not free text. */
static const char *const free_text_fields[] = {
	"utbildning", "annat", "nytt_program",
};

int cli_export_free_text(const struct form_field *f)
{
	size_t i;

	if (f->type == FORM_TEXTAREA)
		return 1;
	for (i = 0; i < sizeof(free_text_fields) / sizeof(free_text_fields[0]); i++)
		if (strcmp(f->name, free_text_fields[i]) == 0)
			return 1;
	return 0;
}

static int listed(const char *const *cols, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(cols[i], name) == 0)
			return 1;
	return 0;
}

size_t cli_export_columns(const char *kind, int free_text,
    const char *cols[CLI_EXPORT_MAX_COLUMNS])
{
	const struct form_spec *const *forms;
	const struct form_field *f;
	size_t nforms, i, j, n;

	for (n = 0; n < NMETA; n++)
		cols[n] = meta_columns[n];
	forms = form_all(&nforms);
	for (i = 0; i < nforms; i++) {
		if (kind != NULL && strcmp(kind, forms[i]->kind) != 0)
			continue;
		for (j = 0; j < forms[i]->nfields && n < CLI_EXPORT_MAX_COLUMNS; j++) {
			f = &forms[i]->fields[j];
			if ((free_text || !cli_export_free_text(f)) &&
			    !listed(cols, n, f->name))
				cols[n++] = f->name;
		}
	}
	return n;
}

/* --- CSV ----------------------------------------------------------------- */

/* One cell, after a ';' unless it is the row's first: s with each control
 * character but the line feed as U+FFFD, a ' in front if it could start a
 * formula, quoted by libcsv. tmp is scratch space. */
static int put_cell(FILE *f, buf *tmp, const char *s, int first)
{
	size_t n;

	buf_reset(tmp);
	if (*s != '\0' && strchr("=+-@'", *s) != NULL)
		buf_putc(tmp, '\'');
	for (; *s != '\0'; s += n)
		if ((n = form_control_at(s)) == 0)
			buf_putc(tmp, *s), n = 1;
		else
			buf_puts(tmp, *s == '\n' ? "\n" : "\xef\xbf\xbd");
	if (tmp->oom || (!first && fputc(';', f) == EOF))
		return -1;
	return csv_fwrite2(f, tmp->len > 0 ? tmp->data : "", tmp->len, '"') == 0 ?
	    0 : -1;
}

/* The scratch space held personal data: wiped before it is freed. */
static void wipe(buf *b)
{
	if (b->data != NULL)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

int cli_csv_row(FILE *f, const char *const *cells, size_t n)
{
	buf tmp = BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = put_cell(f, &tmp, cells[i] != NULL ? cells[i] : "", i == 0);
	wipe(&tmp);
	return rc == 0 && fputs("\r\n", f) != EOF ? 0 : -1;
}

/* A field's value as a person reads it: a choice's label (the value if it
 * is none), each of a list's on a line of its own, a number in decimal. */
static int cell_text(buf *b, const struct form_field *f, json_t *v)
{
	const char *s, *label;
	json_t *item;
	size_t i;

	buf_reset(b);
	if (json_is_integer(v))
		return buf_printf(b, "%lld", (long long)json_integer_value(v));
	if (json_is_string(v)) {
		s = json_string_value(v);
		label = form_choice_label(f, s);
		return buf_puts(b, label != NULL ? label : s);
	}
	json_array_foreach(v, i, item) {
		s = json_string_value(item);
		label = form_choice_label(f, s);
		if (i > 0)
			buf_putc(b, '\n');
		buf_puts(b, label != NULL ? label : s);
	}
	return b->oom ? -1 : 0;
}

/* --- JSON ---------------------------------------------------------------- */

/* --- the records ----------------------------------------------------------- */

struct export {
	const struct cli_opts   *o;
	const struct key_secret *sk;
	FILE       *out;
	const char *cols[CLI_EXPORT_MAX_COLUMNS];
	size_t      ncols;
	long        rows, skipped;
	int         failed;   /* writing failed or memory ran out: stop */
	struct cli_progress progress;
	buf         text, tmp;
	struct key_plain_buf plain;   /* one for all records: see key.h */
};

/* A value of the type field f stores. */
static int value_ok(const struct form_field *f, json_t *v)
{
	json_t *item;
	size_t i;

	if (f->type != FORM_CHECKBOX)
		return f->type == FORM_INT ? json_is_integer(v) : json_is_string(v);
	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, item)
		if (!json_is_string(item))
			return 0;
	return 1;
}

/* Why the opened record rec of r is not exported, or NULL: it must be of
 * r's form, with only that form's fields, each of its type, and r's
 * metadata of the form the e-service writes. */
static const char *refused(const struct archive_record *r,
    const struct form_spec *spec, json_t *rec)
{
	const char *form = json_string_value(json_object_get(rec, "form")), *name;
	json_t *fields = json_object_get(rec, "fields"), *v;
	int i;

	if (!cli_valid_ref(r->entry.ref) || !cli_valid_time(r->entry.received))
		return N_("its metadata is not of the form the e-service writes");
	if (spec == NULL || form == NULL || strcmp(form, r->entry.kind) != 0 ||
	    !json_is_object(fields))
		return N_("the record is damaged, or of a form this program does not know");
	json_object_foreach(fields, name, v)
		if ((i = form_field_index(spec, name, strlen(name))) < 0 ||
		    !value_ok(&spec->fields[i], v))
			return N_("the record has a field its form does not have, or a "
			    "value of the wrong type (see 'show')");
	return NULL;
}

/* The row: each column's value, by the column's name (metadata as
 * strings, fields as stored). NULL if memory ran out. */
static json_t *row_object(const struct export *x, const struct archive_record *r,
    json_t *fields)
{
	const char *const meta[NMETA] = { r->entry.ref, r->entry.kind,
	    r->entry.received, r->municipality, archive_status_name(r->status) };
	json_t *obj = json_object(), *v;
	size_t i;
	int bad = obj == NULL;

	for (i = 0; i < NMETA && !bad; i++)
		bad |= json_object_set_new(obj, x->cols[i], json_string(meta[i]));
	for (; i < x->ncols && !bad; i++)
		if ((v = json_object_get(fields, x->cols[i])) != NULL)
			bad |= json_object_set(obj, x->cols[i], v);
	if (bad) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static int put_csv(struct export *x, const struct form_spec *spec, json_t *obj)
{
	const char *s;
	json_t *v;
	size_t i;
	int rc = 0;

	for (i = 0; i < x->ncols && rc == 0; i++) {
		v = json_object_get(obj, x->cols[i]);
		if (v == NULL)
			s = "";
		else if (i < NMETA)
			s = json_string_value(v);
		else if ((rc = cell_text(&x->text, &spec->fields[form_field_index(spec,
		    x->cols[i], strlen(x->cols[i]))], v)) == 0)
			s = x->text.len > 0 ? x->text.data : "";
		if (rc == 0)
			rc = put_cell(x->out, &x->tmp, s, i == 0);
	}
	return rc == 0 && fputs("\r\n", x->out) != EOF ? 0 : -1;
}

static void report(struct export *x, const struct archive_record *r,
    const char *why)
{
	cli_progress_hide(&x->progress);
	fputs(CLI_NAME ": ", stderr);
	cli_put_meta(stderr, r->entry.ref, cli_valid_ref);
	fprintf(stderr, _(": not exported: %s\n"), _(why));
}

/* Writes the opened record plain (len bytes) of r: what export does once a
 * key has opened it (also the fuzz target's entry, tests/fuzz). */
static void export_plain(struct export *x, const struct archive_record *r,
    const char *plain, size_t len)
{
	const struct form_spec *spec = form_find(r->entry.kind);
	json_t *rec = json_loadb(plain, len, 0, NULL), *obj;
	const char *why;

	if ((why = refused(r, spec, rec)) != NULL) {
		report(x, r, why);
		x->skipped++;
	} else if ((obj = row_object(x, r, json_object_get(rec, "fields"))) == NULL)
		x->failed = 1;
	else {
		if (x->o->format == CLI_EXPORT_JSON)
			x->failed = fputs(x->rows > 0 ? ",\n" : "\n", x->out) == EOF ||
			    cli_json_put(x->out, obj, JSON_PRESERVE_ORDER) != 0;
		else
			x->failed = put_csv(x, spec, obj) != 0;
		x->rows++;
		json_decref(obj);
	}
	json_decref(rec);
}

static int export_record(const struct archive_record *r, void *arg)
{
	struct export *x = arg;
	int rc;

	cli_progress_step(&x->progress);
	if ((rc = inbox_entry_open_buf(&r->entry, x->sk, &x->plain)) != KEY_OK) {
		report(x, r, rc == KEY_ENOTFORME ? N_("not sealed to your key") : key_strerror(rc));
		x->skipped++;
		return 0;
	}
	export_plain(x, r, x->plain.p, x->plain.len);
	key_plain_buf_set_len(&x->plain, 0);
	return x->failed;
}

/* The count on a terminal (not when the records go to it), out of those
 * f selects. */
static void start_progress(struct export *x, archive *a,
    const struct archive_filter *f)
{
	if (x->out == stdout && isatty(STDOUT_FILENO))
		return;
	/* TRANSLATORS: the records exported so far, of all; on a terminal. */
	cli_progress_start(&x->progress, _("export: %s of %s records"), 0);
	cli_progress_count(&x->progress, a, f);
}

/* The header (CSV: a UTF-8 BOM, so that a spreadsheet reads UTF-8, and
 * the column names), the records, the end. -1 if writing failed, memory
 * ran out or the archive could not be read (said on stderr). */
static int put_all(struct export *x, archive *a)
{
	const struct cli_opts *o = x->o;
	struct archive_filter f = { o->kind, o->municipality, o->from, o->to, o->status };
	int rc;

	if (o->format == CLI_EXPORT_CSV)
		x->failed = fputs("\xef\xbb\xbf", x->out) == EOF ||
		    cli_csv_row(x->out, x->cols, x->ncols) != 0;
	else
		x->failed = fputs("[", x->out) == EOF;
	if (x->failed)
		return -1;
	start_progress(x, a, &f);
	rc = archive_each(a, &f, ARCHIVE_WITH_SEALED, export_record, x);
	cli_progress_end(&x->progress);
	if (rc != ARCHIVE_OK) {
		fprintf(stderr, _("kaa-inbox: export: %s\n"), _(archive_strerror(rc)));
		return -1;
	}
	if (!x->failed && o->format == CLI_EXPORT_JSON)
		x->failed = fputs(x->rows > 0 ? "\n]\n" : "]\n", x->out) == EOF;
	return x->failed ? -1 : 0;
}

/* stdio over the safe writer: what is written goes to the unnamed file. */
static ssize_t cookie_write(void *w, const char *p, size_t n)
{
	return wfile_write(w, p, n) == 0 ? (ssize_t)n : -1;
}

static int cookie_close(void *w)
{
	(void)w;   /* wfile_commit or wfile_abort closes it */
	return 0;
}

/* Exports into a new file --out names: it gets its name only when it is
 * whole. */
static int put_file(struct export *x, archive *a)
{
	static const cookie_io_functions_t io = { .write = cookie_write,
	    .close = cookie_close };
	struct wfile w;
	int rc;

	if (wfile_create(&w, x->o->out, 0600) != 0) {
		fprintf(stderr, _("kaa-inbox: %s: %s (nothing was written)\n"),
		    x->o->out, strerror(errno));
		return -1;
	}
	if ((x->out = fopencookie(&w, "w", io)) == NULL) {
		wfile_abort(&w);
		return -1;
	}
	rc = put_all(x, a);
	rc |= fclose(x->out) != 0 ? -1 : 0;
	if (rc != 0)
		wfile_abort(&w);
	else if ((rc = wfile_commit(&w)) != 0)
		fprintf(stderr, _("kaa-inbox: %s: %s (nothing was written)\n"),
		    x->o->out, strerror(errno));
	return rc;
}

static int run(struct cli_opts *o)
{
	struct export x = { .o = o, .text = BUF_INIT, .tmp = BUF_INIT };
	struct key_secret *sk = NULL;
	archive *a = NULL;
	int rc;

	if (o->secret_key == NULL || o->format == 0) {
		fputs(_("kaa-inbox: export needs --secret FILE and --format csv or "
		    "json\n"), stderr);
		return 2;
	}
	if ((rc = cli_open_archive(o, ARCHIVE_READONLY, &a)) != 0 ||
	    (rc = cli_load_key(o, &sk)) != 0) {
		archive_close(a);
		return rc;
	}
	x.sk = sk;
	x.ncols = cli_export_columns(o->kind, o->free_text, x.cols);
	if (o->out != NULL)
		rc = put_file(&x, a);
	else {
		x.out = stdout;
		rc = put_all(&x, a);
		rc |= fflush(stdout) != 0 ? -1 : 0;
	}
	if (rc != 0 && x.failed)
		fputs(_("kaa-inbox: export: writing failed or memory ran out\n"), stderr);
	else if (rc == 0 && o->out != NULL)
		printf(_("%ld records written to %s\n"), x.rows, o->out);
	archive_close(a);
	key_secret_free(sk);
	key_plain_buf_free(&x.plain);
	wipe(&x.text);
	wipe(&x.tmp);
	return rc != 0 || x.skipped > 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_archive, &cli_opt_secret, &cli_opt_passphrase_fd,
	&cli_opt_format, &cli_opt_out, &cli_opt_with_free_text, &cli_opt_kind,
	&cli_opt_status, &cli_opt_from, &cli_opt_to, &cli_opt_municipality, NULL,
};

const struct cli_command cli_cmd_export = {
	.name = "export",
	.synopsis = "(-c CONF | --archive FILE) --secret FILE --format csv|json\n"
	"       [--out FILE] [--with-free-text] [filters]",
	.summary = N_("the archive's records, decrypted, as CSV or JSON"),
	.about = N_(
	"Write the archive's records (those the filters of 'list --archive'\n"
	"select), opened with your key, oldest received first. Columns:\n"
	"reference, form, received, municipality, status, then the fields of\n"
	"the form --kind names, else of both forms (each name once), by their\n"
	"JSON names in the forms' order: the youth form's namn, personnummer,\n"
	"telefon, epost, gymnasium, sysselsattning, utbildning*, annat*,\n"
	"kontakt, meddelande*; the school notice's huvudman, skola,\n"
	"kontakt_namn, kontakt_epost, kontakt_telefon, elev_namn, program,\n"
	"hemkommun, anledning, startdatum, terminsstart, slutdatum,\n"
	"senast_narvarande, franvaro_timmar, utredning, nytt_program*,\n"
	"atgarder, ovrigt*, elev_informerad, vardnadshavare_informerad.\n"
	"The free-text fields (*) are left out unless --with-free-text.\n"
	"\n"
	"CSV is for a spreadsheet: UTF-8 with a BOM, ';' between cells, every\n"
	"cell quoted, CRLF at the end of a row; a choice is shown by its label\n"
	"(hemkommun by the municipality's id), check boxes one label a line. A cell that starts with = + - @ or '\n"
	"gets a ' in front, so that no value runs as a formula (remove it to\n"
	"get the value back); a control character (the forms accept none) is\n"
	"written as U+FFFD. JSON is an array of objects by the same names,\n"
	"values as stored (show --json), in printable ASCII.\n"
	"\n"
	"With --out the export goes to a new file, mode 0600, named only when\n"
	"it is whole; an existing file is never replaced.\n"
	"\n"
	"Exit status: 0 every record exported; 1 a record did not open with\n"
	"your key or is damaged (named on stderr; the others are exported),\n"
	"or the archive, key or output failed; 2 usage."),
	.options = options,
	.max_args = 0,
	.run = run,
};
