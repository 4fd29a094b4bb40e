package accountweb_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// The account API as a script meets it: registration, tokens, refresh, logout and /me. Everything
// goes through app.Test; the auth service is used only to set the scene (create users).

// userJSON is a user as the API shows it to themselves.
type userJSON struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	Roles        []string `json:"roles"`
	Country      string   `json:"country"`
	Organization string   `json:"organization"`
	Language     string   `json:"language"`
}

// registrationBody is a valid registration body; edit it per case.
func registrationBody(email string) map[string]any {
	return map[string]any{"email": email, "password": webtest.Password, "name": "Amina Diallo", "country": "SN"}
}

func TestRegisterAPI(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		t.Run("created", func(t *testing.T) {
			t.Parallel()
			srv := webtest.New(t, webtest.On(engine))
			body := registrationBody("  Amina.Diallo@Example.ORG ")
			body["country"], body["language"], body["organization"] = "sn", "fr", "ARTP Sénégal"
			resp, got := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/register", "", body)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", resp.StatusCode, got)
			}
			if loc := resp.Header.Get("Location"); loc != "/api/v1/me" {
				t.Errorf("Location %q, want /api/v1/me", loc)
			}
			var u userJSON
			if err := json.Unmarshal([]byte(got), &u); err != nil {
				t.Fatal(err)
			}
			if u.ID == "" || u.Email != "amina.diallo@example.org" || u.Name != "Amina Diallo" || u.Country != "SN" ||
				u.Language != "fr" || u.Organization != "ARTP Sénégal" || !slices.Equal(u.Roles, []string{"learner"}) {
				t.Errorf("user %+v, want the registered details with e-mail in lower case and roles [learner]", u)
			}
			if strings.Contains(got, webtest.Password) || strings.Contains(got, "argon2") {
				t.Errorf("the answer shows the password or its hash: %s", got)
			}
			// The account works at once, whatever the case of the address typed at sign-in.
			srv.SignInAPI(t, "AMINA.DIALLO@example.org", webtest.Password)
		})

		t.Run("e-mail address taken whatever its case", func(t *testing.T) {
			t.Parallel()
			srv := webtest.New(t, webtest.On(engine))
			if resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/register", "", registrationBody("amina@example.org")); resp.StatusCode != http.StatusCreated {
				t.Fatalf("first registration: %d %s", resp.StatusCode, body)
			}
			for _, email := range []string{"amina@example.org", "AMINA@Example.Org", " amina@EXAMPLE.org "} {
				resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/register", "", registrationBody(email))
				if resp.StatusCode != http.StatusConflict {
					t.Errorf("%q: status %d, want 409: %s", email, resp.StatusCode, body)
					continue
				}
				webtest.DecodeProblem(t, resp, body)
			}
		})

		t.Run("refused", func(t *testing.T) {
			t.Parallel()
			srv := webtest.New(t, webtest.On(engine))
			valid, _ := json.Marshal(registrationBody("valid@example.org"))
			invalid, _ := json.Marshal(map[string]any{"email": "not-an-address", "password": "short", "name": " ",
				"country": "XX", "organization_type": "pirates", "language": "tlh"})
			for _, tc := range []struct {
				name        string
				contentType string
				body        string
				status      int
				fields      []string // the fields named by a 422, sorted
			}{
				{"form body is not JSON", "application/x-www-form-urlencoded", "email=a%40example.org", 415, nil},
				{"text/plain is not JSON", "text/plain", string(valid), 415, nil},
				{"no content type", "", string(valid), 415, nil},
				{"malformed JSON", "application/json", `{"email": "a@example.org",`, 400, nil},
				{"two JSON objects", "application/json", `{}{}`, 400, nil},
				{"wrong JSON type", "application/json", `{"email": 42}`, 400, nil},
				{"every missing field named", "application/json", `{}`, 422, []string{"country", "email", "name", "password"}},
				{"every invalid field named", "application/json; charset=utf-8", string(invalid), 422,
					[]string{"country", "email", "language", "name", "organization_type", "password"}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/register", strings.NewReader(tc.body))
					if tc.contentType != "" {
						req.Header.Set("Content-Type", tc.contentType)
					}
					resp, body := webtest.Do(t, srv.App, req)
					if resp.StatusCode != tc.status {
						t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
					}
					webtest.DecodeProblem(t, resp, body)
					fields := webtest.ProblemFields(t, resp, body)
					if got := webtest.FieldNames(fields); !slices.Equal(got, tc.fields) {
						t.Errorf("fields named %v, want %v", got, tc.fields)
					}
					for f, msg := range fields {
						if !strings.Contains(msg, " ") { // a message id such as field.required leaked through
							t.Errorf("field %s: message %q is not a sentence", f, msg)
						}
					}
				})
			}
		})
	})
}

