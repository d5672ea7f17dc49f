#!/bin/sh
# inbox-bench.sh — kaa-inbox pulling and exporting 10,000 records, side by
# side with the bare libsodium cost of opening them (issue 10: export at
# least half the bare rate).
#
#   sh bench/inbox-bench.sh            (about 3 minutes)
#
# 1. Makes two coordinators' keys (kaa-inbox keygen --kdf interactive, the
#    passphrase from KAA_PASSPHRASE: a demo key) and 10,000 made-up youth
#    and school submissions (about 1 KB of JSON each, as form_to_json
#    writes them; test personnummer only), and appends them to a web host's
#    inbox with bench/inbox-fill (the library's inbox_append, as kaa-fcgi:
#    an envelope to both keys, one durable transaction each). Setup, not
#    timed.
# 2. One run of each under /usr/bin/time -v, for peak RSS, with the outputs
#    checked: pull of the local inbox into an archive, export --format csv
#    and --format json of that archive (--out a new file).
# 3. Times each with hyperfine (1 warm-up, then RUNS): pull from a fresh
#    copy of the inbox into a fresh archive each run (pull empties the
#    inbox); pull over ssh from a private sshd on 127.0.0.1 (as
#    tests/integration/pull.sh; skipped without /usr/sbin/sshd or with
#    BENCH_SSH=0); export csv and json; and export of an empty archive:
#    the fixed cost of a run (start, the key's Argon2id, opening the
#    archive), subtracted for the per-record rate.
# 4. The floor: bench/seal-floor opens the same 10,000 ciphertexts, read
#    into memory first, with bare libsodium: per record crypto_box_seal_open
#    of the 80-byte stanza and one XChaCha20-Poly1305 decryption of the body
#    (median of 7 timed passes); it also times the key's Argon2id alone.
# 5. Prints the machine, the versions, a table and the ratios against the
#    target.
#
# Env: N (10000), RUNS (5), KAA_INBOX (build/bin/kaa-inbox); SEAL_FLOOR and
#      INBOX_FILL (the helpers; when unset they are compiled here from
#      bench/*.c against LIBKAA, build/libkaa.a), BENCH_SSH (1), WAIT_QUIET
#      (60: seconds to wait for an idle machine before each measurement),
#      TMPDIR (where the inbox and the archives go).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../tests/lib/sshd.sh"
ROOT=$(cd "$HERE/.." && pwd)
KAA_INBOX=${KAA_INBOX:-$ROOT/build/bin/kaa-inbox}
LIBKAA=${LIBKAA:-$(dirname "$KAA_INBOX")/../libkaa.a}
N=${N:-10000}
RUNS=${RUNS:-5}
PY=/usr/bin/python3
MUNI=exempelkommun
export KAA_PASSPHRASE=bench-passphrase LC_ALL=C.UTF-8
unset LANGUAGE

missing=""
for p in hyperfine time sqlite3 python3; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	echo "inbox-bench: installing:$missing"
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
fi
for t in hyperfine sqlite3 $PY /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 || { echo "inbox-bench: $t is missing" >&2; exit 1; }
done
[ -x "$KAA_INBOX" ] || { echo "inbox-bench: build kaa-inbox first (make)" >&2; exit 1; }
# absolute: the ssh pull runs it on the "web host" from the home directory
KAA_INBOX=$(cd "$(dirname "$KAA_INBOX")" && pwd)/$(basename "$KAA_INBOX")

W=$(mktemp -d)
SSHD_PID=
cleanup() {
	kaa_sshd_stop
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "inbox-bench: $*" >&2; exit 1; }

# --- the helpers -----------------------------------------------------------
CFLAGS_B="-std=c11 -O2 -g -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"
if [ -z "${SEAL_FLOOR:-}" ]; then
	SEAL_FLOOR=$W/seal-floor
	# shellcheck disable=SC2046
	cc $CFLAGS_B $(pkg-config --cflags libsodium) -o "$SEAL_FLOOR" "$HERE/seal-floor.c" \
		$(pkg-config --libs libsodium) || fail "cannot build seal-floor"
fi
if [ -z "${INBOX_FILL:-}" ]; then
	[ -f "$LIBKAA" ] || fail "no $LIBKAA: build first (make), or set INBOX_FILL"
	INBOX_FILL=$W/inbox-fill
	# shellcheck disable=SC2046
	cc $CFLAGS_B -I"$ROOT/include" $(pkg-config --cflags libsodium sqlite3 jansson inih) \
		-o "$INBOX_FILL" "$HERE/inbox-fill.c" "$LIBKAA" \
		$(pkg-config --libs libsodium sqlite3 jansson inih) -lcsv || fail "cannot build inbox-fill"
