/* check_cli.c — kaa-inbox: escaping what the web host wrote, validating an
 * inbox row's metadata, the progress line, and the commands' options and
 * help. */
#define _XOPEN_SOURCE 700   /* posix_openpt: a terminal for the progress line */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_out.h"
#include "inbox.h"
#include "key.h"
#include "testutil.h"

/* --- escaping ---------------------------------------------------------------- */

/* What f wrote for s, malloc'd; its return value in *cols. */
static char *written(int (*f)(FILE *, const char *), const char *s, int *cols)
{
	char *out = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(mf);
	*cols = f(mf, s);
	fclose(mf);
	return out;
}

/* No byte that a terminal acts on: C0 but the newline, DEL, C1 raw or in
 * UTF-8, a bidi override or isolate. Walks by UTF-8 lead bytes, so a byte
 * 0x80..0x9f outside a sequence is a raw C1 control. */
static int harmless(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (*p >= 0x80 && *p <= 0x9f) ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
		    (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
		    (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))
			return 0;
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
		while (n-- > 0 && *p != '\0')
			p++;
	}
	return 1;
}

static const struct { const char *in, *clean, *json; int cols; } esc[] = {
	{ "plain text", "plain text", "\"plain text\"", 10 },
	{ "Åsa Öberg", "Åsa Öberg", "\"\\u00c5sa \\u00d6berg\"", 9 },
	{ "", "", "\"\"", 0 },
	/* C0: ESC sequences that retitle and clear the terminal, BEL, TAB, CR */
	{ "\x1b]0;pwned\x07", "\\u{001B}]0;pwned\\u{0007}", "\"\\u001b]0;pwned\\u0007\"", 24 },
	{ "\x1b[2J\x1b[H", "\\u{001B}[2J\\u{001B}[H", "\"\\u001b[2J\\u001b[H\"", 21 },
	{ "a\tb\rc", "a\\u{0009}b\\u{000D}c", "\"a\\u0009b\\u000dc\"", 19 },
	/* a newline stays, indented, so no line can pass for the program's own */
	{ "one\nkaa-inbox: forged", "one\n  kaa-inbox: forged", "\"one\\u000akaa-inbox: forged\"", 19 },
	{ "del\x7f", "del\\u{007F}", "\"del\\u007f\"", 11 },
	/* C1 in UTF-8: CSI and OSC */
	{ "\xc2\x9b" "2J", "\\u{009B}2J", "\"\\u009b2J\"", 10 },
	{ "\xc2\x9d" "0;x", "\\u{009D}0;x", "\"\\u009d0;x\"", 11 },
	/* bidi overrides and isolates, marks, separators */
	{ "abc\xe2\x80\xae" "fdp.exe", "abc\\u{202E}fdp.exe", "\"abc\\u202efdp.exe\"", 18 },
	{ "\xe2\x81\xa6x\xe2\x81\xa9", "\\u{2066}x\\u{2069}", "\"\\u2066x\\u2069\"", 17 },
	{ "\xe2\x80\x8f\xd8\x9c", "\\u{200F}\\u{061C}", "\"\\u200f\\u061c\"", 16 },
	{ "\xe2\x80\xa8", "\\u{2028}", "\"\\u2028\"", 8 },
	/* invalid UTF-8: raw C1 bytes, a cut sequence, overlong, surrogate */
	{ "\x9b" "2J", "\\x{9B}2J", "\"\\ufffd2J\"", 8 },
	{ "a\xc3", "a\\x{C3}", "\"a\\ufffd\"", 7 },
	{ "\xc0\xaf", "\\x{C0}\\x{AF}", "\"\\ufffd\\ufffd\"", 12 },
	{ "\xed\xa0\x80", "\\x{ED}\\x{A0}\\x{80}", "\"\\ufffd\\ufffd\\ufffd\"", 18 },
	{ "\xf4\x90\x80\x80", "\\x{F4}\\x{90}\\x{80}\\x{80}", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", 24 },
	/* beyond the BMP: one character, a surrogate pair in JSON */
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "\"\\ud83d\\ude00\"", 1 },
	/* quotes and backslashes */
	{ "\"\\", "\"\\", "\"\\\"\\\\\"", 2 },
};

