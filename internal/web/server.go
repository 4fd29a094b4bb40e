// Package web is Capacity Hub's HTTP surface on Fiber: the middleware, THE route table
// (routes.go), the operational endpoints (health, metrics, static files, the OpenAPI document)
// and the home page. Each domain's pages and API live in a package of their own (accountweb,
// courseweb…) on the shared kernel in site; this package wires them. It knows nothing of SQL.
package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/etag"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/pages"
	"capacityhub/internal/web/accountweb"
	"capacityhub/internal/web/courseweb"
	"capacityhub/internal/web/site"
)

// Deps are what the web layer is built from; the app package wires them.
type Deps struct {
	Config  *config.Config
	DB      Database // the database, which readiness and metrics ping; the web layer runs no SQL
	KV      kv.Store
	I18n    *i18n.Bundle
	Logger  *slog.Logger
	Auth    *auth.Service
	Audit   *moderation.AuditLog
	Courses *course.Service
	Pages   *pages.Set // the information pages (privacy notice, about, contact)
	Metrics *Metrics   // where requests are counted; NewMetrics on DB and KV when nil
}

// Pinger is what the operational endpoints need of the database: whether it answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Database is what the web layer needs of the database: whether it answers, and whether an error
// means that it is out of reach (503) rather than a fault (500).
type Database interface {
	Pinger
	Unavailable(err error) bool
}

// Limits on what one request may take.
const (
	// BodyLimit is the largest form or JSON body accepted: 1 MiB.
	BodyLimit    = 1 << 20
	readTimeout  = 15 * time.Second
	writeTimeout = 30 * time.Second
	idleTimeout  = 120 * time.Second
)

// server holds the kernel, the domains' handlers and the operational endpoints' dependencies.
type server struct {
	site    *site.Site
	account *accountweb.Handler
	course  *courseweb.Handler
	pages   *pages.Set
	db      Pinger
	kv      kv.Store
	assets  *staticAssets
	metrics *Metrics
	ready   readinessCache
}

// New builds the Fiber application with its middleware and routes.
func New(d Deps) (*fiber.App, error) {
	assets, err := loadStaticAssets()
	if err != nil {
		return nil, err
	}
	s := site.New(site.Deps{Config: d.Config, I18n: d.I18n, Logger: d.Logger, Auth: d.Auth, KV: d.KV, Assets: assets.urls,
		Unavailable: d.DB.Unavailable, ContentGeneration: d.Courses.ContentGeneration})
	if d.Metrics == nil {
		d.Metrics = NewMetrics(d.DB, d.KV)
	}
	w := &server{site: s, pages: d.Pages, db: d.DB, kv: d.KV, assets: assets, metrics: d.Metrics,
		account: accountweb.New(s, d.Auth, d.Courses, d.Audit),
		course:  courseweb.New(s, d.Courses)}
	app := fiber.New(fiber.Config{
		AppName:               "Capacity Hub",
		ServerHeader:          "",
		DisableStartupMessage: true,
		ErrorHandler:          s.HandleError,
		BodyLimit:             BodyLimit,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		IdleTimeout:           idleTimeout,
		ReadBufferSize:        16 << 10, // room for long cookies and Accept-Language headers
		// NB: values from the request (params, form fields, headers) are copies, safe to keep
		// after the handler returns; without this Fiber reuses their memory for the next request.
		Immutable: true,
	})
	app.Hooks().OnShutdown(s.Close)
	s.GuardServer(app) // refusals answered before any middleware (413, 431, unknown methods) go through HandleError
	app.Use(s.Observe(w.metrics.observe))
	app.Use(recover.New())
	app.Use(s.SecurityHeaders)
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	app.Use(s.RefuseUnstorableText)
	app.Use(s.Identify)
	// NB: weak, as one tag covers every content-coding of a body. A signed-in reader's pages are
	// personal and never stored (no-store), so they get none: hashing each (a slow CRC) was a
	// fifth of a signed-in page's time.
	app.Use(etag.New(etag.Config{Weak: true, Next: func(c *fiber.Ctx) bool { return site.User(c) != nil }}))
	app.Use(s.NoStoreWhenSignedIn)
	app.Use(s.LimitAnonymous)
	app.Use(s.ServeFromPageCache) // visitors' pages that their handlers call site.Cacheable
	w.routes(app)
	return app, nil
}
