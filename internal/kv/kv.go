// Package kv keeps the short-lived state that every server process must share: sessions, rate
// limits, token revocations and single-use tokens. With REDIS_URL set it lives in Redis, so any
// number of nodes see one truth; otherwise in this process's memory, which is right for a single
// node and for tests.
package kv

import (
	"context"
	"errors"
	"time"

	"capacityhub/internal/fault"
)

// ErrNotFound is returned for a key that does not exist or has expired.
var ErrNotFound = errors.New("kv: not found")

// ErrUnavailable wraps every failure to reach the backing store, so that callers can tell "Redis
// is down" (answer 503, try again) from a programming error. NB: its text is the prefix of every
// such failure's, which start-up trims to name the cause.
var ErrUnavailable = fault.New(fault.Unavailable, "error.detail.unavailable", "kv: store unavailable")

// Store holds values under string keys, each with a time to live. Every method is safe for
// concurrent use. A ttl of zero or less means "no expiry".
type Store interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// SetNX sets key only if it does not exist, and tells whether it did.
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// Take returns the value and deletes the key in one step: of two concurrent callers only one
	// gets the value, which is what single-use tokens need.
	Take(ctx context.Context, key string) ([]byte, error)
	Delete(ctx context.Context, keys ...string) error
	// Incr adds one to the integer at key (missing counts as 0) and returns the new value. The key
	// keeps any expiry it had; a new key gets none.
	Incr(ctx context.Context, key string) (int64, error)
	Allow(ctx context.Context, key string, limit Limit) (Result, error)
	// AllowAtMost takes up to n events from the limit at once: as many as it allows now, which
	// Result.Granted says (0: none, and RetryAfter says when one more is). A node that draws
	// several at a time spends them without asking again (a lease on the shared budget).
	AllowAtMost(ctx context.Context, key string, limit Limit, n int) (Result, error)
	Ping(ctx context.Context) error
	Close() error
}

// Limit is a rate limit in the terms of the generic cell rate algorithm (GCRA): Rate events per
// Period on average, with up to Burst of them at once.
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// PerMinute is a limit of n a minute with a burst of n.
func PerMinute(n int) Limit { return Limit{Rate: n, Period: time.Minute, Burst: n} }

// Result is the outcome of one Allow call, with what the RateLimit-* headers report.
type Result struct {
	Allowed    bool
	Granted    int           // how many events were taken: 1 for an allowed Allow, up to n for AllowAtMost
	Limit      int           // the burst: how many fit in a fresh window
	Remaining  int           // how many more would be allowed now
	RetryAfter time.Duration // when not allowed: how long until one more is; else 0
	ResetAfter time.Duration // how long until the limit is fully replenished
}
