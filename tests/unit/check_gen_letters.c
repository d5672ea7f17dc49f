/* check_gen_letters.c — kaa-gen letters (gen_letters.h): who gets which
 * letter, what is reported, and what is refused. Each test writes a
 * configuration, small templates and a roster into a fresh directory,
 * runs letters_make and reads utskick.csv back. The PDF itself is checked
 * with poppler's tools in tests/letters/run.sh. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "gen_letters.h"
#include "testutil.h"

static char *dir;

static void
put(const char *name, const char *text)
{
	char *p = testdir_path(dir, name);
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void
setup(void)
{
	char *p;

	dir = testdir_make();
	ck_assert_ptr_nonnull(dir);
	p = testdir_path(dir, "content");
	mkdir(p, 0755);
	free(p);
	p = testdir_path(dir, "content/letters");
	mkdir(p, 0755);
	free(p);
	put("conf.ini", "[municipality]\nid = testkommun\nname = Testkommun\n"
	    "[office]\nname = KAA\naddress = Gatan 1, 111 11 Staden\n"
	    "[eservice]\nbase = /e\nlayout = shell.html\n"
	    "[site]\nurl = http://127.0.0.1\noutput = site\n"
	    "[keys]\npublic_key = k.pub\n[inbox]\npath = i.sqlite\n");
	put("content/letters/20ar.md", "---\nkind: 20ar\nsubject: Snart 20\n"
	    "recipient: youth\n---\nHej {{mottagare.fornamn}}! Stödet slutar "
	    "{{brev.slutdatum}}. Ring {{municipality.name}}.\n");
	put("content/letters/forsta-kontakt.md", "---\nkind: forsta-kontakt\n"
	    "subject: Hej\nrecipient: youth\n---\nHej {{mottagare.namn}}!\n");
	put("content/letters/forsta-kontakt-vardnadshavare.md", "---\n"
	    "kind: forsta-kontakt-vardnadshavare\nsubject: Om ditt barn\n"
	    "recipient: guardian\n---\nHej {{mottagare.namn}}! Vi skriver om "
	    "{{ungdom.fornamn}}.\n");
}

static void
teardown(void)
{
	testdir_remove(dir);
}

static const char *const header = "personnummer;förnamn;efternamn;"
    "utdelningsadress;postnummer;postort;vårdnadshavare;"
    "vårdnadshavare utdelningsadress;vårdnadshavare postnummer;"
    "vårdnadshavare postort\n";

/* Runs kaa-gen letters in dir; returns the result, *d and *st filled. */
static int
run(const char *kind, const char *from, const char *to, const char *date,
    const char *out, struct letters_stats *st, struct diag *d)
{
	struct letters_opts o = { 0 };
	char *conf = testdir_path(dir, "conf.ini");
	char *content = testdir_path(dir, "content");
	char *roster = testdir_path(dir, "roster.csv");
	char *outdir = testdir_path(dir, out);
	int rc;

	o.conf_path = conf;
	o.content_dir = content;
	o.kind = kind;
	o.roster_path = roster;
	o.out_dir = outdir;
	if (from != NULL)
		ck_assert_int_eq(letters_parse_date(from, &o.from), 0);
	if (to != NULL)
		ck_assert_int_eq(letters_parse_date(to, &o.to), 0);
	ck_assert_int_eq(letters_parse_date(date, &o.date), 0);
	rc = letters_make(&o, st, d);
	free(conf);
	free(content);
	free(roster);
	free(outdir);
	return rc;
}

/* utskick.csv's rows without the header, "" if there is no file. */
static char *
mailing(const char *out)
{
	buf path = BUF_INIT, b = BUF_INIT;
	char *nl, *r;

	buf_printf(&path, "%s/%s/utskick.csv", dir, out);
	if (buf_read_file(&b, path.data) < 0) {
		buf_free(&path);
		return strdup("");
	}
	buf_free(&path);
	nl = strchr(b.data, '\n');
	ck_assert_ptr_nonnull(nl);
	r = strdup(nl + 1);
	buf_free(&b);
	return r;
}

/* --- the 20th-birthday window ------------------------------------------- */

