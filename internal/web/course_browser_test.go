package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"capacityhub/content"
	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/web/courseweb"
	"capacityhub/internal/web/webtest"
)

// testCoursePages: the course pages in a real Chromium, in French and in Arabic, as a learner on
// a 320 px wide phone meets them: no serious or critical axe-core finding, nothing sticking out
// sideways, and a quiz answered with taps shows its result. With SCREENSHOT_DIR set it saves a
// screenshot of each page (course-<lang>-<page>.png).
func (s *browserSuite) testCoursePages(t *testing.T) {
	ctx := context.Background()
	cs := s.server.Courses
	s.server.ImportFS(t, webtest.PageCourses)
	learner, err := s.server.Auth.Register(ctx, auth.Registration{Email: "browser-learner@example.org",
		Password: "a long browser passphrase", Profile: auth.Profile{Name: "ليلى حداد", Country: "JO", Language: "ar"}})
	if err != nil {
		t.Fatal(err)
	}
	manager, err := s.server.Auth.Register(ctx, auth.Registration{Email: "browser-manager@example.org",
		Password: "a long browser passphrase", Roles: []auth.Role{auth.RoleCurriculumManager},
		Profile: auth.Profile{Name: "Marc Curriculum", Country: "FR", Language: "fr"}})
	if err != nil {
		t.Fatal(err)
	}
	s.server.EnrolMFA(t, manager) // staff pages are closed to staff without it
	if _, err := cs.CompleteLesson(ctx, learner, "ai-basics", "what-is-ai"); err != nil {
		t.Fatal(err)
	}
	// A second learner who finished the course holds the certificate the pages show.
	graduate, err := s.server.Auth.Register(ctx, auth.Registration{Email: "browser-graduate@example.org",
		Password: "a long browser passphrase", Profile: auth.Profile{Name: "Zhang Wei 张伟", Country: "CN", Language: "zh"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"what-is-ai", "data", "in-practice"} {
		if _, err := cs.CompleteLesson(ctx, graduate, "ai-basics", l); err != nil {
			t.Fatal(err)
		}
	}
	a, err := cs.SubmitAttempt(ctx, graduate, "ai-basics", "basics", "en", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}})
	if err != nil || a.Progress.CertificateID == "" {
		t.Fatalf("no certificate: %v", err)
	}
	cert := a.Progress.CertificateID
	// A learner who failed the quiz three times sees the pause; another is setting up two-step
	// verification, so her account page shows the QR code and the key.
	paused, err := s.server.Auth.Register(ctx, auth.Registration{Email: "browser-paused@example.org",
		Password: "a long browser passphrase", Profile: auth.Profile{Name: "Olga Petrova", Country: "KG", Language: "ru"}})
	if err != nil {
		t.Fatal(err)
	}
	for range course.MaxFailures {
		if _, err := cs.SubmitAttempt(ctx, paused, "ai-basics", "basics", "en", map[string][]string{"q1": {"a"}}); err != nil {
			t.Fatal(err)
		}
	}
	enrolling, err := s.server.Auth.Register(ctx, auth.Registration{Email: "browser-enrolling@example.org",
		Password: "a long browser passphrase", Profile: auth.Profile{Name: "Ana Souza", Country: "MZ", Language: "es"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.server.Auth.StartMFA(ctx, enrolling); err != nil {
		t.Fatal(err)
	}
	if err := cs.SaveCurriculum(ctx, manager, course.CurriculumInput{Slug: "regulator-path", Title: map[string]string{"en": "Path for regulators",
		"ar": "مسار للجهات التنظيمية"}, Courses: []string{"ai-basics", "ai-governance"}}, true); err != nil {
		t.Fatal(err)
	}

	pages := []struct {
		name string // of the screenshot
		path string // after /{lang}
		who  *auth.User
		quiz bool // answer the quiz and check the result page instead
	}{
		{name: "catalog", path: "/courses"},
		{name: "course", path: "/courses/ai-basics", who: learner},
		{name: "lesson", path: "/courses/ai-basics/what-is-ai", who: learner},
		{name: "lesson-fallback", path: "/courses/ai-basics/data", who: learner},
		{name: "quiz", path: "/courses/ai-basics/quizzes/basics", who: learner},
		{name: "quiz-result", path: "/courses/ai-basics/quizzes/basics", who: learner, quiz: true},
		{name: "curricula", path: "/curricula"},
		{name: "curriculum", path: "/curricula/regulator-path", who: learner},
		{name: "me", path: "/me", who: learner},
		{name: "quiz-paused", path: "/courses/ai-basics/quizzes/basics", who: paused},
		{name: "me-mfa-setup", path: "/me", who: enrolling},
		{name: "signin-code", path: "/login/code"},
		{name: "certificate-lookup", path: "/certificates"},
		{name: "certificate-print", path: "/certificates/" + cert + "/print"},
		{name: "admin-courses", path: "/admin/courses", who: manager},
		{name: "admin-curricula", path: "/admin/curricula", who: manager},
		{name: "admin-curriculum-form", path: "/admin/curricula/regulator-path/edit", who: manager},
	}
	t.Run("phone first screen", func(t *testing.T) { s.checkFirstScreen(t, learner) })
	for _, lang := range []string{"ar", "fr"} {
		for _, pg := range pages {
			t.Run(lang+" "+pg.name, func(t *testing.T) {
				s.checkCoursePage(t, lang, "/"+lang+pg.path, pg.who, pg.quiz, "course-"+lang+"-"+pg.name+".png")
			})
		}
		t.Run(lang+" certificate", func(t *testing.T) {
			s.checkCoursePage(t, lang, "/certificates/"+cert+"?lang="+lang, nil, false, "course-"+lang+"-certificate.png")
		})
	}
}

// checkCoursePage opens path on a 320 px phone, as who (nil: signed out), optionally answers the
// quiz on it, and checks axe-core and the width.
func (s *browserSuite) checkCoursePage(t *testing.T, lang, path string, who *auth.User, quiz bool, screenshot string) {
	t.Helper()
	tab := s.tab(t)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	if who != nil {
		token, err := s.server.Auth.StartSession(context.Background(), who)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(s.base)
		httpOnly := true
		if _, err := chromedp.Call(tab, network.SetCookie, network.SetCookieParams{Name: "session", Value: token,
			Domain: u.Hostname(), Path: "/", HTTPOnly: &httpOnly}); err != nil {
			t.Fatal(err)
		}
	}
	s.open(t, tab, path, 200)
	if quiz {
		resp, err := chromedp.RunResponse(tab, chromedp.Click(`#a-q1-b`), chromedp.Click(`#a-q2-a`), chromedp.Click(`form.quiz button[type=submit]`))
		if err != nil {
			t.Fatalf("answering the quiz: %v", err)
		}
		if resp.Status != 200 {
			t.Fatalf("submitting the quiz: status %d", resp.Status)
		}
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("li.result").length`))
		if err != nil || n != 2 {
			t.Fatalf("result page lists %d questions (%v), want 2", n, err)
		}
	}
	f := s.facts(t, tab)
	if f.Lang != lang || f.BodyDirection != browserLanguage(t, lang).Dir {
		t.Errorf("%s: lang %q, direction %q", path, f.Lang, f.BodyDirection)
	}
	res := s.axeRun(t, tab)
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe-core: serious or critical violations on %s:%s", path, axeReport(res.Violations))
			break
		}
	}
	if len(res.Violations) > 0 {
		t.Logf("axe-core on %s:%s", path, axeReport(res.Violations))
	}
	if got := s.pageWidth(t, tab); got.ScrollWidth > 320 {
		t.Errorf("%s is %d px wide on a 320 px phone; across an edge: %v", path, got.ScrollWidth, got.Straddling)
	}
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, screenshot)
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkFirstScreen opens, on a 390 × 844 phone in each language, the catalogue and a lesson of a
// shipped course: the first course's title and the lesson's first paragraph are on the first
// screen, without scrolling, and the language choice is on it too. Every link and button outside
// running text is a target of 24 px at least (WCAG 2.2 target size), on the lesson and on the
// quiz (radio buttons and checkboxes included), and each quiz question, however long, stays inside
// its box.
func (s *browserSuite) checkFirstScreen(t *testing.T, learner *auth.User) {
	sources, problems := course.LoadAll(content.FS, courseweb.LessonSlugsTaken)
	if len(problems) > 0 {
		t.Fatalf("shipped content: %v", problems)
	}
	if _, err := s.server.Courses.Import(context.Background(), sources); err != nil {
		t.Fatal(err)
	}
	const lesson = "/courses/regulating-ai-in-telecoms/what-ai-means-for-telecoms"
	const quiz = "/courses/regulating-ai-in-telecoms/quizzes/ai-opportunities"
	phone := func() context.Context {
		tab := s.tab(t)
		if err := chromedp.Do(tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		return tab
	}
	below := func(tab context.Context, selector string) float64 {
		t.Helper()
		y, err := chromedp.Run(tab, chromedp.Evaluate[float64](`document.querySelector(`+strconv.Quote(selector)+`).getBoundingClientRect().top`))
		if err != nil {
			t.Fatalf("%s: %v", selector, err)
		}
		return y
	}
	for _, lang := range i18n.Languages {
		tab := phone()
		s.open(t, tab, "/"+lang.Tag+"/courses", 200)
		bottom, err := chromedp.Run(tab, chromedp.Evaluate[float64](`document.querySelector(".courses .card h2").getBoundingClientRect().bottom`))
		if err != nil {
			t.Fatal(err)
		}
		if bottom > 844 {
			t.Errorf("%s: the first course's title ends %.0f px down, below a 390 × 844 phone's first screen", lang.Tag, bottom)
		}
		if y := below(tab, "nav.langs a"); y > 844 {
			t.Errorf("%s: the language choice starts %.0f px down, off the first screen", lang.Tag, y)
		}

		s.open(t, tab, "/"+lang.Tag+lesson, 200)
		// Three lines of the first paragraph, at least, before the fold.
		if y := below(tab, "article.lesson .prose p"); y > 844-3*28 {
			t.Errorf("%s: the lesson's first paragraph starts %.0f px down, not on a 390 × 844 phone's first screen", lang.Tag, y)
		}
		s.checkTargets(t, tab, lang.Tag+" lesson")
	}
	tab := phone()
	token, err := s.server.Auth.StartSession(context.Background(), learner)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(s.base)
	if _, err := chromedp.Call(tab, network.SetCookie, network.SetCookieParams{Name: "session", Value: token, Domain: u.Hostname(), Path: "/"}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/en/courses/ai-basics/quizzes/basics", "/zh" + quiz, "/ar" + quiz, "/ru" + quiz} {
		s.open(t, tab, path, 200)
		s.checkTargets(t, tab, path)
		outside, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".quiz fieldset")].filter(f => {
			const l = f.querySelector("legend").getBoundingClientRect(), b = f.getBoundingClientRect();
			const w = document.querySelector("main").getBoundingClientRect();
			return l.left < b.left - 0.5 || l.right > b.right + 0.5 || b.left < w.left - 0.5 || b.right > w.right + 0.5;
		}).map(f => f.querySelector("legend").textContent.slice(0, 60))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(outside) > 0 {
			t.Errorf("%s: questions stick out of their box on a 390 px phone: %q", path, outside)
		}
	}
}

// checkTargets fails for every link, button, radio button or checkbox on the page in tab that is
// less than 24 px high or wide, but for links in running text (lesson prose, sentences), which
// WCAG 2.2's target size lets be as small as the text.
func (s *browserSuite) checkTargets(t *testing.T, tab context.Context, what string) {
	t.Helper()
	small, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href], button, input[type=radio], input[type=checkbox], summary")]
		.filter(e => { const p = e.closest("p, li.result"); return !e.closest(".prose") && !(p && p.textContent.trim().length > e.textContent.trim().length + 12); })
		.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.height < 24 || r.width < 24); })
		.map(e => { const r = e.getBoundingClientRect(); return (e.textContent.trim().slice(0, 30) || e.outerHTML.slice(0, 60)) + " " + r.width.toFixed(0) + "×" + r.height.toFixed(0); })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(small) > 0 {
		t.Errorf("%s: targets smaller than 24 × 24 px on a 390 px phone: %q", what, small)
	}
}
