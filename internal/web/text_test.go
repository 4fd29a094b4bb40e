package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// textScene is a server with two courses, a learner and a curriculum manager.
type textScene struct {
	t                *testing.T
	ts               *webtest.Server
	learner, manager *auth.User
}

func newTextScene(t *testing.T, engine db.Dialect) *textScene {
	ts := webtest.New(t, webtest.On(engine))
	ts.ImportCourses(t, webtest.RadioBasics, webtest.Spectrum101)
	return &textScene{t: t, ts: ts, learner: ts.CreateUser(t, "learner@example.org", "Amina Diallo"),
		manager: ts.CreateUser(t, "manager@example.org", "Marc Curriculum", auth.RoleCurriculumManager)}
}

func (s *textScene) call(method, path string, u *auth.User, body any) (*http.Response, string) {
	s.t.Helper()
	return webtest.CallAPI(s.t, s.ts.App, method, path, s.ts.Token(s.t, u), body)
}

// wantNoAccount checks that no account has this address: signing in with the password every
// refused registration used is refused.
func (s *textScene) wantNoAccount(t *testing.T, email string) {
	t.Helper()
	if _, err := s.ts.Auth.Authenticate(context.Background(), email, webtest.Password); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("%s: an account was stored for a refused registration (%v)", email, err)
	}
}

// Text that no database could keep as it is (bytes that are not UTF-8, or a NUL) is refused with
// a 422 naming the field, wherever it comes in: query, form or JSON. PostgreSQL answered such text
// with 500s before. Names and titles also refuse what would mislead a reader (a right-to-left
// override) and what shows nothing at all.
func TestUnstorableTextIsRefused(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		s := newTextScene(t, engine)

		for _, tc := range []struct{ path, field string }{
			{"/api/v1/courses?q=%00", "q"},
			{"/api/v1/courses?tag=%FF", "tag"},
			{"/api/v1/courses?language=%ED%B3%BF", "language"}, // a UTF-16 surrogate, encoded as UTF-8
			{"/api/v1/curricula?%00=1", "\uFFFD"},
		} {
			resp, body := s.ts.Get(t, tc.path)
			webtest.WantProblem(t, resp, body, http.StatusUnprocessableEntity, tc.field)
		}
		for _, path := range []string{"/en/courses?q=%00", "/en/courses?tag=%FF", "/en/courses?level=%00"} {
			if resp, _ := s.ts.Get(t, path); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", path, resp.StatusCode)
			}
		}
		// A cursor this API never gave out (valid base64 of bytes that are not text).
		resp, body := s.ts.Get(t, "/api/v1/courses?cursor=__4")
		webtest.WantProblem(t, resp, body, http.StatusBadRequest)

		for _, tc := range []struct {
			name, method, path string
			manager            bool
			body               map[string]any
			field              string
		}{
			{"sign-in e-mail", http.MethodPost, "/api/v1/auth/token", false, map[string]any{"email": "a\x00b@example.org", "password": webtest.Password}, "email"},
			{"registration name", http.MethodPost, "/api/v1/auth/register", false, map[string]any{"email": "nul@example.org", "password": webtest.Password, "name": "A\x00", "country": "KE"}, "name"},
			{"curriculum title", http.MethodPost, "/api/v1/curricula", true, map[string]any{"slug": "p", "title": map[string]string{"en": "\x00"}, "courses": []string{"radio-basics"}}, "title.en"},
			{"curriculum course", http.MethodPost, "/api/v1/curricula", true, map[string]any{"slug": "p", "title": map[string]string{"en": "P"}, "courses": []string{"radio-basics", "x\x00"}}, "courses.1"},
			{"curriculum description, patched", http.MethodPatch, "/api/v1/curricula/p", true, map[string]any{"description": map[string]string{"fr": "a\x00"}}, "description.fr"},
			// Valid text, refused by the domain rules.
			{"name with a right-to-left override", http.MethodPost, "/api/v1/auth/register", false, map[string]any{"email": "rlo@example.org", "password": webtest.Password, "name": "Amina\u202egpj.exe", "country": "KE"}, "name"},
			{"invisible name", http.MethodPost, "/api/v1/auth/register", false, map[string]any{"email": "zw@example.org", "password": webtest.Password, "name": "\u200b\ufeff", "country": "KE"}, "name"},
			{"curriculum title with an override", http.MethodPost, "/api/v1/curricula", true, map[string]any{"slug": "q", "title": map[string]string{"en": "\u202eP"}, "courses": []string{"radio-basics"}}, "title.en"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				who := s.learner
				if tc.manager {
					who = s.manager
				}
				if tc.path == "/api/v1/auth/token" || tc.path == "/api/v1/auth/register" {
					who = nil
				}
				resp, body := s.call(tc.method, tc.path, who, tc.body)
				webtest.WantProblem(t, resp, body, http.StatusUnprocessableEntity, tc.field)
			})
		}
		for _, email := range []string{"nul@example.org", "rlo@example.org", "zw@example.org"} {
			s.wantNoAccount(t, email)
		}
		if list, err := s.ts.Courses.Curricula(context.Background(), "en"); err != nil || len(list) != 0 {
			t.Errorf("%d refused curricula stored (%v)", len(list), err)
		}

		// Forms: the same answer, and nothing stored.
		b := s.ts.Browser(t)
		for _, tc := range []struct {
			page string
			form url.Values
		}{
			{"/en/login", url.Values{"email": {"a\x00b@example.org"}, "password": {webtest.Password}}},
			{"/en/password/forgot", url.Values{"email": {"\x00"}}},
			{"/en/register", url.Values{"email": {"form@example.org"}, "password": {webtest.Password}, "name": {"\xed\xb3\xbf"}, "country": {"KE"}, "language": {"en"}}},
		} {
			if resp, body := b.Submit(tc.page, tc.page, tc.form); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422\n%.500s", tc.page, resp.StatusCode, body)
			}
		}
		s.wantNoAccount(t, "form@example.org")
	})
}
