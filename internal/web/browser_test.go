package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/i18n"
	"capacityhub/internal/web/webtest"
	"capacityhub/locales"
)

// browserTimeout bounds the whole browser session: starting Chromium and every subtest.
const browserTimeout = 300 * time.Second // a budget against a hung browser, not a speed test: CI shares its cores

// axeTags are the axe-core rule tags the pages must pass: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// browserSuite is one headless Chromium pointed at one running server. Each subtest opens its own
// tab in its own browser context (own cookies) with tab.
type browserSuite struct {
	ctx    context.Context // the browser
	base   string          // http://127.0.0.1:PORT
	bundle *i18n.Bundle
	axe    string          // the source of axe.min.js
	server *webtest.Server // behind base: its services make users and sessions
}

// TestBrowser loads the pages in a real Chromium, as a reader would: each language's home page
// shows its own heading in its own direction, the bare address lands in the reader's language,
// the language switcher works, axe-core finds no serious or critical WCAG 2.1 AA problem, and a
// 320 px wide phone never has to scroll sideways. Set SCREENSHOT_DIR to keep screenshots.
//
// It needs /usr/bin/chromium (apt-get install chromium) and .tools/node_modules/axe-core (npm ci); without
// them it skips, or fails when CI=true.
func TestBrowser(t *testing.T) {
	t.Parallel()
	chrome := browserFindChromium(t)
	axe := browserReadAxe(t)
	bundle, err := i18n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	s := &browserSuite{bundle: bundle, axe: axe}
	s.base, s.server = browserServe(t)
	s.ctx = browserStart(t, chrome)

	t.Run("network sealed", s.testNetworkSealed)
	t.Run("root redirect", s.testRootRedirect)
	t.Run("home", s.testHome)
	t.Run("language switcher", s.testLanguageSwitcher)
	t.Run("axe", s.testAxe)
	t.Run("account pages", s.testAccountPages)
	t.Run("course pages", s.testCoursePages)
	t.Run("layout", s.testLayout)
}

// browserMissing reports a tool the test cannot run without: a failure in CI, which must run
// every test, and a skip on a developer's machine.
func browserMissing(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+" (CI=true, so this is a failure, not a skip)", args...)
	}
	t.Skipf(format, args...)
}

// browserFindChromium returns the path of the system's Chromium. Nothing here downloads a browser.
func browserFindChromium(t *testing.T) string {
	t.Helper()
	if info, err := os.Stat("/usr/bin/chromium"); err == nil && !info.IsDir() {
		return "/usr/bin/chromium"
	}
	if path, err := exec.LookPath("chromium"); err == nil {
		return path
	}
	browserMissing(t, "Chromium is not installed: neither /usr/bin/chromium nor chromium on PATH "+
		"(apt-get install chromium)")
	return ""
}

