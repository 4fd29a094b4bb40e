package site

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/validate"
)

// CSRF protection for the HTML forms, in two layers:
//  1. the browser's own word: a request whose Sec-Fetch-Site is cross-site, or whose Origin is
//     another site, is refused;
//  2. a token in every form: HMAC(key, csrf cookie | session token). The csrf cookie is random per
//     browser, so a token is bound to this browser and, once signed in, to this session.
//
// The API is not affected: it takes no cookies, only bearer tokens, which a browser never sends
// on its own.

// CSRFField is the name of the hidden field that carries a form's token.
const CSRFField = "csrf_token"

func (s *Site) csrfCookieName() string {
	if s.cfg.Secure() {
		return "__Host-csrf"
	}
	return "csrf"
}

// CSRFToken returns the token for the forms of this response, setting the csrf cookie first when
// the browser has none.
func (s *Site) CSRFToken(c *fiber.Ctx) string {
	seed := c.Cookies(s.csrfCookieName())
	if len(seed) < 32 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: s.csrfCookieName(), Value: seed, Path: "/", HTTPOnly: true,
			Secure: s.cfg.Secure(), SameSite: fiber.CookieSameSiteLaxMode})
		// NB: later reads in this request must see the new value.
		c.Request().Header.SetCookie(s.csrfCookieName(), seed)
	}
	return s.csrfFor(seed, s.SessionToken(c))
}

func (s *Site) csrfFor(seed, session string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(seed))
	m.Write([]byte{0})
	m.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ownOrigin tells whether a form's Origin is this site: BASE_URL's scheme and host or, while
// BASE_URL is left at its default (a laptop, a first try), the address this request was sent to,
// so that a form works at http://127.0.0.1:8080 or from a phone on the LAN as at localhost. NB:
// Sec-Fetch-Site (checked first) already refuses a cross-site form; this is the older browsers'
// check, and the one that names what is wrong when BASE_URL is set and the site is opened at
// another address.
func (s *Site) ownOrigin(c *fiber.Ctx, origin string) bool {
	o, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if o.Scheme == s.cfg.BaseURL.Scheme && o.Host == s.cfg.BaseURL.Host {
		return true
	}
	return !s.cfg.BaseURLSet && o.Scheme == c.Protocol() && o.Host == string(c.Request().Host())
}

// originError is a form refused because it was sent from another address than BASE_URL.
type originError struct{ origin, base string }

func (e *originError) Error() string {
	return fmt.Sprintf("site: form sent from %s, not from BASE_URL %s", e.origin, e.base)
}

func (e *originError) Unwrap() error { return errCSRF }

// CheckCSRF guards every page form (every POST under /{lang}/; the route table puts it there).
// It answers 403 with a page that asks the reader to go back and try again (their form was
// probably opened before they signed in or out).
func (s *Site) CheckCSRF(c *fiber.Ctx) error {
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return errCSRF
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && !s.ownOrigin(c, origin) {
		base := s.base
		s.notices.note(s.log, "form refused: sent from an address that is not BASE_URL", "origin",
			"origin", origin, "base_url", base, "fix", "open the site at BASE_URL, or set BASE_URL to the address people use",
			"request_id", RequestID(c), "path", LoggedPath(c))
		return &originError{origin: validate.Truncate(origin, 200), base: base}
	}
	seed := c.Cookies(s.csrfCookieName())
	sent := FormValue(c, CSRFField)
	if len(seed) < 32 || !hmac.Equal([]byte(sent), []byte(s.csrfFor(seed, s.SessionToken(c)))) {
		return errCSRF
	}
	return c.Next()
}
