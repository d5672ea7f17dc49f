#!/usr/bin/env python3
"""Stopping kaa-fcgi while requests are on their way. Every request that
reached kaa-fcgi before the stop is answered in full: one whose first bytes
come only after the stop signal, and one still waiting in the socket's
queue because every worker was busy. A connection that never sends its
request does not keep the service from ending; new connections are
refused. Stops the server it is given. Prints one "ok"/"FAIL" line per
check and exits 1 on any failure.
usage: fcgi_stop.py SOCKET MASTER_PID FORM_PATH TIMEOUT"""
import os, signal, sys, time
from fcgi_client import begin, connect, record, status_of

SOCK, PID, FORM, TIMEOUT = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
failed = 0
GET = {"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM}

def check(desc, cond):
    global failed
    print(("ok   " if cond else "FAIL ") + desc)
    failed += 0 if cond else 1

def running(pid):
    """True while pid runs (a zombie waiting for its parent has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False

def answer(s):
    try:
        return status_of(s)
    except OSError:         # the connection was dropped
        return 0

with open(f"/proc/{PID}/task/{PID}/children") as f:
    workers = len(f.read().split())
wait = TIMEOUT * 4 + 10
late = connect(SOCK, timeout=wait)          # its request comes after the stop
# the other workers busy with bodies that never finish (answered 400 after
# the timeout), so what comes next waits in the socket's queue
stalled = []
for _ in range(workers - 1):
    s = connect(SOCK, {"REQUEST_METHOD": "POST", "DOCUMENT_URI": FORM,
                       "CONTENT_TYPE": "application/x-www-form-urlencoded",
                       "CONTENT_LENGTH": "100"}, wait)
    s.sendall(record(5, b"namn=x"))
    stalled.append(s)
time.sleep(0.5)                             # all accepted by now
queued = connect(SOCK, GET, wait)           # complete, but no worker is free
silent = connect(SOCK, timeout=wait)        # queued too; never sends anything
os.kill(PID, signal.SIGTERM)
time.sleep(0.5)
try:
    begin(late, GET)
    code = answer(late)
except OSError:
    code = 0
check("a request begun after the stop signal is answered in full", code == 200)
check("a request queued while every worker was busy is answered", answer(queued) == 200)

try:
    fresh = connect(SOCK, GET, 5)
    refused = answer(fresh) == 0
except OSError:
    refused = True
check("a new connection after the stop is refused", refused)

t0 = time.monotonic()
while running(PID) and time.monotonic() - t0 < TIMEOUT * 2 + 10:
    time.sleep(0.1)
waited = time.monotonic() - t0
check(f"a silent connection does not keep the service from stopping (stopped after {waited:.1f} s)",
      not running(PID))
for s in stalled + [silent]:
    s.close()
print(f"stop: {'all passed' if failed == 0 else str(failed) + ' failed'}")
sys.exit(1 if failed else 0)
