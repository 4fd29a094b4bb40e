package web_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"capacityhub/internal/web/webtest"
)

// Search engines and link previews: every page names the site in its title, has a description,
// a canonical address and absolute alternates in the six languages plus x-default; /robots.txt
// points to /sitemap.xml, which lists every public page in every language and nothing private.
func TestPagesAreFoundAndShared(t *testing.T) {
	t.Parallel()
	ts := webtest.New(t)
	ts.ImportCourses(t, webtest.RadioBasics, webtest.Spectrum101)
	_, body := ts.Get(t, "/ar/courses/radio-basics")
	for _, want := range []string{
		"<title>", "· Capacity Hub</title>", `<meta name="description" content="`,
		`<link rel="canonical" href="http://localhost:8080/ar/courses/radio-basics">`,
		`<link rel="alternate" hreflang="zh" href="http://localhost:8080/zh/courses/radio-basics">`,
		`<link rel="alternate" hreflang="x-default" href="http://localhost:8080/en/courses/radio-basics">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the course page lacks %s", want)
		}
	}
	resp, body := ts.Get(t, "/robots.txt")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Sitemap: http://localhost:8080/sitemap.xml") ||
		!strings.Contains(body, "Disallow: /api/") {
		t.Errorf("robots.txt: %d %s", resp.StatusCode, body)
	}
	resp, body = ts.Get(t, "/sitemap.xml")
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if resp.StatusCode != http.StatusOK || xml.Unmarshal([]byte(body), &sm) != nil {
		t.Fatalf("sitemap.xml: %d %.300s", resp.StatusCode, body)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		locs[u.Loc] = true
	}
	for _, lang := range []string{"ar", "en", "es", "fr", "ru", "zh"} {
		for _, p := range []string{"/", "/courses", "/courses/radio-basics", "/courses/radio-basics/" + webtest.LessonSlug(2, 2), "/courses/spectrum-101", "/certificates",
			"/about", "/privacy", "/contact"} {
			if !locs["http://localhost:8080/"+lang+p] {
				t.Errorf("the sitemap lacks /%s%s", lang, p)
			}
		}
	}
	for loc := range locs {
		if strings.Contains(loc, "/me") || strings.Contains(loc, "/admin") || strings.Contains(loc, "/login") {
			t.Errorf("the sitemap lists a private page: %s", loc)
		}
	}
}
