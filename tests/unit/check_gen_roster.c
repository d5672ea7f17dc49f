/* check_gen_roster.c — the roster CSV reader (gen_roster.h).
 *
 * Each case writes a file, loads it and compares a plain-text dump of the
 * rows and bad rows with what the case expects. Personnummer are
 * Skatteverket's test numbers (tests/data/testpersonnummer.txt); the
 * samordningsnummer is the one check_pnr uses; "today" is fixed. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "gen_roster.h"
#include "testutil.h"

static const struct pnr_date today = { 2026, 11, 22 };

#define P1 "200701012387"
#define P2 "200701072399"
#define P3 "200701122384"
#define P4 "200701162398"
#define BADCHK "200701012388"          /* P1 with a wrong check digit */
#define SAM "202107919967"             /* samordningsnummer */

#define COLS "personnummer;förnamn;efternamn;c/o;utdelningsadress;" \
	"postnummer;postort"
#define H7 COLS "\n"
#define GCOLS ";vårdnadshavare;vårdnadshavare c/o;" \
	"vårdnadshavare utdelningsadress;vårdnadshavare postnummer;" \
	"vårdnadshavare postort"
#define R1 P1 ";Åsa;Öberg;;Storgatan 1;123 45;Växjö\n"
#define R2 P2 ";Per;Ek;Lindqvist;Box 2;12345;Åre\n"
#define D1 "200701012387 Åsa|Öberg|Åsa Öberg|~|Storgatan 1|123 45|Växjö\n"
#define D2 "200701072399 Per|Ek|Per Ek|Lindqvist|Box 2|12345|Åre\n"

