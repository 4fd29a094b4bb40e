package kv_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
)

// hungRedis is a Redis store reached through a proxy that the test can freeze.
func hungRedis(t *testing.T) (*kv.Redis, *testenv.Proxy) {
	t.Helper()
	testenv.Redis(t) // skips, or fails in CI, without REDIS_URL
	proxy, proxied := testenv.ProxyTo(t, os.Getenv("REDIS_URL"))
	r, err := kv.NewRedis(proxied, "chtest:breaker:"+t.Name()+":")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, proxy
}

// While Redis hangs (stopped: connections open, nothing answered), one call waits for its
// timeout and the rest fail at once; once Redis answers again, calls go through within moments,
// without anyone calling it first.
func TestRedisBreakerFailsFastWhileHung(t *testing.T) {
	t.Parallel()
	r, proxy := hungRedis(t)
	ctx := context.Background()
	if err := r.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	proxy.Freeze()
	start := time.Now()
	if _, err := r.Get(ctx, "k"); !errors.Is(err, kv.ErrUnavailable) {
		t.Fatalf("first call to a hung Redis: %v, want ErrUnavailable", err)
	}
	t.Logf("the first call learned Redis hangs in %v", time.Since(start).Round(time.Millisecond))
	var slowest time.Duration
	for range 200 {
		start := time.Now()
		if _, err := r.Get(ctx, "k"); !errors.Is(err, kv.ErrUnavailable) {
			t.Fatalf("a call while Redis hangs: %v, want ErrUnavailable", err)
		}
		slowest = max(slowest, time.Since(start))
	}
	if slowest > 20*time.Millisecond {
		t.Errorf("while the breaker is open, the slowest of 200 calls took %v, want at once", slowest)
	}
	proxy.Thaw()
	deadline := time.Now().Add(3 * time.Second)
	for {
		v, err := r.Get(ctx, "k")
		if err == nil {
			if string(v) != "v" {
				t.Errorf("after Redis came back: %q, want v", v)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("3 s after Redis answered again, calls still fail: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A caller that gives up (its context cancelled) says nothing about Redis: the next call goes
// through.
func TestRedisBreakerIgnoresCallersOwnDeadline(t *testing.T) {
	t.Parallel()
	r, _ := hungRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Get(ctx, "k"); err == nil {
		t.Fatal("a call with a cancelled context succeeded")
	}
	if _, err := r.Get(context.Background(), "k"); !errors.Is(err, kv.ErrNotFound) {
		t.Errorf("the next call: %v, want ErrNotFound (Redis is fine)", err)
	}
}