// browserReadAxe returns the source of axe-core, which `npm ci --prefix .tools` installs.
func browserReadAxe(t *testing.T) string {
	t.Helper()
	path := toolPath(t, "axe-core", "axe.min.js")
	src, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		browserMissing(t, "axe-core is not installed: %s is missing (run `npm ci --prefix .tools`, or make test)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// browserServe runs the whole web layer on a free loopback port and returns its base URL.
func browserServe(t *testing.T) (string, *webtest.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	// BASE_URL is where the browser finds the site: form posts are checked against its origin.
	srv := webtest.New(t, webtest.WithConfig(func(c *config.Config) { c.BaseURL, _ = url.Parse(base) }))
	app := srv.App
	go func() { _ = app.Listener(ln) }() // returns when Shutdown closes the listener
	t.Cleanup(func() {
		if err := app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return base, srv
}

// browserStart starts one headless Chromium for the whole test and returns its context, which
// ends after browserTimeout. The browser cannot reach anything but loopback: every other request
// goes to a proxy on the discard port, where nothing listens. Chromium sends loopback addresses
// around a proxy by itself (its implicit bypass rules; the "<-loopback>" bypass entry would turn
// that off and break the test), so no bypass list is needed. It talks to chromedp over a pipe, not
// a debugging port.
func browserStart(t *testing.T, path string) context.Context {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("proxy-server", "http://127.0.0.1:9"),
	)
	t.Cleanup(cancelAlloc) // waits for Chromium to exit, before t.TempDir is removed
	timeoutCtx, cancelTimeout := context.WithTimeout(allocCtx, browserTimeout)
	t.Cleanup(cancelTimeout)
	ctx, cancelBrowser := chromedp.NewContext(timeoutCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return ctx
}

// tab opens a new tab in a fresh browser context, so that no cookie leaks between subtests. It
// closes when the subtest ends.
func (s *browserSuite) tab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(s.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return ctx
}

// open loads path in the tab, checks the HTTP status of the document and waits for the heading.
func (s *browserSuite) open(t *testing.T, tab context.Context, path string, wantStatus int64) *network.Response {
	t.Helper()
	resp, err := chromedp.Run(tab, chromedp.NavigateResponse(s.base+path))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if resp.Status != wantStatus {
		t.Fatalf("GET %s: status %d, want %d", path, resp.Status, wantStatus)
	}
	if err := chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatalf("GET %s: no visible h1: %v", path, err)
	}
	return resp
}

// browserPageFacts is what the reader sees of the page's language and direction.
type browserPageFacts struct {
	Path          string `json:"path"`
	Lang          string `json:"lang"`
	Dir           string `json:"dir"`
	BodyDirection string `json:"bodyDirection"`
	Heading       string `json:"heading"`
}

// facts reads the page's address, language, direction and main heading.
func (s *browserSuite) facts(t *testing.T, tab context.Context) browserPageFacts {
	t.Helper()
	f, err := chromedp.Run(tab, chromedp.Evaluate[browserPageFacts](`({
		path: location.pathname,
		lang: document.documentElement.lang,
		dir: document.documentElement.dir,
		bodyDirection: getComputedStyle(document.body).direction,
		heading: document.querySelector("h1").innerText.trim(),
	})`))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	return f
}

// checkLanguage checks that the page is the home page in lang: address, lang and dir attributes,
// the direction the text actually runs in, and the translated heading.
func (s *browserSuite) checkLanguage(t *testing.T, f browserPageFacts, lang i18n.Language) {
	t.Helper()
	want := browserPageFacts{
		Path: "/" + lang.Tag + "/", Lang: lang.Tag, Dir: lang.Dir, BodyDirection: lang.Dir,
		Heading: s.bundle.Localizer(lang.Tag).T("home.heading"),
	}
	if f != want {
		t.Errorf("page facts:\n got %+v\nwant %+v", f, want)
	}
}

// browserLanguage is the interface language with the tag.
func browserLanguage(t *testing.T, tag string) i18n.Language {
	t.Helper()
	for _, l := range i18n.Languages {
		if l.Tag == tag {
			return l
		}
	}
	t.Fatalf("no language %q", tag)
	return i18n.Language{}
}

// testNetworkSealed: the test browser reaches the server under test and nothing else, so the
// results cannot depend on, or leak to, the outside world.
func (s *browserSuite) testNetworkSealed(t *testing.T) {
	err := chromedp.Do(s.tab(t), chromedp.Navigate("http://example.com/"))
	if err == nil || !strings.Contains(err.Error(), "ERR_PROXY_CONNECTION_FAILED") {
		t.Fatalf("loading http://example.com/: err = %v, want net::ERR_PROXY_CONNECTION_FAILED", err)
	}
}

// testRootRedirect: a reader who types the bare address lands on the home page in the language
// they chose before (the lang cookie), else in their browser's language, else in English.
func (s *browserSuite) testRootRedirect(t *testing.T) {
	tests := []struct {
		name           string
		acceptLanguage string
		visitFirst     string // a page whose language the lang cookie then remembers
		want           string
	}{
		{name: "arabic browser", acceptLanguage: "ar-EG,ar;q=0.9,en;q=0.5", want: "ar"},
		{name: "chinese browser", acceptLanguage: "zh-CN,zh;q=0.9", want: "zh"},
		{name: "unsupported language", acceptLanguage: "de-DE,de;q=0.9", want: "en"},
		{name: "remembered choice", acceptLanguage: "ar", visitFirst: "/fr/", want: "fr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := s.tab(t)
			_, err := chromedp.Call(tab, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": tt.acceptLanguage}})
			if err != nil {
				t.Fatal(err)
			}
			if tt.visitFirst != "" {
				s.open(t, tab, tt.visitFirst, 200)
			}
			resp := s.open(t, tab, "/", 200)
			if u, err := url.Parse(resp.URL); err != nil || u.Path != "/"+tt.want+"/" {
				t.Errorf("/ led to %s, want /%s/", resp.URL, tt.want)
			}
			s.checkLanguage(t, s.facts(t, tab), browserLanguage(t, tt.want))
		})
	}
}

// testHome: each home page speaks its language, with its heading, and Arabic runs right to left.
func (s *browserSuite) testHome(t *testing.T) {
	for _, lang := range i18n.Languages {
		t.Run(lang.Tag, func(t *testing.T) {
			tab := s.tab(t)
			s.open(t, tab, "/"+lang.Tag+"/", 200)
			s.checkLanguage(t, s.facts(t, tab), lang)
		})
	}
}

// testLanguageSwitcher: a reader who clicks another language in the switcher gets the same page in
// that language, with its direction.
func (s *browserSuite) testLanguageSwitcher(t *testing.T) {
	tests := []struct{ from, to string }{
		{"en", "fr"},
		{"en", "ar"},
		{"ar", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.from+" to "+tt.to, func(t *testing.T) {
			tab := s.tab(t)
			s.open(t, tab, "/"+tt.from+"/", 200)
			link := chromedp.CSS(fmt.Sprintf(`nav.langs a[hreflang=%q]`, tt.to))
			resp, err := chromedp.RunResponse(tab, chromedp.Click(link))
			if err != nil {
				t.Fatalf("clicking %s: %v", link, err)
			}
			if resp.Status != 200 {
				t.Fatalf("clicking %s: status %d", link, resp.Status)
			}
			s.checkLanguage(t, s.facts(t, tab), browserLanguage(t, tt.to))
		})
	}
}

// axeResult is what the test keeps of an axe-core report.
type axeResult struct {
	Violations []axeViolation `json:"violations"`
	Incomplete []string       `json:"incomplete"` // rules axe could not decide; a person should look
	Passes     int            `json:"passes"`     // how many rules passed
}

// axeViolation is one rule that failed, and where.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Targets []string `json:"targets"` // CSS selectors of the elements, all of them
}

// axeRun runs axe-core on the page in the tab. The page's CSP forbids scripts; code evaluated
// through the DevTools protocol is not subject to it.
func (s *browserSuite) axeRun(t *testing.T, tab context.Context) axeResult {
	t.Helper()
	if err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](s.axe+"\n;void 0")); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	tags, err := json.Marshal(axeTags)
	if err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Run(tab, chromedp.Evaluate[axeResult](fmt.Sprintf(`
		axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r => ({
			violations: r.violations.map(v => ({
				id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
				targets: v.nodes.map(n => n.target.map(String).join(" ")),
			})),
			incomplete: r.incomplete.map(v => v.id),
			passes: r.passes.length,
		}))`, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe-core: %v", err)
	}
	return res
}

// testAxe: readers who use a screen reader, the keyboard or a magnifier meet no serious or
// critical WCAG 2.1 A/AA barrier on the home pages or the error page. Lesser findings are logged.
func (s *browserSuite) testAxe(t *testing.T) {
	// First make sure the harness can fail: an image with no text alternative is critical.
	t.Run("catches a broken page", func(t *testing.T) {
		tab := s.tab(t)
		s.open(t, tab, "/en/", 200)
		err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](
			`document.querySelector("main").insertAdjacentHTML("beforeend", '<img id="broken" width="10" height="10">')`))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range s.axeRun(t, tab).Violations {
			if v.ID == "image-alt" && v.Impact == "critical" && slices.Contains(v.Targets, "#broken") {
				return
			}
		}
		t.Fatal("axe-core did not report the image with no alt text: the accessibility check is not working")
	})

	tests := []struct {
		path   string
		status int64
	}{
		{"/en/", 200},
		{"/ar/", 200},
		{"/ar/privacy", 200},
		{"/zh/contact", 200},
		{"/en/no-such-page", 404},
		{"/ar/no-such-page", 404},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(strings.Trim(tt.path, "/"), "/", " "), func(t *testing.T) {
			tab := s.tab(t)
			s.open(t, tab, tt.path, tt.status)
			res := s.axeRun(t, tab)
			t.Logf("axe-core on %s: %d rules passed, %d violated, %d need review",
				tt.path, res.Passes, len(res.Violations), len(res.Incomplete))
			blocking := 0
			for _, v := range res.Violations {
				if v.Impact == "serious" || v.Impact == "critical" {
					blocking++
				}
			}
			if blocking > 0 {
				t.Errorf("axe-core: %d serious or critical violations on %s; all violations:%s",
					blocking, tt.path, axeReport(res.Violations))
			} else if len(res.Violations) > 0 {
				t.Logf("axe-core: minor or moderate violations on %s:%s", tt.path, axeReport(res.Violations))
			}
			if len(res.Incomplete) > 0 {
				t.Logf("axe-core: needs review by a person on %s: %s", tt.path, strings.Join(res.Incomplete, ", "))
			}
		})
	}
}

