package web

import (
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/i18n"
	"capacityhub/internal/web/templates"
)

// redirectToLanguage sends a visitor at / to the home page in their language: the lang cookie's,
// else the best match for Accept-Language, else English.
func (h *handler) redirectToLanguage(c *fiber.Ctx) error {
	tag := h.i18n.Negotiate(c.Cookies("lang"), c.Get(fiber.HeaderAcceptLanguage))
	c.Vary(fiber.HeaderCookie, fiber.HeaderAcceptLanguage)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.Redirect("/"+tag+"/", fiber.StatusSeeOther)
}

func (h *handler) showHomePage(c *fiber.Ctx) error {
	loc, err := h.pageLanguage(c)
	if err != nil {
		return err
	}
	return render(c, templates.Home(h.page(c, loc, "/", loc.T("home.title"), "home")))
}

// showComingSoon serves the sections that later releases fill in.
func (h *handler) showComingSoon(section, headingKey string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		loc, err := h.pageLanguage(c)
		if err != nil {
			return err
		}
		heading := loc.T(headingKey)
		return render(c, templates.ComingSoon(h.page(c, loc, "/"+section, heading+" · "+loc.T("site.name"), section), heading))
	}
}

// pageLanguage returns the localizer for the language in the path, or 404 when the path does not
// start with one. It remembers the choice in the lang cookie, which / reads.
func (h *handler) pageLanguage(c *fiber.Ctx) (*i18n.Localizer, error) {
	loc := h.i18n.Localizer(c.Params("lang"))
	if loc == nil {
		return nil, fiber.ErrNotFound
	}
	if c.Cookies("lang") != loc.Tag {
		c.Cookie(&fiber.Cookie{
			Name: "lang", Value: loc.Tag, Path: "/", MaxAge: 365 * 24 * 3600,
			Secure: h.cfg.Secure(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		})
	}
	return loc, nil
}

// languageOfPath splits "/fr/courses" into the French localizer and "/courses"; it returns nil
// when the path does not start with a supported language.
func (h *handler) languageOfPath(path string) (*i18n.Localizer, string) {
	rest := strings.TrimPrefix(path, "/")
	tag, tail, _ := strings.Cut(rest, "/")
	loc := h.i18n.Localizer(tag)
	if loc == nil {
		return nil, ""
	}
	return loc, "/" + tail
}

// page fills the layout's data. path is the page's address after the language prefix. A signed-in
// reader's pages carry a CSRF token (the sign-out button is a form); anonymous pages get one only
// when they hold a form, from the handler.
func (h *handler) page(c *fiber.Ctx, loc *i18n.Localizer, path, title, section string) templates.Page {
	p := templates.Page{L: loc, Title: title, Path: path, Section: section, Assets: h.assets.urls, User: currentUser(c)}
	if p.User != nil || c.Method() != fiber.MethodGet || formPages[section] {
		p.CSRF = h.csrfToken(c)
	}
	return p
}

// formPages are the sections whose pages hold a form even for an anonymous reader.
var formPages = map[string]bool{"login": true, "register": true, "password": true}

// countryName is a country's name in language tag, from the names computed at start-up.
func (h *handler) countryName(tag, code string) string {
	if name, ok := h.countryNames[tag][code]; ok {
		return name
	}
	return code
}

// render writes a templ component as the HTML response. Pages may differ per visitor (sign-in
// state, CSRF tokens), so shared caches must not keep them; browsers revalidate with the ETag.
func render(c *fiber.Ctx, component templ.Component) error {
	c.Type("html", "utf-8")
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
	}
	return component.Render(c.UserContext(), c.Response().BodyWriter())
}
