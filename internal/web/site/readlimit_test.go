package site

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"capacityhub/internal/kv"
)

// countingStore counts the rate-limit round trips a front makes to the shared store.
type countingStore struct {
	kv.Store
	asks atomic.Int64
}

func (s *countingStore) Allow(ctx context.Context, key string, l kv.Limit) (kv.Result, error) {
	s.asks.Add(1)
	return s.Store.Allow(ctx, key, l)
}

func (s *countingStore) AllowAtMost(ctx context.Context, key string, l kv.Limit, n int) (kv.Result, error) {
	s.asks.Add(1)
	return s.Store.AllowAtMost(ctx, key, l, n)
}

func newCountingStore(t *testing.T) *countingStore {
	m := kv.NewMemory()
	t.Cleanup(func() { m.Close() })
	return &countingStore{Store: m}
}

func newFront(t *testing.T, store kv.Store) *readLimiter {
	l := newLimiter(store)
	t.Cleanup(func() { l.Close() })
	return newReadLimiter(l, AnonymousLimit)
}

// Visitors reading a few pages each cost the shared store nothing: the node answers alone.
func TestReadsOfFewPagesAskNoSharedStore(t *testing.T) {
	t.Parallel()
	store := newCountingStore(t)
	front := newFront(t, store)
	for i := range 3000 {
		key := fmt.Sprintf("10.0.%d.%d", i/256, i%256)
		for range 3 {
			res, err := front.allow(context.Background(), key)
			if err != nil || !res.Allowed {
				t.Fatalf("read from %s: %+v, %v", key, res, err)
			}
			if res.Limit != AnonymousLimit.Burst || res.Remaining < 0 || res.Remaining >= AnonymousLimit.Burst {
				t.Fatalf("headers of a free read: %+v", res)
			}
		}
	}
	if n := store.asks.Load(); n != 0 {
		t.Errorf("9,000 reads from 3,000 addresses asked the shared store %d times, want 0", n)
	}
}

// An address that reads a lot draws on the shared budget a lease at a time, and meets the limit:
// the burst, its free reads and what refilled meanwhile, no more; refused, it is refused locally.
func TestHeavyReaderMeetsTheSharedLimit(t *testing.T) {
	t.Parallel()
	store := newCountingStore(t)
	front := newFront(t, store)
	start := time.Now()
	served, refused := 0, 0
	for range 2 * AnonymousLimit.Burst {
		res, err := front.allow(context.Background(), "198.51.100.9")
		if err != nil {
			t.Fatal(err)
		}
		if res.Allowed {
			served++
		} else {
			refused++
			if res.RetryAfter <= 0 {
				t.Fatalf("refused without RetryAfter: %+v", res)
			}
		}
	}
	refill := refilled(time.Since(start))
	if max := AnonymousLimit.Burst + AnonymousFreeReads + refill; served > max || refused == 0 {
		t.Errorf("%d served, %d refused; want at most %d served (burst, free reads, refill)", served, refused, max)
	}
	if served < AnonymousLimit.Burst {
		t.Errorf("%d served, want at least the burst, %d", served, AnonymousLimit.Burst)
	}
	asks := store.asks.Load()
	if want := int64(served/readLease + refill + 3); asks > want {
		t.Errorf("%d round trips to the shared store for %d reads served, want at most %d (one per lease of %d)",
			asks, served, want, readLease)
	}
	t.Logf("%d served, %d refused, %d round trips", served, refused, asks)
}

// Two nodes share one budget: an address reading from both gets the shared limit plus each
// node's free reads, never twice the limit.
func TestNodesShareTheReadBudget(t *testing.T) {
	t.Parallel()
	store := newCountingStore(t)
	nodes := []*readLimiter{newFront(t, store), newFront(t, store)}
	start := time.Now()
	served := 0
	for i := range 3 * AnonymousLimit.Burst {
		if res, err := nodes[i%2].allow(context.Background(), "2001:db8:7::/64"); err != nil {
			t.Fatal(err)
		} else if res.Allowed {
			served++
		}
	}
	if max := AnonymousLimit.Burst + 2*AnonymousFreeReads + refilled(time.Since(start)); served > max {
		t.Errorf("two nodes served one address %d reads, want at most %d", served, max)
	}
}

// What the README promises: 300 readers behind one carrier-grade NAT address each open two pages
// at once, and none is refused.
func TestThreeHundredReadersBehindOneAddress(t *testing.T) {
	t.Parallel()
	front := newFront(t, newCountingStore(t))
	for i := range 300 * 2 {
		if res, err := front.allow(context.Background(), "203.0.113.1"); err != nil || !res.Allowed {
			t.Fatalf("page %d of 600 from one address refused: %+v, %v", i+1, res, err)
		}
	}
	if AnonymousLimit.Rate*10/int(AnonymousLimit.Period/time.Second) < 300 {
		t.Errorf("limit %+v: 300 readers cannot each read a page every ten seconds", AnonymousLimit)
	}
}

// refilled is how many reads the limit gave back in d, rounded up.
func refilled(d time.Duration) int {
	return int(d*time.Duration(AnonymousLimit.Rate)/AnonymousLimit.Period) + 1
}

// The front remembers a bounded number of addresses (past it, new ones are asked of the shared
// store, as without a front) and forgets those gone quiet for a minute.
func TestReadFrontMemoryIsBounded(t *testing.T) {
	t.Parallel()
	store := newCountingStore(t)
	front := newFront(t, store)
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	front.now = func() time.Time { return now }
	const extra = 2000
	for i := range readShards*readShardCap + extra {
		if res, err := front.allow(context.Background(), fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255)); err != nil || !res.Allowed {
			t.Fatalf("read %d: %+v, %v", i, res, err)
		}
	}
	remembered := func() (n int) {
		for i := range front.shards {
			n += len(front.shards[i].seen)
		}
		return n
	}
	if n := remembered(); n > readShards*readShardCap {
		t.Errorf("%d addresses remembered, want at most %d", n, readShards*readShardCap)
	}
	if n := store.asks.Load(); n < extra {
		t.Errorf("%d round trips for the addresses past the bound, want at least %d", n, extra)
	}
	now = now.Add(2 * time.Minute)
	for i := range 200 {
		front.allow(context.Background(), fmt.Sprintf("192.0.2.%d", i)) // a read in a shard sweeps it; 200 reach every shard
	}
	if n := remembered(); n > 200 {
		t.Errorf("%d addresses still remembered two quiet minutes later", n)
	}
}
