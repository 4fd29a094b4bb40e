package web

import (
	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/auth"
	"capacityhub/internal/web/site"
)

// routes is the whole route table, one line a route, grouped by surface, with the guards on the
// group or on the line: site.SignedIn (a visitor is sent to sign in, or answered 401),
// site.RequireRole (403 for the others), CheckCSRF (every page form), LimitWrites (every write
// of a signed-in user that others read or that changes the account), LimitProgress (a learner's
// own progress: enrolling, lessons done, quiz answers) and the account limits. Fixed paths come before /:lang so that a language
// can never shadow them. Paths no route serves answer 404 (405 for a known path with another
// method) through site.HandleError: problem+json under /api/, an HTML page elsewhere.
func (w *server) routes(app *fiber.App) {
	s, account, course := w.site, w.account, w.course
	signedIn, admins, managers := site.SignedIn, site.RequireRole(auth.RoleAdmin), site.RequireRole(auth.RoleCurriculumManager)

	app.Get("/healthz", w.showHealth)
	app.Get("/readyz", w.showReadiness)
	app.Get("/static/*", w.assets.serveStatic)
	app.Get("/api/openapi.json", w.showOpenAPI)
	app.Get("/robots.txt", w.showRobots)
	app.Get("/sitemap.xml", course.ShowSitemap)

	api := site.NewRoutes(app, "/api/v1", s.APILanguage)
	api.Post("/auth/register", account.LimitRegistration, account.RegisterAPI)
	api.Post("/auth/token", account.CreateToken)
	api.Post("/auth/refresh", account.RefreshToken)
	api.Post("/auth/logout", signedIn, account.LogoutAPI)
	api.Get("/me", signedIn, account.ShowMe)
	api.Delete("/me", signedIn, s.LimitWrites, account.LimitPasswordChecks, account.DeleteMyAccountAPI)
	api.Get("/me/export", signedIn, account.ExportMyDataAPI)
	api.Post("/me/mfa", signedIn, s.LimitWrites, account.StartMFAAPI)
	api.Post("/me/mfa/confirm", signedIn, s.LimitWrites, account.ConfirmMFAAPI)
	api.Delete("/me/mfa", signedIn, s.LimitWrites, account.LimitPasswordChecks, account.DisableMFAAPI)
	api.Get("/courses", course.ListCourses)
	api.Get("/courses/:slug", course.ShowCourse)
	api.Get("/courses/:slug/lessons/:lesson", course.ShowLesson)
	api.Post("/courses/:slug/enrollment", signedIn, s.LimitProgress, course.EnrollInCourse)
	api.Put("/courses/:slug/lessons/:lesson/completion", signedIn, s.LimitProgress, course.CompleteLesson)
	api.Get("/courses/:slug/progress", signedIn, course.ShowProgress)
	api.Get("/courses/:slug/quizzes/:quiz", course.ShowQuiz)
	api.Post("/courses/:slug/quizzes/:quiz/attempts", signedIn, s.LimitProgress, course.SubmitQuizAttempt)
	api.Post("/courses/:slug/publish", managers, s.LimitWrites, course.PublishCourse)
	api.Post("/courses/:slug/unpublish", managers, s.LimitWrites, course.UnpublishCourse)
	api.Get("/certificates/:id", course.ShowCertificate)
	api.Get("/curricula", course.ListCurricula)
	api.Post("/curricula", managers, s.LimitWrites, course.CreateCurriculum)
	api.Get("/curricula/:slug", course.ShowCurriculum)
	api.Patch("/curricula/:slug", managers, s.LimitWrites, course.UpdateCurriculum)
	api.Delete("/curricula/:slug", managers, s.LimitWrites, course.DeleteCurriculum)

	app.Get("/certificates/:id", site.CheckParams, course.ShowCertificatePage)
	app.Get("/", w.redirectToLanguage)

	pages := site.NewRoutes(app, "/:lang", s.PageLanguage)
	forms := pages.Group("", s.CheckCSRF)
	pages.Get("", w.showHomePage)
	pages.Get("/courses", course.ShowCatalogPage)
	pages.Get("/courses/:slug", course.ShowCoursePage)
	forms.Post("/courses/:slug/enrollment", signedIn, s.LimitProgress, course.Enroll)
	pages.Get("/courses/:slug/quizzes/:quiz", course.ShowQuizPage)
	forms.Post("/courses/:slug/quizzes/:quiz", s.LimitProgress, course.SubmitQuiz) // a visitor's answers are held (courseweb/held.go)
	pages.Get("/courses/:slug/quizzes/:quiz/attempts/:id", signedIn, course.ShowQuizResult)
	pages.Get("/courses/:slug/offline", course.DownloadCourse) // NB: before /courses/:slug/:lesson, which would take it for a lesson
	pages.Get("/courses/:slug/:lesson", course.ShowLessonPage)
	forms.Post("/courses/:slug/:lesson/done", signedIn, s.LimitProgress, course.MarkLessonDone)
	pages.Get("/curricula", course.ShowCurriculaIndex)
	pages.Get("/curricula/:slug", course.ShowCurriculumPage)
	pages.Get("/certificates", course.ShowCertificateLookup)
	pages.Get("/certificates/:id/print", course.ShowPrintableCertificate)
	pages.Get("/questions", w.showComingSoon("questions", "nav.questions"))
	pages.Get("/forums", w.showComingSoon("forums", "nav.forums"))
	pages.Get("/privacy", w.showInfoPage("privacy"))
	pages.Get("/about", w.showInfoPage("about"))
	pages.Get("/contact", w.showInfoPage("contact"))

	pages.Get("/register", account.ShowRegisterPage)
	forms.Post("/register", account.LimitRegistration, account.Register)
	pages.Get("/login", account.ShowSignInPage)
	forms.Post("/login", account.SignIn)
	pages.Get("/login/code", account.ShowSignInCodePage)
	forms.Post("/login/code", account.SignInWithCode)
	forms.Post("/logout", account.SignOut)
	pages.Get("/password/forgot", account.ShowForgotPasswordPage)
	forms.Post("/password/forgot", account.LimitResetRequests, account.RequestPasswordReset)
	pages.Get("/password/reset/:token", account.ShowResetPasswordPage)
	forms.Post("/password/reset/:token", account.ResetPassword)
	pages.Get("/me", signedIn, account.ShowMePage)
	forms.Post("/me", signedIn, s.LimitWrites, account.UpdateProfile)
	forms.Post("/me/password", signedIn, s.LimitWrites, account.LimitPasswordChecks, account.ChangePassword)
	forms.Post("/me/mfa", signedIn, s.LimitWrites, account.StartMFA)
	forms.Post("/me/mfa/confirm", signedIn, s.LimitWrites, account.ConfirmMFA)
	forms.Post("/me/mfa/recovery-codes", signedIn, s.LimitWrites, account.LimitPasswordChecks, account.RenewRecoveryCodes)
	forms.Post("/me/mfa/disable", signedIn, s.LimitWrites, account.LimitPasswordChecks, account.DisableMFA)
	pages.Get("/me/data", signedIn, account.DownloadMyData)
	forms.Post("/me/delete", signedIn, s.LimitWrites, account.LimitPasswordChecks, account.DeleteMyAccount)

	admin := pages.Group("/admin")
	adminForms := forms.Group("/admin")
	admin.Get("/users", admins, account.ShowUsersPage)
	adminForms.Post("/users/:id/roles", admins, s.LimitWrites, account.SetUserRoles)
	adminForms.Post("/users/:id/disabled", admins, s.LimitWrites, account.SetUserDisabled)
	admin.Get("/audit", admins, account.ShowAuditPage)
	admin.Get("/courses", managers, course.ShowAdminCoursesPage)
	adminForms.Post("/courses/:slug/published", managers, s.LimitWrites, course.ChangeCoursePublication)
	admin.Get("/curricula", managers, course.ShowAdminCurriculaPage)
	admin.Get("/curricula/new", managers, course.ShowNewCurriculumPage)
	adminForms.Post("/curricula", managers, s.LimitWrites, course.CreateCurriculumFromForm)
	admin.Get("/curricula/:slug/edit", managers, course.ShowEditCurriculumPage)
	adminForms.Post("/curricula/:slug", managers, s.LimitWrites, course.UpdateCurriculumFromForm)
	adminForms.Post("/curricula/:slug/delete", managers, s.LimitWrites, course.DeleteCurriculumFromForm)
}
