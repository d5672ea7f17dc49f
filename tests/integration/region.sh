#!/bin/sh
# The demo region (three municipalities, one school form) on the real nginx
# and kaa-fcgi; region.py drives it and reads the inboxes with kaa-inbox.
# KAA_BIN_DIR=build/san/bin runs the sanitizer build: any report fails.
set -u
# kaa-inbox's messages in English (the checks read them) whatever the
# machine's language; still UTF-8.
export LC_ALL=C.UTF-8; unset LANGUAGE
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/server.sh
KAA_BIN=${KAA_BIN_DIR:-build/bin}
case $KAA_BIN in /*) ;; *) KAA_BIN=$(pwd)/$KAA_BIN ;; esac
export KAA_BIN
. tests/lib/san.sh
kaa_san_init region
kaa_region_start || { echo "region: could not start the server"; exit 1; }
python3 tests/integration/region.py
rc=$?
if kaa_san_reports; then
	echo "FAIL region: sanitizer reports (above)"; rc=1
fi
exit $rc
