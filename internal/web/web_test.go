package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/notify"
	"capacityhub/internal/testenv"
	"capacityhub/locales"
)

// testApp builds the whole web layer on a fresh SQLite database and in-process store.
func testApp(t testing.TB) *fiber.App {
	t.Helper()
	app, _ := testAppWith(t, testenv.Open(t, db.SQLite), kv.NewMemory(), nil)
	return app
}

// testAppWith builds the web layer on the given database and store; cfgEdit may adjust the
// configuration. It returns the app and its log output.
func testAppWith(t testing.TB, d *db.DB, store kv.Store, cfgEdit func(*config.Config)) (*fiber.App, *strings.Builder) {
	t.Helper()
	s := newTestServer(t, d, store, cfgEdit)
	return s.app, s.logs
}

// testServer is the web layer with its services, for tests that need to reach behind the HTTP
// surface (create users, read the outbox).
type testServer struct {
	app     *fiber.App
	db      *db.DB
	kv      kv.Store
	auth    *auth.Service
	courses *course.Service
	outbox  *notify.Outbox
	logs    *strings.Builder
	cfg     *config.Config
}

func newTestServer(t testing.TB, d *db.DB, store kv.Store, cfgEdit func(*config.Config)) *testServer {
	t.Helper()
	bundle, err := i18n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://localhost:8080")
	cfg := &config.Config{Addr: ":0", BaseURL: base, DatabaseURL: "sqlite:test", LogFormat: "text",
		SecretKey: []byte(strings.Repeat("s", 32)), ContentDir: "content"}
	if cfgEdit != nil {
		cfgEdit(cfg)
	}
	logs := &strings.Builder{}
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil))
	outbox, err := notify.NewOutbox(d, "", log)
	if err != nil {
		t.Fatal(err)
	}
	auditLog := moderation.NewAuditLog(d)
	accounts := auth.New(auth.Config{DB: d, KV: store, Secret: cfg.SecretKey, BaseURL: cfg.BaseURL.String(),
		Auditor: auditLog, Mailer: outbox, Logger: log})
	courses := course.New(d, auditLog, log)
	app, err := New(Deps{Config: cfg, DB: d, KV: store, I18n: bundle, Logger: log, Auth: accounts, Audit: auditLog, Courses: courses})
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := store.(*kv.Memory); ok {
		t.Cleanup(func() { m.Close() }) // testenv.Redis closes the Redis stores it gives out
	}
	return &testServer{app: app, db: d, kv: store, auth: accounts, courses: courses, outbox: outbox, logs: logs, cfg: cfg}
}

// do sends req through the app and returns the response with its body read.
func do(t testing.TB, app *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, string(body)
}

func get(t testing.TB, app *fiber.App, path string, headers ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, app, req)
}

// openAPIParam turns a Fiber route parameter (:slug) into its OpenAPI form ({slug}).
var openAPIParam = regexp.MustCompile(`:([A-Za-z_]+)`)

func parseTestProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
