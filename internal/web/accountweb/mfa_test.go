package accountweb_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// Two-step verification as its users meet it: set up and used through the API and through the
// pages (no script), and required of staff before any staff route serves them.

// codeAt is what an authenticator app holding secret shows steps × 30 s from now.
func codeAt(t *testing.T, secret string, steps int) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, time.Now().Add(time.Duration(steps)*30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type mfaProblem struct {
	MFARequired bool   `json:"mfa_required"`
	AccessToken string `json:"access_token"`
}

func TestMFAThroughTheAPI(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		// NB: tokens without the password round trip, and two accounts: each call below counts
		// against the sign-in limit of its address (a burst of 5).
		bearer := srv.Token(t, srv.CreateUser(t, "amina@example.org", "Amina Diallo"))
		resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/me/mfa", bearer, nil)
		en := webtest.WantJSON[struct {
			Secret string `json:"secret"`
			URI    string `json:"otpauth_uri"`
		}](t, resp, body, http.StatusOK)
		if len(en.Secret) != 32 || !strings.HasPrefix(en.URI, "otpauth://totp/") || !strings.Contains(en.URI, "secret="+en.Secret) {
			t.Fatalf("enrolment %s", body)
		}
		resp, body = webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/me/mfa/confirm", bearer, map[string]string{"otp": "000000"})
		webtest.WantProblem(t, resp, body, http.StatusUnprocessableEntity, "otp")
		resp, body = webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/me/mfa/confirm", bearer, map[string]string{"otp": codeAt(t, en.Secret, 0)})
		codes := webtest.WantJSON[struct {
			RecoveryCodes []string `json:"recovery_codes"`
		}](t, resp, body, http.StatusOK).RecoveryCodes
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes, want 10", len(codes))
		}

		signInAs := func(email, otp string) (*http.Response, string) {
			in := map[string]string{"email": email, "password": webtest.Password}
			if otp != "" {
				in["otp"] = otp
			}
			return webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/token", "", in)
		}
		signIn := func(otp string) (*http.Response, string) { return signInAs("amina@example.org", otp) }
		wantMFARequiredAs := func(email, what, otp string) {
			t.Helper()
			resp, body := signInAs(email, otp)
			webtest.WantProblem(t, resp, body, http.StatusUnauthorized)
			var p mfaProblem
			if err := json.Unmarshal([]byte(body), &p); err != nil || !p.MFARequired || p.AccessToken != "" {
				t.Errorf("%s: %s, want mfa_required true and no token", what, body)
			}
		}
		wantMFARequired := func(what, otp string) { t.Helper(); wantMFARequiredAs("amina@example.org", what, otp) }
		wantMFARequired("no otp", "")
		wantMFARequired("wrong otp", "123456")
		next := codeAt(t, en.Secret, 1) // the app's next code: one step of clock skew is allowed
		resp, body = signIn(next)
		if tokens := webtest.WantJSON[webtest.Tokens](t, resp, body, http.StatusOK); tokens.AccessToken == "" {
			t.Errorf("no access token: %s", body)
		}
		wantMFARequired("a code used already", next)

		_, kofiCodes := srv.EnrolMFA(t, srv.CreateUser(t, "kofi@example.org", "Kofi Mensah"))
		if resp, body := signInAs("kofi@example.org", kofiCodes[0]); resp.StatusCode != http.StatusOK {
			t.Errorf("recovery code: %d %s", resp.StatusCode, body)
		}
		wantMFARequiredAs("kofi@example.org", "a recovery code used already", kofiCodes[0])
		resp, body = webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/token", "",
			map[string]string{"email": "kofi@example.org", "password": "wrong password here", "otp": kofiCodes[1]})
		if p := webtest.WantProblem(t, resp, body, http.StatusUnauthorized); strings.Contains(body, "mfa_required") {
			t.Errorf("a wrong password tells of two-step verification: %+v %s", p, body)
		}
	})
}

var (
	secretInPage = regexp.MustCompile(`<code class="secret" dir="ltr">([A-Z2-7 ]+)</code>`)
	codesInPage  = regexp.MustCompile(`<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>`)
)

