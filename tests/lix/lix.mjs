// LIX (läsbarhetsindex, Björnsson 1968): words per sentence plus the share
// of long words in percent. LIX = W/S + 100·L/W, where W is the number of
// words, S the number of sentences and L the number of words longer than six
// letters. Below 30 is very easy, 30–40 easy (children's books, plain
// news), 40–50 ordinary newspaper text, above 50 officialese.
//
// Counting rules, chosen to match how the text is seen on screen:
//   - a word is a run of letters and digits, with inner hyphens,
//     apostrophes, colons and dots kept (e-tjänst, KAA:s, 8.30, kaa.se);
//     only letters count towards "long";
//   - a sentence ends at . ! ? followed by a space or the end of a block
//     (so "arbetsformedlingen.se" and "8.30" end nothing), and at the end of
//     every block: heading, paragraph, list item, table cell, label...
//     A heading or a list item without a full stop is still one sentence.

const BLOCK = 'p|li|h[1-6]|dt|dd|td|th|caption|blockquote|div|section|article|aside|header|footer|nav|' +
	'pre|figure|figcaption|br|hr|tr|table|thead|tbody|ul|ol|dl|details|summary|form|fieldset|legend|' +
	'label|button|input|textarea|select|option|main';
const BLOCK_RE = new RegExp(`<\\/?(?:${BLOCK})\\b[^>]*>`, 'gi');
const SEP = '\u2029';

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '', ndash: '–', mdash: '—',
	hellip: '…', laquo: '«', raquo: '»', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

export function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
		if (e[0] === '#')
			return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return ENTITIES[e.toLowerCase()] ?? m;
	});
}

// The text of an HTML fragment as blocks of visible text, one string each.
// Drops what is not shown: comments, scripts, styles, templates and
// elements hidden with the hidden attribute or the visually-hidden class
// (read by screen readers, but not part of the text people read).
export function htmlBlocks(html) {
	let s = html
		.replace(/<!--[\s\S]*?-->/g, '')
		.replace(/<(script|style|template|noscript)\b[\s\S]*?<\/\1\s*>/gi, '')
		.replace(/<(span|p|div)\b[^>]*class="[^"]*\bvisually-hidden\b[^"]*"[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
		.replace(/<(\w+)\b[^>]*?\shidden(?=[\s=>\/])[^>]*>[\s\S]*?<\/\1\s*>/gi, '');
	s = s.replace(BLOCK_RE, SEP).replace(/<[^>]*>/g, '');
	return decodeEntities(s).split(SEP).map((b) => b.replace(/\s+/g, ' ').trim()).filter((b) => b.length > 0);
}

// The inner HTML of the page's <main>, or null if there is none.
export function mainOf(html) {
	const m = html.match(/<main\b[^>]*>([\s\S]*)<\/main\s*>/i);
	return m ? m[1] : null;
}

const WORD_RE = /[\p{L}\p{N}]+(?:[-'’:.][\p{L}\p{N}]+)*/gu;
const SENTENCE_END_RE = /[.!?]+(?=[\s"'”’)\]]|$)/u;

// Counts words, long words and sentences in blocks of plain text.
export function counts(blocks) {
	let words = 0, long = 0, sentences = 0;
	for (const block of blocks) {
		for (const sentence of block.split(SENTENCE_END_RE)) {
			const ws = sentence.match(WORD_RE) || [];
			if (ws.length === 0) continue;
			sentences++;
			words += ws.length;
			for (const w of ws)
				if ((w.match(/\p{L}/gu) || []).length > 6) long++;
		}
	}
	return { words, long, sentences };
}

// LIX of blocks of plain text (an array of strings, or one string taken as
// one block). Throws on text without words, which has no LIX.
export function lix(blocks) {
	const c = counts(typeof blocks === 'string' ? [blocks] : blocks);
	if (c.words === 0)
		throw new Error('no words: LIX is undefined');
	return c.words / c.sentences + (100 * c.long) / c.words;
}

// LIX of the text in a generated page's <main>.
export function lixOfPage(html) {
	const main = mainOf(html);
	if (main === null)
		throw new Error('the page has no <main>');
	return lix(htmlBlocks(main));
}

// Front matter of a content file: the "key: value" lines between the
// opening and closing "---". Values are kept as written, trimmed.
export function frontMatter(md) {
	const m = md.match(/^---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/);
	const out = {};
	if (!m) return out;
	for (const line of m[1].split(/\r?\n/)) {
		const kv = line.match(/^([A-Za-z_][\w-]*)\s*:\s*(.*)$/);
		if (kv) out[kv[1]] = kv[2].trim().replace(/^(["'])(.*)\1$/, '$2');
	}
	return out;
}
