/* cmark-floor.c — how long libcmark alone takes over the benchmark corpus:
 * each file read, parsed and rendered with cmark_markdown_to_html (plain
 * malloc), one thread. This is the floor under any cmark-based generator.
 *
 *   cc -O2 -o /tmp/cmark-floor bench/cmark-floor.c -lcmark
 *   find /tmp/bench-corpus/n10000-s42-none/content -name '*.md' | /tmp/cmark-floor */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(void)
{
	static char text[1 << 20];
	char path[4096], *html;
	double reading = 0, rendering = 0;
	size_t n, out = 0, files = 0;
	struct timespec t0;
	FILE *f;

	while (fgets(path, sizeof(path), stdin) != NULL) {
		path[strcspn(path, "\n")] = '\0';
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		n = fread(text, 1, sizeof(text), f);
		fclose(f);
		reading += since(&t0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		html = cmark_markdown_to_html(text, n, CMARK_OPT_DEFAULT);
		out += strlen(html);
		free(html);
		rendering += since(&t0);
		files++;
	}
	printf("%zu files: reading %.3f s, cmark %.3f s (one thread), %zu bytes of HTML\n",
	    files, reading, rendering, out);
	return 0;
}
