package web_test

import (
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/config"
	"capacityhub/internal/i18n"
	"capacityhub/internal/web/webtest"
	"capacityhub/locales"
)

// errSecret stands for an internal failure whose text must reach the log but never the client.
var errSecret = errors.New("db: connect postgres://app:password=hunter2@db")

func TestRootRedirectsToBestLanguage(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	for _, tc := range []struct {
		name, cookie, accept, want string
	}{
		{"cookie first", "ru", "fr", "/ru/"},
		{"then Accept-Language", "", "es-AR,es;q=0.9", "/es/"},
		{"then English", "", "", "/en/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: "lang", Value: tc.cookie})
			}
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			resp, _ := webtest.Do(t, app, req)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
				t.Fatalf("got %d to %q, want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), tc.want)
			}
		})
	}
}

// Each home page is in its language and direction, and links to itself in every other language.
func TestHomePageInEveryLanguage(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	bundle, _ := i18n.Load(locales.FS)
	for _, lang := range i18n.Languages {
		t.Run(lang.Tag, func(t *testing.T) {
			resp, body := webtest.Get(t, app, "/"+lang.Tag+"/")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if want := `<html lang="` + lang.Tag + `" dir="` + lang.Dir + `">`; !strings.Contains(body, want) {
				t.Errorf("missing %s", want)
			}
			heading := bundle.Localizer(lang.Tag).T("home.heading")
			if !strings.Contains(body, "<h1>"+html.EscapeString(heading)+"</h1>") {
				t.Errorf("heading %q not shown", heading)
			}
			for _, other := range i18n.Languages {
				if other.Tag != lang.Tag && !strings.Contains(body, `href="/`+other.Tag+`/" hreflang="`+other.Tag+`"`) {
					t.Errorf("no switcher link to %s", other.Tag)
				}
			}
			for _, section := range []string{"courses", "questions", "forums"} {
				if !strings.Contains(body, `href="/`+lang.Tag+`/`+section+`"`) {
					t.Errorf("home page does not lead to %s", section)
				}
			}
			if strings.Contains(body, "<script") {
				t.Error("the page carries a script")
			}
			if c := resp.Header.Get("Set-Cookie"); !strings.Contains(c, "lang="+lang.Tag) || !strings.Contains(c, "SameSite=Lax") {
				t.Errorf("language not remembered: Set-Cookie %q", c)
			}
		})
	}
}

// The language switcher keeps the reader on the same page.
func TestLanguageSwitcherKeepsThePage(t *testing.T) {
	t.Parallel()
	_, body := webtest.Get(t, webtest.New(t).App, "/fr/forums")
	for _, want := range []string{`href="/ar/forums"`, `href="/zh/forums"`, `href="/en/forums"`, `href="/ru/forums"`, `href="/es/forums"`, `<span lang="fr" dir="ltr" aria-current="true">`} {
		if !strings.Contains(body, want) {
			t.Errorf("switcher on /fr/forums lacks %s", want)
		}
	}
}

func TestUnknownPagesAreLocalized404s(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	for _, tc := range []struct{ path, lang, text string }{
		{"/ar/no-such-page", "ar", "الصفحة غير موجودة"},
		{"/zh/courses/x/y/z", "zh", "找不到页面"},
		{"/xx/", "en", "Page not found"},
	} {
		resp, body := webtest.Get(t, app, tc.path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", tc.path, resp.StatusCode)
		}
		if !strings.Contains(body, `<html lang="`+tc.lang+`"`) || !strings.Contains(body, tc.text) {
			t.Errorf("%s: want a %s page saying %q", tc.path, tc.lang, tc.text)
		}
	}
}

