#!/usr/bin/env python3
"""Hostile requests against the real nginx + kaa-fcgi (started by hostile.sh),
for the youth form and the school form. Each group applies a table of
mutations to a valid body and sends the results over raw sockets; every
answer must be a 4xx of the kind the mutation calls for, on a Swedish page
(ours, never nginx's English default), with the security headers, without
any injected markup unescaped, and nothing may be stored. Prints one
"ok"/"FAIL" line per group, with counts and the first failures.

usage: hostile_http.py          (the hostile groups, then a valid submission)
       hostile_http.py ratelimit  (against a server with a low POST rate)
Environment: what tests/lib/server.sh's kaa_server_start exports, and
KAA_TIMEOUT (kaa-fcgi's -t)."""
import concurrent.futures as cf
import json
import os
import re
import socket
import sqlite3
import sys
import time
import urllib.parse

from fcgi_client import read_all   # the same socket reading, over HTTP

URL = os.environ["KAA_URL"]
HOST, PORT = "127.0.0.1", int(URL.rsplit(":", 1)[1])
TMP, INBOX, CONF = os.environ["KAA_TMP"], os.environ["KAA_INBOX"], os.environ["KAA_CONF"]
PNR = os.environ["KAA_TEST_PNR"]
TIMEOUT = float(os.environ.get("KAA_TIMEOUT", "2"))
YOUTH = urllib.parse.urlsplit(os.environ["KAA_FORM_URL"]).path.encode()


def conf_value(key):
    """The [eservice] value of key in the test municipality's configuration."""
    section = None
    for line in open(CONF, encoding="utf-8"):
        m = re.match(r"\s*\[(\w+)\]", line)
        if m:
            section = m.group(1)
        m = re.match(r"\s*%s\s*=\s*(\S+)" % key, line)
        if m and section == "eservice":
            return m.group(1)
    sys.exit(f"hostile: no eservice.{key} in {CONF}")


SCHOOL = conf_value("school")
passed = failed = 0


def check(ok, what, details=()):
    global passed, failed
    passed, failed = passed + bool(ok), failed + (not ok)
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    for d in list(details)[:6]:
        print("       " + d, flush=True)


# --- raw HTTP ------------------------------------------------------------------

class Resp:
    def __init__(self, raw):
        self.status, self.headers, self.body = None, {}, b""
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0]) if raw else None
        if m:
            self.status = int(m.group(1))
            for line in lines[1:]:
                k, _, v = line.partition(b":")
                self.headers.setdefault(k.strip().lower().decode("latin-1"), []).append(
                    v.strip().decode("latin-1"))
            self.body = dechunk(body) if "chunked" in self.header("transfer-encoding") else body
        self.text = self.body.decode("utf-8", "replace")

    def header(self, name):
        return ", ".join(self.headers.get(name, []))


def dechunk(b):
    out = b""
    while b:
        size, _, rest = b.partition(b"\r\n")
        n = int(size.split(b";")[0] or b"0", 16)
        if n == 0:
            break
        out, b = out + rest[:n], rest[n + 2:]
    return out


FORM_CT = b"application/x-www-form-urlencoded"


