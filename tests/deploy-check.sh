#!/bin/sh
# tests/deploy-check.sh [BINDIR] — the deployment files in deploy/ (make check).
#
#  1. systemd-analyze verify of kaa-fcgi.socket and kaa-fcgi.service, in a
#     private root where /usr/local/bin/kaa-fcgi is BINDIR's (default
#     build/bin): no warning at all, since verify exits 0 on most of them.
#  2. systemd-analyze security --offline of the service: its exposure figure
#     (printed), failing above MAX_EXPOSURE, what the unit achieves today.
#  3. deploy/nginx-tls.conf.in, filled in, run by nginx on 127.0.0.1 (and ::1
#     when there is one) with a throwaway self-signed certificate, and curl
#     checking what it actually sends: HTTP/2 over TLS 1.2 and 1.3 only, HSTS
#     and the security headers (also on nginx's own error answers), no
#     version, the redirect from http, the 16 KiB body limit (413), the
#     submission rate limit (429) per IPv4 address or IPv6 /64 and that
#     reading stays free, kaa-gen's Swedish pages for nginx's own answers
#     (400, 405, 414, 494 and 497 too), logs without query strings or client
#     addresses, and both commented ways to close the school form (networks:
#     403; accounts: 401, then through), with their Swedish pages. (The
#     limit's /64 key for every form of address: tests/nginx-pages.sh.)
# Everything lives in one mktemp -d directory; nginx and kaa-fcgi are
# stopped by their pids.
# Runs as root (nginx's workers then run as nobody) or as any other user.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(cd "${1:-$top/build/bin}" 2>/dev/null && pwd) ||
	{ echo "deploy-check: no ${1:-build/bin}"; exit 1; }
. "$top/tests/lib/proc.sh"
# The service's exposure as `systemd-analyze security` rates it, in tenths:
# 0.2 ("SAFE") with systemd 252. What is left: it runs in the host's root
# directory (no RootImage), may make unix sockets (its socketpairs to the
# writer), sees the RTC read-only (ProtectClock's own device rule) and keeps
# UMask=0027 (kaa-fcgi sets 027 itself: the inbox is group-readable).
MAX_EXPOSURE=2
pass=0 fail=0

check() {   # check WHAT COMMAND...
	what=$1; shift
	if "$@"; then
		pass=$((pass + 1)); echo "ok   $what"
	else
		fail=$((fail + 1)); echo "FAIL $what"
	fi
}

