package webtest

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// GzipSize is the size of path's answer as sent gzipped, what a reader on a metered connection
// pays for (compressed here when the server sent it plain).
func GzipSize(t testing.TB, a *fiber.App, path string) int {
	t.Helper()
	resp, body := Get(t, a, path, "Accept-Encoding", "gzip")
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		return len(body)
	}
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = io.WriteString(w, body)
	w.Close()
	return buf.Len()
}
