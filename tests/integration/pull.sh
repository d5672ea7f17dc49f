#!/bin/sh
# kaa-inbox pull over a real ssh: submissions made through the real nginx
# and kaa-fcgi (the demo region: Exempelkommun has two coordinators) are
# pulled from a real sshd on 127.0.0.1 (its own host key, user key and
# configuration in a private directory) into an archive; pulls killed or
# cut off half-way lose and duplicate nothing; forged rows in the stream
# are reported harmlessly. KAA_BIN_DIR=build/san/bin runs the sanitizer
# build on both sides. Ends with "pull: all passed".
set -u
# kaa-inbox's messages in English (the checks read them) whatever the
# machine's language; still UTF-8.
export LC_ALL=C.UTF-8; unset LANGUAGE
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh
. tests/lib/sshd.sh
BIN=${KAA_BIN_DIR:-build/bin}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
. tests/lib/san.sh
kaa_san_init pull
command -v /usr/sbin/sshd > /dev/null || { echo "pull: needs openssh-server (scripts/deps.sh)"; exit 1; }

KAA_POST_RATE=1000r/s KAA_POST_BURST=1000 KAA_BIN_DIR=$BIN kaa_region_start ||
	{ echo "pull: could not start the server"; exit 1; }
S=$KAA_TMP/ssh
SSHD_PID=
trap 'kaa_sshd_stop; kaa_server_stop' EXIT

pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

# --- sshd on a free loopback port, everything in a private directory
kaa_sshd_start "$S" ASAN_OPTIONS UBSAN_OPTIONS
ME=$(id -un)
check "sshd answers with the test key" ssh $KAA_SSH -o BatchMode=yes -p "$PORT" "$ME@127.0.0.1" true

SRC="ssh://$ME@127.0.0.1:$PORT$KAA_INBOX"
A=$KAA_TMP/coordinator
mkdir -m 0700 "$A"
ARCHIVE=$A/exempelkommun.archive
C1=$KAA_TMP/exempelkommun/keys/c1.secret
C2=$KAA_TMP/exempelkommun/keys/c2.secret
T=$KAA_TMP/t
mkdir -p "$T"
pull() {
	"$BIN/kaa-inbox" pull -c "$KAA_CONF" --archive "$ARCHIVE" --remote-command "$1" "$2" \
		> "$T/out" 2> "$T/err"
}
host_rows() { sqlite3 "$KAA_INBOX" 'SELECT count(*) FROM submission'; }
archived() { sqlite3 "$ARCHIVE" "SELECT ref FROM record WHERE municipality = 'exempelkommun' ORDER BY ref"; }
one_line() { test "$(wc -l < "$1")" -eq 1 && grep -q "$2" "$1"; }
# harmless FILE...: no byte a terminal acts on (as in inbox_hostile.sh)
harmless() {
	python3 - "$@" <<'PY'
import re, sys
bad = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
for name in sys.argv[1:]:
    if bad.search(open(name, "rb").read()):
        sys.exit(f"{name}: a control byte reached the output")
PY
}

# post N: N youth submissions through nginx and kaa-fcgi; their references
# are added to $T/sent
post() {
	n=0
	while [ "$n" -lt "$1" ]; do
		n=$((n + 1))
		curl -s -o /dev/null -D "$T/h" -H 'Content-Type: application/x-www-form-urlencoded' \
			--data-binary "namn=Pull+Testsson+$n&personnummer=$KAA_TEST_PNR&telefon=070-123+45+67&epost=pull%40test.example&gymnasium=avbrott&sysselsattning=utbildning&utbildning=Folkh%C3%B6gskola&annat=&kontakt=sms&meddelande=Rad+$n" \
			"$KAA_FORM_URL"
		sed -n 's/^[Ll]ocation: .*ref=\([0-9A-Z-]*\).*/\1/p' "$T/h" >> "$T/sent"
	done
}

