/* check_eservice.c — the e-service request handler, without a web server. */
#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "eservice.h"
#include "form.h"
#include "testutil.h"

#define FORM "/e-tjanst/testkommun/sysselsattning"
/* Skatteverket test numbers: 17 and 22 years old on the fixed date below. */
#define YOUTH "namn=Test+Testsson&personnummer=200812122398&telefon=070-1234567" \
	"&gymnasium=avbrott&sysselsattning=annat&annat=Tr%C3%A4nar+%3Cb%3E&kontakt=sms"
#define ADULT "namn=Vuxen&personnummer=200311302384&epost=v%40x.se" \
	"&gymnasium=aldrig&sysselsattning=arbetar&kontakt=nej"

static const struct pnr_date today = { 2026, 11, 24 };
static char *dir;
static struct es_service svc;
static struct key_secret *sk;
static struct es_response resp;

static void write_file(const char *name, const char *text)
{
	char *p = testdir_path(dir, name);
	FILE *f = fopen(p, "w");

	fputs(text, f);
	fclose(f);
	free(p);
}

static void setup(void)
{
	struct key_public pk;
	struct es_loaderr err;
	char *p;

	ck_assert_int_ge(sodium_init(), 0);
	dir = testdir_make();
	ck_assert_int_eq(key_generate(&sk), KEY_OK);
	key_public_of(sk, &pk);
	p = testdir_path(dir, "k.pub");
	ck_assert_int_eq(key_public_save(p, &pk), KEY_OK);
	free(p);
	write_file("shell.html", "<title>{{page.title}} – {{municipality.name}}</title>"
	    "{{{page.breadcrumbs}}}<main>{{{page.body}}}</main>{{{page.subnav}}}"
	    "<p>{{page.url}} {{page.description}}</p>\n");
	write_file("k.ini", "[municipality]\nid = testkommun\nname = Testkommun\n"
	    "[office]\nphone = 08-465 004 10\nphone_href = tel:+46846500410\n"
	    "email = kaa@test.example\n"
	    "[eservice]\nbase = /e-tjanst/testkommun\nlayout = shell.html\n"
	    "[keys]\npublic_key = k.pub\n[inbox]\npath = inbox.sqlite\n");
	p = testdir_path(dir, "k.ini");
	ck_assert_msg(es_service_load(&svc, &p, 1, 100, &err) == 0, "%s: %s",
	    err.file, err.msg);
	free(p);
	buf_init(&resp.body);
}

static void teardown(void)
{
	es_service_free(&svc);
	key_secret_free(sk);
	buf_free(&resp.body);
	testdir_remove(dir);
}

static void request(const char *method, const char *path, const char *query,
    const char *ctype, const char *body)
{
	struct es_request req = {
		.method = method, .path = path, .query = query,
		.content_type = ctype, .body = body,
		.body_len = body ? strlen(body) : 0, .today = today,
	};

	es_handle(&svc, &req, &resp);
}

static int count_rows(void)
{
	char *p = testdir_path(dir, "inbox.sqlite");
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM submission", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	} else
		n = 0;   /* no file or table yet: nothing stored */
	sqlite3_close(db);
	free(p);
	return n;
}

static int has(const char *needle)
{
	return resp.body.data != NULL && strstr(resp.body.data, needle) != NULL;
}

