package web

import (
	"io"
	"sync"
)

// lockedWriter lets concurrent requests log into one buffer that a test then reads.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
