// Shared helpers for the browser tests: configuration from the environment,
// launching Debian's chromium through playwright-core, the site's page list,
// filling the youth form and the school's notice by their visible labels,
// and what an e-service page with errors must show.
//
// Environment (exported by tests/lib/server.sh's kaa_region_start):
//   KAA_URL         base URL of nginx, e.g. http://127.0.0.1:18123
//   KAA_SITE_DIR    the directory kaa-gen built (has sitemap.xml, 404.html)
//   KAA_FORM_URL    absolute URL of the youth occupation form
//   KAA_SCHOOL_URL  absolute URL of the region's school notice form
//   KAA_TMP         the region's files: ID.ini, ID/keys/c1.secret per municipality
//   KAA_PASSPHRASE  the test keys' passphrase
//   KAA_BIN_DIR     optional, where kaa-inbox is (default build/bin)
//   CHROMIUM        optional, the browser binary (default /usr/bin/chromium)
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function env(name) {
	const v = process.env[name];
	if (!v)
		throw new Error(`${name} is not set: run the browser tests through tests/browser/run.sh (make browser)`);
	return name === 'KAA_URL' ? v.replace(/\/+$/, '') : v;
}

// Flags for a quiet, offline, throw-away browser. Playwright itself adds
// --headless and a fresh --user-data-dir (made with mkdtemp, removed on
// close), so no state survives between runs.
const ARGS = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--disable-default-apps', '--disable-extensions', '--mute-audio',
];

export async function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ARGS,
	});
}

// A new page with short timeouts: a local server answers in milliseconds,
// and a hung test should fail quickly, not after 30 s per step.
export async function newPage(browser, options = {}) {
	const context = await browser.newContext({ locale: 'sv-SE', ...options });
	const page = await context.newPage();
	page.setDefaultTimeout(10_000);
	page.setDefaultNavigationTimeout(15_000);
	return page;
}

// The <loc> URLs of sitemap.xml, moved to KAA_URL (the sitemap carries the
// configured public site.url, the test server listens elsewhere).
export function sitemapUrls(siteDir, base) {
	const xml = readFileSync(join(siteDir, 'sitemap.xml'), 'utf8');
	const locs = [...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((m) => decodeXml(m[1]));
	if (locs.length === 0)
		throw new Error(`${siteDir}/sitemap.xml lists no pages`);
	return locs.map((loc) => {
		const u = new URL(loc);
		return base + u.pathname + u.search;
	});
}

// The pages kaa-gen writes outside the sitemap: the 404 page and the pages
// nginx shows for the errors it answers itself (413, 429, 502/503/504).
export const SPECIAL_PAGES = ['400.html', '401.html', '403.html', '404.html', '413.html', '414.html', '429.html', '50x.html'];

function decodeXml(s) {
	return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

// Every file under dir whose name ends in ext, sorted, as paths.
export function filesUnder(dir, ext) {
	const out = [];
	const walk = (d) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.name.endsWith(ext)) out.push(p);
		}
	};
	walk(dir);
	return out.sort();
}

// --- the youth form ---------------------------------------------------------
// The labels are those kaa-fcgi prints; matching by label text is the point
// of the test (a person finds the fields that way, and so does a screen
// reader), so a renamed or unlabelled field must fail here.
export const LABELS = {
	name: /^För- och efternamn/,
	pnr: /^Personnummer/,
	phone: /^Mobilnummer/,
	email: /^E-postadress/,
	message: /^Meddelande/,
};

// One choice per required radio group, by the group's legend and the
// choice's label.
export const CHOICES = [
	{ group: /^Har du en examen från gymnasiet/, choice: /^Nej, jag har inte börjat/ },
	{ group: /^Vad gör du just nu/, choice: /^Jag söker arbete/ },
	{ group: /^Vill du att vi kontaktar dig/, choice: /^Ja, ring mig/ },
];

// Skatteverket's test personnummer only (tests/data/testpersonnummer.txt),
// picked by age at run time so the tests keep working as years pass:
// KAA_TEST_PNR is a youth aged 17 today, KAA_OLD_PNR someone aged 22.
function testPnr(name, age) {
	return process.env[name] ||
		execFileSync('python3', [join(ROOT, 'tests', 'lib', 'pick-pnr.py'), String(age)], { encoding: 'utf8' }).trim();
}

export const VALID = {
	name: 'Testa Testsson',
	pnr: testPnr('KAA_TEST_PNR', 17),
	oldPnr: testPnr('KAA_OLD_PNR', 22),
	phone: '070-000 00 00',
	email: 'testa@example.org',
};

// The valid personnummer with its check digit changed.
export const BAD_PNR = VALID.pnr.slice(0, -1) + String((Number(VALID.pnr.slice(-1)) + 1) % 10);

