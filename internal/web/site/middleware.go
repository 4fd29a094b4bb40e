package site

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"iter"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/validate"
)

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Observer is told of every answered request, for the metrics.
type Observer func(method, route string, status int, elapsed time.Duration)

// Observe gives each request an id and its client's address, and on the way out turns an error
// into a response, tells observer of the request and writes one log line for it.
// NB: it must run first (right after recover), so that it sees every status, errors included.
func (s *Site) Observe(observer Observer) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		entry := c.Route() // the middleware stack's route: still c.Route() if no route is reached
		rid := newRequestID()
		c.Locals(localRequestID, rid)
		c.Locals(localClientIP, s.resolveClientIP(c))
		c.Set("X-Request-ID", rid)

		if err := c.Next(); err != nil {
			if herr := s.HandleError(c, err); herr != nil {
				s.log.Error("error handler failed", "request_id", rid, "err", herr)
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}

		status := c.Response().StatusCode()
		route := c.Route().Path
		switch {
		case status == fiber.StatusNotFound || status == fiber.StatusMethodNotAllowed:
			route = "(unmatched)" // NB: keeps scanners' random paths out of the metrics' label set
		case c.Route() == entry:
			// Answered by a middleware (a rate limit, the store down) before any route: its route
			// would read "/", as if it were the home redirect.
			route = "(middleware)"
		}
		elapsed := time.Since(start)
		observer(c.Method(), route, status, elapsed)
		if route == "/healthz" || route == "/metrics" {
			return nil
		}
		s.log.Info("request",
			"request_id", rid,
			"method", c.Method(),
			"route", route,
			"path", LoggedPath(c),
			"status", status,
			"duration_ms", float64(elapsed.Microseconds())/1000,
			"ip", ClientIP(c),
		)
		return nil
	}
}

// resolveClientIP is the peer's address, unless the peer is a trusted proxy: then it is the
// right-most address in X-Forwarded-For that is not itself a trusted proxy. (The left-most entry is
// whatever the client chose to send, so it is never believed.)
func (s *Site) resolveClientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !s.trusted(peer) {
		return peer.String()
	}
	// NB: a proxy may add its own X-Forwarded-For line rather than append to the client's: every
	// line counts, in order, or the client's own line would be believed.
	var all []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		all = append(all, string(v))
	}
	hops := strings.Split(strings.Join(all, ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		a = a.Unmap()
		if !s.trusted(a) {
			return a.String()
		}
	}
	return peer.String()
}

func (s *Site) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// contentSecurityPolicy allows this site's own styles, images and forms and nothing else: no
// script at all, no framing, no plugins, no <base>. NB: connect-src 'self' changes nothing for the
// pages, which run no script; it lets audit tools that fetch from inside the page (Lighthouse
// reads /robots.txt so) reach this site, and nothing else.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// SecurityHeaders sets the headers every response carries (see setSecurityHeaders).
func (s *Site) SecurityHeaders(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	return c.Next()
}

// setSecurityHeaders sets the headers every response carries. HSTS is sent whenever BASE_URL is
// https, since TLS usually ends at a proxy in front of this server.
// NB: HandleError sets them too: Fiber answers some refusals (413, 431, a request it cannot
// parse, an unknown method) before any middleware has run.
func (s *Site) setSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if s.cfg.Secure() {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age="+strconv.Itoa(2*365*24*3600)+"; includeSubDomains")
	}
}

// NoStoreWhenSignedIn keeps every answer to a signed-in user (a session cookie that named one,
// or a bearer token) out of every cache, the browser's included: it says Cache-Control: no-store
// on the way out, over the "private, no-cache" pages carry for visitors. It runs after Identify.
// An answer its handler declared "public" (a static file, the OpenAPI document) is the same for
// everyone and keeps its cache life. Errors need nothing here: HandleError sends no-store.
func (s *Site) NoStoreWhenSignedIn(c *fiber.Ctx) error {
	err := c.Next()
	if err != nil || User(c) == nil {
		return err
	}
	cc := c.Response().Header.Peek(fiber.HeaderCacheControl)
	if !bytes.Contains(cc, []byte("no-store")) && !bytes.HasPrefix(cc, []byte("public")) {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return nil
}

// LoggedPath is the request path as it may be logged: a secret in the path (a password-reset
// token) is replaced, so that reading the log gives no one an account.
func LoggedPath(c *fiber.Ctx) string {
	p := c.Path()
	if tok := c.Params("token"); tok != "" {
		p = strings.Replace(p, tok, "[redacted]", 1)
	}
	return p
}

// LimitKey is the client's address as rate limits count it: an IPv6 client is its /64, the block
// one subscriber usually holds, so that it cannot get a fresh budget from each of its addresses.
func LimitKey(c *fiber.Ctx) string {
	a, err := netip.ParseAddr(ClientIP(c))
	if err != nil || !a.Is6() {
		return ClientIP(c)
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// RefuseUnstorableText answers 422, naming the field, for a query or form value that is not valid
// UTF-8 or holds a NUL character. No browser sends such text and no database would keep it as it
// is (PostgreSQL refuses it outright), so it stops here, before any handler sees it.
func (s *Site) RefuseUnstorableText(c *fiber.Ctx) error {
	var errs validate.Errors
	check := func(args iter.Seq2[[]byte, []byte]) {
		for k, v := range args {
			if !validate.Clean(k) || !validate.Clean(v) {
				errs.Add(printable(k), "field.invalid", nil)
			}
		}
	}
	check(c.Request().URI().QueryArgs().All())
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationForm) {
		check(c.Request().PostArgs().All())
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return c.Next()
}

// printable is b as text that can be shown and logged: NUL and bytes that are not UTF-8 become
// U+FFFD.
func printable(b []byte) string {
	return strings.ToValidUTF8(strings.ReplaceAll(string(b), "\x00", "\uFFFD"), "\uFFFD")
}
