#!/bin/sh
# site-bench.sh — kaa-gen against Hugo on the same synthetic corpus.
#
#   sh bench/site-bench.sh            (make bench runs it; ~2-4 minutes)
#
# 1. Generates (once, cached) N=10000 Markdown pages of about 5 KB with
#    ../shared/bench/corpus.py --tables none: pure CommonMark, so cmark and
#    Hugo's goldmark render the same constructs (cmark has no tables).
# 2. For each output target — tmpfs (/dev/shm) and disk ($DISK_ROOT, /tmp)
#    — times with hyperfine (1 warm-up, RUNS timed runs), each a full build
#    into an EMPTY output directory:
#      copy   cp -r of the input tree: the floor for "read N files, write N
#             files";
#      copy-out  cp -r of kaa-gen's output tree (one directory per page, as
#             Hugo's "pretty URLs" too): the floor for writing this output,
#             which on ext4 costs about twice the inodes of the input;
#      kaa-gen with bench/conf.ini and bench/site/layout.html;
#      hugo   with bench/hugo/ (the same minimal layout).
#    On disk every run writes a new directory and old ones are removed only
#    at the end: on this VM's journal-less ext4, creating many files soon
#    after deleting many is 2-3x slower (../shared/bench/README.md).
#    Once, not per target: "cmark alone" (build/bench/cmark-floor), the
#    time libcmark takes to parse and render every page already in memory,
#    on as many threads: the floor under any cmark-based generator.
# 3. One more build of each under /usr/bin/time -v for peak RSS.
# 4. Prints a table: median wall time, pages/s, peak RSS, and the ratios.
#
# Env: N (10000), RUNS (kaa-gen and copy: 10; hugo: 5), SEED (42),
#      CORPUS_ROOT (/tmp/bench-corpus), CORPUS_PY, DISK_ROOT (/tmp),
#      TARGETS ("shm disk"), KAA_GEN (build/bin/kaa-gen), JOBS (kaa-gen -j),
#      CMARK_FLOOR (build/bench/cmark-floor: make bench builds it),
#      WAIT_QUIET (60: seconds to wait for an idle machine), RESULTS (also
#      append the table to this file).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
N=${N:-10000}
SEED=${SEED:-42}
RUNS=${RUNS:-10}
HUGO_RUNS=${HUGO_RUNS:-5}
CORPUS_ROOT=${CORPUS_ROOT:-/tmp/bench-corpus}
CORPUS_PY=${CORPUS_PY:-$ROOT/../shared/bench/corpus.py}
DISK_ROOT=${DISK_ROOT:-/tmp}
TARGETS=${TARGETS:-shm disk}
KAA_GEN=${KAA_GEN:-$ROOT/build/bin/kaa-gen}
CMARK_FLOOR=${CMARK_FLOOR:-$ROOT/build/bench/cmark-floor}
JOBS=${JOBS:-}

# The peer and the timing tools come from Debian, installed when missing.
missing=""
for p in hyperfine hugo time python3; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	echo "site-bench: installing:$missing"
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
fi
for t in hyperfine hugo python3 /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 || { echo "site-bench: $t is missing" >&2; exit 1; }
done
[ -x "$KAA_GEN" ] || { echo "site-bench: build kaa-gen first (make)" >&2; exit 1; }

CORPUS=$CORPUS_ROOT/n$N-s$SEED-none
if [ ! -f "$CORPUS/.corpus-complete" ]; then
	[ -f "$CORPUS_PY" ] || { echo "site-bench: no corpus generator at $CORPUS_PY" >&2; exit 1; }
	mkdir -p "$CORPUS_ROOT"
	python3 "$CORPUS_PY" "$N" "$CORPUS" --seed "$SEED" --tables none --force >&2
fi

SHMW=$(mktemp -d /dev/shm/kaa-bench.XXXXXX)
DISKW=$(mktemp -d "$DISK_ROOT/kaa-bench.XXXXXX")
trap 'rm -rf "$SHMW" "$DISKW"' EXIT INT TERM
# kaa-gen also writes the e-service shell; its configuration's relative
# paths resolve next to the copy, in the scratch directory.
cp "$HERE/conf.ini" "$SHMW/conf.ini"



JOPT=${JOBS:+-j $JOBS}
# a finished site, for the copy-out floor
"$KAA_GEN" site -c "$SHMW/conf.ini" -i "$CORPUS/content" -t "$HERE/site" \
	-o "$SHMW/ref-out" $JOPT >/dev/null
# The cmark floor: parse + render of every page in memory, nothing read
# or written during the timing, as many threads as kaa-gen uses.
FLOOR=""
if [ -x "$CMARK_FLOOR" ]; then
	find "$CORPUS/content" -name '*.md' | sort >"$SHMW/files.txt"
	"$CMARK_FLOOR" ${JOBS:+-j $JOBS} -r "$RUNS" <"$SHMW/files.txt" >"$SHMW/floor.txt"
	FLOOR=$(sed -n 's/.*median \([0-9.]*\) s.*/\1/p' "$SHMW/floor.txt")
fi
RES=$SHMW/results.txt
{
	echo "# site-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname): $(nproc) CPUs, $(uname -r)"
	echo "# $(hugo version | cut -d' ' -f1-2); $(hyperfine --version); kaa-gen ${JOPT:-(one thread per CPU)}"
	echo "# corpus: $(tr '\n' ' ' <"$CORPUS/.corpus-complete")"
} | tee "$RES"

