// Accessibility of every generated page and of the e-service's forms (the
// youth form, the region's school notice) in each of their states, in headless chromium: axe-core (WCAG 2.0/2.1 A and AA rules), the
// page language, a working skip link, visible keyboard focus, no horizontal
// scrolling at 320 px, and a print style without the menus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
	env, launch, newPage, sitemapUrls, fillValid, fillSchool, schoolSubmit, submit, ROOT, SPECIAL_PAGES,
} from './lib.mjs';

const BASE = env('KAA_URL');
const SITE = env('KAA_SITE_DIR');
const FORM = env('KAA_FORM_URL');
const SCHOOL = env('KAA_SCHOOL_URL');
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WIDE = { width: 1280, height: 900 };

let browser, page;

before(async () => {
	browser = await launch();
	// bypassCSP: axe is injected as an inline script, which a strict
	// Content-Security-Policy from nginx would (rightly) block.
	page = await newPage(browser, { viewport: WIDE, bypassCSP: true });
});
after(async () => { await browser?.close(); });

function formatViolations(violations) {
	return violations.map((v) => {
		const nodes = v.nodes.slice(0, 6).map((n) =>
			`      at ${n.target.join(' ')}\n        ${(n.failureSummary || '').replace(/\n/g, '\n        ')}`);
		if (v.nodes.length > 6) nodes.push(`      … and ${v.nodes.length - 6} more`);
		return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes.join('\n')}`;
	}).join('\n');
}

async function checkAxe(where) {
	await page.addScriptTag({ path: AXE });
	const violations = await page.evaluate(async (tags) => {
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: tags },
			resultTypes: ['violations'],
		});
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary })),
		}));
	}, TAGS);
	assert.equal(violations.length, 0,
		`${where}: ${violations.length} axe violation(s):\n${formatViolations(violations)}`);
}

async function checkLang(where, expected) {
	const lang = await page.evaluate(() => document.documentElement.lang);
	assert.equal(lang, expected, `${where}: <html lang>`);
}

// The layout's words are in the page's language (site/layout.html's
// {{ui.*}}, from generator/nav.c), and the link to the other language is
// marked with that language.
const WORDS = {
	sv: { skip: 'Gå direkt till innehållet', menu: 'Huvudmeny', about: 'Om webbplatsen',
		other: { text: 'In English', lang: 'en', href: '/en/' } },
	en: { skip: 'Skip to content', menu: 'Main menu', about: 'About this website',
		other: { text: 'På svenska', lang: 'sv', href: '/' } },
};

async function checkWords(where, lang) {
	const w = WORDS[lang];
	const skip = page.locator('a.skip-link');
	assert.equal((await skip.textContent()).trim(), w.skip, `${where}: the skip link's words`);
	assert.equal(await skip.getAttribute('lang'), null, `${where}: the skip link is in the page's language`);
	assert.equal(await page.locator('nav.site-nav').getAttribute('aria-label'), w.menu, `${where}: the menu's label`);
	assert.equal(await page.locator('nav.site-footer__links').getAttribute('aria-label'), w.about,
		`${where}: the footer links' label`);
	const other = page.locator(`.site-footer a[lang="${w.other.lang}"][hreflang="${w.other.lang}"]`);
	assert.equal(await other.count(), 1, `${where}: one link to the other language, marked lang="${w.other.lang}"`);
	assert.equal(await other.getAttribute('href'), w.other.href, `${where}: the other language's start page`);
	assert.equal((await other.textContent()).trim(), w.other.text, `${where}: the other language's name`);
	// On English pages a link to a page only in Swedish says so in words: a
	// screen reader does not announce hreflang.
	if (lang === 'en')
		for (const t of await page.locator('.site-footer a[hreflang="sv"]:not([lang])').allTextContents())
			assert.match(t, /\(in Swedish\)$/, `${where}: "${t}" leads to a Swedish page and must say so`);
}

// The first Tab from the top of a freshly loaded page reaches a skip link;
// following it puts focus in <main>. Pages reached by POST are checked the
// same way, starting from the skip link itself.
async function checkSkipLink(where) {
	await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
	// The first element in tab order, by the DOM: works whatever the
	// browser's focus starting point is after a form post.
	const first = await page.evaluate(() => {
		const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
		for (const el of document.querySelectorAll(sel)) {
			if (el.disabled || el.tabIndex < 0 || el.closest('[hidden],[inert]')) continue;
			return { tag: el.tagName.toLowerCase(), href: el.getAttribute('href'), text: el.textContent.trim() };
		}
		return null;
	});
	assert.ok(first, `${where}: the page has focusable elements`);
	assert.equal(first.tag, 'a', `${where}: the first focusable element is a link (skip link), not <${first.tag}>`);
	assert.equal(first.href, '#innehall', `${where}: the first link skips to #innehall`);
	assert.equal(await page.locator('main#innehall').count(), 1, `${where}: <main id="innehall">`);

	await page.keyboard.press('Tab');
	const focused = await page.evaluate(() => ({
		href: document.activeElement?.getAttribute('href'),
		rect: document.activeElement?.getBoundingClientRect().toJSON(),
	}));
	assert.equal(focused.href, '#innehall', `${where}: the first Tab lands on the skip link`);
	assert.ok(focused.rect.top >= 0 && focused.rect.height > 0 && focused.rect.width > 0,
		`${where}: the focused skip link is visible (${JSON.stringify(focused.rect)})`);
	await page.keyboard.press('Enter');
	const active = await page.evaluate(() => document.activeElement?.id);
	assert.equal(active, 'innehall', `${where}: the skip link moves focus to <main>`);
}

const FOCUS_PROPS = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow', 'backgroundColor', 'color',
	'borderTopColor'];

