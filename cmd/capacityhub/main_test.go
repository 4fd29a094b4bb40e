package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	if code, out, _ := runCmd(t, nil, "--help"); code != 0 || !strings.Contains(out, "capacityhub serve") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{}, {"frobnicate"}} {
		code, _, errOut := runCmd(t, nil, args...)
		if code != 2 || !strings.Contains(errOut, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q; want usage and exit 2", args, code, errOut)
		}
	}
}

// A wrong or unreachable setting stops start-up with one line naming it, and exit 1.
func TestStartupErrorsNameTheSetting(t *testing.T) {
	dir := t.TempDir()
	sqlite := "sqlite:" + filepath.Join(dir, "ch.db")
	for _, tc := range []struct {
		name    string
		env     map[string]string
		setting string
	}{
		{"bad log format", map[string]string{"DATABASE_URL": sqlite, "LOG_FORMAT": "yaml"}, "LOG_FORMAT"},
		{"postgres unreachable", map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x?connect_timeout=1", "SECRET_KEY": strings.Repeat("k", 32)}, "DATABASE_URL"},
		{"redis unreachable", map[string]string{"DATABASE_URL": sqlite, "REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL"},
		{"address in use", map[string]string{"DATABASE_URL": sqlite, "ADDR": "256.1.1.1:99999"}, "ADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, tc.env, "serve")
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			last := lines[len(lines)-1]
			if code != 1 || !strings.HasPrefix(last, "capacityhub: "+tc.setting+": ") {
				t.Fatalf("exit %d, stderr %q; want exit 1 and a line naming %s", code, errOut, tc.setting)
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, ".go:") {
				t.Errorf("stack trace printed: %s", errOut)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "ch.db")}
	for range 2 { // the second run finds nothing to do
		if code, out, errOut := runCmd(t, env, "migrate"); code != 0 || !strings.Contains(out, "up to date") {
			t.Fatalf("migrate: exit %d, out %q, err %q", code, out, errOut)
		}
	}
}

// content check reads nothing but the sources and writes nothing; each problem is file:line:
// message, and any problem is exit 1.
func TestContentCheck(t *testing.T) {
	src := mustAbs(t, "../../content")
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, _ := runCmd(t, nil, "content", "check", src)
	if code != 0 || !strings.Contains(out, "3 courses, no problems") {
		t.Fatalf("shipped content: exit %d, %q", code, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("content check wrote %v into the current folder", entries)
	}
	bad := filepath.Join(dir, "bad", "c1")
	if err := os.MkdirAll(filepath.Join(bad, "en"), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(bad, "course.toml"), []byte("level = \"easy\"\nestimated_minutes = 10\n"), 0o644)
	code, out, _ = runCmd(t, nil, "content", "check", filepath.Join(dir, "bad"))
	if code != 1 || !strings.Contains(out, filepath.Join(bad, "course.toml")+":1: level") {
		t.Errorf("bad content: exit %d, %q", code, out)
	}
}

// content import is idempotent.
func TestContentImport(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "ch.db")}
	src := mustAbs(t, "../../content")
	for _, want := range []string{"3 added, 0 updated, 0 unchanged", "0 added, 0 updated, 3 unchanged"} {
		if code, out, errOut := runCmd(t, env, "content", "import", src); code != 0 || !strings.Contains(out, want) {
			t.Fatalf("import: exit %d, %q, %q; want %q", code, out, errOut, want)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
