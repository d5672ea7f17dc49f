/* archive.h — the coordinator's own archive of pulled submissions.
 *
 * One SQLite file on the coordinator's machine (never the web host) that
 * keeps the sealed records pulled from the municipalities' inboxes, as
 * they came: still sealed (key.h), with their metadata — reference, form
 * kind, received time (UTC), recipients' key ids, format — and what the
 * archive adds: the municipality it came from, when it was pulled, and a
 * status (new, in progress, done) with who set it and when.
 *
 * A record is identified by (municipality, reference): importing one that
 * is already there changes nothing, so a repeated pull imports nothing
 * twice. Writes are durable when they return (WAL, synchronous=FULL);
 * deleted rows are overwritten (secure_delete).
 *
 * The file is private: mode 0600, in a directory only its owner may enter
 * (0700); archive_open refuses one others may read. Its schema is
 * versioned (PRAGMA user_version, ordered migrations each in one
 * transaction, like inbox.h) under its own application_id; a file of a
 * newer version (ARCHIVE_ENEWER), another program's SQLite file or a
 * damaged one (ARCHIVE_EFOREIGN) is refused, never changed. It is opened
 * with SQLite's defensive settings, and its table is checked before a row
 * is read, as inbox.c does. */
#ifndef KAA_ARCHIVE_H
#define KAA_ARCHIVE_H

#include <stddef.h>

#include "inbox.h"

#define ARCHIVE_SCHEMA_VERSION 1
/* PRAGMA application_id of an archive ("KAAA"). */
#define ARCHIVE_APPLICATION_ID 0x4b414141
/* municipality.id is at most 40 characters (conf.h). */
#define ARCHIVE_MUNICIPALITY_LEN 40
#define ARCHIVE_WHO_LEN 63

typedef struct archive archive;

enum archive_err {
	ARCHIVE_OK = 0,
	ARCHIVE_EOPEN,      /* cannot open or create the file */
	ARCHIVE_EPERM,      /* the file or its directory is open to others */
	ARCHIVE_EFOREIGN,   /* another program's SQLite file, or damaged */
	ARCHIVE_ENEWER,     /* made by a newer version of kaa-inbox */
	ARCHIVE_EALTERED,   /* the table is not ours (a view, other columns) */
	ARCHIVE_EBUSY,
	ARCHIVE_EFULL,
	ARCHIVE_EIO,
	ARCHIVE_ENOMEM,
	ARCHIVE_ENOTFOUND,  /* no record with that reference */
	ARCHIVE_EAMBIGUOUS, /* that reference is in several municipalities */
	ARCHIVE_EARG        /* a bad reference, status or value */
};

enum archive_flags {
	ARCHIVE_CREATE   = 1,   /* create the file (0600) if it is missing */
	ARCHIVE_READONLY = 2
};

enum archive_status {
	ARCHIVE_NEW = 0,
	ARCHIVE_IN_PROGRESS,
	ARCHIVE_DONE,
	ARCHIVE_NSTATUS
};

struct archive_record {
	/* ref, kind, received, key_id, format; sealed only when asked for
	 * (archive_get, ARCHIVE_WITH_SEALED). */
	struct inbox_entry entry;
	char municipality[ARCHIVE_MUNICIPALITY_LEN + 1];
	char pulled[32];        /* ISO 8601 UTC */
	int  status;            /* enum archive_status */
	char status_by[ARCHIVE_WHO_LEN + 1];   /* "" if never set */
	char status_at[32];     /* "" if never set */
};

/* What archive_each selects; NULL (or -1 for status) matches anything.
 * from and to are dates YYYY-MM-DD of the received time, inclusive. */
struct archive_filter {
	const char *kind;
	const char *municipality;
	const char *from;
	const char *to;
	int         status;
};

/* Opens (ARCHIVE_CREATE: creates) the archive at path. The directory must
 * exist and be private (wfile_private_dir). *out freed by archive_close. */
int archive_open(const char *path, int flags, archive **out);
void archive_close(archive *a);

/* A transaction around several writes (BEGIN IMMEDIATE ... COMMIT): the
 * commit is on disk when it returns. */
int archive_begin(archive *a);
int archive_commit(archive *a);
void archive_rollback(archive *a);

/* Stores e (with its sealed data) from municipality's inbox, status new,
 * pulled now. *added is 1 if it was stored, 0 if (municipality, ref) was
 * already there (then nothing changes). */
int archive_import(archive *a, const char *municipality,
    const struct inbox_entry *e, int *added);

enum { ARCHIVE_WITH_SEALED = 1 };
/* Calls fn for each record that f selects (f may be NULL), oldest received
 * first; with ARCHIVE_WITH_SEALED the sealed data is in r->entry (owned by
 * the archive, valid during the call). fn returns non-zero to stop. */
int archive_each(archive *a, const struct archive_filter *f, int flags,
    int (*fn)(const struct archive_record *r, void *arg), void *arg);

/* The record with reference ref (any spelling inbox_ref_parse takes) from
 * municipality (NULL: any one, ARCHIVE_EAMBIGUOUS if several), with its
 * sealed data; release with archive_record_clear. */
int archive_get(archive *a, const char *municipality, const char *ref,
    struct archive_record *out);
void archive_record_clear(struct archive_record *r);

/* Sets the status of the record with reference ref (as archive_get finds
 * it), by who (at most ARCHIVE_WHO_LEN bytes), now. */
int archive_set_status(archive *a, const char *municipality, const char *ref,
    int status, const char *who);

/* Replaces the sealed data of the record with id (an archive_record's
 * entry.id) by sealed (len bytes) in format, to the keys key_id: a
 * record re-sealed to another key set (kaa-inbox rekey), inside
 * archive_begin ... archive_commit with the others. The old data is
 * overwritten on disk (secure_delete). ARCHIVE_ENOTFOUND if there is no
 * such record. */
int archive_replace_sealed(archive *a, long long id, const char *key_id,
    int format, const unsigned char *sealed, size_t len);

/* Copies what the write-ahead log holds into the file and empties the log
 * (wal_checkpoint(TRUNCATE)), so that data replaced or deleted is left in
 * neither. */
int archive_checkpoint(archive *a);

/* Deletes (overwriting them) the records received before `before`
 * (ISO 8601 UTC); *count is how many. */
int archive_purge(archive *a, const char *before, long *count);

/* "new", "in-progress", "done"; parse returns -1 for anything else. */
const char *archive_status_name(int status);
int archive_status_parse(const char *s);

const char *archive_strerror(int err);

#endif
