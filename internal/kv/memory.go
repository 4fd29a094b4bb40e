package kv

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// Memory is the in-process Store for a single node. Expired keys are dropped lazily and by a
// sweep once a minute.
type Memory struct {
	mu    sync.Mutex
	items map[string]item
	now   func() time.Time
	stop  chan struct{}
	once  sync.Once
}

type item struct {
	value   []byte
	expires time.Time // zero: never
}

// NewMemory returns an empty in-process store; Close stops its sweeper.
func NewMemory() *Memory {
	m := &Memory{items: map[string]item{}, now: time.Now, stop: make(chan struct{})}
	go m.sweep(time.Minute)
	return m
}

func (m *Memory) sweep(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.mu.Lock()
			now := m.now()
			for k, it := range m.items {
				if it.expired(now) {
					delete(m.items, k)
				}
			}
			m.mu.Unlock()
		}
	}
}

func (it item) expired(now time.Time) bool { return !it.expires.IsZero() && !now.Before(it.expires) }

func (m *Memory) expiry(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return m.now().Add(ttl)
}

// get returns the live item at key; m.mu must be held.
func (m *Memory) get(key string) (item, bool) {
	it, ok := m.items[key]
	if ok && it.expired(m.now()) {
		delete(m.items, key)
		return item{}, false
	}
	return it, ok
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.get(key)
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), it.value...), nil
}

// Set implements Store.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[key] = item{append([]byte(nil), value...), m.expiry(ttl)}
	return nil
}

// SetNX implements Store.
func (m *Memory) SetNX(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.get(key); ok {
		return false, nil
	}
	m.items[key] = item{append([]byte(nil), value...), m.expiry(ttl)}
	return true, nil
}

// Take implements Store.
func (m *Memory) Take(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.get(key)
	if !ok {
		return nil, ErrNotFound
	}
	delete(m.items, key)
	return it.value, nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.items, k)
	}
	return nil
}

// Incr implements Store.
func (m *Memory) Incr(_ context.Context, key string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, _ := m.get(key)
	n := int64(0)
	if len(it.value) > 0 {
		var err error
		if n, err = strconv.ParseInt(string(it.value), 10, 64); err != nil {
			return 0, err
		}
	}
	n++
	it.value = strconv.AppendInt(nil, n, 10)
	m.items[key] = it
	return n, nil
}

// Allow implements Store with the same GCRA arithmetic as the Redis limiter, so that both
// backends answer alike. The stored value is the theoretical arrival time in nanoseconds.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Result, error) {
	return m.take(key, l, 1, false), nil
}

// AllowAtMost implements Store: up to n events at once, as many as the limit allows now.
func (m *Memory) AllowAtMost(_ context.Context, key string, l Limit, n int) (Result, error) {
	return m.take(key, l, n, true), nil
}

// take takes n events from the limit under key, or fewer when atMost allows it (at least one).
func (m *Memory) take(key string, l Limit, n int, atMost bool) Result {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	emission := max(l.Period/time.Duration(max(l.Rate, 1)), time.Nanosecond) // NB: never zero
	burstOffset := emission * time.Duration(l.Burst)

	tat := now
	if it, ok := m.get("rate:" + key); ok {
		if ns, err := strconv.ParseInt(string(it.value), 10, 64); err == nil && ns > now.UnixNano() {
			tat = time.Unix(0, ns)
		}
	}
	// fit is how many events the limit allows now: k such that tat + k·emission - burst ≤ now.
	fit := int(now.Sub(tat.Add(-burstOffset)) / emission)
	take := max(n, 1)
	if atMost {
		take = min(take, fit)
	}
	res := Result{Limit: l.Burst}
	if take < 1 || take > fit {
		res.RetryAfter = tat.Add(emission * time.Duration(max(take, 1))).Add(-burstOffset).Sub(now)
		res.ResetAfter = tat.Sub(now)
		return res
	}
	newTat := tat.Add(emission * time.Duration(take))
	res.Allowed, res.Granted = true, take
	res.Remaining = fit - take
	res.ResetAfter = newTat.Sub(now)
	m.items["rate:"+key] = item{strconv.AppendInt(nil, newTat.UnixNano(), 10), newTat}
	return res
}

// Ping implements Store; memory is always there.
func (m *Memory) Ping(context.Context) error { return nil }

// Close stops the sweeper.
func (m *Memory) Close() error {
	m.once.Do(func() { close(m.stop) })
	return nil
}
