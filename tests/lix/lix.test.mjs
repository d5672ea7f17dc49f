// Readability of the youth pages: LIX of the text people see in each
// generated page's <main>. Prints "LIX <value> <url>" for every page, and
// fails if a youth-facing page (audience unga or alla, or English) is above
// 40 (easy text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lix, lixOfPage, htmlBlocks, counts, frontMatter, mainOf } from './lix.mjs';

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
