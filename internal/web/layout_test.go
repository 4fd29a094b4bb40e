package web_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The web layer's layout (STYLE.md, "a web package per domain on one shared kernel"), as a test:
// a domain's web package (internal/web/<domain>web) imports the kernel (site) and domain
// services, never a sibling web package nor the root package that wires them; no web package
// uses the database, and no web file holds SQL, tests included (tests may name an engine, and
// webtest may wrap the course service's reader to count its queries).
func TestWebPackagesStayInTheirRooms(t *testing.T) {
	t.Parallel()
	const module = "capacityhub/internal/web"
	dirs, err := filepath.Glob("*")
	if err != nil {
		t.Fatal(err)
	}
	sql := regexp.MustCompile("(?is)[\"`]\\s*(SELECT\\s[^\"`]+?\\sFROM|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM)\\b")
	for _, probe := range []string{"\"SEL" + "ECT id FROM users\"", "`\n\t\tUPD" + "ATE users SET name = $1`", "`sel" + "ect a,\n b from t`"} {
		if !sql.MatchString(probe) {
			t.Fatalf("the SQL pattern misses %q", probe)
		}
	}
	domains := 0
	for _, dir := range append(dirs, ".") {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() || dir == "testdata" || dir == "static" {
			continue
		}
		isDomain := strings.HasSuffix(dir, "web")
		if isDomain {
			domains++
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, file := range files {
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				switch {
				case (path == "capacityhub/internal/db" || path == "database/sql") && !strings.HasSuffix(file, "_test.go") && dir != "webtest":
					t.Errorf("%s imports %s: web packages call domain services, which own the SQL", file, path)
				case isDomain && path == module:
					t.Errorf("%s imports the root web package: only the root wires the domains", file)
				case isDomain && strings.HasPrefix(path, module+"/") && strings.HasSuffix(path, "web") && path != module+"/"+dir:
					t.Errorf("%s imports %s: a domain's web package never imports a sibling; move what both need to site", file, path)
				}
			}
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if m := sql.Find(body); m != nil {
				t.Errorf("%s holds SQL (%s): it belongs in the domain package, or in testenv for test scenes", file, m)
			}
		}
	}
	if domains < 2 {
		t.Fatalf("found %d domain web packages, want accountweb, courseweb…: is the test in internal/web?", domains)
	}
}
