// Shared helpers for the browser tests: configuration from the environment,
// launching Debian's chromium through playwright-core, the site's page list,
// and filling the youth form by its visible labels.
//
// Environment (exported by tests/lib/server.sh's kaa_server_start):
//   KAA_URL       base URL of nginx, e.g. http://127.0.0.1:18123
//   KAA_SITE_DIR  the directory kaa-gen built (has sitemap.xml, 404.html)
//   KAA_FORM_URL  absolute URL of the youth occupation form
//   CHROMIUM      optional, the browser binary (default /usr/bin/chromium)
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';
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
export const SPECIAL_PAGES = ['404.html', '413.html', '429.html', '50x.html'];

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
