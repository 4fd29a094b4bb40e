package app

import (
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/course"
	"capacityhub/internal/db"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
	"capacityhub/internal/moderation"
	"capacityhub/internal/notify"
	"capacityhub/internal/pages"
	"capacityhub/internal/web"
	"capacityhub/locales"
)

// Services are the domain services one server runs on, built by NewServices.
type Services struct {
	I18n    *i18n.Bundle
	Outbox  *notify.Outbox
	Audit   *moderation.AuditLog
	Auth    *auth.Service
	Courses *course.Service
	Pages   *pages.Set // the privacy notice, about and contact pages
}

// NewServices builds the domain services on an open database and store. Serve and the tests'
// servers (internal/web/webtest) both build them here, so that a test runs what serve runs.
func NewServices(cfg *config.Config, database *db.DB, store kv.Store, log *slog.Logger) (*Services, error) {
	bundle, err := i18n.Load(locales.FS)
	if err != nil {
		return nil, err
	}
	outbox, err := notify.NewOutbox(database, cfg.SMTPURL, log)
	if err != nil {
		return nil, &config.Error{Name: "SMTP_URL", Err: err}
	}
	auditLog := moderation.NewAuditLog(database)
	info, err := pages.Load(PageSources(cfg))
	if err != nil {
		return nil, &config.Error{Name: "CONTENT_DIR", Err: err}
	}
	return &Services{I18n: bundle, Outbox: outbox, Audit: auditLog, Pages: info,
		Auth:    NewAccounts(cfg, database, store, auditLog, outbox, log),
		Courses: course.New(database, auditLog, log, cfg.SecretKey)}, nil
}

// NewWeb builds the web layer on the services, and the handler of its metrics, which Serve puts
// on METRICS_ADDR.
func NewWeb(cfg *config.Config, database *db.DB, store kv.Store, svc *Services, log *slog.Logger) (*fiber.App, http.Handler, error) {
	m := web.NewMetrics(database, store)
	a, err := web.New(web.Deps{Config: cfg, DB: database, KV: store, I18n: svc.I18n, Logger: log,
		Auth: svc.Auth, Audit: svc.Audit, Courses: svc.Courses, Pages: svc.Pages, Metrics: m})
	return a, m.Handler(), err
}
