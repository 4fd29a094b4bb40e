package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/fault"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/notify"
	"capacityhub/internal/paging"
	"capacityhub/internal/testenv"
	"capacityhub/internal/validate"
)

// fakeMailer keeps what it is given.
type fakeMailer struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (f *fakeMailer) Enqueue(_ context.Context, m notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return nil
}

type env struct {
	s    *Service
	db   *db.DB
	mail *fakeMailer
	now  *time.Time
	kv   kv.Store
}

func newEnv(t *testing.T, d *db.DB, store kv.Store) *env {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	e := &env{db: d, mail: &fakeMailer{}, now: &now, kv: store}
	e.s = New(Config{DB: d, KV: store, Secret: []byte(strings.Repeat("k", 32)), BaseURL: "https://hub.example.org",
		Auditor: moderation.NewAuditLog(d), Mailer: e.mail, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.s.now = func() time.Time { return *e.now }
	return e
}

// each runs fn on SQLite with the in-process store, and on PostgreSQL with Redis when both are
// configured.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite+memory", func(t *testing.T) {
		m := kv.NewMemory()
		t.Cleanup(func() { m.Close() })
		fn(t, newEnv(t, testenv.Open(t, db.SQLite), m))
	})
	t.Run("postgres+redis", func(t *testing.T) {
		d := testenv.Open(t, db.Postgres)
		fn(t, newEnv(t, d, testenv.Redis(t)))
	})
}

const goodPassword = "ndovu kubwa inakimbia"

func (e *env) register(t *testing.T, email string, roles ...Role) *User {
	t.Helper()
	u, err := e.s.Register(context.Background(), Registration{Email: email, Password: goodPassword, Roles: roles,
		Profile: Profile{Name: "Amina Diallo", Country: "sn", Language: "fr"}})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	// NB: staff act only with two-step verification on (User.Has); the service judges the actor
	// it is given, so the staff of these tests are taken to have turned it on.
	u.MFA = u.IsStaff()
	return u
}

func TestRegisterValidatesEveryField(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, err := e.s.Register(context.Background(), Registration{Email: "not-an-address", Password: "short",
			Profile: Profile{Name: strings.Repeat("x", 101), Country: "XX", OrganizationType: "club", Language: "de"}})
		var ve validate.Errors
		if !errors.As(err, &ve) {
			t.Fatalf("want validate.Errors, got %v", err)
		}
		for _, field := range []string{"email", "password", "name", "country", "organization_type", "language"} {
			if _, ok := ve.For(field); !ok {
				t.Errorf("no error for %s in %v", field, ve)
			}
		}
		var n int
		_ = e.db.R.QueryRow("SELECT COUNT(*) FROM users").Scan(&n)
		if n != 0 {
			t.Errorf("an invalid registration left %d rows", n)
		}
	})
}

func TestRegisterNormalizesAndRejectsDuplicates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		u := e.register(t, "  Amina.Diallo@Example.SN ")
		if u.Email != "amina.diallo@example.sn" || u.Country != "SN" || !u.Has(RoleLearner) || u.Has(RoleExpert) {
			t.Errorf("stored %+v", u)
		}
		_, err := e.s.Register(context.Background(), Registration{Email: "AMINA.DIALLO@example.sn", Password: goodPassword,
			Profile: Profile{Name: "Other", Country: "SN"}})
		if !errors.Is(err, ErrEmailTaken) {
			t.Fatalf("second registration with another case: %v, want ErrEmailTaken", err)
		}
	})
}

func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		name, password string
		want           string // i18n key, "" when accepted
	}{
		{"common", "password1", "auth.password.common"},
		{"digits", "12345678", "auth.password.common"},
		{"keyboard", "qwertyuiop", "auth.password.common"},
		{"seven runes", "abcdéf1", "auth.password.too_short"},
		{"own address", "amina.diallo2026", "auth.password.common"},
		{"arabic passphrase", "كلمة سر طويلة جدا", ""},
		{"chinese passphrase", "我的密码很长很安全啊", ""},
		{"long passphrase", strings.Repeat("spectrum monitoring ", 20), ""},
		{"too long", strings.Repeat("a", maxPasswordBytes+1), "auth.password.too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs validate.Errors
			checkPassword(&errs, "password", tc.password, "amina.diallo@example.sn", "Amina Diallo")
			got := ""
			if fe, ok := errs.For("password"); ok {
				got = fe.Key
			}
			if got != tc.want {
				t.Errorf("checkPassword(%.20q…) = %q, want %q", tc.password, got, tc.want)
			}
		})
	}
}

