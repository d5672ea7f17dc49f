#!/bin/sh
# eservice-bench.sh — kaa-fcgi against its PHP-FPM peer on the same durable
# work: the youth form posted through the same nginx configuration, each
# answer a 303 only after its record is sealed and committed (WAL,
# synchronous=FULL) — issue 11.
#
#   sh bench/eservice-bench.sh        (about 2 minutes; make bench-eservice)
#
# 1. A fresh directory on a real disk (not tmpfs: fsync must cost what it
#    costs), two coordinators' keys, and the demo municipality
#    (conf/exempelkommun.ini) with every path inside it.
# 2. kaa-fcgi (KAA_WORKERS, default 6) behind site/nginx.conf.in through
#    scripts/run.sh; the PHP peer (bench/php-peer/: php-fpm, 8 static
#    workers) behind the same nginx.conf.in with the same substitutions,
#    plus the one SCRIPT_FILENAME line php-fpm needs. Both on free ports of
#    127.0.0.1; nginx's per-address POST limit set high enough not to
#    throttle the load.
# 3. Smoke tests on both: a valid form with awkward text -> 303 to the same
#    receipt address; a wrong check digit -> 422; someone aged 22 -> the
#    age page, nothing stored; the two stored records, opened with
#    kaa-inbox, are the same record.
# 4. A warm-up of WARMUP s on each, then for each C in CONNS: the disk's
#    fsync floor (bench/fsync-floor.c, in the same directory: 4 KiB
#    appends, each fdatasync'd, for FSYNC_SECS; then as long 4 KiB written
#    in place, as a WAL is reused), then each server in turn: wrk -c C
#    for DURATION s with bench/wrk-youth.lua (valid forms, test personnummer
#    of youths aged 16-19 today).
# 5. After each load: every 303's reference is a stored row, every row
#    opens with a coordinator's secret key (kaa-inbox pull into an archive,
#    then export), rows >= 303s, and every request got a 303.
# 6. Memory of kaa-fcgi's master and its children (workers, writer) and of
#    php-fpm's master and workers: PSS (sum, per process) and peak RSS.
# 7. A table with the ratios against the targets. Exit 1 if a check failed
#    (not if a target is missed: that is what the table is for).
#
# Env: KAA_BIN_DIR (build/bin), DURATION (10), WARMUP (3), CONNS ("16 64"),
#      THREADS (wrk threads, 2), KAA_WORKERS (6), PEER_FPM_CHILDREN (8),
#      PEER_PDO_PERSISTENT (0: a new SQLite connection per request),
#      WAIT_QUIET (20: seconds to wait for an idle machine before each
#      load), FSYNC_SECS (3), FSYNC_FLOOR (the helper; built here from
#      bench/fsync-floor.c when unset), BENCH_TMP (/var/tmp: where the
#      fresh directory goes), PHP_FPM (the newest /usr/sbin/php-fpmX.Y), KEEP (1: keep the
#      directory).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
. "$ROOT/tests/lib/server.sh"   # kaa_free_port
BIN=$(cd "${KAA_BIN_DIR:-$ROOT/build/bin}" && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-16 64}
THREADS=${THREADS:-2}
WORKERS=${KAA_WORKERS:-6}
CHILDREN=${PEER_FPM_CHILDREN:-8}
# Debian's php-fpm package brings php-fpmX.Y: the newest there is
PHP_FPM=${PHP_FPM:-$(basename "$(ls /usr/sbin/php-fpm* 2>/dev/null | sort -V | tail -n 1)")}
FSYNC_SECS=${FSYNC_SECS:-3}
WAIT_QUIET=${WAIT_QUIET:-20}
MUNI=exempelkommun
BASE=/e-tjanst/$MUNI
FORM=$BASE/sysselsattning
PY=/usr/bin/python3
export WAIT_QUIET KAA_PASSPHRASE=bench-passphrase LC_ALL=C.UTF-8
unset LANGUAGE

