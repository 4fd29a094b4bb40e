package pages_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"capacityhub/content"
	"capacityhub/internal/i18n"
	"capacityhub/internal/pages"
)

// The shipped pages exist in every interface language, each with a title and a text that says
// more than a line, rendered to HTML that keeps the pages' links to one another.
func TestShippedPagesExistInEveryLanguage(t *testing.T) {
	set, err := pages.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range pages.Slugs {
		titles := map[string]bool{}
		for _, lang := range i18n.Tags() {
			p, ok := set.Page(slug, lang)
			if !ok {
				t.Fatalf("%s.%s missing", slug, lang)
			}
			if p.Title == "" || len(p.HTML) < 400 || !strings.Contains(p.HTML, "<p>") {
				t.Errorf("%s.%s: title %q, %d bytes of HTML", slug, lang, p.Title, len(p.HTML))
			}
			if titles[p.Title] {
				t.Errorf("%s.%s: title %q is another language's: not translated?", slug, lang, p.Title)
			}
			titles[p.Title] = true
			if slug != "contact" && !strings.Contains(p.HTML, `href="contact"`) {
				t.Errorf("%s.%s does not link to the contact page", slug, lang)
			}
		}
	}
	for _, lang := range i18n.Tags() {
		p, _ := set.Page("privacy", lang)
		for _, cookie := range []string{"<code>session</code>", "<code>csrf</code>", "<code>device</code>", "<code>lang</code>", "<code>signin_pending</code>", "<code>quiz_answers</code>"} {
			if !strings.Contains(p.HTML, cookie) {
				t.Errorf("the %s privacy notice does not name the cookie %s", lang, cookie)
			}
		}
	}
}

// A page missing in one language, or without its title line, stops the load with a message
// naming the file.
func TestLoadRefusesIncompletePages(t *testing.T) {
	full := fstest.MapFS{}
	for _, slug := range pages.Slugs {
		for _, lang := range i18n.Tags() {
			full[pages.Dir+"/"+slug+"."+lang+".md"] = &fstest.MapFile{Data: []byte("# Title " + lang + "\n\nSome text.\n")}
		}
	}
	if _, err := pages.Load(full); err != nil {
		t.Fatalf("a complete set: %v", err)
	}
	tests := []struct {
		name string
		edit func(fstest.MapFS)
		want string
	}{
		{"a language missing", func(f fstest.MapFS) { delete(f, pages.Dir+"/privacy.ru.md") }, "_pages/privacy.ru.md: missing"},
		{"no title line", func(f fstest.MapFS) {
			f[pages.Dir+"/about.ar.md"] = &fstest.MapFile{Data: []byte("Text without a title.\n")}
		}, "_pages/about.ar.md: line 1"},
		{"only a title", func(f fstest.MapFS) {
			f[pages.Dir+"/contact.zh.md"] = &fstest.MapFile{Data: []byte("# 联系我们\n")}
		}, "_pages/contact.zh.md: the page says nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fstest.MapFS{}
			for k, v := range full {
				f[k] = v
			}
			tt.edit(f)
			if _, err := pages.Load(f); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}
