package courseweb_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"capacityhub/content"
	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/courseweb"
	"capacityhub/internal/web/webtest"
)

// The course pages as a learner and a curriculum manager meet them, through app.Test: the
// catalogue and its filters, the English fallback, lessons, quizzes, completion and the
// certificate, curricula, and the admin pages. They read webtest.PageCourses (ai-basics and
// ai-governance; see there).

// pageScene is a server with the page courses, a learner (signed in in a browser) and a
// curriculum manager (signed in in another).
type pageScene struct {
	srv     *webtest.Server
	learner *auth.User
	manager *auth.User
	browser *webtest.Browser // signed in as the learner
	admin   *webtest.Browser // signed in as the curriculum manager
}

func newPageScene(t *testing.T, engine db.Dialect) *pageScene {
	t.Helper()
	srv := webtest.New(t, webtest.On(engine))
	srv.ImportFS(t, webtest.PageCourses)
	s := &pageScene{srv: srv,
		learner: srv.CreateUser(t, "learner@example.org", "Amina Diallo"),
		manager: srv.CreateUser(t, "manager@example.org", "Marc Curriculum", auth.RoleCurriculumManager)}
	srv.AgeAccount(t, s.learner) // past the first day's stricter write limit
	s.browser = srv.SignInBrowser(t, "learner@example.org", webtest.Password)
	s.admin = srv.SignInBrowser(t, "manager@example.org", webtest.Password)
	return s
}

// completeAIBasics does every lesson of ai-basics and passes its quiz as u, through the service;
// it returns the certificate.
func completeAIBasics(t testing.TB, srv *webtest.Server, u *auth.User) string {
	t.Helper()
	ctx := context.Background()
	for _, l := range []string{"what-is-ai", "data", "in-practice"} {
		if _, err := srv.Courses.CompleteLesson(ctx, u, "ai-basics", l); err != nil {
			t.Fatal(err)
		}
	}
	a, err := srv.Courses.SubmitAttempt(ctx, u, "ai-basics", "basics", "en", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}})
	if err != nil || a.Progress.CertificateID == "" {
		t.Fatalf("%s: no certificate (%v)", u.Name, err)
	}
	return a.Progress.CertificateID
}

func TestCatalogPageFilters(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	basics, governance := `href="/en/courses/ai-basics"`, `href="/en/courses/ai-governance"`
	for _, tc := range []struct {
		name, query string
		want, not   []string
	}{
		{"everything", "", []string{basics, governance, "AI basics for regulators", "45 minutes", "3 lessons", "1 lesson<", "2 courses"}, nil},
		{"by level", "?level=advanced", []string{governance, `<option value="advanced" selected>`}, []string{basics}},
		{"by tag", "?tag=spectrum", []string{basics, `<option value="spectrum" selected>`, "3 lessons"}, []string{governance}},
		{"by content language", "?language=fr", []string{basics, `<option value="fr" selected lang="fr">`, "1 course<"}, []string{governance}},
		{"by words", "?q=governing", []string{governance}, []string{basics}},
		{"nothing matches", "?tag=spectrum&level=advanced", []string{webtest.PageText(t, "en", "course.catalog.none"), webtest.PageText(t, "en", "course.filter.reset")}, []string{basics, governance}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := s.srv.Get(t, "/en/courses"+tc.query)
			webtest.WantPage(t, tc.name, resp, body, 200, append(tc.want, `<form method="get" action="/en/courses"`), tc.not...)
		})
	}
	// The language switcher keeps the filters.
	_, body := s.srv.Get(t, "/en/courses?level=advanced")
	if !strings.Contains(body, `href="/fr/courses?level=advanced"`) {
		t.Error("the language switcher drops the filter")
	}
}

// A course not written in the reader's language is shown in English, marked lang="en", with a
// notice in the reader's language; a translated one is not.
func TestCatalogEnglishFallback(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	for _, lang := range []string{"fr", "ar"} {
		_, body := s.srv.Get(t, "/"+lang+"/courses")
		notice := webtest.PageText(t, lang, "course.fallback.course")
		if strings.Count(body, notice) != 1 {
			t.Errorf("%s: the fallback notice shows %d times, want once (ai-governance)", lang, strings.Count(body, notice))
		}
		if !strings.Contains(body, `<a href="/`+lang+`/courses/ai-governance" dir="ltr" lang="en">Governing AI in telecommunications</a>`) {
			t.Errorf("%s: the English title is not marked lang=en dir=ltr", lang)
		}
		if strings.Contains(body, `<a href="/`+lang+`/courses/ai-basics" dir`) {
			t.Errorf("%s: the translated course is marked as another language", lang)
		}
	}
	_, body := s.srv.Get(t, "/fr/courses")
	if !strings.Contains(body, "Les bases de l&#39;IA pour les régulateurs") {
		t.Error("the French title of ai-basics is not shown")
	}
	// ai-basics is written in French and Arabic in part (one lesson of three, not the quiz): its
	// card says so, and so do its languages, in the reader's language.
	for _, tc := range []struct{ lang, partly string }{
		{"fr", `<span lang="fr" dir="ltr">Français</span> (en partie)`},
		{"ar", `<span lang="ar" dir="rtl">العربية</span> (جزئيًا)`},
		{"en", `<span lang="fr" dir="ltr">Français</span> (in part)`},
	} {
		_, body := s.srv.Get(t, "/"+tc.lang+"/courses")
		if !strings.Contains(body, tc.partly) {
			t.Errorf("%s: the catalogue does not say the course is in %s only in part (%s)", tc.lang, tc.lang, tc.partly)
		}
		notice := webtest.PageText(t, tc.lang, "course.fallback.partly")
		if want := map[bool]int{true: 1, false: 0}[tc.lang != "en"]; strings.Count(body, notice) != want {
			t.Errorf("%s: the notice that the course is translated in part shows %d times, want %d", tc.lang, strings.Count(body, notice), want)
		}
		if strings.Contains(body, `<span lang="en" dir="ltr">English</span> (`) {
			t.Errorf("%s: English, which every course is written in whole, is said to be partial", tc.lang)
		}
	}
}

