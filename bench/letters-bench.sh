#!/bin/sh
# letters-bench.sh — kaa-gen letters against WeasyPrint, the peer a
# municipality would otherwise script, on the same roster and template.
#
#   sh bench/letters-bench.sh            (about 4 minutes; BENCH_QUICK=1: 3)
#
# 1. Makes a 10,000-row roster (the register's CSV, no guardian columns, so
#    one letter per row) from the test personnummer in
#    tests/data/testpersonnummer.txt aged 16-19 on the letter's date, repeated,
#    with made-up names and addresses; the 1,000-row roster is its first
#    1,000 rows.
# 2. One run of each under /usr/bin/time -v, for peak RSS: kaa-gen letters
#    for 1,000 and 10,000 letters, and bench/letters-weasy.py (WeasyPrint,
#    the same letter from equivalent HTML and CSS: A4, the same fonts, sizes
#    and blocks) for 1,000. It also checks the outputs: pages (pdfinfo) and
#    kaa-gen's letters (utskick.csv), and warms the caches.
# 3. Times each with hyperfine, a whole run every time (parse + lay out +
#    write), into an output removed before each run: kaa-gen 10,000: 5 runs,
#    kaa-gen 1,000: 10 runs, each after 1 warm-up; WeasyPrint 1,000: 2 runs
#    (1 with BENCH_QUICK=1). The outputs of the last runs are checked again.
# 4. Prints the machine, the versions, a table (median wall, letters/s, peak
#    RSS, pages) and the ratios against the issue's targets.
#
# Env: N (10000) and N_SMALL (1000) letters, KAA_GEN (build/bin/kaa-gen), CONF (conf/exempelkommun.ini), LETTER_DATE
#      (2026-12-02), BENCH_QUICK, WEASY_ONE_DOC=1 (the peer as one HTML
#      document: see letters-weasy.py), WAIT_QUIET (60: seconds to wait for
#      an idle machine before each measurement).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
KAA_GEN=${KAA_GEN:-$ROOT/build/bin/kaa-gen}
CONF=${CONF:-$ROOT/conf/exempelkommun.ini}
CONTENT=$ROOT/content
KIND=forsta-kontakt
DATE=${LETTER_DATE:-2026-12-02}
PY=/usr/bin/python3          # Debian's: python3-weasyprint lives there
N_BIG=${N:-10000}
N_SMALL=${N_SMALL:-1000}
RUNS_BIG=5
RUNS_SMALL=10
WEASY_RUNS=2
[ "${BENCH_QUICK:-}" = 1 ] && WEASY_RUNS=1
WEASY_OPT=""
[ "${WEASY_ONE_DOC:-}" = 1 ] && WEASY_OPT=--one-document

# The peer and the tools come from Debian, installed when missing.
missing=""
for p in hyperfine time weasyprint cmark poppler-utils python3; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	echo "letters-bench: installing:$missing"
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
fi
for t in hyperfine cmark pdfinfo weasyprint $PY /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 || { echo "letters-bench: $t is missing" >&2; exit 1; }
done
[ -x "$KAA_GEN" ] || { echo "letters-bench: build kaa-gen first (make)" >&2; exit 1; }

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM

# --- the machine ----------------------------------------------------------
echo "# letters-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname): $(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)), $(uname -r), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "# kaa-gen $KAA_GEN (built $(date -u -r "$KAA_GEN" +%Y-%m-%dT%H:%MZ), tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')); cairo $(dpkg-query -W -f='${Version}' libcairo2), pango $(dpkg-query -W -f='${Version}' libpango-1.0-0)"
echo "# $(weasyprint --version) (python $("$PY" -c 'import platform; print(platform.python_version())')${WEASY_OPT:+, $WEASY_OPT}); $(cmark --version | head -1); $(hyperfine --version); $(pdfinfo -v 2>&1 | head -1)"
echo "# letters: --kind $KIND, template content/letters/$KIND.md, $(basename "$CONF"), dated $DATE; work dir on $(df -P "$W" | awk 'NR==2{print $1}') ($(findmnt -n -o FSTYPE -T "$W" 2>/dev/null || stat -f -c %T "$W"))"

# --- the roster ----------------------------------------------------------
PYTHONPATH=$HERE "$PY" - "$ROOT/tests/data/testpersonnummer.txt" "$W/roster-$N_BIG.csv" \
	"$N_BIG" "$DATE" <<'EOF'
