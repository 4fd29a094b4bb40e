-- Two-step verification (TOTP, RFC 6238) and its one-time recovery codes. A row of user_mfa with
-- enabled_at NULL is an enrolment started and not yet confirmed; only a confirmed one is asked for
-- at sign-in and lets staff roles act.
CREATE TABLE user_mfa (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,                  -- the TOTP key sealed with AES-256-GCM under a key derived from SECRET_KEY
    enabled_at TEXT,                       -- when confirmed; NULL while pending
    last_step INTEGER NOT NULL DEFAULT 0,  -- the last time step (Unix time / 30) a code was accepted for: no code works twice
    created_at TEXT NOT NULL
);

CREATE TABLE mfa_recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,               -- hex SHA-256 of the normalized code; the code itself is shown once
    used_at TEXT,                          -- set when used: a code works once
    PRIMARY KEY (user_id, code_hash)
);
