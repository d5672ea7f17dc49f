#!/usr/bin/env python3
"""Stopping kaa-fcgi while requests are on their way. A worker that has
accepted a connection answers it in full, even when the stop comes before
the request's first byte; a connection that never sends its request does
not keep the service from ending; new connections are refused. Stops the
server it is given. Prints one "ok"/"FAIL" line per check and exits 1 on
any failure.  usage: fcgi_stop.py SOCKET MASTER_PID FORM_PATH TIMEOUT"""
import os, signal, socket, sys, time
from fcgi_client import begin, connect, status_of

SOCK, PID, FORM, TIMEOUT = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
failed = 0

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

late = connect(SOCK, timeout=TIMEOUT * 4 + 10)      # its request comes later
silent = connect(SOCK, timeout=TIMEOUT * 4 + 10)    # never sends anything
time.sleep(0.5)                                     # both accepted by now
os.kill(PID, signal.SIGTERM)
time.sleep(0.5)
try:
    begin(late, {"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM})
    code = status_of(late)
except OSError:             # the worker dropped the connection
    code = 0
check("a request begun after the stop signal is answered in full", code == 200)

try:
    fresh = connect(SOCK, {"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM}, 5)
    refused = status_of(fresh) == 0
except OSError:
    refused = True
check("a new connection after the stop is refused", refused)

t0 = time.monotonic()
while running(PID) and time.monotonic() - t0 < TIMEOUT * 2 + 10:
    time.sleep(0.1)
waited = time.monotonic() - t0
check(f"a silent connection does not keep the service from stopping (stopped after {waited:.1f} s)",
      not running(PID))
silent.close()
print(f"stop: {'all passed' if failed == 0 else str(failed) + ' failed'}")
sys.exit(1 if failed else 0)
