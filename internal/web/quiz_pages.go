package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/i18n"
	"capacityhub/internal/web/templates"
)

// answersPrefix starts the quiz form's field names: answers.<question id> = <choice id>, one
// value per ticked choice, like the API's {"answers": {"q1": ["b"]}}.
const answersPrefix = "answers."

func (h *handler) showQuizPage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	view, err := h.quizView(c, loc, currentUser(c))
	if err != nil {
		return err
	}
	return render(c, templates.QuizView(view))
}

// quizView loads the course and the quiz, without its answers, and the reader's progress.
func (h *handler) quizView(c *fiber.Ctx, loc *i18n.Localizer, u *auth.User) (templates.QuizPage, error) {
	ctx := c.UserContext()
	d, err := h.courses.Course(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return templates.QuizPage{}, err
	}
	q, err := h.courses.Quiz(ctx, u, d.Slug, c.Params("quiz"), loc.Tag)
	if err != nil {
		return templates.QuizPage{}, err
	}
	path := "/courses/" + d.Slug + "/quizzes/" + q.Slug
	v := templates.QuizPage{Page: h.page(c, loc, path, q.Title+" · "+d.Title, "courses"), Course: d, Quiz: q,
		Action: "/" + loc.Tag + path}
	if u == nil {
		v.SignInURL = signInURL(loc, path)
		return v, nil
	}
	v.Progress, err = h.courses.Progress(ctx, u, d.Slug)
	return v, err
}

// submitQuiz scores an attempt on the server and shows the result. The attempt is kept; when it
// passes the last quiz the course needed, the course is completed and the certificate issued.
func (h *handler) submitQuiz(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	view, err := h.quizView(c, loc, u)
	if err != nil {
		return err
	}
	answers := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if id, ok := strings.CutPrefix(string(k), answersPrefix); ok {
			answers[id] = append(answers[id], string(v))
		}
	})
	a, err := h.courses.SubmitAttempt(c.UserContext(), u, view.Course.Slug, view.Quiz.Slug, loc.Tag, answers)
	if errs, err := formErrors(err); err != nil {
		return err
	} else if errs != nil {
		// An answer naming a question or choice the quiz does not have: a stale or forged form.
		view.Error = loc.T("quiz.error")
		return renderStatus(c, fiber.StatusUnprocessableEntity, templates.QuizView(view))
	}
	// Post/redirect/get: reloading the result must not submit the attempt again.
	to := "/" + loc.Tag + "/courses/" + view.Course.Slug + "/quizzes/" + view.Quiz.Slug + "/attempts/" + a.ID
	if a.Progress != nil && a.Progress.Completed && !view.Progress.Completed {
		to += "?completed=1"
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// showQuizResult shows a kept attempt: the score, each question right or wrong with its
// explanation, and the course's completion when this attempt finished it.
func (h *handler) showQuizResult(c *fiber.Ctx) error {
	loc, u, err := h.pageUser(c)
	if err != nil {
		return err
	}
	view, err := h.quizView(c, loc, u)
	if err != nil {
		return err
	}
	a, err := h.courses.AttemptResult(c.UserContext(), u, view.Course.Slug, view.Quiz.Slug, c.Params("id"), loc.Tag)
	if err != nil {
		return err
	}
	res := templates.QuizResultPage{Page: view.Page, Course: view.Course, Quiz: view.Quiz, Attempt: a,
		JustCompleted: c.Query("completed") == "1" && a.Progress.Completed}
	res.Title = loc.T("quiz.result.heading") + " · " + view.Quiz.Title
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return render(c, templates.QuizResult(res))
}
