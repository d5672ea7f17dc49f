/* cmd_show.c — kaa-inbox show: one submission, decrypted.
 *
 * What was sealed came from the web host, which may be compromised, like
 * the row's metadata: every value is printed through cli_out.h. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"
#include "conf.h"
#include "form.h"
#include "inbox.h"
#include "key.h"

/* One value as a person reads it: the label of the field's choice if it is
 * one, else the value itself. A value that is no string (a number of
 * hours, say) is shown as JSON. */
static void print_value(const struct form_field *f, json_t *v)
{
	const char *s = json_string_value(v), *label;
	char *text;

	if (s == NULL) {
		text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
		if (text != NULL)
			cli_put_clean(stdout, text);
		form_json_free(text);
		return;
	}
	label = f != NULL ? form_choice_label(f, s) : NULL;
	cli_put_clean(stdout, label != NULL ? label : s);
}

/* A field's label, then its value, or each value of a list (check boxes)
 * on a line of its own. f is NULL for a field the form does not have. */
static void print_field(const char *label, const struct form_field *f,
    json_t *v)
{
	json_t *item;
	size_t i;

	cli_put_clean(stdout, label);
	if (!json_is_array(v)) {
		fputs("\n  ", stdout);
		print_value(f, v);
	} else
		json_array_foreach(v, i, item) {
			fputs("\n  - ", stdout);
			print_value(f, item);
		}
	putchar('\n');
}

