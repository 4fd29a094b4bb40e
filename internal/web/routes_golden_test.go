package web_test

import (
	"flag"
	"net/http"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"capacityhub/internal/web/webtest"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/routes.golden from the route table")

// guardName is a route handler's short name: "CheckCSRF" for site.(*Site).CheckCSRF-fm.
func guardName(h any) string {
	name := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	name = strings.TrimSuffix(name, "-fm")
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// TestRouteTableGolden holds the whole route list (method, path and the guards in front of each
// handler) in testdata/routes.golden, so that a change of the table is a visible diff.
func TestRouteTableGolden(t *testing.T) {
	t.Parallel()
	app := webtest.New(t).App
	var b strings.Builder
	for _, r := range app.GetRoutes(true) {
		if r.Method == http.MethodHead {
			continue
		}
		var guards []string
		for _, h := range r.Handlers[:len(r.Handlers)-1] {
			guards = append(guards, guardName(h))
		}
		b.WriteString(r.Method + " " + r.Path)
		if len(guards) > 0 {
			b.WriteString("  [" + strings.Join(guards, " ") + "]")
		}
		b.WriteString("\n")
	}
	const file = "testdata/routes.golden"
	if *updateGolden {
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("the route table differs from %s (run with -update after checking):\n%s", file, b.String())
	}
}
