#!/bin/sh
# tests/nginx-pages.sh [BINDIR] — what nginx answers itself, with
# site/nginx.conf.in as scripts/run.sh fills it in (make run's nginx):
#  1. requests nginx refuses before kaa-fcgi sees them (a request it cannot
#     read: 400, 405, 494, 501, 505; a URI over its buffers: 414; a
#     directory: 403;
#     a broken chunked body to the e-service: 400) get kaa-gen's Swedish
#     page, byte for byte, with their status and the security headers;
#  2. its error log holds neither a client's address nor a query string
#     after refused bodies (413), refused submissions (429) and all of 1;
#  3. the submission limit's key in both nginx files (the map in
#     site/nginx.conf.in and deploy/nginx-tls.conf.in): an IPv4 address
#     whole, an IPv6 address's /64, an IPv4-mapped address whole, none for
#     a GET; checked in a throwaway nginx that returns the key, the client
#     address set with the realip module (and ::1 itself, if the machine
#     has IPv6 on loopback).
# Run from the top of the tree. Everything stops and is removed on exit.
set -u
KAA_BIN_DIR=${1:-${KAA_BIN_DIR:-build/bin}}
export KAA_BIN_DIR
. tests/lib/server.sh
# A burst of 2: the third submission from one address gets 429.
KAA_POST_RATE=1r/m KAA_POST_BURST=2 kaa_server_start ||
	{ echo "nginx-pages: could not start the server"; exit 1; }

