// Package validate carries what is wrong with a request's fields from the domain packages, which
// check them, to the web layer, which shows each message beside its field in the reader's language
// (HTML forms) or lists them in a 422 problem+json (API).
package validate

import "strings"

// FieldError is one problem with one field. Key is an i18n message id (e.g. "field.required")
// and Args its template data, so that the message can be shown in any language.
type FieldError struct {
	Field string
	Key   string
	Args  map[string]any
}

// Errors is a list of field problems; a nil or empty list is not an error. It implements error so
// that a service can return it like any other failure.
type Errors []FieldError

// Add records a problem with field.
func (e *Errors) Add(field, key string, args map[string]any) {
	*e = append(*e, FieldError{Field: field, Key: key, Args: args})
}

// Err returns e as an error, or nil when it holds no problem.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// For returns the first problem with field, if any, for showing beside the field in a form.
func (e Errors) For(field string) (FieldError, bool) {
	for _, fe := range e {
		if fe.Field == field {
			return fe, true
		}
	}
	return FieldError{}, false
}

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fe.Field + ": " + fe.Key
	}
	return "invalid fields: " + strings.Join(parts, ", ")
}
