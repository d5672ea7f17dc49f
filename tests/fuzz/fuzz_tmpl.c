/* fuzz_tmpl.c — the template renderer (lib/tmpl.c) on any template, with
 * values that hold markup, in two scopes as kaa-gen renders a page.
 *
 * Checked, beyond the sanitizers: a template without "{{" renders to
 * itself; {{name}} escapes, so a template without '<' and without
 * "{{{" renders to text without '<' whatever the values hold; an error
 * names its line within the template and a NUL-terminated name. */
#define _GNU_SOURCE   /* memmem */
#include <stdint.h>

#include "buf.h"
#include "common.h"
#include "tmpl.h"

/* The names the project's layouts and letters use (site/layout.html,
 * content/letters/), so that real templates render through; some values
 * hold markup, and one holds a placeholder, which is never rendered again. */
static const struct tmpl_var site_vars[] = {
	{ "site.title", "Exempelkommun <KAA> & \"unga\" 'vuxna'" },
	{ "site.url", "https://kaa.exempelkommun.example" },
	{ "site.menu", "<ul><li><a href=\"/\">Start</a></li></ul>" },
	{ "municipality.name", "Exempelkommun" },
	{ "office.name", "Aktivitetsansvaret" },
	{ "office.phone", "08-123 45 67" },
	{ "office.phone_href", "tel:+4681234567" },
	{ "office.email", "kaa@exempelkommun.example" },
	{ "office.address", "Box 1, 123 45 Exempelstad" },
	{ "office.hours", "Måndag–fredag 9–16" },
	{ "eservice.youth", "/e/exempelkommun/sysselsattning" },
	{ "ui.a11y", "Tillgänglighet" }, { "ui.about", "Om" },
	{ "ui.contact", "Kontakt" }, { "ui.email", "E-post" },
	{ "ui.eservice", "E-tjänst" }, { "ui.home", "Start" },
	{ "ui.hours", "Öppet" }, { "ui.menu", "Meny" },
	{ "ui.other", "Andra" }, { "ui.other_lang", "English" },
	{ "ui.other_url", "/en/" }, { "ui.phone", "Telefon" },
	{ "ui.privacy", "Personuppgifter" },
	{ "ui.privacy_url", "/personuppgifter/" },
	{ "ui.skip", "Till innehållet" },
	{ "page.title", "shadowed by the page" },
	{ "missing", NULL },   /* found but no value: an error, never empty */
};
static const struct tmpl_scope site = {
	site_vars, sizeof(site_vars) / sizeof(site_vars[0]), NULL
};
static const struct tmpl_var page_vars[] = {
	{ "page.title", "<script>alert(1)</script>" },
	{ "page.body", "<p>Text &amp; mer</p>" },
	{ "page.description", "\"><img src=x onerror=alert(1)>" },
	{ "page.lang", "sv" }, { "page.url", "/unga/" },
	{ "page.author", "KAA" }, { "page.breadcrumbs", "" },
	{ "page.subnav", "<nav></nav>" },
	{ "mottagare.fornamn", "Test" }, { "mottagare.namn", "Test Testsson" },
	{ "ungdom.fornamn", "Test" }, { "ungdom.namn", "Test Testsson" },
	{ "brev.slutdatum", "2027-01-01" },
	{ "x", "{{page.body}}" },
};
static const struct tmpl_scope page = {
	page_vars, sizeof(page_vars) / sizeof(page_vars[0]), &site
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tpl = (const char *)data;
	struct tmpl_errinfo ei;
	buf out = BUF_INIT;
	int rc, braces = memmem(tpl, size, "{{", 2) != NULL;
	int raw = memmem(tpl, size, "{{{", 3) != NULL;
	int lt = memchr(tpl, '<', size) != NULL;
	size_t lines = 1, i;

	rc = tmpl_render(&out, tpl, size, &page, &ei);
	FUZZ_CHECK(tmpl_strerror(rc) != NULL, "tmpl_strerror");
	FUZZ_CHECK(memchr(ei.name, '\0', sizeof(ei.name)) != NULL, "name ends");
	if (!braces)
		FUZZ_CHECK(rc == TMPL_OK && out.len == size &&
		    (size == 0 || memcmp(out.data, tpl, size) == 0),
		    "text without placeholders is copied");
	if (rc == TMPL_OK && !raw && !lt)
		FUZZ_CHECK(out.len == 0 || memchr(out.data, '<', out.len) == NULL,
		    "values are escaped");
	if (rc != TMPL_OK) {
		for (i = 0; i < size; i++)
			lines += tpl[i] == '\n';
		FUZZ_CHECK(ei.line >= 1 && (size_t)ei.line <= lines,
		    "the error's line is in the template");
	}
	buf_free(&out);
	return 0;
}
