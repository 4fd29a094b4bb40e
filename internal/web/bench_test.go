package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
	"capacityhub/internal/web/webtest"
)

// BenchmarkHomePageRequest is a whole anonymous request for the home page through the middleware
// stack (rate limit included), with each store.
func BenchmarkHomePageRequest(b *testing.B) {
	run := func(b *testing.B, store kv.Store) {
		// NB: app.Test's peer is 0.0.0.0; trusting it lets each request come from its own
		// address, so that the anonymous per-IP limit never denies and every request is checked.
		app := webtest.New(b, webtest.WithStore(store), webtest.TrustProxy()).App
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			req := httptest.NewRequest(http.MethodGet, "/fr/", nil)
			req.Header.Set("X-Forwarded-For", netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String())
			resp, err := app.Test(req, -1)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.StatusCode)
			}
			resp.Body.Close()
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, kv.NewMemory()) })
	b.Run("redis", func(b *testing.B) { run(b, testenv.Redis(b)) })
}
