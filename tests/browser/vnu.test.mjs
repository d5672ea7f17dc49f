// HTML validity: the Nu HTML checker (vnu-jar, run with the system's Java)
// over every .html file kaa-gen built, plus the e-service's pages exactly as
// the server sent them: the youth form (empty, with errors, receipt, over 20)
// and the region's school notice (empty, with errors, receipt).
// The site's stylesheets and SVG images are checked too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
	env, launch, newPage, fillValid, fillSchool, schoolSubmit, submit, filesUnder, ROOT, SPECIAL_PAGES,
} from './lib.mjs';

const SITE = env('KAA_SITE_DIR');
const FORM = env('KAA_FORM_URL');
const SCHOOL = env('KAA_SCHOOL_URL');
const VNU = join(ROOT, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
const JAVA = process.env.JAVA || 'java';

let tmp;
const files = new Map();   // path on disk -> name shown in reports
let errorsByFile = new Map();

// Fetches the e-service pages with a real browser, keeping each page's raw
// response body (not the DOM: the checker must see what the server sent).
async function saveFormPages() {
	const browser = await launch();
	try {
		const page = await newPage(browser);
		const save = async (name, resp) => {
			const p = join(tmp, `${name}.html`);
			writeFileSync(p, await resp.text());
			files.set(p, `e-service: ${name}`);
		};
		await save('form-empty', await page.goto(FORM));
		await save('form-errors', await submit(page));
		await page.goto(FORM);
		await fillValid(page);
		await save('receipt', await submit(page));
		await page.goto(FORM);
		await fillValid(page, { over20: true });
		await save('over-20', await submit(page));
		const sendNotice = () => submit(page, () => schoolSubmit(page).click());
		await save('school-empty', await page.goto(SCHOOL));
		await save('school-errors', await sendNotice());
		await page.goto(SCHOOL);
		await fillSchool(page);
		await save('school-receipt', await sendNotice());
		assert.ok(page.url().includes('/kvitto'), `the notice was sent (at ${page.url()})`);
	} finally {
		await browser.close();
	}
}

before(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'kaa-vnu-'));
	for (const ext of ['.html', '.css', '.svg'])
		for (const f of filesUnder(SITE, ext))
			files.set(f, relative(SITE, f));
	await saveFormPages();

	const r = spawnSync(JAVA, ['-jar', VNU, '--errors-only', '--also-check-css', '--also-check-svg',
		'--format', 'gnu', '--stdout', ...files.keys()],
		{ encoding: 'utf8', maxBuffer: 64 << 20 });
	if (r.error)
		throw new Error(`cannot run ${JAVA}: ${r.error.message} (Debian: default-jre-headless)`);
	// vnu exits 1 when it found errors; anything else is a failure to run.
	if (r.status !== 0 && r.status !== 1)
		throw new Error(`vnu exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
	errorsByFile = new Map();
	for (const line of (r.stdout + r.stderr).split('\n')) {
		if (!line.trim()) continue;
		const m = line.match(/^"(?:file:)?([^"]+)":(.*)$/);
		const file = m ? m[1] : '(unknown file)';
		if (!errorsByFile.has(file)) errorsByFile.set(file, []);
		errorsByFile.get(file).push(m ? m[2].trim() : line);
	}
	if (r.status === 1 && errorsByFile.size === 0)
		throw new Error(`vnu reported errors it did not print:\n${r.stderr}`);
});

after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

test('the checker saw the site and the e-service pages', () => {
	assert.ok([...files.values()].some((n) => n === 'index.html'), 'index.html was checked');
	for (const p of SPECIAL_PAGES)
		assert.ok([...files.values()].some((n) => n === p), `${p} was checked`);
	assert.ok([...files.values()].some((n) => n.endsWith('.css')), 'the stylesheets were checked');
	assert.deepEqual([...files.values()].filter((n) => n.startsWith('e-service:')).sort(),
		['form-empty', 'form-errors', 'over-20', 'receipt', 'school-empty', 'school-errors', 'school-receipt']
			.map((n) => `e-service: ${n}`));
	const unknown = [...errorsByFile.keys()].filter((f) => !files.has(f));
	assert.deepEqual(unknown, [], 'errors for files we did not ask about');
});

// One test per file, so the runner counts them and names the bad ones.
test('every page is valid HTML, CSS and SVG (Nu HTML checker, errors only)', async (t) => {
	for (const [path, name] of files) {
		await t.test(name, () => {
			const errs = errorsByFile.get(path) || [];
			assert.equal(errs.length, 0, `${name}: ${errs.length} error(s):\n  ${errs.join('\n  ')}`);
		});
	}
});
