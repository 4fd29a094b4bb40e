package courseweb

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/site"
)

// The JSON API of courses, quizzes, certificates and curricula (CONTRACT.md, "Courses and
// curricula"); its shapes are in json.go. Texts come in the request's language (?lang=, then
// Accept-Language: site.APILanguage), each object saying in "language" which one it is in.

// ListCourses is the catalogue: ?q= words, ?tag=, ?level=, ?language= (courses written in it),
// paged by slug (?cursor=, ?limit=). Curriculum managers see unpublished courses too.
func (h *Handler) ListCourses(c *fiber.Ctx) error {
	page, perr := site.PageRequest(c)
	errs, perr := site.FormErrors(perr) // NB: every field's problem at once; a bad cursor after them
	f := course.Filter{Query: c.Query("q"), Tag: c.Query("tag"), Level: c.Query("level"), ContentLanguage: c.Query("language"),
		WithUnpublished: site.User(c).Has(auth.RoleCurriculumManager), Page: page}
	if f.Level != "" && !slices.Contains(course.Levels, f.Level) {
		errs.Add("level", "field.invalid", nil)
	}
	if f.ContentLanguage != "" && !slices.Contains(course.Languages, f.ContentLanguage) {
		errs.Add("language", "course.language.invalid", nil)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if perr != nil {
		return perr
	}
	lang := site.Lang(c).Tag
	// NB: the unfiltered first page, as everyone sees it, is encoded once per content generation.
	shared := f == course.Filter{Page: paging.Request{Limit: f.Page.Limit}}
	gen := h.courses.ContentGeneration()
	if shared {
		if b := h.lists.get(gen, lang, f.Page.Limit); b != nil {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
			return c.Send(b)
		}
	}
	courses, err := h.courses.Catalog(c.UserContext(), lang, f)
	if err != nil {
		return err
	}
	b, err := json.Marshal(site.NewList(courses, toCourseJSON))
	if err != nil {
		return err
	}
	if shared {
		h.lists.put(gen, lang, f.Page.Limit, b)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

// listMemo keeps the API catalogue's unfiltered first pages, encoded, per language and limit,
// for one content generation: the list every client asks first costs one encoding per change
// of the content, not one per request.
type listMemo struct {
	mu    sync.Mutex
	gen   uint64
	pages map[listKey][]byte
}

type listKey struct {
	lang  string
	limit int
}

func (m *listMemo) get(gen uint64, lang string, limit int) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen {
		return nil
	}
	return m.pages[listKey{lang, limit}]
}

func (m *listMemo) put(gen uint64, lang string, limit int, b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen || m.pages == nil {
		m.gen, m.pages = gen, map[listKey][]byte{}
	}
	m.pages[listKey{lang, limit}] = b
}

// ShowCourse is a course with its modules, lessons and quizzes.
func (h *Handler) ShowCourse(c *fiber.Ctx) error {
	d, err := h.courses.Course(c.UserContext(), site.User(c), c.Params("slug"), site.Lang(c).Tag)
	if err != nil {
		return err
	}
	return c.JSON(toCourseDetailJSON(d))
}

// ShowLesson is a lesson's text with its neighbours; Content-Language is the lesson's own
// (English, when it lacks the reader's language).
func (h *Handler) ShowLesson(c *fiber.Ctx) error {
	ctx, lang, slug, lessonSlug := c.UserContext(), site.Lang(c).Tag, c.Params("slug"), c.Params("lesson")
	d, err := h.courses.Course(ctx, site.User(c), slug, lang) // NB: the lesson of an unpublished course is hidden too
	if err != nil {
		return err
	}
	place, ok := d.Place(lessonSlug)
	if !ok {
		return course.ErrNotFound
	}
	l, err := h.courses.Lesson(ctx, slug, lessonSlug, lang)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentLanguage, l.Language)
	return c.JSON(LessonJSON{Slug: l.Slug, Title: l.Title, Language: l.Language, Course: d.Slug, Module: l.Module, HTML: l.HTML,
		Prev: toLinkJSON(place.Prev), Next: toLinkJSON(place.Next)})
}

// EnrollInCourse answers 201 for a new enrolment and 200 when the learner was already enrolled,
// with their progress either way.
func (h *Handler) EnrollInCourse(c *fiber.Ctx) error {
	ctx, u, slug := c.UserContext(), site.User(c), c.Params("slug")
	created, err := h.courses.Enroll(ctx, u, slug)
	if err != nil {
		return err
	}
	p, err := h.courses.Progress(ctx, u, slug)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, site.Path("api", "v1", "courses", slug, "progress"))
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(toProgressJSON(p))
}

// CompleteLesson marks a lesson done (enrolling the learner when needed); finishing the course
// issues the certificate, which GET .../progress then names.
func (h *Handler) CompleteLesson(c *fiber.Ctx) error {
	if _, err := h.courses.CompleteLesson(c.UserContext(), site.User(c), c.Params("slug"), c.Params("lesson")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ShowProgress is where the learner stands in the course.
func (h *Handler) ShowProgress(c *fiber.Ctx) error {
	ctx, u, slug := c.UserContext(), site.User(c), c.Params("slug")
	// NB: Progress alone does not hide unpublished courses; Course does.
	if _, err := h.courses.Course(ctx, u, slug, course.SourceLanguage); err != nil {
		return err
	}
	p, err := h.courses.Progress(ctx, u, slug)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toProgressJSON(p))
}

// ShowQuiz is a quiz's questions and choices, never its answers; Content-Language is the quiz's
// own.
func (h *Handler) ShowQuiz(c *fiber.Ctx) error {
	q, err := h.courses.Quiz(c.UserContext(), site.User(c), c.Params("slug"), c.Params("quiz"), site.Lang(c).Tag)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentLanguage, q.Language)
	return c.JSON(toQuizJSON(q))
}