fi

# --- the machine -------------------------------------------------------------
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }
echo "# inbox-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname): $(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)), $(uname -r), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "# kaa-inbox $KAA_INBOX (built $(date -u -r "$KAA_INBOX" +%Y-%m-%dT%H:%MZ), tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')); libsodium $(ver libsodium23), sqlite $(ver libsqlite3-0), jansson $(ver libjansson4), libcsv $(ver libcsv3)"
echo "# $(hyperfine --version); $(ssh -V 2>&1); work dir on $(df -P "$W" | awk 'NR==2{print $1}') ($(findmnt -n -o FSTYPE -T "$W" 2>/dev/null || stat -f -c %T "$W"))"

# --- keys, records, the web host's inbox ------------------------------------
K=$W/keys
mkdir -m 0700 "$K"
for c in c1 c2; do
	"$KAA_INBOX" keygen --kdf interactive --secret "$K/$c.secret" --public "$K/$c.pub" \
		>/dev/null || fail "keygen failed"
done
PYTHONPATH=$HERE "$PY" - "$ROOT/tests/data/testpersonnummer.txt" "$W/records.tsv" "$N" "$MUNI" <<'EOF'
import json, random, sys
from names import FIRST, LAST, test_pnrs

src, out, n, muni = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pnrs = test_pnrs(src)
pnrs = [p for p in pnrs if "2006" <= p[:4] <= "2010"]
SENT = [
    "Jag jobbar deltid på ett lager just nu men vill läsa klart gymnasiet.",
    "Det passar bäst att ni ringer efter klockan tre på eftermiddagen.",
    "Jag har sökt till Komvux till hösten men har inte fått svar än.",
    "Jag vet inte riktigt vad jag vill göra och skulle vilja prata med någon.",
    "Jag flyttade hit i somras och har inte hunnit söka någon skola.",
    "Skicka gärna information om vilka utbildningar som finns på folkhögskolan.",
    "Jag har praktik på en förskola två dagar i veckan.",
    "Jag slutade på el- och energiprogrammet i ettan och vill börja om.",
    "Det går bra att mejla, jag läser min e-post varje dag.",
    "Jag vill veta mer om sommarjobb och hur man söker dem.",
    "Min mobil är ibland avstängd på dagarna, skicka hellre ett sms.",
    "Jag läser svenska på sfi och vill sedan gå ett yrkesprogram.",
]
SCHOOL = [
    "Eleven har haft hög frånvaro sedan höstlovet, främst på morgonlektionerna.",
    "Mentor har haft flera samtal med eleven och skickat brev hem.",
    "Eleven vill byta till ett yrkesprogram och har träffat studie- och yrkesvägledaren.",
    "Skolan har erbjudit stöd i matematik och svenska men eleven har inte kommit.",
    "Eleven har meddelat att hen har fått arbete och inte tänker fortsätta.",
    "Vi har inte lyckats nå vårdnadshavare på telefon och har skickat brev.",
    "Eleven har en anpassad studiegång sedan vårterminen.",
    "Elevhälsan är informerad och ett möte är bokat nästa vecka.",
]
SCHOOLS = [("Exempelstads kommun", "Exempelgymnasiet"), ("Lärande i Norden AB", "Norra gymnasiet"),
           ("Stiftelsen Folkbildning", "Åby friskola"), ("Västerhamns kommun", "Hamngymnasiet"),
           ("Bruksviks kommun", "Bruksskolan")]
PROGRAMS = ["Ekonomiprogrammet", "Naturvetenskapsprogrammet", "Samhällsvetenskapsprogrammet",
            "Bygg- och anläggningsprogrammet", "Vård- och omsorgsprogrammet",
            "El- och energiprogrammet", "Introduktionsprogram: språkintroduktion",
            "Fordons- och transportprogrammet", "Handels- och administrationsprogrammet"]
REASONS = ["borjar", "slutar", "franvaro", "ej_paborjat", "avbrott", "borta_manad",
           "byter_program", "studieplan", "risk_examen", "risk_tid"]
MEASURES = ["samtal_elev", "kontakt_vardnadshavare", "syv", "ny_studieplan", "annat"]
rnd = random.Random(20261202)


def text(pool, lo, hi):
    s, want = [], rnd.randint(lo, hi)
    while len(" ".join(s)) < want:
        s.append(rnd.choice(pool))
    return " ".join(s)


def name():
    return f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"


def phone():
    return f"07{rnd.randint(0, 9)}-{rnd.randint(100, 999)} {rnd.randint(10, 99)} {rnd.randint(10, 99)}"


