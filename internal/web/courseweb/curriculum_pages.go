package courseweb

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// CurriculumPage is a learning path with the signed-in reader's progress along it.
type CurriculumPage struct {
	site.Page
	Curriculum *course.Curriculum
	Progress   map[string]course.Enrollment // by course slug; nil when signed out
	Completed  int                          // courses of the path the reader has completed
	SignInURL  string
}

// ShowCurriculumPage is a learning path: its courses in order and, for a signed-in reader, how
// far they are along it.
func (h *Handler) ShowCurriculumPage(c *fiber.Ctx) error {
	site.Cacheable(c) // for a visitor: the same for every one
	ctx, loc, u := c.UserContext(), site.Lang(c), site.User(c)
	cu, err := h.courses.Curriculum(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	path := site.Path("curricula", cu.Slug)
	view := CurriculumPage{Page: h.site.Page(c, path, cu.Title+" · "+loc.T("site.name"), "curricula"), Curriculum: cu}
	if u == nil {
		view.SignInURL = site.SignInURL(loc.Tag, path)
		return site.Render(c, CurriculumView(view))
	}
	if view.Progress, err = h.courses.CurriculumProgress(ctx, u, cu.Slug); err != nil {
		return err
	}
	for _, co := range cu.Courses {
		if e, ok := view.Progress[co.Slug]; ok && e.CompletedAt != nil {
			view.Completed++
		}
	}
	return site.Render(c, CurriculumView(view))
}

// ShowCurriculaIndex lists the learning paths (the catalogue lists them too, after the courses).
func (h *Handler) ShowCurriculaIndex(c *fiber.Ctx) error {
	site.Cacheable(c) // for a visitor: the same for every one
	loc := site.Lang(c)
	list, err := h.courses.Curricula(c.UserContext(), loc.Tag)
	if err != nil {
		return err
	}
	title := loc.T("course.curricula.heading") + " · " + loc.T("site.name")
	return site.Render(c, CurriculaIndex(h.site.Page(c, site.Path("curricula"), title, "curricula"), list))
}
