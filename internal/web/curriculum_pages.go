package web

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/web/templates"
)

// showCurriculumPage is a learning path: its courses in order and, for a signed-in reader, how
// far they are along it.
func (h *handler) showCurriculumPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), currentUser(c)
	cu, err := h.courses.Curriculum(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	path := "/curricula/" + cu.Slug
	view := templates.CurriculumPage{Page: h.page(c, loc, path, cu.Title+" · "+loc.T("site.name"), "courses"), Curriculum: cu}
	if u == nil {
		view.SignInURL = signInURL(loc, path)
		return render(c, templates.CurriculumView(view))
	}
	if view.Progress, err = h.courses.CurriculumProgress(ctx, u, cu.Slug); err != nil {
		return err
	}
	for _, co := range cu.Courses {
		if e, ok := view.Progress[co.Slug]; ok && e.CompletedAt != nil {
			view.Completed++
		}
	}
	return render(c, templates.CurriculumView(view))
}

// showCurriculaIndex lists the learning paths (the catalogue lists them too, after the courses).
func (h *handler) showCurriculaIndex(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	list, err := h.courses.Curricula(c.UserContext(), loc.Tag)
	if err != nil {
		return err
	}
	title := loc.T("course.curricula.heading") + " · " + loc.T("site.name")
	return render(c, templates.CurriculaIndex(h.page(c, loc, "/curricula", title, "courses"), list))
}