// A 500 shows a localized page with a reference and never the error's text; the log has both.
func TestServerErrorsHideInternals(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	app := srv.App
	app.Get("/:lang/boom", func(c *fiber.Ctx) error { return errSecret })
	resp, body := webtest.Get(t, app, "/fr/boom")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", resp.StatusCode)
	}
	rid := resp.Header.Get("X-Request-ID")
	if strings.Contains(body, "password=hunter2") || !strings.Contains(body, "Une erreur s&#39;est produite") || !strings.Contains(body, rid) {
		t.Errorf("500 page leaks internals or lacks the reference %s:\n%s", rid, body)
	}
	if !strings.Contains(srv.Logs(), "request_id="+rid) || !strings.Contains(srv.Logs(), "hunter2") {
		t.Errorf("log lacks the request id or the error: %s", srv.Logs())
	}
	// A panic is a 500 too, not a dropped connection.
	app.Get("/:lang/panic", func(c *fiber.Ctx) error { panic("kaboom") })
	if resp, _ := webtest.Get(t, app, "/en/panic"); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("panic answered %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	resp, _ := webtest.Get(t, webtest.New(t).App, "/en/")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	// Nothing from another site, fetched or shown (connect-src 'self' is for audit tools).
	if strings.Contains(csp, "http") || strings.Contains(csp, "*") || !strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("CSP lets the page reach another site: %q", csp)
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") && !strings.Contains(csp, "script-src 'none'") {
		t.Errorf("CSP allows script: %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Error("nosniff or Referrer-Policy missing")
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over http")
	}
	app := webtest.New(t, webtest.WithConfig(func(c *config.Config) { c.BaseURL = mustURL("https://hub.example.org") })).App
	resp, _ = webtest.Get(t, app, "/en/")
	if !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS with an https BASE_URL")
	}
	if c := resp.Header.Get("Set-Cookie"); !strings.Contains(strings.ToLower(c), "; secure") {
		t.Errorf("cookie not Secure with https: %q", c)
	}
}

// Static files have content-hashed names and a year-long cache life; pages revalidate by ETag
// and a repeat visit costs a 304 with no body.
func TestCachingAndCompression(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	_, body := webtest.Get(t, app, "/en/")
	css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(body)
	if css == nil {
		t.Fatal("no hashed stylesheet link")
	}
	resp, _ := webtest.Get(t, app, css[1])
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %q %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
	}
	if resp, _ := webtest.Get(t, app, "/static/app.0000000000.css"); resp.StatusCode != 404 {
		t.Errorf("unknown asset answered %d", resp.StatusCode)
	}

	resp, _ = webtest.Get(t, app, "/en/", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("page not compressed: %q", resp.Header.Get("Content-Encoding"))
	}
	etag := resp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `-gz"`) {
		// A visitor's page is kept in each coding (the page cache), each with a strong tag of its own.
		t.Fatalf("ETag %q, want the strong tag of the gzip coding", etag)
	}
	resp, body = webtest.Get(t, app, "/en/", "Accept-Encoding", "gzip", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("revalidation: %d with %d bytes, want 304 and none", resp.StatusCode, len(body))
	}
}

// Budget: the home page with everything it loads weighs at most 20 KB compressed.
func TestHomePageWeight(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	for _, lang := range []string{"en", "ar", "ru"} {
		total := 0
		_, page := webtest.Get(t, app, "/"+lang+"/")
		urls := append([]string{"/" + lang + "/"}, regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllString(page, -1)...)
		for _, u := range urls {
			u = strings.TrimSuffix(u[strings.Index(u, "/"):], `"`)
			total += webtest.GzipSize(t, app, u)
		}
		t.Logf("%s home page with its assets: %d bytes compressed", lang, total)
		if total > 20*1024 {
			t.Errorf("%s home page weighs %d bytes compressed, budget 20480", lang, total)
		}
	}
}

// A ?done= notice shows on the pages of its own section only: a made-up link cannot make the
// sign-in page tell a visitor their password was changed.
func TestNoticesShowOnTheirOwnPagesOnly(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	changed := webtest.PageText(t, "en", "me.done.password")
	if _, body := srv.Get(t, "/en/login?done=password"); strings.Contains(body, changed) {
		t.Error("the sign-in page shows the password-changed notice")
	}
	if _, body := srv.Get(t, "/en/courses?done=registered"); strings.Contains(body, webtest.PageText(t, "en", "me.done.registered")) {
		t.Error("the catalogue shows the welcome notice")
	}
	b := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
	if _, body := b.Get("/en/me?done=password"); !strings.Contains(body, changed) {
		t.Error("the account page does not show its own notice")
	}
	if _, body := b.Get("/en/me?done=no-such-notice"); strings.Contains(body, `class="flash"`) {
		t.Error("a made-up notice code shows a notice")
	}
}
