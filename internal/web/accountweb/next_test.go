package accountweb_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

var registerLink = regexp.MustCompile(`href="(/en/register\?next=[^"]*)"`)

// A visitor on a course page who follows "sign in", then "register", lands back on the course
// once registered; and the language switcher on the way keeps where she was going.
func TestRegistrationGoesBackWhereTheReaderWas(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t)
	ts.ImportCourses(t, webtest.RadioBasics)
	b := ts.Browser(t)
	_, body := b.Get(site.SignInURL("en", "/courses/radio-basics"))
	m := registerLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link to register on the sign-in page:\n%.2000s", body)
	}
	register := html.UnescapeString(m[1])
	if !strings.Contains(register, "next=%2Fen%2Fcourses%2Fradio-basics") {
		t.Fatalf("the link to register %q forgets where the reader was going", register)
	}
	_, body = b.Get(register)
	if want := html.EscapeString("/fr/register?next=%2Ffr%2Fcourses%2Fradio-basics"); !strings.Contains(body, want) {
		t.Errorf("the language switcher of the registration page does not keep where she was going (%s)", want)
	}
	resp, body := b.Submit(register, register, url.Values{"email": {"amina@example.org"}, "password": {webtest.Password},
		"name": {"Amina Diallo"}, "country": {"SN"}, "language": {"en"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/courses/radio-basics" {
		t.Fatalf("registered: %d to %q, want 303 back to the course: %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	webtest.WantSignedIn(t, b, "amina@example.org", "after registering")
	// An address elsewhere is not followed.
	b2 := ts.Browser(t)
	resp, _ = b2.Submit("/en/register?next=https://evil.example/", "/en/register?next=https://evil.example/",
		url.Values{"email": {"omar@example.org"}, "password": {webtest.Password}, "name": {"Omar Haddad"}, "country": {"JO"}, "language": {"en"}})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/en/me") {
		t.Errorf("registered with next elsewhere: sent to %q, want the account page", loc)
	}
}
