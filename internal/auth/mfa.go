package auth

import (
	"context"
	"errors"
	"time"

	"github.com/pquerna/otp/totp"

	"capacityhub/internal/fault"
	"capacityhub/internal/validate"
)

// Two-step verification: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, what every
// authenticator app speaks) with RecoveryCodeCount one-time recovery codes. It is optional for
// everyone and required of staff: StaffRoles act only once it is on (the web kernel's guards ask
// User.MFA). The key is stored sealed and the recovery codes hashed (mfa_codes.go); a code works
// once (the last time step accepted is kept per user) and wrong codes are limited per account.

// Two-step verification limits.
const (
	// RecoveryCodeCount is how many recovery codes a user gets at once.
	RecoveryCodeCount = 10
	// MaxWrongCodes is how many wrong codes an account may be sent within WrongCodeWindow, from
	// any device or surface; past it every code is refused (ErrMFALocked) until the window ends.
	MaxWrongCodes   = 5
	WrongCodeWindow = 15 * time.Minute
	mfaIssuer       = "Capacity Hub" // what authenticator apps show above the code
	maxCodeBytes    = 64             // no code is longer: longer input is wrong before any work
)

// Errors of two-step verification.
var (
	// ErrMFARequired is a sign-in of an account with two-step verification whose code is missing
	// or wrong (401; the API says "mfa_required": true).
	ErrMFARequired = fault.New(fault.Unauthenticated, "auth.error.mfa_required", "auth: a two-step verification code is needed")
	// ErrStaffMFA is a staff route refused to a staff member without two-step verification (403;
	// the API says "mfa_required": true, pages send the reader to turn it on).
	ErrStaffMFA      = fault.New(fault.Forbidden, "auth.error.staff_mfa", "auth: staff roles act only with two-step verification on")
	ErrMFALocked     = fault.New(fault.TooMany, "auth.error.mfa_locked", "auth: too many wrong two-step verification codes")
	ErrMFAOn         = fault.New(fault.Conflict, "auth.error.mfa_on", "auth: two-step verification is on already")
	ErrMFANotStarted = fault.New(fault.Conflict, "auth.error.mfa_not_started", "auth: no two-step verification set-up to confirm")
	ErrMFAOff        = fault.New(fault.Conflict, "auth.error.mfa_off", "auth: two-step verification is off")
)

// NeedsMFA tells whether err is a refusal that a code, or turning two-step verification on,
// would lift: the API says so with "mfa_required": true.
func NeedsMFA(err error) bool { return errors.Is(err, ErrMFARequired) || errors.Is(err, ErrStaffMFA) }

// Enrolment is a set-up started and not yet confirmed: the key for the authenticator app, as
// base32 text and as the otpauth:// URI a QR code carries.
type Enrolment struct {
	Secret string
	URI    string
}

// MFAState is where a user stands with two-step verification.
type MFAState struct {
	On           bool
	Since        time.Time  // when it was turned on
	Pending      *Enrolment // a set-up started and not confirmed (only while off)
	RecoveryLeft int        // unused recovery codes
}

// MFAState tells where u stands, with the key of a pending set-up (for its page to show again).
func (s *Service) MFAState(ctx context.Context, u *User) (MFAState, error) {
	row, err := s.store.mfa(ctx, u.ID)
	if errors.Is(err, ErrNotFound) {
		return MFAState{}, nil
	}
	if err != nil {
		return MFAState{}, err
	}
	if !row.on() {
		secret, err := s.openSecret(u.ID, row.sealed)
		if err != nil {
			return MFAState{}, err
		}
		return MFAState{Pending: &Enrolment{Secret: secret, URI: enrolmentURI(u, secret)}}, nil
	}
	left, err := s.store.recoveryLeft(ctx, u.ID)
	if err != nil {
		return MFAState{}, err
	}
	return MFAState{On: true, Since: row.enabled, RecoveryLeft: left}, nil
}

// StartMFA begins (or begins again) the set-up: a new key, kept sealed and pending until
// ConfirmMFA. With two-step verification on it is ErrMFAOn: a new key replaces the old only
// after turning it off, which takes the password and a code.
func (s *Service) StartMFA(ctx context.Context, u *User) (Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: mfaIssuer, AccountName: u.Email})
	if err != nil {
		return Enrolment{}, err
	}
	sealed, err := s.sealSecret(u.ID, key.Secret())
	if err != nil {
		return Enrolment{}, err
	}
	if err := s.store.putPendingMFA(ctx, u.ID, sealed, s.now()); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: key.Secret(), URI: key.URL()}, nil
}

