package accountweb_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

// Accounts as a person meets them in a browser: registration, the CSRF guard on forms, sessions,
// sign-in and sign-out, password change and reset, the admin's user actions, the account page and
// the escaping of what users type. Everything goes through app.Test; the services are used only
// to set the scene (create users, complete a lesson) or, where a test says so, to look behind
// the surface.

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
	t.Parallel()
	srv := webtest.New(t)
	srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	form := func(email, password, name, country string) url.Values {
		return url.Values{"email": {email}, "password": {password}, "name": {name}, "country": {country}, "language": {"en"}}
	}

	t.Run("created and signed in", func(t *testing.T) {
		b := srv.Browser(t)
		resp, body := b.Submit("/en/register", "/en/register", form("Kofi@Example.org", webtest.Password, "Kofi Mensah", "GH"))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me?done=registered" {
			t.Fatalf("%d to %q, want 303 to /en/me?done=registered\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, body = b.Get("/en/me?done=registered")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /en/me: %d", resp.StatusCode)
		}
		for _, want := range []string{"Kofi Mensah", "kofi@example.org", html.EscapeString(webtest.Text(t, "en", "me.done.registered"))} {
			if !strings.Contains(body, want) {
				t.Errorf("the account page does not show %q", want)
			}
		}
	})

	t.Run("e-mail address taken whatever its case", func(t *testing.T) {
		b := srv.Browser(t)
		resp, body := b.Submit("/en/register", "/en/register", form("AMINA@Example.org", webtest.Password, "Another Amina", "SN"))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		errs := formFieldErrors(body)
		if want := webtest.Text(t, "en", "auth.email.taken"); errs["email"] != want || len(errs) != 1 {
			t.Errorf("messages beside fields %v, want only email: %q", errs, want)
		}
		if !strings.Contains(body, `value="Another Amina"`) {
			t.Error("the name typed was not kept")
		}
		if strings.Contains(body, webtest.Password) {
			t.Error("the password was sent back in the page")
		}
		if b.Session() != "" {
			t.Error("a refused registration started a session")
		}
	})

	t.Run("every invalid field named", func(t *testing.T) {
		b := srv.Browser(t)
		resp, body := b.Submit("/en/register", "/en/register", form("not-an-address", "password1", "", "XX"))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		errs := formFieldErrors(body)
		want := map[string]string{
			"email":    webtest.Text(t, "en", "auth.email.invalid"),
			"password": webtest.Text(t, "en", "auth.password.common"),
			"name":     webtest.Text(t, "en", "field.required"),
			"country":  webtest.Text(t, "en", "auth.country.invalid"),
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
	t.Parallel()
	srv := webtest.New(t)
	srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	signIn := url.Values{"email": {"amina@example.org"}, "password": {webtest.Password}}
	for _, tc := range []struct {
		name    string
		token   func(t *testing.T, b *webtest.Browser) string // "" sends no token
		headers []string
		status  int
	}{
		{name: "no token", token: func(*testing.T, *webtest.Browser) string { return "" }, status: 403},
		{name: "made-up token", token: func(*testing.T, *webtest.Browser) string { return strings.Repeat("A", 43) }, status: 403},
		{name: "token of another browser", token: func(t *testing.T, _ *webtest.Browser) string {
			return srv.Browser(t).FormToken("/en/login")
		}, status: 403},
		{name: "Origin of another site", token: func(_ *testing.T, b *webtest.Browser) string { return b.FormToken("/en/login") },
			headers: []string{"Origin", "https://evil.example"}, status: 403},
		{name: "Origin with another scheme", token: func(_ *testing.T, b *webtest.Browser) string { return b.FormToken("/en/login") },
			headers: []string{"Origin", "https://localhost:8080"}, status: 403},
		{name: "Sec-Fetch-Site cross-site", token: func(_ *testing.T, b *webtest.Browser) string { return b.FormToken("/en/login") },
			headers: []string{"Sec-Fetch-Site", "cross-site"}, status: 403},
		{name: "Sec-Fetch-Site same-site", token: func(_ *testing.T, b *webtest.Browser) string { return b.FormToken("/en/login") },
			headers: []string{"Sec-Fetch-Site", "same-site"}, status: 403},
		{name: "token from the form", token: func(_ *testing.T, b *webtest.Browser) string { return b.FormToken("/en/login") }, status: 303},
		{name: "token from the form, same-origin browser", token: func(_ *testing.T, b *webtest.Browser) string { return b.FormToken("/en/login") },
			headers: []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://localhost:8080"}, status: 303},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := srv.Browser(t)
			b.Get("/en/") // a visit first: the browser has its own cookies
			form := url.Values{}
			for k, v := range signIn {
				form[k] = v
			}
			if token := tc.token(t, b); token != "" {
				form.Set(site.CSRFField, token)
			}
			resp, body := b.Post("/en/login", form, tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == http.StatusForbidden {
				// NB: a form from another address than BASE_URL gets a page that names both.
				if !strings.Contains(body, html.EscapeString(webtest.Text(t, "en", "error.forbidden.title"))) &&
					!strings.Contains(body, html.EscapeString(webtest.Text(t, "en", "error.origin.title"))) {
					t.Error("the 403 page does not say what happened")
				}
				if b.Session() != "" {
					t.Error("a refused form signed the browser in")
				}
			}
		})
	}

	t.Run("token from before sign-in no longer works after", func(t *testing.T) {
		b := srv.Browser(t)
		before := b.FormToken("/en/login")
		resp, _ := b.Post("/en/login", url.Values{"email": {"amina@example.org"}, "password": {webtest.Password}, site.CSRFField: {before}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", resp.StatusCode)
		}
		profile := url.Values{"name": {"Amina D."}, "language": {"en"}}
		profile.Set(site.CSRFField, before)
		if resp, _ := b.Post("/en/me", profile); resp.StatusCode != http.StatusForbidden {
			t.Errorf("profile change with the token of the signed-out page: %d, want 403", resp.StatusCode)
		}
		resp, _ = b.Submit("/en/me", "/en/me", url.Values{"name": {"Amina D."}, "language": {"en"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me?done=profile" {
			t.Errorf("profile change with the token of /en/me: %d to %q, want 303 to /en/me?done=profile", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// The session cookie is out of scripts' reach, not sent on cross-site requests, and with https
// bound to this host and to TLS.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, baseURL, cookie string
		secure                bool
	}{
		{"http", "http://localhost:8080", "session", false},
		{"https", "https://hub.example.org", "__Host-session", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, err := url.Parse(tc.baseURL)
			if err != nil {
				t.Fatal(err)
			}
			srv := webtest.New(t, webtest.WithConfig(func(c *config.Config) { c.BaseURL = base }))
			srv.CreateUser(t, "amina@example.org", "Amina Diallo")
			b := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
			c := b.Cookies[tc.cookie]
			if c == nil {
				t.Fatalf("no %s cookie; cookies: %v", tc.cookie, b.Cookies)
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
			webtest.WantSignedIn(t, b, "amina@example.org", "after sign-in")
		})
	}
}

// Each sign-in gets a new session id; the one the browser held before stops working.
func TestSignInStartsNewSession(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	u := srv.CreateUser(t, "amina@example.org", "Amina Diallo")

	t.Run("signing in again", func(t *testing.T) {
		b := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
		first := b.Session()
		// An old sign-in tab, submitted while signed in: its token is taken from /en/me.
		resp, _ := b.Submit("/en/me", "/en/login", url.Values{"email": {"amina@example.org"}, "password": {webtest.Password}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", resp.StatusCode)
		}
		if second := b.Session(); second == "" || second == first {
			t.Fatalf("session id after the second sign-in %q, want a new one (was %q)", second, first)
		}
		webtest.WantSignedIn(t, b, "amina@example.org", "the new session")
		old := srv.Browser(t)
		old.Cookies["session"] = &http.Cookie{Name: "session", Value: first}
		webtest.WantSignedOut(t, old, "the session id from before the second sign-in")
	})

	// A browser may come to the sign-in form holding a session id that no longer works: planted
	// by someone else, or one that ended while the tab was closed. The form must still work, and
	// sign-in must not keep that id.
	ended, err := srv.Auth.StartSession(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Auth.EndSession(context.Background(), ended); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, stale string }{
		{"a cookie planted by someone else", "planted-by-someone-else-planted-by-someone"},
		{"a session that ended while the tab was closed", ended},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := srv.Browser(t)
			b.Cookies["session"] = &http.Cookie{Name: "session", Value: tc.stale}
			resp, _ := b.Submit("/en/login", "/en/login", url.Values{"email": {"amina@example.org"}, "password": {webtest.Password}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in from the form: %d, want 303", resp.StatusCode)
			}
			if s := b.Session(); s == "" || s == tc.stale {
				t.Fatalf("session after sign-in %q, want a new id", s)
			}
			webtest.WantSignedIn(t, b, "amina@example.org", "after sign-in")
		})
	}
}

var formActionRE = regexp.MustCompile(`<form method="post" action="([^"]*)"`)

// Sign-in brings the reader back to the page that sent them to it, and never to another site.
func TestSignInReturnsToPage(t *testing.T) {
	t.Parallel()
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
			t.Parallel()
			srv := webtest.New(t)
			srv.CreateUser(t, "admin@example.org", "Ada Admin", auth.RoleAdmin)
			b := srv.Browser(t)
			page := tc.start
			if resp, _ := b.Get(tc.start); resp.StatusCode == http.StatusSeeOther {
				page = resp.Header.Get("Location")
			}
			resp, body := b.Get(page)
			m := formActionRE.FindStringSubmatch(body)
			if resp.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("GET %s: %d, want the sign-in form", page, resp.StatusCode)
			}
			resp, _ = b.Post(html.UnescapeString(m[1]), url.Values{"email": {"admin@example.org"}, "password": {webtest.Password},
				site.CSRFField: {webtest.CSRFTokenIn(t, body)}})
			if to := resp.Header.Get("Location"); strings.HasPrefix(to, "/en/login/code") { // an admin: the code comes next
				resp, _ = srv.CompleteSignIn(t, b, "admin@example.org", to)
			}
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
				t.Errorf("sign-in from %s (form action %s): %d to %q, want 303 to %s", page, m[1], resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
		})
	}
}

func TestSignOutEndsSessionOnServer(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	b := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
	stolen := b.Session()
	resp, _ := b.Submit("/en/me", "/en/logout", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/" {
		t.Fatalf("sign-out: %d to %q, want 303 to /en/", resp.StatusCode, resp.Header.Get("Location"))
	}
	if s := b.Session(); s != "" {
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
	webtest.WantSignedOut(t, b, "the browser that signed out")
	// Someone who copied the cookie before sign-out cannot use it after.
	replay := srv.Browser(t)
	replay.Cookies["session"] = &http.Cookie{Name: "session", Value: stolen}
	resp, _ = replay.Get("/en/me")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/login?next=%2Fen%2Fme" {
		t.Errorf("replayed cookie: %d to %q, want 303 to /en/login?next=%%2Fen%%2Fme", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// A session ends two hours after its last request, and twelve hours after sign-in however busy.
// NB: waiting hours is not an option, so the test ages the session record where it is kept. It
// mirrors the layout of internal/auth's session record (key "session:" + hex SHA-256 of the
// token; JSON with u, e, c = created, s = last seen) and fails loudly when that layout changes.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	u := srv.CreateUser(t, "amina@example.org", "Amina Diallo")
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
			token, err := srv.Auth.StartSession(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(token))
			key := "session:" + hex.EncodeToString(sum[:])
			raw, err := srv.Sessions.Get(ctx, key)
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
			if err := srv.Sessions.Set(ctx, key, aged, time.Hour); err != nil {
				t.Fatal(err)
			}
			b := srv.Browser(t)
			b.Cookies["session"] = &http.Cookie{Name: "session", Value: token}
			if tc.alive {
				webtest.WantSignedIn(t, b, "amina@example.org", "session")
				return
			}
			webtest.WantSignedOut(t, b, "session")
			if b.Session() != "" {
				t.Error("the expired session's cookie was not cleared")
			}
		})
	}
}

// Changing the password ends every other session and every token of the user; the browser that
// changed it stays signed in.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	here := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
	there := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
	tokens := srv.SignInAPI(t, "amina@example.org", webtest.Password)

	t.Run("wrong current password", func(t *testing.T) {
		resp, body := here.Submit("/en/me", "/en/me/password", url.Values{"current_password": {"not my password"}, "password": {webtest.NewPassword}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if got, want := formFieldErrors(body)["current_password"], webtest.Text(t, "en", "auth.password.wrong_current"); got != want {
			t.Errorf("beside the current password: %q, want %q", got, want)
		}
		webtest.WantSignedIn(t, there, "amina@example.org", "other browser after a refused change")
		if resp, _ := webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/me", tokens.AccessToken, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("a refused change revoked the access token: %d", resp.StatusCode)
		}
	})

	t.Run("changed", func(t *testing.T) {
		resp, _ := here.Submit("/en/me", "/en/me/password", url.Values{"current_password": {webtest.Password}, "password": {webtest.NewPassword}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me?done=password" {
			t.Fatalf("%d to %q, want 303 to /en/me?done=password", resp.StatusCode, resp.Header.Get("Location"))
		}
		webtest.WantSignedIn(t, here, "amina@example.org", "the browser that changed the password")
		webtest.WantSignedOut(t, there, "the other browser")
		webtest.WantTokensRevoked(t, srv.App, tokens, "API tokens")
		if resp, _ := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "amina@example.org", "password": webtest.Password}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the old password still signs in: %d", resp.StatusCode)
		}
		srv.SignInAPI(t, "amina@example.org", webtest.NewPassword)
	})
}

// An admin's change to a user's roles, or disabling the account, applies at once: the user's
// sessions and tokens end.
func TestAdminActionsEndUserSessions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, action string
		form         url.Values
		done         string
		after        func(t *testing.T, srv *webtest.Server)
	}{
		{
			name: "roles changed", action: "roles", form: url.Values{"roles": {"expert", "moderator"}}, done: "roles",
			after: func(t *testing.T, srv *webtest.Server) {
				p := srv.SignInAPI(t, "kofi@example.org", webtest.Password)
				_, body := webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/me", p.AccessToken, nil)
				var me userJSON
				_ = json.Unmarshal([]byte(body), &me)
				if slices.Sort(me.Roles); !slices.Equal(me.Roles, []string{"expert", "learner", "moderator"}) {
					t.Errorf("roles after signing in again: %v, want expert, learner, moderator", me.Roles)
				}
			},
		},
		{
			name: "account disabled", action: "disabled", form: url.Values{"disabled": {"true"}}, done: "disabled",
			after: func(t *testing.T, srv *webtest.Server) {
				if resp, _ := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "kofi@example.org", "password": webtest.Password}); resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("a disabled account signs in through the API: %d", resp.StatusCode)
				}
				b := srv.Browser(t)
				resp, body := b.Submit("/en/login", "/en/login", url.Values{"email": {"kofi@example.org"}, "password": {webtest.Password}})
				if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, html.EscapeString(webtest.Text(t, "en", "auth.signin.failed"))) {
					t.Errorf("a disabled account signs in through the form: %d", resp.StatusCode)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := webtest.New(t)
			srv.CreateUser(t, "admin@example.org", "Ada Admin", auth.RoleAdmin)
			user := srv.CreateUser(t, "kofi@example.org", "Kofi Mensah")
			admin := srv.SignInBrowser(t, "admin@example.org", webtest.Password)
			userBrowser := srv.SignInBrowser(t, "kofi@example.org", webtest.Password)
			tokens := srv.SignInAPI(t, "kofi@example.org", webtest.Password)

			resp, body := admin.Submit("/en/admin/users", "/en/admin/users/"+user.ID+"/"+tc.action, tc.form)
			if want := "/en/admin/users?done=" + tc.done; resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Fatalf("%d to %q, want 303 to %s\n%s", resp.StatusCode, resp.Header.Get("Location"), want, body)
			}
			webtest.WantSignedOut(t, userBrowser, "the user's browser")
			webtest.WantTokensRevoked(t, srv.App, tokens, "the user's API tokens")
			webtest.WantSignedIn(t, admin, "admin@example.org", "the admin")
			tc.after(t, srv)
		})
	}
}