// The focused element's computed style, and the same element's style with
// focus taken away; focus is then put back, so a Tab walk can go on.
const focusStyles = (props) => {
	const el = document.activeElement;
	if (!el || el === document.body) return null;
	const pick = () => { const cs = getComputedStyle(el); return Object.fromEntries(props.map((p) => [p, cs[p]])); };
	const focused = pick();
	// Dates and whole numbers are text inputs with a class of their own.
	const kind = el.tagName.toLowerCase() + (el.type && el.tagName === 'INPUT' ? `[type=${el.type}]` : '') +
		[...el.classList].filter((c) => c.startsWith('input--')).map((c) => '.' + c).join('');
	const desc = `<${kind}${el.id ? ' id=' + el.id : ''}> ${(el.labels?.[0]?.textContent || el.textContent).trim().slice(0, 40)}`;
	const visible = el.matches(':focus-visible');
	el.blur();
	const blurred = pick();
	el.focus();
	return { kind, desc, focused, blurred, visible };
};

// Focus must be visible: :focus-visible matches, and the element gets an
// outline of at least 2 px or a box-shadow it did not have.
function assertFocusShows(where, r) {
	assert.ok(r.visible, `${where}: ${r.desc} matches :focus-visible after Tab`);
	const changed = FOCUS_PROPS.filter((p) => r.focused[p] !== r.blurred[p]);
	assert.ok(changed.length > 0, `${where}: focus on ${r.desc} changes nothing visible`);
	const outline = r.focused.outlineStyle !== 'none' && parseFloat(r.focused.outlineWidth) >= 2 &&
		!/rgba\(.*, 0\)$/.test(r.focused.outlineColor) && r.focused.outlineColor !== 'transparent';
	const shadow = r.focused.boxShadow !== 'none' && r.focused.boxShadow !== r.blurred.boxShadow;
	assert.ok(outline || shadow,
		`${where}: focus on ${r.desc} needs an outline ≥ 2px or a box-shadow (got ${JSON.stringify(r.focused)})`);
}

// Tab from <main> (where the skip link left focus) to the first control in
// it, a link, a field or a button, and check its focus shows.
async function checkFocusVisible(where) {
	await page.keyboard.press('Tab');
	const r = await page.evaluate(focusStyles, FOCUS_PROPS);
	assert.ok(r, `${where}: Tab after the skip link reaches an element`);
	assertFocusShows(where, r);
}

