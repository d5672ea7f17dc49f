#!/bin/sh
# run.sh — build the libFuzzer targets (clang, ASan + UBSan) and run each.
#
#   sh tests/fuzz/run.sh [SECONDS_PER_TARGET [TARGET...]]
#
# Each target tests/fuzz/fuzz_NAME.c is built against the project's own
# sources and first runs once over every file in tests/fuzz/regressions/NAME/
# and tests/fuzz/corpus/NAME/ (each a plain run: a crash found once stays
# fixed, and every seed still passes); then, for SECONDS (default 10; 0: the
# plain runs only), it fuzzes from the seed corpus with tests/fuzz/NAME.dict.
# New inputs it finds are kept in the build directory, not in the tree.
# Prints "N passed, N failed"; exits 1 if a target failed to build or
# crashed (the input is saved under the build directory, and named).
#
# Environment: B (the build directory, default build: output goes to
# $B/fuzz-bin), FUZZ_CC (default clang-14, else clang), FUZZ_JOBS (parallel
# compiles, default the number of processors). Paths must have no spaces
# (as for make).
set -u

# From the clone's top, with relative paths: the clone's own path may hold
# spaces, which the word lists below would split.
cd "$(dirname "$0")/../.." || exit 1
ROOT=.
HERE=tests/fuzz
SELF=$HERE/run.sh
SECS=${1:-10}
[ $# -gt 0 ] && shift
case $SECS in *[!0-9]*|'') echo "usage: sh tests/fuzz/run.sh [SECONDS [TARGET...]]" >&2; exit 2 ;; esac

case ${B:-build} in /*) OUT=${B:-build}/fuzz-bin ;; *) OUT=$ROOT/${B:-build}/fuzz-bin ;; esac
CC=${FUZZ_CC:-$(command -v clang-14 || command -v clang || echo clang)}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

# What each target links besides its own file: the project's sources (as
# one archive, from which the linker takes only the objects it needs) and
# these libraries (pkg-config names; -l for libcsv, which has none).
libs_of() {
	case $1 in
	form_*)              echo "jansson libsodium" ;;
	roster)              echo "-lcsv" ;;
	pnr|fm|tmpl)         echo "" ;;
	envelope)            echo "sqlite3 libsodium inih" ;;
	archive|inbox)       echo "sqlite3 libsodium inih" ;;
	show|export|stream)  echo "jansson libsodium sqlite3 inih -lcsv" ;;
	*)                   echo "jansson libsodium sqlite3 inih -lcsv" ;;
	esac
}

SRCS=""
for s in "$ROOT"/lib/*.c "$ROOT"/generator/roster.c "$ROOT"/generator/fm.c \
    "$ROOT"/cli/*.c; do
	case $s in */cli/main.c) continue ;; esac   # kaa-inbox's main()
	SRCS="$SRCS ${s#"$ROOT"/}"
done
PKGS="jansson libsodium sqlite3 inih"
# shellcheck disable=SC2086
PKG_CFLAGS=$($PKG_CONFIG --cflags $PKGS) || { echo "fuzz: pkg-config: $PKGS missing"; exit 1; }
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-O1 -g -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
 -Wmissing-prototypes -fno-common $SAN"
CPPFLAGS="-I$ROOT/include -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $PKG_CFLAGS"
export CC CFLAGS CPPFLAGS

mkdir -p "$OUT/obj" "$OUT/crashes" "$OUT/found" || exit 1

