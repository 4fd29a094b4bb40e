package web

import (
	"encoding/base64"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/validate"
)

// The JSON API of courses, quizzes, certificates and curricula (CONTRACT.md, "Courses and
// curricula"). Texts come in the request's language (?lang=, then Accept-Language), each object
// saying in "language" which one it is in: a missing translation falls back to English.

// Page sizes of the API's lists.
const (
	apiDefaultLimit = 20
	apiMaxLimit     = 100
)

// listJSON is the envelope of every API list.
type listJSON[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func newList[T any](items []T, next string) listJSON[T] {
	l := listJSON[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if next != "" {
		cursor := encodeCursor(next)
		l.NextCursor = &cursor
	}
	return l
}

// Cursors are opaque to clients: the slug to continue after, base64url-encoded.
func encodeCursor(slug string) string { return base64.RawURLEncoding.EncodeToString([]byte(slug)) }

func decodeCursor(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 || !validate.Clean(b) {
		return "", course.ErrInvalidCursor // NB: not one this API gave out; PostgreSQL would refuse it anyway
	}
	return string(b), nil
}

// listLimit reads ?limit=: 20 when absent, at most 100; anything but a positive integer is a 422.
func listLimit(c *fiber.Ctx, errs *validate.Errors) int {
	s := c.Query("limit")
	if s == "" {
		return apiDefaultLimit
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		errs.Add("limit", "field.invalid", nil)
		return apiDefaultLimit
	}
	return min(n, apiMaxLimit)
}

func apiTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// courseJSON is a course as the catalogue lists it.
type courseJSON struct {
	Slug             string   `json:"slug"`
	Title            string   `json:"title"`
	Summary          string   `json:"summary"`
	Language         string   `json:"language"`
	Languages        []string `json:"languages"`
	Level            string   `json:"level"`
	EstimatedMinutes int      `json:"estimated_minutes"`
	Tags             []string `json:"tags"`
	Prerequisites    []string `json:"prerequisites"`
	LessonCount      int      `json:"lesson_count"`
	Published        bool     `json:"published"`
}

func toCourseJSON(c course.Course) courseJSON {
	return courseJSON{Slug: c.Slug, Title: c.Title, Summary: c.Summary, Language: c.Language, Languages: c.Languages,
		Level: c.Level, EstimatedMinutes: c.EstimatedMinutes, Tags: c.Tags, Prerequisites: c.Prerequisites,
		LessonCount: c.LessonCount, Published: c.Published}
}

// courseDetailJSON is a course with its modules, lessons and quizzes.
type courseDetailJSON struct {
	courseJSON
	Modules []moduleJSON `json:"modules"`
}

type moduleJSON struct {
	Slug     string          `json:"slug"`
	Title    string          `json:"title"`
	Language string          `json:"language"`
	Lessons  []lessonRefJSON `json:"lessons"`
	Quiz     *quizRefJSON    `json:"quiz,omitempty"`
}

type lessonRefJSON struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Language string `json:"language"`
}

type quizRefJSON struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Language string `json:"language"`
	PassMark int    `json:"pass_mark"`
}

func toCourseDetailJSON(d *course.Detail) courseDetailJSON {
	out := courseDetailJSON{courseJSON: toCourseJSON(d.Course), Modules: make([]moduleJSON, 0, len(d.Modules))}
	for _, m := range d.Modules {
		mj := moduleJSON{Slug: m.Slug, Title: m.Title, Language: m.Language, Lessons: make([]lessonRefJSON, 0, len(m.Lessons))}
		for _, l := range m.Lessons {
			mj.Lessons = append(mj.Lessons, lessonRefJSON{Slug: l.Slug, Title: l.Title, Language: l.Language})
		}
		if q := m.Quiz; q != nil {
			mj.Quiz = &quizRefJSON{Slug: q.Slug, Title: q.Title, Language: q.Language, PassMark: q.PassMark}
		}
		out.Modules = append(out.Modules, mj)
	}
	return out
}

