package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/config"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web"
	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

func TestAPIAnswersProblemsForUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
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
			resp, body := webtest.Do(t, app, httptest.NewRequest(tc.method, tc.path, nil))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			webtest.DecodeProblem(t, resp, body)
		})
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	req := httptest.NewRequest(http.MethodPost, "/api/v1/anything", strings.NewReader(strings.Repeat("x", web.BodyLimit+1)))
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
	t.Parallel()
	app := webtest.New(t).App
	resp, body := webtest.Get(t, app, "/api/openapi.json")
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
	// Every API route in the route table is documented (paths are relative to /api/v1), with an
	// operationId of its own, and says truly whether it needs a token: an operation anyone may
	// call allows no credentials (security [] or an empty requirement {}), the others require the
	// bearer token (routeAccess says who may call each route).
	ids := map[string]string{}
	for _, r := range app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == http.MethodHead {
			continue
		}
		p := strings.TrimPrefix(r.Path, "/api/v1")
		p = openAPIParam.ReplaceAllString(p, "{$1}")
		var ops map[string]*struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
		}
		if err := json.Unmarshal(doc.Paths[p], &ops); err != nil || ops[strings.ToLower(r.Method)] == nil {
			t.Errorf("%s %s is not in the OpenAPI document", r.Method, r.Path)
			continue
		}
		op := ops[strings.ToLower(r.Method)]
		route := r.Method + " " + r.Path
		if other, dup := ids[op.OperationID]; op.OperationID == "" || dup {
			t.Errorf("%s: operationId %q, missing or also %s's", route, op.OperationID, other)
		}
		ids[op.OperationID] = route
		anonymous, bearer := len(op.Security) == 0, false
		for _, req := range op.Security {
			anonymous = anonymous || len(req) == 0
			_, has := req["bearer"]
			bearer = bearer || has
		}
		rule, ok := routeAccess[route]
		switch {
		case !ok:
			t.Errorf("%s is not in routeAccess", route)
		case rule.who.signedIn && (anonymous || !bearer):
			t.Errorf("%s needs a signed-in caller, but its security %v does not require the bearer token", route, op.Security)
		case !rule.who.signedIn && !anonymous:
			t.Errorf("%s is open to anyone, but its security %v requires credentials", route, op.Security)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		srv := webtest.New(t, webtest.On(engine))
		d, app := srv.DB, srv.App
		if resp, body := webtest.Get(t, app, "/healthz"); resp.StatusCode != 200 || body != "ok" {
			t.Errorf("healthz: %d %q", resp.StatusCode, body)
		}
		if resp, body := webtest.Get(t, app, "/readyz"); resp.StatusCode != 200 || !strings.Contains(body, `"database":"ok"`) {
			t.Errorf("readyz: %d %s", resp.StatusCode, body)
		}
		d.Close() // the database goes away
		// The last check stands for a second, however many ask: no flood of pings.
		if resp, _ := webtest.Get(t, app, "/readyz"); resp.StatusCode != http.StatusOK {
			t.Errorf("readyz within a second of a good check: %d, want the check's 200", resp.StatusCode)
		}
		time.Sleep(1100 * time.Millisecond)
		resp, body := webtest.Get(t, app, "/readyz")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"database":"unavailable"`) {
			t.Errorf("readyz with the database down: %d %s", resp.StatusCode, body)
		}
		if resp, _ := webtest.Get(t, app, "/healthz"); resp.StatusCode != 200 {
			t.Error("healthz must not depend on the database")
		}
	})
}

// With Redis unreachable, /readyz says so (503) instead of hanging or answering 200.
func TestReadinessWithRedisDown(t *testing.T) {
	t.Parallel()
	down, err := kv.NewRedis("redis://127.0.0.1:1/0", "x:")
	if err != nil {
		t.Fatal(err)
	}
	app := webtest.New(t, webtest.WithStore(down)).App
	resp, body := webtest.Get(t, app, "/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"kv":"unavailable"`) {
		t.Errorf("readyz with Redis down: %d %s", resp.StatusCode, body)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	app := srv.App
	webtest.Get(t, app, "/en/")
	webtest.Get(t, app, "/fr/")
	webtest.Get(t, app, "/en/random-scanner-path")
	webtest.Get(t, app, "/")
	body := metricsText(t, srv)
	if resp, _ := webtest.Get(t, app, "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d, want 404 (it lives on METRICS_ADDR)", resp.StatusCode)
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
	t.Parallel()
	down, err := kv.NewRedis("redis://127.0.0.1:1/0", "x:")
	if err != nil {
		t.Fatal(err)
	}
	srv := webtest.New(t, webtest.WithStore(down))
	app := srv.App
	req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, _ := webtest.Do(t, app, req); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a write with Redis down: %d, want 503", resp.StatusCode)
	}
	body := metricsText(t, srv)
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
	t.Parallel()
	for _, tc := range []struct {
		name, trusted, xff, want string
	}{
		{"no proxies trusted", "", "203.0.113.9", "0.0.0.0"},
		{"trusted peer", "0.0.0.0/32", "203.0.113.9", "203.0.113.9"},
		{"spoofed left-most entry ignored", "0.0.0.0/32,10.0.0.0/8", "1.1.1.1, 203.0.113.9, 10.0.0.5", "203.0.113.9"},
		{"garbage header", "0.0.0.0/32", "not-an-ip", "0.0.0.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := webtest.New(t, webtest.WithConfig(func(c *config.Config) {
				c.TrustedProxies = prefixes(tc.trusted)
			}))
			app := srv.App
			// NB: app.Test's peer address is 0.0.0.0.
			webtest.Get(t, app, "/en/", "X-Forwarded-For", tc.xff)
			if !strings.Contains(srv.Logs(), "ip="+tc.want+"\n") {
				t.Errorf("logged client ip is not %s: %s", tc.want, srv.Logs())
			}
		})
	}
}

