package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"capacityhub/internal/config"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
)

func decodeProblem(t *testing.T, resp *http.Response, body string) problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, body)
	}
	var p problem
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("problem body %q: %v", body, err)
	}
	if p.Status != resp.StatusCode || p.Title == "" || p.Type == "" {
		t.Errorf("incomplete problem: %+v", p)
	}
	return p
}

func TestAPIAnswersProblemsForUnknownPathsAndMethods(t *testing.T) {
	app := testApp(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/v1/no-such-thing", 404},
		{http.MethodPost, "/api/v1/", 404},
		{http.MethodDelete, "/api/openapi.json", 405},
		{http.MethodGet, "/api/", 404},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, body := do(t, app, httptest.NewRequest(tc.method, tc.path, nil))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			decodeProblem(t, resp, body)
		})
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	app := testApp(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/anything", strings.NewReader(strings.Repeat("x", bodyLimit+1)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := app.Test(req, -1)
	if err != nil {
		// app.Test drives fasthttp directly; an over-limit body is refused before any handler runs.
		if !strings.Contains(err.Error(), "body size exceeds") {
			t.Fatal(err)
		}
		return
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	app := testApp(t)
	resp, body := get(t, app, "/api/openapi.json")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	// Every API route in the route table is documented (paths are relative to /api/v1).
	for _, r := range app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead {
			continue
		}
		p := strings.TrimPrefix(r.Path, "/api/v1")
		p = openAPIParam.ReplaceAllString(p, "{$1}")
		var ops map[string]json.RawMessage
		if err := json.Unmarshal(doc.Paths[p], &ops); err != nil || ops[strings.ToLower(r.Method)] == nil {
			t.Errorf("%s %s is not in the OpenAPI document", r.Method, r.Path)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		d := testenv.Open(t, engine)
		app, _ := testAppWith(t, d, kv.NewMemory(), nil)
		if resp, body := get(t, app, "/healthz"); resp.StatusCode != 200 || body != "ok" {
			t.Errorf("healthz: %d %q", resp.StatusCode, body)
		}
		if resp, body := get(t, app, "/readyz"); resp.StatusCode != 200 || !strings.Contains(body, `"database":"ok"`) {
			t.Errorf("readyz: %d %s", resp.StatusCode, body)
		}
		d.Close() // the database goes away
		resp, body := get(t, app, "/readyz")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"database":"unavailable"`) {
			t.Errorf("readyz with the database down: %d %s", resp.StatusCode, body)
		}
		if resp, _ := get(t, app, "/healthz"); resp.StatusCode != 200 {
			t.Error("healthz must not depend on the database")
		}
	})
}

// With Redis unreachable, /readyz says so (503) instead of hanging or answering 200.
func TestReadinessWithRedisDown(t *testing.T) {
	down, err := kv.NewRedis("redis://127.0.0.1:1/0", "x:")
	if err != nil {
		t.Fatal(err)
	}
	app, _ := testAppWith(t, testenv.Open(t, db.SQLite), down, nil)
	resp, body := get(t, app, "/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"kv":"unavailable"`) {
		t.Errorf("readyz with Redis down: %d %s", resp.StatusCode, body)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	app := testApp(t)
	get(t, app, "/en/")
	get(t, app, "/fr/")
	get(t, app, "/en/random-scanner-path")
	get(t, app, "/")
	resp, body := get(t, app, "/metrics")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`capacityhub_http_requests_total{method="GET",route="/:lang",status="200"} 2`,
		`capacityhub_http_requests_total{method="GET",route="(unmatched)",status="404"} 1`,
		`capacityhub_http_requests_total{method="GET",route="/",status="303"} 1`,
		`capacityhub_http_request_duration_seconds_bucket{method="GET",route="/:lang"`,
		"capacityhub_database_up 1",
		"capacityhub_kv_up 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "random-scanner-path") {
		t.Error("a raw path became a metric label")
	}
}

// A request that a middleware answers before any route (here: a write while Redis is down) is
// counted under its own label, not under "/", the home redirect's route.
func TestMetricsNameRequestsEndedBeforeRouting(t *testing.T) {
	down, err := kv.NewRedis("redis://127.0.0.1:1/0", "x:")
	if err != nil {
		t.Fatal(err)
	}
	app, _ := testAppWith(t, testenv.Open(t, db.SQLite), down, nil)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, _ := do(t, app, req); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a write with Redis down: %d, want 503", resp.StatusCode)
	}
	_, body := get(t, app, "/metrics")
	if want := `capacityhub_http_requests_total{method="POST",route="(middleware)",status="503"} 1`; !strings.Contains(body, want) {
		t.Errorf("metrics lack %s", want)
	}
	if strings.Contains(body, `route="/",status="503"`) {
		t.Error("the refused write is counted under the route /")
	}
}