: > "$T/sent"
N=150
post $N
check "$N submissions are in the web host's inbox" test "$(host_rows)" = $N

# A slow link: the real export, each line passed on after 10 ms, so a pull
# can be stopped while rows stream.
cat > "$T/slow-kaa-inbox" <<EOF
#!/bin/sh
if [ "\$1" = export-sealed ]; then
	"$BIN/kaa-inbox" "\$@" | python3 -c 'import sys, time
for line in sys.stdin.buffer:
    sys.stdout.buffer.write(line); sys.stdout.buffer.flush(); time.sleep(0.01)'
else
	exec "$BIN/kaa-inbox" "\$@"
fi
EOF
chmod 0755 "$T/slow-kaa-inbox"

# --- SIGKILL of the local kaa-inbox while rows stream
"$BIN/kaa-inbox" pull -c "$KAA_CONF" --archive "$ARCHIVE" --remote-command "$T/slow-kaa-inbox" \
	"$SRC" > "$T/out" 2> "$T/err" &
PULL=$!
sleep 0.8
kill -9 "$PULL"
wait "$PULL" 2> /dev/null
check "a pull killed half-way acknowledged nothing: every row is still on the host" \
	test "$(host_rows)" = $N
check "... and the archive holds none of them (the transaction was not committed)" \
	test "$(archived | wc -l)" = 0

# --- the connection cut: the sshd child serving the pull is killed
"$BIN/kaa-inbox" pull -c "$KAA_CONF" --archive "$ARCHIVE" --remote-command "$T/slow-kaa-inbox" \
	"$SRC" > "$T/out" 2> "$T/err" &
PULL=$!
sleep 0.8
for child in $(pgrep -P "$SSHD_PID"); do kill -9 "$child"; done
wait "$PULL"
rc=$?
cp "$T/err" "$T/err.cut"
check "a pull whose connection is cut exits 1" test "$rc" = 1
check "... saying so in one line of its own" \
	test "$(grep -c 'was cut off or failed.*nothing was imported or acknowledged' "$T/err")" = 1
check "... and acknowledges nothing" test "$(host_rows)" = $N
check "... and imports nothing" test "$(archived | wc -l)" = 0

# --- the whole pull
pull "$BIN/kaa-inbox" "$SRC"
rc=$?
check "pull over ssh succeeds" test "$rc" = 0
check "... and says what it did" one_line "$T/out" "^$N new, 0 already in the archive, 0 rejected; $N removed from the inbox$"
check "... with nothing on stderr" test ! -s "$T/err"
check "the web host's inbox is then empty" test "$(host_rows)" = 0
sort "$T/sent" > "$T/sent.sorted"
archived > "$T/archived"
check "the archive holds exactly the references sent, each once" cmp -s "$T/sent.sorted" "$T/archived"
check "the archive is mode 0600" test "$(stat -c %a "$ARCHIVE")" = 600
check "the archive passes integrity_check" test "$(sqlite3 "$ARCHIVE" 'PRAGMA integrity_check')" = ok
check "the raw archive holds no name or personnummer" \
	sh -c "! cat '$ARCHIVE'* | grep -a -q -e 'Pull Testsson' -e 'Testsson' -e '$KAA_TEST_PNR'"

pull "$BIN/kaa-inbox" "$SRC"
check "a second pull imports nothing" one_line "$T/out" "^0 new, 0 already in the archive, 0 rejected; 0 removed"

# --- both coordinators read the same record from the archive
REF=$(head -n 1 "$T/sent")
for k in c1 c2; do
	"$BIN/kaa-inbox" show -c "$KAA_CONF" --archive "$ARCHIVE" \
		--secret "$KAA_TMP/exempelkommun/keys/$k.secret" "$REF" > "$T/show" 2> "$T/show.err"
	check "coordinator $k opens $REF from the archive" \
		sh -c "grep -q '^Reference:  $REF' '$T/show' && grep -q 'Pull Testsson 1$' '$T/show'"
done

