package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/validate"
)

// Keys under which the request-scoped values live in fiber's Locals.
const (
	localRequestID = "request_id"
	localClientIP  = "client_ip"
)

// requestID returns the id the observe middleware gave this request.
func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// clientIP returns the address of the client as observe worked it out.
func clientIP(c *fiber.Ctx) string {
	ip, _ := c.Locals(localClientIP).(string)
	return ip
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// observe gives each request an id and its client's address, and on the way out turns an error
// into a response, counts the request in the metrics and writes one log line for it.
// NB: it must run first (right after recover), so that it sees every status, errors included.
func (h *handler) observe(c *fiber.Ctx) error {
	start := time.Now()
	entry := c.Route() // the middleware stack's route: still c.Route() if no route is reached
	rid := newRequestID()
	c.Locals(localRequestID, rid)
	c.Locals(localClientIP, h.resolveClientIP(c))
	c.Set("X-Request-ID", rid)

	if err := c.Next(); err != nil {
		if herr := h.handleError(c, err); herr != nil {
			h.log.Error("error handler failed", "request_id", rid, "err", herr)
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
	h.metrics.observe(c.Method(), route, status, elapsed)
	if route == "/healthz" || route == "/metrics" {
		return nil
	}
	h.log.Info("request",
		"request_id", rid,
		"method", c.Method(),
		"route", route,
		"path", loggedPath(c),
		"status", status,
		"duration_ms", float64(elapsed.Microseconds())/1000,
		"ip", clientIP(c),
	)
	return nil
}

// resolveClientIP is the peer's address, unless the peer is a trusted proxy: then it is the
// right-most address in X-Forwarded-For that is not itself a trusted proxy. (The left-most entry is
// whatever the client chose to send, so it is never believed.)
func (h *handler) resolveClientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !h.trusted(peer) {
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
		if !h.trusted(a) {
			return a.String()
		}
	}
	return peer.String()
}

func (h *handler) trusted(a netip.Addr) bool {
	for _, p := range h.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// contentSecurityPolicy allows this site's own styles, images and forms and nothing else: no
// script at all, no framing, no plugins, no <base>.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every response carries. HSTS is sent whenever BASE_URL is
// https, since TLS usually ends at a proxy in front of this server.
func (h *handler) securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if h.cfg.Secure() {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age="+strconv.Itoa(2*365*24*3600)+"; includeSubDomains")
	}
	return c.Next()
}

// loggedPath is the request path as it may be logged: a secret in the path (a password-reset
// token) is replaced, so that reading the log gives no one an account.
func loggedPath(c *fiber.Ctx) string {
	p := c.Path()
	if tok := c.Params("token"); tok != "" {
		p = strings.Replace(p, tok, "[redacted]", 1)
	}
	return p
}

// limitKey is the client's address as rate limits count it: an IPv6 client is its /64, the block
// one subscriber usually holds, so that it cannot get a fresh budget from each of its addresses.
func limitKey(c *fiber.Ctx) string {
	a, err := netip.ParseAddr(clientIP(c))
	if err != nil || !a.Is6() {
		return clientIP(c)
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// refuseUnstorableText answers 422, naming the field, for a query or form value that is not valid
// UTF-8 or holds a NUL character. No browser sends such text and no database would keep it as it
// is (PostgreSQL refuses it outright), so it stops here, before any handler sees it.
func (h *handler) refuseUnstorableText(c *fiber.Ctx) error {
	var errs validate.Errors
	check := func(k, v []byte) {
		if !validate.Clean(k) || !validate.Clean(v) {
			errs.Add(printable(k), "field.invalid", nil)
		}
	}
	c.Request().URI().QueryArgs().VisitAll(check)
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationForm) {
		c.Request().PostArgs().VisitAll(check)
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
