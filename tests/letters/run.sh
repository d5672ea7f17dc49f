#!/bin/sh
# tests/letters/run.sh — `make letters`: kaa-gen letters checked with
# poppler-utils (pdfinfo, pdffonts, pdftotext). See check.py.
#   sh tests/letters/run.sh [KAA_GEN]
set -u
cd "$(dirname "$0")/../.." || exit 1
gen=${1:-build/bin/kaa-gen}
for need in pdfinfo pdffonts pdftotext python3; do
	command -v "$need" >/dev/null 2>&1 ||
		{ echo "letters: $need is missing (run: make deps)" >&2; exit 1; }
done
exec python3 tests/letters/check.py "$gen"
