<?php
// inbox-init.php — makes the PHP peer's inbox before it serves, as kaa-fcgi
// makes its own before its workers start:
//   php inbox-init.php INBOX
// The same file lib/inbox.c creates: WAL, PRAGMA application_id "KAA1",
// user_version 2, table `submission` by the same two migration steps (the
// first schema, then the `format` column), each in one transaction.
declare(strict_types=1);

const MIGRATIONS = [
    'CREATE TABLE submission ( id       INTEGER PRIMARY KEY, ref      TEXT NOT NULL UNIQUE,'
    . ' kind     TEXT NOT NULL, received TEXT NOT NULL, key_id   TEXT NOT NULL,'
    . ' sealed   BLOB NOT NULL, acked    TEXT);PRAGMA application_id = 1262567729;',
    'ALTER TABLE submission ADD COLUMN format INTEGER NOT NULL DEFAULT 1;',
];

$path = $argv[1] ?? '';
if ($path === '' || file_exists($path)) {
    fwrite(STDERR, "usage: php inbox-init.php NEW-INBOX-FILE (it must not exist yet)\n");
    exit(2);
}
$db = new PDO("sqlite:$path", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
if ($db->query('PRAGMA journal_mode=WAL')->fetchColumn() !== 'wal') {
    fwrite(STDERR, "inbox-init: $path: cannot switch to WAL\n");
    exit(1);
}
$db->exec('PRAGMA synchronous=FULL');
foreach (MIGRATIONS as $from => $sql) {
    $db->exec('BEGIN IMMEDIATE');
    $db->exec($sql);
    $db->exec('PRAGMA user_version = ' . ($from + 1));
    $db->exec('COMMIT');
}
