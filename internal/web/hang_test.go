package web_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// A hung Redis (stopped: connections open, nothing answered) costs the first request its
// timeout, and then no more: signed-in pages and bearer requests answer at once (a page open to
// visitors as to a visitor, the rest 503) until Redis answers again, when the same session and
// token work.
func TestHungRedisFailsFast(t *testing.T) {
	t.Parallel()
	testenv.Redis(t) // skips, or fails in CI, without REDIS_URL
	proxy, proxied := testenv.ProxyTo(t, os.Getenv("REDIS_URL"))
	store, err := kv.NewRedis(proxied, "chtest:hung:"+time.Now().Format("150405.000000")+":")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.DeletePrefix(context.Background()); store.Close() })
	ts := webtest.New(t, webtest.WithStore(store))
	ts.ImportCourses(t, webtest.RadioBasics)
	ts.CreateUser(t, "amina@example.org", "Amina Diallo")
	browser := ts.SignInBrowser(t, "amina@example.org", webtest.Password)
	tokens := ts.SignInAPI(t, "amina@example.org", webtest.Password)

	proxy.Freeze()
	var took []time.Duration
	for i := range 30 {
		for _, tc := range []struct {
			what   string
			send   func() (*http.Response, string)
			status int
		}{
			{"catalogue, signed in", func() (*http.Response, string) { return browser.Get("/en/courses") }, http.StatusOK},
			{"account page", func() (*http.Response, string) { return browser.Get("/en/me") }, http.StatusServiceUnavailable},
			{"API with a token", func() (*http.Response, string) {
				return webtest.CallAPI(t, ts.App, http.MethodGet, "/api/v1/me", tokens.AccessToken, nil)
			}, http.StatusServiceUnavailable},
		} {
			start := time.Now()
			resp, body := tc.send()
			took = append(took, time.Since(start))
			if resp.StatusCode != tc.status {
				t.Fatalf("%s, request %d, Redis hung: %d, want %d: %.200s", tc.what, i+1, resp.StatusCode, tc.status, body)
			}
		}
	}
	first, rest := took[0], slices.Clone(took[1:])
	slices.Sort(rest)
	t.Logf("Redis hung: the first request took %v; the %d after it: median %v, p99 %v, slowest %v",
		first.Round(time.Millisecond), len(rest), rest[len(rest)/2].Round(time.Microsecond),
		rest[len(rest)*99/100].Round(time.Microsecond), rest[len(rest)-1].Round(time.Microsecond))
	if first > 2*time.Second {
		t.Errorf("the first request with Redis hung took %v, want its timeouts' worth (about half a second)", first)
	}
	// NB: medians and the 90th percentile, not the slowest: on a loaded CI machine one request in
	// a hundred may wait for a core; without the breaker the median is a timeout (about 270 ms).
	if median, p90 := rest[len(rest)/2], rest[len(rest)*9/10]; median > 20*time.Millisecond || p90 > 100*time.Millisecond {
		t.Errorf("after the first, requests with Redis hung took %v (median) and %v (90th percentile), want the breaker's fail-fast",
			median, p90)
	}

	proxy.Thaw()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, _ := browser.Get("/en/me")
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("5 s after Redis came back, the account page answers %d", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp, body := webtest.CallAPI(t, ts.App, http.MethodGet, "/api/v1/me", tokens.AccessToken, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the token after Redis came back: %d %s", resp.StatusCode, body)
	}
}
