package accountweb_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/paging"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// Input of any length, up to the 1 MiB body limit, leaves only bounded traces: rate-limit keys,
// audit entries and log lines hold at most auth.MaxEmailBytes of an address; over-long passwords
// are refused before any hashing; over-long fields of the account forms are 422 naming the field,
// with nothing stored.

// keyRecorder is a store that notes the longest key it is asked about.
type keyRecorder struct {
	kv.Store
	mu      sync.Mutex
	longest string
}

func (r *keyRecorder) note(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(key) > len(r.longest) {
		r.longest = key
	}
}

// reset forgets the keys seen so far and returns the longest of them.
func (r *keyRecorder) reset() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.longest
	r.longest = ""
	return k
}

func (r *keyRecorder) Get(ctx context.Context, key string) ([]byte, error) {
	r.note(key)
	return r.Store.Get(ctx, key)
}

func (r *keyRecorder) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	r.note(key)
	return r.Store.Set(ctx, key, value, ttl)
}

func (r *keyRecorder) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	r.note(key)
	return r.Store.SetNX(ctx, key, value, ttl)
}

func (r *keyRecorder) Take(ctx context.Context, key string) ([]byte, error) {
	r.note(key)
	return r.Store.Take(ctx, key)
}

func (r *keyRecorder) Delete(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		r.note(k)
	}
	return r.Store.Delete(ctx, keys...)
}

func (r *keyRecorder) Incr(ctx context.Context, key string) (int64, error) {
	r.note(key)
	return r.Store.Incr(ctx, key)
}

func (r *keyRecorder) Allow(ctx context.Context, key string, l kv.Limit) (kv.Result, error) {
	r.note(key)
	return r.Store.Allow(ctx, key, l)
}

func (r *keyRecorder) AllowAtMost(ctx context.Context, key string, l kv.Limit, n int) (kv.Result, error) {
	r.note(key)
	return r.Store.AllowAtMost(ctx, key, l, n)
}

// recordingServer is a test server on engine (with Redis under PostgreSQL when REDIS_URL is set,
// as webtest.On) whose store notes its longest key.
func recordingServer(t *testing.T, engine db.Dialect) (*webtest.Server, *keyRecorder) {
	rec := &keyRecorder{}
	if engine == db.Postgres && os.Getenv("REDIS_URL") != "" {
		rec.Store = testenv.Redis(t)
	} else {
		m := kv.NewMemory()
		t.Cleanup(func() { m.Close() })
		rec.Store = m
	}
	return webtest.New(t, webtest.On(engine), webtest.WithStore(rec)), rec
}

// maxKeyBytes is the longest key an address may make: the longest prefix
// ("audited:signin-limited:") and the bounded address.
const maxKeyBytes = len("audited:signin-limited:") + auth.MaxEmailBytes

func TestOverLongSignInLeavesBoundedTraces(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("a", 1_000_000) + "@example.org" // within the 1 MiB body limit
	hugePassword := strings.Repeat("p", 1_000_000)
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv, rec := recordingServer(t, engine)
		admin := srv.CreateUser(t, "admin@example.org", "Ada Admin", auth.RoleAdmin)
		srv.CreateUser(t, "amina@example.org", "Amina Diallo")
		api := func(email, password string) *http.Response {
			resp, _ := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": email, "password": password})
			return resp
		}
		form := func(email, password string) *http.Response {
			resp, _ := srv.Browser(t).Submit("/en/login", "/en/login", url.Values{"email": {email}, "password": {password}})
			return resp
		}
		for _, tc := range []struct {
			name     string
			send     func(email, password string) *http.Response
			email    string
			password string
			tries    int // past the address's burst (5) the limit refuses, and that is audited
			status   int // of the last try
		}{
			{"API, 1 MB address", api, huge, webtest.Password, 1, http.StatusUnauthorized},
			{"form, 1 MB address", form, "B" + huge, webtest.Password, 1, http.StatusUnauthorized},
			{"API, 1 MB address until the limit refuses", api, "c" + huge, webtest.Password, 7, http.StatusTooManyRequests},
			{"form, 1 MB address until the limit refuses", form, "d" + huge, webtest.Password, 7, http.StatusTooManyRequests},
			// NB: that no hash of it is computed is tested in auth (TestOverLongInputIsNotHashed):
			// under -race, reading a 1 MB body takes longer here than a hash.
			{"API, 1 MB password of a real account", api, "amina@example.org", hugePassword, 1, http.StatusUnauthorized},
			{"form, 1 MB password of a real account", form, "Amina@example.org", hugePassword, 1, http.StatusUnauthorized},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec.reset()
				var resp *http.Response
				for range tc.tries {
					resp = tc.send(tc.email, tc.password)
				}
				if resp.StatusCode != tc.status {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
				}
				if k := rec.reset(); len(k) > maxKeyBytes {
					t.Errorf("a store key of %d bytes (%.40q...), want at most %d", len(k), k, maxKeyBytes)
				}
				p, err := srv.Audit.List(context.Background(), admin, "auth.signin", paging.First(100))
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range p.Items {
					if len(e.Target) > auth.MaxEmailBytes || len(e.Detail) > moderation.MaxDetailBytes {
						t.Errorf("audit entry %s: target %d bytes, detail %d", e.Action, len(e.Target), len(e.Detail))
					}
				}
				if tc.tries > 5 && (len(p.Items) == 0 || p.Items[0].Action != "auth.signin_limited") {
					t.Errorf("the limit's refusal is not audited: %+v", p.Items)
				}
				if strings.Contains(srv.Logs(), strings.Repeat("a", auth.MaxEmailBytes+1)) {
					t.Error("the log holds more than 254 bytes of the address")
				}
			})
		}
		srv.SignInAPI(t, "amina@example.org", webtest.Password) // over-long attempts did not lock her out
	})
}

