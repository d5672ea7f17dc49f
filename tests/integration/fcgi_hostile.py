#!/usr/bin/env python3
"""Hostile FastCGI clients straight at kaa-fcgi's socket, past nginx (as a
local attacker or a broken proxy would): cut-off bodies, malformed lengths,
stalled connections. Prints one "ok"/"FAIL" line per check and exits 1 on
any failure.  usage: fcgi_hostile.py SOCKET INBOX FORM_PATH TIMEOUT"""
import socket, sqlite3, struct, sys, time

SOCK, INBOX, FORM, TIMEOUT = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
failed = 0

def record(kind, content=b""):
    return struct.pack(">BBHHBx", 1, kind, 1, len(content), 0) + content

def pair(k, v):
    k, v = k.encode(), v.encode()
    return bytes([len(k)]) + bytes([len(v)]) + k + v   # all short here

def connect(params):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(TIMEOUT * 3 + 5)
    s.connect(SOCK)
    s.sendall(record(1, struct.pack(">HB5x", 1, 0)))          # BEGIN_REQUEST, responder
    s.sendall(record(4, b"".join(pair(k, v) for k, v in params.items())) + record(4))
    return s

def status_of(s):
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
    body, i = b"", 0
    while i + 8 <= len(out):
        _, kind, _, clen, plen = struct.unpack(">BBHHB", out[i:i + 7])
        if kind == 6:
            body += out[i + 8:i + 8 + clen]
        i += 8 + clen + plen
    line = body.split(b"\r\n", 1)[0].decode(errors="replace")
    return int(line.split()[1]) if line.startswith("Status:") else 0

def post(body, length, close_stdin=True):
    s = connect({"REQUEST_METHOD": "POST", "DOCUMENT_URI": FORM,
                 "CONTENT_TYPE": "application/x-www-form-urlencoded",
                 "CONTENT_LENGTH": length})
    if body:
        s.sendall(record(5, body))
    if close_stdin:
        s.sendall(record(5))
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

# A newline in the path must not forge a log line.
status_of(connect({"REQUEST_METHOD": "GET", "DOCUMENT_URI": FORM + "\nkaa-fcgi[1]: forged"}))
print(f"hostile: {'all passed' if failed == 0 else str(failed) + ' failed'}")
sys.exit(1 if failed else 0)