// ConfirmMFA turns two-step verification on with a current code of the pending key, and returns
// the recovery codes, which exist nowhere else in clear: the caller shows them once. A wrong code
// is a field error on "otp".
func (s *Service) ConfirmMFA(ctx context.Context, u *User, code string) ([]string, error) {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	if err := s.checkNotLocked(ctx, u.ID); err != nil {
		return nil, err
	}
	row, err := s.store.mfa(ctx, u.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, ErrMFANotStarted
	case err != nil:
		return nil, err
	case row.on():
		return nil, ErrMFAOn
	}
	secret, err := s.openSecret(u.ID, row.sealed)
	if err != nil {
		return nil, err
	}
	step := matchStep(secret, normalizeCode(code), s.now(), row.lastStep)
	if step == 0 {
		s.countWrongCode(ctx, u.ID)
		return nil, codeFieldError(code)
	}
	codes, hashes := newRecoveryCodes()
	if err := s.store.enableMFA(ctx, u.ID, step, hashes, s.now()); err != nil {
		return nil, err
	}
	s.audit(ctx, Event{ActorID: u.ID, Action: "auth.mfa_enabled", Target: u.ID})
	return codes, nil
}

// SecondFactor is the second step of a sign-in of u, whose password was right: with two-step
// verification on, code must be a current authenticator code or an unused recovery code. A
// missing or wrong code is ErrMFARequired (a wrong one is audited and counts against the
// account's limit); past the limit, ErrMFALocked. Without two-step verification it is nil.
func (s *Service) SecondFactor(ctx context.Context, u *User, code string) error {
	if !u.MFA {
		return nil
	}
	if normalizeCode(code) == "" {
		return ErrMFARequired
	}
	how, err := s.checkCode(ctx, u, code)
	if errors.Is(err, ErrMFARequired) {
		s.audit(ctx, Event{ActorID: u.ID, Action: "auth.signin_failed", Target: u.ID, Detail: "wrong two-step verification code"})
	}
	if err != nil {
		return err
	}
	s.audit(ctx, Event{ActorID: u.ID, Action: "auth.signed_in", Target: u.ID, Detail: how})
	return nil
}

// DisableMFA turns two-step verification off, given the current password and a code; the key and
// the recovery codes are deleted.
func (s *Service) DisableMFA(ctx context.Context, u *User, password, code string) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	if err := s.checkPasswordAndCode(ctx, u, password, code); err != nil {
		return err
	}
	if err := s.store.deleteMFA(ctx, u.ID, false); err != nil {
		return err
	}
	s.audit(ctx, Event{ActorID: u.ID, Action: "auth.mfa_disabled", Target: u.ID})
	return nil
}

// RegenerateRecoveryCodes replaces every recovery code, given the current password and a code,
// and returns the new ones, to be shown once.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, u *User, password, code string) ([]string, error) {
	if err := s.checkPasswordAndCode(ctx, u, password, code); err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	if err := s.store.replaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
		return nil, err
	}
	s.audit(ctx, Event{ActorID: u.ID, Action: "auth.mfa_recovery_regenerated", Target: u.ID})
	return codes, nil
}

// ResetMFA turns two-step verification off for a user who lost both their authenticator and their
// recovery codes, and ends every session and token of theirs: an operator's act, from the command
// line, after checking who asks by other means. by names the operator in the audit log.
func (s *Service) ResetMFA(ctx context.Context, email, by string) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	u, _, err := s.store.userBy(ctx, "email", NormalizeEmail(email))
	if err != nil {
		return err
	}
	if err := s.store.deleteMFA(ctx, u.ID, true); err != nil {
		return err
	}
	s.audit(ctx, Event{Action: "auth.mfa_reset", Target: u.ID, Detail: "reset from the command line by " + by})
	return nil
}

// checkPasswordAndCode checks what turning two-step verification off or renewing the recovery
// codes takes: the current password and a code. Each wrong one is a field error.
func (s *Service) checkPasswordAndCode(ctx context.Context, u *User, password, code string) error {
	if !u.MFA {
		return ErrMFAOff
	}
	if err := s.checkCurrentPassword(ctx, u, password); err != nil {
		return err
	}
	if _, err := s.checkCode(ctx, u, code); errors.Is(err, ErrMFARequired) {
		return codeFieldError(code)
	} else if err != nil {
		return err
	}
	return nil
}

// checkCurrentPassword is the current-password check of a signed-in user, as a field error.
func (s *Service) checkCurrentPassword(ctx context.Context, u *User, password string) error {
	if password == "" {
		return validate.Errors{{Field: "current_password", Key: "field.required"}}
	}
	if len(password) > maxPasswordBytes {
		return validate.Errors{{Field: "current_password", Key: "auth.password.too_long"}}
	}
	_, hash, err := s.store.userBy(ctx, "id", u.ID)
	if err != nil {
		return err
	}
	if ok, _, err := s.hasher.verify(ctx, password, hash); err != nil {
		return err
	} else if !ok {
		return validate.Errors{{Field: "current_password", Key: "auth.password.wrong_current"}}
	}
	return nil
}

// codeFieldError is the field error of a missing or wrong code.
func codeFieldError(code string) error {
	if normalizeCode(code) == "" {
		return validate.Errors{{Field: "otp", Key: "field.required"}}
	}
	return validate.Errors{{Field: "otp", Key: "auth.mfa.code_wrong"}}
}
