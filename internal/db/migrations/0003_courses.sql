-- Courses, as imported from content/: structure and texts per language. Learners' records
-- (enrolments, completions, attempts, certificates) refer to courses, lessons and quizzes by slug
-- and carry no foreign key to lessons or quizzes, so that a re-import that reorders or rewrites a
-- course keeps every learner's progress.
CREATE TABLE courses (
    slug TEXT PRIMARY KEY,
    level TEXT NOT NULL,
    estimated_minutes INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '',          -- ",ai,qos," (leading and trailing commas: LIKE '%,ai,%')
    prerequisites TEXT NOT NULL DEFAULT '', -- ",slug,other-slug,"
    languages TEXT NOT NULL,                -- ",ar,en,fr,"
    published INTEGER NOT NULL DEFAULT 1,
    source_hash TEXT NOT NULL,
    lesson_count INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);

CREATE TABLE course_texts (
    course_slug TEXT NOT NULL REFERENCES courses (slug) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    PRIMARY KEY (course_slug, lang)
);

CREATE TABLE modules (
    course_slug TEXT NOT NULL REFERENCES courses (slug) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    position INTEGER NOT NULL,
    titles TEXT NOT NULL,                   -- JSON {"en": {"title": …, "quiz_title": …}, …}
    PRIMARY KEY (course_slug, slug)
);

CREATE TABLE lessons (
    course_slug TEXT NOT NULL REFERENCES courses (slug) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    module_slug TEXT NOT NULL,
    position INTEGER NOT NULL,              -- reading order within the whole course
    PRIMARY KEY (course_slug, slug)
);

CREATE TABLE lesson_texts (
    course_slug TEXT NOT NULL,
    lesson_slug TEXT NOT NULL,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    html TEXT NOT NULL,                     -- sanitized at import
    words INTEGER NOT NULL,
    PRIMARY KEY (course_slug, lesson_slug, lang),
    FOREIGN KEY (course_slug, lesson_slug) REFERENCES lessons (course_slug, slug) ON DELETE CASCADE
);

CREATE TABLE quizzes (
    course_slug TEXT NOT NULL REFERENCES courses (slug) ON DELETE CASCADE,
    slug TEXT NOT NULL,                     -- the module's slug: one quiz per module
    position INTEGER NOT NULL,
    pass_mark INTEGER NOT NULL,
    questions TEXT NOT NULL,                -- JSON [{"id", "choices", "correct"}]: never sent to a browser as is
    texts TEXT NOT NULL,                    -- JSON {"en": {"title", "questions": {id: {"text", "explanation", "choices": {id: text}}}}}
    PRIMARY KEY (course_slug, slug)
);

CREATE TABLE enrollments (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL REFERENCES courses (slug),
    enrolled_at TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (user_id, course_slug)
);
CREATE INDEX enrollments_course ON enrollments (course_slug);

CREATE TABLE lesson_completions (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    lesson_slug TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, course_slug, lesson_slug)
);

CREATE TABLE quiz_attempts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL,
    quiz_slug TEXT NOT NULL,
    score INTEGER NOT NULL,                 -- percent
    passed INTEGER NOT NULL,
    answers TEXT NOT NULL,                  -- JSON {question_id: [choice_id…]}
    created_at TEXT NOT NULL
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, course_slug, quiz_slug);

CREATE TABLE certificates (
    id TEXT PRIMARY KEY,                    -- 128 random bits: unguessable
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_slug TEXT NOT NULL REFERENCES courses (slug),
    name TEXT NOT NULL,                     -- the learner's name when it was issued
    issued_at TEXT NOT NULL,
    UNIQUE (user_id, course_slug)
);

CREATE TABLE curricula (
    slug TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE curriculum_texts (
    curriculum_slug TEXT NOT NULL REFERENCES curricula (slug) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (curriculum_slug, lang)
);

CREATE TABLE curriculum_courses (
    curriculum_slug TEXT NOT NULL REFERENCES curricula (slug) ON DELETE CASCADE,
    course_slug TEXT NOT NULL REFERENCES courses (slug),
    position INTEGER NOT NULL,
    PRIMARY KEY (curriculum_slug, course_slug)
);
