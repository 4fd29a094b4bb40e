package web

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// showHealth answers that the process is alive; it checks nothing else.
func (w *server) showHealth(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}

// readiness is the body of /readyz.
type readiness struct {
	Database string `json:"database"`
	KV       string `json:"kv"`
}

// readinessFresh is how long a readiness check stands: /readyz pings the database and the store
// at most this often, however many ask.
const readinessFresh = time.Second

// readinessCache holds the last readiness check. NB: the mutex is held during a check, so that
// requests arriving meanwhile wait for its answer instead of pinging too.
type readinessCache struct {
	mu      sync.Mutex
	checked time.Time
	state   readiness
	status  int
}

// showReadiness answers 200 when the database and the key-value store both answered within a
// second at the last check (at most readinessFresh ago), and 503 otherwise, so that a load
// balancer stops sending traffic to a node that cannot serve it.
func (w *server) showReadiness(c *fiber.Ctx) error {
	r := &w.ready
	r.mu.Lock()
	if time.Since(r.checked) >= readinessFresh {
		r.state, r.status = w.checkReadiness()
		r.checked = time.Now()
	}
	state, status := r.state, r.status
	r.mu.Unlock()
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(state)
}

func (w *server) checkReadiness() (readiness, int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r := readiness{Database: "ok", KV: "ok"}
	status := fiber.StatusOK
	if err := w.db.Ping(ctx); err != nil {
		r.Database, status = "unavailable", fiber.StatusServiceUnavailable
	}
	if err := w.kv.Ping(ctx); err != nil {
		r.KV, status = "unavailable", fiber.StatusServiceUnavailable
	}
	return r, status
}
