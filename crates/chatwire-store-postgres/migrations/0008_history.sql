-- 0008_history: history search, statistics, offline messages, erasure and retention
-- (issue 15, items 3-5). Applied after 0005_agent_seen (the position in migrate.rs is the
-- version; the number only orders the files).

-- Who a chat is about, for the history's visitor filter and for erasure: the numeric visitor
-- id and the customer e-mail (trimmed, ASCII-lowercased), written with chat_json.
ALTER TABLE chats
    ADD COLUMN visitor_id     BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN customer_email TEXT;
UPDATE chats SET
    visitor_id = COALESCE((chat_json::jsonb ->> 'visitor_id')::BIGINT, 0),
    customer_email = ascii_lower(btrim(chat_json::jsonb #>> '{request,customer_email}'));
CREATE INDEX chats_account_visitor ON chats (account_id, visitor_id);
CREATE INDEX chats_account_email ON chats (account_id, customer_email)
    WHERE customer_email IS NOT NULL;
-- History order: newest first, chat number breaking ties (the keyset cursor).
CREATE INDEX chats_account_history ON chats (account_id, requested_at DESC, num DESC);

-- Statistics' raw data: one narrow row per chat, written in the same transaction as the
-- chat's events (a line bumps line_count), scanned by (account_id, requested_at).
CREATE TABLE chat_facts (
    num          BIGINT PRIMARY KEY REFERENCES chats (num),
    account_id   TEXT   NOT NULL,
    requested_at BIGINT NOT NULL,
    skill_id     BIGINT,
    agent_id     BIGINT,
    accepted_at  BIGINT,
    ended_at     BIGINT,
    line_count   BIGINT NOT NULL DEFAULT 0      -- visitor and agent lines
);
CREATE INDEX chat_facts_account_requested ON chat_facts (account_id, requested_at);
INSERT INTO chat_facts (num, account_id, requested_at, skill_id, agent_id, accepted_at,
                        ended_at, line_count)
SELECT c.num, c.account_id, c.requested_at, c.skill_id, c.agent_id, c.accepted_at, c.ended_at,
       (SELECT COUNT(*) FROM chat_events e
         WHERE e.chat_num = c.num
           AND (e.kind_json::jsonb) ->> 'kind' = 'line'
           AND (e.kind_json::jsonb) ->> 'source' IN ('visitor', 'agent'))
FROM chats c;

-- Full-text search over visitor and agent lines: a GIN index on the lines' text, an
-- expression over the event log itself (nothing to keep in step, nothing extra to delete).
-- 'simple': lowercased words, no stemming, like chatwire_core::history. Its parser alone would
-- keep e-mail addresses, host names, versions (1.2.3) and hyphenated words as whole tokens,
-- while chatwire_core::history::search_words splits words at every character that is not a
-- letter or digit; replacing those runs by spaces first gives the parser the same words
-- (SQLite's unicode61 tokenizer and the memory store split the same way). Queries repeat
-- these exact expressions so the planner uses the index.
CREATE INDEX chat_events_lines_fts ON chat_events
    USING GIN (to_tsvector('simple',
        regexp_replace((kind_json::jsonb) ->> 'text', '[^[:alnum:]]+', ' ', 'g')))
    WHERE (kind_json::jsonb) ->> 'kind' = 'line'
      AND (kind_json::jsonb) ->> 'source' IN ('visitor', 'agent');

-- Survey responses get the fields offline messages and erasure query on. Scores of responses
-- stored before this migration are not back-filled (statistics count them as unscored).
ALTER TABLE survey_responses
    ADD COLUMN kind        TEXT,
    ADD COLUMN visitor_id  BIGINT,
    ADD COLUMN email       TEXT,
    ADD COLUMN score_sum   DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN score_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN handled_at  BIGINT,
    ADD COLUMN handled_by  BIGINT;
UPDATE survey_responses SET
    kind = json::jsonb ->> 'kind',
    visitor_id = (SELECT btrim(e ->> 1)::BIGINT
                    FROM jsonb_array_elements(json::jsonb -> 'context') e
                   WHERE e ->> 0 = 'visitorId' AND e ->> 1 ~ '^\s*-?[0-9]{1,18}\s*$' LIMIT 1),
    email = (SELECT ascii_lower(btrim(a))
               FROM jsonb_array_elements(json::jsonb -> 'answers') q,
                    jsonb_array_elements_text(q -> 'answers') a
              WHERE a LIKE '%_@_%.%' AND a NOT LIKE '% %' LIMIT 1);
CREATE INDEX survey_responses_offline ON survey_responses (account_id, id)
    WHERE kind = 'offline';
CREATE INDEX survey_responses_visitor ON survey_responses (account_id, visitor_id)
    WHERE visitor_id IS NOT NULL;
CREATE INDEX survey_responses_email ON survey_responses (account_id, email)
    WHERE email IS NOT NULL;
CREATE INDEX mailbox_chat ON mailbox (chat_key);

-- Per-account retention: ended chats older than `days` are deleted by the sweeper.
CREATE TABLE retention (
    account_id TEXT    PRIMARY KEY REFERENCES accounts (id),
    days       INTEGER NOT NULL CHECK (days > 0)
);
