package web_test

import (
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// openAPIParam turns a Fiber route parameter (:slug) into its OpenAPI form ({slug}).
var openAPIParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// prefixes parses a comma-separated list of address blocks, as TRUSTED_PROXIES is written.
func prefixes(s string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f != "" {
			out = append(out, netip.MustParsePrefix(f))
		}
	}
	return out
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// toolPath is the path of a file of an npm package in .tools/node_modules, which `npm ci --prefix
// .tools` fills below the repository root (the directory of go.mod). The file may not exist.
func toolPath(t *testing.T, elem ...string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
	return filepath.Join(append([]string{dir, ".tools", "node_modules"}, elem...)...)
}
