# bench/lib.sh — sourced by the benchmarks (POSIX sh): what they share.
# PY: the python with the benchmark's modules (default python3).

# busy %: share of CPU time used by others over 2 s, as a noise indicator
busy() {
	a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6; exit}' /proc/stat)
	sleep 2
	b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6; exit}' /proc/stat)
	echo "$a $b" | awk '{t=($3-$1)+($4-$2); printf "%d", (t > 0 ? 100*($3-$1)/t : 0)}'
}
# Waits (up to WAIT_QUIET seconds, default 60) until the machine is quiet;
# prints how busy it was.
wait_quiet() {
	t0=$(date +%s)
	while :; do
		b=$(busy)
		[ "$b" -lt 10 ] && { echo "$b%"; return; }
		[ $(( $(date +%s) - t0 )) -ge "${WAIT_QUIET:-60}" ] && { echo "$b% (not quiet)"; return; }
	done
}
# The median of hyperfine's JSON export, in seconds.
median() { "${PY:-python3}" -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
# Peak memory from /usr/bin/time -v's report, in MiB.
rss_mib() { awk -F': ' '/Maximum resident set size/{printf "%.1f", $2/1024}' "$1"; }
