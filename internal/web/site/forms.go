package site

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/i18n"
	"capacityhub/internal/validate"
)

// Field is one form field with its value and, after a failed submission, its error.
type Field struct {
	Name         string // the form (and JSON) field name
	ID           string // the element's id when Name is not unique on the page ("" for Name)
	Label        string
	Type         string // input type; "select" for Options
	Value        string
	Autocomplete string
	Hint         string
	Error        string // translated message, "" when the field is fine
	Required     bool
	MinLength    int
	MaxLength    int
	Options      []Option
	// Blank is the text of a select's first choice, whose value is empty (form.choose): the
	// placeholder of a required select, which HTML asks for, and the way to choose nothing in an
	// optional one. A select without it renders an empty choice, which is not valid HTML.
	Blank string
}

// Option is one choice of a select field.
type Option struct {
	Value string
	Label string
	Lang  string // the option's language, when it is a language name
}

// InputID is the id of the field's element: ID, or else Name.
func (f Field) InputID() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Name
}

// ErrorID is the id of the element holding the field's error, for aria-describedby.
func (f Field) ErrorID() string { return f.InputID() + "-error" }

// HintID is the id of the element holding the field's hint.
func (f Field) HintID() string { return f.InputID() + "-hint" }

// describedBy lists the ids that describe the field, for aria-describedby.
func (f Field) describedBy() string {
	switch {
	case f.Error != "" && f.Hint != "":
		return f.ErrorID() + " " + f.HintID()
	case f.Error != "":
		return f.ErrorID()
	case f.Hint != "":
		return f.HintID()
	}
	return ""
}

// Form is a whole form: its fields, and a message about the form as a whole.
type Form struct {
	Action string
	Fields []Field
	Submit string
	Error  string // e.g. "wrong e-mail address or password", shown above the fields
}

// invalid lists the fields that have an error, for the summary above the form.
func (f Form) invalid() []Field {
	var out []Field
	for _, fl := range f.Fields {
		if fl.Error != "" {
			out = append(out, fl)
		}
	}
	return out
}

// FormValue is a field of the submitted form, read from the request body alone. Fiber's
// FormValue falls back to the query string, so a link could fill in what only the form may say
// (…/delete?confirm=yes); the forms here are all application/x-www-form-urlencoded.
func FormValue(c *fiber.Ctx, key string) string {
	return string(c.Request().PostArgs().Peek(key))
}

// FormValues are every value of a repeated field of the submitted form (ticked boxes), from the
// body alone.
func FormValues(c *fiber.Ctx, key string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(key) {
		out = append(out, string(v))
	}
	return out
}

// ParseForm reads the submitted form into v (its `form:` tags): a body that cannot be read as a
// form is a 400.
func ParseForm(c *fiber.Ctx, v any) error {
	if err := c.BodyParser(v); err != nil {
		return fiber.ErrBadRequest
	}
	return nil
}

// FieldError is the translated message for field's first problem in errs, or "".
func FieldError(loc *i18n.Localizer, errs validate.Errors, field string) string {
	if fe, ok := errs.For(field); ok {
		return loc.Tf(fe.Key, fe.Args)
	}
	return ""
}

// FormErrors splits a service error into field problems (shown beside their fields) and anything
// else (returned, for the error handler).
func FormErrors(err error) (validate.Errors, error) {
	var ve validate.Errors
	if errors.As(err, &ve) {
		return ve, nil
	}
	return nil, err
}

// Optional appends the translated "(optional)" to a label.
func Optional(loc *i18n.Localizer, label string) string { return label + " " + loc.T("form.optional") }

// LanguageOptions lists the interface languages, each named in itself.
func LanguageOptions() []Option {
	out := make([]Option, len(i18n.Languages))
	for i, l := range i18n.Languages {
		out[i] = Option{Value: l.Tag, Label: l.Name, Lang: l.Tag}
	}
	return out
}