// Problems name each field in the language the request asked for.
func TestRegisterAPIAnswersInRequestLanguage(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	if webtest.Text(t, "fr", "field.required") == webtest.Text(t, "en", "field.required") {
		t.Fatal("field.required is not translated into French: the test could not tell the languages apart")
	}
	for _, tc := range []struct {
		name, query, accept, lang string
	}{
		{"?lang=fr", "?lang=fr", "", "fr"},
		{"?lang=fr beats Accept-Language", "?lang=fr", "ru", "fr"},
		{"Accept-Language", "", "fr-CA,fr;q=0.9", "fr"},
		{"no preference", "", "", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/register"+tc.query, strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			resp, body := webtest.Do(t, srv.App, req)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			if cl := resp.Header.Get("Content-Language"); cl != tc.lang {
				t.Errorf("Content-Language %q, want %s", cl, tc.lang)
			}
			want := webtest.Text(t, tc.lang, "field.required")
			for field, msg := range webtest.ProblemFields(t, resp, body) {
				if msg != want {
					t.Errorf("%s: message %q, want %q", field, msg, want)
				}
			}
		})
	}
}

// Passwords: any script, any length (never truncated), but not a common one.
func TestRegisterPasswords(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	long := "the quiet harbour lights of Mombasa guide every fishing boat home before the monsoon rains arrive"
	if len(long) <= 72 {
		t.Fatal("the long password must be longer than bcrypt's 72 bytes")
	}
	for i, tc := range []struct {
		name          string
		password      string
		refused       string   // the message key when refused
		wrongPrefixes []string // prefixes that must not sign in
	}{
		{name: "Arabic script", password: "كلمة سر طويلة"},
		{name: "Chinese script, 8 characters", password: "长城万里黄河之水"},
		{name: "long passphrase", password: long, wrongPrefixes: []string{long[:72], long[:64]}},
		{name: "common: password1", password: "password1", refused: "auth.password.common"},
		{name: "common: 12345678", password: "12345678", refused: "auth.password.common"},
		{name: "common: qwertyuiop", password: "qwertyuiop", refused: "auth.password.common"},
		{name: "7 characters", password: "Zq9!xT2", refused: "auth.password.too_short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			email := "user" + string(rune('a'+i)) + "@example.org"
			body := registrationBody(email)
			body["password"] = tc.password
			resp, got := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/register", "", body)
			if tc.refused != "" {
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", resp.StatusCode, got)
				}
				fields := webtest.ProblemFields(t, resp, got)
				want := webtest.Text(t, "en", tc.refused, map[string]any{"Min": 8})
				if len(fields) != 1 || fields["password"] != want {
					t.Errorf("problems %v, want only password: %q", fields, want)
				}
				return
			}
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", resp.StatusCode, got)
			}
			srv.SignInAPI(t, email, tc.password)
			for _, prefix := range tc.wrongPrefixes {
				resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": email, "password": prefix})
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("signing in with the first %d characters: %d %s, want 401 (the password was truncated)", len(prefix), resp.StatusCode, body)
				}
			}
		})
	}
}

