package courseweb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/moderation"
	"capacityhub/internal/paging"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/courseweb"
	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

// The courses API as a script meets it: the catalogue, lessons, quizzes scored on the server,
// completion and certificates, publishing and curricula. Courses are built in the test
// (webtest.Course) and imported by the course service; everything else goes through app.Test,
// and the services only set the scene or, where a test says so, look behind the surface.

// apiScene is a server with radio-basics and spectrum-101, a learner and a curriculum manager.
type apiScene struct {
	srv     *webtest.Server
	learner *auth.User
	manager *auth.User
}

func newAPIScene(t *testing.T, engine db.Dialect) *apiScene {
	t.Helper()
	srv := webtest.New(t, webtest.On(engine))
	srv.ImportCourses(t, webtest.RadioBasics, webtest.Spectrum101)
	s := &apiScene{srv: srv,
		learner: srv.CreateUser(t, "learner@example.org", "Amina Diallo"),
		manager: srv.CreateUser(t, "manager@example.org", "Marc Curriculum", auth.RoleCurriculumManager)}
	srv.AgeAccount(t, s.learner) // past the first day's stricter write limit
	return s
}

// call sends an API request as u (nil: anonymous).
func (s *apiScene) call(t testing.TB, method, path string, u *auth.User, body any) (*http.Response, string) {
	t.Helper()
	return webtest.CallAPI(t, s.srv.App, method, path, s.srv.Token(t, u), body)
}

// anAdmin reads the audit log as an administrator would.
type anAdmin struct{}

func (anAdmin) IsAdmin() bool { return true }

// audited lists the audit events whose action starts with prefix, newest first.
func audited(t testing.TB, srv *webtest.Server, prefix string) []moderation.AuditEvent {
	t.Helper()
	page, err := srv.Audit.List(context.Background(), anAdmin{}, prefix, paging.First(paging.MaxLimit))
	if err != nil || page.Next != "" {
		t.Fatalf("audit log: %v (more than one page: %t)", err, page.Next != "")
	}
	return page.Items
}

// countAudited counts the events of audited that keep says to.
func countAudited(t testing.TB, srv *webtest.Server, prefix string, keep func(moderation.AuditEvent) bool) int {
	t.Helper()
	n := 0
	for _, e := range audited(t, srv, prefix) {
		if keep(e) {
			n++
		}
	}
	return n
}

func slugsOf(items []courseweb.CourseJSON) []string {
	var out []string
	for _, c := range items {
		out = append(out, c.Slug)
	}
	return out
}

func TestCourseCatalogAPI(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		resp, body := s.call(t, http.MethodGet, "/api/v1/courses", nil, nil)
		list := webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200)
		if got := slugsOf(list.Items); !slices.Equal(got, []string{"radio-basics", "spectrum-101"}) || list.NextCursor != nil {
			t.Fatalf("catalogue %v, next %v", got, list.NextCursor)
		}
		if resp.Header.Get("Content-Language") != "en" {
			t.Errorf("Content-Language %q", resp.Header.Get("Content-Language"))
		}
		rb := list.Items[0]
		if rb.Title != "Course radio-basics" || rb.Language != "en" || rb.Level != "introductory" || rb.LessonCount != 4 ||
			rb.EstimatedMinutes != 30 || !slices.Equal(rb.Languages, []string{"ar", "en", "fr"}) || !slices.Equal(rb.Tags, []string{"ai", "radio"}) {
			t.Errorf("radio-basics listed as %+v", rb)
		}

		// In French: the French title where there is one, English (and language "en") elsewhere.
		resp, body = s.call(t, http.MethodGet, "/api/v1/courses?lang=fr", nil, nil)
		list = webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200)
		if resp.Header.Get("Content-Language") != "fr" || list.Items[0].Title != "Cours radio-basics" || list.Items[0].Language != "fr" ||
			list.Items[1].Title != "Course spectrum-101" || list.Items[1].Language != "en" {
			t.Errorf("French catalogue (%s): %+v", resp.Header.Get("Content-Language"), list.Items)
		}
		// Accept-Language works when there is no ?lang=.
		req := rawRequest(http.MethodGet, "/api/v1/courses", "", "Accept-Language", "ar;q=1, en;q=0.5")
		if resp, _ := webtest.Do(t, s.srv.App, req); resp.Header.Get("Content-Language") != "ar" {
			t.Errorf("Accept-Language ar: Content-Language %q", resp.Header.Get("Content-Language"))
		}

		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"tag=spectrum", []string{"spectrum-101"}},
			{"tag=ai", []string{"radio-basics", "spectrum-101"}},
			{"tag=nothing", nil},
			{"level=advanced", []string{"spectrum-101"}},
			{"language=fr", []string{"radio-basics"}},
			{"q=spectrum", []string{"spectrum-101"}},
			{"q=COURSE+radio", []string{"radio-basics"}},
			{"q=fr&lang=fr", []string{"radio-basics"}}, // words of the reader's language
			{"q=fr", nil},
			{"q=100%25", nil},
		} {
			resp, body := s.call(t, http.MethodGet, "/api/v1/courses?"+tc.query, nil, nil)
			if got := slugsOf(webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200).Items); !slices.Equal(got, tc.want) {
				t.Errorf("?%s: %v, want %v", tc.query, got, tc.want)
			}
		}
		for _, tc := range []struct {
			query  string
			status int
			fields []string
		}{
			{"level=expert", 422, []string{"level"}},
			{"language=de", 422, []string{"language"}},
			{"limit=0", 422, []string{"limit"}},
			{"limit=many&level=x", 422, []string{"level", "limit"}},
			{"cursor=%21%21", 400, nil},
		} {
			resp, body := s.call(t, http.MethodGet, "/api/v1/courses?"+tc.query, nil, nil)
			webtest.WantProblem(t, resp, body, tc.status, tc.fields...)
		}
	})
}

