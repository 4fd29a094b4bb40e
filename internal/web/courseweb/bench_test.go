package courseweb_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/content"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/paging"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/courseweb"
	"capacityhub/internal/web/webtest"
)

// Budgets of issue 4: the catalogue with 100 courses and a lesson page each render in ≤ 5 ms p50,
// and no page makes a query per item it lists. The benchmarks report p50 and p95 next to ns/op:
//
//	go test -run '^$' -bench 'Catalog|Lesson' -benchtime 2s ./internal/web/courseweb/

// catalogServer is a server with n small courses (course-000 …; 1 module of 3 lessons each, in
// English and French) plus the real courses of content/, reached through a trusted proxy so that
// each benchmark request can come from its own address.
func catalogServer(tb testing.TB, engine db.Dialect, n int, first webtest.Course) *webtest.Server {
	tb.Helper()
	srv := webtest.New(tb, webtest.On(engine), webtest.TrustProxy())
	specs := []webtest.Course{first}
	for i := 1; i < n; i++ {
		specs = append(specs, webtest.Course{Slug: fmt.Sprintf("course-%03d", i), Tags: []string{"ai", fmt.Sprintf("tag-%d", i%7)},
			Modules: 1, Lessons: 3, Langs: []string{"fr"}})
	}
	srv.ImportCourses(tb, specs...)
	srv.ImportFS(tb, content.FS)
	return srv
}

// realLesson is a lesson of the real content, for the lesson page budget: a real lesson is
// 300 words or more, with headings and lists.
func realLesson(tb testing.TB) (courseSlug, lessonSlug string) {
	sources, _ := course.LoadAll(content.FS, courseweb.LessonSlugsTaken)
	for _, s := range sources {
		if len(s.Modules) > 0 && len(s.Modules[0].Lessons) > 1 {
			return s.Slug, s.Modules[0].Lessons[1].Slug
		}
	}
	tb.Skip("no real course with two lessons in content/")
	return "", ""
}

// The catalogue, the course page and the lesson page each take the same number of queries
// whatever the number of courses, modules and lessons: none per item.
func TestCoursePagesQueryCountIsFixed(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		small := catalogServer(t, engine, 3, webtest.Course{Slug: "course-000", Modules: 1, Lessons: 1, Langs: []string{"fr"}})
		large := catalogServer(t, engine, 100, webtest.Course{Slug: "course-000", Modules: 6, Lessons: 8, Langs: []string{"fr"}})
		type scene struct {
			app     *fiber.App
			counter *webtest.QueryCounter
			session string
			token   string
		}
		setUp := func(srv *webtest.Server) scene {
			app, counter := srv.CountCourseReads(t)
			u := srv.CreateUser(t, "reader@example.org", "Reader")
			if _, err := srv.Courses.CompleteLesson(context.Background(), u, "course-000", "m1-l1"); err != nil {
				t.Fatal(err)
			}
			return scene{app, counter, srv.SignInBrowser(t, "reader@example.org", webtest.Password).Session(), srv.Token(t, u)}
		}
		scenes := []scene{setUp(small), setUp(large)}
		count := func(sc scene, path string, signedIn bool) int64 {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if signedIn {
				req.Header.Set("Cookie", "session="+sc.session)
				req.Header.Set("Authorization", "Bearer "+sc.token)
			}
			before := sc.counter.Count()
			resp, body := webtest.Do(t, sc.app, req)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %.300s", path, resp.StatusCode, body)
			}
			return sc.counter.Count() - before
		}
		for _, path := range []string{
			"/fr/courses",
			"/fr/courses?tag=ai",
			"/api/v1/courses?lang=fr&limit=100",
			"/fr/courses/course-000",
			"/api/v1/courses/course-000?lang=fr",
			"/fr/courses/course-000/m1-l1",
			"/api/v1/courses/course-000/lessons/m1-l1?lang=fr",
			"/fr/courses/course-000/quizzes/m1",
			"/api/v1/courses/course-000/quizzes/m1?lang=fr",
			"/api/v1/courses/course-000/progress",
		} {
			for _, signedIn := range []bool{false, true} {
				if path == "/api/v1/courses/course-000/progress" && !signedIn {
					continue
				}
				few, many := count(scenes[0], path, signedIn), count(scenes[1], path, signedIn)
				t.Logf("%-52s signed in %-5v: %d queries with 3 courses of 1 lesson, %d with 100 courses and 48 lessons", path, signedIn, few, many)
				if few != many || many > 10 {
					t.Errorf("GET %s (signed in %v): %d queries with 3 courses, %d with 100: want the same small number", path, signedIn, few, many)
				}
				// Issue 10: the shared part of a signed-in lesson page comes from memory; the
				// learner's own state is one query (with her user and roles, one more: ≤ 3 in all).
				if path == "/fr/courses/course-000/m1-l1" && signedIn && many > 1 {
					t.Errorf("a signed-in lesson page makes %d course queries, want 1 (her progress)", many)
				}
			}
		}
	})
}

