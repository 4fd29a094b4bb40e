package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
	"capacityhub/internal/web/webtest"
)

// routeWho is who may use a route.
type routeWho struct {
	signedIn bool      // anonymous visitors are sent to sign in (pages) or answered 401 (API)
	role     auth.Role // when set, only holders of this role (admins hold every role); others get 403
	owned    bool      // the :id is something of one user's own: everyone else's answer is 404
}

var (
	forAnyone   = routeWho{}
	forSignedIn = routeWho{signedIn: true}
	forAdmins   = routeWho{signedIn: true, role: auth.RoleAdmin}
	forManagers = routeWho{signedIn: true, role: auth.RoleCurriculumManager}
	forOwner    = routeWho{signedIn: true, owned: true}
)

func (a routeWho) String() string {
	switch {
	case !a.signedIn:
		return "anyone"
	case a.role == "":
		return "signed-in"
	default:
		return string(a.role) + " only"
	}
}

// roleRule is one route's entry in routeAccess: who may use it, and the body a well-meaning
// client of that identity sends (nil: none). Page forms get a valid CSRF token added.
type roleRule struct {
	who  routeWho
	body func(f *roleFixture, id *roleIdentity) url.Values
}

// routeAccess classifies every route of routes.go. A route missing here fails
// TestEveryRouteIsClassified: whoever adds a route says who may use it.
var routeAccess = map[string]roleRule{
	"GET /healthz":          {who: forAnyone},
	"GET /readyz":           {who: forAnyone},
	"GET /static/*":         {who: forAnyone},
	"GET /api/openapi.json": {who: forAnyone},
	"GET /robots.txt":       {who: forAnyone},
	"GET /sitemap.xml":      {who: forAnyone},

	"POST /api/v1/auth/register": {who: forAnyone, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"email": {"api-" + id.slug() + "@example.org"}, "password": {webtest.Password}, "name": {"New " + id.name}, "country": {"KE"}}
	}},
	"POST /api/v1/auth/token": {who: forAnyone, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"email": {id.email}, "password": {webtest.Password}, "otp": {f.ts.OTP(f.t, id.email)}}
	}},
	"POST /api/v1/auth/refresh": {who: forAnyone, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"refresh_token": {f.tokens(id.account).RefreshToken}}
	}},
	"POST /api/v1/auth/logout": {who: forSignedIn},
	"GET /api/v1/me":           {who: forSignedIn},
	"DELETE /api/v1/me": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"current_password": {""}} // a 422 (409 for the only admin): the account stays
	}},
	"GET /api/v1/me/export": {who: forSignedIn},
	"POST /api/v1/me/mfa":   {who: forSignedIn}, // staff, enrolled already: a 409
	"POST /api/v1/me/mfa/confirm": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"otp": {"000000"}} // a 409 or 422: no set-up to confirm, or a wrong code
	}},
	"DELETE /api/v1/me/mfa": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"current_password": {""}, "otp": {""}} // a 409 or 422: the set-up stays
	}},

	"GET /api/v1/courses":                                  {who: forAnyone},
	"GET /api/v1/courses/:slug":                            {who: forAnyone},
	"GET /api/v1/courses/:slug/lessons/:lesson":            {who: forAnyone},
	"POST /api/v1/courses/:slug/enrollment":                {who: forSignedIn},
	"PUT /api/v1/courses/:slug/lessons/:lesson/completion": {who: forSignedIn},
	"GET /api/v1/courses/:slug/progress":                   {who: forSignedIn},
	"GET /api/v1/courses/:slug/quizzes/:quiz":              {who: forAnyone},
	"POST /api/v1/courses/:slug/quizzes/:quiz/attempts":    {who: forSignedIn}, // no body: a 415, past the sign-in check
	"POST /api/v1/courses/:slug/publish":                   {who: forManagers},
	"POST /api/v1/courses/:slug/unpublish":                 {who: forManagers},
	"GET /api/v1/certificates/:id":                         {who: forAnyone},
	"GET /api/v1/curricula":                                {who: forAnyone},
	"POST /api/v1/curricula": {who: forManagers, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"slug": {"path-" + id.slug()}} // no title or courses: a 422, past the role check
	}},
	"GET /api/v1/curricula/:slug": {who: forAnyone},
	"PATCH /api/v1/curricula/:slug": {who: forManagers, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"slug": {roleCourse}}
	}},
	"DELETE /api/v1/curricula/:slug": {who: forManagers},

	"GET /":                                  {who: forAnyone},
	"GET /:lang":                             {who: forAnyone},
	"GET /:lang/courses":                     {who: forAnyone},
	"GET /:lang/courses/:slug/offline":       {who: forAnyone},
	"GET /:lang/courses/:slug":               {who: forAnyone},
	"POST /:lang/courses/:slug/enrollment":   {who: forSignedIn},
	"GET /:lang/courses/:slug/quizzes/:quiz": {who: forAnyone},
	"POST /:lang/courses/:slug/quizzes/:quiz": {who: forAnyone, body: func(*roleFixture, *roleIdentity) url.Values { // a visitor's are held in the browser
		return url.Values{"answers.q1": {"b"}, "answers.q2": {"a", "c"}}
	}},
	"GET /:lang/courses/:slug/quizzes/:quiz/attempts/:id": {who: forOwner}, // the fixture's :id is no one's attempt
	"GET /:lang/courses/:slug/:lesson":                    {who: forAnyone},
	"POST /:lang/courses/:slug/:lesson/done":              {who: forSignedIn},
	"GET /:lang/curricula":                                {who: forAnyone},
	"GET /:lang/curricula/:slug":                          {who: forAnyone},
	"GET /certificates/:id":                               {who: forAnyone},
	"GET /:lang/certificates":                             {who: forAnyone},
	"GET /:lang/certificates/:id/print":                   {who: forAnyone},
	"GET /:lang/questions":                                {who: forAnyone},
	"GET /:lang/forums":                                   {who: forAnyone},
	"GET /:lang/privacy":                                  {who: forAnyone},
	"GET /:lang/about":                                    {who: forAnyone},
	"GET /:lang/contact":                                  {who: forAnyone},

	"GET /:lang/register": {who: forAnyone},
	"POST /:lang/register": {who: forAnyone, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"email": {"form-" + id.slug() + "@example.org"}, "password": {webtest.Password}, "name": {"New " + id.name}, "country": {"KE"}, "language": {"en"}}
	}},
	"GET /:lang/login": {who: forAnyone},
	"POST /:lang/login": {who: forAnyone, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"email": {id.email}, "password": {webtest.Password}}
	}},
	"GET /:lang/login/code": {who: forAnyone},
	"POST /:lang/login/code": {who: forAnyone, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"otp": {"000000"}} // no sign-in pending: a 400
	}},
	"POST /:lang/logout":         {who: forAnyone},
	"GET /:lang/password/forgot": {who: forAnyone},
	"POST /:lang/password/forgot": {who: forAnyone, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"email": {id.email}}
	}},
	"GET /:lang/password/reset/:token": {who: forAnyone},
	"POST /:lang/password/reset/:token": {who: forAnyone, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"password": {webtest.NewPassword}} // the made-up token makes it a 400
	}},
	"GET /:lang/me": {who: forSignedIn},
	"POST /:lang/me": {who: forSignedIn, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"name": {id.name}, "language": {"en"}}
	}},
	"POST /:lang/me/password": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"current_password": {""}, "password": {webtest.NewPassword}} // a 422: the password stays
	}},
	"POST /:lang/me/mfa": {who: forSignedIn},
	"POST /:lang/me/mfa/confirm": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"otp": {"000000"}}
	}},
	"POST /:lang/me/mfa/recovery-codes": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"current_password": {""}, "otp": {""}}
	}},
	"POST /:lang/me/mfa/disable": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"current_password": {""}, "otp": {""}}
	}},
	"GET /:lang/me/data": {who: forSignedIn},
	"POST /:lang/me/delete": {who: forSignedIn, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"current_password": {""}, "confirm": {"yes"}} // a 422 (409 for the only admin): the account stays
	}},

	"GET /:lang/admin/users": {who: forAdmins},
	"POST /:lang/admin/users/:id/roles": {who: forAdmins, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"roles": {"expert"}}
	}},
	"POST /:lang/admin/users/:id/disabled": {who: forAdmins, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"disabled": {"false"}}
	}},
	"GET /:lang/admin/audit":   {who: forAdmins},
	"GET /:lang/admin/courses": {who: forManagers},
	"POST /:lang/admin/courses/:slug/published": {who: forManagers, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"published": {"true"}}
	}},
	"GET /:lang/admin/curricula":     {who: forManagers},
	"GET /:lang/admin/curricula/new": {who: forManagers},
	"POST /:lang/admin/curricula": {who: forManagers, body: func(f *roleFixture, id *roleIdentity) url.Values {
		return url.Values{"slug": {"form-path-" + id.slug()}, "title.en": {"Path of " + id.name}, "courses": {roleCourse}}
	}},
	"GET /:lang/admin/curricula/:slug/edit": {who: forManagers},
	"POST /:lang/admin/curricula/:slug": {who: forManagers, body: func(*roleFixture, *roleIdentity) url.Values {
		return url.Values{"title.en": {"Radio path"}, "courses": {roleCourse}}
	}},
	"POST /:lang/admin/curricula/:slug/delete": {who: forManagers},
}