// Fills every field of a valid submission by label. over20 uses the test
// personnummer of someone past 20, which must not be stored.
export async function fillValid(page, { over20 = false } = {}) {
	await page.getByLabel(LABELS.name).fill(VALID.name);
	await page.getByLabel(LABELS.pnr).fill(over20 ? VALID.oldPnr : VALID.pnr);
	await page.getByLabel(LABELS.phone).fill(VALID.phone);
	await page.getByLabel(LABELS.email).fill(VALID.email);
	for (const c of await presentChoices(page))
		await c.locator.check();
}

// The radio to pick in each group of CHOICES; throws if a group or a
// choice cannot be found by its visible text.
export async function presentChoices(page) {
	const out = [];
	for (const c of CHOICES) {
		const group = page.getByRole('group', { name: c.group });
		if (await group.count() !== 1)
			throw new Error(`no single radio group labelled ${c.group} (found ${await group.count()})`);
		const radio = group.getByRole('radio', { name: c.choice });
		if (await radio.count() !== 1)
			throw new Error(`no single choice ${c.choice} in the group ${c.group}`);
		out.push({ ...c, locator: radio });
	}
	return out;
}

export const submitButton = (page) => page.getByRole('button', { name: /^Skicka/ });

// Clicks submit and waits for the page that ends the navigation (after a
// 303, the receipt). Returns that response, whose text() is the HTML exactly
// as the server sent it.
export async function submit(page, activate) {
	const done = page.waitForResponse((r) => r.request().isNavigationRequest() &&
		r.request().frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400));
	// The new document's load event: waiting on the response alone would
	// return while the old page is still shown.
	const loaded = page.waitForEvent('load');
	// Both waits are settled before returning, so neither rejects later,
	// after the test has ended.
	const [r1, r2] = await Promise.allSettled([
		(activate ? activate() : submitButton(page).click()).then(() => done), loaded]);
	if (r1.status === 'rejected') { loaded.catch(() => {}); throw r1.reason; }
	if (r2.status === 'rejected') throw r2.reason;
	return r1.value;
}

export const REF_RE = /\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){1,3}\b/;

// --- a form with errors (both forms) ----------------------------------------
// Every link in the error summary points at a field that is marked invalid
// and has the same message beside it, in Swedish.
export async function assertErrorsShown(page, expectAtLeast) {
	const summary = page.locator('.error-summary');
	assert.equal(await summary.count(), 1, 'an error summary at the top');
	assert.equal(await summary.getAttribute('role'), 'alert');
	const links = summary.locator('a[href^="#"]');
	const n = await links.count();
	assert.ok(n >= expectAtLeast, `error summary lists ${n} errors, expected at least ${expectAtLeast}`);
	for (let i = 0; i < n; i++) {
		const href = await links.nth(i).getAttribute('href');
		const text = (await links.nth(i).innerText()).trim();
		assert.ok(text.length > 0, `summary link ${href} has text`);
		const target = page.locator(`[id="${href.slice(1)}"]`);
		assert.equal(await target.count(), 1, `summary link ${href} points at an element`);
		// The message beside the field: inside the same .field container
		// (the innermost, should a group hold fields of its own).
		const field = page.locator('.field--error', { has: target });
		assert.ok(await field.count() >= 1, `${href}: its field is marked as in error`);
		const msg = field.last().locator('.field-error');
		assert.ok(await msg.count() >= 1, `${href}: a message beside the field`);
		// "Fel: " is for screen readers (visually hidden); the rest is
		// what the summary says, in the page's language.
		const said = (await msg.first().innerText()).trim();
		assert.match(said, /^Fel:\s*\S/, `${href}: the message says it is an error`);
		assert.equal(said.replace(/^Fel:\s*/, ''), text, `${href}: the message beside the field is the summary's`);
		assert.doesNotMatch(text, /\b(required|invalid|error|please|must|field)\b/i, `${href}: "${text}" is Swedish`);
		// Text inputs say they are invalid and point at their message.
		if (await target.evaluate((el) => el.matches('input:not([type=radio]):not([type=checkbox]), textarea, select'))) {
			assert.equal(await target.getAttribute('aria-invalid'), 'true', `${href}: aria-invalid`);
			const msgId = await msg.first().getAttribute('id');
			if (msgId) {
				const described = (await target.getAttribute('aria-describedby') || '').split(/\s+/);
				assert.ok(described.includes(msgId), `${href}: aria-describedby includes ${msgId}`);
			}
		}
	}
}