# --- the acknowledgement lost: the rows are in the archive and still on
# the host; the next pull imports nothing twice and removes them
post 3
cat > "$T/noack-kaa-inbox" <<EOF
#!/bin/sh
[ "\$1" != ack ] || { echo "ack refused for the test" >&2; exit 1; }
exec "$BIN/kaa-inbox" "\$@"
EOF
chmod 0755 "$T/noack-kaa-inbox"
pull "$T/noack-kaa-inbox" "$SRC"
rc=$?
check "a failed acknowledgement: pull exits 1" test "$rc" = 1
check "... says so, with what the host said escaped" \
	sh -c "grep -q 'from ssh: \"ack refused for the test\"' '$T/err' && grep -q 'still on the web host' '$T/err'"
check "... the rows stay on the host" test "$(host_rows)" = 3
check "... and are in the archive" test "$(archived | wc -l)" = $((N + 3))
pull "$BIN/kaa-inbox" "$SRC"
check "the next pull imports none twice and removes them" \
	one_line "$T/out" "^0 new, 3 already in the archive, 0 rejected; 3 removed"
check "... leaving the host empty" test "$(host_rows)" = 0

# --- killed at every step: SIGKILL at twelve moments spread over pulls
# (starting ssh, streaming, committing the archive, acknowledging on the
# host); after each, every submission is in the archive or still on the
# host, none twice; then one pull finishes the job
post 40
host_refs() { sqlite3 "$KAA_INBOX" 'SELECT ref FROM submission'; }
whole=0
for d in 0.05 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 1.0 1.2 1.5; do
	"$BIN/kaa-inbox" pull -c "$KAA_CONF" --archive "$ARCHIVE" "$SRC" > /dev/null 2>&1 &
	PULL=$!
	sleep "$d"
	kill -9 "$PULL" 2> /dev/null
	wait "$PULL" 2> /dev/null
	{ archived; host_refs; } | sort -u > "$T/known"
	if [ -n "$(archived | uniq -d)" ] || [ -n "$(sort "$T/sent" | comm -23 - "$T/known")" ]; then
		whole=$d
		break
	fi
done
check "a pull killed at any of 12 moments loses nothing and doubles nothing" test "$whole" = 0
pull "$BIN/kaa-inbox" "$SRC"
check "... and the next pull finishes: every submission in the archive once" \
	sh -c "test \"\$(sqlite3 '$ARCHIVE' \"SELECT count(*), count(DISTINCT ref) FROM record WHERE municipality = 'exempelkommun'\")\" = '$((N + 43))|$((N + 43))'"
check "... and the host empty" test "$(host_rows)" = 0
check "... the archive whole (integrity_check)" test "$(sqlite3 "$ARCHIVE" 'PRAGMA integrity_check')" = ok

