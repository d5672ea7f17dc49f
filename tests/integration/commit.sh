#!/bin/sh
# Group commit, end to end: the real nginx and kaa-fcgi on loopback.
#  1. 64 clients at once: every submission answered 303, every 303's
#     reference stored. With the writer stopped, workers holding
#     submissions still answer a page at once.
#  2. The writer process killed (SIGKILL) five times under load: every 303
#     is stored, every other answer is 503 (the form kept), the inbox is
#     whole, and the service recovers by itself.
#  3. Every stored row opens with the coordinator's key (pull + export).
#  4. A receipt answers 503, not "no such receipt", when its inbox is gone.
#  5. A full disk (a small tmpfs; needs root): 503 with the form as typed,
#     and 303 again once there is room; a nearly full one is refused before
#     SQLite starts writing.
set -u
export LC_ALL=C.UTF-8; unset LANGUAGE
. tests/lib/server.sh
BIN=${KAA_BIN_DIR:-build/bin}
. tests/lib/san.sh
kaa_san_init commit
KAA_WORKERS=4 KAA_BUSY_MS=2000 KAA_POST_RATE=100000r/s KAA_POST_BURST=100000 \
	kaa_server_start || { echo "commit: could not start the server"; exit 1; }

pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

T=$KAA_TMP/t; mkdir -p "$T"
FORM=$KAA_FORM_URL
printf '%s' "namn=Integra+Testsson&personnummer=$KAA_TEST_PNR&telefon=070-123+45+67&epost=integra%40test.example&gymnasium=avbrott&sysselsattning=utbildning&utbildning=Folkh%C3%B6gskola&annat=&kontakt=sms&meddelande=Ring+efter+kl.+15" > "$T/body"
MASTER=$(cat "$KAA_TMP/run/kaa-fcgi.pid")
LOG=$KAA_TMP/run/kaa-fcgi.log

load() { python3 tests/integration/load.py "$FORM" "$T/body" "$@"; }
stored_refs() { sqlite3 "$KAA_INBOX" 'SELECT ref FROM submission' | sort; }
acked() { awk '$1 == 303 { print $2 }' "$1" | sort; }
# the master's child named kaa-writer
writer_pid() {
	for p in $(ps -o pid= --ppid "$MASTER"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = kaa-writer ] && { echo "$p"; return 0; }
	done
	return 1
}
# every reference in file $1 is among the stored ones
all_stored() { stored_refs > "$T/stored"; test -z "$(comm -23 "$1" "$T/stored")"; }

# --- 1. many at once
load 64 --count 10 "$T/c64" > "$T/c64.counts"
check "64 concurrent clients x 10: all 640 answered 303 ($(cat "$T/c64.counts"))" \
	test "$(cat "$T/c64.counts")" = "303:640"
acked "$T/c64" > "$T/c64.refs"
check "640 different references" test "$(sort -u "$T/c64.refs" | wc -l)" -eq 640
check "every 303's reference is stored" all_stored "$T/c64.refs"
check "nothing stored twice" test "$(stored_refs | wc -l)" -eq 640

# --- 1b. a worker waiting for commits serves meanwhile: the writer stopped
# (SIGSTOP), eight submissions wait in the workers; the form page is still
# answered at once; the writer let go within the wait, all eight are
# answered 303 and stored
w=$(writer_pid) && kill -STOP "$w"
load 8 --count 1 "$T/held" > "$T/held.counts" &
lp=$!
sleep 0.3
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 0.7 "$FORM")
kill -CONT "$w"
wait "$lp"
check "the writer stopped, eight submissions waiting: the form page answered at once ($code)" \
	test "$code" = 200
check "... then all eight answered 303 ($(cat "$T/held.counts"))" test "$(cat "$T/held.counts")" = "303:8"
acked "$T/held" > "$T/held.refs"
check "... and stored" all_stored "$T/held.refs"

# --- 2. the writer killed under load
rows0=$(stored_refs | wc -l)
load 16 --seconds 9 "$T/kill" > "$T/kill.counts" &
lp=$!
killed=""
sleep 1
for i in 1 2 3 4 5; do
	w=$(writer_pid) && kill -KILL "$w" && killed="$killed $w"
	sleep 1.5
