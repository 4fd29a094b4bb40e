package accountweb_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/accountweb"
	"capacityhub/internal/web/webtest"
)

// attack sprays wrong passwords at one account through the token API, from a thousand addresses
// in turn, until stop is closed. It counts the answers that refused an attempt with 429.
type attack struct {
	stop    chan struct{}
	done    sync.WaitGroup
	tried   atomic.Int64
	refused atomic.Int64
}

func startAttack(t *testing.T, ts *webtest.Server, email string, workers int) *attack {
	a := &attack{stop: make(chan struct{})}
	body := fmt.Sprintf(`{"email":%q,"password":"not her password"}`, email)
	for w := range workers {
		a.done.Add(1)
		go func() {
			defer a.done.Done()
			for i := w; ; i += workers {
				select {
				case <-a.stop:
					return
				default:
				}
				req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.%d.%d", i/250%4, i%250+1))
				resp, err := ts.App.Test(req, -1)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				a.tried.Add(1)
				switch resp.StatusCode {
				case http.StatusTooManyRequests:
					a.refused.Add(1)
				case http.StatusUnauthorized, http.StatusServiceUnavailable: // wrong, or no time to check
				default:
					t.Errorf("attack attempt: status %d, want 401, 429 or 503", resp.StatusCode)
				}
			}
		}()
	}
	t.Cleanup(a.end)
	return a
}

func (a *attack) end() {
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
	a.done.Wait()
}

// A stranger guessing an account's password, from one address or from a thousand, never keeps
// its owner out of a browser or client she signed in with before: her attempts there answer to
// that device's own budget. What a spread-out attack does cost her is signing in from a device
// new to the account until the attack stops (the account's ceiling); an attack from one address
// costs her nothing anywhere.
func TestOwnerSignsInDuringAttack(t *testing.T) {
	t.Parallel()
	testenv.Engines(t, func(t *testing.T, engine db.Dialect) {
		t.Parallel()
		ts := webtest.New(t, webtest.On(engine), webtest.TrustProxy())
		const email = "amina@example.org"
		ts.CreateUser(t, email, "Amina Diallo")
		signIn := url.Values{"email": {email}, "password": {webtest.Password}}

		// Last week, she signed in on her laptop, then signed out.
		laptop := ts.Browser(t)
		laptop.Header.Set("X-Forwarded-For", "198.51.100.7")
		if resp, body := laptop.Submit("/en/login", "/en/login", signIn); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first sign-in: %d %.300s", resp.StatusCode, body)
		}
		delete(laptop.Cookies, "session")

		// One address guesses: she signs in from another address, on a device new to her account.
		single := ts.Browser(t)
		single.Header.Set("X-Forwarded-For", "192.0.2.66")
		for range 3 * accountweb.PasswordGuessLimit.Burst {
			single.Submit("/en/login", "/en/login", url.Values{"email": {email}, "password": {"guess"}})
		}
		if resp, _ := single.Submit("/en/login", "/en/login", signIn); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("the guessing address itself: %d, want 429", resp.StatusCode)
		}
		phone := ts.Browser(t)
		phone.Header.Set("X-Forwarded-For", "198.51.100.99")
		if resp, body := phone.Submit("/en/login", "/en/login", signIn); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("new device while one address guesses: %d, want 303 (signed in): %.300s", resp.StatusCode, body)
		}

		// A thousand addresses guess, until the account's ceiling is spent and beyond.
		a := startAttack(t, ts, email, 4)
		deadline := time.Now().Add(60 * time.Second)
		for a.refused.Load() < 20 {
			if time.Now().After(deadline) {
				t.Fatalf("after %d guesses the attack was refused %d times; want the account's ceiling spent", a.tried.Load(), a.refused.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
		for i := range 3 {
			start := time.Now()
			resp, body := laptop.Submit("/en/login", "/en/login", signIn)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/en/me" {
				t.Fatalf("her laptop, sign-in %d during the attack: %d to %q, want 303 to /en/me: %.300s",
					i+1, resp.StatusCode, resp.Header.Get("Location"), body)
			}
			t.Logf("her laptop signed in during the attack in %v", time.Since(start).Round(time.Millisecond))
			delete(laptop.Cookies, "session")
		}
		// Her script on the laptop, sending the laptop's device cookie, gets tokens too.
		req := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token",
			strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, webtest.Password)))
		req.Header.Set("Content-Type", "application/json")
		if resp, body := laptop.Send(req); resp.StatusCode != http.StatusOK {
			t.Errorf("token API from her laptop during the attack: %d, want 200: %s", resp.StatusCode, body)
		}
		// A device new to the account waits for the attack to end, and is told how long.
		tablet := ts.Browser(t)
		tablet.Header.Set("X-Forwarded-For", "198.51.100.150")
		resp, _ := tablet.Submit("/en/login", "/en/login", signIn)
		if wait, err := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != http.StatusTooManyRequests || err != nil || wait < 1 {
			t.Errorf("new device during a spread attack: %d with Retry-After %q, want 429 saying when",
				resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		a.end()
		t.Logf("the attack made %d guesses, %d refused with 429", a.tried.Load(), a.refused.Load())

		// A device cookie is worth one client's guesses, no more: stolen, it cannot be used to
		// guess on without limit (and then the laptop waits too).
		guesses := 0
		for ; guesses <= accountweb.PasswordGuessLimit.Burst; guesses++ {
			resp, _ := laptop.Submit("/en/login", "/en/login", url.Values{"email": {email}, "password": {"guess"}})
			if resp.StatusCode == http.StatusTooManyRequests {
				break
			}
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong guess with her laptop's cookie: %d, want 401 or 429", resp.StatusCode)
			}
		}
		if guesses > accountweb.PasswordGuessLimit.Burst {
			t.Errorf("her laptop's cookie bought more than %d wrong guesses", accountweb.PasswordGuessLimit.Burst)
		}
		// Her laptop's cookie does nothing for another account: were it taken for his, the spent
		// budget of her laptop would refuse his first guess.
		ts.CreateUser(t, "omar@example.org", "Omar Haddad")
		if _, ok := laptop.Cookies["device"]; !ok {
			t.Fatal("no device cookie on her laptop")
		}
		resp, _ = laptop.Submit("/en/login", "/en/login", url.Values{"email": {"omar@example.org"}, "password": {"guess"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("another account's guess from her laptop: %d, want 401 (its own budgets, not her device's)", resp.StatusCode)
		}
	})
}
