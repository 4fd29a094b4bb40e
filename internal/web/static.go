package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"capacityhub/internal/web/site"
)

//go:embed static
var staticFS embed.FS

// asset is one static file served under a content-hashed name, so that browsers may keep it for a
// year and a new release still reaches them at once.
type asset struct {
	body        []byte
	contentType string
}

// staticAssets maps "/static/app.3f2a9c1b.css" to the file and tells the templates those names.
type staticAssets struct {
	byURL map[string]asset
	urls  site.Assets
}

func loadStaticAssets() (*staticAssets, error) {
	s := &staticAssets{byURL: map[string]asset{}}
	names := map[string]string{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(p)
		name := strings.TrimSuffix(path.Base(p), ext)
		url := "/static/" + name + "." + hex.EncodeToString(sum[:5]) + ext
		s.byURL[url] = asset{body: body, contentType: mime.TypeByExtension(ext)}
		names[path.Base(p)] = url
		return nil
	})
	s.urls = site.Assets{CSS: names["app.css"], Icon: names["icon.svg"]}
	return s, err
}

// serveStatic answers /static/* from memory with a year-long, immutable cache life.
func (s *staticAssets) serveStatic(c *fiber.Ctx) error {
	a, ok := s.byURL[c.Path()]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, a.contentType)
	return c.Send(a.body)
}