def send(method, path, body=b"", ctype=FORM_CT, headers=(), length=None, cut=None,
         close=False, chunks=1, gap=0.0, chunked=False, timeout=20):
    """One request on its own connection (Connection: close); the answer.
    cut: send only so many bytes of the body, then half-close (close: close
    outright, reading nothing); chunks/gap: trickle the body in that many
    pieces with gap seconds between them."""
    req = b"%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (method, path)
    if ctype is not None:
        req += b"Content-Type: " + ctype + b"\r\n"
    for k, v in headers:
        req += k + b": " + v + b"\r\n"
    if chunked:
        req += b"Transfer-Encoding: chunked\r\n"
        body = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4096]), body[i:i + 4096])
                        for i in range(0, len(body), 4096)) + b"0\r\n\r\n"
    elif length is not None or body or method == b"POST":
        req += b"Content-Length: %d\r\n" % (len(body) if length is None else length)
    req += b"\r\n"
    if cut is not None:
        body = body[:cut]
    step = -(-len(body) // chunks) if body else 1
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    try:
        s.sendall(req + body[:step])
        for i in range(step, len(body), step):
            time.sleep(gap)
            s.sendall(body[i:i + step])
        if cut is not None:
            if close:
                s.close()
                return Resp(b"")
            s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data = read_all(s)
    s.close()
    return Resp(data)


def rows():
    if not os.path.exists(INBOX):
        return 0
    with sqlite3.connect(f"file:{INBOX}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM submission").fetchone()[0]


# --- the forms and their valid bodies ------------------------------------------------

def q(s):
    return urllib.parse.quote_plus(s, safe="").encode()


def bad_pnr(p):
    return p[:-1] + str((int(p[-1]) + 1) % 10)


class Form:
    def __init__(self, name, path, pairs, text, multiline, formatted, choices, checkbox,
                 required, email, tel, pad):
        self.name, self.path, self.pairs = name, path.encode(), pairs
        self.text = text              # text field -> its maxlen
        self.multiline = multiline    # text fields where LF and tab are allowed
        self.formatted = formatted    # text fields a payload makes invalid by itself
        self.choices, self.checkbox = choices, checkbox
        self.required, self.email, self.tel, self.pad = required, email, tel, pad
        self.fields = list(dict.fromkeys(k for k, _ in pairs))

    def encoded(self, replace=None, drop=(), extra=(), pnr=None):
        """The valid body as (name, value) pairs of bytes, with values
        replaced (field -> encoded bytes), fields dropped, pairs added."""
        replace = dict(replace or {})
        if pnr is not None:
            replace["personnummer"] = q(pnr)
        out, done = [], set()
        for k, v in self.pairs:
            if k in drop:
                continue
            if k in replace and k not in done:
                out.append((q(k), replace[k]))
                done.add(k)
            elif k not in replace:
                out.append((q(k), q(v)))
        return out + list(extra)

    def body(self, **kw):
        return b"&".join(k + b"=" + v if v is not None else k for k, v in self.encoded(**kw))

    def value(self, field):
        return dict(self.pairs)[field]


YOUTH_FORM = Form(
    "youth", YOUTH.decode(),
    [("namn", "Hostil Testsson"), ("personnummer", PNR), ("telefon", "070-123 45 67"),
     ("epost", "hostil@test.example"), ("gymnasium", "avbrott"),
     ("sysselsattning", "utbildning"), ("utbildning", "Folkhögskola i Exempelstad"),
     ("annat", ""), ("kontakt", "sms"), ("meddelande", "Ring efter kl. 15 på tisdagar")],
    text={"namn": 100, "personnummer": 20, "telefon": 30, "epost": 254, "utbildning": 200,
          "meddelande": 1000},
    multiline={"meddelande"}, formatted={"personnummer", "telefon", "epost"},
    choices=["gymnasium", "sysselsattning", "kontakt"], checkbox=None,
    required=["namn", "personnummer", "gymnasium", "sysselsattning", "utbildning", "kontakt"],
    email="epost", tel="telefon", pad="meddelande")

SCHOOL_FORM = Form(
    "school", SCHOOL,
    [("huvudman", "Friskolan Hostil AB"), ("skola", "Hostilgymnasiet"),
     ("kontakt_namn", "Rektor Testsson"), ("kontakt_epost", "rektor@hostilskola.example"),
     ("kontakt_telefon", "08-465 004 39"), ("personnummer", PNR),
     ("elev_namn", "Elev Hostilsson"), ("program", "Naturvetenskapsprogrammet"),
     ("hemkommun", "exempelkommun"), ("anledning", "franvaro"), ("franvaro_timmar", "14"),
     ("utredning", "nej"), ("atgarder", "samtal_elev"), ("atgarder", "syv"),
     ("ovrigt", "Eleven har fått extra stöd i matematik"), ("elev_informerad", "ja"),
     ("vardnadshavare_informerad", "ja")],
    text={"huvudman": 150, "skola": 150, "kontakt_namn": 100, "kontakt_epost": 254,
          "kontakt_telefon": 30, "personnummer": 20, "elev_namn": 100, "program": 100,
          "franvaro_timmar": 20, "ovrigt": 1000},
    multiline={"ovrigt"},
    formatted={"kontakt_epost", "kontakt_telefon", "personnummer", "franvaro_timmar"},
    choices=["hemkommun", "anledning", "utredning", "elev_informerad",
             "vardnadshavare_informerad"], checkbox="atgarder",
    required=["huvudman", "skola", "kontakt_namn", "kontakt_epost", "kontakt_telefon",
              "personnummer", "elev_namn", "program", "hemkommun", "anledning",
              "franvaro_timmar", "utredning", "elev_informerad", "vardnadshavare_informerad"],
    email="kontakt_epost", tel="kontakt_telefon", pad="ovrigt")

FORMS = [YOUTH_FORM, SCHOOL_FORM]

# --- what every answer must be -------------------------------------------------------

# The words of our page for each status (kaa-fcgi's pages and kaa-gen's
# special pages). A status nginx answers itself with no phrase here must
# at least be a page in the site's layout: its Swedish skip link.
PHRASES = {
    400: ["Formuläret kunde inte läsas", "Formuläret kom inte fram helt"],
    404: ["Sidan finns inte"],
    405: ["Fel metod"],
    408: [],
    413: ["För mycket text"],
    414: [],
    415: ["i ett format vi inte kan läsa"],
    422: ['class="error-summary"'],
    429: ["För många försök"],
}
LAYOUT = "Gå direkt till innehållet"
# Tags an injection would add, and how many of each the layout itself has
# (its logo is an <img>): counted on the empty form at the start.
TAGS = {"<script": 0, "<img": 0, "<svg": 0, "<iframe": 0, "<style": 0}
SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
            "x-frame-options": "deny", "content-security-policy": "script-src 'none'",
            "permissions-policy": "camera=()"}