static const struct roster_case {
	const char *name;
	const char *csv;
	int         rc;
	long        line;     /* on error: ei.line */
	const char *column;   /* on error: ei.column */
	const char *rows;     /* on ROSTER_OK: dump of rows, then bad rows */
} cases[] = {
	{ "semicolons, LF, Swedish letters in every field",
	  H7 P1 ";Åsa-Märta;Öberg Ågren;Familjen Äng;Östra Ågatan 1;"
	  "123 45;Växjö\n" R2, 0, 0, NULL,
	  "2 200701012387 Åsa-Märta|Öberg Ågren|Åsa-Märta Öberg Ågren|"
	  "Familjen Äng|Östra Ågatan 1|123 45|Växjö\n3 " D2 },
	{ "BOM, commas, CRLF, no newline at the end",
	  "\xef\xbb\xbfpersonnummer,förnamn,efternamn,c/o,utdelningsadress,"
	  "postnummer,postort\r\n" P1 ",Åsa,Öberg,,Storgatan 1,123 45,Växjö"
	  "\r\n\r\n" P2 ",Per,Ek,Lindqvist,Box 2,12345,Åre", 0, 0, NULL,
	  "2 " D1 "4 " D2 },
	{ "quoted separator, quotes and line breaks",
	  H7 P1 ";\"Åsa; Maria\";\"Öberg \"\"Ö\"\"\";\"\";\"Storgatan 1\r\n"
	  "Lgh 1102\";\"123 45\";Växjö\n" R2, 0, 0, NULL,
	  "2 200701012387 Åsa; Maria|Öberg \"Ö\"|Åsa; Maria Öberg \"Ö\"|~|"
	  "Storgatan 1\nLgh 1102|123 45|Växjö\n4 " D2 },
	{ "empty lines and all-empty rows are skipped",
	  "\n  \n" H7 "\n\t\n" R1 ";;;;;;\n\r\n" R2 "\n", 0, 0, NULL,
	  "6 " D1 "9 " D2 },
	{ "lone CR ends lines",
	  COLS "\r" P1 ";Åsa;Öberg;;Storgatan 1;123 45;Växjö\r"
	  P2 ";Per;Ek;Lindqvist;Box 2;12345;Åre\r", 0, 0, NULL,
	  "2 " D1 "3 " D2 },
	{ "white space around values is dropped, quoted or not",
	  H7 P1 ";  Åsa  ;\"  Öberg \";\" \";\tStorgatan 1\t; 123 45 ;"
	  "\" Växjö\"\n", 0, 0, NULL, "2 " D1 },
	{ "short and long rows",
	  H7 P1 ";Åsa;Öberg\n" P2 ";Per;Ek;;Box 2;12345;Åre;extra\nx\n" R2,
	  0, 0, NULL,
	  "5 " D2 "bad 2: 3 fields, the header has 7\n"
	  "bad 3: 8 fields, the header has 7\n"
	  "bad 4: 1 field, the header has 7\n" },
	{ "a trailing separator on every line is one more (empty) column",
	  COLS ";\n" P2 ";Per;Ek;Lindqvist;Box 2;12345;Åre;\n", 0, 0, NULL,
	  "2 " D2 },
	{ "header variants, unknown columns, guardian columns, commas",
	  "Personnummer,FÖRNAMN,efternamn,Kommentar,C/O,UTDELNINGSADRESS,"
	  "Postnummer,postort,Vårdnadshavare,VARDNADSHAVARE_CO,"
	  "vårdnadshavare-utdelningsadress,Vardnadshavare Postnummer,"
	  "vårdnadshavare  postort,Skola\n"
	  "070101-2387,Åsa,Öberg,\"a; b, c\",,Storgatan 1,12345,Växjö,"
	  "Eva Öberg,,Storgatan 1,12345,Växjö,Ekskolan\n", 0, 0, NULL,
	  "2 200701012387 Åsa|Öberg|Åsa Öberg|~|Storgatan 1|12345|Växjö"
	  " g:Eva Öberg|~|Storgatan 1|12345|Växjö\n" },
	{ "co for c/o; separators only inside quotes do not count",
	  "\"a;b;c\",personnummer,förnamn,efternamn,co,utdelningsadress,"
	  "postnummer,postort\nx," P2 ",Per,Ek,Lindqvist,Box 2,12345,Åre\n",
	  0, 0, NULL, "2 " D2 },
	{ "personnummer spellings and a samordningsnummer",
	  H7 "070101-2387;A;B;;C;12345;D\n070107+2399;A;B;;C;12345;D\n"
	  SAM ";A;B;;C;12345;D\n0701122384;A;B;;C;12345;D\n"
	  "20070116-2398;A;B;;C;12345;D\n", 0, 0, NULL,
	  "2 200701012387 A|B|A B|~|C|12345|D\n"
	  "3 190701072399 A|B|A B|~|C|12345|D\n"
	  "4 202107919967S A|B|A B|~|C|12345|D\n"
	  "5 200701122384 A|B|A B|~|C|12345|D\n"
	  "6 200701162398 A|B|A B|~|C|12345|D\n" },
	{ "bad values",
	  H7 BADCHK ";Åsa;Öberg;;Storgatan 1;12345;Växjö\n"
	  "20070101238X;Åsa;Öberg;;Storgatan 1;12345;Växjö\n"
	  ";Åsa;Öberg;;Storgatan 1;12345;Växjö\n"
	  P1 ";;Öberg;;Storgatan 1;12345;Växjö\n"
	  P1 ";Åsa;  ;;Storgatan 1;12345;Växjö\n"
	  P1 ";Åsa;Öberg;Berg;;12345;Växjö\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;1234;Växjö\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;12 345;Växjö\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;123456;Växjö\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;12345;\n"
	  "20070101-238;Åsa;Öberg;;Storgatan 1;12345;Växjö\n"
	  "20071301-2387;Åsa;Öberg;;Storgatan 1;12345;Växjö\n" R2, 0, 0, NULL,
	  "14 " D2
	  "bad 2: invalid personnummer (wrong check digit)\n"
	  "bad 3: invalid personnummer (contains letters (interim or "
	  "reserve number))\n"
	  "bad 4: missing personnummer\n"
	  "bad 5: missing förnamn\n"
	  "bad 6: missing efternamn\n"
	  "bad 7: missing utdelningsadress\n"
	  "bad 8: postnummer is not five digits\n"
	  "bad 9: postnummer is not five digits\n"
	  "bad 10: postnummer is not five digits\n"
	  "bad 11: missing postort\n"
	  "bad 12: invalid personnummer (malformed number)\n"
	  "bad 13: invalid personnummer (no such date)\n" },
	{ "line numbers after records spanning lines",
	  H7 P1 ";\"Åsa\";Öberg;\"Familjen\nBerg\n\";Storgatan 1;12345;Växjö\n"
	  BADCHK ";Åsa;Öberg;;Storgatan 1;12345;Växjö\n"
	  P2 ";Per;Ek;;\"Box\r\n2\";1234;Åre\r\n"
	  P2 ";Per;Ek;Lindqvist;Box 2;12345;Åre\n", 0, 0, NULL,
	  "2 200701012387 Åsa|Öberg|Åsa Öberg|Familjen\nBerg|Storgatan 1|"
	  "12345|Växjö\n8 " D2
	  "bad 5: invalid personnummer (wrong check digit)\n"
	  "bad 6: postnummer is not five digits (the record spans lines "
	  "6-7)\n" },
	{ "guardians",
	  COLS GCOLS "\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;12345;Växjö;Eva Öberg;Familjen Ås;"
	  "Ågatan 2;543 21;Älmhult\n"
	  P2 ";Per;Ek;;Box 2;12345;Åre;;;;;\n"
	  P3 ";Ali;Berg;;Gränd 3;12345;Kiruna;Sara Berg;;;12345;Kiruna\n"
	  P4 ";Bo;Ås;;Väg 4;12345;Ystad;Ulf Ås;Lund;Väg 5;1234;Ystad\n"
	  BADCHK ";Åsa;Öberg;;Väg 6;12345;Ort;Anna;;Väg;1234;Ort\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;12345;Växjö;;;Väg 9;12345;Ort\n",
	  0, 0, NULL,
	  "2 200701012387 Åsa|Öberg|Åsa Öberg|~|Storgatan 1|12345|Växjö"
	  " g:Eva Öberg|Familjen Ås|Ågatan 2|543 21|Älmhult\n"
	  "3 200701072399 Per|Ek|Per Ek|~|Box 2|12345|Åre\n"
	  "4 200701122384 Ali|Berg|Ali Berg|~|Gränd 3|12345|Kiruna\n"
	  "5 200701162398 Bo|Ås|Bo Ås|~|Väg 4|12345|Ystad\n"
	  "7 200701012387 Åsa|Öberg|Åsa Öberg|~|Storgatan 1|12345|Växjö\n"
	  "bad 4: missing vårdnadshavare utdelningsadress (guardian left "
	  "out)\n"
	  "bad 5: vårdnadshavare postnummer is not five digits (guardian "
	  "left out)\n"
	  "bad 6: invalid personnummer (wrong check digit)\n" },
	{ "not UTF-8, control characters, line breaks",
	  H7 P1 ";\xc5sa;Öberg;;Storgatan 1;12345;Växjö\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;12345;V\xc0\xafxjö\n"
	  P1 ";Åsa;\xed\xa0\x80;;Storgatan 1;12345;Växjö\n"
	  P1 ";Å\tsa;Öberg;;Storgatan 1;12345;Växjö\n"
	  P1 ";Åsa;\xe2\x80\xaeÖberg;;Storgatan 1;12345;Växjö\n"
	  P1 ";\"Å\nsa\";Öberg;;Storgatan 1;12345;Växjö\n"
	  P1 ";Åsa;Öberg;;Storgatan 1;12345;Väx\x7fjö\n"
	  P1 ";Åsa;Öberg;\xef\xbb\xbf;Storgatan 1;12345;Växjö\n" R2,
	  0, 0, NULL,
	  "11 " D2
	  "bad 2: förnamn is not valid UTF-8\n"
	  "bad 3: postort is not valid UTF-8\n"
	  "bad 4: efternamn is not valid UTF-8\n"
	  "bad 5: control character in förnamn\n"
	  "bad 6: control character in efternamn\n"
	  "bad 7: line break in förnamn (the record spans lines 7-8)\n"
	  "bad 9: control character in postort\n"
	  "bad 10: control character in c/o\n" },
	{ "malformed quoting skips to the next line",
	  H7 P1 ";Å\"sa;Öberg;;Storgatan 1;12345;Växjö\n"
	  P2 ";\"Per\"x;Ek;;Box 2;12345;Åre\n"
	  P3 ";\"Ali;Berg;;Gränd 3;12345;Kiruna\n"
	  P4 ";Bo;\"Ås\";;Väg 4;12345;Ystad;\"more\"\n"
	  R1 "\"" P2 "\" ;Per;Ek;Lindqvist;Box 2;12345;Åre\n", 0, 0, NULL,
	  "6 " D1 "7 " D2
	  "bad 2: malformed quoting\n"
	  "bad 3: malformed quoting\n"
	  "bad 4: malformed quoting (the record spans lines 4-5)\n" },
	{ "malformed quoting with CRLF",
	  COLS "\r\n" P1 ";Å\"sa;Öberg;;Storgatan 1;12345;Växjö\r\n"
	  P2 ";Per;Ek;Lindqvist;Box 2;12345;Åre\r\n", 0, 0, NULL,
	  "3 " D2 "bad 2: malformed quoting\n" },
	{ "header only", H7, 0, 0, NULL, "" },
	{ "missing column", "personnummer;förnamn;efternamn;utdelningsadress;"
	  "postnummer\n" R1, ROSTER_ECOLUMN, 1, "postort", NULL },
	{ "missing column after empty lines", "\r\n\r\npersonnummer;Efternamn;"
	  "utdelningsadress;postnummer;postort\r\n", ROSTER_ECOLUMN, 3,
	  "förnamn", NULL },
	{ "guardian columns come together", COLS ";vårdnadshavare;"
	  "vårdnadshavare utdelningsadress;vårdnadshavare postnummer\n",
	  ROSTER_ECOLUMN, 1, "vårdnadshavare postort", NULL },
	{ "a guardian's address needs the name column", COLS ";Vårdnadshavare "
	  "namn;vårdnadshavare utdelningsadress;vårdnadshavare postnummer;"
	  "vårdnadshavare postort\n", ROSTER_ECOLUMN, 1, "vårdnadshavare",
	  NULL },
	{ "duplicate column", "personnummer;Förnamn;efternamn;fornamn;"
	  "utdelningsadress;postnummer;postort\n", ROSTER_EDUPCOL, 1,
	  "förnamn", NULL },
	{ "duplicate c/o", COLS ";CO\n", ROSTER_EDUPCOL, 1, "c/o", NULL },
	{ "header not UTF-8", "personnummer;f\xf6rnamn;efternamn;"
	  "utdelningsadress;postnummer;postort\n", ROSTER_EENCODING, 1, "",
	  NULL },
	{ "header quoting", "personnummer;\"förnamn\"x;efternamn;"
	  "utdelningsadress;postnummer;postort\n", ROSTER_ESYNTAX, 1, "",
	  NULL },
	{ "a quote open to the end", H7 R1 P2 ";\"Per;Ek;;Box 2;12345;Åre\n"
	  R2, ROSTER_ESYNTAX, 3, "", NULL },
	{ "empty file", "", ROSTER_EEMPTY, 0, "", NULL },
	{ "only a BOM and blank lines", "\xef\xbb\xbf\r\n  \n;;;\n",
	  ROSTER_EEMPTY, 0, "", NULL },
};

