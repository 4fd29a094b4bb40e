package course

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/moderation"
	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

// Curriculum is a learning path: courses to take in order, with a title and description per
// language.
type Curriculum struct {
	Slug                string
	Language            string // of Title
	Title               string
	Description         string
	DescriptionLanguage string   // of Description: English when the reader's language has none
	Courses             []Course // in order; unpublished ones are left out for learners
}

// CurriculumInput is what a curriculum manager sends to create or change a curriculum.
type CurriculumInput struct {
	Slug        string
	Title       map[string]string
	Description map[string]string
	Courses     []string
}

const (
	maxCurriculumTitle       = 200
	maxCurriculumDescription = 4000
	maxCurriculumCourses     = 100
)

// checkCurriculum tells what is wrong with in: every problem as validate.Errors, one query at
// most (whether its courses exist and manager may see them).
func (s *Service) checkCurriculum(ctx context.Context, manager *auth.User, in *CurriculumInput) error {
	var errs validate.Errors
	if !slugPattern.MatchString(in.Slug) || len(in.Slug) > 100 {
		errs.Add("slug", "course.slug.invalid", nil)
	}
	if _, ok := in.Title[SourceLanguage]; !ok {
		errs.Add("title.en", "field.required", nil)
	}
	for lang, t := range in.Title {
		if !isLanguage(lang) {
			errs.Add("title."+lang, "course.language.invalid", nil)
		} else {
			validate.Text(&errs, "title."+lang, t, lang == SourceLanguage, maxCurriculumTitle)
		}
	}
	for lang, d := range in.Description {
		if !isLanguage(lang) {
			errs.Add("description."+lang, "course.language.invalid", nil)
			continue
		}
		before := len(errs)
		validate.Paragraphs(&errs, "description."+lang, d, false, maxCurriculumDescription)
		if len(errs) == before && strings.TrimSpace(d) != "" && strings.TrimSpace(in.Title[lang]) == "" {
			// A description is kept with its title; alone it would be lost.
			errs.Add("title."+lang, "field.required", nil)
		}
	}
	malformed := 0 // slugs that cannot name a course: the database need not be asked
	for _, c := range in.Courses {
		if !slugPattern.MatchString(c) {
			malformed++
			errs.Add("courses", "course.curriculum.unknown_course", map[string]any{"Slug": c})
		}
	}
	switch {
	case len(in.Courses) == 0:
		errs.Add("courses", "field.required", nil)
	case len(in.Courses) > maxCurriculumCourses:
		errs.Add("courses", "course.curriculum.too_many", map[string]any{"Max": maxCurriculumCourses})
	case malformed > 0:
	default:
		found, err := s.CoursesBySlug(ctx, manager, SourceLanguage, in.Courses)
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, c := range found {
			known[c.Slug] = true
		}
		seen := map[string]bool{}
		for _, c := range in.Courses {
			if !known[c] || seen[c] {
				errs.Add("courses", "course.curriculum.unknown_course", map[string]any{"Slug": c})
			}
			seen[c] = true
		}
	}
	return errs.Err()
}

func isLanguage(l string) bool { return slices.Contains(Languages, l) }

// CheckCurriculum tells what is wrong with in, as SaveCurriculum would, and saves nothing.
func (s *Service) CheckCurriculum(ctx context.Context, u *auth.User, in CurriculumInput) error {
	if !canManage(u) {
		return ErrForbidden
	}
	return s.checkCurriculum(ctx, u, &in)
}

