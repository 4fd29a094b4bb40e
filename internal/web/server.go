// Package web is Capacity Hub's HTTP surface: the server-rendered pages, the JSON API and the
// operational endpoints, on Fiber. It knows nothing of SQL; it calls the domain packages.
package web

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/etag"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/web/templates"
)

// Deps are what the web layer is built from; the app package wires them.
type Deps struct {
	Config  *config.Config
	DB      *db.DB
	KV      kv.Store
	I18n    *i18n.Bundle
	Logger  *slog.Logger
	Auth    *auth.Service
	Audit   *moderation.AuditLog
	Courses *course.Service
}

// Limits on what one request may take.
const (
	bodyLimit    = 1 << 20 // 1 MiB: the largest form or JSON body accepted
	readTimeout  = 15 * time.Second
	writeTimeout = 30 * time.Second
	idleTimeout  = 120 * time.Second
)

// handler holds the dependencies that every route handler uses.
type handler struct {
	cfg     *config.Config
	db      *db.DB
	kv      kv.Store
	i18n    *i18n.Bundle
	log     *slog.Logger
	assets  *staticAssets
	metrics *metrics
	auth    *auth.Service
	audit   *moderation.AuditLog
	courses *course.Service
	limiter *limiter
	csrfKey []byte
	// countryOptions are the countries named and sorted for each language, and countryNames the
	// same names by code; both computed once.
	countryOptions map[string][]templates.Option
	countryNames   map[string]map[string]string
}

// New builds the Fiber application with its middleware and routes.
func New(d Deps) (*fiber.App, error) {
	assets, err := loadStaticAssets()
	if err != nil {
		return nil, err
	}
	h := &handler{
		cfg: d.Config, db: d.DB, kv: d.KV, i18n: d.I18n, log: d.Logger, auth: d.Auth, audit: d.Audit, courses: d.Courses,
		assets: assets, metrics: newMetrics(d.DB, d.KV), limiter: newLimiter(d.KV),
		csrfKey: config.DeriveKey(d.Config.SecretKey, "web/csrf"), countryOptions: map[string][]templates.Option{}, countryNames: map[string]map[string]string{},
	}
	for _, lang := range i18n.Languages {
		for _, c := range auth.Countries(lang.Tag) {
			h.countryOptions[lang.Tag] = append(h.countryOptions[lang.Tag], templates.Option{Value: c.Code, Label: c.Name})
			if h.countryNames[lang.Tag] == nil {
				h.countryNames[lang.Tag] = map[string]string{}
			}
			h.countryNames[lang.Tag][c.Code] = c.Name
		}
	}
	app := fiber.New(fiber.Config{
		AppName:               "Capacity Hub",
		ServerHeader:          "",
		DisableStartupMessage: true,
		ErrorHandler:          h.handleError,
		BodyLimit:             bodyLimit,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		IdleTimeout:           idleTimeout,
		ReadBufferSize:        16 << 10, // room for long cookies and Accept-Language headers
		// NB: values from the request (params, form fields, headers) are copies, safe to keep
		// after the handler returns; without this Fiber reuses their memory for the next request.
		Immutable: true,
	})
	app.Hooks().OnShutdown(h.limiter.Close)
	app.Use(h.observe)
	app.Use(recover.New())
	app.Use(h.securityHeaders)
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	app.Use(etag.New(etag.Config{Weak: true})) // NB: weak, as one tag covers every content-coding of a body
	app.Use(h.refuseUnstorableText)
	app.Use(h.identify)
	app.Use(h.limitAnonymousRequests)
	h.routes(app)
	return app, nil
}
