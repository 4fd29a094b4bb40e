package accountweb_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"capacityhub/internal/auth"
	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// completeRadioBasics makes u finish webtest.RadioBasics (every lesson, a failed then a passed
// attempt at each quiz) and returns the certificate's number.
func completeRadioBasics(t *testing.T, ts *webtest.Server, u *auth.User) string {
	t.Helper()
	ctx := context.Background()
	for _, l := range []string{"m1-l1", "m1-l2", "m2-l1", "m2-l2"} {
		if _, err := ts.Courses.CompleteLesson(ctx, u, "radio-basics", l); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.Courses.SubmitAttempt(ctx, u, "radio-basics", "m1", "en", map[string][]string{"q1": {"a"}, "q2": {"a"}}); err != nil {
		t.Fatal(err)
	}
	cert := ""
	for _, q := range []string{"m1", "m2"} {
		a, err := ts.Courses.SubmitAttempt(ctx, u, "radio-basics", q, "en", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}})
		if err != nil {
			t.Fatal(err)
		}
		cert = a.Progress.CertificateID
	}
	if cert == "" {
		t.Fatal("no certificate after completing the course")
	}
	return cert
}

// memberData is the part of the export the tests read.
type memberData struct {
	Account struct {
		ID           string `json:"id"`
		Email        string `json:"email"`
		Name         string `json:"name"`
		Country      string `json:"country"`
		Organization string `json:"organization"`
	} `json:"account"`
	TwoStep struct {
		Enabled           bool `json:"enabled"`
		RecoveryCodesLeft int  `json:"recovery_codes_left"`
	} `json:"two_step_verification"`
	APITokens  []map[string]any `json:"api_refresh_tokens"`
	Enrolments []struct {
		Course string `json:"course"`
	} `json:"enrolments"`
	Lessons  []map[string]any `json:"lessons_completed"`
	Attempts []struct {
		Quiz    string              `json:"quiz"`
		Passed  bool                `json:"passed"`
		Answers map[string][]string `json:"answers"`
	} `json:"quiz_attempts"`
	Certificates []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"certificates"`
	Audit []struct {
		Action string `json:"action"`
		ByYou  bool   `json:"by_you"`
	} `json:"audit_log"`
}

// "Download my data" gives the member, as a file to save and through the API, everything the site
// keeps about them: profile, roles, enrolments, lessons, every quiz attempt with its answers,
// certificates, API sign-ins, two-step verification on or off, the audit entries about them. It
// holds no secret (password hash, token, key, recovery code) and nothing of another member.
func TestDownloadMyData(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ts := webtest.New(t, webtest.On(engine))
		ts.ImportCourses(t, webtest.RadioBasics)
		ctx := context.Background()
		u, err := ts.Auth.Register(ctx, auth.Registration{Email: "wanjiru@example.org", Password: webtest.Password,
			Profile: auth.Profile{Name: "Wanjiru Kamau", Country: "KE", Organization: "Communications Authority", OrganizationType: "regulator", Language: "en"}})
		if err != nil {
			t.Fatal(err)
		}
		secret, recovery := ts.EnrolMFA(t, u)
		cert := completeRadioBasics(t, ts, u)
		other := ts.CreateUser(t, "olga@example.org", "Olga Petrova")
		otherCert := completeRadioBasics(t, ts, other)
		tokens := ts.SignInAPI(t, u.Email, webtest.Password)
		b := ts.SignInBrowser(t, u.Email, webtest.Password)

		resp, page := b.Get("/en/me")
		webtest.WantPage(t, "account page", resp, page, http.StatusOK, []string{`href="/en/me/data"`,
			webtest.PageText(t, "en", "privacy.data.download"), `href="/en/privacy"`})

		resp, file := b.Get("/en/me/data")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), ".json") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("download: %d, Content-Disposition %q, Cache-Control %q", resp.StatusCode,
				resp.Header.Get("Content-Disposition"), resp.Header.Get("Cache-Control"))
		}
		resp, api := webtest.CallAPI(t, ts.App, http.MethodGet, "/api/v1/me/export", tokens.AccessToken, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/v1/me/export: %d %s", resp.StatusCode, api)
		}
		for name, body := range map[string]string{"file": file, "API": api} {
			var d memberData
			if err := json.Unmarshal([]byte(body), &d); err != nil {
				t.Fatalf("%s: not JSON: %v", name, err)
			}
			if d.Account.ID != u.ID || d.Account.Email != u.Email || d.Account.Name != "Wanjiru Kamau" || d.Account.Country != "KE" ||
				d.Account.Organization != "Communications Authority" {
				t.Errorf("%s: account %+v", name, d.Account)
			}
			if !d.TwoStep.Enabled || d.TwoStep.RecoveryCodesLeft != len(recovery) {
				t.Errorf("%s: two-step verification %+v, want on with %d codes left", name, d.TwoStep, len(recovery))
			}
			if len(d.Enrolments) != 1 || d.Enrolments[0].Course != "radio-basics" || len(d.Lessons) != 4 {
				t.Errorf("%s: enrolments %+v, %d lessons, want radio-basics and 4", name, d.Enrolments, len(d.Lessons))
			}
			if len(d.Attempts) != 3 || d.Attempts[0].Passed || d.Attempts[0].Answers["q1"][0] != "a" {
				t.Errorf("%s: quiz attempts %+v, want 3, the first failed with answer a", name, d.Attempts)
			}
			if len(d.Certificates) != 1 || d.Certificates[0].ID != cert || d.Certificates[0].Name != "Wanjiru Kamau" {
				t.Errorf("%s: certificates %+v, want %s", name, d.Certificates, cert)
			}
			if len(d.APITokens) == 0 {
				t.Errorf("%s: no API sign-in listed", name)
			}
			registered := false
			for _, e := range d.Audit {
				registered = registered || (e.Action == "auth.registered" && e.ByYou)
			}
			if !registered {
				t.Errorf("%s: the audit entries lack the registration: %+v", name, d.Audit)
			}
			for what, secretText := range map[string]string{"the TOTP key": secret, "a recovery code": recovery[0],
				"a password hash": "$argon2id", "the refresh token": tokens.RefreshToken, "the session": b.Session(),
				"the other member's address": other.Email, "the other member's name": other.Name, "the other member's id": other.ID,
				"the other member's certificate": otherCert} {
				if strings.Contains(body, secretText) {
					t.Errorf("%s: the export holds %s", name, what)
				}
			}
		}
	})
}

// "Delete my account" asks for the password and a confirmation, then deletes everything in one
// go: every row about the member on either engine, every session and token (an old cookie, access
// token and refresh token stop working), and the certificate, which no longer verifies. A wrong
// password or no confirmation is a 422 that deletes nothing. The address is free again, and
// another member is untouched.
func TestDeleteMyAccount(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ts := webtest.New(t, webtest.On(engine))
		ts.ImportCourses(t, webtest.RadioBasics)
		const email = "kofi@example.org"
		u := ts.CreateUser(t, email, "Kofi Mensah")
		cert := completeRadioBasics(t, ts, u)
		other := ts.CreateUser(t, "lucia@example.org", "Lucía Gómez")
		otherCert := completeRadioBasics(t, ts, other)
		tokens := ts.SignInAPI(t, email, webtest.Password)
		elsewhere := ts.SignInBrowser(t, email, webtest.Password) // another browser of the member's
		if resp, body := webtest.CallAPI(t, ts.App, http.MethodPost, "/api/v1/auth/token", "",
			map[string]string{"email": email, "password": "not the password"}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a wrong sign-in: %d %s", resp.StatusCode, body) // an audit entry naming the address
		}
		// A password-reset link: a row of its own and an e-mail to the address.
		if resp, body := ts.Browser(t).Submit("/en/password/forgot", "/en/password/forgot", url.Values{"email": {email}}); resp.StatusCode >= 400 {
			t.Fatalf("password reset request: %d %.300s", resp.StatusCode, body)
		}
		b := ts.SignInBrowser(t, email, webtest.Password)

		resp, page := b.Get("/en/me")
		webtest.WantPage(t, "account page", resp, page, http.StatusOK, []string{`action="/en/me/delete"`,
			webtest.PageText(t, "en", "privacy.delete.what.certificates"), webtest.PageText(t, "en", "privacy.delete.what.posts"),
			`name="confirm"`})

		refusals := []struct {
			name  string
			form  url.Values
			field string
		}{
			{"wrong password", url.Values{"current_password": {"not the password"}, "confirm": {"yes"}}, "auth.password.wrong_current"},
			{"no confirmation", url.Values{"current_password": {webtest.Password}}, "privacy.delete.confirm_required"},
		}
		for _, r := range refusals {
			resp, body := b.Submit("/en/me", "/en/me/delete", r.form)
			webtest.WantPage(t, r.name, resp, body, http.StatusUnprocessableEntity, []string{webtest.PageText(t, "en", r.field), `aria-invalid="true"`})
			webtest.WantSignedIn(t, b, email, r.name)
			if resp, _ := ts.Get(t, "/api/v1/certificates/"+cert); resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: the certificate answers %d, want 200: nothing deleted", r.name, resp.StatusCode)
			}
		}
		if rows := testenv.UserRows(t, ts.DB, u.ID, email); rows["users"] != 1 || rows["certificates"] != 1 || rows["quiz_attempts"] != 3 ||
			rows["outbox"] != 1 || rows["password_resets"] != 1 || rows["audit_log naming the address"] == 0 {
			t.Fatalf("after the refusals: %v, want the account and its records", rows)
		}

		resp, body := b.Submit("/en/me", "/en/me/delete", url.Values{"current_password": {webtest.Password}, "confirm": {"yes"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/?done=account_deleted" {
			t.Fatalf("delete: %d to %q\n%.2000s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, body = b.Get(resp.Header.Get("Location"))
		webtest.WantPage(t, "home after deletion", resp, body, http.StatusOK, []string{webtest.PageText(t, "en", "privacy.delete.done")})
		webtest.WantSignedOut(t, b, "the browser that deleted the account")
		webtest.WantSignedOut(t, elsewhere, "another browser of the deleted account")
		webtest.WantTokensRevoked(t, ts.App, tokens, "the deleted account's API sign-in")
		if resp, _ := ts.Get(t, "/api/v1/certificates/"+cert); resp.StatusCode != http.StatusNotFound {
			t.Errorf("the deleted member's certificate answers %d, want 404 (withdrawn)", resp.StatusCode)
		}
		if rows := testenv.UserRows(t, ts.DB, u.ID, email); len(rows) != 0 {
			t.Errorf("rows left about the deleted member: %v", rows)
		}

		// The other member keeps everything; the address registers again, as a new account.
		if resp, _ := ts.Get(t, "/api/v1/certificates/"+otherCert); resp.StatusCode != http.StatusOK {
			t.Errorf("another member's certificate answers %d, want 200", resp.StatusCode)
		}
		if rows := testenv.UserRows(t, ts.DB, other.ID, other.Email); rows["users"] != 1 || rows["certificates"] != 1 {
			t.Errorf("another member's rows: %v", rows)
		}
		resp, body = webtest.CallAPI(t, ts.App, http.MethodPost, "/api/v1/auth/register", "", map[string]string{
			"email": email, "password": webtest.NewPassword, "name": "Kofi Mensah", "country": "GH"})
		if resp.StatusCode != http.StatusCreated || strings.Contains(body, u.ID) {
			t.Errorf("registering the address again: %d %s, want 201 and a new id", resp.StatusCode, body)
		}
	})
}

// DELETE /api/v1/me takes the password, and a code when two-step verification is on; a wrong or
// missing one is a 422 naming the field, and the account stays. The only administrator cannot
// delete their account (409) until there is another.
func TestDeleteMyAccountThroughTheAPI(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ts := webtest.New(t, webtest.On(engine))
		admin := ts.CreateUser(t, "root@example.org", "Ana Admin", auth.RoleAdmin) // with two-step verification on
		tokens := ts.SignInAPI(t, admin.Email, webtest.Password)

		resp, body := webtest.CallAPI(t, ts.App, http.MethodDelete, "/api/v1/me", tokens.AccessToken,
			map[string]string{"current_password": webtest.Password, "otp": ts.OTP(t, admin.Email)})
		if p := webtest.WantProblem(t, resp, body, http.StatusConflict); p.Detail != webtest.Text(t, "en", "privacy.error.last_admin") {
			t.Errorf("the last admin: %q", p.Detail)
		}
		ts.CreateUser(t, "second@example.org", "Second Admin", auth.RoleAdmin)
		for _, tt := range []struct {
			name  string
			in    map[string]string
			field string
		}{
			{"wrong password", map[string]string{"current_password": "not the password", "otp": ts.OTP(t, admin.Email)}, "current_password"},
			{"no code", map[string]string{"current_password": webtest.Password}, "otp"},
			{"wrong code", map[string]string{"current_password": webtest.Password, "otp": "000000"}, "otp"},
		} {
			resp, body := webtest.CallAPI(t, ts.App, http.MethodDelete, "/api/v1/me", tokens.AccessToken, tt.in)
			webtest.WantProblem(t, resp, body, http.StatusUnprocessableEntity, tt.field)
			if resp, body := webtest.CallAPI(t, ts.App, http.MethodGet, "/api/v1/me", tokens.AccessToken, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: the account is gone: %d %s", tt.name, resp.StatusCode, body)
			}
		}
		resp, body = webtest.CallAPI(t, ts.App, http.MethodDelete, "/api/v1/me", tokens.AccessToken,
			map[string]string{"current_password": webtest.Password, "otp": ts.OTP(t, admin.Email)})
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d %s", resp.StatusCode, body)
		}
		webtest.WantTokensRevoked(t, ts.App, tokens, "the deleted admin")
		if rows := testenv.UserRows(t, ts.DB, admin.ID, admin.Email); len(rows) != 0 {
			t.Errorf("rows left about the deleted admin: %v", rows)
		}
	})
}
