package courseweb

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// The course administration pages, for curriculum managers (and admins): every course with its
// numbers and a button to publish or unpublish it, and the learning paths with their forms. The
// route table lets no one else in (site.RequireRole).

// AdminCoursesPage lists every course for curriculum managers.
type AdminCoursesPage struct {
	site.Page
	Courses []course.Stats
}

// AdminCurriculaPage lists the learning paths for curriculum managers.
type AdminCurriculaPage struct {
	site.Page
	Curricula []course.Curriculum
}

// CurriculumDeletePage asks a curriculum manager to confirm that a learning path is to go.
type CurriculumDeletePage struct {
	site.Page
	Curriculum *course.Curriculum
	Action     string // where the confirmed deletion is posted
	Cancel     string // back to the list
}

// CurriculumFormPage creates or edits a learning path.
type CurriculumFormPage struct {
	site.Page
	Heading      string
	Action       string
	Create       bool   // the slug can be chosen only when creating
	DeleteAction string // "" when creating
	Slug         string
	SlugError    string
	Texts        []CurriculumTextField
	Courses      []CurriculumCourseField
	CoursesError string
	Error        string
}

// CurriculumTextField is one language's title and description in the curriculum form.
type CurriculumTextField struct {
	Language         i18n.Language
	Title            string
	Description      string
	TitleError       string
	DescriptionError string
}

// CurriculumCourseField is one course in the curriculum form: whether it is in the path, and
// where.
type CurriculumCourseField struct {
	Course   course.Course
	Included bool
	Position string
	Error    string // about the position, translated; "" when it is fine
}

// ShowAdminCoursesPage lists every course, published or not, with its enrolments and
// completions.
func (h *Handler) ShowAdminCoursesPage(c *fiber.Ctx) error {
	loc := site.Lang(c)
	stats, err := h.courses.CourseStats(c.UserContext(), site.User(c), loc.Tag)
	if err != nil {
		return err
	}
	return site.Render(c, AdminCourses(AdminCoursesPage{
		Page: h.site.Page(c, site.Path("admin", "courses"), loc.T("admin.courses.heading"), "admin"), Courses: stats}))
}

// ChangeCoursePublication publishes (published=true) or unpublishes a course.
func (h *Handler) ChangeCoursePublication(c *fiber.Ctx) error {
	var published bool
	switch site.FormValue(c, "published") {
	case "true":
		published = true
	case "false":
	default:
		return fiber.NewError(fiber.StatusBadRequest, "published must be true or false")
	}
	if err := h.courses.SetPublished(c.UserContext(), site.User(c), c.Params("slug"), published); err != nil {
		return err
	}
	done := "unpublished"
	if published {
		done = "published"
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "admin", "courses"), done))
}

// ShowAdminCurriculaPage lists the learning paths, to edit or delete.
func (h *Handler) ShowAdminCurriculaPage(c *fiber.Ctx) error {
	loc := site.Lang(c)
	list, err := h.courses.Curricula(c.UserContext(), loc.Tag)
	if err != nil {
		return err
	}
	return site.Render(c, AdminCurricula(AdminCurriculaPage{
		Page: h.site.Page(c, site.Path("admin", "curricula"), loc.T("admin.curricula.heading"), "admin"), Curricula: list}))
}

// ShowNewCurriculumPage is the empty form for a new learning path.
func (h *Handler) ShowNewCurriculumPage(c *fiber.Ctx) error {
	in := course.CurriculumInput{Title: map[string]string{}, Description: map[string]string{}}
	view, err := h.curriculumForm(c, site.User(c), in, true, nil)
	if err != nil {
		return err
	}
	return site.Render(c, CurriculumForm(view))
}

// ShowEditCurriculumPage is the form of a learning path, filled in.
func (h *Handler) ShowEditCurriculumPage(c *fiber.Ctx) error {
	in, err := h.courses.CurriculumTexts(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	view, err := h.curriculumForm(c, site.User(c), in, false, nil)
	if err != nil {
		return err
	}
	return site.Render(c, CurriculumForm(view))
}

// CreateCurriculumFromForm creates a learning path from the new-path form.
func (h *Handler) CreateCurriculumFromForm(c *fiber.Ctx) error {
	return h.saveCurriculumFromForm(c, true)
}

// UpdateCurriculumFromForm saves the edit form of the learning path in the address.
func (h *Handler) UpdateCurriculumFromForm(c *fiber.Ctx) error {
	return h.saveCurriculumFromForm(c, false)
}

// saveCurriculumFromForm creates or updates a curriculum from the form; a form with problems comes back
// (422) with each message beside its field.
func (h *Handler) saveCurriculumFromForm(c *fiber.Ctx, create bool) error {
	ctx, u := c.UserContext(), site.User(c)
	slug := strings.TrimSpace(site.FormValue(c, "slug"))
	if !create {
		slug = c.Params("slug")
	}
	in, positions, posErrs := curriculumInputFrom(c, slug)
	var err error
	if len(posErrs) > 0 {
		// Nothing is saved while a position is unclear; the form says what else is wrong too.
		others, ferr := site.FormErrors(h.courses.CheckCurriculum(ctx, u, in))
		if ferr != nil {
			return ferr
		}
		err = append(posErrs, others...)
	} else {
		err = h.courses.SaveCurriculum(ctx, u, in, create)
	}
	if errors.Is(err, course.ErrSlugTaken) {
		err = validate.Errors{{Field: "slug", Key: "admin.curricula.slug_taken"}}
	}
	if errs, err := site.FormErrors(err); err != nil {
		return err
	} else if errs != nil {
		view, err := h.curriculumForm(c, u, in, create, errs)
		if err != nil {
			return err
		}
		for i, cf := range view.Courses { // what was typed comes back as typed
			if p, ok := positions[cf.Course.Slug]; ok && cf.Included {
				view.Courses[i].Position = p
			}
		}
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, CurriculumForm(view))
	}
	done := "updated"
	if create {
		done = "created"
	}
	return site.Redirect(c, site.Done(site.Path(site.Lang(c).Tag, "admin", "curricula"), done))
}