// rawRequest is a request with a body sent exactly as given, for bodies callAPI would not send.
func rawRequest(method, path, body string, headers ...string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// Following next_cursor walks the whole catalogue once, in order, limit at a time.
func TestCourseCatalogPagination(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		var specs []webtest.Course
		var want []string
		for i := range 7 {
			specs = append(specs, webtest.Course{Slug: fmt.Sprintf("course-%02d", i), Modules: 1, Lessons: 1})
			want = append(want, fmt.Sprintf("course-%02d", i))
		}
		srv.ImportCourses(t, specs...)
		var got []string
		pages := 0
		path := "/api/v1/courses?limit=3"
		for {
			resp, body := webtest.CallAPI(t, srv.App, http.MethodGet, path, "", nil)
			page := webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200)
			if len(page.Items) > 3 {
				t.Fatalf("page of %d items with limit=3", len(page.Items))
			}
			got = append(got, slugsOf(page.Items)...)
			pages++
			if page.NextCursor == nil {
				break
			}
			path = "/api/v1/courses?limit=3&cursor=" + url.QueryEscape(*page.NextCursor)
		}
		if !slices.Equal(got, want) || pages != 3 {
			t.Errorf("walked %v in %d pages, want %v in 3", got, pages, want)
		}
		// The default page is 20 and a larger limit is cut to 100: both hold all 7 here.
		for _, q := range []string{"", "?limit=1000"} {
			resp, body := webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/courses"+q, "", nil)
			if page := webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200); len(page.Items) != 7 || page.NextCursor != nil {
				t.Errorf("%q: %d items, next %v", q, len(page.Items), page.NextCursor)
			}
		}
		// An exact multiple of the limit ends with a null cursor, not an empty page.
		resp, body := webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/courses?limit=7", "", nil)
		if page := webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200); page.NextCursor != nil {
			t.Errorf("limit=7 of 7: next_cursor %q, want null", *page.NextCursor)
		}
	})
}

func TestCourseAndLessonAPI(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics?lang=fr", nil, nil)
		d := webtest.WantJSON[courseweb.CourseDetailJSON](t, resp, body, 200)
		if d.Title != "Cours radio-basics" || d.Language != "fr" || len(d.Modules) != 2 || resp.Header.Get("Content-Language") != "fr" {
			t.Fatalf("course: %+v", d)
		}
		m2 := d.Modules[1]
		if m2.Slug != "m2" || m2.Title != "Module 2" || len(m2.Lessons) != 2 || m2.Quiz == nil ||
			m2.Quiz.Slug != "m2" || m2.Quiz.Title != "Quiz 2 (fr)" || m2.Quiz.PassMark != 70 {
			t.Errorf("module 2: %+v (quiz %+v)", m2, m2.Quiz)
		}
		if l := m2.Lessons[1]; l.Slug != "m2-l2" || l.Language != "en" || l.Title != "Lesson m2-l2" {
			t.Errorf("untranslated lesson listed as %+v, want the English title marked en", l)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/courses/no-such-course", nil, nil)
		webtest.WantProblem(t, resp, body, 404)

		for _, tc := range []struct {
			lesson, lang, title, language string
			prev, next                    string
		}{
			{"m1-l1", "fr", "Leçon m1-l1", "fr", "", "m1-l2"},
			{"m1-l2", "fr", "Leçon m1-l2", "fr", "m1-l1", "m2-l1"}, // across modules
			{"m2-l2", "fr", "Lesson m2-l2", "en", "m2-l1", ""},     // not translated: English
			{"m2-l1", "ar", "الدرس m2-l1", "ar", "m1-l2", "m2-l2"},
			{"m2-l1", "zh", "Lesson m2-l1", "en", "m1-l2", "m2-l2"}, // no Chinese at all
		} {
			resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics/lessons/"+tc.lesson+"?lang="+tc.lang, nil, nil)
			l := webtest.WantJSON[courseweb.LessonJSON](t, resp, body, 200)
			if l.Slug != tc.lesson || l.Title != tc.title || l.Language != tc.language || l.Course != "radio-basics" ||
				!strings.Contains(l.HTML, "<h2>Part one</h2>") || !strings.Contains(l.HTML, "Text of "+tc.lesson+" in "+tc.language) {
				t.Errorf("%s in %s: %+v", tc.lesson, tc.lang, l)
			}
			if got := resp.Header.Get("Content-Language"); got != tc.language {
				t.Errorf("%s in %s: Content-Language %q, want the lesson's own %q", tc.lesson, tc.lang, got, tc.language)
			}
			for name, link := range map[string]struct {
				got  *courseweb.LinkJSON
				want string
			}{"prev": {l.Prev, tc.prev}, "next": {l.Next, tc.next}} {
				switch {
				case link.want == "" && (link.got != nil || strings.Contains(body, `"`+name+`"`)):
					t.Errorf("%s: %s is %+v, want it omitted", tc.lesson, name, link.got)
				case link.want != "" && (link.got == nil || link.got.Slug != link.want || link.got.Title == ""):
					t.Errorf("%s: %s is %+v, want %s", tc.lesson, name, link.got, link.want)
				}
			}
		}
		for _, path := range []string{
			"/api/v1/courses/radio-basics/lessons/nope",
			"/api/v1/courses/spectrum-101/lessons/m1-l2", // a lesson of another course
			"/api/v1/courses/nope/lessons/m1-l1",
		} {
			resp, body := s.call(t, http.MethodGet, path, nil, nil)
			webtest.WantProblem(t, resp, body, 404)
		}
	})
}

