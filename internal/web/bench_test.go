package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"capacityhub/internal/config"
	"capacityhub/internal/db"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
)

// BenchmarkRateLimit measures what the rate limiter adds to a request: one GCRA check, against the
// in-process store and against Redis (when REDIS_URL is set).
func BenchmarkRateLimit(b *testing.B) {
	limit := kv.Limit{Rate: 1_000_000, Period: time.Second, Burst: 1 << 30} // never denies: measures the check
	run := func(b *testing.B, store kv.Store) {
		l := newLimiter(store)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.allow(ctx, "bench:127.0.0.1", limit, false); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("memory", func(b *testing.B) { m := kv.NewMemory(); defer m.Close(); run(b, m) })
	b.Run("redis", func(b *testing.B) { run(b, testenv.Redis(b)) })
}

// BenchmarkHomePageRequest is a whole anonymous request for the home page through the middleware
// stack (rate limit included), with each store.
func BenchmarkHomePageRequest(b *testing.B) {
	run := func(b *testing.B, store kv.Store) {
		// NB: app.Test's peer is 0.0.0.0; trusting it lets each request come from its own
		// address, so that the anonymous per-IP limit never denies and every request is checked.
		app, _ := testAppWith(b, testenv.Open(b, db.SQLite), store, func(c *config.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")}
		})
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
