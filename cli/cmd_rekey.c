/* cmd_rekey.c — kaa-inbox rekey: a coordinator's new keypair, and every
 * archive record that coordinator's old key opens sealed anew to the
 * municipality's key set with the new key in the old one's place, in one
 * transaction: afterwards the old secret key opens none of them. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"
#include "pass.h"

/* The two passphrases: the old key's, then the new one's. */
struct passes {
	char  *old, *new;   /* new may be old (KAA_PASSPHRASE) */
	size_t oldlen, newlen;
};

static void passes_free(struct passes *p)
{
	if (p->new != p->old)
		pass_free(p->new);
	pass_free(p->old);
}

/* From --passphrase-fd (its first line the old key's, its second the new
 * one's), else the terminal (the new one twice). KAA_PASSPHRASE is taken
 * for both, and only with --kdf interactive, as keygen takes it. 0, or the
 * exit status after saying why. */
static int read_passes(const struct cli_opts *o, struct passes *p)
{
	const char *env = getenv("KAA_PASSPHRASE");
	int from_env = o->pass_fd < 0 && env != NULL && *env != '\0', rc;

	memset(p, 0, sizeof(*p));
	if (from_env && o->kdf == KEY_KDF_MODERATE) {
		unsetenv("KAA_PASSPHRASE");
		fprintf(stderr, CLI_NAME ": %s\n", pass_strerror(PASS_EENV));
		return 2;
	}
	rc = pass_read(o->pass_fd, _("Passphrase of the old secret key: "), 0,
	    &p->old, &p->oldlen);
	if (rc == PASS_OK && from_env) {
		p->new = p->old;
		p->newlen = p->oldlen;
	} else if (rc == PASS_OK)
		rc = pass_read(o->pass_fd, _("Passphrase for the new secret key: "),
		    PASS_CONFIRM | PASS_NO_ENV, &p->new, &p->newlen);
	if (rc != PASS_OK) {
		fprintf(stderr, CLI_NAME ": %s\n", pass_strerror(rc));
		passes_free(p);
		return 1;
	}
	if (p->newlen < 8) {
		fputs(_("kaa-inbox: the passphrase must be at least 8 characters\n"),
		    stderr);
		passes_free(p);
		return 1;
	}
	return 0;
}

/* The municipality's key set: --keys (files by ','), else the
 * configuration's keys.public_key. 0, or the exit status. */
static int load_set(const struct cli_opts *o, struct key_set *ks)
{
	const char *paths[KEY_MAX_RECIPIENTS + 1] = { NULL };
	char *copy = NULL, *p, *tok;
	size_t n = 0, bad = 0;
	int rc;

	if (o->keys != NULL) {
		if ((copy = strdup(o->keys)) == NULL)
			return 1;
		for (p = copy; (tok = strsep(&p, ",")) != NULL && n <= KEY_MAX_RECIPIENTS; ) {
			tok += strspn(tok, " \t");
			tok[strcspn(tok, " \t")] = '\0';
			if (*tok != '\0')
				paths[n++] = tok;
		}
	} else if (o->config != NULL) {
		for (; n < o->config->npublic_keys && n <= KEY_MAX_RECIPIENTS; n++)
			paths[n] = o->config->public_key_paths[n];
	} else {
		fputs(_("kaa-inbox: rekey needs the municipality's public keys: -c "
		    "CONF or --keys FILES\n"), stderr);
		return 2;
	}
	rc = key_set_load(ks, paths, n, &bad);
	if (rc != KEY_OK)
		fprintf(stderr, CLI_NAME ": %s: %s\n", n > 0 ? paths[bad] : "--keys",
		    _(key_strerror(rc)));
	free(copy);
	return rc == KEY_OK ? 0 : 1;
}

/* ks with old's key replaced by neu (or neu added, if old is not in it). */
static int replace_key(struct key_set *ks, const struct key_public *old,
    const struct key_public *neu)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (strcmp(ks->k[i].id, old->id) == 0)
			break;
	if (i == KEY_MAX_RECIPIENTS) {
		fputs(_("kaa-inbox: the key set is full: there is no room for the "
		    "new key\n"), stderr);
		return 1;
	}
	ks->k[i] = *neu;
	if (i == ks->n)
		ks->n++;
	return 0;
}

