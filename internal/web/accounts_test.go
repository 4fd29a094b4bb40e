package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/db"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
	"capacityhub/locales"
)

// Accounts as a person or a script meets them: registration, the CSRF guard on forms, sessions,
// API tokens, password reset and the escaping of what users type. Everything goes through
// app.Test; the auth service is used only to set the scene (create users) or, where a test says
// so, to look behind the surface.

// Passwords every test account can use: strong enough for the guessability check, and unrelated
// to the test names and addresses.
const (
	acctPassword    = "correct horse battery staple"
	acctNewPassword = "violet lantern river seventeen"
)

// acctBundle is the interface text, to compare what pages and problems say with the translations.
var acctBundle = sync.OnceValues(func() (*i18n.Bundle, error) { return i18n.Load(locales.FS) })

// acctText is the translation of key in language lang, as a page or a problem shows it.
func acctText(t testing.TB, lang, key string, args ...map[string]any) string {
	t.Helper()
	b, err := acctBundle()
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if len(args) > 0 {
		data = args[0]
	}
	return b.Localizer(lang).Tf(key, data)
}

// webClient is one browser in front of app.Test: it keeps the cookies the server sets and sends
// them back. Every cookie of this site is Path=/ on one host, so names are enough.
type webClient struct {
	t       testing.TB
	app     *fiber.App
	cookies map[string]*http.Cookie
	header  http.Header // sent with every request
}

func newWebClient(t testing.TB, app *fiber.App) *webClient {
	return &webClient{t: t, app: app, cookies: map[string]*http.Cookie{}, header: http.Header{}}
}

// send sends req with the jar's cookies and stores what the answer sets. A cookie set with
// Max-Age=0 (or an expiry in the past) is dropped, as a browser would drop it.
func (b *webClient) send(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	for k, vs := range b.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, body := do(b.t, b.app, req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c
	}
	return resp, body
}

func (b *webClient) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.send(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends form as an HTML form would, exactly as given (no token added).
func (b *webClient) post(path string, form url.Values, headers ...string) (*http.Response, string) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.send(req)
}

// formToken opens page and returns the CSRF token of its forms.
func (b *webClient) formToken(page string) string {
	b.t.Helper()
	resp, body := b.get(page)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: status %d, want 200 (a page with a form)", page, resp.StatusCode)
	}
	return csrfTokenIn(b.t, body)
}

// submit fills in the form of page, as a reader would: it opens the page, takes its token and
// posts form to action.
func (b *webClient) submit(page, action string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	token := b.formToken(page)
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set(csrfField, token)
	return b.post(action, f)
}

// session is the value of the session cookie in the jar, "" when there is none.
// submitAndFollow is submit, then the GET a 303 answer points to, as a browser does.
func (b *webClient) submitAndFollow(page, action string, form url.Values) (*http.Response, string) {
	resp, body := b.submit(page, action, form)
	if resp.StatusCode != http.StatusSeeOther {
		return resp, body
	}
	return b.get(resp.Header.Get("Location"))
}

func (b *webClient) session() string {
	for _, name := range []string{"session", "__Host-session"} {
		if c := b.cookies[name]; c != nil {
			return c.Value
		}
	}
	return ""
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

func csrfTokenIn(t testing.TB, body string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(body)
	if m == nil || m[1] == "" {
		t.Fatalf("no CSRF token in the page:\n%s", body)
	}
	return m[1]
}

// callAPI sends a JSON API request; body is sent as is when it is a string, else as JSON.
func callAPI(t testing.TB, app *fiber.App, method, path, bearer string, body any) (*http.Response, string) {
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
	return do(t, app, req)
}

// acctServer is a fresh server on a fresh database of engine: SQLite with the in-process store,
// PostgreSQL with Redis (the scaled-out pairing) when REDIS_URL is set, so that every account test
// over HTTP runs on both kv backends.
func acctServer(t testing.TB, engine db.Dialect) *testServer {
	t.Helper()
	var store kv.Store
	if engine == db.Postgres && os.Getenv("REDIS_URL") != "" {
		store = testenv.Redis(t)
	} else {
		m := kv.NewMemory()
		t.Cleanup(func() { m.Close() })
		store = m
	}
	return newTestServer(t, testenv.Open(t, engine), store, nil)
}

// createUser sets the scene: an account made by the service, with acctPassword.
func createUser(t testing.TB, ts *testServer, email, name string, roles ...auth.Role) *auth.User {
	t.Helper()
	u, err := ts.auth.Register(context.Background(), auth.Registration{Email: email, Password: acctPassword,
		Profile: auth.Profile{Name: name, Country: "KE"}, Roles: roles})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// signInBrowser signs in through the form and returns the browser, now holding a session.
func signInBrowser(t testing.TB, ts *testServer, email, password string) *webClient {
	t.Helper()
	b := newWebClient(t, ts.app)
	resp, body := b.submit("/en/login", "/en/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me" {
		t.Fatalf("sign-in as %s: %d to %q, want 303 to /en/me\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if b.session() == "" {
		t.Fatal("sign-in set no session cookie")
	}
	return b
}

// signInAPI gets a token pair for email and password.
func signInAPI(t testing.TB, app *fiber.App, email, password string) tokenJSON {
	t.Helper()
	resp, body := callAPI(t, app, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": email, "password": password})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /api/v1/auth/token as %s: %d %s", email, resp.StatusCode, body)
	}
	var p tokenJSON
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantSignedOut checks that the browser is treated as anonymous: /en/me sends it to sign in.
func wantSignedOut(t testing.TB, b *webClient, who string) {
	t.Helper()
	resp, _ := b.get("/en/me")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/en/login") {
		t.Errorf("%s: GET /en/me = %d to %q, want 303 to /en/login", who, resp.StatusCode, resp.Header.Get("Location"))
	}
}

// wantSignedIn checks that the browser is signed in as the user with this address.
func wantSignedIn(t testing.TB, b *webClient, email, who string) {
	t.Helper()
	resp, body := b.get("/en/me")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, html.EscapeString(email)) {
		t.Errorf("%s: GET /en/me = %d, want 200 showing %s", who, resp.StatusCode, email)
	}
}

// wantTokensRevoked checks that neither the access token nor the refresh token works any more.
func wantTokensRevoked(t testing.TB, app *fiber.App, p tokenJSON, who string) {
	t.Helper()
	if resp, body := callAPI(t, app, http.MethodGet, "/api/v1/me", p.AccessToken, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: access token still works: %d %s", who, resp.StatusCode, body)
	}
	if resp, body := callAPI(t, app, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": p.RefreshToken}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: refresh token still works: %d %s", who, resp.StatusCode, body)
	}
}

func problemFields(t testing.TB, resp *http.Response, body string) map[string]string {
	t.Helper()
	var p problem
	if err := json.Unmarshal([]byte(body), &p); err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("not a problem+json answer (%s, %v): %s", resp.Header.Get("Content-Type"), err, body)
	}
	// CONTRACT.md: type, title, status and detail, always.
	if p.Type == "" || p.Title == "" || p.Status != resp.StatusCode || p.Detail == "" {
		t.Errorf("problem without type, title, status or detail: %s", body)
	}
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Message
	}
	return out
}

func fieldNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// registrationBody is a valid registration body; edit it per case.
func registrationBody(email string) map[string]any {
	return map[string]any{"email": email, "password": acctPassword, "name": "Amina Diallo", "country": "SN"}
}

func TestRegisterAPI(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Run("created", func(t *testing.T) {
			ts := acctServer(t, engine)
			body := registrationBody("  Amina.Diallo@Example.ORG ")
			body["country"], body["language"], body["organization"] = "sn", "fr", "ARTP Sénégal"
			resp, got := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/register", "", body)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", resp.StatusCode, got)
			}
			if loc := resp.Header.Get("Location"); loc != "/api/v1/me" {
				t.Errorf("Location %q, want /api/v1/me", loc)
			}
			var u userJSON
			if err := json.Unmarshal([]byte(got), &u); err != nil {
				t.Fatal(err)
			}
			if u.ID == "" || u.Email != "amina.diallo@example.org" || u.Name != "Amina Diallo" || u.Country != "SN" ||
				u.Language != "fr" || u.Organization != "ARTP Sénégal" || !slices.Equal(u.Roles, []string{"learner"}) {
				t.Errorf("user %+v, want the registered details with e-mail in lower case and roles [learner]", u)
			}
			if strings.Contains(got, acctPassword) || strings.Contains(got, "argon2") {
				t.Errorf("the answer shows the password or its hash: %s", got)
			}
			// The account works at once, whatever the case of the address typed at sign-in.
			signInAPI(t, ts.app, "AMINA.DIALLO@example.org", acctPassword)
		})

		t.Run("e-mail address taken whatever its case", func(t *testing.T) {
			ts := acctServer(t, engine)
			if resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/register", "", registrationBody("amina@example.org")); resp.StatusCode != http.StatusCreated {
				t.Fatalf("first registration: %d %s", resp.StatusCode, body)
			}
			for _, email := range []string{"amina@example.org", "AMINA@Example.Org", " amina@EXAMPLE.org "} {
				resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/register", "", registrationBody(email))
				if resp.StatusCode != http.StatusConflict {
					t.Errorf("%q: status %d, want 409: %s", email, resp.StatusCode, body)
					continue
				}
				decodeProblem(t, resp, body)
			}
		})

		t.Run("refused", func(t *testing.T) {
			ts := acctServer(t, engine)
			valid, _ := json.Marshal(registrationBody("valid@example.org"))
			invalid, _ := json.Marshal(map[string]any{"email": "not-an-address", "password": "short", "name": " ",
				"country": "XX", "organization_type": "pirates", "language": "tlh"})
			for _, tc := range []struct {
				name        string
				contentType string
				body        string
				status      int
				fields      []string // the fields named by a 422, sorted
			}{
				{"form body is not JSON", "application/x-www-form-urlencoded", "email=a%40example.org", 415, nil},
				{"text/plain is not JSON", "text/plain", string(valid), 415, nil},
				{"no content type", "", string(valid), 415, nil},
				{"malformed JSON", "application/json", `{"email": "a@example.org",`, 400, nil},
				{"two JSON objects", "application/json", `{}{}`, 400, nil},
				{"wrong JSON type", "application/json", `{"email": 42}`, 400, nil},
				{"every missing field named", "application/json", `{}`, 422, []string{"country", "email", "name", "password"}},
				{"every invalid field named", "application/json; charset=utf-8", string(invalid), 422,
					[]string{"country", "email", "language", "name", "organization_type", "password"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/register", strings.NewReader(tc.body))
					if tc.contentType != "" {
						req.Header.Set("Content-Type", tc.contentType)
					}
					resp, body := do(t, ts.app, req)
					if resp.StatusCode != tc.status {
						t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
					}
					decodeProblem(t, resp, body)
					fields := problemFields(t, resp, body)
					if got := fieldNames(fields); !slices.Equal(got, tc.fields) {
						t.Errorf("fields named %v, want %v", got, tc.fields)
					}
					for f, msg := range fields {
						if !strings.Contains(msg, " ") { // a message id such as field.required leaked through
							t.Errorf("field %s: message %q is not a sentence", f, msg)
						}
					}
				})
			}
		})
	})
}

// Problems name each field in the language the request asked for.
func TestRegisterAPIAnswersInRequestLanguage(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	if acctText(t, "fr", "field.required") == acctText(t, "en", "field.required") {
		t.Fatal("field.required is not translated into French: the test could not tell the languages apart")
	}
	for _, tc := range []struct {
		name, query, accept, lang string
	}{
		{"?lang=fr", "?lang=fr", "", "fr"},
		{"?lang=fr beats Accept-Language", "?lang=fr", "ru", "fr"},
		{"Accept-Language", "", "fr-CA,fr;q=0.9", "fr"},
		{"no preference", "", "", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/register"+tc.query, strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			resp, body := do(t, ts.app, req)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			if cl := resp.Header.Get("Content-Language"); cl != tc.lang {
				t.Errorf("Content-Language %q, want %s", cl, tc.lang)
			}
			want := acctText(t, tc.lang, "field.required")
			for field, msg := range problemFields(t, resp, body) {
				if msg != want {
					t.Errorf("%s: message %q, want %q", field, msg, want)
				}
			}
		})
	}
}

