package courseweb

import (
	"bytes"
	"encoding/xml"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/course"
	"capacityhub/internal/i18n"
	"capacityhub/internal/paging"
	"capacityhub/internal/web/site"
)

// ShowSitemap is /sitemap.xml: every public page in every language (home, the catalogue, each
// published course and its lessons, the learning paths, the certificate lookup, the about,
// privacy and contact pages), with absolute
// addresses from BASE_URL, for search engines.
func (h *Handler) ShowSitemap(c *fiber.Ctx) error {
	paths, err := h.publicPaths(c)
	if err != nil {
		return err
	}
	base := h.site.BaseURL()
	var b bytes.Buffer
	b.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, lang := range i18n.Languages {
		for _, p := range paths {
			b.WriteString("<url><loc>")
			_ = xml.EscapeText(&b, []byte(base+"/"+lang.Tag+p))
			b.WriteString("</loc></url>\n")
		}
	}
	b.WriteString("</urlset>\n")
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b.Bytes())
}

// publicPaths are the public pages' addresses after the language prefix.
func (h *Handler) publicPaths(c *fiber.Ctx) ([]string, error) {
	ctx := c.UserContext()
	paths := []string{"/", "/courses", "/curricula", "/certificates", "/about", "/privacy", "/contact"}
	req := paging.First(paging.MaxLimit)
	for {
		page, err := h.courses.Catalog(ctx, i18n.Default, course.Filter{Page: req})
		if err != nil {
			return nil, err
		}
		for _, co := range page.Items {
			d, err := h.courses.Course(ctx, nil, co.Slug, i18n.Default)
			if err != nil {
				return nil, err
			}
			paths = append(paths, site.Path("courses", d.Slug))
			for _, m := range d.Modules {
				for _, l := range m.Lessons {
					paths = append(paths, site.Path("courses", d.Slug, l.Slug))
				}
			}
		}
		if page.Next == "" {
			break
		}
		if req, err = paging.WithCursor(page.Next, paging.MaxLimit); err != nil {
			return nil, err
		}
	}
	curricula, err := h.courses.Curricula(ctx, i18n.Default)
	if err != nil {
		return nil, err
	}
	for _, cu := range curricula {
		paths = append(paths, site.Path("curricula", cu.Slug))
	}
	return paths, nil
}
