package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// With PostgreSQL out of reach (connections refused, open ones cut), pages and the API answer 503
// with Retry-After, a page in the reader's language and a problem in the client's; the log gets
// one WARN line naming the database, not an ERROR per request; and the site comes back on its
// own when the database does.
func TestDatabaseDownAnswers503(t *testing.T) {
	t.Parallel()
	proxy, proxied := testenv.ProxyTo(t, testenv.URL(t, db.Postgres))
	d, err := db.Open(context.Background(), proxied)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background(), db.Migrations); err != nil {
		t.Fatal(err)
	}
	ts := webtest.New(t, webtest.On(db.Postgres), webtest.WithDB(d))
	ts.ImportCourses(t, webtest.RadioBasics)
	ts.CreateUser(t, "amina@example.org", "Amina Diallo")
	browser := ts.SignInBrowser(t, "amina@example.org", webtest.Password)

	proxy.Down()
	for i := range 40 {
		resp, body := ts.Get(t, "/fr/courses")
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("catalogue, request %d, database down: %d with Retry-After %q, want 503 saying when: %.300s",
				i+1, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		if !strings.Contains(body, webtest.PageText(t, "fr", "error.unavailable.title")) {
			t.Fatalf("the 503 page is not the French \"briefly unavailable\" page: %.300s", body)
		}
	}
	resp, body := browser.Get("/en/me")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a signed-in page, database down: %d, want 503: %.200s", resp.StatusCode, body)
	}
	resp, body = webtest.Get(t, ts.App, "/api/v1/courses/radio-basics", "Accept-Language", "es")
	p := webtest.WantProblem(t, resp, body, http.StatusServiceUnavailable)
	if want := webtest.Text(t, "es", "error.detail.unavailable"); p.Detail != want {
		t.Errorf("API problem detail %q, want %q", p.Detail, want)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("API 503 without Retry-After")
	}

	logs := ts.Logs()
	if n := strings.Count(logs, "level=ERROR"); n != 0 {
		t.Errorf("%d ERROR lines for an outage, want none (WARN, once per interval):\n%s", n, logs)
	}
	if n := strings.Count(logs, "cause=database"); n != 1 {
		t.Errorf("%d log lines name the database as the cause, want 1 for 42 refused requests:\n%s", n, logs)
	}

	proxy.Up()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, _ := ts.Get(t, "/fr/courses")
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the database came back, the catalogue still answers %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
