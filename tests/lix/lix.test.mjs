// Readability of the youth pages: LIX of the text people see in each
// generated page's <main>. Prints "LIX <value> <url>" for every page, and
// fails if a youth-facing page (audience unga or alla, or English) is above
// 40 (easy text).
//
// Also the letter templates (content/letters/*.md) that kaa-gen letters
// prints: their front matter, placeholders and links, and their LIX, measured
// from the Markdown alone (no built site needed):
//   node --test --test-name-pattern=letter tests/lix/lix.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, relative, dirname, basename, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lix, lixOfPage, htmlBlocks, counts, frontMatter, mainOf, decodeEntities } from './lix.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_YOUTH = 40;

// --- the LIX function on known text -----------------------------------------

test('LIX of a known Swedish text', () => {
	// 10 words, 2 sentences, 3 long words (Stockholm, studerar, matematik):
	// 10/2 + 100·3/10 = 35.
	assert.equal(lix('Jag heter Anna. Jag bor i Stockholm och studerar matematik.'), 35);
	// Six letters is not long, seven is: 4/1 + 100·1/4 = 29.
	assert.equal(lix('Sexbok sjubokst är här'), 4 + 25);
	assert.deepEqual(counts(['Ja! Nej? Kanske.']), { words: 3, long: 0, sentences: 3 });
});

test('LIX counts words and sentences the way they are read', () => {
	// A domain or a time does not end a sentence; hyphens and colons stay
	// inside the word; digits are words but not letters.
	assert.deepEqual(counts(['Gå till arbetsformedlingen.se kl. 8.30 med KAA:s e-tjänst.']),
		{ words: 8, long: 2, sentences: 2 });
	assert.throws(() => lix(''), /no words/);
	assert.throws(() => lix(['— … !']), /no words/);
});

test('LIX of HTML: blocks end sentences, hidden text is left out', () => {
	const html = `<h1>Rubrik här</h1><p>En mening. En till!</p>
		<ul><li>punkt ett</li><li>punkt <a href="/x">två</a></li></ul>
		<p class="field-error"><span class="visually-hidden">Fel: </span>Skriv&nbsp;namn</p>
		<script>var osynligtskript = 1;</script><!-- kommentarsord --><p hidden>Doldastetext här</p>`;
	assert.deepEqual(htmlBlocks(html),
		['Rubrik här', 'En mening. En till!', 'punkt ett', 'punkt två', 'Skriv namn']);
	// 12 words in 6 sentences, no long word: LIX 2.
	assert.equal(lix(htmlBlocks(html)), 2);
	const page = '<html><body><nav>Menyordetsomintesyns</nav><main id="innehall"><p>Jag heter Anna.</p></main></body></html>';
	assert.equal(mainOf(page), '<p>Jag heter Anna.</p>');
	assert.equal(lixOfPage(page), 3);
	assert.throws(() => lixOfPage('<p>ingen main</p>'), /no <main>/);
});

test('front matter is read from the top of a content file', () => {
	assert.deepEqual(frontMatter('---\ntitle: "Hej: du"\naudience: unga\norder: 10\n---\nText\n'),
		{ title: 'Hej: du', audience: 'unga', order: '10' });
	assert.deepEqual(frontMatter('# ingen front matter\n'), {});
});

// --- the generated youth pages ------------------------------------------------

function contentFiles(dir) {
	const out = [];
	const walk = (d) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.name.endsWith('.md')) out.push(p);
		}
	};
	walk(dir);
	return out.sort();
}

// Where kaa-gen put the page for content file rel (a/b.md): a/b/index.html
// (pretty URLs) or a/b.html; a/index.md is a/index.html.
function outputOf(siteDir, rel) {
	const dir = dirname(rel) === '.' ? '' : dirname(rel);
	const name = basename(rel, '.md');
	const cands = name === 'index' || name === '_index'
		? [join(dir, 'index.html')]
		: [join(dir, name, 'index.html'), join(dir, name + '.html')];
	for (const c of cands)
		if (existsSync(join(siteDir, c))) {
			const url = '/' + c.replace(/index\.html$/, '');
			return { file: join(siteDir, c), url };
		}
	return { file: null, tried: cands };
}

const siteDir = process.env.KAA_SITE_DIR;
const contentDir = process.env.KAA_CONTENT_DIR || join(ROOT, 'content');

