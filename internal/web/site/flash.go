package site

import "github.com/gofiber/fiber/v2"

// notices are the one-line confirmations a page shows after a redirect with ?done=code (see
// Done), by code: the message ids of every domain's notices, in one place, so that a made-up
// code shows nothing.
var notices = map[string]string{
	// accounts
	"registered": "me.done.registered",
	"profile":    "me.done.profile",
	"password":   "me.done.password",
	"roles":      "admin.done.roles",
	"disabled":   "admin.done.disabled",
	// courses
	"enrolled":    "course.enroll.done",
	"lesson":      "course.lesson.done_flash",
	"completed":   "course.lesson.completed_flash",
	"published":   "admin.courses.done.published",
	"unpublished": "admin.courses.done.unpublished",
	"created":     "admin.curricula.done.created",
	"updated":     "admin.curricula.done.updated",
	"deleted":     "admin.curricula.done.deleted",
}

// flash is the notice this request's ?done= asks for, translated, or "".
func flash(c *fiber.Ctx) string {
	key, ok := notices[c.Query("done")]
	if !ok {
		return ""
	}
	return Lang(c).T(key)
}
