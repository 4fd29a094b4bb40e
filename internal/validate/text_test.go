package validate

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		required    bool
		multiline   bool
		want        string // the message key, "" for none
	}{
		{"plain", "Amina", true, false, ""},
		{"any script", "ليلى 王秀英", true, false, ""},
		{"joiners inside a word are fine", "می\u200cخواهم", true, false, ""},
		{"empty, required", "", true, false, "field.required"},
		{"empty, optional", "", false, false, ""},
		{"spaces only", "   ", true, false, "field.required"},
		{"invisible only", "\u200b\ufeff\u200d", true, false, "field.required"},
		{"NUL", "a\x00b", true, false, "field.invalid"},
		{"not UTF-8", "a\xffb", true, false, "field.invalid"},
		{"control character", "a\x1bb", true, false, "field.invalid"},
		{"line break in a name", "a\nb", true, false, "field.invalid"},
		{"line break in a description", "a\r\nb\tc", true, true, ""},
		{"NUL in a description", "a\x00b", true, true, "field.invalid"},
		{"right-to-left override", "gnp.exe\u202e", true, false, "field.invalid"},
		{"bidi isolate", "\u2067abc\u2069", true, false, "field.invalid"},
		{"too long", strings.Repeat("é", 11), true, false, "field.too_long"},
		{"long enough", strings.Repeat("é", 10), true, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs Errors
			if tc.multiline {
				Paragraphs(&errs, "f", tc.value, tc.required, 10)
			} else {
				Text(&errs, "f", tc.value, tc.required, 10)
			}
			got := ""
			if fe, ok := errs.For("f"); ok {
				got = fe.Key
			}
			if got != tc.want || len(errs) > 1 {
				t.Errorf("%q: %v, want %q", tc.value, errs, tc.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"cut", "abcdef", 5, "abcde"},
		{"not inside a character", "aé", 2, "a"},
		{"not inside a 3-byte character", "日本", 5, "日"},
		{"zero", "abc", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Truncate(tc.in, tc.n); got != tc.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	for s, want := range map[string]bool{"abc": true, "ليلى": true, "": true, "a\x00": false, "\xff": false, "\xed\xb3\xbf": false} {
		if Clean([]byte(s)) != want {
			t.Errorf("Clean(%q) = %v, want %v", s, !want, want)
		}
	}
}
