package kv

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// breakerProbeEvery is how often a tripped breaker pings Redis to learn whether it is back.
const breakerProbeEvery = 250 * time.Millisecond

// errCircuitOpen is what every call answers, at once, while the breaker is open.
var errCircuitOpen = fmt.Errorf("%w: Redis failed a moment ago; waiting for it to answer a ping", ErrUnavailable)

// breaker is a circuit breaker in front of Redis. A hung Redis (stopped, or a network that drops
// packets) makes each call wait for its timeout; without the breaker every request would wait so,
// one after the other. Once a call fails for want of Redis, the breaker opens: calls fail at once
// with ErrUnavailable (the site answers 503 or serves visitors' pages), while one goroutine pings
// Redis in the background and closes the breaker as soon as it answers.
type breaker struct {
	open    atomic.Bool
	probing atomic.Bool
	ping    func(ctx context.Context) error // NB: the raw ping, not through the breaker
	done    chan struct{}                   // closed when the store closes
}

// call runs fn unless the breaker is open, and opens it when fn fails for want of Redis. A
// failure that the caller's own context caused (cancelled, past its deadline) says nothing about
// Redis and leaves the breaker as it was.
func (b *breaker) call(ctx context.Context, fn func() error) error {
	if b.open.Load() {
		return errCircuitOpen
	}
	err := fn()
	if err != nil && ctx.Err() == nil && errors.Is(err, ErrUnavailable) {
		b.trip()
	}
	return err
}

func (b *breaker) trip() {
	b.open.Store(true)
	if b.probing.CompareAndSwap(false, true) {
		go b.probe()
	}
}

// probe pings until Redis answers, then closes the breaker. NB: a call that trips the breaker
// again just as the probe ends finds probing still set and starts no probe; so the probe looks
// once more after clearing it, and goes on if that happened.
func (b *breaker) probe() {
	for {
		if !b.waitForRedis() {
			return
		}
		b.open.Store(false)
		b.probing.Store(false)
		if !b.open.Load() || !b.probing.CompareAndSwap(false, true) {
			return
		}
	}
}

// waitForRedis pings every breakerProbeEvery until Redis answers (true) or the store closes.
func (b *breaker) waitForRedis() bool {
	t := time.NewTicker(breakerProbeEvery)
	defer t.Stop()
	for {
		select {
		case <-b.done:
			return false
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), redisDialTimeout)
		err := b.ping(ctx)
		cancel()
		if err == nil {
			return true
		}
	}
}
