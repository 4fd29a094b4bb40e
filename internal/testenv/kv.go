package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"capacityhub/internal/kv"
)

// Stores runs fn as a subtest once per key-value backend: in-process always, and Redis when
// REDIS_URL is set. Each Redis subtest writes under a key prefix of its own and deletes it
// afterwards. Under CI a missing REDIS_URL fails instead of leaving Redis untested.
func Stores(t *testing.T, fn func(t *testing.T, s kv.Store)) {
	t.Helper()
	t.Run("memory", func(t *testing.T) {
		m := kv.NewMemory()
		t.Cleanup(func() { m.Close() })
		fn(t, m)
	})
	t.Run("redis", func(t *testing.T) { fn(t, Redis(t)) })
}

// Redis returns a store on the Redis at REDIS_URL under a fresh prefix, or skips the test when
// REDIS_URL is unset (fails, under CI).
func Redis(t testing.TB) *kv.Redis {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("REDIS_URL is not set: Redis must be tested in CI")
		}
		t.Skip("REDIS_URL is not set: Redis tests skipped")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	r, err := kv.NewRedis(url, "chtest:"+hex.EncodeToString(b)+":")
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	if err := r.Ping(context.Background()); err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	t.Cleanup(func() {
		if err := r.DeletePrefix(context.Background()); err != nil {
			t.Errorf("clean up Redis keys: %v", err)
		}
		r.Close()
	})
	return r
}
