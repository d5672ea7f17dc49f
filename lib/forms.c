/* forms.c — the e-service forms, as tables for the engine in form.c.
 *
 * Only what förordning (2006:39) 4 § lets the municipality record is asked
 * for: name, personnummer, contact details and occupation (education,
 * work, other activity). Each free-text field carries a note not to write
 * about health or family. A field that applies only to some answers is
 * neither required nor stored for the others (if_field). */
#include <string.h>

#include "form.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define C(v, l, h) { .value = (v), .label = (l), .hint = (h) }

/* The answers of the conversation form about upper-secondary school, plus
 * the certificate from anpassad gymnasieskola (it ends the municipality's
 * duty too, skollagen 29 kap. 9 §) and "Jag vet inte". The words a
 * 17-year-old may not know are explained beside the answer. */
static const struct form_choice school_status[] = {
	C("examen_hogskoleforberedande", "Ja, en högskoleförberedande examen",
	  "Examen från ett program som förbereder för högskolan, till exempel "
	  "Ekonomi, Natur eller Samhälle."),
	C("examen_yrke", "Ja, en yrkesexamen",
	  "Examen från ett yrkesprogram, till exempel Bygg och anläggning "
	  "eller Vård och omsorg."),
	C("anpassad_bevis", "Ja, ett bevis från anpassad gymnasieskola",
	  "Beviset får du när du har gått klart ett nationellt program i "
	  "anpassad gymnasieskola."),
	C("studerar", "Nej, jag går på gymnasiet nu", NULL),
	C("studiebevis", "Nej, jag slutade med ett studiebevis",
	  "Ett studiebevis visar vilka kurser du har läst. Du får det om du "
	  "inte fick en examen."),
	C("avbrott", "Nej, jag slutade innan utbildningen var klar", NULL),
	C("gymnasieintyg", "Nej, jag har ett gymnasieintyg",
	  "Ett gymnasieintyg visar vad du har läst, till exempel på ett "
	  "introduktionsprogram."),
	C("aldrig", "Nej, jag har inte börjat på gymnasiet", NULL),
	C("vet_inte", "Jag vet inte", NULL),
};

static const struct form_choice occupation[] = {
	C("arbetar", "Jag arbetar", NULL),
	C("arbetssokande", "Jag söker arbete", NULL),
	C("utbildning", "Jag studerar på en annan utbildning, till exempel "
	  "Komvux, folkhögskola eller sfi", NULL),
	C("praktik", "Jag har praktik", NULL),
	C("annat", "Något annat", NULL),
};

static const struct form_choice contact[] = {
	C("telefon", "Ja, ring mig", NULL),
	C("sms", "Ja, skicka ett sms", NULL),
	C("epost", "Ja, skicka e-post", NULL),
	C("nej", "Nej, inte just nu", "Då frågar vi igen om några månader."),
};