async function checkNarrow(where) {
	await page.setViewportSize({ width: 320, height: 800 });
	try {
		const w = await page.evaluate(() => new Promise((res) => requestAnimationFrame(() =>
			res({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,
				widest: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 320.5)
					.slice(0, 3).map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`) }))));
		assert.ok(w.doc <= 320 && w.body <= 320,
			`${where}: at 320 px the page is ${w.doc} px wide (overflowing: ${w.widest.join(', ')})`);
	} finally {
		await page.setViewportSize(WIDE);
	}
}

async function checkPrint(where) {
	await page.emulateMedia({ media: 'print' });
	try {
		for (const sel of ['.site-nav', '.skip-link', '.site-footer nav'])
			if (await page.locator(sel).count() > 0)
				assert.ok(!(await page.locator(sel).first().isVisible()), `${where}: ${sel} is hidden in print`);
		assert.ok(await page.locator('main h1').isVisible(), `${where}: the title is printed`);
		// A receipt is printed for the records: its summary is on paper,
		// the advice on how to print is not.
		const lists = page.locator('main .receipt-summary');
		for (let i = 0; i < await lists.count(); i++)
			assert.ok(await lists.nth(i).isVisible(), `${where}: receipt summary ${i + 1} is printed`);
		const screenOnly = page.locator('.no-print');
		for (let i = 0; i < await screenOnly.count(); i++)
			assert.ok(!(await screenOnly.nth(i).isVisible()), `${where}: .no-print ${i + 1} is hidden in print`);
	} finally {
		await page.emulateMedia({ media: 'screen' });
	}
}

// Runs every check and reports all that failed, not just the first.
async function checkAll(where, lang) {
	const failures = [];
	const run = async (fn, ...args) => {
		try { await fn(where, ...args); } catch (e) { failures.push(e.message); }
	};
	await run(checkLang, lang);
	await run(checkWords, lang);
	await run(checkAxe);        // first, on the page as loaded, nothing focused
	await run(checkSkipLink);
	await run(checkFocusVisible);
	await run(checkNarrow);
	await run(checkPrint);
	assert.equal(failures.length, 0, failures.join('\n\n'));
}

const langOf = (url) => (new URL(url).pathname.match(/^\/en(\/|$)/) ? 'en' : 'sv');

const pages = [...sitemapUrls(SITE, BASE), ...SPECIAL_PAGES.map((p) => `${BASE}/${p}`)];
for (const url of pages) {
	const path = url.slice(BASE.length) || '/';
	test(`page ${path}`, async () => {
		const r = await page.goto(url);
		assert.equal(r.status(), 200, `${path}: HTTP ${r.status()}`);
		await checkAll(path, langOf(url));
	});
}

test('a missing page answers 404 with the site\'s 404 page', async () => {
	const r = await page.goto(BASE + '/finns-inte-' + process.pid + '/');
	assert.equal(r.status(), 404);
	assert.equal(await page.locator('main#innehall h1').count(), 1, 'the generated 404 page is shown');
});

// Both forms in each of their states: as first shown, sent empty (the
// errors), and filled (the receipt).
const FORMS = [
	{ name: 'youth form', url: FORM, fill: fillValid, send: (page) => submit(page) },
	{ name: 'school notice', url: SCHOOL, fill: fillSchool, send: (page) => submit(page, () => schoolSubmit(page).click()) },
];

for (const f of FORMS) {
	test(`e-service: the ${f.name}, empty`, async () => {
		const r = await page.goto(f.url);
		assert.equal(r.status(), 200);
		await checkAll(`${f.name} (empty)`, 'sv');
	});

	test(`e-service: the ${f.name} with errors`, async () => {
		await page.goto(f.url);
		await f.send(page);
		assert.equal(await page.locator('.error-summary').count(), 1, 'the error summary is shown');
		await checkAll(`${f.name} (errors)`, 'sv');
	});

	test(`e-service: the ${f.name}'s receipt`, async () => {
		await page.goto(f.url);
		await f.fill(page);
		await f.send(page);
		assert.equal(await page.locator('.receipt .ref').count(), 1, 'the receipt is shown');
		await checkAll(`${f.name} (receipt)`, 'sv');
	});
}

test('e-service: the answer for 20 or older', async () => {
	await page.goto(FORM);
	await fillValid(page, { over20: true });
	await submit(page);
	assert.equal(await page.locator('.receipt').count(), 0);
	assert.equal(await page.locator('.error-summary').count(), 0);
	await checkAll('over 20', 'sv');
});

// Tab through a whole form; every kind of control met shows its focus.
const CONTROLS = [
	{ name: 'youth form', url: FORM, kinds: ['a', 'input[type=text]', 'input[type=radio]', 'textarea', 'button'] },
	{ name: 'school notice', url: SCHOOL, kinds: ['a', 'input[type=text]', 'input[type=email]', 'input[type=tel]',
		'input[type=radio]', 'input[type=checkbox]', 'input[type=text].input--date', 'input[type=text].input--int',
		'textarea', 'button'] },
];

for (const f of CONTROLS) {
	test(`e-service: every kind of control on the ${f.name} shows keyboard focus`, async () => {
		await page.goto(f.url);
		const seen = new Map();
		for (let i = 0; i < 150; i++) {
			await page.keyboard.press('Tab');
			const r = await page.evaluate(focusStyles, FOCUS_PROPS);
			if (!r) break;
			if (!seen.has(r.kind)) seen.set(r.kind, r);
			if (r.kind === 'button') break;
		}
		for (const kind of f.kinds)
			assert.ok(seen.has(kind), `Tab reaches a ${kind} on the ${f.name} (reached: ${[...seen.keys()].join(', ')})`);
		for (const r of seen.values())
			assertFocusShows(f.name, r);
	});
}
