package kv

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
)

// Redis is the Store shared by every node. Its timeouts are tight on purpose: when Redis is slow
// or gone, a request should learn it within a fraction of a second and answer 503, not hang.
type Redis struct {
	client    *redis.Client
	limiter   *redis_rate.Limiter
	prefix    string
	breaker   *breaker // every call goes through it
	closeOnce sync.Once
}

var quietOnce sync.Once

// Timeouts for every Redis call; see Redis.
const (
	redisDialTimeout = 500 * time.Millisecond
	redisIOTimeout   = 250 * time.Millisecond
)

// NewRedis connects to the Redis at url (redis://host:port/db). Every key is stored under prefix,
// so that tests, or several deployments, can share one server. It does not check that Redis
// answers: call Ping.
func NewRedis(url, prefix string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	opt.DialTimeout = redisDialTimeout
	opt.ReadTimeout = redisIOTimeout
	opt.WriteTimeout = redisIOTimeout
	opt.PoolTimeout = redisDialTimeout
	opt.MaxRetries = 1
	opt.DialerRetries = 1 // NB: the default, 5 dials, would hold a request 2.5 s when Redis is down
	opt.MinRetryBackoff = 10 * time.Millisecond
	opt.MaxRetryBackoff = 50 * time.Millisecond
	// go-redis logs dial failures itself, on stderr, in its own format; this package reports them
	// as ErrUnavailable to callers, which log them once, as structured lines.
	quietOnce.Do(logging.Disable)
	c := redis.NewClient(opt)
	b := &breaker{done: make(chan struct{}), ping: func(ctx context.Context) error { return c.Ping(ctx).Err() }}
	return &Redis{client: c, limiter: redis_rate.NewLimiter(c), prefix: prefix, breaker: b}, nil
}

func unavailable(err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}

// Get implements Store.
func (r *Redis) Get(ctx context.Context, key string) (b []byte, err error) {
	err = r.breaker.call(ctx, func() error {
		b, err = r.client.Get(ctx, r.prefix+key).Bytes()
		if errors.Is(err, redis.Nil) {
			return ErrNotFound
		}
		return unavailable(err)
	})
	return b, err
}

// Set implements Store.
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return r.breaker.call(ctx, func() error {
		return unavailable(r.client.Set(ctx, r.prefix+key, value, max(ttl, 0)).Err())
	})
}

// SetNX implements Store.
func (r *Redis) SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (ok bool, err error) {
	err = r.breaker.call(ctx, func() error {
		ok, err = r.client.SetNX(ctx, r.prefix+key, value, max(ttl, 0)).Result()
		return unavailable(err)
	})
	return ok, err
}

// Take implements Store with GETDEL, which is atomic.
func (r *Redis) Take(ctx context.Context, key string) (b []byte, err error) {
	err = r.breaker.call(ctx, func() error {
		b, err = r.client.GetDel(ctx, r.prefix+key).Bytes()
		if errors.Is(err, redis.Nil) {
			return ErrNotFound
		}
		return unavailable(err)
	})
	return b, err
}

// Delete implements Store.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	return r.breaker.call(ctx, func() error { return unavailable(r.client.Del(ctx, full...).Err()) })
}

// Incr implements Store.
func (r *Redis) Incr(ctx context.Context, key string) (n int64, err error) {
	err = r.breaker.call(ctx, func() error {
		n, err = r.client.Incr(ctx, r.prefix+key).Result()
		return unavailable(err)
	})
	return n, err
}

// Allow implements Store with redis_rate's GCRA script, so that all nodes draw on one budget.
func (r *Redis) Allow(ctx context.Context, key string, l Limit) (Result, error) {
	return r.take(ctx, key, l, 1, false)
}

// AllowAtMost implements Store with redis_rate's AllowAtMost: up to n events in one round trip.
func (r *Redis) AllowAtMost(ctx context.Context, key string, l Limit, n int) (Result, error) {
	return r.take(ctx, key, l, n, true)
}

func (r *Redis) take(ctx context.Context, key string, l Limit, n int, atMost bool) (Result, error) {
	var res *redis_rate.Result
	err := r.breaker.call(ctx, func() (err error) {
		limit := redis_rate.Limit{Rate: l.Rate, Period: l.Period, Burst: l.Burst}
		if atMost {
			res, err = r.limiter.AllowAtMost(ctx, r.prefix+key, limit, n)
		} else {
			res, err = r.limiter.Allow(ctx, r.prefix+key, limit)
		}
		return unavailable(err)
	})
	if err != nil {
		return Result{}, err
	}
	out := Result{Allowed: res.Allowed > 0, Granted: res.Allowed, Limit: l.Burst, Remaining: res.Remaining, ResetAfter: res.ResetAfter}
	if !out.Allowed {
		out.RetryAfter = res.RetryAfter
	}
	return out, nil
}

// Ping implements Store.
func (r *Redis) Ping(ctx context.Context) error {
	return r.breaker.call(ctx, func() error { return unavailable(r.client.Ping(ctx).Err()) })
}

// Close implements Store.
func (r *Redis) Close() error {
	r.closeOnce.Do(func() { close(r.breaker.done) })
	return r.client.Close()
}

// DeletePrefix removes every key under this store's prefix, rate-limit state included (which
// redis_rate keeps under "rate:" + key). Tests use it to clean up on a Redis that runs share.
func (r *Redis) DeletePrefix(ctx context.Context) error {
	for _, pattern := range []string{r.prefix + "*", "rate:" + r.prefix + "*"} {
		iter := r.client.Scan(ctx, 0, pattern, 500).Iterator()
		for iter.Next(ctx) {
			if err := r.client.Del(ctx, iter.Val()).Err(); err != nil {
				return err
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
	}
	return nil
}
