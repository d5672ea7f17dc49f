/* cli.h — what kaa-inbox's commands share.
 *
 * Each command is one file, cli/cmd_NAME.c, that defines one struct
 * cli_command: its name, its usage (synopsis, summary, description) and
 * the options it takes, all in one place, and the function that runs it.
 * cli/main.c lists the commands in one table. A new command is that file
 * plus one row (and its declaration below).
 *
 * Options come from one catalogue (cli_opt_*), so an option is spelled,
 * parsed and explained the same way in every command that takes it; a
 * command refuses any option it does not list. Its usage text is built
 * from its struct alone, so `kaa-inbox help show` and `kaa-inbox show
 * --help` print the same. */
#ifndef KAA_CLI_H
#define KAA_CLI_H

#include <stdio.h>

#include "archive.h"
#include "conf.h"
#include "i18n.h"
#include "inbox.h"
#include "key.h"

#define CLI_NAME "kaa-inbox"
#define CLI_MAX_SSH_OPTS 16

/* The values of the options given, for the command to use. */
struct cli_opts {
	const char        *conf;        /* -c: the file */
	const struct conf *config;      /* loaded from it, or NULL */
	const char        *inbox;       /* --inbox, else the configuration's */
	const char        *public_key;  /* --public, else the configuration's one */
	const char        *secret_key;
	int                pass_fd;     /* --passphrase-fd, or -1 */
	int                json;
	enum key_kdf       kdf;
	const char        *archive;     /* --archive, else [archive] path */
	int                archive_given;   /* --archive: list, show read it */
	const char        *municipality;/* --municipality, else the configuration's */
	const char        *ssh_opts[CLI_MAX_SSH_OPTS];   /* --ssh-option, each */
	int                nssh_opts;
	const char        *remote_cmd;  /* --remote-command: kaa-inbox there */
	const char        *kind;        /* list's filters */
	const char        *from, *to;
	int                status;      /* enum archive_status, or -1 */
	const char        *who;         /* --who */
	long               older_than;  /* --older-than, in days; 0 if not given */
	int                format;      /* export's --format: enum cli_export_format */
	const char        *out;         /* export's --out, or NULL: stdout */
	int                free_text;   /* export's --with-free-text */
	const char        *new_secret;  /* rekey's --new-secret */
	const char        *new_public;  /* rekey's --new-public */
	const char        *keys;        /* rekey's --keys: public key files, by ',' */
	char              *owned;       /* the configuration's archive path, freed by cli_run */
	char             **args;        /* the operands after the options */
	int                nargs;
};

/* One option of the catalogue. */
struct cli_option {
	const char *name;     /* the long name, without "--" */
	char        letter;   /* the short name, or 0 */
	const char *arg;      /* what its value is called ("FILE"), NULL for none */
	const char *help;     /* what it does: lines of the usage */
	/* Sets it in o from its value (NULL for none): -1 if the value is bad. */
	int       (*set)(struct cli_opts *o, const char *value);
};

extern const struct cli_option cli_opt_config, cli_opt_inbox,
    cli_opt_public, cli_opt_secret, cli_opt_passphrase_fd, cli_opt_json,
    cli_opt_kdf, cli_opt_archive, cli_opt_municipality, cli_opt_ssh_option,
    cli_opt_remote_command, cli_opt_kind, cli_opt_status, cli_opt_from,
    cli_opt_to, cli_opt_who, cli_opt_older_than, cli_opt_format, cli_opt_out,
    cli_opt_with_free_text, cli_opt_new_secret, cli_opt_new_public,
    cli_opt_keys;

struct cli_command {
	const char *name;
	const char *synopsis;   /* what follows "kaa-inbox NAME " */
	const char *summary;    /* one line, for the list of commands */
	const char *about;      /* the command's description, lines of text */
	const struct cli_option *const *options;   /* NULL-terminated */
	int         max_args;   /* how many operands it takes at most */
	int       (*run)(struct cli_opts *o);      /* returns the exit status */
};

/* The commands, one file each. */
extern const struct cli_command cli_cmd_keygen, cli_cmd_list, cli_cmd_show,
    cli_cmd_export_sealed, cli_cmd_ack, cli_cmd_pull, cli_cmd_status,
    cli_cmd_purge, cli_cmd_stats, cli_cmd_export, cli_cmd_rekey;

/* The command's usage: synopsis, description, its options and --help. */
void cli_usage(const struct cli_command *c, FILE *f);

/* Runs c with its arguments (argv[0] is the command's name): parses them
 * (--help prints the usage, exit 0; an option c does not take, a bad value
 * or a missing one is named on stderr, exit 2), loads the configuration
 * -c names, and calls c->run. Returns the exit status. */
int cli_run(const struct cli_command *c, int argc, char **argv);

