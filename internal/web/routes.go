package web

import "github.com/gofiber/fiber/v2"

// routes is the whole route table, one line a route. Fixed paths come before /:lang so that a
// language can never shadow them. Paths no route serves answer 404 (405 for a known path with
// another method) through handleError: problem+json under /api/, an HTML page elsewhere. Every
// page form (POST /:lang/…) starts with h.checkCSRF; a test walks the table to make sure.
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
	app.Get("/api/v1/courses", h.listCourses)
	app.Get("/api/v1/courses/:slug", h.showCourse)
	app.Get("/api/v1/courses/:slug/lessons/:lesson", h.showLesson)
	app.Post("/api/v1/courses/:slug/enrollment", h.limitWrites, h.enrollInCourse)
	app.Put("/api/v1/courses/:slug/lessons/:lesson/completion", h.limitWrites, h.completeLesson)
	app.Get("/api/v1/courses/:slug/progress", h.showProgress)
	app.Get("/api/v1/courses/:slug/quizzes/:quiz", h.showQuiz)
	app.Post("/api/v1/courses/:slug/quizzes/:quiz/attempts", h.limitWrites, h.submitQuizAttempt)
	app.Post("/api/v1/courses/:slug/publish", h.limitWrites, h.publishCourse)
	app.Post("/api/v1/courses/:slug/unpublish", h.limitWrites, h.unpublishCourse)
	app.Get("/api/v1/certificates/:id", h.showCertificate)
	app.Get("/api/v1/curricula", h.listCurricula)
	app.Post("/api/v1/curricula", h.limitWrites, h.createCurriculum)
	app.Get("/api/v1/curricula/:slug", h.showCurriculum)
	app.Patch("/api/v1/curricula/:slug", h.limitWrites, h.updateCurriculum)
	app.Delete("/api/v1/curricula/:slug", h.limitWrites, h.deleteCurriculum)

	app.Get("/certificates/:id", h.showCertificatePage)

	app.Get("/", h.redirectToLanguage)
	app.Get("/:lang", h.showHomePage)
	app.Get("/:lang/courses", h.showCatalogPage)
	app.Get("/:lang/courses/:slug", h.showCoursePage)
	app.Post("/:lang/courses/:slug/enrollment", h.checkCSRF, h.limitWrites, h.enroll)
	app.Get("/:lang/courses/:slug/quizzes/:quiz", h.showQuizPage)
	app.Post("/:lang/courses/:slug/quizzes/:quiz", h.checkCSRF, h.limitWrites, h.submitQuiz)
	app.Get("/:lang/courses/:slug/quizzes/:quiz/attempts/:id", h.showQuizResult)
	app.Get("/:lang/courses/:slug/offline", h.downloadCourse) // NB: before /:lang/courses/:slug/:lesson, which would take it for a lesson
	app.Get("/:lang/courses/:slug/:lesson", h.showLessonPage)
	app.Post("/:lang/courses/:slug/:lesson/done", h.checkCSRF, h.limitWrites, h.markLessonDone)
	app.Get("/:lang/curricula", h.showCurriculaIndex)
	app.Get("/:lang/curricula/:slug", h.showCurriculumPage)
	app.Get("/:lang/certificates/:id/print", h.showPrintableCertificate)
	app.Get("/:lang/questions", h.showComingSoon("questions", "nav.questions"))
	app.Get("/:lang/forums", h.showComingSoon("forums", "nav.forums"))

	app.Get("/:lang/register", h.showRegisterPage)
	app.Post("/:lang/register", h.checkCSRF, h.limitRegistration, h.register)
	app.Get("/:lang/login", h.showSignInPage)
	app.Post("/:lang/login", h.checkCSRF, h.signIn)
	app.Post("/:lang/logout", h.checkCSRF, h.signOut)
	app.Get("/:lang/password/forgot", h.showForgotPasswordPage)
	app.Post("/:lang/password/forgot", h.checkCSRF, h.requestPasswordReset)
	app.Get("/:lang/password/reset/:token", h.showResetPasswordPage)
	app.Post("/:lang/password/reset/:token", h.checkCSRF, h.resetPassword)
	app.Get("/:lang/me", h.showMePage)
	app.Post("/:lang/me", h.checkCSRF, h.limitWrites, h.updateProfile)
	app.Post("/:lang/me/password", h.checkCSRF, h.limitWrites, h.limitPasswordChecks, h.changePassword)

	app.Get("/:lang/admin/users", h.showAdminUsersPage)
	app.Post("/:lang/admin/users/:id/roles", h.checkCSRF, h.limitWrites, h.setUserRoles)
	app.Post("/:lang/admin/users/:id/disabled", h.checkCSRF, h.limitWrites, h.setUserDisabled)
	app.Get("/:lang/admin/audit", h.showAuditPage)
	app.Get("/:lang/admin/courses", h.showAdminCoursesPage)
	app.Post("/:lang/admin/courses/:slug/published", h.checkCSRF, h.limitWrites, h.changeCoursePublication)
	app.Get("/:lang/admin/curricula", h.showAdminCurriculaPage)
	app.Get("/:lang/admin/curricula/new", h.showNewCurriculumPage)
	app.Post("/:lang/admin/curricula", h.checkCSRF, h.limitWrites, h.createCurriculumFromForm)
	app.Get("/:lang/admin/curricula/:slug/edit", h.showEditCurriculumPage)
	app.Post("/:lang/admin/curricula/:slug", h.checkCSRF, h.limitWrites, h.updateCurriculumFromForm)
	app.Post("/:lang/admin/curricula/:slug/delete", h.checkCSRF, h.limitWrites, h.deleteCurriculumFromForm)
}
