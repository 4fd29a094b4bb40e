package course

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"capacityhub/internal/auth"
)

// Detail is a course with its modules, lessons and quizzes, in one language.
type Detail struct {
	Course
	Modules []Module
}

// Module is one module of a course.
type Module struct {
	Slug     string
	Title    string
	Language string
	Lessons  []LessonRef
	Quiz     *QuizRef
}

// LessonRef names a lesson.
type LessonRef struct {
	Slug     string
	Title    string
	Language string
	Module   string
	Position int // 0-based, in the course's reading order
}

// QuizRef names a quiz. Its Slug is its module's: a module has at most one quiz.
type QuizRef struct {
	Slug     string
	Title    string
	Language string
	PassMark int
}

// Lessons lists every lesson of the course in reading order.
func (d *Detail) Lessons() []LessonRef {
	var out []LessonRef
	for _, m := range d.Modules {
		out = append(out, m.Lessons...)
	}
	return out
}

// Quizzes lists every quiz of the course in order.
func (d *Detail) Quizzes() []QuizRef {
	var out []QuizRef
	for _, m := range d.Modules {
		if m.Quiz != nil {
			out = append(out, *m.Quiz)
		}
	}
	return out
}

// LessonPlace is where a lesson stands in its course's reading order.
type LessonPlace struct {
	Prev, Next *LessonRef // nil at either end
	Position   int        // 1-based, in the whole course
	Total      int
	Module     Module   // the module holding the lesson
	Quiz       *QuizRef // the module's quiz when this is the module's last lesson, else nil
}

// Place finds a lesson of the course; ok is false when the course has no such lesson. A lesson
// page must ask this before it loads the lesson: Lesson alone would find the lesson of an
// unpublished course, which Course has already hidden. Prev and Next are copies: changing them
// does not change d.
func (d *Detail) Place(lessonSlug string) (LessonPlace, bool) {
	var p LessonPlace
	var prev *LessonRef
	found := false
	for _, m := range d.Modules {
		for i, l := range m.Lessons {
			p.Total++
			switch {
			case found:
				if p.Next == nil {
					p.Next = &l
				}
			case l.Slug == lessonSlug:
				found = true
				p.Prev, p.Position, p.Module = prev, p.Total, m
				if i == len(m.Lessons)-1 {
					p.Quiz = m.Quiz
				}
			default:
				prev = &l
			}
		}
	}
	if !found {
		return LessonPlace{}, false
	}
	return p, true
}

// Course returns the course in lang, with its modules, lessons and quizzes, in four queries
// whatever its size. An unpublished course is ErrNotFound for everyone but curriculum managers;
// u may be nil (signed out).
func (s *Service) Course(ctx context.Context, u *auth.User, slug, lang string) (*Detail, error) {
	if visible(u) == "" {
		return s.readCourse(ctx, u, slug, lang) // a manager: unpublished courses too
	}
	d, err := remembered(s.memo, func() (*Detail, error) { return s.readCourse(ctx, nil, slug, lang) }, "course", slug, lang)
	if err != nil {
		return nil, err
	}
	cp := *d // NB: the copy's Modules are shared, and never changed
	return &cp, nil
}

