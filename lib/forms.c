/* forms.c — the e-service forms, as tables for the engine in form.c.
 *
 * Only what förordning (2006:39) 4 § lets the municipality record is asked
 * for: name, personnummer, contact details and occupation. The free-text
 * message carries a note not to write about health or family. */
#include <string.h>

#include "form.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The seven answers of the conversation form about upper-secondary school. */
static const struct form_choice school_status[] = {
	{ "examen_hogskoleforberedande", "Ja, jag har en högskoleförberedande examen" },
	{ "examen_yrke", "Ja, jag har en yrkesexamen" },
	{ "studerar", "Nej, jag går på gymnasiet nu" },
	{ "studiebevis", "Nej, jag har ett studiebevis" },
	{ "avbrott", "Nej, jag slutade innan utbildningen var klar" },
	{ "gymnasieintyg", "Nej, jag har ett gymnasieintyg" },
	{ "aldrig", "Nej, jag har inte börjat på gymnasiet" },
};

static const struct form_choice occupation[] = {
	{ "arbetar", "Jag arbetar" },
	{ "arbetssokande", "Jag söker arbete" },
	{ "utbildning", "Jag studerar på en annan utbildning" },
	{ "praktik", "Jag har praktik" },
	{ "annat", "Något annat" },
};

static const struct form_choice contact[] = {
	{ "telefon", "Ja, ring mig" },
	{ "sms", "Ja, skicka ett sms" },
	{ "epost", "Ja, skicka e-post" },
	{ "nej", "Nej, inte just nu" },
};

static const struct form_field youth_fields[] = {
	{ .name = "namn", .label = "För- och efternamn", .section = "Om dig",
	  .type = FORM_TEXT, .required = 1, .maxlen = 100,
	  .autocomplete = "name", .need_msg = "Skriv ditt för- och efternamn." },
	{ .name = "personnummer", .label = "Personnummer",
	  .hint = "10 eller 12 siffror, till exempel ÅÅMMDD-NNNN.",
	  .type = FORM_PNR, .required = 1, .maxlen = 20,
	  .need_msg = "Skriv ditt personnummer." },
	{ .name = "telefon", .label = "Mobilnummer",
	  .hint = "Fyll i mobilnummer eller e-post, eller båda.",
	  .type = FORM_TEL, .maxlen = 30, .autocomplete = "tel" },
	{ .name = "epost", .label = "E-postadress", .type = FORM_EMAIL,
	  .maxlen = 254, .autocomplete = "email" },
	{ .name = "gymnasium", .label = "Har du gått ut gymnasiet?",
	  .section = "Gymnasiet", .type = FORM_RADIO, .required = 1,
	  .choices = school_status, .nchoices = COUNT(school_status),
	  .need_msg = "Välj det som stämmer om gymnasiet." },
	{ .name = "sysselsattning", .label = "Vad gör du just nu?",
	  .section = "Vad du gör nu", .type = FORM_RADIO, .required = 1,
	  .choices = occupation, .nchoices = COUNT(occupation),
	  .need_msg = "Välj det som stämmer bäst för dig just nu." },
	{ .name = "utbildning", .label = "Vilken utbildning går du?",
	  .hint = "Fyll i om du studerar på en annan utbildning.",
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
	  "Fyll i ett mobilnummer eller en e-postadress, så att vi kan nå dig." },
};

const struct form_spec form_youth = {
	.kind = "sysselsattning",
	.title = "Berätta vad du gör nu",
	.intro = "Här kan du berätta för oss vad du gör just nu. Det tar några "
	    "minuter. Alla frågor utom de som är frivilliga behöver ett svar. "
	    "Det du skickar är krypterat, och bara vi som arbetar med "
	    "aktivitetsansvaret kan läsa det.",
	.submit = "Skicka",
	.fields = youth_fields,
	.nfields = COUNT(youth_fields),
	.anyof = youth_anyof,
	.nanyof = COUNT(youth_anyof),
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
