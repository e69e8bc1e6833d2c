-- The admin API: web origins allowed to use an app key from a browser (normalised origins,
-- e.g. {https://shop.example.com}), and admin API tokens (only a SHA-256 of each token is
-- kept; account_id NULL = server-wide).
ALTER TABLE app_keys ADD COLUMN allowed_origins TEXT[] NOT NULL DEFAULT '{}';

CREATE TABLE admin_tokens (
    id          TEXT   PRIMARY KEY,
    token_hash  TEXT   NOT NULL UNIQUE,
    name        TEXT   NOT NULL,
    account_id  TEXT   REFERENCES accounts (id),
    created_at  BIGINT NOT NULL
);

-- Sessions of one agent (disabling or deleting an agent deletes them all); the application
-- logins migration makes the same index, hence IF NOT EXISTS.
CREATE INDEX IF NOT EXISTS sessions_agent ON sessions (account_id, agent_id);
