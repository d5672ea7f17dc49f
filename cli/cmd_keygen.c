/* cmd_keygen.c — kaa-inbox keygen: a coordinator's keypair. */
#include <stdio.h>

#include "cli.h"
#include "key.h"
#include "pass.h"

/* A real key (the moderate hash) takes its passphrase from the terminal or
 * --passphrase-fd only: KAA_PASSPHRASE is for demo and test keys, and a
 * passphrase left in the environment is no secret. */
static int read_new_pass(const struct cli_opts *o, char **pass, size_t *len)
{
	int rc = pass_read(o->pass_fd, _("Passphrase for the new secret key: "),
	    PASS_CONFIRM | (o->kdf == KEY_KDF_MODERATE ? PASS_NO_ENV : 0), pass, len);

	if (rc != PASS_OK) {
		fprintf(stderr, CLI_NAME ": %s\n", pass_strerror(rc));
		return rc == PASS_EENV ? 2 : 1;
	}
	if (*len < 8) {
		pass_free(*pass);
		fputs(_("kaa-inbox: the passphrase must be at least 8 characters\n"), stderr);
		return 1;
	}
	return 0;
}

static int run(struct cli_opts *o)
{
	struct key_secret *sk;
	struct key_public pk;
	char *pass;
	size_t len;
	int rc;

	if (o->secret_key == NULL || o->public_key == NULL) {
		fputs(_("kaa-inbox: keygen needs --secret FILE and --public FILE "
		    "(or -c CONF that lists one public key)\n"), stderr);
		return 2;
	}
	if ((rc = read_new_pass(o, &pass, &len)) != 0)
		return rc;
	if ((rc = key_generate(&sk)) == KEY_OK) {
		key_public_of(sk, &pk);
		rc = key_secret_save(o->secret_key, sk, pass, len, o->kdf);
		if (rc == KEY_OK && (rc = key_public_save(o->public_key, &pk)) != KEY_OK)
			remove(o->secret_key);   /* half a keypair is no use */
		key_secret_free(sk);
	}
	pass_free(pass);
	if (rc != KEY_OK) {
		fprintf(stderr, CLI_NAME ": keygen: %s\n", _(key_strerror(rc)));
		return 1;
	}
	printf(_("key %s\npublic key: %s (copy to the web host)\n"
	    "secret key: %s (keep it here; never on the web host)\n"),
	    pk.id, o->public_key, o->secret_key);
	return 0;
}

static const struct cli_option *const options[] = {
	&cli_opt_secret, &cli_opt_public, &cli_opt_config, &cli_opt_kdf,
	&cli_opt_passphrase_fd, NULL,
};

const struct cli_command cli_cmd_keygen = {
	.name = "keygen",
	.synopsis = "--secret FILE (--public FILE | -c CONF) [--kdf interactive]",
	.summary = N_("make a keypair: the public key for the web host, the secret key for you"),
	.about =
	N_("Make a keypair. The public key file goes to the web host; the secret\n"
	"key file, encrypted with a passphrase, stays with you (mode 0600).\n"
	"Neither file is ever overwritten.\n"
	"\n"
	"The passphrase is asked for twice at the terminal, without echo, or read\n"
	"from --passphrase-fd. KAA_PASSPHRASE is taken only with --kdf\n"
	"interactive (demo and test keys)."),
	.options = options,
	.max_args = 0,
	.run = run,
};
