// Package markdown turns Markdown into HTML that is safe to put in a page: goldmark renders
// CommonMark (with tables, strikethrough and bare links), and a bluemonday allow-list keeps only
// text-level and block elements. Raw HTML in the source is dropped, never passed through; links
// may only be http, https or mailto, and get rel="nofollow noreferrer" when they lead to another
// site. Images are not allowed: a page must load nothing from another site.
package markdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Renderer renders Markdown to sanitized HTML. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New returns a renderer.
func New() *Renderer {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
		"em", "strong", "del", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+-]+$`)).OnElements("code")
	return &Renderer{md: newGoldmark(), policy: p}
}

// NewForSite returns a renderer for the site's own texts (the information pages of
// internal/pages), which may also link to the site's pages by a relative address ("contact",
// "/en/courses"). NB: never for text a user wrote: a relative link there would point readers
// wherever its author chose on this site, looking like the site's own.
func NewForSite() *Renderer {
	r := New()
	r.policy.AllowRelativeURLs(true)
	return r
}

// newGoldmark is the one goldmark configuration: what Inspect finds in a text is what Render
// shows of it.
func newGoldmark() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))
}

// Render returns the safe HTML of src, a lesson or any text up to MaxLessonBytes; a text over the
// limits (see Check) is refused with an *Error, ErrTooLarge or ErrTooComplex.
func (r *Renderer) Render(src string) (string, error) {
	return r.RenderLimited(src, MaxLessonBytes)
}

// RenderLimited is Render for a text of at most maxBytes (MaxPostBytes for a user's post); no
// limit above MaxLessonBytes is honoured.
func (r *Renderer) RenderLimited(src string, maxBytes int) (string, error) {
	if err := Check([]byte(src), maxBytes); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return strings.TrimSpace(r.policy.Sanitize(buf.String())), nil
}