func TestAuthenticate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		long := strings.Repeat("ligne de vue radio ", 10) // 190 characters: never truncated
		u, err := e.s.Register(ctx, Registration{Email: "x@example.org", Password: long, Profile: Profile{Name: "X", Country: "FR"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Authenticate(ctx, "X@EXAMPLE.ORG", long); err != nil {
			t.Errorf("right password refused: %v", err)
		}
		for _, tc := range []struct{ name, email, password string }{
			{"wrong password", "x@example.org", "nope nope nope"},
			{"truncated password", "x@example.org", long[:72]},
			{"unknown address", "nobody@example.org", long},
		} {
			if _, err := e.s.Authenticate(ctx, tc.email, tc.password); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("%s: %v, want ErrBadCredentials", tc.name, err)
			}
		}
		// NFKC: the full-width digits a phone keyboard may produce are the same password.
		if _, err := e.s.Register(ctx, Registration{Email: "w@example.org", Password: "radio spectrum 2026",
			Profile: Profile{Name: "W", Country: "FR"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Authenticate(ctx, "w@example.org", "radio spectrum ２０２６"); err != nil {
			t.Errorf("NFKC-equivalent password refused: %v", err)
		}
		admin := e.register(t, "admin@example.org", RoleAdmin)
		if err := e.s.SetDisabled(ctx, admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Authenticate(ctx, "x@example.org", long); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("disabled account signed in: %v", err)
		}
		var failures int
		_ = e.db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.signin_failed'").Scan(&failures)
		if failures != 4 {
			t.Errorf("%d sign-in failures audited, want 4", failures)
		}
	})
}

func TestTokensRotateAndReuseRevokesTheFamily(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.register(t, "t@example.org")
		first, err := e.s.IssueTokens(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		claims, err := e.s.ParseAccessToken(ctx, first.AccessToken)
		if err != nil || claims.Subject != u.ID {
			t.Fatalf("parse: %v %+v", err, claims)
		}
		second, err := e.s.Refresh(ctx, first.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Refresh(ctx, first.RefreshToken); !errors.Is(err, ErrTokenReused) {
			t.Fatalf("reusing a rotated token: %v, want ErrTokenReused", err)
		}
		if _, err := e.s.Refresh(ctx, second.RefreshToken); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("the family's newest token survived the reuse: %v", err)
		}
		// The access tokens of the family die with it: the thief may hold the newest one.
		for _, access := range []string{first.AccessToken, second.AccessToken} {
			if _, err := e.s.ParseAccessToken(ctx, access); !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("an access token of the revoked family still works: %v", err)
			}
		}
		admin := e.register(t, "admin@example.org", RoleAdmin)
		page, err := moderation.NewAuditLog(e.db).List(ctx, admin, "auth.refresh_reused", paging.First(10))
		if err != nil || len(page.Items) != 1 || page.Items[0].Target != u.ID {
			t.Fatalf("audit log of the reuse: %+v, %v; want one entry naming the user", page.Items, err)
		}
		// Another sign-in's family is untouched, access tokens included.
		other, _ := e.s.IssueTokens(ctx, u)
		if _, err := e.s.ParseAccessToken(ctx, other.AccessToken); err != nil {
			t.Fatalf("an unrelated sign-in's access token was revoked: %v", err)
		}
		if _, err := e.s.Refresh(ctx, other.RefreshToken); err != nil {
			t.Fatalf("an unrelated family was revoked: %v", err)
		}
	})
}

