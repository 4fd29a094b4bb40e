package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"capacityhub/content"
	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
)

// The course pages as a learner and a curriculum manager meet them, through app.Test: the
// catalogue and its filters, the English fallback, lessons, quizzes, completion and the
// certificate, curricula, and the admin pages.

// pageCourses are the courses these tests read:
//   - ai-basics: introductory, tags ai and spectrum; module "basics" (what-is-ai, data, and a quiz:
//     q1 single choice, b right; q2 select all that apply, a and c right) and module "practice"
//     (in-practice, no quiz). Written in English, French and Arabic; only what-is-ai is translated,
//     so data and in-practice fall back to English, and so does the quiz.
//   - ai-governance: advanced, English only, builds on ai-basics.
var pageCourses = fstest.MapFS{
	"ai-basics/course.toml": {Data: []byte(`level = "introductory"
estimated_minutes = 45
tags = ["ai", "spectrum"]
prerequisites = []

[[modules]]
slug = "basics"
lessons = ["what-is-ai", "data"]

[modules.quiz]
pass_mark = 70

[[modules.quiz.questions]]
id = "q1"
choices = ["a", "b", "c"]
correct = ["b"]

[[modules.quiz.questions]]
id = "q2"
choices = ["a", "b", "c"]
correct = ["a", "c"]

[[modules]]
slug = "practice"
lessons = ["in-practice"]
`)},
	"ai-basics/en/course.toml": {Data: []byte(`title = "AI basics for regulators"
summary = "What artificial intelligence is, and what it needs."

[modules.basics]
title = "The basics"
quiz_title = "Check your understanding"

[modules.practice]
title = "In practice"
`)},
	"ai-basics/en/basics/what-is-ai.md":    {Data: []byte("# What is AI\n\nArtificial intelligence learns patterns from data.\n")},
	"ai-basics/en/basics/data.md":          {Data: []byte("# Data comes first\n\nA model is only as good as its training data.\n")},
	"ai-basics/en/practice/in-practice.md": {Data: []byte("# AI in practice\n\nOperators use AI to predict faults in their networks.\n")},
	"ai-basics/en/basics/quiz.toml": {Data: []byte(`[q1]
text = "What does a machine-learning model learn from?"
explanation = "EXPLAIN-Q1: models learn patterns from training data."

[q1.choices]
a = "Licence fees"
b = "Data"
c = "Radio towers"

[q2]
text = "Which of these can AI help an operator do?"
explanation = "EXPLAIN-Q2: prediction and detection are typical uses."

[q2.choices]
a = "Predict faults"
b = "Repeal laws"
c = "Detect anomalies"
`)},
	"ai-basics/fr/course.toml": {Data: []byte(`title = "Les bases de l'IA pour les régulateurs"
summary = "Ce qu'est l'intelligence artificielle, et ce dont elle a besoin."

[modules.basics]
title = "Les bases"
quiz_title = "Vérifiez vos connaissances"

[modules.practice]
title = "En pratique"
`)},
	"ai-basics/fr/basics/what-is-ai.md": {Data: []byte("# Qu'est-ce que l'IA\n\nL'intelligence artificielle apprend des régularités à partir de données.\n")},
	"ai-basics/ar/course.toml": {Data: []byte(`title = "أساسيات الذكاء الاصطناعي للجهات التنظيمية"
summary = "ما هو الذكاء الاصطناعي وما الذي يحتاج إليه."

[modules.basics]
title = "الأساسيات"
quiz_title = "اختبر فهمك"

[modules.practice]
title = "في الممارسة"
`)},
	"ai-basics/ar/basics/what-is-ai.md": {Data: []byte("# ما هو الذكاء الاصطناعي\n\nيتعلم الذكاء الاصطناعي الأنماط من البيانات.\n")},
	"ai-governance/course.toml": {Data: []byte(`level = "advanced"
estimated_minutes = 60
tags = ["ai", "governance"]
prerequisites = ["ai-basics"]

[[modules]]
slug = "rules"
lessons = ["principles"]
`)},
	"ai-governance/en/course.toml": {Data: []byte(`title = "Governing AI in telecommunications"
summary = "Principles for rules that keep AI accountable."

[modules.rules]
title = "Rules"
`)},
	"ai-governance/en/rules/principles.md": {Data: []byte("# Principles\n\nTransparency, accountability and human oversight.\n")},
}