// testAccountPages: the account forms (registration with its 249 countries, sign-in, password
// reset), a form showing errors, and the signed-in pages (an admin's account and user list) meet
// WCAG 2.1 AA too, in a left-to-right and the right-to-left language.
func (s *browserSuite) testAccountPages(t *testing.T) {
	ctx := context.Background()
	admin, err := s.server.Auth.Register(ctx, auth.Registration{Email: "browser-admin@example.org",
		Password: "a long browser passphrase", Roles: []auth.Role{auth.RoleAdmin},
		Profile: auth.Profile{Name: "Layla Haddad", Country: "JO", Language: "ar"}})
	if err != nil {
		t.Fatal(err)
	}
	s.server.EnrolMFA(t, admin) // staff pages are closed to staff without it
	tests := []struct {
		path     string
		signedIn bool
		submit   bool // submit the form empty, to see it with its errors
	}{
		{path: "/en/register"},
		{path: "/ar/register"},
		{path: "/ar/register", submit: true},
		{path: "/fr/login"},
		{path: "/zh/password/forgot"},
		{path: "/en/me", signedIn: true},
		{path: "/ar/me", signedIn: true},
		{path: "/ar/admin/users", signedIn: true},
		{path: "/en/admin/audit", signedIn: true},
	}
	for _, tt := range tests {
		name := strings.ReplaceAll(strings.Trim(tt.path, "/"), "/", " ")
		if tt.submit {
			name += " with errors"
		}
		t.Run(name, func(t *testing.T) {
			tab := s.tab(t)
			if tt.signedIn {
				token, err := s.server.Auth.StartSession(ctx, admin)
				if err != nil {
					t.Fatal(err)
				}
				u, _ := url.Parse(s.base)
				httpOnly := true
				if _, err := chromedp.Call(tab, network.SetCookie, network.SetCookieParams{Name: "session", Value: token,
					Domain: u.Hostname(), Path: "/", HTTPOnly: &httpOnly}); err != nil {
					t.Fatal(err)
				}
			}
			s.open(t, tab, tt.path, 200)
			if tt.signedIn {
				heading, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("nav.account").textContent`))
				if err != nil || !strings.Contains(heading, s.bundle.Localizer(tt.path[1:3]).T("nav.sign_out")) {
					t.Fatalf("not signed in on %s: account nav %q (%v)", tt.path, heading, err)
				}
			}
			if tt.submit {
				// Empty required fields would stop the browser itself; submit past its checks, as
				// a browser without validation would, to see the server's messages.
				resp, err := chromedp.RunResponse(tab, chromedp.Evaluate[chromedp.Void](`document.querySelector("main form").noValidate = true; document.querySelector("main form button[type=submit]").click()`))
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != 422 {
					t.Fatalf("submitting the empty form: status %d, want 422", resp.Status)
				}
				n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("[aria-invalid=true]").length`))
				if err != nil || n < 4 {
					t.Fatalf("%d fields marked invalid (%v), want every required one", n, err)
				}
			}
			res := s.axeRun(t, tab)
			for _, v := range res.Violations {
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("axe-core: serious or critical violations on %s:%s", tt.path, axeReport(res.Violations))
					break
				}
			}
		})
	}
}

