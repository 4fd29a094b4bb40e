package locales_test

import (
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"capacityhub/internal/i18n"
	"capacityhub/locales"
)

// Translations live in <lang>/<domain>.toml. A <lang>.toml at the top (the old layout, say from a
// branch older than the split) is not embedded, so its keys would silently go missing.
func TestNoLocaleFileAtTheTop(t *testing.T) {
	stray, err := filepath.Glob("*.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range stray {
		t.Errorf("%s is not read: move its keys into %s/<domain>.toml (see en/site.toml)", name, name[:len(name)-len(".toml")])
	}
}

// The embedded folders are exactly the interface languages: a folder for a language not in
// i18n.Languages would be carried in the binary and never read.
func TestAFolderPerLanguage(t *testing.T) {
	entries, err := fs.ReadDir(locales.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	want := i18n.Tags()
	slices.Sort(want)
	if !slices.Equal(dirs, want) {
		t.Errorf("folders %v, want one per language: %v", dirs, want)
	}
}
