package web_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/kv"
	"capacityhub/internal/paging"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/accountweb"
	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

// rateHeaders checks that an answer carries the RateLimit-* headers, as whole numbers.
func wantRateHeaders(t *testing.T, h http.Header) error {
	t.Helper()
	for _, name := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
		if n, err := strconv.Atoi(h.Get(name)); err != nil || n < 0 {
			return fmt.Errorf("%s = %q, want a whole number", name, h.Get(name))
		}
	}
	return nil
}

// retryAfter is the Retry-After header in seconds, or an error when it is missing or not one.
func wantRetryAfter(h http.Header) (int, error) {
	n, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("Retry-After = %q, want a number of seconds", h.Get("Retry-After"))
	}
	return n, nil
}

// Of 100 simultaneous sign-ins with the right password from clients the account does not know,
// no more than one client's burst get through from one address, and no more than the account's
// ceiling from a hundred; the others are told when to try again.
func TestSignInLimitPerAccount(t *testing.T) {
	t.Parallel()
	testenv.Stores(t, func(t *testing.T, store kv.Store) {
		n := 0
		for _, tc := range []struct {
			name      string
			addresses int
			spellings bool // vary the case and spacing of the e-mail address
			want      int  // how many get through
		}{
			{"from one address", 1, false, accountweb.PasswordGuessLimit.Burst},
			{"from a hundred addresses", 100, false, accountweb.SignInAccountLimit.Burst},
			{"from a hundred addresses, spelling the e-mail address differently", 100, true, accountweb.SignInAccountLimit.Burst},
		} {
			n++
			t.Run(tc.name, func(t *testing.T) {
				ts := webtest.New(t, webtest.WithStore(store), webtest.TrustProxy())
				// NB: the cases share the store; each has an account of its own.
				email := fmt.Sprintf("amina.%d@example.org", n)
				ts.CreateUser(t, email, "Amina Diallo")

				const attempts = 100
				type answer struct {
					status int
					header http.Header
					body   string
				}
				answers := make([]answer, attempts)
				var wg sync.WaitGroup
				for i := range attempts {
					wg.Add(1)
					spelled := email
					if tc.spellings {
						spelled = respell(email, i)
					}
					body, _ := json.Marshal(map[string]string{"email": spelled, "password": webtest.Password})
					go func() {
						defer wg.Done()
						req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token", strings.NewReader(string(body)))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.%d.%d", n, i%tc.addresses+1))
						resp, err := ts.App.Test(req, -1)
						if err != nil {
							t.Error(err)
							return
						}
						b, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						answers[i] = answer{resp.StatusCode, resp.Header, string(b)}
					}()
				}
				wg.Wait()

				// NB: an attempt the limits let through may still be told 503 by the bounded
				// password-hashing queue (auth.ErrBusy), which 50 at once can fill.
				var ok, busy, limited int
				for i, a := range answers {
					if err := wantRateHeaders(t, a.header); err != nil {
						t.Errorf("answer %d (%d): %v", i, a.status, err)
					}
					switch a.status {
					case http.StatusOK:
						ok++
					case http.StatusTooManyRequests:
						limited++
						if _, err := wantRetryAfter(a.header); err != nil {
							t.Errorf("answer %d: %v", i, err)
						}
						var p site.Problem
						if !strings.HasPrefix(a.header.Get("Content-Type"), "application/problem+json") ||
							json.Unmarshal([]byte(a.body), &p) != nil || p.Status != http.StatusTooManyRequests {
							t.Errorf("answer %d: 429 without a problem+json body: %s %s", i, a.header.Get("Content-Type"), a.body)
						}
					case http.StatusServiceUnavailable:
						busy++
						if _, err := wantRetryAfter(a.header); err != nil {
							t.Errorf("answer %d: %v", i, err)
						}
					default:
						t.Errorf("answer %d: status %d, want 200, 429 or 503: %s", i, a.status, a.body)
					}
				}
				if ok == 0 || ok+busy != tc.want || ok+busy+limited != attempts {
					t.Errorf("%d signed in, %d were told the server was busy and %d were refused with 429; want exactly %d let through, the rest refused",
						ok, busy, limited, tc.want)
				}
				// Administrators learn of the flood from one audit entry, not from one per attempt.
				admin := ts.CreateUser(t, fmt.Sprintf("admin.%d@example.org", n), "Audit Reader", auth.RoleAdmin)
				events, err := ts.Audit.List(context.Background(), admin, "auth.signin_limited", paging.First(100))
				entries := 0
				for _, e := range events.Items {
					if e.Target == email {
						entries++
					}
				}
				if err != nil || entries != 1 {
					t.Errorf("audit log holds %d auth.signin_limited entries for %s (%v); want 1", entries, email, err)
				}
			})
		}
	})
}

