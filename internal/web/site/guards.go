package site

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/fault"
)

// SignedIn lets signed-in readers through; anyone else is sent to sign in (pages, brought back
// after) or answered 401 (API).
func SignedIn(c *fiber.Ctx) error {
	if User(c) == nil {
		return unidentified(c)
	}
	return c.Next()
}

// unidentified is the refusal of a guard that needs a signed-in user and has none: the reason the
// session could not be looked up (the store or the database down: 503, since sending the reader
// to sign in would only fail again), else ErrUnauthenticated.
func unidentified(c *fiber.Ctx) error {
	if err, ok := c.Locals(localIdentifyErr).(error); ok {
		return err
	}
	return auth.ErrUnauthenticated
}

// The refusals of the role guards, each naming who may (admins hold every role).
var (
	errAdminsOnly    = fault.New(fault.Forbidden, "auth.error.forbidden", "site: administrators only")
	errManagersOnly  = fault.New(fault.Forbidden, "course.error.forbidden", "site: curriculum managers only")
	errModeratorOnly = fault.New(fault.Forbidden, "auth.error.forbidden", "site: moderators only")
	errExpertsOnly   = fault.New(fault.Forbidden, "auth.error.forbidden", "site: experts only")
)

// RequireRole is the guard that lets through the signed-in holders of role (admins hold every
// role): anyone else signed in gets 403, and a visitor is sent to sign in as by SignedIn. A staff
// role (auth.StaffRoles) acts only with two-step verification on: until it is, its holder is
// sent to turn it on (pages: 303 to the account page's section, with a notice saying why) or
// answered 403 with "mfa_required": true (API). It panics for a role it does not know, at
// start-up, when the route table is built.
//
// NB: each role has a guard function of its own, so that the route table can be read back (the
// golden route list names the guard).
func RequireRole(role auth.Role) fiber.Handler {
	switch role {
	case auth.RoleAdmin:
		return requireAdmin
	case auth.RoleCurriculumManager:
		return requireCurriculumManager
	case auth.RoleModerator:
		return requireModerator
	case auth.RoleExpert:
		return requireExpert
	}
	panic("site.RequireRole: no guard for role " + string(role))
}

func requireAdmin(c *fiber.Ctx) error { return requireRole(c, auth.RoleAdmin, errAdminsOnly) }

func requireCurriculumManager(c *fiber.Ctx) error {
	return requireRole(c, auth.RoleCurriculumManager, errManagersOnly)
}

func requireModerator(c *fiber.Ctx) error {
	return requireRole(c, auth.RoleModerator, errModeratorOnly)
}

func requireExpert(c *fiber.Ctx) error { return requireRole(c, auth.RoleExpert, errExpertsOnly) }

func requireRole(c *fiber.Ctx, role auth.Role, refusal error) error {
	u := User(c)
	switch {
	case u == nil:
		return unidentified(c)
	case !u.Holds(role):
		return refusal
	case auth.IsStaffRole(role) && !u.MFA:
		if IsAPI(c) {
			return auth.ErrStaffMFA
		}
		return Redirect(c, Done(Path(Lang(c).Tag, "me"), "mfa_required")+"#mfa")
	}
	return c.Next()
}
