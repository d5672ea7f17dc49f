/* check_export.c — kaa-inbox export's CSV and JSON writers and its
 * columns; re-sealing an archive record to another key set (rekey). */
#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "cli.h"
#include "cli_out.h"
#include "form.h"
#include "testutil.h"

/* What the memory stream f wrote into *text (NUL-terminated); f is
 * closed. */
static char *written(FILE *f, char **text)
{
	ck_assert_int_eq(fclose(f), 0);
	return *text;
}

static const struct { const char *in, *out; } cells[] = {
	{ "plain", "\"plain\"\r\n" },
	{ "", "\"\"\r\n" },
	{ "a;b", "\"a;b\"\r\n" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"\r\n" },
	{ "rad ett\nrad två", "\"rad ett\nrad två\"\r\n" },
	{ "Åsa Öberg, Ärla", "\"Åsa Öberg, Ärla\"\r\n" },
	/* formulas (OWASP CSV injection) get a ' in front, and so does a
	 * leading ' so that removing one gives the value back */
	{ "=SUMMA(1;2)", "\"'=SUMMA(1;2)\"\r\n" },
	{ "+46 70 123", "\"'+46 70 123\"\r\n" },
	{ "-2+3", "\"'-2+3\"\r\n" },
	{ "@SUM(A1)", "\"'@SUM(A1)\"\r\n" },
	{ "'quoted", "\"''quoted\"\r\n" },
	{ "a=b", "\"a=b\"\r\n" },
	/* control characters: as U+FFFD, so none starts a formula either */
	{ "\t=1", "\"\xef\xbf\xbd=1\"\r\n" },
	{ "a\rb", "\"a\xef\xbf\xbd" "b\"\r\n" },
	{ "\033[2J", "\"\xef\xbf\xbd[2J\"\r\n" },
	{ "x\xe2\x80\xaey", "\"x\xef\xbf\xbdy\"\r\n" },
	{ "\xc2\x9b" "1", "\"\xef\xbf\xbd" "1\"\r\n" },
};

START_TEST(csv_cell)
{
	const char *row[] = { cells[_i].in };
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cli_csv_row(f, row, 1), 0);
	ck_assert_str_eq(written(f, &text), cells[_i].out);
	free(text);
}
END_TEST

START_TEST(csv_row)
{
	const char *row[] = { "K7Q2-9MXA-3FTB", "a;b", NULL, "x\"y" };
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_int_eq(cli_csv_row(f, row, 4), 0);
	ck_assert_str_eq(written(f, &text),
	    "\"K7Q2-9MXA-3FTB\";\"a;b\";\"\";\"x\"\"y\"\r\n");
	free(text);
}
END_TEST

START_TEST(json_ascii)
{
	json_t *o = json_pack("{s:s,s:s,s:[s,s],s:i}", "namn", "Åsa \"Ö\"\n\x7f",
	    "bidi", "\xe2\x80\xae", "atgarder", "samtal_elev", "syv",
	    "franvaro_timmar", 14);
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(cli_json_put(f, o, JSON_PRESERVE_ORDER), 0);
	ck_assert_str_eq(written(f, &text),
	    "{\"namn\":\"\\u00C5sa \\\"\\u00D6\\\"\\n\\u007f\",\"bidi\":\"\\u202E\","
	    "\"atgarder\":[\"samtal_elev\",\"syv\"],\"franvaro_timmar\":14}");
	json_decref(o);
	free(text);
}
END_TEST

/* The documented columns (cmd_export.c's usage, the man page). */
static const char *const youth_cols[] = { "reference", "form", "received",
	"municipality", "status", "namn", "personnummer", "telefon", "epost",
	"gymnasium", "sysselsattning", "utbildning", "annat", "kontakt",
	"meddelande" };
static const char *const school_only[] = { "huvudman", "skola",
	"kontakt_namn", "kontakt_epost", "kontakt_telefon", "elev_namn",
	"program", "hemkommun", "anledning", "startdatum", "terminsstart",
	"slutdatum", "senast_narvarande", "franvaro_timmar", "utredning",
	"nytt_program", "atgarder", "ovrigt", "elev_informerad",
	"vardnadshavare_informerad" };
static const char *const free_text[] = { "utbildning", "annat", "meddelande",
	"nytt_program", "ovrigt" };

static int in(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}
#define IN(list, s) in(list, sizeof(list) / sizeof(list[0]), s)

