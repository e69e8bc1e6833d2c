-- Bots' application logins (LivePerson "application login"), kept in the database so that an
-- admin can create and revoke them without a restart (they used to live only in the TOML file,
-- which is now a seed imported at start). Only a hash of the secret parts is stored; the app
-- key names the credentials and is looked up. Revoked rows are kept (revoked_at set) so that a
-- configuration seed cannot bring a revoked app key back.
CREATE TABLE app_logins (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    agent_id    INTEGER NOT NULL REFERENCES agents (id),
    app_key     TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  INTEGER NOT NULL,          -- epoch ms
    revoked_at  INTEGER,                   -- epoch ms; NULL while active
    UNIQUE (account_id, app_key)
) STRICT;

-- Revoking ends the bot's sessions: find them by agent.
CREATE INDEX sessions_agent ON sessions (account_id, agent_id);
