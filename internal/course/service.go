package course

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/markdown"
	"capacityhub/internal/moderation"
)

// Errors the service returns; the web layer maps them to statuses.
var (
	ErrNotFound      = errors.New("course: not found")
	ErrForbidden     = errors.New("course: not allowed")
	ErrNotEnrolled   = errors.New("course: not enrolled")
	ErrInvalidCursor = errors.New("course: invalid cursor")
	ErrSlugTaken     = errors.New("course: slug already used")
)

// querier is what reads need of a database handle; tests wrap it to count queries.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Auditor records curriculum changes.
type Auditor interface {
	Record(ctx context.Context, e moderation.AuditEvent) error
}

// Service is the courses service.
type Service struct {
	db      *db.DB
	r       querier // reads; db.R unless a test counts queries
	md      *markdown.Renderer
	auditor Auditor
	log     *slog.Logger
	now     func() time.Time
}

// New returns the courses service.
func New(d *db.DB, a Auditor, log *slog.Logger) *Service {
	return &Service{db: d, r: d.R, md: markdown.New(), auditor: a, log: log, now: time.Now}
}

func (s *Service) audit(ctx context.Context, e moderation.AuditEvent) {
	if err := s.auditor.Record(ctx, e); err != nil {
		s.log.Error("audit", "action", e.Action, "err", err)
	}
}

// canManage tells whether u manages curricula (curriculum managers and admins).
func canManage(u *auth.User) bool { return u.Has(auth.RoleCurriculumManager) }

// Course is a course as the catalogue shows it, in one language.
type Course struct {
	Slug             string
	Level            string
	EstimatedMinutes int
	Tags             []string
	Prerequisites    []string
	Languages        []string // languages the course is written in
	Published        bool
	LessonCount      int
	Language         string // the language of Title and Summary: the reader's, or English
	Title            string
	Summary          string
}

// Fallback tells whether the texts are in English because the reader's language is missing.
func (c Course) Fallback(lang string) bool { return c.Language != lang }

// Filter narrows the catalogue.
type Filter struct {
	Query           string // words in the title or summary
	Tag             string
	Level           string
	ContentLanguage string // only courses written in this language
	WithUnpublished bool   // curriculum managers see unpublished courses too
	Cursor          string // the slug after which to continue
	Limit           int    // 0: no limit
}

const courseColumns = `c.slug, c.level, c.estimated_minutes, c.tags, c.prerequisites, c.languages, c.published,
	c.lesson_count, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title), COALESCE(t.summary, e.summary)`

// courseFrom is the FROM clause for courseColumns; $1 is the reader's language.
const courseFrom = ` FROM courses c
	JOIN course_texts e ON e.course_slug = c.slug AND e.lang = 'en'
	LEFT JOIN course_texts t ON t.course_slug = c.slug AND t.lang = $1`

// scanCourse reads a row of courseColumns, followed by the extra columns a query adds.
func scanCourse(row interface{ Scan(...any) error }, extra ...any) (Course, error) {
	var c Course
	var tags, prereq, langs string
	var published int
	err := row.Scan(append([]any{&c.Slug, &c.Level, &c.EstimatedMinutes, &tags, &prereq, &langs, &published, &c.LessonCount,
		&c.Language, &c.Title, &c.Summary}, extra...)...)
	c.Tags, c.Prerequisites, c.Languages, c.Published = splitList(tags), splitList(prereq), splitList(langs), published != 0
	return c, err
}

// Catalog lists courses in lang (English where a course lacks it), ordered by slug, in one query.
// It returns the courses and the cursor of the next page ("" at the end).
func (s *Service) Catalog(ctx context.Context, lang string, f Filter) ([]Course, string, error) {
	where, args := []string{"1 = 1"}, []any{lang}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if !f.WithUnpublished {
		where = append(where, "c.published = 1")
	}
	if f.Tag != "" {
		add("c.tags LIKE $?", "%,"+escapeLike(f.Tag)+",%")
	}
	if f.Level != "" {
		add("c.level = $?", f.Level)
	}
	if f.ContentLanguage != "" {
		add("c.languages LIKE $?", "%,"+escapeLike(f.ContentLanguage)+",%")
	}
	for _, word := range strings.Fields(strings.ToLower(f.Query)) {
		add(`(LOWER(COALESCE(t.title, e.title)) LIKE $? ESCAPE '\' OR LOWER(COALESCE(t.summary, e.summary)) LIKE $? ESCAPE '\'
			OR LOWER(e.title) LIKE $? ESCAPE '\')`, "%"+escapeLike(word)+"%")
	}
	if f.Cursor != "" {
		add("c.slug > $?", f.Cursor)
	}
	q := "SELECT " + courseColumns + courseFrom + " WHERE " + strings.Join(where, " AND ") + " ORDER BY c.slug"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit+1)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Course
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].Slug
	}
	return out, next, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Tags lists every tag of the published courses, for the catalogue's filter.
func (s *Service) Tags(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT tags FROM courses WHERE published = 1")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tags []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		for _, tag := range splitList(t) {
			if !slices.Contains(tags, tag) {
				tags = append(tags, tag)
			}
		}
	}
	slices.Sort(tags)
	return tags, rows.Err()
}

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
	Position int // 0-based, in reading order
}

