// The region's school notice (skolanmälan) as school staff use it: every
// reason filed by its visible labels (one by keyboard only, one without
// JavaScript), routed to the chosen home municipality and sealed there; the
// form with errors keeps everything and says what is wrong beside each field;
// the receipt prints and never shows the pupil. axe, the Nu checker, 320 px
// and focus on every page are in a11y.test.mjs and vnu.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	env, launch, newPage, submit, assertErrorsShown, choiceIn, fillSchool, inboxRecord, inboxRefs, reason, dayFromToday,
	schoolSubmit, storedAs, REASONS, MUNICIPALITIES, SCHOOL_LABELS, SCHOOL_GROUPS, SCHOOL_VALID, LAW, MUST, SHOULD,
	VALID, BAD_PNR, REF_RE,
} from './lib.mjs';

const SCHOOL = env('KAA_SCHOOL_URL');
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function withPage(options, fn) {
	const page = await newPage(browser, options);
	try {
		return await fn(page);
	} finally {
		await page.context().close();
	}
}

const send = (page) => submit(page, () => schoolSubmit(page).click());

// The ways a personnummer may be written, none of which the receipt may show.
const pnrForms = (p) => [p, p.slice(2), `${p.slice(0, 8)}-${p.slice(8)}`, `${p.slice(2, 8)}-${p.slice(8)}`];

// The receipt after a 303: reference, the municipality it went to, the
// reason in the summary, and nothing that identifies the pupil (in the
// page as sent, as shown, or in its address). Then the record itself: in
// that municipality's inbox only, holding exactly what was typed.
async function assertReceipt(page, resp, want) {
	assert.equal(resp.status(), 200, `receipt page answered ${resp.status()}`);
	if (!page.url().includes('/kvitto')) {
		const errs = await page.locator('.error-summary').innerText().catch(() => '(no error summary)');
		assert.fail(`a valid notice must redirect (303) to the receipt (got ${resp.status()} ${resp.url()}); the form says: ${errs}`);
	}
	const ref = page.locator('.receipt .ref');
	assert.equal(await ref.count(), 1, 'the receipt shows one reference code');
	const code = (await ref.textContent()).trim();
	assert.match(code, REF_RE, `reference code looks wrong: "${code}"`);

	const to = MUNICIPALITIES.find((m) => m.id === want.hemkommun);
	const dd = (dt) => page.locator('dl.receipt-summary dt', { hasText: dt }).locator('xpath=following-sibling::dd[1]');
	assert.equal(await dd(/^Skickad till$/).count(), 1, 'the receipt says where the notice went');
	assert.match(await dd(/^Skickad till$/).innerText(), new RegExp(`^${to.name},`), 'sent to the chosen home municipality');
	assert.match(await dd(/^Vad anmäler du\?$/).innerText(), reason(want.anledning).label, 'the summary names the reason');
	const summary = await page.locator('main').innerText();
	for (const name of ['startdatum', 'terminsstart', 'slutdatum', 'senast_narvarande'])
		if (want[name]) assert.ok(summary.includes(want[name]), `the summary shows ${name} ${want[name]}`);

	const html = await resp.text();
	for (const where of [['the page as sent', html], ['the page as shown', summary], ['the address', decodeURIComponent(page.url())]]) {
		assert.ok(!where[1].includes(SCHOOL_VALID.elev_namn), `${where[0]}: no pupil's name`);
		for (const p of pnrForms(SCHOOL_VALID.personnummer))
			assert.ok(!where[1].includes(p), `${where[0]}: no personnummer (${p})`);
	}

	const rec = inboxRecord(to.id, code);
	assert.ok(rec, `${code} is in ${to.id}'s inbox`);
	assert.equal(rec.form, 'skolanmalan');
	assert.equal(rec.municipality, to.id);
	assert.deepEqual(rec.fields, want, 'the stored notice is what was typed, and only what its reason asks for');
	for (const other of MUNICIPALITIES.filter((m) => m !== to))
		assert.equal(inboxRecord(other.id, code), null, `${code} is not in ${other.id}'s inbox`);
	return code;
}

