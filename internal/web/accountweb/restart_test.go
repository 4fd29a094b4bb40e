package accountweb_test

import (
	"net/http"
	"net/url"
	"testing"

	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

// On the default setup (SQLite, no Redis), a restart signs nobody out: sessions are kept in the
// database. A form opened before the restart is sent after it as if nothing had happened.
func TestSessionsSurviveARestart(t *testing.T) {
	t.Parallel()
	before := webtest.New(t)
	before.CreateUser(t, "amina@example.org", "Amina Diallo")
	b := before.SignInBrowser(t, "amina@example.org", webtest.Password)
	token := b.FormToken("/fr/me")

	after := webtest.New(t, webtest.WithDB(before.DB)) // the same database, an empty in-process store
	again := after.Browser(t)
	again.Cookies = b.Cookies
	webtest.WantSignedIn(t, again, "amina@example.org", "after a restart")
	resp, body := again.Post("/fr/me", url.Values{"name": {"Amina Diallo Ndiaye"}, "language": {"fr"}, "country": {"SN"},
		site.CSRFField: {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a form opened before the restart, sent after it: %d, want 303: %.500s", resp.StatusCode, body)
	}
	resp, body = again.Get("/fr/me")
	webtest.WantPage(t, "account page after the form", resp, body, http.StatusOK, []string{"Amina Diallo Ndiaye"})
	// Signing out after the restart ends the session for good.
	cookie := *again.Cookies["session"]
	again.Submit("/fr/me", "/fr/logout", url.Values{})
	webtest.WantSignedOut(t, again, "signed out after the restart")
	stale := after.Browser(t)
	stale.Cookies = map[string]*http.Cookie{"session": &cookie}
	webtest.WantSignedOut(t, stale, "the old cookie, replayed after sign-out")
}
