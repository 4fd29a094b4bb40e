package courseweb

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// CoursePage is one course: its facts, contents and, for a signed-in reader, their progress.
type CoursePage struct {
	site.Page
	Course        *course.Detail
	Prerequisites []course.Course
	Progress      *course.Progress // nil when signed out
	Continue      *course.LessonRef
	SignInURL     string
	OfflineURL    string
}

// ShowCoursePage is a course: its facts and prerequisites, its contents, and enrolment (a
// sign-in link for a visitor) or the reader's progress with the lesson to go on with.
func (h *Handler) ShowCoursePage(c *fiber.Ctx) error {
	site.Cacheable(c) // for a visitor: the same for every one
	ctx, loc, u := c.UserContext(), site.Lang(c), site.User(c)
	d, err := h.courses.Course(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	prereqs, err := h.courses.CoursesBySlug(ctx, u, loc.Tag, d.Prerequisites)
	if err != nil {
		return err
	}
	path := site.Path("courses", d.Slug)
	page := h.site.Page(c, path, d.Title+" · "+loc.T("site.name"), "courses")
	page.Description = d.Summary
	view := CoursePage{Page: page,
		Course: d, Prerequisites: prereqs, OfflineURL: site.Path(loc.Tag, "courses", d.Slug, "offline")}
	if u == nil {
		view.SignInURL = site.SignInURL(loc.Tag, path)
		return site.Render(c, CourseView(view))
	}
	if view.Progress, err = h.courses.Progress(ctx, u, d.Slug); err != nil {
		return err
	}
	for _, l := range d.Lessons() {
		if !view.Progress.LessonsDone[l.Slug] {
			view.Continue = &l
			break
		}
	}
	return site.Render(c, CourseView(view))
}

// Enroll enrols the reader in the course; enrolling twice is harmless.
func (h *Handler) Enroll(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if _, err := h.courses.Enroll(c.UserContext(), site.User(c), slug); err != nil {
		return err
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "courses", slug), "enrolled"))
}