test('the reasons are grouped by who asks for them: the law, the routine\'s must and should', async () => {
	await withPage({}, async (page) => {
		const r = await page.goto(SCHOOL);
		assert.equal(r.status(), 200);
		const reasons = page.getByRole('group', { name: SCHOOL_GROUPS.anledning });
		assert.equal(await reasons.getByRole('radio').count(), REASONS.length, 'one radio per reason');
		for (const [group, n] of [[LAW, 3], [MUST, 3], [SHOULD, 4]])
			assert.equal(await reasons.getByRole('group', { name: group }).getByRole('radio').count(), n, `${group}`);
		// Nothing is chosen for the school: the home municipality and the
		// reason are the school's answer.
		for (const g of [SCHOOL_GROUPS.hemkommun, SCHOOL_GROUPS.anledning]) {
			const radios = page.getByRole('group', { name: g }).getByRole('radio');
			for (let i = 0; i < await radios.count(); i++)
				assert.equal(await radios.nth(i).isChecked(), false, `${g}: nothing preselected`);
		}
		const homes = await page.getByRole('group', { name: SCHOOL_GROUPS.hemkommun }).getByRole('radio').count();
		assert.equal(homes, MUNICIPALITIES.length, 'one choice per municipality in the region');
	});
});

// Each reason to a municipality in turn, by mouse; the first also with a
// note, and a stray value in a field its reason does not ask for, which
// must not be stored.
REASONS.forEach((r, i) => {
	const to = MUNICIPALITIES[i % MUNICIPALITIES.length].id;
	test(`reason ${r.value}, to ${to}: filed by its labels, the receipt, the sealed record`, async () => {
		await withPage({}, async (page) => {
			await page.goto(SCHOOL);
			const want = await fillSchool(page, { value: r.value, to,
				ovrigt: i === 0 ? 'Eleven vill ha kontakt efter jul. <b>inte fetstil</b> & "citat"' : '' });
			if (i === 1)
				await page.getByLabel(SCHOOL_LABELS.nytt_program).fill('Inte för den här anledningen');
			const code = await assertReceipt(page, await send(page), want);
			console.log(`${r.value}: ${to} ${code}`);
		});
	});
});

// Describes the focused element for the keyboard walk: its label, and the
// legends of every group it is in (a reason sits in two).
const describeFocus = () => {
	const el = document.activeElement;
	if (!el || el === document.body) return { tag: 'body' };
	const label = (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent || '').trim();
	const legends = [];
	for (let f = el.closest('fieldset'); f; f = f.parentElement.closest('fieldset'))
		legends.push(f.querySelector(':scope > legend')?.textContent.trim() || '');
	return { tag: el.tagName.toLowerCase(), type: el.type || '', label, legends, checked: !!el.checked,
		inForm: !!el.closest('form') };
};

test('one notice with the keyboard only (absence: number, radios, check boxes)', async () => {
	await withPage({}, async (page) => {
		await page.goto(SCHOOL);
		const r = reason('franvaro');
		const to = MUNICIPALITIES[2];
		const texts = [...Object.entries(SCHOOL_VALID), ...Object.entries(r.text)]
			.map(([name, v]) => [SCHOOL_LABELS[name], v]);
		const radios = [
			[SCHOOL_GROUPS.hemkommun, new RegExp(`^${to.name}$`)],
			[SCHOOL_GROUPS.anledning, r.label],
			[SCHOOL_GROUPS.utredning, r.radio.utredning.label],
			[SCHOOL_GROUPS.elev_informerad, /^Nej$/],
			[SCHOOL_GROUPS.vardnadshavare_informerad, /^Eleven har fyllt 18 år$/],
		];
		const checks = r.check.map((c) => c.label);
		const done = new Set();
		const typed = new Set();
		let resp;
		for (let i = 0; i < 200 && !resp; i++) {
			await page.keyboard.press('Tab');
			const f = await page.evaluate(describeFocus);
			if (!f.inForm) continue;
			if (f.tag === 'button') {
				assert.equal(done.size, radios.length + checks.length, 'every group answered before the button');
				assert.equal(typed.size, texts.length, 'every field typed before the button');
				resp = await submit(page, () => page.keyboard.press('Enter'));
			} else if (f.type === 'radio') {
				const want = radios.find(([g]) => f.legends.some((l) => g.test(l)));
				if (!want || done.has(want)) continue;
				// Arrow keys move within a group (and across its sub-groups:
				// one name); Space checks the focused one.
				for (let j = 0; j < 12 && !want[1].test((await page.evaluate(describeFocus)).label); j++)
					await page.keyboard.press('ArrowDown');
				assert.match((await page.evaluate(describeFocus)).label, want[1]);
				await page.keyboard.press('Space');
				assert.ok((await page.evaluate(describeFocus)).checked, `${want[1]} checked`);
				done.add(want);
			} else if (f.type === 'checkbox') {
				const want = checks.find((c) => c.test(f.label));
				if (!want) continue;
				await page.keyboard.press('Space');
				assert.ok((await page.evaluate(describeFocus)).checked, `${want} checked`);
				done.add(want);
			} else {
				const v = texts.find(([re]) => re.test(f.label));
				if (v) { await page.keyboard.type(v[1]); typed.add(v); }
			}
		}
		assert.ok(resp, 'reached the submit button with Tab');
		await assertReceipt(page, resp, {
			...SCHOOL_VALID, franvaro_timmar: storedAs('franvaro_timmar', r.text.franvaro_timmar), hemkommun: to.id, anledning: r.value, utredning: 'ja',
			atgarder: r.check.map((c) => c.value), elev_informerad: 'nej', vardnadshavare_informerad: 'myndig',
		});
	});
});

