-- 0007_app_logins: bots' application logins (LivePerson "application login") in the database,
-- so that an admin creates and revokes them without a restart, and a revocation reaches every
-- node at once (the write sends a directory wake-up). Only a hash of the secret parts is
-- stored; the app key names the credentials and is looked up. Revoked rows are kept
-- (revoked_at set) so that a configuration seed cannot bring a revoked app key back.
CREATE TABLE app_logins (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  TEXT   NOT NULL REFERENCES accounts (id),
    agent_id    BIGINT NOT NULL REFERENCES agents (id),
    app_key     TEXT   NOT NULL,
    secret_hash TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,                  -- epoch ms
    revoked_at  BIGINT,                           -- epoch ms; NULL while active
    UNIQUE (account_id, app_key)
);

-- Revoking ends the bot's sessions: find them by agent.
CREATE INDEX sessions_agent ON sessions (account_id, agent_id);