/* The new keypair, written to --new-secret (with the new passphrase) and
 * --new-public; never over an existing file, never half. */
static int make_key(const struct cli_opts *o, const struct passes *p,
    struct key_secret **sk, struct key_public *pk)
{
	int rc;

	if ((rc = key_generate(sk)) == KEY_OK) {
		key_public_of(*sk, pk);
		rc = key_secret_save(o->new_secret, *sk, p->new, p->newlen, o->kdf);
		if (rc == KEY_OK && (rc = key_public_save(o->new_public, pk)) != KEY_OK)
			remove(o->new_secret);   /* half a keypair is no use */
	}
	if (rc != KEY_OK) {
		fprintf(stderr, _("kaa-inbox: rekey: the new key: %s (nothing was "
		    "changed)\n"), _(key_strerror(rc)));
		key_secret_free(*sk);
		*sk = NULL;
		return 1;
	}
	return 0;
}

struct rekey {
	archive *a;
	const struct key_secret *old, *neu;
	const struct key_set *ks;
	long resealed, not_mine, damaged;
	int  err;   /* an archive_err, or ARCHIVE_EIO if sealing failed */
	struct cli_progress progress;   /* records gone through, on a terminal */
};

/* r sealed anew; checked to open with the new key to the same record
 * before it replaces the old. */
static int reseal(struct rekey *x, const struct archive_record *r,
    const char *plain, size_t len)
{
	struct inbox_entry e = r->entry;
	char ids[INBOX_KEY_IDS_LEN + 1], *again = NULL;
	size_t againlen;
	int rc;

	if (inbox_entry_reseal(&r->entry, plain, len, x->ks, &e.sealed,
	    &e.sealed_len, ids) != KEY_OK)
		return ARCHIVE_EIO;
	e.format = INBOX_FORMAT_ENVELOPE;
	rc = inbox_entry_open(&e, x->neu, &again, &againlen) != KEY_OK ||
	    againlen != len || memcmp(again, plain, len) != 0 ? ARCHIVE_EIO :
	    archive_replace_sealed(x->a, e.id, ids, e.format, e.sealed, e.sealed_len);
	key_plain_free(again);
	free(e.sealed);
	return rc;
}

static int reseal_record(const struct archive_record *r, void *arg)
{
	struct rekey *x = arg;
	char *plain;
	size_t len;
	int rc;

	cli_progress_step(&x->progress);
	if ((rc = inbox_entry_open(&r->entry, x->old, &plain, &len)) == KEY_ENOTFORME) {
		x->not_mine++;
		return 0;
	}
	if (rc != KEY_OK) {
		x->damaged++;
		cli_progress_hide(&x->progress);
		fputs(CLI_NAME ": ", stderr);
		cli_put_meta(stderr, r->entry.ref, cli_valid_ref);
		fprintf(stderr, _(": %s: left as it is\n"), _(key_strerror(rc)));
		return 0;
	}
	x->err = reseal(x, r, plain, len);
	key_plain_free(plain);
	if (x->err != ARCHIVE_OK)
		return 1;
	x->resealed++;
	return 0;
}

/* Every record the old key opens, re-sealed in one transaction. */
static int reseal_all(struct rekey *x)
{
	int rc;

	if ((rc = archive_begin(x->a)) == ARCHIVE_OK) {
		/* TRANSLATORS: the records gone through, of all; on a terminal. */
		cli_progress_start(&x->progress, _("rekey: %s of %s records"), 0);
		cli_progress_count(&x->progress, x->a, NULL);
		rc = archive_each(x->a, NULL, ARCHIVE_WITH_SEALED, reseal_record, x);
		cli_progress_end(&x->progress);
		if (rc == ARCHIVE_OK)
			rc = x->err;
		if (rc == ARCHIVE_OK)
			rc = archive_commit(x->a);
		else
			archive_rollback(x->a);
	}
	if (rc != ARCHIVE_OK) {
		fprintf(stderr, _("kaa-inbox: rekey: %s: no record was re-sealed; the "
		    "old key still opens them. Delete the new key files and try "
		    "again.\n"), _(archive_strerror(rc)));
		return 1;
	}
	if (archive_checkpoint(x->a) != ARCHIVE_OK)
		fputs(_("kaa-inbox: rekey: the archive's log could not be emptied "
		    "now; it will be later\n"), stderr);
	return 0;
}

