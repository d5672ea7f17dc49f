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
	"          list submissions: reference, form, received, key, status\n"
	"  show    (-c CONF | --inbox FILE) --secret FILE [--json] REF\n"
	"          decrypt and show one submission\n"
	"\n"
	"options:\n"
	"  -c, --config FILE      municipality configuration (gives inbox and public key)\n"
	"  -i, --inbox FILE       the inbox SQLite file\n"
	"  -p, --public FILE      public key file\n"
	"  -s, --secret FILE      secret key file\n"
	"      --passphrase-fd N  read the passphrase from file descriptor N\n"
	"      --json             print the decrypted record as JSON\n"
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

/* Fills o->inbox and o->public_key from the configuration if given. The
 * strings live as long as *confp. */
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
	if (o->inbox == NULL)
		o->inbox = (*confp)->inbox_path;
	if (o->public_key == NULL)
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
		    "(or -c CONF)\n", stderr);
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
	if ((rc = inbox_open(o->inbox, 0, 0, ib)) != INBOX_OK) {
		fprintf(stderr, "kaa-inbox: %s: %s\n", o->inbox, inbox_strerror(rc));
		return 1;
	}
	return 0;
}

static int print_entry(const struct inbox_entry *e, void *arg)
{
	int *count = arg;

	if ((*count)++ == 0)
		printf("%-14s  %-16s  %-20s  %-16s  %s\n", "REFERENS", "FORMULÄR",
		    "MOTTAGET (UTC)", "NYCKEL", "STATUS");
	printf("%-14s  %-16s  %-20s  %-16s  %s\n", e->ref, e->kind, e->received,
	    e->key_id, e->acked ? "kvitterad" : "ny");
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

/* Prints a submitted value for a person to read. What was sealed came from
 * the web host, which may be compromised: control characters (C0, DEL, C1)
 * and bidi overrides could rewrite the coordinator's terminal or disguise
 * text, so they are shown as \u{XXXX}. Newlines keep the indent. */
static void print_clean(const char *s)
{
	const unsigned char *p;
	size_t n;

	for (; *s != '\0'; s += n) {
		p = (const unsigned char *)s;
		n = form_control_at(s);
		if (*s == '\n')
			fputs("\n  ", stdout);
		else if (n == 0) {
			putchar(*s);
			n = 1;
		} else if (n == 1)
			printf("\\u{%04X}", *p);
		else if (n == 2)
			printf("\\u{%04X}", p[1]);
		else
			printf("\\u{%04X}", 0x2000 | (p[1] & 0x0f) << 6 | (p[2] & 0x3f));
	}
}

/* Prints the record's fields with the form's labels, in the form's order. */
static void print_record(const struct inbox_entry *e, json_t *rec)
{
	const struct form_spec *spec = form_find(e->kind);
	json_t *fields = json_object_get(rec, "fields");
	const char *v, *label;
	size_t i;

	printf("Referens:  %s\nFormulär:  %s\nMottaget:  %s (UTC)\nNyckel:    %s\n\n",
	    e->ref, spec ? spec->title : e->kind, e->received, e->key_id);
	if (spec == NULL) {
		json_dumpf(rec, stdout, JSON_INDENT(2));
		putchar('\n');
		return;
	}
	for (i = 0; i < spec->nfields; i++) {
		v = json_string_value(json_object_get(fields, spec->fields[i].name));
		if (v == NULL)
			continue;
		label = spec->fields[i].type == FORM_RADIO ?
		    form_choice_label(&spec->fields[i], v) : NULL;
		printf("%s\n  ", spec->fields[i].label);
		print_clean(label ? label : v);
		putchar('\n');
	}
}

static int show_entry(const struct opts *o, const struct inbox_entry *e,
    const struct key_secret *sk)
{
	json_error_t jerr;
	json_t *rec;
	char *plain;
	size_t len;
	int rc;

	if ((rc = key_open(sk, e->sealed, e->sealed_len, &plain, &len)) != KEY_OK) {
		fprintf(stderr, "kaa-inbox: %s: %s (sealed to key %s)\n", e->ref,
		    key_strerror(rc), e->key_id);
		return 1;
	}
	rec = json_loadb(plain, len, 0, &jerr);
	if (rec == NULL || strcmp(json_string_value(json_object_get(rec, "form")) ?
	    json_string_value(json_object_get(rec, "form")) : "", e->kind) != 0) {
		fprintf(stderr, "kaa-inbox: %s: the record is damaged\n", e->ref);
		rc = 1;
	} else if (o->json) {
		/* Re-encoded with every non-ASCII character escaped, so nothing
		 * in it can act on a terminal. */
		char *text = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_ENSURE_ASCII);

		if (text == NULL)
			rc = 1;
		else {
			puts(text);
			form_json_free(text);
		}
	} else
		print_record(e, rec);
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