done
wait "$lp"
acked "$T/kill" > "$T/kill.refs"
n303=$(wc -l < "$T/kill.refs")
n503=$(awk '$1 == 503' "$T/kill" | wc -l)
nall=$(wc -l < "$T/kill")
rows=$(($(stored_refs | wc -l) - rows0))
echo "     under kills: $nall requests: $n303 answered 303, $n503 answered 503;" \
	"$rows stored ($((rows - n303)) of them stored but answered 503)"
check "the writer was killed 5 times" test "$(echo $killed | wc -w)" -eq 5
check "the master started a new writer each time" \
	test "$(grep -c 'the writer [0-9]* ended (status 9)' "$LOG")" -eq 5
check "load went on: submissions were answered 303 between the kills" test "$n303" -gt 100
check "every answer was 303 or 503 (no hang, no 502)" test $((n303 + n503)) -eq "$nall"
check "every 303 under the kills is stored" all_stored "$T/kill.refs"
check "no more rows than answers" test "$rows" -le "$nall"
check "the inbox is whole (integrity_check)" \
	test "$(sqlite3 "$KAA_INBOX" 'PRAGMA integrity_check')" = ok
curl -s -o /dev/null -D "$T/after.h" -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary @"$T/body" "$FORM"
sed -n 's/^Location: .*ref=\([0-9A-Z-]*\).*/\1/p' "$T/after.h" | tr -d '\r' > "$T/after.refs"
check "recovered by itself: a new submission is answered 303 and stored" \
	sh -c "grep -q '^HTTP/1.1 303' '$T/after.h' && test -s '$T/after.refs'" 
check "... and stored" all_stored "$T/after.refs"

