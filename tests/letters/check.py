#!/usr/bin/env python3
"""kaa-gen letters against real PDF tools (poppler-utils).

usage: check.py KAA_GEN

Builds a roster with good and deliberately broken rows, prints both letter
kinds from the project's own templates and configuration, and checks with
pdfinfo, pdffonts and pdftotext: page counts, embedded fonts, the text of
exactly the envelope window on each letter's first page (the recipient's
lines and nothing else), no personnummer anywhere, the bad rows reported by
their line, and that the site build publishes nothing of content/letters.
Dates are fixed (--date), so the test does not depend on today."""
import csv, datetime, io, os, re, signal, subprocess, sys, tempfile, time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GEN = os.path.abspath(sys.argv[1])
DATE = datetime.date(2026, 12, 2)
MM = 72 / 25.4
# conf/exempelkommun.ini's [letters] window, or kaa-gen's defaults
WINDOW = {"left": 20.0, "top": 45.0, "width": 90.0, "height": 35.0}

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL letters:", what)


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def window():
    w = dict(WINDOW)
    sec = None
    for line in open(os.path.join(TOP, "conf", "exempelkommun.ini"), encoding="utf-8"):
        line = line.split(";")[0].strip()
        if line.startswith("["):
            sec = line
        elif sec == "[letters]" and "=" in line:
            k, v = (x.strip() for x in line.split("=", 1))
            if k.startswith("window_") and k.endswith("_mm"):
                w[k[7:-3]] = float(v)
    return w


def born(p):
    return datetime.date(int(p[:4]), int(p[4:6]), int(p[6:8]))


def age(p, on):
    b = born(p)
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def pick(n, lo, hi):
    out = []
    for line in open(os.path.join(TOP, "tests", "data", "testpersonnummer.txt")):
        p = line.strip()
        if p and not p.startswith("#") and lo <= age(p, DATE) <= hi:
            out.append(p)
    return out[:n]


def postal(code, city):
    code = code.replace(" ", "")
    return f"{code[:3]} {code[3:]} {city}"


