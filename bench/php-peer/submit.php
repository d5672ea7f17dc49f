<?php
// submit.php — the PHP-FPM peer of kaa-fcgi's youth form (benchmark only).
//
// POST <base>/sysselsattning, as fcgi/eservice.c submit() does it:
//  1. parse the urlencoded body as lib/form.c does (unknown or repeated
//     field, bad %-escape, NUL or invalid UTF-8: 400), trim, CR/CRLF -> LF;
//  2. validate the youth form of lib/forms.c with form.c's rules: required
//     fields, lengths in characters, control characters, e-mail, phone,
//     choices, the personnummer as lib/pnr.c (format, date, Luhn, future),
//     phone or e-mail, and fields that apply only to some answers
//     (utbildning, annat) neither checked nor stored otherwise: 422;
//  3. 20 or older today: the age page (200), nothing stored;
//  4. the record as form_to_json makes it, sealed as lib/key.c's
//     key_envelope_seal to every coordinator's key with lib/inbox.c's row
//     associated data, INSERTed in one transaction (WAL, synchronous=FULL)
//     into an inbox of lib/inbox.c's schema (made by inbox-init.php);
//  5. 303 to <base>/kvitto?ref=XXXX-XXXX-XXXX&form=sysselsattning&kontakt=...
// A database error answers 503 with Retry-After, as kaa-fcgi does.
//
// The pool (php-fpm.conf) gives PEER_INBOX, PEER_KEYS (public key files,
// comma-separated), PEER_MUNICIPALITY, PEER_BASE, PEER_PDO_PERSISTENT.
// Everything is read per request and a new SQLite connection opened per
// request (unless PEER_PDO_PERSISTENT=1), as typical PHP code does.
declare(strict_types=1);

const KIND = 'sysselsattning';
const BODY_MAX = 16384;
const AD_TAG = 'kaa-inbox v2';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// The youth form's fields, in lib/forms.c's order: type, required,
// maxlen, choices, and the condition under which the field applies.
const FIELDS = [
    'namn' => ['text', true, 100],
    'personnummer' => ['pnr', true, 20],
    'telefon' => ['tel', false, 30],
    'epost' => ['email', false, 254],
    'gymnasium' => ['radio', true, 0, ['examen_hogskoleforberedande', 'examen_yrke',
        'anpassad_bevis', 'studerar', 'studiebevis', 'avbrott', 'gymnasieintyg', 'aldrig', 'vet_inte']],
    'sysselsattning' => ['radio', true, 0, ['arbetar', 'arbetssokande', 'utbildning', 'praktik', 'annat']],
    'utbildning' => ['text', true, 200, null, ['sysselsattning', 'utbildning']],
    'annat' => ['text', true, 200, null, ['sysselsattning', 'annat']],
    'kontakt' => ['radio', true, 0, ['telefon', 'sms', 'epost', 'nej']],
    'meddelande' => ['textarea', false, 1000],
];
const MAX_AGE = 20;

function respond(int $code, string $title, string $html, array $headers = []): never
{
    http_response_code($code);
    header('Content-Type: text/html; charset=utf-8');
    header('Cache-Control: no-store');
    foreach ($headers as $h) {
        header($h);
    }
    echo "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\"><title>",
        h($title), "</title></head><body>\n<h1>", h($title), "</h1>\n", $html, "\n</body></html>\n";
    exit;
}

