package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/moderation"
	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

// code is what the user's authenticator app shows at the env's clock, shifted by steps of 30 s.
func (e *env) code(t *testing.T, secret string, steps int) string {
	t.Helper()
	c, err := TOTPCode(secret, e.now.Add(time.Duration(steps)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol turns two-step verification on for u and returns its key and recovery codes, with u
// reloaded (MFA set).
func (e *env) enrol(t *testing.T, u *User) (*User, string, []string) {
	t.Helper()
	ctx := context.Background()
	en, err := e.s.StartMFA(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := e.s.ConfirmMFA(ctx, u, e.code(t, en.Secret, 0))
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	u, err = e.s.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u, en.Secret, codes
}

func (e *env) auditActions(t *testing.T) []string {
	t.Helper()
	page, err := moderation.NewAuditLog(e.db).List(context.Background(), adminViewer{}, "", paging.Request{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range page.Items {
		out = append(out, ev.Action+" "+ev.Detail)
	}
	return out
}

type adminViewer struct{}

func (adminViewer) IsAdmin() bool { return true }

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	var ve validate.Errors
	if !errors.As(err, &ve) {
		t.Fatalf("%v, want a field error on %s", err, field)
	}
	if fe, ok := ve.For(field); !ok || fe.Key != key {
		t.Errorf("%v, want %s on %s", ve, key, field)
	}
}

func TestMFAEnrolmentStoresTheKeySealedAndTurnsOnWithACode(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.register(t, "amina@example.org")
		en, err := e.s.StartMFA(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if len(en.Secret) != 32 || !strings.HasPrefix(en.URI, "otpauth://totp/") || !strings.Contains(en.URI, "secret="+en.Secret) {
			t.Errorf("enrolment %+v", en)
		}
		var stored string
		if err := e.db.R.QueryRow("SELECT secret FROM user_mfa WHERE user_id = $1", u.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToUpper(stored), en.Secret[:16]) || len(stored) < 40 {
			t.Errorf("the key is stored readable: %q", stored)
		}
		if _, err := e.s.openSecret("someone-else", stored); err == nil {
			t.Error("a sealed key opens for another user")
		}
		if st, _ := e.s.MFAState(ctx, u); st.On || st.Pending == nil || st.Pending.Secret != en.Secret {
			t.Errorf("pending state %+v", st)
		}
		if fresh, _ := e.s.User(ctx, u.ID); fresh.MFA {
			t.Error("MFA on before confirmation")
		}

		_, err = e.s.ConfirmMFA(ctx, u, "000000")
		wantField(t, err, "otp", "auth.mfa.code_wrong")
		codes, err := e.s.ConfirmMFA(ctx, u, e.code(t, en.Secret, 0))
		if err != nil || len(codes) != RecoveryCodeCount {
			t.Fatalf("confirm: %d codes, %v", len(codes), err)
		}
		fresh, _ := e.s.User(ctx, u.ID)
		st, _ := e.s.MFAState(ctx, fresh)
		if !fresh.MFA || !st.On || st.RecoveryLeft != RecoveryCodeCount || st.Pending != nil {
			t.Errorf("after confirm: user MFA %v, state %+v", fresh.MFA, st)
		}
		var clear int
		for _, c := range codes {
			_ = e.db.R.QueryRow("SELECT COUNT(*) FROM mfa_recovery_codes WHERE code_hash = $1", c).Scan(&clear)
			if clear != 0 {
				t.Errorf("recovery code %s stored in clear", c)
			}
		}
		if _, err := e.s.StartMFA(ctx, fresh); !errors.Is(err, ErrMFAOn) {
			t.Errorf("a new set-up while on: %v, want ErrMFAOn", err)
		}
		if acts := strings.Join(e.auditActions(t), "\n"); !strings.Contains(acts, "auth.mfa_enabled") {
			t.Errorf("enrolment not audited: %s", acts)
		}
	})
}

func TestMFACodeWorksOnceWithinOneStepOfSkew(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, secret, _ := e.enrol(t, e.register(t, "amina@example.org"))
		if err := e.s.SecondFactor(ctx, u, e.code(t, secret, 0)); !errors.Is(err, ErrMFARequired) {
			t.Errorf("the code that confirmed the set-up, again: %v, want ErrMFARequired", err)
		}
		*e.now = e.now.Add(30 * time.Second)
		if err := e.s.SecondFactor(ctx, u, e.code(t, secret, 1)); err != nil {
			t.Errorf("the next step's code (one step of clock skew ahead): %v", err)
		}
		if err := e.s.SecondFactor(ctx, u, e.code(t, secret, 1)); !errors.Is(err, ErrMFARequired) {
			t.Errorf("that code replayed: %v, want ErrMFARequired", err)
		}
		if err := e.s.SecondFactor(ctx, u, e.code(t, secret, 0)); !errors.Is(err, ErrMFARequired) {
			t.Errorf("an older step's code after a newer one: %v, want ErrMFARequired", err)
		}
		*e.now = e.now.Add(5 * time.Minute)
		if err := e.s.SecondFactor(ctx, u, e.code(t, secret, -2)); !errors.Is(err, ErrMFARequired) {
			t.Errorf("a code two steps old: %v, want ErrMFARequired", err)
		}
		if err := e.s.SecondFactor(ctx, u, ""); !errors.Is(err, ErrMFARequired) {
			t.Errorf("no code: %v, want ErrMFARequired", err)
		}
		if err := e.s.SecondFactor(ctx, u, e.code(t, secret, 0)); err != nil {
			t.Errorf("a current code: %v", err)
		}
	})
}

func TestRecoveryCodeWorksOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, _, codes := e.enrol(t, e.register(t, "amina@example.org"))
		typed := " " + strings.ToUpper(codes[3]) + " " // as a person copies it from paper
		if err := e.s.SecondFactor(ctx, u, typed); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if err := e.s.SecondFactor(ctx, u, codes[3]); !errors.Is(err, ErrMFARequired) {
			t.Errorf("recovery code used twice: %v, want ErrMFARequired", err)
		}
		if st, _ := e.s.MFAState(ctx, u); st.RecoveryLeft != RecoveryCodeCount-1 {
			t.Errorf("%d codes left, want %d", st.RecoveryLeft, RecoveryCodeCount-1)
		}
		if acts := strings.Join(e.auditActions(t), "\n"); !strings.Contains(acts, "auth.mfa_recovery_used") ||
			!strings.Contains(acts, "auth.signed_in with a recovery code") {
			t.Errorf("recovery code use not audited: %s", acts)
		}
	})
}

