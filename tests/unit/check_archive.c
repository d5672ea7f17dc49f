/* check_archive.c — the coordinator's archive, the sealed stream between
 * export-sealed and pull, and removing acknowledged rows from the inbox. */
#include <check.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "cli.h"
#include "testutil.h"

enum { NKEYS = 2 };
static struct key_secret *sk[NKEYS];
static struct key_set ks;
static char *dir, *path, *inbox_path;

static void setup(void)
{
	size_t i;

	ck_assert_int_ge(sodium_init(), 0);
	memset(&ks, 0, sizeof(ks));
	for (i = 0; i < NKEYS; i++) {
		ck_assert_int_eq(key_generate(&sk[i]), KEY_OK);
		key_public_of(sk[i], &ks.k[i]);
	}
	ks.n = NKEYS;
	dir = testdir_make();
	ck_assert_ptr_nonnull(dir);
	path = testdir_path(dir, "kaa.archive");
	inbox_path = testdir_path(dir, "inbox.sqlite");
}

static void teardown(void)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		key_secret_free(sk[i]);
	free(path);
	free(inbox_path);
	testdir_remove(dir);
}

static const char record[] = "{\"form\":\"sysselsattning\",\"fields\":{}}";

/* n real entries in the inbox, each read back with its sealed data into
 * e[0 .. n-1] (cleared by the caller). */
static void real_entries(struct inbox_entry *e, int n)
{
	char ref[INBOX_REF_LEN + 1];
	inbox *ib;
	int i;

	ck_assert_int_eq(inbox_open(inbox_path, INBOX_CREATE, 0, &ib), INBOX_OK);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", record,
		    strlen(record), ref), INBOX_OK);
		ck_assert_int_eq(inbox_get(ib, ref, &e[i]), INBOX_OK);
	}
	inbox_close(ib);
}