START_TEST(put_clean_escapes)
{
	int cols;
	char *out = written(cli_put_clean, esc[_i].in, &cols);

	ck_assert_str_eq(out, esc[_i].clean);
	ck_assert_int_eq(cols, esc[_i].cols);
	ck_assert(harmless(out));
	free(out);
}
END_TEST

START_TEST(put_json_escapes)
{
	int cols;
	char *out = written(cli_put_json, esc[_i].in, &cols);
	const char *p;

	ck_assert_str_eq(out, esc[_i].json);
	ck_assert_int_eq(cols, (int)strlen(out));
	for (p = out; *p != '\0'; p++)   /* printable ASCII only */
		ck_assert(*p >= 0x20 && *p < 0x7f);
	free(out);
}
END_TEST

/* Long hostile input: every sequence escaped, nothing lost or cut. */
START_TEST(long_input)
{
	static const char piece[] = "x\x1b[2J\xc2\x9b\xe2\x80\xae\x7f\xff";
	enum { N = 20000 };
	char *in = malloc(N * (sizeof(piece) - 1) + 1), *out;
	int cols;
	size_t i;

	for (i = 0; i < N; i++)
		memcpy(in + i * (sizeof(piece) - 1), piece, sizeof(piece) - 1);
	in[N * (sizeof(piece) - 1)] = '\0';
	out = written(cli_put_clean, in, &cols);
	ck_assert(harmless(out));
	ck_assert_uint_eq(strlen(out), N * strlen("x\\u{001B}[2J\\u{009B}\\u{202E}\\u{007F}\\x{FF}"));
	ck_assert_int_eq(cols, (int)strlen(out));
	free(out);
	out = written(cli_put_json, in, &cols);
	ck_assert(harmless(out));
	ck_assert_uint_eq(strlen(out), 2 + N * strlen("x\\u001b[2J\\u009b\\u202e\\u007f\\ufffd"));
	free(out);
	free(in);
}
END_TEST

/* --- the row's metadata ---------------------------------------------------------- */

static const struct { int (*valid)(const char *); const char *s; int ok; } meta[] = {
	{ cli_valid_ref, "K7Q2-9MXA-3FTB", 1 },
	{ cli_valid_ref, "k7q2-9mxa-3ftb", 0 },          /* not as stored */
	{ cli_valid_ref, "K7Q2-9MXA-3FTB\x1b[2J", 0 },
	{ cli_valid_ref, "K7Q2-9MXA-3FT", 0 },
	{ cli_valid_ref, "", 0 },
	{ cli_valid_kind, "sysselsattning", 1 },
	{ cli_valid_kind, "skolanmalan", 1 },
	{ cli_valid_kind, "a_b", 1 },
	{ cli_valid_kind, "", 0 },
	{ cli_valid_kind, "Sysselsattning", 0 },
	{ cli_valid_kind, "kind-2", 0 },
	{ cli_valid_kind, "x\x1b]0;t\x07", 0 },
	{ cli_valid_kind, "abcdefghijklmnopqrstuvwxyzabcdef", 0 },   /* 32 */
	{ cli_valid_kind, "abcdefghijklmnopqrstuvwxyzabcde", 1 },    /* 31 */
	{ cli_valid_time, "2026-11-24T12:00:00Z", 1 },
	{ cli_valid_time, "2028-02-29T23:59:59Z", 1 },
	{ cli_valid_time, "2026-02-29T12:00:00Z", 0 },
	{ cli_valid_time, "2026-13-01T12:00:00Z", 0 },
	{ cli_valid_time, "2026-11-24T24:00:00Z", 0 },
	{ cli_valid_time, "2026-11-24 12:00:00Z", 0 },
	{ cli_valid_time, "2026-11-24T12:00:00", 0 },
	{ cli_valid_time, "2026-11-24T12:00:00Z\x1b", 0 },
	{ cli_valid_time, " 026-11-24T12:00:00Z", 0 },
	{ cli_valid_time, "+026-11-24T12:00:00Z", 0 },
	{ cli_valid_key_ids, "0123456789abcdef", 1 },
	{ cli_valid_key_ids, "0123456789abcdef,fedcba9876543210", 1 },
	{ cli_valid_key_ids, "0123456789ABCDEF", 0 },
	{ cli_valid_key_ids, "0123456789abcde", 0 },
	{ cli_valid_key_ids, "0123456789abcdef0", 0 },
	{ cli_valid_key_ids, "0123456789abcdef,", 0 },
	{ cli_valid_key_ids, ",0123456789abcdef", 0 },
	{ cli_valid_key_ids, "", 0 },
	{ cli_valid_key_ids, "0123456789abcdef\x1b[2J", 0 },
	{ cli_valid_key_ids, "0123456789abcdef,0123456789abcdef,0123456789abcdef,"
	  "0123456789abcdef,0123456789abcdef,0123456789abcdef,0123456789abcdef,"
	  "0123456789abcdef", 1 },                         /* 8 */
	{ cli_valid_key_ids, "0123456789abcdef,0123456789abcdef,0123456789abcdef,"
	  "0123456789abcdef,0123456789abcdef,0123456789abcdef,0123456789abcdef,"
	  "0123456789abcdef,0123456789abcdef", 0 },        /* 9 */
};

