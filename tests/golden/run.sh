#!/bin/sh
# Golden-file tests for kaa-gen.  Usage: sh tests/golden/run.sh [KAA_GEN]
#
# Each directory tests/golden/<case>/ holds the input of one build:
#   content/      Markdown
#   conf.ini      municipality configuration   } taken from basic/ when
#   site/         layout.html and assets/       } the case has none
# and what must come out:
#   expected/     files the build must produce, diffed with `diff -r`
#                 (expected/out is the site, expected/shell the e-service
#                 shell), and/or
#   expected-stderr   the exact error output of a build that must fail
#                 (exit status 1)
# The case is copied to a scratch directory and built there with
#   kaa-gen site -c conf.ini -i content -t site -o out
#
# After the cases, the incremental build is tested on basic/: a second build
# writes nothing, a changed body rewrites exactly that page, and a changed
# menu title rewrites exactly the pages that show that menu.
#
# UPDATE=1 rewrites expected/ and expected-stderr from the current output
# (review the diff before committing). VALGRIND=1 runs every build under
# valgrind and fails on any error or leak.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
GEN=${1:-$HERE/../../build/bin/kaa-gen}
case $GEN in /*) ;; *) GEN=$(pwd)/$GEN ;; esac
[ -x "$GEN" ] || { echo "golden: no kaa-gen at $GEN (run make)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/kaa-golden.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failed=0
ncase=0

gen() {
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --leak-check=full --show-leak-kinds=all \
			--errors-for-leak-kinds=all --error-exitcode=99 \
			"$GEN" "$@"
	else
		"$GEN" "$@"
	fi
}

fail() {
	echo "FAIL golden: $*"
	failed=1
}

# build CASE DIR: copies the case into DIR and builds it; sets rc.
build() {
	mkdir -p "$2"
	cp -R "$1/content" "$2/"
	for f in conf.ini site; do
		if [ -e "$1/$f" ]; then cp -R "$1/$f" "$2/"
		else cp -R "$HERE/basic/$f" "$2/"; fi
	done
	(cd "$2" && gen site -c conf.ini -i content -t site -o out \
		>stdout 2>stderr)
	rc=$?
}

for c in "$HERE"/*/; do
	c=${c%/}
	name=$(basename "$c")
	[ -d "$c/content" ] || continue
	ncase=$((ncase + 1))
	d=$WORK/$name
	build "$c" "$d"
	if [ -f "$c/expected-stderr" ] || { [ -n "${UPDATE:-}" ] && [ $rc -ne 0 ]; }; then
		if [ -n "${UPDATE:-}" ]; then
			cp "$d/stderr" "$c/expected-stderr"
		fi
		[ $rc -eq 1 ] || fail "$name: exit status $rc, want 1"
		diff -u "$c/expected-stderr" "$d/stderr" ||
			fail "$name: stderr differs"
	else
		[ $rc -eq 0 ] || { fail "$name: exit status $rc"; cat "$d/stderr"; }
		[ -s "$d/stderr" ] && { fail "$name: wrote to stderr"; cat "$d/stderr"; }
		grep -q '^kaa-gen: [0-9]* pages built, [0-9]* files written, 0 unchanged, [0-9]* ms$' \
			"$d/stdout" || fail "$name: summary line: $(cat "$d/stdout")"
	fi
	if [ -n "${UPDATE:-}" ] && [ $rc -eq 0 ]; then
		rm -rf "$c/expected"
		mkdir -p "$c/expected"
		cp -R "$d/out" "$c/expected/out"
		[ -d "$d/shell" ] && cp -R "$d/shell" "$c/expected/shell"
	fi
	if [ -d "$c/expected" ]; then
		for e in "$c/expected"/*; do
			diff -r -u "$e" "$d/$(basename "$e")" ||
				fail "$name: $(basename "$e") differs"
		done
	fi
done
[ $ncase -gt 0 ] || fail "no cases found"

# --- threads: more threads than pages, and one, give the same site -------
for j in 1 16; do
	d=$WORK/threads-$j
	mkdir -p "$d"
	cp -R "$HERE/basic/content" "$HERE/basic/conf.ini" "$HERE/basic/site" "$d/"
	(cd "$d" && gen site -c conf.ini -i content -t site -o out -j $j \
		>stdout 2>stderr) || fail "threads: -j $j failed: $(cat "$d/stderr")"
	diff -r -u "$HERE/basic/expected/out" "$d/out" >/dev/null ||
		fail "threads: -j $j built another site"
done

# --- incremental builds on basic/ -----------------------------------------
inodes() { (cd "$1/out" && find . -type f -exec stat -c '%i %n' {} + | sort -k2); }
changed() { join -1 2 -2 2 "$1" "$2" | awk '$2 != $3 { print $1 }' | sort; }
summary_written() { sed -n 's/.* built, \([0-9]*\) files written.*/\1/p' "$1/stdout"; }

d=$WORK/incremental
build "$HERE/basic" "$d"
[ $rc -eq 0 ] || fail "incremental: first build failed"
inodes "$d" >"$d/i1"
(cd "$d" && gen site -c conf.ini -i content -t site -o out >stdout 2>stderr) ||
	fail "incremental: second build failed"