import datetime, random, sys
from names import FIRST, LAST, test_pnrs

src, out, n, date = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
day = datetime.date.fromisoformat(date)


def age(p):
    born = (int(p[4:6]), int(p[6:8]))
    return day.year - int(p[:4]) - ((day.month, day.day) < born)


pnrs = test_pnrs(src)
pnrs = [p for p in pnrs if 16 <= age(p) <= 19]
if not pnrs:
    sys.exit("letters-bench: no test personnummer aged 16-19 on " + date)
STREETS = ["Storgatan", "Kyrkogatan", "Skolgatan", "Björkvägen", "Ekvägen",
           "Tallvägen", "Ängsvägen", "Åsvägen", "Sjövägen", "Parkgatan",
           "Järnvägsgatan", "Nygatan", "Västra vägen", "Östra Långgatan",
           "Lärkstigen", "Hagtornsgatan", "Solrosvägen", "Mossvägen"]
TOWNS = [("12345", "Exempelstad"), ("12346", "Exempelstad"),
         ("12350", "Exempelstad"), ("12360", "Norrby"), ("12371", "Söderby"),
         ("12380", "Åby"), ("12390", "Älvsby"), ("12391", "Östra Exempelby"),
         ("12392", "Västerhamn"), ("12393", "Bruksvik")]
rnd = random.Random(20261202)
with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("personnummer;förnamn;efternamn;c/o;utdelningsadress;"
            "postnummer;postort\n")
    for i in range(n):
        co = rnd.choice(LAST) if rnd.random() < 0.05 else ""
        street = f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}"
        if rnd.random() < 0.4:
            street += f" lgh {rnd.randint(1001, 1503)}"
        postcode, town = rnd.choice(TOWNS)
        f.write(";".join([pnrs[i % len(pnrs)], rnd.choice(FIRST),
                          rnd.choice(LAST), co, street, postcode, town]) + "\n")
print(f"# roster: {n} rows from {len(pnrs)} test personnummer aged 16-19 on {date}, "
      f"{len(FIRST)} first names, {len(LAST)} last names")
EOF
head -n $((N_SMALL + 1)) "$W/roster-$N_BIG.csv" >"$W/roster-$N_SMALL.csv"

# --- helpers --------------------------------------------------------------
pages() { pdfinfo "$1" | awk '/^Pages:/{print $2}'; }
fail() { echo "letters-bench: $*" >&2; exit 1; }

kaa_cmd() {   # N: the command line for N letters into $W/k$N
	echo "$KAA_GEN letters -c $CONF -i $CONTENT --kind $KIND --roster $W/roster-$1.csv --out $W/k$1 --date $DATE"
}
WEASY_CMD="$PY $HERE/letters-weasy.py $WEASY_OPT $CONF $CONTENT/letters/$KIND.md $W/roster-$N_SMALL.csv $DATE $W/w$N_SMALL.pdf"

# kaa-gen's output for N rows: N letters in utskick.csv, about 2 pages each
check_kaa() {
	n=$(($(wc -l <"$W/k$1/utskick.csv") - 1))
	[ "$n" = "$1" ] || fail "kaa-gen $1: utskick.csv lists $n letters"
	p=$(pages "$W/k$1/brev.pdf")
	[ "$p" -ge "$1" ] && [ "$p" -le $(($1 * 3)) ] || fail "kaa-gen $1: $p pages"
	echo "$p"
}
check_weasy() {
	p=$(pages "$W/w$N_SMALL.pdf")
	[ "$p" -ge "$N_SMALL" ] && [ "$p" -le $((N_SMALL * 3)) ] || fail "WeasyPrint: $p pages"
	echo "$p"
}

# --- peak memory, and the outputs checked --------------------------------
echo "# peak memory runs; machine busy before: $(wait_quiet)"
for n in $N_SMALL $N_BIG; do
	/usr/bin/time -v -o "$W/k$n.time" $(kaa_cmd $n) >/dev/null 2>"$W/k$n.err" ||
		{ cat "$W/k$n.err" >&2; fail "kaa-gen letters failed for $n rows"; }
	check_kaa $n >/dev/null
	rm -rf "$W/k$n"
