package site

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"capacityhub/internal/auth"
	"capacityhub/internal/kv"
)

// outageInterval is how often an outage is logged: a database or Redis that is down makes every
// request fail alike, and one line per request would bury the log (and fill a disk) without
// telling an operator more than one line every few seconds does.
const outageInterval = 10 * time.Second

// outageLog logs the 503s of each cause at WARN, once per outageInterval, with how many it did
// not log since the last line.
type outageLog struct {
	mu     sync.Mutex
	causes map[string]*outage
}

type outage struct {
	last       time.Time
	suppressed int
}

func (o *outageLog) note(log *slog.Logger, cause string, err error, requestID, method, path string) {
	o.mu.Lock()
	if o.causes == nil {
		o.causes = map[string]*outage{}
	}
	st := o.causes[cause]
	if st == nil {
		st = &outage{}
		o.causes[cause] = st
	}
	now := time.Now()
	if now.Sub(st.last) < outageInterval {
		st.suppressed++
		o.mu.Unlock()
		return
	}
	suppressed := st.suppressed
	st.last, st.suppressed = now, 0
	o.mu.Unlock()
	log.Warn("service unavailable: answering 503", "cause", cause, "err", err, "not_logged_since_last", suppressed,
		"request_id", requestID, "method", method, "path", path)
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
