-- Survey definitions (pre-chat, offline, exit, agent) and submitted answers. Definitions and
-- answers are stored as JSON: they are read whole, never queried by field.
CREATE TABLE surveys (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL,    -- pre_chat | offline | exit | agent
    json       TEXT NOT NULL     -- the whole Survey
) STRICT;
CREATE INDEX surveys_account ON surveys (account_id);

CREATE TABLE survey_responses (
    id           INTEGER PRIMARY KEY,   -- insertion order = submission order
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    survey_id    INTEGER NOT NULL REFERENCES surveys (id),
    chat_key     TEXT,                  -- the chat it is about, if any
    json         TEXT NOT NULL,         -- the whole SurveyResponse
    submitted_at INTEGER NOT NULL       -- epoch ms
) STRICT;
CREATE INDEX survey_responses_account ON survey_responses (account_id, chat_key);
