#!/bin/sh
# Hostile requests, end to end: the real nginx and kaa-fcgi on loopback,
# driven by hostile_http.py with hundreds of bad requests to each form (the
# youth form and the school form). Then a second server with a low POST
# rate, for nginx's rate limit. Everything stops on exit.
# KAA_BIN_DIR=build/san/bin runs the sanitizer build: any report fails.
set -u
export LC_ALL=C.UTF-8; unset LANGUAGE
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh
KAA_BIN_DIR=${KAA_BIN_DIR:-build/bin}
export KAA_BIN_DIR
. tests/lib/san.sh
kaa_san_init hostile

pass=0 fail=0
# run_driver ARGS: runs the driver, shows its lines, counts them
run_driver() {
	out=$KAA_TMP/hostile.out
	python3 -u tests/integration/hostile_http.py "$@" > "$out" 2>&1
	grep -v '^hostile_http: ' "$out"
	pass=$((pass + $(grep -c '^ok ' "$out")))
	fail=$((fail + $(grep -c '^FAIL ' "$out")))
	# a driver that died before its summary fails, whatever it printed
	grep -q '^hostile_http: ' "$out" || { fail=$((fail + 1)); echo "FAIL the driver did not finish"; }
}

# The rate limit high, so that only the requests decide the answers; the
# short client timeout of kaa-fcgi (-t) for the slow clients.
KAA_TIMEOUT=2 KAA_POST_RATE=100000r/s KAA_POST_BURST=100000 kaa_server_start ||
	{ echo "hostile: could not start the server"; exit 1; }
export KAA_TIMEOUT=2
run_driver
kaa_server_stop

# Past a burst of 3, one POST a minute: 429 with kaa-gen's page.
KAA_POST_RATE=1r/m KAA_POST_BURST=3 kaa_server_start ||
	{ echo "hostile: could not start the rate-limited server"; exit 1; }
run_driver ratelimit
kaa_server_stop

if kaa_san_reports; then
	fail=$((fail + 1))
	echo "FAIL sanitizer reports (above)"
fi
echo "hostile: $pass passed, $fail failed"
test "$fail" -eq 0
