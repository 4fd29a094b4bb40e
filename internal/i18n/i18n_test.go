package i18n_test

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"

	"capacityhub/internal/i18n"
	"capacityhub/locales"
)

func load(t *testing.T) *i18n.Bundle {
	t.Helper()
	b, err := i18n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every language defines exactly the keys English defines: no page ever shows a raw key or a
// stray English string.
func TestEveryLanguageHasEveryKey(t *testing.T) {
	b := load(t)
	en := b.MessageIDs("en")
	if len(en) < 20 {
		t.Fatalf("English defines only %d messages", len(en))
	}
	for _, lang := range i18n.Languages {
		ids := b.MessageIDs(lang.Tag)
		for _, id := range en {
			if !slices.Contains(ids, id) {
				t.Errorf("%s/ lacks %q", lang.Tag, id)
			}
		}
		for _, id := range ids {
			if !slices.Contains(en, id) {
				t.Errorf("%s/ has %q, which en/ lacks", lang.Tag, id)
			}
		}
	}
}

// rawMessages reads a language's locale files as go-i18n sees them: id -> plural form -> text.
func rawMessages(t *testing.T, tag string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for id, m := range rawFiles(t, tag) {
		out[id] = m.forms
	}
	return out
}

type rawMessage struct {
	file  string            // the file's name in its language folder: site.toml
	forms map[string]string // plural form -> text; "other" alone when the message has no plurals
}

// rawFiles reads every <tag>/*.toml of locales.FS: id -> the file that defines it and its text.
func rawFiles(t *testing.T, tag string) map[string]rawMessage {
	t.Helper()
	files, err := fs.Glob(locales.FS, tag+"/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no locale files for %s (%v)", tag, err)
	}
	out := map[string]rawMessage{}
	for _, name := range files {
		data, err := fs.ReadFile(locales.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := toml.Unmarshal(data, &raw); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for id, v := range raw {
			m := rawMessage{file: path.Base(name), forms: map[string]string{}}
			switch v := v.(type) {
			case string:
				m.forms["other"] = v
			case map[string]any:
				for form, text := range v {
					m.forms[form], _ = text.(string)
				}
			}
			out[id] = m
		}
	}
	return out
}

// Every language puts each key in the file English puts it in (en/site.toml, fr/site.toml…), so
// that a translator finds a key where its English is, and a domain's words stay in its file.
func TestEveryKeyInTheSameFileAsEnglish(t *testing.T) {
	en := rawFiles(t, "en")
	for _, lang := range i18n.Languages {
		for id, m := range rawFiles(t, lang.Tag) {
			if want, ok := en[id]; ok && m.file != want.file {
				t.Errorf("%s/%s has %q, which belongs in %s/%s as in en/%s", lang.Tag, m.file, id, lang.Tag, want.file, want.file)
			}
		}
	}
}

// Translations are real: a message identical to English in another language is a copy, except
// for names that stay the same everywhere.
func TestTranslationsAreNotEnglishCopies(t *testing.T) {
	same := map[string]bool{ // words that really are the same
		"site.name": true, "nav.forums": true, "home.forums.title": true, "fr:count.minutes": true, "fr:role.expert": true, "ar:date.long": true,
		"fr:list.separator": true, "es:list.separator": true, "ru:list.separator": true,
		"es:punct.colon": true, "ru:punct.colon": true, "ar:punct.colon": true,
	}
	en := rawMessages(t, "en")
	for _, lang := range i18n.Languages {
		if lang.Tag == "en" {
			continue
		}
		for id, forms := range rawMessages(t, lang.Tag) {
			if !same[id] && !same[lang.Tag+":"+id] && forms["other"] == en[id]["other"] {
				t.Errorf("%s: %q is the English text %q", lang.Tag, id, forms["other"])
			}
		}
	}
}

// Plural messages carry every form the language's CLDR rules use (Arabic six, Russian four,
// Chinese one), so that "2 courses" reads right in each: go-i18n fails, and the page would show the
// raw key, for any count whose form is missing.
func TestPluralFormsFollowCLDR(t *testing.T) {
	b := load(t)
	en := rawMessages(t, "en")
	counts := []int{1000, 1001, 100000, 1000000, 2000000}
	for n := range 220 {
		counts = append(counts, n)
	}
	for _, lang := range i18n.Languages {
		loc := b.Localizer(lang.Tag)
		for id, enForms := range en {
			if _, isPlural := enForms["one"]; !isPlural {
				continue
			}
			for _, n := range counts {
				if got := loc.N(id, n); got == id || strings.Contains(got, "{{") {
					t.Errorf("%s: %q has no form for %d", lang.Tag, id, n)
					break
				}
			}
		}
	}
}

func TestPluralsRender(t *testing.T) {
	b := load(t)
	for _, tc := range []struct {
		lang  string
		count int
		want  string
	}{
		{"en", 1, "1 course"},
		{"en", 3, "3 courses"},
		{"ru", 1, "1 курс"},
		{"ru", 3, "3 курса"},
		{"ru", 5, "5 курсов"},
		{"ar", 2, "دورتان"},
		{"ar", 3, "3 دورات"},
		{"ar", 11, "11 دورة"},
		{"zh", 2, "2 门课程"},
		{"fr", 0, "0 cours"},
	} {
		if got := b.Localizer(tc.lang).N("count.courses", tc.count); got != tc.want {
			t.Errorf("%s N(count.courses, %d) = %q, want %q", tc.lang, tc.count, got, tc.want)
		}
	}
}

func TestTemplatedMessage(t *testing.T) {
	got := load(t).Localizer("fr").Tf("error.reference", map[string]any{"ID": "abc123"})
	if !strings.Contains(got, "abc123") || !strings.HasPrefix(got, "Référence") {
		t.Errorf("Tf = %q", got)
	}
}

func TestDirection(t *testing.T) {
	b := load(t)
	for _, lang := range i18n.Languages {
		want := "ltr"
		if lang.Tag == "ar" {
			want = "rtl"
		}
		if got := b.Localizer(lang.Tag).Dir; got != want {
			t.Errorf("%s dir = %s, want %s", lang.Tag, got, want)
		}
	}
	if b.Localizer("de") != nil {
		t.Error("unsupported language got a localizer")
	}
}

func TestNegotiate(t *testing.T) {
	b := load(t)
	for _, tc := range []struct {
		name, cookie, accept, want string
	}{
		{"cookie wins", "ar", "fr-FR,fr;q=0.9", "ar"},
		{"bad cookie ignored", "xx", "es-MX,es;q=0.9,en;q=0.5", "es"},
		{"regional variant", "", "fr-CA", "fr"},
		{"traditional chinese is chinese", "", "zh-TW", "zh"},
		{"quality order", "", "de;q=0.9,ru;q=0.8,en;q=0.1", "ru"},
		{"unsupported only", "", "de-DE,pt;q=0.8", "en"},
		{"garbage", "", ";;;,,q=", "en"},
		{"nothing", "", "", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.Negotiate(tc.cookie, tc.accept); got != tc.want {
				t.Errorf("Negotiate(%q, %q) = %s, want %s", tc.cookie, tc.accept, got, tc.want)
			}
		})
	}
}