# --- forged rows in the stream: reported harmlessly, the real rows still pulled
post 2
cat > "$T/forge.py" <<'PY'
import sys
lines = sys.stdin.buffer.read().split(b"\n")
assert lines[0] == b"KAA-SEALED 1" and lines[-1] == b"", lines[0]
real = lines[1:-2]
forged = [
    b'{"ref":"\\u001b]0;owned\\u0007","kind":"sysselsattning","received":"2026-11-24T12:00:00Z","key_id":"0123456789abcdef","format":2,"sealed":"AAAA"}',
    b'{"ref":"AAAA-AAAA-AAAA","kind":"x\\u001b[2J","received":"2026-11-24T12:00:00Z","key_id":"0123456789abcdef","format":2,"sealed":"AAAA"}',
    b'{"ref":"AAAA-AAAA-AAAB","kind":"sysselsattning","received":"2026-02-30T12:00:00Z","key_id":"0123456789abcdef","format":2,"sealed":"AAAA"}',
    b'{"ref":"AAAA-AAAA-AAAC","kind":"sysselsattning","received":"2026-11-24T12:00:00Z","key_id":"\\u202e","format":2,"sealed":"AAAA"}',
    b'{"ref":"AAAA-AAAA-AAAD","kind":"sysselsattning","received":"2026-11-24T12:00:00Z","key_id":"0123456789abcdef","format":3,"sealed":"AAAA"}',
    b'{"ref":"AAAA-AAAA-AAAE","kind":"sysselsattning","received":"2026-11-24T12:00:00Z","key_id":"0123456789abcdef","format":2,"sealed":"!!!!"}',
    b'{"ref":"AAAA-AAAA-AAAF","kind":"sysselsattning","received":"2026-11-24T12:00:00Z","key_id":"0123456789abcdef","format":2,"sealed":"AAAA","extra":1}',
    b'\x1b]0;owned\x07 not json \x9b\xe2\x80\xae',
    b'{"ref":"AAAA-AAAA-AAAG","sealed":"' + b"A" * 3000000 + b'"}',
]
out = [lines[0]] + real[:1] + forged + real[1:] + [b"END %d" % (len(real) + len(forged)), b""]
sys.stdout.buffer.write(b"\n".join(out))
PY
cat > "$T/forge-kaa-inbox" <<EOF
#!/bin/sh
if [ "\$1" = export-sealed ]; then
	"$BIN/kaa-inbox" "\$@" | python3 "$T/forge.py"
else
	exec "$BIN/kaa-inbox" "\$@"
fi
EOF
chmod 0755 "$T/forge-kaa-inbox"
pull "$T/forge-kaa-inbox" "$SRC"
rc=$?
cp "$T/err" "$T/err.forged"
check "a stream with forged rows: pull exits 1" test "$rc" = 1
check "... reports each of the 9 forged rows in a line of its own" \
	test "$(grep -c '^kaa-inbox: pull: row [0-9]* of the stream: .*: skipped' "$T/err")" = 9
check "... prints nothing a terminal acts on" harmless "$T/out" "$T/err"
check "... still imports and acknowledges the two real rows" \
	one_line "$T/out" "^2 new, 0 already in the archive, 9 rejected; 2 removed"
check "... so the web host's inbox is empty" test "$(host_rows)" = 0
sort "$T/sent" > "$T/sent.sorted"
archived > "$T/archived"
check "the archive holds exactly every reference sent, each once" cmp -s "$T/sent.sorted" "$T/archived"
check "... and no forged one" test "$(sqlite3 "$ARCHIVE" "SELECT count(*) FROM record WHERE ref LIKE 'AAAA%'")" = 0

# --- an archive of a newer version, or another program's file: refused,
# nothing acknowledged
post 1
cp "$ARCHIVE" "$A/newer.archive"
sqlite3 "$A/newer.archive" 'PRAGMA user_version = 99'
"$BIN/kaa-inbox" pull -c "$KAA_CONF" --archive "$A/newer.archive" --remote-command "$BIN/kaa-inbox" \
	"$SRC" > "$T/out" 2> "$T/err"
rc=$?
check "a newer archive is refused (exit 1) in one line" \
	sh -c "test $rc = 1 && test \$(wc -l < '$T/err') = 1 && grep -q 'newer version of kaa-inbox' '$T/err'"
sqlite3 "$A/other.sqlite" 'CREATE TABLE t (x); INSERT INTO t VALUES (1)'
chmod 0600 "$A/other.sqlite"
"$BIN/kaa-inbox" pull -c "$KAA_CONF" --archive "$A/other.sqlite" --remote-command "$BIN/kaa-inbox" \
	"$SRC" > "$T/out" 2> "$T/err"
rc=$?
check "another program's SQLite file is refused (exit 1) in one line" \
	sh -c "test $rc = 1 && test \$(wc -l < '$T/err') = 1 && grep -q 'not a KAA archive' '$T/err'"
check "... and left as it was" test "$(sqlite3 "$A/other.sqlite" 'SELECT x FROM t')" = 1
check "... and the row is still on the web host" test "$(host_rows)" = 1

