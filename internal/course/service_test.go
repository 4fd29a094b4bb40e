package course

import (
	"fmt"
	"testing"

	"capacityhub/internal/fault"
)

// The errors that reach clients carry the kind the web edge maps to a status and the key of
// the message a client reads; their own text stays what logs have always shown.
func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		kind fault.Kind
		key  string
		text string
	}{
		{"not found", ErrNotFound, fault.NotFound, "course.error.not_found", "course: not found"},
		{"forbidden", ErrForbidden, fault.Forbidden, "course.error.forbidden", "course: not allowed"},
		{"slug taken", ErrSlugTaken, fault.Conflict, "course.error.slug_taken", "course: slug already used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wrapped := fmt.Errorf("loading: %w", tc.err)
			fe, ok := fault.As(wrapped)
			if !ok {
				t.Fatalf("%v carries no kind", tc.err)
			}
			if fe.Kind() != tc.kind || fe.Key() != tc.key || tc.err.Error() != tc.text {
				t.Errorf("%v: kind %v, key %q; want %v, %q, text %q", tc.err, fe.Kind(), fe.Key(), tc.kind, tc.key, tc.text)
			}
		})
	}
}