# --- 2b. workers and the master killed under load: a killed worker's
# request gets nginx's 502 (never acknowledged), the master replaces it; the
# master killed takes its workers and writer with it (PDEATHSIG) and is
# started again as it was; every 303 is stored throughout
cp "/proc/$MASTER/cmdline" "$T/cmdline"
sockgrp=$(stat -c %G "$KAA_SOCK")
# the master again, with the arguments run.sh gave it (any of them may hold
# spaces), its output to the same log
restart() {
	python3 - "$T/cmdline" "$LOG" <<'PY'
import os, sys
args = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
if os.fork() == 0:
    log = os.open(sys.argv[2], os.O_WRONLY | os.O_APPEND)
    os.dup2(os.open("/dev/null", os.O_RDONLY), 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.execv(args[0], args)
PY
}
load 16 --seconds 9 "$T/crash" > "$T/crash.counts" &
lp=$!
sleep 1
for round in 1 2; do
	for i in 1 2 3; do
		w=$(ps -o pid= --ppid "$MASTER" | head -n 1) && kill -KILL $w
		sleep 0.6
	done
	kill -KILL "$MASTER"
	sleep 0.3
	rm -f "$KAA_TMP/run/kaa-fcgi.pid"
	restart
	i=0; while [ ! -s "$KAA_TMP/run/kaa-fcgi.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	chgrp "$sockgrp" "$KAA_SOCK" 2> /dev/null
	MASTER=$(cat "$KAA_TMP/run/kaa-fcgi.pid")
	sleep 1
done
wait "$lp"
acked "$T/crash" > "$T/crash.refs"
echo "     under worker and master kills: $(cat "$T/crash.counts")"
check "workers and the master killed under load: every 303 is stored" all_stored "$T/crash.refs"
check "... every other answer is 502 or 503 (never a 303 for nothing)" \
	test -z "$(awk '$1 != 303 && $1 != 502 && $1 != 503' "$T/crash")"
check "... submissions were answered 303 after each restart" test "$(wc -l < "$T/crash.refs")" -gt 100
check "... the inbox is whole (integrity_check)" \
	test "$(sqlite3 "$KAA_INBOX" 'PRAGMA integrity_check')" = ok
check "... the master was started again and serves (pid $MASTER)" kill -0 "$MASTER"

# --- 3. every row opens with the key
cat "$T/c64.refs" "$T/held.refs" "$T/kill.refs" "$T/after.refs" "$T/crash.refs" | sort > "$T/all.refs"
total=$(stored_refs | wc -l)
mkdir -m 0700 "$T/coord"
"$BIN/kaa-inbox" pull -c "$KAA_CONF" --archive "$T/coord/a.archive" "$KAA_INBOX" > "$T/pull.out" 2>&1
check "pull takes all $total rows" grep -q "^$total new, 0 already in the archive, 0 rejected" "$T/pull.out"
"$BIN/kaa-inbox" export --archive "$T/coord/a.archive" --secret "$KAA_SECRET" --format csv \
	--out "$T/coord/all.csv" 2> "$T/export.err"
sed -n 's/^\xef\xbb\xbf//; s/^"\([0-9A-Z-]*\)";.*/\1/p' "$T/coord/all.csv" | sort > "$T/opened"
check "every stored row opens with the secret key ($total)" test "$(wc -l < "$T/opened")" -eq "$total"
check "every 303's record is among them" test -z "$(comm -23 "$T/all.refs" "$T/opened")"

# --- a receipt: pulled (the row has left the web host) is "no such
# receipt"; with the inbox file gone, nobody can tell: 503, not 404
receipt=$(sed -n 's/^Location: //p' "$T/after.h" | tr -d '\r')
code() { curl -s -o /dev/null -w '%{http_code}' "$KAA_URL$receipt"; }
check "the receipt of a pulled submission: 404" test "$(code)" = 404
mv "$KAA_INBOX" "$KAA_INBOX.away"
check "the receipt with the inbox file gone: 503" test "$(code)" = 503
check "... and looking did not make a new inbox file" test ! -e "$KAA_INBOX"
mv "$KAA_INBOX.away" "$KAA_INBOX"

# --- 5. a full disk
FULL=$KAA_TMP/full
unmount_full() { mountpoint -q "$FULL" 2>/dev/null && umount "$FULL"; }
if [ "$(id -u)" -eq 0 ] && mkdir "$FULL" && mount -t tmpfs -o size=512k,mode=0700 tmpfs "$FULL"; then
	trap 'unmount_full; kaa_server_stop' EXIT
	# the writer follows the configured path to a file on the small disk
	rm -f "$KAA_INBOX" "$KAA_INBOX-wal" "$KAA_INBOX-shm"
	ln -s "$FULL/inbox.sqlite" "$KAA_INBOX"
	curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary @"$T/body" "$FORM" > "$T/first.code"
	check "on the small disk: a submission is stored (303)" test "$(cat "$T/first.code")" = 303
	# nearly full: 8 KiB left of 512 (the writer keeps a twentieth free)
	avail=$(df -B1 --output=avail "$FULL" | tail -n 1)
	dd if=/dev/zero of="$FULL/filler" bs=1024 count=$(((avail - 8192) / 1024)) 2>/dev/null
	wal0=$(stat -c %s "$FULL/inbox.sqlite-wal")
	curl -s -o "$T/nearly.b" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary @"$T/body" "$FORM" > "$T/nearly.code"
	check "disk nearly full: 503" test "$(cat "$T/nearly.code")" = 503
	check "... with the form as typed" grep -q 'value="Integra Testsson"' "$T/nearly.b"
	check "... refused before SQLite wrote anything (the WAL is as it was)" \
		test "$(stat -c %s "$FULL/inbox.sqlite-wal")" = "$wal0"
	rm -f "$FULL/filler"
	dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
	curl -s -o "$T/full.b" -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary @"$T/body" "$FORM" > "$T/full.code"
	check "disk full: 503" test "$(cat "$T/full.code")" = 503
	check "... showing the form with what was typed" grep -q 'value="Integra Testsson"' "$T/full.b"
	check "... and saying so in Swedish" grep -q 'Det du skrev finns kvar' "$T/full.b"
	check "... nothing stored" test "$(sqlite3 "$KAA_INBOX" 'SELECT count(*) FROM submission')" = 1
	rm -f "$FULL/filler"
	curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary @"$T/body" "$FORM" > "$T/room.code"
	check "room again: 303" test "$(cat "$T/room.code")" = 303
	check "... stored" test "$(sqlite3 "$KAA_INBOX" 'SELECT count(*) FROM submission')" = 2
	rm -f "$KAA_INBOX"
	# kaa-fcgi stops before the disk goes away; the rest goes at exit
	KAA_RUN_DIR=$KAA_TMP/run sh "$KAA_TOP/scripts/run.sh" stop > /dev/null
	unmount_full
	trap - EXIT
else
	echo "skip a full disk: mounting a small tmpfs needs root"
fi

if kaa_san_reports; then
	bad "sanitizer reports (above)"
fi
echo "commit: $pass passed, $fail failed"
test "$fail" -eq 0
