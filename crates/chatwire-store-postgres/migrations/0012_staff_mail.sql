-- 0012_staff_mail: staff notifications by e-mail.
--
-- Where staff mail goes: an optional address on a skill and on the account (NULL for none).
ALTER TABLE skills ADD COLUMN notify_email TEXT;
ALTER TABLE accounts ADD COLUMN notify_email TEXT;

-- The outbox gets a kind: 'transcript' (as before: due once its chat has ended),
-- 'offline_message' (a notice of offline message offline_id, about no chat) and
-- 'waiting_alert' (a notice that chat_key waited too long with no agent online). Notices are
-- due at once.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'transcript'
    CHECK (kind IN ('transcript', 'offline_message', 'waiting_alert'));
ALTER TABLE outbox ADD COLUMN offline_id BIGINT;  -- survey_responses.id of an offline notice
ALTER TABLE outbox ALTER COLUMN chat_key DROP NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_chat_by_kind
    CHECK ((kind = 'offline_message') = (chat_key IS NULL));
ALTER TABLE mailbox ALTER COLUMN chat_key DROP NOT NULL;
-- An offline message's notices (erasure, retention).
CREATE INDEX outbox_offline ON outbox (offline_id) WHERE offline_id IS NOT NULL;
-- The durable "alert raised" marker: at most one waiting alert per chat, ever. The alert's
-- insert is its own marker, so two nodes racing leave one row and one mail.
CREATE UNIQUE INDEX outbox_waiting_alert ON outbox (chat_key) WHERE kind = 'waiting_alert';