static const struct window_case {
	const char *pnr, *from, *to, *date;
	int         letter;      /* 1: a letter, 0: outside, -1: reported */
	const char *why;
} window_cases[] = {
	/* year boundary: born 31 Dec 2007 and 1 Jan 2008 */
	{ "200712312396", "2027-12-31", "2028-01-01", "2026-12-02", 1, "" },
	{ "200801012386", "2027-12-31", "2028-01-01", "2026-12-02", 1, "" },
	{ "200712312396", "2028-01-01", "2028-12-31", "2026-12-02", 0, "" },
	{ "200801012386", "2027-01-01", "2027-12-31", "2026-12-02", 0, "" },
	/* a window of one day */
	{ "20071231-2396", "2027-12-31", "2027-12-31", "2026-12-02", 1, "" },
	{ "071231-2396", "2027-12-30", "2027-12-30", "2026-12-02", 0, "" },
	/* 29 February 2008: 2028 has one too */
	{ "200802292383", "2028-02-29", "2028-02-29", "2026-12-02", 1, "" },
	{ "200802292383", "2028-02-28", "2028-02-28", "2026-12-02", 0, "" },
	{ "200802292383", "2028-03-01", "2028-03-01", "2026-12-02", 0, "" },
	/* '+': born 1907, long past 20 */
	{ "071231+2396", "1927-12-31", "1927-12-31", "2026-12-02", -1,
	  "20 or older" },
	/* samordningsnummer, day unknown (60): the month's last day */
	{ "200706602398", "2027-06-30", "2027-06-30", "2026-12-02", 1, "" },
	{ "070660-2398", "2027-06-01", "2027-06-29", "2026-12-02", 0, "" },
	/* samordningsnummer, a known day (85 = 25) */
	{ "200700852387", "2027-12-25", "2027-12-25", "2026-12-02", 1, "" },
	/* already 20 on the letter's date */
	{ "200712312396", "2027-12-31", "2027-12-31", "2028-01-05", -1,
	  "20 or older" },
	/* the check digit changed: not a personnummer */
	{ "200712312397", "2027-01-01", "2028-12-31", "2026-12-02", -1,
	  "personnummer" },
};

START_TEST(test_window)
{
	const struct window_case *c = &window_cases[_i];
	struct letters_stats st;
	struct diag d = DIAG_INIT;
	buf roster = BUF_INIT;
	char *m;
	int rc;

	buf_printf(&roster, "%s%s;Ada;Berg;Vägen 1;12345;Staden;;;;\n", header,
	    c->pnr);
	put("roster.csv", roster.data);
	buf_free(&roster);
	rc = run("20ar", c->from, c->to, c->date, "ut", &st, &d);
	m = mailing("ut");
	if (c->letter == 1) {
		ck_assert_int_eq(rc, LETTERS_OK);
		ck_assert_uint_eq(st.youth, 1);
		ck_assert_ptr_nonnull(strstr(m, "\"Ada Berg\";\"20ar\";\"ungdom\""));
	} else {
		ck_assert_int_eq(rc, c->letter == 0 ? LETTERS_OK : LETTERS_BADROWS);
		ck_assert_uint_eq(st.youth, 0);
		ck_assert_str_eq(m, "");
		ck_assert_uint_eq(st.outside, c->letter == 0 ? 1 : 0);
	}
	if (c->letter == -1) {
		ck_assert_uint_eq(d.n, 1);
		ck_assert_ptr_nonnull(strstr(d.v[0].msg, "roster.csv:2: "));
		ck_assert_ptr_nonnull(strstr(d.v[0].msg, c->why));
	} else
		ck_assert_uint_eq(d.n, 0);
	free(m);
	diag_free(&d);
}
END_TEST

/* --- first contact: the guardian's letter ------------------------------- */