// lessonJSON is one lesson's text, with its neighbours in reading order.
type lessonJSON struct {
	Slug     string    `json:"slug"`
	Title    string    `json:"title"`
	Language string    `json:"language"`
	Course   string    `json:"course"`
	Module   string    `json:"module"`
	HTML     string    `json:"html"`
	Prev     *linkJSON `json:"prev,omitempty"`
	Next     *linkJSON `json:"next,omitempty"`
}

type linkJSON struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// progressJSON is where the learner stands in a course.
type progressJSON struct {
	Enrolled         bool     `json:"enrolled"`
	CompletedLessons int      `json:"completed_lessons"`
	TotalLessons     int      `json:"total_lessons"`
	Percent          int      `json:"percent"`
	PassedQuizzes    int      `json:"passed_quizzes"`
	TotalQuizzes     int      `json:"total_quizzes"`
	Completed        bool     `json:"completed"`
	CertificateID    string   `json:"certificate_id,omitempty"`
	LessonsDone      []string `json:"lessons_done"`
	QuizzesPassed    []string `json:"quizzes_passed"`
}

func toProgressJSON(p *course.Progress) progressJSON {
	keys := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	return progressJSON{Enrolled: p.Enrolled, CompletedLessons: p.CompletedLessons, TotalLessons: p.TotalLessons,
		Percent: p.Percent, PassedQuizzes: p.PassedQuizzes, TotalQuizzes: p.TotalQuizzes, Completed: p.Completed,
		CertificateID: p.CertificateID, LessonsDone: keys(p.LessonsDone), QuizzesPassed: keys(p.QuizzesPassed)}
}

// quizJSON is a quiz before an attempt: questions and choices, never which choices are right.
type quizJSON struct {
	Slug      string         `json:"slug"`
	Title     string         `json:"title"`
	Language  string         `json:"language"`
	PassMark  int            `json:"pass_mark"`
	Questions []questionJSON `json:"questions"`
}

type questionJSON struct {
	ID       string       `json:"id"`
	Text     string       `json:"text"`
	Multiple bool         `json:"multiple"`
	Choices  []choiceJSON `json:"choices"`
}

type choiceJSON struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func toQuizJSON(q *course.Quiz) quizJSON {
	out := quizJSON{Slug: q.Slug, Title: q.Title, Language: q.Language, PassMark: q.PassMark, Questions: make([]questionJSON, 0, len(q.Questions))}
	for _, qq := range q.Questions {
		qj := questionJSON{ID: qq.ID, Text: qq.Text, Multiple: qq.Multiple, Choices: make([]choiceJSON, 0, len(qq.Choices))}
		for _, ch := range qq.Choices {
			qj.Choices = append(qj.Choices, choiceJSON{ID: ch.ID, Text: ch.Text})
		}
		out.Questions = append(out.Questions, qj)
	}
	return out
}

// attemptRequest is the body of a quiz attempt: question id -> the ids of the chosen choices.
type attemptRequest struct {
	Answers map[string][]string `json:"answers"`
}

// attemptJSON is a scored attempt; the right choices and explanations are shown only now.
type attemptJSON struct {
	ID        string               `json:"id"`
	Score     int                  `json:"score"`
	Passed    bool                 `json:"passed"`
	PassMark  int                  `json:"pass_mark"`
	Questions []questionResultJSON `json:"questions"`
	Progress  progressJSON         `json:"progress"`
}

type questionResultJSON struct {
	ID             string   `json:"id"`
	Correct        bool     `json:"correct"`
	Chosen         []string `json:"chosen"`
	CorrectChoices []string `json:"correct_choices"`
	Explanation    string   `json:"explanation"`
}