START_TEST(columns)
{
	const char *cols[CLI_EXPORT_MAX_COLUMNS];
	size_t n, i, ny = sizeof(youth_cols) / sizeof(youth_cols[0]),
	    ns = sizeof(school_only) / sizeof(school_only[0]);

	n = cli_export_columns(NULL, 1, cols);
	ck_assert_uint_eq(n, ny + ns);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(cols[i], i < ny ? youth_cols[i] : school_only[i - ny]);
	/* without free text: the same order, those left out */
	n = cli_export_columns(NULL, 0, cols);
	ck_assert_uint_eq(n, ny + ns - sizeof(free_text) / sizeof(free_text[0]));
	for (i = 0; i < n; i++)
		ck_assert(!IN(free_text, cols[i]));
	/* one form: its own fields, personnummer among them */
	n = cli_export_columns("skolanmalan", 1, cols);
	ck_assert_uint_eq(n, 5 + ns + 1);
	ck_assert(in(cols, n, "personnummer") && !in(cols, n, "gymnasium"));
	ck_assert_uint_eq(cli_export_columns("nosuchform", 1, cols), 5);
}
END_TEST

/* No form field is named like a metadata column (a JSON row keys both). */
START_TEST(no_field_shadows_metadata)
{
	const struct form_spec *const *forms;
	size_t n, i, j;

	forms = form_all(&n);
	for (i = 0; i < n; i++)
		for (j = 0; j < forms[i]->nfields; j++)
			ck_assert(!in(youth_cols, 5, forms[i]->fields[j].name));
}
END_TEST

/* rekey's core: a record re-sealed to a key set with key 0 replaced by a
 * new key opens with the new key and key 1, no longer with key 0, and the
 * archive replaces its sealed data. */
START_TEST(reseal_record)
{
	static const char rec[] = "{\"form\":\"sysselsattning\",\"fields\":{\"namn\":\"Åsa\"}}";
	struct key_secret *k[3];
	struct key_set ks = { .n = 2 };
	struct inbox_entry e;
	struct archive_record r;
	char ref[INBOX_REF_LEN + 1], ids[INBOX_KEY_IDS_LEN + 1], *dir, *ipath, *apath, *m;
	unsigned char *ct;
	size_t ctlen, mlen, i;
	inbox *ib;
	archive *a;
	int added;

	ck_assert_int_ge(sodium_init(), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(key_generate(&k[i]), KEY_OK);
	key_public_of(k[0], &ks.k[0]);
	key_public_of(k[1], &ks.k[1]);
	dir = testdir_make();
	ipath = testdir_path(dir, "inbox.sqlite");
	apath = testdir_path(dir, "kaa.archive");
	ck_assert_int_eq(inbox_open(ipath, INBOX_CREATE, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_append(ib, &ks, "sysselsattning", rec, strlen(rec), ref), INBOX_OK);
	ck_assert_int_eq(inbox_get(ib, ref, &e), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(archive_open(apath, ARCHIVE_CREATE, &a), ARCHIVE_OK);
	ck_assert_int_eq(archive_import(a, "exempelkommun", &e, &added), ARCHIVE_OK);
	inbox_entry_clear(&e);

	ck_assert_int_eq(archive_get(a, NULL, ref, &r), ARCHIVE_OK);
	key_public_of(k[2], &ks.k[0]);
	ck_assert_int_eq(inbox_entry_reseal(&r.entry, rec, strlen(rec), &ks, &ct,
	    &ctlen, ids), KEY_OK);
	ck_assert_int_eq(archive_begin(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_replace_sealed(a, r.entry.id, ids,
	    INBOX_FORMAT_ENVELOPE, ct, ctlen), ARCHIVE_OK);
	ck_assert_int_eq(archive_replace_sealed(a, r.entry.id + 1, ids,
	    INBOX_FORMAT_ENVELOPE, ct, ctlen), ARCHIVE_ENOTFOUND);
	ck_assert_int_eq(archive_commit(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_checkpoint(a), ARCHIVE_OK);
	free(ct);
	archive_record_clear(&r);

	ck_assert_int_eq(archive_get(a, NULL, ref, &r), ARCHIVE_OK);
	ck_assert_str_eq(r.entry.key_id, ids);
	ck_assert(strstr(ids, ks.k[0].id) == ids && strstr(ids, ks.k[1].id) != NULL);
	for (i = 1; i < 3; i++) {
		ck_assert_int_eq(inbox_entry_open(&r.entry, k[i], &m, &mlen), KEY_OK);
		ck_assert_str_eq(m, rec);
		key_plain_free(m);
	}
	ck_assert_int_eq(inbox_entry_open(&r.entry, k[0], &m, &mlen), KEY_ENOTFORME);
	/* the metadata is bound: another reference does not open */
	r.entry.ref[0] = r.entry.ref[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(inbox_entry_open(&r.entry, k[2], &m, &mlen), KEY_ECRYPTO);
	archive_record_clear(&r);
	archive_close(a);
	for (i = 0; i < 3; i++)
		key_secret_free(k[i]);
	free(ipath);
	free(apath);
	testdir_remove(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, csv_cell, 0, sizeof(cells) / sizeof(cells[0]));
	tcase_add_test(tc, csv_row);
	tcase_add_test(tc, json_ascii);
	tcase_add_test(tc, columns);
	tcase_add_test(tc, no_field_shadows_metadata);
	tcase_add_test(tc, reseal_record);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
