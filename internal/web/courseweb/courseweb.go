// Package courseweb is the courses surface of the site: the catalogue, course, lesson and quiz
// pages, certificates, learning paths, the offline download, the course administration pages and
// the courses JSON API (CONTRACT.md, "Courses and curricula"). It stands on the shared kernel
// (site) and the course service; the route table (internal/web/routes.go) puts the guards —
// language, sign-in, role, CSRF, write limits — in front of its handlers.
package courseweb

import (
	"capacityhub/internal/course"
	"capacityhub/internal/web/site"
)

// LessonSlugsTaken are the path segments the course pages use beside lesson slugs
// (/{lang}/courses/{slug}/offline, …/quizzes/…, …/enrollment, …/progress, …/print), so a course
// may not name a lesson so: the content loader takes them from its caller (course.LoadAll).
var LessonSlugsTaken = []string{"offline", "quizzes", "enrollment", "progress", "print"}

// Handler serves the courses pages and API. Its methods are the handlers the route table names;
// each takes the request's language and user from site (set by the guards on the route).
type Handler struct {
	site    *site.Site
	courses *course.Service
	lists   listMemo // the API catalogue's first pages, encoded (api.go)
}

// New is the courses surface on the kernel s and the course service.
func New(s *site.Site, courses *course.Service) *Handler {
	return &Handler{site: s, courses: courses}
}
