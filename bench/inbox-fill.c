/* inbox-fill.c — setup for bench/inbox-bench.sh: appends records to a web
 * host's inbox the way kaa-fcgi does, through the library's inbox_append
 * (sealed as an envelope to the municipality's key set, one durable
 * transaction a record). Not timed: it only makes the data.
 *
 *   inbox-fill INBOX PUBLIC_KEY... < records
 *
 * Each line of the input is one record: the form's kind, a tab, the
 * record's JSON (as form_to_json writes it). Prints the count appended. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox.h"
#include "key.h"

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "inbox-fill: %s: %s\n", what, why);
	return 1;
}

/* Appends every line of in; the count, or -1 after saying why. */
static long fill(inbox *ib, const struct key_set *ks, FILE *in)
{
	char ref[INBOX_REF_LEN + 1], *line = NULL, *tab;
	size_t cap = 0;
	ssize_t len;
	long n = 0;
	int rc;

	while ((len = getline(&line, &cap, in)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if ((tab = strchr(line, '\t')) == NULL) {
			fprintf(stderr, "inbox-fill: line %ld: no tab after the kind\n", n + 1);
			n = -1;
			break;
		}
		*tab++ = '\0';
		if ((rc = inbox_append(ib, ks, line, tab, strlen(tab), ref)) != INBOX_OK) {
			fprintf(stderr, "inbox-fill: line %ld: %s\n", n + 1, inbox_strerror(rc));
			n = -1;
			break;
		}
		n++;
	}
	free(line);
	return n;
}

int main(int argc, char **argv)
{
	struct key_set ks;
	size_t bad;
	inbox *ib;
	long n;
	int rc;

	if (argc < 3) {
		fputs("usage: inbox-fill INBOX PUBLIC_KEY... < records\n", stderr);
		return 2;
	}
	if (sodium_init() < 0)
		return fail("libsodium", "cannot initialise");
	if ((rc = key_set_load(&ks, (const char *const *)argv + 2,
	    (size_t)(argc - 2), &bad)) != KEY_OK)
		return fail(argv[2 + bad], key_strerror(rc));
	if ((rc = inbox_open(argv[1], INBOX_CREATE, 0, &ib)) != INBOX_OK)
		return fail(argv[1], inbox_strerror(rc));
	n = fill(ib, &ks, stdin);
	inbox_close(ib);
	if (n < 0)
		return 1;
	printf("%ld\n", n);
	return 0;
}
