package course

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"capacityhub/internal/auth"
	"capacityhub/internal/paging"
)

// Course is a course as the catalogue shows it, in one language.
type Course struct {
	Slug             string
	Level            string
	EstimatedMinutes int
	Tags             []string
	Prerequisites    []string
	Languages        []string // languages the course is written in
	Partial          []string // those of Languages it is written in only in part (Source.Coverage)
	Published        bool
	LessonCount      int
	Language         string // the language of Title and Summary: the reader's, or English
	Title            string
	Summary          string
}

// Fallback tells whether the texts are in English because the reader's language is missing.
func (c Course) Fallback(lang string) bool { return c.Language != lang }

// InPart tells whether the course is written in lang only in part: some lessons or quizzes are
// shown in English.
func (c Course) InPart(lang string) bool { return slices.Contains(c.Partial, lang) }

// Filter narrows the catalogue and says which page of it to read.
type Filter struct {
	Query           string // words in the title or summary
	Tag             string
	Level           string
	ContentLanguage string // only courses written in this language
	WithUnpublished bool   // curriculum managers see unpublished courses too
	// Page is the page to read: the courses whose slug comes after Page.After, at most
	// Page.Limit of them. NB: a Limit of 0 reads every course that matches, on one page; no
	// page of the site asks for that (they page by paging.Parse or a fixed size), tests and
	// tools may.
	Page paging.Request
}

const courseColumns = `c.slug, c.level, c.estimated_minutes, c.tags, c.prerequisites, c.languages, c.partial_languages,
	c.published, c.lesson_count, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title), COALESCE(t.summary, e.summary)`

// courseFrom is the FROM clause for courseColumns; $1 is the reader's language.
const courseFrom = ` FROM courses c
	JOIN course_texts e ON e.course_slug = c.slug AND e.lang = 'en'
	LEFT JOIN course_texts t ON t.course_slug = c.slug AND t.lang = $1`

// scanCourse reads a row of courseColumns, followed by the extra columns a query adds.
func scanCourse(row interface{ Scan(...any) error }, extra ...any) (Course, error) {
	var c Course
	var tags, prereq, langs, partial string
	var published int
	err := row.Scan(append([]any{&c.Slug, &c.Level, &c.EstimatedMinutes, &tags, &prereq, &langs, &partial, &published, &c.LessonCount,
		&c.Language, &c.Title, &c.Summary}, extra...)...)
	c.Tags, c.Prerequisites, c.Languages, c.Published = splitList(tags), splitList(prereq), splitList(langs), published != 0
	c.Partial = splitList(partial)
	return c, err
}

// Catalog lists courses in lang (English where a course lacks it), ordered by slug, in one query.
// The page's Next is the opaque cursor of the following page ("" on the last), for
// paging.Parse or paging.WithCursor to read back. Unpublished courses are left out unless
// f.WithUnpublished.
func (s *Service) Catalog(ctx context.Context, lang string, f Filter) (paging.Page[Course], error) {
	if f.Query == "" && f.Tag == "" && f.Level == "" && f.ContentLanguage == "" && !f.WithUnpublished && f.Page.After == "" {
		// The plain catalogue's first page: what most readers ask. Filtered ones and later pages
		// (a cursor is the client's to make up) are read.
		return remembered(s.memo, func() (paging.Page[Course], error) { return s.readCatalog(ctx, lang, f) },
			"catalog", lang, strconv.Itoa(f.Page.Limit))
	}
	return s.readCatalog(ctx, lang, f)
}

// readCatalog is Catalog from the database.
func (s *Service) readCatalog(ctx context.Context, lang string, f Filter) (paging.Page[Course], error) {
	where, args := []string{"1 = 1"}, []any{lang}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if !f.WithUnpublished {
		where = append(where, "c.published = 1")
	}
	if f.Tag != "" {
		add(`c.tags LIKE $? ESCAPE '\'`, "%,"+escapeLike(f.Tag)+",%")
	}
	if f.Level != "" {
		add("c.level = $?", f.Level)
	}
	if f.ContentLanguage != "" {
		add(`c.languages LIKE $? ESCAPE '\'`, "%,"+escapeLike(f.ContentLanguage)+",%")
	}
	for _, word := range strings.Fields(strings.ToLower(f.Query)) {
		add(`(LOWER(COALESCE(t.title, e.title)) LIKE $? ESCAPE '\' OR LOWER(COALESCE(t.summary, e.summary)) LIKE $? ESCAPE '\'
			OR LOWER(e.title) LIKE $? ESCAPE '\')`, "%"+escapeLike(word)+"%")
	}
	if f.Page.After != "" {
		add("c.slug > $?", f.Page.After)
	}
	q := "SELECT " + courseColumns + courseFrom + " WHERE " + strings.Join(where, " AND ") + " ORDER BY c.slug"
	if f.Page.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Page.Limit+1) // one more, for paging.Cut to know there is a next page
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return paging.Page[Course]{}, err
	}
	defer rows.Close()
	var out []Course
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return paging.Page[Course]{}, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return paging.Page[Course]{}, err
	}
	return paging.Cut(out, f.Page, func(c Course) string { return c.Slug }), nil
}

// escapeLike escapes LIKE's wildcards and its escape character. NB: the LIKE must say
// ESCAPE '\': PostgreSQL escapes with '\' by default, but SQLite has no default escape.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Tags lists every tag of the published courses, sorted, for the catalogue's filter.
func (s *Service) Tags(ctx context.Context) ([]string, error) {
	return remembered(s.memo, func() ([]string, error) { return s.readTags(ctx) }, "tags")
}

// readTags is Tags from the database.
func (s *Service) readTags(ctx context.Context) ([]string, error) {
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
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(tags)
	return tags, nil
}

// CoursesBySlug returns the named courses in lang (English where a course lacks it), in the
// order of slugs, in one query: the course page uses it to name and link its prerequisites.
// Slugs that name no course, or a course u may not see (unpublished), are left out.
func (s *Service) CoursesBySlug(ctx context.Context, u *auth.User, lang string, slugs []string) ([]Course, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
	if visible(u) == "" {
		return s.readCoursesBySlug(ctx, u, lang, slugs)
	}
	return remembered(s.memo, func() ([]Course, error) { return s.readCoursesBySlug(ctx, nil, lang, slugs) },
		append([]string{"courses", lang}, slugs...)...)
}

// readCoursesBySlug is CoursesBySlug from the database.
func (s *Service) readCoursesBySlug(ctx context.Context, u *auth.User, lang string, slugs []string) ([]Course, error) {
	args := []any{lang}
	marks := make([]string, len(slugs))
	for i, slug := range slugs {
		args = append(args, slug)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+courseColumns+courseFrom+" WHERE c.slug IN ("+strings.Join(marks, ", ")+")"+visible(u), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]Course{}
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return nil, err
		}
		found[c.Slug] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Course, 0, len(found))
	for _, slug := range slugs {
		if c, ok := found[slug]; ok {
			out = append(out, c)
			delete(found, slug) // a slug listed twice shows once
		}
	}
	return out, nil
}
