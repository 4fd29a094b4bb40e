package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

// A path parameter that is not text a database could keep (bytes that are not UTF-8, a NUL) names
// nothing: every route with parameters answers 404, as problem+json under /api/ and as a page
// elsewhere, on both engines. PostgreSQL answered most of them with 500s before. The requests
// come from a signed-in administrator and curriculum manager with a valid CSRF token, so that
// they reach the handlers past every guard.
func TestUnstorablePathParameterIsNotFound(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		ts := webtest.New(t, webtest.On(engine))
		ts.ImportCourses(t, webtest.RadioBasics)
		ts.CreateUser(t, "admin@example.org", "Ada Admin", auth.RoleAdmin, auth.RoleCurriculumManager)
		b := ts.SignInBrowser(t, "admin@example.org", webtest.Password)
		token := b.FormToken("/en/me")
		bearer := ts.SignInAPI(t, "admin@example.org", webtest.Password).AccessToken

		// Each parameter in turn holds the bad value, the others a plausible one.
		plausible := map[string]string{"lang": "en", "slug": "radio-basics", "lesson": webtest.LessonSlug(1, 1)}
		bad := map[string]string{
			"not UTF-8, encoded": "%FF%FE",
			"not UTF-8, raw":     "\xff\xfe",
			"a lone surrogate":   "%ED%B3%BF",
			"NUL, encoded":       "%00",
			"NUL inside":         "a%00b",
		}
		routes := 0
		for _, r := range ts.App.GetRoutes(true) {
			if len(r.Params) == 0 || r.Method == http.MethodHead {
				continue
			}
			routes++
			for _, param := range r.Params {
				for what, value := range bad {
					path := substitute(r.Path, param, value, plausible)
					t.Run(r.Method+" "+r.Path+" "+param+" "+what, func(t *testing.T) {
						req := badPathRequest(r.Method, path, token, bearer)
						resp, body := b.Send(req)
						wantNotFoundAnswer(t, path, resp, body)
					})
				}
			}
		}
		if routes < 20 {
			t.Errorf("only %d routes with parameters walked", routes)
		}
		if strings.Contains(ts.Logs(), "request failed") {
			t.Errorf("a request failed on the server:\n%s", ts.Logs())
		}
	})
}

// substitute fills in the route pattern: param gets value, the others a plausible value ("x"
// unless known).
func substitute(pattern, param, value string, plausible map[string]string) string {
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		name, isParam := strings.CutPrefix(seg, ":")
		if !isParam && seg != "*" {
			continue
		}
		if seg == "*" {
			name = "*1"
		}
		switch {
		case name == param:
			segs[i] = value
		case plausible[name] != "":
			segs[i] = plausible[name]
		default:
			segs[i] = "x"
		}
	}
	return strings.Join(segs, "/")
}

// badPathRequest is a request for path as given, byte for byte (raw bytes are not escaped), with
// the credentials every guard asks for.
func badPathRequest(method, path, csrf, bearer string) *http.Request {
	var req *http.Request
	if method == http.MethodPost && !strings.HasPrefix(path, "/api/") {
		req = httptest.NewRequest(method, "/", strings.NewReader(url.Values{site.CSRFField: {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, "/", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
	}
	req.RequestURI = path // NB: app.Test writes it on the request line as it is
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return req
}

func wantNotFoundAnswer(t *testing.T, path string, resp *http.Response, body string) {
	t.Helper()
	if strings.HasPrefix(path, "/api/") {
		webtest.WantProblem(t, resp, body, http.StatusNotFound)
		return
	}
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("%q: %d, want 404\n%.300s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%q: Content-Type %q, want an HTML page", path, ct)
	}
}

// A JSON body that is not UTF-8 is refused with a 422, not read with U+FFFD in place of the bytes
// (which encoding/json does by itself): naming the field that held them, or "" (the body as a
// whole) when they were anywhere else. Nothing is stored.
func TestJSONNotUTF8IsRefused(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		s := newTextScene(t, engine)
		register := func(email, name string) string {
			return `{"email":"` + email + `","password":"` + webtest.Password + `","name":"` + name + `","country":"KE"}`
		}
		for _, tc := range []struct {
			name, method, path string
			manager            bool
			body               string
			field              string
		}{
			{"registration name", http.MethodPost, "/api/v1/auth/register", false, register("ff@example.org", "Amina \xff"), "name"},
			{"registration e-mail", http.MethodPost, "/api/v1/auth/register", false, register("\xed\xb3\xbf@example.org", "Amina"), "email"},
			{"an unknown member's name", http.MethodPost, "/api/v1/auth/register", false,
				`{"email":"key@example.org","password":"` + webtest.Password + "\",\"name\":\"Amina\",\"country\":\"KE\",\"\xff\":1}", ""},
			{"outside any string", http.MethodPost, "/api/v1/auth/register", false, "{\"email\":\"out@example.org\",\xff}", ""},
			{"curriculum title", http.MethodPost, "/api/v1/curricula", true, "{\"slug\":\"p\",\"title\":{\"en\":\"\xc3\"},\"courses\":[\"radio-basics\"]}", "title.en"},
			{"curriculum title's language", http.MethodPost, "/api/v1/curricula", true, "{\"slug\":\"p\",\"title\":{\"e\xffn\":\"P\"},\"courses\":[\"radio-basics\"]}", "title.e\uFFFDn"},
			{"curriculum course", http.MethodPost, "/api/v1/curricula", true, "{\"slug\":\"p\",\"title\":{\"en\":\"P\"},\"courses\":[\"radio-basics\",\"\xfe\"]}", "courses.1"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var who *auth.User
				if tc.manager {
					who = s.manager
				}
				resp, body := s.call(tc.method, tc.path, who, tc.body)
				webtest.WantProblem(t, resp, body, http.StatusUnprocessableEntity, tc.field)
			})
		}
		for _, email := range []string{"ff@example.org", "key@example.org", "out@example.org"} {
			s.wantNoAccount(t, email)
		}
		if list, err := s.ts.Courses.Curricula(context.Background(), "en"); err != nil || len(list) != 0 {
			t.Errorf("%d refused curricula stored (%v)", len(list), err)
		}
	})
}
