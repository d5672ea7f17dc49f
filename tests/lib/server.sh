# tests/lib/server.sh — sourced by test scripts (POSIX sh).
#
# kaa_server_start: builds the demo site for a test municipality in a fresh
# temporary directory, makes a keypair, starts kaa-fcgi and nginx on a free
# loopback port, and arranges for everything to stop and be removed when the
# calling script exits, whether it passes, fails or is interrupted.
# Also brings kaa_stop_pid (proc.sh).
# Exports: KAA_URL KAA_FORM_URL KAA_SITE_DIR KAA_TMP KAA_CONF KAA_INBOX
#          KAA_SECRET KAA_PASSPHRASE KAA_SOCK (kaa-fcgi's socket)
#          KAA_TEST_PNR (a youth aged 17 today)
#          KAA_OLD_PNR (someone aged 22 today)

KAA_TOP=${KAA_TOP:-$(pwd)}
. "$KAA_TOP/tests/lib/proc.sh"

kaa_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

kaa_server_stop() {
	[ -n "${KAA_TMP:-}" ] || return 0
	KAA_RUN_DIR=$KAA_TMP/run sh "$KAA_TOP/scripts/run.sh" stop
	if [ -n "${KAA_KEEP_TMP:-}" ]; then
		echo "kept $KAA_TMP"
	else
		rm -rf "$KAA_TMP"
	fi
	KAA_TMP=
}

kaa_server_start() {
	KAA_TMP=$(mktemp -d /tmp/kaa-test.XXXXXX)
	# nginx workers may run as another user (nobody when started as root).
	chmod 0755 "$KAA_TMP"
	trap 'kaa_server_stop' EXIT
	trap 'exit 130' INT TERM HUP PIPE
	port=$(kaa_free_port)
	KAA_CONF=$KAA_TMP/testkommun.ini
	KAA_SITE_DIR=$KAA_TMP/site
	KAA_INBOX=$KAA_TMP/inbox.sqlite
	KAA_SECRET=$KAA_TMP/keys/testkommun.secret
	KAA_PASSPHRASE=test-passphrase
	# The demo configuration with every path inside the temporary directory.
	sed -e "s|^layout *=.*|layout = $KAA_TMP/shell.html|" \
	    -e "s|^output *=.*|output = $KAA_SITE_DIR|" \
	    -e "s|^public_key *=.*|public_key = $KAA_TMP/keys/testkommun.pub|" \
	    -e "s|^path *=.*|path = $KAA_INBOX|" \
	    -e "s|^url *=.*|url = http://127.0.0.1:$port|" \
	    -e "s|^school *=.*|school = /e-tjanst/exempelkommun/skolanmalan|" \
	    "$KAA_TOP/conf/exempelkommun.ini" > "$KAA_CONF"
	export KAA_PASSPHRASE KAA_SECRET
	KAA_RUN_DIR=$KAA_TMP/run KAA_PORT=$port KAA_QUIET=1 \
		KAA_WORKERS=${KAA_WORKERS:-3} KAA_BUSY_MS=${KAA_BUSY_MS:-5000} \
		KAA_POST_RATE=${KAA_POST_RATE:-100r/s} KAA_POST_BURST=${KAA_POST_BURST:-200} \
		sh "$KAA_TOP/scripts/run.sh" start "$KAA_CONF" || return 1
	KAA_URL=http://127.0.0.1:$port
	KAA_FORM_URL=$KAA_URL/e-tjanst/exempelkommun/sysselsattning
	KAA_SOCK=$(cat "$KAA_TMP/run/socket")
	KAA_TEST_PNR=$(python3 "$KAA_TOP/tests/lib/pick-pnr.py" 17)
	KAA_OLD_PNR=$(python3 "$KAA_TOP/tests/lib/pick-pnr.py" 22)
	export KAA_URL KAA_FORM_URL KAA_SITE_DIR KAA_TMP KAA_CONF KAA_INBOX \
		KAA_TEST_PNR KAA_OLD_PNR KAA_SOCK
}