func TestTags(t *testing.T) {
	want := []string{"ar", "zh", "en", "fr", "ru", "es"}
	got := i18n.Tags()
	if !slices.Equal(got, want) {
		t.Fatalf("Tags() = %v, want %v", got, want)
	}
	got[0] = "xx"
	if i18n.Tags()[0] != "ar" || i18n.Languages[0].Tag != "ar" {
		t.Error("changing the slice Tags returned changed the languages")
	}
}

// localeFS is a small, valid locales tree: two files for every language.
func localeFS() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, tag := range i18n.Tags() {
		fsys[tag+"/site.toml"] = &fstest.MapFile{Data: []byte(`"site.name" = "Capacity Hub ` + tag + `"` + "\n")}
		fsys[tag+"/course.toml"] = &fstest.MapFile{Data: []byte(`"course.start" = "start ` + tag + `"` + "\n")}
	}
	return fsys
}

func TestLoadReadsEveryFileOfEachLanguage(t *testing.T) {
	fsys := localeFS()
	fsys["fr/notes.txt"] = &fstest.MapFile{Data: []byte("not a locale file")}
	b, err := i18n.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	fr := b.Localizer("fr")
	if got := fr.T("site.name") + " / " + fr.T("course.start"); got != "Capacity Hub fr / start fr" {
		t.Errorf("fr = %q, want both files' texts", got)
	}
	if ids := b.MessageIDs("fr"); len(ids) != 2 {
		t.Errorf("MessageIDs(fr) = %v, want the ids of both files", ids)
	}
}

// A broken locales tree stops the server at start with an error that says where to look.
func TestLoadRefusesABrokenTree(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(fstest.MapFS)
		want   []string // each appears in the error
	}{
		{"the same id in two files of one language", func(fsys fstest.MapFS) {
			fsys["ru/course.toml"] = &fstest.MapFile{Data: []byte("\"course.start\" = \"начать\"\n\"site.name\" = \"Capacity Hub\"\n")}
		}, []string{"ru/site.toml", "ru/course.toml", `"site.name"`}},
		{"a language folder missing", func(fsys fstest.MapFS) {
			delete(fsys, "zh/site.toml")
			delete(fsys, "zh/course.toml")
		}, []string{"zh/", "no such folder"}},
		{"a language folder without a .toml file", func(fsys fstest.MapFS) {
			delete(fsys, "es/site.toml")
			delete(fsys, "es/course.toml")
			fsys["es/site.tml"] = &fstest.MapFile{Data: []byte(`"site.name" = "Capacity Hub"`)}
		}, []string{"es/", "no .toml file"}},
		{"a file that does not parse", func(fsys fstest.MapFS) {
			fsys["ar/course.toml"] = &fstest.MapFile{Data: []byte("\"course.start\" = \"ابدأ\"\n\"course.next\" = \"unterminated\n")}
		}, []string{"ar/course.toml", "line 2"}},
		{"a file that is TOML but not messages", func(fsys fstest.MapFS) {
			fsys["en/site.toml"] = &fstest.MapFile{Data: []byte("[\"count.courses\"]\none = \"1 course\"\nsite = \"mixed\"\n")}
		}, []string{"en/site.toml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := localeFS()
			tc.change(fsys)
			b, err := i18n.Load(fsys)
			if err == nil {
				t.Fatalf("Load succeeded (%d English ids)", len(b.MessageIDs("en")))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %s", err, w)
				}
			}
		})
	}
}
