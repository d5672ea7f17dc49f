/* kaa-inbox — the coordinator's tool: keys, and reading the sealed inbox.
 *
 * Runs on the coordinator's machine, where the secret key is. See usage(). */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "form.h"
#include "inbox.h"
#include "key.h"
#include "pass.h"

struct opts {
	const char *conf;
	const struct conf *config;   /* loaded from conf, or NULL */
	const char *inbox;
	const char *public_key;
	const char *secret_key;
	int         pass_fd;
	int         json;
	enum key_kdf kdf;
	char      **args;
	int         nargs;
};

static void usage(FILE *f)
{
	fputs(
	"usage: kaa-inbox COMMAND [options]\n"
	"\n"
	"commands:\n"
	"  keygen  --secret FILE (--public FILE | -c CONF) [--kdf interactive]\n"
	"          make a keypair: the public key file goes to the web host, the\n"
	"          secret key file (encrypted with a passphrase) stays with you\n"
	"  list    (-c CONF | --inbox FILE)\n"
	"          list submissions: reference, form, received, status, keys\n"
	"  show    (-c CONF | --inbox FILE) --secret FILE [--json] REF\n"
	"          decrypt and show one submission with your secret key (any\n"
	"          one of the municipality's coordinators' keys)\n"
	"\n"
	"options:\n"
	"  -c, --config FILE      municipality configuration (gives the inbox, and\n"
	"                         keygen's public key file if it lists only one)\n"
	"  -i, --inbox FILE       the inbox SQLite file\n"
	"  -p, --public FILE      public key file\n"
	"  -s, --secret FILE      secret key file\n"
	"      --passphrase-fd N  read the passphrase from file descriptor N\n"
	"      --json             print the decrypted record as JSON, with the\n"
	"                         form's labels in field_labels and value_labels\n"
	"      --kdf interactive  cheaper passphrase hashing (tests and demos only)\n"
	"  -h, --help             this text\n"
	"\n"
	"The passphrase is read from --passphrase-fd, else from the environment\n"
	"variable KAA_PASSPHRASE, else from the terminal without echo. It is never\n"
	"taken from the command line.\n", f);
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "inbox", required_argument, NULL, 'i' },
		{ "public", required_argument, NULL, 'p' },
		{ "secret", required_argument, NULL, 's' },
		{ "passphrase-fd", required_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'J' },
		{ "kdf", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->pass_fd = -1;
	o->kdf = KEY_KDF_MODERATE;
	while ((c = getopt_long(argc, argv, "c:i:p:s:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->conf = optarg; break;
		case 'i': o->inbox = optarg; break;
		case 'p': o->public_key = optarg; break;
		case 's': o->secret_key = optarg; break;
		case 'F': {
			char *end;
			long fd = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || fd < 0 || fd > 1024)
				return -1;
			o->pass_fd = (int)fd;
			break;
		}
		case 'J': o->json = 1; break;
		case 'K':
			if (strcmp(optarg, "interactive") != 0 && strcmp(optarg, "moderate") != 0)
				return -1;
			o->kdf = strcmp(optarg, "interactive") == 0 ?
			    KEY_KDF_INTERACTIVE : KEY_KDF_MODERATE;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return 0;
}

/* Fills o->inbox and, if the configuration lists one public key,
 * o->public_key from the configuration if given. The strings live as long
 * as *confp. */
static int use_conf(struct opts *o, struct conf **confp)
{
	struct conf_errinfo ei;
	int rc;

	*confp = NULL;
	if (o->conf == NULL)
		return 0;
	if ((rc = conf_load(o->conf, confp, &ei)) != CONF_OK) {
		fprintf(stderr, "kaa-inbox: %s:%d: %s%s%s\n", o->conf, ei.line,
		    conf_strerror(rc), ei.key[0] ? ": " : "", ei.key);
		return -1;
	}
	o->config = *confp;
	if (o->inbox == NULL)
		o->inbox = (*confp)->inbox_path;
	if (o->public_key == NULL && (*confp)->npublic_keys == 1)
		o->public_key = (*confp)->public_key_path;
	return 0;
}

static int cmd_keygen(struct opts *o)
{
	struct key_secret *sk;
	struct key_public pk;
	char *pass;
	size_t len;
	int rc;

	if (o->secret_key == NULL || o->public_key == NULL) {
		fputs("kaa-inbox: keygen needs --secret FILE and --public FILE "
		    "(or -c CONF that lists one public key)\n", stderr);
		return 2;
	}
	if ((rc = pass_read(o->pass_fd, "Passphrase for the new secret key: ", 1,
	    &pass, &len)) != PASS_OK) {
		fprintf(stderr, "kaa-inbox: %s\n", pass_strerror(rc));
		return 1;
	}
	if (len < 8) {
		pass_free(pass);
		fputs("kaa-inbox: the passphrase must be at least 8 characters\n", stderr);
		return 1;
	}
	if ((rc = key_generate(&sk)) == KEY_OK) {
		key_public_of(sk, &pk);
		rc = key_secret_save(o->secret_key, sk, pass, len, o->kdf);
		if (rc == KEY_OK && (rc = key_public_save(o->public_key, &pk)) != KEY_OK)
			remove(o->secret_key);   /* half a keypair is no use */
		key_secret_free(sk);
	}
	pass_free(pass);
	if (rc != KEY_OK) {
		fprintf(stderr, "kaa-inbox: keygen: %s\n", key_strerror(rc));
		return 1;
	}
	printf("key %s\npublic key: %s (copy to the web host)\n"
	    "secret key: %s (keep it here; never on the web host)\n",
	    pk.id, o->public_key, o->secret_key);
	return 0;
}

static int open_inbox(const struct opts *o, inbox **ib)
{
	int rc;

	if (o->inbox == NULL) {
		fputs("kaa-inbox: say which inbox: -c CONF or --inbox FILE\n", stderr);
		return 2;
	}
	/* Reading never changes the file (nor migrates an old one). */
	if ((rc = inbox_open(o->inbox, INBOX_READONLY, 0, ib)) != INBOX_OK) {
		fprintf(stderr, "kaa-inbox: %s: %s\n", o->inbox, inbox_strerror(rc));
		return 1;
	}
	return 0;
}

/* Prints a submitted value for a person to read. What was sealed came from
 * the web host, which may be compromised: control characters (C0, DEL, C1)
 * and bidi overrides could rewrite the coordinator's terminal or disguise
 * text, so they are shown as \u{XXXX}. Newlines keep the indent. */
static int put_clean(FILE *f, const char *s)
{
	const unsigned char *p;
	size_t n;
	int cols = 0;

	for (; *s != '\0'; s += n, cols++) {
		p = (const unsigned char *)s;
		n = form_control_at(s);
		if (*s == '\n')
			fputs("\n  ", f);
		else if (n == 0) {
			putc(*s, f);
			n = 1;
		} else if (n == 1)
			fprintf(f, "\\u{%04X}", *p);
		else if (n == 2)
			fprintf(f, "\\u{%04X}", p[1]);
		else
			fprintf(f, "\\u{%04X}", 0x2000 | (p[1] & 0x0f) << 6 | (p[2] & 0x3f));
		if (n == 1 && (*p & 0xc0) == 0x80)
			cols--;   /* a UTF-8 continuation byte: same character */
	}
	return cols;
}

/* A column of the list: the metadata came from the web host too. */
static void print_cell(const char *v, int width)
{
	int n = put_clean(stdout, v);

	printf("%*s", n < width ? width - n + 2 : 2, "");
}

static int print_entry(const struct inbox_entry *e, void *arg)
{
	int *count = arg;

	if ((*count)++ == 0) {
		print_cell("REFERENS", 14);
		print_cell("FORMULÄR", 16);
		print_cell("MOTTAGET (UTC)", 20);
		print_cell("STATUS", 9);
		puts("NYCKLAR");
	}
	print_cell(e->ref, 14);
	print_cell(e->kind, 16);
	print_cell(e->received, 20);
	print_cell(e->acked ? "kvitterad" : "ny", 9);
	put_clean(stdout, e->key_id);
	putchar('\n');
	return 0;
}

static int cmd_list(struct opts *o)
{
	inbox *ib;
	int rc, count = 0;

	if ((rc = open_inbox(o, &ib)) != 0)
		return rc;
	rc = inbox_list(ib, print_entry, &count);
	inbox_close(ib);
	if (rc != INBOX_OK) {
		fprintf(stderr, "kaa-inbox: list: %s\n", inbox_strerror(rc));
		return 1;
	}
	if (count == 0)
		puts("Inkorgen är tom.");
	return 0;
}

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
			put_clean(stdout, text);
		form_json_free(text);
		return;
	}
	label = f != NULL ? form_choice_label(f, s) : NULL;
	put_clean(stdout, label != NULL ? label : s);
}