START_TEST(test_guardians)
{
	struct letters_stats st;
	struct diag d = DIAG_INIT;
	buf roster = BUF_INIT;
	char *m;

	buf_puts(&roster, header);
	/* 17 on 2026-12-02 (18 on 9 Dec), guardian with an address */
	buf_puts(&roster, "200812092393;Ada;Berg;Vägen 1;12345;Staden;"
	    "Eva Berg;Vägen 1;12345;Staden\n");
	/* 18 since 1 Dec: no guardian's letter */
	buf_puts(&roster, "200812012383;Bo;Ek;Vägen 2;12345;Staden;"
	    "Per Ek;Vägen 2;12345;Staden\n");
	/* 17, no guardian named */
	buf_puts(&roster, "200901072389;Cy;Al;Vägen 3;12345;Staden;;;;\n");
	put("roster.csv", roster.data);
	buf_free(&roster);
	ck_assert_int_eq(run("forsta-kontakt", NULL, NULL, "2026-12-02", "ut",
	    &st, &d), LETTERS_OK);
	ck_assert_uint_eq(st.youth, 3);
	ck_assert_uint_eq(st.guardian, 1);
	ck_assert_int_eq(st.pages, 4);
	m = mailing("ut");
	ck_assert_str_eq(m,
	    "\"20081209-2393\";\"Ada Berg\";\"forsta-kontakt\";\"ungdom\";"
	    "\"2026-12-02\";\"1\";\"1\"\r\n"
	    "\"20081209-2393\";\"Eva Berg\";\"forsta-kontakt-vardnadshavare\";"
	    "\"vardnadshavare\";\"2026-12-02\";\"2\";\"1\"\r\n"
	    "\"20081201-2383\";\"Bo Ek\";\"forsta-kontakt\";\"ungdom\";"
	    "\"2026-12-02\";\"3\";\"1\"\r\n"
	    "\"20090107-2389\";\"Cy Al\";\"forsta-kontakt\";\"ungdom\";"
	    "\"2026-12-02\";\"4\";\"1\"\r\n");
	free(m);
	diag_free(&d);
}
END_TEST

/* Bad rows are named by their line and the others still print. */
START_TEST(test_bad_rows)
{
	struct letters_stats st;
	struct diag d = DIAG_INIT;
	buf roster = BUF_INIT;

	buf_puts(&roster, header);
	buf_puts(&roster, "200812092393;Ada;Berg;\"Vägen 1\nTrappa 2\";12345;"
	    "Staden;;;;\n");                                     /* lines 2-3 */
	buf_puts(&roster, "200812092394;Bo;Ek;Vägen 2;12345;Staden;;;;\n");
	buf_puts(&roster, "200901072389;Cy;Al;Vägen 3;1234;Staden;;;;\n");
	buf_puts(&roster, "200901072389;Cy;Al;Vägen 3;12345;Staden;;;;\n");
	put("roster.csv", roster.data);
	buf_free(&roster);
	ck_assert_int_eq(run("forsta-kontakt", NULL, NULL, "2026-12-02", "ut",
	    &st, &d), LETTERS_BADROWS);
	ck_assert_uint_eq(st.youth, 2);
	ck_assert_uint_eq(st.bad, 2);
	ck_assert_uint_eq(d.n, 2);
	diag_print(&d, stdout);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "roster.csv:4: "));
	ck_assert_ptr_nonnull(strstr(d.v[1].msg, "roster.csv:5: "));
	ck_assert_ptr_null(strstr(d.v[0].msg, "200812092394"));
	diag_free(&d);
}
END_TEST

/* --- what is refused ---------------------------------------------------- */

static const struct refuse_case {
	const char *kind, *from, *to, *out, *want;
} refuse_cases[] = {
	{ "brev", NULL, NULL, "ut", "unknown letter kind" },
	{ "20ar", NULL, NULL, "ut", "needs --from and --to" },
	{ "20ar", "2028-01-01", "2027-01-01", "ut", "--from is after --to" },
	{ "forsta-kontakt", "2027-01-01", "2027-12-31", "ut",
	  "takes no --from" },
	{ "forsta-kontakt", NULL, NULL, "site/brev", "inside the public site" },
	{ "forsta-kontakt", NULL, NULL, "site", "inside the public site" },
	{ "forsta-kontakt", NULL, NULL, "open", "not a private directory" },
	{ "forsta-kontakt", NULL, NULL, "nodir/ut", "cannot resolve" },
};

