#!/bin/sh
# tests/browser/run.sh — `make browser`: the tests a person's browser would
# notice, against the real nginx + kaa-fcgi on loopback:
#   tests/browser/form.test.mjs  the youth form by its labels, keyboard, no JS
#   tests/browser/school.test.mjs  the school form: every reason, keyboard, no JS
#   tests/browser/a11y.test.mjs  axe-core, lang, skip link, focus, 320 px, print
#   tests/browser/vnu.test.mjs   the Nu HTML checker over every page
#   tests/lix/lix.test.mjs       LIX of the youth pages (≤ 40)
# Needs: chromium (Debian), java (default-jre-headless), node and the npm
# packages pinned in package-lock.json (installed by `make deps`).
# Exits non-zero if anything fails. KAA_KEEP_TMP=1 keeps the server's files.
set -u
cd "$(dirname "$0")/../.." || exit 1
KAA_TOP=$(pwd)

for need in node java; do
	command -v "$need" >/dev/null 2>&1 ||
		{ echo "browser: $need is missing (run: make deps)" >&2; exit 1; }
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
	{ echo "browser: ${CHROMIUM:-/usr/bin/chromium} is missing (run: make deps)" >&2; exit 1; }
# The npm packages, exactly as locked (scripts/deps.sh owns installing them).
[ -f node_modules/playwright-core/package.json ] && [ -f node_modules/axe-core/axe.min.js ] &&
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] ||
	{ echo "browser: npm packages are missing (run: make deps)" >&2; exit 1; }

. "$KAA_TOP/tests/lib/server.sh"
# The demo region: the host's site and youth form, and the region's school
# form (KAA_SCHOOL_URL).
kaa_region_start || { echo "browser: the test server did not start" >&2; exit 1; }
# Also stop the server when our output pipe closes (run.sh | head) or the
# terminal hangs up: exiting from a trap runs the EXIT trap that stops it.
trap 'exit 141' PIPE
trap 'exit 129' HUP
echo "browser: site $KAA_URL/ (built in $KAA_SITE_DIR), forms $KAA_FORM_URL $KAA_SCHOOL_URL"

# One test file per process, run side by side; each launches one browser.
# Arguments, if any, name the test files to run instead of all of them.
[ $# -gt 0 ] || set -- tests/browser/*.test.mjs tests/lix/*.test.mjs
node --test --test-reporter=spec "$@"
rc=$?
[ $rc -eq 0 ] && echo "browser: all passed" || echo "browser: FAILED" >&2
exit $rc