def main():
    y17, y18 = pick(3, 17, 17), pick(1, 18, 18)[0]
    y19 = pick(2, 19, 19)
    tmp = tempfile.mkdtemp(prefix="kaa-letters.")
    roster = os.path.join(tmp, "roster.csv")
    head = ["Personnummer", "Förnamn", "EFTERNAMN", "c/o", "Utdelningsadress",
            "Postnummer", "Postort", "Vårdnadshavare", "Vårdnadshavare c/o",
            "Vårdnadshavare utdelningsadress", "Vårdnadshavare postnummer",
            "Vårdnadshavare postort", "Skola"]
    good = [  # (row, expected youth lines, expected guardian lines or None)
        ([y17[0], "Åsa", "Öberg", "", "Storgatan 1", "12345", "Exempelstad",
          "Eva Öberg", "Familjen Ek", "Lillgatan 2", "123 46", "Exempelstad", "X"],
         ["Åsa Öberg", "Storgatan 1", "123 45 Exempelstad"],
         ["Eva Öberg", "c/o Familjen Ek", "Lillgatan 2", "123 46 Exempelstad"]),
        ([y17[1], "Ali", "Said", "Berg; Lind", "Vägen 3, lgh 1101", "54321", "Norrby",
          "", "", "", "", "", ""],
         ["Ali Said", "c/o Berg; Lind", "Vägen 3, lgh 1101", "543 21 Norrby"], None),
        ([y18, "Bo \"Bosse\"", "Ek", "", "Gränd 4", "11122", "Söderby",
          "Per Ek", "", "Gränd 4", "11122", "Söderby", ""],
         ["Bo \"Bosse\" Ek", "Gränd 4", "111 22 Söderby"], None),   # 18: no guardian
        ([y19[0], "Cecilia", "Lind", "", "Backen 5", "22233", "Västerby",
          "", "", "", "", "", ""],
         ["Cecilia Lind", "Backen 5", "222 33 Västerby"], None),
    ]
    bad_pnr = y19[1][:-1] + str((int(y19[1][-1]) + 1) % 10)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(head)                                   # line 1
    w.writerow(good[0][0])                             # line 2
    w.writerow([bad_pnr, "Dan", "Fel", "", "Väg 1", "12345", "By"] + [""] * 6)  # 3
    w.writerow(good[1][0])                             # 4
    w.writerow([y17[2], "", "Namnlös", "", "Väg 2", "12345", "By"] + [""] * 6)  # 5
    w.writerow([y19[0], "Eva", "Kort", "", "Väg\n3", "1234", "By"] + [""] * 6)  # 6-7
    w.writerow(good[2][0])                             # 8
    out.write(y17[2] + ";För;Få\r\n")                  # 9: too few fields
    out.write("\r\n")                                  # 10: empty
    w.writerow(good[3][0])                             # 11
    open(roster, "w", encoding="utf-8-sig", newline="").write(out.getvalue())
    bad_lines = {3: "personnummer", 5: "förnamn", 6: "postnummer", 9: "fields"}

    # --- first contact -------------------------------------------------------
    d1 = os.path.join(tmp, "forsta")
    r = run(GEN, "letters", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
            "-i", os.path.join(TOP, "content"), "--kind", "forsta-kontakt",
            "--roster", roster, "--out", d1, "--date", DATE.isoformat())
    check(r.returncode == 1, f"forsta-kontakt with bad rows exits 1, not {r.returncode}: {r.stderr}")
    for line, word in bad_lines.items():
        check(re.search(rf"roster\.csv:{line}: .*{word}", r.stderr) is not None,
              f"bad row on line {line} ({word}) reported: {r.stderr}")
    check(len(re.findall(r"roster\.csv:\d+:", r.stderr)) == len(bad_lines),
          f"exactly the bad rows reported: {r.stderr}")
    for row, _, _ in good:
        for secret in (row[0], row[0][2:8], row[1] or "Cecilia"):
            check(secret not in r.stderr, "no personal data on stderr")
    check(oct(os.stat(d1).st_mode & 0o777) == "0o700", "output directory is 0700")
    for f in ("brev.pdf", "utskick.csv"):
        check(oct(os.stat(os.path.join(d1, f)).st_mode & 0o777) == "0o600", f"{f} is 0600")
    expect = []
    for row, youth, guardian in good:
        expect.append((row[0], "forsta-kontakt", "ungdom", youth))
        if guardian:
            expect.append((row[0], "forsta-kontakt-vardnadshavare", "vardnadshavare", guardian))
    letters = check_pdf(d1, expect)

    # --- the 20th birthday: only those whose birthday is in the window -------
    t20 = born(y19[0]).replace(year=born(y19[0]).year + 20)
    d2 = os.path.join(tmp, "20ar")
    r = run(GEN, "letters", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
            "-i", os.path.join(TOP, "content"), "--kind", "20ar", "--roster", roster,
            "--out", d2, "--date", DATE.isoformat(), "--from", t20.isoformat(),
            "--to", t20.isoformat())
    check(r.returncode == 1, f"20ar exits 1 (bad rows), not {r.returncode}: {r.stderr}")
    check_pdf(d2, [(y19[0], "20ar", "ungdom", good[3][1])])
    text = run("pdftotext", os.path.join(d2, "brev.pdf"), "-").stdout
    long = f"{t20.day} {['januari','februari','mars','april','maj','juni','juli','augusti','september','oktober','november','december'][t20.month-1]} {t20.year}"
    check(long in text, f"the 20ar letter names the day support ends ({long})")

    # --- nothing in the window: no letters, exit 0 ----------------------------
    d3 = os.path.join(tmp, "none")
    clean = os.path.join(tmp, "clean.csv")
    open(clean, "w", encoding="utf-8").write(";".join(head) + "\n" + ";".join(good[3][0]) + "\n")
    r = run(GEN, "letters", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
            "-i", os.path.join(TOP, "content"), "--kind", "20ar", "--roster", clean,
            "--out", d3, "--date", DATE.isoformat(), "--from", "2040-01-01", "--to", "2040-12-31")
    check(r.returncode == 0 and "0 letters" in r.stderr, f"no row in the window: exit 0, said: {r.stderr}")
    check(not os.path.exists(os.path.join(d3, "brev.pdf")), "no PDF without letters")

    # --- usage errors exit 2 -------------------------------------------------
    for args in (["--kind", "brev"], ["--kind", "20ar"], ["--kind", "forsta-kontakt", "--date", "2026-13-01"]):
        r = run(GEN, "letters", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
                "-i", os.path.join(TOP, "content"), "--roster", clean,
                "--out", os.path.join(tmp, "x"), *args)
        check(r.returncode == 2, f"{args} exits 2, not {r.returncode}")
    r = run(GEN, "letters", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
            "-i", os.path.join(TOP, "content"), "--kind", "forsta-kontakt",
            "--roster", os.path.join(tmp, "missing.csv"), "--out", os.path.join(tmp, "y"))
    check(r.returncode == 2 and "missing.csv" in r.stderr, f"unreadable roster: exit 2, named: {r.stderr}")

    # --- more distinct greetings than the layout cache holds (4,096): the
    # cache is emptied between letters, never under one
    many = os.path.join(tmp, "many.csv")
    with open(many, "w", encoding="utf-8") as f:
        f.write("personnummer;förnamn;efternamn;utdelningsadress;postnummer;postort\n")
        for i in range(4500):
            name = "".join("abcdefghijklmnopqrstuvwxyz"[(i // 26 ** k) % 26] for k in range(3))
            f.write(f"{y17[i % 3]};Namn{name.capitalize()};Ek;Vägen {i};12345;By\n")
    d4 = os.path.join(tmp, "many")
    r = run(GEN, "letters", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
            "-i", os.path.join(TOP, "content"), "--kind", "forsta-kontakt",
            "--roster", many, "--out", d4, "--date", DATE.isoformat())
    rows = list(csv.reader(open(os.path.join(d4, "utskick.csv"), encoding="utf-8"), delimiter=";"))[1:] \
        if r.returncode == 0 else []
    check(r.returncode == 0 and len(rows) == 4500, f"4,500 letters with distinct names: {r.returncode} {r.stderr[-300:]}")
    info = run("pdfinfo", os.path.join(d4, "brev.pdf")).stdout
    m = re.search(r"Pages:\s+(\d+)", info)
    check(rows and m and int(m.group(1)) == sum(int(x[6]) for x in rows), "all their pages are in the PDF")

    # --- interrupted: no brev.pdf under its name, no mailing list
    d5 = os.path.join(tmp, "cut")
    p = subprocess.Popen([GEN, "letters", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
                          "-i", os.path.join(TOP, "content"), "--kind", "forsta-kontakt",
                          "--roster", many, "--out", d5, "--date", DATE.isoformat()],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):    # until it is writing
        if os.path.isdir(d5):
            break
        time.sleep(0.01)
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    p.wait()
    check(p.returncode != 0 and os.listdir(d5) == [],
          f"Ctrl-C half-way leaves no file in --out: {os.listdir(d5) if os.path.isdir(d5) else '-'}")

    # --- the site never publishes a letter ------------------------------------
    # A copy of content/ with one more letter that carries a marker; the
    # marker must not reach any file of the built site.
    content = os.path.join(tmp, "content")
    subprocess.run(["cp", "-R", os.path.join(TOP, "content"), content], check=True)
    marker = "Brevmarkör 4711"
    open(os.path.join(content, "letters", "markor.md"), "w", encoding="utf-8").write(
        f"---\nkind: markor\nsubject: {marker}\nrecipient: youth\n---\n{marker} i texten.\n")
    site = os.path.join(tmp, "site")
    r = run(GEN, "site", "-c", os.path.join(TOP, "conf", "exempelkommun.ini"),
            "-i", content, "-t", os.path.join(TOP, "site"), "-o", site)
    check(r.returncode == 0, f"site builds with letters in content/: {r.stderr}")
    hits = []
    for root, dirs, files in os.walk(site):
        check("letters" not in dirs, f"no letters directory in {root}")
        for f in files:
            if marker.encode() in open(os.path.join(root, f), "rb").read():
                hits.append(os.path.join(root, f))
    check(os.path.exists(os.path.join(site, "index.html")) and not hits,
          f"no letter's text in the built site: {hits}")
    subprocess.run(["rm", "-rf", tmp])
    print(f"letters: {letters} letters checked")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def check_pdf(d, expect):
    pdf = os.path.join(d, "brev.pdf")
    rows = list(csv.reader(open(os.path.join(d, "utskick.csv"), encoding="utf-8"), delimiter=";"))
    check(rows[0] == ["personnummer", "namn", "brev", "mottagare", "datum", "forsta_sida", "sidor"],
          f"utskick.csv header: {rows[0]}")
    rows = rows[1:]
    check(len(rows) == len(expect), f"{len(expect)} letters in utskick.csv, got {len(rows)}")
    info = run("pdfinfo", pdf).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    check(pages == sum(int(r[6]) for r in rows), "page count = the letters' pages")
    check("A4" in info, "A4 pages")
    check(re.search(r"Title:\s+\S", info) and re.search(r"Author:\s+.*Exempelkommun", info),
          f"title and author set: {info}")
    fonts = run("pdffonts", pdf).stdout.splitlines()[2:]
    check(fonts and all(l.split()[-5] == "yes" for l in fonts), f"every font embedded: {fonts}")
    win = window()
    first = 1
    for row, (pnr, kind, who, lines) in zip(rows, expect):
        check(row[0] == f"{pnr[:8]}-{pnr[8:]}" and row[2] == kind and row[3] == who
              and row[4] == DATE.isoformat(), f"utskick row {row} is {pnr} {kind} {who}")
        check(int(row[5]) == first, f"letter starts on page {first}, utskick says {row[5]}")
        first += int(row[6])
        area = run("pdftotext", "-f", row[5], "-l", row[5], "-r", "72",
                   "-x", str(int(win["left"] * MM)), "-y", str(int(win["top"] * MM)),
                   "-W", str(int(win["width"] * MM)), "-H", str(int(win["height"] * MM)),
                   "-layout", pdf, "-").stdout
        got = [l.strip() for l in area.splitlines() if l.strip()]
        check(got == lines, f"window of page {row[5]} holds {lines}, got {got}")
        # the page itself has more than the window: the window is not the page
        page = run("pdftotext", "-f", row[5], "-l", row[5], pdf, "-").stdout
        check(len(page.split()) > 50 + len(" ".join(lines).split()), "the letter has a body")
    text = run("pdftotext", pdf, "-").stdout
    for pnr, _, _, _ in expect:
        for form in (pnr, pnr[2:], f"{pnr[:8]}-{pnr[8:]}", f"{pnr[2:8]}-{pnr[8:]}"):
            check(form not in text, f"no personnummer ({form}) in the PDF's text")
    check(re.search(r"\b\d{6}[-+]?\d{4}\b", text) is None, "nothing shaped like a personnummer")
    return len(rows)


sys.exit(main())
