-- 0001_init: the first chatwire schema.
--
-- Conventions:
-- * STRICT tables, so a wrong type is an error instead of being silently stored as text.
-- * Times are INTEGER milliseconds since the Unix epoch, UTC (chatwire_core::Timestamp).
-- * Ids of skills, agents and chats are INTEGER PRIMARY KEYs (the rowid), so a lookup by id is
--   one B-tree seek and no extra index is needed.
-- * A chat is stored whole as JSON (`chat_json`, the serde form of chatwire_core::Chat) beside
--   the few columns we query on. The aggregate has ~20 fields that only the domain reads; one
--   column keeps the schema stable while the domain grows, and a chat is always read whole.
-- * The event log is append-only: rows of chat_events are inserted once and never updated.

-- Tenants. Every other row belongs to exactly one account.
CREATE TABLE accounts (
    id          TEXT    PRIMARY KEY NOT NULL,  -- AccountId, ^[A-Za-z0-9_]{1,20}$
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- Skills (SuperOffice chat topics): the queues chats wait in.
CREATE TABLE skills (
    id              INTEGER PRIMARY KEY,
    account_id      TEXT    NOT NULL REFERENCES accounts (id),
    name            TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    welcome_message TEXT    NOT NULL  -- empty for none
) STRICT;
-- Names are unique per account, ignoring ASCII case ("Sales" and "SALES" clash). NOCASE folds
-- ASCII only, exactly like the domain's eq_ignore_ascii_case.
CREATE UNIQUE INDEX skills_account_name ON skills (account_id, name COLLATE NOCASE);

-- Agents (SuperOffice associates).
CREATE TABLE agents (
    id            INTEGER PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES accounts (id),
    login_name    TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,           -- PHC-format argon2, never the password
    nickname      TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    max_chats     INTEGER NOT NULL,           -- -1 = unlimited (the LivePerson wire value)
    skills_json   TEXT    NOT NULL,           -- JSON array of skill ids, e.g. [3,7]
    availability  TEXT    NOT NULL,           -- Online | Away | Occupied | Offline
    is_admin      INTEGER NOT NULL CHECK (is_admin IN (0, 1)),
    enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1))
) STRICT;
-- Login names are unique per account, ignoring ASCII case; also serves find-by-login.
CREATE UNIQUE INDEX agents_account_login ON agents (account_id, login_name COLLATE NOCASE);

-- Visitor application keys (LivePerson appKey).
CREATE TABLE app_keys (
    key           TEXT    PRIMARY KEY NOT NULL,
    account_id    TEXT    NOT NULL REFERENCES accounts (id),
    name          TEXT    NOT NULL,
    can_read_feed INTEGER NOT NULL CHECK (can_read_feed IN (0, 1)),
    created_at    INTEGER NOT NULL
) STRICT;

-- Chats. `num` is the SuperOffice ChatSessionId, `key` the LivePerson chatSessionKey.
-- state and agent_id duplicate fields of chat_json so they can be indexed; the writer keeps
-- them in step in the same statement that rewrites chat_json.
CREATE TABLE chats (
    num         INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    account_id  TEXT    NOT NULL REFERENCES accounts (id),
    state       TEXT    NOT NULL CHECK (state IN ('waiting', 'chatting', 'ended')),
    agent_id    INTEGER,                      -- handling agent (chatting) or last one (ended)
    chat_json   TEXT    NOT NULL
) STRICT;
-- An agent's load (chatting chats of one agent, counted inside every accept) and the
-- "chats this agent handled" list.
CREATE INDEX chats_agent_state ON chats (agent_id, state);
-- Open chats (state <> 'ended'), read at start-up to warm the engine's index.
CREATE INDEX chats_state ON chats (state);

-- The event log of every chat. `seq` is the server-wide GlobalSeq: the writer assigns it in
-- commit order, so the rowid order is the feed order and MAX(seq) is the last one handed out.
-- (chat_num, event_id) is unique: a second writer racing for the same event id would fail
-- loudly here instead of forking a chat's log.
CREATE TABLE chat_events (
    seq         INTEGER PRIMARY KEY,
    chat_num    INTEGER NOT NULL REFERENCES chats (num),
    event_id    INTEGER NOT NULL,             -- per-chat id, contiguous from 0
    account_id  TEXT    NOT NULL,             -- copy of the chat's account, for the feed index
    at          INTEGER NOT NULL,
    kind_json   TEXT    NOT NULL,             -- serde form of chatwire_core::EventKind
    UNIQUE (chat_num, event_id)
) STRICT;
-- The account feed: one account's events in seq order, after a cursor.
CREATE INDEX chat_events_feed ON chat_events (account_id, seq);