// respell writes an e-mail address the i-th way: letters in upper or lower case, with or without
// surrounding spaces. All spellings name one account.
func respell(email string, i int) string {
	b := []rune(email)
	for j := range b {
		if i>>(j%7)&1 == 1 {
			b[j] = unicode.ToUpper(b[j])
		}
	}
	if i%3 == 1 {
		return " " + string(b) + " "
	}
	return string(b)
}

// downCase is one request of a table: a page or API call, with what it sends.
type downCase struct {
	name   string
	method string
	path   string
	form   url.Values        // an HTML form, sent with a valid CSRF token
	json   map[string]string // an API body
	bearer bool              // send a valid access token
	status int
}

// With Redis unreachable, reading stays possible (per-process limits), while whatever needs the
// shared limits or sessions (sign-in, registration, writes) answers 503 with Retry-After:
// never 500, never unlimited.
func TestRateLimitsWithRedisDown(t *testing.T) {
	t.Parallel()
	down, err := kv.NewRedis("redis://127.0.0.1:1/0", "chtest:down:")
	if err != nil {
		t.Fatal(err)
	}
	ts := webtest.New(t, webtest.WithStore(down))
	u := ts.CreateUser(t, "amina@example.org", "Amina Diallo")
	pair, err := ts.Auth.IssueTokens(context.Background(), u) // the database is up: only Redis is down
	if err != nil {
		t.Fatal(err)
	}
	signIn := map[string]string{"email": "amina@example.org", "password": webtest.Password}
	register := map[string]string{"email": "new@example.org", "password": webtest.Password, "name": "New User", "country": "KE"}
	form := func(m map[string]string) url.Values {
		v := url.Values{}
		for k, x := range m {
			v.Set(k, x)
		}
		return v
	}
	for _, tc := range []downCase{
		{name: "home page", method: "GET", path: "/en/", status: 200},
		{name: "courses page", method: "GET", path: "/fr/courses", status: 200},
		{name: "sign-in page", method: "GET", path: "/en/login", status: 200},
		{name: "OpenAPI document", method: "GET", path: "/api/openapi.json", status: 200},
		{name: "sign-in (API)", method: "POST", path: "/api/v1/auth/token", json: signIn, status: 503},
		{name: "sign-in (form)", method: "POST", path: "/en/login", form: form(signIn), status: 503},
		{name: "registration (API)", method: "POST", path: "/api/v1/auth/register", json: register, status: 503},
		{name: "registration (form)", method: "POST", path: "/en/register", form: form(register), status: 503},
		{name: "password reset request", method: "POST", path: "/en/password/forgot", form: url.Values{"email": {"amina@example.org"}}, status: 503},
		{name: "profile change", method: "POST", path: "/en/me", form: url.Values{"name": {"Amina"}, "language": {"en"}}, status: 503},
		{name: "token refresh", method: "POST", path: "/api/v1/auth/refresh", json: map[string]string{"refresh_token": pair.RefreshToken}, status: 503},
		{name: "API read with a token", method: "GET", path: "/api/v1/me", bearer: true, status: 503},
		{name: "API sign-out", method: "POST", path: "/api/v1/auth/logout", bearer: true, status: 503},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := sendDownCase(t, ts, tc, pair.AccessToken)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.status, body)
			}
			if tc.status != http.StatusServiceUnavailable {
				return
			}
			if _, err := wantRetryAfter(resp.Header); err != nil {
				t.Error(err)
			}
			if strings.HasPrefix(tc.path, "/api/") {
				webtest.DecodeProblem(t, resp, body)
			} else if !strings.Contains(body, webtest.Text(t, "en", "error.unavailable.title")) {
				t.Errorf("the page does not say the service is briefly unavailable: %.300s", body)
			}
		})
	}

	t.Run("sign-in stays refused", func(t *testing.T) {
		for i := range 3 * accountweb.PasswordGuessLimit.Burst {
			resp, body := webtest.CallAPI(t, ts.App, http.MethodPost, "/api/v1/auth/token", "", signIn)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("attempt %d: %d %s, want 503", i+1, resp.StatusCode, body)
			}
		}
	})

	t.Run("pages still limited per process", func(t *testing.T) {
		for i := range 2 * site.AnonymousLimit.Burst {
			resp, _ := ts.Get(t, "/en/forums")
			if resp.StatusCode == http.StatusTooManyRequests {
				t.Logf("limited after %d more requests", i)
				if i < site.AnonymousLimit.Burst-20 { // the cases above spent a few
					t.Errorf("limited after %d requests, want about %d", i, site.AnonymousLimit.Burst)
				}
				if _, err := wantRetryAfter(resp.Header); err != nil {
					t.Error(err)
				}
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("request %d: status %d", i+1, resp.StatusCode)
			}
		}
		t.Errorf("%d anonymous requests in a row, none limited: the fallback is unlimited", 2*site.AnonymousLimit.Burst)
	})

	// Dozens of 503s above, one outage: one WARN line names the store, and no ERROR line.
	logs := ts.Logs()
	if n := strings.Count(logs, "level=ERROR"); n != 0 {
		t.Errorf("%d ERROR lines for Redis being down, want none:\n%s", n, logs)
	}
	if n := strings.Count(logs, `cause="kv store"`); n != 1 {
		t.Errorf("%d log lines name the store as the cause, want 1 (once per interval):\n%s", n, logs)
	}
}

