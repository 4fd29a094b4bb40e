package course

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/moderation"
)

// Enroll enrols u in the course and tells whether this was new. Enrolling twice is harmless; an
// unpublished course is ErrNotFound, except for curriculum managers.
func (s *Service) Enroll(ctx context.Context, u *auth.User, slug string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, "SELECT 1 FROM courses c WHERE c.slug = $1"+visible(u), slug).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, err
	}
	res, err := s.db.W.ExecContext(ctx, `INSERT INTO enrollments (user_id, course_slug, enrolled_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, course_slug) DO NOTHING`, u.ID, slug, db.FormatTime(s.now()))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CompleteLesson marks a lesson done (enrolling u first when needed) and, when that finishes the
// course, issues the certificate. Marking a lesson twice is harmless. A lesson the course does
// not have, or a course u may not see, is ErrNotFound.
func (s *Service) CompleteLesson(ctx context.Context, u *auth.User, courseSlug, lessonSlug string) (*Progress, error) {
	if _, err := s.Lesson(ctx, courseSlug, lessonSlug, SourceLanguage); err != nil {
		return nil, err
	}
	if _, err := s.Enroll(ctx, u, courseSlug); err != nil { // NB: this is what refuses an unpublished course
		return nil, err
	}
	if _, err := s.db.W.ExecContext(ctx, `INSERT INTO lesson_completions (user_id, course_slug, lesson_slug, completed_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, course_slug, lesson_slug) DO NOTHING`,
		u.ID, courseSlug, lessonSlug, db.FormatTime(s.now())); err != nil {
		return nil, err
	}
	return s.settle(ctx, u, courseSlug)
}

// Progress is where a learner stands in a course.
type Progress struct {
	Enrolled         bool
	CompletedLessons int
	TotalLessons     int
	Percent          int // of lessons done
	PassedQuizzes    int
	TotalQuizzes     int
	Completed        bool
	CertificateID    string
	LessonsDone      map[string]bool // by lesson slug
	QuizzesPassed    map[string]bool // by quiz slug
	BestScores       map[string]int  // by quiz slug, for quizzes attempted
}

