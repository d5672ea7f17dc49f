#!/bin/sh
# tests/man-check.sh — `make man-check`: the man pages in docs/man/.
#   sh tests/man-check.sh [BINDIR]        (default build/bin)
# Each page must format without a warning (man --warnings; mandoc -T lint
# too when mandoc is installed), and must not drift from the code: every
# command, synopsis, option line and option the programs' own usage prints
# (`kaa-inbox help`, `kaa-inbox help CMD`, `kaa-gen help`, `kaa-fcgi -h`)
# must appear in the formatted page, and every --long option the page
# names must be one the program's usage knows.
set -u
# kaa-inbox's messages in English (the checks read them) whatever the
# machine's language; still UTF-8.
export LC_ALL=C.UTF-8; unset LANGUAGE
bin=${1:-build/bin}
dir=${KAA_MAN_DIR:-$(dirname "$0")/../docs/man}   # another copy of the pages: for testing this script
passed=0 failed=0
T=$(mktemp -d /tmp/kaa-man-check.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL man-check: $*"; }
squeeze() { tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'; }

# lint PAGE: groff's warnings (man-db prints them on stderr) and mandoc's.
lint() {
	if ! man --warnings -E UTF-8 -l "$1" > /dev/null 2> "$T/lint"; then
		fail "$1: man cannot format it"; cat "$T/lint"
	elif [ -s "$T/lint" ]; then
		fail "$1: man --warnings:"; cat "$T/lint"
	else
		pass
	fi
	command -v mandoc > /dev/null || return 0
	if mandoc -T lint -W warning "$1" > "$T/lint" 2>&1 && [ ! -s "$T/lint" ]; then
		pass
	else
		fail "$1: mandoc -T lint -W warning:"; cat "$T/lint"
	fi
}

# text PAGE: the page as plain text on one line, one space between words:
# no hyphenation, lines too long to wrap, no bold or underline.
text() {
	preconv -e UTF-8 "$1" | groff -man -Tascii -rLL=4000n -rHY=0 -P-cbou \
	    2> /dev/null | squeeze
}

# has TEXTFILE WHAT STRING: STRING (spaces squeezed) is in the page's text.
has() {
	want=$(printf '%s' "$3" | squeeze)
	if [ -z "$want" ]; then
		fail "$2: nothing parsed from the usage"
	elif grep -qF -- "$want" "$1"; then
		pass
	else
		fail "$2 not in the page: $want"
	fi
}

# options FILE: the options named in a usage text, one a line: -x or
# --long after a space, bracket, parenthesis, bar or dot (so not the
# "-MM" of YYYY-MM-DD nor the "-service" of e-service).
options() {
	grep -oE '(^|[][ (|.])--?[A-Za-z][A-Za-z0-9-]*' "$1" |
	    sed 's/^[][ (|.]//' | sort -u
}

# tokens PAGETEXT USAGE: every option of the usage is a word of the page.
tokens() {
	for o in $(options "$2"); do
		if grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" "$1"; then
			pass
		else
			fail "$(basename "$1" .txt): option $o not in the page"
		fi
	done
}

# known PAGETEXT USAGE EXTRA...: every --long option the page names is in
# the usage (or EXTRA: accepted but not printed there), so a page cannot
# keep an option the code has dropped.
known() {
	page=$1 usage=$2; shift 2
	for o in $(grep -oE '(^|[^A-Za-z0-9-])--[a-z][a-z0-9-]*' "$page" |
	    sed 's/^[^-]//' | sort -u); do
		if options "$usage" | grep -qxF -- "$o" ||
		    printf '%s\n' "$@" | grep -qxF -- "$o"; then
			pass
		else
			fail "$(basename "$page" .txt): names $o, which the usage does not"
		fi
	done
}

# usage PROGRAM ARGS... > FILE: the usage, which must exit 0.
usage() {
	prog=$1; shift
	if ! "$bin/$prog" "$@"; then
		fail "$prog $*: exit status not 0"
		return 1
	fi
}

for p in kaa-inbox.1 kaa-gen.1 kaa-fcgi.8; do
	if [ -f "$dir/$p" ]; then
		lint "$dir/$p"
		text "$dir/$p" > "$T/${p%.*}.txt"
	else
		fail "$dir/$p is missing"
		: > "$T/${p%.*}.txt"
	fi
done
for p in kaa-inbox kaa-gen kaa-fcgi; do
	[ -x "$bin/$p" ] || { fail "$bin/$p is missing (build it first)"; }
done

# --- kaa-inbox: each command's synopsis, option lines and options ---------
page=$T/kaa-inbox.txt
if usage kaa-inbox help > "$T/inbox-help"; then
	tokens "$page" "$T/inbox-help"
	cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p' "$T/inbox-help")
	[ -n "$cmds" ] || fail "kaa-inbox help: no commands parsed"
	: > "$T/inbox-all"
	for c in $cmds; do
		usage kaa-inbox help "$c" > "$T/inbox-$c" || continue
		cat "$T/inbox-$c" >> "$T/inbox-all"
		# the synopsis: "usage: " to the first empty line
		has "$page" "kaa-inbox $c: synopsis" \
		    "$(sed -n '/^usage: /,/^$/p' "$T/inbox-$c" | sed 's/^usage: //')"
		# "  -s, --secret FILE      secret key file" -> "-s, --secret FILE";
		# the argument is the next word if in capitals or followed by two
		# spaces (a long option may leave one space before its help)
		sed -n '/^options:/,$p' "$T/inbox-$c" | sed -n \
		    -e 's/^  \{1,6\}\(-[^ ]*\(, --[^ ]*\)\{0,1\} [A-Z][A-Z_]*\)\( .*\)\{0,1\}$/\1/p' \
		    -e 't' \
		    -e 's/^  \{1,6\}\(-[^ ]*\(, --[^ ]*\)\{0,1\}\( [^ ]\{1,\}\)\{0,1\}\)  .*/\1/p' \
		    > "$T/optlines"
		[ -s "$T/optlines" ] || fail "kaa-inbox help $c: no option lines parsed"
		while IFS= read -r l; do
			has "$page" "kaa-inbox $c: option" "$l"
		done < "$T/optlines"
		tokens "$page" "$T/inbox-$c"
		# the page says --help prints the same as help COMMAND
		if "$bin/kaa-inbox" "$c" --help 2>&1 | cmp -s - "$T/inbox-$c"; then
			pass
		else
			fail "kaa-inbox $c --help differs from kaa-inbox help $c"
		fi
	done
	known "$page" "$T/inbox-all"
fi

# --- kaa-gen: each command's synopsis and options --------------------------
page=$T/kaa-gen.txt
if usage kaa-gen help > "$T/gen-help"; then
	# A synopsis starts "  kaa-gen CMD"; lines indented 10 continue it.
	awk '/^  kaa-gen / { if (s != "") print s; sub(/^  /, ""); s = $0; next }
	     /^          [^ ]/ && s != "" { sub(/^ +/, ""); s = s " " $0; next }
	     { if (s != "") print s; s = "" }
	     END { if (s != "") print s }' "$T/gen-help" > "$T/gen-syn"
	[ "$(wc -l < "$T/gen-syn")" -ge 2 ] || fail "kaa-gen help: synopses not parsed"
	while IFS= read -r s; do
		has "$page" "kaa-gen $(echo "$s" | cut -d' ' -f2): synopsis" "$s"
	done < "$T/gen-syn"
	tokens "$page" "$T/gen-help"
	# -h and --help work as the first argument; the usage does not say so.
	known "$page" "$T/gen-help" --help
fi

# --- kaa-fcgi: the synopsis, option lines and options -----------------------
page=$T/kaa-fcgi.txt
if usage kaa-fcgi -h > "$T/fcgi-help"; then
	has "$page" "kaa-fcgi: synopsis" "$(sed -n 's/^usage: //p' "$T/fcgi-help")"
	# "  -s SOCKET   unix socket ..." -> "-s SOCKET"
	sed -n 's/^  \(-[A-Za-z] [A-Z_]\{1,\}\)  .*/\1/p' "$T/fcgi-help" > "$T/optlines"
	[ -s "$T/optlines" ] || fail "kaa-fcgi -h: no option lines parsed"
	while IFS= read -r l; do
		has "$page" "kaa-fcgi: option" "$l"
	done < "$T/optlines"
	tokens "$page" "$T/fcgi-help"
	known "$page" "$T/fcgi-help"
fi

# --- every page has its sections --------------------------------------------
for p in kaa-inbox kaa-gen kaa-fcgi; do
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS FILES ENVIRONMENT \
	    "EXIT STATUS" SECURITY EXAMPLES "SEE ALSO"; do
		if grep -q "^\.SH \"\{0,1\}$s\"\{0,1\}\$" "$dir/$p".[18] 2>/dev/null; then
			pass
		else
			fail "$p: no section $s"
		fi
	done
done

echo "man-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