// sendDownCase sends one downCase: forms from a browser that opened the sign-in page first.
func sendDownCase(t *testing.T, ts *webtest.Server, tc downCase, access string) (*http.Response, string) {
	t.Helper()
	switch {
	case tc.form != nil:
		b := ts.Browser(t)
		// A session cookie the server cannot check while the store is down.
		b.Cookies["session"] = &http.Cookie{Name: "session", Value: "a-session-the-server-cannot-look-up-now"}
		f := url.Values{}
		for k, v := range tc.form {
			f[k] = v
		}
		f.Set(site.CSRFField, b.FormToken("/en/login"))
		return b.Post(tc.path, f)
	case tc.json != nil || tc.bearer:
		bearer := ""
		if tc.bearer {
			bearer = access
		}
		var body any
		if tc.json != nil {
			body = tc.json
		}
		return webtest.CallAPI(t, ts.App, tc.method, tc.path, bearer, body)
	default:
		return ts.Get(t, tc.path)
	}
}

// When Redis comes back, sign-in works again within seconds, without a restart.
func TestRateLimitsRecoverWhenRedisReturns(t *testing.T) {
	t.Parallel()
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("REDIS_URL is not set: Redis must be tested in CI")
		}
		t.Skip("REDIS_URL is not set: the recovery test needs a real Redis")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "chtest:" + hex.EncodeToString(b) + ":"
	direct, err := kv.NewRedis(redisURL, prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := direct.DeletePrefix(context.Background()); err != nil {
			t.Errorf("clean up Redis keys: %v", err)
		}
		direct.Close()
	})
	proxy, proxied := testenv.ProxyTo(t, redisURL)
	viaProxy, err := kv.NewRedis(proxied, prefix)
	if err != nil {
		t.Fatal(err)
	}
	ts := webtest.New(t, webtest.WithStore(viaProxy))
	ts.CreateUser(t, "amina@example.org", "Amina Diallo")
	signIn := map[string]string{"email": "amina@example.org", "password": webtest.Password}
	status := func() (int, http.Header) {
		resp, _ := webtest.CallAPI(t, ts.App, http.MethodPost, "/api/v1/auth/token", "", signIn)
		return resp.StatusCode, resp.Header
	}

	if s, _ := status(); s != http.StatusOK {
		t.Fatalf("sign-in with Redis up: %d", s)
	}
	proxy.Down()
	if s, h := status(); s != http.StatusServiceUnavailable {
		t.Fatalf("sign-in with Redis gone: %d, want 503", s)
	} else if _, err := wantRetryAfter(h); err != nil {
		t.Error(err)
	}
	if resp, _ := ts.Get(t, "/en/"); resp.StatusCode != http.StatusOK {
		t.Errorf("home page with Redis gone: %d, want 200", resp.StatusCode)
	}

	proxy.Up()
	back := time.Now()
	deadline := back.Add(site.StoreDownPause + 3*time.Second)
	for {
		s, _ := status()
		if s == http.StatusOK {
			t.Logf("sign-in works again %v after Redis returned", time.Since(back).Round(10*time.Millisecond))
			return
		}
		if s != http.StatusServiceUnavailable {
			t.Fatalf("while Redis comes back: %d, want 503 or 200", s)
		}
		if time.Now().After(deadline) {
			t.Fatalf("sign-in still answers 503 %v after Redis returned", time.Since(back).Round(10*time.Millisecond))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The per-IP limit on anonymous requests counts the peer's address unless the peer is a trusted
// proxy: from anyone else, a made-up X-Forwarded-For gives no fresh budget.
func TestAnonymousLimitIgnoresForwardedForFromUntrustedPeers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		trusted     string
		wantLimited bool
	}{
		{"untrusted peer: one budget whatever X-Forwarded-For says", "", true},
		{"trusted proxy: one budget per client", "0.0.0.0/32", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := webtest.New(t, webtest.WithConfig(func(c *config.Config) { c.TrustedProxies = prefixes(tc.trusted) }))
			// NB: past the burst, the node's free reads and what refills while the test runs
			// (slowly under the race detector): enough to meet the limit from one budget.
			n := site.AnonymousLimit.Burst + site.AnonymousFreeReads + 200
			start := time.Now()
			var ok, limited int
			for i := range n {
				resp, _ := ts.Get(t, "/en/forums", "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
				switch resp.StatusCode {
				case http.StatusOK:
					ok++
				case http.StatusTooManyRequests:
					limited++
					if _, err := wantRetryAfter(resp.Header); err != nil {
						t.Error(err)
					}
				default:
					t.Fatalf("request %d: status %d", i+1, resp.StatusCode)
				}
				if err := wantRateHeaders(t, resp.Header); err != nil {
					t.Errorf("request %d: %v", i+1, err)
				}
			}
			t.Logf("%d served, %d limited", ok, limited)
			// The budget refills while the test runs: allow for it.
			// NB: and the node answers an address's first reads a minute alone (site.AnonymousFreeReads).
			refill := int(time.Since(start)*time.Duration(site.AnonymousLimit.Rate)/site.AnonymousLimit.Period) + 1
			most := site.AnonymousLimit.Burst + site.AnonymousFreeReads + refill
			switch {
			case tc.wantLimited && (limited == 0 || ok > most):
				t.Errorf("%d served, %d limited: varying X-Forwarded-For from an untrusted peer bought a fresh budget (want at most %d served)",
					ok, limited, most)
			case !tc.wantLimited && limited > 0:
				t.Errorf("%d of %d distinct clients behind a trusted proxy were limited, want none", limited, n)
			}
		})
	}
}

