package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/web/templates"
)

// catalogPageSize is how many courses one page of the catalogue lists.
const catalogPageSize = 50

// courseDoneMessages are the confirmations the course and lesson pages show after a redirect.
var courseDoneMessages = map[string]string{
	"enrolled":  "course.enroll.done",
	"lesson":    "course.lesson.done_flash",
	"completed": "course.lesson.completed_flash",
}

func (h *handler) showCatalogPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), currentUser(c)
	f := templates.CatalogFilter{Query: strings.TrimSpace(c.Query("q")), Tag: c.Query("tag"), Level: c.Query("level"), Language: c.Query("language")}
	courses, next, err := h.courses.Catalog(ctx, loc.Tag, course.Filter{Query: f.Query, Tag: f.Tag, Level: f.Level,
		ContentLanguage: f.Language, WithUnpublished: u.Has(auth.RoleCurriculumManager), Cursor: c.Query("cursor"), Limit: catalogPageSize})
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
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Query, "tag": f.Tag, "level": f.Level, "language": f.Language} {
		if v != "" {
			q.Set(k, v)
		}
	}
	path := "/courses"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	view := templates.CatalogPage{Page: h.page(c, loc, path, loc.T("nav.courses")+" · "+loc.T("site.name"), "courses"),
		Filter: f, Courses: courses, Curricula: curricula, Languages: languageOptions()}
	for _, t := range tags {
		view.Tags = append(view.Tags, templates.Option{Value: t, Label: tagName(loc, t)})
	}
	for _, l := range course.Levels {
		view.Levels = append(view.Levels, templates.Option{Value: l, Label: loc.T("course.level." + l)})
	}
	if next != "" {
		q.Set("cursor", next)
		view.NextURL = "/" + loc.Tag + "/courses?" + q.Encode()
	}
	return render(c, templates.Catalog(view))
}

func (h *handler) showCoursePage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), currentUser(c)
	d, err := h.courses.Course(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	prereqs, err := h.courses.CoursesBySlug(ctx, u, loc.Tag, d.Prerequisites)
	if err != nil {
		return err
	}
	path := "/courses/" + d.Slug
	view := templates.CoursePage{Page: h.page(c, loc, path, d.Title+" · "+loc.T("site.name"), "courses"),
		Course: d, Prerequisites: prereqs, OfflineURL: "/" + loc.Tag + path + "/offline"}
	if key, ok := courseDoneMessages[c.Query("done")]; ok {
		view.Flash = loc.T(key)
	}
	if u == nil {
		view.SignInURL = signInURL(loc, path)
		return render(c, templates.CourseView(view))
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
	return render(c, templates.CourseView(view))
}

// enroll enrols the reader in the course; enrolling twice is harmless.
func (h *handler) enroll(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	if _, err := h.courses.Enroll(c.UserContext(), u, slug); err != nil {
		return err
	}
	return c.Redirect("/"+loc.Tag+"/courses/"+url.PathEscape(slug)+"?done=enrolled", fiber.StatusSeeOther)
}

func (h *handler) showLessonPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	ctx, u := c.UserContext(), currentUser(c)
	d, err := h.courses.Course(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	view, err := h.lessonView(c, loc, d, c.Params("lesson"))
	if err != nil {
		return err
	}
	if key, ok := courseDoneMessages[c.Query("done")]; ok {
		view.Flash = loc.T(key)
	}
	if u == nil {
		view.SignInURL = signInURL(loc, view.Path)
	} else if view.Progress, err = h.courses.Progress(ctx, u, d.Slug); err != nil {
		return err
	}
	return render(c, templates.LessonView(view))
}

// lessonView loads the lesson and finds its neighbours in the course's reading order; a lesson
// the course does not have is ErrNotFound.
func (h *handler) lessonView(c *fiber.Ctx, loc *i18n.Localizer, d *course.Detail, slug string) (templates.LessonPage, error) {
	lessons := d.Lessons()
	i := -1
	for j, l := range lessons {
		if l.Slug == slug {
			i = j
		}
	}
	if i < 0 {
		return templates.LessonPage{}, course.ErrNotFound
	}
	l, err := h.courses.Lesson(c.UserContext(), d.Slug, slug, loc.Tag)
	if err != nil {
		return templates.LessonPage{}, err
	}
	v := templates.LessonPage{Page: h.page(c, loc, "/courses/"+d.Slug+"/"+l.Slug, l.Title+" · "+d.Title, "courses"),
		Course: d, Lesson: l, Position: i + 1, Total: len(lessons)}
	if i > 0 {
		v.Prev = &lessons[i-1]
	}
	if i+1 < len(lessons) {
		v.Next = &lessons[i+1]
	}
	for _, m := range d.Modules {
		if m.Slug == l.Module {
			v.Module = m
			if m.Quiz != nil && m.Lessons[len(m.Lessons)-1].Slug == l.Slug {
				v.Quiz = m.Quiz
			}
		}
	}
	return v, nil
}

// markLessonDone marks the lesson done (the "mark as done" button), enrolling the reader when needed; when
// that finishes the course the certificate is issued.
func (h *handler) markLessonDone(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	slug, lesson := c.Params("slug"), c.Params("lesson")
	p, err := h.courses.CompleteLesson(c.UserContext(), u, slug, lesson)
	if err != nil {
		return err
	}
	done := "lesson"
	if p.Completed {
		done = "completed"
	}
	// NB: the fragment brings the reader (and keyboard focus) back to where they pressed the
	// button, beside the link to the next lesson, not to the top of the page.
	return c.Redirect("/"+loc.Tag+"/courses/"+url.PathEscape(slug)+"/"+url.PathEscape(lesson)+"?done="+done+"#lesson-done", fiber.StatusSeeOther)
}

// signInURL is the sign-in form that brings the reader back to path (in loc's language) after.
func signInURL(loc *i18n.Localizer, path string) string {
	return "/" + loc.Tag + "/login?next=" + url.QueryEscape("/"+loc.Tag+path)
}

// tagName is a course topic's name in the reader's language; a tag the translations do not name
// shows as it is written in course.toml.
func tagName(loc *i18n.Localizer, tag string) string {
	if name := loc.T("tag." + tag); name != "tag."+tag {
		return name
	}
	return tag
}