# --- a local inbox, without ssh
pull "$BIN/kaa-inbox" "$KAA_INBOX"
check "a local pull imports the row" one_line "$T/out" "^1 new, 0 already in the archive, 0 rejected; 1 removed"
check "... and empties the inbox" test "$(host_rows)" = 0
sort "$T/sent" > "$T/sent.sorted"
archived > "$T/archived"
check "in the end the archive holds every reference sent, each once" cmp -s "$T/sent.sorted" "$T/archived"

# --- working the archive
TOTAL=$(wc -l < "$T/sent")
K="$BIN/kaa-inbox"
"$K" list -c "$KAA_CONF" --archive "$ARCHIVE" > "$T/list" 2> "$T/err"
check "list --archive into a pipe: a heading and one tab-separated line a record" \
	sh -c "test \$(wc -l < '$T/list') = $((TOTAL + 1)) && test \$(awk -F '\t' 'NF != 7' '$T/list' | wc -l) = 0"
check "... every record new" test "$(grep -c '	new	' "$T/list")" = "$TOTAL"
"$K" status --archive "$ARCHIVE" --who "Handläggare Test" "$REF" in-progress
check "status REF in-progress succeeds" test $? = 0
"$K" list --archive "$ARCHIVE" --status in-progress > "$T/list"
check "list --status in-progress shows that one record, with who set it" \
	sh -c "test \$(wc -l < '$T/list') = 2 && grep -q '^$REF	exempelkommun	sysselsattning	.*	in-progress	Handläggare Test	20' '$T/list'"
"$K" status --archive "$ARCHIVE" "$REF" klar 2> "$T/err"
check "status with an unknown status: exit 2, one line" sh -c "test $? = 2 && test \$(wc -l < '$T/err') = 1"
"$K" status --archive "$ARCHIVE" AAAA-AAAA-AAAA done 2> "$T/err"
check "status of a reference not in the archive: exit 1, one line" \
	sh -c "test $? = 1 && one_line() { test \$(wc -l < \"\$1\") -eq 1 && grep -q \"\$2\" \"\$1\"; }; one_line '$T/err' 'no record with that reference'"
"$K" list --archive "$ARCHIVE" --kind skolanmalan > "$T/list"
check "list --kind skolanmalan: none" test ! -s "$T/list"
"$K" list --archive "$ARCHIVE" --from "$(date -u -d tomorrow +%Y-%m-%d)" > "$T/list"
check "list --from tomorrow: none" test ! -s "$T/list"
"$K" list --archive "$ARCHIVE" --to "$(date -u +%Y-%m-%d)" > "$T/list"
check "list --to today: all" test "$(wc -l < "$T/list")" = $((TOTAL + 1))
"$K" stats --archive "$ARCHIVE" --secret "$C2" --json > "$T/stats" 2> "$T/err"
check "stats --json with the second coordinator's key counts every record by its fields" \
	python3 -c "import json, sys; s = json.load(open('$T/stats')); sys.exit(not (s['records'] == $TOTAL and s['not_opened'] == 0 and s['sysselsattning'] == {'utbildning': $TOTAL} and s['form'] == {'sysselsattning': $TOTAL} and s['municipality'] == {'exempelkommun': $TOTAL}))"
"$K" stats --archive "$ARCHIVE" --secret "$KAA_TMP/provstad/keys/c1.secret" > "$T/stats" 2> "$T/err"
rc=$?
check "stats with another municipality's key: exit 1, one line a record it cannot open" \
	sh -c "test $rc = 1 && test \$(grep -c 'not sealed to your key' '$T/err') = $TOTAL && test \$(wc -l < '$T/err') = $TOTAL"
