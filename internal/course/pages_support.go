package course

import (
	"context"
	"fmt"
	"strings"

	"capacityhub/internal/auth"
)

// CoursesBySlug returns the named courses in lang (English where a course lacks it), in the
// order of slugs, in one query: the course page uses it to name and link its prerequisites.
// Slugs that name no course, or a course u may not see (unpublished), are left out.
func (s *Service) CoursesBySlug(ctx context.Context, u *auth.User, lang string, slugs []string) ([]Course, error) {
	if len(slugs) == 0 {
		return nil, nil
	}
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