func TestQuizNeverShowsAnswers(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		for _, u := range []*auth.User{nil, s.learner, s.manager} {
			resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics/quizzes/m1?lang=fr", u, nil)
			q := webtest.WantJSON[courseweb.QuizJSON](t, resp, body, 200)
			if q.Slug != "m1" || q.Title != "Quiz 1 (fr)" || q.Language != "fr" || q.PassMark != 70 || len(q.Questions) != 2 {
				t.Fatalf("quiz: %+v", q)
			}
			q1, q2 := q.Questions[0], q.Questions[1]
			if q1.ID != "q1" || q1.Multiple || len(q1.Choices) != 3 || q1.Text != "Question one (fr)?" ||
				q2.ID != "q2" || !q2.Multiple || len(q2.Choices) != 4 || !slices.Contains(q2.Choices, courseweb.ChoiceJSON{ID: "d", Text: "D"}) {
				t.Errorf("questions: %+v", q.Questions)
			}
			for _, leak := range []string{"correct", "EXPLAIN", "explanation", "right"} {
				if strings.Contains(strings.ToLower(body), strings.ToLower(leak)) {
					t.Errorf("the quiz answer mentions %q: %s", leak, body)
				}
			}
		}
		resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics/quizzes/m9", nil, nil)
		webtest.WantProblem(t, resp, body, 404)
	})
}

func TestQuizAttemptScoring(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		path := "/api/v1/courses/radio-basics/quizzes/m1/attempts?lang=fr"
		var kept []string // the attempts' ids
		for _, tc := range []struct {
			name    string
			answers map[string][]string
			score   int
			passed  bool
			right   []bool // q1, q2
		}{
			{"all right", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}}, 100, true, []bool{true, true}},
			{"multiple choice in any order, repeats ignored", map[string][]string{"q1": {"b"}, "q2": {"c", "a", "c"}}, 100, true, []bool{true, true}},
			{"multiple choice half right is wrong", map[string][]string{"q1": {"b"}, "q2": {"a"}}, 50, false, []bool{true, false}},
			{"multiple choice with one too many is wrong", map[string][]string{"q1": {"b"}, "q2": {"a", "b", "c"}}, 50, false, []bool{true, false}},
			{"single choice wrong", map[string][]string{"q1": {"a"}, "q2": {"a", "c"}}, 50, false, []bool{false, true}},
			{"left-out question counts wrong", map[string][]string{"q1": {"b"}}, 50, false, []bool{true, false}},
			{"empty answer counts wrong", map[string][]string{"q1": {}, "q2": {"a", "c"}}, 50, false, []bool{false, true}},
			{"nothing answered", map[string][]string{}, 0, false, []bool{false, false}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := s.call(t, http.MethodPost, path, s.manager, map[string]any{"answers": tc.answers})
				a := webtest.WantJSON[courseweb.AttemptJSON](t, resp, body, 201)
				kept = append(kept, a.ID)
				if a.Score != tc.score || a.Passed != tc.passed || a.PassMark != 70 || len(a.Questions) != 2 {
					t.Fatalf("attempt: %+v", a)
				}
				for i, q := range a.Questions {
					if q.Correct != tc.right[i] || q.Explanation != "EXPLAIN-"+q.ID+"-fr" || len(q.CorrectChoices) == 0 {
						t.Errorf("question %s: %+v, want correct=%v with its French explanation", q.ID, q, tc.right[i])
					}
				}
			})
		}
		// Every attempt is kept (two answers to a single-answer question are no attempt: see
		// TestSingleAnswerQuestionTakesOneAnswer); the learner's progress shows the quiz passed.
		slices.Sort(kept)
		if len(slices.Compact(slices.Clone(kept))) != 8 {
			t.Errorf("attempt ids %v, want 8 different ones", kept)
		}
		for _, id := range kept {
			if _, err := s.srv.Courses.AttemptResult(context.Background(), s.manager, "radio-basics", "m1", id, "fr"); err != nil {
				t.Errorf("attempt %s not kept: %v", id, err)
			}
		}
		resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics/progress", s.manager, nil)
		if p := webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 200); !slices.Equal(p.QuizzesPassed, []string{"m1"}) || p.TotalQuizzes != 2 || p.Completed {
			t.Errorf("progress after attempts: %+v", p)
		}
	})
}

