package site

import (
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/i18n"
)

// Page is what the layout needs on every page. Each page's view struct embeds it.
type Page struct {
	L       *i18n.Localizer
	Title   string // the <title>, already translated
	Path    string // the page's path after the language prefix ("/", "/courses?tag=ai"), for the language switcher
	Section string // the nav item to mark as current: "home", "courses", "questions", "forums", "me" or "admin"
	Assets  Assets
	User    *auth.User // the signed-in user, or nil
	CSRF    string     // the token every form of the page carries
	Flash   string     // a one-line confirmation shown at the top of main, already translated
	// Unprefixed marks a page outside the /{lang}/ tree (certificate verification): Path is its
	// whole address, and the page in another language is Path?lang=tag.
	Unprefixed bool
	// Base is BASE_URL, without a trailing slash: the canonical and alternate links are absolute.
	Base string
	// Description is the page's meta description (a course's summary…); the site's own when "".
	Description string
	// ReturnTo is where the page's form sends the reader afterwards, after the language prefix
	// ("/courses/x"), so that the language switcher keeps it, in the other language.
	ReturnTo string
}

// Assets are the content-hashed URLs of the static files.
type Assets struct {
	CSS  string
	Icon string
}

// formSections are the sections whose pages hold a form even for an anonymous reader.
var formSections = map[string]bool{"login": true, "register": true, "password": true}

// Page fills the layout's data for this request: its language, reader and flash notice. path is
// the page's address after the language prefix. A signed-in reader's pages carry a CSRF token
// (the sign-out button is a form), and so do pages with a form for anyone.
func (s *Site) Page(c *fiber.Ctx, path, title, section string) Page {
	p := Page{L: Lang(c), Title: title, Path: path, Section: section, Assets: s.assets, User: User(c), Flash: flash(c, section),
		Base: s.base}
	if p.User != nil || c.Method() != fiber.MethodGet || formSections[section] {
		p.CSRF = s.CSRFToken(c)
	}
	return p
}

// LangURL is this page's address in language tag.
func (p Page) LangURL(tag string) string {
	if p.Unprefixed {
		return p.Path + "?lang=" + tag
	}
	if p.ReturnTo != "" {
		return WithQuery("/"+tag+p.Path, "next", "/"+tag+p.ReturnTo)
	}
	return "/" + tag + p.Path
}

// FullTitle is the <title>: the page's title, naming the site unless it does already.
func (p Page) FullTitle() string {
	name := p.L.T("site.name")
	if strings.Contains(p.Title, name) {
		return p.Title
	}
	return p.Title + " · " + name
}

// MetaDescription is the page's description for search engines and link previews.
func (p Page) MetaDescription() string {
	if p.Description != "" {
		return p.Description
	}
	return p.L.T("footer.about")
}

// WithNext is the page with the reader's destination next (a local address in the page's
// language, as LocalPath accepts it; "" for none) kept across the language switcher.
func (p Page) WithNext(next string) Page {
	p.ReturnTo = strings.TrimPrefix(next, "/"+p.L.Tag)
	if p.ReturnTo == next { // not in the page's language: not kept
		p.ReturnTo = ""
	}
	return p
}

// URL is an address inside the site in the page's language: URL("/courses") is "/fr/courses".
// path is already escaped; build it with Path when it holds names from content or users.
func (p Page) URL(path string) string { return "/" + p.L.Tag + path }

// Colon is the colon between a label and what it names, as the page's language writes it
// (" : " in French, "：" in Chinese).
func (p Page) Colon() string { return p.L.T("punct.colon") }

// Percent shows a percentage in the reader's language ("40 %" in French).
func (p Page) Percent(n int) string {
	return p.L.Tf("course.percent", map[string]any{"Percent": n})
}

// Date shows a day as readers of the page's language write it: "14 March 2026", "14 de marzo de
// 2026", "2026年3月14日"; the <time> element around it carries the ISO date for machines.
func (p Page) Date(t time.Time) string {
	t = t.UTC()
	return p.L.Tf("date.long", map[string]any{"Day": t.Day(), "Month": p.L.T("date.month." + strconv.Itoa(int(t.Month()))),
		"MonthNumber": int(t.Month()), "Year": t.Year()})
}

// navCurrent is the aria-current value for the nav item of section.
func (p Page) navCurrent(section string) string {
	if p.Section == section {
		return "page"
	}
	return "false"
}

// ErrorPage is a localized error page.
type ErrorPage struct {
	Page
	Status    int
	Heading   string
	Text      string
	RequestID string // shown for server errors, so that a report can be matched to the log
	Link      *Link  // where to go instead (the site's own address, for a form sent from another)
	Resend    *Resend
}

// Link is a link with its text.
type Link struct {
	Href string
	Text string
}

// Fact is a label and a value shown in a description list.
type Fact struct {
	Label string
	Value string
}

// LangAttrs marks content in another language than the page's (an English fallback) with its
// lang and dir, so that screen readers pronounce it right and Arabic pages lay it out left to
// right. Content in the page's language needs nothing.
func LangAttrs(p Page, lang string) templ.Attributes {
	if lang == "" || lang == p.L.Tag {
		return templ.Attributes{}
	}
	return templ.Attributes{"lang": lang, "dir": DirOf(lang)}
}

// DirOf is the writing direction of a language: "rtl" or "ltr".
func DirOf(lang string) string {
	for _, l := range i18n.Languages {
		if l.Tag == lang {
			return l.Dir
		}
	}
	return "ltr"
}

// Itoa is strconv.Itoa, for attributes.
func Itoa(n int) string { return strconv.Itoa(n) }

// Render writes a templ component as the HTML response. Pages may differ per visitor (sign-in
// state, CSRF tokens), so shared caches must not keep them; browsers revalidate with the ETag.
// A signed-in user's pages are not kept at all: NoStoreWhenSignedIn makes this no-store.
func Render(c *fiber.Ctx, component templ.Component) error {
	c.Type("html", "utf-8")
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
	}
	return component.Render(c.UserContext(), c.Response().BodyWriter())
}

// RenderStatus renders a page with a status other than 200 (a form with errors answers 422, so
// that scripts and tests can tell).
func RenderStatus(c *fiber.Ctx, status int, component templ.Component) error {
	c.Status(status)
	return Render(c, component)
}
