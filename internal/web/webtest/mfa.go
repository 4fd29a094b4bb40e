package webtest

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"capacityhub/internal/auth"
)

// Staff act only with two-step verification on, so CreateUser turns it on for every staff
// account it makes, as its owner would with an authenticator app; the sign-in helpers then send
// a code, which this file computes from the key, as the app would. CreateStaffWithoutMFA makes
// the staff member who has yet to turn it on.

// mfaKeys are the authenticator apps of the accounts the server's helpers enrolled, by e-mail.
type mfaKeys struct {
	mu   sync.Mutex
	apps map[string]*authenticator
}

// authenticator is one account's app: its key, the last time step a helper sent a code of
// (the server accepts each step once), and the recovery codes not used yet.
type authenticator struct {
	secret   string
	lastStep int64
	recovery []string
}

// CreateStaffWithoutMFA is CreateUser without turning two-step verification on: a staff member
// whom staff routes still refuse.
func (s *Server) CreateStaffWithoutMFA(t testing.TB, email, name string, roles ...auth.Role) *auth.User {
	t.Helper()
	return s.createUser(t, email, name, roles...)
}

// EnrolMFA turns two-step verification on for u, as its owner would with an app (u.MFA too), and
// returns the key and the recovery codes; the helpers then sign u in with codes of that key.
func (s *Server) EnrolMFA(t testing.TB, u *auth.User) (secret string, recovery []string) {
	t.Helper()
	ctx := context.Background()
	e, err := s.Auth.StartMFA(ctx, u)
	if err != nil {
		t.Fatalf("start MFA for %s: %v", u.Email, err)
	}
	app := &authenticator{secret: e.Secret}
	codes, err := s.Auth.ConfirmMFA(ctx, u, app.next(t))
	if err != nil {
		t.Fatalf("confirm MFA for %s: %v", u.Email, err)
	}
	app.recovery = append([]string(nil), codes...)
	u.MFA = true // as the service would now load it
	s.mfa.mu.Lock()
	defer s.mfa.mu.Unlock()
	s.mfa.apps[u.Email] = app
	return e.Secret, codes
}

// OTP is a code the server will accept for the account with this address, "" when the helpers
// did not enrol it: the next step's code within the one step of skew the server allows, or, once
// those are spent (more than three sign-ins in 30 s), a recovery code.
func (s *Server) OTP(t testing.TB, email string) string {
	t.Helper()
	s.mfa.mu.Lock()
	defer s.mfa.mu.Unlock()
	app := s.mfa.apps[auth.NormalizeEmail(email)]
	if app == nil {
		return ""
	}
	return app.next(t)
}

// next is a code of a step no code was sent for yet, or a recovery code.
func (a *authenticator) next(t testing.TB) string {
	t.Helper()
	now := time.Now().Unix() / 30
	step := max(a.lastStep+1, now-1)
	if step > now+1 {
		if len(a.recovery) == 0 {
			t.Fatal("webtest: every code of this account is spent: sign it in less often")
		}
		c := a.recovery[0]
		a.recovery = a.recovery[1:]
		return c
	}
	code, err := auth.TOTPCode(a.secret, time.Unix(step*30, 0))
	if err != nil {
		t.Fatal(err)
	}
	a.lastStep = step
	return code
}

// CompleteSignIn answers the code form a sign-in was sent to (codePage, the Location of the
// password form's answer), with a code of the account's app, as its owner would.
func (s *Server) CompleteSignIn(t testing.TB, b *Browser, email, codePage string) (*http.Response, string) {
	t.Helper()
	return b.Submit(codePage, codePage, url.Values{"otp": {s.OTP(t, email)}})
}