[ "$(summary_written "$d")" = 0 ] ||
	fail "incremental: second build wrote files: $(cat "$d/stdout")"
inodes "$d" >"$d/i2"
[ -z "$(changed "$d/i1" "$d/i2")" ] || fail "incremental: files replaced"

# A body change: only that page.
printf '\nEn rad till.\n' >>"$d/content/unga/arbete.md"
(cd "$d" && gen site -c conf.ini -i content -t site -o out >stdout 2>stderr) ||
	fail "incremental: third build failed"
inodes "$d" >"$d/i3"
got=$(changed "$d/i2" "$d/i3" | tr '\n' ' ')
[ "$got" = "./unga/arbete/index.html " ] ||
	fail "incremental: body change rewrote: $got"
[ "$(summary_written "$d")" = 1 ] ||
	fail "incremental: body change: $(cat "$d/stdout")"

# A menu title: every Swedish page (they show the menu; so do the built-in
# 400, 401, 403, 413, 414, 429 and 50x pages) and the shell, but not the
# English pages, the sitemap or the assets.
sed -i 's/^title: Kontakt$/title: Kontakta oss/' "$d/content/kontakt.md"
(cd "$d" && gen site -c conf.ini -i content -t site -o out >stdout 2>stderr) ||
	fail "incremental: fourth build failed"
inodes "$d" >"$d/i4"
got=$(changed "$d/i3" "$d/i4" | tr '\n' ' ')
want="./400.html ./401.html ./403.html ./404.html ./413.html ./414.html ./429.html ./50x.html ./index.html ./kontakt/index.html ./skolor/index.html ./unga/arbete/index.html ./unga/index.html ./unga/ovrigt/index.html ./unga/stod/index.html "
[ "$got" = "$want" ] || fail "incremental: menu change rewrote: $got"
[ "$(summary_written "$d")" = 16 ] ||   # the 15 pages and the shell
	fail "incremental: menu change: $(cat "$d/stdout")"

# A build from another working directory, with -o from the conf.
(cd / && gen site -c "$d/conf.ini" -i "$d/content" -t "$d/site" >"$d/stdout" 2>&1) ||
	fail "incremental: build from / failed: $(cat "$d/stdout")"
[ -f "$d/out/index.html" ] || fail "conf's site.output not used"

# The real content builds for both shipped municipalities, each with its own
# contact details in the pages and its own e-service links.
for kommun in exempelkommun:08-465 provstad:031-390; do
	id=${kommun%%:*} phone=${kommun#*:}
	o=$(mktemp -d /tmp/kaa-golden-site.XXXXXX)
	sed -e "s|^output *=.*|output = $o/site|" -e "s|^layout *=.*|layout = $o/shell.html|" \
		"conf/$id.ini" > "$o/conf.ini"
	if gen site -c "$o/conf.ini" -i content -t site >"$o/stdout" 2>&1 &&
	   grep -q "$phone" "$o/site/kontakt/index.html" &&
	   grep -q "/e-tjanst/$id/sysselsattning" "$o/site/index.html" &&
	   grep -q '{{page.title}}' "$o/shell.html"; then
		:
	else
		fail "the real site for $id: $(cat "$o/stdout")"
	fi
	# The real layout speaks the page's language: Swedish pages and the
	# shell in Swedish with a link to English, English pages in English
	# with a link back; the special pages in Swedish, with the phone.
	for f in index.html unga/index.html 429.html ../shell.html; do
		grep -q 'class="skip-link" href="#innehall">Gå direkt till innehållet<' "$o/site/$f" &&
		grep -q 'aria-label="Huvudmeny"' "$o/site/$f" &&
		grep -q '<a href="/en/" lang="en" hreflang="en">In English</a>' "$o/site/$f" &&
		! grep -q 'Skip to content' "$o/site/$f" ||
			fail "the real site for $id: $f is not all Swedish"
	done
	for f in en/index.html en/help/index.html; do
		grep -q '^<html lang="en">' "$o/site/$f" &&
		grep -q 'class="skip-link" href="#innehall">Skip to content<' "$o/site/$f" &&
		grep -q 'aria-label="Main menu"' "$o/site/$f" &&
		grep -q '<a href="/" lang="sv" hreflang="sv">På svenska</a>' "$o/site/$f" &&
		grep -q 'hreflang="sv">Accessibility of this website (in Swedish)<' "$o/site/$f" &&
		! grep -q -e 'Gå direkt' -e 'Huvudmeny' -e 'In English</a>' "$o/site/$f" ||
			fail "the real site for $id: $f is not in English"
	done
	for f in 400.html 401.html 403.html 413.html 414.html 429.html 50x.html; do
		grep -q '^<html lang="sv">' "$o/site/$f" || fail "the real site for $id: no $f"
		grep -q "$f" "$o/site/sitemap.xml" && fail "the real site for $id: $f in the sitemap"
	done
	for f in 400.html 401.html 403.html 50x.html; do
		grep -q "$phone" "$o/site/$f" || fail "the real site for $id: $f lacks the phone"
	done
	rm -rf "$o"
done

if [ $failed -eq 0 ]; then
	echo "golden: $ncase cases, -j 1 and -j 16, the incremental build and both municipalities' sites passed"
fi
exit $failed
