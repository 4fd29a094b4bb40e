package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
)

// The topic filter names topics in the reader's language, keeping the tag as the value.
func TestTopicsAreNamedInTheReadersLanguage(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	_, body := get(t, s.ts.app, "/fr/courses")
	if !strings.Contains(body, `<option value="ai">Intelligence artificielle</option>`) {
		t.Errorf("French catalogue: the ai topic is not named in French")
	}
}

// A form sent back with errors starts with a summary that links to each field at fault, and a new
// password field tells the browser its minimum length.
func TestFormErrorsAreSummarized(t *testing.T) {
	ts := newTestServer(t, testenv.Open(t, db.SQLite), kv.NewMemory(), nil)
	b := newWebClient(t, ts.app)
	resp, body := b.submit("/fr/register", "/fr/register", url.Values{"email": {"bad@"}, "password": {"abc"}, "name": {""}, "country": {"KE"}, "language": {"fr"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`<div class="error-summary" role="alert">`, "Ce formulaire comporte 3 erreurs", `<a href="#email">`, `<a href="#password">`, `<a href="#name">`} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the page", want)
		}
	}
	_, body = b.get("/fr/register")
	if !strings.Contains(body, `autocomplete="new-password" minlength="8"`) && !strings.Contains(body, `minlength="8"`) {
		t.Error("the new password field has no minlength")
	}
	if strings.Contains(body, "error-summary") {
		t.Error("a fresh form shows an error summary")
	}
}

// My courses shows how far each course is and leads straight to the next lesson to read.
func TestMyCoursesLeadToTheNextLesson(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	first := "/en/courses/ai-basics/what-is-ai"
	if resp, _ := s.browser.submit(first, first+"/done", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark done: %d", resp.StatusCode)
	}
	_, body := s.browser.get("/en/me")
	if !strings.Contains(body, `href="/en/courses/ai-basics/data">`+acctText(t, "en", "me.courses.continue")) {
		t.Errorf("no continue link to the second lesson on /me")
	}
	if !strings.Contains(body, acctText(t, "en", "course.progress.quizzes", map[string]any{"Done": 0, "Total": 1})) {
		t.Errorf("no quiz count on /me")
	}
}

// /{lang}/curricula lists the learning paths; with none, it says so and leads to the courses.
func TestCurriculaIndex(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	resp, body := get(t, s.ts.app, "/fr/curricula")
	if resp.StatusCode != 200 || !strings.Contains(body, html.EscapeString(acctText(t, "fr", "curriculum.index.none"))) {
		t.Fatalf("empty index: %d", resp.StatusCode)
	}
	in := course.CurriculumInput{Slug: "start-here", Title: map[string]string{"en": "Start here", "fr": "Commencer ici"},
		Courses: []string{"ai-basics"}}
	if err := s.ts.courses.SaveCurriculum(context.Background(), s.manager, in, true); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, s.ts.app, "/fr/curricula")
	if !strings.Contains(body, `href="/fr/curricula/start-here">Commencer ici</a>`) {
		t.Errorf("the learning path is not listed")
	}
}