fail() { echo "eservice-bench: $*" >&2; exit 1; }
for t in wrk curl sqlite3 php nginx "$PHP_FPM" "$PY" setpriv; do
	command -v "$t" >/dev/null 2>&1 || fail "$t is missing (scripts/deps.sh)"
done
for b in kaa-fcgi kaa-gen kaa-inbox; do
	[ -x "$BIN/$b" ] || fail "no $BIN/$b: build first (make), or set KAA_BIN_DIR"
done

W=$(mktemp -d "${BENCH_TMP:-/var/tmp}/kaa-eservice.XXXXXX")
# Stops a master by its pid file, only if its command line names our
# directory (a stale pid may be someone else's now).
stop_pid() {
	[ -f "$1" ] || return 0
	pid=$(cat "$1")
	if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$W"; then
		kaa_stop_pid "$pid" 10 QUIT
	fi
	rm -f "$1"
}
php_stop() {
	stop_pid "$W/php/run/nginx.pid"
	stop_pid "$W/php/run/php-fpm.pid"
}
cleanup() {
	php_stop
	KAA_RUN_DIR=$W/kaa/run sh "$ROOT/scripts/run.sh" stop >/dev/null 2>&1 || true
	if [ -n "${KEEP:-}" ]; then echo "kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# nginx's and php-fpm's workers (nobody, www-data as root) must enter it
chmod 0755 "$W"
case $(stat -f -c %T "$W") in
tmpfs|ramfs) fail "$W is on $(stat -f -c %T "$W"): fsync costs nothing there (set BENCH_TMP)" ;;
esac
FAILED=0
bad() { echo "CHECK FAILED: $*"; FAILED=1; }

# --- helpers ---------------------------------------------------------------
if [ -z "${FSYNC_FLOOR:-}" ]; then
	FSYNC_FLOOR=$W/fsync-floor
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$FSYNC_FLOOR" "$HERE/fsync-floor.c" ||
		fail "cannot build fsync-floor"
fi
floor() { "$FSYNC_FLOOR" "$W/fsync-floor.data" "$FSYNC_SECS"; }
# "key=value ..." line: the value of key
val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# --- keys, the municipality, the youths' personnummer -----------------------
mkdir -p "$W/keys" "$W/kaa" "$W/php"
for c in c1 c2; do
	"$BIN/kaa-inbox" keygen --kdf interactive --secret "$W/keys/$c.secret" \
		--public "$W/keys/$c.pub" >/dev/null || fail "keygen failed"
done
KEYS="$W/keys/c1.pub, $W/keys/c2.pub"
PORT_KAA=$(kaa_free_port)
PORT_PHP=$(kaa_free_port)
while [ "$PORT_PHP" = "$PORT_KAA" ]; do PORT_PHP=$(kaa_free_port); done
sed -e "s|^layout *=.*|layout = $W/kaa/shell.html|" \
    -e "s|^output *=.*|output = $W/kaa/site|" \
    -e "s|^public_key *=.*|public_key = $KEYS|" \
    -e "s|^path *=.*|path = $W/kaa/inbox.sqlite|" \
    -e "s|^url *=.*|url = http://127.0.0.1:$PORT_KAA|" \
    -e "s|^school *=.*|school = $BASE/skolanmalan|" \
    "$ROOT/conf/exempelkommun.ini" > "$W/kaa/kommun.ini"
# Test personnummer only; 16-19 today and tomorrow, so that no one turns 20
# (the age page, not a 303) while the bench runs.
"$PY" - "$ROOT/tests/data/testpersonnummer.txt" > "$W/youths.txt" <<'EOF'
import datetime, sys
def age(b, t): return t.year - b.year - ((t.month, t.day) < (b.month, b.day))
t0 = datetime.date.today(); t1 = t0 + datetime.timedelta(days=1)
for line in open(sys.argv[1]):
    p = line.strip()
    if p and not p.startswith("#"):
        b = datetime.date(int(p[:4]), int(p[4:6]), int(p[6:8]))
        if 16 <= age(b, t0) and age(b, t1) <= 19: print(p)
