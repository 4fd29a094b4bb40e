package locales_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"capacityhub/internal/i18n"
	"capacityhub/locales"
)

// Every error a client can be told of names a message id (fault.New(kind, "id", …), and the web
// layer's own statusError{…, key: "id"}): each of those ids is defined in every language, so
// that no problem+json detail ever reads as a bare id. The ids are read from the source, so a new
// error is checked the day it is declared.
func TestEveryErrorMessageIsTranslated(t *testing.T) {
	b, err := i18n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`fault\.New\(fault\.\w+,\s*"([^"]+)"|key:\s*"([a-z_.]+)"`)
	found := 0
	err = filepath.WalkDir("../internal", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range ids.FindAllStringSubmatch(string(src), -1) {
			id := m[1] + m[2]
			if strings.HasPrefix(path, filepath.Join("..", "internal", "fault")) {
				continue // the package's own doc example
			}
			found++
			for _, lang := range i18n.Languages {
				if !slices.Contains(b.MessageIDs(lang.Tag), id) {
					t.Errorf("%s: message %q is not defined in %s", path, id, lang.Tag)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Fatalf("found only %d error message ids: is the pattern still right?", found)
	}
}
