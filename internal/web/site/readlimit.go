package site

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"capacityhub/internal/kv"
)

// The per-node front of the visitors' read limit (AnonymousLimit). Asking the shared store about
// every page view would cost each one a Redis round trip, most of them for addresses that read a
// page or two. The front decides alone what it safely can:
//
//   - an address's first AnonymousFreeReads reads in a minute on this node are let through
//     without asking (the most it lets an address read beyond the shared limit, per node);
//   - past those, reads are drawn from the shared budget readLease at a time (one round trip
//     per lease, on whichever node), so the shared limit holds across nodes for those who read
//     a lot;
//   - once the shared budget refuses an address, the node refuses it locally until the budget
//     says one more fits (a flood from one address costs no round trips either).
//
// It remembers at most readShards × readShardCap addresses; past that, a new address is asked of
// the shared store each time, as if there were no front.
const (
	// AnonymousFreeReads is how many reads a minute one node answers for an address without
	// asking the shared store.
	AnonymousFreeReads = 20
	readLease          = 16 // reads drawn from the shared budget at once for an address past its free reads
	readShards         = 16
	readShardCap       = 8192
)

type readLimiter struct {
	limiter *limiter
	limit   kv.Limit
	free    int32
	seed    maphash.Seed
	shards  [readShards]readShard
	now     func() time.Time
}

type readShard struct {
	mu     sync.Mutex
	seen   map[string]readState
	minute int64 // the minute of the last sweep
}

// readState is what the node knows of one address.
type readState struct {
	minute       int64 // the minute (Unix time / 60) that count is of
	count        int32 // reads from the address in that minute on this node
	left         int32 // reads drawn from the shared budget and not yet spent
	remaining    int32 // what the shared budget had left when last asked
	refusedUntil int64 // Unix nanoseconds; until then the address is refused without asking
}

func newReadLimiter(l *limiter, limit kv.Limit) *readLimiter {
	r := &readLimiter{limiter: l, limit: limit, free: int32(min(AnonymousFreeReads, limit.Burst/4)),
		seed: maphash.MakeSeed(), now: time.Now}
	for i := range r.shards {
		r.shards[i].seen = map[string]readState{}
	}
	return r
}

// allow answers for one read from the address key.
func (r *readLimiter) allow(ctx context.Context, key string) (kv.Result, error) {
	now := r.now()
	minute := now.Unix() / 60
	sh := &r.shards[maphash.String(r.seed, key)%readShards]

	sh.mu.Lock()
	if sh.minute != minute {
		sh.sweep(minute, now.UnixNano())
	}
	st, known := sh.seen[key]
	if !known && len(sh.seen) >= readShardCap {
		sh.mu.Unlock()
		return r.limiter.take(ctx, "anon:"+key, r.limit, 0, true)
	}
	if wait := st.refusedUntil - now.UnixNano(); wait > 0 {
		sh.mu.Unlock()
		return kv.Result{Limit: r.limit.Burst, RetryAfter: time.Duration(wait), ResetAfter: time.Duration(wait)}, nil
	}
	if st.minute != minute {
		st.minute, st.count = minute, 0
	}
	st.count++
	switch {
	case st.count <= r.free:
		sh.seen[key] = st
		sh.mu.Unlock()
		return kv.Result{Allowed: true, Granted: 1, Limit: r.limit.Burst, Remaining: r.limit.Burst - int(st.count),
			ResetAfter: r.emission() * time.Duration(st.count)}, nil
	case st.left > 0:
		st.left--
		sh.seen[key] = st
		sh.mu.Unlock()
		return kv.Result{Allowed: true, Granted: 1, Limit: r.limit.Burst, Remaining: int(st.remaining + st.left),
			ResetAfter: r.emission() * time.Duration(r.limit.Burst-int(st.remaining+st.left))}, nil
	}
	sh.seen[key] = st
	sh.mu.Unlock()

	res, err := r.limiter.take(ctx, "anon:"+key, r.limit, readLease, true)
	if err != nil {
		return res, err
	}
	sh.mu.Lock()
	st = sh.seen[key] // NB: other reads from the address may have gone on meanwhile
	if res.Allowed {
		st.left += int32(res.Granted - 1)
		st.remaining = int32(res.Remaining)
		res.Remaining += int(st.left)
		res.Granted = 1
	} else {
		st.refusedUntil = now.Add(max(res.RetryAfter, time.Millisecond)).UnixNano()
	}
	sh.seen[key] = st
	sh.mu.Unlock()
	return res, nil
}

// emission is the time the limit takes to give back one read.
func (r *readLimiter) emission() time.Duration {
	return r.limit.Period / time.Duration(max(r.limit.Rate, 1))
}

// sweep forgets the addresses not seen in this minute or the one before (their unspent leases
// with them: the shared budget keeps them spent, which errs on the strict side) and not refused.
func (sh *readShard) sweep(minute, now int64) {
	sh.minute = minute
	for k, st := range sh.seen {
		if st.minute < minute-1 && st.refusedUntil <= now {
			delete(sh.seen, k)
		}
	}
}
