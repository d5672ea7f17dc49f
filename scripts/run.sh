#!/bin/sh
# Starts or stops the demo system: kaa-fcgi + nginx on 127.0.0.1.
#   scripts/run.sh start CONF   (env: KAA_RUN_DIR, KAA_PORT, KAA_WORKERS,
#                                KAA_BUSY_MS, KAA_TIMEOUT, KAA_POST_RATE,
#                                KAA_POST_BURST, KAA_BIN_DIR)
# The demo's socket is mode 0666 inside a private run directory, because
# nginx's workers run as nobody here; in production give it nginx's group
# and mode 0660 (the default).
#   scripts/run.sh stop         stops what start started, by pid
# Used by `make run` and by the tests (tests/lib/server.sh).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
run=${KAA_RUN_DIR:-$top/build/run}
port=${KAA_PORT:-8080}
bin=${KAA_BIN_DIR:-$top/build/bin}

# Reads a setting from an INI file: ini_get FILE SECTION KEY
ini_get() {
	awk -v s="[$2]" -v k="$3" '
		/^[ \t]*\[/ { gsub(/[ \t]/, ""); insec = ($0 == s); next }
		insec && $0 ~ "^[ \t]*" k "[ \t]*=" {
			sub(/^[^=]*=[ \t]*/, ""); sub(/[ \t]*(;.*)?$/, ""); print; exit }' "$1"
}

# Resolves a path setting against the config file's directory, like conf.c.
ini_path() {
	v=$(ini_get "$1" "$2" "$3")
	case "$v" in /*) echo "$v" ;; *) echo "$(cd "$(dirname "$1")" && pwd)/$v" ;; esac
}

stop_pidfile() {
	[ -f "$1" ] || return 0
	pid=$(cat "$1" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		i=0
		# kaa-fcgi finishes the requests under way and ends its workers
		# itself after about 2 x its -t timeout + the -b lock wait: give
		# it up to 60 s before ending it outright
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$1"
}

stop() {
	stop_pidfile "$run/nginx.pid"
	stop_pidfile "$run/kaa-fcgi.pid"
}

wait_for() {   # wait_for TEST-ARGS... : up to 5 s
	i=0
	while ! test "$@"; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.05
	done
}

start() {
	conf=$1
	[ -f "$conf" ] || { echo "run: $conf: no such configuration" >&2; exit 1; }
	stop
	mkdir -p "$run/tmp"
	pub=$(ini_path "$conf" keys public_key)
	id=$(ini_get "$conf" municipality id)
	secret=${KAA_SECRET:-$(dirname "$pub")/$id.secret}
	if [ ! -f "$pub" ]; then
		mkdir -p "$(dirname "$pub")" "$(dirname "$secret")"
		# A demo key with a known passphrase. Real keys are made on the
		# coordinator's machine with a passphrase only they know.
		KAA_PASSPHRASE=${KAA_PASSPHRASE:-demo-passphrase} \
			"$bin/kaa-inbox" keygen --kdf interactive -c "$conf" --secret "$secret" >/dev/null
	fi
	"$bin/kaa-gen" site -c "$conf" -i "$top/content" -t "$top/site" >/dev/null
	mkdir -p "$(dirname "$(ini_path "$conf" inbox path)")"
	"$bin/kaa-fcgi" -s "$run/kaa-fcgi.sock" -p "$run/kaa-fcgi.pid" \
		-w "${KAA_WORKERS:-4}" -b "${KAA_BUSY_MS:-5000}" -t "${KAA_TIMEOUT:-10}" \
		-m 0666 "$conf" \
		>>"$run/kaa-fcgi.log" 2>&1 </dev/null &
	wait_for -S "$run/kaa-fcgi.sock" || { echo "run: kaa-fcgi did not start; see $run/kaa-fcgi.log" >&2; tail -5 "$run/kaa-fcgi.log" >&2; stop; exit 1; }
	sed -e "s|@PREFIX@|$run|g" -e "s|@PORT@|$port|g" \
	    -e "s|@ROOT@|$(ini_path "$conf" site output)|g" \
	    -e "s|@SOCKET@|$run/kaa-fcgi.sock|g" \
	    -e "s|@POST_RATE@|${KAA_POST_RATE:-10r/s}|g" \
	    -e "s|@POST_BURST@|${KAA_POST_BURST:-20}|g" \
	    "$top/site/nginx.conf.in" > "$run/nginx.conf"
	nginx -p "$run" -c "$run/nginx.conf" -e "$run/nginx-error.log" ||
		{ echo "run: nginx did not start; see $run/nginx-error.log" >&2; stop; exit 1; }
	wait_for -s "$run/nginx.pid" || { echo "run: nginx did not start" >&2; stop; exit 1; }
}

case "${1:-}" in
start)
	start "$2"
	if [ -z "${KAA_QUIET:-}" ]; then
		base=$(ini_get "$2" eservice base)
		cat <<MSG

KAA is running: http://127.0.0.1:$port/
  the youth e-service:  http://127.0.0.1:$port$base/sysselsattning
  read the inbox:       build/bin/kaa-inbox list -c $2
  decrypt one:          build/bin/kaa-inbox show -c $2 --secret var/keys/$(ini_get "$2" municipality id).secret REF
                        (demo passphrase: demo-passphrase)
  stop:                 make stop
MSG
	fi ;;
stop) stop ;;
*) echo "usage: $0 start CONF | stop" >&2; exit 2 ;;
esac
