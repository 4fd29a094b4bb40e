package kv_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"capacityhub/internal/fault"
	"capacityhub/internal/kv"
	"capacityhub/internal/testenv"
)

func TestStoreBasics(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, s kv.Store) {
		ctx := context.Background()
		if _, err := s.Get(ctx, "missing"); !errors.Is(err, kv.ErrNotFound) {
			t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
		}
		if err := s.Set(ctx, "session:a", []byte("alice"), time.Minute); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Get(ctx, "session:a"); err != nil || string(v) != "alice" {
			t.Fatalf("Get = %q, %v", v, err)
		}
		if ok, err := s.SetNX(ctx, "session:a", []byte("mallory"), time.Minute); err != nil || ok {
			t.Fatalf("SetNX over an existing key = %v, %v; want false", ok, err)
		}
		if ok, err := s.SetNX(ctx, "session:b", []byte("bob"), time.Minute); err != nil || !ok {
			t.Fatalf("SetNX on a new key = %v, %v; want true", ok, err)
		}
		if err := s.Delete(ctx, "session:a", "session:b"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "session:b"); !errors.Is(err, kv.ErrNotFound) {
			t.Fatalf("deleted key still there: %v", err)
		}
		for want := int64(1); want <= 3; want++ {
			if n, err := s.Incr(ctx, "gen:user1"); err != nil || n != want {
				t.Fatalf("Incr = %d, %v; want %d", n, err, want)
			}
		}
	})
}

func TestStoreExpiry(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, s kv.Store) {
		ctx := context.Background()
		if err := s.Set(ctx, "short", []byte("x"), 50*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		time.Sleep(120 * time.Millisecond)
		if _, err := s.Get(ctx, "short"); !errors.Is(err, kv.ErrNotFound) {
			t.Fatalf("expired key still readable: %v", err)
		}
	})
}

// Of many concurrent Take calls on one single-use token, exactly one gets it.
func TestTakeIsSingleUse(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, s kv.Store) {
		ctx := context.Background()
		if err := s.Set(ctx, "refresh:x", []byte("family1"), time.Minute); err != nil {
			t.Fatal(err)
		}
		var got atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if v, err := s.Take(ctx, "refresh:x"); err == nil && string(v) == "family1" {
					got.Add(1)
				} else if !errors.Is(err, kv.ErrNotFound) {
					t.Errorf("Take: %v", err)
				}
			}()
		}
		wg.Wait()
		if got.Load() != 1 {
			t.Fatalf("%d callers took the token, want exactly 1", got.Load())
		}
	})
}

// A limit of 5 a minute lets 5 of 30 concurrent attempts through and tells the rest when to retry.
func TestAllowSharesOneBudget(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, s kv.Store) {
		ctx := context.Background()
		limit := kv.PerMinute(5)
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := s.Allow(ctx, "signin:alice", limit)
				if err != nil {
					t.Errorf("Allow: %v", err)
					return
				}
				if res.Allowed {
					allowed.Add(1)
				} else if res.RetryAfter <= 0 || res.RetryAfter > 13*time.Second {
					t.Errorf("denied with RetryAfter %v, want about 12s (60s/5)", res.RetryAfter)
				}
			}()
		}
		wg.Wait()
		if allowed.Load() != 5 {
			t.Fatalf("%d attempts allowed, want 5", allowed.Load())
		}
		// Another key has its own budget.
		res, err := s.Allow(ctx, "signin:bob", limit)
		if err != nil || !res.Allowed || res.Remaining != 4 || res.Limit != 5 {
			t.Fatalf("fresh key: %+v, %v; want allowed with 4 remaining of 5", res, err)
		}
	})
}

func TestAllowRefills(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, s kv.Store) {
		ctx := context.Background()
		limit := kv.Limit{Rate: 10, Period: time.Second, Burst: 1} // one every 100 ms
		if res, _ := s.Allow(ctx, "k", limit); !res.Allowed {
			t.Fatal("first call denied")
		}
		if res, _ := s.Allow(ctx, "k", limit); res.Allowed {
			t.Fatal("second immediate call allowed beyond the burst")
		}
		time.Sleep(150 * time.Millisecond)
		if res, _ := s.Allow(ctx, "k", limit); !res.Allowed {
			t.Fatal("not allowed again after the emission interval")
		}
	})
}

// AllowAtMost takes as many events as the limit has left, up to the number asked, from the same
// budget as Allow; with none left it takes nothing and says when one more fits.
func TestAllowAtMostTakesWhatIsLeft(t *testing.T) {
	testenv.Stores(t, func(t *testing.T, s kv.Store) {
		ctx := context.Background()
		limit := kv.PerMinute(40)
		res, err := s.AllowAtMost(ctx, "anon:a", limit, 16)
		if err != nil || !res.Allowed || res.Granted != 16 || res.Remaining != 24 {
			t.Fatalf("first lease: %+v, %v; want 16 granted, 24 remaining", res, err)
		}
		if res, _ = s.Allow(ctx, "anon:a", limit); !res.Allowed || res.Granted != 1 || res.Remaining != 23 {
			t.Fatalf("Allow after the lease: %+v; want allowed, 23 remaining", res)
		}
		if res, _ = s.AllowAtMost(ctx, "anon:a", limit, 16); res.Granted != 16 {
			t.Fatalf("second lease: %+v; want 16", res)
		}
		if res, _ = s.AllowAtMost(ctx, "anon:a", limit, 16); !res.Allowed || res.Granted != 7 || res.Remaining != 0 {
			t.Fatalf("third lease: %+v; want the 7 left", res)
		}
		res, _ = s.AllowAtMost(ctx, "anon:a", limit, 16)
		if res.Allowed || res.Granted != 0 || res.RetryAfter <= 0 || res.RetryAfter > 1600*time.Millisecond {
			t.Fatalf("lease on a spent budget: %+v; want refused, RetryAfter about 1.5 s (60 s / 40)", res)
		}
		if res, _ = s.Allow(ctx, "anon:a", limit); res.Allowed {
			t.Fatalf("Allow on a budget the leases spent: %+v", res)
		}
	})
}

// With Redis unreachable, every call fails fast with ErrUnavailable instead of hanging.
func TestRedisDownFailsFast(t *testing.T) {
	r, err := kv.NewRedis("redis://127.0.0.1:1/0", "chtest:down:")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	start := time.Now()
	_, gerr := r.Get(ctx, "x")
	_, aerr := r.Allow(ctx, "x", kv.PerMinute(1))
	perr := r.Ping(ctx)
	for _, err := range []error{gerr, aerr, perr} {
		if !errors.Is(err, kv.ErrUnavailable) {
			t.Errorf("want ErrUnavailable, got %v", err)
		}
		// What the client is told: try again shortly (503), not a server fault (500).
		if k := fault.KindOf(err); k != fault.Unavailable {
			t.Errorf("%v is of kind %v, want %v", err, k, fault.Unavailable)
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("three calls to a closed port took %v; the timeouts are not tight", d)
	}
}