T=$(mktemp -d /tmp/kaa-deploy.XXXXXX) || exit 1
nginx_pid=
stop_nginx() {
	kaa_stop_pid "$nginx_pid" 5
	nginx_pid=
}
fcgi_pid=
stop_fcgi() {   # kaa-fcgi ends idle workers at once on SIGTERM
	kaa_stop_pid "$fcgi_pid" 30
	fcgi_pid=
}
cleanup() {
	stop_nginx
	stop_fcgi
	if [ -n "${KAA_KEEP_TMP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
# nginx's workers (nobody, when root runs this) read the site from here.
chmod 0755 "$T"

for tool in systemd-analyze nginx openssl curl python3; do
	command -v $tool >/dev/null ||
		{ echo "FAIL deploy-check needs $tool (scripts/deps.sh)"; exit 1; }
done

# --- 1. systemd-analyze verify ---------------------------------------------
# A root of our own: the units where an administrator puts them, the
# binary where the service names it, and systemd's own units (verify loads
# sysinit.target and the like from the root it is given).
root=$T/root
mkdir -p "$root/etc/systemd/system" "$root/usr/local/bin" "$root/usr/lib/systemd"
cp "$top/deploy/kaa-fcgi.socket" "$top/deploy/kaa-fcgi.service" "$root/etc/systemd/system/"
cp -R /usr/lib/systemd/system "$root/usr/lib/systemd/"
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$top/deploy/kaa-fcgi.service")
cp "$bindir/kaa-fcgi" "$root$exe"

verify() {   # verify UNIT...: exit 0 and not a word on stdout or stderr
	(cd "$T" && systemd-analyze verify --man=no --root="$root" "$@") >"$T/verify.out" 2>&1 &&
		! [ -s "$T/verify.out" ] || { sed 's/^/     /' "$T/verify.out"; return 1; }
}
check "systemd-analyze verify: kaa-fcgi.socket and kaa-fcgi.service" \
	verify /etc/systemd/system/kaa-fcgi.socket /etc/systemd/system/kaa-fcgi.service
# ...and the check can fail: the binary the unit names, gone.
mv "$root$exe" "$root$exe.gone"
check "systemd-analyze verify fails when $exe is missing" \
	eval '! verify /etc/systemd/system/kaa-fcgi.service >/dev/null'
mv "$root$exe.gone" "$root$exe"

# --- 2. systemd-analyze security -------------------------------------------
systemd-analyze security --offline=yes --root="$root" /etc/systemd/system/kaa-fcgi.service \
	>"$T/security.out" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for kaa-fcgi.service: \([0-9.]*\) \(.*\)/\1 \2/p' \
	"$T/security.out")
echo "     systemd-analyze security: exposure ${exposure:-unknown} (at most 0.$MAX_EXPOSURE allowed)"
grep '^✗' "$T/security.out" | sed 's/^/     /'
secure() {
	[ -n "$exposure" ] &&
	systemd-analyze security --offline=yes --root="$root" --threshold=$MAX_EXPOSURE \
		/etc/systemd/system/kaa-fcgi.service >/dev/null 2>&1
}
check "systemd-analyze security: kaa-fcgi.service exposure at most 0.$MAX_EXPOSURE" secure

# --- 3. nginx with the TLS example, kaa-fcgi behind it ----------------------
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
have_ipv6() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null
}
name=kaa.test
mkdir -p "$T/tls" "$T/keys" "$T/log" "$T/tmp"
chmod 0700 "$T/tls" "$T/keys"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj "/CN=$name" -addext "subjectAltName=DNS:$name" \
	-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" >/dev/null 2>&1 ||
	{ echo "FAIL openssl could not make a certificate"; exit 1; }

# The demo municipality on its own (its school form then under its own
# base), every path in $T; its site by kaa-gen, its e-service by kaa-fcgi.
conf=$T/kommun.ini
sed -e "s|^layout *=.*|layout = $T/shell.html|" \
    -e "s|^output *=.*|output = $T/site|" \
    -e "s|^public_key *=.*|public_key = $T/keys/c1.pub|" \
    -e "s|^path *=.*|path = $T/inbox.sqlite|" \
    -e "s|^url *=.*|url = https://$name|" \
    -e "s|^school *=.*|school = /e-tjanst/exempelkommun/skolanmalan|" \
    "$top/conf/exempelkommun.ini" >"$conf"
youth=$(sed -n 's/^youth *= *//p' "$conf")
school=$(sed -n 's/^school *= *//p' "$conf")
KAA_PASSPHRASE=deploy-check "$bindir/kaa-inbox" keygen --kdf interactive \
	--secret "$T/keys/c1.secret" --public "$T/keys/c1.pub" >/dev/null &&
(umask 022; "$bindir/kaa-gen" site -c "$conf" -i "$top/content" -t "$top/site" -o "$T/site" >/dev/null) ||
	{ echo "FAIL the test site could not be made"; exit 1; }
fcgi_mode=0600 fcgi_group=
[ "$(id -u)" != 0 ] || fcgi_mode=0660 fcgi_group=$(id -gn nobody)
"$bindir/kaa-fcgi" -s "$T/kaa-fcgi.sock" -w 2 -m $fcgi_mode "$conf" \
	>"$T/log/kaa-fcgi.log" 2>&1 </dev/null &
fcgi_pid=$!
i=0
while ! [ -S "$T/kaa-fcgi.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$T/kaa-fcgi.sock" ] || { echo "FAIL kaa-fcgi did not start"; cat "$T/log/kaa-fcgi.log"; exit 1; }
[ -z "$fcgi_group" ] || chgrp "$fcgi_group" "$T/kaa-fcgi.sock"

# start_nginx [GROUP]: fills in the example (GROUP: net or account, the
# commented block to switch on) and starts nginx on fresh ports.
start_nginx() {
	https=$(free_port) http=$(free_port)
	if have_ipv6; then v6s="[::1]:$https" v6="[::1]:$http"; else v6s='' v6=''; fi
	sed -e "s|@SERVER_NAME@|$name|g" \
	    -e "s|@HTTPS@|127.0.0.1:$https|g" -e "s|@HTTP@|127.0.0.1:$http|g" \
	    -e "s|@HTTPS6@|$v6s|g" -e "s|@HTTP6@|$v6|g" \
	    -e "s|@CERT@|$T/tls/cert.pem|g" -e "s|@KEY@|$T/tls/key.pem|g" \
	    -e "s|@ROOT@|$T/site|g" -e "s|@LOG@|$T/log|g" \
	    -e "s|@SOCKET@|$T/kaa-fcgi.sock|g" -e "s|@SCHOOL@|$school|g" \
	    -e "s|@POST_RATE@|1r/m|g" -e "s|@POST_BURST@|4|g" \
	    -e "s|/etc/nginx/kaa-skolor|$T/kaa-skolor|g" \
	    -e "${1:+s/^\( *\)#$1| /\1/}" \
	    "$top/deploy/nginx-tls.conf.in" | sed '/listen  *\(ssl http2 \)*default_server;/d' \
	    >"$T/kaa.conf"
	user="# not root: the workers run as $(id -un)"
	[ "$(id -u)" != 0 ] || user="user nobody $(id -gn nobody);"
	cat >"$T/nginx.conf" <<CONF
$user
worker_processes 1;
pid "$T/nginx.pid";
error_log "$T/log/main-error.log" warn;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path "$T/tmp/body";
    proxy_temp_path       "$T/tmp/proxy";
    fastcgi_temp_path     "$T/tmp/fastcgi";
    uwsgi_temp_path       "$T/tmp/uwsgi";
    scgi_temp_path        "$T/tmp/scgi";
    include "$T/kaa.conf";
}
CONF
	rm -f "$T/nginx.pid"
	nginx -t -q -p "$T" -c "$T/nginx.conf" -e "$T/log/startup.log" 2>"$T/nginx-t.out" ||
		{ sed 's/^/     /' "$T/nginx-t.out"; return 1; }
	nginx -p "$T" -c "$T/nginx.conf" -e "$T/log/startup.log" || return 1
	i=0
	while ! [ -s "$T/nginx.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	nginx_pid=$(cat "$T/nginx.pid" 2>/dev/null)
	[ -n "$nginx_pid" ]
}

# curl to the HTTPS server by name, trusting only our certificate.
tls() { curl -sS --max-time 10 --cacert "$T/tls/cert.pem" --resolve "$name:$https:127.0.0.1" "$@"; }
url() { echo "https://$name:$https$1"; }
status() { tls -o /dev/null -w '%{http_code}' "$@"; }
# header FILE NAME: the values of a response header, one a line, without CR
header() { sed -n "s/^$2: *//Ip" "$1" | tr -d '\r'; }
# The headers every answer must carry, nginx's own errors included.
security_headers() {   # security_headers HEADERFILE
	[ "$(header "$1" strict-transport-security)" = "max-age=63072000; includeSubDomains" ] &&
	[ "$(header "$1" x-content-type-options)" = nosniff ] &&
	[ "$(header "$1" referrer-policy)" = no-referrer ] &&
	[ "$(header "$1" x-frame-options)" = DENY ] &&
	header "$1" content-security-policy | grep -q "frame-ancestors 'none'" &&
	header "$1" content-security-policy | grep -q "script-src 'none'" &&
	[ "$(header "$1" permissions-policy)" = "camera=(), microphone=(), geolocation=()" ] &&
	[ "$(header "$1" server)" = nginx ]
}
# fetch NAME ARGS...: $T/h-NAME headers, $T/b-NAME body, $T/s-NAME status
fetch() {
	n=$1; shift
	tls -D "$T/h-$n" -o "$T/b-$n" -w '%{http_code}' "$@" >"$T/s-$n" 2>/dev/null
}
is() { [ "$(cat "$T/s-$1")" = "$2" ]; }   # is NAME STATUS
# kaa-fcgi's refusals of a made-up submission (bad form, foreign origin):
# the request reached it, past nginx's limits.
refused() { case $1 in 400|403|415|422) ;; *) return 1 ;; esac; }

