-- 0011_webhooks: outbound webhook subscriptions and their dead letters.
--
-- A subscription's pending deliveries are the account's chat_events after `cursor` (read with
-- the chat_events_feed index on (account_id, seq)), so appending an event writes nothing here:
-- the event's own commit is its deliveries' commit. `next_attempt_at` is the backoff after a
-- failure and, while a worker holds a claim, the end of its lease.
CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT    NOT NULL REFERENCES accounts (id),
    url             TEXT    NOT NULL,
    -- Kept in the clear: signing needs the key itself (docs/webhooks.md, "Secrets").
    secret          TEXT    NOT NULL,
    kinds           INTEGER NOT NULL,             -- bit set of WebhookKind
    format          TEXT    NOT NULL,             -- 'chatwire'
    enabled         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    cursor          INTEGER NOT NULL,             -- last settled chat_events.seq
    attempts        INTEGER NOT NULL DEFAULT 0,   -- failed attempts of the next event
    next_attempt_at INTEGER NOT NULL,
    failing_since   INTEGER,
    last_error      TEXT
) STRICT;

CREATE INDEX webhooks_account ON webhooks (account_id, id);
CREATE INDEX webhooks_due ON webhooks (next_attempt_at) WHERE enabled = 1;

-- Events a subscription gave up on; deleted when replayed, or with the subscription.
CREATE TABLE webhook_dead_letters (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    last_error      TEXT    NOT NULL,
    first_failed_at INTEGER NOT NULL,
    dead_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_dead_letters_hook ON webhook_dead_letters (webhook_id, id);
