/* fuzz_export.c — kaa-inbox export on a decrypted record (cli/cmd_export.c),
 * as CSV and as JSON, with every column (--with-free-text) (see
 * record_target.h).
 *
 * cmd_export.c is compiled into this file so that the functions its
 * export_record() calls once the record is open (refused, row_object,
 * put_csv, cli_json_put, report) are called as they are, in
 * export_record's order; the rest of kaa-inbox is linked as usual.
 *
 * Checked, beyond the sanitizers, what export promises: a CSV row is
 * cells in quotes separated by ';' and ended by CRLF, with no control
 * character but line feeds inside a cell and no cell that a spreadsheet
 * would run as a formula; a JSON row is printable ASCII and parses; a
 * record refused is named on stderr harmlessly. */
#include "record_target.h"

#include "cli/cmd_export.c"

/* One CSV row as cli_csv_row writes it; the number of cells, or -1. */
static long csv_cells(const char *s, size_t n)
{
	size_t i = 0;
	long cells = 0;

	if (n < 2 || memcmp(s + n - 2, "\r\n", 2) != 0)
		return -1;
	n -= 2;
	for (;;) {
		if (i >= n || s[i++] != '"')
			return -1;
		if (i < n && s[i] != '\0' && strchr("=+-@", s[i]) != NULL)   /* a formula */
			return -1;
		for (;;) {
			if (i >= n)
				return -1;
			if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
				i += 2;
			else if (s[i] == '"')
				break;
			else if (s[i] == '\r' || (fuzz_control_at(s + i) > 0 &&
			    s[i] != '\n'))
				return -1;
			else
				i++;
		}
		i++;
		cells++;
		if (i == n)
			return cells;
		if (s[i++] != ';')
			return -1;
	}
}

/* export_record() after inbox_entry_open_buf: cmd_export.c's own
 * export_plain. */
static void exported(struct export *x, const struct archive_record *r,
    const uint8_t *data, size_t size)
{
	export_plain(x, r, (const char *)data, size);
}

static void export(struct export *x, const struct archive_record *r,
    const uint8_t *data, size_t size, int format)
{
	struct cli_opts o = { .format = format };
	struct rec_capture c;
	long before = x->rows;
	json_t *printed;

	x->o = &o;
	rec_capture_start(&c);
	x->out = stdout;
	exported(x, r, data, size);
	rec_capture_end(&c);
	FUZZ_CHECK(!x->failed, "export did not fail");
	fuzz_check_clean(c.err, c.err_len, 0, "export's messages are clean");
	FUZZ_CHECK((x->rows > before) == (c.out_len > 0), "a row or a reason");
	if (c.out_len > 0 && format == CLI_EXPORT_CSV)
		FUZZ_CHECK(csv_cells(c.out, c.out_len) == (long)x->ncols,
		    "a CSV row of quoted cells, no formula, no control");
	if (c.out_len > 0 && format == CLI_EXPORT_JSON) {
		FUZZ_CHECK(rec_ascii(c.out, c.out_len), "JSON export is ASCII");
		printed = json_loadb(c.out, c.out_len, JSON_DISABLE_EOF_CHECK, NULL);
		FUZZ_CHECK(json_is_object(printed), "JSON export is JSON");
		json_decref(printed);
	}
	rec_capture_free(&c);
}

static struct export x = { .text = BUF_INIT, .tmp = BUF_INIT };

static void free_export(void)
{
	key_plain_buf_free(&x.plain);
	wipe(&x.text);
	wipe(&x.tmp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct archive_record r;

	if (x.ncols == 0) {
		x.ncols = cli_export_columns(NULL, 1, x.cols);
		atexit(free_export);
	}
	memset(&r, 0, sizeof(r));
	rec_entry(data, size, &r.entry);
	snprintf(r.municipality, sizeof(r.municipality), "exempelkommun");
	snprintf(r.pulled, sizeof(r.pulled), "2026-11-25T08:00:00Z");
	r.status = ARCHIVE_NEW;
	x.rows = 0;
	export(&x, &r, data, size, CLI_EXPORT_CSV);
	x.rows = 0;
	export(&x, &r, data, size, CLI_EXPORT_JSON);
	return 0;
}