func TestAccessTokens(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	u := srv.CreateUser(t, "amina@example.org", "Amina Diallo")

	resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/token", "", map[string]string{"email": "Amina@Example.org", "password": webtest.Password})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	var pair webtest.Tokens
	if err := json.Unmarshal([]byte(body), &pair); err != nil {
		t.Fatal(err)
	}
	if pair.TokenType != "Bearer" || pair.ExpiresIn <= 0 || pair.ExpiresIn > 15*60 || pair.RefreshToken == "" || strings.Count(pair.AccessToken, ".") != 2 {
		t.Errorf("token answer %s: want token_type Bearer, expires_in within 15 minutes, a JWT and a refresh token", body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}

	resp, body = webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/me", pair.AccessToken, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /me: %d %s", resp.StatusCode, body)
	}
	var me map[string]any
	_ = json.Unmarshal([]byte(body), &me)
	for k, want := range map[string]any{"id": u.ID, "email": "amina@example.org", "name": "Amina Diallo", "country": "KE",
		"language": "en", "reputation": float64(0), "roles": []any{"learner"}} {
		if got, _ := json.Marshal(me[k]); string(got) != string(must(json.Marshal(want))) {
			t.Errorf("me.%s = %s, want %v", k, got, want)
		}
	}

	// Forged tokens, built from the real one.
	parts := strings.Split(pair.AccessToken, ".")
	var claims jwt.MapClaims
	if err := json.Unmarshal(must(base64.RawURLEncoding.DecodeString(parts[1])), &claims); err != nil {
		t.Fatal(err)
	}
	// serverKey mirrors internal/auth's key derivation; the "re-signed" case proves it right, so
	// that each refusal below is for the reason its name gives, not for a wrong signature.
	serverKey := func() []byte {
		m := hmac.New(sha256.New, srv.Config.SecretKey)
		m.Write([]byte("capacityhub/jwt-hs256"))
		return m.Sum(nil)
	}()
	sign := func(method jwt.SigningMethod, key any, typ any, edit func(jwt.MapClaims)) string {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		if edit != nil {
			edit(c)
		}
		tok := jwt.NewWithClaims(method, c)
		if typ == nil {
			delete(tok.Header, "typ")
		} else {
			tok.Header["typ"] = typ
		}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	b64 := base64.RawURLEncoding.EncodeToString
	now := time.Now()
	for _, tc := range []struct {
		name   string
		header string // the whole Authorization header
		status int
	}{
		{"as issued", "Bearer " + pair.AccessToken, 200},
		{"re-signed by the test with the server's key", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", nil), 200},
		{"scheme in lower case", "bearer " + pair.AccessToken, 200},
		{"signature altered", "Bearer " + parts[0] + "." + parts[1] + "." + flipChar(parts[2]), 401},
		{"payload altered, signature kept", "Bearer " + parts[0] + "." + b64(must(json.Marshal(withClaim(claims, "sub", "someone-else")))) + "." + parts[2], 401},
		{"alg none, no signature", "Bearer " + b64([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + parts[1] + ".", 401},
		{"alg none, signature kept", "Bearer " + b64([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + parts[1] + "." + parts[2], 401},
		{"HS256 with another key", "Bearer " + sign(jwt.SigningMethodHS256, []byte(strings.Repeat("k", 32)), "at+jwt", nil), 401},
		{"HS384 with the server's key", "Bearer " + sign(jwt.SigningMethodHS384, serverKey, "at+jwt", nil), 401},
		{"typ JWT", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "JWT", nil), 401},
		{"no typ", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, nil, nil), 401},
		{"issuer of another site", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }), 401},
		{"audience of another site", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["aud"] = []string{"https://evil.example/api"} }), 401},
		{"no audience", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { delete(c, "aud") }), 401},
		{"expired", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-time.Hour).Unix(), now.Add(-10*time.Minute).Unix()
		}), 401},
		{"no expiry", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { delete(c, "exp") }), 401},
		{"not valid yet", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() }), 401},
		{"unknown user", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["sub"] = "no-such-user" }), 401},
		{"epoch of another sign-in generation", "Bearer " + sign(jwt.SigningMethodHS256, serverKey, "at+jwt", func(c jwt.MapClaims) { c["epoch"] = 7 }), 401},
		{"not a JWT", "Bearer not-a-token", 401},
		{"Basic credentials", "Basic " + b64([]byte("amina@example.org:"+webtest.Password)), 401},
		{"empty bearer", "Bearer ", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
			req.Header.Set("Authorization", tc.header)
			resp, body := webtest.Do(t, srv.App, req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status == http.StatusUnauthorized {
				webtest.DecodeProblem(t, resp, body)
				if strings.Contains(body, u.Email) {
					t.Error("a refused token still got the user's details")
				}
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func withClaim(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for key, val := range c {
		out[key] = val
	}
	out[k] = v
	return out
}

// flipChar changes a character in the middle of s (the last one may carry only padding bits).
func flipChar(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// A refresh token works once; using it again revokes its whole family, the newest token too, but
// not the tokens of another sign-in.
func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		srv := webtest.New(t, webtest.On(engine))
		srv.CreateUser(t, "amina@example.org", "Amina Diallo")
		refresh := func(token string) (*http.Response, string, webtest.Tokens) {
			resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/refresh", "", map[string]string{"refresh_token": token})
			var p webtest.Tokens
			_ = json.Unmarshal([]byte(body), &p)
			return resp, body, p
		}
		first := srv.SignInAPI(t, "amina@example.org", webtest.Password)
		otherDevice := srv.SignInAPI(t, "amina@example.org", webtest.Password)

		resp, body, second := refresh(first.RefreshToken)
		if resp.StatusCode != http.StatusOK || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
			t.Fatalf("refresh: %d %s; want a new pair", resp.StatusCode, body)
		}
		if resp, _ := webtest.CallAPI(t, srv.App, http.MethodGet, "/api/v1/me", second.AccessToken, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("the refreshed access token does not work: %d", resp.StatusCode)
		}
		resp, body, _ = refresh(first.RefreshToken)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("second use of a refresh token: %d %s, want 401", resp.StatusCode, body)
		}
		webtest.DecodeProblem(t, resp, body)
		if resp, body, _ := refresh(second.RefreshToken); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the newest refresh token of a reused family still works: %d %s", resp.StatusCode, body)
		}
		if resp, body, _ := refresh(otherDevice.RefreshToken); resp.StatusCode != http.StatusOK {
			t.Errorf("the reuse also revoked another sign-in's tokens: %d %s", resp.StatusCode, body)
		}

		for _, tc := range []struct {
			name   string
			body   any
			status int
		}{
			{"unknown token", map[string]string{"refresh_token": "not-a-token"}, 401},
			{"missing token", map[string]string{}, 422},
			{"not JSON", nil, 415},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/refresh", "", tc.body)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
				}
				webtest.DecodeProblem(t, resp, body)
			})
		}
	})
}

func TestLogoutRevokesTokens(t *testing.T) {
	t.Parallel()
	srv := webtest.New(t)
	srv.CreateUser(t, "amina@example.org", "Amina Diallo")
	p := srv.SignInAPI(t, "amina@example.org", webtest.Password)
	if resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/logout", "", map[string]string{"refresh_token": p.RefreshToken}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("logout without an access token: %d %s, want 401", resp.StatusCode, body)
	}
	resp, body := webtest.CallAPI(t, srv.App, http.MethodPost, "/api/v1/auth/logout", p.AccessToken, map[string]string{"refresh_token": p.RefreshToken})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d %s, want 204", resp.StatusCode, body)
	}
	webtest.WantTokensRevoked(t, srv.App, p, "after logout")
}
