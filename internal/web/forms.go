package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
	"capacityhub/internal/web/templates"
)

// formValue is a field of the submitted form, read from the request body alone. Fiber's
// FormValue falls back to the query string, so a link could fill in what only the form may
// say (…/delete?confirm=yes); the forms here are all application/x-www-form-urlencoded.
func formValue(c *fiber.Ctx, key string) string {
	return string(c.Request().PostArgs().Peek(key))
}

// fieldError is the translated message for field's first problem in errs, or "".
func fieldError(loc *i18n.Localizer, errs validate.Errors, field string) string {
	if fe, ok := errs.For(field); ok {
		return loc.Tf(fe.Key, fe.Args)
	}
	return ""
}

// formErrors splits a service error into field problems (shown beside their fields) and
// anything else (returned, for the error handler).
func formErrors(err error) (validate.Errors, error) {
	var ve validate.Errors
	if errors.As(err, &ve) {
		return ve, nil
	}
	return nil, err
}

// optional appends the translated "(optional)" to a label.
func optional(loc *i18n.Localizer, label string) string { return label + " " + loc.T("form.optional") }

// localPath returns next when it is a path on this site in language lang, and the fallback
// otherwise: a ?next= parameter must never send a reader to another site.
func localPath(next, lang, fallback string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/"+lang+"/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return fallback
	}
	return u.RequestURI()
}

// languageOptions lists the interface languages, each named in itself.
func languageOptions() []templates.Option {
	out := make([]templates.Option, len(i18n.Languages))
	for i, l := range i18n.Languages {
		out[i] = templates.Option{Value: l.Tag, Label: l.Name, Lang: l.Tag}
	}
	return out
}

// renderStatus renders a page with a status other than 200 (a form with errors answers 422, so
// that scripts and tests can tell).
func renderStatus(c *fiber.Ctx, status int, component templ.Component) error {
	c.Status(status)
	return render(c, component)
}