def html_escaped(s):
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#39;")):
        s = s.replace(a, b)
    return s


MARKER = re.compile(r"kaam\d{4}z")


def unescaped(page, payload):
    """Some markup of payload in page as it was sent: a piece of it that
    holds its unique marker and a character that starts or ends markup (<,
    >, a quote), from that character to the marker or from the marker to
    that character."""
    m = MARKER.search(payload)
    for i, c in enumerate(payload):
        if c not in "<>\"'":
            continue
        piece = payload[i:m.end()] if i < m.start() else payload[m.start():i + 1]
        if piece in page:
            return piece
    return None


class Case:
    def __init__(self, group, form, desc, body=b"", expect=(422,), method=b"POST", path=None,
                 payloads=(), **send_kw):
        self.group, self.form, self.desc, self.body = group, form, desc, body
        self.expect, self.method = set(expect), method
        self.path = path if path is not None else form.path
        self.payloads, self.send_kw = payloads, send_kw
        self.answer_optional = "cut" in send_kw   # the client itself left

    def run(self):
        return send(self.method, self.path, self.body, **self.send_kw)


def problems(case, r):
    """What is wrong with the answer r to case (empty if nothing)."""
    if r.status is None:
        return [] if case.answer_optional else ["no answer"]
    out, t = [], r.text
    if r.status not in case.expect:
        out.append(f"status {r.status}, want {'/'.join(map(str, sorted(case.expect)))}")
    if r.status >= 400:
        known = PHRASES.get(r.status, [])
        if '<html lang="sv"' not in t or "<center>nginx</center>" in t:
            out.append(f"{r.status}: not our Swedish page (nginx's default or no lang=\"sv\")")
        elif not any(p in t for p in known) and LAYOUT not in t:
            out.append(f"{r.status}: no Swedish message ({known or 'the layout'})")
    for h, want in SECURITY.items():
        if want not in r.header(h).lower():
            out.append(f"{r.status}: no {h} header")
    # a page that shows what was typed is never cached
    if (r.status == 422 or MARKER.search(t)) and "no-store" not in r.header("cache-control"):
        out.append(f"{r.status}: no Cache-Control: no-store")
    # no more of those tags than the layout has
    low = t.lower()
    for tag, n in TAGS.items():
        if low.count(tag) > n:
            out.append(f"{r.status}: {low.count(tag)} {tag} in the page (the layout has {n})")
    for p in case.payloads:
        raw = unescaped(t, p)
        if raw is not None:
            out.append(f"{r.status}: unescaped {raw!r}")
        elif "\r" not in p and p[-6:] in t and html_escaped(p) not in t:
            out.append(f"{r.status}: {p!r} shown, but not as HTML-escaped text")
    return out


def run_group(name, cases, workers=8):
    """Runs cases in parallel; one line for the group. None may be stored."""
    before = rows()
    with cf.ThreadPoolExecutor(workers) as ex:
        answers = list(ex.map(lambda c: c.run(), cases))
    after = rows()
    bad, statuses = [], {}
    for c, r in zip(cases, answers):
        statuses[r.status] = statuses.get(r.status, 0) + 1
        for p in problems(c, r):
            bad.append(f"{c.form.name} {c.desc}: {p}")
    counts = ", ".join(f"{n}x{s or 'none'}" for s, n in sorted(statuses.items(), key=str))
    # how many pages showed an injected value back (escaped, or a problem above)
    shown = sum(any(MARKER.search(p).group() in r.text for p in c.payloads)
                for c, r in zip(cases, answers))
    if any(c.payloads for c in cases):
        counts += f"; {shown} showed the value back"
    if after != before:
        bad.insert(0, f"{after - before} rows stored, want none")
    check(not bad, f"{name}: {len(cases)} requests ({counts}); {len(bad)} problems; "
          f"{after - before} stored", bad)
    return answers


# --- the tables of mutations -------------------------------------------------------

BAD_UTF8 = [b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80",
            b"\xe2\x82"]
BAD_PERCENT = [b"%", b"%4", b"%G1", b"%zz", b"%-1", b"%+4", b"%%", b"%\xc3\xa5", b"%u0041"]
CONTROLS = ["\x01", "\x07", "\x08", "\x1b[31m", "\x0b", "\x0c", "\x7f", "\x85", "\x9b",
            "\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u061c", "\u2028", "\u2029",
            "\ufeff", "\n", "\r", "\t"]
NEWLINES = {"\n", "\r", "\t"}
marker_n = 0


def marker():
    global marker_n
    marker_n += 1
    return f"kaam{marker_n:04d}z"