// Passwords: any script, any length (never truncated), but not a common one.
func TestRegisterPasswords(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	long := "the quiet harbour lights of Mombasa guide every fishing boat home before the monsoon rains arrive"
	if len(long) <= 72 {
		t.Fatal("the long password must be longer than bcrypt's 72 bytes")
	}
	for i, tc := range []struct {
		name          string
		password      string
		refused       string   // the message key when refused
		wrongPrefixes []string // prefixes that must not sign in
	}{
		{name: "Arabic script", password: "كلمة سر طويلة"},
		{name: "Chinese script, 8 characters", password: "长城万里黄河之水"},
		{name: "long passphrase", password: long, wrongPrefixes: []string{long[:72], long[:64]}},
		{name: "common: password1", password: "password1", refused: "auth.password.common"},
		{name: "common: 12345678", password: "12345678", refused: "auth.password.common"},
		{name: "common: qwertyuiop", password: "qwertyuiop", refused: "auth.password.common"},
		{name: "7 characters", password: "Zq9!xT2", refused: "auth.password.too_short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			email := "user" + string(rune('a'+i)) + "@example.org"
			body := registrationBody(email)
			body["password"] = tc.password
			resp, got := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/register", "", body)
			if tc.refused != "" {
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", resp.StatusCode, got)
				}
				fields := problemFields(t, resp, got)
				want := acctText(t, "en", tc.refused, map[string]any{"Min": 8})
				if len(fields) != 1 || fields["password"] != want {
					t.Errorf("problems %v, want only password: %q", fields, want)
				}
				return
			}
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", resp.StatusCode, got)
			}
			signInAPI(t, ts.app, email, tc.password)
			for _, prefix := range tc.wrongPrefixes {
				resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": email, "password": prefix})
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("signing in with the first %d characters: %d %s, want 401 (the password was truncated)", len(prefix), resp.StatusCode, body)
				}
			}
		})
	}
}

var fieldErrorRE = regexp.MustCompile(`<p class="error" id="([a-z_]+)-error">([^<]*)</p>`)

