package web_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/config"
	"capacityhub/internal/web"
	"capacityhub/internal/web/webtest"
)

// listen serves app on a loopback port for the rest of the test (webtest stops the app) and
// returns its address. Refusals made while a request is read (413, 431, a malformed request) need
// real connections: app.Test refuses to send such requests or cannot read the answers.
func listen(t *testing.T, srv *webtest.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.App.Listener(ln) }()
	return ln.Addr().String()
}

// sendRaw writes raw to addr as one HTTP/1.1 request and reads the answer.
func sendRaw(t *testing.T, addr, raw string) (*http.Response, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, string(body)
}

// wantSecurityHeaders checks the headers every answer carries (BASE_URL being https: HSTS too).
func wantSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	for name, want := range map[string]string{
		"Content-Security-Policy":      "default-src 'none'",
		"X-Content-Type-Options":       "nosniff",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"X-Frame-Options":              "DENY",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
		"Permissions-Policy":           "camera=()",
		"Strict-Transport-Security":    "max-age=",
	} {
		if !strings.Contains(h.Get(name), want) {
			t.Errorf("%s %q, want it to hold %q", name, h.Get(name), want)
		}
	}
}

// What Fiber refuses before any middleware runs (a body or headers too large, a method it does not
// know, a request it cannot parse) carries the security headers like every other answer, and
// under /api/ is problem+json. A 431's path is unknown (fasthttp keeps nothing of the request):
// it is always problem+json.
func TestRefusalsBeforeMiddlewareCarrySecurityHeaders(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t, webtest.WithConfig(func(c *config.Config) { c.BaseURL = mustURL("https://hub.example.org") }))
	addr := listen(t, srv)

	const host = "Host: 127.0.0.1\r\n"
	tooLarge := func(path string) string {
		return "POST " + path + " HTTP/1.1\r\n" + host + "Content-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(web.BodyLimit+1) + "\r\n\r\n"
	}
	headersTooLarge := func(path string) string {
		return "GET " + path + " HTTP/1.1\r\n" + host + "Cookie: pad=" + strings.Repeat("a", 20<<10) + "\r\n\r\n"
	}
	unknownMethod := func(path string) string { return "PROPFIND " + path + " HTTP/1.1\r\n" + host + "\r\n" }
	malformed := func(path string) string {
		return "GET " + path + " HTTP/1.1\r\n" + host + "Content-Length: ten\r\n\r\n"
	}

	for _, tc := range []struct {
		name    string
		raw     string
		status  int
		problem bool // else an HTML page
	}{
		{"413 under /api/", tooLarge("/api/v1/auth/register"), 413, true},
		{"413 on a page", tooLarge("/en/register"), 413, false},
		{"431 under /api/", headersTooLarge("/api/v1/courses"), 431, true},
		{"431 on a page", headersTooLarge("/en/courses"), 431, true},
		{"unknown method under /api/", unknownMethod("/api/v1/courses"), 400, true},
		{"unknown method on a page", unknownMethod("/en/courses"), 400, false},
		{"malformed under /api/", malformed("/api/v1/courses"), 400, true},
		{"malformed on a page", malformed("/en/courses"), 400, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := sendRaw(t, addr, tc.raw)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.status, body)
			}
			wantSecurityHeaders(t, resp.Header)
			if tc.problem {
				webtest.DecodeProblem(t, resp, body)
			} else if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type %q, want an HTML error page", ct)
			}
		})
	}
}
