-- How many quiz attempts a learner may still make before a pause (issue 8): failed attempts at a
-- quiz in the current round, and the end of the pause that the last failure of a round began.
-- The row is locked and updated in the transaction that keeps an attempt, so that concurrent
-- submissions cannot exceed the limit. No row means no failure yet.
CREATE TABLE quiz_attempt_limits (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    quiz_slug TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,    -- failed attempts since the last pause ended
    locked_until TEXT,                      -- end of the pause (db.TimeFormat); NULL when none began
    PRIMARY KEY (user_id, course_slug, quiz_slug)
);