def date(m0, m1):
    return f"2026-{rnd.randint(m0, m1):02d}-{rnd.randint(1, 28):02d}"


def youth(i):
    n = name()
    f = {"namn": n, "personnummer": pnrs[i % len(pnrs)], "telefon": phone(),
         "epost": n.lower().replace(" ", ".").replace("å", "a").replace("ä", "a").replace("ö", "o")
                  + "@mejl.example",
         "gymnasium": rnd.choice(["studiebevis", "avbrott", "gymnasieintyg", "aldrig", "vet_inte"]),
         "sysselsattning": rnd.choice(["arbetar", "arbetssokande", "utbildning", "praktik", "annat"])}
    if f["sysselsattning"] == "utbildning":
        f["utbildning"] = rnd.choice(["Komvux, vård- och omsorgsutbildning", "Folkhögskola, allmän kurs",
                                      "Sfi, kurs C", "Yrkesutbildning till lastbilschaufför"])
    elif f["sysselsattning"] == "annat":
        f["annat"] = "Jag är hemma och tar hand om mitt syskon på dagarna och letar efter något att göra."
    f["kontakt"] = rnd.choice(["telefon", "sms", "epost", "nej"])
    f["meddelande"] = text(SENT, 380, 780)
    return f


def school(i):
    hm, sk = rnd.choice(SCHOOLS)
    k = name()
    f = {"huvudman": hm, "skola": sk, "kontakt_namn": k,
         "kontakt_epost": k.lower().replace(" ", ".").replace("å", "a").replace("ä", "a").replace("ö", "o")
                          + "@skola.example",
         "kontakt_telefon": f"0123-{rnd.randint(10000, 99999)}", "personnummer": pnrs[i % len(pnrs)],
         "elev_namn": name(), "program": rnd.choice(PROGRAMS), "hemkommun": muni,
         "anledning": rnd.choice(REASONS)}
    a = f["anledning"]
    if a == "borjar":
        f["startdatum"] = date(8, 11)
    if a == "ej_paborjat":
        f["terminsstart"] = date(8, 8)
    if a in ("slutar", "avbrott"):
        f["slutdatum"] = date(9, 11)
    if a == "borta_manad":
        f["senast_narvarande"] = date(8, 10)
    if a == "franvaro":
        f["franvaro_timmar"] = rnd.randint(4, 120)
        f["utredning"] = rnd.choice(["ja", "nej"])
    if a == "byter_program":
        f["nytt_program"] = rnd.choice(PROGRAMS)
    if a != "borjar":
        f["atgarder"] = sorted(rnd.sample(MEASURES, rnd.randint(1, 4)), key=MEASURES.index)
    f["ovrigt"] = text(SCHOOL, 330, 680)
    f["elev_informerad"] = rnd.choice(["ja", "nej"])
    f["vardnadshavare_informerad"] = rnd.choice(["ja", "nej", "myndig"])
    return f


size = 0
with open(out, "w", encoding="utf-8") as o:
    for i in range(n):
        kind, fields = ("sysselsattning", youth(i)) if rnd.random() < 0.6 else ("skolanmalan", school(i))
        rec = json.dumps({"schema": 1, "form": kind, "municipality": muni, "fields": fields},
                         ensure_ascii=False, separators=(",", ":"))
        size += len(rec.encode())
        o.write(f"{kind}\t{rec}\n")
print(f"# records: {n} made-up submissions (about 60 % youth, 40 % school), "
      f"JSON {size / n:.0f} bytes on average, test personnummer born 2006-2010")
EOF
INBOX=$W/inbox.sqlite
t0=$(date +%s.%N)
got=$("$INBOX_FILL" "$INBOX" "$K/c1.pub" "$K/c2.pub" <"$W/records.tsv") || fail "inbox-fill failed"
t1=$(date +%s.%N)
[ "$got" = "$N" ] || fail "inbox-fill appended $got records, not $N"
# One file to copy for each run: what the WAL holds is moved into it.
sqlite3 "$INBOX" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
echo "# inbox: $N records sealed to 2 coordinators with inbox_append (setup: $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s, one durable commit each), $(du -k "$INBOX" | cut -f1) KiB; key: --kdf interactive (Argon2id, $(awk -F' = ' '/^opslimit/{o=$2} /^memlimit/{m=$2} END{printf "opslimit %d, memlimit %d MiB", o, m/1048576}' "$K/c1.secret"))"
: | "$INBOX_FILL" "$W/empty.sqlite" "$K/c1.pub" >/dev/null || fail "inbox-fill (empty) failed"

