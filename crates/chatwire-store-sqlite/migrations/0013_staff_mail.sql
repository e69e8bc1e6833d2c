-- 0013_staff_mail: staff notifications by e-mail.
--
-- Where staff mail goes: an optional address on a skill and on the account (NULL for none).
ALTER TABLE skills ADD COLUMN notify_email TEXT;
ALTER TABLE accounts ADD COLUMN notify_email TEXT;

-- The outbox gets a kind: 'transcript' (as before: due once its chat has ended),
-- 'offline_message' (a notice of offline message offline_id, about no chat) and
-- 'waiting_alert' (a notice that chat_key waited too long with no agent online). Notices are
-- due at once. SQLite cannot drop a NOT NULL, so outbox and mailbox are rebuilt with chat_key
-- nullable; ids, rows and references are kept as they were. Renaming outbox first makes
-- SQLite repoint mailbox's reference to it, so nothing refers to a missing table meanwhile.
ALTER TABLE mailbox RENAME TO mailbox_old;
ALTER TABLE outbox RENAME TO outbox_old;
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,   -- MailId; insertion order = queue order
    account_id      TEXT    NOT NULL REFERENCES accounts (id),
    kind            TEXT    NOT NULL DEFAULT 'transcript'
                    CHECK (kind IN ('transcript', 'offline_message', 'waiting_alert')),
    chat_key        TEXT    REFERENCES chats (key),  -- NULL only for an offline-message notice
    offline_id      INTEGER,               -- survey_responses.id of an offline-message notice
    to_address      TEXT    NOT NULL,      -- validated; never contains CR/LF
    subject         TEXT    NOT NULL,
    tz_offset_ms    INTEGER,               -- JavaScript getTimezoneOffset() sign, in ms; NULL = UTC
    created_at      INTEGER NOT NULL,      -- epoch ms
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),   -- failed attempts so far
    next_attempt_at INTEGER NOT NULL,      -- epoch ms; not tried before (backoff)
    sent_at         INTEGER,               -- epoch ms, once an SMTP server accepted it
    last_error      TEXT,                  -- why the last attempt failed
    CHECK ((kind = 'offline_message') = (chat_key IS NULL))
) STRICT;
INSERT INTO outbox (id, account_id, kind, chat_key, to_address, subject, tz_offset_ms,
                    created_at, status, attempts, next_attempt_at, sent_at, last_error)
    SELECT id, account_id, 'transcript', chat_key, to_address, subject, tz_offset_ms,
           created_at, status, attempts, next_attempt_at, sent_at, last_error
    FROM outbox_old;
CREATE TABLE mailbox (
    id           INTEGER PRIMARY KEY,   -- MailboxId; insertion order = delivery order (the cursor)
    account_id   TEXT    NOT NULL REFERENCES accounts (id),
    outbox_id    INTEGER NOT NULL UNIQUE REFERENCES outbox (id),
    chat_key     TEXT,                  -- NULL for a notice about no chat
    from_address TEXT    NOT NULL,
    to_address   TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    body_text    TEXT    NOT NULL,
    body_html    TEXT    NOT NULL,
    delivered_at INTEGER NOT NULL       -- epoch ms
) STRICT;
INSERT INTO mailbox SELECT * FROM mailbox_old;
DROP TABLE mailbox_old;
DROP TABLE outbox_old;
-- The indexes went with the old tables; the same ones again.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_chat ON outbox (chat_key);
CREATE INDEX mailbox_account ON mailbox (account_id, id);
CREATE INDEX mailbox_chat ON mailbox (chat_key);
-- An offline message's notices (erasure, retention).
CREATE INDEX outbox_offline ON outbox (offline_id) WHERE offline_id IS NOT NULL;
-- The durable "alert raised" marker: at most one waiting alert per chat, ever. The alert's
-- insert is its own marker, so two sweeps racing (two nodes) leave one row and one mail.
CREATE UNIQUE INDEX outbox_waiting_alert ON outbox (chat_key) WHERE kind = 'waiting_alert';