// SubmitQuizAttempt scores an attempt on the server and keeps it: 201 with the score, each
// question's result (AttemptJSON), the attempts left and the progress after it (a last pass
// completes the course). During a pause it is a 429 with Retry-After and next_attempt_at.
func (h *Handler) SubmitQuizAttempt(c *fiber.Ctx) error {
	var in AttemptRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Answers == nil {
		return site.ErrRequired("answers")
	}
	a, err := h.courses.SubmitAttempt(c.UserContext(), site.User(c), c.Params("slug"), c.Params("quiz"), site.Lang(c).Tag, in.Answers)
	if cd := (*course.CooldownError)(nil); errors.As(err, &cd) {
		setRetryAfter(c, cd.Until)
		return site.WithProblemMembers(err, map[string]any{"next_attempt_at": site.APITime(cd.Until)})
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAttemptJSON(a))
}

// ShowCertificate is the public verification of a certificate: no sign-in needed.
func (h *Handler) ShowCertificate(c *fiber.Ctx) error {
	ce, err := h.courses.Certificate(c.UserContext(), c.Params("id"), site.Lang(c).Tag)
	if err != nil {
		return err
	}
	return c.JSON(toCertificateJSON(ce, h.site.Config().BaseURL.JoinPath("certificates", ce.ID).String()))
}

// ListCurricula lists the learning paths by slug (?cursor=, ?limit=), each with its courses in
// order.
func (h *Handler) ListCurricula(c *fiber.Ctx) error {
	page, err := site.PageRequest(c)
	if err != nil {
		return err
	}
	list, err := h.courses.CurriculaWithCourses(c.UserContext(), site.User(c), site.Lang(c).Tag, page)
	if err != nil {
		return err
	}
	return c.JSON(site.NewList(list, func(cu course.Curriculum) *CurriculumJSON { return toCurriculumJSON(&cu, nil) }))
}

// ShowCurriculum is a learning path with its courses and, for a signed-in reader, their progress
// along it.
func (h *Handler) ShowCurriculum(c *fiber.Ctx) error {
	out, err := h.curriculumJSON(c, c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// curriculumJSON loads a curriculum for the reader, with their progress along it when signed in.
func (h *Handler) curriculumJSON(c *fiber.Ctx, slug string) (*CurriculumJSON, error) {
	u := site.User(c)
	cu, err := h.courses.Curriculum(c.UserContext(), u, slug, site.Lang(c).Tag)
	if err != nil {
		return nil, err
	}
	var progress map[string]course.Enrollment
	if u != nil {
		if progress, err = h.courses.CurriculumProgress(c.UserContext(), u, slug); err != nil {
			return nil, err
		}
	}
	return toCurriculumJSON(cu, progress), nil
}

// CreateCurriculum creates a learning path: 201 with it, and its address in Location.
func (h *Handler) CreateCurriculum(c *fiber.Ctx) error {
	var in CurriculumRequest
	if err := site.DecodeJSON(c, &in); err != nil {
		return err
	}
	err := h.courses.SaveCurriculum(c.UserContext(), site.User(c), course.CurriculumInput{Slug: in.Slug, Title: in.Title,
		Description: in.Description, Courses: in.Courses}, true)
	if err != nil {
		return err
	}
	out, err := h.curriculumJSON(c, in.Slug)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, site.Path("api", "v1", "curricula", in.Slug))
	return c.Status(fiber.StatusCreated).JSON(out)
}

// UpdateCurriculum changes what the body names and keeps the rest (see CurriculumPatch).
func (h *Handler) UpdateCurriculum(c *fiber.Ctx) error {
	var patch CurriculumPatch
	if err := site.DecodeJSON(c, &patch); err != nil {
		return err
	}
	slug := c.Params("slug")
	in, err := h.courses.CurriculumTexts(c.UserContext(), slug)
	if err != nil {
		return err
	}
	if patch.Slug != nil && *patch.Slug != slug {
		return validate.Errors{{Field: "slug", Key: "course.curriculum.slug_fixed"}}
	}
	merge := func(dst map[string]string, src map[string]*string) {
		for lang, text := range src {
			if text == nil || *text == "" {
				delete(dst, lang)
			} else {
				dst[lang] = *text
			}
		}
	}
	merge(in.Title, patch.Title)
	merge(in.Description, patch.Description)
	for lang := range in.Description {
		if _, kept := in.Title[lang]; !kept && patch.Description[lang] == nil {
			delete(in.Description, lang) // a language whose title goes takes its description along
		}
	}
	if patch.Courses != nil {
		in.Courses = *patch.Courses
	}
	if err := h.courses.SaveCurriculum(c.UserContext(), site.User(c), in, false); err != nil {
		return err
	}
	out, err := h.curriculumJSON(c, slug)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// DeleteCurriculum deletes a learning path (its courses stay).
func (h *Handler) DeleteCurriculum(c *fiber.Ctx) error {
	if err := h.courses.DeleteCurriculum(c.UserContext(), site.User(c), c.Params("slug")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// PublishCourse shows a course to learners; the change goes into the audit log.
func (h *Handler) PublishCourse(c *fiber.Ctx) error { return h.setCoursePublished(c, true) }

// UnpublishCourse hides a course from learners (404 for them); the change goes into the audit
// log.
func (h *Handler) UnpublishCourse(c *fiber.Ctx) error { return h.setCoursePublished(c, false) }

func (h *Handler) setCoursePublished(c *fiber.Ctx, published bool) error {
	if err := h.courses.SetPublished(c.UserContext(), site.User(c), c.Params("slug"), published); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