// The client address comes from X-Forwarded-For only through a trusted proxy, and then it is the
// right-most untrusted hop, not whatever the client wrote first.
func TestClientIPFromTrustedProxiesOnly(t *testing.T) {
	for _, tc := range []struct {
		name, trusted, xff, want string
	}{
		{"no proxies trusted", "", "203.0.113.9", "0.0.0.0"},
		{"trusted peer", "0.0.0.0/32", "203.0.113.9", "203.0.113.9"},
		{"spoofed left-most entry ignored", "0.0.0.0/32,10.0.0.0/8", "1.1.1.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"},
		{"garbage header", "0.0.0.0/32", "not-an-ip", "0.0.0.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app, logs := testAppWith(t, testenv.Open(t, db.SQLite), kv.NewMemory(), func(c *config.Config) {
				c.TrustedProxies, _ = parseTestProxies(tc.trusted)
			})
			// NB: app.Test's peer address is 0.0.0.0.
			get(t, app, "/en/", "X-Forwarded-For", tc.xff)
			if !strings.Contains(logs.String(), "ip="+tc.want+"\n") {
				t.Errorf("logged client ip is not %s: %s", tc.want, logs.String())
			}
		})
	}
}

// A proxy that adds its own X-Forwarded-For line (instead of appending to the client's) must not
// let the client's line decide the address.
func TestClientIPAcrossSeveralForwardedLines(t *testing.T) {
	app, logs := testAppWith(t, testenv.Open(t, db.SQLite), kv.NewMemory(), func(c *config.Config) {
		c.TrustedProxies, _ = parseTestProxies("0.0.0.0/32")
	})
	req := httptest.NewRequest(http.MethodGet, "/en/", nil)
	req.Header.Add("X-Forwarded-For", "203.0.113.66") // written by the client
	req.Header.Add("X-Forwarded-For", "198.51.100.7") // added by the proxy
	do(t, app, req)
	if !strings.Contains(logs.String(), "ip=198.51.100.7\n") {
		t.Errorf("logged client ip is not the proxy's view: %s", logs.String())
	}
}

// Rate limits count an IPv6 client by its /64: cycling through the addresses of one subscriber's
// block gives no fresh budget.
func TestIPv6ClientsShareTheirBlocksBudget(t *testing.T) {
	app, _ := testAppWith(t, testenv.Open(t, db.SQLite), kv.NewMemory(), func(c *config.Config) {
		c.TrustedProxies, _ = parseTestProxies("0.0.0.0/32")
	})
	limited := 0
	for i := range limitAnonymous.Burst + 10 {
		req := httptest.NewRequest(http.MethodGet, "/en/", nil)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i+1))
		if resp, _ := do(t, app, req); resp.StatusCode == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 10 {
		t.Errorf("%d of %d requests from one /64 were limited, want at least 10", limited, limitAnonymous.Burst+10)
	}
}

// A password-reset token in a path never reaches the log.
func TestResetTokensAreNotLogged(t *testing.T) {
	app, logs := testAppWith(t, testenv.Open(t, db.SQLite), kv.NewMemory(), nil)
	get(t, app, "/en/password/reset/SECRETTOKEN123")
	if strings.Contains(logs.String(), "SECRETTOKEN123") || !strings.Contains(logs.String(), "/en/password/reset/[redacted]") {
		t.Errorf("log: %s", logs.String())
	}
}

// Every page form refuses a request without its CSRF token, and a POST to a page that does not
// exist is a 404, not a CSRF refusal.
func TestEveryPageFormNeedsItsCSRFToken(t *testing.T) {
	app := testApp(t)
	params := regexp.MustCompile(`:[a-z]+`)
	forms := 0
	for _, r := range app.GetRoutes(true) {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Path, "/:lang/") {
			continue
		}
		forms++
		path := strings.Replace(r.Path, ":lang", "en", 1)
		path = params.ReplaceAllString(path, "x")
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := do(t, app, req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", r.Path, resp.StatusCode)
		}
	}
	if forms < 10 {
		t.Fatalf("only %d page forms found: the walk is broken", forms)
	}
	req := httptest.NewRequest(http.MethodPost, "/en/no-such-form", strings.NewReader("x=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := do(t, app, req); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST to an unknown page: %d, want 404 or 405", resp.StatusCode)
	}
}