check "... and still counts them by their metadata" grep -q "^Records: $TOTAL ($TOTAL could not" "$T/stats"
KAA_PASSPHRASE=wrong-passphrase "$K" stats --archive "$ARCHIVE" --secret "$C1" > "$T/stats" 2> "$T/err"
check "stats with a wrong passphrase: exit 1, one line" \
	sh -c "test $? = 1 && test \$(wc -l < '$T/err') = 1 && grep -q 'wrong passphrase' '$T/err' && test ! -s '$T/stats'"
"$K" purge -c "$KAA_CONF" --archive "$ARCHIVE" > "$T/out"
check "purge with the configuration's retention: nothing is that old" grep -q '^0 deleted' "$T/out"
sqlite3 "$ARCHIVE" "UPDATE record SET received = '2020-01-01T00:00:00Z' WHERE ref = '$REF'"
"$K" purge --archive "$ARCHIVE" --older-than 365d > "$T/out"
check "purge --older-than 365d deletes the one older record" grep -q '^1 deleted' "$T/out"
check "... leaving the others" test "$(archived | wc -l)" = $((TOTAL - 1))
check "... and an archive that passes integrity_check" test "$(sqlite3 "$ARCHIVE" 'PRAGMA integrity_check')" = ok
"$K" purge --archive "$ARCHIVE" --older-than 365 2> "$T/err"
check "purge --older-than without a unit: exit 2" test $? = 2

# --- export: both forms decrypted to CSV and JSON, compared field by field
# with show --json; then rekey of the first coordinator
python3 - "$KAA_FORM_URL" "$KAA_SCHOOL_URL" "$KAA_TEST_PNR" "$T/sent2" <<'PY'
import re, sys, urllib.parse, urllib.request
youth, school, pnr, out = sys.argv[1:]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(NoRedirect)
def post(url, fields):
    req = urllib.request.Request(url, urllib.parse.urlencode(fields, doseq=True).encode())
    try:
        op.open(req)
    except urllib.error.HTTPError as e:
        return re.search(r"ref=([0-9A-Z-]+)", e.headers.get("Location", "")).group(1)
    sys.exit("no redirect to the receipt")
refs = [post(youth, {"namn": 'Åsa "Ö" Öberg; Ärla', "personnummer": pnr, "telefon": "+46 70 123 45 67",
                     "epost": "asa@test.example", "gymnasium": "avbrott", "sysselsattning": "annat",
                     "annat": '-Volontär; "hjälper" till', "kontakt": "telefon",
                     "meddelande": '=SUMMA(1;2) är "inte" en formel;\nrad två: åäö ÅÄÖ\n@tredje'}),
        post(school, {"huvudman": "Friskolan; \"Exempel\" AB", "skola": "Ölandsgymnasiet",
                      "kontakt_namn": "Rut Rektor", "kontakt_epost": "rut@skola.example",
                      "kontakt_telefon": "08-465 004 30", "personnummer": pnr,
                      "elev_namn": "Elin Ängsdal", "program": "Naturvetenskapsprogrammet",
                      "hemkommun": "exempelkommun", "anledning": "byter_program",
                      "nytt_program": 'Ekonomi; "E"', "atgarder": ["samtal_elev", "syv"],
                      "ovrigt": 'Rad ett; "citat"\nRad två åäö', "elev_informerad": "ja",
                      "vardnadshavare_informerad": "nej"})]
open(out, "w").write("\n".join(refs) + "\n")
PY
check "a youth submission and a school notice with ; \" line breaks and å ä ö are sent" \
	test "$(wc -l < "$T/sent2" 2>/dev/null)" = 2
pull "$BIN/kaa-inbox" "$KAA_INBOX"
check "... and pulled into the archive" one_line "$T/out" "^2 new"
EX=$A/export
mkdir -m 0700 "$EX"
"$K" export -c "$KAA_CONF" --archive "$ARCHIVE" --secret "$C1" --format csv --with-free-text \
	--out "$EX/all.csv" > "$T/out" 2> "$T/err"
check "export --format csv --with-free-text --out: exit 0, nothing on stderr" \
	sh -c "test $? = 0 && test ! -s '$T/err'"
