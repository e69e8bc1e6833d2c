-- Authentication sessions: logins (keyed by a hash of the bearer), their aliases (hashes of the
-- CSRF token and the cookie) and LivePerson agent sessions. Only SHA-256 hashes of secrets are
-- stored, so a copy of the database does not let anyone act as an agent.
CREATE TABLE sessions (
    key_hash   TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,              -- login | login_alias | agent_session
    account_id TEXT NOT NULL REFERENCES accounts (id),
    agent_id   INTEGER NOT NULL,
    parent     TEXT,                       -- key_hash of the login this row belongs to
    data       TEXT NOT NULL DEFAULT '',   -- dialect details (e.g. the login's CSRF hash)
    created_at INTEGER NOT NULL,           -- epoch ms
    expires_at INTEGER NOT NULL            -- epoch ms; expired rows are swept
) STRICT;

-- Logout deletes a login's family by parent; the sweeper deletes by expiry.
CREATE INDEX sessions_parent ON sessions (parent);
CREATE INDEX sessions_expires ON sessions (expires_at);
