package courseweb_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"capacityhub/content"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/courseweb"
	"capacityhub/internal/web/webtest"
)

// The whole way a regulator goes, in Arabic, French, Chinese and Russian, on her first day, through the pages alone (forms, links,
// redirects: what a browser without JavaScript does) on the courses that ship with the portal:
// register, enrol, read and mark every lesson, fail a quiz and pass it, pass them all, and end
// with a certificate that anyone can verify, on the page and through the API.
func TestLearnerJourneyToVerifiedCertificate(t *testing.T) {
	t.Parallel()
	sources, problems := course.LoadAll(content.FS, courseweb.LessonSlugsTaken)
	if len(problems) > 0 {
		t.Fatalf("shipped content does not check: %v", problems)
	}
	const slug = "ai-spectrum-management"
	i := slices.IndexFunc(sources, func(s course.Source) bool { return s.Slug == slug })
	if i < 0 {
		t.Fatalf("no course %s among the shipped ones", slug)
	}
	src := sources[i]
	certLink := regexp.MustCompile(`href="/certificates/([A-Za-z0-9_-]+)"`)

	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		if _, err := srv.Courses.Import(context.Background(), sources); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ lang, name, email, country string }{
			{"ar", "ليلى حداد", "layla@example.org", "JO"},
			{"fr", "Aïssatou Ndiaye", "aissatou@example.org", "SN"},
			{"zh", "王芳", "wang.fang@example.org", "CN"},
			{"ru", "Айгуль Сапарова", "aigul@example.org", "KZ"},
		} {
			t.Run(tc.lang, func(t *testing.T) {
				lang, b := tc.lang, srv.Browser(t)
				base := "/" + lang + "/courses/" + slug

				resp, body := b.Submit("/"+lang+"/register", "/"+lang+"/register", url.Values{"email": {tc.email},
					"password": {webtest.Password}, "name": {tc.name}, "country": {tc.country}, "language": {lang}})
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/"+lang+"/me?done=registered" {
					t.Fatalf("registration: %d to %q\n%.2000s", resp.StatusCode, resp.Header.Get("Location"), body)
				}
				// NB: a learner on her first day who clicks through the whole course in a few
				// seconds: progress is not throttled like posting (issue 9).

				resp, body = b.Get(base)
				webtest.WantPage(t, "course page", resp, body, 200, []string{`<html lang="` + lang + `"`, src.Title[lang], `action="` + base + `/enrollment"`})
				if resp, _ := b.Submit(base, base+"/enrollment", nil); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("enrolment: %d", resp.StatusCode)
				}

				var cert string
				for mi, m := range src.Modules {
					for _, l := range m.Lessons {
						lesson := base + "/" + l.Slug
						resp, body := b.Get(lesson)
						webtest.WantPage(t, "lesson "+l.Slug, resp, body, 200, []string{l.Title[lang]}, webtest.PageText(t, lang, "course.fallback.lesson"))
						if resp, _ := b.Submit(lesson, lesson+"/done", nil); resp.StatusCode != http.StatusSeeOther {
							t.Fatalf("marking %s done: %d", l.Slug, resp.StatusCode)
						}
					}
					quiz := base + "/quizzes/" + m.Slug
					wrong, right := url.Values{}, url.Values{}
					for _, q := range m.Quiz.Questions {
						right["answers."+q.ID] = q.Correct
						for _, c := range q.Choices {
							if !slices.Contains(q.Correct, c) {
								wrong.Set("answers."+q.ID, c)
								break
							}
						}
					}
					if mi == 0 { // one failed attempt first: kept, and no way round the pass mark
						resp, body := b.SubmitAndFollow(quiz, quiz, wrong)
						webtest.WantPage(t, "failed attempt", resp, body, 200, []string{webtest.PageText(t, lang, "quiz.result.failed")}, webtest.PageText(t, lang, "quiz.result.passed_text"))
					}
					resp, body := b.SubmitAndFollow(quiz, quiz, right)
					webtest.WantPage(t, "passing attempt "+m.Slug, resp, body, 200, []string{webtest.PageText(t, lang, "quiz.result.passed_text")})
					last := mi == len(src.Modules)-1
					if m := certLink.FindStringSubmatch(body); m != nil {
						if !last {
							t.Fatalf("a certificate after quiz %d of %d", mi+1, len(src.Modules))
						}
						cert = m[1]
					}
				}
				if cert == "" {
					t.Fatal("no certificate link after the last quiz")
				}

				// Anyone verifies it: the page in the learner's language, the API, the printable page.
				resp, body = srv.Get(t, "/certificates/"+cert+"?lang="+lang)
				webtest.WantPage(t, "verification page", resp, body, 200, []string{`<html lang="` + lang + `"`, webtest.PageText(t, lang, "cert.valid"), tc.name, src.Title[lang]})
				resp, body = webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/certificates/"+cert+"?lang="+lang, "", nil)
				var c courseweb.CertificateJSON
				if err := json.Unmarshal([]byte(body), &c); err != nil || resp.StatusCode != 200 || !c.Valid || c.Name != tc.name ||
					c.Course.Slug != slug || c.Course.Title != src.Title[lang] || !strings.HasSuffix(c.URL, "/certificates/"+cert) {
					t.Errorf("API verification: %d %s", resp.StatusCode, body)
				}
				resp, body = b.Get("/" + lang + "/certificates/" + cert + "/print")
				webtest.WantPage(t, "printable certificate", resp, body, 200, []string{tc.name, src.Title[lang]})
				resp, body = b.Get("/" + lang + "/me")
				webtest.WantPage(t, "my courses", resp, body, 200, []string{`href="/certificates/` + cert + `"`, webtest.PageText(t, lang, "me.courses.completed")})
			})
		}
	})
}
