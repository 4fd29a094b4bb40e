package validate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text checks a one-line text field that people read (a name, a title): present when required, at
// most max characters, valid UTF-8 with no control characters and no bidirectional overrides (which
// would let a name show one thing and be another). A value made only of spaces and invisible
// characters counts as empty.
func Text(errs *Errors, field, value string, required bool, max int) {
	checkText(errs, field, value, required, max, false)
}

// Paragraphs is Text for a field that may also hold line breaks and tabs (a description).
func Paragraphs(errs *Errors, field, value string, required bool, max int) {
	checkText(errs, field, value, required, max, true)
}

func checkText(errs *Errors, field, value string, required bool, max int, multiline bool) {
	switch {
	case !utf8.ValidString(value) || strings.ContainsFunc(value, func(r rune) bool { return refused(r, multiline) }):
		errs.Add(field, "field.invalid", nil)
	case strings.TrimFunc(value, invisible) == "":
		if required {
			errs.Add(field, "field.required", nil)
		}
	case utf8.RuneCountInString(value) > max:
		errs.Add(field, "field.too_long", map[string]any{"Max": max})
	}
}

// refused are the characters no text field may hold.
func refused(r rune, multiline bool) bool {
	switch {
	case multiline && (r == '\n' || r == '\r' || r == '\t'):
		return false
	case unicode.IsControl(r):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	}
	return false
}

// invisible are the characters that show nothing: spaces and format characters (zero-width
// joiners, marks, the byte-order mark).
func invisible(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }

// Clean tells whether s may reach the database at all: valid UTF-8 without NUL, which PostgreSQL
// refuses outright. The web layer checks every query and form value with it.
func Clean(s []byte) bool { return utf8.Valid(s) && !strings.ContainsRune(string(s), 0) }

// Truncate returns s cut to at most n bytes on a character boundary: what a log line, a key or
// the audit log keeps of input that was refused, or that no rule bounds. NB: it is no validation;
// a field that users fill in is checked (Text) and refused when too long, never cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