XSS = ['<script>alert("{m}")</script>', '"><script>alert({m})</script>',
       "'><img src=x onerror=alert('{m}')>", '" onfocus="alert({m})" autofocus="{m}',
       "</textarea><script>{m}</script>", "<svg/onload=alert({m})>",
       '<a href="javascript:alert(1)">{m}</a>', '<iframe srcdoc="<b>{m}</b>">',
       "{{{{{{page.body}}}}}}{{{{office.phone}}}}{m}", "<!--{m}-->",
       "<style>*{{display:none}}</style>{m}"]
SQL = ["' OR '1'='1' -- {m}", "'; DROP TABLE submission; -- {m}", '" OR 1=1; -- {m}',
       "1' UNION SELECT ref, sealed FROM submission -- {m}",
       "Robert'); DELETE FROM submission;-- {m}"]
CRLF = ["%0D%0ABcc:+evil@evil.example", "%0ABcc:+evil@evil.example", "%0DBcc:+evil@evil.example",
        "\r\nBcc: evil@evil.example", "%0D%0A%0D%0A<html>{m}", "%0D%0AContent-Type:+text/html",
        "%E2%80%A8Bcc:+evil@evil.example", "%C2%85Bcc:+evil@evil.example",
        "%0D%0A.%0D%0AMAIL+FROM:<evil@evil.example>", "%0D%0ASubject:+{m}"]
CTYPES = [None, b"", b"text/plain", b"text/html", b"application/json", b"application/xml",
          b"multipart/form-data; boundary=kaa", b"application/x-www-form-urlencodedx",
          b"application/x-www-form-urlencoded-evil", b"x-www-form-urlencoded",
          b"application/octet-stream", b"form-urlencoded; application/x-www-form-urlencoded",
          b"text/plain; application/x-www-form-urlencoded"]
UNKNOWN = [b"admin=1", b"NAMN=x", b"namn_=x", b"namn%20=x", b"namn[]=x", b"_csrf=x",
           b"submit=Skicka", b"=x", b"x", b"__proto__=x", b"n%D0%B0mn=x", b"kommun=nordby",
           b"form=skolanmalan", b"ref=ABCD-EFGH-IJKL", b"personnummer2=1", b"skola=x",
           b"kontakt=sms", b"constructor[prototype]=1", b"a" * 5000 + b"=1", b"%3Cscript%3E=1"]


