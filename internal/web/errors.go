package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/templates"
)

// statusFor maps domain sentinel errors to HTTP statuses. Each domain package adds its sentinels
// here as it arrives; an error matching none of them is a 500.
var statusFor = []struct {
	err    error
	status int
}{}

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
			return s.status, ""
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
		h.log.Error("request failed", "request_id", rid, "method", c.Method(), "path", c.Path(), "err", err)
		detail = "An unexpected error occurred. Reference: " + rid
	}
	c.Response().ResetBody()
	c.Status(status)
	if isAPI(c) {
		return h.writeProblem(c, status, detail, err)
	}
	return h.renderErrorPage(c, status, rid)
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

func (h *handler) writeProblem(c *fiber.Ctx, status int, detail string, err error) error {
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
	case status >= 500:
		e.Heading, e.Text, e.RequestID = loc.T("error.server.title"), loc.T("error.server.text"), rid
	default:
		e.Heading, e.Text = loc.T("error.other.title"), loc.T("error.other.text")
	}
	e.Page = h.page(loc, rest, e.Heading, "")
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
