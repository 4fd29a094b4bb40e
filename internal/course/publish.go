package course

import (
	"context"

	"capacityhub/internal/auth"
	"capacityhub/internal/moderation"
)

// What curriculum managers do to courses themselves; course contents change only by import.

// SetPublished publishes or unpublishes a course; an unpublished course is invisible to learners
// (ErrNotFound), though their records and certificates stay. Only curriculum managers may, and
// each change goes into the audit log. An unknown slug is ErrNotFound.
func (s *Service) SetPublished(ctx context.Context, u *auth.User, slug string, published bool) error {
	if !canManage(u) {
		return ErrForbidden
	}
	flag, action := 0, "course.unpublished"
	if published {
		flag, action = 1, "course.published"
	}
	res, err := s.db.W.ExecContext(ctx, "UPDATE courses SET published = $1 WHERE slug = $2", flag, slug)
	s.contentChanged(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	s.audit(ctx, moderation.AuditEvent{ActorID: u.ID, Action: action, Target: slug})
	return nil
}

// Stats are a course's numbers for curriculum managers.
type Stats struct {
	Course
	Enrollments int
	Completions int
}

// CourseStats lists every course, published or not, by slug, with its enrolments and
// completions, in one query. Only curriculum managers may.
func (s *Service) CourseStats(ctx context.Context, u *auth.User, lang string) ([]Stats, error) {
	if !canManage(u) {
		return nil, ErrForbidden
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+courseColumns+`,
		(SELECT COUNT(*) FROM enrollments en WHERE en.course_slug = c.slug),
		(SELECT COUNT(*) FROM enrollments en WHERE en.course_slug = c.slug AND en.completed_at IS NOT NULL)`+
		courseFrom+" ORDER BY c.slug", lang)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stats
	for rows.Next() {
		var st Stats
		var err error
		if st.Course, err = scanCourse(rows, &st.Enrollments, &st.Completions); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
