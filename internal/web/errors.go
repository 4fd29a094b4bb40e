package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/templates"
)

// statusFor maps domain sentinel errors to HTTP statuses. Each domain package adds its sentinels
// here as it arrives; an error matching none of them is a 500.
var statusFor = []struct {
	err    error
	status int
}{
	{auth.ErrNotFound, fiber.StatusNotFound},
	{auth.ErrEmailTaken, fiber.StatusConflict},
	{auth.ErrBadCredentials, fiber.StatusUnauthorized},
	{auth.ErrUnauthenticated, fiber.StatusUnauthorized},
	{auth.ErrInvalidToken, fiber.StatusUnauthorized},
	{auth.ErrTokenReused, fiber.StatusUnauthorized},
	{auth.ErrForbidden, fiber.StatusForbidden},
	{auth.ErrResetTokenNotUse, fiber.StatusBadRequest},
	{auth.ErrInvalidCursor, fiber.StatusBadRequest},
	{moderation.ErrInvalidCursor, fiber.StatusBadRequest},
	{moderation.ErrForbidden, fiber.StatusForbidden},
	{course.ErrNotFound, fiber.StatusNotFound},
	{course.ErrForbidden, fiber.StatusForbidden},
	{course.ErrSlugTaken, fiber.StatusConflict},
	{course.ErrInvalidCursor, fiber.StatusBadRequest},
	{errStoreDown, fiber.StatusServiceUnavailable},
	{kv.ErrUnavailable, fiber.StatusServiceUnavailable},
}

// details are what the API says about the domain errors above.
var details = map[error]string{
	auth.ErrNotFound:            "No such user.",
	auth.ErrEmailTaken:          "An account with this e-mail address already exists.",
	auth.ErrBadCredentials:      "Wrong e-mail address or password.",
	auth.ErrUnauthenticated:     "Sign in first: send Authorization: Bearer <access token>.",
	auth.ErrInvalidToken:        "The token is invalid, expired or revoked.",
	auth.ErrTokenReused:         "This refresh token was already used; every token of its sign-in is now revoked. Sign in again.",
	auth.ErrForbidden:           "Your account may not do this.",
	auth.ErrResetTokenNotUse:    "This password-reset link is invalid, used or expired.",
	auth.ErrInvalidCursor:       "The cursor is not one this list gave out.",
	moderation.ErrInvalidCursor: "The cursor is not one this list gave out.",
	moderation.ErrForbidden:     "Only administrators may read the audit log.",
	course.ErrNotFound:          "There is nothing here, or it is not published.",
	course.ErrForbidden:         "Only curriculum managers may do this.",
	course.ErrInvalidCursor:     "The cursor is not one this list gave out.",
	course.ErrSlugTaken:         "A curriculum with this slug already exists.",
	errStoreDown:                "The service is briefly unavailable; try again shortly.",
	kv.ErrUnavailable:           "The service is briefly unavailable; try again shortly.",
}

// problem is an RFC 9457 problem detail, the body of every API error.
type problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail,omitempty"`
	Errors []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// classify finds the status for err and what may be told to the client about it. Nothing of an
// unknown error's text reaches the client: it may hold internals.
func classify(err error) (status int, detail string) {
	var fe *fiber.Error
	var ve validate.Errors
	switch {
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity, "One or more fields are invalid."
	case errors.As(err, &fe):
		return fe.Code, fe.Message
	}
	for _, s := range statusFor {
		if errors.Is(err, s.err) {
			return s.status, details[s.err]
		}
	}
	return fiber.StatusInternalServerError, ""
}

// handleError is the one place where a handler's error becomes a response: problem+json under
// /api/, a localized HTML page elsewhere. Server errors are logged with the request id, which the
// client also sees, so that a report can be traced.
func (h *handler) handleError(c *fiber.Ctx, err error) error {
	status, detail := classify(err)
	rid := requestID(c)
	if status >= 500 {
		h.log.Error("request failed", "request_id", rid, "method", c.Method(), "path", loggedPath(c), "err", err)
		detail = "An unexpected error occurred. Reference: " + rid
	}
	c.Response().ResetBody()
	c.Status(status)
	if status == fiber.StatusServiceUnavailable && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ceilSeconds(storeRetryAfter)))
	}
	if !isAPI(c) && errors.Is(err, auth.ErrUnauthenticated) {
		return h.redirectToSignIn(c)
	}
	if isAPI(c) {
		return h.writeProblem(c, status, detail, err)
	}
	return h.renderErrorPage(c, status, rid)
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

func (h *handler) writeProblem(c *fiber.Ctx, status int, detail string, err error) error {
	if detail == "" {
		detail = "The request could not be served: " + strings.ToLower(http.StatusText(status)) + "."
	}
	p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
	var ve validate.Errors
	if errors.As(err, &ve) {
		loc := h.apiLocalizer(c)
		for _, fe := range ve {
			p.Errors = append(p.Errors, problemField{Field: fe.Field, Message: loc.Tf(fe.Key, fe.Args)})
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(p, "application/problem+json")
}

func (h *handler) renderErrorPage(c *fiber.Ctx, status int, rid string) error {
	loc, rest := h.languageOfPath(c.Path())
	if loc == nil {
		loc, rest = h.i18n.Localizer(h.i18n.Negotiate(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))), "/"
	}
	e := templates.ErrorPage{Status: status}
	switch {
	case status == fiber.StatusNotFound:
		e.Heading, e.Text = loc.T("error.not_found.title"), loc.T("error.not_found.text")
	case status == fiber.StatusForbidden:
		e.Heading, e.Text = loc.T("error.forbidden.title"), loc.T("error.forbidden.text")
	case status == fiber.StatusTooManyRequests:
		e.Heading, e.Text = loc.T("error.too_many.title"), loc.T("error.too_many.text")
	case status == fiber.StatusServiceUnavailable:
		e.Heading, e.Text = loc.T("error.unavailable.title"), loc.T("error.unavailable.text")
	case status >= 500:
		e.Heading, e.Text, e.RequestID = loc.T("error.server.title"), loc.T("error.server.text"), rid
	default:
		e.Heading, e.Text = loc.T("error.other.title"), loc.T("error.other.text")
	}
	e.Page = h.page(c, loc, rest, e.Heading, "")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return render(c, templates.Error(e))
}

// apiLocalizer picks the language of an API answer: ?lang=, then Accept-Language, then English.
// It also says which one it chose in Content-Language.
func (h *handler) apiLocalizer(c *fiber.Ctx) *i18n.Localizer {
	tag := c.Query("lang")
	if !i18n.Supported(tag) {
		tag = h.i18n.Negotiate("", c.Get(fiber.HeaderAcceptLanguage))
	}
	c.Set(fiber.HeaderContentLanguage, tag)
	return h.i18n.Localizer(tag)
}
