/* main.c — kaa-gen: the KAA static site generator.
 *
 *   kaa-gen site -c CONF [-i CONTENT] [-t LAYOUTDIR] [-o OUTDIR] [-j JOBS]
 *
 * Subcommands live in one table so later ones (letters) slot in beside
 * `site`. Only this file prints: the modules return errors as data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen_diag.h"
#include "gen_site.h"

static struct timespec t0;

static long
elapsed_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1000L +
	    (t.tv_nsec - t0.tv_nsec) / 1000000L;
}

static int cmd_site(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int       (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
} commands[] = {
	{ "site", cmd_site,
	  "site -c CONF [-i CONTENT] [-t LAYOUTDIR] [-o OUTDIR] [-j JOBS]",
	  "build the web site from Markdown (defaults: -i content, -t site,\n"
	  "    -o the configuration's site.output, -j one thread per CPU)" },
	{ "help", cmd_help, "help", "show this text" },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  kaa-gen %s\n    %s\n", commands[i].usage,
		    commands[i].summary);
}

static int
cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static int
cmd_site(int argc, char **argv)
{
	struct site_opts o = { NULL, "content", "site", NULL, 0 };
	struct site_stats st;
	struct diag d = DIAG_INIT;
	char *end;
	int c, rc;

	optind = 1;
	while ((c = getopt(argc, argv, "c:i:t:o:j:h")) != -1) {
		switch (c) {
		case 'c': o.conf_path = optarg; break;
		case 'i': o.content_dir = optarg; break;
		case 't': o.layout_dir = optarg; break;
		case 'o': o.output_dir = optarg; break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.jobs < 1) {
				fprintf(stderr, "kaa-gen: -j wants a positive "
				    "number\n");
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (o.conf_path == NULL || optind != argc) {
		usage(stderr);
		return 1;
	}
	rc = site_build(&o, &st, &d);
	diag_print(&d, stderr);
	if (rc < 0)
		fprintf(stderr, "kaa-gen: build failed: %zu error%s\n", d.n,
		    d.n == 1 ? "" : "s");
	else
		printf("kaa-gen: %zu pages built, %zu files written, "
		    "%zu unchanged, %ld ms\n", st.pages, st.written,
		    st.unchanged, elapsed_ms());
	diag_free(&d);
	return rc < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return cmd_help(argc - 1, argv + 1);
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "kaa-gen: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 1;
}
