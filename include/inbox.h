/* inbox.h — the sealed inbox: one SQLite file per municipality.
 *
 * The web host appends: the record (JSON text) is sealed to each of the
 * municipality's coordinators' public keys and inserted with minimal
 * metadata — id, reference code, form kind, received time (UTC), key ids,
 * format — in one transaction, committed durably (WAL, synchronous=FULL)
 * before the call returns. Nothing else is stored in clear. Reading needs a
 * coordinator's secret key (see key.h), which never has to be on the web
 * host.
 *
 * Formats of the sealed column (the row's `format`):
 *   1  crypto_box_seal of the record to one key (schema 1 wrote only these);
 *      key_id is that key's id.
 *   2  an envelope (key.h) to every key of the municipality's key set;
 *      key_id lists the recipients' ids joined with ',' (at most
 *      INBOX_KEY_IDS_LEN characters; clear metadata, for `kaa-inbox list`).
 *      The envelope's associated data binds the row's metadata:
 *        "kaa-inbox v2" NUL ref NUL kind NUL received NUL
 *      so a ciphertext moved to another row, or a row whose reference, kind
 *      or time was changed, no longer opens.
 *
 * Schema versions (PRAGMA user_version): 1 the first; 2 adds `format`.
 * Opened for writing, an older file is migrated step by step, each step in
 * one transaction; opened INBOX_READONLY it is read as it is. A file of a
 * newer version than this program knows is refused (INBOX_ESCHEMA).
 *
 * The file is not trusted (the web host may be compromised): it is opened
 * with SQLite's defensive settings (no views, triggers or unsafe functions
 * run, no value over INBOX_ROW_MAX), and before any row is read the
 * `submission` table must be an ordinary table with exactly its version's
 * columns, in a file without views or triggers (else INBOX_EALTERED).
 *
 * Concurrency: several processes may append at once. Writers wait for the
 * lock with short sleeps up to the busy timeout, so a burst does not lose
 * writes; past the timeout the caller gets INBOX_EBUSY (answer 503). */
#ifndef KAA_INBOX_H
#define KAA_INBOX_H

#include <stddef.h>
#include "key.h"

/* Reference codes: 12 characters of Crockford base32 (60 random bits) shown
 * as XXXX-XXXX-XXXX. Not sequential, not guessable. */
#define INBOX_REF_LEN 14
#define INBOX_SCHEMA_VERSION 2
/* Room for every recipient's key id joined with ','. */
#define INBOX_KEY_IDS_LEN (KEY_MAX_RECIPIENTS * (KEY_ID_HEX + 1) - 1)
/* PRAGMA application_id of our files ("KAA1"): tells them from other
 * SQLite files. */
#define INBOX_APPLICATION_ID 0x4b414131

/* No value in a row is larger: a record is at most 1 MiB, its envelope
 * adds under 1 KiB. A bigger one was not written by kaa-fcgi. */
#define INBOX_ROW_MAX (2 << 20)

typedef struct inbox inbox;

enum inbox_err {
	INBOX_OK = 0,
	INBOX_EOPEN,      /* cannot open or create the file */
	INBOX_ESCHEMA,    /* not an inbox, or a newer schema version */
	INBOX_EBUSY,      /* locked longer than the busy timeout */
	INBOX_EFULL,      /* disk or database full */
	INBOX_EIO,        /* other database error */
	INBOX_ENOMEM,
	INBOX_ENOTFOUND,  /* no such reference */
	INBOX_ECRYPTO,    /* sealing failed */
	INBOX_EARG,       /* bad argument (kind too long, bad reference) */
	INBOX_EALTERED,   /* the schema is not ours: a view, trigger, other columns */
	INBOX_ETOOBIG,    /* a value larger than INBOX_ROW_MAX */
	INBOX_ETAKEN      /* the row's reference is taken: seal it anew */
};

enum inbox_format {
	INBOX_FORMAT_SEALED   = 1,   /* crypto_box_seal to one key */
	INBOX_FORMAT_ENVELOPE = 2    /* envelope to a key set */
};

enum inbox_flags {
	INBOX_CREATE   = 1,   /* create the file and schema if missing */
	INBOX_READONLY = 2
};

struct inbox_entry {
	long long      id;
	char           ref[INBOX_REF_LEN + 1];
	char           kind[32];
	char           received[32];    /* ISO 8601 UTC, e.g. 2026-11-24T12:00:00Z */
	char           key_id[INBOX_KEY_IDS_LEN + 1];
	int            acked;
	int            format;          /* enum inbox_format */
	unsigned char *sealed;          /* only from inbox_get; malloc'd */
	size_t         sealed_len;
};

/* Opens (or with INBOX_CREATE creates) the inbox at path. busy_ms is how long
 * a writer waits for the lock (0: default 5000). *out freed by inbox_close. */
int inbox_open(const char *path, int flags, int busy_ms, inbox **out);
/* How long from now on a write waits for the lock (0: default 5000). */
void inbox_set_busy(inbox *ib, int busy_ms);
void inbox_close(inbox *ib);

/* Seals plain (len bytes) as an envelope to every key of ks (format 2) and
 * stores it as a new entry of the given kind, in a transaction of its own.
 * On success ref receives the new reference code (NUL-terminated). A taken
 * reference gets a new seal with a new one, up to INBOX_SEAL_TRIES times. */