func TestQuizAttemptErrors(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		path := "/api/v1/courses/radio-basics/quizzes/m1/attempts"
		valid := map[string]any{"answers": map[string][]string{"q1": {"b"}}}
		for _, tc := range []struct {
			name   string
			user   *auth.User
			path   string
			body   any
			ctype  string
			status int
			fields []string
		}{
			{"anonymous", nil, path, valid, "", 401, nil},
			{"not JSON", s.learner, path, "answers=q1", "text/plain", 415, nil},
			{"malformed JSON", s.learner, path, `{"answers": {`, "", 400, nil},
			{"answers not lists", s.learner, path, `{"answers": {"q1": "b"}}`, "", 400, nil},
			{"no answers", s.learner, path, `{}`, "", 422, []string{"answers"}},
			{"unknown question and choice", s.learner, path, map[string]any{"answers": map[string][]string{"q9": {"a"}, "q1": {"z"}}}, "", 422, []string{"answers.q1", "answers.q9"}},
			{"unknown quiz", s.learner, "/api/v1/courses/radio-basics/quizzes/m9/attempts", valid, "", 404, nil},
			{"unknown course", s.learner, "/api/v1/courses/nope/quizzes/m1/attempts", valid, "", 404, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var resp *http.Response
				var body string
				if tc.ctype != "" {
					req := rawRequest(http.MethodPost, tc.path, tc.body.(string), "Content-Type", tc.ctype, "Authorization", "Bearer "+s.srv.Token(t, tc.user))
					resp, body = webtest.Do(t, s.srv.App, req)
				} else {
					resp, body = s.call(t, http.MethodPost, tc.path, tc.user, tc.body)
				}
				webtest.WantProblem(t, resp, body, tc.status, tc.fields...)
			})
		}
	})
}

func TestEnrollmentProgressAndCertificate(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		base := "/api/v1/courses/radio-basics"
		for _, tc := range []struct{ method, path string }{
			{http.MethodPost, base + "/enrollment"},
			{http.MethodPut, base + "/lessons/m1-l1/completion"},
			{http.MethodGet, base + "/progress"},
		} {
			resp, body := s.call(t, tc.method, tc.path, nil, nil)
			webtest.WantProblem(t, resp, body, 401)
		}

		resp, body := s.call(t, http.MethodGet, base+"/progress", s.learner, nil)
		if p := webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 200); p.Enrolled || p.TotalLessons != 4 || p.CompletedLessons != 0 {
			t.Errorf("progress before enrolling: %+v", p)
		}
		resp, body = s.call(t, http.MethodPost, base+"/enrollment", s.learner, nil)
		if p := webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 201); !p.Enrolled || p.Percent != 0 || resp.Header.Get("Location") != base+"/progress" {
			t.Errorf("first enrolment: %+v, Location %q", p, resp.Header.Get("Location"))
		}
		resp, body = s.call(t, http.MethodPost, base+"/enrollment", s.learner, nil)
		webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 200)
		resp, body = s.call(t, http.MethodPost, "/api/v1/courses/nope/enrollment", s.learner, nil)
		webtest.WantProblem(t, resp, body, 404)
		resp, body = s.call(t, http.MethodPut, base+"/lessons/nope/completion", s.learner, nil)
		webtest.WantProblem(t, resp, body, 404)
		resp, body = s.call(t, http.MethodGet, "/api/v1/courses/nope/progress", s.learner, nil)
		webtest.WantProblem(t, resp, body, 404)

		// Every lesson done (twice is harmless) and every quiz passed: the course is complete.
		for _, l := range []string{"m1-l1", "m1-l2", "m2-l1", "m1-l1", "m2-l2"} {
			if resp, body := s.call(t, http.MethodPut, base+"/lessons/"+l+"/completion", s.learner, nil); resp.StatusCode != 204 {
				t.Fatalf("complete %s: %d %s", l, resp.StatusCode, body)
			}
		}
		resp, body = s.call(t, http.MethodGet, base+"/progress", s.learner, nil)
		if p := webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 200); p.CompletedLessons != 4 || p.Percent != 100 || p.Completed || p.CertificateID != "" ||
			strings.Contains(body, "certificate_id") {
			t.Errorf("lessons done, quizzes not passed: %+v", p)
		}
		pass := map[string]any{"answers": map[string][]string{"q1": {"b"}, "q2": {"a", "c"}}}
		resp, body = s.call(t, http.MethodPost, base+"/quizzes/m1/attempts", s.learner, pass)
		if a := webtest.WantJSON[courseweb.AttemptJSON](t, resp, body, 201); a.Progress.Completed {
			t.Error("completed with a quiz still to pass")
		}
		resp, body = s.call(t, http.MethodPost, base+"/quizzes/m2/attempts", s.learner, pass)
		a := webtest.WantJSON[courseweb.AttemptJSON](t, resp, body, 201)
		if !a.Progress.Completed || a.Progress.CertificateID == "" {
			t.Fatalf("the last quiz passed did not complete the course: %+v", a.Progress)
		}
		resp, body = s.call(t, http.MethodGet, base+"/progress", s.learner, nil)
		p := webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 200)
		if !p.Completed || p.CertificateID != a.Progress.CertificateID || p.PassedQuizzes != 2 {
			t.Errorf("progress after completion: %+v", p)
		}
		if len(p.CertificateID) < 16 {
			t.Errorf("certificate id %q looks guessable", p.CertificateID)
		}

		// Anyone can verify the certificate, without signing in.
		resp, body = s.call(t, http.MethodGet, "/api/v1/certificates/"+p.CertificateID+"?lang=fr", nil, nil)
		ce := webtest.WantJSON[courseweb.CertificateJSON](t, resp, body, 200)
		issued, err := time.Parse(time.RFC3339, ce.IssuedAt)
		if ce.ID != p.CertificateID || ce.Name != "Amina Diallo" || !ce.Valid || err != nil || issued.Location() != time.UTC ||
			time.Since(issued) > time.Hour || ce.Course != (courseweb.CertificateCourse{Slug: "radio-basics", Title: "Cours radio-basics", Language: "fr"}) ||
			ce.URL != "http://localhost:8080/certificates/"+p.CertificateID {
			t.Errorf("certificate: %+v (%v)", ce, err)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/certificates/not-a-certificate", nil, nil)
		webtest.WantProblem(t, resp, body, 404)

		// A later failed attempt does not take the completion or the certificate back.
		resp, body = s.call(t, http.MethodPost, base+"/quizzes/m2/attempts", s.learner, map[string]any{"answers": map[string][]string{}})
		if a := webtest.WantJSON[courseweb.AttemptJSON](t, resp, body, 201); a.Passed || !a.Progress.Completed || a.Progress.CertificateID != p.CertificateID {
			t.Errorf("after a failed attempt: %+v", a.Progress)
		}
		if n := countAudited(t, s.srv, "course.completed", func(e moderation.AuditEvent) bool { return e.ActorID == s.learner.ID }); n != 1 {
			t.Errorf("%d course.completed audit events, want 1", n)
		}
	})
}

