package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDocument describes the JSON API (OpenAPI 3.1). It grows with every feature; a test
// checks that every /api/v1 route in routes.go appears in it.
//
//go:embed openapi.json
var openAPIDocument []byte

func (w *server) showOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(openAPIDocument)
}

// showRobots is /robots.txt: everything public may be indexed; the API, accounts and
// administration may not; the sitemap lists every public page in every language.
func (w *server) showRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	base := w.site.BaseURL()
	return c.SendString("User-agent: *\nDisallow: /api/\nDisallow: /*/me\nDisallow: /*/admin/\nDisallow: /*/login\n" +
		"Disallow: /*/register\nDisallow: /*/password/\nSitemap: " + base + "/sitemap.xml\n")
}
