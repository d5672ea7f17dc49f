/* roster.c — the register's roster CSV (see gen_roster.h).
 *
 * The whole file is read (it is bounded) and fed to libcsv one line at a
 * time: each piece ends at a CR or LF, so a record can only end at the end
 * of a piece, and the line a record starts on is the line of the first
 * piece fed while no record was open that holds more than white space.
 * Strict mode makes libcsv stop at a stray quote instead of guessing; the
 * rest of that line is dropped and parsing restarts on the next one.
 *
 * Columns are a table indexed by slot; the header maps each column of the
 * file to a slot. A record's values are collected in one buffer and only
 * copied to the roster's arena once the row is known to be good. */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "gen_roster.h"
#include "utf8.h"

enum slot {
	S_PNR, S_FIRST, S_LAST, S_CO, S_STREET, S_POSTCODE, S_CITY,
	S_GNAME, S_GCO, S_GSTREET, S_GPOSTCODE, S_GCITY, S__MAX
};
#define S_YOUTH_END S_GNAME   /* slots before it are the youth's */

enum kind { K_TEXT, K_LINES, K_PNR, K_POSTCODE };   /* K_LINES: may break */

static const struct column {
	const char *key;       /* the header name normalised (norm_name) */
	const char *name;      /* as documented, for messages */
	enum kind   kind;
	int         optional;  /* column and value may be missing */
} columns[S__MAX] = {
	[S_PNR]      = { "personnummer", "personnummer", K_PNR, 0 },
	[S_FIRST]    = { "fornamn", "förnamn", K_TEXT, 0 },
	[S_LAST]     = { "efternamn", "efternamn", K_TEXT, 0 },
	[S_CO]       = { "co", "c/o", K_LINES, 1 },
	[S_STREET]   = { "utdelningsadress", "utdelningsadress", K_LINES, 0 },
	[S_POSTCODE] = { "postnummer", "postnummer", K_POSTCODE, 0 },
	[S_CITY]     = { "postort", "postort", K_TEXT, 0 },
	[S_GNAME]    = { "vardnadshavare", "vårdnadshavare", K_TEXT, 0 },
	[S_GCO]      = { "vardnadshavare co", "vårdnadshavare c/o", K_LINES, 1 },
	[S_GSTREET]  = { "vardnadshavare utdelningsadress",
	                 "vårdnadshavare utdelningsadress", K_LINES, 0 },
	[S_GPOSTCODE] = { "vardnadshavare postnummer",
	                  "vårdnadshavare postnummer", K_POSTCODE, 0 },
	[S_GCITY]    = { "vardnadshavare postort", "vårdnadshavare postort",
	                 K_TEXT, 0 },
};

/* The arena: blocks of strings, newest first. */
struct roster_mem {
	struct roster_mem *next;
	size_t             used, cap;
	char               data[];
};
#define MEM_BLOCK (64 * 1024)

struct state {
	struct roster  *r;
	struct pnr_date today;
	int             err;         /* fatal: enum roster_err, 0 while fine */
	struct roster_errinfo *ei;
	long            line;        /* line of the piece being fed */
	long            rec_line;    /* line where the open record started */
	int             open;        /* a record has begun and not ended */
	int             header_done;
	buf             map;         /* per file column: slot + 1, or 0 */
	int             seen[S__MAX];
	size_t          nfield;      /* fields so far in this record */
	int             nonempty;    /* one of them holds something */
	buf             val;         /* this record's values, back to back */
	size_t          off[S__MAX], len[S__MAX];
	buf             reason;      /* a bad row's reason, being written */
	size_t          rows_cap, bad_cap;
};

static char *
mem_alloc(struct roster_mem **m, size_t n)
{
	char *p;

	if (*m == NULL || (*m)->cap - (*m)->used < n) {
		size_t cap = n > MEM_BLOCK ? n : MEM_BLOCK;
		struct roster_mem *b = malloc(sizeof *b + cap);

		if (b == NULL)
			return NULL;
		b->next = *m;
		b->used = 0;
		b->cap = cap;
		*m = b;
	}
	p = (*m)->data + (*m)->used;
	(*m)->used += n;
	return p;
}

