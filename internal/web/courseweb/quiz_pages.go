package courseweb

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// answersPrefix starts the quiz form's field names: answers.<question id> = <choice id>, one
// value per ticked choice, like the API's {"answers": {"q1": ["b"]}}.
const answersPrefix = "answers."

// QuizPage is a quiz as a learner answers it: never its answers.
type QuizPage struct {
	site.Page
	Course   *course.Detail
	Quiz     *course.Quiz
	Action   string
	Error    string              // the form's problem after a refused submission, translated
	Chosen   map[string][]string // after a refused submission: the answers sent, still selected
	Progress *course.Progress    // nil when signed out
	// A visitor's answers are held in their browser until they sign in (held.go): Held says
	// they are, to a visitor; Resumed, to the learner now signed in, that Chosen are those.
	Held, Resumed          bool
	SignInURL, RegisterURL string
}

// QuizResultPage is a scored attempt: the score, each question right or wrong with its
// explanation, and the course's completion when this attempt finished it.
type QuizResultPage struct {
	site.Page
	Course        *course.Detail
	Quiz          *course.Quiz
	Attempt       *course.Attempt
	JustCompleted bool // this attempt completed the course
}

// ShowQuizPage is a quiz's questions and choices, with a form to answer them (a sign-in link for
// a visitor).
func (h *Handler) ShowQuizPage(c *fiber.Ctx) error {
	view, err := h.quizView(c, site.User(c))
	if err != nil {
		return err
	}
	if view.Held || view.Resumed {
		c.Set(fiber.HeaderCacheControl, "private, no-store") // this reader's answers
	}
	return site.Render(c, QuizView(view))
}

// quizView loads the course and the quiz, without its answers, and the reader's progress.
func (h *Handler) quizView(c *fiber.Ctx, u *auth.User) (QuizPage, error) {
	ctx, loc := c.UserContext(), site.Lang(c)
	d, err := h.courses.Course(ctx, u, c.Params("slug"), loc.Tag)
	if err != nil {
		return QuizPage{}, err
	}
	q, err := h.courses.Quiz(ctx, u, d.Slug, c.Params("quiz"), loc.Tag)
	if err != nil {
		return QuizPage{}, err
	}
	path := site.Path("courses", d.Slug, "quizzes", q.Slug)
	v := QuizPage{Page: h.site.Page(c, path, q.Title+" · "+d.Title, "courses"), Course: d, Quiz: q,
		Action: site.Path(loc.Tag, "courses", d.Slug, "quizzes", q.Slug)}
	if held := h.heldAnswersFor(c, d.Slug, q.Slug); held != nil {
		v.Chosen, v.Held, v.Resumed = held, u == nil, u != nil
	}
	if u == nil {
		v.CSRF = h.site.CSRFToken(c) // a visitor may send her answers too, to be held
		v.SignInURL = site.SignInURL(loc.Tag, path)
		v.RegisterURL = site.WithQuery(site.Path(loc.Tag, "register"), "next", "/"+loc.Tag+path)
		return v, nil
	}
	v.Progress, err = h.courses.Progress(ctx, u, d.Slug)
	return v, err
}

// SubmitQuiz scores an attempt on the server and shows the result. The attempt is kept; when it
// passes the last quiz the course needed, the course is completed and the certificate issued.
// A visitor's answers are held in their browser instead, until they sign in (held.go).
func (h *Handler) SubmitQuiz(c *fiber.Ctx) error {
	loc, u := site.Lang(c), site.User(c)
	view, err := h.quizView(c, u)
	if err != nil {
		return err
	}
	answers := map[string][]string{}
	for k, v := range c.Request().PostArgs().All() {
		if id, ok := strings.CutPrefix(string(k), answersPrefix); ok {
			answers[id] = append(answers[id], string(v))
		}
	}
	if u == nil {
		return h.holdVisitorAnswers(c, view, answers)
	}
	a, err := h.courses.SubmitAttempt(c.UserContext(), u, view.Course.Slug, view.Quiz.Slug, loc.Tag, answers)
	if cd := (*course.CooldownError)(nil); errors.As(err, &cd) {
		// The learner keeps their answers and learns when they may send them.
		setRetryAfter(c, cd.Until)
		view.Quiz.Standing.NextAttemptAt = cd.Until
		view.Error, view.Chosen = loc.T("quiz.cooldown_refused"), answers
		return site.RenderStatus(c, fiber.StatusTooManyRequests, QuizView(view))
	}
	if errs, err := site.FormErrors(err); err != nil {
		return err
	} else if errs != nil {
		// An answer naming a question or choice the quiz does not have: a stale or forged form.
		view.Error, view.Chosen = loc.T("quiz.error"), answers
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, QuizView(view))
	}
	if view.Resumed {
		h.dropHeldAnswers(c)
	}
	// Post/redirect/get: reloading the result must not submit the attempt again.
	to := site.Path(loc.Tag, "courses", view.Course.Slug, "quizzes", view.Quiz.Slug, "attempts", a.ID)
	if a.Progress != nil && a.Progress.Completed && !view.Progress.Completed {
		to = site.WithQuery(to, "completed", "1")
	}
	return site.Redirect(c, to)
}

// holdVisitorAnswers checks a visitor's answers as an attempt's, asks their browser to hold them
// and shows the quiz again with them selected, saying how to have them scored: sign in or register.
func (h *Handler) holdVisitorAnswers(c *fiber.Ctx, view QuizPage, answers map[string][]string) error {
	err := h.courses.CheckAnswers(c.UserContext(), nil, view.Course.Slug, view.Quiz.Slug, answers)
	if errs, err := site.FormErrors(err); err != nil {
		return err
	} else if errs != nil {
		view.Error, view.Chosen, view.Held = site.Lang(c).T("quiz.error"), answers, false
		return site.RenderStatus(c, fiber.StatusUnprocessableEntity, QuizView(view))
	}
	view.Chosen, view.Held = answers, h.holdAnswers(c, view.Course.Slug, view.Quiz.Slug, answers)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return site.Render(c, QuizView(view))
}

// ShowQuizResult shows a kept attempt: the score, each question right or wrong with its
// explanation, and the course's completion when this attempt finished it.
func (h *Handler) ShowQuizResult(c *fiber.Ctx) error {
	loc, u := site.Lang(c), site.User(c)
	view, err := h.quizView(c, u)
	if err != nil {
		return err
	}
	a, err := h.courses.AttemptResult(c.UserContext(), u, view.Course.Slug, view.Quiz.Slug, c.Params("id"), loc.Tag)
	if err != nil {
		return err
	}
	res := QuizResultPage{Page: view.Page, Course: view.Course, Quiz: view.Quiz, Attempt: a,
		JustCompleted: c.Query("completed") == "1" && a.Progress.Completed}
	res.Title = loc.T("quiz.result.heading") + " · " + view.Quiz.Title
	// NB: the language switcher shows this same result in the other language, not the quiz.
	res.Path = site.Path("courses", view.Course.Slug, "quizzes", view.Quiz.Slug, "attempts", a.ID)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return site.Render(c, QuizResult(res))
}

// setRetryAfter tells a client refused until then how many seconds to wait (at least one).
func setRetryAfter(c *fiber.Ctx, until time.Time) {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(time.Until(until).Seconds())))))
}