/* Valid metadata is printed as it is; anything else as JSON. */
START_TEST(metadata_forms)
{
	char *out = NULL, *json;
	size_t len = 0;
	FILE *mf = open_memstream(&out, &len);
	int cols, jcols;

	ck_assert_int_eq(meta[_i].valid(meta[_i].s), meta[_i].ok);
	ck_assert_ptr_nonnull(mf);
	cols = cli_put_meta(mf, meta[_i].s, meta[_i].valid);
	fclose(mf);
	json = written(cli_put_json, meta[_i].s, &jcols);
	ck_assert_str_eq(out, meta[_i].ok ? meta[_i].s : json);
	ck_assert_int_eq(cols, (int)strlen(out));
	free(json);
	free(out);
}
END_TEST

/* --- the commands ------------------------------------------------------------------ */

static char *dir;

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	dir = testdir_make();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	testdir_remove(dir);
}

/* A file's whole content, malloc'd. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Runs the command named args[0] as kaa-inbox would, with what it writes
 * to stdout and stderr in *out and *err (malloc'd). Returns its status. */
static int run(const char *const *args, char **out, char **err)
{
	static const struct cli_command *const all[] = {
		&cli_cmd_keygen, &cli_cmd_list, &cli_cmd_show,
	};
	const struct cli_command *c = NULL;
	char *argv[16], *paths[2];
	int saved[2], fd, i, argc, rc;

	for (argc = 0; args[argc] != NULL; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	for (i = 0; i < (int)(sizeof(all) / sizeof(all[0])); i++)
		if (strcmp(all[i]->name, args[0]) == 0)
			c = all[i];
	ck_assert_ptr_nonnull(c);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		paths[i] = testdir_path(dir, i == 0 ? "stdout" : "stderr");
		fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert_int_ge(fd, 0);
		saved[i] = dup(1 + i);
		dup2(fd, 1 + i);
		close(fd);
	}
	rc = cli_run(c, argc, argv);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		dup2(saved[i], 1 + i);
		close(saved[i]);
	}
	*out = slurp(paths[0]);
	*err = slurp(paths[1]);
	free(paths[0]);
	free(paths[1]);
	return rc;
}

static const struct cli_command *const commands[] = {
	&cli_cmd_keygen, &cli_cmd_list, &cli_cmd_show,
};