static char *
mem_strndup(struct roster_mem **m, const char *s, size_t n)
{
	char *p = mem_alloc(m, n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* a (n used of *cap elements of size) with room for one more: maybe
 * moved, or NULL (a untouched) if memory ran out. */
static void *
grow(void *a, size_t *cap, size_t n, size_t size)
{
	size_t nc;

	if (n < *cap)
		return a;
	nc = *cap ? *cap * 2 : 256;
	if (nc > SIZE_MAX / size || (a = realloc(a, nc * size)) == NULL)
		return NULL;
	*cap = nc;
	return a;
}

/* --- text checks ---------------------------------------------------------- */

enum text { T_OK, T_UTF8, T_CONTROL, T_BREAK };

static enum text
text_check(const char *str, size_t n, int breaks_ok)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	size_t i = 0, k;

	while (i < n) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {   /* the common case */
			i++;
			continue;
		}
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0)
			return T_UTF8;
		i += k;
		if (cp == '\n' && !breaks_ok)
			return T_BREAK;
		if (cp != '\n' && utf8_is_control(cp))
			return T_CONTROL;
	}
	return T_OK;
}

static int
is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "12345" or "123 45". */
static int
postcode_ok(const char *s, size_t n)
{
	return (n == 5 && is_digits(s, 5)) ||
	    (n == 6 && is_digits(s, 3) && s[3] == ' ' && is_digits(s + 4, 2));
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* --- the header ----------------------------------------------------------- */

/* Lower-cases ASCII, folds å ä ö (either case) to a a o, turns runs of
 * ' ' '_' '-' '.' into one space and drops '/', so that spellings of one
 * column meet. Returns 0 if the name does not fit out (so matches none). */
static int
norm_name(const char *s, size_t n, char *out, size_t cap)
{
	static const struct { unsigned char b; char to; } sv[] = {
		{ 0xa5, 'a' }, { 0x85, 'a' }, { 0xa4, 'a' }, { 0x84, 'a' },
		{ 0xb6, 'o' }, { 0x96, 'o' },   /* second bytes after 0xc3 */
	};
	size_t i, k, o = 0;
	int gap = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char to = (char)c;

		if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') {
			gap = o > 0;
			continue;
		}
		if (c == '/')
			continue;
		if (c >= 'A' && c <= 'Z')
			to = (char)(c - 'A' + 'a');
		else if (c == 0xc3 && i + 1 < n)
			for (k = 0; k < sizeof sv / sizeof sv[0]; k++)
				if ((unsigned char)s[i + 1] == sv[k].b) {
					to = sv[k].to;
					i++;
					break;
				}
		if (o + gap + 2 > cap)
			return 0;
		if (gap)
			out[o++] = ' ';
		out[o++] = to;
		gap = 0;
	}
	out[o] = '\0';
	return 1;
}

static void
fail(struct state *st, int err, long line, const char *column)
{
	st->err = err;
	st->ei->line = line;
	if (column != NULL)
		snprintf(st->ei->column, sizeof st->ei->column, "%s", column);
}

static void
header_field(struct state *st, const char *s, size_t n)
{
	char key[64];
	int slot = -1, i;

	if (text_check(s, n, 1) == T_UTF8) {
		fail(st, ROSTER_EENCODING, st->rec_line, NULL);
		return;
	}
	if (norm_name(s, n, key, sizeof key))
		for (i = 0; i < S__MAX && slot < 0; i++)
			if (strcmp(key, columns[i].key) == 0)
				slot = i;
	if (slot >= 0 && st->seen[slot]++) {
		fail(st, ROSTER_EDUPCOL, st->rec_line, columns[slot].name);
		return;
	}
	if (buf_putc(&st->map, slot + 1) < 0)
		st->err = ROSTER_ENOMEM;
}

static void
header_end(struct state *st)
{
	int guardian = 0, i;

	for (i = S_YOUTH_END; i < S__MAX; i++)
		guardian |= st->seen[i];
	for (i = 0; i < S__MAX; i++)
		if (!st->seen[i] && !columns[i].optional &&
		    (i < S_YOUTH_END || guardian)) {
			fail(st, ROSTER_ECOLUMN, st->rec_line, columns[i].name);
			return;
		}
	st->header_done = 1;
}

/* --- rows ----------------------------------------------------------------- */

static const char *
value(const struct state *st, int slot)
{
	return st->len[slot] ? st->val.data + st->off[slot] : "";
}

/* Writes a bad row's reason; returns -1 for the caller to pass on. */
static int why(struct state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
why(struct state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&st->reason, fmt, ap);
	va_end(ap);
	return -1;
}

