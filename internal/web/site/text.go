package site

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/validate"
)

// CheckParams answers 404 when a path parameter of the route is not text a database could keep
// (bytes that are not UTF-8, a NUL), as read or once percent-decoded: nothing can have such a
// name, and PostgreSQL would refuse the query with an error. Routes puts it first on every route
// with parameters; a route registered on the app directly names it on its line.
// NB: it must run on the matched route (c.Route()), so it cannot be app middleware.
func CheckParams(c *fiber.Ctx) error {
	for _, name := range c.Route().Params {
		v := c.Params(name)
		if !validate.Clean([]byte(v)) {
			return fiber.ErrNotFound
		}
		// NB: Fiber leaves "%FF" in a parameter as it is, unless Config.UnescapePath is set; a
		// handler that decodes it must not meet what the decoding makes either.
		if strings.IndexByte(v, '%') < 0 {
			continue // NB: every page passes here (:lang): nothing to decode, nothing to allocate
		}
		if d, err := url.PathUnescape(v); err == nil && !validate.Clean([]byte(d)) {
			return fiber.ErrNotFound
		}
	}
	return c.Next()
}

// hasParams tells whether a route path has parameters (":slug", "*", "+").
func hasParams(path string) bool { return strings.ContainsAny(path, ":*+") }

// notUTF8 stands for bytes that are not UTF-8 in a JSON body, so that decoding shows where they
// were. U+FFFF is a noncharacter: no text a reader writes holds it.
const notUTF8 = "\uFFFF"

// markNotUTF8 is body with each run of bytes that are not UTF-8 replaced by notUTF8.
func markNotUTF8(body []byte) []byte { return bytes.ToValidUTF8(body, []byte(notUTF8)) }
