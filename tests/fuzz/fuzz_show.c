/* fuzz_show.c — kaa-inbox show on a decrypted record (cli/cmd_show.c),
 * as text with a configuration (the form's labels, the route checked) and
 * as --json without one (record_target.h).
 *
 * cmd_show.c is compiled into this file so that the functions its
 * show_entry() calls once the record is open (entry_form, print_record,
 * print_json, misrouted) are called as they are, in show_entry's order;
 * the rest of kaa-inbox is linked as usual.
 *
 * Checked, beyond the sanitizers: the text printed is UTF-8 without a
 * control character but line feeds (cli_out.h), whatever the record held;
 * the JSON printed is printable ASCII and parses. */
#include "record_target.h"

#include "cli/cmd_show.c"

static struct conf rec_conf = { .id = "exempelkommun", .name = "Exempelkommun" };

/* show_entry() after inbox_entry_open: cmd_show.c's own show_plain. */
static void shown(const struct cli_opts *o, const struct inbox_entry *e,
    const uint8_t *data, size_t size)
{
	(void)show_plain(o, e, (const char *)data, size);
}

static void show(const struct inbox_entry *e, const uint8_t *data,
    size_t size, int json)
{
	struct cli_opts o = { .json = json, .config = json ? NULL : &rec_conf };
	struct rec_capture c;
	json_t *printed;

	rec_capture_start(&c);
	shown(&o, e, data, size);
	rec_capture_end(&c);
	fuzz_check_clean(c.out, c.out_len, 0, "show prints clean text");
	fuzz_check_clean(c.err, c.err_len, 0, "show's messages are clean");
	if (json && c.out_len > 0) {
		FUZZ_CHECK(rec_ascii(c.out, c.out_len), "show --json is ASCII");
		printed = json_loadb(c.out, c.out_len, 0, NULL);
		FUZZ_CHECK(json_is_object(printed), "show --json prints JSON");
		json_decref(printed);
	}
	rec_capture_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inbox_entry e;

	rec_entry(data, size, &e);
	show(&e, data, size, 0);
	show(&e, data, size, 1);
	return 0;
}
