package webtest

import (
	"encoding/json"
	"html"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"capacityhub/internal/i18n"
	"capacityhub/internal/web/site"
	"capacityhub/locales"
)

var bundle = sync.OnceValues(func() (*i18n.Bundle, error) { return i18n.Load(locales.FS) })

// Text is the translation of key in language lang, as the API says it. A key that language
// does not define fails the test: a page saying the key itself would otherwise pass for it.
func Text(t testing.TB, lang, key string, args ...map[string]any) string {
	t.Helper()
	b, err := bundle()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(b.MessageIDs(lang), key) {
		t.Fatalf("no message %q in %s", key, lang)
	}
	var data map[string]any
	if len(args) > 0 {
		data = args[0]
	}
	return b.Localizer(lang).Tf(key, data)
}

// PageText is the translation of key in lang as a page shows it (HTML-escaped).
func PageText(t testing.TB, lang, key string, args ...map[string]any) string {
	t.Helper()
	return html.EscapeString(Text(t, lang, key, args...))
}

// DecodeProblem checks that the answer is a complete problem+json (CONTRACT.md: type, title,
// status and detail, always) and returns it.
func DecodeProblem(t testing.TB, resp *http.Response, body string) site.Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, body)
	}
	var p site.Problem
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("problem body %q: %v", body, err)
	}
	if p.Type == "" || p.Title == "" || p.Status != resp.StatusCode || p.Detail == "" {
		t.Errorf("problem without type, title, status or detail: %s", body)
	}
	return p
}

// ProblemFields are the invalid fields of a problem+json answer with their messages.
func ProblemFields(t testing.TB, resp *http.Response, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range DecodeProblem(t, resp, body).Errors {
		out[f.Field] = f.Message
	}
	return out
}

// FieldNames are the keys of m, sorted.
func FieldNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// WantProblem checks that the answer is a problem+json with this status and, for 422s, exactly
// these invalid fields.
func WantProblem(t testing.TB, resp *http.Response, body string, status int, fields ...string) site.Problem {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	p := DecodeProblem(t, resp, body)
	var got []string
	for _, f := range p.Errors {
		got = append(got, f.Field)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("invalid fields %v, want %v", got, fields)
	}
	return p
}

// WantJSON checks the status and decodes the JSON answer into a T.
func WantJSON[T any](t testing.TB, resp *http.Response, body string, status int) T {
	t.Helper()
	var v T
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

// WantPage checks the status and that body contains each of want and none of unwanted.
func WantPage(t testing.TB, what string, resp *http.Response, body string, status int, want []string, unwanted ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%.2000s", what, resp.StatusCode, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("%s: should not contain %q", what, u)
		}
	}
}