// importPageCourses imports pageCourses with the course service, as `content import` would.
func importPageCourses(t testing.TB, cs *course.Service) {
	t.Helper()
	sources, problems := course.LoadAll(pageCourses)
	if len(problems) > 0 {
		t.Fatalf("fixture courses do not check: %v", problems)
	}
	if _, err := cs.Import(context.Background(), sources); err != nil {
		t.Fatal(err)
	}
}

// pageScene is a server with pageCourses, a learner (signed in in a browser) and a curriculum
// manager.
type pageScene struct {
	ts      *testServer
	learner *auth.User
	manager *auth.User
	browser *webClient // signed in as the learner
	admin   *webClient // signed in as the curriculum manager
}

func newPageScene(t *testing.T, engine db.Dialect) *pageScene {
	t.Helper()
	ts := newTestServer(t, testenv.Open(t, engine), kv.NewMemory(), nil)
	importPageCourses(t, ts.courses)
	s := &pageScene{ts: ts,
		learner: createUser(t, ts, "learner@example.org", "Amina Diallo"),
		manager: createUser(t, ts, "manager@example.org", "Marc Curriculum", auth.RoleCurriculumManager)}
	ageAccount(t, ts, s.learner) // past the first day's stricter write limit
	s.browser = signInBrowser(t, ts, "learner@example.org", acctPassword)
	s.admin = signInBrowser(t, ts, "manager@example.org", acctPassword)
	return s
}

// pageText is the text of key in lang as a page shows it (HTML-escaped).
func pageText(t testing.TB, lang, key string, args ...map[string]any) string {
	t.Helper()
	return html.EscapeString(acctText(t, lang, key, args...))
}

// wantPage checks the status and that body contains each of want and none of unwanted.
func wantPage(t *testing.T, what string, resp *http.Response, body string, status int, want []string, unwanted ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%.2000s", what, resp.StatusCode, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s: should not contain %q", what, u)
		}
	}
}

func TestCatalogPageFilters(t *testing.T) {
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
		{"nothing matches", "?tag=spectrum&level=advanced", []string{pageText(t, "en", "course.catalog.none"), pageText(t, "en", "course.filter.reset")}, []string{basics, governance}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, s.ts.app, "/en/courses"+tc.query)
			wantPage(t, tc.name, resp, body, 200, append(tc.want, `<form method="get" action="/en/courses"`), tc.not...)
		})
	}
	// The language switcher keeps the filters.
	_, body := get(t, s.ts.app, "/en/courses?level=advanced")
	if !strings.Contains(body, `href="/fr/courses?level=advanced"`) {
		t.Error("the language switcher drops the filter")
	}
}