// Completing the course from several requests at once issues one certificate, and every answer
// names that one.
func TestConcurrentCompletionIssuesOneCertificate(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		ctx := context.Background()
		// The scene: everything done but the last lesson and the last quiz. Then the two arrive, each
		// several times, at once: whichever request finds everything done issues the certificate.
		for _, l := range []string{"m1-l1", "m1-l2", "m2-l1"} {
			if _, err := s.srv.Courses.CompleteLesson(ctx, s.manager, "radio-basics", l); err != nil {
				t.Fatal(err)
			}
		}
		pass := map[string][]string{"q1": {"b"}, "q2": {"a", "c"}}
		if _, err := s.srv.Courses.SubmitAttempt(ctx, s.manager, "radio-basics", "m1", "en", pass); err != nil {
			t.Fatal(err)
		}
		token := s.srv.Token(t, s.manager)
		const n = 8
		var wg sync.WaitGroup
		ids := make([]string, n) // the certificate each attempt's answer names, if any
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					if resp, body := webtest.CallAPI(t, s.srv.App, http.MethodPut, "/api/v1/courses/radio-basics/lessons/m2-l2/completion", token, nil); resp.StatusCode != 204 {
						t.Errorf("request %d: %d %s", i, resp.StatusCode, body)
					}
					return
				}
				resp, body := webtest.CallAPI(t, s.srv.App, http.MethodPost, "/api/v1/courses/radio-basics/quizzes/m2/attempts", token, map[string]any{"answers": pass})
				var a courseweb.AttemptJSON
				if err := json.Unmarshal([]byte(body), &a); err != nil || resp.StatusCode != 201 {
					t.Errorf("request %d: %d %s", i, resp.StatusCode, body)
				}
				ids[i] = a.Progress.CertificateID
			}()
		}
		wg.Wait()
		resp, body := webtest.CallAPI(t, s.srv.App, http.MethodGet, "/api/v1/courses/radio-basics/progress", token, nil)
		p := webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 200)
		if !p.Completed || p.CertificateID == "" {
			t.Fatalf("not completed: %+v", p)
		}
		// One certificate: the manager's courses list the course once, with the one progress names,
		// and its completion was recorded once.
		mine, err := s.srv.Courses.Enrollments(ctx, s.manager, "en")
		if err != nil || len(mine) != 1 || mine[0].CertificateID != p.CertificateID {
			t.Fatalf("enrolments %+v (%v), want radio-basics once with certificate %s", mine, err, p.CertificateID)
		}
		if n := countAudited(t, s.srv, "course.completed", func(e moderation.AuditEvent) bool { return e.ActorID == s.manager.ID }); n != 1 {
			t.Fatalf("%d course.completed audit events, want exactly 1", n)
		}
		for i, id := range ids {
			if id != "" && id != p.CertificateID {
				t.Errorf("request %d was told of certificate %q, progress says %q", i, id, p.CertificateID)
			}
		}
	})
}

