package course

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"capacityhub/internal/db"
)

// Certificate is a certificate as anyone may verify it.
type Certificate struct {
	ID          string
	Name        string // the learner's name when it was issued
	CourseSlug  string
	CourseTitle string
	Language    string // of CourseTitle
	IssuedAt    time.Time
	Valid       bool
}

// Certificate looks a certificate up by its id, for public verification: no sign-in, and the
// course's title even when the course is unpublished since. An unknown id is ErrNotFound.
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

// NormalizeCertificateID reads a certificate number as a person may type it from paper: in any
// case, with spaces or hyphens between groups.
func NormalizeCertificateID(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s)))
}

// ValidCertificateID tells whether id has the shape of a certificate number (db.ValidID).
func ValidCertificateID(id string) bool { return db.ValidID(id) }
