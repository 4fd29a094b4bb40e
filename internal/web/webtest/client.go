package webtest

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/web/site"
)

// Browser is one browser in front of app.Test: it keeps the cookies the server sets and sends
// them back. Every cookie of this site is Path=/ on one host, so names are enough.
type Browser struct {
	t       testing.TB
	app     *fiber.App
	Cookies map[string]*http.Cookie
	Header  http.Header // sent with every request
}

// NewBrowser is a browser with no cookies yet.
func NewBrowser(t testing.TB, a *fiber.App) *Browser {
	return &Browser{t: t, app: a, Cookies: map[string]*http.Cookie{}, Header: http.Header{}}
}

// Browser is a new browser in front of the server.
func (s *Server) Browser(t testing.TB) *Browser { return NewBrowser(t, s.App) }

// Send sends req with the jar's cookies and stores what the answer sets. A cookie set with
// Max-Age=0 (or an expiry in the past) is dropped, as a browser would drop it.
func (b *Browser) Send(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	for k, vs := range b.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for _, c := range b.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, body := Do(b.t, b.app, req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(b.Cookies, c.Name)
			continue
		}
		b.Cookies[c.Name] = c
	}
	return resp, body
}

// Get opens path.
func (b *Browser) Get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.Send(httptest.NewRequest(http.MethodGet, path, nil))
}

// Post sends form as an HTML form would, exactly as given (no token added), with the given
// header name, value pairs.
func (b *Browser) Post(path string, form url.Values, headers ...string) (*http.Response, string) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.Send(req)
}

// FormToken opens page and returns the CSRF token of its forms.
func (b *Browser) FormToken(page string) string {
	b.t.Helper()
	resp, body := b.Get(page)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: status %d, want 200 (a page with a form)", page, resp.StatusCode)
	}
	return CSRFTokenIn(b.t, body)
}

// Submit fills in the form of page, as a reader would: it opens the page, takes its token and
// posts form to action.
func (b *Browser) Submit(page, action string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	token := b.FormToken(page)
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(site.CSRFField, token)
	return b.Post(action, f)
}

// SubmitAndFollow is Submit, then the GET a 303 answer points to, as a browser does.
func (b *Browser) SubmitAndFollow(page, action string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, body := b.Submit(page, action, form)
	if resp.StatusCode != http.StatusSeeOther {
		return resp, body
	}
	return b.Get(resp.Header.Get("Location"))
}

// Session is the value of the session cookie in the jar, "" when there is none.
func (b *Browser) Session() string {
	for _, name := range []string{"session", "__Host-session"} {
		if c := b.Cookies[name]; c != nil {
			return c.Value
		}
	}
	return ""
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// CSRFTokenIn is the CSRF token of the forms in a page.
func CSRFTokenIn(t testing.TB, body string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(body)
	if m == nil || m[1] == "" {
		t.Fatalf("no CSRF token in the page:\n%s", body)
	}
	return m[1]
}

// SignInBrowser signs in through the form and returns the browser, now holding a session. An
// account the helpers enrolled in two-step verification answers the code form too.
func (s *Server) SignInBrowser(t testing.TB, email, password string) *Browser {
	t.Helper()
	b := s.Browser(t)
	resp, body := b.Submit("/en/login", "/en/login", url.Values{"email": {email}, "password": {password}})
	status, to := resp.StatusCode, resp.Header.Get("Location")
	if status == http.StatusSeeOther && strings.HasPrefix(to, "/en/login/code") {
		resp, body = s.CompleteSignIn(t, b, email, to)
		status, to = resp.StatusCode, resp.Header.Get("Location")
	}
	if status != http.StatusSeeOther || to != "/en/me" {
		t.Fatalf("sign-in as %s: %d to %q, want 303 to /en/me\n%s", email, status, to, body)
	}
	if b.Session() == "" {
		t.Fatal("sign-in set no session cookie")
	}
	return b
}

// CallAPI sends a JSON API request; body is sent as is when it is a string, else as JSON.
func CallAPI(t testing.TB, a *fiber.App, method, path, bearer string, body any) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(j))
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return Do(t, a, req)
}

// Tokens are the answer of /auth/token and /auth/refresh.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// SignInAPI gets a token pair for email and password (and a code, for an account the helpers
// enrolled in two-step verification).
func (s *Server) SignInAPI(t testing.TB, email, password string) Tokens {
	t.Helper()
	in := map[string]string{"email": email, "password": password}
	if otp := s.OTP(t, email); otp != "" {
		in["otp"] = otp
	}
	resp, body := CallAPI(t, s.App, http.MethodPost, "/api/v1/auth/token", "", in)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v1/auth/token as %s: %d %s", email, resp.StatusCode, body)
	}
	var p Tokens
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// WantSignedOut checks that the browser is treated as anonymous: /en/me sends it to sign in.
func WantSignedOut(t testing.TB, b *Browser, who string) {
	t.Helper()
	resp, _ := b.Get("/en/me")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/en/login") {
		t.Errorf("%s: GET /en/me = %d to %q, want 303 to /en/login", who, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// WantSignedIn checks that the browser is signed in as the user with this address.
func WantSignedIn(t testing.TB, b *Browser, email, who string) {
	t.Helper()
	resp, body := b.Get("/en/me")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, html.EscapeString(email)) {
		t.Errorf("%s: GET /en/me = %d, want 200 showing %s", who, resp.StatusCode, email)
	}
}

// WantTokensRevoked checks that neither the access token nor the refresh token works any more.
func WantTokensRevoked(t testing.TB, a *fiber.App, p Tokens, who string) {
	t.Helper()
	if resp, body := CallAPI(t, a, http.MethodGet, "/api/v1/me", p.AccessToken, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: access token still works: %d %s", who, resp.StatusCode, body)
	}
	if resp, body := CallAPI(t, a, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": p.RefreshToken}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: refresh token still works: %d %s", who, resp.StatusCode, body)
	}
}
