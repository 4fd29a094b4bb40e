// Package site is the kernel every web package shares and no domain owns: who is asking and in
// which language, the guards that stand on routes (sign-in, role, CSRF, write limits), rendering,
// redirects and the URL builder, flash notices, problem+json and error pages, JSON and form
// input, and the layout and form templates. A domain's web package (accountweb, courseweb…)
// imports site and its domain services, never another web package.
package site

import (
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/config"
	"capacityhub/internal/i18n"
	"capacityhub/internal/kv"
)

// Deps are what the kernel is built from.
type Deps struct {
	Config *config.Config
	I18n   *i18n.Bundle
	Logger *slog.Logger
	Auth   *auth.Service // who a session cookie or bearer token belongs to
	KV     kv.Store      // rate limits, shared by every node
	Assets Assets        // the static files' content-hashed addresses
	// Unavailable tells a database failure that is the database being out of reach (answered
	// 503, try again) from a fault (500).
	Unavailable func(error) bool
	// ContentGeneration is the generation of the course content (course.Service): the page cache
	// keeps visitors' pages under it. Nil: no page cache.
	ContentGeneration func() uint64
}

// Site holds what the shared handlers and guards need. One is built at start-up and shared by
// every request.
type Site struct {
	cfg     *config.Config
	i18n    *i18n.Bundle
	log     *slog.Logger
	auth    *auth.Service
	limiter *limiter
	reads   *readLimiter // the per-node front of AnonymousLimit (readlimit.go)
	csrfKey []byte
	assets  Assets
	// dbUnavailable is Deps.Unavailable; notices logs what repeats (an outage's 503s, forms from
	// another address) once per interval.
	dbUnavailable func(error) bool
	notices       throttledLog
	base          string     // BASE_URL without its trailing slash
	pageCache     *pageCache // nil without Deps.ContentGeneration (pagecache.go)
}

// New builds the kernel. Close releases what it started.
func New(d Deps) *Site {
	l := newLimiter(d.KV)
	return &Site{limiter: l, reads: newReadLimiter(l, AnonymousLimit), cfg: d.Config, i18n: d.I18n, log: d.Logger, auth: d.Auth,
		csrfKey: config.DeriveKey(d.Config.SecretKey, "web/csrf"), assets: d.Assets, dbUnavailable: d.Unavailable,
		base: strings.TrimSuffix(d.Config.BaseURL.String(), "/"), pageCache: newPageCache(d.ContentGeneration)}
}

// Close stops the rate limiter's in-process fallback.
func (s *Site) Close() error { return s.limiter.Close() }

// Config is the server's configuration.
func (s *Site) Config() *config.Config { return s.cfg }

// BaseURL is BASE_URL without its trailing slash: the start of every absolute address the site
// writes (canonical links, sitemap, robots.txt, data exports).
func (s *Site) BaseURL() string { return s.base }

// Log is the server's logger.
func (s *Site) Log() *slog.Logger { return s.log }

// I18n is the translations bundle.
func (s *Site) I18n() *i18n.Bundle { return s.i18n }

// Keys under which the request-scoped values live in fiber's Locals.
const (
	localRequestID = "request_id"
	localClientIP  = "client_ip"
	localLang      = "lang"   // *i18n.Localizer, set by PageLanguage or APILanguage
	localUser      = "user"   // *auth.User, when signed in
	localClaims    = "claims" // *auth.AccessClaims, for API requests with a bearer token
	// localIdentifyErr is why a session cookie's user could not be looked up (a store down).
	localIdentifyErr = "identify_err"
)

// RequestID is the id Observe gave this request.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// ClientIP is the address of the client as Observe worked it out.
func ClientIP(c *fiber.Ctx) string {
	ip, _ := c.Locals(localClientIP).(string)
	return ip
}

// Lang is the request's language: the path's on pages, the negotiated one on the API. It is
// never nil behind PageLanguage or APILanguage, which every route of those surfaces stands
// behind.
func Lang(c *fiber.Ctx) *i18n.Localizer {
	l, _ := c.Locals(localLang).(*i18n.Localizer)
	return l
}

// SetLang makes loc the request's language (for a page outside the /{lang}/ tree).
func SetLang(c *fiber.Ctx, loc *i18n.Localizer) { c.Locals(localLang, loc) }

// User is the signed-in user, or nil.
func User(c *fiber.Ctx) *auth.User {
	u, _ := c.Locals(localUser).(*auth.User)
	return u
}

// Claims are the access token's claims of an API request signed in with a bearer token, or nil.
func Claims(c *fiber.Ctx) *auth.AccessClaims {
	cl, _ := c.Locals(localClaims).(*auth.AccessClaims)
	return cl
}
