package site

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/kv"
)

// throttleInterval is how often a repeated condition is logged: a database or Redis that is down
// makes every request fail alike, and one line per request would bury the log (and fill a disk)
// without telling an operator more than one line every few seconds does.
const throttleInterval = 10 * time.Second

// throttledLog logs each cause at WARN once per throttleInterval, with how many times it did not
// log it since the last line.
type throttledLog struct {
	mu     sync.Mutex
	causes map[string]*throttled
}

type throttled struct {
	last       time.Time
	suppressed int
}

// note logs msg with attrs unless cause was logged less than throttleInterval ago.
func (o *throttledLog) note(log *slog.Logger, msg, cause string, attrs ...any) {
	o.mu.Lock()
	if o.causes == nil {
		o.causes = map[string]*throttled{}
	}
	st := o.causes[cause]
	if st == nil {
		st = &throttled{}
		o.causes[cause] = st
	}
	now := time.Now()
	if now.Sub(st.last) < throttleInterval {
		st.suppressed++
		o.mu.Unlock()
		return
	}
	suppressed := st.suppressed
	st.last, st.suppressed = now, 0
	o.mu.Unlock()
	log.Warn(msg, append([]any{"cause", cause, "not_logged_since_last", suppressed}, attrs...)...)
}

// noteOutage logs a 503: what is down, throttled per cause.
func (s *Site) noteOutage(err error, requestID, method, path string) {
	s.notices.note(s.log, "service unavailable: answering 503", s.outageCause(err),
		"err", err, "request_id", requestID, "method", method, "path", path)
}

// outageCause names what is down, for the log.
func (s *Site) outageCause(err error) string {
	switch {
	case s.dbUnavailable != nil && s.dbUnavailable(err):
		return "database"
	case errors.Is(err, kv.ErrUnavailable), errors.Is(err, errStoreDown):
		return "kv store"
	case errors.Is(err, auth.ErrBusy):
		return "password hashing at capacity"
	}
	return "other"
}