// A proxy that adds its own X-Forwarded-For line (instead of appending to the client's) must not
// let the client's line decide the address.
func TestClientIPAcrossSeveralForwardedLines(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t, webtest.TrustProxy())
	app := srv.App
	req := httptest.NewRequest(http.MethodGet, "/en/", nil)
	req.Header.Add("X-Forwarded-For", "203.0.113.66") // written by the client
	req.Header.Add("X-Forwarded-For", "198.51.100.7") // added by the proxy
	webtest.Do(t, app, req)
	if !strings.Contains(srv.Logs(), "ip=198.51.100.7\n") {
		t.Errorf("logged client ip is not the proxy's view: %s", srv.Logs())
	}
}

// Rate limits count an IPv6 client by its /64: cycling through the addresses of one subscriber's
// block gives no fresh budget.
func TestIPv6ClientsShareTheirBlocksBudget(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, webtest.TrustProxy()).App
	limit := site.AnonymousLimit
	n, served := limit.Burst+30, 0
	start := time.Now()
	for i := range n {
		req := httptest.NewRequest(http.MethodGet, "/en/", nil)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i+1))
		if resp, _ := webtest.Do(t, app, req); resp.StatusCode != http.StatusTooManyRequests {
			served++
		}
	}
	// NB: the budget refills as the requests go (slowly, under the race detector and other tests),
	// so a block may be served its burst plus what refilled meanwhile, and no more.
	refill := int(time.Since(start)*time.Duration(limit.Rate)/limit.Period) + 1
	if most := limit.Burst + site.AnonymousFreeReads + refill; served > most {
		t.Errorf("%d of %d requests from one /64 were served, want at most %d (the burst, the node's free reads and what refilled)", served, n, most)
	}
}

// A password-reset token in a path never reaches the log.
func TestResetTokensAreNotLogged(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	app := srv.App
	webtest.Get(t, app, "/en/password/reset/SECRETTOKEN123")
	if strings.Contains(srv.Logs(), "SECRETTOKEN123") || !strings.Contains(srv.Logs(), "/en/password/reset/[redacted]") {
		t.Errorf("log: %s", srv.Logs())
	}
}

// Every page form refuses a request without its CSRF token, and a POST to a page that does not
// exist is a 404, not a CSRF refusal.
func TestEveryPageFormNeedsItsCSRFToken(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
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
		if resp, _ := webtest.Do(t, app, req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", r.Path, resp.StatusCode)
		}
	}
	if forms < 10 {
		t.Fatalf("only %d page forms found: the walk is broken", forms)
	}
	// A form of a language the site does not speak is a page that does not exist.
	req := httptest.NewRequest(http.MethodPost, "/xx/login", strings.NewReader("email=a@example.org"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := webtest.Do(t, app, req); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /xx/login: %d, want 404", resp.StatusCode)
	}
	req = httptest.NewRequest(http.MethodPost, "/en/no-such-form", strings.NewReader("x=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := webtest.Do(t, app, req); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST to an unknown page: %d, want 404 or 405", resp.StatusCode)
	}
}

// A problem's detail is in the request's language (?lang=, else Accept-Language), as its field
// messages are, whichever layer refused the request: a domain's error, a guard, the edge.
func TestProblemDetailsSpeakTheRequestsLanguage(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.ImportCourses(t, webtest.RadioBasics)
	learner := srv.CreateUser(t, "learner@example.org", "Amina Diallo")
	for _, tc := range []struct {
		name, method, path, bearer, lang string
		status                           int
		key                              string
	}{
		{"a cursor no list gave out", "GET", "/api/v1/courses?cursor=__4&lang=fr", "", "fr", 400, "paging.cursor_invalid"},
		{"no sign-in", "GET", "/api/v1/me?lang=ar", "", "ar", 401, "auth.error.unauthenticated"},
		{"a role the learner lacks", "POST", "/api/v1/courses/radio-basics/publish?lang=es", srv.Token(t, learner), "es", 403, "course.error.forbidden"},
		{"no such course", "GET", "/api/v1/courses/no-such-course", "", "ru", 404, "course.error.not_found"},
		{"no such route", "GET", "/api/v1/no-such-thing?lang=zh", "", "zh", 404, "error.detail.not_found"},
		{"a bad bearer token", "GET", "/api/v1/me?lang=fr", "not-a-token", "fr", 401, "error.detail.access_token_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if !strings.Contains(tc.path, "lang=") {
				req.Header.Set("Accept-Language", tc.lang)
			}
			if tc.bearer != "" {
				req.Header.Set("Authorization", "Bearer "+tc.bearer)
			}
			resp, body := webtest.Do(t, srv.App, req)
			p := webtest.WantProblem(t, resp, body, tc.status)
			if want := webtest.Text(t, tc.lang, tc.key); p.Detail != want {
				t.Errorf("detail %q, want %q (%s)", p.Detail, want, tc.lang)
			}
			if got := resp.Header.Get("Content-Language"); got != tc.lang {
				t.Errorf("Content-Language %q, want %s", got, tc.lang)
			}
		})
	}
}

// metricsText is what the server's METRICS_ADDR would answer.
func metricsText(t *testing.T, srv *webtest.Server) string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.Metrics.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("metrics: %d", rec.Code)
	}
	return rec.Body.String()
}