// --- the school's notice (the region's form) --------------------------------
// Matched by the words a member of the school's staff sees. Exact where a
// shorter label starts another ("Skola" / "Skolan befarar…", "Program" /
// "Programmet eleven byter till").
export const SCHOOL_LABELS = {
	huvudman: /^Huvudman/,
	skola: /^Skola$/,
	kontakt_namn: /^Ditt namn/,
	kontakt_epost: /^Din e-postadress i arbetet/,
	kontakt_telefon: /^Ditt telefonnummer i arbetet/,
	personnummer: /^Elevens personnummer/,
	elev_namn: /^Elevens för- och efternamn/,
	program: /^Program$/,
	startdatum: /^Datum då eleven började/,
	terminsstart: /^Terminsstart/,
	slutdatum: /^Datum då eleven slutade/,
	senast_narvarande: /^Sista dagen eleven var i skolan/,
	franvaro_timmar: /^Frånvaro utan giltigt skäl de senaste 30 dagarna/,
	nytt_program: /^Programmet eleven byter till/,
	ovrigt: /^Övrigt som hemkommunen behöver veta/,
};

// Radio and check box groups, by their legends.
export const SCHOOL_GROUPS = {
	hemkommun: /^Elevens hemkommun/,
	anledning: /^Vad anmäler du/,
	utredning: /^Har skolan börjat utreda frånvaron/,
	atgarder: /^Vad har skolan gjort/,
	elev_informerad: /^Vet eleven om att skolan gör den här anmälan/,
	vardnadshavare_informerad: /^Vet elevens vårdnadshavare om anmälan/,
};

// The region's municipalities, as the form names them.
export const MUNICIPALITIES = [
	{ id: 'exempelkommun', name: 'Exempelkommun' },
	{ id: 'provstad', name: 'Provstads kommun' },
	{ id: 'nordby', name: 'Nordby kommun' },
];

