package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"capacityhub/internal/config"
	"capacityhub/internal/web/webtest"
)

// at is a request for path sent to origin's host, as a browser that opened the site there sends it.
func at(method, origin, path string, body string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = strings.TrimPrefix(origin, "http://")
	return req
}

// openAt opens a page at origin and returns its forms' CSRF token.
func openAt(t *testing.T, b *webtest.Browser, origin, path string) string {
	t.Helper()
	_, body := b.Send(at(http.MethodGet, origin, path, ""))
	return webtest.CSRFTokenIn(t, body)
}

// postFrom sends a form to the server as a browser that opened the site at origin would: the
// request goes to origin's host, with Origin and Sec-Fetch-Site as browsers send them.
func postFrom(b *webtest.Browser, origin, path string, form url.Values) (*http.Response, string) {
	req := at(http.MethodPost, origin, path, form.Encode())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.Send(req)
}

// With BASE_URL left at its default, forms work on whichever address the site was opened at:
// localhost, 127.0.0.1, or the laptop's address on the LAN, from a phone. Another site's forms
// are still refused.
func TestFormsWorkAtAnyAddressWithTheDefaultBaseURL(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t)
	for i, origin := range []string{"http://127.0.0.1:8080", "http://192.168.1.20:8080", "http://localhost:8080"} {
		b := ts.Browser(t)
		token := openAt(t, b, origin, "/en/register")
		form := url.Values{"email": {"learner" + string(rune('a'+i)) + "@example.org"}, "password": {webtest.Password},
			"name": {"Amina Diallo"}, "country": {"SN"}, "language": {"en"}, "csrf_token": {token}}
		resp, body := postFrom(b, origin, "/en/register", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("registration at %s: %d, want 303 (registered): %.300s", origin, resp.StatusCode, body)
		}
	}
	b := ts.Browser(t)
	token := b.FormToken("/en/login")
	req := at(http.MethodPost, "http://127.0.0.1:8080", "/en/login",
		url.Values{"email": {"a@example.org"}, "password": {"x"}, "csrf_token": {token}}.Encode())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	if resp, _ := b.Send(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form from another site: %d, want 403", resp.StatusCode)
	}
}

// With BASE_URL set, a form sent from another address is refused with a page that says what is
// wrong and where the site lives, and the log names BASE_URL for the operator.
func TestFormFromAnotherAddressThanBaseURL(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t, webtest.WithConfig(func(c *config.Config) {
		c.BaseURL, _ = url.Parse("https://hub.example.org")
		c.BaseURLSet = true
	}))
	b := ts.Browser(t)
	token := openAt(t, b, "http://192.168.1.20:8080", "/fr/login")
	resp, body := postFrom(b, "http://192.168.1.20:8080", "/fr/login",
		url.Values{"email": {"a@example.org"}, "password": {"x"}, "csrf_token": {token}})
	webtest.WantPage(t, "form from another address", resp, body, http.StatusForbidden,
		[]string{webtest.PageText(t, "fr", "error.origin.title"), "http://192.168.1.20:8080", `href="https://hub.example.org/"`},
		webtest.PageText(t, "fr", "error.forbidden.text"))
	if logs := ts.Logs(); !strings.Contains(logs, "BASE_URL") || !strings.Contains(logs, "192.168.1.20") {
		t.Errorf("the log does not name BASE_URL and the address: %s", logs)
	}
}
