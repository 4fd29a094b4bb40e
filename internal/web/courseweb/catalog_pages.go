package courseweb

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/paging"
	"capacityhub/internal/web/site"
)

// catalogPageSize is how many courses one page of the catalogue lists.
const catalogPageSize = 50

// CatalogPage is the course catalogue: its filter form, the courses that match and the learning
// paths.
type CatalogPage struct {
	site.Page
	Filter    CatalogFilter
	Tags      []site.Option
	Levels    []site.Option
	Languages []site.Option
	Courses   []course.Course
	Curricula []course.Curriculum
	NextURL   string // the next page of courses, "" on the last
}

// CatalogFilter is what the reader asked for in the filter form (GET parameters).
type CatalogFilter struct {
	Query    string // q
	Tag      string // tag
	Level    string // level
	Language string // language: courses written in it
}

// Active tells whether any filter is set, so that the page offers to show every course.
func (f CatalogFilter) Active() bool {
	return f.Query != "" || f.Tag != "" || f.Level != "" || f.Language != ""
}

// query is the filter as query parameters, name, value pairs for site.WithQuery.
func (f CatalogFilter) query() []string {
	return []string{"q", f.Query, "tag", f.Tag, "level", f.Level, "language", f.Language}
}

// ShowCatalogPage is the catalogue, filtered by ?q=, ?tag=, ?level= and ?language=, a page of
// courses at a time (?cursor=, opaque); curriculum managers see unpublished courses too.
func (h *Handler) ShowCatalogPage(c *fiber.Ctx) error {
	site.Cacheable(c) // for a visitor: the same for every one
	ctx, loc, u := c.UserContext(), site.Lang(c), site.User(c)
	f := CatalogFilter{Query: strings.TrimSpace(c.Query("q")), Tag: c.Query("tag"), Level: c.Query("level"), Language: c.Query("language")}
	page, err := paging.WithCursor(c.Query("cursor"), catalogPageSize)
	if err != nil {
		return err
	}
	courses, err := h.courses.Catalog(ctx, loc.Tag, course.Filter{Query: f.Query, Tag: f.Tag, Level: f.Level,
		ContentLanguage: f.Language, WithUnpublished: u.Has(auth.RoleCurriculumManager), Page: page})
	if err != nil {
		return err
	}
	tags, err := h.courses.Tags(ctx)
	if err != nil {
		return err
	}
	curricula, err := h.courses.Curricula(ctx, loc.Tag)
	if err != nil {
		return err
	}
	path := site.WithQuery(site.Path("courses"), f.query()...)
	view := CatalogPage{Page: h.site.Page(c, path, loc.T("nav.courses")+" · "+loc.T("site.name"), "courses"),
		Filter: f, Courses: courses.Items, Curricula: curricula, Languages: site.LanguageOptions()}
	for _, t := range tags {
		view.Tags = append(view.Tags, site.Option{Value: t, Label: tagName(loc, t)})
	}
	for _, l := range course.Levels {
		view.Levels = append(view.Levels, site.Option{Value: l, Label: loc.T("course.level." + l)})
	}
	if courses.Next != "" {
		view.NextURL = site.WithQuery(site.Path(loc.Tag, "courses"), append(f.query(), "cursor", courses.Next)...)
	}
	return site.Render(c, Catalog(view))
}

// tagName is a course topic's name in the reader's language; a tag the translations do not name
// shows as it is written in course.toml.
func tagName(loc *i18n.Localizer, tag string) string {
	if name := loc.T("tag." + tag); name != "tag."+tag {
		return name
	}
	return tag
}
