package web_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"capacityhub/internal/web/webtest"
)

// A visitor's lesson page is rendered once and then served from memory, with no database query:
// the same bytes, in gzip and brotli as asked, a strong ETag per coding that answers 304, and
// caching headers that let a browser keep it a minute but never hand it to a signed-in reader.
// A signed-in reader, a page with a query string or a page that sets a cookie is never kept.
func TestVisitorPagesComeFromThePageCache(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.ImportCourses(t, webtest.RadioBasics)
	app, counter := srv.CountCourseReads(t)
	const lesson = "/fr/courses/radio-basics/m1-l1"
	get := func(path string, headers ...string) (*http.Response, string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return webtest.Do(t, app, req)
	}
	_, first := get(lesson)
	before := counter.Count()
	resp, plain := get(lesson)
	if n := counter.Count() - before; n != 0 || plain != first {
		t.Fatalf("second visit: %d queries, same page %v; want none, and the same page", n, plain == first)
	}
	etag := resp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || resp.Header.Get("Cache-Control") != "public, max-age=60" ||
		!strings.Contains(resp.Header.Get("Vary"), "Cookie") || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("kept page headers: ETag %q, Cache-Control %q, Vary %q", etag, resp.Header.Get("Cache-Control"), resp.Header.Get("Vary"))
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("a kept page lost the security headers")
	}
	for _, coding := range []string{"gzip", "br"} {
		resp, body := get(lesson, "Accept-Encoding", coding)
		if resp.Header.Get("Content-Encoding") != coding {
			t.Fatalf("asked for %s: Content-Encoding %q", coding, resp.Header.Get("Content-Encoding"))
		}
		decode := fasthttp.AppendUnbrotliBytes
		if coding == "gzip" {
			decode = fasthttp.AppendGunzipBytes
		}
		got, err := decode(nil, []byte(body))
		if err != nil || !bytes.Equal(got, []byte(plain)) {
			t.Errorf("%s body does not decode to the page (%v)", coding, err)
		}
		if tag := resp.Header.Get("ETag"); tag == etag || tag == "" {
			t.Errorf("%s: ETag %q, want one of its own", coding, tag)
		}
		if resp, body := get(lesson, "Accept-Encoding", coding, "If-None-Match", resp.Header.Get("ETag")); resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("%s with a current ETag: %d, %d bytes; want 304 and nothing", coding, resp.StatusCode, len(body))
		}
	}
	if resp, _ := get(lesson, "If-None-Match", `"stale"`); resp.StatusCode != 200 {
		t.Errorf("an old ETag: %d, want the page", resp.StatusCode)
	}

	// Signed in: her own page, never the visitors'.
	srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	session := srv.SignInBrowser(t, "amina@example.org", webtest.Password).Session()
	resp, body := get(lesson, "Cookie", "session="+session)
	if !strings.Contains(body, webtest.PageText(t, "fr", "course.lesson.mark_done")) || strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") {
		t.Errorf("signed in: the visitors' page was served (Cache-Control %q)", resp.Header.Get("Cache-Control"))
	}
	// A query string (a flash notice, a filter) is rendered each time.
	before = counter.Count()
	get("/fr/courses?level=advanced")
	get("/fr/courses?level=advanced")
	if counter.Count()-before == 0 {
		t.Error("a filtered catalogue came from memory: query strings must not be kept")
	}
}

// A visitor changing language gets each page in the language asked for, from memory too: the
// cache keeps each language's page apart, a page served from it remembers the language as the
// rendered one does (the lang cookie), and the site's root follows the new choice.
func TestPageCacheFollowsALanguageChange(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.ImportCourses(t, webtest.RadioBasics)
	for round := range 2 { // NB: the second round is served from the cache
		for _, lang := range []string{"en", "fr", "ar", "zh"} {
			resp, body := webtest.Get(t, srv.App, "/"+lang+"/courses")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `lang="`+lang+`"`) {
				t.Fatalf("round %d, /%s/courses: %d, page not in %s", round, lang, resp.StatusCode, lang)
			}
			if !strings.Contains(body, webtest.PageText(t, lang, "course.catalog.intro")) {
				t.Errorf("round %d, /%s/courses: the catalogue title is not the %s one", round, lang, lang)
			}
			if c := resp.Header.Get("Set-Cookie"); !strings.Contains(c, "lang="+lang) {
				t.Errorf("round %d, /%s/courses: Set-Cookie %q, want the language remembered", round, lang, c)
			}
		}
	}
	resp, _ := webtest.Get(t, srv.App, "/", "Cookie", "lang=fr")
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || !strings.HasPrefix(loc, "/fr") {
		t.Errorf("the root with lang=fr: %d to %q, want the French site", resp.StatusCode, loc)
	}
}