START_TEST(test_refused)
{
	const struct refuse_case *c = &refuse_cases[_i];
	struct letters_stats st;
	struct diag d = DIAG_INIT;
	char *p = testdir_path(dir, "site");
	char *o = testdir_path(dir, "open");

	mkdir(p, 0755);
	mkdir(o, 0755);
	put("roster.csv", "personnummer;förnamn;efternamn;utdelningsadress;"
	    "postnummer;postort\n200812092393;Ada;Berg;Vägen 1;12345;Staden\n");
	ck_assert_int_eq(run(c->kind, c->from, c->to, "2026-12-02", c->out,
	    &st, &d), LETTERS_FATAL);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_msg(strstr(d.v[0].msg, c->want) != NULL, "%s", d.v[0].msg);
	free(p);
	free(o);
	diag_free(&d);
}
END_TEST

/* Files are new, private, and never written over. */
START_TEST(test_private_files)
{
	struct letters_stats st;
	struct diag d = DIAG_INIT;
	struct stat sb;
	char *p;

	put("roster.csv", "personnummer;förnamn;efternamn;utdelningsadress;"
	    "postnummer;postort\n200812092393;Ada;Berg;Vägen 1;12345;Staden\n");
	ck_assert_int_eq(run("forsta-kontakt", NULL, NULL, "2026-12-02", "ut",
	    &st, &d), LETTERS_OK);
	p = testdir_path(dir, "ut");
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	free(p);
	p = testdir_path(dir, "ut/brev.pdf");
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	free(p);
	p = testdir_path(dir, "ut/utskick.csv");
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	free(p);
	/* again into the same directory: refused, the first files kept */
	ck_assert_int_eq(run("forsta-kontakt", NULL, NULL, "2026-12-02", "ut",
	    &st, &d), LETTERS_FATAL);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "brev.pdf"));
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "exists"));
	diag_free(&d);
}
END_TEST

/* A template's unknown placeholder is named by file and line; a guardian's
 * letter has no mottagare.fornamn. */
START_TEST(test_template_errors)
{
	struct letters_stats st;
	struct diag d = DIAG_INIT;

	put("content/letters/forsta-kontakt-vardnadshavare.md", "---\n"
	    "kind: forsta-kontakt-vardnadshavare\nsubject: S\n"
	    "recipient: guardian\n---\nHej!\n\nHej {{mottagare.fornamn}}!\n");
	put("content/letters/forsta-kontakt.md", "---\nkind: forsta-kontakt\n"
	    "subject: S\nrecipient: guardian\n---\nHej!\n");
	put("roster.csv", "personnummer;förnamn;efternamn;utdelningsadress;"
	    "postnummer;postort\n200812092393;Ada;Berg;Vägen 1;12345;Staden\n");
	ck_assert_int_eq(run("forsta-kontakt", NULL, NULL, "2026-12-02", "ut",
	    &st, &d), LETTERS_FATAL);
	ck_assert_uint_eq(d.n, 2);
	diag_print(&d, stdout);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg,
	    "forsta-kontakt.md: recipient must be youth"));
	ck_assert_ptr_nonnull(strstr(d.v[1].msg,
	    "forsta-kontakt-vardnadshavare.md:8: unknown placeholder "
	    "{{mottagare.fornamn}}"));
	diag_free(&d);
}
END_TEST

START_TEST(test_parse_date)
{
	struct pnr_date t;

	ck_assert_int_eq(letters_parse_date("2028-02-29", &t), 0);
	ck_assert_int_eq(t.year * 10000 + t.month * 100 + t.day, 20280229);
	ck_assert_int_eq(letters_parse_date("2027-02-29", &t), -1);
	ck_assert_int_eq(letters_parse_date("2027-2-28", &t), -1);
	ck_assert_int_eq(letters_parse_date("2027-02-28x", &t), -1);
	ck_assert_int_eq(letters_parse_date("", &t), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("gen_letters");
	TCase *tc = tcase_create("letters");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_window, 0,
	    sizeof window_cases / sizeof window_cases[0]);
	tcase_add_test(tc, test_guardians);
	tcase_add_test(tc, test_bad_rows);
	tcase_add_loop_test(tc, test_refused, 0,
	    sizeof refuse_cases / sizeof refuse_cases[0]);
	tcase_add_test(tc, test_private_files);
	tcase_add_test(tc, test_template_errors);
	tcase_add_test(tc, test_parse_date);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(suite());
}
