package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"capacityhub/content"
	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/web/webtest"
)

// nuTimeout bounds the one run of the checker over every page: a JVM start (a few seconds) and
// the checking, on a shared CI machine.
const nuTimeout = 3 * time.Minute

// nuPage is one page as the server sent it, to be checked.
type nuPage struct {
	name string // what the failure names: the address, and how it was reached when that matters
	html string
}

// nuMessage is one finding of the Nu HTML Checker (its --format json).
type nuMessage struct {
	Type     string `json:"type"` // "error", or "non-document-error" when it could not check the file
	URL      string `json:"url"`  // file:/…/007.html
	LastLine int    `json:"lastLine"`
	FirstCol int    `json:"firstColumn"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
}

// TestHTMLValid runs the W3C Nu HTML Checker (vnu.jar, from .tools/node_modules/vnu-jar) over
// every key page in English and Arabic, as the server renders them for an anonymous visitor, a
// learner and an administrator: home, catalogue, every course, lesson and quiz page (of the
// fixture courses and of the courses shipped in content/), a quiz result, the learning paths, the
// certificates, the account forms blank and with their errors, the account page (also during
// two-step verification set-up), the administration pages and the error page. It fails on every
// error, naming the page, the line and the message; warnings are not errors. A deliberately
// broken page goes through the same run and must be reported, so that a checker that checks
// nothing cannot pass. All pages go to one JVM, which is most of the test's time.
//
// It needs java (apt-get install default-jre-headless) and .tools/node_modules (npm ci --prefix
// .tools --ignore-scripts, or make test); without them it skips, or fails when CI=true.
func TestHTMLValid(t *testing.T) {
	t.Parallel()
	java, jar := nuFindChecker(t)
	pages := nuCollectPages(t)

	// The self-check: a real page with a div where only list items may stand.
	home := pages[0]
	if !strings.Contains(home.html, "</main>") {
		t.Fatalf("%s has no </main> to break", home.name)
	}
	broken := nuPage{name: "self-check: " + home.name + " with a div inside a ul",
		html: strings.Replace(home.html, "</main>", `<ul><div id="nu-self-check">x</div></ul></main>`, 1)}
	pages = append(pages, broken)

	found := nuCheck(t, java, jar, pages)

	caught := false
	for _, m := range found[broken.name] {
		caught = caught || (m.Type == "error" && strings.Contains(m.Message, "“div” not allowed as child of element “ul”"))
	}
	if !caught {
		t.Errorf("the Nu checker did not report the div inside a ul (it said %+v): the HTML check is not working",
			found[broken.name])
	}
	delete(found, broken.name)
	for _, p := range pages {
		for _, m := range found[p.name] {
			t.Errorf("%s: line %d, column %d: %s: %s\n    %s", p.name, m.LastLine, m.FirstCol, m.Type, m.Message, m.Extract)
		}
	}
	t.Logf("Nu HTML Checker: %d pages checked", len(pages)-1)
}

// nuFindChecker returns java and the path of vnu.jar.
func nuFindChecker(t *testing.T) (java, jar string) {
	t.Helper()
	java, err := exec.LookPath("java")
	if err != nil {
		browserMissing(t, "java is not installed (apt-get install default-jre-headless): the Nu HTML Checker cannot run")
	}
	jar = toolPath(t, "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); errors.Is(err, os.ErrNotExist) {
		browserMissing(t, "the Nu HTML Checker is not installed: %s is missing (run `npm ci --prefix .tools --ignore-scripts`, or make test)", jar)
	} else if err != nil {
		t.Fatal(err)
	}
	return java, jar
}

// nuCheck writes the pages to files and runs the checker once over all of them. It returns the
// errors by page name; a page without errors has no entry.
func nuCheck(t *testing.T, java, jar string, pages []nuPage) map[string][]nuMessage {
	t.Helper()
	dir := t.TempDir()
	byFile := map[string]string{} // file name -> page name
	args := []string{"-jar", jar, "--format", "json", "--errors-only", "--stdout"}
	for i, p := range pages {
		file := fmt.Sprintf("%03d.html", i)
		if _, dup := byFile[file]; dup {
			t.Fatalf("two pages written to %s", file)
		}
		byFile[file] = p.name
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, []byte(p.html), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), nuTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // exit status 1 when it found errors: the report says which
	var report struct {
		Messages []nuMessage `json:"messages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("running the Nu HTML Checker: %v (%v)\nstdout: %s\nstderr: %s", runErr, err, stdout.String(), stderr.String())
	}
	if runErr != nil && len(report.Messages) == 0 {
		t.Fatalf("the Nu HTML Checker failed without a finding: %v\nstderr: %s", runErr, stderr.String())
	}
	found := map[string][]nuMessage{}
	for _, m := range report.Messages {
		name, ok := byFile[filepath.Base(m.URL)]
		if !ok {
			t.Errorf("a finding about no page of ours (%s): %s", m.URL, m.Message)
			continue
		}
		found[name] = append(found[name], m)
	}
	return found
}

