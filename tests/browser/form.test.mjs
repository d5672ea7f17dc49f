// The youth occupation form as a person uses it: found by its visible labels,
// submitted with mouse or keyboard, with and without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	env, launch, newPage, fillValid, presentChoices, submit, assertErrorsShown,
	LABELS, VALID, BAD_PNR, REF_RE,
} from './lib.mjs';

const FORM = env('KAA_FORM_URL');
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The receipt shows a reference code the youth can quote.
async function assertReceipt(page, resp) {
	assert.equal(resp.status(), 200, `receipt page answered ${resp.status()}`);
	if (page.url() === FORM) {
		const errs = await page.locator('.error-summary').innerText().catch(() => '(no error summary)');
		assert.fail(`a valid submission must redirect (303) away from the form (got ${resp.status()} ${resp.url()}); the form says: ${errs}`);
	}
	const ref = page.locator('.receipt .ref');
	assert.equal(await ref.count(), 1, 'the receipt shows one reference code');
	const code = (await ref.textContent()).trim();
	assert.match(code, REF_RE, `reference code looks wrong: "${code}"`);
	assert.match(await page.locator('main').innerText(), /referensnummer/i);
	return code;
}

test('a valid form filled by its labels lands on the receipt', async () => {
	const page = await newPage(browser);
	try {
		const r = await page.goto(FORM);
		assert.equal(r.status(), 200);
		assert.match(await page.title(), /\S/);
		await fillValid(page);
		await page.getByLabel(LABELS.message).fill('Jag vill gärna börja plugga igen.');
		const code = await assertReceipt(page, await submit(page));
		console.log(`receipt reference ${code}`);
	} finally {
		await page.context().close();
	}
});

// "Jag vet inte" is an answer; e-mail alone is enough of the phone/e-mail
// pair, which is one group that says so (neither field is "frivilligt");
// and the receipt tells what happens after "Nej, inte just nu".
test('"Jag vet inte", e-mail only and "no contact now": the receipt says we ask again later', async () => {
	const page = await newPage(browser);
	try {
		await page.goto(FORM);
		const pair = page.getByRole('group', { name: /^Hur kan vi nå dig/ });
		assert.equal(await pair.count(), 1, 'phone and e-mail are one group');
		assert.match(await pair.innerText(), /Ett av dem räcker/);
		assert.equal(await pair.getByLabel(LABELS.phone).count(), 1);
		assert.equal(await pair.getByLabel(LABELS.email).count(), 1);
		assert.doesNotMatch(await pair.innerText(), /frivilligt/);
		await page.getByLabel(LABELS.name).fill(VALID.name);
		await page.getByLabel(LABELS.pnr).fill(VALID.pnr);
		await page.getByLabel(LABELS.email).fill(VALID.email);
		const school = page.getByRole('group', { name: /^Har du en examen från gymnasiet/ });
		// A hard word is explained beside its answer, and read with it.
		const studiebevis = school.getByRole('radio', { name: /studiebevis/ });
		assert.match(await studiebevis.getAttribute('aria-describedby'), /-hint$/);
		await school.getByRole('radio', { name: /^Jag vet inte$/ }).check();
		await page.getByRole('group', { name: /^Vad gör du just nu/ })
			.getByRole('radio', { name: /^Jag söker arbete/ }).check();
		await page.getByRole('group', { name: /^Vill du att vi kontaktar dig/ })
			.getByRole('radio', { name: /^Nej, inte just nu/ }).check();
		await assertReceipt(page, await submit(page));
		assert.match(await page.locator('main').innerText(), /Om några månader frågar vi igen/);
	} finally {
		await page.context().close();
	}
});