/* COMMAND --help prints the usage `help COMMAND` prints, and succeeds. */
START_TEST(help_is_usage)
{
	const char *args[] = { commands[_i]->name, "--help", NULL };
	char *out, *err, *usage = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&usage, &len);

	ck_assert_ptr_nonnull(mf);
	cli_usage(commands[_i], mf);
	fclose(mf);
	ck_assert_int_eq(run(args, &out, &err), 0);
	ck_assert_str_eq(out, usage);
	ck_assert_str_eq(err, "");
	ck_assert_ptr_nonnull(strstr(usage, commands[_i]->synopsis));
	ck_assert_ptr_nonnull(strstr(usage, "  -h, --help"));
	free(out);
	free(err);
	free(usage);
}
END_TEST

/* Options a command does not take, bad values, missing ones and extra
 * operands: exit 2 and one line naming what was wrong. */
static const struct { const char *args[6]; const char *msg; } misuse[] = {
	{ { "list", "--secret", "x", NULL }, "kaa-inbox list: unknown option --secret " },
	{ { "list", "-s", "x", NULL }, "kaa-inbox list: unknown option -s " },
	{ { "list", "--json", NULL }, "kaa-inbox list: unknown option --json " },
	{ { "keygen", "--inbox", "x", NULL }, "kaa-inbox keygen: unknown option --inbox " },
	{ { "show", "--kdf", "interactive", "REF", NULL }, "kaa-inbox show: unknown option --kdf " },
	{ { "show", "--json=yes", "REF", NULL }, "kaa-inbox show: no value is taken by --json " },
	{ { "keygen", "--kdf", "fast", NULL }, "kaa-inbox keygen: bad value for --kdf: \"fast\" " },
	{ { "show", "--passphrase-fd", "x1", NULL }, "kaa-inbox show: bad value for --passphrase-fd: \"x1\" " },
	{ { "list", "-c", NULL }, "kaa-inbox list: a value is missing for -c " },
	{ { "list", "--config", NULL }, "kaa-inbox list: a value is missing for --config " },
	{ { "list", "extra", NULL }, "kaa-inbox list: unexpected argument extra " },
	{ { "show", "A", "B", NULL }, "kaa-inbox show: unexpected argument B " },
	{ { "list", "--\x1b[2J", NULL }, "kaa-inbox list: unknown option --\\u{001B}[2J " },
};

START_TEST(refuses_misuse)
{
	char *out, *err;

	ck_assert_int_eq(run(misuse[_i].args, &out, &err), 2);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strncmp(err, misuse[_i].msg, strlen(misuse[_i].msg)) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "(see 'kaa-inbox help "));
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);   /* one line */
	free(out);
	free(err);
}
END_TEST

/* A real key's passphrase is not taken from the environment; a demo key's
 * is, and the variable is gone afterwards. */
START_TEST(keygen_env_passphrase)
{
	char *pub = testdir_path(dir, "k.pub"), *sec = testdir_path(dir, "k.secret");
	const char *real[] = { "keygen", "--secret", sec, "--public", pub, NULL };
	const char *demo[] = { "keygen", "--kdf", "interactive", "--secret", sec,
	    "--public", pub, NULL };
	char *out, *err;

	setenv("KAA_PASSPHRASE", "environment-words", 1);
	ck_assert_int_eq(run(real, &out, &err), 2);
	ck_assert_ptr_nonnull(strstr(err, "KAA_PASSPHRASE is for demo and test keys"));
	ck_assert_ptr_null(getenv("KAA_PASSPHRASE"));
	ck_assert_int_ne(access(sec, F_OK), 0);
	free(out);
	free(err);
	setenv("KAA_PASSPHRASE", "environment-words", 1);
	ck_assert_int_eq(run(demo, &out, &err), 0);
	ck_assert_ptr_null(getenv("KAA_PASSPHRASE"));
	ck_assert_int_eq(access(sec, F_OK), 0);
	ck_assert_ptr_nonnull(strstr(out, "public key: "));
	free(out);
	free(err);
	free(pub);
	free(sec);
}
END_TEST

/* A hostile web host's inbox: rows whose every metadata column carries
 * escape sequences, and a record it sealed (it has the public keys) with a
 * kind and values made to act on the terminal. */
