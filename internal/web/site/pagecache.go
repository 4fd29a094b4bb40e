package site

import (
	"math/bits"
	"sync/atomic"

	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"

	brrr "github.com/molecule-man/go-brrr"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// The page cache: what a visitor (not signed in) reads most, the home page, the catalogue and the
// course, lesson and learning-path pages, is rendered once per address and kept, compressed once
// with gzip and brotli, with a strong validator (ETag) that answers 304 to a browser that has the
// page. An entry belongs to a generation of the course content (Deps.ContentGeneration): any change
// to the content (import, publication, learning paths) moves it on, and an entry of an older
// generation is never served. A page is kept only when its handler said it may be (Cacheable), it
// answered 200 to an anonymous GET without a query string, and it set no cookie: a page with a
// form (a CSRF token), a flash notice or anything of one reader is never kept.

// pageCacheBudget bounds the bytes the page cache keeps (bodies in their three codings). Beyond
// it, pages are served as rendered, not kept: the hot pages are few and come first.
const pageCacheBudget = 16 << 20

// anonymousCacheControl lets a browser, or a shared cache that honours Vary, reuse a visitor's page
// for a minute; Vary: Cookie keeps it from a signed-in reader.
const anonymousCacheControl = "public, max-age=60"

// localCacheable marks a response its handler allows the page cache to keep.
const localCacheable = "page_cacheable"

// Cacheable tells the page cache that this page, for a visitor, is the same for every visitor:
// the content and the language only.
func Cacheable(c *fiber.Ctx) { c.Locals(localCacheable, true) }

type pageCache struct {
	generation func() uint64
	mu         sync.RWMutex
	pages      map[string]*cachedPage // by path
	bytes      int
	// filling is set while a request compresses a page for the cache: one at a time (brotli at
	// its best takes megabytes while it works); others that miss meanwhile are answered as
	// rendered, and the next request after the fill is answered from the cache.
	filling atomic.Bool
}

// cachedPage is one page in its three codings.
type cachedPage struct {
	gen                    uint64
	contentType            string
	plain, gzip, br        []byte
	etag, etagGzip, etagBr string
	lang                   string // the page's language, as PageLanguage found it: the lang cookie to set
}

func newPageCache(generation func() uint64) *pageCache {
	if generation == nil {
		return nil
	}
	return &pageCache{generation: generation, pages: map[string]*cachedPage{}}
}

// pageCacheable tells whether a request may be answered from, or kept in, the page cache: an
// anonymous GET or HEAD of a page without a query string.
func pageCacheable(c *fiber.Ctx) bool {
	m := c.Method()
	return (m == fiber.MethodGet || m == fiber.MethodHead) && User(c) == nil && len(c.Request().URI().QueryString()) == 0 &&
		c.Locals(localIdentifyErr) == nil
}

// ServeFromPageCache answers a visitor from the page cache when it holds the page, and otherwise
// keeps the rendered page when its handler allows (see the top of this file).
func (s *Site) ServeFromPageCache(c *fiber.Ctx) error {
	pc := s.pageCache
	if pc == nil || !pageCacheable(c) {
		return c.Next()
	}
	key := c.Path()
	gen := pc.generation()
	pc.mu.RLock()
	p := pc.pages[key]
	pc.mu.RUnlock()
	if p != nil && p.gen == gen {
		if p.lang != "" {
			s.rememberLanguage(c, p.lang) // as PageLanguage would have
		}
		return p.serve(c)
	}
	if err := c.Next(); err != nil {
		return err
	}
	resp := &c.Response().Header
	if c.Response().StatusCode() != fiber.StatusOK || c.Locals(localCacheable) != true || c.Method() != fiber.MethodGet || setsCookie(resp) {
		return nil
	}
	// NB: the same caching headers whether or not this answer is the one kept.
	c.Set(fiber.HeaderCacheControl, anonymousCacheControl)
	c.Set(fiber.HeaderVary, "Accept-Encoding, Cookie")
	if !pc.filling.CompareAndSwap(false, true) {
		return nil
	}
	defer pc.filling.Store(false)
	body := c.Response().Body()
	p = &cachedPage{gen: gen, contentType: string(resp.ContentType()), plain: bytes.Clone(body)}
	if loc := Lang(c); loc != nil {
		p.lang = loc.Tag
	}
	p.gzip = fasthttp.AppendGzipBytesLevel(nil, body, fasthttp.CompressBestCompression)
	p.br = brotliBest(body)
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:12])
	p.etag, p.etagGzip, p.etagBr = `"`+tag+`"`, `"`+tag+`-gz"`, `"`+tag+`-br"`
	size := len(p.plain) + len(p.gzip) + len(p.br)
	pc.mu.Lock()
	if old := pc.pages[key]; old != nil {
		pc.bytes -= len(old.plain) + len(old.gzip) + len(old.br)
		delete(pc.pages, key)
	}
	if pc.bytes+size <= pageCacheBudget {
		pc.pages[key], pc.bytes = p, pc.bytes+size
	}
	pc.mu.Unlock()
	// This answer is the kept page: send it as the cache would.
	return p.serve(c)
}

// setsCookie tells whether the response sets a cookie other than lang (which PageLanguage sets
// from the path, and the cache sets again when it serves the page).
func setsCookie(h *fasthttp.ResponseHeader) bool {
	for key := range h.Cookies() {
		if string(key) != "lang" {
			return true
		}
	}
	return false
}

// serve answers with the page in the coding the client takes best, or 304 when its copy is current.
func (p *cachedPage) serve(c *fiber.Ctx) error {
	body, etag, coding := p.plain, p.etag, ""
	switch accepts := string(c.Request().Header.Peek(fiber.HeaderAcceptEncoding)); {
	case strings.Contains(accepts, "br"):
		body, etag, coding = p.br, p.etagBr, "br"
	case strings.Contains(accepts, "gzip"):
		body, etag, coding = p.gzip, p.etagGzip, "gzip"
	}
	c.Set(fiber.HeaderCacheControl, anonymousCacheControl)
	c.Set(fiber.HeaderVary, "Accept-Encoding, Cookie")
	c.Set(fiber.HeaderETag, etag)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && strings.Contains(match, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, p.contentType)
	if coding != "" {
		c.Set(fiber.HeaderContentEncoding, coding)
	}
	return c.Send(body)
}

// brotliBest is body compressed with brotli at its best quality, with a window no larger than the
// body needs: the same bytes as the default 4 MB window for a page, for a quarter of the working
// memory (about 10 MB instead of 37 for a lesson), which is returned when done, not kept in a pool.
func brotliBest(body []byte) []byte {
	var out bytes.Buffer
	w, err := brrr.NewWriterOptions(&out, brrr.BestCompression,
		brrr.WriterOptions{LGWin: min(max(16, bits.Len(uint(len(body)))), 24), SizeHint: uint(len(body))})
	if err == nil {
		_, err = w.Write(body)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil { // NB: not expected for a valid level and window; fall back to the pooled coder
		return fasthttp.AppendBrotliBytesLevel(nil, body, fasthttp.CompressBrotliBestCompression)
	}
	return out.Bytes()
}
