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
	app.Post("/api/v1/auth/register", h.limitRegistration, h.registerAPI)
	app.Post("/api/v1/auth/token", h.createToken)
	app.Post("/api/v1/auth/refresh", h.refreshToken)
	app.Post("/api/v1/auth/logout", h.logoutAPI)
	app.Get("/api/v1/me", h.showMe)

	app.Get("/", h.redirectToLanguage)
	app.Get("/:lang", h.showHomePage)
	app.Get("/:lang/courses", h.showComingSoon("courses", "nav.courses"))
	app.Get("/:lang/questions", h.showComingSoon("questions", "nav.questions"))
	app.Get("/:lang/forums", h.showComingSoon("forums", "nav.forums"))

	app.Get("/:lang/register", h.showRegisterPage)
	app.Post("/:lang/register", h.limitRegistration, h.register)
	app.Get("/:lang/login", h.showSignInPage)
	app.Post("/:lang/login", h.signIn)
	app.Post("/:lang/logout", h.signOut)
	app.Get("/:lang/password/forgot", h.showForgotPasswordPage)
	app.Post("/:lang/password/forgot", h.requestPasswordReset)
	app.Get("/:lang/password/reset/:token", h.showResetPasswordPage)
	app.Post("/:lang/password/reset/:token", h.resetPassword)
	app.Get("/:lang/me", h.showMePage)
	app.Post("/:lang/me", h.limitWrites, h.updateProfile)
	app.Post("/:lang/me/password", h.limitWrites, h.changePassword)

	app.Get("/:lang/admin/users", h.showAdminUsersPage)
	app.Post("/:lang/admin/users/:id/roles", h.limitWrites, h.setUserRoles)
	app.Post("/:lang/admin/users/:id/disabled", h.limitWrites, h.setUserDisabled)
	app.Get("/:lang/admin/audit", h.showAuditPage)
}