// Progress returns u's progress in the course, in one query: the course's row (enrolment,
// certificate, totals), then a row per lesson done and per quiz attempted. Lessons and quizzes
// that a re-import removed no longer count, though their records stay. NB: it does not ask
// whether the course is published; pages reach it through Course, which does.
func (s *Service) Progress(ctx context.Context, u *auth.User, slug string) (*Progress, error) {
	p := &Progress{LessonsDone: map[string]bool{}, QuizzesPassed: map[string]bool{}, BestScores: map[string]int{}}
	rows, err := s.r.QueryContext(ctx, progressQuery, u.ID, slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var kind string
		var s1, s2, s3 sql.NullString
		var n1, n2 int
		if err := rows.Scan(&kind, &s1, &s2, &s3, &n1, &n2); err != nil {
			return nil, err
		}
		switch kind {
		case "c":
			found = true
			p.Enrolled, p.Completed, p.CertificateID = s1.Valid, s2.Valid, s3.String
			p.TotalLessons, p.TotalQuizzes = n1, n2
		case "l":
			p.LessonsDone[s1.String] = true
		case "q":
			p.BestScores[s1.String] = n1
			if n2 != 0 {
				p.QuizzesPassed[s1.String] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	p.CompletedLessons, p.PassedQuizzes = len(p.LessonsDone), len(p.QuizzesPassed)
	if p.TotalLessons > 0 {
		p.Percent = p.CompletedLessons * 100 / p.TotalLessons
	}
	return p, nil
}

// progressQuery is Progress's query ($1 the user, $2 the course): rows of (kind, s1, s2, s3, n1,
// n2): "c" the course (enrolled_at, completed_at, certificate id, lessons, quizzes), "l" a lesson
// done (its slug), "q" a quiz attempted (its slug, best score, passed).
const progressQuery = `SELECT 'c', e.enrolled_at, e.completed_at, c.id, co.lesson_count,
		(SELECT COUNT(*) FROM quizzes q WHERE q.course_slug = co.slug)
	FROM courses co
	LEFT JOIN enrollments e ON e.course_slug = co.slug AND e.user_id = $1
	LEFT JOIN certificates c ON c.course_slug = co.slug AND c.user_id = $1
	WHERE co.slug = $2
	UNION ALL
	SELECT 'l', lc.lesson_slug, CAST(NULL AS TEXT), CAST(NULL AS TEXT), 0, 0 FROM lesson_completions lc
	JOIN lessons l ON l.course_slug = lc.course_slug AND l.slug = lc.lesson_slug
	WHERE lc.user_id = $1 AND lc.course_slug = $2
	UNION ALL
	SELECT 'q', a.quiz_slug, CAST(NULL AS TEXT), CAST(NULL AS TEXT), MAX(a.score), MAX(a.passed) FROM quiz_attempts a
	JOIN quizzes q ON q.course_slug = a.course_slug AND q.slug = a.quiz_slug
	WHERE a.user_id = $1 AND a.course_slug = $2 GROUP BY a.quiz_slug`

// settle completes the course when every lesson is done and every quiz passed: the enrolment is
// marked completed and the certificate issued, each once, whatever the races. It returns u's
// progress after that.
func (s *Service) settle(ctx context.Context, u *auth.User, slug string) (*Progress, error) {
	p, err := s.Progress(ctx, u, slug)
	if err != nil || p.Completed || p.CompletedLessons < p.TotalLessons || p.PassedQuizzes < p.TotalQuizzes {
		return p, err
	}
	now := db.FormatTime(s.now())
	first := false
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE enrollments SET completed_at = $1 WHERE user_id = $2 AND course_slug = $3 AND completed_at IS NULL",
			now, u.ID, slug)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		first = n == 1
		_, err = tx.ExecContext(ctx, `INSERT INTO certificates (id, user_id, course_slug, name, issued_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, course_slug) DO NOTHING`, db.NewID(), u.ID, slug, u.Name, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if first { // NB: only the request that completed the enrolment audits it
		s.audit(ctx, moderation.AuditEvent{ActorID: u.ID, Action: "course.completed", Target: slug})
	}
	return s.Progress(ctx, u, slug)
}

// Enrollment is one of a learner's courses with their progress in it.
type Enrollment struct {
	Course
	CompletedLessons int
	Percent          int
	CompletedAt      *time.Time
	CertificateID    string
	PassedQuizzes    int
	TotalQuizzes     int
	NextLesson       string // the first lesson not yet done, in reading order; "" when all are
}

// visibleOrCertified is visible for a learner's own courses: an unpublished course stays listed
// when they earned its certificate, so that they can still find it.
func visibleOrCertified(u *auth.User) string {
	if v := visible(u); v != "" {
		return " AND (c.published = 1 OR ce.id IS NOT NULL)"
	}
	return ""
}

// Enrollments lists u's courses with progress (lessons, quizzes, the next lesson to read), most
// recent enrolment first, in one query. An unpublished course is left out for learners, as
// everywhere else, unless they earned its certificate: then it stays, for the certificate's sake.
func (s *Service) Enrollments(ctx context.Context, u *auth.User, lang string) ([]Enrollment, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+courseColumns+`, en.completed_at, COALESCE(ce.id, ''),
		(SELECT COUNT(*) FROM lesson_completions lc JOIN lessons l ON l.course_slug = lc.course_slug AND l.slug = lc.lesson_slug
			WHERE lc.user_id = en.user_id AND lc.course_slug = c.slug),
		(SELECT COUNT(DISTINCT a.quiz_slug) FROM quiz_attempts a JOIN quizzes q ON q.course_slug = a.course_slug AND q.slug = a.quiz_slug
			WHERE a.user_id = en.user_id AND a.course_slug = c.slug AND a.passed = 1),
		(SELECT COUNT(*) FROM quizzes q WHERE q.course_slug = c.slug),
		COALESCE((SELECT l.slug FROM lessons l WHERE l.course_slug = c.slug AND NOT EXISTS (SELECT 1 FROM lesson_completions lc
			WHERE lc.user_id = en.user_id AND lc.course_slug = l.course_slug AND lc.lesson_slug = l.slug) ORDER BY l.position LIMIT 1), '')`+courseFrom+`
		JOIN enrollments en ON en.course_slug = c.slug AND en.user_id = $2
		LEFT JOIN certificates ce ON ce.course_slug = c.slug AND ce.user_id = $2
		WHERE 1 = 1`+visibleOrCertified(u)+`
		ORDER BY en.enrolled_at DESC`, lang, u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Enrollment
	for rows.Next() {
		var e Enrollment
		var completed sql.NullString
		var err error
		if e.Course, err = scanCourse(rows, &completed, &e.CertificateID, &e.CompletedLessons, &e.PassedQuizzes, &e.TotalQuizzes, &e.NextLesson); err != nil {
			return nil, err
		}
		e.settle(completed)
		out = append(out, e)
	}
	return out, rows.Err()
}

// settle fills in what follows from the columns read: the completion time (a NULL column for a
// course not finished) and the percentage of lessons done.
func (e *Enrollment) settle(completed sql.NullString) {
	if completed.Valid {
		t, _ := db.ParseTime(completed.String)
		e.CompletedAt = &t
	}
	if e.LessonCount > 0 {
		e.Percent = e.CompletedLessons * 100 / e.LessonCount
	}
}