// Two clients racing to exchange one refresh token: one wins, the other is told of the reuse.
func TestConcurrentRefreshHasOneWinner(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		pair, _ := e.s.IssueTokens(ctx, e.register(t, "r@example.org"))
		var wg sync.WaitGroup
		results := make([]error, 8)
		pairs := make([]TokenPair, 8)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pairs[i], results[i] = e.s.Refresh(ctx, pair.RefreshToken)
			}()
		}
		wg.Wait()
		ok, reused, winner := 0, 0, TokenPair{}
		for i, err := range results {
			switch {
			case err == nil:
				ok++
				winner = pairs[i]
			case errors.Is(err, ErrTokenReused):
				reused++
			case !errors.Is(err, ErrInvalidToken): // came after the family was revoked
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok > 1 || reused == 0 {
			t.Fatalf("%d refreshes succeeded and %d saw the reuse; want at most 1 and at least 1", ok, reused)
		}
		// The race is a reuse: the family is revoked, the winner's new token with it.
		if ok == 1 {
			if _, err := e.s.Refresh(ctx, winner.RefreshToken); err == nil {
				t.Fatal("the family survived a raced reuse")
			}
		}
	})
}

// Rotating refresh tokens cannot keep one sign-in alive for ever.
func TestRefreshFamilyHasAnAbsoluteEnd(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		pair, err := e.s.IssueTokens(ctx, e.register(t, "f@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		for day := 29; day < int(RefreshFamilyMaxAge/(24*time.Hour)); day += 29 {
			*e.now = e.now.Add(29 * 24 * time.Hour)
			if pair, err = e.s.Refresh(ctx, pair.RefreshToken); err != nil {
				t.Fatalf("day %d: %v", day, err)
			}
		}
		*e.now = e.now.Add(5 * 24 * time.Hour) // past the family's 90 days, within the token's 30
		if _, err := e.s.Refresh(ctx, pair.RefreshToken); !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("a sign-in older than %v still refreshes: %v", RefreshFamilyMaxAge, err)
		}
	})
}

func TestAccessTokenExpiresAndLogoutRevokes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.register(t, "a@example.org")
		pair, _ := e.s.IssueTokens(ctx, u)
		*e.now = e.now.Add(AccessTokenTTL + time.Minute)
		if _, err := e.s.ParseAccessToken(ctx, pair.AccessToken); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("expired token accepted: %v", err)
		}
		*e.now = time.Now()
		pair, _ = e.s.IssueTokens(ctx, u)
		claims, err := e.s.ParseAccessToken(ctx, pair.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.Logout(ctx, claims, pair.RefreshToken); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.ParseAccessToken(ctx, pair.AccessToken); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("access token works after sign-out: %v", err)
		}
		if _, err := e.s.Refresh(ctx, pair.RefreshToken); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("refresh token works after sign-out: %v", err)
		}

		// A client that signs out with its access token alone ends its sign-in all the same,
		// and no other.
		pair, _ = e.s.IssueTokens(ctx, u)
		other, _ := e.s.IssueTokens(ctx, u)
		claims, _ = e.s.ParseAccessToken(ctx, pair.AccessToken)
		if err := e.s.Logout(ctx, claims, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Refresh(ctx, pair.RefreshToken); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("refresh token works after signing out with the access token: %v", err)
		}
		if _, err := e.s.ParseAccessToken(ctx, other.AccessToken); err != nil {
			t.Errorf("signing out one sign-in revoked another's access token: %v", err)
		}
		if _, err := e.s.Refresh(ctx, other.RefreshToken); err != nil {
			t.Errorf("signing out one sign-in revoked another's refresh token: %v", err)
		}
	})
}

// ttlRecorder is a store that notes the time to live of every key set.
type ttlRecorder struct {
	kv.Store
	mu  sync.Mutex
	ttl map[string]time.Duration
}

func (r *ttlRecorder) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	r.mu.Lock()
	r.ttl[key] = ttl
	r.mu.Unlock()
	return r.Store.Set(ctx, key, value, ttl)
}

