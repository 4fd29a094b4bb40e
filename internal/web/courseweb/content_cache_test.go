package courseweb_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// radioBasicsFS is the radio-basics fixture as files, with the English text of lesson m1-l1
// replaced by body when body is not empty.
func radioBasicsFS(t *testing.T, body string) fstest.MapFS {
	fsys := fstest.MapFS{}
	webtest.RadioBasics.AddTo(fsys)
	if body == "" {
		return fsys
	}
	for name := range fsys {
		if strings.HasSuffix(name, "/en/m1/m1-l1.md") {
			fsys[name] = &fstest.MapFile{Data: []byte(body)}
			return fsys
		}
	}
	t.Fatal("the fixture has no en/m1/m1-l1.md")
	return nil
}

// Once read, the anonymous catalogue, course, lesson and quiz pages (and their API twins) are
// served from memory: no database query at all.
func TestAnonymousCoursePagesReadNoDatabaseOnceRead(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		srv.ImportCourses(t, webtest.RadioBasics)
		app, counter := srv.CountCourseReads(t)
		for _, path := range []string{
			"/fr/courses", "/api/v1/courses?lang=fr",
			"/fr/courses/radio-basics", "/api/v1/courses/radio-basics?lang=fr",
			"/fr/courses/radio-basics/m1-l1", "/api/v1/courses/radio-basics/lessons/m1-l1?lang=fr",
			"/fr/courses/radio-basics/quizzes/m1", "/api/v1/courses/radio-basics/quizzes/m1?lang=fr",
			"/ar/curricula",
		} {
			for round := range 2 {
				before := counter.Count()
				resp, body := webtest.Do(t, app, httptest.NewRequest(http.MethodGet, path, nil))
				if resp.StatusCode != 200 {
					t.Fatalf("GET %s: %d %.300s", path, resp.StatusCode, body)
				}
				if n := counter.Count() - before; round == 1 && n != 0 {
					t.Errorf("GET %s a second time: %d database queries, want none", path, n)
				}
			}
		}
	})
}

// A change to the content is on every page the moment the write returns: an import that rewrites a
// lesson, unpublishing and publishing the course, a new learning path; and each language keeps
// its own text.
func TestContentChangesReachReadersAtOnce(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ctx := context.Background()
		srv := webtest.New(t, webtest.On(engine))
		srv.ImportFS(t, radioBasicsFS(t, ""))
		manager := srv.CreateUser(t, "curricula@example.org", "Curriculum Manager", auth.RoleCurriculumManager)
		lesson := "/en/courses/radio-basics/m1-l1"
		get := func(path string) (int, string) {
			resp, body := srv.Get(t, path)
			return resp.StatusCode, body
		}
		if code, body := get(lesson); code != 200 || strings.Contains(body, "Rewritten for regulators") {
			t.Fatalf("before the change: %d", code)
		}
		_, fr := get("/fr/courses/radio-basics/m1-l1")
		for _, path := range []string{"/api/v1/courses", "/api/v1/courses?lang=fr"} {
			if _, body := get(path); !strings.Contains(body, `"slug":"radio-basics"`) {
				t.Fatalf("%s before the change does not list the course: %.300s", path, body)
			}
		}
		if _, en := get("/api/v1/courses"); strings.Contains(en, `"language":"fr"`) {
			t.Error("the English list is answered with the French one")
		}

		srv.ImportFS(t, radioBasicsFS(t, "# Lesson one, revised\n\nRewritten for regulators.\n"))
		if code, body := get(lesson); code != 200 || !strings.Contains(body, "Rewritten for regulators") {
			t.Errorf("after an import that rewrote the lesson: %d, the old text is served", code)
		}
		if _, again := get("/fr/courses/radio-basics/m1-l1"); again != fr {
			t.Error("the French lesson, which the import did not change, changed")
		}

		if err := srv.Courses.SetPublished(ctx, manager, "radio-basics", false); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{lesson, "/en/courses/radio-basics", "/en/courses/radio-basics/quizzes/m1"} {
			if code, _ := get(path); code != http.StatusNotFound {
				t.Errorf("%s after unpublishing: %d, want 404", path, code)
			}
		}
		if _, body := get("/en/courses"); strings.Contains(body, `href="/en/courses/radio-basics"`) {
			t.Error("the catalogue still lists the unpublished course")
		}
		for _, path := range []string{"/api/v1/courses", "/api/v1/courses?lang=fr"} {
			if _, body := get(path); strings.Contains(body, `"slug":"radio-basics"`) {
				t.Errorf("%s still lists the unpublished course", path)
			}
		}
		if err := srv.Courses.SetPublished(ctx, manager, "radio-basics", true); err != nil {
			t.Fatal(err)
		}
		if code, _ := get(lesson); code != 200 {
			t.Errorf("after publishing again: %d", code)
		}
		if _, body := get("/api/v1/courses"); !strings.Contains(body, `"slug":"radio-basics"`) {
			t.Error("the API list lacks the course published again")
		}

		if err := srv.Courses.SaveCurriculum(ctx, manager, course.CurriculumInput{Slug: "radio-path",
			Title: map[string]string{"en": "Radio path"}, Courses: []string{"radio-basics"}}, true); err != nil {
			t.Fatal(err)
		}
		if _, body := get("/en/curricula"); !strings.Contains(body, "Radio path") {
			t.Error("a new learning path is missing from the index")
		}
	})
}

// With several servers on one database, a change made through one reaches the pages of the
// others within a second (each polls the content version).
func TestContentChangesReachOtherServersWithinASecond(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		a := webtest.New(t, webtest.On(engine))
		a.ImportFS(t, radioBasicsFS(t, ""))
		b := webtest.New(t, webtest.On(engine), webtest.WithDB(a.DB))
		ctx, stop := context.WithCancel(context.Background())
		t.Cleanup(stop)
		go b.Courses.WatchContent(ctx, 100*time.Millisecond)
		lesson := "/en/courses/radio-basics/m1-l1"
		if resp, body := b.Get(t, lesson); resp.StatusCode != 200 || strings.Contains(body, "Rewritten for regulators") {
			t.Fatalf("server b before the change: %d", resp.StatusCode)
		}
		time.Sleep(150 * time.Millisecond) // b has seen the version it read under

		a.ImportFS(t, radioBasicsFS(t, "# Lesson one, revised\n\nRewritten for regulators.\n"))
		changed := time.Now()
		for {
			if _, body := b.Get(t, lesson); strings.Contains(body, "Rewritten for regulators") {
				t.Logf("server b served the change %v after server a's import returned", time.Since(changed).Round(time.Millisecond))
				break
			}
			if time.Since(changed) > time.Second {
				t.Fatal("server b still serves the old lesson a second after server a changed it")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
