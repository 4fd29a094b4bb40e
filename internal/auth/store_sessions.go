package auth

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"time"

	"capacityhub/internal/db"
	"capacityhub/internal/kv"
)

// SessionStore keeps browser sessions: the kv store (Redis, shared by every node), or the
// database (DatabaseSessions) when the kv store lives in this process alone and would forget
// every session at a restart.
type SessionStore interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Delete(ctx context.Context, keys ...string) error
}

// sessionSweepEvery is how often ended sessions are deleted from the table, at most.
const sessionSweepEvery = 10 * time.Minute

// dbSessions is a SessionStore in the sessions table, read through an in-process cache: a
// request of a signed-in reader costs no query once its session is cached, and a restart, which
// empties the cache, loses nothing. NB: the cache is right because the database keeps sessions
// only for a server that runs alone (see app.Sessions): every write goes through this process.
type dbSessions struct {
	db        *db.DB
	cache     SessionStore
	now       func() time.Time
	lastSweep atomic.Int64 // unix nanoseconds
}

// DatabaseSessions keeps sessions in the database, cached in cache (the in-process store).
func DatabaseSessions(d *db.DB, cache SessionStore) SessionStore {
	return &dbSessions{db: d, cache: cache, now: time.Now}
}

// Get implements SessionStore: kv.ErrNotFound for a session that is not there or has ended.
func (s *dbSessions) Get(ctx context.Context, key string) ([]byte, error) {
	if b, err := s.cache.Get(ctx, key); err == nil {
		return b, nil
	}
	var data, expires string
	err := s.db.Reader().QueryRowContext(ctx, "SELECT data, expires_at FROM sessions WHERE session_key = $1 AND expires_at > $2",
		key, db.FormatTime(s.now())).Scan(&data, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kv.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if t, err := db.ParseTime(expires); err == nil {
		_ = s.cache.Set(ctx, key, []byte(data), t.Sub(s.now()))
	}
	return []byte(data), nil
}

// Set implements SessionStore, and now and then deletes the sessions that have ended.
func (s *dbSessions) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	now := s.now()
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO sessions (session_key, data, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (session_key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
		key, string(value), db.FormatTime(now.Add(ttl)))
	if err != nil {
		return err
	}
	_ = s.cache.Set(ctx, key, value, ttl)
	if last := s.lastSweep.Load(); now.UnixNano()-last > int64(sessionSweepEvery) && s.lastSweep.CompareAndSwap(last, now.UnixNano()) {
		_, err = s.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= $1", db.FormatTime(now))
	}
	return err
}

// Delete implements SessionStore.
func (s *dbSessions) Delete(ctx context.Context, keys ...string) error {
	_ = s.cache.Delete(ctx, keys...)
	for _, k := range keys {
		if _, err := s.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE session_key = $1", k); err != nil {
			return err
		}
	}
	return nil
}