static const struct form_field youth_fields[] = {
	{ .name = "namn", .label = "För- och efternamn", .section = "Om dig",
	  .type = FORM_TEXT, .required = 1, .maxlen = 100,
	  .autocomplete = "name", .need_msg = "Skriv ditt för- och efternamn." },
	{ .name = "personnummer", .label = "Personnummer",
	  .hint = "10 eller 12 siffror, till exempel ÅÅMMDD-NNNN.",
	  .type = FORM_PNR, .required = 1, .maxlen = 20,
	  .need_msg = "Skriv ditt personnummer." },
	/* telefon and epost: one group, see youth_anyof */
	{ .name = "telefon", .label = "Mobilnummer",
	  .type = FORM_TEL, .maxlen = 30, .autocomplete = "tel" },
	{ .name = "epost", .label = "E-postadress", .type = FORM_EMAIL,
	  .maxlen = 254, .autocomplete = "email" },
	{ .name = "gymnasium", .label = "Har du en examen från gymnasiet?",
	  .hint = "Välj det som stämmer bäst. Om du inte vet, välj Jag vet inte.",
	  .section = "Gymnasiet", .type = FORM_RADIO, .required = 1,
	  .choices = school_status, .nchoices = COUNT(school_status),
	  .need_msg = "Välj det som stämmer om gymnasiet, eller Jag vet inte." },
	{ .name = "sysselsattning", .label = "Vad gör du just nu?",
	  .section = "Vad du gör nu", .type = FORM_RADIO, .required = 1,
	  .choices = occupation, .nchoices = COUNT(occupation),
	  .need_msg = "Välj det som stämmer bäst för dig just nu." },
	{ .name = "utbildning", .label = "Vilken utbildning går du?",
	  .hint = "Fyll i om du studerar på en annan utbildning. Till exempel "
	    "Komvux, en folkhögskola eller sfi.",
	  .type = FORM_TEXT, .required = 1, .maxlen = 200,
	  .need_msg = "Skriv vilken utbildning du går.",
	  .if_field = "sysselsattning", .if_value = "utbildning" },
	{ .name = "annat", .label = "Vad gör du?",
	  .hint = "Fyll i om du valde Något annat.",
	  .type = FORM_TEXT, .required = 1, .maxlen = 200,
	  .need_msg = "Skriv kort vad du gör.",
	  .if_field = "sysselsattning", .if_value = "annat" },
	{ .name = "kontakt", .label = "Vill du att vi kontaktar dig?",
	  .section = "Kontakt", .type = FORM_RADIO, .required = 1,
	  .choices = contact, .nchoices = COUNT(contact),
	  .need_msg = "Välj om du vill att vi kontaktar dig." },
	{ .name = "meddelande", .label = "Meddelande till oss",
	  .hint = "Till exempel när det passar att vi hör av oss.",
	  .note = "Skriv inte om hälsa, familj eller andra privata saker. "
	    "Sådant får vi inte spara.",
	  .type = FORM_TEXTAREA, .maxlen = 1000 },
};

static const struct form_anyof youth_anyof[] = {
	{ "telefon", "epost",
	  "Fyll i ett mobilnummer eller en e-postadress, så att vi kan nå dig.",
	  "Hur kan vi nå dig?",
	  "Fyll i mobilnummer eller e-post. Ett av dem räcker, men du får "
	  "fylla i båda." },
};

/* What happens next, per answer to "Vill du att vi kontaktar dig?".
 * "Nej" does not end the contact: the municipality must keep itself
 * informed, so it asks again later (as content/unga/stod.md says). */
static const struct form_receipt youth_receipts[] = {
	{ "telefon", "Du bad oss ringa dig. Vi ringer inom en vecka. Om du "
	  "inte svarar, lämnar vi ett meddelande." },
	{ "sms", "Du bad oss skicka ett sms. Vi skickar ett sms till dig "
	  "inom en vecka." },
	{ "epost", "Du bad oss skicka e-post. Vi mejlar dig inom en vecka. "
	  "Titta också i skräpposten." },
	{ "nej", "Du vill inte att vi hör av oss just nu. Det är okej. Om "
	  "några månader frågar vi igen hur du har det. Du kan alltid höra "
	  "av dig till oss innan dess." },
};