check "... says how many records it wrote" grep -q "^$((TOTAL + 1)) records written to $EX/all.csv\$" "$T/out"
check "... into a file of mode 0600" test "$(stat -c %a "$EX/all.csv")" = 600
"$K" export -c "$KAA_CONF" --archive "$ARCHIVE" --secret "$C2" --format json --with-free-text \
	> "$EX/all.json" 2> "$T/err"
check "export --format json to stdout with the second coordinator's key: exit 0" test $? = 0
cat > "$T/export-check.py" <<'PY'
import csv, io, json, os, subprocess, sys
csvpath, jsonpath, kaa, conf, archive, secret, refs = sys.argv[1:8]
raw = open(csvpath, "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
head, body = rows[0], rows[1:]
assert head[:5] == ["reference", "form", "received", "municipality", "status"], head
assert raw.count(b"\r\n") == len(rows), "every row, and only a row, ends in CRLF"
assert raw.endswith(b"\r\n")
objs = json.load(open(jsonpath))
assert open(jsonpath, "rb").read().isascii(), "JSON is ASCII"
assert len(objs) == len(body), (len(objs), len(body))
bycsv = {r[0]: dict(zip(head, r)) for r in body}
byjson = {o["reference"]: o for o in objs}
def cell(v):
    s = "\n".join(v) if isinstance(v, list) else str(v)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "'") else s
for ref in open(refs).read().split():
    shown = json.loads(subprocess.run([kaa, "show", "-c", conf, "--archive", archive, "--secret", secret,
                                       "--json", ref], capture_output=True, text=True, check=True).stdout)
    fields, labels = shown["fields"], shown["value_labels"]
    row, obj = bycsv[ref], byjson[ref]
    assert row["form"] == shown["form"] == obj["form"] and row["municipality"] == "exempelkommun"
    assert row["status"] == obj["status"] == "new"
    for name in head[5:]:
        # hemkommun's choices are the region's: the cell has the id, as stored
        want = "" if name not in fields else cell(fields[name] if name == "hemkommun" else labels.get(name, fields[name]))
        assert row[name] == want, (ref, name, row[name], want)
        assert obj.get(name) == fields.get(name), (ref, name)
    assert set(fields) <= set(head), set(fields) - set(head)
    assert {k: v for k, v in obj.items() if k in fields} == fields
print("ok")
PY
check "CSV (BOM, ';', CRLF, quoted line breaks, formula prefix) and JSON round-trip every field of both forms" \
	python3 "$T/export-check.py" "$EX/all.csv" "$EX/all.json" "$K" "$KAA_CONF" "$ARCHIVE" "$C1" "$T/sent2"
"$K" export --archive "$ARCHIVE" --secret "$C1" --format csv --kind skolanmalan > "$EX/school.csv" 2> "$T/err"
check "export without --with-free-text: no free-text column and none of its text" \
	sh -c "test $? = 0 && ! grep -q -e meddelande -e ovrigt -e nytt_program -e utbildning -e 'Rad ett' -e 'Ekonomi; ' '$EX/school.csv'"
check "... --kind skolanmalan: the school notice's columns and its one record" \
	sh -c "head -n 1 '$EX/school.csv' | grep -q 'elev_namn' && ! head -n 1 '$EX/school.csv' | grep -q '\"gymnasium\"' && grep -c 'Ölandsgymnasiet' '$EX/school.csv' | grep -qx 1"
"$K" export --archive "$ARCHIVE" --secret "$C1" --format csv --out "$EX/all.csv" > "$T/out" 2> "$T/err"
check "export --out onto an existing file: exit 1, the file untouched" \
	sh -c "test $? = 1 && grep -q 'exists' '$T/err' && python3 '$T/export-check.py' '$EX/all.csv' '$EX/all.json' '$K' '$KAA_CONF' '$ARCHIVE' '$C1' '$T/sent2' > /dev/null"