test('an empty form shows the error summary and messages beside the fields', async () => {
	const page = await newPage(browser);
	try {
		await page.goto(FORM);
		const r = await submit(page);
		assert.ok(r.status() === 200 || r.status() === 400 || r.status() === 422, `status ${r.status()}`);
		assert.ok(!page.url().includes('kvitto'), 'no receipt for an empty form');
		await assertErrorsShown(page, 3);
		// Name and personnummer are required; both are in the summary.
		const summaryText = await page.locator('.error-summary').innerText();
		assert.match(summaryText, /namn/i);
		assert.match(summaryText, /personnummer/i);
		// The summary's first link takes focus to its field.
		const first = page.locator('.error-summary a').first();
		const id = (await first.getAttribute('href')).slice(1);
		await first.click();
		const focused = await page.evaluate(() => document.activeElement?.id ||
			document.activeElement?.closest('[id]')?.id);
		assert.ok(focused === id || (await page.locator(`[id="${id}"] :focus`).count()) === 1 ||
			page.url().endsWith('#' + id), `following the summary link reaches #${id}`);
	} finally {
		await page.context().close();
	}
});

test('on error everything typed is kept', async () => {
	const page = await newPage(browser);
	try {
		await page.goto(FORM);
		// Name, phone and message filled; a personnummer with a wrong check
		// digit; no radio chosen.
		await page.getByLabel(LABELS.name).fill('Åsa Öberg-Testsson');
		await page.getByLabel(LABELS.pnr).fill(BAD_PNR);
		await page.getByLabel(LABELS.phone).fill(VALID.phone);
		await page.getByLabel(LABELS.email).fill('');
		await page.getByLabel(LABELS.message).fill('Hej! <b>inte fetstil</b> & "citat"');
		await submit(page);
		await assertErrorsShown(page, 1);
		assert.equal(await page.getByLabel(LABELS.name).inputValue(), 'Åsa Öberg-Testsson');
		assert.equal(await page.getByLabel(LABELS.pnr).inputValue(), BAD_PNR);
		assert.equal(await page.getByLabel(LABELS.phone).inputValue(), VALID.phone);
		assert.equal(await page.getByLabel(LABELS.message).inputValue(), 'Hej! <b>inte fetstil</b> & "citat"');
		// The bad personnummer has its own message beside it.
		const pnrField = page.locator('.field', { has: page.getByLabel(LABELS.pnr) });
		assert.equal(await pnrField.locator('.field-error').count(), 1, 'a message beside the personnummer');
		assert.equal(await page.getByLabel(LABELS.pnr).getAttribute('aria-invalid'), 'true');

		// A chosen radio is kept too: choose them, break the name, resubmit.
		const choices = await presentChoices(page);
		for (const c of choices) await c.locator.check();
		await page.getByLabel(LABELS.name).fill('');
		await page.getByLabel(LABELS.pnr).fill(VALID.pnr);
		await submit(page);
		await assertErrorsShown(page, 1);
		for (const c of await presentChoices(page))
			assert.ok(await c.locator.isChecked(), `choice kept: ${c.choice}`);
		assert.equal(await page.getByLabel(LABELS.pnr).inputValue(), VALID.pnr);
	} finally {
		await page.context().close();
	}
});

// nginx answers a body over 16 KiB itself (413) with kaa-gen's 413.html; it
// (like 429.html and 50x.html) promises that the browser's back button
// brings the form back with everything typed except the personnummer
// (autocomplete="off"). This holds the pages to that promise.
test('too much text: our 413 page, and back brings the answers but the personnummer', async () => {
	const page = await newPage(browser);
	try {
		await page.goto(FORM);
		await fillValid(page);
		const long = 'Jag har mycket att berätta. '.repeat(700);   // ~20 KB sent
		await page.getByLabel(LABELS.message).fill(long);
		const r = await submit(page);
		assert.equal(r.status(), 413, 'nginx stops the body');
		assert.equal((await page.locator('main#innehall h1').innerText()).trim(), 'För mycket text');
		const says = await page.locator('main').innerText();
		assert.match(says, /bakåtknapp/);
		assert.match(says, /utom personnumret/);

		await page.goBack();
		assert.equal(page.url(), FORM, 'back is the form');
		assert.equal(await page.getByLabel(LABELS.name).inputValue(), VALID.name);
		assert.equal(await page.getByLabel(LABELS.phone).inputValue(), VALID.phone);
		assert.equal(await page.getByLabel(LABELS.email).inputValue(), VALID.email);
		assert.equal(await page.getByLabel(LABELS.message).inputValue(), long);
		for (const c of await presentChoices(page))
			assert.ok(await c.locator.isChecked(), `choice kept: ${c.choice}`);
		assert.equal(await page.getByLabel(LABELS.pnr).inputValue(), '',
			'the personnummer is not kept; if it now is, change the pages\' words (generator/site.c)');
	} finally {
		await page.context().close();
	}
});

