// Package fault gives a domain's errors a kind and a translation key. The domain declares its
// sentinels with them; the web edge maps the handful of kinds to HTTP statuses, not every
// sentinel, and shows the key's message in the reader's language.
//
//	var ErrNotFound = fault.New(fault.NotFound, "course.error.not_found", "course: not found")
//
// Sentinels are compared with errors.Is as usual, and may be wrapped with %w.
package fault

import "errors"

// Kind is what sort of failure an error is, as a client would act on it.
type Kind uint8

// The kinds. An error that carries none is Internal: a fault of the server, never the client's.
const (
	Internal        Kind = iota // not a domain error: the server failed (500)
	Invalid                     // the request cannot be understood as sent: a cursor never given out, an unusable link (400)
	Unauthenticated             // who is asking is unknown or their credential is not good (401)
	Forbidden                   // who is asking may not do this (403)
	NotFound                    // there is no such thing, or not for this reader (404)
	Conflict                    // it clashes with what exists: a taken address or slug (409)
	Gone                        // it existed and is no more (410)
	TooMany                     // too many attempts: wait before trying again (429)
	Unavailable                 // a service this needs is briefly down: try again shortly (503)
)

var kindNames = [...]string{"internal", "invalid", "unauthenticated", "forbidden", "not found", "conflict", "gone", "too many", "unavailable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Error is a domain error with its kind and the i18n message id that tells a client about it.
type Error struct {
	kind Kind
	key  string
	text string
}

// New declares a domain error. key is the i18n message id of what a client is told; text is the
// error's own text, for logs and tests.
func New(kind Kind, key, text string) *Error { return &Error{kind: kind, key: key, text: text} }

func (e *Error) Error() string { return e.text }

// Kind is the error's kind.
func (e *Error) Kind() Kind { return e.kind }

// Key is the i18n message id of what a client is told about the error.
func (e *Error) Key() string { return e.key }

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var fe *Error
	ok := errors.As(err, &fe)
	return fe, ok
}

// KindOf is the kind of the first *Error in err's chain, or Internal when it has none.
func KindOf(err error) Kind {
	if fe, ok := As(err); ok {
		return fe.kind
	}
	return Internal
}
