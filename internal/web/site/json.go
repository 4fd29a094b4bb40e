package site

import (
	"bytes"
	"encoding/json"
	"mime"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/paging"
	"capacityhub/internal/validate"
)

// DecodeJSON reads a JSON request body into v: 415 when it is not JSON, 400 when it is not
// well-formed (or not one object), 422 naming the field when a string holds a NUL character.
// A body that is not UTF-8 is a 422 too, naming the first field of v whose value (or, in a map,
// key) holds such bytes, or field "" (the body as a whole) when they lie anywhere else.
func DecodeJSON(c *fiber.Ctx, v any) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return errJSONMediaType
	}
	// NB: encoding/json silently turns bytes that are not UTF-8 into U+FFFD; marked instead, they
	// show which field held them.
	body := c.Body()
	valid := utf8.Valid(body)
	if !valid {
		body = markNotUTF8(body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err = dec.Decode(v)
	switch {
	case !valid:
		field := ""
		if err == nil {
			field = fieldHolding(reflect.ValueOf(v), "", notUTF8)
		}
		return validate.Errors{{Field: field, Key: "field.invalid"}}
	case err != nil:
		return errJSONMalformed
	case dec.More():
		return errJSONOneObject
	}
	// NB: encoding/json lets \u0000 through.
	if field := fieldHolding(reflect.ValueOf(v), "", "\x00"); field != "" {
		return validate.Errors{{Field: field, Key: "field.invalid"}}
	}
	return nil
}

// ErrRequired is a 422 naming a missing field.
func ErrRequired(field string) error {
	return validate.Errors{{Field: field, Key: "field.required"}}
}

// fieldHolding is the JSON path (title.en, courses.2) of the first string in v that holds bad (a
// NUL character, notUTF8), or "" when none does.
func fieldHolding(v reflect.Value, path, bad string) string {
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return fieldHolding(v.Elem(), path, bad)
		}
	case reflect.String:
		if strings.Contains(v.String(), bad) {
			return path
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if (!f.IsExported() && !f.Anonymous) || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				name = "" // an embedded struct's fields are the outer object's
			}
			p := path
			if name != "" {
				p = join(name)
			}
			if f := fieldHolding(v.Field(i), p, bad); f != "" {
				return f
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if k.Kind() == reflect.String && strings.Contains(k.String(), bad) {
				return join(printable([]byte(strings.ReplaceAll(k.String(), notUTF8, "\uFFFD"))))
			}
			if f := fieldHolding(v.MapIndex(k), join(k.String()), bad); f != "" {
				return f
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if f := fieldHolding(v.Index(i), join(strconv.Itoa(i)), bad); f != "" {
				return f
			}
		}
	}
	return ""
}

// List is the envelope of every API list: its items and the cursor of the next page (null on
// the last).
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// NewList is the API envelope of a page of a list, each item turned into its JSON shape.
func NewList[T, U any](p paging.Page[T], toJSON func(T) U) List[U] {
	l := List[U]{Items: make([]U, len(p.Items))}
	for i, it := range p.Items {
		l.Items[i] = toJSON(it)
	}
	if p.Next != "" {
		next := p.Next
		l.NextCursor = &next
	}
	return l
}

// PageRequest reads ?cursor= and ?limit= of an API list (see paging.Parse).
func PageRequest(c *fiber.Ctx) (paging.Request, error) {
	return paging.Parse(c.Query("cursor"), c.Query("limit"))
}

// APITime is a time as the API writes it: RFC 3339, UTC.
func APITime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