// Every statement the server sends counts here, authentication included: a signed-in reader's
// lesson page costs one, her progress, once her session and user are in memory (issue 10 asks
// for at most three), and a visitor's catalogue, course, lesson and quiz pages cost none once the content is
// in memory, even when the page cache cannot answer (a visitor with another cookie).
func TestEveryQueryOfAPageCounts(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		d, queries := testenv.OpenCounted(t, engine)
		srv := webtest.New(t, webtest.On(engine), webtest.WithDB(d))
		srv.ImportCourses(t, webtest.Course{Slug: "course-000", Modules: 2, Lessons: 4, Langs: []string{"fr"}})
		u := srv.CreateUser(t, "reader@example.org", "Reader")
		if _, err := srv.Courses.CompleteLesson(context.Background(), u, "course-000", "m1-l1"); err != nil {
			t.Fatal(err)
		}
		session := srv.SignInBrowser(t, "reader@example.org", webtest.Password).Session()
		get := func(path, cookie string) int64 {
			t.Helper()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Cookie", cookie)
			before := queries.Count()
			resp, body := webtest.Do(t, srv.App, req)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d %.300s", path, resp.StatusCode, body)
			}
			return queries.Count() - before
		}
		for _, tc := range []struct {
			path, cookie string
			most         int64
		}{
			{"/fr/courses/course-000/m1-l2", "session=" + session, 1},
			{"/fr/courses/course-000/m2-l1", "session=" + session, 1},
			{"/fr/courses", "seen_notice=1", 0},
			{"/fr/courses/course-000", "seen_notice=1", 0},
			{"/fr/courses/course-000/m1-l2", "seen_notice=1", 0},
			{"/fr/courses/course-000/quizzes/m1", "seen_notice=1", 0},
		} {
			get(tc.path, tc.cookie) // NB: the first view fills the memory and prepares statements
			n := get(tc.path, tc.cookie)
			t.Logf("%-36s %-14.14s %d statements", tc.path, tc.cookie, n)
			if n > tc.most {
				t.Errorf("GET %s (%s): %d statements, want at most %d", tc.path, tc.cookie, n, tc.most)
			}
		}
	})
}

// benchLatency runs fn b.N times and reports the median and 95th percentile next to ns/op.
func benchLatency(b *testing.B, fn func()) {
	b.ReportAllocs()
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		fn()
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(ds[len(ds)*95/100].Nanoseconds())/1e3, "p95-µs")
}

// benchGet is a whole anonymous GET through the middleware stack, each from its own address.
func benchGet(b *testing.B, app *fiber.App, path string) func() {
	i := 0
	return func() {
		i++
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("X-Forwarded-For", netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String())
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(path, err, resp.StatusCode)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// benchEngines runs fn on SQLite and, when DATABASE_URL_TEST is set, on PostgreSQL.
func benchEngines(b *testing.B, fn func(b *testing.B, engine db.Dialect)) {
	for _, engine := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) { fn(b, engine) })
	}
}

// BenchmarkCatalog is the catalogue with 100 courses (and the real ones): the service call for
// all of them, the HTML page as served (its first page) and the API with ?limit=100.
func BenchmarkCatalog(b *testing.B) { benchEngines(b, benchCatalog) }

func benchCatalog(b *testing.B, engine db.Dialect) {
	srv := catalogServer(b, engine, 100, webtest.Course{Slug: "course-000", Modules: 1, Lessons: 3, Langs: []string{"fr"}})
	ctx := context.Background()
	b.Run("service", func(b *testing.B) {
		benchLatency(b, func() {
			if p, err := srv.Courses.Catalog(ctx, "fr", course.Filter{Page: paging.First(100)}); err != nil || len(p.Items) != 100 {
				b.Fatal(err, len(p.Items))
			}
		})
	})
	b.Run("page", func(b *testing.B) { benchLatency(b, benchGet(b, srv.App, "/fr/courses")) })
	b.Run("api", func(b *testing.B) { benchLatency(b, benchGet(b, srv.App, "/api/v1/courses?lang=fr&limit=100")) })
}

// BenchmarkLesson is a real lesson: the service calls the lesson page makes (the course outline
// and the lesson's text), the HTML page for an anonymous reader and for a signed-in one (who also
// gets their progress), and the API.
func BenchmarkLesson(b *testing.B) { benchEngines(b, benchLesson) }

func benchLesson(b *testing.B, engine db.Dialect) {
	srv := catalogServer(b, engine, 100, webtest.Course{Slug: "course-000", Modules: 1, Lessons: 3, Langs: []string{"fr"}})
	courseSlug, lessonSlug := realLesson(b)
	ctx := context.Background()
	b.Run("service", func(b *testing.B) {
		benchLatency(b, func() {
			if _, err := srv.Courses.Course(ctx, nil, courseSlug, "fr"); err != nil {
				b.Fatal(err)
			}
			if _, err := srv.Courses.Lesson(ctx, courseSlug, lessonSlug, "fr"); err != nil {
				b.Fatal(err)
			}
		})
	})
	path := "/fr/courses/" + courseSlug + "/" + lessonSlug
	b.Run("page", func(b *testing.B) { benchLatency(b, benchGet(b, srv.App, path)) })
	b.Run("page-signed-in", func(b *testing.B) {
		srv.CreateUser(b, "bench@example.org", "Bench Reader")
		session := srv.SignInBrowser(b, "bench@example.org", webtest.Password).Session()
		benchLatency(b, func() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Cookie", "session="+session)
			resp, err := srv.App.Test(req, -1)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.StatusCode)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	})
	b.Run("api", func(b *testing.B) {
		benchLatency(b, benchGet(b, srv.App, "/api/v1/courses/"+courseSlug+"/lessons/"+lessonSlug+"?lang=fr"))
	})
}