func TestWrongCodesLockTheAccountsCodes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, secret, _ := e.enrol(t, e.register(t, "amina@example.org"))
		*e.now = e.now.Add(time.Minute)
		for i := range MaxWrongCodes {
			if err := e.s.SecondFactor(ctx, u, "12345"+string(rune('0'+i))); !errors.Is(err, ErrMFARequired) {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if err := e.s.SecondFactor(ctx, u, e.code(t, secret, 0)); !errors.Is(err, ErrMFALocked) {
			t.Errorf("a right code past the limit: %v, want ErrMFALocked", err)
		}
	})
}

func TestPendingSignInNeedsTheCodeAndWorksOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, secret, _ := e.enrol(t, e.register(t, "amina@example.org"))
		*e.now = e.now.Add(time.Minute)
		token, err := e.s.StartPendingSignIn(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.CompletePendingSignIn(ctx, token, "000000"); !errors.Is(err, ErrMFARequired) {
			t.Errorf("wrong code: %v, want ErrMFARequired", err)
		}
		got, err := e.s.CompletePendingSignIn(ctx, token, e.code(t, secret, 0))
		if err != nil || got.ID != u.ID {
			t.Fatalf("right code: %v %v", got, err)
		}
		*e.now = e.now.Add(time.Minute)
		if _, err := e.s.CompletePendingSignIn(ctx, token, e.code(t, secret, 0)); !errors.Is(err, ErrPendingSignInExpired) {
			t.Errorf("the pending sign-in used twice: %v, want ErrPendingSignInExpired", err)
		}

		token, _ = e.s.StartPendingSignIn(ctx, u)
		for range maxPendingTries {
			_, _ = e.s.CompletePendingSignIn(ctx, token, "")
		}
		if _, err := e.s.CompletePendingSignIn(ctx, token, e.code(t, secret, 0)); !errors.Is(err, ErrPendingSignInExpired) {
			t.Errorf("past %d tries: %v, want ErrPendingSignInExpired", maxPendingTries, err)
		}
	})
}