// readCourse is Course from the database.
func (s *Service) readCourse(ctx context.Context, u *auth.User, slug, lang string) (*Detail, error) {
	c, err := scanCourse(s.r.QueryRowContext(ctx, "SELECT "+courseColumns+courseFrom+" WHERE c.slug = $2"+visible(u), lang, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d := &Detail{Course: c}
	titles, err := s.readModules(ctx, d, lang)
	if err != nil {
		return nil, err
	}
	if err := s.readLessonRefs(ctx, d, lang); err != nil {
		return nil, err
	}
	if err := s.readQuizRefs(ctx, d, lang, titles); err != nil {
		return nil, err
	}
	return d, nil
}

// readModules fills d.Modules, in order, and returns each module's titles in every language, by
// module index, for the quiz titles they hold.
func (s *Service) readModules(ctx context.Context, d *Detail, lang string) ([]moduleTitles, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT slug, titles FROM modules WHERE course_slug = $1 ORDER BY position", d.Slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []moduleTitles
	for rows.Next() {
		var m Module
		var tj string
		if err := rows.Scan(&m.Slug, &tj); err != nil {
			return nil, err
		}
		var titles moduleTitles
		_ = json.Unmarshal([]byte(tj), &titles) // written by import; a module without titles shows none
		m.Language = pick(lang, func(l string) bool { return titles[l].Title != "" })
		m.Title = titles[m.Language].Title
		d.Modules = append(d.Modules, m)
		all = append(all, titles)
	}
	return all, rows.Err()
}

// moduleIndex is the index in d.Modules of the module with slug m, or -1.
func (d *Detail) moduleIndex(m string) int {
	for i := range d.Modules {
		if d.Modules[i].Slug == m {
			return i
		}
	}
	return -1
}

// readLessonRefs adds each lesson, in reading order, to its module of d.
func (s *Service) readLessonRefs(ctx context.Context, d *Detail, lang string) error {
	rows, err := s.r.QueryContext(ctx, `SELECT l.slug, l.module_slug, l.position, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title)
		FROM lessons l
		JOIN lesson_texts e ON e.course_slug = l.course_slug AND e.lesson_slug = l.slug AND e.lang = 'en'
		LEFT JOIN lesson_texts t ON t.course_slug = l.course_slug AND t.lesson_slug = l.slug AND t.lang = $2
		WHERE l.course_slug = $1 ORDER BY l.position`, d.Slug, lang)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l LessonRef
		if err := rows.Scan(&l.Slug, &l.Module, &l.Position, &l.Language, &l.Title); err != nil {
			return err
		}
		if i := d.moduleIndex(l.Module); i >= 0 {
			d.Modules[i].Lessons = append(d.Modules[i].Lessons, l)
		}
	}
	return rows.Err()
}

// readQuizRefs sets each module's quiz of d; titles are the modules' titles from readModules.
func (s *Service) readQuizRefs(ctx context.Context, d *Detail, lang string, titles []moduleTitles) error {
	// NB: the titles column, not texts: a course page must not parse every question of every
	// quiz in every language (that was half of a lesson page's time).
	rows, err := s.r.QueryContext(ctx, "SELECT slug, pass_mark, titles FROM quizzes WHERE course_slug = $1 ORDER BY position", d.Slug)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var q QuizRef
		var tj string
		if err := rows.Scan(&q.Slug, &q.PassMark, &tj); err != nil {
			return err
		}
		var qt map[string]string
		_ = json.Unmarshal([]byte(tj), &qt)
		q.Language = pick(lang, func(l string) bool { _, ok := qt[l]; return ok })
		q.Title = qt[q.Language]
		if i := d.moduleIndex(q.Slug); i >= 0 {
			// The quiz's title comes with the module's texts, which may be translated before the
			// questions are.
			if t := titles[i][lang].QuizTitle; t != "" {
				q.Title = t
			}
			d.Modules[i].Quiz = &q
		}
	}
	return rows.Err()
}

// Lesson is one lesson's text, in the reader's language or in English.
type Lesson struct {
	LessonRef
	HTML  string // rendered and sanitized at import
	Words int
}

// lessonColumns are what scanLesson reads, from lessons l with their English texts e and the
// reader's texts t (LEFT JOIN: English where the lesson is not translated).
const lessonColumns = `l.slug, l.module_slug, l.position, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title),
		COALESCE(t.html, e.html), COALESCE(t.words, e.words)`

func scanLesson(row interface{ Scan(...any) error }) (Lesson, error) {
	var l Lesson
	err := row.Scan(&l.Slug, &l.Module, &l.Position, &l.Language, &l.Title, &l.HTML, &l.Words)
	return l, err
}

// Lesson returns the lesson's text in lang, or in English when it is not translated (Language
// then says "en"). NB: it does not ask whether the course is published; readers reach a lesson
// through Course (and Detail.Place), which does.
func (s *Service) Lesson(ctx context.Context, courseSlug, lessonSlug, lang string) (*Lesson, error) {
	l, err := remembered(s.memo, func() (*Lesson, error) { return s.readLesson(ctx, courseSlug, lessonSlug, lang) },
		"lesson", courseSlug, lessonSlug, lang)
	if err != nil {
		return nil, err
	}
	cp := *l
	return &cp, nil
}

// readLesson is Lesson from the database.
func (s *Service) readLesson(ctx context.Context, courseSlug, lessonSlug, lang string) (*Lesson, error) {
	l, err := scanLesson(s.r.QueryRowContext(ctx, `SELECT `+lessonColumns+`
		FROM lessons l
		JOIN lesson_texts e ON e.course_slug = l.course_slug AND e.lesson_slug = l.slug AND e.lang = 'en'
		LEFT JOIN lesson_texts t ON t.course_slug = l.course_slug AND t.lesson_slug = l.slug AND t.lang = $3
		WHERE l.course_slug = $1 AND l.slug = $2`, courseSlug, lessonSlug, lang))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// AllLessons returns every lesson of the course with its text in lang (English where a lesson is
// not translated), in reading order, in one query: the offline download needs them all. Like
// Lesson, it does not ask whether the course is published.
func (s *Service) AllLessons(ctx context.Context, courseSlug, lang string) ([]Lesson, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+lessonColumns+`
		FROM lessons l
		JOIN lesson_texts e ON e.course_slug = l.course_slug AND e.lesson_slug = l.slug AND e.lang = 'en'
		LEFT JOIN lesson_texts t ON t.course_slug = l.course_slug AND t.lesson_slug = l.slug AND t.lang = $2
		WHERE l.course_slug = $1 ORDER BY l.position`, courseSlug, lang)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Lesson
	for rows.Next() {
		l, err := scanLesson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
