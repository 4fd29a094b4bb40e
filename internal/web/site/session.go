package site

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/moderation"
)

// sessionCookie is the session cookie's name: with https, the __Host- prefix binds it to this
// host and path / and demands Secure.
func (s *Site) sessionCookie() string {
	if s.cfg.Secure() {
		return "__Host-session"
	}
	return "session"
}

// SessionToken is the session cookie this request came with ("" for none).
func (s *Site) SessionToken(c *fiber.Ctx) string { return c.Cookies(s.sessionCookie()) }

// Identify finds out who is asking: pages by the session cookie, the API by a bearer token. A
// missing or expired credential leaves the request anonymous; a bad bearer token is a 401, since
// an API client that sends one expects to be someone. Routes decide what anonymity may do.
func (s *Site) Identify(c *fiber.Ctx) error {
	c.SetUserContext(moderation.WithClientIP(c.UserContext(), ClientIP(c)))
	if IsAPI(c) {
		authz := c.Get(fiber.HeaderAuthorization)
		if authz == "" {
			return c.Next()
		}
		scheme, token, ok := strings.Cut(authz, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return errBearerMalformed
		}
		claims, err := s.auth.ParseAccessToken(c.UserContext(), strings.TrimSpace(token))
		if err != nil {
			return tokenError(err)
		}
		u, err := s.auth.UserForToken(c.UserContext(), claims)
		if err != nil {
			return tokenError(err)
		}
		c.Locals(localUser, u)
		c.Locals(localClaims, claims)
		return c.Next()
	}
	token := s.SessionToken(c)
	if token == "" {
		return c.Next()
	}
	u, err := s.auth.SessionUser(c.UserContext(), token)
	switch {
	case err == nil:
		c.Locals(localUser, u)
	case errors.Is(err, auth.ErrSessionExpired):
		s.ClearSessionCookie(c)
		// NB: the rest of this request (the CSRF token of its forms) must not see the dead id.
		c.Request().Header.DelCookie(s.sessionCookie())
	default:
		// The session store or the database is down: serve a page open to visitors as to a
		// visitor; one that needs the user answers 503 (see SignedIn), and so do writes.
		c.Locals(localIdentifyErr, err)
		s.noteOutage(err, RequestID(c), c.Method(), LoggedPath(c))
	}
	return c.Next()
}

func tokenError(err error) error {
	if errors.Is(err, auth.ErrInvalidToken) {
		return errAccessTokenInvalid
	}
	return err
}

// StartSession signs u in on this browser: any session it had ends, and a new one, with a new
// id, begins.
func (s *Site) StartSession(c *fiber.Ctx, u *auth.User) error {
	if old := s.SessionToken(c); old != "" {
		_ = s.auth.EndSession(c.UserContext(), old)
	}
	token, err := s.auth.StartSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: s.sessionCookie(), Value: token, Path: "/", HTTPOnly: true, Secure: s.cfg.Secure(),
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(auth.SessionMaxAge.Seconds()),
	})
	return nil
}

// ClearSessionCookie tells the browser to delete the session cookie (an expiry in the past;
// fasthttp writes nothing for a negative MaxAge).
func (s *Site) ClearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: s.sessionCookie(), Value: "", Path: "/", HTTPOnly: true, Secure: s.cfg.Secure(),
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0),
	})
}