for T in $TARGETS; do
	case $T in
	shm) W=$SHMW/$T ;;
	disk) W=$DISKW/$T ;;
	*) echo "site-bench: unknown target $T" >&2; exit 1 ;;
	esac
	mkdir -p "$W/old"
	# fresh, empty output directory for every run; old ones moved aside
	prep="if [ -d $W/out ]; then mv $W/out $W/old/\$(date +%s%N); fi"
	[ "$T" = shm ] && prep="rm -rf $W/out"

	echo "# target $T: machine busy before: $(wait_quiet)" | tee -a "$RES"
	hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "$prep" \
		--export-json "$W/copy.json" -n "copy $T" \
		"cp -r $CORPUS/content $W/out" >"$W/copy.log" 2>&1
	hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "$prep" \
		--export-json "$W/copyout.json" -n "copy-out $T" \
		"cp -r $SHMW/ref-out $W/out" >"$W/copyout.log" 2>&1
	hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "$prep" \
		--export-json "$W/kaa.json" -n "kaa-gen $T" \
		"$KAA_GEN site -c $SHMW/conf.ini -i $CORPUS/content -t $HERE/site -o $W/out $JOPT" \
		>"$W/kaa.log" 2>&1
	echo "# target $T: machine busy before hugo: $(wait_quiet)" | tee -a "$RES"
	HUGO="hugo --quiet --source $HERE/hugo --contentDir $CORPUS/content --destination $W/out --cacheDir $W/cache --noBuildLock"
	hyperfine --style basic --warmup 1 --runs "$HUGO_RUNS" \
		--prepare "$prep; rm -rf $W/cache $W/res" \
		--export-json "$W/hugo.json" -n "hugo $T" \
		"HUGO_RESOURCEDIR=$W/res $HUGO" >"$W/hugo.log" 2>&1

	# peak RSS and page counts from one more build of each
	sh -c "$prep"
	/usr/bin/time -v -o "$W/kaa.time" $KAA_GEN site -c "$SHMW/conf.ini" \
		-i "$CORPUS/content" -t "$HERE/site" -o "$W/out" $JOPT >"$W/kaa.out"
	kaa_pages=$(sed -n 's/^kaa-gen: \([0-9]*\) pages built.*/\1/p' "$W/kaa.out")
	sh -c "$prep; rm -rf $W/cache $W/res"
	HUGO_RESOURCEDIR=$W/res /usr/bin/time -v -o "$W/hugo.time" $HUGO
	hugo_pages=$(find "$W/out" -name '*.html' | wc -l)
	sh -c "$prep"

	c=$(median "$W/copy.json"); co=$(median "$W/copyout.json")
	k=$(median "$W/kaa.json"); h=$(median "$W/hugo.json")
	kr=$(rss_mib "$W/kaa.time"); hr=$(rss_mib "$W/hugo.time")
	{
		echo
		echo "| $T: $N pages | median wall | pages/s | peak RSS |"
		echo "| --- | --- | --- | --- |"
		awk -v t="$c" -v n="$N" 'BEGIN{printf "| copy (cp -r of the input) | %.3f s | %.0f | – |\n", t, n/t}'
		awk -v t="$co" -v n="$kaa_pages" 'BEGIN{printf "| copy-out (cp -r of the output) | %.3f s | %.0f | – |\n", t, n/t}'
		[ -n "$FLOOR" ] && awk -v t="$FLOOR" -v n="$N" 'BEGIN{printf "| cmark alone (parse + render in memory) | %.3f s | %.0f | – |\n", t, n/t}'
		awk -v t="$k" -v n="$kaa_pages" -v r="$kr" 'BEGIN{printf "| kaa-gen (%d pages) | %.3f s | %.0f | %.1f MiB |\n", n, t, n/t, r}'
		awk -v t="$h" -v n="$hugo_pages" -v r="$hr" 'BEGIN{printf "| hugo (%d pages) | %.3f s | %.0f | %.1f MiB |\n", n, t, n/t, r}'
		awk -v c="$c" -v co="$co" -v k="$k" -v h="$h" -v kr="$kr" -v hr="$hr" 'BEGIN{
			printf "\nhugo/kaa-gen wall: %.1fx (target >= 10x); kaa-gen/copy: %.2fx (target <= 3x), kaa-gen/copy-out: %.2fx; kaa-gen RSS/hugo RSS: %.3f (target <= 0.1)\n", h/k, k/c, k/co, kr/hr}'
		[ -n "$FLOOR" ] && awk -v f="$FLOOR" -v k="$k" -v h="$h" 'BEGIN{
			printf "cmark floor: hugo/(cmark alone): %.1fx, the most any cmark-based generator could reach here; kaa-gen/(cmark alone): %.2fx\n", h/f, k/f}'
		echo "runs: copy and kaa-gen $RUNS, hugo $HUGO_RUNS (each after 1 warm-up); cmark alone $RUNS in one process; spread:"
		for f in copy copyout kaa hugo; do
			printf '  %-8s' "$f"; grep -h 'Time (' "$W/$f.log" | sed 's/^ *Time ([^)]*): *//'
		done
	} | tee -a "$RES"
done
[ -n "${RESULTS:-}" ] && cat "$RES" >>"$RESULTS"
exit 0