func toAttemptJSON(a *course.Attempt) attemptJSON {
	out := attemptJSON{ID: a.ID, Score: a.Score, Passed: a.Passed, PassMark: a.PassMark, Progress: toProgressJSON(a.Progress),
		Questions: make([]questionResultJSON, 0, len(a.Questions))}
	for _, q := range a.Questions {
		chosen := q.Chosen
		if chosen == nil {
			chosen = []string{}
		}
		out.Questions = append(out.Questions, questionResultJSON{ID: q.ID, Correct: q.Correct, Chosen: chosen,
			CorrectChoices: q.Right, Explanation: q.Explanation})
	}
	return out
}

// certificateJSON is a certificate as anyone may verify it.
type certificateJSON struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Course   certificateCourse `json:"course"`
	IssuedAt string            `json:"issued_at"`
	Valid    bool              `json:"valid"`
	URL      string            `json:"url"` // the public verification page
}

type certificateCourse struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Language string `json:"language"`
}

// curriculumJSON is a curriculum with its courses in order. language is that of the title;
// description_language says when the description is the English one for want of a translation.
type curriculumJSON struct {
	Slug                string                 `json:"slug"`
	Title               string                 `json:"title"`
	Description         string                 `json:"description"`
	Language            string                 `json:"language"`
	DescriptionLanguage string                 `json:"description_language"`
	Courses             []curriculumCourseJSON `json:"courses"`
}

// toCurriculumJSON is cu with its courses, and the reader's progress along them when progress
// is not nil (a signed-in reader; CurriculumProgress never returns nil).
func toCurriculumJSON(cu *course.Curriculum, progress map[string]course.Enrollment) *curriculumJSON {
	out := &curriculumJSON{Slug: cu.Slug, Title: cu.Title, Description: cu.Description, Language: cu.Language,
		DescriptionLanguage: cu.DescriptionLanguage, Courses: make([]curriculumCourseJSON, 0, len(cu.Courses))}
	for _, co := range cu.Courses {
		cj := curriculumCourseJSON{courseJSON: toCourseJSON(co)}
		if progress != nil {
			e, ok := progress[co.Slug]
			cj.Progress = &curriculumProgressJSON{Enrolled: ok, Percent: e.Percent, Completed: e.CompletedAt != nil}
		}
		out.Courses = append(out.Courses, cj)
	}
	return out
}

// curriculumCourseJSON is one course of a curriculum; progress is there for a signed-in reader.
type curriculumCourseJSON struct {
	courseJSON
	Progress *curriculumProgressJSON `json:"progress,omitempty"`
}

type curriculumProgressJSON struct {
	Enrolled  bool `json:"enrolled"`
	Percent   int  `json:"percent"`
	Completed bool `json:"completed"`
}

// curriculumRequest is the body of POST /curricula.
type curriculumRequest struct {
	Slug        string            `json:"slug"`
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	Courses     []string          `json:"courses"`
}

// curriculumPatch is the body of PATCH /curricula/{slug}: absent fields keep their value. title
// and description merge by language (a null or empty text removes that language); courses, when
// present, replace the list (that is how a curriculum is reordered).
type curriculumPatch struct {
	Slug        *string            `json:"slug"`
	Title       map[string]*string `json:"title"`
	Description map[string]*string `json:"description"`
	Courses     *[]string          `json:"courses"`
}

// requireManager returns the signed-in curriculum manager (or admin): 401 for nobody, 403 for
// anyone else. Write handlers call it before reading the body, so that a 403 is a 403 whatever
// was sent.
func requireManager(c *fiber.Ctx) (*auth.User, error) {
	u, err := requireUser(c)
	if err != nil {
		return nil, err
	}
	if !u.Has(auth.RoleCurriculumManager) {
		return nil, course.ErrForbidden
	}
	return u, nil
}

