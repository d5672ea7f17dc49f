/* cmd_ack.c — kaa-inbox ack: removes from the web host's inbox the rows
 * the coordinator's archive has committed. Needs no secret key. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_out.h"

/* At most this many references in one acknowledgement. */
enum { MAX_REFS = 1 << 20 };

/* The references from stdin, one a line, into a new array *refs of *n
 * (refs[0] owns the text). 0, or the exit status after saying why. */
static int read_refs(char ***refs, size_t *n)
{
	char line[INBOX_REF_LEN + 2], *text = NULL;
	size_t cap = 0, len;

	*refs = NULL;
	*n = 0;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len != INBOX_REF_LEN || !cli_valid_ref(line) || *n == MAX_REFS) {
			fprintf(stderr, _("kaa-inbox: ack: line %zu of stdin is not a "
			    "reference XXXX-XXXX-XXXX: nothing removed\n"), *n + 1);
			free(text);
			return 2;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			if ((text = realloc(text, cap * (INBOX_REF_LEN + 1))) == NULL) {
				fputs(_("kaa-inbox: ack: out of memory\n"), stderr);
				return 1;
			}
		}
		memcpy(text + *n * (INBOX_REF_LEN + 1), line, INBOX_REF_LEN + 1);
		(*n)++;
	}
	if ((*refs = malloc((*n + 1) * sizeof(**refs))) == NULL) {
		free(text);
		fputs(_("kaa-inbox: ack: out of memory\n"), stderr);
		return 1;
	}
	for (len = 0; len < *n; len++)
		(*refs)[len] = text + len * (INBOX_REF_LEN + 1);
	(*refs)[*n] = text;   /* kept for free() when *n is 0 */
	return 0;
}

static int remove_refs(const struct cli_opts *o, char **refs, size_t n)
{
	size_t i, removed;
	inbox *ib;
	int rc;

	for (i = 0; i < n; i++)
		if (!cli_valid_ref(refs[i])) {
			fputs(_("kaa-inbox: ack: not a reference XXXX-XXXX-XXXX: "), stderr);
			cli_put_clean(stderr, refs[i]);
			fputs(_(": nothing removed\n"), stderr);
			return 2;
		}
	if (o->inbox == NULL) {
		fputs(_("kaa-inbox: say which inbox: -c CONF or --inbox FILE\n"), stderr);
		return 2;
	}
	if ((rc = inbox_open(o->inbox, 0, 0, &ib)) == INBOX_OK) {
		rc = inbox_remove(ib, (const char *const *)refs, n, &removed);
		inbox_close(ib);
	}
	if (rc != INBOX_OK) {
		fprintf(stderr, _("kaa-inbox: ack: %s: %s: nothing removed\n"), o->inbox,
		    _(inbox_strerror(rc)));
		return 1;
	}
	/* Not translated: pull reads this line over ssh. */
	printf("removed %zu of %zu\n", removed, n);
	return 0;
}

static int run(struct cli_opts *o)
{
	char **refs;
	size_t n;
	int rc;

	if (o->nargs > 0)
		return remove_refs(o, o->args, (size_t)o->nargs);
	if ((rc = read_refs(&refs, &n)) != 0)
		return rc;
	rc = remove_refs(o, refs, n);
	free(refs[n]);
	free(refs);
	return rc;
}

static const struct cli_option *const options[] = {
	&cli_opt_config, &cli_opt_inbox, NULL,
};

const struct cli_command cli_cmd_ack = {
	.name = "ack",
	.synopsis = "(-c CONF | --inbox FILE) [REF...]",
	.summary = N_("on the web host: remove rows the archive has (pull does this)"),
	.about =
	N_("Remove from the inbox the submissions with these references (given as\n"
	"arguments, else read from stdin, one a line), overwriting them on disk,\n"
	"in one transaction: all or none. A reference that is not in the inbox\n"
	"is skipped. Prints \"removed N of M\". 'pull' runs this on the web host\n"
	"only after the coordinator's archive has committed the rows.\n"
	"\n"
	"Exit status: 0 done; 1 the inbox could not be changed (nothing was);\n"
	"2 usage, or something that is not a reference (nothing was removed)."),
	.options = options,
	.max_args = INT_MAX,
	.run = run,
};
