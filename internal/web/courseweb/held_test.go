package courseweb_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// checkedChoice matches a quiz choice the page shows selected: its question and choice ids.
var checkedChoice = regexp.MustCompile(`id="a-(q\d+)-([a-z])"[^>]*\bchecked\b`)

// checkedIn lists the choices body shows selected, as "q1=b", sorted (choices are shuffled).
func checkedIn(body string) []string {
	var out []string
	for _, m := range checkedChoice.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+"="+m[2])
	}
	slices.Sort(out)
	return out
}

// A visitor answers a quiz before signing in. Her answers are not scored nor kept on the server,
// but her browser keeps them through registration (or sign-in): back on the quiz she finds them
// selected, sends them, and the attempt is hers. Nothing she ticked is lost.
func TestVisitorAnswersSurviveSigningIn(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		srv.ImportCourses(t, webtest.RadioBasics)
		const quiz = "/en/courses/radio-basics/quizzes/m1"
		right := url.Values{"answers.q1": {"b"}, "answers.q2": {"a", "c"}}
		t.Run("through registration", func(t *testing.T) {
			b := srv.Browser(t)
			resp, body := b.Get(quiz)
			webtest.WantPage(t, "the quiz, to a visitor", resp, body, 200,
				[]string{webtest.PageText(t, "en", "quiz.visitor_hint"), `<button class="button" type="submit">`})

			resp, body = b.Submit(quiz, quiz, right)
			webtest.WantPage(t, "the visitor's answers", resp, body, 200, []string{webtest.PageText(t, "en", "quiz.held"),
				html.EscapeString("/en/login?next=%2Fen%2Fcourses%2Fradio-basics%2Fquizzes%2Fm1"),
				html.EscapeString("/en/register?next=%2Fen%2Fcourses%2Fradio-basics%2Fquizzes%2Fm1")})
			if got := strings.Join(checkedIn(body), " "); got != "q1=b q2=a q2=c" {
				t.Errorf("after sending, the page shows %q selected, want her answers q1=b q2=a q2=c", got)
			}
			if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("a page holding a visitor's answers is cacheable: Cache-Control %q", cc)
			}
			// She comes back to the quiz later, still a visitor: her answers are still there.
			_, body = b.Get(quiz)
			if got := strings.Join(checkedIn(body), " "); got != "q1=b q2=a q2=c" {
				t.Errorf("back on the quiz, %q selected, want her answers", got)
			}

			register := "/en/register?next=" + url.QueryEscape(quiz)
			resp, body = b.Submit(register, register, url.Values{"email": {"nadia@example.org"}, "password": {webtest.Password},
				"name": {"Nadia Benali"}, "country": {"MA"}, "language": {"en"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != quiz {
				t.Fatalf("registered: %d to %q, want 303 back to the quiz: %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
			}
			resp, body = b.Get(quiz)
			// Her answers (right ones) were not scored as a visitor: she has her three attempts.
			webtest.WantPage(t, "the quiz, signed in", resp, body, 200, []string{webtest.PageText(t, "en", "quiz.resumed"),
				webtest.PageText(t, "en", "quiz.attempts_left", map[string]any{"Count": 3, "Max": 3})},
				webtest.PageText(t, "en", "quiz.held"), webtest.PageText(t, "en", "quiz.practice"))
			if got := strings.Join(checkedIn(body), " "); got != "q1=b q2=a q2=c" {
				t.Fatalf("signed in, the quiz shows %q selected, want the answers she gave as a visitor", got)
			}

			resp, _ = b.Submit(quiz, quiz, right)
			to := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(to, quiz+"/attempts/") {
				t.Fatalf("sending the held answers: %d to %q, want the attempt's result", resp.StatusCode, to)
			}
			resp, body = b.Get(to)
			webtest.WantPage(t, "the result", resp, body, 200, []string{webtest.PageText(t, "en", "quiz.result.passed")})
			// Sent, the answers are forgotten: the next try starts blank, as practice.
			_, body = b.Get(quiz)
			if !strings.Contains(body, webtest.PageText(t, "en", "quiz.practice")) {
				t.Error("after passing with the held answers, the quiz does not say it was passed")
			}
			if got := checkedIn(body); len(got) > 0 || strings.Contains(body, webtest.PageText(t, "en", "quiz.resumed")) {
				t.Errorf("after sending, the quiz still shows held answers %v", got)
			}
		})

		t.Run("through sign-in, in Arabic", func(t *testing.T) {
			srv.CreateUser(t, "karim@example.org", "Karim Said")
			b := srv.Browser(t)
			const arQuiz = "/ar/courses/radio-basics/quizzes/m2"
			wrong := url.Values{"answers.q1": {"a"}, "answers.q2": {"b"}}
			resp, body := b.Submit(arQuiz, arQuiz, wrong)
			webtest.WantPage(t, "the visitor's answers in Arabic", resp, body, 200, []string{webtest.PageText(t, "ar", "quiz.held")})
			login := "/ar/login?next=" + url.QueryEscape(arQuiz)
			resp, _ = b.Submit(login, login, url.Values{"email": {"karim@example.org"}, "password": {webtest.Password}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != arQuiz {
				t.Fatalf("signed in: %d to %q, want the quiz", resp.StatusCode, resp.Header.Get("Location"))
			}
			_, body = b.Get(arQuiz)
			if got := strings.Join(checkedIn(body), " "); got != "q1=a q2=b" {
				t.Errorf("signed in, %q selected, want q1=a q2=b", got)
			}
			// Another quiz of the course shows none of them.
			_, body = b.Get("/ar/courses/radio-basics/quizzes/m1")
			if got := checkedIn(body); len(got) > 0 {
				t.Errorf("another quiz shows the held answers %v", got)
			}
		})

		t.Run("answers that do not fit the quiz", func(t *testing.T) {
			b := srv.Browser(t)
			resp, body := b.Submit(quiz, quiz, url.Values{"answers.q9": {"z"}})
			webtest.WantPage(t, "a forged answer", resp, body, http.StatusUnprocessableEntity, []string{webtest.PageText(t, "en", "quiz.error")},
				webtest.PageText(t, "en", "quiz.held"))
			if _, held := b.Cookies["quiz_answers"]; held {
				t.Error("answers that do not fit the quiz were held")
			}
			// A cookie written by hand is only a suggestion: unreadable, it is ignored.
			b.Cookies["quiz_answers"] = &http.Cookie{Name: "quiz_answers", Value: "not*base64"}
			resp, body = b.Get(quiz)
			webtest.WantPage(t, "the quiz with a broken cookie", resp, body, 200, []string{webtest.PageText(t, "en", "quiz.visitor_hint")})
		})
	})
}
