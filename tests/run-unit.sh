#!/bin/sh
# Runs the Check unit test binaries given as arguments; fails if any fails.
# VALGRIND=1: each runs unforked under valgrind, failing on any error or leak.
set -u
failed=0
for t in "$@"; do
	if [ -n "${VALGRIND:-}" ]; then
		KAA_VALGRIND=1 CK_FORK=no CK_DEFAULT_TIMEOUT=600 valgrind -q --leak-check=full \
			--suppressions="$(dirname "$0")/valgrind.supp" \
			--show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
			--error-exitcode=99 "$t" || { echo "FAIL (valgrind): $t"; failed=1; }
	else
		"$t" || { echo "FAIL: $t"; failed=1; }
	fi
done
exit $failed
