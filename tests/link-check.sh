#!/bin/sh
# tests/link-check.sh — `make link-check`: each program needs only the
# libraries it uses. kaa-fcgi faces the network: no cmark, cairo, pango or
# libcsv code may come with it; kaa-gen has no use for libfcgi or SQLite.
#   sh tests/link-check.sh [BINDIR]
set -u
bin=${1:-build/bin}
passed=0 failed=0
needs() { readelf -d "$bin/$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'; }
forbid() {   # forbid PROGRAM PATTERN...
	prog=$1; shift
	libs=$(needs "$prog")
	[ -n "$libs" ] || { echo "FAIL link-check: cannot read $bin/$prog"; failed=$((failed + 1)); return; }
	for pat in "$@"; do
		if echo "$libs" | grep -q "^$pat"; then
			echo "FAIL link-check: $prog needs $(echo "$libs" | grep "^$pat" | tr '\n' ' ')"
			failed=$((failed + 1))
		else
			passed=$((passed + 1))
		fi
	done
}
forbid kaa-fcgi libcmark libcairo libpango libcsv libglib libgobject libharfbuzz libfontconfig
forbid kaa-inbox libcmark libcairo libpango libfcgi libglib
forbid kaa-gen libfcgi libsqlite3 libsodium libjansson
echo "link-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