/* 0 if the slot's value is good (filling *pnr for K_PNR), else -1 with
 * the reason written. */
static int
check_value(struct state *st, int slot, struct pnr *pnr)
{
	static const char *const text_fmt[] = {
		[T_UTF8] = "%s is not valid UTF-8",
		[T_CONTROL] = "control character in %s",
		[T_BREAK] = "line break in %s",
	};
	const struct column *c = &columns[slot];
	const char *s = value(st, slot);
	size_t n = st->len[slot];
	enum text t;
	int rc;

	if (n == 0)
		return c->optional ? 0 : why(st, "missing %s", c->name);
	if (n > ROSTER_FIELD_MAX)
		return why(st, "%s is longer than %d bytes", c->name,
		    ROSTER_FIELD_MAX);
	if ((t = text_check(s, n, c->kind == K_LINES)) != T_OK)
		return why(st, text_fmt[t], c->name);
	if (c->kind == K_POSTCODE && !postcode_ok(s, n))
		return why(st, "%s is not five digits", c->name);
	if (c->kind == K_PNR &&
	    (rc = pnr_parse(s, n, st->today, pnr)) != PNR_OK)
		return why(st, "invalid %s (%s)", c->name, pnr_strerror(rc));
	return 0;
}

/* Checks the slots [from, to); 0 or -1 with the reason written. */
static int
check_block(struct state *st, int from, int to, struct pnr *pnr)
{
	int i;

	for (i = from; i < to; i++)
		if (check_value(st, i, pnr) < 0)
			return -1;
	return 0;
}

/* Adds a bad entry for the open record with st->reason (plus the lines
 * it spans, when more than one). */
static void
add_bad(struct state *st)
{
	struct roster *r = st->r;
	struct roster_bad *bad;
	char *reason;

	if (st->line > st->rec_line)
		buf_printf(&st->reason, " (the record spans lines %ld-%ld)",
		    st->rec_line, st->line);
	if (st->reason.oom || (bad = grow(r->bad, &st->bad_cap, r->nbad,
	    sizeof *bad)) == NULL || (reason = mem_strndup(&r->mem,
	    st->reason.data, st->reason.len)) == NULL) {
		st->err = ROSTER_ENOMEM;
		return;
	}
	r->bad = bad;
	r->bad[r->nbad].line = st->rec_line;
	r->bad[r->nbad++].reason = reason;
	buf_reset(&st->reason);
}

/* The slot's value in the arena; NULL if empty (or out of memory: then
 * st->err is set). */
static const char *
keep(struct state *st, int slot)
{
	char *p;

	if (st->len[slot] == 0)
		return NULL;
	if ((p = mem_strndup(&st->r->mem, value(st, slot), st->len[slot])) ==
	    NULL)
		st->err = ROSTER_ENOMEM;
	return p;
}

/* Fills all but a's name from the four slots from co on. */
_Static_assert(S_CITY - S_CO == 3 && S_GCITY - S_GCO == 3,
    "c/o, street, postcode, city follow each other");
static void
keep_addr(struct state *st, struct roster_addr *a, int co)
{
	a->co = keep(st, co);
	a->street = keep(st, co + 1);
	a->postcode = keep(st, co + 2);
	a->city = keep(st, co + 3);
}

static void
keep_row(struct state *st, const struct pnr *pnr)
{
	struct roster *r = st->r;
	struct roster_row *row;
	size_t nf = st->len[S_FIRST], nl = st->len[S_LAST];
	char *name;

	if ((row = grow(r->rows, &st->rows_cap, r->n, sizeof *row)) != NULL)
		r->rows = row;
	if (row == NULL || (name = mem_alloc(&r->mem, nf + nl + 2)) == NULL) {
		st->err = ROSTER_ENOMEM;
		return;
	}
	row = &r->rows[r->n++];
	memset(row, 0, sizeof *row);
	row->line = st->rec_line;
	row->pnr = *pnr;
	row->first_name = keep(st, S_FIRST);
	row->last_name = keep(st, S_LAST);
	keep_addr(st, &row->youth, S_CO);
	memcpy(name, value(st, S_FIRST), nf);
	name[nf] = ' ';
	memcpy(name + nf + 1, value(st, S_LAST), nl);
	name[nf + 1 + nl] = '\0';
	row->youth.name = name;
	if (st->len[S_GNAME] == 0)
		return;
	if (check_block(st, S_GNAME, S__MAX, NULL) < 0) {
		buf_puts(&st->reason, " (guardian left out)");
		add_bad(st);
		return;
	}
	row->guardian.name = keep(st, S_GNAME);
	keep_addr(st, &row->guardian, S_GCO);
}

