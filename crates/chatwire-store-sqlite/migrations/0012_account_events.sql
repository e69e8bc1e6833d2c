-- The account event log (issue 17): what happens in an account outside any chat's log
-- (offline messages, submitted surveys, agent availability changes, typing), for webhooks.
-- `seq` is the server-wide GlobalSeq, handed out by the single writer from the SAME counter
-- as chat_events (its start is the max over both tables and high_water), so one cursor orders
-- both logs in commit order and a webhook reads them merged.
-- `response_id`: the survey response an offline-message or survey event announces. Erasing
-- the response (visitor erasure, chat deletion, retention) deletes the event with it, so no
-- visitor answer outlives its response here.
CREATE TABLE account_events (
    seq         INTEGER PRIMARY KEY,
    account_id  TEXT    NOT NULL REFERENCES accounts (id),
    at          INTEGER NOT NULL,                  -- epoch ms
    response_id INTEGER REFERENCES survey_responses (id) ON DELETE CASCADE,
    kind_json   TEXT    NOT NULL                   -- serde form of chatwire_core::AccountEventKind
) STRICT;
-- A subscription's reads: one account's events in seq order, after a cursor.
CREATE INDEX account_events_log ON account_events (account_id, seq);
CREATE INDEX account_events_response ON account_events (response_id)
    WHERE response_id IS NOT NULL;

-- A deleted event's seq is never handed out again (the writer starts from the max over both
-- logs and high_water): a cursor already past it would otherwise skip the reuse.
CREATE TRIGGER account_events_keep_high_water AFTER DELETE ON account_events
BEGIN
    INSERT INTO high_water (name, value) VALUES ('seq', OLD.seq)
        ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value);
END;
