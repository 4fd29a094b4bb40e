package site

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/i18n"
)

// PageLanguage guards every page under /{lang}/: it makes the path's language the request's (see
// Lang) and remembers it in the lang cookie, which / reads; a path whose first segment is no
// interface language is a 404.
func (s *Site) PageLanguage(c *fiber.Ctx) error {
	loc := s.i18n.Localizer(c.Params("lang"))
	if loc == nil {
		return fiber.ErrNotFound
	}
	s.rememberLanguage(c, loc.Tag)
	c.Locals(localLang, loc)
	return c.Next()
}

// rememberLanguage sets the lang cookie to tag unless it says so already.
func (s *Site) rememberLanguage(c *fiber.Ctx, tag string) {
	if c.Cookies("lang") != tag {
		c.Cookie(&fiber.Cookie{
			Name: "lang", Value: tag, Path: "/", MaxAge: 365 * 24 * 3600,
			Secure: s.cfg.Secure(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		})
	}
}

// APILanguage picks the language of every API answer (texts, field errors, problem details):
// ?lang=, then Accept-Language, then English, and says which in Content-Language.
func (s *Site) APILanguage(c *fiber.Ctx) error {
	c.Locals(localLang, s.apiLocalizer(c))
	return c.Next()
}

func (s *Site) apiLocalizer(c *fiber.Ctx) *i18n.Localizer {
	tag := c.Query("lang")
	if !i18n.Supported(tag) {
		tag = s.i18n.Negotiate("", c.Get(fiber.HeaderAcceptLanguage))
	}
	c.Set(fiber.HeaderContentLanguage, tag)
	return s.i18n.Localizer(tag)
}

// Negotiated is the reader's language for a page whose address carries none (/, certificate
// verification): ?lang= when asked, else the lang cookie's, else the best match for
// Accept-Language, else English. The answer then varies with those headers.
func (s *Site) Negotiated(c *fiber.Ctx) *i18n.Localizer {
	tag := c.Query("lang")
	if !i18n.Supported(tag) {
		tag = s.i18n.Negotiate(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))
		c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage)
	}
	return s.i18n.Localizer(tag)
}

// languageOfPath splits "/fr/courses" into the French localizer and "/courses"; it returns nil
// when the path does not start with a supported language.
func (s *Site) languageOfPath(path string) (*i18n.Localizer, string) {
	rest := strings.TrimPrefix(path, "/")
	tag, tail, _ := strings.Cut(rest, "/")
	loc := s.i18n.Localizer(tag)
	if loc == nil {
		return nil, ""
	}
	return loc, "/" + tail
}
