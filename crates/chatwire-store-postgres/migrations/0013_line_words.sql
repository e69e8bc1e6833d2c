-- The full-text index of visitor and agent lines moves out of chat_events into a table of its
-- own, written in the same transaction before the events are numbered.
--
-- Why: chat_events rows are inserted by the statement that holds the cluster's event counter
-- until COMMIT (src/seq.rs). With the GIN index on chat_events, every line's index upkeep (its
-- JSON parsed three times, a regular expression, the tsvector, the GIN insert: about 40 µs per
-- line, measured in docs/performance.md) ran while every other writer of the cluster waited for
-- the counter. Here it runs before the counter is taken, and the text arrives as a parameter
-- instead of being parsed out of kind_json.
--
-- words: the line's text with every run of characters that are not letters or digits made one
-- space (the same expression 0008's index used), so the 'simple' parser splits lines into the
-- words chatwire_core::history::search_words makes.
CREATE TABLE chat_line_words (
    chat_num    BIGINT  NOT NULL REFERENCES chats (num) ON DELETE CASCADE,
    event_id    INTEGER NOT NULL,
    account_id  TEXT    NOT NULL,
    words       TEXT    NOT NULL,
    PRIMARY KEY (chat_num, event_id)
);

-- No event may commit between the backfill's snapshot and this migration's COMMIT (it would
-- never be indexed): nodes still writing wait here until the migration is done.
LOCK TABLE chat_events IN SHARE MODE;

INSERT INTO chat_line_words (chat_num, event_id, account_id, words)
SELECT chat_num, event_id, account_id,
       regexp_replace((kind_json::jsonb) ->> 'text', '[^[:alnum:]]+', ' ', 'g')
FROM chat_events
WHERE (kind_json::jsonb) ->> 'kind' = 'line'
  AND (kind_json::jsonb) ->> 'source' IN ('visitor', 'agent');

CREATE INDEX chat_line_words_fts ON chat_line_words USING GIN (to_tsvector('simple', words));

DROP INDEX chat_events_lines_fts;
