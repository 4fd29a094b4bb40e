package course

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// What readers read of the content (catalogue, course outlines, lessons, quizzes, learning paths)
// changes only on import, publication and path edits, so the service keeps it in memory once read:
// an anonymous catalogue, course, lesson or quiz page reads nothing from the database after the
// first. Every change bumps content_version in the database and empties this server's memory at
// once, before the write returns; the other servers see the new version within WatchContent's
// interval (serve polls it every 250 ms) and empty theirs. Only the published content everyone may
// read is kept: curriculum managers, who see unpublished courses, always read the database.

// memo is the service's memory of content reads, keyed by what was asked.
type memo struct {
	mu      sync.RWMutex
	gen     atomic.Uint64  // bumped by flush, under mu: a read begun before a flush is not kept
	entries map[string]any // key: the read and its arguments, joined by memoSep
}

// maxMemoEntries bounds what the memory keeps: the content's own keys (courses × languages,
// lessons × languages, …) are far fewer; a key a client could vary (a page size) stops there.
const maxMemoEntries = 20000

// memoSep joins the parts of a memo key; no slug, language or cursor holds it.
const memoSep = "\x00"

func newMemo() *memo { return &memo{entries: map[string]any{}} }

// remembered returns what key maps to, reading it with load on a miss and keeping it unless the
// memory was flushed meanwhile. Errors are not kept.
func remembered[T any](m *memo, load func() (T, error), key ...string) (T, error) {
	k := strings.Join(key, memoSep)
	m.mu.RLock()
	v, ok := m.entries[k]
	gen := m.gen.Load()
	m.mu.RUnlock()
	if ok {
		return v.(T), nil
	}
	t, err := load()
	if err != nil {
		return t, err
	}
	m.mu.Lock()
	if m.gen.Load() == gen && len(m.entries) < maxMemoEntries {
		m.entries[k] = t
	}
	m.mu.Unlock()
	return t, nil
}

// flush forgets everything.
func (m *memo) flush() {
	m.mu.Lock()
	m.gen.Add(1)
	clear(m.entries)
	m.mu.Unlock()
}

// ContentGeneration is the generation of what this server knows of the content: it moves on at
// every change, here or (within WatchContent's interval) on another server. The page cache keeps
// pages under it.
func (s *Service) ContentGeneration() uint64 { return s.memo.gen.Load() }

// contentChanged records a change to the content: it bumps content_version, for the other
// servers, and empties this server's memory. It runs after the change is committed, so that a
// server that sees the new version reads the new content.
func (s *Service) contentChanged(ctx context.Context) {
	if _, err := s.db.W.ExecContext(context.WithoutCancel(ctx), "UPDATE content_version SET version = version + 1 WHERE id = 1"); err != nil {
		// NB: this server is right regardless (flushed below); the others serve the old content
		// until the next change reaches them.
		s.log.Error("content version not bumped: other servers keep the old content", "err", err)
	}
	s.memo.flush()
}

// WatchContent polls content_version every interval until ctx ends, and empties this server's
// memory of the content when another server changed it.
func (s *Service) WatchContent(ctx context.Context, every time.Duration) {
	s.db.WatchVersion(ctx, "content_version", every, s.memo.flush)
}
