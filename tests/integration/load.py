#!/usr/bin/env python3
"""Concurrent form submissions through nginx, for the commit tests.

    load.py URL BODYFILE CLIENTS (--count N | --seconds S) OUT

CLIENTS threads each POST the body (application/x-www-form-urlencoded),
one connection a request, either N times each or until S seconds have
passed. OUT gets one line a request: the status, and for a 303 the
reference from its Location (ref=...); a request that got no answer at
all is written as status 0. Prints a count per status.
"""
import http.client
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter

REF = re.compile(r"[?&]ref=([0-9A-Z-]+)")


def post(url, body):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        c.request("POST", u.path, body=body,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        r.read()
        m = REF.search(r.getheader("Location") or "")
        return r.status, m.group(1) if m else "-"
    except OSError:
        return 0, "-"
    finally:
        c.close()


def main():
    url, bodyfile, clients, mode, amount, out = sys.argv[1:7]
    body = open(bodyfile, "rb").read().strip()
    clients, amount = int(clients), float(amount)
    results, lock = [], threading.Lock()
    stop_at = time.monotonic() + amount if mode == "--seconds" else None

    def client():
        n = 0
        while (n < amount) if stop_at is None else (time.monotonic() < stop_at):
            r = post(url, body)
            with lock:
                results.append(r)
            n += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(out, "w") as f:
        for status, ref in results:
            f.write(f"{status} {ref}\n")
    counts = Counter(s for s, _ in results)
    print(" ".join(f"{s}:{n}" for s, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