test('without JavaScript: errors, then a notice, work the same', async () => {
	await withPage({ javaScriptEnabled: false }, async (page) => {
		await page.goto(SCHOOL);
		const r = await send(page);
		assert.equal(r.status(), 422);
		await assertErrorsShown(page, 12);
		const want = await fillSchool(page, { value: 'borta_manad', to: 'exempelkommun' });
		await assertReceipt(page, await send(page), want);
	});
});

test('the empty form: an error for every question it must have, in Swedish, beside each field', async () => {
	await withPage({}, async (page) => {
		await page.goto(SCHOOL);
		const r = await send(page);
		assert.equal(r.status(), 422);
		assert.ok(!page.url().includes('kvitto'), 'no receipt for an empty form');
		await assertErrorsShown(page, 12);
		const ids = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
		// Every required field of every reason-less notice; no reason's own
		// questions (no reason is chosen) and nothing optional.
		assert.deepEqual(ids, ['#f-huvudman', '#f-skola', '#f-kontakt_namn', '#f-kontakt_epost', '#f-kontakt_telefon',
			'#f-personnummer', '#f-elev_namn', '#f-program', '#f-hemkommun-1', '#f-anledning-1',
			'#f-elev_informerad-1', '#f-vardnadshavare_informerad-1']);
	});
});

// What each reason asks for is required once it is chosen, and checked.
const BAD = [
	{ value: 'borjar', field: 'startdatum', typed: '', says: /^Skriv datumet då eleven började/ },
	{ value: 'borjar', field: 'startdatum', typed: `${new Date().getFullYear()}-13-01`, says: /^Datumet finns inte/ },
	{ value: 'ej_paborjat', field: 'terminsstart', typed: dayFromToday(3), says: /^Datumet verkar inte stämma.*från \d{4}-\d\d-\d\d till \d{4}-\d\d-\d\d/ },
	{ value: 'slutar', field: 'slutdatum', typed: dayFromToday(-420), says: /^Datumet verkar inte stämma/ },
	{ value: 'borta_manad', field: 'senast_narvarande', typed: '17/8', says: /^Skriv datumet så här: ÅÅÅÅ-MM-DD/ },
	{ value: 'franvaro', field: 'franvaro_timmar', typed: 'tolv', says: /^Skriv ett heltal/ },
	{ value: 'franvaro', field: 'franvaro_timmar', typed: '0', says: /^Talet är för stort eller för litet. Skriv ett tal från 1 till 300/ },
	{ value: 'byter_program', field: 'nytt_program', typed: '', says: /^Skriv vilket program eleven byter till/ },
];

