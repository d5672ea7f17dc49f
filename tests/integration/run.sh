#!/bin/sh
# End-to-end: the real nginx and kaa-fcgi on loopback, driven with curl, and
# the real kaa-inbox reading what was stored. Everything stops on exit.
set -u
# kaa-inbox's messages in English (the checks read them) whatever the
# machine's language; still UTF-8.
export LC_ALL=C.UTF-8; unset LANGUAGE
. tests/lib/server.sh
# KAA_BIN_DIR=build/san/bin runs the sanitizer build: any report fails.
BIN=${KAA_BIN_DIR:-build/bin}
. tests/lib/san.sh
kaa_san_init integration
KAA_BUSY_MS=500 KAA_TIMEOUT=2 kaa_server_start || { echo "integration: could not start the server"; exit 1; }

pass=0 fail=0
ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else bad "$desc"; fi; }

T=$KAA_TMP/t; mkdir -p "$T"
FORM=$KAA_FORM_URL
NAME="Integra Testsson"
# post FILE-PREFIX BODY: writes FILE.h (headers) and FILE.b (body)
post() {
	curl -s -o "$T/$1.b" -D "$T/$1.h" -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary "$2" "$FORM"
}
status() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T/$1.h"; }
# our_page FILE-PREFIX STATUS PHRASE: nginx answered STATUS with kaa-gen's
# Swedish page (the site's layout: its skip link; lang="sv"; the phrase),
# not its English default.
our_page() {
	test "$(status "$1")" = "$2" && grep -q "$3" "$T/$1.b" &&
		grep -q 'class="skip-link" href="#innehall">Gå direkt till innehållet<' "$T/$1.b" &&
		grep -q '<html lang="sv">' "$T/$1.b" && ! grep -q '<center>nginx</center>' "$T/$1.b"
}
rows() { sqlite3 "$KAA_INBOX" 'SELECT count(*) FROM submission' 2>/dev/null || echo 0; }
inbox() { $BIN/kaa-inbox "$@" -c "$KAA_CONF" --secret "$KAA_SECRET"; }

VALID="namn=Integra+Testsson&personnummer=$KAA_TEST_PNR&telefon=070-123+45+67&epost=integra%40test.example&gymnasium=avbrott&sysselsattning=utbildning&utbildning=Folkh%C3%B6gskola+%26+mer&annat=&kontakt=sms&meddelande=Ring+efter+kl.+15"

# --- a fresh inbox: concurrent first submissions are all stored (kaa-fcgi
# makes the inbox before its workers start; they used to race to create it)
i=0; : > "$T/first"
while [ $i -lt 16 ]; do echo "$VALID" >> "$T/first"; i=$((i + 1)); done
xargs -P 16 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary '{}' "$FORM" \
	< "$T/first" > "$T/first.codes"
check "16 concurrent first submissions to a new inbox all answered 303" \
	test "$(grep -c '^303$' "$T/first.codes")" = 16

# --- the site and the empty form
curl -s -o "$T/home" -w '%{http_code}' "$KAA_URL/" > "$T/home.code"
check "start page is served by nginx" grep -q 200 "$T/home.code"
curl -s -D "$T/form.h" -o "$T/form.b" "$FORM"
check "form answers 200" test "$(status form)" = 200
check "form is inside the site layout" grep -q 'class="skip-link"' "$T/form.b"
check "form has the name field" grep -q 'for="f-namn"' "$T/form.b"
check "nginx sends a CSP header" grep -qi '^content-security-policy:' "$T/form.h"
check "nginx sends nosniff" grep -qi '^x-content-type-options: nosniff' "$T/form.h"
check "form pages are not cached" grep -qi '^cache-control: no-store' "$T/form.h"