# 0 if file $1 is newer than file $2.
newer() {
	[ -n "$(find "$1" -newer "$2" 2>/dev/null)" ]
}
# A file is built again when what it is made from is newer: its source,
# a header, this script.
any_newer() {
	an_target=$1
	shift
	for an_from; do newer "$an_from" "$an_target" && return 0; done
	return 1
}
stale() {
	[ ! -f "$2" ] || any_newer "$2" "$1" "$SELF" "$ROOT"/include/*.h
}

# The project's objects, instrumented for coverage, in parallel.
build_lib() {
	todo=""
	for s in $SRCS; do
		o=$OUT/obj/$(echo "$s" | tr / _).o
		stale "$ROOT/$s" "$o" && todo="$todo $ROOT/$s:$o"
	done
	[ -z "$todo" ] && [ -f "$OUT/libkaa-fuzz.a" ] && return 0
	echo "fuzz: compiling the project's sources with $CC"
	# shellcheck disable=SC2016,SC2086
	printf '%s\n' $todo | xargs -P "$JOBS" -n 1 sh -c '
		s=${1%%:*} o=${1#*:}
		$CC $CPPFLAGS $CFLAGS -fsanitize=fuzzer-no-link -c -o "$o" "$s" ||
		    { rm -f "$o"; exit 255; }' sh || return 1
	rm -f "$OUT/libkaa-fuzz.a"
	ar rcs "$OUT/libkaa-fuzz.a" "$OUT"/obj/*.o
}

# Links target $1; 0 if it is ready to run.
build_target() {
	bin=$OUT/fuzz_$1 src=$HERE/fuzz_$1.c
	[ -f "$bin" ] && ! any_newer "$bin" "$src" "$OUT/libkaa-fuzz.a" "$SELF" \
	    "$ROOT"/include/*.h "$HERE"/*.h && return 0
	ldlibs=""
	for l in $(libs_of "$1"); do
		case $l in -*) ldlibs="$ldlibs $l" ;; *) ldlibs="$ldlibs $($PKG_CONFIG --libs "$l")" ;; esac
	done
	# shellcheck disable=SC2086
	$CC $CPPFLAGS $CFLAGS -I"$ROOT" -DFUZZ_DIR="\"$HERE\"" -fsanitize=fuzzer \
	    -o "$bin" "$src" \
	    "$OUT/libkaa-fuzz.a" $ldlibs
}

# Runs target $1: the plain runs, then $SECS seconds of fuzzing. Its
# libFuzzer output is in $OUT/NAME.log; 0 if nothing crashed.
run_target() {
	# Scratch files (the targets that read a path) go here, removed after.
	scratch=$OUT/tmp/$1
	rm -rf "$scratch" && mkdir -p "$scratch" || return 1
	(TMPDIR=$scratch && export TMPDIR && run_fuzzer "$1")
	rc=$?
	rm -rf "$scratch"
	return $rc
}

run_fuzzer() {
	bin=$OUT/fuzz_$1 log=$OUT/$1.log
	files=$(find "$HERE/regressions/$1" "$HERE/corpus/$1" -type f 2>/dev/null | sort)
	: > "$log"
	if [ -n "$files" ]; then
		# shellcheck disable=SC2086
		echo "$files" | xargs "$bin" -runs=1 >> "$log" 2>&1 || {
			echo "fuzz: $1: a regression or seed input fails (see $log)"
			return 1
		}
	fi
	[ "$SECS" -eq 0 ] && return 0
	dict=""
	[ -f "$HERE/$1.dict" ] && dict="-dict=$HERE/$1.dict"
	mkdir -p "$OUT/found/$1"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$OUT/crashes/$1-" $dict \
	    "$OUT/found/$1" "$HERE/corpus/$1" >> "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ $rc -ne 0 ]; then
		echo "fuzz: $1: CRASH after ${execs:-?} runs; input: $(grep -o "$OUT/crashes/$1-[^ ]*" "$log" | tail -n 1)"
		grep -m 3 -E 'ERROR|runtime error|fuzz check failed' "$log" | sed 's/^/    /'
		return 1
	fi
	echo "fuzz: $1: ${execs:-?} runs in ${SECS} s (${speed:-?}/s), ${cov:-cov: ?}"
}

build_lib || { echo "fuzz: building the project's sources failed"; echo "0 passed, 1 failed"; exit 1; }
targets=$*
if [ -z "$targets" ]; then
	for f in "$HERE"/fuzz_*.c; do
		f=${f##*/fuzz_}
		targets="$targets ${f%.c}"
	done
fi
pass=0 fail=0
for t in $targets; do
	if [ ! -f "$HERE/fuzz_$t.c" ]; then
		echo "fuzz: no target $t"
		fail=$((fail + 1))
	elif ! build_target "$t"; then
		echo "fuzz: $t: build failed"
		fail=$((fail + 1))
	elif run_target "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