static void
row_end(struct state *st)
{
	size_t want = st->map.len;
	struct pnr pnr;

	if (st->nfield != want) {
		buf_printf(&st->reason, "%zu field%s, the header has %zu",
		    st->nfield, st->nfield == 1 ? "" : "s", want);
		add_bad(st);
	} else if (check_block(st, 0, S_YOUTH_END, &pnr) < 0) {
		add_bad(st);
	} else {
		keep_row(st, &pnr);
	}
}

/* --- libcsv's callbacks ----------------------------------------------- */

static void
record_reset(struct state *st)
{
	st->open = 0;
	st->nfield = 0;
	st->nonempty = 0;
	buf_reset(&st->val);
	memset(st->len, 0, sizeof st->len);
}

/* Appends a value with CRLF and lone CR made LF. */
static void
put_value(struct state *st, int slot, const char *s, size_t n)
{
	size_t start = st->val.len, k;
	const char *cr;

	for (; (cr = memchr(s, '\r', n)) != NULL; s += k, n -= k) {
		k = (size_t)(cr - s);
		buf_put(&st->val, s, k);
		buf_putc(&st->val, '\n');
		k += k + 1 < n && cr[1] == '\n' ? 2 : 1;
	}
	buf_put(&st->val, s, n);
	buf_putc(&st->val, '\0');   /* values are C strings in place */
	if (st->val.oom)
		st->err = ROSTER_ENOMEM;
	st->off[slot] = start;
	st->len[slot] = st->val.len - start - 1;
}

static void
on_field(void *data, size_t n, void *arg)
{
	struct state *st = arg;
	const char *s = data;
	size_t col = st->nfield++;
	int slot;

	if (st->err)
		return;
	while (n > 0 && is_blank((unsigned char)s[0]))
		s++, n--;
	while (n > 0 && is_blank((unsigned char)s[n - 1]))
		n--;
	st->nonempty |= n > 0;
	if (!st->header_done)
		header_field(st, s, n);
	else if (col < st->map.len && (slot = st->map.data[col] - 1) >= 0)
		put_value(st, slot, s, n);
}

static void
on_record(int c, void *arg)
{
	struct state *st = arg;

	(void)c;
	if (st->err == 0 && !st->nonempty && !st->header_done) {
		/* an all-empty row before the header: as an empty line */
		buf_reset(&st->map);
		memset(st->seen, 0, sizeof st->seen);
	} else if (st->err == 0 && !st->header_done) {
		header_end(st);
	} else if (st->err == 0 && st->nonempty) {
		row_end(st);
	}
	record_reset(st);
}

/* libcsv stopped at a stray quote: a bad header is fatal, a bad row is
 * listed and skipped. */
static void
quoting_error(struct state *st)
{
	if (!st->header_done) {
		fail(st, ROSTER_ESYNTAX, st->rec_line, NULL);
		return;
	}
	buf_puts(&st->reason, "malformed quoting");
	add_bad(st);
}

/* --- reading -------------------------------------------------------------- */

/* ';' or ',', whichever occurs more often outside quotes in the first
 * line with content (the header); a quoted line break does not end it. */
static unsigned char
detect_delim(const char *s, size_t n)
{
	size_t i, semi = 0, comma = 0;
	int quoted = 0, content = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (s[i] == ';')
			semi++;
		else if (s[i] == ',')
			comma++;
		else if ((s[i] == '\n' || s[i] == '\r') && content)
			break;
		content |= !is_blank((unsigned char)s[i]);
	}
	return comma > semi ? ',' : ';';
}

static int
has_content(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_blank((unsigned char)s[i]))
			return 1;
	return 0;
}