const struct form_spec form_youth = {
	.kind = "sysselsattning",
	.title = "Berätta vad du gör nu",
	.intro = "Här kan du berätta för oss vad du gör just nu. Det tar några "
	    "minuter. Du väljer själv om du vill svara. Om du svarar, svara på "
	    "alla frågor utom de som är märkta (frivilligt). Det du skickar är "
	    "krypterat. Bara vi som arbetar med stödet till unga under 20 år "
	    "kan läsa det.",
	.submit = "Skicka",
	.fields = youth_fields,
	.nfields = COUNT(youth_fields),
	.anyof = youth_anyof,
	.nanyof = COUNT(youth_anyof),
	/* Someone 20 or older gets a page about where to turn, and nothing
	 * is stored: the municipality has no duty (or right) to record them.
	 * The caller adds the office's contact details. */
	.max_age = 20,
	.age_policy = FORM_AGE_PAGE,
	.age_title = "Vårt stöd gäller tills du fyller 20",
	.age_html = "<!-- Källa: skollagen 29 kap. 9 § -->\n"
	    "<div class=\"notice\"><p>Du har fyllt 20 år. Då ska kommunen inte "
	    "längre följa upp vad du gör. Vi har inte sparat något av det du "
	    "skrev.</p></div>\n"
	    "<p>Du kan ändå få hjälp. Här kan du vända dig:</p>\n<ul>\n"
	    "<li><strong>Vuxenutbildningen (Komvux)</strong> om du vill läsa in "
	    "gymnasiet. Prata med en studie- och yrkesvägledare där.</li>\n"
	    "<li><strong>Arbetsförmedlingen</strong> om du söker arbete: "
	    "<a href=\"https://arbetsformedlingen.se\">arbetsformedlingen.se</a>.</li>\n"
	    "<li><strong>Folkhögskola</strong> är ett annat sätt att studera: "
	    "<a href=\"https://www.folkhogskola.nu\">folkhogskola.nu</a>.</li>\n"
	    "</ul>\n<p>Vill du fråga oss något?</p>\n",
	.receipt_title = "Tack för dina svar",
	.receipt_intro = "Tack! Vi har tagit emot dina svar.",
	.receipt_field = "kontakt",
	.receipts = youth_receipts,
	.nreceipts = COUNT(youth_receipts),
	.receipt_default = "Vi läser dina svar. Om vi behöver veta något mer, "
	    "hör vi av oss.",
	.trap = "webbplats",
};

/* --- the school's notice to the home municipality -------------------------
 *
 * For school staff. The law and the region's routine are kept apart in the
 * words: skollagen 15 kap. 15 § makes an organiser that is not the pupil's
 * home municipality report a pupil who starts or ends (a move to another
 * organiser is an end), and a pupil under 20 with significant absence
 * without valid reason; the region's routine (seed 002 in ../shared) adds
 * what must and what should be reported, and "investigation started" as
 * its own condition for absence. Each reason asks for its own dates or
 * figures, and only those are stored. */

#define LAW "Ska anmälas enligt skollagen (15 kap. 15 §)"
#define MUST "Ska anmälas enligt regionens rutin"
#define SHOULD "Bör anmälas enligt regionens rutin"
#define G(v, l, h, g) { .value = (v), .label = (l), .hint = (h), .group = (g) }

static const struct form_choice reasons[] = {
	G("borjar", "Eleven har börjat på ett program hos oss", NULL, LAW),
	G("slutar", "Eleven har slutat hos oss",
	  "Också när eleven byter till en skola med en annan huvudman.", LAW),
	G("franvaro", "Eleven har betydande frånvaro utan giltigt skäl",
	  "Regionens rutin räknar frånvaron som betydande från 4 timmar på 30 "
	  "dagar, vid upprepade tillfällen, som CSN:s regler för ogiltig "
	  "frånvaro.", LAW),
	G("ej_paborjat", "Eleven har inte kommit till utbildningen",
	  "Eleven har inte kommit till programmet hen blev antagen till och har "
	  "inte meddelat giltigt skäl inom tre dagar från terminsstart. "
	  "Meddela också antagningskansliet.", MUST),
	G("avbrott", "Eleven har själv sagt till rektor att hen slutar", NULL,
	  MUST),
	G("borta_manad", "Eleven har varit borta utan att höra av sig i mer "
	  "än en månad i följd",
	  "Inte på grund av sjukdom eller beviljad ledighet.", MUST),
	G("byter_program", "Eleven byter program hos samma huvudman",
	  "Byter eleven till en annan huvudman, välj Eleven har slutat hos oss.",
	  SHOULD),
	G("studieplan", "Elevens individuella studieplan ändras så att examen "
	  "är i fara", "Till exempel ett reducerat program.", SHOULD),
	G("risk_examen", "Skolan befarar att eleven inte når en examen", NULL,
	  SHOULD),
	G("risk_tid", "Skolan befarar att eleven inte blir klar inom tre år",
	  NULL, SHOULD),
};

