/* forms.c — the e-service forms, as tables for the engine in form.c.
 *
 * Only what förordning (2006:39) 4 § lets the municipality record is asked
 * for: name, personnummer, contact details and occupation. The free-text
 * message carries a note not to write about health or family. */
#include <string.h>

#include "form.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The answers of the conversation form about upper-secondary school, plus
 * the certificate from anpassad gymnasieskola (it ends the municipality's
 * duty too, skollagen 29 kap. 9 §) and "Jag vet inte". The words a
 * 17-year-old may not know are explained beside the answer. */
static const struct form_choice school_status[] = {
	{ "examen_hogskoleforberedande", "Ja, en högskoleförberedande examen",
	  "Examen från ett program som förbereder för högskolan, till exempel "
	  "Ekonomi, Natur eller Samhälle." },
	{ "examen_yrke", "Ja, en yrkesexamen",
	  "Examen från ett yrkesprogram, till exempel Bygg och anläggning "
	  "eller Vård och omsorg." },
	{ "anpassad_bevis", "Ja, ett bevis från anpassad gymnasieskola",
	  "Beviset får du när du har gått klart ett nationellt program i "
	  "anpassad gymnasieskola." },
	{ "studerar", "Nej, jag går på gymnasiet nu", NULL },
	{ "studiebevis", "Nej, jag slutade med ett studiebevis",
	  "Ett studiebevis visar vilka kurser du har läst. Du får det om du "
	  "inte fick en examen." },
	{ "avbrott", "Nej, jag slutade innan utbildningen var klar", NULL },
	{ "gymnasieintyg", "Nej, jag har ett gymnasieintyg",
	  "Ett gymnasieintyg visar vad du har läst, till exempel på ett "
	  "introduktionsprogram." },
	{ "aldrig", "Nej, jag har inte börjat på gymnasiet", NULL },
	{ "vet_inte", "Jag vet inte", NULL },
};

static const struct form_choice occupation[] = {
	{ "arbetar", "Jag arbetar", NULL },
	{ "arbetssokande", "Jag söker arbete", NULL },
	{ "utbildning", "Jag studerar på en annan utbildning, till exempel "
	  "Komvux, folkhögskola eller sfi", NULL },
	{ "praktik", "Jag har praktik", NULL },
	{ "annat", "Något annat", NULL },
};

static const struct form_choice contact[] = {
	{ "telefon", "Ja, ring mig", NULL },
	{ "sms", "Ja, skicka ett sms", NULL },
	{ "epost", "Ja, skicka e-post", NULL },
	{ "nej", "Nej, inte just nu", "Då frågar vi igen om några månader." },
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
	  .type = FORM_TEXT, .maxlen = 200,
	  .need_msg = "Skriv vilken utbildning du går.",
	  .if_field = "sysselsattning", .if_value = "utbildning" },
	{ .name = "annat", .label = "Vad gör du?",
	  .hint = "Fyll i om du valde Något annat.",
	  .type = FORM_TEXT, .maxlen = 200,
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
	.receipt_field = "kontakt",
	.receipts = youth_receipts,
	.nreceipts = COUNT(youth_receipts),
	.receipt_default = "Vi läser dina svar. Om vi behöver veta något mer, "
	    "hör vi av oss.",
};

static const struct form_spec *const all_forms[] = { &form_youth };

const struct form_spec *form_find(const char *kind)
{
	size_t i;

	for (i = 0; i < COUNT(all_forms); i++)
		if (strcmp(all_forms[i]->kind, kind) == 0)
			return all_forms[i];
	return NULL;
}
