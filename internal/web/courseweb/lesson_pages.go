package courseweb

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// LessonPage is one lesson with the way around it: where it stands in the course (its module,
// the lessons before and after, the module's quiz after its last lesson, its position).
type LessonPage struct {
	site.Page
	course.LessonPlace
	Course    *course.Detail
	Lesson    *course.Lesson
	Progress  *course.Progress // nil when signed out
	SignInURL string
}

// ShowLessonPage is a lesson: its text, "mark as done" (a sign-in link for a visitor) and the
// way on. A lesson the course does not have, or one of a course the reader may not see, is
// course.ErrNotFound.
func (h *Handler) ShowLessonPage(c *fiber.Ctx) error {
	site.Cacheable(c) // for a visitor: the same for every one
	ctx, loc, u := c.UserContext(), site.Lang(c), site.User(c)
	d, err := h.courses.Course(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	place, ok := d.Place(c.Params("lesson"))
	if !ok {
		return course.ErrNotFound
	}
	l, err := h.courses.Lesson(ctx, d.Slug, c.Params("lesson"), loc.Tag)
	if err != nil {
		return err
	}
	path := site.Path("courses", d.Slug, l.Slug)
	page := h.site.Page(c, path, l.Title+" · "+d.Title, "courses")
	page.Description = d.Summary
	view := LessonPage{Page: page, LessonPlace: place, Course: d, Lesson: l}
	if u == nil {
		view.SignInURL = site.SignInURL(loc.Tag, path)
	} else if view.Progress, err = h.courses.Progress(ctx, u, d.Slug); err != nil {
		return err
	}
	return site.Render(c, LessonView(view))
}

// MarkLessonDone marks the lesson done (the "mark as done" button), enrolling the reader when
// needed; when that finishes the course the certificate is issued.
func (h *Handler) MarkLessonDone(c *fiber.Ctx) error {
	slug, lesson := c.Params("slug"), c.Params("lesson")
	p, err := h.courses.CompleteLesson(c.UserContext(), site.User(c), slug, lesson)
	if err != nil {
		return err
	}
	done := "lesson"
	if p.Completed {
		done = "completed"
	}
	// NB: the fragment brings the reader (and keyboard focus) back to where they pressed the
	// button, beside the link to the next lesson, not to the top of the page.
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "courses", slug, lesson), done)+"#lesson-done")
}
