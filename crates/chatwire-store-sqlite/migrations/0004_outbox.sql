-- The mail outbox: chat transcripts owed to visitors, kept until an SMTP server takes them.
--
-- A mail is due when it is pending, its chat has ended and next_attempt_at has passed. Whether
-- the chat has ended is read from `chats` (joined on the key), not copied here, so a mail
-- queued in the same batch as its chat's end can never miss it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,   -- MailId; insertion order = queue order
    account_id      TEXT    NOT NULL REFERENCES accounts (id),
    chat_key        TEXT    NOT NULL REFERENCES chats (key),
    to_address      TEXT    NOT NULL,      -- validated; never contains CR/LF
    subject         TEXT    NOT NULL,
    tz_offset_ms    INTEGER,               -- JavaScript getTimezoneOffset() sign, in ms; NULL = UTC
    created_at      INTEGER NOT NULL,      -- epoch ms
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),   -- failed attempts so far
    next_attempt_at INTEGER NOT NULL,      -- epoch ms; not tried before (backoff)
    sent_at         INTEGER,               -- epoch ms, once an SMTP server accepted it
    last_error      TEXT                   -- why the last attempt failed
) STRICT;
-- The mailer's scan: pending mails by next attempt. Partial, so delivered mails cost nothing.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
-- A chat's mails (status checks).
CREATE INDEX outbox_chat ON outbox (chat_key);
