-- Outbound webhook subscriptions and their dead letters.
--
-- A subscription's pending deliveries are the account's chat_events after `cursor` (read with
-- the chat_events_feed index on (account_id, seq)), so appending an event writes nothing here:
-- the event's own commit is its deliveries' commit, and the event_seq counter (0001) makes
-- seq follow commit order, so a cursor never passes an event that commits late.
-- `next_attempt_at` is the backoff after a failure and, while a node holds a claim
-- (FOR UPDATE SKIP LOCKED), the end of its lease.
CREATE TABLE webhooks (
    id              BIGSERIAL PRIMARY KEY,
    account_id      TEXT     NOT NULL REFERENCES accounts (id),
    url             TEXT     NOT NULL,
    -- Kept in the clear: signing needs the key itself (docs/webhooks.md, "Secrets").
    secret          TEXT     NOT NULL,
    kinds           INTEGER  NOT NULL,            -- bit set of WebhookKind
    format          TEXT     NOT NULL,            -- 'chatwire'
    enabled         BOOLEAN  NOT NULL,
    created_at      BIGINT   NOT NULL,
    cursor          BIGINT   NOT NULL,            -- last settled chat_events.seq
    attempts        INTEGER  NOT NULL DEFAULT 0,  -- failed attempts of the next event
    next_attempt_at BIGINT   NOT NULL,
    failing_since   BIGINT,
    last_error      TEXT
);

CREATE INDEX webhooks_account ON webhooks (account_id, id);
CREATE INDEX webhooks_due ON webhooks (next_attempt_at) WHERE enabled;

-- Events a subscription gave up on; deleted when replayed, or with the subscription.
CREATE TABLE webhook_dead_letters (
    id              BIGSERIAL PRIMARY KEY,
    webhook_id      BIGINT   NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq             BIGINT   NOT NULL,
    attempts        INTEGER  NOT NULL,
    last_error      TEXT     NOT NULL,
    first_failed_at BIGINT   NOT NULL,
    dead_at         BIGINT   NOT NULL
);

CREATE INDEX webhook_dead_letters_hook ON webhook_dead_letters (webhook_id, id);