function h(string $s): string
{
    return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

// form.c url_decode: '+' is a space, %XX a byte; a bad escape or a NUL is
// an error (null).
function url_decode(string $s): ?string
{
    if (preg_match('/%(?![0-9A-Fa-f]{2})/', $s) === 1) {
        return null;
    }
    $d = urldecode($s);
    return str_contains($d, "\0") ? null : $d;
}

// form.c tidy: trim " \t\r\n" at both ends, CRLF and CR become LF.
function tidy(string $s): string
{
    return str_replace(["\r\n", "\r"], "\n", trim($s, " \t\r\n"));
}

// form_parse: the values by field name, or a status (400) for a body our
// form never sends.
function parse_body(string $body): array|int
{
    $v = [];
    foreach (explode('&', $body) as $pair) {
        if ($pair === '') {
            continue;
        }
        $kv = explode('=', $pair, 2);
        $key = url_decode($kv[0]);
        if ($key === null || !array_key_exists($key, FIELDS) || array_key_exists($key, $v)) {
            return 400;
        }
        $val = url_decode($kv[1] ?? '');
        if ($val === null || preg_match('//u', $val) !== 1) {
            return 400;
        }
        $v[$key] = tidy($val);
    }
    return $v;
}

// form_relevant: the field's condition holds (a value that names the
// choice among its LF-separated items, as form.c's each_item).
function relevant(array $v, string $name): bool
{
    $if = FIELDS[$name][4] ?? null;
    return $if === null || (isset($v[$if[0]]) && in_array($if[1], explode("\n", $v[$if[0]]), true));
}

// lib/utf8.c utf8_is_control; newline and tab allowed in a textarea.
function has_control(string $s, bool $multiline): bool
{
    $c0 = $multiline ? '\x{0}-\x{8}\x{b}-\x{1f}' : '\x{0}-\x{1f}';
    return preg_match('/[' . $c0 . '\x{7f}-\x{9f}\x{61c}\x{200e}\x{200f}\x{2028}-\x{202e}'
        . '\x{2066}-\x{2069}\x{feff}]/u', $s) === 1;
}

function valid_email(string $s): bool
{
    $at = strpos($s, '@');
    if ($at === false || $at === 0 || strpos($s, '@', $at + 1) !== false
        || strpbrk($s, " ,;<>()[]\\\"") !== false) {
        return false;
    }
    $d = substr($s, $at + 1);
    return str_contains($d, '.') && $d[0] !== '.' && $d[-1] !== '.' && !str_contains($d, '..');
}

function valid_tel(string $s): bool
{
    if (strspn($s, '+0123456789 -()') !== strlen($s)) {
        return false;
    }
    $n = strlen($s) - strlen(str_replace(range('0', '9'), '', $s));
    return $n >= 7 && $n <= 15;
}

// Dates as [y, m, d], compared field by field as pnr_date_cmp.
function date_cmp(array $a, array $b): int
{
    return $a <=> $b;
}

function days_in_month(int $y, int $m): int
{
    return $m < 1 || $m > 12 ? 0 : cal_days($y, $m);
}

function cal_days(int $y, int $m): int
{
    $leap = ($y % 4 === 0 && $y % 100 !== 0) || $y % 400 === 0;
    return [31, $leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][$m - 1];
}

// lib/pnr.c pnr_parse: ['ok', digits12, birth] or [error].
function pnr_parse(string $s, array $today): array
{
    $n = strlen($s);
    if (preg_match('/[A-Za-z]/', $s) === 1) {
        $other = preg_match('/[^A-Za-z0-9+\-]/', $s) === 1;
        return [!$other && $n >= 10 && $n <= 13 ? 'letter' : 'format'];
    }
    if (preg_match('/[^0-9+\-]/', $s) === 1 || $n < 10 || $n > 13) {
        return ['format'];
    }
    $ndate = $n <= 11 ? 6 : 8;
    $sep = '';
    if ($n === 11 || $n === 13) {
        $sep = $s[$ndate];
        if ($sep !== '-' && $sep !== '+') {
            return ['format'];
        }
        $s = substr($s, 0, $ndate) . substr($s, $ndate + 1);
    }
    if (!ctype_digit($s)) {
        return ['format'];
    }
    $ten = substr($s, $ndate - 6);
    $month = (int)substr($ten, 2, 2);
    $day = (int)substr($ten, 4, 2);
    $coord = $day >= 60 && $day <= 91;
    if ($coord) {
        $day -= 60;
    }
    if ($ndate === 8) {
        $year = (int)substr($s, 0, 4);
    } else {   // the latest century that does not put the birth after today
        $year = $today[0] - $today[0] % 100 + (int)substr($ten, 0, 2);
        if (date_cmp([$year, $month, $day], $today) > 0) {
            $year -= 100;
        }
        if ($sep === '+') {
            $year -= 100;
        }
    }
    if ($year < 1 || $year > 9999
        || ($coord ? $month > 12 || $day > 31 : $day < 1 || $day > days_in_month($year, $month))) {
        return ['date'];
    }
    if (substr($ten, 6, 3) === '000') {
        return ['format'];
    }
    if (!luhn_ok($ten)) {
        return ['check'];
    }
    if (date_cmp([$year, $month, $day], $today) > 0) {
        return ['future'];
    }
    return ['ok', sprintf('%02d', intdiv($year, 100)) . $ten, [$year, $month, $day]];
}

// Luhn over YYMMDDNNN with weights 2,1,2,...; the tenth digit checks it.
function luhn_ok(string $ten): bool
{
    $sum = 0;
    for ($i = 0; $i < 9; $i++) {
        $d = (ord($ten[$i]) - 48) * ($i % 2 === 0 ? 2 : 1);
        $sum += intdiv($d, 10) + $d % 10;
    }
    return (10 - $sum % 10) % 10 === ord($ten[9]) - 48;
}

// lib/pnr.c pnr_age: an unknown month or day counts as the latest it can
// be; 29 February has its birthday on 1 March in other years.
function pnr_age(array $b, array $on): int
{
    [$y, $m, $d] = $b;
    if ($m < 1 || $m > 12) {
        $m = 12;
    }
    $last = cal_days($y, $m);
    if ($d < 1 || $d > $last) {
        $d = $last;
    }
    if (date_cmp($on, [$y, $m, $d]) < 0) {
        return -1;
    }
    $bd = ($m === 2 && $d === 29 && cal_days($on[0], 2) === 28) ? [$on[0], 3, 1] : [$on[0], $m, $d];
    return $on[0] - $y - (date_cmp($on, $bd) < 0 ? 1 : 0);
}

// form.c check_field for one field: '' or the error's name. Sets $pnr.
function check_field(array $v, string $name, array $today, ?array &$pnr): string
{
    [$type, $required, $maxlen] = FIELDS[$name];
    $s = $v[$name] ?? '';
    if (!relevant($v, $name)) {
        return '';
    }
    if ($s === '') {
        return $required ? 'required' : '';
    }
    if ($maxlen > 0 && preg_match_all('/./su', $s) > $maxlen) {
        return 'too_long';
    }
    if (has_control($s, $type === 'textarea')) {
        return 'control';
    }
    switch ($type) {
        case 'email':
            return valid_email($s) ? '' : 'email';
        case 'tel':
            return valid_tel($s) ? '' : 'tel';
        case 'radio':
            return in_array($s, FIELDS[$name][3], true) ? '' : 'choice';
        case 'pnr':
            $p = pnr_parse($s, $today);
            if ($p[0] !== 'ok') {
                return 'pnr_' . $p[0];
            }
            $pnr = $p;
            return '';
    }
    return '';
}

// form_validate: the errors by field name (phone or e-mail: on telefon).
function validate(array $v, array $today, ?array &$pnr): array
{
    $err = [];
    foreach (FIELDS as $name => $_) {
        $e = check_field($v, $name, $today, $pnr);
        if ($e !== '') {
            $err[$name] = $e;
        }
    }
    if (($v['telefon'] ?? '') === '' && ($v['epost'] ?? '') === '' && !isset($err['telefon'])) {
        $err['telefon'] = 'anyof';
    }
    return $err;
}

// form_to_json: jansson's compact dump keeps UTF-8 and '/' as they are.
function record_json(array $v, string $pnr12, string $muni): string
{
    $fields = [];
    foreach (FIELDS as $name => $f) {
        if (($v[$name] ?? '') !== '' && relevant($v, $name)) {
            $fields[$name] = $f[0] === 'pnr' ? $pnr12 : $v[$name];
        }
    }
    return json_encode(['schema' => 1, 'form' => KIND, 'municipality' => $muni, 'fields' => $fields],
        JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_LINE_TERMINATORS
        | JSON_THROW_ON_ERROR);
}

// A public key file of lib/key.c: [kaa-public-key] with id and public in
// hex. The id is BLAKE2b of the key with an 8-byte output; PHP's sodium
// binding refuses outputs under 16 bytes, so it is taken from the file as
// kaa-inbox keygen wrote it (a wrong one would not open: kaa-inbox finds
// its stanza by the id it computes).
function load_key(string $path): array
{
    $k = parse_ini_file($path, true, INI_SCANNER_RAW)['kaa-public-key'] ?? [];
    $pk = sodium_hex2bin($k['public'] ?? '');
    $id = sodium_hex2bin($k['id'] ?? '');
    if (($k['version'] ?? '') !== '1' || strlen($pk) !== SODIUM_CRYPTO_BOX_PUBLICKEYBYTES
        || strlen($id) !== 8) {
        throw new RuntimeException("not a public key file: $path");
    }
    return [$pk, $id];
}

// lib/key.c key_envelope_seal: version, count, per recipient its raw key
// id and crypto_box_seal(file key), the nonce, then XChaCha20-Poly1305 of
// the record with the header and the row's associated data bound.
function envelope_seal(array $keys, string $ad, string $m): string
{
    $fk = sodium_crypto_aead_xchacha20poly1305_ietf_keygen();
    $hdr = chr(1) . chr(count($keys));
    foreach ($keys as [$pk, $id]) {
        $hdr .= $id . sodium_crypto_box_seal($fk, $pk);
    }
    $nonce = random_bytes(SODIUM_CRYPTO_AEAD_XCHACHA20POLY1305_IETF_NPUBBYTES);
    $ct = sodium_crypto_aead_xchacha20poly1305_ietf_encrypt($m, $hdr . $ad, $nonce, $fk);
    sodium_memzero($fk);
    return $hdr . $nonce . $ct;
}

// inbox.c new_ref: 12 Crockford base32 characters as XXXX-XXXX-XXXX.
function new_ref(): string
{
    $r = '';
    for ($i = 0; $i < 12; $i++) {
        $r .= ($i > 0 && $i % 4 === 0 ? '-' : '') . CROCKFORD[random_int(0, 31)];
    }
    return $r;
}

// inbox.c inbox_append: one durable transaction; a taken reference (next
// to impossible) is retried with a new one, sealed anew.
function store(string $json): string
{
    $keys = array_map('load_key', array_map('trim', explode(',', getenv('PEER_KEYS'))));
    $ids = implode(',', array_map(fn($k) => bin2hex($k[1]), $keys));
    $received = gmdate('Y-m-d\TH:i:s\Z');
    $db = new PDO('sqlite:' . getenv('PEER_INBOX'), null, null, [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_TIMEOUT => 5,
        PDO::ATTR_PERSISTENT => getenv('PEER_PDO_PERSISTENT') === '1',
    ]);
    if ($db->query('PRAGMA journal_mode=WAL')->fetchColumn() !== 'wal') {
        throw new RuntimeException('the inbox is not in WAL mode');
    }
    $db->exec('PRAGMA synchronous=FULL');
    $st = $db->prepare('INSERT INTO submission (ref, kind, received, key_id, sealed, format)'
        . ' VALUES (?, ?, ?, ?, ?, 2)');
    for ($try = 0; ; $try++) {
        $ref = new_ref();
        $sealed = envelope_seal($keys, AD_TAG . "\0$ref\0" . KIND . "\0$received\0", $json);
        $db->exec('BEGIN IMMEDIATE');
        try {
            $st->bindValue(1, $ref);
            $st->bindValue(2, KIND);
            $st->bindValue(3, $received);
            $st->bindValue(4, $ids);
            $st->bindValue(5, $sealed, PDO::PARAM_LOB);   // a BLOB, as inbox.c binds it
            $st->execute();
            $db->exec('COMMIT');
            return $ref;
        } catch (PDOException $e) {
            $db->exec('ROLLBACK');
            if ($try >= 4 || ($e->errorInfo[1] ?? 0) !== 19) {   // 19: SQLITE_CONSTRAINT
                throw $e;
            }
        }
    }
}

$base = getenv('PEER_BASE');
$path = parse_url($_SERVER['REQUEST_URI'] ?? '', PHP_URL_PATH);
if ($path !== "$base/" . KIND) {
    respond(404, 'Sidan finns inte', '<p>Det finns ingen e-tjänst på den här adressen.</p>');
}
if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST') {
    respond(405, 'Fel metod', '<p>Bara POST i den här jämförelsen.</p>', ['Allow: POST']);
}
$ct = $_SERVER['CONTENT_TYPE'] ?? '';
if (strncasecmp($ct, 'application/x-www-form-urlencoded', 33) !== 0
    || !in_array(substr($ct, 33, 1), ['', ';'], true)) {
    respond(415, 'Formuläret kunde inte läsas', '<p>Formuläret skickades i ett format vi inte kan läsa.</p>');
}
$body = file_get_contents('php://input');
if (strlen($body) > BODY_MAX) {
    respond(413, 'Formuläret är för stort', '<p>Korta texten och försök igen.</p>');
}
$v = parse_body($body);
if (is_int($v)) {
    respond($v, 'Formuläret kunde inte läsas', '<p>Det som skickades kom inte från vårt formulär.</p>');
}
$today = array_map('intval', explode('-', date('Y-m-d')));
$pnr = null;
$err = validate($v, $today, $pnr);
if ($err) {
    $li = '';
    foreach ($err as $name => $e) {
        $li .= '<li>' . h($name) . ': ' . h($e) . "</li>\n";
    }
    respond(422, 'Berätta vad du gör nu', "<ul class=\"error-summary\">\n$li</ul>");
}
if (pnr_age($pnr[2], $today) >= MAX_AGE) {
    respond(200, 'Vårt stöd gäller tills du fyller 20', '<p>Du har fyllt 20 år. Vi har inte sparat '
        . 'något av det du skrev.</p>');
}
try {
    $json = record_json($v, $pnr[1], getenv('PEER_MUNICIPALITY'));
    $ref = store($json);
    sodium_memzero($json);
} catch (Throwable $e) {
    error_log('submit: ' . get_class($e) . ': ' . $e->getMessage());
    respond(503, 'Försök igen', '<p>Vi kunde inte ta emot dina svar just nu.</p>', ['Retry-After: 30']);
}
// to_receipt: the contact choice travels in the address, nothing personal
http_response_code(303);
header("Location: $base/kvitto?ref=$ref&form=" . KIND . '&kontakt=' . $v['kontakt']);
header('Content-Type: text/html; charset=utf-8');
header('Cache-Control: no-store');
