package web

import (
	"cmp"
	"errors"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/templates"
)

// adminCourseDone are the confirmations the course and curriculum admin pages show after a
// redirect (?done=…).
var adminCourseDone = map[string]string{
	"published":   "admin.courses.done.published",
	"unpublished": "admin.courses.done.unpublished",
	"created":     "admin.curricula.done.created",
	"updated":     "admin.curricula.done.updated",
	"deleted":     "admin.curricula.done.deleted",
}

// adminPage starts a course or curriculum admin page, with its confirmation after a redirect.
func (h *handler) adminPage(c *fiber.Ctx, loc *i18n.Localizer, path, title string) templates.Page {
	p := h.page(c, loc, path, title, "admin")
	if key, ok := adminCourseDone[c.Query("done")]; ok {
		p.Flash = loc.T(key)
	}
	return p
}

func (h *handler) showAdminCoursesPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	stats, err := h.courses.CourseStats(c.UserContext(), u, loc.Tag)
	if err != nil {
		return err
	}
	return render(c, templates.AdminCourses(templates.AdminCoursesPage{
		Page: h.adminPage(c, loc, "/admin/courses", loc.T("admin.courses.heading")), Courses: stats}))
}

// changeCoursePublication publishes (published=true) or unpublishes a course.
func (h *handler) changeCoursePublication(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	var published bool
	switch formValue(c, "published") {
	case "true":
		published = true
	case "false":
	default:
		return fiber.NewError(fiber.StatusBadRequest, "published must be true or false")
	}
	if err := h.courses.SetPublished(c.UserContext(), u, c.Params("slug"), published); err != nil {
		return err
	}
	done := "unpublished"
	if published {
		done = "published"
	}
	return c.Redirect("/"+loc.Tag+"/admin/courses?done="+done, fiber.StatusSeeOther)
}

func (h *handler) showAdminCurriculaPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	if _, err := requireManager(c); err != nil {
		return err
	}
	list, err := h.courses.Curricula(c.UserContext(), loc.Tag)
	if err != nil {
		return err
	}
	return render(c, templates.AdminCurricula(templates.AdminCurriculaPage{
		Page: h.adminPage(c, loc, "/admin/curricula", loc.T("admin.curricula.heading")), Curricula: list}))
}

func (h *handler) showNewCurriculumPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	in := course.CurriculumInput{Title: map[string]string{}, Description: map[string]string{}}
	view, err := h.curriculumForm(c, loc, u, in, true, nil)
	if err != nil {
		return err
	}
	return render(c, templates.CurriculumForm(view))
}

func (h *handler) showEditCurriculumPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	in, err := h.courses.CurriculumTexts(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	view, err := h.curriculumForm(c, loc, u, in, false, nil)
	if err != nil {
		return err
	}
	return render(c, templates.CurriculumForm(view))
}

func (h *handler) createCurriculumFromForm(c *fiber.Ctx) error {
	return h.saveCurriculumFromForm(c, true)
}

func (h *handler) updateCurriculumFromForm(c *fiber.Ctx) error {
	return h.saveCurriculumFromForm(c, false)
}

// saveCurriculumFromForm creates or updates a curriculum from the form; a form with problems comes back
// (422) with each message beside its field.
func (h *handler) saveCurriculumFromForm(c *fiber.Ctx, create bool) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	slug := strings.TrimSpace(formValue(c, "slug"))
	if !create {
		slug = c.Params("slug")
	}
	in, positions, posErrs := curriculumInputFrom(c, slug)
	if len(posErrs) > 0 {
		// Nothing is saved while a position is unclear; the form says what else is wrong too.
		others, ferr := formErrors(h.courses.CheckCurriculum(c.UserContext(), u, in))
		if ferr != nil {
			return ferr
		}
		err = append(posErrs, others...)
	} else {
		err = h.courses.SaveCurriculum(c.UserContext(), u, in, create)
	}
	if errors.Is(err, course.ErrSlugTaken) {
		err = validate.Errors{{Field: "slug", Key: "admin.curricula.slug_taken"}}
	}
	if errs, err := formErrors(err); err != nil {
		return err
	} else if errs != nil {
		view, err := h.curriculumForm(c, loc, u, in, create, errs)
		if err != nil {
			return err
		}
		for i, cf := range view.Courses { // what was typed comes back as typed
			if p, ok := positions[cf.Course.Slug]; ok && cf.Included {
				view.Courses[i].Position = p
			}
		}
		return renderStatus(c, fiber.StatusUnprocessableEntity, templates.CurriculumForm(view))
	}
	done := "updated"
	if create {
		done = "created"
	}
	return c.Redirect("/"+loc.Tag+"/admin/curricula?done="+done, fiber.StatusSeeOther)
}