// formFieldErrors returns the messages shown beside each field of a form page.
func formFieldErrors(body string) map[string]string {
	out := map[string]string{}
	for _, m := range fieldErrorRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

func TestRegisterForm(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	createUser(t, ts, "amina@example.org", "Amina Diallo")
	form := func(email, password, name, country string) url.Values {
		return url.Values{"email": {email}, "password": {password}, "name": {name}, "country": {country}, "language": {"en"}}
	}

	t.Run("created and signed in", func(t *testing.T) {
		b := newWebClient(t, ts.app)
		resp, body := b.submit("/en/register", "/en/register", form("Kofi@Example.org", acctPassword, "Kofi Mensah", "GH"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me?done=registered" {
			t.Fatalf("%d to %q, want 303 to /en/me?done=registered\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, body = b.get("/en/me?done=registered")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /en/me: %d", resp.StatusCode)
		}
		for _, want := range []string{"Kofi Mensah", "kofi@example.org", html.EscapeString(acctText(t, "en", "me.done.registered"))} {
			if !strings.Contains(body, want) {
				t.Errorf("the account page does not show %q", want)
			}
		}
	})

	t.Run("e-mail address taken whatever its case", func(t *testing.T) {
		b := newWebClient(t, ts.app)
		resp, body := b.submit("/en/register", "/en/register", form("AMINA@Example.org", acctPassword, "Another Amina", "SN"))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		errs := formFieldErrors(body)
		if want := acctText(t, "en", "auth.email.taken"); errs["email"] != want || len(errs) != 1 {
			t.Errorf("messages beside fields %v, want only email: %q", errs, want)
		}
		if !strings.Contains(body, `value="Another Amina"`) {
			t.Error("the name typed was not kept")
		}
		if strings.Contains(body, acctPassword) {
			t.Error("the password was sent back in the page")
		}
		if b.session() != "" {
			t.Error("a refused registration started a session")
		}
	})

	t.Run("every invalid field named", func(t *testing.T) {
		b := newWebClient(t, ts.app)
		resp, body := b.submit("/en/register", "/en/register", form("not-an-address", "password1", "", "XX"))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		errs := formFieldErrors(body)
		want := map[string]string{
			"email":    acctText(t, "en", "auth.email.invalid"),
			"password": acctText(t, "en", "auth.password.common"),
			"name":     acctText(t, "en", "field.required"),
			"country":  acctText(t, "en", "auth.country.invalid"),
		}
		for f, msg := range want {
			if errs[f] != msg {
				t.Errorf("beside %s: %q, want %q", f, errs[f], msg)
			}
			if !regexp.MustCompile(`id="` + f + `"[^>]*aria-invalid="true"`).MatchString(body) {
				t.Errorf("field %s is not marked aria-invalid", f)
			}
		}
		if !strings.Contains(body, `value="not-an-address"`) {
			t.Error("the address typed was not kept")
		}
	})
}

// Every state-changing form needs the token of a page this site served to this browser.
func TestFormsNeedCSRF(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	createUser(t, ts, "amina@example.org", "Amina Diallo")
	signIn := url.Values{"email": {"amina@example.org"}, "password": {acctPassword}}
	for _, tc := range []struct {
		name    string
		token   func(t *testing.T, b *webClient) string // "" sends no token
		headers []string
		status  int
	}{
		{name: "no token", token: func(*testing.T, *webClient) string { return "" }, status: 403},
		{name: "made-up token", token: func(*testing.T, *webClient) string { return strings.Repeat("A", 43) }, status: 403},
		{name: "token of another browser", token: func(t *testing.T, _ *webClient) string {
			return newWebClient(t, ts.app).formToken("/en/login")
		}, status: 403},
		{name: "Origin of another site", token: func(_ *testing.T, b *webClient) string { return b.formToken("/en/login") },
			headers: []string{"Origin", "https://evil.example"}, status: 403},
		{name: "Origin with another scheme", token: func(_ *testing.T, b *webClient) string { return b.formToken("/en/login") },
			headers: []string{"Origin", "https://localhost:8080"}, status: 403},
		{name: "Sec-Fetch-Site cross-site", token: func(_ *testing.T, b *webClient) string { return b.formToken("/en/login") },
			headers: []string{"Sec-Fetch-Site", "cross-site"}, status: 403},
		{name: "Sec-Fetch-Site same-site", token: func(_ *testing.T, b *webClient) string { return b.formToken("/en/login") },
			headers: []string{"Sec-Fetch-Site", "same-site"}, status: 403},
		{name: "token from the form", token: func(_ *testing.T, b *webClient) string { return b.formToken("/en/login") }, status: 303},
		{name: "token from the form, same-origin browser", token: func(_ *testing.T, b *webClient) string { return b.formToken("/en/login") },
			headers: []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://localhost:8080"}, status: 303},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newWebClient(t, ts.app)
			b.get("/en/") // a visit first: the browser has its own cookies
			form := url.Values{}
			for k, v := range signIn {
				form[k] = v
			}
			if token := tc.token(t, b); token != "" {
				form.Set(csrfField, token)
			}
			resp, body := b.post("/en/login", form, tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == http.StatusForbidden {
				if !strings.Contains(body, html.EscapeString(acctText(t, "en", "error.forbidden.title"))) {
					t.Error("the 403 page does not say what happened")
				}
				if b.session() != "" {
					t.Error("a refused form signed the browser in")
				}
			}
		})
	}

	t.Run("token from before sign-in no longer works after", func(t *testing.T) {
		b := newWebClient(t, ts.app)
		before := b.formToken("/en/login")
		resp, _ := b.post("/en/login", url.Values{"email": {"amina@example.org"}, "password": {acctPassword}, csrfField: {before}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", resp.StatusCode)
		}
		profile := url.Values{"name": {"Amina D."}, "language": {"en"}}
		profile.Set(csrfField, before)
		if resp, _ := b.post("/en/me", profile); resp.StatusCode != http.StatusForbidden {
			t.Errorf("profile change with the token of the signed-out page: %d, want 403", resp.StatusCode)
		}
		resp, _ = b.submit("/en/me", "/en/me", url.Values{"name": {"Amina D."}, "language": {"en"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me?done=profile" {
			t.Errorf("profile change with the token of /en/me: %d to %q, want 303 to /en/me?done=profile", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// The session cookie is out of scripts' reach, not sent on cross-site requests, and with https
// bound to this host and to TLS.
func TestSessionCookie(t *testing.T) {
	for _, tc := range []struct {
		name, baseURL, cookie string
		secure                bool
	}{
		{"http", "http://localhost:8080", "session", false},
		{"https", "https://hub.example.org", "__Host-session", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, testenv.Open(t, db.SQLite), kv.NewMemory(), func(c *config.Config) { c.BaseURL = mustURL(tc.baseURL) })
			createUser(t, ts, "amina@example.org", "Amina Diallo")
			b := signInBrowser(t, ts, "amina@example.org", acctPassword)
			c := b.cookies[tc.cookie]
			if c == nil {
				t.Fatalf("no %s cookie; cookies: %v", tc.cookie, b.cookies)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.secure || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %s: HttpOnly=%v SameSite=%v Secure=%v Path=%q Domain=%q; want HttpOnly, Lax, Secure=%v, Path=/, no Domain",
					c.Raw, c.HttpOnly, c.SameSite, c.Secure, c.Path, c.Domain, tc.secure)
			}
			if raw, _ := base64.RawURLEncoding.DecodeString(c.Value); len(raw) < 32 {
				t.Errorf("session id %q carries fewer than 256 random bits", c.Value)
			}
			if c.MaxAge <= 0 || time.Duration(c.MaxAge)*time.Second > auth.SessionMaxAge {
				t.Errorf("Max-Age %d, want at most the session's absolute lifetime %v", c.MaxAge, auth.SessionMaxAge)
			}
			wantSignedIn(t, b, "amina@example.org", "after sign-in")
		})
	}
}

// Each sign-in gets a new session id; the one the browser held before stops working.
func TestSignInStartsNewSession(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	u := createUser(t, ts, "amina@example.org", "Amina Diallo")

	t.Run("signing in again", func(t *testing.T) {
		b := signInBrowser(t, ts, "amina@example.org", acctPassword)
		first := b.session()
		// An old sign-in tab, submitted while signed in: its token is taken from /en/me.
		resp, _ := b.submit("/en/me", "/en/login", url.Values{"email": {"amina@example.org"}, "password": {acctPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", resp.StatusCode)
		}
		if second := b.session(); second == "" || second == first {
			t.Fatalf("session id after the second sign-in %q, want a new one (was %q)", second, first)
		}
		wantSignedIn(t, b, "amina@example.org", "the new session")
		old := newWebClient(t, ts.app)
		old.cookies["session"] = &http.Cookie{Name: "session", Value: first}
		wantSignedOut(t, old, "the session id from before the second sign-in")
	})

	// A browser may come to the sign-in form holding a session id that no longer works: planted
	// by someone else, or one that ended while the tab was closed. The form must still work, and
	// sign-in must not keep that id.
	ended, err := ts.auth.StartSession(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.auth.EndSession(context.Background(), ended); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, stale string }{
		{"a cookie planted by someone else", "planted-by-someone-else-planted-by-someone"},
		{"a session that ended while the tab was closed", ended},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newWebClient(t, ts.app)
			b.cookies["session"] = &http.Cookie{Name: "session", Value: tc.stale}
			resp, _ := b.submit("/en/login", "/en/login", url.Values{"email": {"amina@example.org"}, "password": {acctPassword}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in from the form: %d, want 303", resp.StatusCode)
			}
			if s := b.session(); s == "" || s == tc.stale {
				t.Fatalf("session after sign-in %q, want a new id", s)
			}
			wantSignedIn(t, b, "amina@example.org", "after sign-in")
		})
	}
}

var formActionRE = regexp.MustCompile(`<form method="post" action="([^"]*)"`)

// Sign-in brings the reader back to the page that sent them to it, and never to another site.
func TestSignInReturnsToPage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start string // the first request; its redirect leads to the sign-in form
		want  string
	}{
		{"the page that asked for sign-in", "/en/admin/users", "/en/admin/users"},
		{"the page with its query", "/en/admin/users?q=amina", "/en/admin/users?q=amina"},
		{"next naming another site", "/en/login?next=" + url.QueryEscape("https://evil.example/"), "/en/me"},
		{"protocol-relative next", "/en/login?next=" + url.QueryEscape("//evil.example/en/"), "/en/me"},
		{"backslash next", "/en/login?next=" + url.QueryEscape(`/\evil.example/en/`), "/en/me"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := acctServer(t, db.SQLite)
			createUser(t, ts, "admin@example.org", "Ada Admin", auth.RoleAdmin)
			b := newWebClient(t, ts.app)
			page := tc.start
			if resp, _ := b.get(tc.start); resp.StatusCode == http.StatusSeeOther {
				page = resp.Header.Get("Location")
			}
			resp, body := b.get(page)
			m := formActionRE.FindStringSubmatch(body)
			if resp.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("GET %s: %d, want the sign-in form", page, resp.StatusCode)
			}
			resp, _ = b.post(html.UnescapeString(m[1]), url.Values{"email": {"admin@example.org"}, "password": {acctPassword},
				csrfField: {csrfTokenIn(t, body)}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
				t.Errorf("sign-in from %s (form action %s): %d to %q, want 303 to %s", page, m[1], resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
		})
	}
}

func TestSignOutEndsSessionOnServer(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	createUser(t, ts, "amina@example.org", "Amina Diallo")
	b := signInBrowser(t, ts, "amina@example.org", acctPassword)
	stolen := b.session()
	resp, _ := b.submit("/en/me", "/en/logout", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/" {
		t.Fatalf("sign-out: %d to %q, want 303 to /en/", resp.StatusCode, resp.Header.Get("Location"))
	}
	if s := b.session(); s != "" {
		t.Errorf("the browser still holds session %q after signing out", s)
	}
	// The answer deletes the cookie (Max-Age=0 or an expiry in the past), not merely blanks it.
	for _, c := range resp.Cookies() {
		if c.Name == "session" {
			if deleted := c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())); !deleted {
				t.Errorf("sign-out sets %q: the browser keeps an empty session cookie instead of deleting it", c.Raw)
			}
		}
	}
	wantSignedOut(t, b, "the browser that signed out")
	// Someone who copied the cookie before sign-out cannot use it after.
	replay := newWebClient(t, ts.app)
	replay.cookies["session"] = &http.Cookie{Name: "session", Value: stolen}
	resp, _ = replay.get("/en/me")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/login?next=%2Fen%2Fme" {
		t.Errorf("replayed cookie: %d to %q, want 303 to /en/login?next=%%2Fen%%2Fme", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// A session ends two hours after its last request, and twelve hours after sign-in however busy.
// NB: waiting hours is not an option, so the test ages the session record in the store. It
// mirrors the layout of internal/auth's session record (key "session:" + hex SHA-256 of the
// token; JSON with u, e, c = created, s = last seen) and fails loudly when that layout changes.
func TestSessionTimeouts(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	u := createUser(t, ts, "amina@example.org", "Amina Diallo")
	ctx := context.Background()
	for _, tc := range []struct {
		name          string
		created, seen time.Duration // ago
		alive         bool
	}{
		{"active a minute ago", time.Hour, time.Minute, true},
		{"idle just under two hours", 3 * time.Hour, auth.SessionIdleTimeout - time.Minute, true},
		{"idle two hours", 3 * time.Hour, auth.SessionIdleTimeout + time.Minute, false},
		{"busy, signed in just under twelve hours ago", auth.SessionMaxAge - 10*time.Minute, 10 * time.Second, true},
		{"busy, signed in twelve hours ago", auth.SessionMaxAge + time.Minute, 10 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token, err := ts.auth.StartSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(token))
			key := "session:" + hex.EncodeToString(sum[:])
			raw, err := ts.kv.Get(ctx, key)
			if err != nil {
				t.Fatalf("the session record is not where this test expects it (%v): update the test to auth's layout", err)
			}
			var rec map[string]any
			if err := json.Unmarshal(raw, &rec); err != nil || rec["c"] == nil || rec["s"] == nil || rec["u"] != u.ID {
				t.Fatalf("the session record %s has not the layout this test expects: update the test", raw)
			}
			now := time.Now()
			rec["c"], rec["s"] = now.Add(-tc.created), now.Add(-tc.seen)
			aged, _ := json.Marshal(rec)
			if err := ts.kv.Set(ctx, key, aged, time.Hour); err != nil {
				t.Fatal(err)
			}
			b := newWebClient(t, ts.app)
			b.cookies["session"] = &http.Cookie{Name: "session", Value: token}
			if tc.alive {
				wantSignedIn(t, b, "amina@example.org", "session")
				return
			}
			wantSignedOut(t, b, "session")
			if b.session() != "" {
				t.Error("the expired session's cookie was not cleared")
			}
		})
	}
}

func TestAccessTokens(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	u := createUser(t, ts, "amina@example.org", "Amina Diallo")

	resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "Amina@Example.org", "password": acctPassword})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	var pair tokenJSON
	if err := json.Unmarshal([]byte(body), &pair); err != nil {
		t.Fatal(err)
	}
	if pair.TokenType != "Bearer" || pair.ExpiresIn <= 0 || pair.ExpiresIn > 15*60 || pair.RefreshToken == "" || strings.Count(pair.AccessToken, ".") != 2 {
		t.Errorf("token answer %s: want token_type Bearer, expires_in within 15 minutes, a JWT and a refresh token", body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}

	resp, body = callAPI(t, ts.app, http.MethodGet, "/api/v1/me", pair.AccessToken, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /me: %d %s", resp.StatusCode, body)
	}
	var me map[string]any
	_ = json.Unmarshal([]byte(body), &me)
	for k, want := range map[string]any{"id": u.ID, "email": "amina@example.org", "name": "Amina Diallo", "country": "KE",
		"language": "en", "reputation": float64(0), "roles": []any{"learner"}} {
		if got, _ := json.Marshal(me[k]); string(got) != string(acctMust(json.Marshal(want))) {
			t.Errorf("me.%s = %s, want %v", k, got, want)
		}
	}

	// Forged tokens, built from the real one.
	parts := strings.Split(pair.AccessToken, ".")
	var claims jwt.MapClaims
	if err := json.Unmarshal(acctMust(base64.RawURLEncoding.DecodeString(parts[1])), &claims); err != nil {
		t.Fatal(err)
	}
	// serverKey mirrors internal/auth's key derivation; the "re-signed" case proves it right, so
	// that each refusal below is for the reason its name gives, not for a wrong signature.
	serverKey := func() []byte {
		m := hmac.New(sha256.New, ts.cfg.SecretKey)
		m.Write([]byte("capacityhub/jwt-hs256"))
		return m.Sum(nil)
	}()
	sign := func(method jwt.SigningMethod, key any, typ any, edit func(jwt.MapClaims)) string {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		if edit != nil {
			edit(c)
		}
		tok := jwt.NewWithClaims(method, c)
		if typ == nil {
			delete(tok.Header, "typ")
		} else {
			tok.Header["typ"] = typ
		}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	b64 := base64.RawURLEncoding.EncodeToString
	now := time.Now()
	for _, tc := range []struct {
		name   string
		header string // the whole Authorization header
		status int
	}{
		{"as issued", "Bearer " + pair.AccessToken, 200},
		{"re-signed by the test with the server's key", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", nil), 200},
		{"scheme in lower case", "bearer " + pair.AccessToken, 200},
		{"signature altered", "Bearer " + parts[0] + "." + parts[1] + "." + flipChar(parts[2]), 401},
		{"payload altered, signature kept", "Bearer " + parts[0] + "." + b64(acctMust(json.Marshal(withClaim(claims, "sub", "someone-else")))) + "." + parts[2], 401},
		{"alg none, no signature", "Bearer " + b64([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + parts[1] + ".", 401},
		{"alg none, signature kept", "Bearer " + b64([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + parts[1] + "." + parts[2], 401},
		{"HS256 with another key", "Bearer " + sign(jwt.SigningMethodHS256, []byte(strings.Repeat("k", 32)), "at+jwt", nil), 401},
		{"HS384 with the server's key", "Bearer " + sign(jwt.SigningMethodHS384, serverKey, "at+jwt", nil), 401},
		{"typ JWT", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "JWT", nil), 401},
		{"no typ", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, nil, nil), 401},
		{"issuer of another site", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }), 401},
		{"audience of another site", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["aud"] = []string{"https://evil.example/api"} }), 401},
		{"no audience", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { delete(c, "aud") }), 401},
		{"expired", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-time.Hour).Unix(), now.Add(-10*time.Minute).Unix()
		}), 401},
		{"no expiry", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { delete(c, "exp") }), 401},
		{"not valid yet", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() }), 401},
		{"unknown user", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["sub"] = "no-such-user" }), 401},
		{"epoch of another sign-in generation", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["epoch"] = 7 }), 401},
		{"not a JWT", "Bearer not-a-token", 401},
		{"Basic credentials", "Basic " + b64([]byte("amina@example.org:"+acctPassword)), 401},
		{"empty bearer", "Bearer ", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
			req.Header.Set("Authorization", tc.header)
			resp, body := do(t, ts.app, req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status == http.StatusUnauthorized {
				decodeProblem(t, resp, body)
				if strings.Contains(body, u.Email) {
					t.Error("a refused token still got the user's details")
				}
			}
		})
	}
}

func acctMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func withClaim(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for key, val := range c {
		out[key] = val
	}
	out[k] = v
	return out
}

// flipChar changes a character in the middle of s (the last one may carry only padding bits).
func flipChar(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// A refresh token works once; using it again revokes its whole family, the newest token too, but
// not the tokens of another sign-in.
func TestRefreshRotation(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		ts := acctServer(t, engine)
		createUser(t, ts, "amina@example.org", "Amina Diallo")
		refresh := func(token string) (*http.Response, string, tokenJSON) {
			resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": token})
			var p tokenJSON
			_ = json.Unmarshal([]byte(body), &p)
			return resp, body, p
		}
		first := signInAPI(t, ts.app, "amina@example.org", acctPassword)
		otherDevice := signInAPI(t, ts.app, "amina@example.org", acctPassword)

		resp, body, second := refresh(first.RefreshToken)
		if resp.StatusCode != http.StatusOK || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
			t.Fatalf("refresh: %d %s; want a new pair", resp.StatusCode, body)
		}
		if resp, _ := callAPI(t, ts.app, http.MethodGet, "/api/v1/me", second.AccessToken, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("the refreshed access token does not work: %d", resp.StatusCode)
		}
		resp, body, _ = refresh(first.RefreshToken)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("second use of a refresh token: %d %s, want 401", resp.StatusCode, body)
		}
		decodeProblem(t, resp, body)
		if resp, body, _ := refresh(second.RefreshToken); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the newest refresh token of a reused family still works: %d %s", resp.StatusCode, body)
		}
		if resp, body, _ := refresh(otherDevice.RefreshToken); resp.StatusCode != http.StatusOK {
			t.Errorf("the reuse also revoked another sign-in's tokens: %d %s", resp.StatusCode, body)
		}

		for _, tc := range []struct {
			name   string
			body   any
			status int
		}{
			{"unknown token", map[string]string{"refresh_token": "not-a-token"}, 401},
			{"missing token", map[string]string{}, 422},
			{"not JSON", nil, 415},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/refresh", "", tc.body)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
				}
				decodeProblem(t, resp, body)
			})
		}
	})
}

