package site

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"capacityhub/internal/auth"
	"capacityhub/internal/fault"
	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
)

// The web layer's own refusals, each with the message id that tells a client about it.
var (
	errCSRF               = fault.New(fault.Forbidden, "error.detail.csrf", "site: form token missing, expired or from another site")
	errBearerMalformed    = fault.New(fault.Unauthenticated, "error.detail.bearer_malformed", "site: Authorization is not a bearer token")
	errAccessTokenInvalid = fault.New(fault.Unauthenticated, "error.detail.access_token_invalid", "site: access token invalid")
	errJSONMalformed      = fault.New(fault.Invalid, "error.detail.json_malformed", "site: body is not well-formed JSON of the expected shape")
	errJSONOneObject      = fault.New(fault.Invalid, "error.detail.json_one_object", "site: body holds more than one JSON value")
	errStoreDown          = fault.New(fault.Unavailable, "error.detail.unavailable", "site: rate-limit store unavailable")
	// ErrTooMany is a spent rate limit (429, with Retry-After).
	ErrTooMany = fault.New(fault.TooMany, "error.detail.too_many", "site: rate limit spent")
)

// errJSONMediaType is a body that is not JSON where JSON is expected: 415, a status no domain
// kind stands for.
var errJSONMediaType = &statusError{status: fiber.StatusUnsupportedMediaType, key: "error.detail.json_media_type"}

type statusError struct {
	status int
	key    string
}

func (e *statusError) Error() string { return "site: " + http.StatusText(e.status) }

// statusOf is the HTTP status of each kind of domain error.
var statusOf = map[fault.Kind]int{
	fault.Invalid:         fiber.StatusBadRequest,
	fault.Unauthenticated: fiber.StatusUnauthorized,
	fault.Forbidden:       fiber.StatusForbidden,
	fault.NotFound:        fiber.StatusNotFound,
	fault.Conflict:        fiber.StatusConflict,
	fault.Gone:            fiber.StatusGone,
	fault.TooMany:         fiber.StatusTooManyRequests,
	fault.Unavailable:     fiber.StatusServiceUnavailable,
}

// Problem is an RFC 9457 problem detail, the body of every API error. Detail and the fields'
// messages are in the request's language.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Errors []ProblemField `json:"errors,omitempty"`
	// MFARequired says that a two-step verification code (POST /auth/token), or turning two-step
	// verification on (a staff route), would lift the refusal.
	MFARequired bool `json:"mfa_required,omitempty"`
	// Extensions are further members of the problem (RFC 9457 section 3.2), written beside the
	// others: {"next_attempt_at": …}. See WithProblemMembers.
	Extensions map[string]any `json:"-"`
}

// MarshalJSON writes the problem with its extension members.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem // without this method
	b, err := json.Marshal(plain(p))
	if err != nil || len(p.Extensions) == 0 {
		return b, err
	}
	ext, err := json.Marshal(p.Extensions)
	if err != nil {
		return nil, err
	}
	return append(append(b[:len(b)-1], ','), ext[1:]...), nil
}

// problemMembers is an error that adds members to its problem+json answer.
type problemMembers struct {
	error
	members map[string]any
}

func (e *problemMembers) Unwrap() error { return e.error }

// WithProblemMembers is err answered as usual, with members added to its problem+json body (an
// HTML page ignores them). NB: members must not reuse the names of Problem's own fields.
func WithProblemMembers(err error, members map[string]any) error {
	return &problemMembers{error: err, members: members}
}

// ProblemField is one field's problem in a 422.
type ProblemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// classify finds the status for err and the message id (with its data) of what a client is told
// about it. Nothing of an unknown error's text reaches the client: it may hold internals.
func classify(err error) (status int, key string, args map[string]any) {
	var ve validate.Errors
	var se *statusError
	var fe *fiber.Error
	if errors.As(err, &ve) {
		return fiber.StatusUnprocessableEntity, "error.detail.fields_invalid", nil
	}
	if errors.As(err, &se) {
		return se.status, se.key, nil
	}
	if f, ok := fault.As(err); ok {
		if status, known := statusOf[f.Kind()]; known {
			return status, f.Key(), nil
		}
	}
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return fe.Code, "error.detail.not_found", nil
		case fiber.StatusMethodNotAllowed:
			return fe.Code, "error.detail.method_not_allowed", nil
		case fiber.StatusRequestEntityTooLarge:
			return fe.Code, "error.detail.too_large", nil
		}
		return fe.Code, "error.detail.generic", map[string]any{"Status": fe.Code}
	}
	return fiber.StatusInternalServerError, "error.detail.server", nil
}

// HandleError is the one place where a handler's error becomes a response: problem+json under
// /api/, a localized HTML page elsewhere, and for a visitor on a page that needs a sign-in, the
// way to the sign-in form. Server errors are logged with the request id, which the client also
// sees, so that a report can be traced.
//
// It also answers what Fiber refuses before any middleware has run (see GuardServer), so it sets
// the security headers itself; a request whose request line was never read (a 431: fasthttp drops
// what it had parsed) has no known path and is answered as problem+json, which API clients can
// parse and browsers still show.
func (s *Site) HandleError(c *fiber.Ctx, err error) error {
	s.setSecurityHeaders(c)
	status, key, args := classify(err)
	rid := RequestID(c)
	if status == fiber.StatusInternalServerError && s.dbUnavailable != nil && s.dbUnavailable(err) {
		status, key, args = fiber.StatusServiceUnavailable, "error.detail.unavailable", nil
	}
	switch {
	case status == fiber.StatusServiceUnavailable:
		s.noteOutage(err, rid, c.Method(), LoggedPath(c))
	case status >= 500:
		s.log.Error("request failed", "request_id", rid, "method", c.Method(), "path", LoggedPath(c), "err", err)
		key, args = "error.detail.server", map[string]any{"Reference": rid}
	}
	c.Response().ResetBody()
	c.Status(status)
	if status == fiber.StatusServiceUnavailable && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ceilSeconds(storeRetryAfter)))
	}
	if IsAPI(c) || c.Locals(localUnread) != nil {
		return s.writeProblem(c, status, key, args, err)
	}
	if errors.Is(err, auth.ErrUnauthenticated) {
		return s.redirectToSignIn(c)
	}
	return s.renderErrorPage(c, status, rid, err)
}

