#!/bin/sh
# Starts or stops the demo system: kaa-fcgi + nginx on 127.0.0.1.
#   scripts/run.sh start CONF   (CONF: a municipality's or a region's; env:
#                                KAA_RUN_DIR, KAA_PORT, KAA_WORKERS,
#                                KAA_BUSY_MS, KAA_TIMEOUT, KAA_POST_RATE,
#                                KAA_POST_BURST, KAA_BIN_DIR)
#   scripts/run.sh stop         stops what start started, by pid
# Used by `make run` and by the tests (tests/lib/server.sh).
#
# Who may read what. Started by a user, nginx's workers are that user and
# the socket is theirs alone (0600). Started by root, the workers are
# nobody:nogroup and the socket is 0660 with group nogroup; the workers
# must also be able to enter the site and the run directory. When they
# cannot (a clone in /root or in a mktemp -d directory, mode 0700), what
# they need (the site, the socket and nginx's temporary files) is staged in
# a fresh /tmp/kaa-run.XXXXXX, root:nogroup 0750, which `stop` removes.
# Keys, the inbox, logs and pid files stay where they are, for root only.
# Either way start answers only once nginx serves / and the form.
set -eu
# Lists of paths are one a line: a clone's path may have spaces.
NL='
'
IFS=$NL
set -f
top=$(cd "$(dirname "$0")/.." && pwd)
run=${KAA_RUN_DIR:-$top/build/run}
port=${KAA_PORT:-8080}
bin=${KAA_BIN_DIR:-$top/build/bin}
nginx_user=nobody
nginx_group=
if [ "$(id -u)" = 0 ]; then
	nginx_group=$(id -gn "$nginx_user") ||
		{ echo "run: there is no user $nginx_user for nginx's workers" >&2; exit 1; }
fi

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

# s to put on the right of a sed s|...|...| command as itself.
sed_esc() { printf '%s' "$1" | sed 's/[|&\\]/\\&/g'; }

# The same for a comma-separated list of paths: one resolved path a line.
ini_paths() {
	ini_get "$1" "$2" "$3" | tr ',' '\n' | while IFS=' 	' read -r v; do
		[ -n "$v" ] || continue
		case "$v" in /*) echo "$v" ;; *) echo "$(cd "$(dirname "$1")" && pwd)/$v" ;; esac
	done
}

# The municipalities a configuration stands for: a region's members (the
# first hosts the site), or the municipality itself.
municipalities() {
	if grep -q '^\[region\]' "$1"; then ini_paths "$1" region municipalities
	else echo "$1"; fi
}

# Demo keys for every coordinator a municipality lists that has none yet,
# with a known passphrase: X.pub gets the secret key X.secret beside it.
# Real keys are made on each coordinator's machine with a passphrase only
# they know.
demo_keys() {
	for pub in $(ini_paths "$1" keys public_key); do
		[ ! -f "$pub" ] || continue
		secret=${pub%.pub}.secret
		mkdir -p "$(dirname "$pub")" "$(dirname "$secret")"
		KAA_PASSPHRASE=${KAA_PASSPHRASE:-demo-passphrase} \
			"$bin/kaa-inbox" keygen --kdf interactive --secret "$secret" \
			--public "$pub" >/dev/null
	done
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
	[ -f "$run/staged" ] || return 0
	# Removes only a directory start made (the file could have been edited).
	staged=$(cat "$run/staged")
	case "$staged" in
	*/../*|*/..) ;;
	/tmp/kaa-run.?*) [ -L "$staged" ] || rm -rf -- "$staged" ;;
	esac
	rm -f "$run/staged"
}

wait_for() {   # wait_for TEST-ARGS... : up to 5 s
	i=0
	while ! test "$@"; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.05
	done
}

# Can nginx's workers enter every DIR given?
workers_enter() {
	setpriv --reuid="$nginx_user" --regid="$nginx_group" --clear-groups \
		sh -c 'for d do test -x "$d" || exit 1; done' sh "$@"
}

# Sets site, temp and sock: where nginx's workers find the site, keep their
# temporary files and reach kaa-fcgi. As root, stages them if need be.
place() {
	site=$(ini_path "$1" site output)
	temp=$run/tmp
	# the socket in a directory of its own that only nginx's group may
	# enter: whoever can connect can submit past nginx's limits
	sock=$run/fcgi/kaa-fcgi.sock
	staged=
	mkdir -p "$site" "$temp" "$run/fcgi"
	chmod 0700 "$run/fcgi"
	[ -n "$nginx_group" ] || return 0
	chmod 0755 "$temp"
	chgrp "$nginx_group" "$run/fcgi"
	chmod 0750 "$run/fcgi"
	workers_enter "$site" "$temp" "$run/fcgi" && return 0
	staged=$(mktemp -d /tmp/kaa-run.XXXXXX)
	echo "$staged" >"$run/staged"
	chgrp "$nginx_group" "$staged"
	chmod 0750 "$staged"
	site=$staged/site
	temp=$staged/tmp
	sock=$staged/kaa-fcgi.sock
	mkdir -m 0755 "$temp"
}

# The status nginx answers for a URL (000: none within 5 s).
status_of() {
	i=0
	while code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1"); \
	      [ "$code" = 000 ] && [ $i -lt 50 ]; do
		i=$((i + 1)); sleep 0.1
	done
	echo "$code"
}

# A log's size now, so that news shows only what this start wrote to it.
size_of() { if [ -f "$1" ]; then wc -c <"$1"; else echo 0; fi; }
news() {   # news LOG SIZE
	echo "--- $1 (this start):"
	tail -c +$(($2 + 1)) "$1" 2>/dev/null | tail -n 5
}

