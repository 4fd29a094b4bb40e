package web

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

const csrfField = "csrf_token"

func (h *handler) csrfCookieName() string {
	if h.cfg.Secure() {
		return "__Host-csrf"
	}
	return "csrf"
}

// csrfToken returns the token for the forms of this response, setting the csrf cookie first when
// the browser has none.
func (h *handler) csrfToken(c *fiber.Ctx) string {
	seed := c.Cookies(h.csrfCookieName())
	if len(seed) < 32 {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		seed = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: h.csrfCookieName(), Value: seed, Path: "/", HTTPOnly: true,
			Secure: h.cfg.Secure(), SameSite: fiber.CookieSameSiteLaxMode})
		// NB: later reads in this request must see the new value.
		c.Request().Header.SetCookie(h.csrfCookieName(), seed)
	}
	return h.csrfFor(seed, c.Cookies(h.sessionCookie()))
}

func (h *handler) csrfFor(seed, session string) string {
	m := hmac.New(sha256.New, h.csrfKey)
	m.Write([]byte(seed))
	m.Write([]byte{0})
	m.Write([]byte(session))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF guards every state-changing page request. It answers 403 with a page that asks the
// reader to go back and try again (their form was probably opened before they signed in or
// out).
func (h *handler) checkCSRF(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead || isAPI(c) {
		return c.Next()
	}
	if site := c.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return errCSRF
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		o, err := url.Parse(origin)
		if err != nil || o.Scheme != h.cfg.BaseURL.Scheme || o.Host != h.cfg.BaseURL.Host {
			return errCSRF
		}
	}
	seed := c.Cookies(h.csrfCookieName())
	sent := formValue(c, csrfField)
	if len(seed) < 32 || !hmac.Equal([]byte(sent), []byte(h.csrfFor(seed, c.Cookies(h.sessionCookie())))) {
		return errCSRF
	}
	return c.Next()
}

var errCSRF = fiber.NewError(fiber.StatusForbidden, "The form has expired or did not come from this site.")
