-- 0009_history: history search, statistics, offline messages, erasure and retention
-- (issue 15, items 3-5). Applied as the migration after 0007_chat_query (the position in
-- migrate.rs is the version; the number only orders the files).

-- Who a chat is about, for the history's visitor filter and for erasure: the numeric visitor
-- id and the customer e-mail (trimmed, ASCII-lowercased), copied from chat_json by every
-- write that changes them.
ALTER TABLE chats ADD COLUMN visitor_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN customer_email TEXT;
UPDATE chats SET
    visitor_id = COALESCE(json_extract(chat_json, '$.visitor_id'), 0),
    customer_email = lower(trim(json_extract(chat_json, '$.request.customer_email')));
CREATE INDEX chats_account_visitor ON chats (account_id, visitor_id);
CREATE INDEX chats_account_email ON chats (account_id, customer_email)
    WHERE customer_email IS NOT NULL;

-- Statistics' raw data: one narrow row per chat, written in the same transaction as the
-- chat's events (a line bumps line_count), so a month of a busy account is one index range
-- scan of small rows instead of decoding chat_json. Deleted with its chat.
CREATE TABLE chat_facts (
    num          INTEGER PRIMARY KEY REFERENCES chats (num),
    account_id   TEXT    NOT NULL,
    requested_at INTEGER NOT NULL,
    skill_id     INTEGER,
    agent_id     INTEGER,
    accepted_at  INTEGER,
    ended_at     INTEGER,
    line_count   INTEGER NOT NULL DEFAULT 0   -- visitor and agent lines
) STRICT;
CREATE INDEX chat_facts_account_requested ON chat_facts (account_id, requested_at);
INSERT INTO chat_facts (num, account_id, requested_at, skill_id, agent_id, accepted_at,
                        ended_at, line_count)
SELECT num, account_id, requested_at, skill_id, agent_id, accepted_at, ended_at,
       (SELECT COUNT(*) FROM chat_events e
         WHERE e.chat_num = chats.num
           AND json_extract(e.kind_json, '$.kind') = 'line'
           AND json_extract(e.kind_json, '$.source') IN ('visitor', 'agent'))
FROM chats;

-- Full-text search over visitor and agent lines: one FTS5 row per line, its rowid the
-- event's seq (so a match joins chat_events by primary key to find the chat). Contentless
-- (the text is in chat_events already); a deletion removes a line with FTS5's 'delete'
-- command and the line's text, a delete marker merged like an insert (contentless_delete's
-- tombstones made FTS5 rewrite whole segments inside the deleting transaction: up to 218 ms
-- of stalled appends during retention).
-- remove_diacritics 0: words compare as the domain lowercases them (chatwire_core::history).
CREATE VIRTUAL TABLE chat_lines_fts USING fts5(
    text, content = '', tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO chat_lines_fts (rowid, text)
SELECT seq, json_extract(kind_json, '$.text') FROM chat_events
 WHERE json_extract(kind_json, '$.kind') = 'line'
   AND json_extract(kind_json, '$.source') IN ('visitor', 'agent');

-- Survey responses get the fields offline messages and erasure query on: the kind, the
-- visitor id sent in the context, the first e-mail answer, exit-survey scores, and whether an
-- agent handled the (offline) message. Scores of responses stored before this migration are
-- not back-filled (their answers are JSON text); statistics count them as unscored.
ALTER TABLE survey_responses ADD COLUMN kind TEXT;
ALTER TABLE survey_responses ADD COLUMN visitor_id INTEGER;
ALTER TABLE survey_responses ADD COLUMN email TEXT;
ALTER TABLE survey_responses ADD COLUMN score_sum REAL NOT NULL DEFAULT 0;
ALTER TABLE survey_responses ADD COLUMN score_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE survey_responses ADD COLUMN handled_at INTEGER;
ALTER TABLE survey_responses ADD COLUMN handled_by INTEGER;
UPDATE survey_responses SET
    kind = json_extract(survey_responses.json, '$.kind'),
    visitor_id = (SELECT CAST(json_extract(c.value, '$[1]') AS INTEGER)
                    FROM json_each(survey_responses.json, '$.context') c
                   WHERE json_extract(c.value, '$[0]') = 'visitorId' LIMIT 1),
    email = (SELECT lower(trim(a.value))
               FROM json_each(survey_responses.json, '$.answers') q, json_each(q.value, '$.answers') a
              WHERE a.value LIKE '%_@_%.%' AND a.value NOT LIKE '% %' LIMIT 1);
CREATE INDEX survey_responses_offline ON survey_responses (account_id, id)
    WHERE kind = 'offline';
CREATE INDEX survey_responses_visitor ON survey_responses (account_id, visitor_id)
    WHERE visitor_id IS NOT NULL;
CREATE INDEX survey_responses_email ON survey_responses (account_id, email)
    WHERE email IS NOT NULL;
CREATE INDEX mailbox_chat ON mailbox (chat_key);

-- Numbers handed out before a deletion: the writer numbers new chats and events past
-- MAX(column) and this, so deleting the newest chat never gives its number (or its events'
-- feed cursors) to another.
CREATE TABLE high_water (
    name  TEXT    PRIMARY KEY,   -- 'seq' | 'num'
    value INTEGER NOT NULL
) STRICT;

-- Per-account retention: ended chats older than `days` are deleted by the sweeper.
CREATE TABLE retention (
    account_id TEXT    PRIMARY KEY REFERENCES accounts (id),
    days       INTEGER NOT NULL CHECK (days > 0)
) STRICT;
