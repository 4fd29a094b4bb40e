// Package paging is how every list is paged, in every domain: one opaque cursor, one limit rule,
// one invalid-cursor error and one result shape. A domain orders its list by a unique key, asks
// its store for Limit+1 rows after Request.After, and hands them to Cut.
package paging

import (
	"encoding/base64"
	"strconv"

	"capacityhub/internal/fault"
	"capacityhub/internal/validate"
)

// Limits of a page a client may ask for.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// ErrInvalidCursor is a cursor that no list gave out.
var ErrInvalidCursor = fault.New(fault.Invalid, "paging.cursor_invalid", "paging: not a cursor this list gave out")

// Request is one page asked for: the items after the one whose key is After ("" for the first
// page), at most Limit of them.
type Request struct {
	After string
	Limit int
}

// First is the first page of at most limit items.
func First(limit int) Request { return Request{Limit: limit} }

// Parse reads a client's ?cursor= and ?limit=. An empty limit is DefaultLimit and a larger one
// than MaxLimit is MaxLimit; one that is not a positive whole number is a field error on "limit"
// (422), a cursor no list gave out is ErrInvalidCursor (400).
func Parse(cursor, limit string) (Request, error) {
	r := Request{Limit: DefaultLimit}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 {
			return r, validate.Errors{{Field: "limit", Key: "field.invalid"}}
		}
		r.Limit = min(n, MaxLimit)
	}
	after, err := Decode(cursor)
	r.After = after
	return r, err
}

// WithCursor is a page of limit items after the cursor a list gave out ("" for the first).
func WithCursor(cursor string, limit int) (Request, error) {
	after, err := Decode(cursor)
	return Request{After: after, Limit: limit}, err
}

// Page is one page of a list: its items, and the cursor of the next page ("" on the last).
type Page[T any] struct {
	Items []T
	Next  string
}

// Cut makes the page from up to Limit+1 items read in list order after r.After: the first Limit
// items and, when there were more, the cursor that continues after the last of them.
func Cut[T any](items []T, r Request, key func(T) string) Page[T] {
	if r.Limit > 0 && len(items) > r.Limit {
		items = items[:r.Limit]
		return Page[T]{Items: items, Next: Encode(key(items[len(items)-1]))}
	}
	return Page[T]{Items: items}
}

// Map turns a page of one type into a page of another, keeping its cursor.
func Map[T, U any](p Page[T], f func(T) U) Page[U] {
	out := Page[U]{Items: make([]U, len(p.Items)), Next: p.Next}
	for i, it := range p.Items {
		out.Items[i] = f(it)
	}
	return out
}

// Encode is the cursor that continues after the item whose key is key. Cursors are opaque to
// clients: base64url of the key.
func Encode(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// Decode is the key a cursor continues after: "" for no cursor, ErrInvalidCursor for one that
// Encode did not make (or whose key no database could hold).
func Decode(cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) == 0 || !validate.Clean(b) {
		return "", ErrInvalidCursor
	}
	return string(b), nil
}