EOF
[ -s "$W/youths.txt" ] || fail "no test personnummer of a youth aged 16-19 in tests/data"
OLD_PNR=$("$PY" "$ROOT/tests/lib/pick-pnr.py" 22)

# --- the servers ---------------------------------------------------------------
kaa_start() {
	KAA_RUN_DIR=$W/kaa/run KAA_PORT=$PORT_KAA KAA_QUIET=1 KAA_WORKERS=$WORKERS \
		KAA_POST_RATE=1000000r/s KAA_POST_BURST=100000 KAA_BIN_DIR=$BIN \
		sh "$ROOT/scripts/run.sh" start "$W/kaa/kommun.ini" >/dev/null ||
		fail "kaa-fcgi did not start"
	KAA_PID=$(cat "$W/kaa/run/kaa-fcgi.pid")
}

# Who php-fpm's workers and nginx's run as: www-data and nobody as root (as
# scripts/run.sh), else the caller.
if [ "$(id -u)" = 0 ]; then
	PHP_USER=www-data PHP_GROUP=www-data SOCK_GROUP=$(id -gn nobody)
	NGINX_USER="user nobody $SOCK_GROUP;"
else
	PHP_USER=$(id -un) PHP_GROUP=$(id -gn) SOCK_GROUP=$(id -gn)
	NGINX_USER="# not root: the workers run as $PHP_USER"
fi
as_php() { if [ "$(id -u)" = 0 ]; then setpriv --reuid="$PHP_USER" --regid="$PHP_GROUP" --clear-groups "$@"; else "$@"; fi; }

# site/nginx.conf.in as scripts/run.sh fills it in, the socket php-fpm's,
# and the one line php-fpm needs besides: which script to run.
php_nginx_conf() {
	P=$W/php
	sed -e "s|@PREFIX@|$P/run|g" -e "s|@TEMP@|$P/tmp|g" -e "s|@PORT@|$PORT_PHP|g" \
	    -e "s|@USER@|$NGINX_USER|g" -e "s|@ROOT@|$W/kaa/site|g" \
	    -e "s|@SOCKET@|$P/run/php-fpm.sock|g" -e "s|@POST_RATE@|1000000r/s|g" \
	    -e "s|@POST_BURST@|100000|g" \
	    -e "s|^\( *\)\(fastcgi_pass .*\)|\1fastcgi_param SCRIPT_FILENAME \"$P/www/submit.php\";\n\1\2|" \
	    "$ROOT/site/nginx.conf.in" > "$P/run/nginx.conf"
	[ "$(grep -c SCRIPT_FILENAME "$P/run/nginx.conf")" = 1 ] || fail "nginx.conf.in has no fastcgi_pass line"
}