def mid(value, insert):
    """value with insert in its middle (never at an end: ends are trimmed)."""
    h = max(1, len(value) // 2)
    return value[:h] + insert + value[h:]


def ins(value, raw):
    """value %-encoded with the bytes raw, as they are, in its middle."""
    h = max(1, len(value) // 2)
    return q(value[:h]) + raw + q(value[h:])


def cases_encoding(f):
    out = []
    for field in list(f.text) + f.choices:
        for seq in BAD_UTF8:
            pct = b"".join(b"%%%02X" % c for c in seq)
            out.append(Case("encoding", f, f"{field}: invalid UTF-8 {seq!r} %-encoded",
                            f.body(replace={field: ins(f.value(field), pct)}), (400,)))
            out.append(Case("encoding", f, f"{field}: invalid UTF-8 {seq!r} raw",
                            f.body(replace={field: ins(f.value(field), seq)}), (400,)))
    out.append(Case("encoding", f, "invalid UTF-8 in a field name",
                    f.body(extra=[(b"na%FFmn", b"x")]), (400,)))
    return out


def cases_percent(f):
    out = []
    for field in list(f.text) + f.choices:
        for pat in BAD_PERCENT:
            out.append(Case("percent", f, f"{field}: {pat!r} at the end of the value",
                            f.body(replace={field: q(f.value(field)) + pat}), (400,)))
    for pat in BAD_PERCENT[:4]:
        out.append(Case("percent", f, f"{pat!r} in a field name",
                        b"na" + pat + b"=x&" + f.body(), (400,)))
    return out


def cases_nul(f):
    out = []
    for field in list(f.text) + f.choices:
        v = f.value(field)
        out.append(Case("nul", f, f"{field}: %00 inside", f.body(replace={field: ins(v, b"%00")}),
                        (400,)))
        out.append(Case("nul", f, f"{field}: raw NUL inside",
                        f.body(replace={field: ins(v, b"\0")}), (400,)))
        out.append(Case("nul", f, f"{field}: %00 at the end",
                        f.body(replace={field: q(v) + b"%00"}), (400,)))
    out.append(Case("nul", f, "NUL in a field name", f.body(extra=[(q(f.fields[0]) + b"%00", b"x")]),
                    (400,)))
    return out


def cases_control(f):
    out = []
    for field in list(f.text) + f.choices:
        for c in CONTROLS:
            if field in f.multiline and c in NEWLINES:
                continue
            v = mid(f.value(field), c)
            out.append(Case("control", f, f"{field}: U+{ord(c[0]):04X} inside",
                            f.body(replace={field: q(v)}), (422,)))
        for raw in (b"\x01", b"\x1b", b"\x7f", b"\r\n" if field not in f.multiline else b"\x0b"):
            out.append(Case("control", f, f"{field}: raw {raw!r} inside",
                            f.body(replace={field: ins(f.value(field), raw)}), (422,)))
    if f.checkbox:
        out.append(Case("control", f, f"{f.checkbox}: LF inside a check box's value",
                        f.body(replace={f.checkbox: q("samtal_elev\nsyv")}), (400,)))
    return out


def cases_repeated(f):
    out = []
    for field in f.fields:
        if field == f.checkbox:
            continue
        v = f.value(field)
        for desc, again in (("same value", q(v)), ("another value", q(v + "x")), ("empty", b"")):
            out.append(Case("repeated", f, f"{field}: twice ({desc})",
                            f.body(extra=[(q(field), again)]), (400,)))
        out.append(Case("repeated", f, f"{field}: twice, once before the others",
                        q(field) + b"=" + q(v) + b"&" + f.body(), (400,)))
    return out


def cases_missing(f):
    out = []
    for field in f.required:
        out.append(Case("missing", f, f"{field}: left out", f.body(drop=(field,))))
        out.append(Case("missing", f, f"{field}: empty", f.body(replace={field: b""})))
        out.append(Case("missing", f, f"{field}: only spaces", f.body(replace={field: b"+++%20%09"})))
        out.append(Case("missing", f, f"{field}: no '='", f.body(replace={field: None})))
    if f.email == "epost":
        out.append(Case("missing", f, "neither phone nor e-mail", f.body(drop=("telefon", "epost"))))
        out.append(Case("missing", f, "'annat' chosen, not described",
                        f.body(replace={"sysselsattning": b"annat"})))
    else:
        for reason, needs in (("borjar", "startdatum"), ("slutar", "slutdatum"),
                              ("byter_program", "nytt_program"), ("borta_manad", "senast_narvarande")):
            out.append(Case("missing", f, f"{reason} without {needs}",
                            f.body(replace={"anledning": q(reason)},
                                   drop=("franvaro_timmar", "utredning"))))
    for desc, body in (("empty body", b""), ("only '&'", b"&&&&"), ("only the choices",
                       b"&".join(q(k) + b"=" + q(f.value(k)) for k in f.choices))):
        out.append(Case("missing", f, desc, body))
    return out


def cases_unknown(f):
    out = []
    for u in UNKNOWN:
        if u.split(b"=")[0] in (q(x) for x in f.fields):
            continue
        out.append(Case("unknown", f, f"{u[:30]!r} at the end", f.body() + b"&" + u, (400,)))
        out.append(Case("unknown", f, f"{u[:30]!r} at the start", u + b"&" + f.body(), (400,)))
    return out


def cases_long(f):
    out = []
    for field, maxlen in f.text.items():
        v = f.value(field)
        for desc, long in (("maxlen+1 characters", (v * maxlen)[:maxlen - 1] + "xy"),
                           ("maxlen+1 two-byte characters", "å" * (maxlen + 1)),
                           ("4000 characters", "x" * 4000), ("15000 characters", "y" * 15000)):
            out.append(Case("long", f, f"{field}: {desc}", f.body(replace={field: q(long)})))
    for field in f.choices:
        out.append(Case("long", f, f"{field}: a 5000-character choice",
                        f.body(replace={field: q(f.value(field) * 500)[:5000]})))
    # the largest body nginx lets through: kaa-fcgi's limits, not nginx's
    base = f.body(replace={f.pad: b""})
    out.append(Case("long", f, "a body of exactly 16384 bytes",
                    f.body(replace={f.pad: b"z" * (16384 - len(base))})))
    return out


def cases_injection(f):
    out = []
    for field in f.text:
        for tmpl in XSS + SQL:
            p = tmpl.format(m=marker())
            # a free-text field takes any text: the personnummer is wrong
            # too, so that the form comes back with the payload in it
            pnr = None if field in f.formatted else bad_pnr(PNR)
            out.append(Case("injection", f, f"{field}: {p[:40]!r}",
                            f.body(replace={field: q(p)}, pnr=pnr), payloads=[p]))
    for field in f.choices + ([f.checkbox] if f.checkbox else []):
        for tmpl in XSS[:4] + SQL[:2]:
            p = tmpl.format(m=marker())
            out.append(Case("injection", f, f"{field}: {p[:40]!r}",
                            f.body(replace={field: q(p)}), payloads=[p]))
    return out


def cases_crlf(f):
    out = []
    for field in (f.email, f.tel):
        v = f.value(field)
        for c in CRLF:
            m = marker()
            enc = c.format(m=m)
            sent = urllib.parse.unquote_plus(enc) + m
            out.append(Case("crlf", f, f"{field}: {enc[:30]!r} after the value",
                            f.body(replace={field: q(v) + enc.encode() + q(m)}),
                            payloads=[sent]))
    return out


def cases_ctype(f):
    out = []
    for ct in CTYPES:
        out.append(Case("content-type", f, f"Content-Type {ct!r}", f.body(), (415,), ctype=ct))
    js = json.dumps(dict(f.pairs)).encode()
    out.append(Case("content-type", f, "a JSON body as JSON", js, (415,), ctype=b"application/json"))
    mp = b"".join(b"--kaa\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                  % (k.encode(), v.encode()) for k, v in f.pairs) + b"--kaa--\r\n"
    out.append(Case("content-type", f, "a multipart body", mp, (415,),
                    ctype=b"multipart/form-data; boundary=kaa"))
    out.append(Case("content-type", f, "a JSON body as a form", js, (400,)))
    return out


def cases_oversized(f):
    out = []
    base = f.body(replace={f.pad: b""})
    for size in (16385, 17000, 32768, 65536, 1 << 20):
        out.append(Case("oversized", f, f"{size} bytes",
                        f.body(replace={f.pad: b"z" * (size - len(base))}), (413,)))
    out.append(Case("oversized", f, "Content-Length 10^9, little sent", f.body(), (413,),
                    length=10 ** 9, timeout=10))
    out.append(Case("oversized", f, "20000 bytes chunked",
                    f.body(replace={f.pad: b"z" * 20000}), (413,), chunked=True))
    out.append(Case("oversized", f, "20000 bytes of text/plain", b"z" * 20000, (413,),
                    ctype=b"text/plain"))
    out.append(Case("oversized", f, "20000 bytes with the personnummer in the query string",
                    f.body(replace={f.pad: b"z" * 20000}), (413,),
                    path=f.path + b"?personnummer=" + PNR.encode()))
    return out


def cases_method(f):
    out = []
    for m in (b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"PROPFIND", b"FOO", b"MKCOL", b"LOCK"):
        out.append(Case("method", f, m.decode(), f.body(), (405,), method=m))
    out.append(Case("method", f, "TRACE", b"", (405,), method=b"TRACE"))
    out.append(Case("method", f, "lower-case post", f.body(), (400, 405), method=b"post"))
    return out


def cases_path(f):
    base = f.path.rsplit(b"/", 1)[0]
    leaf = f.path.rsplit(b"/", 1)[1]
    paths = [
        (f.path + b"%00", (400,)), (f.path + b"%00.html", (400,)),
        (base + b"/%00/" + leaf, (400,)), (b"/e-tjanst/../../../etc/passwd", (400,)),
        (b"/../" + f.path.lstrip(b"/"), (400,)),
        (base + b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd", (400,)),
        (f.path + b"/../../../../etc/passwd", (400,)),
        (base + b"/..%2f..%2f..%2fetc%2fpasswd", (400, 404)),
        (base + b"/../nowhere/" + leaf, (404,)), (f.path + b".php", (404,)),
        (f.path + b"/", (404,)), (f.path.upper(), (404,)), (f.path + b"%2500", (404,)),
        (f.path + b"%0A", (404,)), (f.path + b"%20", (404,)), (base + b"\\" + leaf, (404,)),
        (f.path + b";jsessionid=1", (404,)), (base + b"/kvitto", (405,)),
        (base + b"/" + leaf.replace(b"a", b"%61", 1) + b"%2F..", (404,)),
    ]
    out = [Case("path", f, p.decode("latin-1"), f.body(), exp, path=p) for p, exp in paths]
    out.append(Case("path", f, "a path of 9000 bytes", f.body(), (414,),
                    path=f.path + b"/" + b"a" * 9000))
    out.append(Case("path", f, "a header of 10000 bytes", f.body(), (400,),
                    headers=[(b"X-Kaa", b"a" * 10000)]))
    return out


def cases_cut(f):
    body = f.body()
    out = []
    for cut in (0, 1, len(body) // 2, len(body) - 1):
        out.append(Case("cut", f, f"{cut} of {len(body)} bytes, half-closed", body, (400,), cut=cut))
        out.append(Case("cut", f, f"{cut} of {len(body)} bytes, closed", body, (400,), cut=cut,
                        close=True))
    out.append(Case("cut", f, "Content-Length 16000, 300 bytes sent", body, (400,), length=16000,
                    cut=300))
    return out


# --- the groups -------------------------------------------------------------------

def access_log_400s():
    """How many requests nginx logged with status 400 (the cut-short ones)."""
    try:
        return sum(1 for line in open(f"{TMP}/run/nginx-access.log", encoding="utf-8",
                                      errors="replace") if re.search(r" 400 \d+ ", line))
    except OSError:
        return 0


def valid_submission(f):
    r = send(b"POST", f.path, f.body())
    loc = r.header("location")
    ok = r.status == 303 and re.search(r"/kvitto\?ref=[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", loc)
    return bool(ok), r


def slow_group():
    """Bodies trickled slower than kaa-fcgi's -t: nginx buffers the whole
    body, so kaa-fcgi's timeout never sees them. Bad bodies get their 4xx;
    a valid body that does arrive whole is a submission like any other.
    Stalled bodies hold no kaa-fcgi worker (the test server has 3): the
    service answers meanwhile; when they give up, nothing is stored."""
    gap = TIMEOUT + 0.5
    slow = []
    for f in FORMS:
        slow += [Case("slow", f, "invalid UTF-8, trickled",
                      f.body(replace={f.email: b"a%FFb@x.example"}), (400,)),
                 Case("slow", f, "unknown field, trickled", f.body(extra=[(b"admin", b"1")]), (400,)),
                 Case("slow", f, "repeated field, trickled", f.body(extra=[(q(f.fields[0]), b"x")]),
                      (400,)),
                 Case("slow", f, "missing field, trickled", f.body(drop=(f.required[0],))),
                 Case("slow", f, "control byte, trickled",
                      f.body(replace={f.fields[0]: q(mid(f.value(f.fields[0]), "\u202e"))})),
                 Case("slow", f, "wrong content type, trickled", f.body(), (415,),
                      ctype=b"text/plain")]
    for c in slow:
        c.send_kw.update(chunks=3, gap=gap, timeout=30)
    valid = [Case("slow", f, "a valid body, trickled", f.body(), (303,), chunks=3, gap=gap,
                  timeout=30) for f in FORMS]
    stalled = []

    def stall(f):
        s = socket.create_connection((HOST, PORT), timeout=30)
        b = f.body()
        s.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: %s\r\n"
                  b"Content-Length: %d\r\n\r\n%s" % (f.path, FORM_CT, len(b), b[:len(b) // 2]))
        stalled.append(s)

    before, n400 = rows(), access_log_400s()
    for f in FORMS:
        for _ in range(4):   # more stalled clients than kaa-fcgi has workers
            stall(f)
    with cf.ThreadPoolExecutor(len(slow) + len(valid)) as ex:
        futs = [ex.submit(c.run) for c in slow + valid]
        time.sleep(gap)
        t0 = time.monotonic()
        probe = send(b"GET", YOUTH, b"", ctype=None, timeout=10)
        probe_bad = send(b"POST", YOUTH, YOUTH_FORM.body(extra=[(b"x", b"1")]), timeout=10)
        waited = time.monotonic() - t0
        answers = [fu.result() for fu in futs]
    for s in stalled:
        s.close()
    time.sleep(0.5)
    after = rows()
    bad = []
    for c, r in zip(slow + valid, answers):
        bad += [f"{c.form.name} {c.desc}: {p}" for p in problems(c, r)]
    check(not bad and after - before == len(valid),
          f"slow clients: {len(slow)} bad bodies trickled over {2 * gap:.1f} s each answered "
          f"their 4xx; {len(valid)} valid ones answered 303; {after - before} stored "
          f"(want {len(valid)})", bad)
    check(probe.status == 200 and probe_bad.status == 400 and waited < 2,
          f"while {len(stalled)} clients stall mid-body, the service answers "
          f"({probe.status}, {probe_bad.status}) in {waited:.2f} s")
    answered400 = sum(r.status == 400 for r in answers + [probe_bad])
    logged = access_log_400s() - n400 - answered400
    check(logged == len(stalled), f"the {len(stalled)} stalled clients that gave up are logged 400 "
          f"by nginx ({logged})")


def log_secrets():
    """What we sent that no log may hold: personal data and injected text."""
    s = set()
    for f in FORMS:
        for k, v in f.pairs:
            if k in f.text and len(v) > 4:
                s.add(v)
    s |= {PNR, PNR[2:], "DROP TABLE", "<script", "onerror", "Bcc:", "evil.example"}
    s |= {f"kaam{i:04d}z" for i in range(1, marker_n + 1)}
    return s


def log_checks():
    secrets = log_secrets()
    log = open(f"{TMP}/run/kaa-fcgi.log", encoding="utf-8", errors="replace").read()
    found = sorted(x for x in secrets if x in log)
    lines = [l for l in log.split("\n") if l]
    req = re.compile(r"^kaa-fcgi\[\d+\]: (\S+) (.+) (\d{3}) [0-9.]+ms$")
    odd = [l for l in lines if l.startswith("kaa-fcgi[") and not req.match(l)
           and "writer" not in l and "worker" not in l]
    ctrl = [l for l in lines if re.search(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e"
                                          r"\u2066-\u2069\u200e\u200f\u2028\u2029]", l)]
    check(not found and not odd and not ctrl,
          f"kaa-fcgi's log: {len(lines)} lines, only method, path, status and time "
          f"({len(found)} sent values found, {len(odd)} other lines, {len(ctrl)} with control "
          f"characters)", [f"found {x!r}" for x in found] + odd[:3] + [repr(c) for c in ctrl[:3]])
    nginx = ""
    for name in ("nginx-access.log", "nginx-error.log"):
        try:
            nginx += open(f"{TMP}/run/{name}", encoding="utf-8", errors="replace").read()
        except OSError:
            pass
    found = sorted(x for x in secrets if x in nginx)
    check(not found, f"nginx's logs hold none of what was sent ({len(found)} found)",
          [f"found {x!r}" for x in found])


def count_tags():
    page = send(b"GET", YOUTH, b"", ctype=None).text.lower()
    for tag in TAGS:
        TAGS[tag] = page.count(tag)
    check(TAGS["<script"] == 0 and TAGS["<img"] <= 1,
          f"the layout has no <script and one <img at most ({TAGS})")


def main():
    t0 = time.monotonic()
    count_tags()
    # the bodies the mutations start from are valid
    for f in FORMS:
        ok, r = valid_submission(f)
        page = send(b"GET", f.path, b"", ctype=None)
        check(ok and page.status == 200, f"{f.name}: the valid body is answered 303 ({r.status}), "
              f"the empty form 200 ({page.status})")
    before_all = rows()
    total = {f.name: 0 for f in FORMS}
    groups = [("invalid UTF-8", cases_encoding), ("malformed %-encoding", cases_percent),
              ("NUL bytes", cases_nul), ("control characters (C0, C1, bidi)", cases_control),
              ("repeated fields", cases_repeated), ("missing fields", cases_missing),
              ("unknown fields", cases_unknown), ("very long values", cases_long),
              ("script and SQL injection in every field", cases_injection),
              ("CRLF in the e-mail and phone fields", cases_crlf),
              ("wrong content types", cases_ctype), ("oversized bodies", cases_oversized),
              ("wrong methods", cases_method),
              ("traversal, NUL and oversized paths and headers", cases_path)]
    for name, make in groups:
        cases = [c for f in FORMS for c in make(f)]
        for c in cases:
            total[c.form.name] += 1
        run_group(name, cases)
    n400 = access_log_400s()
    cut = [c for f in FORMS for c in cases_cut(f)]
    for c in cut:
        total[c.form.name] += 1
    run_group("bodies cut short", cut)
    time.sleep(0.3)
    check(access_log_400s() - n400 == len(cut),
          f"nginx logged each of the {len(cut)} cut-short bodies as 400 "
          f"({access_log_400s() - n400})")
    slow_group()
    for f in FORMS:
        total[f.name] += 10   # slow_group's bad bodies and stalled clients
    check(all(n >= 200 for n in total.values()),
          "at least 200 bad requests per form (" +
          ", ".join(f"{k}: {n}" for k, n in total.items()) + ")")
    stored_slow = len(FORMS)
    check(rows() == before_all + stored_slow,
          f"nothing of the bad requests stored ({rows() - before_all - stored_slow} extra rows)")
    with sqlite3.connect(f"file:{INBOX}?mode=ro", uri=True) as db:
        whole = db.execute("PRAGMA integrity_check").fetchone()[0]
    check(whole == "ok", f"the inbox is whole ({whole})")
    for f in FORMS:
        n = rows()
        ok, r = valid_submission(f)
        receipt = send(b"GET", r.header("location").encode() or b"/", b"", ctype=None)
        check(ok and rows() == n + 1 and receipt.status == 200,
              f"{f.name}: afterwards a valid submission is answered 303 ({r.status}), stored and "
              f"its receipt shown ({receipt.status})")
    log_checks()
    print(f"hostile: {time.monotonic() - t0:.1f} s", flush=True)


def ratelimit():
    """nginx's limit on POSTs (the server runs with a low rate): past the
    burst, 429 with kaa-gen's Swedish page, and those are not stored."""
    count_tags()
    before = rows()
    answers = [send(b"POST", YOUTH, YOUTH_FORM.body()) for _ in range(12)]
    n303 = sum(r.status == 303 for r in answers)
    limited = [r for r in answers if r.status == 429]
    c = Case("ratelimit", YOUTH_FORM, "", expect=(429,))
    bad = [p for r in limited for p in problems(c, r)]
    check(limited and n303 + len(limited) == 12 and not bad and rows() - before == n303,
          f"rate limit: 12 quick POSTs: {n303} answered 303 and stored, {len(limited)} answered 429 "
          f"with our Swedish page ({rows() - before} stored)", bad)
    page = send(b"GET", YOUTH, b"", ctype=None)
    check(page.status == 200, f"reading the form is not limited ({page.status})")


if __name__ == "__main__":
    try:
        ratelimit() if sys.argv[1:] == ["ratelimit"] else main()
    except Exception as e:   # a crash of the driver is a failure, said once
        check(False, f"the driver stopped: {type(e).__name__}: {e}")
        raise
    print(f"hostile_http: {passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)
