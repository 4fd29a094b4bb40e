package web

import (
	"context"
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

// showReadiness answers 200 when the database and the key-value store both answer within a
// second, and 503 otherwise, so that a load balancer stops sending traffic to a node that cannot
// serve it.
func (w *server) showReadiness(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), time.Second)
	defer cancel()
	r := readiness{Database: "ok", KV: "ok"}
	status := fiber.StatusOK
	if err := w.db.Ping(ctx); err != nil {
		r.Database, status = "unavailable", fiber.StatusServiceUnavailable
	}
	if err := w.kv.Ping(ctx); err != nil {
		r.KV, status = "unavailable", fiber.StatusServiceUnavailable
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(r)
}
