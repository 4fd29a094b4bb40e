-- The version of the course content (courses, lessons, quizzes, publication, learning paths): one
-- row, bumped by every change to them. Each server keeps what readers read of the content in
-- memory and watches this number, so that a change made on one node reaches every node.
CREATE TABLE content_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);