// The date `days` from today, ÅÅÅÅ-MM-DD (the form's own format).
export function dayFromToday(days) {
	const d = new Date();
	d.setDate(d.getDate() + days);
	const pad = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// The law and the region's routine are kept apart: each reason sits under
// the legend that says which of them asks for the notice.
export const LAW = /^Ska anmälas enligt skollagen \(15 kap\. 15 §\)/;
export const MUST = /^Ska anmälas enligt regionens rutin/;
export const SHOULD = /^Bör anmälas enligt regionens rutin/;

// Every reason, its group, and what it asks for: `text` by label, `radio`
// and `check` by group legend and choice label (the stored values in
// `value`s). Dates sit well inside the accepted ranges.
export const REASONS = [
	{ value: 'borjar', group: LAW, label: /^Eleven har börjat på ett program hos oss$/,
		text: { startdatum: dayFromToday(-10) } },
	{ value: 'slutar', group: LAW, label: /^Eleven har slutat hos oss$/,
		text: { slutdatum: dayFromToday(-3) },
		check: [{ label: /^Samtal med eleven$/, value: 'samtal_elev' },
			{ label: /^Kontakt med vårdnadshavare$/, value: 'kontakt_vardnadshavare' }] },
	{ value: 'franvaro', group: LAW, label: /^Eleven har betydande frånvaro utan giltigt skäl$/,
		text: { franvaro_timmar: '14' },
		radio: { utredning: { label: /^Ja$/, value: 'ja' } },
		check: [{ label: /^Samtal med studie- och yrkesvägledare$/, value: 'syv' }] },
	{ value: 'ej_paborjat', group: MUST, label: /^Eleven har inte kommit till utbildningen$/,
		text: { terminsstart: dayFromToday(-20) } },
	{ value: 'avbrott', group: MUST, label: /^Eleven har själv sagt till rektor att hen slutar$/,
		text: { slutdatum: dayFromToday(7) } },
	{ value: 'borta_manad', group: MUST, label: /^Eleven har varit borta utan att höra av sig i mer än en månad i följd$/,
		text: { senast_narvarande: dayFromToday(-40) },
		check: [{ label: /^Annat$/, value: 'annat' }] },
	{ value: 'byter_program', group: SHOULD, label: /^Eleven byter program hos samma huvudman$/,
		text: { nytt_program: 'Ekonomiprogrammet' } },
	{ value: 'studieplan', group: SHOULD, label: /^Elevens individuella studieplan ändras så att examen är i fara$/,
		check: [{ label: /^Ändrad individuell studieplan$/, value: 'ny_studieplan' }] },
	{ value: 'risk_examen', group: SHOULD, label: /^Skolan befarar att eleven inte når en examen$/ },
	{ value: 'risk_tid', group: SHOULD, label: /^Skolan befarar att eleven inte blir klar inom tre år$/ },
];

// How a typed value is stored: whole numbers as JSON numbers.
export const storedAs = (name, v) => (name === 'franvaro_timmar' ? Number(v) : v);

export const reason = (value) => REASONS.find((r) => r.value === value);

// What a school types about itself and the pupil (the pupil aged 17: a
// Skatteverket test personnummer, as VALID.pnr).
export const SCHOOL_VALID = {
	huvudman: 'Exempelskolor AB',
	skola: 'Exempelgymnasiet',
	kontakt_namn: 'Testa Rektorsson',
	kontakt_epost: 'rektor@example.org',
	kontakt_telefon: '08-000 00 00',
	personnummer: VALID.pnr,
	elev_namn: 'Elvira Elevsson',
	program: 'Naturvetenskapsprogrammet',
};

// The one radio (or check box) labelled `choice` in the group with the
// legend `group`; throws if either cannot be found by its words.
export async function choiceIn(page, group, choice, role = 'radio') {
	const g = page.getByRole('group', { name: group });
	if (await g.count() !== 1)
		throw new Error(`no single group labelled ${group} (found ${await g.count()})`);
	const c = g.getByRole(role, { name: choice });
	if (await c.count() !== 1)
		throw new Error(`no single ${role} ${choice} in the group ${group} (found ${await c.count()})`);
	return c;
}

// Fills a whole notice by label for the reason `value`, sent to the
// municipality `to` (an id of MUNICIPALITIES). Returns the fields the
// stored record must hold, as kaa-inbox shows them.
export async function fillSchool(page, { value = 'slutar', to = 'provstad', ovrigt = '' } = {}) {
	const r = reason(value);
	const m = MUNICIPALITIES.find((x) => x.id === to);
	const want = { ...SCHOOL_VALID, hemkommun: to, anledning: value };
	for (const [name, v] of Object.entries(SCHOOL_VALID))
		await page.getByLabel(SCHOOL_LABELS[name]).fill(v);
	await (await choiceIn(page, SCHOOL_GROUPS.hemkommun, new RegExp(`^${m.name}$`))).check();
	const reasons = page.getByRole('group', { name: SCHOOL_GROUPS.anledning });
	await (await choiceIn(reasons, r.group, r.label)).check();
	for (const [name, v] of Object.entries(r.text || {})) {
		await page.getByLabel(SCHOOL_LABELS[name]).fill(v);
		want[name] = storedAs(name, v);
	}
	for (const [name, c] of Object.entries(r.radio || {})) {
		await (await choiceIn(page, SCHOOL_GROUPS[name], c.label)).check();
		want[name] = c.value;
	}
	for (const c of r.check || [])
		await (await choiceIn(page, SCHOOL_GROUPS.atgarder, c.label, 'checkbox')).check();
	if (r.check) want.atgarder = r.check.map((c) => c.value);
	if (ovrigt) {
		await page.getByLabel(SCHOOL_LABELS.ovrigt).fill(ovrigt);
		want.ovrigt = ovrigt;
	}
	await (await choiceIn(page, SCHOOL_GROUPS.elev_informerad, /^Ja$/)).check();
	await (await choiceIn(page, SCHOOL_GROUPS.vardnadshavare_informerad, /^Nej$/)).check();
	want.elev_informerad = 'ja';
	want.vardnadshavare_informerad = 'nej';
	return want;
}

export const schoolSubmit = (page) => page.getByRole('button', { name: /^Skicka anmälan$/ });

const kaaInbox = (args, options = {}) => execFileSync(
	join(process.env.KAA_BIN_DIR || join(ROOT, 'build', 'bin'), 'kaa-inbox'), args, { encoding: 'utf8', ...options });

// The references in municipality `id`'s inbox (none before its first
// notice: that makes the file).
export function inboxRefs(id) {
	const tmp = env('KAA_TMP');
	if (!existsSync(join(tmp, id, 'inbox.sqlite')))
		return [];
	return kaaInbox(['list', '-c', join(tmp, `${id}.ini`)]).split('\n').slice(1)
		.map((l) => l.split(/\s+/)[0]).filter((r) => REF_RE.test(r));
}

// The record stored under `ref` in municipality `id`'s inbox, decrypted with
// its first coordinator's key by kaa-inbox (JSON), or null when that inbox
// does not hold it.
export function inboxRecord(id, ref) {
	const tmp = env('KAA_TMP');
	if (!inboxRefs(id).includes(ref))
		return null;
	return JSON.parse(kaaInbox(['show', '-c', join(tmp, `${id}.ini`), '--secret', join(tmp, id, 'keys', 'c1.secret'),
		'--json', ref], { env: { ...process.env, KAA_PASSPHRASE: env('KAA_PASSPHRASE') } }));
}
