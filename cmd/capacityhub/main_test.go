package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	// Help asked of a command is help, not a server started on :8080.
	for _, args := range [][]string{{"serve", "--help"}, {"migrate", "-h"}} {
		if code, out, _ := runCmd(t, nil, args...); code != 0 || !strings.Contains(out, "capacityhub serve") {
			t.Errorf("%v: exit %d, %q; want the usage and exit 0", args, code, out)
		}
	}
	for _, args := range [][]string{{}, {"frobnicate"}, {"serve", "now"}, {"migrate", "extra", "junk"}} {
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
	if err := os.WriteFile(filepath.Join(dir, "a-file"), nil, 0o600); err != nil { // no folder can be made under it
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		setting string
		cause   string // what the line must say of the cause, when it matters
	}{
		{"bad log format", map[string]string{"DATABASE_URL": sqlite, "LOG_FORMAT": "yaml"}, "LOG_FORMAT", "yaml"},
		{"postgres unreachable", map[string]string{"DATABASE_URL": "postgres://nobody@127.0.0.1:1/x?connect_timeout=1", "SECRET_KEY": strings.Repeat("k", 32)}, "DATABASE_URL", ""},
		{"redis unreachable", map[string]string{"DATABASE_URL": sqlite, "REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL", "refused"},
		{"address in use", map[string]string{"DATABASE_URL": sqlite, "ADDR": "256.1.1.1:99999"}, "ADDR", ""},
		{"content folder missing", map[string]string{"DATABASE_URL": sqlite, "CONTENT_DIR": filepath.Join(dir, "no-such-folder")}, "CONTENT_DIR", "not a folder"},
		{"database folder impossible", map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "a-file", "x.db")}, "DATABASE_URL", "folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, tc.env, "serve")
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			last := lines[len(lines)-1]
			if code != 1 || !strings.HasPrefix(last, "capacityhub: "+tc.setting+": ") || !strings.Contains(last, tc.cause) {
				t.Fatalf("exit %d, stderr %q; want exit 1 and a line naming %s and saying %q", code, errOut, tc.setting, tc.cause)
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
	if code != 0 || !strings.HasSuffix(out, "\n3 courses, no problems\n") {
		t.Fatalf("shipped content: exit %d, %q", code, out)
	}
	// Each shipped course is complete in the six languages, and says so.
	for _, slug := range []string{"ai-network-operations", "ai-spectrum-management", "regulating-ai-in-telecoms"} {
		for _, lang := range []string{"ar", "en", "es", "fr", "ru", "zh"} {
			if want := lang + " 9/9 lessons, 3/3 quizzes"; !strings.Contains(lineOf(out, slug+":"), want) {
				t.Errorf("coverage of %s: %q lacks %q", slug, lineOf(out, slug+":"), want)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("content check wrote %v into the current folder", entries)
	}
	one := filepath.Join(t.TempDir(), "one")
	if err := os.CopyFS(filepath.Join(one, "ai-network-operations"), os.DirFS(filepath.Join(src, "ai-network-operations"))); err != nil {
		t.Fatal(err)
	}
	// A lesson and a quiz not yet written in Chinese: the coverage says what falls back to English.
	zh := filepath.Join(one, "ai-network-operations", "zh", "foundations")
	if err := os.Remove(filepath.Join(zh, "aiops-use-cases.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(zh, "quiz.toml")); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, nil, "content", "check", one)
	if want := "zh 8/9 lessons, 2/3 quizzes (the rest in English)"; code != 0 || !strings.Contains(out, want) || !strings.HasSuffix(out, "\n1 course, no problems\n") {
		t.Errorf("one course, partly translated: exit %d, %q; want %q and the count", code, out, want)
	}
	// A shipped learning path naming a course that is not there is a problem of its own.
	if err := os.WriteFile(filepath.Join(one, "learning-paths.toml"), []byte("[[path]]\nslug = \"p\"\ncourses = [\"ai-network-operations\", \"no-such-course\"]\n[path.title]\nen = \"P\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd(t, nil, "content", "check", one); code != 1 || !strings.Contains(out, "learning-paths.toml:3: path p: no course \"no-such-course\"") {
		t.Errorf("a path naming a missing course: exit %d, %q", code, out)
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

// lineOf is the line of out that starts with prefix, "" when there is none.
func lineOf(out, prefix string) string {
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// content check prints every problem of a broken copy of the shipped courses, each at the line to
// fix, and nothing that only follows from another; the count closes on stderr.
func TestContentCheckReportsEveryProblem(t *testing.T) {
	src := mustAbs(t, "../../content")
	const c = "ai-network-operations"
	prereqs := lineStarting(t, filepath.Join(src, c, "course.toml"), "prerequisites")
	for _, tc := range []struct {
		name    string
		edit    func(t *testing.T, dir string)
		want    []string // file:line: message, file within the content folder
		summary string
	}{
		{"bad prerequisite, alone", func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, c, "course.toml"), "prerequisites = []", `prerequisites = ["nowhere"]`)
		}, []string{fmt.Sprintf(`%s/course.toml:%d: prerequisite "nowhere" is not a course here`, c, prereqs)}, "1 problem in"},
		{"bad prerequisite beside another problem", func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, c, "course.toml"), "prerequisites = []", `prerequisites = ["nowhere"]`)
			replaceInFile(t, filepath.Join(dir, c, "course.toml"), `level = "introductory"`, `level = "easy"`)
		}, []string{
			fmt.Sprintf(`%s/course.toml:%d: level "easy" is not one of introductory, intermediate, advanced`, c, lineStarting(t, filepath.Join(src, c, "course.toml"), "level")),
			fmt.Sprintf(`%s/course.toml:%d: prerequisite "nowhere" is not a course here`, c, prereqs),
		}, "2 problems in"},
		{"English texts and quiz missing", func(t *testing.T, dir string) {
			mustRemove(t, filepath.Join(dir, c, "en", "course.toml"))
			mustRemove(t, filepath.Join(dir, c, "en", "foundations", "quiz.toml"))
		}, []string{
			c + "/en/course.toml:1: missing: every course needs its English texts",
			c + `/en/foundations/quiz.toml:1: missing: the quiz of module "foundations" has no English text`,
		}, "2 problems in"},
		{"French course.toml misnamed", func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, c, "fr", "course.toml"), filepath.Join(dir, c, "fr", "course.tml")); err != nil {
				t.Fatal(err)
			}
		}, []string{
			c + "/fr/course.tml:1: not part of the course: no lesson or quiz in course.toml matches this file",
			c + "/fr/course.toml:1: missing: fr/ holds files, but without this file the course is not offered in that language",
		}, "2 problems in"},
		{"course.toml without modules", func(t *testing.T, dir string) {
			file := filepath.Join(dir, c, "course.toml")
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			top, _, _ := strings.Cut(string(b), "[[modules]]")
			if err := os.WriteFile(file, []byte(top), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{c + "/course.toml:1: a course needs at least one [[modules]]"}, "1 problem in"},
		{"problems in one file, by line", func(t *testing.T, dir string) {
			file := filepath.Join(dir, c, "fr", "course.toml")
			// Found first: a module that is not in the course, at the end of the file. Then a
			// quiz_title missing from the first module, above it.
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, append(b, "\n[modules.extra]\ntitle = \"En plus\"\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			replaceInFile(t, file, "quiz_title", "# quiz_title") // the first module's
		}, []string{
			fmt.Sprintf(`%s/fr/course.toml:%d: module "foundations": its quiz is translated but has no quiz_title here`, c, lineStarting(t, filepath.Join(src, c, "fr", "course.toml"), "[modules.foundations]")),
			fmt.Sprintf(`%s/fr/course.toml:%d: module "extra" is not in course.toml`, c, lineCount(t, filepath.Join(src, c, "fr", "course.toml"))+2),
		}, "2 problems in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "content")
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			tc.edit(t, dir)
			code, out, errOut := runCmd(t, nil, "content", "check", dir)
			var want []string
			for _, w := range tc.want {
				want = append(want, filepath.Join(dir, w))
			}
			if got := strings.Split(strings.TrimSpace(out), "\n"); code != 1 || !slices.Equal(got, want) {
				t.Errorf("exit %d, output:\n  %s\nwant exit 1 and:\n  %s", code, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if !strings.Contains(errOut, "capacityhub: "+tc.summary+" "+dir+"\n") {
				t.Errorf("stderr %q; want %q", errOut, tc.summary)
			}
		})
	}
}

// lineStarting is the number of the first line of file that starts with prefix.
func lineStarting(t *testing.T, file, prefix string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line of %s starts with %q", file, prefix)
	return 0
}

// lineCount is the number of lines of file, which ends in a line end.
func lineCount(t *testing.T, file string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

func replaceInFile(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRemove(t *testing.T, file string) {
	t.Helper()
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
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
