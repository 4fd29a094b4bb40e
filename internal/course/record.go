package course

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
)

// LearnerRecord is everything the courses keep about one learner, for "download my data": every
// row of theirs, whether or not the course is still published. Deleting the account deletes all
// of it (the tables' user_id cascades; see auth.Service.DeleteAccount).
type LearnerRecord struct {
	Enrolments   []EnrolmentRecord
	Lessons      []LessonRecord
	Attempts     []AttemptRecord
	Pauses       []PauseRecord
	Certificates []CertificateRecord
}

// EnrolmentRecord is an enrolment.
type EnrolmentRecord struct {
	Course    string
	Enrolled  time.Time
	Completed *time.Time
}

// LessonRecord is a lesson marked as done.
type LessonRecord struct {
	Course    string
	Lesson    string
	Completed time.Time
}

// AttemptRecord is a quiz attempt with the answers given.
type AttemptRecord struct {
	ID      string
	Course  string
	Quiz    string
	Score   int
	Passed  bool
	Answers map[string][]string
	At      time.Time
}

// PauseRecord is where a learner stands with a quiz's attempt limit.
type PauseRecord struct {
	Course      string
	Quiz        string
	Failures    int
	LockedUntil *time.Time
}

// CertificateRecord is a certificate issued to the learner.
type CertificateRecord struct {
	ID     string
	Course string
	Name   string
	Issued time.Time
}

// LearnerRecord gathers what the courses keep about u, oldest first.
func (s *Service) LearnerRecord(ctx context.Context, u *auth.User) (*LearnerRecord, error) {
	r := &LearnerRecord{}
	steps := []struct {
		query string
		scan  func(*sql.Rows) error
	}{
		{"SELECT course_slug, enrolled_at, completed_at FROM enrollments WHERE user_id = $1 ORDER BY enrolled_at, course_slug",
			func(rows *sql.Rows) error {
				var e EnrolmentRecord
				var at string
				var done sql.NullString
				if err := rows.Scan(&e.Course, &at, &done); err != nil {
					return err
				}
				e.Enrolled, e.Completed = parseTime(at), nullTime(done)
				r.Enrolments = append(r.Enrolments, e)
				return nil
			}},
		{"SELECT course_slug, lesson_slug, completed_at FROM lesson_completions WHERE user_id = $1 ORDER BY completed_at, course_slug, lesson_slug",
			func(rows *sql.Rows) error {
				var l LessonRecord
				var at string
				if err := rows.Scan(&l.Course, &l.Lesson, &at); err != nil {
					return err
				}
				l.Completed = parseTime(at)
				r.Lessons = append(r.Lessons, l)
				return nil
			}},
		{"SELECT id, course_slug, quiz_slug, score, passed, answers, created_at FROM quiz_attempts WHERE user_id = $1 ORDER BY created_at, id",
			func(rows *sql.Rows) error {
				var a AttemptRecord
				var passed int
				var answers, at string
				if err := rows.Scan(&a.ID, &a.Course, &a.Quiz, &a.Score, &passed, &answers, &at); err != nil {
					return err
				}
				a.Passed, a.At = passed != 0, parseTime(at)
				_ = json.Unmarshal([]byte(answers), &a.Answers)
				r.Attempts = append(r.Attempts, a)
				return nil
			}},
		{"SELECT course_slug, quiz_slug, failures, locked_until FROM quiz_attempt_limits WHERE user_id = $1 ORDER BY course_slug, quiz_slug",
			func(rows *sql.Rows) error {
				var p PauseRecord
				var until sql.NullString
				if err := rows.Scan(&p.Course, &p.Quiz, &p.Failures, &until); err != nil {
					return err
				}
				p.LockedUntil = nullTime(until)
				r.Pauses = append(r.Pauses, p)
				return nil
			}},
		{"SELECT id, course_slug, name, issued_at FROM certificates WHERE user_id = $1 ORDER BY issued_at, id",
			func(rows *sql.Rows) error {
				var c CertificateRecord
				var at string
				if err := rows.Scan(&c.ID, &c.Course, &c.Name, &at); err != nil {
					return err
				}
				c.Issued = parseTime(at)
				r.Certificates = append(r.Certificates, c)
				return nil
			}},
	}
	for _, st := range steps {
		if err := s.eachRow(ctx, st.query, u.ID, st.scan); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// eachRow runs a query of one user's rows and calls scan on each.
func (s *Service) eachRow(ctx context.Context, query, userID string, scan func(*sql.Rows) error) error {
	rows, err := s.r.QueryContext(ctx, query, userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func parseTime(s string) time.Time {
	t, _ := db.ParseTime(s)
	return t
}

func nullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}
