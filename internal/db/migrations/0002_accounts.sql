-- Accounts: users and their roles, refresh tokens (stored hashed, in rotation families),
-- password-reset tokens (hashed, single use) and the e-mail outbox.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,            -- normalized: trimmed, lower case
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,           -- Argon2id, PHC string format
    country TEXT NOT NULL,                 -- ISO 3166-1 alpha-2
    organization TEXT NOT NULL DEFAULT '',
    organization_type TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    reputation INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,   -- 1: cannot sign in; every session and token ended
    epoch INTEGER NOT NULL DEFAULT 0,      -- bumped to end every session and token of the user
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX users_created_at ON users (created_at);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,           -- hex SHA-256 of the opaque token
    family_id TEXT NOT NULL,               -- every token rotated from one sign-in shares it
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,                          -- set when rotated; using it again revokes the family
    revoked_at TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_unsent ON outbox (sent_at, created_at);