func (h *handler) deleteCurriculumFromForm(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	if formValue(c, "confirm") != "yes" {
		// The delete buttons lead here first: a learning path is gone for good once deleted.
		cu, err := h.courses.Curriculum(c.UserContext(), u, slug, loc.Tag)
		if err != nil {
			return err
		}
		title := loc.T("admin.curricula.confirm.heading")
		return render(c, templates.CurriculumDelete(templates.CurriculumDeletePage{
			Page:       h.page(c, loc, "/admin/curricula", title, "admin"),
			Curriculum: cu, Action: "/" + loc.Tag + "/admin/curricula/" + url.PathEscape(slug) + "/delete",
			Cancel: "/" + loc.Tag + "/admin/curricula"}))
	}
	if err := h.courses.DeleteCurriculum(c.UserContext(), u, slug); err != nil {
		return err
	}
	return c.Redirect("/"+loc.Tag+"/admin/curricula?done=deleted", fiber.StatusSeeOther)
}

// curriculumInputFrom reads the curriculum form: title.<lang> and description.<lang> for each
// language, the ticked courses, and position.<course> to order them. A ticked course left without
// a number goes after those with one, in the form's order; a number that is not a whole number
// from 1 to 999, or that two ticked courses share, is an error beside its field. It also returns
// the positions as typed, to show them again.
func curriculumInputFrom(c *fiber.Ctx, slug string) (course.CurriculumInput, map[string]string, validate.Errors) {
	in := course.CurriculumInput{Slug: slug, Title: map[string]string{}, Description: map[string]string{}}
	for _, l := range course.Languages {
		if t := strings.TrimSpace(formValue(c, "title."+l)); t != "" {
			in.Title[l] = t
		}
		if d := strings.TrimSpace(formValue(c, "description."+l)); d != "" {
			in.Description[l] = d
		}
	}
	type pick struct {
		slug     string
		position int
	}
	var picks []pick
	typed := map[string]string{}
	taken := map[int]bool{}
	var errs validate.Errors
	for _, v := range c.Request().PostArgs().PeekMulti("courses") {
		s := string(v)
		raw := strings.TrimSpace(formValue(c, "position."+s))
		typed[s] = raw
		pos := math.MaxInt
		if raw != "" {
			n, err := strconv.Atoi(raw)
			switch {
			case err != nil || n < 1 || n > maxPosition:
				errs = append(errs, validate.FieldError{Field: "position." + s, Key: "admin.curricula.position_invalid",
					Args: map[string]any{"Max": maxPosition}})
			case taken[n]:
				errs = append(errs, validate.FieldError{Field: "position." + s, Key: "admin.curricula.position_repeated",
					Args: map[string]any{"Position": n}})
			default:
				taken[n], pos = true, n
			}
		}
		picks = append(picks, pick{s, pos})
	}
	slices.SortStableFunc(picks, func(a, b pick) int { return cmp.Compare(a.position, b.position) })
	for _, p := range picks {
		in.Courses = append(in.Courses, p.slug)
	}
	return in, typed, errs
}

// maxPosition is the largest position the curriculum form takes, as its inputs say (max="999").
const maxPosition = 999

// curriculumForm fills the create or edit form with in and, after a refused submission, errs.
// Every course is listed: those of the curriculum first, numbered in order, then the others.
func (h *handler) curriculumForm(c *fiber.Ctx, loc *i18n.Localizer, u *auth.User, in course.CurriculumInput, create bool, errs validate.Errors) (templates.CurriculumFormPage, error) {
	all, err := h.courses.CourseStats(c.UserContext(), u, loc.Tag)
	if err != nil {
		return templates.CurriculumFormPage{}, err
	}
	heading, path, action := loc.T("admin.curricula.new"), "/admin/curricula/new", "/"+loc.Tag+"/admin/curricula"
	if !create {
		heading, path = loc.T("admin.curricula.edit_heading"), "/admin/curricula/"+url.PathEscape(in.Slug)+"/edit"
		action = "/" + loc.Tag + "/admin/curricula/" + url.PathEscape(in.Slug)
	}
	v := templates.CurriculumFormPage{Page: h.page(c, loc, path, heading, "admin"), Heading: heading, Action: action,
		Create: create, Slug: in.Slug, SlugError: fieldError(loc, errs, "slug"), CoursesError: fieldError(loc, errs, "courses")}
	if !create {
		v.DeleteAction = action + "/delete"
	}
	if len(errs) > 0 {
		v.Error = loc.T("admin.curricula.invalid")
	}
	for _, l := range i18n.Languages {
		v.Texts = append(v.Texts, templates.CurriculumTextField{Language: l, Title: in.Title[l.Tag], Description: in.Description[l.Tag],
			TitleError: fieldError(loc, errs, "title."+l.Tag), DescriptionError: fieldError(loc, errs, "description."+l.Tag)})
	}
	for i, slug := range in.Courses {
		if j := slices.IndexFunc(all, func(s course.Stats) bool { return s.Slug == slug }); j >= 0 {
			v.Courses = append(v.Courses, templates.CurriculumCourseField{Course: all[j].Course, Included: true, Position: strconv.Itoa(i + 1),
				Error: fieldError(loc, errs, "position."+slug)})
		}
	}
	for _, s := range all {
		if !slices.Contains(in.Courses, s.Slug) {
			v.Courses = append(v.Courses, templates.CurriculumCourseField{Course: s.Course})
		}
	}
	return v, nil
}
