package site

import (
	"context"
	"errors"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/kv"
)

// The rate limits every surface shares (GCRA: a steady rate with a burst). Per-IP limits are
// generous because whole universities and ministries often share one address behind NAT. A
// domain's own limits (sign-in, registration…) live with its web package and go through Enforce.
var (
	// AnonymousLimit is the limit of visitors' reads (GET and HEAD without a signed-in user), per
	// client address: 300 readers behind one carrier-grade NAT address may each open two pages at
	// once (the burst) and then read a page every ten seconds (the rate), with no Redis round trip
	// for the address's first AnonymousFreeReads a minute on each node (readlimit.go).
	AnonymousLimit = kv.Limit{Rate: 1800, Period: time.Minute, Burst: 600}
	// AnonymousWriteLimit is the limit of visitors' other requests (forms sent before signing in:
	// registration, sign-in, contact…), per client address, on top of each form's own limit.
	AnonymousWriteLimit = kv.Limit{Rate: 300, Period: time.Minute, Burst: 120}
	limitWrites         = kv.Limit{Rate: 60, Period: time.Minute, Burst: 30} // writes per user
	limitWritesNew      = kv.Limit{Rate: 10, Period: time.Minute, Burst: 10} // writes per user in the first day
	// LimitProgressRate is the limit of a learner's progress (enrolling, marking lessons done,
	// answering quizzes), per user whatever the account's age: a learner clicking through a
	// course is not a spammer, and quiz attempts have a limit of their own.
	LimitProgressRate = kv.Limit{Rate: 120, Period: time.Minute, Burst: 60}
	newAccountAge     = 24 * time.Hour
	// storeRetryAfter is what a request that needs the shared store is told while it is down.
	storeRetryAfter = 5 * time.Second
	// StoreDownPause is how long the limiter stops asking a store that just failed; after it, the
	// next request tries again, so service comes back within seconds of Redis.
	StoreDownPause = 2 * time.Second
)

// limiter checks rate limits against the shared store. When the store is down, reads fall back to
// a per-process limit (fail soft: the site stays readable) and everything else is refused (fail
// closed: no unlimited sign-in attempts).
type limiter struct {
	shared    kv.Store
	local     *kv.Memory
	downUntil atomic.Int64 // unix nanoseconds; while in the future, the shared store is not asked
}

func newLimiter(shared kv.Store) *limiter { return &limiter{shared: shared, local: kv.NewMemory()} }

// Close stops the per-process fallback's sweeper.
func (l *limiter) Close() error { return l.local.Close() }

// allow checks one limit. soft says whether a per-process answer will do when the shared store
// is down.
func (l *limiter) allow(ctx context.Context, key string, limit kv.Limit, soft bool) (kv.Result, error) {
	return l.take(ctx, key, limit, 0, soft)
}

// take checks one limit for one event, or takes up to atMost of them when atMost > 0 (see
// kv.Store.AllowAtMost).
func (l *limiter) take(ctx context.Context, key string, limit kv.Limit, atMost int, soft bool) (kv.Result, error) {
	ask := func(s kv.Store) (kv.Result, error) {
		if atMost > 0 {
			return s.AllowAtMost(ctx, key, limit, atMost)
		}
		return s.Allow(ctx, key, limit)
	}
	if time.Now().UnixNano() >= l.downUntil.Load() {
		res, err := ask(l.shared)
		if err == nil {
			return res, nil
		}
		if !errors.Is(err, kv.ErrUnavailable) {
			return res, err
		}
		l.downUntil.Store(time.Now().Add(StoreDownPause).UnixNano())
	}
	if !soft {
		return kv.Result{}, errStoreDown
	}
	return ask(l.local)
}

// Allow checks limit under key without answering for it: whether another one may go now. It
// fails closed (503) while the shared store is down.
func (s *Site) Allow(c *fiber.Ctx, key string, limit kv.Limit) (bool, error) {
	res, err := s.limiter.allow(c.UserContext(), key, limit, false)
	return res.Allowed, err
}

// Enforce checks limit under key for this request, sets the RateLimit-* headers and returns the
// 429 error when the limit is spent. soft says whether a per-process answer will do while the
// shared store is down (reads); otherwise that is a 503.
func (s *Site) Enforce(c *fiber.Ctx, key string, limit kv.Limit, soft bool) error {
	res, err := s.limiter.allow(c.UserContext(), key, limit, soft)
	if err != nil {
		return err
	}
	return answerLimit(c, res)
}

// answerLimit sets the RateLimit-* headers of res and returns the 429 error when it refused.
func answerLimit(c *fiber.Ctx, res kv.Result) error {
	c.Set("RateLimit-Limit", strconv.Itoa(res.Limit))
	c.Set("RateLimit-Remaining", strconv.Itoa(res.Remaining))
	c.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(res.ResetAfter)))
	if !res.Allowed {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, ceilSeconds(res.RetryAfter))))
		return ErrTooMany
	}
	return nil
}

func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// LimitAnonymous applies the per-IP limits to every request without a signed-in user: reads
// (GET, HEAD) answer to AnonymousLimit through the node's front (readlimit.go), which asks the
// shared store only for the addresses that read a lot; anything else answers to
// AnonymousWriteLimit, asked of the shared store every time. Health checks, metrics and static
// files are not counted.
func (s *Site) LimitAnonymous(c *fiber.Ctx) error {
	if User(c) != nil {
		return c.Next()
	}
	switch p := c.Path(); {
	case p == "/healthz", p == "/readyz", p == "/metrics", len(p) > 8 && p[:8] == "/static/":
		return c.Next()
	}
	key := LimitKey(c)
	if m := c.Method(); m == fiber.MethodGet || m == fiber.MethodHead {
		res, err := s.reads.allow(c.UserContext(), key)
		if err != nil {
			return err
		}
		if err := answerLimit(c, res); err != nil {
			return err
		}
		return c.Next()
	}
	if err := s.Enforce(c, "anon-write:"+key, AnonymousWriteLimit, false); err != nil {
		return err
	}
	return c.Next()
}

// LimitProgress is the per-user limit on a learner's progress (LimitProgressRate): generous, the
// same on an account's first day as later, and apart from LimitWrites' budget for what others
// read.
func (s *Site) LimitProgress(c *fiber.Ctx) error {
	return s.limitUser(c, "progress:", func(*auth.User) kv.Limit { return LimitProgressRate })
}

// LimitWrites is the per-user write limit, stricter for accounts less than a day old; it stands
// in front of every handler that changes something for a signed-in user.
func (s *Site) LimitWrites(c *fiber.Ctx) error {
	return s.limitUser(c, "write:", func(u *auth.User) kv.Limit {
		if time.Since(u.CreatedAt) < newAccountAge && !u.Has(auth.RoleModerator) && !u.Has(auth.RoleCurriculumManager) {
			return limitWritesNew
		}
		return limitWrites
	})
}

// limitUser enforces the signed-in user's limit under prefix + their id.
func (s *Site) limitUser(c *fiber.Ctx, prefix string, limitOf func(*auth.User) kv.Limit) error {
	u := User(c)
	if u == nil {
		return c.Next() // NB: every route puts SignedIn or a role guard first; nobody to count here
	}
	if err := s.Enforce(c, prefix+u.ID, limitOf(u), false); err != nil {
		return err
	}
	return c.Next()
}
