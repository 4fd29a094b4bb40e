package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

var (
	resendAction = regexp.MustCompile(`(?s)<form id="resend" method="post" action="([^"]*)">(.*?)</form>`)
	hiddenInput  = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	secretInput  = regexp.MustCompile(`<input id="[^"]*" name="([^"]*)" type="password"`)
)

// resendForm reads the form of a "send this form again" page: its action, the values it sends
// back (the CSRF token among them) and the secrets it asks for again.
func resendForm(t *testing.T, body string) (action string, values url.Values, secrets []string) {
	t.Helper()
	m := resendAction.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form to send again in the page:\n%.2000s", body)
	}
	values = url.Values{}
	for _, h := range hiddenInput.FindAllStringSubmatch(m[2], -1) {
		values.Add(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	for _, s := range secretInput.FindAllStringSubmatch(m[2], -1) {
		secrets = append(secrets, s[1])
	}
	return html.UnescapeString(m[1]), values, secrets
}

// A quiz answered in a form that expired meanwhile (she signed out and in again in another tab)
// is not thrown away: the page says so in a line and sends the same answers again with one tap,
// and the attempt is kept as answered.
func TestExpiredQuizFormKeepsTheAnswers(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ts := webtest.New(t, webtest.On(engine))
		ts.ImportFS(t, webtest.PageCourses)
		u := ts.CreateUser(t, "amina@example.org", "Amina Diallo")
		ts.AgeAccount(t, u)
		b := ts.SignInBrowser(t, "amina@example.org", webtest.Password)
		b.Header.Set("Sec-Fetch-Site", "same-origin") // as every browser of today sends with a form
		const quiz = "/ar/courses/ai-basics/quizzes/basics"
		stale := b.FormToken(quiz)
		// In another tab, she signs out and in again: the quiz form's token is now stale.
		b.Submit("/ar/me", "/ar/logout", url.Values{})
		b.Submit("/ar/login", "/ar/login", url.Values{"email": {"amina@example.org"}, "password": {webtest.Password}})

		answers := url.Values{"answers.q1": {"b"}, "answers.q2": {"a", "c"}, "csrf_token": {stale}}
		resp, body := b.Post(quiz, answers)
		webtest.WantPage(t, "expired quiz form", resp, body, http.StatusForbidden,
			[]string{webtest.PageText(t, "ar", "error.csrf.title"), webtest.PageText(t, "ar", "error.csrf.submit")},
			webtest.PageText(t, "ar", "error.forbidden.text"))
		action, values, secrets := resendForm(t, body)
		if action != quiz || len(secrets) != 0 || values.Get("answers.q1") != "b" || strings.Join(values["answers.q2"], ",") != "a,c" {
			t.Fatalf("the form to send again: %s %v (secrets %v), want the same answers to %s", action, values, secrets, quiz)
		}
		resp, body = b.Post(action, values)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answers sent again: %d, want 303 to the result: %.500s", resp.StatusCode, body)
		}
		resp, body = b.Get(resp.Header.Get("Location"))
		webtest.WantPage(t, "result of the answers sent again", resp, body, http.StatusOK,
			[]string{webtest.PageText(t, "ar", "quiz.result.passed_text")})
	})
}

// A form from another site is refused with no form to send again: an attack must not come back
// as a form of this site, with a valid token, one tap from sent.
func TestCrossSiteFormIsNotOfferedAgain(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t)
	for _, headers := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}, nil} {
		b := ts.Browser(t)
		b.Get("/en/")
		resp, body := b.Post("/en/me", url.Values{"name": {"Mallory"}, "csrf_token": {"forged"}}, headers...)
		webtest.WantPage(t, "cross-site form", resp, body, http.StatusForbidden, nil, `id="resend"`, "Mallory")
	}
}

// A registration form whose token expired (its cookie gone, as after the browser was closed)
// comes back with everything typed kept, and asks again only for the password, which no page
// ever holds.
func TestExpiredRegistrationAsksOnlyForThePassword(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t)
	b := ts.Browser(t)
	b.Header.Set("Sec-Fetch-Site", "same-origin")
	token := b.FormToken("/zh/register")
	delete(b.Cookies, "csrf")
	form := url.Values{"email": {"wei.zhang@example.org"}, "password": {webtest.Password}, "name": {"张伟"},
		"country": {"CN"}, "language": {"zh"}, "organization": {"工业和信息化部"}, "csrf_token": {token}}
	resp, body := b.Post("/zh/register", form)
	webtest.WantPage(t, "expired registration", resp, body, http.StatusForbidden,
		[]string{webtest.PageText(t, "zh", "error.csrf.text"), "工业和信息化部", "wei.zhang@example.org"}, webtest.Password)
	action, values, secrets := resendForm(t, body)
	if len(secrets) != 1 || secrets[0] != "password" || values.Get("name") != "张伟" {
		t.Fatalf("the form to send again keeps %v and asks for %v, want everything but the password kept", values, secrets)
	}
	values.Set("password", webtest.Password)
	if resp, body := b.Post(action, values); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("registration sent again: %d, want 303: %.500s", resp.StatusCode, body)
	}
	webtest.WantSignedIn(t, b, "wei.zhang@example.org", "after the registration was sent again")
}

// A form refused for rate (a new account changing its profile again and again) comes back with
// what it held and says when to send it again, instead of a page with only a link home.
func TestFormRefusedForRateKeepsItsInput(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t)
	ts.CreateUser(t, "amina@example.org", "Amina Diallo")
	b := ts.SignInBrowser(t, "amina@example.org", webtest.Password)
	b.Header.Set("Sec-Fetch-Site", "same-origin")
	token := b.FormToken("/fr/me")
	for i := range 100 {
		name := "Amina Diallo " + strings.Repeat("I", i%5+1)
		resp, body := b.Post("/fr/me", url.Values{"name": {name}, "language": {"fr"}, "country": {"SN"}, "csrf_token": {token}})
		if resp.StatusCode == http.StatusSeeOther {
			continue
		}
		wait := resp.Header.Get("Retry-After")
		webtest.WantPage(t, "profile form refused for rate", resp, body, http.StatusTooManyRequests,
			[]string{webtest.PageText(t, "fr", "error.too_many.form", map[string]any{"Seconds": wait})})
		action, values, _ := resendForm(t, body)
		if action != "/fr/me" || values.Get("name") != name {
			t.Fatalf("the form to send again: %s %v, want the profile with name %q", action, values, name)
		}
		t.Logf("refused after %d changes; told to wait %s s", i, wait)
		return
	}
	t.Fatal("100 profile changes in a row by a new account, none refused")
}