// roleIdentity is who sends a request: anonymous (user nil) or a user holding one role.
type roleIdentity struct {
	name    string
	user    *auth.User // nil: anonymous
	email   string     // the account this identity signs in with (anonymous: a walk-in account)
	account *auth.User // the user behind email
	ip      string     // its own client address, so that per-IP limits do not mix identities
}

func (id *roleIdentity) slug() string { return strings.ReplaceAll(id.name, "_", "-") }

func (id *roleIdentity) String() string { return id.name }

// roleFixture is one server with a user for each role, a walk-in account for anonymous sign-ins
// and a target for the admin forms.
type roleFixture struct {
	t          *testing.T
	ts         *webtest.Server
	identities []*roleIdentity
	target     *auth.User
	asset      string // a real static file path, after /static/
	manager    *auth.User
	// certificate is the target's certificate of roleCourse, which the target has completed.
	certificate string
}

// roleCourse is the slug of the fixture's course and also of a curriculum holding it, so that
// every :slug route has something to show.
const roleCourse = "radio-basics"

// restoreScene undoes what an allowed request to an earlier route may have done that later
// routes need undone: the course unpublished, the curriculum deleted, the password checks spent.
func (f *roleFixture) restoreScene(t *testing.T) {
	ctx := context.Background()
	if err := f.ts.Courses.SetPublished(ctx, f.manager, roleCourse, true); err != nil {
		t.Fatal(err)
	}
	// NB: each identity checks its password on more routes than the per-user budget's burst
	// (accountweb.PasswordGuessLimit, tested with the limits): every route starts afresh.
	for _, id := range f.identities {
		if id.user != nil {
			if err := f.ts.KV.Delete(ctx, "rate:password-check:"+id.user.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := f.ts.Courses.SaveCurriculum(ctx, f.manager, course.CurriculumInput{Slug: roleCourse,
		Title: map[string]string{"en": "Radio path"}, Courses: []string{roleCourse}}, true)
	if err != nil && !errors.Is(err, course.ErrSlugTaken) {
		t.Fatal(err)
	}
}

func newRoleFixture(t *testing.T) *roleFixture {
	// NB: every identity gets its own client address through a trusted proxy, so that the
	// per-IP registration and sign-in limits (10 and 30 per server) do not turn the last
	// identities' requests into 429s.
	ts := webtest.New(t, webtest.TrustProxy())
	f := &roleFixture{t: t, ts: ts}
	walkIn := ts.CreateUser(t, "walk-in@example.org", "Walk In")
	f.identities = append(f.identities, &roleIdentity{name: "anonymous", email: walkIn.Email, account: walkIn})
	for _, r := range auth.Roles {
		var extra []auth.Role
		if r != auth.RoleLearner {
			extra = []auth.Role{r}
		}
		u := ts.CreateUser(t, strings.ReplaceAll(string(r), "_", "-")+"@example.org", "A "+string(r), extra...)
		f.identities = append(f.identities, &roleIdentity{name: string(r), user: u, email: u.Email, account: u})
	}
	for i, id := range f.identities {
		id.ip = fmt.Sprintf("198.51.100.%d", i+1)
		if id.user != nil {
			// NB: past the first day's stricter write limit (10 a minute): each identity writes
			// to every write route.
			ts.AgeAccount(t, id.user)
		}
		if id.user.Has(auth.RoleCurriculumManager) && f.manager == nil {
			f.manager = id.user
		}
	}
	f.target = ts.CreateUser(t, "target@example.org", "Target User")

	ts.ImportCourses(t, webtest.RadioBasics)
	f.restoreScene(t)
	ctx := context.Background()
	for _, l := range []string{"m1-l1", "m1-l2", "m2-l1", "m2-l2"} {
		if _, err := ts.Courses.CompleteLesson(ctx, f.target, roleCourse, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"m1", "m2"} {
		a, err := ts.Courses.SubmitAttempt(ctx, f.target, roleCourse, q, "en", map[string][]string{"q1": {"b"}, "q2": {"a", "c"}})
		if err != nil {
			t.Fatal(err)
		}
		f.certificate = a.Progress.CertificateID
	}
	if f.certificate == "" {
		t.Fatal("the target has no certificate")
	}

	_, home := ts.Get(t, "/en/", "X-Forwarded-For", "198.51.100.200")
	m := regexp.MustCompile(`href="/static/([^"]+\.css)"`).FindStringSubmatch(home)
	if m == nil {
		t.Fatal("no stylesheet link on the home page")
	}
	f.asset = m[1]
	return f
}

// tokens starts a new API sign-in for u, without the password round trip.
func (f *roleFixture) tokens(u *auth.User) auth.TokenPair {
	p, err := f.ts.Auth.IssueTokens(context.Background(), u)
	if err != nil {
		f.t.Errorf("issue tokens: %v", err) // NB: not Fatal: this runs inside subtests
	}
	return p
}

// routePath fills a route's parameters with plausible values.
func (f *roleFixture) routePath(route string) (string, error) {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		switch {
		case s == ":lang":
			segs[i] = "en"
		case s == ":id" && i > 0 && segs[i-1] == "certificates":
			segs[i] = f.certificate
		case s == ":id":
			segs[i] = f.target.ID
		case s == ":slug":
			segs[i] = roleCourse
		case s == ":lesson":
			segs[i] = "m1-l1"
		case s == ":quiz":
			segs[i] = "m1"
		case s == ":token":
			segs[i] = "a-reset-token-nobody-was-sent"
		case s == "*":
			segs[i] = f.asset
		case strings.HasPrefix(s, ":") || strings.Contains(s, "*"):
			return "", fmt.Errorf("no plausible value for %s: teach routePath", s)
		}
	}
	return strings.Join(segs, "/"), nil
}

// send makes the request of one identity to one route, as its client would: pages with a fresh
// session cookie and a CSRF token from a page, the API with a fresh bearer token.
func (f *roleFixture) send(t *testing.T, method, path string, rule roleRule, id *roleIdentity) (*http.Response, string) {
	t.Helper()
	var form url.Values
	if rule.body != nil {
		form = rule.body(f, id)
	}
	if strings.HasPrefix(path, "/api/") {
		var r io.Reader
		if form != nil {
			m := map[string]string{}
			for k := range form {
				m[k] = form.Get(k)
			}
			j, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			r = bytes.NewReader(j)
		}
		req := httptest.NewRequest(method, path, r)
		if r != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("X-Forwarded-For", id.ip)
		if id.user != nil {
			req.Header.Set("Authorization", "Bearer "+f.tokens(id.user).AccessToken)
		}
		return webtest.Do(t, f.ts.App, req)
	}
	b := f.ts.Browser(t)
	b.Header.Set("X-Forwarded-For", id.ip)
	if id.user != nil {
		token, err := f.ts.Auth.StartSession(context.Background(), id.user)
		if err != nil {
			t.Fatal(err)
		}
		b.Cookies["session"] = &http.Cookie{Name: "session", Value: token}
	}
	if method == http.MethodGet {
		return b.Get(path)
	}
	formPage := "/en/login"
	if id.user != nil {
		formPage = "/en/me"
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set(site.CSRFField, b.FormToken(formPage))
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Send(req)
}

// TestEveryRouteIsClassified walks the route table and, for every route and every identity
// (anonymous and each role), checks that only those routeAccess lets in get in: anonymous
// visitors of a signed-in page are sent to sign in, of a signed-in API route answered 401, a
// signed-in user without the role answered 403, and everyone allowed is served (no 401, 403, 404,
// 429 or 5xx).
func TestEveryRouteIsClassified(t *testing.T) {
	t.Parallel()
	f := newRoleFixture(t)
	seen := map[string]bool{}
	for _, r := range f.ts.App.GetRoutes(true) {
		if r.Method == http.MethodHead {
			continue // Fiber's automatic twin of each GET
		}
		key := r.Method + " " + r.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		rule, ok := routeAccess[key]
		if !ok {
			t.Errorf("%s is not in routeAccess: say who may use it (forAnyone, forSignedIn, forAdmins or a role)", key)
			continue
		}
		if guarded := whoByGuards(r); guarded.signedIn != rule.who.signedIn || guarded.role != rule.who.role {
			t.Errorf("%s: its guards in the route table let in %s, routeAccess says %s", key, guarded, rule.who)
		}
		path, err := f.routePath(r.Path)
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		t.Run(strings.ReplaceAll(key, "/", "∕"), func(t *testing.T) {
			for _, id := range f.identities {
				f.restoreScene(t)
				resp, body := f.send(t, r.Method, path, rule, id)
				checkAccess(t, key, rule.who, id, strings.HasPrefix(path, "/api/"), resp, body)
			}
		})
	}
	for key := range routeAccess {
		if !seen[key] {
			t.Errorf("routeAccess lists %s, which no route serves: remove it", key)
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d routes found: is the route table wired?", len(seen))
	}
}

// roleGuards are the role guards by their function's name, as the route table holds them.
var roleGuards = map[string]auth.Role{}

func init() {
	for _, r := range auth.Roles[1:] { // learner is everyone's
		roleGuards[guardName(site.RequireRole(r))] = r
	}
}

// whoByGuards reads who may use a route from the guards in front of its handler: site.SignedIn,
// or a role guard of site.RequireRole.
func whoByGuards(r fiber.Route) routeWho {
	var who routeWho
	for _, h := range r.Handlers[:len(r.Handlers)-1] {
		name := guardName(h)
		if name == guardName(site.SignedIn) {
			who.signedIn = true
		}
		if role, ok := roleGuards[name]; ok {
			who.signedIn, who.role = true, role
		}
	}
	return who
}

func checkAccess(t *testing.T, route string, who routeWho, id *roleIdentity, api bool, resp *http.Response, body string) {
	t.Helper()
	status, loc := resp.StatusCode, resp.Header.Get("Location")
	where := fmt.Sprintf("%s as %s (%s)", route, id, who)
	switch {
	case who.signedIn && id.user == nil && api:
		if status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", where, status)
		} else {
			webtest.DecodeProblem(t, resp, body)
		}
	case who.signedIn && id.user == nil:
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/en/login") {
			t.Errorf("%s: %d to %q, want 303 to /en/login", where, status, loc)
		}
	case who.role != "" && !id.user.Has(who.role):
		if status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", where, status)
		}
	case who.owned && status == http.StatusNotFound:
		// Not this identity's own: a 404, as the route promises (the owner's view is tested
		// with the feature).
	default:
		if slices.Contains([]int{401, 403, 404, 429}, status) || status >= 500 {
			t.Errorf("%s: %d, want it served: %.300s", where, status, body)
		}
		if status == http.StatusSeeOther && (loc == "/en/login" || strings.HasPrefix(loc, "/en/login?")) {
			t.Errorf("%s: sent to sign in (%s), want it served", where, loc)
		}
	}
}