// errUnknownMethod is a request with a method Fiber does not route (PROPFIND, BREW…).
var errUnknownMethod = fiber.NewError(fiber.StatusBadRequest, "site: unknown method")

// localUnread marks a request refused while it was read, before its request line was kept.
const localUnread = "unread"

// GuardServer sends the refusals that Fiber and fasthttp answer before any middleware runs through
// HandleError, so that they too carry the security headers and are problem+json under /api/. Call
// it once, right after fiber.New, which builds the fasthttp server.
//   - A request fasthttp cannot read (431 headers too large, 413 body too large, 400 malformed,
//     408 too slow) goes to the server's ErrorHandler, which Fiber set to map the error to a
//     *fiber.Error and call HandleError. The wrapper marks the request when nothing of it was
//     kept (no header read: its path is unknown), for HandleError to answer problem+json.
//   - A method Fiber does not know is answered a bare 400 by Fiber's handler, without any
//     handler of ours: the wrapper answers it through HandleError instead.
//
// NB: these answers bypass Observe: they are neither counted nor logged as requests.
func (s *Site) GuardServer(app *fiber.App) {
	srv := app.Server()
	known := map[string]bool{}
	for _, m := range app.Config().RequestMethods {
		known[m] = true
	}
	serve := srv.Handler
	srv.Handler = func(fctx *fasthttp.RequestCtx) {
		if known[string(fctx.Method())] {
			serve(fctx)
			return
		}
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		if err := s.HandleError(c, errUnknownMethod); err != nil {
			s.log.Error("error handler failed", "err", err)
			_ = c.SendStatus(fiber.StatusBadRequest)
		}
	}
	onError := srv.ErrorHandler
	srv.ErrorHandler = func(fctx *fasthttp.RequestCtx, err error) {
		if len(fctx.Request.Header.RawHeaders()) == 0 {
			fctx.SetUserValue(localUnread, true)
		}
		onError(fctx, err)
	}
}

// IsAPI tells whether the request is one of the JSON API's.
func IsAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

func (s *Site) writeProblem(c *fiber.Ctx, status int, key string, args map[string]any, err error) error {
	loc := Lang(c)
	if loc == nil { // refused before any route: by a middleware, or no route matched
		loc = s.apiLocalizer(c)
	}
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: loc.Tf(key, args),
		MFARequired: auth.NeedsMFA(err)}
	if pm := (*problemMembers)(nil); errors.As(err, &pm) {
		p.Extensions = pm.members
	}
	var ve validate.Errors
	if errors.As(err, &ve) {
		for _, fe := range ve {
			p.Errors = append(p.Errors, ProblemField{Field: fe.Field, Message: loc.Tf(fe.Key, fe.Args)})
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(p, "application/problem+json")
}

// redirectToSignIn sends a visitor who must sign in to the form, which brings them back after.
func (s *Site) redirectToSignIn(c *fiber.Ctx) error {
	loc, _ := s.languageOfPath(c.Path())
	if loc == nil {
		loc = s.i18n.Localizer(i18n.Default)
	}
	to := Path(loc.Tag, "login")
	if c.Method() == fiber.MethodGet {
		to += "?next=" + url.QueryEscape(string(c.Request().URI().RequestURI()))
	}
	return Redirect(c, to)
}

func (s *Site) renderErrorPage(c *fiber.Ctx, status int, rid string, err error) error {
	loc, rest := s.languageOfPath(c.Path())
	if loc == nil {
		loc, rest = s.i18n.Localizer(s.i18n.Negotiate(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))), "/"
	}
	SetLang(c, loc)
	e := ErrorPage{Status: status}
	var oe *originError
	var resend *Resend
	if errors.Is(err, errCSRF) || errors.Is(err, ErrTooMany) {
		resend = s.resendForm(c, loc)
	}
	switch {
	case resend != nil && errors.Is(err, ErrTooMany):
		wait, _ := strconv.Atoi(string(c.Response().Header.Peek(fiber.HeaderRetryAfter)))
		e.Heading, e.Text, e.Resend = loc.T("error.too_many.title"), loc.Tf("error.too_many.form", map[string]any{"Seconds": max(wait, 1)}), resend
	case errors.As(err, &oe):
		e.Heading = loc.T("error.origin.title")
		e.Text = loc.Tf("error.origin.text", map[string]any{"Origin": oe.origin, "BaseURL": oe.base})
		e.Link = &Link{Href: oe.base + "/", Text: oe.base}
	case resend != nil:
		e.Heading, e.Text, e.Resend = loc.T("error.csrf.title"), loc.T("error.csrf.text"), resend
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
	e.Page = s.Page(c, rest, e.Heading, "")
	e.Flash = ""
	c.Set(fiber.HeaderCacheControl, "no-store")
	return Render(c, Error(e))
}
