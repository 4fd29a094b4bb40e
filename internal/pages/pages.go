// Package pages holds the site's information pages: the privacy notice, about and contact. Each
// is a Markdown file per language, _pages/<slug>.<lang>.md in the content folder (content/, or
// CONTENT_DIR), whose first line is its title ("# Privacy notice"). They are read and rendered
// once, at start-up, with the sanitizing internal/markdown; a page missing in any interface
// language, or one that does not render, stops start-up (Load), so that no reader ever meets a
// notice in a language they did not choose.
package pages

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"capacityhub/internal/i18n"
	"capacityhub/internal/markdown"
)

// Dir is the folder of the pages in a content folder. Its leading "_" keeps course import from
// taking it for a course.
const Dir = "_pages"

// Slugs are the information pages, each served at /{lang}/{slug}.
var Slugs = []string{"privacy", "about", "contact"}

// Page is one information page in one language.
type Page struct {
	Slug  string
	Lang  string
	Title string
	HTML  string // sanitized
}

// Set is every page in every interface language.
type Set struct{ pages map[string]Page }

// Load reads and renders every page in every language of i18n.Languages from fsys (a content
// folder). Every problem is reported at once, one per line, each naming its file.
func Load(fsys fs.FS) (*Set, error) {
	md := markdown.NewForSite()
	s := &Set{pages: map[string]Page{}}
	var problems []string
	for _, slug := range Slugs {
		for _, lang := range i18n.Tags() {
			file := path.Join(Dir, slug+"."+lang+".md")
			p, err := load(md, fsys, file)
			if err != nil {
				problems = append(problems, file+": "+err.Error())
				continue
			}
			p.Slug, p.Lang = slug, lang
			s.pages[slug+"."+lang] = p
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("information pages: %s", strings.Join(problems, "; "))
	}
	return s, nil
}

func load(md *markdown.Renderer, fsys fs.FS, file string) (Page, error) {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return Page{}, fmt.Errorf("missing: every page exists in every interface language (%w)", err)
	}
	first, body, _ := strings.Cut(strings.TrimLeft(string(b), "\ufeff"), "\n")
	title, ok := strings.CutPrefix(strings.TrimSpace(first), "# ")
	if !ok || strings.TrimSpace(title) == "" {
		return Page{}, fmt.Errorf("line 1: the first line is the title, as \"# Title\"")
	}
	if strings.TrimSpace(body) == "" {
		return Page{}, fmt.Errorf("the page says nothing after its title")
	}
	html, err := md.Render(body)
	if err != nil {
		return Page{}, err
	}
	return Page{Title: strings.TrimSpace(title), HTML: html}, nil
}

// Page is the page slug in language lang, and whether there is one.
func (s *Set) Page(slug, lang string) (Page, bool) {
	p, ok := s.pages[slug+"."+lang]
	return p, ok
}
