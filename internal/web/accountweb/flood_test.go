package accountweb_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// A flood of sign-ins from as many addresses (each within every rate limit) meets a bounded
// password-hashing queue: past it, the server answers 503 with Retry-After at once instead of
// making everyone wait their turn for seconds; and the owner, signing in from a device she used
// before, goes ahead of the flood.
func TestSignInFloodAnswersBusyAtOnce(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ts := webtest.New(t, webtest.On(engine), webtest.TrustProxy())
		ts.CreateUser(t, "amina@example.org", "Amina Diallo")
		signIn := func() *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token",
				strings.NewReader(fmt.Sprintf(`{"email":"amina@example.org","password":%q}`, webtest.Password)))
			req.Header.Set("Content-Type", "application/json")
			return req
		}
		laptop := ts.Browser(t) // she signed in here before
		if resp, body := laptop.Send(signIn()); resp.StatusCode != http.StatusOK {
			t.Fatalf("first sign-in: %d %s", resp.StatusCode, body)
		}

		const flood = 300
		type answer struct {
			status     int
			retryAfter string
			took       time.Duration
		}
		answers := make([]answer, flood)
		var wg sync.WaitGroup
		send := func(i int, email, password string) {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token",
				strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.%d.%d", i/250, i%250+1))
			start := time.Now()
			resp, err := ts.App.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			answers[i] = answer{resp.StatusCode, resp.Header.Get("Retry-After"), time.Since(start)}
		}
		for i := range flood {
			wg.Add(1)
			go send(i, fmt.Sprintf("nobody.%d@example.org", i), "a guess at a password")
		}
		time.Sleep(5 * time.Millisecond)
		start := time.Now()
		resp, body := laptop.Send(signIn()) // Amina, in the middle of it
		owner := time.Since(start)
		wg.Wait()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("Amina on her laptop during the flood: %d, want 200: %s", resp.StatusCode, body)
		}
		// NB: bounds with room for a CI machine running other tests at once; without the queue's
		// bounds and lanes, she waits behind the whole flood (10 s here) or is refused.
		if owner > 8*time.Second {
			t.Errorf("Amina on her laptop waited %v during the flood, want about a hash's time", owner)
		}

		var busy, slowest int
		for i, a := range answers {
			switch {
			case a.status == http.StatusServiceUnavailable:
				busy++
				if a.retryAfter == "" {
					t.Errorf("answer %d: 503 without Retry-After", i)
				}
			case a.status != http.StatusUnauthorized:
				t.Errorf("answer %d: %d, want 401 or 503", i, a.status)
			}
			if a.took > answers[slowest].took {
				slowest = i
			}
		}
		t.Logf("%d of %d answered 503; slowest answer %v; Amina on her laptop signed in in %v",
			busy, flood, answers[slowest].took.Round(time.Millisecond), owner.Round(time.Millisecond))
		if busy == 0 {
			t.Error("no answer was 503: every sign-in of the flood queued for its hash")
		}
		// A request waits at most a second for a hash, then one hash; 5 s leaves room for -race
		// and a loaded machine (without the bound, the slowest waits 10 s and more).
		if d := answers[slowest].took; d > 5*time.Second {
			t.Errorf("the slowest answer took %v, want at most about a second", d)
		}
		// And once the flood has passed, she signs in.
		ts.SignInAPI(t, "amina@example.org", webtest.Password)
	})
}