int inbox_append(inbox *ib, const struct key_set *ks, const char *kind,
    const char *plain, size_t len, char ref[INBOX_REF_LEN + 1]);

/* A record sealed for a new row, not yet stored: sealing and storing apart,
 * so that many processes seal and one stores many rows in one commit
 * (kaa-fcgi's writer). The reference and the received time are in the
 * envelope's associated data; a taken reference needs a new seal. */
struct inbox_row {
	char           ref[INBOX_REF_LEN + 1];
	char           kind[32];
	char           received[32];
	char           key_id[INBOX_KEY_IDS_LEN + 1];
	unsigned char *sealed;           /* malloc'd: inbox_row_clear */
	size_t         sealed_len;
};

/* Seals plain as a new row of the given kind to every key of ks, with a new
 * reference and the time now. Returns an inbox_err. */
int inbox_seal(const struct key_set *ks, const char *kind, const char *plain,
    size_t len, struct inbox_row *row);
void inbox_row_clear(struct inbox_row *row);

/* Stores *rows[0 .. n-1] in one transaction with one durable commit. rc[i]
 * says what became of each: INBOX_OK, or INBOX_ETAKEN if its reference is
 * taken (that row only; the others go on). Returns INBOX_OK once the commit
 * is durable; any other value means none of them was stored. */
int inbox_insert(inbox *ib, const struct inbox_row *const *rows, size_t n,
    int *rc);

/* A reference collision (60 random bits) is next to impossible: whoever
 * stores a row that comes back INBOX_ETAKEN seals it anew under a new
 * reference, at most this many times in all, rather than fail a youth's
 * submission on it (the reference is in the associated data). */
#define INBOX_SEAL_TRIES 5

/* Calls fn for each entry, oldest first (sealed is NULL). fn returns
 * non-zero to stop early. */
int inbox_list(inbox *ib, int (*fn)(const struct inbox_entry *, void *),
    void *arg);

/* Reads the entry with reference ref (any spelling inbox_ref_parse takes)
 * into *out, including the sealed data; release with inbox_entry_clear. */
int inbox_get(inbox *ib, const char *ref, struct inbox_entry *out);
void inbox_entry_clear(struct inbox_entry *e);

/* Opens the sealed record of e (from inbox_get) with one coordinator's
 * secret key, whatever its format. *m as for key_open (free it with
 * key_plain_free). Returns a key_err: KEY_ENOTFORME if the record is not
 * sealed to sk, KEY_ECRYPTO if it is damaged or its metadata changed. */
int inbox_entry_open(const struct inbox_entry *e, const struct key_secret *sk,
    char **m, size_t *mlen);
/* The same into a reused buffer (key.h): for a tool that opens many. */
int inbox_entry_open_buf(const struct inbox_entry *e,
    const struct key_secret *sk, struct key_plain_buf *b);

/* Seals plain (len bytes: e's opened record) anew as an envelope (format
 * 2) to every key of ks, bound to e's reference, kind and received time
 * as inbox_append binds a new row's: for re-sealing a record to another
 * key set (kaa-inbox rekey). *ct is malloc'd (the caller frees it); ids
 * gets the recipients' ids joined with ','. Returns a key_err. */
int inbox_entry_reseal(const struct inbox_entry *e, const char *plain,
    size_t len, const struct key_set *ks, unsigned char **ct, size_t *ctlen,
    char ids[INBOX_KEY_IDS_LEN + 1]);

/* The metadata of the entry with reference ref (any spelling
 * inbox_ref_parse takes), without the sealed data: INBOX_ENOTFOUND if there
 * is none, INBOX_EARG if ref cannot be a reference. */
int inbox_lookup(inbox *ib, const char *ref, struct inbox_entry *meta);

/* INBOX_OK if an entry with this (canonical) reference exists,
 * INBOX_ENOTFOUND if not. Reads metadata only. */
int inbox_exists(inbox *ib, const char *ref);

/* Deletes the entries whose references are refs[0 .. n-1] (canonical
 * XXXX-XXXX-XXXX; INBOX_EARG if one is not), overwriting their content on
 * disk (secure_delete), in one transaction: all or none. A reference with
 * no entry is skipped; *removed is how many were deleted. For the
 * acknowledgement of a pull, after the coordinator's copy is committed. */
int inbox_remove(inbox *ib, const char *const *refs, size_t n, size_t *removed);

/* For a process that keeps an inbox open: opens *ib on first use, and again
 * (closing the old) if the file at path is no longer the one open — moved
 * or replaced: writing on into a moved file would put submissions where
 * nobody looks. Returns an inbox_err. */
int inbox_keep_open(inbox **ib, const char *path, int flags, int busy_ms);
/* After rc from work on a kept inbox: an error that may mean the open file
 * is no longer usable (INBOX_EIO, INBOX_ESCHEMA, INBOX_EOPEN) closes it, so
 * that the next inbox_keep_open starts afresh. */
void inbox_keep_after(inbox **ib, int rc);

/* Normalises a typed reference: case-insensitive, dashes and spaces
 * optional, and the look-alikes O→0, I/L→1. Returns 0 and writes the
 * canonical XXXX-XXXX-XXXX form, or -1 if it cannot be a reference. */
int inbox_ref_parse(const char *in, char out[INBOX_REF_LEN + 1]);

const char *inbox_strerror(int err);

#endif