# --- helpers ------------------------------------------------------------------
hf() {   # NAME PREPARE COMMAND
	hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "$2" \
		--export-json "$W/$1.json" -n "$1" "$3" >"$W/$1.log" 2>&1 ||
		{ cat "$W/$1.log" >&2; fail "$1 failed under hyperfine"; }
}

# pull into $W/$1/x.archive from a fresh copy of the inbox ($W/$1/in.sqlite)
fresh() { echo "rm -rf $W/$1 && mkdir -m 0700 $W/$1 && cp $INBOX $W/$1/in.sqlite"; }
PULL_CMD="$KAA_INBOX pull --municipality $MUNI --archive $W/p/x.archive $W/p/in.sqlite"
check_pull() {   # DIR OUTPUT: every record new and removed, the archive holds N
	grep -q "^$N new, 0 already in the archive, 0 rejected; $N removed from the inbox$" "$2" ||
		{ cat "$2" >&2; fail "pull ($1) did not pull every record"; }
	[ "$(sqlite3 "$W/$1/x.archive" 'SELECT count(*) FROM record')" = "$N" ] ||
		fail "pull ($1): the archive does not hold $N records"
}

check_after() {   # DIR: the last timed run moved every record
	if [ "$(sqlite3 "$W/$1/x.archive" 'SELECT count(*) FROM record')" != "$N" ] ||
		[ "$(sqlite3 "$W/$1/in.sqlite" 'SELECT count(*) FROM submission')" != 0 ]; then
		fail "pull ($1): the last timed run did not move every record"
	fi
}

A=$W/a/x.archive   # the archive the exports read
export_cmd() {   # FORMAT OUT [ARCHIVE]
	echo "$KAA_INBOX export --archive ${3:-$A} --secret $K/c1.secret --format $1 --out $2"
}
check_export() {   # FORMAT FILE N
	"$PY" - "$1" "$2" "$3" <<'EOF' || fail "export $1: the output is not $3 records"
import csv, io, json, sys
fmt, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(path, "rb").read().decode("utf-8")
if fmt == "json":
    rows = json.loads(data)
else:
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"), newline=""), delimiter=";"))[1:]
sys.exit(0 if len(rows) == n else 1)
EOF
}

# --- peak memory, and the outputs checked -------------------------------------
echo "# peak memory runs; machine busy before: $(wait_quiet)"
sh -c "$(fresh p)"
/usr/bin/time -v -o "$W/pull.time" $PULL_CMD >"$W/pull.out" 2>"$W/pull.err" ||
	{ cat "$W/pull.err" >&2; fail "pull failed"; }
check_pull p "$W/pull.out"
mkdir -m 0700 "$W/a"
cp "$W/p/x.archive" "$A"   # pull leaves no -wal behind: it is the whole archive
for f in csv json; do
	# shellcheck disable=SC2046 # the command's words
	/usr/bin/time -v -o "$W/$f.time" $(export_cmd $f "$W/out.$f") >/dev/null 2>"$W/$f.err" ||
		{ cat "$W/$f.err" >&2; fail "export $f failed"; }
	check_export $f "$W/out.$f" "$N"
	rm -f "$W/out.$f"
done
# An archive with no record: what a run costs before the first record.
"$KAA_INBOX" pull --municipality $MUNI --archive "$W/a/empty.archive" "$W/empty.sqlite" >/dev/null ||
	fail "pull of the empty inbox failed"

# --- timing -----------------------------------------------------------------------
echo "# pull timing; machine busy before: $(wait_quiet)"
hf pull "$(fresh p)" "$PULL_CMD"
check_after p

SSH_OK=0
if [ "${BENCH_SSH:-1}" = 1 ] && [ -x /usr/sbin/sshd ]; then
	SSH_OK=0
	kaa_sshd_start "$W/ssh" && SSH_OK=1
	ME=$(id -un)
	if [ "$SSH_OK" = 1 ]; then
		SSH_CMD="$KAA_INBOX pull --municipality $MUNI --archive $W/s/x.archive --remote-command $KAA_INBOX ssh://$ME@127.0.0.1:$PORT$W/s/in.sqlite"
		hf pull-ssh "$(fresh s)" "$SSH_CMD"
		check_after s
	else
		echo "# (no answer from the private sshd: pull over ssh not measured)"
	fi
fi

echo "# export timing; machine busy before: $(wait_quiet)"
for f in csv json; do
	hf "export-$f" "rm -f $W/out.$f" "$(export_cmd $f "$W/out.$f")"
	check_export $f "$W/out.$f" "$N"