static const char hostile_kind[] = "x\x1b]0;t\x07";   /* shorter than 32 */
static const char hostile_record[] =
	"{\"form\":\"x\\u001b]0;t\\u0007\",\"fields\":{\"namn\":\"A\\u001b[2J\\u009b1m\\u202e\","
	"\"\\u001b[31mfält\":[\"\\u007f\",3],\"tim\\u007fmar\":7}}";

static void hostile_inbox(const char *db, const char *sec, char ref[INBOX_REF_LEN + 1])
{
	struct key_secret *sk;
	struct key_set ks;
	sqlite3 *raw;
	inbox *ib;

	ck_assert_int_eq(key_generate(&sk), KEY_OK);
	memset(&ks, 0, sizeof(ks));
	key_public_of(sk, &ks.k[0]);
	ks.n = 1;
	ck_assert_int_eq(key_secret_save(sec, sk, "unit-test-words", 15,
	    KEY_KDF_INTERACTIVE), KEY_OK);
	key_secret_free(sk);
	ck_assert_int_eq(inbox_open(db, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, hostile_kind, hostile_record,
	    strlen(hostile_record), ref), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(sqlite3_open(db, &raw), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(raw, "INSERT INTO submission"
	    "(ref, kind, received, key_id, sealed, format) VALUES"
	    " (char(27) || ']0;ref' || char(7), 'k' || char(27) || '[2J',"
	    "  '2026' || char(27) || '[H', 'ab' || char(155) || 'cd' || char(8238), x'00', 2),"
	    " ('AAAA-AAAA-AAAA', 'sysselsattning', cast(x'1b5d303b7407' AS TEXT),"
	    "  cast(x'9b326a' AS TEXT), x'00', 2)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

START_TEST(hostile_rows_listed_harmlessly)
{
	char *db = testdir_path(dir, "inbox.sqlite"), *sec = testdir_path(dir, "k.secret");
	const char *list[] = { "list", "--inbox", db, NULL };
	char ref[INBOX_REF_LEN + 1], *out, *err;

	hostile_inbox(db, sec, ref);
	ck_assert_int_eq(run(list, &out, &err), 0);
	ck_assert_msg(harmless(out), "%s", out);
	ck_assert_str_eq(err, "");
	ck_assert_ptr_nonnull(strstr(out, ref));
	ck_assert_ptr_nonnull(strstr(out, "\"x\\u001b]0;t\\u0007\""));
	ck_assert_ptr_nonnull(strstr(out, "\"\\u001b]0;ref\\u0007\""));
	ck_assert_ptr_nonnull(strstr(out, "\"k\\u001b[2J\""));
	ck_assert_ptr_nonnull(strstr(out, "\"2026\\u001b[H\""));
	ck_assert_ptr_nonnull(strstr(out, "\"ab\\u009bcd\\u202e\""));
	ck_assert_ptr_nonnull(strstr(out, "\"\\ufffd2j\""));   /* raw 0x9b: not UTF-8 */
	free(out);
	free(err);
	free(db);
	free(sec);
}
END_TEST

START_TEST(hostile_record_shown_harmlessly)
{
	char *db = testdir_path(dir, "inbox.sqlite"), *sec = testdir_path(dir, "k.secret");
	char ref[INBOX_REF_LEN + 1], *out, *err;
	const char *show[] = { "show", "--inbox", db, "--secret", sec, ref, NULL };
	const char *json[] = { "show", "--json", "--inbox", db, "--secret", sec, ref, NULL };
	const char *forged[] = { "show", "--inbox", db, "--secret", sec, "AAAA-AAAA-AAAA", NULL };

	hostile_inbox(db, sec, ref);
	setenv("KAA_PASSPHRASE", "unit-test-words", 1);
	ck_assert_int_eq(run(show, &out, &err), 0);
	ck_assert_msg(harmless(out), "%s", out);
	ck_assert_str_eq(err, "");
	ck_assert_ptr_nonnull(strstr(out, "Form:       \"x\\u001b]0;t\\u0007\""));
	ck_assert_ptr_nonnull(strstr(out, "A\\u{001B}[2J\\u{009B}1m\\u{202E}"));
	ck_assert_ptr_nonnull(strstr(out, "\\u{001B}[31mfält"));
	free(out);
	free(err);
	setenv("KAA_PASSPHRASE", "unit-test-words", 1);
	ck_assert_int_eq(run(json, &out, &err), 0);
	ck_assert_msg(harmless(out), "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\\u007f"));
	free(out);
	free(err);
	/* a forged row does not open: the message escapes its metadata */
	setenv("KAA_PASSPHRASE", "unit-test-words", 1);
	ck_assert_int_eq(run(forged, &out, &err), 1);
	ck_assert_msg(harmless(err), "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "\"\\ufffd2j\")"));
	free(out);
	free(err);
	free(db);
	free(sec);
}
END_TEST

/* --- the progress line ------------------------------------------------------ */

/* The fake clock counts whole microseconds, so its times are exact. */
static long fake_us;
static double fake_clock(void) { return (double)fake_us / 1e6; }

/* n steps of p, the fake clock on by us microseconds before each. */
static void steps(struct cli_progress *p, int n, long us)
{
	while (n-- > 0) {
		fake_us += us;
		cli_progress_step(p);
	}
}

static size_t count_char(const char *s, size_t len, char c)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == c;
	return n;
}

static const struct { long n; const char *s; } grouped[] = {
	{ 0, "0" }, { 7, "7" }, { 999, "999" }, { 1000, "1 000" },
	{ 12345, "12 345" }, { 100000, "100 000" }, { 1234567, "1 234 567" },
	{ LONG_MAX, "9 223 372 036 854 775 807" },
};

START_TEST(progress_number)
{
	char text[CLI_PROGRESS_NUM];

	ck_assert_str_eq(cli_progress_number(grouped[_i].n, text), grouped[_i].s);
}
END_TEST

/* Nothing for the first half second; then the line rewritten in place at
 * most ten times a second however fast the steps come; ended with the
 * last count and a newline. */
START_TEST(progress_throttled)
{
	static const char last[] = "\rexported 1 050 of 10 000 records\n";
	struct cli_progress p;
	char *out = NULL;
	size_t len = 0, writes;
	FILE *mf = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(mf);
	fake_us = 1000000000;
	cli_progress_init(&p, mf, fake_clock, "exported %s of %s records", 10000);
	steps(&p, 49, 10000);
	fflush(mf);
	ck_assert_uint_eq(len, 0);
	steps(&p, 1, 10000);   /* half a second */
	fflush(mf);
	ck_assert_str_eq(out, "\rexported 50 of 10 000 records");
	steps(&p, 1000, 1000);   /* a thousand steps in a second more */
	fflush(mf);
	writes = count_char(out, len, '\r');
	ck_assert_msg(writes >= 10 && writes <= 12, "%zu writes in 1.0 s", writes);
	cli_progress_end(&p);
	fflush(mf);
	ck_assert_uint_eq(count_char(out, len, '\n'), 1);
	ck_assert_msg(len > strlen(last) && strcmp(out + len - strlen(last), last) == 0,
	    "%s", out);
	steps(&p, 100, 100000);   /* ended: nothing more */
	cli_progress_end(&p);
	fflush(mf);
	ck_assert_uint_eq(count_char(out, len, '\n'), 1);
	fclose(mf);
	free(out);
}
END_TEST

/* A run quicker than the delay writes nothing at all, not even at its
 * end; nor does a zeroed one. */
START_TEST(progress_quick_run_silent)
{
	struct cli_progress p, zero = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(mf);
	fake_us = 5000000;
	cli_progress_init(&p, mf, fake_clock, "pulled %s records", -1);
	steps(&p, 10000, 40);   /* 0.4 s */
	cli_progress_end(&p);
	steps(&zero, 10, 1000000);
	cli_progress_hide(&zero);
	cli_progress_end(&zero);
	fflush(mf);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(p.done, 10000);
	fclose(mf);
	free(out);
}
END_TEST

/* Before another message the line is wiped (blanks over it, back to its
 * start); it comes back at the next step that is due. Without a total
 * the format takes the count only. */
START_TEST(progress_hide)
{
	struct cli_progress p;
	char *out = NULL;
	size_t len = 0, before;
	FILE *mf = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(mf);
	fake_us = 0;
	cli_progress_init(&p, mf, fake_clock, "pulled %s records", -1);
	steps(&p, 1233, 100);
	steps(&p, 1, 500000);
	fflush(mf);
	ck_assert_str_eq(out, "\rpulled 1 234 records");
	cli_progress_hide(&p);
	fflush(mf);
	ck_assert_str_eq(out, "\rpulled 1 234 records\r                    \r");
	before = len;
	cli_progress_hide(&p);   /* nothing left to wipe */
	steps(&p, 1, 10000);     /* not due yet */
	fflush(mf);
	ck_assert_uint_eq(len, before);
	steps(&p, 1, 100000);
	fflush(mf);
	ck_assert_str_eq(out + before, "\rpulled 1 236 records");
	fclose(mf);
	free(out);
}
END_TEST

/* cli_progress_start writes on stderr only when it is a terminal: not in
 * a file or a pipe (scripts, logs, the tests), but on a pseudo-terminal. */
START_TEST(progress_only_on_a_terminal)
{
	struct cli_progress p;
	int saved = dup(2), file, pipes[2], master, tty;

	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(file = open("/dev/null", O_WRONLY), 0);
	dup2(file, 2);
	cli_progress_start(&p, "x %s", -1);
	ck_assert_ptr_null(p.f);
	ck_assert_int_eq(pipe(pipes), 0);
	dup2(pipes[1], 2);
	cli_progress_start(&p, "x %s", -1);
	ck_assert_ptr_null(p.f);
	ck_assert_int_ge(master = posix_openpt(O_RDWR | O_NOCTTY), 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	ck_assert_int_ge(tty = open(ptsname(master), O_RDWR | O_NOCTTY), 0);
	dup2(tty, 2);
	cli_progress_start(&p, "x %s", -1);
	ck_assert_ptr_eq(p.f, stderr);
	dup2(saved, 2);
	close(saved);
	close(file);
	close(pipes[0]);
	close(pipes[1]);
	close(tty);
	close(master);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *out = tcase_create("out"), *cmd = tcase_create("commands");
	TCase *progress = tcase_create("progress");

	tcase_add_loop_test(out, put_clean_escapes, 0, sizeof(esc) / sizeof(esc[0]));
	tcase_add_loop_test(out, put_json_escapes, 0, sizeof(esc) / sizeof(esc[0]));
	tcase_add_test(out, long_input);
	tcase_add_loop_test(out, metadata_forms, 0, sizeof(meta) / sizeof(meta[0]));
	suite_add_tcase(s, out);
	tcase_add_loop_test(progress, progress_number, 0, sizeof(grouped) / sizeof(grouped[0]));
	tcase_add_test(progress, progress_throttled);
	tcase_add_test(progress, progress_quick_run_silent);
	tcase_add_test(progress, progress_hide);
	tcase_add_test(progress, progress_only_on_a_terminal);
	suite_add_tcase(s, progress);
	tcase_set_timeout(cmd, 60);
	tcase_add_checked_fixture(cmd, setup, teardown);
	tcase_add_loop_test(cmd, help_is_usage, 0, sizeof(commands) / sizeof(commands[0]));
	tcase_add_loop_test(cmd, refuses_misuse, 0, sizeof(misuse) / sizeof(misuse[0]));
	tcase_add_test(cmd, keygen_env_passphrase);
	tcase_add_test(cmd, hostile_rows_listed_harmlessly);
	tcase_add_test(cmd, hostile_record_shown_harmlessly);
	suite_add_tcase(s, cmd);
	return testutil_run(s);
}
