package web

import "github.com/gofiber/fiber/v2"

// routes is the whole route table, one line a route. Fixed paths come before /:lang so that a
// language can never shadow them. Paths no route serves answer 404 (405 for a known path with
// another method) through handleError: problem+json under /api/, an HTML page elsewhere.
func (h *handler) routes(app *fiber.App) {
	app.Get("/healthz", h.showHealth)
	app.Get("/readyz", h.showReadiness)
	app.Get("/metrics", h.metrics.handler())
	app.Get("/static/*", h.assets.serveStatic)

	app.Get("/api/openapi.json", h.showOpenAPI)

	app.Get("/", h.redirectToLanguage)
	app.Get("/:lang", h.showHomePage)
	app.Get("/:lang/courses", h.showComingSoon("courses", "nav.courses"))
	app.Get("/:lang/questions", h.showComingSoon("questions", "nav.questions"))
	app.Get("/:lang/forums", h.showComingSoon("forums", "nav.forums"))
}