func TestPublishAndUnpublish(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		for _, verb := range []string{"publish", "unpublish"} {
			resp, body := s.call(t, http.MethodPost, "/api/v1/courses/radio-basics/"+verb, nil, nil)
			webtest.WantProblem(t, resp, body, 401)
			resp, body = s.call(t, http.MethodPost, "/api/v1/courses/radio-basics/"+verb, s.learner, nil)
			webtest.WantProblem(t, resp, body, 403)
			resp, body = s.call(t, http.MethodPost, "/api/v1/courses/nope/"+verb, s.manager, nil)
			webtest.WantProblem(t, resp, body, 404)
		}
		// The learner has started before the course is withdrawn.
		if resp, body := s.call(t, http.MethodPost, "/api/v1/courses/radio-basics/enrollment", s.learner, nil); resp.StatusCode != 201 {
			t.Fatalf("enrol: %d %s", resp.StatusCode, body)
		}
		if resp, body := s.call(t, http.MethodPost, "/api/v1/courses/radio-basics/unpublish", s.manager, nil); resp.StatusCode != 204 {
			t.Fatalf("unpublish: %d %s", resp.StatusCode, body)
		}
		hidden := []struct {
			method, path string
			signedIn     bool // anonymous readers are told to sign in first
		}{
			{http.MethodGet, "/api/v1/courses/radio-basics", false},
			{http.MethodGet, "/api/v1/courses/radio-basics/lessons/m1-l1", false},
			{http.MethodGet, "/api/v1/courses/radio-basics/quizzes/m1", false},
			{http.MethodGet, "/api/v1/courses/radio-basics/progress", true},
			{http.MethodPost, "/api/v1/courses/radio-basics/enrollment", true},
			{http.MethodPut, "/api/v1/courses/radio-basics/lessons/m1-l1/completion", true},
			{http.MethodPost, "/api/v1/courses/radio-basics/quizzes/m1/attempts", true},
		}
		for _, u := range []*auth.User{nil, s.learner} {
			for _, r := range hidden {
				var body any
				if strings.HasSuffix(r.path, "/attempts") {
					body = map[string]any{"answers": map[string][]string{}}
				}
				resp, b := s.call(t, r.method, r.path, u, body)
				if want := map[bool]int{true: 401, false: 404}[u == nil && r.signedIn]; resp.StatusCode != want {
					t.Errorf("%s %s as %v while unpublished: %d, want %d: %s", r.method, r.path, u != nil, resp.StatusCode, want, b)
				}
			}
			resp, body := s.call(t, http.MethodGet, "/api/v1/courses", u, nil)
			if got := slugsOf(webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200).Items); !slices.Equal(got, []string{"spectrum-101"}) {
				t.Errorf("catalogue while unpublished: %v", got)
			}
		}
		// Curriculum managers still see it, marked unpublished.
		resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics", s.manager, nil)
		if d := webtest.WantJSON[courseweb.CourseDetailJSON](t, resp, body, 200); d.Published {
			t.Error("an unpublished course says published")
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/courses", s.manager, nil)
		if got := slugsOf(webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200).Items); len(got) != 2 {
			t.Errorf("managers' catalogue: %v", got)
		}
		// A manager without two-step verification has no manager's sight until it is on.
		bare := s.srv.CreateStaffWithoutMFA(t, "new.manager@example.org", "Nadia Curriculum", auth.RoleCurriculumManager)
		resp, body = s.call(t, http.MethodGet, "/api/v1/courses", bare, nil)
		if got := slugsOf(webtest.WantJSON[site.List[courseweb.CourseJSON]](t, resp, body, 200).Items); !slices.Equal(got, []string{"spectrum-101"}) {
			t.Errorf("catalogue of a manager without two-step verification: %v, want the learners' one", got)
		}
		if resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics", bare, nil); resp.StatusCode != 404 {
			t.Errorf("the unpublished course for a manager without two-step verification: %d, want 404: %s", resp.StatusCode, body)
		}
		if resp, body := s.call(t, http.MethodPost, "/api/v1/courses/radio-basics/publish", s.manager, nil); resp.StatusCode != 204 {
			t.Fatalf("publish: %d %s", resp.StatusCode, body)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/courses/radio-basics/progress", s.learner, nil)
		if p := webtest.WantJSON[courseweb.ProgressJSON](t, resp, body, 200); !p.Enrolled {
			t.Error("republishing lost the enrolment")
		}
		publishing := func(e moderation.AuditEvent) bool {
			return (e.Action == "course.published" || e.Action == "course.unpublished") && e.Target == "radio-basics" && e.ActorID == s.manager.ID
		}
		if n := countAudited(t, s.srv, "course.", publishing); n != 2 {
			t.Errorf("%d publishing audit events, want 2", n)
		}
	})
}