check "nginx -t accepts deploy/nginx-tls.conf.in, and nginx starts" start_nginx
[ -n "$nginx_pid" ] || { echo "deploy-check: $pass passed, $fail failed"; exit 1; }

# Submissions first, while no POST has counted: 1 + burst (4) reach
# kaa-fcgi (which refuses the made-up body), the rest get 429 (1r/m
# refills one a minute, none in the second this takes). The query string
# carries a marker that must end up in no log.
mark=kaa-deploy-query-marker
codes= pattern=
for i in 1 2 3 4 5 6 7; do
	c=$(status -d x=1 "$(url "$youth?personnummer=$mark")")
	codes="$codes $c"
	if refused "$c"; then pattern="${pattern}k"; else pattern="$pattern$c"; fi
done
check "POSTs from one address: 1 + burst reach kaa-fcgi, then 429 (got$codes)" \
	[ "$pattern" = "kkkkk429429" ]
fetch 429 -d x=1 "$(url "$youth")"
check "429 with kaa-gen's page and every header" eval \
	'is 429 429 && cmp -s "$T/b-429" "$T/site/429.html" && security_headers "$T/h-429"'
fetch other -d x=1 --interface 127.0.0.2 "$(url "$youth")"
check "the limit is per address: another one still reaches kaa-fcgi" refused "$(cat "$T/s-other")"
if [ -n "$v6s" ]; then
	c=$(curl -sS --max-time 10 --cacert "$T/tls/cert.pem" --resolve "$name:$https:[::1]" \
		-o /dev/null -w '%{http_code}' -d x=1 "$(url "$youth")")
	check "...and so does ::1, an IPv6 client of its own (got $c)" refused "$c"