func TestLogoutRevokesTokens(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	createUser(t, ts, "amina@example.org", "Amina Diallo")
	p := signInAPI(t, ts.app, "amina@example.org", acctPassword)
	if resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/logout", "", map[string]string{"refresh_token": p.RefreshToken}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("logout without an access token: %d %s, want 401", resp.StatusCode, body)
	}
	resp, body := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/logout", p.AccessToken, map[string]string{"refresh_token": p.RefreshToken})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d %s, want 204", resp.StatusCode, body)
	}
	wantTokensRevoked(t, ts.app, p, "after logout")
}

// Changing the password ends every other session and every token of the user; the browser that
// changed it stays signed in.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	ts := acctServer(t, db.SQLite)
	createUser(t, ts, "amina@example.org", "Amina Diallo")
	here := signInBrowser(t, ts, "amina@example.org", acctPassword)
	there := signInBrowser(t, ts, "amina@example.org", acctPassword)
	tokens := signInAPI(t, ts.app, "amina@example.org", acctPassword)

	t.Run("wrong current password", func(t *testing.T) {
		resp, body := here.submit("/en/me", "/en/me/password", url.Values{"current_password": {"not my password"}, "password": {acctNewPassword}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if got, want := formFieldErrors(body)["current_password"], acctText(t, "en", "auth.password.wrong_current"); got != want {
			t.Errorf("beside the current password: %q, want %q", got, want)
		}
		wantSignedIn(t, there, "amina@example.org", "other browser after a refused change")
		if resp, _ := callAPI(t, ts.app, http.MethodGet, "/api/v1/me", tokens.AccessToken, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("a refused change revoked the access token: %d", resp.StatusCode)
		}
	})

	t.Run("changed", func(t *testing.T) {
		resp, _ := here.submit("/en/me", "/en/me/password", url.Values{"current_password": {acctPassword}, "password": {acctNewPassword}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me?done=password" {
			t.Fatalf("%d to %q, want 303 to /en/me?done=password", resp.StatusCode, resp.Header.Get("Location"))
		}
		wantSignedIn(t, here, "amina@example.org", "the browser that changed the password")
		wantSignedOut(t, there, "the other browser")
		wantTokensRevoked(t, ts.app, tokens, "API tokens")
		if resp, _ := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "amina@example.org", "password": acctPassword}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the old password still signs in: %d", resp.StatusCode)
		}
		signInAPI(t, ts.app, "amina@example.org", acctNewPassword)
	})
}

