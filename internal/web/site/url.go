package site

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Path is an address inside the site made of segments, each escaped on its own:
// Path("fr", "courses", slug) is "/fr/courses/<slug>", whatever the slug holds.
func Path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// WithQuery adds query parameters to an address, given as name, value pairs; pairs with an
// empty value are left out. WithQuery("/en/courses", "tag", "ai", "q", "") is "/en/courses?tag=ai".
func WithQuery(address string, pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Add(pairs[i], pairs[i+1])
		}
	}
	if len(q) == 0 {
		return address
	}
	sep := "?"
	if strings.Contains(address, "?") {
		sep = "&"
	}
	return address + sep + q.Encode()
}

// Redirect answers 303 See Other to address: after a form, the browser GETs the next page.
func Redirect(c *fiber.Ctx, address string) error {
	return c.Redirect(address, fiber.StatusSeeOther)
}

// Done is address with the flash notice code that the next page shows (see notices).
func Done(address, code string) string { return WithQuery(address, "done", code) }

// LocalPath is next when it is a path on this site in language lang, and fallback otherwise: a
// ?next= parameter must never send a reader to another site.
func LocalPath(next, lang, fallback string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/"+lang+"/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return fallback
	}
	return u.RequestURI()
}

// SignInURL is the sign-in form in language lang that brings the reader back to path (an
// address after the language prefix, "/courses/x") once signed in.
func SignInURL(lang, path string) string {
	return WithQuery(Path(lang, "login"), "next", "/"+lang+path)
}
