package course

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"unicode"

	"capacityhub/internal/db"
)

// ImportReport says what an import did to each course.
type ImportReport struct {
	Added     []string
	Updated   []string
	Unchanged []string
}

// moduleTitles is the JSON of modules.titles.
type moduleTitles map[string]struct {
	Title     string `json:"title"`
	QuizTitle string `json:"quiz_title,omitempty"`
}

// questionKey is the JSON of quizzes.questions: the structure, with the right answers.
type questionKey struct {
	ID      string   `json:"id"`
	Choices []string `json:"choices"`
	Correct []string `json:"correct"`
}

// quizLanguageTexts is one language's entry in quizzes.texts.
type quizLanguageTexts struct {
	Title     string                       `json:"title"`
	Questions map[string]questionLangTexts `json:"questions"`
}

type questionLangTexts struct {
	Text        string            `json:"text"`
	Explanation string            `json:"explanation"`
	Choices     map[string]string `json:"choices"`
}

// Import brings the database in line with sources: new courses are added (published), changed
// ones replaced in one transaction each, unchanged ones (same hash) left alone. Learners'
// enrolments, completions, attempts and certificates are never touched; a course missing from
// sources stays as it is (unpublish it to retire it). Importing the same sources twice changes
// nothing.
func (s *Service) Import(ctx context.Context, sources []Source) (ImportReport, error) {
	var rep ImportReport
	for _, src := range sources {
		var hash string
		err := s.db.R.QueryRowContext(ctx, "SELECT source_hash FROM courses WHERE slug = $1", src.Slug).Scan(&hash)
		switch {
		case err == sql.ErrNoRows:
			rep.Added = append(rep.Added, src.Slug)
		case err != nil:
			return rep, err
		case hash == src.Hash:
			rep.Unchanged = append(rep.Unchanged, src.Slug)
			continue
		default:
			rep.Updated = append(rep.Updated, src.Slug)
		}
		err = s.importOne(ctx, src)
		s.contentChanged(ctx) // NB: on failure too: the transaction may have committed before it failed to say so
		if err != nil {
			return rep, fmt.Errorf("course: import %s: %w", src.Slug, err)
		}
	}
	return rep, nil
}

// renderedLesson is a lesson's HTML in one language, rendered before the transaction starts.
type renderedLesson struct {
	slug, module, lang, title, html string
	words                           int
}

func (s *Service) importOne(ctx context.Context, src Source) error {
	var lessons []renderedLesson
	for _, m := range src.Modules {
		for _, l := range m.Lessons {
			for lang, body := range l.Body {
				html, err := s.md.Render(body)
				if err != nil {
					return err
				}
				lessons = append(lessons, renderedLesson{l.Slug, m.Slug, lang, l.Title[lang], html, countWords(body)})
			}
		}
	}
	lessonCount := 0
	for _, m := range src.Modules {
		lessonCount += len(m.Lessons)
	}
	var partial []string
	for _, c := range src.Coverage() {
		if !c.Complete() {
			partial = append(partial, c.Lang)
		}
	}
	now := db.FormatTime(s.now())
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO courses (slug, level, estimated_minutes, tags, prerequisites, languages,
			partial_languages, source_hash, lesson_count, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (slug) DO UPDATE SET level = excluded.level, estimated_minutes = excluded.estimated_minutes,
			tags = excluded.tags, prerequisites = excluded.prerequisites, languages = excluded.languages,
			partial_languages = excluded.partial_languages, source_hash = excluded.source_hash,
			lesson_count = excluded.lesson_count, imported_at = excluded.imported_at`,
			src.Slug, src.Level, src.EstimatedMinutes, joinList(src.Tags), joinList(src.Prerequisites), joinList(src.Languages),
			joinList(partial), src.Hash, lessonCount, now)
		if err != nil {
			return err
		}
		for _, table := range []string{"course_texts", "modules", "lessons", "quizzes"} {
			// NB: deleting lessons cascades to lesson_texts; learners' records are in other tables.
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE course_slug = $1", src.Slug); err != nil {
				return err
			}
		}
		for _, lang := range src.Languages {
			if _, err := tx.ExecContext(ctx, "INSERT INTO course_texts (course_slug, lang, title, summary) VALUES ($1, $2, $3, $4)",
				src.Slug, lang, src.Title[lang], src.Summary[lang]); err != nil {
				return err
			}
		}
		position := 0
		for i, m := range src.Modules {
			titles := moduleTitles{}
			for lang, t := range m.Title {
				titles[lang] = struct {
					Title     string `json:"title"`
					QuizTitle string `json:"quiz_title,omitempty"`
				}{t, m.QuizTitle[lang]}
			}
			tj, _ := json.Marshal(titles)
			if _, err := tx.ExecContext(ctx, "INSERT INTO modules (course_slug, slug, position, titles) VALUES ($1, $2, $3, $4)",
				src.Slug, m.Slug, i, string(tj)); err != nil {
				return err
			}
			for _, l := range m.Lessons {
				if _, err := tx.ExecContext(ctx, "INSERT INTO lessons (course_slug, slug, module_slug, position) VALUES ($1, $2, $3, $4)",
					src.Slug, l.Slug, m.Slug, position); err != nil {
					return err
				}
				position++
			}
			if m.Quiz != nil {
				if err := insertQuiz(ctx, tx, src.Slug, i, m); err != nil {
					return err
				}
			}
		}
		for _, l := range lessons {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lesson_texts (course_slug, lesson_slug, lang, title, html, words)
				VALUES ($1, $2, $3, $4, $5, $6)`, src.Slug, l.slug, l.lang, l.title, l.html, l.words); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertQuiz(ctx context.Context, tx *sql.Tx, course string, position int, m ModuleSource) error {
	keys := make([]questionKey, len(m.Quiz.Questions))
	texts := map[string]quizLanguageTexts{}
	for i, q := range m.Quiz.Questions {
		keys[i] = questionKey{ID: q.ID, Choices: q.Choices, Correct: q.Correct}
		for lang, text := range q.Text {
			lt, ok := texts[lang]
			if !ok {
				lt = quizLanguageTexts{Title: m.QuizTitle[lang], Questions: map[string]questionLangTexts{}}
			}
			lt.Questions[q.ID] = questionLangTexts{Text: text, Explanation: q.Explanation[lang], Choices: q.ChoiceText[lang]}
			texts[lang] = lt
		}
	}
	titles := map[string]string{}
	for lang, t := range texts {
		titles[lang] = t.Title
	}
	kj, _ := json.Marshal(keys)
	tj, _ := json.Marshal(texts)
	nj, _ := json.Marshal(titles)
	_, err := tx.ExecContext(ctx, "INSERT INTO quizzes (course_slug, slug, position, pass_mark, questions, texts, titles) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		course, m.Slug, position, m.Quiz.PassMark, string(kj), string(tj), string(nj))
	return err
}

// countWords counts words for reading-time estimates; each Han, Kana or Hangul character counts
// as a word, since those scripts do not separate words with spaces.
func countWords(s string) int {
	n, inWord := 0, false
	for _, r := range s {
		switch {
		case r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul): // NB: none is below U+1100
			n++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	return n
}