# Unless nginx serves URL with 200, says why and what to do, and exits
# (the EXIT trap stops what was started).
must_serve() {
	code=$(status_of "$1")
	[ "$code" != 200 ] || return 0
	case "$code" in
	000) why="nothing answers on 127.0.0.1:$port" ;;
	403|404) why="nginx found nothing there it may read (its root: $site)" ;;
	50?) why="nginx did not get an answer from kaa-fcgi ($sock)" ;;
	*) why="an unexpected answer" ;;
	esac
	{
		echo "run: $1 answered $code, not 200: $why."
		echo "  Stopped: nothing is left running. Put right what the logs name, then start again."
		news "$run/nginx-error.log" "$nginx_log0"
		news "$run/kaa-fcgi.log" "$fcgi_log0"
	} >&2
	exit 1
}

start() {
	conf=$1
	[ -f "$conf" ] || { echo "run: $conf: no such configuration" >&2; exit 1; }
	stop
	trap stop EXIT
	trap 'exit 130' INT TERM HUP
	mkdir -p "$run"
	nginx_log0=$(size_of "$run/nginx-error.log")
	fcgi_log0=$(size_of "$run/kaa-fcgi.log")
	munis=$(municipalities "$conf")
	host=$(echo "$munis" | head -n 1)
	for m in $munis; do
		[ -f "$m" ] || { echo "run: $m: no such configuration" >&2; exit 1; }
		demo_keys "$m"
		mkdir -p "$(dirname "$(ini_path "$m" inbox path)")"
	done
	place "$host"
	echo "$sock" > "$run/socket"   # for tests that talk to kaa-fcgi directly
	# The sites are public: readable by all, whatever the caller's umask.
	# nginx serves the host's; the others are built for their page shells.
	(umask 022; "$bin/kaa-gen" site -c "$host" -i "$top/content" -t "$top/site" -o "$site" >/dev/null)
	for m in $munis; do
		[ "$m" = "$host" ] ||
			(umask 022; "$bin/kaa-gen" site -c "$m" -i "$top/content" -t "$top/site" >/dev/null)
	done
	mode=0600
	[ -z "$nginx_group" ] || mode=0660
	"$bin/kaa-fcgi" -s "$sock" -p "$run/kaa-fcgi.pid" \
		-w "${KAA_WORKERS:-6}" -b "${KAA_BUSY_MS:-5000}" -t "${KAA_TIMEOUT:-10}" \
		-m $mode "$conf" \
		>>"$run/kaa-fcgi.log" 2>&1 </dev/null &
	wait_for -s "$run/kaa-fcgi.pid" && wait_for -S "$sock" ||
		{ echo "run: kaa-fcgi did not start" >&2; news "$run/kaa-fcgi.log" "$fcgi_log0" >&2; exit 1; }
	[ -z "$nginx_group" ] || chgrp "$nginx_group" "$sock"
	user="# not root: the workers run as $(id -un)"
	[ -z "$nginx_group" ] || user="user $nginx_user $nginx_group;"
	sed -e "s|@PREFIX@|$(sed_esc "$run")|g" -e "s|@TEMP@|$(sed_esc "$temp")|g" \
	    -e "s|@PORT@|$port|g" -e "s|@USER@|$user|g" \
	    -e "s|@ROOT@|$(sed_esc "$site")|g" -e "s|@SOCKET@|$(sed_esc "$sock")|g" \
	    -e "s|@POST_RATE@|${KAA_POST_RATE:-10r/m}|g" \
	    -e "s|@POST_BURST@|${KAA_POST_BURST:-20}|g" \
	    "$top/site/nginx.conf.in" > "$run/nginx.conf"
	nginx -p "$run" -c "$run/nginx.conf" -e "$run/nginx-error.log" ||
		{ echo "run: nginx did not start (if port $port is taken: KAA_PORT=another)" >&2; exit 1; }
	wait_for -s "$run/nginx.pid" || { echo "run: nginx did not start" >&2; exit 1; }
	must_serve "http://127.0.0.1:$port/"
	for m in $munis; do
		must_serve "http://127.0.0.1:$port$(ini_get "$m" eservice base)/sysselsattning"
	done
	must_serve "http://127.0.0.1:$port$(ini_get "$host" eservice school)"
	trap - EXIT INT TERM HUP
}

case "${1:-}" in
start)
	start "$2"
	if [ -z "${KAA_QUIET:-}" ]; then
		host=$(municipalities "$2" | head -n 1)
		echo
		echo "KAA is running: http://127.0.0.1:$port/ ($(ini_get "$host" municipality name)'s site)"
		for m in $(municipalities "$2"); do
			echo "  youth e-service, $(ini_get "$m" municipality name): http://127.0.0.1:$port$(ini_get "$m" eservice youth)"
		done
		echo "  school notices:  http://127.0.0.1:$port$(ini_get "$host" eservice school)"
		cat <<MSG
  read an inbox:   build/bin/kaa-inbox list -c conf/exempelkommun.ini
  decrypt one:     build/bin/kaa-inbox show -c conf/exempelkommun.ini --secret var/keys/exempelkommun.secret REF
                   (each coordinator's key var/keys/*.secret; demo passphrase: demo-passphrase)
  stop:            make stop
MSG
		[ -z "$staged" ] || cat <<MSG
  nginx's user ($nginx_user) cannot enter $top, so the site
  and the socket are in $staged (make stop removes it).
MSG
	fi ;;
stop) stop ;;
*) echo "usage: $0 start CONF | stop" >&2; exit 2 ;;
esac