// An admin's change to a user's roles, or disabling the account, applies at once: the user's
// sessions and tokens end.
func TestAdminActionsEndUserSessions(t *testing.T) {
	for _, tc := range []struct {
		name, action string
		form         url.Values
		done         string
		after        func(t *testing.T, ts *testServer)
	}{
		{
			name: "roles changed", action: "roles", form: url.Values{"roles": {"expert", "moderator"}}, done: "roles",
			after: func(t *testing.T, ts *testServer) {
				p := signInAPI(t, ts.app, "kofi@example.org", acctPassword)
				_, body := callAPI(t, ts.app, http.MethodGet, "/api/v1/me", p.AccessToken, nil)
				var me userJSON
				_ = json.Unmarshal([]byte(body), &me)
				if slices.Sort(me.Roles); !slices.Equal(me.Roles, []string{"expert", "learner", "moderator"}) {
					t.Errorf("roles after signing in again: %v, want expert, learner, moderator", me.Roles)
				}
			},
		},
		{
			name: "account disabled", action: "disabled", form: url.Values{"disabled": {"true"}}, done: "disabled",
			after: func(t *testing.T, ts *testServer) {
				if resp, _ := callAPI(t, ts.app, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "kofi@example.org", "password": acctPassword}); resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("a disabled account signs in through the API: %d", resp.StatusCode)
				}
				b := newWebClient(t, ts.app)
				resp, body := b.submit("/en/login", "/en/login", url.Values{"email": {"kofi@example.org"}, "password": {acctPassword}})
				if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, html.EscapeString(acctText(t, "en", "auth.signin.failed"))) {
					t.Errorf("a disabled account signs in through the form: %d", resp.StatusCode)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := acctServer(t, db.SQLite)
			createUser(t, ts, "admin@example.org", "Ada Admin", auth.RoleAdmin)
			user := createUser(t, ts, "kofi@example.org", "Kofi Mensah")
			admin := signInBrowser(t, ts, "admin@example.org", acctPassword)
			userBrowser := signInBrowser(t, ts, "kofi@example.org", acctPassword)
			tokens := signInAPI(t, ts.app, "kofi@example.org", acctPassword)

			resp, body := admin.submit("/en/admin/users", "/en/admin/users/"+user.ID+"/"+tc.action, tc.form)
			if want := "/en/admin/users?done=" + tc.done; resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Fatalf("%d to %q, want 303 to %s\n%s", resp.StatusCode, resp.Header.Get("Location"), want, body)
			}
			wantSignedOut(t, userBrowser, "the user's browser")
			wantTokensRevoked(t, ts.app, tokens, "the user's API tokens")
			wantSignedIn(t, admin, "admin@example.org", "the admin")
			tc.after(t, ts)
		})
	}
}

var resetLinkRE = regexp.MustCompile(`http://localhost:8080(/[a-z]{2}/password/reset/[A-Za-z0-9_-]+)`)

