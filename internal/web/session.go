package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/i18n"
	"capacityhub/internal/moderation"
)

// Locals keys for who is asking.
const (
	localUser   = "user"   // *auth.User, when signed in
	localClaims = "claims" // *auth.AccessClaims, for API requests with a bearer token
)

// currentUser is the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *auth.User {
	u, _ := c.Locals(localUser).(*auth.User)
	return u
}

// sessionCookie is the session cookie's name: with https, the __Host- prefix binds it to this
// host and path / and demands Secure.
func (h *handler) sessionCookie() string {
	if h.cfg.Secure() {
		return "__Host-session"
	}
	return "session"
}

// identify finds out who is asking: pages by the session cookie, the API by a bearer token. A
// missing or expired credential leaves the request anonymous; a bad bearer token is a 401, since
// an API client that sends one expects to be someone. Routes decide what anonymity may do.
func (h *handler) identify(c *fiber.Ctx) error {
	c.SetUserContext(moderation.WithClientIP(c.UserContext(), clientIP(c)))
	if isAPI(c) {
		authz := c.Get(fiber.HeaderAuthorization)
		if authz == "" {
			return c.Next()
		}
		scheme, token, ok := strings.Cut(authz, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return fiber.NewError(fiber.StatusUnauthorized, "Authorization must be: Bearer <access token>.")
		}
		claims, err := h.auth.ParseAccessToken(c.UserContext(), strings.TrimSpace(token))
		if err != nil {
			return tokenError(err)
		}
		u, err := h.auth.UserForToken(c.UserContext(), claims)
		if err != nil {
			return tokenError(err)
		}
		c.Locals(localUser, u)
		c.Locals(localClaims, claims)
		return c.Next()
	}
	token := c.Cookies(h.sessionCookie())
	if token == "" {
		return c.Next()
	}
	u, err := h.auth.SessionUser(c.UserContext(), token)
	switch {
	case err == nil:
		c.Locals(localUser, u)
	case errors.Is(err, auth.ErrSessionExpired):
		h.clearSessionCookie(c)
		// NB: the rest of this request (the CSRF token of its forms) must not see the dead id.
		c.Request().Header.DelCookie(h.sessionCookie())
	default:
		// The session store is down: serve the page as to a visitor; writes will answer 503.
		h.log.Warn("session lookup failed", "request_id", requestID(c), "err", err)
	}
	return c.Next()
}

func tokenError(err error) error {
	if errors.Is(err, auth.ErrInvalidToken) {
		return fiber.NewError(fiber.StatusUnauthorized, "The access token is invalid, expired or revoked.")
	}
	return err
}

func (h *handler) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name: h.sessionCookie(), Value: token, Path: "/", HTTPOnly: true, Secure: h.cfg.Secure(),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(auth.SessionMaxAge.Seconds()),
	})
}

// clearSessionCookie tells the browser to delete the session cookie (an expiry in the past;
// fasthttp writes nothing for a negative MaxAge).
func (h *handler) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: h.sessionCookie(), Value: "", Path: "/", HTTPOnly: true, Secure: h.cfg.Secure(),
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0),
	})
}

// requireUser returns the signed-in user or the error that sends an anonymous visitor to sign
// in (401 for the API; pages redirect to the sign-in form).
func requireUser(c *fiber.Ctx) (*auth.User, error) {
	if u := currentUser(c); u != nil {
		return u, nil
	}
	return nil, auth.ErrUnauthenticated
}

// pageUser is the start of every page for signed-in readers: the page's language, and the user
// (or the error that sends a visitor to sign in).
func (h *handler) pageUser(c *fiber.Ctx) (*i18n.Localizer, *auth.User, error) {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return nil, nil, err
	}
	u, err := requireUser(c)
	return loc, u, err
}