// Signing out with an old access token still revokes the newest one of the sign-in, for as long
// as that one lives: the revocation is the sign-in's, not the old token's.
func TestLogoutOutlivesEveryTokenOfTheSignIn(t *testing.T) {
	m := kv.NewMemory()
	defer m.Close()
	rec := &ttlRecorder{Store: m, ttl: map[string]time.Duration{}}
	e := newEnv(t, testenv.Open(t, db.SQLite), rec)
	ctx := context.Background()
	u := e.register(t, "old-token@example.org")
	*e.now = time.Now().Add(-14 * time.Minute) // the first token is nearly expired
	first, err := e.s.IssueTokens(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	*e.now = time.Now()
	if _, err := e.s.Refresh(ctx, first.RefreshToken); err != nil {
		t.Fatal(err)
	}
	claims, err := e.s.ParseAccessToken(ctx, first.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.Logout(ctx, claims, ""); err != nil {
		t.Fatal(err)
	}
	if ttl := rec.ttl[familyKey(claims.Family)]; ttl < AccessTokenTTL {
		t.Errorf("the sign-in's revocation lasts %v, shorter than a fresh access token's %v", ttl, AccessTokenTTL)
	}
}

// A sign-out and a refresh of the same sign-in at the same moment: whichever goes first, nothing
// of the sign-in works afterwards.
func TestLogoutRacingRefreshLeavesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.register(t, "race@example.org")
		for i := range 40 {
			pair, err := e.s.IssueTokens(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			claims, err := e.s.ParseAccessToken(ctx, pair.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var fresh TokenPair
			var refreshErr, logoutErr error
			wg.Add(2)
			go func() { defer wg.Done(); fresh, refreshErr = e.s.Refresh(ctx, pair.RefreshToken) }()
			go func() { defer wg.Done(); logoutErr = e.s.Logout(ctx, claims, "") }()
			wg.Wait()
			if logoutErr != nil {
				t.Fatalf("round %d: sign-out: %v", i, logoutErr)
			}
			if refreshErr != nil {
				if !errors.Is(refreshErr, ErrInvalidToken) {
					t.Fatalf("round %d: refresh: %v", i, refreshErr)
				}
				continue // the sign-out went first
			}
			if _, err := e.s.Refresh(ctx, fresh.RefreshToken); !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("round %d: the refresh token issued during the sign-out still works: %v", i, err)
			}
			if _, err := e.s.ParseAccessToken(ctx, fresh.AccessToken); !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("round %d: the access token issued during the sign-out still works: %v", i, err)
			}
		}
	})
}

// A password change, a role change or disabling the account ends every session and token.
func TestSecurityChangesEndEverySession(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.register(t, "root@example.org", RoleAdmin)
		for _, tc := range []struct {
			name   string
			change func(u *User) error
		}{
			{"password", func(u *User) error { return e.s.ChangePassword(ctx, u, goodPassword, "un mot de passe tout neuf") }},
			{"roles", func(u *User) error { return e.s.SetRoles(ctx, admin, u.ID, []Role{RoleExpert}) }},
			{"disabled", func(u *User) error { return e.s.SetDisabled(ctx, admin, u.ID, true) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				u := e.register(t, tc.name+"@example.org")
				session, err := e.s.StartSession(ctx, u)
				if err != nil {
					t.Fatal(err)
				}
				pair, _ := e.s.IssueTokens(ctx, u)
				claims, _ := e.s.ParseAccessToken(ctx, pair.AccessToken)
				if _, err := e.s.SessionUser(ctx, session); err != nil { // NB: now the user is kept in memory
					t.Fatal(err)
				}
				if err := tc.change(u); err != nil {
					t.Fatal(err)
				}
				if _, err := e.s.SessionUser(ctx, session); !errors.Is(err, ErrSessionExpired) {
					t.Errorf("session survived: %v", err)
				}
				if _, err := e.s.UserForToken(ctx, claims); !errors.Is(err, ErrInvalidToken) {
					t.Errorf("access token survived: %v", err)
				}
				if _, err := e.s.Refresh(ctx, pair.RefreshToken); err == nil {
					t.Error("refresh token survived")
				}
			})
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.register(t, "s@example.org")
		token, _ := e.s.StartSession(ctx, u)
		// Active every hour: alive until the absolute limit, then gone.
		for h := 1; h < int(SessionMaxAge/time.Hour); h++ {
			*e.now = e.now.Add(time.Hour)
			if _, err := e.s.SessionUser(ctx, token); err != nil {
				t.Fatalf("hour %d: %v", h, err)
			}
		}
		*e.now = e.now.Add(time.Hour)
		if _, err := e.s.SessionUser(ctx, token); !errors.Is(err, ErrSessionExpired) {
			t.Fatalf("session older than %v still valid: %v", SessionMaxAge, err)
		}
		// Idle: gone after SessionIdleTimeout without a request.
		token, _ = e.s.StartSession(ctx, u)
		*e.now = e.now.Add(SessionIdleTimeout)
		if _, err := e.s.SessionUser(ctx, token); !errors.Is(err, ErrSessionExpired) {
			t.Fatalf("idle session still valid: %v", err)
		}
	})
}

