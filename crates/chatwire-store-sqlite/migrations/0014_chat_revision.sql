-- 0014_chat_revision: each chat's revision as a column beside chat_json.
--
-- The writer keeps the chats it wrote decoded in memory (src/chat_cache.rs), so that the next
-- line of a conversation does not read and decode chat_json again. Before using a cached chat
-- it compares the cached revision with this column, read by the chat's key: a write by any
-- other connection (a second store on the file, the chatwire CLI) bumps it. Every write of
-- chat_json writes it too; chat_json stays the whole chat and readers read only chat_json.
ALTER TABLE chats ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
UPDATE chats SET revision = COALESCE(json_extract(chat_json, '$.revision'), 0);
