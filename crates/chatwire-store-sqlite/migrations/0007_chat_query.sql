-- The session archive query (Store::query_chats): the chat fields a query filters and sorts on
-- get columns of their own, copied from chat_json by every write that changes them, so a query
-- runs on indexes with bound parameters instead of decoding every chat. Existing rows are
-- filled from their chat_json.
ALTER TABLE chats ADD COLUMN skill_id INTEGER;
ALTER TABLE chats ADD COLUMN requested_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN accepted_at INTEGER;
ALTER TABLE chats ADD COLUMN ended_at INTEGER;
ALTER TABLE chats ADD COLUMN visitor_name TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN transfer_from INTEGER;   -- agent a pending transfer comes from
ALTER TABLE chats ADD COLUMN transfer_to INTEGER;     -- agent a pending personal transfer goes to

UPDATE chats SET
    skill_id = json_extract(chat_json, '$.skill'),
    requested_at = json_extract(chat_json, '$.started_at'),
    accepted_at = json_extract(chat_json, '$.accepted_at'),
    ended_at = json_extract(chat_json, '$.ended_at'),
    visitor_name = COALESCE(json_extract(chat_json, '$.visitor_name'), ''),
    transfer_from = json_extract(chat_json, '$.transfer.from.id'),
    transfer_to = json_extract(chat_json, '$.transfer.target.Agent.id');

-- An account's archive in number order (the default), by request and end time, by topic.
CREATE INDEX chats_account_num ON chats (account_id, num);
CREATE INDEX chats_account_requested ON chats (account_id, requested_at);
CREATE INDEX chats_account_ended ON chats (account_id, ended_at);
CREATE INDEX chats_account_skill ON chats (account_id, skill_id, num);
-- An agent's transfers, for an agent's scope.
CREATE INDEX chats_transfer_from ON chats (transfer_from) WHERE transfer_from IS NOT NULL;
CREATE INDEX chats_transfer_to ON chats (transfer_to) WHERE transfer_to IS NOT NULL;