func TestTurningMFAOffTakesPasswordAndCode(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, secret, _ := e.enrol(t, e.register(t, "amina@example.org"))
		*e.now = e.now.Add(time.Minute)
		wantField(t, e.s.DisableMFA(ctx, u, "not my password", e.code(t, secret, 0)), "current_password", "auth.password.wrong_current")
		wantField(t, e.s.DisableMFA(ctx, u, goodPassword, "000000"), "otp", "auth.mfa.code_wrong")
		_, err := e.s.RegenerateRecoveryCodes(ctx, u, goodPassword, "")
		wantField(t, err, "otp", "field.required")
		codes, err := e.s.RegenerateRecoveryCodes(ctx, u, goodPassword, e.code(t, secret, 0))
		if err != nil || len(codes) != RecoveryCodeCount {
			t.Fatalf("new recovery codes: %d, %v", len(codes), err)
		}
		*e.now = e.now.Add(time.Minute)
		if err := e.s.DisableMFA(ctx, u, goodPassword, codes[0]); err != nil {
			t.Fatalf("turn off with a recovery code: %v", err)
		}
		if fresh, _ := e.s.User(ctx, u.ID); fresh.MFA {
			t.Error("still on")
		}
		if acts := strings.Join(e.auditActions(t), "\n"); !strings.Contains(acts, "auth.mfa_disabled") {
			t.Errorf("turning off not audited: %s", acts)
		}
	})
}

func TestResetMFAEndsEverySession(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, _, _ := e.enrol(t, e.register(t, "amina@example.org", RoleAdmin))
		session, _ := e.s.StartSession(ctx, u)
		if err := e.s.ResetMFA(ctx, "Amina@example.org", "root"); err != nil {
			t.Fatal(err)
		}
		if fresh, _ := e.s.User(ctx, u.ID); fresh.MFA {
			t.Error("still on after a reset")
		}
		if _, err := e.s.SessionUser(ctx, session); !errors.Is(err, ErrSessionExpired) {
			t.Errorf("session after a reset: %v, want it ended", err)
		}
		if err := e.s.ResetMFA(ctx, "nobody@example.org", "root"); !errors.Is(err, ErrNotFound) {
			t.Errorf("reset of an unknown address: %v", err)
		}
	})
}

// A staff role acts only with two-step verification on, everywhere (User.Has); the role is still
// held (User.Holds), so the guards can send its holder to turn it on. Other roles need nothing.
func TestStaffRolesActOnlyWithMFA(t *testing.T) {
	for _, tc := range []struct {
		roles []Role
		mfa   bool
		role  Role
		holds bool
		has   bool
	}{
		{[]Role{RoleLearner, RoleAdmin}, false, RoleAdmin, true, false},
		{[]Role{RoleLearner, RoleAdmin}, true, RoleAdmin, true, true},
		{[]Role{RoleLearner, RoleAdmin}, false, RoleExpert, true, false}, // held through admin
		{[]Role{RoleLearner, RoleCurriculumManager}, false, RoleCurriculumManager, true, false},
		{[]Role{RoleLearner, RoleModerator}, true, RoleModerator, true, true},
		{[]Role{RoleLearner, RoleExpert}, false, RoleExpert, true, true},
		{[]Role{RoleLearner, RoleAdmin}, false, RoleLearner, true, true},
		{[]Role{RoleLearner}, true, RoleModerator, false, false},
	} {
		u := &User{Roles: tc.roles, MFA: tc.mfa}
		if got := u.Holds(tc.role); got != tc.holds {
			t.Errorf("%v (MFA %v) holds %s: %v, want %v", tc.roles, tc.mfa, tc.role, got, tc.holds)
		}
		if got := u.Has(tc.role); got != tc.has {
			t.Errorf("%v (MFA %v) acts as %s: %v, want %v", tc.roles, tc.mfa, tc.role, got, tc.has)
		}
	}
}