// DeleteCurriculumFromForm deletes a learning path once the manager has confirmed it
// (confirm=yes in the form); the delete buttons lead to the confirmation first.
func (h *Handler) DeleteCurriculumFromForm(c *fiber.Ctx) error {
	loc, u, slug := site.Lang(c), site.User(c), c.Params("slug")
	list := site.Path(loc.Tag, "admin", "curricula")
	if site.FormValue(c, "confirm") != "yes" {
		// The delete buttons lead here first: a learning path is gone for good once deleted.
		cu, err := h.courses.Curriculum(c.UserContext(), u, slug, loc.Tag)
		if err != nil {
			return err
		}
		title := loc.T("admin.curricula.confirm.heading")
		return site.Render(c, CurriculumDelete(CurriculumDeletePage{
			Page:       h.site.Page(c, site.Path("admin", "curricula"), title, "admin"),
			Curriculum: cu, Action: site.Path(loc.Tag, "admin", "curricula", slug, "delete"), Cancel: list}))
	}
	if err := h.courses.DeleteCurriculum(c.UserContext(), u, slug); err != nil {
		return err
	}
	return site.Redirect(c, site.Done(list, "deleted"))
}

// curriculumInputFrom reads the curriculum form: title.<lang> and description.<lang> for each
// language, the ticked courses, and position.<course> to order them. A ticked course left without
// a number goes after those with one, in the form's order; a number that is not a whole number
// from 1 to 999, or that two ticked courses share, is an error beside its field. It also returns
// the positions as typed, to show them again.
func curriculumInputFrom(c *fiber.Ctx, slug string) (course.CurriculumInput, map[string]string, validate.Errors) {
	in := course.CurriculumInput{Slug: slug, Title: map[string]string{}, Description: map[string]string{}}
	for _, l := range course.Languages {
		if t := strings.TrimSpace(site.FormValue(c, "title."+l)); t != "" {
			in.Title[l] = t
		}
		if d := strings.TrimSpace(site.FormValue(c, "description."+l)); d != "" {
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
	for _, s := range site.FormValues(c, "courses") {
		raw := strings.TrimSpace(site.FormValue(c, "position."+s))
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
func (h *Handler) curriculumForm(c *fiber.Ctx, u *auth.User, in course.CurriculumInput, create bool, errs validate.Errors) (CurriculumFormPage, error) {
	loc := site.Lang(c)
	all, err := h.courses.CourseStats(c.UserContext(), u, loc.Tag)
	if err != nil {
		return CurriculumFormPage{}, err
	}
	heading, path, action := loc.T("admin.curricula.new"), site.Path("admin", "curricula", "new"), site.Path(loc.Tag, "admin", "curricula")
	if !create {
		heading, path = loc.T("admin.curricula.edit_heading"), site.Path("admin", "curricula", in.Slug, "edit")
		action = site.Path(loc.Tag, "admin", "curricula", in.Slug)
	}
	v := CurriculumFormPage{Page: h.site.Page(c, path, heading, "admin"), Heading: heading, Action: action,
		Create: create, Slug: in.Slug, SlugError: site.FieldError(loc, errs, "slug"), CoursesError: site.FieldError(loc, errs, "courses")}
	if !create {
		v.DeleteAction = action + "/delete"
	}
	if len(errs) > 0 {
		v.Error = loc.T("admin.curricula.invalid")
	}
	for _, l := range i18n.Languages {
		v.Texts = append(v.Texts, CurriculumTextField{Language: l, Title: in.Title[l.Tag], Description: in.Description[l.Tag],
			TitleError: site.FieldError(loc, errs, "title."+l.Tag), DescriptionError: site.FieldError(loc, errs, "description."+l.Tag)})
	}
	for i, slug := range in.Courses {
		if j := slices.IndexFunc(all, func(s course.Stats) bool { return s.Slug == slug }); j >= 0 {
			v.Courses = append(v.Courses, CurriculumCourseField{Course: all[j].Course, Included: true, Position: strconv.Itoa(i + 1),
				Error: site.FieldError(loc, errs, "position."+slug)})
		}
	}
	for _, s := range all {
		if !slices.Contains(in.Courses, s.Slug) {
			v.Courses = append(v.Courses, CurriculumCourseField{Course: s.Course})
		}
	}
	return v, nil
}