// Describes the focused element for the keyboard walk.
const describeFocus = () => {
	const el = document.activeElement;
	if (!el || el === document.body) return { tag: 'body' };
	const label = (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent || '').trim();
	const legend = el.closest('fieldset')?.querySelector('legend')?.textContent.trim() || '';
	return { tag: el.tagName.toLowerCase(), type: el.type || '', label, legend, checked: !!el.checked,
		inForm: !!el.closest('form') };
};

async function keyboardSubmission(page) {
	await page.goto(FORM);
	const values = [
		[LABELS.name, VALID.name], [LABELS.pnr, VALID.pnr],
		[LABELS.phone, VALID.phone], [LABELS.email, VALID.email],
		[LABELS.message, 'Skickat med bara tangentbordet.'],
	];
	const wanted = await presentChoices(page);
	const doneGroups = new Set();
	for (let i = 0; i < 120; i++) {
		await page.keyboard.press('Tab');
		const f = await page.evaluate(describeFocus);
		if (!f.inForm) continue;
		if (f.tag === 'button') {
			assert.equal(doneGroups.size, wanted.length, 'all radio groups answered before the button');
			return submit(page, () => page.keyboard.press('Enter'));
		}
		if (f.type === 'radio') {
			const c = wanted.find((w) => w.group.test(f.legend));
			if (!c || doneGroups.has(c)) continue;
			// Arrow keys move within a group; Space checks the focused one.
			for (let j = 0; j < 12 && !c.choice.test((await page.evaluate(describeFocus)).label); j++)
				await page.keyboard.press('ArrowDown');
			assert.match((await page.evaluate(describeFocus)).label, c.choice);
			await page.keyboard.press('Space');
			assert.ok((await page.evaluate(describeFocus)).checked);
			doneGroups.add(c);
			continue;
		}
		const v = values.find(([re]) => re.test(f.label));
		if (v && (f.tag === 'input' || f.tag === 'textarea'))
			await page.keyboard.type(v[1]);
	}
	assert.fail('never reached the submit button with Tab');
}

test('one full submission with the keyboard only', async () => {
	const page = await newPage(browser);
	try {
		await assertReceipt(page, await keyboardSubmission(page));
	} finally {
		await page.context().close();
	}
});

test('without JavaScript the form works the same', async () => {
	const page = await newPage(browser, { javaScriptEnabled: false });
	try {
		await page.goto(FORM);
		await submit(page);
		await assertErrorsShown(page, 3);
		await fillValid(page);
		await assertReceipt(page, await submit(page));
	} finally {
		await page.context().close();
	}
});

test('a youth aged 20 or over gets a friendly answer, not a receipt', async () => {
	const page = await newPage(browser);
	try {
		await page.goto(FORM);
		await fillValid(page, { over20: true });
		const r = await submit(page);
		assert.equal(r.status(), 200);
		assert.equal(await page.locator('.receipt').count(), 0, 'no receipt: nothing is stored');
		assert.equal(await page.locator('.error-summary').count(), 0, 'not shown as an error');
		assert.match(await page.locator('main').innerText(), /20/);
	} finally {
		await page.context().close();
	}
});