static const struct form_choice yes_no[] = {
	C("ja", "Ja", NULL),
	C("nej", "Nej", NULL),
};

static const struct form_choice guardian_knows[] = {
	C("ja", "Ja", NULL),
	C("nej", "Nej", NULL),
	C("myndig", "Eleven har fyllt 18 år", NULL),
};

static const struct form_choice measures[] = {
	C("samtal_elev", "Samtal med eleven", NULL),
	C("kontakt_vardnadshavare", "Kontakt med vårdnadshavare", NULL),
	C("syv", "Samtal med studie- och yrkesvägledare", NULL),
	C("ny_studieplan", "Ändrad individuell studieplan", NULL),
	C("annat", "Annat", "Skriv gärna kort vad under Övrigt."),
};

/* Every reason but a start: what the school has done applies to them. */
static const char *const not_start[] = {
	"slutar", "franvaro", "ej_paborjat", "avbrott", "borta_manad",
	"byter_program", "studieplan", "risk_examen", "risk_tid", NULL
};
static const char *const ended[] = { "slutar", "avbrott", NULL };

#define DATE_HINT "ÅÅÅÅ-MM-DD, till exempel 2026-08-17. "

static const struct form_field school_fields[] = {
	{ .name = "huvudman", .label = "Huvudman", .section = "Skolan och du som anmäler",
	  .hint = "Den som driver skolan, till exempel ett företag, en region "
	    "eller en kommun.",
	  .type = FORM_TEXT, .required = 1, .maxlen = 150,
	  .autocomplete = "organization", .need_msg = "Skriv skolans huvudman." },
	{ .name = "skola", .label = "Skola", .type = FORM_TEXT, .required = 1,
	  .maxlen = 150, .need_msg = "Skriv skolans namn." },
	{ .name = "kontakt_namn", .label = "Ditt namn", .type = FORM_TEXT,
	  .required = 1, .maxlen = 100, .autocomplete = "name",
	  .need_msg = "Skriv ditt namn, så att hemkommunen vet vem de ska "
	    "kontakta." },
	{ .name = "kontakt_epost", .label = "Din e-postadress i arbetet",
	  .type = FORM_EMAIL, .required = 1, .maxlen = 254,
	  .autocomplete = "work email",
	  .need_msg = "Skriv din e-postadress i arbetet." },
	{ .name = "kontakt_telefon", .label = "Ditt telefonnummer i arbetet",
	  .type = FORM_TEL, .required = 1, .maxlen = 30,
	  .autocomplete = "work tel",
	  .need_msg = "Skriv ditt telefonnummer i arbetet." },
	{ .name = "personnummer", .label = "Elevens personnummer",
	  .section = "Eleven",
	  .hint = "10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN.",
	  .type = FORM_PNR, .required = 1, .maxlen = 20,
	  .need_msg = "Skriv elevens personnummer." },
	{ .name = "elev_namn", .label = "Elevens för- och efternamn",
	  .type = FORM_TEXT, .required = 1, .maxlen = 100,
	  .need_msg = "Skriv elevens för- och efternamn." },
	{ .name = "program", .label = "Program",
	  .hint = "Till exempel Naturvetenskapsprogrammet eller ett "
	    "introduktionsprogram.",
	  .type = FORM_TEXT, .required = 1, .maxlen = 100,
	  .need_msg = "Skriv vilket program eleven går på." },
	{ .name = "hemkommun", .label = "Elevens hemkommun",
	  .hint = "Kommunen där eleven är folkbokförd. Anmälan skickas bara dit.",
	  .type = FORM_RADIO, .required = 1, .dynamic = 1,
	  .need_msg = "Välj elevens hemkommun.", .receipt = 1 },
	{ .name = "anledning", .label = "Vad anmäler du?",
	  .section = "Anmälan",
	  .hint = "Välj det som stämmer bäst. Regionens rutin är en "
	    "överenskommelse mellan kommunerna i regionen, inte en lag.",
	  .type = FORM_RADIO, .required = 1,
	  .choices = reasons, .nchoices = COUNT(reasons),
	  .need_msg = "Välj vad du anmäler.", .receipt = 1 },
	{ .name = "startdatum", .label = "Datum då eleven började",
	  .section = "Datum och frånvaro",
	  .hint = DATE_HINT "Fyll i om eleven har börjat hos er.",
	  .type = FORM_DATE, .required = 1, .maxlen = 20, .min = -400, .max = 31,
	  .need_msg = "Skriv datumet då eleven började.",
	  .if_field = "anledning", .if_value = "borjar", .receipt = 1 },
	{ .name = "terminsstart", .label = "Terminsstart",
	  .hint = DATE_HINT "Fyll i om eleven inte har kommit till utbildningen.",
	  .type = FORM_DATE, .required = 1, .maxlen = 20, .min = -400, .max = 0,
	  .need_msg = "Skriv datumet då terminen började.",
	  .if_field = "anledning", .if_value = "ej_paborjat", .receipt = 1 },
	{ .name = "slutdatum", .label = "Datum då eleven slutade",
	  .hint = DATE_HINT "Fyll i om eleven har slutat eller har sagt till "
	    "rektor att hen slutar.",
	  .type = FORM_DATE, .required = 1, .maxlen = 20, .min = -400, .max = 31,
	  .need_msg = "Skriv datumet då eleven slutade.",
	  .if_field = "anledning", .if_values = ended, .receipt = 1 },
	{ .name = "senast_narvarande", .label = "Sista dagen eleven var i skolan",
	  .hint = DATE_HINT "Fyll i om eleven har varit borta i mer än en månad.",
	  .type = FORM_DATE, .required = 1, .maxlen = 20, .min = -400, .max = 0,
	  .need_msg = "Skriv den sista dagen eleven var i skolan.",
	  .if_field = "anledning", .if_value = "borta_manad", .receipt = 1 },
	{ .name = "franvaro_timmar",
	  .label = "Frånvaro utan giltigt skäl de senaste 30 dagarna, i timmar",
	  .hint = "Hela timmar. Fyll i om eleven har betydande frånvaro.",
	  .type = FORM_INT, .required = 1, .maxlen = 20, .min = 1, .max = 300,
	  .need_msg = "Skriv hur många timmar eleven har varit borta utan "
	    "giltigt skäl de senaste 30 dagarna.",
	  .if_field = "anledning", .if_value = "franvaro", .receipt = 1 },
	{ .name = "utredning", .label = "Har skolan börjat utreda frånvaron?",
	  .hint = "Fyll i om eleven har betydande frånvaro. Regionens rutin "
	    "säger att skolan anmäler när en utredning har börjat. Skollagen "
	    "kräver anmälan även utan en utredning (15 kap. 15 §).",
	  .type = FORM_RADIO, .required = 1,
	  .choices = yes_no, .nchoices = COUNT(yes_no),
	  .need_msg = "Välj om skolan har börjat utreda frånvaron.",
	  .if_field = "anledning", .if_value = "franvaro", .receipt = 1 },
	{ .name = "nytt_program", .label = "Programmet eleven byter till",
	  .hint = "Fyll i om eleven byter program hos er.",
	  .type = FORM_TEXT, .required = 1, .maxlen = 100,
	  .need_msg = "Skriv vilket program eleven byter till.",
	  .if_field = "anledning", .if_value = "byter_program" },
	{ .name = "atgarder", .label = "Vad har skolan gjort?",
	  .section = "Vad skolan har gjort",
	  .hint = "Välj allt som stämmer. Gäller inte när eleven har börjat.",
	  .type = FORM_CHECKBOX,
	  .choices = measures, .nchoices = COUNT(measures),
	  .if_field = "anledning", .if_values = not_start, .receipt = 1 },
	{ .name = "ovrigt", .label = "Övrigt som hemkommunen behöver veta",
	  .note = "Skriv inte om elevens hälsa, familj eller andra privata "
	    "förhållanden. Sådant får hemkommunen inte spara (förordning "
	    "2006:39 om register och dokumentation för aktivitetsansvaret, 4 §).",
	  .type = FORM_TEXTAREA, .maxlen = 1000 },
	{ .name = "elev_informerad", .label = "Vet eleven om att skolan gör den "
	    "här anmälan?", .section = "Eleven och vårdnadshavaren",
	  .type = FORM_RADIO, .required = 1,
	  .choices = yes_no, .nchoices = COUNT(yes_no),
	  .need_msg = "Välj om eleven vet om anmälan.", .receipt = 1 },
	{ .name = "vardnadshavare_informerad",
	  .label = "Vet elevens vårdnadshavare om anmälan?",
	  .hint = "Om eleven har fyllt 18 år, välj det.",
	  .type = FORM_RADIO, .required = 1,
	  .choices = guardian_knows, .nchoices = COUNT(guardian_knows),
	  .need_msg = "Välj om vårdnadshavaren vet om anmälan, eller att "
	    "eleven har fyllt 18 år.", .receipt = 1 },
};

