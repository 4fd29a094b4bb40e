package main

import (
	"slices"
	"strings"
	"testing"
)

// Messages as govulncheck v1.9.0 writes them with -format json (trimmed to the members read).
const (
	config = `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck","scanner_version":"v1.9.0",
		"db":"file:///vulndb/data/osv","go_version":"go1.26.8","scan_level":"symbol","scan_mode":"source"}}`
	osvText = `{"osv":{"id":"GO-2022-1059","summary":"Denial of service via crafted Accept-Language header in golang.org/x/text/language"}}`
	// The same vulnerability found at each level: module, package, then a call.
	textModule  = `{"finding":{"osv":"GO-2022-1059","fixed_version":"v0.3.8","trace":[{"module":"golang.org/x/text","version":"v0.3.7"}]}}`
	textPackage = `{"finding":{"osv":"GO-2022-1059","fixed_version":"v0.3.8","trace":[{"module":"golang.org/x/text","version":"v0.3.7","package":"golang.org/x/text/language"}]}}`
	textCalled  = `{"finding":{"osv":"GO-2022-1059","fixed_version":"v0.3.8","trace":[
		{"module":"golang.org/x/text","version":"v0.3.7","package":"golang.org/x/text/language","function":"ParseAcceptLanguage","position":{"filename":"language/parse.go","line":480,"column":6}},
		{"module":"github.com/gofiber/fiber/v2","version":"v2.52.15","package":"github.com/gofiber/fiber/v2","function":"AcceptsLanguages","receiver":"*Ctx"},
		{"module":"capacityhub","package":"capacityhub/internal/web/site","function":"Language","position":{"filename":"internal/web/site/lang.go","line":40,"column":9}}]}}`
	// A longer trace to the same call: the shorter one is the one shown.
	textCalledLonger = `{"finding":{"osv":"GO-2022-1059","fixed_version":"v0.3.8","trace":[
		{"module":"golang.org/x/text","version":"v0.3.7","package":"golang.org/x/text/language","function":"ParseAcceptLanguage"},
		{"module":"capacityhub","package":"capacityhub/internal/i18n","function":"negotiate"},
		{"module":"capacityhub","package":"capacityhub/internal/i18n","function":"Negotiate"},
		{"module":"capacityhub","package":"capacityhub/internal/web","function":"init","position":{"filename":"internal/web/server.go","line":1,"column":1}}]}}`
	// A standard-library vulnerability in a package imported, not called.
	stdlibImported = `{"finding":{"osv":"GO-2026-6604","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"os"}]}}`
	stdlibCalled   = `{"finding":{"osv":"GO-2026-6809","fixed_version":"v1.26.10","trace":[
		{"module":"stdlib","version":"v1.26.8","package":"crypto/x509","function":"Verify","receiver":"*Certificate"},
		{"module":"capacityhub","package":"capacityhub/internal/notify","function":"send","position":{"filename":"internal/notify/outbox.go","line":54,"column":20}}]}}`
)

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		name     string
		stream   []string
		accepted map[string]string
		pass     bool
		want     []string // lines of the output, each in full
	}{
		{
			name:   "a called vulnerability fails, shown with its shortest trace from our code",
			stream: []string{config, osvText, textModule, textPackage, textCalledLonger, textCalled},
			want: []string{
				"govulncheck v1.9.0, go1.26.8, database file:///vulndb/data/osv",
				"VULNERABLE GO-2022-1059 (golang.org/x/text@v0.3.7, fixed in v0.3.8): Denial of service via crafted Accept-Language header in golang.org/x/text/language",
				"           internal/web/site/lang.go:40:9: site.Language -> fiber.Ctx.AcceptsLanguages -> language.ParseAcceptLanguage",
				"1 vulnerabilities called (0 accepted), 0 more in packages or modules whose vulnerable code is not called",
			},
		},
		{
			name:   "found only at module or package level, it passes and is counted",
			stream: []string{config, osvText, textModule, textPackage, stdlibImported},
			pass:   true,
			want:   []string{"0 vulnerabilities called (0 accepted), 2 more in packages or modules whose vulnerable code is not called"},
		},
		{
			name:     "an accepted one passes with its reason; the standard library's versions are Go's",
			stream:   []string{config, stdlibCalled},
			accepted: map[string]string{"GO-2026-6809": "fixed in a Go we do not have yet"},
			pass:     true,
			want:     []string{"accepted   GO-2026-6809 (stdlib@go1.26.8, fixed in go1.26.10): fixed in a Go we do not have yet"},
		},
		{
			name:     "accepting one does not let another through",
			stream:   []string{config, osvText, textCalled, stdlibCalled},
			accepted: map[string]string{"GO-2026-6809": "fixed in a Go we do not have yet"},
			want:     []string{"2 vulnerabilities called (1 accepted), 0 more in packages or modules whose vulnerable code is not called"},
		},
		{
			name:     "an accepted ID no longer called is pointed out, without failing",
			stream:   []string{config},
			accepted: map[string]string{"GO-2026-6809": "fixed in a Go we do not have yet"},
			pass:     true,
			want:     []string{"no longer called, can leave the accept list: GO-2026-6809"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := read(strings.NewReader(strings.Join(tc.stream, "\n")))
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			if pass := rep.judge(tc.accepted, &out); pass != tc.pass {
				t.Errorf("passed %v, want %v", pass, tc.pass)
			}
			lines := strings.Split(out.String(), "\n")
			for _, w := range tc.want {
				if !slices.Contains(lines, w) {
					t.Errorf("no line %q in\n%s", w, out.String())
				}
			}
		})
	}
}

// Without a whole scan there is nothing to judge: an empty stream (govulncheck failed before
// writing) or a scan that cannot tell calls from imports is an error, never a pass.
func TestReadRefusesWhatIsNoScan(t *testing.T) {
	for name, stream := range map[string]string{
		"empty":        "",
		"no config":    textCalled,
		"module level": strings.Replace(config, `"symbol"`, `"module"`, 1),
		"cut short":    config + "\n" + textCalled[:40],
	} {
		if _, err := read(strings.NewReader(stream)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestReadAccepted(t *testing.T) {
	got, err := readAccepted(strings.NewReader("# why these\n\nGO-2026-6603 HTTP/2 server; we serve none\n  GO-2026-6604\tWindows only  \n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["GO-2026-6603"] != "HTTP/2 server; we serve none" || got["GO-2026-6604"] != "Windows only" {
		t.Errorf("got %q", got)
	}
	for name, file := range map[string]string{
		"no reason":   "GO-2026-6603\n",
		"blank after": "GO-2026-6603   \n",
		"twice":       "GO-2026-6603 a\nGO-2026-6603 b\n",
	} {
		if _, err := readAccepted(strings.NewReader(file)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