func TestPasswordResetIsSingleUseAndExpires(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.register(t, "p@example.org")
		var token string
		compose := func(u *User, tok string) notify.Message {
			token = tok
			return notify.Message{To: u.Email, Subject: "reset", Body: tok}
		}
		if err := e.s.RequestPasswordReset(ctx, "nobody@example.org", compose); err != nil || len(e.mail.sent) != 0 {
			t.Fatalf("unknown address: err %v, %d mails", err, len(e.mail.sent))
		}
		if err := e.s.RequestPasswordReset(ctx, "P@example.org", compose); err != nil || len(e.mail.sent) != 1 {
			t.Fatalf("known address: err %v, %d mails", err, len(e.mail.sent))
		}
		session, _ := e.s.StartSession(ctx, u)
		if err := e.s.ResetPassword(ctx, token, "une toute nouvelle phrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Authenticate(ctx, "p@example.org", "une toute nouvelle phrase"); err != nil {
			t.Errorf("new password refused: %v", err)
		}
		if _, err := e.s.SessionUser(ctx, session); !errors.Is(err, ErrSessionExpired) {
			t.Errorf("a reset left the old session alive: %v", err)
		}
		if err := e.s.ResetPassword(ctx, token, "encore une autre phrase"); !errors.Is(err, ErrResetTokenNotUse) {
			t.Errorf("second use: %v, want ErrResetTokenNotUse", err)
		}
		// A link asked for before a reset dies with it: resetting because a mailbox was read must
		// leave no older link working.
		var older string
		_ = e.s.RequestPasswordReset(ctx, "p@example.org", compose)
		older = token
		_ = e.s.RequestPasswordReset(ctx, "p@example.org", compose)
		if err := e.s.ResetPassword(ctx, token, "la phrase numero trois"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.ResetPassword(ctx, older, "la phrase numero quatre"); !errors.Is(err, ErrResetTokenNotUse) {
			t.Errorf("an older link still works after a reset: %v", err)
		}
		_ = e.s.RequestPasswordReset(ctx, "p@example.org", compose)
		*e.now = e.now.Add(ResetTokenTTL + time.Second)
		if err := e.s.ResetPassword(ctx, token, "encore une autre phrase"); !errors.Is(err, ErrResetTokenNotUse) {
			t.Errorf("expired link: %v, want ErrResetTokenNotUse", err)
		}
	})
}

func TestOnlyAdminsAdminister(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.register(t, "admin@example.org", RoleAdmin)
		manager := e.register(t, "cm@example.org", RoleCurriculumManager)
		learner := e.register(t, "l@example.org")
		if err := e.s.SetRoles(ctx, manager, learner.ID, []Role{RoleAdmin}); !errors.Is(err, ErrForbidden) {
			t.Errorf("curriculum manager granted admin: %v", err)
		}
		if err := e.s.SetRoles(ctx, admin, admin.ID, nil); !errors.Is(err, ErrForbidden) {
			t.Errorf("admin demoted themselves: %v", err)
		}
		if err := e.s.SetRoles(ctx, admin, learner.ID, []Role{"emperor"}); err == nil {
			t.Error("unknown role accepted")
		}
		if err := e.s.SetRoles(ctx, admin, learner.ID, []Role{RoleExpert, RoleModerator, RoleExpert}); err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.User(ctx, learner.ID)
		if !got.Holds(RoleExpert) || !got.Holds(RoleModerator) || got.Holds(RoleAdmin) || len(got.Roles) != 3 {
			t.Errorf("roles now %v", got.Roles)
		}
		if _, err := e.s.ListUsers(ctx, learner, "", paging.First(10)); !errors.Is(err, ErrForbidden) {
			t.Errorf("learner listed users: %v", err)
		}
		var changes int
		_ = e.db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.roles_changed' AND actor_id = $1", admin.ID).Scan(&changes)
		if changes != 1 {
			t.Errorf("%d role changes audited, want 1", changes)
		}
	})
}