const struct form_spec form_school = {
	.kind = "skolanmalan",
	.title = "Anmälan från skola till elevens hemkommun",
	.intro = "Här anmäler en gymnasieskola en elev till aktivitetsansvaret "
	    "i elevens hemkommun. En huvudman som inte är elevens hemkommun "
	    "ska snarast anmäla när en elev börjar eller slutar, och när en "
	    "elev under 20 år är borta i betydande utsträckning utan giltigt "
	    "skäl (skollagen 15 kap. 15 §). Regionens rutin tar också upp "
	    "andra situationer. Anmälan krypteras, och bara aktivitetsansvaret "
	    "i hemkommunen kan läsa den. Svara på alla frågor som gäller det "
	    "du anmäler, utom de som är märkta (frivilligt).",
	.notice = "Elever med skyddade personuppgifter ska inte anmälas här. "
	    "Ring i stället till aktivitetsansvaret i elevens hemkommun:",
	.submit = "Skicka anmälan",
	.fields = school_fields,
	.nfields = COUNT(school_fields),
	.max_age = 20,
	.age_policy = FORM_AGE_FIELD,
	.age_msg = "Eleven har fyllt 20 år. Kommunens aktivitetsansvar gäller "
	    "unga under 20 år (skollagen 29 kap. 9 §), så eleven ska inte "
	    "anmälas här. Kontrollera personnumret.",
	.route_field = "hemkommun",
	.receipt_title = "Anmälan är skickad",
	.receipt_intro = "Tack! Anmälan har kommit fram till elevens hemkommun. "
	    "Skriv ut sidan eller spara referensnumret i skolans dokumentation. "
	    "Sammanfattningen nedan innehåller inga personuppgifter om eleven.",
	.receipt_default = "Aktivitetsansvaret i elevens hemkommun läser "
	    "anmälan. Om de behöver veta mer, kontaktar de dig som anmälde.",
	.trap = "webbplats",
};

static const struct form_spec *const all_forms[] = { &form_youth, &form_school };

const struct form_spec *form_find(const char *kind)
{
	size_t i;

	for (i = 0; i < COUNT(all_forms); i++)
		if (strcmp(all_forms[i]->kind, kind) == 0)
			return all_forms[i];
	return NULL;
}

const struct form_spec *const *form_all(size_t *n)
{
	*n = COUNT(all_forms);
	return all_forms;
}