# kaa_region_start: the demo region (conf/exempelregionen.ini) with its three
# municipalities, every path inside a fresh temporary directory: Exempelkommun
# with two coordinators' keys, Provstad and Nordby with one each. Exports
# KAA_URL KAA_TMP KAA_REGION KAA_SCHOOL_URL KAA_PASSPHRASE, what
# kaa_server_start exports for its municipality (for the host,
# Exempelkommun, with its first coordinator's key), and per
# municipality ID (exempelkommun, provstad, nordby): $KAA_TMP/ID.ini, its
# inbox $KAA_TMP/ID/inbox.sqlite and its coordinators' secret keys
# $KAA_TMP/ID/keys/cN.secret (N = 1, 2, ...).
kaa_region_start() {
	KAA_TMP=$(mktemp -d /tmp/kaa-region.XXXXXX)
	chmod 0755 "$KAA_TMP"
	trap 'kaa_server_stop' EXIT
	trap 'exit 130' INT TERM HUP PIPE
	port=$(kaa_free_port)
	KAA_PASSPHRASE=test-passphrase
	for id in exempelkommun provstad nordby; do
		d=$KAA_TMP/$id
		mkdir -p "$d/keys"
		keys="$d/keys/c1.pub"
		[ "$id" != exempelkommun ] || keys="$d/keys/c1.pub, $d/keys/c2.pub"
		sed -e "s|^layout *=.*|layout = $d/shell.html|" \
		    -e "s|^output *=.*|output = $d/site|" \
		    -e "s|^public_key *=.*|public_key = $keys|" \
		    -e "s|^path *=.*|path = $d/inbox.sqlite|" \
		    -e "s|^url *=.*|url = http://127.0.0.1:$port|" \
		    "$KAA_TOP/conf/$id.ini" > "$KAA_TMP/$id.ini"
	done
	sed -e "s|^municipalities *=.*|municipalities = exempelkommun.ini, provstad.ini, nordby.ini|" \
	    "$KAA_TOP/conf/exempelregionen.ini" > "$KAA_TMP/region.ini"
	KAA_REGION=$KAA_TMP/region.ini
	export KAA_PASSPHRASE
	KAA_RUN_DIR=$KAA_TMP/run KAA_PORT=$port KAA_QUIET=1 \
		KAA_WORKERS=${KAA_WORKERS:-3} KAA_BUSY_MS=${KAA_BUSY_MS:-5000} \
		KAA_POST_RATE=${KAA_POST_RATE:-100r/s} KAA_POST_BURST=${KAA_POST_BURST:-200} \
		sh "$KAA_TOP/scripts/run.sh" start "$KAA_REGION" || return 1
	KAA_URL=http://127.0.0.1:$port
	KAA_SCHOOL_URL=$KAA_URL/e-tjanst/exempelregionen/skolanmalan
	# The host municipality, as kaa_server_start names it, for the tests
	# written against one municipality.
	KAA_CONF=$KAA_TMP/exempelkommun.ini
	KAA_SITE_DIR=$KAA_TMP/exempelkommun/site
	KAA_INBOX=$KAA_TMP/exempelkommun/inbox.sqlite
	KAA_SECRET=$KAA_TMP/exempelkommun/keys/c1.secret
	KAA_FORM_URL=$KAA_URL/e-tjanst/exempelkommun/sysselsattning
	KAA_SOCK=$(cat "$KAA_TMP/run/socket")
	KAA_TEST_PNR=$(python3 "$KAA_TOP/tests/lib/pick-pnr.py" 17)
	KAA_OLD_PNR=$(python3 "$KAA_TOP/tests/lib/pick-pnr.py" 22)
	export KAA_URL KAA_TMP KAA_REGION KAA_SCHOOL_URL KAA_CONF KAA_SITE_DIR \
		KAA_INBOX KAA_SECRET KAA_FORM_URL KAA_TEST_PNR KAA_OLD_PNR KAA_SOCK
}
