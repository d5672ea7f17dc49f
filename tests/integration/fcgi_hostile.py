#!/usr/bin/env python3
"""Hostile FastCGI clients straight at kaa-fcgi's socket, past nginx (as a
local attacker or a broken proxy would): cut-off bodies, malformed lengths,
stalled connections. Prints one "ok"/"FAIL" line per check and exits 1 on
any failure.  usage: fcgi_hostile.py SOCKET INBOX FORM_PATH TIMEOUT"""
import sqlite3, sys, time
from fcgi_client import record, status_of
import fcgi_client

SOCK, INBOX, FORM, TIMEOUT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
failed = 0

def connect(params):
    return fcgi_client.connect(SOCK, params, TIMEOUT * 3 + 5)

def post(body, length, close_stdin=True):
    s = connect({"REQUEST_METHOD": "POST", "DOCUMENT_URI": FORM,
                 "CONTENT_TYPE": "application/x-www-form-urlencoded",
                 "CONTENT_LENGTH": length})
    # kaa-fcgi may answer (400, 413) and close before it reads the body:
    # the answer is still there to read
    try:
        if body:
            s.sendall(record(5, body))
        if close_stdin:
            s.sendall(record(5))
    except (BrokenPipeError, ConnectionResetError):
        pass
    return s

def rows():
    try:
        with sqlite3.connect(INBOX) as db:
            return db.execute("SELECT count(*) FROM submission").fetchone()[0]
    except sqlite3.Error:
        return 0

def check(desc, cond):
    global failed
    print(("ok   " if cond else "FAIL ") + desc)
    failed += 0 if cond else 1

BODY = b"namn=Cut+Testsson&personnummer=200812122398&telefon=0701234567&gymnasium=aldrig&sysselsattning=arbetar&kontakt=nej&meddelande=" + b"x" * 200

before = rows()
check("a body cut short answers 400", status_of(post(BODY[:60], str(len(BODY)))) == 400)
check("malformed CONTENT_LENGTH answers 400", status_of(post(BODY, str(len(BODY)) + "x")) == 400)
check("negative CONTENT_LENGTH answers 400", status_of(post(b"", "-5")) == 400)
check("nothing was stored from broken bodies", rows() == before)

# Stalled clients (never finish the body) must not hold the workers.
stalled = [post(BODY[:10], str(len(BODY)), close_stdin=False) for _ in range(4)]
t0 = time.monotonic()
code = status_of(connect({"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM}))
waited = time.monotonic() - t0
check(f"a request is served while clients stall (after {waited:.1f} s)", code == 200 and waited < TIMEOUT * 2 + 3)
check("stalled clients get 400 after the timeout", all(status_of(s) == 400 for s in stalled))

# Clients that stop inside the request's first records (libfcgi reads them
# before kaa-fcgi sees the connection), one for every worker and more: each
# connection ends after the read timeout (plus libfcgi's 2 s wait when it
# closes), and a request still gets served (the test server has 3 workers).
import socket
halves = []
for part in (record(1, b"\0\1")[:4], record(1, b"\0\1\0\0\0\0\0\0")) * 2:
    h = socket.socket(socket.AF_UNIX)
    h.connect(SOCK)
    h.sendall(part)      # half a header, or a BEGIN_REQUEST and no params
    halves.append(h)
t0 = time.time()
code = status_of(connect({"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM}))
waited = time.time() - t0
rounds = -(-len(halves) // 3)
check(f"a request is served while {len(halves)} clients stop inside their first records"
      f" (after {waited:.1f} s)", code == 200 and waited < rounds * (TIMEOUT + 2) + 3)
def ended(h):
    """The connection ends (kaa-fcgi closed it) within the wait."""
    h.settimeout(TIMEOUT + 3)
    try:
        while h.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except OSError:          # still open after the wait
        return False
    finally:
        h.close()
check("... and each of their connections ends", all([ended(h) for h in halves]))

# Clients that, once answered, keep trickling bytes (libfcgi, closing, would
# read them for as long as they come): one for every worker; a new request
# is still served at once.
import threading
stop_trickle = threading.Event()
def trickle(s):
    try:
        s.recv(8)                     # the answer has begun: the worker is closing
        while not stop_trickle.is_set():
            s.sendall(b"x")
            time.sleep(0.5)
    except OSError:                   # closed on us: what should happen
        return
tricklers = []
for _ in range(3):
    s = fcgi_client.connect(SOCK, {"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM}, TIMEOUT * 3 + 5)
    t = threading.Thread(target=trickle, args=(s,), daemon=True)
    t.start()
    tricklers.append((s, t))
time.sleep(1)
t0 = time.time()
code = status_of(connect({"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM}))
waited = time.time() - t0
stop_trickle.set()
for s, t in tricklers:
    t.join()
    s.close()
check(f"a request is served while 3 answered clients trickle bytes (after {waited:.1f} s)",
      code == 200 and waited < TIMEOUT + 3)

# A newline in the path must not forge a log line.
status_of(connect({"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM + "\nkaa-fcgi[1]: forged"}))
print(f"hostile: {'all passed' if failed == 0 else str(failed) + ' failed'}")
sys.exit(1 if failed else 0)
