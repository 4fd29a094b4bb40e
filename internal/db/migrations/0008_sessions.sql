-- Browser sessions, when no Redis is configured: kept in the database so that a restart of a
-- single-node server signs nobody out (issue 9). With Redis, sessions live there and this table
-- stays empty. The key is the kv key of the session, which holds only the hash of its token.
CREATE TABLE sessions (
    session_key TEXT PRIMARY KEY,          -- "session:" + hex SHA-256 of the cookie's token
    data TEXT NOT NULL,                    -- the session as JSON: user, epoch, created, last seen
    expires_at TEXT NOT NULL               -- db.TimeFormat; a row past it is an ended session
);
CREATE INDEX sessions_expires ON sessions (expires_at);
