package site

import (
	"context"
	"testing"
	"time"

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