/* Feeds s to the parser a line at a time (see the top of the file). */
static void
feed(struct state *st, struct csv_parser *p, const char *s, size_t n)
{
	size_t pos = 0, len;

	while (pos < n && st->err == 0) {
		for (len = 0; pos + len < n; len++)
			if (s[pos + len] == '\n' || s[pos + len] == '\r') {
				len++;
				break;
			}
		if (!st->open && has_content(s + pos, len)) {
			st->open = 1;
			st->rec_line = st->line;
		}
		if (csv_parse(p, s + pos, len, on_field, on_record, st) < len) {
			if (csv_error(p) == CSV_EPARSE)
				quoting_error(st);
			else
				st->err = ROSTER_ENOMEM;
			csv_fini(p, NULL, NULL, NULL);   /* resets its state */
			record_reset(st);
		}
		pos += len;
		/* A CR starts a new line unless an LF follows it. */
		if (s[pos - 1] == '\n' ||
		    (s[pos - 1] == '\r' && (pos == n || s[pos] != '\n')))
			st->line++;
	}
}

static int
parse(const char *s, size_t n, struct state *st)
{
	struct csv_parser p;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return ROSTER_ENOMEM;
	csv_set_delim(&p, detect_delim(s, n));
	st->line = 1;
	feed(st, &p, s, n);
	if (st->err == 0 && csv_fini(&p, on_field, on_record, st) != 0)
		fail(st, ROSTER_ESYNTAX, st->rec_line, NULL);
	csv_free(&p);
	if (st->err == 0 && !st->header_done)
		fail(st, ROSTER_EEMPTY, 0, NULL);
	return st->err;
}

/* Reads the whole file into b, up to the limit. */
static int
read_file(const char *path, buf *b)
{
	struct stat sb;
	ssize_t got;
	int fd, rc = ROSTER_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return ROSTER_EOPEN;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > ROSTER_FILE_MAX)
		rc = ROSTER_ETOOBIG;
	while (rc == ROSTER_OK) {
		if (b->len > (size_t)ROSTER_FILE_MAX) {
			rc = ROSTER_ETOOBIG;
			break;
		}
		if (buf_grow(b, 64 * 1024) < 0) {
			rc = ROSTER_ENOMEM;
			break;
		}
		got = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = ROSTER_EOPEN;
		if (got <= 0)
			break;
		b->len += (size_t)got;
	}
	if (rc == ROSTER_EOPEN) {
		int saved = errno;

		close(fd);
		errno = saved;
	} else {
		close(fd);
	}
	return rc;
}

int
roster_load(const char *path, struct pnr_date today, struct roster *out,
    struct roster_errinfo *ei)
{
	struct roster_errinfo none;
	struct state st;
	buf file = BUF_INIT;
	int rc, saved;

	if (ei == NULL)
		ei = &none;
	memset(ei, 0, sizeof *ei);
	memset(out, 0, sizeof *out);
	memset(&st, 0, sizeof st);
	st.r = out;
	st.today = today;
	st.ei = ei;
	buf_init(&st.map);
	buf_init(&st.val);
	buf_init(&st.reason);
	if ((rc = read_file(path, &file)) == ROSTER_OK)
		rc = parse(file.data ? file.data : "", file.len, &st);
	saved = errno;
	buf_free(&file);
	buf_free(&st.map);
	buf_free(&st.val);
	buf_free(&st.reason);
	if (rc != ROSTER_OK)
		roster_free(out);
	errno = saved;
	return rc;
}

void
roster_free(struct roster *r)
{
	struct roster_mem *m, *next;

	if (r == NULL)
		return;
	for (m = r->mem; m != NULL; m = next) {
		next = m->next;
		free(m);
	}
	free(r->rows);
	free(r->bad);
	memset(r, 0, sizeof *r);
}

_Static_assert(ROSTER_FILE_MAX == 64L * 1024 * 1024,
    "roster_strerror names the limit");

const char *
roster_strerror(int err)
{
	static const char *const msg[] = {
		[ROSTER_OK]        = "success",
		[ROSTER_EOPEN]     = "cannot read the file",
		[ROSTER_EEMPTY]    = "no header row",
		[ROSTER_ECOLUMN]   = "a required column is missing",
		[ROSTER_EDUPCOL]   = "a column is given twice",
		[ROSTER_EENCODING] = "the header row is not UTF-8",
		[ROSTER_ESYNTAX]   = "malformed quoting",
		[ROSTER_ETOOBIG]   = "the file is larger than 64 MiB",
		[ROSTER_ENOMEM]    = "out of memory",
	};

	if (err < 0 || (size_t)err >= sizeof msg / sizeof msg[0])
		return "unknown roster error";
	return msg[err];
}
