package site

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/fault"
	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

func TestPathEscapesEverySegment(t *testing.T) {
	for _, tc := range []struct {
		segments []string
		want     string
	}{
		{nil, "/"},
		{[]string{"fr", "courses", "radio-basics"}, "/fr/courses/radio-basics"},
		{[]string{"en", "courses", "a/b?c#d"}, "/en/courses/a%2Fb%3Fc%23d"},
		{[]string{"ar", "certificates", "x y", "print"}, "/ar/certificates/x%20y/print"},
	} {
		if got := Path(tc.segments...); got != tc.want {
			t.Errorf("Path(%q) = %q, want %q", tc.segments, got, tc.want)
		}
	}
	if got := WithQuery("/en/courses", "tag", "ai & ml", "q", ""); got != "/en/courses?tag=ai+%26+ml" {
		t.Errorf("WithQuery = %q", got)
	}
	if got := Done(WithQuery("/en/admin/users", "q", "x"), "roles"); got != "/en/admin/users?q=x&done=roles" {
		t.Errorf("Done = %q", got)
	}
	if got := SignInURL("fr", "/courses/a b"); got != "/fr/login?next=%2Ffr%2Fcourses%2Fa+b" {
		t.Errorf("SignInURL = %q", got)
	}
}

// A ?next= never leads off the site, nor out of the reader's language.
func TestLocalPath(t *testing.T) {
	for next, want := range map[string]string{
		"/en/courses?tag=ai":     "/en/courses?tag=ai",
		"":                       "/en/me",
		"https://evil.example/":  "/en/me",
		"//evil.example/en/":     "/en/me",
		"/fr/courses":            "/en/me",
		"/en/\\evil.example":     "/en/me",
		"javascript:alert(1)":    "/en/me",
		"/en/courses/x?next=/en": "/en/courses/x?next=/en",
	} {
		if got := LocalPath(next, "en", "/en/me"); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", next, got, want)
		}
	}
}

// The edge maps kinds, not sentinels: any domain's error of a kind gets that kind's status, and
// its own message id.
func TestClassifyMapsKinds(t *testing.T) {
	errGone := fault.New(fault.Gone, "x.gone", "x: gone")
	for _, tc := range []struct {
		err    error
		status int
		key    string
	}{
		{validate.Errors{{Field: "name", Key: "field.required"}}, 422, "error.detail.fields_invalid"},
		{fmt.Errorf("wrapped: %w", auth.ErrEmailTaken), 409, "auth.error.email_taken"},
		{auth.ErrUnauthenticated, 401, "auth.error.unauthenticated"},
		{paging.ErrInvalidCursor, 400, "paging.cursor_invalid"},
		{errGone, 410, "x.gone"},
		{ErrTooMany, 429, "error.detail.too_many"},
		{errStoreDown, 503, "error.detail.unavailable"},
		{errJSONMediaType, 415, "error.detail.json_media_type"},
		{fiber.ErrNotFound, 404, "error.detail.not_found"},
		{fiber.ErrMethodNotAllowed, 405, "error.detail.method_not_allowed"},
		{fiber.ErrBadRequest, 400, "error.detail.generic"},
		{errors.New("disk full"), 500, "error.detail.server"},
	} {
		status, key, _ := classify(tc.err)
		if status != tc.status || key != tc.key {
			t.Errorf("%v: %d %s, want %d %s", tc.err, status, key, tc.status, tc.key)
		}
	}
}
