package site

import "github.com/gofiber/fiber/v2"

// Routes registers routes under a prefix, each behind the guards given to it and to the groups
// above it (and first behind CheckParams when its path has parameters). NB: the guards go on
// every route line, not in Fiber middleware (Use or Group with handlers): middleware would also
// run for paths that no route of the group serves, turning a 405 for a known path with another
// method into whatever the guard answers.
type Routes struct {
	router fiber.Router
	prefix string
	guards []fiber.Handler
}

// NewRoutes starts a surface (the API, the pages) at prefix, behind guards.
func NewRoutes(router fiber.Router, prefix string, guards ...fiber.Handler) Routes {
	return Routes{router: router, prefix: prefix, guards: guards}
}

// Group is a part of the surface under a longer prefix ("" for the same one), behind more guards.
func (r Routes) Group(prefix string, guards ...fiber.Handler) Routes {
	return Routes{router: r.router, prefix: r.prefix + prefix, guards: append(append([]fiber.Handler{}, r.guards...), guards...)}
}

func (r Routes) add(method, path string, handlers []fiber.Handler) {
	chain := append(append([]fiber.Handler{}, r.guards...), handlers...)
	if hasParams(r.prefix + path) {
		chain = append([]fiber.Handler{CheckParams}, chain...) // NB: before the guards, which may read them
	}
	if method == fiber.MethodGet {
		r.router.Get(r.prefix+path, chain...) // NB: Get adds the HEAD twin; Add does not
		return
	}
	r.router.Add(method, r.prefix+path, chain...)
}

// Get registers a GET route (and its HEAD twin); handlers are the route's own guards, then the
// handler.
func (r Routes) Get(path string, handlers ...fiber.Handler) { r.add(fiber.MethodGet, path, handlers) }

// Post registers a POST route.
func (r Routes) Post(path string, handlers ...fiber.Handler) { r.add(fiber.MethodPost, path, handlers) }

// Put registers a PUT route.
func (r Routes) Put(path string, handlers ...fiber.Handler) { r.add(fiber.MethodPut, path, handlers) }

// Patch registers a PATCH route.
func (r Routes) Patch(path string, handlers ...fiber.Handler) {
	r.add(fiber.MethodPatch, path, handlers)
}

// Delete registers a DELETE route.
func (r Routes) Delete(path string, handlers ...fiber.Handler) {
	r.add(fiber.MethodDelete, path, handlers)
}
