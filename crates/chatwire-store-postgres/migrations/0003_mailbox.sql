-- 0003_mailbox: the local mailbox, where the outbox delivers when no SMTP server is configured
-- (the demo, a first install), kept as rendered so it can be read through chatwire's API. A row
-- is written in the same statement that marks its outbox mail sent, so every outbox mail lands
-- here at most once.
CREATE TABLE mailbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- MailboxId, the cursor
    account_id   TEXT   NOT NULL REFERENCES accounts (id),
    outbox_id    BIGINT NOT NULL UNIQUE REFERENCES outbox (id),
    chat_key     TEXT   NOT NULL,
    from_address TEXT   NOT NULL,
    to_address   TEXT   NOT NULL,
    subject      TEXT   NOT NULL,
    body_text    TEXT   NOT NULL,
    body_html    TEXT   NOT NULL,
    delivered_at BIGINT NOT NULL                  -- ms since the epoch
);
-- An account's mailbox page by cursor.
CREATE INDEX mailbox_account ON mailbox (account_id, id);