// walkUsers pages through the users list limit at a time and returns every user listed, in
// order; it fails the test when a user comes twice.
func walkUsers(t *testing.T, e *env, admin *User, query string, limit int) []*User {
	t.Helper()
	var all []*User
	seen := map[string]bool{}
	page := paging.First(limit)
	for {
		p, err := e.s.ListUsers(context.Background(), admin, query, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > limit {
			t.Fatalf("a page of %d users, limit %d", len(p.Items), limit)
		}
		for _, u := range p.Items {
			if seen[u.ID] {
				t.Fatalf("user %s on two pages", u.Email)
			}
			seen[u.ID] = true
			all = append(all, u)
		}
		if p.Next == "" {
			return all
		}
		if page, err = paging.WithCursor(p.Next, limit); err != nil {
			t.Fatalf("the list gave out cursor %q, which it refuses: %v", p.Next, err)
		}
	}
}

func TestListUsersPagesAndSearches(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.register(t, "admin@example.org", RoleAdmin)
		for i, name := range []string{"kofi", "lena", "maria", "nadia", "omar"} {
			*e.now = e.now.Add(time.Minute)
			e.register(t, name+"@example.org", Roles[i%len(Roles)])
		}
		// Three more in the same microsecond: the id orders them, and no page boundary loses one.
		*e.now = e.now.Add(time.Minute)
		for _, name := range []string{"pita", "quan", "rania"} {
			e.register(t, name+"@example.org")
		}
		want, err := e.s.ListUsers(ctx, admin, "", paging.First(paging.MaxLimit))
		if err != nil || len(want.Items) != 9 || want.Next != "" {
			t.Fatalf("one page of all: %d users, next %q, %v", len(want.Items), want.Next, err)
		}
		for i := 1; i < len(want.Items); i++ {
			if want.Items[i].CreatedAt.After(want.Items[i-1].CreatedAt) {
				t.Errorf("%s listed after %s, who is older", want.Items[i].Email, want.Items[i-1].Email)
			}
		}
		for _, limit := range []int{1, 2, 3, 8, 9} {
			got := walkUsers(t, e, admin, "", limit)
			if len(got) != len(want.Items) {
				t.Fatalf("limit %d: paged through %d users, want %d", limit, len(got), len(want.Items))
			}
			for i, u := range got {
				if u.ID != want.Items[i].ID {
					t.Errorf("limit %d: user %d is %s, want %s", limit, i, u.Email, want.Items[i].Email)
				}
				if !u.Has(RoleLearner) {
					t.Errorf("%s listed without roles", u.Email)
				}
			}
		}
		byEmail := map[string]*User{}
		for _, u := range walkUsers(t, e, admin, "", 2) {
			byEmail[u.Email] = u
		}
		if u := byEmail["lena@example.org"]; u == nil || !u.Holds(RoleExpert) || u.Holds(RoleModerator) {
			t.Errorf("lena's roles on a later page: %+v", u)
		}
		if got := walkUsers(t, e, admin, "A@", 2); len(got) != 5 {
			t.Errorf("search A@ paged through %d users, want 5 (lena, maria, nadia, pita, rania)", len(got))
		}
		page, _ := e.s.ListUsers(ctx, admin, "NAD", paging.First(10))
		if len(page.Items) != 1 || page.Items[0].Email != "nadia@example.org" {
			t.Errorf("search NAD found %v", page.Items)
		}
		page, _ = e.s.ListUsers(ctx, admin, "%", paging.First(10))
		if len(page.Items) != 0 {
			t.Errorf("a %% query matched %d users: LIKE wildcards not escaped", len(page.Items))
		}
	})
}

