-- The account event log (issue 17): what happens in an account outside any chat's log
-- (offline messages, submitted surveys, agent availability changes, typing), for webhooks.
-- `seq` is the server-wide GlobalSeq taken from the SAME event_seq counter row as chat_events,
-- in the last statement before COMMIT (src/seq.rs), so seq order is commit order across both
-- logs and one webhook cursor reads them merged without ever passing a late commit. The
-- counter never goes down, so a deleted event's seq is never reused.
-- `response_id`: the survey response an offline-message or survey event announces. Erasing
-- the response (visitor erasure, chat deletion, retention) deletes the event with it.
CREATE TABLE account_events (
    seq         BIGINT PRIMARY KEY,
    account_id  TEXT   NOT NULL REFERENCES accounts (id),
    at          BIGINT NOT NULL,                   -- epoch ms
    response_id BIGINT REFERENCES survey_responses (id) ON DELETE CASCADE,
    kind_json   TEXT   NOT NULL                    -- serde form of chatwire_core::AccountEventKind
);
CREATE INDEX account_events_log ON account_events (account_id, seq);
CREATE INDEX account_events_response ON account_events (response_id)
    WHERE response_id IS NOT NULL;