"$K" export --archive "$ARCHIVE" --secret "$KAA_TMP/provstad/keys/c1.secret" --format json > "$T/out" 2> "$T/err"
rc=$?
check "export with a key that opens none: exit 1, one line a record, an empty array" \
	sh -c "test $rc = 1 && test \$(grep -c 'not sealed to your key' '$T/err') = $((TOTAL + 1)) && test \"\$(tr -d '\n' < '$T/out')\" = '[]'"
check "the CSV holds no control byte but the line breaks" python3 -c "
import sys; d = open('$EX/all.csv', 'rb').read(); sys.exit(any(b < 32 and b not in (10, 13) for b in d))"

# --- rekey: the first coordinator's new key replaces the old in every record
N2=$KAA_TMP/exempelkommun/keys/c1new
"$K" rekey -c "$KAA_CONF" --archive "$ARCHIVE" --secret "$C1" --new-secret "$N2.secret" \
	--new-public "$N2.pub" --kdf interactive > "$T/out" 2> "$T/err"
check "rekey: exit 0, nothing on stderr" sh -c "test $? = 0 && test ! -s '$T/err'"
check "... re-sealed every record, none left" grep -q "^$((TOTAL + 1)) re-sealed from key .* to key .*; 0 not sealed" "$T/out"
check "... the archive passes integrity_check" test "$(sqlite3 "$ARCHIVE" 'PRAGMA integrity_check')" = ok
OLDID=$(sed -n 's/^id *= *//p' "$KAA_TMP/exempelkommun/keys/c1.pub")
NEWID=$(sed -n 's/^id *= *//p' "$N2.pub")
check "... no record names the old key, each the new one" \
	test "$(sqlite3 "$ARCHIVE" "SELECT count(*) FROM record WHERE key_id LIKE '%$OLDID%' OR key_id NOT LIKE '%$NEWID%'")" = 0
REF2=$(tail -n 1 "$T/sent2")
for k in "$N2.secret" "$C2"; do
	"$K" show --archive "$ARCHIVE" --secret "$k" "$REF2" > "$T/show" 2> "$T/err"
	check "after rekey $(basename "$k") opens $REF2" grep -q 'Elin Ängsdal' "$T/show"
done
"$K" show --archive "$ARCHIVE" --secret "$C1" "$REF2" > "$T/show" 2> "$T/err"
check "... the old key does not: not sealed to it" sh -c "test $? = 1 && grep -q 'not sealed to your key' '$T/err'"
"$K" rekey -c "$KAA_CONF" --archive "$ARCHIVE" --secret "$C1" --new-secret "$N2-b.secret" \
	--new-public "$N2-b.pub" --kdf interactive > "$T/out" 2> "$T/err"
check "a second rekey of the old key re-seals none: all $((TOTAL + 1)) not sealed to it" \
	grep -q "^0 re-sealed .*; $((TOTAL + 1)) not sealed to the old key" "$T/out"
"$K" rekey -c "$KAA_CONF" --archive "$ARCHIVE" --secret "$C1" --new-secret "$N2.secret" \
	--new-public "$N2-c.pub" --kdf interactive > "$T/out" 2> "$T/err"
check "rekey onto an existing secret key file: exit 1, the archive unchanged" \
	sh -c "test $? = 1 && test \$(sqlite3 '$ARCHIVE' \"SELECT count(*) FROM record WHERE key_id LIKE '%$NEWID%'\") = $((TOTAL + 1))"
"$K" rekey -c "$KAA_CONF" --archive "$ARCHIVE" --secret "$N2.secret" --new-secret "$N2-d.secret" \
	--new-public "$N2-d.pub" > "$T/out" 2> "$T/err"
check "rekey with KAA_PASSPHRASE for a real (moderate) key: exit 2" test $? = 2

kaa_sshd_stop
if kaa_san_reports; then
	bad "sanitizer reports (above)"
fi
echo "pull: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && echo "pull: all passed"
[ "$fail" -eq 0 ]