static void
dump_addr(buf *b, const struct roster_addr *a)
{
	const char *f[] = { a->name, a->co, a->street, a->postcode, a->city };
	size_t i;

	for (i = 0; i < 5; i++)
		buf_printf(b, "%s%s", i ? "|" : "", f[i] ? f[i] : "~");
}

/* The rows and bad rows as text: "line pnr first|last|" + the youth's
 * address block [+ " g:" + the guardian's], then "bad line: reason". */
static char *
dump(const struct roster *r)
{
	buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct roster_row *w = &r->rows[i];

		buf_printf(&b, "%ld %s%s %s|%s|", w->line, w->pnr.digits,
		    w->pnr.coordination ? "S" : "", w->first_name,
		    w->last_name);
		dump_addr(&b, &w->youth);
		if (w->guardian.name != NULL) {
			buf_puts(&b, " g:");
			dump_addr(&b, &w->guardian);
		} else {
			ck_assert_ptr_null(w->guardian.street);
		}
		buf_putc(&b, '\n');
	}
	for (i = 0; i < r->nbad; i++)
		buf_printf(&b, "bad %ld: %s\n", r->bad[i].line,
		    r->bad[i].reason);
	return buf_detach(&b);
}

static void
write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* Writes s to a fresh file and loads it. */
static int
load_text(const char *s, size_t n, struct roster *r,
    struct roster_errinfo *ei)
{
	char *dir = testdir_make(), *path = testdir_path(dir, "roster.csv");
	int rc;

