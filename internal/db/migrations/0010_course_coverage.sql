-- The languages a course is written in only in part (some of its lessons or quizzes are shown in
-- English), so that the catalogue can say so. Emptying the source hashes has the next start
-- import every course again (learners' records are kept) and fill the column in.
ALTER TABLE courses ADD COLUMN partial_languages TEXT NOT NULL DEFAULT '';
UPDATE courses SET source_hash = '';