func TestCurriculaAPI(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		valid := map[string]any{
			"slug":        "regulator-path",
			"title":       map[string]string{"en": "Path for regulators", "fr": "Parcours des régulateurs"},
			"description": map[string]string{"en": "Start here.", "fr": "Commencez ici."},
			"courses":     []string{"radio-basics", "spectrum-101"},
		}
		for _, tc := range []struct {
			name   string
			user   *auth.User
			body   any
			status int
			fields []string
		}{
			{"anonymous", nil, valid, 401, nil},
			{"learner", s.learner, valid, 403, nil},
			{"learner with a bad body is still refused", s.learner, `{"slug":`, 403, nil},
			{"malformed", s.manager, `{"slug":`, 400, nil},
			{"wrong shape", s.manager, `{"title": "not a map"}`, 400, nil},
			{"invalid fields", s.manager, map[string]any{"slug": "Bad Slug", "title": map[string]string{"fr": "Seulement en français", "de": "x"},
				"courses": []string{}}, 422, []string{"slug", "title.en", "title.de", "courses"}},
			{"unknown and repeated courses", s.manager, map[string]any{"slug": "x", "title": map[string]string{"en": "X"},
				"courses": []string{"radio-basics", "nope", "radio-basics"}}, 422, []string{"courses", "courses"}}, // one problem each
			{"too long", s.manager, map[string]any{"slug": "x", "title": map[string]string{"en": strings.Repeat("t", 201)},
				"courses": []string{"radio-basics"}}, 422, []string{"title.en"}},
			{"1 MB title", s.manager, map[string]any{"slug": "x", "title": map[string]string{"en": strings.Repeat("t", 1_000_000)},
				"courses": []string{"radio-basics"}}, 422, []string{"title.en"}},
			{"description too long", s.manager, map[string]any{"slug": "x", "title": map[string]string{"en": "X", "fr": "X"},
				"description": map[string]string{"en": strings.Repeat("d", 4001), "fr": strings.Repeat("d", 1_000_000)},
				"courses":     []string{"radio-basics"}}, 422, []string{"description.en", "description.fr"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := s.call(t, http.MethodPost, "/api/v1/curricula", tc.user, tc.body)
				webtest.WantProblem(t, resp, body, tc.status, tc.fields...)
			})
		}
		resp, body := s.call(t, http.MethodGet, "/api/v1/curricula/x", nil, nil)
		webtest.WantProblem(t, resp, body, 404) // nothing refused was stored
		req := rawRequest(http.MethodPost, "/api/v1/curricula", "slug=x", "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Bearer "+s.srv.Token(t, s.manager))
		resp, body = webtest.Do(t, s.srv.App, req)
		webtest.WantProblem(t, resp, body, 415)

		resp, body = s.call(t, http.MethodPost, "/api/v1/curricula?lang=fr", s.manager, valid)
		cu := webtest.WantJSON[courseweb.CurriculumJSON](t, resp, body, 201)
		if resp.Header.Get("Location") != "/api/v1/curricula/regulator-path" || cu.Title != "Parcours des régulateurs" || cu.Language != "fr" ||
			cu.Description != "Commencez ici." || len(cu.Courses) != 2 || cu.Courses[0].Slug != "radio-basics" || cu.Courses[1].Slug != "spectrum-101" {
			t.Fatalf("created: %+v (Location %q)", cu, resp.Header.Get("Location"))
		}
		resp, body = s.call(t, http.MethodPost, "/api/v1/curricula", s.manager, valid)
		webtest.WantProblem(t, resp, body, 409)

		// Anyone reads it; a signed-in learner also sees their progress along it.
		resp, body = s.call(t, http.MethodGet, "/api/v1/curricula/regulator-path", nil, nil)
		if cu := webtest.WantJSON[courseweb.CurriculumJSON](t, resp, body, 200); cu.Title != "Path for regulators" || cu.Courses[0].Progress != nil {
			t.Errorf("anonymous read: %+v", cu)
		}
		if _, err := s.srv.Courses.CompleteLesson(context.Background(), s.learner, "spectrum-101", "m1-l1"); err != nil {
			t.Fatal(err)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/curricula/regulator-path", s.learner, nil)
		cu = webtest.WantJSON[courseweb.CurriculumJSON](t, resp, body, 200)
		if p0, p1 := cu.Courses[0].Progress, cu.Courses[1].Progress; p0 == nil || p0.Enrolled || p1 == nil || !p1.Enrolled || p1.Percent != 100 || p1.Completed {
			t.Errorf("learner's progress along the path: %+v %+v", p0, p1)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/curricula", nil, nil)
		if l := webtest.WantJSON[site.List[courseweb.CurriculumJSON]](t, resp, body, 200); len(l.Items) != 1 || l.Items[0].Slug != "regulator-path" || l.NextCursor != nil ||
			len(l.Items[0].Courses) != 2 || l.Items[0].Courses[0].Slug != "radio-basics" || l.Items[0].Courses[0].Title == "" {
			t.Errorf("list: %+v; want the one path with its two courses in order", l)
		}

		// PATCH: reorder, keep what is not sent.
		patch := func(u *auth.User, slug string, body any) (*http.Response, string) {
			return s.call(t, http.MethodPatch, "/api/v1/curricula/"+slug+"?lang=fr", u, body)
		}
		resp, body = patch(s.manager, "regulator-path", map[string]any{"courses": []string{"spectrum-101", "radio-basics"}})
		cu = webtest.WantJSON[courseweb.CurriculumJSON](t, resp, body, 200)
		if cu.Courses[0].Slug != "spectrum-101" || cu.Courses[1].Slug != "radio-basics" || cu.Title != "Parcours des régulateurs" || cu.Description != "Commencez ici." {
			t.Errorf("reordered: %+v", cu)
		}
		resp, body = patch(s.manager, "regulator-path", map[string]any{"title": map[string]any{"fr": nil, "es": "Ruta"}, "slug": "regulator-path"})
		cu = webtest.WantJSON[courseweb.CurriculumJSON](t, resp, body, 200)
		if cu.Language != "en" || cu.Title != "Path for regulators" || cu.Courses[0].Slug != "spectrum-101" {
			t.Errorf("French title removed: %+v", cu)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/curricula/regulator-path?lang=es", nil, nil)
		if cu := webtest.WantJSON[courseweb.CurriculumJSON](t, resp, body, 200); cu.Title != "Ruta" || cu.Language != "es" {
			t.Errorf("Spanish title added: %+v", cu)
		}
		for _, tc := range []struct {
			name   string
			user   *auth.User
			slug   string
			body   any
			status int
			fields []string
		}{
			{"anonymous", nil, "regulator-path", map[string]any{}, 401, nil},
			{"learner", s.learner, "regulator-path", map[string]any{}, 403, nil},
			{"unknown", s.manager, "nope", map[string]any{}, 404, nil},
			{"malformed", s.manager, "regulator-path", `[`, 400, nil},
			{"slug change", s.manager, "regulator-path", map[string]any{"slug": "other"}, 422, []string{"slug"}},
			{"no courses left", s.manager, "regulator-path", map[string]any{"courses": []string{}}, 422, []string{"courses"}},
			{"English title removed", s.manager, "regulator-path", map[string]any{"title": map[string]any{"en": ""}}, 422, []string{"title.en"}},
		} {
			t.Run("patch "+tc.name, func(t *testing.T) {
				resp, body := patch(tc.user, tc.slug, tc.body)
				webtest.WantProblem(t, resp, body, tc.status, tc.fields...)
			})
		}

		for _, tc := range []struct {
			user   *auth.User
			slug   string
			status int
		}{{nil, "regulator-path", 401}, {s.learner, "regulator-path", 403}, {s.manager, "regulator-path", 204}, {s.manager, "regulator-path", 404}} {
			resp, body := s.call(t, http.MethodDelete, "/api/v1/curricula/"+tc.slug, tc.user, nil)
			if resp.StatusCode != tc.status {
				t.Errorf("DELETE as %v: %d, want %d: %s", tc.user != nil, resp.StatusCode, tc.status, body)
			}
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/curricula/regulator-path", nil, nil)
		webtest.WantProblem(t, resp, body, 404)
		resp, body = s.call(t, http.MethodGet, "/api/v1/courses/radio-basics", nil, nil)
		webtest.WantJSON[courseweb.CourseDetailJSON](t, resp, body, 200) // deleting a path keeps its courses
		if n := countAudited(t, s.srv, "curriculum.", func(e moderation.AuditEvent) bool { return e.Target == "regulator-path" }); n != 4 {
			t.Errorf("%d curriculum audit events, want 4 (created, updated twice, deleted)", n)
		}
	})
}

// Unpublished courses drop out of a curriculum for learners, and curricula page like every list.
func TestCurriculaListAndHiddenCourses(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newAPIScene(t, engine)
		for _, slug := range []string{"path-c", "path-a", "path-b"} {
			body := map[string]any{"slug": slug, "title": map[string]string{"en": "Path " + slug}, "courses": []string{"radio-basics", "spectrum-101"}}
			if resp, b := s.call(t, http.MethodPost, "/api/v1/curricula", s.manager, body); resp.StatusCode != 201 {
				t.Fatalf("create %s: %d %s", slug, resp.StatusCode, b)
			}
		}
		resp, body := s.call(t, http.MethodGet, "/api/v1/curricula?limit=2", nil, nil)
		page := webtest.WantJSON[site.List[courseweb.CurriculumJSON]](t, resp, body, 200)
		if len(page.Items) != 2 || page.Items[0].Slug != "path-a" || page.Items[1].Slug != "path-b" || page.NextCursor == nil {
			t.Fatalf("first page: %+v", page)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/curricula?limit=2&cursor="+url.QueryEscape(*page.NextCursor), nil, nil)
		page = webtest.WantJSON[site.List[courseweb.CurriculumJSON]](t, resp, body, 200)
		if len(page.Items) != 1 || page.Items[0].Slug != "path-c" || page.NextCursor != nil {
			t.Errorf("second page: %+v", page)
		}
		resp, body = s.call(t, http.MethodGet, "/api/v1/curricula?cursor=%25%25", nil, nil)
		webtest.WantProblem(t, resp, body, 400)

		if resp, b := s.call(t, http.MethodPost, "/api/v1/courses/radio-basics/unpublish", s.manager, nil); resp.StatusCode != 204 {
			t.Fatalf("unpublish: %d %s", resp.StatusCode, b)
		}
		for _, tc := range []struct {
			user *auth.User
			want []string
		}{{nil, []string{"spectrum-101"}}, {s.learner, []string{"spectrum-101"}}, {s.manager, []string{"radio-basics", "spectrum-101"}}} {
			resp, body := s.call(t, http.MethodGet, "/api/v1/curricula/path-a", tc.user, nil)
			var got []string
			for _, c := range webtest.WantJSON[courseweb.CurriculumJSON](t, resp, body, 200).Courses {
				got = append(got, c.Slug)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("courses for %v: %v, want %v", tc.user != nil, got, tc.want)
			}
			// The list tells the same, for every path.
			resp, body = s.call(t, http.MethodGet, "/api/v1/curricula", tc.user, nil)
			for _, cu := range webtest.WantJSON[site.List[courseweb.CurriculumJSON]](t, resp, body, 200).Items {
				got = got[:0]
				for _, c := range cu.Courses {
					got = append(got, c.Slug)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("list, %s, for %v: %v, want %v", cu.Slug, tc.user != nil, got, tc.want)
				}
			}
		}
	})
}

// A single-answer question takes one answer: more is a 422, not an attempt scored wrong.
func TestSingleAnswerQuestionTakesOneAnswer(t *testing.T) {
	t.Parallel()
	s := newAPIScene(t, db.SQLite)
	resp, body := s.call(t, http.MethodGet, "/api/v1/courses/radio-basics/quizzes/m1", s.learner, nil)
	q := webtest.WantJSON[courseweb.QuizJSON](t, resp, body, 200)
	i := slices.IndexFunc(q.Questions, func(q courseweb.QuestionJSON) bool { return !q.Multiple })
	if i < 0 {
		t.Fatal("the fixture quiz has no single-answer question")
	}
	var all []string
	for _, c := range q.Questions[i].Choices {
		all = append(all, c.ID)
	}
	resp, body = s.call(t, http.MethodPost, "/api/v1/courses/radio-basics/quizzes/m1/attempts", s.learner,
		map[string]any{"answers": map[string][]string{q.Questions[i].ID: all}})
	webtest.WantProblem(t, resp, body, http.StatusUnprocessableEntity, "answers."+q.Questions[i].ID)
}
