#!/bin/sh
# tests/anywhere/run.sh [BINDIR] — README's `make run` from a clone anywhere.
#
# Copies the working tree's tracked files (with their uncommitted changes)
# into a fresh mktemp -d directory, mode 0700 like a clone in /root, with
# BINDIR's programs (default build/bin) as the copy's build/bin. Runs the
# copy's scripts/run.sh start on a free loopback port, as `make run` does,
# and checks that the site and the e-service answer with what they should,
# compressed only where they should be; then stop, and that nothing it
# started or staged is left. Must pass as root and as any other user.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "${1:-$top/build/bin}" && pwd) || exit 1
conf=conf/exempelregionen.ini   # what make run starts
pass=0 fail=0

check() {   # check NAME COMMAND...
	name=$1; shift
	if "$@"; then
		pass=$((pass + 1)); echo "ok   $name"
	else
		fail=$((fail + 1)); echo "FAIL $name"
	fi
}

# A space in the name, as in a clone under "~/Mina dokument".
clone=$(mktemp -d "/tmp/kaa any where.XXXXXX") || exit 1
started=
cleanup() {
	[ -z "$started" ] || (cd "$clone" && sh scripts/run.sh stop) >/dev/null 2>&1
	rm -rf "$clone"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# (--ignore-failed-read: a tracked file deleted in the working tree)
(cd "$top" && git ls-files -z | tar --null --ignore-failed-read -T - -cf -) 2>/dev/null |
	tar -C "$clone" -xf -
mkdir -p "$clone/build/bin"
cp "$bindir/kaa-gen" "$bindir/kaa-fcgi" "$bindir/kaa-inbox" "$clone/build/bin/" ||
	{ echo "anywhere: the programs are not in $bindir (run make first)" >&2; exit 1; }
check "the copy is mode 0700" test "$(stat -c %a "$clone")" = 700

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
form=$url$(sed -n 's/^base *= *//p' "$clone/conf/exempelkommun.ini")/sysselsattning
rundir=$clone/build/run
started=1
check "run.sh start succeeds" sh -c "cd '$clone' && KAA_PORT=$port sh scripts/run.sh start $conf >'$clone/start.out' 2>&1"
sed 's/^/  | /' "$clone/start.out"

# status_is CODE URL [GREP-PATTERN]: the answer's status, and its body
status_is() {
	code=$(curl -s -o "$clone/body" -w '%{http_code}' --max-time 10 "$2")
	[ "$code" = "$1" ] || { echo "  $2: status $code"; return 1; }
	[ $# -lt 3 ] || grep -q -- "$3" "$clone/body" || { echo "  $2: no '$3'"; return 1; }
}
check "/ answers 200" status_is 200 "$url/"
title=$(sed -n 's/^title: *//p' "$clone/content/index.md" | head -n 1)
check "/ is the home page: $title" grep -qF -- "<h1>$title</h1>" "$clone/body"
check "/ names the municipality" grep -q Exempelkommun "$clone/body"
check "the e-service form answers 200" status_is 200 "$form" '<form[^>]*method="post"'
for m in provstad nordby; do
	check "$m's youth form answers 200" status_is 200 \
		"$url$(sed -n 's/^base *= *//p' "$clone/conf/$m.ini")/sysselsattning" '<form[^>]*method="post"'
done
check "the region's school form answers 200" status_is 200 \
	"$url$(sed -n 's/^school *= *//p' "$clone/conf/exempelkommun.ini")" 'name="hemkommun"'
check "a missing page answers the Swedish 404" status_is 404 "$url/finns-inte/" 'lang="sv"'
# A submission, as make run starts kaa-fcgi (a relative configuration path):
# stored, and its receipt shows
pnr=$(python3 tests/lib/pick-pnr.py 17)
loc=$(curl -s -o /dev/null -D - --max-time 10 -H 'Content-Type: application/x-www-form-urlencoded' \
	--data-binary "namn=Var+Som+Helst&personnummer=$pnr&telefon=070-123+45+67&gymnasium=avbrott&sysselsattning=arbetar&kontakt=sms" \
	"$form" | tr -d '\r' | sed -n 's/^Location: //p')
check "a submission is stored: 303 to its receipt" test -n "$loc"
check "... and the receipt answers 200" status_is 200 "$url$loc" 'Tack'

# gzip: static pages and assets, never kaa-fcgi's pages (BREACH).
# gzipped URL: true when the answer to Accept-Encoding: gzip is gzip,
# and then it must also decompress to exactly the uncompressed answer.
gzipped() {
	curl -s -D "$clone/headers" -o "$clone/gz" --max-time 10 -H 'Accept-Encoding: gzip' "$1" || return 2
	tr -d '\r' <"$clone/headers" | grep -qi '^content-encoding: *gzip$' || return 1
	curl -s -o "$clone/plain" --max-time 10 "$1" &&
		gzip -dc "$clone/gz" | cmp -s - "$clone/plain" || { echo "  $1: gzip body differs"; return 2; }
}
not_gzipped() { gzipped "$1"; [ $? -eq 1 ]; }
check "/ is sent gzipped" gzipped "$url/"
check "style.css is sent gzipped" gzipped "$url/assets/style.css"
check "sitemap.xml is sent gzipped" gzipped "$url/sitemap.xml"
check "the e-service form is not gzipped" not_gzipped "$form"

# Where nginx reads the site and finds the socket, from its configuration.
nginx_pid=$(cat "$rundir/nginx.pid" 2>/dev/null)
fcgi_pid=$(cat "$rundir/kaa-fcgi.pid" 2>/dev/null)
root=$(sed -n 's/^ *root "\(.*\)";$/\1/p' "$rundir/nginx.conf" 2>/dev/null)
sock=$(sed -n 's/^ *fastcgi_pass "unix:\(.*\)";$/\1/p' "$rundir/nginx.conf" 2>/dev/null)
check "nginx and kaa-fcgi have pid files" test -n "$nginx_pid" -a -n "$fcgi_pid"
check "nginx's configuration names the site and the socket" test -d "$root" -a -S "$sock"
if [ "$(id -u)" = 0 ]; then
	# A user who is neither the invoker nor nginx's can reach no socket.
	check "another user cannot reach kaa-fcgi's socket" \
		setpriv --reuid=54321 --regid=54321 --clear-groups sh -c "[ -n '$sock' ] && ! test -w '$sock'"
fi

check "run.sh stop succeeds" sh -c "cd '$clone' && sh scripts/run.sh stop"
started=
check "nginx is gone" sh -c "[ -n '$nginx_pid' ] && ! kill -0 '$nginx_pid' 2>/dev/null"
check "kaa-fcgi is gone" sh -c "[ -n '$fcgi_pid' ] && ! kill -0 '$fcgi_pid' 2>/dev/null"
check "nothing answers on the port" status_is 000 "$url/"
case "$root" in
"$clone"/*|"") ;;
*) check "the staged directory $(dirname "$root") is removed" test ! -e "$(dirname "$root")" ;;
esac
check "the socket is removed" test -n "$sock" -a ! -e "$sock"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
