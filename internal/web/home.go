package web

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/web/site"
)

// redirectToLanguage sends a visitor at / to the home page in their language: the lang cookie's,
// else the best match for Accept-Language, else English.
func (w *server) redirectToLanguage(c *fiber.Ctx) error {
	tag := w.site.I18n().Negotiate(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))
	c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return site.Redirect(c, site.Path(tag)+"/")
}

func (w *server) showHomePage(c *fiber.Ctx) error {
	site.Cacheable(c) // for a visitor: the same for every one
	loc := site.Lang(c)
	return site.Render(c, Home(w.site.Page(c, "/", loc.T("home.title"), "home")))
}

// showComingSoon serves the sections that later releases fill in.
func (w *server) showComingSoon(section, headingKey string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		loc := site.Lang(c)
		heading := loc.T(headingKey)
		return site.Render(c, ComingSoon(w.site.Page(c, site.Path(section), heading+" · "+loc.T("site.name"), section), heading))
	}
}
