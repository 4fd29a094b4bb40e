-- A quiz's title in each language it is written in, apart from its questions, so that a course
-- page need not read every question in every language to name its quizzes.
ALTER TABLE quizzes ADD COLUMN titles TEXT NOT NULL DEFAULT '{}';