func TestCoursePage(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	// Signed out: the facts, the contents, the prerequisite linked, and a sign-in link to enrol.
	resp, body := s.srv.Get(t, "/en/courses/ai-governance")
	webtest.WantPage(t, "ai-governance signed out", resp, body, 200, []string{
		"<h1>Governing AI in telecommunications</h1>", webtest.PageText(t, "en", "course.prerequisites.heading"),
		`<a href="/en/courses/ai-basics">AI basics for regulators</a>`, "60 minutes", webtest.PageText(t, "en", "course.level.advanced"),
		`href="/en/login?next=%2Fen%2Fcourses%2Fai-governance"`, `href="/en/courses/ai-governance/principles"`,
	}, "/enrollment")
	// In French the course is translated but two lessons and the quiz are not: a notice says so.
	_, body = s.srv.Get(t, "/fr/courses/ai-basics")
	if !strings.Contains(body, webtest.PageText(t, "fr", "course.fallback.partly")) || !strings.Contains(body, `<a href="/fr/courses/ai-basics/data" dir="ltr" lang="en">Data comes first</a>`) {
		t.Error("French ai-basics: no notice of the untranslated parts, or their titles not marked English")
	}
	// The quiz link's label ends with a colon as French writes it, after a no-break space.
	if want := html.EscapeString(webtest.PageText(t, "fr", "course.quiz.label")) + "\u00a0: <span"; !strings.Contains(body, want) {
		t.Errorf("French ai-basics: no %q", want)
	}
	resp, body = s.srv.Get(t, "/en/courses/ai-basics")
	webtest.WantPage(t, "ai-basics signed out", resp, body, 200, []string{
		"<h3>The basics</h3>", `href="/en/courses/ai-basics/what-is-ai"`, `href="/en/courses/ai-basics/data"`,
		`href="/en/courses/ai-basics/quizzes/basics"`, "Check your understanding", `lang="ar" dir="rtl">العربية</span>`,
		`href="/en/courses/ai-basics/offline"`,
	}, webtest.PageText(t, "en", "course.prerequisites.heading"))

	// Signed in: enrol with a form, then the progress shows.
	resp, body = s.browser.Get("/en/courses/ai-basics")
	webtest.WantPage(t, "ai-basics signed in", resp, body, 200, []string{`action="/en/courses/ai-basics/enrollment"`, webtest.PageText(t, "en", "course.enroll.submit")})
	resp, _ = s.browser.Submit("/en/courses/ai-basics", "/en/courses/ai-basics/enrollment", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/courses/ai-basics?done=enrolled" {
		t.Fatalf("enrol: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = s.browser.Get("/en/courses/ai-basics?done=enrolled")
	webtest.WantPage(t, "ai-basics enrolled", resp, body, 200, []string{
		webtest.PageText(t, "en", "course.enroll.done"), webtest.PageText(t, "en", "course.progress.lessons", map[string]any{"Done": 0, "Total": 3}),
		`<progress max="3" value="0"`, `href="/en/courses/ai-basics/what-is-ai">` + webtest.PageText(t, "en", "course.start"),
	}, `action="/en/courses/ai-basics/enrollment"`)

	for _, path := range []string{"/en/courses/no-such-course", "/xx/courses/ai-basics"} {
		if resp, _ := s.srv.Get(t, path); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestLessonPagePrevNext(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	for _, tc := range []struct {
		lesson     string
		prev, next string // "" when none
		quiz       bool   // the last lesson of a module with a quiz offers it
	}{
		{"what-is-ai", "", "data", false},
		{"data", "what-is-ai", "in-practice", true},
		{"in-practice", "data", "", false},
	} {
		t.Run(tc.lesson, func(t *testing.T) {
			resp, body := s.srv.Get(t, "/en/courses/ai-basics/"+tc.lesson)
			webtest.WantPage(t, tc.lesson, resp, body, 200, []string{`<nav class="pager"`, `<progress max="3"`})
			checkLink := func(rel, target string) {
				t.Helper()
				link := `<a href="/en/courses/ai-basics/` + target + `" rel="` + rel + `">`
				if has := strings.Contains(body, `rel="`+rel+`"`); has != (target != "") || target != "" && !strings.Contains(body, link) {
					t.Errorf("%s link: want %q", rel, link)
				}
			}
			checkLink("prev", tc.prev)
			checkLink("next", tc.next)
			if got := strings.Contains(body, `href="/en/courses/ai-basics/quizzes/basics"`); got != tc.quiz {
				t.Errorf("quiz link shown: %t, want %t", got, tc.quiz)
			}
		})
	}
	if resp, _ := s.srv.Get(t, "/en/courses/ai-basics/no-such-lesson"); resp.StatusCode != 404 {
		t.Errorf("unknown lesson: %d, want 404", resp.StatusCode)
	}
	if resp, _ := s.srv.Get(t, "/en/courses/ai-governance/what-is-ai"); resp.StatusCode != 404 {
		t.Errorf("another course's lesson: %d, want 404", resp.StatusCode)
	}
}

// A lesson not translated comes in English, marked lang="en" dir="ltr", after a notice in the
// reader's language; a translated one comes in the reader's language without a notice.
func TestLessonEnglishFallback(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	for _, tc := range []struct {
		lang, lesson string
		fallback     bool
		text         string
	}{
		{"fr", "what-is-ai", false, "L&#39;intelligence artificielle apprend"},
		{"fr", "data", true, "A model is only as good as its training data."},
		{"ar", "what-is-ai", false, "يتعلم الذكاء الاصطناعي الأنماط"},
		{"ar", "in-practice", true, "Operators use AI to predict faults"},
	} {
		t.Run(tc.lang+" "+tc.lesson, func(t *testing.T) {
			resp, body := s.srv.Get(t, "/"+tc.lang+"/courses/ai-basics/"+tc.lesson)
			webtest.WantPage(t, tc.lesson, resp, body, 200, []string{tc.text})
			notice := webtest.PageText(t, tc.lang, "course.fallback.lesson")
			english := `<article class="lesson" dir="ltr" lang="en">`
			if strings.Contains(body, notice) != tc.fallback || strings.Contains(body, english) != tc.fallback {
				t.Errorf("fallback notice shown %t, English block marked %t; want both %t",
					strings.Contains(body, notice), strings.Contains(body, english), tc.fallback)
			}
			if tc.fallback && strings.Index(body, notice) > strings.Index(body, english) {
				t.Error("the notice comes after the English text")
			}
		})
	}
}

func TestMarkLessonDoneChangesProgress(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	lesson := "/en/courses/ai-basics/what-is-ai"
	_, body := s.browser.Get(lesson)
	webtest.WantPage(t, "before", &http.Response{StatusCode: 200}, body, 200, []string{
		webtest.PageText(t, "en", "course.progress.lessons", map[string]any{"Done": 0, "Total": 3}), `<progress max="3" value="0"`,
		`action="` + lesson + `/done"`, webtest.PageText(t, "en", "course.lesson.mark_done"),
	})
	resp, _ := s.browser.Submit(lesson, lesson+"/done", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != lesson+"?done=lesson#lesson-done" {
		t.Fatalf("mark as done: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = s.browser.Get(lesson + "?done=lesson")
	webtest.WantPage(t, "after", resp, body, 200, []string{
		webtest.PageText(t, "en", "course.lesson.done_flash"), webtest.PageText(t, "en", "course.progress.lessons", map[string]any{"Done": 1, "Total": 3}),
		`<progress max="3" value="1"`, webtest.PageText(t, "en", "course.lesson.is_done"),
	}, `action="`+lesson+`/done"`)
	// The course page ticks it; /me lists the course with its progress.
	_, body = s.browser.Get("/en/courses/ai-basics")
	if !strings.Contains(body, `href="/en/courses/ai-basics/what-is-ai">What is AI</a> <span class="done">`) {
		t.Error("the course page does not tick the lesson done")
	}
	resp, body = s.browser.Get("/en/me")
	webtest.WantPage(t, "/en/me", resp, body, 200, []string{
		webtest.PageText(t, "en", "me.courses.heading"), `<a href="/en/courses/ai-basics">AI basics for regulators</a>`, `<progress max="3" value="1"`,
	})
	// Signed out, the lesson offers to sign in instead, and the form is refused.
	_, body = s.srv.Get(t, lesson)
	if !strings.Contains(body, `href="/en/login?next=%2Fen%2Fcourses%2Fai-basics%2Fwhat-is-ai"`) || strings.Contains(body, "/done") {
		t.Error("signed out: want a sign-in link and no mark-as-done form")
	}
	if resp, _ := s.browser.Post(lesson+"/done", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("mark as done without the CSRF token: %d, want 403", resp.StatusCode)
	}
}

// The quiz page holds the questions and choices and nothing that tells the answers.
func TestQuizPageShowsNoAnswers(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	for _, b := range []*webtest.Browser{s.srv.Browser(t), s.browser, s.admin} {
		resp, body := b.Get("/en/courses/ai-basics/quizzes/basics")
		webtest.WantPage(t, "quiz", resp, body, 200, []string{
			"<legend>What does a machine-learning model learn from?</legend>",
			`<input type="radio" id="a-q1-b" name="answers.q1" value="b">`,
			`<input type="checkbox" id="a-q2-a" name="answers.q2" value="a">`,
			webtest.PageText(t, "en", "quiz.multiple"), webtest.PageText(t, "en", "quiz.single"),
		}, "EXPLAIN")
		if strings.Contains(strings.ToLower(body), "correct") || strings.Contains(body, "checked") {
			t.Error("the quiz page carries an answer marker")
		}
	}
	// In French the quiz is not translated: English, marked, after a French notice.
	_, body := s.srv.Get(t, "/fr/courses/ai-basics/quizzes/basics")
	if !strings.Contains(body, webtest.PageText(t, "fr", "quiz.fallback")) || !strings.Contains(body, `<legend dir="ltr" lang="en">`) {
		t.Error("French quiz: no fallback notice or English not marked")
	}
	if resp, _ := s.srv.Get(t, "/en/courses/ai-basics/quizzes/practice"); resp.StatusCode != 404 {
		t.Errorf("a module without a quiz: %d, want 404", resp.StatusCode)
	}
}

func TestQuizAttemptsFailAndPass(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	quiz := "/en/courses/ai-basics/quizzes/basics"
	var results []string // each attempt's result page
	attempt := func(form url.Values) (*http.Response, string) {
		t.Helper()
		resp, body := s.browser.Submit(quiz, quiz, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("attempt: %d, want 303 to its result\n%.1000s", resp.StatusCode, body)
		}
		results = append(results, resp.Header.Get("Location"))
		return s.browser.Get(resp.Header.Get("Location"))
	}
	// Half right is 50 %, under the pass mark of 70 %. Not passed yet: right or wrong per
	// question, the explanation of the one answered right, never the right answers.
	rightAnswer := webtest.PageText(t, "en", "quiz.result.right_answer") + ` <span>Predict faults · Detect anomalies</span>`
	resp, body := attempt(url.Values{"answers.q1": {"b"}, "answers.q2": {"a"}})
	webtest.WantPage(t, "failing attempt", resp, body, 200, []string{
		webtest.PageText(t, "en", "quiz.result.failed"), webtest.PageText(t, "en", "quiz.result.score", map[string]any{"Score": "50%", "PassMark": "70%"}),
		`<li class="result right">`, `<li class="result wrong">`, "EXPLAIN-Q1", webtest.PageText(t, "en", "quiz.result.hidden"),
		webtest.PageText(t, "en", "quiz.attempts_left", map[string]any{"Count": 2, "Max": 3}),
	}, webtest.PageText(t, "en", "quiz.result.passed_text"), "/certificates/", "EXPLAIN-Q2", webtest.PageText(t, "en", "quiz.result.right_answer"))
	resp, body = attempt(url.Values{"answers.q1": {"b"}, "answers.q2": {"c", "a"}})
	webtest.WantPage(t, "passing attempt", resp, body, 200, []string{
		webtest.PageText(t, "en", "quiz.result.passed_text"), webtest.PageText(t, "en", "quiz.result.score", map[string]any{"Score": "100%", "PassMark": "70%"}),
		"EXPLAIN-Q1", "EXPLAIN-Q2", webtest.PageText(t, "en", "quiz.practice"),
	}, `<li class="result wrong">`, "/certificates/", webtest.PageText(t, "en", "quiz.result.hidden"))
	// The language switcher of a result page shows the same result in the other language.
	if want := `href="/fr` + strings.TrimPrefix(results[1], "/en") + `"`; !strings.Contains(body, want) {
		t.Errorf("the result page's language switcher does not lead to the same result (%s)", want)
	}
	// Passed: the first attempt now shows the right answers and every explanation.
	resp, body = s.browser.Get(results[0])
	webtest.WantPage(t, "failed attempt once passed", resp, body, 200, []string{rightAnswer, "EXPLAIN-Q2"}, webtest.PageText(t, "en", "quiz.result.hidden"))
	// The quiz page now shows the best score; the course page says it is passed.
	_, body = s.browser.Get(quiz)
	if !strings.Contains(body, webtest.PageText(t, "en", "quiz.best", map[string]any{"Score": "100%"})) {
		t.Error("the quiz page does not show the best score")
	}
	// A forged answer is refused with the form again; signed out, the form is not taken.
	resp, body = s.browser.SubmitAndFollow(quiz, quiz, url.Values{"answers.q9": {"a"}})
	webtest.WantPage(t, "forged answer", resp, body, 422, []string{webtest.PageText(t, "en", "quiz.error")})
	anon := s.srv.Browser(t)
	resp, _ = anon.Post(quiz, url.Values{"answers.q1": {"b"}})
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous attempt: %d, want it refused", resp.StatusCode)
	}
	// Both attempts are kept: each result still opens, the first still failed.
	if len(results) != 2 || results[0] == results[1] {
		t.Fatalf("result pages %q, want two", results)
	}
	for i, want := range []string{"quiz.result.failed_text", "quiz.result.passed_text"} {
		resp, body := s.browser.Get(results[i])
		webtest.WantPage(t, "result "+results[i], resp, body, 200, []string{webtest.PageText(t, "en", want)})
	}
}

// Doing every lesson and passing every quiz completes the course once: one certificate, shown
// on the result page, on /me and verifiable by anyone at /certificates/{id}.
func TestCompletionIssuesOneVerifiableCertificate(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		s := newPageScene(t, engine)
		for _, l := range []string{"what-is-ai", "data", "in-practice"} {
			lesson := "/en/courses/ai-basics/" + l
			if resp, _ := s.browser.Submit(lesson, lesson+"/done", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("mark %s done: %d", l, resp.StatusCode)
			}
		}
		quiz := "/en/courses/ai-basics/quizzes/basics"
		resp, body := s.browser.SubmitAndFollow(quiz, quiz, url.Values{"answers.q1": {"b"}, "answers.q2": {"a", "c"}})
		webtest.WantPage(t, "completing attempt", resp, body, 200, []string{webtest.PageText(t, "en", "quiz.result.completed"), webtest.PageText(t, "en", "course.certificate.link")})
		m := regexp.MustCompile(`href="/certificates/([A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no certificate link on the result page")
		}
		id := m[1]
		// Passing again changes nothing: still one certificate, and no "just completed".
		_, body = s.browser.SubmitAndFollow(quiz, quiz, url.Values{"answers.q1": {"b"}, "answers.q2": {"a", "c"}})
		if strings.Contains(body, webtest.PageText(t, "en", "quiz.result.completed")) || !strings.Contains(body, `href="/certificates/`+id+`"`) {
			t.Error("a second pass should link the same certificate without congratulating again")
		}
		if mine, err := s.srv.Courses.Enrollments(context.Background(), s.learner, "en"); err != nil || len(mine) != 1 || mine[0].CertificateID != id {
			t.Errorf("enrolments %+v (%v), want ai-basics once with certificate %s", mine, err, id)
		}
		_, body = s.browser.Get("/en/me")
		if !strings.Contains(body, `href="/certificates/`+id+`"`) || !strings.Contains(body, `<progress max="3" value="3"`) {
			t.Error("/me does not show the completed course with its certificate")
		}
		// Anyone can verify it, in their language, with a switcher that keeps the address.
		resp, body = s.srv.Get(t, "/certificates/"+id, "Accept-Language", "fr-FR,fr;q=0.9")
		webtest.WantPage(t, "verification", resp, body, 200, []string{
			`<html lang="fr" dir="ltr">`, webtest.PageText(t, "fr", "cert.valid"), `<dd dir="auto" class="person">Amina Diallo</dd>`,
			"Les bases de l&#39;IA pour les régulateurs", `href="/certificates/` + id + `?lang=ar"`,
			`href="/fr/certificates/` + id + `/print"`,
		})
		if resp, body = s.srv.Get(t, "/certificates/"+id+"?lang=ar"); !strings.Contains(body, `<html lang="ar" dir="rtl">`) {
			t.Errorf("?lang=ar: %d, not an Arabic page", resp.StatusCode)
		}
		resp, body = s.srv.Get(t, "/ar/certificates/"+id+"/print")
		webtest.WantPage(t, "printable", resp, body, 200, []string{`<p class="person" dir="auto">Amina Diallo</p>`, webtest.PageText(t, "ar", "cert.title"),
			"http://localhost:8080/certificates/" + id})
		for _, path := range []string{"/certificates/not-a-certificate", "/en/certificates/not-a-certificate/print"} {
			if resp, _ := s.srv.Get(t, path); resp.StatusCode != 404 {
				t.Errorf("%s: %d, want 404", path, resp.StatusCode)
			}
		}
		// A course retired after completion keeps its place on /me, for the certificate's sake,
		// without a link to the page that is now gone.
		if resp, _ := s.admin.Submit("/en/admin/courses", "/en/admin/courses/ai-basics/published", url.Values{"published": {"false"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", resp.StatusCode)
		}
		_, body = s.browser.Get("/en/me")
		if !strings.Contains(body, `href="/certificates/`+id+`"`) || !strings.Contains(body, webtest.PageText(t, "en", "me.courses.retired")) ||
			strings.Contains(body, `href="/en/courses/ai-basics"`) {
			t.Error("/me after the course was unpublished: want the certificate link and the retired notice, and no link to the course")
		}
	})
}

// The learner's name prints in its own script and direction, whatever the page's language, and
// always as text: a name that looks like markup is shown escaped on both certificate pages.
func TestCertificateNameInAnyScript(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	for i, name := range []string{"ليلى حداد", "王秀英", "Ольга Смирнова", "Zoë N'Diaye", "<script>alert(1)</script><b>x</b>"} {
		id := completeAIBasics(t, s.srv, s.srv.CreateUser(t, fmt.Sprintf("cert-%d@example.org", i), name))
		for _, lang := range []string{"en", "ar", "zh"} {
			_, body := s.srv.Get(t, "/"+lang+"/certificates/"+id+"/print")
			if !strings.Contains(body, `<p class="person" dir="auto">`+html.EscapeString(name)+`</p>`) {
				t.Errorf("%s on the %s certificate: name missing or without dir=auto", name, lang)
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "<b>x") {
				t.Errorf("%s on the %s certificate: the name is markup in the page", name, lang)
			}
		}
		_, body := s.srv.Get(t, "/certificates/"+id)
		if !strings.Contains(body, `<dd dir="auto" class="person">`+html.EscapeString(name)+`</dd>`) ||
			strings.Contains(body, "<script") || strings.Contains(body, "<b>x") {
			t.Errorf("%s on the verification page: missing, or markup rather than text", name)
		}
	}
}

// An unpublished course is a 404 for learners and visitors, and still there, marked, for
// curriculum managers.
func TestUnpublishedCourse(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	resp, _ := s.admin.Submit("/en/admin/courses", "/en/admin/courses/ai-governance/published", url.Values{"published": {"false"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/admin/courses?done=unpublished" {
		t.Fatalf("unpublish: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/en/courses/ai-governance", "/en/courses/ai-governance/principles"} {
		if resp, _ := s.browser.Get(path); resp.StatusCode != 404 {
			t.Errorf("learner: %s answered %d, want 404", path, resp.StatusCode)
		}
		if resp, _ := s.srv.Get(t, path); resp.StatusCode != 404 {
			t.Errorf("visitor: %s answered %d, want 404", path, resp.StatusCode)
		}
		resp, body := s.admin.Get(path)
		webtest.WantPage(t, "manager "+path, resp, body, 200, nil)
	}
	_, body := s.browser.Get("/en/courses")
	if strings.Contains(body, "ai-governance") {
		t.Error("the learner's catalogue lists the unpublished course")
	}
	_, body = s.admin.Get("/en/courses")
	if !strings.Contains(body, "ai-governance") || !strings.Contains(body, webtest.PageText(t, "en", "course.unpublished")) {
		t.Error("the manager's catalogue does not list the unpublished course, marked")
	}
	// ai-basics names it as nothing: the prerequisite link of an unpublished course is gone too.
	if resp, _ := s.browser.Submit("/en/me", "/en/courses/ai-governance/enrollment", nil); resp.StatusCode != 404 {
		t.Errorf("enrolling in an unpublished course: %d, want 404", resp.StatusCode)
	}
	_, body = s.admin.Get("/en/admin/courses?done=unpublished")
	webtest.WantPage(t, "admin courses", &http.Response{StatusCode: 200}, body, 200, []string{
		webtest.PageText(t, "en", "admin.courses.done.unpublished"), `name="published" value="true"`, `name="published" value="false"`,
	})
	action := ""
	for _, e := range audited(t, s.srv, "") { // newest first
		if e.Target == "ai-governance" {
			action = e.Action
			break
		}
	}
	if action != "course.unpublished" {
		t.Errorf("audit log: %q, want course.unpublished", action)
	}
}

func TestCourseAdminPagesAccess(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	for _, path := range []string{"/en/admin/courses", "/en/admin/curricula", "/en/admin/curricula/new"} {
		if resp, _ := s.browser.Get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("learner: %s answered %d, want 403", path, resp.StatusCode)
		}
		resp, body := s.admin.Get(path)
		webtest.WantPage(t, "manager "+path, resp, body, 200, []string{`<nav class="subnav"`, `href="/en/admin/curricula"`}, `href="/en/admin/users"`)
	}
	// The account nav leads curriculum managers to their pages, admins to the users, learners nowhere.
	_, body := s.admin.Get("/en/")
	if !strings.Contains(body, `<a href="/en/admin/courses" aria-current="false">`) {
		t.Error("no administration link for the curriculum manager")
	}
	_, body = s.browser.Get("/en/")
	if strings.Contains(body, "/admin/") {
		t.Error("a learner sees an administration link")
	}
	resp, _ := s.browser.Submit("/en/me", "/en/admin/courses/ai-basics/published", url.Values{"published": {"false"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("learner unpublishing: %d, want 403", resp.StatusCode)
	}
}

// Curriculum managers create, reorder, edit and delete learning paths with forms; learners see
// the path with their progress along it.
func TestCurriculumPagesAndForms(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	form := url.Values{"slug": {"regulator-path"}, "title.en": {"Path for regulators"}, "title.fr": {"Parcours des régulateurs"},
		"description.en": {"Start here."}, "description.fr": {"Commencez ici."}, "courses": {"ai-basics", "ai-governance"},
		"position.ai-basics": {"2"}, "position.ai-governance": {"1"}}
	resp, _ := s.admin.Submit("/en/admin/curricula/new", "/en/admin/curricula", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/admin/curricula?done=created" {
		t.Fatalf("create: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The positions ordered the courses: governance first.
	resp, body := s.browser.Get("/fr/curricula/regulator-path")
	webtest.WantPage(t, "path in French", resp, body, 200, []string{"<h1>Parcours des régulateurs</h1>", `<p class="lead">Commencez ici.</p>`,
		webtest.PageText(t, "fr", "curriculum.progress", map[string]any{"Done": 0, "Total": 2})}, webtest.PageText(t, "fr", "curriculum.fallback"))
	if i, j := strings.Index(body, "/fr/courses/ai-governance"), strings.Index(body, "/fr/courses/ai-basics\""); i < 0 || j < 0 || i > j {
		t.Errorf("courses out of order: governance at %d, basics at %d", i, j)
	}
	resp, body = s.srv.Get(t, "/ar/curricula/regulator-path")
	webtest.WantPage(t, "path in Arabic", resp, body, 200, []string{`<h1 dir="ltr" lang="en">Path for regulators</h1>`, webtest.PageText(t, "ar", "curriculum.fallback"),
		`<p class="lead" dir="ltr" lang="en">Start here.</p>`, `href="/ar/login?next=%2Far%2Fcurricula%2Fregulator-path"`})
	_, body = s.srv.Get(t, "/en/courses")
	if !strings.Contains(body, `<a href="/en/curricula/regulator-path">Path for regulators</a>`) {
		t.Error("the catalogue does not list the learning path")
	}
	// Progress along the path.
	lesson := "/en/courses/ai-basics/what-is-ai"
	s.browser.Submit(lesson, lesson+"/done", nil)
	_, body = s.browser.Get("/en/curricula/regulator-path")
	if !strings.Contains(body, `<progress max="3" value="1"`) || !strings.Contains(body, webtest.PageText(t, "en", "curriculum.not_started")) {
		t.Error("the path does not show progress in ai-basics and ai-governance not started")
	}

	// Edit: the form comes filled in, in order; reorder and change the title.
	resp, body = s.admin.Get("/en/admin/curricula/regulator-path/edit")
	webtest.WantPage(t, "edit form", resp, body, 200, []string{`value="Path for regulators"`, `name="position.ai-governance" type="number" min="1" max="999" inputmode="numeric" value="1"`,
		`name="position.ai-basics" type="number" min="1" max="999" inputmode="numeric" value="2"`, `action="/en/admin/curricula/regulator-path/delete"`})
	form.Set("title.en", "Regulators' path")
	form.Set("position.ai-basics", "1")
	form.Set("position.ai-governance", "2")
	resp, _ = s.admin.Submit("/en/admin/curricula/regulator-path/edit", "/en/admin/curricula/regulator-path", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	in, err := s.srv.Courses.CurriculumTexts(context.Background(), "regulator-path")
	if err != nil || in.Title["en"] != "Regulators' path" || strings.Join(in.Courses, ",") != "ai-basics,ai-governance" {
		t.Errorf("after the update: %+v (%v)", in, err)
	}

	// Problems come back beside their fields, with what was typed.
	bad := url.Values{"slug": {"Bad Slug"}, "title.fr": {"Sans anglais"}}
	resp, body = s.admin.Submit("/en/admin/curricula/new", "/en/admin/curricula", bad)
	webtest.WantPage(t, "invalid form", resp, body, 422, []string{`id="slug-error"`, `id="title-en-error"`, `value="Sans anglais"`, `value="Bad Slug"`,
		webtest.PageText(t, "en", "admin.curricula.invalid")})
	resp, body = s.admin.Submit("/en/admin/curricula/new", "/en/admin/curricula", form)
	webtest.WantPage(t, "slug taken", resp, body, 422, []string{webtest.PageText(t, "en", "admin.curricula.slug_taken")})

	// A position that is no number, or that two courses share, is refused beside its field, with
	// what was typed, and nothing is saved.
	for _, tc := range []struct {
		name, basics, governance, field, key string
	}{
		{"not a number", "first", "2", "ai-basics", "admin.curricula.position_invalid"},
		{"zero", "0", "1", "ai-basics", "admin.curricula.position_invalid"},
		{"shared", "1", "1", "ai-governance", "admin.curricula.position_repeated"},
	} {
		edit := url.Values{}
		for k, v := range form {
			edit[k] = v
		}
		edit.Set("title.en", "Not saved")
		edit.Set("title.fr", "") // with a French description: reported at the same time
		edit.Set("position.ai-basics", tc.basics)
		edit.Set("position.ai-governance", tc.governance)
		resp, body = s.admin.Submit("/en/admin/curricula/regulator-path/edit", "/en/admin/curricula/regulator-path", edit)
		webtest.WantPage(t, "position "+tc.name, resp, body, 422, []string{
			`id="position-` + tc.field + `-error"`, `aria-describedby="position-` + tc.field + `-error"`,
			html.EscapeString(webtest.PageText(t, "en", tc.key, map[string]any{"Max": 999, "Position": 1})),
			`name="position.ai-basics" type="number" min="1" max="999" inputmode="numeric" value="` + tc.basics + `"`,
			`id="title-fr-error"`,
		})
		if in, _ := s.srv.Courses.CurriculumTexts(context.Background(), "regulator-path"); in.Title["en"] == "Not saved" {
			t.Errorf("position %s: the form was saved", tc.name)
		}
	}

	// A title in the reader's language with an English description: the description says so.
	form.Set("description.fr", "")
	s.admin.Submit("/en/admin/curricula/regulator-path/edit", "/en/admin/curricula/regulator-path", form)
	_, body = s.srv.Get(t, "/fr/curricula/regulator-path")
	webtest.WantPage(t, "French path, English description", &http.Response{StatusCode: 200}, body, 200, []string{
		"<h1>Parcours des régulateurs</h1>", webtest.PageText(t, "fr", "curriculum.fallback.description"),
		`<p class="lead" dir="ltr" lang="en">Start here.</p>`,
		// The way back leads to the learning paths.
		`<nav class="crumbs" aria-label="` + webtest.PageText(t, "fr", "course.breadcrumb") + `"><ol><li><a href="/fr/curricula">`,
	}, webtest.PageText(t, "fr", "curriculum.fallback"))

	// Delete: the button asks first, and only the confirmation deletes (a link's ?confirm=yes
	// is no confirmation).
	for _, action := range []string{"/en/admin/curricula/regulator-path/delete", "/en/admin/curricula/regulator-path/delete?confirm=yes"} {
		resp, body = s.admin.Submit("/en/admin/curricula", action, nil)
		webtest.WantPage(t, "delete confirmation", resp, body, 200, []string{webtest.PageText(t, "en", "admin.curricula.confirm.heading"),
			"Regulators&#39; path", `name="confirm" value="yes"`, `href="/en/admin/curricula"`})
	}
	if resp, _ := s.srv.Get(t, "/en/curricula/regulator-path"); resp.StatusCode != 200 {
		t.Fatalf("the path is gone before the deletion was confirmed: %d", resp.StatusCode)
	}
	resp, _ = s.admin.Submit("/en/admin/curricula", "/en/admin/curricula/regulator-path/delete", url.Values{"confirm": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/admin/curricula?done=deleted" {
		t.Fatalf("delete: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := s.srv.Get(t, "/en/curricula/regulator-path"); resp.StatusCode != 404 {
		t.Errorf("deleted path: %d, want 404", resp.StatusCode)
	}
}

// Budget: a lesson page with everything it loads weighs at most 25 KB compressed.
func TestLessonPageWeight(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.ImportFS(t, content.FS)
	sources, _ := course.LoadAll(content.FS, courseweb.LessonSlugsTaken)
	heaviest := 0
	for _, src := range sources {
		for _, lang := range []string{"en", "ar", "fr"} {
			lesson := src.Modules[len(src.Modules)-1].Lessons[0].Slug
			page := "/" + lang + "/courses/" + src.Slug + "/" + lesson
			_, body := srv.Get(t, page)
			total := 0
			urls := append([]string{page}, regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllString(body, -1)...)
			for _, u := range urls {
				u = strings.TrimSuffix(u[strings.Index(u, "/"):], `"`)
				total += webtest.GzipSize(t, srv.App, u)
			}
			t.Logf("%s with its assets: %d bytes compressed", page, total)
			heaviest = max(heaviest, total)
			if total > 25*1024 {
				t.Errorf("%s weighs %d bytes compressed, budget 25600", page, total)
			}
		}
	}
	t.Logf("heaviest lesson page: %d bytes compressed", heaviest)
}

// A certificate's date reads as the reader's language writes dates.
func TestCertificateDateInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	id := completeAIBasics(t, s.srv, s.learner)
	s.srv.DateCertificate(t, id, time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC))
	for lang, want := range map[string]string{
		"en": "14 March 2026", "fr": "le 14 mars 2026", "es": "14 de marzo de 2026",
		"ru": "14 марта 2026 г.", "ar": "14 آذار/مارس 2026", "zh": "2026年3月14日",
	} {
		resp, body := s.srv.Get(t, "/certificates/"+id+"?lang="+lang)
		if resp.StatusCode != 200 || !strings.Contains(body, `<time datetime="2026-03-14">`+html.EscapeString(want)+`</time>`) {
			t.Errorf("%s: status %d, no date %q", lang, resp.StatusCode, want)
		}
	}
}

// The topic filter names topics in the reader's language, keeping the tag as the value.
func TestTopicsAreNamedInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	_, body := s.srv.Get(t, "/fr/courses")
	if !strings.Contains(body, `<option value="ai">Intelligence artificielle</option>`) {
		t.Errorf("French catalogue: the ai topic is not named in French")
	}
}

// /{lang}/curricula lists the learning paths; with none, it says so and leads to the courses.
func TestCurriculaIndex(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	resp, body := s.srv.Get(t, "/fr/curricula")
	if resp.StatusCode != 200 || !strings.Contains(body, html.EscapeString(webtest.Text(t, "fr", "curriculum.index.none"))) {
		t.Fatalf("empty index: %d", resp.StatusCode)
	}
	in := course.CurriculumInput{Slug: "start-here", Title: map[string]string{"en": "Start here", "fr": "Commencer ici"},
		Courses: []string{"ai-basics"}}
	if err := s.srv.Courses.SaveCurriculum(context.Background(), s.manager, in, true); err != nil {
		t.Fatal(err)
	}
	_, body = s.srv.Get(t, "/fr/curricula")
	if !strings.Contains(body, `href="/fr/curricula/start-here">Commencer ici</a>`) {
		t.Errorf("the learning path is not listed")
	}
	// Every page's main navigation leads to the learning paths, marked current on theirs.
	link := `<a href="/fr/curricula" aria-current="%s">` + webtest.PageText(t, "fr", "nav.curricula") + `</a>`
	for path, current := range map[string]string{"/fr/curricula": "page", "/fr/curricula/start-here": "page", "/fr/courses": "false", "/fr/": "false"} {
		_, body := s.srv.Get(t, path)
		if !strings.Contains(body, fmt.Sprintf(link, current)) {
			t.Errorf("%s: no link to the learning paths in the navigation (aria-current %s)", path, current)
		}
	}
}

// Anyone holding a printed certificate looks it up by its number, typed as read from paper, and
// lands on its verification page; a mistyped number says so, in the reader's language.
func TestCertificateLookupByNumber(t *testing.T) {
	t.Parallel()
	s := newPageScene(t, db.SQLite)
	cert := completeAIBasics(t, s.srv, s.learner)
	anon := s.srv.Browser(t)
	resp, body := anon.Get("/zh/certificates")
	webtest.WantPage(t, "lookup form", resp, body, 200, []string{webtest.PageText(t, "zh", "cert.lookup.heading"), `name="number"`})
	typed := strings.ToUpper(cert[:8]) + " " + cert[8:17] + "-" + cert[17:]
	resp, _ = anon.Get("/zh/certificates?number=" + url.QueryEscape(typed))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/certificates/"+cert+"?lang=zh" {
		t.Fatalf("lookup of %q: %d to %q, want 303 to its verification page", typed, resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = anon.Get("/fr/certificates?number=" + strings.Repeat("a", 26))
	webtest.WantPage(t, "unknown number", resp, body, 404, []string{webtest.PageText(t, "fr", "cert.lookup.not_found")})
	resp, body = anon.Get("/ar/certificates?number=12345")
	webtest.WantPage(t, "malformed number", resp, body, 422, []string{webtest.PageText(t, "ar", "cert.lookup.invalid"), `value="12345"`})
	// The footer of every page leads there.
	_, body = anon.Get("/en/courses")
	if !strings.Contains(body, `href="/en/certificates"`) {
		t.Error("the footer has no link to verify a certificate")
	}
}