done
hf export-empty "rm -f $W/out.empty" "$(export_cmd csv "$W/out.empty" "$W/a/empty.archive")"
check_export csv "$W/out.empty" 0

# --- the floor --------------------------------------------------------------------
sqlite3 -separator '|' "$A" \
	"SELECT ref, kind, received, format, hex(sealed) FROM record ORDER BY received, id" >"$W/rows.txt"
echo "# floor; machine busy before: $(wait_quiet)"
"$SEAL_FLOOR" "$K/c1.secret" "$W/rows.txt" 7 >"$W/floor.txt" || fail "seal-floor failed"
fl() { awk -v k="$1" '$1 == k {print $2}' "$W/floor.txt"; }
[ "$(fl records)" = "$N" ] || fail "seal-floor opened $(fl records) records, not $N"

# --- the table ----------------------------------------------------------------------
t_pull=$(median "$W/pull.json"); t_csv=$(median "$W/export-csv.json")
t_json=$(median "$W/export-json.json"); t_empty=$(median "$W/export-empty.json")
t_floor=$(fl floor_median_s); t_seal=$(fl seal_open_median_s); t_aead=$(fl aead_median_s)
kdf=$(fl kdf_s)
echo
echo "| $N records | median wall | records/s | per record | peak RSS |"
echo "| --- | --- | --- | --- | --- |"
row() { awk -v l="$1" -v n="$2" -v t="$3" -v m="$4" \
	'BEGIN{printf "| %s | %.3f s | %.0f | %.1f µs | %s |\n", l, t, n/t, 1e6*t/n, m == "" ? "-" : m " MiB"}'; }
row "kaa-inbox pull (local inbox file)" "$N" "$t_pull" "$(rss_mib "$W/pull.time")"
[ "$SSH_OK" = 1 ] && row "kaa-inbox pull over ssh (127.0.0.1)" "$N" "$(median "$W/pull-ssh.json")" ""
row "kaa-inbox export --format csv" "$N" "$t_csv" "$(rss_mib "$W/csv.time")"
row "kaa-inbox export --format json" "$N" "$t_json" "$(rss_mib "$W/json.time")"
awk -v t="$t_empty" -v k="$kdf" 'BEGIN{printf "| export of an empty archive (fixed cost per run; Argon2id alone %.3f s) | %.3f s | - | - | - |\n", k, t}'
row "export csv less the fixed cost" "$N" "$(awk -v a="$t_csv" -v b="$t_empty" 'BEGIN{print a-b}')" ""
row "export json less the fixed cost" "$N" "$(awk -v a="$t_json" -v b="$t_empty" 'BEGIN{print a-b}')" ""
row "floor: bare libsodium (seal_open + XChaCha20-Poly1305)" "$N" "$t_floor" ""
row "  of which crypto_box_seal_open of the stanza" "$N" "$t_seal" ""
row "  of which XChaCha20-Poly1305 of the body" "$N" "$t_aead" ""
echo
awk -v n="$N" -v c="$t_csv" -v j="$t_json" -v e="$t_empty" -v f="$t_floor" -v k="$kdf" \
	'function mark(ok) { return ok ? "met" : "NOT met" }
BEGIN {
	fr = n / f
	printf "floor: %.0f records/s (median of 7 passes, one thread, ciphertexts in memory)\n", fr
	r = (n / (c - e)) / fr; printf "export csv per record (less the fixed %.3f s) / floor: %.2f (target >= 0.5): %s\n", e, r, mark(r >= 0.5)
	r = (n / (j - e)) / fr; printf "export json per record (less the fixed %.3f s) / floor: %.2f (target >= 0.5): %s\n", e, r, mark(r >= 0.5)
	r = (n / c) / fr; printf "export csv whole run / floor: %.2f (target >= 0.5): %s\n", r, mark(r >= 0.5)
	r = (n / j) / fr; printf "export json whole run / floor: %.2f (target >= 0.5): %s\n", r, mark(r >= 0.5)
	r = (n / c) / (n / (f + k)); printf "export csv whole run / (floor + one Argon2id): %.2f (target >= 0.5): %s\n", r, mark(r >= 0.5)
}'
echo "runs: $RUNS each after 1 warm-up (hyperfine); floor: 7 passes after 1 untimed; spread:"
for f in pull pull-ssh export-csv export-json export-empty; do
	[ -f "$W/$f.log" ] || continue
	printf '  %-13s' "$f"; grep -h 'Time (' "$W/$f.log" | sed 's/^ *Time ([^)]*): *//'
done
printf '  %-13s%s s median, %s s best (%s plaintext bytes)\n' floor "$t_floor" "$(fl floor_best_s)" "$(fl plain_bytes)"
