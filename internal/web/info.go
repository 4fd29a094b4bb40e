package web

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/web/site"
)

// InfoPage is an information page: the privacy notice, about or contact (internal/pages), and
// for contact the address CONTACT_EMAIL gives, if any.
type InfoPage struct {
	site.Page
	HTML         string // sanitized by internal/markdown
	Contact      bool
	ContactEmail string
}

// showInfoPage serves the information page slug in the reader's language; every page exists in
// every language (pages.Load refuses to start otherwise).
func (w *server) showInfoPage(slug string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		site.Cacheable(c) // for a visitor: the same for every one
		loc := site.Lang(c)
		p, ok := w.pages.Page(slug, loc.Tag)
		if !ok {
			return fiber.ErrNotFound
		}
		v := InfoPage{Page: w.site.Page(c, site.Path(slug), p.Title, slug), HTML: p.HTML, Contact: slug == "contact",
			ContactEmail: w.site.Config().ContactEmail}
		return site.Render(c, Info(v))
	}
}