# --- a valid submission, end to end
post valid "$VALID"
check "valid submission answers 303" test "$(status valid)" = 303
loc=$(sed -n 's/^[Ll]ocation: *\([^\r]*\).*/\1/p' "$T/valid.h" | tr -d '\r')
ref=${loc##*ref=}
ref=${ref%%&*}
check "303 points to the receipt with a reference and the chosen contact" sh -c "echo '$loc' | grep -Eq '/kvitto\?ref=[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}&form=sysselsattning&kontakt=sms$'"
curl -s -o "$T/receipt" "$KAA_URL$loc"
check "receipt shows the reference" sh -c "test -n '$ref' && grep -q '$ref' '$T/receipt'"
check "receipt says what happens next for an sms" grep -q 'Vi skickar ett sms till dig inom en vecka.' "$T/receipt"
curl -s -o "$T/receipt2" "$KAA_URL${loc%&kontakt=*}&kontakt=%3Cb%3E"
check "an unknown contact value gets the neutral next step, not echoed" sh -c \
	"grep -q 'Om vi behöver veta något mer, hör vi av oss.' '$T/receipt2' && ! grep -q '<b>' '$T/receipt2'"
check "kaa-inbox list shows the reference" sh -c "$BIN/kaa-inbox list -c '$KAA_CONF' | grep -q '$ref'"
inbox show --json "$ref" > "$T/show.json" 2>"$T/show.err"
check "kaa-inbox show decrypts the submission" test -s "$T/show.json"
check "decrypted record is exactly what was sent" python3 - "$T/show.json" "$KAA_TEST_PNR" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
want = {"namn": "Integra Testsson", "personnummer": sys.argv[2], "telefon": "070-123 45 67",
        "epost": "integra@test.example", "gymnasium": "avbrott", "sysselsattning": "utbildning",
        "utbildning": "Folkhögskola & mer", "kontakt": "sms", "meddelande": "Ring efter kl. 15"}
sys.exit(0 if rec["fields"] == want and rec["form"] == "sysselsattning" else 1)
PY
inbox show "$ref" > "$T/show.txt" 2>&1
check "kaa-inbox show prints labels and choices" sh -c "grep -q 'För- och efternamn' '$T/show.txt' && grep -q 'Jag studerar på en annan utbildning' '$T/show.txt'"
check "wrong passphrase is refused" sh -c "! KAA_PASSPHRASE=wrong $BIN/kaa-inbox show -c '$KAA_CONF' --secret '$KAA_SECRET' '$ref' >/dev/null 2>&1"
pnr10=$(echo "$KAA_TEST_PNR" | cut -c3-)
check "inbox file holds no plaintext name or personnummer" sh -c \
	"test -s '$KAA_INBOX' && ! cat '$KAA_INBOX'* | grep -a -q -e '$NAME' -e '$KAA_TEST_PNR' -e '$pnr10' -e 'Folkh'"

# --- errors re-show the form with everything kept
post invalid "namn=%3Cb%3EIntegra&personnummer=${KAA_TEST_PNR%?}X&telefon=&epost=&gymnasium=avbrott&kontakt=sms"
check "invalid submission answers 422" test "$(status invalid)" = 422
check "error summary at the top" grep -q 'class="error-summary"' "$T/invalid.b"
check "typed name kept, escaped" grep -q 'value="&lt;b&gt;Integra"' "$T/invalid.b"
check "chosen radio kept" grep -q 'value="sms" checked' "$T/invalid.b"
check "message beside the personnummer" grep -q 'id="f-personnummer-error"' "$T/invalid.b"
check "message: phone or e-mail" grep -q 'Fyll i ett mobilnummer eller en e-postadress' "$T/invalid.b"

# --- 20 or older: friendly answer, nothing stored
before=$(rows)
post old "namn=Vuxen+Testsson&personnummer=$KAA_OLD_PNR&epost=v%40test.example&gymnasium=aldrig&sysselsattning=arbetar&kontakt=nej"
check "20 or older answers 200" test "$(status old)" = 200
check "20 or older is told KAA has ended" grep -q 'Du har fyllt 20 år' "$T/old.b"
check "20 or older is not stored" test "$(rows)" = "$before"

# --- hostile or odd requests
curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' --data 'x' "$FORM" > "$T/c415"
check "wrong content type answers 415" test "$(cat "$T/c415")" = 415
head -c 20000 /dev/zero | tr '\0' a | curl -s -o "$T/c413.b" -D "$T/c413.h" \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary @- "$FORM"
check "body over 16 KiB stopped by nginx (413)" test "$(status c413)" = 413
check "413 answers with our Swedish page" our_page c413 413 'För mycket text'
curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
	--data "$VALID&admin=1" "$FORM" > "$T/c400"
check "unknown field answers 400" test "$(cat "$T/c400")" = 400
curl -s -o "$T/nf" -w '%{http_code}' "$KAA_URL/finns-inte/" > "$T/c404"
check "unknown page answers 404 with our 404 page" sh -c "test \"\$(cat '$T/c404')\" = 404 && grep -q 'lang=\"sv\"' '$T/nf'"

# --- database locked past the busy timeout: 503, input kept; then it works
(echo "BEGIN EXCLUSIVE;"; sleep 2; echo "COMMIT;") | sqlite3 "$KAA_INBOX" &
lockpid=$!
sleep 0.3
post locked "$VALID"
check "locked database answers 503" test "$(status locked)" = 503
check "503 keeps what was typed (kaa-fcgi's page, not nginx's 50x page)" sh -c \
	"grep -q 'value=\"Integra Testsson\"' '$T/locked.b' && ! grep -q 'E-tjänsten fungerar inte just nu' '$T/locked.b'"
check "503 says Retry-After" grep -qi '^retry-after:' "$T/locked.h"
wait $lockpid
post after "$VALID"
check "after the lock the submission is stored" test "$(status after)" = 303

# --- concurrency: 120 submissions from 12 clients at once, none lost
before=$(rows)
i=0; : > "$T/bodies"
while [ $i -lt 120 ]; do echo "$VALID" >> "$T/bodies"; i=$((i + 1)); done
xargs -P 12 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary '{}' "$FORM" \
	< "$T/bodies" > "$T/codes"
check "120 concurrent submissions all answered 303" test "$(grep -c '^303$' "$T/codes")" = 120
check "120 concurrent submissions all stored" test "$(rows)" = $((before + 120))

# --- another site's page posting here (CSRF): refused, nothing stored; a
# browser on our own pages says same-origin and goes through
before=$(rows)
for h in 'Origin: https://evil.example' 'Sec-Fetch-Site: cross-site' 'Origin: null'; do
	curl -s -o "$T/xs.b" -w '%{http_code}' -H "$h" -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary "$VALID" "$FORM" > "$T/xs.code"
	check "a POST with '$h' answers 403 with a Swedish page" sh -c \
		"test \"\$(cat '$T/xs.code')\" = 403 && grep -q 'från en annan webbplats' '$T/xs.b'"
done
check "... and nothing was stored" test "$(rows)" = "$before"
for h in "Sec-Fetch-Site: same-origin" "Origin: $KAA_URL"; do
	curl -s -o /dev/null -w '%{http_code}' -H "$h" \
		-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$VALID" "$FORM" > "$T/same.code"
	check "a POST from our own page ('$h') is stored: 303" test "$(cat "$T/same.code")" = 303
done

# --- the trap for bots: filled in, a receipt-like page and nothing stored
before=$(rows)
post trap "$VALID&webbplats=https%3A%2F%2Fspam.example"
check "a bot that fills in the hidden field gets a thank-you page (200)" sh -c \
	"test '$(status trap)' = 200 && grep -q 'Tack! Vi har tagit emot dina svar.' '$T/trap.b'"
check "... and nothing is stored" test "$(rows)" = "$before"

# --- the socket: in a directory of its own, for nginx's group alone
sockdir=$(dirname "$KAA_SOCK")
if [ "$(id -u)" = 0 ]; then
	check "the socket's directory is nginx's group's alone (0750 root:$(stat -c %G "$sockdir"))" \
		test "$(stat -c %a:%U "$sockdir")" = 750:root -a "$(stat -c %G "$sockdir")" = "$(id -gn nobody)"
else
	check "the socket's directory is ours alone (0700)" test "$(stat -c %a "$sockdir")" = 700
fi

# --- confinement (include/confine.h): every worker and the writer run under
# a seccomp filter with no_new_privs; a build with SECCOMP=0 says so
master=$(cat "$KAA_TMP/run/kaa-fcgi.pid")
confined=0 kids=0
for p in $(ps -o pid= --ppid "$master"); do
	kids=$((kids + 1))
	grep -q '^Seccomp:[[:space:]]*2' "/proc/$p/status" &&
		grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$p/status" && confined=$((confined + 1))
done
if [ "${KAA_SECCOMP:-1}" = 0 ]; then
	check "SECCOMP=0 build: no filter" test "$confined" = 0
else
	check "workers and the writer run under a seccomp filter ($confined of $kids)" \
		test "$confined" = "$kids" -a "$kids" -ge 4
fi

# --- a worker that crashes is replaced; the service goes on
worker=$(pgrep -P "$(cat "$KAA_TMP/run/kaa-fcgi.pid")" | head -1)
kill -KILL "$worker"
sleep 1.5
post crash "$VALID"
check "service answers after a worker was killed" test "$(status crash)" = 303

# --- hostile FastCGI clients past nginx: cut-off bodies, stalls, log forging
python3 tests/integration/fcgi_hostile.py "$KAA_SOCK" "$KAA_INBOX" \
	/e-tjanst/exempelkommun/sysselsattning 2 > "$T/hostile" 2>&1
sed 's/^/    /' "$T/hostile"
check "hostile FastCGI clients are handled" grep -q 'hostile: all passed' "$T/hostile"
check "a newline in a path cannot forge a log line" sh -c "! grep -q '^kaa-fcgi\[1\]: forged' '$KAA_TMP/run/kaa-fcgi.log'"

# --- the passphrase typed at a terminal is not echoed (tmux is the terminal,
# bash its shell), not even after Ctrl-Z and fg; the key made opens with it
if command -v tmux >/dev/null 2>&1; then
	sess=kaa-tty-$$
	absbin=$(cd "$BIN" && pwd)
	tmux new-session -d -s "$sess" -x 200 -y 30 \
		"env -u KAA_PASSPHRASE PS1='tty\$ ' bash --norc --noprofile -i"
	sleep 0.5; tmux send-keys -t "$sess" "'$absbin/kaa-inbox' keygen --kdf interactive --public '$T/tty.pub' --secret '$T/tty.secret'" Enter
	sleep 0.5; tmux send-keys -t "$sess" 'tty-early-words'
	sleep 0.3; tmux send-keys -t "$sess" C-z
	sleep 0.5; tmux capture-pane -p -t "$sess" > "$T/tty.stopped"
	tmux send-keys -t "$sess" 'fg' Enter
	sleep 0.5; tmux send-keys -t "$sess" 'tty-secret-words' Enter
	sleep 0.3; tmux send-keys -t "$sess" 'tty-secret-words' Enter
	i=0; while [ ! -s "$T/tty.pub" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.2; tmux capture-pane -p -t "$sess" > "$T/tty.screen"
	tmux kill-session -t "$sess"
	check "Ctrl-Z stops keygen at the passphrase prompt" grep -q 'Stopped' "$T/tty.stopped"
	check "after fg keygen asks again, then twice as usual" sh -c \
		"test \"\$(grep -c 'Passphrase for the new secret key' '$T/tty.screen')\" = 2 && grep -q 'Repeat the passphrase' '$T/tty.screen' && test -s '$T/tty.pub'"
	check "the typed passphrase is not shown, before Ctrl-Z or after fg" sh -c \
		"! grep -q -e 'tty-secret-words' -e 'tty-early-words' '$T/tty.screen' '$T/tty.stopped'"
	check "the secret key file is mode 0600" test "$(stat -c %a "$T/tty.secret")" = 600
	KAA_PASSPHRASE=tty-secret-words $BIN/kaa-inbox show -c "$KAA_CONF" --secret "$T/tty.secret" \
		"$ref" > /dev/null 2> "$T/tty.show"
	check "the key opens with the passphrase typed after fg" \
		grep -q "not sealed to your key (key id $(sed -n 's/^id *= *//p' "$T/tty.pub");" "$T/tty.show"
else
	bad "tmux is missing (make deps installs it)"
fi

# --- kaa-inbox against inbox files a compromised web host could leave
KAA_BIN_DIR=$BIN sh tests/integration/inbox_hostile.sh > "$T/inbox_hostile" 2>&1
sed 's/^/    /' "$T/inbox_hostile"
check "kaa-inbox prints a hostile inbox harmlessly or refuses it" \
	grep -q 'inbox_hostile: all passed' "$T/inbox_hostile"
$BIN/kaa-inbox list -c "$KAA_CONF" --secret x > /dev/null 2> "$T/opt.err"
check "kaa-inbox list refuses an option it does not take (exit 2)" sh -c \
	"test $? = 2 && grep -q 'kaa-inbox list: unknown option --secret' '$T/opt.err'"
check "kaa-inbox help show and show --help print the same" sh -c \
	"$BIN/kaa-inbox help show > '$T/h1' && $BIN/kaa-inbox show --help > '$T/h2' && cmp -s '$T/h1' '$T/h2' && grep -q '^usage: kaa-inbox show' '$T/h1'"

# --- no personal data in any log
check "logs hold no name, personnummer or e-mail" sh -c \
	"! cat '$KAA_TMP'/run/*.log | grep -q -e Integra -e '$KAA_TEST_PNR' -e '$pnr10' -e 'test.example'"

# --- stopping: requests on their way are answered, a silent client cannot
# hold the stop (this stops the server's kaa-fcgi; nginx stops below)
python3 tests/integration/fcgi_stop.py "$KAA_SOCK" \
	"$(cat "$KAA_TMP/run/kaa-fcgi.pid")" /e-tjanst/exempelkommun/sysselsattning 2 \
	> "$T/stop" 2>&1
sed 's/^/    /' "$T/stop"
check "kaa-fcgi stops cleanly with requests under way" grep -q 'stop: all passed' "$T/stop"

# --- kaa-fcgi down, nginx up: 502 with our page, for the form and a post
pid=$(cat "$KAA_TMP/run/kaa-fcgi.pid" 2>/dev/null)
kaa_stop_pid "$pid" 10   # already stopped, unless that failed
curl -s -D "$T/down.h" -o "$T/down.b" "$FORM"
check "the form with kaa-fcgi stopped answers 502 with our page" \
	our_page down 502 'E-tjänsten fungerar inte just nu'
post downpost "$VALID"
check "a submission with kaa-fcgi stopped answers 502 with our page" \
	our_page downpost 502 'E-tjänsten fungerar inte just nu'
check "the 50x page has the office's phone" grep -q 'href="tel:+46846500410"' "$T/downpost.b"

# --- nginx's rate limit on submissions (a server with a strict limit)
oldtmp=$KAA_TMP
kaa_server_stop
check "stopping leaves no kaa-fcgi or nginx process" \
	sh -c "! pgrep -f '[k]aa-fcgi -s $oldtmp' >/dev/null && ! pgrep -f '[n]ginx -p $oldtmp' >/dev/null"
KAA_POST_RATE=6r/m KAA_POST_BURST=2 kaa_server_start || { echo "integration: restart failed"; exit 1; }
T=$KAA_TMP/t; mkdir -p "$T"; FORM=$KAA_FORM_URL
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/x-www-form-urlencoded' \
		--data-binary "$VALID" "$FORM"
done > "$T/rl"
check "rate limit lets the burst through" test "$(grep -c '^303$' "$T/rl")" -ge 2
check "rate limit answers 429 past the burst" grep -q '^429$' "$T/rl"
before=$(rows)
post rl429 "$VALID"
check "429 answers with our Swedish page" our_page rl429 429 'För många försök'
check "429 stores nothing" test "$(rows)" = "$before"
check "the log names the request, not the error page" sh -c \
	"grep -q ' POST /e-tjanst/exempelkommun/sysselsattning 429 ' '$KAA_TMP/run/nginx-access.log' && ! grep -q ' /429.html ' '$KAA_TMP/run/nginx-access.log'"
curl -s -o /dev/null -w '%{http_code}' "$FORM" > "$T/rlget"
check "reading the form is not rate limited" test "$(cat "$T/rlget")" = 200

if kaa_san_reports; then bad "no sanitizer reports"; else ok "no sanitizer reports"; fi
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