START_TEST(get_form)
{
	request("GET", FORM, NULL, NULL, NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert(has("<title>Berätta vad du gör nu – Testkommun</title>"));
	ck_assert(has("<form class=\"eform\" method=\"post\" action=\"" FORM "\""));
	ck_assert(!has("error-summary"));
}
END_TEST

/* A valid submission: 303 to the receipt, stored sealed, decrypts exactly. */
/* Where a browser says a POST comes from (CSRF): another site's page is
 * refused with 403 and nothing stored; our own, or no word at all (not a
 * browser), goes on. */
static const struct {
	const char *host, *port, *origin, *fetch_site;
	int         status;
} origins[] = {
	{ "kaa.testkommun.se", "443", NULL, NULL, 303 },
	{ "kaa.testkommun.se", "443", "https://kaa.testkommun.se", NULL, 303 },
	/* nginx (Debian's fastcgi_params) passes Host without its port */
	{ "127.0.0.1", "8080", "http://127.0.0.1:8080", NULL, 303 },
	{ "127.0.0.1", "8080", "http://127.0.0.1:8080", "same-origin", 303 },
	{ "kaa.testkommun.se", "80", "http://kaa.testkommun.se", NULL, 303 },
	{ "[::1]", "8080", "http://[::1]:8080", NULL, 303 },
	{ "kaa.testkommun.se", "443", NULL, "none", 303 },
	{ "kaa.testkommun.se", "443", "https://KAA.testkommun.se", NULL, 303 },
	{ "kaa.testkommun.se", "443", "https://evil.example", NULL, 403 },
	{ "kaa.testkommun.se", "443", "https://kaa.testkommun.se.evil.example", NULL, 403 },
	{ "kaa.testkommun.se", "443", "https://kaa.testkommun", NULL, 403 },
	{ "127.0.0.1", "8080", "http://127.0.0.1:9999", NULL, 403 },
	{ "kaa.testkommun.se", "443", "http://kaa.testkommun.se", NULL, 403 },
	{ "[::1]", "8080", "http://[::2]:8080", NULL, 403 },
	{ "kaa.testkommun.se", "443", "null", NULL, 403 },
	{ NULL, "443", "https://kaa.testkommun.se", NULL, 403 },
	{ "kaa.testkommun.se", "443", "https://kaa.testkommun.se", "cross-site", 403 },
	{ "kaa.testkommun.se", "443", NULL, "same-site", 403 },
};

START_TEST(cross_site_refused)
{
	struct es_request req = {
		.method = "POST", .path = FORM,
		.content_type = "application/x-www-form-urlencoded", .body = YOUTH,
		.body_len = strlen(YOUTH), .today = today,
		.host = origins[_i].host, .port = origins[_i].port,
		.origin = origins[_i].origin,
		.fetch_site = origins[_i].fetch_site,
	};
	int before = count_rows();

	es_handle(&svc, &req, &resp);
	ck_assert_int_eq(resp.status, origins[_i].status);
	ck_assert_int_eq(count_rows(), before + (origins[_i].status == 303));
	if (origins[_i].status == 403)
		ck_assert(has("Formuläret skickades från en annan webbplats"));
}
END_TEST

/* The trap for bots: filled in, the answer looks like a receipt and nothing
 * is stored; empty, as a browser sends it, the form goes on as ever; the
 * form shows it hidden from people. */
START_TEST(trap_for_bots)
{
	char body[4096];
	int before = count_rows();

	request("GET", FORM, NULL, NULL, NULL);
	ck_assert(has("<div class=\"eform__trap\" aria-hidden=\"true\"><label for=\"f-webbplats\">"
	    "Lämna det här fältet tomt</label><input type=\"text\" id=\"f-webbplats\" "
	    "name=\"webbplats\" value=\"\" tabindex=\"-1\" autocomplete=\"off\"></div>"));
	snprintf(body, sizeof(body), "%s&webbplats=https%%3A%%2F%%2Fspam.example", YOUTH);
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", body);
	ck_assert_int_eq(resp.status, 200);
	ck_assert(has("Tack"));
	ck_assert_int_eq(count_rows(), before);
	snprintf(body, sizeof(body), "%s&webbplats=", YOUTH);
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", body);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_int_eq(count_rows(), before + 1);
}
END_TEST

START_TEST(post_valid)
{
	struct inbox_entry e;
	char refbuf[INBOX_REF_LEN + 1];
	const char *ref;
	json_t *rec, *f;
	inbox *ib;
	char *m, *p;
	size_t mlen;

	request("POST", FORM, NULL, "application/x-www-form-urlencoded; charset=UTF-8", YOUTH);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_ptr_nonnull(strstr(resp.location, "/e-tjanst/testkommun/kvitto?ref="));
	/* the chosen contact travels to the receipt, nothing personal does */
	ck_assert_ptr_nonnull(strstr(resp.location, "&form=sysselsattning&kontakt=sms"));
	ck_assert_ptr_null(strstr(resp.location, "Test"));
	ck_assert_int_eq(sscanf(strstr(resp.location, "ref=") + 4, "%14[0-9A-Z-]", refbuf), 1);
	ref = refbuf;
	p = testdir_path(dir, "inbox.sqlite");
	ck_assert_int_eq(inbox_open(p, 0, 0, &ib), INBOX_OK);
	ck_assert_int_eq(inbox_get(ib, ref, &e), INBOX_OK);
	ck_assert_int_eq(inbox_entry_open(&e, sk, &m, &mlen), KEY_OK);
	rec = json_loadb(m, mlen, 0, NULL);
	f = json_object_get(rec, "fields");
	ck_assert_str_eq(json_string_value(json_object_get(f, "namn")), "Test Testsson");
	ck_assert_str_eq(json_string_value(json_object_get(f, "personnummer")), "200812122398");
	ck_assert_str_eq(json_string_value(json_object_get(f, "annat")), "Tränar <b>");
	ck_assert_str_eq(json_string_value(json_object_get(rec, "municipality")), "testkommun");
	json_decref(rec);
	key_plain_free(m);
	inbox_entry_clear(&e);
	inbox_close(ib);
	free(p);

	/* and the receipt shows the reference, wherever ref= stands */
	{
		char q[64];

		snprintf(q, sizeof(q), "xref=1&ref=%s", refbuf);
		request("GET", "/e-tjanst/testkommun/kvitto", q, NULL, NULL);
		ck_assert_int_eq(resp.status, 200);
		ck_assert(has("Tack! Vi har tagit emot dina svar."));
		ck_assert(has(refbuf));
	}
	/* a well-formed reference that was never stored gets no thanks */
	request("GET", "/e-tjanst/testkommun/kvitto", "ref=AAAA-BBBB-CCCC", NULL, NULL);
	ck_assert_int_eq(resp.status, 404);
	ck_assert(!has("Tack!"));
}
END_TEST

/* The receipt says what happens next for the contact the youth chose;
 * a value that is not one of the form's choices, or none, gets the
 * neutral text, and is never echoed. The form is the one the stored row
 * names, whatever the address says. */
static const struct {
	const char *tail, *want;
} next_texts[] = {
	{ "&form=sysselsattning&kontakt=telefon", "Vi ringer inom en vecka." },
	{ "&form=sysselsattning&kontakt=sms", "Vi skickar ett sms till dig inom en vecka." },
	{ "&form=sysselsattning&kontakt=epost", "Vi mejlar dig inom en vecka." },
	{ "&form=sysselsattning&kontakt=nej", "Om några månader frågar vi igen hur du har det." },
	{ "&form=sysselsattning&kontakt=%3Cscript%3E", "Om vi behöver veta något mer, hör vi av oss." },
	{ "&form=sysselsattning&kontakt=namn", "Om vi behöver veta något mer, hör vi av oss." },
	{ "&form=sysselsattning", "Om vi behöver veta något mer, hör vi av oss." },
	{ "&form=nosuch&kontakt=nej", "Om några månader frågar vi igen hur du har det." },
	{ "&kontakt=nej", "Om några månader frågar vi igen hur du har det." },
};

START_TEST(receipt_next_step)
{
	static const char *const all[] = {
		"Vi ringer inom", "Vi skickar ett sms", "Vi mejlar dig",
		"frågar vi igen", "Om vi behöver veta något mer",
	};
	char ref[INBOX_REF_LEN + 1], q[160];
	size_t k, shown = 0;

	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_int_eq(sscanf(strstr(resp.location, "ref=") + 4, "%14[0-9A-Z-]", ref), 1);
	snprintf(q, sizeof(q), "ref=%s%s", ref, next_texts[_i].tail);
	request("GET", "/e-tjanst/testkommun/kvitto", q, NULL, NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(has(next_texts[_i].want), "%s: missing %s", q, next_texts[_i].want);
	for (k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		shown += has(all[k]);
	ck_assert_uint_eq(shown, 1);   /* exactly one next step */
	ck_assert(!has("<script>"));
	ck_assert(!has("aktivitetsansvar"));
	ck_assert(has("<a href=\"/\">Startsida</a>"));
}
END_TEST

/* Each contact choice posted is the one the receipt's address carries. */
START_TEST(redirect_carries_choice)
{
	static const char *const choice[] = { "telefon", "sms", "epost", "nej" };
	char body[512], want[64];
	size_t k;

	for (k = 0; k < sizeof(choice) / sizeof(choice[0]); k++) {
		snprintf(body, sizeof(body), "namn=Test&personnummer=200812122398"
		    "&epost=t%%40x.se&gymnasium=vet_inte&sysselsattning=arbetar"
		    "&kontakt=%s", choice[k]);
		request("POST", FORM, NULL, "application/x-www-form-urlencoded", body);
		ck_assert_int_eq(resp.status, 303);
		snprintf(want, sizeof(want), "&form=sysselsattning&kontakt=%s", choice[k]);
		ck_assert_str_eq(strstr(resp.location, "&form="), want);
	}
	ck_assert_int_eq(count_rows(), 4);
}
END_TEST

/* A body that came only in part is never stored as if whole. */
START_TEST(broken_body_400)
{
	struct es_request req = {
		.method = "POST", .path = FORM,
		.content_type = "application/x-www-form-urlencoded",
		.body = YOUTH, .body_len = 40, .body_error = ES_BODY_BROKEN,
		.today = today,
	};

	es_handle(&svc, &req, &resp);
	ck_assert_int_eq(resp.status, 400);
	ck_assert_int_eq(count_rows(), 0);
}
END_TEST

/* If the inbox file is moved away (say, by a careless pull), new
 * submissions go to a new file at the configured path, not after it. */
START_TEST(moved_inbox_reopened)
{
	char cmd[512];

	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_int_eq(resp.status, 303);
	snprintf(cmd, sizeof(cmd), "mkdir '%s/old' && mv '%s'/inbox.sqlite* '%s/old/'",
	    dir, dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_int_eq(count_rows(), 1);
}
END_TEST

/* A shell with a placeholder kaa-fcgi cannot fill fails at start-up. */
START_TEST(bad_shell_refused)
{
	struct es_site other;
	struct conf *c;
	const char *what = NULL;
	char *p = testdir_path(dir, "k.ini");

	write_file("shell.html", "<title>{{page.title}}</title>{{page.nosuch}}");
	ck_assert_int_eq(conf_load(p, &c, NULL), CONF_OK);
	ck_assert_int_eq(es_site_load(&other, c, &what), ES_ESHELL);
	ck_assert_ptr_nonnull(strstr(what, "shell.html"));
	es_site_free(&other);
	free(p);
}
END_TEST

START_TEST(post_invalid_keeps_input)
{
	request("POST", FORM, NULL, "application/x-www-form-urlencoded",
	    "namn=%3Cimg+src%3Dx%3E&personnummer=200812122399&telefon=&epost=&kontakt=sms");
	ck_assert_int_eq(resp.status, 422);
	ck_assert(has("error-summary"));
	ck_assert(has("value=\"&lt;img src=x&gt;\""));
	ck_assert(!has("<img src=x>"));
	ck_assert(has("Personnumret stämmer inte."));
	ck_assert(has("value=\"sms\" checked"));
	ck_assert_int_eq(count_rows(), 0);
}
END_TEST

START_TEST(over_twenty_not_stored)
{
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", ADULT);
	ck_assert_int_eq(resp.status, 200);
	ck_assert(has("Du har fyllt 20 år"));
	ck_assert(has("Komvux"));
	/* a word the youth need not know is not used as if known */
	ck_assert(!has("aktivitetsansvar"));
	ck_assert_int_eq(count_rows(), 0);
}
END_TEST

/* The database locked past the busy timeout: 503, input kept, nothing lost
 * silently, and the next try works. */
START_TEST(locked_database_503)
{
	char *p = testdir_path(dir, "inbox.sqlite");
	inbox *ib;
	sqlite3 *other;

	ck_assert_int_eq(inbox_open(p, INBOX_CREATE, 0, &ib), INBOX_OK);
	inbox_close(ib);
	ck_assert_int_eq(sqlite3_open(p, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_int_eq(resp.status, 503);
	ck_assert_int_eq(resp.retry_after, 30);
	ck_assert(has("Vi kunde inte ta emot"));
	ck_assert(has("value=\"Test Testsson\""));
	ck_assert(has("value=\"Tränar &lt;b&gt;\""));
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_int_eq(count_rows(), 1);
	free(p);
}
END_TEST

/* A writer for the tests: it keeps the rows handed over (as kaa-fcgi's
 * writer would receive them) and says whether it takes them. */
static struct {
	int      refuse;          /* send answers this inbox_err, if not 0 */
	int      sent;
	uint64_t token;
	char     ref[INBOX_REF_LEN + 1];
	char     site_id[32];
} handed;

static int hand(void *ctx, size_t site, const struct inbox_row *row,
    uint64_t *token)
{
	(void)ctx;
	if (handed.refuse)
		return handed.refuse;
	handed.sent++;
	*token = handed.token = 1000 + (uint64_t)handed.sent;
	memcpy(handed.ref, row->ref, sizeof(handed.ref));
	snprintf(handed.site_id, sizeof(handed.site_id), "%s", svc.sites[site].conf->id);
	return INBOX_OK;
}

static const struct es_commit to_writer = { hand, NULL };

static void hand_setup(void)
{
	setup();
	memset(&handed, 0, sizeof(handed));
	es_service_set_commit(&svc, &to_writer);
}

/* With a writer, a valid submission is sealed and handed over, and its
 * answer waits: nothing is stored here, no page yet. */
START_TEST(handed_over_pending)
{
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_ptr_nonnull(resp.pending);
	ck_assert_int_eq(handed.sent, 1);
	ck_assert_str_eq(handed.site_id, "testkommun");
	ck_assert(resp.token == handed.token);
	ck_assert_uint_eq(resp.body.len, 0);
	ck_assert_int_eq(count_rows(), 0);
	es_finish(&resp, INBOX_OK);
	ck_assert_ptr_null(resp.pending);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_ptr_nonnull(strstr(resp.location, handed.ref));
	ck_assert_ptr_nonnull(strstr(resp.location, "&kontakt=sms"));
}
END_TEST

/* No commit in time (or a failed one): 503 with the form as typed. */
START_TEST(handed_over_busy)
{
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_ptr_nonnull(resp.pending);
	es_finish(&resp, INBOX_EBUSY);
	ck_assert_ptr_null(resp.pending);
	ck_assert_int_eq(resp.status, 503);
	ck_assert_int_eq(resp.retry_after, 30);
	ck_assert(has("Vi kunde inte ta emot"));
	ck_assert(has("value=\"Test Testsson\""));
	ck_assert(has("value=\"Tränar &lt;b&gt;\""));
}
END_TEST

/* A taken reference: sealed anew and handed over again under a new
 * reference and token; the 303 names the reference that was stored. After
 * five takes it gives up with a 503. */
START_TEST(handed_over_taken)
{
	char first[INBOX_REF_LEN + 1];
	int i;

	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	memcpy(first, handed.ref, sizeof(first));
	es_finish(&resp, INBOX_ETAKEN);
	ck_assert_ptr_nonnull(resp.pending);
	ck_assert_int_eq(handed.sent, 2);
	ck_assert(resp.token == handed.token);
	ck_assert_str_ne(handed.ref, first);
	es_finish(&resp, INBOX_OK);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_ptr_nonnull(strstr(resp.location, handed.ref));
	ck_assert_ptr_null(strstr(resp.location, first));

	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	for (i = 0; resp.pending != NULL && i < 10; i++)
		es_finish(&resp, INBOX_ETAKEN);
	ck_assert_int_eq(i, 5);
	ck_assert_int_eq(resp.status, 503);
	ck_assert(has("value=\"Test Testsson\""));
}
END_TEST

/* A writer that takes nothing (its socket full): 503 at once, the form
 * kept, nothing pending. Invalid input is never handed over. */
START_TEST(handed_over_refused)
{
	handed.refuse = INBOX_EBUSY;
	request("POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH);
	ck_assert_ptr_null(resp.pending);
	ck_assert_int_eq(resp.status, 503);
	ck_assert(has("value=\"Test Testsson\""));
	handed.refuse = 0;
	request("POST", FORM, NULL, "application/x-www-form-urlencoded",
	    "namn=X&personnummer=200812122399&telefon=&epost=&kontakt=sms");
	ck_assert_ptr_null(resp.pending);
	ck_assert_int_eq(resp.status, 422);
	ck_assert_int_eq(handed.sent, 0);
}
END_TEST

/* Requests our form never sends get a clear 4xx and store nothing. */
static const struct {
	const char *method, *path, *query, *ctype, *body;
	int status;
} odd[] = {
	{ "POST", FORM, NULL, "text/plain", YOUTH, 415 },
	{ "POST", FORM, NULL, NULL, YOUTH, 415 },
	{ "POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH "&namn=x", 400 },
	{ "POST", FORM, NULL, "application/x-www-form-urlencoded", YOUTH "&admin=1", 400 },
	{ "POST", FORM, NULL, "application/x-www-form-urlencoded", "namn=%FF", 400 },
	{ "PUT", FORM, NULL, NULL, NULL, 405 },
	{ "DELETE", "/e-tjanst/testkommun/kvitto", NULL, NULL, NULL, 405 },
	{ "GET", "/e-tjanst/testkommun/nothing", NULL, NULL, NULL, 404 },
	{ "GET", "/e-tjanst/annankommun/sysselsattning", NULL, NULL, NULL, 404 },
	{ "GET", "/e-tjanst/testkommun", NULL, NULL, NULL, 404 },
	{ "GET", "/e-tjanst/testkommun/kvitto", "ref=%3Cscript%3E", NULL, NULL, 404 },
	{ "GET", "/e-tjanst/testkommun/kvitto", NULL, NULL, NULL, 404 },
	{ "GET", NULL, NULL, NULL, NULL, 404 },
};

START_TEST(odd_requests)
{
	request(odd[_i].method, odd[_i].path, odd[_i].query, odd[_i].ctype, odd[_i].body);
	ck_assert_int_eq(resp.status, odd[_i].status);
	ck_assert(!has("<script>"));
	ck_assert_int_eq(count_rows(), 0);
	if (odd[_i].status == 405)
		ck_assert_ptr_nonnull(resp.allow);
}
END_TEST

START_TEST(too_large)
{
	struct es_request req = {
		.method = "POST", .path = FORM,
		.content_type = "application/x-www-form-urlencoded",
		.body = "", .body_len = FORM_BODY_MAX + 1, .today = today,
	};

	es_handle(&svc, &req, &resp);
	ck_assert_int_eq(resp.status, 413);
}
END_TEST

/* --- a region: three municipalities, one school form ----------------------- */

#define SCHOOL "/e-tjanst/vast/skolanmalan"
/* A notice about a pupil aged 17 on the fixed date, for municipality b. */
#define NOTICE "huvudman=Skolbolaget+AB&skola=Gymnasiet&kontakt_namn=Rektor+R" \
	"&kontakt_epost=r%40skola.example&kontakt_telefon=08-465+004+20" \
	"&personnummer=200812122398&elev_namn=Elev+Elevsson&program=NA" \
	"&hemkommun=b&anledning=franvaro&franvaro_timmar=12&utredning=nej" \
	"&atgarder=samtal_elev&atgarder=syv&elev_informerad=ja" \
	"&vardnadshavare_informerad=ja"

static struct key_secret *rsk[4];   /* a's two coordinators, b's, c's */
static struct es_service rsvc;

static void muni(const char *id, const char *school, int nkeys, int k0)
{
	buf ini = BUF_INIT, name = BUF_INIT;
	struct key_public pk;
	char *p;
	int k;

	buf_printf(&ini, "[municipality]\nid = %s\nname = Kommun %s\n"
	    "[office]\nphone = 08-465 004 1%d\n[eservice]\nbase = /e-tjanst/%s\n"
	    "school = %s\nlayout = shell.html\n[keys]\npublic_key = ", id, id,
	    k0, id, school);
	for (k = 0; k < nkeys; k++) {
		ck_assert_int_eq(key_generate(&rsk[k0 + k]), KEY_OK);
		key_public_of(rsk[k0 + k], &pk);
		buf_reset(&name);
		buf_printf(&name, "%s%d.pub", id, k);
		p = testdir_path(dir, name.data);
		ck_assert_int_eq(key_public_save(p, &pk), KEY_OK);
		free(p);
		buf_printf(&ini, "%s%s", k ? ", " : "", name.data);
	}
	buf_printf(&ini, "\n[inbox]\npath = %s.sqlite\n", id);
	buf_reset(&name);
	buf_printf(&name, "%s.ini", id);
	write_file(name.data, ini.data);
	buf_free(&ini);
	buf_free(&name);
}

static void region_setup(void)
{
	struct es_loaderr err;
	char *p;

	ck_assert_int_ge(sodium_init(), 0);
	dir = testdir_make();
	write_file("shell.html", "<title>{{page.title}} – {{municipality.name}}</title>"
	    "{{{page.breadcrumbs}}}<main>{{{page.body}}}</main>{{{page.subnav}}}"
	    "<p>{{page.url}} {{page.description}}</p>\n");
	muni("a", SCHOOL, 2, 0);
	muni("b", SCHOOL, 1, 2);
	muni("c", SCHOOL, 1, 3);
	write_file("region.ini", "[region]\nid = vast\nname = Västregionen\n"
	    "base = /e-tjanst/vast\nmunicipalities = a.ini, b.ini, c.ini\n");
	p = testdir_path(dir, "region.ini");
	ck_assert_msg(es_service_load(&rsvc, &p, 1, 100, &err) == 0, "%s: %s",
	    err.file, err.msg);
	free(p);
	buf_init(&resp.body);
}

static void region_teardown(void)
{
	int k;

	es_service_free(&rsvc);
	for (k = 0; k < 4; k++)
		key_secret_free(rsk[k]);
	buf_free(&resp.body);
	testdir_remove(dir);
}

static void rrequest(const char *method, const char *path, const char *query,
    const char *body)
{
	struct es_request req = {
		.method = method, .path = path, .query = query,
		.content_type = body ? "application/x-www-form-urlencoded" : NULL,
		.body = body, .body_len = body ? strlen(body) : 0, .today = today,
	};

	es_handle(&rsvc, &req, &resp);
}

static int count_one(const struct inbox_entry *e, void *arg)
{
	(void)e;
	++*(int *)arg;
	return 0;
}

/* Rows in municipality id's inbox. */
static int rows_of(const char *id)
{
	buf name = BUF_INIT;
	inbox *ib;
	char *p;
	int n = 0;

	buf_printf(&name, "%s.sqlite", id);
	p = testdir_path(dir, name.data);
	if (inbox_open(p, INBOX_READONLY, 0, &ib) == INBOX_OK) {
		inbox_list(ib, count_one, &n);
		inbox_close(ib);
	}
	free(p);
	buf_free(&name);
	return n;
}

START_TEST(region_form)
{
	rrequest("GET", SCHOOL, NULL, NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert(has("name=\"hemkommun\" value=\"a\""));
	ck_assert(has("name=\"hemkommun\" value=\"c\""));
	ck_assert(has("Kommun b: 08-465 004 12"));   /* whom to call instead */
	ck_assert(!strstr(strstr(resp.body.data, "name=\"hemkommun\""), "checked"));
	/* the municipalities keep their youth forms, not a school form each */
	rrequest("GET", "/e-tjanst/b/sysselsattning", NULL, NULL);
	ck_assert_int_eq(resp.status, 200);
	rrequest("GET", "/e-tjanst/b/skolanmalan", NULL, NULL);
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

/* A notice for b is in b's inbox only, opens with b's key and not with
 * a's; its receipt names b and shows no data about the pupil. */
START_TEST(region_notice_routed)
{
	struct inbox_entry e;
	char ref[INBOX_REF_LEN + 1], q[1024], *p, *m;
	size_t mlen;
	inbox *ib;
	json_t *rec;

	rrequest("POST", SCHOOL, NULL, NOTICE);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_ptr_nonnull(strstr(resp.location, "/e-tjanst/vast/kvitto?ref="));
	ck_assert_ptr_nonnull(strstr(resp.location, "&kommun=b"));
	ck_assert_ptr_null(strstr(resp.location, "200812122398"));
	ck_assert_ptr_null(strstr(resp.location, "Elev"));
	ck_assert_int_eq(sscanf(strstr(resp.location, "ref=") + 4,
	    "%14[0-9A-Z-]", ref), 1);
	ck_assert_int_eq(rows_of("a"), 0);
	ck_assert_int_eq(rows_of("b"), 1);
	ck_assert_int_eq(rows_of("c"), 0);
	p = testdir_path(dir, "b.sqlite");
	ck_assert_int_eq(inbox_open(p, INBOX_READONLY, 0, &ib), INBOX_OK);
	free(p);
	ck_assert_int_eq(inbox_get(ib, ref, &e), INBOX_OK);
	ck_assert_int_eq(inbox_entry_open(&e, rsk[0], &m, &mlen), KEY_ENOTFORME);
	ck_assert_int_eq(inbox_entry_open(&e, rsk[2], &m, &mlen), KEY_OK);
	rec = json_loadb(m, mlen, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec,
	    "fields"), "elev_namn")), "Elev Elevsson");
	/* another reason's field is not in the record */
	ck_assert_ptr_null(json_object_get(json_object_get(rec, "fields"),
	    "slutdatum"));
	json_decref(rec);
	key_plain_free(m);
	inbox_entry_clear(&e);
	inbox_close(ib);
	/* the receipt */
	snprintf(q, sizeof(q), "%s", strchr(resp.location, '?') + 1);
	rrequest("GET", "/e-tjanst/vast/kvitto", q, NULL);
	ck_assert_int_eq(resp.status, 200);
	ck_assert(has(ref));
	ck_assert(has("Kommun b"));
	ck_assert(has("receipt-summary"));
	ck_assert(!has("200812122398") && !has("Elev Elevsson"));
	/* the summary's municipality must be the one the notice went to */
	*strstr(q, "&kommun=b") = '\0';
	strcat(q, "&kommun=b&hemkommun=c");
	rrequest("GET", "/e-tjanst/vast/kvitto", q, NULL);
	ck_assert_int_eq(resp.status, 404);
	snprintf(q, sizeof(q), "ref=%s&form=skolanmalan&kommun=b", ref);
	/* the same reference claimed for another municipality: not there */
	*strstr(q, "&kommun=b") = '\0';
	strcat(q, "&kommun=a");
	rrequest("GET", "/e-tjanst/vast/kvitto", q, NULL);
	ck_assert_int_eq(resp.status, 404);
}
END_TEST

/* A's notice opens with either of a's coordinators' keys. */
START_TEST(region_two_coordinators)
{
	struct inbox_entry e;
	char ref[INBOX_REF_LEN + 1], body[1024], *p, *m;
	size_t mlen;
	inbox *ib;
	int k;

	snprintf(body, sizeof(body), "%s", NOTICE);
	*strstr(body, "hemkommun=b") = '\0';
	strcat(body, "hemkommun=a");
	strcat(body, strstr(NOTICE, "&anledning"));
	rrequest("POST", SCHOOL, NULL, body);
	ck_assert_int_eq(resp.status, 303);
	ck_assert_int_eq(sscanf(strstr(resp.location, "ref=") + 4,
	    "%14[0-9A-Z-]", ref), 1);
	p = testdir_path(dir, "a.sqlite");
	ck_assert_int_eq(inbox_open(p, INBOX_READONLY, 0, &ib), INBOX_OK);
	free(p);
	ck_assert_int_eq(inbox_get(ib, ref, &e), INBOX_OK);
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(inbox_entry_open(&e, rsk[k], &m, &mlen), KEY_OK);
		key_plain_free(m);
	}
	ck_assert_int_eq(inbox_entry_open(&e, rsk[3], &m, &mlen), KEY_ENOTFORME);
	inbox_entry_clear(&e);
	inbox_close(ib);
}
END_TEST

/* A missing field, an unknown municipality, a pupil of 20: the form again,
 * with the input kept, and nothing stored anywhere. */
static const struct {
	const char *from, *to, *want;
} bad_notices[] = {
	{ "&franvaro_timmar=12", "", "franvaro_timmar" },
	{ "hemkommun=b", "hemkommun=x", "hemkommun" },
	{ "hemkommun=b", "hemkommun=", "hemkommun" },
	{ "200812122398", "200311302384", "personnummer" },
};

START_TEST(region_bad_notice)
{
	char body[1024], *at;

	snprintf(body, sizeof(body), "%s", NOTICE);
	at = strstr(body, bad_notices[_i].from);
	ck_assert_ptr_nonnull(at);
	memmove(at + strlen(bad_notices[_i].to), at + strlen(bad_notices[_i].from),
	    strlen(at + strlen(bad_notices[_i].from)) + 1);
	memcpy(at, bad_notices[_i].to, strlen(bad_notices[_i].to));
	rrequest("POST", SCHOOL, NULL, body);
	ck_assert_int_eq(resp.status, 422);
	ck_assert(has("error-summary"));
	ck_assert(has("href=\"#f-") && has(bad_notices[_i].want));
	ck_assert(has("value=\"Skolbolaget AB\""));
	ck_assert_int_eq(rows_of("a") + rows_of("b") + rows_of("c"), 0);
}
END_TEST

/* A municipality whose eservice.school points elsewhere, or whose key
 * is missing, stops the start with a message naming the file. */
START_TEST(region_misconfigured)
{
	struct es_service other;
	struct es_loaderr err;
	char *p = testdir_path(dir, "region.ini");

	static const char b_ini[] = "[municipality]\nid = b\nname = Kommun b\n"
	    "[eservice]\nbase = /e-tjanst/b\nschool = %s\nlayout = shell.html\n"
	    "[keys]\npublic_key = b0.pub\n[inbox]\npath = b.sqlite\n";
	char ini[512];

	snprintf(ini, sizeof(ini), b_ini, "/e-tjanst/b/skolanmalan");
	write_file("b.ini", ini);
	ck_assert_int_eq(es_service_load(&other, &p, 1, 100, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.file, "b.ini"));
	ck_assert_ptr_nonnull(strstr(err.msg, "eservice.school"));
	snprintf(ini, sizeof(ini), b_ini, SCHOOL);
	write_file("b.ini", ini);
	write_file("region.ini", "[region]\nid = vast\nname = V\n"
	    "base = /e-tjanst/vast\nmunicipalities = a.ini, b.ini, ./a.ini\n");
	ck_assert_int_eq(es_service_load(&other, &p, 1, 100, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "a is listed twice"));
	write_file("region.ini", "[region]\nid = vast\nname = V\n"
	    "base = /e-tjanst/vast\nmunicipalities = a.ini, b.ini, c.ini\n");
	write_file("b0.pub", "not a key\n");
	ck_assert_int_eq(es_service_load(&other, &p, 1, 100, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "b0.pub"));
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("eservice");
	TCase *tc = tcase_create("eservice");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, get_form);
	tcase_add_test(tc, post_valid);
	tcase_add_loop_test(tc, receipt_next_step, 0, sizeof(next_texts) / sizeof(next_texts[0]));
	tcase_add_test(tc, redirect_carries_choice);
	tcase_add_test(tc, post_invalid_keeps_input);
	tcase_add_test(tc, over_twenty_not_stored);
	tcase_add_test(tc, locked_database_503);
	tcase_add_loop_test(tc, odd_requests, 0, sizeof(odd) / sizeof(odd[0]));
	tcase_add_test(tc, too_large);
	tcase_add_test(tc, broken_body_400);
	tcase_add_test(tc, moved_inbox_reopened);
	tcase_add_test(tc, bad_shell_refused);
	tcase_add_loop_test(tc, cross_site_refused, 0, sizeof(origins) / sizeof(origins[0]));
	tcase_add_test(tc, trap_for_bots);
	suite_add_tcase(s, tc);
	tc = tcase_create("handed over");
	tcase_add_checked_fixture(tc, hand_setup, teardown);
	tcase_add_test(tc, handed_over_pending);
	tcase_add_test(tc, handed_over_busy);
	tcase_add_test(tc, handed_over_taken);
	tcase_add_test(tc, handed_over_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("region");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, region_setup, region_teardown);
	tcase_add_test(tc, region_form);
	tcase_add_test(tc, region_notice_routed);
	tcase_add_test(tc, region_two_coordinators);
	tcase_add_loop_test(tc, region_bad_notice, 0,
	    sizeof(bad_notices) / sizeof(bad_notices[0]));
	tcase_add_test(tc, region_misconfigured);
	suite_add_tcase(s, tc);
	return testutil_run(s);
}
