package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"capacityhub/internal/web/webtest"
)

// What is answered to a signed-in user (session cookie or bearer token), page or API, success or
// form refusal, is kept by no cache, the browser's included: a shared computer's next user must
// not find it in the history or the back button.
func TestSignedInAnswersAreNotStored(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	u := srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	b := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
	token := srv.Token(t, u)

	for _, tc := range []struct {
		name   string
		send   func() (*http.Response, string)
		status int
	}{
		{"home page", func() (*http.Response, string) { return b.Get("/en/") }, 200},
		{"catalogue page", func() (*http.Response, string) { return b.Get("/en/courses") }, 200},
		{"own profile page", func() (*http.Response, string) { return b.Get("/en/me") }, 200},
		{"profile form refused (422)", func() (*http.Response, string) {
			return b.Submit("/en/me", "/en/me", url.Values{"name": {""}, "language": {"en"}})
		}, 422},
		{"API /me with a bearer token", func() (*http.Response, string) {
			return webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/me", token, nil)
		}, 200},
		{"API list with a bearer token", func() (*http.Response, string) {
			return webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/courses", token, nil)
		}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.send()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d\n%.500s", resp.StatusCode, tc.status, body)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
		})
	}

	// A signed-in reader's page has no validator (it is never stored), and the visitors' tag of
	// the same address does not answer for it: a 304 would show the visitors' copy.
	resp, _ := b.Get("/en/courses")
	if tag := resp.Header.Get("ETag"); tag != "" {
		t.Errorf("signed-in page with ETag %q, want none", tag)
	}
	visitor, _ := webtest.Get(t, srv.App, "/en/courses")
	if visitor.Header.Get("ETag") == "" {
		t.Fatal("the visitors' page has no ETag")
	}
	// NB: an HTTP/1.1 request without Host is malformed; fasthttp v1.79.0 refuses it before Fiber
	// sees it (v1.51.0 let it through). httptest's request carries one, as a browser's does.
	req := httptest.NewRequest(http.MethodGet, "/en/courses", nil)
	req.Header.Set("If-None-Match", visitor.Header.Get("ETag"))
	if resp, _ := b.Send(req); resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("signed-in request with the visitors' tag: %d with Cache-Control %q, want 200 with no-store", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

// A visitor's pages may be reused for a minute by the browser or a shared cache, never for a
// request with other cookies (Vary), and are revalidated by ETag: a repeat visit is a 304.
func TestAnonymousPagesRevalidate(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	for _, path := range []string{"/en/", "/en/courses"} {
		resp, _ := webtest.Get(t, app, path)
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60" || !strings.Contains(resp.Header.Get("Vary"), "Cookie") {
			t.Errorf("%s: Cache-Control %q, Vary %q, want public, max-age=60 varying with Cookie", path, cc, resp.Header.Get("Vary"))
		}
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", path)
		}
		resp, body := webtest.Get(t, app, path, "If-None-Match", etag)
		if resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("%s: revalidation %d with %d bytes, want 304 and none", path, resp.StatusCode, len(body))
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("%s: 304 Cache-Control %q, want public, max-age=60", path, cc)
		}
	}
}
