-- The session archive query (Store::query_chats): the chat fields a query filters and sorts on
-- get columns of their own, written with chat_json by every chat write, so a query runs on
-- indexes with bound parameters instead of decoding every chat. Existing rows are filled from
-- their chat_json.
ALTER TABLE chats
    ADD COLUMN skill_id      BIGINT,
    ADD COLUMN requested_at  BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN accepted_at   BIGINT,
    ADD COLUMN ended_at      BIGINT,
    ADD COLUMN visitor_name  TEXT   NOT NULL DEFAULT '',
    ADD COLUMN transfer_from BIGINT,   -- agent a pending transfer comes from
    ADD COLUMN transfer_to   BIGINT;   -- agent a pending personal transfer goes to

UPDATE chats SET
    skill_id = (chat_json::jsonb ->> 'skill')::BIGINT,
    requested_at = (chat_json::jsonb ->> 'started_at')::BIGINT,
    accepted_at = (chat_json::jsonb ->> 'accepted_at')::BIGINT,
    ended_at = (chat_json::jsonb ->> 'ended_at')::BIGINT,
    visitor_name = COALESCE(chat_json::jsonb ->> 'visitor_name', ''),
    transfer_from = (chat_json::jsonb #>> '{transfer,from,id}')::BIGINT,
    transfer_to = (chat_json::jsonb #>> '{transfer,target,Agent,id}')::BIGINT;

-- An account's archive in number order (the default), by request and end time, by topic.
CREATE INDEX chats_account_num ON chats (account_id, num);
CREATE INDEX chats_account_requested ON chats (account_id, requested_at);
CREATE INDEX chats_account_ended ON chats (account_id, ended_at);
CREATE INDEX chats_account_skill ON chats (account_id, skill_id, num);
-- An agent's transfers, for an agent's scope.
CREATE INDEX chats_transfer_from ON chats (transfer_from) WHERE transfer_from IS NOT NULL;
CREATE INDEX chats_transfer_to ON chats (transfer_to) WHERE transfer_to IS NOT NULL;