/* A field's label, then its value, or each value of a list (check boxes)
 * on a line of its own. f is NULL for a field the form does not have. */
static void print_field(const char *label, const struct form_field *f,
    json_t *v)
{
	json_t *item;
	size_t i;

	put_clean(stdout, label);
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

	printf("Referens:  %s\nFormulär:  ", e->ref);
	put_clean(stdout, spec != NULL ? spec->title : e->kind);
	fputs("\nMottaget:  ", stdout);
	put_clean(stdout, e->received);
	fputs(" (UTC)\nNycklar:   ", stdout);
	put_clean(stdout, e->key_id);
	fputs("\n\n", stdout);
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
 * nothing in it can act on a terminal. */
static int print_json(const struct form_spec *spec, json_t *rec)
{
	char *text;

	if (spec != NULL && add_labels(rec, spec) != 0)
		return 1;
	text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (text == NULL)
		return 1;
	puts(text);
	form_json_free(text);
	return 0;
}

/* Why e did not open with sk, in one message. */
static void report_closed(const struct inbox_entry *e,
    const struct key_secret *sk, int err)
{
	struct key_public mine;

	key_public_of(sk, &mine);
	fprintf(stderr, "kaa-inbox: %s: ", e->ref);
	if (err == KEY_ENOTFORME)
		fprintf(stderr, "this record is not sealed to your key (key id %s; "
		    "it is sealed to ", mine.id);
	else
		fprintf(stderr, "%s: the record or its metadata is damaged or was "
		    "changed (your key %s; sealed to ", key_strerror(err), mine.id);
	put_clean(stderr, e->key_id);
	fputs(")\n", stderr);
}

/* The form of kind, where its route field (a choice of municipality given
 * at start-up: the static table has none) has this configuration's
 * municipality as its one choice, so that its name is shown. *copy, if
 * set, is freed by the caller with form_spec_free. */
static const struct form_spec *entry_form(const struct opts *o,
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
static int misrouted(const struct opts *o, const struct inbox_entry *e,
    const struct form_spec *spec, json_t *rec)
{
	const char *v;

	if (spec == NULL || spec->route_field == NULL || o->config == NULL)
		return 0;
	v = json_string_value(json_object_get(json_object_get(rec, "fields"),
	    spec->route_field));
	if (v == NULL || strcmp(v, o->config->id) == 0)
		return 0;
	fprintf(stderr, "kaa-inbox: %s: the record is for the municipality \"",
	    e->ref);
	put_clean(stderr, v);
	fprintf(stderr, "\", not %s: it is in the wrong inbox\n", o->config->id);
	return 1;
}

static int show_entry(const struct opts *o, const struct inbox_entry *e,
    const struct key_secret *sk)
{
	struct form_spec *copy;
	const struct form_spec *spec;
	json_error_t jerr;
	json_t *rec;
	const char *form;
	char *plain;
	size_t len;
	int rc;

	if ((rc = inbox_entry_open(e, sk, &plain, &len)) != KEY_OK) {
		report_closed(e, sk, rc);
		return 1;
	}
	rec = json_loadb(plain, len, 0, &jerr);
	form = json_string_value(json_object_get(rec, "form"));
	if (rec == NULL || form == NULL || strcmp(form, e->kind) != 0) {
		fprintf(stderr, "kaa-inbox: %s: the record is damaged\n", e->ref);
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
	key_plain_free(plain);
	return rc;
}

static int cmd_show(struct opts *o)
{
	struct key_secret *sk = NULL;
	struct inbox_entry e;
	inbox *ib;
	char *pass;
	size_t len;
	int rc;

	if (o->nargs != 1 || o->secret_key == NULL) {
		fputs("kaa-inbox: show needs --secret FILE and one reference\n", stderr);
		return 2;
	}
	if ((rc = open_inbox(o, &ib)) != 0)
		return rc;
	rc = inbox_get(ib, o->args[0], &e);
	inbox_close(ib);
	if (rc != INBOX_OK) {
		fprintf(stderr, "kaa-inbox: %s: %s\n", o->args[0], inbox_strerror(rc));
		return 1;
	}
	if ((rc = pass_read(o->pass_fd, "Passphrase: ", 0, &pass, &len)) != PASS_OK) {
		fprintf(stderr, "kaa-inbox: %s\n", pass_strerror(rc));
		inbox_entry_clear(&e);
		return 1;
	}
	rc = key_secret_load(o->secret_key, pass, len, &sk);
	pass_free(pass);
	if (rc != KEY_OK) {
		fprintf(stderr, "kaa-inbox: %s: %s\n", o->secret_key, key_strerror(rc));
		inbox_entry_clear(&e);
		return 1;
	}
	rc = show_entry(o, &e, sk);
	key_secret_free(sk);
	inbox_entry_clear(&e);
	return rc;
}

static const struct command {
	const char *name;
	int (*run)(struct opts *);
} commands[] = {
	{ "keygen", cmd_keygen },
	{ "list", cmd_list },
	{ "show", cmd_show },
};

int main(int argc, char **argv)
{
	struct conf *conf = NULL;
	struct opts o;
	size_t i;
	int rc = 2;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (sodium_init() < 0) {
		fputs("kaa-inbox: libsodium failed to start\n", stderr);
		return 1;
	}
	form_json_wipe_on_free();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0]) ||
	    parse(argc - 1, argv + 1, &o) != 0) {
		usage(stderr);
		return 2;
	}
	if (use_conf(&o, &conf) == 0)
		rc = commands[i].run(&o);
	else
		rc = 1;
	conf_free(conf);
	return rc;
}
