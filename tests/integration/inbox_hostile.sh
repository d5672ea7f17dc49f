#!/bin/sh
# kaa-inbox against inbox files a compromised web host could leave: escape
# sequences in every metadata column, a kind that is not [a-z_]+, huge rows,
# a view in place of the table. Everything printed must be harmless (no raw
# ESC, C1, DEL or bidi control on stdout or stderr), or refused with one
# clear message. Also: KAA_PASSPHRASE is refused for a real key. Needs no
# server; run.sh runs it. Ends with "inbox_hostile: all passed".
set -u
# kaa-inbox's messages in English (the checks read them) whatever the
# machine's language; still UTF-8.
export LC_ALL=C.UTF-8; unset LANGUAGE
BIN=${KAA_BIN_DIR:-build/bin}
T=$(mktemp -d /tmp/kaa-hostile.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

# harmless FILE...: no byte in them that a terminal acts on (C0 but the
# newline, DEL, C1 raw or as UTF-8, bidi embeddings, overrides, isolates)
harmless() {
	python3 - "$@" <<'PY'
import re, sys
bad = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
for name in sys.argv[1:]:
    data = open(name, "rb").read()
    # a byte 0x80..0x9f outside a UTF-8 sequence is a raw C1 control
    raw_c1 = re.search(rb"(?<![\xc0-\xff])(?<![\xe0-\xff][\x80-\xbf])(?<![\xf0-\xff][\x80-\xbf]{2})[\x80-\x9f]", data)
    if bad.search(data) or raw_c1:
        sys.exit(f"{name}: a control byte reached the output")
PY
}
# one_line FILE PHRASE: exactly one line, containing PHRASE
one_line() { test "$(wc -l < "$1")" -eq 1 && grep -q "$2" "$1"; }

KAA_PASSPHRASE=hostile-words $BIN/kaa-inbox keygen --kdf interactive \
	--secret "$T/k.secret" --public "$T/k.pub" > /dev/null ||
	{ echo "inbox_hostile: keygen failed"; exit 1; }
KEYID=$(sed -n 's/^id *= *//p' "$T/k.pub")

# --- a real key: KAA_PASSPHRASE is refused, with a message, nothing written
KAA_PASSPHRASE=hostile-words $BIN/kaa-inbox keygen --secret "$T/real.secret" \
	--public "$T/real.pub" > "$T/real.out" 2> "$T/real.err" < /dev/null
rc=$?
check "keygen of a real key refuses KAA_PASSPHRASE (exit 2)" test "$rc" = 2
check "... saying why" grep -q 'KAA_PASSPHRASE is for demo and test keys' "$T/real.err"
check "... and writes no key file" sh -c "test ! -e '$T/real.secret' && test ! -e '$T/real.pub'"

# new_inbox FILE: an empty inbox of the current schema, as kaa-fcgi makes it
new_inbox() {
	sqlite3 "$1" "PRAGMA journal_mode=WAL;
		CREATE TABLE submission (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE,
		 kind TEXT NOT NULL, received TEXT NOT NULL, key_id TEXT NOT NULL,
		 sealed BLOB NOT NULL, acked TEXT);
		ALTER TABLE submission ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
		PRAGMA application_id = 1262567729; PRAGMA user_version = 2;" > /dev/null
}
list() { $BIN/kaa-inbox list --inbox "$1" > "$T/out" 2> "$T/err"; }
show() {
	KAA_PASSPHRASE=hostile-words $BIN/kaa-inbox show --inbox "$1" \
		--secret "$T/k.secret" "$2" > "$T/out" 2> "$T/err"
}

# --- forged rows: escape sequences in every metadata column
new_inbox "$T/forged.sqlite"
sqlite3 "$T/forged.sqlite" "INSERT INTO submission (ref, kind, received, key_id, sealed, format) VALUES
	(char(27) || ']0;owned' || char(7), 'x' || char(27) || '[2J', '2026' || char(27) || '[H',
	 '$KEYID' || char(155) || char(8238), x'00', 2),
	('AAAA-AAAA-AAAA', 'Sysselsättning-2', cast(x'1b5b33316d' AS TEXT),
	 cast(x'9b306d' AS TEXT) || char(127), x'0102', 2),
	('BBBB-BBBB-BBBB', 'sysselsattning', '2026-11-24T12:00:00Z', '$KEYID', x'00', 2),
	('CCCC-CCCC-CCCC', printf('%.*c', 300000, char(27)), printf('%.*c', 300000, char(155)),
	 printf('%.*c', 300000, char(8238)), x'00', 2)"
list "$T/forged.sqlite"
rc=$?
check "list of forged rows succeeds" test "$rc" = 0
check "list prints nothing a terminal acts on" harmless "$T/out" "$T/err"
check "list shows an escape sequence in the reference as escaped JSON" \
	grep -qF '"\u001b]0;owned\u0007"' "$T/out"
check "list shows an escape sequence in the kind as escaped JSON" grep -qF '"x\u001b[2J"' "$T/out"
check "list shows a kind that is not [a-z_]+ as ASCII-escaped JSON" \
	grep -qF '"Syssels\u00e4ttning-2"' "$T/out"
check "list shows an escape sequence in the time as escaped JSON" grep -qF '"2026\u001b[H"' "$T/out"
check "list shows C1, DEL and bidi in the key ids escaped" sh -c \
	"grep -qF '\"$KEYID\\u009b\\u202e\"' '$T/out' && grep -qF '\"\\ufffd0m\\u007f\"' '$T/out'"
check "list shows a well-formed row as it is" grep -q "^BBBB-BBBB-BBBB  sysselsattning    2026-11-24T12:00:00Z  new           $KEYID\$" "$T/out"
check "list keeps huge values to a line each" test "$(wc -l < "$T/out")" = 5

# show: a forged row does not open; the message escapes its metadata
sum=$(sha256sum < "$T/forged.sqlite")
show "$T/forged.sqlite" AAAA-AAAA-AAAA
rc=$?
check "show of a forged row fails (exit 1)" test "$rc" = 1
check "show's message about it is harmless" harmless "$T/out" "$T/err"
check "... one line, the key ids escaped" one_line "$T/err" 'sealed to "\\ufffd0m\\u007f")'
show "$T/forged.sqlite" CCCC-CCCC-CCCC
rc=$?
check "show of a row with huge metadata fails (exit 1)" test "$rc" = 1
check "... harmlessly" harmless "$T/out" "$T/err"
check "... in one line" one_line "$T/err" 'CCCC-CCCC-CCCC'
check "kaa-inbox left the file as it was" test "$(sha256sum < "$T/forged.sqlite")" = "$sum"

# --- a row larger than any submission: one clear message
new_inbox "$T/huge.sqlite"
sqlite3 "$T/huge.sqlite" "INSERT INTO submission (ref, kind, received, key_id, sealed, format)
	VALUES ('AAAA-AAAA-AAAA', printf('%.*c', 3000000, char(27)), '2026-11-24T12:00:00Z',
	 '$KEYID', zeroblob(3000000), 2)"
list "$T/huge.sqlite"
rc=$?
check "list of an inbox with a huge row fails (exit 1)" test "$rc" = 1
check "... harmlessly" harmless "$T/out" "$T/err"
check "... with one clear message" one_line "$T/err" 'larger than any submission'
show "$T/huge.sqlite" AAAA-AAAA-AAAA
rc=$?
check "show of the huge row fails (exit 1)" test "$rc" = 1
check "... with the same message" one_line "$T/err" 'larger than any submission'

# --- a view in place of the table (it would count for ever); a trigger
new_inbox "$T/view.sqlite"
sqlite3 "$T/view.sqlite" "ALTER TABLE submission RENAME TO real;
	CREATE VIEW submission AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
	SELECT i AS id, char(27) || '[2J' AS ref, 'x' AS kind, 'x' AS received, 'x' AS key_id,
	x'00' AS sealed, NULL AS acked, 2 AS format FROM n"
timeout 20 $BIN/kaa-inbox list --inbox "$T/view.sqlite" > "$T/out" 2> "$T/err"
rc=$?
check "list of an inbox whose table is a view ends at once (exit 1)" test "$rc" = 1
check "... printing nothing but one clear message" sh -c \
	"test ! -s '$T/out' && test \"\$(wc -l < '$T/err')\" = 1 && grep -q 'structure was altered' '$T/err'"
timeout 20 $BIN/kaa-inbox show --inbox "$T/view.sqlite" --secret "$T/k.secret" AAAA-AAAA-AAAA \
	> "$T/out" 2> "$T/err" < /dev/null
rc=$?
check "show refuses it too (exit 1)" test "$rc" = 1
check "... before asking for the passphrase" one_line "$T/err" 'structure was altered'
new_inbox "$T/trigger.sqlite"
sqlite3 "$T/trigger.sqlite" "CREATE TRIGGER t AFTER INSERT ON submission BEGIN DELETE FROM submission; END"
list "$T/trigger.sqlite"
rc=$?
check "list refuses an inbox with a trigger (exit 1)" test "$rc" = 1
check "... with one clear message" one_line "$T/err" 'structure was altered'

echo "inbox_hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && echo "inbox_hostile: all passed"
