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