// outboxMail lists the queued messages, oldest first.
func outboxMail(t testing.TB, ts *testServer) [][2]string {
	t.Helper()
	rows, err := ts.db.R.Query("SELECT recipient, body FROM outbox ORDER BY created_at")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var to, body string
		if err := rows.Scan(&to, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]string{to, body})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPasswordReset(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		ts := acctServer(t, engine)
		createUser(t, ts, "amina@example.org", "Amina Diallo")
		signedIn := signInBrowser(t, ts, "amina@example.org", acctPassword)
		b := newWebClient(t, ts.app)
		forgot := func(email string) (*http.Response, string) {
			return b.submit("/en/password/forgot", "/en/password/forgot", url.Values{"email": {email}})
		}

		knownResp, knownBody := forgot("Amina@Example.org")
		unknownResp, unknownBody := forgot("nobody@example.org")
		if knownResp.StatusCode != http.StatusOK || unknownResp.StatusCode != knownResp.StatusCode {
			t.Fatalf("known address %d, unknown %d; want 200 for both", knownResp.StatusCode, unknownResp.StatusCode)
		}
		if !strings.Contains(knownBody, html.EscapeString(acctText(t, "en", "auth.forgot.sent"))) {
			t.Error("the page does not say that a link is on its way")
		}
		if knownBody != unknownBody {
			t.Errorf("the page for a known address differs from the one for an unknown address:\n%s\n---\n%s", knownBody, unknownBody)
		}
		mail := outboxMail(t, ts)
		if len(mail) != 1 || mail[0][0] != "amina@example.org" {
			t.Fatalf("outbox %v, want one message, to amina@example.org", mail)
		}
		m := resetLinkRE.FindStringSubmatch(mail[0][1])
		if m == nil {
			t.Fatalf("no reset link in the message:\n%s", mail[0][1])
		}
		link := m[1]

		resp, body := b.submit(link, link, url.Values{"password": {acctNewPassword}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, html.EscapeString(acctText(t, "en", "auth.reset.done"))) {
			t.Fatalf("using the link: %d\n%s", resp.StatusCode, body)
		}
		wantSignedOut(t, signedIn, "a browser signed in before the reset")
		signInAPI(t, ts.app, "amina@example.org", acctNewPassword)

		t.Run("link works once", func(t *testing.T) {
			resp, body := b.submit(link, link, url.Values{"password": {"another fine passphrase here"}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, html.EscapeString(acctText(t, "en", "auth.reset.invalid"))) {
				t.Errorf("second use: %d, want 400 saying the link is not valid\n%s", resp.StatusCode, body)
			}
		})

		t.Run("expired link", func(t *testing.T) {
			forgot("amina@example.org")
			mail := outboxMail(t, ts)
			if len(mail) != 2 {
				t.Fatalf("outbox holds %d messages, want 2", len(mail))
			}
			link := resetLinkRE.FindStringSubmatch(mail[1][1])[1]
			// A refused password does not spend the link.
			resp, body := b.submit(link, link, url.Values{"password": {"password1"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || formFieldErrors(body)["password"] != acctText(t, "en", "auth.password.common") {
				t.Errorf("a common password: %d, want 422 with the reason beside the field", resp.StatusCode)
			}
			if _, err := ts.db.W.Exec("UPDATE password_resets SET expires_at = $1 WHERE used_at IS NULL",
				db.FormatTime(time.Now().Add(-time.Minute))); err != nil {
				t.Fatal(err)
			}
			resp, body = b.submit(link, link, url.Values{"password": {"another fine passphrase here"}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, html.EscapeString(acctText(t, "en", "auth.reset.invalid"))) {
				t.Errorf("expired link: %d, want 400 saying the link is not valid", resp.StatusCode)
			}
			signInAPI(t, ts.app, "amina@example.org", acctNewPassword) // unchanged
		})

		t.Run("made-up link", func(t *testing.T) {
			link := "/en/password/reset/" + strings.Repeat("x", 43)
			resp, _ := b.submit(link, link, url.Values{"password": {"another fine passphrase here"}})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
		})
	})
}

// What a user types is text wherever it is shown, never markup.
func TestUserNameIsEscaped(t *testing.T) {
	const name = `<script>alert(1)</script><b>x</b>`
	escaped := html.EscapeString(name)
	ts := acctServer(t, db.SQLite)
	createUser(t, ts, "admin@example.org", "Ada Admin", auth.RoleAdmin)
	createUser(t, ts, "mallory@example.org", name)
	admin := signInBrowser(t, ts, "admin@example.org", acctPassword)
	mallory := signInBrowser(t, ts, "mallory@example.org", acctPassword)

	header := regexp.MustCompile(`(?s)<header.*?</header>`)
	for _, tc := range []struct {
		name string
		b    *webClient
		path string
	}{
		{"own account page", mallory, "/en/me"},
		{"home page, signed in", mallory, "/en/"},
		{"admin users page", admin, "/en/admin/users"},
		{"admin users search", admin, "/en/admin/users?q=" + url.QueryEscape("<script>")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.b.get(tc.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "<b>x") {
				t.Errorf("the name is markup in the page:\n%s", body)
			}
			if tc.path != "/en/" && !strings.Contains(body, escaped) {
				t.Errorf("the name is not shown as text (%s)", escaped)
			}
			if h := header.FindString(body); h == "" || strings.Contains(h, "<script") || strings.Contains(h, "<b>") {
				t.Errorf("the header holds markup from the name: %s", h)
			}
		})
	}
	t.Run("API answers the name as it was typed", func(t *testing.T) {
		p := signInAPI(t, ts.app, "mallory@example.org", acctPassword)
		_, body := callAPI(t, ts.app, http.MethodGet, "/api/v1/me", p.AccessToken, nil)
		var me userJSON
		if err := json.Unmarshal([]byte(body), &me); err != nil || me.Name != name {
			t.Errorf("name %q, want %q", me.Name, name)
		}
	})
}