fi
fetch form "$(url "$youth")"
check "reading the form is not limited: 200 from kaa-fcgi, every header" eval \
	'is form 200 && grep -q "<form" "$T/b-form" && security_headers "$T/h-form"'
check "the e-service is never compressed" eval \
	'! tls -D - -o /dev/null -H "Accept-Encoding: gzip" "$(url "$youth")" | grep -qi "^content-encoding"'

# Bodies (from a third address, whose submissions have not counted): 16 KiB
# reach kaa-fcgi, a byte more gets nginx's 413 with kaa-gen's page.
head -c 16384 /dev/zero | tr '\0' a >"$T/16k"
head -c 16385 /dev/zero | tr '\0' a >"$T/16k1"
fetch 16k --interface 127.0.0.3 --data-binary "@$T/16k" "$(url "$youth?personnummer=$mark")"
check "a 16 KiB body reaches kaa-fcgi (its refusal, not nginx's 413)" eval \
	'refused "$(cat "$T/s-16k")" && ! cmp -s "$T/b-16k" "$T/site/413.html"'
fetch 413 --interface 127.0.0.3 --data-binary "@$T/16k1" "$(url "$youth?personnummer=$mark")"
check "16 KiB + 1 byte: 413 with kaa-gen's page and every header" eval \
	'is 413 413 && cmp -s "$T/b-413" "$T/site/413.html" && security_headers "$T/h-413"'

# The static site.
tls -D "$T/h-index" -o "$T/b-index" -w '%{http_code} %{http_version}' "$(url /)" >"$T/s-index"
check "GET / over HTTP/2: 200, the site's start page" eval \
	'is index "200 2" && cmp -s "$T/b-index" "$T/site/index.html"'
