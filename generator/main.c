/* main.c — kaa-gen: the KAA static site generator.
 *
 *   kaa-gen site -c CONF [-i CONTENT] [-t LAYOUTDIR] [-o OUTDIR] [-j JOBS]
 *   kaa-gen letters -c CONF --kind KIND --roster FILE --out DIR
 *                   [--from DATE --to DATE] [--date DATE] [-i CONTENT]
 *
 * Subcommands live in one table so later ones (letters) slot in beside
 * `site`. Only this file prints: the modules return errors as data. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen_diag.h"
#include "gen_letters.h"
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
static int cmd_letters(int argc, char **argv);
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
	{ "letters", cmd_letters,
	  "letters -c CONF --kind KIND --roster FILE --out DIR\n"
	  "          [--from DATE --to DATE] [--date DATE] [-i CONTENT]",
	  "print letters from the register's roster (CSV) into DIR/brev.pdf\n"
	  "    and DIR/utskick.csv. KIND: 20ar (youths whose 20th birthday is\n"
	  "    in --from..--to) or forsta-kontakt (every row, and a guardian's\n"
	  "    letter for those under 18). Dates are YYYY-MM-DD; --date is the\n"
	  "    letter's date (default today). Exit 0: all rows fine; 1: letters\n"
	  "    made, some rows reported; 2: nothing made" },
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

static void
letters_summary(const struct letters_opts *o,
    const struct letters_stats *st, int rc)
{
	if (rc == LETTERS_FATAL) {
		fprintf(stderr, "kaa-gen letters: nothing made\n");
		return;
	}
	fprintf(stderr, "kaa-gen letters: %s: %zu letter%s (%zu to youths, "
	    "%zu to guardians), %d page%s", o->kind,
	    st->youth + st->guardian, st->youth + st->guardian == 1 ? "" : "s",
	    st->youth, st->guardian, st->pages, st->pages == 1 ? "" : "s");
	if (st->outside > 0)
		fprintf(stderr, "; %zu row%s outside the window", st->outside,
		    st->outside == 1 ? "" : "s");
	if (st->bad > 0)
		fprintf(stderr, "; %zu row%s reported above", st->bad,
		    st->bad == 1 ? "" : "s");
	if (st->youth + st->guardian == 0)
		fprintf(stderr, "; no files written");
	else
		fprintf(stderr, "; in %s/brev.pdf and %s/utskick.csv", o->out_dir,
		    o->out_dir);
	fprintf(stderr, " (%ld ms)\n", elapsed_ms());
}

static int
letters_date_opt(const char *name, const char *v, struct pnr_date *d)
{
	if (letters_parse_date(v, d) == 0)
		return 0;
	fprintf(stderr, "kaa-gen letters: --%s wants a date YYYY-MM-DD\n",
	    name);
	return -1;
}

static int
cmd_letters(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "kind",   required_argument, NULL, 'k' },
		{ "roster", required_argument, NULL, 'r' },
		{ "out",    required_argument, NULL, 'o' },
		{ "from",   required_argument, NULL, 'F' },
		{ "to",     required_argument, NULL, 'T' },
		{ "date",   required_argument, NULL, 'D' },
		{ "help",   no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct letters_opts o = { .content_dir = "content" };
	struct letters_stats st;
	struct diag d = DIAG_INIT;
	int c, rc, bad = 0;

	o.date = pnr_today();
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:i:h", lopts, NULL)) != -1)
		switch (c) {
		case 'c': o.conf_path = optarg; break;
		case 'i': o.content_dir = optarg; break;
		case 'k': o.kind = optarg; break;
		case 'r': o.roster_path = optarg; break;
		case 'o': o.out_dir = optarg; break;
		case 'F': bad |= letters_date_opt("from", optarg, &o.from); break;
		case 'T': bad |= letters_date_opt("to", optarg, &o.to); break;
		case 'D': bad |= letters_date_opt("date", optarg, &o.date); break;
		case 'h': usage(stdout); return 0;
		default: bad = 1; break;
		}
	if (bad || optind != argc || o.conf_path == NULL || o.kind == NULL ||
	    o.roster_path == NULL || o.out_dir == NULL) {
		usage(stderr);
		return LETTERS_FATAL;
	}
	rc = letters_make(&o, &st, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	letters_summary(&o, &st, rc);
	return rc;
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