// A course not written in the reader's language is shown in English, marked lang="en", with a
// notice in the reader's language; a translated one is not.
func TestCatalogEnglishFallback(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	for _, lang := range []string{"fr", "ar"} {
		_, body := get(t, s.ts.app, "/"+lang+"/courses")
		notice := pageText(t, lang, "course.fallback.course")
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
	_, body := get(t, s.ts.app, "/fr/courses")
	if !strings.Contains(body, "Les bases de l&#39;IA pour les régulateurs") {
		t.Error("the French title of ai-basics is not shown")
	}
}

func TestCoursePage(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	// Signed out: the facts, the contents, the prerequisite linked, and a sign-in link to enrol.
	resp, body := get(t, s.ts.app, "/en/courses/ai-governance")
	wantPage(t, "ai-governance signed out", resp, body, 200, []string{
		"<h1>Governing AI in telecommunications</h1>", pageText(t, "en", "course.prerequisites.heading"),
		`<a href="/en/courses/ai-basics">AI basics for regulators</a>`, "60 minutes", pageText(t, "en", "course.level.advanced"),
		`href="/en/login?next=%2Fen%2Fcourses%2Fai-governance"`, `href="/en/courses/ai-governance/principles"`,
	}, "/enrollment")
	// In French the course is translated but two lessons and the quiz are not: a notice says so.
	_, body = get(t, s.ts.app, "/fr/courses/ai-basics")
	if !strings.Contains(body, pageText(t, "fr", "course.fallback.partly")) || !strings.Contains(body, `<a href="/fr/courses/ai-basics/data" dir="ltr" lang="en">Data comes first</a>`) {
		t.Error("French ai-basics: no notice of the untranslated parts, or their titles not marked English")
	}
	// The quiz link's label ends with a colon as French writes it, after a no-break space.
	if want := html.EscapeString(pageText(t, "fr", "course.quiz.label")) + "\u00a0: <span"; !strings.Contains(body, want) {
		t.Errorf("French ai-basics: no %q", want)
	}
	resp, body = get(t, s.ts.app, "/en/courses/ai-basics")
	wantPage(t, "ai-basics signed out", resp, body, 200, []string{
		"<h3>The basics</h3>", `href="/en/courses/ai-basics/what-is-ai"`, `href="/en/courses/ai-basics/data"`,
		`href="/en/courses/ai-basics/quizzes/basics"`, "Check your understanding", `lang="ar" dir="rtl">العربية</span>`,
		`href="/en/courses/ai-basics/offline"`,
	}, pageText(t, "en", "course.prerequisites.heading"))

	// Signed in: enrol with a form, then the progress shows.
	resp, body = s.browser.get("/en/courses/ai-basics")
	wantPage(t, "ai-basics signed in", resp, body, 200, []string{`action="/en/courses/ai-basics/enrollment"`, pageText(t, "en", "course.enroll.submit")})
	resp, _ = s.browser.submit("/en/courses/ai-basics", "/en/courses/ai-basics/enrollment", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/courses/ai-basics?done=enrolled" {
		t.Fatalf("enrol: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = s.browser.get("/en/courses/ai-basics?done=enrolled")
	wantPage(t, "ai-basics enrolled", resp, body, 200, []string{
		pageText(t, "en", "course.enroll.done"), pageText(t, "en", "course.progress.lessons", map[string]any{"Done": 0, "Total": 3}),
		`<progress max="3" value="0"`, `href="/en/courses/ai-basics/what-is-ai">` + pageText(t, "en", "course.start"),
	}, `action="/en/courses/ai-basics/enrollment"`)

	for _, path := range []string{"/en/courses/no-such-course", "/xx/courses/ai-basics"} {
		if resp, _ := get(t, s.ts.app, path); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestLessonPagePrevNext(t *testing.T) {
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
			resp, body := get(t, s.ts.app, "/en/courses/ai-basics/"+tc.lesson)
			wantPage(t, tc.lesson, resp, body, 200, []string{`<nav class="pager"`, `<progress max="3"`})
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
	if resp, _ := get(t, s.ts.app, "/en/courses/ai-basics/no-such-lesson"); resp.StatusCode != 404 {
		t.Errorf("unknown lesson: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, s.ts.app, "/en/courses/ai-governance/what-is-ai"); resp.StatusCode != 404 {
		t.Errorf("another course's lesson: %d, want 404", resp.StatusCode)
	}
}

// A lesson not translated comes in English, marked lang="en" dir="ltr", after a notice in the
// reader's language; a translated one comes in the reader's language without a notice.
func TestLessonEnglishFallback(t *testing.T) {
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
			resp, body := get(t, s.ts.app, "/"+tc.lang+"/courses/ai-basics/"+tc.lesson)
			wantPage(t, tc.lesson, resp, body, 200, []string{tc.text})
			notice := pageText(t, tc.lang, "course.fallback.lesson")
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
	s := newPageScene(t, db.SQLite)
	lesson := "/en/courses/ai-basics/what-is-ai"
	_, body := s.browser.get(lesson)
	wantPage(t, "before", &http.Response{StatusCode: 200}, body, 200, []string{
		pageText(t, "en", "course.progress.lessons", map[string]any{"Done": 0, "Total": 3}), `<progress max="3" value="0"`,
		`action="` + lesson + `/done"`, pageText(t, "en", "course.lesson.mark_done"),
	})
	resp, _ := s.browser.submit(lesson, lesson+"/done", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != lesson+"?done=lesson#lesson-done" {
		t.Fatalf("mark as done: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = s.browser.get(lesson + "?done=lesson")
	wantPage(t, "after", resp, body, 200, []string{
		pageText(t, "en", "course.lesson.done_flash"), pageText(t, "en", "course.progress.lessons", map[string]any{"Done": 1, "Total": 3}),
		`<progress max="3" value="1"`, pageText(t, "en", "course.lesson.is_done"),
	}, `action="`+lesson+`/done"`)
	// The course page ticks it; /me lists the course with its progress.
	_, body = s.browser.get("/en/courses/ai-basics")
	if !strings.Contains(body, `href="/en/courses/ai-basics/what-is-ai">What is AI</a> <span class="done">`) {
		t.Error("the course page does not tick the lesson done")
	}
	resp, body = s.browser.get("/en/me")
	wantPage(t, "/en/me", resp, body, 200, []string{
		pageText(t, "en", "me.courses.heading"), `<a href="/en/courses/ai-basics">AI basics for regulators</a>`, `<progress max="3" value="1"`,
	})
	// Signed out, the lesson offers to sign in instead, and the form is refused.
	_, body = get(t, s.ts.app, lesson)
	if !strings.Contains(body, `href="/en/login?next=%2Fen%2Fcourses%2Fai-basics%2Fwhat-is-ai"`) || strings.Contains(body, "/done") {
		t.Error("signed out: want a sign-in link and no mark-as-done form")
	}
	if resp, _ := s.browser.post(lesson+"/done", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("mark as done without the CSRF token: %d, want 403", resp.StatusCode)
	}
}

// The quiz page holds the questions and choices and nothing that tells the answers.
func TestQuizPageShowsNoAnswers(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	for _, b := range []*webClient{newWebClient(t, s.ts.app), s.browser, s.admin} {
		resp, body := b.get("/en/courses/ai-basics/quizzes/basics")
		wantPage(t, "quiz", resp, body, 200, []string{
			"<legend>What does a machine-learning model learn from?</legend>",
			`<input type="radio" id="a-q1-b" name="answers.q1" value="b">`,
			`<input type="checkbox" id="a-q2-a" name="answers.q2" value="a">`,
			pageText(t, "en", "quiz.multiple"), pageText(t, "en", "quiz.single"),
		}, "EXPLAIN")
		if strings.Contains(strings.ToLower(body), "correct") || strings.Contains(body, "checked") {
			t.Error("the quiz page carries an answer marker")
		}
	}
	// In French the quiz is not translated: English, marked, after a French notice.
	_, body := get(t, s.ts.app, "/fr/courses/ai-basics/quizzes/basics")
	if !strings.Contains(body, pageText(t, "fr", "quiz.fallback")) || !strings.Contains(body, `<legend dir="ltr" lang="en">`) {
		t.Error("French quiz: no fallback notice or English not marked")
	}
	if resp, _ := get(t, s.ts.app, "/en/courses/ai-basics/quizzes/practice"); resp.StatusCode != 404 {
		t.Errorf("a module without a quiz: %d, want 404", resp.StatusCode)
	}
}

func TestQuizAttemptsFailAndPass(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	quiz := "/en/courses/ai-basics/quizzes/basics"
	// Half right is 50 %, under the pass mark of 70 %.
	resp, body := s.browser.submitAndFollow(quiz, quiz, url.Values{"answers.q1": {"b"}, "answers.q2": {"a"}})
	wantPage(t, "failing attempt", resp, body, 200, []string{
		pageText(t, "en", "quiz.result.failed"), pageText(t, "en", "quiz.result.score", map[string]any{"Score": "50%", "PassMark": "70%"}),
		`<li class="result right">`, `<li class="result wrong">`, "EXPLAIN-Q1", "EXPLAIN-Q2",
		pageText(t, "en", "quiz.result.right_answer") + ` <span>Predict faults · Detect anomalies</span>`,
	}, pageText(t, "en", "quiz.result.passed_text"), "/certificates/")
	resp, body = s.browser.submitAndFollow(quiz, quiz, url.Values{"answers.q1": {"b"}, "answers.q2": {"c", "a"}})
	wantPage(t, "passing attempt", resp, body, 200, []string{
		pageText(t, "en", "quiz.result.passed_text"), pageText(t, "en", "quiz.result.score", map[string]any{"Score": "100%", "PassMark": "70%"}),
	}, `<li class="result wrong">`, "/certificates/")
	// The quiz page now shows the best score; the course page says it is passed.
	_, body = s.browser.get(quiz)
	if !strings.Contains(body, pageText(t, "en", "quiz.best", map[string]any{"Score": "100%"})) {
		t.Error("the quiz page does not show the best score")
	}
	// A forged answer is refused with the form again; signed out, the form is not taken.
	resp, body = s.browser.submitAndFollow(quiz, quiz, url.Values{"answers.q9": {"a"}})
	wantPage(t, "forged answer", resp, body, 422, []string{pageText(t, "en", "quiz.error")})
	anon := newWebClient(t, s.ts.app)
	resp, _ = anon.post(quiz, url.Values{"answers.q1": {"b"}})
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous attempt: %d, want it refused", resp.StatusCode)
	}
	var n int
	if err := s.ts.db.R.QueryRow("SELECT COUNT(*) FROM quiz_attempts WHERE user_id = $1", s.learner.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d attempts kept (%v), want 2", n, err)
	}
}

// Doing every lesson and passing every quiz completes the course once: one certificate, shown
// on the result page, on /me and verifiable by anyone at /certificates/{id}.
func TestCompletionIssuesOneVerifiableCertificate(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		s := newPageScene(t, engine)
		for _, l := range []string{"what-is-ai", "data", "in-practice"} {
			lesson := "/en/courses/ai-basics/" + l
			if resp, _ := s.browser.submit(lesson, lesson+"/done", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("mark %s done: %d", l, resp.StatusCode)
			}
		}
		quiz := "/en/courses/ai-basics/quizzes/basics"
		resp, body := s.browser.submitAndFollow(quiz, quiz, url.Values{"answers.q1": {"b"}, "answers.q2": {"a", "c"}})
		wantPage(t, "completing attempt", resp, body, 200, []string{pageText(t, "en", "quiz.result.completed"), pageText(t, "en", "course.certificate.link")})
		m := regexp.MustCompile(`href="/certificates/([A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no certificate link on the result page")
		}
		id := m[1]
		// Passing again changes nothing: still one certificate, and no "just completed".
		_, body = s.browser.submitAndFollow(quiz, quiz, url.Values{"answers.q1": {"b"}, "answers.q2": {"a", "c"}})
		if strings.Contains(body, pageText(t, "en", "quiz.result.completed")) || !strings.Contains(body, `href="/certificates/`+id+`"`) {
			t.Error("a second pass should link the same certificate without congratulating again")
		}
		var n int
		if err := s.ts.db.R.QueryRow("SELECT COUNT(*) FROM certificates WHERE user_id = $1", s.learner.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d certificates (%v), want 1", n, err)
		}
		_, body = s.browser.get("/en/me")
		if !strings.Contains(body, `href="/certificates/`+id+`"`) || !strings.Contains(body, `<progress max="3" value="3"`) {
			t.Error("/me does not show the completed course with its certificate")
		}
		// Anyone can verify it, in their language, with a switcher that keeps the address.
		resp, body = get(t, s.ts.app, "/certificates/"+id, "Accept-Language", "fr-FR,fr;q=0.9")
		wantPage(t, "verification", resp, body, 200, []string{
			`<html lang="fr" dir="ltr">`, pageText(t, "fr", "cert.valid"), `<dd dir="auto" class="person">Amina Diallo</dd>`,
			"Les bases de l&#39;IA pour les régulateurs", `href="/certificates/` + id + `?lang=ar"`,
			`href="/fr/certificates/` + id + `/print"`,
		})
		if resp, body = get(t, s.ts.app, "/certificates/"+id+"?lang=ar"); !strings.Contains(body, `<html lang="ar" dir="rtl">`) {
			t.Errorf("?lang=ar: %d, not an Arabic page", resp.StatusCode)
		}
		resp, body = get(t, s.ts.app, "/ar/certificates/"+id+"/print")
		wantPage(t, "printable", resp, body, 200, []string{`<p class="person" dir="auto">Amina Diallo</p>`, pageText(t, "ar", "cert.title"),
			"http://localhost:8080/certificates/" + id})
		for _, path := range []string{"/certificates/not-a-certificate", "/en/certificates/not-a-certificate/print"} {
			if resp, _ := get(t, s.ts.app, path); resp.StatusCode != 404 {
				t.Errorf("%s: %d, want 404", path, resp.StatusCode)
			}
		}
		// A course retired after completion keeps its place on /me, for the certificate's sake,
		// without a link to the page that is now gone.
		if resp, _ := s.admin.submit("/en/admin/courses", "/en/admin/courses/ai-basics/published", url.Values{"published": {"false"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", resp.StatusCode)
		}
		_, body = s.browser.get("/en/me")
		if !strings.Contains(body, `href="/certificates/`+id+`"`) || !strings.Contains(body, pageText(t, "en", "me.courses.retired")) ||
			strings.Contains(body, `href="/en/courses/ai-basics"`) {
			t.Error("/me after the course was unpublished: want the certificate link and the retired notice, and no link to the course")
		}
	})
}

// The learner's name prints in its own script and direction, whatever the page's language, and
// always as text: a name that looks like markup is shown escaped on both certificate pages.
func TestCertificateNameInAnyScript(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	for i, name := range []string{"ليلى حداد", "王秀英", "Ольга Смирнова", "Zoë N'Diaye", "<script>alert(1)</script><b>x</b>"} {
		u := createUser(t, s.ts, fmt.Sprintf("cert-%d@example.org", i), name)
		ctx := context.Background()
		for _, l := range []string{"what-is-ai", "data", "in-practice"} {
			if _, err := s.ts.courses.CompleteLesson(ctx, u, "ai-basics", l); err != nil {
				t.Fatal(err)
			}
		}
		a, err := s.ts.courses.SubmitAttempt(ctx, u, "ai-basics", "basics", "en", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}})
		if err != nil || a.Progress.CertificateID == "" {
			t.Fatalf("%s: no certificate (%v)", name, err)
		}
		for _, lang := range []string{"en", "ar", "zh"} {
			_, body := get(t, s.ts.app, "/"+lang+"/certificates/"+a.Progress.CertificateID+"/print")
			if !strings.Contains(body, `<p class="person" dir="auto">`+html.EscapeString(name)+`</p>`) {
				t.Errorf("%s on the %s certificate: name missing or without dir=auto", name, lang)
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "<b>x") {
				t.Errorf("%s on the %s certificate: the name is markup in the page", name, lang)
			}
		}
		_, body := get(t, s.ts.app, "/certificates/"+a.Progress.CertificateID)
		if !strings.Contains(body, `<dd dir="auto" class="person">`+html.EscapeString(name)+`</dd>`) ||
			strings.Contains(body, "<script") || strings.Contains(body, "<b>x") {
			t.Errorf("%s on the verification page: missing, or markup rather than text", name)
		}
	}
}

// An unpublished course is a 404 for learners and visitors, and still there, marked, for
// curriculum managers.
func TestUnpublishedCourse(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	resp, _ := s.admin.submit("/en/admin/courses", "/en/admin/courses/ai-governance/published", url.Values{"published": {"false"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/admin/courses?done=unpublished" {
		t.Fatalf("unpublish: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/en/courses/ai-governance", "/en/courses/ai-governance/principles"} {
		if resp, _ := s.browser.get(path); resp.StatusCode != 404 {
			t.Errorf("learner: %s answered %d, want 404", path, resp.StatusCode)
		}
		if resp, _ := get(t, s.ts.app, path); resp.StatusCode != 404 {
			t.Errorf("visitor: %s answered %d, want 404", path, resp.StatusCode)
		}
		resp, body := s.admin.get(path)
		wantPage(t, "manager "+path, resp, body, 200, nil)
	}
	_, body := s.browser.get("/en/courses")
	if strings.Contains(body, "ai-governance") {
		t.Error("the learner's catalogue lists the unpublished course")
	}
	_, body = s.admin.get("/en/courses")
	if !strings.Contains(body, "ai-governance") || !strings.Contains(body, pageText(t, "en", "course.unpublished")) {
		t.Error("the manager's catalogue does not list the unpublished course, marked")
	}
	// ai-basics names it as nothing: the prerequisite link of an unpublished course is gone too.
	if resp, _ := s.browser.submit("/en/me", "/en/courses/ai-governance/enrollment", nil); resp.StatusCode != 404 {
		t.Errorf("enrolling in an unpublished course: %d, want 404", resp.StatusCode)
	}
	_, body = s.admin.get("/en/admin/courses?done=unpublished")
	wantPage(t, "admin courses", &http.Response{StatusCode: 200}, body, 200, []string{
		pageText(t, "en", "admin.courses.done.unpublished"), `name="published" value="true"`, `name="published" value="false"`,
	})
	var action string
	if err := s.ts.db.R.QueryRow("SELECT action FROM audit_log WHERE target = 'ai-governance' ORDER BY at DESC LIMIT 1").Scan(&action); err != nil || action != "course.unpublished" {
		t.Errorf("audit log: %q (%v), want course.unpublished", action, err)
	}
}

func TestCourseAdminPagesAccess(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	for _, path := range []string{"/en/admin/courses", "/en/admin/curricula", "/en/admin/curricula/new"} {
		if resp, _ := s.browser.get(path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("learner: %s answered %d, want 403", path, resp.StatusCode)
		}
		resp, body := s.admin.get(path)
		wantPage(t, "manager "+path, resp, body, 200, []string{`<nav class="subnav"`, `href="/en/admin/curricula"`}, `href="/en/admin/users"`)
	}
	// The account nav leads curriculum managers to their pages, admins to the users, learners nowhere.
	_, body := s.admin.get("/en/")
	if !strings.Contains(body, `<a href="/en/admin/courses" aria-current="false">`) {
		t.Error("no administration link for the curriculum manager")
	}
	_, body = s.browser.get("/en/")
	if strings.Contains(body, "/admin/") {
		t.Error("a learner sees an administration link")
	}
	resp, _ := s.browser.submit("/en/me", "/en/admin/courses/ai-basics/published", url.Values{"published": {"false"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("learner unpublishing: %d, want 403", resp.StatusCode)
	}
}

// Curriculum managers create, reorder, edit and delete learning paths with forms; learners see
// the path with their progress along it.
func TestCurriculumPagesAndForms(t *testing.T) {
	s := newPageScene(t, db.SQLite)
	form := url.Values{"slug": {"regulator-path"}, "title.en": {"Path for regulators"}, "title.fr": {"Parcours des régulateurs"},
		"description.en": {"Start here."}, "description.fr": {"Commencez ici."}, "courses": {"ai-basics", "ai-governance"},
		"position.ai-basics": {"2"}, "position.ai-governance": {"1"}}
	resp, _ := s.admin.submit("/en/admin/curricula/new", "/en/admin/curricula", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/admin/curricula?done=created" {
		t.Fatalf("create: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The positions ordered the courses: governance first.
	resp, body := s.browser.get("/fr/curricula/regulator-path")
	wantPage(t, "path in French", resp, body, 200, []string{"<h1>Parcours des régulateurs</h1>", `<p class="lead">Commencez ici.</p>`,
		pageText(t, "fr", "curriculum.progress", map[string]any{"Done": 0, "Total": 2})}, pageText(t, "fr", "curriculum.fallback"))
	if i, j := strings.Index(body, "/fr/courses/ai-governance"), strings.Index(body, "/fr/courses/ai-basics\""); i < 0 || j < 0 || i > j {
		t.Errorf("courses out of order: governance at %d, basics at %d", i, j)
	}
	resp, body = get(t, s.ts.app, "/ar/curricula/regulator-path")
	wantPage(t, "path in Arabic", resp, body, 200, []string{`<h1 dir="ltr" lang="en">Path for regulators</h1>`, pageText(t, "ar", "curriculum.fallback"),
		`<p class="lead" dir="ltr" lang="en">Start here.</p>`, `href="/ar/login?next=%2Far%2Fcurricula%2Fregulator-path"`})
	_, body = get(t, s.ts.app, "/en/courses")
	if !strings.Contains(body, `<a href="/en/curricula/regulator-path">Path for regulators</a>`) {
		t.Error("the catalogue does not list the learning path")
	}
	// Progress along the path.
	lesson := "/en/courses/ai-basics/what-is-ai"
	s.browser.submit(lesson, lesson+"/done", nil)
	_, body = s.browser.get("/en/curricula/regulator-path")
	if !strings.Contains(body, `<progress max="3" value="1"`) || !strings.Contains(body, pageText(t, "en", "curriculum.not_started")) {
		t.Error("the path does not show progress in ai-basics and ai-governance not started")
	}

	// Edit: the form comes filled in, in order; reorder and change the title.
	resp, body = s.admin.get("/en/admin/curricula/regulator-path/edit")
	wantPage(t, "edit form", resp, body, 200, []string{`value="Path for regulators"`, `name="position.ai-governance" type="number" min="1" max="999" inputmode="numeric" value="1"`,
		`name="position.ai-basics" type="number" min="1" max="999" inputmode="numeric" value="2"`, `action="/en/admin/curricula/regulator-path/delete"`})
	form.Set("title.en", "Regulators' path")
	form.Set("position.ai-basics", "1")
	form.Set("position.ai-governance", "2")
	resp, _ = s.admin.submit("/en/admin/curricula/regulator-path/edit", "/en/admin/curricula/regulator-path", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	in, err := s.ts.courses.CurriculumTexts(context.Background(), "regulator-path")
	if err != nil || in.Title["en"] != "Regulators' path" || strings.Join(in.Courses, ",") != "ai-basics,ai-governance" {
		t.Errorf("after the update: %+v (%v)", in, err)
	}

	// Problems come back beside their fields, with what was typed.
	bad := url.Values{"slug": {"Bad Slug"}, "title.fr": {"Sans anglais"}}
	resp, body = s.admin.submit("/en/admin/curricula/new", "/en/admin/curricula", bad)
	wantPage(t, "invalid form", resp, body, 422, []string{`id="slug-error"`, `id="title-en-error"`, `value="Sans anglais"`, `value="Bad Slug"`,
		pageText(t, "en", "admin.curricula.invalid")})
	resp, body = s.admin.submit("/en/admin/curricula/new", "/en/admin/curricula", form)
	wantPage(t, "slug taken", resp, body, 422, []string{pageText(t, "en", "admin.curricula.slug_taken")})

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
		resp, body = s.admin.submit("/en/admin/curricula/regulator-path/edit", "/en/admin/curricula/regulator-path", edit)
		wantPage(t, "position "+tc.name, resp, body, 422, []string{
			`id="position-` + tc.field + `-error"`, `aria-describedby="position-` + tc.field + `-error"`,
			html.EscapeString(pageText(t, "en", tc.key, map[string]any{"Max": 999, "Position": 1})),
			`name="position.ai-basics" type="number" min="1" max="999" inputmode="numeric" value="` + tc.basics + `"`,
			`id="title-fr-error"`,
		})
		if in, _ := s.ts.courses.CurriculumTexts(context.Background(), "regulator-path"); in.Title["en"] == "Not saved" {
			t.Errorf("position %s: the form was saved", tc.name)
		}
	}

	// A title in the reader's language with an English description: the description says so.
	form.Set("description.fr", "")
	s.admin.submit("/en/admin/curricula/regulator-path/edit", "/en/admin/curricula/regulator-path", form)
	_, body = get(t, s.ts.app, "/fr/curricula/regulator-path")
	wantPage(t, "French path, English description", &http.Response{StatusCode: 200}, body, 200, []string{
		"<h1>Parcours des régulateurs</h1>", pageText(t, "fr", "curriculum.fallback.description"),
		`<p class="lead" dir="ltr" lang="en">Start here.</p>`,
		// The way back leads to the learning paths.
		`<nav class="crumbs" aria-label="` + pageText(t, "fr", "course.breadcrumb") + `"><ol><li><a href="/fr/curricula">`,
	}, pageText(t, "fr", "curriculum.fallback"))

	// Delete: the button asks first, and only the confirmation deletes (a link's ?confirm=yes
	// is no confirmation).
	for _, action := range []string{"/en/admin/curricula/regulator-path/delete", "/en/admin/curricula/regulator-path/delete?confirm=yes"} {
		resp, body = s.admin.submit("/en/admin/curricula", action, nil)
		wantPage(t, "delete confirmation", resp, body, 200, []string{pageText(t, "en", "admin.curricula.confirm.heading"),
			"Regulators&#39; path", `name="confirm" value="yes"`, `href="/en/admin/curricula"`})
	}
	if resp, _ := get(t, s.ts.app, "/en/curricula/regulator-path"); resp.StatusCode != 200 {
		t.Fatalf("the path is gone before the deletion was confirmed: %d", resp.StatusCode)
	}
	resp, _ = s.admin.submit("/en/admin/curricula", "/en/admin/curricula/regulator-path/delete", url.Values{"confirm": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/admin/curricula?done=deleted" {
		t.Fatalf("delete: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, s.ts.app, "/en/curricula/regulator-path"); resp.StatusCode != 404 {
		t.Errorf("deleted path: %d, want 404", resp.StatusCode)
	}
}

// Budget: a lesson page with everything it loads weighs at most 25 KB compressed.
func TestLessonPageWeight(t *testing.T) {
	ts := newTestServer(t, testenv.Open(t, db.SQLite), kv.NewMemory(), nil)
	sources, problems := course.LoadAll(content.FS)
	if len(problems) > 0 {
		t.Fatalf("content does not check: %v", problems)
	}
	if _, err := ts.courses.Import(context.Background(), sources); err != nil {
		t.Fatal(err)
	}
	heaviest := 0
	for _, src := range sources {
		for _, lang := range []string{"en", "ar", "fr"} {
			lesson := src.Modules[len(src.Modules)-1].Lessons[0].Slug
			page := "/" + lang + "/courses/" + src.Slug + "/" + lesson
			_, body := get(t, ts.app, page)
			total := 0
			urls := append([]string{page}, regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllString(body, -1)...)
			for _, u := range urls {
				u = strings.TrimSuffix(u[strings.Index(u, "/"):], `"`)
				total += gzipSize(t, ts.app, u)
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
	s := newPageScene(t, db.SQLite)
	if _, err := s.ts.db.W.Exec(`INSERT INTO certificates (id, user_id, course_slug, name, issued_at)
		VALUES ('cert-date-test', $1, 'ai-basics', 'Amina Diallo', '2026-03-14T09:00:00.000000Z')`, s.learner.ID); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "14 March 2026", "fr": "le 14 mars 2026", "es": "14 de marzo de 2026",
		"ru": "14 марта 2026 г.", "ar": "14 آذار/مارس 2026", "zh": "2026年3月14日",
	} {
		resp, body := get(t, s.ts.app, "/certificates/cert-date-test?lang="+lang)
		if resp.StatusCode != 200 || !strings.Contains(body, `<time datetime="2026-03-14">`+html.EscapeString(want)+`</time>`) {
			t.Errorf("%s: status %d, no date %q", lang, resp.StatusCode, want)
		}
	}
}