	write_file(path, s, n);
	rc = roster_load(path, today, r, ei);
	free(path);
	testdir_remove(dir);
	return rc;
}

START_TEST(test_cases)
{
	const struct roster_case *c = &cases[_i];
	struct roster_errinfo ei;
	struct roster r;
	char *got;
	int rc;

	rc = load_text(c->csv, strlen(c->csv), &r, &ei);
	ck_assert_msg(rc == c->rc, "%s: rc %d (%s), want %d", c->name, rc,
	    roster_strerror(rc), c->rc);
	if (rc != ROSTER_OK) {
		ck_assert_msg(ei.line == c->line, "%s: line %ld, want %ld",
		    c->name, ei.line, c->line);
		ck_assert_str_eq(ei.column, c->column);
		ck_assert_ptr_null(r.rows);
		ck_assert_ptr_null(r.bad);
		ck_assert_ptr_null(r.mem);
		ck_assert_uint_eq(r.n + r.nbad, 0);
		return;
	}
	got = dump(&r);
	ck_assert_msg(strcmp(got, c->rows) == 0, "%s:\n got:\n%s want:\n%s",
	    c->name, got, c->rows);
	free(got);
	roster_free(&r);
	ck_assert_ptr_null(r.rows);
	roster_free(&r);   /* an emptied roster can be freed again */
}
END_TEST