/* Opens the inbox o names, read-only (reading never changes the file).
 * 0, or the exit status after saying why on stderr. */
int cli_open_inbox(const struct cli_opts *o, inbox **ib);

/* The archive o names (--archive, else the configuration's [archive]
 * path, else ~/.local/share/kaa/ID.archive), opened with flags
 * (archive.h); with ARCHIVE_CREATE the default's directories are made
 * (0700). 0, or the exit status after saying why on stderr. */
int cli_open_archive(const struct cli_opts *o, int flags, archive **a);

/* The secret key --secret names, opened with the passphrase (pass.h);
 * *sk freed with key_secret_free. 0, or the exit status after saying
 * why (a wrong passphrase: one line). */
int cli_load_key(const struct cli_opts *o, struct key_secret **sk);

/* The municipality o names (--municipality, else the configuration's id),
 * or NULL. */
const char *cli_municipality(const struct cli_opts *o);

/* --- export: the archive's records, opened, as CSV or JSON (cmd_export.c) --
 *
 * The columns: reference, form, received, municipality, status, then the
 * fields of the form (of both forms, each name once, when no --kind picks
 * one) by their JSON names, in the forms' order; the free-text fields
 * (cli_export_free_text) only when asked for. */
enum cli_export_format { CLI_EXPORT_CSV = 1, CLI_EXPORT_JSON };
#define CLI_EXPORT_MAX_COLUMNS 64

/* The columns for kind's form (NULL: every form) into cols; returns how
 * many. */
size_t cli_export_columns(const char *kind, int free_text,
    const char *cols[CLI_EXPORT_MAX_COLUMNS]);
/* 1 if field f holds free text: a text area, or a text field that is
 * neither a name nor an organisation (forms.c). */
struct form_field;
int cli_export_free_text(const struct form_field *f);
/* One CSV row of the n cells: each quoted by libcsv (quotes doubled),
 * separated by ';', ended by CRLF. A cell is hostile: a control character
 * other than a line feed is written as U+FFFD, and a cell that starts with
 * = + - @ or ' gets a ' in front (a spreadsheet would run it as a formula;
 * remove the first ' to get the value back). -1 if f failed. */
int cli_csv_row(FILE *f, const char *const *cells, size_t n);

/* --- the sealed stream: export-sealed's output, pull's input ---------------
 *
 * Text, one item a line, every line ending in "\n":
 *
 *   KAA-SEALED 1                  the header: the format's version
 *   {"ref":"K7Q2-9MXA-3FTB","kind":"sysselsattning",
 *    "received":"2026-11-24T12:00:00Z","key_id":"<16 hex>[,<16 hex>...]",
 *    "format":2,"sealed":"<base64>"}          one row per inbox entry
 *   END N                         N: the number of rows sent; nothing after
 *
 * A row is one JSON object (ASCII only) with exactly these six members:
 * the inbox row's metadata (inbox.h) and its sealed data in standard
 * base64 with padding. No line is longer than CLI_STREAM_LINE_MAX bytes
 * (a sealed record of INBOX_ROW_MAX bytes in base64, and room for the
 * rest). Without its END line, a stream was cut off: nothing in it is to
 * be acknowledged. The reader trusts nothing: each field must have the
 * form kaa-fcgi writes (cli_out.h's validators), else that row is bad and
 * the others still count. */
#define CLI_STREAM_LINE_MAX ((INBOX_ROW_MAX + 2) / 3 * 4 + 1024)

int cli_stream_put_header(FILE *f);
/* One row; -1 if it cannot be sent (a value that is not UTF-8) or f
 * failed. */
int cli_stream_put(FILE *f, const struct inbox_entry *e);
int cli_stream_put_end(FILE *f, long rows);

struct cli_stream {
	FILE  *in;
	char  *line;     /* CLI_STREAM_LINE_MAX + 1 bytes, malloc'd */
	size_t len;
	long   lineno;   /* lines read */
	long   rows;     /* row lines read, good and bad */
};

enum cli_stream_item {
	CLI_STREAM_ROW,      /* a good row */
	CLI_STREAM_BAD,      /* a bad row: why says why; skip it */
	CLI_STREAM_END,      /* the end, with the right count */
	CLI_STREAM_CUT,      /* input ended (or a bad end) before the end */
	CLI_STREAM_EHEADER,  /* not a sealed stream of a version we know */
	CLI_STREAM_ENOMEM
};

void cli_stream_init(struct cli_stream *s, FILE *in);
/* The next item. For CLI_STREAM_ROW, *e holds the row with its sealed data
 * (release with inbox_entry_clear); for CLI_STREAM_BAD, *why is a static
 * text saying what is wrong. */
int cli_stream_next(struct cli_stream *s, struct inbox_entry *e, const char **why);
void cli_stream_free(struct cli_stream *s);

#endif