/* The columns s takes: its UTF-8 characters (our own words only). */
static int text_width(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A label of the row's metadata after before, padded to width w plus two
 * columns. */
static void put_label(const char *before, const char *label, int w)
{
	printf("%s%s%*s", before, label, w - text_width(label) + 2, "");
}

/* The row's metadata, a label a line, the values lined up after the
 * longest label in the user's language. */
static void print_meta(const struct inbox_entry *e, const struct form_spec *spec)
{
	const char *ref = _("Reference:"), *form = _("Form:"),
	    *received = _("Received:"), *keys = _("Keys:");
	const char *labels[] = { ref, form, received, keys };
	int i, w = 0;

	for (i = 0; i < 4; i++)
		if (text_width(labels[i]) > w)
			w = text_width(labels[i]);
	put_label("", ref, w);
	cli_put_meta(stdout, e->ref, cli_valid_ref);
	put_label("\n", form, w);
	if (spec != NULL)
		fputs(spec->title, stdout);
	else
		cli_put_meta(stdout, e->kind, cli_valid_kind);
	put_label("\n", received, w);
	cli_put_meta(stdout, e->received, cli_valid_time);
	fputs(" (UTC)", stdout);
	put_label("\n", keys, w);
	cli_put_meta(stdout, e->key_id, cli_valid_key_ids);
	fputs("\n\n", stdout);
}

/* The record's fields with the form's labels, in the form's order; then any
 * field the form does not have (another version of the form, or a web host
 * that lies) under its raw name — all of them if this program does not
 * know the form. Nothing sent is hidden. */
static void print_record(const struct inbox_entry *e,
    const struct form_spec *spec, json_t *rec)
{
	json_t *fields = json_object_get(rec, "fields"), *v;
	const char *name;
	size_t i;

	print_meta(e, spec);
	for (i = 0; spec != NULL && i < spec->nfields; i++)
		if ((v = json_object_get(fields, spec->fields[i].name)) != NULL)
			print_field(spec->fields[i].label, &spec->fields[i], v);
	json_object_foreach(fields, name, v)
		if (spec == NULL || form_field_index(spec, name, strlen(name)) < 0)
			print_field(name, NULL, v);
}

/* The label of a choice value, or the value if it is none (JSON). */
static json_t *choice_json(const struct form_field *f, json_t *v)
{
	const char *s = json_string_value(v);
	const char *label = s != NULL ? form_choice_label(f, s) : NULL;

	return label != NULL ? json_string(label) : json_incref(v);
}

/* For --json: the form's words beside the record. field_labels maps each
 * field the form has to its label; value_labels each choice field to the
 * chosen value's label (a list for a list of values). -1 if memory ran
 * out. */
static int add_labels(json_t *rec, const struct form_spec *spec)
{
	json_t *fields = json_object_get(rec, "fields"), *v, *item, *list;
	json_t *fl = json_object(), *vl = json_object();
	const struct form_field *f;
	const char *name;
	size_t j;
	int i, bad = 0;

	json_object_foreach(fields, name, v) {
		if ((i = form_field_index(spec, name, strlen(name))) < 0)
			continue;
		f = &spec->fields[i];
		bad |= json_object_set_new(fl, name, json_string(f->label));
		if (f->nchoices == 0)
			continue;
		if (!json_is_array(v)) {
			bad |= json_object_set_new(vl, name, choice_json(f, v));
			continue;
		}
		list = json_array();
		json_array_foreach(v, j, item)
			bad |= json_array_append_new(list, choice_json(f, item));
		bad |= json_object_set_new(vl, name, list);
	}
	bad |= json_object_set_new(rec, "field_labels", fl);
	bad |= json_object_set_new(rec, "value_labels", vl);
	return bad ? -1 : 0;
}

/* The record as JSON, re-encoded with every non-ASCII character escaped so
 * nothing in it can act on a terminal: jansson escapes the C0 controls,
 * and DEL, which it leaves, is escaped here. */
static int print_json(const struct form_spec *spec, json_t *rec)
{
	if (spec != NULL && add_labels(rec, spec) != 0)
		return 1;
	if (cli_json_put(stdout, rec, JSON_PRESERVE_ORDER) != 0)
		return 1;
	putchar('\n');
	return 0;
}

/* Why e did not open with sk, in one message. */
static void report_closed(const struct inbox_entry *e,
    const struct key_secret *sk, int err)
{
	struct key_public mine;

	key_public_of(sk, &mine);
	fputs(CLI_NAME ": ", stderr);
	cli_put_meta(stderr, e->ref, cli_valid_ref);
	fputs(": ", stderr);
	if (err == KEY_ENOTFORME)
		fprintf(stderr, _("this record is not sealed to your key (key id %s; "
		    "it is sealed to "), mine.id);
	else
		fprintf(stderr, _("%s: the record or its metadata is damaged or was "
		    "changed (your key %s; sealed to "), _(key_strerror(err)), mine.id);
	cli_put_meta(stderr, e->key_id, cli_valid_key_ids);
	fputs(")\n", stderr);
}

/* The form of kind, where its route field (a choice of municipality given
 * at start-up: the static table has none) has this configuration's
 * municipality as its one choice, so that its name is shown. *copy, if
 * set, is freed by the caller with form_spec_free. */
static const struct form_spec *entry_form(const struct cli_opts *o,
    const char *kind, struct form_spec **copy)
{
	const struct form_spec *spec = form_find(kind);
	struct form_choice self;

	*copy = NULL;
	if (spec == NULL || spec->route_field == NULL || o->config == NULL)
		return spec;
	self = (struct form_choice){ .value = o->config->id, .label = o->config->name };
	*copy = form_spec_with_choices(spec, spec->route_field, &self, 1);
	return *copy != NULL ? *copy : spec;
}

/* A record that names another municipality than the configuration's is in
 * the wrong inbox: say so. 0 if it is in the right one (or cannot tell). */
static int misrouted(const struct cli_opts *o, const struct inbox_entry *e,
    const struct form_spec *spec, json_t *rec)
{
	const char *v;

	if (spec == NULL || spec->route_field == NULL || o->config == NULL)
		return 0;
	v = json_string_value(json_object_get(json_object_get(rec, "fields"),
	    spec->route_field));
	if (v == NULL || strcmp(v, o->config->id) == 0)
		return 0;
	fputs(CLI_NAME ": ", stderr);
	cli_put_meta(stderr, e->ref, cli_valid_ref);
	fputs(_(": the record is for the municipality "), stderr);
	cli_put_json(stderr, v);
	fprintf(stderr, _(", not \"%s\": it is in the wrong inbox\n"), o->config->id);
	return 1;
}

/* Shows the opened record plain (len bytes) of e: what show does once a
 * key has opened it (also the fuzz target's entry, tests/fuzz). */
static int show_plain(const struct cli_opts *o, const struct inbox_entry *e,
    const char *plain, size_t len)
{
	struct form_spec *copy;
	const struct form_spec *spec;
	json_error_t jerr;
	json_t *rec;
	const char *form;
	int rc = 0;

	rec = json_loadb(plain, len, 0, &jerr);
	form = json_string_value(json_object_get(rec, "form"));
	if (rec == NULL || form == NULL || strcmp(form, e->kind) != 0) {
		fputs(CLI_NAME ": ", stderr);
		cli_put_meta(stderr, e->ref, cli_valid_ref);
		fputs(_(": the record is damaged\n"), stderr);
		rc = 1;
	} else {
		spec = entry_form(o, e->kind, &copy);
		if (o->json)
			rc = print_json(spec, rec);
		else
			print_record(e, spec, rec);
		rc |= misrouted(o, e, spec, rec);
		form_spec_free(copy);
	}
	json_decref(rec);
	return rc;
}

static int show_entry(const struct cli_opts *o, const struct inbox_entry *e,
    const struct key_secret *sk)
{
	char *plain;
	size_t len;
	int rc;

	if ((rc = inbox_entry_open(e, sk, &plain, &len)) != KEY_OK) {
		report_closed(e, sk, rc);
		return 1;
	}
	rc = show_plain(o, e, plain, len);
	key_plain_free(plain);
	return rc;
}

/* Says on stderr why the reference typed gave nothing. */
static void report_ref(const char *ref, int err)
{
	fputs(CLI_NAME ": ", stderr);
	cli_put_clean(stderr, ref);
	fprintf(stderr, ": %s\n", _(inbox_strerror(err)));
}

/* The record with the reference typed from the archive, into *e (the
 * municipality only if --municipality names one). 0, or the exit status. */
static int find_archived(const struct cli_opts *o, struct inbox_entry *e)
{
	struct archive_record r;
	archive *a;
	int rc;

	if ((rc = cli_open_archive(o, ARCHIVE_READONLY, &a)) != 0)
		return rc;
	rc = archive_get(a, o->municipality, o->args[0], &r);
	archive_close(a);
	if (rc != ARCHIVE_OK) {
		fputs(CLI_NAME ": ", stderr);
		cli_put_clean(stderr, o->args[0]);
		fprintf(stderr, ": %s\n", _(archive_strerror(rc)));
		return 1;
	}
	*e = r.entry;   /* its sealed data is e's now */
	return 0;
}

/* The entry with the reference typed, into *e. 0, or the exit status. */
static int find_entry(const struct cli_opts *o, struct inbox_entry *e)
{
	inbox *ib;
	int rc;

	if (o->archive_given)
		return find_archived(o, e);
	if ((rc = cli_open_inbox(o, &ib)) != 0)
		return rc;
	rc = inbox_get(ib, o->args[0], e);
	inbox_close(ib);
	if (rc != INBOX_OK) {
		report_ref(o->args[0], rc);
		return 1;
	}
	return 0;
}

static int run(struct cli_opts *o)
{
	struct key_secret *sk = NULL;
	struct inbox_entry e;
	int rc;

	if (o->nargs != 1 || o->secret_key == NULL) {
		fputs(_("kaa-inbox: show needs --secret FILE and one reference\n"), stderr);
		return 2;
	}
	if ((rc = find_entry(o, &e)) != 0)
		return rc;
	if ((rc = cli_load_key(o, &sk)) == 0) {
		rc = show_entry(o, &e, sk);
		key_secret_free(sk);
	}
	inbox_entry_clear(&e);
	return rc;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_inbox, &cli_opt_archive, &cli_opt_municipality,
	&cli_opt_secret, &cli_opt_json, &cli_opt_passphrase_fd, NULL,
};

const struct cli_command cli_cmd_show = {
	.name = "show",
	.synopsis = "(-c CONF | --inbox FILE | --archive FILE [--municipality ID])\n"
	"       --secret FILE [--json] REF",
	.summary = N_("decrypt and show one submission with your secret key"),
	.about =
	N_("Decrypt and show the submission with reference REF, with your secret\n"
	"key: any one of the municipality's coordinators' keys. School notices\n"
	"print with the form's labels. The inbox is not changed.\n"
	"With --archive, the record is read from your archive instead (see\n"
	"'pull'); --municipality picks one if the reference is there for\n"
	"several.\n"
	"\n"
	"The passphrase is read from --passphrase-fd, else from the environment\n"
	"variable KAA_PASSPHRASE, else from the terminal without echo."),
	.options = options,
	.max_args = 1,
	.run = run,
};
