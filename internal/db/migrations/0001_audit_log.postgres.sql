-- The audit log: security and curriculum events that admins read. Rows are only ever added.
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,            -- db.TimeFormat, UTC
    actor_id TEXT,               -- the user who acted; NULL for the system or an anonymous visitor
    action TEXT NOT NULL,        -- e.g. auth.signin_failed, course.published
    target TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