func TestMFAThroughThePages(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		srv.CreateUser(t, "amina@example.org", "Amina Diallo")
		b := srv.SignInBrowser(t, "amina@example.org", webtest.Password)
		_, page := b.Get("/en/me")
		webtest.WantPage(t, "account page, off", &http.Response{StatusCode: http.StatusOK}, page, http.StatusOK,
			[]string{`id="mfa"`, `action="/en/me/mfa"`, webtest.PageText(t, "en", "me.mfa.start.submit"), webtest.PageText(t, "en", "me.mfa.off")})

		resp, _ := b.Submit("/en/me", "/en/me/mfa", nil)
		if to := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || to != "/en/me?done=mfa_started#mfa" {
			t.Fatalf("start: %d to %q", resp.StatusCode, to)
		}
		resp, page = b.Get("/en/me?done=mfa_started")
		webtest.WantPage(t, "account page, set-up pending", resp, page, http.StatusOK, []string{
			`<svg class="qr" role="img" aria-labelledby="mfa-qr-title"`, `<path d="M`, `otpauth://totp/`,
			webtest.PageText(t, "en", "me.mfa.pending.qr_label"), webtest.PageText(t, "en", "me.mfa.done.started"),
			`autocomplete="one-time-code"`}, "<script", "<img")
		m := secretInPage.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no key written out in the page")
		}
		secret := strings.ReplaceAll(m[1], " ", "")

		resp, page = b.Submit("/en/me", "/en/me/mfa/confirm", url.Values{"otp": {"000000"}})
		webtest.WantPage(t, "wrong code", resp, page, http.StatusUnprocessableEntity, []string{webtest.PageText(t, "en", "auth.mfa.code_wrong")})
		resp, page = b.Submit("/en/me", "/en/me/mfa/confirm", url.Values{"otp": {codeAt(t, secret, 0)}})
		webtest.WantPage(t, "recovery codes", resp, page, http.StatusOK, []string{webtest.PageText(t, "en", "me.mfa.codes.heading")})
		codes := codesInPage.FindAllStringSubmatch(page, -1)
		if len(codes) != 10 {
			t.Fatalf("%d recovery codes in the page, want 10", len(codes))
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("recovery codes page Cache-Control %q, want no-store", cc)
		}
		_, page = b.Get("/en/me")
		if !strings.Contains(page, html.EscapeString(webtest.Text(t, "en", "me.mfa.recovery_left", map[string]any{"Count": 10}))) {
			t.Error("the account page does not say two-step verification is on with 10 codes")
		}

		// Signing in again now takes two steps; the session begins only with the code.
		other := srv.Browser(t)
		resp, _ = other.Submit("/en/login", "/en/login", url.Values{"email": {"amina@example.org"}, "password": {webtest.Password}})
		codePage := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(codePage, "/en/login/code") || other.Session() != "" {
			t.Fatalf("password step: %d to %q, session %q; want 303 to the code form and no session", resp.StatusCode, codePage, other.Session())
		}
		webtest.WantSignedOut(t, other, "between the two steps")
		resp, page = other.Submit(codePage, codePage, url.Values{"otp": {"999999"}})
		webtest.WantPage(t, "wrong code at sign-in", resp, page, http.StatusUnauthorized, []string{webtest.PageText(t, "en", "auth.mfa.code_wrong")})
		resp, _ = other.Submit(codePage, codePage, url.Values{"otp": {codeAt(t, secret, 1)}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me" {
			t.Fatalf("code step: %d to %q, want 303 to /en/me", resp.StatusCode, resp.Header.Get("Location"))
		}
		webtest.WantSignedIn(t, other, "amina@example.org", "after the code")

		// The same code does not sign in a third browser; a recovery code does, once.
		for i, otp := range []string{codeAt(t, secret, 1), codes[0][1], codes[0][1]} {
			third := srv.Browser(t)
			resp, _ = third.Submit("/en/login", "/en/login", url.Values{"email": {"amina@example.org"}, "password": {webtest.Password}})
			resp, _ = third.Submit(resp.Header.Get("Location"), resp.Header.Get("Location"), url.Values{"otp": {otp}})
			if ok := resp.StatusCode == http.StatusSeeOther; ok != (i == 1) {
				t.Errorf("sign-in %d (%s): %d, want signed in only with the unused recovery code", i, otp, resp.StatusCode)
			}
		}
	})
}

func TestStaffRoutesNeedMFA(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		admin := srv.CreateStaffWithoutMFA(t, "admin@example.org", "Ada Admin", auth.RoleAdmin)
		b := srv.SignInBrowser(t, "admin@example.org", webtest.Password) // signing in works without it
		bearer := srv.SignInAPI(t, "admin@example.org", webtest.Password).AccessToken

		resp, _ := b.Get("/fr/admin/users")
		if to := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || to != "/fr/me?done=mfa_required#mfa" {
			t.Fatalf("staff page without MFA: %d to %q, want 303 to the set-up", resp.StatusCode, to)
		}
		resp, page := b.Get("/fr/me?done=mfa_required")
		webtest.WantPage(t, "the set-up, with why", resp, page, http.StatusOK,
			[]string{webtest.PageText(t, "fr", "me.mfa.required_notice"), webtest.PageText(t, "fr", "me.mfa.off_staff")})
		resp, _ = b.Submit("/en/me", "/en/admin/users/"+admin.ID+"/roles", url.Values{"roles": {"expert"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/en/me?done=mfa_required") {
			t.Errorf("staff form without MFA: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/curricula", bearer, map[string]string{})
		webtest.WantProblem(t, resp, body, http.StatusForbidden)
		if !strings.Contains(body, `"mfa_required":true`) {
			t.Errorf("staff API without MFA: %s, want mfa_required true", body)
		}

		srv.EnrolMFA(t, admin)
		if resp, _ := b.Get("/fr/admin/users"); resp.StatusCode != http.StatusOK {
			t.Errorf("staff page with MFA on: %d, want 200", resp.StatusCode)
		}
		resp, body = webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/curricula", bearer, map[string]string{})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("staff API with MFA on: %d %s, want past the guard (422 for the empty body)", resp.StatusCode, body)
		}
	})
}
