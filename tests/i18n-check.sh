#!/bin/sh
# tests/i18n-check.sh — `make i18n-check`: kaa-inbox in Swedish.
#   sh tests/i18n-check.sh [BINDIR]        (default build/bin)
# po/sv.po is complete (no untranslated or fuzzy message) and its format
# strings match; po/kaa-inbox.pot has exactly the messages of the sources
# now (so a new English string cannot slip in untranslated); with
# LANG=sv_SE.UTF-8 the usage, every command's help and the errors are in
# Swedish (also lib/'s error texts), and with LC_ALL=C in English. Needs
# gettext and the sv_SE.UTF-8 locale (scripts/deps.sh).
set -u
bin=${1:-build/bin}
top=$(dirname "$0")/..
passed=0 failed=0
T=$(mktemp -d /tmp/kaa-i18n-check.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL i18n-check: $*"; }
# check WHAT COMMAND...: passes if COMMAND succeeds.
check() { what=$1; shift; if "$@"; then pass; else fail "$what"; fi; }

# kaa-inbox in Swedish (LANG only, as a coordinator's session sets it) or
# in the C locale.
sv() { env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=sv_SE.UTF-8 "$bin/kaa-inbox" "$@"; }
en() { env -u LANGUAGE LC_ALL=C "$bin/kaa-inbox" "$@"; }

# --- the catalogue ----------------------------------------------------------
if msgfmt --check --statistics -o "$T/sv.mo" "$top/po/sv.po" 2> "$T/stat"; then
	pass
else
	fail "msgfmt --check po/sv.po:"; cat "$T/stat"
fi
if grep -q 'untranslated\|fuzzy' "$T/stat"; then
	fail "po/sv.po is not complete: $(cat "$T/stat")"
else
	pass
fi

# The template from the sources now, against po/kaa-inbox.pot (the same
# messages both ways) and po/sv.po (each translated). The sources: cli/,
# and each lib/ file that marks messages with N_() (the error texts
# kaa-inbox prints, e.g. inbox_strerror's; lib/ itself never translates).
lib_msgs=$(grep -l 'N_(' "$top"/lib/*.c | sort)
check "lib/ marks its error texts with N_()" test -n "$lib_msgs"
xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --add-comments=TRANSLATORS \
    -o "$T/now.pot" $(ls "$top"/cli/*.c | sort) $lib_msgs 2> "$T/xg" ||
	fail "xgettext over cli/*.c and lib/'s marked files: $(cat "$T/xg")"
# msgcmp DEF REF [OPTION]: every message of REF is in DEF (translated,
# unless OPTION is --use-untranslated); else the first few it lacks.
cmp_po() {
	if msgcmp ${3:-} "$1" "$2" > "$T/cmp" 2>&1; then
		pass
	else
		fail "$(basename "$1") lacks messages of $(basename "$2"):"
		grep -v 'this definition is similar' "$T/cmp" | head -5
	fi
}
cmp_po "$top/po/kaa-inbox.pot" "$T/now.pot" --use-untranslated   # new in the sources
cmp_po "$T/now.pot" "$top/po/kaa-inbox.pot" --use-untranslated   # gone from them
cmp_po "$top/po/sv.po" "$T/now.pot"

# --- kaa-inbox in Swedish ----------------------------------------------------
if ! locale -a 2> /dev/null | grep -qix 'sv_SE\.utf-\{0,1\}8'; then
	fail "the locale sv_SE.UTF-8 is not installed (scripts/deps.sh makes it)"
fi
# has FILE WHAT STRING: FILE has the line fragment STRING.
has() { if grep -qF -- "$3" "$1"; then pass; else fail "$2: no \"$3\" in:"; cat "$1"; fi; }

sv help > "$T/sv-help" 2>&1; rc=$?
check "LANG=sv_SE.UTF-8 kaa-inbox help: exit 0 (was $rc)" test "$rc" = 0
has "$T/sv-help" "help in Swedish" "användning: kaa-inbox KOMMANDO [flaggor]"
has "$T/sv-help" "help in Swedish" "Lösenfrasen läses från --passphrase-fd"
en help > "$T/en-help" 2>&1
has "$T/en-help" "help in English (LC_ALL=C)" "usage: kaa-inbox COMMAND [options]"
has "$T/en-help" "help in English (LC_ALL=C)" "The passphrase is read from --passphrase-fd"

# Every command's summary, description and option lines are translated: no
# such line of the English help is left as it is in the Swedish one.
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p' "$T/en-help")
check "kaa-inbox help: commands parsed" test -n "$cmds"
for c in $cmds; do
	grep "^  $c  " "$T/en-help" > "$T/line"
	if grep -qxFf "$T/line" "$T/sv-help"; then
		fail "the summary of $c is not translated: $(cat "$T/line")"
	else
		pass
	fi
	en help "$c" > "$T/en-$c"
	sv help "$c" > "$T/sv-$c"
	# the description's first line (after the synopsis) and each option's
	# first line with its help (a continuation may be the same: a name)
	awk 'p == 1 && NF { print; exit } /^$/ { p++ }' "$T/en-$c" > "$T/lines"
	sed -n '/^options:/,$p' "$T/en-$c" | grep '^  \{1,6\}-.*  [a-z]' >> "$T/lines"
	grep -xFf "$T/lines" "$T/sv-$c" > "$T/same"
	if [ -s "$T/same" ]; then
		fail "kaa-inbox help $c: lines not translated:"; cat "$T/same"
	else
		pass
	fi
done

# Errors: an unknown option, an unknown command, a missing key file.
sv list --no-such-option > /dev/null 2> "$T/err"; rc=$?
check "unknown option: exit 2 (was $rc)" test "$rc" = 2
has "$T/err" "unknown option in Swedish" \
    "kaa-inbox list: okänd flagga --no-such-option (se 'kaa-inbox help list')"
en list --no-such-option > /dev/null 2> "$T/err"
has "$T/err" "unknown option in English (LC_ALL=C)" \
    "kaa-inbox list: unknown option --no-such-option (see 'kaa-inbox help list')"
sv no-such-command > /dev/null 2> "$T/err"
has "$T/err" "unknown command in Swedish" "kaa-inbox: okänt kommando: no-such-command"
has "$T/err" "unknown command in Swedish, with the usage" "kommandon:"
en no-such-command > /dev/null 2> "$T/err"
has "$T/err" "unknown command in English (LC_ALL=C)" "kaa-inbox: unknown command: no-such-command"
sv show --inbox "$T/none.sqlite" K7Q2-9MXA-3FTB > "$T/out" 2> "$T/err"; rc=$?
check "show without --secret: exit 2 (was $rc)" test "$rc" = 2
has "$T/err" "a missing key file in Swedish" "kaa-inbox: show behöver --secret FILE och en referens"
check "the message is on stderr, nothing on stdout" test ! -s "$T/out"
en show --inbox "$T/none.sqlite" K7Q2-9MXA-3FTB 2> "$T/err"
has "$T/err" "a missing key file in English (LC_ALL=C)" "kaa-inbox: show needs --secret FILE and one reference"

# A message from lib/ (its error tables, translated where kaa-inbox prints
# them): a missing inbox file, and a wrong passphrase for a demo key.
sv list --inbox "$T/none.sqlite" > "$T/out" 2> "$T/err"; rc=$?
check "a missing inbox file: exit 1 (was $rc)" test "$rc" = 1
has "$T/err" "a missing inbox file in Swedish (lib/inbox.c)" \
    "kaa-inbox: $T/none.sqlite: kan inte öppna inkorgsfilen"
en list --inbox "$T/none.sqlite" 2> "$T/err"
has "$T/err" "a missing inbox file in English (LC_ALL=C)" \
    "kaa-inbox: $T/none.sqlite: cannot open the inbox file"
# An empty archive (pull makes it, then finds no inbox) and a demo key.
en pull --archive "$T/demo.archive" --municipality demo "$T/none.sqlite" \
    > /dev/null 2>&1
KAA_PASSPHRASE='demo words here' en keygen --kdf interactive \
    --secret "$T/demo.secret" --public "$T/demo.pub" > /dev/null 2>&1
check "the demo key and archive were made" test -s "$T/demo.secret" -a -s "$T/demo.archive"
(KAA_PASSPHRASE='other words'; export KAA_PASSPHRASE
	sv export --archive "$T/demo.archive" --secret "$T/demo.secret" \
	    --format csv > "$T/out" 2> "$T/err"
	echo $? > "$T/rc"
	en export --archive "$T/demo.archive" --secret "$T/demo.secret" \
	    --format csv > /dev/null 2> "$T/err-en")
check "a wrong passphrase: exit 1 (was $(cat "$T/rc"))" test "$(cat "$T/rc")" = 1
has "$T/err" "a wrong passphrase in Swedish (lib/key.c)" \
    "kaa-inbox: $T/demo.secret: fel lösenfras"
check "a wrong passphrase: nothing on stdout" test ! -s "$T/out"
has "$T/err-en" "a wrong passphrase in English (LC_ALL=C)" \
    "kaa-inbox: $T/demo.secret: wrong passphrase"

# LC_ALL wins over LANG, as everywhere.
env -u LANGUAGE LC_ALL=C LANG=sv_SE.UTF-8 "$bin/kaa-inbox" help > "$T/out" 2>&1
has "$T/out" "LC_ALL=C over LANG=sv_SE.UTF-8" "usage: kaa-inbox COMMAND [options]"

echo "i18n-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