func TestOverLongAccountFieldsAreRefused(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("a", 1_000_000)
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv, rec := recordingServer(t, engine)
		admin := srv.CreateUser(t, "admin@example.org", "Ada Admin", auth.RoleAdmin)
		amina := srv.CreateUser(t, "amina@example.org", "Amina Diallo")
		signedIn := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
		register := func(edit func(map[string]any)) (*http.Response, string) {
			body := registrationBody("new@example.org")
			edit(body)
			return webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/register", "", body)
		}
		submit := func(b *webtest.Browser, page, action string, form url.Values) (*http.Response, string) {
			return b.Submit(page, action, form)
		}
		for _, tc := range []struct {
			name  string
			send  func() (*http.Response, string)
			field string
			key   string // the message beside the field (forms)
		}{
			{"registration, 1 MB address", func() (*http.Response, string) {
				return register(func(b map[string]any) { b["email"] = huge + "@example.org" })
			}, "email", ""},
			{"registration, 255-byte address", func() (*http.Response, string) {
				return register(func(b map[string]any) { b["email"] = strings.Repeat("a", 243) + "@example.org" })
			}, "email", ""},
			{"registration, 1 MB password", func() (*http.Response, string) {
				return register(func(b map[string]any) { b["password"] = huge })
			}, "password", ""},
			{"registration, 101-character name", func() (*http.Response, string) {
				return register(func(b map[string]any) { b["name"] = strings.Repeat("é", 101) })
			}, "name", ""},
			{"registration, 201-character organization", func() (*http.Response, string) {
				return register(func(b map[string]any) { b["organization"] = strings.Repeat("o", 201) })
			}, "organization", ""},
			{"profile form, 1 MB name", func() (*http.Response, string) {
				return submit(signedIn, "/en/me", "/en/me", url.Values{"name": {huge}, "language": {"en"}})
			}, "name", "field.too_long"},
			{"profile form, 1 MB organization", func() (*http.Response, string) {
				return submit(signedIn, "/en/me", "/en/me", url.Values{"name": {"Amina"}, "organization": {huge}, "language": {"en"}})
			}, "organization", "field.too_long"},
			{"password change, 1 MB current password", func() (*http.Response, string) {
				return submit(signedIn, "/en/me", "/en/me/password", url.Values{"current_password": {huge}, "password": {webtest.NewPassword}})
			}, "current_password", "auth.password.too_long"},
			{"password reset request, 1 MB address", func() (*http.Response, string) {
				return submit(srv.Browser(t), "/en/password/forgot", "/en/password/forgot", url.Values{"email": {huge + "@example.org"}})
			}, "email", "field.too_long"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec.reset()
				resp, body := tc.send()
				if tc.key == "" {
					webtest.WantProblem(t, resp, body, http.StatusUnprocessableEntity, tc.field)
				} else {
					msg := webtest.Text(t, "en", tc.key, map[string]any{"Max": auth.MaxEmailBytes})
					if tc.field != "email" {
						msg = webtest.Text(t, "en", tc.key, map[string]any{"Max": map[string]int{"name": 100, "organization": 200}[tc.field]})
					}
					if resp.StatusCode != http.StatusUnprocessableEntity || formFieldErrors(body)[tc.field] != msg {
						t.Errorf("status %d, errors %v; want 422 with %q beside %s", resp.StatusCode, formFieldErrors(body), msg, tc.field)
					}
				}
				if k := rec.reset(); len(k) > maxKeyBytes {
					t.Errorf("a store key of %d bytes, want at most %d", len(k), maxKeyBytes)
				}
			})
		}
		// Nothing stored: no new account, Amina's profile as it was, no mail, no large audit entry.
		users, err := srv.Auth.ListUsers(context.Background(), admin, "", paging.First(10))
		if err != nil || len(users.Items) != 2 {
			t.Errorf("accounts after the refusals: %v %d, want the 2 made by the test", err, len(users.Items))
		}
		if u, err := srv.Auth.User(context.Background(), amina.ID); err != nil || u.Name != "Amina Diallo" || u.Organization != "" {
			t.Errorf("Amina after the refused profile changes: %+v %v", u, err)
		}
		if mail := srv.Outbox(t); len(mail) != 0 {
			t.Errorf("mail sent: %v", mail)
		}
		p, err := srv.Audit.List(context.Background(), admin, "", paging.First(100))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Items {
			if len(e.Target) > auth.MaxEmailBytes || len(e.Detail) > moderation.MaxDetailBytes {
				t.Errorf("audit entry %s: target %d bytes, detail %d", e.Action, len(e.Target), len(e.Detail))
			}
		}
		srv.SignInAPI(t, "amina@example.org", webtest.Password) // her password unchanged
	})
}