// QuizRef names a quiz.
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

// visible is the published condition for a reader: curriculum managers see unpublished courses.
func visible(u *auth.User) string {
	if u != nil && canManage(u) {
		return ""
	}
	return " AND c.published = 1"
}

// Course returns the course in lang, with its modules, lessons and quizzes, in four queries
// whatever its size. An unpublished course is ErrNotFound for everyone but curriculum managers.
func (s *Service) Course(ctx context.Context, u *auth.User, slug, lang string) (*Detail, error) {
	c, err := scanCourse(s.r.QueryRowContext(ctx, "SELECT "+courseColumns+courseFrom+" WHERE c.slug = $2"+visible(u), lang, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d := &Detail{Course: c}
	rows, err := s.r.QueryContext(ctx, "SELECT slug, titles FROM modules WHERE course_slug = $1 ORDER BY position", slug)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	var allTitles []moduleTitles // by module index, for the quiz titles below
	for rows.Next() {
		var m Module
		var tj string
		if err := rows.Scan(&m.Slug, &tj); err != nil {
			rows.Close()
			return nil, err
		}
		var titles moduleTitles
		_ = json.Unmarshal([]byte(tj), &titles)
		m.Language = pick(lang, func(l string) bool { return titles[l].Title != "" })
		m.Title = titles[m.Language].Title
		index[m.Slug] = len(d.Modules)
		d.Modules = append(d.Modules, m)
		allTitles = append(allTitles, titles)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.r.QueryContext(ctx, `SELECT l.slug, l.module_slug, l.position, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title)
		FROM lessons l
		JOIN lesson_texts e ON e.course_slug = l.course_slug AND e.lesson_slug = l.slug AND e.lang = 'en'
		LEFT JOIN lesson_texts t ON t.course_slug = l.course_slug AND t.lesson_slug = l.slug AND t.lang = $2
		WHERE l.course_slug = $1 ORDER BY l.position`, slug, lang)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var l LessonRef
		if err := rows.Scan(&l.Slug, &l.Module, &l.Position, &l.Language, &l.Title); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[l.Module]; ok {
			d.Modules[i].Lessons = append(d.Modules[i].Lessons, l)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// NB: the titles column, not texts: a course page must not parse every question of every
	// quiz in every language (that was half of a lesson page's time).
	rows, err = s.r.QueryContext(ctx, "SELECT slug, pass_mark, titles FROM quizzes WHERE course_slug = $1 ORDER BY position", slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var q QuizRef
		var tj string
		if err := rows.Scan(&q.Slug, &q.PassMark, &tj); err != nil {
			return nil, err
		}
		var titles map[string]string
		_ = json.Unmarshal([]byte(tj), &titles)
		q.Language = pick(lang, func(l string) bool { _, ok := titles[l]; return ok })
		q.Title = titles[q.Language]
		if i, ok := index[q.Slug]; ok {
			// The quiz's title comes with the module's texts, which may be translated before the
			// questions are.
			if t := allTitles[i][lang].QuizTitle; t != "" {
				q.Title = t
			}
			d.Modules[i].Quiz = &q
		}
	}
	return d, rows.Err()
}

// pick is lang when has(lang), else English.
func pick(lang string, has func(string) bool) string {
	if has(lang) {
		return lang
	}
	return SourceLanguage
}

// Lesson is one lesson's text, in the reader's language or in English.
type Lesson struct {
	LessonRef
	HTML  string
	Words int
}

// Lesson returns the lesson's text in lang, or in English when it is not translated (Language
// then says "en").
func (s *Service) Lesson(ctx context.Context, courseSlug, lessonSlug, lang string) (*Lesson, error) {
	var l Lesson
	err := s.r.QueryRowContext(ctx, `SELECT l.slug, l.module_slug, l.position, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title),
		COALESCE(t.html, e.html), COALESCE(t.words, e.words)
		FROM lessons l
		JOIN lesson_texts e ON e.course_slug = l.course_slug AND e.lesson_slug = l.slug AND e.lang = 'en'
		LEFT JOIN lesson_texts t ON t.course_slug = l.course_slug AND t.lesson_slug = l.slug AND t.lang = $3
		WHERE l.course_slug = $1 AND l.slug = $2`, courseSlug, lessonSlug, lang).
		Scan(&l.Slug, &l.Module, &l.Position, &l.Language, &l.Title, &l.HTML, &l.Words)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &l, err
}

// AllLessons returns every lesson of the course with its text in lang (English where a lesson is
// not translated), in reading order, in one query: the offline download needs them all.
func (s *Service) AllLessons(ctx context.Context, courseSlug, lang string) ([]Lesson, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT l.slug, l.module_slug, l.position, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title),
		COALESCE(t.html, e.html), COALESCE(t.words, e.words)
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
		var l Lesson
		if err := rows.Scan(&l.Slug, &l.Module, &l.Position, &l.Language, &l.Title, &l.HTML, &l.Words); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