// SaveCurriculum creates a curriculum (create true) or replaces an existing one's texts and
// courses, in one transaction. Only curriculum managers may.
func (s *Service) SaveCurriculum(ctx context.Context, u *auth.User, in CurriculumInput, create bool) error {
	if !canManage(u) {
		return ErrForbidden
	}
	if err := s.checkCurriculum(ctx, u, &in); err != nil {
		return err
	}
	now := db.FormatTime(s.now())
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if create {
			if _, err := tx.ExecContext(ctx, "INSERT INTO curricula (slug, created_at, updated_at) VALUES ($1, $2, $2)", in.Slug, now); err != nil {
				if db.IsUniqueViolation(err) {
					return ErrSlugTaken
				}
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, "UPDATE curricula SET updated_at = $1 WHERE slug = $2", now, in.Slug)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
			for _, table := range []string{"curriculum_texts", "curriculum_courses"} {
				if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE curriculum_slug = $1", in.Slug); err != nil {
					return err
				}
			}
		}
		for lang, title := range in.Title {
			if strings.TrimSpace(title) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO curriculum_texts (curriculum_slug, lang, title, description) VALUES ($1, $2, $3, $4)",
				in.Slug, lang, strings.TrimSpace(title), strings.TrimSpace(in.Description[lang])); err != nil {
				return err
			}
		}
		for i, c := range in.Courses {
			if _, err := tx.ExecContext(ctx, "INSERT INTO curriculum_courses (curriculum_slug, course_slug, position) VALUES ($1, $2, $3)",
				in.Slug, c, i); err != nil {
				return err
			}
		}
		return nil
	})
	s.contentChanged(ctx)
	if err != nil {
		return err
	}
	action := "curriculum.updated"
	if create {
		action = "curriculum.created"
	}
	s.audit(ctx, moderation.AuditEvent{ActorID: u.ID, Action: action, Target: in.Slug, Detail: strings.Join(in.Courses, ",")})
	return nil
}

