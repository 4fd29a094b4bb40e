// Package auth holds accounts: registration, passwords, roles, sessions, access and refresh
// tokens, password resets and the administration of users. Its rules (who may change what) live
// here, not in the web layer.
package auth

import (
	"errors"
	"slices"
	"time"

	"capacityhub/internal/fault"
)

// Role is what a user may do beyond learning.
type Role string

// The roles. Every account is a learner; admin implies all the others.
const (
	RoleLearner           Role = "learner"
	RoleExpert            Role = "expert"
	RoleModerator         Role = "moderator"
	RoleCurriculumManager Role = "curriculum_manager"
	RoleAdmin             Role = "admin"
)

// Roles lists every role, in order of increasing power.
var Roles = []Role{RoleLearner, RoleExpert, RoleModerator, RoleCurriculumManager, RoleAdmin}

// ValidRole tells whether r is one of Roles.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// StaffRoles are the roles that act for the portal rather than for oneself: their holders must
// turn on two-step verification before any staff route lets them act (ASVS 6.3.3).
var StaffRoles = []Role{RoleModerator, RoleCurriculumManager, RoleAdmin}

// IsStaffRole tells whether r is one of StaffRoles.
func IsStaffRole(r Role) bool { return slices.Contains(StaffRoles, r) }

// IsStaff tells whether the user holds a staff role, and so must use two-step verification.
func (u *User) IsStaff() bool {
	return u != nil && slices.ContainsFunc(u.Roles, IsStaffRole)
}

// OrganizationTypes are the kinds of organization a user may say they work for.
var OrganizationTypes = []string{
	"regulator", "ministry", "operator", "academia", "civil_society",
	"international_organization", "private_sector", "other",
}

// User is an account as the rest of the program sees it. The password hash never leaves this
// package.
type User struct {
	ID               string
	Email            string
	Name             string
	Country          string
	Organization     string
	OrganizationType string
	Language         string
	Roles            []Role // always includes RoleLearner
	Reputation       int
	Disabled         bool
	Epoch            int // bumped to end every session and token of the user
	CreatedAt        time.Time
	MFA              bool // two-step verification is on: sign-in asks for a code (see mfa.go)
}

// IsAdmin tells whether the user is an administrator (what the audit log asks of its readers).
func (u *User) IsAdmin() bool { return u.Has(RoleAdmin) }

// Has tells whether the user may act in role r now: holds it (see Holds) and, for a staff role or
// a role held through the admin role, has two-step verification on. So a staff member without it
// has no staff power anywhere (ASVS 6.3.3), not only on the staff routes; the nav still shows
// them the way (Holds), which leads to turning it on.
func (u *User) Has(r Role) bool {
	if !u.Holds(r) {
		return false
	}
	if r == RoleLearner || u.MFA {
		return true
	}
	return !IsStaffRole(r) && slices.Contains(u.Roles, r)
}

// Holds tells whether the user was given role r, whether or not they may act in it yet; admins
// hold every role.
func (u *User) Holds(r Role) bool {
	if u == nil {
		return false
	}
	return r == RoleLearner || slices.Contains(u.Roles, r) || slices.Contains(u.Roles, RoleAdmin)
}

// Errors the service returns. Those a client is told of carry a kind, which the web edge maps to
// a status, and the i18n key of what the client reads; the others never leave the server.
var (
	ErrNotFound         = fault.New(fault.NotFound, "auth.error.not_found", "auth: user not found")
	ErrEmailTaken       = fault.New(fault.Conflict, "auth.error.email_taken", "auth: e-mail address already registered")
	ErrBadCredentials   = fault.New(fault.Unauthenticated, "auth.error.bad_credentials", "auth: wrong e-mail address or password")
	ErrForbidden        = fault.New(fault.Forbidden, "auth.error.forbidden", "auth: not allowed")
	ErrUnauthenticated  = fault.New(fault.Unauthenticated, "auth.error.unauthenticated", "auth: not signed in")
	ErrInvalidToken     = fault.New(fault.Unauthenticated, "auth.error.invalid_token", "auth: invalid or expired token")
	ErrTokenReused      = fault.New(fault.Unauthenticated, "auth.error.token_reused", "auth: refresh token reused; its family is revoked")
	ErrResetTokenNotUse = fault.New(fault.Invalid, "auth.error.reset_link", "auth: reset link invalid, used or expired")
	// ErrBusy is a password that could not be checked or hashed now because as many as the server
	// takes are already waiting: try again in a moment (503).
	ErrBusy = fault.New(fault.Unavailable, "auth.error.busy", "auth: password hashing at capacity")

	// ErrSessionExpired is what SessionUser answers for a session that no longer works; the caller
	// forgets the cookie and carries on as for a visitor, so no client is ever told of it.
	ErrSessionExpired = errors.New("auth: session expired")
	// ErrWrongPassword is not returned by this package today: ChangePassword reports a wrong
	// current password as a field error (validate.Errors), which the form shows beside the field.
	ErrWrongPassword = errors.New("auth: current password is wrong")
)