// axeReport lists the violations, each with the first three elements it concerns.
func axeReport(vs []axeViolation) string {
	var b strings.Builder
	for _, v := range vs {
		targets := v.Targets
		if len(targets) > 3 {
			targets = append(targets[:3:3], fmt.Sprintf("… %d more", len(v.Targets)-3))
		}
		fmt.Fprintf(&b, "\n  %s (%s): %s\n    %s\n    at %s", v.ID, v.Impact, v.Help, v.HelpURL,
			strings.Join(targets, " | "))
	}
	return b.String()
}

// browserPageWidth is how wide the page is laid out, and what sticks out of the viewport.
type browserPageWidth struct {
	ScrollWidth int64    `json:"scrollWidth"`
	Straddling  []string `json:"straddling"` // elements across an edge, with their left and right
}

// testLayout: on a 320 px wide phone nothing sticks out sideways, so the reader never scrolls
// horizontally, in either direction. With SCREENSHOT_DIR set it saves screenshots to look at.
func (s *browserSuite) testLayout(t *testing.T) {
	tests := []struct {
		name          string
		lang          string
		width, height int64
		phone         bool   // a phone honours <meta name=viewport> and overlays its scrollbars
		screenshot    string // file name in SCREENSHOT_DIR, or ""
		widen         bool   // add a 400 px wide block, to show that the check can fail
	}{
		{name: "en 320px", lang: "en", width: 320, height: 640, phone: true},
		{name: "ar 320px", lang: "ar", width: 320, height: 640, phone: true, screenshot: "ar-320.png"},
		{name: "en 1024px", lang: "en", width: 1024, height: 768, screenshot: "en-1024.png"},
		{name: "ar 1024px", lang: "ar", width: 1024, height: 768},
		{name: "catches a too wide page", lang: "ar", width: 320, height: 640, phone: true, widen: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := s.tab(t)
			var opts []chromedp.EmulateViewportOption
			if tt.phone {
				opts = append(opts, chromedp.EmulateMobile)
			}
			if err := chromedp.Do(tab, chromedp.EmulateViewport(tt.width, tt.height, opts...)); err != nil {
				t.Fatal(err)
			}
			s.open(t, tab, "/"+tt.lang+"/", 200)
			if tt.widen {
				// Through the CSSOM: the page's CSP forbids style attributes in markup.
				err := chromedp.Do(tab, chromedp.Evaluate[chromedp.Void](`(() => {
					const d = document.createElement("div");
					d.style.inlineSize = "400px";
					d.style.blockSize = "1px";
					document.querySelector("main").append(d);
				})()`))
				if err != nil {
					t.Fatal(err)
				}
			}
			got := s.pageWidth(t, tab)
			if tooWide := got.ScrollWidth > tt.width; tooWide != tt.widen {
				t.Errorf("scrollWidth = %d at a %d px viewport (too wide: %t, want %t); elements across an edge: %v",
					got.ScrollWidth, tt.width, tooWide, tt.widen, got.Straddling)
			}
			if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" && tt.screenshot != "" {
				png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, tt.screenshot)
				if err := os.WriteFile(path, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot: %s", path)
			}
		})
	}
}

// pageWidth measures the laid-out width of the page in the tab. It lists the elements that
// straddle an edge of the viewport, which name the culprit when the page is too wide; wholly
// hidden ones (the skip link) do not count.
func (s *browserSuite) pageWidth(t *testing.T, tab context.Context) browserPageWidth {
	t.Helper()
	got, err := chromedp.Run(tab, chromedp.Evaluate[browserPageWidth](`(() => {
		const w = document.documentElement.clientWidth;
		const describe = e => {
			const r = e.getBoundingClientRect();
			return e.tagName.toLowerCase() + (e.className ? "." + e.className : "") +
				" [" + Math.round(r.left) + ", " + Math.round(r.right) + "]";
		};
		const straddling = [...document.body.querySelectorAll("*")].filter(e => {
			const r = e.getBoundingClientRect();
			return r.width > 0 && ((r.left < 0 && r.right > 0) || (r.left < w && r.right > w));
		}).slice(0, 5).map(describe);
		return {scrollWidth: document.documentElement.scrollWidth, straddling};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}