var resetLinkRE = regexp.MustCompile(`http://localhost:8080(/[a-z]{2}/password/reset/[A-Za-z0-9_-]+)`)

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		srv.CreateUser(t, "amina@example.org", "Amina Diallo")
		signedIn := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
		b := srv.Browser(t)
		forgot := func(email string) (*http.Response, string) {
			return b.Submit("/en/password/forgot", "/en/password/forgot", url.Values{"email": {email}})
		}

		knownResp, knownBody := forgot("Amina@Example.org")
		unknownResp, unknownBody := forgot("nobody@example.org")
		if knownResp.StatusCode != http.StatusOK || unknownResp.StatusCode != knownResp.StatusCode {
			t.Fatalf("known address %d, unknown %d; want 200 for both", knownResp.StatusCode, unknownResp.StatusCode)
		}
		if !strings.Contains(knownBody, html.EscapeString(webtest.Text(t, "en", "auth.forgot.sent"))) {
			t.Error("the page does not say that a link is on its way")
		}
		if knownBody != unknownBody {
			t.Errorf("the page for a known address differs from the one for an unknown address:\n%s\n---\n%s", knownBody, unknownBody)
		}
		mail := srv.Outbox(t)
		if len(mail) != 1 || mail[0][0] != "amina@example.org" {
			t.Fatalf("outbox %v, want one message, to amina@example.org", mail)
		}
		m := resetLinkRE.FindStringSubmatch(mail[0][1])
		if m == nil {
			t.Fatalf("no reset link in the message:\n%s", mail[0][1])
		}
		link := m[1]

		resp, body := b.Submit(link, link, url.Values{"password": {webtest.NewPassword}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, html.EscapeString(webtest.Text(t, "en", "auth.reset.done"))) {
			t.Fatalf("using the link: %d\n%s", resp.StatusCode, body)
		}
		webtest.WantSignedOut(t, signedIn, "a browser signed in before the reset")
		srv.SignInAPI(t, "amina@example.org", webtest.NewPassword)

		t.Run("link works once", func(t *testing.T) {
			resp, body := b.Submit(link, link, url.Values{"password": {"another fine passphrase here"}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, html.EscapeString(webtest.Text(t, "en", "auth.reset.invalid"))) {
				t.Errorf("second use: %d, want 400 saying the link is not valid\n%s", resp.StatusCode, body)
			}
		})

		t.Run("a refused password does not spend the link", func(t *testing.T) {
			forgot("amina@example.org")
			mail := srv.Outbox(t)
			if len(mail) != 2 {
				t.Fatalf("outbox holds %d messages, want 2", len(mail))
			}
			link := resetLinkRE.FindStringSubmatch(mail[1][1])[1]
			resp, body := b.Submit(link, link, url.Values{"password": {"password1"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || formFieldErrors(body)["password"] != webtest.Text(t, "en", "auth.password.common") {
				t.Errorf("a common password: %d, want 422 with the reason beside the field", resp.StatusCode)
			}
			resp, body = b.Submit(link, link, url.Values{"password": {"another fine passphrase here"}})
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, html.EscapeString(webtest.Text(t, "en", "auth.reset.done"))) {
				t.Fatalf("the link after a refused password: %d, want 200 saying the password is changed\n%s", resp.StatusCode, body)
			}
			srv.SignInAPI(t, "amina@example.org", "another fine passphrase here")
		})

		t.Run("expired link", func(t *testing.T) {
			forgot("amina@example.org")
			mail := srv.Outbox(t)
			if len(mail) != 3 {
				t.Fatalf("outbox holds %d messages, want 3", len(mail))
			}
			link := resetLinkRE.FindStringSubmatch(mail[2][1])[1]
			testenv.ExpirePasswordResets(t, srv.DB)
			resp, body := b.Submit(link, link, url.Values{"password": {"yet another fine passphrase"}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, html.EscapeString(webtest.Text(t, "en", "auth.reset.invalid"))) {
				t.Errorf("expired link: %d, want 400 saying the link is not valid", resp.StatusCode)
			}
			srv.SignInAPI(t, "amina@example.org", "another fine passphrase here") // unchanged
		})

		t.Run("made-up link", func(t *testing.T) {
			link := "/en/password/reset/" + strings.Repeat("x", 43)
			resp, _ := b.Submit(link, link, url.Values{"password": {"another fine passphrase here"}})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
		})
	})
}

// What a user types is text wherever it is shown, never markup.
func TestUserNameIsEscaped(t *testing.T) {
	t.Parallel()
	const name = `<script>alert(1)</script><b>x</b>`
	escaped := html.EscapeString(name)
	srv := webtest.New(t)
	srv.CreateUser(t, "admin@example.org", "Ada Admin", auth.RoleAdmin)
	srv.CreateUser(t, "mallory@example.org", name)
	admin := srv.SignInBrowser(t, "admin@example.org", webtest.Password)
	mallory := srv.SignInBrowser(t, "mallory@example.org", webtest.Password)

	header := regexp.MustCompile(`(?s)<header.*?</header>`)
	for _, tc := range []struct {
		name string
		b    *webtest.Browser
		path string
	}{
		{"own account page", mallory, "/en/me"},
		{"home page, signed in", mallory, "/en/"},
		{"admin users page", admin, "/en/admin/users"},
		{"admin users search", admin, "/en/admin/users?q=" + url.QueryEscape("<script>")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.b.Get(tc.path)
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
		p := srv.SignInAPI(t, "mallory@example.org", webtest.Password)
		_, body := webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/me", p.AccessToken, nil)
		var me userJSON
		if err := json.Unmarshal([]byte(body), &me); err != nil || me.Name != name {
			t.Errorf("name %q, want %q", me.Name, name)
		}
	})
}

// A form sent back with errors starts with a summary that links to each field at fault, and a new
// password field tells the browser its minimum length.
func TestFormErrorsAreSummarized(t *testing.T) {
	t.Parallel()
	b := webtest.New(t).Browser(t)
	resp, body := b.Submit("/fr/register", "/fr/register", url.Values{"email": {"bad@"}, "password": {"abc"}, "name": {""}, "country": {"KE"}, "language": {"fr"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`<div class="error-summary" role="alert">`, "Ce formulaire comporte 3 erreurs", `<a href="#email">`, `<a href="#password">`, `<a href="#name">`} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the page", want)
		}
	}
	_, body = b.Get("/fr/register")
	if !strings.Contains(body, `autocomplete="new-password" minlength="8"`) && !strings.Contains(body, `minlength="8"`) {
		t.Error("the new password field has no minlength")
	}
	if strings.Contains(body, "error-summary") {
		t.Error("a fresh form shows an error summary")
	}
}

// My courses shows how far each course is and leads straight to the next lesson to read.
func TestMyCoursesLeadToTheNextLesson(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.ImportCourses(t, webtest.RadioBasics)
	u := srv.CreateUser(t, "learner@example.org", "Amina Diallo")
	if _, err := srv.Courses.CompleteLesson(context.Background(), u, "radio-basics", webtest.LessonSlug(1, 1)); err != nil {
		t.Fatal(err)
	}
	_, body := srv.SignInBrowser(t, "learner@example.org", webtest.Password).Get("/en/me")
	if !strings.Contains(body, `href="/en/courses/radio-basics/m1-l2">`+webtest.PageText(t, "en", "me.courses.continue")) {
		t.Errorf("no continue link to the second lesson on /me")
	}
	if !strings.Contains(body, webtest.PageText(t, "en", "course.progress.quizzes", map[string]any{"Done": 0, "Total": 2})) {
		t.Errorf("no quiz count on /me")
	}
}
