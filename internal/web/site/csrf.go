package site

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"

	"github.com/gofiber/fiber/v2"
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

// CheckCSRF guards every page form (every POST under /{lang}/; the route table puts it there).
// It answers 403 with a page that asks the reader to go back and try again (their form was
// probably opened before they signed in or out).
func (s *Site) CheckCSRF(c *fiber.Ctx) error {
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return errCSRF
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		o, err := url.Parse(origin)
		if err != nil || o.Scheme != s.cfg.BaseURL.Scheme || o.Host != s.cfg.BaseURL.Host {
			return errCSRF
		}
	}
	seed := c.Cookies(s.csrfCookieName())
	sent := FormValue(c, CSRFField)
	if len(seed) < 32 || !hmac.Equal([]byte(sent), []byte(s.csrfFor(seed, s.SessionToken(c)))) {
		return errCSRF
	}
	return c.Next()
}