// nuCollectPages sets the scene (courses, a learning path, a certificate, a learner, one setting
// up two-step verification, an administrator) and fetches every key page in English and Arabic.
// The first page is the English home page.
func nuCollectPages(t *testing.T) []nuPage {
	t.Helper()
	ctx := context.Background()
	srv := webtest.New(t)
	srv.ImportFS(t, webtest.PageCourses)
	srv.ImportFS(t, content.FS)
	cs := srv.Courses
	register := func(email, name string, roles ...auth.Role) *auth.User {
		u, err := srv.Auth.Register(ctx, auth.Registration{Email: email, Password: webtest.Password, Roles: roles,
			Profile: auth.Profile{Name: name, Country: "JO", Language: "ar"}})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	learner := register("nu-learner@example.org", "ليلى حداد")
	enrolling := register("nu-enrolling@example.org", "Ana Souza")
	admin := register("nu-admin@example.org", "Kofi Mensah", auth.RoleAdmin)
	srv.EnrolMFA(t, admin) // staff pages are closed to staff without it
	if _, err := srv.Auth.StartMFA(ctx, enrolling); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CompleteLesson(ctx, learner, "ai-basics", "what-is-ai"); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"data", "in-practice"} {
		if _, err := cs.CompleteLesson(ctx, learner, "ai-basics", l); err != nil {
			t.Fatal(err)
		}
	}
	a, err := cs.SubmitAttempt(ctx, learner, "ai-basics", "basics", "en", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}})
	if err != nil || a.Progress.CertificateID == "" {
		t.Fatalf("no certificate: %v", err)
	}
	cert := a.Progress.CertificateID
	if err := cs.SaveCurriculum(ctx, admin, course.CurriculumInput{Slug: "nu-path",
		Title:   map[string]string{"en": "Path for regulators", "ar": "مسار للجهات التنظيمية"},
		Courses: []string{"ai-basics", "ai-governance"}}, true); err != nil {
		t.Fatal(err)
	}

	type visitor struct {
		who string // in the page's name: whose view it is
		b   *webtest.Browser
	}
	browser := func(who string, u *auth.User) visitor {
		b := srv.Browser(t)
		if u != nil {
			token, err := srv.Auth.StartSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			b.Cookies["session"] = &http.Cookie{Name: "session", Value: token}
		}
		return visitor{who: who, b: b}
	}
	anonymous, asLearner := browser("anonymous", nil), browser("learner", learner)
	asEnrolling, asAdmin := browser("learner setting up two-step verification", enrolling), browser("admin", admin)

	var pages []nuPage
	seen := map[string]bool{}
	add := func(name string, resp *http.Response, body string, status int) {
		t.Helper()
		if resp.StatusCode != status {
			t.Fatalf("%s: status %d, want %d", name, resp.StatusCode, status)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("%s: Content-Type %q, want an HTML page", name, ct)
		}
		pages = append(pages, nuPage{name: name, html: body})
		seen[name] = true
	}
	get := func(v visitor, path string, status int) {
		t.Helper()
		name := "GET " + path + " (" + v.who + ")"
		if seen[name] {
			return
		}
		resp, body := v.b.Get(path)
		add(name, resp, body, status)
	}
	submit := func(v visitor, what, page string, form url.Values, status int) {
		t.Helper()
		resp, body := v.b.SubmitAndFollow(page, page, form)
		add(what+" on "+page+" ("+v.who+")", resp, body, status)
	}
	for _, lang := range []string{"en", "ar"} {
		l := "/" + lang
		get(anonymous, l+"/", 200)
		get(anonymous, l+"/courses", 200)
		get(anonymous, l+"/courses?q=spectrum", 200)
		get(anonymous, l+"/courses/ai-basics", 200)
		get(asLearner, l+"/courses/ai-basics", 200)
		get(asLearner, l+"/courses/ai-basics/what-is-ai", 200)
		get(asLearner, l+"/courses/ai-basics/data", 200) // falls back to English, with a notice
		get(anonymous, l+"/courses/ai-basics/quizzes/basics", 200)
		get(asLearner, l+"/courses/ai-basics/quizzes/basics", 200)
		submit(asLearner, "the result of a quiz", l+"/courses/ai-basics/quizzes/basics",
			url.Values{"answers.q1": {"a"}, "answers.q2": {"a", "c"}}, 200)
		get(anonymous, l+"/courses/ai-basics/offline", 200)
		get(anonymous, l+"/curricula", 200)
		get(asLearner, l+"/curricula/nu-path", 200)
		get(anonymous, l+"/certificates", 200)
		get(anonymous, l+"/certificates?number=not-a-number", 422)
		get(anonymous, l+"/certificates/"+cert+"/print", 200)
		get(anonymous, "/certificates/"+cert+"?lang="+lang, 200)
		get(anonymous, l+"/questions", 200)
		get(anonymous, l+"/forums", 200)
		get(anonymous, l+"/register", 200)
		submit(browser("anonymous", nil), "an empty registration", l+"/register", url.Values{}, 422)
		get(anonymous, l+"/login", 200)
		submit(browser("anonymous", nil), "a wrong password", l+"/login",
			url.Values{"email": {"nu-learner@example.org"}, "password": {"not the password"}}, 401)
		get(anonymous, l+"/login/code", 200)
		get(anonymous, l+"/password/forgot", 200)
		get(asLearner, l+"/me", 200)
		get(asEnrolling, l+"/me", 200) // with the QR code and the key
		get(asAdmin, l+"/me", 200)
		get(asAdmin, l+"/admin/users", 200)
		get(asAdmin, l+"/admin/audit", 200)
		get(asAdmin, l+"/admin/courses", 200)
		get(asAdmin, l+"/admin/curricula", 200)
		get(asAdmin, l+"/admin/curricula/new", 200)
		get(asAdmin, l+"/admin/curricula/nu-path/edit", 200)
		get(anonymous, l+"/no-such-page", 404)
		get(anonymous, l+"/courses/no-such-course", 404)
		// Every course the catalogue lists, shipped ones included, with its lessons and quizzes:
		// the HTML the Markdown of the real courses becomes is checked too.
		resp, body := webtest.Get(t, srv.App, "/api/v1/courses?limit=100&lang="+lang)
		list := webtest.WantJSON[struct {
			Items []struct{ Slug string } `json:"items"`
		}](t, resp, body, 200)
		if len(list.Items) < 3 {
			t.Fatalf("the catalogue lists %d courses, want the fixtures and the shipped ones", len(list.Items))
		}
		for _, c := range list.Items {
			resp, body := webtest.Get(t, srv.App, "/api/v1/courses/"+c.Slug+"?lang="+lang)
			d := webtest.WantJSON[struct {
				Modules []struct {
					Lessons []struct{ Slug string } `json:"lessons"`
					Quiz    *struct{ Slug string }  `json:"quiz"`
				} `json:"modules"`
			}](t, resp, body, 200)
			base := l + "/courses/" + c.Slug
			get(asLearner, base, 200)
			for _, m := range d.Modules {
				for _, ls := range m.Lessons {
					get(asLearner, base+"/"+ls.Slug, 200)
				}
				if m.Quiz != nil {
					get(asLearner, base+"/quizzes/"+m.Quiz.Slug, 200)
				}
			}
		}
	}
	return pages
}