/* ROSTER_FIELD_MAX counts bytes: 100 å fit, one more byte does not. */
START_TEST(test_field_limit)
{
	buf b = BUF_INIT;
	struct roster r;
	char *got;
	int i;

	buf_puts(&b, H7 P1 ";Åsa;Öberg;;");
	for (i = 0; i < ROSTER_FIELD_MAX / 2; i++)
		buf_puts(&b, "å");
	buf_puts(&b, ";12345;Växjö\n" P2 ";Per;Ek;;x");
	for (i = 0; i < ROSTER_FIELD_MAX / 2; i++)
		buf_puts(&b, "å");
	buf_puts(&b, ";12345;Åre\n");
	ck_assert_int_eq(load_text(b.data, b.len, &r, NULL), ROSTER_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(strlen(r.rows[0].youth.street), ROSTER_FIELD_MAX);
	got = dump(&r);
	ck_assert_ptr_nonnull(strstr(got,
	    "bad 3: utdelningsadress is longer than 200 bytes\n"));
	free(got);
	roster_free(&r);
	buf_free(&b);
}
END_TEST

/* A NUL byte is a control character, not the end of the value. */
START_TEST(test_nul)
{
	static const char csv[] = H7 P1 ";Å\0sa;Öberg;;Storgatan 1;12345;"
	    "Växjö\n" R2;
	struct roster r;

	ck_assert_int_eq(load_text(csv, sizeof csv - 1, &r, NULL), ROSTER_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.rows[0].line, 3);
	ck_assert_uint_eq(r.nbad, 1);
	ck_assert_int_eq(r.bad[0].line, 2);
	ck_assert_str_eq(r.bad[0].reason, "control character in förnamn");
	roster_free(&r);
}
END_TEST

START_TEST(test_unreadable)
{
	char *dir = testdir_make(), *path = testdir_path(dir, "none.csv");
	struct roster_errinfo ei;
	struct roster r;

	errno = 0;
	ck_assert_int_eq(roster_load(path, today, &r, &ei), ROSTER_EOPEN);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(r.rows);
	errno = 0;
	ck_assert_int_eq(roster_load(dir, today, &r, NULL), ROSTER_EOPEN);
	ck_assert_int_eq(errno, EISDIR);
	free(path);
	testdir_remove(dir);
}
END_TEST

START_TEST(test_too_big)
{
	char *dir = testdir_make(), *path = testdir_path(dir, "big.csv");
	FILE *f = fopen(path, "wb");
	struct roster r;

	/* sparse: no 64 MiB written */
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), ROSTER_FILE_MAX + 1), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(roster_load(path, today, &r, NULL), ROSTER_ETOOBIG);
	ck_assert_ptr_null(r.mem);
	free(path);
	testdir_remove(dir);
}
END_TEST