// However many people ask, from however many addresses, one e-mail address gets at most a few
// reset mails an hour; every asker sees the same page, so the limit tells nobody which addresses
// have accounts.
func TestResetMailsPerAddressAreLimited(t *testing.T) {
	t.Parallel()
	testenv.Stores(t, func(t *testing.T, store kv.Store) {
		ts := webtest.New(t, webtest.WithStore(store), webtest.TrustProxy())
		ts.CreateUser(t, "amina@example.org", "Amina Diallo")
		sent := html.EscapeString(webtest.Text(t, "en", "auth.forgot.sent"))
		for i := range 2 * accountweb.ResetMailLimit.Burst {
			b := ts.Browser(t)
			b.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
			var bodies []string
			for _, email := range []string{"amina@example.org", "nobody@example.org"} {
				resp, body := b.Submit("/en/password/forgot", "/en/password/forgot", url.Values{"email": {email}})
				if resp.StatusCode != http.StatusOK || !strings.Contains(body, sent) {
					t.Fatalf("request %d for %s: status %d, want 200 saying a link is on its way", i, email, resp.StatusCode)
				}
				bodies = append(bodies, body)
			}
			if bodies[0] != bodies[1] {
				t.Errorf("request %d: the page for a known address differs from the one for an unknown address", i)
			}
		}
		if mail := ts.Outbox(t); len(mail) != accountweb.ResetMailLimit.Burst {
			t.Errorf("%d reset mails went to amina@example.org; want %d", len(mail), accountweb.ResetMailLimit.Burst)
		}
	})
}
