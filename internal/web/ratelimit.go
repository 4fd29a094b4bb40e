package web

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
	"capacityhub/internal/moderation"
)

// The rate limits (GCRA: a steady rate with a burst). Per-IP limits are generous because whole
// universities and ministries often share one address behind NAT.
var (
	limitAnonymous     = kv.Limit{Rate: 300, Period: time.Minute, Burst: 120}   // any request without a signed-in user, per IP
	limitSignInAccount = kv.Limit{Rate: 10, Period: 15 * time.Minute, Burst: 5} // sign-in attempts per e-mail address
	limitSignInIP      = kv.Limit{Rate: 100, Period: 15 * time.Minute, Burst: 30}
	limitRegisterIP    = kv.Limit{Rate: 20, Period: time.Hour, Burst: 10}
	limitResetIP       = kv.Limit{Rate: 10, Period: time.Hour, Burst: 5}    // password-reset requests per IP
	limitResetAddress  = kv.Limit{Rate: 3, Period: time.Hour, Burst: 3}     // reset mails per e-mail address
	limitWrites        = kv.Limit{Rate: 60, Period: time.Minute, Burst: 30} // writes per user
	limitWritesNew     = kv.Limit{Rate: 10, Period: time.Minute, Burst: 10} // writes per user in the first day
	newAccountAge      = 24 * time.Hour
	// storeRetryAfter is what a request that needs the shared store is told while it is down.
	storeRetryAfter = 5 * time.Second
	// storeDownPause is how long the limiter stops asking a store that just failed; after it, the
	// next request tries again, so service comes back within seconds of Redis.
	storeDownPause = 2 * time.Second
)

// errStoreDown is answered (503 with Retry-After) when a limit that must be shared by all nodes
// cannot be checked.
var errStoreDown = errors.New("web: rate-limit store unavailable")

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
	if time.Now().UnixNano() >= l.downUntil.Load() {
		res, err := l.shared.Allow(ctx, key, limit)
		if err == nil {
			return res, nil
		}
		if !errors.Is(err, kv.ErrUnavailable) {
			return res, err
		}
		l.downUntil.Store(time.Now().Add(storeDownPause).UnixNano())
	}
	if !soft {
		return kv.Result{}, errStoreDown
	}
	return l.local.Allow(ctx, key, limit)
}

// enforce checks limit under key for this request, sets the RateLimit-* headers and returns a 429
// error when the limit is spent.
func (h *handler) enforce(c *fiber.Ctx, key string, limit kv.Limit, soft bool) error {
	res, err := h.limiter.allow(c.UserContext(), key, limit, soft)
	if err != nil {
		return err
	}
	c.Set("RateLimit-Limit", strconv.Itoa(res.Limit))
	c.Set("RateLimit-Remaining", strconv.Itoa(res.Remaining))
	c.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(res.ResetAfter)))
	if !res.Allowed {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, ceilSeconds(res.RetryAfter))))
		return fiber.NewError(fiber.StatusTooManyRequests, "Too many requests: please wait before trying again.")
	}
	return nil
}

func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// limitAnonymousRequests applies the per-IP limit to every request without a signed-in user.
// Health checks, metrics and static files are not counted.
func (h *handler) limitAnonymousRequests(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Next()
	}
	switch p := c.Path(); {
	case p == "/healthz", p == "/readyz", p == "/metrics", len(p) > 8 && p[:8] == "/static/":
		return c.Next()
	}
	safe := c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead
	if err := h.enforce(c, "anon:"+limitKey(c), limitAnonymous, safe); err != nil {
		return err
	}
	return c.Next()
}

// limitWrites is the per-user write limit, stricter for accounts less than a day old; content
// routes put it in front of every handler that changes something.
func (h *handler) limitWrites(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		return c.Next() // the handler answers 401
	}
	limit := limitWrites
	if time.Since(u.CreatedAt) < newAccountAge && !u.Has(auth.RoleModerator) && !u.Has(auth.RoleCurriculumManager) {
		limit = limitWritesNew
	}
	if err := h.enforce(c, "write:"+u.ID, limit, false); err != nil {
		return err
	}
	return c.Next()
}

// limitRegistration is the per-IP limit on new accounts.
func (h *handler) limitRegistration(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost {
		return c.Next()
	}
	if err := h.enforce(c, "register:"+limitKey(c), limitRegisterIP, false); err != nil {
		return err
	}
	return c.Next()
}

// limitSignIn checks both sign-in limits: per IP, then per account. The first refusal of an
// account's attempts in a window goes into the audit log (one entry, not one per attempt, so
// that a flood of guesses cannot flood the log).
func (h *handler) limitSignIn(c *fiber.Ctx, email string) error {
	if err := h.enforce(c, "signin-ip:"+limitKey(c), limitSignInIP, false); err != nil {
		return err
	}
	email = auth.NormalizeEmail(email)
	err := h.enforce(c, "signin:"+email, limitSignInAccount, false)
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code == fiber.StatusTooManyRequests {
		ctx := c.UserContext()
		if first, kerr := h.kv.SetNX(ctx, "audited:signin-limited:"+email, []byte("1"), limitSignInAccount.Period); kerr == nil && first {
			if aerr := h.audit.Record(ctx, moderation.AuditEvent{Action: "auth.signin_limited", Target: email,
				Detail: "sign-in attempts for this address refused by the rate limit"}); aerr != nil {
				h.log.Error("audit", "err", aerr)
			}
		}
	}
	return err
}

// allowResetMail tells whether another password-reset mail may go to this address now. Whoever
// asks gets the same page either way, so the limit tells nothing about which addresses have
// accounts; it keeps anyone from filling a person's inbox from many addresses.
func (h *handler) allowResetMail(c *fiber.Ctx, email string) (bool, error) {
	res, err := h.limiter.allow(c.UserContext(), "reset-mail:"+auth.NormalizeEmail(email), limitResetAddress, false)
	if err != nil {
		return false, err
	}
	return res.Allowed, nil
}

// limitPasswordChecks guards the current-password check of a signed-in user as sign-in is
// guarded: a stolen session must not try passwords faster than the sign-in form allows.
func (h *handler) limitPasswordChecks(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		return c.Next()
	}
	if err := h.enforce(c, "password-check:"+u.ID, limitSignInAccount, false); err != nil {
		return err
	}
	return c.Next()
}