pass=0 fail=0
check() {   # check WHAT COMMAND...
	what=$1; shift
	if "$@"; then pass=$((pass + 1)); echo "ok   $what"
	else fail=$((fail + 1)); echo "FAIL $what"; fi
}
T=$KAA_TMP/t
mkdir -p "$T"
PORT=${KAA_URL##*:}
FORM=$KAA_FORM_URL
mark=kaa-nginx-pages-marker

# raw NAME BYTES: sends BYTES (printf-style escapes) as they are and keeps
# the answer's head in $T/h-NAME and body in $T/b-NAME.
raw() {
	python3 - "$PORT" "$2" "$T/h-$1" "$T/b-$1" <<'PY'
import socket, sys
port, data = int(sys.argv[1]), sys.argv[2].encode().decode('unicode_escape').encode('latin-1')
s = socket.create_connection(('127.0.0.1', port), timeout=10)
s.sendall(data)
out = b''
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
head, _, body = out.partition(b'\r\n\r\n')
open(sys.argv[3], 'wb').write(head + b'\r\n')
open(sys.argv[4], 'wb').write(body)
PY
}
# get NAME CURL-ARGS...: the same with curl
get() { n=$1; shift; curl -s --max-time 10 -D "$T/h-$n" -o "$T/b-$n" "$@"; }
code() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/h-$1"; }
# page NAME STATUS FILE: nginx answered STATUS with kaa-gen's FILE as it
# is, with the security headers; never its own English page.
page() {
	[ "$(code "$1")" = "$2" ] && cmp -s "$T/b-$1" "$KAA_SITE_DIR/$3" &&
	grep -q '^<html lang="sv">' "$T/b-$1" &&
	grep -qi '^content-security-policy: ' "$T/h-$1" &&
	grep -qi '^x-content-type-options: nosniff' "$T/h-$1"
}
long=$(head -c 9000 /dev/zero | tr '\0' a)

# --- 1. nginx's own answers -------------------------------------------------
raw badline "GARBAGE?personnummer=$mark HTTP/1.1\r\nHost: x\r\n\r\n"
check "a request line nginx cannot read: 400 with our page" page badline 400 400.html
raw badheader "GET /?personnummer=$mark HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"
check "a broken header line: 400 with our page" page badheader 400 400.html
raw v20 "GET / HTTP/2.0\r\nHost: x\r\n\r\n"
check "HTTP/2.0 in a request line: 505 with the 400 page" page v20 505 400.html
raw te "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
check "an unknown transfer coding: 501 with the 400 page" page te 501 400.html
get badhost -H 'Host: a/b' "$KAA_URL/"
check "a Host with a slash: 400 with our page" page badhost 400 400.html
get bighdr -H "X-Big: $long" "$KAA_URL/?personnummer=$mark"
check "a header over nginx's buffers (494): 400 with our page" page bighdr 400 400.html
get long "$KAA_URL/?personnummer=$mark&x=$long"
check "a URI over nginx's buffers: 414 with our page" page long 414 414.html
grep -q 'Adressen är för lång' "$T/b-long"
check "the 414 page says the address is too long" [ $? = 0 ]
get post405 -d x=1 "$KAA_URL/"
check "a form posted to a static page: 405 with the 400 page" page post405 405 400.html
get dir "$KAA_URL/assets/"
check "a directory without an index: 403 with our page" page dir 403 403.html
raw chunk "POST $(echo "$FORM" | sed 's|^http://[^/]*||')?personnummer=$mark HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nx\r\n0\r\n\r\n"
check "a broken chunked body to the e-service: 400 with our page" page chunk 400 400.html

# --- 2. the error log -------------------------------------------------------
# Refused bodies and submissions, the query string carrying the marker.
head -c 20000 /dev/zero | tr '\0' a >"$T/20k"
get big --data-binary "@$T/20k" "$FORM?personnummer=$mark"
check "a body over 16 KiB: 413 with our page" page big 413 413.html
# 1 + burst (2) pass; a 413 is refused before the limit counts.
i=0
while [ $i -lt 4 ] && get limit -d x=1 "$FORM?personnummer=$mark" && [ "$(code limit)" != 429 ]; do
	i=$((i + 1))
done
check "at most 1 + burst submissions from one address, then 429 with our page" page limit 429 429.html
log=$KAA_TMP/run/nginx-error.log
check "nginx's error log has no query string" eval '! grep -q "$mark" "$log"'
check "nginx's error log has no client address" eval '! grep -qE "client: |127\.0\.0\.1" "$log"'
check "nginx's access log names the 413 and the 429 without the query" eval \
	'grep -q " POST /e-tjanst/exempelkommun/sysselsattning 413 " "$KAA_TMP/run/nginx-access.log" &&
	 grep -q " POST /e-tjanst/exempelkommun/sysselsattning 429 " "$KAA_TMP/run/nginx-access.log" &&
	 ! grep -q "$mark" "$KAA_TMP/run/nginx-access.log"'

# --- 3. the submission limit's key ------------------------------------------
K=$T/keys
mkdir -p "$K/log" "$K/tmp"
have_ipv6() {
	python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null
}
# key_nginx FILE: a throwaway nginx with FILE's two maps (as the file has
# them) that returns $kaa_post_client: on $kp for the connection's own
# address, on $rp for the address in X-Real-IP.
key_pid=
key_stop() {
	kaa_stop_pid "$key_pid" 5
	key_pid=
}
trap 'key_stop; kaa_server_stop' EXIT
key_nginx() {
	kp=$(kaa_free_port) rp=$(kaa_free_port)
	v6=
	! have_ipv6 || v6="listen [::1]:$kp;"
	{
		echo "worker_processes 1; pid \"$K/nginx.pid\"; error_log \"$K/log/error.log\" warn;"
		echo "events { worker_connections 16; }"
		echo "http {"
		echo "access_log off;"
		for d in client_body proxy fastcgi uwsgi scgi; do echo "${d}_temp_path \"$K/tmp/$d\";"; done
		sed -n '/^ *map \$binary_remote_addr \$kaa_client {/,/^ *}/p;/^ *map \$request_method \$kaa_post_client {/,/^ *}/p' "$1"
		echo "server { listen 127.0.0.1:$kp; $v6 location / { return 200 \"\$kaa_post_client\"; } }"
		echo "server { listen 127.0.0.1:$rp; set_real_ip_from 127.0.0.1; real_ip_header X-Real-IP;"
		echo "  location / { return 200 \"\$kaa_post_client\"; } }"
		echo "}"
	} >"$K/nginx.conf"
	grep -q 'kaa_client {' "$K/nginx.conf" && grep -q 'kaa_post_client {' "$K/nginx.conf" ||
		{ echo "     no maps found in $1"; return 1; }
	rm -f "$K/nginx.pid"
	nginx -q -p "$K" -c "$K/nginx.conf" -e "$K/log/error.log" || return 1
	i=0
	while ! [ -s "$K/nginx.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	key_pid=$(cat "$K/nginx.pid" 2>/dev/null)
	[ -n "$key_pid" ]
}
hex() { od -An -tx1 -v | tr -d ' \n'; }
# key_of ADDRESS: the key of a POST from ADDRESS, in hex
key_of() { curl -s --max-time 10 -d x=1 -H "X-Real-IP: $1" "http://127.0.0.1:$rp/" | hex; }
keys_ok() {
	bad=0
	# address, then its key: IPv6 by /64 in every textual form,
	# 0x0a bytes (a newline to a regex) among them
	while read -r addr want; do
		got=$(key_of "$addr")
		[ "$got" = "$want" ] || { echo "     $addr: key $got, want $want"; bad=1; }
	done <<'KEYS'
192.0.2.7 c0000207
192.0.2.8 c0000208
10.10.10.10 0a0a0a0a
2001:db8:1:2:3:4:5:6 20010db800010002
2001:db8:1:2::ffff 20010db800010002
2001:db8:1:2:: 20010db800010002
2001:db8:1:3:: 20010db800010003
2001:db8::1 20010db800000000
2001:db8:0:0:1:0:0:1 20010db800000000
2001:a0a:a0a:a0a:a0a:a0a:a0a:a0a 20010a0a0a0a0a0a
fe80::a:b fe80000000000000
:: 0000000000000000
::ffff:192.0.2.1 00000000000000000000ffffc0000201
::ffff:192.0.2.2 00000000000000000000ffffc0000202
KEYS
	return $bad
}
for f in "$KAA_TMP/run/nginx.conf" deploy/nginx-tls.conf.in; do
	name=$(basename "$f")
	[ "$name" = nginx.conf ] && name="site/nginx.conf.in (filled in)"
	if key_nginx "$f"; then
		check "$name: an IPv4 address is its own key, an IPv6 address keyed by its /64" keys_ok
		check "$name: a GET has no key (reading is free)" eval \
			'[ -z "$(curl -s --max-time 10 -H "X-Real-IP: 2001:db8::1" "http://127.0.0.1:$rp/")" ]'
		check "$name: a POST from 127.0.0.1 is keyed 7f000001" eval \
			'[ "$(curl -s --max-time 10 -d x=1 "http://127.0.0.1:$kp/" | hex)" = 7f000001 ]'
		if have_ipv6; then
			check "$name: a POST from ::1 is keyed by its /64 (zeros)" eval \
				'[ "$(curl -s --max-time 10 -d x=1 "http://[::1]:$kp/" | hex)" = 0000000000000000 ]'
		fi
	else
		check "$name: nginx starts with its maps" false
		sed 's/^/     /' "$K/log/error.log" 2>/dev/null
	fi
	key_stop
done

echo "nginx-pages: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
