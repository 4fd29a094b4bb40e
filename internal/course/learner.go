package course

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/moderation"
	"capacityhub/internal/validate"
)

// Enroll enrols u in the course and tells whether this was new. Enrolling twice is harmless.
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
// course, issues the certificate. Marking a lesson twice is harmless.
func (s *Service) CompleteLesson(ctx context.Context, u *auth.User, courseSlug, lessonSlug string) (*Progress, error) {
	if _, err := s.Lesson(ctx, courseSlug, lessonSlug, SourceLanguage); err != nil {
		return nil, err
	}
	if _, err := s.Enroll(ctx, u, courseSlug); err != nil {
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

// Progress returns u's progress in the course, in three queries.
func (s *Service) Progress(ctx context.Context, u *auth.User, slug string) (*Progress, error) {
	p := &Progress{LessonsDone: map[string]bool{}, QuizzesPassed: map[string]bool{}, BestScores: map[string]int{}}
	var enrolled, completed, cert sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT e.enrolled_at, e.completed_at, c.id, co.lesson_count,
		(SELECT COUNT(*) FROM quizzes q WHERE q.course_slug = co.slug)
		FROM courses co
		LEFT JOIN enrollments e ON e.course_slug = co.slug AND e.user_id = $1
		LEFT JOIN certificates c ON c.course_slug = co.slug AND c.user_id = $1
		WHERE co.slug = $2`, u.ID, slug).Scan(&enrolled, &completed, &cert, &p.TotalLessons, &p.TotalQuizzes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	p.Enrolled = enrolled.Valid
	p.Completed, p.CertificateID = completed.Valid, cert.String
	rows, err := s.r.QueryContext(ctx, `SELECT lc.lesson_slug FROM lesson_completions lc
		JOIN lessons l ON l.course_slug = lc.course_slug AND l.slug = lc.lesson_slug
		WHERE lc.user_id = $1 AND lc.course_slug = $2`, u.ID, slug)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			rows.Close()
			return nil, err
		}
		p.LessonsDone[l] = true
	}
	rows.Close()
	p.CompletedLessons = len(p.LessonsDone)
	if p.TotalLessons > 0 {
		p.Percent = p.CompletedLessons * 100 / p.TotalLessons
	}
	rows, err = s.r.QueryContext(ctx, `SELECT a.quiz_slug, MAX(a.score), MAX(a.passed) FROM quiz_attempts a
		JOIN quizzes q ON q.course_slug = a.course_slug AND q.slug = a.quiz_slug
		WHERE a.user_id = $1 AND a.course_slug = $2 GROUP BY a.quiz_slug`, u.ID, slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var q string
		var best, passed int
		if err := rows.Scan(&q, &best, &passed); err != nil {
			return nil, err
		}
		p.BestScores[q] = best
		if passed != 0 {
			p.QuizzesPassed[q] = true
		}
	}
	p.PassedQuizzes = len(p.QuizzesPassed)
	return p, rows.Err()
}

// settle completes the course when every lesson is done and every quiz passed: the enrolment is
// marked completed and the certificate issued, each once, whatever the races.
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
	if first {
		s.audit(ctx, moderation.AuditEvent{ActorID: u.ID, Action: "course.completed", Target: slug})
	}
	return s.Progress(ctx, u, slug)
}

// Quiz is a quiz as a learner sees it before answering: never the answers.
type Quiz struct {
	QuizRef
	Questions []Question
}

// Question is one question without its answer.
type Question struct {
	ID       string
	Text     string
	Multiple bool // several choices are right: "select all that apply"
	Choices  []Choice
}

// Choice is one possible answer.
type Choice struct {
	ID   string
	Text string
}

// storedQuiz is a quiz as the database holds it.
type storedQuiz struct {
	passMark int
	keys     []questionKey
	texts    map[string]quizLanguageTexts
}

func (s *Service) loadQuiz(ctx context.Context, u *auth.User, course, quiz string) (*storedQuiz, error) {
	var q storedQuiz
	var kj, tj string
	err := s.r.QueryRowContext(ctx, `SELECT q.pass_mark, q.questions, q.texts FROM quizzes q JOIN courses c ON c.slug = q.course_slug
		WHERE q.course_slug = $1 AND q.slug = $2`+visible(u), course, quiz).Scan(&q.passMark, &kj, &tj)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(kj), &q.keys); err != nil {
		return nil, err
	}
	return &q, json.Unmarshal([]byte(tj), &q.texts)
}

// Quiz returns the quiz in lang (or English) without its answers.
func (s *Service) Quiz(ctx context.Context, u *auth.User, course, quiz, lang string) (*Quiz, error) {
	sq, err := s.loadQuiz(ctx, u, course, quiz)
	if err != nil {
		return nil, err
	}
	lang = pick(lang, func(l string) bool { _, ok := sq.texts[l]; return ok })
	t := sq.texts[lang]
	out := &Quiz{QuizRef: QuizRef{Slug: quiz, Title: t.Title, Language: lang, PassMark: sq.passMark}}
	for _, k := range sq.keys {
		qt := t.Questions[k.ID]
		q := Question{ID: k.ID, Text: qt.Text, Multiple: len(k.Correct) > 1}
		for _, c := range k.Choices {
			q.Choices = append(q.Choices, Choice{ID: c, Text: qt.Choices[c]})
		}
		out.Questions = append(out.Questions, q)
	}
	return out, nil
}

// Attempt is a scored quiz attempt.
type Attempt struct {
	ID        string
	Score     int // percent of questions answered right
	Passed    bool
	PassMark  int
	Questions []QuestionResult
	Progress  *Progress // after the attempt: the course may now be complete
}

// QuestionResult says whether one question was answered right, with its explanation.
type QuestionResult struct {
	ID          string
	Correct     bool
	Chosen      []string
	Right       []string // the right choices, shown after the attempt
	Explanation string
}

// SubmitAttempt scores answers (question id -> chosen choice ids) on the server, keeps the
// attempt, and completes the course when this pass was the last thing missing. A question left
// out counts as wrong; an id that is not in the quiz is a validation error.
func (s *Service) SubmitAttempt(ctx context.Context, u *auth.User, course, quiz, lang string, answers map[string][]string) (*Attempt, error) {
	sq, err := s.loadQuiz(ctx, u, course, quiz)
	if err != nil {
		return nil, err
	}
	var errs validate.Errors
	for qid, chosen := range answers {
		i := slices.IndexFunc(sq.keys, func(k questionKey) bool { return k.ID == qid })
		if i < 0 {
			errs.Add("answers."+qid, "course.quiz.unknown_question", nil)
			continue
		}
		for _, c := range chosen {
			if !slices.Contains(sq.keys[i].Choices, c) {
				errs.Add("answers."+qid, "course.quiz.unknown_choice", nil)
				break
			}
		}
		if len(sq.keys[i].Correct) == 1 && len(chosen) > 1 {
			errs.Add("answers."+qid, "course.quiz.one_choice", nil) // a single-answer question
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	a := sq.score(answers, lang)
	a.ID = db.NewID()
	if _, err := s.Enroll(ctx, u, course); err != nil {
		return nil, err
	}
	aj, _ := json.Marshal(answers)
	passed := 0
	if a.Passed {
		passed = 1
	}
	if _, err := s.db.W.ExecContext(ctx, `INSERT INTO quiz_attempts (id, user_id, course_slug, quiz_slug, score, passed, answers, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ID, u.ID, course, quiz, a.Score, passed, string(aj), db.FormatTime(s.now())); err != nil {
		return nil, err
	}
	if a.Progress, err = s.settle(ctx, u, course); err != nil {
		return nil, err
	}
	return a, nil
}

// score marks answers against the quiz, with the explanations in lang (or English). A question
// is right when exactly its right choices are chosen; one left out is wrong.
func (sq *storedQuiz) score(answers map[string][]string, lang string) *Attempt {
	lang = pick(lang, func(l string) bool { _, ok := sq.texts[l]; return ok })
	a := &Attempt{PassMark: sq.passMark}
	right := 0
	for _, k := range sq.keys {
		chosen := slices.Clone(answers[k.ID])
		slices.Sort(chosen)
		chosen = slices.Compact(chosen)
		want := slices.Clone(k.Correct)
		slices.Sort(want)
		ok := slices.Equal(chosen, want)
		if ok {
			right++
		}
		a.Questions = append(a.Questions, QuestionResult{ID: k.ID, Correct: ok, Chosen: chosen, Right: k.Correct,
			Explanation: sq.texts[lang].Questions[k.ID].Explanation})
	}
	if len(sq.keys) > 0 {
		a.Score = (right*100 + len(sq.keys)/2) / len(sq.keys)
	}
	a.Passed = a.Score >= sq.passMark
	return a
}

// AttemptResult shows one of u's kept attempts again, marked against the quiz as it is now,
// with u's progress in the course. Another learner's attempt is ErrNotFound.
func (s *Service) AttemptResult(ctx context.Context, u *auth.User, course, quiz, id, lang string) (*Attempt, error) {
	sq, err := s.loadQuiz(ctx, u, course, quiz)
	if err != nil {
		return nil, err
	}
	var aj string
	var score int
	err = s.r.QueryRowContext(ctx, `SELECT answers, score FROM quiz_attempts
		WHERE id = $1 AND user_id = $2 AND course_slug = $3 AND quiz_slug = $4`, id, u.ID, course, quiz).Scan(&aj, &score)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var answers map[string][]string
	if err := json.Unmarshal([]byte(aj), &answers); err != nil {
		return nil, err
	}
	a := sq.score(answers, lang)
	a.ID = id
	a.Score, a.Passed = score, score >= sq.passMark // as it was marked when submitted
	if a.Progress, err = s.Progress(ctx, u, course); err != nil {
		return nil, err
	}
	return a, nil
}

// Certificate is a certificate as anyone may verify it.
type Certificate struct {
	ID          string
	Name        string
	CourseSlug  string
	CourseTitle string
	Language    string // of CourseTitle
	IssuedAt    time.Time
	Valid       bool
}

// Certificate looks a certificate up by its id, for public verification.
func (s *Service) Certificate(ctx context.Context, id, lang string) (*Certificate, error) {
	var c Certificate
	var issued string
	err := s.r.QueryRowContext(ctx, `SELECT ce.id, ce.name, ce.course_slug, COALESCE(t.lang, e.lang), COALESCE(t.title, e.title), ce.issued_at
		FROM certificates ce
		JOIN course_texts e ON e.course_slug = ce.course_slug AND e.lang = 'en'
		LEFT JOIN course_texts t ON t.course_slug = ce.course_slug AND t.lang = $2
		WHERE ce.id = $1`, id, lang).Scan(&c.ID, &c.Name, &c.CourseSlug, &c.Language, &c.CourseTitle, &issued)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c.IssuedAt, _ = db.ParseTime(issued)
	c.Valid = true
	return &c, nil
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

// Enrollments lists u's courses with progress (lessons, quizzes, the next lesson to read), in one
// query. An unpublished course is left out for learners, as everywhere else, unless they earned its
// certificate: then it stays, for the certificate's sake.
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
		if completed.Valid {
			t, _ := db.ParseTime(completed.String)
			e.CompletedAt = &t
		}
		if e.LessonCount > 0 {
			e.Percent = e.CompletedLessons * 100 / e.LessonCount
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