// DeleteCurriculum removes a curriculum (not its courses). Only curriculum managers may.
func (s *Service) DeleteCurriculum(ctx context.Context, u *auth.User, slug string) error {
	if !canManage(u) {
		return ErrForbidden
	}
	res, err := s.db.W.ExecContext(ctx, "DELETE FROM curricula WHERE slug = $1", slug)
	s.contentChanged(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	s.audit(ctx, moderation.AuditEvent{ActorID: u.ID, Action: "curriculum.deleted", Target: slug})
	return nil
}

// Curricula lists every curriculum in lang (English where it lacks lang), without courses.
func (s *Service) Curricula(ctx context.Context, lang string) ([]Curriculum, error) {
	list, err := remembered(s.memo, func() ([]Curriculum, error) { return s.readCurricula(ctx, lang) }, "curricula", lang)
	// NB: callers fill in each curriculum's courses (CurriculaWithCourses): they get a copy.
	return slices.Clone(list), err
}

// readCurricula is Curricula from the database.
func (s *Service) readCurricula(ctx context.Context, lang string) ([]Curriculum, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT cu.slug, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title),
		COALESCE(NULLIF(t.description, ''), e.description), CASE WHEN COALESCE(t.description, '') = '' THEN 'en' ELSE t.lang END
		FROM curricula cu
		JOIN curriculum_texts e ON e.curriculum_slug = cu.slug AND e.lang = 'en'
		LEFT JOIN curriculum_texts t ON t.curriculum_slug = cu.slug AND t.lang = $1
		ORDER BY cu.slug`, lang)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Curriculum
	for rows.Next() {
		var c Curriculum
		if err := rows.Scan(&c.Slug, &c.Language, &c.Title, &c.Description, &c.DescriptionLanguage); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CurriculaWithCourses is one page of Curricula, by slug, with each curriculum's courses in order,
// in two queries however many there are. Unpublished courses are left out except for curriculum
// managers. NB: learning paths are a handful, so the page is cut from the whole list here rather
// than in SQL.
func (s *Service) CurriculaWithCourses(ctx context.Context, u *auth.User, lang string, page paging.Request) (paging.Page[Curriculum], error) {
	all, err := s.Curricula(ctx, lang)
	if err != nil {
		return paging.Page[Curriculum]{}, err
	}
	var list []Curriculum
	for _, cu := range all {
		if cu.Slug > page.After {
			if list = append(list, cu); page.Limit > 0 && len(list) > page.Limit {
				break
			}
		}
	}
	if err := s.addCourses(ctx, u, lang, list); err != nil {
		return paging.Page[Curriculum]{}, err
	}
	return paging.Cut(list, page, func(cu Curriculum) string { return cu.Slug }), nil
}

// addCourses fills in the courses of each curriculum of list, in order, in one query.
func (s *Service) addCourses(ctx context.Context, u *auth.User, lang string, list []Curriculum) error {
	if len(list) == 0 {
		return nil
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+courseColumns+", cc.curriculum_slug"+courseFrom+`
		JOIN curriculum_courses cc ON cc.course_slug = c.slug
		WHERE 1 = 1`+visible(u)+" ORDER BY cc.curriculum_slug, cc.position", lang)
	if err != nil {
		return err
	}
	defer rows.Close()
	at := make(map[string]int, len(list))
	for i, cu := range list {
		at[cu.Slug] = i
	}
	for rows.Next() {
		var curriculum string
		co, err := scanCourse(rows, &curriculum)
		if err != nil {
			return err
		}
		if i, ok := at[curriculum]; ok {
			list[i].Courses = append(list[i].Courses, co)
		}
	}
	return rows.Err()
}

// Curriculum returns one curriculum in lang with its courses in order, in two queries.
// Unpublished courses are left out except for curriculum managers.
func (s *Service) Curriculum(ctx context.Context, u *auth.User, slug, lang string) (*Curriculum, error) {
	var c Curriculum
	err := s.r.QueryRowContext(ctx, `SELECT cu.slug, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title),
		COALESCE(NULLIF(t.description, ''), e.description), CASE WHEN COALESCE(t.description, '') = '' THEN 'en' ELSE t.lang END
		FROM curricula cu
		JOIN curriculum_texts e ON e.curriculum_slug = cu.slug AND e.lang = 'en'
		LEFT JOIN curriculum_texts t ON t.curriculum_slug = cu.slug AND t.lang = $2
		WHERE cu.slug = $1`, slug, lang).Scan(&c.Slug, &c.Language, &c.Title, &c.Description, &c.DescriptionLanguage)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+courseColumns+courseFrom+`
		JOIN curriculum_courses cc ON cc.course_slug = c.slug AND cc.curriculum_slug = $2
		WHERE 1 = 1`+visible(u)+" ORDER BY cc.position", lang, slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		co, err := scanCourse(rows)
		if err != nil {
			return nil, err
		}
		c.Courses = append(c.Courses, co)
	}
	return &c, rows.Err()
}

// CurriculumTexts returns a curriculum's texts in every language and its course slugs in
// order, for the edit form and the API. An unknown slug is ErrNotFound (a curriculum always has
// its English title).
func (s *Service) CurriculumTexts(ctx context.Context, slug string) (CurriculumInput, error) {
	in := CurriculumInput{Slug: slug, Title: map[string]string{}, Description: map[string]string{}}
	rows, err := s.r.QueryContext(ctx, "SELECT lang, title, description FROM curriculum_texts WHERE curriculum_slug = $1", slug)
	if err != nil {
		return in, err
	}
	for rows.Next() {
		var lang, title, desc string
		if err := rows.Scan(&lang, &title, &desc); err != nil {
			rows.Close()
			return in, err
		}
		in.Title[lang], in.Description[lang] = title, desc
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	if len(in.Title) == 0 {
		return in, ErrNotFound
	}
	rows, err = s.r.QueryContext(ctx, "SELECT course_slug FROM curriculum_courses WHERE curriculum_slug = $1 ORDER BY position", slug)
	if err != nil {
		return in, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return in, err
		}
		in.Courses = append(in.Courses, c)
	}
	return in, rows.Err()
}

// CurriculumProgress maps each course slug of the curriculum that u is enrolled in to their
// progress in it (Slug, LessonCount, CompletedLessons, Percent and CompletedAt are set; the
// rest of the Enrollment is empty), in one query. Courses u is not enrolled in are absent.
func (s *Service) CurriculumProgress(ctx context.Context, u *auth.User, slug string) (map[string]Enrollment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT en.course_slug, en.completed_at, c.lesson_count,
		(SELECT COUNT(*) FROM lesson_completions lc JOIN lessons l ON l.course_slug = lc.course_slug AND l.slug = lc.lesson_slug
			WHERE lc.user_id = en.user_id AND lc.course_slug = en.course_slug)
		FROM enrollments en JOIN curriculum_courses cc ON cc.course_slug = en.course_slug AND cc.curriculum_slug = $2
		JOIN courses c ON c.slug = en.course_slug
		WHERE en.user_id = $1`, u.ID, slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Enrollment{}
	for rows.Next() {
		var e Enrollment
		var completed sql.NullString
		if err := rows.Scan(&e.Slug, &completed, &e.LessonCount, &e.CompletedLessons); err != nil {
			return nil, err
		}
		e.settle(completed)
		out[e.Slug] = e
	}
	return out, rows.Err()
}
