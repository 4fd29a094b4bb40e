// Package auth holds accounts: registration, passwords, roles, sessions, access and refresh
// tokens, password resets and the administration of users. Its rules (who may change what) live
// here, not in the web layer.
package auth

import (
	"errors"
	"slices"
	"time"
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
}

// IsAdmin tells whether the user is an administrator (what the audit log asks of its readers).
func (u *User) IsAdmin() bool { return u.Has(RoleAdmin) }

// Has tells whether the user holds role r; admins hold every role.
func (u *User) Has(r Role) bool {
	if u == nil {
		return false
	}
	return r == RoleLearner || slices.Contains(u.Roles, r) || slices.Contains(u.Roles, RoleAdmin)
}

// Errors the service returns; the web layer maps them to statuses.
var (
	ErrNotFound         = errors.New("auth: user not found")
	ErrEmailTaken       = errors.New("auth: e-mail address already registered")
	ErrBadCredentials   = errors.New("auth: wrong e-mail address or password")
	ErrForbidden        = errors.New("auth: not allowed")
	ErrUnauthenticated  = errors.New("auth: not signed in")
	ErrInvalidToken     = errors.New("auth: invalid or expired token")
	ErrTokenReused      = errors.New("auth: refresh token reused; its family is revoked")
	ErrSessionExpired   = errors.New("auth: session expired")
	ErrWrongPassword    = errors.New("auth: current password is wrong")
	ErrResetTokenNotUse = errors.New("auth: reset link invalid, used or expired")
)
