-- 0001_init: the chatwire schema for PostgreSQL (the same tables as the SQLite backend).
--
-- Conventions:
-- * Times are BIGINT milliseconds since the Unix epoch, UTC (chatwire_core::Timestamp).
-- * Ids that the server hands out come from sequences (identity columns or named sequences):
--   several nodes insert at once, so MAX(id) + 1 would race. A sequence never hands a number
--   out twice, not even after a rollback or a delete, so a deleted skill's id is never reused
--   (chats keep it) without the tombstone table SQLite needs.
-- * A chat is stored whole as JSON text (`chat_json`, the serde form of chatwire_core::Chat)
--   beside the few columns we query on. TEXT rather than JSONB: it is always read and written
--   whole, never queried inside, and JSONB would re-parse it on every write.
-- * The event log is append-only: rows of chat_events are inserted once and never updated.
-- * Every object is created unqualified, so it lands in the schema first on the search path
--   (PgOptions::schema).

-- Case-insensitive names fold ASCII only, exactly like the domain's eq_ignore_ascii_case
-- (lower() would also fold non-ASCII letters, per the database's locale).
CREATE FUNCTION ascii_lower(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;

-- Tenants. Every other row belongs to exactly one account.
CREATE TABLE accounts (
    id          TEXT   PRIMARY KEY,               -- AccountId, ^[A-Za-z0-9_]{1,20}$
    name        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Skills (SuperOffice chat topics): the queues chats wait in.
CREATE TABLE skills (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      TEXT   NOT NULL REFERENCES accounts (id),
    name            TEXT   NOT NULL,
    description     TEXT   NOT NULL,
    welcome_message TEXT   NOT NULL               -- empty for none
);
-- Names are unique per account, ignoring ASCII case ("Sales" and "SALES" clash).
CREATE UNIQUE INDEX skills_account_name ON skills (account_id, ascii_lower(name));

-- Agents (SuperOffice associates).
CREATE TABLE agents (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id),
    login_name    TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,               -- PHC-format argon2, never the password
    nickname      TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    max_chats     INTEGER NOT NULL,               -- -1 = unlimited (the LivePerson wire value)
    skills        BIGINT[] NOT NULL,              -- skill ids, in the order given
    availability  TEXT    NOT NULL CHECK (availability IN ('Online', 'Away', 'Occupied', 'Offline')),
    is_admin      BOOLEAN NOT NULL,
    enabled       BOOLEAN NOT NULL
);
-- Login names are unique per account, ignoring ASCII case; also serves find-by-login.
CREATE UNIQUE INDEX agents_account_login ON agents (account_id, ascii_lower(login_name));

-- Visitor application keys (LivePerson appKey).
CREATE TABLE app_keys (
    key           TEXT    PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id),
    name          TEXT    NOT NULL,
    can_read_feed BOOLEAN NOT NULL,
    created_at    BIGINT  NOT NULL
);

-- Chats. `num` is the SuperOffice ChatSessionId (taken from chat_nums before the chat is
-- built, since the domain needs it), `key` the LivePerson chatSessionKey. state and agent_id
-- duplicate fields of chat_json so they can be indexed; every write sets all three together.
CREATE SEQUENCE chat_nums;
CREATE TABLE chats (
    num         BIGINT PRIMARY KEY,
    key         TEXT   NOT NULL UNIQUE,
    account_id  TEXT   NOT NULL REFERENCES accounts (id),
    state       TEXT   NOT NULL CHECK (state IN ('waiting', 'chatting', 'ended')),
    agent_id    BIGINT,                           -- handling agent (chatting) or last one (ended)
    chat_json   TEXT   NOT NULL
);
-- An agent's load (chatting chats of one agent, counted inside every accept) and the
-- "chats this agent handled" list.
CREATE INDEX chats_agent_state ON chats (agent_id, state);
-- Open chats, read at start-up to warm the engine's index; ended chats cost nothing here.
CREATE INDEX chats_open ON chats (num) WHERE state IN ('waiting', 'chatting');

-- The event log of every chat. `seq` is the server-wide GlobalSeq, taken from event_seq as the
-- last statement of the writing transaction (see src/seq.rs), so seq order is commit order.
-- (chat_num, event_id) is unique: a writer racing for the same event id would fail loudly here
-- instead of forking a chat's log.
CREATE TABLE chat_events (
    seq         BIGINT  PRIMARY KEY,
    chat_num    BIGINT  NOT NULL REFERENCES chats (num),
    event_id    INTEGER NOT NULL,                 -- per-chat id, contiguous from 0
    account_id  TEXT    NOT NULL,                 -- copy of the chat's account, for the feed
    at          BIGINT  NOT NULL,
    kind_json   TEXT    NOT NULL,                 -- serde form of chatwire_core::EventKind
    UNIQUE (chat_num, event_id)
);
-- The account feed: one account's events in seq order, after a cursor.
CREATE INDEX chat_events_feed ON chat_events (account_id, seq);

-- The global sequence counter: one row, its lock held from the increment to the commit. Not a
-- SEQUENCE, because nextval() is handed out at call time, not at commit, and a reader could
-- see seq N+1 committed before N.
CREATE TABLE event_seq (
    id   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    last BIGINT  NOT NULL
);
INSERT INTO event_seq (id, last) VALUES (TRUE, 0);

-- Authentication sessions: logins (keyed by a hash of the bearer), their aliases and
-- LivePerson agent sessions. Only SHA-256 hashes of secrets are stored.
CREATE TABLE sessions (
    key_hash   TEXT   PRIMARY KEY,
    kind       TEXT   NOT NULL CHECK (kind IN ('login', 'login_alias', 'agent_session')),
    account_id TEXT   NOT NULL REFERENCES accounts (id),
    agent_id   BIGINT NOT NULL,
    parent     TEXT,                              -- key_hash of the login this row belongs to
    data       TEXT   NOT NULL DEFAULT '',        -- dialect details (e.g. the login's CSRF hash)
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL                    -- expired rows are swept
);
-- Logout deletes a login's family by parent; the sweeper deletes by expiry.
CREATE INDEX sessions_parent ON sessions (parent);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Survey definitions and submitted answers, stored as JSON: read whole, never queried by field.
-- The id is taken from survey_ids first so the stored document carries it.
CREATE SEQUENCE survey_ids;
CREATE TABLE surveys (
    id         BIGINT PRIMARY KEY,
    account_id TEXT   NOT NULL REFERENCES accounts (id),
    kind       TEXT   NOT NULL,                   -- pre_chat | offline | exit | agent
    json       TEXT   NOT NULL                    -- the whole Survey
);
CREATE INDEX surveys_account ON surveys (account_id);

CREATE TABLE survey_responses (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- submission order
    account_id   TEXT   NOT NULL REFERENCES accounts (id),
    survey_id    BIGINT NOT NULL REFERENCES surveys (id),
    chat_key     TEXT,                            -- the chat it is about, if any
    json         TEXT   NOT NULL,                 -- the whole SurveyResponse
    submitted_at BIGINT NOT NULL
);
CREATE INDEX survey_responses_account ON survey_responses (account_id, chat_key);

-- The mail outbox: chat transcripts owed to visitors, kept until an SMTP server takes them.
-- A mail is due when it is pending, its chat has ended and next_attempt_at has passed; whether
-- the chat has ended is read from `chats`, not copied here, so it can never be stale.
CREATE TABLE outbox (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- MailId, queue order
    account_id      TEXT    NOT NULL REFERENCES accounts (id),
    chat_key        TEXT    NOT NULL REFERENCES chats (key),
    to_address      TEXT    NOT NULL,             -- validated; never contains CR/LF
    subject         TEXT    NOT NULL,
    tz_offset_ms    BIGINT,                       -- getTimezoneOffset() sign, in ms; NULL = UTC
    created_at      BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),  -- failed attempts so far
    next_attempt_at BIGINT  NOT NULL,             -- not tried before (backoff)
    sent_at         BIGINT,                       -- once an SMTP server accepted it
    last_error      TEXT                          -- why the last attempt failed
);
-- The mailer's scan: pending mails by next attempt. Partial, so delivered mails cost nothing.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
-- A chat's mails (status checks).
CREATE INDEX outbox_chat ON outbox (chat_key);

-- SuperOffice topic settings: the SuperOffice-only settings of a skill as one JSON document,
-- read and written whole; deleted with its skill.
CREATE TABLE topic_settings (
    skill_id   BIGINT PRIMARY KEY REFERENCES skills (id) ON DELETE CASCADE,
    account_id TEXT   NOT NULL REFERENCES accounts (id),
    json       TEXT   NOT NULL
);
