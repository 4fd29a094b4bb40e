package courseweb

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A visitor may answer a quiz before signing in. Their answers are not scored: scoring outside
// the attempt limit would let anyone find the right answers by trial. They are held in a cookie
// on the visitor's browser instead, which outlives the sign-in or registration (and a restart of
// the server), and the quiz page shows them selected, ready to send, once the visitor is signed
// in. Nothing is kept on the server until then.

// heldAnswersAge is how long a browser keeps a visitor's answers.
const heldAnswersAge = 24 * time.Hour

// heldAnswersMax bounds the cookie's value: a browser keeps 4 KB per cookie.
const heldAnswersMax = 3000

// heldAnswers are a visitor's answers to one quiz, as the cookie carries them.
type heldAnswers struct {
	Course  string              `json:"c"`
	Quiz    string              `json:"q"`
	Answers map[string][]string `json:"a"`
}

// heldCookie is the cookie's name (with https, __Host- binds it to this host and path /).
func (h *Handler) heldCookie() string {
	if h.site.Config().Secure() {
		return "__Host-quiz_answers"
	}
	return "quiz_answers"
}

// holdAnswers asks the browser to keep answers to the quiz of the course; false when they are
// too many to fit in a cookie.
func (h *Handler) holdAnswers(c *fiber.Ctx, course, quiz string, answers map[string][]string) bool {
	data, _ := json.Marshal(heldAnswers{Course: course, Quiz: quiz, Answers: answers})
	value := base64.RawURLEncoding.EncodeToString(data)
	if len(value) > heldAnswersMax {
		return false
	}
	c.Cookie(&fiber.Cookie{Name: h.heldCookie(), Value: value, Path: "/", HTTPOnly: true,
		Secure: h.site.Config().Secure(), SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(heldAnswersAge.Seconds())})
	return true
}

// heldAnswersFor are the answers the browser holds for the quiz of the course, or nil. They are
// only a suggestion for the form: whatever is sent is checked again.
func (h *Handler) heldAnswersFor(c *fiber.Ctx, course, quiz string) map[string][]string {
	value := c.Cookies(h.heldCookie())
	if value == "" || len(value) > heldAnswersMax {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return nil
	}
	var held heldAnswers
	if json.Unmarshal(data, &held) != nil || held.Course != course || held.Quiz != quiz || len(held.Answers) == 0 {
		return nil
	}
	return held.Answers
}

// dropHeldAnswers asks the browser to forget the answers it holds (an expiry in the past:
// fasthttp writes nothing for a negative MaxAge).
func (h *Handler) dropHeldAnswers(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: h.heldCookie(), Value: "", Path: "/", HTTPOnly: true,
		Secure: h.site.Config().Secure(), SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0)})
}
