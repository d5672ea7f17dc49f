#!/bin/sh
# kaa-fcgi on a socket systemd passes (socket activation, as
# deploy/kaa-fcgi.socket does), with systemd-socket-activate standing in for
# systemd: it serves the form and a submission on the inherited socket,
# stops on SIGTERM within a few seconds, and leaves the socket file alone
# (it belongs to systemd, which keeps it for the next start).
# KAA_BIN_DIR=build/san/bin runs the sanitizer build: any report fails.
set -u
export LC_ALL=C.UTF-8
BIN=${KAA_BIN_DIR:-build/bin}
TOP=$(pwd)
. tests/lib/san.sh
kaa_san_init activate
pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

command -v systemd-socket-activate >/dev/null ||
	{ echo "activate: systemd-socket-activate is missing (Debian: systemd)"; exit 1; }
T=$(mktemp -d /tmp/kaa-activate.XXXXXX)
pid=
cleanup() { [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# a test municipality whose files are all in $T
mkdir -m 0700 "$T/keys"
KAA_PASSPHRASE=test-passphrase "$BIN/kaa-inbox" keygen --kdf interactive --secret "$T/keys/k.secret" \
	--public "$T/keys/k.pub" >/dev/null 2>&1 || { echo "activate: keygen failed"; exit 1; }
sed -e "s|^layout *=.*|layout = $T/shell.html|" \
    -e "s|^output *=.*|output = $T/site|" \
    -e "s|^public_key *=.*|public_key = $T/keys/k.pub|" \
    -e "s|^path *=.*|path = $T/inbox.sqlite|" \
    -e "s|^school *=.*|school = /e-tjanst/exempelkommun/skolanmalan|" \
    conf/exempelkommun.ini > "$T/k.ini"
"$BIN/kaa-gen" site -c "$T/k.ini" -i content -t site >/dev/null 2>&1 ||
	{ echo "activate: kaa-gen failed"; exit 1; }

systemd-socket-activate -l "$T/sock" "$TOP/$BIN/kaa-fcgi" -w 2 -b 2000 "$T/k.ini" \
	2> "$T/log" &
pid=$!
for _ in $(seq 50); do [ -S "$T/sock" ] && break; sleep 0.1; done
python3 - "$T/sock" > "$T/out" 2>&1 <<'EOF'
import sys
sys.path.insert(0, "tests/integration")
from fcgi_client import connect, status_of
s = connect(sys.argv[1], {"REQUEST_METHOD": "GET", "DOCUMENT_URI": "/e-tjanst/exempelkommun/sysselsattning"})
print(status_of(s))
EOF
check "the form is served on systemd's socket (200)" grep -qx 200 "$T/out"
pnr=$(python3 tests/lib/pick-pnr.py 17)
python3 - "$T/sock" "$pnr" > "$T/post" 2>&1 <<'EOF'
import sys
sys.path.insert(0, "tests/integration")
from fcgi_client import connect, record, status_of
body = ("namn=Aktiv+Testsson&personnummer=%s&telefon=070-123+45+67&gymnasium=avbrott"
        "&sysselsattning=arbetar&kontakt=sms" % sys.argv[2]).encode()
s = connect(sys.argv[1], {"REQUEST_METHOD": "POST",
    "DOCUMENT_URI": "/e-tjanst/exempelkommun/sysselsattning",
    "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body))})
s.sendall(record(5, body) + record(5))
print(status_of(s))
EOF
check "a submission on systemd's socket is stored (303)" sh -c \
	"grep -qx 303 '$T/post' && test \"\$(sqlite3 '$T/inbox.sqlite' 'SELECT count(*) FROM submission')\" = 1"
check "kaa-fcgi says where it listens" grep -q "listening on systemd's socket" "$T/log"
kill -TERM "$pid"
t0=$(date +%s)
wait "$pid"; rc=$?
took=$(($(date +%s) - t0))
pid=
check "SIGTERM stops it, status 0 ($rc)" test "$rc" -eq 0
check "within 4 seconds ($took)" test "$took" -le 4
check "the socket file is left to systemd" test -S "$T/sock"
"$TOP/$BIN/kaa-fcgi" "$T/k.ini" 2> "$T/err"; rc=$?
check "without -s and without systemd's socket: a clear refusal" \
	sh -c "test $rc -ne 0 && grep -q 'systemd passed no socket' '$T/err'"
if kaa_san_reports; then bad "no sanitizer reports"; else ok "no sanitizer reports"; fi
echo "activate: $pass passed, $fail failed"
test "$fail" -eq 0
