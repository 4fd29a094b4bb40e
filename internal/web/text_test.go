package web

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
)

// Text that no database could keep as it is (bytes that are not UTF-8, or a NUL) is refused with
// a 422 naming the field, wherever it comes in: query, form or JSON. PostgreSQL answered such text
// with 500s before. Names and titles also refuse what would mislead a reader (a right-to-left
// override) and what shows nothing at all.
func TestUnstorableTextIsRefused(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		s := newCourseAPIScene(t, engine)

		for _, tc := range []struct{ path, field string }{
			{"/api/v1/courses?q=%00", "q"},
			{"/api/v1/courses?tag=%FF", "tag"},
			{"/api/v1/courses?language=%ED%B3%BF", "language"}, // a UTF-16 surrogate, encoded as UTF-8
			{"/api/v1/curricula?%00=1", "\uFFFD"},
		} {
			resp, body := get(t, s.ts.app, tc.path)
			wantProblem(t, resp, body, http.StatusUnprocessableEntity, tc.field)
		}
		for _, path := range []string{"/en/courses?q=%00", "/en/courses?tag=%FF", "/en/courses?level=%00"} {
			if resp, _ := get(t, s.ts.app, path); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", path, resp.StatusCode)
			}
		}
		// A cursor this API never gave out (valid base64 of bytes that are not text).
		resp, body := get(t, s.ts.app, "/api/v1/courses?cursor=__4")
		wantProblem(t, resp, body, http.StatusBadRequest)

		for _, tc := range []struct {
			name, method, path string
			manager            bool
			body               map[string]any
			field              string
		}{
			{"sign-in e-mail", http.MethodPost, "/api/v1/auth/token", false, map[string]any{"email": "a\x00b@example.org", "password": acctPassword}, "email"},
			{"registration name", http.MethodPost, "/api/v1/auth/register", false, map[string]any{"email": "nul@example.org", "password": acctPassword, "name": "A\x00", "country": "KE"}, "name"},
			{"curriculum title", http.MethodPost, "/api/v1/curricula", true, map[string]any{"slug": "p", "title": map[string]string{"en": "\x00"}, "courses": []string{"radio-basics"}}, "title.en"},
			{"curriculum course", http.MethodPost, "/api/v1/curricula", true, map[string]any{"slug": "p", "title": map[string]string{"en": "P"}, "courses": []string{"radio-basics", "x\x00"}}, "courses.1"},
			{"curriculum description, patched", http.MethodPatch, "/api/v1/curricula/p", true, map[string]any{"description": map[string]string{"fr": "a\x00"}}, "description.fr"},
			// Valid text, refused by the domain rules.
			{"name with a right-to-left override", http.MethodPost, "/api/v1/auth/register", false, map[string]any{"email": "rlo@example.org", "password": acctPassword, "name": "Amina\u202egpj.exe", "country": "KE"}, "name"},
			{"invisible name", http.MethodPost, "/api/v1/auth/register", false, map[string]any{"email": "zw@example.org", "password": acctPassword, "name": "\u200b\ufeff", "country": "KE"}, "name"},
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
				wantProblem(t, resp, body, http.StatusUnprocessableEntity, tc.field)
			})
		}
		var users, curricula int
		if err := s.ts.db.R.QueryRow("SELECT COUNT(*) FROM users WHERE email IN ('nul@example.org', 'rlo@example.org', 'zw@example.org')").Scan(&users); err != nil || users != 0 {
			t.Errorf("%d refused accounts stored (%v)", users, err)
		}
		if err := s.ts.db.R.QueryRow("SELECT COUNT(*) FROM curricula").Scan(&curricula); err != nil || curricula != 0 {
			t.Errorf("%d refused curricula stored (%v)", curricula, err)
		}

		// Forms: the same answer, and nothing stored.
		b := newWebClient(t, s.ts.app)
		for _, tc := range []struct {
			page string
			form url.Values
		}{
			{"/en/login", url.Values{"email": {"a\x00b@example.org"}, "password": {acctPassword}}},
			{"/en/password/forgot", url.Values{"email": {"\x00"}}},
			{"/en/register", url.Values{"email": {"form@example.org"}, "password": {acctPassword}, "name": {"\xed\xb3\xbf"}, "country": {"KE"}, "language": {"en"}}},
		} {
			if resp, body := b.submit(tc.page, tc.page, tc.form); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422\n%.500s", tc.page, resp.StatusCode, body)
			}
		}
		if err := s.ts.db.R.QueryRow("SELECT COUNT(*) FROM users WHERE email = 'form@example.org'").Scan(&users); err != nil || users != 0 {
			t.Errorf("the refused registration form stored an account (%d, %v)", users, err)
		}
	})
}

// A single-answer question takes one answer: more is a 422, not an attempt scored wrong.
func TestSingleAnswerQuestionTakesOneAnswer(t *testing.T) {
	s := newCourseAPIScene(t, db.SQLite)
	resp, body := s.call(http.MethodGet, "/api/v1/courses/radio-basics/quizzes/m1", s.learner, nil)
	q := wantJSON[quizJSON](t, resp, body, 200)
	i := slices.IndexFunc(q.Questions, func(q questionJSON) bool { return !q.Multiple })
	if i < 0 {
		t.Fatal("the fixture quiz has no single-answer question")
	}
	var all []string
	for _, c := range q.Questions[i].Choices {
		all = append(all, c.ID)
	}
	resp, body = s.call(http.MethodPost, "/api/v1/courses/radio-basics/quizzes/m1/attempts", s.learner,
		map[string]any{"answers": map[string][]string{q.Questions[i].ID: all}})
	wantProblem(t, resp, body, http.StatusUnprocessableEntity, "answers."+q.Questions[i].ID)
}
