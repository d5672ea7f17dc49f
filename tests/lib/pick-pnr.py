#!/usr/bin/env python3
"""Prints a test personnummer (from tests/data) of someone aged AGE today.

usage: pick-pnr.py AGE [N]   (N: how many, default 1)
Ages are computed at run time so the tests keep working as the years pass."""
import datetime, os, sys

def age(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

want, n = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1
today = datetime.date.today()
here = os.path.dirname(os.path.abspath(__file__))
found = []
for line in open(os.path.join(here, "..", "data", "testpersonnummer.txt")):
    p = line.strip()
    if not p or p.startswith("#"):
        continue
    born = datetime.date(int(p[:4]), int(p[4:6]), int(p[6:8]))
    if age(born, today) == want:
        found.append(p)
if len(found) < n:
    sys.exit(f"pick-pnr: only {len(found)} test personnummer of age {want}")
print("\n".join(found[:n]))
