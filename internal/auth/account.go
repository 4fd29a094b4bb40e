package auth

import (
	"context"
	"errors"
	"strconv"
	"time"

	"capacityhub/internal/fault"
	"capacityhub/internal/validate"
)

// A member's own data: what the site keeps about their account (AccountRecord, for "download my
// data") and the deletion of the account (DeleteAccount). The learning record (enrolments,
// attempts, certificates) is the course package's (course.Service.LearnerRecord), the audit
// entries the moderation package's (moderation.AuditLog.About); the web layer puts them together.

// ErrLastAdmin is the deletion of the only administrator left (409): nobody could then grant
// roles, disable accounts or read the audit log. Another admin must be named first (by this
// admin, or with `capacityhub user create --role admin`).
var ErrLastAdmin = fault.New(fault.Conflict, "privacy.error.last_admin", "auth: the last administrator cannot delete their account")

// AccountRecord is everything the accounts keep about one member, as they may read it: never a
// password hash, a token or its hash, a two-step verification key or a recovery code.
type AccountRecord struct {
	User      *User
	UpdatedAt time.Time
	MFA       MFAState // Pending is always nil here: a pending key is a secret
	// Sessions are the browser sessions kept in the database (without Redis); with Redis they
	// live there, under the hash of their token only, and are not listed.
	Sessions  []SessionRecord
	APITokens []TokenRecord
	Resets    []ResetRecord
	Emails    []EmailRecord
}

// SessionRecord is a browser session, without its token.
type SessionRecord struct {
	Created  time.Time
	LastSeen time.Time
	Expires  time.Time
}

// TokenRecord is an API refresh token, without the token or its hash.
type TokenRecord struct {
	Created time.Time
	Expires time.Time
	Used    *time.Time
	Revoked *time.Time
}

// ResetRecord is a password-reset link sent, without its token.
type ResetRecord struct {
	Created time.Time
	Expires time.Time
	Used    *time.Time
}

// EmailRecord is an e-mail the site wrote to the member: its subject and when, not its body (a
// password-reset message holds a link that may still work).
type EmailRecord struct {
	Subject string
	Created time.Time
	Sent    *time.Time
}

// AccountRecord gathers what the accounts keep about u.
func (s *Service) AccountRecord(ctx context.Context, u *User) (*AccountRecord, error) {
	fresh, _, err := s.store.userBy(ctx, "id", u.ID)
	if err != nil {
		return nil, err
	}
	r, err := s.store.accountRecord(ctx, fresh)
	if err != nil {
		return nil, err
	}
	r.User = fresh
	state, err := s.MFAState(ctx, fresh)
	if err != nil {
		return nil, err
	}
	state.Pending = nil
	r.MFA = state
	return r, nil
}

// DeleteAccount deletes the actor's own account, given the current password and, when two-step
// verification is on, a code (each wrong one a field error, as for a password change). In one
// transaction: the account, its profile, roles, two-step verification, refresh tokens, reset
// links, browser sessions kept in the database, e-mails queued to it, and, through the
// database's cascades, its enrolments, completed lessons, quiz attempts and pauses, and its
// certificates (which then no longer verify); the audit log keeps its entries, with the e-mail
// address taken out of them. The address is free to register again at once. Every access token
// of the account stops working (its user is gone, and its sign-ins are marked revoked in the kv
// store); the caller ends the browser session in hand. The last administrator cannot delete
// their account (ErrLastAdmin).
func (s *Service) DeleteAccount(ctx context.Context, actor *User, password, code string) error {
	defer s.users.forget() // NB: after the change is committed (usercache.go)
	if actor.Holds(RoleAdmin) {
		// NB: checked before the password too, so that an admin learns it at once; the
		// transaction checks again under lock.
		if n, err := s.store.otherAdmins(ctx, actor.ID); err != nil {
			return err
		} else if n == 0 {
			return ErrLastAdmin
		}
	}
	if err := s.checkCurrentPassword(ctx, actor, password); err != nil {
		var errs validate.Errors
		if errors.As(err, &errs) && password != "" {
			s.audit(ctx, Event{ActorID: actor.ID, Action: "auth.account_delete_failed", Target: actor.ID, Detail: "wrong password"})
		}
		return err
	}
	if actor.MFA {
		if _, err := s.checkCode(ctx, actor, code); errors.Is(err, ErrMFARequired) {
			return codeFieldError(code)
		} else if err != nil {
			return err
		}
	}
	families, certificates, err := s.store.deleteAccount(ctx, actor)
	if err != nil {
		return err
	}
	for _, f := range families {
		if err := s.revokeFamilyAccess(ctx, f); err != nil {
			// NB: not fatal: the account is gone, and UserForToken refuses a token of no user.
			s.log.Warn("deleted account: sign-in not marked revoked in the kv store", "err", err)
		}
	}
	// NB: the entry names the account by its id alone, which no longer leads to anyone.
	s.audit(ctx, Event{Action: "auth.account_deleted", Target: actor.ID,
		Detail: "deleted by its holder; certificates withdrawn: " + strconv.Itoa(certificates)})
	return nil
}