static int rekey(const struct cli_opts *o, archive *a, struct key_set *ks,
    const struct passes *p)
{
	struct key_secret *old = NULL, *neu = NULL;
	struct key_public oldpk, newpk;
	struct rekey x = { .a = a, .ks = ks };
	int rc;

	if ((rc = key_secret_load(o->secret_key, p->old, p->oldlen, &old)) != KEY_OK) {
		fprintf(stderr, CLI_NAME ": %s: %s\n", o->secret_key,
		    _(key_strerror(rc)));
		return 1;
	}
	key_public_of(old, &oldpk);
	if ((rc = make_key(o, p, &neu, &newpk)) == 0 &&
	    (rc = replace_key(ks, &oldpk, &newpk)) == 0) {
		x.old = old;
		x.neu = neu;
		rc = reseal_all(&x);
	}
	key_secret_free(old);
	key_secret_free(neu);
	if (rc != 0)
		return rc;
	printf(_("%ld re-sealed from key %s to key %s; %ld not sealed to the old "
	    "key, left as they were\n"), x.resealed, oldpk.id, newpk.id, x.not_mine);
	if (x.damaged > 0)
		printf(_("%ld damaged, left as they were\n"), x.damaged);
	printf(_("public key: %s (list it in keys.public_key on the web host, in "
	    "place of the old one)\nsecret key: %s (delete the old one)\n"),
	    o->new_public, o->new_secret);
	return x.damaged > 0;
}

static int run(struct cli_opts *o)
{
	struct key_set ks;
	struct passes p;
	archive *a;
	int rc;

	if (o->secret_key == NULL || o->new_secret == NULL || o->new_public == NULL) {
		fputs(_("kaa-inbox: rekey needs --secret OLD, --new-secret FILE and "
		    "--new-public FILE\n"), stderr);
		return 2;
	}
	if ((rc = load_set(o, &ks)) != 0)
		return rc;
	if ((rc = cli_open_archive(o, 0, &a)) != 0)
		return rc;
	if ((rc = read_passes(o, &p)) == 0) {
		rc = rekey(o, a, &ks, &p);
		passes_free(&p);
	}
	archive_close(a);
	return rc;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_archive, &cli_opt_secret, &cli_opt_new_secret,
	&cli_opt_new_public, &cli_opt_keys, &cli_opt_kdf, &cli_opt_passphrase_fd,
	NULL,
};

const struct cli_command cli_cmd_rekey = {
	.name = "rekey",
	.synopsis = "(-c CONF | --archive FILE --keys FILES) --secret OLD\n"
	"       --new-secret FILE --new-public FILE [--kdf interactive]",
	.summary = N_("a new keypair for you; your archive's records re-sealed to it"),
	.about = N_(
	"Make a new keypair (as keygen does), then seal every record of the\n"
	"archive that your old key (--secret) opens anew to the municipality's\n"
	"key set (--keys, else the configuration's keys.public_key) with your\n"
	"old key replaced by the new one (added, if it was not there): the\n"
	"other coordinators' keys still open them, your old key none. All in\n"
	"one transaction: if anything fails, no record is changed. Records your\n"
	"old key does not open are left as they are, and counted.\n"
	"\n"
	"The old key's passphrase is asked for, then the new one's twice; or\n"
	"both come from --passphrase-fd, its first line and its second.\n"
	"KAA_PASSPHRASE, taken only with --kdf interactive (demo and test\n"
	"keys), is the passphrase of both.\n"
	"\n"
	"Then list the new public key on the web host in the old one's place,\n"
	"and delete the old secret key file.\n"
	"\n"
	"Exit status: 0 done; 1 a key, passphrase or the archive failed (no\n"
	"record was changed), or a record is damaged (the others were\n"
	"re-sealed); 2 usage."),
	.options = options,
	.max_args = 0,
	.run = run,
};