static int count(const struct archive_record *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int selected(archive *a, const struct archive_filter *f)
{
	int n = 0;

	ck_assert_int_eq(archive_each(a, f, 0, count, &n), ARCHIVE_OK);
	return n;
}

START_TEST(import_is_idempotent)
{
	struct inbox_entry e[3];
	struct archive_record r;
	struct stat st;
	archive *a;
	char *m;
	size_t mlen;
	int added, i, k;

	real_entries(e, 3);
	ck_assert_int_eq(archive_open(path, ARCHIVE_CREATE, &a), ARCHIVE_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	for (k = 0; k < 2; k++) {   /* the second time, nothing is added */
		ck_assert_int_eq(archive_begin(a), ARCHIVE_OK);
		for (i = 0; i < 3; i++) {
			ck_assert_int_eq(archive_import(a, "exempelkommun", &e[i], &added),
			    ARCHIVE_OK);
			ck_assert_int_eq(added, k == 0);
		}
		ck_assert_int_eq(archive_commit(a), ARCHIVE_OK);
	}
	/* the same reference from another municipality is another record */
	ck_assert_int_eq(archive_import(a, "provstad", &e[0], &added), ARCHIVE_OK);
	ck_assert_int_eq(added, 1);
	ck_assert_int_eq(selected(a, NULL), 4);
	ck_assert_int_eq(archive_get(a, NULL, e[0].ref, &r), ARCHIVE_EAMBIGUOUS);
	ck_assert_int_eq(archive_get(a, "exempelkommun", "nonsense", &r), ARCHIVE_EARG);
	ck_assert_int_eq(archive_get(a, "exempelkommun", "AAAA-AAAA-AAAA", &r),
	    ARCHIVE_ENOTFOUND);
	ck_assert_int_eq(archive_get(a, NULL, e[1].ref, &r), ARCHIVE_OK);
	ck_assert_str_eq(r.municipality, "exempelkommun");
	ck_assert_int_eq(r.status, ARCHIVE_NEW);
	ck_assert_int_eq(strlen(r.pulled), 20);
	/* every coordinator still opens it: metadata and envelope intact */
	for (i = 0; i < NKEYS; i++) {
		ck_assert_int_eq(inbox_entry_open(&r.entry, sk[i], &m, &mlen), KEY_OK);
		ck_assert_str_eq(m, record);
		key_plain_free(m);
	}
	archive_record_clear(&r);
	archive_close(a);
	for (i = 0; i < 3; i++)
		inbox_entry_clear(&e[i]);
}
END_TEST

START_TEST(status_filters_purge)
{
	struct archive_filter f = { .status = -1 };
	struct inbox_entry e[3];
	struct archive_record r;
	archive *a;
	long n;
	int added, i;

	real_entries(e, 3);
	snprintf(e[0].received, sizeof(e[0].received), "2020-01-15T10:00:00Z");
	snprintf(e[1].kind, sizeof(e[1].kind), "skolanmalan");
	ck_assert_int_eq(archive_open(path, ARCHIVE_CREATE, &a), ARCHIVE_OK);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(archive_import(a, "exempelkommun", &e[i], &added), ARCHIVE_OK);
	ck_assert_int_eq(archive_set_status(a, NULL, e[2].ref, ARCHIVE_DONE, "Handläggare A"),
	    ARCHIVE_OK);
	ck_assert_int_eq(archive_set_status(a, NULL, e[2].ref, 7, "x"), ARCHIVE_EARG);
	ck_assert_int_eq(archive_set_status(a, NULL, "AAAA-AAAA-AAAA", ARCHIVE_DONE, "x"),
	    ARCHIVE_ENOTFOUND);
	ck_assert_int_eq(archive_get(a, NULL, e[2].ref, &r), ARCHIVE_OK);
	ck_assert_int_eq(r.status, ARCHIVE_DONE);
	ck_assert_str_eq(r.status_by, "Handläggare A");
	ck_assert_int_eq(strlen(r.status_at), 20);
	archive_record_clear(&r);
	f.status = ARCHIVE_DONE;
	ck_assert_int_eq(selected(a, &f), 1);
	f.status = ARCHIVE_NEW;
	ck_assert_int_eq(selected(a, &f), 2);
	f.status = -1;
	f.kind = "skolanmalan";
	ck_assert_int_eq(selected(a, &f), 1);
	f.kind = NULL;
	f.to = "2020-01-15";
	ck_assert_int_eq(selected(a, &f), 1);
	f.to = NULL;
	f.from = "2020-01-16";
	ck_assert_int_eq(selected(a, &f), 2);
	f.from = NULL;
	f.municipality = "provstad";
	ck_assert_int_eq(selected(a, &f), 0);
	ck_assert_int_eq(archive_purge(a, "2021-01-01T00:00:00Z", &n), ARCHIVE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(selected(a, NULL), 2);
	archive_close(a);
	for (i = 0; i < 3; i++)
		inbox_entry_clear(&e[i]);
	ck_assert_int_eq(archive_status_parse("in-progress"), ARCHIVE_IN_PROGRESS);
	ck_assert_int_eq(archive_status_parse("klar"), -1);
}
END_TEST

/* Runs sql on the file with plain SQLite. */
static void raw(const char *file, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static const struct { const char *sql; int err; } spoiled[] = {
	{ "PRAGMA user_version = 2", ARCHIVE_ENEWER },
	{ "PRAGMA application_id = 1262567729", ARCHIVE_EFOREIGN },   /* an inbox */
	{ "CREATE VIEW v AS SELECT 1", ARCHIVE_EALTERED },
	{ "CREATE TRIGGER t AFTER UPDATE ON record BEGIN SELECT 1; END", ARCHIVE_EALTERED },
	{ "ALTER TABLE record ADD COLUMN extra TEXT", ARCHIVE_EALTERED },
};

START_TEST(spoiled_refused)
{
	archive *a;
	int flags[] = { 0, ARCHIVE_READONLY, ARCHIVE_CREATE };
	size_t i;

	ck_assert_int_eq(archive_open(path, ARCHIVE_CREATE, &a), ARCHIVE_OK);
	archive_close(a);
	raw(path, spoiled[_i].sql);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		ck_assert_int_eq(archive_open(path, flags[i], &a), spoiled[_i].err);
		ck_assert_ptr_null(a);
	}
}
END_TEST

START_TEST(foreign_and_open_files_refused)
{
	char *text = testdir_path(dir, "text.archive");
	archive *a;
	FILE *f;

	/* another program's database, never turned into an archive */
	raw(path, "CREATE TABLE t (x)");
	chmod(path, 0600);
	ck_assert_int_eq(archive_open(path, ARCHIVE_CREATE, &a), ARCHIVE_EFOREIGN);
	/* not SQLite at all */
	ck_assert_ptr_nonnull(f = fopen(text, "w"));
	fputs("this is not a database, just text that is long enough to have a header"
	    " of a hundred bytes, which SQLite reads first, and then some more", f);
	fclose(f);
	chmod(text, 0600);
	ck_assert_int_eq(archive_open(text, 0, &a), ARCHIVE_EFOREIGN);
	/* readable by others */
	chmod(text, 0644);
	ck_assert_int_eq(archive_open(text, 0, &a), ARCHIVE_EPERM);
	/* in a directory others may enter */
	chmod(dir, 0755);
	unlink(text);
	ck_assert_int_eq(archive_open(text, ARCHIVE_CREATE, &a), ARCHIVE_EPERM);
	chmod(dir, 0700);
	/* an empty new file is no archive to read */
	ck_assert_int_eq(archive_open(text, ARCHIVE_READONLY, &a), ARCHIVE_EOPEN);
	free(text);
}
END_TEST

/* --- the stream ------------------------------------------------------------- */

/* The items read from the len bytes of text. */
static int read_items(const char *text, size_t len, int *items, int max,
    char *why, size_t whylen)
{
	FILE *f = fmemopen((void *)text, len, "r");
	struct cli_stream s;
	struct inbox_entry e;
	const char *w;
	int n = 0, item;

	ck_assert_ptr_nonnull(f);
	cli_stream_init(&s, f);
	why[0] = '\0';
	do {
		item = cli_stream_next(&s, &e, &w);
		if (w != NULL)
			snprintf(why, whylen, "%s", w);
		inbox_entry_clear(&e);
		items[n++] = item;
	} while ((item == CLI_STREAM_ROW || item == CLI_STREAM_BAD) && n < max);
	cli_stream_free(&s);
	fclose(f);
	return n;
}

#define ROW(ref, kind, time, ids, fmt, sealed) "{\"ref\":\"" ref "\",\"kind\":\"" \
	kind "\",\"received\":\"" time "\",\"key_id\":\"" ids "\",\"format\":" fmt \
	",\"sealed\":\"" sealed "\"}\n"
#define GOOD ROW("AAAA-AAAA-AAAA", "sysselsattning", "2026-11-24T12:00:00Z", \
	"0123456789abcdef", "2", "AQID")

static const struct {
	const char *text;
	int         items[4];
	const char *why;   /* for a bad row: part of the reason */
} streams[] = {
	{ "KAA-SEALED 1\n" GOOD "END 1\n", { CLI_STREAM_ROW, CLI_STREAM_END }, NULL },
	{ "KAA-SEALED 1\nEND 0\n", { CLI_STREAM_END }, NULL },
	{ "", { CLI_STREAM_EHEADER }, NULL },
	{ "KAA-SEALED 2\n" GOOD "END 1\n", { CLI_STREAM_EHEADER }, NULL },
	/* cut: no END, END with a wrong count, something after END, no newline */
	{ "KAA-SEALED 1\n" GOOD, { CLI_STREAM_ROW, CLI_STREAM_CUT }, NULL },
	{ "KAA-SEALED 1\n" GOOD "END 2\n", { CLI_STREAM_ROW, CLI_STREAM_CUT }, NULL },
	{ "KAA-SEALED 1\n" GOOD "END 1\nx", { CLI_STREAM_ROW, CLI_STREAM_CUT }, NULL },
	{ "KAA-SEALED 1\n" GOOD "END 1", { CLI_STREAM_ROW, CLI_STREAM_CUT }, NULL },
	/* bad rows, then a good one still counts */
	{ "KAA-SEALED 1\n" ROW("aaaa-aaaa-aaaa", "sysselsattning", "2026-11-24T12:00:00Z",
	    "0123456789abcdef", "2", "AQID") GOOD "END 2\n",
	  { CLI_STREAM_BAD, CLI_STREAM_ROW, CLI_STREAM_END }, "reference" },
	{ "KAA-SEALED 1\n" ROW("AAAA-AAAA-AAAA", "\\u001b[2J", "2026-11-24T12:00:00Z",
	    "0123456789abcdef", "2", "AQID") "END 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "kind" },
	{ "KAA-SEALED 1\n" ROW("AAAA-AAAA-AAAA", "sysselsattning", "2026-02-30T12:00:00Z",
	    "0123456789abcdef", "2", "AQID") "END 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "time" },
	{ "KAA-SEALED 1\n" ROW("AAAA-AAAA-AAAA", "sysselsattning", "2026-11-24T12:00:00Z",
	    "0123456789ABCDEF", "2", "AQID") "END 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "key ids" },
	{ "KAA-SEALED 1\n" ROW("AAAA-AAAA-AAAA", "sysselsattning", "2026-11-24T12:00:00Z",
	    "0123456789abcdef", "3", "AQID") "END 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "format" },
	{ "KAA-SEALED 1\n" ROW("AAAA-AAAA-AAAA", "sysselsattning", "2026-11-24T12:00:00Z",
	    "0123456789abcdef", "\"2\"", "AQID") "END 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "format" },
	{ "KAA-SEALED 1\n" ROW("AAAA-AAAA-AAAA", "sysselsattning", "2026-11-24T12:00:00Z",
	    "0123456789abcdef", "2", "A!!D") "END 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "base64" },
	{ "KAA-SEALED 1\n" ROW("AAAA-AAAA-AAAA", "sysselsattning", "2026-11-24T12:00:00Z",
	    "0123456789abcdef", "2", "") "END 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "empty" },
	{ "KAA-SEALED 1\n{\"ref\":\"AAAA-AAAA-AAAA\",\"ref\":\"AAAA-AAAA-AAAB\"}\nEND 1\n",
	  { CLI_STREAM_BAD, CLI_STREAM_END }, "JSON" },
	{ "KAA-SEALED 1\n[1,2]\nEND 1\n", { CLI_STREAM_BAD, CLI_STREAM_END }, "JSON" },
	{ "KAA-SEALED 1\n\033]0;owned\007\nEND 1\n", { CLI_STREAM_BAD, CLI_STREAM_END }, "JSON" },
};

START_TEST(stream_items)
{
	int items[8], n, i;
	char why[200];

	n = read_items(streams[_i].text, strlen(streams[_i].text), items, 8, why, sizeof(why));
	for (i = 0; i < n; i++)
		ck_assert_int_eq(items[i], streams[_i].items[i]);
	ck_assert_int_eq(streams[_i].items[n - 1] == CLI_STREAM_ROW ||
	    streams[_i].items[n - 1] == CLI_STREAM_BAD, 0);
	if (streams[_i].why != NULL)
		ck_assert_ptr_nonnull(strstr(why, streams[_i].why));
}
END_TEST

/* A NUL byte does not end the header or the end line early (found by
 * fuzz_stream): "KAA-SEALED 1" followed by NULs is no header, and "END 0"
 * followed by a NUL and more is no end. */
START_TEST(stream_nul_in_lines)
{
	static const char header[] = "KAA-SEALED 1\0\0\nEND 0\n";
	static const char end[] = "KAA-SEALED 1\nEND 0\0x\n";
	int items[8], n;
	char why[200];

	n = read_items(header, sizeof(header) - 1, items, 8, why, sizeof(why));
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(items[0], CLI_STREAM_EHEADER);
	n = read_items(end, sizeof(end) - 1, items, 8, why, sizeof(why));
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(items[0], CLI_STREAM_CUT);
}
END_TEST

/* A line longer than any row is one bad row, and the next row still
 * counts. */
START_TEST(stream_long_line)
{
	size_t big = CLI_STREAM_LINE_MAX + 10, n;
	char *text = malloc(big + 200), why[200];
	int items[8];

	ck_assert_ptr_nonnull(text);
	n = (size_t)sprintf(text, "KAA-SEALED 1\n");
	memset(text + n, 'A', big);
	sprintf(text + n + big, "\n%sEND 2\n", GOOD);
	ck_assert_int_eq(read_items(text, strlen(text), items, 8, why, sizeof(why)), 3);
	ck_assert_int_eq(items[0], CLI_STREAM_BAD);
	ck_assert_ptr_nonnull(strstr(why, "longer"));
	ck_assert_int_eq(items[1], CLI_STREAM_ROW);
	ck_assert_int_eq(items[2], CLI_STREAM_END);
	free(text);
}
END_TEST

/* What export writes, pull reads back exactly; the sealed data opens. */
START_TEST(stream_round_trip)
{
	struct inbox_entry e[2], back;
	struct cli_stream s;
	const char *why;
	char *text = NULL, *m;
	size_t len = 0, mlen;
	FILE *f;
	int i;

	real_entries(e, 2);
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	ck_assert_int_eq(cli_stream_put_header(f), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(cli_stream_put(f, &e[i]), 0);
	ck_assert_int_eq(cli_stream_put_end(f, 2), 0);
	fclose(f);
	ck_assert_ptr_nonnull(f = fmemopen(text, len, "r"));
	cli_stream_init(&s, f);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(cli_stream_next(&s, &back, &why), CLI_STREAM_ROW);
		ck_assert_str_eq(back.ref, e[i].ref);
		ck_assert_str_eq(back.kind, e[i].kind);
		ck_assert_str_eq(back.received, e[i].received);
		ck_assert_str_eq(back.key_id, e[i].key_id);
		ck_assert_int_eq(back.format, e[i].format);
		ck_assert_uint_eq(back.sealed_len, e[i].sealed_len);
		ck_assert_mem_eq(back.sealed, e[i].sealed, back.sealed_len);
		ck_assert_int_eq(inbox_entry_open(&back, sk[1], &m, &mlen), KEY_OK);
		key_plain_free(m);
		inbox_entry_clear(&back);
		inbox_entry_clear(&e[i]);
	}
	ck_assert_int_eq(cli_stream_next(&s, &back, &why), CLI_STREAM_END);
	cli_stream_free(&s);
	fclose(f);
	free(text);
}
END_TEST

/* ack: exactly the rows named and existing, in one transaction. */
START_TEST(inbox_remove_rows)
{
	struct inbox_entry e[3];
	const char *refs[3], *bad[2];
	inbox *ib;
	size_t removed;
	int i;

	real_entries(e, 3);
	ck_assert_int_eq(inbox_open(inbox_path, 0, 0, &ib), INBOX_OK);
	refs[0] = e[0].ref;
	refs[1] = "AAAA-AAAA-AAAA";   /* not there: skipped */
	refs[2] = e[2].ref;
	ck_assert_int_eq(inbox_remove(ib, refs, 3, &removed), INBOX_OK);
	ck_assert_uint_eq(removed, 2);
	ck_assert_int_eq(inbox_exists(ib, e[1].ref), INBOX_OK);
	ck_assert_int_eq(inbox_exists(ib, e[0].ref), INBOX_ENOTFOUND);
	/* a bad reference: nothing removed at all */
	bad[0] = e[1].ref;
	bad[1] = "aaaa-aaaa-aaaa";
	ck_assert_int_eq(inbox_remove(ib, bad, 2, &removed), INBOX_EARG);
	ck_assert_uint_eq(removed, 0);
	ck_assert_int_eq(inbox_exists(ib, e[1].ref), INBOX_OK);
	inbox_close(ib);
	for (i = 0; i < 3; i++)
		inbox_entry_clear(&e[i]);
}
END_TEST

/* The new options take only well-formed values. */
static const struct {
	const struct cli_option *opt;
	const char *value;
	int ok;
} values[] = {
	{ &cli_opt_older_than, "365d", 1 }, { &cli_opt_older_than, "365", 0 },
	{ &cli_opt_older_than, "0d", 0 }, { &cli_opt_older_than, "-5d", 0 },
	{ &cli_opt_older_than, "99999999999999999999d", 0 },
	{ &cli_opt_status, "in-progress", 1 }, { &cli_opt_status, "klar", 0 },
	{ &cli_opt_from, "2026-02-28", 1 }, { &cli_opt_from, "2026-02-30", 0 },
	{ &cli_opt_to, "2026-2-3", 0 }, { &cli_opt_kind, "skolanmalan", 1 },
	{ &cli_opt_kind, "Skola", 0 }, { &cli_opt_municipality, "exempelkommun", 1 },
	{ &cli_opt_municipality, "../x", 0 }, { &cli_opt_who, "Anna Ö", 1 },
	{ &cli_opt_who, "a\033[2J", 0 }, { &cli_opt_who, "", 0 },
	{ &cli_opt_ssh_option, "Port=2222", 1 },
	{ &cli_opt_ssh_option, "-oProxyCommand=x", 0 },
};

START_TEST(option_values)
{
	struct cli_opts o;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(values[_i].opt->set(&o, values[_i].value) == 0, values[_i].ok);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("archive");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, import_is_idempotent);
	tcase_add_test(tc, status_filters_purge);
	tcase_add_loop_test(tc, spoiled_refused, 0, sizeof(spoiled) / sizeof(spoiled[0]));
	tcase_add_test(tc, foreign_and_open_files_refused);
	tcase_add_loop_test(tc, stream_items, 0, sizeof(streams) / sizeof(streams[0]));
	tcase_add_test(tc, stream_nul_in_lines);
	tcase_add_test(tc, stream_long_line);
	tcase_add_test(tc, stream_round_trip);
	tcase_add_test(tc, inbox_remove_rows);
	tcase_add_loop_test(tc, option_values, 0, sizeof(values) / sizeof(values[0]));
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
