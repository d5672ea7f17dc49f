/* gen_roster.h — the register's roster (a CSV export) for kaa-gen letters.
 *
 * Input: UTF-8 with or without a BOM; fields separated by ';' or ','
 * (whichever occurs more often outside quotes in the header row; ';' on a
 * tie); RFC 4180 quoting (separators, quotes and line breaks inside quoted
 * fields); CRLF or LF line ends. Parsed with libcsv. Lines are numbered
 * from 1; CRLF, LF and a lone CR each end one line. Empty lines and rows
 * whose fields are all empty (";;;;") are skipped. White space (spaces,
 * tabs, line breaks) around a value is dropped, quoted or not.
 *
 * Columns are found by the header row, matched case-insensitively, with or
 * without å/ä/ö, and with ' ', '_', '-' or '.' between words (so
 * "Förnamn", "fornamn" and "FÖRNAMN" are one column, as are
 * "Vårdnadshavare postort" and "vardnadshavare_postort"; "c/o" may be
 * written "co"); unknown columns are ignored. Required: personnummer,
 * förnamn, efternamn, utdelningsadress, postnummer, postort. Optional: c/o,
 * and the guardian's columns vårdnadshavare, vårdnadshavare c/o,
 * vårdnadshavare utdelningsadress, vårdnadshavare postnummer, vårdnadshavare
 * postort — but if any of these is present, all of them except
 * vårdnadshavare c/o are required (a misnamed guardian column would
 * otherwise drop every guardian without a word).
 *
 * A bad row gets no letter and is listed in roster.bad with the line in the
 * file where its record starts (a quoted line break makes a record span
 * lines) and a reason; the other rows still load. Bad: a record with
 * another field count than the header, an invalid personnummer or
 * samordningsnummer, a missing name or address part, a postnummer that is
 * not five digits ("123 45" is accepted and stored as "123 45"), a value
 * that is not UTF-8 or holds a control character or bidi override, a value
 * over ROSTER_FIELD_MAX bytes, a line break anywhere but in c/o and
 * utdelningsadress, and malformed quoting (a stray '"' in an unquoted
 * field, text after a closing quote): that record is skipped from its
 * first line to the line with the fault, and parsing goes on at the next
 * line. A reason for a record spanning several lines names them all, so
 * no line is lost without a word. A guardian named with an incomplete or
 * bad address keeps the youth's row: the row's guardian is dropped
 * (guardian.name NULL) and a bad entry is added for that line saying so.
 * An empty vårdnadshavare value means no guardian, and is not bad.
 *
 * Fatal (roster_load fails, nothing is returned): the file cannot be read,
 * is over ROSTER_FILE_MAX bytes, has no header row, a header that is not
 * UTF-8 or has malformed quoting, a required column missing or a known
 * column given twice, or a quote left open to the end of the file (every
 * row after it would be lost). */
#ifndef KAA_GEN_ROSTER_H
#define KAA_GEN_ROSTER_H

#include <stddef.h>
#include "pnr.h"

#define ROSTER_FIELD_MAX 200                 /* bytes in one value */
#define ROSTER_FILE_MAX  (64L * 1024 * 1024) /* bytes in the file */

/* One postal address block, as the envelope window shows it. Strings are
 * owned by the roster; co is NULL when empty. co and street may hold a
 * line break ('\n'; a CRLF in the file becomes '\n'). */
struct roster_addr {
	const char *name;      /* youth: "Förnamn Efternamn"; guardian: as given */
	const char *co;        /* c/o line without "c/o ", or NULL */
	const char *street;    /* utdelningsadress */
	const char *postcode;  /* "12345" or "123 45", as given */
	const char *city;      /* postort */
};

struct roster_row {
	long               line;        /* 1-based line where the record starts */
	struct pnr         pnr;
	const char        *first_name;  /* förnamn */
	const char        *last_name;   /* efternamn */
	struct roster_addr youth;
	struct roster_addr guardian;    /* guardian.name NULL: none usable
	                                 * (then every field of it is NULL) */
};

struct roster_bad {
	long        line;
	const char *reason;   /* names the problem, never the row's data;
	                       * static or owned by the roster */
};

/* rows and bad are each in file order. */
struct roster {
	struct roster_row *rows;
	size_t             n;
	struct roster_bad *bad;
	size_t             nbad;
	struct roster_mem *mem;   /* private: the strings' storage */
};

enum roster_err {
	ROSTER_OK = 0,
	ROSTER_EOPEN,      /* cannot read the file (errno kept) */
	ROSTER_EEMPTY,     /* no header row */
	ROSTER_ECOLUMN,    /* a required column is missing: err->column */
	ROSTER_EDUPCOL,    /* a column appears twice: err->column */
	ROSTER_EENCODING,  /* the header row at err->line is not UTF-8 */
	ROSTER_ESYNTAX,    /* malformed quoting in the header, or a quote
	                    * never closed in the record that starts on
	                    * err->line */
	ROSTER_ETOOBIG,    /* the file is over ROSTER_FILE_MAX */
	ROSTER_ENOMEM
};

struct roster_errinfo {
	long line;         /* 0 when no line applies */
	char column[48];   /* the column's name as documented above ("förnamn"),
	                    * for ROSTER_ECOLUMN and ROSTER_EDUPCOL; else "" */
};

/* Reads path. today decides the century of 10-digit personnummer and
 * rejects birth dates after it (see pnr_parse). On ROSTER_OK *out holds the
 * rows and the bad rows (free with roster_free); otherwise *out is empty
 * and *ei (which may be NULL) says where. */
int roster_load(const char *path, struct pnr_date today, struct roster *out,
    struct roster_errinfo *ei);
/* Frees everything *r owns and empties it; safe on an empty roster. */
void roster_free(struct roster *r);
const char *roster_strerror(int err);

#endif
