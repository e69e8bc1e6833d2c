-- The local mailbox: mails the outbox delivered here because no SMTP server is configured
-- (the demo, a first install), kept as rendered so they can be read through chatwire's API.
-- A row is written together with its outbox mail's 'sent' (one transaction), so every
-- outbox mail lands here at most once.
CREATE TABLE mailbox (
    id           INTEGER PRIMARY KEY,   -- MailboxId; insertion order = delivery order (the cursor)
    account_id   TEXT    NOT NULL REFERENCES accounts (id),
    outbox_id    INTEGER NOT NULL UNIQUE REFERENCES outbox (id),
    chat_key     TEXT    NOT NULL,
    from_address TEXT    NOT NULL,
    to_address   TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    body_text    TEXT    NOT NULL,
    body_html    TEXT    NOT NULL,
    delivered_at INTEGER NOT NULL       -- epoch ms
) STRICT;
-- An account's mailbox page by cursor.
CREATE INDEX mailbox_account ON mailbox (account_id, id);