// listCourses is the catalogue: ?q= words, ?tag=, ?level=, ?language= (courses written in it),
// paged by slug. Curriculum managers see unpublished courses too.
func (h *handler) listCourses(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	var errs validate.Errors
	f := course.Filter{Query: c.Query("q"), Tag: c.Query("tag"), Level: c.Query("level"),
		ContentLanguage: c.Query("language"), Limit: listLimit(c, &errs)}
	if f.Level != "" && !slices.Contains(course.Levels, f.Level) {
		errs.Add("level", "field.invalid", nil)
	}
	if f.ContentLanguage != "" && !slices.Contains(course.Languages, f.ContentLanguage) {
		errs.Add("language", "course.language.invalid", nil)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	cursor, err := decodeCursor(c.Query("cursor"))
	if err != nil {
		return err
	}
	f.Cursor, f.WithUnpublished = cursor, currentUser(c).Has(auth.RoleCurriculumManager)
	courses, next, err := h.courses.Catalog(c.UserContext(), loc.Tag, f)
	if err != nil {
		return err
	}
	items := make([]courseJSON, len(courses))
	for i, co := range courses {
		items[i] = toCourseJSON(co)
	}
	return c.JSON(newList(items, next))
}

func (h *handler) showCourse(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	d, err := h.courses.Course(c.UserContext(), currentUser(c), c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	return c.JSON(toCourseDetailJSON(d))
}

func (h *handler) showLesson(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	ctx, slug, lessonSlug := c.UserContext(), c.Params("slug"), c.Params("lesson")
	d, err := h.courses.Course(ctx, currentUser(c), slug, loc.Tag) // NB: the lesson of an unpublished course is hidden too
	if err != nil {
		return err
	}
	lessons := d.Lessons()
	i := slices.IndexFunc(lessons, func(l course.LessonRef) bool { return l.Slug == lessonSlug })
	if i < 0 {
		return course.ErrNotFound
	}
	l, err := h.courses.Lesson(ctx, slug, lessonSlug, loc.Tag)
	if err != nil {
		return err
	}
	out := lessonJSON{Slug: l.Slug, Title: l.Title, Language: l.Language, Course: slug, Module: l.Module, HTML: l.HTML}
	if i > 0 {
		out.Prev = &linkJSON{Slug: lessons[i-1].Slug, Title: lessons[i-1].Title}
	}
	if i+1 < len(lessons) {
		out.Next = &linkJSON{Slug: lessons[i+1].Slug, Title: lessons[i+1].Title}
	}
	c.Set(fiber.HeaderContentLanguage, l.Language) // English, when the lesson lacks the reader's language
	return c.JSON(out)
}

// enrollInCourse answers 201 for a new enrolment and 200 when the learner was already enrolled,
// with their progress either way.
func (h *handler) enrollInCourse(c *fiber.Ctx) error {
	h.apiLocalizer(c)
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	created, err := h.courses.Enroll(c.UserContext(), u, slug)
	if err != nil {
		return err
	}
	p, err := h.courses.Progress(c.UserContext(), u, slug)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/courses/"+slug+"/progress")
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(toProgressJSON(p))
}

// completeLesson marks a lesson done (enrolling the learner when needed); finishing the course
// issues the certificate, which GET .../progress then names.
func (h *handler) completeLesson(c *fiber.Ctx) error {
	h.apiLocalizer(c)
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	if _, err := h.courses.CompleteLesson(c.UserContext(), u, c.Params("slug"), c.Params("lesson")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *handler) showProgress(c *fiber.Ctx) error {
	h.apiLocalizer(c)
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx, slug := c.UserContext(), c.Params("slug")
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

func (h *handler) showQuiz(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	q, err := h.courses.Quiz(c.UserContext(), currentUser(c), c.Params("slug"), c.Params("quiz"), loc.Tag)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentLanguage, q.Language)
	return c.JSON(toQuizJSON(q))
}

// submitQuizAttempt scores an attempt on the server and keeps it: 201 with the score, each
// question's result and explanation, and the progress after it (a last pass completes the course).
func (h *handler) submitQuizAttempt(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var in attemptRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Answers == nil {
		return errRequired("answers")
	}
	a, err := h.courses.SubmitAttempt(c.UserContext(), u, c.Params("slug"), c.Params("quiz"), loc.Tag, in.Answers)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAttemptJSON(a))
}

// showCertificate is the public verification of a certificate: no sign-in needed.
func (h *handler) showCertificate(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	ce, err := h.courses.Certificate(c.UserContext(), c.Params("id"), loc.Tag)
	if err != nil {
		return err
	}
	return c.JSON(certificateJSON{ID: ce.ID, Name: ce.Name, IssuedAt: apiTime(ce.IssuedAt), Valid: ce.Valid,
		Course: certificateCourse{Slug: ce.CourseSlug, Title: ce.CourseTitle, Language: ce.Language},
		URL:    h.cfg.BaseURL.JoinPath("certificates", ce.ID).String()})
}

// listCurricula lists the learning paths by slug, each with its courses in order.
func (h *handler) listCurricula(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	var errs validate.Errors
	limit := listLimit(c, &errs)
	if err := errs.Err(); err != nil {
		return err
	}
	after, err := decodeCursor(c.Query("cursor"))
	if err != nil {
		return err
	}
	all, err := h.courses.CurriculaWithCourses(c.UserContext(), currentUser(c), loc.Tag)
	if err != nil {
		return err
	}
	items := []*curriculumJSON{}
	next := ""
	for _, cu := range all { // NB: a handful of curricula: paged here rather than in SQL
		if cu.Slug <= after {
			continue
		}
		if len(items) == limit {
			next = items[len(items)-1].Slug
			break
		}
		items = append(items, toCurriculumJSON(&cu, nil))
	}
	return c.JSON(newList(items, next))
}

func (h *handler) showCurriculum(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	out, err := h.curriculumJSON(c, c.Params("slug"), loc.Tag)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// curriculumJSON loads a curriculum for the reader, with their progress along it when signed in.
func (h *handler) curriculumJSON(c *fiber.Ctx, slug, lang string) (*curriculumJSON, error) {
	u := currentUser(c)
	cu, err := h.courses.Curriculum(c.UserContext(), u, slug, lang)
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

func (h *handler) createCurriculum(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	var in curriculumRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	err = h.courses.SaveCurriculum(c.UserContext(), u, course.CurriculumInput{Slug: in.Slug, Title: in.Title,
		Description: in.Description, Courses: in.Courses}, true)
	if err != nil {
		return err
	}
	out, err := h.curriculumJSON(c, in.Slug, loc.Tag)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/curricula/"+in.Slug)
	return c.Status(fiber.StatusCreated).JSON(out)
}

// updateCurriculum changes what the body names and keeps the rest (see curriculumPatch).
func (h *handler) updateCurriculum(c *fiber.Ctx) error {
	loc := h.apiLocalizer(c)
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	var patch curriculumPatch
	if err := decodeJSON(c, &patch); err != nil {
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
	if err := h.courses.SaveCurriculum(c.UserContext(), u, in, false); err != nil {
		return err
	}
	out, err := h.curriculumJSON(c, slug, loc.Tag)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *handler) deleteCurriculum(c *fiber.Ctx) error {
	h.apiLocalizer(c)
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	if err := h.courses.DeleteCurriculum(c.UserContext(), u, c.Params("slug")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// publishCourse and unpublishCourse show a course to learners or hide it (404 for them); the
// change goes into the audit log.
func (h *handler) publishCourse(c *fiber.Ctx) error { return h.setCoursePublished(c, true) }

func (h *handler) unpublishCourse(c *fiber.Ctx) error { return h.setCoursePublished(c, false) }

func (h *handler) setCoursePublished(c *fiber.Ctx, published bool) error {
	h.apiLocalizer(c)
	u, err := requireManager(c)
	if err != nil {
		return err
	}
	if err := h.courses.SetPublished(c.UserContext(), u, c.Params("slug"), published); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