test('youth pages are easy to read (LIX ≤ 40)', { skip: !siteDir && 'KAA_SITE_DIR is not set (run through make browser)' }, () => {
	const measured = [];
	const missing = [];
	for (const md of contentFiles(contentDir)) {
		const rel = relative(contentDir, md);
		// Letter templates are printed by kaa-gen letters, not pages of the
		// site; they are measured below.
		if (rel.startsWith('letters' + sep)) continue;
		const fm = frontMatter(readFileSync(md, 'utf8'));
		// Youth-facing: pages for youths, pages for everyone (the start page
		// and the shared pages a youth reaches from it) and the English pages.
		// Every page is measured and printed; only these are limited.
		const aud = (fm.audience || '').split(/[\s,]+/);
		const english = (fm.lang || '') === 'en' || rel.startsWith('en/');
		const youth = aud.includes('unga') || aud.includes('alla') || english;
		const out = outputOf(siteDir, rel);
		if (!out.file) { missing.push(`${rel} (looked for ${out.tried.join(', ')})`); continue; }
		const value = lixOfPage(readFileSync(out.file, 'utf8'));
		measured.push({ value, url: out.url, youth, rel });
	}
	for (const m of measured)
		console.log(`LIX ${m.value.toFixed(1)} ${m.url}${m.youth ? '' : '  (not a youth page: not limited)'}`);
	assert.deepEqual(missing, [], 'every content file has a generated page');
	assert.ok(measured.some((m) => m.youth), `no page with audience: unga found under ${contentDir}`);
	const hard = measured.filter((m) => m.youth && m.value > MAX_YOUTH);
	assert.deepEqual(hard.map((m) => `${m.url} (${m.rel}): LIX ${m.value.toFixed(1)}`), [],
		`youth pages must have LIX ≤ ${MAX_YOUTH}`);
});

// --- the letter templates -----------------------------------------------------

const LETTERS_DIR = join(ROOT, 'content', 'letters');
const CONF = join(ROOT, 'conf', 'exempelkommun.ini');

// The letters kaa-gen letters knows, and whom each is for.
const KINDS = { '20ar': 'youth', 'forsta-kontakt': 'youth', 'forsta-kontakt-vardnadshavare': 'guardian' };
const FRONT_MATTER_KEYS = ['kind', 'subject', 'recipient'];

// Realistic values for every placeholder a letter may use. The letter's own
// values (mottagare, ungdom, brev) as kaa-gen letters fills them from a
// roster row; every other name is a configuration value (section.key) and
// must exist in conf/exempelkommun.ini. mottagare.fornamn exists only in
// letters to the youth.
const LETTER_VALUES = {
	'ungdom.fornamn': 'Alva',
	'ungdom.efternamn': 'Lindqvist',
	'ungdom.namn': 'Alva Lindqvist',
	'brev.datum': '2026-12-02',
	'brev.slutdatum': '12 mars 2027',
};
const RECIPIENT_VALUES = {
	youth: { 'mottagare.namn': 'Alva Lindqvist', 'mottagare.fornamn': 'Alva' },
	guardian: { 'mottagare.namn': 'Karin Lindqvist' },
};
const CONF_VALUES = {
	'municipality.name': 'Exempelkommun',
	'office.name': 'Kommunala aktivitetsansvaret (KAA)',
	'office.phone': '08-465 004 10',
	'office.email': 'kaa@exempelkommun.example',
	'office.address': 'Storgatan 1, 123 45 Exempelstad',
	'office.hours': 'måndag–fredag kl. 8–16',
	'site.url': 'https://exempelkommun.se',
	'eservice.youth': '/e-tjanst/exempelkommun/sysselsattning',
};

const PLACEHOLDER_RE = /\{\{\{?\s*([^{}\s]+)\s*\}\}\}?/g;

// A letter template split into its front matter lines and its body; null
// when it does not start with a front matter block.
function splitLetter(md) {
	const m = md.match(/^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/);
	return m ? { front: m[1].split(/\r?\n/), body: md.slice(m[0].length) } : null;
}

// text with every placeholder replaced from values; names not in values are
// listed in unknown (and left as they were).
function fillPlaceholders(text, values) {
	const unknown = [];
	const out = text.replace(PLACEHOLDER_RE, (m, name) => {
		if (Object.hasOwn(values, name)) return values[name];
		unknown.push(name);
		return m;
	});
	return { text: out, unknown };
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ESC[c]);