check "/ has HSTS (2 years, subdomains), the security headers, no version" security_headers "$T/h-index"
css=$(cd "$T/site" && ls assets/*.css | head -n 1)
fetch css "$(url "/$css")"
check "/assets/ keeps every header (its expires adds, replaces none)" eval \
	'is css 200 && security_headers "$T/h-css" && [ -n "$(header "$T/h-css" cache-control)" ]'
fetch 404 "$(url /no-such-page/)"
check "404: kaa-gen's page, every header, no version in the body" eval \
	'is 404 404 && cmp -s "$T/b-404" "$T/site/404.html" && security_headers "$T/h-404"'

# What nginx refuses itself, before kaa-fcgi: kaa-gen's Swedish pages, with
# the status and every header. Over HTTP/1.1: over HTTP/2 nginx answers a
# header too large for its buffers by ending the connection, with no page.
ours() {   # ours NAME STATUS FILE
	is "$1" "$2" && cmp -s "$T/b-$1" "$T/site/$3" && security_headers "$T/h-$1"
}
long=$(head -c 9000 /dev/zero | tr '\0' a)
fetch bad400 --http1.1 -H 'Host: a/b' "$(url /)"
check "a Host with a slash: 400 with kaa-gen's page" ours bad400 400 400.html
fetch bad494 --http1.1 -H "X-Big: $long" "$(url /)"
check "a header over nginx's buffers (494): 400 with kaa-gen's page" ours bad494 400 400.html
fetch bad405 -d x=1 "$(url /)"
check "a form posted to a static page: 405 with the 400 page" ours bad405 405 400.html
fetch bad414 --http1.1 "$(url "/?personnummer=$mark&x=$long")"
check "a URI over nginx's buffers: 414 with kaa-gen's page" ours bad414 414 414.html
c=$(curl -sS --max-time 10 -o "$T/b-497" -w '%{http_code}' "http://127.0.0.1:$https/")
check "plain HTTP to the HTTPS port (497): 400 with kaa-gen's page (got $c)" eval \
	'[ "$c" = 400 ] && cmp -s "$T/b-497" "$T/site/400.html"'

# TLS: 1.2 (ECDHE with AEAD only) and 1.3.
check "TLS 1.3 is accepted" eval '[ "$(status --tlsv1.3 "$(url /)")" = 200 ]'
check "TLS 1.2 with ECDHE and AES-GCM is accepted" eval \
	'[ "$(status --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 "$(url /)")" = 200 ]'
check "TLS 1.2 with a CBC suite is refused" eval \
	'! tls -o /dev/null --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-SHA "$(url /)" 2>/dev/null'
# openssl's client at security level 0 still offers TLS 1.1 and 1.0: only
# the server can refuse them.
old_tls() {
	echo | openssl s_client -connect "127.0.0.1:$https" -servername "$name" \
		"$1" -cipher 'DEFAULT:@SECLEVEL=0' >/dev/null 2>&1
}
check "TLS 1.1 is refused" eval '! old_tls -tls1_1'
check "TLS 1.0 is refused" eval '! old_tls -tls1'

# Plain HTTP: only a redirect to the same address on HTTPS.
curl -sS --max-time 10 -D "$T/h-http" -o /dev/null "http://127.0.0.1:$http$youth?a=1"
check "http:// answers 301 to https://$name, same path and query, no version" eval \
	'head -n 1 "$T/h-http" | grep -q " 301" && [ "$(header "$T/h-http" location)" = "https://$name$youth?a=1" ] && [ "$(header "$T/h-http" server)" = nginx ]'

# Logs: every request named by method and path; nothing of a query string
# and no client address in any log (nginx's, kaa-fcgi's).
stop_nginx
check "the access log names the requests by method and path" eval \
	'grep -q "POST $youth 413" "$T/log/kaa-access.log" && grep -q "POST $youth 429" "$T/log/kaa-access.log"'
check "no log holds the query string" eval '! grep -rq "$mark" "$T/log"'
check "no log holds a client's address" eval '! grep -rqE "127\.0\.0\.[0-9]" "$T/log"'

# The school form closed to all but the region's networks...
if start_nginx net; then
	s_school=$(status "$(url "$school")") s_youth=$(status "$(url "$youth")")
	check "networks: the school form answers 403 outside them (got $s_school)" [ "$s_school" = 403 ]
	fetch n403 "$(url "$school")"
	check "networks: the 403 is kaa-gen's page, with every header" ours n403 403 403.html
	check "networks: the youth form stays open (got $s_youth)" [ "$s_youth" = 200 ]
else
	check "nginx starts with the #net| block switched on" false
fi
stop_nginx
# ...or to all but the schools' accounts.
printf 'skola1:%s\n' "$(openssl passwd -6 -salt deploycheck ratt-losenord)" >"$T/kaa-skolor"
chmod 0644 "$T/kaa-skolor"
if start_nginx account; then
	s_none=$(status "$(url "$school")")
	s_wrong=$(status -u skola1:fel-losenord "$(url "$school")")
	s_right=$(status -u skola1:ratt-losenord "$(url "$school")")
	s_youth=$(status "$(url "$youth")")
	check "accounts: the school form asks for one (401, got $s_none)" [ "$s_none" = 401 ]
	fetch a401 "$(url "$school")"
	check "accounts: the 401 is kaa-gen's page, still asking for the account" eval \
		'ours a401 401 401.html && header "$T/h-a401" www-authenticate | grep -q "^Basic realm="' 
	check "accounts: a wrong password gets 401 (got $s_wrong)" [ "$s_wrong" = 401 ]
	check "accounts: the school's account gets the form (200, got $s_right)" [ "$s_right" = 200 ]
	check "accounts: the youth form stays open (got $s_youth)" [ "$s_youth" = 200 ]
else
	check "nginx starts with the #account| block switched on" false
fi
stop_nginx
echo "deploy-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