done
/usr/bin/time -v -o "$W/w.time" $WEASY_CMD >/dev/null 2>"$W/w.err" ||
	{ cat "$W/w.err" >&2; fail "letters-weasy.py failed"; }
check_weasy >/dev/null

# --- timing ----------------------------------------------------------------
echo "# kaa-gen timing; machine busy before: $(wait_quiet)"
hyperfine --style basic --warmup 1 --runs $RUNS_BIG --prepare "rm -rf $W/k$N_BIG" \
	--export-json "$W/k$N_BIG.json" -n "kaa-gen $N_BIG" "$(kaa_cmd $N_BIG)" >"$W/k$N_BIG.log" 2>&1
hyperfine --style basic --warmup 1 --runs $RUNS_SMALL --prepare "rm -rf $W/k$N_SMALL" \
	--export-json "$W/k$N_SMALL.json" -n "kaa-gen $N_SMALL" "$(kaa_cmd $N_SMALL)" >"$W/k$N_SMALL.log" 2>&1
kp_big=$(check_kaa $N_BIG)
kp_small=$(check_kaa $N_SMALL)
echo "# WeasyPrint timing; machine busy before: $(wait_quiet)"
hyperfine --style basic --runs $WEASY_RUNS --prepare "rm -f $W/w$N_SMALL.pdf" \
	--export-json "$W/w.json" -n "WeasyPrint $N_SMALL" "$WEASY_CMD" >"$W/w.log" 2>&1
wp=$(check_weasy)

# --- the table ---------------------------------------------------------------
ks=$(median "$W/k$N_SMALL.json"); kb=$(median "$W/k$N_BIG.json"); ws=$(median "$W/w.json")
kms=$(rss_mib "$W/k$N_SMALL.time"); kmb=$(rss_mib "$W/k$N_BIG.time"); wm=$(rss_mib "$W/w.time")
echo
echo "| letters into one PDF | letters | median wall | letters/s | peak RSS | pages |"
echo "| --- | --- | --- | --- | --- | --- |"
row() { awk -v l="$1" -v n="$2" -v t="$3" -v m="$4" -v p="$5" \
	'BEGIN{printf "| %s | %d | %.3f s | %.0f | %.1f MiB | %d |\n", l, n, t, n/t, m, p}'; }
row "kaa-gen letters" $N_SMALL "$ks" "$kms" "$kp_small"
row "kaa-gen letters" $N_BIG "$kb" "$kmb" "$kp_big"
row "WeasyPrint (letters-weasy.py)" $N_SMALL "$ws" "$wm" "$wp"
echo
awk -v ns=$N_SMALL -v nb=$N_BIG -v ks="$ks" -v kb="$kb" -v ws="$ws" \
	-v kms="$kms" -v kmb="$kmb" -v wm="$wm" 'function mark(ok) { return ok ? "met" : "NOT met" }
BEGIN {
	w = ns / ws
	r = (ns / ks) / w; printf "kaa-gen %d letters/s / WeasyPrint letters/s: %.0fx (target >= 50x): %s\n", ns, r, mark(r >= 50)
	r = (nb / kb) / w; printf "kaa-gen %d letters/s / WeasyPrint letters/s: %.0fx (target >= 50x): %s\n", nb, r, mark(r >= 50)
	printf "kaa-gen %d letters in one PDF: %.2f s (target < 6 s): %s\n", nb, kb, mark(kb < 6)
	r = kms / wm; printf "peak RSS kaa-gen %d / WeasyPrint %d: %.3f, 1/%.0f (target <= 1/10): %s\n", ns, ns, r, 1 / r, mark(r <= 0.1)
	r = kmb / wm; printf "peak RSS kaa-gen %d / WeasyPrint %d: %.3f, 1/%.0f (target <= 1/10): %s\n", nb, ns, r, 1 / r, mark(r <= 0.1)
}'
echo "runs: kaa-gen $N_BIG: $RUNS_BIG, kaa-gen $N_SMALL: $RUNS_SMALL (each after 1 warm-up); WeasyPrint: $WEASY_RUNS (after the peak memory run); spread:"
for f in k$N_SMALL k$N_BIG w; do
	printf '  %-7s' "$f"; grep -h 'Time (' "$W/$f.log" | sed 's/^ *Time ([^)]*): *//'
done