php_start() {
	P=$W/php
	mkdir -p "$P/run" "$P/log" "$P/tmp" "$P/inbox" "$P/www"
	chmod 0755 "$P/tmp"
	cp "$HERE/php-peer/submit.php" "$P/www/"
	# a copy in $W: php_stop knows the master by this path in its command line
	cp "$HERE/php-peer/php-fpm.conf" "$P/php-fpm.conf"
	chown "$PHP_USER:$PHP_GROUP" "$P/inbox" "$P/log"
	as_php php "$HERE/php-peer/inbox-init.php" "$P/inbox/inbox.sqlite" || fail "inbox-init.php failed"
	PEER_PREFIX=$P PEER_USER=$PHP_USER PEER_GROUP=$PHP_GROUP PEER_SOCK_GROUP=$SOCK_GROUP \
	PEER_FPM_CHILDREN=$CHILDREN PEER_INBOX=$P/inbox/inbox.sqlite PEER_KEYS=$KEYS \
	PEER_MUNICIPALITY=$MUNI PEER_BASE=$BASE PEER_PDO_PERSISTENT=${PEER_PDO_PERSISTENT:-0} \
	PEER_TZ=$(cat /etc/timezone 2>/dev/null || echo UTC) \
		"$PHP_FPM" --fpm-config "$P/php-fpm.conf" || fail "php-fpm did not start"
	i=0
	until [ -S "$P/run/php-fpm.sock" ] && [ -s "$P/run/php-fpm.pid" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "php-fpm did not start: $(tail -n 3 "$P/log/php-fpm.log")"
		sleep 0.05
	done
	PHP_PID=$(cat "$P/run/php-fpm.pid")
	php_nginx_conf
	nginx -p "$P/run" -c "$P/run/nginx.conf" -e "$P/run/nginx-error.log" || fail "nginx (PHP) did not start"
	i=0
	until [ -s "$P/run/nginx.pid" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "nginx (PHP) did not start"; sleep 0.05
	done
}

URL_KAA=http://127.0.0.1:$PORT_KAA$FORM
URL_PHP=http://127.0.0.1:$PORT_PHP$FORM
INBOX_KAA=$W/kaa/inbox.sqlite
INBOX_PHP=$W/php/inbox/inbox.sqlite
url() { if [ "$1" = kaa ]; then echo "$URL_KAA"; else echo "$URL_PHP"; fi; }
inbox() { if [ "$1" = kaa ]; then echo "$INBOX_KAA"; else echo "$INBOX_PHP"; fi; }
name() { if [ "$1" = kaa ]; then echo kaa-fcgi; else echo PHP-FPM; fi; }
# a busy timeout: a PHP worker that closes the last connection checkpoints
rows() { sqlite3 -cmd '.timeout 10000' "$(inbox "$1")" 'SELECT count(*) FROM submission'; }
# the row count once it no longer changes (requests in flight at wrk's end)
rows_settled() {
	a=$(rows "$1")
	while sleep 0.5; b=$(rows "$1"); [ "$a" != "$b" ]; do a=$b; done
	echo "$b"
}

# --- smoke tests -----------------------------------------------------------------
pnr17=$(sed -n 1p "$W/youths.txt")
pnr10=$(echo "$pnr17" | cut -c3-8)-$(echo "$pnr17" | cut -c9-)
last=$(echo "$pnr17" | cut -c12); wrong=$(( (last + 1) % 10 ))
# quotes, backslash, slash, tab, CRLF, an emoji; "annat" does not apply
VALID="namn=%C3%85sa+%C3%96berg-L%C3%A4ckberg&personnummer=$pnr10&telefon=%2B46+70-123+45+67&epost=asa%2Fo%2Btest%40exempel.example&gymnasium=avbrott&sysselsattning=utbildning&utbildning=Komvux+%22V%C3%A5rd%22+%5C+omsorg&annat=tas+bort&kontakt=sms&meddelande=++Rad+ett%0D%0ARad+tv%C3%A5%09tabb+%2Fsnedstreck%2F+%F0%9F%98%80+"
post() {   # URL BODY: "status location"
	curl -s -o /dev/null -w '%{http_code} %header{location}' --max-time 10 \
		-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$2" "$1"
}
smoke() {   # SRV: sets REF to the valid submission's reference
	u=$(url "$1")
	r=$(post "$u" "$VALID")
	ref=$(echo "$r" | sed -n "s|^303 $BASE/kvitto?ref=\([0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}\)&form=sysselsattning&kontakt=sms\$|\1|p")
	[ -n "$ref" ] || bad "$(name "$1"): valid form answered '$r'"
	before=$(rows "$1")
	r=$(post "$u" "$(echo "$VALID" | sed "s/personnummer=[^&]*/personnummer=${pnr10%?}$wrong/")")
	[ "${r%% *}" = 422 ] || bad "$(name "$1"): wrong check digit answered '$r', not 422"
	r=$(post "$u" "$(echo "$VALID" | sed "s/personnummer=[^&]*/personnummer=$OLD_PNR/")")
	[ "${r%% *}" = 200 ] || bad "$(name "$1"): someone aged 22 answered '$r', not 200"
	[ "$(rows "$1")" = "$before" ] || bad "$(name "$1"): stored something for a bad or over-age form"
	REF=$ref
}
sealed_len() { sqlite3 -cmd '.timeout 10000' "$(inbox "$1")" "SELECT length(sealed) || ' ' || key_id FROM submission WHERE ref = '$2'"; }
# REF-KAA REF-PHP: kaa-inbox opens both and the records are equal; the
# envelopes are as long and sealed to the same key ids, so the JSON texts
# are as long too (an escape written otherwise would show)
same_record() {
	[ "$(sealed_len kaa "$1")" = "$(sealed_len php "$2")" ] ||
		bad "envelope length or key ids differ: $(sealed_len kaa "$1") vs $(sealed_len php "$2")"
	for s in kaa php; do
		r=$1; [ $s = kaa ] || r=$2
		"$BIN/kaa-inbox" show --inbox "$(inbox $s)" --secret "$W/keys/c2.secret" --json "$r" \
			> "$W/smoke-$s.json" || { bad "kaa-inbox show cannot open $(name $s)'s record $r"; return; }
	done
	"$PY" - "$W/smoke-kaa.json" "$W/smoke-php.json" "$pnr17" "$MUNI" <<'EOF' || bad "the two records differ"
import json, sys
a, b = (json.load(open(p), object_pairs_hook=list) for p in sys.argv[1:3])
want = [("namn", "Åsa Öberg-Läckberg"), ("personnummer", sys.argv[3]), ("telefon", "+46 70-123 45 67"),
        ("epost", "asa/o+test@exempel.example"), ("gymnasium", "avbrott"), ("sysselsattning", "utbildning"),
        ("utbildning", 'Komvux "Vård" \\ omsorg'), ("kontakt", "sms"),
        ("meddelande", "Rad ett\nRad två\ttabb /snedstreck/ \U0001F600")]
def core(r):
    d = dict(r)
    return [d.get("schema"), d.get("form"), d.get("municipality"), d.get("fields")]
if core(a) != core(b) or core(a) != [1, "sysselsattning", sys.argv[4], want]:
    print("kaa-fcgi:", core(a), "\nPHP:     ", core(b), file=sys.stderr)
    sys.exit(1)
EOF
}

# --- the checks after a load ---------------------------------------------------------
# Every 303's reference is a row, every row opens with a coordinator's key
# (pull into an archive, then export: it exits 1 if one does not open) and
# is a youth form of this municipality, and rows >= 303s.
check_load() {   # SRV TAG REFS N303
	n=$(rows_settled "$1")
	a=$W/check/$1-$2.archive
	[ -d "$W/check" ] || mkdir -m 0700 "$W/check"   # pull wants its archive private
	out=$("$BIN/kaa-inbox" pull --municipality "$MUNI" --archive "$a" "$(inbox "$1")" 2>&1) ||
		{ bad "$(name "$1") $2: pull failed: $out"; return; }
	[ "$out" = "$n new, 0 already in the archive, 0 rejected; $n removed from the inbox" ] ||
		bad "$(name "$1") $2: pull of $n rows said: $out"
	"$BIN/kaa-inbox" export --archive "$a" --municipality "$MUNI" --secret "$W/keys/c1.secret" \
		--format json --with-free-text --out "$a.json" >/dev/null 2>"$a.err" ||
		{ bad "$(name "$1") $2: export: $(head -n 3 "$a.err")"; return; }
	"$PY" - "$a.json" "$3" "$n" "$4" "$MUNI" "$W/youths.txt" <<'EOF' || bad "$(name "$1") $2: see above"
import json, sys
recs, refs = json.load(open(sys.argv[1])), [r.strip() for r in open(sys.argv[2]) if r.strip()]
n, n303, muni = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
youths = {p.strip() for p in open(sys.argv[6])}
stored = {r["reference"] for r in recs}
missing = [r for r in refs if r not in stored]
odd = [r["reference"] for r in recs if r["form"] != "sysselsattning" or r["municipality"] != muni
       or r["personnummer"] not in youths]
print(f"  check: {len(refs)} refs of 303s, {len(missing)} not stored, {len(refs) - len(set(refs))} twice;"
      f" {n} rows, {len(recs)} opened, {len(odd)} not a youth form of {muni}; 303s {n303}")
sys.exit(1 if missing or len(set(refs)) != len(refs) or len(recs) != n or odd or len(refs) != n303
         or n < n303 else 0)
EOF
}

# --- memory ------------------------------------------------------------------------
family() { echo "$1"; ps -o pid= --ppid "$1" | tr -d ' '; }
# each process's name and PSS, e.g. "kaa-fcgi 0.9 MiB, ..."
mem_each() {
	for p in $(family "$1"); do
		printf '%s %s\n' "$(cat "/proc/$p/comm" 2>/dev/null)" \
			"$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)"
	done | awk '{printf "%s%s %.2f MiB", (NR > 1 ? ", " : "PSS each: "), $1, $2 / 1024}'
}
# processes, PSS sum (KiB), peak RSS of the largest (KiB)
mem() {
	for p in $(family "$1"); do
		pss=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
		hwm=$(awk '/^VmHWM:/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
		echo "$pss $hwm"
	done | awk '{n++; s+=$1; if ($2 > m) m = $2} END{printf "procs=%d pss_kib=%d hwm_max_kib=%d\n", n, s, m}'
}

# --- run ----------------------------------------------------------------------------------
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }
echo "# eservice-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname): $(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)), $(uname -r)"
echo "# kaa-fcgi $BIN (built $(date -u -r "$BIN/kaa-fcgi" +%Y-%m-%dT%H:%MZ), tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')); $("$PHP_FPM" -v | head -n 1 | cut -d' ' -f1-2); nginx $(ver nginx); sqlite $(ver libsqlite3-0); libsodium $(ver libsodium23); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "# $W on $(df -P "$W" | awk 'NR==2{print $1}') ($(stat -f -c %T "$W")); kaa-fcgi $WORKERS workers, php-fpm $CHILDREN static workers (PDO persistent: ${PEER_PDO_PERSISTENT:-0}); wrk $THREADS threads, ${DURATION} s per load, warm-up ${WARMUP} s; sealed to 2 coordinators; $(wc -l < "$W/youths.txt") test personnummer"

kaa_start
php_start
smoke kaa; ref_kaa=$REF
smoke php; ref_php=$REF
[ -z "$ref_kaa" ] || [ -z "$ref_php" ] || same_record "$ref_kaa" "$ref_php"
echo "smoke: valid -> 303 to the receipt (kaa-fcgi $ref_kaa, PHP $ref_php), wrong check digit -> 422, aged 22 -> 200 and nothing stored; both records open and are the same"
[ "$FAILED" = 0 ] || fail "smoke tests failed"

export WRK_PNR_FILE="$W/youths.txt"
# CPU time (clock ticks) of a process and its children, and of the machine
ticks() { for p in $(family "$1"); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
machine() { awk '/^cpu /{print $2 + $3 + $4 + $5 + $6 + $7 + $8, $5 + $6}' /proc/stat; }
server_pid() { if [ "$1" = kaa ]; then echo "$KAA_PID"; else echo "$PHP_PID"; fi; }
nginx_pid() { cat "$W/$1/run/nginx.pid"; }
load() {   # SRV C SECS TAG: sets RES to wrk's RESULT line, CPU to where the CPU went
	s0=$(ticks "$(server_pid "$1")"); n0=$(ticks "$(nginx_pid "$1")"); m0=$(machine)
	WRK_REFS_FILE=$W/refs-$1-$4.txt WRK_SEED=$2 wrk -t"$THREADS" -c"$2" -d"$3"s --timeout 10s \
		-s "$HERE/wrk-youth.lua" "$(url "$1")" > "$W/wrk-$1-$4.txt" 2>&1 ||
		fail "wrk failed: $(tail -n 3 "$W/wrk-$1-$4.txt")"
	RES=$(grep '^RESULT' "$W/wrk-$1-$4.txt") ||
		fail "wrk printed no RESULT: $(tail -n 3 "$W/wrk-$1-$4.txt")"
	s1=$(ticks "$(server_pid "$1")"); n1=$(ticks "$(nginx_pid "$1")"); m1=$(machine)
	CPUV=$(echo "$m0 $m1" | awk -v n="$(val "$RES" requests)" -v hz="$(getconf CLK_TCK)" \
	    -v s=$((s1 - s0)) -v g=$((n1 - n0)) '{
		printf "server_ms=%.3f nginx_ms=%.3f busy_pct=%.0f all_ms=%.3f",
		    s * 1000 / hz / n, g * 1000 / hz / n, 100 * (1 - ($4 - $2) / ($3 - $1)),
		    (($3 - $1) - ($4 - $2)) * 1000 / hz / n }')
	CPU="CPU per request: $(name "$1") $(val "$CPUV" server_ms) ms, its nginx $(val "$CPUV" nginx_ms) ms; the machine $(val "$CPUV" busy_pct) % busy ($(val "$CPUV" all_ms) ms of CPU per request in all)"
}
# answers other than 303, and requests with no answer (socket errors)
not303() {
	echo $(( $(val "$1" other) + $(val "$1" err_connect) + $(val "$1" err_read) +
		$(val "$1" err_write) + $(val "$1" err_timeout) ))
}
first=${CONNS%% *}
for s in kaa php; do
	load $s "$first" "$WARMUP" warmup
	echo "warm-up $(name $s): $(val "$RES" requests) requests, $(val "$RES" status303) answered 303"
	check_load $s warmup "$W/refs-$s-warmup.txt" "$(val "$RES" status303)"
done

# The floor is taken next to each pair of loads: on a shared machine the
# disk's speed varies from minute to minute.
for c in $CONNS; do
	echo
	echo "-- $c connections (machine busy before: $(wait_quiet))"
	fl=$(floor) || fail "fsync-floor failed"
	echo "fsync floor: $fl"
	eval "FLOOR_$c=\$fl"
	for s in kaa php; do
		[ $s = kaa ] || echo "(machine busy before: $(wait_quiet))"
		echo "== $(name $s), $c connections"
		load $s "$c" "$DURATION" "c$c"
		echo "$RES"
		echo "$CPU"
		eval "RES_${s}_$c=\$RES; CPU_${s}_$c=\$CPUV"
		[ "$(not303 "$RES")" = 0 ] || bad "$(name $s) c=$c: $(not303 "$RES") requests got no 303"
		check_load $s "c$c" "$W/refs-$s-c$c.txt" "$(val "$RES" status303)"
	done
done

echo
MEM_KAA=$(mem "$KAA_PID")
MEM_PHP=$(mem "$PHP_PID")
echo "memory kaa-fcgi (its master and children): $MEM_KAA; $(mem_each "$KAA_PID")"
echo "memory php-fpm (master and workers): $MEM_PHP; $(mem_each "$PHP_PID")"

# --- the table -----------------------------------------------------------------------
echo
echo "| | kaa-fcgi | PHP-FPM | kaa-fcgi / PHP | target |"
echo "| --- | --- | --- | --- | --- |"
for c in $CONNS; do
	eval "a=\$RES_kaa_$c; b=\$RES_php_$c"
	awk -v c="$c" -v ra="$(val "$a" rps)" -v rb="$(val "$b" rps)" \
	    -v pa="$(val "$a" p50_ms)" -v pb="$(val "$b" p50_ms)" \
	    -v qa="$(val "$a" p99_ms)" -v qb="$(val "$b" p99_ms)" \
	    -v oa="$(not303 "$a")" -v ob="$(not303 "$b")" '
	function mark(ok) { return ok ? "met" : "NOT met" }
	BEGIN {
		printf "| req/s, %d connections | %.0f | %.0f | %.2f | >= 5: %s |\n", c, ra, rb, ra / rb, mark(ra / rb >= 5)
		printf "| p50, %d connections | %.2f ms | %.2f ms | %.2f | |\n", c, pa, pb, pa / pb
		printf "| p99, %d connections | %.2f ms | %.2f ms | %.2f | <= 0.5: %s |\n", c, qa, qb, qa / qb, mark(qa / qb <= 0.5)
		printf "| no 303 (other status or no answer), %d connections | %d | %d | | 0 |\n", c, oa, ob
	}'
done
awk -v a="$MEM_KAA" -v b="$MEM_PHP" '
function get(s, k,   i, n, f) { n = split(s, f, /[ =]/); for (i = 1; i < n; i++) if (f[i] == k) return f[i + 1] }
function mark(ok) { return ok ? "met" : "NOT met" }
BEGIN {
	na = get(a, "procs"); nb = get(b, "procs"); sa = get(a, "pss_kib"); sb = get(b, "pss_kib")
	ha = get(a, "hwm_max_kib"); hb = get(b, "hwm_max_kib")
	printf "| memory: PSS of all processes | %.1f MiB (%d) | %.1f MiB (%d) | %.2f | <= 0.2: %s |\n", sa / 1024, na, sb / 1024, nb, sa / sb, mark(sa / sb <= 0.2)
	printf "| memory: PSS per process | %.2f MiB | %.2f MiB | %.2f | |\n", sa / na / 1024, sb / nb / 1024, (sa / na) / (sb / nb)
	printf "| memory: peak RSS of the largest process | %.1f MiB | %.1f MiB | %.2f | |\n", ha / 1024, hb / 1024, ha / hb
}'
echo
for c in $CONNS; do
	eval "a=\$RES_kaa_$c; fl=\$FLOOR_$c"
	awk -v c="$c" -v r="$(val "$a" rps)" -v f="$(val "$fl" append_per_s)" -v g="$(val "$fl" inplace_per_s)" 'BEGIN {
		printf "kaa-fcgi at %d connections: %.0f req/s = %.2f of the fsync floor just before (%.0f fdatasync/s of 4 KiB appends), %.2f of the in-place floor (%.0f/s)\n", c, r, r / f, f, r / g, g }'
done
# What bounds each server: the machine's CPUs (wrk, nginx and the server
# share them) or the disk (commits).
for c in $CONNS; do
	for s in kaa php; do
		eval "a=\$RES_${s}_$c; u=\$CPU_${s}_$c"
		awk -v c="$c" -v r="$(val "$a" rps)" -v n="$(nproc)" -v who="$(name $s)" \
		    -v busy="$(val "$u" busy_pct)" -v all="$(val "$u" all_ms)" 'BEGIN {
			printf "%s at %d connections: the machine %s %% busy; %d CPUs / %.3f ms of CPU per request = a ceiling of %.0f req/s, %.0f %% of it reached\n",
			    who, c, busy, n, all, n * 1000 / all, 100 * r / (n * 1000 / all) }'
	done
done
if [ "$FAILED" = 0 ]; then echo "checks: all passed"; else echo "checks: FAILED"; fi
exit "$FAILED"