/* 10,000 rows: every 7th street holds a quoted line break and every
 * 1,000th personnummer a wrong check digit; each row and bad row must
 * carry its own line. */
START_TEST(test_many_rows)
{
	static const char *const pnr[] = {
		"200701012387", "200701252397", "200702182387", "200703122390",
		"200704072388", "200704292390", "200705292399", "200707172391",
		"200708102397", "200709032387", "200709262380", "200710232380",
		"200711182394", "200712292390", "200802242388", "200804172393",
	};
	enum { N = 10000 };
	long *line = malloc(N * sizeof *line), l = 2;
	buf b = BUF_INIT;
	struct roster r;
	size_t i, good = 0, bad = 0;

	ck_assert_ptr_nonnull(line);
	buf_puts(&b, H7);
	for (i = 0; i < N; i++) {
		char p[13];

		memcpy(p, pnr[i % 16], sizeof p);
		if (i % 1000 == 999)
			p[11] = p[11] == '0' ? '1' : '0';
		line[i] = l;
		if (i % 7 == 0) {
			buf_printf(&b, "%s;Åsa;Öberg %zu;;\"Storgatan %zu\r\n"
			    "Lgh 1102\";123 45;Växjö\r\n", p, i, i);
			l += 2;
		} else {
			buf_printf(&b, "%s;Per;Ek %zu;;Box %zu;12345;Åre\n",
			    p, i, i);
			l++;
		}
	}
	ck_assert_int_eq(load_text(b.data, b.len, &r, NULL), ROSTER_OK);
	ck_assert_uint_eq(r.n, N - N / 1000);
	ck_assert_uint_eq(r.nbad, N / 1000);
	for (i = 0; i < N; i++) {
		char want[32];

		snprintf(want, sizeof want, "%s %zu", i % 7 ? "Ek" : "Öberg",
		    i);
		if (i % 1000 == 999) {
			char why[128];

			if (i % 7)
				snprintf(why, sizeof why, "invalid personnummer "
				    "(wrong check digit)");
			else
				snprintf(why, sizeof why, "invalid personnummer "
				    "(wrong check digit) (the record spans lines "
				    "%ld-%ld)", line[i], line[i] + 1);
			ck_assert_int_eq(r.bad[bad].line, line[i]);
			ck_assert_str_eq(r.bad[bad++].reason, why);
			continue;
		}
		ck_assert_int_eq(r.rows[good].line, line[i]);
		ck_assert_str_eq(r.rows[good].last_name, want);
		good++;
	}
	roster_free(&r);
	buf_free(&b);
	free(line);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(roster_strerror(ROSTER_ECOLUMN),
	    "a required column is missing");
	ck_assert_str_eq(roster_strerror(ROSTER_ETOOBIG),
	    "the file is larger than 64 MiB");
	ck_assert_str_eq(roster_strerror(-1), "unknown roster error");
	ck_assert_str_eq(roster_strerror(999), "unknown roster error");
	roster_free(NULL);
}
END_TEST

static Suite *
roster_suite(void)
{
	Suite *s = suite_create("gen_roster");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_cases, 0,
	    (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_field_limit);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_many_rows);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(roster_suite());
}