// A cursor the users list did not give out is refused as such, not served as some other page
// nor failed as a server error.
func TestListUsersRefusesForgedCursors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.register(t, "admin@example.org", RoleAdmin)
		stamp := "2026-11-26T12:00:00.000000Z"
		for _, tc := range []struct{ name, cursor string }{
			{"not base64url", "not a cursor!"},
			{"raw text of the old cursors", stamp + "|" + admin.ID},
			{"no separator", paging.Encode(stamp)},
			{"no id", paging.Encode(stamp + "|")},
			{"no time", paging.Encode("|" + admin.ID)},
			{"not a time", paging.Encode("yesterday|" + admin.ID)},
			{"a time not as stored", paging.Encode("2026-11-26T12:00:00Z|" + admin.ID)},
			{"an audit-log cursor", paging.Encode("42")},
			{"not UTF-8", paging.Encode("\xff|" + admin.ID)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				page, err := paging.WithCursor(tc.cursor, 10)
				if err == nil {
					_, err = e.s.ListUsers(ctx, admin, "", page)
				}
				if !errors.Is(err, paging.ErrInvalidCursor) {
					t.Errorf("cursor %q: %v, want paging.ErrInvalidCursor", tc.cursor, err)
				}
			})
		}
	})
}

// A flood of refused sign-ins for one address goes into the audit log once per window, whatever
// the case of the address typed.
func TestNoteSignInLimitedAuditsOncePerWindow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.s.NoteSignInLimited(ctx, "Victim@Example.org ", time.Minute)
		e.s.NoteSignInLimited(ctx, "victim@example.org", time.Minute)
		e.s.NoteSignInLimited(ctx, "other@example.org", time.Minute)
		admin := e.register(t, "admin@example.org", RoleAdmin)
		page, err := moderation.NewAuditLog(e.db).List(ctx, admin, "auth.signin_limited", paging.First(10))
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 {
			t.Fatalf("%d events for three refusals of two addresses, want 2: %+v", len(page.Items), page.Items)
		}
		got := page.Items[1] // newest first: the victim's came before the other address's
		if got.Target != "victim@example.org" || got.ActorID != "" ||
			got.Detail != "sign-in attempts for this address refused by the rate limit" {
			t.Errorf("recorded %+v", got)
		}
	})
}

// Every error a client may be told of has the kind its status comes from, and a message key.
func TestErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		err  error
		kind fault.Kind
		key  string
	}{
		{ErrNotFound, fault.NotFound, "auth.error.not_found"},
		{ErrEmailTaken, fault.Conflict, "auth.error.email_taken"},
		{ErrBadCredentials, fault.Unauthenticated, "auth.error.bad_credentials"},
		{ErrUnauthenticated, fault.Unauthenticated, "auth.error.unauthenticated"},
		{ErrInvalidToken, fault.Unauthenticated, "auth.error.invalid_token"},
		{ErrTokenReused, fault.Unauthenticated, "auth.error.token_reused"},
		{ErrForbidden, fault.Forbidden, "auth.error.forbidden"},
		{ErrResetTokenNotUse, fault.Invalid, "auth.error.reset_link"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			wrapped := fmt.Errorf("somewhere: %w", tc.err)
			fe, ok := fault.As(wrapped)
			if !ok {
				t.Fatalf("%v carries no kind", tc.err)
			}
			if fe.Kind() != tc.kind || fe.Key() != tc.key || !errors.Is(wrapped, tc.err) {
				t.Errorf("%v: kind %v key %q, want %v %q", tc.err, fe.Kind(), fe.Key(), tc.kind, tc.key)
			}
		})
	}
	for _, err := range []error{ErrSessionExpired, ErrWrongPassword} {
		if fault.KindOf(err) != fault.Internal {
			t.Errorf("%v, never told to a client, has kind %v", err, fault.KindOf(err))
		}
	}
}

// A user may prefer exactly the languages the interface speaks.
func TestEveryInterfaceLanguageMayBePreferred(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.register(t, "polyglot@example.org")
		for _, l := range i18n.Languages {
			if err := e.s.UpdateProfile(ctx, u, Profile{Name: u.Name, Language: l.Tag}); err != nil {
				t.Errorf("language %s refused: %v", l.Tag, err)
			}
		}
		var ve validate.Errors
		if err := e.s.UpdateProfile(ctx, u, Profile{Name: u.Name, Language: "de"}); !errors.As(err, &ve) {
			t.Errorf("a language the interface does not speak: %v", err)
		} else if _, ok := ve.For("language"); !ok {
			t.Errorf("a language the interface does not speak: %v", ve)
		}
	})
}
