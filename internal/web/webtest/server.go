// Package webtest is what every web package's tests share: a test server built through the same
// wiring function serve uses (app.NewServices, app.NewWeb), browsers and API clients that sign
// in, the course fixtures, and assertions on pages and problems. Tests use it from their external
// test packages (package accountweb_test…), since it builds the whole web layer.
package webtest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/app"
	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
)

// Passwords every test account can use: strong enough for the guessability check, and unrelated
// to the test names and addresses.
const (
	Password    = "correct horse battery staple"
	NewPassword = "violet lantern river seventeen"
)

// Server is the whole web layer on a fresh database, with its services, for tests that set the
// scene behind the HTTP surface (create users, import courses, read the outbox).
type Server struct {
	*app.Services
	App *fiber.App
	// Metrics serves what the server's METRICS_ADDR would.
	Metrics http.Handler
	DB      *db.DB
	KV      kv.Store
	// Sessions is where the server keeps browser sessions (app.Sessions): the database beside
	// the in-process store, Redis otherwise.
	Sessions auth.SessionStore
	Config   *config.Config
	logs     *lockedBuilder
	mfa      *mfaKeys // the authenticator apps of the staff it enrolled (mfa.go)
}

// Option changes how New builds a server.
type Option func(*options)

type options struct {
	engine db.Dialect
	store  kv.Store
	db     *db.DB
	config func(*config.Config)
}

// On builds the server on engine: SQLite (the default) with the in-process store, or
// PostgreSQL with Redis when REDIS_URL is set (the scaled-out pairing), with the in-process
// store otherwise.
func On(engine db.Dialect) Option { return func(o *options) { o.engine = engine } }

// WithDB builds the server on this database instead of a fresh one: with another server's, it
// is that server after a restart.
func WithDB(d *db.DB) Option { return func(o *options) { o.db = d } }

// WithStore builds the server on this key-value store instead.
func WithStore(s kv.Store) Option { return func(o *options) { o.store = s } }

// WithConfig lets a test adjust the configuration before the server is built.
func WithConfig(edit func(*config.Config)) Option { return func(o *options) { o.config = edit } }

// TrustProxy makes the test client's address (0.0.0.0 under app.Test) a trusted proxy, so that
// each request's X-Forwarded-For is its client address: identities that must not share per-IP
// limits send their own.
func TrustProxy() Option {
	return WithConfig(func(c *config.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")} })
}

// New builds a server for t on a fresh database.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := options{engine: db.SQLite}
	for _, opt := range opts {
		opt(&o)
	}
	store := o.store
	if store == nil {
		if o.engine == db.Postgres && os.Getenv("REDIS_URL") != "" {
			store = testenv.Redis(t)
		} else {
			m := kv.NewMemory()
			t.Cleanup(func() { m.Close() })
			store = m
		}
	}
	d := o.db
	if d == nil {
		d = testenv.Open(t, o.engine)
	}
	base, _ := url.Parse("http://localhost:8080")
	cfg := &config.Config{Addr: ":0", BaseURL: base, DatabaseURL: "sqlite:test", LogFormat: "text",
		SecretKey: []byte(strings.Repeat("s", 32)), ContentDir: "content"}
	if o.config != nil {
		o.config(cfg)
	}
	logs := &lockedBuilder{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	svc, err := app.NewServices(cfg, d, store, log)
	if err != nil {
		t.Fatal(err)
	}
	a, metrics, err := app.NewWeb(cfg, d, store, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Shutdown() })
	return &Server{Services: svc, App: a, Metrics: metrics, DB: d, KV: store, Sessions: app.Sessions(d, store), Config: cfg, logs: logs,
		mfa: &mfaKeys{apps: map[string]*authenticator{}}}
}

// Logs is everything the server has logged so far.
func (s *Server) Logs() string { return s.logs.String() }

// lockedBuilder is a log destination that requests may write to at once.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Do sends req through app and returns the response with its body read.
func Do(t testing.TB, a *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := a.Test(req, -1)
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

// Get sends a GET for path with the given header name, value pairs.
func Get(t testing.TB, a *fiber.App, path string, headers ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return Do(t, a, req)
}

// Get sends a GET for path to the server.
func (s *Server) Get(t testing.TB, path string, headers ...string) (*http.Response, string) {
	t.Helper()
	return Get(t, s.App, path, headers...)
}

// CreateUser sets the scene: an account made by the service, with Password. A staff member
// (auth.StaffRoles) gets two-step verification turned on (EnrolMFA), since staff routes refuse
// them without it; the sign-in helpers send the code. See CreateStaffWithoutMFA.
func (s *Server) CreateUser(t testing.TB, email, name string, roles ...auth.Role) *auth.User {
	t.Helper()
	u := s.createUser(t, email, name, roles...)
	if u.IsStaff() {
		s.EnrolMFA(t, u)
	}
	return u
}

func (s *Server) createUser(t testing.TB, email, name string, roles ...auth.Role) *auth.User {
	t.Helper()
	u, err := s.Auth.Register(context.Background(), auth.Registration{Email: email, Password: Password,
		Profile: auth.Profile{Name: name, Country: "KE"}, Roles: roles})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// AgeAccount makes u's account two days old, past the stricter write limit of an account's first
// day, so that a test can send more than ten writes a minute.
func (s *Server) AgeAccount(t testing.TB, u *auth.User) {
	t.Helper()
	testenv.AgeAccount(t, s.DB, u.ID, 48*time.Hour)
	s.Auth.UsersChanged() // NB: the change bypassed the service, which keeps users in memory
}

// Token is a fresh access token for u, without the password round trip ("" for nil: anonymous).
func (s *Server) Token(t testing.TB, u *auth.User) string {
	t.Helper()
	if u == nil {
		return ""
	}
	p, err := s.Auth.IssueTokens(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p.AccessToken
}

// Outbox is every mail queued so far, oldest first, as (recipient, body) pairs.
func (s *Server) Outbox(t testing.TB) [][2]string {
	t.Helper()
	return testenv.QueuedMail(t, s.DB)
}
