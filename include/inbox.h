/* inbox.h — the sealed inbox: one SQLite file per municipality.
 *
 * The web host appends: the record (JSON text) is sealed to the
 * municipality's public key and inserted with minimal metadata — id,
 * reference code, form kind, received time (UTC), key id — in one
 * transaction, committed durably (WAL, synchronous=FULL) before the call
 * returns. Nothing else is stored in clear. Reading needs the secret key
 * (see key.h), which never has to be on the web host.
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
#define INBOX_SCHEMA_VERSION 1
/* PRAGMA application_id of our files ("KAA1"): tells them from other
 * SQLite files. */
#define INBOX_APPLICATION_ID 0x4b414131

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
	INBOX_EARG        /* bad argument (kind too long, bad reference) */
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
	char           key_id[KEY_ID_HEX + 1];
	int            acked;
	unsigned char *sealed;          /* only from inbox_get; malloc'd */
	size_t         sealed_len;
};

/* Opens (or with INBOX_CREATE creates) the inbox at path. busy_ms is how long
 * a writer waits for the lock (0: default 5000). *out freed by inbox_close. */
int inbox_open(const char *path, int flags, int busy_ms, inbox **out);
void inbox_close(inbox *ib);

/* Seals plain (len bytes) to pk and stores it as a new entry of the given
 * kind. On success ref receives the new reference code (NUL-terminated). */
int inbox_append(inbox *ib, const struct key_public *pk, const char *kind,
    const char *plain, size_t len, char ref[INBOX_REF_LEN + 1]);

/* Calls fn for each entry, oldest first (sealed is NULL). fn returns
 * non-zero to stop early. */
int inbox_list(inbox *ib, int (*fn)(const struct inbox_entry *, void *),
    void *arg);

/* Reads the entry with reference ref (any spelling inbox_ref_parse takes)
 * into *out, including the sealed data; release with inbox_entry_clear. */
int inbox_get(inbox *ib, const char *ref, struct inbox_entry *out);
void inbox_entry_clear(struct inbox_entry *e);

/* INBOX_OK if an entry with this (canonical) reference exists,
 * INBOX_ENOTFOUND if not. Reads metadata only. */
int inbox_exists(inbox *ib, const char *ref);

/* 1 if the path the inbox was opened with still names the open file;
 * 0 if the file was moved, replaced or deleted since. */
int inbox_is_current(const inbox *ib);

/* Normalises a typed reference: case-insensitive, dashes and spaces
 * optional, and the look-alikes O→0, I/L→1. Returns 0 and writes the
 * canonical XXXX-XXXX-XXXX form, or -1 if it cannot be a reference. */
int inbox_ref_parse(const char *in, char out[INBOX_REF_LEN + 1]);

const char *inbox_strerror(int err);

#endif
