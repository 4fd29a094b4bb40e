package site

import "github.com/gofiber/fiber/v2"

// notice is a one-line confirmation a page shows after a redirect with ?done=code (see Done):
// its message id, and the section whose pages show it.
type notice struct {
	key     string
	section string
}

// notices are every domain's notices by code, in one place. A page shows only those of its own
// section (Page.Section), so that a made-up link cannot make the sign-in page say a password
// was changed.
var notices = map[string]notice{
	// accounts
	"registered": {"me.done.registered", "me"},
	"profile":    {"me.done.profile", "me"},
	"password":   {"me.done.password", "me"},
	// the account deleted: its holder lands on the home page, signed out
	"account_deleted": {"privacy.delete.done", "home"},
	// two-step verification (mfa_required: a staff route sent the reader here to turn it on)
	"mfa_required": {"me.mfa.required_notice", "me"},
	"mfa_started":  {"me.mfa.done.started", "me"},
	"mfa_disabled": {"me.mfa.done.disabled", "me"},
	"roles":        {"admin.done.roles", "admin"},
	"disabled":     {"admin.done.disabled", "admin"},
	// courses
	"enrolled":    {"course.enroll.done", "courses"},
	"lesson":      {"course.lesson.done_flash", "courses"},
	"completed":   {"course.lesson.completed_flash", "courses"},
	"published":   {"admin.courses.done.published", "admin"},
	"unpublished": {"admin.courses.done.unpublished", "admin"},
	"created":     {"admin.curricula.done.created", "admin"},
	"updated":     {"admin.curricula.done.updated", "admin"},
	"deleted":     {"admin.curricula.done.deleted", "admin"},
}

// flash is the notice this request's ?done= asks for on a page of section, translated, or "".
func flash(c *fiber.Ctx, section string) string {
	n, ok := notices[c.Query("done")]
	if !ok || n.section != section {
		return ""
	}
	return Lang(c).T(n.key)
}