// Links as paper shows them: "text (address)", or the address once when the
// text is the address, so the measured text is the printed text.
function printedLinks(html) {
	return html.replace(/<a\b[^>]*?\shref="([^"]*)"[^>]*>([\s\S]*?)<\/a\s*>/gi, (m, href, inner) => {
		const text = decodeEntities(inner.replace(/<[^>]*>/g, ''));
		const addr = decodeEntities(href);
		return text === addr ? inner : `${inner} (${escapeHtml(addr)})`;
	});
}

function cmark(markdown) {
	try {
		return execFileSync('cmark', [], { input: markdown, encoding: 'utf8' });
	} catch (e) {
		if (e.code === 'ENOENT')
			throw new Error('cmark is missing (Debian package cmark; run: make deps)');
		throw e;
	}
}

// The section.key names of an INI file.
function iniKeys(path) {
	const keys = new Set();
	let section = '';
	for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
		const line = raw.trim();
		const sec = line.match(/^\[([^\]]+)\]$/);
		if (sec) { section = sec[1].trim(); continue; }
		const kv = line.match(/^([^;#=\s][^=]*?)\s*=/);
		if (kv) keys.add(`${section}.${kv[1]}`);
	}
	return keys;
}

function letterFiles() {
	return readdirSync(LETTERS_DIR).filter((f) => f.endsWith('.md'))
		.sort((a, b) => basename(a, '.md').localeCompare(basename(b, '.md'), 'en'));
}

// Each letter: its name, front matter (as key → value; problems listed),
// body and the values its recipient gets.
function readLetters() {
	return letterFiles().map((file) => {
		const name = basename(file, '.md');
		const md = readFileSync(join(LETTERS_DIR, file), 'utf8');
		const parts = splitLetter(md);
		const fm = {};
		const problems = [];
		if (!parts) problems.push('no front matter (--- … ---) at the top');
		for (const line of parts ? parts.front : []) {
			if (line.trim() === '') continue;
			const kv = line.match(/^([A-Za-z_][\w-]*):[ \t]*(.*)$/);
			if (!kv) { problems.push(`front matter line is not "key: value": ${line}`); continue; }
			if (Object.hasOwn(fm, kv[1])) problems.push(`front matter key ${kv[1]} given twice`);
			fm[kv[1]] = kv[2].trim();
		}
		const values = { ...LETTER_VALUES, ...CONF_VALUES, ...(RECIPIENT_VALUES[fm.recipient] || {}) };
		return { file, name, fm, problems, body: parts ? parts.body : md, values };
	});
}

test('letter helpers: placeholders, front matter and printed links', () => {
	assert.deepEqual(fillPlaceholders('Hej {{ a.b }}, {{{c.d}}} och {{x.y}}!', { 'a.b': 'A', 'c.d': 'C' }),
		{ text: 'Hej A, C och {{x.y}}!', unknown: ['x.y'] });
	assert.deepEqual(splitLetter('---\nkind: 20ar\n---\nHej!\n'), { front: ['kind: 20ar'], body: 'Hej!\n' });
	assert.equal(splitLetter('Hej!\n---\n'), null);
	assert.equal(printedLinks('<a href="https://x.se/">https://x.se/</a>'), 'https://x.se/');
	assert.equal(printedLinks('<p>Se <a href="https://x.se/?a=1&amp;b=2">sidan</a>.</p>'),
		'<p>Se sidan (https://x.se/?a=1&amp;b=2).</p>');
	// The whole path from Markdown to LIX: heading, paragraph, list item and
	// hard line breaks each end a sentence; comments are not read.
	const html = printedLinks(cmark('Hej Alva!\n<!-- Källa: långlångtext -->\n\n- ett två\n\nA\\\nB\n'));
	assert.deepEqual(htmlBlocks(html), ['Hej Alva!', 'ett två', 'A', 'B']);
});

test('letter templates: exactly the known kinds, each with kind, subject and recipient', () => {
	const letters = readLetters();
	assert.deepEqual(letters.map((l) => l.name).sort(), Object.keys(KINDS).sort(),
		`content/letters/ holds one template per kind kaa-gen letters knows`);
	const bad = [];
	for (const l of letters) {
		bad.push(...l.problems.map((p) => `${l.file}: ${p}`));
		const keys = Object.keys(l.fm).sort();
		if (keys.join() !== [...FRONT_MATTER_KEYS].sort().join())
			bad.push(`${l.file}: front matter keys are ${keys.join(', ') || 'none'}; want exactly ${FRONT_MATTER_KEYS.join(', ')}`);
		if (l.fm.kind !== l.name) bad.push(`${l.file}: kind is "${l.fm.kind}", not the file's name "${l.name}"`);
		if (!['youth', 'guardian'].includes(l.fm.recipient))
			bad.push(`${l.file}: recipient is "${l.fm.recipient}"; want youth or guardian`);
		else if (KINDS[l.name] && l.fm.recipient !== KINDS[l.name])
			bad.push(`${l.file}: recipient is ${l.fm.recipient}; a ${l.name} letter goes to the ${KINDS[l.name]}`);
		if (!l.fm.subject) bad.push(`${l.file}: subject is empty`);
	}
	assert.deepEqual(bad, []);
});

test('letter templates: only known placeholders, no personnummer', () => {
	const confKeys = iniKeys(CONF);
	const notInConf = Object.keys(CONF_VALUES).filter((k) => !confKeys.has(k));
	assert.deepEqual(notInConf, [], `the test's configuration values exist in ${relative(ROOT, CONF)}`);
	const bad = [];
	for (const l of readLetters()) {
		for (const [where, text] of [['subject', l.fm.subject || ''], ['body', l.body]]) {
			const { text: out, unknown } = fillPlaceholders(text, l.values);
			for (const name of unknown)
				bad.push(`${l.file}: unknown placeholder {{${name}}} in the ${where} of a letter to the ${l.fm.recipient}`);
			if (unknown.length === 0 && /\{\{|\}\}/.test(out))
				bad.push(`${l.file}: a malformed placeholder is left in the ${where}`);
			// IMY: a personnummer never shows in a letter.
			if (/\b(?:\d{2})?\d{6}[-+]?\d{4}\b/.test(out))
				bad.push(`${l.file}: something that looks like a personnummer in the ${where}`);
		}
	}
	assert.deepEqual(bad, []);
});

// Whether a path of the site (/a/b/) has a content page: a/b.md or a/b/index.md.
function pageExists(path) {
	const p = path.replace(/^\/+|\/+$/g, '');
	const cands = p === '' ? ['index.md'] : [`${p}.md`, join(p, 'index.md')];
	return cands.some((c) => existsSync(join(ROOT, 'content', c)));
}

test('letter templates link only to pages of the site that exist', () => {
	const bad = [];
	for (const l of readLetters()) {
		// {{site.url}}/path… as link target or as printed text; the e-service
		// ({{site.url}}{{eservice.youth}}) is not a content page.
		for (const m of l.body.matchAll(/\{\{\s*site\.url\s*\}\}(\/[^\s)\]<>"]*)/g))
			if (!pageExists(m[1].replace(/[#?].*$/, '').replace(/[.,;:!]+$/, '')))
				bad.push(`${l.file}: {{site.url}}${m[1]} is no page in content/`);
	}
	assert.deepEqual(bad, []);
});

test('letters are easy to read (LIX ≤ 40)', () => {
	const measured = [];
	for (const l of readLetters()) {
		// Measured like the site's pages: the subject as the heading, the body
		// through cmark, the same text extraction and LIX; links as printed.
		const subject = fillPlaceholders(l.fm.subject || '', l.values).text;
		const body = fillPlaceholders(l.body, l.values).text;
		const html = `<h1>${escapeHtml(subject)}</h1>\n${printedLinks(cmark(body))}`;
		const value = lix(htmlBlocks(html));
		measured.push({ name: l.name, value });
		console.log(`LIX ${value.toFixed(1)} letter ${l.name}`);
	}
	assert.ok(measured.length > 0, `no letter templates in ${LETTERS_DIR}`);
	const hard = measured.filter((m) => m.value > MAX_YOUTH);
	assert.deepEqual(hard.map((m) => `${m.name}: LIX ${m.value.toFixed(1)}`), [], `letters must have LIX ≤ ${MAX_YOUTH}`);
});