for (const b of BAD) {
	test(`reason ${b.value}, ${b.field} "${b.typed}": a message beside it, everything typed kept`, async () => {
		await withPage({}, async (page) => {
			await page.goto(SCHOOL);
			const note = 'Övrigt: <i>kursivt?</i> & "citat" – åäö';
			await fillSchool(page, { value: b.value, to: 'nordby', ovrigt: note });
			await page.getByLabel(SCHOOL_LABELS[b.field]).fill(b.typed);
			const r = await send(page);
			assert.equal(r.status(), 422);
			await assertErrorsShown(page, 1);
			assert.equal(await page.locator('.error-summary a').count(), 1, 'only the one error');
			const field = page.locator('.field--error', { has: page.getByLabel(SCHOOL_LABELS[b.field]) });
			assert.match((await field.locator('.field-error').innerText()).replace(/^Fel:\s*/, ''), b.says);
			assert.equal(await page.getByLabel(SCHOOL_LABELS[b.field]).inputValue(), b.typed, 'the bad value is kept');
			for (const [name, v] of Object.entries(SCHOOL_VALID))
				assert.equal(await page.getByLabel(SCHOOL_LABELS[name]).inputValue(), v, `${name} kept`);
			assert.equal(await page.getByLabel(SCHOOL_LABELS.ovrigt).inputValue(), note, 'the note kept');
			const r0 = reason(b.value);
			assert.ok(await (await choiceIn(page.getByRole('group', { name: SCHOOL_GROUPS.anledning }), r0.group, r0.label)).isChecked(),
				'the reason kept');
			assert.ok(await (await choiceIn(page, SCHOOL_GROUPS.hemkommun, /^Nordby kommun$/)).isChecked(), 'the municipality kept');
			for (const c of r0.check || [])
				assert.ok(await (await choiceIn(page, SCHOOL_GROUPS.atgarder, c.label, 'checkbox')).isChecked(), `${c.value} kept`);
			for (const c of Object.entries(r0.radio || {}))
				assert.ok(await (await choiceIn(page, SCHOOL_GROUPS[c[0]], c[1].label)).isChecked(), `${c[0]} kept`);
			assert.ok(await (await choiceIn(page, SCHOOL_GROUPS.elev_informerad, /^Ja$/)).isChecked(), 'elev_informerad kept');
			assert.ok(await (await choiceIn(page, SCHOOL_GROUPS.vardnadshavare_informerad, /^Nej$/)).isChecked(),
				'vardnadshavare_informerad kept');
		});
	});
}

// Nordby: no other test file sends there, and this file's tests run one
// after another, so its inbox changes only if this test stores something.
test('a wrong personnummer and a pupil of 20 or over: a message beside it, nothing stored', async () => {
	await withPage({}, async (page) => {
		for (const [pnr, says] of [[BAD_PNR, /\S/], [VALID.oldPnr, /fyllt 20 år/]]) {
			const before = inboxRefs('nordby');
			await page.goto(SCHOOL);
			await fillSchool(page, { value: 'risk_tid', to: 'nordby' });
			await page.getByLabel(SCHOOL_LABELS.personnummer).fill(pnr);
			const r = await send(page);
			assert.equal(r.status(), 422, `${pnr}: answered ${r.status()}`);
			assert.equal(await page.locator('.receipt').count(), 0, 'no receipt');
			await assertErrorsShown(page, 1);
			const field = page.locator('.field--error', { has: page.getByLabel(SCHOOL_LABELS.personnummer) });
			assert.match(await field.locator('.field-error').innerText(), says);
			assert.equal(await page.getByLabel(SCHOOL_LABELS.personnummer).inputValue(), pnr, 'kept as typed');
			assert.deepEqual(inboxRefs('nordby'), before, `${pnr}: nothing stored`);
		}
	});
});

test('the receipt prints: the summary on paper, no menus, no on-screen advice', async () => {
	await withPage({}, async (page) => {
		await page.goto(SCHOOL);
		await fillSchool(page, { value: 'slutar', to: 'provstad' });
		await send(page);
		assert.equal(await page.locator('.receipt .ref').count(), 1, 'the receipt is shown');
		await page.emulateMedia({ media: 'print' });
		for (const sel of ['.receipt .ref', 'main h1'])
			assert.ok(await page.locator(sel).first().isVisible(), `${sel} is printed`);
		const lists = page.locator('dl.receipt-summary');
		assert.equal(await lists.count(), 2, 'when and where, and what was reported');
		for (let i = 0; i < 2; i++)
			assert.ok(await lists.nth(i).isVisible(), `summary ${i + 1} is printed`);
		assert.ok(await page.getByText('Skickad till', { exact: true }).isVisible(), '"Skickad till" is printed');
		for (const sel of ['.site-nav', '.skip-link', '.breadcrumbs', '.site-footer nav', '.no-print'])
			assert.ok(!(await page.locator(sel).first().isVisible()), `${sel} is hidden in print`);
	});
});
